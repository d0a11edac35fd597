"""The layer list: pick the layer shown, add, rename, duplicate, delete and reorder layers.

Renaming follows every reference (the document asks the registry to rewrite them);
deleting a layer other keys refer to asks first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
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
        self.list = QListWidget()
        self.list.setAccessibleName("Layers")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setUniformItemSizes(True)
        self.buttons: dict[str, QToolButton] = {}
        row = QGridLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        for name, text, tip, slot in (
            ("add", "Add", "Add a layer after the current one", self.add_layer),
            ("duplicate", "Copy", "Duplicate the current layer", self.duplicate_layer),
            ("rename", "Rename", "Rename the current layer (references follow)", self.rename_layer),
            ("delete", "Delete", "Delete the current layer", self.delete_layer),
            ("up", "Up", "Move the current layer up (lower number)", lambda: self.move_layer(-1)),
            ("down", "Down", "Move the current layer down (higher number)", lambda: self.move_layer(1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            position = len(self.buttons)
            self.buttons[name] = button
            row.addWidget(button, position // 3, position % 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.setSpacing(2)
        outer.addWidget(self.list, 1)
        outer.addLayout(row)
        self._refreshing = False
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)

    def set_document(self, doc: LayoutDocument, selection: SelectionModel) -> None:
        if self.doc is not None:
            self.doc.layersChanged.disconnect(self.refresh)
        if self.selection is not None:
            self.selection.layerChanged.disconnect(self._on_layer_changed)
        self.doc, self.selection = doc, selection
        doc.layersChanged.connect(self.refresh)
        selection.layerChanged.connect(self._on_layer_changed)
        self.refresh()

    def refresh(self) -> None:
        if self.doc is None or self.selection is None:
            return
        self._refreshing = True
        self.list.clear()
        for index, layer in enumerate(self.doc.layout.layers):
            item = QListWidgetItem(layer.name)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setToolTip(f"Layer {index}: {layer.name}")
            self.list.addItem(item)
        self.list.setCurrentRow(min(self.selection.layer, self.list.count() - 1))
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
        self.list.editItem(self.list.item(index))

    def duplicate_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
        index = self.doc.duplicate_layer(self.selection.layer)
        self.selection.set_layer(index)
        self.refresh()

    def rename_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
        item = self.list.item(self.selection.layer)
        if item is not None:
            self.list.editItem(item)

    def rename_to(self, index: int, name: str) -> bool:
        """Rename with checks; shows why when the name cannot be used."""
        assert self.doc is not None
        old = self.doc.layout.layers[index].name
        name = name.strip()
        if name == old:
            return False
        problem = layer_edits.layer_name_problem(self.doc.layout, name, renaming=old)
        if problem:
            QMessageBox.warning(self, "Rename layer", problem)
            return False
        return self.doc.rename_layer(index, name)

    def delete_layer(self) -> None:
        if self.doc is None or self.selection is None:
            return
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

    # ---- reactions ------------------------------------------------------------------------

    def _on_row(self, row: int) -> None:
        if not self._refreshing and row >= 0 and self.selection is not None:
            self.selection.set_layer(row)
        self._update_buttons()

    def _on_layer_changed(self, layer: int) -> None:
        if self.list.currentRow() != layer:
            self._refreshing = True
            self.list.setCurrentRow(layer)
            self._refreshing = False
        self._update_buttons()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._refreshing or self.doc is None:
            return
        index = self.list.row(item)
        if not self.rename_to(index, item.text()):
            self.refresh()

    def _on_rows_moved(self, *_args: object) -> None:
        """Drag-reordering in the list: find where the moved layer went and do it as an edit."""
        if self._refreshing or self.doc is None or self.selection is None:
            return
        order = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        for target, source in enumerate(order):
            rest = order[:target] + order[target + 1 :]
            if source != target and rest == sorted(rest):  # the one layer that moved
                self.doc.move_layer(source, target)
                self.selection.set_layer(target)
                break
        self.refresh()

    def _update_buttons(self) -> None:
        if self.doc is None or self.selection is None:
            return
        count = len(self.doc.layout.layers)
        index = self.selection.layer
        self.buttons["delete"].setEnabled(count > 1)
        self.buttons["up"].setEnabled(index > 0)
        self.buttons["down"].setEnabled(index < count - 1)
