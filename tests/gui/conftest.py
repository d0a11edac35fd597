"""Fixtures for the desktop editor tests: real widgets, offscreen, with settings kept in a
temporary folder and the repository's example layouts copied there."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from keyconf.model.keyboard import Key, Keyboard, LayoutMacro, SecondaryRect
from keyconf.model.layout import Layer, Layout

REPO = Path(__file__).resolve().parents[2]
LAYOUTS = REPO / "layouts"


@pytest.fixture(autouse=True)
def _needs_registry():
    if importlib.util.find_spec("keyconf.model.keycodes") is None:
        pytest.skip("the keycode registry (keyconf.model.keycodes) is not on this branch yet")


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Settings, recent files and backups go to a temporary KEYCONF_HOME."""
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))


def small_keyboard() -> Keyboard:
    """A 3×4 board plus an ISO enter and a rotated thumb key: 14 keys."""
    keys = [Key(float(c), float(r), matrix=(r, c)) for r in range(3) for c in range(4)]
    keys.append(Key(4.75, 0, 1.25, 2, matrix=(0, 4), secondary=SecondaryRect(-0.25, 0, 1.5, 1)))
    keys.append(Key(1.5, 3.2, 1, 1.5, r=15, rx=1.5, ry=3.2, matrix=(1, 4)))
    return Keyboard(
        "test/small",
        display_name="Small test board",
        matrix_rows=3,
        matrix_cols=5,
        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
    )


def small_layout() -> Layout:
    base = [
        "KC_Q",
        "KC_W",
        "KC_E",
        "KC_R",
        "KC_A",
        "KC_S",
        "KC_D",
        "KC_F",
        "KC_Z",
        "KC_X",
        "KC_C",
        "KC_V",
        "KC_ENT",
        "LT(nav, KC_SPC)",
    ]
    nav = ["KC_TRNS"] * 12 + ["KC_ESC", "KC_TRNS"]
    nav[0] = "KC_UP"
    return Layout(
        keyboard="test/small",
        layout_macro="LAYOUT",
        layers=[Layer("base", base), Layer("nav", nav)],
        geometry=small_keyboard(),
    )


@pytest.fixture
def keyboard() -> Keyboard:
    return small_keyboard()


@pytest.fixture
def layout() -> Layout:
    return small_layout()


@pytest.fixture
def layout_file(tmp_path) -> Path:
    """A copy of the Corne example layout (named layers referenced by MO())."""
    target = tmp_path / "corne.yaml"
    shutil.copy(LAYOUTS / "corne.yaml", target)
    return target


@pytest.fixture
def window(qtbot, tmp_path):
    from keyconf.gui.main_window import MainWindow
    from keyconf.gui.settings import EditorSettings

    win = MainWindow(EditorSettings(tmp_path / "settings.ini"))
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.doc is not None:
        win.doc.undo_stack.setClean()  # no unsaved-changes prompt when closing
    win.close()
    win.deleteLater()


@pytest.fixture
def opened(window, qtbot, layout_file):
    window.open_path(layout_file)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    return window
