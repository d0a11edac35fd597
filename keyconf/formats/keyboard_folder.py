"""The keyboard a keymap.c's own folder defines: QMK's `<keyboard>/keymaps/<name>/keymap.c` shape.

Users keep custom and forked boards in their own repositories (a hand-wired board, a
Keychron fork, a keyboard not yet in QMK): `keyboards/cosmotyl/keyboard.json` above
`keyboards/cosmotyl/keymaps/vial/keymap.c`, or a keymap.c right beside its keyboard.json.
QMK builds such a keymap with that definition, and so can an import, when the catalogue does
not know the board or lacks the file's layout. Files are merged as QMK merges a keyboard's
folders: each parent's info.json/keyboard.json first, the most specific one last (it wins)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyconf.formats.definition_source import parse_definition_json, read_definition_text
from keyconf.formats.qmk_info import keyboard_from_info
from keyconf.model.keyboard import Keyboard

DEFINITION_NAMES = ("info.json", "keyboard.json")
_MAX_PARENTS = 4  # keyboards/<maker>/<board>/<revision>: deeper is not a keyboard folder


def keyboard_folder(keymap: Path) -> Path:
    """The keyboard folder of a keymap.c: above `keymaps/<name>/`, else the keymap's own folder."""
    folder = keymap.resolve().parent
    return folder.parent.parent if folder.parent.name == "keymaps" else folder


def definition_files(keymap: Path) -> list[Path]:
    """The definition files QMK would merge for the keymap's keyboard, the most specific first;
    none when the keyboard folder itself has none (then it is not a keyboard folder)."""
    folder = keyboard_folder(keymap)
    files: list[Path] = []
    for _ in range(_MAX_PARENTS):
        found = [folder / name for name in DEFINITION_NAMES if (folder / name).is_file()]
        if not found and not files:
            return []
        files += found
        if folder.name == "keyboards" or (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
        if folder.name == "keyboards":
            break
    return files


def keyboard_name(keymap: Path) -> str:
    """The board's QMK path: the folders after `keyboards/`, else the keyboard folder's name."""
    parts = keyboard_folder(keymap).parts
    if "keyboards" in parts:
        start = len(parts) - parts[::-1].index("keyboards")
        if start < len(parts):
            return "/".join(parts[start:])
    return parts[-1] if parts else "keyboard"


def local_keyboard(keymap: Path) -> Keyboard | None:
    """The keyboard the keymap's own folders define, or None. Raises KeyboardDefinitionError
    (file, line and what is wrong) for a definition that does not read."""
    files = definition_files(keymap)
    if not files:
        return None
    merged: dict[str, Any] = {"layouts": {}}
    for file in reversed(files):  # parents first: the keyboard's own file wins
        text = read_definition_text(file)
        data = parse_definition_json(text, file)
        if not isinstance(data, dict):
            continue
        data = dict(data)
        layouts = data.pop("layouts", None)
        if isinstance(layouts, dict):
            merged["layouts"].update(layouts)
        _deep_update(merged, data)
    name = keyboard_name(keymap)
    merged["keyboard_folder"] = name
    return keyboard_from_info(merged, name, path=files[0])


def _deep_update(target: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value
