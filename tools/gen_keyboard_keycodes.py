#!/usr/bin/env python3
"""Regenerate the keyboards' own keycodes (keyconf/model/keycodes/data/keyboard_keycodes.json).

    python tools/gen_keyboard_keycodes.py QMK_HOME --commit SHA --via VIA_KEYBOARDS --via-commit SHA [-o OUT]

Some keyboards define keycodes of their own in the range QMK keeps for them (QK_KB_0 …
QK_KB_31): Charybdis's DPI_MOD and SNIPING, the Moonlander's TOGGLE_LAYER_COLOR, Wilba's BR_INC.
They are members of an enum in the keyboard's header (`enum x { FIRST = QK_KB_0, SECOND, … }`),
often with shorter `#define ALIAS MEMBER` names beside them, and a keymap reaches them through
`#include QMK_KEYBOARD_H`. This reads, for each keyboard folder whose header (`<folder>/<name>.h`,
what QMK_KEYBOARD_H names) declares such an enum or includes a header that does, each member's
index n (its value is QK_KB_n) and the aliases naming it. Headers a keymap has to include itself
(keyboards/keychron/common) and enums in .c files are not the keyboard's, and are left out.

A VIA definition (the-via/keyboards `v3/`) lists a board's keycodes in the same order in
`customKeycodes` (CUSTOM(n) is QK_KB_n), with the names, titles and short legends people see:
where a definition with the board's USB ids has them, each keycode takes its `shortName` as its
label and its `title`. The output records both sources, their commits and licences.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "keyconf/model/keycodes/data/keyboard_keycodes.json"
QMK_LICENSE = "GPL-2.0-or-later (QMK Firmware; names and values only)"
VIA_LICENSE = "GPL-3.0 (the-via/keyboards; customKeycodes names, titles and short names only)"
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_ENUM = re.compile(r"\benum\b\s*\w*\s*\{(.*?)\}", re.S)
_KB_START = re.compile(r"^QK_KB(?:_(\d+))?$")
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([A-Za-z_]\w*)[ \t]*$", re.M)
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


def keyboard_enum(text: str) -> dict[str, int]:
    """Members of the header's enums that start in QK_KB, each with its index n (QK_KB_n)."""
    members: dict[str, int] = {}
    for body in _ENUM.findall(_COMMENT.sub("", text)):
        index: int | None = None
        for item in (part.strip() for part in body.split(",")):
            if not item or item.startswith("#"):
                continue
            name, _, expression = (p.strip() for p in item.partition("="))
            if not _IDENT.match(name):
                break
            if expression:
                start = _KB_START.match(expression)
                if start is None:
                    if index is None:
                        break  # not an enum of keyboard keycodes
                    index = members.get(expression)  # an alias of an earlier member
                    if index is None:
                        break
                    continue
                index = int(start.group(1) or 0)
            elif index is None:
                break
            else:
                index += 1
            members[name] = index
    return members


def aliases(text: str, members: dict[str, int]) -> dict[str, str]:
    """`#define DPI_MOD POINTER_DEFAULT_DPI_FORWARD`: alias -> the member it names."""
    return {alias: target for alias, target in _DEFINE.findall(_COMMENT.sub("", text)) if target in members}


def shared_headers(qmk_home: Path) -> dict[str, dict[str, Any]]:
    """Headers of keyboard keycodes that are no keyboard's own (keyboards/keychron/common/
    keychron_common.h): a keymap includes one by name (its rules.mk adds the folder to VPATH),
    so they are kept by file name -> {"header": …, "keycodes": […]}."""
    keyboards = qmk_home / "keyboards"
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(keyboards.rglob("*.h")):
        if "keymaps" in path.relative_to(keyboards).parts or path.stem == path.parent.name:
            continue
        text = path.read_text("utf-8", errors="replace")
        members = keyboard_enum(text)
        if not members or path.name in found:
            continue
        names = aliases(text, members)
        found[path.name] = {
            "header": path.relative_to(qmk_home).as_posix(),
            "keycodes": [{"index": index, "name": member,
                          "aliases": sorted(a for a, target in names.items() if target == member)}
                         for member, index in sorted(members.items(), key=lambda item: item[1])],
        }
    return found


def read_tree(qmk_home: Path) -> dict[str, dict[str, Any]]:
    """keyboard folder -> {"header": …, "keycodes": [{index, name, aliases}]}."""
    keyboards = qmk_home / "keyboards"
    headers = [p for p in sorted(keyboards.rglob("*.h")) if "keymaps" not in p.relative_to(keyboards).parts]
    texts = {p: p.read_text("utf-8", errors="replace") for p in headers}
    declaring = {p: keyboard_enum(t) for p, t in texts.items()}
    declaring = {p: m for p, m in declaring.items() if m}
    by_name: dict[str, list[Path]] = collections.defaultdict(list)
    for path in declaring:
        by_name[path.name].append(path)
    table: dict[str, dict[str, Any]] = {}
    for path, text in texts.items():
        folder = path.parent
        if path.stem != folder.name or folder == keyboards:
            continue  # not a header QMK_KEYBOARD_H names
        sources = [path] if path in declaring else []
        for included in _INCLUDE.findall(_COMMENT.sub("", text)):
            # Found as the compiler finds it: beside the header or in a folder above it, else
            # (a shared folder the board's rules.mk adds to VPATH) the one header of that name.
            same_name = by_name.get(Path(included).name, [])
            candidates = [p for p in same_name if folder.is_relative_to(p.parent)] or same_name[:1] * (
                len(same_name) == 1)
            sources += [p for p in candidates if p not in sources]
        if not sources:
            continue
        members: dict[str, int] = {}
        names: dict[str, str] = {}
        for source in sources:
            members.update(declaring[source])
            names.update(aliases(texts[source], declaring[source]))
        keycodes = []
        for member, index in sorted(members.items(), key=lambda item: item[1]):
            keycodes.append({"index": index, "name": member,
                             "aliases": sorted(a for a, target in names.items() if target == member)})
        table[folder.relative_to(keyboards).as_posix()] = {
            "header": " ".join(p.relative_to(qmk_home).as_posix() for p in sources),
            "keycodes": keycodes,
        }
    return table


def usb_ids(qmk_home: Path, folder: str) -> set[tuple[int, int]]:
    """The USB ids of the keyboards at and below `folder` (a vid may come from a folder above)."""
    keyboards = qmk_home / "keyboards"
    ids = set()
    for info in sorted((keyboards / folder).rglob("*.json")):
        if info.name not in ("info.json", "keyboard.json") or "keymaps" in info.parts:
            continue
        vid = pid = None
        current = info.parent
        while current != keyboards and (vid is None or pid is None):
            for name in ("keyboard.json", "info.json"):
                try:
                    usb = json.loads((current / name).read_text("utf-8")).get("usb", {})
                except (OSError, ValueError):
                    continue
                vid = vid or usb.get("vid")
                pid = pid or usb.get("pid")
            current = current.parent
        if vid and pid:
            ids.add((int(vid, 16), int(pid, 16)))
    return ids


def via_keycodes(via_home: Path) -> dict[tuple[int, int], list[list[dict[str, str]]]]:
    """(vid, pid) -> the customKeycodes lists of the v3 definitions with those ids."""
    found: dict[tuple[int, int], list[list[dict[str, str]]]] = collections.defaultdict(list)
    for path in sorted((via_home / "v3").rglob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
            ids = (int(str(data["vendorId"]), 16), int(str(data["productId"]), 16))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        custom = data.get("customKeycodes")
        if isinstance(custom, list) and custom:
            found[ids].append([c for c in custom if isinstance(c, dict)])
    return found


def label(table: dict[str, dict[str, Any]], qmk_home: Path, via_home: Path) -> None:
    """Each keycode takes the name, title and short name of the board's VIA definition, when
    its definitions agree on them (the commonest list wins when they differ) and the list is as
    long as the keyboard's range (a definition listing other keycodes labels nothing)."""
    via = via_keycodes(via_home)
    for folder, entry in table.items():
        lists = [tuple(json.dumps(c, sort_keys=True) for c in custom)
                 for ids in sorted(usb_ids(qmk_home, folder)) for custom in via.get(ids, [])]
        if not lists:
            continue
        chosen = [json.loads(c) for c in collections.Counter(lists).most_common(1)[0][0]]
        if len(chosen) != 1 + max(k["index"] for k in entry["keycodes"]):
            continue
        for keycode in entry["keycodes"]:
            if keycode["index"] < len(chosen):
                custom = chosen[keycode["index"]]
                for key, field in (("via_name", "name"), ("title", "title"), ("label", "shortName")):
                    if str(custom.get(field, "") or "").strip():
                        keycode[key] = str(custom[field]).strip()


def shared(table: dict[str, dict[str, Any]], headers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Boards sharing a header (Wilba's) share one list: `sets` holds each list once, and
    `keyboards` maps a keyboard folder (`headers` a shared header's file name) to its header
    and the index of its list."""
    sets: list[list[dict[str, Any]]] = []
    out: dict[str, dict[str, dict[str, Any]]] = {"keyboards": {}, "headers": {}}
    for kind, entries in (("keyboards", table), ("headers", headers)):
        for key, entry in sorted(entries.items()):
            if entry["keycodes"] not in sets:
                sets.append(entry["keycodes"])
            out[kind][key] = {"header": entry["header"], "set": sets.index(entry["keycodes"])}
    return {**out, "sets": sets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qmk_home", type=Path)
    parser.add_argument("--commit", required=True, help="the QMK tree's commit, recorded as the source")
    parser.add_argument("--via", type=Path, required=True, help="a checkout of the-via/keyboards")
    parser.add_argument("--via-commit", required=True, help="its commit, recorded as the source")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table = read_tree(args.qmk_home)
    label(table, args.qmk_home, args.via)
    out = {
        "source": "qmk/qmk_firmware keyboards/**/<name>.h (enums from QK_KB_n, #define aliases)",
        "commit": args.commit,
        "license": QMK_LICENSE,
        "via_source": "the-via/keyboards v3/**.json (customKeycodes, matched by USB vendor and product id)",
        "via_commit": args.via_commit,
        "via_license": VIA_LICENSE,
        "generated_by": "tools/gen_keyboard_keycodes.py",
        **shared(table, shared_headers(args.qmk_home)),
    }
    args.output.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
    labelled = sum(1 for e in table.values() if any("label" in k for k in e["keycodes"]))
    print(f"{len(table)} keyboard folders ({labelled} labelled from VIA) -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
