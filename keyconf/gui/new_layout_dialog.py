"""New layout: choose a bundled keyboard (searchable, with a preview drawn by the keycap
painter) and a layout macro; the layout starts with a sensible base layer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.layout_files import OpenedLayout
from keyconf.model.keyboard import Keyboard
from keyconf.model.starter_layout import starter_layout
from keyconf.render.keycap_faces import FaceBuilder
from keyconf.render.keycap_painter import KeycapPainter
from keyconf.render.keycap_palette import palette_for
from keyconf.render.scene import build_scene, fit_unit


class NewLayoutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New layout")
        self.resize(980, 560)
        self.result_layout: OpenedLayout | None = None
        self._keyboard: Keyboard | None = None
        from keyconf.catalogue.bundled import bundled_keyboards

        self._loaders = bundled_keyboards()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search keyboards")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        for name in sorted(self._loaders):
            self.list.addItem(QListWidgetItem(name))
        self.macro = QComboBox()
        self.name = QLineEdit()
        self.name.setPlaceholderText("My layout")
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(560, 260)
        self.info = QLabel()
        self.info.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        form = QFormLayout()
        form.addRow("Layout macro:", self.macro)
        form.addRow("Name:", self.name)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.info)
        right.addLayout(form)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 3)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(row, 1)
        outer.addWidget(self.buttons)
        self.search.textChanged.connect(self._filter)
        self.list.currentTextChanged.connect(self._choose)
        self.macro.currentTextChanged.connect(self._draw)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _filter(self, text: str) -> None:
        q = text.strip().lower()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = bool(q) and q not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = i
        if first is not None and (self.list.currentItem() is None or self.list.currentItem().isHidden()):
            self.list.setCurrentRow(first)

    def _choose(self, name: str) -> None:
        if not name:
            return
        self._keyboard = self._loaders[name]()
        kb = self._keyboard
        self.macro.blockSignals(True)
        self.macro.clear()
        self.macro.addItems(list(kb.layouts))
        self.macro.blockSignals(False)
        self.info.setText(
            f"<b>{kb.display_name or kb.name}</b> {('by ' + kb.manufacturer) if kb.manufacturer else ''}"
        )
        self._draw()

    def _layout(self) -> OpenedLayout | None:
        if self._keyboard is None or not self.macro.currentText():
            return None
        layout = starter_layout(self._keyboard, self.macro.currentText(), self.name.text().strip() or None)
        return OpenedLayout(layout, self._keyboard, None, None)

    def _draw(self, *_args: object) -> None:
        opened = self._layout()
        if opened is None:
            return
        macro = opened.keyboard.layout(opened.layout.layout_macro)
        width, height = self.preview.width() or 560, self.preview.height() or 260
        unit = min(60.0, fit_unit(macro, width, height, margin=10))
        scene = build_scene(macro, unit, margin=10)
        faces = FaceBuilder(opened.layout).layer_faces(opened.layout, 0)
        dark = self.palette().color(self.backgroundRole()).lightness() < 128
        ratio = self.devicePixelRatioF()
        image = KeycapPainter(palette_for(dark), self.font()).render_image(
            scene, faces, device_pixel_ratio=ratio
        )
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _create(self) -> None:
        self.result_layout = self._layout()
        if self.result_layout is not None:
            self.accept()
