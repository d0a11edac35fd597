"""File → Compare with File…: the layout in the window against another file (any format
keyconf imports), by meaning (`keyconf.model.layout_diff`). Changed keys are outlined on the
keyboard, every difference is listed in a dock (click one to go to its key), and the
comparison follows your edits until you stop it.

`LayoutComparison` and `difference_rows` hold the logic without widgets; the dock and the
controller are thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.layout_files import FileProblem, reader_problem, run_file_job
from keyconf.gui.rich_text import as_rich_text
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

if TYPE_CHECKING:
    from keyconf.gui.editor_window import EditorWindow
    from keyconf.model.layout_diff import KeyChange, LayoutDiff

RECOMPUTE_DELAY_MS = 120  # edits arriving faster than this are compared once


# ---- logic (no widgets) ---------------------------------------------------------------------


@dataclass(frozen=True)
class DifferenceRow:
    """One line of the Differences dock; `layer`/`slot` say where clicking it goes."""

    text: str
    kind: str  # "layer", "key", "encoder" or "other"
    layer: int | None = None  # index in the window's layout
    slot: int | None = None


@dataclass
class LayoutComparison:
    """The other side of a comparison: a layout read from `path`."""

    other: Layout
    path: Path
    format_name: str
    # The file's keyboard: when it is another board than the window's (a layout and its
    # `keyconf retarget` copy), keys are paired by where fingers find them, not by index.
    other_keyboard: Keyboard | None = None

    @property
    def label(self) -> str:
        return self.path.name

    def diff(self, layout: Layout, keyboard: Keyboard | None = None) -> LayoutDiff:
        """What changed from the file to the window's layout (the file is the old side)."""
        from keyconf.model.layout_diff import diff_layouts
        from keyconf.model.retarget import layouts_match

        match = None
        if keyboard is not None and self.other_keyboard is not None:
            match = layouts_match(self.other, self.other_keyboard, layout, keyboard)
        return diff_layouts(self.other, layout, key_pairs=match.target_of if match else None)

    def changed_keys(self, diff: LayoutDiff, layout: Layout) -> dict[int, set[int]]:
        """Window layer index -> the key slots that differ (new layers count as unchanged keys:
        the dock says the layer is new)."""
        changed: dict[int, set[int]] = {}
        for entry in diff.layers:
            if entry.new_index is None or entry.added:
                continue
            count = len(layout.layers[entry.new_index].keys)
            slots = {slot for change in entry.keys if (slot := change_slot(change)) is not None and slot < count}
            if slots:
                changed[entry.new_index] = slots
        return changed

    def notes(self, diff: LayoutDiff) -> dict[tuple[int, int], str]:
        """(layer, slot) -> what the other file has there, for the key's tooltip."""
        notes: dict[tuple[int, int], str] = {}
        for entry in diff.layers:
            if entry.new_index is None or entry.added:
                continue
            for change in entry.keys:
                slot = change_slot(change)
                if slot is None:
                    continue
                old = f"{change.old_legend} ({change.old})" if change.old else "no key"
                notes[(entry.new_index, slot)] = f"In {self.label}: {old}"
        return notes


def change_slot(change: KeyChange) -> int | None:
    """Where a changed key sits in the window's layout; None for a key of the file's board that
    has no place on the window's (layouts of different boards)."""
    if change.new_index is not None:
        return change.new_index
    return change.index if change.new else None


def key_positions(keyboard: Keyboard, macro_name: str) -> dict[int, tuple[int, int]]:
    """Slot -> (row, column), 1-based, as the keys sit on the board (and in the YAML grid)."""
    from keyconf.model.geometry import key_positions as positions

    try:
        keys = keyboard.layout(macro_name).slot_keys
    except KeyError:
        return {}
    return positions(keys)


def difference_rows(
    diff: LayoutDiff, layout: Layout, label: str, positions: dict[int, tuple[int, int]] | None = None
) -> list[DifferenceRow]:
    """The dock's lines: per layer a heading then its keys, then everything else."""
    positions = positions or {}
    rows: list[DifferenceRow] = []
    for entry in diff.changed_layers:
        name = entry.new_name or entry.old_name or "?"
        layer = entry.new_index
        if entry.added:
            rows.append(DifferenceRow(f"Layer {layer} “{name}”: not in {label}", "layer", layer))
            continue
        if entry.removed:
            rows.append(DifferenceRow(f"Layer “{name}”: only in {label}", "layer"))
            continue
        parts = []
        if entry.renamed:
            parts.append(f"was “{entry.old_name}”")
        if entry.moved:
            parts.append(f"layer {entry.old_index} there")
        if entry.keys:
            parts.append(f"{len(entry.keys)} key{'s' if len(entry.keys) != 1 else ''} changed")
        rows.append(DifferenceRow(f"Layer {layer} “{name}”: {', '.join(parts)}", "layer", layer))
        for change in entry.keys:
            slot = change_slot(change)
            if slot is None:
                rows.append(DifferenceRow(f"    key {change.index + 1} of {label}: {change.old_legend} → no place here",
                                          "key", layer))
                continue
            where = f"row {positions[slot][0]}, col {positions[slot][1]}" if slot in positions else f"key {slot}"
            rows.append(DifferenceRow(f"    {where}: {change.old_legend} → {change.new_legend}", "key", layer, slot))
        for encoder in entry.encoders:
            arrow = "↺" if encoder.direction == "ccw" else "↻"
            rows.append(
                DifferenceRow(f"    encoder {encoder.encoder} {arrow}: {encoder.old} → {encoder.new}", "encoder", layer)
            )
    rows.extend(DifferenceRow(line, "other") for line in diff.other)
    return rows


def read_for_comparison(path: Path, keyboard: Keyboard, layout: Layout) -> LayoutComparison:
    """Read `path` in the window layout's terms: VIA and Vial saves hold only a matrix, so they
    are read with the window's keyboard and layout macro. Raises FileProblem."""
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import FORMAT_NAMES, VIA, VIL, FormatError, import_layout, read_text, sniff_format
    from keyconf.formats.yaml_layout import LayoutFileError

    finder = CatalogueKeyboards()
    try:
        fmt = sniff_format(path, read_text(path))
        macro = layout.layout_macro if fmt in (VIA, VIL) else None
        try:
            imported = import_layout(
                path, keyboard=keyboard if fmt == VIL else None, layout_macro=macro, finder=finder, format=fmt
            )
        except FormatError:
            if fmt != VIA:
                raise
            imported = import_layout(path, keyboard=keyboard, layout_macro=macro, finder=finder, format=fmt)
    except (FormatError, LayoutFileError) as error:
        raise reader_problem(error, path) from None
    return LayoutComparison(imported.layout, path, FORMAT_NAMES[fmt], imported.keyboard)


# ---- the dock -------------------------------------------------------------------------------


class DifferencesPanel(QWidget):
    """What differs, line by line; clicking a key line shows the key."""

    keyRequested = Signal(int, int)  # layer, slot
    layerRequested = Signal(int)
    stopRequested = Signal()
    compareRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[DifferenceRow] = []
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setObjectName("differences-heading")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("differences-summary")
        self.list = QListWidget()
        self.list.setAccessibleName("Differences")
        self.list.itemActivated.connect(self._on_item)
        self.list.itemClicked.connect(self._on_item)
        self.again_button = QPushButton("Compare with…")
        self.again_button.setToolTip("Compare with another file")
        self.again_button.clicked.connect(self.compareRequested)
        self.stop_button = QPushButton("Stop comparing")
        self.stop_button.setToolTip("Clear the highlighted keys and close this panel")
        self.stop_button.clicked.connect(self.stopRequested)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.addWidget(self.heading)
        outer.addWidget(self.summary)
        outer.addWidget(self.list, 1)
        outer.addLayout(buttons)

    def show_rows(self, heading: str, summary: str, rows: list[DifferenceRow]) -> None:
        self.heading.setText(heading)
        self.summary.setText(summary)
        self.rows = rows
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(row.text)
            if row.kind == "layer":
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if row.kind == "key":
                item.setToolTip("Show this key")
            self.list.addItem(item)

    def _on_item(self, item: QListWidgetItem) -> None:
        row = self.rows[self.list.row(item)]
        if row.layer is not None and row.slot is not None:
            self.keyRequested.emit(row.layer, row.slot)
        elif row.layer is not None:
            self.layerRequested.emit(row.layer)


class LayoutCompare(QObject):
    """Keeps one comparison going: recomputed as the layout is edited, cleared on request
    or when another layout is opened."""

    updated = Signal(object)  # LayoutDiff, after each comparison

    def __init__(self, window: EditorWindow):
        super().__init__(window.window())
        self.window = window
        self.comparison: LayoutComparison | None = None
        self.diff: Any = None
        self.panel = DifferencesPanel()
        self.dock = window.add_dock("Differences", self.panel, Qt.DockWidgetArea.RightDockWidgetArea, "differences")
        window.tabifyDockWidget(window.problems_dock, self.dock)
        self.dock.hide()
        self.panel.keyRequested.connect(self._go_to_key)
        self.panel.layerRequested.connect(self._go_to_layer)
        self.panel.stopRequested.connect(self.clear)
        self.panel.compareRequested.connect(self.choose_file)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._watched: Any = None
        window.documentChanged.connect(self._on_document_changed)

    # ---- starting ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from keyconf.gui.layout_exchange import IMPORT_FILTER

        doc = self.window.doc
        if doc is None:
            return
        start = str(self.comparison.path.parent if self.comparison else (doc.path.parent if doc.path else Path.cwd()))
        name, _ = QFileDialog.getOpenFileName(self.window.window(), "Compare with file", start, IMPORT_FILTER)
        if name:
            self.compare_with(Path(name))

    def compare_with(self, path: Path) -> None:
        """Read `path` in the background, then compare and show."""
        doc = self.window.doc
        if doc is None:
            return
        keyboard, layout = doc.keyboard, _snapshot(doc.layout)
        self.window.statusBar().showMessage(f"Reading {path.name}…")
        run_file_job(
            lambda: read_for_comparison(path, keyboard, layout), self._on_read, self._on_failed, owner=self.panel
        )

    def _on_read(self, comparison: LayoutComparison) -> None:
        self.comparison = comparison
        self._watch(self.window.doc)
        self.refresh()
        self.dock.show()
        self.dock.raise_()

    def _on_failed(self, problem: FileProblem) -> None:
        self.window.statusBar().clearMessage()
        self.window.show_file_problem("Cannot compare with that file", problem)

    # ---- keeping it current -----------------------------------------------------------------

    def refresh(self) -> None:
        doc = self.window.doc
        comparison = self.comparison
        if doc is None or comparison is None:
            return
        diff = comparison.diff(doc.layout, doc.keyboard)
        self.diff = diff
        changed = comparison.changed_keys(diff, doc.layout)
        self.window.keyboard_view.set_changed(changed, comparison.notes(diff))
        self.window.set_layer_marks(
            {e.new_index for e in diff.changed_layers if e.new_index is not None}
        )
        positions = key_positions(doc.keyboard, doc.macro.name)
        rows = difference_rows(diff, doc.layout, comparison.label, positions)
        heading = f"Compared with <b>{as_rich_text(comparison.label)}</b> ({as_rich_text(comparison.format_name)})"
        summary = "Same as the file: no differences." if diff.same else diff.summary().capitalize() + "."
        self.panel.show_rows(heading, summary, rows)
        self.window.statusBar().showMessage(f"Compared with {comparison.label}: {diff.summary()}", 6000)
        self.updated.emit(diff)

    def clear(self) -> None:
        """Stop comparing: no outlines, no marks, no dock."""
        self.comparison = None
        self.diff = None
        self._timer.stop()
        self.window.keyboard_view.set_changed({})
        self.window.set_layer_marks(set())
        self.panel.show_rows("", "", [])
        self.dock.hide()

    def _watch(self, doc: Any) -> None:
        if doc is self._watched:
            return
        if self._watched is not None:
            try:
                self._watched.changed.disconnect(self._timer.start)
            except (RuntimeError, TypeError):
                pass
        self._watched = doc
        if doc is not None:
            doc.changed.connect(self._timer.start)

    def _on_document_changed(self) -> None:
        if self.comparison is not None:
            self.clear()
        self._watch(None)

    # ---- going places -----------------------------------------------------------------------

    def _go_to_key(self, layer: int, slot: int) -> None:
        selection = self.window.selection
        selection.set_layer(layer)
        selection.select(slot)
        self.window.keyboard_view.setFocus()

    def _go_to_layer(self, layer: int) -> None:
        self.window.selection.set_layer(layer)


def start_comparison(window: EditorWindow, path: Path | None = None) -> LayoutCompare:
    """The window's comparison controller (made on first use); asks for a file unless given."""
    controller = window.comparison
    if controller is None:
        controller = window.comparison = LayoutCompare(window)
    if path is None:
        controller.choose_file()
    else:
        controller.compare_with(path)
    return controller


def _snapshot(layout: Layout) -> Layout:
    import copy

    return copy.deepcopy(layout)
