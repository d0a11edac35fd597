"""The catalogue as a user meets it: with and without a tree, with VIA definitions, loading boards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_qmk import SyntheticTree

from keyconf.catalogue.catalogue import Catalogue, UnknownKeyboard
from keyconf.catalogue.entry import Source
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.catalogue.user_definitions import add_via_definition, load_user_definitions
from keyconf.formats.definition_source import KeyboardDefinitionError

NO_CONFIG = QmkCliConfig()

# A 2x3 macropad as vendors ship VIA definitions (v3).
MACROPAD = {
    "name": "Tiny Pad",
    "vendorId": "0xFEED",
    "productId": "0x6060",
    "matrix": {"rows": 2, "cols": 3},
    "keycodes": ["qmk_lighting"],
    "menus": [],
    "layouts": {"keymap": [["0,0", "0,1", "0,2"], ["1,0", "1,1", "1,2"]]},
}


def open_catalogue(tmp_path: Path, qmk_home=None, **options) -> Catalogue:
    return Catalogue.open(qmk_home, environ={}, qmk_config=NO_CONFIG, home=tmp_path / "home",
                          definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache", **options)


def test_without_a_tree_the_bundled_boards_work_and_the_notice_says_how_to_get_more(tmp_path: Path) -> None:
    catalogue = open_catalogue(tmp_path)
    assert catalogue.qmk_index is None
    bundled = catalogue.entries
    qmk = [e for e in bundled if e.source is Source.BUNDLED]
    via = [e for e in bundled if e.source is Source.VIA_BUNDLED]
    forks = [e for e in bundled if e.source is Source.FORK_BUNDLED]
    assert len(qmk) >= 3300 and len(via) >= 1300 and len(qmk) + len(via) + len(forks) == len(bundled)
    assert catalogue.search("corne")[0].entry.path == "crkbd/rev1"
    assert catalogue.get("kyria").path == "splitkb/kyria/rev3"  # an old QMK name of a bundled board
    notice = catalogue.notice
    assert notice is not None and "qmk setup" in notice and "QMK_HOME" in notice
    assert f"{len(bundled):,} keyboards bundled" in notice and "qmk_firmware 20" in notice
    board = catalogue.load("crkbd")
    assert board.name == "crkbd/rev1" and board.layout("LAYOUT_split_3x6_3").key_count == 42


def test_a_wrong_configured_tree_is_reported_and_bundled_boards_still_work(tmp_path: Path) -> None:
    catalogue = Catalogue.open(None, environ={"QMK_HOME": str(tmp_path / "nothing")}, qmk_config=NO_CONFIG,
                               home=tmp_path, definitions_dir=tmp_path / "defs", cache_dir=tmp_path / "cache")
    assert catalogue.status.qmk_problem and "QMK_HOME" in catalogue.status.qmk_problem
    assert catalogue.notice == catalogue.status.qmk_problem
    assert catalogue.search("planck")[0].entry.source is Source.BUNDLED


def test_with_a_tree(big_tree: SyntheticTree, tmp_path: Path) -> None:
    catalogue = open_catalogue(tmp_path, big_tree.root)
    status = catalogue.status
    assert status.qmk_home is not None and status.qmk_keyboards == len(big_tree.keyboards)
    assert catalogue.notice is None
    # Boards both bundled and in the tree are listed once, from the tree; the others stay.
    corne = [m.entry for m in catalogue.search("corne") if m.entry.path == "crkbd/rev1"]
    assert [e.source for e in corne] == [Source.QMK]
    assert catalogue.get("kyria").source is Source.BUNDLED
    assert len(catalogue) == status.total == len(catalogue.entries)
    assert len({e.path for e in catalogue.entries}) == len(catalogue.entries)
    # Loading goes through the full info.json loader and agrees with the index.
    for path in ("crkbd/rev1", "planck/rev6", *sorted(big_tree.good)[:40]):
        entry = catalogue.get(path)
        board = catalogue.load(path)
        assert board.name == path
        assert {n: m.key_count for n, m in board.layouts.items()} == {x.name: x.key_count for x in entry.layouts}
        assert (board.usb_vid, board.usb_pid) == (entry.usb_vid, entry.usb_pid)
    assert "crkbd" in catalogue.load("crkbd").keyboard_aliases
    corne_ids = [e.path for e in catalogue.by_usb(0x4653, 1)]
    assert corne_ids[0] == "crkbd/rev1" and corne_ids.count("crkbd/rev1") == 1
    assert {"crkbd/r2g", "via:v3/crkbd/crkbd"} <= set(corne_ids)  # the bundle's boards sharing the id
    assert "planck/rev6" in {e.path for e in catalogue.by_key_count(48)}


def test_unknown_names_get_suggestions(tmp_path: Path) -> None:
    catalogue = open_catalogue(tmp_path)
    with pytest.raises(UnknownKeyboard) as caught:
        catalogue.load("plank")
    assert caught.value.suggestions[0] == "planck/rev6"
    assert "did you mean planck/rev6" in str(caught.value)


def test_a_name_far_longer_than_any_keyboards_gets_no_suggestions(tmp_path: Path) -> None:
    # Found by fuzzing layouts: `keyboard: crkbd/rev crkbd/rev …` 100,000 characters long took
    # 8.6 s of CPU in the did-you-mean, one search term per word.
    catalogue = open_catalogue(tmp_path)
    long_name = "crkbd/rev " * 10_000
    assert catalogue.suggestions(long_name) == []
    assert catalogue.suggestions("crkbd/rev crkbd/rev")[0].startswith("crkbd/")


def test_a_search_term_said_twice_finds_what_it_finds_once(tmp_path: Path) -> None:
    catalogue = open_catalogue(tmp_path)
    once = [m.entry.path for m in catalogue.search("crkbd rev")]
    assert once and [m.entry.path for m in catalogue.search("crkbd rev " * 500)] == once


def test_broken_tree_definitions_raise_with_the_file(small_tree: SyntheticTree, tmp_path: Path) -> None:
    folder = small_tree.root / "keyboards/acme/halfwritten"
    folder.mkdir(parents=True)
    (folder / "keyboard.json").write_text('{\n  "keyboard_name": "Half",\n  "layouts": {\n')
    catalogue = open_catalogue(tmp_path, small_tree.root)
    broken = catalogue.get("acme/halfwritten")
    assert broken is not None and "keyboards/acme/halfwritten/keyboard.json" in broken.broken
    with pytest.raises(KeyboardDefinitionError) as caught:
        catalogue.load(broken)
    assert caught.value.path == str(folder / "keyboard.json") and caught.value.line is not None


def test_via_definitions_the_user_added(tmp_path: Path) -> None:
    source = tmp_path / "Tiny Pad (v3).json"
    source.write_text(json.dumps(MACROPAD))
    added = add_via_definition(source, tmp_path / "definitions")
    assert added.path == "via:Tiny_Pad_v3" and (tmp_path / "definitions/Tiny_Pad_v3.json").exists()
    (tmp_path / "definitions/broken.json").write_text('{"name": "Half"')
    catalogue = open_catalogue(tmp_path)
    pad = catalogue.search("tiny pad")[0].entry
    assert (pad.path, pad.source, pad.key_counts, pad.usb_id) == ("via:Tiny_Pad_v3", Source.VIA, (6,), "FEED:6060")
    # 0xFEED is QMK's default vendor id: bundled boards share it, the user's file is among them.
    assert "via:Tiny_Pad_v3" in [e.path for e in catalogue.by_usb(0xFEED, 0x6060)]
    board = catalogue.load("via:Tiny_Pad_v3")
    assert board.layout().key_count == 6 and board.usb_pid == 0x6060
    broken = catalogue.get("via:broken")
    assert broken is not None and broken.broken and "broken.json" in broken.broken
    assert catalogue.status.via_definitions == 2


def test_via_definition_summaries_are_cached(tmp_path: Path) -> None:
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "pad.json").write_text(json.dumps(MACROPAD))
    cache = tmp_path / "via.cache"
    first = load_user_definitions(folder, cache)
    assert cache.exists()
    (folder / "pad.json").write_text(json.dumps({**MACROPAD, "name": "Renamed Pad"}))
    assert load_user_definitions(folder, cache)[0].name == "Renamed Pad"
    assert first[0].name == "Tiny Pad"


def test_adding_a_bad_definition_copies_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "No matrix", "vendorId": "0x1", "productId": "0x2", "layouts": {}}))
    with pytest.raises(KeyboardDefinitionError):
        add_via_definition(bad, tmp_path / "definitions")
    assert not (tmp_path / "definitions" / "bad.json").exists()


def test_layout_files_find_tree_keyboards(big_tree: SyntheticTree, tmp_path: Path) -> None:
    from keyconf.catalogue.resolve import UnknownKeyboardError, find_keyboard

    catalogue = open_catalogue(tmp_path, big_tree.root)
    path = next(p for p in sorted(big_tree.good) if "/" in p and p.split("/")[0] not in ("planck", "crkbd"))
    assert find_keyboard(path, catalogue).name == path
    assert find_keyboard("crkbd", catalogue).name == "crkbd/rev1"
    with pytest.raises(UnknownKeyboardError):
        find_keyboard("no/such/board", catalogue)
