"""The controller footprint a board's definition names (`pin_compatible`, rules.mk's PIN_COMPATIBLE,
or what its `development_board` implies), read into `Keyboard.pin_compatible` wherever keyconf reads a
QMK definition: a user's own keyboard.json, a keymap's keyboard folder, a layout's embedded geometry.

The definitions are written here in the shape users' repositories hold (a hand-wired split built
around an Elite-C, a board made for any Pro Micro-footprint controller)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.formats.keyboard_folder import local_keyboard
from keyconf.formats.qmk_info import keyboard_from_info, load_info_file
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout
from keyconf.model.controllers import board_footprint
from keyconf.model.layout import Layer, Layout
from keyconf.model.validation import validate

SPLIT_KEYS = [{"matrix": [r, c], "x": c + (8 if r >= 2 else 0), "y": r % 2} for r in range(4) for c in range(3)]


def definition(**facts: object) -> dict[str, object]:
    return {
        "manufacturer": "me",
        "keyboard_name": "splitty",
        "maintainer": "me",
        "usb": {"vid": "0xFEED", "pid": "0x0001", "device_version": "1.0.0"},
        "matrix_pins": {"rows": ["D4", "C6"], "cols": ["F4", "F5", "F6"]},
        "diode_direction": "COL2ROW",
        "split": {"enabled": True, "soft_serial_pin": "D2"},
        **facts,
        "layouts": {"LAYOUT_split_3x2": {"layout": SPLIT_KEYS}},
    }


def write(path: Path, data: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return path


def test_an_elite_c_boards_own_keyboard_json(tmp_path: Path) -> None:
    # QMK's own shape for such a board (varanidae, ryanbaekr/rb86): the development board and the footprint.
    kb = load_info_file(write(tmp_path / "keyboard.json",
                              definition(development_board="elite_c", pin_compatible="elite_c")))
    assert (kb.processor, kb.bootloader, kb.pin_compatible) == ("atmega32u4", "atmel-dfu", "elite_c")
    assert board_footprint(kb) == "elite_c"


def test_a_development_board_implies_what_qmk_gives_it(tmp_path: Path) -> None:
    elite_c = keyboard_from_info(definition(development_board="elite_c"), "splitty")
    # QMK's defaults.hjson: an Elite-C board built without its extra pins is a Pro Micro footprint.
    assert (elite_c.processor, elite_c.bootloader, elite_c.pin_compatible) == ("atmega32u4", "atmel-dfu", "promicro")
    kb2040 = keyboard_from_info(definition(development_board="kb2040"), "splitty")
    assert (kb2040.processor, kb2040.bootloader, kb2040.pin_compatible) == ("RP2040", "rp2040", None)
    # What the file says itself wins over what its development board implies.
    own = keyboard_from_info(definition(development_board="promicro", bootloader="qmk-dfu"), "splitty")
    assert (own.processor, own.bootloader, own.pin_compatible) == ("atmega32u4", "qmk-dfu", "promicro")
    plain = keyboard_from_info(definition(processor="STM32F411"), "splitty")
    assert (plain.pin_compatible, board_footprint(plain)) == (None, None)


def test_a_keymaps_keyboard_folder_with_pin_compatible_in_rules_mk(tmp_path: Path) -> None:
    board = tmp_path / "keyboards" / "splitty"
    write(board / "keyboard.json", definition(processor="RP2040", bootloader="rp2040"))
    (board / "rules.mk").write_text("# the board takes any Pro Micro-footprint controller\nPIN_COMPATIBLE = promicro\n")
    keymap = board / "keymaps" / "mine" / "keymap.c"
    keymap.parent.mkdir(parents=True)
    keymap.write_text("")
    kb = local_keyboard(keymap)
    assert kb is not None and (kb.processor, kb.pin_compatible) == ("RP2040", "promicro")
    layout = Layout("splitty", "LAYOUT_split_3x2", layers=[Layer("base", ["KC_A"] * 12)], converter="stemcell")
    assert [p.code for p in validate(layout, kb) if p.location == ("converter",)] == []


def test_embedded_geometry_keeps_the_footprint() -> None:
    kb = keyboard_from_info(definition(processor="atmega32u4", pin_compatible="elite_c"), "splitty")
    layout = Layout("splitty", "LAYOUT_split_3x2", layers=[Layer("base", ["KC_A"] * 12)], converter="elite_pi")
    layout.geometry = kb
    text = dumps_layout(layout, kb)
    assert "pin_compatible: elite_c" in text
    again = loads_layout(text).layout
    assert again.geometry is not None and again.geometry.pin_compatible == "elite_c"
    assert [p.code for p in validate(again, again.geometry)] == []


def test_embedded_geometry_refuses_a_footprint_that_is_no_name() -> None:
    kb = keyboard_from_info(definition(processor="atmega32u4"), "splitty")
    layout = Layout("splitty", "LAYOUT_split_3x2", layers=[Layer("base", ["KC_A"] * 12)])
    layout.geometry = kb
    text = dumps_layout(layout, kb).replace("  processor: atmega32u4\n",
                                            "  processor: atmega32u4\n  pin_compatible: \"$(shell x)\"\n")
    assert "pin_compatible" in text
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text)
    assert "pin_compatible" in caught.value.message
