"""Starting the editor: the first start opens an untitled copy of the bundled example, the
window shows with its layout, and the keyboard features arrive after the first paint."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from keyconf import APP_ID
from keyconf.cli import app
from keyconf.gui.settings import EditorSettings


@pytest.fixture
def started(qtbot, tmp_path, monkeypatch):
    windows = []

    def start(file=None, demo=False):
        window = app.open_editor(file, demo=demo, settings=EditorSettings(tmp_path / "settings.ini"))
        windows.append(window)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.doc is not None and window.isVisible(), timeout=10_000)
        return window

    yield start
    for window in windows:
        features = getattr(window, "device_features", None)
        if features is not None:
            features.shutdown()
        if window.doc is not None:
            window.doc.undo_stack.setClean()
        window.close()


def test_first_start_opens_the_example_as_an_untitled_copy(started, qtbot, tmp_path, monkeypatch):
    example = app.default_layout_path()
    assert example is not None
    before = example.read_text()
    window = started()
    doc = window.doc
    assert doc.path is None and doc.origin == example
    assert window.windowTitle().startswith("Untitled (copy of planck.yaml)")
    assert "Save" in window.statusBar().currentMessage()
    assert window.settings.recent_files() == []  # the installation's file is not a "recent file"
    # Edit and save: Save asks where, and the example stays as it was.
    doc.assign(0, [0], "KC_F13")
    target = tmp_path / "mine.yaml"
    asked = []

    def ask(parent, title, start, filters):
        asked.append(Path(start))
        return str(target), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    window.act_save.trigger()
    qtbot.waitUntil(lambda: target.exists() and not doc.is_modified, timeout=10_000)
    assert asked and asked[0].parent != example.parent
    assert "KC_F13" in target.read_text()
    assert example.read_text() == before
    assert window.windowTitle().startswith("mine.yaml")


def test_a_later_start_opens_the_last_file(started, tmp_path):
    first = started()
    mine = tmp_path / "mine.yaml"
    mine.write_text(app.default_layout_path().read_text())
    first.settings.add_recent_file(mine)
    first.settings.sync()
    window = started()
    assert window.doc.path == mine.resolve() or window.doc.path == mine


def test_device_features_arrive_after_the_first_paint(started, qtbot):
    window = started()
    qtbot.waitUntil(lambda: getattr(window, "device_features", None) is not None, timeout=10_000)
    texts = [a.text() for a in window.keyboard_menu.actions()]
    assert "&Read from Keyboard" in texts and any("Flash" in t for t in texts)


def test_the_window_gets_the_app_icon_after_the_first_paint(started, qtbot):
    from PySide6.QtGui import QIcon

    qt_app = QApplication.instance()
    qt_app.setWindowIcon(QIcon())
    window = started()
    qtbot.waitUntil(lambda: not window.windowIcon().isNull(), timeout=10_000)
    assert not qt_app.windowIcon().isNull()


def test_app_identity():
    qt_app = QApplication.instance()
    app.set_app_identity(qt_app)
    assert qt_app.desktopFileName() == APP_ID
    assert not qt_app.windowIcon().isNull()


def test_screenshot_of_a_comparison(tmp_path):
    """`keyconf FILE --compare OTHER` (here with --screenshot): the picture shows the outlines."""
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    from keyconf.formats.yaml_layout import load_layout, save_layout

    repo = Path(__file__).resolve().parents[2]
    other = load_layout(repo / "layouts" / "planck.yaml").layout
    other.layers[0].keys[1] = "KC_F13"
    save_layout(other, tmp_path / "other.yaml")
    out = tmp_path / "diff.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "keyconf", "--screenshot", str(out), str(repo / "layouts" / "planck.yaml"),
               "--compare", str(tmp_path / "other.yaml"), "--size", "1000x700"]
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    from keyconf.render.keycap_palette import LIGHT, palette_for

    wanted = {palette_for(False).changed, palette_for(True).changed, LIGHT.changed}
    seen = {image.pixelColor(x, y).name() for x in range(0, 1000, 2) for y in range(0, 700, 2)}
    assert seen & wanted, "the changed key's outline is in the picture"
    missing = subprocess.run(command[:-3] + ["--compare", str(tmp_path / "nope.yaml")], cwd=repo, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "--compare" in missing.stderr and "Traceback" not in missing.stderr


def test_demo_connects_the_simulated_keyboard_after_the_first_paint(started, qtbot):
    window = started(demo=True)
    qtbot.waitUntil(lambda: window.device_features is not None, timeout=10_000)
    worker = window.device_features.worker
    qtbot.waitUntil(lambda: worker.is_connected, timeout=10_000)
    assert "simulated" in worker.summary.description.lower() or "demo" in worker.summary.description.lower()
    assert window.device_features.read_action.isEnabled()


def test_unknown_keyboard_messages():
    from keyconf.catalogue.resolve import UnknownKeyboardError
    from keyconf.gui.layout_files import unknown_keyboard_problem

    broken = unknown_keyboard_problem(
        UnknownKeyboardError("acme/pad", reason="keyboards/acme/pad/keyboard.json:3:5: invalid JSON"), Path("x.yaml")
    )
    assert "acme/pad" in broken.message and "keyboard.json:3:5" in broken.message
    assert broken.file == "x.yaml" and "definition" in broken.hint
    close = unknown_keyboard_problem(UnknownKeyboardError("crkb", ["crkbd/rev1"]), Path("x.yaml"))
    assert close.message == "unknown keyboard “crkb”" and close.hint.startswith("did you mean crkbd/rev1?")
    nothing = unknown_keyboard_problem(UnknownKeyboardError("zz"), None)
    assert "qmk setup" in nothing.hint and nothing.file is None


FIRST_PAINT = """
import os, sys
from keyconf.gui import keyboard_view
original = keyboard_view.KeyboardView.paintEvent
def paint(self, event):
    original(self, event)
    if self.doc is not None:
        print(" ".join(sorted(sys.modules)), flush=True)
        os._exit(0)
keyboard_view.KeyboardView.paintEvent = paint
from keyconf.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_first_paint_imports_no_device_flash_compiler_or_catalogue_code(tmp_path):
    """What the window needs to show the keyboard, and nothing that talks to USB, flashes,
    builds or searches keyboards: those come after the first paint. The second start takes
    the board and the parsed file from the caches (the first one fills them): no YAML parser."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-c", FIRST_PAINT, str(repo / "layouts" / "planck.yaml")]
    for _start in range(2):
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    assert "keyconf.gui.main_window" in modules and "keyconf.model.keycodes.registry" in modules
    # The layout's keyboard comes from the board cache (resolve, board_cache); nothing of the device layer.
    allowed = {"keyconf.catalogue", "keyconf.catalogue.resolve", "keyconf.catalogue.board_cache"}
    parts = ("keyconf.device", "keyconf.flash", "keyconf.compiler", "keyconf.catalogue", "keyconf.cli.commands.")
    early = sorted(m for m in modules - allowed if m.startswith(parts))
    assert early == []
    assert not modules & {"hid", "keyconf.gui.device_features", "keyconf.gui.device_bar", "keyconf.gui.build_dialog",
                          "keyconf.gui.flash_dialog", "keyconf.gui.feature_editors", "keyconf.model.validation",
                          "yaml"}


AFTER_FIRST_PAINT = """
import gc, inspect, os, sys
from importlib.util import find_spec
read = []
getsource = inspect.getsource
def counted(thing):
    read.append(getattr(thing, "__name__", "?"))
    return getsource(thing)
inspect.getsource = counted
class PatchView:  # patches the view when the start imports it (after Qt), keeping its import order
    def find_spec(self, name, path=None, target=None):
        if name != "keyconf.gui.keyboard_view":
            return None
        sys.meta_path.remove(self)
        spec = find_spec(name)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            original = module.KeyboardView.paintEvent
            def paint(self, event):
                original(self, event)
                if self.doc is not None and not hasattr(self, "seen"):
                    self.seen = gc.isenabled()
                    from PySide6.QtCore import QTimer
                    def report():
                        print(self.seen, gc.isenabled(), " ".join(read), flush=True)
                        os._exit(0)
                    QTimer.singleShot(200, report)
            module.KeyboardView.paintEvent = paint
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, PatchView())
from keyconf.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_start_spares_the_cycle_collector_and_pyside_reading_sources(tmp_path):
    """The start makes many objects and next to no garbage: Python's cycle collector is off until
    the keyboard has been painted, and on from then on. PySide6 reads the source of no keyconf
    module (nor of the standard library's loaded before Qt) to look for its `__feature__` switches."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-c", AFTER_FIRST_PAINT, str(repo / "layouts" / "planck.yaml")]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    during, after, *read = done.stdout.split()
    assert (during, after) == ("False", "True")
    if not hasattr(sys.modules.get("__feature__"), "pyside_feature_dict"):
        pytest.skip("this PySide6 keeps no table of the modules it has looked at")
    assert [name for name in read if name.startswith("keyconf") or name in ("typing", "pathlib", "dataclasses")] == []
