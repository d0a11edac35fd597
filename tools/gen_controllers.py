#!/usr/bin/env python3
"""Regenerate keyconf's table of controller facts (keyconf/model/data/controllers.json) from QMK trees.

    python tools/gen_controllers.py QMK_HOME@COMMIT [QMK_HOME@COMMIT ...] [-o OUT]

Each QMK_HOME is a qmk_firmware tree (no .git needed: its upstream commit comes after the `@`),
oldest first. From each this reads:

- platforms/*/converters/<from>_to_<to>/: the converters QMK has for boards built around a Pro
  Micro or an Elite-C footprint (`CONVERT_TO`, keymap.json's `converter`), the processor and
  bootloader their converter.mk sets, and which converter another one stands for (a
  pre_converter.mk that points `CONVERTER` at another folder: `elite_pi` builds `rp2040_ce`);
  one whose pre_converter.mk says it is deprecated is marked so;
- keyboards/**/info.json and keyboard.json: the boards that name their `pin_compatible`
  footprint themselves (the rest of QMK's convertible boards are atmega32u4 ones, which
  builddefs/converters.mk takes as Pro Micro footprints);
- data/schemas/keyboard.jsonschema's `bootloader` names, and which platform's bootloader.mk
  handles each (`avr`, `chibios`; both for `custom`), and its `pin_compatible` footprints;
- data/mappings/defaults.hjson's `development_board` names: the processor, bootloader and
  footprint QMK gives a board that names one (`development_board: elite_c` is an atmega32u4 with
  atmel-dfu in a Pro Micro footprint), so a user's own keyboard.json naming one is read as QMK reads it.

A fact present in several trees is kept once, as the newest tree has it, with the first tree that
has it (`since`); the boards naming a footprint are the newest tree's (keyconf's bundled catalogue
is made from it, and its records do not carry the footprint yet: `keyconf.model.controllers.board_footprint`).
The output records its source, the trees' commits and the licence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import hjson

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "keyconf/model/data/controllers.json"
LICENSE = "GPL-2.0-or-later (QMK Firmware's build files and data)"
CONVERTER_DIR = re.compile(r"^(?P<pin>[a-z0-9_]+?)_to_(?P<target>[a-z0-9_]+)$")
ASSIGN = re.compile(r"^\s*(?P<name>[A-Z_]+)\s*(?::=|\?=|=)\s*(?P<value>\S.*?)\s*$")
BOOTLOADER_TEST = re.compile(r"BOOTLOADER\)\)\s*,\s*(?P<name>[a-z0-9-]+)\s*\)")
PIN_FOOTPRINTS = ("promicro", "elite_c")


def make_assignments(path: Path) -> dict[str, str]:
    """The plain `NAME := value` lines of a make file (the converters' files are nothing else)."""
    found: dict[str, str] = {}
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ASSIGN.match(line.split("#", 1)[0])
        if match:
            found[match["name"]] = match["value"]
    return found


def converters(tree: Path) -> dict[str, dict[str, dict[str, str]]]:
    """footprint -> converter name -> {processor, bootloader[, same_as][, deprecated]}."""
    result: dict[str, dict[str, dict[str, str]]] = {}
    folders = sorted(tree.glob("platforms/*/converters/*_to_*"))
    for folder in folders:
        match = CONVERTER_DIR.match(folder.name)
        if match is None or match["pin"] not in PIN_FOOTPRINTS:
            continue
        entry: dict[str, str] = {"platform": folder.parent.parent.name}
        build = folder
        pre = folder / "pre_converter.mk"
        pre_vars = make_assignments(pre)
        if "CONVERTER" in pre_vars:
            build = tree / pre_vars["CONVERTER"]
            entry["same_as"] = pre_vars.get("ACTIVE_CONVERTER", CONVERTER_DIR.match(build.name)["target"])  # type: ignore[index]
        if pre.is_file() and "deprecated" in pre.read_text(encoding="utf-8").lower():
            entry["deprecated"] = "yes"
        settings = make_assignments(build / "converter.mk")
        if "MCU" not in settings or "BOOTLOADER" not in settings:
            print(f"{folder}: no MCU/BOOTLOADER in {build / 'converter.mk'}; left out", file=sys.stderr)
            continue
        entry["processor"] = settings["MCU"]
        entry["bootloader"] = settings["BOOTLOADER"]
        result.setdefault(match["pin"], {})[match["target"]] = entry
    return result


def pin_compatible_boards(tree: Path) -> dict[str, str]:
    """Keyboard folder -> the footprint its info.json/keyboard.json names."""
    boards: dict[str, str] = {}
    keyboards = tree / "keyboards"
    for name in ("info.json", "keyboard.json"):
        for path in keyboards.rglob(name):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "pin_compatible" not in text:
                continue
            try:
                data = hjson.loads(text)
            except Exception as exc:  # noqa: BLE001 - a broken board file is QMK's problem
                print(f"{path}: {exc}; skipped", file=sys.stderr)
                continue
            footprint = data.get("pin_compatible") if isinstance(data, dict) else None
            if isinstance(footprint, str):
                boards[path.parent.relative_to(keyboards).as_posix()] = footprint
    return dict(sorted(boards.items()))


def bootloaders(tree: Path) -> dict[str, list[str]]:
    """QMK's bootloader names (keyboard.jsonschema) -> the platforms whose bootloader.mk takes them."""
    schema = hjson.loads((tree / "data/schemas/keyboard.jsonschema").read_text(encoding="utf-8"))
    names = schema["properties"]["bootloader"]["enum"]
    platforms: dict[str, list[str]] = {name: [] for name in names}
    for path in sorted(tree.glob("platforms/*/bootloader.mk")):
        for match in BOOTLOADER_TEST.finditer(path.read_text(encoding="utf-8")):
            if match["name"] in platforms and path.parent.name not in platforms[match["name"]]:
                platforms[match["name"]].append(path.parent.name)
    return platforms


def footprints(tree: Path) -> list[str]:
    """The footprints keyboard.jsonschema lets a board's `pin_compatible` name."""
    schema = hjson.loads((tree / "data/schemas/keyboard.jsonschema").read_text(encoding="utf-8"))
    return list(schema["properties"]["pin_compatible"]["enum"])


DEVELOPMENT_BOARD_FACTS = ("processor", "bootloader", "pin_compatible")


def development_boards(tree: Path) -> dict[str, dict[str, str]]:
    """development_board name -> what defaults.hjson gives a board naming it (its `board`, a
    ChibiOS board file, is the build's business, not keyconf's)."""
    data = hjson.loads((tree / "data/mappings/defaults.hjson").read_text(encoding="utf-8"))
    return {name: {fact: str(entry[fact]) for fact in DEVELOPMENT_BOARD_FACTS if fact in entry}
            for name, entry in sorted(data.get("development_board", {}).items())}


def merge(into: dict, fact_key: str, value: object, commit: str) -> None:
    """Keep `value` under `fact_key`: the newest tree's facts, with the first tree that had it."""
    since = into.get(fact_key, {}).get("since", commit)
    into[fact_key] = {"since": since, **(value if isinstance(value, dict) else {"value": value})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", help="QMK_HOME@COMMIT, oldest first")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    commits: list[str] = []
    table_converters: dict[str, dict[str, dict]] = {}
    table_boards: dict[str, dict] = {}
    table_bootloaders: dict[str, dict] = {}
    table_development: dict[str, dict] = {}
    table_footprints: dict[str, dict] = {}
    for spec in args.trees:
        home, _, commit = spec.partition("@")
        tree = Path(home)
        if not commit or not (tree / "builddefs/converters.mk").is_file():
            parser.error(f"{spec}: want QMK_HOME@COMMIT of a tree with builddefs/converters.mk")
        commits.append(commit)
        for footprint, entries in converters(tree).items():
            for name, entry in entries.items():
                merge(table_converters.setdefault(footprint, {}), name, entry, commit)
        boards = pin_compatible_boards(tree)
        for board, footprint in boards.items():
            merge(table_boards, board, footprint, commit)
        # A board folder's facts are the newest tree's: one that no longer names its footprint there
        # (tweetydabird/lotus58 moved it into its nanoboot/ and elite_c/ revisions) would give it to
        # its other revisions (lotus58/rp2040_ce, which takes none).
        table_boards = {board: fact for board, fact in table_boards.items() if board in boards}
        for name, platforms in bootloaders(tree).items():
            merge(table_bootloaders, name, {"platforms": platforms}, commit)
        for name, facts in development_boards(tree).items():
            merge(table_development, name, facts, commit)
        for footprint in footprints(tree):
            merge(table_footprints, footprint, {}, commit)
    out = {
        "source": "qmk/qmk_firmware platforms/*/converters/, builddefs/converters.mk, "
                  "keyboards/**/{info,keyboard}.json pin_compatible, data/schemas/keyboard.jsonschema bootloader "
                  "and pin_compatible, platforms/*/bootloader.mk, data/mappings/defaults.hjson development_board",
        "commits": commits,
        "license": LICENSE,
        "generated_by": "tools/gen_controllers.py",
        "converters": {fp: dict(sorted(entries.items())) for fp, entries in sorted(table_converters.items())},
        "pin_compatible_boards": {board: {"footprint": v["value"], "since": v["since"]}
                                  for board, v in sorted(table_boards.items())},
        "bootloaders": dict(sorted(table_bootloaders.items())),
        "footprints": dict(sorted(table_footprints.items())),
        "development_boards": dict(sorted(table_development.items())),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    count = sum(len(v) for v in table_converters.values())
    print(f"{args.out}: {count} converters, {len(table_boards)} boards naming a footprint, "
          f"{len(table_bootloaders)} bootloaders, {len(table_footprints)} footprints, "
          f"{len(table_development)} development boards", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
