"""Reading and writing a keyboard's whole macro buffer, safely.

The firmware refuses to play any macro while the last byte of the buffer is not 0: it takes
that as "a write is in progress". So a write sets that byte to 0xFF first, writes the
changed 28-byte chunks, then sets it back to 0, and reads the result back. A keyboard
unplugged half-way keeps its macros silent instead of playing half-written ones.
"""

from __future__ import annotations

from collections.abc import Callable

from keyconf.device.errors import DeviceError, VerifyError
from keyconf.device.via_client import ViaClient
from keyconf.device.via_protocol import CHUNK, MAX_MACROS

WRITE_IN_PROGRESS = 0xFF


def read_macro_buffer(client: ViaClient, count: int, size: int) -> bytes:
    """The buffer up to the end of macro `count - 1`: reading stops once `count` NULs are in."""
    count = min(count, MAX_MACROS)
    out = bytearray()
    offset = 0
    while offset < size and out.count(0) < count:
        out += client.macro_get_buffer(offset, min(CHUNK, size - offset))
        offset += CHUNK
    terminators = 0
    for index, byte in enumerate(out):
        if byte == 0:
            terminators += 1
            if terminators == count:
                return bytes(out[: index + 1])
    return bytes(out)


def changed_chunks(old: bytes, new: bytes) -> list[tuple[int, bytes]]:
    """28-byte aligned pieces of `new` that differ from `old` (missing old bytes differ)."""
    chunks = []
    for start in range(0, len(new), CHUNK):
        piece = new[start : start + CHUNK]
        if old[start : start + len(piece)] != piece:
            chunks.append((start, piece))
    return chunks


def write_macro_buffer(
    client: ViaClient,
    new: bytes,
    old: bytes,
    size: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write `new` (NUL-terminated macros) over a buffer currently holding `old`; returns the
    number of reports sent. Raises VerifyError when the read-back differs (a locked Vial
    keyboard silently ignores macro writes)."""
    if len(new) > size:
        raise DeviceError(
            f"the macros need {len(new)} bytes; this keyboard has room for {size}",
            hint="shorten or remove macros",
        )
    chunks = changed_chunks(old, new)
    if not chunks:
        return 0
    before = client.round_trips
    last = size - 1
    client.macro_set_buffer(last, bytes([WRITE_IN_PROGRESS]))
    for done, (offset, piece) in enumerate(chunks, 1):
        client.macro_set_buffer(offset, piece)
        if progress is not None:
            progress(done, len(chunks))
    client.macro_set_buffer(last, b"\x00")
    for offset, piece in chunks:
        back = client.macro_get_buffer(offset, len(piece))
        if back != piece:
            raise VerifyError(
                f"the keyboard did not keep the macro bytes written at offset {offset}",
                hint="on a Vial keyboard, unlock it first; otherwise its EEPROM may be failing",
            )
    return client.round_trips - before
