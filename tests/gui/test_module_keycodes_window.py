"""The window with a layout using QMK community modules: the modules' keycodes (read from the
`modules/` folder of the repository around the layout) have their legends, and the picker's Keyboard
tab offers them."""

from __future__ import annotations

from pathlib import Path

from keyconf.formats.yaml_layout import save_layout
from keyconf.gui.picker_model import CATEGORIES, KEYBOARD
from keyconf.model.layout import keycode_context
from tests.formats.test_qmk_modules import SENTENCE_CASE, SUPER_ALT_TAB, write_module
from tests.gui.conftest import small_layout


def test_module_keycodes_show_their_legends_and_are_offered(window, qtbot, tmp_path: Path) -> None:
    write_module(tmp_path, "qmk/super_alt_tab", SUPER_ALT_TAB)
    write_module(tmp_path, "getreuer/sentence_case", SENTENCE_CASE)
    layout = small_layout()
    layout.modules = ["qmk/super_alt_tab", "getreuer/sentence_case"]
    layout.layers[0].keys[0] = "CM_S_AT"
    path = tmp_path / "layouts" / "mine.yaml"
    path.parent.mkdir()
    save_layout(layout, path)
    window.open_path(path)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    opened = window.doc.layout
    assert set(opened.module_definitions) == {"qmk/super_alt_tab", "getreuer/sentence_case"}
    user = keycode_context(opened).custom("CM_S_AT")
    assert user is not None and (user.value, user.legend) == (0x77C0, "Super Alt Tab")
    picker = window.picker
    picker.tabs.setCurrentIndex(CATEGORIES.index(KEYBOARD))
    codes = [(e.code, e.legend, e.aliases) for e in picker.entries_shown()]
    assert ("COMMUNITY_MODULE_SUPER_ALT_TAB", "Super Alt Tab", ("CM_S_AT",)) in codes
    assert ("COMMUNITY_MODULE_SENTENCE_CASE_TOGGLE", "Sentence Case Toggle", ("SENTCASE",)) in codes
