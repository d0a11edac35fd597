"""File → Export Picture… (SVG, PNG, a one-page PDF cheat sheet) and Print…: every layer
drawn as its keyboard by the same keycap painter as the window (`keyconf.render.export`).

Pictures are written off the GUI thread. Printing goes through Qt's print dialog
(QtPrintSupport ships with PySide6-Essentials); the page is laid out like the PDF sheet.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyconf.gui.layout_files import FileProblem, run_file_job

if TYPE_CHECKING:
    from keyconf.gui.editor_window import EditorWindow

# (filter, suffix) of the picture types, in the dialog's order.
PICTURE_TYPES: tuple[tuple[str, str], ...] = (
    ("SVG picture (*.svg)", ".svg"),
    ("PNG image (*.png)", ".png"),
    ("PDF cheat sheet, one page (*.pdf)", ".pdf"),
)
PICTURE_FILTER = ";;".join(name for name, _ in PICTURE_TYPES)


def picture_target(file_name: str, selected_filter: str) -> Path:
    """The path to write: the chosen type's suffix is added unless the name has a picture suffix."""
    path = Path(file_name)
    if path.suffix.lower() in {suffix for _, suffix in PICTURE_TYPES}:
        return path
    suffix = next((s for name, s in PICTURE_TYPES if name == selected_filter), ".svg")
    return path.with_name(path.name + suffix)


def export_picture_dialog(window: EditorWindow) -> None:
    from PySide6.QtWidgets import QFileDialog

    doc = window.doc
    if doc is None:
        return
    suggested = str(window.last_folder() / f"{doc.file_stem}.svg")
    name, chosen = QFileDialog.getSaveFileName(window.window(), "Export picture", suggested, PICTURE_FILTER)
    if name:
        export_picture(window, picture_target(name, chosen))


def export_picture(window: EditorWindow, path: Path, dark: bool | None = None) -> None:
    """Write every layer to `path` in the background. SVG and PNG follow the window's
    light or dark look; the PDF is always light (it is for printing)."""
    doc = window.doc
    assert doc is not None
    if dark is None:
        dark = window.keyboard_view.is_dark() and path.suffix.lower() != ".pdf"
    layout, keyboard = copy.deepcopy(doc.layout), doc.keyboard

    def work() -> Path:
        from keyconf.render.export import PictureError, write_picture

        try:
            write_picture(path, layout, keyboard, dark=dark)
        except PictureError as error:
            raise FileProblem(error.message, str(path), hint=error.hint) from None
        return path

    def done(written: Path) -> None:
        window.set_busy(False)
        window.statusBar().showMessage(f"Picture written: {written}", 6000)
        window.exported.emit(str(written))

    def failed(problem: FileProblem) -> None:
        window.set_busy(False)
        window.show_file_problem("Cannot write the picture", problem)

    window.set_busy(True, f"Drawing {path.name}…")
    run_file_job(work, done, failed, owner=window.window())


def print_dialog(window: EditorWindow, printer: Any = None) -> bool:
    """Ask how to print, then print every layer on one page. False when cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    doc = window.doc
    if doc is None:
        return False
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc.display_name)
    from PySide6.QtGui import QPageLayout

    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintDialog(printer, window.window())
    dialog.setWindowTitle("Print layout")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    try:
        print_layout(printer, doc.layout, doc.keyboard)
    except FileProblem as problem:
        window.show_file_problem("Cannot print", problem)
        return False
    window.statusBar().showMessage("Sent to the printer", 4000)
    return True


def print_layout(printer: Any, layout: Any, keyboard: Any) -> None:
    """Every layer on one page of `printer`, laid out as the PDF cheat sheet (light colours)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter

    from keyconf.render.export import PictureError, SheetPainter, best_columns, build_sheet
    from keyconf.render.keycap_palette import palette_for

    try:
        sheet = build_sheet(layout, keyboard)
    except PictureError as error:
        raise FileProblem(error.message, hint=error.hint) from None
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    best_columns(sheet, page.width() / max(1, page.height()))
    painter = QPainter()
    if not painter.begin(printer):
        raise FileProblem("the printer could not be started", hint="check the printer settings")
    try:
        scale = min(page.width() / sheet.width, page.height() / sheet.height)
        painter.translate(QPointF((page.width() - sheet.width * scale) / 2, 0))
        painter.scale(scale, scale)
        SheetPainter(layout, palette_for(False)).paint(painter, sheet)
    finally:
        painter.end()
