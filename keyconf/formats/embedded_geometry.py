"""The keyboard geometry a layout file may carry, so a friend without the keyboard's
definition can open it.

The shape is QMK's info.json (`keyboard_name`, `matrix_size`, `layouts: {LAYOUT_x: {layout:
[{x, y, w, h, r, rx, ry, matrix, encoder, label}]}}`, `layout_aliases`, `processor`,
`bootloader`, `pin_compatible`) plus what keyconf draws
and QMK leaves out: `x2/y2/w2/h2` for ISO-enter shaped keys, `option: [group, choice]` for VIA
layout options, `decal`, and `layout_options` labels.
"""

from __future__ import annotations

import math
from typing import Any

from keyconf.model.controllers import FOOTPRINT_NAME_RE
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro, LayoutOption, SecondaryRect

MAX_KEYS = 1024
MAX_LAYOUTS = 64


def geometry_to_data(keyboard: Keyboard) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if keyboard.display_name:
        data["keyboard_name"] = keyboard.display_name
    if keyboard.manufacturer:
        data["manufacturer"] = keyboard.manufacturer
    data["matrix_size"] = {"rows": keyboard.matrix_rows, "cols": keyboard.matrix_cols}
    if keyboard.processor:
        data["processor"] = keyboard.processor
    if keyboard.bootloader:
        data["bootloader"] = keyboard.bootloader
    if keyboard.pin_compatible:
        data["pin_compatible"] = keyboard.pin_compatible
    if keyboard.usb_vid is not None and keyboard.usb_pid is not None:
        data["usb"] = {"vid": f"0x{keyboard.usb_vid:04X}", "pid": f"0x{keyboard.usb_pid:04X}"}
    if keyboard.layout_options:
        data["layout_options"] = [
            {"label": option.label, **({"choices": list(option.choices)} if option.choices else {})}
            for option in keyboard.layout_options
        ]
    if keyboard.encoders:
        data["encoder_count"] = len(keyboard.encoders)
    if keyboard.layout_aliases:
        data["layout_aliases"] = dict(keyboard.layout_aliases)
    data["layouts"] = {
        name: {"layout": [_key_to_data(key) for key in macro.keys]} for name, macro in keyboard.layouts.items()
    }
    return data


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 4)


def _key_to_data(key: Key) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if key.matrix is not None:
        item["matrix"] = [key.matrix[0], key.matrix[1]]
    item["x"] = _number(key.x)
    item["y"] = _number(key.y)
    if key.w != 1:
        item["w"] = _number(key.w)
    if key.h != 1:
        item["h"] = _number(key.h)
    if key.r:
        item["r"] = _number(key.r)
        item["rx"] = _number(key.rx)
        item["ry"] = _number(key.ry)
    if key.secondary is not None:
        item["x2"] = _number(key.secondary.x)
        item["y2"] = _number(key.secondary.y)
        item["w2"] = _number(key.secondary.w)
        item["h2"] = _number(key.secondary.h)
    if key.encoder is not None:
        item["encoder"] = key.encoder
    if key.option is not None:
        item["option"] = [key.option[0], key.option[1]]
    if key.decal:
        item["decal"] = True
    if key.label:
        item["label"] = key.label
    return item


def geometry_from_data(data: Any, name: str) -> Keyboard:
    """Build a Keyboard from embedded data; raises ValueError with a readable reason."""
    if not isinstance(data, dict):
        raise ValueError("must be a mapping with `layouts`")
    layouts_data = data.get("layouts")
    if not isinstance(layouts_data, dict) or not layouts_data:
        raise ValueError("needs `layouts: {LAYOUT_name: {layout: [keys]}}`")
    if len(layouts_data) > MAX_LAYOUTS:
        raise ValueError(f"more than {MAX_LAYOUTS} layouts")
    layouts: dict[str, LayoutMacro] = {}
    for macro_name, macro in layouts_data.items():
        keys_data = macro.get("layout") if isinstance(macro, dict) else macro
        if not isinstance(keys_data, list):
            raise ValueError(f"layout {macro_name} needs a `layout:` list of keys")
        if len(keys_data) > MAX_KEYS:
            raise ValueError(f"layout {macro_name} has more than {MAX_KEYS} keys")
        layouts[str(macro_name)] = LayoutMacro(
            str(macro_name), [_key_from_data(k, f"layout {macro_name} key {i}") for i, k in enumerate(keys_data)]
        )
    rows = cols = 0
    size = data.get("matrix_size")
    if isinstance(size, dict):
        rows = _int(size.get("rows", 0), "matrix_size.rows")
        cols = _int(size.get("cols", 0), "matrix_size.cols")
    if not rows or not cols:
        positions = [k.matrix for m in layouts.values() for k in m.keys if k.matrix is not None]
        rows = max((p[0] for p in positions), default=-1) + 1
        cols = max((p[1] for p in positions), default=-1) + 1
    usb = data.get("usb") if isinstance(data.get("usb"), dict) else {}
    options = []
    for option in data.get("layout_options", []) or []:
        if isinstance(option, dict) and "label" in option:
            options.append(LayoutOption(str(option["label"]), tuple(str(c) for c in option.get("choices", []))))
    encoder_count = _int(data.get("encoder_count", 0), "encoder_count")
    aliases = data.get("layout_aliases") if isinstance(data.get("layout_aliases"), dict) else {}
    return Keyboard(
        name=name,
        display_name=str(data.get("keyboard_name", "")),
        manufacturer=str(data.get("manufacturer", "")),
        matrix_rows=rows,
        matrix_cols=cols,
        layouts=layouts,
        layout_aliases={str(k): str(v) for k, v in (aliases or {}).items()},
        layout_options=options,
        encoders=[Encoder(i) for i in range(min(encoder_count, 64))],
        processor=str(data["processor"]) if data.get("processor") else None,
        bootloader=str(data["bootloader"]) if data.get("bootloader") else None,
        pin_compatible=_footprint(data.get("pin_compatible")),
        usb_vid=_hex(usb.get("vid")) if usb else None,
        usb_pid=_hex(usb.get("pid")) if usb else None,
    )


def _footprint(value: Any) -> str | None:
    """A `pin_compatible` footprint: a plain name such as promicro (QMK's keyboard schema's)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not FOOTPRINT_NAME_RE.match(value):
        raise ValueError("pin_compatible must be a controller footprint's name, such as promicro or elite_c")
    return value


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number")
    if not 0 <= value <= 255:
        raise ValueError(f"{what} must be between 0 and 255")
    return value


def _float(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number")
    number = float(value)
    if not math.isfinite(number) or abs(number) > 1000:
        raise ValueError(f"{what} is out of range")
    return number


def _hex(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value), 16) & 0xFFFF
    except ValueError:
        return None


def _key_from_data(item: Any, what: str) -> Key:
    if not isinstance(item, dict):
        raise ValueError(f"{what} must be a mapping with x and y")
    if "x" not in item or "y" not in item:
        raise ValueError(f"{what} needs `x` and `y`")
    matrix = item.get("matrix")
    if matrix is not None:
        if not (isinstance(matrix, list) and len(matrix) == 2):
            raise ValueError(f"{what}: `matrix` is [row, col]")
        matrix = (_int(matrix[0], f"{what} matrix row"), _int(matrix[1], f"{what} matrix col"))
    secondary = None
    if "w2" in item or "h2" in item:
        secondary = SecondaryRect(
            _float(item.get("x2", 0), f"{what} x2"),
            _float(item.get("y2", 0), f"{what} y2"),
            _float(item.get("w2", 1), f"{what} w2"),
            _float(item.get("h2", 1), f"{what} h2"),
        )
    option = item.get("option")
    if option is not None:
        if not (isinstance(option, list) and len(option) == 2):
            raise ValueError(f"{what}: `option` is [group, choice]")
        option = (_int(option[0], f"{what} option group"), _int(option[1], f"{what} option choice"))
    encoder = item.get("encoder")
    return Key(
        x=_float(item["x"], f"{what} x"),
        y=_float(item["y"], f"{what} y"),
        w=_float(item.get("w", 1), f"{what} w"),
        h=_float(item.get("h", 1), f"{what} h"),
        r=_float(item.get("r", 0), f"{what} r"),
        rx=_float(item.get("rx", 0), f"{what} rx"),
        ry=_float(item.get("ry", 0), f"{what} ry"),
        matrix=matrix,
        encoder=_int(encoder, f"{what} encoder") if encoder is not None else None,
        label=str(item["label"]) if item.get("label") is not None else None,
        secondary=secondary,
        option=option,
        decal=bool(item.get("decal", False)),
    )
