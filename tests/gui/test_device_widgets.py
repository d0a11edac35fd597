"""Device widgets against the simulated keyboard: worker thread, device bar, matrix tester,
lighting panel. Every keyboard exchange happens off the GUI thread."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from keyconf.device.board import Board
from keyconf.device.discovery import DeviceInfo
from keyconf.device.errors import HidUnavailable
from keyconf.device.simulated import Faults, SimulatedKeyboard, SimulatedVialKeyboard
from keyconf.device.via_protocol import Channel
from keyconf.gui.device_bar import DEMO_LABEL, VIAL_DEMO_LABEL, DeviceBar
from keyconf.gui.device_worker import DeviceWorker
from keyconf.gui.lighting_panel import LightingPanel
from keyconf.gui.matrix_tester import MatrixTester
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro

ROWS, COLS = 3, 5


def grid() -> Keyboard:
    keys = [Key(float(c), float(r), matrix=(r, c)) for r in range(ROWS) for c in range(COLS)]
    return Keyboard("test/grid", matrix_rows=ROWS, matrix_cols=COLS, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


@pytest.fixture
def worker(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    made = DeviceWorker()
    yield made
    made.shutdown()


def connect(qtbot, worker: DeviceWorker, sim: SimulatedKeyboard, keyboard: Keyboard | None = None):
    with qtbot.waitSignal(worker.connected, timeout=5000) as blocker:
        worker.connect_board(lambda: Board.connect(sim, sim.info(), timeout_ms=100), keyboard or grid())
    return blocker.args[0]


def test_connect_read_and_push(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=2, keymap=[4] * 30)
    summary = connect(qtbot, worker, sim)
    assert summary.layer_count == 2 and summary.geometry.name == "test/grid" and summary.matrix == (ROWS, COLS)
    phases = []
    worker.progress.connect(lambda phase, done, total: phases.append(phase))
    with qtbot.waitSignal(worker.keymapRead, timeout=5000) as read:
        worker.read_keymap()
    layout = read.args[0]
    assert layout.layers[1].keys == ["KC_A"] * 15 and "read" in phases
    layout.layers[1].keys[7] = "KC_B"
    with qtbot.waitSignal(worker.planned, timeout=5000) as planned:
        worker.plan_push(layout)
    assert [(c.old_text, c.new_text) for c in planned.args[0].keys] == [("KC_A", "KC_B")]
    with qtbot.waitSignal(worker.pushed, timeout=5000) as pushed:
        worker.apply_plan(planned.args[0])
    assert pushed.args[0].reports == 2 and sim.keycode(1, 1, 2) == 0x05


def test_live_edits_take_one_write_and_one_verify(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=1, keymap=[4] * 15)
    connect(qtbot, worker, sim)
    worker.set_live(True)
    with qtbot.waitSignal(worker.keymapRead, timeout=5000) as read:
        worker.read_keymap()
    layout = read.args[0]
    results = []
    for text in ("KC_X", "KC_Y", "KC_A"):  # edit, edit, undo back
        layout.layers[0].keys[0] = text
        with qtbot.waitSignal(worker.pushed, timeout=5000) as pushed:
            worker.push(layout, refresh=False)
        results.append(pushed.args[0])
    assert [r.reports for r in results] == [2, 2, 2]
    assert len({r.backup for r in results}) == 1
    assert sim.keycode(0, 0, 0) == 0x04


def test_the_gui_thread_keeps_running_during_a_slow_read(qtbot, worker):
    sim = SimulatedKeyboard(rows=5, cols=15, layers=4, latency_ms=15)
    connect(qtbot, worker, sim, _five_by_fifteen())
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    start = time.monotonic()
    with qtbot.waitSignal(worker.keymapRead, timeout=10000):
        worker.read_keymap()
    timer.stop()
    elapsed = time.monotonic() - start
    assert elapsed > 0.3  # 22+ reports at 15 ms each
    assert len(ticks) >= elapsed / 0.010 * 0.5  # the event loop kept ticking throughout
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.2


def _five_by_fifteen() -> Keyboard:
    keys = [Key(float(c), float(r), matrix=(r, c)) for r in range(5) for c in range(15)]
    return Keyboard("test/5x15", matrix_rows=5, matrix_cols=15, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


def test_unplugged_keyboard_is_reported_not_fatal(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=2)
    connect(qtbot, worker, sim)
    sim.faults = Faults(disconnect_after=sim.reports + 1)
    failures = []
    worker.failed.connect(lambda *args: failures.append(args))
    with qtbot.waitSignal(worker.disconnected, timeout=5000) as gone:
        worker.read_keymap()
    assert "unplugged" in gone.args[0] and failures[0][0] == "read"
    assert not worker.is_connected
    with qtbot.waitSignal(worker.failed, timeout=5000) as again:
        worker.read_keymap()
    assert "no keyboard is connected" in again.args[1]


# --- device bar ----------------------------------------------------------------------------


def info(path: str, name: str, accessible: bool = True) -> DeviceInfo:
    return DeviceInfo(path.encode(), 0x1234, 0x5678, product=name, accessible=accessible)


def test_device_bar_lists_and_follows_hotplug(qtbot, worker):
    connected = [info("/dev/hidraw1", "Corne")]
    bar = DeviceBar(worker, lister=lambda: list(connected), interval_ms=30)
    qtbot.addWidget(bar)
    try:
        qtbot.waitUntil(lambda: bar.combo.count() == 3, timeout=3000)
        assert bar.combo.itemText(0) == "Corne" and bar.combo.itemText(1) == DEMO_LABEL
        assert bar.combo.itemText(2) == VIAL_DEMO_LABEL
        connected.append(info("/dev/hidraw2", "Kyria", accessible=False))
        qtbot.waitUntil(lambda: bar.combo.count() == 4, timeout=3000)
        assert bar.combo.itemText(1) == "Kyria (no permission)"
        qtbot.waitUntil(lambda: "no permission" in bar.status.text() and "udev" in bar.status.text(), timeout=3000)
        connected.clear()
        qtbot.waitUntil(lambda: bar.combo.count() == 2, timeout=3000)
        assert bar.selected() is None
    finally:
        bar.shutdown()


def test_device_bar_without_hidapi_still_offers_the_demo(qtbot, worker):
    def missing() -> list[DeviceInfo]:
        raise HidUnavailable("USB keyboard access is unavailable", hint="sudo apt install libhidapi-hidraw0")

    bar = DeviceBar(worker, lister=missing, interval_ms=50)
    qtbot.addWidget(bar)
    try:
        qtbot.waitUntil(lambda: "libhidapi-hidraw0" in bar.status.text(), timeout=3000)
        # The long message stays on one line in a narrow window: elided, whole in the tooltip.
        bar.resize(520, bar.sizeHint().height())
        bar.show()
        qtbot.waitExposed(bar)
        one_line = bar.status.fontMetrics().height() + 8
        assert bar.status.height() <= one_line and bar.height() <= bar.combo.sizeHint().height() + one_line
        assert bar.status.shown_text().endswith("…") and bar.status.shown_text() != bar.status.text()
        assert bar.status.toolTip() == bar.status.text()
        assert bar.combo.count() == 2 and bar.combo.itemText(0) == DEMO_LABEL
        assert bar.combo.itemText(1) == VIAL_DEMO_LABEL
        with qtbot.waitSignal(worker.connected, timeout=5000):
            bar.connect_button.click()
        assert bar.connect_button.text() == "Disconnect" and "Connected" in bar.status.text()
        assert "Planck" in bar.status.text()
        with qtbot.waitSignal(worker.disconnected, timeout=5000):
            bar.connect_button.click()
        assert bar.connect_button.text() == "Connect"
        bar.combo.setCurrentIndex(1)  # the Vial demo board
        with qtbot.waitSignal(worker.connected, timeout=5000):
            bar.connect_button.click()
        assert "Vial demo board" in bar.status.text()
        with qtbot.waitSignal(worker.disconnected, timeout=5000):
            bar.connect_button.click()
    finally:
        bar.shutdown()


def test_device_bar_shows_progress(qtbot, worker):
    bar = DeviceBar(worker, lister=lambda: [], interval_ms=1000)
    qtbot.addWidget(bar)
    try:
        sim = SimulatedKeyboard(rows=5, cols=15, layers=4, latency_ms=5)
        connect(qtbot, worker, sim, _five_by_fifteen())
        seen = []
        worker.progress.connect(lambda *args: seen.append(not bar.progress.isHidden()))
        with qtbot.waitSignal(worker.keymapRead, timeout=5000):
            worker.read_keymap()
        assert seen and all(seen)
        qtbot.waitUntil(bar.progress.isHidden, timeout=2000)
    finally:
        bar.shutdown()


# --- matrix tester -------------------------------------------------------------------------


def test_matrix_tester_lights_pressed_keys(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=1)
    tester = MatrixTester(worker, interval_ms=5)
    qtbot.addWidget(tester)
    tester.resize(500, 250)
    connect(qtbot, worker, sim)
    tester.show()
    tester.start()
    sim.press(1, 2)
    sim.press(2, 4)
    qtbot.waitUntil(lambda: tester.canvas.pressed == {(1, 2), (2, 4)}, timeout=3000)
    image = tester.canvas.grab().toImage()
    assert not image.isNull()
    sim.release(1, 2)
    qtbot.waitUntil(lambda: tester.canvas.pressed == {(2, 4)}, timeout=3000)
    assert tester.canvas.seen == {(1, 2), (2, 4)}
    assert tester.canvas.colour((1, 2)) != tester.canvas.colour((2, 4))
    tester.reset()
    assert not tester.canvas.seen
    tester.stop()
    assert not tester.running


def test_matrix_tester_unlocks_a_vial_keyboard(qtbot, worker):
    sim = SimulatedVialKeyboard(rows=ROWS, cols=COLS, layers=1, unlock_polls=3, unlock_keys=((0, 0), (2, 4)))
    tester = MatrixTester(worker, interval_ms=5)
    qtbot.addWidget(tester)
    tester.show()
    connect(qtbot, worker, sim)
    qtbot.waitUntil(lambda: tester.unlock_button.isVisible(), timeout=3000)
    assert tester.canvas.unlock_keys == {(0, 0), (2, 4)}
    sim.press(0, 0)
    sim.press(2, 4)
    tester.unlock_button.click()
    qtbot.waitUntil(lambda: sim.unlocked and not tester.unlock_button.isVisible(), timeout=5000)
    sim.release(0, 0)
    tester.start()
    qtbot.waitUntil(lambda: tester.canvas.pressed == {(2, 4)}, timeout=3000)


def test_matrix_tester_stops_cleanly_when_unplugged(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=1)
    tester = MatrixTester(worker, interval_ms=5)
    qtbot.addWidget(tester)
    tester.show()
    connect(qtbot, worker, sim)
    tester.start()
    sim.unplug()
    qtbot.waitUntil(lambda: not tester.running, timeout=3000)
    assert "isconnected" in tester.message.text() or "stopped" in tester.message.text()


# --- lighting ------------------------------------------------------------------------------


def test_lighting_panel_sets_and_saves(qtbot, worker):
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=1, lighting=(Channel.RGB_MATRIX, Channel.AUDIO))
    panel = LightingPanel(worker)
    qtbot.addWidget(panel)
    connect(qtbot, worker, sim)
    qtbot.waitUntil(lambda: (Channel.RGB_MATRIX, "brightness") in panel.controls, timeout=3000)
    assert (Channel.AUDIO, "enable") in panel.controls and (Channel.BACKLIGHT, "brightness") not in panel.controls
    panel.controls[(Channel.RGB_MATRIX, "brightness")].setValue(0x40)
    panel.controls[(Channel.RGB_MATRIX, "color.0")].setValue(0x20)
    panel.controls[(Channel.AUDIO, "enable")].setChecked(False)
    state = sim.lighting[Channel.RGB_MATRIX]
    qtbot.waitUntil(lambda: state.values[1] == b"\x40" and state.values[4] == b"\x20\xff", timeout=3000)
    qtbot.waitUntil(lambda: sim.lighting[Channel.AUDIO].values[1] == b"\x00", timeout=3000)
    assert state.saved.get(1) != b"\x40"
    panel.save(Channel.RGB_MATRIX)
    qtbot.waitUntil(lambda: state.saved.get(1) == b"\x40", timeout=3000)


def test_lighting_panel_on_legacy_firmware(qtbot, worker):
    sim = SimulatedVialKeyboard(rows=ROWS, cols=COLS, layers=1, lighting=(Channel.RGBLIGHT,))
    panel = LightingPanel(worker)
    qtbot.addWidget(panel)
    connect(qtbot, worker, sim)
    qtbot.waitUntil(lambda: (Channel.RGBLIGHT, "effect") in panel.controls, timeout=3000)
    panel.controls[(Channel.RGBLIGHT, "effect")].setValue(5)
    qtbot.waitUntil(lambda: sim.lighting[Channel.RGBLIGHT].values[2] == b"\x05", timeout=3000)
