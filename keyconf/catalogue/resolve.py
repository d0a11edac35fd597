"""Find the keyboard a layout is for: its embedded geometry, or the catalogue's one resolver
(the user's QMK tree where it has the board, the bundled catalogue, added VIA definitions)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
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
    from keyconf.catalogue.board_cache import cached_board, remember_board, stamps_of

    board = cached_board(layout.keyboard)
    if board is not None:
        return board
    from keyconf.catalogue.catalogue import Catalogue

    catalogue = Catalogue.open()
    files = catalogue.decided_by(layout.keyboard)
    stamps = stamps_of(files) if files is not None else None
    board = find_keyboard(layout.keyboard, catalogue)
    if stamps is not None:
        remember_board(layout.keyboard, board, stamps)
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

    def bundled_by_name(self, name: str) -> tuple[Keyboard, str] | None:
        """keyconf's own definition of a board the user's QMK tree also defines, and the QMK it
        comes from ("QMK 2025-07-17"): the tree may predate a layout a file uses. None without a
        tree, or when keyconf knows the board only from the tree."""
        from keyconf.catalogue.catalogue import UnknownKeyboard
        from keyconf.formats.definition_source import KeyboardDefinitionError

        catalogue = self.catalogue
        if catalogue.qmk_home is None:
            return None
        try:
            board = catalogue.find(name, tree=False)
        except (UnknownKeyboard, KeyboardDefinitionError):
            return None
        bundle = catalogue.bundle
        qmk = next((s for s in bundle.sources if s.name == "qmk_firmware"), None) if bundle is not None else None
        return board, f"QMK {qmk.date[:10]}" if qmk is not None else "keyconf's catalogue"

    def module_roots(self) -> list[Path]:
        """Where QMK looks for community modules (`modules/` of the userspace, then of the tree), as
        far as the catalogue knows them."""
        catalogue = self.catalogue
        return [*([catalogue.userspace] if catalogue.userspace else []),
                *([catalogue.qmk_home.path] if catalogue.qmk_home else [])]

    def suggestions(self, name: str) -> list[str]:
        """Boards whose names are close to `name` (a board QMK renamed or merged: keebio/iris/rev6b)."""
        return self.catalogue.suggestions(name)

    def boards_under(self, folder: str) -> list[str]:
        """The keyboards inside `folder` (`bastardkb/charybdis/3x5`: its revisions), by QMK path."""
        prefix = folder.strip("/") + "/"
        return sorted({entry.path for entry in self.catalogue.entries if entry.path.startswith(prefix)})

    def boards_ending(self, name: str) -> list[str]:
        """QMK keyboards whose path ends in `name` after a folder (`keebio/iris/rev2` for `iris/rev2`: a
        board QMK moved into its maker's folder, named as before the move)."""
        suffix = "/" + name.strip("/")
        paths = (entry.path for entry in self.catalogue.entries)
        return sorted({path for path in paths if path.endswith(suffix) and not path.startswith("via:")})

    def by_usb_id(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> Keyboard | None:
        """The keyboard with this USB id; among several (ids are often shared: a maker's
        ANSI, ISO and JIS boards, a board's revisions, QMK's and VIA's definitions of one board),
        see `usb_choice`."""
        return self.usb_choice(vid, pid, name, matrix_keys, positions)[0]

    def usb_choice(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> tuple[Keyboard | None, str | None]:
        """The keyboard with this USB id, and why it was chosen when several share the id: the
        one whose matrix holds `matrix_keys` positions, whose layouts place the most of the save's
        used `positions` (row * cols + col), whose name is closest to `name` (the product name a
        VIA save or the device reports)."""
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
            unplaced = len(unplaced_positions(board, positions))
            # Ties go to the revision QMK's old names lead to (`crkbd` -> crkbd/rev1).
            boards.append(
                (unplaced, -_closeness(name, board), size != matrix_keys, not board.keyboard_aliases, order, board)
            )
        if not boards:
            return None, None
        boards.sort(key=lambda item: item[:5])
        best = boards[0]
        chosen: Keyboard = best[5]
        if len(boards) == 1:
            return chosen, None
        others = [item for item in boards[1:] if item[5].name != chosen.name]
        if not others:
            return chosen, None
        used = len(positions)
        worse = [item for item in others if item[0] > best[0]]
        if worse and best[0] == 0:
            why = (f"its layouts place all {used} used keys of the save; "
                   + ", ".join(f"{item[5].name} leaves {item[0]} without a place" for item in worse[:3]))
        elif worse:
            why = f"its layouts leave the fewest used keys of the save without a place ({best[0]} of {used})"
        else:
            why = "the others place the save's keys as well; chosen by its name, then as QMK's default revision"
        names = ", ".join(item[5].name for item in others[:4]) + (" …" if len(others) > 4 else "")
        return chosen, f"USB id {vid:04X}:{pid:04X} is shared with {names}: chose {chosen.name} ({why})"


    def vial_choice(
        self, uid: int, rows: int, cols: int, positions: Collection[int] = ()
    ) -> tuple[Keyboard | None, str | None]:
        """The keyboard whose Vial firmware reports keyboard id `uid` (vial-qmk's ids, `vial_uids`),
        and a sentence when the id's boards do not hold the save: the first board of the id's
        folders (the folder's own or default revision, then the boards below it) whose matrix is
        `rows` × `cols` and whose layouts place every used position (row * cols + col). A folder's
        Vial keymap serves every revision below it, so the save's matrix tells them apart; a board
        whose layouts lack a key the save uses is not taken (the key would be lost)."""
        from keyconf.catalogue.vial_uids import folders_for_uid

        folders = folders_for_uid(uid)
        tried: dict[str, Keyboard] = {}
        short: list[tuple[Keyboard, set[int]]] = []  # the right matrix, keys without a place
        for folder in folders:
            for name in dict.fromkeys([folder, *self.boards_under(folder)]):
                board = self.by_name(name)
                if board is None or board.name in tried:
                    continue
                tried[board.name] = board
                if (board.matrix_rows, board.matrix_cols) == (rows, cols):
                    unplaced = unplaced_positions(board, positions)
                    if not unplaced:
                        return board, None
                    short.append((board, unplaced))
        if not tried:
            return None, None
        named = f"Vial keyboard id {uid & 0xFFFFFFFFFFFFFFFF:016x} is that of {', '.join(folders[:3])} in vial-qmk"
        if short:
            board, unplaced = short[0]
            where = ", ".join(f"r{p // cols}c{p % cols}" for p in sorted(unplaced)[:4])
            return None, (f"{named}, but {board.name}'s layouts have no key at {len(unplaced)} matrix "
                          f"position{'s' if len(unplaced) > 1 else ''} the save uses ({where}"
                          f"{' …' if len(unplaced) > 4 else ''}); pass --keyboard {board.name} to read it "
                          "there anyway (those keys are left out)")
        sizes = ", ".join(f"{b.name} {b.matrix_rows}×{b.matrix_cols}" for b in list(tried.values())[:3])
        return None, (f"{named}, but the save's {rows}×{cols} matrix is not that board's ({sizes}"
                      f"{' …' if len(tried) > 3 else ''}): its firmware is another build")

    def makers_boards(self, vid: int, name: str, matrix_keys: int) -> list[Keyboard]:
        """Boards of the same USB vendor whose names match `name` (a save's product name) and
        whose matrix is NOT `matrix_keys` positions, closest name first: the boards a save
        read with another revision's definition may really be for."""
        entries = [e for e in self.catalogue.by_usb(vid) if not e.broken
                   and e.matrix_rows * e.matrix_cols not in (0, matrix_keys)]
        scored = sorted((-_closeness_of_names(name, [e.name, e.path, *e.aliases]), e.path) for e in entries)
        boards = []
        for score, path in scored[:12]:
            if score >= 0:
                break
            try:
                boards.append(self.catalogue.load(path))
            except Exception:  # noqa: BLE001 - a broken definition is skipped
                continue
        return boards


def unplaced_positions(board: Keyboard, positions: Collection[int]) -> set[int]:
    """The matrix positions (row * cols + col) no key of any of `board`'s layouts sits on."""
    cols = board.matrix_cols
    if not positions or not cols:
        return set()
    placed = {key.matrix[0] * cols + key.matrix[1] for macro in board.layouts.values() for key in macro.keys
              if key.matrix is not None}
    return set(positions) - placed


def _closeness(wanted: str, board: Keyboard) -> float:
    """How well a product name matches a board's names: shared words count, and the whole
    name inside the board's wins."""
    return _closeness_of_names(wanted, [board.display_name, board.name, *board.keyboard_aliases])


def _closeness_of_names(wanted: str, names: list[str]) -> float:
    wanted_squeezed = _squeeze(wanted)
    if not wanted_squeezed:
        return 0.0
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
