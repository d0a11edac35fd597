"""Help: About keyconf (version, Qt and the licences of what it is built on) and the guide."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from keyconf import __version__

DEPENDENCIES = ("PySide6-Essentials", "shiboken6", "PyYAML", "hid", "platformdirs", "hjson", "qmk")


def dependency_licences() -> list[tuple[str, str, str]]:
    """(name, version, licence) of each dependency as its installed metadata says."""
    rows = []
    for name in DEPENDENCIES:
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed", ""))
            continue
        licence = _field(meta, "License-Expression")
        if not licence:
            raw = _field(meta, "License").strip()
            licence = raw if raw and len(raw) < 60 and "\n" not in raw else ""
        if not licence:
            classifiers = [
                c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License")
            ]
            licence = ", ".join(classifiers)
        rows.append((name, _field(meta, "Version") or "?", licence or "see the package"))
    return rows


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name)
    return str(values[0]) if values else ""


def guide_path() -> Path | None:
    """The user guide: docs/ of a checkout, or the copy an installed keyconf carries."""
    from keyconf.resources import resource_path

    try:
        return resource_path("docs/user-guide.md")
    except FileNotFoundError:
        return None


def guide_url() -> QUrl:
    path = guide_path()
    return QUrl.fromLocalFile(str(path)) if path is not None else QUrl()


def open_user_guide(parent: QWidget) -> None:
    """Open the guide in the desktop's viewer, or say where it is when nothing opens it."""
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    url = guide_url()
    if not url.isValid() or not QDesktopServices.openUrl(url):
        path = guide_path()
        QMessageBox.information(
            parent,
            "keyconf user guide",
            f"Open {path} in a Markdown viewer or text editor."
            if path is not None
            else "The user guide (docs/user-guide.md) is missing from this installation; "
            "it is also on keyconf's project page.",
        )


def about_html() -> str:
    rows = "".join(
        f"<tr><td>{name}</td><td>{version}</td><td>{licence}</td></tr>"
        for name, version, licence in dependency_licences()
    )
    return (
        f"<h2>keyconf {__version__}</h2>"
        "<p>A desktop keyboard layout configurator for QMK keyboards.<br>"
        "Licensed under the GNU General Public License, version 2 or later.</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}<br>"
        "Qt is © The Qt Company and is used under the GNU LGPL version 3; PySide6 likewise.</p>"
        "<h3>Built on</h3>"
        f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>Package</th><th align='left'>Version</th>"
        f"<th align='left'>Licence</th></tr>{rows}</table>"
        "<p>Keyboard definitions and keycode facts come from the QMK firmware project (GPL-2.0-or-later).</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About keyconf")
        self.resize(560, 520)
        text = QTextBrowser()
        text.setOpenExternalLinks(True)
        text.setHtml(about_html())
        guide = guide_url()
        link = QLabel(f"<a href='{guide.toString()}'>Open the user guide</a>" if guide.isValid() else "")
        link.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text, 1)
        layout.addWidget(link)
        layout.addWidget(buttons)
