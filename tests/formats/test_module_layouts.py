"""A keymap written for a layout macro its QMK userspace's config.h defines (splitkb's Halcyon modules:
`LAYOUT_split_3x6_5_hlc` under `#if PRODUCT_ID == 0x7FCE`, five module keys per half as more matrix rows),
read where it lives: the board gains the macro, the module's keys are drawn under their halves, and a
build refuses before make, naming the userspace it needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.compiler.checks import BuildRefused, plan_build
from keyconf.compiler.export import export_layout
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import KEYMAP_C, KEYMAP_JSON, KeyboardMismatch, import_layout
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.validation import validate
from tests.compiler.fake_tree import make_fake_tree, ortho_layout

BOARD = "splitkb/halcyon/kyria/rev4"  # USB product id 0x7FCE; 8 matrix rows, 4 a half
MACRO = "LAYOUT_split_3x6_5_hlc"
MODULE_KEYS = 5  # a module's keys on each half


def _board() -> Keyboard:
    board = CatalogueKeyboards().by_name(BOARD)
    assert board is not None and board.usb_pid == 0x7FCE and board.matrix_rows == 8
    return board


def _module_macro(board: Keyboard, name: str = MACRO) -> str:
    """The board's own layout as a macro of 10 matrix rows (5 a half: the right half's rows one lower),
    its arguments the board's keys in order and then the module keys of each half (row 4 and row 9)."""
    own = board.layout("LAYOUT_split_3x6_5").keys
    places = [(row + (row >= 4), col) for row, col in (key.matrix for key in own if key.matrix is not None)]
    places += [(4, col) for col in range(MODULE_KEYS)] + [(9, col) for col in range(MODULE_KEYS)]
    names = {place: f"r{place[0]}c{place[1]}" for place in places}
    rows = [", ".join(names.get((row, col), "KC_NO") for col in range(7)) for row in range(10)]
    body = ", \\\n        ".join(f"{{ {row} }}" for row in rows)
    return f"#define {name}({', '.join(names[p] for p in places)}) {{ \\\n        {body} \\\n    }}\n"


def _userspace(root: Path, board: Keyboard, condition: str, config: str = "splitkb/config.h") -> None:
    (root / ".git").mkdir(parents=True)
    header = root / "users" / "halcyon_modules" / config
    header.parent.mkdir(parents=True)
    # Another board's block first, defining a macro of the same name with fewer keys: the #if chooses.
    other = f"#define {MACRO}(a, b) {{ {{ a, b }} }}\n"
    rows = "    #undef MATRIX_ROWS\n    #define MATRIX_ROWS 10\n"
    encoders = "    #undef ENCODER_A_PINS\n    #define ENCODER_A_PINS { GP23, HLC_ENCODER_A }\n"
    header.write_text("#pragma once\n#define HLC_ENCODER_A NO_PIN\n"
                      f"#if PRODUCT_ID == 0x3A07\n{rows}    {other}#endif\n"
                      f"#if {condition}\n{encoders}{rows}    {_module_macro(board)}#endif\n")


def _keymap_c(folder: Path, keys: int, rules: str | None = "USER_NAME := halcyon_modules\n") -> Path:
    folder.mkdir(parents=True)
    if rules is not None:
        (folder / "rules.mk").write_text(rules)
    codes = ", ".join(["KC_A", "KC_B"] + ["KC_TRNS"] * (keys - 4) + ["KC_MUTE", "KC_VOLU"])
    keymap = folder / "keymap.c"
    keymap.write_text("#include QMK_KEYBOARD_H\n"
                      "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                      f"    [0] = {MACRO}({codes}),\n}};\n")
    return keymap


def test_a_keymap_c_in_its_halcyon_userspace_imports_with_the_modules_keys(tmp_path: Path) -> None:
    board = _board()
    _userspace(tmp_path, board, "PRODUCT_ID == 0x7FCE")
    keymap = _keymap_c(tmp_path / "keyboards" / "splitkb" / "halcyon" / "kyria" / "keymaps" / "mine", 60)
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    layout, extended = imported.layout, imported.keyboard
    assert extended is not None and layout.geometry is extended and extended.name == BOARD
    assert layout.layout_macro == MACRO and layout.keyboard == BOARD
    assert extended.matrix_rows == 10 and len(extended.encoders) == 4  # its ENCODER_A_PINS: two a half
    keys = extended.layouts[MACRO].keys
    assert len(keys) == 60 and keys[-1].matrix == (9, MODULE_KEYS - 1)
    own = board.layout("LAYOUT_split_3x6_5").keys
    # The board's keys are where the board draws them, at the macro's matrix places (the right half's lower).
    assert [(k.x, k.y, k.r) for k in keys[:50]] == [(k.x, k.y, k.r) for k in own]
    right = next(i for i, k in enumerate(own) if k.matrix is not None and k.matrix[0] >= 4)
    assert own[right].matrix is not None and keys[right].matrix == (own[right].matrix[0] + 1, own[right].matrix[1])
    # The module's keys: a row under each half.
    left_bottom = max(k.y for k in own if k.matrix is not None and k.matrix[0] < 4)
    right_bottom = max(k.y for k in own if k.matrix is not None and k.matrix[0] >= 4)
    assert all(k.y > left_bottom for k in keys[50:55]) and all(k.y > right_bottom for k in keys[55:])
    assert max(k.x for k in keys[50:55]) < min(k.x for k in keys[55:])
    assert any("users/halcyon_modules/splitkb/config.h" in w for w in imported.warnings)
    assert [p.message for p in validate(layout, extended) if p.is_error] == []
    # The layout carries the extended board: it reopens and validates without the userspace.
    again = loads_layout(dumps_layout(layout, extended), "x.yaml").layout
    assert again.geometry is not None and again.geometry.layouts[MACRO].key_count == 60
    assert [p.message for p in validate(again, again.geometry) if p.is_error] == []
    # Written back, the keymap.c calls the same macro with the same keys.
    written = export_layout(again, KEYMAP_C, again.geometry)
    assert f"= {MACRO}(" in written
    assert import_layout(keymap, finder=CatalogueKeyboards()).layout.layers[0].keys[-2:] == ["KC_MUTE", "KC_VOLU"]


def test_a_keymap_json_named_as_its_userspace_reads_the_older_config_h_and_keyboard_names(tmp_path: Path) -> None:
    """splitkb's 2024 userspace kept the macros in users/halcyon_modules/config.h; later ones test
    `defined(KEYBOARD_splitkb_halcyon_kyria_rev4)`. With no rules.mk, QMK takes the keymap's name as USER_NAME."""
    board = _board()
    _userspace(tmp_path, board, "defined(KEYBOARD_splitkb_halcyon_kyria_rev4)", config="config.h")
    folder = tmp_path / "keyboards" / "splitkb" / "halcyon" / "kyria" / "keymaps" / "halcyon_modules"
    folder.mkdir(parents=True)
    keymap = folder / "keymap.json"
    keymap.write_text(json.dumps({"keyboard": BOARD, "keymap": "halcyon_modules", "layout": MACRO,
                                  "layers": [["KC_Q"] * 60], "encoders": [[{"ccw": "KC_VOLD", "cw": "KC_VOLU"}] * 4]}))
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    assert imported.layout.geometry is not None and imported.layout.layout_macro == MACRO
    assert [p.message for p in validate(imported.layout, imported.keyboard) if p.is_error] == []
    written = json.loads(export_layout(imported.layout, KEYMAP_JSON, imported.keyboard))
    assert written["layout"] == MACRO and len(written["layers"][0]) == 60


def test_without_its_userspace_or_for_another_board_the_macro_stays_unknown(tmp_path: Path) -> None:
    board = _board()
    _userspace(tmp_path / "repo", board, "PRODUCT_ID == 0x3A07")  # for the Corne only
    keymap = _keymap_c(tmp_path / "repo" / "keyboards" / "splitkb" / "halcyon" / "kyria" / "keymaps" / "mine", 60)
    alone = tmp_path / "alone" / "keymap.c"
    alone.parent.mkdir()
    alone.write_text(keymap.read_text())
    for path in (keymap, alone):
        with pytest.raises(KeyboardMismatch) as caught:
            import_layout(path, keyboard=board, finder=CatalogueKeyboards())
        assert "which splitkb's Halcyon modules define" in caught.value.message
        assert caught.value.hint is not None and "where it lives in your QMK userspace" in caught.value.hint


def test_a_build_of_a_halcyon_module_layout_refuses_before_make_naming_the_userspace(tmp_path: Path) -> None:
    board = _board()
    _userspace(tmp_path / "repo", board, "PRODUCT_ID == 0x7FCE")
    keymap = _keymap_c(tmp_path / "repo" / "keyboards" / "splitkb" / "halcyon" / "kyria" / "keymaps" / "mine", 60)
    layout = import_layout(keymap, finder=CatalogueKeyboards()).layout
    root = make_fake_tree(tmp_path / "qmk_firmware")
    definition = root / "keyboards" / "splitkb" / "halcyon" / "kyria" / "rev4" / "keyboard.json"
    definition.parent.mkdir(parents=True)
    definition.write_text(json.dumps({"keyboard_name": "Halcyon Kyria", "processor": "RP2040", "bootloader": "rp2040",
                                      "layouts": {"LAYOUT_split_3x6_5": {"layout": ortho_layout(5, 10)}}}))
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, QmkTree(root), check_toolchain=False)
    [problem] = caught.value.problems
    assert problem.code == "userspace-layout-macro" and problem.location == ("layout",)
    assert MACRO in problem.message and problem.hint is not None
    assert "users/halcyon_modules" in problem.hint and "HLC_ENCODER=1" in problem.hint


def test_a_module_macro_of_a_matrix_no_firmware_has_is_not_taken(tmp_path: Path) -> None:
    # A userspace macro placing a key at matrix row 3001 (or column 3001): the board was extended with a
    # 3002-row matrix, and the layout could not be written ('matrix row must be between 0 and 255', no place).
    board = _board()
    for body in ("{a}, " + "{KC_NO}, " * 3000 + "{b}", "{a, " + "KC_NO, " * 3000 + "b}"):
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        (root / ".git").mkdir(parents=True)
        header = root / "users" / "halcyon_modules" / "config.h"
        header.parent.mkdir(parents=True)
        header.write_text(f"#pragma once\n#if PRODUCT_ID == 0x{board.usb_pid:04X}\n#define {MACRO}(a, b) {{ {body} }}\n"
                          "#endif\n")
        keymap = _keymap_c(root / "keyboards" / "splitkb" / "halcyon" / "kyria" / "keymaps" / "mine", 4)
        keymap.write_text(keymap.read_text().replace("KC_A, KC_B, KC_MUTE, KC_VOLU", "KC_A, KC_B"))
        with pytest.raises(FormatError) as caught:
            import_layout(keymap, finder=CatalogueKeyboards())
        assert caught.value.line == 2 and f"the file is for layout {MACRO} (2 keys)" in caught.value.message
