"""The index cache: reused while nothing changed, refreshed file by file when something did."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from synthetic_qmk import PAST, SyntheticTree, age_tree, make_userspace

from keyconf.catalogue.qmk_index import cache_files, load_qmk_index


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def load(tree: SyntheticTree, cache: Path, **options):
    return load_qmk_index(tree.root, cache_dir=cache, **options)


def lone_board(tree: SyntheticTree) -> str:
    """A good keyboard whose keyboard.json holds everything (no parent info.json)."""
    return next(p for p in sorted(tree.good)
                if (tree.root / "keyboards" / p / "keyboard.json").exists()
                and not (tree.root / "keyboards" / p).parent.joinpath("info.json").exists()
                and p.count("/") == 1)


def rewrite_json(file: Path, change) -> None:
    data = json.loads(file.read_text())
    change(data)
    with open(file, "r+", encoding="utf-8") as handle:  # in place: the folder's time stays as it was
        handle.seek(0)
        handle.write(json.dumps(data, indent=2))
        handle.truncate()


def test_second_load_is_warm_and_identical(small_tree: SyntheticTree, cache: Path) -> None:
    cold = load(small_tree, cache)
    assert cold.stats.how == "cold" and cold.stats.parsed_files > len(small_tree.keyboards)
    assert all(path.exists() for path in cache_files(small_tree.root.resolve(), None, cache))
    warm = load(small_tree, cache)
    assert warm.stats.how == "warm" and warm.stats.parsed_files == 0
    assert list(warm.entries) == list(cold.entries) and warm.aliases == cold.aliases
    assert [m.entry.path for m in warm.search_index().search("planck")] == \
        [m.entry.path for m in cold.search_index().search("planck")]


def test_an_edited_file_is_the_only_one_read_again(small_tree: SyntheticTree, cache: Path) -> None:
    load(small_tree, cache)
    board = lone_board(small_tree)
    file = small_tree.root / "keyboards" / board / "keyboard.json"
    folder_time = os.stat(file.parent).st_mtime_ns
    rewrite_json(file, lambda d: d.update(keyboard_name="Renamed Board"))
    assert os.stat(file.parent).st_mtime_ns == folder_time
    index = load(small_tree, cache)
    assert index.stats.how == "refreshed" and index.stats.parsed_files == 1
    assert index.get(board).name == "Renamed Board"


def test_a_file_written_just_before_a_scan_is_checked_again(small_tree: SyntheticTree, cache: Path) -> None:
    """Racy files: a second write in the same clock tick would keep the time, so they are re-read."""
    load(small_tree, cache)
    file = small_tree.root / "keyboards" / lone_board(small_tree) / "keyboard.json"
    rewrite_json(file, lambda d: d.update(manufacturer="First"))
    assert load(small_tree, cache).stats.parsed_files == 1
    again = load(small_tree, cache)
    assert again.stats.how == "refreshed" and again.stats.parsed_files == 1
    os.utime(file, (PAST, PAST))  # once the write is old, the cache settles
    load(small_tree, cache)
    assert load(small_tree, cache).stats.how == "warm"


def test_new_and_removed_keyboards(small_tree: SyntheticTree, cache: Path) -> None:
    first = load(small_tree, cache)
    folder = small_tree.root / "keyboards/newmaker/fresh"
    folder.mkdir(parents=True)
    layout = [{"matrix": [0, i], "x": i, "y": 0} for i in range(5)]
    data = {"keyboard_name": "Fresh", "usb": {"vid": "0xABCD", "pid": "0x0042"},
            "layouts": {"LAYOUT": {"layout": layout}}}
    (folder / "keyboard.json").write_text(json.dumps(data))
    age_tree(small_tree.root / "keyboards/newmaker")  # not "just written" (see the racy test): read once only
    index = load(small_tree, cache)
    assert index.stats.how == "refreshed" and index.stats.parsed_files == 1
    entry = index.get("newmaker/fresh")
    assert entry is not None and entry.name == "Fresh" and entry.key_counts == (5,)
    assert len(index.entries) == len(first.entries) + 1

    gone = lone_board(small_tree)
    for file in (small_tree.root / "keyboards" / gone).rglob("*"):
        if file.is_file():
            file.unlink()
    for sub in sorted((small_tree.root / "keyboards" / gone).rglob("*"), reverse=True):
        sub.rmdir()
    (small_tree.root / "keyboards" / gone).rmdir()
    index = load(small_tree, cache)
    assert index.get(gone) is None and index.stats.parsed_files == 0


def test_a_new_via_keymap_is_noticed(small_tree: SyntheticTree, cache: Path) -> None:
    board = next(p for p in sorted(small_tree.good) if not small_tree.keyboards[p].via
                 and (small_tree.root / "keyboards" / p / "keymaps").is_dir())
    assert not load(small_tree, cache).get(board).via_keymap
    via = small_tree.root / "keyboards" / board / "keymaps" / "via"
    via.mkdir()
    (via / "keymap.c").write_text("// via\n")
    assert load(small_tree, cache).get(board).via_keymap


def test_a_definition_that_breaks_is_listed_broken_and_others_survive(small_tree: SyntheticTree, cache: Path) -> None:
    before = load(small_tree, cache)
    board = lone_board(small_tree)
    file = small_tree.root / "keyboards" / board / "keyboard.json"
    with open(file, "r+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.write('{"keyboard_name": ')
        handle.truncate()
    after = load(small_tree, cache)
    assert after.get(board).broken and f"keyboards/{board}/keyboard.json" in after.get(board).broken
    assert len(after.entries) == len(before.entries)
    assert sum(1 for e in after.entries if e.broken) == sum(1 for e in before.entries if e.broken) + 1


def test_alias_file_changes_are_picked_up(small_tree: SyntheticTree, cache: Path) -> None:
    load(small_tree, cache)
    aliases = small_tree.root / "data/mappings/keyboard_aliases.hjson"
    aliases.write_text(aliases.read_text().replace('"crkbd":', '"corne_classic": {"target": "crkbd/rev1"},\n"crkbd":'))
    index = load(small_tree, cache)
    assert index.resolve("corne_classic") == "crkbd/rev1"
    assert index.stats.parsed_files == 1


def test_a_new_git_head_refreshes(small_tree: SyntheticTree, cache: Path) -> None:
    git = small_tree.root / ".git"
    (git / "refs/heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/master\n")
    (git / "refs/heads/master").write_text("a" * 40 + "\n")
    assert load(small_tree, cache).head == "a" * 40
    assert load(small_tree, cache).stats.how == "warm"
    (git / "refs/heads/master").write_text("b" * 40 + "\n")
    index = load(small_tree, cache)
    assert index.head == "b" * 40 and index.stats.how == "refreshed" and index.stats.parsed_files == 0


def test_userspace_changes_refresh(small_tree: SyntheticTree, tmp_path: Path, cache: Path) -> None:
    board = lone_board(small_tree)
    space = make_userspace(tmp_path / "us", {}, [])
    assert not load_qmk_index(small_tree.root, space, cache_dir=cache).get(board).user_keymaps
    assert load_qmk_index(small_tree.root, space, cache_dir=cache).stats.how == "warm"
    (space / "keyboards" / board / "keymaps" / "mine").mkdir(parents=True)
    (space / "keyboards" / board / "keymaps" / "mine" / "keymap.c").write_text("//\n")
    assert load_qmk_index(small_tree.root, space, cache_dir=cache).get(board).user_keymaps == ("mine",)


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", b"\xe3" * 100])
def test_a_damaged_cache_is_rebuilt(small_tree: SyntheticTree, cache: Path, damage: bytes) -> None:
    good = load(small_tree, cache)
    for file in cache_files(small_tree.root.resolve(), None, cache):
        file.write_bytes(damage)
    rebuilt = load(small_tree, cache)
    assert rebuilt.stats.how == "cold" and list(rebuilt.entries) == list(good.entries)
    warm = load(small_tree, cache)
    assert warm.stats.how == "warm"
    assert warm.search_index().search("planck")[0].entry.path == "planck/rev6"


def test_search_structures_from_another_build_are_not_used(small_tree: SyntheticTree, cache: Path) -> None:
    load(small_tree, cache)
    files = cache_files(small_tree.root.resolve(), None, cache)
    stale = files.search.read_bytes()
    board = lone_board(small_tree)
    file = small_tree.root / "keyboards" / board / "keyboard.json"
    rewrite_json(file, lambda d: d.update(keyboard_name="Zyxwv"))
    os.utime(file, (PAST + 1, PAST + 1))
    assert load(small_tree, cache).stats.how == "refreshed"
    files.search.write_bytes(stale)  # a search file left from the previous build
    index = load(small_tree, cache)
    assert index.stats.how == "warm"
    assert index.search_index().search("zyxwv")[0].entry.path == board


def test_refresh_and_no_cache(small_tree: SyntheticTree, cache: Path, tmp_path: Path) -> None:
    load(small_tree, cache)
    forced = load(small_tree, cache, refresh=True)
    assert forced.stats.how == "cold" and forced.stats.parsed_files > len(small_tree.keyboards)
    elsewhere = tmp_path / "unused-cache"
    load(small_tree, elsewhere, use_cache=False)
    assert not elsewhere.exists()


def test_parallel_and_serial_parsing_agree(big_tree: SyntheticTree, big_index, tmp_path: Path) -> None:
    serial = load_qmk_index(big_tree.root, use_cache=False, workers=1)
    parallel = load_qmk_index(big_tree.root, use_cache=False, workers=2)
    assert list(serial.entries) == list(parallel.entries) == list(big_index.entries)


def test_stamps_ignore_an_untouched_tree_even_when_read(small_tree: SyntheticTree, cache: Path) -> None:
    load(small_tree, cache)
    for file in (small_tree.root / "keyboards").rglob("*.json"):
        file.read_bytes()  # reading changes no modification time
    time.sleep(0.01)
    assert load(small_tree, cache).stats.how == "warm"
    age_tree(small_tree.root, PAST - 10)  # a checkout of older files is a change
    assert load(small_tree, cache).stats.how == "refreshed"


def test_a_damaged_cached_row_shows_as_broken_not_as_a_crash() -> None:
    from keyconf.catalogue.entry import KeyboardEntry, LayoutSummary, LazyEntries, Source

    good = KeyboardEntry("a/b", "AB", Source.QMK, layouts=(LayoutSummary("LAYOUT", 4),)).to_row()
    damaged = ("c/d", "CD", "qmk", "", (("LAYOUT", 4, "extra"),), *good[5:])
    rows = (good, damaged)
    assert LazyEntries.well_formed(rows)
    entries = LazyEntries(rows)
    assert entries[0].key_counts == (4,) and entries[0].broken is None
    assert entries[1].path == "c/d" and "--refresh" in (entries[1].broken or "")
    assert not LazyEntries.well_formed((good[:-1],)) and not LazyEntries.well_formed([good])
