"""Generate keyconf's bundled catalogue (`resources/catalogue/`) of every QMK keyboard and every
VIA definition, so keyconf knows them with no qmk_firmware tree.

    python tools/build_catalogue.py --qmk /path/to/qmk_firmware --via /path/to/via-keyboards \
        [--qmk-commit SHA --qmk-date YYYY-MM-DD] [--via-commit SHA --via-date YYYY-MM-DD] [--out DIR] \
        [--fork keychron=/path/to/Keychron/qmk_firmware.git --fork vial=/path/to/vial-qmk.git]

QMK keyboards are those `qmk list-keyboards` lists, each resolved as `qmk info` resolves it
(parent info.json files, rules.mk and config.h, DEFAULT_FOLDER, layout and keyboard aliases:
`keyconf.formats.qmk_info.merged_info_json`), reduced to the fields keyconf reads. VIA
definitions are the `v3/` files of the-via/keyboards, reduced the same way (their menus to the
names of what they offer). `--fork` adds the boards of QMK forks that upstream lacks
(`tools/fork_boards.py`: Keychron's branches, vial-qmk, fingerpunch's and Framework's forks, and
upstream's newer master), each recorded with its repository,
branch, commit and license. Every record is checked by loading it with keyconf's own readers
before it is written. The format is described in docs/catalogue.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from bundle_keyboards import BOARDS as HAND_CHECKED  # noqa: E402
from bundle_keyboards import reduce_info  # noqa: E402
from fork_boards import FORKS, ForkBranch, UpstreamNames, fork_argument, fork_boards  # noqa: E402

from keyconf.catalogue.bundle import (  # noqa: E402
    BOARDS_FILE,
    BUNDLE_FORMAT,
    ENTRIES_FILE,
    LOOKUP_FILE,
    VIA_PREFIX,
    entry_row,
)
from keyconf.catalogue.drawn_geometry import rotation_donor  # noqa: E402
from keyconf.catalogue.entry import KeyboardEntry, Source, entry_from_keyboard  # noqa: E402
from keyconf.catalogue.qmk_index import load_qmk_index  # noqa: E402
from keyconf.formats.definition_source import (  # noqa: E402
    DataSource,
    KeyboardDefinitionError,
    parse_definition_json,
    read_definition_text,
)
from keyconf.formats.qmk_info import keyboard_from_info, merged_info_json  # noqa: E402
from keyconf.formats.via_definition import via_definition_from_data  # noqa: E402
from keyconf.model.keyboard import Keyboard  # noqa: E402

QMK_URL = "https://github.com/qmk/qmk_firmware"
QMK_LICENSE = "GPL-2.0-or-later"
VIA_URL = "https://github.com/the-via/keyboards"
VIA_LICENSE = "GPL-3.0"
# Raw JSON per chunk: big enough for lzma to find the repeats between a board's revisions,
# small enough that decoding one chunk for one board stays a few milliseconds.
CHUNK_BYTES = 96 * 1024
_VIA_KEEP = ("name", "vendorId", "productId", "matrix", "layouts", "customKeycodes", "keycodes",
             "firmwareVersion", "lighting")
_REVISION = re.compile(r"^(?:rev|v|r)?(\d+)(?:[._](\d+))?$")


def git_facts(tree: Path) -> tuple[str, str]:
    """(commit, date) of a git checkout, or ("", "") when it is none."""
    done = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%H %cs"], capture_output=True, text=True)
    parts = done.stdout.split()
    return (parts[0], parts[1]) if done.returncode == 0 and len(parts) == 2 else ("", "")


def qmk_records(tree: Path) -> tuple[list[tuple[KeyboardEntry, dict[str, Any], Keyboard]], dict[str, str]]:
    """Every keyboard of the tree: (entry, reduced info.json, the board it loads as); and the
    tree's other names for them."""
    index = load_qmk_index(tree, use_cache=False)
    found = []
    failed = 0
    for entry in index.entries:
        try:
            info = merged_info_json(tree, entry.path)
            board = keyboard_from_info(info, entry.path)
            record = reduce_info(info, entry.path, list(entry.aliases), board.matrix_rows, board.matrix_cols)
            loaded = keyboard_from_info(record, entry.path)  # the reduced record must load on its own
        except KeyboardDefinitionError as error:
            print(f"  skipped {entry.path}: {error}", file=sys.stderr)
            failed += 1
            continue
        bundled = entry_from_keyboard(loaded, entry.path, Source.BUNDLED, "")
        bundled = bundled._replace(aliases=entry.aliases, via_keymap=entry.via_keymap,
                                   vial_keymap=entry.vial_keymap)
        found.append((bundled, record, loaded))
    print(f"QMK: {len(found):,} keyboards ({failed} skipped)")
    return found, dict(index.aliases)


def reduce_via(data: dict[str, Any]) -> dict[str, Any]:
    """A VIA definition without what keyconf does not read; `menus` become the names of the
    built-in menus and the labels of custom ones (what kind of lighting and settings it has)."""
    out = {key: data[key] for key in _VIA_KEEP if key in data}
    if isinstance(data.get("menus"), list):
        out["menus"] = [menu if isinstance(menu, str) else str(menu.get("label", "custom"))
                        for menu in data["menus"] if isinstance(menu, str | dict)]
    return out


def via_records(folder: Path) -> list[tuple[KeyboardEntry, dict[str, Any], Keyboard | None]]:
    """Every VIA definition: `v3/` (paths `via:v3/<maker>/...`), then the older `src/` ones
    (v2, `via:v2/...`) for USB ids no v3 file has, as VIA itself prefers v3. A definition
    keyconf cannot read is listed as broken, with the reason."""
    found: list[tuple[KeyboardEntry, dict[str, Any], Keyboard | None]] = []
    broken = 0
    v3_ids: set[tuple[int | None, int | None]] = set()
    for version, definitions in (("v3", folder / "v3"), ("v2", folder / "src")):
        for file in sorted(definitions.rglob("*.json")):
            rel = file.relative_to(definitions).with_suffix("").as_posix()
            path = f"{VIA_PREFIX}{version}/{rel}"
            try:
                text = read_definition_text(file)
                data = parse_definition_json(text, file)
            except KeyboardDefinitionError as error:
                print(f"  skipped {path}: {error}", file=sys.stderr)
                continue
            record = reduce_via(data) if isinstance(data, dict) else {}
            try:
                board = via_definition_from_data(record, DataSource(str(file), text)).keyboard
            except KeyboardDefinitionError as error:
                if version == "v2":
                    continue  # an old file keyconf cannot read adds nothing VIA still offers
                reason = str(error).replace(str(folder) + "/", "the-via/keyboards/")
                name = record.get("name") if isinstance(record.get("name"), str) else rel
                found.append((KeyboardEntry(path, str(name), Source.VIA_BUNDLED, rel.split("/")[0],
                                            broken=reason), record, None))
                broken += 1
                continue
            if version == "v2" and (board.usb_vid, board.usb_pid) in v3_ids:
                continue
            if version == "v3":
                v3_ids.add((board.usb_vid, board.usb_pid))
            board.manufacturer = rel.split("/")[0]
            found.append((entry_from_keyboard(board, path, Source.VIA_BUNDLED, ""), record, board))
    print(f"VIA: {len(found):,} definitions ({broken} listed as broken: keyconf cannot read them)")
    return found


def folder_defaults(paths: Iterable[str], aliases: dict[str, str]) -> dict[str, str]:
    """A default board for each folder that holds keyboards but is none (`planck`, `ferris`),
    for names people write that QMK itself no longer resolves: the hand-checked board under
    it, else its only board, else its newest numbered revision directly below it."""
    known = set(paths)
    below: dict[str, list[str]] = {}
    for path in sorted(known):  # sorted: the same trees give the same bytes
        parts = path.split("/")
        for depth in range(1, len(parts)):
            below.setdefault("/".join(parts[:depth]), []).append(path)
    chosen: dict[str, str] = {}
    for folder, boards in below.items():
        if folder in known or folder in aliases:
            continue
        checked = [b for b in HAND_CHECKED if b in boards]
        if checked:
            chosen[folder] = checked[0]
        elif len(boards) == 1:
            chosen[folder] = boards[0]
        else:
            revisions = []
            for board in boards:
                rest = board[len(folder) + 1:]
                match = _REVISION.match(rest)
                if "/" not in rest and match:
                    revisions.append(((int(match.group(1)), int(match.group(2) or 0)), board))
            if revisions:
                chosen[folder] = max(revisions)[1]
    return dict(sorted(chosen.items()))


def write_bundle(out: Path, sources: list[dict[str, Any]], qmk: list[tuple[KeyboardEntry, dict[str, Any], Keyboard]],
                 via: list[tuple[KeyboardEntry, dict[str, Any], Keyboard | None]], aliases: dict[str, str],
                 forks: list[ForkBranch] | None = None) -> None:
    """The three files; a fork's boards follow upstream's QMK boards, branch after branch."""
    out.mkdir(parents=True, exist_ok=True)
    upstream_paths = [entry.path for entry, _, _ in qmk]
    defaults = folder_defaults(upstream_paths, aliases)
    fork_rows = []
    if forks:
        upstream = UpstreamNames(upstream_paths, aliases)
        qmk = list(qmk)
        fork_aliases: dict[str, str] = {}
        for branch in forks:
            fork_rows.append({**branch.source, "first": len(qmk)})
            qmk += branch.boards
            fork_aliases.update(branch.aliases)
        aliases = {**aliases, **{k: v for k, v in fork_aliases.items() if not upstream.knows(k)}}
        # a folder only a fork has boards under (`keychron/q3_max`) gets a default as upstream's do
        every = folder_defaults([entry.path for entry, _, _ in qmk], aliases)
        defaults.update({k: v for k, v in every.items() if k not in defaults and not upstream.knows(k)})
        defaults = dict(sorted(defaults.items()))
    records = [(entry, record) for entry, record, _ in (*qmk, *via)]
    chunks: list[tuple[int, int, int]] = []
    blob = bytearray()
    first = 0
    pending: list[Any] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size, first
        if pending:
            packed = lzma.compress(json.dumps(pending, separators=(",", ":"), ensure_ascii=False).encode(),
                                   preset=9 | lzma.PRESET_EXTREME)
            chunks.append((first, len(blob), len(packed)))
            blob.extend(packed)
            first += len(pending)
        pending, size = [], 0

    for _entry, record in records:  # QMK boards in path order: a family's revisions share a chunk
        text_size = len(json.dumps(record, separators=(",", ":")))
        if size and size + text_size > CHUNK_BYTES:
            flush()
        pending.append(record)
        size += text_size
    flush()

    paths = [entry.path for entry, _ in records]
    donors = {}
    via_by_usb: dict[tuple[int | None, int | None], list[tuple[str, Keyboard]]] = {}
    for entry, _, via_board in via:
        if via_board is not None:
            via_by_usb.setdefault((via_board.usb_vid, via_board.usb_pid), []).append((entry.path, via_board))
    for entry, _, board in qmk:
        if board.usb_vid is not None:
            donor = rotation_donor(board, via_by_usb.get((board.usb_vid, board.usb_pid), []))
            if donor is not None:
                donors[entry.path] = donor
    usb: dict[str, list[int]] = {}
    for number, (entry, _) in enumerate(records):
        if entry.usb_id is not None:
            usb.setdefault(entry.usb_id, []).append(number)
    lookup = {
        "format": BUNDLE_FORMAT,
        "sources": sources,
        "paths": paths,
        "qmk_count": len(qmk),
        "chunks": chunks,
        "aliases": {k: v for k, v in sorted(aliases.items()) if not k.startswith("_")},
        "folder_defaults": defaults,
        "usb": usb,
        "via_geometry": donors,
    }
    if fork_rows:
        lookup["forks"] = fork_rows
    rows = [entry_row(entry) for entry, _ in records]
    (out / BOARDS_FILE).write_bytes(bytes(blob))
    for name, data in ((LOOKUP_FILE, lookup), (ENTRIES_FILE, rows)):
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        (out / name).write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    sizes = ", ".join(f"{name} {(out / name).stat().st_size / 1e6:.2f} MB"
                      for name in (BOARDS_FILE, LOOKUP_FILE, ENTRIES_FILE))
    print(f"wrote {out}: {sizes} ({len(chunks)} chunks); {len(donors)} QMK boards drawn with VIA's rotation")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qmk", type=Path, required=True, help="a qmk_firmware tree")
    parser.add_argument("--via", type=Path, required=True, help="a checkout of the-via/keyboards")
    parser.add_argument("--qmk-commit"), parser.add_argument("--qmk-date")
    parser.add_argument("--via-commit"), parser.add_argument("--via-date")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "catalogue")
    parser.add_argument("--fork", type=fork_argument, action="append", default=[],
                        help=f"NAME=GIT_DIR: add the boards of a QMK fork upstream lacks, NAME one of "
                             f"{', '.join(FORKS)} (repeatable; the first wins a board several have)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    qmk_commit, qmk_date = git_facts(args.qmk)
    via_commit, via_date = git_facts(args.via)
    qmk, aliases = qmk_records(args.qmk)
    via = via_records(args.via)
    sources = [
        {"name": "qmk_firmware", "url": QMK_URL, "commit": args.qmk_commit or qmk_commit,
         "date": args.qmk_date or qmk_date, "license": QMK_LICENSE, "boards": len(qmk)},
        {"name": "via", "url": VIA_URL, "commit": args.via_commit or via_commit,
         "date": args.via_date or via_date, "license": VIA_LICENSE, "boards": len(via)},
    ]
    for source in sources:
        if not source["commit"] or not source["date"]:
            parser.error(f"{source['name']}: no git history here; give --{source['name'][:3]}-commit and -date")
    upstream = UpstreamNames((entry.path for entry, _, _ in qmk), aliases)
    forks = fork_boards(args.fork, upstream) if args.fork else []
    write_bundle(args.out, sources, qmk, via, aliases, forks)
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
