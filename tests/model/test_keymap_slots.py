"""One keymap-slot rule for every definition reader: decals and keys that are only an encoder
take no place in a layer's keycode list, so the legends after them stay on their keys."""

from __future__ import annotations

from typing import Any

import pytest

from keyconf.formats.kle import keyboard_from_kle, parse_kle
from keyconf.formats.matrix_order import macro_order_to_matrix, matrix_size, matrix_to_macro_order
from keyconf.formats.qmk_info import keyboard_from_info
from keyconf.formats.via_definition import keyboard_from_via
from keyconf.model.keyboard import Key, Keyboard
from keyconf.model.layout import Layer, Layout
from keyconf.model.starter_layout import starter_layout
from keyconf.model.validation import validate
from keyconf.render.scene import build_scene

KNOB = "\n" * 9 + "e0"  # VIA's encoder marker alone: an encoder without a push switch

# Two rows of three switches with a bare encoder knob between the first and second switch
# (in KLE reading order), as VIA definitions of macro pads with a knob draw it.
KLE_ROWS: list[Any] = [["0,0", KNOB, "0,1", "0,2"], ["1,0", "1,1", "1,2"]]


def via_board() -> Keyboard:
    return keyboard_from_via(
        {"name": "Knob pad", "vendorId": "0x1234", "productId": "0x5678",
         "matrix": {"rows": 2, "cols": 3}, "layouts": {"keymap": KLE_ROWS}}
    )


def kle_board() -> Keyboard:
    return keyboard_from_kle(parse_kle(KLE_ROWS), "knob-pad")


def info_board() -> Keyboard:
    layout = [
        {"x": 0, "y": 0, "matrix": [0, 0]},
        {"x": 1, "y": 0, "encoder": 0},
        {"x": 2, "y": 0, "matrix": [0, 1]},
        {"x": 3, "y": 0, "matrix": [0, 2]},
        {"x": 0, "y": 1, "matrix": [1, 0]},
        {"x": 1, "y": 1, "matrix": [1, 1]},
        {"x": 2, "y": 1, "matrix": [1, 2]},
    ]
    return keyboard_from_info(
        {"keyboard_name": "knob pad", "matrix_size": {"rows": 2, "cols": 3},
         "layouts": {"LAYOUT": {"layout": layout}}},
        "knobpad",
    )


READERS = {"via": via_board, "kle": kle_board, "qmk info.json": info_board}


@pytest.mark.parametrize("reader", READERS)
def test_an_encoder_only_key_takes_no_slot(reader: str) -> None:
    keyboard = READERS[reader]()
    macro = keyboard.layout()
    assert len(macro.keys) == 7  # the knob is drawn
    assert macro.key_count == 6  # but has no keycode of its own
    knob = macro.keys[1]
    assert knob.encoder == 0 and knob.matrix is None and not knob.takes_slot
    assert [k.matrix for k in macro.slot_keys] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


@pytest.mark.parametrize("reader", READERS)
def test_every_legend_stays_on_its_key(reader: str) -> None:
    keyboard = READERS[reader]()
    layout = Layout(keyboard.name, "LAYOUT", [Layer("base", ["KC_A", "KC_B", "KC_C", "KC_D", "KC_E", "KC_F"])])
    assert [p for p in validate(layout, keyboard) if p.severity == "error"] == []
    scene = build_scene(keyboard.layout())
    slots = scene.slot_shapes()
    assert sorted(slots) == [0, 1, 2, 3, 4, 5]
    assert slots[1].key.matrix == (0, 1)  # KC_B sits on switch 0,1, not on the knob
    assert next(s for s in scene.shapes if s.key.encoder == 0).slot is None
    starter = starter_layout(keyboard)
    assert len(starter.layers[0].keys) == 6
    assert len(starter.layers[0].encoders) == 1


def test_matrix_order_follows_the_slots() -> None:
    macro = via_board().layout()
    size = matrix_size(via_board())
    keys = ["KC_A", "KC_B", "KC_C", "KC_D", "KC_E", "KC_F"]
    grid = macro_order_to_matrix(keys, macro, size)
    assert grid == [["KC_A", "KC_B", "KC_C"], ["KC_D", "KC_E", "KC_F"]]
    cells = {(r, c): grid[r][c] for r in range(2) for c in range(3)}
    assert matrix_to_macro_order(cells, macro) == keys


def test_a_push_switch_encoder_keeps_its_slot() -> None:
    assert Key(0, 0, matrix=(0, 0), encoder=0).takes_slot
    assert not Key(0, 0, decal=True).takes_slot
    assert Key(0, 0).takes_slot  # a KLE key without a matrix legend is still a key
