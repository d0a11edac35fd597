"""Vial's extension of the VIA protocol, as data.

Vial commands are VIA command 0xFE followed by a Vial command id. Unlike VIA they do not
echo: the firmware overwrites the buffer with the answer from byte 0. Vial integers are
little-endian (the firmware memcpy's its structs), except keycodes in encoder replies,
which are big-endian like VIA's.

Facts from vial-kb/vial-qmk `quantum/vial.h`, `quantum/vial.c` and vial-gui's protocol.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from keyconf.device.via_protocol import VIAL_PREFIX, Request

VIAL_PROTOCOL_ADVANCED_MACROS = 2  # delays and the SS_QMK_PREFIX macro encoding
VIAL_PROTOCOL_MATRIX_TESTER = 3  # the matrix tester needs the keyboard unlocked
VIAL_PROTOCOL_DYNAMIC = 4  # tap dance, combos
VIAL_PROTOCOL_KEY_OVERRIDE = 5  # key overrides, 16-bit macro keycodes
VIAL_PROTOCOL_CURRENT_KEYCODES = 6  # QMK's renumbered (>= 0.19) keycodes
DEFINITION_BLOCK = 32
# Keycodes a locked board refuses inside a keymap buffer write (0x13): vial-qmk's
# dynamic_keymap_set_buffer stores 0xFFFF in their place and echoes `ff ff`, even when the key
# held that keycode already. The single-key write (0x05) has no such check.
REFUSED_WHILE_LOCKED = ("QK_BOOT",)
REFUSED_MARK = 0xFFFF


class VialCommand(IntEnum):
    GET_KEYBOARD_ID = 0x00
    GET_SIZE = 0x01
    GET_DEFINITION = 0x02
    GET_ENCODER = 0x03
    SET_ENCODER = 0x04
    GET_UNLOCK_STATUS = 0x05
    UNLOCK_START = 0x06
    UNLOCK_POLL = 0x07
    LOCK = 0x08
    QMK_SETTINGS_QUERY = 0x09
    QMK_SETTINGS_GET = 0x0A
    QMK_SETTINGS_SET = 0x0B
    QMK_SETTINGS_RESET = 0x0C
    DYNAMIC_ENTRY_OP = 0x0D


class DynamicOp(IntEnum):
    GET_NUMBER_OF_ENTRIES = 0x00
    TAP_DANCE_GET = 0x01
    TAP_DANCE_SET = 0x02
    COMBO_GET = 0x03
    COMBO_SET = 0x04
    KEY_OVERRIDE_GET = 0x05
    KEY_OVERRIDE_SET = 0x06


def vial_request(command: VialCommand, args: bytes = b"", what: str | None = None) -> Request:
    label = what or f"Vial {command.name.lower().replace('_', ' ')}"
    return Request(bytes([VIAL_PREFIX, command]) + args, 0, label)


def definition_block_request(block: int) -> Request:
    if not 0 <= block <= 0xFFFF:
        raise ValueError(f"definition block {block} out of range")
    return vial_request(VialCommand.GET_DEFINITION, struct.pack("<H", block), "Vial definition block")


def get_encoder_request(layer: int, encoder: int) -> Request:
    return vial_request(VialCommand.GET_ENCODER, bytes([layer, encoder]), "Vial get encoder")


def set_encoder_request(layer: int, encoder: int, clockwise: bool, keycode: int) -> Request:
    args = struct.pack(">BBBH", layer, encoder, int(clockwise), keycode)
    return vial_request(VialCommand.SET_ENCODER, args, "Vial set encoder")


def dynamic_request(op: DynamicOp, index: int = 0, entry: bytes = b"") -> Request:
    args = bytes([op]) if op is DynamicOp.GET_NUMBER_OF_ENTRIES else bytes([op, index]) + entry
    return vial_request(VialCommand.DYNAMIC_ENTRY_OP, args, f"Vial {op.name.lower().replace('_', ' ')}")


# --- dynamic entries: 10-byte little-endian structs ---------------------------------------

TAP_DANCE_FORMAT = "<HHHHH"  # on_tap, on_hold, on_double_tap, on_tap_hold, tapping term (ms)
COMBO_FORMAT = "<HHHHH"  # four trigger keycodes (0 = unused), output
KEY_OVERRIDE_FORMAT = "<HHHBBBB"  # trigger, replacement, layers, trigger/negative/suppressed mods, options


@dataclass(frozen=True)
class VialTapDance:
    on_tap: int = 0
    on_hold: int = 0
    on_double_tap: int = 0
    on_tap_hold: int = 0
    tapping_term: int = 0

    def pack(self) -> bytes:
        values = (self.on_tap, self.on_hold, self.on_double_tap, self.on_tap_hold, self.tapping_term)
        return struct.pack(TAP_DANCE_FORMAT, *values)

    @classmethod
    def unpack(cls, data: bytes) -> VialTapDance:
        return cls(*struct.unpack_from(TAP_DANCE_FORMAT, data))


@dataclass(frozen=True)
class VialCombo:
    keys: tuple[int, int, int, int] = (0, 0, 0, 0)
    output: int = 0

    def pack(self) -> bytes:
        return struct.pack(COMBO_FORMAT, *self.keys, self.output)

    @classmethod
    def unpack(cls, data: bytes) -> VialCombo:
        a, b, c, d, output = struct.unpack_from(COMBO_FORMAT, data)
        return cls((a, b, c, d), output)


class KeyOverrideOption(IntEnum):
    ACTIVATION_TRIGGER_DOWN = 1 << 0
    ACTIVATION_REQUIRED_MOD_DOWN = 1 << 1
    ACTIVATION_NEGATIVE_MOD_UP = 1 << 2
    ONE_MOD = 1 << 3
    NO_REREGISTER_TRIGGER = 1 << 4
    NO_UNREGISTER_ON_OTHER_KEY_DOWN = 1 << 5
    ENABLED = 1 << 7


@dataclass(frozen=True)
class VialKeyOverride:
    trigger: int = 0
    replacement: int = 0
    layers: int = 0xFFFF  # bit n: active on layer n
    trigger_mods: int = 0  # 8-bit HID modifier mask
    negative_mods: int = 0
    suppressed_mods: int = 0
    options: int = 0

    def pack(self) -> bytes:
        return struct.pack(
            KEY_OVERRIDE_FORMAT,
            self.trigger,
            self.replacement,
            self.layers,
            self.trigger_mods,
            self.negative_mods,
            self.suppressed_mods,
            self.options,
        )

    @classmethod
    def unpack(cls, data: bytes) -> VialKeyOverride:
        return cls(*struct.unpack_from(KEY_OVERRIDE_FORMAT, data))

    @property
    def enabled(self) -> bool:
        return bool(self.options & KeyOverrideOption.ENABLED)


@dataclass(frozen=True)
class DynamicCounts:
    tap_dance: int = 0
    combo: int = 0
    key_override: int = 0
    alt_repeat_key: int = 0


@dataclass(frozen=True)
class VialIdentity:
    protocol: int
    keyboard_uid: int
    vialrgb: bool = False


@dataclass(frozen=True)
class UnlockStatus:
    unlocked: bool
    in_progress: bool
    keys: tuple[tuple[int, int], ...]  # (row, col) of the keys to hold to unlock


@dataclass(frozen=True)
class UnlockProgress:
    unlocked: bool
    in_progress: bool
    remaining: int  # polls left while the keys stay held (starts at 50)


def parse_unlock_status(reply: bytes) -> UnlockStatus:
    keys = []
    for at in range(2, len(reply) - 1, 2):
        row, col = reply[at], reply[at + 1]
        if row == 0xFF and col == 0xFF:
            break
        keys.append((row, col))
    return UnlockStatus(bool(reply[0]), bool(reply[1]), tuple(keys))


# --- QMK settings (FE 09-0C): numbered settings ("qsid"), little-endian values ------------------
#
# Query [FE 09 after_lo after_hi] answers the ids greater than `after` as u16 in the whole
# buffer, the rest 0xFF (0xFFFF ends the list; a board without QMK settings answers all 0xFF).
# Get [FE 0A id_lo id_hi] answers [status, value...] (status 0: done). Set [FE 0B id_lo id_hi
# value...] answers [status]. Reset [FE 0C] puts every setting back to the firmware's defaults.

SETTINGS_END = 0xFFFF
MAX_SETTING_IDS = 256  # real firmware offers about 30: more is a broken or hostile answer
# Bytes each setting takes on the wire: vial-gui's qmk_settings.json "width", 1 when it says none
# (checked against vial-kb/vial-gui 9bb3c6b; 30-33, auto mouse, from a fork's list)
SETTING_WIDTHS: dict[int, int] = {
    1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 2, 7: 2, 8: 1,
    9: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 2, 15: 2, 16: 2, 17: 2,
    18: 2, 19: 2, 20: 1, 21: 4, 22: 1, 23: 1, 24: 1, 25: 2, 26: 1, 27: 2,
    30: 1, 31: 1, 32: 2, 33: 1,
}  # fmt: skip


def settings_query_request(after: int) -> Request:
    return vial_request(VialCommand.QMK_SETTINGS_QUERY, struct.pack("<H", after), "Vial QMK settings list")


def settings_get_request(qsid: int) -> Request:
    return vial_request(VialCommand.QMK_SETTINGS_GET, struct.pack("<H", qsid), f"Vial get QMK setting {qsid}")


def settings_set_request(qsid: int, value: int, width: int) -> Request:
    if not 0 <= value < 1 << (8 * width):
        raise ValueError(f"QMK setting {qsid}: {value} does not fit {width} byte(s)")
    args = struct.pack("<H", qsid) + value.to_bytes(width, "little")
    return vial_request(VialCommand.QMK_SETTINGS_SET, args, f"Vial set QMK setting {qsid}")


def parse_settings_query(reply: bytes) -> list[int]:
    """The setting ids in one query reply, up to the 0xFFFF end mark."""
    ids = []
    for at in range(0, len(reply) - 1, 2):
        qsid = reply[at] | reply[at + 1] << 8
        if qsid == SETTINGS_END:
            break
        ids.append(qsid)
    return ids


def parse_setting_value(reply: bytes, width: int) -> int | None:
    """The value of a get reply; None when the firmware refused (status not 0)."""
    if reply[0] != 0:
        return None
    return int.from_bytes(reply[1 : 1 + width], "little")
