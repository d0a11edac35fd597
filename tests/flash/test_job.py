"""flash_firmware() from file to result: refusals before anything runs, waiting, metadata,
missing tools, and real flashing tools (dfu-util against no device, avrdude against a
simulated Caterina)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from keyconf.flash.detect import Detector, UsbDevice
from keyconf.flash.entry import JumpOutcome, JumpResult
from keyconf.flash.job import (
    DetectedEvent,
    FlashEnvironment,
    FlashError,
    ProgressEvent,
    StatusEvent,
    WaitingEvent,
    flash_firmware,
)
from keyconf.flash.metadata import for_firmware, sidecar_path, write_metadata
from keyconf.model.layout import Layer, Layout
from tests.flash.avr109_sim import Avr109Simulator
from tests.flash.fakes import RP2040_INFO, FakeBus, finder_in, replay_tool, uf2_drive
from tests.flash.firmware_factory import arm_image, avr_program, intel_hex, uf2

STM32_DFU = UsbDevice(0x0483, 0xDF11, 0x2200)
APM32_DFU = UsbDevice(0x314B, 0x0106, 0x0100)
CATERINA = UsbDevice(0x1B4F, 0x9205, 0x0001)


class Spy:
    """Records events; its finder and run_command fail the test if anything is executed."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self.tools_looked_up: list[str] = []

    def __call__(self, event: object) -> None:
        self.events.append(event)

    def statuses(self) -> list[str]:
        return [e.message for e in self.events if isinstance(e, StatusEvent)]

    def percents(self) -> list[int]:
        return [e.percent for e in self.events if isinstance(e, ProgressEvent)]


def environment(bus: FakeBus, tools: Path | None = None, **options) -> FlashEnvironment:
    def no_run(*args, **kwargs):
        raise AssertionError(f"nothing may run here: {args}")

    defaults = dict(
        detector=Detector(usb=bus, volumes=lambda: []),
        finder=finder_in(tools) if tools else (lambda name: None),
        run_command=no_run,
        settle=0.0,
        poll_interval=0.02,
    )
    return FlashEnvironment(**(defaults | options))


@pytest.fixture
def planck_bin(tmp_path: Path) -> Path:
    path = tmp_path / "planck_rev6_default.bin"
    path.write_bytes(arm_image(30000))
    return path


def test_wrong_format_is_refused_before_any_tool_runs(tmp_path: Path) -> None:
    firmware = tmp_path / "crkbd.hex"
    firmware.write_text(intel_hex(avr_program(1000)))
    bus = FakeBus(STM32_DFU)
    looked_up: list[str] = []
    env = environment(bus, finder=lambda name: looked_up.append(name) or None)
    with pytest.raises(FlashError) as info:
        flash_firmware(firmware, bootloader="stm32-dfu", wait=5, environment=env)
    assert info.value.stage == "file"
    assert "takes .bin files, not .hex" in info.value.message
    assert bus.scans == 0 and looked_up == []  # no detection, no tool lookup, nothing ran


def test_wrong_format_for_the_detected_board_is_refused(tmp_path: Path) -> None:
    firmware = tmp_path / "crkbd.hex"
    firmware.write_text(intel_hex(avr_program(1000)))
    with pytest.raises(FlashError, match="STM32 DFU bootloader takes .bin files"):
        flash_firmware(firmware, wait=0, environment=environment(FakeBus(STM32_DFU)))


def test_no_board_waits_then_times_out_cleanly(planck_bin: Path) -> None:
    spy = Spy()
    layout = Layout(keyboard="planck/rev6", layout_macro="LAYOUT", layers=[Layer("fn", ["KC_A", "QK_BOOT"])])
    bus = FakeBus()
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, wait=0.2, layout=layout, on_event=spy, environment=environment(bus))
    assert info.value.stage == "wait"
    assert info.value.message == (
        "no keyboard in bootloader mode appeared within 0.2 seconds; nothing was flashed"
    )
    assert "layer “fn”, key 2" in (info.value.hint or "")
    assert "waiting for bootloader…" in spy.statuses()
    assert any(isinstance(e, WaitingEvent) for e in spy.events)
    assert bus.scans >= 3  # it kept looking


def test_bootloader_jump_then_the_board_appears(planck_bin: Path, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out", delay=0.002)
    bus = FakeBus()
    bus.plug_after = (2, STM32_DFU)
    jumps: list[str] = []

    def jump() -> JumpResult:
        jumps.append("sent")
        return JumpResult(JumpOutcome.UNSUPPORTED)

    spy = Spy()
    result = flash_firmware(
        planck_bin, mcu="STM32F303", wait=5, enter_bootloader=jump, on_event=spy, environment=environment(bus, tools)
    )
    assert result.ok, result.log
    assert jumps == ["sent"]
    assert any("cannot jump to the bootloader" in s for s in spy.statuses())
    assert any(isinstance(e, DetectedEvent) for e in spy.events)
    percents = spy.percents()
    assert percents == sorted(percents) and percents[-1] == 100 and len(percents) > 5
    assert (tools / "dfu-util.argv").read_text().split()[:6] == [
        "-a",
        "0",
        "-d",
        "0483:DF11",
        "-s",
        "0x08000000:leave",
    ]


def test_metadata_mismatch_is_refused_unless_forced(planck_bin: Path, tmp_path: Path) -> None:
    write_metadata(
        planck_bin,
        for_firmware(planck_bin, keyboard="planck/rev6", processor="STM32F303", bootloader="stm32-dfu"),
    )
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, wait=0, force=False, environment=environment(FakeBus(APM32_DFU), tools))
    assert info.value.stage == "metadata"
    assert info.value.message == (
        "the firmware was built for the bootloader stm32-dfu, but the board has apm32-dfu"
    )
    assert not (tools / "dfu-util.argv").exists()
    spy = Spy()
    result = flash_firmware(
        planck_bin, wait=0, force=True, on_event=spy, environment=environment(FakeBus(APM32_DFU), tools)
    )
    assert result.ok
    assert any(s.startswith("forced: the firmware was built for") for s in spy.statuses())
    assert "314B:0106" in (tools / "dfu-util.argv").read_text()


def test_tool_is_checked_before_waiting_when_the_bootloader_is_known(planck_bin: Path) -> None:
    write_metadata(
        planck_bin, for_firmware(planck_bin, keyboard="x", processor="STM32F303", bootloader="stm32-dfu")
    )
    bus = FakeBus()
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, wait=10, environment=environment(bus))
    assert info.value.stage == "tool"
    assert bus.scans == 0  # told at once, not after a wait


def test_wrong_board_appearing_during_the_wait_is_refused_at_once(tmp_path: Path) -> None:
    firmware = tmp_path / "crkbd.hex"
    firmware.write_text(intel_hex(avr_program(1000)))
    bus = FakeBus()
    bus.plug_after = (1, STM32_DFU)
    tools = tmp_path / "tools"
    replay_tool(tools, "avrdude", "avrdude_caterina_pipe.out")
    with pytest.raises(FlashError) as info:
        flash_firmware(firmware, bootloader="caterina", wait=30, environment=environment(bus, tools))
    assert info.value.message == "the keyboard is in the STM32 DFU bootloader, not caterina"
    assert bus.scans == 2


def test_stale_metadata_is_ignored_with_a_warning(planck_bin: Path, tmp_path: Path) -> None:
    metadata = for_firmware(planck_bin, keyboard="x", processor="atmega32u4", bootloader="caterina")
    write_metadata(planck_bin, metadata)
    planck_bin.write_bytes(arm_image(30001))  # rebuilt outside keyconf
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    spy = Spy()
    result = flash_firmware(
        planck_bin, mcu="STM32F303", wait=0, on_event=spy, environment=environment(FakeBus(STM32_DFU), tools)
    )
    assert result.ok
    assert any("describes another build" in s for s in spy.statuses())


def test_broken_metadata_stops_unless_forced(planck_bin: Path) -> None:
    sidecar_path(planck_bin).write_text("{not json")
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, mcu="STM32F303", wait=0, environment=environment(FakeBus(STM32_DFU)))
    assert info.value.stage == "metadata" and "line 1, column 2" in info.value.message


def test_missing_tool_gives_the_install_command(planck_bin: Path) -> None:
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, mcu="STM32F303", wait=0, environment=environment(FakeBus(STM32_DFU)))
    assert info.value.stage == "tool"
    assert info.value.message == "dfu-util is not installed (it is needed to flash this bootloader)"
    assert info.value.hint


def test_unknown_bootloader_name_is_a_usage_error(planck_bin: Path) -> None:
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, bootloader="stm33-dfu", wait=0, environment=environment(FakeBus()))
    assert info.value.exit_code == 2


def test_eeprom_only_when_the_bootloader_can(planck_bin: Path, tmp_path: Path) -> None:
    eeprom = tmp_path / "reset.eep"
    eeprom.write_text(intel_hex(b"\x00" * 64))
    with pytest.raises(FlashError, match="cannot write EEPROM"):
        flash_firmware(planck_bin, mcu="STM32F303", eeprom=eeprom, wait=0, environment=environment(FakeBus(STM32_DFU)))


def test_cancel_while_waiting(planck_bin: Path) -> None:
    calls = iter([False, False, True])
    with pytest.raises(FlashError) as info:
        flash_firmware(
            planck_bin, wait=30, cancelled=lambda: next(calls, True), environment=environment(FakeBus())
        )
    assert info.value.stage == "cancelled"


@pytest.mark.skipif(
    shutil.which("dfu-util") is None, reason="dfu-util is not installed (Debian package dfu-util)"
)
def test_real_dfu_util_with_no_device_fails_clearly(planck_bin: Path) -> None:
    """The board is 'detected' (fake bus) but not really there: the real dfu-util runs, finds
    no device, and its own words reach the user."""
    env = environment(FakeBus(STM32_DFU), finder=shutil.which)
    env.run_command = __import__("subprocess").run
    result = flash_firmware(planck_bin, mcu="STM32F303", wait=0, environment=env)  # ROM DFU: the MCU is told
    assert not result.ok
    assert result.message.startswith("dfu-util failed (exit code 74)")
    assert "No DFU capable USB device available" in result.message
    assert "dfu-util 0." in result.log  # the real banner, streamed through the pty


@pytest.mark.skipif(
    os.name != "posix" or shutil.which("avrdude") is None,
    reason="needs avrdude (Debian package avrdude) and pseudo-terminals",
)
def test_real_avrdude_end_to_end_with_metadata(tmp_path: Path) -> None:
    program = avr_program(9000, seed=11)
    firmware = tmp_path / "pro_micro.hex"
    firmware.write_text(intel_hex(program))
    write_metadata(
        firmware,
        for_firmware(firmware, keyboard="handwired/x", processor="atmega32u4", bootloader="caterina"),
    )
    assert json.loads(sidecar_path(firmware).read_text())["bootloader"] == "caterina"
    spy = Spy()
    with Avr109Simulator() as sim:
        env = environment(FakeBus(CATERINA), finder=shutil.which, serial_ports=lambda vid, pid: sim.port)
        env.run_command = __import__("subprocess").run
        result = flash_firmware(firmware, wait=0, on_event=spy, environment=env)
        assert result.ok, result.log
        assert bytes(sim.flash[: len(program)]) == program
    assert spy.percents()[-1] == 100
    assert "-c avr109" in result.log and sim.port in result.log


RP2_BOOT = UsbDevice(0x2E8A, 0x0003, 0x0100)


def test_uf2_waits_for_the_drive_to_mount_then_copies(tmp_path: Path) -> None:
    firmware = tmp_path / "kb2040_default.uf2"
    data = uf2(b"\x5a" * 3000, 0x10000000, 0xE48BFF56)
    firmware.write_bytes(data)
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    scans = {"count": 0}

    def volumes():
        scans["count"] += 1
        return [drive] if scans["count"] > 3 else []  # the desktop mounts it a moment later

    spy = Spy()
    env = environment(
        FakeBus(RP2_BOOT), detector=Detector(usb=FakeBus(RP2_BOOT), volumes=volumes), reboot_grace=0
    )
    result = flash_firmware(firmware, wait=0, on_event=spy, environment=env)
    assert result.ok
    assert (drive.mount_point / "NEW.UF2").read_bytes() == data
    assert any("waiting for its drive to be mounted" in s for s in spy.statuses())
    assert "the UF2 drive is still there" in " ".join(result.warnings)  # this fake board never reboots


def test_uf2_for_another_chip_is_refused_by_family(tmp_path: Path) -> None:
    firmware = tmp_path / "blackpill.uf2"
    firmware.write_bytes(uf2(b"\x5a" * 3000, 0x08010000, 0x57755A57))
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    env = environment(FakeBus(), detector=Detector(usb=FakeBus(RP2_BOOT), volumes=lambda: [drive]))
    with pytest.raises(FlashError) as info:
        flash_firmware(firmware, wait=0, environment=env)
    assert (
        "the UF2 file is for STM32F4 (0x57755a57), but the board takes RP2040 (0xe48bff56)"
        in info.value.message
    )
    assert not (drive.mount_point / "NEW.UF2").exists()


def test_uf2_drive_that_never_mounts(tmp_path: Path) -> None:
    firmware = tmp_path / "kb2040_default.uf2"
    firmware.write_bytes(uf2(b"\x5a" * 600, 0x10000000, 0xE48BFF56))
    env = environment(FakeBus(RP2_BOOT), mount_wait=0.1)
    with pytest.raises(FlashError, match="its drive was not mounted"):
        flash_firmware(firmware, wait=0, environment=env)


# -- hostile files: refused before any tool runs


def _nothing_ran(bus: FakeBus, tools: Path) -> bool:
    return not (tools / "dfu-util.argv").exists()


def test_an_eeprom_image_is_not_firmware(tmp_path: Path) -> None:
    eeprom = tmp_path / "crkbd_rev1_default.eep"
    eeprom.write_text(intel_hex(b"\x00" * 64))
    bus = FakeBus(STM32_DFU)
    with pytest.raises(FlashError) as info:
        flash_firmware(eeprom, wait=0, environment=environment(bus))
    assert "EEPROM image (.eep), not firmware" in info.value.message and "--eeprom" in (info.value.hint or "")
    assert bus.scans == 0


def test_an_elf_named_bin_never_reaches_dfu_util(tmp_path: Path) -> None:
    elf = tmp_path / "planck.bin"
    elf.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(4000))
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    with pytest.raises(FlashError) as info:
        flash_firmware(elf, wait=0, environment=environment(FakeBus(STM32_DFU), tools))
    assert "ELF file" in info.value.message and _nothing_ran(FakeBus(), tools)


@pytest.mark.parametrize("mcu", [None, "STM32F303"])
def test_random_data_never_reaches_dfu_util(tmp_path: Path, mcu: str | None) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(1) + bytes(range(256)) * 40)  # no stack pointer, no reset vector
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    with pytest.raises(FlashError) as info:
        flash_firmware(noise, mcu=mcu, wait=0, environment=environment(FakeBus(STM32_DFU), tools))
    assert "firmware image" in info.value.message and _nothing_ran(FakeBus(), tools)


def test_random_data_is_refused_before_waiting_when_the_bootloader_is_named(tmp_path: Path) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 40)
    bus = FakeBus(STM32_DFU)
    with pytest.raises(FlashError, match="no firmware image for any chip the STM32 DFU bootloader serves"):
        flash_firmware(noise, bootloader="stm32-dfu", wait=5, environment=environment(bus))
    assert bus.scans == 0


def test_unknown_mcu_on_stm32_dfu_asks_for_mcu(planck_bin: Path, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, wait=0, environment=environment(FakeBus(STM32_DFU), tools))
    assert info.value.exit_code == 2 and "MCU" in info.value.message and "--mcu" in (info.value.hint or "")
    assert _nothing_ran(FakeBus(), tools)
    result = flash_firmware(planck_bin, mcu="STM32F303", wait=0, environment=environment(FakeBus(STM32_DFU), tools))
    assert result.ok


def test_a_sidecar_of_nested_brackets_is_a_clear_error(planck_bin: Path) -> None:
    sidecar_path(planck_bin).write_text("[" * 60_000)
    with pytest.raises(FlashError) as info:
        flash_firmware(planck_bin, mcu="STM32F303", wait=0, environment=environment(FakeBus(STM32_DFU)))
    assert info.value.stage == "metadata"
    assert "line 1, column 65: values are nested more than 64 levels deep" in info.value.message


def test_a_voyager_firmware_goes_behind_zsas_bootloader_and_a_moonlanders_never_does(tmp_path: Path) -> None:
    """ZSA's Voyager keeps its own DFU bootloader in the first 8 KiB (QMK's `custom`, its rules.mk's
    DFU_ARGS): its .bin, linked at 0x08002000, is written there; a .bin linked at 0x08000000 (a
    Moonlander's, for the ST ROM) would overwrite that bootloader and is refused before dfu-util runs."""
    voyager_dfu = UsbDevice(0x3297, 0x0791, 0x0200)
    firmware = tmp_path / "zsa_voyager_mine.bin"
    firmware.write_bytes(arm_image(40000, reset=0x08002131))
    write_metadata(firmware, for_firmware(firmware, keyboard="zsa/voyager", processor="STM32F303",
                                          bootloader="zsa-dfu"))
    tools = tmp_path / "tools"
    replay_tool(tools, "dfu-util", "dfu_util_dfuse.out")
    result = flash_firmware(firmware, wait=1, environment=environment(FakeBus(voyager_dfu), tools))
    assert result.ok, result.log
    assert (tools / "dfu-util.argv").read_text().split()[:6] == ["-a", "0", "-d", "3297:0791", "-s",
                                                                 "0x08002000:leave"]
    (tools / "dfu-util.argv").unlink()
    moonlander = tmp_path / "zsa_moonlander_mine.bin"
    moonlander.write_bytes(arm_image(40000))
    with pytest.raises(FlashError, match="reset vector 0x08000131 is outside the application flash"):
        flash_firmware(moonlander, bootloader="zsa-dfu", mcu="STM32F303", wait=1,
                       environment=environment(FakeBus(voyager_dfu), tools))
    assert not (tools / "dfu-util.argv").exists()


def test_a_layouts_converter_picks_the_flasher_for_a_file_without_metadata(tmp_path: Path) -> None:
    """A Corne (atmega32u4, caterina) whose layout says `converter: rp2040_ce`: its .uf2 goes to the
    RP2040's drive; with the board's own controller expected, the same file is refused."""
    from keyconf.catalogue.bundled import load_bundled

    corne = load_bundled("crkbd/rev1")
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", layers=[Layer("base", ["KC_A"] * 42)], converter="rp2040_ce")
    firmware = tmp_path / "crkbd_rev1_mine.uf2"
    data = uf2(b"\x5a" * 600, 0x10000000, 0xE48BFF56)
    firmware.write_bytes(data)
    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    env = environment(FakeBus(RP2_BOOT), detector=Detector(usb=FakeBus(RP2_BOOT), volumes=lambda: [drive]),
                      reboot_grace=0)
    result = flash_firmware(firmware, wait=0, layout=layout, keyboard=corne, environment=env)
    assert result.ok and result.device is not None and result.device.bootloader.name == "rp2040"
    assert (drive.mount_point / "NEW.UF2").read_bytes() == data
    (drive.mount_point / "NEW.UF2").unlink()
    layout.converter = None
    with pytest.raises(FlashError):
        flash_firmware(firmware, wait=0, layout=layout, keyboard=corne, environment=env)
    assert not (drive.mount_point / "NEW.UF2").exists()
