"""The chooser model behind the new-layout dialog, driven as the dialog drives it."""

from __future__ import annotations

from pathlib import Path

from synthetic_qmk import SyntheticTree, make_userspace

from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.chooser import KeyboardChooser, key_counts_text
from keyconf.catalogue.entry import LayoutSummary
from keyconf.catalogue.qmk_home import QmkCliConfig


def chooser_for(tmp_path: Path, qmk_home=None, limit: int = 200, **options) -> KeyboardChooser:
    catalogue = Catalogue.open(qmk_home, environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                               definitions_dir=tmp_path / "defs", cache_dir=tmp_path / "cache", **options)
    return KeyboardChooser(catalogue, limit)


def test_typing_narrows_the_list_to_the_board(big_tree: SyntheticTree, tmp_path: Path) -> None:
    chooser = chooser_for(tmp_path, big_tree.root)
    assert chooser.notice is None
    everything = chooser.rows
    assert len(everything) == 200 and chooser.summary == f"{len(chooser.catalogue):,} keyboards"
    for typed in ("c", "co", "cor", "corn", "corne"):
        rows = chooser.set_query(typed)
    assert rows[0].entry.path == "crkbd/rev1"
    corne = rows[0]
    assert corne.title == "Corne"
    assert corne.detail == "crkbd/rev1 · foostan · 36 or 42 keys"
    assert "VIA" in corne.badges
    assert chooser.summary.endswith("match") or chooser.summary.endswith("matches")
    assert [layout.name for layout in chooser.layouts(0)] == ["LAYOUT_split_3x5_3", "LAYOUT_split_3x6_3"]
    board = chooser.load(0)
    assert board.name == "crkbd/rev1" and board.layout("LAYOUT").key_count == 42  # layout alias followed


def test_many_matches_say_how_many(big_tree: SyntheticTree, tmp_path: Path) -> None:
    chooser = chooser_for(tmp_path, big_tree.root, limit=10)
    chooser.set_query("a")
    assert len(chooser.rows) == 10
    assert chooser.summary.startswith("first 10 of ")
    chooser.set_query("zzqxjv")
    assert chooser.rows == [] and chooser.summary == "no keyboard matches 'zzqxjv'"


def test_without_a_tree_it_says_how_to_add_one(tmp_path: Path) -> None:
    chooser = chooser_for(tmp_path)
    assert len(chooser.rows) == chooser.limit
    assert all({"bundled", "VIA"} & set(row.badges) for row in chooser.rows)
    assert chooser.summary.endswith(" keyboards") and len(chooser.catalogue) > 4600
    assert chooser.notice is not None
    assert "no qmk_firmware tree found" in chooser.notice
    assert "run `qmk setup` or set QMK_HOME" in chooser.notice
    assert chooser.set_query("lily58")[0].entry.path == "lily58/rev1"
    assert chooser.load(0).layout().key_count == 58


def test_a_connected_board_is_recognised(big_tree: SyntheticTree, tmp_path: Path) -> None:
    chooser = chooser_for(tmp_path, big_tree.root)
    rows = chooser.show_connected(0x4653, 0x0001)
    paths = [row.entry.path for row in rows]
    assert paths[0] == "crkbd/rev1" and paths.count("crkbd/rev1") == 1  # the tree's, listed once
    assert chooser.query == "4653:0001"


def test_badges_for_user_keymaps_and_broken_boards(small_tree: SyntheticTree, tmp_path: Path) -> None:
    board = next(p for p in sorted(small_tree.good) if p.count("/") == 1)
    make_userspace(tmp_path / "home/qmk_userspace", {board: ["mine"]}, [])
    chooser = chooser_for(tmp_path, small_tree.root)
    row = next(r for r in chooser.set_query(board) if r.entry.path == board)
    assert "your keymaps" in row.badges
    broken = next(iter(small_tree.broken), None)
    if broken is not None:
        broken_row = next(r for r in chooser.set_query(broken) if r.entry.path == broken)
        assert "broken" in broken_row.badges and broken_row.tooltip == broken_row.entry.broken


def test_key_count_text() -> None:
    assert key_counts_text(()) == "no layouts"
    assert key_counts_text((LayoutSummary("A", 61),)) == "61 keys"
    assert key_counts_text((LayoutSummary("A", 62), LayoutSummary("B", 61), LayoutSummary("C", 61),
                            LayoutSummary("D", 68))) == "61, 62 or 68 keys"
