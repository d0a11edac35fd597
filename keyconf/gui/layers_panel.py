"""The one layer control: a tab per layer above the keyboard, with add, copy, rename,
reorder (drag a tab, or the arrows) and delete beside the tabs and on each tab's menu.

Renaming follows every reference (the document asks the registry to rewrite them);
deleting a layer other keys refer to asks first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QTabBar,
    QToolButton,
    QWidget,
)

from keyconf.gui.document import LayoutDocument
from keyconf.gui.selection import SelectionModel
from keyconf.model import layer_edits


class LayersPanel(QWidget):
    hintChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc: LayoutDocument | None = None
        self.selection: SelectionModel | None = None
        self.marks: set[int] = set()
        self.mark_colour = QColor("#d08000")
        self.tabs = QTabBar()
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setMovable(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.setAccessibleName("Layers")
        self.tabs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.customContextMenuRequested.connect(self._tab_menu)
        self.tabs.tabBarDoubleClicked.connect(self._rename_at)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 0)
        row.setSpacing(2)
        row.addWidget(self.tabs, 1)
        for name, text, tip, slot in (
            ("add", "+", "Add a layer after the current one", self.add_layer),
            ("duplicate", "Copy", "Duplicate the current layer", self.duplicate_layer),
            ("rename", "Rename", "Rename the current layer (references follow)", self.rename_layer),
            ("up", "◀", "Move the current layer left (lower number)", lambda: self.move_layer(-1)),
            ("down", "▶", "Move the current layer right (higher number)", lambda: self.move_layer(1)),
            ("delete", "Delete", "Delete the current layer", self.delete_layer),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            self.buttons[name] = button
            row.addWidget(button)
        self._refreshing = False
        self._editor: QLineEdit | None = None
        self._drag_moves: list[tuple[int, int]] = []  # the places a dragged tab passed, until it is dropped
        self.tabs.currentChanged.connect(self._on_tab)
        self.tabs.tabMoved.connect(self._on_tab_moved)
        self.tabs.installEventFilter(self)

    def set_document(self, doc: LayoutDocument, selection: SelectionModel) -> None:
        if self.doc is not None:
            self.doc.layersChanged.disconnect(self.refresh)
        if self.selection is not None:
            self.selection.layerChanged.disconnect(self._on_layer_changed)
        self.doc, self.selection = doc, selection
        doc.layersChanged.connect(self.refresh)
        selection.layerChanged.connect(self._on_layer_changed)
        self.refresh()

    def set_marks(self, layers: set[int], colour: QColor) -> None:
        """Mark layers (those that differ from a compared file)."""
        self.marks, self.mark_colour = set(layers), colour
        self.refresh()

    def refresh(self) -> None:
        if self.doc is None or self.selection is None:
            return
        self._refreshing = True
        tabs = self.tabs
        layers = self.doc.layout.layers
        while tabs.count() > len(layers):
            tabs.removeTab(tabs.count() - 1)
        default_colour = self.palette().windowText().color()
        for index, layer in enumerate(layers):
            marked = index in self.marks
            text = f"{index}  {layer.name}" + ("  •" if marked else "")
            if index >= tabs.count():
                tabs.addTab(text)
            elif tabs.tabText(index) != text:
                tabs.setTabText(index, text)
            tabs.setTabToolTip(
                index,
                f"Layer {index}: {layer.name}" + (" (differs from the compared file)" if marked else "")
                + "\nDouble-click to rename, drag to reorder, right-click for more",
            )
            tabs.setTabTextColor(index, self.mark_colour if marked else default_colour)
        self.selection.clamp(self.doc.macro.key_count, len(layers))
        tabs.setCurrentIndex(self.selection.layer)
        self._refreshing = False
        self._update_buttons()

    # ---- actions --------------------------------------------------------------------------

    def add_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
        name = layer_edits.unique_layer_name(self.doc.layout, "layer")
        index = self.doc.add_layer(name, self.selection.layer + 1)
        self.selection.set_layer(index)
        self.refresh()
        self._rename_at(index)

    def duplicate_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
        index = self.doc.duplicate_layer(self.selection.layer)
        self.selection.set_layer(index)
        self.refresh()

    def rename_layer(self) -> None:
        if self.selection is not None:
            self._rename_at(self.selection.layer)

    def rename_to(self, index: int, name: str) -> bool:
        """Rename with checks; shows why when the name cannot be used."""
        assert self.doc is not None
        old = self.doc.layout.layers[index].name
        name = name.strip()
        if name == old:
            return False
        problem = layer_edits.layer_name_problem(self.doc.layout, name, renaming=old)
        if problem:
            from PySide6.QtWidgets import QMessageBox  # a dialog's class, made when first used

            QMessageBox.warning(self, "Rename layer", problem)
            return False
        return self.doc.rename_layer(index, name)

    def delete_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
        from PySide6.QtWidgets import QMessageBox

        layout = self.doc.layout
        if len(layout.layers) <= 1:
            QMessageBox.information(self, "Delete layer", "A layout needs at least one layer.")
            return
        index = self.selection.layer
        name = layout.layers[index].name
        refs = layer_edits.layer_references(layout, name)
        if refs:
            where = "\n".join(f"• {r.describe(layout)}: {r.text}" for r in refs[:8])
            more = f"\n… and {len(refs) - 8} more" if len(refs) > 8 else ""
            answer = QMessageBox.question(
                self,
                "Delete layer",
                f"Layer “{name}” is used by {len(refs)} keycode(s):\n{where}{more}\n\n"
                "Delete it anyway? Those keycodes will be reported as problems until you change them.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.doc.remove_layer(index)
        self.selection.set_layer(max(0, index - 1))
        self.refresh()

    def move_layer(self, delta: int) -> None:
        if self.doc is None or self.selection is None:
            return
        index = self.selection.layer
        target = index + delta
        if not 0 <= target < len(self.doc.layout.layers):
            return
        self.doc.move_layer(index, target)
        self.selection.set_layer(target)
        self.refresh()

    # ---- in-place rename --------------------------------------------------------------------

    def _rename_at(self, index: int) -> None:
        if self.doc is None or not 0 <= index < len(self.doc.layout.layers):
            return
        self._close_editor()
        editor = QLineEdit(self.doc.layout.layers[index].name, self.tabs)
        editor.setAccessibleName("Layer name")
        editor.setGeometry(self.tabs.tabRect(index).adjusted(2, 2, -2, -2))
        editor.setMinimumWidth(90)
        editor.selectAll()
        editor.installEventFilter(self)
        editor.editingFinished.connect(lambda: self._finish_rename(index))
        self._editor = editor
        editor.show()
        editor.setFocus()

    def _finish_rename(self, index: int) -> None:
        editor = self._editor
        if editor is None:
            return
        self._editor = None
        text = editor.text()
        editor.deleteLater()
        if self.doc is not None and index < len(self.doc.layout.layers):
            self.rename_to(index, text)
        self.refresh()

    def _close_editor(self) -> None:
        if self._editor is not None:
            self._editor.deleteLater()
            self._editor = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._editor and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self._close_editor()
                return True
        if watched is self.tabs and event.type() == QEvent.Type.MouseButtonRelease and self._drag_moves:
            QTimer.singleShot(0, self._finish_drag)  # once the tab bar has handled the release
        return False

    # ---- reactions ------------------------------------------------------------------------

    def _tab_menu(self, pos: QPoint) -> None:
        index = self.tabs.tabAt(pos)
        if index >= 0 and self.selection is not None:
            self.selection.set_layer(index)
        menu = QMenu(self)
        for name, label in (
            ("add", "Add Layer"),
            ("duplicate", "Copy Layer"),
            ("rename", "Rename Layer…"),
            ("up", "Move Left"),
            ("down", "Move Right"),
            ("delete", "Delete Layer…"),
        ):
            action = menu.addAction(label, self.buttons[name].click)
            action.setEnabled(self.buttons[name].isEnabled())
        menu.exec(self.tabs.mapToGlobal(pos))

    def _on_tab(self, index: int) -> None:
        if not self._refreshing and not self._drag_moves and index >= 0 and self.selection is not None:
            self.selection.set_layer(index)
        self._update_buttons()

    def _on_layer_changed(self, layer: int) -> None:
        if self.tabs.currentIndex() != layer:
            self._refreshing = True
            self.tabs.setCurrentIndex(layer)
            self._refreshing = False
        self._update_buttons()

    def _on_tab_moved(self, source: int, target: int) -> None:
        """A tab moved to another place: one (undoable) edit. The tab bar reports every place a
        dragged tab passes; the layer moves once, where the drag ends."""
        if self._refreshing or self.doc is None or self.selection is None:
            return
        if self._drag_moves or QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._drag_moves.append((source, target))
            return
        self._move_tab_layer(source, target)

    def _move_tab_layer(self, source: int, target: int) -> None:
        assert self.doc is not None and self.selection is not None
        if source != target:
            self.doc.move_layer(source, target)
        self.selection.set_layer(target)
        self.refresh()

    def _finish_drag(self) -> None:
        moves, self._drag_moves = self._drag_moves, []
        if not moves or self.doc is None or self.selection is None:
            return
        count = len(self.doc.layout.layers)
        order = list(range(count))  # the layers, as the tab bar now shows them
        for source, target in moves:
            order.insert(target, order.pop(source))
        for source in range(count):  # the one layer whose move gives that order
            target = order.index(source)
            single = list(range(count))
            single.insert(target, single.pop(source))
            if single == order and source != target:
                self._move_tab_layer(source, target)
                return
        self.refresh()  # dropped where it started (or no single move): the tabs show the layers again

    def _update_buttons(self) -> None:
        if self.doc is None or self.selection is None:
            return
        count = len(self.doc.layout.layers)
        index = self.selection.layer
        self.buttons["delete"].setEnabled(count > 1)
        self.buttons["up"].setEnabled(index > 0)
        self.buttons["down"].setEnabled(index < count - 1)
