"""keymap.c import of forms ZSA's Oryx sources and old ErgoDox keymaps hold (found in the held-out
corpus8): a custom keycode that C gives another's value (`RGB_SLD = ML_SAFE_RANGE` with
`#define ML_SAFE_RANGE SAFE_RANGE`), TMK's ACTION_MODS_KEY() on keys, and more SEND_STRING keys
than QMK has macro keycodes."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keycodes import REGISTRY, KeycodeError
from keyconf.model.validation import validate

_ROWS = """        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,"""

ONE_VALUE_TWO_NAMES = f"""#include QMK_KEYBOARD_H
#include "version.h"
#define ML_SAFE_RANGE SAFE_RANGE

enum custom_keycodes {{
  WORDSEL = SAFE_RANGE,
  LINESEL,
  ST_MACRO_0,
  RGB_SLD = ML_SAFE_RANGE,
}};

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    LINESEL, ST_MACRO_0,    RGB_SLD, KC_SPC
    ),
}};

uint16_t WORDSEL_KEY = WORDSEL;

bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
  switch (keycode) {{
    case ST_MACRO_0:
    if (record->event.pressed) {{
      SEND_STRING(SS_TAP(X_A) SS_DELAY(100) SS_TAP(X_B));
    }}
    break;
    case RGB_SLD:
      if (record->event.pressed) {{
        rgblight_mode(1);
      }}
      return false;
  }}
  return true;
}}
"""


def test_a_member_c_gives_another_custom_keycodes_value_is_that_keycode() -> None:
    result = read_keymap_c(ONE_VALUE_TWO_NAMES, "keymap.c", "ferris/sweep")
    layout = result.layout
    # C: RGB_SLD == WORDSEL == SAFE_RANGE; one keycode, not two of one value
    assert [c.name for c in layout.custom_keycodes] == ["WORDSEL", "LINESEL"]
    assert all(c.value is None for c in layout.custom_keycodes)
    assert layout.layers[0].keys[-4:] == ["LINESEL", "QK_MACRO_0", "WORDSEL", "KC_SPC"]
    assert any(w.startswith("RGB_SLD gets the value of WORDSEL (0x7E40) in C") for w in result.warnings)
    assert layout.c_source is not None
    assert "#define RGB_SLD WORDSEL\n" in layout.c_source.code and "case RGB_SLD:" in layout.c_source.code
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    generate_sources(reread, keyboard, GenerateOptions())  # builds its keymap.c without a problem


def test_a_member_counted_from_an_old_range_end_stays_a_keycode_of_its_own() -> None:
    # EZ_SAFE_RANGE was the ErgoDox EZ's range end in old QMK, past SAFE_RANGE: keyconf only estimates
    # it, so landing on WORDSEL's value there makes no second name.
    text = ONE_VALUE_TWO_NAMES.replace("#define ML_SAFE_RANGE SAFE_RANGE\n", "").replace(
        "ML_SAFE_RANGE", "EZ_SAFE_RANGE")
    result = read_keymap_c(text, "keymap.c", "ferris/sweep")
    assert "RGB_SLD" in [c.name for c in result.layout.custom_keycodes]
    assert not any(w.startswith("RGB_SLD gets the value") for w in result.warnings)


ACTION_MODS = f"""#include QMK_KEYBOARD_H
#define STAB ACTION_MODS_KEY(MOD_LSFT, KC_TAB)
#define HYPR_H ACTION_MODS_KEY(MOD_LGUI | MOD_LSFT | MOD_LCTL, KC_H)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    STAB, HYPR_H,    ACTION_MODS_KEY(MOD_RALT, KC_E), KC_SPC
    ),
}};
"""


def test_tmk_action_mods_key_on_a_key_is_the_modded_keycode_of_its_value() -> None:
    result = read_keymap_c(ACTION_MODS, "keymap.c", "ferris/sweep")
    keys = result.layout.layers[0].keys[-4:-1]
    # QMK's action_code.h: ACTION(ACT_LMODS or ACT_RMODS, (mods & 0x1f) << 8 | key)
    assert [REGISTRY.encode(REGISTRY.parse(k)) for k in keys] == [0x022B, 0x0B0B, 0x1408]
    assert keys == ["LSFT(KC_TAB)", "LCSG(KC_H)", "RALT(KC_E)"]
    assert sum("ACTION_MODS_KEY()" in w for w in result.warnings) == 1


def _many_send_string_keys(count: int) -> str:
    names = [f"ST_MACRO_{n}" for n in range(count)]
    cases = "".join(f"""    case {name}:
    if (record->event.pressed) {{
      SEND_STRING(SS_TAP(X_{chr(ord('A') + n % 26)}));
    }}
    break;
""" for n, name in enumerate(names))
    return f"""#include QMK_KEYBOARD_H
enum custom_keycodes {{
  RGB_SLD = SAFE_RANGE,
  {", ".join(names)},
}};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    ST_MACRO_0, ST_MACRO_31,    ST_MACRO_32, ST_MACRO_33
    ),
}};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
  switch (keycode) {{
{cases}  }}
  return true;
}}
"""


def test_send_string_keys_past_qmks_macro_keycodes_stay_custom_keycodes() -> None:
    result = read_keymap_c(_many_send_string_keys(34), "keymap.c", "ferris/sweep")
    layout = result.layout
    assert len(layout.macros) == 32  # QK_MACRO_0 … QK_MACRO_31
    assert layout.layers[0].keys[-4:] == ["QK_MACRO_0", "QK_MACRO_31", "ST_MACRO_32", "ST_MACRO_33"]
    assert [c.name for c in layout.custom_keycodes] == ["RGB_SLD", "ST_MACRO_32", "ST_MACRO_33"]
    # C numbers them from SAFE_RANGE on, past the converted ones: their values are kept
    values = {c.name: c.value for c in layout.custom_keycodes}
    assert values["ST_MACRO_32"] == REGISTRY.encode(REGISTRY.parse("QK_USER_0")) + 33
    assert layout.c_source is not None and "case ST_MACRO_33:" in layout.c_source.code
    assert "case ST_MACRO_31:" not in layout.c_source.code
    assert any(w.startswith("2 more SEND_STRING keys (ST_MACRO_32, ST_MACRO_33) stay custom keycodes")
               for w in result.warnings)
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    generate_sources(reread, keyboard, GenerateOptions())  # was "QMK has no keycode for macro 32"


DUAL_FUNCTION = f"""#include QMK_KEYBOARD_H
#define DUAL_FUNC_0 LT(13, KC_F15)
#define DUAL_FUNC_1 LT(9, KC_1)
#define NAV_SPC LT(1, KC_SPC)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    DUAL_FUNC_0, NAV_SPC,    DUAL_FUNC_1, KC_ENT
    ),
    [1] = LAYOUT_split_3x5_2(
{_ROWS}
                    KC_TRNS, KC_TRNS,    KC_TRNS, KC_TRNS
    ),
}};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
  switch (keycode) {{
    case DUAL_FUNC_0:
      if (record->tap.count > 0) {{
        if (record->event.pressed) {{ register_code16(KC_Q); }} else {{ unregister_code16(KC_Q); }}
      }} else {{
        if (record->event.pressed) {{ register_code16(LCTL(KC_Q)); }} else {{ unregister_code16(LCTL(KC_Q)); }}
      }}
      return false;
    case DUAL_FUNC_1:
      return false;
  }}
  return true;
}}
"""


def test_a_layer_tap_the_c_catches_to_a_layer_keymaps_lacks_is_a_custom_keycode_of_its_value() -> None:
    result = read_keymap_c(DUAL_FUNCTION, "keymap.c", "ferris/sweep")
    layout = result.layout
    # Oryx's dual-function keys: no layers 2-13 made up for them
    assert len(layout.layers) == 2
    assert layout.layers[0].keys[-4:-1] == ["DUAL_FUNC_0", "LT(1, KC_SPC)", "DUAL_FUNC_1"]
    values = {c.name: c.value for c in layout.custom_keycodes}
    assert values == {"DUAL_FUNC_0": REGISTRY.encode(REGISTRY.parse("LT(13, KC_F15)")),
                      "DUAL_FUNC_1": REGISTRY.encode(REGISTRY.parse("LT(9, KC_1)"))}
    # the window shows what its C does on a tap and a hold (the C stays as written)
    first, second = layout.custom_keycodes
    assert (first.legend, first.description) == ("Q/Ctrl+Q", "tap: KC_Q, hold: LCTL(KC_Q) (done by its C code)")
    assert (second.legend, second.description) == (None, None)  # its C is not that form
    assert layout.c_source is not None and "case DUAL_FUNC_0:" in layout.c_source.code
    assert "#define DUAL_FUNC_0" not in layout.c_source.code  # keyconf declares it, with its value
    assert any(w.startswith("DUAL_FUNC_0, DUAL_FUNC_1: layer-taps to layers keymaps[] lacks") for w in result.warnings)
    keyboard = load_bundled("ferris/sweep")
    reread = loads_layout(dumps_layout(layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    assert "DUAL_FUNC_0 = 0x4D6A," in generate_sources(reread, keyboard, GenerateOptions()).keymap_c


def test_a_layer_tap_nothing_catches_still_adds_the_layers_it_names() -> None:
    # no C catches them: real layer taps, and QMK reads layers 9 and 13 as all KC_TRNS
    text = DUAL_FUNCTION.replace("case DUAL_FUNC_0:", "case KC_A:").replace("case DUAL_FUNC_1:", "case KC_B:")
    layout = read_keymap_c(text, "keymap.c", "ferris/sweep").layout
    assert len(layout.layers) == 14 and not layout.custom_keycodes


def test_the_firmware_bench_counts_keys_that_became_macros_as_equal_and_nothing_else() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import keymap_c_firmware_equivalence as bench

    # an Oryx ErgoDox's keymaps[]: ST_MACRO_0/1 (0x7E41, 0x7E42) became QK_MACRO_0/1 in keyconf's firmware
    original = bench.words(bytes([0x04, 0x00, 0x41, 0x7E, 0x42, 0x7E, 0x41, 0x7E]))
    assert original == [0x0004, 0x7E41, 0x7E42, 0x7E41]
    assert bench.macro_keys_only(original, [0x0004, 0x7700, 0x7701, 0x7700]) == 3
    assert bench.macro_keys_only(original, [0x0005, 0x7700, 0x7701, 0x7700]) is None  # a real difference
    assert bench.macro_keys_only(original, [0x0004, 0x7700, 0x7700, 0x7700]) is None  # two keys, one macro
    assert bench.macro_keys_only(original, original) is None  # equal: said elsewhere


def test_a_long_modifier_name_qmk_lacks_is_refused_naming_qmks() -> None:
    # MT(MOD_LEFT_GUI, KC_ENTER) in a hand-edited Oryx source: QMK has KC_LEFT_GUI, but only MOD_LGUI
    with pytest.raises(KeycodeError, match=r"unknown modifier 'MOD_LEFT_GUI' \(QMK's name is MOD_LGUI\)"):
        REGISTRY.parse("MT(MOD_LEFT_GUI, KC_ENTER)")


OLD_ORYX_ERGODOX = f"""#include QMK_KEYBOARD_H
#include "version.h"
enum custom_keycodes {{
  RGB_SLD = SAFE_RANGE,
  TOGGLE_LAYER_COLOR,
  EPRM,
}};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    RGB_SLD, TOGGLE_LAYER_COLOR,    EPRM, KC_SPC
    ),
}};
bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
  switch (keycode) {{
    case EPRM: if (record->event.pressed) {{ eeconfig_init(); }} return false;
  }}
  return true;
}}
"""


def test_a_custom_keycode_the_boards_header_now_declares_is_the_boards_keycode() -> None:
    # Oryx ErgoDox sources of 2018-19 declared TOGGLE_LAYER_COLOR themselves; ergodox_ez.h does now, and a
    # second declaration does not compile. On another board it stays the file's own.
    result = read_keymap_c(OLD_ORYX_ERGODOX, "keymap.c", "ergodox_ez/glow")
    customs = {c.name: c.value for c in result.layout.custom_keycodes}
    assert "TOGGLE_LAYER_COLOR" not in customs
    assert customs == {"RGB_SLD": None, "EPRM": REGISTRY.encode(REGISTRY.parse("QK_USER_2"))}  # C's value kept
    assert any(w.startswith("the file declares TOGGLE_LAYER_COLOR as its own keycode") for w in result.warnings)
    elsewhere = read_keymap_c(OLD_ORYX_ERGODOX, "keymap.c", "ferris/sweep")
    assert "TOGGLE_LAYER_COLOR" in [c.name for c in elsewhere.layout.custom_keycodes]


MOD_CONSTANT_AS_KEY = f"""#include QMK_KEYBOARD_H
#include "userspace.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x5_2(
{_ROWS}
                    MOD_MEH, MOD_MASK_SHIFT,    MT(MOD_MEH, KC_ENT), KC_SPC
    ),
}};
"""


def test_a_modifier_constant_alone_on_a_key_is_the_number_c_gives_it() -> None:
    # MOD_MEH is 0x07 to C: keymaps[] holds KC_D there; MOD_MASK_SHIFT (0x22) holds KC_5. Not a
    # name of the unseen header, and MT(MOD_MEH, ...) stays the mod-tap it is.
    result = read_keymap_c(MOD_CONSTANT_AS_KEY, "keymap.c", "ferris/sweep")
    keys = result.layout.layers[0].keys[-4:]
    assert keys == ["KC_D", "KC_5", "MT(MOD_MEH, KC_ENT)", "KC_SPC"]
    assert not [c.name for c in result.layout.custom_keycodes if c.name.startswith("MOD_")]
    said = [w for w in result.warnings if "MOD_MEH is QMK's modifier constant 0x07" in w]
    assert len(said) == 1 and "builds KC_D" in said[0] and "OSM(MOD_MEH)" in said[0]
