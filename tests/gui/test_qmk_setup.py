"""With no qmk_firmware tree, the Build dialog leads to one: pick an existing folder, or have
keyconf run `qmk setup` (a fake one here: no network in tests) into a folder of one's choice."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.catalogue.qmk_home import read_qmk_cli_config
from keyconf.gui.build_dialog import BuildDialog
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

# `qmk setup --yes --home DIR` as keyconf drives it: prints, then makes a tree (FAKE_SETUP=slow waits).
FAKE_SETUP = """
import os, sys, time
GIT_CHILD = (
    "import sys, time, pathlib\\nfor i in range(600):\\n"
    "    pathlib.Path(sys.argv[1], 'keyboards', str(i)).mkdir(parents=True, exist_ok=True); time.sleep(0.05)"
)
from pathlib import Path
args = sys.argv[1:]
if "setup" not in args:
    import runpy
    runpy.run_path(os.environ["FAKE_QMK_COMPILE"], run_name="__main__")
    sys.exit(0)
home = Path(args[args.index("--home") + 1])
print("Ψ Cloning qmk/qmk_firmware into", home, flush=True)
mode = os.environ.get("FAKE_SETUP")
if mode in ("slow", "fail", "crash"):  # a clone under way: half a tree, and a `git` child still writing
    (home / ".git").mkdir(parents=True, exist_ok=True)
    (home / "keyboards").mkdir(exist_ok=True)
if mode == "slow":
    import subprocess
    git = subprocess.Popen([sys.executable, "-c", GIT_CHILD, str(home)])
    Path(os.environ["FAKE_SETUP_PIDS"]).write_text(str(git.pid))
    time.sleep(30)
if mode == "fail":
    print("fatal: unable to access 'https://github.com/qmk/qmk_firmware/'", flush=True)
    sys.exit(1)
if mode == "crash":
    sys.exit(3)
sys.path.insert(0, os.environ["FAKE_TREE_MODULE"])
from fake_tree import make_fake_tree
make_fake_tree(home)
print("Ψ QMK is ready to go", flush=True)
"""


@pytest.fixture
def no_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_user: Path) -> Path:
    """A user with no tree, a fake toolchain, and a `qmk` that can also run `setup`."""
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    qmk = tmp_path / "tools" / "bin" / "qmk"
    qmk.write_text(f"#!{sys.executable}\n{FAKE_SETUP}")
    compile_script = Path(__file__).parents[1] / "compiler" / "fake_qmk.py"
    monkeypatch.setenv("FAKE_QMK_COMPILE", str(compile_script))
    monkeypatch.setenv("FAKE_TREE_MODULE", str(compile_script.parent))
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parents[2]))
    return isolated_user


def open_dialog(qtbot, chosen: list[Path]) -> BuildDialog:  # type: ignore[no-untyped-def]
    answers = iter(chosen)
    dialog = BuildDialog(
        layout=layouts.with_combos(),
        output_dir=Path(str(chosen[0])).parent / "out" if chosen else None,
        choose_folder=lambda parent, title, start: str(next(answers)),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.setup_panel is not None and dialog.setup_panel.isVisible(), timeout=5000)
    return dialog


def test_no_tree_offers_a_folder_and_builds_once_one_is_chosen(qtbot, no_tree, tmp_path):
    wrong = tmp_path / "Downloads"
    wrong.mkdir()
    tree = make_fake_tree(tmp_path / "src" / "qmk_firmware")
    dialog = open_dialog(qtbot, [wrong, tree])
    assert not dialog.build_button.isEnabled()
    assert "--" not in dialog.status.text() and "QMK_HOME" not in dialog.status.text()
    panel = dialog.setup_panel
    qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    assert "not a qmk_firmware folder" in panel.message.text() and not dialog.build_button.isEnabled()
    with qtbot.waitSignal(dialog.build_finished, timeout=20_000) as finished:
        qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    assert finished.args[0] is not None and finished.args[0].ok
    assert read_qmk_cli_config().qmk_home == tree.resolve()  # remembered where qmk and keyconf look
    assert not panel.isVisible()


@pytest.mark.parametrize("pick", ["parent", "inside"])
def test_a_folder_next_to_the_tree_means_the_tree(qtbot, no_tree, tmp_path, pick):
    tree = make_fake_tree(tmp_path / "src" / "qmk_firmware")
    chosen = tree.parent if pick == "parent" else tree / "keyboards"
    dialog = open_dialog(qtbot, [chosen])
    with qtbot.waitSignal(dialog.build_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.setup_panel.use_button, Qt.MouseButton.LeftButton)
    assert finished.args[0] is not None and finished.args[0].ok
    assert read_qmk_cli_config().qmk_home == tree.resolve()


def test_download_runs_qmk_setup_into_the_chosen_folder(qtbot, no_tree, tmp_path):
    parent = tmp_path / "code"
    parent.mkdir()
    dialog = open_dialog(qtbot, [parent])
    panel = dialog.setup_panel
    with qtbot.waitSignal(dialog.build_finished, timeout=30_000) as finished:
        qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
        assert panel.running and panel.bar.isVisible() and panel.cancel_button.isVisible()
    assert "Cloning" in panel.output_text() and "ready" in panel.output_text()
    assert (parent / "qmk_firmware" / "quantum").is_dir()
    assert read_qmk_cli_config().qmk_home == (parent / "qmk_firmware").resolve()
    assert finished.args[0] is not None and finished.args[0].ok


def alive(pid: int) -> bool:
    """Running (a killed child nobody has reaped yet is a zombie: not running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def git_pid(pids: Path) -> int | None:
    """The fake git child's id, once the fake qmk has written all of it."""
    try:
        text = pids.read_text().strip()
    except OSError:
        return None
    return int(text) if text else None


def cancel_download(qtbot, dialog: BuildDialog, pids: Path, button=None) -> None:  # type: ignore[no-untyped-def]
    panel = dialog.setup_panel
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cloning" in panel.output_text() and git_pid(pids) is not None, timeout=10_000)
    assert not dialog.close_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.mouseClick(button or panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    pid = git_pid(pids)
    assert pid is not None
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)  # git stopped with qmk


def test_a_cancelled_download_takes_away_the_folder_it_made(qtbot, no_tree, tmp_path, monkeypatch):
    parent = tmp_path / "code"
    parent.mkdir()
    (parent / "notes.txt").write_text("mine")
    pids = tmp_path / "git.pid"
    monkeypatch.setenv("FAKE_SETUP", "slow")
    monkeypatch.setenv("FAKE_SETUP_PIDS", str(pids))
    dialog = open_dialog(qtbot, [parent])
    cancel_download(qtbot, dialog, pids)
    assert panel_message(dialog) == f"The download was cancelled. The unfinished {parent / 'qmk_firmware'} was removed."
    assert not dialog.build_button.isEnabled() and dialog.close_button.isEnabled()
    qtbot.wait(300)  # the killed git would still be writing here
    assert sorted(p.name for p in parent.iterdir()) == ["notes.txt"]


def test_a_cancelled_download_into_an_empty_folder_empties_it_again(qtbot, no_tree, tmp_path, monkeypatch):
    chosen = tmp_path / "qmk_firmware"
    chosen.mkdir()
    pids = tmp_path / "git.pid"
    monkeypatch.setenv("FAKE_SETUP", "slow")
    monkeypatch.setenv("FAKE_SETUP_PIDS", str(pids))
    dialog = open_dialog(qtbot, [chosen])
    cancel_download(qtbot, dialog, pids, button=dialog.cancel_button)  # the dialog's own Cancel
    assert panel_message(dialog) == f"The download was cancelled. {chosen} is empty again."
    qtbot.wait(300)
    assert chosen.is_dir() and list(chosen.iterdir()) == []  # the folder the person made stays
    assert not dialog.cancel_button.isEnabled() and dialog.close_button.isEnabled()


def test_a_failed_download_is_shown_and_can_be_tried_again(qtbot, no_tree, tmp_path, monkeypatch):
    parent = tmp_path / "code"
    parent.mkdir()
    monkeypatch.setenv("FAKE_SETUP", "fail")
    dialog = open_dialog(qtbot, [parent, parent, parent])
    panel = dialog.setup_panel
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    assert panel.message.text() == (
        "QMK's set-up could not reach GitHub (is this computer online?): see its output below. "
        f"The unfinished {parent / 'qmk_firmware'} was removed."
    )
    assert "unable to access" in panel.output_text()
    assert not dialog.build_button.isEnabled() and panel.create_button.isEnabled()
    assert not (parent / "qmk_firmware").exists()  # the half clone is gone: the same place works again
    monkeypatch.setenv("FAKE_SETUP", "crash")
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    assert panel.message.text().startswith(
        f"QMK's set-up stopped (exit status 3) before {parent / 'qmk_firmware'} was complete: see its output below."
    )
    assert not (parent / "qmk_firmware").exists()
    monkeypatch.delenv("FAKE_SETUP")
    with qtbot.waitSignal(dialog.build_finished, timeout=30_000) as finished:
        qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    assert finished.args[0] is not None and finished.args[0].ok


def panel_message(dialog: BuildDialog) -> str:
    return str(dialog.setup_panel.message.text())
