"""Keyboard definitions of every kind the user adds: VIA, QMK info.json, KLE (with and without a matrix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.catalogue.user_definitions import DefinitionKind, add_definition, read_added_definition
from keyconf.formats.definition_source import KeyboardDefinitionError

QMK_INFO = {
    "keyboard_name": "Split Six", "manufacturer": "Nobody", "usb": {"vid": "0xFEED", "pid": "0x0606"},
    "matrix_size": {"rows": 2, "cols": 3},
    "layouts": {"LAYOUT": {"layout": [{"matrix": [r, c], "x": c, "y": r} for r in range(2) for c in range(3)]}},
}
VIA = {"name": "Via Four", "vendorId": "0xFEED", "productId": "0x0404", "matrix": {"rows": 2, "cols": 2},
       "layouts": {"keymap": [["0,0", "0,1"], ["1,0", "1,1"]]}}


def open_catalogue(tmp_path: Path) -> Catalogue:
    return Catalogue.open(None, environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                          definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache")


def test_each_kind_is_detected_read_stored_and_found(tmp_path: Path) -> None:
    files = {"info.json": json.dumps(QMK_INFO), "via4.json": json.dumps(VIA),
             "legends.json": json.dumps([["0,1", "0,0"], [{"x": 0.5}, "1,2\n\n\n\n\n\n\n\n\ne0"]])}
    kinds = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        entry, kind, warnings = add_definition(tmp_path / name, tmp_path / "definitions")
        assert warnings == []
        kinds.append((entry.path, kind))
    # QMK's info.json says nothing by its file name: it is stored under the board's name.
    assert kinds == [("via:Split_Six", DefinitionKind.QMK), ("via:via4", DefinitionKind.VIA),
                     ("via:legends", DefinitionKind.KLE)]
    catalogue = open_catalogue(tmp_path)
    six = catalogue.find("via:Split_Six")
    assert six.layout().key_count == 6 and six.usb_pid == 0x0606
    assert [e.path for e in catalogue.by_usb(0xFEED, 0x0404)] == ["via:via4"]
    legends = catalogue.find("via:legends")
    assert [k.matrix for k in legends.layout().keys] == [(0, 1), (0, 0), (1, 2)]
    assert (legends.matrix_rows, legends.matrix_cols) == (2, 3)


def test_kle_without_matrix_legends_is_numbered_in_reading_order_with_a_warning(tmp_path: Path) -> None:
    kle = tmp_path / "pad.txt"
    # KLE's raw-data box: no outer brackets; the second row starts further right.
    kle.write_text('["Esc", "F1", {"w": 2}, "Space"],\n[{"x": 1}, "A", "B"]')
    kind, board, warnings = read_added_definition(kle)
    assert kind is DefinitionKind.KLE
    assert [k.matrix for k in board.layout().keys] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert (board.matrix_rows, board.matrix_cols) == (2, 3)
    assert len(warnings) == 1 and "reading order" in warnings[0] and str(kle) in warnings[0]


@pytest.mark.parametrize("text, line", [
    ('{"keyboard_name": "X",\n "layouts": {"LAYOUT": {"layout": [{"x": 0, "y": "one"}]}}}', 2),
    ('[["a", "b"],\n ["c", {"w": "wide"}, "d"]]', 2),
    ('{"name": "V", "vendorId": "0x1", "productId": "0x2",\n "matrix": {"rows": 1, "cols": 1},\n'
     ' "layouts": {"keymap": [["0,0", "zero,1"]]}}', 3),
])
def test_bad_files_name_their_line_and_nothing_is_stored(tmp_path: Path, text: str, line: int) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(KeyboardDefinitionError) as caught:
        add_definition(bad, tmp_path / "definitions")
    assert caught.value.line == line and str(caught.value).startswith(f"{bad}:{line}:")
    assert not (tmp_path / "definitions").exists() or not any((tmp_path / "definitions").iterdir())
