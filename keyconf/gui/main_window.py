"""The editor's main window: the keyboard in the middle, layers on the left, the keycode
picker below, problems and feature editors on the right; menus, shortcuts and files.

The window wires parts together and handles files; editing logic lives in
`LayoutDocument`, `SelectionModel` and `PickerModel`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from keyconf import __version__
from keyconf.gui.document import LayoutDocument
from keyconf.gui.keyboard_view import KeyboardView
from keyconf.gui.layers_panel import LayersPanel
from keyconf.gui.layout_files import (
    FileProblem,
    OpenedLayout,
    open_layout_file,
    run_file_job,
    save_layout_file,
)
from keyconf.gui.picker_model import PickerModel
from keyconf.gui.picker_panel import PickerPanel
from keyconf.gui.problems_panel import ProblemsPanel
from keyconf.gui.selection import SelectionModel
from keyconf.gui.settings import EditorSettings

log = logging.getLogger(__name__)

LAYOUT_FILTER = "keyconf layouts (*.yaml *.yml);;All files (*)"
KEYCODES_MIME = "application/x-keyconf-keycodes"
# Layouts (opened) and other tools' files (imported) that may be dropped on the window.
DROPPABLE_SUFFIXES = (".yaml", ".yml", ".json", ".vil", ".c")
APP_TITLE = "keyconf"


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
        self._layer_marks: set[int] = set()
        self.loaded: Any = None  # LoadedLayout of the open file, for surgical saves
        self.selection = SelectionModel(self)
        self.picker_model = PickerModel(recent=self.settings.recent_keycodes())
        self._busy = False
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.setDocumentMode(True)

        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
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
        self.layer_tabs = QTabBar()
        self.layer_tabs.setDocumentMode(True)
        self.layer_tabs.setExpanding(False)
        self.layer_tabs.setDrawBase(True)
        self.layer_tabs.setAccessibleName("Layer tabs")
        self.layer_tabs.currentChanged.connect(self._on_layer_tab)
        self.keyboard_view = KeyboardView()
        self.keyboard_view.searchRequested.connect(self._start_search)
        self.keyboard_view.keyHovered.connect(self._on_key_hovered)
        self.keyboard_view.keyActivated.connect(self._edit_expression)
        layout.addWidget(self.layer_tabs)
        layout.addWidget(self.keyboard_view, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.layers_panel = LayersPanel()
        self.layers_dock = self._dock("Layers", self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea, "layers")
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
        self.act_undo = self._action("&Undo", self._undo, std.Undo, "Undo the last edit")
        self.act_redo = self._action(
            "&Redo",
            self._redo,
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
            "Redo the edit undone last",
        )
        self.act_copy = self._action("&Copy", self.copy_keys, std.Copy, "Copy the selected keys' keycodes")
        self.act_paste = self._action("&Paste", self.paste_keys, std.Paste, "Paste keycodes onto the selected keys")
        self.act_clear = self._action(
            "C&lear Key",
            lambda: self.clear_selection(False),
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
            "Set the selected keys to KC_NO (do nothing)",
        )
        self.act_transparent = self._action(
            "Make &Transparent",
            lambda: self.clear_selection(True),
            QKeySequence("Shift+Delete"),
            "Set the selected keys to KC_TRNS (fall through to the layer below)",
        )
        self.act_select_all = self._action("Select &All Keys", self.select_all, std.SelectAll, "Select every key")
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
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
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
        for dock in (self.layers_dock, self.picker_dock, self.problems_dock, self.editors_dock):
            view.addAction(dock.toggleViewAction())
        self.view_menu = view
        self.keyboard_menu = bar.addMenu("&Keyboard")
        self.keyboard_menu.addAction(self.act_build)
        self.keyboard_menu.addAction(self.act_flash)
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
        doc.layersChanged.connect(self._refresh_layer_tabs)
        doc.layersChanged.connect(self.picker.refresh)
        doc.featuresChanged.connect(self.picker.refresh)
        doc.focusRequested.connect(self._on_focus_requested)
        doc.changed.connect(self._update_actions)
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
        self.picker.refresh()
        self._refresh_layer_tabs()
        keyboard = opened.keyboard
        name = keyboard.display_name or keyboard.name
        self.board_label.setText(f"{name} · {doc.macro.name} · {doc.macro.key_count} keys")
        self.update_title()
        self._update_actions()
        if self._default_dock_sizes:
            QTimer.singleShot(0, self.apply_default_dock_sizes)
        self.documentChanged.emit()

    def open_path(self, path: str | Path, wait: bool = False) -> None:
        """Open a layout file in the background (or right away with `wait`, for --screenshot)."""
        path = Path(path).expanduser()
        if not self.maybe_save():
            return
        if wait:
            try:
                opened = open_layout_file(path)
            except FileProblem as problem:
                self._open_failed(problem)
                return
            self._opened(opened)
            return
        self.set_busy(True, f"Opening {path.name}…")
        run_file_job(lambda: open_layout_file(path), self._opened, self._open_failed)

    def set_layer_marks(self, layers: set[int]) -> None:
        """Mark layer tabs (the layers that differ from a compared file)."""
        if layers != self._layer_marks:
            self._layer_marks = set(layers)
            self._refresh_layer_tabs()

    def last_folder(self) -> Path:
        """Where file dialogs start: the open layout's folder, the last file's, or home."""
        if self.doc is not None and self.doc.path is not None:
            return self.doc.path.parent
        if self.doc is not None and self.doc.origin is not None and self.doc.untitled_title:
            return self.doc.origin.parent  # an import: beside the file it came from
        return self._save_folder()

    def show_once(self, *_args: object) -> None:
        """Show the window unless it already is (start-up shows it with its first layout)."""
        if not self.isVisible():
            self.show()

    def open_untitled_copy(self, path: str | Path) -> None:
        """Open a file as a new, untitled layout: Save asks where to keep it, so the original
        (the bundled example, inside the installation) is never written."""
        path = Path(path)

        def work() -> OpenedLayout:
            opened = open_layout_file(path)
            return OpenedLayout(opened.layout, opened.keyboard, None, opened.loaded)

        def done(opened: OpenedLayout) -> None:
            self.set_busy(False)
            self.set_opened(opened)
            assert self.doc is not None
            self.doc.origin = path
            self.update_title()
            self.statusBar().showMessage(
                f"A copy of the example {path.name}: Save (Ctrl+S) asks where to keep your layout", 8000
            )

        self.set_busy(True, f"Opening {path.name}…")
        run_file_job(work, done, self._open_failed)

    def _opened(self, opened: OpenedLayout) -> None:
        self.set_busy(False)
        self.set_opened(opened)
        if opened.path is not None:
            self.settings.add_recent_file(opened.path)
        self.statusBar().showMessage(f"Opened {opened.path}", 4000)

    def _open_failed(self, problem: FileProblem) -> None:
        self.set_busy(False)
        self.statusBar().showMessage("Could not open the file", 6000)
        self.fileOpenFailed.emit(problem)
        self.show_file_problem("Cannot open layout", problem)

    def show_file_problem(self, title: str, problem: FileProblem) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, title, problem.message, QMessageBox.StandardButton.Ok, self)
        details = []
        if problem.location():
            details.append(problem.location())
        if problem.hint:
            details.append(f"Hint: {problem.hint}")
        box.setInformativeText("\n".join(details))
        box.setObjectName("file-problem")
        box.exec()

    def open_dialog(self) -> None:
        start = str(self.doc.path.parent) if self.doc and self.doc.path else str(Path.cwd())
        name, _ = QFileDialog.getOpenFileName(self, "Open layout", start, LAYOUT_FILTER)
        if name:
            self.open_path(name)

    def save(self, wait: bool = False) -> bool:
        """Save to the layout's file (asks for a name the first time). Returns False if cancelled."""
        if self.doc is None:
            return False
        if self.doc.path is None:
            return self.save_as(wait=wait)
        return self._save_to(self.doc.path, wait)

    def save_as(self, wait: bool = False) -> bool:
        if self.doc is None:
            return False
        name = (self.doc.layout.name or "layout").replace(" ", "_")
        suggested = self.doc.path or self._save_folder() / f"{name}.yaml"
        chosen, _ = QFileDialog.getSaveFileName(self, "Save layout as", str(suggested), LAYOUT_FILTER)
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() not in (".yaml", ".yml"):
            path = path.with_suffix(".yaml")
        return self._save_to(path, wait)

    def _save_folder(self) -> Path:
        """Where Save As starts for a new layout: the folder of the last file, else home
        (never the installation a bundled example came from)."""
        last = self.settings.last_file()
        if last is not None and last.parent.is_dir():
            return last.parent
        cwd = Path.cwd()
        return cwd if self.doc is None or self.doc.origin is None else Path.home()

    def _save_to(self, path: Path, wait: bool) -> bool:
        assert self.doc is not None
        doc = self.doc
        layout = _copy_layout(doc.layout)
        keyboard, loaded = doc.keyboard, self.loaded
        index = doc.undo_stack.index()

        def work() -> Any:
            return save_layout_file(layout, keyboard, path, loaded)

        def done(new_loaded: Any) -> None:
            self.set_busy(False)
            if doc is not self.doc:
                return
            self.loaded = new_loaded
            doc.set_path(path)
            if doc.undo_stack.index() == index:
                doc.mark_saved()
            self.problems_panel.loaded = new_loaded
            self.settings.add_recent_file(path)
            self.statusBar().showMessage(f"Saved {path}", 4000)
            self.fileSaved.emit(str(path))

        def failed(problem: FileProblem) -> None:
            self.set_busy(False)
            self.show_file_problem("Cannot save layout", problem)

        if wait:
            try:
                done(work())
            except FileProblem as problem:
                failed(problem)
                return False
            return True
        self.set_busy(True, f"Saving {path.name}…")
        run_file_job(work, done, failed)
        return True

    def maybe_save(self) -> bool:
        """Before closing or replacing a modified layout: save, discard or cancel."""
        if self.doc is None or not self.doc.is_modified:
            return True
        answer = QMessageBox.warning(
            self,
            "Unsaved changes",
            f"“{self.doc.display_name}” has changes that are not saved.\nSave them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save(wait=True) and not self.doc.is_modified
        return answer == QMessageBox.StandardButton.Discard

    def new_layout(self) -> None:
        if not self.maybe_save():
            return
        from keyconf.gui.new_layout_dialog import NewLayoutDialog

        dialog = NewLayoutDialog(self)
        if dialog.exec() and dialog.result_layout is not None:
            self.set_opened(dialog.result_layout)
            self.statusBar().showMessage("New layout: save it to keep it (Ctrl+S)", 6000)

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
        if self.doc is None:
            return
        slots = self.selection.slots
        if not slots:
            self.statusBar().showMessage("Select a key first: click it on the keyboard.", 4000)
            return
        if self.doc.assign(self.selection.layer, slots, text):
            self.statusBar().showMessage(f"{text} → {len(slots)} key{'s' if len(slots) > 1 else ''}", 3000)
        self.settings.set_recent_keycodes(self.picker_model.recent)

    def clear_selection(self, transparent: bool) -> None:
        if self.doc is not None and self.selection.slots:
            self.doc.clear(self.selection.layer, self.selection.slots, transparent)

    def select_all(self) -> None:
        scene = self.keyboard_view.scene()
        if scene is not None:
            self.selection.select_many(s.slot for s in scene.shapes if s.slot is not None)

    def copy_keys(self) -> None:
        if self.doc is None or not self.selection.slots:
            return
        texts = [self.doc.key_text(self.selection.layer, s) for s in self.selection.slots]
        data = QMimeData()
        data.setData(KEYCODES_MIME, json.dumps(texts).encode("utf-8"))
        data.setText("\n".join(texts))
        QGuiApplication.clipboard().setMimeData(data)
        self.statusBar().showMessage(f"Copied {len(texts)} keycode{'s' if len(texts) > 1 else ''}", 3000)

    def paste_keys(self) -> None:
        if self.doc is None or not self.selection.slots:
            return
        data = QGuiApplication.clipboard().mimeData()
        texts: list[str] = []
        if data is not None and data.hasFormat(KEYCODES_MIME):
            try:
                texts = [str(t) for t in json.loads(bytes(data.data(KEYCODES_MIME).data()).decode("utf-8"))]
            except ValueError:
                texts = []
        elif data is not None and data.hasText():
            texts = [line.strip() for line in data.text().splitlines() if line.strip()]
        if texts:
            self.doc.paste(self.selection.layer, self.selection.slots, texts)

    def _undo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.undo()

    def _redo(self) -> None:
        if self.doc is not None:
            self.doc.undo_stack.redo()

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
        slot = self.selection.current
        if slot is not None:
            self.picker.expression.set_text(self.doc.key_text(self.selection.layer, slot))
        self._update_actions()

    def _on_layer_changed(self, layer: int) -> None:
        if self.layer_tabs.currentIndex() != layer:
            self.layer_tabs.blockSignals(True)
            self.layer_tabs.setCurrentIndex(layer)
            self.layer_tabs.blockSignals(False)
        self._on_selection_changed()

    def _on_layer_tab(self, index: int) -> None:
        if index >= 0:
            self.selection.set_layer(index)

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

    def _refresh_layer_tabs(self) -> None:
        if self.doc is None:
            return
        tabs = self.layer_tabs
        tabs.blockSignals(True)
        while tabs.count():
            tabs.removeTab(0)
        for index, layer in enumerate(self.doc.layout.layers):
            marked = index in self._layer_marks
            tabs.addTab(f"{index}  {layer.name}" + ("  •" if marked else ""))
            tabs.setTabToolTip(
                index, f"Layer {index}: {layer.name}" + (" (differs from the compared file)" if marked else "")
            )
            if marked:
                tabs.setTabTextColor(index, QColor(self.keyboard_view.palette_colours().changed))
        self.selection.clamp(self.doc.macro.key_count, len(self.doc.layout.layers))
        tabs.setCurrentIndex(self.selection.layer)
        tabs.blockSignals(False)

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
            if getattr(widget, "feature", None) == name:
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
        self.act_undo.setText(f"&Undo {stack.undoText()}" if stack and stack.canUndo() else "&Undo")
        self.act_redo.setText(f"&Redo {stack.redoText()}" if stack and stack.canRedo() else "&Redo")
        for action in (
            self.act_save,
            self.act_save_as,
            self.act_export,
            self.act_export_picture,
            self.act_print,
            self.act_compare,
            self.act_build,
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

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not recent:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Recent Files", self.settings.clear_recent_files)

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
        self.resizeDocks([self.layers_dock], [max(140, min(180, width // 9))], Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [max(220, min(320, width // 5))], Qt.Orientation.Horizontal)
        self.resizeDocks([self.picker_dock], [max(200, min(290, self.height() // 3))], Qt.Orientation.Vertical)

    # ---- drops ----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_layout(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if _dropped_layout(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _dropped_layout(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            if path.suffix.lower() in (".yaml", ".yml"):
                QTimer.singleShot(0, lambda: self.open_path(path))
            else:
                QTimer.singleShot(0, lambda: self.import_file(path))

    # ---- help -----------------------------------------------------------------------------

    def open_guide(self) -> None:
        from keyconf.gui.about_dialog import guide_url

        url = guide_url()
        if not url.isValid() or not QDesktopServices.openUrl(url):
            from keyconf.gui.about_dialog import guide_path

            path = guide_path()
            QMessageBox.information(
                self,
                "keyconf user guide",
                f"Open {path} in a Markdown viewer or text editor."
                if path is not None
                else "The user guide (docs/user-guide.md) is missing from this installation; "
                "it is also on keyconf's project page.",
            )

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


def _dropped_layout(data: QMimeData | None) -> Path | None:
    if data is None or not data.hasUrls():
        return None
    for url in data.urls():
        if isinstance(url, QUrl) and url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in DROPPABLE_SUFFIXES:
                return path
    return None


def _copy_layout(layout: Any) -> Any:
    import copy

    return copy.deepcopy(layout)


__all__ = ["MainWindow", "__version__"]
