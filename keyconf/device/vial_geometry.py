"""A Vial keyboard's built-in definition (vial.json) as a keyconf `Keyboard`.

vial.json is a VIA definition without USB ids, and it marks encoders its own way: two KLE
keys per encoder, each with "index,direction" top-left and "e" in the centre. The VIA
definition reader wants "e<index>" in the centre and no matrix position; so the first key
of each encoder is relabelled that way and the second becomes a decal (drawn, never a switch).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from keyconf.device.errors import DefinitionError
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.via_definition import via_definition_from_data
from keyconf.model.keyboard import Keyboard

_PAIR = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*$")


def _vial_encoders_to_via(keymap: list[Any]) -> list[Any]:
    """Relabel Vial encoder keys in place of their legends, so KLE alignment rules still apply."""
    rows = []
    for row in keymap:
        if not isinstance(row, list):
            rows.append(row)
            continue
        out: list[Any] = []
        for item in row:
            if isinstance(item, str):
                legends = item.split("\n")
                marks = [i for i, text in enumerate(legends) if text.strip().lower() == "e"]
                pairs = [(i, _PAIR.match(text)) for i, text in enumerate(legends) if _PAIR.match(text)]
                if marks and len(pairs) == 1:
                    at, match = pairs[0]
                    assert match is not None
                    index, direction = int(match.group(1)), int(match.group(2))
                    if direction == 0:
                        legends[at] = ""
                        legends[marks[0]] = f"e{index}"
                        item = "\n".join(legends)
                    elif out and isinstance(out[-1], dict):
                        out[-1] = {**out[-1], "d": True}
                    else:
                        out.append({"d": True})
            out.append(item)
        rows.append(out)
    return rows


def keyboard_from_vial(definition: dict[str, Any], name: str, vendor_id: int, product_id: int) -> Keyboard:
    """The keyboard a Vial definition describes; `name` and USB ids come from the device."""
    data = copy.deepcopy(definition)
    data.setdefault("name", name or "Vial keyboard")
    data.setdefault("vendorId", f"0x{vendor_id:04X}")
    data.setdefault("productId", f"0x{product_id:04X}")
    layouts = data.get("layouts")
    if isinstance(layouts, dict) and isinstance(layouts.get("keymap"), list):
        layouts["keymap"] = _vial_encoders_to_via(layouts["keymap"])
    try:
        return via_definition_from_data(data).keyboard
    except KeyboardDefinitionError as error:
        raise DefinitionError(
            f"the keyboard's Vial definition cannot be drawn: {error}",
            hint="report it to the keyboard's firmware maintainer",
        ) from error
