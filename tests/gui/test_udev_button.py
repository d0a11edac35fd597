"""The device bar offers "Install udev rule…" when Linux refuses a keyboard; the installer
runs off the GUI thread and its outcome (or the sudo commands) is shown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from keyconf.device.discovery import DeviceInfo
from keyconf.device.errors import DevicePermissionError
from keyconf.flash.udev_install import InstallOutcome, InstallResult
from keyconf.gui.device_bar import DeviceBar
from keyconf.gui.device_worker import DeviceWorker
from keyconf.gui.udev_button import install_report

TARGET = Path("/etc/udev/rules.d/70-keyconf.rules")


@pytest.fixture
def worker(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    made = DeviceWorker()
    yield made
    made.shutdown()


def blocked_keyboard() -> DeviceInfo:
    return DeviceInfo(b"/dev/hidraw7", 0x4653, 0x0001, product="Corne", accessible=False)


class StubInstaller:
    def __init__(self, result: InstallResult):
        self.result = result
        self.threads: list[threading.Thread] = []

    def __call__(self) -> InstallResult:
        self.threads.append(threading.current_thread())
        return self.result


@pytest.fixture
def bars():
    made: list[DeviceBar] = []
    yield made
    for bar in made:
        bar.shutdown()


@pytest.fixture
def make_bar(qtbot, worker, bars):
    def make(devices, installer=None, applies=True) -> DeviceBar:
        return _make_bar(qtbot, worker, bars, devices, installer, applies)

    return make


def _make_bar(qtbot, worker, bars, devices, installer=None, applies=True) -> DeviceBar:
    bar = DeviceBar(
        worker, lister=lambda: list(devices), interval_ms=30, udev_installer=installer, udev_applies=applies
    )
    qtbot.addWidget(bar)
    bars.append(bar)
    bar.show()
    return bar


def test_a_refused_keyboard_offers_the_rule_and_installs_it_off_the_gui_thread(qtbot, worker, make_bar):
    installer = StubInstaller(InstallResult(InstallOutcome.INSTALLED, TARGET, reloaded=True))
    devices = [blocked_keyboard()]
    bar = make_bar(devices, installer)
    qtbot.waitUntil(lambda: bar.udev_button.isVisible(), timeout=5000)
    assert "no permission" in bar.status.text()
    with qtbot.waitSignal(bar.udev_button.finished, timeout=5000) as finished:
        bar.udev_button.click()
        assert not bar.udev_button.isEnabled()  # busy while the password prompt is up
    report = finished.args[0]
    assert report.ok and str(TARGET) in report.text and "plug it in again" in report.text
    assert installer.threads and installer.threads[0] is not threading.main_thread()
    assert bar.udev_button.box is not None and bar.udev_button.box.isVisible()
    assert bar.udev_button.box.text() == report.text
    bar.udev_button.box.close()
    # The keyboard comes back accessible after replugging: the offer goes away.
    devices[0] = DeviceInfo(b"/dev/hidraw7", 0x4653, 0x0001, product="Corne", accessible=True)
    qtbot.waitUntil(lambda: not bar.udev_button.isVisible(), timeout=5000)


def test_without_a_password_prompt_the_sudo_commands_are_shown(qtbot, worker, make_bar):
    commands = ["sudo cp /tmp/x/70-keyconf.rules /etc/udev/rules.d/70-keyconf.rules",
                "sudo udevadm control --reload-rules && sudo udevadm trigger"]
    installer = StubInstaller(
        InstallResult(InstallOutcome.MANUAL, TARGET, "pkexec (polkit) is not installed", commands)
    )
    bar = make_bar([blocked_keyboard()], installer)
    qtbot.waitUntil(lambda: bar.udev_button.isVisible(), timeout=5000)
    with qtbot.waitSignal(bar.udev_button.finished, timeout=5000) as finished:
        bar.udev_button.click()
    report = finished.args[0]
    assert not report.ok
    box = bar.udev_button.box
    assert "pkexec (polkit) is not installed" in box.text()
    assert box.informativeText() == "\n".join(commands)
    assert bar.udev_button.isEnabled() and bar.udev_button.isVisible()
    box.close()


def test_a_permission_error_while_connecting_offers_the_rule(qtbot, worker, make_bar):
    bar = make_bar([], StubInstaller(InstallResult(InstallOutcome.ALREADY_CURRENT, TARGET)))
    assert not bar.udev_button.isVisible()

    def refuse():
        raise DevicePermissionError("no permission to open Corne (/dev/hidraw7)", hint="install the udev rule")

    with qtbot.waitSignal(worker.permissionDenied, timeout=5000):
        worker.connect_board(refuse)
    assert bar.udev_button.isVisible()
    assert "no permission" in bar.status.text()
    qtbot.wait(150)  # rescans that list no refused keyboard keep the offer up
    assert bar.udev_button.isVisible()


def test_not_offered_where_udev_does_not_apply(qtbot, worker, make_bar):
    bar = make_bar([blocked_keyboard()], applies=False)
    qtbot.waitUntil(lambda: "no permission" in bar.status.text(), timeout=5000)
    assert not bar.udev_button.isVisible()


@pytest.mark.parametrize(
    ("result", "ok", "words"),
    [
        (InstallResult(InstallOutcome.INSTALLED, TARGET, "udev did not reload"), True, "Note: udev did not reload"),
        (InstallResult(InstallOutcome.ALREADY_CURRENT, TARGET), True, "already current"),
        (InstallResult(InstallOutcome.FAILED, TARGET, "copying failed", ["sudo cp a b"]), False, "copying failed"),
    ],
)
def test_install_reports(result, ok, words):
    report = install_report(result)
    assert report.ok is ok and words in report.text
    assert report.details == "\n".join(result.commands)
