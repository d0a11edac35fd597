"""The picker's Keyboard tab: the keycodes the open layout's keyboard defines in its firmware
(Charybdis's DPI_MOD …), with their legends, assigned like any other keycode."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from keyconf.formats.yaml_layout import load_layout, save_layout
from keyconf.gui.picker_model import CATEGORIES, KEYBOARD
from tests.gui.conftest import small_layout

CHARYBDIS = "bastardkb/charybdis/3x5/v2/splinky_3"


def charybdis_file(tmp_path: Path) -> Path:
    layout = small_layout()
    layout.keyboard = CHARYBDIS  # its own small geometry embedded: no catalogue needed
    path = tmp_path / "nano.yaml"
    save_layout(layout, path)
    return path


def test_the_keyboard_tab_lists_its_keycodes_and_assigns_one(window, qtbot, tmp_path):
    path = charybdis_file(tmp_path)
    window.open_path(path)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    view = window.keyboard_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, view.slot_center(2))
    picker = window.picker
    picker.tabs.setCurrentIndex(CATEGORIES.index(KEYBOARD))
    assert picker.tabs.tabText(picker.tabs.currentIndex()) == "Keyboard"
    shown = picker.entries_shown()
    assert [e.code for e in shown] == ["DPI_MOD", "DPI_RMOD", "S_D_MOD", "S_D_RMOD", "SNIPING", "SNP_TOG",
                                       "DRGSCRL", "DRG_TOG"]
    assert [e.legend for e in shown][:2] == ["DPI+", "DPI-"]
    assert shown[0].aliases == ("POINTER_DEFAULT_DPI_FORWARD",)
    if os.environ.get("KEYCONF_SHOT"):
        window.grab().save(os.environ["KEYCONF_SHOT"])
    index = picker.list_model.index(0, 0)
    qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=picker.view.visualRect(index).center())
    assert window.doc.key_text(0, 2) == "DPI_MOD"
    assert view.faces(0)[2].tap == "DPI+"
    # A search finds them by legend or name too.
    picker.search.setText("sniping")
    assert "SNIPING" in [e.code for e in picker.entries_shown()]
    window.save()
    qtbot.waitUntil(lambda: not window.doc.is_modified, timeout=10000)
    saved = load_layout(path).layout
    assert saved.layers[0].keys[2] == "DPI_MOD" and saved.custom_keycodes == []


def test_a_keyboard_without_keycodes_of_its_own_says_so(opened, qtbot):
    picker = opened.picker
    picker.tabs.setCurrentIndex(CATEGORIES.index(KEYBOARD))
    assert picker.entries_shown() == []
    assert picker.empty.isVisible() and "defines no keycodes of its own" in picker.empty.text()
