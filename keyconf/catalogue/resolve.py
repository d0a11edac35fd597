"""Find the keyboard a layout is for: its embedded geometry, or the catalogue's one resolver
(the user's QMK tree where it has the board, the bundled catalogue, added VIA definitions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyconf.model.keyboard import Keyboard

if TYPE_CHECKING:
    from keyconf.catalogue.catalogue import Catalogue
    from keyconf.model.layout import Layout


class UnknownKeyboardError(LookupError):
    """No usable keyboard of that name: `suggestions` are close names; `reason` is set when a
    definition exists but cannot be read (file, line, column and what is wrong)."""

    def __init__(self, name: str, suggestions: list[str] | None = None, reason: str | None = None):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions or []
        self.reason = reason


def resolve_keyboard(layout: Layout, *, remembered: bool = False) -> Keyboard:
    """The keyboard geometry for `layout`; raises UnknownKeyboardError with suggestions.

    `remembered`: a board found before is taken from `board_cache` while the catalogue is
    unchanged (the editor's start opens no catalogue), and a board found now is kept there."""
    if layout.geometry is not None:
        return layout.geometry
    if not remembered:
        return find_keyboard(layout.keyboard)
    from keyconf.catalogue.board_cache import cached_board, remember_board

    board = cached_board(layout.keyboard)
    if board is not None:
        return board
    from keyconf.catalogue.catalogue import Catalogue

    catalogue = Catalogue.open()
    board = find_keyboard(layout.keyboard, catalogue)
    files = catalogue.decided_by(layout.keyboard)
    if files is not None:
        remember_board(layout.keyboard, board, files)
    return board


def find_keyboard(name: str, catalogue: Catalogue | None = None) -> Keyboard:
    """A keyboard by name, by the catalogue's one rule (`Catalogue.find`): the user's
    qmk_firmware tree when it has the board, then the bundled catalogue (QMK paths, old names,
    `planck`-style folders, `via:` paths), then VIA definitions the user added."""
    from keyconf.catalogue.catalogue import Catalogue, UnknownKeyboard
    from keyconf.formats.definition_source import KeyboardDefinitionError

    catalogue = Catalogue.open() if catalogue is None else catalogue
    try:
        return catalogue.find(name)
    except UnknownKeyboard as error:
        raise UnknownKeyboardError(name, error.suggestions) from None
    except KeyboardDefinitionError as error:
        raise UnknownKeyboardError(name, [], reason=str(error)) from None


class CatalogueKeyboards:
    """The `KeyboardFinder` the commands use: keyboards keyconf knows (bundled and catalogued)."""

    def __init__(self, catalogue: Catalogue | None = None):
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from keyconf.catalogue.catalogue import Catalogue

            self._catalogue = Catalogue.open()
        return self._catalogue

    def by_name(self, name: str) -> Keyboard | None:
        try:
            return find_keyboard(name, self.catalogue)
        except UnknownKeyboardError:
            return None

    def by_usb_id(self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None) -> Keyboard | None:
        """The keyboard with this USB id; among several (ids are often shared: a maker's
        ANSI, ISO and JIS boards, QMK's and VIA's definitions of one board), the one whose
        matrix holds `matrix_keys` positions and whose name is closest to `name` (the product
        name a VIA save or the device reports)."""
        boards = []
        for order, (_, load) in enumerate(self.catalogue.usb_candidates(vid, pid)):
            try:
                board = load()
            except Exception:  # noqa: BLE001 - a broken definition is skipped, the next candidate tried
                continue
            if (board.usb_vid, board.usb_pid) != (vid, pid):
                continue
            size = board.matrix_rows * board.matrix_cols
            if matrix_keys is not None and size not in (0, matrix_keys):
                continue
            # Ties go to the revision QMK's old names lead to (`crkbd` -> crkbd/rev1).
            boards.append((-_closeness(name, board), size != matrix_keys, not board.keyboard_aliases, order, board))
        if not boards:
            return None
        boards.sort(key=lambda item: item[:4])
        return boards[0][4]


def _closeness(wanted: str, board: Keyboard) -> float:
    """How well a product name matches a board's names: shared words count, and the whole
    name inside the board's wins."""
    wanted_squeezed = _squeeze(wanted)
    if not wanted_squeezed:
        return 0.0
    names = [board.display_name, board.name, *board.keyboard_aliases]
    score = 0.0
    if any(wanted_squeezed == _squeeze(n) for n in names):
        score += 10
    elif any(wanted_squeezed in _squeeze(n) for n in names):
        score += 5
    wanted_words = set(_words(wanted))
    board_words = set().union(*(_words(n) for n in names))
    return score + len(wanted_words & board_words)


def _words(text: str) -> set[str]:
    return {w for w in "".join(ch if ch.isalnum() else " " for ch in text.lower()).split() if w}


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
