"""Type any keycode expression, see at once whether it is valid and what it does, and build
mod-taps, layer-taps, one-shots and modifier combinations from a small dialog
(`keycode_builder_dialog`, imported when first opened: the window's start does without it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)


class ExpressionEditor(QWidget):
    """A line edit validating as you type against the layout's parse context.

    It shows what the selected key holds (`show_key`); Assign is enabled only when the text
    is valid and differs from that, so it can never put back an older keycode."""

    assignRequested = Signal(str)

    def __init__(
        self, context: Callable[[], Any], layers: Callable[[], list[str]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._context = context
        self._layers = layers
        self.key_text: str | None = None  # what the selected key holds (None: no key selected)
        self.line = QLineEdit()
        self.line.setPlaceholderText(
            "Keycode expression, e.g. LT(nav, KC_SPC) or MT(MOD_LCTL | MOD_LSFT, KC_ESC)"
        )
        self.line.setClearButtonEnabled(True)
        self.line.setAccessibleName("Keycode expression")
        self.assign_button = QPushButton("Assign")
        self.assign_button.setToolTip("Assign this keycode to the selected keys (Enter)")
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(False)

        # One row: the box, what it means (elided; the full text is the tooltip), Assign, and
        # a menu of builders for the two-part keycodes.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.build_button = QToolButton()
        self.build_button.setText("Build…")
        self.build_button.setToolTip("Build a mod-tap, layer-tap, one-shot or modifier combination")
        self.build_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.build_button)
        for kind, title, tip in (
            ("mod_tap", "Mod-tap…", "Modifiers when held, a key when tapped"),
            ("layer_tap", "Layer-tap…", "A layer when held, a key when tapped"),
            ("one_shot", "One-shot…", "Modifiers or a layer for the next key only"),
            ("mods", "Modifiers + key…", "A key sent with modifiers held (e.g. Ctrl+Shift+T)"),
        ):
            action = menu.addAction(title)
            action.triggered.connect(lambda _=False, k=kind: self.open_builder(k))
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.build_button.setMenu(menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Expression:"))
        row.addWidget(self.line, 3)
        row.addWidget(self.status, 2)
        row.addWidget(self.assign_button)
        row.addWidget(self.build_button)

        self.line.textChanged.connect(self.validate)
        self.line.returnPressed.connect(self.request_assign)
        self.assign_button.clicked.connect(self.request_assign)
        self.validate()

    def show_key(self, text: str | None) -> None:
        """The selected key now holds `text` (None: no key selected): show it."""
        self.key_text = text
        if text is not None and self.line.text() != text:
            self.line.setText(text)
        else:
            self.validate()

    def set_text(self, text: str) -> None:
        """Put `text` in the box (the key's content is unchanged: Assign becomes possible)."""
        if self.line.text() != text:
            self.line.setText(text)

    def differs_from_key(self) -> bool:
        """Whether assigning the box would change the selected key."""
        if self.key_text is None:
            return True
        return " ".join(self.text().split()) != " ".join(self.key_text.split())

    def text(self) -> str:
        return self.line.text().strip()

    def validate(self) -> bool:
        """Parse the text; show the legend and description, or the error with its column."""
        text = self.text()
        if not text:
            self._show("", ok=None)
            self.assign_button.setEnabled(False)
            return False
        from keyconf.model.keycodes import REGISTRY, KeycodeError  # built on first use, not at start

        context = self._context()
        try:
            kc = REGISTRY.parse(text, context)
        except KeycodeError as error:
            where = f" at column {error.column + 1}" if error.column is not None else ""
            hint = f" — {error.hint}" if error.hint else ""
            self._show(f"✗ {error.message}{where}{hint}", ok=False)
            self.assign_button.setEnabled(False)
            return False
        legend = REGISTRY.legend(kc, context)
        shown = legend.tap if not legend.hold else f"{legend.tap} / {legend.hold}"
        description = REGISTRY.describe(kc, context) or ""
        differs = self.differs_from_key()
        note = "" if differs else " (the selected key holds this)"
        self._show(f"✓ {shown}" + (f" — {description}" if description else "") + note, ok=True)
        self.assign_button.setEnabled(differs)
        return True

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide_status()

    def _elide_status(self) -> None:
        text = getattr(self, "status_text", "")
        width = max(0, self.status.width())
        self.status.setText(self.status.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))

    def request_assign(self) -> None:
        if self.validate() and self.differs_from_key():
            self.assignRequested.emit(self.text())

    def open_builder(self, kind: str) -> None:
        from PySide6.QtWidgets import QDialog

        from keyconf.gui.keycode_builder_dialog import KeycodeBuilderDialog

        dialog = KeycodeBuilderDialog(kind, self._layers(), self._context, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_text:
            self.line.setText(dialog.result_text)
            self.line.setFocus()

    def _show(self, message: str, ok: bool | None) -> None:
        self.status_text = message
        self._elide_status()
        self.status.setToolTip(message)
        palette = self.status.palette()
        if ok is False:
            colour = (
                "#d93025" if self.palette().color(QPalette.ColorRole.Window).lightness() > 127 else "#ff8a80"
            )
            self.status.setStyleSheet(f"color: {colour};")
        else:
            self.status.setStyleSheet("")
        self.status.setPalette(palette)
        self.line.setProperty("invalid", ok is False)
