"""The flash dialog driven offscreen: a fake `dfu-util` on PATH prints dfu-util's progress,
the dialog runs it off the GUI thread and shows progress, log and result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.flash.detect import Detector, UsbDevice
from keyconf.flash.job import FlashEnvironment
from keyconf.flash.metadata import for_firmware, write_metadata
from keyconf.gui.flash_dialog import ConsoleText, FlashDialog
from keyconf.model.layout import Layer, Layout
from tests.flash.fakes import FakeBus, replay_tool
from tests.flash.firmware_factory import arm_image, avr_program, intel_hex

STM32_DFU = UsbDevice(0x0483, 0xDF11, 0x2200, product="STM32  BOOTLOADER")


@pytest.fixture
def tools_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tools = tmp_path / "bin"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out", delay=0.01)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    return tools


@pytest.fixture
def firmware(tmp_path: Path) -> Path:
    path = tmp_path / "planck_rev6_default.bin"
    path.write_bytes(arm_image(41236))
    # keyconf's sidecar names the MCU: an STM32 DFU board gets no file for an unknown MCU
    write_metadata(path, for_firmware(path, keyboard="planck/rev6", processor="STM32F303", bootloader="stm32-dfu"))
    return path


def make_dialog(qtbot, bus: FakeBus, **options) -> FlashDialog:
    environment = FlashEnvironment(detector=Detector(usb=bus, volumes=lambda: []), settle=0, poll_interval=0.02)
    dialog = FlashDialog(environment=environment, auto_detect_ms=0, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_flashes_off_the_gui_thread_with_progress_and_log(qtbot, tools_on_path: Path, firmware: Path) -> None:
    dialog = make_dialog(qtbot, FakeBus(STM32_DFU), firmware=firmware)
    assert dialog.source_label.text() == "Last build"
    assert dialog.file_info.text() == "raw binary, 41236 bytes"
    assert "STM32 DFU, 0483:DF11" in dialog.device_label.text()
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    gui_alive: list[int] = []
    heartbeat = qtbot_timer(dialog, gui_alive)

    with qtbot.waitSignal(dialog.flash_finished, timeout=20000) as finished:
        qtbot.mouseClick(dialog.flash_button, Qt.MouseButton.LeftButton)
        assert dialog.running and not dialog.flash_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10000)
        assert not dialog.close_button.isEnabled()  # no closing while the keyboard is written
        dialog.close()
        assert dialog.isVisible()
    heartbeat.stop()
    qtbot.waitUntil(lambda: dialog.close_button.isEnabled(), timeout=5000)

    result = finished.args[0]
    assert result is not None and result.ok
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.progress.value() == 100
    assert values == sorted(values) and len(set(values)) > 5  # progress moved in steps, live
    assert len(gui_alive) > 5  # the event loop kept running while the tool worked
    assert dialog.status.text().startswith("Flashed planck_rev6_default.bin onto the STM32 DFU bootloader.")
    assert dialog.status.property("outcome") == "ok"
    assert dialog.flash_button.isEnabled()
    log = dialog.log_view.toPlainText()
    assert "Download done." in log and "File downloaded successfully" in log
    assert "Download\t[=========================] 100%" in log  # \r redraws collapsed to the last one
    assert log.count("Download\t[") == 1
    assert (tools_on_path / "dfu-util.argv").read_text().split()[:4] == ["-a", "0", "-d", "0483:DF11"]
    assert not dialog.log_view.isVisible()
    qtbot.mouseClick(dialog.log_toggle, Qt.MouseButton.LeftButton)
    assert dialog.log_view.isVisible()


def qtbot_timer(parent, sink: list[int]):
    from PySide6.QtCore import QTimer

    timer = QTimer(parent)
    timer.timeout.connect(lambda: sink.append(1))
    timer.start(20)
    return timer


def test_waits_then_times_out_showing_what_to_press(qtbot, tools_on_path: Path, firmware: Path) -> None:
    layout = Layout(keyboard="planck/rev6", layout_macro="LAYOUT", layers=[Layer("adjust", ["KC_A", "QK_BOOT"])])
    dialog = make_dialog(qtbot, FakeBus(), firmware=firmware, layout=layout, wait_seconds=0.6)
    assert dialog.device_label.text().startswith("No keyboard in bootloader mode")
    with qtbot.waitSignal(dialog.flash_finished, timeout=10000) as finished:
        dialog.start()
        qtbot.waitUntil(lambda: dialog.instructions.isVisible(), timeout=5000)
        assert "layer “adjust”, key 2" in dialog.instructions.text()
        assert dialog.cancel_button.isEnabled()
    assert finished.args[0] is None
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.status.text().startswith(
        "Not flashed: no keyboard in bootloader mode appeared within 0.6 seconds; nothing was flashed"
    )
    assert dialog.status.property("outcome") == "error"
    assert not (tools_on_path / "dfu-util.argv").exists()


def test_cancel_while_waiting(qtbot, tools_on_path: Path, firmware: Path) -> None:
    dialog = make_dialog(qtbot, FakeBus(), firmware=firmware, wait_seconds=60)
    with qtbot.waitSignal(dialog.flash_finished, timeout=10000):
        dialog.start()
        qtbot.waitUntil(lambda: dialog.instructions.isVisible(), timeout=5000)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert "cancelled while waiting" in dialog.status.text()


def test_wrong_format_is_refused_before_any_tool_runs(qtbot, tools_on_path: Path, tmp_path: Path) -> None:
    hex_file = tmp_path / "crkbd.hex"
    hex_file.write_text(intel_hex(avr_program(800)))
    bus = FakeBus(STM32_DFU)
    dialog = make_dialog(qtbot, bus, firmware=hex_file)
    assert dialog.file_info.text().startswith("Intel HEX, 800 bytes")
    with qtbot.waitSignal(dialog.flash_finished, timeout=10000) as finished:
        qtbot.mouseClick(dialog.flash_button, Qt.MouseButton.LeftButton)
    assert finished.args[0] is None
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert "the STM32 DFU bootloader takes .bin files, not .hex" in dialog.status.text()
    assert not (tools_on_path / "dfu-util.argv").exists()


def test_a_failing_tool_opens_the_log(qtbot, tmp_path: Path, firmware: Path, monkeypatch) -> None:
    tools = tmp_path / "bin"
    replay_tool(tools, "dfu-util", "dfu_util_no_device.out", exit_code=74)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    dialog = make_dialog(qtbot, FakeBus(STM32_DFU), firmware=firmware)
    with qtbot.waitSignal(dialog.flash_finished, timeout=20000) as finished:
        dialog.start()
    assert finished.args[0] is not None and not finished.args[0].ok
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.status.text() == (
        "Flashing failed: dfu-util failed (exit code 74): dfu-util: No DFU capable USB device available"
    )
    assert dialog.log_view.isVisible()


def test_bad_file_is_described_before_flashing(qtbot, tmp_path: Path) -> None:
    broken = tmp_path / "fw.uf2"
    broken.write_bytes(b"not a uf2 at all")
    dialog = make_dialog(qtbot, FakeBus(), firmware=broken)
    assert dialog.file_info.text().startswith("⚠") and "name says .uf2" in dialog.file_info.text()


def test_console_text_applies_carriage_returns() -> None:
    console = ConsoleText()
    console.feed("start\n\rDownload [==   ]  8%")
    console.feed("\rDownload [====]")
    console.feed(" 100%\nDownload done.\n")
    assert console.text == "start\nDownload [====] 100%\nDownload done."
