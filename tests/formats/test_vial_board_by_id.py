"""A Vial save finds its board by the keyboard id its firmware reports (vial-qmk's VIAL_KEYBOARD_UID,
resources/vial/keyboard_uids.json), and a layout for such a board goes back to Vial with that id.

corpus14: every Vial save imported without --keyboard (20 of 20) carried a geometry drawn from the
matrix (`LAYOUT_matrix`, no keymap.json or keymap.c QMK builds) though 5 were saves of boards
vial-qmk has (a Corne, a Ferris Sweep, an ergohaven K:03), named by the id in their `uid`.
"""

from __future__ import annotations

import json
from pathlib import Path

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.catalogue.vial_uids import folders_for_uid, uid_for_board
from keyconf.compiler.export import export_layout
from keyconf.formats.interchange import VIL, NoKeyboards, import_layout
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.validation import validate

# The id vial-qmk's keyboards/crkbd/keymaps/vial/config.h defines ({0x3B, 0x6B, 0xA0, 0x29, 0x80,
# 0x56, 0xED, 0xD1}), as vial-gui reads the eight bytes: one little-endian number.
CORNE_UID = 0xD1ED568029A06B3B


def corne_half(thumbs: list[object]) -> list[list[object]]:
    return [["KC_TAB", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"],
            ["KC_LCTL", "KC_A", "KC_S", "KC_D", "KC_F", "KC_G"],
            ["KC_LSFT", "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B"],
            thumbs]  # fmt: skip


def corne_save(layers: list[list[list[object]]], uid: int = CORNE_UID) -> dict[str, object]:
    """A Vial save as vial-gui writes it for a Corne: its firmware's 8×6 matrix, the right half in
    rows 4-7, -1 where the matrix has no key (columns 0-2 of the thumb rows)."""
    return {
        "version": 1, "uid": uid, "layout": layers, "encoder_layout": [[] for _ in layers], "layout_options": -1,
        "macro": [[] for _ in range(16)], "vial_protocol": 6, "via_protocol": 9,
        "tap_dance": [["KC_NO", "KC_NO", "KC_NO", "KC_NO", 200] for _ in range(8)], "combo": [],
        "key_override": [], "settings": {},
    }  # fmt: skip


def base_layer(thumbs: list[object] | None = None) -> list[list[object]]:
    row = thumbs or [-1, -1, -1, "KC_LGUI", "MO(1)", "KC_SPC"]
    return corne_half(row) + corne_half(row)


def transparent(layer: list[list[object]]) -> list[list[object]]:
    return [[("KC_TRNS" if v != -1 else -1) for v in row] for row in layer]


def test_the_id_of_a_vial_qmk_board_is_its_folder_and_its_revisions_share_it() -> None:
    assert folders_for_uid(CORNE_UID) == ["crkbd"]
    # A keymap folder's config.h serves every board below it (QMK's keymap lookup).
    assert uid_for_board("crkbd") == CORNE_UID and uid_for_board("crkbd/rev1") == CORNE_UID
    assert uid_for_board("crkbdx/rev1") is None  # a name that only begins like the folder
    assert folders_for_uid(0x0B1C2D3E4F506172) == [] and uid_for_board("vial_0b1c2d3e4f506172") is None


def test_a_vial_save_is_read_in_the_board_its_keyboard_id_names(tmp_path: Path) -> None:
    base = base_layer()
    path = tmp_path / "layout.vil"
    path.write_text(json.dumps(corne_save([base, transparent(base)])))
    finder = CatalogueKeyboards()
    imported = import_layout(path, finder=finder)
    layout, board = imported.layout, imported.keyboard
    assert board is not None and board.name == "crkbd/rev1" and layout.keyboard == "crkbd/rev1"
    assert layout.geometry is None and layout.layout_macro == "LAYOUT_split_3x6_3"
    assert not [w for w in imported.warnings if "not known" in w]
    again = loads_layout(dumps_layout(layout, board)).layout
    assert [p.message for p in validate(again, board) if p.is_error] == []
    assert again.layers[0].keys.count("KC_SPC") == 2 and "MO(layer1)" in again.layers[0].keys
    # Written back for Vial with the id the board's firmware reports: Vial loads it without asking.
    saved = json.loads(export_layout(again, VIL, board))
    assert saved["uid"] == CORNE_UID
    assert saved["layout"][0][3][:3] == [-1, -1, -1] and saved["layout"][0][0][0] != -1


def test_a_save_whose_matrix_is_not_the_id_boards_keeps_its_own_geometry(tmp_path: Path) -> None:
    # A firmware built with the Corne's id on another matrix (4×12: both halves in one row each).
    wide = [a + b for a, b in zip(corne_half(["KC_NO"] * 6), corne_half(["KC_NO"] * 6), strict=True)]
    path = tmp_path / "wide.vil"
    path.write_text(json.dumps(corne_save([wide])))
    imported = import_layout(path, finder=CatalogueKeyboards())
    assert imported.layout.geometry is not None and imported.layout.keyboard == f"vial_{CORNE_UID:016x}"
    said = " ".join(imported.warnings)
    assert "is that of crkbd in vial-qmk" in said and "save's 4×12 matrix is not that board's" in said
    # Its own id goes back with it, as before.
    assert json.loads(export_layout(imported.layout, VIL, imported.keyboard))["uid"] == CORNE_UID


def test_a_key_the_id_boards_layouts_lack_is_not_dropped_for_the_board(tmp_path: Path) -> None:
    # The Corne's matrix, and a key where no Corne layout has one (row 3, column 0): reading it as
    # crkbd/rev1 would leave the key out, so the save keeps its own geometry and the warning says
    # which --keyboard reads it there anyway.
    base = base_layer(["KC_ESC", -1, -1, "KC_LGUI", "MO(1)", "KC_SPC"])
    path = tmp_path / "extra.vil"
    path.write_text(json.dumps(corne_save([base])))
    imported = import_layout(path, finder=CatalogueKeyboards())
    assert imported.layout.geometry is not None and "KC_ESC" in imported.layout.layers[0].keys
    said = " ".join(imported.warnings)
    assert "no key at 2 matrix positions the save uses (r3c0, r7c0)" in said
    assert "pass --keyboard crkbd/rev1" in said


def test_without_the_catalogue_a_save_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "layout.vil"
    path.write_text(json.dumps(corne_save([base_layer()])))
    imported = import_layout(path, finder=NoKeyboards())
    assert imported.layout.geometry is not None and imported.layout.layout_macro == "LAYOUT_matrix"
    # The id is said, so the user can tell which firmware wrote the save and ask for its board.
    assert any(f"(Vial keyboard id {CORNE_UID:016x}) is not known" in w for w in imported.warnings)
