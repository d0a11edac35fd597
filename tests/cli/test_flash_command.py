"""`keyconf flash` as a user runs it (a real process), and flash_and_report() as the
compiler's --flash calls it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.cli.command import CommandError
from keyconf.cli.commands.flash import flash_and_report, list_bootloaders
from keyconf.flash.detect import Detector, UsbDevice
from keyconf.flash.job import FlashEnvironment
from tests.flash.fakes import FakeBus, finder_in, replay_tool
from tests.flash.firmware_factory import arm_image, avr_program, intel_hex

ROOT = Path(__file__).resolve().parents[2]


def keyconf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "keyconf", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_wrong_format_refused_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "crkbd.hex").write_text(intel_hex(avr_program(500)))
    result = keyconf("flash", "crkbd.hex", "--bootloader", "stm32-dfu", "--wait", "30", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "keyconf: error: crkbd.hex: the STM32 DFU bootloader takes .bin files, not .hex",
        "  hint: use the .bin file QMK builds for this board (FIRMWARE_FORMAT=bin)",
    ]
    assert "waiting" not in result.stdout


def test_a_renamed_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fw.bin").write_text(intel_hex(avr_program(500)))
    result = keyconf("flash", "fw.bin", cwd=tmp_path)
    assert result.returncode == 1
    assert "fw.bin: the name says .bin but the content is Intel HEX text" in result.stderr


def test_damaged_hex_names_the_line(tmp_path: Path) -> None:
    lines = intel_hex(avr_program(200)).splitlines()
    lines[4] = lines[4][:-2] + ("00" if lines[4][-2:] != "00" else "11")
    (tmp_path / "fw.hex").write_text("\n".join(lines) + "\n")
    result = keyconf("flash", "fw.hex", cwd=tmp_path)
    assert result.returncode == 1
    assert "keyconf: error: fw.hex:5:" in result.stderr and "checksum" in result.stderr


def test_no_board_times_out_cleanly(tmp_path: Path) -> None:
    (tmp_path / "planck.bin").write_bytes(arm_image(2000))
    result = keyconf("flash", "planck.bin", "--wait", "0.5", cwd=tmp_path)
    assert result.returncode == 1
    assert "waiting for bootloader…" in result.stdout
    assert (
        "keyconf: error: no keyboard in bootloader mode appeared within 0.5 seconds; nothing was flashed"
        in (result.stderr)
    )
    assert "QK_BOOT" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors(tmp_path: Path) -> None:
    assert keyconf("flash", cwd=tmp_path).returncode == 2
    unknown = keyconf("flash", "x.bin", "--bootloader", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown bootloader 'nope'" in unknown.stderr
    missing = keyconf("flash", "missing.bin", cwd=tmp_path)
    assert missing.returncode == 2 and "missing.bin: no such file" in missing.stderr


def test_list_runs_without_a_board(tmp_path: Path) -> None:
    result = keyconf("flash", "--list", cwd=tmp_path)
    assert result.returncode == 0
    assert "No keyboard is in bootloader mode" in result.stdout


def test_list_names_connected_bootloaders() -> None:
    out = io.StringIO()
    list_bootloaders(out, Detector(usb=FakeBus(UsbDevice(0x03EB, 0x2FF4, 0x0936)), volumes=lambda: []))
    assert out.getvalue().startswith("qmk-dfu      QMK DFU, 03EB:2FF4")


def environment(tools: Path, *devices: UsbDevice) -> FlashEnvironment:
    return FlashEnvironment(
        detector=Detector(usb=FakeBus(*devices), volumes=lambda: []),
        finder=finder_in(tools),
        settle=0,
        poll_interval=0.01,
    )


def test_flash_and_report_prints_progress_and_the_result(tmp_path: Path) -> None:
    firmware = tmp_path / "planck.bin"
    firmware.write_bytes(arm_image(40000))
    replay_tool(tmp_path / "tools", "dfu-util", "dfu_util_dfuse.out", delay=0.001)
    out = io.StringIO()
    log = tmp_path / "flash.log"
    result = flash_and_report(
        firmware,
        mcu="STM32F303",
        wait=0,
        log_file=log,
        environment=environment(tmp_path / "tools", UsbDevice(0x0483, 0xDF11)),
        out=out,
    )
    assert result.ok
    text = out.getvalue()
    assert "found STM32 DFU, 0483:DF11" in text
    progress = [line for line in text.splitlines() if line.startswith("progress: ")]
    assert progress[0].startswith("progress: 0%") and progress[-1].startswith("progress: 100%")
    assert len(progress) >= 5
    assert text.rstrip().endswith("done: planck.bin is on the keyboard (STM32 DFU).")
    assert "File downloaded successfully" in log.read_text()


def test_failed_flash_shows_the_tools_last_words(tmp_path: Path) -> None:
    firmware = tmp_path / "planck.bin"
    firmware.write_bytes(arm_image(40000))
    replay_tool(tmp_path / "tools", "dfu-util", "dfu_util_no_device.out", exit_code=74)
    out = io.StringIO()
    result = flash_and_report(
        firmware, mcu="STM32F303", wait=0, environment=environment(tmp_path / "tools", UsbDevice(0x0483, 0xDF11)),
        out=out,
    )
    assert not result.ok
    text = out.getvalue()
    assert "  dfu-util: No DFU capable USB device available" in text
    assert "failed: dfu-util failed (exit code 74)" in text


def test_missing_tool_is_a_command_error_with_the_install_hint(tmp_path: Path) -> None:
    firmware = tmp_path / "planck.bin"
    firmware.write_bytes(arm_image(4000))
    with pytest.raises(CommandError) as info:
        flash_and_report(
            firmware,
            mcu="STM32F303",
            wait=0,
            environment=environment(tmp_path / "none", UsbDevice(0x0483, 0xDF11)),
            out=io.StringIO(),
        )
    assert info.value.exit_code == 1
    assert info.value.message == "dfu-util is not installed (it is needed to flash this bootloader)"
    assert info.value.hint


@pytest.mark.skipif(
    shutil.which("dfu-util") is None, reason="dfu-util is not installed (Debian package dfu-util)"
)
def test_real_dfu_util_failure_reaches_the_user(tmp_path: Path) -> None:
    """Detection says an STM32 is there (fake bus); the real dfu-util finds none and says so."""
    firmware = tmp_path / "planck.bin"
    firmware.write_bytes(arm_image(40000))
    env = FlashEnvironment(
        detector=Detector(usb=FakeBus(UsbDevice(0x0483, 0xDF11)), volumes=lambda: []), settle=0
    )
    out = io.StringIO()
    result = flash_and_report(firmware, mcu="STM32F303", wait=0, environment=env, out=out)  # ROM DFU: the MCU is told
    assert not result.ok
    text = out.getvalue()
    assert "failed: dfu-util failed (exit code 74): dfu-util: No DFU capable USB device available" in text
    assert f"  $ {shutil.which('dfu-util')} -a 0 -d 0483:DF11 -s 0x08000000:leave -D {firmware}" in text
