from __future__ import annotations

import pytest

from keyconf.flash import mcus
from keyconf.flash.mcus import KIB, application_region, find


@pytest.mark.parametrize(
    ("bootloader", "mcu", "start", "end"),
    [
        ("caterina", "atmega32u4", 0, 28 * KIB),
        ("atmel-dfu", "atmega32u4", 0, 28 * KIB),
        ("qmk-dfu", "atmega32u4", 0, 28 * KIB),
        ("halfkay", "atmega32u4", 0, 32 * KIB - 512),  # teensy_loader_cli's code_size for a Teensy 2.0
        ("halfkay", "at90usb1286", 0, 127 * KIB),
        ("atmel-dfu", "at90usb1286", 0, 120 * KIB),
        ("lufa-ms", "atmega32u4", 0, 24 * KIB),
        ("usbasploader", "atmega328p", 0, 28 * KIB),
        ("usbtinyisp", "atmega32u4", 0, 32 * KIB),  # ISP writes the whole chip
        ("stm32-dfu", "STM32F303", 0x08000000, 0x08000000 + 512 * KIB),
        ("stm32duino", "STM32F103", 0x08002000, 0x08000000 + 128 * KIB),
        ("tinyuf2", "STM32F411", 0x08010000, 0x08000000 + 512 * KIB),
        ("rp2040", "RP2040", 0x10000000, 0x11000000),
        ("kiibohd", "MK20DX256", 0x2000, 256 * KIB),
        ("md-boot", "SAMD51J18A", 0x4000, 256 * KIB),
    ],
)
def test_application_region(bootloader: str, mcu: str, start: int, end: int) -> None:
    found = find(mcu)
    assert found is not None
    region = application_region(bootloader, found)
    assert (region.start, region.end) == (start, end)


def test_lookup_is_case_insensitive_and_bounded() -> None:
    assert find("stm32f411") is find("STM32F411")
    assert find("samd51j18") is find("SAMD51J18A")
    assert find("z80") is None and find(None) is None and find("") is None


def test_unknown_flash_size_gives_an_open_region() -> None:
    wb32 = find("WB32F3G71")
    assert wb32 is not None
    assert application_region("wb32-dfu", wb32).end is None


def test_uf2_family_names() -> None:
    assert mcus.uf2_family_name(0xE48BFF56) == "RP2040 (0xe48bff56)"
    assert mcus.uf2_family_name(0x12345678) == "0x12345678"
    assert mcus.UF2_FAMILIES["STM32F4"] == 0x57755A57
