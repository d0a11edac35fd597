"""keymap-drawer YAML export: layout section, rows, tap/hold legends, combos by key position."""

from __future__ import annotations

from pathlib import Path

import yaml

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.keymap_drawer import layout_to_keymap_drawer

DATA = Path(__file__).parent / "data" / "interchange"


def corne():
    layout = read_keymap_c((DATA / "corne_layers.keymap.c").read_text(), "keymap.c", "crkbd/rev1").layout
    return layout, load_bundled("crkbd/rev1")


def test_structure_follows_keymap_drawers_spec() -> None:
    layout, keyboard = corne()
    data = yaml.safe_load(layout_to_keymap_drawer(layout, keyboard))
    assert data["layout"] == {"qmk_keyboard": "crkbd/rev1", "layout_name": "LAYOUT_split_3x6_3"}
    assert list(data["layers"]) == ["base", "lower", "raise", "adjust"]
    for rows in data["layers"].values():
        assert sum(len(row) for row in rows) == 42
        assert [len(row) for row in rows] == [12, 12, 12, 6]  # physical rows of the Corne


def test_legends_tap_hold_and_transparent_keys() -> None:
    layout, keyboard = corne()
    layers = yaml.safe_load(layout_to_keymap_drawer(layout, keyboard))["layers"]
    base = [key for row in layers["base"] for key in row]
    assert base[1] == "Q"
    assert base[13] == {"t": "A", "h": "GUI"}  # LGUI_T(KC_A)
    assert base[41] == {"t": "AltGr", "h": "adjust"}  # LT(adjust, KC_RALT)
    assert base[35] == "M0"  # EMAIL only typed a SEND_STRING: it is macro 0 now
    lower = [key for row in layers["lower"] for key in row]
    assert lower[35] == "SMTD"  # a custom keycode shows its name
    assert lower[0] == {"t": "▽", "type": "trans"}
    assert lower[13] == ""  # XXXXXXX draws empty


def test_combos_by_key_position() -> None:
    layout, keyboard = corne()
    combos = yaml.safe_load(layout_to_keymap_drawer(layout, keyboard))["combos"]
    assert combos[0] == {"p": [19, 20], "k": "Esc"}  # J and K on the base layer
    assert combos[1]["p"] == [15, 16]


def test_without_geometry_rows_still_hold_every_key() -> None:
    layout, _ = corne()
    data = yaml.safe_load(layout_to_keymap_drawer(layout, None))
    assert sum(len(row) for row in data["layers"]["base"]) == 42
