"""The editor as a user drives it: real widgets, real files, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

from keyconf.gui.drag_data import keycode_mime
from keyconf.gui.layout_files import open_layout_file

REPO = Path(__file__).resolve().parents[2]


def click_key(qtbot, window, slot, modifier=Qt.KeyboardModifier.NoModifier):
    view = window.keyboard_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, modifier, view.slot_center(slot))


def click_picker_entry(qtbot, window, code):
    picker = window.picker
    row = [e.code for e in picker.entries_shown()].index(code)
    index = picker.list_model.index(row, 0)
    picker.view.scrollTo(index)
    rect = picker.view.visualRect(index)
    qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_open_click_search_assign_undo_redo_save_reopen(opened, qtbot, layout_file):
    window = opened
    doc = window.doc
    assert window.windowTitle().startswith("corne.yaml")
    before = doc.key_text(0, 1)
    original_text = layout_file.read_text()
    click_key(qtbot, window, 1)
    assert window.selection.slots == [1]
    # Typing on the keyboard starts a picker search.
    qtbot.keyClicks(window.keyboard_view, "v")
    assert window.picker.search.text() == "v"
    qtbot.keyClicks(window.picker.search, "olume up")
    codes = [e.code for e in window.picker.entries_shown()]
    assert "KC_VOLU" in codes
    click_picker_entry(qtbot, window, "KC_VOLU")
    assert doc.key_text(0, 1) == "KC_VOLU"
    assert doc.is_modified and window.isWindowModified()
    window.act_undo.trigger()
    assert doc.key_text(0, 1) == before
    window.act_redo.trigger()
    assert doc.key_text(0, 1) == "KC_VOLU"
    window.save()
    qtbot.waitUntil(lambda: not doc.is_modified, timeout=10000)
    assert not window.isWindowModified()
    reopened = open_layout_file(layout_file).layout
    assert reopened.layers == doc.layout.layers
    assert reopened.layers[0].keys[1] == "KC_VOLU"
    # Only the edited key's line changed: comments and alignment elsewhere are kept.
    old_lines, new_lines = original_text.splitlines(), layout_file.read_text().splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1 and "KC_VOLU" in changed[0][1]


def test_expression_editor_validates_and_assigns(opened, qtbot):
    window = opened
    click_key(qtbot, window, 2)
    editor = window.picker.expression
    editor.line.setText("LT(nav, KC_SPCE")
    assert not editor.assign_button.isEnabled()
    assert "✗" in editor.status.text()
    editor.line.setText("LT(sym, KC_ESC)")
    assert editor.assign_button.isEnabled()
    assert "✓" in editor.status.text()
    qtbot.mouseClick(editor.assign_button, Qt.MouseButton.LeftButton)
    assert window.doc.key_text(0, 2) == "LT(sym, KC_ESC)"
    assert "LT(sym, KC_ESC)" in window.picker_model.recent


def test_picker_box_and_selected_key_share_one_state(opened, qtbot):
    """Picking a keycode shows it in the Expression box; Assign then has nothing to do (it
    used to put the old keycode back)."""
    window = opened
    doc = window.doc
    editor = window.picker.expression
    click_key(qtbot, window, 1)
    held = doc.key_text(0, 1)
    assert editor.line.text() == held and not editor.assign_button.isEnabled()
    window.picker.search.setText("volume up")
    click_picker_entry(qtbot, window, "KC_VOLU")
    assert doc.key_text(0, 1) == "KC_VOLU"
    assert editor.line.text() == "KC_VOLU" and not editor.assign_button.isEnabled()
    assert "selected key holds" in editor.status.text()
    qtbot.keyClick(editor.line, Qt.Key.Key_Return)  # Enter on an unchanged box changes nothing
    qtbot.mouseClick(editor.assign_button, Qt.MouseButton.LeftButton)
    assert doc.key_text(0, 1) == "KC_VOLU"
    # Typing something else enables Assign; undo brings the box back to the key.
    editor.line.setText("KC_MUTE")
    assert editor.assign_button.isEnabled()
    qtbot.mouseClick(editor.assign_button, Qt.MouseButton.LeftButton)
    assert doc.key_text(0, 1) == "KC_MUTE" and not editor.assign_button.isEnabled()
    doc.undo_stack.undo()
    assert doc.key_text(0, 1) == "KC_VOLU" and editor.line.text() == "KC_VOLU"
    doc.undo_stack.undo()
    assert editor.line.text() == held
    # Another layer: the box shows that layer's key.
    window.selection.set_layer(1)
    assert editor.line.text() == doc.key_text(1, 1)


def test_multi_select_assign_is_one_undo_step(opened, qtbot):
    window = opened
    doc = window.doc
    originals = [doc.key_text(0, s) for s in (3, 4, 5)]
    click_key(qtbot, window, 3)
    click_key(qtbot, window, 4, Qt.KeyboardModifier.ControlModifier)
    click_key(qtbot, window, 5, Qt.KeyboardModifier.ControlModifier)
    assert window.selection.slots == [3, 4, 5]
    window.picker.choose("KC_MUTE")
    assert [doc.key_text(0, s) for s in (3, 4, 5)] == ["KC_MUTE"] * 3
    doc.undo_stack.undo()
    assert [doc.key_text(0, s) for s in (3, 4, 5)] == originals


def test_rubber_band_selects_keys(opened, qtbot):
    window = opened
    view = window.keyboard_view
    a, b = view.slot_center(0), view.slot_center(1)
    start = QPoint(a.x() - 40, 4)
    end = QPoint(b.x() + 5, a.y() + 5)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, end)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)
    assert {0, 1} <= set(window.selection.slots)


def test_drag_one_key_onto_another_swaps_them(opened, qtbot):
    window = opened
    doc = window.doc
    view = window.keyboard_view
    first, second = doc.key_text(0, 1), doc.key_text(0, 2)
    a, b = view.slot_center(1), view.slot_center(2)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view, QPoint(a.x() + 10, a.y()))
    qtbot.mouseMove(view, b)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=b)
    assert (doc.key_text(0, 1), doc.key_text(0, 2)) == (second, first)
    assert window.selection.slots == [2]
    doc.undo_stack.undo()
    assert (doc.key_text(0, 1), doc.key_text(0, 2)) == (first, second)


def drag_and_drop(widget, pos: QPoint, data: QMimeData) -> bool:
    """What Qt delivers for a drop: enter, move, then drop (if the move was accepted)."""
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(pos, *args)
    QApplication.sendEvent(widget, enter)
    move = QDragMoveEvent(pos, *args)
    QApplication.sendEvent(widget, move)
    if not (enter.isAccepted() and move.isAccepted()):
        return False
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), *args))
    return True


def test_dropping_a_keycode_from_the_picker_assigns_it(opened, qtbot):
    window = opened
    view = window.keyboard_view
    data: QMimeData = keycode_mime("KC_MPLY")
    assert drag_and_drop(view, view.slot_center(6), data)
    assert window.doc.key_text(0, 6) == "KC_MPLY"
    assert window.selection.slots == [6]
    # The picker model hands out the same data when a tile is dragged.
    window.picker.search.setText("KC_MPLY")
    mime = window.picker.list_model.mimeData([window.picker.list_model.index(0, 0)])
    assert mime.text() == "KC_MPLY"


def test_arrow_keys_move_the_selection(opened, qtbot):
    window = opened
    click_key(qtbot, window, 0)
    qtbot.keyClick(window.keyboard_view, Qt.Key.Key_Right)
    assert window.selection.slots == [1]
    qtbot.keyClick(window.keyboard_view, Qt.Key.Key_Down)
    below = window.selection.slots[0]
    view = window.keyboard_view
    assert view.slot_center(below).y() > view.slot_center(1).y()


def test_copy_paste_between_layers_and_clear(opened, qtbot):
    window = opened
    doc = window.doc
    click_key(qtbot, window, 1)
    window.act_copy.trigger()
    copied = doc.key_text(0, 1)
    window.selection.set_layer(1)
    click_key(qtbot, window, 2)
    window.act_paste.trigger()
    assert doc.key_text(1, 2) == copied
    window.act_clear.trigger()
    assert doc.key_text(1, 2) == "KC_NO"
    window.act_transparent.trigger()
    assert doc.key_text(1, 2) == "KC_TRNS"


def test_rename_layer_in_the_panel_updates_references(opened, qtbot):
    window = opened
    doc = window.doc
    layout = doc.layout
    nav = layout.layer_index("nav")
    referencing = [(i, s) for i, layer in enumerate(layout.layers) for s, t in enumerate(layer.keys) if "MO(nav)" in t]
    assert referencing
    window.layers_panel.tabs.tabBarDoubleClicked.emit(nav)  # a double-click opens the name editor
    editor = window.layers_panel._editor
    assert editor is not None and editor.text() == "nav"
    editor.setText("arrows")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert layout.layer_names[nav] == "arrows"
    for layer, slot in referencing:
        assert doc.key_text(layer, slot) == "MO(arrows)"
    assert window.layer_tabs.tabText(nav).endswith("arrows")
    doc.undo_stack.undo()
    assert doc.layout.layer_names[nav] == "nav"
    assert all(doc.key_text(layer, slot) == "MO(nav)" for layer, slot in referencing)


def test_deleting_a_referenced_layer_asks_first(opened, qtbot, monkeypatch):
    window = opened
    doc = window.doc
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.selection.set_layer(doc.layout.layer_index("nav"))
    window.layers_panel.delete_layer()
    assert asked and "nav" in asked[0]
    assert "nav" in doc.layout.layer_names
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.layers_panel.delete_layer()
    assert "nav" not in doc.layout.layer_names
    doc.undo_stack.undo()
    assert "nav" in doc.layout.layer_names


def test_add_and_move_layers_from_the_panel(opened, qtbot):
    window = opened
    doc = window.doc
    count = len(doc.layout.layers)
    window.selection.set_layer(0)
    window.layers_panel.add_layer()
    assert len(doc.layout.layers) == count + 1
    added = doc.layout.layers[1].name
    assert window.selection.layer == 1
    window.layers_panel.move_layer(1)
    assert doc.layout.layers[2].name == added
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(doc.layout.layers) == count


def test_layers_have_one_control_above_the_keyboard(opened, qtbot):
    window = opened
    doc = window.doc
    panel = window.layers_panel
    assert not any(d.objectName() == "dock-layers" for d in window.findChildren(QDockWidget))
    assert panel.tabs.count() == len(doc.layout.layers)
    assert panel.geometry().bottom() <= window.keyboard_view.geometry().top()
    # Dragging a tab reorders the layers (as one undoable edit per step).
    first, second = doc.layout.layer_names[:2]
    panel.tabs.moveTab(0, 1)
    assert doc.layout.layer_names[:2] == [second, first]
    assert panel.tabs.tabText(0).endswith(second) and window.selection.layer == 1
    doc.undo_stack.undo()
    assert doc.layout.layer_names[:2] == [first, second]
    assert panel.tabs.tabText(0).endswith(first)
    # Dragging the first tab with the mouse past two others is one edit, one undo step.
    names = doc.layout.layer_names
    assert len(names) >= 3
    window.selection.set_layer(0)
    steps = doc.undo_stack.index()
    tabs = panel.tabs
    start, end = tabs.tabRect(0).center(), tabs.tabRect(2).center() + QPoint(tabs.tabRect(2).width() // 4, 0)
    QTest.mousePress(tabs, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 21):
        QTest.mouseMove(tabs, start + (end - start) * (i / 20))
        qtbot.wait(5)
    QTest.mouseRelease(tabs, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: doc.layout.layer_names != names, timeout=3000)
    assert doc.layout.layer_names[:3] == [names[1], names[2], names[0]]
    assert doc.undo_stack.index() == steps + 1 and window.selection.layer == 2
    assert [tabs.tabText(i).split()[-1] for i in range(3)] == [names[1], names[2], names[0]]
    doc.undo_stack.undo()
    assert doc.layout.layer_names == names
    # Escape leaves a name as it was.
    panel.rename_layer()
    panel._editor.setText("zzz")
    qtbot.keyClick(panel._editor, Qt.Key.Key_Escape)
    assert "zzz" not in doc.layout.layer_names


def test_closing_with_unsaved_changes_asks(opened, qtbot, monkeypatch):
    window = opened
    window.doc.assign(0, [0], "KC_A")
    answers = [QMessageBox.StandardButton.Cancel]
    asked = []

    def warning(*args, **kwargs):
        asked.append(args[1])
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "warning", warning)
    assert not window.close()
    assert window.isVisible() and asked == ["Unsaved changes"]
    answers.append(QMessageBox.StandardButton.Discard)
    assert window.close()


def test_a_broken_file_shows_the_error_not_a_traceback(window, qtbot, tmp_path, monkeypatch):
    broken = tmp_path / "broken.yaml"
    broken.write_text("keyconf: 1\nkeyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [KC_A, [\n")
    shown = []

    def exec_(box):
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    window.open_path(broken)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    title, text, details = shown[0]
    assert title == "Cannot open layout"
    assert str(broken) + ":" in details  # file:line(:col)
    assert "Traceback" not in text + details
    assert window.doc is None


def test_unknown_keyboard_is_reported_with_a_hint(window, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("keyconf: 1\nkeyboard: no/such_board\nlayout: LAYOUT\nlayers:\n  base: [KC_A]\n")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    window.open_path(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "no/such_board" in shown[0]


def test_dropping_a_layout_file_on_the_window_opens_it(window, qtbot, layout_file):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(layout_file))])
    assert drag_and_drop(window, QPoint(100, 100), data)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    assert window.doc.path == layout_file


def test_recent_files_remember_opened_layouts(opened, layout_file):
    assert opened.settings.recent_files()[0] == layout_file.resolve()


def test_problems_panel_lists_and_selects_the_key(opened, qtbot):
    window = opened
    window.doc.assign(1, [4], "MO(nowhere)")
    window.problems_panel.recheck()
    problems = window.problems_panel.problems
    target = next(p for p in problems if tuple(p.location[:3]) == ("layers", 1, 4))
    item = next(
        window.problems_panel.tree.topLevelItem(i)
        for i in range(window.problems_panel.tree.topLevelItemCount())
        if window.problems_panel.problems[window.problems_panel.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)]
        is target
    )
    window.selection.set_layer(0)
    window.problems_panel._on_item(item)
    assert window.selection.layer == 1 and window.selection.slots == [4]


def test_screenshot_command_writes_a_png_of_the_asked_size(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "keyconf",
            "--screenshot",
            str(out),
            str(REPO / "layouts" / "corne.yaml"),
            "--layer",
            "nav",
            "--size",
            "900x600",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)


def test_screenshot_writes_the_format_its_suffix_names(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))

    def shot(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "keyconf", "--screenshot", str(tmp_path / name), "--size", "640x400"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = shot("shot.jpg")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shot.jpg").read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG, not a PNG
    result = shot("shot.gif2")
    assert result.returncode == 2 and ".gif2" in result.stderr and ".jpg" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "shot.gif2").exists()


def test_screenshot_with_a_bad_layer_is_a_clean_error(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEYCONF_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "keyconf",
            "--screenshot",
            str(tmp_path / "x.png"),
            str(REPO / "layouts" / "corne.yaml"),
            "--layer",
            "nope",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "no such layer" in result.stderr and "Traceback" not in result.stderr


def test_the_toolbar_stays_still_through_edits(opened, qtbot):
    window = opened
    buttons = [window.toolbar.widgetForAction(a) for a in window.toolbar.actions() if not a.isSeparator()]
    before = [b.geometry() for b in buttons]
    codes = ["KC_VOLU", "KC_A", "LT(nav, KC_SPC)", "RGB_TOG", "MT(MOD_LCTL | MOD_LSFT, KC_Z)"]
    for i in range(20):
        window.selection.select(i % 5)
        window.assign_to_selection(codes[i % len(codes)])
        qtbot.wait(1)
        assert [b.geometry() for b in buttons] == before
    assert window.act_undo.text() == "&Undo"
    assert window.act_undo.toolTip().startswith("Undo Assign")
    window.act_undo.trigger()
    assert window.act_redo.text() == "&Redo" and window.act_redo.toolTip().startswith("Redo Assign")


def test_problems_wrap_with_human_locations(opened, qtbot):
    from keyconf.gui.problems_panel import describe_location
    from keyconf.model.geometry import key_positions

    window = opened
    doc = window.doc
    nav = doc.layout.layer_index("nav")
    positions = key_positions(doc.macro.slot_keys)
    slot = next(s for s, (row, key) in positions.items() if row == 2 and key == 5)
    doc.set_keys(nav, {slot: "KC_WW"}, "typo")
    panel = window.problems_panel
    panel.recheck()
    items = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    item = next(i for i in items if "KC_WW" in i.text(1))
    assert item.text(1).split("\n")[1].startswith("layer nav, row 2, key 5")
    assert "KC_WW" in item.toolTip(1) and "layer nav, row 2, key 5" in item.toolTip(1)
    assert panel.tree.wordWrap() and panel.tree.textElideMode() == Qt.TextElideMode.ElideNone
    # The row is as tall as the wrapped message plus its location line: nothing is cut short.
    metrics = panel.tree.fontMetrics()
    lines = metrics.horizontalAdvance(item.text(1).split("\n")[0]) // max(1, panel.tree.columnWidth(1)) + 2
    assert item.sizeHint(1).height() >= lines * metrics.lineSpacing()
    names = doc.layout.layer_names
    assert describe_location(("layers", 2), names, positions) == f"layer {names[2]}"
    assert describe_location(("combos", 0, "keys"), names, positions) == "combo 1"
    assert describe_location(("macros", 1, "steps", 3), names, positions) == "macro 2, step 4"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_picker_shows_six_rows_and_grows_with_the_window(window, qtbot, layout_file, size):
    window.resize(*size)
    window.open_path(layout_file)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    window.picker.refresh()
    window.apply_default_dock_sizes()
    qtbot.wait(50)
    rows = window.picker.rows_shown()
    assert rows >= (6 if size[1] <= 800 else 8)
    assert window.keyboard_view.height() >= 150  # the board keeps room too


def test_search_lists_each_keycode_once_and_exact_names_first(window):
    model = window.picker_model
    found = model.search("volume up")
    assert found[0].code == "KC_VOLU"
    for query in ("volume up", "vol", "mute", "caps", "power"):
        legends = [e.legend for e in model.search(query)]
        assert len(legends) == len(set(legends)), query


def test_legends_one_size_rule_and_readable_lighting():
    from keyconf.model.keycodes import REGISTRY
    from keyconf.render.keycap_painter import is_glyph

    legends = {n: REGISTRY.legend(REGISTRY.parse(n)).tap for n in [f"KC_F{i}" for i in range(1, 13)]}
    assert len({is_glyph(t) for t in legends.values()}) == 1  # F1…F12 set alike
    assert is_glyph(REGISTRY.legend(REGISTRY.parse("KC_A")).tap)
    readable = {"UG_TOGG": "RGB on/off", "RGB_TOG": "RGB on/off", "UG_HUEU": "Hue +", "RM_VALD": "Bright -"}
    for name, legend in readable.items():
        assert REGISTRY.legend(REGISTRY.parse(name)).tap == legend


def test_switching_back_to_a_layer_shows_it_as_edited(opened, qtbot):
    """The board drawn for a layer is kept for quick switching, never shown stale."""
    window = opened
    view = window.keyboard_view
    first = view.grab().toImage()
    window.selection.set_layer(1)
    assert view.grab().toImage() != first
    window.selection.set_layer(0)
    assert view.grab().toImage() == first
    window.doc.assign(0, [0], "KC_VOLU")
    edited = view.grab().toImage()
    assert edited != first
    window.selection.select(3)
    assert view.grab().toImage() != edited  # the selection outline is drawn too
    window.doc.undo_stack.undo()
    window.selection.clear()
    assert view.grab().toImage() == first


def test_the_other_layers_are_drawn_ahead_so_a_switch_draws_no_keycap(opened, qtbot):
    """Once the board is still, the layers it does not show are drawn in the background: the
    first switch to each is an image copy. An edit or a new selection redraws them ahead again."""
    window = opened
    view = window.keyboard_view
    drawn: list[int] = []
    paint = view._painter.paint

    def counted(*args, **kwargs):
        drawn.append(window.selection.layer)
        return paint(*args, **kwargs)

    view._painter.paint = counted
    count = len(window.doc.layout.layers)
    assert count >= 3
    view.repaint()
    qtbot.waitUntil(lambda: len(drawn) >= count - 1, timeout=5000)  # the layers not shown
    qtbot.wait(300)
    drawn.clear()
    for layer in range(1, count):
        window.selection.set_layer(layer)
        view.repaint()
    assert drawn == []
    window.selection.select(3)  # the selection is drawn on every layer: all are drawn ahead again
    window.selection.set_layer(0)
    view.repaint()
    drawn.clear()
    qtbot.waitUntil(lambda: len(drawn) >= count - 1, timeout=5000)
    qtbot.wait(300)
    drawn.clear()
    window.selection.set_layer(count - 1)
    view.repaint()
    assert drawn == []
