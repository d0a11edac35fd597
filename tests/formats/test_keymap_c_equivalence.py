"""Import → keyconf's keymap.c gives the same keymaps[][][] values as the original, by gcc.

Runs bench/keymap_c_equivalence.py's check on a few keymaps against a real QMK tree's headers
(KEYCONF_TEST_QMK_HOME); skips without one, or without gcc."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QMK_HOME = os.environ.get("KEYCONF_TEST_QMK_HOME")
pytestmark = [
    pytest.mark.skipif(not QMK_HOME or not (Path(QMK_HOME) / "quantum" / "quantum_keycodes.h").exists(),
                       reason="KEYCONF_TEST_QMK_HOME is not set to a qmk_firmware tree (checked-out files)"),
    pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed"),
]
DATA = Path(__file__).parent / "data"
REAL_KEYMAPS = (
    "keyboards/planck/keymaps/default/keymap.c",
    "keyboards/crkbd/keymaps/default/keymap.c",
    "keyboards/preonic/keymaps/default/keymap.c",
    "keyboards/lily58/keymaps/default/keymap.c",
)


def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("keymap_c_equivalence", ROOT / "bench" / "keymap_c_equivalence.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from keyconf.compiler.qmk_tree import QmkTree

    module = bench()
    work = tmp_path_factory.mktemp("equivalence")
    (work / "kb.h").write_text(module.HEADER, encoding="utf-8")
    tree = Path(str(QMK_HOME))
    dialect = QmkTree(tree).dialect

    def check(path: Path):  # type: ignore[no-untyped-def]
        return module.check(path.read_text(encoding="utf-8"), str(path), tree, dialect, work)

    return check


@pytest.mark.parametrize("relative", REAL_KEYMAPS)
def test_qmk_keymaps_keep_their_values(checker, relative: str) -> None:  # type: ignore[no-untyped-def]
    path = Path(str(QMK_HOME)) / relative
    if not path.exists():
        pytest.skip(f"{relative} is not in this tree")
    outcome = checker(path)
    assert outcome.status == "match", outcome


def test_a_users_keymap_with_custom_keycodes_aliases_and_a_send_string_macro(checker) -> None:  # type: ignore[no-untyped-def]
    # ALTTAB and CAPS_WORDISH keep their values; EMAIL is compared as the macro it became.
    outcome = checker(DATA / "keymap_c" / "keymap.c")
    assert outcome.status == "match", outcome
    corne = checker(DATA / "interchange" / "corne_layers.keymap.c")  # RM_ keycodes: spec 0.0.4 on
    assert corne.status == "match" or "needs a QMK tree with keycode spec" in corne.detail, corne


def test_a_changed_value_is_caught(checker, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The check is real: keyconf output with one key different fails it."""
    module = sys.modules["keymap_c_equivalence"]
    generate = module.generate_sources

    def one_key_off(*args, **kwargs):  # type: ignore[no-untyped-def]
        sources = generate(*args, **kwargs)
        sources.keymap_c = sources.keymap_c.replace("KC_Q,", "KC_W,", 1)
        return sources

    monkeypatch.setattr(module, "generate_sources", one_key_off)
    outcome = checker(DATA / "keymap_c" / "keymap.c")
    assert outcome.status == "differ" and outcome.detail == "layer 0 key 1: 0x0014 != 0x001A"


ORYX_STYLE = """#include QMK_KEYBOARD_H
#include "version.h"
#include "i18n.h"
#define ZSA_SAFE_RANGE SAFE_RANGE

enum custom_keycodes {
  RGB_SLD = ZSA_SAFE_RANGE,
  HSV_0_255_255,
};

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT_voyager(
    KC_ESCAPE, KC_1, KC_2, KC_3, KC_4, KC_5,                   KC_6, KC_7, KC_8, KC_9, KC_0, KC_MINUS,
    KC_TAB, KC_Q, KC_W, KC_E, KC_R, KC_T,                      KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSLS,
    KC_BSPC, KC_A, KC_S, KC_D, KC_F, KC_G,                     KC_H, KC_J, KC_K, KC_L, KC_SCLN, KC_QUOTE,
    KC_LEFT_SHIFT, KC_Z, KC_X, KC_C, KC_V, KC_B,               KC_N, KC_M, KC_COMMA, KC_DOT, KC_SLASH, UK_PND,
    TOGGLE_LAYER_COLOR, RGB_SLD,                               KC_PC_COPY, HSV_0_255_255
  ),
};
"""


def test_an_oryx_source_with_its_boards_keycodes_and_its_folders_i18n_header(tmp_path: Path) -> None:
    from keyconf.compiler.qmk_tree import QmkTree

    module = bench()
    tree = Path(str(QMK_HOME))
    if not (tree / "keyboards" / "zsa" / "voyager").is_dir():
        pytest.skip("this tree has no zsa/voyager")
    work = tmp_path / "work"
    work.mkdir()
    (work / "kb.h").write_text(module.HEADER, encoding="utf-8")
    keymap = tmp_path / "PY5XZ" / "keymap.c"
    keymap.parent.mkdir()
    keymap.write_text(ORYX_STYLE, encoding="utf-8")
    (keymap.parent / "i18n.h").write_text("#define UK_PND S(KC_3)\n#define KC_PC_COPY LCTL(KC_C)\n", encoding="utf-8")
    dialect = QmkTree(tree).dialect
    board = module.board_enums(tree, "zsa/voyager")
    assert "TOGGLE_LAYER_COLOR" in board
    prelude = board + "\n" + module.folder_defines(ORYX_STYLE, keymap)
    assert module.check(ORYX_STYLE, str(keymap), tree, dialect, work, prelude).status == "match"
    # without them the original names what only the board and the folder define
    assert module.check(ORYX_STYLE, str(keymap), tree, dialect, work).status == "original does not build"
