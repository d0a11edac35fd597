"""keymap.c import of forms real users' files hold (found in the held-out corpus6): line splices of a
file saved with CRLF line ends, a key where QMK wants modifier bits, a drawing's box characters among
the keys, and the count member closing a tap dance or combo enum."""

from __future__ import annotations

import re

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.c_source import tokenize
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_text
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import Layout, keycode_context
from keyconf.model.validation import validate

SPLICED = """#include QMK_KEYBOARD_H
#define HOME_A \\
    LGUI_T(KC_A)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT_split_3x5_2( \\
    KC_Q, KC_W, KC_E, KC_R, KC_T,      KC_Y, KC_U, KC_I,    KC_O,   KC_P,    \\
    HOME_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN, \\
    KC_Z, KC_X, KC_C, KC_V, KC_B,      KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, \\
                      KC_LCTL, KC_SPC, KC_ENT, KC_BSPC \\
  ),
};
"""


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_line_splices_of_a_crlf_file_join_lines_as_the_compiler_does(end: str) -> None:
    # A file saved on Windows: each `\\` stands before "\r\n"; the keys were read as `\\KC_LCTL`.
    layout = read_keymap_c(SPLICED.replace("\n", end), "keymap.c", "ferris/sweep").layout
    keys = layout.layers[0].keys
    assert keys[10] == "LGUI_T(KC_A)" and keys[-4:] == ["KC_LCTL", "KC_SPC", "KC_ENT", "KC_BSPC"]
    keyboard = load_bundled("ferris/sweep")
    assert [p.message for p in validate(loads_layout(dumps_layout(layout, keyboard)).layout, keyboard)
            if p.is_error] == []


def test_a_splice_with_blanks_after_the_backslash_still_joins_the_lines() -> None:
    # gcc splices `\\ ` + newline too (with a warning); the directive keeps its second line.
    [directive, after] = tokenize("#define HOME_A \\  \t\r\n  LGUI_T(KC_A)\nx\n")
    assert directive.text.split() == ["define", "HOME_A", "LGUI_T(KC_A)"] and (after.text, after.line) == ("x", 3)


MOD_TAP_OF_A_KEY = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_F, KC_P, KC_B,                 KC_J, KC_L, KC_U,    KC_Y,   KC_QUOT,
        CTL_T(KC_A), MT(XXXXXXX, KC_R), KC_S, KC_T, KC_G,  KC_M, KC_N, KC_E, MT(KC_NO,KC_I), CTL_T(KC_O),
        KC_Z, KC_X, KC_C, KC_D, KC_V,                 KC_K, KC_H, KC_COMM, KC_DOT, KC_SLSH,
                               KC_LCTL, KC_SPC,       KC_ENT, KC_BSPC
    ),
};
"""


def test_a_mod_tap_of_no_modifier_key_is_the_value_qmk_builds() -> None:
    # MT(XXXXXXX, KC_R): C keeps the low 5 bits of XXXXXXX (KC_NO, 0): a mod-tap of no modifier, 0x2015.
    result = read_keymap_c(MOD_TAP_OF_A_KEY, "keymap.c", "ferris/sweep")
    keys = result.layout.layers[0].keys
    assert keys[11] == "0x2015" and keys[18] == "0x200C"
    assert sum("MT(XXXXXXX, …) holds no modifier" in w and "tapped it types KC_R" in w for w in result.warnings) == 1
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(result.layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []


def test_a_mod_tap_of_a_letter_key_holds_the_modifier_its_low_bits_are() -> None:
    # MT(KC_A, KC_B): KC_A is 0x04, which QMK takes as MOD_LALT; said, not refused.
    text = MOD_TAP_OF_A_KEY.replace("MT(XXXXXXX, KC_R)", "MT(KC_A, KC_R)")
    result = read_keymap_c(text, "keymap.c", "ferris/sweep")
    assert result.layout.layers[0].keys[11] == "MT(MOD_LALT, KC_R)"
    assert any("gets KC_A" in w and "KC_A is a key, not a modifier" in w for w in result.warnings)


DRAWN = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT_split_3x5_2(
  // ╭──────┬──────┬──────┬──────┬──────╮
     │KC_Q, │KC_W, │KC_F, │KC_P, │KC_B,    KC_J, KC_L, KC_U,    KC_Y,   KC_QUOT,
     KC_A, KC_R, KC_S, KC_T, KC_G,         KC_M, KC_N, KC_E,    KC_I,   KC_O,
     KC_Z, KC_X, KC_C, KC_D, KC_V,         KC_K, KC_H, KC_COMM, KC_DOT, KC_SLSH,
                       KC_LCTL, KC_SPC,    KC_ENT, KC_BSPC
  ),
};
"""


def test_a_drawings_box_line_among_the_keys_is_named_where_it_stands() -> None:
    # gcc: "stray '\\342' in program"; keyconf said the layer had one key too many.
    with pytest.raises(FormatError) as caught:
        read_keymap_c(DRAWN, "keymap.c", "ferris/sweep")
    error = caught.value
    assert (error.line, error.column) == (5, 6)
    assert "`│` in LAYOUT_split_3x5_2(...) is not C" in error.message and "comment" in (error.hint or "")


def test_a_drawing_in_a_comment_is_no_stray_character() -> None:
    text = DRAWN.replace("     │KC_Q, │KC_W, │KC_F, │KC_P, │KC_B,", "  /* │ */ KC_Q, KC_W, KC_F, KC_P, KC_B,")
    assert read_keymap_c(text, "keymap.c", "ferris/sweep").layout.layers[0].keys[:2] == ["KC_Q", "KC_W"]


COUNTED_TABLES = """#include QMK_KEYBOARD_H
enum tapdances {
  TD_QESC,
  TD_SBKT,
  TAPDANCE_LENGTH
};
enum combos {
  COMBO_NAV,
  COMBO_LENGTH
};
#define KC_QESC TD(TD_QESC)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_QESC, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,       KC_H, KC_J, KC_K,    KC_L,   TD(TD_SBKT),
        KC_Z, KC_X, KC_C, KC_V, KC_B,       KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                          KC_LCTL, KC_SPC,  KC_ENT, KC_BSPC
    ),
};
tap_dance_action_t tap_dance_actions[] = {
    [TD_QESC] = ACTION_TAP_DANCE_DOUBLE(KC_Q, KC_ESC),
    [TD_SBKT] = ACTION_TAP_DANCE_DOUBLE(KC_LBRC, KC_RBRC),
};
uint16_t COMBO_LEN = COMBO_LENGTH;
const uint16_t PROGMEM combo_nav[] = { KC_SPC, KC_ENT, COMBO_END };
combo_t key_combos[] = {
  [COMBO_NAV] = COMBO(combo_nav, MO(0)),
};
uint16_t get_tapping_term(uint16_t keycode, keyrecord_t *record) {
    return keycode == TD(TD_QESC) ? 250 : TAPPING_TERM;
}
"""


def test_the_count_closing_a_tap_dance_or_combo_enum_goes_with_the_enum() -> None:
    # The enum stayed as C beside keyconf's own names for its dances: `TD_QESC` declared twice.
    keyboard = load_bundled("ferris/sweep")
    layout = import_text(COUNTED_TABLES, "keymap.c", keyboard=keyboard, format="keymap.c").layout
    assert len(layout.tap_dances) == 2 and len(layout.combos) == 1
    assert layout.c_source is not None
    code = layout.c_source.code
    assert "enum tapdances" not in code and "enum combos" not in code
    # the C kept says COMBO_LENGTH: it gets C's number for it (TAPDANCE_LENGTH, unused, needs none)
    assert "#define COMBO_LENGTH 1\n" in code and "TAPDANCE_LENGTH" not in code
    assert "COMBO_LEN = COMBO_LENGTH;" in code and "TD(TD_QESC)" in code  # the rest stays as written
    generated = generate_sources(layout, keyboard, GenerateOptions()).keymap_c
    # keyconf's keymap.c declares the dances once, and the kept C's name for one is an alias of it
    assert "enum tapdances" not in generated and re.search(r"^#define TD_QESC \w+$", generated, re.M)


def test_an_enum_numbering_more_than_the_table_stays_c() -> None:
    # A member with a value of its own is no count: the enum is the user's, kept as written.
    text = COUNTED_TABLES.replace("  TAPDANCE_LENGTH\n", "  TAPDANCE_LENGTH = 9\n")
    layout = import_text(text, "keymap.c", keyboard=load_bundled("ferris/sweep"), format="keymap.c").layout
    assert layout.c_source is not None and "TAPDANCE_LENGTH = 9" in layout.c_source.code


UNDEFINED_NAME = """#include QMK_KEYBOARD_H
#define FK MO(1)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A, KC_B, LT(1, DEL)),
    [1] = LAYOUT(KC_A, KC_B, KC_C, KC_D),
};
"""


def test_a_name_defined_nowhere_in_a_file_of_no_own_headers_is_not_said_to_be_in_a_header() -> None:
    # `LT(FK, DEL)` for KC_DEL, and one layer with a key more: keyconf said the keys were in code it
    # could not see and to import the file in its repository, where nothing more is to be found.
    with pytest.raises(FormatError) as caught:
        read_keymap_c(UNDEFINED_NAME, "keymap.c", None)
    message = caught.value.message
    assert message.startswith("layers have different key counts: 3 (layer0), 4 (layer1); and DEL is")
    assert "in that code" not in message
    assert "no header of its own" in (caught.value.hint or "") and "QMK cannot build it" in (caught.value.hint or "")
    # With a header of the user's to come from, the names are still said to be in it.
    with pytest.raises(FormatError) as caught:
        read_keymap_c(UNDEFINED_NAME.replace("#define FK", '#include "user.h"\n#define FK'), "keymap.c", None)
    assert "from user.h, which keyconf cannot see" in caught.value.message


LAYER_ARITHMETIC = """#include QMK_KEYBOARD_H
enum layers { BASE, NUM, SCROLL_LAYER };
#define ADD_LAYER (SCROLL_LAYER + 1)
#define SPC_0 LT(KC_NO, KC_SPC)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BASE] = LAYOUT(TG(ADD_LAYER + 1), TG(ADD_LAYER), SPC_0, MO(NUM)),
    [NUM] = LAYOUT(KC_1, KC_2, KC_3, KC_TRNS),
    [SCROLL_LAYER] = LAYOUT(KC_WH_U, KC_WH_D, KC_TRNS, KC_TRNS),
    [ADD_LAYER] = LAYOUT(KC_A, KC_B, KC_C, KC_D),
    [ADD_LAYER + 1] = LAYOUT(KC_E, KC_F, KC_G, KC_H),
};
"""


def test_a_layer_argument_c_computes_is_the_layer_it_comes_to() -> None:
    # `TG(ADD_LAYER + 1)` read as the text `TG(((2 + 1) + 1))`: "unexpected character '+'".
    result = read_keymap_c(LAYER_ARITHMETIC, "keymap.c", "handwired/four")
    layout = result.layout
    assert len(layout.layers) == 5
    first = layout.layers[0].keys
    assert [_value(k, layout) for k in first[:2]] == [0x5260 | 4, 0x5260 | 3]  # QK_TOGGLE_LAYER | n
    # `LT(KC_NO, KC_SPC)`: KC_NO is 0 to C, so QMK's key is LT(0, KC_SPC); said once
    assert _value(first[2], layout) == 0x4000 | 0x2C
    assert sum("KC_NO is a key, not a layer" in w for w in result.warnings) == 1


def _value(key: str, layout: Layout) -> int:
    return REGISTRY.encode(REGISTRY.parse(key), keycode_context(layout))


RAW_MATRIX_MACRO = """#include QMK_KEYBOARD_H
#define HRM_LAYOUT( \\
    k00, k01, k02, k03, \\
    k10, k11,    k13    \\
) { \\
    { k00, LGUI_T(k01), k02 }, \\
    { k10, k11, k13 }, \\
    { k03 } \\
}
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = HRM_LAYOUT(KC_A, KC_B, KC_C, KC_D,  KC_E, KC_F, KC_G),
    [1] = LAYOUT(KC_1, KC_2, KC_3, KC_4, KC_5, KC_6, KC_7),
    [2] = { { KC_F1, KC_F2 }, { KC_F3 }, { KC_F4, KC_F5 } },
};
"""


def _three_by_three() -> Keyboard:
    # LAYOUT: row 0 (0,0) (0,1) (0,2) (2,0); row 1 (1,0) (1,1) (1,2); (2,1) has no key
    places = [(0, 0), (0, 1), (0, 2), (2, 0), (1, 0), (1, 1), (1, 2)]
    keys = [Key(x=float(i), y=0.0, matrix=place) for i, place in enumerate(places)]
    return Keyboard(name="handwired/nine", layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


def test_layers_written_as_the_matrix_go_through_the_matrix_into_the_boards_layout() -> None:
    # A user's macro that fills keymaps[] with the matrix rows itself (a preonic keymap's home row
    # mods), or a layer written as rows: "this layer is a raw matrix initializer" before.
    imported = import_text(RAW_MATRIX_MACRO, "keymap.c", keyboard=_three_by_three(), format="keymap.c")
    layout = imported.layout
    assert layout.layout_macro == "LAYOUT"
    assert layout.layers[0].keys == ["KC_A", "LGUI_T(KC_B)", "KC_C", "KC_D", "KC_E", "KC_F", "KC_G"]
    assert layout.layers[1].keys == ["KC_1", "KC_2", "KC_3", "KC_4", "KC_5", "KC_6", "KC_7"]
    # row 1 has one key (KC_F3 at (1,0)); (2,1) holds KC_F5, a place with no key: said lost
    assert layout.layers[2].keys == ["KC_F1", "KC_F2", "KC_NO", "KC_F4", "KC_F3", "KC_NO", "KC_NO"]
    assert any("raw matrix" in w and "lost: layer2: KC_F5" in w for w in imported.warnings)


def test_a_keymap_all_written_as_the_matrix_takes_the_layout_holding_its_keys() -> None:
    text = RAW_MATRIX_MACRO.replace("    [1] = LAYOUT(KC_1, KC_2, KC_3, KC_4, KC_5, KC_6, KC_7),\n", "")
    text = text.replace("{ KC_F4, KC_F5 }", "{ KC_F4 }")
    layout = import_text(text, "keymap.c", keyboard=_three_by_three(), format="keymap.c").layout
    assert layout.layout_macro == "LAYOUT" and len(layout.layers) == 3  # layer 1, left out, is KC_NO, as in C
    assert layout.layers[1].keys == ["KC_NO"] * 7
    assert layout.layers[2].keys == ["KC_F1", "KC_F2", "KC_NO", "KC_F4", "KC_F3", "KC_NO", "KC_NO"]


def test_a_raw_matrix_with_no_board_known_is_still_refused() -> None:
    with pytest.raises(FormatError, match="raw matrix initializer"):
        read_keymap_c(RAW_MATRIX_MACRO, "keymap.c", "handwired/nine")
