"""Backups of a keyboard's contents, taken before keyconf writes anything to it.

Each backup is two files in the user's backup folder (`keyconf.app_dirs`, `backups/`):
- `<board>-<time>.json`: the raw stored values (keymap bytes, encoders, macro buffer, layout
  options) with the board's identity. Restoring writes exactly these values back, so a
  backup restores faithfully even if keycode names change between keyconf versions.
- `<board>-<time>.yaml`: the same keymap as a keyconf layout, to read or open in the editor.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from keyconf.device.board_state import BoardState, KeymapImage
from keyconf.device.errors import DeviceError
from keyconf.device.vial_protocol import VialCombo, VialKeyOverride, VialTapDance
from keyconf.formats.atomic import write_atomic
from keyconf.formats.document_limits import (
    MAX_DOCUMENT_BYTES,
    MAX_LAYERS,
    MAX_MATRIX_COLS,
    MAX_MATRIX_ROWS,
    JsonError,
    load_json,
)

BACKUP_FORMAT = 1


def default_backup_folder() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().backups


@dataclass(frozen=True)
class BoardIdentity:
    """Enough to recognise the board a backup belongs to."""

    name: str
    vendor_id: int = 0
    product_id: int = 0
    serial: str = ""
    via_protocol: int = 0
    vial_protocol: int | None = None
    vial_uid: int | None = None
    keyboard: str = ""  # QMK path of the geometry used
    layout_macro: str = ""

    @property
    def slug(self) -> str:
        text = self.keyboard or self.name or "keyboard"
        return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "keyboard"


@dataclass
class Backup:
    path: Path
    identity: BoardIdentity
    state: BoardState
    created: str


class BackupError(DeviceError):
    def __init__(self, message: str, hint: str | None = None, *, unreadable: bool = False):
        super().__init__(message, hint)
        self.unreadable = unreadable  # the backup file could not be read at all


class BackupStore:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or default_backup_folder()

    def save(self, identity: BoardIdentity, state: BoardState, layout_text: str | None = None) -> Path:
        """Write the backup (and its readable layout, when given); returns the JSON file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.folder / f"{identity.slug}-{stamp}.json"
        write_atomic(path, json.dumps(_to_data(identity, state), indent=1) + "\n")
        if layout_text is not None:
            write_atomic(path.with_suffix(".yaml"), layout_text)
        return path

    def list(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)

    def latest(self, device: BoardIdentity | None = None) -> Path | None:
        """The newest backup (of `device`, when given: same Vial uid, or same USB ids and serial)."""
        for path in reversed(self.list()):
            if device is None:
                return path
            try:
                found = load_backup(path).identity
            except BackupError:
                continue
            if same_device(found, device):
                return path
        return None


def same_device(a: BoardIdentity, b: BoardIdentity) -> bool:
    if a.vial_uid is not None and b.vial_uid is not None:
        return a.vial_uid == b.vial_uid
    return (a.vendor_id, a.product_id, a.serial) == (b.vendor_id, b.product_id, b.serial)


def _to_data(identity: BoardIdentity, state: BoardState) -> dict[str, Any]:
    image = state.keymap
    return {
        "keyconf_backup": BACKUP_FORMAT,
        "created": datetime.now().isoformat(timespec="seconds"),
        "board": {
            "name": identity.name,
            "usb": f"{identity.vendor_id:04X}:{identity.product_id:04X}",
            "serial": identity.serial,
            "via_protocol": identity.via_protocol,
            "vial_protocol": identity.vial_protocol,
            "vial_uid": None if identity.vial_uid is None else f"{identity.vial_uid:016X}",
            "keyboard": identity.keyboard,
            "layout": identity.layout_macro,
        },
        "matrix": {"layers": image.layers, "rows": image.rows, "cols": image.cols},
        "keymap": [
            [
                f"{v:04X}"
                for v in image.values()[layer * image.rows * image.cols : (layer + 1) * image.rows * image.cols]
            ]
            for layer in range(image.layers)
        ],
        "encoders": None
        if state.encoders is None
        else [[layer, index, int(cw), f"{value:04X}"] for (layer, index, cw), value in sorted(state.encoders.items())],
        "macros": None
        if state.macros is None
        else {"count": state.macro_count, "size": state.macro_buffer_size, "data": state.macros.hex()},
        "layout_options": state.layout_options,
        "vial_entries": {
            "tap_dances": _packed(state.tap_dances),
            "combos": _packed(state.combos),
            "key_overrides": _packed(state.key_overrides),
        },
        "qmk_settings": None
        if state.qmk_settings is None
        else {str(qsid): value for qsid, value in sorted(state.qmk_settings.items())},
    }


def _packed(entries: list[Any] | None) -> list[str] | None:
    return None if entries is None else [entry.pack().hex() for entry in entries]


def _unpacked(kind: Any, data: Any) -> list[Any] | None:
    if data is None:
        return None
    return [kind.unpack(bytes.fromhex(text)) for text in data]


def load_backup(path: str | os.PathLike[str]) -> Backup:
    file = Path(path)
    try:
        with file.open("rb") as handle:  # no more than the limit (and a byte) is read
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise BackupError(f"{file}: larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, far more than a keyconf backup")
        data: Any = load_json(raw.decode("utf-8"))
    except JsonError as error:
        raise BackupError(f"{file}:{error.line}:{error.column}: not a readable keyconf backup ({error.message})",
                          hint=error.hint) from None
    except FileNotFoundError:
        raise BackupError(f"{file}: no such backup", hint="`keyconf restore --list` shows the backups",
                          unreadable=True) from None
    except IsADirectoryError:
        raise BackupError(f"{file}: is a folder, not a backup", hint="`keyconf restore --list` shows the backups",
                          unreadable=True) from None
    except PermissionError as error:
        raise BackupError(f"{file}: cannot read it ({error.strerror})", unreadable=True) from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{file}: not a readable keyconf backup ({error})") from error
    try:
        if data.get("keyconf_backup") != BACKUP_FORMAT:
            raise ValueError("unknown backup format")
        board = data["board"]
        vid, pid = (int(part, 16) for part in board["usb"].split(":"))
        identity = BoardIdentity(
            name=str(board["name"]),
            vendor_id=vid,
            product_id=pid,
            serial=str(board.get("serial", "")),
            via_protocol=int(board["via_protocol"]),
            vial_protocol=None if board.get("vial_protocol") is None else int(board["vial_protocol"]),
            vial_uid=None if board.get("vial_uid") is None else int(board["vial_uid"], 16),
            keyboard=str(board.get("keyboard", "")),
            layout_macro=str(board.get("layout", "")),
        )
        matrix = data["matrix"]
        layers, rows, cols = int(matrix["layers"]), int(matrix["rows"]), int(matrix["cols"])
        if not (1 <= layers <= MAX_LAYERS and 1 <= rows <= MAX_MATRIX_ROWS and 1 <= cols <= MAX_MATRIX_COLS):
            raise ValueError(f"a {layers}-layer {rows}x{cols} matrix is no keyboard's")
        image = KeymapImage(layers, rows, cols)
        keymap = data["keymap"]
        if len(keymap) != layers or any(len(layer) != rows * cols for layer in keymap):
            raise ValueError("the keymap does not match the matrix size")
        for index, text in enumerate(v for layer in keymap for v in layer):
            image.set_value(index, _u16(text))
        encoders = None
        if data.get("encoders") is not None:
            encoders = {(int(l), int(e), bool(cw)): _u16(v) for l, e, cw, v in data["encoders"]}  # noqa: E741
        macros = data.get("macros")
        state = BoardState(
            keymap=image,
            encoders=encoders,
            macro_count=int(macros["count"]) if macros else 0,
            macro_buffer_size=int(macros["size"]) if macros else 0,
            macros=bytes.fromhex(macros["data"]) if macros else None,
            layout_options=None if data.get("layout_options") is None else int(data["layout_options"]),
        )
        entries = data.get("vial_entries") or {}
        state.tap_dances = _unpacked(VialTapDance, entries.get("tap_dances"))
        state.combos = _unpacked(VialCombo, entries.get("combos"))
        state.key_overrides = _unpacked(VialKeyOverride, entries.get("key_overrides"))
        settings = data.get("qmk_settings")
        if settings is not None:
            state.qmk_settings = {int(qsid): int(value) for qsid, value in settings.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{file}: damaged keyconf backup ({error})") from error
    return Backup(file, identity, state, str(data.get("created", "")))


def _u16(text: Any) -> int:
    value = int(str(text), 16)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"{text} is not a 16-bit keycode")
    return value
