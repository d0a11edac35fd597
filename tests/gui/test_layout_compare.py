"""File → Compare with File…: changed keys outlined on the keyboard, listed in a dock that
leads to them, kept current while editing, cleared on request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from keyconf.formats.yaml_layout import load_layout, save_layout

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.informativeText())) or 0)
    return shown


def other_version(layout_file: Path, tmp_path: Path) -> Path:
    """The Corne example with two keys changed on the base layer and one on the second layer."""
    loaded = load_layout(layout_file)
    layout = loaded.layout
    layout.layers[0].keys[1] = "KC_F13"
    layout.layers[0].keys[2] = "KC_F14"
    layout.layers[1].keys[3] = "KC_MUTE"
    target = tmp_path / "other.yaml"
    save_layout(layout, target)
    return target


def compare(window, qtbot, monkeypatch, path: Path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.act_compare.trigger()
    qtbot.waitUntil(lambda: window.comparison is not None and window.comparison.diff is not None, timeout=15_000)
    return window.comparison


def test_changed_keys_are_outlined_listed_and_cleared(opened, qtbot, monkeypatch, tmp_path, layout_file):
    window = opened
    controller = compare(window, qtbot, monkeypatch, other_version(layout_file, tmp_path))
    view = window.keyboard_view
    assert view.changed == {0: {1, 2}, 1: {3}}
    assert controller.dock.isVisible()
    panel = controller.panel
    assert "other.yaml" in panel.heading.text()
    assert panel.summary.text().startswith("3 keys changed in 2 layers")
    texts = [row.text for row in panel.rows]
    assert any("F13 → " in text for text in texts)
    assert window.layer_tabs.tabText(0).endswith("•") and window.layer_tabs.tabText(1).endswith("•")
    assert not window.layer_tabs.tabText(2).endswith("•")
    # The tooltip of a changed key says what the other file has.
    window.selection.set_layer(0)
    assert "In other.yaml: F13 (KC_F13)" in view.tooltip_for(1)
    # Clicking a key line goes to the key.
    row = next(i for i, r in enumerate(panel.rows) if r.kind == "key" and r.layer == 1)
    panel.list.itemClicked.emit(panel.list.item(row))
    assert window.selection.layer == 1 and window.selection.slots == [3]
    # The picture is painted with the outlines (the painter gets the changed slots).
    window.selection.set_layer(0)
    view.repaint()
    # Editing the window's layout to match the file removes that difference, live.
    window.doc.assign(1, [3], "KC_MUTE")
    qtbot.waitUntil(lambda: view.changed == {0: {1, 2}}, timeout=5000)
    assert not window.layer_tabs.tabText(1).endswith("•")
    # Stop comparing: no outlines, no marks, no dock.
    panel.stop_button.click()
    assert view.changed == {} and not controller.dock.isVisible()
    assert not window.layer_tabs.tabText(0).endswith("•")


def test_comparing_with_an_identical_file(opened, qtbot, monkeypatch, tmp_path, layout_file):
    same = tmp_path / "same.yaml"
    shutil.copy(layout_file, same)
    controller = compare(opened, qtbot, monkeypatch, same)
    assert controller.diff.same
    assert opened.keyboard_view.changed == {}
    assert controller.panel.summary.text() == "Same as the file: no differences."


def test_compare_with_a_via_save_of_the_same_board(opened, qtbot, monkeypatch, tmp_path):
    """Other formats are read in the window's terms (a VIA save holds only a matrix)."""
    source = REPO / "tests" / "formats" / "data" / "interchange" / "corne.layout.json"
    controller = compare(opened, qtbot, monkeypatch, source)
    assert controller.comparison.format_name.startswith("VIA")
    assert opened.keyboard_view.changed  # the example and the VIA save differ somewhere
    assert all(0 <= slot < 42 for slots in opened.keyboard_view.changed.values() for slot in slots)


def test_an_unreadable_file_is_reported(opened, qtbot, monkeypatch, tmp_path, no_modal_boxes):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    opened.act_compare.trigger()
    qtbot.waitUntil(lambda: bool(no_modal_boxes), timeout=15_000)
    text, details = no_modal_boxes[0]
    assert str(bad) in details and "Traceback" not in text
    assert opened.keyboard_view.changed == {}


def test_opening_another_layout_stops_the_comparison(opened, qtbot, monkeypatch, tmp_path, layout_file):
    controller = compare(opened, qtbot, monkeypatch, other_version(layout_file, tmp_path))
    assert opened.keyboard_view.changed
    opened.open_path(REPO / "layouts" / "planck.yaml")
    qtbot.waitUntil(lambda: opened.doc.keyboard.name == "planck/rev6", timeout=10_000)
    assert opened.keyboard_view.changed == {} and controller.comparison is None


def test_comparing_with_the_layout_moved_to_another_board_pairs_keys_by_place(
    opened, qtbot, monkeypatch, tmp_path, layout_file
):
    from keyconf.catalogue.resolve import find_keyboard
    from keyconf.model.retarget import retarget_layout

    corne = load_layout(layout_file).layout
    sweep = retarget_layout(corne, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep")).layout
    sweep.layers[0].keys[31] = "KC_BSPC"  # the Sweep's copy changed on the left inner thumb
    moved = tmp_path / "sweep.yaml"
    save_layout(sweep, moved)
    controller = compare(opened, qtbot, monkeypatch, moved)
    view = opened.keyboard_view
    outer = {0, 11, 12, 23, 24, 35, 36, 41}  # the Corne keys the Sweep has no place for
    assert view.changed[0] == outer | {38}  # …and the Corne thumb the Sweep's changed key sits on
    opened.selection.set_layer(0)
    assert "In sweep.yaml: Bksp (KC_BSPC)" in view.tooltip_for(38)
    assert "In sweep.yaml: no key" in view.tooltip_for(0)
    assert "moved to the new board unchanged" in controller.panel.summary.text()
