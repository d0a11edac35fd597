"""Fixtures for the desktop editor tests: small keyboards and layouts built in code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from keyconf.model.keyboard import Key, Keyboard, LayoutMacro, SecondaryRect
from keyconf.model.layout import Layer, Layout

if importlib.util.find_spec("keyconf.model.keycodes") is None:  # until the registry lands on main
    _spec = importlib.util.spec_from_file_location("_fake_keycodes", Path(__file__).with_name("fake_keycodes.py"))
    assert _spec is not None and _spec.loader is not None
    _fake = importlib.util.module_from_spec(_spec)
    sys.modules["_fake_keycodes"] = _fake
    _spec.loader.exec_module(_fake)
    _fake.install()


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
    base = ["KC_Q", "KC_W", "KC_E", "KC_R", "KC_A", "KC_S", "KC_D", "KC_F", "KC_Z", "KC_X", "KC_C", "KC_V",
            "KC_ENT", "LT(nav, KC_SPC)"]
    nav = ["KC_TRNS"] * 12 + ["KC_ESC", "KC_TRNS"]
    nav[0] = "KC_UP"
    return Layout(keyboard="test/small", layout_macro="LAYOUT", layers=[Layer("base", base), Layer("nav", nav)],
                  geometry=small_keyboard())


@pytest.fixture
def keyboard() -> Keyboard:
    return small_keyboard()


@pytest.fixture
def layout() -> Layout:
    return small_layout()
