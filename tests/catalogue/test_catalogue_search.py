"""Searching thousands of keyboards by name, old name, typo, USB id and key count."""

from __future__ import annotations

import random

import pytest
from synthetic_qmk import SyntheticTree

from keyconf.catalogue.entry import KeyboardEntry, LayoutSummary, Source
from keyconf.catalogue.qmk_index import QmkIndex
from keyconf.catalogue.search import SearchIndex, parse_usb_id


@pytest.fixture(scope="module")
def index(big_index: QmkIndex) -> SearchIndex:
    return big_index.search_index()


def top(index: SearchIndex, query: str, count: int = 5) -> list[str]:
    return [m.entry.path for m in index.search(query, count)]


@pytest.mark.parametrize(("query", "first"), [
    ("planck", "planck/rev6"),  # `planck` builds rev6 (DEFAULT_FOLDER), so it leads
    ("crkbd", "crkbd/rev1"),  # QMK's old name
    ("corne", "crkbd/rev1"),  # the keyboard_name
    ("Corne", "crkbd/rev1"),
    ("planck rev5", "planck/rev5"),  # every word must match
    ("crkbd/rev1", "crkbd/rev1"),
    ("olkb planck", "planck/rev6"),  # manufacturer
])
def test_names_find_the_board_first(index: SearchIndex, query: str, first: str) -> None:
    assert top(index, query)[0] == first


@pytest.mark.parametrize(("typo", "meant"), [
    ("plank", "planck/"),  # deletion
    ("planckk", "planck/"),  # insertion
    ("plamck", "planck/"),  # substitution
    ("crkdb", "crkbd/rev1"),  # swapped neighbours
    ("cornr", "crkbd/rev1"),  # a typo in the name
    ("planc", "planck/"),  # still typing: the beginning of a word
])
def test_typos_are_forgiven(index: SearchIndex, typo: str, meant: str) -> None:
    found = top(index, typo, 10)
    assert found and found[0].startswith(meant), found


def test_every_keyboard_is_found_by_its_path(big_tree: SyntheticTree, index: SearchIndex) -> None:
    sample = random.Random(5).sample(sorted(big_tree.keyboards), 300)
    for path in sample:
        assert top(index, path, 1) == [path]


def test_nonsense_finds_nothing_and_empty_query_lists_all(index: SearchIndex) -> None:
    assert index.search("zzqxjv") == []
    assert index.search("planck zzqxjv") == []
    assert len(index.search("", None)) == len(index)


def test_broken_keyboards_rank_below_working_ones(big_tree: SyntheticTree, index: SearchIndex) -> None:
    broken = next(iter(big_tree.broken))
    maker = broken.split("/")[0]
    results = index.search(maker, None)
    flags = [m.entry.broken is not None for m in results]
    assert any(flags) and flags == sorted(flags), "broken boards come last"


def test_usb_ids(index: SearchIndex, big_tree: SyntheticTree) -> None:
    assert [e.path for e in index.by_usb(0x4653, 0x0001)] == ["crkbd/rev1"]
    assert top(index, "4653:0001") == ["crkbd/rev1"]
    assert top(index, "0x4653:0x0001") == ["crkbd/rev1"]
    assert "crkbd/rev1" in top(index, "4653:", 50)
    assert {e.path for e in index.by_usb(0x03A8)} == {"planck/rev5", "planck/rev6"}
    for path, exp in list(big_tree.good.items())[:200]:
        if exp.usb and exp.usb[1] is not None:
            assert path in [e.path for e in index.by_usb(*exp.usb)]
    assert parse_usb_id("feed:") == (0xFEED, None)
    assert parse_usb_id("nope") is None


def test_key_counts(index: SearchIndex, big_tree: SyntheticTree) -> None:
    with_48 = {e.path for e in index.by_key_count(48)}
    assert {"planck/rev5", "planck/rev6"} <= with_48
    assert with_48 == {p for p, exp in big_tree.good.items() if 48 in exp.layouts.values()}
    assert "crkbd/rev1" in top(index, "keys:42", 10000)
    assert top(index, "keys:42 corne") == ["crkbd/rev1"]


def test_user_keymaps_rank_first() -> None:
    def entry(path: str, **more) -> KeyboardEntry:
        return KeyboardEntry(path, "Sweep", Source.QMK, layouts=(LayoutSummary("LAYOUT", 34),), **more)

    index = SearchIndex([entry("a/sweep"), entry("b/sweep", user_keymaps=("mine",)), entry("c/sweep")])
    assert top(index, "sweep")[0] == "b/sweep"


def test_cached_state_gives_the_same_answers(big_index: QmkIndex) -> None:
    fresh = SearchIndex(big_index.entries)
    restored = SearchIndex(big_index.entries, fresh.state())
    for query in ("planck", "plank", "4653:0001", "keys:36", "a"):
        assert [m.entry for m in restored.search(query)] == [m.entry for m in fresh.search(query)]
    assert SearchIndex(big_index.entries[:10], fresh.state()).search("planck") == \
        SearchIndex(big_index.entries[:10]).search("planck")  # a state for other entries is ignored


def test_a_very_long_name_finds_nothing_without_generating_its_typos(index: SearchIndex):
    """One edit changes a name's length by one: a 4,000-letter term can be no typo of a known
    word, and generating its edits would cost the square of its length (~1 GB)."""
    assert index.search("x" * 4000, 3) == []
    assert index.search("planck" + "q" * 4000) == []
    assert index._typo_words("q" * 4000) == (set(), set())
