"""Keyboards for the import/export/diff/render commands: by name, by USB id, or from a file.

`--keyboard` takes a QMK keyboard name (`crkbd/rev1`, an alias such as `crkbd`) or the path
of a keyboard definition file (a VIA or Vial definition, or a QMK info.json/keyboard.json).
A keyboard from a file is not in the catalogue, so layouts made with it carry its geometry."""

from __future__ import annotations

import dataclasses
import itertools
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
            print(f"keyconf: warning: keyconf does not know keyboard {value}: read with {board.name}, the board "
                  f"a fork's name stands for (ZSA's zsa/moonlander/reva, zsa/ergodox_ez/m32u4/glow; QMK builds the "
                  f"keymap for {board.name})", file=sys.stderr)
            return ChosenKeyboard(board, False)
        hint = (
            f"did you mean {', '.join(error.suggestions)}?"
            if error.suggestions
            else "give a QMK keyboard name, or the path of its VIA/Vial definition or info.json"
        )
        raise CommandError(f"unknown keyboard {value}", EXIT_USAGE, hint) from None


def _board_above(name: str) -> Keyboard | None:
    """The board keyconf has that a fork's longer name stands for: the name with its last folders left off
    (`zsa/moonlander/reva` → `zsa/moonlander`: a vendor's fork adds a revision folder under a board QMK keeps
    whole), else with folders the fork put around the same board left out, its own last folder kept
    (`zsa/ergodox_ez/m32u4/glow` → `ergodox_ez/glow`), when exactly one such board exists. Only a board by
    that exact name, never a folder's default revision (keebio/iris/rev6b is no revision of keebio/iris/rev8)."""
    parts = name.strip().strip("/").split("/")
    for depth in range(len(parts) - 1, 0, -1):
        board = _exactly("/".join(parts[:depth]))
        if board is not None or _known("/".join(parts[:depth])):
            return board
    if not 3 <= len(parts) <= _MAX_FORK_DEPTH:
        return None
    for kept in range(len(parts) - 2, 1, -1):  # the fewest folders left out first
        names = ["/".join([*inner, parts[-1]]) for inner in itertools.combinations(parts[:-1], kept - 1)]
        found = [board for board in map(_exactly, names) if board is not None]
        if found:
            return found[0] if len(found) == 1 else None
    return None


_MAX_FORK_DEPTH = 6


def _known(name: str) -> bool:
    try:
        find_keyboard(name)
    except UnknownKeyboardError:
        return False
    return True


def _exactly(name: str) -> Keyboard | None:
    """The board keyconf has by exactly this name (not a folder's default revision, not an alias)."""
    try:
        board = find_keyboard(name)
    except UnknownKeyboardError:
        return None
    return board if board.name == name else None


def named_board(chosen: ChosenKeyboard, value: str) -> ChosenKeyboard:
    """The board of a definition file that names no QMK path (a board's own keyboard.json kept beside a
    VIA save), named by its file, with a note: a layout made with it needs a `keyboard:`."""
    if not chosen.from_file or chosen.keyboard.name:
        return chosen
    named = board_name_of_file(Path(value))
    print(f"keyconf: note: {value} does not name its keyboard; the layout calls it {named}", file=sys.stderr)
    return dataclasses.replace(chosen, keyboard=dataclasses.replace(chosen.keyboard, name=named))


def _vial_definition(data: dict[str, Any], path: Path) -> Keyboard:
    """The board of a Vial definition (the vial.json a Vial firmware is built with): a VIA definition
    without USB ids, as Vial finds its boards by their serial number, with encoders marked Vial's way.
    Its `customKeycodes` name the board's own keycodes, which old Vial saves hold by those names."""
    from keyconf.device.errors import DefinitionError
    from keyconf.device.vial_geometry import keyboard_from_vial

    try:
        return keyboard_from_vial(data, str(data.get("name") or board_name_of_file(path)), 0, 0)
    except DefinitionError as error:
        raise CommandError(f"{path}: {error.message}", EXIT_USAGE, error.hint) from None


def board_name_of_file(path: Path) -> str:
    """A name for the board of a QMK definition file that names no board path (only `qmk info` merges
    `keyboard_folder` in), which a layout made with it needs: the file's folder below `keyboards/`
    (`neo/neo65p_wired`), else that folder's name beside its keyboard.json or info.json, else the file's
    own name."""
    folder = path.resolve().parent
    if path.name == "vial.json" and folder.parent.name == "keymaps":
        # keyboards/<board>/keymaps/<keymap>/vial.json, where Vial firmware keeps its definition
        return board_name_of_file(folder.parent.parent / "info.json")
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
            if "vendorId" not in data and "productId" not in data:
                return _vial_definition(data, path)
            return via_definition_from_data(data, DataSource.of(path, text)).keyboard
        return keyboard_from_info(data, None, path=path, text=text)
    except KeyboardDefinitionError as error:
        raise CommandError(str(error), EXIT_USAGE, getattr(error, "hint", None)) from None
