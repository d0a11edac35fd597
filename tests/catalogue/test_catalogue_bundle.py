"""The bundled catalogue of every QMK keyboard and VIA definition (resources/catalogue/, made by
tools/build_catalogue.py): what it holds, how names and USB ids find boards with no tree, the
hand-checked boards as golden references of the generator, and the generator itself."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from synthetic_qmk import SyntheticTree

from keyconf.catalogue.bundle import open_bundle
from keyconf.catalogue.bundled import bundled_keyboards
from keyconf.catalogue.catalogue import Catalogue, UnknownKeyboard
from keyconf.catalogue.entry import Source
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.qmk_info import load_qmk_keyboard
from keyconf.model.keyboard import Keyboard

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = open_bundle()
pytestmark = pytest.mark.skipif(BUNDLE is None, reason="this checkout has no generated catalogue")


def no_tree(tmp_path: Path) -> Catalogue:
    return Catalogue.open(None, environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                          definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache")


def geometry(board: Keyboard) -> dict[str, list[tuple[Any, ...]]]:
    return {name: [(k.x, k.y, k.w, k.h, k.r, k.rx, k.ry, k.matrix, k.encoder, k.secondary) for k in macro.keys]
            for name, macro in board.layouts.items()}


def test_every_qmk_keyboard_and_via_definition_is_there_with_its_source() -> None:
    assert BUNDLE is not None
    assert BUNDLE.qmk_count >= 3300 and len(BUNDLE.paths) - BUNDLE.qmk_count >= 1300
    sources = {source.name: source for source in BUNDLE.sources}
    assert sources["qmk_firmware"].license == "GPL-2.0-or-later" and sources["via"].license == "GPL-3.0"
    for source in sources.values():
        assert len(source.commit) == 40 and len(source.date) == 10 and source.url.startswith("https://github.com/")
    # then the boards of QMK forks upstream lacks, each fork's branch with its source
    forks = [fork.source for fork in BUNDLE.forks]
    assert sources["qmk_firmware"].boards + sum(fork.boards for fork in forks) == BUNDLE.qmk_count
    assert [fork.first for fork in BUNDLE.forks][:1] == [sources["qmk_firmware"].boards]
    for fork in forks:
        assert fork.branch and fork.license == "GPL-2.0-or-later" and len(fork.commit) == 40


@pytest.mark.parametrize("name", sorted(bundled_keyboards()))
def test_hand_checked_boards_are_golden_references_of_the_generator(name: str) -> None:
    """Generated geometry, matrix and ids equal the hand-checked files exactly (drawn as QMK's
    data says: drawing with VIA's rotation is a separate, documented step)."""
    assert BUNDLE is not None
    checked, generated = bundled_keyboards()[name](), BUNDLE.load(name, draw=False)
    assert geometry(generated) == geometry(checked)
    for field in ("matrix_rows", "matrix_cols", "usb_vid", "usb_pid", "processor", "bootloader", "display_name",
                  "manufacturer", "layout_aliases", "community_layouts"):
        assert getattr(generated, field) == getattr(checked, field), field
    assert [(e.index, e.x, e.y) for e in generated.encoders] == [(e.index, e.x, e.y) for e in checked.encoders]


# Names people write (issue 13) and the board each means, with no qmk_firmware tree at all.
NAMES = {
    "planck": "planck/rev6", "ferris": "ferris/sweep", "redox_w": "redox/wireless", "ut472": "keyhive/ut472",
    "jj40": "kprepublic/jj40/rev1", "ergodash/rev1": "omkbd/ergodash/rev1",
    "runner3680/5x7": "omkbd/runner3680/5x7", "crkbd/r2g": "crkbd/r2g", "lily58/r2g": "lily58/r2g",
    "keebio/iris/rev4": "keebio/iris/rev4", "whale/sk/v3": "whale/sk/v3", "crkbd": "crkbd/rev1",
}


@pytest.mark.parametrize(("name", "path"), sorted(NAMES.items()))
def test_names_resolve_without_a_tree(name: str, path: str, tmp_path: Path) -> None:
    board = no_tree(tmp_path).find(name)
    assert board.name == path
    assert board.layouts and all(k.matrix is not None for m in board.layouts.values() for k in m.slot_keys)
    if name != path:
        assert name in board.keyboard_aliases


# A maker's fork path the catalogue has no fork board for (Keychron keeps its K Pro boards in its own
# QMK fork; the bundle carries them, test_fork_boards.py) -> the VIA definition spelled so.
FORK_PATHS = {
    "Keychron/K8_Pro/ISO_RGB": "via:v2/keychron/k8_pro/iso_rgb",
    "keychron/k3_pro/ansi_rgb": "via:v2/keychron/k3_pro/ansi_rgb",
    "Keychron/K8_Pro/ANSI_RGB": "via:v2/keychron/k8_pro/ansi_rgb",
}


@pytest.mark.parametrize(("name", "path"), sorted(FORK_PATHS.items()))
def test_a_makers_fork_path_finds_the_one_via_definition_spelled_so(name: str, path: str, tmp_path: Path) -> None:
    assert BUNDLE is not None and BUNDLE.resolve(name) is None
    board = no_tree(tmp_path).find(name)
    assert board.name == path and name in board.keyboard_aliases


def test_a_fork_path_that_several_via_definitions_could_spell_finds_none() -> None:
    assert BUNDLE is not None
    assert BUNDLE.via_spelling("keychron/k8_pro") is None  # a folder of four definitions, no one board
    assert BUNDLE.via_spelling("via:v2/keychron/k8_pro/iso_rgb") is None  # VIA's own name is found exactly
    # a folder of QMK's boards is chosen among them, not taken for VIA's bastardkb/charybdis_3x6
    assert BUNDLE.via_spelling("bastardkb/charybdis/3x6") is None


def test_an_unknown_name_gets_suggestions(tmp_path: Path) -> None:
    with pytest.raises(UnknownKeyboard) as raised:
        no_tree(tmp_path).find("lily59")
    assert any("lily58" in s for s in raised.value.suggestions)


def test_a_usb_id_finds_the_via_definition_and_the_product_name_chooses(tmp_path: Path) -> None:
    finder = CatalogueKeyboards(no_tree(tmp_path))
    board = finder.by_usb_id(0x3434, 0x0280, "Keychron K8 Pro")
    assert board is not None and board.display_name.startswith("Keychron K8 Pro")
    assert (board.matrix_rows, board.matrix_cols) == (6, 17)
    # Corne's id is shared by QMK's revisions and VIA's definition: the name picks.
    assert (pick := finder.by_usb_id(0x4653, 0x0001, "crkbd/r2g")) is not None and pick.name == "crkbd/r2g"
    assert finder.by_usb_id(0x3434, 0x0280, "", matrix_keys=6 * 17) is not None
    assert finder.by_usb_id(0x3434, 0x0280, "", matrix_keys=7) is None
    assert finder.by_usb_id(0x0001, 0x0000) is None


def test_the_chooser_finds_boards_by_name_and_usb_id(tmp_path: Path) -> None:
    catalogue = no_tree(tmp_path)
    k8 = [m.entry.path for m in catalogue.search("k8 pro")]
    assert k8[0].startswith("keychron/k8_pro/") and any(p.startswith("via:v2/keychron/k8_pro/") for p in k8)
    # Keychron's fork's board (whose layout macros a keymap.c uses), then VIA's definition
    assert [m.entry.path for m in catalogue.search("3434:0280")][:2] == ["keychron/k8_pro/ansi/rgb",
                                                                         "via:v2/keychron/k8_pro/ansi_rgb"]
    assert catalogue.search("iris rev4")[0].entry.path == "keebio/iris/rev4"
    entry = catalogue.get("via:v2/keychron/k8_pro/ansi_rgb")
    assert entry is not None and entry.source is Source.VIA_BUNDLED and entry.manufacturer == "keychron"
    assert catalogue.load(entry).display_name == "Keychron K8 Pro ANSI RGB"


def test_rotation_and_encoders_are_drawn_from_via_where_qmk_has_none() -> None:
    assert BUNDLE is not None
    qmk, drawn = BUNDLE.load("sofle/rev1", draw=False), BUNDLE.load("sofle/rev1")
    assert not any(k.r for k in qmk.layout().keys) and any(k.r for k in drawn.layout().keys)
    # Only where keys are drawn changes: order, matrix, macro names stay QMK's.
    assert [k.matrix for k in drawn.layout().keys] == [k.matrix for k in qmk.layout().keys]
    assert list(drawn.layouts) == list(qmk.layouts)
    assert all(e.x is not None for e in drawn.encoders) and not any(e.x is not None for e in qmk.encoders)


def test_a_users_tree_wins_for_boards_it_has(small_tree: SyntheticTree, tmp_path: Path) -> None:
    catalogue = Catalogue.open(small_tree.root, environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                               definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache")
    mine = next(p for p in sorted(small_tree.good) if BUNDLE is not None and p in BUNDLE.qmk_paths)
    board = catalogue.find(mine)
    assert geometry(board) == geometry(load_qmk_keyboard(small_tree.root, mine))
    assert catalogue.get(mine).source is Source.QMK  # type: ignore[union-attr]
    assert catalogue.find("keebio/iris/rev4").name == "keebio/iris/rev4"  # the tree lacks it: bundled


def _build_catalogue_module() -> Any:
    spec = importlib.util.spec_from_file_location("build_catalogue", ROOT / "tools" / "build_catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalogue"] = module
    spec.loader.exec_module(module)
    return module


def test_the_generator_writes_a_bundle_that_loads_as_the_tree_does(small_tree: SyntheticTree, tmp_path: Path) -> None:
    via = tmp_path / "via"
    (via / "v3" / "tiny").mkdir(parents=True)
    (via / "src").mkdir()
    pad = {"name": "Tiny Pad", "vendorId": "0xFEED", "productId": "0x6060", "matrix": {"rows": 1, "cols": 2},
           "menus": ["qmk_rgblight", {"label": "Settings", "content": []}],
           "layouts": {"keymap": [[{"r": 15, "rx": 1, "ry": 1}, "0,0", "0,1"]]}}
    (via / "v3" / "tiny" / "pad.json").write_text(json.dumps(pad))
    (via / "v3" / "tiny" / "broken.json").write_text(json.dumps({**pad, "layouts": {"keymap": [["9,9"]]}}))
    out = tmp_path / "out"
    module = _build_catalogue_module()
    assert module.main(["--qmk", str(small_tree.root), "--via", str(via), "--out", str(out),
                        "--qmk-commit", "a" * 40, "--qmk-date", "2025-07-17",
                        "--via-commit", "b" * 40, "--via-date", "2026-08-20"]) == 0
    bundle = open_bundle(out)
    assert bundle is not None
    assert set(small_tree.good) <= set(bundle.qmk_paths)  # and whatever else the full loader reads
    for path in bundle.qmk_paths:
        assert geometry(bundle.load(path, draw=False)) == geometry(load_qmk_keyboard(small_tree.root, path))
    board = bundle.load("via:v3/tiny/pad")
    assert board.display_name == "Tiny Pad" and board.manufacturer == "tiny" and board.layout().keys[0].r == 15
    assert bundle.record("via:v3/tiny/pad")["menus"] == ["qmk_rgblight", "Settings"]
    broken = bundle.entry("via:v3/tiny/broken")
    assert broken is not None and broken.broken and "outside" in broken.broken
    assert [s.commit for s in bundle.sources] == ["a" * 40, "b" * 40]


def test_boards_sharing_a_usb_id_are_told_apart_by_the_keys_a_save_uses(tmp_path: Path) -> None:
    """GMMK Pro's ANSI and ISO boards (and both revisions) share 320F:5044: a save that uses the
    ISO key's matrix position is for an ISO board, whatever its name says; the choice is said."""
    from keyconf.catalogue.resolve import unplaced_positions

    catalogue = no_tree(tmp_path)
    finder = CatalogueKeyboards(catalogue)
    iso, ansi = catalogue.find("gmmk/pro/rev1/iso"), catalogue.find("gmmk/pro/rev1/ansi")
    cols = iso.matrix_cols
    iso_positions = {k.matrix[0] * cols + k.matrix[1] for m in iso.layouts.values() for k in m.keys if k.matrix}
    assert unplaced_positions(ansi, iso_positions)  # the ISO key has no place on the ANSI board
    board, why = finder.usb_choice(0x320F, 0x5044, "GMMK Pro ANSI", 88, iso_positions)
    assert board is not None and board.name.endswith("/iso")
    assert why is not None and "shared with" in why and f"chose {board.name}" in why and "ansi leaves 2 without" in why
    ansi_positions = iso_positions - unplaced_positions(ansi, iso_positions)
    board, why = finder.usb_choice(0x320F, 0x5044, "GMMK Pro ANSI", 88, ansi_positions)
    assert board is not None and board.name.endswith("/ansi") and why and "as well" in why


def test_a_via_save_read_with_another_revisions_matrix_is_read_again_with_the_right_one(tmp_path: Path) -> None:
    """A Corne v4 (8×7 matrix) whose VIA loaded the older Corne's 8×6 definition saved its keymap
    48 positions a layer: the layers ran together. Read again with the v4's matrix, every key
    has a place; the import says so."""
    from keyconf.formats.interchange import import_layout

    catalogue = no_tree(tmp_path)
    v4 = catalogue.find("crkbd/rev4_0/standard")
    count = v4.matrix_rows * v4.matrix_cols
    keys = v4.layout("LAYOUT_split_3x6_3").keys
    letters = [f"KC_{chr(ord('A') + i % 26)}" for i in range(len(keys))]
    firmware = []
    for fill in (letters, ["KC_1"] * len(keys)):
        buffer = ["KC_NO"] * count
        for key, text in zip(keys, fill, strict=True):
            assert key.matrix is not None
            buffer[key.matrix[0] * v4.matrix_cols + key.matrix[1]] = text
        firmware += buffer
    old_size = 8 * 6  # VIA read 2 layers of the 8×6 definition: the first 96 values of the buffer
    save = {"name": "Crkbd", "vendorProductId": 0x46530001, "macros": [],
            "layers": [firmware[i * old_size:(i + 1) * old_size] for i in range(2)]}
    path = tmp_path / "corne.layout.json"
    path.write_text(json.dumps(save))
    imported = import_layout(path, finder=CatalogueKeyboards(catalogue))
    assert imported.keyboard is not None and imported.keyboard.name.startswith("crkbd/rev4")
    assert any("layers ran together" in w and "cut off after 40 of its 56" in w for w in imported.warnings)
    assert sorted(k for k in imported.layout.layers[0].keys if k != "KC_NO") == sorted(letters)
    assert set(imported.layout.layers[1].keys) <= {"KC_1", "KC_TRNS", "KC_NO"}
