"""Keyboard → Host Language…: the language the computer the keyboard is plugged into types in.

The choice is one undoable edit of the open layout (`LayoutDocument.set_host_language`): keys
are respelled in the new language's names and their legends follow."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from keyconf.gui.editor_window import EditorWindow
from keyconf.model.keycodes.languages import host_languages

US_ENGLISH = "US English"  # no host language: QMK's KC_ names are what a US layout types


def choose_host_language(window: EditorWindow) -> None:
    doc = window.doc
    if doc is None:
        return
    languages = sorted(host_languages().values(), key=lambda language: language.title)
    titles = [US_ENGLISH] + [f"{language.title} ({language.name})" for language in languages]
    current = doc.layout.host_language
    index = next((i + 1 for i, language in enumerate(languages) if language.name == current), 0)
    title, ok = QInputDialog.getItem(
        window.window(), "Host Language", "The computer this keyboard is plugged into types in:", titles, index, False
    )
    if ok:
        doc.set_host_language(None if titles.index(title) == 0 else languages[titles.index(title) - 1].name)
