"""Microcontrollers QMK builds for: flash and EEPROM sizes, where the application starts
behind each bootloader, and the UF2 family ids that mark firmware for them.

Names are QMK's `processor` values (keyboard.json). Where one QMK name covers parts with
different flash sizes (STM32F401xC/xE…), `flash_size` is the largest, so a file a real board
can take is never refused; QMK's own link step catches the smaller parts.
Boot-section sizes are QMK's `platforms/avr/bootloader.mk`; application offsets of the
ARM bootloaders that live in flash are QMK's linker scripts (stm32duino and ZSA's Voyager 8 KiB, tinyuf2 on
STM32F4 64 KiB and on STM32F303 16 KiB, Kiibohd 4/8 KiB, Massdrop SAM-BA 16 KiB).
UF2 family ids are Microsoft's uf2families.json as shipped in QMK's `util/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

KIB = 1024
MIB = 1024 * 1024

Arch = Literal["avr", "arm", "riscv"]

# UF2 family ids (uf2families.json)
UF2_FAMILIES: dict[str, int] = {
    "RP2040": 0xE48BFF56,
    "RP2XXX_ABSOLUTE": 0xE48BFF57,
    "RP2XXX_DATA": 0xE48BFF58,
    "RP2350_ARM_S": 0xE48BFF59,
    "RP2350_RISCV": 0xE48BFF5A,
    "RP2350_ARM_NS": 0xE48BFF5B,
    "STM32F0": 0x647824B6,
    "STM32F1": 0x5EE21072,
    "STM32F2": 0x5D1A0A2E,
    "STM32F3": 0x6B846188,
    "STM32F4": 0x57755A57,
    "STM32F407": 0x6D0922FA,
    "STM32F407VG": 0x8FB060FE,
    "STM32F411xE": 0x2DC309C5,
    "STM32F411xC": 0x06D1097B,
    "STM32F7": 0x53B80F00,
    "STM32G0": 0x300F5633,
    "STM32G4": 0x4C71240A,
    "STM32H7": 0x6DB66082,
    "STM32L0": 0x202E3A91,
    "STM32L1": 0x1E1F432D,
    "STM32L4": 0x00FF6919,
    "STM32L5": 0x04240BDF,
    "STM32WB": 0x70D16653,
    "STM32WL": 0x21460FF0,
    "SAMD21": 0x68ED2B88,
    "SAMD51": 0x55114460,
    "NRF52840": 0xADA52840,
    "GD32VF103": 0x9AF03E33,
    "AT32F415": 0xA0C97B8E,
    "ATMEGA32": 0x16573617,
}
UF2_FAMILY_NAMES: dict[int, str] = {value: name for name, value in UF2_FAMILIES.items()}


def uf2_family_name(family_id: int) -> str:
    name = UF2_FAMILY_NAMES.get(family_id)
    return f"{name} (0x{family_id:08x})" if name else f"0x{family_id:08x}"


@dataclass(frozen=True)
class Mcu:
    name: str  # QMK processor name
    arch: Arch
    flash_size: int | None  # None: unknown, no size check
    flash_base: int = 0  # where flash is mapped in the address space (0x08000000 on STM32)
    eeprom_size: int = 0  # AVR EEPROM; 0 where EEPROM is emulated in flash
    uf2_families: tuple[int, ...] = ()  # family ids a UF2 for this MCU may carry
    ram_ranges: tuple[tuple[int, int], ...] = ()  # [start, end) of SRAM: a .bin's stack pointer points here

    @property
    def lower(self) -> str:
        return self.name.lower()


_STM32_RAM = ((0x20000000, 0x20080000),)


def _stm32(name: str, flash_size: int | None, uf2_families: tuple[int, ...]) -> Mcu:
    """An Arm MCU laid out as an STM32: flash mapped at 0x08000000, SRAM at 0x20000000."""
    return Mcu(name, "arm", flash_size, 0x08000000, uf2_families=uf2_families, ram_ranges=_STM32_RAM)


_F4 = (UF2_FAMILIES["STM32F4"],)

_TABLE: tuple[Mcu, ...] = (
    # AVR (Harvard: hex addresses are flash byte addresses from 0)
    Mcu("atmega16u2", "avr", 16 * KIB, eeprom_size=512),
    Mcu("atmega32u2", "avr", 32 * KIB, eeprom_size=1 * KIB),
    Mcu("atmega16u4", "avr", 16 * KIB, eeprom_size=512),
    Mcu("atmega32u4", "avr", 32 * KIB, eeprom_size=1 * KIB),
    Mcu("at90usb162", "avr", 16 * KIB, eeprom_size=512),
    Mcu("at90usb646", "avr", 64 * KIB, eeprom_size=2 * KIB),
    Mcu("at90usb647", "avr", 64 * KIB, eeprom_size=2 * KIB),
    Mcu("at90usb1286", "avr", 128 * KIB, eeprom_size=4 * KIB),
    Mcu("at90usb1287", "avr", 128 * KIB, eeprom_size=4 * KIB),
    Mcu("atmega32a", "avr", 32 * KIB, eeprom_size=1 * KIB),
    Mcu("atmega328p", "avr", 32 * KIB, eeprom_size=1 * KIB),
    Mcu("atmega328", "avr", 32 * KIB, eeprom_size=1 * KIB),
    Mcu("attiny85", "avr", 8 * KIB, eeprom_size=512),
    # Teensy 3.x / LC (Kinetis): flash at 0
    Mcu("MKL26Z64", "arm", 64 * KIB, ram_ranges=((0x1FFFF800, 0x20001800),)),
    Mcu("MK20DX128", "arm", 128 * KIB, ram_ranges=((0x1FFFE000, 0x20002000),)),
    Mcu("MK20DX256", "arm", 256 * KIB, ram_ranges=((0x1FFF8000, 0x20008000),)),
    Mcu("MK64FX512", "arm", 512 * KIB, ram_ranges=((0x1FFF0000, 0x20030000),)),
    Mcu("MK66FX1M0", "arm", 1 * MIB, ram_ranges=((0x1FFF0000, 0x20030000),)),
    # RP2040: external QSPI flash mapped at 0x10000000, up to 16 MiB
    Mcu("RP2040", "arm", 16 * MIB, flash_base=0x10000000, uf2_families=(UF2_FAMILIES["RP2040"],)),
    # STM32 and friends: flash at 0x08000000
    _stm32("STM32F042", 32 * KIB, (UF2_FAMILIES["STM32F0"],)),
    _stm32("STM32F072", 128 * KIB, (UF2_FAMILIES["STM32F0"],)),
    _stm32("STM32F103", 128 * KIB, (UF2_FAMILIES["STM32F1"],)),
    _stm32("STM32F303", 512 * KIB, (UF2_FAMILIES["STM32F3"],)),
    _stm32("STM32F401", 512 * KIB, _F4),
    _stm32("STM32F405", 1 * MIB, _F4),
    _stm32("STM32F407", 1 * MIB, (*_F4, UF2_FAMILIES["STM32F407"], UF2_FAMILIES["STM32F407VG"])),
    _stm32("STM32F411", 512 * KIB, (*_F4, UF2_FAMILIES["STM32F411xE"], UF2_FAMILIES["STM32F411xC"])),
    _stm32("STM32F446", 512 * KIB, _F4),
    _stm32("STM32G0B1", 512 * KIB, (UF2_FAMILIES["STM32G0"],)),
    _stm32("STM32G431", 128 * KIB, (UF2_FAMILIES["STM32G4"],)),
    _stm32("STM32G474", 512 * KIB, (UF2_FAMILIES["STM32G4"],)),
    *(
        _stm32(name, 256 * KIB, (UF2_FAMILIES["STM32L4"],))
        for name in ("STM32L412", "STM32L422", "STM32L432", "STM32L442", "STM32L433", "STM32L443")
    ),
    *(
        Mcu(
            name,
            "arm",
            1 * MIB,
            0x08000000,
            uf2_families=(UF2_FAMILIES["STM32H7"],),
            ram_ranges=((0x20000000, 0x20020000), (0x24000000, 0x24080000)),
        )
        for name in ("STM32H723", "STM32H733")
    ),
    _stm32("WB32F3G71", None, ()),
    _stm32("WB32FQ95", None, ()),
    _stm32("AT32F415", 256 * KIB, (UF2_FAMILIES["AT32F415"],)),
    Mcu("GD32VF103", "riscv", 128 * KIB, 0x08000000, uf2_families=(UF2_FAMILIES["GD32VF103"],)),
    # Massdrop boards (SAM-BA / md-boot)
    Mcu("SAMD51J18A", "arm", 256 * KIB, ram_ranges=((0x20000000, 0x20030000),)),
    Mcu("SAMD51J19A", "arm", 512 * KIB, ram_ranges=((0x20000000, 0x20030000),)),
)

MCUS: dict[str, Mcu] = {m.lower: m for m in _TABLE}
# QMK's md-boot boards name the MCU by family in info.json
_MCU_ALIASES = {"samd51j18": "samd51j18a", "samd51j19": "samd51j19a"}


def find(name: str | None) -> Mcu | None:
    """The MCU by QMK processor name, case-insensitive; None when unknown or not given."""
    if not name:
        return None
    key = name.strip().lower()
    return MCUS.get(_MCU_ALIASES.get(key, key))


# Bytes at the top of AVR flash taken by the bootloader (QMK platforms/avr/bootloader.mk).
_AVR_BIG = ("at90usb1286", "at90usb1287")


def avr_boot_section(bootloader: str, mcu: Mcu) -> int:
    """Bytes the bootloader occupies at the top of an AVR's flash."""
    if bootloader in ("atmel-dfu", "lufa-dfu", "qmk-dfu"):
        return 8 * KIB if mcu.lower in _AVR_BIG else 4 * KIB
    if bootloader == "halfkay":
        return 1 * KIB if mcu.lower in _AVR_BIG else 512
    if bootloader == "lufa-ms":
        return 8 * KIB
    if bootloader in ("caterina", "qmk-hid", "lufa-hid", "bootloadhid", "usbasploader"):
        return 4 * KIB
    return 0  # ISP programmers write the whole flash


def app_offset(bootloader: str, mcu: Mcu) -> int:
    """Bytes from the start of flash to where the application must begin (ARM bootloaders in flash)."""
    if mcu.arch == "avr":
        return 0
    if bootloader in ("stm32duino", "zsa-dfu"):
        return 0x2000
    if bootloader == "kiibohd":
        return 0x1000 if mcu.lower == "mk20dx128" else 0x2000
    if bootloader == "md-boot":
        return 0x4000
    if bootloader == "tinyuf2" and mcu.lower.startswith("stm32f4"):
        return 64 * KIB
    if bootloader == "tinyuf2" and mcu.lower == "stm32f303":
        return 16 * KIB
    if bootloader == "uf2boot":
        return 0x2000
    return 0


@dataclass(frozen=True)
class FlashRegion:
    """Where an application image may go: [start, end) in the MCU's address space."""

    start: int
    end: int | None  # None: unknown size

    @property
    def size(self) -> int | None:
        return None if self.end is None else self.end - self.start


def application_region(bootloader: str, mcu: Mcu) -> FlashRegion:
    """The flash an application may occupy behind `bootloader` on `mcu`."""
    start = mcu.flash_base + app_offset(bootloader, mcu)
    if mcu.flash_size is None:
        return FlashRegion(start, None)
    end = mcu.flash_base + mcu.flash_size
    if mcu.arch == "avr":
        end -= avr_boot_section(bootloader, mcu)
    return FlashRegion(start, end)
