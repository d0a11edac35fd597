"""What is carried by drag and drop inside the editor: a keycode from the picker, or a key
of the keyboard view (to swap). Plain text is set too, so a keycode dropped into any
text field arrives as its name."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

KEYCODE_MIME = "application/x-keyconf-keycode"
KEY_SLOT_MIME = "application/x-keyconf-key-slot"


def keycode_mime(text: str) -> QMimeData:
    data = QMimeData()
    data.setData(KEYCODE_MIME, text.encode("utf-8"))
    data.setText(text)
    return data


def key_slot_mime(layer: int, slot: int, text: str) -> QMimeData:
    data = QMimeData()
    data.setData(KEY_SLOT_MIME, json.dumps({"layer": layer, "slot": slot}).encode("utf-8"))
    data.setText(text)
    return data


def dropped_keycode(data: QMimeData) -> str | None:
    if data.hasFormat(KEYCODE_MIME):
        return bytes(data.data(KEYCODE_MIME).data()).decode("utf-8")
    return None


def dropped_slot(data: QMimeData) -> tuple[int, int] | None:
    if not data.hasFormat(KEY_SLOT_MIME):
        return None
    try:
        value = json.loads(bytes(data.data(KEY_SLOT_MIME).data()).decode("utf-8"))
        return int(value["layer"]), int(value["slot"])
    except (ValueError, KeyError, TypeError):
        return None
