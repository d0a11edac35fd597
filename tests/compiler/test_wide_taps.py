"""Mod-taps and layer-taps of keycodes wider than a byte (`LALT_T(TO(nav))`) build to QMK's values.

QMK's MT/LT/SH_T keep the low 8 bits of the tap; keyconf's generated keymap.c, compiled by gcc,
must hold exactly the value the registry encodes (what VIA and Vial write to a board). Against
the stub's QMK macros always, and against a real tree's headers with KEYCONF_TEST_QMK_HOME."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import Layer, keycode_context
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, gcc_command, write_build_dir

ROOT = Path(__file__).resolve().parents[2]
QMK_HOME = os.environ.get("KEYCONF_TEST_QMK_HOME")
WIDE = ["LALT_T(TO(nav))", "LT(nav, BL_STEP)", "MT(MOD_LCTL | MOD_LSFT, QK_BOOT)", "LT(nav, LSFT(KC_A))",
        "SH_T(MO(nav))", "LGUI_T(KC_SLSH)"]
PRINT_KEYMAPS = r"""
#include <stdio.h>
int main(void) {
    for (unsigned l = 0; l < sizeof(keymaps) / sizeof(keymaps[0]); l++)
        for (unsigned k = 0; k < MATRIX_COLS; k++) printf("%u\n", (unsigned)keymaps[l][0][k]);
    return 0;
}
"""


def wide_layout():  # type: ignore[no-untyped-def]
    layout = layouts.layout()
    layout.layers[0] = Layer("base", WIDE)
    return layout


def expected_values(layout) -> list[int]:  # type: ignore[no-untyped-def]
    ctx = keycode_context(layout)
    return [REGISTRY.encode(REGISTRY.parse(text, ctx), ctx) for layer in layout.layers for text in layer.keys]


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_generated_keymap_holds_the_values_qmk_cuts(tmp_path: Path) -> None:
    layout = wide_layout()
    sources = generate_sources(layout, layouts.board(), GenerateOptions(dialect=CURRENT_QMK, source_name="t.yaml"))
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6}, encoders=1)
    (folder / "main.c").write_text('#include "keymap.c"\n' + PRINT_KEYMAPS, encoding="utf-8")
    program = folder / "values"
    built = subprocess.run([*gcc_command(folder), "-o", str(program), str(folder / "main.c")],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr + sources.keymap_c
    values = [int(line) for line in subprocess.run([str(program)], capture_output=True, text=True,
                                                    check=True).stdout.split()]
    assert values == expected_values(layout)
    assert values[:3] == [0x2401, 0x4105, 0x2300]  # QMK's own arithmetic, by hand


@pytest.mark.skipif(not QMK_HOME or not (Path(str(QMK_HOME)) / "quantum" / "quantum_keycodes.h").exists(),
                    reason="KEYCONF_TEST_QMK_HOME is not set to a qmk_firmware tree (checked-out files)")
@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_a_users_keymap_with_wide_taps_keeps_its_values_in_a_real_tree(tmp_path: Path) -> None:
    """A real-shaped keymap.c (a Ferris Sweep's `LALT_T(TO(2))`, a Planck's `LT(3, BL_STEP)`):
    imported and written again, gcc with the tree's headers gives the same keymaps[][][]."""
    from keyconf.compiler.qmk_tree import QmkTree

    spec = importlib.util.spec_from_file_location("keymap_c_equivalence", ROOT / "bench" / "keymap_c_equivalence.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    (tmp_path / "kb.h").write_text(bench.HEADER, encoding="utf-8")
    text = """#include QMK_KEYBOARD_H
enum layers { _BASE, _SYM, _NAV, _FN };
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT(LALT_T(TO(2)), LGUI_T(TO(3)), LT(3, BL_STEP), LT(_SYM, S(KC_A)), MO(_SYM)),
    [_SYM] = LAYOUT(KC_1, KC_2, KC_3, KC_4, KC_TRNS),
    [_NAV] = LAYOUT(TO(0), KC_LEFT, KC_RGHT, KC_UP, KC_DOWN),
    [_FN] = LAYOUT(TO(0), KC_F1, KC_F2, KC_F3, KC_F4),
};
"""
    tree = Path(str(QMK_HOME))
    outcome = bench.check(text, "keymap.c", tree, QmkTree(tree).dialect, tmp_path)
    assert outcome.status == "match", outcome
