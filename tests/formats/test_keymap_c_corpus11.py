"""keymap.c import of forms found in the held-out corpus11 (2023-2026 userspaces, Keyball and Voyager
owners): a board kept in the user's repository whose header defines its layouts as C macros and names
one of them LAYOUT (`#define LAYOUT LAYOUT_right_ball`), while its info.json lists only another; a layer
key given a layer key (TT(MO(_NUM))); an enum alias of a mod-tap on a custom keycode; a keymap shared by
boards through `#if defined(KEYBOARD_planck)`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.c_source import keyboard_macros
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.keyboard_folder import local_keyboard
from keyconf.formats.keymap_c_import import KeymapC, read_keymap_c
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


def _planck(rows: str, before: str = "", keyboard: str = "planck/rev6") -> KeymapC:
    text = f"#include QMK_KEYBOARD_H\n{before}\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{\n"
    return read_keymap_c(f"{text}{rows}\n}};\n", "keymap.c", keyboard)


_FILL = ", ".join(["KC_A"] * 44)


def test_a_layer_key_given_a_layer_key_keeps_the_layer_qmk_builds() -> None:
    # vsbrian's dactyl: `#define NUM MO(_NUM)` and then TT(NUM) on a key: TT(MO(_NUM)), which QMK builds as
    # TT(_NUM) (MO's layer sits in the low 5 bits TT keeps).
    result = _planck(f"  [_BASE] = LAYOUT_ortho_4x12(KC_A, TT(NUM), TG(MO(_SYM)), LT(MO(_SYM), KC_B), {_FILL}),\n"
                      f"  [_SYM] = LAYOUT_ortho_4x12(KC_B, KC_B, KC_B, KC_B, {_FILL}),\n"
                      f"  [_NUM] = LAYOUT_ortho_4x12(KC_C, KC_C, KC_C, KC_C, {_FILL}),",
                      "enum layers { _BASE, _SYM, _NUM };\n#define NUM MO(_NUM)")
    assert result.layout.layers[0].keys[1:4] == ["TT(num)", "TG(sym)", "LT(sym, KC_B)"]
    assert any("TT() the key MO(...) as its layer; QMK keeps its low 5 bits" in w for w in result.warnings)
    keyboard = load_bundled("planck/rev6")
    assert [p.message for p in validate(result.layout, keyboard) if p.is_error] == []


def test_an_enum_alias_of_a_mod_tap_on_a_custom_keycode_is_that_key() -> None:
    # matesea's Voyager (2025): `NAV_A = LGUI_T(CA)`, CA a custom keycode whose tap process_record_user
    # catches (`case NAV_A:`); the key is that mod-tap, as written, and the enum stays C for the code.
    result = _planck(f"  [0] = LAYOUT_ortho_4x12(NAV_A, HRM_S, CA, KC_D, {_FILL}),",
                      "enum custom_keycodes { ARROW = SAFE_RANGE, CA, CS };\n"
                      "enum keycode_aliases { HRM_S = LALT_T(KC_S), NAV_A = LGUI_T(CA), NAV_S = LALT_T(CS) };")
    assert result.layout.layers[0].keys[:3] == ["LGUI_T(CA)", "LALT_T(KC_S)", "CA"]
    keyboard = load_bundled("planck/rev6")
    reread = loads_layout(dumps_layout(result.layout, keyboard)).layout
    assert [p.message for p in validate(reread, keyboard) if p.is_error] == []
    generated = generate_sources(reread, keyboard, GenerateOptions())
    assert "LGUI_T(CA)" in generated.keymap_c


_BY_BOARD = """#if defined(KEYBOARD_planck)
#define LAYOUT_wrapper(...) LAYOUT_ortho_4x12(__VA_ARGS__)
#define R1(...)
#elif defined(KEYBOARD_preonic)
#define LAYOUT_wrapper(...) LAYOUT_ortho_5x12(__VA_ARGS__)
#define R1(...) __VA_ARGS__,
#else
#error Keyboard not implemented.
#endif"""


def test_a_keymap_shared_by_boards_reads_the_branch_of_its_keyboard() -> None:
    # thisleejones' Planck/Preonic keymap: `#if defined(KEYBOARD_planck)`, which QMK's build defines for
    # planck/rev6 (KEYBOARD_planck, KEYBOARD_planck_rev6); the Preonic's number row R1(...) is left out.
    rows = f"  [0] = LAYOUT_wrapper(R1(KC_1, KC_2, KC_3, KC_4) KC_B, KC_B, KC_B, KC_B, {_FILL}),"
    result = _planck(rows, _BY_BOARD)
    assert result.layout.layout_macro == "LAYOUT_ortho_4x12" and result.layout.layers[0].keys[0] == "KC_B"
    assert keyboard_macros("planck/rev6") == {"KEYBOARD_planck", "KEYBOARD_planck_rev6"}
    # build_keyboard.mk leaves a folder's `.` out (KEYBOARD_FILESAFE_n), as the userspace header reader had it.
    assert keyboard_macros("acme/v1.1/rev2") == {"KEYBOARD_acme", "KEYBOARD_acme_v11", "KEYBOARD_acme_v11_rev2"}
    # Read for another board, the file's own #error stops it, at its line, saying which boards it is for.
    with pytest.raises(FormatError) as raised:
        _planck(rows, _BY_BOARD, keyboard="crkbd/rev1")
    assert raised.value.line == 9 and "KEYBOARD_planck, KEYBOARD_preonic" in raised.value.message
    assert raised.value.hint is not None and "--keyboard" in raised.value.hint


def test_a_custom_keycode_enum_not_counted_from_safe_range_is_the_numbers_c_gives_it() -> None:
    # Fukkei's sweep: `enum custom_keycodes { MACRO_0, MACRO_1, MACRO_2 }` and `case MACRO_0: SEND_STRING(...)`.
    # C gives them 0, 1, 2 (KC_NO, KC_TRNS, 0x0002), which the firmware's keys hold; MACRO_0 is also a name
    # QMK dropped before its keycode spec (MC_0), which the file's own enum declares here.
    result = _planck(f"  [0] = LAYOUT_ortho_4x12(MACRO_0, MACRO_1, MACRO_2, KC_B, {_FILL}),",
                     "enum custom_keycodes { MACRO_0, MACRO_1, MACRO_2 };\n"
                     "bool process_record_user(uint16_t keycode, keyrecord_t *record) {\n"
                     "  if (record->event.pressed) { switch (keycode) {\n"
                     "  case MACRO_0: SEND_STRING(\"x\"); return false;\n"
                     "  case MACRO_1: SEND_STRING(\"y\"); return false; } }\n  return true;\n}")
    assert result.layout.layers[0].keys[:4] == ["0x0000", "0x0001", "0x0002", "KC_B"]
    said = [w for w in result.warnings if "does not count from SAFE_RANGE" in w]
    assert len(said) == 2 and said[0].startswith("line ") and "`MACRO_0 = SAFE_RANGE`" in said[0]
