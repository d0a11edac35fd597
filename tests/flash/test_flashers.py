from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from keyconf.flash import bootloaders
from keyconf.flash.bootloaders import Tool
from keyconf.flash.detect import Detected, UsbDevice, Volume
from keyconf.flash.firmware_file import read_firmware
from keyconf.flash.flashers import (
    CommandStep,
    CopyStep,
    PlanError,
    PlanRequest,
    dfu_programmer_has_force,
    plan_flash,
    teensy_block_size,
)
from keyconf.flash.tools import ToolMissing, find_tool, install_hint
from tests.flash.firmware_factory import arm_image, avr_program, intel_hex, uf2


def everywhere(name: str) -> str:
    return f"/opt/tools/{name}"


def version_run(text: str):
    def run(argv, **kwargs):
        assert argv[1:] == ["--version"]
        return subprocess.CompletedProcess(argv, 0, stdout="", stderr=text)

    return run


@pytest.fixture
def hex_file(tmp_path: Path):
    path = tmp_path / "crkbd_rev1_default.hex"
    path.write_text(intel_hex(avr_program(20000)))
    return read_firmware(path)


@pytest.fixture
def bin_file(tmp_path: Path):
    path = tmp_path / "planck_rev6_default.bin"
    path.write_bytes(arm_image(30000))
    return read_firmware(path)


def device(name: str, vid: int = 0, pid: int = 0, bcd: int | None = None, **kwargs) -> Detected:
    bootloader = bootloaders.get(name)
    usb = (
        UsbDevice(vid, pid, bcd)
        if vid
        else UsbDevice(bootloader.usb_ids[0].vid, bootloader.usb_ids[0].pid, bcd)
    )
    return Detected(bootloader=bootloader, usb=usb, **kwargs)


def test_stm32_dfu(bin_file) -> None:
    plan = plan_flash(PlanRequest(device("stm32-dfu"), bin_file), finder=everywhere)
    assert plan.commands() == [
        [
            "/opt/tools/dfu-util",
            "-a",
            "0",
            "-d",
            "0483:DF11",
            "-s",
            "0x08000000:leave",
            "-D",
            str(bin_file.path),
        ]
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stm32duino", ["-a", "2", "-d", "1EAF:0003", "-R", "-D"]),
        ("kiibohd", ["-a", "0", "-d", "1C11:B007", "-D"]),
        ("apm32-dfu", ["-a", "0", "-d", "314B:0106", "-s", "0x08000000:leave", "-D"]),
        ("gd32v-dfu", ["-a", "0", "-d", "28E9:0189", "-s", "0x08000000:leave", "-D"]),
        ("at32-dfu", ["-a", "0", "-d", "2E3C:DF11", "-s", "0x08000000:leave", "-D"]),
    ],
)
def test_other_dfu_util_bootloaders(bin_file, name: str, expected: list[str]) -> None:
    [argv] = plan_flash(PlanRequest(device(name), bin_file), finder=everywhere).commands()
    assert argv[1:-1] == expected


def test_dfu_programmer_07_uses_force(hex_file) -> None:
    plan = plan_flash(
        PlanRequest(device("qmk-dfu", 0x03EB, 0x2FF4, 0x0936), hex_file),
        finder=everywhere,
        run=version_run("dfu-programmer 0.7.2\n"),
    )
    exe = "/opt/tools/dfu-programmer"
    assert plan.commands() == [
        [exe, "atmega32u4", "erase", "--force"],
        [exe, "atmega32u4", "flash", "--force", str(hex_file.path)],
        [exe, "atmega32u4", "reset"],
    ]
    assert isinstance(plan.steps[-1], CommandStep) and plan.steps[-1].failure_ok


def test_dfu_programmer_06_has_no_force_and_old_eeprom_command(hex_file, tmp_path: Path) -> None:
    eeprom = tmp_path / "reset.eep"
    plan = plan_flash(
        PlanRequest(device("atmel-dfu", 0x03EB, 0x2FFB, 0), hex_file, mcu="at90usb1286", eeprom=eeprom),
        finder=everywhere,
        run=version_run("dfu-programmer 0.6.1\n"),
    )
    exe = "/opt/tools/dfu-programmer"
    assert plan.commands() == [
        [exe, "at90usb1286", "erase"],
        [exe, "at90usb1286", "flash-eeprom", "--suppress-validation", str(eeprom)],
        [exe, "at90usb1286", "flash", str(hex_file.path)],
        [exe, "at90usb1286", "reset"],
    ]
    assert plan.notes


def test_dfu_programmer_refuses_firmware_for_another_mcu(hex_file) -> None:
    request = PlanRequest(device("atmel-dfu", 0x03EB, 0x2FF4, 0), hex_file, mcu="atmega16u4")
    with pytest.raises(PlanError, match="is an atmega32u4, but the firmware is for atmega16u4"):
        plan_flash(request, finder=everywhere, run=version_run("dfu-programmer 0.7.2"))


def test_real_dfu_programmer_version_probe() -> None:
    try:
        exe = find_tool(Tool.DFU_PROGRAMMER)
    except ToolMissing:
        pytest.skip("dfu-programmer is not installed (Debian package dfu-programmer)")
    output = subprocess.run([exe, "--version"], capture_output=True, text=True).stderr
    expected = not output.startswith("dfu-programmer 0.6")
    assert dfu_programmer_has_force(exe) is expected


def test_caterina_needs_its_serial_port(hex_file) -> None:
    caterina = device("caterina", 0x1B4F, 0x9205)
    with pytest.raises(PlanError, match="serial port"):
        plan_flash(PlanRequest(caterina, hex_file), finder=everywhere)
    plan = plan_flash(PlanRequest(caterina, hex_file, serial_port="/dev/ttyACM0"), finder=everywhere)
    assert plan.commands() == [
        [
            "/opt/tools/avrdude",
            "-p",
            "atmega32u4",
            "-c",
            "avr109",
            "-P",
            "/dev/ttyACM0",
            "-U",
            f"flash:w:{hex_file.path}:i",
        ]
    ]


def test_isp_programmers_map_part_names_and_write_eeprom(hex_file, tmp_path: Path) -> None:
    eeprom = tmp_path / "e.eep"
    plan = plan_flash(
        PlanRequest(device("usbasploader"), hex_file, mcu="atmega328p", eeprom=eeprom), finder=everywhere
    )
    assert plan.commands()[0][1:] == [
        "-p",
        "m328p",
        "-c",
        "usbasp",
        "-U",
        f"flash:w:{hex_file.path}:i",
        "-U",
        f"eeprom:w:{eeprom}:i",
    ]
    with pytest.raises(PlanError, match="must be told the MCU"):
        plan_flash(PlanRequest(device("usbtinyisp"), hex_file), finder=everywhere)


def test_teensy_and_hid_loaders(hex_file) -> None:
    [argv] = plan_flash(
        PlanRequest(device("halfkay"), hex_file, mcu="atmega32u4"), finder=everywhere
    ).commands()
    assert argv == ["/opt/tools/teensy_loader_cli", "-mmcu=atmega32u4", "-v", str(hex_file.path)]
    plan = plan_flash(
        PlanRequest(device("qmk-hid", bcd=0x0936), hex_file, mcu="atmega32u4"), finder=everywhere
    )
    step = plan.steps[0]
    assert isinstance(step, CommandStep) and step.argv[0] == "/opt/tools/hid_bootloader_cli"
    assert step.parser.expected_blocks == 157  # type: ignore[attr-defined]  # ceil(20000 / 128)
    assert teensy_block_size("at90usb1286") == 256 and teensy_block_size("MK20DX256") == 1024


def test_teensy_loader_found_under_the_debian_name(hex_file) -> None:
    finder = {"teensy-loader-cli": "/usr/bin/teensy-loader-cli"}.get
    [argv] = plan_flash(PlanRequest(device("halfkay"), hex_file, mcu="atmega32u4"), finder=finder).commands()
    assert argv[0] == "/usr/bin/teensy-loader-cli"


def test_bootloadhid_mdloader_wb32(hex_file, bin_file) -> None:
    assert plan_flash(PlanRequest(device("bootloadhid"), hex_file), finder=everywhere).commands() == [
        ["/opt/tools/bootloadHID", "-r", str(hex_file.path)]
    ]
    assert plan_flash(PlanRequest(device("md-boot"), bin_file), finder=everywhere).commands() == [
        ["/opt/tools/mdloader", "--first", "--download", str(bin_file.path), "--restart"]
    ]
    assert plan_flash(
        PlanRequest(device("md-boot"), bin_file, serial_port="/dev/ttyACM1"), finder=everywhere
    ).commands()[0][1:3] == ["--port", "/dev/ttyACM1"]
    assert plan_flash(PlanRequest(device("wb32-dfu"), bin_file), finder=everywhere).commands() == [
        ["/opt/tools/wb32-dfu-updater_cli", "-D", str(bin_file.path)],
        ["/opt/tools/wb32-dfu-updater_cli", "-R"],
    ]


def test_drive_copies(tmp_path: Path) -> None:
    uf2_path = tmp_path / "fw.uf2"
    uf2_path.write_bytes(uf2(b"\x00" * 600, 0x10000000, 0xE48BFF56))
    firmware = read_firmware(uf2_path)
    volume = Volume(tmp_path / "RPI-RP2")
    plan = plan_flash(PlanRequest(device("rp2040", volume=volume), firmware), finder=everywhere)
    [step] = plan.steps
    assert isinstance(step, CopyStep)
    assert step.destination == volume.mount_point / "NEW.UF2" and step.reboots and not step.eject
    with pytest.raises(PlanError, match="not mounted"):
        plan_flash(PlanRequest(device("rp2040"), firmware), finder=everywhere)
    bin_path = tmp_path / "fw.bin"
    bin_path.write_bytes(arm_image(100))
    lufa = plan_flash(
        PlanRequest(device("lufa-ms", volume=Volume(tmp_path / "LUFA")), read_firmware(bin_path))
    )
    [copy] = lufa.steps
    assert (
        isinstance(copy, CopyStep)
        and copy.destination.name == "FLASH.BIN"
        and copy.delete_first
        and copy.eject
    )


def test_eeprom_refused_where_the_bootloader_cannot(bin_file, tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot write EEPROM"):
        plan_flash(PlanRequest(device("stm32-dfu"), bin_file, eeprom=tmp_path / "x.eep"), finder=everywhere)


def test_missing_tool_says_how_to_install(bin_file) -> None:
    with pytest.raises(ToolMissing) as info:
        plan_flash(PlanRequest(device("stm32-dfu"), bin_file), finder=lambda name: None)
    assert str(info.value) == "dfu-util is not installed (it is needed to flash this bootloader)"
    assert info.value.hint  # filled for the running platform


@pytest.mark.parametrize(
    ("tool", "platform", "expected"),
    [
        (Tool.DFU_UTIL, "linux", "sudo apt install dfu-util"),
        (Tool.TEENSY_LOADER, "linux", "sudo apt install teensy-loader-cli"),
        (Tool.MDLOADER, "linux", "not packaged by Debian"),
        (Tool.DFU_PROGRAMMER, "darwin", "brew install dfu-programmer"),
        (Tool.HID_BOOTLOADER_CLI, "darwin", "brew install qmk/qmk/hid_bootloader_cli"),
        (Tool.WB32_DFU_UPDATER, "darwin", "https://github.com/WestberryTech/wb32-dfu-updater"),
        (Tool.AVRDUDE, "win32", "QMK MSYS"),
    ],
)
def test_install_hints(tool: Tool, platform: str, expected: str) -> None:
    assert expected in install_hint(tool, platform)
