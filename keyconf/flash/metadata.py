"""The metadata file the compiler writes beside each firmware it builds.

`<firmware>.keyconf.json` (e.g. `planck_rev6_mine.bin.keyconf.json`) says what the firmware
is for, so the flasher can refuse to write it onto the wrong board. The firmware's SHA-256
ties the two together: metadata whose hash does not match describes another build and is
ignored (with a warning), never trusted.

Format (JSON object, version 1):

    {"format": "keyconf-firmware", "version": 1,
     "keyboard": "planck/rev6", "keymap": "mine", "processor": "STM32F303",
     "bootloader": "stm32-dfu", "firmware_format": "bin",
     "firmware_file": "planck_rev6_mine.bin", "firmware_sha256": "…64 hex digits…",
     "layout_hash": "…", "qmk_version": "0.28.3", "keyconf_version": "0.1.0",
     "built_at": "2026-03-01T12:00:00+00:00"}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from keyconf.flash import bootloaders
from keyconf.formats.atomic import write_atomic
from keyconf.formats.document_limits import JsonError, load_json

FORMAT_NAME = "keyconf-firmware"
FORMAT_VERSION = 1
SUFFIX = ".keyconf.json"
MAX_METADATA_BYTES = 64 * 1024


class MetadataError(Exception):
    def __init__(self, message: str, path: Path, hint: str | None = None):
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path
        self.hint = hint


@dataclass
class FirmwareMetadata:
    keyboard: str
    processor: str
    bootloader: str
    firmware_sha256: str
    firmware_file: str = ""
    firmware_format: str = ""
    keymap: str = ""
    layout_hash: str = ""
    qmk_version: str = ""
    keyconf_version: str = ""
    built_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer keyconf wrote, kept on rewrite

    def to_json(self) -> str:
        body = asdict(self)
        extra = body.pop("extra")
        document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, **body, **extra}
        return json.dumps(document, indent=2, sort_keys=False) + "\n"


def sidecar_path(firmware: str | Path) -> Path:
    path = Path(firmware)
    return path.with_name(path.name + SUFFIX)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def for_firmware(firmware: str | Path, data: bytes | None = None, **fields: Any) -> FirmwareMetadata:
    """Metadata for a firmware file, hashing it; `fields` fill keyboard, processor, bootloader…"""
    path = Path(firmware)
    payload = path.read_bytes() if data is None else data
    return FirmwareMetadata(
        firmware_sha256=sha256_of(payload),
        firmware_file=path.name,
        firmware_format=path.suffix.lstrip(".").lower(),
        **fields,
    )


def write_metadata(firmware: str | Path, metadata: FirmwareMetadata) -> Path:
    """Write the sidecar atomically beside `firmware`; returns its path."""
    target = sidecar_path(firmware)
    write_atomic(target, metadata.to_json())
    return target


_KNOWN = {f for f in FirmwareMetadata.__dataclass_fields__ if f != "extra"}
_REQUIRED = ("keyboard", "processor", "bootloader", "firmware_sha256")


def read_metadata(firmware: str | Path) -> FirmwareMetadata | None:
    """The sidecar of `firmware`, or None when there is none. Raises MetadataError when broken."""
    path = sidecar_path(firmware)
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise MetadataError("too large to be keyconf firmware metadata", path)
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise MetadataError(f"cannot read: {error}", path) from None
    try:
        document = load_json(raw)
    except JsonError as error:
        raise MetadataError(
            f"line {error.line}, column {error.column}: {error.message}",
            path,
            hint="delete the file to flash without its checks, or rebuild the firmware",
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise MetadataError(f"not a {FORMAT_NAME} document", path)
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise MetadataError(
            f"version {version!r} is not one this keyconf reads (1..{FORMAT_VERSION})",
            path,
            hint="update keyconf",
        )
    for key in _REQUIRED:
        if not isinstance(document.get(key), str) or not document[key]:
            raise MetadataError(f"{key!r} is missing or not text", path)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("format", "version"):
            continue
        if key in _KNOWN:
            if not isinstance(value, str):
                raise MetadataError(f"{key!r} must be text, not {type(value).__name__}", path)
            values[key] = value
        else:
            extra[key] = value
    return FirmwareMetadata(**values, extra=extra)


@dataclass(frozen=True)
class Mismatch:
    """One way the metadata disagrees with the board that is connected."""

    what: str
    expected: str
    found: str

    @property
    def message(self) -> str:
        return f"the firmware was built for {self.what} {self.expected}, but the board has {self.found}"


def compare(metadata: FirmwareMetadata, *, bootloader: str, mcu: str | None) -> list[Mismatch]:
    """Differences between what the firmware was built for and the detected board.

    Bootloaders of one family (atmel-dfu / lufa-dfu / qmk-dfu; the UF2 ones) count as the
    same; an MCU the detection could not tell is not a mismatch."""
    found: list[Mismatch] = []
    if not bootloaders.same_family(metadata.bootloader, bootloader) and metadata.bootloader != bootloader:
        found.append(Mismatch("the bootloader", metadata.bootloader, bootloader))
    if mcu and metadata.processor and metadata.processor.lower() != mcu.lower():
        found.append(Mismatch("the MCU", metadata.processor, mcu))
    return found
