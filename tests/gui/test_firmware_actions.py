"""Keyboard → Build firmware… and Flash firmware… in the real window: the compiler's build
dialog with a fake `qmk`, its Flash… button, and the connected keyboard sent to its
bootloader over VIA by the flash job."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.device.board import Board
from keyconf.device.demo import demo_keyboard
from keyconf.device.simulated import SimulatedKeyboard
from keyconf.flash.detect import Detector, UsbDevice
from keyconf.flash.entry import JumpOutcome
from keyconf.flash.job import FlashEnvironment
from keyconf.flash.metadata import for_firmware, sidecar_path, write_metadata
from keyconf.gui.device_features import DeviceFeatures
from keyconf.gui.device_worker import DeviceWorker
from keyconf.gui.firmware_actions import bootloader_jump, open_flash_dialog
from keyconf.gui.layout_files import OpenedLayout
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree
from tests.flash.fakes import replay_tool
from tests.flash.firmware_factory import arm_image

STM32_DFU = UsbDevice(0x0483, 0xDF11, 0x2200, product="STM32  BOOTLOADER")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    root = make_fake_tree(tmp_path / "qmk_firmware")
    monkeypatch.setenv("QMK_HOME", str(root))
    return root


@pytest.fixture
def ortho(window, qtbot):
    """The compiler tests' 2x3 board open in the window, unsaved (never written to a file)."""
    layout = layouts.with_combos()
    window.set_opened(OpenedLayout(layout, layouts.board(), None, None))
    return window


@pytest.fixture
def features(window):
    made = DeviceFeatures(window, DeviceWorker())
    yield made
    made.shutdown()


def finish(qtbot, dialog):
    with qtbot.waitSignal(dialog.build_finished, timeout=30_000) as finished:
        pass  # the dialog starts building as it opens
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    return finished.args[0]


def test_build_from_the_menu_then_flash_opens_the_flash_dialog(ortho, qtbot, tree, tmp_path):
    window = ortho
    assert window.act_build in window.keyboard_menu.actions()
    window.act_build.trigger()
    dialog = window.build_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Build firmware (unsaved layout)"
    result = finish(qtbot, dialog)
    assert result is not None and result.ok
    firmware = Path(os.environ["KEYCONF_HOME"]) / "data" / "firmware" / "testco_ortho_keyconf.bin"
    assert result.firmware == firmware and firmware.is_file()
    assert result.metadata == sidecar_path(firmware) and result.metadata.is_file()  # read by the flasher
    assert dialog.result_widget.isVisible()
    qtbot.mouseClick(dialog.flash_button, Qt.MouseButton.LeftButton)
    flash = window.flash_dialog
    assert flash is not None and flash.isVisible()
    assert flash.firmware_path() == firmware
    assert flash.source_label.text() == "Last build"
    assert flash.keyboard is window.doc.keyboard
    flash.close()
    dialog.close()


def test_the_unsaved_layout_is_what_gets_built(ortho, qtbot, tree, monkeypatch):
    """An edit not yet saved reaches the build; QMK's error on it leads back to the key."""
    window = ortho
    window.doc.assign(1, [4], "KC_F13")  # layer nav, key 4
    monkeypatch.setenv("FAKE_QMK_MODE", "error")
    monkeypatch.setenv("FAKE_QMK_ERROR_TOKEN", "KC_F13")
    window.act_build.trigger()
    dialog = window.build_dialog
    result = finish(qtbot, dialog)
    assert result is not None and result.status == "failed"
    assert dialog.problem_list.count() == 1
    problem = dialog.problems[0]
    assert tuple(problem.location)[:3] == ("layers", 1, 4)
    window.selection.set_layer(0)
    dialog.problem_list.itemActivated.emit(dialog.problem_list.item(0))
    assert window.selection.layer == 1 and window.selection.slots == [4]
    calls = [json.loads(line) for line in Path(os.environ["FAKE_QMK_LOG"]).read_text().splitlines()]
    assert calls and calls[-1]["args"][calls[-1]["args"].index("-kb") + 1] == "testco/ortho"
    dialog.close()


def test_without_a_qmk_tree_the_dialog_says_how_to_get_one(ortho, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("QMK_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("HOME", str(tmp_path))
    window = ortho
    window.act_build.trigger()
    dialog = window.build_dialog
    qtbot.waitUntil(lambda: dialog.status.property("outcome") == "error", timeout=10_000)
    assert str(tmp_path / "nowhere") in dialog.status.text() and "does not exist" in dialog.status.text()
    assert "--" not in dialog.status.text()
    assert dialog.setup_panel.isVisible() and not dialog.build_button.isEnabled()
    dialog.close()


def test_flash_enters_the_bootloader_over_via(window, features, qtbot, tmp_path, monkeypatch):
    """Flash with no board in its bootloader: the job asks the connected keyboard to jump,
    the bootloader appears, dfu-util runs."""
    tools = tmp_path / "bin"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    sim = SimulatedKeyboard(bootloader_jump=True, name="Jumper", vendor_id=0xFEED, product_id=0x0002)
    with qtbot.waitSignal(features.worker.connected, timeout=5000):
        features.worker.connect_board(lambda: Board.connect(sim, sim.info()))
    firmware = tmp_path / "board.bin"
    firmware.write_bytes(arm_image(30000))
    write_metadata(firmware, for_firmware(firmware, keyboard="x", processor="STM32F303", bootloader="stm32-dfu"))

    def bus() -> list[UsbDevice]:
        return [STM32_DFU] if sim.in_bootloader else []

    environment = FlashEnvironment(detector=Detector(usb=bus, volumes=lambda: []), settle=0, poll_interval=0.02)
    dialog = open_flash_dialog(window, firmware, environment=environment, auto_detect_ms=0, wait_seconds=15)
    assert dialog.enter_bootloader is not None
    assert "Jumper is connected: Flash asks it to restart into its bootloader" in dialog.device_label.text()
    with qtbot.waitSignal(features.worker.disconnected, timeout=20_000) as gone:
        with qtbot.waitSignal(dialog.flash_finished, timeout=20_000) as finished:
            qtbot.mouseClick(dialog.flash_button, Qt.MouseButton.LeftButton)
    assert "bootloader" in gone.args[0]
    result = finished.args[0]
    assert result is not None and result.ok, dialog.status.text()
    assert sim.in_bootloader
    assert "restarting into its bootloader" in dialog.log_text()
    assert not features.worker.is_connected
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    dialog.close()


def test_bootloader_jump_answers_for_every_connection_state(window, features, qtbot):
    import threading

    jump = bootloader_jump(window)
    assert jump is not None
    assert jump().outcome is JumpOutcome.NO_DEVICE  # nothing connected
    sim = demo_keyboard()  # upstream QMK: VIA's bootloader jump is "unhandled"
    with qtbot.waitSignal(features.worker.connected, timeout=5000):
        features.worker.connect_board(lambda: Board.connect(sim, sim.info()))
    answers = []
    thread = threading.Thread(target=lambda: answers.append(jump()))
    thread.start()
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    thread.join()
    assert answers[0].outcome is JumpOutcome.UNSUPPORTED
    assert features.worker.is_connected  # nothing happened to the keyboard
    # On the GUI thread the jump refuses rather than wait for itself.
    assert features.worker.enter_bootloader().outcome is JumpOutcome.FAILED


def test_no_device_features_no_jump(window):
    assert window.device_features is None
    assert bootloader_jump(window) is None
