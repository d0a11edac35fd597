from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.flash import mcus
from keyconf.flash.detect import (
    Detector,
    UsbDevice,
    UsbUnavailable,
    Volume,
    WaitCancelled,
    WaitTimeout,
    _serial_port_from_sysfs,
    choose,
    enumerate_linux_mounts,
    enumerate_sysfs,
    parse_info_uf2,
    wait_for_bootloader,
)
from tests.flash.fakes import RP2040_INFO, TINYUF2_F411_INFO, FakeBus, uf2_drive

STM32_DFU = UsbDevice(0x0483, 0xDF11, 0x2200, product="STM32  BOOTLOADER")
QMK_DFU_32U4 = UsbDevice(0x03EB, 0x2FF4, 0x0936)
MOUSE = UsbDevice(0x046D, 0xC077, 0x7200)


def sysfs_device(root: Path, name: str, **attrs: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for key, value in attrs.items():
        (folder / key).write_text(value + "\n")
    return folder


def test_sysfs_enumeration(tmp_path: Path) -> None:
    sysfs_device(tmp_path, "usb1", idVendor="1d6b", idProduct="0002", bcdDevice="0515")
    sysfs_device(
        tmp_path,
        "1-2",
        idVendor="03eb",
        idProduct="2ff4",
        bcdDevice="0936",
        busnum="1",
        devnum="7",
        manufacturer="QMK",
        product="ATm32U4DFU",
    )
    sysfs_device(tmp_path, "1-2:1.0", bInterfaceClass="fe")  # an interface, not a device
    devices = enumerate_sysfs(tmp_path)
    assert [d.ids for d in devices] == ["03EB:2FF4", "1D6B:0002"]
    dfu = devices[0]
    assert (dfu.bcd, dfu.bus, dfu.address, dfu.product) == (0x0936, 1, 7, "ATm32U4DFU")
    with pytest.raises(UsbUnavailable):
        enumerate_sysfs(tmp_path / "missing")


def test_detector_finds_usb_bootloaders_and_ignores_the_rest() -> None:
    detector = Detector(usb=FakeBus(MOUSE, STM32_DFU, QMK_DFU_32U4), volumes=lambda: [])
    found = detector.scan()
    assert [d.bootloader.name for d in found] == ["stm32-dfu", "qmk-dfu"]
    assert found[1].mcu_hint == "atmega32u4"
    assert found[1].mcu_candidates == ("atmega32u4",)
    assert "STM32 DFU, 0483:DF11" in found[0].describe()


def test_detector_reports_an_unavailable_bus_and_still_checks_drives(tmp_path: Path) -> None:
    def broken() -> list[UsbDevice]:
        raise UsbUnavailable("no libusb")

    drive = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    detector = Detector(usb=broken, volumes=lambda: [drive])
    found = detector.scan()
    assert [d.bootloader.name for d in found] == ["rp2040"]
    assert detector.errors == ["cannot list USB devices: no libusb"]


def test_uf2_drives(tmp_path: Path) -> None:
    rp = uf2_drive(tmp_path / "RPI-RP2", RP2040_INFO)
    f411 = uf2_drive(tmp_path / "BLACKPILL", TINYUF2_F411_INFO)
    plain = tmp_path / "USBSTICK"
    plain.mkdir()
    detector = Detector(usb=FakeBus(UsbDevice(0x2E8A, 0x0003)), volumes=lambda: [rp, f411, Volume(plain)])
    found = detector.scan()
    assert [d.bootloader.name for d in found] == ["rp2040", "tinyuf2"]
    assert found[0].usb is not None and found[0].usb.ids == "2E8A:0003"  # the boot ROM matched to its drive
    assert found[1].usb is None
    assert found[0].uf2_info is not None and found[0].uf2_info.families() == (mcus.UF2_FAMILIES["RP2040"],)
    assert found[1].uf2_info is not None
    assert mcus.UF2_FAMILIES["STM32F4"] in found[1].uf2_info.families()
    assert "board STM32F411CE-BlackPill-v3" in found[1].describe()


def test_a_drive_bootloader_before_its_drive_is_mounted() -> None:
    [found] = Detector(usb=FakeBus(UsbDevice(0x2E8A, 0x0003)), volumes=lambda: []).scan()
    assert found.bootloader.name == "rp2040" and found.volume is None
    assert found.describe() == "RP2040 boot ROM (UF2), 2E8A:0003, drive not mounted yet, RP2040"


def test_lufa_mass_storage_drive(tmp_path: Path) -> None:
    drive = tmp_path / "LUFA"
    drive.mkdir()
    (drive / "FLASH.BIN").write_bytes(b"\xff" * 16)
    (drive / "EEPROM.BIN").write_bytes(b"\xff" * 16)
    detector = Detector(usb=FakeBus(UsbDevice(0x03EB, 0x2045)), volumes=lambda: [Volume(drive)])
    [found] = detector.scan()
    assert found.bootloader.name == "lufa-ms" and found.volume is not None and found.usb is not None


def test_info_uf2_parsing() -> None:
    info = parse_info_uf2("UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n")
    assert (info.first_line, info.model, info.board_id) == (
        "UF2 Bootloader v3.0",
        "Raspberry Pi RP2",
        "RPI-RP2",
    )
    assert info.bootloader_name() == "rp2040"
    explicit = parse_info_uf2("Some UF2\nBoard-ID: custom\nFamily-ID: 0x57755a57\n")
    assert explicit.families() == (0x57755A57,)
    assert parse_info_uf2("").families() == ()


def test_manual_bootloaders_only_when_asked() -> None:
    avrisp = UsbDevice(0x16C0, 0x0483)
    assert Detector(usb=FakeBus(avrisp), volumes=lambda: []).scan() == []
    found = Detector(usb=FakeBus(avrisp), volumes=lambda: [], include_manual=("avrisp",)).scan()
    assert [d.bootloader.name for d in found] == ["avrisp"]


def test_linux_mount_table(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "sysfs /sys sysfs rw 0 0\n"
        "/dev/sda1 / ext4 rw 0 0\n"
        "/dev/sdb1 /media/me/RPI-RP2 vfat rw,nosuid 0 0\n"
        "/dev/sdc1 /media/me/MY\\040DRIVE vfat rw 0 0\n"
    )
    volumes = enumerate_linux_mounts(mounts)
    assert [(v.device, str(v.mount_point)) for v in volumes] == [
        ("/dev/sdb1", "/media/me/RPI-RP2"),
        ("/dev/sdc1", "/media/me/MY DRIVE"),
    ]


def test_serial_port_from_sysfs(tmp_path: Path) -> None:
    usb = sysfs_device(tmp_path / "devices", "1-3", idVendor="1b4f", idProduct="9205")
    interface = usb / "1-3:1.0"
    interface.mkdir()
    tty = tmp_path / "class" / "ttyACM0"
    tty.mkdir(parents=True)
    os.symlink(interface, tty / "device")
    (tmp_path / "class" / "ttyS0").mkdir()
    assert _serial_port_from_sysfs(0x1B4F, 0x9205, tmp_path / "class") == "/dev/ttyACM0"
    assert _serial_port_from_sysfs(0x2341, 0x0036, tmp_path / "class") is None


def test_choose_prefers_the_wanted_family() -> None:
    found = Detector(usb=FakeBus(STM32_DFU, QMK_DFU_32U4), volumes=lambda: []).scan()
    assert choose(found, "atmel-dfu") is found[1]  # qmk-dfu is in atmel-dfu's family
    assert choose(found, None) is found[0]
    assert choose(found, "caterina") is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_wait_returns_when_the_bootloader_appears() -> None:
    bus = FakeBus(MOUSE)
    bus.plug_after = (3, STM32_DFU)
    clock = FakeClock()
    ticks: list[float] = []
    device = wait_for_bootloader(
        Detector(usb=bus, volumes=lambda: []),
        timeout=10,
        clock=clock,
        sleep=clock.sleep,
        on_tick=ticks.append,
    )
    assert device.bootloader.name == "stm32-dfu"
    assert bus.scans == 4 and len(ticks) == 3 and ticks[0] == pytest.approx(10)


def test_wait_times_out() -> None:
    clock = FakeClock()
    bus = FakeBus(MOUSE)
    with pytest.raises(WaitTimeout) as info:
        wait_for_bootloader(
            Detector(usb=bus, volumes=lambda: []), timeout=2, interval=0.5, clock=clock, sleep=clock.sleep
        )
    assert info.value.seconds == 2
    assert clock.now == pytest.approx(102)
    assert bus.scans == 5  # at 0, 0.5, 1, 1.5 and 2 seconds


def test_wait_ignores_other_bootloaders_when_one_is_wanted() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        wait_for_bootloader(
            Detector(usb=FakeBus(STM32_DFU), volumes=lambda: []),
            timeout=1,
            wanted="caterina",
            clock=clock,
            sleep=clock.sleep,
        )


def test_wait_can_be_cancelled() -> None:
    clock = FakeClock()
    calls = iter([False, False, True])
    bus = FakeBus()
    with pytest.raises(WaitCancelled):
        wait_for_bootloader(
            Detector(usb=bus, volumes=lambda: []),
            timeout=60,
            cancelled=lambda: next(calls),
            clock=clock,
            sleep=clock.sleep,
        )
    assert bus.scans == 2
