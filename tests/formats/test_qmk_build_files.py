"""Older qmk_firmware trees: facts kept in rules.mk, config.h and keyboard headers, read as
`qmk info` reads them, so every board QMK builds loads (the index agrees with the loader)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keyconf.catalogue.qmk_index import load_qmk_index
from keyconf.formats.qmk_build_files import config_number, header_layouts, parse_config_h
from keyconf.formats.qmk_info import KeyboardDefinitionError, load_qmk_keyboard


def split_keys(rows_per_half: int, cols: int) -> list[dict[str, Any]]:
    """A split board's keys: the right half's rows follow the left's (QMK's split matrix)."""
    keys = []
    for half in range(2):
        for row in range(rows_per_half):
            for col in range(cols):
                keys.append({"matrix": [half * rows_per_half + row, col], "x": col + half * (cols + 2), "y": row})
    return keys


def make_tree(root: Path, boards: dict[str, dict[str, str]]) -> Path:
    """A tree with `boards`: folder -> {file name: text}."""
    (root / "data" / "mappings").mkdir(parents=True)
    (root / "data" / "mappings" / "keyboard_aliases.hjson").write_text("{}")
    (root / "data" / "mappings" / "defaults.hjson").write_text("{}")
    for folder, files in boards.items():
        (root / "keyboards" / folder).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / "keyboards" / folder / name).write_text(text)
    return root


def info(keys: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps({"keyboard_name": "x", "layouts": {"LAYOUT": {"layout": keys}}, **extra})


PINS_3x4 = {"rows": ["D1", "D2", "D3"], "cols": ["B1", "B2", "B3", "B4"]}


def test_split_keyboard_in_a_parent_rules_mk_doubles_the_rows(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {
        "maker/iris": {"rules.mk": "RGBLIGHT_ENABLE = yes\nSPLIT_KEYBOARD = yes   # both halves\n"},
        "maker/iris/rev4": {"info.json": info(split_keys(3, 4), matrix_pins=PINS_3x4),
                            "rules.mk": "LTO_ENABLE = yes\n"},
    })
    board = load_qmk_keyboard(tree, "maker/iris/rev4")
    assert (board.matrix_rows, board.matrix_cols) == (6, 4)
    entry = load_qmk_index(tree, use_cache=False).get("maker/iris/rev4")
    assert entry is not None and not entry.broken
    assert (entry.matrix_rows, entry.matrix_cols) == (6, 4)


def test_a_deeper_rules_mk_turns_split_off_again(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {
        "maker/kb": {"rules.mk": "SPLIT_KEYBOARD = yes\n"},
        "maker/kb/mono": {"info.json": info(split_keys(3, 4)[:12], matrix_pins=PINS_3x4),
                          "rules.mk": "SPLIT_KEYBOARD = no\n"},
    })
    assert load_qmk_keyboard(tree, "maker/kb/mono").matrix_rows == 3
    entry = load_qmk_index(tree, use_cache=False).get("maker/kb/mono")
    assert entry is not None and entry.matrix_rows == 3


def test_without_split_keyboard_the_right_half_is_outside_the_matrix(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {"maker/kb": {"info.json": info(split_keys(3, 4), matrix_pins=PINS_3x4),
                                             "rules.mk": "MCU = atmega32u4\n"}})
    with pytest.raises(KeyboardDefinitionError, match=r"outside the 3x4 matrix"):
        load_qmk_keyboard(tree, "maker/kb")


def test_config_h_matrix_size_and_pins_win_over_info_json(tmp_path: Path) -> None:
    config = """
    #pragma once
    /* key matrix size */
    #define MATRIX_ROWS (5 * 2)  // both halves
    #define MATRIX_COLS 7
    #define MATRIX_ROW_PINS { D4, C6, D7, E6, B4 }
    """
    keys = [{"matrix": [9, 6], "x": 0, "y": 0}, {"matrix": [0, 0], "x": 1, "y": 0}]
    tree = make_tree(tmp_path, {"maker/ergo": {"config.h": config, "rules.mk": "SPLIT_KEYBOARD = yes\n"},
                                "maker/ergo/rev1": {"info.json": info(keys, matrix_size={"rows": 5, "cols": 7}),
                                                    "rules.mk": ""}})
    board = load_qmk_keyboard(tree, "maker/ergo/rev1")
    assert (board.matrix_rows, board.matrix_cols) == (10, 7)
    entry = load_qmk_index(tree, use_cache=False).get("maker/ergo/rev1")
    assert entry is not None and (entry.matrix_rows, entry.matrix_cols) == (10, 7)


def test_config_h_pins_count_and_direct_pins(tmp_path: Path) -> None:
    direct = "#define DIRECT_PINS { \\\n  { F4, F5, F6 }, \\\n  { B1, B2, B3 } \\\n}\n"
    keys = [{"matrix": [r, c], "x": c, "y": r} for r in range(2) for c in range(3)]
    tree = make_tree(tmp_path, {"maker/pad": {"config.h": direct, "info.json": info(keys), "rules.mk": ""}})
    board = load_qmk_keyboard(tree, "maker/pad")
    assert (board.matrix_rows, board.matrix_cols) == (2, 3)
    assert parse_config_h("#define A 1\n#undef A\n#define B\n") == {"B": ""}


def test_split_matrix_pins_of_the_right_half_count(tmp_path: Path) -> None:
    right = {"matrix_pins": {"right": {"rows": ["B1", "B2", "B3"], "cols": ["A", "B", "C", "D", "E"]}}}
    keys = split_keys(3, 5)
    tree = make_tree(tmp_path, {"maker/asym": {"keyboard.json": info(
        keys, matrix_pins={"rows": ["D1", "D2", "D3"], "cols": ["B1", "B2", "B3", "B4"]},
        split={"enabled": True, **right})}})
    board = load_qmk_keyboard(tree, "maker/asym")
    assert (board.matrix_rows, board.matrix_cols) == (6, 5)
    entry = load_qmk_index(tree, use_cache=False).get("maker/asym")
    assert entry is not None and (entry.matrix_rows, entry.matrix_cols) == (6, 5)


def test_custom_matrix_takes_its_size_from_the_keys(tmp_path: Path) -> None:
    keys = [{"matrix": [r, c], "x": c, "y": r} for r in range(8) for c in range(2)]
    tree = make_tree(tmp_path, {"maker/custom": {
        "info.json": info(keys, matrix_pins={"rows": ["D1"], "cols": ["B1", "B2"]}),
        "rules.mk": "CUSTOM_MATRIX = lite\n"}})
    board = load_qmk_keyboard(tree, "maker/custom")
    assert (board.matrix_rows, board.matrix_cols) == (8, 2)
    entry = load_qmk_index(tree, use_cache=False).get("maker/custom")
    assert entry is not None and (entry.matrix_rows, entry.matrix_cols) == (8, 2)


def test_layouts_from_an_old_keyboard_header(tmp_path: Path) -> None:
    header = """#pragma once
    #define ___ KC_NO
    #if defined(PCBDOWN)
    #define LAYOUT( k00, k01, k10 ) { { k01, k00 }, { KC_NO, k10 } }
    #else
    #define LAYOUT( \\
      k00, k01, \\
      k10 \\
    ) \\
    { \\
      { k00, k01 }, \\
      { ___, k10 } \\
    }
    #endif
    """
    keys = [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1, "w": 2}]
    tree = make_tree(tmp_path, {"maker/old": {"old.h": header, "info.json": info(keys), "rules.mk": ""}})
    board = load_qmk_keyboard(tree, "maker/old")
    assert [(k.matrix, k.x, k.y, k.w) for k in board.layouts["LAYOUT"].keys] == [
        ((0, 0), 0, 0, 1), ((0, 1), 1, 0, 1), ((1, 1), 1, 1, 2)]
    assert list(header_layouts(header)) == ["LAYOUT"]
    entry = load_qmk_index(tree, use_cache=False).get("maker/old")  # the index reads the header too
    assert entry is not None and not entry.broken
    assert [(x.name, x.key_count) for x in entry.layouts] == [("LAYOUT", 3)]
    assert (entry.matrix_rows, entry.matrix_cols) == (2, 2)


@pytest.mark.parametrize(("text", "value"), [("10", 10), ("(5 * 2)", 10), ("12/2", 6), ("ROWS*2", None),
                                             ("__import__('os')", None), ("1e9", None)])
def test_config_numbers_are_arithmetic_only(text: str, value: int | None) -> None:
    assert config_number(text) == value
