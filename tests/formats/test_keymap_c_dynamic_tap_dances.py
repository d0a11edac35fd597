"""A keymap.c whose keys press TD(0), TD(1) … but which holds no tap_dance_actions[]: Vial's
dynamic tap dances (set in Vial, kept on the keyboard), as in real `keymaps/vial/keymap.c` files."""

from __future__ import annotations

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.validation import validate

VIAL_KEYMAP = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        TD(0), KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A,  KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   TD(2),
        KC_Z,  KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                     KC_ESC, KC_SPC,      KC_ENT, KC_BSPC
    ),
};
"""

TABLE = """
tap_dance_action_t tap_dance_actions[] = {
    [0] = ACTION_TAP_DANCE_DOUBLE(KC_Q, KC_ESC),
    [1] = ACTION_TAP_DANCE_DOUBLE(KC_A, KC_TAB),
    [2] = ACTION_TAP_DANCE_DOUBLE(KC_QUOT, KC_DQUO),
};
"""


def test_td_keys_without_a_table_become_empty_tap_dances_with_a_warning() -> None:
    result = read_keymap_c(VIAL_KEYMAP, "keymap.c", "ferris/sweep")
    layout = result.layout
    assert [d.name for d in layout.tap_dances] == ["td0", "td1", "td2"]
    assert all(d.tap == "KC_NO" and d.double_tap is None for d in layout.tap_dances)
    assert any("Vial's tap dances" in w and "TD(0), TD(2)" in w for w in result.warnings)
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []


def test_a_table_in_the_file_is_read_as_before() -> None:
    result = read_keymap_c(VIAL_KEYMAP + TABLE, "keymap.c", "ferris/sweep")
    assert [(d.tap, d.double_tap) for d in result.layout.tap_dances] == [
        ("KC_Q", "KC_ESC"), ("KC_A", "KC_TAB"), ("KC_QUOT", "KC_DQUO")]
    assert not any("Vial's tap dances" in w for w in result.warnings)
