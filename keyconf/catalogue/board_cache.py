"""Keyboards the catalogue found, kept between runs, so opening the last layout at start-up
does not open the catalogue.

Finding one board imports the catalogue, looks for a qmk_firmware tree, reads the bundle's
tables and decodes an lzma chunk: about a fifth of the editor's start. The board found is
kept in `<cache folder>/boards.json` with the facts that decided it: the files the catalogue
read or would read (the bundle in use, a downloaded snapshot, `qmk.ini`, `~/qmk_firmware`)
and the code that turns a definition into a board, each by size and time, and the settings
that point elsewhere (QMK_HOME, …). Any of them changing makes the entry miss; a damaged or
foreign file is ignored and rewritten. A board from the user's QMK tree is kept with the tree's
files that name and define it (QMK's renames, each folder's info.json, keyboard.json, rules.mk,
config.h); boards of the user's own VIA definitions are not kept.

This module imports nothing of the catalogue: a hit costs a few stats and a small JSON read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from keyconf.model.keyboard import BoardKeycode, Encoder, Key, Keyboard, LayoutMacro, LayoutOption, SecondaryRect

CACHE_FORMAT = 3  # 2: boards keep their VIA keycode names (board_keycodes); 3: their pin_compatible
CACHE_FILE = "boards.json"
MAX_BOARDS = 8  # the most recently stored; a user opens a handful of boards
ENVIRONMENT = ("QMK_HOME", "QMK_USERSPACE", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "KEYCONF_HOME")

Stamp = list[Any]  # [path, size, mtime_ns], or [path, None] for a file that was absent


def cache_file() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().cache / CACHE_FILE


def stamp(path: Path) -> Stamp:
    try:
        found = os.stat(path)
    except OSError:
        return [str(path), None]
    return [str(path), found.st_size, found.st_mtime_ns]


def _context() -> dict[str, Any]:
    from keyconf import __version__

    return {"format": CACHE_FORMAT, "version": __version__, "env": {k: os.environ.get(k) for k in ENVIRONMENT}}


def cached_board(name: str, file: Path | None = None) -> Keyboard | None:
    """The board stored for `name` while nothing that decided it has changed; None otherwise."""
    try:
        data = json.loads((cache_file() if file is None else file).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("context") != _context():
            return None
        entry = data["boards"].get(name)
        if entry is None or any(stamp(Path(s[0])) != s for s in entry["stamps"]):
            return None
        return board_from_data(entry["board"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # a damaged cache costs only the catalogue's look-up


def stamps_of(files: Iterable[Path]) -> list[Stamp]:
    """The files as they are now: taken before the look-up, so a file changed during it is a
    miss next time, not a board kept with the new stamp."""
    return [stamp(f) for f in files]


def remember_board(name: str, board: Keyboard, stamps: list[Stamp], file: Path | None = None) -> None:
    """Keep `board` for `name`, valid while the files keep these `stamps_of`. Never raises."""
    target = cache_file() if file is None else file
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        boards = data["boards"] if isinstance(data, dict) and data.get("context") == _context() else {}
        if not isinstance(boards, dict):
            boards = {}
    except (OSError, ValueError, KeyError, TypeError):
        boards = {}
    boards.pop(name, None)
    boards[name] = {"stamps": stamps, "board": board_to_data(board)}
    while len(boards) > MAX_BOARDS:
        boards.pop(next(iter(boards)))
    try:
        from keyconf.formats.atomic import write_atomic

        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps({"context": _context(), "boards": boards}, separators=(",", ":")))
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs speed next time


# --- a Keyboard as JSON and back, field for field ------------------------------------------


def board_to_data(board: Keyboard) -> dict[str, Any]:
    return {
        "name": board.name,
        "display_name": board.display_name,
        "manufacturer": board.manufacturer,
        "matrix": [board.matrix_rows, board.matrix_cols],
        "layouts": [[macro_name, macro.name, [_key_to_data(k) for k in macro.keys]]
                    for macro_name, macro in board.layouts.items()],
        "layout_aliases": dict(board.layout_aliases),
        "layout_options": [[o.label, list(o.choices)] for o in board.layout_options],
        "encoders": [[e.index, e.x, e.y] for e in board.encoders],
        "processor": board.processor,
        "bootloader": board.bootloader,
        "pin_compatible": board.pin_compatible,
        "usb": [board.usb_vid, board.usb_pid],
        "community_layouts": list(board.community_layouts),
        "keyboard_aliases": list(board.keyboard_aliases),
        "board_keycodes": [[k.name, k.title, k.short_name] for k in board.board_keycodes],
    }


def board_from_data(data: Mapping[str, Any]) -> Keyboard:
    """Raises ValueError, KeyError or TypeError for data `board_to_data` did not write."""
    rows, cols = data["matrix"]
    vid, pid = data["usb"]
    board = Keyboard(
        name=_text(data["name"]),
        display_name=_text(data["display_name"]),
        manufacturer=_text(data["manufacturer"]),
        matrix_rows=_int(rows),
        matrix_cols=_int(cols),
        layouts={_text(key): LayoutMacro(_text(name), [_key_from_data(k) for k in keys])
                 for key, name, keys in data["layouts"]},
        layout_aliases={_text(k): _text(v) for k, v in data["layout_aliases"].items()},
        layout_options=[LayoutOption(_text(label), tuple(_text(c) for c in choices))
                        for label, choices in data["layout_options"]],
        encoders=[Encoder(_int(i), _number_or_none(x), _number_or_none(y)) for i, x, y in data["encoders"]],
        processor=_text_or_none(data["processor"]),
        bootloader=_text_or_none(data["bootloader"]),
        pin_compatible=_text_or_none(data.get("pin_compatible")),
        usb_vid=None if vid is None else _int(vid),
        usb_pid=None if pid is None else _int(pid),
        community_layouts=[_text(c) for c in data["community_layouts"]],
        keyboard_aliases=[_text(a) for a in data["keyboard_aliases"]],
        board_keycodes=[BoardKeycode(_text(n), _text(t), _text(s)) for n, t, s in data.get("board_keycodes", [])],
    )
    return board


def _key_to_data(key: Key) -> list[Any]:
    secondary = key.secondary
    return [key.x, key.y, key.w, key.h, key.r, key.rx, key.ry,
            None if key.matrix is None else list(key.matrix), key.encoder, key.label,
            None if secondary is None else [secondary.x, secondary.y, secondary.w, secondary.h],
            None if key.option is None else list(key.option), key.decal]


def _key_from_data(item: list[Any]) -> Key:
    x, y, w, h, r, rx, ry, matrix, encoder, label, secondary, option, decal = item
    return Key(
        _number(x), _number(y), _number(w), _number(h), _number(r), _number(rx), _number(ry),
        matrix=None if matrix is None else (_int(matrix[0]), _int(matrix[1])),
        encoder=None if encoder is None else _int(encoder),
        label=_text_or_none(label),
        secondary=None if secondary is None else SecondaryRect(*(_number(v) for v in secondary)),
        option=None if option is None else (_int(option[0]), _int(option[1])),
        decal=bool(decal),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _text_or_none(value: Any) -> str | None:
    return None if value is None else _text(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("integer expected")
    return value


def _number(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError("number expected")
    return value


def _number_or_none(value: Any) -> float | None:
    return None if value is None else _number(value)
