"""The keyboard a keymap.c's own folder defines: QMK's `<keyboard>/keymaps/<name>/keymap.c` shape.

Users keep custom and forked boards in their own repositories (a hand-wired board, a
Keychron fork, a keyboard not yet in QMK): `keyboards/cosmotyl/keyboard.json` above
`keyboards/cosmotyl/keymaps/vial/keymap.c`, or a keymap.c right beside its keyboard.json.
QMK builds such a keymap with that definition, and so can an import, when the catalogue does
not know the board or lacks the file's layout. Files are merged as QMK merges a keyboard's
folders: each parent's info.json/keyboard.json first, the most specific one last (it wins), and
their rules.mk and config.h as `qmk info` reads them (a hand-wired board's `MATRIX_ROWS`,
`SPLIT_KEYBOARD`). A keymap kept in a folder of boards (`cocot38mini/keymaps/x` beside `v1/` and
`v2/`) builds for each of them, as in QMK: the folder's `DEFAULT_FOLDER` first, then the first
board with the keymap's layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyconf.formats.definition_source import parse_definition_json, read_definition_text
from keyconf.formats.qmk_build_files import apply_rules, parse_rules_mk
from keyconf.formats.qmk_info import (
    apply_make_settings,
    folders_build_files,
    header_layout_definitions,
    keyboard_from_info,
    place_header_layouts,
)
from keyconf.model.keyboard import Keyboard

DEFINITION_NAMES = ("info.json", "keyboard.json")
_MAX_PARENTS = 4  # keyboards/<maker>/<board>/<revision>: deeper is not a keyboard folder
_MAX_BOARDS = 16  # boards of one folder worth reading (revisions, halves, controllers)


@dataclass
class FolderBoard:
    """The board a keymap's own folders define."""

    keyboard: Keyboard
    files: list[Path]  # the definition files it is made of, the most specific first
    boards: int = 1  # boards in the keymap's folder: more than one when it is a folder of boards
    chosen_by: str = ""  # among several, why this one: "its DEFAULT_FOLDER", "the first with LAYOUT_x of 36 keys"


def keyboard_folder(keymap: Path) -> Path:
    """The keyboard folder of a keymap.c: above `keymaps/<name>/`, else the keymap's own folder."""
    folder = keymap.resolve().parent
    return folder.parent.parent if folder.parent.name == "keymaps" else folder


def _chain(folder: Path) -> list[Path]:
    """The folders QMK merges for the board in `folder`, the most specific first, up to the
    highest one with a definition file; empty when `folder` itself has none."""
    if not any((folder / name).is_file() for name in DEFINITION_NAMES):
        return []
    folders: list[Path] = []
    for _ in range(_MAX_PARENTS):
        if any((folder / name).is_file() for name in DEFINITION_NAMES):
            folders.append(folder)
        if folder.name == "keyboards" or (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
        if folder.name == "keyboards":
            break
    top = folders[-1]
    folder = folders[0]
    every = [folder]
    while folder != top:
        folder = folder.parent
        every.append(folder)
    return every


def _files_of(chain: list[Path]) -> list[Path]:
    return [folder / name for folder in chain for name in DEFINITION_NAMES if (folder / name).is_file()]


def definition_files(keymap: Path) -> list[Path]:
    """The definition files QMK would merge for the keymap's keyboard, the most specific first;
    none when the keyboard folder itself has none (then it is not a keyboard folder)."""
    return _files_of(_chain(keyboard_folder(keymap)))


def keyboard_name(keymap: Path) -> str:
    """The board's QMK path: the folders after `keyboards/`, else the keyboard folder's name."""
    return _name_of(keyboard_folder(keymap))


def _name_of(folder: Path) -> str:
    parts = folder.parts
    if "keyboards" in parts:
        start = len(parts) - parts[::-1].index("keyboards")
        if start < len(parts):
            return "/".join(parts[start:])
    return parts[-1] if parts else "keyboard"


def local_keyboard(keymap: Path, macro: str = "", keys: int = 0) -> Keyboard | None:
    """The keyboard the keymap's own folders define, or None. Raises KeyboardDefinitionError
    (file, line and what is wrong) for a definition that does not read."""
    found = folder_board(keymap, macro, keys)
    return found.keyboard if found is not None else None


def folder_board(keymap: Path, macro: str = "", keys: int = 0) -> FolderBoard | None:
    """The board the keymap's own folders define: its keyboard folder's, or in a folder of
    boards the one QMK's `DEFAULT_FOLDER` names, else the first with layout `macro` of `keys`
    keys (when given). Raises KeyboardDefinitionError for a definition that does not read."""
    folder = keyboard_folder(keymap)
    chain = _chain(folder)
    boards = _boards_inside(folder)
    if chain and (not boards or _has_layouts(chain)):
        return FolderBoard(_board(chain), _files_of(chain))
    default = _default_folder(folder)
    for board_folder in boards:
        board = _board(_chain(board_folder), folder)
        if macro:
            current = board.resolve_layout_name(macro)
            if current is None or keys and board.layouts[current].key_count != keys:
                continue
        why = ("its rules.mk's DEFAULT_FOLDER" if default is not None and board_folder in (default, *default.parents)
               else f"the first with {macro}{f' of {keys} keys' if keys else ''}" if macro else "the first")
        return FolderBoard(board, _files_of(_chain(board_folder)), len(boards), why)
    return None


def _boards_inside(folder: Path) -> list[Path]:
    """The board folders below a keyboard folder (its revisions), `DEFAULT_FOLDER`'s first."""
    found: list[Path] = []
    for depth in ("*", "*/*"):
        for definition in sorted(folder.glob(f"{depth}/keyboard.json")) + sorted(folder.glob(f"{depth}/info.json")):
            board = definition.parent
            if "keymaps" not in board.relative_to(folder).parts and board not in found:
                found.append(board)
    # A board is a folder no other board is inside of (v2/ with v2/elitec/ and v2/splinky/ is not).
    found = [b for b in found if not any(o != b and b in o.parents for o in found)][:_MAX_BOARDS]
    default = _default_folder(folder)
    if default is not None:
        found.sort(key=lambda board: board != default and default not in board.parents)
    return found


def _default_folder(folder: Path) -> Path | None:
    """The folder rules.mk's `DEFAULT_FOLDER` names (a QMK path ending in a folder below this one)."""
    try:
        text = (folder / "rules.mk").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    default = apply_rules(parse_rules_mk(text, ("DEFAULT_FOLDER",))).get("DEFAULT_FOLDER", "").strip("/ ")
    own = _name_of(folder)
    for prefix in (own + "/", folder.name + "/"):
        if default.startswith(prefix) and (folder / default[len(prefix):]).is_dir():
            return folder / default[len(prefix):]
    return None


def _has_layouts(chain: list[Path]) -> bool:
    for file in _files_of(chain):
        data = parse_definition_json(read_definition_text(file), file)
        if isinstance(data, dict) and data.get("layouts"):
            return True
    return False


def _board(chain: list[Path], keyboard_folder: Path | None = None) -> Keyboard:
    """The board of `chain`; the rules.mk and config.h of each of its folders count, and of the
    folders up to `keyboard_folder` (the keymap's, above a board inside it)."""
    files = _files_of(chain)
    if keyboard_folder is not None and keyboard_folder in chain[-1].parents:
        while chain[-1] != keyboard_folder:
            chain = [*chain, chain[-1].parent]
    header, header_aliases = header_layout_definitions(list(reversed(chain)))
    merged: dict[str, Any] = {"layouts": dict(header)}
    listed: set[str] = set()
    for file in reversed(files):  # parents first: the keyboard's own file wins
        text = read_definition_text(file)
        data = parse_definition_json(text, file)
        if not isinstance(data, dict):
            continue
        data = dict(data)
        layouts = data.pop("layouts", None)
        if isinstance(layouts, dict):
            for name, layout in layouts.items():
                merged["layouts"][name] = _over_header(merged["layouts"].get(name), layout)
            listed.update(layouts)
        _deep_update(merged, data)
    place_header_layouts(merged["layouts"], listed)
    for alias, target in header_aliases.items():  # what the JSON names itself wins
        if alias not in merged["layouts"]:
            merged.setdefault("layout_aliases", {}).setdefault(alias, target)
    apply_make_settings(merged, *folders_build_files(list(reversed(chain))))
    name = _name_of(chain[0])
    if keyboard_folder is not None and keyboard_folder in chain[0].parents and "keyboards" not in chain[0].parts:
        name = "/".join([keyboard_folder.name, *chain[0].relative_to(keyboard_folder).parts])  # cocot38mini/v1
    merged["keyboard_folder"] = name
    return keyboard_from_info(merged, name, path=files[0])


def _over_header(header: Any, layout: Any) -> Any:
    """A JSON layout over the header's macro of the same name: its keys take the header's matrix places
    where they name none (an info.json of x/y only, as QMK fills it from the macro's body)."""
    if not (isinstance(header, dict) and header.get("from_header") and isinstance(layout, dict)
            and isinstance(layout.get("layout"), list) and len(layout["layout"]) == len(header["layout"])):
        return layout
    keys = [{**old, **new} if isinstance(new, dict) else new for old, new in zip(header["layout"], layout["layout"],
                                                                                 strict=True)]
    return {**layout, "layout": keys}


def _deep_update(target: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value
