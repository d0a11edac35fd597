"""Live validation and lint: the foundation's problems, re-checked shortly after each edit.
Clicking a problem that points at a key shows that layer and selects the key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from keyconf.gui.document import LayoutDocument
from keyconf.gui.selection import SelectionModel

RECHECK_DELAY_MS = 250


def key_of(location: tuple[Any, ...]) -> tuple[int, int] | None:
    """(layer, slot) when a problem location points at a key of a layer."""
    if (
        len(location) >= 3
        and location[0] == "layers"
        and isinstance(location[1], int)
        and isinstance(location[2], int)
    ):
        return location[1], location[2]
    return None


class ProblemsPanel(QWidget):
    countsChanged = Signal(int, int)  # errors, warnings
    featureRequested = Signal(str, int)  # ("combos", 2): show that editor and item

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc: LayoutDocument | None = None
        self.selection: SelectionModel | None = None
        self.loaded: Any = None
        self.problems: list[Any] = []
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Problems")
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels(["", "Problem", "Where"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemActivated.connect(self._on_item)
        self.tree.itemClicked.connect(self._on_item)
        self.summary = QLabel("No problems")
        self.summary.setContentsMargins(2, 0, 0, 0)
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECHECK_DELAY_MS)
        self._timer.timeout.connect(self.recheck)

    def set_document(self, doc: LayoutDocument, selection: SelectionModel, loaded: Any = None) -> None:
        if self.doc is not None:
            self.doc.changed.disconnect(self.schedule)
        self.doc, self.selection, self.loaded = doc, selection, loaded
        doc.changed.connect(self.schedule)
        self.problems = []
        self.tree.clear()
        self.summary.setText("Checking…")
        QTimer.singleShot(0, self.recheck)  # after the keyboard is on screen

    def schedule(self) -> None:
        self._timer.start()

    def recheck(self) -> None:
        """Validate now (the timer calls this after edits settle)."""
        if self.doc is None:
            return
        from keyconf.model.validation import validate

        problems = validate(self.doc.layout, self.doc.keyboard)
        if self.loaded is not None:
            problems = self.loaded.locate(problems)
        self.problems = problems
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        style = self.style()
        error_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        errors = warnings = 0
        for index, problem in enumerate(self.problems):
            is_error = problem.is_error
            errors += is_error
            warnings += not is_error
            text = problem.message + (f" — {problem.hint}" if problem.hint else "")
            item = QTreeWidgetItem(["", text, self._where(problem)])
            item.setIcon(0, error_icon if is_error else warning_icon)
            item.setToolTip(1, problem.format())
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.tree.addTopLevelItem(item)
        if not self.problems:
            self.summary.setText("✓ No problems: this layout can be built and sent to a keyboard.")
        else:
            parts = []
            if errors:
                parts.append(f"{errors} error{'s' if errors != 1 else ''}")
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            self.summary.setText(", ".join(parts))
        self.countsChanged.emit(errors, warnings)

    def _where(self, problem: Any) -> str:
        key = key_of(tuple(problem.location))
        if key is not None and self.doc is not None and key[0] < len(self.doc.layout.layers):
            where = f"{self.doc.layout.layers[key[0]].name}, key {key[1]}"
        else:
            where = " ".join(str(part) for part in problem.location[:2]) if problem.location else ""
        if problem.line is not None:
            where += f"  (line {problem.line})"
        return where

    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, Qt.ItemDataRole.UserRole)
        if index is None or self.selection is None:
            return
        self.go_to(self.problems[index])

    def go_to(self, problem: Any) -> None:
        """Show where a problem is: select its key, or open its editor."""
        assert self.selection is not None
        location = tuple(problem.location)
        key = key_of(location)
        if key is not None:
            self.selection.set_layer(key[0])
            self.selection.select(key[1])
        elif len(location) >= 2 and isinstance(location[1], int):
            self.featureRequested.emit(str(location[0]), location[1])
