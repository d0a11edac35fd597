"""VIA definitions (v2/v3): matrix legends, layout options, encoders, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.via_definition import (
    CustomKeycode,
    definition_version,
    keyboard_from_via,
    load_via_definition,
    via_definition_from_data,
)
from keyconf.model.geometry import key_center, physical_rows
from keyconf.model.keyboard import Key, LayoutOption

E = "\n" * 9  # VIA's encoder marker is the tenth line: the centre legend


def opt(matrix: str, group: int, choice: int) -> str:
    """A key legend: matrix position top-left, layout option bottom-right (the fourth line)."""
    return f"{matrix}\n\n\n{group},{choice}"


# A small board in the shape VIA definitions have: option choices drawn beside and below the
# board, an ISO enter as a second rectangle, a blocker decal, a bare encoder and one with a push.
KEYMAP: list[Any] = [
    ["0,0", "0,1", "0,2", "0,3", {"w": 2}, opt("0,4", 0, 0),
     {"x": 1}, opt("0,4", 0, 1), opt("0,5", 0, 1),
     {"x": 0.5}, E + "e0"],
    [{"w": 1.5}, "1,0", "1,1", "1,2", "1,3", {"w": 1.5}, opt("1,4", 1, 0),
     {"x": 1.25, "w": 1.25, "h": 2, "w2": 1.5, "h2": 1, "x2": -0.25}, opt("2,4", 1, 1)],
    [{"w": 1.75}, "2,0", "2,1", "2,2", {"w": 2.25}, opt("2,4", 1, 0),
     {"x": 0.25}, opt("2,3", 1, 1),
     {"x": 2}, "3,5" + E + "e1"],
    [{"w": 1.5}, opt("3,0", 2, 0), {"w": 3}, opt("3,2", 2, 0), {"w": 1.5}, opt("3,3", 2, 0)],
    [{"y": 0.5, "w": 1.5}, opt("3,0", 2, 1), {"w": 4.5}, opt("3,2", 2, 1)],
    [opt("3,0", 2, 2), {"w": 0.5, "d": True}, "\n\n\n2,2", {"w": 3.5}, opt("3,2", 2, 2), opt("3,3", 2, 2)],
]  # fmt: skip

V3: dict[str, Any] = {
    "name": "Test Sixty",
    "vendorId": "0x5241",
    "productId": "0x006A",
    "matrix": {"rows": 4, "cols": 6},
    "keycodes": ["qmk_lighting"],
    "menus": ["qmk_rgblight"],
    "customKeycodes": [{"name": "MY_MACRO", "title": "Types hello", "shortName": "Hello"}],
    "layouts": {
        "labels": ["Split Backspace", "ISO Enter", ["Bottom Row", "ANSI", "7U", "HHKB"]],
        "keymap": KEYMAP,
    },
}


def by_matrix(keys: list[Key], matrix: tuple[int, int], option: tuple[int, int] | None) -> Key:
    return next(k for k in keys if k.matrix == matrix and k.option == option)


def test_v3_definition() -> None:
    definition = via_definition_from_data(V3)
    kb = definition.keyboard
    assert definition.version == 3
    assert (kb.name, kb.display_name) == ("Test Sixty", "Test Sixty")
    assert (kb.usb_vid, kb.usb_pid) == (0x5241, 0x006A)
    assert (kb.matrix_rows, kb.matrix_cols) == (4, 6)
    assert definition.keycodes == ["qmk_lighting"] and definition.menus == ["qmk_rgblight"]
    assert definition.custom_keycodes == [CustomKeycode("MY_MACRO", "Types hello", "Hello")]
    assert kb.layout_options == [
        LayoutOption("Split Backspace"),
        LayoutOption("ISO Enter"),
        LayoutOption("Bottom Row", ("ANSI", "7U", "HHKB")),
    ]
    layout = kb.layout("LAYOUT")
    assert len(layout.keys) == 29 and layout.key_count == 27  # one blocker decal, one bare knob


def test_option_choices_are_moved_onto_the_board() -> None:
    keys = keyboard_from_via(V3).layout().keys
    # Split backspace: drawn one unit right of the board, placed where the 2U key is.
    assert (by_matrix(keys, (0, 4), (0, 1)).x, by_matrix(keys, (0, 4), (0, 1)).y) == (4, 0)
    assert by_matrix(keys, (0, 5), (0, 1)).x == 5
    # ISO enter: its 1.5u lip lines up with the ANSI backslash, the '#' key with ANSI enter.
    iso = by_matrix(keys, (2, 4), (1, 1))
    assert (iso.x, iso.y, iso.h) == (4.75, 1, 2) and iso.secondary is not None
    assert (by_matrix(keys, (2, 3), (1, 1)).x, by_matrix(keys, (2, 3), (1, 1)).y) == (3.75, 2)
    # Bottom-row choices drawn below the board land on the bottom row.
    for choice in (1, 2):
        assert by_matrix(keys, (3, 0), (2, choice)).y == 3
    blocker = next(k for k in keys if k.decal)
    assert (blocker.x, blocker.y, blocker.option, blocker.matrix) == (1, 3, (2, 2), None)
    # The default arrangement uses each switch once.
    default = [k.matrix for k in keys if k.matrix and (k.option is None or k.option[1] == 0)]
    assert len(default) == len(set(default))


def test_encoders() -> None:
    kb = keyboard_from_via(V3)
    keys = kb.layout().keys
    knob = next(k for k in keys if k.encoder == 0)
    push = next(k for k in keys if k.encoder == 1)
    assert knob.matrix is None  # a bare encoder is no switch
    assert push.matrix == (3, 5)  # an encoder with a push switch
    assert [e.index for e in kb.encoders] == [0, 1]
    assert (kb.encoders[0].x, kb.encoders[0].y) == key_center(knob)


def test_centred_legends_and_fullwidth_comma() -> None:
    data = copy.deepcopy(V3)
    data["layouts"] = {"keymap": [[{"a": 7}, "0,0", "0，1"]]}
    keys = keyboard_from_via(data).layout().keys
    assert [k.matrix for k in keys] == [(0, 0), (0, 1)]


def test_rotated_thumbs() -> None:
    data = copy.deepcopy(V3)
    data["layouts"] = {
        "keymap": [
            ["0,0", "0,1", "0,2", {"x": 3}, "0,3", "0,4", "0,5"],
            [{"r": 15, "rx": 2, "ry": 1, "y": 0.25}, "1,0", "1,1"],
            [{"r": -15, "rx": 6, "y": 0.25, "x": -2}, "1,4", "1,5"],
        ]
    }
    kb = keyboard_from_via(data)
    keys = kb.layout().keys
    assert [k.r for k in keys[6:]] == [15, 15, -15, -15]
    assert [len(row) for row in physical_rows(keys)] == [6, 4]
    # Fanned thumbs hang below the top row on both halves.
    assert all(key_center(k)[1] > 1 for k in keys[6:])


def test_v2_definition_and_file(tmp_path: Path) -> None:
    v2 = {k: v for k, v in V3.items() if k not in ("menus", "keycodes")}
    v2["lighting"] = "qmk_backlight"
    assert definition_version(v2) == 2 and definition_version(V3) == 3
    path = tmp_path / "test.json"
    path.write_text(json.dumps(v2, indent=2))
    definition = load_via_definition(path)
    assert definition.version == 2 and definition.lighting == "qmk_backlight"
    assert definition.keyboard.layout().key_count == 27


def test_unlabelled_option_groups_get_names() -> None:
    data = copy.deepcopy(V3)
    data["layouts"]["labels"] = ["Split Backspace"]
    options = keyboard_from_via(data).layout_options
    assert [o.label for o in options] == ["Split Backspace", "Option 1", "Option 2"]
    assert options[2].choices == ("0", "1", "2")


def mutated(row: int, item: int, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(V3)
    data["layouts"]["keymap"][row][item] = value
    return data


@pytest.mark.parametrize(
    ("data", "fragment", "where"),
    [
        (mutated(0, 0, ""), "key has no matrix position", "layouts.keymap[0][0]"),
        (mutated(0, 1, "a,b"), "matrix legend 'a,b' is not two numbers", "layouts.keymap[0][1]"),
        (mutated(0, 1, "4,0"), "outside the 4x6 matrix", "layouts.keymap[0][1]"),
        (mutated(0, 1, "0,0"), "used by two keys (keymap items [0][0] and [0][1])", "layouts.keymap[0][1]"),
        (mutated(0, 1, "0,1\n\n\nx"), "layout option legend 'x'", "layouts.keymap[0][1]"),
        ({**V3, "vendorId": "0x52G1"}, "'vendorId' must be a hex string", "vendorId"),
        ({k: v for k, v in V3.items() if k != "productId"}, "no 'productId'", None),
        ({**V3, "matrix": {"rows": 0, "cols": 6}}, "matrix rows must be a whole number", "matrix.rows"),
        ({**V3, "layouts": {"labels": [5], "keymap": KEYMAP}}, "layout option label", "layouts.labels[0]"),
        ({**V3, "layouts": {"labels": ["A", "B", "C"], "keymap": KEYMAP}}, "which has 2 choices", None),
        ({**V3, "name": ""}, "no 'name'", None),
        ([], "must be a JSON object", None),
    ],
)
def test_bad_definitions(data: Any, fragment: str, where: str | None) -> None:
    with pytest.raises(KeyboardDefinitionError) as caught:
        via_definition_from_data(data)
    assert fragment in caught.value.message
    if where is not None:
        assert caught.value.where == where


def test_error_positions_in_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(mutated(2, 1, "2,9"), indent=2))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_via_definition(path)
    err = caught.value
    assert err.path == str(path) and err.line is not None
    assert '"2,9"' in path.read_text().splitlines()[err.line - 1]
    assert str(err).startswith(f"{path}:{err.line}:")
