"""New layout: search the catalogue as you type, see the board, pick a layout macro, get a
layout with a base layer. With only the bundled boards, the chooser says how to see more."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.qmk_home import QmkCliConfig
from keyconf.gui.new_layout_dialog import NewLayoutDialog
from tests.catalogue.synthetic_qmk import make_qmk_tree


def catalogue(tmp_path: Path, tree: Path | None = None) -> Catalogue:
    return Catalogue.open(
        tree,
        environ={},
        qmk_config=QmkCliConfig(),
        home=tmp_path / "home",
        definitions_dir=tmp_path / "defs",
        cache_dir=tmp_path / "cache",
    )


def ready_dialog(qtbot, tmp_path: Path, tree: Path | None = None) -> NewLayoutDialog:
    dialog = NewLayoutDialog(catalogue=catalogue(tmp_path, tree))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.panel.ready, timeout=20_000):
        dialog.show()
    return dialog


def wait_for_board(qtbot, dialog: NewLayoutDialog, name: str) -> None:
    qtbot.waitUntil(lambda: dialog.keyboard is not None and dialog.keyboard.name == name, timeout=10_000)


def test_bundled_boards_search_choose_and_create(qtbot, tmp_path):
    dialog = ready_dialog(qtbot, tmp_path)
    panel = dialog.panel
    assert panel.notice.isVisible()
    assert "no qmk_firmware tree found: listing the" in panel.notice.text()
    assert "keyboards bundled with keyconf" in panel.notice.text() and "qmk setup" in panel.notice.text()
    assert "bundled" in panel.list.item(0).text() or "VIA" in panel.list.item(0).text()
    assert dialog.search.hasFocus()
    qtbot.keyClicks(dialog.search, "planck rev6")
    assert dialog.list.count() >= 1
    assert "planck/rev6" in dialog.list.currentItem().text()
    assert panel.summary.text().endswith(("match", "matches"))
    wait_for_board(qtbot, dialog, "planck/rev6")
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    macros = [panel.macro.itemData(i) for i in range(panel.macro.count())]
    assert "LAYOUT_ortho_4x12" in macros and len(macros) > 1  # the board's macros to choose from
    panel.macro.setCurrentIndex(macros.index("LAYOUT_planck_1x2uC"))
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Create"
    dialog.name.setText("Mine")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    opened = dialog.result_layout
    assert opened is not None and opened.path is None
    assert opened.layout.keyboard == "planck/rev6" and opened.layout.name == "Mine"
    assert opened.layout.layout_macro == "LAYOUT_planck_1x2uC"
    assert len(opened.layout.layers[0].keys) == 47
    assert "KC_Q" in opened.layout.layers[0].keys


def test_nothing_matches(qtbot, tmp_path):
    dialog = ready_dialog(qtbot, tmp_path)
    qtbot.keyClicks(dialog.search, "zzqxjv")
    assert dialog.list.count() == 0
    assert dialog.panel.summary.text() == "no keyboard matches 'zzqxjv'"
    assert not dialog.ok_button.isEnabled()


def test_a_qmk_tree_adds_its_boards_and_typing_finds_one(qtbot, tmp_path):
    tree = make_qmk_tree(tmp_path / "qmk_firmware", 60, seed=3)
    dialog = ready_dialog(qtbot, tmp_path, tree.root)
    assert not dialog.panel.notice.isVisible()
    assert dialog.panel.summary.text().endswith("keyboards")
    for typed in "corne":
        qtbot.keyClick(dialog.search, typed)
    assert "crkbd/rev1" in dialog.list.currentItem().text()
    assert "Corne" in dialog.list.currentItem().text()
    wait_for_board(qtbot, dialog, "crkbd/rev1")
    # Arrow keys in the search box walk the list; Enter creates.
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Up)
    assert dialog.list.currentRow() == 0
    wait_for_board(qtbot, dialog, "crkbd/rev1")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.result_layout is not None
    assert dialog.result_layout.layout.keyboard == "crkbd/rev1"


def test_new_layout_opens_unsaved_in_the_window(window, monkeypatch, qtbot):
    from keyconf.gui import new_layout_dialog

    def fake_exec(self):
        qtbot.waitUntil(lambda: self.macro_name is not None, timeout=20_000)
        self._create()
        return 1

    monkeypatch.setattr(new_layout_dialog.NewLayoutDialog, "exec", fake_exec)
    window.new_layout()
    assert window.doc is not None and window.doc.path is None
    assert window.windowTitle().startswith(window.doc.layout.name)


@pytest.fixture(autouse=True)
def _no_user_tree(monkeypatch, tmp_path):
    """The window's own chooser must not find a tree on this machine."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QMK_HOME", raising=False)
    from keyconf.gui import keyboard_chooser

    monkeypatch.setattr(keyboard_chooser, "_SHARED", {})


def test_with_no_tree_boards_are_found_by_name_and_by_typing_a_usb_id(qtbot, tmp_path):
    """A VIA user with no qmk_firmware tree: the bundled catalogue knows their board."""
    dialog = ready_dialog(qtbot, tmp_path)
    qtbot.keyClicks(dialog.search, "3434:0280")
    # Keychron's own QMK fork's board first (its layout macros are a keymap.c's), then VIA's definition
    assert "keychron/k8_pro/ansi/rgb" in dialog.list.currentItem().text()
    assert "Keychron fork" in dialog.list.currentItem().text()
    assert "Keychron K8 Pro ANSI RGB" in dialog.list.item(1).text()
    wait_for_board(qtbot, dialog, "keychron/k8_pro/ansi/rgb")
    assert dialog.keyboard is not None and dialog.keyboard.layout().key_count == 87
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "iris rev4")
    assert "keebio/iris/rev4" in dialog.list.currentItem().text()
    wait_for_board(qtbot, dialog, "keebio/iris/rev4")
    assert dialog.ok_button.isEnabled()
    dialog.grab().save(str(tmp_path / "chooser.png"))
