"""Keyboard → Host Language…: the window shows what keys type on the computer's language."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from keyconf.formats.yaml_layout import load_layout


def test_choosing_german_relabels_keys_and_respells_them(opened, qtbot, monkeypatch, layout_file):
    window = opened
    doc = window.doc
    slot = doc.layout.layers[0].keys.index("KC_Y")
    offered: list[list[str]] = []

    def pick(parent, title, label, items, current, editable):
        offered.append(list(items))
        return next(i for i in items if i.endswith("(german)")), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.act_host_language.trigger()
    assert offered and offered[0][0] == "US English" and len(offered[0]) > 60
    assert doc.layout.host_language == "german"
    assert doc.key_text(0, slot) == "DE_Z"
    assert window.keyboard_view.faces(0)[slot].tap == "Z"
    window.picker.search.setText("KC_Y")
    assert [e.code for e in window.picker.entries_shown()][:1] == ["DE_Z"]
    window.save()
    qtbot.waitUntil(lambda: not doc.is_modified, timeout=10000)
    saved = load_layout(layout_file).layout
    assert saved.host_language == "german" and saved.layers[0].keys[slot] == "DE_Z"
    window.act_undo.trigger()
    assert doc.layout.host_language is None and doc.key_text(0, slot) == "KC_Y"
    assert window.keyboard_view.faces(0)[slot].tap == "Y"
