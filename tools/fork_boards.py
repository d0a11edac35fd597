"""Boards of QMK forks that upstream qmk_firmware lacks, as records of keyconf's bundled catalogue.

Keychron keeps most of its boards (Max, Pro, HE, the K version refreshes) in its own fork,
github.com/Keychron/qmk_firmware, spread over several branches; Vial users build from
github.com/vial-kb/vial-qmk, which carries boards QMK never took or has since removed. Users
of those forks write the fork's paths (`keychron/q3_max/ansi_encoder`), so keyconf should know
them, and know that only that fork builds them. Community forks too: fingerpunch's boards live in
github.com/sadekbaroudi/qmk_firmware, the Framework Laptop 16 modules in Framework's fork (read
at a release tag: a "branch" may be any ref). `qmk-master` reads upstream's own master where
it is newer than the tree the catalogue is made from: the boards QMK added since.

    python tools/fork_boards.py --fork keychron=/path/to/Keychron/qmk_firmware.git \
        --fork vial=/path/to/vial-qmk.git --fork qmk-master=/path/to/a/clone/of/upstream/master \
        --fork fingerpunch=/path/to/sadekbaroudi/qmk_firmware.git \
        --fork framework=/path/to/FrameworkComputer/qmk_firmware.git --qmk /path/to/qmk_firmware

lists what each fork would add to the catalogue (`tools/build_catalogue.py --fork ...` adds
them). A fork is read from a git repository (bare or not) by branch: only the files that
define boards are taken out of git (each folder's info.json, keyboard.json, rules.mk, config.h
and `<folder>.h`, the via and vial keymaps, QMK's data/mappings), into a temporary folder,
and each board is merged there as `qmk info` merges it, by keyconf's own reader
(`keyconf.formats.qmk_info.merged_info_json`). A board is taken from the first branch (newest
first) that has it; a name upstream knows (a board, one of QMK's old names, or a folder
holding upstream boards) is never taken from a fork: upstream's definition stays.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from bundle_keyboards import reduce_info  # noqa: E402

from keyconf.catalogue.bundle import UPSTREAM_REPO  # noqa: E402
from keyconf.catalogue.entry import KeyboardEntry, Source, entry_from_keyboard  # noqa: E402
from keyconf.catalogue.qmk_index import load_qmk_index  # noqa: E402
from keyconf.formats.definition_source import KeyboardDefinitionError  # noqa: E402
from keyconf.formats.qmk_info import keyboard_from_info, merged_info_json  # noqa: E402
from keyconf.model.keyboard import Keyboard  # noqa: E402

FORK_LICENSE = "GPL-2.0-or-later"
UPSTREAM_MASTER = "qmk-master"
# QMK's own test fixtures, which a fork may carry in versions upstream has dropped: no one's board.
NOT_BOARDS = ("handwired/pytest/",)


@dataclass(frozen=True)
class Fork:
    """A QMK fork keyconf takes boards from."""

    repo: str  # owner/name on GitHub
    branches: tuple[str, ...]  # the branches holding boards; each is read, newest first
    folder: str = ""  # only boards under this folder of keyboards/ ("" = every board)
    # a folder with boards below that holds keymaps is a board too (svalboard: `qmk compile -kb
    # svalboard`, its halves below only set the hand); elsewhere such a folder is a family's
    parents_build: bool = False

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repo}"


FORKS = {
    # Keychron's branches: the wireless boards (Max, Pro), hall-effect boards, the wired Q/V/C
    # boards and the K refreshes; a board on several branches is taken from the newest.
    "keychron": Fork("Keychron/qmk_firmware",
                     ("2025q3", "wls_2025q1", "wireless_playground", "hall_effect_playground", "playground",
                      "bluetooth_playground", "wired_wb", "master", "old_playground"), "keychron"),
    "vial": Fork("vial-kb/vial-qmk", ("vial",)),
    # fingerpunch boards (ffkb, ximi, pinkiesout, sweeeeep ...) are built from Sadek Baroudi's fork
    "fingerpunch": Fork("sadekbaroudi/qmk_firmware", ("master",), "fingerpunch"),
    # the Framework Laptop 16 input modules: Framework's releases are tags of its fork
    "framework": Fork("FrameworkComputer/qmk_firmware", ("v0.2.9",), "framework"),
    # upstream's own master, newer than the tree the catalogue is built from: the boards QMK added
    # since (the 2025q3 renames such as bastardkb/skeletyl/promicro); any repository holding
    # upstream's master (a fork that mirrors it, as Keychron's `master` does) serves
    UPSTREAM_MASTER: Fork(UPSTREAM_REPO, ("master",)),
    # boards their makers keep in their own vial-qmk forks, and holykeebs' boards
    "svalboard": Fork("svalboard/vial-qmk", ("vial",), "svalboard", parents_build=True),
    "ergohaven": Fork("ergohaven/vial-qmk", ("vial",), "ergohaven"),
    "holykeebs": Fork("holykeebs/qmk_firmware", ("hk-master",), "holykeebs"),
}

Record = tuple[KeyboardEntry, dict[str, Any], Keyboard]


@dataclass
class ForkBranch:
    """What one branch of a fork adds: its source row for the catalogue and its boards."""

    fork: Fork
    branch: str
    commit: str
    date: str
    boards: list[Record]
    aliases: dict[str, str]  # the fork's own old names and DEFAULT_FOLDERs for its boards
    skipped: list[str]  # boards the reader refused, with the reason

    @property
    def source(self) -> dict[str, Any]:
        return {"name": self.fork.repo, "url": self.fork.url, "branch": self.branch, "commit": self.commit,
                "date": self.date, "license": FORK_LICENSE, "boards": len(self.boards)}


def _git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(git_dir), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} in {git_dir}: {done.stderr.strip()}")
    return done.stdout


def branch_facts(git_dir: Path, branch: str) -> tuple[str, str] | None:
    """(commit, date) of a branch, or None when the repository has no such branch."""
    done = subprocess.run(["git", "-C", str(git_dir), "log", "-1", "--format=%H %cs", branch, "--"],
                          capture_output=True, text=True, check=False)
    parts = done.stdout.split()
    return (parts[0], parts[1]) if done.returncode == 0 and len(parts) == 2 else None


def _defines_boards(path: str) -> bool:
    """A file the catalogue's reader needs: QMK's mappings, a folder's definition files, the
    via/vial keymaps (whose presence the catalogue lists)."""
    if path.startswith("data/mappings/"):
        return True
    parts = path.split("/")
    if "keymaps" in parts:
        at = parts.index("keymaps")
        return len(parts) > at + 2 and parts[at + 1] in ("via", "vial")
    name = parts[-1]
    return name in ("info.json", "keyboard.json", "rules.mk", "config.h") or (
        len(parts) >= 3 and name == parts[-2] + ".h")


def export_definitions(git_dir: Path, branch: str, folder: str, out: Path) -> set[str]:
    """Write the board-defining files of `branch` (under keyboards/`folder`) to `out`; returns
    the keyboard folders that hold keymaps of their own (`svalboard`, whose halves below only set
    the hand). Blobs are read from git in one `cat-file --batch`, never checked out."""
    listing = _git(git_dir, "ls-tree", "-r", "-z", branch, "--", "data/mappings",
                   f"keyboards/{folder}".rstrip("/"))
    wanted: list[tuple[str, str]] = []
    with_keymaps: set[str] = set()
    for item in listing.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        _mode, kind, sha = meta.split()
        parts = path.split("/")
        if "keymaps" in parts[2:]:
            with_keymaps.add("/".join(parts[1:parts.index("keymaps", 2)]))
        if kind == "blob" and _defines_boards(path) and ".." not in parts:
            wanted.append((sha, path))
    batch = subprocess.run(["git", "-C", str(git_dir), "cat-file", "--batch"],
                           input="".join(f"{sha}\n" for sha, _ in wanted).encode(), capture_output=True, check=True)
    data, at = batch.stdout, 0
    for _sha, path in wanted:
        header_end = data.index(b"\n", at)
        size = int(data[at:header_end].split()[2])
        body = data[header_end + 1: header_end + 1 + size]
        at = header_end + 1 + size + 1
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return with_keymaps


class UpstreamNames:
    """The names upstream qmk_firmware answers for: its boards, its old names, and the folders
    holding its boards (`planck`); a fork board by any of these names is not taken."""

    def __init__(self, paths: Iterable[str], aliases: Iterable[str]):
        self.paths = set(paths)
        self.aliases = set(aliases)
        self.folders = {"/".join(p.split("/")[:depth]) for p in self.paths for depth in range(1, p.count("/") + 1)}

    def knows(self, name: str) -> bool:
        return name in self.paths or name in self.aliases or name in self.folders


def read_branch(git_dir: Path, fork: Fork, branch: str, upstream: UpstreamNames, taken: set[str],
                log: Callable[[str], None] = print) -> ForkBranch | None:
    """The boards `branch` of `fork` adds: those upstream does not know and no earlier branch
    gave (`taken` is updated). None when the repository lacks the branch."""
    facts = branch_facts(git_dir, branch)
    if facts is None:
        log(f"  {fork.repo}: no branch {branch} in {git_dir}")
        return None
    commit, date = facts
    found = ForkBranch(fork, branch, commit, date, [], {}, [])
    with tempfile.TemporaryDirectory(prefix="keyconf-fork-") as temp:
        tree = Path(temp)
        with_keymaps = export_definitions(git_dir, branch, fork.folder, tree)
        index = load_qmk_index(tree, use_cache=False, workers=1)
        paths = [entry.path for entry in index.entries]
        for entry in index.entries:
            path = entry.path
            outside = fork.folder and path != fork.folder and not path.startswith(fork.folder + "/")
            if outside or path in taken or upstream.knows(path):
                continue
            if path.startswith(NOT_BOARDS):
                continue
            if any(other.startswith(path + "/") for other in paths) and not (
                    fork.parents_build and path in with_keymaps):
                continue  # a family's folder (`keychron/k8_pro`, rules.mk and info.json): its boards are below
            try:
                info = merged_info_json(tree, path)
                board = keyboard_from_info(info, path)
                names = [n for n in entry.aliases if not upstream.knows(n) and n not in taken]
                record = reduce_info(info, path, names, board.matrix_rows, board.matrix_cols)
                loaded = keyboard_from_info(record, path)  # the reduced record must load on its own
            except KeyboardDefinitionError as error:
                found.skipped.append(f"{path}: {str(error).replace(str(tree) + '/', '')}")
                continue
            if not loaded.layouts:
                found.skipped.append(f"{path}: no layouts in its info.json or keyboard.json")
                continue
            row = entry_from_keyboard(loaded, path, Source.FORK_BUNDLED, f"{fork.repo}@{branch}")
            row = row._replace(aliases=tuple(names), via_keymap=entry.via_keymap, vial_keymap=entry.vial_keymap)
            found.boards.append((row, record, loaded))
            taken.add(path)
        for name, target in sorted(index.aliases.items()):
            if target in taken and not upstream.knows(name) and name not in taken and not name.startswith("_"):
                found.aliases[name] = target
    found.boards.sort(key=lambda item: item[0].path)
    log(f"  {fork.repo}@{branch} ({commit[:10]}, {date}): {len(found.boards)} boards upstream lacks"
        + (f", {len(found.skipped)} refused by the reader" if found.skipped else ""))
    return found


def fork_boards(forks: Iterable[tuple[str, Path]], upstream: UpstreamNames,
                log: Callable[[str], None] = print) -> list[ForkBranch]:
    """Every board the given forks add, branch by branch, in the order given (a board the first
    fork has is not taken again from the second)."""
    taken: set[str] = set()
    found = []
    for name, git_dir in forks:
        fork = FORKS[name]
        for branch in fork.branches:
            read = read_branch(git_dir, fork, branch, upstream, taken, log)
            if read is not None and read.boards:
                found.append(read)
    return found


def fork_argument(text: str) -> tuple[str, Path]:
    """`NAME=GIT_DIR` with NAME one of FORKS."""
    name, _, where = text.partition("=")
    if name not in FORKS or not where:
        raise argparse.ArgumentTypeError(f"expected NAME=GIT_DIR with NAME one of {', '.join(FORKS)}")
    return name, Path(where)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fork", type=fork_argument, action="append", required=True,
                        help=f"NAME=GIT_DIR, NAME one of {', '.join(FORKS)} (repeatable; earlier wins)")
    parser.add_argument("--qmk", type=Path, required=True, help="upstream qmk_firmware: its names stay its own")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every board and every refusal")
    args = parser.parse_args(argv)
    index = load_qmk_index(args.qmk, use_cache=False)
    upstream = UpstreamNames((e.path for e in index.entries), index.aliases)
    for read in fork_boards(args.fork, upstream):
        if args.verbose:
            for entry, _, _ in read.boards:
                print(f"    {entry.path}")
            for reason in read.skipped:
                print(f"    refused {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
