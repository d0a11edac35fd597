"""A newcomer's first build with a real qmk_firmware tree: nothing configured (no qmk.ini, no
QMK_HOME), the layout open in the window, Keyboard → Build Firmware…, "Use an Existing Folder…"
pointing at the tree, the tree's Python requirements checked (and installed when keyconf's
environment lacks them), and a firmware file at the end.

Needs real trees: KEYCONF_TEST_QMK_HOME (e.g. a 2025 qmk_firmware) and KEYCONF_TEST_QMK_HOME_2024
(e.g. one of March 2024, whose requirements.txt asks for appdirs), each with the submodules its
boards need (lib/lufa for the AVR Corne, lib/chibios and lib/chibios-contrib for the default
Planck) and the toolchains on PATH. A tree that is not a git checkout is fine (keyconf builds it
with SKIP_GIT=yes). Skipped, saying which, when a piece is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.catalogue.qmk_home import missing_qmk_firmware_parts, read_qmk_cli_config
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor
from keyconf.compiler.toolchain import find_program
from keyconf.gui import firmware_actions

ROOT = Path(__file__).resolve().parents[2]
TREES = ["KEYCONF_TEST_QMK_HOME", "KEYCONF_TEST_QMK_HOME_2024"]
# The AVR Corne, and the default layout (Planck rev6, ARM).
LAYOUTS = {"corne.yaml": ["lib/lufa"], "planck.yaml": ["lib/chibios", "lib/chibios-contrib"]}

pytestmark = pytest.mark.slow


def real_tree(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"{variable} is not set (a real qmk_firmware tree, its submodules and toolchain)")
    tree = Path(value).expanduser().resolve()
    missing = missing_qmk_firmware_parts(tree)
    if missing:
        pytest.skip(f"{variable}={tree} is not a qmk_firmware tree (it lacks {', '.join(missing)})")
    return tree


def root_listing(tree: Path) -> list[str]:
    return sorted(p.name for p in tree.iterdir())


@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
@pytest.mark.parametrize("variable", TREES)
def test_a_first_build_with_no_tree_configured_leads_to_firmware(
    qtbot, window, isolated_user, tmp_path, monkeypatch, variable, layout_name
):  # type: ignore[no-untyped-def]
    tree = real_tree(variable)
    empty = [path for path in LAYOUTS[layout_name] if path in QmkTree(tree).empty_submodules()]
    if empty:
        them = "it" if len(empty) == 1 else "them"
        pytest.skip(f"{', '.join(empty)} not checked out in {tree} (the board of {layout_name} needs {them})")
    window.open_path(ROOT / "layouts" / layout_name, wait=True)
    assert window.doc is not None
    board = QmkTree(tree).keyboard(window.doc.layout.keyboard)
    compilers = compilers_for_processor(board.processor)
    if not any(find_program(name) for name in compilers) or not find_program("make"):
        pytest.skip(f"no {compilers[0]} or make on PATH for {board.processor}")
    assert read_qmk_cli_config().qmk_home is None  # a newcomer: nothing configured
    before = root_listing(tree)
    chosen: list[str] = []

    def choose_folder(parent, title, start):  # type: ignore[no-untyped-def]
        chosen.append(title)
        return str(tree)

    opened = firmware_actions.open_build_dialog

    def open_with_chooser(win, **options):  # type: ignore[no-untyped-def]
        return opened(win, choose_folder=choose_folder, output_dir=tmp_path / "firmware", jobs=2, **options)

    monkeypatch.setattr(firmware_actions, "open_build_dialog", open_with_chooser)
    window.act_build.trigger()
    dialog = window.build_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.setup_panel is not None and dialog.setup_panel.isVisible(), timeout=10_000)
    assert not dialog.build_button.isEnabled()
    with qtbot.waitSignal(dialog.build_finished, timeout=900_000) as finished:
        qtbot.mouseClick(dialog.setup_panel.use_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert chosen == ["Choose your qmk_firmware folder"]
    assert result is not None
    assert result.ok, "\n".join(p.format() for p in result.problems) + "\n" + dialog.log_text()[-4000:]
    assert result.firmware.suffix in (".hex", ".bin") and result.firmware.stat().st_size > 1000
    assert dialog.status.text().startswith(f"Built {result.firmware.name}")
    assert read_qmk_cli_config().qmk_home == tree  # the next build (and `qmk`) find it
    assert root_listing(tree) == before  # QMK's copy of the firmware in the tree's root is gone
