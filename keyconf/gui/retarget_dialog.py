"""Keyboard → Move Layout to Another Keyboard…: the keyboard chooser, then a preview of every
layer on the new board, then the moved layout opens as a new untitled document.

The preview draws each layer on the new board with the editor's own keyboard view: keys that
nothing landed on (unfilled, KC_NO) are outlined, every moved key's tooltip says where it came
from, and the keys the new board has no place for (dropped) are listed beside it. A dropped
key can be dragged onto any key, or put on the selected key with a button; the list shows
which dropped keys have found a place. Edits in the preview are undoable (Ctrl+Z) and go with
the layout into the window. The move itself is `keyconf.model.retarget`.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDrag, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.document import LayoutDocument
from keyconf.gui.drag_data import keycode_mime
from keyconf.gui.keyboard_view import KeyboardView
from keyconf.gui.layout_files import OpenedLayout
from keyconf.gui.rich_text import as_rich_text
from keyconf.gui.selection import SelectionModel
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout, keycode_context
from keyconf.model.layout_diff import legend_text
from keyconf.model.retarget import UNFILLED, Retargeted, retarget_layout

if TYPE_CHECKING:
    from keyconf.gui.editor_window import EditorWindow

# Dropped keys that hold nothing worth placing: counted, not listed.
_EMPTY = frozenset({"KC_NO", "XXXXXXX", "KC_TRNS", "KC_TRANSPARENT", "_______"})
_ROLE = Qt.ItemDataRole.UserRole


class DroppedKeyList(QListWidget):
    """The keys of one layer that found no place; each drags as its keycode."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Dropped keys")
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setSpacing(3)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802 (Qt's name)
        return keycode_mime(str(items[0].data(_ROLE))) if items else QMimeData()

    def mimeTypes(self) -> list[str]:  # noqa: N802
        from keyconf.gui.drag_data import KEYCODE_MIME

        return [KEYCODE_MIME, "text/plain"]

    def startDrag(self, supported: Qt.DropAction) -> None:  # noqa: N802
        item = self.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsDragEnabled:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        drag.exec(Qt.DropAction.CopyAction)


class RetargetPreview(QDialog):
    """Every layer of a moved layout on its new board; `layout` is the result to open."""

    def __init__(self, moved: Retargeted, original: Layout, source: Keyboard, target: Keyboard,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.moved = moved
        self.original = original
        self.source = source
        self.target = target
        self.setWindowTitle(f"Move layout to {target.display_name or target.name}")
        self.resize(1180, 620)
        self.doc = LayoutDocument(moved.layout, target, None, self)
        self.selection = SelectionModel(self)
        self.view = KeyboardView(self)
        self.view.set_document(self.doc, self.selection)
        self.tabs = QTabBar()
        self.tabs.setAccessibleName("Layers")
        for layer, move in zip(moved.layout.layers, moved.layers, strict=True):
            self.tabs.addTab(layer.name)
            tip = f"{len(move.dropped)} dropped, {len(move.unfilled)} unfilled"
            self.tabs.setTabToolTip(self.tabs.count() - 1, tip)
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        self.notes = QLabel(self._notes_text())
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(self.notes.text()))
        self.dropped = DroppedKeyList()
        self.dropped_title = QLabel()
        self.place_button = QPushButton("&Put on Selected Key")
        self.place_button.setToolTip("Put the dropped key chosen in the list on the key selected on the board")
        self.place_button.clicked.connect(self.place_selected)
        hint = QLabel("Drag a key onto the board (outlined keys are free), or select a key and press Put.")
        hint.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.dropped_title)
        side.addWidget(self.dropped, 1)
        side.addWidget(hint)
        side.addWidget(self.place_button)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMaximumWidth(330)
        board = QVBoxLayout()
        board.addWidget(self.tabs)
        board.addWidget(self.view, 1)
        middle = QHBoxLayout()
        middle.addLayout(board, 1)
        middle.addWidget(side_widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        open_button.setText("&Open as New Layout")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.summary)
        outer.addLayout(middle, 1)
        outer.addWidget(self.notes)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.doc.undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, self.doc.undo_stack.redo)
        self.tabs.currentChanged.connect(self.show_layer)
        self.doc.keysChanged.connect(self._on_keys_changed)
        self.dropped.itemSelectionChanged.connect(self._update_button)
        self.selection.selectionChanged.connect(self._update_button)
        self._mark()
        self.show_layer(0)

    # ---- what is shown --------------------------------------------------------------------

    @property
    def result_layout(self) -> Layout:
        """The moved layout, with any keys placed in the preview."""
        return self.doc.layout

    def show_layer(self, index: int) -> None:
        if not 0 <= index < len(self.result_layout.layers):
            return
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)
            return
        self.selection.clear()
        self.selection.set_layer(index)
        self._fill_dropped()

    def _summary_text(self) -> str:
        m = self.moved
        first = m.layers[0] if m.layers else None
        per_layer = (f"{len(first.moved)} keys moved per layer, {len(first.dropped)} with no place on the new board, "
                     f"{len(first.unfilled)} of its keys left empty (KC_NO)") if first else "no layers"
        return (f"<b>{as_rich_text(self.original.name or 'This layout')}</b> from {as_rich_text(self.source.name)} "
                f"({as_rich_text(m.source_macro.name)}) on <b>{as_rich_text(self.target.name)}</b> "
                f"({as_rich_text(m.target_macro.name)}): {per_layer}.")

    def _notes_text(self) -> str:
        lines = [f"Combo {c}" for c in self.moved.combos]
        for move, layer in zip(self.moved.layers, self.original.layers, strict=True):
            for e in move.encoders_dropped:
                action = layer.encoders[e]
                lines.append(f"Encoder {e} of layer {layer.name} ({action.ccw} / {action.cw}): "
                             f"{self.target.name} has no encoder {e}")
        lines += [f"Layout option {label!r} is not on {self.target.name}" for label in self.moved.layout_options]
        lines += [
            p.message for p in self.moved.problems if p.is_error or p.code in ("no-way-back", "unreachable-layer")
        ]
        return "<br>".join(as_rich_text(line) for line in lines)

    def _mark(self) -> None:
        """Outline the unfilled keys of every layer; every key's tooltip says where it came from."""
        places = _grid_places(self.moved)
        notes: dict[tuple[int, int], str] = {}
        for li, move in enumerate(self.moved.layers):
            for i, j in move.moved:
                notes[(li, j)] = f"From {places[0][i]} on {self.source.name}"
            for j in move.unfilled:
                notes[(li, j)] = "Nothing landed here: drop a key from the list"
        self.view.set_changed({li: set(move.unfilled) for li, move in enumerate(self.moved.layers)}, notes)

    def dropped_entries(self, layer: int) -> list[tuple[int, str, bool]]:
        """(source key index, keycode, placed) for the layer's dropped keys worth placing; placed
        when the keycode now sits on one of the keys that were left empty."""
        move = self.moved.layers[layer]
        keys = self.result_layout.layers[layer].keys
        free = Counter(keys[j] for j in move.unfilled if keys[j] != UNFILLED)
        result = []
        for i in move.dropped:
            text = self.original.layers[layer].keys[i]
            if text.strip() in _EMPTY:
                continue
            placed = free[text] > 0
            if placed:
                free[text] -= 1
            result.append((i, text, placed))
        return result

    def _fill_dropped(self) -> None:
        layer = self.selection.layer
        ctx = keycode_context(self.original)
        places = _grid_places(self.moved)[0]
        roles = self.moved.match.source_roles
        entries = self.dropped_entries(layer)
        empty = sum(1 for i in self.moved.layers[layer].dropped
                    if self.original.layers[layer].keys[i].strip() in _EMPTY)
        current = self.dropped.currentRow()
        self.dropped.clear()
        for i, text, placed in entries:
            found = roles[i]
            role = found.describe() if found is not None else ""
            label = f"{legend_text(text, ctx)}   {text}\nwas {places[i]}: {role}"
            item = QListWidgetItem(("✓ " if placed else "") + label)
            item.setData(_ROLE, text)
            item.setToolTip(f"{text}: was at {places[i]} on {self.source.name} ({role})"
                            + (" — now placed" if placed else ""))
            if placed:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
                item.setForeground(self.palette().color(self.palette().ColorGroup.Disabled,
                                                        self.palette().ColorRole.Text))
            self.dropped.addItem(item)
        if 0 <= current < self.dropped.count():
            self.dropped.setCurrentRow(current)
        left = sum(1 for _, _, placed in entries if not placed)
        extra = f" (and {empty} empty)" if empty else ""
        self.dropped_title.setText(f"<b>Dropped from layer {as_rich_text(self.result_layout.layers[layer].name)}:</b> "
                                   f"{left} to place{extra}")
        self._update_button()

    def _update_button(self) -> None:
        item = self.dropped.currentItem()
        usable = item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsDragEnabled)
        self.place_button.setEnabled(usable and self.selection.current is not None)

    def _on_keys_changed(self, layer: int) -> None:
        if layer == self.selection.layer:
            self._fill_dropped()

    # ---- placing --------------------------------------------------------------------------

    def place_selected(self) -> None:
        """Put the chosen dropped key on the selected key (undoable)."""
        item = self.dropped.currentItem()
        slot = self.selection.current
        if item is None or slot is None or not item.flags() & Qt.ItemFlag.ItemIsDragEnabled:
            return
        self.doc.assign(self.selection.layer, [slot], str(item.data(_ROLE)))


def _grid_places(moved: Retargeted) -> tuple[list[str], list[str]]:
    """`row 2, key 5` for each key of the old and the new board, as the file prints them."""
    from keyconf.formats.yaml_layout_write import rows_for_keys

    result = []
    for macro in (moved.source_macro, moved.target_macro):
        labels: list[str] = []
        for row, length in enumerate(rows_for_keys(macro, macro.key_count), start=1):
            labels.extend(f"row {row}, key {col}" for col in range(1, length + 1))
        result.append(labels)
    return result[0], result[1]


def start_retarget(window: EditorWindow) -> None:
    """Choose a keyboard, preview the move, and open the result as a new untitled layout."""
    from keyconf.gui.keyboard_chooser import ChooseKeyboardDialog

    doc = window.doc
    if doc is None:
        return
    chooser = ChooseKeyboardDialog(
        window.window(),
        title="Move layout to another keyboard",
        message=f"Choose the keyboard to move “{doc.display_name}” to. Keys go where your fingers find them: "
                "the home row, letter columns from the inside out, thumb keys from the innermost.",
        ok_text="Preview…",
        key_count=doc.macro.key_count,
    )
    if chooser.exec() != QDialog.DialogCode.Accepted or chooser.keyboard is None or chooser.macro_name is None:
        return
    preview = preview_move(window, chooser.keyboard, chooser.macro_name)
    if preview.exec() == QDialog.DialogCode.Accepted:
        open_moved(window, preview)


def preview_move(window: EditorWindow, target: Keyboard, macro: str) -> RetargetPreview:
    """The preview dialog for the window's layout moved to `target`'s `macro`."""
    doc = window.doc
    assert doc is not None
    moved = retarget_layout(copy.deepcopy(doc.layout), doc.keyboard, target, macro)
    return RetargetPreview(moved, doc.layout, doc.keyboard, target, window.window())


def open_moved(window: EditorWindow, preview: RetargetPreview) -> bool:
    """Open the previewed layout as a new untitled document (after the save question)."""
    if not window.maybe_save():
        return False
    target = preview.target
    layout = preview.result_layout
    window.set_opened(OpenedLayout(layout, target, None, None))
    assert window.doc is not None
    window.doc.untitled_title = f"{layout.name or 'Layout'} on {target.display_name or target.name}"
    window.update_title()
    left = sum(1 for n in range(len(layout.layers)) for _, _, placed in preview.dropped_entries(n) if not placed)
    window.statusBar().showMessage(
        f"Moved to {target.name} ({left} dropped key(s) not placed); Save (Ctrl+S) asks for a name", 8000
    )
    return True
