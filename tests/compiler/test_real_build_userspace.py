"""A keymap that builds with its userspace (users/<name>/: wrapper rows and custom keycodes in
<name>.h, process_record_user in <name>.c that its rules.mk compiles, switches and a config.h),
imported where it lives in a QMK Userspace repository, builds with `keyconf compile` to the
firmware `qmk compile` of the repository makes: the same keymaps[] bytes and the same size. Needs a
tree (KEYCONF_TEST_QMK_HOME, KEYCONF_TEST_QMK_HOME_2024) with lib/lufa for the AVR Corne; skips
without, saying why."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.compiler.test_real_build_imported import ROOT, TREES, avr_tree

pytestmark = pytest.mark.slow

MINE_H = """\
#pragma once
#include QMK_KEYBOARD_H

enum userspace_keycodes { ALTTAB = SAFE_RANGE, NEW_SAFE_RANGE };
enum userspace_layers { _BASE, _NAV };

#define HOME_A LGUI_T(KC_A)
#define HOME_S LALT_T(KC_S)
#define ___BASE_L1___ KC_Q, KC_W, KC_E, KC_R, KC_T
#define ___BASE_R1___ KC_Y, KC_U, KC_I, KC_O, KC_P
#define LAYOUT_wrapper(...) LAYOUT_split_3x6_3(__VA_ARGS__)
"""
MINE_C = """\
#include "mine.h"

static bool alt_held = false;

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    if (keycode == ALTTAB) {
        if (record->event.pressed) {
            if (!alt_held) { register_code(KC_LALT); alt_held = true; }
            tap_code(KC_TAB);
        }
        return false;
    }
    if (alt_held && !record->event.pressed && keycode == MO(_NAV)) {
        unregister_code(KC_LALT);
        alt_held = false;
    }
    return true;
}
"""
USER_RULES = """\
SRC += mine.c
LTO_ENABLE = yes
CONSOLE_ENABLE = no
COMMAND_ENABLE = no
MOUSEKEY_ENABLE = no
ifeq ($(strip $(OLED_ENABLE)), yes)
    SRC += oled.c
endif
"""
USER_CONFIG = "#pragma once\n#define TAPPING_TERM 190\n#define NO_ACTION_ONESHOT\n#define LAYER_STATE_8BIT\n"
# Compiled when the board switches its OLED on (the Corne does): the userspace's rules.mk decides.
OLED_C = '''#include "mine.h"
bool oled_task_user(void) {
    oled_write_P(PSTR("mine"), false);
    return false;
}
'''
KEYMAP_C = """\
#include QMK_KEYBOARD_H
#include "mine.h"

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT_wrapper(
        KC_TAB,  ___BASE_L1___, ___BASE_R1___, KC_BSPC,
        KC_ESC,  HOME_A, HOME_S, KC_D, KC_F, KC_G,   KC_H, KC_J, KC_K, KC_L, KC_SCLN, KC_QUOT,
        KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B,       KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_RSFT,
                          KC_LGUI, MO(_NAV), KC_SPC,   KC_ENT, MO(_NAV), ALTTAB
    ),
    [_NAV] = LAYOUT_wrapper(
        KC_GRV,  KC_1, KC_2, KC_3, KC_4, KC_5,       KC_6, KC_7, KC_8, KC_9, KC_0, KC_DEL,
        _______, _______, _______, _______, _______, _______,   KC_LEFT, KC_DOWN, KC_UP, KC_RGHT, _______, _______,
        _______, _______, _______, _______, _______, _______,   KC_MPLY, KC_VOLD, KC_VOLU, _______, _______, _______,
                          _______, _______, _______,   _______, _______, ALTTAB
    ),
};
"""


def userspace_repository(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "qmk.json").write_text('{"userspace_version": "1.0", "build_targets": [["crkbd/rev1", "mine"]]}\n')
    files = {"users/mine/mine.h": MINE_H, "users/mine/mine.c": MINE_C, "users/mine/rules.mk": USER_RULES,
             "users/mine/config.h": USER_CONFIG, "users/mine/oled.c": OLED_C,
             "keyboards/crkbd/keymaps/mine/keymap.c": KEYMAP_C,
             "keyboards/crkbd/keymaps/mine/config.h": "#pragma once\n#define LEADER_TIMEOUT 300\n"}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "keyboards/crkbd/keymaps/mine/keymap.c"


@pytest.mark.parametrize("variable", TREES)
def test_a_keymap_needing_its_userspace_builds_to_its_originals_firmware(variable: str, tmp_path: Path) -> None:
    home = avr_tree(variable)
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    keymap = userspace_repository(tmp_path / "qmk_userspace")
    original = bench.build_original_program(home, keymap, "crkbd/rev1", tmp_path / "qmk", "2")
    assert original.keymaps is not None, original.why
    mine = bench.build_keyconf_program(home, keymap, "crkbd/rev1", tmp_path / "keyconf", "2")
    assert mine.keymaps is not None, mine.why
    assert mine.keymaps == original.keymaps
    assert original.size is not None and mine.size == original.size
