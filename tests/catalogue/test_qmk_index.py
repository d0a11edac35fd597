"""The index of a qmk_firmware tree: what it lists, the names that lead to a board, and real trees."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import BIG_TREE_SIZE, qmk_cli
from synthetic_qmk import Expected, SyntheticTree

from keyconf.catalogue.entry import KeyboardEntry, Source
from keyconf.catalogue.qmk_index import QmkIndex, load_qmk_index


def facts(entry: KeyboardEntry) -> dict:
    return {
        "name": entry.name, "manufacturer": entry.manufacturer,
        "layouts": {layout.name: layout.key_count for layout in entry.layouts},
        "layout_aliases": dict(entry.layout_aliases), "matrix": (entry.matrix_rows, entry.matrix_cols),
        "processor": entry.processor, "bootloader": entry.bootloader,
        "usb": (entry.usb_vid, entry.usb_pid) if entry.usb_vid is not None else None,
        "via": entry.via_keymap, "vial": entry.vial_keymap, "community_layouts": entry.community_layouts,
        "aliases": set(entry.aliases),
    }


def written(exp: Expected) -> dict:
    return {
        "name": exp.name, "manufacturer": exp.manufacturer, "layouts": exp.layouts,
        "layout_aliases": exp.layout_aliases, "matrix": exp.matrix, "processor": exp.processor,
        "bootloader": exp.bootloader, "usb": exp.usb, "via": exp.via, "vial": exp.vial,
        "community_layouts": exp.community_layouts, "aliases": exp.aliases,
    }


def test_lists_every_buildable_keyboard_once(big_tree: SyntheticTree, big_index: QmkIndex) -> None:
    paths = [entry.path for entry in big_index.entries]
    assert len(paths) == len(set(paths)) == len(big_tree.keyboards) >= BIG_TREE_SIZE
    assert set(paths) == set(big_tree.keyboards)
    assert all(entry.source is Source.QMK for entry in big_index.entries)
    # Family folders holding only an info.json, and keymaps folders, are not keyboards.
    assert not [p for p in paths if "/keymaps" in p]


def test_every_fact_matches_what_was_written(big_tree: SyntheticTree, big_index: QmkIndex) -> None:
    wrong = {}
    for path, exp in big_tree.good.items():
        entry = big_index.get(path)
        assert entry is not None, path
        got, want = facts(entry), written(exp)
        if got != want or entry.broken:
            wrong[path] = {k: (got[k], want[k]) for k in got if got[k] != want[k]} or entry.broken
    assert not wrong, f"{len(wrong)} keyboards differ, e.g. {list(wrong.items())[:3]}"


def test_broken_definitions_are_listed_with_a_reason(big_tree: SyntheticTree, big_index: QmkIndex) -> None:
    assert len(big_tree.broken) > 50
    for path, exp in big_tree.broken.items():
        entry = big_index.get(path)
        assert entry is not None and entry.broken, path
        assert exp.broken.lower() in entry.broken.lower(), (path, entry.broken)
        assert f"keyboards/{path}/" in entry.broken or exp.broken in ("no layouts", "matrix")


def test_hjson_files_are_read(big_index: QmkIndex) -> None:
    quoteless = [e for e in big_index.entries if e.name == "Quoteless"]
    assert quoteless and all(e.broken is None and e.manufacturer == "Hjson Inc" for e in quoteless)
    corne = big_index.get("crkbd/rev1")  # its parent info.json has comments and trailing commas
    assert corne is not None and corne.layouts and corne.manufacturer == "foostan"


def test_qmk_names_lead_to_keyboards(big_tree: SyntheticTree, big_index: QmkIndex) -> None:
    assert big_index.resolve("crkbd") == "crkbd/rev1"  # keyboard_aliases.hjson
    assert big_index.resolve("planck") == "planck/rev6"  # DEFAULT_FOLDER in planck/rules.mk
    assert big_index.resolve("planck/rev5") == "planck/rev5"
    assert big_index.resolve("/crkbd/rev1/") == "crkbd/rev1"
    assert big_index.resolve("gone_board") is None  # its target no longer exists
    assert big_index.resolve("no/such") is None
    chains = [a for a in big_index.aliases if a.startswith("older_")]
    assert chains, "the tree has alias chains"
    for alias in chains:  # older_N -> old_X -> X
        target = big_index.resolve(alias)
        assert target is not None and alias in big_index.get(target).aliases
    for path, exp in big_tree.good.items():
        for alias in exp.aliases:
            assert big_index.resolve(alias) == path


def test_userspace_adds_keymaps_and_build_targets(small_tree: SyntheticTree, tmp_path: Path) -> None:
    from synthetic_qmk import make_userspace

    boards = sorted(small_tree.good)
    plain = next(p for p in boards if not small_tree.keyboards[p].via and p.count("/") == 1)
    space = make_userspace(tmp_path / "qmk_userspace", {plain: ["via", "mine"], "crkbd": ["travel"]},
                           [("planck", "work"), ("no/such", "x")])
    index = load_qmk_index(small_tree.root, space, cache_dir=tmp_path / "cache")
    entry = index.get(plain)
    assert entry.via_keymap and set(entry.user_keymaps) == {"via", "mine"}
    assert index.get("crkbd/rev1").user_keymaps == ("travel",)  # keymaps under an old QMK name count too
    assert index.get("planck/rev6").user_keymaps == ("work",)
    without = load_qmk_index(small_tree.root, None, cache_dir=tmp_path / "cache")
    assert not without.get(plain).via_keymap and not without.get(plain).user_keymaps


def real_tree() -> Path | None:
    for candidate in (os.environ.get("KEYCONF_TEST_QMK_HOME"), os.environ.get("QMK_HOME"),
                      str(Path.home() / "qmk_firmware")):
        if candidate and (Path(candidate) / "keyboards").is_dir() and (Path(candidate) / "quantum").is_dir():
            return Path(candidate)
    return None


@pytest.mark.slow
@pytest.mark.skipif(real_tree() is None or qmk_cli() is None,
                    reason="needs a real qmk_firmware tree (KEYCONF_TEST_QMK_HOME) and the qmk CLI")
def test_a_real_tree_lists_what_qmk_list_keyboards_lists(tmp_path: Path) -> None:
    tree = real_tree()
    assert tree is not None
    done = subprocess.run([qmk_cli(), "list-keyboards"], cwd=tree, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QMK_HOME": str(tree)})
    assert done.returncode == 0, done.stderr
    qmk_names = set(done.stdout.split())
    index = load_qmk_index(tree, cache_dir=tmp_path)
    assert {e.path for e in index.entries} == qmk_names
    # And the full loader agrees with the index on every board.
    from keyconf.formats.qmk_info import load_qmk_keyboard

    differ = []
    for entry in index.entries:
        if entry.broken:
            continue
        board = load_qmk_keyboard(tree, entry.path)
        if ({n: m.key_count for n, m in board.layouts.items()} != {x.name: x.key_count for x in entry.layouts}
                or (board.usb_vid, board.usb_pid, board.processor, board.bootloader, board.display_name)
                != (entry.usb_vid, entry.usb_pid, entry.processor, entry.bootloader, entry.name)
                or (board.matrix_rows, board.matrix_cols) != (entry.matrix_rows, entry.matrix_cols)):
            differ.append(entry.path)
    assert not differ, differ[:10]
