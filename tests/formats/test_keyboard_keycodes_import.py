"""A keymap.c using its keyboard's own keycodes (Charybdis's DPI_MOD, SNIPING, DRGSCRL from
charybdis.h): they import as those keycodes (QK_KB_n), not as names of an unknown header, so
VIA, Vial and keymap.json exports carry them, and keymap.c is written with the header's names."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from keyconf.compiler.export import export_layout
from keyconf.formats.interchange import import_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.validation import validate

BOARD = "bastardkb/charybdis/3x5/v2/splinky_3"
# The shape of a real Charybdis Nano keymap's pointer layer (users' keymaps write the header's
# #define aliases), cut to six keys a layer.
KEYMAP_C = """#include QMK_KEYBOARD_H

enum charybdis_keymap_layers { LAYER_BASE = 0, LAYER_POINTER };

#define PT_Z LT(LAYER_POINTER, KC_Z)

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [LAYER_BASE] = LAYOUT(
    PT_Z, KC_X, KC_C, KC_V, KC_B, KC_SPC
  ),
  [LAYER_POINTER] = LAYOUT(
    DPI_MOD, S_D_MOD, DRGSCRL, SNIPING, POINTER_SNIPING_DPI_REVERSE, _______
  ),
};
"""


def board() -> Keyboard:
    keys = [Key(float(i), 0.0, matrix=(0, i)) for i in range(6)]
    return Keyboard(BOARD, matrix_rows=1, matrix_cols=6, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
                    usb_vid=0xA8F8, usb_pid=0x1832)


def imported(tmp_path: Path):
    path = tmp_path / "keymap.c"
    path.write_text(KEYMAP_C)
    return import_layout(path, keyboard=board())


def test_the_keyboards_names_import_as_its_keycodes(tmp_path: Path) -> None:
    result = imported(tmp_path)
    layout = result.layout
    assert layout.layers[1].keys == ["DPI_MOD", "S_D_MOD", "DRGSCRL", "SNIPING", "POINTER_SNIPING_DPI_REVERSE",
                                     "_______"]
    assert layout.custom_keycodes == []  # nothing from a header keyconf cannot see
    assert not any("QMK_KEYBOARD_H" in w or "neither" in w for w in result.warnings)
    assert [p.code for p in validate(layout, board())] == []


def test_exports_carry_their_values_and_keymap_c_their_names(tmp_path: Path) -> None:
    layout = imported(tmp_path).layout
    via = json.loads(export_layout(layout, "via", board()))
    assert via["layers"][1] == ["CUSTOM(0)", "CUSTOM(2)", "CUSTOM(6)", "CUSTOM(4)", "CUSTOM(3)", "KC_TRNS"]
    vil = json.loads(export_layout(layout, "vil", board()))
    assert vil["layout"][1][0][:5] == [0x7E00, 0x7E02, 0x7E06, 0x7E04, 0x7E03]
    keymap_json = json.loads(export_layout(layout, "keymap.json", board()))
    assert keymap_json["layers"][1][:5] == ["QK_KB_0", "QK_KB_2", "QK_KB_6", "QK_KB_4", "QK_KB_3"]
    assert "keycodes" not in keymap_json  # QMK's header declares them, not the keymap
    keymap_c = export_layout(layout, "keymap.c", board())
    assert "DPI_MOD, S_D_MOD, DRGSCRL, SNIPING, POINTER_SNIPING_DPI_REVERSE" in keymap_c.replace("\n", " ")
    assert "enum custom_keycodes" not in keymap_c and "QK_KB" not in keymap_c


def test_a_via_save_of_the_board_reads_back_with_the_headers_names(tmp_path: Path) -> None:
    layout = imported(tmp_path).layout
    save = tmp_path / "nano.layout.json"
    save.write_text(export_layout(layout, "via", board()))
    back = import_layout(save, keyboard=board())
    assert back.layout.layers[1].keys[:5] == ["DPI_MOD", "S_D_MOD", "DRGSCRL", "SNIPING", "S_D_RMOD"]
    assert back.layout.custom_keycodes == []


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree with keyboards/bastardkb/charybdis/charybdis.h)",
)
def test_the_written_keymap_c_holds_the_originals_values_under_gcc(tmp_path: Path) -> None:
    """The original and keyconf's keymap.c, each compiled by gcc with the tree's own charybdis.h
    (the firmware-equivalence bench's program), hold the same keymaps[][][] values."""
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    header = home / "keyboards/bastardkb/charybdis/charybdis.h"
    if not header.exists():
        pytest.skip(f"{home} has no {header.name}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import keymap_c_equivalence as bench

    layout = imported(tmp_path).layout
    generated = export_layout(layout, "keymap.c", board())
    (tmp_path / "kb.h").write_text(bench.HEADER + f'#define POINTING_DEVICE_ENABLE\n#include "{header}"\n')
    (tmp_path / "quantum.h").write_text('#pragma once\n#include "quantum_keycodes.h"\n')
    original = bench.run_values(bench.program(KEYMAP_C, []), home, tmp_path, "original")
    ours = bench.run_values(bench.program(generated, []), home, tmp_path, "keyconf")
    assert original is not None and ours == original
    assert original[1].split()[:5] == [str(0x7E00), str(0x7E02), str(0x7E06), str(0x7E04), str(0x7E03)]


def test_a_tap_dance_pressing_a_keyboard_keycode_goes_through_the_keyboards_handler(tmp_path: Path) -> None:
    """Charybdis handles DPI_MOD in process_record_kb: a tap dance presses it there, as a key would
    (process_record_kb calls process_record_user in turn), even when the layout has no keycodes
    of its own."""
    from keyconf.model.layout import TapDance

    layout = imported(tmp_path).layout
    layout.tap_dances = [TapDance("dpi", tap="DPI_MOD", hold="SNIPING")]
    layout.layers[0].keys[0] = "TD(dpi)"
    assert layout.custom_keycodes == []
    keymap_c = export_layout(layout, "keymap.c", board())
    assert "process_record_kb(keycode, &record);" in keymap_c
    assert "keyconf_custom_keycode(DPI_MOD, true);" in keymap_c and "keyconf_custom_keycode(SNIPING, true);" in keymap_c


# The shape of a keymap for a Keychron board built from Keychron's QMK (its rules.mk adds
# keyboards/keychron/common to VPATH; the keymap includes the header by name).
KEYCHRON_C = """#include QMK_KEYBOARD_H
#include "keychron_common.h"

enum layers { MAC_BASE, WIN_BASE };

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [MAC_BASE] = LAYOUT(KC_LOPTN, KC_LCMMD, KC_A, KC_B),
    [WIN_BASE] = LAYOUT(KC_TASK, KC_FLXP, KC_SNAP, KC_CRTA),
};
"""


def test_keycodes_of_a_shared_header_keep_it_and_carry_their_values(tmp_path: Path) -> None:
    keys = [Key(float(i), 0.0, matrix=(0, i)) for i in range(4)]
    keychron = Keyboard("keychron/q1v2/ansi", matrix_rows=1, matrix_cols=4, usb_vid=0x3434, usb_pid=0x0110,
                        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})
    path = tmp_path / "keymap.c"
    path.write_text(KEYCHRON_C)
    result = import_layout(path, keyboard=keychron)
    layout = result.layout
    names = [c.name for c in layout.custom_keycodes]
    assert names == ["KC_LOPTN", "KC_LCMMD", "KC_TASK", "KC_FLXP", "KC_SNAP", "KC_CRTA"]
    assert all(c.headers == ["keychron_common.h"] for c in layout.custom_keycodes)
    assert any("keyboard keycodes of keyboards/keychron/common/keychron_common.h" in w for w in result.warnings)
    assert not any("cannot see" in w for w in result.warnings)
    assert [p.code for p in validate(layout, keychron)] == ["unreachable-layer"]  # no MO(): layer 1 is unreachable
    via = json.loads(export_layout(layout, "via", keychron))
    assert via["layers"][1] == ["CUSTOM(7)", "CUSTOM(8)", "CUSTOM(9)", "CUSTOM(10)"]
    assert "keyconf_custom_keycodes" not in via  # the header names them
    assert via["layers"][0][:2] == ["CUSTOM(2)", "CUSTOM(4)"]
    keymap_c = export_layout(layout, "keymap.c", keychron)
    assert '#include "keychron_common.h"' in keymap_c and "KC_TASK, KC_FLXP, KC_SNAP, KC_CRTA" in keymap_c
    assert "enum custom_keycodes" not in keymap_c
    keymap_json = json.loads(export_layout(layout, "keymap.json", keychron))
    assert keymap_json["layers"][1] == ["QK_KB_7", "QK_KB_8", "QK_KB_9", "QK_KB_10"] and "keycodes" not in keymap_json


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME") or not shutil.which("avr-gcc"),
    reason="KEYCONF_TEST_QMK_HOME is not set to a tree that builds AVR boards (lib/lufa), or no avr-gcc",
)
def test_a_wilba_keymap_builds_the_same_firmware_keymap_with_keyconf(tmp_path: Path) -> None:
    """Zeal60's lighting keys (BR_INC … from wt_rgb_backlight_keycodes.h, QK_KB_0 on): qmk's build
    of the keymap.c and keyconf's build of its import put the same keymaps bytes in flash."""
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    if not (home / "lib/lufa/LUFA").is_dir() or not (home / "keyboards/wilba_tech/zeal60").is_dir():
        pytest.skip(f"{home} has no LUFA (submodules) or no wilba_tech/zeal60")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import keymap_c_firmware_equivalence as bench

    fn = ["BR_DEC", "BR_INC", "EF_DEC", "EF_INC", "H1_DEC", "H1_INC", "S1_DEC", "S1_INC", "ES_DEC", "ES_INC"]
    base = ["KC_ESC"] + [f"KC_{c}" for c in "1234567890"] + ["KC_MINS", "KC_EQL", "KC_BSPC"] + ["KC_A"] * 43 + [
        "KC_LCTL", "KC_LGUI", "MO(1)", "KC_RCTL"]
    layer1 = fn + ["_______"] * (len(base) - len(fn))
    text = ("#include QMK_KEYBOARD_H\n\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            f"    [0] = LAYOUT_60_ansi({', '.join(base)}),\n    [1] = LAYOUT_60_ansi({', '.join(layer1)}),\n}};\n")
    keymap_c = tmp_path / "zeal" / "keymap.c"
    keymap_c.parent.mkdir()
    keymap_c.write_text(text)
    original = bench.build_original(home, keymap_c, "wilba_tech/zeal60", tmp_path, "2")
    ours = bench.build_keyconf(home, keymap_c, "wilba_tech/zeal60", tmp_path, "2")
    assert isinstance(original, bytes), original
    assert ours == original
    words = [int.from_bytes(original[i:i + 2], "little") for i in range(0, len(original), 2)]
    assert {0x7E00, 0x7E01, 0x7E09} <= set(words)  # QK_KB_0, QK_KB_1, QK_KB_9 on layer 1
