"""The generated catalogue of every QMK keyboard and VIA definition, shipped with keyconf
(`resources/catalogue/`, written by `tools/build_catalogue.py`; format in docs/catalogue.md).

Three files:
  - `lookup.json.gz`: the sources (commit, date, license), every board's path, QMK's other
    names and the USB ids: all a look-up by name or id reads;
  - `entries.json.gz`: one entry row per board (what lists and searches show), read on the
    first search;
  - `boards.bin`: the definitions, in independent lzma chunks of a few dozen boards, so one
    board is decoded without the rest. Each record is a reduced QMK info.json (loaded by
    `keyconf.formats.qmk_info.keyboard_from_info`) or VIA definition (loaded by
    `keyconf.formats.via_definition.via_definition_from_data`): the same readers as files.

Nothing is read at import: start-up never pays for the catalogue.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import lzma
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyconf.catalogue.entry import KeyboardEntry, LazyEntries, Source
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.model.keyboard import Keyboard
from keyconf.resources import resource_path

if TYPE_CHECKING:
    from keyconf.catalogue.search import SearchIndex

BUNDLE_FORMAT = 1
LOOKUP_FILE = "lookup.json.gz"
ENTRIES_FILE = "entries.json.gz"
BOARDS_FILE = "boards.bin"
VIA_PREFIX = "via:"
# A "fork" row naming upstream itself holds the boards qmk_firmware's master added after the tree the
# catalogue's QMK part comes from: a newer upstream tree builds them, no fork needed.
UPSTREAM_REPO = "qmk/qmk_firmware"
# Decoded chunks kept in memory (a chunk is a few hundred KB of JSON).
_CHUNK_CACHE = 8


def bundle_folder() -> Path:
    return resource_path("catalogue")


@dataclass(frozen=True)
class BundleSource:
    """Where one part of the bundle came from."""

    name: str  # "qmk_firmware", "via", or a fork's `owner/repo` ("Keychron/qmk_firmware")
    url: str
    commit: str
    date: str
    license: str
    boards: int
    branch: str = ""  # a fork's branch the boards were read from

    @property
    def where(self) -> str:
        """`url` and the branch, as a person checks it out."""
        return f"{self.url} (branch {self.branch})" if self.branch else self.url

    @property
    def is_newer_upstream(self) -> bool:
        """Boards upstream's master added after the catalogue's tree, not a fork's."""
        return self.name == UPSTREAM_REPO


@dataclass(frozen=True)
class ForkBoards:
    """Boards of a QMK fork upstream lacks (Keychron's, vial-qmk): numbers `first` to
    `first + source.boards - 1`, among the QMK paths. Only that fork builds them."""

    source: BundleSource
    first: int


@dataclass
class Bundle:
    """The generated catalogue: names and USB ids for look-ups (read first, small), entries for
    listing and search (read on first use), definitions decoded one chunk at a time."""

    folder: Path
    sources: list[BundleSource]
    paths: list[str]  # QMK paths, then `via:` paths; a board's number is its place here
    qmk_count: int
    chunks: list[tuple[int, int, int]]  # (first board number, offset, length in boards.bin)
    aliases: dict[str, str]  # other name -> QMK path (QMK keyboard_aliases, DEFAULT_FOLDER)
    folder_defaults: dict[str, str]  # a folder that is no keyboard (`planck`) -> its default board
    usb: dict[str, list[int]]  # "VVVV:PPPP" (upper-case hex) -> board numbers
    via_geometry: dict[str, str] = field(default_factory=dict)  # QMK path -> VIA path drawn for it
    forks: list[ForkBoards] = field(default_factory=list)  # QMK paths that are a fork's boards
    _numbers: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _starts: list[int] = field(default_factory=list, init=False, repr=False)
    _rows: list[list[Any]] | None = field(default=None, init=False, repr=False)
    _entries: tuple[LazyEntries, LazyEntries] | None = field(default=None, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)
    _decoded: dict[int, list[Any]] = field(default_factory=dict, init=False, repr=False)
    _via_spellings: dict[str, list[str]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._numbers = {path: number for number, path in enumerate(self.paths)}
        self._starts = [first for first, _, _ in self.chunks]

    def _entry_lists(self) -> tuple[LazyEntries, LazyEntries]:
        with self._lock:
            if self._entries is None:
                file = self.folder / ENTRIES_FILE
                try:
                    rows = json.loads(gzip.decompress(file.read_bytes()))
                    if len(rows) != len(self.paths):
                        raise ValueError("entries and look-up tables disagree")
                except (OSError, EOFError, ValueError) as error:
                    raise KeyboardDefinitionError(f"the bundled catalogue is unreadable: {error}", file,
                                                  hint="reinstall keyconf") from None
                self._entries = (LazyEntries(_Rows(rows[: self.qmk_count])),
                                 LazyEntries(_Rows(rows[self.qmk_count:])))
            return self._entries

    @property
    def qmk_entries(self) -> LazyEntries:
        """QMK's keyboards (source `bundled`), in path order."""
        return self._entry_lists()[0]

    @property
    def via_entries(self) -> LazyEntries:
        """VIA's definitions (source `via-bundled`), paths `via:v3/<maker>/...` or `via:v2/...`."""
        return self._entry_lists()[1]

    @property
    def qmk_paths(self) -> list[str]:
        return self.paths[: self.qmk_count]

    def entry(self, path: str) -> KeyboardEntry | None:
        number = self._numbers.get(path)
        if number is None:
            return None
        if number < self.qmk_count:
            return self.qmk_entries[number]
        return self.via_entries[number - self.qmk_count]

    def resolve(self, name: str) -> str | None:
        """The bundled board `name` means: a QMK path or VIA path, an old QMK name, or a folder
        that holds keyboards but is none (`planck` → `planck/rev6`)."""
        name = name.strip().strip("/")
        if name in self._numbers:
            return name
        target = self.aliases.get(name) or self.folder_defaults.get(name)
        return target if target in self._numbers else None

    def via_spelling(self, name: str) -> str | None:
        """The one VIA definition that a board path not in QMK names in VIA's spelling, or None.

        A maker's own QMK fork files a board as `keychron/k8_pro/iso/rgb` where VIA files it as
        `v2/keychron/k8_pro/iso_rgb.json` (or v3's `keychron/c1_pro/c1_pro_ansi_rgb`, the
        folder's name repeated): users give the fork's path. None when no definition or more
        than one reads so, or when `name` is a folder of QMK's boards."""
        name = name.strip().strip("/")
        if name.startswith(VIA_PREFIX) or any(path.startswith(name + "/") for path in self.qmk_paths):
            return None  # a folder of QMK's boards (`bastardkb/charybdis/3x6`) is chosen among them
        with self._lock:
            if self._via_spellings is None:
                spellings: dict[str, list[str]] = {}
                for path in self.paths[self.qmk_count:]:
                    spellings.setdefault(_spelling_key(re.sub(r"^via:v\d+/", "", path)), []).append(path)
                self._via_spellings = spellings
        found = self._via_spellings.get(_spelling_key(name), [])
        return found[0] if len(found) == 1 else None

    def fork_of(self, path: str) -> BundleSource | None:
        """The fork (repository and branch) a bundled board comes from; None for upstream's
        boards, VIA's definitions and names the bundle does not have."""
        number = self._numbers.get(path)
        if number is None:
            return None
        for fork in self.forks:
            if fork.first <= number < fork.first + fork.source.boards:
                return fork.source
        return None

    def by_usb(self, vid: int, pid: int) -> list[str]:
        """Paths of the boards declaring this USB id (QMK's first)."""
        return [self.paths[n] for n in self.usb.get(f"{vid:04X}:{pid:04X}", [])]

    def record(self, path: str) -> Any:
        """The stored definition of a board (a reduced info.json or VIA definition)."""
        number = self._numbers[path]
        chunk = bisect.bisect_right(self._starts, number) - 1
        slot = number - self.chunks[chunk][0]
        with self._lock:
            records = self._decoded.get(chunk)
            if records is None:
                _, offset, length = self.chunks[chunk]
                with open(self.folder / BOARDS_FILE, "rb") as handle:
                    handle.seek(offset)
                    blob = handle.read(length)
                try:
                    records = json.loads(lzma.decompress(blob))
                except (lzma.LZMAError, ValueError) as error:
                    raise KeyboardDefinitionError(f"the bundled catalogue is damaged: {error}",
                                                  self.folder / BOARDS_FILE, hint="reinstall keyconf") from None
                if len(self._decoded) >= _CHUNK_CACHE:
                    self._decoded.pop(next(iter(self._decoded)))
                self._decoded[chunk] = records
        return records[slot]

    def load(self, name: str, *, draw: bool = True) -> Keyboard:
        """A bundled board by path or other name; KeyError when the bundle has none.

        `draw`: a QMK board whose VIA definition has the rotation QMK's data lacks is drawn
        with VIA's geometry (`drawn_geometry`); False gives QMK's data as it is."""
        path = self.resolve(name)
        if path is None:
            raise KeyError(name)
        record = self.record(path)
        where = f"{self.folder / BOARDS_FILE} ({path})"
        if path.startswith(VIA_PREFIX):
            from keyconf.formats.definition_source import DataSource
            from keyconf.formats.via_definition import via_definition_from_data

            board = via_definition_from_data(record, DataSource(where, None)).keyboard
            board.name = path
            board.manufacturer = board.manufacturer or path[len(VIA_PREFIX):].split("/")[1]
            return board
        from keyconf.formats.qmk_info import keyboard_from_info

        board = keyboard_from_info(record, path, path=where)
        drawn = self.via_geometry.get(path) if draw else None
        if drawn is not None:
            from keyconf.catalogue.drawn_geometry import draw_with

            board = draw_with(board, self.load(drawn))
        return board


class _Rows(Sequence[tuple[Any, ...]]):
    """JSON rows turned into the tuple form `KeyboardEntry.from_row` takes, one when asked."""

    def __init__(self, rows: list[list[Any]]):
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        return _row(self._rows[index])


@functools.cache
def _open(folder: Path) -> Bundle | None:
    lookup_file = folder / LOOKUP_FILE
    if not lookup_file.is_file():
        return None
    try:
        data = json.loads(gzip.decompress(lookup_file.read_bytes()))
        if data.get("format") != BUNDLE_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, this keyconf reads {BUNDLE_FORMAT}")
        paths = list(data["paths"])
        chunks = [(int(first), int(offset), int(length)) for first, offset, length in data["chunks"]]
        if not chunks or chunks[0][0] != 0 or any(a[0] >= b[0] for a, b in zip(chunks, chunks[1:], strict=False)):
            raise ValueError("the chunk table is out of order")
        forks = [ForkBoards(BundleSource(**{k: v for k, v in fork.items() if k != "first"}), int(fork["first"]))
                 for fork in data.get("forks", [])]
        if any(not 0 <= f.first <= f.first + f.source.boards <= int(data["qmk_count"]) for f in forks):
            raise ValueError("a fork's boards lie outside the QMK boards")
        return Bundle(
            folder=folder,
            sources=[BundleSource(**source) for source in data["sources"]],
            forks=forks,
            paths=paths, qmk_count=int(data["qmk_count"]), chunks=chunks,
            aliases=dict(data["aliases"]), folder_defaults=dict(data["folder_defaults"]),
            usb={k: list(v) for k, v in data["usb"].items()},
            via_geometry=dict(data.get("via_geometry", {})),
        )
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise KeyboardDefinitionError(f"the bundled catalogue is unreadable: {error}", lookup_file,
                                      hint="reinstall keyconf") from None


def _row(row: list[Any]) -> tuple[Any, ...]:
    """A JSON row back into the tuple form `KeyboardEntry.from_row` takes."""
    (path, name, source, manufacturer, layouts, layout_aliases, *rest) = row
    rest = [tuple(v) if isinstance(v, list) else v for v in rest]
    return (path, name, source, manufacturer, tuple((n, c) for n, c in layouts),
            tuple((a, b) for a, b in layout_aliases), *rest)


_SEARCH_MAGIC = "keyconf-bundle-search"


def bundle_search_indexes(bundle: Bundle, cache_dir: Path | None = None) -> tuple[SearchIndex, SearchIndex]:
    """Search structures over the bundle's QMK boards and VIA definitions. Building them takes
    a few hundred ms, so they are cached (marshal, builtins only) in the user cache folder,
    tied to this bundle's files by size and time; a stale or damaged cache is rebuilt."""
    import marshal
    import sys

    from keyconf.catalogue.search import SearchIndex

    if cache_dir is None:
        import platformdirs

        cache_dir = Path(platformdirs.user_cache_dir("keyconf")) / "qmk-index"
    cache = cache_dir.parent / "bundle.search" if cache_dir.name == "qmk-index" else cache_dir / "bundle.search"
    stamps = []
    for name in (LOOKUP_FILE, ENTRIES_FILE):
        try:
            stat = (bundle.folder / name).stat()
            stamps.append((str(bundle.folder / name), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((name, 0, 0))
    tag = (_SEARCH_MAGIC, sys.implementation.cache_tag, marshal.version, BUNDLE_FORMAT, tuple(stamps))
    states: Any = None
    try:
        data = marshal.loads(cache.read_bytes())
        if isinstance(data, tuple) and len(data) == 2 and data[0] == tag:
            states = data[1]
    except (OSError, EOFError, ValueError, TypeError):
        states = None
    if isinstance(states, tuple) and len(states) == 2:
        qmk = SearchIndex(bundle.qmk_entries, states[0])
        via = SearchIndex(bundle.via_entries, states[1])
        if qmk.restored and via.restored:
            return qmk, via
    qmk, via = SearchIndex(bundle.qmk_entries), SearchIndex(bundle.via_entries)
    try:
        from keyconf.formats.atomic import write_atomic

        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, marshal.dumps((tag, (qmk.state(), via.state()))))
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs speed next time
    return qmk, via


MANIFEST = "manifest.json"
SNAPSHOT_FILES = ("lookup.json.gz", "entries.json.gz", "boards.bin")


def catalogue_cache() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().cache / "catalogue"


def snapshot_folder(cache: Path | None = None) -> Path:
    """Where `keyconf keyboards --update` puts a downloaded snapshot (there or not)."""
    return (catalogue_cache() if cache is None else cache) / "snapshot"


def downloaded_snapshot(cache: Path | None = None) -> Path | None:
    """The downloaded snapshot folder, when a complete one is there."""
    folder = snapshot_folder(cache)
    return folder if all((folder / name).is_file() for name in (*SNAPSHOT_FILES, MANIFEST)) else None


def open_bundle(folder: Path | None = None) -> Bundle | None:
    """The catalogue in use (read once per process): a snapshot `keyboards --update` downloaded
    when there is a readable one, else the shipped one; None when this install has neither."""
    if folder is None:
        downloaded = downloaded_snapshot()
        if downloaded is not None:
            try:
                found = _open(downloaded)
            except KeyboardDefinitionError:
                found = None
            if found is not None:
                return found
    return _open(bundle_folder() if folder is None else folder)


def entry_row(entry: KeyboardEntry) -> list[Any]:
    """An entry as the JSON row the index stores (the generator's side of `_row`)."""
    return json.loads(json.dumps(entry.to_row()))


def sources_table(bundle: Bundle) -> list[Mapping[str, Any]]:
    return [source.__dict__ for source in bundle.sources]


__all__ = ["BUNDLE_FORMAT", "ENTRIES_FILE", "LOOKUP_FILE", "Bundle", "BundleSource", "ForkBoards", "Source",
           "bundle_folder",
           "bundle_search_indexes", "entry_row", "open_bundle"]


def _spelling_key(path: str) -> str:
    """`keychron/k8_pro/iso/rgb`, `keychron/k8_pro/iso_rgb` and `keychron/k8_pro/k8_pro_iso_rgb`
    alike: case and `/` against `_` do not count, nor a file name's repeat of its folder's
    (`mechboards/sofle/pro/pro` is `mechboards/sofle/pro`)."""
    parts = path.lower().split("/")
    if len(parts) >= 2 and parts[-1] == parts[-2]:
        parts.pop()
    elif len(parts) >= 2 and parts[-1].startswith(parts[-2] + "_"):
        parts[-1] = parts[-1][len(parts[-2]) + 1 :]
    return "_".join(parts)
