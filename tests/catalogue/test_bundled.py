"""The keyboards keyconf ships: every one loads, matches its QMK layout macros, and is found
by QMK path and by its old QMK names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue import bundled
from keyconf.catalogue.bundled import (
    bundled_aliases,
    bundled_folder,
    bundled_keyboards,
    load_bundled,
    resolve_bundled_name,
)
from keyconf.model.geometry import physical_rows
from keyconf.resources import resource_path

# (QMK path, layout macro, keys): counts from the boards' QMK definitions.
EXPECTED_LAYOUTS = [
    ("planck/rev6", "LAYOUT_ortho_4x12", 48),
    ("planck/rev6", "LAYOUT_planck_1x2uC", 47),
    ("crkbd/rev1", "LAYOUT_split_3x6_3", 42),
    ("crkbd/rev1", "LAYOUT_split_3x5_3", 36),
    ("ferris/sweep", "LAYOUT_split_3x5_2", 34),
    ("dz60", "LAYOUT_60_ansi", 61),
    ("dz60", "LAYOUT_60_iso", 62),
    ("kbdfans/kbd8x_mk2", "LAYOUT_tkl_ansi", 87),
    ("kbdfans/kbd8x_mk2", "LAYOUT_tkl_iso", 88),
    ("splitkb/kyria/rev3", "LAYOUT_split_3x6_5", 50),
    ("sofle/rev1", "LAYOUT", 60),
    ("lily58/rev1", "LAYOUT", 58),
    ("whale/sk/v3", "LAYOUT_all", 84),
]

ALL_BOARDS = sorted(bundled_keyboards())


def test_required_boards_are_bundled() -> None:
    assert {name for name, _, _ in EXPECTED_LAYOUTS} <= set(ALL_BOARDS)


@pytest.mark.parametrize(("board", "macro", "count"), EXPECTED_LAYOUTS)
def test_layout_key_counts(board: str, macro: str, count: int) -> None:
    assert load_bundled(board).layout(macro).key_count == count


@pytest.mark.parametrize("board", ALL_BOARDS)
def test_every_board_is_complete_and_consistent(board: str) -> None:
    kb = bundled_keyboards()[board]()
    assert kb.name == board
    assert kb.display_name and kb.manufacturer
    assert kb.processor and kb.bootloader
    assert kb.usb_vid is not None and kb.usb_pid is not None
    assert kb.matrix_rows > 0 and kb.matrix_cols > 0
    for target in kb.layout_aliases.values():
        assert target in kb.layouts
    for macro in kb.layouts.values():
        positions = [key.matrix for key in macro.keys]
        assert None not in positions, f"{macro.name} has a key without a matrix position"
        assert len(set(positions)) == len(positions), f"{macro.name} repeats a matrix position"
        for row, col in positions:  # type: ignore[misc]
            assert 0 <= row < kb.matrix_rows and 0 <= col < kb.matrix_cols
        rows = physical_rows(macro.keys)
        assert [i for r in rows for i in r] == list(range(len(macro.keys)))


def test_facts_from_qmk() -> None:
    planck = load_bundled("planck/rev6")
    assert (planck.usb_vid, planck.usb_pid) == (0x03A8, 0xA4F9)
    assert (planck.processor, planck.bootloader) == ("STM32F303", "stm32-dfu")
    assert planck.layout("LAYOUT_planck_mit").name == "LAYOUT_planck_1x2uC"
    assert len(planck.encoders) == 1
    corne = load_bundled("crkbd")
    assert (corne.matrix_rows, corne.matrix_cols) == (8, 6)  # split: both halves' rows
    assert corne.layout("LAYOUT").name == "LAYOUT_split_3x6_3"
    assert set(corne.community_layouts) == {"split_3x5_3", "split_3x6_3"}
    assert len(load_bundled("sofle").encoders) == 2


def test_rows_follow_the_physical_rows() -> None:
    def row_lengths(board: str, macro: str) -> list[int]:
        return [len(r) for r in physical_rows(load_bundled(board).layout(macro).keys)]

    assert row_lengths("planck/rev6", "LAYOUT_ortho_4x12") == [12, 12, 12, 12]
    assert row_lengths("crkbd/rev1", "LAYOUT_split_3x6_3") == [12, 12, 12, 6]
    assert row_lengths("ferris/sweep", "LAYOUT_split_3x5_2") == [10, 10, 10, 4]
    assert row_lengths("dz60", "LAYOUT_60_ansi") == [14, 14, 13, 12, 8]
    assert row_lengths("kbdfans/kbd8x_mk2", "LAYOUT_tkl_iso") == [16, 17, 16, 14, 14, 11]
    # Splite v3: a fanned, rotated thumb cluster of three rows under the main block.
    assert row_lengths("whale/sk/v3", "LAYOUT_all")[-3:] == [4, 6, 4]


def test_rotated_thumbs_and_iso_enter_are_present() -> None:
    whale = load_bundled("whale/sk/v3").layout("LAYOUT_all")
    rotated = [k for k in whale.keys if k.r]
    assert len(rotated) == 14 and {k.r for k in rotated} == {30.0, -30.0}
    assert all(k.rx and k.ry for k in rotated)
    iso = load_bundled("kbdfans/kbd8x_mk2").layout("LAYOUT_tkl_iso")
    assert sum(1 for k in iso.keys if k.secondary is not None) == 1
    ansi = load_bundled("kbdfans/kbd8x_mk2").layout("LAYOUT_tkl_ansi")
    assert all(k.secondary is None for k in ansi.keys)


def test_lookup_by_alias() -> None:
    assert resolve_bundled_name("crkbd") == "crkbd/rev1"
    assert resolve_bundled_name("kyria") == "splitkb/kyria/rev3"
    assert resolve_bundled_name("/planck/rev6/") == "planck/rev6"
    assert resolve_bundled_name("nope") is None
    assert bundled_aliases()["lily58"] == "lily58/rev1"
    assert "crkbd" in load_bundled("crkbd").keyboard_aliases
    with pytest.raises(KeyError, match="no bundled keyboard 'nope'.*planck/rev6"):
        load_bundled("nope")


def test_loading_is_lazy_and_copies_are_independent() -> None:
    bundled._parse.cache_clear()
    loaders = bundled_keyboards()
    assert bundled._parse.cache_info().currsize == 0
    first = loaders["planck/rev6"]()
    assert bundled._parse.cache_info().currsize == 1
    first.layouts.clear()
    first.layout_aliases["X"] = "Y"
    second = load_bundled("planck/rev6")
    assert "LAYOUT_ortho_4x12" in second.layouts and "X" not in second.layout_aliases


def test_index_lists_exactly_the_files() -> None:
    folder = bundled_folder()
    index = json.loads((folder / "index.json").read_text())
    listed = {entry["file"] for entry in index["keyboards"].values()}
    on_disk = {p.name for p in folder.glob("*.json")} - {"index.json"}
    assert listed == on_disk
    for name, entry in index["keyboards"].items():
        data = json.loads((folder / entry["file"]).read_text())
        assert data["keyboard_folder"] == name


def test_resource_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resource_path("keyboards").is_dir()
    (tmp_path / "keyboards").mkdir()
    monkeypatch.setenv("KEYCONF_RESOURCES", str(tmp_path))
    assert resource_path("keyboards") == tmp_path / "keyboards"
    with pytest.raises(FileNotFoundError, match="not-there"):
        resource_path("not-there")
