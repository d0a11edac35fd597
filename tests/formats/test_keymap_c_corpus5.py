"""keymap.c import of forms real users' files hold (found in the held-out corpus5): a custom
keycode's second name in its enum, enum members counted on from a layer-tap alias, keymaps
chosen by `#ifdef` of the board's layout macro."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_text
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.keycodes import REGISTRY, KeycodeError
from keyconf.model.layout import keycode_context
from keyconf.model.validation import validate

SECOND_NAMES = """#include QMK_KEYBOARD_H
enum custom_keycodes {
    LED_LEVEL = SAFE_RANGE,
    LED_FASTER,   LF_UP = LED_FASTER,
    LED_SLOWER,   LF_DN = LED_SLOWER,
    LED_SAVE,
};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                 LED_LEVEL, LF_UP,       LF_DN, LED_SAVE
    ),
};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    switch (keycode) {
        case LF_UP: return false;
        case LED_SAVE: return false;
    }
    return true;
}
"""


def test_a_second_name_for_a_custom_keycode_is_that_keycode_not_another() -> None:
    layout = read_keymap_c(SECOND_NAMES, "keymap.c", "ferris/sweep").layout
    # C: LF_UP == LED_FASTER, and LED_SAVE counts on from LF_DN's value (LED_SLOWER + 1)
    assert [c.name for c in layout.custom_keycodes] == ["LED_LEVEL", "LED_FASTER", "LED_SLOWER", "LED_SAVE"]
    assert all(c.value is None for c in layout.custom_keycodes)  # numbered on from SAFE_RANGE, as C does
    assert layout.layers[0].keys[-4:] == ["LED_LEVEL", "LED_FASTER", "LED_SLOWER", "LED_SAVE"]
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    # the kept C still says `case LF_UP:`
    assert layout.c_source is not None and "#define LF_UP LED_FASTER\n" in layout.c_source.code


COUNTED_ON = """#include QMK_KEYBOARD_H
enum preonic_layers { _QWERTY, _LOWER, _RAISE };
enum preonic_keycodes {
  QWERTY = SAFE_RANGE,
  LOWER = LT(_LOWER, KC_SPC),
  RAISE = LT(_RAISE, KC_ENT),
  BACKLIT,
  MUTE_MIC
};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_QWERTY] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, QWERTY,
                    LOWER, BACKLIT,      MUTE_MIC, RAISE
    ),
    [_LOWER] = LAYOUT_split_3x5_2(
        KC_1, KC_2, KC_3, KC_4, KC_5,    KC_6, KC_7, KC_8,    KC_9,   KC_0,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    _______, _______,    _______, _______
    ),
    [_RAISE] = LAYOUT_split_3x5_2(
        KC_1, KC_2, KC_3, KC_4, KC_5,    KC_6, KC_7, KC_8,    KC_9,   KC_0,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    _______, _______,    _______, _______
    ),
};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
  switch (keycode) {
    case BACKLIT:
      if (record->event.pressed) { backlight_step(); }
      return false;
    case LOWER:
      return true;
  }
  return true;
}
"""


def test_members_after_a_layer_tap_in_a_keycode_enum_count_on_from_its_value() -> None:
    result = read_keymap_c(COUNTED_ON, "keymap.c", "ferris/sweep")
    layout = result.layout
    lower, backlit, mute, raise_ = layout.layers[0].keys[-4:]
    values = [REGISTRY.encode(REGISTRY.parse(k.replace("lower", "1").replace("raise", "2")))
              for k in (lower, backlit, mute, raise_)]
    # what C gives them: LT(_RAISE, KC_ENT) = 0x4228, then 0x4229 and 0x422A
    assert values == [0x412C, 0x4229, 0x422A, 0x4228]
    assert [c.name for c in layout.custom_keycodes] == ["QWERTY"]
    assert any(w.startswith("BACKLIT comes after RAISE (LT(2, KC_ENT))") for w in result.warnings)
    # the kept C's `case BACKLIT:` and `case LOWER:` still name those keycodes
    assert layout.c_source is not None
    assert "#define BACKLIT LT(2, KC_ESC)\n" in layout.c_source.code
    assert "#define LOWER LT(1, KC_SPC)\n" in layout.c_source.code
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []


def _corne_keys(first: str) -> str:
    return ", ".join([first] + ["KC_A"] * 35)


LAYOUT_IFDEF = f"""#include QMK_KEYBOARD_H
#include "layers.h"
#if defined(LAYOUT_split_3x6_3_ex2)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x6_3_ex2({", ".join(["KC_B"] * 46)}),
}};
#elif defined(LAYOUT_split_3x5_3)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_3({_corne_keys("KC_Q")}),
}};
#endif
"""


def test_ifdef_of_a_layout_macro_picks_the_keymap_for_the_board() -> None:
    keyboard = load_bundled("crkbd/rev1")  # has LAYOUT_split_3x5_3, not the ex2 layout of rev4
    layout = import_text(LAYOUT_IFDEF, "keymap.c", keyboard=keyboard, format="keymap.c").layout
    assert layout.layout_macro == "LAYOUT_split_3x5_3" and layout.layers[0].keys[0] == "KC_Q"


def test_ifdef_of_a_layout_macro_with_the_board_unknown_reads_the_first_branch_and_says_so() -> None:
    result = read_keymap_c(LAYOUT_IFDEF.replace("#if defined(LAYOUT_split_3x6_3_ex2)", "#ifdef LAYOUT_split_3x6_3_ex2"),
                           "keymap.c", "")
    assert result.layout.layout_macro == "LAYOUT_split_3x6_3_ex2"
    assert any("#ifdef LAYOUT_split_3x6_3_ex2" in w for w in result.warnings)


ONE_SHOT_KEYS = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(OSM(MOD_LGUI), OSM(KC_LCTL), OSM(KC_LSFT), KC_NO),
};
"""


def test_a_one_shot_of_a_modifier_key_is_the_one_shot_qmk_builds() -> None:
    result = read_keymap_c(ONE_SHOT_KEYS, "keymap.c", "test/board")
    keys = result.layout.layers[0].keys
    # QMK keeps the low 5 bits: KC_LCTL (0xE0) none, a one-shot of nothing; KC_LSFT (0xE1) MOD_LCTL's
    assert [REGISTRY.encode(REGISTRY.parse(k)) for k in keys] == [0x52A8, 0x52A0, 0x52A1, 0x0000]
    assert any("OSM(KC_LCTL) holds no modifier" in w and "MOD_LCTL" in w for w in result.warnings)


CODE_POINTS_OF_A_HEADER = """#include QMK_KEYBOARD_H
#include "kana.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(UC(HIRA_KA), UC(HIRA_KI), UC(0x3042), KC_NO),
};
"""


def test_a_code_point_a_users_header_names_stays_named_and_validates() -> None:
    result = read_keymap_c(CODE_POINTS_OF_A_HEADER, "keymap.c", "test/board")
    layout = result.layout
    assert layout.layers[0].keys[:3] == ["UC(HIRA_KA)", "UC(HIRA_KI)", "UC(0x3042)"]
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [("HIRA_KA", ["kana.h"]), ("HIRA_KI", ["kana.h"])]
    # one warning naming the header, not one error per key
    assert sum("kana.h" in w for w in result.warnings) == 1
    keyboard = Keyboard(name="test/board", layouts={"LAYOUT": LayoutMacro("LAYOUT", [Key(x=float(i), y=0.0)
                                                                                     for i in range(4)])})
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    generated = generate_sources(reread, keyboard, GenerateOptions()).keymap_c
    assert '#include "kana.h"' in generated and "UC(HIRA_KA), UC(HIRA_KI), UC(0x3042)" in generated
    with pytest.raises(KeycodeError, match="code point HIRA_KA is defined in kana.h"):
        context = keycode_context(reread)
        REGISTRY.encode(REGISTRY.parse("UC(HIRA_KA)", context), context)  # VIA needs the value


TMK_FN_KEYS = """#include QMK_KEYBOARD_H
#define BASE 0
#define NAV 1
#define GAME 2
enum fn_keys {
  MO_NAV  = KC_FN0,
  TG_GAME = KC_FN1
};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BASE] = LAYOUT(MO_NAV, TG_GAME, F(2), F(3)),
    [NAV]  = LAYOUT(KC_LEFT, KC_DOWN, KC_UP, KC_RGHT),
    [GAME] = LAYOUT(KC_W, KC_A, KC_S, TG_GAME),
};
const uint16_t PROGMEM fn_actions[] = {
  [0] = ACTION_LAYER_MOMENTARY(NAV),
  [1] = ACTION_LAYER_TOGGLE(GAME),
  [2] = ACTION_LAYER_TAP_KEY(NAV, KC_SPC),
  [3] = ACTION_MODS_ONESHOT(MOD_LSFT)
};
"""


def test_tmk_fn_keys_are_the_keycodes_their_fn_actions_say() -> None:
    result = read_keymap_c(TMK_FN_KEYS, "keymap.c", "test/board")
    layout = result.layout
    context = keycode_context(layout)
    values = [REGISTRY.encode(REGISTRY.parse(k, context), context) for k in layout.layers[0].keys]
    assert values == [0x5221, 0x5262, 0x412C, 0x52A2]  # MO(1), TG(2), LT(1, KC_SPC), OSM(MOD_LSFT)
    assert REGISTRY.encode(REGISTRY.parse(layout.layers[2].keys[3], context), context) == 0x5262
    assert any("KC_FN0 is MO(NAV), KC_FN1 is TG(GAME)" in w for w in result.warnings)
    # fn_actions[] is read: it is not kept as C (today's QMK does not read it)
    assert layout.c_source is None or "fn_actions" not in layout.c_source.code


def test_an_fn_action_no_keycode_does_stays_c() -> None:
    text = TMK_FN_KEYS.replace("[3] = ACTION_MODS_ONESHOT(MOD_LSFT)", "[3] = ACTION_FUNCTION(0)")
    result = read_keymap_c(text, "keymap.c", "test/board")
    assert result.layout.layers[0].keys[3] == "F(3)"  # left as written: validation says what it is
    assert result.layout.c_source is not None and "fn_actions" in result.layout.c_source.code
    assert any("ACTION_FUNCTION(0)" in w for w in result.warnings)


def test_a_layer_whose_layout_call_is_never_closed_is_named_at_its_line() -> None:
    text = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A, KC_B, KC_C, KC_D),
    [1] = LAYOUT(KC_1, KC_2, KC_3, KC_4
    [2] = LAYOUT(KC_F1, KC_F2, KC_F3, KC_F4),
};
"""
    with pytest.raises(FormatError) as caught:
        read_keymap_c(text, "keymap.c", "test/board")
    error = caught.value
    assert (error.line, error.column) == (4, 17)  # layer 1's LAYOUT(, not keymaps[]'s {
    assert "'(' of LAYOUT(...) never closed (the '}' at line 6 comes first)" in error.message
    assert error.hint == "add the missing ')'"
