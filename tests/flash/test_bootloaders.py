from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from keyconf.flash import bootloaders
from keyconf.flash.bootloaders import (
    QMK_BCD,
    FirmwareFormat,
    Tool,
    format_advice,
    get,
    match_usb,
    same_family,
)

# keyboard.jsonschema "bootloader" enum (QMK), minus "custom" and "unknown"
QMK_BOOTLOADER_NAMES = [
    "apm32-dfu",
    "at32-dfu",
    "atmel-dfu",
    "bootloadhid",
    "caterina",
    "gd32v-dfu",
    "halfkay",
    "kiibohd",
    "lufa-dfu",
    "lufa-ms",
    "md-boot",
    "qmk-dfu",
    "qmk-hid",
    "rp2040",
    "stm32-dfu",
    "stm32duino",
    "tinyuf2",
    "uf2boot",
    "usbasploader",
    "wb32-dfu",
]

# QMK lib/python/qmk/constants.py BOOTLOADER_VIDS_PIDS, as (QMK group, vid, pid) -> our bootloader
QMK_IDS = [
    ("atmel-dfu", 0x03EB, 0x2FEF),
    ("atmel-dfu", 0x03EB, 0x2FF0),
    ("atmel-dfu", 0x03EB, 0x2FF3),
    ("atmel-dfu", 0x03EB, 0x2FF4),
    ("atmel-dfu", 0x03EB, 0x2FF9),
    ("atmel-dfu", 0x03EB, 0x2FFA),
    ("atmel-dfu", 0x03EB, 0x2FFB),
    ("kiibohd", 0x1C11, 0xB007),
    ("stm32duino", 0x1EAF, 0x0003),
    ("stm32-dfu", 0x0483, 0xDF11),
    ("apm32-dfu", 0x314B, 0x0106),
    ("gd32v-dfu", 0x28E9, 0x0189),
    ("wb32-dfu", 0x342D, 0xDFA0),
    ("at32-dfu", 0x2E3C, 0xDF11),
    ("bootloadhid", 0x16C0, 0x05DF),
    ("usbasploader", 0x16C0, 0x05DC),
    ("usbtinyisp", 0x1782, 0x0C9F),
    ("md-boot", 0x03EB, 0x6124),
    ("caterina", 0x1209, 0x2302),
    ("caterina", 0x1B4F, 0x9203),
    ("caterina", 0x1B4F, 0x9205),
    ("caterina", 0x1B4F, 0x9207),
    ("caterina", 0x1FFB, 0x0101),
    ("caterina", 0x2341, 0x0036),
    ("caterina", 0x2341, 0x0037),
    ("caterina", 0x239A, 0x000C),
    ("caterina", 0x239A, 0x000D),
    ("caterina", 0x239A, 0x000E),
    ("caterina", 0x2A03, 0x0036),
    ("caterina", 0x2A03, 0x0037),
    ("lufa-hid", 0x03EB, 0x2067),
    ("halfkay", 0x16C0, 0x0478),
]


@pytest.mark.parametrize("name", QMK_BOOTLOADER_NAMES)
def test_every_qmk_bootloader_name_is_known(name: str) -> None:
    bootloader = get(name)
    assert bootloader.formats
    assert bootloader.tool in Tool


@pytest.mark.parametrize(("expected", "vid", "pid"), QMK_IDS)
def test_every_qmk_vid_pid_is_detected(expected: str, vid: int, pid: int) -> None:
    found = match_usb(vid, pid, bcd=0x0000)
    assert found is not None, f"{vid:04X}:{pid:04X}"
    assert found.name == expected


def test_bcd_device_tells_qmk_builds_from_atmel_and_lufa() -> None:
    assert match_usb(0x03EB, 0x2FF4, QMK_BCD).name == "qmk-dfu"  # type: ignore[union-attr]
    assert match_usb(0x03EB, 0x2FF4, 0x0000).name == "atmel-dfu"  # type: ignore[union-attr]
    assert match_usb(0x03EB, 0x2067, QMK_BCD).name == "qmk-hid"  # type: ignore[union-attr]
    assert match_usb(0x03EB, 0x2067, 0x0001).name == "lufa-hid"  # type: ignore[union-attr]
    assert same_family("qmk-dfu", "atmel-dfu") and same_family("lufa-dfu", "qmk-dfu")
    assert not same_family("atmel-dfu", "caterina")
    assert same_family("rp2040", "tinyuf2")


def test_ids_shared_with_ordinary_devices_need_asking() -> None:
    assert match_usb(0x16C0, 0x0483, None) is None  # a Teensy running USB serial
    found = match_usb(0x16C0, 0x0483, None, include_manual=True)
    assert found is not None and found.name == "avrisp"
    assert match_usb(0x046D, 0xC52B, None) is None  # an ordinary receiver


def test_usbtinyisp_matches_both_the_real_and_qmks_id() -> None:
    assert match_usb(0x1781, 0x0C9F, None).name == "usbtinyisp"  # type: ignore[union-attr]
    assert match_usb(0x1782, 0x0C9F, None).name == "usbtinyisp"  # type: ignore[union-attr]


def test_aliases_and_unknown_names() -> None:
    assert get("LUFA-DFU").name == "atmel-dfu"
    with pytest.raises(bootloaders.UnknownBootloader) as info:
        get("stm32-dfuu")
    assert "stm32-dfu" in str(info.value)  # the message lists the known names


def test_file_formats_follow_qmk_defaults() -> None:
    for name in ("atmel-dfu", "qmk-dfu", "caterina", "halfkay", "qmk-hid", "bootloadhid", "usbasploader"):
        assert get(name).formats == (FirmwareFormat.HEX,)
    for name in (
        "stm32-dfu",
        "apm32-dfu",
        "gd32v-dfu",
        "at32-dfu",
        "kiibohd",
        "stm32duino",
        "md-boot",
        "lufa-ms",
    ):
        assert get(name).formats == (FirmwareFormat.BIN,)
    for name in ("rp2040", "tinyuf2", "uf2boot"):
        assert get(name).formats == (FirmwareFormat.UF2,)
    assert set(get("wb32-dfu").formats) == {FirmwareFormat.BIN, FirmwareFormat.HEX}


def test_format_advice_names_the_right_format() -> None:
    advice = format_advice(get("stm32-dfu"), FirmwareFormat.HEX)
    assert advice is not None
    assert advice.message == "the STM32 DFU bootloader takes .bin files, not .hex"
    assert "FIRMWARE_FORMAT=bin" in advice.hint
    assert format_advice(get("caterina"), FirmwareFormat.HEX) is None
    uf2 = format_advice(get("rp2040"), FirmwareFormat.BIN)
    assert uf2 is not None and "uf2" in uf2.hint


def test_dfu_util_arguments_per_bootloader() -> None:
    assert get("stm32-dfu").dfu_util == bootloaders.DfuUtilArgs(0, "0x08000000:leave", False)
    assert get("stm32duino").dfu_util == bootloaders.DfuUtilArgs(2, None, True)
    assert get("kiibohd").dfu_util == bootloaders.DfuUtilArgs(0, None, False)


QMK_MIRROR = Path("/work/.mirror/MiguelRoldao+qmk-home/repo")


def _qmk_file(path: str) -> str:
    if not QMK_MIRROR.is_dir() or shutil.which("git") is None:
        pytest.skip("no local qmk_firmware mirror to compare against")
    result = subprocess.run(
        ["git", f"--git-dir={QMK_MIRROR}", "show", f"HEAD:{path}"], capture_output=True, text=True, timeout=30
    )
    if result.returncode != 0:
        pytest.skip(f"{path} is not in the qmk_firmware mirror")
    return result.stdout


def test_table_covers_qmk_constants_of_a_real_tree() -> None:
    text = _qmk_file("lib/python/qmk/constants.py")
    pairs = re.findall(r'\("([0-9a-f]{4})", "([0-9a-f]{4})"\)', text)
    assert len(pairs) > 25
    for vid, pid in pairs:
        assert match_usb(int(vid, 16), int(pid, 16), None) is not None, f"{vid}:{pid}"


def test_table_covers_qmk_udev_rules_of_a_real_tree() -> None:
    text = _qmk_file("util/udev/50-qmk.rules")
    pairs = re.findall(r'idVendor\}=="([0-9a-f]{4})", ATTRS\{idProduct\}=="([0-9a-f]{4})"', text)
    assert len(pairs) > 25
    for vid, pid in pairs:
        assert match_usb(int(vid, 16), int(pid, 16), None) is not None, f"{vid}:{pid}"


@pytest.mark.parametrize(("dfu_args", "expected"), [
    ("-d 3297:0791 -a 0 -s 0x08002000:leave", "zsa-dfu"),  # zsa/voyager/rules.mk
    ("-d 1EAF:0003 -a 2 -R", "stm32duino"),
    ("-d 0483:df11 -a 0 -s 0x08002000:leave", None),  # the ST ROM's ids, but past a bootloader of the board's own
    ("-d 1688:2220 -a 0 -s 0x08006000", None),  # a vendor DFU keyconf does not know
    ("-a 0 -s 0x08000000:leave", None),
])
def test_a_custom_boards_dfu_args_name_the_bootloader_only_when_ids_and_address_agree(
        dfu_args: str, expected: str | None) -> None:
    found = bootloaders.for_dfu_args(dfu_args)
    assert (found.name if found else None) == expected


def test_the_voyagers_bootloader_is_found_and_written_behind_its_8_kib() -> None:
    found = match_usb(0x3297, 0x0791, bcd=0x0200)
    assert found is not None and found.name == "zsa-dfu" and found.tool is Tool.DFU_UTIL
    assert found.dfu_util is not None and found.dfu_util.dfuse_address == "0x08002000:leave"
    from keyconf.flash import mcus

    assert mcus.application_region("zsa-dfu", mcus.find("STM32F303")).start == 0x08002000
