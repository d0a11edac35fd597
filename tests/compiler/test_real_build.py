"""Real builds with real qmk_firmware trees and toolchains (KEYCONF_TEST_QMK_HOME, and
KEYCONF_TEST_QMK_HOME_2024 for an older tree such as March 2024's).

Every bundled layout must build to a firmware file, and the tree must be left exactly as it
was. A tree may be a git checkout or a plain copy (built with SKIP_GIT). Skipped (with the
reason) when no tree is configured, its toolchain is missing, or it lacks a submodule the board
needs.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor, is_qmk_tree
from keyconf.compiler.toolchain import find_program
from keyconf.flash.metadata import read_metadata
from keyconf.formats.yaml_layout import load_layout

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))
TREES = ["KEYCONF_TEST_QMK_HOME", "KEYCONF_TEST_QMK_HOME_2024"]

pytestmark = pytest.mark.slow


def tree_state(home: Path) -> str:
    """Everything git sees in the tree, ignored files included (firmware copies, keymaps); for a
    tree that is not a checkout, every path in it."""
    if QmkTree(home).is_git_work_tree():
        return subprocess.run(
            ["git", "-C", str(home), "status", "--porcelain", "--ignored", "--untracked-files=all"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return "\n".join(sorted(str(Path(folder, name)) for folder, dirs, files in os.walk(home) for name in dirs + files))


@pytest.mark.parametrize("layout_path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
@pytest.mark.parametrize("variable", TREES)
def test_bundled_layout_builds_for_real(variable: str, layout_path: Path, tmp_path: Path) -> None:
    configured = os.environ.get(variable)
    if not configured:
        pytest.skip(f"{variable} is not set (a qmk_firmware tree with its submodules and toolchain)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree (a bare repository cannot build)")
    loaded = load_layout(layout_path)
    tree = QmkTree(home)
    if tree.resolve_keyboard(loaded.layout.keyboard) is None:
        pytest.skip(f"{loaded.layout.keyboard} is not in the tree at {home}")
    processor = tree.keyboard(loaded.layout.keyboard).processor
    if not any(find_program(name) for name in compilers_for_processor(processor)) or not find_program("qmk"):
        pytest.skip(f"no toolchain for {processor} on PATH")
    before = tree_state(home)
    result = FirmwareBuild(
        BuildRequest(loaded.layout, home, tmp_path, source_name=layout_path.name, row_lengths=loaded.row_lengths)
    ).run()
    missing = [p for p in result.problems if p.code == "qmk-submodule-missing"]
    if missing:
        pytest.skip(missing[0].message)
    assert result.ok, "\n".join(p.message for p in result.problems) + "\n" + "\n".join(result.log[-40:])
    assert result.firmware is not None and result.firmware.stat().st_size > 1000
    metadata = read_metadata(result.firmware)
    assert metadata is not None and metadata.processor == processor
    assert tree_state(home) == before


@pytest.mark.parametrize("variable", TREES)
def test_via_layers_past_the_eeprom_fail_in_words(variable: str, tmp_path: Path) -> None:
    """Twelve layers of a Corne with VIA: 12 x 96 bytes of live keymap leave the atmega32u4's 1 KB
    EEPROM under the 100 bytes VIA's macros need, and QMK's static assertion stops the build; the
    user reads that in words, with what to change."""
    configured = os.environ.get(variable)
    if not configured:
        pytest.skip(f"{variable} is not set (a qmk_firmware tree with its submodules and toolchain)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree (a bare repository cannot build)")
    if not find_program("avr-gcc") or not find_program("qmk"):
        pytest.skip("no avr-gcc or qmk on PATH")
    loaded = load_layout(ROOT / "layouts" / "corne.yaml")
    layout = loaded.layout
    while len(layout.layers) < 12:
        extra = dataclasses.replace(layout.layers[-1], name=f"extra{len(layout.layers)}")
        extra.keys = ["KC_NO" if k == "QK_BOOT" else k for k in extra.keys]
        layout.layers.append(extra)
    result = FirmwareBuild(BuildRequest(layout, home, tmp_path, via=True, source_name="many.yaml")).run()
    missing = [p for p in result.problems if p.code == "qmk-submodule-missing"]
    if missing:
        pytest.skip(missing[0].message)
    assert not result.ok
    problem = result.problems[0]
    assert problem.code == "eeprom-too-small", "\n".join(result.log[-30:])
    assert "12 layers of crkbd/rev1 do not fit in its atmega32u4's EEPROM" in problem.message
