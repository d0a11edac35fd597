"""The readers bench/fuzz.py reaches beyond the five layout formats: a keymap folder (keymap.c
with its rules.mk, config.h, C files and userspace), community modules' qmk_module.json, VIA
definitions, QMK info.json/keyboard.json (both as HJSON), firmware files handed to the flasher,
and a keyboard that lies in its replies.

Each target takes the mutant's bytes and runs what a user's command runs on them; it returns an
outcome ("ok", "refused", "unplaced:<message>") or raises the format's own error (counted by
fuzz.py with its position) or anything else (a crash). Seeds are written here or kept in
bench/fuzz_seeds/ (files written for the bench, not copied from anyone)."""

from __future__ import annotations

import json
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from keyconf.formats.definition_source import KeyboardDefinitionError, parse_definition_json

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "bench" / "fuzz_seeds"
DATA = ROOT / "tests" / "formats" / "data"

# ----------------------------------------------------------------------------- keymap folder

FILE_MARK = b"\n//@@FILE "  # separates the files of a folder packed into one input
MAX_FILES = 40  # a mutant that repeats the mark makes no more files (their writing is not the reader's time)
_FOLDER = "keyboards/crkbd/rev1/keymaps/fuzz"


def packed_folder(seed: str = "folder") -> bytes:
    """keymap.c, its config.h, rules.mk, C files and a userspace, as one input: bench/fuzz_seeds/<seed>/
    (its users/ going to users/fuzz/), with the test data's Corne keymap.c and config.h where it has none."""
    folder = SEED_DIR / seed
    files: dict[str, bytes] = {}
    if not (folder / "keymap.c").is_file():
        files[f"{_FOLDER}/keymap.c"] = b'#include "fuzz.h"\n' + (DATA / "keymap_c" / "keymap.c").read_bytes()
        files[f"{_FOLDER}/config.h"] = (DATA / "keymap_c" / "config.h").read_bytes()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            target = f"users/fuzz/{name[len('users/'):]}" if name.startswith("users/") else f"{_FOLDER}/{name}"
            files[target] = path.read_bytes()
    return b"".join(FILE_MARK + name.encode() + b"\n" + text for name, text in files.items())


def packed_folders() -> list[bytes]:
    """The keymap folder seeds: a Corne keymap with a userspace (folder/), and one whose keymap.c holds only
    hooks, its keymaps[] in a header beside it, with rules.mk's SRC under an ifeq and an
    INTROSPECTION_KEYMAP_C (folder_header/), and one whose userspace's INTROSPECTION_KEYMAP_C holds them
    (folder_introspect/)."""
    return [packed_folder("folder"), packed_folder("folder_header"), packed_folder("folder_introspect")]


def unpack_folder(data: bytes, root: Path) -> Path:
    """Write the packed files under `root`; the keymap.c's path (made if the mutant lost it)."""
    for chunk in data.split(FILE_MARK)[1:MAX_FILES + 1]:
        name, _, text = chunk.partition(b"\n")
        try:
            relative = name.decode("ascii")
        except UnicodeDecodeError:
            continue
        if not relative or ".." in relative or relative.startswith("/") or "\x00" in relative:
            continue
        path = root / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
        except OSError:  # a mutated name that is no file name (too long, a folder already)
            continue
    keymap = root / _FOLDER / "keymap.c"
    if not keymap.is_file():
        try:
            keymap.parent.mkdir(parents=True, exist_ok=True)
            keymap.write_bytes(b"")
        except OSError:  # a mutated name made a file where the keymap's folder goes: the bench's, not the reader's
            keymap = root / "keymap.c"
            keymap.write_bytes(b"")
    return keymap


def make_folder_target(finder: Any) -> Callable[[bytes], str]:
    from keyconf.formats.interchange import import_layout, layout_text

    def run(raw: bytes) -> str:
        """What `keyconf import keyboards/.../keymap.c` does in a user's tree."""
        with tempfile.TemporaryDirectory(prefix="keyconf-fuzz-") as tmp:
            keymap = unpack_folder(raw, Path(tmp))
            imported = import_layout(keymap, finder=finder)
            if imported.layout.keyboard:
                layout_text(imported, keymap)
        return "ok"

    return run


# ----------------------------------------------------------------------------- qmk_module.json


def make_module_target() -> Callable[[bytes], str]:
    from keyconf.formats.qmk_modules import ModuleJsonError, read_module_json

    def run(raw: bytes) -> str:
        """What a layout naming `modules: [fuzz/tab]` reads from the module's folder."""
        with tempfile.TemporaryDirectory(prefix="keyconf-fuzz-") as tmp:
            path = Path(tmp) / "qmk_module.json"
            path.write_bytes(raw)
            try:
                read_module_json(path, "fuzz/tab")
            except ModuleJsonError as error:
                # A warning the user reads: it must say where in the file.
                text = str(error).replace(str(path), "qmk_module.json")
                return "refused" if _has_position(text, "qmk_module.json") else "unplaced:" + text[:70]
        return "ok"

    return run


def _has_position(text: str, name: str) -> bool:
    """`name:LINE` appears in the message."""
    head, found, tail = text.partition(name + ":")
    return bool(found) and tail[:1].isdigit()


# ----------------------------------------------------------------------------- keyboard definitions


def make_definition_target(kind: str) -> Callable[[bytes], str]:
    from keyconf.formats.definition_source import DataSource
    from keyconf.formats.qmk_info import keyboard_from_info
    from keyconf.formats.via_definition import via_definition_from_data

    name = "fuzz.json"

    def run(raw: bytes) -> str:
        """What the catalogue does with an added VIA definition or a tree's info.json."""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "refused"  # read_definition_text refuses it at its line (tested in test_qmk_info)
        data = parse_definition_json(text, name)
        if kind == "via-definition":
            via_definition_from_data(data, DataSource.of(name, text))
        else:
            keyboard_from_info(data, "fuzz", path=name, text=text)
        return "ok"

    return run


def definition_error_outcome(error: KeyboardDefinitionError) -> str:
    return "refused" if error.line is not None else "unplaced:" + error.message[:70]


# ----------------------------------------------------------------------------- firmware


def _hex_record(kind: int, address: int, payload: bytes) -> bytes:
    body = bytes([len(payload), address >> 8 & 0xFF, address & 0xFF, kind]) + payload
    return b":" + (body + bytes([-sum(body) & 0xFF])).hex().upper().encode() + b"\n"


def firmware_seeds() -> list[bytes]:
    """An AVR-sized Intel HEX image, an STM32 raw image with a vector table, an RP2040 UF2."""
    image = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    hex_text = b"".join(_hex_record(0, a, image[a:a + 16]) for a in range(0, len(image), 16)) + _hex_record(1, 0, b"")
    vectors = struct.pack("<II", 0x20005000, 0x08000101) + bytes(range(248))
    uf2 = b""
    payload = image[:512]
    blocks = [payload[i:i + 256] for i in range(0, len(payload), 256)]
    for number, chunk in enumerate(blocks):
        head = struct.pack("<8I", 0x0A324655, 0x9E5D5157, 0x2000, 0x10000000 + 256 * number, 256, number, len(blocks),
                           0xE48BFF56)
        uf2 += head + chunk + bytes(476 - len(chunk)) + struct.pack("<I", 0x0AB16F30)
    return [hex_text, vectors, uf2]


def make_firmware_target() -> Callable[[bytes], str]:
    from keyconf.flash import bootloaders, mcus
    from keyconf.flash.firmware_file import FirmwareError, Target, check_for_target, parse_firmware, sniff_format

    targets = [
        Target(bootloaders.get("caterina"), mcus.find("atmega32u4")),
        Target(bootloaders.get("stm32-dfu"), mcus.find("STM32F303")),
        Target(bootloaders.get("rp2040"), mcus.find("RP2040"), (0xE48BFF56,)),
    ]

    def run(raw: bytes) -> str:
        """What `keyconf flash FILE` checks before any tool touches a board."""
        fmt = sniff_format(raw)
        path = Path(f"fuzz.{fmt.value}")
        try:
            firmware = parse_firmware(raw, path)
            for target in targets:
                try:
                    check_for_target(firmware, target)
                except FirmwareError as error:
                    if not error.message:
                        return "unplaced:empty message"
        except FirmwareError as error:
            # Intel HEX is text: a line and column. UF2 is blocks: the block. A raw image and
            # whole-file faults (sizes, no data) concern the whole file.
            if fmt.value == "hex" and error.line is None and "record" in error.message:
                return "unplaced:" + error.message[:70]
            return "refused"
        return "ok"

    return run


# ----------------------------------------------------------------------------- a lying keyboard

DEVICE_SEED = {
    "vial": True,
    "rows": 4, "cols": 6, "layers": 4, "encoders": 1,
    # what the keyboard claims, whatever it holds
    "layer_count": 4, "macro_count": 16, "macro_buffer_size": 512, "definition_size": None,
    "tap_dances": 4, "combos": 4, "key_overrides": 4, "protocol": 9, "vial_protocol": 6,
    "layout_options": 0, "reply_bytes": {},  # command id -> {offset: byte} written over each reply
}


def device_seeds() -> list[bytes]:
    """A Vial keyboard and a VIA one, each with reply bytes as the firmware sends them (the
    mutants change the values): the protocol version, a keyboard value's id, the layer count,
    the macro buffer size's high byte."""
    vial = dict(DEVICE_SEED, reply_bytes={"1": {"2": 9}, "17": {"1": 4}, "13": {"2": 0}})
    plain = dict(DEVICE_SEED, vial=False, protocol=12, reply_bytes={"1": {"2": 12}, "2": {"1": 1}, "17": {"1": 4}})
    return [json.dumps(vial).encode(), json.dumps(plain).encode()]


def _int(value: Any, default: int, low: int = 0, high: int = 0xFFFFFFFF) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return max(low, min(high, value))


def make_device_target() -> Callable[[bytes], str]:
    from keyconf.device import vial_protocol as vl
    from keyconf.device.board import Board
    from keyconf.device.connection import board_geometry
    from keyconf.device.errors import DeviceError
    from keyconf.device.simulated import Faults, SimulatedKeyboard, SimulatedVialKeyboard
    from keyconf.device.sync import KeymapSync
    from keyconf.device.via_protocol import Command
    from keyconf.model.keyboard import Keyboard

    grid = None

    def geometry(rows: int, cols: int) -> Keyboard:
        from keyconf.device.simulated import grid_vial_definition
        from keyconf.device.vial_geometry import keyboard_from_vial

        return keyboard_from_vial(grid_vial_definition(rows, cols), "fuzz", 0xFEED, 1)

    class Lying:
        """The simulated keyboard, its replies to chosen commands overwritten."""

        def __init__(self, sim: SimulatedKeyboard, claims: dict[str, Any]):
            self.sim = sim
            self.claims = claims
            self.last = b""

        def __getattr__(self, name: str) -> Any:
            return getattr(self.sim, name)

        def write(self, data: bytes) -> int:
            self.last = bytes(data[1:])
            return self.sim.write(data)

        def read(self, size: int, timeout: int) -> bytes:
            reply = bytearray(self.sim.read(size, timeout))
            if not reply:
                return bytes(reply)
            command, sub = self.last[0], self.last[1]
            claims = self.claims
            if command == Command.GET_LAYER_COUNT:
                reply[1] = _int(claims.get("layer_count"), reply[1], 0, 255)
            elif command == Command.MACRO_GET_COUNT:
                reply[1] = _int(claims.get("macro_count"), reply[1], 0, 255)
            elif command == Command.MACRO_GET_BUFFER_SIZE:
                struct.pack_into(">H", reply, 1, _int(claims.get("macro_buffer_size"), 512, 0, 0xFFFF))
            elif command == 0xFE and sub == vl.VialCommand.GET_SIZE and claims.get("definition_size") is not None:
                struct.pack_into("<I", reply, 0, _int(claims.get("definition_size"), 0))
            elif command == 0xFE and sub == vl.VialCommand.DYNAMIC_ENTRY_OP and self.last[2] == 0:
                for offset, key in enumerate(("tap_dances", "combos", "key_overrides")):
                    reply[offset] = _int(claims.get(key), reply[offset], 0, 255)
            overrides = claims.get("reply_bytes")
            if isinstance(overrides, dict):
                for offset, value in (overrides.get(str(command)) or {}).items() if isinstance(
                        overrides.get(str(command)), dict) else ():
                    if str(offset).isdigit() and int(offset) < len(reply):
                        reply[int(offset)] = _int(value, 0, 0, 255)
            return bytes(reply)

        def close(self) -> None:
            self.sim.close()

    def run(raw: bytes) -> str:
        """What `keyconf pull` does with a keyboard that says these things."""
        nonlocal grid
        try:
            claims = json.loads(raw)
        except (ValueError, RecursionError):
            return "skipped"  # not a keyboard: the bench's own input format was broken
        if not isinstance(claims, dict):
            return "skipped"
        rows = _int(claims.get("rows"), 4, 1, 64)
        cols = _int(claims.get("cols"), 6, 1, 32)
        layers = _int(claims.get("layers"), 4, 1, 16)
        faults = Faults(layer_count=_int(claims.get("layer_count"), layers, 0, 255))
        common = dict(rows=rows, cols=cols, layers=layers, encoders=_int(claims.get("encoders"), 0, 0, 4),
                      macro_count=16, macro_buffer_size=512,
                      layout_options=_int(claims.get("layout_options"), 0),
                      protocol=_int(claims.get("protocol"), 12, 0, 0xFFFF), faults=faults)
        if claims.get("vial"):
            sim: SimulatedKeyboard = SimulatedVialKeyboard(
                vial_protocol=_int(claims.get("vial_protocol"), 6), unlocked=True,
                tap_dances=4, combos=4, key_overrides=4, **common)
        else:
            sim = SimulatedKeyboard(**common)
        transport = Lying(sim, claims)
        try:
            board = Board.connect(transport, sim.info(), timeout_ms=20)  # type: ignore[arg-type]
            keyboard = board_geometry(board) if board.is_vial else geometry(rows, cols)
            KeymapSync(board, keyboard).read_keymap()
        except DeviceError as error:
            return "refused" if error.message else "unplaced:a device error without a message"
        return "ok"

    return run
