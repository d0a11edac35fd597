"""A user's QMK tree older than keyconf's catalogue: a file using a layout the tree's board does not
have yet is read with keyconf's own definition of the board, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.interchange import FormatError, import_text


def old_tree(root: Path) -> Path:
    """A tree whose planck/rev6 has one 48-key layout (LAYOUT_ortho_4x12), as a tree from before
    its MIT layout would."""
    for marker in ("quantum", "lib/python/qmk/cli"):
        (root / marker).mkdir(parents=True)
    for marker in ("requirements.txt", "requirements-dev.txt"):
        (root / marker).write_text("")
    (root / "lib/python/qmk/cli/__init__.py").write_text("")
    board = root / "keyboards/planck/rev6"
    board.mkdir(parents=True)
    keys = [{"matrix": [r, c], "x": c, "y": r} for r in range(4) for c in range(12)]
    (board / "keyboard.json").write_text(json.dumps({
        "keyboard_name": "Planck", "manufacturer": "OLKB", "processor": "STM32F303", "bootloader": "stm32-dfu",
        "usb": {"vid": "0x03A8", "pid": "0xA4F9", "device_version": "0.0.6"},
        "matrix_pins": {"cols": ["A0"] * 12, "rows": ["B0"] * 4}, "diode_direction": "COL2ROW",
        "layouts": {"LAYOUT_ortho_4x12": {"layout": keys}},
    }))
    return root


def finder(tmp_path: Path, tree: Path) -> CatalogueKeyboards:
    return CatalogueKeyboards(Catalogue.open(tree, environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                                             definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache"))


def mit_keymap(keys: int) -> str:
    layer = ["KC_A"] * keys
    return json.dumps({"version": 1, "keyboard": "planck/rev6", "keymap": "mine", "layout": "LAYOUT_planck_mit",
                       "layers": [layer]})


def test_a_layout_the_tree_lacks_reads_with_keyconfs_definition(tmp_path: Path) -> None:
    keyboards = finder(tmp_path, old_tree(tmp_path / "qmk_firmware"))
    tree_board = keyboards.by_name("planck/rev6")
    assert tree_board is not None and set(tree_board.layouts) == {"LAYOUT_ortho_4x12"}

    imported = import_text(mit_keymap(47), "keymap.json", finder=keyboards)

    board = imported.keyboard
    assert board is not None and board.resolve_layout_name("LAYOUT_planck_mit") == imported.layout.layout_macro
    assert board.layouts[imported.layout.layout_macro].key_count == len(imported.layout.layers[0].keys) == 47
    said = [w for w in imported.warnings if "your QMK tree's planck/rev6 has no layout LAYOUT_planck_mit" in w]
    assert said and "QMK 20" in said[0] and "update your qmk_firmware tree" in said[0]


def test_a_layout_no_definition_has_is_still_refused(tmp_path: Path) -> None:
    keyboards = finder(tmp_path, old_tree(tmp_path / "qmk_firmware"))
    text = mit_keymap(47).replace("LAYOUT_planck_mit", "LAYOUT_planck_nothing")
    with pytest.raises(FormatError, match="LAYOUT_planck_nothing"):
        import_text(text, "keymap.json", finder=keyboards)


def test_the_tree_still_decides_the_layouts_it_has(tmp_path: Path) -> None:
    keyboards = finder(tmp_path, old_tree(tmp_path / "qmk_firmware"))
    text = mit_keymap(48).replace("LAYOUT_planck_mit", "LAYOUT_ortho_4x12")
    imported = import_text(text, "keymap.json", finder=keyboards)
    assert imported.keyboard is not None and set(imported.keyboard.layouts) == {"LAYOUT_ortho_4x12"}
    assert not [w for w in imported.warnings if "your QMK tree's" in w]


def test_a_keymap_c_for_a_layout_the_tree_lacks(tmp_path: Path) -> None:
    keyboards = finder(tmp_path, old_tree(tmp_path / "qmk_firmware"))
    keys = ", ".join(["KC_B"] * 47)
    text = ("#include QMK_KEYBOARD_H\n"
            f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_planck_mit({keys}) }};\n")
    imported = import_text(text, "keyboards/planck/rev6/keymaps/mine/keymap.c", finder=keyboards,
                           keyboard_name="planck/rev6")
    assert imported.keyboard is not None and imported.keyboard.resolve_layout_name("LAYOUT_planck_mit")
    assert any("your QMK tree's planck/rev6 has no layout LAYOUT_planck_mit" in w for w in imported.warnings)
