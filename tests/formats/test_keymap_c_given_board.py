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


def _planck_keymap(tmp_path: Path, last_key: str, before: str = "") -> Path:
    keys = ", ".join(["KC_A"] * 47 + [last_key])
    keymap = tmp_path / "keymap.c"
    keymap.write_text(f"#include QMK_KEYBOARD_H\n{before}"
                      "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                      f"    [0] = LAYOUT_ortho_4x12(\n        {keys}),\n}};\n")
    return keymap


def test_reset_on_an_stm32_board_is_the_chip_headers_zero_as_the_original_firmware_has_it(tmp_path: Path) -> None:
    """`RESET` on a key of an STM32 keymap that nothing of the user's declares: QMK dropped the old name of
    QK_BOOT, and the original builds only because ST's stm32f3xx.h declares `RESET = 0` (FlagStatus): its key
    is 0 and does nothing (a Moonlander keymap's real build held 0 where keyconf's held QK_BOOT 0x7C00). The
    import keeps what the firmware did and says so, naming the line."""
    finder = CatalogueKeyboards()
    imported = import_layout(_planck_keymap(tmp_path, "RESET"), keyboard=finder.by_name("planck/rev6"), finder=finder)
    assert imported.layout.layers[0].keys[-1] == "KC_NO"
    said = [w for w in imported.warnings if "RESET" in w]
    assert len(said) == 1 and said[0].startswith("line 4: RESET is no QMK keycode") and "STM32F303" in said[0]
    assert "QK_BOOT" in said[0]
    # An AVR Planck's headers declare no RESET: the key is what its user meant, QMK's old name for QK_BOOT.
    avr = import_layout(_planck_keymap(tmp_path, "RESET"), keyboard=finder.by_name("planck/rev5"), finder=finder)
    assert avr.layout.layers[0].keys[-1] == "QK_BOOT" and not any("RESET = 0" in w for w in avr.warnings)
    # A keymap that declares RESET itself builds its own: on an STM32 too.
    own = import_layout(_planck_keymap(tmp_path, "RESET", "#define RESET QK_BOOT\n"),
                        keyboard=finder.by_name("planck/rev6"), finder=finder)
    assert own.layout.layers[0].keys[-1] == "QK_BOOT" and not any("RESET = 0" in w for w in own.warnings)


def test_reset_in_a_keymap_json_for_an_stm32_board_is_the_chip_headers_zero_too(tmp_path: Path) -> None:
    """QMK's build of a keymap.json pastes its keys into C (json2c translates no old names): `RESET` on a
    Planck rev6 (STM32F303) is the chip header's 0 there as in a keymap.c. 18 keymap.json files of the corpora
    (Planck rev6, Preonic rev3, Moonlander) hold it."""
    import json

    path = tmp_path / "planck.json"
    for keyboard, expected in (("planck/rev6", "KC_NO"), ("planck/rev5", "QK_BOOT")):
        path.write_text(json.dumps({"keyboard": keyboard, "keymap": "mine", "layout": "LAYOUT_ortho_4x12",
                                    "layers": [["KC_A"] * 47 + ["RESET"]]}))
        imported = import_layout(path, finder=CatalogueKeyboards())
        assert imported.layout.layers[0].keys[-1] == expected
        said = [w for w in imported.warnings if "RESET = 0" in w]
        assert bool(said) == (expected == "KC_NO")
        assert not said or said[0].startswith("layers[0][47]: RESET is no QMK keycode")


def test_reset_in_a_keymap_json_whose_userspace_config_h_defines_it_is_that_definition(tmp_path: Path) -> None:
    """As in a keymap.c whose own header declares RESET: a keymap.json read where it lives, whose userspace's
    config.h (which QMK's build force-includes) defines `RESET QK_BOOT`, presses what that defines, not the
    chip header's 0 (the keymap.json reader rewrote it to KC_NO before it looked at the user's code)."""
    import json

    (tmp_path / ".git").mkdir()
    (tmp_path / "users" / "mine").mkdir(parents=True)
    (tmp_path / "users" / "mine" / "config.h").write_text("#pragma once\n#define RESET QK_BOOT\n")
    folder = tmp_path / "keyboards" / "planck" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    layers = [["KC_A"] * 47 + ["RESET"]]
    (folder / "keymap.json").write_text(json.dumps({"keyboard": "planck/rev6", "keymap": "mine",
                                                    "layout": "LAYOUT_ortho_4x12", "layers": layers}))
    imported = import_layout(folder / "keymap.json", finder=CatalogueKeyboards())
    assert imported.layout.layers[0].keys[-1] == "QK_BOOT"
    assert not any("RESET = 0" in w for w in imported.warnings)
