"""A simulated Caterina (AVR109) bootloader on a pseudo-terminal, so the real avrdude can be
run end to end in tests: it opens the pty as the bootloader's serial port and flashes it.

Implements what avrdude's avr109/butterfly programmer sends: identify (S V v p a b t),
select device (T), enter/leave programming mode (P L), signature (s), chip erase (e),
set address (A), block write/read (B/g) for flash and EEPROM, exit (E).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import tty


class Avr109Simulator:
    def __init__(
        self,
        flash_size: int = 32 * 1024,
        eeprom_size: int = 1024,
        signature: bytes = b"\x1e\x95\x87",
        device_code: int = 0x44,
        ident: bytes = b"CATERIN",
        block_delay: float = 0.0,
    ):
        self.flash = bytearray(b"\xff" * flash_size)
        self.eeprom = bytearray(b"\xff" * eeprom_size)
        self.signature = signature
        self.device_code = device_code
        self.ident = ident
        self.block_delay = block_delay  # seconds per block written, to watch progress advance
        self.commands: list[str] = []
        self.erased = False
        self.exited = False
        self._address = 0  # word address for flash, byte address for EEPROM
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Avr109Simulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            os.close(self._slave)
        with contextlib.suppress(OSError):
            os.close(self._master)
        self._thread.join(timeout=2)

    # ------------------------------------------------------------ protocol

    def _read(self, count: int) -> bytes:
        out = b""
        while len(out) < count:
            chunk = os.read(self._master, count - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return out

    def _send(self, data: bytes) -> None:
        os.write(self._master, data)

    def _serve(self) -> None:
        try:
            while not self._stop:
                command = self._read(1)
                self._handle(command)
        except (OSError, EOFError):
            return

    def _handle(self, command: bytes) -> None:
        name = command.decode("latin-1")
        self.commands.append(name)
        if command == b"S":
            self._send(self.ident)
        elif command == b"V":
            self._send(b"10")
        elif command == b"v":
            self._send(b"?")
        elif command == b"p":
            self._send(b"S")
        elif command == b"a":
            self._send(b"Y")
        elif command == b"b":
            self._send(b"Y\x00\x80")  # 128-byte buffer
        elif command == b"t":
            self._send(bytes([self.device_code, 0]))
        elif command == b"T":
            self._read(1)
            self._send(b"\r")
        elif command in (b"P", b"L"):
            self._send(b"\r")
        elif command == b"E":
            self.exited = True
            self._send(b"\r")
        elif command == b"s":
            self._send(bytes(reversed(self.signature)))
        elif command == b"e":
            self.flash[:] = b"\xff" * len(self.flash)
            self.erased = True
            self._send(b"\r")
        elif command == b"A":
            high, low = self._read(2)
            self._address = (high << 8) | low
            self._send(b"\r")
        elif command == b"B":
            high, low = self._read(2)
            size = (high << 8) | low
            memory = self._read(1)
            data = self._read(size)
            if self.block_delay:
                time.sleep(self.block_delay)
            if memory == b"F":
                start = self._address * 2
                self.flash[start : start + size] = data
                self._address += size // 2
            else:
                self.eeprom[self._address : self._address + size] = data
                self._address += size
            self._send(b"\r")
        elif command == b"g":
            high, low = self._read(2)
            size = (high << 8) | low
            memory = self._read(1)
            if memory == b"F":
                start = self._address * 2
                self._send(bytes(self.flash[start : start + size]))
                self._address += size // 2
            else:
                self._send(bytes(self.eeprom[self._address : self._address + size]))
                self._address += size
        elif command in (b"F", b"N", b"Q", b"r"):  # fuse and lock bytes
            self._send(b"\xff")
        else:  # ESC and anything unknown
            self._send(b"?")
