"""QMK's 8-bit MOD_MASK_* names (key overrides), where QMK keeps 5 bits of them, and Vial's spellings."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from keyconf.model.keycodes import (
    MOD_MASK_NAMES,
    REGISTRY,
    KeycodeError,
    ModsError,
    ParseContext,
    mod_mask_names,
    parse_mod_mask,
    parse_mods,
)
from keyconf.model.layout import KeyOverride, Layer, Layout
from keyconf.model.validation import validate

CTX = ParseContext(layers=["base", "nav"])
QMK_GIT = Path("/work/.mirror/MiguelRoldao+qmk-home/repo")


def _modifiers_h() -> str | None:
    home = os.environ.get("KEYCONF_TEST_QMK_HOME")
    if home and (Path(home) / "quantum/modifiers.h").is_file():
        return (Path(home) / "quantum/modifiers.h").read_text()
    if QMK_GIT.is_dir():
        done = subprocess.run(
            ["git", f"--git-dir={QMK_GIT}", "show", "HEAD:quantum/modifiers.h"], capture_output=True, text=True
        )
        if done.returncode == 0:
            return done.stdout
    return None


def _evaluate_masks(header: str) -> dict[str, int]:
    """MOD_MASK_* values computed from the header's own MOD_BIT_* enum and #defines."""
    values = {name: int(bits, 2) for name, bits in re.findall(r"(MOD_BIT_\w+)\s*=\s*0b([01]+)", header)}
    masks: dict[str, int] = {}
    for name, body in re.findall(r"#define (MOD_MASK_\w+) \(([^)]*)\)", header):
        masks[name] = 0
        for part in body.split("|"):
            term = part.strip()
            masks[name] |= values[term] if term in values else masks[term]
    return masks


def test_mod_mask_names_match_qmk_modifiers_h() -> None:
    header = _modifiers_h()
    if header is None:
        pytest.skip("no QMK tree: set KEYCONF_TEST_QMK_HOME to a qmk_firmware checkout")
    assert _evaluate_masks(header) == MOD_MASK_NAMES


def test_mod_mask_values() -> None:
    assert len(MOD_MASK_NAMES) == 15
    assert MOD_MASK_NAMES["MOD_MASK_CTRL"] == 0x11
    assert MOD_MASK_NAMES["MOD_MASK_SHIFT"] == 0x22
    assert MOD_MASK_NAMES["MOD_MASK_CS"] == 0x33
    assert MOD_MASK_NAMES["MOD_MASK_SAG"] == 0xEE
    assert MOD_MASK_NAMES["MOD_MASK_CSAG"] == 0xFF


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("MOD_MASK_SHIFT", 0x22),
        ("mod_mask_cs", 0x33),
        ("MOD_MASK_SHIFT | MOD_LCTL", 0x23),
        ("MOD_RCTL", 0x10),  # one modifier of one hand, not QMK's 5-bit 0x11
        ("MOD_BIT_LSHIFT|MOD_BIT_RALT", 0x42),
        ("MOD_LSHIFT", 0x02),
        ("MOD_MEH", 0x07),
        ("0x22", 0x22),
    ],
)
def test_parse_mod_mask(text: str, mask: int) -> None:
    assert parse_mod_mask(text) == mask


@pytest.mark.parametrize("text", ["MOD_MASK_SC", "MOD_MASK_CTL", "MOD_MASK", "0x100", "MOD_LSFT |", "KC_LSFT"])
def test_parse_mod_mask_refuses(text: str) -> None:
    with pytest.raises(ModsError):
        parse_mod_mask(text)


def test_mod_mask_names_round_trip_every_mask() -> None:
    for mask in range(1, 256):
        names = mod_mask_names(mask)
        assert parse_mod_mask(" | ".join(names)) == mask
        assert sum(name.startswith("MOD_MASK_") for name in names) <= 1
    assert mod_mask_names(0x22) == ["MOD_MASK_SHIFT"]
    assert mod_mask_names(0x23) == ["MOD_MASK_SHIFT", "MOD_LCTL"]
    assert mod_mask_names(0xBB) == ["MOD_MASK_CSG"]
    assert mod_mask_names(0) == []


@pytest.mark.parametrize("name", sorted(MOD_MASK_NAMES))
def test_mod_mask_in_5_bit_forms_keeps_qmks_low_bits(name: str) -> None:
    """QMK compiles MT/OSM/LM(…, MOD_MASK_*) with `(mod) & 0x1F`; keyconf gives the same values."""
    low = MOD_MASK_NAMES[name] & 0x1F
    cases = [
        (f"MT({name}, KC_A)", 0x2000 | low << 8 | 0x04),
        (f"OSM({name})", 0x52A0 | low),
        (f"LM(nav, {name})", 0x5000 | 1 << 5 | low),
    ]
    for text, value in cases:
        parsed = REGISTRY.parse_full(text, CTX)
        assert REGISTRY.encode(parsed.keycode, CTX) == value, text
        assert parsed.deprecated
        replacement = REGISTRY.deprecated_replacement(text, CTX)
        assert replacement is not None and "MOD_MASK" not in replacement
        assert REGISTRY.encode(REGISTRY.parse(replacement, CTX), CTX) == value


def test_mod_mask_combined_like_qmk() -> None:
    # QMK ORs the 8-bit masks first: 0x11 | 0x22 = 0x33, low 5 bits 0x13 = right Ctrl + right Shift.
    assert REGISTRY.deprecated_replacement("MT(MOD_MASK_CTRL | MOD_MASK_SHIFT, KC_A)", CTX) == "RCS_T(KC_A)"
    assert REGISTRY.deprecated_replacement("MT(MOD_MASK_SHIFT | MOD_LCTL, KC_A)", CTX) == "LCS_T(KC_A)"
    assert parse_mods("MOD_MASK_CTRL") == parse_mods("MOD_RCTL")


def test_mod_mask_is_not_a_keycode() -> None:
    with pytest.raises(KeycodeError):
        REGISTRY.parse("MOD_MASK_SHIFT", CTX)
    with pytest.raises(KeycodeError):
        REGISTRY.parse("LCTL(MOD_MASK_SHIFT)", CTX)


def test_vial_c_s_is_lcs() -> None:
    parsed = REGISTRY.parse_full("C_S(KC_T)", CTX)
    assert parsed.keycode == REGISTRY.parse("LCS(KC_T)", CTX)
    assert parsed.deprecated
    assert REGISTRY.deprecated_replacement("C_S(KC_T)", CTX) == "LCS(KC_T)"
    assert REGISTRY.encode(parsed.keycode, CTX) == 0x0317
    with pytest.raises(KeycodeError):
        REGISTRY.parse("C_S(MO(1))", CTX)


def test_vial_gui_togg_is_gu_togg() -> None:
    parsed = REGISTRY.parse_full("GUI_TOGG", CTX)
    assert parsed.keycode == REGISTRY.parse("GU_TOGG", CTX)
    assert parsed.deprecated
    assert REGISTRY.deprecated_replacement("GUI_TOGG", CTX) == "GU_TOGG"


def _layout(override: KeyOverride) -> Layout:
    return Layout("test/board", "LAYOUT", layers=[Layer("base", ["KC_A"])], key_overrides=[override])


def test_validation_reports_unknown_override_modifier() -> None:
    good = validate(_layout(KeyOverride("KC_BSPC", "KC_DEL", mods=["MOD_MASK_CS"])))
    assert not [p for p in good if p.code == "unknown-modifier"]
    bad = validate(_layout(KeyOverride("KC_BSPC", "KC_DEL", mods=["MOD_MASK_SHIFT"], negative_mods=["MOD_MASK_SC"])))
    problems = [p for p in bad if p.code == "unknown-modifier"]
    assert len(problems) == 1
    assert problems[0].location == ("key_overrides", 0, "negative_mods", 0)
    assert "MOD_MASK_SC" in problems[0].message


def test_mod_bit_of_a_modifier_key_is_its_bit() -> None:
    # A lulu keymap's key override: ko_make_with_layers(MOD_BIT(KC_RCTL), KC_W, LCTL(KC_BSPC), ...).
    assert parse_mod_mask("MOD_BIT(KC_RCTL)") == 0x10
    assert parse_mod_mask("MOD_BIT(KC_LSFT) | MOD_BIT(KC_RIGHT_SHIFT)") == 0x22
    with pytest.raises(ModsError):
        parse_mod_mask("MOD_BIT(KC_A)")
