"""Keyboards for the import/export/diff/render commands: by name, by USB id, or from a file.

`--keyboard` takes a QMK keyboard name (`crkbd/rev1`, an alias such as `crkbd`) or the path
of a keyboard definition file (a VIA or Vial definition, or a QMK info.json/keyboard.json).
A keyboard from a file is not in the catalogue, so layouts made with it carry its geometry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.resolve import UnknownKeyboardError, find_keyboard
from keyconf.cli.command import EXIT_USAGE, CommandError
from keyconf.formats.definition_source import (
    DataSource,
    KeyboardDefinitionError,
    parse_definition_json,
    read_definition_text,
)
from keyconf.formats.qmk_info import keyboard_from_info
from keyconf.formats.via_definition import via_definition_from_data
from keyconf.model.keyboard import Keyboard


class CatalogueKeyboards:
    """The `KeyboardFinder` the commands use: keyboards keyconf knows (bundled and catalogued)."""

    def by_name(self, name: str) -> Keyboard | None:
        try:
            return find_keyboard(name)
        except UnknownKeyboardError:
            return None

    def by_usb_id(self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None) -> Keyboard | None:
        """The keyboard with this USB id; among several (ids are often shared), the one whose
        matrix holds `matrix_keys` positions and whose name is closest to `name`."""
        candidates = [
            (entry_name, rows * cols, loader)
            for entry_name, rows, cols, loader in self._usb_candidates(vid, pid)
            if matrix_keys is None or rows * cols in (0, matrix_keys)
        ]
        wanted = _squeeze(name)
        candidates.sort(key=lambda c: (c[1] != matrix_keys, not (wanted and wanted in _squeeze(c[0]))))
        for _, _, loader in candidates:
            keyboard = loader()
            if keyboard is not None and (keyboard.usb_vid, keyboard.usb_pid) == (vid, pid):
                return keyboard
        return None

    def _usb_candidates(self, vid: int, pid: int) -> list[tuple[str, int, int, Callable[[], Keyboard | None]]]:
        catalogue = Catalogue.open()
        return [
            (entry.name or entry.path, entry.matrix_rows, entry.matrix_cols, _loader(catalogue, entry))
            for entry in catalogue.by_usb(vid, pid)
            if not entry.broken
        ]


def _loader(catalogue: Catalogue, entry: Any) -> Callable[[], Keyboard | None]:
    def load() -> Keyboard | None:
        try:
            return catalogue.load(entry)
        except Exception:  # noqa: BLE001 - a broken definition is skipped, the next candidate tried
            return None

    return load


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass
class ChosenKeyboard:
    keyboard: Keyboard
    from_file: bool  # a definition file the catalogue does not know: embed its geometry


def keyboard_option(value: str | None) -> ChosenKeyboard | None:
    """The keyboard `--keyboard VALUE` names; CommandError (usage) when there is none."""
    if not value:
        return None
    path = Path(value)
    if path.is_file():
        return ChosenKeyboard(load_definition_file(path), True)
    try:
        return ChosenKeyboard(find_keyboard(value), False)
    except UnknownKeyboardError as error:
        hint = (
            f"did you mean {', '.join(error.suggestions)}?"
            if error.suggestions
            else "give a QMK keyboard name, or the path of its VIA/Vial definition or info.json"
        )
        raise CommandError(f"unknown keyboard {value}", EXIT_USAGE, hint) from None


def load_definition_file(path: Path) -> Keyboard:
    """A keyboard from a VIA/Vial definition or a QMK info.json-shaped file."""
    try:
        text = read_definition_text(path)
        data: Any = parse_definition_json(text, path)
        if isinstance(data, dict) and isinstance(data.get("layouts"), dict) and "keymap" in data["layouts"]:
            return via_definition_from_data(data, DataSource.of(path, text)).keyboard
        return keyboard_from_info(data, None, path=path, text=text)
    except KeyboardDefinitionError as error:
        raise CommandError(str(error), EXIT_USAGE, getattr(error, "hint", None)) from None
