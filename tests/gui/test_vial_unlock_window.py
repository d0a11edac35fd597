"""The window offers Unlock when a locked Vial board refuses a write of QK_BOOT (issue 18),
through the same unlock flow as `keyconf push`, then applies again."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from keyconf.device.board import Board
from keyconf.device.demo import demo_keyboard
from keyconf.device.simulated import QK_BOOT, SimulatedVialKeyboard
from keyconf.gui.device_features import DeviceFeatures
from keyconf.gui.device_worker import DeviceWorker


@pytest.fixture
def window(qapp, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    from keyconf.gui.main_window import MainWindow
    from keyconf.gui.settings import EditorSettings

    made = MainWindow(EditorSettings(tmp_path / "settings.ini"))
    yield made
    if made.doc is not None:
        made.doc.mark_saved()
    made.close()
    made.deleteLater()


@pytest.fixture
def features(window, qtbot):
    made = DeviceFeatures(window, DeviceWorker())
    yield made
    made.shutdown()


def read_vial_demo(qtbot, features, window) -> SimulatedVialKeyboard:
    sim = demo_keyboard("vial")
    assert isinstance(sim, SimulatedVialKeyboard) and not sim.unlocked
    with qtbot.waitSignal(features.worker.connected, timeout=5000):
        features.worker.connect_board(lambda: Board.connect(sim, sim.info()))
    with qtbot.waitSignal(window.documentChanged, timeout=5000):
        features.read()
    return sim


def apply_qk_boot(qtbot, features, window) -> None:
    window.doc.assign(0, [2], "QK_BOOT")  # base layer, row 0 col 2
    with qtbot.waitSignal(features.worker.planned, timeout=5000):
        features.preview()
    with qtbot.waitSignal(features.worker.lockRefused, timeout=5000):
        features.preview_box.button(QMessageBox.StandardButton.Apply).click()


def test_a_refused_qk_boot_offers_unlock_then_applies(qtbot, features, window):
    sim = read_vial_demo(qtbot, features, window)
    apply_qk_boot(qtbot, features, window)
    box = features.lock_box
    assert box is not None and "locked" in box.text() and "Nothing was written" in box.text()
    assert sim.keycode(0, 0, 2) != QK_BOOT
    unlock = next(b for b in box.buttons() if b.text() == "Unlock…")
    with qtbot.waitSignal(features.worker.pushed, timeout=10000):
        unlock.click()
    dialog = features.unlock_dialog
    assert dialog is not None and dialog.finished_ok
    assert "KC_TAB (row 0, col 0) and KC_Q (row 0, col 1)" in dialog.message.text()
    assert sim.unlocked and sim.keycode(0, 0, 2) == QK_BOOT
    assert "written and verified" in window.statusBar().currentMessage()


def test_an_unlock_that_times_out_says_why_and_writes_nothing(qtbot, features, window, monkeypatch):
    sim = read_vial_demo(qtbot, features, window)
    sim.auto_hold_unlock_keys = False  # nobody holds the keys
    monkeypatch.setattr("keyconf.gui.device_worker.UNLOCK_TIMEOUT_S", 0.3)
    apply_qk_boot(qtbot, features, window)
    worker = features.worker
    original = worker.unlock
    monkeypatch.setattr(worker, "unlock", lambda cancel, timeout_s=0.3: original(cancel, timeout_s))
    unlock = next(b for b in features.lock_box.buttons() if b.text() == "Unlock…")
    with qtbot.waitSignal(worker.unlockDone, timeout=10000):
        unlock.click()
    dialog = features.unlock_dialog
    qtbot.waitUntil(lambda: "replug" in dialog.message.text(), timeout=5000)
    assert dialog.finished_ok is False and dialog.isVisible()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close) is not None
    assert sim.keycode(0, 0, 2) != QK_BOOT


def test_apply_preview_lists_setting_changes(qtbot, features, window):
    sim = read_vial_demo(qtbot, features, window)
    assert window.doc.layout.settings["tapping_term"] == 180  # read from the board
    window.doc.layout.settings["tapping_term"] = 150
    with qtbot.waitSignal(features.worker.planned, timeout=5000):
        features.preview()
    box = features.preview_box
    assert "settings" in box.text() and "setting tapping_term: 180 -> 150" in box.detailedText()
    with qtbot.waitSignal(features.worker.pushed, timeout=5000):
        box.button(QMessageBox.StandardButton.Apply).click()
    assert sim.qmk_settings[7] == 150
