"""Boards of QMK forks upstream lacks (tools/fork_boards.py, `build_catalogue.py --fork`): generated
from a fork-shaped git repository written here, resolved by the names the fork's users write,
never taking a name from upstream, and refused by `keyconf compile` with the fork named."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from keyconf.catalogue.bundle import open_bundle
from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.chooser import row_for
from keyconf.catalogue.entry import Source
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.main import main
from keyconf.compiler.checks import BuildRefused, plan_build
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.formats.interchange import import_layout
from keyconf.formats.keymap_c_import import keyboard_from_path
from keyconf.model.validation import validate
from tests.compiler import layouts
from tests.compiler.fake_tree import make_fake_tree

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLE = open_bundle()


def _tool(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _write(root: Path, files: dict[str, Any]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))


def _keys(count: int, row: int = 0) -> list[dict[str, Any]]:
    return [{"matrix": [row, col], "x": col, "y": row} for col in range(count)]


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2025-09-01T12:00:00Z",
           "GIT_COMMITTER_DATE": "2025-09-01T12:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(repo)}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def upstream_tree(root: Path) -> Path:
    """A small upstream qmk_firmware: a Keychron board the fork has too, and an old name."""
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {"keychron/oldq1": {"target": "keychron/q1v1/ansi"}},
        "keyboards/keychron/q1v1/ansi/keyboard.json": {
            "keyboard_name": "Q1 upstream", "manufacturer": "Keychron", "processor": "STM32L432",
            "bootloader": "stm32-dfu", "usb": {"vid": "0x3434", "pid": "0x0100"},
            "matrix_pins": {"rows": ["A0"], "cols": ["B0", "B1", "B2"]}, "diode_direction": "ROW2COL",
            "layouts": {"LAYOUT_ansi": {"layout": _keys(3)}}},
    })
    return root


def fork_repo(root: Path) -> tuple[Path, dict[str, str]]:
    """A Keychron-shaped fork: family folders with info.json and rules.mk, boards below them, on
    two branches; returns the repository and each branch's commit."""
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "wireless_playground")
    family = {"manufacturer": "Keychron", "processor": "STM32F401", "bootloader": "stm32-dfu",
              "usb": {"vid": "0x3434"}, "diode_direction": "ROW2COL",
              "matrix_pins": {"rows": ["A0", "A1"], "cols": ["B0", "B1", "B2", "B3"]}}
    _write(root, {
        "data/mappings/keyboard_aliases.hjson": {"keychron/k2max": {"target": "keychron/k2_max/ansi/rgb"},
                                                 "keychron/oldq1": {"target": "keychron/q1v1/ansi"}},
        "data/mappings/defaults.hjson": {},
        "keyboards/keychron/k2_max/rules.mk": "# family\n",
        "keyboards/keychron/k2_max/info.json": family,
        "keyboards/keychron/k2_max/ansi/rgb/info.json": {
            "keyboard_name": "Keychron K2 Max", "usb": {"pid": "0x0920"},
            "layouts": {"LAYOUT_ansi_84": {"layout": _keys(4) + _keys(3, 1)}}},
        "keyboards/keychron/k2_max/ansi/rgb/rules.mk": "",
        "keyboards/keychron/k2_max/ansi/rgb/keymaps/via/keymap.c": "/* the fork's via keymap */\n",
        "keyboards/keychron/q9_max/rules.mk": "",
        "keyboards/keychron/q9_max/info.json": family,
        "keyboards/keychron/q9_max/ansi_encoder/info.json": {
            "keyboard_name": "Q9 Max (older branch)", "usb": {"pid": "0x0990"},
            "layouts": {"LAYOUT_old": {"layout": _keys(2)}}},
        "keyboards/keychron/q9_max/ansi_encoder/rules.mk": "",
    })
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "older branch")
    older = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "-q", "-b", "wls_2025q1")
    _git(root, "rm", "-q", "-r", "keyboards/keychron/k2_max")  # only the older branch has it
    _write(root, {
        "keyboards/keychron/q9_max/ansi_encoder/info.json": {
            "keyboard_name": "Keychron Q9 Max", "usb": {"pid": "0x0990"},
            "encoder": {"rotary": [{"pin_a": "A2", "pin_b": "A3"}]},
            "layouts": {"LAYOUT_ansi_65": {"layout": [*_keys(4), {"matrix": [1, 0], "x": 0, "y": 1, "w": 2.25},
                                                      {"matrix": [1, 3], "x": 3, "y": 1, "encoder": 0}]}}},
        # a board upstream has: upstream's definition must stay
        "keyboards/keychron/q1v1/rules.mk": "",
        "keyboards/keychron/q1v1/ansi/keyboard.json": {
            "keyboard_name": "Q1 of the fork", "manufacturer": "Keychron", "processor": "STM32L432",
            "usb": {"vid": "0x3434", "pid": "0x0100"}, "matrix_pins": {"rows": ["A0"], "cols": ["B0"]},
            "diode_direction": "ROW2COL", "layouts": {"LAYOUT_ansi": {"layout": _keys(1)}}},
        "keyboards/keychron/bad_max/ansi/info.json": "{ not json",
        "keyboards/keychron/bad_max/ansi/rules.mk": "",
        # outside keychron/: not what this fork is read for
        "keyboards/elsewhere/pad/keyboard.json": {"keyboard_name": "Pad", "layouts": {"LAYOUT": {"layout": _keys(1)}}},
    })
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "newer branch")
    return root, {"wireless_playground": older, "wls_2025q1": _git(root, "rev-parse", "HEAD")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str], str]:
    base = tmp_path_factory.mktemp("forks")
    upstream = upstream_tree(base / "qmk_firmware")
    repo, commits = fork_repo(base / "keychron.git")
    via = base / "via"
    (via / "v3").mkdir(parents=True)
    (via / "src").mkdir()
    out = base / "out"
    build = _tool("build_catalogue")
    assert build.main(["--qmk", str(upstream), "--via", str(via), "--out", str(out),
                       "--qmk-commit", "a" * 40, "--qmk-date", "2025-07-17", "--via-commit", "b" * 40,
                       "--via-date", "2026-08-20", "--fork", f"keychron={repo}"]) == 0
    bundle = open_bundle(out)
    assert bundle is not None
    return bundle, commits, str(out)


def test_a_forks_boards_are_merged_up_their_folders_and_recorded_with_branch_and_commit(generated: Any) -> None:
    bundle, commits, _ = generated
    board = bundle.load("keychron/q9_max/ansi_encoder")
    # the newer branch's definition, merged with the family's info.json as QMK merges it
    assert list(board.layouts) == ["LAYOUT_ansi_65"] and board.display_name == "Keychron Q9 Max"
    assert (board.usb_vid, board.usb_pid, board.processor) == (0x3434, 0x0990, "STM32F401")
    assert (board.matrix_rows, board.matrix_cols) == (2, 4) and len(board.encoders) == 1
    assert board.layout().keys[4].w == 2.25
    fork = bundle.fork_of("keychron/q9_max/ansi_encoder")
    assert (fork.name, fork.branch, fork.commit) == ("Keychron/qmk_firmware", "wls_2025q1", commits["wls_2025q1"])
    assert fork.url == "https://github.com/Keychron/qmk_firmware" and fork.license == "GPL-2.0-or-later"
    # a board only the older branch has comes from that branch
    older = bundle.fork_of("keychron/k2_max/ansi/rgb")
    assert (older.branch, older.commit) == ("wireless_playground", commits["wireless_playground"])
    entry = bundle.entry("keychron/k2_max/ansi/rgb")
    assert entry.source is Source.FORK_BUNDLED and entry.location == "Keychron/qmk_firmware@wireless_playground"
    assert entry.via_keymap and entry.layouts[0].key_count == 7
    assert [source.name for source in bundle.sources] == ["qmk_firmware", "via"]  # upstream's rows unchanged


def test_upstream_keeps_its_names_and_folders_are_no_boards(generated: Any) -> None:
    bundle, _, _ = generated
    assert bundle.fork_of("keychron/q1v1/ansi") is None
    assert bundle.load("keychron/q1v1/ansi").display_name == "Q1 upstream"
    assert bundle.resolve("keychron/oldq1") == "keychron/q1v1/ansi"  # upstream's old name, not the fork's
    assert bundle.resolve("keychron/k2max") == "keychron/k2_max/ansi/rgb"  # the fork's own old name
    assert bundle.resolve("keychron/k2_max") == "keychron/k2_max/ansi/rgb"  # its one board
    assert "keychron/q9_max" not in bundle.paths  # a family folder (rules.mk, info.json) is no board
    assert not any(path.startswith("elsewhere/") for path in bundle.paths)
    assert not any(path.startswith("keychron/bad_max") for path in bundle.paths)


def test_the_fork_tool_names_the_boards_it_refuses(tmp_path: Path) -> None:
    repo, _ = fork_repo(tmp_path / "keychron.git")
    tool = _tool("fork_boards")
    upstream = tool.UpstreamNames(["keychron/q1v1/ansi"], ["keychron/oldq1"])
    lines: list[str] = []
    branches = tool.fork_boards([("keychron", repo)], upstream, lines.append)
    assert [(b.branch, [e.path for e, _, _ in b.boards]) for b in branches] == [
        ("wls_2025q1", ["keychron/q9_max/ansi_encoder"]), ("wireless_playground", ["keychron/k2_max/ansi/rgb"])]
    assert [s.split(":")[0] for s in branches[0].skipped] == ["keychron/bad_max/ansi"]
    assert any("no branch 2025q3" in line for line in lines)  # branches a repository lacks are said


# The shipped catalogue, with no tree: names as a Keychron fork user writes them.
FORK_NAMES = {
    "keychron/q3_max/ansi_encoder": "LAYOUT_tkl_ansi",
    "keychron/q10_max/ansi_encoder": "LAYOUT_ansi_90",
    "keychron/k8_pro/iso/rgb": "LAYOUT_tkl_iso",
}


def no_tree(tmp_path: Path) -> Catalogue:
    return Catalogue.open(environ={}, qmk_config=QmkCliConfig(), home=tmp_path / "home",
                          definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(("name", "macro"), sorted(FORK_NAMES.items()))
def test_keychron_fork_names_resolve_by_name_and_keymap_folder(name: str, macro: str, tmp_path: Path) -> None:
    assert BUNDLE is not None
    catalogue = no_tree(tmp_path)
    board = catalogue.find(name)
    assert board.name == name and macro in board.layouts
    fork = BUNDLE.fork_of(name)
    assert fork is not None and fork.name == "Keychron/qmk_firmware" and fork.branch
    assert keyboard_from_path(f"keyboards/{name}/keymaps/mine/keymap.c") == name


def test_a_keymap_c_in_the_forks_folder_imports_and_validates(tmp_path: Path) -> None:
    """A user's keymap.c at keyboards/keychron/q3_max/ansi_encoder/keymaps/mine/ of their fork."""
    catalogue = no_tree(tmp_path)
    count = catalogue.find("keychron/q3_max/ansi_encoder").layout("LAYOUT_tkl_ansi").key_count
    folder = tmp_path / "keyboards/keychron/q3_max/ansi_encoder/keymaps/mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * (count - 1) + ["MO(_FN)"])
    (folder / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\nenum layers { _BASE, _FN };\n"
        f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{\n"
        f"  [_BASE] = LAYOUT_tkl_ansi({keys}),\n  [_FN] = LAYOUT_tkl_ansi({', '.join(['_______'] * count)}),\n}};\n")
    imported = import_layout(folder / "keymap.c", finder=CatalogueKeyboards(catalogue))
    layout = imported.layout
    assert layout.keyboard == "keychron/q3_max/ansi_encoder" and layout.layout_macro == "LAYOUT_tkl_ansi"
    board = catalogue.find(layout.keyboard)
    assert not [p for p in validate(layout, board) if p.is_error]


def test_a_fork_board_is_found_by_search_and_badged_with_its_fork(tmp_path: Path) -> None:
    catalogue = no_tree(tmp_path)
    paths = [m.entry.path for m in catalogue.search("q3 max")]
    assert "keychron/q3_max/ansi_encoder" in paths
    entry = catalogue.get("keychron/q3_max/ansi_encoder")
    assert entry is not None and entry.source is Source.FORK_BUNDLED
    row = row_for(entry)
    assert "Keychron fork" in row.badges and "only that fork builds it" in row.tooltip


def test_keyconf_keyboards_lists_a_fork_board_with_its_fork(user_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keyboards", "q3", "max"]) == 0
    out = capsys.readouterr().out
    assert "keychron/q3_max/ansi_encoder" in out and "Keychron fork" in out
    assert main(["keyboards", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "Keychron/qmk_firmware wls_2025q1" in out and "vial-kb/vial-qmk vial" in out


def test_upstream_boards_of_the_shipped_catalogue_stay_upstreams() -> None:
    assert BUNDLE is not None
    for name in ("keychron/q1v1/ansi", "keychron/q3/ansi", "crkbd/rev1", "planck"):
        path = BUNDLE.resolve(name)
        assert path is not None and BUNDLE.fork_of(path) is None
    upstream = set(BUNDLE.qmk_paths[: BUNDLE.sources[0].boards])
    forks = set(BUNDLE.qmk_paths[BUNDLE.sources[0].boards:])
    assert forks and not upstream & forks


def test_compile_refuses_a_fork_board_naming_the_fork_that_builds_it(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    tree = QmkTree(make_fake_tree(tmp_path / "qmk_firmware"))
    layout = layouts.layers_only()
    layout.keyboard = "keychron/q3_max/ansi_encoder"
    with pytest.raises(BuildRefused) as refused:
        plan_build(layout, tree, check_toolchain=False)
    problem = refused.value.problems[0]
    assert problem.code == "unknown-keyboard"
    assert "Keychron/qmk_firmware" in problem.message and "only that fork builds it" in problem.message
    assert problem.hint is not None and "git clone -b " in problem.hint and "--qmk-home" in problem.hint
    # with no tree at all the command says which tree it needs
    file = tmp_path / "q3.yaml"
    file.write_text("keyconf: 1\nname: Q3\nkeyboard: keychron/q3_max/ansi_encoder\nlayout: LAYOUT_tkl_ansi\n"
                    "layers:\n  base:\n    - [KC_A]\n")
    assert main(["compile", str(file), "--qmk-home", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "Keychron/qmk_firmware" in err and "git clone -b" in err and "Traceback" not in err
