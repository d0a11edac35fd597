"""keymap.c import of forms found in the held-out corpus11 (2023-2026 userspaces, Keyball and Voyager
owners): a board kept in the user's repository whose header defines its layouts as C macros and names
one of them LAYOUT (`#define LAYOUT LAYOUT_right_ball`), while its info.json lists only another."""

from __future__ import annotations

import json
from pathlib import Path

from keyconf.formats.interchange import import_layout
from keyconf.formats.keyboard_folder import local_keyboard
from keyconf.formats.qmk_info import merged_info_json
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.validation import validate

# A trackball split of 2x3 keys a side, shaped like a Keyball: the right half's thumb key gives way to
# the ball in LAYOUT_right_ball; info.json places LAYOUT_no_ball's keys and names no matrix.
BALL_H = """#pragma once
#include "quantum.h"

// clang-format off
#define LAYOUT_right_ball( \\
    L00, L01, L02,    R02, R01, R00, \\
    L10, L11, L12,         R11, R10  \\
    ) \\
    { \\
        { L00, L01, L02 }, \\
        { L10, L11, L12 }, \\
        { R00, R01, R02 }, \\
        { R10, R11, KC_NO }, \\
    }

#define LAYOUT_no_ball( \\
    L00, L01, L02,    R02, R01, R00, \\
    L10, L11, L12,    R12, R11, R10  \\
    ) \\
    { \\
        { L00, L01, L02 }, \\
        { L10, L11, L12 }, \\
        { R00, R01, R02 }, \\
        { R10, R11, R12 }, \\
    }
// clang-format on

#define LAYOUT LAYOUT_right_ball
#define LAYOUT_universal LAYOUT_no_ball
"""
_X = [0, 1, 2, 5, 6, 7]
INFO_JSON = {
    "keyboard_name": "Ball",
    "manufacturer": "Me",
    "usb": {"vid": "0x5957", "pid": "0x0200", "device_version": "1.0.0"},
    "layouts": {"LAYOUT_no_ball": {"layout": [{"label": f"K{r}{c}", "x": x, "y": r}
                                              for r in range(2) for c, x in enumerate(_X)]}},
}
KEYMAP_C = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT(
    KC_Q, KC_W, KC_E,    KC_I, KC_O, KC_P,
    KC_A, KC_S, MO(1),         KC_L, KC_ENT
  ),
  [1] = LAYOUT(
    KC_1, KC_2, KC_3,    KC_8, KC_9, KC_0,
    KC_TRNS, KC_TRNS, KC_TRNS, KC_TRNS, KC_TRNS
  ),
};
"""


def _board(root: Path) -> Path:
    folder = root / "keyboards" / "ball"
    (folder / "keymaps" / "mine").mkdir(parents=True)
    (folder / "info.json").write_text(json.dumps(INFO_JSON))
    (folder / "ball.h").write_text(BALL_H)
    keymap = folder / "keymaps" / "mine" / "keymap.c"
    keymap.write_text(KEYMAP_C)
    return keymap


def test_a_layout_the_boards_header_names_layout_imports_with_the_keys_it_lays_out(tmp_path: Path) -> None:
    imported = import_layout(_board(tmp_path))
    layout, board = imported.layout, imported.keyboard
    assert board is not None and layout.layout_macro == "LAYOUT_right_ball"
    assert board.layout_aliases == {"LAYOUT": "LAYOUT_right_ball", "LAYOUT_universal": "LAYOUT_no_ball"}
    right_ball = board.layouts["LAYOUT_right_ball"]
    # The header's macro says where each key sits in the matrix; info.json's layout at those matrix
    # places says where it sits on the board: the right thumb key (R12) is the ball's, left out.
    assert [k.matrix for k in right_ball.keys] == [(0, 0), (0, 1), (0, 2), (2, 2), (2, 1), (2, 0),
                                                   (1, 0), (1, 1), (1, 2), (3, 1), (3, 0)]
    assert [(k.x, k.y) for k in right_ball.keys] == [(0, 0), (1, 0), (2, 0), (5, 0), (6, 0), (7, 0),
                                                     (0, 1), (1, 1), (2, 1), (6, 1), (7, 1)]
    assert layout.layers[0].keys[8] == "MO(layer1)" and layout.layers[0].keys[-1] == "KC_ENT"
    again = loads_layout(dumps_layout(layout, board)).layout
    assert [p.message for p in validate(again, again.geometry) if p.is_error] == []


def test_info_json_keys_without_matrix_take_the_headers_places(tmp_path: Path) -> None:
    board = local_keyboard(_board(tmp_path))
    assert board is not None
    no_ball = board.layouts["LAYOUT_no_ball"]
    assert [k.matrix for k in no_ball.keys][3:6] == [(2, 2), (2, 1), (2, 0)]
    assert [(k.x, k.y) for k in no_ball.keys][3:6] == [(5, 0), (6, 0), (7, 0)]


def test_a_trees_board_follows_its_headers_layout_alias(tmp_path: Path) -> None:
    _board(tmp_path)
    info = merged_info_json(tmp_path, "ball")
    assert info["layout_aliases"]["LAYOUT"] == "LAYOUT_right_ball"
    assert info["layouts"]["LAYOUT_right_ball"]["layout"][3]["x"] == 5
