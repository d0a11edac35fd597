"""The Build dialog, driven like a person would, with a fake `qmk` doing the compiling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.gui.build_dialog import BuildDialog
from keyconf.model.problems import Problem
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    return make_fake_tree(tmp_path / "qmk_firmware")


def dialog_for(qtbot, tree: Path, out: Path, layout=None, **options) -> BuildDialog:  # type: ignore[no-untyped-def]
    dialog = BuildDialog(
        layout=layout or layouts.with_combos(), source_path="mine.yaml", qmk_home=tree, output_dir=out, **options
    )
    qtbot.addWidget(dialog)
    return dialog


def test_build_shows_progress_log_and_result(qtbot, tree: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opened: list[Path] = []
    flashed: list[Path] = []
    dialog = dialog_for(qtbot, tree, tmp_path / "out", open_folder=opened.append, flash_handler=flashed.append)
    dialog.show()
    with qtbot.waitSignal(dialog.build_finished, timeout=20_000) as finished:
        pass  # autostart
    result = finished.args[0]
    assert result is not None and result.ok
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.result_widget.isVisible()
    assert dialog.result_label.text() == str(tmp_path / "out" / "testco_ortho_keyconf.bin")
    assert "Built testco_ortho_keyconf.bin" in dialog.status.text()
    assert not dialog.log_view.isVisible()  # collapsed until asked for
    qtbot.mouseClick(dialog.log_toggle, Qt.MouseButton.LeftButton)
    assert dialog.log_view.isVisible()
    assert "Compiling: quantum/file_0.c" in dialog.log_view.toPlainText()
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "out"]
    with qtbot.waitSignal(dialog.flash_requested) as flash:
        qtbot.mouseClick(dialog.flash_button, Qt.MouseButton.LeftButton)
    assert flash.args[0] == result.firmware and flashed == [result.firmware]
    assert dialog.build_button.isEnabled() and dialog.build_button.text() == "Build again"


def test_refused_build_lists_problems_and_jumps_to_them(qtbot, tree: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    layout = layouts.layers_only()
    layout.layers[1].keys[2] = "KC_NOPE"
    located: list[list[Problem]] = []

    def locate(problems: list[Problem]) -> list[Problem]:
        located.append(problems)
        return [problem.at("mine.yaml", 7, 12) for problem in problems]

    dialog = dialog_for(qtbot, tree, tmp_path / "out", layout=layout, locate=locate)
    with qtbot.waitSignal(dialog.build_finished, timeout=20_000) as finished:
        pass
    assert finished.args[0] is None
    assert dialog.problem_list.count() == 1
    assert dialog.problem_list.item(0).text().startswith("line 7: `KC_NOPE`")
    assert "Not built: 1 problem" in dialog.status.text()
    with qtbot.waitSignal(dialog.problem_activated) as activated:
        dialog.problem_list.itemActivated.emit(dialog.problem_list.item(0))
    assert activated.args[0].location == ("layers", 1, 2)
    assert not (tmp_path / "out").exists()


def test_cancel_stops_a_running_build(qtbot, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_QMK_MODE", "slow")
    dialog = dialog_for(qtbot, tree, tmp_path / "out")
    qtbot.waitUntil(lambda: dialog.running and dialog.progress.value() > 0, timeout=20_000)
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.build_finished, timeout=15_000) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].status == "cancelled"
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.status.text() == "Cancelled."
    assert not dialog.result_widget.isVisible()


def test_failed_build_opens_the_log(qtbot, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_QMK_MODE", "error")
    monkeypatch.setenv("FAKE_QMK_ERROR_TOKEN", "KC_ESC")
    dialog = dialog_for(qtbot, tree, tmp_path / "out")
    dialog.show()
    with qtbot.waitSignal(dialog.build_finished, timeout=20_000) as finished:
        pass
    assert finished.args[0].status == "failed"
    assert dialog.log_view.isVisible()
    assert dialog.problem_list.count() == 1
    assert dialog.problems[0].location[0] == "layers" or dialog.problems[0].location[0] == "combos"


def test_closing_during_a_build_cancels_it(qtbot, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_QMK_MODE", "slow")
    dialog = dialog_for(qtbot, tree, tmp_path / "out")
    dialog.show()
    qtbot.waitUntil(lambda: dialog.running and dialog.progress.value() > 0, timeout=20_000)
    dialog.close()  # waits for the cancelled build's thread
    assert not dialog.running or dialog._thread is None or dialog._thread.isFinished()
    assert not (tree / "testco_ortho_keyconf.bin").exists()


def test_the_install_before_a_build_names_the_packages(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A 2024 tree asks for appdirs, which keyconf's environment may lack: the dialog says what it
    installs (busy bar: pip tells no fraction), and Cancel stops pip."""
    from tests.compiler.test_qmk_python import ABSENT, fake_pip, tree_needing

    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    fake_pip(monkeypatch, "import time; print('Collecting', flush=True); time.sleep(30)")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}\n")
    dialog = dialog_for(qtbot, tree, tmp_path / "out")
    dialog.show()
    qtbot.waitUntil(lambda: ABSENT in dialog.status.text(), timeout=20_000)
    assert dialog.status.text().startswith(f"Installing {ABSENT}, which the scripts of this qmk_firmware folder need")
    assert dialog.progress.maximum() == 0 and dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.build_finished, timeout=15_000) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].status == "cancelled"
    assert dialog.progress.maximum() > 0  # the busy bar stopped with the install


def test_while_qmk_prepares_the_dialog_counts_the_files_it_generates(qtbot, tree: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from keyconf.compiler.progress import ProgressTracker

    dialog = dialog_for(qtbot, tree, tmp_path / "out", autostart=False)
    tracker = ProgressTracker(80)
    dialog._on_progress(tracker.snapshot())
    assert dialog.status.text() == "Preparing: QMK reads the keyboard's definition and generates its files…"
    for name in ("info_config.h", "default_keyboard.c", "default_keyboard.h"):
        assert tracker.feed(f"Generating: /cache/obj/src/{name}          [OK]")
    dialog._on_progress(tracker.snapshot())
    assert dialog.status.text() == "Preparing: QMK reads the keyboard's definition and generates its files (3 so far)…"
    tracker.feed("Compiling: quantum/quantum.c     [OK]")
    assert not tracker.feed("Generating: late.h")  # only counted before compiling starts
    dialog._on_progress(tracker.snapshot())
    assert dialog.status.text() == "Compiling… 1 of about 80 files"
