"""No layout can inject code: hostile text in every field stays data, and the C still compiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.model.layout import Combo, KeyOverride, Macro, MacroStep, TapDance
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, run_macros, syntax_check, write_build_dir

needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not installed")

# What SEND_STRING can type: printable ASCII, tab, newline. Weighted towards C's special characters.
TYPEABLE = st.text(
    alphabet=st.sampled_from(list('"\\?*/#\n\t {}();=%\'') + [chr(c) for c in range(0x20, 0x7F)]),
    max_size=30,
)
ANY_TEXT = st.text(max_size=40)


@needs_gcc
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TYPEABLE, min_size=1, max_size=6), names=st.lists(ANY_TEXT, min_size=6, max_size=6))
def test_hostile_macros_send_their_own_bytes(tmp_path: Path, texts: list[str], names: list[str]) -> None:
    layout = layouts.layout(
        name=names[0],
        author=names[1],
        macros=[Macro(name=names[2 + i % 4], steps=[MacroStep("text", text)]) for i, text in enumerate(texts)],
        tap_dances=[TapDance(names[3] or "x", tap="KC_A", hold="KC_B")],
        combos=[Combo(keys=["KC_A", "KC_ENT"], action="KC_ESC", name=names[4])],
        key_overrides=[KeyOverride(trigger="KC_A", replacement="KC_B", mods=["MOD_MASK_SHIFT"], name=names[5])],
    )
    layout.layers[0].keys[0] = "TD(0)"
    sources = generate_sources(layout, layouts.board(), GenerateOptions(source_name=names[1]))
    folder = write_build_dir(tmp_path / "build", sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6})
    compiled = syntax_check(folder)
    assert compiled.returncode == 0, compiled.stderr + sources.keymap_c
    assert run_macros(folder, len(texts)) == [text.encode("ascii") for text in texts]
    # Comments and headers carry names, but never a line break or a line splice out of a comment.
    for text in sources.files().values():
        for line in text.splitlines():
            assert not line.rstrip().endswith("\\"), line
            assert "??" not in line or '"' in line, line
