"""File → Export Picture… and Print… from the window: real SVG, PNG and PDF files, and a
print to a PDF printer through a print dialog the test accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from keyconf.gui.picture_export import PICTURE_TYPES, picture_target, print_dialog


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    return shown


def export_through_menu(window, qtbot, monkeypatch, path: Path, file_type: str) -> Path:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), file_type))
    with qtbot.waitSignal(window.exported, timeout=20_000) as written:
        window.act_export_picture.trigger()
    return Path(written.args[0])


def test_svg_has_every_layer_and_its_legends(opened, qtbot, monkeypatch, tmp_path):
    written = export_through_menu(opened, qtbot, monkeypatch, tmp_path / "corne", PICTURE_TYPES[0][0])
    assert written == tmp_path / "corne.svg"
    text = written.read_text()
    assert text.startswith("<?xml") and "<svg" in text
    for layer in opened.doc.layout.layer_names:
        assert layer in text
    assert ">Tab<" in text or ">Tab</" in text or "Tab" in text


def test_png_is_an_image(opened, qtbot, monkeypatch, tmp_path):
    written = export_through_menu(opened, qtbot, monkeypatch, tmp_path / "corne.png", "")
    image = QImage(str(written))
    assert not image.isNull() and image.width() > 400 and image.height() > 300


def test_pdf_cheat_sheet(opened, qtbot, monkeypatch, tmp_path):
    written = export_through_menu(opened, qtbot, monkeypatch, tmp_path / "sheet", PICTURE_TYPES[2][0])
    assert written.suffix == ".pdf" and written.read_bytes().startswith(b"%PDF")


def test_print_goes_through_the_print_dialog(opened, monkeypatch, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    target = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    asked = []

    def accept(dialog):
        asked.append(dialog.windowTitle())
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert print_dialog(opened, printer)
    assert asked == ["Print layout"]
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 2000


def test_cancelled_print_prints_nothing(opened, monkeypatch, tmp_path):
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "never.pdf"))
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QPrintDialog.DialogCode.Rejected)
    assert not print_dialog(opened, printer)
    assert not (tmp_path / "never.pdf").exists()


def test_picture_targets():
    assert picture_target("/x/a", "PNG image (*.png)") == Path("/x/a.png")
    assert picture_target("/x/a.PDF", "SVG picture (*.svg)") == Path("/x/a.PDF")
    assert picture_target("/x/a.b", "") == Path("/x/a.b.svg")


def test_menu_lists_the_file_commands(window):
    texts = [a.text() for a in window.file_menu.actions()]
    for wanted in ("&Import…", "&Export…", "Export &Picture…", "&Print…", "&Compare with File…"):
        assert wanted in texts
    assert not window.act_export.isEnabled()  # nothing open yet
