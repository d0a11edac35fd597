#!/usr/bin/env python3
"""Regenerate the keycode names QMK defines only in C headers (keyconf/model/keycodes/data/header_keycodes.json).

    python tools/gen_header_keycodes.py QMK_HOME --commit SHA [-o OUT]

QMK's keycode spec (data/constants/keycodes) does not name every keycode a keymap may use:
until spec 0.0.9 the stenography keys (STN_S1, STN_ST3, STN_N1 ...) were members of an enum in
quantum/steno_keycodes.h, starting at QK_STENO. Real keymaps use them, so keyconf's registry
must read them as the keycodes at those values, and write them for trees of those spec versions.
This reads that enum (its unconditional part: the combined-map keys need STENO_COMBINEDMAP) and
records each name's value, the spec versions whose trees define it, the source, the tree's commit
(--commit, as QMK_HOME may have no .git) and the licence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "keyconf/model/keycodes/data/header_keycodes.json"
LICENSE = "GPL-2.0-or-later (QMK Firmware; names and values only)"
# Spec versions whose trees have the header: the enum came with the 0.0.1 numbering (QK_STENO at
# 0x74C0) and the keys moved into the spec itself, under QK_STENO_* names, with 0.0.9.
HEADERS = {"quantum/steno_keycodes.h": ("steno_keycodes", "0.0.1", "0.0.9")}
RANGE_BASES = {"QK_STENO": 0x74C0}  # data/constants/keycodes/keycodes_0.0.1.hjson, "0x74C0/0x003F"
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def read_enum(text: str, enum: str) -> dict[str, int]:
    """Members of `enum <name> { ... }`, numbered as a C compiler does (names may alias earlier ones)."""
    match = re.search(rf"enum\s+{enum}\s*\{{(.*?)\}}", _COMMENT.sub("", text), re.S)
    if match is None:
        raise SystemExit(f"enum {enum} not found")
    values: dict[str, int] = dict(RANGE_BASES)
    members: dict[str, int] = {}
    current = -1
    for item in (part.strip() for part in match.group(1).split(",")):
        if not item:
            continue
        name, _, expr = (p.strip() for p in item.partition("="))
        if expr:
            if expr not in values:
                raise SystemExit(f"cannot evaluate {item!r}")
            current = values[expr]
        else:
            current += 1
        values[name] = current
        members[name] = current
    # STN__MIN/STN__MAX mark the range; they are not keys.
    return {n: v for n, v in members.items() if not n.startswith("STN__")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qmk_home", type=Path)
    parser.add_argument("--commit", required=True, help="the tree's commit, recorded as the source")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    names: dict[str, dict[str, object]] = {}
    for path, (enum, since, until) in HEADERS.items():
        for name, value in read_enum((args.qmk_home / path).read_text("utf-8"), enum).items():
            names[name] = {"value": value, "spec": [since, until], "header": path}
    out = {
        "source": "qmk/qmk_firmware " + " ".join(HEADERS),
        "commit": args.commit,
        "license": LICENSE,
        "generated_by": "tools/gen_header_keycodes.py",
        "names": names,
    }
    args.output.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(names)} names -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
