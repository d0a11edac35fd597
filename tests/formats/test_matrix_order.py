"""Matrix order ↔ layout macro order, macro choice, layout option packing, grid geometry."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError, KeyboardMismatch
from keyconf.formats.matrix_order import (
    GRID_MACRO,
    MatrixSize,
    choose_macro,
    grid_keyboard,
    layers_from_matrix,
    lost_positions,
    macro_for_save,
    macro_order_to_matrix,
    matrix_size,
    matrix_to_macro_order,
    pack_layout_options,
    unpack_layout_options,
)
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro, LayoutOption


def test_matrix_and_layout_order_invert_each_other() -> None:
    crkbd = load_bundled("crkbd/rev1")
    macro = crkbd.layouts["LAYOUT_split_3x6_3"]
    keys = [f"K{i}" for i in range(42)]
    grid = macro_order_to_matrix(keys, macro, matrix_size(crkbd))
    assert grid[0][:6] == keys[:6]
    assert grid[4][5] == "K6"  # the right half's first key, at matrix row 4 column 5
    assert grid[3][0] == "KC_NO"  # no key of the macro sits there
    matrix = {(r, c): text for r, row in enumerate(grid) for c, text in enumerate(row)}
    assert matrix_to_macro_order(matrix, macro) == keys


def test_choose_macro_keeps_the_most_keys() -> None:
    crkbd = load_bundled("crkbd/rev1")
    outer_column = {(0, 0), (1, 0)}
    assert choose_macro(crkbd, outer_column).name == "LAYOUT_split_3x6_3"
    assert choose_macro(crkbd, set(), "LAYOUT_split_3x5_3").name == "LAYOUT_split_3x5_3"


def test_a_save_asking_for_a_layout_the_keyboard_lacks_is_told_which_it_has() -> None:
    crkbd = load_bundled("crkbd/rev1")
    with pytest.raises(FormatError, match="crkbd/rev1 has no layout LAYOUT_nope") as caught:
        macro_for_save(crkbd, set(), "LAYOUT_nope")
    assert caught.value.hint is not None and "LAYOUT_split_3x5_3" in caught.value.hint


def test_layers_from_matrix_warn_of_lost_keys_and_refuse_another_keyboards_save() -> None:
    crkbd = load_bundled("crkbd/rev1")
    macro = crkbd.layouts["LAYOUT_split_3x5_3"]
    outer = {(0, 0): "KC_TAB", (0, 1): "KC_Q"}
    layers, lost = layers_from_matrix([outer], ["base"], macro, save="VIA save", keyboard_name="crkbd/rev1",
                                      check_fit=True)
    assert layers[0].name == "base" and "KC_Q" in layers[0].keys and "KC_TAB" not in layers[0].keys
    assert lost is not None and "base r0c0 KC_TAB" in lost and "--layout" in lost
    stranger = {(r, 0): "KC_A" for r in range(8)}  # the outer column LAYOUT_split_3x5_3 leaves out
    with pytest.raises(KeyboardMismatch, match="this VIA save is not for crkbd/rev1"):
        layers_from_matrix([stranger], ["base"], macro, save="VIA save", keyboard_name="crkbd/rev1", check_fit=True)
    layers, lost = layers_from_matrix([stranger], ["base"], macro, save="VIA save", keyboard_name="crkbd/rev1",
                                      check_fit=False)
    assert lost is not None and "8 keycode(s)" in lost


def test_lost_positions_ignore_empty_and_transparent() -> None:
    crkbd = load_bundled("crkbd/rev1")
    macro = crkbd.layouts["LAYOUT_split_3x5_3"]
    lost = lost_positions([{(0, 0): "KC_TAB", (1, 0): "KC_NO", (2, 0): "KC_TRNS", (0, 1): "KC_Q"}], macro)
    assert lost == [(0, (0, 0), "KC_TAB")]


def test_options_share_matrix_positions() -> None:
    """A VIA definition's two choices for one spot share its matrix position: the chosen one wins."""
    keys = [
        Key(0, 0, 2, matrix=(0, 0), option=(0, 0)),
        Key(0, 0, matrix=(0, 0), option=(0, 1)),
        Key(2, 0, matrix=(0, 1)),
    ]
    macro = LayoutMacro("LAYOUT", keys)
    size = MatrixSize(1, 2)
    assert macro_order_to_matrix(["BIG", "SMALL", "X"], macro, size, option_choices={0: 0}) == [["BIG", "X"]]
    assert macro_order_to_matrix(["BIG", "SMALL", "X"], macro, size, option_choices={0: 1}) == [["SMALL", "X"]]


def test_layout_options_pack_most_significant_first() -> None:
    keyboard = Keyboard(
        "x", layout_options=[LayoutOption("Split Backspace"), LayoutOption("Bottom", ("7u", "6.25u", "HHKB"))]
    )
    value = pack_layout_options(keyboard, {"Split Backspace": 1, "Bottom": 2})
    assert value == 0b110  # one bit, then two bits
    assert unpack_layout_options(keyboard, value) == {"Split Backspace": 1, "Bottom": 2}


def test_grid_keyboard_has_one_key_per_used_position() -> None:
    keyboard = grid_keyboard("vial_00", [(1, 2), (0, 0), (1, 2)], MatrixSize(2, 3))
    macro = keyboard.layouts[GRID_MACRO]
    assert [(k.x, k.y, k.matrix) for k in macro.keys] == [(0.0, 0.0, (0, 0)), (2.0, 1.0, (1, 2))]
    assert (keyboard.matrix_rows, keyboard.matrix_cols) == (2, 3)
