"""keymap.c layers given twice under different layout macros (found by bench/fuzz.py keymap.c)."""

from __future__ import annotations

from keyconf.formats.keymap_c_import import read_keymap_c

REPLACED = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_wide(KC_A, KC_B, KC_C),
    [0] = LAYOUT_one(KC_A),
    [1] = LAYOUT_two(KC_A, KC_B),
};
"""


def test_a_macro_whose_only_layer_was_replaced_is_not_the_widest() -> None:
    """The later [0] counts, as in C: LAYOUT_wide has no layer left, so the widest is LAYOUT_two
    (it was a ValueError from max() of nothing, a traceback for the user)."""
    result = read_keymap_c(REPLACED, "keymap.c", mixed_macros=True)
    assert result.layout.layout_macro == "LAYOUT_two"
    assert [layer.keys for layer in result.layout.layers] == [["KC_A"], ["KC_A", "KC_B"]]
    assert any("given twice" in warning for warning in result.warnings)
