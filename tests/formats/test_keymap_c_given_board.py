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


def test_an_old_qmk_name_a_users_header_declares_is_that_headers_keycode(tmp_path: Path) -> None:
    """`RESET` in a userspace's `enum userspace_keycodes { CAP_WRD = QK_USER, ..., RESET }`: QMK dropped its
    RESET alias of QK_BOOT, so in C the key is the header's keycode (process_record_user handles it). The
    import made it QK_BOOT, and keyconf's firmware for an RP2040 Lulu held 0x7C00 where the original's
    held 0x7E46 (found by a real build's keymaps[])."""
    (tmp_path / "keycodes.h").write_text("#pragma once\nenum userspace_keycodes { CAP_WRD = QK_USER, RESET };\n")
    keys = ", ".join(["KC_A"] * 40 + ["CAP_WRD", "RESET"])
    keymap = tmp_path / "keymap.c"
    keymap.write_text('#include QMK_KEYBOARD_H\n#include "keycodes.h"\n'
                      "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                      f"    [0] = LAYOUT_split_3x6_3({keys}),\n}};\n")
    finder = CatalogueKeyboards()
    layout = import_layout(keymap, keyboard=finder.by_name("crkbd/rev1"), finder=finder).layout
    assert layout.layers[0].keys[-2:] == ["CAP_WRD", "RESET"]
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [("CAP_WRD", ["keycodes.h"]),
                                                                     ("RESET", ["keycodes.h"])]
    (tmp_path / "keycodes.h").write_text("#pragma once\nenum userspace_keycodes { CAP_WRD = QK_USER };\n")
    assert import_layout(keymap, keyboard=finder.by_name("crkbd/rev1"), finder=finder).layout.layers[0].keys[-1] \
        == "QK_BOOT"  # nothing of the user's declares it: QMK's old name, read as today's
