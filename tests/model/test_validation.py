"""Validation and lint: each problem with its location, message and hint."""

from __future__ import annotations

import pytest

from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Combo, CSource, Layer, Layout, Macro, MacroStep, TapDance
from keyconf.model.validation import fix_deprecated_names, validate

N = 12


def keyboard() -> Keyboard:
    keys = [Key(x=i, y=0, matrix=(0, i)) for i in range(N)]
    return Keyboard("test/board", matrix_rows=1, matrix_cols=N, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


def layer(name: str, *keys: str) -> Layer:
    keycodes = list(keys) + ["KC_TRNS"] * (N - len(keys))
    return Layer(name, keycodes)


def codes(problems):
    return [(p.code, p.location) for p in problems]


def test_clean_layout_has_no_problems():
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "KC_A", "MO(nav)", "LT(sym, KC_SPC)"),
        layer("nav", "KC_LEFT"),
        layer("sym", "KC_1"),
    ])
    assert validate(layout, keyboard()) == []


def test_unknown_keycode_with_did_you_mean():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "KC_SPACEE")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("unknown-keycode", ("layers", 0, 0))]
    assert problems[0].is_error
    assert "KC_SPACE" in (problems[0].hint or "") or "KC_SPC" in (problems[0].hint or "")


def test_unknown_layer_name():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "MO(nva)")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("unknown-keycode", ("layers", 0, 0))]
    assert "nva" in problems[0].message


def test_wrong_key_count_names_the_layer():
    layout = Layout("test/board", "LAYOUT", layers=[Layer("base", ["KC_A"] * (N + 1)), Layer("two", ["KC_A"] * 3)])
    problems = validate(layout, keyboard())
    assert ("key-count", ("layers", 0, N)) in codes(problems)
    assert ("key-count", ("layers", 1)) in codes(problems)
    assert any("has 3 keys, but LAYOUT has 12" in p.message for p in problems)


def test_duplicate_layer_names():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base"), layer("base")])
    assert ("duplicate-layer", ("layers", 1)) in codes(validate(layout, keyboard()))


def test_a_layer_beyond_the_keycodes_field_is_a_warning_naming_the_layer_qmk_uses():
    # burkfers' userspace: `#define DOTCOMM LT(24, KC_DOT)`, a tap-hold caught in C; QMK builds LT(8, KC_DOT).
    names = [f"l{i}" for i in range(20)]
    layers = [layer(names[0], "MO(l19)", "LT(l16, KC_A)", "LT(l15, KC_A)")] + [layer(n) for n in names[1:]]
    problems = validate(Layout("test/board", "LAYOUT", layers=layers), keyboard())
    assert not [p for p in problems if p.is_error]
    cut = [p for p in problems if p.code == "layer-cut"]
    assert [p.location for p in cut] == [("layers", 0, 1)]
    assert "LT() reaches layers 0-15" in cut[0].message and "uses layer 0, not 16" in cut[0].message


def test_mixed_left_and_right_mods_in_mt():
    # willbsp/crkbd keymap: MT(MOD_LSFT | MOD_RSFT, KC_J) builds in QMK as right Shift.
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "MT(MOD_LCTL | MOD_RSFT, KC_A)")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("mixed-modifiers", ("layers", 0, 0))] and not problems[0].is_error
    assert "it is MT(MOD_RCTL | MOD_RSFT, KC_A)" in problems[0].message or "RCS_T(KC_A)" in problems[0].message


def test_undefined_macro_and_tap_dance():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "QK_MACRO_1", "TD(0)", "QK_MACRO_0")],
                    macros=[Macro([MacroStep("text", "hi")])])
    problems = validate(layout, keyboard())
    assert ("undefined-macro", ("layers", 0, 0)) in codes(problems)
    assert ("undefined-tap-dance", ("layers", 0, 1)) in codes(problems)
    assert not any(p.location == ("layers", 0, 2) for p in problems)


def test_tap_dance_by_name():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "TD(esc_caps)")],
                    tap_dances=[TapDance("esc_caps", tap="KC_ESC", double_tap="KC_CAPS")])
    assert validate(layout, keyboard()) == []


def test_macro_steps_press_basic_keys_only():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "QK_MACRO_0")],
                    macros=[Macro([MacroStep("tap", ["KC_LCTL", "KC_C"]), MacroStep("tap", ["MO(1)"])])])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("macro-keycode", ("macros", 0, "steps", 1))]


def test_unreachable_layer_warning():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "MO(nav)"), layer("nav"), layer("lost")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("unreachable-layer", ("layers", 2))]
    assert not problems[0].is_error


def test_unreachable_layer_in_a_layout_with_c_code_says_the_code_may_reach_it():
    """A keymap.c's tri-layer lives in layer_state_set_user(), which keyconf carries but never reads."""
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "MO(lower)", "MO(raise)"), layer("lower"),
                                                    layer("raise"), layer("adjust")])
    layout.c_source = CSource(file="layout_user.c")
    (problem,) = validate(layout, keyboard())
    assert (problem.code, problem.location, problem.is_error) == ("unreachable-layer", ("layers", 3), False)
    assert "c_source" in problem.message and "update_tri_layer_state" in (problem.hint or "")


def test_reachable_through_combo_or_tri_layer():
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "TL_LOWR", "TL_UPPR"), layer("lower"), layer("upper"), layer("adjust"), layer("game")],
        combos=[Combo(["KC_J", "KC_K"], "TG(game)")])
    problems = [p for p in validate(layout, keyboard()) if p.code == "unreachable-layer"]
    assert problems == []


def test_toggle_without_way_back():
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "TG(game)", "TO(locked)"),
        layer("game", "KC_W", "KC_E"),  # the TG and TO keys are covered: no way back
        layer("locked", "KC_NO", "KC_NO"),
    ])
    problems = validate(layout, keyboard())
    assert ("no-way-back", ("layers", 0, 0)) in codes(problems)
    assert ("no-way-back", ("layers", 0, 1)) in codes(problems)


def test_toggle_with_transparent_key_is_fine():
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "TG(game)"),
        layer("game"),  # all transparent: the TG key falls through
    ])
    assert not any(p.code == "no-way-back" for p in validate(layout, keyboard()))


def test_hold_key_on_its_own_layer():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "MO(nav)"), layer("nav", "MO(nav)")])
    assert ("self-shadowing", ("layers", 1, 0)) in codes(validate(layout, keyboard()))


def test_deprecated_names_warn_and_fix():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "RESET", "KC_LSHIFT", "KC_A")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("deprecated", ("layers", 0, 0)), ("deprecated", ("layers", 0, 1))]
    assert "QK_BOOT" in problems[0].message
    changes = fix_deprecated_names(layout)
    assert [c[2] for c in changes] == ["QK_BOOT", "KC_LSFT"]
    assert layout.layers[0].keys[:3] == ["QK_BOOT", "KC_LSFT", "KC_A"]
    assert validate(layout, keyboard()) == []


def test_without_keyboard_checks_keycodes_only():
    layout = Layout("x", "LAYOUT", layers=[Layer("base", ["KC_A", "KC_NOPE"])])
    assert [p.code for p in validate(layout, None)] == ["unknown-keycode"]


def test_macro_steps_may_hold_modifiers_around_a_key():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "QK_MACRO_0")],
                    macros=[Macro([MacroStep("tap", ["LCTL(KC_C)"]), MacroStep("tap", ["LT(0, KC_A)"])])])
    assert codes(validate(layout, keyboard())) == [("macro-keycode", ("macros", 0, "steps", 1))]


def test_duplicate_combos_are_reported():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "KC_J", "KC_K", "KC_L")], combos=[
        Combo(["KC_J", "KC_K"], "KC_ESC"),
        Combo(["KC_J", "KC_L"], "KC_TAB"),
        Combo(["KC_K", "KC_J"], "KC_CAPS"),  # the same keys in another order
        Combo(["KC_L", "KC_J"], "KC_ENT", layers=["base"]),  # the same keys as combo 2, on base: clashes
    ])
    problems = [p for p in validate(layout, keyboard()) if p.code == "duplicate-combo"]
    assert [(p.location, p.is_error) for p in problems] == [(("combos", 2, "keys"), False),
                                                            (("combos", 3, "keys"), False)]
    assert "combo 3 has the same keys as combo 1" in problems[0].message


def test_same_keys_on_different_layers_are_no_duplicate():
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "KC_J", "KC_K", "MO(nav)"), layer("nav")], combos=[
        Combo(["KC_J", "KC_K"], "KC_ESC", layers=["base"]),
        Combo(["KC_J", "KC_K"], "KC_TAB", layers=["nav"]),
    ])
    assert [p for p in validate(layout, keyboard()) if p.code == "duplicate-combo"] == []


def test_a_wide_tap_is_a_warning_saying_what_qmk_taps():
    """Real keymaps hold `LALT_T(TO(2))` and `LT(3, BL_STEP)` (QMK Configurator: inside ANY()):
    QMK builds them, keeping the low 8 bits of the tap, and users intercept the tap in C."""
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "LALT_T(TO(2))", "LT(3, BL_STEP)", "LT(0, KC_X)", "MO(sym)"),
        layer("sym"), layer("nav", "TO(0)"), layer("num")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("cut-tap", ("layers", 0, 0)), ("cut-tap", ("layers", 0, 1))]
    assert not any(p.is_error for p in problems)
    assert "a tap sends 0x0002 (no key), not TO(2)" in problems[0].message
    assert "a tap sends KC_B, not BL_STEP" in problems[1].message
    assert "c_source:" in (problems[0].hint or "")
    # The layer the tap names counts as reached (C code commonly does what the text says).
    layout.c_source = CSource(file="keymap_code.c")
    problems = validate(layout, keyboard())
    assert codes(problems) == [("cut-tap", ("layers", 0, 0)), ("cut-tap", ("layers", 0, 1))]
    assert "process_record_user handles the tap" in (problems[0].hint or "")


def test_a_modifier_wrapper_of_a_non_basic_keycode_stays_an_error():
    # QMK ORs LCTL(kc) into the keycode unmasked: LCTL(MO(1)) would be another keycode altogether.
    layout = Layout("test/board", "LAYOUT", layers=[layer("base", "LCTL(MO(1))"), layer("nav")])
    problems = validate(layout, keyboard())
    assert ("unknown-keycode", ("layers", 0, 0)) in codes(problems)


def test_one_error_per_bad_text_not_a_cascade():
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "KC_SPCE", "MO(nav)", "KC_SPCE"), layer("nav", "KC_SPCE")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("unknown-keycode", ("layers", 0, 0))]
    assert "(and on 2 more keys)" in problems[0].message


def test_names_that_are_keycodes_or_functions_are_not_looked_up_as_language_aliases(monkeypatch):
    """KC_EXLM, LCTL_T(…), TL_LOWR: keyconf's own names; only an unknown name such as DE_Z makes
    validation read the host languages' tables (a few hundred KB, ~50 ms)."""
    from pathlib import Path

    from keyconf.catalogue.resolve import resolve_keyboard
    from keyconf.formats.yaml_layout import load_layout
    from keyconf.model.keycodes import languages

    def no_languages(*_args):
        raise AssertionError("the host languages were read")

    monkeypatch.setattr(languages, "alias_owners", no_languages)
    layout = load_layout(Path(__file__).resolve().parents[2] / "layouts" / "planck.yaml").layout
    assert any("KC_EXLM" in key for key in layout.layers[1].keys)
    assert any("_T(" in key for key in layout.layers[0].keys)
    assert validate(layout, resolve_keyboard(layout)) == []
    layout.layers[0].keys[1] = "DE_Z"
    with pytest.raises(AssertionError, match="host languages were read"):
        validate(layout, resolve_keyboard(layout))


def test_unknown_names_of_one_family_are_one_error():
    """A header's aliases keyconf cannot see (a user's language header: PG_A, PG_VIRG …)."""
    layout = Layout("test/board", "LAYOUT", layers=[
        layer("base", "PG_A", "PG_VIRG", "PG_Z", "PG_A", "MO(nav)", "KC_SPCE"), layer("nav", "PG_E")])
    problems = validate(layout, keyboard())
    assert codes(problems) == [("unknown-keycode", ("layers", 0, 0)), ("unknown-keycode", ("layers", 0, 5))]
    assert "`PG_A`, `PG_E`, `PG_VIRG` and 1 more: 4 unknown names of one family (PG_…)" in problems[0].message
    assert "header" in problems[0].message and problems[0].hint
