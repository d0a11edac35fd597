"""keymap.c import of forms found in the held-out corpus9 (host-language keymaps, 2016-2020 vintages,
vial-qmk forks): fn_actions[] numbered by the file's enum, the ALTG() wrapper QMK removed in 2018,
combo key arrays declared through a typedef, and the clear errors for what QMK cannot build
either (two keys with no comma between them, an encoder_map with more layers than keymaps[])."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_text
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keycodes import REGISTRY
from keyconf.model.validation import validate

_ROWS = """        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,"""


def _builds(layout_text: str) -> None:
    result = read_keymap_c(layout_text, "keymap.c", "ferris/sweep")
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(result.layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    generate_sources(reread, keyboard, GenerateOptions())


FN_ACTIONS_BY_ENUM = f"""#include QMK_KEYBOARD_H
enum function_id {{
  FN_NONE,
  FN_SHIFT,
  FN_NUMS = 4,
  FN_GONE,
}};

const uint16_t PROGMEM fn_actions[] = {{
   [FN_NONE]  = ACTION_LAYER_CLEAR(ON_PRESS)
  ,[FN_SHIFT] = ACTION_MODS_ONESHOT (MOD_LSFT)
  ,[FN_NUMS]  = ACTION_LAYER_TAP_TOGGLE(2)
}};

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    F(FN_SHIFT), F(0x0004),    KC_SPC, KC_ENT
    ),
    [1] = LAYOUT_split_3x5_2(
{_ROWS}
                    KC_TRNS, KC_TRNS,    KC_TRNS, KC_TRNS
    ),
    [2] = LAYOUT_split_3x5_2(
{_ROWS}
                    KC_TRNS, KC_TRNS,    KC_TRNS, KC_TRNS
    ),
}};
"""


def test_fn_actions_numbered_by_the_files_enum_become_todays_keycodes() -> None:
    result = read_keymap_c(FN_ACTIONS_BY_ENUM, "keymap.c", "ferris/sweep")
    assert result.layout.layers[0].keys[-4:-2] == ["OSM(MOD_LSFT)", "TT(2)"]
    note = next(w for w in result.warnings if w.startswith("TMK's Fn keys"))
    assert "F(FN_SHIFT) is OSM(MOD_LSFT)" in note and "F(0x0004) is TT(2)" in note
    # an action no keycode of today's QMK does is named, and stays C
    assert "stay C: ACTION_LAYER_CLEAR(ON_PRESS)" in note
    _builds(FN_ACTIONS_BY_ENUM)


def test_an_fn_key_the_table_does_not_fill_keeps_its_old_form() -> None:
    text = FN_ACTIONS_BY_ENUM.replace("F(0x0004)", "F(FN_GONE)")
    result = read_keymap_c(text, "keymap.c", "ferris/sweep")
    assert result.layout.layers[0].keys[-3] == "F(0x0005)"  # today's QMK has no F(): validation names it


ALTG_KEYS = f"""#include QMK_KEYBOARD_H
#define ALT_DEL ALTG(KC_DELT)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    ALT_DEL, ALTG(KC_E),    KC_SPC, KC_ENT
    ),
}};
"""


def test_the_removed_altg_wrapper_is_right_ctrl_and_right_alt() -> None:
    result = read_keymap_c(ALTG_KEYS, "keymap.c", "ferris/sweep")
    keys = result.layout.layers[0].keys[-4:-2]
    # quantum_keycodes.h until 2018-11: #define ALTG(kc) (QK_RCTL | QK_RALT | (kc))
    assert [REGISTRY.encode(REGISTRY.parse(k)) for k in keys] == [0x1100 | 0x1400 | 0x4C, 0x1100 | 0x1400 | 0x08]
    assert sum("ALTG() is read as RCA()" in w for w in result.warnings) == 1
    _builds(ALTG_KEYS)


TYPEDEF_COMBOS = f"""#include QMK_KEYBOARD_H
typedef const uint16_t chord_t[];
static PROGMEM chord_t
  chord_esc = {{KC_W, KC_E, COMBO_END}},
  chord_tab = {{KC_S, KC_D, COMBO_END}};
combo_t key_combos[COMBO_COUNT] = {{
  COMBO(chord_esc, KC_ESC),
  COMBO(chord_tab, KC_TAB),
}};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    KC_LSFT, KC_BSPC,    KC_SPC, KC_ENT
    ),
}};
"""


def test_combo_key_arrays_declared_together_through_a_typedef_are_read() -> None:
    combos = read_keymap_c(TYPEDEF_COMBOS, "keymap.c", "ferris/sweep").layout.combos
    assert [(c.keys, c.action) for c in combos] == [(["KC_W", "KC_E"], "KC_ESC"), (["KC_S", "KC_D"], "KC_TAB")]
    _builds(TYPEDEF_COMBOS)


def test_one_combo_array_a_declaration_makes_is_still_read() -> None:
    text = TYPEDEF_COMBOS.replace(
        "typedef const uint16_t chord_t[];\nstatic PROGMEM chord_t\n  chord_esc = {KC_W, KC_E, COMBO_END},\n"
        "  chord_tab = {KC_S, KC_D, COMBO_END};",
        "const uint16_t PROGMEM chord_esc[] = {KC_W, KC_E, COMBO_END};\n"
        "const uint16_t PROGMEM chord_tab[] = {KC_S, KC_D, COMBO_END};")
    combos = read_keymap_c(text, "keymap.c", "ferris/sweep").layout.combos
    assert [c.keys for c in combos] == [["KC_W", "KC_E"], ["KC_S", "KC_D"]]


def test_two_keys_with_no_comma_between_them_are_refused_where_the_second_starts() -> None:
    text = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, LALT_T(KC_S)  LCTL_T(KC_D), KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    KC_LSFT, KC_BSPC,    KC_SPC, KC_ENT, KC_NO
    ),
};
"""
    with pytest.raises(FormatError) as caught:
        read_keymap_c(text, "keymap.c", "ferris/sweep")
    error = caught.value
    assert (error.line, error.column) == (5, 29)
    assert "key 12 of LAYOUT_split_3x5_2(...) is two keys with no comma between them" in error.message
    assert "QMK cannot build this either" in (error.hint or "")


def test_an_encoder_map_with_more_layers_than_keymaps_is_refused_at_the_extra_layer() -> None:
    text = f"""#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    KC_LSFT, KC_BSPC,    KC_SPC, KC_ENT
    ),
}};
#if defined(ENCODER_MAP_ENABLE)
const uint16_t PROGMEM encoder_map[][NUM_ENCODERS][NUM_DIRECTIONS] = {{
    [0] = {{ ENCODER_CCW_CW(KC_VOLD, KC_VOLU) }},
    [1] = {{ ENCODER_CCW_CW(KC_TRNS, KC_TRNS) }},
}};
#endif
"""
    with pytest.raises(FormatError) as caught:
        read_keymap_c(text, "keymap.c", "ferris/sweep")
    error = caught.value
    assert error.line == 13 and error.column > 1
    assert "encoder_map has a layer 1 that keymaps[] lacks (1 layers)" in error.message
    assert "QMK cannot build it either" in (error.hint or "")


GERMAN = """#include QMK_KEYBOARD_H
#include "keymap_german.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        DE_Q, DE_W, DE_E, DE_R, DE_T,    DE_Z, DE_U, DE_I,    DE_O,   DE_P,
        DE_A, LALT_T(DE_S), DE_D, DE_F, DE_G,    DE_H, DE_J, DE_K,    DE_L,   DE_ODIA,
        DE_Y, DE_X, DE_C, DE_V, DE_B,    DE_N, DE_M, DE_COMM, DE_DOT, DE_MINS,
                    DE_DQUO, KC_BSPC,    KC_SPC, DE_SS
    ),
};
"""


def test_a_host_language_keymap_is_written_back_with_the_languages_names() -> None:
    keyboard = load_bundled("ferris/sweep")
    layout = import_text(GERMAN, "keymap.c", keyboard=keyboard, format="keymap.c").layout
    assert layout.host_language == "german"
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    keymap_c = generate_sources(reread, keyboard, GenerateOptions()).keymap_c
    assert '#include "keymap_german.h"' in keymap_c
    rows = keymap_c[keymap_c.index("LAYOUT_split_3x5_2("):]
    # the names the user wrote, not KC_Y / KC_SCLN / LSFT(KC_2): each the same value in German's header
    for name in ("DE_Z", "DE_Y", "LALT_T(DE_S)", "DE_ODIA", "DE_DQUO", "DE_SS", "DE_MINS"):
        assert name in rows, name
    assert "KC_Y" not in rows and "KC_SCLN" not in rows
    assert "KC_BSPC" in rows  # a key German has no name for keeps QMK's


def _pair_dance(second: str) -> str:
    return f"""#include QMK_KEYBOARD_H
enum {{ TD_SHIFT_CAPS }};
tap_dance_action_t tap_dance_actions[] = {{
    [TD_SHIFT_CAPS] = ACTION_TAP_DANCE_DOUBLE({second}, KC_CAPS),
}};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    TD(TD_SHIFT_CAPS), KC_BSPC,    KC_SPC, KC_ENT
    ),
}};
"""


def test_a_pair_dance_of_a_key_register_code16_cannot_press_stays_c() -> None:
    # QMK's ACTION_TAP_DANCE_DOUBLE presses its keys with register_code16(): a one-shot modifier
    # there is no one-shot; the C stays, so the firmware does what the original's did
    result = read_keymap_c(_pair_dance("OSM(MOD_LSFT)"), "keymap.c", "ferris/sweep")
    assert result.layout.tap_dances == []
    assert result.layout.c_source is not None and "ACTION_TAP_DANCE_DOUBLE(OSM(MOD_LSFT), KC_CAPS)" in (
        result.layout.c_source.code)
    assert any("OSM(MOD_LSFT), which QMK sends with register_code16" in w for w in result.warnings)
    _builds(_pair_dance("OSM(MOD_LSFT)"))


def test_a_pair_dance_of_keys_with_modifiers_is_still_a_layout_tap_dance() -> None:
    dances = read_keymap_c(_pair_dance("LSFT(KC_9)"), "keymap.c", "ferris/sweep").layout.tap_dances
    assert [(d.tap, d.double_tap) for d in dances] == [("LSFT(KC_9)", "KC_CAPS")]
