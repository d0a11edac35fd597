"""Keyboard definition files the user adds to keyconf (`<user data dir>/definitions/*.json`).

Boards that are not in QMK (or not in the user's tree) often come with a VIA definition from
the vendor, a QMK info.json/keyboard.json, or only a KLE layout. Dropping the file in this
folder (or `add_definition`) puts the board in the catalogue; which kind a file is, is read
from its shape (`definition_kind`). Each file is summarised once and the summary cached by file time and size, so a
folder of definitions costs a few stats per start.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from keyconf.catalogue.entry import KeyboardEntry, Source, entry_from_keyboard
from keyconf.formats.atomic import write_atomic
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.model.keyboard import Keyboard

_CACHE_FORMAT = 1
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def default_definitions_dir() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().data / "definitions"


def entry_path(file: Path) -> str:
    """The catalogue path of a definition file: `via:<file name without .json>`.

    The colon cannot occur in a QMK keyboard path, so these never collide with QMK boards."""
    return f"via:{file.stem}"


class DefinitionKind(Enum):
    VIA = "VIA definition"
    QMK = "QMK info.json"
    KLE = "KLE layout"


def definition_kind(data: Any) -> DefinitionKind:
    """Which kind of keyboard definition parsed JSON is: KLE is a list of rows; VIA's layouts
    hold a KLE `keymap`; QMK's layouts hold `layout` key lists (anything else is read as QMK,
    whose reader names what is missing)."""
    if isinstance(data, list):
        return DefinitionKind.KLE
    layouts = data.get("layouts") if isinstance(data, dict) else None
    if isinstance(layouts, dict) and "keymap" in layouts:
        return DefinitionKind.VIA
    return DefinitionKind.QMK


def read_added_definition(file: str | os.PathLike[str]) -> tuple[DefinitionKind, Keyboard, list[str]]:
    """A keyboard definition file of any kind keyconf reads, with warnings for the user.

    A KLE layout whose legends carry no VIA-style "row,col" matrix gets matrix positions in
    reading order (row = KLE row, column = place in it), and a warning that says so.
    Raises `KeyboardDefinitionError` (file, line, column)."""
    from keyconf.formats.definition_source import DataSource, parse_definition_json, read_definition_text
    from keyconf.formats.kle import keyboard_from_kle, parse_kle, parse_kle_text
    from keyconf.formats.qmk_info import keyboard_from_info
    from keyconf.formats.via_definition import via_definition_from_data

    path = Path(file)
    text = read_definition_text(path)
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            data = parse_definition_json(text, path)
        except KeyboardDefinitionError:
            if not stripped.startswith("["):
                raise
            data = parse_kle_text(text, path)
    else:  # KLE's "raw data": rows without the outer brackets
        data = parse_kle_text(text, path)
    kind = definition_kind(data)
    if kind is DefinitionKind.VIA:
        return kind, via_definition_from_data(data, DataSource.of(path, text)).keyboard, []
    if kind is DefinitionKind.QMK:
        return kind, keyboard_from_info(data, None, path=path, text=text), []
    layout = parse_kle(data, DataSource.of(path, text))
    if not layout.keys:
        raise KeyboardDefinitionError("the KLE layout has no keys", path)
    board = keyboard_from_kle(layout, path.stem)
    warnings: list[str] = []
    if board.matrix_rows == 0:
        board = _reading_order_matrix(board)
        warnings.append(
            f"{path}: no key has a \"row,col\" top-left legend, so matrix positions were assigned "
            f"in reading order ({board.matrix_rows} rows x {board.matrix_cols} columns); put "
            "\"row,col\" legends in the KLE layout (as VIA does) to match your firmware")
    return kind, board, warnings


def _reading_order_matrix(board: Keyboard) -> Keyboard:
    """Matrix positions by reading order: keys sorted by row (y), then x; a new matrix row
    starts where a key's y moves down by half a unit or more."""
    from dataclasses import replace

    macro = board.layouts["LAYOUT"]
    order = sorted(range(len(macro.keys)), key=lambda i: (macro.keys[i].y, macro.keys[i].x))
    positions: dict[int, tuple[int, int]] = {}
    row, col, row_y = -1, 0, None
    for index in order:
        key = macro.keys[index]
        if key.decal:
            continue
        if row_y is None or key.y - row_y >= 0.5:
            row, col, row_y = row + 1, 0, key.y
        positions[index] = (row, col)
        col += 1
    keys = [replace(k, matrix=positions.get(i)) for i, k in enumerate(macro.keys)]
    return replace(
        board,
        matrix_rows=row + 1,
        matrix_cols=max((c for _, c in positions.values()), default=-1) + 1,
        layouts={"LAYOUT": replace(macro, keys=keys)},
    )


def load_added_definition(file: str | os.PathLike[str]) -> Keyboard:
    """The keyboard of a file in the definitions folder, whatever its kind."""
    return read_added_definition(file)[1]


def _summarise(file: Path) -> KeyboardEntry:
    try:
        board = load_added_definition(file)
    except KeyboardDefinitionError as error:
        return KeyboardEntry(entry_path(file), file.stem, Source.VIA, location=str(file), broken=str(error))
    return entry_from_keyboard(board, entry_path(file), Source.VIA, str(file))


def _cache_tag() -> str:
    return f"{sys.implementation.cache_tag}-{marshal.version}-{_CACHE_FORMAT}"


def load_user_definitions(folder: Path | None = None, cache_file: Path | None = None) -> list[KeyboardEntry]:
    """Entries for every `*.json` in the folder (broken files listed as broken), sorted by path."""
    folder = default_definitions_dir() if folder is None else folder
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    except OSError:
        return []
    cached: dict[str, Any] = {}
    if cache_file is not None:
        try:
            data = marshal.loads(cache_file.read_bytes())
            if isinstance(data, tuple) and len(data) == 2 and data[0] == _cache_tag() and isinstance(data[1], dict):
                cached = data[1]
        except (OSError, EOFError, ValueError, TypeError):
            cached = {}
    entries: list[KeyboardEntry] = []
    fresh: dict[str, Any] = {}
    for file in files:
        try:
            st = file.stat()
        except OSError:
            continue
        stamp = (st.st_mtime_ns, st.st_size)
        hit = cached.get(str(file))
        entry = None
        if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == stamp:
            try:
                entry = KeyboardEntry.from_row(hit[1])
            except (TypeError, ValueError, KeyError):
                entry = None
        if entry is None:
            entry = _summarise(file)
        fresh[str(file)] = (stamp, entry.to_row())
        entries.append(entry)
    if cache_file is not None and fresh != cached:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cache_file, marshal.dumps((_cache_tag(), fresh)))
        except (OSError, ValueError):
            pass
    return entries


def add_definition(
    source: str | os.PathLike[str], folder: Path | None = None
) -> tuple[KeyboardEntry, DefinitionKind, list[str]]:
    """Check a keyboard definition file (VIA, QMK info.json/keyboard.json or KLE) and copy it
    into the definitions folder, with the warnings its reading gave.

    Raises `KeyboardDefinitionError` (file, line, column) when the file is not a usable
    definition; nothing is copied then. A file of the same name is replaced."""
    from keyconf.formats.definition_source import read_definition_text

    source_path = Path(source)
    kind, board, warnings = read_added_definition(source_path)
    folder = default_definitions_dir() if folder is None else folder
    stem = _NAME_CHARS.sub("_", source_path.stem).strip("._") or "definition"
    if stem in ("info", "keyboard"):  # QMK's file names say nothing: name it after the board
        stem = _NAME_CHARS.sub("_", board.name or board.display_name).strip("._") or stem
    target = folder / f"{stem}.json"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, read_definition_text(source_path))
    return entry_from_keyboard(board, entry_path(target), Source.VIA, str(target)), kind, warnings


def add_via_definition(source: str | os.PathLike[str], folder: Path | None = None) -> KeyboardEntry:
    """`add_definition` for callers that only need the entry."""
    return add_definition(source, folder)[0]
