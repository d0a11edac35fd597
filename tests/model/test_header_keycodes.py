"""Keycode names QMK defines in C headers, not in its spec: the steno keys (STN_*) before spec 0.0.9."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.model.keycodes import REGISTRY
from keyconf.model.keycodes.registry import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = DATA_DIR / "header_keycodes.json"


def test_the_table_says_where_it_comes_from() -> None:
    data = json.loads(DATA_FILE.read_text("utf-8"))
    assert data["source"] == "qmk/qmk_firmware quantum/steno_keycodes.h" and data["commit"] == "7098252252"
    assert data["license"].startswith("GPL-2.0-or-later") and data["generated_by"] == "tools/gen_header_keycodes.py"
    assert len(data["names"]) == 47


@pytest.mark.parametrize(
    ("name", "value", "qmk_key"),
    [
        ("STN_FN", 0x74C0, "QK_STENO_FUNCTION"),
        ("STN_N1", 0x74C1, "QK_STENO_N1"),
        ("STN_NUM", 0x74C1, "QK_STENO_N1"),
        ("STN_SL", 0x74C7, "QK_STENO_S1"),
        ("STN_ST3", 0x74D6, "QK_STENO_ST3"),
        ("STN_RE2", 0x74D4, "QK_STENO_RESET2"),
        ("STN_ZR", 0x74E9, "QK_STENO_ZR"),
    ],
)
def test_a_steno_name_is_the_key_at_its_enum_value(name: str, value: int, qmk_key: str) -> None:
    kc = REGISTRY.parse(name)
    assert REGISTRY.encode(kc) == value
    definition = REGISTRY.get(name)
    assert definition is not None and definition.qmk_name == qmk_key


def test_trees_before_spec_0_0_9_get_the_header_names_newer_ones_the_spec_names() -> None:
    kc = REGISTRY.parse("STN_ST3")
    assert REGISTRY.names_for_spec("0.0.3").text(kc) == "STN_ST3"
    assert REGISTRY.names_for_spec("0.0.7").text(kc) == "STN_ST3"
    assert REGISTRY.names_for_spec("0.0.9").text(kc) != "STN_ST3"
    assert "STN_ST3" in REGISTRY.names_for_spec("0.0.7").known_names
    assert "STN_ST3" not in REGISTRY.names_for_spec("0.0.9").known_names


def test_a_steno_keymap_imports_with_its_keys() -> None:
    # The shape of a real Atreus steno layer: the steno keys next to ordinary ones.
    text = """
#include QMK_KEYBOARD_H
enum layers { _QW, _ST };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [_QW] = LAYOUT(KC_Q, TG(_ST), KC_W),
  [_ST] = LAYOUT(STN_S1, TG(_ST), STN_ST3),
};
"""
    result = read_keymap_c(text, "keymap.c", "test/board")
    assert result.layout.layers[1].keys == ["STN_S1", "TG(st)", "STN_ST3"]
    assert [REGISTRY.encode(REGISTRY.parse(k)) for k in ("STN_S1", "STN_ST3")] == [0x74C7, 0x74D6]


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree to regenerate the table from)",
)
def test_the_table_is_what_the_generator_reads_from_a_tree(tmp_path: Path) -> None:
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    if not (home / "quantum/steno_keycodes.h").exists():
        pytest.skip(f"{home} has no quantum/steno_keycodes.h (a tree of keycode spec 0.0.9 or newer)")
    out = tmp_path / "names.json"
    subprocess.run(
        [sys.executable, str(ROOT / "tools/gen_header_keycodes.py"), str(home), "--commit", "x", "-o", str(out)],
        check=True,
    )
    assert json.loads(out.read_text())["names"] == json.loads(DATA_FILE.read_text())["names"]
