"""Edits of the selected keys: assign, clear, copy, paste, select all, undo and redo.
The edits themselves are `LayoutDocument` commands; this is their window end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from keyconf.gui.editor_window import EditorWindow

KEYCODES_MIME = "application/x-keyconf-keycodes"


class KeyCommands(QObject):
    def __init__(self, window: EditorWindow):
        super().__init__(window.window())
        self.window = window

    def assign(self, text: str) -> bool:
        w = self.window
        if w.doc is None:
            return False
        slots = w.selection.slots
        if not slots:
            w.statusBar().showMessage("Select a key first: click it on the keyboard.", 4000)
            return False
        done = w.doc.assign(w.selection.layer, slots, text)
        if done:
            w.statusBar().showMessage(f"{text} → {len(slots)} key{'s' if len(slots) > 1 else ''}", 3000)
        return done

    def clear(self, transparent: bool) -> None:
        w = self.window
        if w.doc is not None and w.selection.slots:
            w.doc.clear(w.selection.layer, w.selection.slots, transparent)

    def select_all(self) -> None:
        w = self.window
        scene = w.keyboard_view.scene()
        if scene is not None:
            w.selection.select_many(s.slot for s in scene.shapes if s.slot is not None)

    def copy(self) -> None:
        w = self.window
        if w.doc is None or not w.selection.slots:
            return
        texts = [w.doc.key_text(w.selection.layer, s) for s in w.selection.slots]
        data = QMimeData()
        data.setData(KEYCODES_MIME, json.dumps(texts).encode("utf-8"))
        data.setText("\n".join(texts))
        QGuiApplication.clipboard().setMimeData(data)
        w.statusBar().showMessage(f"Copied {len(texts)} keycode{'s' if len(texts) > 1 else ''}", 3000)

    def paste(self) -> None:
        w = self.window
        if w.doc is None or not w.selection.slots:
            return
        data = QGuiApplication.clipboard().mimeData()
        texts: list[str] = []
        if data is not None and data.hasFormat(KEYCODES_MIME):
            try:
                texts = [str(t) for t in json.loads(bytes(data.data(KEYCODES_MIME).data()).decode("utf-8"))]
            except ValueError:
                texts = []
        elif data is not None and data.hasText():
            texts = [line.strip() for line in data.text().splitlines() if line.strip()]
        if texts:
            w.doc.paste(w.selection.layer, w.selection.slots, texts)

    def undo(self) -> None:
        if self.window.doc is not None:
            self.window.doc.undo_stack.undo()

    def redo(self) -> None:
        if self.window.doc is not None:
            self.window.doc.undo_stack.redo()
