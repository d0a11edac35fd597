"""Regenerate keyconf's bundled keyboards (`resources/keyboards/`) from a qmk_firmware tree.

    python tools/bundle_keyboards.py /path/to/qmk_firmware [--out resources/keyboards]

Each board becomes one self-contained file in QMK info.json shape: the parent info.json chain
merged as QMK merges it, reduced to the fields keyconf reads, with `keyboard_folder` set to the
QMK path and `keyboard_aliases` listing QMK's old names for it. `index.json` lists the boards
with their aliases so the catalogue can find one without parsing every file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyconf.formats.qmk_info import (  # noqa: E402
    keyboard_from_info,
    merged_info_json,
    parse_definition_json,
    read_definition_text,
)

# QMK keyboard paths to bundle: popular boards covering ortho, split, 60 %, TKL (ANSI + ISO),
# rotated thumb keys (whale/sk/v3) and encoders (sofle, kyria).
BOARDS = [
    "planck/rev6",
    "crkbd/rev1",
    "ferris/sweep",
    "dz60",
    "kbdfans/kbd8x_mk2",
    "splitkb/kyria/rev3",
    "sofle/rev1",
    "lily58/rev1",
    "whale/sk/v3",
]

_KEY_FIELDS = ("label", "matrix", "x", "y", "w", "h", "r", "rx", "ry", "encoder")
_SPLIT_FIELDS = ("enabled",)


def _aliases_for(qmk_home: Path, keyboard: str) -> list[str]:
    table = parse_definition_json(read_definition_text(qmk_home / "data/mappings/keyboard_aliases.hjson"))
    resolved: dict[str, str] = {}

    def target(name: str, depth: int = 0) -> str:
        entry = table.get(name)
        if depth > 10 or not isinstance(entry, dict) or "target" not in entry:
            return name
        return target(entry["target"], depth + 1)

    for name in table:
        resolved[name] = target(name)
    # QMK's own test fixtures (`_test_*`) are no names a person would look for.
    return sorted(
        n for n, goal in resolved.items() if goal == keyboard and n != keyboard and not n.startswith("_")
    )


def reduce_info(info: dict[str, Any], keyboard: str, aliases: list[str], rows: int, cols: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "keyboard_name": info.get("keyboard_name", keyboard),
        "keyboard_folder": keyboard,
        "manufacturer": info.get("manufacturer", ""),
    }
    for field in ("url", "maintainer", "processor", "bootloader", "pin_compatible"):
        if field in info:
            out[field] = info[field]
    usb = info.get("usb", {})
    out["usb"] = {k: usb[k] for k in ("vid", "pid", "device_version") if k in usb}
    out["matrix_size"] = {"rows": rows, "cols": cols}
    split = info.get("split", {})
    if split.get("enabled"):
        out["split"] = {k: split[k] for k in _SPLIT_FIELDS if k in split}
    encoder = info.get("encoder", {})
    if encoder.get("rotary"):
        out["encoder"] = {"rotary": [{} for _ in encoder["rotary"]]}
        right = split.get("encoder", {}).get("right", {}).get("rotary")
        if split.get("enabled") and right is not None:
            out.setdefault("split", {})["encoder"] = {"right": {"rotary": [{} for _ in right]}}
    if aliases:
        out["keyboard_aliases"] = aliases
    if info.get("community_layouts"):
        out["community_layouts"] = info["community_layouts"]
    if info.get("layout_aliases"):
        out["layout_aliases"] = info["layout_aliases"]
    out["layouts"] = {
        name: {"layout": [{f: key[f] for f in _KEY_FIELDS if f in key} for key in layout["layout"]]}
        for name, layout in info["layouts"].items()
    }
    return out


def _dump(data: dict[str, Any]) -> str:
    """JSON with one key per line in layouts: readable, diffable, still plain JSON."""
    layouts = data.pop("layouts")
    head = json.dumps(data, indent=2, ensure_ascii=False)
    lines = [head[:-2] + ",", '  "layouts": {']
    for i, (name, layout) in enumerate(layouts.items()):
        lines.append(f"    {json.dumps(name)}: {{")
        lines.append('      "layout": [')
        keys = [json.dumps(k, ensure_ascii=False) for k in layout["layout"]]
        lines.extend(f"        {k}," for k in keys[:-1])
        lines.append(f"        {keys[-1]}")
        lines.append("      ]")
        lines.append("    }," if i < len(layouts) - 1 else "    }")
    lines.append("  }")
    lines.append("}")
    data["layouts"] = layouts
    return "\n".join(lines) + "\n"


def file_name(keyboard: str) -> str:
    return keyboard.replace("/", "_") + ".json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qmk_home", type=Path)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "resources/keyboards"
    )
    parser.add_argument("--commit", help="qmk_firmware commit to record (default: the tree's git HEAD)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    index: dict[str, Any] = {}
    for keyboard in BOARDS:
        info = merged_info_json(args.qmk_home, keyboard)
        board = keyboard_from_info(info, keyboard)
        aliases = _aliases_for(args.qmk_home, keyboard)
        data = reduce_info(info, keyboard, aliases, board.matrix_rows, board.matrix_cols)
        keyboard_from_info(data)  # the reduced file must load on its own
        (args.out / file_name(keyboard)).write_text(_dump(data), encoding="utf-8")
        index[keyboard] = {"file": file_name(keyboard), "aliases": aliases}
        print(f"{keyboard}: {', '.join(f'{n} ({m.key_count})' for n, m in board.layouts.items())}")
    commit = (
        args.commit
        or subprocess.run(
            ["git", "-C", str(args.qmk_home), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    )
    index_data = {"source": {"qmk_firmware_commit": commit or None}, "keyboards": index}
    (args.out / "index.json").write_text(json.dumps(index_data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
