"""Every keyboard keyconf knows, from all its sources, behind one object.

Sources, in order of preference when two know the same QMK path:
  1. the user's qmk_firmware tree (found as QMK finds it, see `qmk_home`), with what the
     user's QMK userspace adds (keymaps, build targets);
  2. the boards bundled with keyconf (`resources/keyboards/`);
  3. VIA definition files the user added (`user_definitions`), under `via:<name>` paths.

A bundled board that the tree also has is listed once, from the tree: that is what the user
builds. The tree's index is loaded on first use, so asking only for bundled boards (a layout
that names `crkbd`) never walks a tree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from keyconf.catalogue.entry import KeyboardEntry, Source, entry_from_keyboard
from keyconf.catalogue.qmk_home import (
    HOW_TO_GET_A_TREE,
    QmkCliConfig,
    QmkHome,
    QmkHomeNotFound,
    find_qmk_home_or_none,
    find_qmk_userspace,
    read_qmk_cli_config,
)
from keyconf.catalogue.qmk_index import QmkIndex, load_qmk_index
from keyconf.catalogue.search import Match, SearchIndex, parse_usb_id
from keyconf.model.keyboard import Keyboard

# Keyboards in qmk_firmware (3,693 at commit 3b2bc5f, March 2026), for the "get a tree" hint.
QMK_KEYBOARDS_ESTIMATE = 3700


@dataclass(frozen=True)
class CatalogueStatus:
    """What the catalogue is made of, for messages in the faces."""

    qmk_home: QmkHome | None
    qmk_problem: str | None  # a configured tree that is not one, or could not be indexed
    userspace: Path | None
    qmk_keyboards: int
    bundled_keyboards: int
    via_definitions: int
    definitions_dir: Path

    @property
    def total(self) -> int:
        return self.qmk_keyboards + self.bundled_keyboards + self.via_definitions


class UnknownKeyboard(LookupError):
    """No keyboard of that name; `suggestions` are the closest names the catalogue knows."""

    def __init__(self, name: str, suggestions: list[str]):
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"no keyboard {name!r} in the catalogue{hint}")
        self.name = name
        self.suggestions = suggestions


def no_tree_notice(bundled_count: int) -> str:
    """What to tell a user who has only the bundled boards."""
    return (
        f"no qmk_firmware tree found, so only the {bundled_count} bundled keyboards are listed — "
        f"run `qmk setup` or set QMK_HOME to see about {QMK_KEYBOARDS_ESTIMATE:,} more keyboards"
    )


class Catalogue:
    """Bundled boards, the user's QMK tree and VIA definitions: search, look-up, load."""

    def __init__(
        self,
        *,
        qmk_home: QmkHome | None = None,
        qmk_problem: str | None = None,
        userspace: Path | None = None,
        definitions_dir: Path | None = None,
        cache_dir: Path | None = None,
        refresh: bool = False,
        include_bundled: bool = True,
    ):
        from keyconf.catalogue.user_definitions import default_definitions_dir

        self.qmk_home = qmk_home
        self.userspace = userspace
        self.definitions_dir = default_definitions_dir() if definitions_dir is None else definitions_dir
        self._qmk_problem = qmk_problem
        self._cache_dir = cache_dir
        self._refresh = refresh
        self._include_bundled = include_bundled
        self._qmk_index: QmkIndex | None = None
        self._qmk_loaded = qmk_home is None
        self._bundled: list[KeyboardEntry] | None = None
        self._via: list[KeyboardEntry] | None = None
        self._indexes: list[SearchIndex] | None = None

    @classmethod
    def open(
        cls,
        qmk_home: str | os.PathLike[str] | None = None,
        *,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
        qmk_config: QmkCliConfig | None = None,
        home: Path | None = None,
        definitions_dir: Path | None = None,
        cache_dir: Path | None = None,
        refresh: bool = False,
        include_bundled: bool = True,
    ) -> Catalogue:
        """A catalogue over the tree QMK would use (or `qmk_home`); never raises for a missing
        or wrong tree: `status.qmk_problem` says what is wrong and the other sources still work."""
        config = read_qmk_cli_config() if qmk_config is None else qmk_config
        problem = None
        try:
            found = find_qmk_home_or_none(qmk_home, cwd=cwd, environ=environ, config=config, home=home)
        except QmkHomeNotFound as error:
            found, problem = None, f"{error.message}; {error.hint}"
        userspace = find_qmk_userspace(cwd=cwd, environ=environ, config=config, home=home) if found else None
        return cls(qmk_home=found, qmk_problem=problem, userspace=userspace, definitions_dir=definitions_dir,
                   cache_dir=cache_dir, refresh=refresh, include_bundled=include_bundled)

    # --- sources ------------------------------------------------------------------------------

    @property
    def qmk_index(self) -> QmkIndex | None:
        """The tree's index (loaded, from the cache when it is fresh, on first use)."""
        if not self._qmk_loaded:
            self._qmk_loaded = True
            assert self.qmk_home is not None
            try:
                self._qmk_index = load_qmk_index(self.qmk_home.path, self.userspace,
                                                 cache_dir=self._cache_dir, refresh=self._refresh)
            except OSError as error:
                self._qmk_problem = f"cannot index {self.qmk_home.path}: {error}"
        return self._qmk_index

    def bundled_entries(self) -> list[KeyboardEntry]:
        if self._bundled is None:
            self._bundled = bundled_entries() if self._include_bundled else []
        return self._bundled

    def via_entries(self) -> list[KeyboardEntry]:
        if self._via is None:
            from keyconf.catalogue.user_definitions import load_user_definitions

            cache = None if self._cache_dir is None else self._cache_dir / "via-definitions.cache"
            if cache is None:
                from keyconf.catalogue.qmk_index import default_cache_dir

                cache = default_cache_dir().parent / "via-definitions.cache"
            self._via = load_user_definitions(self.definitions_dir, cache)
        return self._via

    def _search_indexes(self) -> list[SearchIndex]:
        if self._indexes is None:
            indexes: list[SearchIndex] = []
            qmk = self.qmk_index
            if qmk is not None:
                indexes.append(qmk.search_index())
            bundled = [e for e in self.bundled_entries() if qmk is None or qmk.resolve(e.path) is None]
            if bundled:
                indexes.append(SearchIndex(bundled))
            if self.via_entries():
                indexes.append(SearchIndex(self.via_entries()))
            self._indexes = indexes
        return self._indexes

    @property
    def entries(self) -> list[KeyboardEntry]:
        """Every keyboard once: the tree's, then bundled boards the tree lacks, then VIA files."""
        return [entry for index in self._search_indexes() for entry in index.entries]

    def __len__(self) -> int:
        return sum(len(index) for index in self._search_indexes())

    @property
    def status(self) -> CatalogueStatus:
        qmk = self.qmk_index
        indexes = self._search_indexes()
        bundled_shown = sum(len(i) for i in indexes if i.entries and i.entries[0].source is Source.BUNDLED)
        return CatalogueStatus(
            qmk_home=self.qmk_home, qmk_problem=self._qmk_problem, userspace=self.userspace,
            qmk_keyboards=len(qmk.entries) if qmk else 0, bundled_keyboards=bundled_shown,
            via_definitions=len(self.via_entries()), definitions_dir=self.definitions_dir,
        )

    @property
    def notice(self) -> str | None:
        """A line for the faces when the catalogue lacks a tree (None when it has one)."""
        if self.qmk_index is not None:
            return None
        if self._qmk_problem:
            return self._qmk_problem
        return no_tree_notice(len(self.bundled_entries()))

    # --- look-ups -----------------------------------------------------------------------------

    def search(self, query: str, limit: int | None = 50) -> list[Match]:
        """Keyboards matching `query` (see `keyconf.catalogue.search`), best first."""
        matches = [m for index in self._search_indexes() for m in index.search(query, limit)]
        matches.sort(key=lambda m: (-m.score, m.entry.path))
        return matches if limit is None else matches[:limit]

    def by_usb(self, vid: int, pid: int | None = None) -> list[KeyboardEntry]:
        """Keyboards declaring this USB id: the candidates for a connected board."""
        return [e for index in self._search_indexes() for e in index.by_usb(vid, pid)]

    def by_usb_text(self, text: str) -> list[KeyboardEntry]:
        """`by_usb` for `VVVV:PPPP` text; [] when the text is not a USB id."""
        parsed = parse_usb_id(text)
        return [] if parsed is None else self.by_usb(*parsed)

    def by_key_count(self, count: int) -> list[KeyboardEntry]:
        return [e for index in self._search_indexes() for e in index.by_key_count(count)]

    def get(self, name: str) -> KeyboardEntry | None:
        """The keyboard `name` means: a path, a VIA `via:` name, or an old QMK name."""
        name = name.strip().strip("/")
        qmk = self.qmk_index
        if qmk is not None:
            found = qmk.get(name)
            if found is not None:
                return found
        for index in self._search_indexes():
            found = index.get(name)
            if found is not None:
                return found
        return None

    def suggestions(self, name: str, count: int = 3) -> list[str]:
        return [m.entry.path for m in self.search(name.replace("/", " "), count)]

    def load(self, name: str | KeyboardEntry) -> Keyboard:
        """The full geometry of a keyboard.

        Raises `UnknownKeyboard` (with suggestions) for a name the catalogue does not know, and
        `KeyboardDefinitionError` (file, line, column) for a definition that cannot be used."""
        entry = name if isinstance(name, KeyboardEntry) else self.get(name)
        if entry is None:
            raise UnknownKeyboard(str(name), self.suggestions(str(name)))
        if entry.source is Source.QMK:
            from keyconf.formats.qmk_info import load_qmk_keyboard

            assert self.qmk_home is not None
            board = load_qmk_keyboard(self.qmk_home.path, entry.path)
        elif entry.source is Source.BUNDLED:
            from keyconf.catalogue.bundled import load_bundled

            board = load_bundled(entry.path)
        else:
            from keyconf.formats.via_definition import load_via_definition

            board = load_via_definition(entry.location).keyboard
        for alias in entry.aliases:
            if alias not in board.keyboard_aliases:
                board.keyboard_aliases.append(alias)
        return board


def bundled_entries() -> list[KeyboardEntry]:
    """Entries for keyconf's bundled boards (a bundled board that fails to load is listed as broken)."""
    from keyconf.catalogue import bundled
    from keyconf.formats.definition_source import KeyboardDefinitionError

    entries = []
    for path, loader in sorted(bundled.bundled_keyboards().items()):
        location = str(bundled.bundled_folder())
        try:
            board = loader()
        except KeyboardDefinitionError as error:
            entries.append(KeyboardEntry(path, path, Source.BUNDLED, location=location, broken=str(error)))
            continue
        entries.append(entry_from_keyboard(board, path, Source.BUNDLED, location))
    return entries


__all__ = ["HOW_TO_GET_A_TREE", "Catalogue", "CatalogueStatus", "UnknownKeyboard", "no_tree_notice"]
