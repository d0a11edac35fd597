"""Firmware files for tests, written from the format specifications (Intel HEX, UF2, a
Cortex-M vector table), so validators meet well-formed files and precise corruptions."""

from __future__ import annotations

import random
import struct

UF2_MAGIC_START0 = 0x0A324655
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30


def hex_record(rtype: int, address: int, payload: bytes) -> str:
    body = bytes([len(payload), (address >> 8) & 0xFF, address & 0xFF, rtype]) + payload
    checksum = (-sum(body)) & 0xFF
    return ":" + (body + bytes([checksum])).hex().upper()


def intel_hex(data: bytes, base: int = 0, record_size: int = 16) -> str:
    """Intel HEX text for `data` at `base`, with type-04 records when crossing 64 KiB."""
    lines = []
    upper = None
    for offset in range(0, len(data), record_size):
        address = base + offset
        if address >> 16 != upper:
            upper = address >> 16
            lines.append(hex_record(0x04, 0, struct.pack(">H", upper)))
        chunk = data[offset : offset + record_size]
        # do not let one record straddle a 64 KiB boundary
        room = 0x10000 - (address & 0xFFFF)
        if len(chunk) > room:
            lines.append(hex_record(0x00, address & 0xFFFF, chunk[:room]))
            upper = (address + room) >> 16
            lines.append(hex_record(0x04, 0, struct.pack(">H", upper)))
            lines.append(hex_record(0x00, 0, chunk[room:]))
        else:
            lines.append(hex_record(0x00, address & 0xFFFF, chunk))
    lines.append(":00000001FF")
    return "\n".join(lines) + "\n"


def avr_program(size: int, seed: int = 1) -> bytes:
    """Bytes that look like an AVR image: a jmp-table start, then noise."""
    rng = random.Random(seed)
    head = bytes([0x0C, 0x94, 0x34, 0x00]) * 4
    return (head + bytes(rng.randrange(256) for _ in range(size)))[:size]


def arm_image(size: int, *, stack: int = 0x20008000, reset: int = 0x08000131, seed: int = 2) -> bytes:
    """A Cortex-M image: initial SP, reset vector (Thumb bit set), then noise."""
    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(max(0, size - 8)))
    return struct.pack("<II", stack, reset) + body


def uf2(data: bytes, base: int, family: int | None, payload: int = 256) -> bytes:
    """UF2 blocks carrying `data` from `base` (256-byte payloads, as uf2conv writes)."""
    blocks = [data[i : i + payload] for i in range(0, len(data), payload)]
    out = bytearray()
    for index, chunk in enumerate(blocks):
        flags = 0x2000 if family is not None else 0
        header = struct.pack(
            "<8I",
            UF2_MAGIC_START0,
            UF2_MAGIC_START1,
            flags,
            base + index * payload,
            len(chunk),
            index,
            len(blocks),
            family or 0,
        )
        block = header + chunk + b"\x00" * (476 - len(chunk)) + struct.pack("<I", UF2_MAGIC_END)
        assert len(block) == 512
        out += block
    return bytes(out)
