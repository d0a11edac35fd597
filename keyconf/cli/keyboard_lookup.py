"""Keyboards for the import/export/diff/render commands: by name, by USB id, or from a file.

`--keyboard` takes a QMK keyboard name (`crkbd/rev1`, an alias such as `crkbd`) or the path
of a keyboard definition file (a VIA or Vial definition, or a QMK info.json/keyboard.json).
A keyboard from a file is not in the catalogue, so layouts made with it carry its geometry."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        board = _board_above(value)
        if board is not None:
            print(f"keyconf: warning: keyconf does not know keyboard {value}: read with {board.name}, the board it "
                  f"names a revision of (a fork's name such as ZSA's zsa/moonlander/reva; QMK builds the keymap for "
                  f"{board.name})", file=sys.stderr)
            return ChosenKeyboard(board, False)
        hint = (
            f"did you mean {', '.join(error.suggestions)}?"
            if error.suggestions
            else "give a QMK keyboard name, or the path of its VIA/Vial definition or info.json"
        )
        raise CommandError(f"unknown keyboard {value}", EXIT_USAGE, hint) from None


def _board_above(name: str) -> Keyboard | None:
    """The board a longer name lies below (`zsa/moonlander/reva` → `zsa/moonlander`): a vendor's fork adds
    a revision folder under a board QMK keeps whole. Only a board by that exact name, never a folder's
    default revision (keebio/iris/rev6b is no revision of keebio/iris/rev8)."""
    parts = name.strip().strip("/").split("/")
    for depth in range(len(parts) - 1, 0, -1):
        above = "/".join(parts[:depth])
        try:
            board = find_keyboard(above)
        except UnknownKeyboardError:
            continue
        return board if board.name == above else None
    return None


def board_name_of_file(path: Path) -> str:
    """A name for the board of a QMK definition file that names no board path (only `qmk info` merges
    `keyboard_folder` in), which a layout made with it needs: the file's folder below `keyboards/`
    (`neo/neo65p_wired`), else that folder's name beside its keyboard.json or info.json, else the file's
    own name."""
    folder = path.resolve().parent
    if path.name not in ("keyboard.json", "info.json"):
        return path.name.removesuffix(".json") or "keyboard"
    parts = folder.parts
    if "keyboards" in parts:
        below = parts[len(parts) - parts[::-1].index("keyboards"):]
        if below:
            return "/".join(below)
    return folder.name or "keyboard"


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
