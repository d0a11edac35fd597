"""Choosing a keyboard: a searchable list over the catalogue (bundled boards and the user's
qmk_firmware tree), the board drawn by the keycap painter, and its layout macros.

A thin face over `keyconf.catalogue.chooser.KeyboardChooser`. The catalogue is opened and a
tree indexed off the GUI thread, and so is each board's geometry; searching happens as you
type (the catalogue answers in milliseconds). The New Layout dialog and the import flow's
"which keyboard?" question share `KeyboardChooserPanel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.layout_files import FileProblem, OpenedLayout, run_file_job
from keyconf.gui.rich_text import as_rich_text
from keyconf.model.keyboard import Keyboard

if TYPE_CHECKING:
    from keyconf.catalogue.catalogue import Catalogue
    from keyconf.catalogue.chooser import ChooserRow, KeyboardChooser
    from keyconf.catalogue.entry import KeyboardEntry

PREVIEW_SIZE = (560, 250)

# One catalogue per session: opening it indexes the user's tree (from its cache, usually).
_SHARED: dict[str, KeyboardChooser] = {}


def _open_chooser(catalogue: Catalogue | None) -> KeyboardChooser:
    """A chooser over `catalogue` (default: the user's, shared), its first rows computed (the
    slow part: indexing a tree). Runs off the GUI thread."""
    from keyconf.catalogue.chooser import KeyboardChooser

    if catalogue is None and "user" in _SHARED:
        shared = _SHARED["user"]
        shared.set_query("")
        return shared
    if catalogue is None:
        from keyconf.catalogue.catalogue import Catalogue

        chooser = KeyboardChooser(Catalogue.open())
        _SHARED["user"] = chooser
    else:
        chooser = KeyboardChooser(catalogue)
    chooser.rows  # noqa: B018 - loads the index here, not on the GUI thread
    chooser.notice  # noqa: B018
    return chooser


def _row_text(row: ChooserRow) -> str:
    badges = f"   [{' · '.join(row.badges)}]" if row.badges else ""
    return f"{row.title}{badges}\n{row.detail}"


class KeyboardChooserPanel(QWidget):
    """Search, list, preview and layout macro; `keyboard` and `macro_name` hold the choice."""

    choiceChanged = Signal()  # keyboard / macro changed (or became None)
    ready = Signal()  # the catalogue is loaded and listed
    activated = Signal()  # Enter or a double click on a usable board

    def __init__(self, parent: QWidget | None = None, *, catalogue: Catalogue | None = None, query: str = ""):
        super().__init__(parent)
        self.chooser: KeyboardChooser | None = None
        self.keyboard: Keyboard | None = None
        # The layout macro (or key count) to pick when a board offers it: what an import needs.
        self.wanted_macro: str | None = None
        self.wanted_keys: int | None = None
        self._loading_path: str | None = None
        self._boards: dict[str, Keyboard] = {}
        self.search = QLineEdit(query)
        self.search.setPlaceholderText("Search keyboards: name, maker, QMK path or USB id (VVVV:PPPP)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search keyboards")
        self.search.installEventFilter(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Keyboards")
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.summary = QLabel("Loading keyboards…")
        self.summary.setObjectName("chooser-summary")
        self.notice = QLabel()
        self.notice.setObjectName("chooser-notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet("QLabel { border: 1px solid palette(mid); border-radius: 4px; padding: 6px; }")
        self.notice.hide()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(*PREVIEW_SIZE)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.macro = QComboBox()
        self.macro.setAccessibleName("Layout macro")
        self.macro.setToolTip("The board's layout: which keys it has (QMK layout macro)")

        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        left.addWidget(self.summary)
        left.addWidget(self.notice)
        self.form = QFormLayout()
        self.form.addRow("Layout:", self.macro)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.preview, 1)
        right.addWidget(self.info)
        right.addLayout(self.form)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 2)
        row.addLayout(right, 3)

        self.search.textChanged.connect(self._refill)
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemActivated.connect(lambda _item: self._activate())
        self.macro.currentIndexChanged.connect(self._on_macro)
        self.setEnabled(False)
        run_file_job(lambda: _open_chooser(catalogue), self._on_ready, self._on_failed, owner=self)

    # ---- the choice -----------------------------------------------------------------------

    @property
    def macro_name(self) -> str | None:
        """The chosen layout macro, as the loaded board names it."""
        name = self.macro.currentData()
        if self.keyboard is None or not name:
            return None
        return self.keyboard.resolve_layout_name(name)

    def opened_layout(self, name: str | None = None) -> OpenedLayout | None:
        """A new layout with a starter base layer for the chosen board and macro."""
        from keyconf.model.starter_layout import starter_layout

        macro = self.macro_name
        if self.keyboard is None or macro is None:
            return None
        return OpenedLayout(starter_layout(self.keyboard, macro, name or None), self.keyboard, None, None)

    def select_path(self, path: str) -> bool:
        """Select the row of a keyboard by QMK path (tests, the import flow's guess)."""
        for index in range(self.list.count()):
            row = self._row(index)
            if row is not None and row.entry.path == path:
                self.list.setCurrentRow(index)
                return True
        return False

    # ---- catalogue ------------------------------------------------------------------------

    def _on_ready(self, chooser: KeyboardChooser) -> None:
        self.chooser = chooser
        self.setEnabled(True)
        notice = chooser.notice
        self.notice.setText(f"Note: {notice}." if notice else "")
        self.notice.setVisible(bool(notice))
        self._refill()
        self.search.setFocus()
        self.ready.emit()

    def _on_failed(self, problem: FileProblem) -> None:
        self.setEnabled(True)
        self.summary.setText(f"Cannot list keyboards: {problem.message}")

    def _refill(self, *_args: object) -> None:
        chooser = self.chooser
        if chooser is None:
            return
        rows = chooser.set_query(self.search.text())
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(_row_text(row))
            item.setToolTip(row.tooltip)
            if row.entry.broken:
                item.setForeground(self.palette().color(self.palette().ColorGroup.Disabled,
                                                        self.palette().ColorRole.Text))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.summary.setText(chooser.summary)
        if rows:
            self.list.setCurrentRow(0)
        else:
            self._on_row(-1)

    def _row(self, index: int) -> ChooserRow | None:
        if self.chooser is None or not 0 <= index < len(self.chooser.rows):
            return None
        return self.chooser.rows[index]

    # ---- one board ------------------------------------------------------------------------

    def _on_row(self, index: int) -> None:
        row = self._row(index)
        self.keyboard = None
        self.macro.blockSignals(True)
        self.macro.clear()
        self.macro.blockSignals(False)
        self.preview.clear()
        if row is None:
            self.info.setText("")
            self.choiceChanged.emit()
            return
        entry = row.entry
        who = f" by {as_rich_text(entry.manufacturer)}" if entry.manufacturer else ""
        if entry.broken:
            self.info.setText(f"<b>{as_rich_text(row.title)}</b>{who}<br>This definition cannot be used: "
                              f"{as_rich_text(entry.broken)}")
            self.choiceChanged.emit()
            return
        self.info.setText(f"<b>{as_rich_text(row.title)}</b>{who} · <tt>{as_rich_text(entry.path)}</tt>")
        self.macro.blockSignals(True)
        for layout in entry.layouts:
            self.macro.addItem(f"{layout.name}  ({layout.key_count} keys)", layout.name)
        self.macro.setCurrentIndex(self._wanted_index(entry))
        self.macro.blockSignals(False)
        cached = self._boards.get(entry.path)
        if cached is not None:
            self._show_board(entry.path, cached)
            return
        self._loading_path = entry.path
        chooser = self.chooser
        assert chooser is not None

        def load() -> Keyboard:
            from keyconf.catalogue.catalogue import UnknownKeyboard
            from keyconf.formats.definition_source import KeyboardDefinitionError

            try:
                return chooser.catalogue.load(entry)
            except (KeyboardDefinitionError, UnknownKeyboard) as error:
                raise FileProblem(str(error)) from None

        path = entry.path
        run_file_job(
            load, lambda board: self._show_board(path, board), lambda p: self._board_failed(path, p), owner=self
        )
        self.choiceChanged.emit()

    def _wanted_index(self, entry: KeyboardEntry) -> int:
        """The layout to preselect: the wanted macro (or its alias), else one with the wanted
        number of keys, else the first."""
        names = [layout.name for layout in entry.layouts]
        if self.wanted_macro:
            target = dict(entry.layout_aliases).get(self.wanted_macro, self.wanted_macro)
            if target in names:
                return names.index(target)
        if self.wanted_keys is not None:
            for index, layout in enumerate(entry.layouts):
                if layout.key_count == self.wanted_keys:
                    return index
        return 0

    def _show_board(self, path: str, board: Keyboard) -> None:
        self._boards[path] = board
        row = self._row(self.list.currentRow())
        if row is None or row.entry.path != path:
            return  # the user moved on while it loaded
        self.keyboard = board
        if self.macro.count() == 0:  # a definition whose summary listed no layouts
            for name, macro in board.layouts.items():
                self.macro.addItem(f"{name}  ({macro.key_count} keys)", name)
        self._draw()
        self.choiceChanged.emit()

    def _board_failed(self, path: str, problem: FileProblem) -> None:
        row = self._row(self.list.currentRow())
        if row is not None and row.entry.path == path:
            self.info.setText(
                f"<b>{as_rich_text(row.title)}</b><br>Cannot load this keyboard: {as_rich_text(problem.message)}"
            )

    def _on_macro(self, _index: int) -> None:
        self._draw()
        self.choiceChanged.emit()

    def _draw(self) -> None:
        from keyconf.render.keycap_faces import FaceBuilder
        from keyconf.render.keycap_painter import KeycapPainter
        from keyconf.render.keycap_palette import palette_for
        from keyconf.render.scene import build_scene, fit_unit

        opened = self.opened_layout()
        if opened is None:
            self.preview.clear()
            return
        macro = opened.keyboard.layout(opened.layout.layout_macro)
        width = max(self.preview.width(), PREVIEW_SIZE[0])
        height = max(self.preview.height(), PREVIEW_SIZE[1])
        unit = min(60.0, fit_unit(macro, width, height, margin=10))
        scene = build_scene(macro, unit, margin=10)
        faces = FaceBuilder(opened.layout).layer_faces(opened.layout, 0)
        dark = self.palette().color(self.backgroundRole()).lightness() < 128
        image = KeycapPainter(palette_for(dark), self.font()).render_image(
            scene, faces, device_pixel_ratio=self.devicePixelRatioF()
        )
        self.preview.setPixmap(QPixmap.fromImage(image))

    # ---- keys -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Up/Down in the search box move through the list; Enter takes the board."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}
                row = self.list.currentRow() + step[Qt.Key(key)]
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activate()
                return True
        return super().eventFilter(watched, event)

    def _activate(self) -> None:
        if self.macro_name is not None:
            self.activated.emit()


class ChooseKeyboardDialog(QDialog):
    """Pick a keyboard and layout macro (base class of the New Layout dialog; the import
    flow asks it when a file does not say which keyboard it is for)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str = "Choose a keyboard",
        message: str = "",
        query: str = "",
        ok_text: str = "Choose",
        catalogue: Catalogue | None = None,
        layout_macro: str | None = None,
        key_count: int | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1000, 580)
        self.panel = KeyboardChooserPanel(self, catalogue=catalogue, query=query)
        self.panel.wanted_macro = layout_macro
        self.panel.wanted_keys = key_count
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept_choice)
        self.buttons.rejected.connect(self.reject)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(self.message)
        self.outer.addWidget(self.panel, 1)
        self.outer.addWidget(self.buttons)
        self.panel.choiceChanged.connect(self._update_ok)
        self.panel.activated.connect(self._accept_choice)

    # Shortcuts to the panel's parts (tests and subclasses).
    @property
    def search(self) -> QLineEdit:
        return self.panel.search

    @property
    def list(self) -> QListWidget:
        return self.panel.list

    @property
    def preview(self) -> QLabel:
        return self.panel.preview

    @property
    def keyboard(self) -> Keyboard | None:
        return self.panel.keyboard

    @property
    def macro_name(self) -> str | None:
        return self.panel.macro_name

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.panel.macro_name is not None)

    def _accept_choice(self) -> None:
        if self.panel.macro_name is not None:
            self.accept()
