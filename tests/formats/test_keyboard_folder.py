"""A keymap.c in its own repository's keyboard folder imports with that keyboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.interchange import import_layout
from keyconf.formats.keyboard_folder import keyboard_name, local_keyboard
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.validation import validate

# A hand-wired 2x3 board kept in a user's repository, shaped like Shel-M/dactyl-qmk's cosmotyl.
KEYBOARD_JSON = {
    "keyboard_name": "Tiny",
    "manufacturer": "Me",
    "usb": {"vid": "0xFEED", "pid": "0x0001", "device_version": "1.0.0"},
    "matrix_pins": {"cols": ["D4", "C6", "D7"], "rows": ["B1", "B3"]},
    "processor": "atmega32u4",
    "bootloader": "caterina",
    "layouts": {
        "LAYOUT_tiny": {
            "layout": [{"matrix": [r, c], "x": c, "y": r} for r in range(2) for c in range(3)],
        }
    },
}
KEYMAP_C = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_tiny(KC_A, KC_B, KC_C, KC_D, KC_E, MO(1)),
    [1] = LAYOUT_tiny(KC_1, KC_2, KC_3, KC_4, KC_5, KC_TRNS),
};
"""


def repository(root: Path, board: str = "keyboards/tiny") -> Path:
    folder = root / board
    (folder / "keymaps" / "mine").mkdir(parents=True)
    (folder / "keyboard.json").write_text(json.dumps(KEYBOARD_JSON))
    keymap = folder / "keymaps" / "mine" / "keymap.c"
    keymap.write_text(KEYMAP_C)
    return keymap


def test_the_keyboard_folder_around_a_keymap_defines_its_board(tmp_path: Path) -> None:
    keymap = repository(tmp_path)
    board = local_keyboard(keymap)
    assert board is not None and board.name == "tiny" and list(board.layouts) == ["LAYOUT_tiny"]
    assert keyboard_name(repository(tmp_path / "other", "handwired/me/tiny")) == "tiny"
    assert local_keyboard(tmp_path / "nowhere" / "keymap.c") is None


def test_a_keymap_of_a_board_the_catalogue_lacks_imports_with_its_folders_board(tmp_path: Path) -> None:
    imported = import_layout(repository(tmp_path))
    layout = imported.layout
    assert imported.keyboard is not None and layout.keyboard == "tiny" and layout.layout_macro == "LAYOUT_tiny"
    assert any("keyboard tiny from" in w and "the catalogue does not know it" in w for w in imported.warnings)
    # The layout carries the board, so it opens and validates where the catalogue lacks it.
    again = loads_layout(dumps_layout(layout, imported.keyboard)).layout
    assert again.geometry is not None and list(again.geometry.layouts) == ["LAYOUT_tiny"]
    assert [p.message for p in validate(again, again.geometry) if p.is_error] == []


def test_a_keymap_whose_known_board_lacks_its_layout_takes_the_folders(tmp_path: Path) -> None:
    # A fork renamed the board's layout (klor's LAYOUT_konrad): QMK builds it with the fork's own files.
    keymap = repository(tmp_path, "crkbd")
    imported = import_layout(keymap, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.layout_macro == "LAYOUT_tiny" and imported.layout.keyboard == "crkbd"
    assert any("crkbd/rev1 has no layout LAYOUT_tiny" in w for w in imported.warnings)


WRAPPED_KEYMAP = """#include QMK_KEYBOARD_H
#include "wrappers.h"

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT_wrapper(__ROW_1__, HRM_A, KC_B, KC_C, MY_KEY, KC_E, MO(1)),
    [1] = LAYOUT_tiny(KC_1, KC_2, KC_3, KC_4, KC_5, KC_TRNS),
};
"""
# The user's userspace header (qmk_userspace/users/mine/wrappers.h), as QMK's build finds it.
WRAPPERS_H = """#pragma once
#define _BASE 0
#define HRM_A LGUI_T(KC_A)
#define __ROW_1__ KC_Q
#define LAYOUT_wrapper(...) LAYOUT_tiny(__VA_ARGS__)
enum userspace_keycodes { MY_KEY = SAFE_RANGE };
"""


def test_a_userspace_headers_defines_expand_as_qmks_build_would(tmp_path: Path) -> None:
    keymap = repository(tmp_path)
    keymap.write_text(WRAPPED_KEYMAP.replace("__ROW_1__, ", ""))
    (tmp_path / "users" / "mine").mkdir(parents=True)
    (tmp_path / "users" / "mine" / "wrappers.h").write_text(WRAPPERS_H)
    imported = import_layout(keymap)
    layout = imported.layout
    assert layout.layout_macro == "LAYOUT_tiny"
    assert layout.layers[0].keys == ["LGUI_T(KC_A)", "KC_B", "KC_C", "MY_KEY", "KC_E", "MO(layer1)"]
    # Its enum stays the header's: MY_KEY is a keycode the header defines, included as before.
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [("MY_KEY", ["wrappers.h"])]


def test_an_editors_stub_branch_under_ifndef_qmk_keyboard_h_is_not_read() -> None:
    from keyconf.formats.keymap_c_import import read_keymap_c

    text = """#ifndef QMK_KEYBOARD_H
#    define LAYOUT_tiny(...) { }
#else
#    include QMK_KEYBOARD_H
#endif
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT_tiny(KC_A, KC_B) };"""
    layout = read_keymap_c(text, "keymap.c", "x").layout
    assert layout.layout_macro == "LAYOUT_tiny" and layout.layers[0].keys == ["KC_A", "KC_B"]


def test_a_keymap_of_a_boards_folder_takes_the_revision_with_its_layout() -> None:
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import import_text

    finder = CatalogueKeyboards()
    if finder.by_name("crkbd/rev4_0/standard") is None:
        import pytest

        pytest.skip("the catalogue of this install lacks crkbd/rev4_0 (no generated catalogue)")
    keys = ", ".join(["KC_A"] * 46)
    text = f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3_ex2({keys}) }};"
    # keyboards/crkbd/keymaps/x builds for every crkbd; rev1 (crkbd's default) lacks the _ex2 layout.
    imported = import_text(text, "keyboards/crkbd/keymaps/x/keymap.c", finder=finder, format="keymap.c")
    assert imported.keyboard is not None and imported.keyboard.name.startswith("crkbd/rev4")
    assert any("crkbd/rev1 has no layout LAYOUT_split_3x6_3_ex2" in w for w in imported.warnings)


def test_a_tap_dance_enum_in_a_header_numbers_the_files_table(tmp_path: Path) -> None:
    # boardsource/lulu keymaps keep `enum { TD_MEDIA, TD_ESC }` in keymap.h beside keymap.c.
    keymap = repository(tmp_path)
    keymap.write_text("""#include QMK_KEYBOARD_H
#include "keymap.h"
tap_dance_action_t tap_dance_actions[] = {
    [TD_ESC] = ACTION_TAP_DANCE_DOUBLE(KC_ESC, KC_CAPS),
    [TD_MEDIA] = ACTION_TAP_DANCE_DOUBLE(KC_MPLY, KC_MNXT),
};
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_tiny(TD(TD_MEDIA), TD(TD_ESC), KC_C, KC_D, KC_E, KC_F),
};
""")
    (keymap.parent / "keymap.h").write_text("#pragma once\nenum tap_dances { TD_MEDIA, TD_ESC };\n")
    layout = import_layout(keymap).layout
    assert [(d.name, d.tap) for d in layout.tap_dances] == [("td_media", "KC_MPLY"), ("td_esc", "KC_ESC")]
    assert layout.layers[0].keys[:2] == ["TD(td_media)", "TD(td_esc)"]


def test_rules_mk_beside_a_keymap_switches_features_on_for_its_layout(tmp_path: Path) -> None:
    from keyconf.compiler.sources import generate_sources

    keymap = repository(tmp_path)
    (keymap.parent / "rules.mk").write_text(
        "OLED_ENABLE = yes  # the C code draws on it\nTAP_DANCE_ENABLE=yes\nRGBLIGHT_ENABLE = no\nMCU = RP2040\n")
    imported = import_layout(keymap)
    layout = imported.layout
    assert layout.features == ["OLED_ENABLE", "TAP_DANCE_ENABLE"]
    assert any("switches off RGBLIGHT_ENABLE" in w for w in imported.warnings)
    text = dumps_layout(layout, imported.keyboard)
    assert "features: [OLED_ENABLE, TAP_DANCE_ENABLE]" in text
    again = loads_layout(text).layout
    assert again.features == layout.features
    rules = generate_sources(again, imported.keyboard).rules_mk
    assert "OLED_ENABLE" in rules and "TAP_DANCE_ENABLE" in rules
    assert "RGBLIGHT_ENABLE = no" in rules  # switched off as the keymap's rules.mk did (features_off)


def test_rules_mk_switches_that_are_not_x_enable_come_along_with_the_file_qmk_includes(tmp_path: Path) -> None:
    """A keymap's own RGB matrix effects (rgb_matrix_user.inc under RGB_MATRIX_CUSTOM_USER = yes, as ZSA's
    Oryx keymaps switch on the board's RGB_MATRIX_CUSTOM_KB) and its shared USB endpoint: make switches
    without the _ENABLE suffix, which the import dropped, so keyconf's firmware lost the effects and the
    build of a keymap selecting one failed."""
    from keyconf.compiler.sources import generate_sources

    keymap = repository(tmp_path)
    (keymap.parent / "rules.mk").write_text("RGB_MATRIX_ENABLE = yes\nRGB_MATRIX_CUSTOM_USER = yes\n"
                                           "KEYBOARD_SHARED_EP = yes\nRGB_MATRIX_CUSTOM_KB = no\nDEBOUNCE_TYPE = x\n")
    (keymap.parent / "rgb_matrix_user.inc").write_text('#include "glow.h"\nRGB_MATRIX_EFFECT(my_glow)\n')
    (keymap.parent / "glow.h").write_text("#define GLOW_BLUE 40\n")
    imported = import_layout(keymap)
    layout = imported.layout
    assert layout.features == ["RGB_MATRIX_ENABLE", "RGB_MATRIX_CUSTOM_USER", "KEYBOARD_SHARED_EP"]
    assert "RGB_MATRIX_CUSTOM_KB" in layout.features_off
    assert [(f.path, f.compile) for f in layout.c_files] == [("rgb_matrix_user.inc", False), ("glow.h", False)]
    assert "features: [RGB_MATRIX_ENABLE, RGB_MATRIX_CUSTOM_USER, KEYBOARD_SHARED_EP]" in dumps_layout(
        layout, imported.keyboard)
    rules = generate_sources(layout, imported.keyboard).rules_mk
    assert re.search(r"^RGB_MATRIX_CUSTOM_USER *= yes$", rules, re.M)
    assert re.search(r"^KEYBOARD_SHARED_EP *= yes$", rules, re.M)
    assert re.search(r"^RGB_MATRIX_CUSTOM_KB *= no", rules, re.M)
    # DEBOUNCE_TYPE is no switch: an option picking QMK's debounce algorithm by name, which `rules:` holds.
    assert layout.rules == {"DEBOUNCE_TYPE": "x"} and re.search(r"^DEBOUNCE_TYPE = x ", rules, re.M)

    (keymap.parent / "rules.mk").write_text("RGB_MATRIX_ENABLE = yes\n")  # no switch: QMK does not include it
    assert import_layout(keymap).layout.c_files == []


def test_a_features_entry_that_is_no_switch_is_refused() -> None:
    import pytest

    from keyconf.formats.yaml_layout import LayoutFileError

    with pytest.raises(LayoutFileError, match="is not a QMK feature switch"):
        loads_layout("keyboard: crkbd/rev1\nlayout: LAYOUT_split_3x5_3\nfeatures: [OLED_ENABLE, 'X = yes\\nY']\n"
                     "layers:\n  base: [" + ", ".join(["KC_A"] * 36) + "]\n")


def _split_board(rows: int) -> dict[str, object]:
    """A hand-wired split board's keyboard.json, pins of one half only (a TOTEM-shaped repository)."""
    return {
        "keyboard_name": "Halves",
        "matrix_pins": {"cols": ["GP1", "GP2", "GP3"], "rows": [f"GP{10 + r}" for r in range(rows)]},
        "processor": "RP2040",
        "bootloader": "rp2040",
        "layouts": {"LAYOUT": {"layout": [{"matrix": [r, c], "x": c + 4 * (r // rows), "y": r % rows}
                                          for r in range(2 * rows) for c in range(3)]}},
    }


def test_a_local_split_boards_matrix_counts_its_config_h_and_rules_mk(tmp_path: Path) -> None:
    # keyboard.json lists one half's pins; config.h says MATRIX_ROWS 4 (or rules.mk SPLIT_KEYBOARD = yes):
    # `qmk info` merges both, so the right half's keys [2..3, x] are inside the matrix.
    config_h = "#pragma once\n#define MATRIX_ROWS 4\n#define MATRIX_COLS 3\n"
    for name, make_file, text in (("config", "config.h", config_h),
                                  ("rules", "rules.mk", "SPLIT_KEYBOARD = yes\nMCU = RP2040\n")):
        keymap = repository(tmp_path / name)
        folder = keymap.parent.parent.parent
        (folder / "keyboard.json").write_text(json.dumps(_split_board(2)))
        (folder / make_file).write_text(text)
        keymap.write_text(KEYMAP_C.replace("LAYOUT_tiny(", "LAYOUT(KC_1, KC_2, KC_3, KC_4, KC_5, KC_6, "))
        imported = import_layout(keymap)
        board = imported.keyboard
        assert board is not None and (board.matrix_rows, board.matrix_cols) == (4, 3)
        assert len(imported.layout.layers[0].keys) == 12


def test_a_keymap_in_a_folder_of_boards_takes_its_default_folder_or_the_board_with_its_layout(tmp_path: Path) -> None:
    # keyboards/aki27/cocot38mini/keymaps/mine beside v1/ and v2/ (an info.json above them without layouts):
    # QMK builds the keymap for each board inside; DEFAULT_FOLDER picks one when the folder names it.
    keymap = repository(tmp_path, "keyboards/maker/tiny")
    folder = keymap.parent.parent.parent
    (folder / "keyboard.json").unlink()
    (folder / "info.json").write_text(json.dumps({"manufacturer": "Me", "usb": {"vid": "0xFEED", "pid": "0x0001"}}))
    other = dict(KEYBOARD_JSON, layouts={"LAYOUT_other": KEYBOARD_JSON["layouts"]["LAYOUT_tiny"]})  # type: ignore[index]
    for revision, definition in (("v1", other), ("v2", KEYBOARD_JSON), ("v3", KEYBOARD_JSON)):
        (folder / revision).mkdir()
        (folder / revision / "keyboard.json").write_text(json.dumps(definition))
    imported = import_layout(keymap)
    assert imported.keyboard is not None and imported.keyboard.name == "maker/tiny/v2"
    assert any("holds 3 boards" in w and "maker/tiny/v2, the first with LAYOUT_tiny of 6 keys" in w
               for w in imported.warnings)
    (folder / "rules.mk").write_text("DEFAULT_FOLDER = maker/tiny/v3\n")
    imported = import_layout(keymap)
    assert imported.keyboard is not None and imported.keyboard.name == "maker/tiny/v3"
    assert any("maker/tiny/v3, its rules.mk's DEFAULT_FOLDER" in w for w in imported.warnings)
    assert [p.message for p in validate(imported.layout, imported.keyboard) if p.is_error] == []


def test_a_keymap_json_in_the_keymaps_folder_of_a_board_the_user_keeps_takes_that_board(tmp_path: Path) -> None:
    # qmk_userspace/keyboards/bgkendall/clearpad/keymaps/default/keymap.json, its "keyboard" a name no
    # catalogue has: QMK builds the keymap folder's file with the board around it, as for a keymap.c.
    keymap = repository(tmp_path, "keyboards/maker/tiny")
    keymap.unlink()
    as_json = keymap.with_name("keymap.json")
    as_json.write_text(json.dumps({"keyboard": "handwired/maker/tiny", "layout": "LAYOUT_tiny",
                                   "layers": [["KC_A", "KC_B", "KC_C", "KC_D", "KC_E", "MO(1)"], ["KC_TRNS"] * 6]}))
    imported = import_layout(as_json)
    assert imported.keyboard is not None and imported.layout.keyboard == "maker/tiny"
    assert imported.layout.geometry is not None
    assert any("keyboard maker/tiny from" in w and "the catalogue does not know it" in w for w in imported.warnings)
    assert [p.message for p in validate(imported.layout, imported.keyboard) if p.is_error] == []
