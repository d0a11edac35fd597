"""keymap.c import: layout blocks, layer enums, defines, combos, tap dances, key overrides, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.keymap_c_import import keyboard_from_path, read_keymap_c

DATA = Path(__file__).parent / "data" / "interchange"


def read(text: str, keyboard: str = "test/board"):
    return read_keymap_c(text, "keymap.c", keyboard)


def test_fixture_with_layer_enum_and_transparent_keys() -> None:
    result = read((DATA / "corne_layers.keymap.c").read_text())
    layout = result.layout
    assert layout.layout_macro == "LAYOUT_split_3x6_3"
    assert layout.layer_names == ["base", "lower", "raise", "adjust"]
    assert all(len(layer.keys) == 42 for layer in layout.layers)
    base, lower = layout.layers[0].keys, layout.layers[1].keys
    # #defines are expanded as the compiler would; layer identifiers become layer names
    assert base[13:17] == ["LGUI_T(KC_A)", "LALT_T(KC_S)", "LCTL_T(KC_D)", "LSFT_T(KC_F)"]
    assert base[12] == "TD(td_esc_caps)"
    assert base[36:] == ["KC_LGUI", "MO(lower)", "KC_SPC", "KC_ENT", "MO(raise)", "LT(adjust, KC_RALT)"]
    # a row define expands to five keys; `_______` and `XXXXXXX` are kept as written
    assert lower[:6] == ["_______", "KC_1", "KC_2", "KC_3", "KC_4", "KC_5"]
    assert lower[13] == "XXXXXXX"
    assert lower[40] == "TG(adjust)"
    # custom keycodes from the file's own enum become the layout's, in enum order (their values)
    # (EMAIL only typed a SEND_STRING: it became the layout's macro 0)
    assert base[35] == "QK_MACRO_0" and lower[35] == "SMTD"
    assert result.custom_keycodes == ["SMTD"] and result.macro_keycodes == {"EMAIL": 0}
    assert [(c.name, c.value) for c in layout.custom_keycodes] == [("SMTD", None)]
    assert [m.steps[0].value for m in layout.macros] == ["someone@example.org"]
    # the C code around them is carried, verbatim, into the layout's c_source
    assert layout.c_source is not None and layout.c_source.code is not None
    assert "bool process_record_user(uint16_t keycode, keyrecord_t *record) {" in layout.c_source.code
    assert "keymaps[]" not in layout.c_source.code and "enum custom_keycodes" not in layout.c_source.code
    assert any("process_record_user() is kept as C code" in w for w in result.warnings)


def test_fixture_tap_dances_combos_and_key_overrides() -> None:
    layout = read((DATA / "corne_layers.keymap.c").read_text()).layout
    assert [(td.name, td.tap, td.double_tap) for td in layout.tap_dances] == [("td_esc_caps", "KC_ESC", "KC_CAPS")]
    assert [(c.name, c.keys, c.action) for c in layout.combos] == [
        ("jk_combo", ["KC_J", "KC_K"], "KC_ESC"),
        ("df_combo", ["LCTL_T(KC_D)", "LSFT_T(KC_F)"], "LCTL(KC_S)"),
    ]
    [override] = layout.key_overrides
    assert (override.trigger, override.replacement, override.mods) == ("KC_BSPC", "KC_DEL", ["MOD_MASK_SHIFT"])


def test_positional_layers_and_numeric_designators() -> None:
    text = """
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        LAYOUT(KC_A, MO(1)),
        LAYOUT(KC_1, KC_TRNS),
        [3] = LAYOUT(KC_NO, TO(0)),
    };"""
    result = read(text)
    layout = result.layout
    assert layout.layer_names == ["layer0", "layer1", "layer2", "layer3"]
    assert layout.layers[2].keys == ["KC_NO", "KC_NO"]
    assert any("layer 2" in w and "missing" in w for w in result.warnings)


def test_layer_defines_instead_of_an_enum() -> None:
    text = """
    #define _QWERTY 0
    #define _FN 1
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        [_QWERTY] = LAYOUT(LT(_FN, KC_SPC)),
        [_FN] = LAYOUT(TO(_QWERTY)),
    };"""
    layout = read(text).layout
    assert layout.layer_names == ["qwerty", "fn"]
    assert layout.layers[0].keys == ["LT(fn, KC_SPC)"]
    assert layout.layers[1].keys == ["TO(qwerty)"]


def test_wrapper_macro_and_conditionals() -> None:
    text = """
    #define LAYOUT_wrapper(...) LAYOUT(__VA_ARGS__)
    #define ROW KC_A, KC_B
    #ifdef SOMETHING_NOT_DEFINED
    #   define EXTRA KC_X
    #else
    #   define EXTRA KC_Y
    #endif
    #if defined(COMBO_ENABLE) && !defined(NO_SUCH_THING)
    #   define C_KEY KC_C
    #endif
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        [0] = LAYOUT_wrapper(ROW, EXTRA, C_KEY, MT(MOD_LCTL | MOD_LSFT, (KC_D))),
    };"""
    layout = read(text).layout
    assert layout.layout_macro == "LAYOUT"
    assert layout.layers[0].keys == ["KC_A", "KC_B", "KC_Y", "KC_C", "MT(MOD_LCTL | MOD_LSFT, KC_D)"]


def test_encoder_map_with_gnu_ranges() -> None:
    text = """
    enum layers { BASE, FN, NUM };
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        [BASE] = LAYOUT(MO(FN)), [FN] = LAYOUT(KC_TRNS), [NUM] = LAYOUT(KC_TRNS),
    };
    #if defined(ENCODER_MAP_ENABLE)
    const uint16_t PROGMEM encoder_map[][NUM_ENCODERS][NUM_DIRECTIONS] = {
        [BASE] = { ENCODER_CCW_CW(KC_VOLD, KC_VOLU) },
        [FN ... NUM] = { ENCODER_CCW_CW(_______, _______) },
    };
    #endif"""
    layout = read(text).layout
    assert [(a.ccw, a.cw) for a in layout.layers[0].encoders] == [("KC_VOLD", "KC_VOLU")]
    assert [(a.ccw, a.cw) for a in layout.layers[2].encoders] == [("_______", "_______")]


def test_layer_names_from_a_header_are_numbered_in_order() -> None:
    text = """
    #include "layers.h"
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        [_ALPHA] = LAYOUT(MO(_SYM)),
        [_SYM] = LAYOUT(KC_TRNS),
    };"""
    result = read(text)
    assert result.layout.layer_names == ["alpha", "sym"]
    assert result.layout.layers[0].keys == ["MO(sym)"]
    assert any("outside this file" in w for w in result.warnings)


def test_tap_dance_layer_move_and_unreadable_kinds() -> None:
    text = """
    enum { TD_A, TD_FN };
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
        [0] = LAYOUT(TD(TD_A), TD(TD_FN)), [1] = LAYOUT(KC_1, KC_2)
    };
    tap_dance_action_t tap_dance_actions[] = {
        [TD_A] = ACTION_TAP_DANCE_LAYER_MOVE(KC_A, 1),
        [TD_FN] = ACTION_TAP_DANCE_FN(dance_fn),
    };"""
    result = read(text)
    # One dance keyconf cannot read keeps the whole table C; keys name the dances by number.
    assert result.layout.tap_dances == []
    assert result.layout.layers[0].keys == ["TD(0)", "TD(1)"]
    assert any("ACTION_TAP_DANCE_FN" in w for w in result.warnings)
    code = result.layout.c_source.code if result.layout.c_source else ""
    assert "tap_dance_action_t tap_dance_actions[] = {" in code and "enum { TD_A, TD_FN };" in code
    readable = read(text.replace("ACTION_TAP_DANCE_FN(dance_fn)", "ACTION_TAP_DANCE_DOUBLE(KC_X, KC_Y)"))
    dances = readable.layout.tap_dances
    assert [(d.name, d.tap, d.double_tap) for d in dances] == [("td_a", "KC_A", "TO(1)"), ("td_fn", "KC_X", "KC_Y")]
    assert readable.layout.layers[0].keys == ["TD(td_a)", "TD(td_fn)"]
    assert readable.layout.c_source is None  # nothing but the keymap was there


def test_key_override_with_layers_mask() -> None:
    text = """
    enum layers { BASE, NAV };
    const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [BASE] = LAYOUT(KC_A), [NAV] = LAYOUT(KC_B) };
    const key_override_t nav_override = ko_make_with_layers(MOD_MASK_CTRL, KC_H, KC_LEFT, 1 << NAV);
    const key_override_t **key_overrides = (const key_override_t *[]){ &nav_override, NULL };
    """
    [override] = read(text).layout.key_overrides
    assert (override.trigger, override.replacement, override.layers) == ("KC_H", "KC_LEFT", ["nav"])


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("int x;\n", None, "no `keymaps[]`"),
        (
            "const uint16_t PROGMEM keymaps[][2][2] = {\n  [0] = { {KC_A, KC_B}, {KC_C, KC_D} },\n};",
            2,
            "raw matrix",
        ),
        ("const uint16_t PROGMEM keymaps[][2][2] = {\n  [0] = LAYOUT(KC_A,, KC_B),\n};", 2, "empty"),
        ("const uint16_t PROGMEM keymaps[][2][2] = {\n  [UNKNOWN + 1] = LAYOUT(KC_A),\n};", 2, "UNKNOWN"),
        (
            "const uint16_t PROGMEM keymaps[][2][2] = {\n  [0] = LAYOUT(KC_A),\n  [1] = LAYOUT(KC_A, KC_B)\n};",
            2,
            "different key counts",
        ),
        ("/* never closed\nconst int x = 1;", 1, "comment never closed"),
        (
            'const uint16_t PROGMEM keymaps[][2][2] = {\n  [0] = LAYOUT(KC_A, "text"),\n};',
            2,
            "not a keycode expression",
        ),
        ("#if 1\nconst uint16_t PROGMEM keymaps[][2][2] = { LAYOUT(KC_A) };\n", None, "#if without"),
    ],
)
def test_constructs_it_does_not_understand_name_the_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        read(text)
    error = caught.value
    assert words in error.message
    assert error.path == "keymap.c"
    if line is not None:
        assert error.line == line
        assert f"keymap.c:{line}" in str(error)


def test_keyboard_from_qmk_tree_path() -> None:
    assert keyboard_from_path("qmk/keyboards/crkbd/rev1/keymaps/mine/keymap.c") == "crkbd/rev1"
    assert keyboard_from_path("keymap.c") is None


def test_import_through_interchange_matches_the_keyboard() -> None:
    crkbd = load_bundled("crkbd/rev1")
    imported = import_layout(DATA / "corne_layers.keymap.c", keyboard=crkbd)
    assert imported.format == "keymap.c"
    assert imported.layout.keyboard == "crkbd/rev1"
    assert imported.keyboard is crkbd


def test_key_count_that_does_not_fit_the_keyboard_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "keymap.c"
    source.write_text("const uint16_t PROGMEM keymaps[][2][2] = { [0] = LAYOUT_split_3x6_3(KC_A, KC_B) };")
    with pytest.raises(FormatError, match="has 2 keys"):
        import_layout(source, keyboard=load_bundled("crkbd/rev1"))


def test_a_layer_key_given_as_lts_layer_is_read_as_its_layer() -> None:
    # From a BM40 keymap: `#define READ MO(_READ)` then LT(READ, KC_M). QMK keeps the low 4 bits
    # of LT's layer, and MO(n) holds n there: the firmware has LT(_READ, KC_M).
    text = """enum layers { _BASE, _NAV, _READ };
#define READ MO(_READ)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT(LT(READ, KC_M), LM(TG(_NAV), MOD_LSFT), MO(_NAV)),
    [_NAV] = LAYOUT(KC_TRNS, KC_TRNS, KC_TRNS),
    [_READ] = LAYOUT(KC_TRNS, KC_TRNS, KC_TRNS),
};"""
    result = read(text)
    assert result.layout.layers[0].keys == ["LT(read, KC_M)", "LM(nav, MOD_LSFT)", "MO(nav)"]
    assert sum("QMK keeps its low 4 bits, which are the layer" in w for w in result.warnings) == 2


def test_layers_keys_name_past_the_keymap_are_added_transparent() -> None:
    # A VIA-ready default keymap (dztech/pluto's shape): one layer, and MO(1) for the layer VIA fills.
    text = """const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A, MO(1), LT(3, KC_SPC)),
};"""
    result = read(text)
    assert result.layout.layer_names == ["layer0", "layer1", "layer2", "layer3"]
    assert result.layout.layers[3].keys == ["KC_TRNS"] * 3
    assert any("keys name layers 1–3, which keymaps[] does not define" in w for w in result.warnings)


def test_token_pasting_in_wrappers_makes_one_keycode() -> None:
    # A home-row-mod wrapper as users write them: HRM(A) is LGUI_T(KC_A) by cpp's ## pasting.
    text = """#define HRM(k) LGUI_T(KC_##k)
#define MOD(m, k) m##_T(k)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(HRM(A), MOD(LSFT, KC_S), KC_B) };"""
    assert read(text).layout.layers[0].keys == ["LGUI_T(KC_A)", "LSFT_T(KC_S)", "KC_B"]


def test_an_enum_constant_where_a_keycode_goes_is_its_number() -> None:
    # WandersFar's Planck: `LT(FN, BASE)` with BASE = 0 of the layer enum, caught by
    # `case LT(FN, BASE):` in process_record_user. C reads BASE as 0 there: LT(3, KC_NO).
    text = """enum layer_names { BASE, OZ, GAME, FN };
enum tap_dances { TD_HOME, TD_END };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BASE] = LAYOUT(LT(FN, BASE), MO(FN), TD(TD_END)),
    [OZ] = LAYOUT(KC_TRNS, KC_TRNS, KC_TRNS),
    [GAME] = LAYOUT(KC_TRNS, KC_TRNS, KC_TRNS),
    [FN] = LAYOUT(KC_TRNS, KC_TRNS, KC_TRNS),
};"""
    keys = read(text).layout.layers[0].keys
    # TD_END names a dance whose table lives elsewhere (a .c the file includes): C's number for it.
    assert keys == ["LT(fn, 0x0000)", "MO(fn)", "TD(1)"]


def test_a_gnu_range_designator_gives_each_layer_of_the_range_the_keys() -> None:
    # bgkendall's katana keymap: every VIA layer after the first starts out the same.
    text = """const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A, MO(1)),
    [1 ... (DYNAMIC_KEYMAP_LAYER_COUNT - 1)] = LAYOUT(KC_TRNS, KC_B),
};"""
    result = read(text)
    assert [layer.keys for layer in result.layout.layers] == [["KC_A", "MO(1)"]] + [["KC_TRNS", "KC_B"]] * 3
    assert any("QMK's default, 4" in w for w in result.warnings)


def test_layers_of_different_layout_macros_map_through_the_matrix() -> None:
    # A BM40/Planck keymap: most layers LAYOUT_planck_grid (48 keys), one LAYOUT_planck_mit (47,
    # a 2u space over two grid positions). QMK fills each layer through its own macro.
    keyboard = load_bundled("planck/rev6")
    grid, mit = keyboard.resolve_layout_name("LAYOUT_planck_grid"), keyboard.resolve_layout_name("LAYOUT_planck_mit")
    assert grid and mit and keyboard.layouts[grid].key_count == 48 and keyboard.layouts[mit].key_count == 47
    grid_keys = ", ".join(["KC_A"] * 48)
    mit_keys = ", ".join(["KC_B"] * 41 + ["KC_SPC"] + ["KC_C"] * 5)
    text = f"""const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_planck_grid({grid_keys}),
    [1] = LAYOUT_planck_mit({mit_keys}),
}};"""
    from keyconf.formats.interchange import import_text

    imported = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c")
    layout = imported.layout
    assert layout.layout_macro == grid and [len(layer.keys) for layer in layout.layers] == [48, 48]
    mit_macro, grid_macro = keyboard.layouts[mit], keyboard.layouts[grid]
    space = mit_macro.keys[41].matrix
    matrix_of = [key.matrix for key in grid_macro.keys]
    assert layout.layers[1].keys[matrix_of.index(space)] == "KC_SPC"
    # The grid position the 2u space leaves out is KC_NO on that layer, as QMK's keymap has it.
    assert layout.layers[1].keys.count("KC_NO") == 1
    assert any("each layer mapped through its own macro by matrix position" in w for w in imported.warnings)


def test_wrappers_from_an_unseen_header_are_named_in_the_error() -> None:
    # krig's ferris keymap: rows are wrapper names from krig.h, which a lone keymap.c lacks.
    text = """#include QMK_KEYBOARD_H
#include "krig.h"
#define LAYOUT_wrapper(...) LAYOUT(__VA_ARGS__)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_wrapper(QWERTY_L1, QWERTY_R1, KC_A),
    [1] = LAYOUT(KC_A, KC_B, KC_C, KC_D),
};"""
    with pytest.raises(FormatError) as caught:
        read(text)
    message = caught.value.message
    # One message: what is missing and where it is; the key counts it causes come last.
    assert message.startswith("QWERTY_L1, QWERTY_R1 are macros from krig.h, which keyconf cannot see: the keys of")
    assert message.endswith("layers have different key counts: 3 (layer0), 4 (layer1))")
    assert caught.value.hint is not None and "repository checkout" in caught.value.hint
    # Layers made by an X-macro of the header (`FOR_EACH_LAYER` calling the file's `DO(LAYER)`) say the
    # same, not 'expected a layout macro call'.
    with pytest.raises(FormatError) as caught:
        read('#include "ramo.h"\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n'
             "#define DO(L) [L] = LAYOUT(L##_1, L##_2),\n    FOR_EACH_LAYER\n#undef DO\n};")
    assert caught.value.message.startswith("FOR_EACH_LAYER is a macro from ramo.h, which keyconf cannot see")
    # An empty argument says where it is (unicorne's `_______, ,_______ _______`).
    text = "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n    [0] = LAYOUT(\n" \
           "        KC_A, KC_B,\n        KC_C, , KC_D),\n};"
    with pytest.raises(FormatError) as caught:
        read(text)
    assert caught.value.message == "key 4 of LAYOUT(...) is empty (two commas in a row?)"
    assert caught.value.line == 4 and caught.value.hint == "QMK cannot build an empty argument either"
    # cberg18's ergodox: `KC_END, KC_PGDN, )`, one argument more than the macro takes, and it empty.
    with pytest.raises(FormatError) as caught:
        read(text.replace("KC_C, , KC_D)", "KC_C, KC_D, )"))
    assert caught.value.message == "key 5 of LAYOUT(...) is empty (a comma before the closing parenthesis?)"


def test_a_key_written_as_c_arithmetic_is_the_keycode_of_its_value() -> None:
    # matrix/noah's blockader keymap numbers layer keys from SAFE_RANGE, handled by range in C.
    text = """enum layers { LAYER_BASE, LAYER_WINDOW };
enum custom_keycodes { KEY_BACK = SAFE_RANGE + 2 };
#define KEY_FORWARD_LAYER(a) SAFE_RANGE + a
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [LAYER_BASE] = LAYOUT(KEY_FORWARD_LAYER(LAYER_WINDOW), KEY_FORWARD_LAYER(2)),
    [LAYER_WINDOW] = LAYOUT(KC_TRNS, KEY_BACK),
};"""
    keys = read(text).layout.layers[0].keys
    assert keys == ["QK_USER_1", "KEY_BACK"]


def test_custom_keycodes_counted_from_safe_range_plus_an_enum_constant() -> None:
    # blockader's noah keymap: `KEY_BACK_LAYER = SAFE_RANGE + NUMBER_OF_LAYERS, KEY_CUT_LINE, ...`.
    text = """enum layers { LAYER_BASE, LAYER_WINDOW, NUMBER_OF_LAYERS };
enum custom_keycodes { KEY_BACK_LAYER = SAFE_RANGE + NUMBER_OF_LAYERS, KEY_CUT_LINE };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(KEY_CUT_LINE, KEY_BACK_LAYER) };"""
    result = read(text)
    assert [(c.name, c.value, c.headers) for c in result.layout.custom_keycodes] == [
        ("KEY_BACK_LAYER", 0x7E42, []), ("KEY_CUT_LINE", None, [])]


USER_PREFIX_KEYMAP = """
#include QMK_KEYBOARD_H
#include "keymap.h"
%s
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT(TR_COPY, TR_PAST, TR_TMUX, NO_AE),
};
"""


def test_a_language_alias_among_the_users_own_names_of_its_prefix_is_the_users_too() -> None:
    # A real Piantor keymap: TR_COPY (Turkish F's alias for ©) sits beside TR_PAST and TR_TMUX,
    # all #defined in the user's keymap.h. In C it is the user's, from that header.
    result = read(USER_PREFIX_KEYMAP % "")
    customs = {c.name: c.headers for c in result.layout.custom_keycodes}
    assert customs == {"TR_COPY": ["keymap.h"], "TR_PAST": ["keymap.h"], "TR_TMUX": ["keymap.h"]}
    # A file that includes the language's header means the alias.
    included = read(USER_PREFIX_KEYMAP % '#include "keymap_turkish_f.h"')
    assert {c.name for c in included.layout.custom_keycodes} == {"TR_PAST", "TR_TMUX"}


def test_tap_dances_numbered_by_an_unseen_header_stay_c_and_keys_keep_their_names() -> None:
    # A lulu keymap: `enum { TD_MEDIA }` lives in the user's keymap.h, which a lone keymap.c lacks.
    from keyconf.compiler.export import keymap_c_sources
    from keyconf.formats.interchange import import_text
    from keyconf.model.validation import validate

    keyboard = load_bundled("ferris/sweep")
    keys = ", ".join(["TD(TD_MEDIA)"] + ["KC_A"] * 33)
    text = f"""#include QMK_KEYBOARD_H
#include "keymap.h"
void media_tap(tap_dance_state_t *state, void *user_data) {{ tap_code(KC_MPLY); }}
tap_dance_action_t tap_dance_actions[] = {{
    [TD_MEDIA] = ACTION_TAP_DANCE_FN(media_tap),
}};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT({keys}),
}};
uint16_t get_tapping_term(uint16_t keycode, keyrecord_t *record) {{
    return keycode == TD(TD_MEDIA) ? 300 : TAPPING_TERM;
}}"""
    imported = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c")
    layout = imported.layout
    # Numbering the dances here could disagree with the header: the key keeps the name QMK numbers.
    assert layout.tap_dances == [] and layout.layers[0].keys[0] == "TD(TD_MEDIA)"
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [("TD_MEDIA", ["keymap.h"])]
    assert any("numbered by an enum outside this file" in w for w in imported.warnings)
    assert layout.c_source is not None and layout.c_source.code is not None
    assert "[TD_MEDIA] = ACTION_TAP_DANCE_FN(media_tap)," in layout.c_source.code
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []
    keymap_c = keymap_c_sources(layout, keyboard)["keymap.c"]
    # keyconf's keymap.c includes the header above keymaps[] and writes the key as the original did.
    assert keymap_c.index('#include "keymap.h"') < keymap_c.index("keymaps[]")
    assert "TD(TD_MEDIA)," in keymap_c and "keycode == TD(TD_MEDIA)" in keymap_c


def test_keymaps_under_an_if_on_a_board_setting_reads_the_first_branch() -> None:
    # Helix keymaps: HELIX_ROWS comes from the board's rules.mk, which a keymap.c alone lacks.
    text = """enum layer_number { _QWERTY = 0, _LOWER };
#if HELIX_ROWS == 5
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_QWERTY] = LAYOUT(KC_A, MO(_LOWER)), [_LOWER] = LAYOUT(KC_1, KC_TRNS),
};
#elif HELIX_ROWS == 4
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_QWERTY] = LAYOUT(KC_B, KC_C),
};
#else
#error "undefined keymaps"
#endif"""
    result = read(text)
    assert [layer.keys for layer in result.layout.layers] == [["KC_A", "MO(lower)"], ["KC_1", "KC_TRNS"]]
    assert any("keymaps[] is under `#if HELIX_ROWS == 5`" in w for w in result.warnings)


def test_last_layer_names_from_a_header_are_numbered_after_the_files_own() -> None:
    text = """#include "layer_number.h"
#define LY_BASE 0
#define LY_NUM 1
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [LY_BASE] = LAYOUT(MO(_ADJUST)), [LY_NUM] = LAYOUT(KC_1), [_ADJUST] = LAYOUT(KC_2),
};"""
    result = read(text)
    assert result.layout.layer_names == ["ly_base", "ly_num", "adjust"]
    assert result.layout.layers[0].keys == ["MO(adjust)"]
    assert any("numbered them from 2 in the order keymaps[] lists them" in w for w in result.warnings)


def test_a_designator_without_equals_is_read_as_gcc_reads_it() -> None:
    text = """const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A), [1] LAYOUT(KC_B),
};"""
    result = read(text)
    assert [layer.keys for layer in result.layout.layers] == [["KC_A"], ["KC_B"]]
    assert any("no '=' before its value" in w for w in result.warnings)


def test_enum_members_after_a_keycode_count_on_from_its_value() -> None:
    # `HB_BTA = JS_0, HB_BTB, ...`: C numbers HB_BTB as JS_0 + 1, the keycode JS_1.
    text = """enum hitbox { HB_MOD = SAFE_RANGE, HB_BTA = JS_0, HB_BTB, HB_BTX };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(HB_MOD, HB_BTA, HB_BTB, HB_BTX),
};"""
    result = read(text)
    assert result.layout.layers[0].keys == ["HB_MOD", "JS_0", "JS_1", "JS_2"]


def test_a_layout_wrapper_from_an_unseen_header_is_named_as_such() -> None:
    # A mitosis userspace: LAYOUT_mitosis_wrapper(...) and its row names come from the user's header.
    from keyconf.formats.format_error import KeyboardMismatch
    from keyconf.formats.interchange import import_text

    text = """#include QMK_KEYBOARD_H
#include "naughty.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_crkbd_wrapper(QWERTY_L1, QWERTY_R1, THUMBS),
};"""
    with pytest.raises(KeyboardMismatch) as caught:
        import_text(text, "keymap.c", keyboard=load_bundled("crkbd/rev1"), format="keymap.c")
    assert caught.value.message.startswith("LAYOUT_crkbd_wrapper is not a layout of crkbd/rev1: most likely a "
                                           "wrapper macro from naughty.h, which keyconf cannot see")
    assert caught.value.hint is not None and "repository checkout" in caught.value.hint


def test_a_modifier_around_a_header_name_is_kept_as_written() -> None:
    # Kawamashi's crkbd: PG_Z is `#define PG_Z KC_W` in the user's own language header, unseen here.
    from keyconf.compiler.export import keymap_c_sources
    from keyconf.formats.interchange import import_text
    from keyconf.model.validation import validate

    keyboard = load_bundled("ferris/sweep")
    keys = ", ".join(["C(PG_Z)", "LCS(PG_Z)", "PG_Z"] + ["KC_A"] * 31)
    text = f"""#include QMK_KEYBOARD_H
#include "keymap_french_propergol.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT({keys}) }};"""
    imported = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c")
    layout = imported.layout
    assert layout.layers[0].keys[:3] == ["C(PG_Z)", "LCS(PG_Z)", "PG_Z"]
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []
    keymap_c = keymap_c_sources(layout, keyboard)["keymap.c"]
    assert "LCTL(PG_Z)" in keymap_c and '#include "keymap_french_propergol.h"' in keymap_c
    # A name that no header vouches for still must be a basic keycode inside C().
    from keyconf.model.keycodes import REGISTRY, KeycodeError

    with pytest.raises(KeycodeError):
        REGISTRY.parse("C(TO(1))")


def test_old_qmk_layout_kc_pastes_kc_before_each_key() -> None:
    # A 2019 crkbd keymap: LAYOUT_kc came from crkbd.h (QMK removed it in 2021); KC_ aliases are the file's.
    text = """#define _QWERTY 0
#define _NUMSYM 1
#define KC_NUTAB LT(_NUMSYM, KC_TAB)
#define KC______ KC_TRNS
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [_QWERTY] = LAYOUT_kc(LCTRL, Q, 1, NUTAB),
  [_NUMSYM] = LAYOUT_kc(_____, _____, _____, _____),
};"""
    result = read(text)
    assert result.layout.layout_macro == "LAYOUT"
    assert result.layout.layers[0].keys == ["KC_LCTRL", "KC_Q", "KC_1", "LT(numsym, KC_TAB)"]
    assert result.layout.layers[1].keys == ["KC_TRNS"] * 4
    assert any("LAYOUT_kc(...) is old QMK's LAYOUT(...)" in w for w in result.warnings)


def test_a_modifier_key_or_number_where_mt_wants_mod_bits_is_what_qmk_makes_of_it() -> None:
    # A corne keymap: MT(KC_LALT, KC_SPC) meant Alt; QMK keeps KC_LALT's low 5 bits (0xE2: MOD_LSFT).
    text = """enum custom_keycodes { SYMB = SAFE_RANGE, NUMP };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(MT(KC_LALT, KC_SPC), MT(NUMP, KC_ENT), MT(SYMB, KC_ENT), MT(MOD_LALT, KC_A)),
};"""
    result = read(text)
    assert result.layout.layers[0].keys == ["MT(MOD_LSFT, KC_SPC)", "MT(MOD_LCTL, KC_ENT)", "0x2028",
                                            "MT(MOD_LALT, KC_A)"]
    assert any("gets KC_LALT" in w and "write MOD_LALT" in w for w in result.warnings)
    assert any("MT(SYMB, …) holds no modifier" in w for w in result.warnings)


def test_an_enum_constant_named_like_a_keycode_function_does_not_replace_its_calls() -> None:
    # A sofle keymap's unicode enum has a member LT (for '<'); LT(4, KC_TAB) still calls QMK's LT().
    text = """enum unicode_names { GT, LT };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(LT(1, KC_TAB)), [1] = LAYOUT(KC_TRNS),
};"""
    assert read(text).layout.layers[0].keys == ["LT(1, KC_TAB)"]


def test_a_key_count_off_by_rows_from_an_unseen_header_names_the_header() -> None:
    from keyconf.formats.format_error import KeyboardMismatch
    from keyconf.formats.interchange import import_text

    text = """#include QMK_KEYBOARD_H
#include "mine.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x6_3(ROW_L1, ROW_R1, ROW_L2, ROW_R2, ROW_L3, ROW_R3, THUMBS),
};"""
    with pytest.raises(KeyboardMismatch) as caught:
        import_text(text, "keymap.c", keyboard=load_bundled("crkbd/rev1"), format="keymap.c")
    message = caught.value.message
    assert message.startswith("layer layer0 has 7 keys, but crkbd/rev1 LAYOUT_split_3x6_3 has 42: the keys hold "
                              "names from mine.h, which keyconf cannot see (ROW_L1, ROW_R1, ROW_L2, ROW_R2 and 3 more)")
    assert caught.value.hint is not None and "repository checkout" in caught.value.hint


def test_header_layer_names_given_twice_are_one_layer() -> None:
    text = """#include "layers.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [ALPHA] = LAYOUT(MO(MOUSE)), [MOUSE] = LAYOUT(KC_1), [NUM] = LAYOUT(KC_2), [MOUSE] = LAYOUT(KC_3),
};"""
    result = read(text)
    assert result.layout.layer_names == ["alpha", "mouse", "num"]
    assert [layer.keys for layer in result.layout.layers] == [["MO(mouse)"], ["KC_3"], ["KC_2"]]


def test_modifier_bits_by_number_stay_quiet() -> None:
    text = """#define MY_MODS 0x03
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(MT(MY_MODS, KC_A), OSM(0x02)),
};"""
    result = read(text)
    assert result.layout.layers[0].keys == ["MT(0x03, KC_A)", "OSM(0x02)"]
    assert not any("takes MOD_ modifiers" in w for w in result.warnings)


def test_kc_pasting_layouts_take_a_blank_key_as_the_files_kc_define() -> None:
    # A lily58 keymap: LAYOUT_KC(...) with `#define KC_ KC_TRNS` for blank keys and `KC_xx KC_NO`.
    text = """#define KC_ KC_TRNS
#define KC_xx KC_NO
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT_KC(xx, Q, , SCLN),
};"""
    result = read(text)
    assert result.layout.layout_macro == "LAYOUT"
    assert result.layout.layers[0].keys == ["KC_NO", "KC_Q", "KC_TRNS", "KC_SCLN"]


def test_a_modifier_around_a_wide_keycode_is_the_value_qmk_makes() -> None:
    # A corne keymap's `#define QK_FLSH LSFT(QK_MAKE)`: LSFT() ORs 0x0200 into QK_MAKE's value.
    from keyconf.model.keycodes import REGISTRY

    text = """#define QK_FLSH LSFT(QK_MAKE)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(QK_FLSH, LSFT(KC_A)) };"""
    result = read(text)
    expected = REGISTRY.encode(REGISTRY.parse("QK_MAKE")) | 0x0200
    assert REGISTRY.encode(REGISTRY.parse(result.layout.layers[0].keys[0])) == expected
    assert result.layout.layers[0].keys[1] == "LSFT(KC_A)"
    assert any("ORs its modifier bits into QK_MAKE" in w for w in result.warnings)


def test_a_custom_keycode_where_a_layer_goes_is_the_layer_of_its_low_bits() -> None:
    # A corne keymap: MO(FN) with FN the custom keycode SAFE_RANGE + 1, not the layer _FN.
    text = """enum layers { _BASE, _FN };
enum custom_keycodes { BASE = SAFE_RANGE, FN };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT(MO(FN)), [_FN] = LAYOUT(KC_TRNS),
};"""
    result = read(text)
    assert result.layout.layers[0].keys == ["MO(1)"]  # layer 1, _FN
    assert any("`MO(FN)`: FN is a custom keycode, not a layer" in w for w in result.warnings)


def test_unicode_map_keys_build_with_the_files_own_unicode_map() -> None:
    # A sofle keymap with Cyrillic letters: `enum unicode_names`, `unicode_map[]` and UP(lower, upper) keys.
    from keyconf.compiler.export import keymap_c_sources
    from keyconf.formats.interchange import import_text

    keyboard = load_bundled("ferris/sweep")
    keys = ", ".join(["UP(RU_A_L, RU_A_U)", "UM(RU_A_L)"] + ["KC_A"] * 32)
    text = f"""#include QMK_KEYBOARD_H
enum unicode_names {{ RU_A_L, RU_A_U }};
const uint32_t PROGMEM unicode_map[] = {{ [RU_A_L] = 0x0430, [RU_A_U] = 0x0410 }};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT({keys}) }};"""
    layout = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c").layout
    assert layout.layers[0].keys[:2] == ["UP(0, 1)", "UM(0)"]  # indices, as written in the layout
    files = keymap_c_sources(layout, keyboard)
    assert "UP(0, 1)," in files["keymap.c"] and "UM(0)," in files["keymap.c"]
    assert "unicode_map[]" in files["keymap.c"] and "UNICODEMAP_ENABLE = yes" in files["rules.mk"]


def test_unicode_map_entries_numbered_by_an_unseen_header_keep_their_names() -> None:
    # A corne keymap: `enum { E_ACUTE_L, E_ACUTE_U }` lives in the user's accents.h, unicode_map[] here.
    from keyconf.compiler.export import keymap_c_sources
    from keyconf.formats.interchange import import_text
    from keyconf.model.validation import validate

    keyboard = load_bundled("ferris/sweep")
    keys = ", ".join(["XP(E_ACUTE_L, E_ACUTE_U)", "UM(N_TILDE_L)"] + ["KC_A"] * 32)
    text = f"""#include QMK_KEYBOARD_H
#include "accents.h"
const uint32_t PROGMEM unicode_map[] = {{ [E_ACUTE_L] = 0x00E9, [E_ACUTE_U] = 0x00C9, [N_TILDE_L] = 0x00F1 }};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT({keys}) }};"""
    imported = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c")
    layout = imported.layout
    assert layout.layers[0].keys[:2] == ["UP(E_ACUTE_L, E_ACUTE_U)", "UM(N_TILDE_L)"]
    assert {c.name: c.headers for c in layout.custom_keycodes} == {
        "E_ACUTE_L": ["accents.h"], "E_ACUTE_U": ["accents.h"], "N_TILDE_L": ["accents.h"]}
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []
    files = keymap_c_sources(layout, keyboard)
    assert files["keymap.c"].index('#include "accents.h"') < files["keymap.c"].index("keymaps[]")
    assert "UP(E_ACUTE_L, E_ACUTE_U)," in files["keymap.c"] and "UM(N_TILDE_L)," in files["keymap.c"]
    assert "UNICODEMAP_ENABLE = yes" in files["rules.mk"]


def test_unicode_names_declared_under_an_ifdef_on_a_config_setting_stay_names() -> None:
    # A lulu keymap: `#ifdef UNICODE_SELECTED_MODES` (set in the user's config.h) around the enum and map.
    from keyconf.compiler.export import keymap_c_sources
    from keyconf.formats.interchange import import_text
    from keyconf.model.validation import validate

    keyboard = load_bundled("ferris/sweep")
    keys = ", ".join(["UM(BOX_DR)", "UP(BOX_LH, BOX_DL)"] + ["KC_A"] * 32)
    text = f"""#include QMK_KEYBOARD_H
#ifdef UNICODE_SELECTED_MODES
enum unicode_names {{
    BOX_DR, BOX_LH, // corners
    BOX_DL,
}};
const uint32_t PROGMEM unicode_map[] = {{ [BOX_DR] = 0x250C, [BOX_LH] = 0x2500, [BOX_DL] = 0x2510 }};
#endif
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT({keys}) }};"""
    imported = import_text(text, "keymap.c", keyboard=keyboard, format="keymap.c")
    layout = imported.layout
    assert layout.layers[0].keys[:2] == ["UM(BOX_DR)", "UP(BOX_LH, BOX_DL)"]
    assert any("BOX_DR, BOX_LH, BOX_DL are declared in this file under an #if" in w for w in imported.warnings)
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []
    keymap_c = keymap_c_sources(layout, keyboard)["keymap.c"]
    assert "#ifdef UNICODE_SELECTED_MODES" in keymap_c and "UM(BOX_DR)," in keymap_c


def test_a_unicode_map_entry_nothing_defines_is_an_error_naming_it() -> None:
    from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext, UserKeycode

    with pytest.raises(KeycodeError, match="unknown Unicode map entry 'E_ACUTE'"):
        REGISTRY.parse("UM(E_ACUTE)", ParseContext())
    ctx = ParseContext(custom_keycodes=(UserKeycode("E_ACUTE", -1, header="accents.h"),))
    keycode = REGISTRY.parse("UM(E_ACUTE)", ctx)
    with pytest.raises(KeycodeError, match="numbered in accents.h"):
        REGISTRY.encode(keycode, ctx)


LAYER_ALIAS_KEYMAP = """#include QMK_KEYBOARD_H
#include "layers.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [TYPING_0] = LAYOUT(LT(T1, KC_SPC), MO(T2)),
    [TYPING_1] = LAYOUT(KC_1, KC_2),
    [TYPING_2] = LAYOUT(KC_3, KC_4),
};
"""


def test_a_layer_alias_of_the_users_header_is_the_layer_it_numbers(tmp_path: Path) -> None:
    # A crkbd keymap: layers.h has `enum { TYPING_0, TYPING_1, TYPING_2 }` and `enum { T1 = TYPING_1, … }`.
    (tmp_path / "keymap").mkdir()
    (tmp_path / "keymap" / "layers.h").write_text(
        "#pragma once\nenum { TYPING_0 = 0, TYPING_1, TYPING_2 };\nenum { T0 = TYPING_0, T1 = TYPING_1, T2 };\n")
    keymap = tmp_path / "keymap" / "keymap.c"
    keymap.write_text(LAYER_ALIAS_KEYMAP)
    layout = import_layout(keymap).layout
    assert layout.layer_names == ["typing_0", "typing_1", "typing_2"]
    assert layout.layers[0].keys == ["LT(typing_1, KC_SPC)", "MO(typing_2)"]
    # Alone, the header is missing: one error naming the aliases and the header, with the in-place hint.
    with pytest.raises(FormatError, match=r"T1, T2 name layers in layers.h, which keyconf cannot see") as error:
        read(LAYER_ALIAS_KEYMAP)
    assert error.value.hint is not None and "where it lives" in error.value.hint


def test_a_function_like_macro_of_an_unseen_header_is_one_error_naming_it(tmp_path: Path) -> None:
    # A kyria keymap: P(PG_O), R(PG_A) from the user's header (prefixed Ergo-L letters).
    text = """#include QMK_KEYBOARD_H
#include "ergol.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(P(PG_O), R(PG_A), KC_A),
};
"""
    with pytest.raises(FormatError, match=r"P\(\.\.\.\), R\(\.\.\.\) are macros from ergol.h, which keyconf cannot see "
                       r"\(`P\(PG_O\)`\)") as caught:
        read(text)
    assert caught.value.hint is not None and "where it lives" in caught.value.hint
    # In place, the header read lacks them: a community module's keycodes (PM_MO of a pointing module).
    (tmp_path / "ergol.h").write_text("#pragma once\n#define PG_O KC_O\n")
    keymap = tmp_path / "keymap.c"
    keymap.write_text(text)
    with pytest.raises(FormatError, match=r"defined neither in this file nor in ergol.h .* community module"):
        import_layout(keymap)
    # A typo with no header of the user's stays for validation to point at, with its "did you mean".
    typo = read(text.replace('#include "ergol.h"\n', "").replace("P(PG_O), R(PG_A)", "LCTR(KC_C), KC_B"))
    assert typo.layout.layers[0].keys[0] == "LCTR(KC_C)"


def test_a_mod_tap_holding_no_modifier_imports_and_validation_says_what_to_do(tmp_path: Path) -> None:
    # A real ErgoDox keymap's `#define _SPACE MT(0, KC_SPACE)` (QMK builds it: a key that taps Space
    # and holds nothing) stopped `keyconf import` with "internal error: ModsError: no modifiers".
    from keyconf.model.validation import validate

    keys = ", ".join(["KC_A"] * 41 + ["_SPACE"])
    keymap = tmp_path / "keymap.c"
    keymap.write_text("#include QMK_KEYBOARD_H\n#define _SPACE MT(0, KC_SPACE)\nconst uint16_t PROGMEM "
                      f"keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    imported = import_layout(keymap, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.layers[0].keys[-1] == "MT(0, KC_SPC)"
    [problem] = [p for p in validate(imported.layout, imported.keyboard) if p.is_error]
    assert "no modifiers" in problem.message and problem.location == ("layers", 0, 41)
    assert problem.hint is not None and "MT(MOD_LSFT, KC_SPC)" in problem.hint


def test_an_include_of_no_header_name_is_not_kept_as_the_header_of_unknown_keycodes() -> None:
    # A mangled `#include "keys.h(x"` (fuzzing): the keycodes no header keyconf reads defines were kept as
    # defined there, and the layout could not be written ('`keys.h(x` is not a header name', with no place).
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import import_text, layout_text
    from keyconf.formats.yaml_layout import loads_layout

    crkbd = CatalogueKeyboards().by_name("crkbd/rev1")
    keys = ", ".join(["MY_KEY"] + ["KC_A"] * 41)
    text = ('#include QMK_KEYBOARD_H\n#include "keys.h(x"\n'
            f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    imported = import_text(text, "keymap.c", keyboard=crkbd, format="keymap.c")
    [custom] = [c for c in imported.layout.custom_keycodes if c.name == "MY_KEY"]
    assert custom.headers == ["QMK_KEYBOARD_H"]
    written = loads_layout(layout_text(imported, "keymap.c"), "x.yaml").layout
    assert written.layers[0].keys[0] == "MY_KEY"


def test_thousands_of_enum_words_cost_no_more_than_the_file() -> None:
    # With a key no file declares, the reader looks for it among the enums' members: each `enum` was scanned
    # to its `{` and `}` however far (12,000 `enum` without either: 5 s; 40,000, within the size limit: 55 s).
    import time

    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import import_text

    crkbd = CatalogueKeyboards().by_name("crkbd/rev1")
    keys = ", ".join(["MY_KEY"] + ["KC_A"] * 41)
    text = ("#include QMK_KEYBOARD_H\n"
            f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n"
            + "enum " * 12_000 + "\n")
    start = time.process_time()
    imported = import_text(text, "keymap.c", keyboard=crkbd, format="keymap.c")
    assert time.process_time() - start < 1.0
    assert imported.layout.layers[0].keys[0] == "MY_KEY"
