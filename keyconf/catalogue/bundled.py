"""The keyboards that ship with keyconf (`resources/keyboards/`), loaded on demand.

`index.json` in that folder names each board's file and QMK aliases, so listing and lookup
read one small file; a board's definition is parsed the first time it is asked for.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from pathlib import Path

from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.qmk_info import load_info_file
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.resources import resource_path

KeyboardLoader = Callable[[], Keyboard]


def bundled_folder() -> Path:
    return resource_path("keyboards")


@functools.cache
def _index() -> tuple[dict[str, Path], dict[str, str]]:
    """(QMK path → file, alias → QMK path), read once."""
    folder = bundled_folder()
    index_file = folder / "index.json"
    try:
        data = json.loads(index_file.read_text(encoding="utf-8"))
        entries = data["keyboards"]
        files = {name: folder / entry["file"] for name, entry in entries.items()}
        aliases = {alias: name for name, entry in entries.items() for alias in entry.get("aliases", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyboardDefinitionError(
            f"the bundled keyboard index is unreadable: {exc}", index_file, hint="reinstall keyconf"
        ) from exc
    return files, aliases


@functools.cache
def _parse(name: str) -> Keyboard:
    files, _ = _index()
    return load_info_file(files[name], name)


def _load(name: str) -> Keyboard:
    """A fresh copy of the cached board: callers may change theirs without touching others'.

    Keys are frozen, so only the containers are copied."""
    board = _parse(name)
    return dataclasses.replace(
        board,
        layouts={n: LayoutMacro(m.name, list(m.keys)) for n, m in board.layouts.items()},
        layout_aliases=dict(board.layout_aliases),
        layout_options=list(board.layout_options),
        encoders=list(board.encoders),
        community_layouts=list(board.community_layouts),
        keyboard_aliases=list(board.keyboard_aliases),
    )


def bundled_keyboards() -> dict[str, KeyboardLoader]:
    """Every bundled board by QMK path, each with a loader that parses it on first call."""
    files, _ = _index()
    return {name: functools.partial(_load, name) for name in files}


def bundled_aliases() -> dict[str, str]:
    """Old or short QMK names (`crkbd`, `kyria`) → the bundled board's QMK path."""
    return dict(_index()[1])


def resolve_bundled_name(name: str) -> str | None:
    """The bundled board's QMK path for `name` (a path or an alias), or None."""
    files, aliases = _index()
    name = name.strip().strip("/")
    if name in files:
        return name
    return aliases.get(name)


def load_bundled(name: str) -> Keyboard:
    """A bundled board by QMK path or alias; KeyError (with the known names) if there is none."""
    resolved = resolve_bundled_name(name)
    if resolved is None:
        known = ", ".join(sorted(_index()[0]))
        raise KeyError(f"no bundled keyboard {name!r} (bundled: {known})")
    return _load(resolved)
