"""keymap.c import that keeps everything: aliases, custom keycodes, config.h, and the rest as C."""

from __future__ import annotations

import shutil
from pathlib import Path

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.interchange import import_layout
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
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
    assert any("OLED_TIMEOUT is not a layout setting; the layout does not keep it" in w for w in result.warnings)


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
    keymap_c = generate_sources(layout, result.keyboard).keymap_c
    assert "enum custom_keycodes {\n    ALTTAB = SAFE_RANGE,\n    CAPS_WORDISH = 0x7E42,\n};" in keymap_c
    assert "static bool keyconf_macros(" in keymap_c  # keyconf's macros, then the C's process_record_user
    assert "register_code(KC_TAB);" in keymap_c


def test_names_from_a_users_own_header_are_reported_once_naming_it() -> None:
    text = """#include QMK_KEYBOARD_H
#include "users/me/wrappers.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(KC_A, MY_KEY, OTHER_KEY, MY_KEY),
};"""
    warnings = read_keymap_c(text, "keymap.c", "x").warnings
    about = [w for w in warnings if "cannot see" in w]
    assert about == [
        "MY_KEY, OTHER_KEY come from users/me/wrappers.h, which keyconf cannot see: the layout cannot use them "
        "until they are defined (copy their #defines and enums from users/me/wrappers.h into the keymap.c and "
        "import again)"
    ]


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
