"""The keycode picker: category tabs, search, a grid of keycap tiles, the expression editor.

Clicking a tile assigns its keycode to the selected keys; dragging a tile onto the
keyboard assigns it to the key it is dropped on. The lists come from `PickerModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.drag_data import KEYCODE_MIME, keycode_mime
from keyconf.gui.expression_editor import ExpressionEditor
from keyconf.gui.picker_model import CATEGORIES, KEYBOARD, RECENT, PickerEntry, PickerModel
from keyconf.gui.rich_text import as_rich_text
from keyconf.model.layout import Layout
from keyconf.render.keycap_painter import is_glyph
from keyconf.render.keycap_palette import palette_for

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

TILE = QSize(78, 46)
_ModelIndex = QModelIndex | QPersistentModelIndex


class PickerListModel(QAbstractListModel):
    EntryRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entries: list[PickerEntry] = []

    def set_entries(self, entries: list[PickerEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.legend
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"<b>{as_rich_text(entry.code)}</b><br>{as_rich_text(entry.description)}"
                if entry.description
                else entry.code
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{entry.legend} ({entry.code})"
        if role == self.EntryRole:
            return entry
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [KEYCODE_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        entry = self.entries[indexes[0].row()]
        return keycode_mime(entry.code)


class KeycapTileDelegate(QStyledItemDelegate):
    """Draws an entry as a small keycap: legend big, keycode name small below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:  # noqa: N802
        return TILE

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # Tiles drawn once and reused: the window repaints the picker often (scrolling, hover,
        # the window's own repaints) and a tile only changes with its state and the palette.
        # A tile is kept from its second paint on: the first paint draws straight onto the list,
        # as making ~90 pixmaps for the window's first frame cost more (~6 ms) than drawing.
        self._tiles: dict[tuple[object, ...], QPixmap] = {}
        self._painted_once: set[tuple[object, ...]] = set()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        # QStyle's Python type, with its enums, costs ~7 ms to make: the keyboard's first paint,
        # which comes before the picker's, does without it.
        from PySide6.QtWidgets import QStyle

        entry: PickerEntry = index.data(PickerListModel.EntryRole)
        rect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        key = (entry.code, entry.legend, entry.group, dark, selected, hovered, rect.width(), rect.height(), ratio)
        tile = self._tiles.get(key)
        if tile is None and key not in self._painted_once:
            if len(self._painted_once) > MAX_TILES:
                self._painted_once.clear()
            self._painted_once.add(key)
            painter.save()
            painter.translate(rect.topLeft())
            try:
                self._paint_tile(painter, entry, QRectF(0, 0, rect.width(), rect.height()), option, dark,
                                 selected, hovered)
            finally:
                painter.restore()
            return
        if tile is None:
            if len(self._tiles) > MAX_TILES:
                self._tiles.clear()
            tile = QPixmap(max(1, round(rect.width() * ratio)), max(1, round(rect.height() * ratio)))
            tile.setDevicePixelRatio(ratio)
            tile.fill(Qt.GlobalColor.transparent)
            tile_painter = QPainter(tile)
            try:
                self._paint_tile(tile_painter, entry, QRectF(0, 0, rect.width(), rect.height()), option, dark,
                                 selected, hovered)
            finally:
                tile_painter.end()
            self._tiles[key] = tile
        painter.drawPixmap(rect.topLeft(), tile)

    def _paint_tile(
        self,
        painter: QPainter,
        entry: PickerEntry,
        area: QRectF,
        option: QStyleOptionViewItem,
        dark: bool,
        selected: bool,
        hovered: bool,
    ) -> None:
        caps = palette_for(dark)
        colours = caps.cap(entry.group, entry.legend)
        rect = area.adjusted(3, 3, -3, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colours.side))
        painter.drawRoundedRect(rect, 5, 5)
        top = rect.adjusted(3, 2, -3, -6)
        painter.setBrush(QColor(colours.top))
        painter.drawRoundedRect(top, 4, 4)
        if selected or hovered:
            accent = QColor(caps.selection)
            accent.setAlpha(60 if selected else 30)
            painter.setBrush(accent)
            painter.drawRoundedRect(rect, 5, 5)
        font = QFont(option.font)  # type: ignore[attr-defined]
        legend = entry.legend or entry.code
        font.setPixelSize(14 if is_glyph(legend) else 11)
        painter.setFont(font)
        painter.setPen(QColor(caps.legend))
        text_rect = top.adjusted(3, 1, -3, -12)
        metrics = painter.fontMetrics()
        shown = metrics.elidedText(legend, Qt.TextElideMode.ElideRight, int(text_rect.width()))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, shown)
        small = QFont(font)
        small.setPixelSize(9)
        painter.setFont(small)
        painter.setPen(QColor(caps.dim_legend))
        name_rect = QRectF(top.left() + 2, top.bottom() - 13, top.width() - 4, 12)
        name = painter.fontMetrics().elidedText(
            entry.code, Qt.TextElideMode.ElideMiddle, int(name_rect.width())
        )
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignCenter, name)
        painter.restore()


MAX_TILES = 3000  # drawn tiles kept (about 16 kB each)
FILL_DELAY_MS = 400  # when no layout opens first, the list is filled this long after showing


class PickerPanel(QWidget):
    """Emits `keycodeChosen(code)` when a tile is clicked or the expression is assigned."""

    keycodeChosen = Signal(str)
    hintChanged = Signal(str)

    def __init__(
        self,
        model: PickerModel,
        layout: Callable[[], Layout | None],
        context: Callable[[], Any],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.model = model
        self._layout = layout
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search keycodes: name, legend or description (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search keycodes")
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setUsesScrollButtons(True)
        for category in CATEGORIES:
            self.tabs.addTab(category.replace("&", "&&"))
        self.list_model = PickerListModel(self)
        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setGridSize(QSize(TILE.width() + 2, TILE.height() + 2))
        self.view.setSpacing(0)
        self.view.setMouseTracking(True)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QListView.DragDropMode.DragOnly)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setItemDelegate(KeycapTileDelegate(self.view))
        self.view.setModel(self.list_model)
        self.view.setAccessibleName("Keycodes")
        self.empty = QLabel("")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.expression = ExpressionEditor(context, lambda: (layout() or _no_layers()).layer_names)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.tabs, 1)
        top.addWidget(self.search, 0)
        self.search.setMinimumWidth(260)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.setSpacing(4)
        outer.addLayout(top)
        outer.addWidget(self.view, 1)
        outer.addWidget(self.empty)
        outer.addWidget(self.expression)
        self.empty.hide()

        self.tabs.currentChanged.connect(self._on_tab)
        self.search.textChanged.connect(self._on_search)
        self.view.clicked.connect(self._on_clicked)
        self.view.activated.connect(self._on_clicked)
        self.view.entered.connect(self._on_entered)
        self.expression.assignRequested.connect(self._on_expression)
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(CATEGORIES.index("Basic"))
        self.tabs.blockSignals(False)
        self._filled = False

    def height_for_rows(self, rows: int) -> int:
        """The panel's height that shows `rows` rows of tiles (the window sizes its dock so)."""
        outer = self.layout()
        assert outer is not None
        margins, spacing = outer.contentsMargins(), outer.spacing()
        grid = self.view.gridSize().height()
        frame = 2 * self.view.frameWidth()
        top = max(self.tabs.sizeHint().height(), self.search.sizeHint().height())
        return (
            margins.top() + margins.bottom() + top + rows * grid + frame + self.expression.sizeHint().height()
            + 2 * spacing
        )

    def rows_shown(self) -> int:
        """How many rows of tiles fit in the list now."""
        return max(0, self.view.viewport().height() // self.view.gridSize().height())

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._filled:
            # Listing ~1000 keycodes (and building the keycode registry) need not delay the
            # first paint: the window fills the list when a layout opens, or soon after showing.
            QTimer.singleShot(FILL_DELAY_MS, self._fill_once)

    def _fill_once(self) -> None:
        if not self._filled:
            self.refresh()

    @property
    def filled(self) -> bool:
        return self._filled

    def fill(self) -> None:
        """List the keycodes now, unless that happened already."""
        self._fill_once()

    def refresh(self) -> None:
        """Rebuild the shown list (layers or macros of the layout may have changed)."""
        self._filled = True
        query = self.search.text().strip()
        if query:
            entries = self.model.search(query, self._layout())
            self._show(entries, f"Nothing matches “{query}”. Type a full expression below instead.")
        else:
            category = CATEGORIES[self.tabs.currentIndex()]
            entries = self.model.entries(category, self._layout())
            empty = {RECENT: "Keycodes you assign show up here.",
                     KEYBOARD: "This keyboard's firmware defines no keycodes of its own (QK_KB_n) that keyconf "
                               "knows."}.get(category, "Nothing in this category.")
            self._show(entries, empty)

    def start_search(self, text: str) -> None:
        """Typing on the keyboard view lands here."""
        self.search.setFocus()
        self.search.setText(text)

    def entries_shown(self) -> list[PickerEntry]:
        return list(self.list_model.entries)

    def choose(self, code: str) -> None:
        """Assign `code` (as a click on its tile does) and remember it."""
        self.model.use(code)
        self.keycodeChosen.emit(code)
        if CATEGORIES[self.tabs.currentIndex()] == RECENT and not self.search.text():
            self.refresh()

    def _show(self, entries: list[PickerEntry], empty_text: str) -> None:
        self.list_model.set_entries(entries)
        self.empty.setText(empty_text)
        self.empty.setVisible(not entries)
        self.view.setVisible(bool(entries))

    def _on_tab(self, _index: int) -> None:
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.refresh()

    def _on_search(self, _text: str) -> None:
        self.refresh()

    def _on_clicked(self, index: QModelIndex) -> None:
        entry: PickerEntry | None = index.data(PickerListModel.EntryRole)
        if entry is not None:
            self.choose(entry.code)

    def _on_entered(self, index: QModelIndex) -> None:
        entry: PickerEntry | None = index.data(PickerListModel.EntryRole)
        if entry is not None:
            self.hintChanged.emit(f"{entry.code}: {entry.description}" if entry.description else entry.code)

    def _on_expression(self, text: str) -> None:
        self.choose(text)


def _no_layers() -> Layout:
    return Layout(keyboard="", layout_macro="")
