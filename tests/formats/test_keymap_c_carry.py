"""keymap.c import that keeps everything: aliases, custom keycodes, config.h, and the rest as C."""

from __future__ import annotations

import shutil
from pathlib import Path

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.interchange import import_layout
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.validation import validate

DATA = Path(__file__).parent / "data" / "keymap_c"


def imported(tmp_path: Path):  # type: ignore[no-untyped-def]
    for name in ("keymap.c", "config.h"):
        shutil.copy(DATA / name, tmp_path / name)
    return import_layout(tmp_path / "keymap.c", keyboard=load_bundled("crkbd/rev1"))


def test_aliases_wrappers_and_enum_constants_become_keycodes(tmp_path: Path) -> None:
    layout = imported(tmp_path).layout
    base = layout.layers[0].keys
    assert layout.layer_names == ["base", "nav", "sym"]
    assert base[1:6] == ["KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"]  # ___QWERTY_L1___ through LAYOUT_wrapper
    assert base[13:17] == ["LGUI_T(KC_A)", "LALT_T(KC_S)", "LCTL_T(KC_D)", "LSFT_T(KC_F)"]  # #define HOME_A ...
    assert base[24] == "OSM(MOD_LSFT)"  # enum { OSM_SFT = OSM(MOD_LSFT) }
    assert base[36:] == ["KC_LGUI", "MO(nav)", "LT(nav, KC_SPC)", "LT(sym, KC_ENT)", "ALTTAB", "KC_RALT"]


def test_custom_keycodes_keep_their_enum_order_values_and_the_layout_validates(tmp_path: Path) -> None:
    result = imported(tmp_path)
    layout = result.layout
    # EMAIL only typed a SEND_STRING: it became a macro; CAPS_WORDISH keeps its value 0x7E42.
    assert [(c.name, c.value) for c in layout.custom_keycodes] == [("ALTTAB", None), ("CAPS_WORDISH", 0x7E42)]
    assert layout.layers[1].keys[35] == "CAPS_WORDISH"
    assert [p for p in validate(layout, result.keyboard) if p.is_error] == []


def test_send_string_cases_become_macros_and_leave_the_c(tmp_path: Path) -> None:
    from keyconf.model.layout import MacroStep

    result = imported(tmp_path)
    layout = result.layout
    assert [(m.name, m.steps) for m in layout.macros] == [("email", [MacroStep("text", "me@example.org")])]
    assert layout.layers[0].keys[35] == "QK_MACRO_0"
    code = layout.c_source.code if layout.c_source else ""
    assert "case EMAIL" not in code and "SEND_STRING" not in code
    assert "        return false;\n    }\n    return true;\n}" in code  # the ALTTAB case is left as it was
    assert any("EMAIL → QK_MACRO_0" in w for w in result.warnings)


def test_send_string_notation_reads_as_steps() -> None:
    from keyconf.formats.c_source import tokenize
    from keyconf.formats.send_string_c import NotAMacro, send_string_steps
    from keyconf.model.layout import MacroStep

    steps = send_string_steps(tokenize('"git " "push\\n" SS_TAP(X_ENTER) SS_LCTL("c") SS_DELAY(50) SS_DOWN(X_LSFT)'))
    assert steps == [
        MacroStep("text", "git push\n"), MacroStep("tap", ["KC_ENT"]), MacroStep("down", ["KC_LCTL"]),
        MacroStep("text", "c"), MacroStep("up", ["KC_LCTL"]), MacroStep("delay", 50), MacroStep("down", ["KC_LSFT"]),
    ]
    for text in ('my_string', 'SS_TAP(KC_A)', '"caf\\xe9"'):
        try:
            send_string_steps(tokenize(text))
        except NotAMacro:
            continue
        raise AssertionError(f"{text} read as a macro")


def test_config_h_settings_are_read_and_the_rest_named(tmp_path: Path) -> None:
    result = imported(tmp_path)
    assert result.layout.settings == {"tapping_term": 180, "permissive_hold": True, "quick_tap_term": 0}
    # QMK applies the define all the same: the layout keeps the config.h for it (c_files: config).
    assert any("OLED_TIMEOUT is not a layout setting: it still applies, from the keymap's config.h" in w
               for w in result.warnings)
    assert [f.path for f in result.layout.c_files if f.config] == ["keymap_config.h"]


def test_everything_else_is_carried_verbatim_with_one_warning_per_piece(tmp_path: Path) -> None:
    result = imported(tmp_path)
    source = result.layout.c_source
    assert source is not None and source.code is not None
    code = source.code
    original = (DATA / "keymap.c").read_text()
    for piece in ("bool process_record_user(", "void matrix_scan_user(void) {", "#ifdef OLED_ENABLE",
                  "enum key_aliases {", '#include "muse.h"'):
        assert piece in code
    start = original.index("void matrix_scan_user(void)")
    assert original[start:] in code  # byte for byte, to the end of the file
    for gone in ("keymaps[]", "enum custom_keycodes", "#define BASE 0", "QMK_KEYBOARD_H"):
        assert gone not in code
    # The C says NAV for the layer keyconf's keymap.c calls _NAV.
    assert code.startswith("// Names this code uses") and "#define NAV _NAV\n" in code
    assert "SEND_STRING" not in code  # the EMAIL case became a macro
    pieces = [w for w in result.warnings if "is kept as C code" in w]
    assert [w.split(" is kept")[0] for w in pieces] == [
        "`enum key_aliases`", "`bool is_alt_tab_active`", "`uint16_t alt_tab_timer`",
        "process_record_user()", "matrix_scan_user()", "oled_task_user()",
    ]


def test_the_imported_layout_writes_reads_and_generates(tmp_path: Path) -> None:
    from keyconf.compiler.sources import generate_sources

    result = imported(tmp_path)
    layout = loads_layout(dumps_layout(result.layout, result.keyboard)).layout
    assert layout.c_source == result.layout.c_source and layout.custom_keycodes == result.layout.custom_keycodes
    assert layout.c_files == result.layout.c_files  # the config.h it keeps: its text is beside the layout once saved
    layout.c_files = result.layout.c_files
    keymap_c = generate_sources(layout, result.keyboard).keymap_c
    assert "enum custom_keycodes {\n    ALTTAB = SAFE_RANGE,\n    CAPS_WORDISH = 0x7E42,\n};" in keymap_c
    assert "static bool keyconf_macros(" in keymap_c  # keyconf's macros, then the C's process_record_user
    assert "register_code(KC_TAB);" in keymap_c


# Shaped like a Piantor keymap whose layer keys live in the user's own keymap.h (tomasruud/piantor-qmk).
USERSPACE_KEYMAP = """#include QMK_KEYBOARD_H

#include "keymap.h"
#include "swapper.h"

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_3(
        KC_Q, KC_W, KC_E, KC_R, KC_T,   KC_Y, KC_U, KC_I, KC_O, KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,   KC_H, KC_J, KC_K, KC_L, KC_QUOT,
        KC_Z, KC_X, KC_C, KC_V, KC_B,   KC_N, KC_M, KC_COMM, KC_DOT, SW_WIN,
                  XXXXXXX, XXXXXXX, LA_NAV,   LA_NUMS, XXXXXXX, XXXXXXX
    ),
};

bool sw_win_active = false;

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    update_swapper(&sw_win_active, KC_LGUI, KC_TAB, SW_WIN, keycode, record);
    return true;
}
"""


def test_names_from_a_users_own_header_stay_on_their_keys_naming_it() -> None:
    result = read_keymap_c(USERSPACE_KEYMAP, "keymap.c", "crkbd/rev1")
    layout = result.layout
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [
        ("SW_WIN", ["keymap.h", "swapper.h"]), ("LA_NAV", ["keymap.h", "swapper.h"]),
        ("LA_NUMS", ["keymap.h", "swapper.h"]),
    ]
    assert layout.layers[0].keys[29] == "SW_WIN" and layout.layers[0].keys[32] == "LA_NAV"
    about = [w for w in result.warnings if "cannot see" in w]
    assert len(about) == 1 and about[0].startswith(
        "SW_WIN, LA_NAV, LA_NUMS come from keymap.h or swapper.h, which keyconf cannot see: kept on their keys")
    # The layout now includes the headers itself: the C keeps its code but not a second #include.
    code = layout.c_source.code if layout.c_source else ""
    assert "update_swapper(" in code and "#include" not in code


def test_a_layout_naming_a_header_validates_compiles_with_it_and_refuses_via() -> None:
    from keyconf.compiler.export import export_layout
    from keyconf.compiler.sources import generate_sources
    from keyconf.formats.format_error import FormatError
    from keyconf.formats.interchange import VIA

    keyboard = load_bundled("crkbd/rev1")  # it has the Piantor's LAYOUT_split_3x5_3 too
    result = read_keymap_c(USERSPACE_KEYMAP, "keymap.c", "crkbd/rev1")
    text = dumps_layout(result.layout, keyboard)
    assert "    header: [keymap.h, swapper.h]" in text
    layout = loads_layout(text).layout
    assert layout.custom_keycodes == result.layout.custom_keycodes
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []
    keymap_c = generate_sources(layout, keyboard).keymap_c
    head = keymap_c[: keymap_c.index("keymaps[]")]
    assert '#include "keymap.h"\n#include "swapper.h"\n' in head  # before the keymap that uses their names
    assert "enum custom_keycodes" not in keymap_c  # the headers declare them
    assert keymap_c.count('#include "keymap.h"') == 1
    try:
        export_layout(layout, VIA, keyboard)
    except FormatError as error:
        assert "is defined in keymap.h or swapper.h, which keyconf cannot read: its value is unknown" in (
            error.message)
    else:
        raise AssertionError("VIA export guessed a value for SW_WIN")


def test_a_name_only_the_keyboard_can_define_is_kept_from_qmk_keyboard_h() -> None:
    # A Keychron fork's keymap: SOCDTOG comes from a community module the keyboard build adds.
    text = """#include QMK_KEYBOARD_H
#include "os_detection.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(SOCDTOG, KC_A, LT(1, KC_B), KC_C),
    [1] = LAYOUT(SOCDTOG, KC_TRNS, KC_TRNS, KC_TRNS),
};"""
    result = read_keymap_c(text, "keymap.c", "x")
    assert [(c.name, c.headers) for c in result.layout.custom_keycodes] == [("SOCDTOG", ["QMK_KEYBOARD_H"])]
    assert any(w.startswith("SOCDTOG is neither a QMK keycode nor defined in this file") for w in result.warnings)


def test_a_keycode_qmk_removed_stays_as_the_layouts_own_keycode_naming_the_removal() -> None:
    text = """#include QMK_KEYBOARD_H
enum custom_keycodes { MUSIC = SAFE_RANGE };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(TERM_ON, TERM_OFF, MUSIC, RESET),
};"""
    result = read_keymap_c(text, "keymap.c", "x")
    customs = result.layout.custom_keycodes
    assert [(c.name, c.headers) for c in customs] == [("MUSIC", []), ("TERM_ON", []), ("TERM_OFF", [])]
    assert sum("QMK removed its Terminal feature" in w for w in result.warnings) == 2


def test_a_custom_keycode_may_take_a_name_qmk_dropped_before_its_keycode_spec() -> None:
    # CAPSWRD was QMK's Caps Word key until 0.19; today's headers lack it, so this enum compiles.
    text = """#include QMK_KEYBOARD_H
enum custom_keycodes { HR_LSFT = SAFE_RANGE, CAPSWRD };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(CAPSWRD, HR_LSFT, KC_A, KC_B) };
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    switch (keycode) { case CAPSWRD: return false; case HR_LSFT: return false; }
    return true;
}"""
    keyboard = Keyboard(name="x", layouts={"LAYOUT": LayoutMacro("LAYOUT", [Key(x=float(i), y=0.0) for i in range(4)])})
    layout = read_keymap_c(text, "keymap.c", "x").layout
    assert layout.layers[0].keys[0] == "CAPSWRD" and layout.custom_keycode_names == ["HR_LSFT", "CAPSWRD"]
    assert [p.message for p in validate(layout, keyboard) if p.is_error] == []


def test_own_keycodes_that_qmk_has_since_declared_become_qmks() -> None:
    # Keychron's 2021 keymaps declared KC_MISSION_CONTROL themselves; QMK 0.19 added it.
    text = """#include QMK_KEYBOARD_H
enum custom_keycodes { KC_MISSION_CONTROL = SAFE_RANGE, KC_LAUNCHPAD, MY_KEY };
#define KC_MCTL KC_MISSION_CONTROL
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(KC_MCTL, KC_LAUNCHPAD, MY_KEY, KC_A) };
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    switch (keycode) {
        case KC_MISSION_CONTROL: if (record->event.pressed) { host_consumer_send(0x29F); } return false;
        case MY_KEY: return false;
    }
    return true;
}"""
    result = read_keymap_c(text, "keymap.c", "x")
    layout = result.layout
    assert [(c.name, c.value) for c in layout.custom_keycodes] == [("MY_KEY", 0x7E42)]  # its value in the file
    assert layout.layers[0].keys[:2] == ["KC_MISSION_CONTROL", "KC_LAUNCHPAD"]
    assert any("today's QMK declares them itself" in w for w in result.warnings)
    assert "case KC_MISSION_CONTROL:" in (layout.c_source.code if layout.c_source else "")


def test_custom_keycodes_from_other_range_starts_keep_their_values() -> None:
    text = """
enum my_keycodes { FIRST = QK_USER_4, SECOND, THIRD = SAFE_RANGE + 9 };
enum old_keycodes { OLD = NEW_SAFE_RANGE };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(FIRST, SECOND, THIRD, OLD) };
"""
    result = read_keymap_c(text, "keymap.c", "x")
    assert [(c.name, c.value) for c in result.layout.custom_keycodes] == [
        ("FIRST", 0x7E44), ("SECOND", None), ("THIRD", 0x7E49), ("OLD", 0x7E40)
    ]
    assert any("NEW_SAFE_RANGE" in w for w in result.warnings)


def test_a_define_applies_from_its_line_on() -> None:
    text = """
enum { TD_SFT };
tap_dance_action_t tap_dance_actions[] = { [TD_SFT] = ACTION_TAP_DANCE_DOUBLE(KC_LSFT, KC_CAPS) };
#define TD_SFT TD(TD_SFT)
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(TD_SFT, KC_A) };
"""
    layout = read_keymap_c(text, "keymap.c", "x").layout
    assert layout.layers[0].keys == ["TD(td_sft)", "KC_A"]
    assert [(d.name, d.tap, d.double_tap) for d in layout.tap_dances] == [("td_sft", "KC_LSFT", "KC_CAPS")]


def test_keyconf_import_writes_the_c_code_beside_the_layout(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from keyconf.cli.main import main
    from keyconf.formats.yaml_layout import load_layout

    for name in ("keymap.c", "config.h"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "keymap.c", "--keyboard", "crkbd/rev1", "-o", "my corne.yaml"]) == 0
    assert "c_source: my_corne_user.c" in (tmp_path / "my corne.yaml").read_text()
    loaded = load_layout(tmp_path / "my corne.yaml").layout
    assert loaded.c_source is not None and "bool process_record_user(" in (loaded.c_source.code or "")
    assert main(["import", "keymap.c", "--keyboard", "crkbd/rev1", "-o", "other.yaml"]) == 0
    (tmp_path / "other.yaml").unlink()
    assert main(["import", "keymap.c", "--keyboard", "crkbd/rev1", "-o", "other.yaml"]) == 2  # other_user.c exists
    assert "other_user.c exists" in capsys.readouterr().err


def test_a_layer_under_the_boards_alias_macro_is_read_with_the_others() -> None:
    text = """
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x6_3(KC_A, KC_B), [1] = LAYOUT_split_3x6_3(KC_C, KC_D), [2] = LAYOUT(KC_E, KC_F),
};"""
    result = read_keymap_c(text, "keymap.c", "crkbd/rev1")
    assert result.layout.layout_macro == "LAYOUT_split_3x6_3"
    assert result.layout.layers[2].keys == ["KC_E", "KC_F"]
    assert any("LAYOUT and LAYOUT_split_3x6_3, with the same 2 keys" in w for w in result.warnings)


def test_an_included_c_file_of_the_users_stays_in_the_c_code() -> None:
    # WandersFar's Planck: the tap dances live in tapdance.c, which the keymap includes.
    text = """#include QMK_KEYBOARD_H
#include "tapdance.c"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(TD(0), KC_A) };"""
    result = read_keymap_c(text, "keymap.c", "x")
    assert result.layout.c_source is not None and result.layout.c_source.code == '#include "tapdance.c"\n'
    assert any("#include of tapdance.c is kept as C code" in w for w in result.warnings)


def test_names_a_header_declares_in_an_enum_are_not_said_to_be_unseen(tmp_path: Path) -> None:
    # A userspace header beside the keymap, as in a real qmk_userspace: its #defines expand, and
    # its `enum custom_keycodes` declares names keyconf keeps as names (the header is read).
    (tmp_path / "teelahti.h").write_text(
        "#pragma once\nenum custom_keycodes { NOTEQUAL = SAFE_RANGE, MY_EURO };\n#define HOME_A LGUI_T(KC_A)\n"
    )
    keymap = tmp_path / "keymap.c"
    keymap.write_text(
        '#include QMK_KEYBOARD_H\n#include "teelahti.h"\n'
        "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        "  [0] = LAYOUT(HOME_A, MY_EURO, NOTEQUAL),\n};\n"
    )
    result = read_keymap_c(keymap.read_text(), keymap, "test/board")
    assert result.layout.layers[0].keys == ["LGUI_T(KC_A)", "MY_EURO", "NOTEQUAL"]
    assert [(c.name, c.headers) for c in result.layout.custom_keycodes] == [
        ("MY_EURO", ["teelahti.h"]), ("NOTEQUAL", ["teelahti.h"])]
    about = [w for w in result.warnings if "teelahti.h" in w]
    assert len(about) == 1 and "cannot see" not in about[0] and "names only" in about[0]
