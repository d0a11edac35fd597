"""Fakes for the flashing tests: USB buses, drives, tools that replay recorded output."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from keyconf.flash.detect import UsbDevice, Volume

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class FakeBus:
    """A USB bus whose devices tests plug in and out; counts scans."""

    def __init__(self, *devices: UsbDevice):
        self.devices = list(devices)
        self.scans = 0
        self.plug_after: tuple[int, UsbDevice] | None = None

    def __call__(self) -> list[UsbDevice]:
        self.scans += 1
        if self.plug_after is not None and self.scans > self.plug_after[0]:
            self.devices.append(self.plug_after[1])
            self.plug_after = None
        return list(self.devices)


def make_tool(folder: Path, name: str, body: str) -> Path:
    """An executable Python script named `name` in `folder` (a fake flashing tool)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def replay_tool(folder: Path, name: str, fixture: str, exit_code: int = 0, delay: float = 0.0) -> Path:
    """A fake tool that writes a recorded output fixture in small pieces, then exits."""
    return make_tool(
        folder,
        name,
        f"""
        import sys, time
        data = open({str(FIXTURES / fixture)!r}, "rb").read()
        for i in range(0, len(data), 64):
            sys.stdout.buffer.write(data[i:i + 64])
            sys.stdout.flush()
            if {delay!r}:
                time.sleep({delay!r})
        with open(__file__ + ".argv", "a") as log:
            log.write(" ".join(sys.argv[1:]) + "\\n")
        sys.exit({exit_code})
        """,
    )


def finder_in(folder: Path) -> Callable[[str], str | None]:
    """A tool finder that only looks in `folder` (so tests never run a real installed tool)."""

    def find(name: str) -> str | None:
        path = folder / name
        return str(path) if path.exists() and os.access(path, os.X_OK) else None

    return find


def uf2_drive(root: Path, info: str) -> Volume:
    root.mkdir(parents=True, exist_ok=True)
    (root / "INFO_UF2.TXT").write_text(info, encoding="utf-8")
    (root / "INDEX.HTM").write_text("<html></html>", encoding="utf-8")
    return Volume(mount_point=root, device="/dev/sdz1", label=root.name)


RP2040_INFO = "UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n"
TINYUF2_F411_INFO = (
    "TinyUF2 Bootloader 0.10.2 - tinyusb (0.12.0-145-g9775e7691)\nModel: STM32F411 Blackpill\n"
    "Board-ID: STM32F411CE-BlackPill-v3\nDate: Jan 31 2022\n"
)
