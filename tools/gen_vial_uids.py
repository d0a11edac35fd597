#!/usr/bin/env python3
"""Regenerate the Vial keyboard ids keyconf knows (resources/vial/keyboard_uids.json).

    python tools/gen_vial_uids.py REPO.git[@REF] [REPO.git[@REF] ...] [-o OUT]

A Vial save (.vil) names its keyboard only by the 64-bit id the firmware reports: the eight bytes
of `VIAL_KEYBOARD_UID` in the board's vial keymap (`keyboards/<board>/keymaps/vial/config.h`, or the
board's own config.h), which vial-gui reads as one little-endian number. This reads every such
define of vial-qmk and of the vial-qmk forks makers keep their boards in (the same sources as the
catalogue's fork boards, tools/fork_boards.py), from git (bare or not, REF default HEAD), and writes
each id with the board folder and keymap defining it. A keymap folder's config.h serves every
board below that folder (QMK's keymap lookup), so the folder is what is recorded.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "vial" / "keyboard_uids.json"
LICENSE = "GPL-2.0-or-later (vial-qmk; keyboard folder names and ids only)"
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_UID = re.compile(r"^[ \t]*#[ \t]*define[ \t]+VIAL_KEYBOARD_UID[ \t]*(?:\\\n[ \t]*)*\{([^}]*)\}", re.M)
_BYTE = re.compile(r"^(0[xX][0-9a-fA-F]{1,2}|\d{1,3})$")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=True,
                          text=True, errors="replace").stdout


def uid_of(text: str) -> int | None:
    """The id a config.h defines, as vial-gui reads it (little-endian), or None when it has none."""
    match = _UID.search(_COMMENT.sub("", text))
    if match is None:
        return None
    parts = [p.strip() for p in match.group(1).split(",") if p.strip()]
    if len(parts) != 8 or not all(_BYTE.match(p) for p in parts):
        return None
    values = [int(p, 0) for p in parts]
    if any(v > 0xFF for v in values):
        return None
    return int.from_bytes(bytes(values), "little")


def folder_and_keymap(path: str) -> tuple[str, str]:
    """`keyboards/crkbd/keymaps/vial/config.h` → ("crkbd", "vial"); a board's own config.h → (board, "")."""
    inside = path.removeprefix("keyboards/").rsplit("/", 1)[0]
    if "/keymaps/" in inside:
        folder, keymap = inside.split("/keymaps/", 1)
        return folder, keymap.split("/")[0]
    return inside, ""


def read_repo(repo: Path, ref: str) -> tuple[dict[str, str | int], set[tuple[str, str, str]]]:
    """The source record of `repo` at `ref`, and its (id, folder, keymap) rows."""
    commit = git(repo, "rev-parse", ref).strip()
    date = git(repo, "log", "-1", "--format=%cs", commit).strip()
    listed = git(repo, "grep", "-l", "VIAL_KEYBOARD_UID", commit, "--", ":(glob)keyboards/**/config.h")
    rows: set[tuple[str, str, str]] = set()
    for line in listed.splitlines():
        path = line.split(":", 1)[1]
        uid = uid_of(git(repo, "show", f"{commit}:{path}"))
        if uid is not None:
            rows.add((f"{uid:016x}", *folder_and_keymap(path)))
    return {"repo": str(repo), "commit": commit, "date": date}, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", help="git dirs of vial-qmk and its forks, each optionally @REF")
    parser.add_argument("--name", action="append", default=[],
                        help="the repository's owner/name to record, one per repo in order (default: its path)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    sources: list[dict[str, str | int]] = []
    rows: set[tuple[str, str, str]] = set()
    for index, spec in enumerate(args.repos):
        path, _, ref = spec.partition("@")
        source, found = read_repo(Path(path), ref or "HEAD")
        if index < len(args.name):
            source["repo"] = args.name[index]
        source["boards"] = len({folder for _, folder, _ in found})
        sources.append(source)
        rows |= found
    ordered = sorted(rows, key=lambda row: (row[1], row[2] != "vial", row[2], row[0]))
    lines = ",\n".join("  " + json.dumps(list(row)) for row in ordered)
    head = json.dumps({"format": 1, "license": LICENSE, "generated_by": "tools/gen_vial_uids.py",
                       "sources": sources}, indent=1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(f'{head[:-2]},\n "uids": [\n{lines}\n ]\n}}\n', "utf-8")
    print(f"{len(ordered)} ids of {len({r[1] for r in ordered})} keyboard folders -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
