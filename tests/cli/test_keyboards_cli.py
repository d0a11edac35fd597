"""`keyconf keyboards` as a user runs it: with and without a qmk_firmware tree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.cli.main import main
from tests.catalogue.synthetic_qmk import SyntheticTree, make_qmk_tree

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user who configured nothing: no QMK_HOME, no qmk.ini, empty keyconf folders."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, folder in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"),
                         ("XDG_DATA_HOME", ".local/share")):
        monkeypatch.setenv(name, str(home / folder))
    for name in ("QMK_HOME", "QMK_USERSPACE", "KEYCONF_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(home)
    return home


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> SyntheticTree:
    return make_qmk_tree(tmp_path_factory.mktemp("cli") / "qmk_firmware", 200, seed=11)


def test_without_a_tree_lists_bundled_boards_and_says_how_to_add_one(home: Path, capsys) -> None:
    assert main(["keyboards"]) == 0
    captured = capsys.readouterr()
    assert "crkbd/rev1" in captured.out and "planck/rev6" in captured.out
    assert "note: no qmk_firmware tree found" in captured.err
    assert "qmk setup" in captured.err and "QMK_HOME" in captured.err


def test_query_with_a_tree_from_qmk_home(home: Path, tree: SyntheticTree, capsys,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMK_HOME", str(tree.root))
    assert main(["keyboards", "corne"]) == 0
    captured = capsys.readouterr()
    first = captured.out.splitlines()[1]
    assert first.split()[:3] == ["crkbd/rev1", "Corne", "qmk"]
    assert "LAYOUT_split_3x5_3 36, LAYOUT_split_3x6_3 42" in first
    assert f"{len(tree.keyboards)} in qmk_firmware at {tree.root}" in captured.err
    assert "note:" not in captured.err
    assert (home / ".cache/keyconf/qmk-index").is_dir()  # indexed once, cached in the user cache folder


def test_json_usb_and_key_filters(home: Path, tree: SyntheticTree, capsys) -> None:
    assert main(["keyboards", "--qmk-home", str(tree.root), "--usb", "4653:0001", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["qmk_home"] == str(tree.root) and data["qmk_home_source"] == "--qmk-home"
    paths = [k["path"] for k in data["keyboards"]]
    assert paths[0] == "crkbd/rev1" and paths.count("crkbd/rev1") == 1  # the tree's; the bundle's others follow
    corne = data["keyboards"][0]
    assert corne["usb"] == {"vid": "0x4653", "pid": "0x0001"}
    assert corne["layouts"] == [{"name": "LAYOUT_split_3x5_3", "keys": 36}, {"name": "LAYOUT_split_3x6_3", "keys": 42}]
    assert corne["aliases"] == ["crkbd"] and corne["matrix"] == [8, 6]

    assert main(["keyboards", "--qmk-home", str(tree.root), "--keys", "48", "planck", "--json"]) == 0
    paths = [k["path"] for k in json.loads(capsys.readouterr().out)["keyboards"]]
    assert paths[:2] == ["planck/rev5", "planck/rev6"] or paths[:2] == ["planck/rev6", "planck/rev5"]
    assert {"planck/rev5", "planck/rev6"} <= set(paths)  # the tree's first, then the bundle's 48-key plancks


def test_no_match_exits_1(home: Path, tree: SyntheticTree, capsys) -> None:
    assert main(["keyboards", "--qmk-home", str(tree.root), "zzqxjv"]) == 1
    assert "0 matches for 'zzqxjv'" in capsys.readouterr().err


def test_limit_and_refresh(home: Path, tree: SyntheticTree, capsys) -> None:
    assert main(["keyboards", "--qmk-home", str(tree.root), "--refresh", "-n", "3", "rev1"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4  # header + 3
    assert "3 of " in captured.err


@pytest.mark.parametrize(("args", "message"), [
    (["--qmk-home", "/nonexistent/qmk"], "--qmk-home points at /nonexistent/qmk"),
    (["--usb", "hello"], "is not a USB id"),
    (["--limit", "0"], "--limit must be at least 1"),
])
def test_usage_errors_exit_2_without_traceback(home: Path, capsys, args, message) -> None:
    assert main(["keyboards", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_adding_a_via_definition(home: Path, tmp_path: Path, capsys) -> None:
    definition = tmp_path / "pad.json"
    definition.write_text(json.dumps({
        "name": "Desk Pad", "vendorId": "0xFEED", "productId": "0x0001", "matrix": {"rows": 1, "cols": 2},
        "layouts": {"keymap": [["0,0", "0,1"]]}}))
    assert main(["keyboards", "--add-via-definition", str(definition)]) == 0
    assert "added via:pad: Desk Pad (VIA definition, 2 keys)" in capsys.readouterr().out
    assert (home / ".local/share/keyconf/definitions/pad.json").exists()
    assert main(["keyboards", "desk pad"]) == 0
    assert "via:pad" in capsys.readouterr().out
    definition.write_text("{")
    assert main(["keyboards", "--add-via-definition", str(definition)]) == 1
    assert str(definition) in capsys.readouterr().err


def test_the_installed_entry_point_runs(home: Path, tree: SyntheticTree) -> None:
    done = subprocess.run([sys.executable, "-m", "keyconf", "keyboards", "lily58", "--qmk-home", str(tree.root)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "lily58/rev1" in done.stdout and "bundled" in done.stdout


def test_layouts_for_tree_keyboards_validate(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys) -> None:
    tree = make_qmk_tree(tmp_path / "qmk_firmware", 20, seed=2)
    five = tree.root / "keyboards/acme/five"
    five.mkdir(parents=True)
    (five / "keyboard.json").write_text(json.dumps({"keyboard_name": "Five", "layouts": {"LAYOUT": {"layout": [
        {"matrix": [0, i], "x": i, "y": 0} for i in range(5)]}}}))
    broken = tree.root / "keyboards/acme/broken"
    broken.mkdir()
    (broken / "keyboard.json").write_text('{"keyboard_name": "Broken", "layouts": {')
    monkeypatch.setenv("QMK_HOME", str(tree.root))
    layout = tmp_path / "five.yaml"
    layout.write_text("keyboard: acme/five\nlayout: LAYOUT\nlayers:\n  base:\n    - [KC_A, KC_B, KC_C, KC_D, KC_E]\n")
    assert main(["validate", str(layout)]) == 0, capsys.readouterr()
    capsys.readouterr()
    layout.write_text(layout.read_text().replace("acme/five", "acme/broken"))
    assert main(["validate", str(layout)]) == 1
    err = capsys.readouterr().err
    assert "keyboard `acme/broken` cannot be loaded" in err and "keyboards/acme/broken/keyboard.json" in err


def test_adding_qmk_and_kle_definitions_under_keyconf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys) -> None:
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "kc"))
    monkeypatch.setenv("QMK_HOME", str(tmp_path / "no-tree"))
    info = tmp_path / "keyboard.json"
    info.write_text(json.dumps({
        "keyboard_name": "Shelf Pad", "manufacturer": "Me", "usb": {"vid": "0xFEED", "pid": "0x4242"},
        "matrix_size": {"rows": 1, "cols": 3},
        "layouts": {"LAYOUT": {"layout": [{"matrix": [0, c], "x": c, "y": 0} for c in range(3)]}}}))
    assert main(["keyboards", "--add", str(info)]) == 0
    out = capsys.readouterr().out
    assert "added via:Shelf_Pad: Shelf Pad (QMK info.json, 3 keys)" in out
    assert (tmp_path / "kc/data/definitions/Shelf_Pad.json").exists()
    kle = tmp_path / "numpad.json"
    kle.write_text(json.dumps([{"name": "Plain Numpad"}, ["7", "8", "9"], ["4", "5", "6"]]))
    assert main(["keyboards", "--add", str(kle)]) == 0
    captured = capsys.readouterr()
    assert "added via:numpad: Plain Numpad (KLE layout, 6 keys)" in captured.out
    assert "reading order (2 rows x 3 columns)" in captured.err
    assert main(["keyboards", "--usb", "FEED:4242"]) == 0
    assert "via:Shelf_Pad" in capsys.readouterr().out
    kle.write_text('[["7", "8"],\n ["4", {"h": "tall"}, "5"]]')
    assert main(["keyboards", "--add", str(kle)]) == 1
    assert f"{kle}:2:" in capsys.readouterr().err
