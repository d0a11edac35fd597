"""keymap.c import of forms real users' files hold (found in the held-out corpus4): modifier bits
ORed onto a key, casts in key override masks, MC_n keys that play VIA's macros."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keycodes import REGISTRY
from keyconf.model.validation import validate

ORED_MODS = """#include QMK_KEYBOARD_H
#define WIN_LEFT ( QK_LCTL | QK_LGUI | (KC_LEFT) )
#define HYPR_F (QK_LCTL|QK_LSFT|QK_LALT|QK_LGUI|KC_F)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(WIN_LEFT, HYPR_F, QK_RSFT | KC_1, (QK_RALT | KC_E)),
};
"""


def test_modifier_bits_ored_onto_a_key_are_the_key_with_those_modifiers() -> None:
    keys = read_keymap_c(ORED_MODS, "keymap.c", "test/board").layout.layers[0].keys
    # the value QMK's compiler computes: QK_LCTL 0x0100 | QK_LGUI 0x0800 | KC_LEFT 0x50 …
    assert [REGISTRY.encode(REGISTRY.parse(k)) for k in keys] == [0x0950, 0x0F09, 0x121E, 0x1408]
    assert keys[0] == "LCG(KC_LEFT)"


def test_a_call_inside_the_arithmetic_is_not_computed() -> None:
    text = ORED_MODS.replace("LAYOUT(WIN_LEFT,", "LAYOUT(LT(1, KC_A) | QK_LCTL,")
    keys = read_keymap_c(text, "keymap.c", "test/board").layout.layers[0].keys
    assert keys[0] == "LT(1, KC_A) | QK_LCTL"  # left as written: validation says what is wrong


CAST_OVERRIDES = """#include QMK_KEYBOARD_H
const key_override_t eql_override = ko_make_with_layers_and_negmods(0, KC_EQL, KC_PLUS, ~0, (uint8_t) MOD_MASK_SHIFT);
const key_override_t at_override = ko_make_basic((uint8_t)(MOD_MASK_SHIFT), KC_2, KC_AT);
const key_override_t **key_overrides = (const key_override_t *[]){ &eql_override, &at_override, NULL };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_EQL,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_2,
                    KC_ESC, KC_SPC,      KC_ENT, KC_BSPC
    ),
};
"""


def test_casts_in_key_override_masks_keep_the_mask() -> None:
    layout = read_keymap_c(CAST_OVERRIDES, "keymap.c", "ferris/sweep").layout
    eql, at = layout.key_overrides
    assert eql.negative_mods == ["MOD_MASK_SHIFT"] and at.mods == ["MOD_MASK_SHIFT"]
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []


VIA_MACROS = """#include QMK_KEYBOARD_H
enum custom_keycodes { REC = SAFE_RANGE };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, MC_1,    MC_2,   QK_MACRO_3,
                    REC,  KC_SPC,        KC_ENT, KC_BSPC
    ),
};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    if (keycode == REC && record->event.pressed) { dynamic_macro_record_start(); }
    return true;
}
"""


def test_mc_keys_of_a_file_with_no_macros_play_the_keyboards_own_macros() -> None:
    result = read_keymap_c(VIA_MACROS, "keymap.c", "ferris/sweep")
    layout = result.layout
    assert layout.layers[0].keys[27:30] == ["MC_1", "MC_2", "QK_MACRO_3"] and layout.macros == []
    keyboard = load_bundled("ferris/sweep")
    problems = validate(loads_layout(dumps_layout(layout, keyboard)).layout, keyboard)
    assert [p.message for p in problems if p.is_error] == []
    assert [p.code for p in problems if "plays macro" in p.message] == ["macro-in-c"] * 3


def test_mc_keys_of_a_layout_without_c_code_still_need_their_macros() -> None:
    layout = read_keymap_c(VIA_MACROS.split("bool process_record_user")[0].replace("REC", "KC_D"), "keymap.c",
                           "ferris/sweep").layout
    assert layout.c_source is None
    errors = [p.message for p in validate(layout, load_bundled("ferris/sweep")) if p.is_error]
    assert errors and all("plays macro" in e for e in errors)


def test_kc_no_as_a_key_override_mask_is_no_modifiers() -> None:
    text = CAST_OVERRIDES.replace("ko_make_basic((uint8_t)(MOD_MASK_SHIFT), KC_2, KC_AT)",
                                  "ko_make_basic(KC_NO, KC_2, KC_AT)")
    layout = read_keymap_c(text, "keymap.c", "ferris/sweep").layout
    assert layout.key_overrides[1].mods == ["0"]
    keyboard = load_bundled("ferris/sweep")
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []


MIXED_CASE_LAYERS = """#include QMK_KEYBOARD_H
enum custom_layers { _Base, _Puc };
#define HOLD_D LT(_Puc, KC_D)
#define COMBO_LIST COMBO_X(DF_PUC, OSL(_Puc), HOLD_D, KC_F)
#define COMBO_X(name, action, ...) const uint16_t PROGMEM name##_combo[] = { __VA_ARGS__, COMBO_END };
COMBO_LIST
#undef COMBO_X
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_Base] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, HOLD_D, KC_F, KC_G,  KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    KC_ESC, KC_SPC,      KC_ENT, KC_BSPC
    ),
    [_Puc] = LAYOUT_split_3x5_2(
        KC_1, KC_2, KC_3, KC_4, KC_5,    KC_6, KC_7, KC_8,    KC_9,   KC_0,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    KC_ESC, KC_SPC,      KC_ENT, KC_BSPC
    ),
};
"""


def test_carried_defines_that_name_a_layer_get_its_alias() -> None:
    # The layer _Puc is _PUC in keyconf's keymap.c; the #defines the C keeps still say _Puc.
    layout = read_keymap_c(MIXED_CASE_LAYERS, "keymap.c", "ferris/sweep").layout
    assert layout.c_source is not None and layout.c_source.code is not None
    code = layout.c_source.code
    assert "#define _Puc _PUC" in code and "#define HOLD_D LT(_Puc, KC_D)" in code


def test_a_layout_macro_defined_as_nothing_is_named_in_the_error() -> None:
    text = ("#include QMK_KEYBOARD_H\n#define LAYOUT_split_3x5_2(__VA_ARGS__)\n"
            + VIA_MACROS.split("\n", 1)[1].split("bool process_record_user")[0])
    with pytest.raises(FormatError) as caught:
        read_keymap_c(text, "keymap.c", "ferris/sweep")
    assert caught.value.line == 2
    assert "defines LAYOUT_split_3x5_2(...) as nothing" in caught.value.message
    assert "QMK cannot build it either" in caught.value.message


KEYLESS_LAYER = """#include QMK_KEYBOARD_H
enum layers { BASE, NUM, HOLD };  // HOLD: no keys, held only for LT()'s tap-hold in C
#define TH(key) LT(HOLD, key)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BASE] = LAYOUT_split_3x5_2(
        TH(KC_Q), KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,        KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,        KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    MO(NUM), KC_SPC,         KC_ENT, KC_BSPC
    ),
    [NUM] = LAYOUT_split_3x5_2(
        KC_1, KC_2, KC_3, KC_4, KC_5,        KC_6, KC_7, KC_8,    KC_9,   KC_0,
        KC_A, KC_S, KC_D, KC_F, KC_G,        KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,        KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    KC_TRNS, KC_SPC,         KC_ENT, KC_BSPC
    ),
};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    if (keycode == TH(KC_Q) && !record->tap.count) { tap_code16(C(KC_Q)); return false; }
    return true;
}
"""


def test_a_layer_enum_member_past_keymaps_is_an_empty_layer_of_its_name() -> None:
    # QMK builds LT(HOLD, KC_Q) as LT(2, KC_Q) and reads layer 2, past keymaps[], as KC_TRNS.
    result = read_keymap_c(KEYLESS_LAYER, "keymap.c", "ferris/sweep")
    layout = result.layout
    assert layout.layer_names == ["base", "num", "hold"]
    assert layout.layers[0].keys[0] == "LT(2, KC_Q)" and set(layout.layers[2].keys) == {"KC_TRNS"}
    assert any("added as an empty (KC_TRNS) layer" in w for w in result.warnings)
    assert layout.c_source is not None and layout.c_source.code is not None
    assert "#define HOLD _HOLD" in layout.c_source.code  # the C kept still says HOLD
    keyboard = load_bundled("ferris/sweep")
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []


def test_a_modifier_constant_where_a_layer_goes_is_the_layer_of_its_value() -> None:
    # QMK builds MO(MOD_LALT) as MO(4) (MOD_LALT is 0x04) and LT(MOD_RCTL, KC_A) as LT(1, KC_A).
    text = KEYLESS_LAYER.replace("MO(NUM)", "MO(MOD_LALT)").replace("KC_Z, KC_X", "LT(MOD_RCTL, KC_Z), KC_X", 1)
    result = read_keymap_c(text, "keymap.c", "ferris/sweep")
    keys = result.layout.layers[0].keys
    assert "MO(4)" in keys and "LT(1, KC_Z)" in keys
    assert any("MOD_LALT is QMK's modifier constant 0x04, not a layer" in w for w in result.warnings)
