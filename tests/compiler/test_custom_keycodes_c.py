"""Custom keycodes and the layout's own C code in generated sources: enum, verbatim C, gcc."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.keymap_json import generate_keymap_json
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.model.layout import Combo, CSource, CustomKeycode, Macro, MacroStep, TapDance
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, syntax_check, write_build_dir

USER_C = """\
static bool alt_tab_active;

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
\tswitch (keycode) {
\tcase ALTTAB:
\t\talt_tab_active = record->event.pressed;
\t\treturn false;
\t}
\treturn layer_state != _NAV;
}
"""


def custom_layout(c_code: str | None = USER_C, **extra: object):  # type: ignore[no-untyped-def]
    result = layouts.layout(
        custom_keycodes=[CustomKeycode("ALTTAB", legend="Alt⇥"), CustomKeycode("PINNED", value=0x7E50)],
        c_source=CSource(file="mine.c", code=c_code),
        combos=[Combo(["KC_A", "KC_ENT"], "ALTTAB", name="alt tab")],
        **extra,
    )
    result.layers[0].keys[3] = "ALTTAB"
    result.layers[1].keys[3] = "PINNED"
    return result


def generate(layout):  # type: ignore[no-untyped-def]
    return generate_sources(layout, layouts.board(), GenerateOptions(source_name="test.yaml"))


def test_custom_keycodes_become_an_enum_from_safe_range_and_keys_use_their_names() -> None:
    keymap_c = generate(custom_layout()).keymap_c
    assert "enum custom_keycodes {\n    ALTTAB = SAFE_RANGE,  // Alt?\n    PINNED = 0x7E50,\n};" in keymap_c
    assert " ".join(keymap_c.split()).count("ALTTAB, MO(_NAV), KC_ENT") == 1
    assert "COMBO(cmb_alt_tab_keys, ALTTAB)" in keymap_c


def test_the_c_code_comes_last_verbatim_with_its_own_line_numbers() -> None:
    keymap_c = generate(custom_layout()).keymap_c
    assert '#line 1 "mine.c"\n' + USER_C in keymap_c
    assert keymap_c.index("enum custom_keycodes") < keymap_c.index(USER_C)


def test_macros_and_the_c_codes_process_record_user_both_run() -> None:
    layout = custom_layout(macros=[Macro(name="hi", steps=[MacroStep("text", "hi")])])
    layout.layers[1].keys[0] = "QK_MACRO_0"
    keymap_c = generate(layout).keymap_c
    assert "static bool keyconf_macros(uint16_t keycode, keyrecord_t *record) {" in keymap_c
    assert "#define process_record_user keyconf_c_source_process_record_user" in keymap_c
    assert "return keyconf_c_source_process_record_user(keycode, record);" in keymap_c


def test_a_missing_c_file_and_a_clashing_callback_are_problems() -> None:
    with pytest.raises(GenerationError, match="mine.c' was not found"):
        generate(custom_layout(c_code=None))
    clashing = custom_layout(c_code="uint16_t get_tapping_term(uint16_t k, keyrecord_t *r) { return 1; }\n")
    clashing.tap_dances = [TapDance("x", tap="KC_A", tapping_term=150)]
    with pytest.raises(GenerationError, match="define get_tapping_term"):
        generate(clashing)


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_the_generated_keymap_compiles_with_the_c_code_and_tap_dance_custom_keys(tmp_path: Path) -> None:
    layout = custom_layout(
        macros=[Macro(name="hi", steps=[MacroStep("text", "hi")])],
        tap_dances=[TapDance("alt", tap="ALTTAB", double_tap="KC_ESC")],
    )
    layout.layers[1].keys[0] = "QK_MACRO_0"
    layout.layers[1].keys[1] = "TD(alt)"
    sources = generate(layout)
    assert "keyconf_custom_keycode(ALTTAB, true);" in sources.keymap_c
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6}, encoders=1)
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr + "\n" + sources.keymap_c


def test_keymap_json_declares_custom_keycodes_and_refuses_c_code() -> None:
    layout = custom_layout()
    layout.custom_keycodes[1].value = None
    layout.combos = []
    with pytest.raises(GenerationError, match="custom keycodes do nothing without it"):
        generate_keymap_json(layout, layouts.board())
    layout.c_source = None
    data = json.loads(generate_keymap_json(layout, layouts.board()))
    assert data["keycodes"] == [{"key": "ALTTAB", "label": "Alt⇥"}, {"key": "PINNED"}]
    assert data["layers"][0][3] == "ALTTAB"
    layout.custom_keycodes[1].value = 0x7E50
    with pytest.raises(GenerationError, match="pinned to 0x7E50"):
        generate_keymap_json(layout, layouts.board())


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_a_macro_presses_a_custom_keycode_through_its_handler(tmp_path: Path) -> None:
    from keyconf.model.validation import validate

    layout = custom_layout(
        macros=[Macro(name="switch", steps=[MacroStep("text", "a"), MacroStep("tap", ["ALTTAB"]),
                                            MacroStep("down", ["ALTTAB"]), MacroStep("text", "b")])],
    )
    layout.layers[1].keys[0] = "QK_MACRO_0"
    assert [p for p in validate(layout, layouts.board()) if p.is_error] == []
    keymap_c = generate(layout).keymap_c
    assert (
        '                SEND_STRING("a");\n'
        "                keyconf_custom_keycode(ALTTAB, true);\n"
        "                keyconf_custom_keycode(ALTTAB, false);\n"
        "                keyconf_custom_keycode(ALTTAB, true);\n"
        '                SEND_STRING("b");\n'
    ) in keymap_c
    assert keymap_c.index("void keyconf_custom_keycode(") < keymap_c.index("keyconf_macros(")
    folder = write_build_dir(tmp_path, generate(layout), CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6}, 1)
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr + "\n" + keymap_c
    layout.macros[0].steps.append(MacroStep("tap", ["KC_LCTL", "ALTTAB"]))
    assert any(p.code == "macro-keycode" for p in validate(layout, layouts.board()))


def test_software_features_the_c_code_calls_are_switched_on() -> None:
    code = USER_C + "static uint32_t later(uint32_t t, void *a) { return 0; }\n"
    code += "void f(void) { defer_exec(10, later, NULL); }\n"
    sources = generate(custom_layout(c_code=code))
    assert "DEFERRED_EXEC_ENABLE" in sources.features and "DEFERRED_EXEC_ENABLE = yes" in sources.rules_mk
    rgb = generate(custom_layout(c_code="void g(void) { rgb_matrix_disable(); }\n"))
    assert "RGB_MATRIX_ENABLE" not in rgb.features  # hardware: the board's business


OLD_NAMES_C = """\
enum my_keycodes { EEP_RST = SAFE_RANGE + 9 };  // the code's own keycode, not QMK's old name
bool process_record_user(uint16_t keycode, keyrecord_t *record) {
#ifdef DEBUG
\tif (keycode == DEBUG) return false;
#endif
\tif (keycode == KC_SLCK && record->event.pressed) { tap_code16(RESET); return false; }
\treturn keycode != EEP_RST;
}
"""


def test_old_keycode_names_in_the_c_code_build_as_the_keys_do() -> None:
    # A jj40 keymap's process_record_user taps RESET, which QMK dropped for QK_BOOT in 2022: keyconf
    # reads it on a key, and the kept C stopped the build ("RESET undeclared").
    keymap_c = generate(custom_layout(OLD_NAMES_C)).keymap_c
    before = keymap_c[: keymap_c.index('#line 1 "mine.c"')]
    assert "#ifndef RESET\n#    define RESET QK_BOOT" in before
    assert "#ifndef KC_SLCK\n#    define KC_SLCK KC_SCRL" in before
    assert "define EEP_RST" not in before and "define DEBUG" not in before  # the code's own
    assert "the old name QMK dropped" not in generate(custom_layout()).keymap_c  # USER_C names none


def test_old_mouse_key_names_in_the_c_code_leave_mouse_keys_as_the_rules_had_them() -> None:
    # Planck's default keymap scrolls with KC_MS_WH_DOWN under `#ifdef MOUSEKEY_ENABLE` in its encoder
    # code, on a board with mouse keys off: spelling the old name switched them on (+1,770 bytes).
    code = "void scroll(void) {\n#ifdef MOUSEKEY_ENABLE\n\ttap_code(KC_MS_WH_DOWN);\n#endif\n}\n"
    sources = generate(custom_layout(code))
    assert "#ifndef KC_MS_WH_DOWN\n#    define KC_MS_WH_DOWN MS_WHLD" in sources.keymap_c
    assert "MOUSEKEY_ENABLE" not in sources.features and "MOUSEKEY_ENABLE" not in sources.rules_mk
    keys = custom_layout(code)
    keys.layers[0].keys[4] = "KC_MS_WH_DOWN"  # on a key it is the layout's own: mouse keys on
    assert "MOUSEKEY_ENABLE" in generate(keys).features


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_old_keycode_names_in_the_c_code_compile(tmp_path: Path) -> None:
    sources = generate(custom_layout(OLD_NAMES_C))
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6})
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr
