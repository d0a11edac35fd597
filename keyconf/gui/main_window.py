"""The editor's main window: the layer tabs and the keyboard in the middle, the keycode
picker below, problems and feature editors on the right; menus, shortcuts, the toolbar.

The window builds and wires its parts; it does no editing or file work itself. Editing
logic lives in `LayoutDocument`, `SelectionModel` and `PickerModel`; the commands in
`window_files` (open, save…) and `key_commands` (assign, copy…); the layer control in
`layers_panel`. The parts see the window as an `EditorWindow` and never import this module.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from keyconf import __version__
from keyconf.gui.document import LayoutDocument
from keyconf.gui.key_commands import KEYCODES_MIME, KeyCommands
from keyconf.gui.keyboard_view import KeyboardView
from keyconf.gui.layers_panel import LayersPanel
from keyconf.gui.layout_files import FileProblem, OpenedLayout
from keyconf.gui.picker_model import PickerModel
from keyconf.gui.picker_panel import PickerPanel
from keyconf.gui.problems_panel import ProblemsPanel
from keyconf.gui.selection import SelectionModel
from keyconf.gui.settings import EditorSettings
from keyconf.gui.window_files import DROPPABLE_SUFFIXES, LAYOUT_FILTER, LayoutFileCommands, dropped_layout

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragMoveEvent, QDropEvent

# Qt classes the first paint does without (QMessageBox, QStyle) are imported where they are
# used: PySide6 makes a class's Python type, with all its enums, on first use (QStyle: ~7 ms).

log = logging.getLogger(__name__)

APP_TITLE = "keyconf"
PICKER_ROWS = 6  # rows of keycodes the picker shows at least


class MainWindow(QMainWindow):
    documentChanged = Signal()  # a different file / layout is now open
    fileOpenFailed = Signal(object)  # FileProblem (tests and the status bar listen)
    fileSaved = Signal(str)
    exported = Signal(str)  # an export or picture written (its path)

    def __init__(self, settings: EditorSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings or EditorSettings()
        self.doc: LayoutDocument | None = None
        self.device_features: Any = None  # set by keyconf.gui.device_features when installed
        self.build_dialog: Any = None  # the last Build firmware dialog (keyconf.gui.firmware_actions)
        self.flash_dialog: Any = None
        self.comparison: Any = None  # File → Compare with File (keyconf.gui.layout_compare), made on first use
        self.import_notes: Any = None  # the last "Imported with notes" box
        self.keyboard_question: Any = None  # the import's "which keyboard?" dialog, while open
        self.loaded: Any = None  # LoadedLayout of the open file, for surgical saves
        self.selection = SelectionModel(self)
        self.picker_model = PickerModel(recent=self.settings.recent_keycodes())
        self._busy = False
        self.files = LayoutFileCommands(self)
        self.keys = KeyCommands(self)
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.setDocumentMode(True)
        # Problems and Features take the full height on the right; the picker sits under the keyboard.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.fileSaved.connect(self._on_saved)
        self.selection.selectionChanged.connect(self._on_selection_changed)
        self.selection.layerChanged.connect(self._on_layer_changed)
        self._restore_window_state()
        self._update_actions()

    # ---- construction ---------------------------------------------------------------------

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.layers_panel = LayersPanel()
        self.layer_tabs = self.layers_panel.tabs
        self.keyboard_view = KeyboardView()
        self.keyboard_view.searchRequested.connect(self._start_search)
        self.keyboard_view.keyHovered.connect(self._on_key_hovered)
        self.keyboard_view.keyActivated.connect(self._edit_expression)
        layout.addWidget(self.layers_panel)
        layout.addWidget(self.keyboard_view, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.picker = PickerPanel(self.picker_model, lambda: self.doc.layout if self.doc else None, self._parse_context)
        self.picker.keycodeChosen.connect(self.assign_to_selection)
        self.picker.hintChanged.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.picker_dock = self._dock("Keycodes", self.picker, Qt.DockWidgetArea.BottomDockWidgetArea, "picker")
        self.problems_panel = ProblemsPanel()
        self.problems_panel.countsChanged.connect(self._on_problem_counts)
        self.problems_dock = self._dock(
            "Problems", self.problems_panel, Qt.DockWidgetArea.RightDockWidgetArea, "problems"
        )
        # The feature editors sit behind the Problems tab: they are built when first shown.
        self.editors = QTabWidget()
        self.editors.setDocumentMode(True)
        self._feature_editors: list[tuple[str, Any]] | None = None
        self.editors_dock = self._dock("Features", self.editors, Qt.DockWidgetArea.RightDockWidgetArea, "features")
        self.editors_dock.visibilityChanged.connect(lambda shown: shown and self.feature_editors)
        self.problems_panel.featureRequested.connect(self.show_feature)
        self.tabifyDockWidget(self.problems_dock, self.editors_dock)
        self.problems_dock.raise_()
        self._default_dock_sizes = True

    @property
    def feature_editors(self) -> list[tuple[str, Any]]:
        """(title, editor) of the Features dock, built on first use."""
        if self._feature_editors is None:
            from keyconf.gui.feature_editors import build_feature_editors

            self._feature_editors = build_feature_editors(lambda: self.doc, self.keyboard_view, self.selection)
            for title, editor in self._feature_editors:
                self.editors.addTab(editor, title)
                if self.doc is not None:
                    editor.set_document(self.doc)
        return self._feature_editors

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_new = self._action("&New Layout…", self.new_layout, std.New, "Start a layout for a keyboard")
        self.act_open = self._action("&Open…", self.open_dialog, std.Open, "Open a layout file")
        self.act_save = self._action("&Save", self.save, std.Save, "Save the layout")
        self.act_save_as = self._action("Save &As…", self.save_as, std.SaveAs, "Save the layout to another file")
        self.act_import = self._action(
            "&Import…",
            self.import_layout,
            QKeySequence("Ctrl+I"),
            "Open a VIA or Vial save, a QMK keymap.json or keymap.c as a new layout",
        )
        self.act_export = self._action(
            "&Export…",
            self.export_layout,
            QKeySequence("Ctrl+E"),
            "Write the layout as QMK keymap.json or keymap.c, a VIA or Vial save, or keymap-drawer YAML",
        )
        self.act_export_picture = self._action(
            "Export &Picture…",
            self.export_picture,
            QKeySequence("Ctrl+Shift+E"),
            "Draw every layer to an SVG, a PNG or a one-page PDF cheat sheet",
        )
        self.act_print = self._action("&Print…", self.print_layout, std.Print, "Print every layer on one page")
        self.act_compare = self._action(
            "&Compare with File…",
            self.compare_with_file,
            QKeySequence("Ctrl+Shift+D"),
            "Show which keys differ from another layout file (any format keyconf imports)",
        )
        self.act_quit = self._action("&Quit", self.close, std.Quit, "Quit keyconf")
        self.act_undo = self._action("&Undo", self.keys.undo, std.Undo, "Undo the last edit")
        self.act_redo = self._action(
            "&Redo",
            self.keys.redo,
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
            "Redo the edit undone last",
        )
        self.act_copy = self._action("&Copy", self.keys.copy, std.Copy, "Copy the selected keys' keycodes")
        self.act_paste = self._action("&Paste", self.keys.paste, std.Paste, "Paste keycodes onto the selected keys")
        self.act_clear = self._action(
            "C&lear Key",
            lambda: self.keys.clear(False),
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
            "Set the selected keys to KC_NO (do nothing)",
        )
        self.act_transparent = self._action(
            "Make &Transparent",
            lambda: self.keys.clear(True),
            QKeySequence("Shift+Delete"),
            "Set the selected keys to KC_TRNS (fall through to the layer below)",
        )
        self.act_select_all = self._action("Select &All Keys", self.keys.select_all, std.SelectAll, "Select every key")
        self.act_find = self._action("&Find Keycode", self._focus_search, std.Find, "Search the keycode picker")
        self.act_edit_expr = self._action(
            "Edit &Expression",
            lambda: self._edit_expression(None),
            QKeySequence("F2"),
            "Type the selected key's keycode expression",
        )
        self.act_next_layer = self._action(
            "&Next Layer", lambda: self._step_layer(1), QKeySequence("Ctrl+PgDown"), "Show the next layer"
        )
        self.act_prev_layer = self._action(
            "&Previous Layer",
            lambda: self._step_layer(-1),
            QKeySequence("Ctrl+PgUp"),
            "Show the previous layer",
        )
        self.act_build = self._action(
            "&Build Firmware…",
            self.open_build_dialog,
            QKeySequence("Ctrl+B"),
            "Build this layout into firmware with your qmk_firmware tree",
        )
        self.act_retarget = self._action(
            "&Move Layout to Another Keyboard…",
            self.move_to_keyboard,
            None,
            "Take this layout to another keyboard: keys go where your fingers find them",
        )
        self.act_host_language = self._action(
            "Host &Language…",
            self.choose_host_language,
            None,
            "The language the computer types in: legends show what keys type there, keys use its names",
        )
        self.act_controller = self._action(
            "&Controller…", lambda: self.show_feature("controller", 0), None,
            "The controller the firmware is built for: another chip in the board's socket, or its bootloader",
        )
        self.act_flash = self._action(
            "&Flash Firmware…", self.open_flash_dialog, None, "Write a firmware file to a keyboard in its bootloader"
        )
        self.act_guide = self._action("&User Guide", self.open_guide, std.HelpContents, "Open the user guide")
        self.act_about = self._action("&About keyconf", self.show_about, None, "Version and licences")
        self.act_about_qt = self._action("About &Qt", QApplication.aboutQt, None, "About the Qt toolkit")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent_menu(self.recent_menu))
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_export_picture)
        file_menu.addAction(self.act_print)
        file_menu.addSeparator()
        file_menu.addAction(self.act_compare)
        self.file_menu = file_menu
        self.file_extras = file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(self.act_copy)
        edit.addAction(self.act_paste)
        edit.addAction(self.act_clear)
        edit.addAction(self.act_transparent)
        edit.addSeparator()
        edit.addAction(self.act_select_all)
        edit.addAction(self.act_edit_expr)
        edit.addAction(self.act_find)
        self.edit_menu = edit
        view = bar.addMenu("&View")
        view.addAction(self.act_prev_layer)
        view.addAction(self.act_next_layer)
        view.addSeparator()
        for dock in (self.picker_dock, self.problems_dock, self.editors_dock):
            view.addAction(dock.toggleViewAction())
        self.view_menu = view
        self.keyboard_menu = bar.addMenu("&Keyboard")
        self.keyboard_menu.addAction(self.act_build)
        self.keyboard_menu.addAction(self.act_flash)
        self.keyboard_menu.addSeparator()
        self.keyboard_menu.addAction(self.act_retarget)
        self.keyboard_menu.addAction(self.act_host_language)
        self.keyboard_menu.addAction(self.act_controller)
        self.keyboard_menu.addSeparator()
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_guide)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        help_menu.addAction(self.act_about_qt)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("toolbar-main")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setIconSize(QSize(18, 18))
        for action in (self.act_new, self.act_open, self.act_save):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.act_undo)
        bar.addAction(self.act_redo)
        bar.addSeparator()
        bar.addAction(self.act_clear)
        bar.addAction(self.act_transparent)
        bar.addSeparator()
        bar.addAction(self.act_build)
        self.toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.problems_label = QLabel()
        self.board_label = QLabel()
        status.addPermanentWidget(self.problems_label)
        status.addPermanentWidget(self.board_label)
        status.showMessage("Click a key, then pick a keycode below — or type to search.")

    # ---- documents ------------------------------------------------------------------------

    def set_opened(self, opened: OpenedLayout) -> None:
        """Show a layout (from a file, or new) in the window."""
        if self.doc is not None:
            self.doc.deleteLater()
        doc = LayoutDocument(opened.layout, opened.keyboard, opened.path, self)
        self.doc = doc
        self.loaded = opened.loaded
        doc.modifiedChanged.connect(self.update_title)
        doc.pathChanged.connect(self.update_title)
        doc.layersChanged.connect(self.picker.refresh)
        doc.featuresChanged.connect(self.picker.refresh)
        doc.focusRequested.connect(self._on_focus_requested)
        doc.changed.connect(self._update_actions)
        doc.changed.connect(lambda: self._show_selected_key())
        doc.undo_stack.canUndoChanged.connect(self._update_actions)
        doc.undo_stack.canRedoChanged.connect(self._update_actions)
        doc.undo_stack.undoTextChanged.connect(self._update_actions)
        doc.undo_stack.redoTextChanged.connect(self._update_actions)
        self.selection.clear()
        self.selection.set_layer(0)
        self.keyboard_view.set_document(doc, self.selection)
        self.layers_panel.set_document(doc, self.selection)
        self.problems_panel.set_document(doc, self.selection, opened.loaded)
        for _title, editor in self._feature_editors or ():
            editor.set_document(doc)
        if self.picker.filled:
            self.picker.refresh()
        else:  # the first layout: list ~1000 keycodes once the keyboard is on screen
            from keyconf.gui.startup import after_first_paint

            after_first_paint(self.keyboard_view, self.picker.fill, fallback_ms=300)
        self.board_label.setText(doc.board_summary)
        doc.changed.connect(lambda: self.board_label.setText(doc.board_summary))  # a controller chosen
        self.update_title()
        self._update_actions()
        if self._default_dock_sizes:
            QTimer.singleShot(0, self.apply_default_dock_sizes)
        self.documentChanged.emit()

    def open_path(self, path: str | Path, wait: bool = False) -> None:
        """Open a layout file in the background (or right away with `wait`, for --screenshot)."""
        self.files.open_path(path, wait)

    def open_untitled_copy(self, path: str | Path) -> None:
        """Open a file as a new, untitled layout: Save asks where to keep it, so the original
        (the bundled example, inside the installation) is never written."""
        self.files.open_untitled_copy(path)

    def open_dialog(self) -> None:
        self.files.open_dialog()

    def save(self, wait: bool = False) -> bool:
        """Save to the layout's file (asks for a name the first time). Returns False if cancelled."""
        return self.files.save(wait)

    def save_as(self, wait: bool = False) -> bool:
        return self.files.save_as(wait)

    def maybe_save(self) -> bool:
        """Before closing or replacing a modified layout: save, discard or cancel."""
        return self.files.maybe_save()

    def new_layout(self) -> None:
        self.files.new_layout()

    def last_folder(self) -> Path:
        """Where file dialogs start: the open layout's folder, the last file's, or home."""
        return self.files.last_folder()

    def set_layer_marks(self, layers: set[int]) -> None:
        """Mark layer tabs (the layers that differ from a compared file)."""
        if layers != self.layers_panel.marks:
            self.layers_panel.set_marks(layers, QColor(self.keyboard_view.palette_colours().changed))

    def show_once(self, *_args: object) -> None:
        """Show the window unless it already is (start-up shows it with its first layout)."""
        if not self.isVisible():
            self.show()

    def show_file_problem(self, title: str, problem: FileProblem) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, title, problem.message, QMessageBox.StandardButton.Ok, self)
        details = []
        if problem.location():
            details.append(problem.location())
        if problem.hint:
            details.append(f"Hint: {problem.hint}")
        box.setInformativeText("\n".join(details))
        box.setObjectName("file-problem")
        box.exec()

    def _on_saved(self, _path: str) -> None:
        self.problems_panel.loaded = self.loaded

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._default_dock_sizes = False
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.set_recent_keycodes(self.picker_model.recent)
        self.settings.sync()
        event.accept()

    # ---- editing --------------------------------------------------------------------------

    def assign_to_selection(self, text: str) -> None:
        self.keys.assign(text)
        self.settings.set_recent_keycodes(self.picker_model.recent)

    def clear_selection(self, transparent: bool) -> None:
        self.keys.clear(transparent)

    def select_all(self) -> None:
        self.keys.select_all()

    def copy_keys(self) -> None:
        self.keys.copy()

    def paste_keys(self) -> None:
        self.keys.paste()

    def _parse_context(self) -> Any:
        if self.doc is None:
            from keyconf.model.keycodes import ParseContext

            return ParseContext()
        return self.doc.parse_context()

    def _edit_expression(self, slot: int | None) -> None:
        self.picker_dock.show()
        self.picker_dock.raise_()
        if slot is not None:
            self.selection.select(slot)
        self.picker.expression.line.setFocus()
        self.picker.expression.line.selectAll()

    def _focus_search(self) -> None:
        self.picker_dock.show()
        self.picker.search.setFocus()
        self.picker.search.selectAll()

    def _start_search(self, text: str) -> None:
        self.picker_dock.show()
        self.picker.start_search(text)

    # ---- reactions ------------------------------------------------------------------------

    def _on_selection_changed(self) -> None:
        if self.doc is None:
            return
        self._show_selected_key(always=True)
        self._update_actions()

    def _show_selected_key(self, always: bool = False) -> None:
        """The expression box shows what the selected key holds — after a selection, a layer
        switch, or any edit (a picker click, undo, paste) that changed it."""
        slot = self.selection.current
        text = None if self.doc is None or slot is None else self.doc.key_text(self.selection.layer, slot)
        if always or text != self.picker.expression.key_text:
            self.picker.expression.show_key(text)

    def _on_layer_changed(self, _layer: int) -> None:
        self._on_selection_changed()

    def _on_focus_requested(self, layer: int, slots: list[int]) -> None:
        """Undo/redo show where they changed something."""
        self.selection.clamp(
            self.doc.macro.key_count if self.doc else 0, len(self.doc.layout.layers) if self.doc else 0
        )
        self.selection.set_layer(layer)
        if slots:
            self.selection.select_many(slots)

    def _step_layer(self, delta: int) -> None:
        if self.doc is not None:
            count = len(self.doc.layout.layers)
            self.selection.set_layer((self.selection.layer + delta) % count)

    def _on_key_hovered(self, slot: int) -> None:
        if slot < 0 or self.doc is None:
            self.statusBar().clearMessage()
            return
        faces = self.keyboard_view.faces(self.selection.layer)
        if slot < len(faces):
            face = faces[slot]
            text = face.text + (f" — {face.description}" if face.description else "")
            self.statusBar().showMessage(f"Key {slot}: {text}")

    def _on_problem_counts(self, errors: int, warnings: int) -> None:
        if errors or warnings:
            self.problems_label.setText(f"✗ {errors}  ⚠ {warnings}")
            self.problems_label.setToolTip(f"{errors} errors, {warnings} warnings: see the Problems panel")
        else:
            self.problems_label.setText("✓ No problems")
            self.problems_label.setToolTip("")

    def show_feature(self, name: str, index: int) -> None:
        """Show the editor for one feature (macros, combos…) and its item `index`."""
        self.editors_dock.show()
        self.editors_dock.raise_()
        self.feature_editors  # noqa: B018 - built on first use
        for i in range(self.editors.count()):
            widget = self.editors.widget(i)
            if name in (getattr(widget, "feature", None), *getattr(widget, "fields", ())):
                self.editors.setCurrentIndex(i)
                select = getattr(widget, "select_item", None)
                if select is not None:
                    select(index)
                return

    def update_title(self, *_args: object) -> None:
        if self.doc is None:
            self.setWindowTitle(APP_TITLE)
            return
        self.setWindowTitle(f"{self.doc.display_name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc.is_modified)
        self.setWindowFilePath(str(self.doc.path) if self.doc.path else "")

    def _update_actions(self, *_args: object) -> None:
        has_doc = self.doc is not None
        has_selection = has_doc and bool(self.selection.slots)
        stack = self.doc.undo_stack if self.doc else None
        self.act_undo.setEnabled(bool(stack and stack.canUndo()))
        self.act_redo.setEnabled(bool(stack and stack.canRedo()))
        # The text stays "Undo"/"Redo" (the toolbar never moves); the tooltip names the command.
        undo_tip = f"Undo {stack.undoText()}" if stack and stack.canUndo() else "Undo the last edit"
        redo_tip = f"Redo {stack.redoText()}" if stack and stack.canRedo() else "Redo the edit undone last"
        for action, tip in ((self.act_undo, undo_tip), (self.act_redo, redo_tip)):
            action.setToolTip(tip)
            action.setStatusTip(tip)
        for action in (
            self.act_save,
            self.act_save_as,
            self.act_export,
            self.act_export_picture,
            self.act_print,
            self.act_compare,
            self.act_build,
            self.act_retarget,
            self.act_host_language,
            self.act_controller,
            self.act_select_all,
            self.act_next_layer,
            self.act_prev_layer,
        ):
            action.setEnabled(has_doc and not self._busy)
        for action in (
            self.act_copy,
            self.act_paste,
            self.act_clear,
            self.act_transparent,
            self.act_edit_expr,
        ):
            action.setEnabled(has_selection)

    def set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self.statusBar().showMessage(message)
        elif QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        self._update_actions()

    def _restore_window_state(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 860)
        if state is not None and self.restoreState(state):
            self._default_dock_sizes = False

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._default_dock_sizes and self.isVisible():
            QTimer.singleShot(0, self.apply_default_dock_sizes)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._default_dock_sizes:
            QTimer.singleShot(0, self.apply_default_dock_sizes)

    def apply_default_dock_sizes(self) -> None:
        """Docks as narrow as their content allows, so the keyboard gets the room."""
        width = self.width()
        self.resizeDocks([self.problems_dock], [max(240, min(360, width // 5))], Qt.Orientation.Horizontal)
        # The picker shows at least PICKER_ROWS rows of keycodes and grows with the window.
        from PySide6.QtWidgets import QStyle

        title = self.picker_dock.titleBarWidget() or self.picker_dock
        title_height = self.picker_dock.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight, None, title)
        least = self.picker.height_for_rows(PICKER_ROWS) + title_height
        self.resizeDocks([self.picker_dock], [max(least, int(self.height() * 0.45))], Qt.Orientation.Vertical)

    # ---- drops ----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (a QDragEnterEvent is one)
        if dropped_layout(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent  # noqa: N815

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = dropped_layout(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            if path.suffix.lower() in (".yaml", ".yml"):
                QTimer.singleShot(0, lambda: self.open_path(path))
            else:
                QTimer.singleShot(0, lambda: self.import_file(path))

    # ---- help -----------------------------------------------------------------------------

    def open_guide(self) -> None:
        from keyconf.gui.about_dialog import open_user_guide

        open_user_guide(self)

    def show_about(self) -> None:
        from keyconf.gui.about_dialog import AboutDialog

        AboutDialog(self).exec()

    # ---- extension points for the device, build and flash parts --------------------------

    def import_layout(self) -> None:
        from keyconf.gui.layout_exchange import import_dialog

        import_dialog(self)

    def import_file(self, path: Path) -> None:
        """Import another tool's layout file (dropped on the window) as a new layout."""
        from keyconf.gui.layout_exchange import import_path

        if self.maybe_save():
            import_path(self, path)

    def export_layout(self) -> None:
        from keyconf.gui.layout_exchange import export_dialog

        export_dialog(self)

    def export_picture(self) -> None:
        from keyconf.gui.picture_export import export_picture_dialog

        export_picture_dialog(self)

    def print_layout(self) -> None:
        from keyconf.gui.picture_export import print_dialog

        print_dialog(self)

    def compare_with_file(self) -> None:
        from keyconf.gui.layout_compare import start_comparison

        start_comparison(self)

    def compare_with(self, path: Path) -> None:
        """Compare the open layout with the file at `path` (`keyconf FILE --compare OTHER`)."""
        from keyconf.gui.layout_compare import start_comparison

        start_comparison(self, path)

    def open_build_dialog(self) -> None:
        from keyconf.gui.firmware_actions import open_build_dialog

        open_build_dialog(self)

    def move_to_keyboard(self) -> None:
        from keyconf.gui.retarget_dialog import start_retarget

        start_retarget(self)

    def choose_host_language(self) -> None:
        from keyconf.gui.host_language_dialog import choose_host_language

        choose_host_language(self)

    def open_flash_dialog(self) -> None:
        from keyconf.gui.firmware_actions import open_flash_dialog

        open_flash_dialog(self)

    def go_to_problem(self, problem: Any) -> None:
        """Show where a problem (from the build, say) is: its key or its feature editor."""
        self.raise_()
        self.activateWindow()
        if self.doc is not None:
            self.problems_panel.go_to(problem)

    def add_keyboard_action(self, action: QAction) -> None:
        """Device, build and flash parts add their commands to the Keyboard menu."""
        self.keyboard_menu.menuAction().setVisible(True)
        self.keyboard_menu.addAction(action)

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        dock = self._dock(title, widget, area, name)
        self.view_menu.addAction(dock.toggleViewAction())
        return dock


__all__ = ["DROPPABLE_SUFFIXES", "KEYCODES_MIME", "LAYOUT_FILTER", "MainWindow", "__version__"]
