"""An imported keymap folder that keyconf builds is its original's firmware: the same keymaps[]
bytes and the same size as `qmk compile` of the folder, with each tree configured
(KEYCONF_TEST_QMK_HOME, KEYCONF_TEST_QMK_HOME_2024; the AVR Corne needs lib/lufa filled).

The folder is shaped like real Corne keymaps: its rules.mk switches features on and off and
leaves VIA out (the 2024 tree has a stock `via` keymap for crkbd, for which `keyconf compile`
adds VIA by default), its config.h trims the firmware and caps the LEDs' brightness. Before,
keyconf's build of such a keymap had VIA and lacked the trimming: kilobytes over the original's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from keyconf.compiler.qmk_tree import QmkTree, is_qmk_tree
from keyconf.compiler.toolchain import find_program

ROOT = Path(__file__).resolve().parents[2]
TREES = ["KEYCONF_TEST_QMK_HOME", "KEYCONF_TEST_QMK_HOME_2024"]

pytestmark = pytest.mark.slow

RULES_MK = """LTO_ENABLE = yes
CONSOLE_ENABLE = no
COMMAND_ENABLE = no
MOUSEKEY_ENABLE = yes
EXTRAKEY_ENABLE = yes
RGBLIGHT_ENABLE = no
RGB_MATRIX_ENABLE = yes
"""
CONFIG_H = """#pragma once
#define LAYER_STATE_8BIT
#define NO_ACTION_ONESHOT
#define NO_MUSIC_MODE
#define RGB_MATRIX_MAXIMUM_BRIGHTNESS 120
#define TAPPING_TERM 180
"""
BASE = ["KC_TAB", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T", "KC_Y", "KC_U", "KC_I", "KC_O", "KC_P", "KC_BSPC",
        "LCTL_T(KC_ESC)", "KC_A", "KC_S", "KC_D", "KC_F", "KC_G", "KC_H", "KC_J", "KC_K", "KC_L", "KC_SCLN",
        "KC_QUOT", "KC_LSFT", "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B", "KC_N", "KC_M", "KC_COMM", "KC_DOT",
        "KC_SLSH", "KC_RSFT", "KC_LGUI", "MO(1)", "KC_SPC", "KC_ENT", "MO(1)", "KC_RALT"]
FN = ["KC_GRV", "KC_1", "KC_2", "KC_3", "KC_4", "KC_5", "KC_6", "KC_7", "KC_8", "KC_9", "KC_0", "KC_DEL",
      *["KC_TRNS"] * 6, "KC_LEFT", "KC_DOWN", "KC_UP", "KC_RGHT", "KC_MPLY", "KC_VOLU",
      *["KC_TRNS"] * 6, "KC_MS_L", "KC_MS_D", "KC_MS_U", "KC_MS_R", "KC_BTN1", "KC_VOLD",
      *["KC_TRNS"] * 6]


def avr_tree(variable: str) -> Path:
    configured = os.environ.get(variable)
    if not configured:
        pytest.skip(f"{variable} is not set (a qmk_firmware tree with lib/lufa and avr-gcc)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree")
    if not (home / "lib" / "lufa" / "LUFA").is_dir():
        pytest.skip(f"{home}/lib/lufa is empty (a git submodule): the AVR Corne cannot build")
    if not QmkTree(home).supports_userspace:
        pytest.skip(f"{home} is older than QMK's external userspace, which builds the original here")
    missing = [tool for tool in ("qmk", "avr-gcc", "avr-nm", "avr-objcopy") if not find_program(tool)]
    if missing:
        pytest.skip(f"not on PATH: {', '.join(missing)}")
    return home


@pytest.mark.parametrize("variable", TREES)
def test_an_imported_keymap_folder_builds_to_its_originals_firmware(variable: str, tmp_path: Path) -> None:
    home = avr_tree(variable)
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\n\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        f"    [0] = LAYOUT_split_3x6_3({', '.join(BASE)}),\n    [1] = LAYOUT_split_3x6_3({', '.join(FN)}),\n}};\n")
    (folder / "rules.mk").write_text(RULES_MK)
    (folder / "config.h").write_text(CONFIG_H)
    original = bench.build_original_program(home, folder / "keymap.c", "crkbd/rev1", tmp_path / "qmk", "2")
    assert original.keymaps is not None, original.why
    mine = bench.build_keyconf_program(home, folder / "keymap.c", "crkbd/rev1", tmp_path / "keyconf", "2")
    assert mine.keymaps is not None, mine.why
    assert mine.keymaps == original.keymaps
    assert original.size is not None and mine.size == original.size
