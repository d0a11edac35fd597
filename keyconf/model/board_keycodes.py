"""Keys pressing the keyboard's own keycodes (QK_KB_n), named as its firmware's header names them
(keyconf's table of them, `keyconf.model.keycodes.keyboard_keycodes`), or else as its VIA or
Vial definition does (`customKeycodes`): then the layout gets one custom keycode per name it
uses, pinned to QK_KB_n, so the window shows the definition's legend and the name comes back
from a VIA or Vial save (which hold only the value, CUSTOM(n)) whenever the board's definition
is known."""

from __future__ import annotations

import re

from keyconf.model.keyboard import BoardKeycode, Keyboard
from keyconf.model.keycodes import OP_CUSTOM, REGISTRY, KeycodeError
from keyconf.model.keycodes.keyboard_keycodes import keyboard_keycodes, qk_kb_0
from keyconf.model.layout import CustomKeycode, Layout, keycode_context, keycode_fields

_NOT_C = re.compile(r"[^A-Za-z0-9]+")


def name_board_keycodes(layout: Layout, keyboard: Keyboard | None) -> list[str]:
    """Rewrite keys holding QK_KB_n as the custom keycode named after the board's n-th keycode
    (added to the layout when missing); returns what to tell the user. A keyboard whose header
    names them needs no custom keycode: its keys take the header's names."""
    if keyboard_keycodes(layout.keyboard):
        return _name_by_header(layout)
    if keyboard is None or not keyboard.board_keycodes:
        return []
    first = qk_kb_0()
    taken = {*layout.custom_keycode_names, *layout.layer_names, *layout.tap_dance_names}
    named = []
    for index, board in enumerate(keyboard.board_keycodes):
        name = _c_name(_name_source(board), taken)
        taken.add(name)
        named.append(CustomKeycode(name, legend=board.short_name or board.name,
                                   description=board.title or board.name, value=first + index))
    added = name_keycodes(layout, named)
    titles = {c.name: board.name for c, board in zip(named, keyboard.board_keycodes, strict=True)}
    if not added:
        return []
    return [f"keys of {keyboard.display_name or keyboard.name}'s own keycodes are named as its definition names "
            f"them: {', '.join(f'{name} ({titles[name]})' for name in added)}"]


def _name_by_header(layout: Layout) -> list[str]:
    """Keys holding QK_KB_n (as a VIA or Vial save has them) written with the header's name."""
    ctx = keycode_context(layout)
    for field in keycode_fields(layout):
        try:
            kc = REGISTRY.parse(field.text, ctx)
            value = REGISTRY.encode(kc, ctx)
        except KeycodeError:
            continue
        named = ctx.custom_by_value(value) if kc.op != OP_CUSTOM else None
        if named is not None and ctx.keyboard_keycode(named.name) is not None:
            field.set(named.name)
    return []


def name_keycodes(layout: Layout, named: list[CustomKeycode]) -> list[str]:
    """Rewrite keys whose value is one of `named` (custom keycodes with values) as its name, adding
    it to the layout's custom keycodes when a key uses it and the layout lacks a keycode of that
    value; returns the names added. A layout's own keycode of the same value keeps its name."""
    by_value = {c.value: c for c in named if c.value is not None}
    if not by_value:
        return []
    ctx = keycode_context(layout)
    have = {c.value: c.name for c in layout.custom_keycodes if c.value is not None}
    taken = {*layout.custom_keycode_names, *layout.layer_names, *layout.tap_dance_names}
    added: list[str] = []
    for field in keycode_fields(layout, macros=False):
        try:
            value = REGISTRY.encode(REGISTRY.parse(field.text, ctx), ctx)
        except KeycodeError:
            continue
        custom = by_value.get(value)
        if custom is None:
            continue
        name = have.get(value)
        if name is None:
            if custom.name in taken or REGISTRY.get(custom.name) is not None:
                continue  # a name the layout already uses for something else: the key keeps its value
            layout.custom_keycodes.append(custom)
            name = have[value] = custom.name
            taken.add(name)
            added.append(name)
        if field.text != name:
            field.set(name)
    return added


def _name_source(board: BoardKeycode) -> str:
    """What a board keycode's C name is made from: its definition's `name` ("Mission Control"), or its
    shortName where the name is a two-line keycap drawing ("/\\nE" of an "E_ACUTE"), which says less."""
    return board.short_name if "\n" in board.name and board.short_name else board.name


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
