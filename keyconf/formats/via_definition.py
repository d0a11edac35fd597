"""VIA keyboard definitions (v2 and v3 JSON) → `Keyboard`.

A VIA definition names the board and its USB ids, gives the matrix size, and draws the
keyboard as KLE (`layouts.keymap`) whose legends carry what a QMK layout macro would:

- top-left legend (position 0): the switch matrix position, `"row,col"`;
- bottom-right legend (position 8): layout option membership, `"option,choice"`; keys
  without it are always present, keys with choice 0 form the default arrangement;
- centre legend (position 4): `"e<n>"` marks rotary encoder n (a key that is only an encoder
  has no matrix position; one with both is an encoder with a push switch);
- decal keys (KLE `d`) are blockers drawn for some options, never switches.

`layouts.labels` names the options: a string is an on/off option, a list is
`[label, choice 0, choice 1, …]`. Option choices are usually drawn beside the board in KLE;
like VIA, each choice is moved so that its top-left key lands on choice 0's, then the whole
board is moved so the default arrangement starts at (0, 0).

v3 adds `menus` (custom UI) and `keycodes`; v2 has `lighting`. Both are kept as data.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from keyconf.formats.definition_source import (
    DataSource,
    JsonPath,
    KeyboardDefinitionError,
    describe_value,
    parse_definition_json,
    read_definition_text,
)
from keyconf.formats.kle import ENCODER_LEGEND, MATRIX_LEGEND, KleKey, parse_kle
from keyconf.model.geometry import bounding_box, key_center
from keyconf.model.keyboard import BoardKeycode, Encoder, Key, Keyboard, LayoutMacro, LayoutOption

# Legend positions VIA reads (KLE reading order); the matrix and encoder ones are kle's.
OPTION_LEGEND = 8

LAYOUT_NAME = "LAYOUT"

_PAIR = re.compile(r"^\s*(-?\d+)\s*[,，]\s*(-?\d+)\s*$")
# VIA reads vendorId/productId as hexadecimal whether or not they start with 0x ("4645" is 0x4645: a
# save made with such a definition holds vendorProductId 0x4645xxxx), so keyconf does too.
_USB_ID = re.compile(r"^\s*(?:0[xX])?([0-9a-fA-F]{1,4})\s*$")
_MAX_MATRIX = 255  # VIA addresses rows and columns with one byte each
# VIA keeps every option's choice in one 32-bit value, each option taking a bit at least: no
# board has more options, and a choice past 255 would take more bits than options ever use. A
# definition naming option 10**24 (fuzzing found it) made the reader name every option up to it.
_MAX_OPTIONS = 32
_MAX_CHOICES = 256


CustomKeycode = BoardKeycode  # a definition's `customKeycodes` entry: QK_KB_n in order


@dataclass
class ViaDefinition:
    """Everything a VIA definition says; `keyboard` is the part keyconf draws and maps."""

    keyboard: Keyboard
    version: int  # 2 or 3
    custom_keycodes: list[CustomKeycode] = field(default_factory=list)
    keycodes: list[str] = field(default_factory=list)  # v3 extra keycode groups, e.g. "qmk_lighting"
    menus: list[Any] = field(default_factory=list)  # v3 custom UI, kept as data
    lighting: Any = None  # v2 lighting preset or object
    firmware_version: int = 0


def definition_version(data: Mapping[str, Any]) -> int:
    """3 for a v3 definition (menus/keycodes/firmwareVersion), 2 for v2 (lighting)."""
    if any(name in data for name in ("menus", "keycodes", "firmwareVersion")):
        return 3
    if "lighting" in data:
        return 2
    return 3


def _usb_id(src: DataSource, data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, str):
        match = _USB_ID.match(value)
        if match:
            return int(match.group(1), 16)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return value
    if value is None:
        raise src.error(f"the definition has no {name!r}", [], hint=f'add e.g. "{name}": "0x1234"')
    raise src.error(f'{name!r} must be a hex string like "0x5241", not {describe_value(value)}', [name])


def _matrix_size(src: DataSource, data: Mapping[str, Any]) -> tuple[int, int]:
    matrix = data.get("matrix")
    if not isinstance(matrix, Mapping):
        raise src.error("the definition has no 'matrix'", [], hint='add "matrix": {"rows": 5, "cols": 15}')
    size = []
    for name in ("rows", "cols"):
        value = matrix.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= _MAX_MATRIX:
            raise src.error(
                f"matrix {name} must be a whole number 1-{_MAX_MATRIX}, not {describe_value(value)}",
                ["matrix", name],
            )
        size.append(value)
    return size[0], size[1]


def _pair(src: DataSource, text: str, where: JsonPath, what: str) -> tuple[int, int]:
    match = _PAIR.match(text)
    if not match:
        raise src.error(f'{what} legend {text!r} is not two numbers like "1,2"'[:200], where)
    return int(match.group(1)), int(match.group(2))


@dataclass
class _ViaKey:
    kle: KleKey
    key: Key


def _read_key(src: DataSource, kle_key: KleKey, where: JsonPath) -> _ViaKey:
    legends = kle_key.legends
    encoder = kle_key.encoder_index()
    matrix: tuple[int, int] | None = None
    matrix_text = legends[MATRIX_LEGEND]
    if not matrix_text and not kle_key.key.decal and encoder is None:
        # A KLE with centred legends (`a: 7`) puts the only legend in the middle.
        matrix_text = legends[ENCODER_LEGEND]
    if not kle_key.key.decal and (matrix_text or encoder is None):
        if not matrix_text:
            raise src.error(
                "key has no matrix position",
                where,
                hint='put "row,col" in the top-left legend (or mark the key as a decal)',
            )
        row, col = _pair(src, matrix_text, where, "matrix")
        if row < 0 or col < 0:
            raise src.error(f"matrix position {matrix_text!r} is negative", where)
        matrix = (row, col)
    option = None
    if legends[OPTION_LEGEND]:
        group, choice = _pair(src, legends[OPTION_LEGEND], where, "layout option")
        if group >= 0:
            if choice < 0:
                raise src.error(f"layout option choice {legends[OPTION_LEGEND]!r} is negative", where)
            if group >= _MAX_OPTIONS or choice >= _MAX_CHOICES:
                raise src.error(
                    f"layout option {legends[OPTION_LEGEND]!r} is past what VIA holds (options 0-{_MAX_OPTIONS - 1}, "
                    f"choices 0-{_MAX_CHOICES - 1})"[:200], where,
                    hint='the bottom-right legend is "option,choice", e.g. "0,1"')
            option = (group, choice)
    key = replace(kle_key.key, matrix=matrix, encoder=encoder, option=option)
    return _ViaKey(kle_key, key)


def _pivot(keys: list[Key]) -> tuple[float, float]:
    """The top-left point of the top-left key, counting a second rectangle that reaches further
    up or left (ISO enter), as VIA aligns option choices."""

    def corner(key: Key) -> tuple[float, float]:
        if key.secondary is None:
            return key.x, key.y
        return key.x + min(0.0, key.secondary.x), key.y + min(0.0, key.secondary.y)

    first = min(keys, key=lambda k: (k.y, k.x))
    return corner(first)


def _shift(key: Key, dx: float, dy: float) -> Key:
    if dx == 0 and dy == 0:
        return key
    if key.r == 0:  # the rotation origin only matters for rotated keys
        return replace(key, x=key.x - dx, y=key.y - dy)
    return replace(key, x=key.x - dx, y=key.y - dy, rx=key.rx - dx, ry=key.ry - dy)


def _item(via_key: _ViaKey) -> str:
    return f"[{via_key.kle.row}][{via_key.kle.item}]"


def _align_options(keys: list[Key]) -> list[Key]:
    """Move each option choice onto choice 0's place, then the board to start at (0, 0)."""
    groups: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, key in enumerate(keys):
        if key.option is not None:
            groups[key.option[0]][key.option[1]].append(index)
    result = list(keys)
    for choices in groups.values():
        if 0 not in choices:
            continue
        anchor = _pivot([keys[i] for i in choices[0]])
        for choice, indices in choices.items():
            if choice == 0:
                continue
            pivot = _pivot([keys[i] for i in indices])
            dx, dy = pivot[0] - anchor[0], pivot[1] - anchor[1]
            for i in indices:
                result[i] = _shift(keys[i], dx, dy)
    default = [k for k in result if k.option is None or k.option[1] == 0]
    box = bounding_box(default or result)
    return [_shift(k, box.left, box.top) for k in result]


def _layout_options(src: DataSource, layouts: Mapping[str, Any], keys: list[Key]) -> list[LayoutOption]:
    labels = layouts.get("labels", [])
    if not isinstance(labels, list):
        raise src.error("'layouts.labels' must be a list", ["layouts", "labels"])
    options: list[LayoutOption] = []
    for index, label in enumerate(labels):
        where: JsonPath = ["layouts", "labels", index]
        if isinstance(label, str):
            options.append(LayoutOption(label))
        elif isinstance(label, list) and label and all(isinstance(part, str) for part in label):
            options.append(LayoutOption(label[0], tuple(label[1:])))
        else:
            raise src.error(
                'a layout option label is a string or a list like ["Bottom Row", "ANSI", "7U"]', where
            )
    choices_used: dict[int, int] = defaultdict(int)
    for key in keys:
        if key.option is not None:
            choices_used[key.option[0]] = max(choices_used[key.option[0]], key.option[1] + 1)
    # Keys may use options the labels forget: name them rather than lose them.
    for group in range(len(options), max(choices_used, default=-1) + 1):
        count = choices_used.get(group, 2)
        choices = tuple(str(c) for c in range(count)) if count > 2 else ()
        options.append(LayoutOption(f"Option {group}", choices))
    for group, count in choices_used.items():
        if count > options[group].choice_count:
            raise src.error(
                f"keys use choice {count - 1} of layout option {group} ({options[group].label!r}), "
                f"which has {options[group].choice_count} choices",
                ["layouts", "labels", group],
            )
    return options


def via_definition_from_data(data: Any, source: DataSource | None = None) -> ViaDefinition:
    """Read a deserialised VIA definition (v2 or v3)."""
    src = source or DataSource()
    if not isinstance(data, Mapping):
        raise src.error(f"a VIA definition must be a JSON object, not {describe_value(data)}", [])
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise src.error("the definition has no 'name'", [], hint='add "name": "My Keyboard"')
    vid = _usb_id(src, data, "vendorId")
    pid = _usb_id(src, data, "productId")
    rows, cols = _matrix_size(src, data)
    layouts = data.get("layouts")
    if not isinstance(layouts, Mapping) or "keymap" not in layouts:
        raise src.error("the definition has no 'layouts.keymap'", [], hint="paste the KLE JSON there")
    kle = parse_kle(layouts["keymap"], src, ["layouts", "keymap"])
    via_keys = [_read_key(src, k, ["layouts", "keymap", k.row, k.item]) for k in kle.keys]
    if not any(vk.key.matrix is not None for vk in via_keys):
        raise src.error("the keymap has no keys with a matrix position", ["layouts", "keymap"])

    seen: dict[tuple[tuple[int, int], tuple[int, int] | None], int] = {}
    for index, vk in enumerate(via_keys):
        matrix = vk.key.matrix
        if matrix is None:
            continue
        where: JsonPath = ["layouts", "keymap", vk.kle.row, vk.kle.item]
        if matrix[0] >= rows or matrix[1] >= cols:
            raise src.error(
                f"matrix position {matrix[0]},{matrix[1]} is outside the {rows}x{cols} matrix",
                where,
                hint="fix the key's top-left legend or 'matrix'",
            )
        # The same switch may appear once per option choice, never twice in one arrangement.
        slot = (matrix, vk.key.option)
        if slot in seen:
            raise src.error(
                f"matrix position {matrix[0]},{matrix[1]} is used by two keys "
                f"(keymap items {_item(via_keys[seen[slot]])} and {_item(vk)})",
                where,
            )
        seen[slot] = index

    keys = _align_options([vk.key for vk in via_keys])
    options = _layout_options(src, layouts, keys)
    encoders: dict[int, Encoder] = {}
    # Place each encoder where the default arrangement has it (other choices only if it has not).
    for key in sorted(keys, key=lambda k: k.option is not None and k.option[1] != 0):
        if key.encoder is not None and key.encoder not in encoders:
            cx, cy = key_center(key)
            encoders[key.encoder] = Encoder(key.encoder, cx, cy)
    encoder_list = [encoders.get(i, Encoder(i)) for i in range(max(encoders, default=-1) + 1)]

    keyboard = Keyboard(
        name=name.strip(),
        display_name=name.strip(),
        matrix_rows=rows,
        matrix_cols=cols,
        layouts={LAYOUT_NAME: LayoutMacro(LAYOUT_NAME, keys)},
        layout_options=options,
        encoders=encoder_list,
        usb_vid=vid,
        usb_pid=pid,
    )
    custom_keycodes = _custom_keycodes(src, data)
    keyboard.board_keycodes = list(custom_keycodes)
    return ViaDefinition(
        keyboard=keyboard,
        version=definition_version(data),
        custom_keycodes=custom_keycodes,
        keycodes=[k for k in data.get("keycodes", []) if isinstance(k, str)]
        if isinstance(data.get("keycodes"), list)
        else [],
        menus=list(data["menus"]) if isinstance(data.get("menus"), list) else [],
        lighting=data.get("lighting"),
        firmware_version=data["firmwareVersion"] if isinstance(data.get("firmwareVersion"), int) else 0,
    )


def _custom_keycodes(src: DataSource, data: Mapping[str, Any]) -> list[CustomKeycode]:
    raw = data.get("customKeycodes", [])
    if not isinstance(raw, list):
        raise src.error("'customKeycodes' must be a list", ["customKeycodes"])
    result = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise src.error(
                'a custom keycode is an object like {"name": "MY_KC", "title": "…", "shortName": "…"}',
                ["customKeycodes", index],
            )
        result.append(
            CustomKeycode(
                name=entry["name"],
                title=str(entry.get("title", "") or ""),
                short_name=str(entry.get("shortName", "") or ""),
            )
        )
    return result


def load_via_definition(path: str | os.PathLike[str]) -> ViaDefinition:
    """A VIA definition file (v2 or v3)."""
    text = read_definition_text(path)
    data = parse_definition_json(text, path)
    return via_definition_from_data(data, DataSource.of(path, text))


def keyboard_from_via(data: Any) -> Keyboard:
    """The `Keyboard` of a deserialised VIA definition."""
    return via_definition_from_data(data).keyboard


__all__ = [
    "CustomKeycode",
    "KeyboardDefinitionError",
    "ViaDefinition",
    "definition_version",
    "keyboard_from_via",
    "load_via_definition",
    "via_definition_from_data",
]
