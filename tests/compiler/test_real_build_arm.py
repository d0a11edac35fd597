"""Real ARM builds: an imported Moonlander keymap (STM32F303) builds to its original's firmware, and an
RP2040 keyboard's layout to a .uf2 whose keymaps[] holds its keys; each firmware file is the one its
flasher takes (dfu-util at the STM32's flash, a copy to the RP2040's drive), with each tree configured
(KEYCONF_TEST_QMK_HOME, KEYCONF_TEST_QMK_HOME_2024).

A tree needs lib/chibios, lib/chibios-contrib and lib/printf filled (and lib/pico-sdk for the RP2040):
git submodules that a plain copy of QMK lacks. docs/compiler.md, "ARM boards in a copy of a tree", says
how to fill them. Each build uses a build cache of its own, so everything is compiled on every run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.qmk_tree import QmkTree, is_qmk_tree
from keyconf.compiler.toolchain import find_program
from keyconf.flash.bootloaders import FirmwareFormat
from keyconf.flash.detect import Detector, UsbDevice
from keyconf.flash.firmware_file import read_firmware
from keyconf.flash.job import FlashEnvironment, flash_firmware
from keyconf.flash.metadata import read_metadata
from keyconf.formats.yaml_layout import load_layout
from keyconf.model.keycodes import REGISTRY, Numbering, ParseContext
from tests.flash.fakes import RP2040_INFO, FakeBus, finder_in, replay_tool, uf2_drive

ROOT = Path(__file__).resolve().parents[2]
TREES = ["KEYCONF_TEST_QMK_HOME", "KEYCONF_TEST_QMK_HOME_2024"]
SUBMODULES = {"lib/chibios": "os", "lib/chibios-contrib": "os", "lib/printf": "src"}

pytestmark = pytest.mark.slow


def arm_tree(variable: str, *extra: str) -> Path:
    """The configured tree, when it can build ARM boards; else a skip naming what it lacks."""
    configured = os.environ.get(variable)
    if not configured:
        pytest.skip(f"{variable} is not set (a qmk_firmware tree with ChibiOS and arm-none-eabi-gcc)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree")
    needed = {**SUBMODULES, **{folder: "src" for folder in extra}}
    empty = [folder for folder, inner in needed.items() if not (home / folder / inner).is_dir()]
    if empty:
        pytest.skip(f"{home} has no ChibiOS to build ARM boards: {', '.join(empty)} empty (git submodules; "
                    "docs/compiler.md, 'ARM boards in a copy of a tree', says how to fill them)")
    if not QmkTree(home).supports_userspace:
        pytest.skip(f"{home} is older than QMK's external userspace, which builds the original here")
    missing = [tool for tool in ("qmk", "arm-none-eabi-gcc") if not find_program(tool)]
    if missing:
        pytest.skip(f"not on PATH: {', '.join(missing)}")
    return home


# An Oryx-shaped Moonlander keymap written for this test: a layer enum, home-row mods, layer taps, the
# board's own keycodes (LED_LEVEL, TOGGLE_LAYER_COLOR), a custom keycode handled in process_record_user.
MOONLANDER_ROWS = [
    "KC_ESC, KC_1, KC_2, KC_3, KC_4, KC_5, KC_LEFT,      KC_RGHT, KC_6, KC_7, KC_8, KC_9, KC_0, KC_MINS",
    "KC_TAB, KC_Q, KC_W, KC_E, KC_R, KC_T, TG(SYMB),     TG(SYMB), KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSLS",
    "KC_BSPC, HOME_A, HOME_S, KC_D, KC_F, KC_G, KC_HYPR, KC_MEH, KC_H, KC_J, KC_K, KC_L, LT(MDIA, KC_SCLN), KC_QUOT",
    "KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B,              KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_RSFT",
    "MO(SYMB), KC_GRV, KC_LALT, KC_LEFT, KC_RGHT, LALT_T(KC_APP),  RCTL_T(KC_ESC), KC_UP, KC_DOWN, KC_LBRC, KC_RBRC, "
    "ALTTAB",
    "KC_SPC, KC_BSPC, KC_LGUI,                           KC_LALT, KC_TAB, KC_ENT",
]
SYMB_ROWS = [
    "_______, KC_F1, KC_F2, KC_F3, KC_F4, KC_F5, _______,  _______, KC_F6, KC_F7, KC_F8, KC_F9, KC_F10, KC_F11",
    "_______, KC_EXLM, KC_AT, KC_LCBR, KC_RCBR, KC_PIPE, _______,  _______, KC_UP, KC_7, KC_8, KC_9, KC_ASTR, KC_F12",
    "_______, KC_HASH, KC_DLR, KC_LPRN, KC_RPRN, KC_GRV, _______,  _______, KC_DOWN, KC_4, KC_5, KC_6, KC_PLUS, "
    "_______",
    "_______, KC_PERC, KC_CIRC, KC_LBRC, KC_RBRC, KC_TILD,          KC_AMPR, KC_1, KC_2, KC_3, KC_BSLS, _______",
    "QK_BOOT, _______, _______, _______, _______, LED_LEVEL,        TOGGLE_LAYER_COLOR, _______, KC_DOT, KC_0, KC_EQL, "
    "_______",
    "_______, _______, _______,                                     _______, _______, _______",
]
# MDIA's last key is `RESET`, QMK's old name of QK_BOOT, which it dropped in 2022: the original builds because
# the STM32's own header declares RESET = 0 (a dead key), and the import keeps that.
MDIA_ROWS = [", ".join(["_______"] * count) for count in (14, 14, 13, 12, 12, 5)] + ["RESET"]
MDIA_ROWS[2] += ", KC_MPLY"
MDIA_ROWS[3] = ("_______, _______, _______, _______, _______, _______,  _______, _______, KC_MPRV, KC_MNXT, KC_VOLU, "
                "KC_VOLD")


def layer(name: str, rows: list[str]) -> str:
    return f"    [{name}] = LAYOUT(\n        " + ",\n        ".join(rows) + "\n    ),\n"


MOONLANDER_KEYMAP_C = (
    "#include QMK_KEYBOARD_H\n\n"
    "enum layers { BASE, SYMB, MDIA };\n\n"
    "enum custom_keycodes { ALTTAB = SAFE_RANGE };\n\n"
    "#define HOME_A LGUI_T(KC_A)\n#define HOME_S LALT_T(KC_S)\n\n"
    "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
    + layer("BASE", MOONLANDER_ROWS) + layer("SYMB", SYMB_ROWS) + layer("MDIA", MDIA_ROWS) + "};\n\n"
    "static bool alt_held = false;\n\n"
    "bool process_record_user(uint16_t keycode, keyrecord_t *record) {\n"
    "    if (keycode == ALTTAB) {\n"
    "        if (record->event.pressed) {\n"
    "            if (!alt_held) { register_code(KC_LALT); alt_held = true; }\n"
    "            tap_code(KC_TAB);\n"
    "        }\n"
    "        return false;\n"
    "    }\n"
    "    if (alt_held && !record->event.pressed && keycode == MO(SYMB)) {\n"
    "        unregister_code(KC_LALT);\n"
    "        alt_held = false;\n"
    "    }\n"
    "    return true;\n"
    "}\n"
)
MOONLANDER_RULES = "CONSOLE_ENABLE = no\nCOMMAND_ENABLE = no\nMOUSEKEY_ENABLE = no\nRGB_MATRIX_ENABLE = yes\n"
MOONLANDER_CONFIG = "#pragma once\n#define TAPPING_TERM 190\n#define PERMISSIVE_HOLD\n#define NO_MUSIC_MODE\n"
STM32_DFU = UsbDevice(0x0483, 0xDF11, 0x2200)
RP2_BOOT = UsbDevice(0x2E8A, 0x0003, 0x0100)


def never_run(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"nothing but the flasher may run: {args}")


@pytest.mark.parametrize("variable", TREES)
def test_an_imported_moonlander_keymap_builds_to_its_originals_bin_for_dfu_util(variable: str, tmp_path: Path) -> None:
    home = arm_tree(variable)
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keymap.c").write_text(MOONLANDER_KEYMAP_C)
    (folder / "rules.mk").write_text(MOONLANDER_RULES)
    (folder / "config.h").write_text(MOONLANDER_CONFIG)
    original = bench.build_original_program(home, folder / "keymap.c", "zsa/moonlander", tmp_path / "qmk", "2")
    assert original.keymaps is not None, original.why
    mine = bench.build_keyconf_program(home, folder / "keymap.c", "zsa/moonlander", tmp_path / "keyconf", "2")
    assert mine.keymaps is not None, mine.why
    assert bench.words(mine.keymaps) == bench.words(original.keymaps)
    assert bench.words(original.keymaps)[-1] == 0  # RESET, the chip's 0: the layout's KC_NO
    assert original.size is not None and mine.size == original.size

    # What the user flashes: the .bin QMK makes for dfu-util, its metadata naming the ST bootloader,
    # written with dfu-util at the STM32's flash (a fake dfu-util here, replaying a real one's output).
    [firmware] = [path for path in (tmp_path / "keyconf" / "out").glob("zsa_moonlander_*")
                  if not path.name.endswith(".keyconf.json")]
    assert firmware.suffix == ".bin" and read_firmware(firmware).format is FirmwareFormat.BIN
    metadata = read_metadata(firmware)
    assert metadata is not None and (metadata.processor, metadata.bootloader) == ("STM32F303", "stm32-dfu")
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    environment = FlashEnvironment(detector=Detector(usb=FakeBus(STM32_DFU), volumes=lambda: []),
                                   finder=finder_in(tools), run_command=never_run, settle=0.0, poll_interval=0.02)
    result = flash_firmware(firmware, wait=5, environment=environment)
    assert result.ok, result.log
    argv = (tools / "dfu-util.argv").read_text().split()
    assert argv[:6] == ["-a", "0", "-d", "0483:DF11", "-s", "0x08000000:leave"] and argv[-1] == str(firmware)


IRIS_BASE = """KC_GRV,  KC_1, KC_2, KC_3, KC_4, KC_5,                 KC_6, KC_7, KC_8, KC_9, KC_0, KC_BSPC,
KC_TAB,  KC_Q, KC_W, KC_E, KC_R, KC_T,                 KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSLS,
KC_ESC,  LCTL_T(KC_A), KC_S, KC_D, KC_F, KC_G,         KC_H, KC_J, KC_K, KC_L, RCTL_T(KC_SCLN), KC_QUOT,
KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B, KC_HOME,        KC_END, KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_RSFT,
                  KC_LGUI, MO(1), KC_ENT,              KC_SPC, LT(1, KC_BSPC), KC_RALT"""
IRIS_FN = """QK_BOOT, KC_F1, KC_F2, KC_F3, KC_F4, KC_F5,          KC_F6, KC_F7, KC_F8, KC_F9, KC_F10, KC_DEL,
_______, _______, _______, _______, _______, _______,  _______, KC_7, KC_8, KC_9, _______, _______,
_______, _______, _______, _______, _______, _______,  KC_LEFT, KC_DOWN, KC_UP, KC_RGHT, _______, _______,
_______, _______, _______, _______, _______, _______, KC_MPLY,   KC_MUTE, KC_1, KC_2, KC_3, _______, _______, _______,
                  _______, _______, _______,           _______, _______, KC_0"""


@pytest.mark.parametrize("variable", TREES)
def test_an_rp2040_layout_builds_to_a_uf2_for_its_drive(variable: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    home = arm_tree(variable, "lib/pico-sdk")
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    from keyconf.cli.main import main

    keyboard = QmkTree(home).keyboard("keebio/iris/rev8")
    assert keyboard.processor == "RP2040" and keyboard.geometry is not None
    (tmp_path / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\n\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        f"    [0] = LAYOUT(\n{IRIS_BASE}),\n    [1] = LAYOUT(\n{IRIS_FN}),\n}};\n")
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SKIP_GIT", "yes")
    assert main(["import", str(tmp_path / "keymap.c"), "--keyboard", "keebio/iris/rev8",
                 "-o", str(tmp_path / "iris.yaml")]) == 0
    loaded = load_layout(tmp_path / "iris.yaml")
    result = FirmwareBuild(BuildRequest(loaded.layout, home, tmp_path / "out", jobs=2,
                                        layout_path=tmp_path / "iris.yaml")).run()
    assert result.ok, "\n".join(p.message for p in result.problems) + "\n" + "\n".join(result.log[-40:])
    firmware = result.firmware
    assert firmware is not None and firmware.suffix == ".uf2"
    image = read_firmware(firmware)
    assert image.format is FirmwareFormat.UF2 and image.uf2 is not None and image.uf2.family_ids == (0xE48BFF56,)
    metadata = read_metadata(firmware)
    assert metadata is not None and (metadata.processor, metadata.bootloader) == ("RP2040", "rp2040")

    # keymaps[layer][row][col] of the linked program: each key of the layout at its switch's place.
    [elf] = (tmp_path / "cache").rglob("keebio_iris_rev8_*.elf")
    words = bench.words(bench.keymaps_bytes(elf))
    layout = keyboard.geometry.layouts["LAYOUT"]
    rows = max(key.matrix[0] for key in layout.keys if key.matrix) + 1
    columns = max(key.matrix[1] for key in layout.keys if key.matrix) + 1
    expected = [0] * (2 * rows * columns)
    context = ParseContext(layers=[layer.name for layer in loaded.layout.layers])
    for number, layer_keys in enumerate(loaded.layout.layers):
        for key, text in zip(layout.keys, layer_keys.keys, strict=True):
            assert key.matrix is not None
            value = REGISTRY.encode(REGISTRY.parse(text, context), context, Numbering.CURRENT)
            expected[(number * rows + key.matrix[0]) * columns + key.matrix[1]] = value
    assert len(words) == len(expected) and words == expected

    # Flashed as the RP2040's boot ROM takes it: copied onto its drive.
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    environment = FlashEnvironment(detector=Detector(usb=FakeBus(RP2_BOOT), volumes=lambda: [drive]),
                                   finder=lambda name: None, run_command=never_run, settle=0.0,
                                   poll_interval=0.02, reboot_grace=0)
    flashed = flash_firmware(firmware, wait=5, environment=environment)
    assert flashed.ok, flashed.log
    assert (drive.mount_point / "NEW.UF2").read_bytes() == firmware.read_bytes()


# A Charybdis keymap (bastardkb/charybdis/3x5, RP2040 on a Splinky): mouse buttons beside the trackball, which
# the board's pointing device sends with mouse keys off, as the board leaves them.
CHARYBDIS_KEYMAP_C = """#include QMK_KEYBOARD_H

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT(
        KC_Q, KC_W, KC_E, KC_R, KC_T,          KC_Y, KC_U, KC_I, KC_O, KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,          KC_H, KC_J, KC_K, KC_L, KC_QUOT,
        KC_Z, KC_X, KC_C, KC_V, KC_B,          KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                  KC_BTN1, KC_SPC, MO(1),      KC_ENT, KC_BSPC
    ),
    [1] = LAYOUT(
        KC_1, KC_2, KC_3, KC_4, KC_5,          KC_6, KC_7, KC_8, KC_9, KC_0,
        KC_BTN1, KC_BTN2, KC_BTN3, _______, _______,   KC_LEFT, KC_DOWN, KC_UP, KC_RGHT, _______,
        _______, _______, _______, _______, _______,   _______, _______, _______, _______, QK_BOOT,
                  _______, _______, _______,   _______, _______
    ),
};
"""


@pytest.mark.parametrize("variable", TREES)
def test_a_charybdis_keymaps_mouse_buttons_build_to_the_originals_size(variable: str, tmp_path: Path) -> None:
    """keyconf switched MOUSEKEY_ENABLE on for KC_BTN1 where the board leaves mouse keys off and its pointing
    device sends the buttons: its firmware was 1,328 bytes larger than the original's (thomashexton's
    Charybdis, the bench). Now the same keymaps[] and the same size."""
    home = arm_tree(variable, "lib/pico-sdk")
    sys.path.insert(0, str(ROOT / "bench"))
    import keymap_c_firmware_equivalence as bench

    board = "bastardkb/charybdis/3x5/v2/splinky_3"
    if "MOUSEKEY_ENABLE" in QmkTree(home).board_features(board):
        pytest.skip(f"{board} switches mouse keys on itself in {home}")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keymap.c").write_text(CHARYBDIS_KEYMAP_C)
    (folder / "rules.mk").write_text("CONSOLE_ENABLE = no\n")
    original = bench.build_original_program(home, folder / "keymap.c", board, tmp_path / "qmk", "2")
    assert original.keymaps is not None, original.why
    mine = bench.build_keyconf_program(home, folder / "keymap.c", board, tmp_path / "keyconf", "2")
    assert mine.keymaps is not None, mine.why
    assert bench.words(mine.keymaps) == bench.words(original.keymaps)
    assert "mousekey_task" not in mine.symbols and original.size is not None
    assert mine.size == original.size, bench.size_causes(original.symbols, mine.symbols)
