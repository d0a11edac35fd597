"""Walking a qmk_firmware (or userspace) `keyboards/` folder, and telling later whether it changed.

A scan records a *stamp* (modification time in ns) for every folder, every definition
file (`info.json`, `keyboard.json`, `rules.mk`), every `keymaps` folder and the keymaps found
in it. Paths are relative to the tree root with `/` separators. A later check stats exactly
these paths: a folder's time moves when an entry is added, removed or renamed in it, a file's
when it is written, so an unchanged set of stamps means an unchanged index.

Files written moments before the scan are *racy*: a second write within the file system's time
resolution would leave the stamp unchanged. Their stamps are stored as never-matching so the
next check reads them again (git's "racy clean" rule).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

DEFINITION_FILES = frozenset({"info.json", "keyboard.json", "rules.mk", "config.h"})
KEYMAP_FILES = ("keymap.c", "keymap.json")
# Wide enough for file systems that keep times in whole (or even two) seconds.
RACY_WINDOW_NS = 2_000_000_000
NEVER_MATCHES = -1

Stamp = int  # st_mtime_ns


def scan_keyboards(root: Path, keymap_names: frozenset[str] | None = None) -> dict[str, Stamp]:
    """Stamps of everything under `root/keyboards` that the index reads.

    `keymap_names` limits which keymaps are recorded (the tree: `via`, `vial`); None records
    every keymap (a userspace, whose keymaps are the user's own). Missing `keyboards/` gives {}."""
    stamps: dict[str, Stamp] = {}
    base = os.fspath(root)
    started = time.time_ns()
    try:
        top = os.stat(os.path.join(base, "keyboards"))
    except OSError:
        return stamps
    stamps["keyboards"] = top.st_mtime_ns
    pending = ["keyboards"]
    scandir = os.scandir
    while pending:
        rel = pending.pop()
        try:
            with scandir(os.path.join(base, rel)) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name.startswith("."):
                        continue
                    child = f"{rel}/{name}"
                    st = entry.stat(follow_symlinks=False)
                    stamps[child] = st.st_mtime_ns
                    if name == "keymaps":
                        _scan_keymaps(entry.path, child, keymap_names, stamps)
                    else:
                        pending.append(child)
                elif name in DEFINITION_FILES or is_keyboard_header(rel, name):
                    st = entry.stat()
                    stamps[f"{rel}/{name}"] = st.st_mtime_ns
            except OSError:
                continue
    return mark_racy(stamps, started)


def _scan_keymaps(path: str, rel: str, names: frozenset[str] | None, stamps: dict[str, Stamp]) -> None:
    try:
        with os.scandir(path) as listing:
            keymaps = [e for e in listing if (names is None or e.name in names) and e.is_dir()]
    except OSError:
        return
    for keymap in keymaps:
        keymap_rel = f"{rel}/{keymap.name}"
        try:
            st = keymap.stat()
        except OSError:
            continue
        stamps[keymap_rel] = st.st_mtime_ns
        for file in KEYMAP_FILES:
            try:
                fst = os.stat(os.path.join(keymap.path, file))
            except OSError:
                continue
            stamps[f"{keymap_rel}/{file}"] = fst.st_mtime_ns


def stamp_files(root: Path, rels: Iterable[str]) -> dict[str, Stamp]:
    """Stamps of individual files (data/mappings/…); absent files are left out."""
    started = time.time_ns()
    stamps: dict[str, Stamp] = {}
    for rel in rels:
        try:
            st = os.stat(os.path.join(os.fspath(root), rel))
        except OSError:
            continue
        stamps[rel] = st.st_mtime_ns
    return mark_racy(stamps, started)


def mark_racy(stamps: dict[str, Stamp], scan_started_ns: int) -> dict[str, Stamp]:
    limit = scan_started_ns - RACY_WINDOW_NS
    for rel, mtime in stamps.items():
        if mtime >= limit:
            stamps[rel] = NEVER_MATCHES
    return stamps


def stamps_unchanged(root: Path, paths: Sequence[str], mtimes: Sequence[int]) -> bool:
    """True when every stamped path still has its stamp (the warm path: only stats).

    `paths` and `mtimes` are a scan in the cache's flat form (see `flatten`)."""
    if len(paths) != len(mtimes):
        return False
    base = os.fspath(root) + os.sep
    try:
        # One pass of stat calls and one list comparison: the per-path Python work is the cost.
        return [st.st_mtime_ns for st in map(os.stat, [base + rel for rel in paths])] == list(mtimes)
    except (OSError, ValueError):
        return False


def flatten(stamps: Mapping[str, Stamp]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Stamps as two flat tuples, the form that loads fastest from the cache."""
    return tuple(stamps), tuple(stamps.values())


def is_keyboard_header(folder: str, name: str) -> bool:
    """`<folder>/<folder>.h`: where old trees define LAYOUT macros (qmk.info._search_keyboard_h)."""
    return name.endswith(".h") and name[:-2] == folder.rpartition("/")[2]


def definition_files(stamps: Mapping[str, Stamp]) -> dict[str, set[str]]:
    """Folder (relative to `keyboards/`) -> names of its definition files, from a scan."""
    folders: dict[str, set[str]] = {}
    for rel in stamps:
        folder, _, name = rel.rpartition("/")
        if ((name in DEFINITION_FILES or is_keyboard_header(folder, name)) and "/keymaps/" not in rel
                and folder.startswith("keyboards/")):
            folders.setdefault(folder[len("keyboards/"):], set()).add(name)
    return folders


def keymaps_by_folder(stamps: Mapping[str, Stamp]) -> dict[str, set[str]]:
    """Folder (relative to `keyboards/`) -> names of the keymaps in its `keymaps/` that hold a
    keymap.c or keymap.json, from a scan."""
    found: dict[str, set[str]] = {}
    for rel in stamps:
        if not rel.endswith(KEYMAP_FILES):
            continue
        head, _, _file = rel.rpartition("/")
        keymaps_dir, _, keymap = head.rpartition("/")
        folder, _, marker = keymaps_dir.rpartition("/")
        if marker == "keymaps" and folder.startswith("keyboards/"):
            found.setdefault(folder[len("keyboards/"):], set()).add(keymap)
    return found


def git_head(root: Path) -> str | None:
    """The commit checked out in `root` (read from `.git` directly, without running git)."""
    git = root / ".git"
    try:
        if git.is_file():
            text = git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git = (root / text[len("gitdir:"):].strip()).resolve()
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head or None
    ref = head[len("ref:"):].strip()
    common = git
    try:
        common = (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        pass
    for folder in dict.fromkeys((git, common)):
        try:
            return (folder / ref).read_text(encoding="utf-8").strip() or None
        except OSError:
            pass
        try:
            for line in (folder / "packed-refs").read_text(encoding="utf-8").splitlines():
                sha, _, name = line.partition(" ")
                if name == ref:
                    return sha
        except OSError:
            pass
    return None
