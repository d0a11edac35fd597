"""The controller a real keymap builds for comes along on import: keymap.json's `converter`, and
`CONVERT_TO` / `BOOTLOADER` of the keymap folder's rules.mk (and a userspace's BOOTLOADER); exports
write `converter` to keymap.json and say what a format cannot hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.export import export_layout, export_warnings, keymap_c_sources
from keyconf.formats.interchange import import_layout, import_text
from keyconf.model.layout import Layer, Layout

KEYS = ", ".join(["KC_A"] * 42)
KEYMAP_C = f"""#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({KEYS}) }};
"""


def keymap_folder(tmp_path: Path, rules: str, user_rules: str | None = None) -> Path:
    folder = tmp_path / "keyboards/crkbd/keymaps/mine"
    folder.mkdir(parents=True)
    (folder / "keymap.c").write_text(KEYMAP_C)
    (folder / "rules.mk").write_text(rules)
    if user_rules is not None:
        (tmp_path / "users/mine").mkdir(parents=True)
        (tmp_path / "users/mine/rules.mk").write_text(user_rules)
    return folder / "keymap.c"


@pytest.mark.parametrize("rules, converter, bootloader", [
    ("OLED_ENABLE = yes\nCONVERT_TO = rp2040_ce\n", "rp2040_ce", None),
    ("CONVERT_TO := elite_pi   # my Elite-Pi\n", "elite_pi", None),
    ("CONVERT_TO ?= kb2040\nCONVERT_TO ?= proton_c\n", "kb2040", None),  # ?= only when unset: the first
    ("BOOTLOADER = atmel-dfu  # Elite-C\n", None, "atmel-dfu"),
    ("# CONVERT_TO = rp2040_ce\nBOOTLOADER = qmk-dfu\n", None, "qmk-dfu"),
])
def test_keymap_rules_mk(tmp_path, rules, converter, bootloader):
    imported = import_layout(keymap_folder(tmp_path, rules), keyboard=load_bundled("crkbd/rev1"))
    assert (imported.layout.converter, imported.layout.bootloader) == (converter, bootloader)
    assert any("another controller" in w for w in imported.warnings)


def test_a_value_make_computes_is_left_out_with_a_warning(tmp_path):
    imported = import_layout(keymap_folder(tmp_path, "CONVERT_TO = $(MY_CHIP)\n"), keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.converter is None
    assert any("sets CONVERT_TO under a condition keyconf cannot decide, or to a value make code computes" in w
               and "leaves it as the board has it" in w for w in imported.warnings)


def test_userspace_bootloader_wins_and_its_convert_to_is_not_taken(tmp_path):
    rules = "USER_NAME = mine\nBOOTLOADER = caterina\n"
    path = keymap_folder(tmp_path, rules, "BOOTLOADER = atmel-dfu\nCONVERT_TO = rp2040_ce\n")
    (tmp_path / "users/mine/mine.h").write_text("#pragma once\n")
    imported = import_layout(path, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.bootloader == "atmel-dfu"
    assert imported.layout.converter is None
    assert any("CONVERT_TO = rp2040_ce" in w and "too late" in w for w in imported.warnings)


def test_keymap_json_converter_is_kept_and_written_back():
    data = {"keyboard": "crkbd/rev1", "keymap": "mine", "layout": "LAYOUT_split_3x6_3", "converter": "rp2040_ce",
            "layers": [["KC_A"] * 42]}
    imported = import_text(json.dumps(data), "keymap.json", format="keymap.json", keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.converter == "rp2040_ce"
    assert not any("converter" in w for w in imported.warnings)
    written = json.loads(export_layout(imported.layout, "keymap.json", load_bundled("crkbd/rev1")))
    assert written["converter"] == "rp2040_ce"


def test_keymap_json_converter_that_is_not_a_name_is_left_out():
    data = {"keyboard": "crkbd/rev1", "layout": "LAYOUT_split_3x6_3", "converter": "RP 2040", "layers": [["KC_A"] * 42]}
    imported = import_text(json.dumps(data), "keymap.json", format="keymap.json", keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.converter is None and any("'RP 2040'" in w for w in imported.warnings)


def test_exports_say_what_they_leave_behind():
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", layers=[Layer("base", ["KC_A"] * 42)],
                    converter="rp2040_ce", bootloader="rp2040")
    assert any("no bootloader field" in w for w in export_warnings(layout, "keymap.json"))
    assert any("converter: rp2040_ce, bootloader: rp2040" in w for w in export_warnings(layout, "via"))
    assert export_warnings(layout, "keymap.c") == []
    layout.bootloader = None
    assert export_warnings(layout, "keymap.json") == []


def test_keymap_c_export_writes_them_into_rules_mk():
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", layers=[Layer("base", ["KC_A"] * 42)],
                    converter="rp2040_ce", bootloader="rp2040")
    rules = keymap_c_sources(layout, load_bundled("crkbd/rev1"))["rules.mk"]
    assert "\nCONVERT_TO = rp2040_ce  #" in rules and "\nBOOTLOADER = rp2040  #" in rules


def test_a_keymap_json_beside_the_keymap_c_gives_the_converter(tmp_path):
    # QMK builds such a folder from keymap.json (keymap.c included by it): its converter applies.
    path = keymap_folder(tmp_path, "OLED_ENABLE = no\n")
    path.with_name("keymap.json").write_text('{\n    "converter": "rp2040_ce"\n}\n')
    imported = import_layout(path, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.converter == "rp2040_ce"


def test_a_bootloader_for_another_chip_is_left_out_saying_why(tmp_path):
    # A Corne keymap that set `MCU = RP2040` and `BOOTLOADER = rp2040`: keyconf keeps no MCU, and an
    # atmega32u4 build with the RP2040's bootloader would not build.
    imported = import_layout(keymap_folder(tmp_path, "MCU = RP2040\nBOOTLOADER = rp2040\n"),
                             keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.bootloader is None
    assert any(w.startswith("bootloader rp2040 was left out") and "atmega32u4" in w for w in imported.warnings)


def test_an_upper_case_converter_is_not_a_qmk_name_and_is_left_out(tmp_path):
    imported = import_layout(keymap_folder(tmp_path, "CONVERT_TO = BLOK\n"), keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.converter is None and any("CONVERT_TO = BLOK" in w for w in imported.warnings)
