"""A typed client for the VIA protocol over any `Transport`.

One request is in flight at a time: every exchange holds the client's lock, so threads (the
GUI worker, a matrix tester poll, a CLI) queue up instead of interleaving reports and reading
each other's replies. Each reply is checked before it is believed:

- nothing within the timeout: retried, then `DeviceTimeout`;
- fewer than 32 bytes, or leading bytes that do not echo the request: retried after
  draining stale input, then `ProtocolError`;
- 0xFF in byte 0 with the rest echoed: `UnsupportedCommand` (the firmware lacks it).

Retrying is safe because every VIA write is absolute (offset + data), never relative.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from keyconf.device import via_protocol as vp
from keyconf.device.errors import (
    DeviceDisconnected,
    DeviceError,
    DeviceTimeout,
    ProtocolError,
    UnsupportedCommand,
)
from keyconf.device.transport import REPORT_SIZE, Transport, frame
from keyconf.device.via_protocol import CHUNK, Command, KeyboardValue, Request

DEFAULT_TIMEOUT_MS = 1000
DEFAULT_RETRIES = 2
BOOTLOADER_HINT = (
    "this firmware has no bootloader command (upstream QMK removed it); press the keyboard's "
    "reset button or QK_BOOT key, or hold the top-left key while plugging it in (bootmagic)"
)


class ViaClient:
    """Every VIA command 0x01-0x15, as methods taking and returning plain integers and bytes."""

    def __init__(
        self,
        transport: Transport,
        *,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        retries: int = DEFAULT_RETRIES,
        on_exchange: Callable[[Request, bytes], None] | None = None,
    ):
        self.transport = transport
        self.timeout_ms = timeout_ms
        self.retries = retries
        self.on_exchange = on_exchange
        self.round_trips = 0  # reports sent, including retries: what benchmarks count
        self._lock = threading.RLock()
        self._stale = False  # a reply may still be in the pipe after a timeout or mismatch
        self._gone: DeviceError | None = None

    # --- the exchange -----------------------------------------------------------------------

    def exchange(self, request: Request) -> bytes:
        """Send one request and return the validated 32-byte reply."""
        with self._lock:
            if self._gone is not None:
                raise DeviceDisconnected(self._gone.message, self._gone.hint)
            failure: DeviceError | None = None
            for _attempt in range(self.retries + 1):
                if self._stale:
                    self._drain()
                try:
                    reply = self._send_once(request)
                except (DeviceTimeout, ProtocolError) as error:
                    failure = error
                    self._stale = True
                    continue
                except DeviceDisconnected as error:
                    self._gone = error
                    raise
                if self.on_exchange is not None:
                    self.on_exchange(request, reply)
                return reply
            assert failure is not None
            raise failure

    def _send_once(self, request: Request) -> bytes:
        written = self.transport.write(frame(request.payload))
        self.round_trips += 1
        if written is not None and written <= 0:
            raise DeviceDisconnected(f"the keyboard did not accept the {request.what} report")
        reply = bytes(self.transport.read(REPORT_SIZE, self.timeout_ms))
        if not reply:
            raise DeviceTimeout(
                f"the keyboard did not answer the {request.what} request within {self.timeout_ms} ms",
                hint="unplug and replug the keyboard; close other apps (VIA, Vial) talking to it",
            )
        if len(reply) < REPORT_SIZE:
            raise ProtocolError(
                f"the keyboard sent a {len(reply)}-byte reply to {request.what}; a reply is {REPORT_SIZE} bytes"
            )
        reply = reply[:REPORT_SIZE]
        echo = request.echo
        if echo and reply[:echo] != request.payload[:echo]:
            if reply[0] == vp.UNHANDLED and reply[1:echo] == request.payload[1:echo]:
                raise UnsupportedCommand(
                    f"this firmware does not support {request.what} (command 0x{request.command:02X})",
                    request.command,
                )
            raise ProtocolError(
                f"the keyboard's reply to {request.what} does not match the request "
                f"(sent {request.payload[:echo].hex(' ')}, got {reply[:echo].hex(' ')})"
            )
        return reply

    def _drain(self) -> None:
        """Discard replies that arrived late, so the next read pairs with the next request."""
        for _ in range(8):
            if not self.transport.read(REPORT_SIZE, 0):
                break
        self._stale = False

    def close(self) -> None:
        with self._lock:
            self.transport.close()
            self._gone = DeviceDisconnected("the keyboard connection is closed")

    # --- 0x01-0x03 identity and keyboard values -------------------------------------------

    def protocol_version(self) -> int:
        return vp.parse_u16(self.exchange(vp.protocol_version_request()), 1)

    def _keyboard_u32(self, value: KeyboardValue) -> int:
        return vp.parse_u32(self.exchange(vp.get_keyboard_value_request(value)), 2)

    def uptime_ms(self) -> int:
        return self._keyboard_u32(KeyboardValue.UPTIME)

    def layout_options(self) -> int:
        return self._keyboard_u32(KeyboardValue.LAYOUT_OPTIONS)

    def set_layout_options(self, options: int) -> None:
        self.exchange(vp.layout_options_set_request(options))

    def firmware_version(self) -> int:
        return self._keyboard_u32(KeyboardValue.FIRMWARE_VERSION)

    def keycodes_version(self) -> int:
        """QMK_KEYCODES_VERSION_BCD (protocol 13); older firmware answers unsupported."""
        return self._keyboard_u32(KeyboardValue.KEYCODES_VERSION)

    def device_indication(self, step: int) -> None:
        """Make the keyboard blink (VIA sends steps 0..5, 200 ms apart) so the user sees which one."""
        self.exchange(vp.device_indication_request(step))

    def switch_matrix_state(self, rows: int, cols: int, protocol: int) -> list[int]:
        """Row bitmasks of the keys held right now (bit c of row r = switch (r, c) closed)."""
        state: list[int] = []
        for request, _first, count in vp.matrix_state_requests(rows, cols, protocol):
            reply = self.exchange(request)
            state.extend(vp.parse_matrix_rows(reply, count, cols, protocol))
        return state

    # --- 0x04-0x06 keymap -----------------------------------------------------------------

    def get_keycode(self, layer: int, row: int, col: int) -> int:
        return vp.parse_u16(self.exchange(vp.get_keycode_request(layer, row, col)), 4)

    def set_keycode(self, layer: int, row: int, col: int, keycode: int) -> None:
        self.exchange(vp.set_keycode_request(layer, row, col, keycode))

    def reset_keymap(self) -> None:
        """Reload every layer (and encoder map) from the keymap compiled into the firmware."""
        self.exchange(vp.simple_request(Command.RESET_KEYMAP))

    def layer_count(self) -> int:
        count = self.exchange(vp.simple_request(Command.GET_LAYER_COUNT))[1]
        if not 1 <= count <= vp.MAX_LAYERS:
            raise ProtocolError(
                f"the keyboard reports {count} layers; QMK supports 1..{vp.MAX_LAYERS}",
                hint="the firmware is broken or not VIA firmware; reflash it",
            )
        return count

    def get_buffer(self, offset: int, size: int) -> bytes:
        """Up to 28 bytes of the keymap area (layer-major, row, column; 2 bytes per key)."""
        reply = self.exchange(vp.buffer_get_request(Command.GET_BUFFER, offset, size))
        return reply[4 : 4 + size]

    def set_buffer(self, offset: int, data: bytes) -> None:
        self.exchange(vp.buffer_set_request(Command.SET_BUFFER, offset, data))

    def read_buffer(self, offset: int, size: int, progress: Callable[[int], None] | None = None) -> bytes:
        """Any amount of the keymap area, in as few 28-byte reports as possible."""
        out = bytearray()
        for start in range(offset, offset + size, CHUNK):
            out += self.get_buffer(start, min(CHUNK, offset + size - start))
            if progress is not None:
                progress(len(out))
        return bytes(out)

    # --- 0x07-0x09 lighting and custom values --------------------------------------------

    def custom_get(self, channel: int, value_id: int, size: int, legacy: bool = False) -> bytes:
        reply = self.exchange(vp.custom_get_request(channel, value_id, legacy))
        start = 2 if legacy else 3
        return reply[start : start + size]

    def custom_set(self, channel: int, value_id: int, data: bytes, legacy: bool = False) -> None:
        self.exchange(vp.custom_set_request(channel, value_id, data, legacy))

    def custom_save(self, channel: int, legacy: bool = False) -> None:
        self.exchange(vp.custom_save_request(channel, legacy))

    # --- 0x0A-0x0B ------------------------------------------------------------------------

    def eeprom_reset(self) -> None:
        """Only firmware built with VIA_EEPROM_ALLOW_RESET has this; others answer unsupported."""
        self.exchange(vp.simple_request(Command.EEPROM_RESET))

    def bootloader_jump(self) -> bool:
        """Reboot into the bootloader, for flashing. True when the keyboard acknowledged; False
        when it vanished without answering (it may have rebooted first). Upstream QMK lacks the
        command and answers 0xFF: that raises `UnsupportedCommand` saying what to do instead."""
        try:
            self.exchange(vp.simple_request(Command.BOOTLOADER_JUMP))
        except UnsupportedCommand as error:
            raise UnsupportedCommand(
                "this keyboard's firmware cannot be told to enter its bootloader over USB",
                error.command,
                hint=BOOTLOADER_HINT,
            ) from error
        except (DeviceDisconnected, DeviceTimeout):
            return False
        return True

    # --- 0x0C-0x10 macros -----------------------------------------------------------------

    def macro_count(self) -> int:
        return self.exchange(vp.simple_request(Command.MACRO_GET_COUNT))[1]

    def macro_buffer_size(self) -> int:
        return vp.parse_u16(self.exchange(vp.simple_request(Command.MACRO_GET_BUFFER_SIZE)), 1)

    def macro_get_buffer(self, offset: int, size: int) -> bytes:
        reply = self.exchange(vp.buffer_get_request(Command.MACRO_GET_BUFFER, offset, size))
        return reply[4 : 4 + size]

    def macro_set_buffer(self, offset: int, data: bytes) -> None:
        self.exchange(vp.buffer_set_request(Command.MACRO_SET_BUFFER, offset, data))

    def macro_reset(self) -> None:
        self.exchange(vp.simple_request(Command.MACRO_RESET))

    # --- 0x14-0x15 encoders ---------------------------------------------------------------

    def get_encoder(self, layer: int, encoder: int, clockwise: bool) -> int:
        return vp.parse_u16(self.exchange(vp.get_encoder_request(layer, encoder, clockwise)), 4)

    def set_encoder(self, layer: int, encoder: int, clockwise: bool, keycode: int) -> None:
        self.exchange(vp.set_encoder_request(layer, encoder, clockwise, keycode))
