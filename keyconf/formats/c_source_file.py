"""Reading a layout's companion C file (`c_source: mine.c`) and its more C files (`c_files:`):
confined to the layout's folder.

The file is someone else's code: keyconf reads it as text and hands it to QMK's build,
never runs it. A layout from a stranger must not make keyconf read files elsewhere, so
the path (symbolic links followed) has to stay inside the layout's folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from keyconf.formats.atomic import write_atomic
from keyconf.model.layout import CFile

MAX_C_SOURCE_BYTES = 2 * 1024 * 1024
C_SOURCE_SUFFIXES = (".c", ".h", ".inc")
# A part of a `c_files:` path: it goes into rules.mk, so no character make or a shell reads.
_C_FILE_PART_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
_GENERATED_FILES = ("keymap.c", "config.h")  # the build writes these into the keymap folder itself


class CSourceFileError(ValueError):
    """The C file exists but cannot be used: outside the folder, too big, not text."""


def is_file_at(path: Path) -> bool:
    """`path.is_file()`, and False for a name the system refuses to look up (a part longer than
    255 bytes, a path past 4096: `File name too long`), which `is_file` raises for. The names come
    from strangers' files (`#include "..."`, rules.mk's SRC, a layout's `c_source:`)."""
    try:
        return path.is_file()
    except OSError:
        return False


def is_folder_at(path: Path) -> bool:
    """`path.is_dir()`, False for a name the system refuses to look up (see `is_file_at`)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def read_c_source_file(layout_file: str | Path, name: str) -> str | None:
    """The text of `name` next to `layout_file`; None when there is no such file.

    Raises CSourceFileError when the path leaves the layout's folder or the file is not
    readable UTF-8 text of a sane size."""
    folder = Path(layout_file).resolve().parent
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise CSourceFileError(f"{name} leads outside the layout's folder")
    try:
        if not target.exists():
            return None
        if not target.is_file():
            raise CSourceFileError(f"{name} is not a file")
        if target.stat().st_size > MAX_C_SOURCE_BYTES:
            raise CSourceFileError(f"{name} is larger than {MAX_C_SOURCE_BYTES // (1024 * 1024)} MiB")
        data = target.read_bytes()
    except OSError as error:  # a name too long for the system, a file it may not read
        raise CSourceFileError(f"the file cannot be read: {error.strerror or error}") from None
    if b"\0" in data:
        raise CSourceFileError(f"{name} is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CSourceFileError(f"{name} is not UTF-8 text (byte {error.start})") from None


def c_file_path_problem(name: str) -> str | None:
    """Why `name` cannot be one of a layout's more C files (`c_files:`); None when it can. As for
    `c_source`, the file stays in the layout's folder; and as rules.mk names it, its path holds
    only letters, digits and `_ . + -`, so no make code rides in on a file name."""
    problem = c_source_path_problem(name)
    if problem is not None:
        return problem.replace(f"`c_source: {name}`", f"`{name}`")
    if not all(_C_FILE_PART_RE.match(part) for part in name.split("/")):
        return f"`{name}` holds characters a build cannot take (use letters, digits, `_`, `.`, `+` and `-`)"
    if name.lower() in _GENERATED_FILES:
        return f"`{name}` is a file keyconf writes for each build (from the layout)"
    return None


def c_source_path_problem(name: str) -> str | None:
    """Why `name` cannot be a layout's C file (None when it can): the file must sit in the layout's
    folder or below it, so a layout from a stranger cannot make keyconf read other files."""
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"`c_source: {name}` must be a path relative to the layout's folder"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"`c_source: {name}` must stay inside the layout's folder (no `..`, no empty parts)"
    if not name.endswith(C_SOURCE_SUFFIXES):
        return f"`c_source: {name}` is not a C file ({', '.join(C_SOURCE_SUFFIXES)})"
    if any(ch.isspace() or ch in '"<>|*?' or not ch.isprintable() for ch in name):
        return f"`c_source: {name}` holds characters a build cannot take"
    return None


def write_c_files(c_files: Sequence[CFile], layout_file: str | Path, *, from_layout: str | Path | None = None,
                  overwrite: bool = False) -> list[Path]:
    """Write a layout's `c_files` beside `layout_file`, at their paths, and return those written.

    Each file's text is read beside `from_layout` (the layout's file until now, for a save to
    another folder), or else is the text the layout holds (an import's, until its first save).
    A file already there with the same text is left; one with other text is refused, before
    anything is written (CSourceFileError naming them), unless `overwrite`."""
    folder = Path(layout_file).resolve().parent
    if from_layout is not None and Path(from_layout).resolve().parent == folder:
        return []  # the files are beside it already
    planned: list[tuple[Path, str]] = []
    clashes: list[str] = []
    for c_file in c_files:
        problem = c_file_path_problem(c_file.path)
        if problem is not None:
            raise CSourceFileError(problem.replace("`", ""))
        text = read_c_source_file(from_layout, c_file.path) if from_layout is not None else None
        text = text if text is not None else c_file.text
        if text is None:
            continue  # nothing to write: building the layout will say the file is missing
        target = folder / c_file.path
        if not target.resolve().is_relative_to(folder):
            raise CSourceFileError(f"{c_file.path} leads outside the layout's folder")
        if target.is_file():
            if target.read_bytes() == text.encode("utf-8"):
                continue
            if not overwrite:
                clashes.append(c_file.path)
        planned.append((target, text))
    if clashes:
        raise CSourceFileError(f"{', '.join(clashes)} already {'exists' if len(clashes) == 1 else 'exist'} beside "
                               "the layout with other content")
    for target, text in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
    return [target for target, _ in planned]


# Paths from the tree's root (not lib/: a keyboard's own lib/ folder is meant by that).
QMK_ROOT_FOLDERS = ("keyboards/", "users/", "quantum/", "drivers/", "platforms/")


def qmk_file_path_problem(name: str) -> str | None:
    """Why `name` cannot be one of QMK's own files a layout builds with (`c_files: qmk:`); None when
    it can: a path inside the tree (no `..`, not absolute), of a `.c` or `.h`, in letters,
    digits and `_ . + -` only, as it goes into rules.mk."""
    problem = c_file_path_problem(name)
    if problem is not None and "keyconf writes" not in problem:
        return problem.replace("the layout's folder", "the QMK tree")
    if not name.endswith((".c", ".h")):
        return f"`{name}` is not a C file (.c, .h)"
    return None
