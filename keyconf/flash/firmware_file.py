"""Check a firmware file before any tool touches a board.

A file is read once, its real format is recognised from its content (not only its
extension), its structure is checked (Intel HEX record checksums, UF2 block headers), and
then it is checked against a target: the bootloader's accepted formats, the application
region of the MCU's flash, the UF2 family id, the ARM vector table of a raw image.
Every refusal says what is wrong, where (file, line, column or block), and what to do.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.flash import mcus
from keyconf.flash.bootloaders import Bootloader, FirmwareFormat, format_advice
from keyconf.flash.mcus import Mcu
from keyconf.model.problems import format_position

MAX_FIRMWARE_BYTES = 64 * 1024 * 1024  # larger than any QMK target's flash; bounds what we read

UF2_BLOCK = 512
UF2_MAGIC_START0 = 0x0A324655  # "UF2\n"
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_MAX_PAYLOAD = 476
UF2_FLAG_NOT_MAIN_FLASH = 0x00000001
UF2_FLAG_FILE_CONTAINER = 0x00001000
UF2_FLAG_FAMILY_ID = 0x00002000


class FirmwareError(Exception):
    """A firmware file that must not be flashed (or cannot be read)."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        forcible: bool = False,
        unreadable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.forcible = forcible  # --force may override (a judgement, not a broken file)
        self.unreadable = unreadable  # the file could not be read at all (missing, a folder, no permission)

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{format_position(str(self.path), self.line, self.column)}: {self.message}"


@dataclass(frozen=True)
class Segment:
    address: int
    data: bytes

    @property
    def end(self) -> int:
        return self.address + len(self.data)


@dataclass
class HexImage:
    """Data of an Intel HEX file, merged into contiguous segments sorted by address."""

    segments: list[Segment]
    start_address: int | None = None
    record_count: int = 0

    @property
    def data_size(self) -> int:
        return sum(len(s.data) for s in self.segments)

    @property
    def lowest(self) -> int | None:
        return self.segments[0].address if self.segments else None

    @property
    def highest_end(self) -> int | None:
        return max(s.end for s in self.segments) if self.segments else None

    def blocks_used(self, block_size: int) -> int:
        """How many `block_size` blocks hold data (block 0 always counts: loaders erase with it)."""
        used = {0}
        for segment in self.segments:
            first = segment.address // block_size
            last = (segment.end - 1) // block_size
            used.update(range(first, last + 1))
        return len(used)


@dataclass(frozen=True)
class Uf2Image:
    block_count: int
    family_ids: tuple[int, ...]  # distinct, in first-seen order
    lowest: int
    highest_end: int
    payload_bytes: int
    main_flash_blocks: int


@dataclass
class FirmwareFile:
    """A read and structurally valid firmware file."""

    path: Path
    format: FirmwareFormat
    data: bytes
    hex: HexImage | None = None
    uf2: Uf2Image | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.data)

    def image_span(self) -> tuple[int, int] | None:
        """[lowest, highest end) of the addresses the file writes, when the file says."""
        if self.hex is not None and self.hex.segments:
            return self.hex.lowest or 0, self.hex.highest_end or 0
        if self.uf2 is not None:
            return self.uf2.lowest, self.uf2.highest_end
        return None

    def describe(self) -> str:
        if self.format is FirmwareFormat.HEX and self.hex is not None:
            return f"Intel HEX, {self.hex.data_size} bytes of data in {self.hex.record_count} records"
        if self.format is FirmwareFormat.UF2 and self.uf2 is not None:
            families = ", ".join(mcus.uf2_family_name(f) for f in self.uf2.family_ids) or "no family id"
            return f"UF2, {self.uf2.block_count} blocks, family {families}"
        return f"raw binary, {self.size} bytes"


# ---------------------------------------------------------------- reading and sniffing


def sniff_format(data: bytes) -> FirmwareFormat:
    """The format the bytes really are: UF2 magic, Intel HEX text, or else raw binary."""
    if len(data) >= 8:
        magic0, magic1 = struct.unpack_from("<II", data, 0)
        if magic0 == UF2_MAGIC_START0 and magic1 == UF2_MAGIC_START1:
            return FirmwareFormat.UF2
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b":"):
        sample = data[:4096]
        binary = sum(1 for b in sample if not (32 <= b < 127 or b in (9, 10, 13)))
        if binary * 100 <= len(sample):  # text with a stray byte is a damaged HEX file, not a binary
            return FirmwareFormat.HEX
    return FirmwareFormat.BIN


_EXTENSIONS = {
    ".hex": FirmwareFormat.HEX,
    ".ihex": FirmwareFormat.HEX,
    ".eep": FirmwareFormat.HEX,
    ".bin": FirmwareFormat.BIN,
    ".uf2": FirmwareFormat.UF2,
}


def read_firmware(path: str | Path) -> FirmwareFile:
    """Read and structurally check a firmware file; raises FirmwareError on anything wrong."""
    file_path = Path(path)
    try:
        size = file_path.stat().st_size
    except FileNotFoundError:
        raise FirmwareError(
            "no such file", path=file_path, hint="check the path; build the firmware first", unreadable=True
        ) from None
    except OSError as error:
        raise FirmwareError(f"cannot read: {error.strerror}", path=file_path, unreadable=True) from None
    if file_path.is_dir():
        raise FirmwareError("is a folder, not a firmware file", path=file_path, unreadable=True)
    if size == 0:
        raise FirmwareError("the file is empty", path=file_path, hint="rebuild the firmware")
    if size > MAX_FIRMWARE_BYTES:
        raise FirmwareError(
            f"the file is {size} bytes, larger than any keyboard's flash",
            path=file_path,
            hint="pick the .hex, .bin or .uf2 file QMK built, not an archive or disk image",
        )
    try:
        data = file_path.read_bytes()
    except OSError as error:
        raise FirmwareError(f"cannot read: {error.strerror}", path=file_path, unreadable=True) from None
    return parse_firmware(data, file_path)


ELF_MAGIC = b"\x7fELF"


def parse_firmware(data: bytes, path: Path) -> FirmwareFile:
    if data.startswith(ELF_MAGIC):
        raise FirmwareError(
            "this is an ELF file (the compiler's output), not an image a bootloader can write",
            path=path,
            hint="flash the .bin, .hex or .uf2 file QMK made from it (qmk compile writes it beside the .elf)",
        )
    fmt = sniff_format(data)
    claimed = _EXTENSIONS.get(path.suffix.lower())
    if claimed is not None and claimed is not fmt:
        raise FirmwareError(
            f"the name says .{claimed.value} but the content is {_format_words(fmt)}",
            path=path,
            hint=f"rename it to .{fmt.value} if that is what it is, or pick the right file",
        )
    firmware = FirmwareFile(path=path, format=fmt, data=data)
    if fmt is FirmwareFormat.HEX:
        firmware.hex = parse_intel_hex(data, path)
        if not firmware.hex.segments:
            raise FirmwareError(
                "the Intel HEX file holds no data records", path=path, hint="rebuild the firmware"
            )
    elif fmt is FirmwareFormat.UF2:
        firmware.uf2 = parse_uf2(data, path)
    elif claimed is None:
        firmware.warnings.append(
            f"{path.name} has no .bin/.hex/.uf2 extension; treating it as a raw binary image"
        )
    return firmware


def _format_words(fmt: FirmwareFormat) -> str:
    return {
        FirmwareFormat.HEX: "Intel HEX text",
        FirmwareFormat.UF2: "UF2 blocks",
        FirmwareFormat.BIN: "raw binary",
    }[fmt]


# ---------------------------------------------------------------- Intel HEX


def parse_intel_hex(data: bytes, path: Path) -> HexImage:
    """Parse Intel HEX (record types 00–05), checking every record's length and checksum."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        line_no = data[: error.start].count(b"\n") + 1
        raise FirmwareError(
            "non-ASCII byte in an Intel HEX file",
            path=path,
            line=line_no,
            hint="the file is damaged; rebuild it",
        ) from None
    chunks: dict[int, bytearray] = {}  # start address -> bytes, merged as we go
    pieces: list[tuple[int, bytes, int]] = []
    base = 0
    start_address: int | None = None
    records = 0
    eof_line: int | None = None
    for line_no, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if line.startswith("\ufeff"):
            line = line[1:]
        if not line:
            continue
        if eof_line is not None:
            raise FirmwareError(
                f"data after the end-of-file record on line {eof_line}",
                path=path,
                line=line_no,
                column=1,
                hint="the file was joined or damaged; rebuild it",
            )
        if not line.startswith(":"):
            raise FirmwareError(
                "a record must start with ':'",
                path=path,
                line=line_no,
                column=1,
                hint="this is not an Intel HEX file, or it is damaged",
            )
        body = line[1:]
        for index, char in enumerate(body):
            if char not in "0123456789abcdefABCDEF":
                raise FirmwareError(f"{char!r} is not a hex digit", path=path, line=line_no, column=index + 2)
        if len(body) % 2:
            raise FirmwareError("odd number of hex digits", path=path, line=line_no, column=len(line))
        record = bytes.fromhex(body)
        if len(record) < 5:
            raise FirmwareError("record too short", path=path, line=line_no, column=1)
        length, address, rtype = record[0], (record[1] << 8) | record[2], record[3]
        if len(record) != length + 5:
            raise FirmwareError(
                f"record says {length} data bytes but holds {len(record) - 5}",
                path=path,
                line=line_no,
                column=2,
                hint="the line was cut or damaged; rebuild the firmware",
            )
        if sum(record) & 0xFF:
            expected = (-sum(record[:-1])) & 0xFF
            raise FirmwareError(
                f"checksum 0x{record[-1]:02X} is wrong (the record adds up to 0x{expected:02X})",
                path=path,
                line=line_no,
                column=len(line) - 1,
                hint="the file is damaged; rebuild the firmware instead of flashing it",
            )
        payload = record[4:-1]
        records += 1
        if rtype == 0x00:
            pieces.append((base + address, payload, line_no))
        elif rtype == 0x01:
            eof_line = line_no
        elif rtype in (0x02, 0x04):
            if length != 2:
                raise FirmwareError(
                    f"record type {rtype:02X} needs 2 data bytes", path=path, line=line_no, column=8
                )
            value = (payload[0] << 8) | payload[1]
            base = value << 4 if rtype == 0x02 else value << 16
        elif rtype in (0x03, 0x05):
            if length != 4:
                raise FirmwareError(
                    f"record type {rtype:02X} needs 4 data bytes", path=path, line=line_no, column=8
                )
            start_address = int.from_bytes(payload, "big")
        else:
            raise FirmwareError(f"unknown record type {rtype:02X}", path=path, line=line_no, column=8)
    if eof_line is None:
        raise FirmwareError(
            "no end-of-file record (:00000001FF): the file is cut short",
            path=path,
            line=max(1, text.count("\n")),
            hint="rebuild the firmware; the copy is incomplete",
        )
    # detect overlaps, then merge
    pieces.sort(key=lambda item: item[0])
    previous_end = -1
    previous_line = 0
    for address, payload, line_no in pieces:
        if address < previous_end:
            raise FirmwareError(
                f"record at 0x{address:X} overlaps data from line {previous_line}",
                path=path,
                line=line_no,
                column=4,
                hint="the file is damaged or two files were joined",
            )
        if chunks and address == previous_end:
            last_start = next(reversed(chunks))
            chunks[last_start].extend(payload)
        else:
            chunks[address] = bytearray(payload)
        previous_end = address + len(payload)
        previous_line = line_no
    segments = [Segment(address, bytes(buf)) for address, buf in chunks.items()]
    return HexImage(segments=segments, start_address=start_address, record_count=records)


def hex_image_bytes(image: HexImage, fill: int = 0xFF) -> tuple[int, bytes]:
    """The image as one buffer from its lowest address, gaps filled (for vector checks)."""
    if not image.segments:
        return 0, b""
    low = image.segments[0].address
    out = bytearray([fill]) * ((image.highest_end or low) - low)
    for segment in image.segments:
        out[segment.address - low : segment.end - low] = segment.data
    return low, bytes(out)


# ---------------------------------------------------------------- UF2


def parse_uf2(data: bytes, path: Path) -> Uf2Image:
    """Check every 512-byte UF2 block: magics, payload size, numbering, family id."""
    if len(data) % UF2_BLOCK:
        raise FirmwareError(
            f"a UF2 file is whole 512-byte blocks; this one has {len(data) % UF2_BLOCK} bytes extra",
            path=path,
            hint="the copy is incomplete or damaged; rebuild it",
        )
    count = len(data) // UF2_BLOCK
    families: list[int] = []
    lowest: int | None = None
    highest = 0
    payload_total = 0
    main_blocks = 0
    declared_total: int | None = None
    for index in range(count):
        offset = index * UF2_BLOCK
        (magic0, magic1, flags, target, size, block_no, total, family) = struct.unpack_from(
            "<8I", data, offset
        )
        (magic_end,) = struct.unpack_from("<I", data, offset + UF2_BLOCK - 4)
        where = f"block {index} (byte {offset})"
        if magic0 != UF2_MAGIC_START0 or magic1 != UF2_MAGIC_START1 or magic_end != UF2_MAGIC_END:
            raise FirmwareError(
                f"{where}: bad UF2 magic number", path=path, hint="the file is damaged; rebuild it"
            )
        if size > UF2_MAX_PAYLOAD or size == 0:
            raise FirmwareError(f"{where}: payload size {size} is outside 1..{UF2_MAX_PAYLOAD}", path=path)
        if flags & UF2_FLAG_FILE_CONTAINER:
            raise FirmwareError(f"{where}: a file-container UF2 is not firmware for a keyboard", path=path)
        if declared_total is None:
            declared_total = total
        if total != declared_total:
            raise FirmwareError(
                f"{where}: says {total} blocks in all, block 0 said {declared_total}",
                path=path,
                hint="two UF2 files were joined; flash them one at a time",
            )
        if block_no != index:
            raise FirmwareError(f"{where}: is numbered {block_no}", path=path, hint="the file is damaged")
        if flags & UF2_FLAG_FAMILY_ID and family not in families:
            families.append(family)
        if not flags & UF2_FLAG_NOT_MAIN_FLASH:
            main_blocks += 1
            lowest = target if lowest is None else min(lowest, target)
            highest = max(highest, target + size)
            payload_total += size
    if declared_total != count:
        raise FirmwareError(
            f"the blocks say {declared_total} in all but the file holds {count}",
            path=path,
            hint="the copy is incomplete; rebuild it",
        )
    if main_blocks == 0:
        raise FirmwareError("no block of this UF2 file goes to flash", path=path)
    return Uf2Image(
        block_count=count,
        family_ids=tuple(families),
        lowest=lowest or 0,
        highest_end=highest,
        payload_bytes=payload_total,
        main_flash_blocks=main_blocks,
    )


# ---------------------------------------------------------------- against a target


@dataclass(frozen=True)
class Target:
    """What the file will be written to. `uf2_families` comes from the drive's INFO_UF2.TXT."""

    bootloader: Bootloader
    mcu: Mcu | None = None
    uf2_families: tuple[int, ...] = ()


def check_for_target(firmware: FirmwareFile, target: Target) -> list[str]:
    """Raise FirmwareError if the file would not suit the target; return warnings otherwise."""
    warnings: list[str] = []
    advice = format_advice(target.bootloader, firmware.format)
    if advice is not None:
        raise FirmwareError(advice.message, path=firmware.path, hint=advice.hint)
    mcu = target.mcu
    if firmware.format is FirmwareFormat.UF2:
        warnings += _check_uf2_family(firmware, target)
    if mcu is None:
        if target.bootloader.needs_mcu or firmware.format is not FirmwareFormat.UF2:
            warnings.append("the MCU is unknown, so the size against its flash was not checked")
        return warnings
    region = mcus.application_region(target.bootloader.name, mcu)
    warnings += _check_size(firmware, mcu, region, target.bootloader)
    if firmware.format is FirmwareFormat.BIN and mcu.arch == "arm" and mcu.ram_ranges:
        _check_vector_table(firmware.data, firmware.path, mcu, region, target.bootloader)
    return warnings


def _check_size(
    firmware: FirmwareFile, mcu: Mcu, region: mcus.FlashRegion, bootloader: Bootloader
) -> list[str]:
    if region.end is None:
        return [f"the flash size of {mcu.name} is not known here; size not checked"]
    span = firmware.image_span()
    if firmware.format is FirmwareFormat.BIN:
        # a raw image is written from the start of the application region
        start, end = region.start, region.start + firmware.size
    elif span is not None:
        start, end = span
        if mcu.arch == "avr" or mcu.flash_base == 0 or firmware.format is FirmwareFormat.UF2:
            pass
        elif start < mcu.flash_base:  # a .hex with flash-relative addresses
            start, end = start + mcu.flash_base, end + mcu.flash_base
    else:
        return []
    size_note = f"{region.size} bytes free behind the {bootloader.title} bootloader on {mcu.name}"
    if end > region.end:
        over = end - region.end
        raise FirmwareError(
            f"the firmware ends at 0x{end:X}, {over} bytes past the end of the application flash "
            f"({size_note})",
            path=firmware.path,
            hint="it would overwrite the bootloader or run off the flash: disable features "
            "(LTO_ENABLE = yes, fewer RGB effects) and rebuild, or check the MCU",
        )
    if start < region.start:
        raise FirmwareError(
            f"the firmware starts at 0x{start:X}, inside the bootloader "
            f"(applications start at 0x{region.start:X})",
            path=firmware.path,
            hint=f"it was built for a different bootloader than {bootloader.name}; rebuild for this one",
        )
    return []


def _check_uf2_family(firmware: FirmwareFile, target: Target) -> list[str]:
    assert firmware.uf2 is not None
    present = firmware.uf2.family_ids
    wanted: tuple[int, ...] = target.uf2_families or (target.mcu.uf2_families if target.mcu else ())
    if not present:
        return ["the UF2 file carries no family id; the bootloader cannot check it is for this chip"]
    if not wanted:
        return [f"the target's UF2 family is unknown; the file is for {mcus.uf2_family_name(present[0])}"]
    if not set(present) & set(wanted):
        have = ", ".join(mcus.uf2_family_name(f) for f in present)
        want = ", ".join(mcus.uf2_family_name(f) for f in wanted)
        raise FirmwareError(
            f"the UF2 file is for {have}, but the board takes {want}",
            path=firmware.path,
            hint="this firmware was built for a different chip; build it for this keyboard",
        )
    return []


def _check_vector_table(
    data: bytes, path: Path, mcu: Mcu, region: mcus.FlashRegion, bootloader: Bootloader
) -> None:
    """A Cortex-M image starts with the initial stack pointer (in RAM) and the reset handler
    (a Thumb address inside the application region); a file that does not is not firmware
    for this board, or was linked for another bootloader's offset."""
    if len(data) < 8:
        raise FirmwareError("too small to be firmware (no vector table)", path=path)
    stack, reset = struct.unpack_from("<II", data, 0)
    if not any(low <= stack <= high for low, high in mcu.ram_ranges):
        raise FirmwareError(
            f"the first word (initial stack pointer 0x{stack:08X}) does not point into {mcu.name} RAM: "
            "this is not a firmware image for this chip",
            path=path,
            hint="pick the .bin QMK built for this keyboard",
            forcible=True,
        )
    end = region.end if region.end is not None else 1 << 32
    if not reset & 1 or not region.start <= (reset & ~1) < end:
        raise FirmwareError(
            f"the reset vector 0x{reset:08X} is outside the application flash "
            f"(0x{region.start:08X}..0x{end:08X}) behind the {bootloader.title} bootloader",
            path=path,
            hint="the firmware was linked for a different bootloader (a different start address); "
            "rebuild it for this one",
            forcible=True,
        )


def candidate_mcus(bootloader: Bootloader) -> list[Mcu]:
    """The Cortex-M chips a bootloader may sit on, to judge a raw image when the MCU is unknown:
    the ROM DFU bootloaders that write at 0x08000000 serve chips whose flash starts there."""
    if bootloader.name == "gd32v-dfu":
        return []  # RISC-V images carry no Cortex-M vector table
    arm = [m for m in mcus.MCUS.values() if m.arch == "arm" and m.ram_ranges]
    address = bootloader.dfu_util.dfuse_address if bootloader.dfu_util else None
    if address and address.startswith("0x08000000"):
        return [m for m in arm if m.flash_base == 0x08000000]
    return arm


def check_plausible(firmware: FirmwareFile, bootloader: Bootloader) -> None:
    """With the MCU unknown, refuse a raw image no candidate chip could run (random data, a
    file for another architecture): FirmwareError, not forcible, before any tool runs."""
    if firmware.format is not FirmwareFormat.BIN:
        return
    candidates = candidate_mcus(bootloader)
    if not candidates:
        return
    for mcu in candidates:
        region = mcus.application_region(bootloader.name, mcu)
        try:
            _check_vector_table(firmware.data, firmware.path, mcu, region, bootloader)
        except FirmwareError:
            continue
        if region.end is None or firmware.size <= region.end - region.start:
            return
    stack, reset = struct.unpack_from("<II", firmware.data.ljust(8, b"\0"), 0)
    raise FirmwareError(
        f"this is no firmware image for any chip the {bootloader.title} bootloader serves: it starts with "
        f"0x{stack:08X} 0x{reset:08X}, not a stack pointer into RAM and a reset address in flash",
        path=firmware.path,
        hint="pick the .bin QMK built for this keyboard",
    )


# ---------------------------------------------------------------- EEPROM images


def check_eeprom_file(path: str | Path, mcu: Mcu | None) -> HexImage:
    """An EEPROM image (.eep, Intel HEX) that fits the MCU's EEPROM."""
    firmware = read_firmware(path)
    if firmware.format is not FirmwareFormat.HEX or firmware.hex is None:
        raise FirmwareError("an EEPROM image must be an Intel HEX (.eep) file", path=firmware.path)
    end = firmware.hex.highest_end or 0
    if mcu is not None and mcu.eeprom_size and end > mcu.eeprom_size:
        raise FirmwareError(
            f"the EEPROM image ends at 0x{end:X}, past the {mcu.eeprom_size} bytes of EEPROM on {mcu.name}",
            path=firmware.path,
        )
    return firmware.hex
