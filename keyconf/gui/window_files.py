"""The window's file commands: open, save, save as, new, recent files, and the
unsaved-changes question. The file work itself runs off the GUI thread (`layout_files`)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from keyconf.gui.layout_files import (
    FileProblem,
    OpenedLayout,
    open_layout_file,
    run_file_job,
    save_layout_file,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtWidgets import QMenu

    from keyconf.gui.editor_window import EditorWindow

# The dialogs' Qt classes (QFileDialog, QMessageBox) are imported where they are used: PySide6
# makes a class's Python type, with all its enums, on first use, and the window's start does
# without them.

LAYOUT_FILTER = "keyconf layouts (*.yaml *.yml);;All files (*)"
# Layouts (opened) and other tools' files (imported) that may be dropped on the window.
DROPPABLE_SUFFIXES = (".yaml", ".yml", ".json", ".vil", ".c")


class LayoutFileCommands(QObject):
    def __init__(self, window: EditorWindow):
        super().__init__(window.window())
        self.window = window

    # ---- opening --------------------------------------------------------------------------

    def open_path(self, path: str | Path, wait: bool = False) -> None:
        w = self.window
        path = Path(path).expanduser()
        if not w.maybe_save():
            return
        if wait:
            try:
                opened = open_layout_file(path)
            except FileProblem as problem:
                self.open_failed(problem)
                return
            self.opened(opened)
            return
        w.set_busy(True, f"Opening {path.name}…")
        run_file_job(lambda: open_layout_file(path), self.opened, self.open_failed, owner=w.window())

    def open_untitled_copy(self, path: str | Path) -> None:
        w = self.window
        path = Path(path)

        def work() -> OpenedLayout:
            opened = open_layout_file(path)
            return OpenedLayout(opened.layout, opened.keyboard, None, opened.loaded)

        def done(opened: OpenedLayout) -> None:
            w.set_busy(False)
            w.set_opened(opened)
            assert w.doc is not None
            w.doc.origin = path
            w.update_title()
            w.statusBar().showMessage(
                f"A copy of the example {path.name}: Save (Ctrl+S) asks where to keep your layout", 8000
            )

        w.set_busy(True, f"Opening {path.name}…")
        run_file_job(work, done, self.open_failed, owner=w.window())

    def opened(self, opened: OpenedLayout) -> None:
        w = self.window
        w.set_busy(False)
        w.set_opened(opened)
        if opened.path is not None:
            w.settings.add_recent_file(opened.path)
        w.statusBar().showMessage(f"Opened {opened.path}", 4000)

    def open_failed(self, problem: FileProblem) -> None:
        w = self.window
        w.set_busy(False)
        w.statusBar().showMessage("Could not open the file", 6000)
        w.fileOpenFailed.emit(problem)
        w.show_file_problem("Cannot open layout", problem)

    def open_dialog(self) -> None:
        doc = self.window.doc
        start = str(doc.path.parent) if doc and doc.path else str(Path.cwd())
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self.window.window(), "Open layout", start, LAYOUT_FILTER)
        if name:
            self.open_path(name)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        settings = self.window.settings
        recent = settings.recent_files()
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
            menu.addAction("Clear Recent Files", settings.clear_recent_files)

    # ---- saving ---------------------------------------------------------------------------

    def save(self, wait: bool = False) -> bool:
        doc = self.window.doc
        if doc is None:
            return False
        if doc.path is None:
            return self.save_as(wait=wait)
        return self.save_to(doc.path, wait)

    def save_as(self, wait: bool = False) -> bool:
        doc = self.window.doc
        if doc is None:
            return False
        suggested = doc.path or self.save_folder() / f"{doc.file_stem}.yaml"
        from PySide6.QtWidgets import QFileDialog

        chosen, _ = QFileDialog.getSaveFileName(self.window.window(), "Save layout as", str(suggested), LAYOUT_FILTER)
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() not in (".yaml", ".yml"):
            path = path.with_suffix(".yaml")
        return self.save_to(path, wait)

    def save_folder(self) -> Path:
        """Where Save As starts for a new layout: the folder of the last file, else home
        (never the installation a bundled example came from)."""
        last = self.window.settings.last_file()
        if last is not None and last.parent.is_dir():
            return last.parent
        doc = self.window.doc
        return Path.cwd() if doc is None or doc.origin is None else Path.home()

    def last_folder(self) -> Path:
        doc = self.window.doc
        if doc is not None and doc.path is not None:
            return doc.path.parent
        if doc is not None and doc.origin is not None and doc.untitled_title:
            return doc.origin.parent  # an import: beside the file it came from
        return self.save_folder()

    def save_to(self, path: Path, wait: bool) -> bool:
        w = self.window
        doc = w.doc
        assert doc is not None
        layout = copy.deepcopy(doc.layout)  # the worker saves this moment's layout
        keyboard, loaded = doc.keyboard, w.loaded
        index = doc.undo_stack.index()

        def work() -> Any:
            return save_layout_file(layout, keyboard, path, loaded)

        def done(new_loaded: Any) -> None:
            w.set_busy(False)
            if doc is not w.doc:
                return
            w.loaded = new_loaded
            doc.set_path(path)
            if doc.undo_stack.index() == index:
                doc.mark_saved()
            w.settings.add_recent_file(path)
            w.statusBar().showMessage(f"Saved {path}", 4000)
            w.fileSaved.emit(str(path))

        def failed(problem: FileProblem) -> None:
            w.set_busy(False)
            w.show_file_problem("Cannot save layout", problem)

        if wait:
            try:
                done(work())
            except FileProblem as problem:
                failed(problem)
                return False
            return True
        w.set_busy(True, f"Saving {path.name}…")
        run_file_job(work, done, failed, owner=w.window())
        return True

    def maybe_save(self) -> bool:
        """Before closing or replacing a modified layout: save, discard or cancel."""
        doc = self.window.doc
        if doc is None or not doc.is_modified:
            return True
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.warning(
            self.window.window(),
            "Unsaved changes",
            f"“{doc.display_name}” has changes that are not saved.\nSave them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save(wait=True) and not doc.is_modified
        return answer == QMessageBox.StandardButton.Discard

    def new_layout(self) -> None:
        w = self.window
        if not w.maybe_save():
            return
        from keyconf.gui.new_layout_dialog import NewLayoutDialog

        dialog = NewLayoutDialog(w.window())
        if dialog.exec() and dialog.result_layout is not None:
            w.set_opened(dialog.result_layout)
            w.statusBar().showMessage("New layout: save it to keep it (Ctrl+S)", 6000)


def dropped_layout(data: QMimeData | None) -> Path | None:
    """The first local layout file (or other tool's file keyconf imports) in a drop."""
    if data is None or not data.hasUrls():
        return None
    from PySide6.QtCore import QUrl

    for url in data.urls():
        if isinstance(url, QUrl) and url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in DROPPABLE_SUFFIXES:
                return path
    return None
