"""A layout moved to another keyboard builds: its generated keymap.c passes gcc (against the
stub QMK header) with the new board's layout macro and encoder count."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.catalogue.resolve import find_keyboard
from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.yaml_layout import load_layout
from keyconf.model.retarget import retarget_layout
from keyconf.model.starter_layout import encoder_count
from tests.compiler.c_stub import GCC, syntax_check, write_build_dir

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
@pytest.mark.parametrize(
    ("name", "board"),
    [("corne", "ferris/sweep"), ("corne", "lily58/rev1"), ("kyria", "planck/rev6"), ("dz60", "kbdfans/kbd8x_mk2")],
)
def test_a_moved_layout_compiles(tmp_path: Path, name: str, board: str) -> None:
    layout = load_layout(LAYOUTS / f"{name}.yaml").layout
    target = find_keyboard(board)
    moved = retarget_layout(layout, find_keyboard(layout.keyboard), target)
    assert not [p for p in moved.problems if p.is_error]
    sources = generate_sources(moved.layout, target, GenerateOptions(source_name=f"{name}-{board}.yaml"))
    macro = moved.target_macro
    folder = write_build_dir(
        tmp_path, sources, CURRENT_QMK.keycode_spec_version, {macro.name: macro.key_count},
        encoders=encoder_count(target, macro.keys),
    )
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr
