"""A keyboard in software: VIA protocol 12 firmware (and a Vial variant) behind the Transport
interface, for tests, benchmarks and `--demo`.

It answers the way QMK's `quantum/via.c` and `dynamic_keymap.c` do, including the quiet
cases: an out-of-range get_buffer reads 0x00, an out-of-range set_buffer or set_keycode is
skipped, an unknown command or value id comes back with 0xFF in byte 0, an unknown value
inside a known lighting channel comes back unchanged. Its EEPROM lives in memory.

Faults are injected through `Faults`: vanish after N reports, lose a reply, corrupt a reply
(empty, short, garbled, wrong echo), answer 0xFF to chosen commands, claim an absurd layer
count, or (Vial) serve a hostile definition.
"""

from __future__ import annotations

import json
import lzma
import random
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from keyconf.device import vial_protocol as vl
from keyconf.device.discovery import VIAL_SERIAL_MAGIC, DeviceInfo
from keyconf.device.errors import DeviceDisconnected
from keyconf.device.transport import REPORT_ID, REPORT_SIZE
from keyconf.device.via_protocol import (
    CHUNK,
    UNHANDLED,
    VIAL_PREFIX,
    Channel,
    Command,
    KeyboardValue,
    legacy_matrix_fits,
    matrix_bytes_per_row,
)

SIM_PATH_PREFIX = "sim:"
QK_BOOT = 0x7C00  # current numbering; what Vial (protocol 6) refuses to store while locked


class ReplyFault(Enum):
    EMPTY = "empty"  # nothing comes back: the host's read times out
    SHORT = "short"  # 5 bytes instead of 32
    GARBLED = "garbled"  # 32 random bytes
    WRONG_ECHO = "wrong-echo"  # a well-formed reply to some other command


@dataclass
class Faults:
    disconnect_after: int | None = None  # answer this many reports, then vanish (unplugged)
    lose_reply_at: set[int] = field(default_factory=set)  # reports (1-based) processed but unanswered
    reply_faults: dict[int, ReplyFault] = field(default_factory=dict)  # report number -> corruption
    every_reply: ReplyFault | None = None  # corrupt every reply this way
    unsupported: set[int] = field(default_factory=set)  # command ids answered with 0xFF
    layer_count: int | None = None  # claim this many layers (the keymap keeps its real size)


@dataclass
class LightingState:
    values: dict[int, bytes]
    saved: dict[int, bytes] = field(default_factory=dict)


_DEFAULT_LIGHTING_VALUES: dict[Channel, dict[int, bytes]] = {
    Channel.BACKLIGHT: {1: b"\x80", 2: b"\x00"},
    Channel.RGBLIGHT: {1: b"\x80", 2: b"\x01", 3: b"\x00", 4: b"\x00\xff"},
    Channel.RGB_MATRIX: {1: b"\x80", 2: b"\x01", 3: b"\x80", 4: b"\x00\xff"},
    Channel.LED_MATRIX: {1: b"\x80", 2: b"\x01", 3: b"\x80"},
    Channel.AUDIO: {1: b"\x01", 2: b"\x00"},
}
# Legacy (protocol <= 11) flat value ids -> (channel, channel value id)
_LEGACY_IDS = {
    0x09: (Channel.BACKLIGHT, 1),
    0x0A: (Channel.BACKLIGHT, 2),
    0x80: (Channel.RGBLIGHT, 1),
    0x81: (Channel.RGBLIGHT, 2),
    0x82: (Channel.RGBLIGHT, 3),
    0x83: (Channel.RGBLIGHT, 4),
}


class SimulatedKeyboard:
    """A VIA keyboard (protocol 12 unless told otherwise) speaking through write/read."""

    def __init__(
        self,
        *,
        rows: int = 4,
        cols: int = 12,
        layers: int = 4,
        protocol: int = 12,
        keymap: Sequence[int] | None = None,
        encoders: int = 0,
        encoder_map: Sequence[int] | None = None,
        macro_count: int = 16,
        macro_buffer_size: int = 512,
        layout_options: int = 0,
        layout_options_size: int = 1,
        lighting: Iterable[Channel] = (Channel.RGB_MATRIX,),
        bootloader_jump: bool = False,
        eeprom_reset: bool = False,
        firmware_version: int = 0,
        keycodes_version: int | None = None,
        latency_ms: float = 0.0,
        faults: Faults | None = None,
        name: str = "Simulated keyboard",
        manufacturer: str = "keyconf",
        vendor_id: int = 0xFEED,
        product_id: int = 0x0001,
        serial: str = "SIM0001",
    ):
        if not 1 <= cols <= 32 or rows < 1:
            raise ValueError("a QMK matrix has at least 1 row and 1..32 columns")
        self.rows, self.cols, self.layers = rows, cols, layers
        self.protocol = protocol
        self.encoders = encoders
        size = layers * rows * cols * 2
        self.default_keymap = bytes(_pack_keycodes(keymap, layers * rows * cols))
        self.keymap = bytearray(self.default_keymap)
        assert len(self.keymap) == size
        self.default_encoder_map = bytes(_pack_keycodes(encoder_map, layers * encoders * 2))
        self.encoder_eeprom = bytearray(self.default_encoder_map)
        self.macro_count = macro_count
        self.macros = bytearray(macro_buffer_size)
        self.layout_options_size = layout_options_size
        self.default_layout_options = layout_options
        self.layout_options = layout_options
        self.lighting = {Channel(c): LightingState(dict(_DEFAULT_LIGHTING_VALUES[Channel(c)])) for c in lighting}
        self.supports_bootloader_jump = bootloader_jump
        self.supports_eeprom_reset = eeprom_reset
        self.firmware_version = firmware_version
        self.keycodes_version = keycodes_version
        self.latency_ms = latency_ms
        self.faults = faults or Faults()
        self.name, self.manufacturer = name, manufacturer
        self.vendor_id, self.product_id, self.serial = vendor_id, product_id, serial
        self.path = f"{SIM_PATH_PREFIX}{serial}"

        self.on_close: Callable[[SimulatedKeyboard], None] | None = None
        self.reports = 0  # reports received
        self.indications: list[int] = []
        self.in_bootloader = False
        self.connected = True
        self._pressed: set[tuple[int, int]] = set()
        self._replies: deque[tuple[float, bytes]] = deque()
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._random = random.Random(0x5EED)

    # --- what discovery shows ---------------------------------------------------------------

    def info(self) -> DeviceInfo:
        return DeviceInfo(
            path=self.path.encode(),
            vendor_id=self.vendor_id,
            product_id=self.product_id,
            serial=self.serial,
            manufacturer=self.manufacturer,
            product=self.name,
            interface=1,
            is_vial=VIAL_SERIAL_MAGIC in self.serial,
        )

    # --- the Transport interface -----------------------------------------------------------

    def write(self, data: bytes) -> int:
        if len(data) != REPORT_SIZE + 1 or data[0] != REPORT_ID:
            raise ValueError(f"hidapi writes report id 0x00 + {REPORT_SIZE} bytes; got {len(data)} bytes")
        with self._lock:
            if not self.connected:
                raise DeviceDisconnected("the simulated keyboard is unplugged")
            self.reports += 1
            number = self.reports
            limit = self.faults.disconnect_after
            if limit is not None and number > limit:
                self.connected = False
                raise DeviceDisconnected("the simulated keyboard was unplugged")
            buffer = bytearray(data[1:])
            reply, then_reboot = self._handle(buffer)
            if reply and number not in self.faults.lose_reply_at:
                corrupted = self._corrupt(bytes(buffer), number)
                if corrupted is not None:
                    self._replies.append((time.monotonic() + self.latency_ms / 1000, corrupted))
            if then_reboot:
                self.in_bootloader = True
                self.connected = False
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        with self._lock:
            pending = self._replies.popleft() if self._replies else None
            alive = self.connected
        if pending is None:
            if not alive:
                raise DeviceDisconnected("the simulated keyboard is unplugged")
            if timeout > 0:
                time.sleep(timeout / 1000)
            return b""
        ready, reply = pending
        wait = ready - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        return reply[:size]

    def close(self) -> None:
        if self.on_close is not None:
            self.on_close(self)

    # --- state, for keeping a demo keyboard's contents between runs ------------------------

    def export_state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "shape": [self.layers, self.rows, self.cols, self.encoders, len(self.macros)],
                "keymap": self.keymap.hex(),
                "encoders": self.encoder_eeprom.hex(),
                "macros": self.macros.hex(),
                "layout_options": self.layout_options,
            }

    def import_state(self, state: dict[str, Any]) -> bool:
        """Load exported contents; False (and nothing changed) when they do not fit this board."""
        try:
            shape = [self.layers, self.rows, self.cols, self.encoders, len(self.macros)]
            keymap = bytes.fromhex(state["keymap"])
            encoders = bytes.fromhex(state["encoders"])
            macros = bytes.fromhex(state["macros"])
            options = int(state["layout_options"])
        except (KeyError, TypeError, ValueError):
            return False
        if list(state.get("shape", [])) != shape or len(keymap) != len(self.keymap):
            return False
        if len(encoders) != len(self.encoder_eeprom) or len(macros) != len(self.macros):
            return False
        with self._lock:
            self.keymap[:] = keymap
            self.encoder_eeprom[:] = encoders
            self.macros[:] = macros
            self.layout_options = options
        return True

    # --- test controls ---------------------------------------------------------------------

    def press(self, row: int, col: int) -> None:
        with self._lock:
            self._pressed.add((row, col))

    def release(self, row: int, col: int) -> None:
        with self._lock:
            self._pressed.discard((row, col))

    def pressed(self) -> set[tuple[int, int]]:
        with self._lock:
            return set(self._pressed)

    def keycode(self, layer: int, row: int, col: int) -> int:
        at = self._key_offset(layer, row, col)
        return int(struct.unpack_from(">H", self.keymap, at)[0])

    def set_keycode(self, layer: int, row: int, col: int, value: int) -> None:
        struct.pack_into(">H", self.keymap, self._key_offset(layer, row, col), value)

    def keycodes(self) -> list[int]:
        return list(struct.unpack(f">{len(self.keymap) // 2}H", self.keymap))

    def encoder(self, layer: int, index: int, clockwise: bool) -> int:
        at = (layer * self.encoders + index) * 4 + (0 if clockwise else 2)
        return int(struct.unpack_from(">H", self.encoder_eeprom, at)[0])

    def unplug(self) -> None:
        with self._lock:
            self.connected = False

    def plug_in(self) -> None:
        with self._lock:
            self.connected = True
            self.in_bootloader = False
            self._replies.clear()

    def _key_offset(self, layer: int, row: int, col: int) -> int:
        if not (0 <= layer < self.layers and 0 <= row < self.rows and 0 <= col < self.cols):
            raise IndexError((layer, row, col))
        return ((layer * self.rows + row) * self.cols + col) * 2

    # --- faults ----------------------------------------------------------------------------

    def _corrupt(self, reply: bytes, number: int) -> bytes | None:
        fault = self.faults.reply_faults.get(number, self.faults.every_reply)
        if fault is None:
            return reply
        if fault is ReplyFault.EMPTY:
            return None
        if fault is ReplyFault.SHORT:
            return reply[:5]
        if fault is ReplyFault.GARBLED:
            return bytes(self._random.randrange(256) for _ in range(REPORT_SIZE))
        other = Command.GET_LAYER_COUNT if reply[0] != Command.GET_LAYER_COUNT else Command.MACRO_GET_COUNT
        return bytes([other, 4]) + bytes(REPORT_SIZE - 2)

    # --- the firmware ----------------------------------------------------------------------

    def _handle(self, data: bytearray) -> tuple[bool, bool]:
        """Process one report in place, as raw_hid_receive does; (send a reply, reboot after)."""
        command = data[0]
        if command in self.faults.unsupported:
            data[0] = UNHANDLED
            return True, False
        handler = self._handlers().get(command)
        if handler is None:
            data[0] = UNHANDLED
            return True, False
        result = handler(data)
        return True, bool(result)

    def _handlers(self) -> dict[int, Any]:
        return {
            Command.GET_PROTOCOL_VERSION: self._protocol_version,
            Command.GET_KEYBOARD_VALUE: self._get_keyboard_value,
            Command.SET_KEYBOARD_VALUE: self._set_keyboard_value,
            Command.GET_KEYCODE: self._get_keycode,
            Command.SET_KEYCODE: self._set_keycode,
            Command.RESET_KEYMAP: self._reset_keymap,
            Command.CUSTOM_SET_VALUE: self._custom,
            Command.CUSTOM_GET_VALUE: self._custom,
            Command.CUSTOM_SAVE: self._custom,
            Command.EEPROM_RESET: self._eeprom_reset,
            Command.BOOTLOADER_JUMP: self._bootloader_jump,
            Command.MACRO_GET_COUNT: self._macro_count,
            Command.MACRO_GET_BUFFER_SIZE: self._macro_size,
            Command.MACRO_GET_BUFFER: self._macro_get,
            Command.MACRO_SET_BUFFER: self._macro_set,
            Command.MACRO_RESET: self._macro_reset,
            Command.GET_LAYER_COUNT: self._layer_count,
            Command.GET_BUFFER: self._get_buffer,
            Command.SET_BUFFER: self._set_buffer,
            Command.GET_ENCODER: self._get_encoder,
            Command.SET_ENCODER: self._set_encoder,
        }

    def _protocol_version(self, data: bytearray) -> None:
        struct.pack_into(">H", data, 1, self.protocol)

    def _get_keyboard_value(self, data: bytearray) -> None:
        value = data[1]
        if value == KeyboardValue.UPTIME:
            struct.pack_into(">I", data, 2, int((time.monotonic() - self._started) * 1000) & 0xFFFFFFFF)
        elif value == KeyboardValue.LAYOUT_OPTIONS:
            struct.pack_into(">I", data, 2, self.layout_options)
        elif value == KeyboardValue.SWITCH_MATRIX_STATE:
            self._matrix_state(data)
        elif value == KeyboardValue.FIRMWARE_VERSION:
            struct.pack_into(">I", data, 2, self.firmware_version)
        elif value == KeyboardValue.KEYCODES_VERSION and self.protocol >= 13 and self.keycodes_version:
            struct.pack_into(">I", data, 2, self.keycodes_version)
        else:
            data[0] = UNHANDLED

    def _matrix_state(self, data: bytearray) -> None:
        width = matrix_bytes_per_row(self.cols)
        if self.protocol >= 12:
            offset, at, count = data[2], 3, CHUNK // width
        else:
            if not legacy_matrix_fits(self.rows, self.cols):
                return
            offset, at, count = 0, 2, self.rows
        for row in range(offset, min(offset + count, self.rows)):
            bits = sum(1 << c for r, c in self._pressed if r == row and c < self.cols)
            data[at : at + width] = bits.to_bytes(width, "big")
            at += width

    def _set_keyboard_value(self, data: bytearray) -> None:
        value = data[1]
        if value == KeyboardValue.LAYOUT_OPTIONS:
            raw = struct.unpack_from(">I", data, 2)[0]
            self.layout_options = raw & ((1 << (8 * self.layout_options_size)) - 1)
        elif value == KeyboardValue.DEVICE_INDICATION:
            self.indications.append(data[2])
        else:
            data[0] = UNHANDLED

    def _get_keycode(self, data: bytearray) -> None:
        layer, row, col = data[1], data[2], data[3]
        value = self.keycode(layer, row, col) if self._in_matrix(layer, row, col) else 0
        struct.pack_into(">H", data, 4, value)

    def _set_keycode(self, data: bytearray) -> None:
        layer, row, col = data[1], data[2], data[3]
        if self._in_matrix(layer, row, col):
            self.keymap[self._key_offset(layer, row, col) : self._key_offset(layer, row, col) + 2] = data[4:6]

    def _in_matrix(self, layer: int, row: int, col: int) -> bool:
        return layer < self.layers and row < self.rows and col < self.cols

    def _reset_keymap(self, data: bytearray) -> None:
        self.keymap[:] = self.default_keymap
        self.encoder_eeprom[:] = self.default_encoder_map

    def _custom(self, data: bytearray) -> None:
        command = data[0]
        if self.protocol < 12:
            self._legacy_lighting(data)
            return
        channel = data[1]
        if channel not in self.lighting:
            data[0] = UNHANDLED  # via_custom_value_command_kb's default
            return
        state = self.lighting[Channel(channel)]
        value_id = data[2]
        if command == Command.CUSTOM_SAVE:
            state.saved = dict(state.values)
        elif value_id in state.values:
            size = len(state.values[value_id])
            if command == Command.CUSTOM_GET_VALUE:
                data[3 : 3 + size] = state.values[value_id]
            else:
                state.values[value_id] = bytes(data[3 : 3 + size])

    def _legacy_lighting(self, data: bytearray) -> None:
        if not self.lighting:
            data[0] = UNHANDLED
            return
        if data[0] == Command.CUSTOM_SAVE:
            for state in self.lighting.values():
                state.saved = dict(state.values)
            return
        target = _LEGACY_IDS.get(data[1])
        if target is None:
            return
        channel, value_id = target
        if channel is Channel.RGBLIGHT and channel not in self.lighting:
            channel = Channel.RGB_MATRIX  # RGB matrix boards answer the rgblight ids
        found = self.lighting.get(channel)
        if found is None or value_id not in found.values:
            return
        size = len(found.values[value_id])
        if data[0] == Command.CUSTOM_GET_VALUE:
            data[2 : 2 + size] = found.values[value_id]
        else:
            found.values[value_id] = bytes(data[2 : 2 + size])

    def _eeprom_reset(self, data: bytearray) -> None:
        if not self.supports_eeprom_reset:
            data[0] = UNHANDLED
            return
        self._reset_keymap(data)
        self.macros[:] = bytes(len(self.macros))
        self.layout_options = self.default_layout_options

    def _bootloader_jump(self, data: bytearray) -> bool:
        if not self.supports_bootloader_jump:
            data[0] = UNHANDLED
            return False
        return True

    def _macro_count(self, data: bytearray) -> None:
        data[1] = self.macro_count

    def _macro_size(self, data: bytearray) -> None:
        struct.pack_into(">H", data, 1, len(self.macros))

    def _buffer_args(self, data: bytearray) -> tuple[int, int]:
        offset = data[1] << 8 | data[2]
        return offset, min(data[3], REPORT_SIZE - 4)  # the real firmware overruns its buffer here

    def _macro_get(self, data: bytearray) -> None:
        offset, size = self._buffer_args(data)
        for i in range(size):
            at = offset + i
            data[4 + i] = self.macros[at] if at < len(self.macros) else 0

    def _macro_set(self, data: bytearray) -> None:
        offset, size = self._buffer_args(data)
        for i in range(size):
            if offset + i < len(self.macros):
                self.macros[offset + i] = data[4 + i]

    def _macro_reset(self, data: bytearray) -> None:
        self.macros[:] = bytes(len(self.macros))

    def _layer_count(self, data: bytearray) -> None:
        claimed = self.faults.layer_count
        data[1] = self.layers if claimed is None else claimed

    def _get_buffer(self, data: bytearray) -> None:
        offset, size = self._buffer_args(data)
        for i in range(size):
            at = offset + i
            data[4 + i] = self.keymap[at] if at < len(self.keymap) else 0

    def _set_buffer(self, data: bytearray) -> None:
        offset, size = self._buffer_args(data)
        for i in range(size):
            if offset + i < len(self.keymap):
                self.keymap[offset + i] = data[4 + i]

    def _encoder_at(self, layer: int, index: int, clockwise: bool) -> int | None:
        if layer >= self.layers or index >= self.encoders:
            return None
        return (layer * self.encoders + index) * 4 + (0 if clockwise else 2)

    def _get_encoder(self, data: bytearray) -> None:
        if not self.encoders:
            data[0] = UNHANDLED  # built without ENCODER_MAP_ENABLE
            return
        at = self._encoder_at(data[1], data[2], data[3] != 0)
        value = 0 if at is None else struct.unpack_from(">H", self.encoder_eeprom, at)[0]
        struct.pack_into(">H", data, 4, value)

    def _set_encoder(self, data: bytearray) -> None:
        if not self.encoders:
            data[0] = UNHANDLED
            return
        at = self._encoder_at(data[1], data[2], data[3] != 0)
        if at is not None:
            self.encoder_eeprom[at : at + 2] = data[4:6]


def _pack_keycodes(values: Sequence[int] | None, count: int) -> bytes:
    values = list(values or [])
    if len(values) > count:
        raise ValueError(f"{len(values)} keycodes given for {count} places")
    values += [0] * (count - len(values))
    return struct.pack(f">{count}H", *values)


_ALLOWED_DURING_UNLOCK = {
    vl.VialCommand.GET_KEYBOARD_ID,
    vl.VialCommand.GET_SIZE,
    vl.VialCommand.GET_DEFINITION,
    vl.VialCommand.GET_UNLOCK_STATUS,
    vl.VialCommand.UNLOCK_START,
    vl.VialCommand.UNLOCK_POLL,
}


class SimulatedVialKeyboard(SimulatedKeyboard):
    """Vial firmware: VIA protocol 9 plus the 0xFE commands, locked until its unlock keys are held.

    While locked it quietly ignores macro writes, the matrix state and the bootloader jump,
    and stores QK_BOOT as 0xFFFF; while an unlock is in progress it answers nothing but the
    identity, definition and unlock commands (the request comes back unchanged)."""

    def __init__(
        self,
        *,
        definition: dict[str, Any] | None = None,
        definition_blob: bytes | None = None,
        vial_protocol: int = 6,
        keyboard_uid: int = 0x1122334455667788,
        unlock_keys: Sequence[tuple[int, int]] = ((0, 0), (0, 1)),
        unlock_polls: int = 50,
        unlocked: bool = False,
        tap_dances: int = 4,
        combos: int = 4,
        key_overrides: int = 4,
        qmk_settings: dict[int, int] | None = None,
        auto_hold_unlock_keys: bool = False,
        **kwargs: Any,
    ):
        kwargs.setdefault("protocol", 9)
        kwargs.setdefault("serial", f"{VIAL_SERIAL_MAGIC}:SIM")
        kwargs.setdefault("lighting", (Channel.RGBLIGHT,))
        super().__init__(**kwargs)
        self.vial_protocol = vial_protocol
        self.keyboard_uid = keyboard_uid
        if definition is None:
            definition = grid_vial_definition(self.rows, self.cols, self.encoders)
        self.definition_blob = (
            definition_blob if definition_blob is not None else lzma.compress(json.dumps(definition).encode())
        )
        self.unlock_keys = list(unlock_keys)
        self.unlock_polls = unlock_polls
        self.unlocked = unlocked
        self.unlock_in_progress = False
        self.unlock_counter = 0
        self.tap_dances = [vl.VialTapDance(tapping_term=200) for _ in range(tap_dances)]  # TAPPING_TERM
        self.combos = [vl.VialCombo() for _ in range(combos)]
        default_override = vl.VialKeyOverride(options=0b111)
        self.key_overrides = [default_override for _ in range(key_overrides)]
        # what a keymap reset brings back (the firmware's own: empty tables)
        self.default_tap_dances = list(self.tap_dances)
        self.default_combos = list(self.combos)
        self.default_key_overrides = list(self.key_overrides)
        # QMK settings by id (None: firmware built without them); reset brings the defaults back
        self.default_qmk_settings = dict(default_qmk_settings() if qmk_settings is None else qmk_settings)
        self.qmk_settings = dict(self.default_qmk_settings)
        # The demo's stand-in for a person: once an unlock starts, its keys count as held
        self.auto_hold_unlock_keys = auto_hold_unlock_keys

    def export_state(self) -> dict[str, Any]:
        state = super().export_state()
        with self._lock:
            state["vial"] = {
                "tap_dances": [e.pack().hex() for e in self.tap_dances],
                "combos": [e.pack().hex() for e in self.combos],
                "key_overrides": [e.pack().hex() for e in self.key_overrides],
                "qmk_settings": {str(k): v for k, v in sorted(self.qmk_settings.items())},
            }
        return state

    def import_state(self, state: dict[str, Any]) -> bool:
        """Also the Vial tables and settings; False (nothing changed) when they do not fit."""
        try:
            vial = state["vial"]
            dances = [vl.VialTapDance.unpack(bytes.fromhex(t)) for t in vial["tap_dances"]]
            combos = [vl.VialCombo.unpack(bytes.fromhex(t)) for t in vial["combos"]]
            overrides = [vl.VialKeyOverride.unpack(bytes.fromhex(t)) for t in vial["key_overrides"]]
            settings = {int(k): int(v) for k, v in vial["qmk_settings"].items()}
        except (KeyError, TypeError, ValueError, AttributeError, struct.error):
            return False
        shapes = (len(dances), len(combos), len(overrides), sorted(settings))
        if shapes != (len(self.tap_dances), len(self.combos), len(self.key_overrides), sorted(self.qmk_settings)):
            return False
        if not super().import_state(state):
            return False
        with self._lock:
            self.tap_dances, self.combos, self.key_overrides = dances, combos, overrides
            self.qmk_settings = settings
        return True

    def _reset_keymap(self, data: bytearray) -> None:
        """vial-qmk's dynamic_keymap_reset also empties the tables and resets the settings."""
        super()._reset_keymap(data)
        self.tap_dances = list(self.default_tap_dances)
        self.combos = list(self.default_combos)
        self.key_overrides = list(self.default_key_overrides)
        self.qmk_settings = dict(self.default_qmk_settings)

    def _handle(self, data: bytearray) -> tuple[bool, bool]:
        if self.unlock_in_progress:
            if data[0] != VIAL_PREFIX or data[1] not in _ALLOWED_DURING_UNLOCK:
                return True, False  # skipped: echoed unchanged
        if data[0] == VIAL_PREFIX:
            if VIAL_PREFIX in self.faults.unsupported:
                data[0] = UNHANDLED
                return True, False
            self._vial(data)
            return True, False
        if data[0] in (Command.GET_ENCODER, Command.SET_ENCODER):
            data[0] = UNHANDLED  # not in Vial's VIA command set: encoders go through 0xFE
            return True, False
        return super()._handle(data)

    # Vial's VIA differences
    def _matrix_state(self, data: bytearray) -> None:
        if self.unlocked:
            super()._matrix_state(data)

    def _macro_set(self, data: bytearray) -> None:
        if self.unlocked and data[3] <= CHUNK:
            super()._macro_set(data)

    def _macro_get(self, data: bytearray) -> None:
        if data[3] <= CHUNK:
            super()._macro_get(data)

    def _get_buffer(self, data: bytearray) -> None:
        if data[3] <= CHUNK:
            super()._get_buffer(data)

    def _set_buffer(self, data: bytearray) -> None:
        offset, size = data[1] << 8 | data[2], data[3]
        if size > CHUNK or offset >= len(self.keymap) or len(self.keymap) - offset < size:
            return
        if not self.unlocked:
            self._refuse_qk_boot(data, offset, size)
        super()._set_buffer(data)

    def _refuse_qk_boot(self, data: bytearray, offset: int, size: int) -> None:
        """vial-qmk's check, in the request buffer (so the reply echoes it): every QK_BOOT the
        write would store becomes 0xFFFF, a key the write only half covers judged together with
        the byte already stored next to it."""
        payload = 4
        first, last = 0, size
        if offset % 2:
            if (self.keymap[offset - 1] << 8 | data[payload]) == QK_BOOT:
                data[payload] = 0xFF
            first = 1
        if (offset + size) % 2:
            after = self.keymap[offset + size] if offset + size < len(self.keymap) else 0
            if (data[payload + size - 1] << 8 | after) == QK_BOOT:
                data[payload + size - 1] = 0xFF
            last -= 1
        for i in range(first, last - 1, 2):
            if (data[payload + i] << 8 | data[payload + i + 1]) == QK_BOOT:
                data[payload + i] = data[payload + i + 1] = 0xFF

    def _bootloader_jump(self, data: bytearray) -> bool:
        return self.unlocked

    # 0xFE
    def _vial(self, data: bytearray) -> None:
        command = data[1]
        if command == vl.VialCommand.GET_KEYBOARD_ID:
            data[:] = bytes(REPORT_SIZE)
            struct.pack_into("<IQ", data, 0, self.vial_protocol, self.keyboard_uid)
        elif command == vl.VialCommand.GET_SIZE:
            struct.pack_into("<I", data, 0, len(self.definition_blob))
        elif command == vl.VialCommand.GET_DEFINITION:
            page = data[2] | data[3] << 8
            start = page * vl.DEFINITION_BLOCK
            if start < len(self.definition_blob):
                chunk = self.definition_blob[start : start + vl.DEFINITION_BLOCK]
                data[: len(chunk)] = chunk
        elif command == vl.VialCommand.GET_ENCODER:
            layer, index = data[2], data[3]
            ccw = self._encoder_value(layer, index, False)
            cw = self._encoder_value(layer, index, True)
            struct.pack_into(">HH", data, 0, ccw, cw)
        elif command == vl.VialCommand.SET_ENCODER:
            at = self._encoder_at(data[2], data[3], data[4] != 0)
            value = data[5] << 8 | data[6]
            if value == QK_BOOT and not self.unlocked:
                value = 0
            if at is not None:
                struct.pack_into(">H", self.encoder_eeprom, at, value)
        elif command == vl.VialCommand.GET_UNLOCK_STATUS:
            data[:] = b"\xff" * REPORT_SIZE
            data[0], data[1] = int(self.unlocked), int(self.unlock_in_progress)
            for i, (row, col) in enumerate(self.unlock_keys):
                data[2 + 2 * i], data[3 + 2 * i] = row, col
        elif command == vl.VialCommand.UNLOCK_START:
            self.unlock_in_progress = True
            self.unlock_counter = self.unlock_polls
        elif command == vl.VialCommand.UNLOCK_POLL:
            if self.unlock_in_progress:
                held = self.auto_hold_unlock_keys or all(key in self._pressed for key in self.unlock_keys)
                if held:
                    self.unlock_counter -= 1
                    if self.unlock_counter <= 0:
                        self.unlock_in_progress = False
                        self.unlocked = True
                else:
                    self.unlock_counter = self.unlock_polls
            data[0], data[1], data[2] = int(self.unlocked), int(self.unlock_in_progress), self.unlock_counter
        elif command == vl.VialCommand.LOCK:
            self.unlocked = False
        elif command == vl.VialCommand.DYNAMIC_ENTRY_OP:
            self._dynamic(data)
        elif command in (
            vl.VialCommand.QMK_SETTINGS_QUERY,
            vl.VialCommand.QMK_SETTINGS_GET,
            vl.VialCommand.QMK_SETTINGS_SET,
            vl.VialCommand.QMK_SETTINGS_RESET,
        ):
            self._qmk_settings_command(data)

    def _qmk_settings_command(self, data: bytearray) -> None:
        """vial-qmk's qmk_settings: query answers ids above the one asked, 0xFF-filled; get and
        set answer a status byte (0 done, 0xFF unknown id) and move the setting's own width."""
        command, qsid = data[1], data[2] | data[3] << 8
        if command == vl.VialCommand.QMK_SETTINGS_QUERY:
            ids = [q for q in sorted(self.qmk_settings) if q > qsid][: REPORT_SIZE // 2]
            data[:] = b"\xff" * REPORT_SIZE
            for i, found in enumerate(ids):
                struct.pack_into("<H", data, 2 * i, found)
        elif command == vl.VialCommand.QMK_SETTINGS_GET:
            if qsid not in self.qmk_settings:
                data[0] = 0xFF
                return
            width = vl.SETTING_WIDTHS.get(qsid, 1)
            data[0] = 0
            data[1 : 1 + width] = self.qmk_settings[qsid].to_bytes(width, "little")
        elif command == vl.VialCommand.QMK_SETTINGS_SET:
            if qsid not in self.qmk_settings:
                data[0] = 0xFF
                return
            width = vl.SETTING_WIDTHS.get(qsid, 1)
            self.qmk_settings[qsid] = int.from_bytes(data[4 : 4 + width], "little")
            data[0] = 0
        else:
            self.qmk_settings = dict(self.default_qmk_settings)

    def _encoder_value(self, layer: int, index: int, clockwise: bool) -> int:
        at = self._encoder_at(layer, index, clockwise)
        return 0 if at is None else int(struct.unpack_from(">H", self.encoder_eeprom, at)[0])

    def _dynamic(self, data: bytearray) -> None:
        op, index = data[2], data[3]
        tables: dict[int, tuple[list[Any], Any]] = {
            vl.DynamicOp.TAP_DANCE_GET: (self.tap_dances, vl.VialTapDance),
            vl.DynamicOp.COMBO_GET: (self.combos, vl.VialCombo),
            vl.DynamicOp.KEY_OVERRIDE_GET: (self.key_overrides, vl.VialKeyOverride),
        }
        if op == vl.DynamicOp.GET_NUMBER_OF_ENTRIES:
            data[:] = bytes(REPORT_SIZE)
            data[0], data[1], data[2] = len(self.tap_dances), len(self.combos), len(self.key_overrides)
        elif op in tables:
            table, _kind = tables[op]
            if index >= len(table):
                data[0] = 1
                return
            packed = table[index].pack()
            data[0] = 0
            data[1 : 1 + len(packed)] = packed
        elif op - 1 in tables:
            table, kind = tables[op - 1]
            if index >= len(table):
                data[0] = 1
                return
            entry = kind.unpack(bytes(data[4:14]))
            table[index] = _firewalled(entry, self.unlocked)
            data[0] = 0


def default_qmk_settings() -> dict[int, int]:
    """The settings a Vial board offers by default: every one keyconf's table gives a Vial id,
    at QMK's default, plus the packed switch sets (grave escape, auto shift, tapping, magic)."""
    from keyconf.model.qmk_settings import SETTINGS

    values = {s.vial_id: int(s.default) for s in SETTINGS if s.vial_id is not None}
    values.update({1: 0, 3: 0, 8: 0, 21: 0})
    return values


def _firewalled(entry: Any, unlocked: bool) -> Any:
    """Vial stores QK_BOOT in dynamic entries only while unlocked (its keycode firewall)."""
    if unlocked:
        return entry
    if isinstance(entry, vl.VialTapDance):
        tap, hold, double, tap_hold = (
            0 if v == QK_BOOT else v for v in (entry.on_tap, entry.on_hold, entry.on_double_tap, entry.on_tap_hold)
        )
        return vl.VialTapDance(tap, hold, double, tap_hold, entry.tapping_term)
    if isinstance(entry, vl.VialCombo):
        return vl.VialCombo(entry.keys, 0 if entry.output == QK_BOOT else entry.output)
    if isinstance(entry, vl.VialKeyOverride) and entry.replacement == QK_BOOT:
        return vl.VialKeyOverride(
            entry.trigger,
            0,
            entry.layers,
            entry.trigger_mods,
            entry.negative_mods,
            entry.suppressed_mods,
            entry.options,
        )
    return entry


def grid_vial_definition(rows: int, cols: int, encoders: int = 0, name: str = "Simulated Vial") -> dict[str, Any]:
    """A minimal vial.json for a rows x cols grid (KLE rows of "row,col" legends)."""
    keymap: list[list[Any]] = [[f"{r},{c}" for c in range(cols)] for r in range(rows)]
    if encoders:
        keymap.append(
            [{"y": 0.5}]
            + [item for e in range(encoders) for item in (f"{e},0\n\n\n\n\n\n\n\n\ne", f"{e},1\n\n\n\n\n\n\n\n\ne")]
        )
    return {
        "name": name,
        "matrix": {"rows": rows, "cols": cols},
        "layouts": {"keymap": keymap},
        "vial": {"unlock_keys": [[0, 0], [0, 1]]},
    }


def lzma_bomb(expanded_bytes: int = 64 * 1024 * 1024) -> bytes:
    """A small LZMA stream that unpacks to `expanded_bytes` of JSON-looking text."""
    compressor = lzma.LZMACompressor(preset=0)
    out = compressor.compress(b'{"matrix": {"rows": 4, "cols": 4}, "pad": "')
    block = b"A" * (1024 * 1024)
    for _ in range(expanded_bytes // len(block)):
        out += compressor.compress(block)
    return out + compressor.compress(b'"}') + compressor.flush()
