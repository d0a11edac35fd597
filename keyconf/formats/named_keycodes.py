"""The layout's own keycodes' names, carried in VIA and Vial saves.

VIA and Vial saves hold keycode values only: a layout's custom keycode ALTTAB (QK_USER_0) goes
out as its value, and VIA's and Vial's own names reach only the keyboard's keycodes (QK_KB_n,
in its definition). keyconf adds the names in a key of its own, `keyconf_custom_keycodes`
(VIA and Vial read the keys they know and leave others be), and reads them back on import, so
the names survive a round trip through a save."""

from __future__ import annotations

from typing import Any

from keyconf.model.layout import EXTERNAL_VALUE, CustomKeycode, Layout, custom_keycode_values

SAVE_KEY = "keyconf_custom_keycodes"


def names_out(layout: Layout) -> list[dict[str, Any]]:
    """The entries for a save: name, value and (when set) legend and description."""
    entries: list[dict[str, Any]] = []
    for custom, value in zip(layout.custom_keycodes, custom_keycode_values(layout), strict=True):
        if value == EXTERNAL_VALUE or custom.external:
            continue  # a header's keycode: no value to name, or the header names it
        entry: dict[str, Any] = {"name": custom.name, "value": value}
        if custom.legend:
            entry["legend"] = custom.legend
        if custom.description:
            entry["description"] = custom.description
        entries.append(entry)
    return entries


def names_in(data: dict[str, Any], warnings: list[str]) -> list[CustomKeycode]:
    """The entries a save carries, as custom keycodes with values; a malformed one is skipped and said."""
    raw = data.get(SAVE_KEY)
    if raw is None:
        return []
    if not isinstance(raw, list):
        warnings.append(f"`{SAVE_KEY}` is not a list: the custom keycodes' names were not read")
        return []
    found: list[CustomKeycode] = []
    for index, entry in enumerate(raw[:1024]):
        name = entry.get("name") if isinstance(entry, dict) else None
        value = entry.get("value") if isinstance(entry, dict) else None
        if not (isinstance(name, str) and name.isidentifier() and name.isascii() and len(name) <= 64
                and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF):
            warnings.append(f"`{SAVE_KEY}`[{index}] is not a {{name, value}} entry: skipped")
            continue
        legend, description = entry.get("legend"), entry.get("description")
        found.append(CustomKeycode(name, legend=legend if isinstance(legend, str) else None,
                                   description=description if isinstance(description, str) else None, value=value))
    return found
