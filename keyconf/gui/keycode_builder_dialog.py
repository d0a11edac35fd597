"""The small dialog behind the expression box's Build… menu: pick modifiers, a layer and a key
for a mod-tap, layer-tap, one-shot or modifier combination (`keycode_builders` spells them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui import keycode_builders as builders


class KeycodeBuilderDialog(QDialog):
    """Pick modifiers, a layer and a key; the dialog spells the keycode and validates it."""

    TITLES = {
        "mod_tap": "Mod-tap",
        "layer_tap": "Layer-tap",
        "one_shot": "One-shot",
        "mods": "Modifiers + key",
    }

    def __init__(
        self, kind: str, layers: list[str], context: Callable[[], Any], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.kind = kind
        self._context = context
        self.result_text = ""
        self.setWindowTitle(self.TITLES[kind])
        form = QFormLayout()
        self.mod_boxes: dict[str, QCheckBox] = {}
        if kind in ("mod_tap", "one_shot", "mods"):
            mods_row = QHBoxLayout()
            for mod in builders.MODIFIERS:
                box = QCheckBox(builders.MOD_LABELS[mod])
                box.toggled.connect(self._update)
                self.mod_boxes[mod] = box
                mods_row.addWidget(box)
            self.right = QCheckBox("Right-hand modifiers")
            self.right.toggled.connect(self._update)
            mods_row.addWidget(self.right)
            form.addRow("Modifiers:", mods_row)
        self.layer = QComboBox()
        self.layer.addItems(layers)
        self.layer.currentIndexChanged.connect(self._update)
        if kind == "one_shot":
            self.one_shot_layer = QCheckBox("A layer instead of modifiers")
            self.one_shot_layer.toggled.connect(self._update)
            form.addRow("", self.one_shot_layer)
            form.addRow("Layer:", self.layer)
        if kind == "layer_tap":
            form.addRow("Layer when held:", self.layer)
        self.key = QLineEdit()
        self.key.setPlaceholderText("KC_SPC")
        self.key.textChanged.connect(self._update)
        if kind in ("mod_tap", "layer_tap"):
            form.addRow("Key when tapped:", self.key)
        elif kind == "mods":
            form.addRow("Key:", self.key)
        self.preview = QLabel()
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Keycode:", self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update()

    def chosen_mods(self) -> list[str]:
        return [m for m, box in self.mod_boxes.items() if box.isChecked()]

    def build(self) -> str:
        """The keycode text for the current choices (raises ValueError when incomplete)."""
        mods = self.chosen_mods()
        right = bool(self.mod_boxes) and self.right.isChecked()
        key = self.key.text().strip()
        if self.kind == "mod_tap":
            if not key:
                raise ValueError("type the key to send when tapped")
            return builders.mod_tap(mods, key, right)
        if self.kind == "layer_tap":
            if not key:
                raise ValueError("type the key to send when tapped")
            return builders.layer_tap(self.layer.currentText(), key)
        if self.kind == "one_shot":
            if self.one_shot_layer.isChecked():
                return builders.one_shot_layer(self.layer.currentText())
            return builders.one_shot_mods(mods, right)
        if not key:
            raise ValueError("type the key to send")
        return builders.with_mods(mods, key, right)

    def _update(self) -> None:
        from keyconf.model.keycodes import REGISTRY, KeycodeError

        if self.kind == "one_shot":
            as_layer = self.one_shot_layer.isChecked()
            self.layer.setEnabled(as_layer)
            for box in self.mod_boxes.values():
                box.setEnabled(not as_layer)
        ok_button = (
            self.buttons.button(QDialogButtonBox.StandardButton.Ok) if hasattr(self, "buttons") else None
        )
        try:
            text = self.build()
            REGISTRY.parse(text, self._context())
        except ValueError as error:  # KeycodeError is a ValueError
            message = error.message if isinstance(error, KeycodeError) else str(error)
            self.preview.setText(f"✗ {message}")
            self.result_text = ""
            if ok_button:
                ok_button.setEnabled(False)
            return
        self.preview.setText(text)
        self.result_text = text
        if ok_button:
            ok_button.setEnabled(True)
