"""New layout: choose a bundled board, see its preview, get a layout with a base layer."""

from __future__ import annotations

from keyconf.gui.new_layout_dialog import NewLayoutDialog


def test_search_choose_and_create(qtbot):
    dialog = NewLayoutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.search.setText("planck")
    assert dialog.list.currentItem().text() == "planck/rev6"
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    dialog.name.setText("Mine")
    dialog._create()
    opened = dialog.result_layout
    assert opened is not None and opened.path is None
    assert opened.layout.keyboard == "planck/rev6" and opened.layout.name == "Mine"
    assert "KC_Q" in opened.layout.layers[0].keys


def test_new_layout_opens_unsaved_in_the_window(window, monkeypatch):
    from keyconf.gui import new_layout_dialog

    def fake_exec(self):
        self.list.setCurrentRow(0)
        self._create()
        return 1

    monkeypatch.setattr(new_layout_dialog.NewLayoutDialog, "exec", fake_exec)
    window.new_layout()
    assert window.doc is not None and window.doc.path is None
    assert window.windowTitle().startswith(window.doc.layout.name)
