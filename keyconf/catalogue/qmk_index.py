"""The index of every buildable keyboard in a qmk_firmware tree, cached between runs.

A keyboard is what `qmk list-keyboards` lists: a folder under `keyboards/` (outside `keymaps/`)
holding `keyboard.json` or `rules.mk`, with `DEFAULT_FOLDER` in a rules.mk followed to the
folder it names (`qmk.keyboard.list_keyboards`). Its data comes from the `info.json` /
`keyboard.json` files of its folder and its parents, merged as QMK merges them (see
`qmk_summary`). QMK's keyboard aliases (`data/mappings/keyboard_aliases.hjson`) and the
`DEFAULT_FOLDER` parents become other names of the keyboards they lead to.

The index is cached in the user cache folder, in three files per (tree, userspace):
  - `<key>.index`: the entries and the stamps of everything they were built from; when every
    stamp still matches (and git HEAD is the same) this file is the whole answer (warm load);
  - `<key>.search`: the search structures over those entries, read on the first search;
  - `<key>.summaries`: each definition file's summary; on a change the tree is walked
    again and only files whose stamp changed are parsed.
The cache holds only plain builtins (str, int, bool, None, tuples, dicts) written with
`marshal`, which loads them several times faster than JSON; never pickle, so reading it runs no
code. A file from another Python version, or a malformed or tampered one, is rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from keyconf.catalogue.entry import KeyboardEntry, LayoutSummary, LazyEntries, Source
from keyconf.catalogue.qmk_home import userspace_build_targets
from keyconf.catalogue.qmk_json import KeyboardDefinitionError, read_qmk_json
from keyconf.catalogue.qmk_summary import (
    CONFIG_KEYS,
    Summary,
    apply_rules,
    matrix_size,
    merge_summaries,
    parse_rules_mk,
    resolve_hardware,
    summarise_definition,
    usb_id,
)
from keyconf.catalogue.search import SearchIndex
from keyconf.catalogue.tree_scan import (
    NEVER_MATCHES,
    Stamp,
    definition_files,
    flatten,
    git_head,
    keymaps_by_folder,
    scan_keyboards,
    stamp_files,
    stamps_unchanged,
)
from keyconf.formats.atomic import write_atomic
from keyconf.formats.qmk_build_files import header_layouts, parse_config_h

INDEX_FORMAT = 5
TREE_KEYMAPS = frozenset({"via", "vial"})
ALIASES_FILE = "data/mappings/keyboard_aliases.hjson"
DEFAULTS_FILE = "data/mappings/defaults.hjson"
MAPPING_FILES = ("data/mappings", ALIASES_FILE, DEFAULTS_FILE)
# QMK merges info.json files from at most this many parent folders (qmk.info.find_info_json).
MAX_PARENT_FOLDERS = 5
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 600

Payload = list[Any]  # ["ok", data] or ["error", message]


@dataclass(frozen=True)
class IndexStats:
    how: str  # "warm" (cache used as is), "refreshed" (changed files re-read) or "cold"
    parsed_files: int
    seconds: float


@dataclass
class QmkIndex:
    """The keyboards of one tree (plus what its userspace adds); look-ups by QMK name."""

    tree: Path
    userspace: Path | None
    head: str | None
    entries: Sequence[KeyboardEntry]  # a list, or cached rows built on first look (LazyEntries)
    aliases: dict[str, str]  # other name -> keyboard path (keyboard_aliases, DEFAULT_FOLDER)
    stats: IndexStats = field(default_factory=lambda: IndexStats("cold", 0, 0.0))
    build_id: str = ""  # ties the cached search structures to these entries
    search_file: Path | None = field(default=None, repr=False)  # where they are cached
    _by_path: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _search: SearchIndex | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        entries = self.entries
        if isinstance(entries, LazyEntries):
            self._by_path = {entries.path(i): i for i in range(len(entries))}
        else:
            self._by_path = {entry.path: i for i, entry in enumerate(entries)}

    def search_index(self) -> SearchIndex:
        """The search structures over these entries: read from the cache on first use (a few
        ms, so a warm start does not pay for them until the first search), else built."""
        if self._search is None:
            state = _read_search_state(self.search_file, self.build_id) if self.search_file else None
            self._search = SearchIndex(self.entries, state)
        return self._search

    def resolve(self, name: str) -> str | None:
        """The keyboard path `name` means (itself, or where an alias leads), or None."""
        name = name.strip().strip("/")
        if name in self._by_path:
            return name
        target = self.aliases.get(name)
        return target if target in self._by_path else None

    def get(self, name: str) -> KeyboardEntry | None:
        path = self.resolve(name)
        return None if path is None else self.entries[self._by_path[path]]


def default_cache_dir() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().cache / "qmk-index"


class CacheFiles(NamedTuple):
    entries: Path  # entries and stamps: all a warm start reads
    search: Path  # the search structures, read on the first search
    summaries: Path  # each definition file's summary, read only to refresh


def cache_files(tree: Path, userspace: Path | None, cache_dir: Path | None = None) -> CacheFiles:
    folder = default_cache_dir() if cache_dir is None else cache_dir
    key = hashlib.sha256(f"{tree}\0{userspace or ''}".encode()).hexdigest()[:24]
    return CacheFiles(folder / f"{key}.index", folder / f"{key}.search", folder / f"{key}.summaries")


def load_qmk_index(
    tree: Path,
    userspace: Path | None = None,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    refresh: bool = False,
    workers: int | None = None,
) -> QmkIndex:
    """The index of `tree`: from the cache when nothing changed, else (re)built and cached.

    `refresh` ignores the cache and reads everything again; `use_cache=False` neither reads nor
    writes it. `workers` caps the processes used to parse a cold tree (1 = this process only)."""
    started = time.perf_counter()
    tree = tree.resolve()
    userspace = userspace.resolve() if userspace is not None else None
    files = cache_files(tree, userspace, cache_dir)
    head = git_head(tree)
    cached: _CachedIndex | None = None
    if use_cache and not refresh:
        cached = _read_cache(files.entries, tree, userspace)
        if (cached is not None and cached.head == head and LazyEntries.well_formed(cached.rows)
                and _cache_still_valid(cached, tree, userspace)):
            stats = IndexStats("warm", 0, time.perf_counter() - started)
            return QmkIndex(tree, userspace, head, LazyEntries(cached.rows), dict(cached.aliases), stats,
                            cached.build_id, files.search)

    previous: dict[str, list[Any]] = {}
    if use_cache and not refresh and cached is not None:
        previous = _read_summaries(files.summaries)
    build = _build(tree, userspace, previous, workers)
    how = "refreshed" if previous else "cold"
    stats = IndexStats(how, build.parsed, time.perf_counter() - started)
    index = QmkIndex(tree, userspace, head, build.entries, build.aliases, stats, os.urandom(8).hex())
    if use_cache:
        _write_cache(files, index, build)
    return index


# --- building -----------------------------------------------------------------------------


@dataclass
class _Build:
    entries: list[KeyboardEntry]
    aliases: dict[str, str]
    tree_stamps: dict[str, Stamp]
    userspace_stamps: dict[str, Stamp]
    payloads: dict[str, list[Any]]  # rel -> [mtime, payload]
    parsed: int


def _build(tree: Path, userspace: Path | None, previous: Mapping[str, list[Any]], workers: int | None) -> _Build:
    tree_stamps = scan_keyboards(tree, TREE_KEYMAPS)
    tree_stamps.update(stamp_files(tree, MAPPING_FILES))
    userspace_stamps: dict[str, Stamp] = {}
    if userspace is not None:
        userspace_stamps = scan_keyboards(userspace, None)
        # The folder itself too: a `keyboards/` folder created later must be noticed.
        userspace_stamps.update(stamp_files(userspace, [".", "qmk.json"]))

    wanted = [rel for rel in tree_stamps
              if rel.endswith((".json", "rules.mk", ".h", ".hjson")) and "/keymaps/" not in rel]
    payloads: dict[str, list[Any]] = {}
    to_parse: list[str] = []
    for rel in wanted:
        stamp = tree_stamps[rel]
        old = previous.get(rel)
        if stamp != NEVER_MATCHES and old is not None and old[0] == stamp:
            payloads[rel] = old
        else:
            to_parse.append(rel)
    for rel, payload in _parse_files(tree, to_parse, workers):
        payloads[rel] = [tree_stamps[rel], payload]

    def data(rel: str) -> Payload | None:
        found = payloads.get(rel)
        return None if found is None else found[1]

    entries, aliases = build_entries(
        folders=definition_files(tree_stamps),
        payload_of=data,
        tree=tree,
        tree_keymaps=keymaps_by_folder(tree_stamps),
        userspace_keymaps=keymaps_by_folder(userspace_stamps),
        build_targets=userspace_build_targets(userspace) if userspace is not None else [],
    )
    return _Build(entries, aliases, tree_stamps, userspace_stamps, payloads, len(to_parse))


def parse_file(tree: str, rel: str) -> Payload:
    """Read one file of the tree into what the index keeps of it (runs in worker processes)."""
    path = os.path.join(tree, rel)
    if rel.endswith(".h") and not rel.endswith("/config.h"):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as error:
            return ["error", f"{rel}: cannot read: {error.strerror or error}"]
        layouts = header_layouts(text) if "LAYOUT" in text else {}
        return ["ok", {"layouts": {name: [len(keys), all("matrix" in k for k in keys),
                                          max((k["matrix"][0] for k in keys if "matrix" in k), default=-1),
                                          max((k["matrix"][1] for k in keys if "matrix" in k), default=-1)]
                                   for name, keys in layouts.items()}}]
    if rel.endswith("config.h"):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                defines = parse_config_h(handle.read())
        except OSError as error:
            return ["error", f"{rel}: cannot read: {error.strerror or error}"]
        return ["ok", {k: v for k, v in defines.items() if k in CONFIG_KEYS}]
    if rel.endswith("rules.mk"):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return ["ok", parse_rules_mk(handle.read())]
        except OSError as error:
            return ["error", f"{rel}: cannot read: {error.strerror or error}"]
    try:
        data = read_qmk_json(path)
    except KeyboardDefinitionError as error:
        return ["error", str(error).replace(path, rel, 1)]
    if rel == ALIASES_FILE:
        return ["ok", _alias_targets(data)]
    if rel == DEFAULTS_FILE:
        return ["ok", _board_defaults(data)]
    try:
        return ["ok", summarise_definition(data)]
    except ValueError as error:
        return ["error", f"{rel}: {error}"]


def _board_defaults(data: Any) -> dict[str, dict[str, str]]:
    """development_board -> its processor and bootloader, from defaults.hjson."""
    boards = data.get("development_board") if isinstance(data, dict) else None
    if not isinstance(boards, dict):
        return {}
    return {
        board: {k: v for k, v in body.items() if k in ("processor", "bootloader") and isinstance(v, str)}
        for board, body in boards.items()
        if isinstance(body, dict)
    }


def _alias_targets(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        return {}
    return {
        alias: body["target"]
        for alias, body in data.items()
        if isinstance(body, dict) and isinstance(body.get("target"), str)
    }


def _parse_chunk(tree: str, rels: list[str]) -> list[tuple[str, Payload]]:
    return [(rel, parse_file(tree, rel)) for rel in rels]


def _parse_files(tree: Path, rels: list[str], workers: int | None) -> Iterable[tuple[str, Payload]]:
    base = os.fspath(tree)
    count = min(workers or os.cpu_count() or 1, os.cpu_count() or 1)
    if count <= 1 or len(rels) < PARALLEL_THRESHOLD or not _can_fork():
        return _parse_chunk(base, rels)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Interleave so each worker gets a similar mix of small and large files.
    chunks = [rels[i::count * 4] for i in range(count * 4)]
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            results: list[tuple[str, Payload]] = []
            for part in pool.map(_parse_chunk, [base] * len(chunks), chunks):
                results.extend(part)
            return results
    except (OSError, RuntimeError):
        return _parse_chunk(base, rels)


def _can_fork() -> bool:
    """Forking is cheap and safe on Linux from a process without Qt or other threads running."""
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules


def _chain(folder: str) -> list[str]:
    """The definition files QMK merges for a keyboard, most specific first (find_info_json)."""
    files = [f"{folder}/info.json", f"{folder}/keyboard.json"]
    parent = folder.rpartition("/")[0]
    for _ in range(MAX_PARENT_FOLDERS):
        if not parent:
            break
        files += [f"{parent}/info.json", f"{parent}/keyboard.json"]
        parent = parent.rpartition("/")[0]
    return files


def _prefixes(folder: str) -> list[str]:
    parts = folder.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def build_entries(
    *,
    folders: Mapping[str, set[str]],
    payload_of: Any,
    tree: Path,
    tree_keymaps: Mapping[str, set[str]],
    userspace_keymaps: Mapping[str, set[str]],
    build_targets: Iterable[tuple[str, str]],
) -> tuple[list[KeyboardEntry], dict[str, str]]:
    """Entries for every keyboard of a scanned tree, and the alias map (other name -> path).

    `folders` maps each folder under keyboards/ to its definition files; `payload_of(rel)`
    returns what `parse_file` made of a file of the tree."""

    def rules_of(folder: str) -> list[list[str]]:
        if "rules.mk" not in folders.get(folder, ()):
            return []
        payload = payload_of(f"keyboards/{folder}/rules.mk")
        return payload[1] if payload and payload[0] == "ok" else []

    def follow_default_folder(keyboard: str) -> str:
        # qmk.keyboard.resolve_keyboard, with a guard against DEFAULT_FOLDER cycles.
        seen = {keyboard}
        rules = apply_rules(rules_of(keyboard))
        while "DEFAULT_FOLDER" in rules and rules["DEFAULT_FOLDER"] not in seen:
            keyboard = rules["DEFAULT_FOLDER"].strip("/")
            seen.add(keyboard)
            rules = apply_rules(rules_of(keyboard))
        return keyboard

    candidates = [f for f, names in folders.items() if "keyboard.json" in names or "rules.mk" in names]
    resolved = {folder: follow_default_folder(folder) for folder in candidates}
    keyboards = sorted(set(resolved.values()))

    aliases: dict[str, str] = {folder: target for folder, target in resolved.items() if folder != target}
    alias_payload = payload_of(ALIASES_FILE)
    raw_aliases: dict[str, str] = alias_payload[1] if alias_payload and alias_payload[0] == "ok" else {}
    known = set(keyboards)
    for alias in raw_aliases:
        target, seen = alias, set()
        while target in raw_aliases and target not in seen:  # qmk.keyboard.keyboard_folder
            seen.add(target)
            target = raw_aliases[target]
        target = resolved.get(target, target)
        if target in known and alias != target:
            aliases[alias] = target
    names_of: dict[str, list[str]] = {}
    for alias, target in aliases.items():
        names_of.setdefault(target, []).append(alias)

    defaults_payload = payload_of(DEFAULTS_FILE)
    board_defaults = defaults_payload[1] if defaults_payload and defaults_payload[0] == "ok" else {}

    user_targets: dict[str, set[str]] = {}
    for keyboard, keymap in build_targets:
        built = keyboard if keyboard in known else aliases.get(keyboard)
        if built is not None:
            user_targets.setdefault(built, set()).add(keymap)

    entries = []
    for keyboard in keyboards:
        other_names = sorted(names_of.get(keyboard, ()))
        entry = _entry(keyboard, folders, payload_of, rules_of, board_defaults, tree)
        looked_in = [keyboard, *other_names]
        tree_maps = set().union(*(tree_keymaps.get(p, set()) for p in _prefixes(keyboard)))
        user_maps = set(user_targets.get(keyboard, set()))
        for name in looked_in:
            for prefix in _prefixes(name):
                user_maps |= userspace_keymaps.get(prefix, set())
        entries.append(_with_keymaps(entry, tree_maps | user_maps, user_maps, tuple(other_names)))
    return entries, aliases


def _with_keymaps(entry: KeyboardEntry, keymaps: set[str], user_keymaps: set[str],
                  other_names: tuple[str, ...]) -> KeyboardEntry:
    return entry._replace(via_keymap="via" in keymaps, vial_keymap="vial" in keymaps,
                          user_keymaps=tuple(sorted(user_keymaps)), aliases=other_names)


def _entry(keyboard: str, folders: Mapping[str, set[str]], payload_of: Any, rules_of: Any,
           board_defaults: Mapping[str, Any], tree: Path) -> KeyboardEntry:
    location = os.path.join(os.fspath(tree), "keyboards", *keyboard.split("/"))
    if keyboard not in folders:
        return KeyboardEntry(keyboard, keyboard, Source.QMK, location=location,
                             broken=f"DEFAULT_FOLDER leads to keyboards/{keyboard}, which has no definition")
    summaries = []
    header: dict[str, Any] = {}
    for prefix in _prefixes(keyboard):  # old trees' C layouts: the start that files update
        name = f"{prefix.rpartition('/')[2]}.h"
        payload = payload_of(f"keyboards/{prefix}/{name}") if name in folders.get(prefix, ()) else None
        if payload and payload[0] == "ok":
            header.update(payload[1]["layouts"])
    if header:
        summaries.append({"layouts": header})
    for file in _chain(keyboard):
        folder, _, name = file.rpartition("/")
        if name not in folders.get(folder, ()):
            continue
        payload = payload_of(f"keyboards/{file}")
        if payload is None:
            continue
        if payload[0] != "ok":
            return KeyboardEntry(keyboard, keyboard, Source.QMK, location=location, broken=payload[1])
        summaries.append(payload[1])
    rules = apply_rules(rules_of(keyboard))
    config: dict[str, str] = {}
    for prefix in _prefixes(keyboard):
        rules = apply_rules(rules_of(prefix), rules)
        if "config.h" in folders.get(prefix, ()):
            payload = payload_of(f"keyboards/{prefix}/config.h")
            if payload and payload[0] == "ok":
                config.update(payload[1])
    return entry_from_summaries(keyboard, summaries, rules, board_defaults, Source.QMK, location, config)


def entry_from_summaries(path: str, summaries: list[Summary], rules: Mapping[str, str],
                         board_defaults: Mapping[str, Any], source: Source, location: str,
                         config: Mapping[str, str] | None = None) -> KeyboardEntry:
    """An entry from a keyboard's definition file summaries (most specific first)."""
    merged, problems = merge_summaries(summaries)
    processor, bootloader = resolve_hardware(merged, rules, board_defaults)
    rows, cols = matrix_size(merged, rules, config)
    layouts = tuple(LayoutSummary(name, body[0]) for name, body in merged["layouts"].items())
    broken = None
    if not layouts:
        broken = "; ".join(problems) if problems else "defines no layouts"
    usb = merged.get("usb") or {}
    name = merged.get("keyboard_name") or path
    return KeyboardEntry(
        path=path, name=str(name), source=source, manufacturer=str(merged.get("manufacturer") or ""),
        layouts=layouts, layout_aliases=tuple(sorted(merged["layout_aliases"].items())),
        matrix_rows=rows, matrix_cols=cols, processor=processor, bootloader=bootloader,
        usb_vid=usb_id(usb.get("vid")), usb_pid=usb_id(usb.get("pid")),
        community_layouts=tuple(merged.get("community_layouts") or ()), location=location, broken=broken,
    )


# --- the cache ------------------------------------------------------------------------------

_INDEX_MAGIC = "keyconf-qmk-index"
_SUMMARIES_MAGIC = "keyconf-qmk-summaries"
_SEARCH_MAGIC = "keyconf-qmk-search"


def _cache_tag() -> str:
    # marshal's format belongs to the Python version that wrote it.
    return f"{sys.implementation.cache_tag}-{marshal.version}-{INDEX_FORMAT}"


def _read_marshal(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            return marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class _CachedIndex:
    head: str | None
    build_id: str
    tree_stamps: tuple[list[str], list[int]]
    userspace_stamps: tuple[list[str], list[int]]
    aliases: dict[str, str]
    rows: tuple[tuple[Any, ...], ...]


def _pack_stamps(stamps: Mapping[str, Stamp]) -> tuple[str, bytes]:
    """Stamps as one NUL-joined string of paths and the times as 64-bit integers: this is the
    form that loads fastest (two objects instead of tens of thousands)."""
    paths, mtimes = flatten(stamps)
    return "\0".join(paths), array("q", mtimes).tobytes()


def _unpack_stamps(paths: str, mtimes: bytes) -> tuple[list[str], list[int]]:
    numbers = array("q")
    numbers.frombytes(mtimes)
    return (paths.split("\0") if paths else []), numbers.tolist()


def _read_cache(index_file: Path, tree: Path, userspace: Path | None) -> _CachedIndex | None:
    data = _read_marshal(index_file)
    if not (isinstance(data, tuple) and len(data) == 12 and data[0] == _INDEX_MAGIC and data[1] == _cache_tag()):
        return None
    (_, _, cached_tree, cached_userspace, head, build_id, tree_paths, tree_mtimes, us_paths, us_mtimes,
     aliases, rows) = data
    if cached_tree != str(tree) or cached_userspace != (str(userspace) if userspace else None):
        return None
    if not (isinstance(head, str | None) and isinstance(build_id, str) and isinstance(aliases, dict)
            and isinstance(rows, tuple) and isinstance(tree_paths, str) and isinstance(us_paths, str)
            and isinstance(tree_mtimes, bytes) and isinstance(us_mtimes, bytes)):
        return None
    try:
        tree_stamps = _unpack_stamps(tree_paths, tree_mtimes)
        userspace_stamps = _unpack_stamps(us_paths, us_mtimes)
    except ValueError:
        return None
    return _CachedIndex(head, build_id, tree_stamps, userspace_stamps, aliases, rows)


def _cache_still_valid(cached: _CachedIndex, tree: Path, userspace: Path | None) -> bool:
    if not stamps_unchanged(tree, *cached.tree_stamps):
        return False
    return userspace is None or stamps_unchanged(userspace, *cached.userspace_stamps)


def _read_search_state(path: Path, build_id: str) -> tuple[Any, ...] | None:
    data = _read_marshal(path)
    if (isinstance(data, tuple) and len(data) == 4 and data[0] == _SEARCH_MAGIC and data[1] == _cache_tag()
            and data[2] == build_id and isinstance(data[3], tuple)):
        return data[3]
    return None


def _read_summaries(path: Path) -> dict[str, list[Any]]:
    data = _read_marshal(path)
    if not (isinstance(data, tuple) and len(data) == 3 and data[0] == _SUMMARIES_MAGIC
            and data[1] == _cache_tag() and isinstance(data[2], dict)):
        return {}
    return {rel: item for rel, item in data[2].items()
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list) and len(item[1]) == 2}


def _write_cache(files: CacheFiles, index: QmkIndex, build: _Build) -> None:
    """Save the index; a cache that cannot be written only costs speed next time."""
    index_data = (
        _INDEX_MAGIC, _cache_tag(), str(index.tree), str(index.userspace) if index.userspace else None,
        index.head, index.build_id, *_pack_stamps(build.tree_stamps), *_pack_stamps(build.userspace_stamps),
        dict(index.aliases), tuple(entry.to_row() for entry in index.entries),
    )
    search_data = (_SEARCH_MAGIC, _cache_tag(), index.build_id, index.search_index().state())
    try:
        files.entries.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(files.summaries, marshal.dumps((_SUMMARIES_MAGIC, _cache_tag(), build.payloads)))
        write_atomic(files.search, marshal.dumps(search_data))
        write_atomic(files.entries, marshal.dumps(index_data))
    except (OSError, ValueError):
        pass
    index.search_file = files.search
