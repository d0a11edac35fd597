"""The boards the editor's start takes from the cache instead of the catalogue: the same board
as the catalogue gives, and a miss whenever what decided it may have changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.catalogue import board_cache
from keyconf.catalogue.board_cache import board_from_data, board_to_data, cached_board, remember_board, stamps_of
from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.resolve import find_keyboard, resolve_keyboard
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro, LayoutOption, SecondaryRect
from keyconf.model.layout import Layer, Layout


@pytest.fixture
def home(user_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "kc"))
    return tmp_path / "kc"


def layout_for(keyboard: str) -> Layout:
    return Layout(keyboard=keyboard, layout_macro="LAYOUT", layers=[Layer("base", [])])


def test_every_field_of_a_board_survives_the_cache():
    board = Keyboard(
        "acme/pad", "Acme Pad", "Acme", 2, 3,
        layouts={"LAYOUT": LayoutMacro("LAYOUT", [
            Key(0, 0, matrix=(0, 0)),
            Key(1.25, 0.5, 2.25, 2, r=15, rx=1, ry=2.5, matrix=(1, 2), label="Enter",
                secondary=SecondaryRect(-0.25, 0, 1.5, 1), option=(0, 1)),
            Key(4, 0, encoder=0),
            Key(5, 0, decal=True),
        ])},
        layout_aliases={"LAYOUT_old": "LAYOUT"},
        layout_options=[LayoutOption("Split backspace"), LayoutOption("Bottom row", ("7u", "6.25u"))],
        encoders=[Encoder(0, 4.0, 0.0), Encoder(1)],
        processor="RP2040", bootloader="rp2040", pin_compatible="promicro", usb_vid=0xFEED, usb_pid=0x0001,
        community_layouts=["ortho_2x3"], keyboard_aliases=["acme"],
    )
    assert board_from_data(board_to_data(board)) == board


def test_bundled_boards_survive_the_cache():
    catalogue = Catalogue.open()
    bundle = catalogue.bundle
    if bundle is None:
        pytest.skip("this install has no generated catalogue")
    vias = [p for p in bundle.paths if p.startswith("via:")]
    drawn = next(iter(bundle.via_geometry))  # a QMK board drawn with VIA's rotation
    for name in ("planck/rev6", "crkbd/rev1", drawn, *vias[:: max(1, len(vias) // 40)]):
        board = find_keyboard(name, catalogue)
        assert board_from_data(board_to_data(board)) == board, name


def test_the_start_takes_the_board_from_the_cache_while_the_catalogue_is_unchanged(home, monkeypatch):
    first = resolve_keyboard(layout_for("planck"), remembered=True)
    assert (home / "cache" / board_cache.CACHE_FILE).is_file()

    def no_catalogue(*_args, **_kwargs):
        raise AssertionError("the catalogue was opened")

    monkeypatch.setattr(Catalogue, "open", no_catalogue)
    again = resolve_keyboard(layout_for("planck"), remembered=True)
    assert again == first and again.name == "planck/rev6" and "planck" in again.keyboard_aliases
    with pytest.raises(AssertionError, match="catalogue was opened"):
        resolve_keyboard(layout_for("planck/rev5"), remembered=True)  # another name is a miss


def test_a_changed_catalogue_file_or_setting_misses(home, monkeypatch, tmp_path):
    resolve_keyboard(layout_for("planck/rev6"), remembered=True)
    assert cached_board("planck/rev6") is not None
    # A QMK tree pointed at from now on may have the board: the setting is part of the key.
    monkeypatch.setenv("QMK_HOME", str(tmp_path / "elsewhere"))
    assert cached_board("planck/rev6") is None
    monkeypatch.delenv("QMK_HOME")
    assert cached_board("planck/rev6") is not None
    # A file the catalogue read (or would read, as a downloaded snapshot) changes or appears.
    decided = Catalogue.open().decided_by("planck/rev6")
    assert decided is not None
    snapshot_manifest = next(p for p in decided if p.name == "manifest.json")
    assert not snapshot_manifest.exists()
    snapshot_manifest.parent.mkdir(parents=True)
    snapshot_manifest.write_text("{}")
    assert cached_board("planck/rev6") is None


def test_a_stale_stamp_misses(tmp_path):
    source = tmp_path / "boards.bin"
    source.write_bytes(b"one")
    cache = tmp_path / "boards.json"
    board = Keyboard("acme/pad", layouts={"LAYOUT": LayoutMacro("LAYOUT", [Key(0, 0, matrix=(0, 0))])})
    remember_board("acme/pad", board, stamps_of([source, tmp_path / "absent"]), cache)
    assert cached_board("acme/pad", cache) == board
    source.write_bytes(b"other")
    os.utime(source, ns=(1, 1))
    assert cached_board("acme/pad", cache) is None
    remember_board("acme/pad", board, stamps_of([source, tmp_path / "absent"]), cache)
    (tmp_path / "absent").write_text("now here")
    assert cached_board("acme/pad", cache) is None


@pytest.mark.parametrize("content", ["", "{", "[]", '{"context": 1}', "\x00\xff", '{"context": null, "boards": 3}'])
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path, content):
    cache = tmp_path / "boards.json"
    cache.write_text(content)
    assert cached_board("acme/pad", cache) is None
    board = Keyboard("acme/pad", layouts={"LAYOUT": LayoutMacro("LAYOUT", [Key(0, 0)])})
    remember_board("acme/pad", board, [], cache)
    assert cached_board("acme/pad", cache) == board


def test_a_damaged_board_record_is_a_miss(tmp_path):
    import json

    cache = tmp_path / "boards.json"
    board = Keyboard("acme/pad", layouts={"LAYOUT": LayoutMacro("LAYOUT", [Key(0, 0)])})
    remember_board("acme/pad", board, [], cache)
    data = json.loads(cache.read_text())
    data["boards"]["acme/pad"]["board"]["layouts"][0][2][0][0] = "x"  # a key's x as text
    cache.write_text(json.dumps(data))
    assert cached_board("acme/pad", cache) is None


def test_a_board_of_the_users_tree_is_kept_while_its_files_are_unchanged(home, small_tree, monkeypatch):
    import time

    monkeypatch.setenv("QMK_HOME", str(small_tree.root))
    first = resolve_keyboard(layout_for("planck"), remembered=True)
    assert first.name == "planck/rev6" and first.manufacturer == "OLKB"
    opened = Catalogue.open

    def no_catalogue(*_args, **_kwargs):
        raise AssertionError("the catalogue was opened")

    monkeypatch.setattr(Catalogue, "open", no_catalogue)
    assert resolve_keyboard(layout_for("planck"), remembered=True) == first
    monkeypatch.setattr(Catalogue, "open", opened)
    # A parent folder's info.json is part of the board: editing it is a miss, and the edit shows.
    family = small_tree.root / "keyboards/planck/info.json"
    family.write_text(family.read_text().replace('"OLKB"', '"OLKB and friends"'))
    later = time.time() + 5
    os.utime(family, (later, later))
    assert cached_board("planck") is None
    assert resolve_keyboard(layout_for("planck"), remembered=True).manufacturer == "OLKB and friends"
    assert cached_board("planck") is not None
    # A file that was not there and would change which board the name means: a miss too.
    (small_tree.root / "keyboards/planck/keyboard.json").write_text("{}")
    assert cached_board("planck") is None


def test_what_files_cannot_tell_is_not_kept(home, tmp_path):
    from keyconf.catalogue.qmk_home import QmkHome

    assert Catalogue.open().decided_by("no/such/board") is None
    broken = Catalogue(qmk_problem="QMK_HOME points at a folder that is no tree")
    assert broken.decided_by("planck/rev6") is None
    without_the_board = Catalogue(qmk_home=QmkHome(tmp_path, "QMK_HOME"))  # the bundle gives it
    files = without_the_board.decided_by("planck/rev6")
    assert files is not None and tmp_path / "keyboards/planck/rev6/keyboard.json" in files


def test_the_cache_keeps_a_few_boards(tmp_path):
    cache = tmp_path / "boards.json"
    for i in range(board_cache.MAX_BOARDS + 3):
        remember_board(f"b{i}", Keyboard(f"b{i}"), [], cache)
    assert cached_board("b0", cache) is None
    assert cached_board(f"b{board_cache.MAX_BOARDS + 2}", cache) == Keyboard(f"b{board_cache.MAX_BOARDS + 2}")
