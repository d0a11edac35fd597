"""Live validation and lint: the foundation's problems, re-checked shortly after each edit.
Clicking a problem that points at a key shows that layer and selects the key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from keyconf.gui.document import LayoutDocument
from keyconf.gui.selection import SelectionModel

RECHECK_DELAY_MS = 250


_SECTION_NAMES = {
    "macros": "macro",
    "tap_dances": "tap dance",
    "combos": "combo",
    "key_overrides": "key override",
    "encoders": "encoder",
    "settings": "setting",
}


def describe_location(
    location: tuple[Any, ...], layer_names: list[str], positions: dict[int, tuple[int, int]]
) -> str:
    """Where a problem is, as a person says it: "layer nav, row 2, key 5", "combo 3"."""
    if not location:
        return ""
    section = location[0]
    index = location[1] if len(location) > 1 and isinstance(location[1], int) else None
    if section in ("layers", "encoders") and index is not None:
        layer = f"layer {layer_names[index]}" if index < len(layer_names) else f"layer {index}"
        if len(location) < 3 or not isinstance(location[2], int):
            return layer
        if section == "encoders":
            return f"{layer}, encoder {location[2] + 1}"
        if location[2] in positions:
            row, key = positions[location[2]]
            return f"{layer}, row {row}, key {key}"
        return f"{layer}, key {location[2] + 1}"
    name = _SECTION_NAMES.get(str(section), str(section).replace("_", " "))
    if index is None:
        return name
    where = f"{name} {index + 1}"
    if len(location) >= 4 and location[2] == "steps" and isinstance(location[3], int):
        where += f", step {location[3] + 1}"
    return where


# Layout fields (not lists) that a feature editor edits: a problem with one opens it.
EDITED_FIELDS = ("converter", "bootloader")


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
        self._positions: dict[int, tuple[int, int]] | None = None
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Problems")
        self.tree.setRootIsDecorated(False)
        # Messages wrap to the panel's width (never cut short); the full text is also the tooltip.
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(True)
        # Rows are refitted when the list changes width. The tree (made here) is watched, not its
        # viewport: the first viewport a Python call gets back makes PySide6 resolve every widget
        # class (~10 ms), which the start keeps for after the first paint.
        self.tree.installEventFilter(self)
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
            self.doc.optionsChanged.disconnect(self._forget_positions)
        self.doc, self.selection, self.loaded = doc, selection, loaded
        self._positions = None
        doc.changed.connect(self.schedule)
        doc.optionsChanged.connect(self._forget_positions)
        self.problems = []
        self.tree.clear()
        self.summary.setText("Checking…")
        self._timer.start()  # after the keyboard is on screen

    def _forget_positions(self) -> None:
        self._positions = None

    def schedule(self) -> None:
        self._timer.start()

    def recheck(self) -> None:
        """Validate now (the timer calls this after edits settle)."""
        self._timer.stop()  # a check already asked for is this one
        if self.doc is None:
            return
        from keyconf.model.validation import validate

        problems = validate(self.doc.layout, self.doc.keyboard)
        if self.loaded is not None:
            problems = self.loaded.locate(problems)
        self.problems = problems
        self._fill()

    def _fill(self) -> None:
        from PySide6.QtWidgets import QStyle  # its Python type costs ~7 ms: made after the first paint

        self.tree.clear()
        if self.problems:  # the icons only then: loading them took ~3 ms of a start with none
            style = self.style()
            error_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
            warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        errors = warnings = 0
        for index, problem in enumerate(self.problems):
            is_error = problem.is_error
            errors += is_error
            warnings += not is_error
            where = self._where(problem)
            text = problem.message + (f" — {problem.hint}" if problem.hint else "")
            item = QTreeWidgetItem(["", f"{text}\n{where}" if where else text])
            item.setIcon(0, error_icon if is_error else warning_icon)
            tip = f"{where}: {text}" if where else text
            item.setToolTip(1, tip)
            item.setToolTip(0, tip)
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.tree.addTopLevelItem(item)
        self._fit_rows()
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.tree and event.type() == QEvent.Type.Resize and self.tree.topLevelItemCount():
            QTimer.singleShot(0, self._fit_rows)  # once the viewport has the new width
        return False

    def _fit_rows(self) -> None:
        """Each row as tall as its message wrapped to the panel's width (Qt's own estimate cuts
        wrapped rows short)."""
        if not self.tree.topLevelItemCount():
            return
        width = self.tree.viewport().width() - self.tree.columnWidth(0) - 8
        if width <= 40:
            return
        metrics = self.tree.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None:
                continue
            height = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, item.text(1)).height()
            item.setSizeHint(1, QSize(width, height + 6))

    def _where(self, problem: Any) -> str:
        if self.doc is None:
            return ""
        if self._positions is None:
            from keyconf.model.geometry import key_positions

            self._positions = key_positions(self.doc.macro.slot_keys)
        where = describe_location(tuple(problem.location), self.doc.layout.layer_names, self._positions)
        if problem.line is not None:
            where += f" (line {problem.line})" if where else f"line {problem.line}"
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
        elif len(location) == 1 and location[0] in EDITED_FIELDS:
            self.featureRequested.emit(str(location[0]), 0)
