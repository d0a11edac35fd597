from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.flash.metadata import (
    FirmwareMetadata,
    MetadataError,
    compare,
    for_firmware,
    read_metadata,
    sidecar_path,
    write_metadata,
)
from tests.flash.firmware_factory import arm_image


def make(tmp_path: Path, **fields: str) -> tuple[Path, FirmwareMetadata]:
    firmware = tmp_path / "planck_rev6_mine.bin"
    firmware.write_bytes(arm_image(4096))
    values = {"keyboard": "planck/rev6", "processor": "STM32F303", "bootloader": "stm32-dfu"} | fields
    return firmware, for_firmware(firmware, **values)


def test_sidecar_sits_beside_the_firmware() -> None:
    assert sidecar_path("/a/b/fw.hex") == Path("/a/b/fw.hex.keyconf.json")


def test_round_trip(tmp_path: Path) -> None:
    firmware, metadata = make(tmp_path, keymap="mine", layout_hash="abc123", qmk_version="0.28.3")
    written = write_metadata(firmware, metadata)
    assert written.name == "planck_rev6_mine.bin.keyconf.json"
    document = json.loads(written.read_text())
    assert document["format"] == "keyconf-firmware" and document["version"] == 1
    assert document["firmware_file"] == "planck_rev6_mine.bin" and document["firmware_format"] == "bin"
    assert len(document["firmware_sha256"]) == 64
    assert read_metadata(firmware) == metadata


def test_no_sidecar_is_none(tmp_path: Path) -> None:
    assert read_metadata(tmp_path / "fw.bin") is None


def test_keys_from_a_newer_keyconf_are_kept(tmp_path: Path) -> None:
    firmware, metadata = make(tmp_path)
    document = json.loads(metadata.to_json()) | {"split": "left"}
    sidecar_path(firmware).write_text(json.dumps(document))
    read = read_metadata(firmware)
    assert read is not None and read.extra == {"split": "left"}
    assert json.loads(read.to_json())["split"] == "left"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "keyconf-firmware", "version": 1,\n "keyboard": }', "line 2, column"),
        ('["not", "an", "object"]', "not a keyconf-firmware document"),
        ('{"format": "keyconf-firmware", "version": 9}', "version 9"),
        ('{"format": "keyconf-firmware", "version": 1, "keyboard": "x", "processor": "y"}', "'bootloader'"),
        (
            '{"format": "keyconf-firmware", "version": 1, "keyboard": "x", "processor": "y", '
            '"bootloader": "caterina", "firmware_sha256": "00", "qmk_version": 28}',
            "'qmk_version' must be text",
        ),
    ],
)
def test_broken_sidecars(tmp_path: Path, text: str, message: str) -> None:
    firmware = tmp_path / "fw.hex"
    sidecar_path(firmware).write_text(text)
    with pytest.raises(MetadataError) as info:
        read_metadata(firmware)
    assert message in info.value.message
    assert str(sidecar_path(firmware)) in str(info.value)


def test_compare_bootloader_and_mcu(tmp_path: Path) -> None:
    _, metadata = make(tmp_path, bootloader="atmel-dfu", processor="atmega32u4")
    assert compare(metadata, bootloader="qmk-dfu", mcu="atmega32u4") == []  # one family
    assert compare(metadata, bootloader="atmel-dfu", mcu=None) == []  # MCU not told by the ids
    [mismatch] = compare(metadata, bootloader="caterina", mcu=None)
    assert (
        mismatch.message == "the firmware was built for the bootloader atmel-dfu, but the board has caterina"
    )
    [mcu] = compare(metadata, bootloader="atmel-dfu", mcu="atmega16u4")
    assert mcu.what == "the MCU" and mcu.found == "atmega16u4"
