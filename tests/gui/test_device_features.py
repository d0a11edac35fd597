"""The keyboard features in the real main window: read, apply with preview, live mode, --demo."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from keyconf.device.board import Board
from keyconf.device.demo import demo_keyboard
from keyconf.device.simulated import SimulatedKeyboard
from keyconf.gui.device_features import DeviceFeatures, install_device_features
from keyconf.gui.device_worker import DeviceWorker
from keyconf.gui.layout_files import OpenedLayout


@pytest.fixture
def window(qapp, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    from keyconf.gui.main_window import MainWindow
    from keyconf.gui.settings import EditorSettings

    made = MainWindow(EditorSettings(tmp_path / "settings.ini"))
    yield made
    if made.doc is not None:
        made.doc.mark_saved()  # closing must not ask "save changes?" in a test
    made.close()
    made.deleteLater()


@pytest.fixture
def features(window, qtbot):
    worker = DeviceWorker()
    made = DeviceFeatures(window, worker)
    yield made
    made.shutdown()


def connect_demo_sim(qtbot, features) -> SimulatedKeyboard:
    sim = demo_keyboard()
    with qtbot.waitSignal(features.worker.connected, timeout=5000):
        features.worker.connect_board(lambda: Board.connect(sim, sim.info()))
    return sim


def test_actions_follow_the_connection(qtbot, features):
    assert not features.read_action.isEnabled()
    connect_demo_sim(qtbot, features)
    assert features.read_action.isEnabled() and features.apply_action.isEnabled()
    assert features.window.keyboard_menu.menuAction().isVisible()


def test_read_from_keyboard_opens_its_keymap(qtbot, features, window):
    connect_demo_sim(qtbot, features)
    with qtbot.waitSignal(window.documentChanged, timeout=5000):
        features.read()
    doc = window.doc
    assert doc.keyboard.name == "planck/rev6" and doc.layout.layers[0].keys[0] == "KC_TAB"
    assert len(doc.layout.layers) == 4


def test_apply_shows_the_changes_then_writes(qtbot, features, window):
    sim = connect_demo_sim(qtbot, features)
    with qtbot.waitSignal(window.documentChanged, timeout=5000):
        features.read()
    window.doc.assign(0, [0], "KC_GRV")
    with qtbot.waitSignal(features.worker.planned, timeout=5000):
        features.preview()
    box = features.preview_box
    assert box is not None and "1 key(s) will change" in box.text() and "KC_TAB -> KC_GRV" in box.detailedText()
    assert sim.keycode(0, 0, 0) == 0x2B  # nothing written before the user agrees
    with qtbot.waitSignal(features.worker.pushed, timeout=5000):
        box.button(QMessageBox.StandardButton.Apply).click()
    assert sim.keycode(0, 0, 0) == 0x35
    assert "written and verified" in window.statusBar().currentMessage()


def test_live_mode_sends_each_edit_and_undo(qtbot, features, window):
    sim = connect_demo_sim(qtbot, features)
    with qtbot.waitSignal(window.documentChanged, timeout=5000):
        features.read()
    with qtbot.waitSignal(features.worker.pushed, timeout=5000):
        features.live_action.trigger()
    assert features.live_action.isChecked()
    with qtbot.waitSignal(features.worker.pushed, timeout=5000) as pushed:
        window.doc.assign(0, [1], "KC_X")
    assert pushed.args[0].reports == 2 and sim.keycode(0, 0, 1) == 0x1B
    with qtbot.waitSignal(features.worker.pushed, timeout=5000):
        window.doc.undo_stack.undo()
    assert sim.keycode(0, 0, 1) == 0x14  # KC_Q again


def test_installed_features_connect_the_demo_keyboard(qtbot, window):
    installed = install_device_features(window)
    try:
        assert window.device_features is installed
        with qtbot.waitSignal(installed.worker.connected, timeout=5000) as connected:
            window.device_features.connect_demo()
        assert "Planck" in connected.args[0].name
    finally:
        installed.shutdown()


def test_apply_of_another_keyboards_layout_is_refused(qtbot, features, window):
    from keyconf.catalogue.bundled import load_bundled
    from keyconf.model.layout import Layer, Layout

    connect_demo_sim(qtbot, features)
    sweep = load_bundled("ferris/sweep")
    layout = Layout("ferris/sweep", sweep.layout().name, layers=[Layer("base", ["KC_A"] * sweep.layout().key_count)])
    window.set_opened(OpenedLayout(layout, sweep, None, None))
    with qtbot.waitSignal(features.worker.failed, timeout=5000) as failed:
        features.preview()
    assert failed.args[0] == "preview"
