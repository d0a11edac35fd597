"""The plan runner, running real processes: fake tools replaying recorded output through a
pseudo-terminal or a pipe, the real avrdude against a simulated Caterina, drive copies."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from keyconf.flash import bootloaders
from keyconf.flash.detect import Detected, UsbDevice, Volume
from keyconf.flash.firmware_file import read_firmware
from keyconf.flash.flashers import CommandStep, CopyStep, FlashPlan, PlanRequest, plan_flash
from keyconf.flash.progress import DfuUtilProgress, ProgressParser
from keyconf.flash.runner import PlanRunner
from tests.flash.avr109_sim import Avr109Simulator
from tests.flash.fakes import RP2040_INFO, make_tool, replay_tool, uf2_drive
from tests.flash.firmware_factory import avr_program, intel_hex, uf2

posix_only = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


def stm32_plan(argv: list[str], **step_options) -> FlashPlan:
    step = CommandStep("Writing with dfu-util", argv, DfuUtilProgress(), **step_options)
    return FlashPlan(bootloaders.get("stm32-dfu"), [step])


class Recorder:
    def __init__(self) -> None:
        self.output: list[str] = []
        self.progress: list[tuple[int, str]] = []

    def runner(self, **options) -> PlanRunner:
        return PlanRunner(
            on_output=self.output.append,
            on_progress=lambda p, phase: self.progress.append((p, phase)),
            **options,
        )


@pytest.mark.parametrize("use_pty", [pytest.param(True, marks=posix_only), False], ids=["pty", "pipe"])
def test_progress_streams_while_the_tool_runs(tmp_path: Path, use_pty: bool) -> None:
    tool = replay_tool(tmp_path, "dfu-util", "dfu_util_dfuse.out", delay=0.002)
    recorder = Recorder()
    result = recorder.runner(use_pty=use_pty).run(stm32_plan([str(tool), "-D", "fw.bin"]))
    assert result.ok, result.message
    percents = [p for p, _ in recorder.progress]
    assert percents == sorted(percents) and percents[-1] == 100
    assert recorder.progress[0] == (0, "starting")  # before the tool's first line
    assert len(percents) > 10  # many updates, not one at the end
    assert "File downloaded successfully" in result.log
    assert result.log.startswith(f"$ {tool} -D fw.bin\n")
    assert (tmp_path / "dfu-util.argv").read_text() == "-D fw.bin\n"


def test_failure_reports_the_tools_own_words(tmp_path: Path) -> None:
    tool = replay_tool(tmp_path, "dfu-util", "dfu_util_no_device.out", exit_code=74)
    result = Recorder().runner().run(stm32_plan([str(tool)]))
    assert not result.ok
    assert result.exit_code == 74
    assert result.message == "dfu-util failed (exit code 74): dfu-util: No DFU capable USB device available"
    assert result.failed_step == "Writing with dfu-util"


def test_success_marker_wins_over_a_late_error_exit(tmp_path: Path) -> None:
    tool = replay_tool(tmp_path, "dfu-util", "dfu_util_dfuse_leave_error.out", exit_code=74)
    result = (
        Recorder().runner().run(stm32_plan([str(tool)], success_markers=("File downloaded successfully",)))
    )
    assert result.ok
    assert any("exited with code 74 after reporting" in w for w in result.warnings)


def test_failure_of_an_optional_step_is_a_warning(tmp_path: Path) -> None:
    ok = make_tool(tmp_path, "ok", "print('written')\n")
    reset = make_tool(
        tmp_path, "reset", "import sys; print('dfu-programmer: no device present.'); sys.exit(1)\n"
    )
    plan = FlashPlan(
        bootloaders.get("atmel-dfu"),
        [
            CommandStep("Writing", [str(ok)], ProgressParser()),
            CommandStep("Starting the firmware", [str(reset)], ProgressParser(), failure_ok=True),
        ],
    )
    result = Recorder().runner().run(plan)
    assert result.ok
    assert result.warnings == [
        "Starting the firmware failed (exit code 1); the board may already have restarted"
    ]


def test_a_tool_that_cannot_start(tmp_path: Path) -> None:
    result = Recorder().runner().run(stm32_plan([str(tmp_path / "nonexistent-tool")]))
    assert not result.ok and "cannot start" in result.log


def test_a_hanging_tool_is_stopped_at_its_timeout(tmp_path: Path) -> None:
    tool = make_tool(tmp_path, "hang", "import time\nprint('waiting', flush=True)\ntime.sleep(60)\n")
    result = Recorder().runner().run(stm32_plan([str(tool)], timeout=0.5))
    assert not result.ok
    assert "did not finish within 0.5 s" in result.log


def test_cancel_stops_the_tool(tmp_path: Path) -> None:
    tool = make_tool(
        tmp_path,
        "slow",
        "import time\nfor i in range(100):\n    print(i, flush=True)\n    time.sleep(0.05)\n",
    )
    cancel = threading.Event()
    recorder = Recorder()
    runner = recorder.runner(cancelled=cancel.is_set)
    after_cancel: list[str] = []

    def on_output(text: str) -> None:
        # A loaded machine may hand several lines over in one chunk: judge what came after the
        # chunk that asked to cancel, not how many lines the tool printed before it.
        (after_cancel if cancel.is_set() else recorder.output).append(text)
        if "3\n" in text:
            cancel.set()

    runner.on_output = on_output
    result = runner.run(stm32_plan([str(tool)]))
    assert result.cancelled and not result.ok
    assert "99" not in result.log.splitlines()  # the tool never got to its end
    assert not [line for line in "".join(after_cancel).splitlines() if line.isdigit()]  # nothing read after


class InterruptedRunner(PlanRunner):
    """Ctrl+C arrives while the tool runs (as KeyboardInterrupt in the main thread)."""

    interrupts = 1

    def _next_chunk(self, chunks):  # type: ignore[no-untyped-def]
        if self.interrupts:
            self.interrupts -= 1
            raise KeyboardInterrupt
        return super()._next_chunk(chunks)


def test_one_ctrl_c_lets_the_tool_finish_writing(tmp_path: Path) -> None:
    tool = replay_tool(tmp_path, "dfu-util", "dfu_util_dfuse.out", delay=0.001)
    result = InterruptedRunner().run(stm32_plan([str(tool)]))
    assert result.ok
    assert "interrupted: letting the tool finish" in result.log
    assert "File downloaded successfully" in result.log


def test_a_second_ctrl_c_stops_the_tool(tmp_path: Path) -> None:
    tool = make_tool(tmp_path, "slow", "import time\nprint('writing', flush=True)\ntime.sleep(30)\n")
    runner = InterruptedRunner()
    runner.interrupts = 2
    with pytest.raises(KeyboardInterrupt):
        runner.run(stm32_plan([str(tool)]))


@posix_only
@pytest.mark.skipif(
    shutil.which("avrdude") is None, reason="avrdude is not installed (Debian package avrdude)"
)
def test_real_avrdude_flashes_a_simulated_caterina(tmp_path: Path) -> None:
    program = avr_program(12000, seed=5)
    path = tmp_path / "pro_micro.hex"
    path.write_text(intel_hex(program))
    firmware = read_firmware(path)
    caterina = Detected(bootloaders.get("caterina"), UsbDevice(0x1B4F, 0x9205))
    with Avr109Simulator(block_delay=0.002) as sim:
        plan = plan_flash(PlanRequest(caterina, firmware, mcu="atmega32u4", serial_port=sim.port))
        recorder = Recorder()
        result = recorder.runner().run(plan)
        assert result.ok, result.log
        assert bytes(sim.flash[: len(program)]) == program
        assert sim.erased and sim.exited
    percents = [p for p, _ in recorder.progress]
    assert percents[-1] == 100 and any(20 < p < 80 for p in percents)
    assert "12000 bytes of flash verified" in result.log


def test_uf2_copy_to_a_drive_that_reboots(tmp_path: Path) -> None:
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    data = uf2(b"\x11" * 5000, 0x10000000, 0xE48BFF56)
    source = tmp_path / "fw.uf2"
    source.write_bytes(data)

    class RebootingRunner(PlanRunner):
        def _drive_gone(self, volume: Volume) -> bool:  # the board drops its drive once written
            (volume.mount_point / "INFO_UF2.TXT").unlink(missing_ok=True)
            return super()._drive_gone(volume)

    step = CopyStep("Copying", source, drive.mount_point / "NEW.UF2", drive, reboots=True)
    recorder = Recorder()
    result = RebootingRunner(
        on_output=recorder.output.append, on_progress=lambda p, phase: recorder.progress.append((p, phase))
    )
    outcome = result.run(FlashPlan(bootloaders.get("rp2040"), [step]))
    assert outcome.ok and outcome.warnings == []
    assert (drive.mount_point / "NEW.UF2").read_bytes() == data
    assert "rebooted into the new firmware" in outcome.log


def test_uf2_drive_that_stays_is_a_warning(tmp_path: Path) -> None:
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    source = tmp_path / "fw.uf2"
    source.write_bytes(uf2(b"\x11" * 600, 0x10000000, 0xE48BFF56))
    step = CopyStep("Copying", source, drive.mount_point / "NEW.UF2", drive, reboots=True)
    outcome = PlanRunner(reboot_grace=0.2).run(FlashPlan(bootloaders.get("rp2040"), [step]))
    assert outcome.ok
    assert outcome.warnings == ["the UF2 drive is still there: the bootloader may not have accepted the file"]


def test_lufa_ms_replaces_flash_bin_and_ejects(tmp_path: Path) -> None:
    drive = tmp_path / "LUFA"
    drive.mkdir()
    (drive / "FLASH.BIN").write_bytes(b"\xff" * 64)
    source = tmp_path / "fw.bin"
    source.write_bytes(b"\x0c\x94" * 100)
    volume = Volume(drive, device="/dev/sdz")
    ran: list[list[str]] = []

    def run(argv, **kwargs):
        import subprocess

        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0, "", "")

    step = CopyStep("Replacing FLASH.BIN", source, drive / "FLASH.BIN", volume, delete_first=True, eject=True)
    runner = PlanRunner(
        finder={"udisksctl": "/usr/bin/udisksctl", "eject": "/usr/bin/eject"}.get, run_command=run
    )
    outcome = runner.run(FlashPlan(bootloaders.get("lufa-ms"), [step]))
    assert outcome.ok, outcome.log
    assert (drive / "FLASH.BIN").read_bytes() == source.read_bytes()
    if os.uname().sysname == "Linux":
        assert ran == [
            ["/usr/bin/udisksctl", "unmount", "-b", "/dev/sdz"],
            ["/usr/bin/udisksctl", "power-off", "-b", "/dev/sdz"],
        ]
    no_tools = PlanRunner(finder=lambda name: None).run(FlashPlan(bootloaders.get("lufa-ms"), [step]))
    assert no_tools.ok and "eject" in no_tools.warnings[0]
