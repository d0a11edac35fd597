"""keymap.c import with the board given (`--keyboard`), for files that do not name it: forms the corpora's
unknown-keyboard files hold once their board is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.interchange import FormatError, import_layout

# A Ferris on splitkb's Halcyon controller, written with the modules userspace's layout macro, and headers
# of the user's own that keyconf does not have beside the file.
HALCYON_FERRIS = """#include QMK_KEYBOARD_H
#include "keydefs/keycodes.h"
#include "features/oneshot.h"
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_ferris_hlc(
        KC_Q, KC_W, KC_E, KC_R, KC_T,   KC_Y, KC_U, KC_I, KC_O, KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,   KC_H, KC_J, KC_K, KC_L, OS_SFT,
        KC_Z, KC_X, KC_C, KC_V, KC_B,   KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                        KC_SPC, KC_TAB, KC_ENT, KC_BSPC,
        KC_MUTE, KC_NO, KC_NO, KC_NO, KC_NO,   KC_MUTE, KC_NO, KC_NO, KC_NO, KC_NO
    ),
};
"""


def test_a_halcyon_module_layout_says_where_it_comes_from_beside_headers_keyconf_cannot_see(tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.c"
    keymap.write_text(HALCYON_FERRIS)
    with pytest.raises(FormatError) as caught:
        finder = CatalogueKeyboards()
        import_layout(keymap, keyboard=finder.by_name("splitkb/halcyon/ferris"), finder=finder)
    message = caught.value.message
    # Not "a wrapper macro from keydefs/keycodes.h": the macro is the modules userspace's, and no header
    # of the user's would tell where the modules' keys are.
    assert "LAYOUT_ferris_hlc" in message and "Halcyon modules define" in message
    assert "keydefs/keycodes.h" not in message
