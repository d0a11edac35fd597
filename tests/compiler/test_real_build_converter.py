"""Real builds of a Corne keymap whose rules.mk says `CONVERT_TO = rp2040_ce` (an RP2040 in the Pro
Micro's socket): `qmk compile` of the original and `keyconf import` + `keyconf compile` give the same
keymaps[] in a .uf2 for the RP2040, on each configured tree (KEYCONF_TEST_QMK_HOME,
KEYCONF_TEST_QMK_HOME_2024), each build with a cache of its own. A tree needs ChibiOS and the
pico-sdk filled (docs/compiler.md, "ARM boards in a copy of a tree"); without them this skips."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from keyconf.flash.bootloaders import FirmwareFormat
from keyconf.flash.firmware_file import read_firmware
from keyconf.flash.metadata import read_metadata
from keyconf.formats.yaml_layout import load_layout
from tests.compiler.test_real_build_arm import ROOT, TREES, arm_tree

pytestmark = pytest.mark.slow

CORNE_ROWS = """KC_TAB, KC_Q, KC_W, KC_E, KC_R, KC_T,  KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSPC,
    KC_LCTL, HOME_A, KC_S, KC_D, KC_F, KC_G,  KC_H, KC_J, KC_K, KC_L, KC_SCLN, KC_QUOT,
    KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B,  KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_ESC,
    KC_LGUI, MO(_NAV), KC_SPC,  KC_ENT, LT(_NAV, KC_BSPC), KC_RALT"""
NAV_ROWS = """QK_BOOT, KC_1, KC_2, KC_3, KC_4, KC_5,  KC_6, KC_7, KC_8, KC_9, KC_0, KC_DEL,
    _______, _______, _______, _______, _______, _______,  KC_LEFT, KC_DOWN, KC_UP, KC_RGHT, _______, _______,
    _______, _______, _______, _______, _______, _______,  _______, _______, _______, _______, _______, _______,
    _______, _______, _______,  _______, _______, _______"""
KEYMAP_C = f"""#include QMK_KEYBOARD_H

enum layers {{ _BASE, _NAV }};
#define HOME_A LGUI_T(KC_A)

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
  [_BASE] = LAYOUT_split_3x6_3(
    {CORNE_ROWS}),
  [_NAV] = LAYOUT_split_3x6_3(
    {NAV_ROWS}),
}};
"""
RULES_MK = "CONVERT_TO = rp2040_ce  # an RP2040-CE in the Pro Micro socket\nOLED_ENABLE = no\n"


@pytest.mark.parametrize("variable", TREES)
def test_a_converted_corne_keymap_builds_as_its_original_to_a_uf2(variable: str, tmp_path: Path) -> None:
    home = arm_tree(variable, "lib/pico-sdk")
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keymap.c").write_text(KEYMAP_C)
    (folder / "rules.mk").write_text(RULES_MK)
    original = bench.build_original_program(home, folder / "keymap.c", "crkbd/rev1", tmp_path / "qmk", "2")
    assert original.keymaps is not None, original.why
    made = sorted((tmp_path / "qmk").rglob("crkbd_rev1_*.uf2"))  # QMK made a .uf2, no .hex for a Pro Micro
    assert made and not list((tmp_path / "qmk").rglob("crkbd_rev1_*.hex"))
    assert read_firmware(made[0]).format is FirmwareFormat.UF2
    mine = bench.build_keyconf_program(home, folder / "keymap.c", "crkbd/rev1", tmp_path / "keyconf", "2")
    assert mine.keymaps is not None, mine.why
    assert bench.words(mine.keymaps) == bench.words(original.keymaps)

    layout = load_layout(tmp_path / "keyconf" / "layout" / "layout.yaml").layout
    assert layout.converter == "rp2040_ce"
    [firmware] = [p for p in (tmp_path / "keyconf" / "out").iterdir() if not p.name.endswith(".keyconf.json")]
    assert firmware.suffix == ".uf2"
    image = read_firmware(firmware)
    assert image.format is FirmwareFormat.UF2 and image.uf2 is not None and image.uf2.family_ids == (0xE48BFF56,)
    metadata = read_metadata(firmware)
    assert metadata is not None and (metadata.processor, metadata.bootloader) == ("RP2040", "rp2040")
