"""Keys pressing the keyboard's own keycodes (QK_KB_n), named as its VIA or Vial definition names
them (`customKeycodes`): the layout gets one custom keycode per name it uses, pinned to QK_KB_n,
so the window shows the definition's legend and the name comes back from a VIA or Vial save
(which hold only the value, CUSTOM(n)) whenever the board's definition is known."""

from __future__ import annotations

import re

from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import REGISTRY, KeycodeError
from keyconf.model.layout import CustomKeycode, Layout, keycode_context, keycode_fields

_NOT_C = re.compile(r"[^A-Za-z0-9]+")


def board_keycode_base() -> int:
    first = REGISTRY.get("QK_KB_0")
    assert first is not None
    return first.value


def name_board_keycodes(layout: Layout, keyboard: Keyboard | None) -> list[str]:
    """Rewrite keys holding QK_KB_n as the custom keycode named after the board's n-th keycode
    (added to the layout when missing); returns what to tell the user."""
    if keyboard is None or not keyboard.board_keycodes:
        return []
    first = board_keycode_base()
    ctx = keycode_context(layout)
    by_value = {c.value: c.name for c in layout.custom_keycodes if c.value is not None}
    taken = {*layout.custom_keycode_names, *layout.layer_names, *layout.tap_dance_names}
    added: list[str] = []
    for field in keycode_fields(layout, macros=False):
        try:
            value = REGISTRY.encode(REGISTRY.parse(field.text, ctx), ctx)
        except KeycodeError:
            continue
        index = value - first
        if not 0 <= index < len(keyboard.board_keycodes):
            continue
        name = by_value.get(value)
        if name is None:
            board = keyboard.board_keycodes[index]
            name = _c_name(board.name, taken)
            layout.custom_keycodes.append(CustomKeycode(
                name, legend=board.short_name or board.name, description=board.title or board.name, value=value))
            by_value[value] = name
            taken.add(name)
            added.append(f"{name} ({board.name})")
        if field.text != name:
            field.set(name)
    if not added:
        return []
    return [f"keys of {keyboard.display_name or keyboard.name}'s own keycodes are named as its definition names "
            f"them: {', '.join(added)}"]


def _c_name(name: str, taken: set[str]) -> str:
    """A C identifier for a definition's display name ("Mission Control" → MISSION_CONTROL) that is
    no QMK keycode and not yet used in the layout."""
    base = _NOT_C.sub("_", name).strip("_").upper() or "KB_KEY"
    if base[0].isdigit():
        base = f"KB_{base}"
    candidate, number = base, 2
    while candidate in taken or REGISTRY.get(candidate) is not None:
        candidate = f"{base}_{number}"
        number += 1
    return candidate
