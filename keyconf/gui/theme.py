"""An explicit light or dark palette (`keyconf --dark` / `--light`, and screenshots).

Normally the editor follows the system palette; the keycap colours follow whichever
palette is in force (see `keyconf.render.keycap_palette`)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

_DARK = {
    QPalette.ColorRole.Window: "#2b2d31",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#1e2023",
    QPalette.ColorRole.AlternateBase: "#26282c",
    QPalette.ColorRole.ToolTipBase: "#3c4043",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#35373c",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.PlaceholderText: "#8e9297",
    QPalette.ColorRole.Mid: "#3c3f44",
    QPalette.ColorRole.Dark: "#18191c",
    QPalette.ColorRole.Light: "#45484e",
    QPalette.ColorRole.Midlight: "#3a3d42",
    QPalette.ColorRole.Shadow: "#0c0c0d",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#eceef1",
    QPalette.ColorRole.WindowText: "#1f2329",
    QPalette.ColorRole.Base: "#f7f8fa",
    QPalette.ColorRole.AlternateBase: "#eef0f3",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#1f2329",
    QPalette.ColorRole.Text: "#1f2329",
    QPalette.ColorRole.Button: "#e4e7eb",
    QPalette.ColorRole.ButtonText: "#1f2329",
    QPalette.ColorRole.BrightText: "#000000",
    QPalette.ColorRole.Highlight: "#1a73e8",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#1a5fc8",
    QPalette.ColorRole.PlaceholderText: "#80868b",
}


def apply_palette(app: QApplication, dark: bool) -> None:
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    palette = QPalette()
    for role, colour in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    disabled = QColor("#6b6f75" if dark else "#a0a4aa")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)


def outcome_colour(widget: QWidget, ok: bool) -> str:
    """A readable green or red for a result line on `widget`'s background (light or dark)."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    if ok:
        return "#6ccf7a" if dark else "#1b7a1b"
    return "#ff7b72" if dark else "#b00020"
