"""Keycodes written for a tree's keycode spec: renamed names translated, newer ones refused."""

from __future__ import annotations

import pytest

from keyconf.compiler.dialect import QmkDialect
from keyconf.compiler.keycode_c import KeycodeC
from keyconf.compiler.source_map import SourceProblem, SourceRef
from keyconf.model.keycodes import ParseContext

REF = SourceRef.of("layers", 0, 0)


def writer(spec: str, send_string_names: frozenset[str] = frozenset()) -> KeycodeC:
    return KeycodeC(
        ParseContext(layers=["base", "nav"], tap_dances=["esc_caps"]),
        QmkDialect(keycode_spec_version=spec, send_string_names=send_string_names),
        ["_BASE", "_NAV"],
        {"esc_caps": "TD_ESC_CAPS"},
    )


@pytest.mark.parametrize(
    ("text", "spec", "expected"),
    [
        ("UG_TOGG", "0.0.3", "RGB_TOG"),
        ("UG_TOGG", "0.0.4", "UG_TOGG"),
        ("RGB_TOG", "0.0.7", "UG_TOGG"),
        ("MS_BTN1", "0.0.4", "KC_BTN1"),
        ("MS_BTN1", "0.0.5", "MS_BTN1"),
        ("KC_BTN1", "0.0.7", "MS_BTN1"),
        ("RESET", "0.0.1", "QK_BOOT"),
        ("LT(nav, KC_SPC)", "0.0.7", "LT(_NAV, KC_SPC)"),
        ("LT(1, MS_BTN1)", "0.0.3", "LT(_NAV, KC_BTN1)"),
        ("MO(1)", "0.0.7", "MO(_NAV)"),
        ("TD(esc_caps)", "0.0.7", "TD(TD_ESC_CAPS)"),
        ("TD(0)", "0.0.7", "TD(TD_ESC_CAPS)"),
        ("LM(nav, MOD_LSFT | MOD_LCTL)", "0.0.7", "LM(_NAV, MOD_LCTL | MOD_LSFT)"),
        ("C(S(KC_T))", "0.0.7", "LCTL(LSFT(KC_T))"),
        ("PDF(nav)", "0.0.6", "PDF(_NAV)"),
        ("_______", "0.0.7", "KC_TRNS"),
        # Taps wider than a basic keycode (QMK keeps their low 8 bits): the tap in generated names.
        ("LALT_T(TO(nav))", "0.0.7", "LALT_T(TO(_NAV))"),
        ("LCS_T(TO(1))", "0.0.3", "MT(MOD_LCTL | MOD_LSFT, TO(_NAV))"),
        ("LT(nav, TD(esc_caps))", "0.0.7", "LT(_NAV, TD(TD_ESC_CAPS))"),
        ("SH_T(MO(nav))", "0.0.7", "SH_T(MO(_NAV))"),
        ("LT(1, BL_STEP)", "0.0.3", "LT(_NAV, BL_STEP)"),
    ],
)
def test_names_follow_the_tree_spec(text: str, spec: str, expected: str) -> None:
    assert writer(spec).expression(text, REF) == expected


@pytest.mark.parametrize(
    ("text", "spec", "needle"),
    [
        ("RM_TOGG", "0.0.3", "0.0.4"),  # RGB matrix keys arrived with spec 0.0.4
        ("PDF(nav)", "0.0.5", "0.0.6"),
        ("QK_REP", "0.0.2", "0.0.3"),
        ("MO(gaming)", "0.0.7", "gaming"),
        ("KC_NOPE", "0.0.7", "KC_NOPE"),
    ],
)
def test_keycodes_the_tree_cannot_build_are_refused(text: str, spec: str, needle: str) -> None:
    with pytest.raises(SourceProblem) as caught:
        writer(spec).expression(text, REF)
    assert needle in caught.value.message
    assert caught.value.ref == REF


def test_features_implied_by_keycodes() -> None:
    keycodes = writer("0.0.7")
    for text in ("CW_TOGG", "MS_BTN1", "KC_VOLU", "QK_REP", "UC(0x00E9)"):
        keycodes.expression(text, REF)
    assert keycodes.features == {
        "CAPS_WORD_ENABLE",
        "MOUSEKEY_ENABLE",
        "EXTRAKEY_ENABLE",
        "REPEAT_KEY_ENABLE",
        "UNICODE_ENABLE",
    }


def test_send_string_names_prefer_what_the_tree_defines() -> None:
    tree_names = frozenset({"LCTL", "LEFT_CTRL", "C", "ENT", "ENTER"})
    assert writer("0.0.7", tree_names).send_string_keys("LCTL(KC_C)", REF) == (["X_LCTL"], "X_C")
    assert writer("0.0.7").send_string_keys("LCTL(KC_C)", REF) == (["X_LEFT_CTRL"], "X_C")
    with pytest.raises(SourceProblem):
        writer("0.0.7").send_string_keys("MO(nav)", REF)
    with pytest.raises(SourceProblem):
        writer("0.0.7").send_string_keys("QK_BOOT", REF)
    with pytest.raises(SourceProblem):
        writer("0.0.7", frozenset({"A"})).send_string_keys("KC_B", REF)  # the tree's header lacks X_B


def test_tap_dance_actions() -> None:
    keycodes = writer("0.0.7")
    assert keycodes.tap_dance_action("LSFT(KC_A)", REF).press == ("register_code16(LSFT(KC_A));",)
    assert keycodes.tap_dance_action("MO(nav)", REF).release == ("layer_off(_NAV);",)
    assert keycodes.tap_dance_action("QK_BOOT", REF).press == ("reset_keyboard();",)
    assert keycodes.tap_dance_action("KC_NO", REF).press == ()
    with pytest.raises(SourceProblem):
        keycodes.tap_dance_action("OSL(nav)", REF)
