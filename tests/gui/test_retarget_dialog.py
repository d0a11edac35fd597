"""Keyboard → Move Layout to Another Keyboard…: the chooser, a preview of every layer on the new
board (unfilled keys outlined, dropped keys listed and placeable), then a new untitled layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog

from keyconf.catalogue.resolve import find_keyboard
from keyconf.formats.yaml_layout import load_layout
from keyconf.gui import retarget_dialog
from keyconf.gui.keyboard_chooser import ChooseKeyboardDialog
from keyconf.gui.retarget_dialog import RetargetPreview
from keyconf.model.retarget import retarget_layout

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def test_the_menu_moves_the_open_corne_layout_to_a_lily58(opened, qtbot, monkeypatch, isolated_user):
    window = opened

    def choose(dialog: ChooseKeyboardDialog) -> int:
        dialog.show()
        qtbot.waitUntil(lambda: dialog.panel.chooser is not None, timeout=20_000)
        qtbot.keyClicks(dialog.search, "lily58")
        assert dialog.panel.select_path("lily58/rev1")
        qtbot.waitUntil(lambda: dialog.keyboard is not None and dialog.keyboard.name == "lily58/rev1", timeout=10_000)
        return QDialog.DialogCode.Accepted.value

    def review(preview: RetargetPreview) -> int:
        preview.show()
        qtbot.waitExposed(preview)
        # Nothing is dropped; the number row, the inner keys and the outer thumbs are outlined.
        assert preview.dropped.count() == 0 and preview.dropped_title.text().endswith("0 to place")
        assert len(preview.view.changed[0]) == 16
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ChooseKeyboardDialog, "exec", choose)
    monkeypatch.setattr(RetargetPreview, "exec", review)
    window.act_retarget.trigger()
    doc = window.doc
    assert doc.keyboard.name == "lily58/rev1"
    assert doc.layout.layers[0].keys[:12] == ["KC_NO"] * 12
    assert doc.layout.layers[0].keys[12] == "KC_TAB"


def test_the_menu_moves_the_open_corne_layout_to_a_sweep(opened, qtbot, monkeypatch, isolated_user):
    window = opened
    assert window.act_retarget.isEnabled()
    assert window.act_retarget in window.keyboard_menu.actions()
    chosen: list[ChooseKeyboardDialog] = []

    def choose(dialog: ChooseKeyboardDialog) -> int:
        chosen.append(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.panel.chooser is not None, timeout=20_000)
        qtbot.keyClicks(dialog.search, "sweep")
        assert dialog.panel.select_path("ferris/sweep")
        qtbot.waitUntil(lambda: dialog.keyboard is not None and dialog.keyboard.name == "ferris/sweep", timeout=10_000)
        assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Preview…"
        return QDialog.DialogCode.Accepted.value

    previews: list[RetargetPreview] = []

    def review(preview: RetargetPreview) -> int:
        previews.append(preview)
        preview.show()
        qtbot.waitExposed(preview)
        assert [preview.tabs.tabText(i) for i in range(preview.tabs.count())] == ["base", "nav", "sym", "adjust"]
        for layer in range(4):
            preview.show_layer(layer)
            assert preview.dropped_title.text().startswith(f"<b>Dropped from layer {preview.tabs.tabText(layer)}")
        preview.show_layer(0)
        texts = [preview.dropped.item(i).text() for i in range(preview.dropped.count())]
        assert len(texts) == 8 and texts[0].startswith("Tab") and "left top row" in texts[0]
        preview.show_layer(3)  # adjust: QK_BOOT sat on the outer column
        assert any("QK_BOOT" in preview.dropped.item(i).text() for i in range(preview.dropped.count()))
        assert "empty" in preview.dropped_title.text()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ChooseKeyboardDialog, "exec", choose)
    monkeypatch.setattr(RetargetPreview, "exec", review)
    original = window.doc.layout
    window.act_retarget.trigger()
    assert chosen and previews
    doc = window.doc
    assert doc.layout is not original
    assert doc.keyboard.name == "ferris/sweep" and doc.layout.layout_macro == "LAYOUT_split_3x5_2"
    assert doc.path is None and doc.display_name.startswith("Corne: home-row mods on ")
    assert doc.layout.layers[0].keys[:5] == ["KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"]
    assert window.keyboard_view.doc is doc
    assert "Moved to ferris/sweep" in window.statusBar().currentMessage()


def preview_for(qtbot, name: str, board: str) -> RetargetPreview:
    layout = load_layout(LAYOUTS / f"{name}.yaml").layout
    source, target = find_keyboard(layout.keyboard), find_keyboard(board)
    preview = RetargetPreview(retarget_layout(layout, source, target), layout, source, target)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    return preview


def drop_keycode(preview: RetargetPreview, slot: int, mime: QMimeData) -> None:
    """What Qt delivers for a drop on the board: enter, move, then drop."""
    view = preview.view
    pos = view.slot_center(slot)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter, move = QDragEnterEvent(pos, *args), QDragMoveEvent(pos, *args)
    QApplication.sendEvent(view, enter)
    QApplication.sendEvent(view, move)
    assert enter.isAccepted() and move.isAccepted()
    QApplication.sendEvent(view, QDropEvent(QPointF(pos), *args))


def test_dropped_keys_go_onto_free_keys_by_drag_or_button_and_undo(qtbot):
    preview = preview_for(qtbot, "kyria", "lily58/rev1")
    move = preview.moved.layers[0]
    free = move.unfilled
    assert len(free) == 12  # the Lily58's number row
    assert preview.view.changed[0] == set(free)  # outlined
    assert "Nothing landed here" in preview.view.tooltip_for(free[0])
    some_moved = move.moved[0][1]
    assert preview.view.tooltip_for(some_moved).count("From row") == 1
    names = [preview.dropped.item(i).data(Qt.ItemDataRole.UserRole) for i in range(preview.dropped.count())]
    assert names == ["KC_CAPS", "KC_RBRC", "KC_MUTE", "KC_MPLY"]
    # Drag the first dropped key (its real drag data) onto a free key.
    mime = preview.dropped.mimeData([preview.dropped.item(0)])
    drop_keycode(preview, free[0], mime)
    assert preview.result_layout.layers[0].keys[free[0]] == "KC_CAPS"
    assert preview.dropped.item(0).text().startswith("✓")
    assert not preview.dropped.item(0).flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert preview.dropped_title.text().endswith("3 to place")
    # Choose one in the list, select a key on the board, press Put.
    assert preview.selection.current == free[0]  # the drop selected the key it landed on
    preview.selection.clear()
    preview.dropped.setCurrentRow(2)
    assert not preview.place_button.isEnabled()  # no key selected yet
    qtbot.mouseClick(preview.view, Qt.MouseButton.LeftButton, pos=preview.view.slot_center(free[1]))
    assert preview.selection.current == free[1]
    assert preview.place_button.isEnabled()
    qtbot.mouseClick(preview.place_button, Qt.MouseButton.LeftButton)
    assert preview.result_layout.layers[0].keys[free[1]] == "KC_MUTE"
    assert preview.dropped_title.text().endswith("2 to place")
    preview.doc.undo_stack.undo()
    assert preview.result_layout.layers[0].keys[free[1]] == "KC_NO"
    assert preview.dropped_title.text().endswith("3 to place")
    # Another layer has its own list; the first layer keeps its placed key.
    preview.tabs.setCurrentIndex(1)
    assert preview.selection.layer == 1
    assert preview.result_layout.layers[0].keys[free[0]] == "KC_CAPS"


def test_a_layer_without_a_way_back_is_shown_before_opening(qtbot):
    layout = load_layout(LAYOUTS / "corne.yaml").layout
    layout.layers[0].keys[37] = "TG(nav)"
    layout.layers[1].keys[37] = "XXXXXXX"
    layout.layers[1].keys[0] = "TG(nav)"
    source, target = find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep")
    preview = RetargetPreview(retarget_layout(layout, source, target), layout, source, target)
    qtbot.addWidget(preview)
    assert "nothing on it leads back" in preview.notes.text()
    assert not preview.notes.isHidden()


def test_cancelling_the_preview_keeps_the_open_layout(opened, qtbot, monkeypatch):
    window = opened
    before = window.doc
    monkeypatch.setattr(ChooseKeyboardDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected.value)
    window.act_retarget.trigger()
    assert window.doc is before
    preview = retarget_dialog.preview_move(window, find_keyboard("planck/rev6"), "LAYOUT_ortho_4x12")
    qtbot.addWidget(preview)
    assert preview.result_layout.keyboard == "planck/rev6"
    assert window.doc is before and window.doc.layout.keyboard == "crkbd/rev1"


def test_encoder_actions_with_no_encoder_on_the_new_board_are_shown(qtbot):
    preview = preview_for(qtbot, "kyria", "planck/rev6")
    assert "Encoder 1 of layer base (KC_PGDN / KC_PGUP): planck/rev6 has no encoder 1" in preview.notes.text()
