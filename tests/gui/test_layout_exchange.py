"""File → Import… and Export… driven through the menu with the file dialogs answered by the
test: VIA and Vial saves, QMK keymap.json and keymap.c in; every export format out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

pytest.importorskip("keyconf.formats.interchange", reason="the interchange formats are not on this branch yet")

from keyconf.gui.layout_exchange import (  # noqa: E402
    EXPORT_TYPES,
    IMPORT_TYPES,
    export_target,
    import_for_editor,
    import_format,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "formats" / "data" / "interchange"
ALL_LAYOUTS = IMPORT_TYPES[0][0]


@pytest.fixture
def answer_open(monkeypatch):
    """Make the next File → Import dialog answer `path` (with an optional file type)."""

    def answer(path: Path, file_type: str = ALL_LAYOUTS) -> None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), file_type))

    return answer


@pytest.fixture
def answer_save(monkeypatch):
    def answer(path: Path, file_type: str) -> None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), file_type))

    return answer


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    """Error boxes are recorded instead of shown (a modal box would stop the test)."""
    shown = []

    def exec_(box):
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def copy_data(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(DATA / name, target)
    return target


def test_import_a_via_save_through_the_file_menu(window, qtbot, isolated_user, tmp_path, answer_open, answer_save):
    source = copy_data(tmp_path, "corne.layout.json")
    answer_open(source)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.doc is not None, timeout=15_000)
    doc = window.doc
    assert doc.keyboard.name == "crkbd/rev1"  # matched by the save's USB id
    assert doc.path is None and not doc.is_modified
    assert "(imported from corne.layout.json)" in window.windowTitle()
    assert len(doc.layout.layers) >= 2 and doc.layout.layers[0].keys[0] == "KC_TAB"
    assert doc.layout.macros, "the VIA macros came along"
    assert "Imported corne.layout.json" in window.statusBar().currentMessage()
    # Saving asks for a name (it is a new keyconf layout) and writes YAML.
    target = tmp_path / "corne-from-via.yaml"
    answer_save(target, "")
    window.save()
    qtbot.waitUntil(lambda: target.exists() and window.doc.path == target, timeout=10_000)
    assert "keyboard: crkbd/rev1" in target.read_text()


def test_import_a_qmk_keymap_json(window, qtbot, isolated_user, tmp_path, answer_open):
    source = copy_data(tmp_path, "kyria_macros.keymap.json")
    answer_open(source, "QMK keymap.json (*.json)")
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.doc is not None, timeout=15_000)
    doc = window.doc
    assert doc.keyboard.name == "splitkb/kyria/rev3"
    assert doc.layout.layout_macro == "LAYOUT_split_3x6_5"
    assert doc.layout.layers[0].keys[:3] == ["KC_ESC", "KC_Q", "KC_W"]
    assert doc.layout.macros
    assert "(imported from kyria_macros.keymap.json)" in window.windowTitle()


def test_a_keymap_c_asks_which_keyboard(window, qtbot, isolated_user, tmp_path, answer_open):
    source = copy_data(tmp_path, "corne_layers.keymap.c")
    answer_open(source)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.keyboard_question is not None, timeout=15_000)
    dialog = window.keyboard_question
    assert "does not say which keyboard" in dialog.message.text()
    qtbot.waitUntil(lambda: dialog.panel.chooser is not None, timeout=15_000)
    qtbot.keyClicks(dialog.search, "corne")
    qtbot.waitUntil(lambda: dialog.keyboard is not None and dialog.keyboard.name == "crkbd/rev1", timeout=10_000)
    # The layout the file names is preselected (the Corne's first layout has 36 keys, the file 42).
    assert dialog.macro_name == "LAYOUT_split_3x6_3"
    assert dialog.ok_button.text() == "Import" and dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.doc is not None, timeout=15_000)
    doc = window.doc
    assert doc.keyboard.name == "crkbd/rev1" and doc.layout.layout_macro == "LAYOUT_split_3x6_3"
    assert [layer.name for layer in doc.layout.layers][:2] == ["base", "lower"]
    assert window.windowTitle().startswith("corne_layers (imported from corne_layers.keymap.c)")


def test_an_unknown_via_keyboard_asks_and_cancel_opens_nothing(window, qtbot, isolated_user, tmp_path, answer_open):
    data = json.loads((DATA / "corne.layout.json").read_text())
    data["vendorProductId"] = (0x1234 << 16) | 0x9876
    data["name"] = "Mystery board"
    source = tmp_path / "mystery.layout.json"
    source.write_text(json.dumps(data))
    answer_open(source)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.keyboard_question is not None, timeout=15_000)
    dialog = window.keyboard_question
    assert "1234:9876" in dialog.message.text() and "Mystery board" in dialog.message.text()
    assert dialog.search.text() == "Mystery board"
    dialog.reject()
    qtbot.wait(50)
    assert window.doc is None


def test_a_broken_file_shows_where_not_a_traceback(window, qtbot, isolated_user, tmp_path, answer_open, boxes):
    source = tmp_path / "broken.layout.json"
    source.write_text('{"name": "x", "vendorProductId": 1179844609, "layers": [[1, 2,\n')
    answer_open(source, "VIA saved layout (*.layout.json *.json)")
    window.act_import.trigger()
    qtbot.waitUntil(lambda: bool(boxes), timeout=15_000)
    title, text, details = boxes[0]
    assert title == "Cannot import layout"
    assert str(source) in details and "Traceback" not in text + details
    assert window.doc is None


def test_keymap_json_refuses_settings_it_cannot_carry(opened, qtbot, isolated_user, tmp_path, answer_save, boxes):
    window = opened
    assert window.doc.layout.settings  # the Corne example sets a tapping term
    window.doc.layout.settings["quick_tap_term"] = 120  # QMK has no info.json key for it
    answer_save(tmp_path / "out", "QMK keymap.json (*.json)")
    window.act_export.trigger()
    qtbot.waitUntil(lambda: bool(boxes), timeout=15_000)
    title, text, details = boxes[0]
    assert title == "Cannot export as QMK keymap.json" and "quick_tap_term" in text and "keymap.c" in details
    assert not (tmp_path / "out.json").exists()
    del window.doc.layout.settings["quick_tap_term"]
    with qtbot.waitSignal(window.exported, timeout=15_000):
        window.act_export.trigger()
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["keyboard"] == "crkbd/rev1"
    assert data["config"]["tapping"]["term"] == window.doc.layout.settings["tapping_term"]


@pytest.mark.parametrize(
    ("file_type", "name", "check"),
    [
        ("QMK keymap.c (*.c)", "out", lambda text: "LAYOUT_split_3x6_3(" in text),
        ("VIA saved layout (*.layout.json)", "out", lambda text: len(json.loads(text)["layers"]) >= 4),
        ("Vial saved layout (*.vil)", "out", lambda text: "layout" in json.loads(text)),
        ("keymap-drawer YAML (*.yaml)", "out", lambda text: "layers:" in text),
    ],
)
def test_export_by_the_chosen_file_type(opened, qtbot, isolated_user, tmp_path, answer_save, file_type, name, check):
    window = opened
    fmt, expected = export_target(str(tmp_path / name), file_type)
    answer_save(tmp_path / name, file_type)
    with qtbot.waitSignal(window.exported, timeout=15_000) as written:
        window.act_export.trigger()
    assert written.args[0] == str(expected)
    assert expected.exists() and check(expected.read_text())


def test_export_targets():
    assert export_target("/x/board", "QMK keymap.json (*.json)") == ("keymap.json", Path("/x/board.json"))
    assert export_target("/x/board", "VIA saved layout (*.layout.json)") == ("via", Path("/x/board.layout.json"))
    assert export_target("/x/board.vil", "") == ("vil", Path("/x/board.vil"))
    assert export_target("/x/board.layout.json", "") == ("via", Path("/x/board.layout.json"))
    assert export_target("/x/keymap.c", "QMK keymap.c (*.c)") == ("keymap.c", Path("/x/keymap.c"))
    assert {fmt for _, fmt, _ in EXPORT_TYPES} == {"keymap.json", "keymap.c", "via", "vil", "keymap-drawer"}
    assert import_format("Vial saved layout (*.vil)") == "vil"
    assert import_format(ALL_LAYOUTS) is None


def test_a_vial_save_offers_its_matrix_when_no_keyboard_is_chosen(isolated_user):
    from keyconf.gui.layout_exchange import NeedsKeyboard

    outcome = import_for_editor(DATA / "corne.vil")
    assert isinstance(outcome, NeedsKeyboard)
    assert outcome.fallback is not None
    assert outcome.fallback.opened.layout.geometry is outcome.fallback.opened.keyboard


def test_dropping_a_via_save_on_the_window_imports_it(window, qtbot, isolated_user, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QUrl

    from tests.gui.test_main_window import drag_and_drop

    source = copy_data(tmp_path, "corne.layout.json")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(source))])
    assert drag_and_drop(window, QPoint(100, 100), data)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=15_000)
    assert window.doc.keyboard.name == "crkbd/rev1" and window.doc.path is None
    assert "(imported from corne.layout.json)" in window.windowTitle()


def test_a_file_for_another_keyboard_asks_for_the_right_one(isolated_user):
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.gui.layout_exchange import NeedsKeyboard

    sweep = CatalogueKeyboards().by_name("ferris/sweep")
    assert sweep is not None
    outcome = import_for_editor(DATA / "corne_configurator.json", keyboard=sweep)
    assert isinstance(outcome, NeedsKeyboard)
    assert "LAYOUT_split_3x6_3" in outcome.reason and "ferris/sweep" in outcome.reason


def test_a_keymap_c_brings_its_folders_c_files_and_the_first_save_writes_them(
    window, qtbot, isolated_user, tmp_path, answer_open, answer_save
):
    from tests.formats.test_keymap_folder_c import FILES, keymap_folder

    source = keymap_folder(tmp_path / "qmk_userspace" / "keyboards" / "crkbd" / "keymaps" / "mine")
    answer_open(source)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.doc is not None, timeout=15_000)
    doc = window.doc
    assert [f.path for f in doc.layout.c_files][:3] == ["features/layer_lock.c", "rgb.c", "oled.c"]
    target = tmp_path / "saved" / "mine.yaml"
    target.parent.mkdir()
    answer_save(target, "")
    window.save()
    qtbot.waitUntil(lambda: target.exists() and window.doc.path == target, timeout=10_000)
    for c_file in doc.layout.c_files:
        assert (target.parent / c_file.path).read_text() == FILES[c_file.path]
    assert "c_files:" in target.read_text()
    # Saving again leaves the files beside the layout as the user has them now.
    (target.parent / "rgb.c").write_text("// edited by hand\n")
    window.doc.layout.layers[0].keys[0] = "KC_Z"
    window.save()
    qtbot.waitUntil(lambda: "KC_Z" in target.read_text(), timeout=10_000)
    assert (target.parent / "rgb.c").read_text() == "// edited by hand\n"
