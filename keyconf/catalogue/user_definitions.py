"""VIA definition files the user adds to keyconf (`<user data dir>/definitions/*.json`).

Boards that are not in QMK (or not in the user's tree) often come with a VIA definition from
the vendor. Dropping the file in this folder (or `add_via_definition`) puts the board in the
catalogue. Each file is summarised once and the summary cached by file time and size, so a
folder of definitions costs a few stats per start.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any

from keyconf.catalogue.entry import KeyboardEntry, Source, entry_from_keyboard
from keyconf.formats.atomic import write_atomic
from keyconf.formats.definition_source import KeyboardDefinitionError

_CACHE_FORMAT = 1
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def default_definitions_dir() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().data / "definitions"


def entry_path(file: Path) -> str:
    """The catalogue path of a definition file: `via:<file name without .json>`.

    The colon cannot occur in a QMK keyboard path, so these never collide with QMK boards."""
    return f"via:{file.stem}"


def _summarise(file: Path) -> KeyboardEntry:
    from keyconf.formats.via_definition import load_via_definition

    try:
        board = load_via_definition(file).keyboard
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


def add_via_definition(source: str | os.PathLike[str], folder: Path | None = None) -> KeyboardEntry:
    """Check a VIA definition file and copy it into the definitions folder.

    Raises `KeyboardDefinitionError` (file, line, column) when the file is not a usable VIA
    definition; nothing is copied then. A file of the same name is replaced."""
    from keyconf.formats.definition_source import read_definition_text
    from keyconf.formats.via_definition import load_via_definition

    source_path = Path(source)
    board = load_via_definition(source_path).keyboard
    folder = default_definitions_dir() if folder is None else folder
    stem = _NAME_CHARS.sub("_", source_path.stem).strip("._") or "definition"
    target = folder / f"{stem}.json"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, read_definition_text(source_path))
    return entry_from_keyboard(board, entry_path(target), Source.VIA, str(target))
