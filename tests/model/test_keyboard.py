"""A keyboard's layout macros by name: aliases followed, an unknown name told apart."""

from __future__ import annotations

import pytest

from keyconf.model.keyboard import Keyboard, LayoutMacro


def board() -> Keyboard:
    return Keyboard(
        "test/board",
        layouts={"LAYOUT_ortho": LayoutMacro("LAYOUT_ortho", []), "LAYOUT_split": LayoutMacro("LAYOUT_split", [])},
        layout_aliases={"KEYMAP": "LAYOUT_old", "LAYOUT_old": "LAYOUT_split"},
    )


def test_layout_follows_aliases_and_raises_for_an_unknown_name() -> None:
    keyboard = board()
    assert keyboard.layout("KEYMAP").name == "LAYOUT_split"
    assert keyboard.layout().name == "LAYOUT_ortho"  # no name: the first macro
    with pytest.raises(KeyError):
        keyboard.layout("LAYOUT_60")


def test_find_layout_is_layout_with_none_for_an_unknown_name() -> None:
    keyboard = board()
    found = keyboard.find_layout("KEYMAP")
    assert found is not None and found.name == "LAYOUT_split"
    assert keyboard.find_layout("LAYOUT_60") is None
    assert keyboard.find_layout("") is None
    assert Keyboard("empty").find_layout() is None
