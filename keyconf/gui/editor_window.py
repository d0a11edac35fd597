"""What the window's parts may use of the main window.

Import, export, pictures, comparison, firmware, files, key commands and the keyboard features
(device_features) are written against this protocol, not `MainWindow`, so `main_window`
imports its parts and no part imports it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QStatusBar, QToolBar, QWidget

    from keyconf.gui.document import LayoutDocument
    from keyconf.gui.keyboard_view import KeyboardView
    from keyconf.gui.layout_files import FileProblem, OpenedLayout
    from keyconf.gui.selection import SelectionModel
    from keyconf.gui.settings import EditorSettings


class EditorWindow(Protocol):
    doc: LayoutDocument | None
    selection: SelectionModel
    settings: EditorSettings
    keyboard_view: KeyboardView
    problems_dock: QDockWidget
    # Set and read by the parts (each names its own):
    loaded: Any  # LoadedLayout of the open file, for surgical saves
    comparison: Any
    import_notes: Any
    keyboard_question: Any
    build_dialog: Any
    flash_dialog: Any
    device_features: Any
    # Signals (SignalInstance at run time)
    documentChanged: Any  # noqa: N815 (Qt's naming)
    fileOpenFailed: Any  # noqa: N815
    fileSaved: Any  # noqa: N815
    exported: Any

    def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def window(self) -> QWidget: ...  # the window itself, as a dialogs' parent

    def set_busy(self, busy: bool, message: str = "") -> None: ...

    def set_opened(self, opened: OpenedLayout) -> None: ...

    def show_file_problem(self, title: str, problem: FileProblem) -> None: ...

    def last_folder(self) -> Path: ...

    def maybe_save(self) -> bool: ...

    def update_title(self, *_args: object) -> None: ...

    def set_layer_marks(self, layers: set[int]) -> None: ...

    def go_to_problem(self, problem: Any) -> None: ...

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget: ...

    def add_keyboard_action(self, action: QAction) -> None: ...

    def addToolBar(self, area: Qt.ToolBarArea, toolbar: QToolBar) -> None: ...  # noqa: N802

    def tabifyDockWidget(self, first: QDockWidget, second: QDockWidget) -> None: ...  # noqa: N802
