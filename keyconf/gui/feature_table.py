"""A table editor for one list of a layout (macros, tap dances, combos, key overrides).

Each column reads a cell from an item and writes an edited cell back (raising ValueError
with a message when the text is not acceptable). Every change replaces the whole list in
one undoable step through the document, so undo/redo covers these editors too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.document import LayoutDocument


@dataclass(frozen=True)
class Column:
    header: str
    read: Callable[[Any, int], str]  # (item, row) -> cell text
    write: Callable[[Any, str], None] | None = None  # None: read-only
    tip: str = ""
    stretch: bool = False


class FeatureTable(QWidget):
    """`feature` is the Layout attribute edited ("macros", "tap_dances", …)."""

    currentItemChanged = Signal(int)

    def __init__(
        self,
        feature: str,
        title: str,
        columns: list[Column],
        new_item: Callable[[LayoutDocument], Any],
        help_text: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.feature = feature
        self.title = title
        self.columns = columns
        self.new_item = new_item
        self.doc: LayoutDocument | None = None
        self._filling = False
        self.table = QTableWidget(0, len(columns))
        self.table.setAccessibleName(title)
        self.table.setHorizontalHeaderLabels([c.header for c in columns])
        for i, column in enumerate(columns):
            header_item = self.table.horizontalHeaderItem(i)
            if header_item is not None and column.tip:
                header_item.setToolTip(column.tip)
            mode = QHeaderView.ResizeMode.Stretch if column.stretch else QHeaderView.ResizeMode.Interactive
            self.table.horizontalHeader().setSectionResizeMode(i, mode)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumWidth(160)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.currentCellChanged.connect(lambda row, *_: self.currentItemChanged.emit(row))
        self.message = QLabel(help_text)
        self.message.setWordWrap(True)
        self.message.setEnabled(False)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        for text, slot in (
            ("Add", self.add),
            ("Remove", self.remove),
            ("Up", lambda: self.move_item(-1)),
            ("Down", lambda: self.move_item(1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.clicked.connect(slot)
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        layout.addWidget(self.message)

    def set_document(self, doc: LayoutDocument) -> None:
        if self.doc is not None:
            self.doc.featuresChanged.disconnect(self.refresh)
            self.doc.layersChanged.disconnect(self.refresh)
        self.doc = doc
        doc.featuresChanged.connect(self.refresh)
        doc.layersChanged.connect(self.refresh)
        self.refresh()

    def items(self) -> list[Any]:
        return list(getattr(self.doc.layout, self.feature)) if self.doc else []

    def refresh(self) -> None:
        self._filling = True
        items = self.items()
        current = self.table.currentRow()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            for col, column in enumerate(self.columns):
                cell = QTableWidgetItem(column.read(item, row))
                if column.write is None:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, cell)
        if items:
            self.table.setCurrentCell(min(max(current, 0), len(items) - 1), 0)
        self.table.resizeColumnsToContents()
        self._filling = False

    def select_item(self, index: int) -> None:
        if 0 <= index < self.table.rowCount():
            self.table.setCurrentCell(index, 0)
            self.table.setFocus()

    def current_index(self) -> int:
        return self.table.currentRow()

    def edit_cell(self, row: int, column: int, text: str) -> bool:
        """Apply an edited cell as one undoable change; shows why when it is refused."""
        if self.doc is None:
            return False
        items = copy.deepcopy(self.items())
        writer = self.columns[column].write
        if writer is None or not 0 <= row < len(items):
            return False
        try:
            writer(items[row], text.strip())
        except ValueError as error:
            self.message.setEnabled(True)
            self.message.setText(f"✗ {self.columns[column].header}: {error}")
            self.refresh()
            return False
        self.message.setText("")
        return self.doc.replace_feature(self.feature, items, f"Edit {self.title.lower()} {row}")

    def add(self) -> None:
        if self.doc is None:
            return
        items = self.items() + [self.new_item(self.doc)]
        self.doc.replace_feature(self.feature, items, f"Add to {self.title.lower()}")
        self.select_item(len(items) - 1)

    def remove(self) -> None:
        row = self.current_index()
        if self.doc is None or row < 0:
            return
        items = self.items()
        del items[row]
        self.doc.replace_feature(self.feature, items, f"Remove from {self.title.lower()}")

    def move_item(self, delta: int) -> None:
        row = self.current_index()
        items = self.items()
        target = row + delta
        if self.doc is None or row < 0 or not 0 <= target < len(items):
            return
        items[row], items[target] = items[target], items[row]
        self.doc.replace_feature(self.feature, items, f"Reorder {self.title.lower()}")
        self.select_item(target)

    def _on_item_changed(self, cell: QTableWidgetItem) -> None:
        if not self._filling:
            self.edit_cell(cell.row(), cell.column(), cell.text())
