"""What the catalogue knows about one keyboard without loading its full geometry.

Entries are immutable named tuples rather than dataclasses: a catalogue holds thousands and
rebuilds them from the cache on every start, and a named tuple is built from a cached row
several times faster. `Catalogue.load` turns an entry into a full
`keyconf.model.keyboard.Keyboard` when it is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NamedTuple, overload

from keyconf.model.keyboard import Keyboard


class Source(StrEnum):
    """Where an entry comes from; also the order of preference when two sources know a board."""

    QMK = "qmk"  # the user's qmk_firmware tree
    BUNDLED = "bundled"  # shipped with keyconf
    VIA = "via"  # a VIA definition file the user added


_SOURCES = {source.value: source for source in Source}


class LayoutSummary(NamedTuple):
    name: str  # the QMK `LAYOUT_*` macro name (or a VIA definition's layout name)
    key_count: int


class KeyboardEntry(NamedTuple):
    """One keyboard of the catalogue.

    `path` is the QMK keyboard path (`planck/rev6`), or for a VIA definition file a name made
    from the file. `broken` holds the reason when the definition cannot be used; such entries
    are still listed so the user learns why a board is missing."""

    path: str
    name: str
    source: Source
    manufacturer: str = ""
    layouts: tuple[LayoutSummary, ...] = ()
    layout_aliases: tuple[tuple[str, str], ...] = ()
    matrix_rows: int = 0
    matrix_cols: int = 0
    processor: str | None = None
    bootloader: str | None = None
    usb_vid: int | None = None
    usb_pid: int | None = None
    via_keymap: bool = False  # a `via` keymap exists (in the tree or the userspace)
    vial_keymap: bool = False
    community_layouts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names that lead here (QMK keyboard_aliases)
    user_keymaps: tuple[str, ...] = ()  # keymaps for this board in the user's QMK userspace
    location: str = ""  # the file or folder the definition was read from
    broken: str | None = None

    @property
    def key_counts(self) -> tuple[int, ...]:
        return tuple(layout.key_count for layout in self.layouts)

    @property
    def usb_id(self) -> str | None:
        """`VVVV:PPPP` in upper-case hex, as lsusb prints it, when both ids are known."""
        if self.usb_vid is None or self.usb_pid is None:
            return None
        return f"{self.usb_vid:04X}:{self.usb_pid:04X}"

    def to_row(self) -> tuple[Any, ...]:
        """The entry as plain builtins (str, int, bool, None, tuples) for the cache."""
        return (self.path, self.name, self.source.value, self.manufacturer,
                tuple((layout.name, layout.key_count) for layout in self.layouts), *self[5:])

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> KeyboardEntry:
        """Reverse `to_row`; raises TypeError/ValueError/KeyError on a malformed row."""
        if len(row) != len(cls._fields):
            raise ValueError("cached entry has the wrong number of fields")
        return cls(row[0], row[1], _SOURCES[row[2]], row[3],
                   tuple(LayoutSummary(name, count) for name, count in row[4]), *row[5:])

    def as_json(self) -> dict[str, Any]:
        """A JSON-friendly dict, for `keyconf keyboards --json` and other faces."""
        return {
            "path": self.path, "name": self.name, "source": self.source.value,
            "manufacturer": self.manufacturer,
            "layouts": [{"name": layout.name, "keys": layout.key_count} for layout in self.layouts],
            "layout_aliases": dict(self.layout_aliases),
            "matrix": [self.matrix_rows, self.matrix_cols],
            "processor": self.processor, "bootloader": self.bootloader,
            "usb": {"vid": _hex(self.usb_vid), "pid": _hex(self.usb_pid)},
            "via_keymap": self.via_keymap, "vial_keymap": self.vial_keymap,
            "community_layouts": list(self.community_layouts), "aliases": list(self.aliases),
            "user_keymaps": list(self.user_keymaps), "location": self.location, "broken": self.broken,
        }


def _hex(value: int | None) -> str | None:
    return None if value is None else f"0x{value:04X}"


def entry_from_keyboard(board: Keyboard, path: str, source: Source, location: str = "") -> KeyboardEntry:
    """An entry for a keyboard that is already loaded (a VIA definition file)."""
    return KeyboardEntry(
        path=path,
        name=board.display_name or board.name or path,
        source=source,
        manufacturer=board.manufacturer,
        layouts=tuple(LayoutSummary(name, macro.key_count) for name, macro in board.layouts.items()),
        layout_aliases=tuple(sorted(board.layout_aliases.items())),
        matrix_rows=board.matrix_rows,
        matrix_cols=board.matrix_cols,
        processor=board.processor,
        bootloader=board.bootloader,
        usb_vid=board.usb_vid,
        usb_pid=board.usb_pid,
        community_layouts=tuple(board.community_layouts),
        aliases=tuple(board.keyboard_aliases),
        location=location,
    )


class LazyEntries(Sequence[KeyboardEntry]):
    """Cached rows that become entries when first looked at.

    A warm start hands thousands of rows to the search index; only the few a search returns
    are ever turned into entries, so the start does not pay for building them all."""

    def __init__(self, rows: Sequence[tuple[Any, ...]]):
        self._rows = rows
        self._built: list[KeyboardEntry | None] = [None] * len(rows)

    @staticmethod
    def well_formed(rows: Any) -> bool:
        """A cheap shape check of cached rows (a malformed cache is rebuilt, not trusted)."""
        size = len(KeyboardEntry._fields)
        return isinstance(rows, tuple) and all(
            type(row) is tuple and len(row) == size and row[2] in _SOURCES for row in rows
        )

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> KeyboardEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[KeyboardEntry]: ...

    def __getitem__(self, index: int | slice) -> KeyboardEntry | list[KeyboardEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        entry = self._built[index]
        if entry is None:
            row = self._rows[index]
            try:
                entry = KeyboardEntry.from_row(row)
            except (TypeError, ValueError, KeyError):  # only a damaged cache gets here
                entry = KeyboardEntry(str(row[0]), str(row[0]), _SOURCES[row[2]],
                                      broken="the cached index is damaged: run `keyconf keyboards --refresh`")
            self._built[index] = entry
        return entry

    def path(self, index: int) -> str:
        """The path of an entry without building it."""
        return str(self._rows[index][0])
