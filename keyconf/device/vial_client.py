"""Vial commands over a `ViaClient`: identity, built-in definition, encoders, unlock, and the
dynamic tap dance / combo / key override entries.

The definition is LZMA-compressed JSON (vial.json) stored in the firmware. Its size comes
from the keyboard, so it is bounded twice: the compressed size before a single block is
read, and the decompressed size while decompressing (streamed, so an LZMA bomb stops at the
cap instead of filling memory).
"""

from __future__ import annotations

import json
import lzma
import struct
from collections.abc import Callable
from typing import Any

from keyconf.device import vial_protocol as vl
from keyconf.device.errors import DefinitionError, DeviceLocked, ProtocolError, UnsupportedCommand
from keyconf.device.via_client import ViaClient
from keyconf.device.via_protocol import UNHANDLED, VIAL_PREFIX
from keyconf.device.vial_protocol import (
    DynamicCounts,
    DynamicOp,
    UnlockProgress,
    UnlockStatus,
    VialCombo,
    VialCommand,
    VialIdentity,
    VialKeyOverride,
    VialTapDance,
)

MAX_COMPRESSED_DEFINITION = 256 * 1024  # real ones are a few KB
MAX_DEFINITION_JSON = 2 * 1024 * 1024
MAX_MATRIX_ROWS = 64
MAX_MATRIX_COLS = 32
MAX_DEFINITION_DEPTH = 32  # real vial.json nests 5 deep (layouts.keymap rows of key objects)


class VialClient:
    def __init__(self, via: ViaClient, name: str = "the keyboard"):
        self.via = via
        self.name = name  # for messages: which device a refusal is about

    def _ask(self, request: vl.Request) -> bytes:
        return self.via.exchange(request)

    # --- identity and definition ----------------------------------------------------------

    def identity(self) -> VialIdentity:
        reply = self._ask(vl.vial_request(VialCommand.GET_KEYBOARD_ID))
        # VIA firmware marks the unknown 0xFE command unhandled; an echo means it was ignored
        if reply[0] in (UNHANDLED, VIAL_PREFIX) and reply[1] == VialCommand.GET_KEYBOARD_ID and not any(reply[2:]):
            raise UnsupportedCommand("this keyboard does not speak Vial", VIAL_PREFIX)
        protocol, uid = struct.unpack_from("<IQ", reply, 0)
        if protocol > 0xFFFF:
            raise ProtocolError(f"the keyboard reports Vial protocol {protocol}, which is not plausible")
        return VialIdentity(protocol=protocol, keyboard_uid=uid, vialrgb=bool(reply[12] & 1))

    def definition_size(self) -> int:
        return int(struct.unpack_from("<I", self._ask(vl.vial_request(VialCommand.GET_SIZE)), 0)[0])

    def fetch_definition(
        self,
        *,
        max_compressed: int = MAX_COMPRESSED_DEFINITION,
        max_json: int = MAX_DEFINITION_JSON,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """The keyboard's vial.json, decoded and sanity-checked; a refusal names the device."""
        try:
            return self._fetch_definition(max_compressed, max_json, progress)
        except DefinitionError as error:
            raise DefinitionError(f"{self.name}: {error.message}", error.hint) from error

    def _fetch_definition(
        self, max_compressed: int, max_json: int, progress: Callable[[int, int], None] | None
    ) -> dict[str, Any]:
        size = self.definition_size()
        if size == 0:
            raise DefinitionError("the keyboard's Vial definition is empty", hint="reflash the firmware")
        if size > max_compressed:
            raise DefinitionError(
                f"the keyboard claims a {size}-byte Vial definition; keyconf accepts up to {max_compressed}",
                hint="the firmware is broken or hostile; reflash it",
            )
        decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_AUTO)
        pieces: list[bytes] = []
        produced = 0

        def feed(data: bytes) -> None:
            nonlocal produced
            while True:
                try:
                    out = decompressor.decompress(data, max_length=max_json - produced + 1)
                except lzma.LZMAError as error:
                    raise DefinitionError(f"the keyboard's Vial definition is corrupt ({error})") from error
                produced += len(out)
                pieces.append(out)
                if produced > max_json:
                    raise DefinitionError(
                        f"the keyboard's Vial definition unpacks to more than {max_json} bytes",
                        hint="the firmware is broken or hostile; reflash it",
                    )
                if decompressor.eof or decompressor.needs_input:
                    return
                data = b""

        blocks = (size + vl.DEFINITION_BLOCK - 1) // vl.DEFINITION_BLOCK
        for block in range(blocks):
            reply = self._ask(vl.definition_block_request(block))
            take = min(vl.DEFINITION_BLOCK, size - block * vl.DEFINITION_BLOCK)
            if not decompressor.eof:
                feed(reply[:take])
            if progress is not None:
                progress(block + 1, blocks)
        if not decompressor.eof:
            raise DefinitionError("the keyboard's Vial definition is truncated", hint="reflash the firmware")
        text = b"".join(pieces)
        depth = json_nesting_depth(text)
        if depth > MAX_DEFINITION_DEPTH:
            raise DefinitionError(
                f"the keyboard's Vial definition nests {depth} levels deep; keyconf reads up to {MAX_DEFINITION_DEPTH}",
                hint="the firmware is broken or hostile; reflash it",
            )
        try:
            definition = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise DefinitionError(f"the keyboard's Vial definition is not valid JSON ({error})") from error
        check_definition(definition)
        return definition

    # --- encoders -------------------------------------------------------------------------

    def get_encoder(self, layer: int, encoder: int) -> tuple[int, int]:
        """(counter-clockwise, clockwise) keycodes."""
        reply = self._ask(vl.get_encoder_request(layer, encoder))
        ccw, cw = struct.unpack_from(">HH", reply, 0)
        return int(ccw), int(cw)

    def set_encoder(self, layer: int, encoder: int, clockwise: bool, keycode: int) -> None:
        self._ask(vl.set_encoder_request(layer, encoder, clockwise, keycode))

    # --- unlock ---------------------------------------------------------------------------

    def unlock_status(self) -> UnlockStatus:
        return vl.parse_unlock_status(self._ask(vl.vial_request(VialCommand.GET_UNLOCK_STATUS)))

    def unlock_start(self) -> None:
        self._ask(vl.vial_request(VialCommand.UNLOCK_START))

    def unlock_poll(self) -> UnlockProgress:
        reply = self._ask(vl.vial_request(VialCommand.UNLOCK_POLL))
        return UnlockProgress(bool(reply[0]), bool(reply[1]), reply[2])

    def lock(self) -> None:
        self._ask(vl.vial_request(VialCommand.LOCK))

    def require_unlocked(self, action: str) -> None:
        status = self.unlock_status()
        if not status.unlocked:
            keys = ", ".join(f"row {r} col {c}" for r, c in status.keys)
            raise DeviceLocked(
                f"the Vial keyboard is locked: it refuses to {action}",
                hint=f"unlock it: hold {keys or 'its unlock keys'} while keyconf polls",
            )

    # --- QMK settings ---------------------------------------------------------------------

    def qmk_setting_ids(self) -> list[int]:
        """The setting ids the firmware offers, ascending ([] without QMK settings)."""
        ids: list[int] = []
        after = 0
        while len(ids) < vl.MAX_SETTING_IDS:
            found = [q for q in vl.parse_settings_query(self._ask(vl.settings_query_request(after))) if q > after]
            if not found:
                break
            ids += found
            after = max(found)
        else:
            raise ProtocolError(f"{self.name} lists more than {vl.MAX_SETTING_IDS} QMK settings")
        return sorted(set(ids))

    def get_qmk_setting(self, qsid: int, width: int) -> int:
        value = vl.parse_setting_value(self._ask(vl.settings_get_request(qsid)), width)
        if value is None:
            raise UnsupportedCommand(f"{self.name} has no QMK setting {qsid}", VIAL_PREFIX)
        return value

    def set_qmk_setting(self, qsid: int, width: int, value: int) -> None:
        if self._ask(vl.settings_set_request(qsid, value, width))[0] != 0:
            raise UnsupportedCommand(f"{self.name} refused QMK setting {qsid} = {value}", VIAL_PREFIX)

    def reset_qmk_settings(self) -> None:
        self._ask(vl.vial_request(VialCommand.QMK_SETTINGS_RESET))

    # --- dynamic entries ------------------------------------------------------------------

    def dynamic_counts(self) -> DynamicCounts:
        reply = self._ask(vl.dynamic_request(DynamicOp.GET_NUMBER_OF_ENTRIES))
        if reply[0] == VIAL_PREFIX and reply[1] == VialCommand.DYNAMIC_ENTRY_OP:
            return DynamicCounts()  # echoed: firmware older than Vial protocol 4
        return DynamicCounts(reply[0], reply[1], reply[2], reply[3])

    def _get_entry(self, op: DynamicOp, index: int, what: str) -> bytes:
        reply = self._ask(vl.dynamic_request(op, index))
        if reply[0] != 0:
            raise UnsupportedCommand(f"the keyboard has no {what} {index}", VIAL_PREFIX)
        return reply[1:11]

    def _set_entry(self, op: DynamicOp, index: int, entry: bytes, what: str) -> None:
        reply = self._ask(vl.dynamic_request(op, index, entry))
        if reply[0] != 0:
            raise UnsupportedCommand(f"the keyboard refused to store {what} {index}", VIAL_PREFIX)

    def get_tap_dance(self, index: int) -> VialTapDance:
        return VialTapDance.unpack(self._get_entry(DynamicOp.TAP_DANCE_GET, index, "tap dance"))

    def set_tap_dance(self, index: int, entry: VialTapDance) -> None:
        self._set_entry(DynamicOp.TAP_DANCE_SET, index, entry.pack(), "tap dance")

    def get_combo(self, index: int) -> VialCombo:
        return VialCombo.unpack(self._get_entry(DynamicOp.COMBO_GET, index, "combo"))

    def set_combo(self, index: int, entry: VialCombo) -> None:
        self._set_entry(DynamicOp.COMBO_SET, index, entry.pack(), "combo")

    def get_key_override(self, index: int) -> VialKeyOverride:
        return VialKeyOverride.unpack(self._get_entry(DynamicOp.KEY_OVERRIDE_GET, index, "key override"))

    def set_key_override(self, index: int, entry: VialKeyOverride) -> None:
        self._set_entry(DynamicOp.KEY_OVERRIDE_SET, index, entry.pack(), "key override")


def json_nesting_depth(text: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest, counted without parsing (brackets
    inside strings skipped), so a hostile `[[[[…` is measured in linear time, never recursed."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def check_definition(definition: Any) -> None:
    """The parts of vial.json keyconf relies on exist and are in range."""
    if not isinstance(definition, dict):
        raise DefinitionError("the keyboard's Vial definition is not a JSON object")
    matrix = definition.get("matrix")
    if not isinstance(matrix, dict):
        raise DefinitionError("the keyboard's Vial definition has no matrix size")
    rows, cols = matrix.get("rows"), matrix.get("cols")
    if not isinstance(rows, int) or not isinstance(cols, int):
        raise DefinitionError("the keyboard's Vial definition has a malformed matrix size")
    if not (1 <= rows <= MAX_MATRIX_ROWS and 1 <= cols <= MAX_MATRIX_COLS):
        raise DefinitionError(f"the keyboard's Vial definition declares an impossible {rows}x{cols} matrix")
    layouts = definition.get("layouts")
    if not isinstance(layouts, dict) or not isinstance(layouts.get("keymap"), list):
        raise DefinitionError("the keyboard's Vial definition has no key layout (layouts.keymap)")
