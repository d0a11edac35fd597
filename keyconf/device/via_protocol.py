"""The VIA raw HID protocol as data: command ids, request layouts, reply parsing.

Pure functions over bytes, no I/O: `via_client` sends what these build. Every multi-byte
integer on the wire is big-endian. A request is at most 32 bytes; the firmware edits the
buffer in place and sends it back, so the reply starts with the request's leading bytes
(`Request.echo` of them) unless the firmware put 0xFF (unhandled) in byte 0.

Sources (facts only): QMK `quantum/via.h`, `quantum/via.c`, `quantum/dynamic_keymap.c`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from keyconf.device.transport import REPORT_SIZE

CHUNK = 28  # data bytes per get/set buffer report: 32 minus [cmd, off_hi, off_lo, size]
UNHANDLED = 0xFF
MAX_LAYERS = 32  # QMK layer state is 32 bits; more than this is a broken or hostile reply
MAX_MACROS = 128  # QK_MACRO_0..QK_MACRO_127
VIAL_PREFIX = 0xFE


class Command(IntEnum):
    GET_PROTOCOL_VERSION = 0x01
    GET_KEYBOARD_VALUE = 0x02
    SET_KEYBOARD_VALUE = 0x03
    GET_KEYCODE = 0x04
    SET_KEYCODE = 0x05
    RESET_KEYMAP = 0x06
    CUSTOM_SET_VALUE = 0x07  # "lighting set value" before protocol 12
    CUSTOM_GET_VALUE = 0x08
    CUSTOM_SAVE = 0x09
    EEPROM_RESET = 0x0A
    BOOTLOADER_JUMP = 0x0B
    MACRO_GET_COUNT = 0x0C
    MACRO_GET_BUFFER_SIZE = 0x0D
    MACRO_GET_BUFFER = 0x0E
    MACRO_SET_BUFFER = 0x0F
    MACRO_RESET = 0x10
    GET_LAYER_COUNT = 0x11
    GET_BUFFER = 0x12
    SET_BUFFER = 0x13
    GET_ENCODER = 0x14
    SET_ENCODER = 0x15


COMMAND_NAMES = {
    Command.GET_PROTOCOL_VERSION: "protocol version",
    Command.GET_KEYBOARD_VALUE: "get keyboard value",
    Command.SET_KEYBOARD_VALUE: "set keyboard value",
    Command.GET_KEYCODE: "get keycode",
    Command.SET_KEYCODE: "set keycode",
    Command.RESET_KEYMAP: "keymap reset",
    Command.CUSTOM_SET_VALUE: "set lighting/custom value",
    Command.CUSTOM_GET_VALUE: "get lighting/custom value",
    Command.CUSTOM_SAVE: "save lighting/custom values",
    Command.EEPROM_RESET: "EEPROM reset",
    Command.BOOTLOADER_JUMP: "jump to bootloader",
    Command.MACRO_GET_COUNT: "macro count",
    Command.MACRO_GET_BUFFER_SIZE: "macro buffer size",
    Command.MACRO_GET_BUFFER: "read macro buffer",
    Command.MACRO_SET_BUFFER: "write macro buffer",
    Command.MACRO_RESET: "macro reset",
    Command.GET_LAYER_COUNT: "layer count",
    Command.GET_BUFFER: "read keymap buffer",
    Command.SET_BUFFER: "write keymap buffer",
    Command.GET_ENCODER: "get encoder keycode",
    Command.SET_ENCODER: "set encoder keycode",
}


class KeyboardValue(IntEnum):
    UPTIME = 0x01
    LAYOUT_OPTIONS = 0x02
    SWITCH_MATRIX_STATE = 0x03
    FIRMWARE_VERSION = 0x04
    DEVICE_INDICATION = 0x05
    KEYCODES_VERSION = 0x06  # protocol 13 (unverified upstream: ask, and accept 0xFF)


class Channel(IntEnum):
    """Custom value channels of protocol 12+ (commands 0x07-0x09)."""

    CUSTOM = 0
    BACKLIGHT = 1
    RGBLIGHT = 2
    RGB_MATRIX = 3
    AUDIO = 4
    LED_MATRIX = 5


@dataclass(frozen=True)
class Request:
    """One report to send; the reply must repeat its first `echo` bytes.

    Vial commands (prefix 0xFE) overwrite the whole buffer with their answer: echo 0."""

    payload: bytes
    echo: int
    what: str

    def __post_init__(self) -> None:
        if len(self.payload) > REPORT_SIZE:
            raise ValueError(f"{self.what}: request is {len(self.payload)} bytes, the limit is {REPORT_SIZE}")
        if not 0 <= self.echo <= len(self.payload):
            raise ValueError(f"{self.what}: echo length {self.echo} outside the payload")

    @property
    def command(self) -> int:
        return self.payload[0]


def _u8(name: str, value: int) -> int:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{name} must be 0..255, got {value}")
    return value


def _u16(name: str, value: int) -> int:
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"{name} must be 0..65535, got {value}")
    return value


def _chunk(size: int) -> int:
    if not 1 <= size <= CHUNK:
        raise ValueError(f"a buffer transfer moves 1..{CHUNK} bytes per report, asked for {size}")
    return size


# --- requests -------------------------------------------------------------------------------


def protocol_version_request() -> Request:
    return Request(bytes([Command.GET_PROTOCOL_VERSION]), 1, "protocol version")


def get_keyboard_value_request(value: KeyboardValue, *args: int) -> Request:
    payload = bytes([Command.GET_KEYBOARD_VALUE, value, *(_u8("argument", a) for a in args)])
    return Request(payload, len(payload), f"get keyboard value {value.name.lower()}")


def set_keyboard_value_request(value: KeyboardValue, data: bytes) -> Request:
    payload = bytes([Command.SET_KEYBOARD_VALUE, value]) + data
    return Request(payload, len(payload), f"set keyboard value {value.name.lower()}")


def layout_options_set_request(options: int) -> Request:
    if not 0 <= options <= 0xFFFFFFFF:
        raise ValueError(f"layout options must fit 32 bits, got {options}")
    return set_keyboard_value_request(KeyboardValue.LAYOUT_OPTIONS, struct.pack(">I", options))


def device_indication_request(step: int) -> Request:
    return set_keyboard_value_request(KeyboardValue.DEVICE_INDICATION, bytes([_u8("step", step)]))


def get_keycode_request(layer: int, row: int, col: int) -> Request:
    payload = bytes([Command.GET_KEYCODE, _u8("layer", layer), _u8("row", row), _u8("col", col)])
    return Request(payload, 4, "get keycode")


def set_keycode_request(layer: int, row: int, col: int, keycode: int) -> Request:
    payload = struct.pack(
        ">BBBBH",
        Command.SET_KEYCODE,
        _u8("layer", layer),
        _u8("row", row),
        _u8("col", col),
        _u16("keycode", keycode),
    )
    return Request(payload, len(payload), "set keycode")


def simple_request(command: Command) -> Request:
    """Commands without arguments: reset keymap, EEPROM reset, bootloader jump, counts."""
    return Request(bytes([command]), 1, COMMAND_NAMES[command])


def custom_get_request(channel: int, value_id: int, legacy: bool = False) -> Request:
    """Protocol 12+: [08, channel, value]; before: [08, value] (no channels)."""
    if legacy:
        payload = bytes([Command.CUSTOM_GET_VALUE, _u8("value id", value_id)])
    else:
        payload = bytes([Command.CUSTOM_GET_VALUE, _u8("channel", channel), _u8("value id", value_id)])
    return Request(payload, len(payload), "get lighting/custom value")


def custom_set_request(channel: int, value_id: int, data: bytes, legacy: bool = False) -> Request:
    if legacy:
        payload = bytes([Command.CUSTOM_SET_VALUE, _u8("value id", value_id)]) + data
    else:
        payload = bytes([Command.CUSTOM_SET_VALUE, _u8("channel", channel), _u8("value id", value_id)]) + data
    return Request(payload, len(payload), "set lighting/custom value")


def custom_save_request(channel: int, legacy: bool = False) -> Request:
    if legacy:
        return Request(bytes([Command.CUSTOM_SAVE]), 1, "save lighting/custom values")
    payload = bytes([Command.CUSTOM_SAVE, _u8("channel", channel)])
    return Request(payload, len(payload), "save lighting/custom values")


def buffer_get_request(command: Command, offset: int, size: int) -> Request:
    """Keymap (0x12) or macro (0x0E) buffer read: [cmd, off_hi, off_lo, size]."""
    payload = struct.pack(">BHB", command, _u16("offset", offset), _chunk(size))
    return Request(payload, 4, COMMAND_NAMES[command])


def buffer_set_request(command: Command, offset: int, data: bytes) -> Request:
    """Keymap (0x13) or macro (0x0F) buffer write; the reply must echo all of it."""
    payload = struct.pack(">BHB", command, _u16("offset", offset), _chunk(len(data))) + data
    return Request(payload, len(payload), COMMAND_NAMES[command])


def get_encoder_request(layer: int, encoder: int, clockwise: bool) -> Request:
    payload = bytes([Command.GET_ENCODER, _u8("layer", layer), _u8("encoder", encoder), int(clockwise)])
    return Request(payload, 4, "get encoder keycode")


def set_encoder_request(layer: int, encoder: int, clockwise: bool, keycode: int) -> Request:
    payload = struct.pack(
        ">BBBBH",
        Command.SET_ENCODER,
        _u8("layer", layer),
        _u8("encoder", encoder),
        int(clockwise),
        _u16("keycode", keycode),
    )
    return Request(payload, len(payload), "set encoder keycode")


# --- replies --------------------------------------------------------------------------------


def parse_u8(reply: bytes, at: int) -> int:
    return reply[at]


def parse_u16(reply: bytes, at: int) -> int:
    return int(struct.unpack_from(">H", reply, at)[0])


def parse_u32(reply: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", reply, at)[0])


def matrix_bytes_per_row(cols: int) -> int:
    """Bytes per matrix row in a switch matrix state reply (1, 2, 3 or 4)."""
    if not 1 <= cols <= 32:
        raise ValueError(f"a QMK matrix has 1..32 columns, got {cols}")
    return (cols + 7) // 8


def matrix_rows_per_report(cols: int) -> int:
    return CHUNK // matrix_bytes_per_row(cols)


def legacy_matrix_fits(rows: int, cols: int) -> bool:
    """Before protocol 12 the firmware answers only when (cols / 8 + 1) * rows <= 28 (its own test)."""
    return (cols // 8 + 1) * rows <= CHUNK


def matrix_state_requests(rows: int, cols: int, protocol: int) -> list[tuple[Request, int, int]]:
    """The reports that read the whole switch matrix: (request, first row, row count).

    Protocol 12+ asks with a row offset and gets rows from byte 3; older firmware has no
    offset, answers rows from byte 2 and only when the whole matrix fits one report."""
    per = matrix_rows_per_report(cols)
    if protocol < 12:
        if not legacy_matrix_fits(rows, cols):
            raise ValueError(f"a {rows}x{cols} matrix does not fit one report before VIA protocol 12")
        return [(get_keyboard_value_request(KeyboardValue.SWITCH_MATRIX_STATE), 0, rows)]
    out = []
    for first in range(0, rows, per):
        request = get_keyboard_value_request(KeyboardValue.SWITCH_MATRIX_STATE, first)
        out.append((request, first, min(per, rows - first)))
    return out


def parse_matrix_rows(reply: bytes, count: int, cols: int, protocol: int) -> list[int]:
    """Row bitmasks (bit c = column c pressed) from one matrix state reply."""
    width = matrix_bytes_per_row(cols)
    start = 3 if protocol >= 12 else 2
    rows = []
    for index in range(count):
        at = start + index * width
        rows.append(int.from_bytes(reply[at : at + width], "big"))
    return rows


# --- layout options -------------------------------------------------------------------------


def layout_option_bits(choice_count: int) -> int:
    """Bits one option takes: ceil(log2(choices)), at least 1."""
    return max(1, (max(2, choice_count) - 1).bit_length())


def pack_layout_options(choice_counts: list[int], choices: list[int]) -> int:
    """VIA's packing: the first option in the most significant bits, the last in the lowest."""
    if len(choice_counts) != len(choices):
        raise ValueError("one choice per layout option")
    value = 0
    for count, choice in zip(choice_counts, choices, strict=True):
        bits = layout_option_bits(count)
        if not 0 <= choice < max(2, count):
            raise ValueError(f"choice {choice} out of range for an option with {count} choices")
        value = (value << bits) | choice
    if value > 0xFFFFFFFF:
        raise ValueError("layout options need more than 32 bits")
    return value


def unpack_layout_options(choice_counts: list[int], value: int) -> list[int]:
    out: list[int] = []
    shift = 0
    for count in reversed(choice_counts):
        bits = layout_option_bits(count)
        out.append((value >> shift) & ((1 << bits) - 1))
        shift += bits
    return list(reversed(out))
