"""The facts the catalogue lists about a QMK keyboard, read and merged the way QMK does.

Each definition file (`info.json`, `keyboard.json`) is reduced once to a small *summary* with
the same nesting as the file, holding only what the catalogue shows; summaries are cached per
file, so after a change only the changed files are parsed again. A keyboard's summaries are
then merged in QMK's order (`qmk.info.merge_info_jsons`: the keyboard's own files first, then
each parent folder's, every later file updating the merged data), and `rules.mk` settings
(`MCU`, `BOOTLOADER`, `DEFAULT_FOLDER`) are applied the way `qmk.makefile.parse_rules_mk_file`
reads them.

QMK also validates every file against its JSON schema and reads layouts from C headers of
old keyboards; the catalogue does neither (no current keyboard needs the headers), and only
flags as broken what it cannot list: unreadable files, no usable layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from keyconf.formats.qmk_build_files import apply_build_files, apply_rules, matrix_size_from_pins
from keyconf.formats.qmk_build_files import parse_rules_mk as parse_build_rules

__all__ = ["apply_rules", "matrix_size", "merge_summaries", "parse_rules_mk", "resolve_hardware",
           "summarise_definition", "usb_id"]

# Keys of interest in rules.mk (QMK maps MCU and BOOTLOADER onto processor and bootloader).
RULES_KEYS = ("DEFAULT_FOLDER", "MCU", "BOOTLOADER", "SPLIT_KEYBOARD", "CUSTOM_MATRIX")
# config.h defines that change the matrix size.
CONFIG_KEYS = ("MATRIX_ROWS", "MATRIX_COLS", "MATRIX_ROW_PINS", "MATRIX_COL_PINS", "DIRECT_PINS", "CUSTOM_MATRIX")
# QMK's fallback when nothing names the MCU (`qmk.info._extract_rules_mk`).
DEFAULT_PROCESSOR = "atmega32u4"

Summary = dict[str, Any]


def summarise_definition(data: Any) -> Summary:
    """Reduce one parsed definition file to a summary; raises ValueError on a shape QMK rejects.

    Layouts become `{name: [key_count, every_key_has_matrix, max_row, max_col]}`, matrix pins
    become their counts; everything else the catalogue does not show is dropped."""
    if not isinstance(data, dict):
        raise ValueError("the file's root is not an object")
    summary: Summary = {}
    for key in ("keyboard_name", "manufacturer", "processor", "bootloader", "development_board"):
        value = data.get(key)
        if isinstance(value, str):
            summary[key] = value
    usb = data.get("usb")
    if isinstance(usb, dict):
        ids = {k: usb[k] for k in ("vid", "pid") if isinstance(usb.get(k), str)}
        if ids:
            summary["usb"] = ids
    size = data.get("matrix_size")
    if isinstance(size, dict):
        dims = {k: size[k] for k in ("rows", "cols") if _is_count(size.get(k))}
        if dims:
            summary["matrix_size"] = dims
    pins = data.get("matrix_pins")
    if isinstance(pins, dict):
        counted: dict[str, Any] = {}
        for key in ("rows", "cols"):
            if isinstance(pins.get(key), list):
                counted[key] = len(pins[key])
        direct = pins.get("direct")
        if isinstance(direct, list) and direct and isinstance(direct[0], list):
            counted["direct"] = [len(direct), len(direct[0])]
        if counted:
            summary["matrix_pins"] = counted
    split = data.get("split")
    if isinstance(split, dict):
        split_summary: dict[str, Any] = {}
        if isinstance(split.get("enabled"), bool):
            split_summary["enabled"] = split["enabled"]
        right = (split.get("matrix_pins") or {}).get("right") if isinstance(split.get("matrix_pins"), dict) else None
        if isinstance(right, dict):
            right_size = matrix_size_from_pins({"matrix_pins": right})
            if right_size is not None:
                split_summary["right_pins"] = list(right_size)
        if split_summary:
            summary["split"] = split_summary
    aliases = data.get("layout_aliases")
    if aliases is not None:
        if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
            raise ValueError("layout_aliases is not an object of names")
        summary["layout_aliases"] = dict(aliases)
    community = data.get("community_layouts")
    if community is not None:
        if not isinstance(community, list) or not all(isinstance(v, str) for v in community):
            raise ValueError("community_layouts is not a list of names")
        summary["community_layouts"] = list(community)
    layouts = data.get("layouts")
    if layouts is not None:
        if not isinstance(layouts, dict):
            raise ValueError("layouts is not an object")
        summary["layouts"] = {name: _summarise_layout(name, body) for name, body in layouts.items()}
    return summary


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _summarise_layout(name: str, body: Any) -> list[Any]:
    keys = body.get("layout") if isinstance(body, dict) else None
    if not isinstance(keys, list):
        raise ValueError(f"layouts.{name} has no 'layout' list of keys")
    # Fast path for the usual well-formed layout; anything odd goes through the careful loop.
    try:
        matrices = [key["matrix"] for key in keys]
        rows = [m[0] for m in matrices if type(m) is list and len(m) == 2]
        cols = [m[1] for m in matrices if type(m) is list and len(m) == 2]
        if len(rows) == len(keys) and all(type(v) is int for v in rows) and all(type(v) is int for v in cols):
            max_row, max_col = max(rows, default=-1), max(cols, default=-1)
            if min(rows, default=0) >= 0 and min(cols, default=0) >= 0:
                return [len(keys), True, max_row, max_col]
    except (KeyError, TypeError, IndexError):
        pass
    all_matrix = True
    max_row = max_col = -1
    for key in keys:
        if not isinstance(key, dict):
            raise ValueError(f"layouts.{name} holds a key that is not an object")
        matrix = key.get("matrix")
        if (isinstance(matrix, list) and len(matrix) == 2
                and _is_count(matrix[0]) and _is_count(matrix[1])):
            if matrix[0] > max_row:
                max_row = matrix[0]
            if matrix[1] > max_col:
                max_col = matrix[1]
        else:
            all_matrix = False
    return [len(keys), all_matrix, max_row, max_col]


def parse_rules_mk(text: str) -> list[list[str]]:
    """The assignments to `RULES_KEYS` in a rules.mk, in order, as `[operator, key, value]`."""
    return parse_build_rules(text, RULES_KEYS)


def _deep_update(target: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    # qmk.json_schema.deep_update: nested objects merge, everything else is replaced.
    for key, value in update.items():
        if isinstance(value, Mapping):
            current = target.get(key)
            target[key] = _deep_update(dict(current) if isinstance(current, dict) else {}, value)
        else:
            target[key] = value
    return target


def merge_summaries(summaries: Iterable[Summary]) -> tuple[Summary, list[str]]:
    """Merge a keyboard's file summaries (most specific first) into one, as QMK merges files.

    Returns the merged summary and the problems QMK would report (key counts that disagree,
    layouts lacking a matrix)."""
    merged: Summary = {"layouts": {}, "layout_aliases": {}}
    problems: list[str] = []
    for summary in summaries:
        aliases = merged["layout_aliases"]
        if "layout_aliases" in summary:
            aliases.update(summary["layout_aliases"])
        for name, (count, all_matrix, max_row, max_col) in summary.get("layouts", {}).items():
            name = aliases.get(name, name)
            existing = merged["layouts"].get(name)
            if existing is not None:
                if existing[0] != count:
                    problems.append(f"{name}: files disagree on the number of keys ({existing[0]} and {count})")
                else:
                    merged["layouts"][name] = [count, existing[1] or all_matrix,
                                               max(existing[2], max_row), max(existing[3], max_col)]
            elif not all_matrix:
                problems.append(f'{name}: a key has no "matrix" position, so QMK drops this layout')
            else:
                merged["layouts"][name] = [count, all_matrix, max_row, max_col]
        rest = {k: v for k, v in summary.items() if k not in ("layouts", "layout_aliases")}
        _deep_update(merged, rest)
    return merged, problems


def matrix_size(merged: Summary, rules: Mapping[str, str] | None = None,
                config: Mapping[str, str] | None = None) -> tuple[int, int]:
    """(rows, cols) as `qmk info` derives `matrix_size` (config.h's MATRIX_ROWS/COLS win over
    the files; else the pins, the larger half, rows doubled on split keyboards, rules.mk's
    SPLIT_KEYBOARD counting), else from the highest matrix position used."""
    rules = rules or {}
    config = config or {}
    info: dict[str, Any] = {}
    if merged.get("matrix_size"):
        info["matrix_size"] = dict(merged["matrix_size"])
    split = dict(merged.get("split") or {})
    pins = merged.get("matrix_pins") or {}
    if "direct" in pins:
        info["matrix_pins"] = {"direct": [[""] * pins["direct"][1]] * pins["direct"][0]}
    elif "rows" in pins and "cols" in pins:
        info["matrix_pins"] = {"rows": [""] * pins["rows"], "cols": [""] * pins["cols"]}
    if "right_pins" in split:
        rows, cols = split.pop("right_pins")
        split["matrix_pins"] = {"right": {"rows": [""] * rows, "cols": [""] * cols}}
    info["split"] = split
    apply_build_files(info, rules, config)
    size = info.get("matrix_size") or {}
    if "rows" in size and "cols" in size:
        return int(size["rows"]), int(size["cols"])
    layouts = merged.get("layouts") or {}
    max_row = max((layout[2] for layout in layouts.values()), default=-1)
    max_col = max((layout[3] for layout in layouts.values()), default=-1)
    return max_row + 1, max_col + 1


def usb_id(value: Any) -> int | None:
    """A `0x1234` USB id as an int; None when missing or malformed."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text.lower().startswith("0x"):
        return None
    try:
        number = int(text[2:], 16)
    except ValueError:
        return None
    return number if 0 <= number <= 0xFFFF else None


def resolve_hardware(merged: Summary, rules: Mapping[str, str],
                     board_defaults: Mapping[str, Mapping[str, Any]]) -> tuple[str, str | None]:
    """(processor, bootloader): rules.mk wins over the files, which win over the development
    board's defaults (`data/mappings/defaults.hjson`), as in `qmk.info.info_json`."""
    board = board_defaults.get(merged.get("development_board", ""), {})
    processor = rules.get("MCU") or merged.get("processor") or board.get("processor") or DEFAULT_PROCESSOR
    bootloader = rules.get("BOOTLOADER") or merged.get("bootloader") or board.get("bootloader")
    return str(processor), (str(bootloader) if bootloader else None)
