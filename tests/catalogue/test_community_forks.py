"""The community forks' boards (fingerpunch's, Framework's, the makers' own vial-qmk forks of
Svalboard and ergohaven, holykeebs') and upstream's newer master in the
catalogue (tools/fork_boards.py, issue 14): generated from fork-shaped git repositories written
here, each board recorded with its repository, branch or tag, commit and licence; upstream's own
names stay upstream's; the picker, `keyconf keyboards` and `keyconf compile` say where a board
comes from and which tree builds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from keyconf.catalogue.bundle import UPSTREAM_REPO, open_bundle
from keyconf.catalogue.chooser import row_for
from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.main import main
from keyconf.compiler.checks import BuildRefused, plan_build
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.formats.interchange import import_layout
from keyconf.model.validation import validate
from tests.catalogue.test_fork_boards import _git, _keys, _tool, _write, no_tree
from tests.compiler import layouts
from tests.compiler.fake_tree import make_fake_tree

BUNDLE = open_bundle()
ONE_HALF = [*_keys(5, 0), *_keys(5, 1), *_keys(5, 2), *_keys(3, 3)]  # a 3x5+3 split board's left half


def old_upstream(root: Path) -> Path:
    """The tree the catalogue is made from: a Skeletyl by its 2024 name, and a fingerpunch folder
    upstream never had."""
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {},
        "keyboards/bastardkb/skeletyl/info.json": {"manufacturer": "Bastard Keyboards", "usb": {"vid": "0xA8F8"}},
        "keyboards/bastardkb/skeletyl/v2/elitec/keyboard.json": {
            "keyboard_name": "Skeletyl (2024 name)", "processor": "atmega32u4", "bootloader": "atmel-dfu",
            "usb": {"pid": "0x1830"}, "diode_direction": "ROW2COL",
            "matrix_pins": {"rows": ["F7", "C6", "D4", "B5"], "cols": ["F5", "B6", "D7", "E6", "B4"]},
            "layouts": {"LAYOUT_split_3x5_3": {"layout": ONE_HALF}}},
    })
    return root


def _repo(root: Path, branch: str) -> Path:
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", branch)
    return root


def _commit(root: Path, message: str) -> str:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return _git(root, "rev-parse", "HEAD")


def newer_upstream(root: Path) -> tuple[Path, str]:
    """Upstream's master after the 2025q3 renames: the Skeletyl as `promicro`, its old name an alias."""
    _repo(root, "master")
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {"bastardkb/skeletyl/v2/elitec":
                                                 {"target": "bastardkb/skeletyl/promicro"}},
        "keyboards/bastardkb/skeletyl/info.json": {
            "manufacturer": "Bastard Keyboards", "usb": {"vid": "0xA8F8", "pid": "0x1830"},
            "diode_direction": "ROW2COL", "layouts": {"LAYOUT_split_3x5_3": {"layout": ONE_HALF}}},
        "keyboards/bastardkb/skeletyl/promicro/keyboard.json": {
            "keyboard_name": "Skeletyl", "development_board": "elite_c",
            "matrix_pins": {"rows": ["F7", "C6", "D4", "B5"], "cols": ["F5", "B6", "D7", "E6", "B4"]}},
    })
    return root, _commit(root, "2025q3 breaking changes")


def fingerpunch_fork(root: Path) -> tuple[Path, str]:
    """Sadek Baroudi's fork: fingerpunch boards in families, a folder without a definition, and a
    board outside fingerpunch/ (an upstream copy, not what the fork is read for)."""
    _repo(root, "master")
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {},
        "keyboards/fingerpunch/ximi/info.json": {
            "manufacturer": "sadekbaroudi", "processor": "RP2040", "bootloader": "rp2040",
            "usb": {"vid": "0xFEFE"}, "diode_direction": "COL2ROW",
            "matrix_pins": {"rows": ["GP0", "GP1", "GP2", "GP3"], "cols": ["GP4", "GP5", "GP6", "GP7", "GP8"]}},
        "keyboards/fingerpunch/ximi/rules.mk": "SPLIT_KEYBOARD = yes\n",
        "keyboards/fingerpunch/ximi/v2/info.json": {
            "keyboard_name": "ximi v2", "usb": {"pid": "0x4658"},
            "layouts": {"LAYOUT_ximi": {"layout": ONE_HALF}}},
        "keyboards/fingerpunch/ximi/v2/rules.mk": "",
        "keyboards/fingerpunch/personal/osprette/rules.mk": "# a board still being drawn\n",
        "keyboards/crkbd/rev1/keyboard.json": {"keyboard_name": "Corne copy",
                                               "layouts": {"LAYOUT": {"layout": _keys(2)}}},
    })
    return root, _commit(root, "fingerpunch")


def framework_fork(root: Path) -> tuple[Path, str]:
    """Framework's fork, whose releases are tags (users check out the newest): the tag is read."""
    _repo(root, "main")
    _write(root, {"data/mappings/keyboard_aliases.hjson": {}, "keyboards/framework/info.json": {
        "manufacturer": "Framework Computer Inc", "processor": "RP2040", "bootloader": "rp2040",
        "usb": {"vid": "0x32AC"}}})
    _commit(root, "before the release")
    _write(root, {
        "keyboards/framework/iso/info.json": {
            "keyboard_name": "Laptop 16 Keyboard Module - ISO", "usb": {"pid": "0x0018"},
            "matrix_pins": {"rows": ["GP8", "GP9"], "cols": ["GP12", "GP13", "GP14"]}, "diode_direction": "COL2ROW",
            "layouts": {"LAYOUT": {"layout": [*_keys(3), *_keys(3, 1)]}}},
        "keyboards/framework/iso/rules.mk": "",
    })
    commit = _commit(root, "v0.2.9")
    _git(root, "tag", "v0.2.9")
    _git(root, "checkout", "-q", "-b", "unreleased")
    _write(root, {"keyboards/framework/iso/info.json": {"keyboard_name": "an unreleased change",
                                                        "layouts": {"LAYOUT": {"layout": _keys(1)}}}})
    _commit(root, "work after the tag")
    return root, commit


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    base = tmp_path_factory.mktemp("community")
    upstream = old_upstream(base / "qmk_firmware")
    newer, newer_commit = newer_upstream(base / "upstream-master.git")
    fingerpunch, fingerpunch_commit = fingerpunch_fork(base / "fingerpunch.git")
    framework, framework_commit = framework_fork(base / "framework.git")
    via = base / "via"
    (via / "v3").mkdir(parents=True)
    out = base / "out"
    assert _tool("build_catalogue").main([
        "--qmk", str(upstream), "--via", str(via), "--out", str(out), "--qmk-commit", "a" * 40,
        "--qmk-date", "2025-07-17", "--via-commit", "b" * 40, "--via-date", "2026-08-20",
        "--fork", f"qmk-master={newer}", "--fork", f"fingerpunch={fingerpunch}",
        "--fork", f"framework={framework}"]) == 0
    bundle = open_bundle(out)
    assert bundle is not None
    return bundle, {"qmk": newer_commit, "fingerpunch": fingerpunch_commit, "framework": framework_commit}


def test_each_source_is_recorded_with_its_repository_branch_commit_and_licence(generated: Any) -> None:
    bundle, commits = generated
    ximi = bundle.fork_of("fingerpunch/ximi/v2")
    assert (ximi.name, ximi.branch, ximi.commit) == ("sadekbaroudi/qmk_firmware", "master", commits["fingerpunch"])
    assert ximi.url == "https://github.com/sadekbaroudi/qmk_firmware" and ximi.license == "GPL-2.0-or-later"
    assert not ximi.is_newer_upstream
    laptop = bundle.fork_of("framework/iso")
    assert (laptop.name, laptop.branch, laptop.commit) == ("FrameworkComputer/qmk_firmware", "v0.2.9",
                                                           commits["framework"])
    newer = bundle.fork_of("bastardkb/skeletyl/promicro")
    assert (newer.name, newer.branch, newer.commit) == (UPSTREAM_REPO, "master", commits["qmk"])
    assert newer.is_newer_upstream and newer.url == "https://github.com/qmk/qmk_firmware"


def test_boards_are_merged_up_their_folders_from_the_branch_or_tag_read(generated: Any) -> None:
    bundle, _ = generated
    ximi = bundle.load("fingerpunch/ximi/v2")
    assert ximi.display_name == "ximi v2" and ximi.processor == "RP2040" and (ximi.usb_vid, ximi.usb_pid) == (
        0xFEFE, 0x4658)
    # the family's rules.mk makes it a split board: QMK counts both halves' rows
    assert (ximi.matrix_rows, ximi.matrix_cols) == (8, 5) and ximi.layout("LAYOUT_ximi").key_count == 18
    laptop = bundle.load("framework/iso")  # the tag's definition, not the later branch's
    assert laptop.display_name == "Laptop 16 Keyboard Module - ISO" and laptop.layout().key_count == 6
    skeletyl = bundle.load("bastardkb/skeletyl/promicro")  # its layout comes from the family's info.json
    assert skeletyl.layout("LAYOUT_split_3x5_3").key_count == 18 and skeletyl.usb_pid == 0x1830
    assert not any(path.startswith(("crkbd", "fingerpunch/personal/osprette")) for path in bundle.paths)


def test_upstream_keeps_the_names_it_has(generated: Any) -> None:
    bundle, _ = generated
    # the 2024 name stays the tree's own board, though the newer master made it an alias of promicro
    assert bundle.resolve("bastardkb/skeletyl/v2/elitec") == "bastardkb/skeletyl/v2/elitec"
    assert bundle.fork_of("bastardkb/skeletyl/v2/elitec") is None
    assert bundle.load("bastardkb/skeletyl/v2/elitec").display_name == "Skeletyl (2024 name)"
    assert [source.name for source in bundle.sources] == ["qmk_firmware", "via"]


def test_the_fork_tool_reads_a_tag_and_names_what_it_refuses(tmp_path: Path) -> None:
    tool = _tool("fork_boards")
    fingerpunch, _ = fingerpunch_fork(tmp_path / "fingerpunch.git")
    framework, commit = framework_fork(tmp_path / "framework.git")
    lines: list[str] = []
    read = tool.fork_boards([("fingerpunch", fingerpunch), ("framework", framework)],
                            tool.UpstreamNames([], []), lines.append)
    assert [(r.fork.repo, r.branch, [e.path for e, _, _ in r.boards]) for r in read] == [
        ("sadekbaroudi/qmk_firmware", "master", ["fingerpunch/ximi/v2"]),
        ("FrameworkComputer/qmk_firmware", "v0.2.9", ["framework/iso"])]
    assert read[1].commit == commit
    assert [s.split(":")[0] for s in read[0].skipped] == ["fingerpunch/personal/osprette"]


# The shipped catalogue, with no tree: names as the forks' users and a newer QMK's users write them.
SHIPPED = {
    "fingerpunch/ximi/v2": ("sadekbaroudi/qmk_firmware", "sadekbaroudi fork"),
    "fingerpunch/ffkb/rp/v1": ("sadekbaroudi/qmk_firmware", "sadekbaroudi fork"),
    "framework/iso": ("FrameworkComputer/qmk_firmware", "FrameworkComputer fork"),
    "framework/macropad": ("FrameworkComputer/qmk_firmware", "FrameworkComputer fork"),
    "bastardkb/skeletyl/promicro": (UPSTREAM_REPO, "newer QMK"),
    "bastardkb/charybdis/3x5/elitec": (UPSTREAM_REPO, "newer QMK"),
    "svalboard": ("svalboard/vial-qmk", "svalboard vial-qmk"),
    "svalboard/trackball/pmw3389/left": ("svalboard/vial-qmk", "svalboard vial-qmk"),
    "ergohaven/k03": ("ergohaven/vial-qmk", "ergohaven vial-qmk"),
    "holykeebs/sweeq": ("holykeebs/qmk_firmware", "holykeebs fork"),
}


@pytest.mark.parametrize(("name", "where"), sorted(SHIPPED.items()))
def test_the_shipped_catalogue_knows_the_board_and_says_where_it_comes_from(name: str, where: tuple[str, str],
                                                                            tmp_path: Path) -> None:
    assert BUNDLE is not None
    repo, badge = where
    catalogue = no_tree(tmp_path)
    board = catalogue.find(name)
    assert board.name == name and board.layouts
    fork = BUNDLE.fork_of(name)
    assert fork is not None and fork.name == repo and fork.commit and fork.license == "GPL-2.0-or-later"
    entry = catalogue.get(name)
    assert entry is not None and badge in row_for(entry).badges


def test_upstream_boards_of_the_shipped_catalogue_are_not_taken_from_the_newer_master() -> None:
    assert BUNDLE is not None
    for name in ("bastardkb/skeletyl/v2/elitec", "bastardkb/charybdis/3x5/v2/splinky_3", "crkbd/rev1"):
        path = BUNDLE.resolve(name)
        assert path == name and BUNDLE.fork_of(path) is None


def test_the_picker_says_a_newer_upstream_board_needs_a_newer_tree(tmp_path: Path) -> None:
    catalogue = no_tree(tmp_path)
    entry = catalogue.get("bastardkb/skeletyl/promicro")
    assert entry is not None
    row = row_for(entry)
    assert "qmk_firmware added after" in row.tooltip and "fork" not in row.tooltip
    fingerpunch = catalogue.get("fingerpunch/ximi/v2")
    assert fingerpunch is not None and "only that fork builds it" in row_for(fingerpunch).tooltip


def test_keyconf_keyboards_names_the_source_of_each(user_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keyboards", "ximi"]) == 0
    assert "sadekbaroudi fork" in capsys.readouterr().out
    assert main(["keyboards", "skeletyl"]) == 0
    out = capsys.readouterr().out
    assert "bastardkb/skeletyl/promicro" in out and "newer QMK" in out
    assert main(["keyboards", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "newer qmk_firmware boards" in out and "qmk/qmk_firmware master" in out
    assert "sadekbaroudi/qmk_firmware master" in out and "FrameworkComputer/qmk_firmware v0.2.9" in out


@pytest.mark.parametrize(("name", "says", "clone"), [
    ("fingerpunch/ximi/v2", "sadekbaroudi/qmk_firmware", "git clone -b master https://github.com/sadekbaroudi/qmk_firmware"),
    ("framework/iso", "FrameworkComputer/qmk_firmware",
     "git clone -b v0.2.9 https://github.com/FrameworkComputer/qmk_firmware"),
])
def test_compile_of_a_fork_board_stops_before_make_naming_the_fork(name: str, says: str, clone: str,
                                                                   tmp_path: Path) -> None:
    tree = QmkTree(make_fake_tree(tmp_path / "qmk_firmware"))
    layout = layouts.layers_only()
    layout.keyboard = name
    with pytest.raises(BuildRefused) as refused:
        plan_build(layout, tree, check_toolchain=False)
    problem = refused.value.problems[0]
    assert problem.code == "unknown-keyboard" and says in problem.message
    assert "only that fork builds it" in problem.message
    assert problem.hint is not None and clone in problem.hint


def test_compile_of_a_newer_upstream_board_asks_for_a_newer_tree(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    tree = QmkTree(make_fake_tree(tmp_path / "qmk_firmware"))
    layout = layouts.layers_only()
    layout.keyboard = "bastardkb/skeletyl/promicro"
    with pytest.raises(BuildRefused) as refused:
        plan_build(layout, tree, check_toolchain=False)
    problem = refused.value.problems[0]
    assert "newer than the QMK tree" in problem.message and "fork" not in problem.message
    assert problem.hint is not None and "git pull" in problem.hint
    file = tmp_path / "skeletyl.yaml"
    file.write_text("keyconf: 1\nname: S\nkeyboard: bastardkb/skeletyl/promicro\nlayout: LAYOUT_split_3x5_3\n"
                    "layers:\n  base:\n    - [KC_A]\n")
    assert main(["compile", str(file), "--qmk-home", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "qmk_firmware added lately" in err and "git clone -b master https://github.com/qmk/qmk_firmware" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("name", "macro"), [("bastardkb/skeletyl/promicro", "LAYOUT_split_3x5_3"),
                                             ("fingerpunch/ximi/v2", None), ("framework/iso", None),
                                             ("svalboard", None), ("ergohaven/k03", None)])
def test_a_keymap_c_in_the_boards_folder_imports_and_validates(name: str, macro: str | None, tmp_path: Path) -> None:
    """A user's keymap.c at keyboards/<board>/keymaps/mine/, with a second layer reached by MO()."""
    catalogue = no_tree(tmp_path)
    board = catalogue.find(name)
    macro = macro or next(iter(board.layouts))
    count = board.layout(macro).key_count
    folder = tmp_path / "keyboards" / name / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * (count - 1) + ["MO(_FN)"])
    (folder / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\nenum layers { _BASE, _FN };\n"
        "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        f"  [_BASE] = {macro}({keys}),\n  [_FN] = {macro}({', '.join(['_______'] * count)}),\n}};\n")
    layout = import_layout(folder / "keymap.c", finder=CatalogueKeyboards(catalogue)).layout
    assert layout.keyboard == name and layout.layout_macro == macro
    assert not [p for p in validate(layout, catalogue.find(name)) if p.is_error]


def svalboard_fork(root: Path) -> Path:
    """A maker's vial-qmk fork: the board itself holds its keymaps, its halves below only set the
    hand (Svalboard); and a family folder with a keymap of its own in a fork that reads families
    as families (ergohaven/k03pro)."""
    _repo(root, "vial")
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {},
        "keyboards/svalboard/info.json": {
            "manufacturer": "Svalboard", "keyboard_name": "lightly", "processor": "RP2040", "bootloader": "rp2040",
            "usb": {"vid": "0x05AC", "pid": "0x0250"}, "diode_direction": "COL2ROW",
            "matrix_pins": {"rows": ["GP8", "GP7"], "cols": ["GP14", "GP13", "GP12"]},
            "layouts": {"LAYOUT": {"layout": [*_keys(3), *_keys(3, 1)]}}},
        "keyboards/svalboard/rules.mk": "MCU = RP2040\n",
        "keyboards/svalboard/keymaps/vial/keymap.c": "/* the fork's vial keymap */\n",
        "keyboards/svalboard/left/rules.mk": "OPT_DEFS += -DINIT_EE_HANDS_LEFT\n",
    })
    _commit(root, "svalboard")
    return root


def test_a_board_with_its_halves_below_is_a_board_where_the_fork_says_so(tmp_path: Path) -> None:
    tool = _tool("fork_boards")
    repo = svalboard_fork(tmp_path / "svalboard.git")
    read = tool.fork_boards([("svalboard", repo)], tool.UpstreamNames([], []), lambda line: None)
    assert [e.path for e, _, _ in read[0].boards] == ["svalboard", "svalboard/left"]
    entry, _, board = read[0].boards[0]
    assert entry.vial_keymap and board.layout().key_count == 6 and entry.location == "svalboard/vial-qmk@vial"
    # the same shape in a fork whose parents are families (Keychron's k8_pro): only the board below
    family = tool.Fork("svalboard/vial-qmk", ("vial",), "svalboard")
    upstream = tool.UpstreamNames([], [])
    read_as_families = tool.read_branch(repo, family, "vial", upstream, set(), lambda line: None)
    assert [e.path for e, _, _ in read_as_families.boards] == ["svalboard/left"]
