"""Every bootloader QMK firmware can sit behind: how it shows up on USB, what file it takes,
which tool writes it. The one table detection, the flashers and the udev rules all read.

Facts come from QMK's `lib/python/qmk/constants.py` (BOOTLOADER_VIDS_PIDS),
`lib/python/qmk/flashers.py`, `platforms/{avr,chibios}/bootloader.mk` and `flash.mk`,
`util/udev/50-qmk.rules`, and QMK Toolbox's USB listener (bcdDevice 0x0936 marks the QMK
builds of the LUFA DFU and HID bootloaders; LUFA mass storage; AVR ISP; USBtinyISP on
1781:0C9F, the id avrdude uses, where QMK lists 1782:0C9F).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class FirmwareFormat(StrEnum):
    HEX = "hex"  # Intel HEX text
    BIN = "bin"  # raw image
    UF2 = "uf2"  # USB Flashing Format blocks


class Tool(StrEnum):
    """The program (or built-in copy) that writes a bootloader."""

    DFU_UTIL = "dfu-util"
    DFU_PROGRAMMER = "dfu-programmer"
    AVRDUDE = "avrdude"
    TEENSY_LOADER = "teensy_loader_cli"
    HID_BOOTLOADER_CLI = "hid_bootloader_cli"
    BOOTLOADHID = "bootloadHID"
    MDLOADER = "mdloader"
    WB32_DFU_UPDATER = "wb32-dfu-updater_cli"
    UF2_COPY = "uf2 copy"  # copy onto the UF2 drive; no external program
    LUFA_MS_COPY = "lufa-ms copy"  # replace FLASH.BIN on the LUFA mass-storage drive


class MassStorage(StrEnum):
    UF2 = "uf2"  # a FAT drive with INFO_UF2.TXT
    LUFA_MS = "lufa-ms"  # a FAT drive with FLASH.BIN and EEPROM.BIN


QMK_BCD = 0x0936  # bcdDevice of QMK's own LUFA DFU / HID bootloader builds ("Ψ")


@dataclass(frozen=True)
class UsbId:
    """One USB identity of a bootloader; `bcd` / `not_bcd` split bootloaders sharing a VID:PID."""

    vid: int
    pid: int
    label: str = ""
    bcd: int | None = None
    not_bcd: int | None = None

    def matches(self, vid: int, pid: int, bcd: int | None) -> bool:
        if (vid, pid) != (self.vid, self.pid):
            return False
        if self.bcd is not None and bcd != self.bcd:
            return False
        if self.not_bcd is not None and bcd == self.not_bcd:
            return False
        return True

    @property
    def text(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}"


@dataclass(frozen=True)
class DfuUtilArgs:
    """How dfu-util addresses this bootloader: alt setting, DfuSe address, reset flag."""

    alt: int = 0
    dfuse_address: str | None = "0x08000000:leave"
    reset: bool = False  # -R: reset after download (bootloaders without DfuSe :leave)


@dataclass(frozen=True)
class Bootloader:
    name: str  # QMK's name, as in keyboard.json "bootloader"
    title: str
    tool: Tool
    formats: tuple[FirmwareFormat, ...]
    usb_ids: tuple[UsbId, ...] = ()
    mass_storage: MassStorage | None = None
    dfu_util: DfuUtilArgs | None = None
    avrdude_programmer: str | None = None
    needs_mcu: bool = False  # the tool must be told the MCU
    serial: bool = False  # appears as a serial port the tool opens
    eeprom: bool = False  # the tool can also write EEPROM
    modem_manager_ignore: bool = False  # a CDC-ACM device ModemManager would probe
    auto_detect: bool = True  # False: only when the user names it (ids shared with ordinary devices)
    family: str = ""  # bootloaders in one family flash the same files the same way
    aliases: tuple[str, ...] = ()  # other QMK names that are the same thing on USB
    windows_driver: str = ""  # the driver the tool needs on Windows (QMK Toolbox / Zadig)
    how_to_enter: str = ""

    @property
    def compat_family(self) -> str:
        return self.family or self.name


_ATMEL_DFU_PIDS = (
    (0x2FEF, "ATmega16U2"),
    (0x2FF0, "ATmega32U2"),
    (0x2FF3, "ATmega16U4"),
    (0x2FF4, "ATmega32U4"),
    (0x2FF9, "AT90USB64"),
    (0x2FFA, "AT90USB162"),
    (0x2FFB, "AT90USB128"),
)

# Atmel DFU product id -> the dfu-programmer targets it can be (first one is the default).
ATMEL_DFU_TARGETS: dict[int, tuple[str, ...]] = {
    0x2FEF: ("atmega16u2",),
    0x2FF0: ("atmega32u2",),
    0x2FF3: ("atmega16u4",),
    0x2FF4: ("atmega32u4",),
    0x2FF9: ("at90usb646", "at90usb647"),
    0x2FFA: ("at90usb162",),
    0x2FFB: ("at90usb1286", "at90usb1287"),
}

_CATERINA_IDS = (
    UsbId(0x1209, 0x2302, "Keyboardio Atreus 2 Bootloader"),
    UsbId(0x1B4F, 0x9203, "SparkFun Pro Micro 3V3/8MHz"),
    UsbId(0x1B4F, 0x9205, "SparkFun Pro Micro 5V/16MHz"),
    UsbId(0x1B4F, 0x9207, "SparkFun LilyPad 3V3/8MHz (and some Pro Micro clones)"),
    UsbId(0x1FFB, 0x0101, "Pololu A-Star 32U4"),
    UsbId(0x2341, 0x0036, "Arduino Leonardo"),
    UsbId(0x2341, 0x0037, "Arduino Micro"),
    UsbId(0x239A, 0x000C, "Adafruit Feather 32U4"),
    UsbId(0x239A, 0x000D, "Adafruit ItsyBitsy 32U4 3V3/8MHz"),
    UsbId(0x239A, 0x000E, "Adafruit ItsyBitsy 32U4 5V/16MHz"),
    UsbId(0x2A03, 0x0036, "dog hunter Arduino Leonardo"),
    UsbId(0x2A03, 0x0037, "dog hunter Arduino Micro"),
)

_RESET_KEY = "press the QK_BOOT key or the reset button"


def _rom_dfu(name: str, title: str, usb_id: UsbId) -> Bootloader:
    """The DFU bootloader in the ROM of an STM32 or of a chip cloning its flash layout (APM32,
    GD32V, AT32): a .bin at 0x08000000 through dfu-util, entered by holding BOOT0 at reset."""
    return Bootloader(
        name=name,
        title=title,
        tool=Tool.DFU_UTIL,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(usb_id,),
        dfu_util=DfuUtilArgs(alt=0, dfuse_address="0x08000000:leave"),
        windows_driver="WinUSB",
        how_to_enter="press the QK_BOOT key, or hold BOOT0 while pressing reset",
    )

_TABLE: tuple[Bootloader, ...] = (
    Bootloader(
        name="atmel-dfu",
        title="Atmel DFU",
        tool=Tool.DFU_PROGRAMMER,
        formats=(FirmwareFormat.HEX,),
        usb_ids=tuple(UsbId(0x03EB, pid, label, not_bcd=QMK_BCD) for pid, label in _ATMEL_DFU_PIDS),
        needs_mcu=True,
        eeprom=True,
        family="avr-dfu",
        aliases=("lufa-dfu",),
        windows_driver="WinUSB",
        how_to_enter=_RESET_KEY,
    ),
    Bootloader(
        name="qmk-dfu",
        title="QMK DFU",
        tool=Tool.DFU_PROGRAMMER,
        formats=(FirmwareFormat.HEX,),
        usb_ids=tuple(UsbId(0x03EB, pid, label, bcd=QMK_BCD) for pid, label in _ATMEL_DFU_PIDS),
        needs_mcu=True,
        eeprom=True,
        family="avr-dfu",
        windows_driver="WinUSB",
        how_to_enter=_RESET_KEY + " (QMK DFU can also be entered by holding the Bootmagic key)",
    ),
    Bootloader(
        name="caterina",
        title="Caterina (Pro Micro)",
        tool=Tool.AVRDUDE,
        formats=(FirmwareFormat.HEX,),
        usb_ids=_CATERINA_IDS,
        avrdude_programmer="avr109",
        needs_mcu=True,
        serial=True,
        eeprom=True,
        modem_manager_ignore=True,
        windows_driver="usbser",
        how_to_enter="press the QK_BOOT key, or short RST to GND twice quickly; "
        "Caterina stays in the bootloader for only 8 seconds",
    ),
    Bootloader(
        name="halfkay",
        title="HalfKay (PJRC Teensy)",
        tool=Tool.TEENSY_LOADER,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x16C0, 0x0478, "PJRC HalfKay"),),
        needs_mcu=True,
        windows_driver="HidUsb",
        how_to_enter="press the QK_BOOT key or the Teensy's program button",
    ),
    Bootloader(
        name="qmk-hid",
        title="QMK HID",
        tool=Tool.HID_BOOTLOADER_CLI,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x03EB, 0x2067, "QMK HID", bcd=QMK_BCD),),
        needs_mcu=True,
        family="lufa-hid",
        windows_driver="HidUsb",
        how_to_enter=_RESET_KEY,
    ),
    Bootloader(
        name="lufa-hid",
        title="LUFA HID",
        tool=Tool.HID_BOOTLOADER_CLI,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x03EB, 0x2067, "LUFA HID", not_bcd=QMK_BCD),),
        needs_mcu=True,
        family="lufa-hid",
        windows_driver="HidUsb",
        how_to_enter=_RESET_KEY,
    ),
    Bootloader(
        name="lufa-ms",
        title="LUFA Mass Storage",
        tool=Tool.LUFA_MS_COPY,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(UsbId(0x03EB, 0x2045, "LUFA Mass Storage"),),
        mass_storage=MassStorage.LUFA_MS,
        windows_driver="USBSTOR",
        how_to_enter=_RESET_KEY,
    ),
    Bootloader(
        name="bootloadhid",
        title="BootloadHID (PS2AVRGB)",
        tool=Tool.BOOTLOADHID,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x16C0, 0x05DF, "obdev HIDBoot"),),
        windows_driver="HidUsb",
        how_to_enter="hold the bootloader key (often Esc or the top-left key) while plugging in",
    ),
    Bootloader(
        name="usbasploader",
        title="USBaspLoader",
        tool=Tool.AVRDUDE,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x16C0, 0x05DC, "USBasp"),),
        avrdude_programmer="usbasp",
        needs_mcu=True,
        eeprom=True,
        windows_driver="libusbK",
        how_to_enter=_RESET_KEY,
    ),
    Bootloader(
        name="usbtinyisp",
        title="USBtinyISP",
        tool=Tool.AVRDUDE,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(
            UsbId(0x1781, 0x0C9F, "USBtinyISP"),
            UsbId(0x1782, 0x0C9F, "USBtinyISP (id as listed by QMK)"),
        ),
        avrdude_programmer="usbtiny",
        needs_mcu=True,
        eeprom=True,
        windows_driver="libusb0",
        how_to_enter="connect the programmer to the keyboard's ISP header",
    ),
    Bootloader(
        name="avrisp",
        title="AVR ISP (Arduino as ISP)",
        tool=Tool.AVRDUDE,
        formats=(FirmwareFormat.HEX,),
        usb_ids=(UsbId(0x16C0, 0x0483, "Teensy USB serial running ArduinoISP"),),
        avrdude_programmer="avrisp",
        needs_mcu=True,
        serial=True,
        eeprom=True,
        modem_manager_ignore=True,
        # 16C0:0483 is also every Teensy running USB-serial code: only when asked for.
        auto_detect=False,
        windows_driver="usbser",
        how_to_enter="connect the ISP programmer to the keyboard's ISP header",
    ),
    Bootloader(
        name="md-boot",
        title="Atmel SAM-BA (Massdrop)",
        tool=Tool.MDLOADER,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(UsbId(0x03EB, 0x6124, "Atmel SAM-BA"),),
        serial=True,
        modem_manager_ignore=True,
        windows_driver="usbser",
        how_to_enter="press the QK_BOOT key, or the reset button under the keyboard",
    ),
    _rom_dfu("stm32-dfu", "STM32 DFU", UsbId(0x0483, 0xDF11, "STM32 ROM DFU")),
    _rom_dfu("apm32-dfu", "APM32 DFU", UsbId(0x314B, 0x0106, "APM32 ROM DFU")),
    _rom_dfu("gd32v-dfu", "GD32V DFU", UsbId(0x28E9, 0x0189, "GD32V ROM DFU")),
    _rom_dfu("at32-dfu", "AT32 DFU", UsbId(0x2E3C, 0xDF11, "Artery AT32 ROM DFU")),
    Bootloader(
        # Not a QMK name: QMK calls it `custom` and its voyager/rules.mk says DFU_ARGS (`for_dfu_args`).
        name="zsa-dfu",
        title="ZSA DFU (Voyager)",
        tool=Tool.DFU_UTIL,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(UsbId(0x3297, 0x0791, "ZSA Voyager bootloader"),),
        dfu_util=DfuUtilArgs(alt=0, dfuse_address="0x08002000:leave"),
        windows_driver="WinUSB",
        how_to_enter="press the QK_BOOT key, or the reset button in the pinhole of the left half",
    ),
    Bootloader(
        name="kiibohd",
        title="Kiibohd DFU (Input Club)",
        tool=Tool.DFU_UTIL,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(UsbId(0x1C11, 0xB007, "Input Club Kiibohd DFU"),),
        dfu_util=DfuUtilArgs(alt=0, dfuse_address=None),
        windows_driver="WinUSB",
        how_to_enter="press the QK_BOOT key or the reset button on the back",
    ),
    Bootloader(
        name="stm32duino",
        title="STM32duino (Maple)",
        tool=Tool.DFU_UTIL,
        formats=(FirmwareFormat.BIN,),
        usb_ids=(UsbId(0x1EAF, 0x0003, "Leaflabs Maple DFU"),),
        dfu_util=DfuUtilArgs(alt=2, dfuse_address=None, reset=True),
        windows_driver="WinUSB",
        how_to_enter="press the QK_BOOT key or the reset button",
    ),
    Bootloader(
        name="wb32-dfu",
        title="WB32 DFU",
        tool=Tool.WB32_DFU_UPDATER,
        formats=(FirmwareFormat.BIN, FirmwareFormat.HEX),
        usb_ids=(UsbId(0x342D, 0xDFA0, "WestberryTech WB32 ROM DFU"),),
        windows_driver="WinUSB",
        how_to_enter="press the QK_BOOT key, or hold BOOT0 while pressing reset",
    ),
    Bootloader(
        name="rp2040",
        title="RP2040 boot ROM (UF2)",
        tool=Tool.UF2_COPY,
        formats=(FirmwareFormat.UF2,),
        # The drive is what gets flashed; the id lets detection name the board before it mounts.
        usb_ids=(UsbId(0x2E8A, 0x0003, "Raspberry Pi RP2 boot ROM"),),
        mass_storage=MassStorage.UF2,
        family="uf2",
        how_to_enter="press the QK_BOOT key, double-tap reset, or hold BOOTSEL while plugging in",
    ),
    Bootloader(
        name="tinyuf2",
        title="TinyUF2",
        tool=Tool.UF2_COPY,
        formats=(FirmwareFormat.UF2,),
        mass_storage=MassStorage.UF2,
        family="uf2",
        how_to_enter="press the QK_BOOT key or double-tap reset",
    ),
    Bootloader(
        name="uf2boot",
        title="UF2 bootloader (STM32F103)",
        tool=Tool.UF2_COPY,
        formats=(FirmwareFormat.UF2,),
        mass_storage=MassStorage.UF2,
        family="uf2",
        how_to_enter="press the QK_BOOT key or double-tap reset",
    ),
)

BOOTLOADERS: dict[str, Bootloader] = {b.name: b for b in _TABLE}
_ALIASES: dict[str, str] = {alias: b.name for b in _TABLE for alias in b.aliases}


class UnknownBootloader(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown bootloader {self.name!r}; known: {', '.join(known_names())}"


def known_names() -> list[str]:
    """Every name `get()` accepts (QMK names and aliases), sorted."""
    return sorted({*BOOTLOADERS, *_ALIASES})


def get(name: str) -> Bootloader:
    """The bootloader by QMK name (case-insensitive; aliases such as `lufa-dfu` accepted)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return BOOTLOADERS[key]
    except KeyError:
        raise UnknownBootloader(name) from None


def match_usb(vid: int, pid: int, bcd: int | None, *, include_manual: bool = False) -> Bootloader | None:
    """The bootloader a USB device is, from its ids; None for any other device."""
    for bootloader in _TABLE:
        if not bootloader.auto_detect and not include_manual:
            continue
        if any(usb_id.matches(vid, pid, bcd) for usb_id in bootloader.usb_ids):
            return bootloader
    return None


_DFU_DEVICE = re.compile(r"(?:^|\s)-d\s*([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\b")
_DFU_ADDRESS = re.compile(r"(?:^|\s)-s\s*(0x[0-9A-Fa-f]+(?::leave)?)")


def for_dfu_args(text: str) -> Bootloader | None:
    """The bootloader a board's rules.mk `DFU_ARGS` (`-d 3297:0791 -a 0 -s 0x08002000:leave`) addresses,
    for a board QMK calls `custom`: one of the table's that dfu-util reaches at that USB id and address."""
    device, address = _DFU_DEVICE.search(text), _DFU_ADDRESS.search(text)
    if device is None:
        return None
    vid, pid = int(device.group(1), 16), int(device.group(2), 16)
    wanted = address.group(1).lower() if address else None
    for bootloader in _TABLE:
        args = bootloader.dfu_util
        if bootloader.tool is not Tool.DFU_UTIL or args is None:
            continue
        same_device = any(usb_id.vid == vid and usb_id.pid == pid for usb_id in bootloader.usb_ids)
        if same_device and wanted == (args.dfuse_address.lower() if args.dfuse_address else None):
            return bootloader
    return None


def same_family(a: str, b: str) -> bool:
    """Whether firmware built for bootloader `a` flashes the same way onto `b`."""
    try:
        return get(a).compat_family == get(b).compat_family
    except UnknownBootloader:
        return False


def all_usb_ids() -> list[tuple[Bootloader, UsbId]]:
    return [(b, usb_id) for b in _TABLE for usb_id in b.usb_ids]


@dataclass(frozen=True)
class FormatAdvice:
    """Why a file format does not suit a bootloader, and how to get the right one."""

    bootloader: Bootloader
    given: FirmwareFormat
    wanted: tuple[FirmwareFormat, ...] = field(default=())

    @property
    def message(self) -> str:
        wanted = " or ".join(f".{f.value}" for f in self.wanted)
        return f"the {self.bootloader.title} bootloader takes {wanted} files, not .{self.given.value}"

    @property
    def hint(self) -> str:
        first = self.wanted[0]
        if first is FirmwareFormat.UF2:
            return "build with FIRMWARE_FORMAT=uf2 (QMK does this for RP2040 and tinyuf2 boards)"
        if first is FirmwareFormat.BIN:
            return "use the .bin file QMK builds for this board (FIRMWARE_FORMAT=bin)"
        return "use the .hex file QMK builds for this board (FIRMWARE_FORMAT=hex)"


def format_advice(bootloader: Bootloader, fmt: FirmwareFormat) -> FormatAdvice | None:
    """None when `bootloader` accepts `fmt`, else what to tell the user."""
    if fmt in bootloader.formats:
        return None
    return FormatAdvice(bootloader, fmt, bootloader.formats)
