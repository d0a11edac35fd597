"""New layout: choose a keyboard from the catalogue (bundled boards and your qmk_firmware
tree, searched as you type, previewed by the keycap painter) and one of its layout macros;
the layout starts with a sensible base layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit, QWidget

from keyconf.gui.keyboard_chooser import ChooseKeyboardDialog
from keyconf.gui.layout_files import OpenedLayout

if TYPE_CHECKING:
    from keyconf.catalogue.catalogue import Catalogue


class NewLayoutDialog(ChooseKeyboardDialog):
    def __init__(self, parent: QWidget | None = None, *, catalogue: Catalogue | None = None):
        super().__init__(parent, title="New layout", ok_text="Create", catalogue=catalogue)
        self.result_layout: OpenedLayout | None = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("My layout")
        self.name.setAccessibleName("Layout name")
        self.panel.form.addRow("Name:", self.name)

    def _accept_choice(self) -> None:
        self._create()

    def _create(self) -> None:
        self.result_layout = self.panel.opened_layout(self.name.text().strip())
        if self.result_layout is not None:
            self.accept()
