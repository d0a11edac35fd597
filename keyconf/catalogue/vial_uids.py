"""Which keyboard a Vial keyboard id is: the ids of vial-qmk's boards (resources/vial/keyboard_uids.json,
written by tools/gen_vial_uids.py).

A Vial save names its board only by that id, so the board folder is how a .vil finds its keyboard
without --keyboard; and a layout for such a board is written back to Vial with the id its firmware
reports, so Vial loads it without asking.
"""

from __future__ import annotations

import functools
import json

from keyconf.resources import resource_path

UIDS_FILE = "keyboard_uids.json"


@functools.cache
def _rows() -> tuple[tuple[int, str, str], ...]:
    """(id, board folder, keymap) for every id of the table, the `vial` keymap's first for a folder;
    none when the table is missing or unreadable (a save then goes without a board, as before)."""
    try:
        data = json.loads(resource_path("vial").joinpath(UIDS_FILE).read_text("utf-8"))
        return tuple((int(uid, 16), str(folder), str(keymap)) for uid, folder, keymap in data["uids"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def folders_for_uid(uid: int) -> list[str]:
    """The board folders whose Vial keymaps report `uid` (a folder's keymap serves the boards below it)."""
    uid &= 0xFFFFFFFFFFFFFFFF
    return list(dict.fromkeys(folder for value, folder, _ in _rows() if value == uid))


def uid_for_board(name: str) -> int | None:
    """The id the Vial firmware of board `name` (a QMK path) reports: that of the nearest folder
    above it with a Vial keymap, its `vial` keymap's where it has several; None for a board Vial lacks."""
    best: tuple[int, int] | None = None  # (length of the folder, id)
    for value, folder, _ in _rows():
        if (name == folder or name.startswith(folder + "/")) and (best is None or len(folder) > best[0]):
            best = (len(folder), value)
    return best[1] if best is not None else None
