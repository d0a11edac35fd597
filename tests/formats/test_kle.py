"""KLE parsing: the cursor, rotation clusters, second rectangles, legends, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.kle import (
    keyboard_from_kle,
    load_kle_file,
    parse_kle,
    parse_kle_text,
    reorder_legends,
)
from keyconf.model.keyboard import Key

# The classic ANSI 60 % in KLE: text legends, a centred spacebar, a:4 as KLE's default.
ANSI_60 = [
    ["~\n`", "!\n1", "@\n2", "#\n3", "$\n4", "%\n5", "^\n6", "&\n7", "*\n8", "(\n9", ")\n0", "_\n-", "+\n=",
     {"w": 2}, "Backspace"],
    [{"w": 1.5}, "Tab", "Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", "{\n[", "}\n]",
     {"w": 1.5}, "|\n\\"],
    [{"w": 1.75}, "Caps Lock", "A", "S", "D", "F", "G", "H", "J", "K", "L", ":\n;", "\"\n'",
     {"w": 2.25}, "Enter"],
    [{"w": 2.25}, "Shift", "Z", "X", "C", "V", "B", "N", "M", "<\n,", ">\n.", "?\n/", {"w": 2.75}, "Shift"],
    [{"w": 1.25}, "Ctrl", {"w": 1.25}, "Win", {"w": 1.25}, "Alt", {"a": 7, "w": 6.25}, "",
     {"a": 4, "w": 1.25}, "Alt", {"w": 1.25}, "Win", {"w": 1.25}, "Menu", {"w": 1.25}, "Ctrl"],
]  # fmt: skip

# Rows 1 and 2 of an ISO 60 %: the enter's 1.5u lip sits on row 1, its 1.25u body spans two rows.
ISO_ROWS = [
    [{"w": 1.5}, "Tab", "Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", "{\n[", "}\n]",
     {"x": 0.25, "w": 1.25, "h": 2, "w2": 1.5, "h2": 1, "x2": -0.25}, "Enter"],
    [{"w": 1.75}, "Caps Lock", "A", "S", "D", "F", "G", "H", "J", "K", "L", ":\n;", "@\n'", "~\n#"],
]  # fmt: skip


def geometry(key: Key) -> tuple[float, float, float, float]:
    return (key.x, key.y, key.w, key.h)


def test_ansi_60_matches_qmk_geometry() -> None:
    """The same board drawn in KLE and in QMK's info.json lands on the same coordinates."""
    kle = parse_kle(ANSI_60)
    qmk = load_bundled("dz60").layout("LAYOUT_60_ansi")
    assert [geometry(k.key) for k in kle.keys] == [geometry(k) for k in qmk.keys]


def test_iso_enter_second_rectangle() -> None:
    keys = parse_kle(ISO_ROWS).keys
    enter = keys[13].key
    assert geometry(enter) == (13.75, 0, 1.25, 2)
    assert enter.secondary is not None
    assert (enter.secondary.x, enter.secondary.y, enter.secondary.w, enter.secondary.h) == (-0.25, 0, 1.5, 1)
    # Sizes apply to one key only: the next row's keys are plain again.
    assert all(k.key.secondary is None for k in keys if k is not keys[13])
    assert geometry(keys[14].key) == (0, 1, 1.75, 1)
    qmk_iso = load_bundled("dz60").layout("LAYOUT_60_iso")
    qmk_enter = next(k for k in qmk_iso.keys if k.h == 2)
    assert geometry(qmk_enter) == (enter.x, enter.y + 1, enter.w, enter.h)  # QMK's row 1 is our row 0
    assert qmk_enter.secondary == enter.secondary


def test_big_ass_enter_and_plain_second_size() -> None:
    keys = parse_kle(
        [[{"x": 0.75, "w": 1.5, "h": 2, "w2": 2.25, "h2": 1, "x2": -0.75, "y2": 1}, "Enter", "X"]]
    ).keys
    bae = keys[0].key.secondary
    assert bae is not None and (bae.x, bae.y, bae.w) == (-0.75, 1, 2.25)
    assert keys[1].key.x == 2.25 and keys[1].key.secondary is None


def test_rotation_clusters() -> None:
    rows = [
        ["A", "B"],
        [{"r": 15, "rx": 5, "ry": 3}, "C", "D"],  # a cluster: cursor moves to (rx, ry)
        ["E"],  # the next row stays in the cluster: x back to rx, y one down
        [{"r": -20, "rx": 10, "y": -1, "x": 1}, "F"],  # rx alone: y resets to the current ry
        [{"r": 0, "rx": 0, "ry": 0, "y": 4}, "G"],  # back to the plain grid
    ]
    keys = [k.key for k in parse_kle(rows).keys]
    a, b, c, d, e, f, g = keys
    assert (a.x, a.y, a.r) == (0, 0, 0) and b.x == 1
    assert (c.x, c.y, c.r, c.rx, c.ry) == (5, 3, 15, 5, 3)
    assert (d.x, d.y, d.r) == (6, 3, 15)
    assert (e.x, e.y, e.r, e.rx, e.ry) == (5, 4, 15, 5, 3)
    assert (f.x, f.y, f.r, f.rx, f.ry) == (11, 2, -20, 10, 3)
    assert (g.x, g.y, g.r) == (0, 4, 0)


def test_rotation_only_first_in_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([["A", {"r": 10}, "B"]], indent=1))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_kle_file(path)
    assert "first item of a row" in caught.value.message
    assert caught.value.where == "[0][1]" and caught.value.line == 4


def test_legend_positions_follow_alignment() -> None:
    # Default a=4: line 0 top-left, line 1 bottom-left, line 4 front-centre.
    assert reorder_legends("!\n1", 4)[0] == "!" and reorder_legends("!\n1", 4)[6] == "1"
    assert reorder_legends("a\n\n\n\nfront", 4)[10] == "front"
    # a=7 centres everything: the only legend goes to the middle.
    assert reorder_legends("Esc", 7)[4] == "Esc"
    # a=0: line 4 is the front-left legend; VIA's encoder marker (line 9) lands in the centre.
    assert reorder_legends("\n\n\n\nf", 0)[9] == "f"
    assert reorder_legends("0,1\n\n\n\n\n\n\n\n\ne0", 4)[4] == "e0"
    assert len(reorder_legends("\n".join("abcdefghijklmn"), 0)) == 12
    layout = parse_kle([[{"a": 7}, "Esc", "Tab"], ["Q"]])
    assert [k.legends[4] for k in layout.keys] == ["Esc", "Tab", "Q"]  # `a` carries over rows


def test_metadata_decals_and_flags() -> None:
    layout = parse_kle(
        [{"name": "Pad", "author": "me"}, [{"d": True}, "logo", {"n": True, "c": "#777777"}, "F", "J"]]
    )
    assert (layout.name, layout.author) == ("Pad", "me")
    logo, f, j = layout.keys
    assert logo.key.decal and not f.key.decal
    assert f.nub and not j.nub and j.color == "#777777"  # colour carries, nub does not


def test_raw_data_without_brackets_or_quotes(tmp_path: Path) -> None:
    raw = '[{a:7},"Esc",{x:1},"F1"],\n[{y:0.5,w:1.5},"Tab","Q"]'
    data = parse_kle_text(raw)
    keys = [k.key for k in parse_kle(data).keys]
    assert [(k.x, k.y, k.w) for k in keys] == [(0, 0, 1), (2, 0, 1), (0, 1.5, 1.5), (1.5, 1.5, 1)]
    path = tmp_path / "raw.txt"
    path.write_text(raw)
    kb = load_kle_file(path)
    assert kb.name == "raw" and kb.layout().key_count == 4
    assert [k.label for k in kb.layout().keys] == ["Esc", "F1", "Tab", "Q"]


def test_keyboard_from_kle_reads_via_style_matrix() -> None:
    kb = keyboard_from_kle(parse_kle([["0,0", "0,1"], ["1,0", {"d": True}, "logo"]]), "pad")
    assert [k.matrix for k in kb.layout().keys] == [(0, 0), (0, 1), (1, 0), None]
    assert (kb.matrix_rows, kb.matrix_cols) == (2, 2) and kb.layout().key_count == 3
    plain = keyboard_from_kle(parse_kle(ANSI_60), "ansi")
    assert all(k.matrix is None for k in plain.layout().keys) and plain.matrix_rows == 0


@pytest.mark.parametrize(
    ("data", "fragment", "where"),
    [
        ({"not": "a list"}, "must be a list of rows", None),
        ([["A"], {"name": "late"}], "metadata must be the first", "[1]"),
        ([["A", 5]], "not int", "[0][1]"),
        ([[{"x": "1"}, "A"]], "'x' must be a number, not the string '1'", "[0][0].x"),
        ([[{"a": 9}, "A"]], "alignment 'a' must be a whole number 0-7", "[0][0].a"),
        ([[{"w": -1}, "A"]], "must be positive", "[0][0]"),
        (["A"], "a KLE row must be a list", "[0]"),
    ],
)
def test_bad_kle_is_reported(data: object, fragment: str, where: str | None) -> None:
    with pytest.raises(KeyboardDefinitionError) as caught:
        parse_kle(data)
    assert fragment in caught.value.message
    assert caught.value.where == where


def test_broken_kle_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[["A", "B"],\n ["C", ')
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_kle_file(path)
    assert caught.value.line is not None and caught.value.path == str(path)
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    with pytest.raises(KeyboardDefinitionError, match="no keys"):
        load_kle_file(empty)


def test_rotated_cluster_centres_are_rotated() -> None:
    from keyconf.model.geometry import key_center

    key = parse_kle([[{"r": 90, "rx": 1, "ry": 1}, "A"]]).keys[0].key
    cx, cy = key_center(key)
    assert math.isclose(cx, 0.5) and math.isclose(cy, 1.5)
