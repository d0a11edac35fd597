"""QMK keyboard definitions (`info.json` / `keyboard.json`, schema `qmk.keyboard.v1`) → `Keyboard`.

Three entry points:
- `keyboard_from_info(data)`: an already merged info.json dict (e.g. `qmk info -f json`
  output, or keyconf's bundled definitions);
- `load_info_file(path)`: one self-contained file;
- `load_qmk_keyboard(qmk_home, "crkbd")`: a keyboard of a qmk_firmware tree, with its
  `info.json` chain merged the way QMK's `qmk.info.merge_info_jsons` does it.

Only the fields keyconf uses are read; everything else in the file is ignored.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from keyconf.formats.definition_source import (
    DataSource,
    JsonPath,
    KeyboardDefinitionError,
    describe_value,
    is_number,
    parse_definition_json,
    read_definition_text,
)
from keyconf.formats.qmk_build_files import (
    apply_build_files,
    apply_rules,
    header_layout_aliases,
    header_layouts,
    matrix_size_from_pins,
    parse_config_h,
    parse_rules_mk,
)
from keyconf.model.controllers import development_board
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro, SecondaryRect

__all__ = [
    "KeyboardDefinitionError",
    "keyboard_from_info",
    "load_community_layout",
    "load_info_file",
    "load_qmk_keyboard",
    "merged_info_json",
    "resolve_keyboard_name",
    "find_info_files",
    "iso_enter_secondary",
]

# QMK looks at most this many parent folders up for info.json files (qmk.info.find_info_json).
_MAX_PARENT_LEVELS = 5
_USB_ID = re.compile(r"^(0x)?[0-9a-fA-F]{1,4}$")


def iso_enter_secondary(w: float, h: float) -> SecondaryRect | None:
    """The second rectangle of an enter key that info.json can only give as one rectangle.

    info.json has no x2/y2/w2/h2, so QMK lists an ISO enter as a 1.25u x 2u key and a big-ass
    enter as 1.5u x 2u. We restore the usual outline: ISO's 1.5u top lip reaching 0.25u to the
    left, the big-ass enter's 2.25u foot reaching 0.75u to the left."""
    if math.isclose(w, 1.25) and math.isclose(h, 2.0):
        return SecondaryRect(-0.25, 0.0, 1.5, 1.0)
    if math.isclose(w, 1.5) and math.isclose(h, 2.0):
        return SecondaryRect(-0.75, 1.0, 2.25, 1.0)
    return None


def _number(
    src: DataSource, obj: Mapping[str, Any], name: str, where: JsonPath, default: float | None
) -> float:
    if name not in obj:
        if default is None:
            raise src.error(
                f"key has no {name!r}", where, hint=f"every key needs numeric 'x' and 'y'; add {name!r}"
            )
        return default
    value = obj[name]
    if not is_number(value):
        raise src.error(f"{name!r} must be a number, not {describe_value(value)}", [*where, name])
    return float(value)


_NUMBER_TYPES = (int, float)
_ISO_SIZES = {(1.25, 2.0), (1.5, 2.0)}


def _parse_key(src: DataSource, raw: Any, where: JsonPath) -> Key:
    """One key of a layout. The common case (plain numbers, a [row, col] matrix) takes a fast
    path: a catalogue parses hundreds of thousands of keys."""
    if type(raw) is dict:
        get = raw.get
        x: Any = get("x")
        y: Any = get("y")
        w: Any = get("w", 1.0)
        h: Any = get("h", 1.0)
        r: Any = get("r", 0.0)
        rx: Any = get("rx", 0.0)
        ry: Any = get("ry", 0.0)
        matrix_raw: Any = get("matrix")
        label: Any = get("label")
        if (
            type(x) in _NUMBER_TYPES
            and type(y) in _NUMBER_TYPES
            and type(w) in _NUMBER_TYPES
            and type(h) in _NUMBER_TYPES
            and type(r) in _NUMBER_TYPES
            and type(rx) in _NUMBER_TYPES
            and type(ry) in _NUMBER_TYPES
            and w > 0
            and h > 0
            and (label is None or type(label) is str)
            and "encoder" not in raw
            and type(matrix_raw) is list
            and len(matrix_raw) == 2
            and type(matrix_raw[0]) is int
            and type(matrix_raw[1]) is int
            and matrix_raw[0] >= 0
            and matrix_raw[1] >= 0
            and math.isfinite(x + y + w + h + r + rx + ry)
        ):
            return Key(
                float(x),
                float(y),
                float(w),
                float(h),
                float(r),
                float(rx),
                float(ry),
                (matrix_raw[0], matrix_raw[1]),
                None,
                label,
                iso_enter_secondary(w, h) if (w, h) in _ISO_SIZES else None,
            )
    return _parse_key_checked(src, raw, where)


def _parse_key_checked(src: DataSource, raw: Any, where: JsonPath) -> Key:
    if not isinstance(raw, Mapping):
        raise src.error(f'a key must be an object like {{"x": 0, "y": 0}}, not {describe_value(raw)}', where)
    x = _number(src, raw, "x", where, None)
    y = _number(src, raw, "y", where, None)
    w = _number(src, raw, "w", where, 1.0)
    h = _number(src, raw, "h", where, 1.0)
    if w <= 0 or h <= 0:
        raise src.error("key width and height must be positive", where)
    r = _number(src, raw, "r", where, 0.0)
    rx = _number(src, raw, "rx", where, 0.0)
    ry = _number(src, raw, "ry", where, 0.0)
    matrix: tuple[int, int] | None = None
    if "matrix" in raw:
        value = raw["matrix"]
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            raise src.error(
                f"'matrix' must be [row, column] with two whole numbers ≥ 0, not {value!r}"[:200],
                [*where, "matrix"],
            )
        matrix = (value[0], value[1])
    encoder: int | None = None
    if "encoder" in raw:
        value = raw["encoder"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise src.error(
                f"'encoder' must be a whole number ≥ 0, not {describe_value(value)}", [*where, "encoder"]
            )
        encoder = value
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        raise src.error(f"'label' must be a string, not {describe_value(label)}", [*where, "label"])
    return Key(
        x=x,
        y=y,
        w=w,
        h=h,
        r=r,
        rx=rx,
        ry=ry,
        matrix=matrix,
        encoder=encoder,
        label=label,
        secondary=iso_enter_secondary(w, h),
    )


def _parse_usb_id(src: DataSource, usb: Mapping[str, Any], name: str) -> int | None:
    value = usb.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return value
    if isinstance(value, str) and _USB_ID.match(value.strip()):
        return int(value.strip().removeprefix("0x").removeprefix("0X") or "0", 16)
    raise src.error(f'usb {name} must be a hex string like "0x03A8", not {value!r}'[:200], ["usb", name])


def _matrix_size(data: Mapping[str, Any]) -> tuple[int, int] | None:
    """Rows and columns as QMK's `_matrix_size` computes them (split keyboards double the rows)."""
    size = data.get("matrix_size")
    if isinstance(size, Mapping) and is_number(size.get("rows")) and is_number(size.get("cols")):
        return int(size["rows"]), int(size["cols"])
    return matrix_size_from_pins(data)


def _encoder_count(data: Mapping[str, Any]) -> int:
    """Rotary encoders the firmware has: left + right on splits (the right half repeats the
    left's pins unless `split.encoder.right` says otherwise, as in QMK's encoder.h)."""
    encoder = data.get("encoder")
    left = 0
    if isinstance(encoder, Mapping) and isinstance(encoder.get("rotary"), list):
        left = len(encoder["rotary"])
    split = data.get("split")
    if not (isinstance(split, Mapping) and split.get("enabled") is True):
        return left
    right = left
    split_encoder = split.get("encoder")
    if isinstance(split_encoder, Mapping):
        right_def = split_encoder.get("right")
        if isinstance(right_def, Mapping) and isinstance(right_def.get("rotary"), list):
            right = len(right_def["rotary"])
    return left + right


def _string_field(src: DataSource, data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise src.error(f"{name!r} must be a string, not {describe_value(value)}", [name])
    return value


def _string_list(src: DataSource, data: Mapping[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error(f"{name!r} must be a list of strings", [name])
    return list(value)


def keyboard_from_info(
    data: Any,
    name: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    text: str | None = None,
) -> Keyboard:
    """Build a `Keyboard` from a merged info.json dict.

    `name` (the QMK keyboard path) wins over the data's `keyboard_folder`. `path`/`text`
    only serve error messages (file, line, column)."""
    src = DataSource.of(path, text)
    if not isinstance(data, Mapping):
        raise src.error(f"a keyboard definition must be a JSON object, not {describe_value(data)}", [])
    folder = _string_field(src, data, "keyboard_folder")
    keyboard_name = name or folder or ""
    display = _string_field(src, data, "keyboard_name") or keyboard_name

    layouts_raw = data.get("layouts", {})
    if not isinstance(layouts_raw, Mapping):
        raise src.error("'layouts' must be an object of LAYOUT_* macros", ["layouts"])
    layouts: dict[str, LayoutMacro] = {}
    for macro_name, macro in layouts_raw.items():
        where: list[str | int] = ["layouts", macro_name]
        if not isinstance(macro, Mapping) or not isinstance(macro.get("layout"), list):
            raise src.error(f"layout {macro_name} must be an object with a 'layout' list of keys", where)
        keys = [_parse_key(src, raw, [*where, "layout", i]) for i, raw in enumerate(macro["layout"])]
        layouts[macro_name] = LayoutMacro(name=macro_name, keys=keys)
    if not layouts:
        raise src.error(
            "the definition has no layouts",
            [],
            hint="a keyboard needs at least one LAYOUT_* macro under 'layouts'",
        )

    aliases_raw = data.get("layout_aliases", {})
    if not isinstance(aliases_raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases_raw.items()
    ):
        raise src.error("'layout_aliases' must map old macro names to current ones", ["layout_aliases"])

    rows, cols = _checked_matrix(src, data, layouts)

    usb = data.get("usb", {})
    if not isinstance(usb, Mapping):
        raise src.error("'usb' must be an object", ["usb"])
    # What a `development_board` implies where the file says nothing (QMK's _process_defaults; a
    # tree's own defaults were applied by merged_info_json, and a user's own file has none but keyconf's).
    implied = development_board(_string_field(src, data, "development_board"))

    return Keyboard(
        name=keyboard_name,
        display_name=display,
        manufacturer=_string_field(src, data, "manufacturer") or "",
        matrix_rows=rows,
        matrix_cols=cols,
        layouts=layouts,
        layout_aliases=dict(aliases_raw),
        encoders=_encoders(data, layouts),
        processor=_string_field(src, data, "processor") or implied.get("processor"),
        bootloader=_string_field(src, data, "bootloader") or implied.get("bootloader"),
        pin_compatible=_string_field(src, data, "pin_compatible") or implied.get("pin_compatible"),
        usb_vid=_parse_usb_id(src, usb, "vid"),
        usb_pid=_parse_usb_id(src, usb, "pid"),
        community_layouts=_string_list(src, data, "community_layouts"),
        keyboard_aliases=_string_list(src, data, "keyboard_aliases"),
    )


def _checked_matrix(
    src: DataSource, data: Mapping[str, Any], layouts: Mapping[str, LayoutMacro]
) -> tuple[int, int]:
    """The matrix size, checked against every key (QMK's `_check_matrix` refuses keys outside it)."""
    used_rows = used_cols = 0
    for macro in layouts.values():
        for key in macro.keys:
            if key.matrix is not None:
                used_rows = max(used_rows, key.matrix[0] + 1)
                used_cols = max(used_cols, key.matrix[1] + 1)
    declared = _matrix_size(data)
    if declared is None:
        return used_rows, used_cols
    rows, cols = declared
    for macro_name, macro in layouts.items():
        seen: dict[tuple[int, int], int] = {}
        for index, key in enumerate(macro.keys):
            if key.matrix is None:
                continue
            where: JsonPath = ["layouts", macro_name, "layout", index, "matrix"]
            if key.matrix[0] >= rows or key.matrix[1] >= cols:
                raise src.error(
                    f"matrix position {list(key.matrix)} is outside the {rows}x{cols} matrix",
                    where,
                    hint="check 'matrix_pins' (split keyboards count both halves' rows)",
                )
            if key.matrix in seen:
                raise src.error(
                    f"matrix position {list(key.matrix)} is used twice in {macro_name} "
                    f"(keys {seen[key.matrix]} and {index})",
                    where,
                )
            seen[key.matrix] = index
    return rows, cols


def _encoders(data: Mapping[str, Any], layouts: Mapping[str, LayoutMacro]) -> list[Encoder]:
    """Encoders by index, placed where a layout marks them (`"encoder": n` on a key)."""
    from keyconf.model.geometry import key_center

    positions: dict[int, tuple[float, float]] = {}
    for macro in layouts.values():
        for key in macro.keys:
            if key.encoder is not None and key.encoder not in positions:
                positions[key.encoder] = key_center(key)
    count = max(_encoder_count(data), max(positions, default=-1) + 1)
    encoders = []
    for index in range(count):
        x, y = positions.get(index, (None, None))
        encoders.append(Encoder(index=index, x=x, y=y))
    return encoders


def load_info_file(path: str | os.PathLike[str], name: str | None = None) -> Keyboard:
    """A keyboard from one self-contained info.json-shaped file (keyconf's bundled boards)."""
    text = read_definition_text(path)
    data = parse_definition_json(text, path)
    return keyboard_from_info(data, name, path=path, text=text)


# --- qmk_firmware trees -------------------------------------------------------------------------


def _read_json_file(path: Path) -> Any:
    return parse_definition_json(read_definition_text(path), path)


# QMK's data/mappings files are large HJSON (slow to parse) and shared by every keyboard:
# parse each once per version of the file.
_MAPPING_CACHE: dict[str, tuple[tuple[int, int], Any]] = {}


def _mapping_file(path: Path) -> Any:
    """A data/mappings file, parsed once while its size and modification time stay the same."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _MAPPING_CACHE.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    data = _read_json_file(path)
    _MAPPING_CACHE[str(path)] = (stamp, data)
    return data


def _rules_mk(folder: Path, rules: dict[str, str] | None = None) -> dict[str, str]:
    """A rules.mk's assignments folded into `rules` (no make evaluation)."""
    try:
        text = (folder / "rules.mk").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {} if rules is None else rules
    return apply_rules(parse_rules_mk(text), rules)


def _config_h(folder: Path) -> dict[str, str]:
    try:
        return parse_config_h((folder / "config.h").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}


def build_files(qmk_home: str | os.PathLike[str], keyboard: str) -> tuple[dict[str, str], dict[str, str]]:
    """(rules.mk, config.h) of a keyboard of a qmk_firmware tree, as `qmk info` merges them."""
    folder, folders = Path(qmk_home) / "keyboards", []
    for part in keyboard.split("/"):
        folder = folder / part
        folders.append(folder)
    return folders_build_files(folders)


def folders_build_files(folders: list[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """(rules.mk, config.h) of a keyboard's folders, given from the top down, as `qmk info`
    merges them: the keyboard's own rules.mk, then each folder's from the top (the deepest
    wins); config.h from the top down."""
    rules = _rules_mk(folders[-1]) if folders else {}
    config: dict[str, str] = {}
    for folder in folders:
        rules = _rules_mk(folder, rules)
        config.update(_config_h(folder))
    return rules, config


def apply_make_settings(info: dict[str, Any], rules: Mapping[str, str], config: Mapping[str, str]) -> None:
    """What `qmk info` takes from rules.mk and config.h into a merged info.json: the matrix
    (`apply_build_files`), the processor (`MCU`), the controller footprint (`PIN_COMPATIBLE`) and
    a bootloader the JSON leaves out."""
    apply_build_files(info, rules, config)
    if "MCU" in rules:
        info["processor"] = rules["MCU"]
    if rules.get("PIN_COMPATIBLE", "").strip():  # over the JSON's, as QMK's info_rules mapping does
        info["pin_compatible"] = rules["PIN_COMPATIBLE"].strip()
    if "BOOTLOADER" in rules and "bootloader" not in info:
        info["bootloader"] = rules["BOOTLOADER"]


def resolve_keyboard_name(qmk_home: str | os.PathLike[str], keyboard: str, read: list[Path] | None = None) -> str:
    """The buildable keyboard path for `keyboard`, following QMK's renames
    (`data/mappings/keyboard_aliases.hjson`, e.g. `crkbd` → `crkbd/rev1`) and legacy
    `DEFAULT_FOLDER` entries in rules.mk. `read` collects the files looked at."""
    home = Path(qmk_home)
    keyboard = keyboard.strip("/")
    read = [] if read is None else read
    read.append(home / "data" / "mappings" / "keyboard_aliases.hjson")
    loaded = _mapping_file(read[-1])
    aliases: Mapping[str, Any] = loaded if isinstance(loaded, Mapping) else {}
    for _ in range(10):  # alias chains are short; never loop forever on a cycle
        target = aliases.get(keyboard)
        if isinstance(target, Mapping) and isinstance(target.get("target"), str):
            keyboard = target["target"]
            continue
        folder = home / "keyboards" / keyboard
        read += [folder / "keyboard.json", folder / "rules.mk"]
        if not (folder / "keyboard.json").is_file():
            default = _rules_mk(folder).get("DEFAULT_FOLDER")
            if default and default != keyboard:
                keyboard = default
                continue
        break
    return keyboard


def definition_files(qmk_home: str | os.PathLike[str], keyboard: str) -> list[Path]:
    """Every file `merged_info_json(qmk_home, keyboard)` reads or looks for, there or not: each
    folder's info.json, keyboard.json, rules.mk, config.h and `<folder>.h` from `keyboards/`
    down, and QMK's board defaults. A board made from them stays right while they are unchanged."""
    home = Path(qmk_home)
    files = [home / "data" / "mappings" / "defaults.hjson"]
    folder = home / "keyboards"
    for part in keyboard.split("/"):
        folder = folder / part
        files += [folder / name for name in ("info.json", "keyboard.json", "rules.mk", "config.h", f"{part}.h")]
    return files


def find_info_files(qmk_home: str | os.PathLike[str], keyboard: str) -> list[Path]:
    """The info.json/keyboard.json files QMK merges for `keyboard`, in QMK's merge order:
    the keyboard's own folder first, then each parent folder up to `keyboards/`."""
    base = Path(qmk_home) / "keyboards"
    folder = base / keyboard
    candidates = [folder / "info.json", folder / "keyboard.json"]
    parent = folder.parent
    for _ in range(_MAX_PARENT_LEVELS):
        if parent == base or base not in parent.parents:
            break
        candidates += [parent / "info.json", parent / "keyboard.json"]
        parent = parent.parent
    return [c for c in candidates if c.is_file()]


def _deep_update(target: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in new.items():
        if isinstance(value, Mapping):
            existing = target.get(key)
            target[key] = _deep_update(existing if isinstance(existing, dict) else {}, value)
        else:
            target[key] = value
    return target


def merged_info_json(qmk_home: str | os.PathLike[str], keyboard: str) -> dict[str, Any]:
    """One info.json dict for a keyboard of a qmk_firmware tree, merged as QMK merges it.

    Mirrors `qmk.info.merge_info_jsons`: files are applied most specific first, each later
    (parent) file deep-updating the result; `layout_aliases` are combined; a layout a later
    file repeats updates the existing keys one by one (same key count required) instead of
    replacing them. Board defaults (`development_board` from `data/mappings/defaults.hjson`)
    and rules.mk's `MCU`/`BOOTLOADER` fill in what the JSON leaves out."""
    home = Path(qmk_home)
    folder = home / "keyboards" / keyboard
    if not folder.is_dir():
        raise KeyboardDefinitionError(
            f"no keyboard {keyboard!r} in {home / 'keyboards'}",
            folder,
            hint="QMK keyboard names are folder paths such as planck/rev6",
        )
    files = find_info_files(home, keyboard)
    if not files:
        raise KeyboardDefinitionError(
            f"keyboard {keyboard!r} has no info.json or keyboard.json",
            folder,
            hint="is it a keyboard folder?",
        )
    info: dict[str, Any] = {"keyboard_name": keyboard, "keyboard_folder": keyboard, "layouts": {}}
    folders, folder = [], home / "keyboards"
    for part in keyboard.split("/"):
        folder = folder / part
        folders.append(folder)
    header, header_aliases = header_layout_definitions(folders)
    info["layouts"].update(header)
    listed: set[str] = set()
    for file in files:
        text = read_definition_text(file)
        new = parse_definition_json(text, file)
        if not isinstance(new, dict):
            raise KeyboardDefinitionError("the root of an info.json must be an object", file)
        new = dict(new)
        if "layout_aliases" in new:
            aliases = new.pop("layout_aliases")
            if isinstance(aliases, Mapping):
                info["layout_aliases"] = {**info.get("layout_aliases", {}), **aliases}
        layouts = new.pop("layouts", {})
        if isinstance(layouts, Mapping):
            _merge_layouts(info, layouts, file)
            listed.update(layouts)
        _deep_update(info, new)

    place_header_layouts(info["layouts"], listed)
    for alias, target in header_aliases.items():  # what the JSON names itself wins
        if alias not in info["layouts"]:
            info.setdefault("layout_aliases", {}).setdefault(alias, target)
    _apply_board_defaults(home, info)
    apply_make_settings(info, *build_files(home, keyboard))
    info.setdefault("processor", "atmega32u4")  # QMK's own default when nothing says otherwise
    info["keyboard_folder"] = keyboard
    return info


def _check_layout_keys(src: DataSource, data: Mapping[str, Any]) -> None:
    """Check one file's keys with its text at hand, so an error points at the right line."""
    layouts = data.get("layouts")
    if not isinstance(layouts, Mapping):
        return
    for macro_name, macro in layouts.items():
        if isinstance(macro, Mapping) and isinstance(macro.get("layout"), list):
            for index, raw in enumerate(macro["layout"]):
                _parse_key(src, raw, ["layouts", macro_name, "layout", index])


def _merge_layouts(info: dict[str, Any], layouts: Mapping[str, Any], file: Path) -> None:
    aliases = info.get("layout_aliases", {})
    for layout_name, layout in layouts.items():
        if not isinstance(layout, Mapping) or not isinstance(layout.get("layout"), list):
            raise KeyboardDefinitionError(
                f"layout {layout_name} must be an object with a 'layout' list of keys",
                file,
                where=f"layouts.{layout_name}",
            )
        name = aliases.get(layout_name, layout_name)
        existing = info["layouts"].get(name)
        if existing is None:
            info["layouts"][name] = {
                "layout": [dict(k) if isinstance(k, Mapping) else k for k in layout["layout"]]
            }
            continue
        if existing.get("from_header") and len(existing["layout"]) != len(layout["layout"]):
            info["layouts"][name] = {"layout": [dict(k) if isinstance(k, Mapping) else k for k in layout["layout"]]}
            continue
        if len(existing["layout"]) != len(layout["layout"]):
            raise KeyboardDefinitionError(
                f"layout {name} has {len(layout['layout'])} keys here but {len(existing['layout'])} "
                "in a more specific info.json",
                file,
                where=f"layouts.{layout_name}",
            )
        for old_key, new_key in zip(existing["layout"], layout["layout"], strict=True):
            if isinstance(old_key, dict) and isinstance(new_key, Mapping):
                old_key.update(new_key)


def header_layout_definitions(folders: list[Path]) -> tuple[dict[str, Any], dict[str, str]]:
    """Layouts a board defines as C macros in `<folder>/<folder>.h` of its folders, parents first
    (qmk.info._search_keyboard_h: old trees, and boards users keep in their own repositories, such as a
    Keyball's keyball39.h), the starting point that info.json files then update key by key; and that
    header's `#define LAYOUT LAYOUT_right_ball`, which the compiler follows."""
    layouts: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    for folder in folders:
        header = folder / f"{folder.name}.h"
        try:
            text = header.read_text(encoding="utf-8", errors="replace") if header.is_file() else ""
        except OSError:
            continue
        if "LAYOUT" in text:
            for name, keys in header_layouts(text).items():
                layouts[name] = {"layout": keys, "from_header": True}
            aliases.update(header_layout_aliases(text))
    return layouts, aliases


def place_header_layouts(layouts: dict[str, Any], listed: set[str]) -> None:
    """A layout only a header defines (`LAYOUT_right_ball`, beside info.json's `LAYOUT_no_ball`) has no
    geometry: `qmk info` lines its keys up in one row. Where a layout the JSON lists has a key at each of
    its matrix places, its keys take that key's place and size, so the window draws the board."""
    placed: dict[tuple[int, int], Mapping[str, Any]] = {}
    for name in listed:
        for key in layouts.get(name, {}).get("layout", []):
            if isinstance(key, Mapping) and isinstance(key.get("matrix"), list) and len(key["matrix"]) == 2:
                placed.setdefault((key["matrix"][0], key["matrix"][1]), key)
    for name, layout in layouts.items():
        if name in listed or not layout.get("from_header"):
            continue
        keys = layout["layout"]
        if not keys or not all(isinstance(k.get("matrix"), list) and tuple(k["matrix"]) in placed for k in keys):
            continue
        for key in keys:
            like = placed[tuple(key["matrix"])]
            key.update({field: like[field] for field in ("x", "y", "w", "h", "r", "rx", "ry") if field in like})


def _apply_board_defaults(home: Path, info: dict[str, Any]) -> None:
    """QMK's `_process_defaults`: a `development_board` implies processor, bootloader, board."""
    defaults = _mapping_file(home / "data" / "mappings" / "defaults.hjson")
    if not isinstance(defaults, Mapping):
        return
    for default_type, table in defaults.items():
        if default_type in info and isinstance(table, Mapping):
            implied = table.get(info[default_type])
            if isinstance(implied, Mapping):
                for key, value in implied.items():
                    info.setdefault(key, value)


def load_qmk_keyboard(qmk_home: str | os.PathLike[str], keyboard: str) -> Keyboard:
    """A keyboard of a qmk_firmware tree by QMK name (aliases such as `crkbd` followed)."""
    resolved = resolve_keyboard_name(qmk_home, keyboard)
    info = merged_info_json(qmk_home, resolved)
    try:
        board = keyboard_from_info(info, resolved, path=Path(qmk_home) / "keyboards" / resolved)
    except KeyboardDefinitionError:
        _raise_from_file(qmk_home, resolved)  # a bad key: name the file and line it is on
        raise
    if keyboard != resolved and keyboard not in board.keyboard_aliases:
        board.keyboard_aliases.append(keyboard)
    return board


def _raise_from_file(qmk_home: str | os.PathLike[str], keyboard: str) -> None:
    """Re-check each merged file on its own; raises the first key error with its position."""
    for file in find_info_files(qmk_home, keyboard):
        text = read_definition_text(file)
        data = parse_definition_json(text, file)
        if isinstance(data, Mapping):
            _check_layout_keys(DataSource(str(file), text), data)


def load_community_layout(qmk_home: str | os.PathLike[str], name: str) -> LayoutMacro:
    """A QMK community layout (`layouts/default/<name>/info.json`, e.g. `split_3x5_2`): the
    shared geometry of `LAYOUT_<name>`, without matrix positions (each keyboard has its own)."""
    path = Path(qmk_home) / "layouts" / "default" / name / "info.json"
    if not path.is_file():
        raise KeyboardDefinitionError(
            f"no community layout {name!r}", path, hint="names are folders of layouts/default, e.g. 60_ansi"
        )
    text = read_definition_text(path)
    data = parse_definition_json(text, path)
    src = DataSource.of(path, text)
    macro_name = f"LAYOUT_{name}"
    layouts = data.get("layouts") if isinstance(data, Mapping) else None
    macro = layouts.get(macro_name) if isinstance(layouts, Mapping) else None
    if not isinstance(macro, Mapping) or not isinstance(macro.get("layout"), list):
        raise src.error(f"the community layout defines no {macro_name} with a 'layout' list", ["layouts"])
    keys = [
        _parse_key(src, raw, ["layouts", macro_name, "layout", i]) for i, raw in enumerate(macro["layout"])
    ]
    return LayoutMacro(macro_name, keys)
