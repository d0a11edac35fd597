"""What the held-out corpus7 (bench/corpus/manifest7.tsv) showed keyconf refusing in real saves.

Each case is the fixture save changed the way a real file differs (nothing of the users' files
is copied): imported, written as YAML, read back and validated as `keyconf import` does, then
exported in its own format and imported again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.via_save import layout_to_via
from keyconf.formats.vial_vil import layout_to_vil
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import MacroStep
from keyconf.model.validation import validate

DATA = Path(__file__).parent / "data" / "interchange"


@pytest.fixture(scope="module")
def crkbd() -> Keyboard:
    return load_bundled("crkbd/rev1")


def imported(tmp_path: Path, name: str, data: object, keyboard: Keyboard):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    result = import_layout(path, keyboard=keyboard)
    layout = loads_layout(dumps_layout(result.layout, result.keyboard), str(path)).layout
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    return layout


def test_via_macro_typing_a_closing_brace(tmp_path: Path, crkbd: Keyboard) -> None:
    # A VIA save of an iris: GUI held while '}' is typed. VIA escapes only '{' (as \{) and writes a
    # typed '}' as it is; keyconf called it "'}' without a matching '{'" and refused the save.
    save = json.loads((DATA / "corne.layout.json").read_text())
    save["macros"][2] = "{+KC_LGUI}\\{{-KC_LGUI}"
    save["macros"][3] = "{+KC_LGUI}}{-KC_LGUI}"
    layout = imported(tmp_path, "crkbd.layout.json", save, crkbd)
    assert layout.macros[2].steps == [MacroStep("down", ["KC_LGUI"]), MacroStep("text", "{"),
                                      MacroStep("up", ["KC_LGUI"])]  # fmt: skip
    assert layout.macros[3].steps == [MacroStep("down", ["KC_LGUI"]), MacroStep("text", "}"),
                                      MacroStep("up", ["KC_LGUI"])]  # fmt: skip
    written = json.loads(layout_to_via(layout, crkbd, macro_count=16))
    assert written["macros"][2:4] == ["{+KC_LGUI}\\{{-KC_LGUI}", "{+KC_LGUI}}{-KC_LGUI}"]


def test_vial_macro_beyond_the_32_qmk_names(tmp_path: Path, crkbd: Keyboard) -> None:
    # A Vial board built with DYNAMIC_KEYMAP_MACRO_COUNT 60: its save has 60 macro slots and keys
    # M45. QMK names QK_MACRO_0..31 only, but the range runs to QK_MACRO_MAX (0x777F), which is
    # what the firmware plays; keyconf said "unknown keycode 'M45'".
    save = json.loads((DATA / "corne.vil").read_text())
    save["macro"] += [[] for _ in range(60 - len(save["macro"]))]
    save["macro"][45] = [["text", "forty-five"]]
    save["layout"][1][0][1] = "M45"
    save["layout"][1][0][2] = "M33"  # an empty slot past the 32 QMK names
    layout = imported(tmp_path, "corne.vil", save, crkbd)
    assert "0x772D" in layout.layers[1].keys and "0x7721" in layout.layers[1].keys
    assert layout.macros[45].steps == [MacroStep("text", "forty-five")]
    written = json.loads(layout_to_vil(layout, crkbd))
    assert written["layout"][1][0][1:3] == [0x772D, 0x7721]
    again = imported(tmp_path, "again.vil", written, crkbd)
    assert again.layers == layout.layers and again.macros == layout.macros


def test_save_with_text_after_its_value_says_where_and_what(tmp_path: Path, crkbd: Keyboard) -> None:
    # A VIA save of a lily58 ends in "}}": the value is whole, a stray '}' follows. No reader takes
    # it (VIA's JSON.parse neither); the error points at the stray text and says to delete it.
    text = (DATA / "corne.layout.json").read_text().rstrip() + "}\n"
    path = tmp_path / "crkbd.layout.json"
    path.write_text(text)
    with pytest.raises(FormatError) as caught:
        import_layout(path, keyboard=crkbd)
    error = caught.value
    assert error.line == text.count("\n") and error.column == text.splitlines()[-1].index("}}") + 2
    assert "text after the end of the file's JSON value: '}'" in error.message
    assert error.hint is not None and "delete it" in error.hint


def test_configurator_export_for_a_zmk_converter_says_zmk_once(tmp_path: Path, crkbd: Keyboard) -> None:
    # Two lily58 exports in zmk-config repositories: ZMK users draw in QMK Configurator and convert,
    # writing ZMK behaviours into ANY(). One warning on import names them; each key's error says
    # what the text is and what to do, instead of "unexpected character '&'".
    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["layers"][1][0] = "ANY(&bt BT_CLR)"
    data["layers"][1][1] = "ANY(&bt BT_SEL 0)"
    path = tmp_path / "crkbd_rev1_layout_split_3x6_3_mine.json"
    path.write_text(json.dumps(data))
    result = import_layout(path, keyboard=crkbd)
    zmk = [w for w in result.warnings if "ZMK" in w]
    assert len(zmk) == 1 and "2 keys hold ZMK behaviours in ANY() (&bt BT_CLR, &bt BT_SEL 0)" in zmk[0]
    assert not [w for w in result.warnings if "neither a keycode nor a C name" in w]
    layout = loads_layout(dumps_layout(result.layout, result.keyboard), str(path)).layout
    problems = [p for p in validate(layout, result.keyboard) if p.is_error]
    assert [p.message for p in problems] == [
        "`ANY(&bt BT_CLR)`: `&bt BT_CLR` is ZMK's behaviour &bt, not a QMK keycode: QMK cannot build it",
        "`ANY(&bt BT_SEL 0)`: `&bt BT_SEL 0` is ZMK's behaviour &bt, not a QMK keycode: QMK cannot build it",
    ]
    assert all(p.hint and "KC_NO" in p.hint for p in problems)


_KEYMAP_C = """#include QMK_KEYBOARD_H

enum layers { _BASE, _NAV };
enum custom_keycodes { ALTTAB = SAFE_RANGE };
#define CTL_ESC LCTL_T(KC_ESC)

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT_split_3x6_3(%s),
    [_NAV] = LAYOUT_split_3x6_3(%s)
};

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    if (keycode == ALTTAB && record->event.pressed) {
        tap_code16(LALT(KC_TAB));
    }
    return true;
}
"""


def _c2json_export(folder: Path, base: list[str], nav: list[str], c_layers: int = 2) -> Path:
    """A keymap folder as users keep it for keymap-drawer: keymap.c and `qmk c2json` of it beside."""
    layers = [base, nav][:c_layers]
    (folder / "keymap.c").write_text(_KEYMAP_C % tuple(", ".join(layer) for layer in [*layers, base][:2])
                                     if c_layers == 2 else
                                     _KEYMAP_C.replace(",\n    [_NAV] = LAYOUT_split_3x6_3(%s)", "") % ", ".join(base))
    export = {"keyboard": "crkbd/rev1", "keymap": "mine", "layout": "LAYOUT_split_3x6_3", "layers": [base, nav]}
    path = folder / "crkbd_mine.json"
    path.write_text(json.dumps(export, indent=2))
    return path


def test_c2json_export_beside_its_keymap_c_reads_that_files_names(tmp_path: Path, crkbd: Keyboard) -> None:
    # c2json exports kept beside keymap.c (corpus4: `LOWER`, `CTL_ESC`, `MO(_SYM_ALT)`, `QTE_SPC`): the
    # names are the keymap.c's, and QMK cannot build the export alone. Read with that keymap.c, the
    # export's own keys (KC_W here, not the keymap.c's KC_Q) mean what the keymap.c makes of them.
    base = ["CTL_ESC", "KC_W", *["KC_A"] * 38, "MO(_NAV)", "KC_SPC"]
    nav = ["ALTTAB", *["KC_TRNS"] * 41]
    path = _c2json_export(tmp_path, base, nav)
    (tmp_path / "keymap.c").write_text((tmp_path / "keymap.c").read_text().replace("KC_W", "KC_Q", 1))
    result = import_layout(path, keyboard=crkbd)
    assert any("`qmk c2json` export of that keymap.c" in w and "ALTTAB, CTL_ESC, _NAV" in w for w in result.warnings)
    layout = loads_layout(dumps_layout(result.layout, result.keyboard), str(path)).layout
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    assert layout.layers[0].keys[1] == "KC_W" and layout.layers[1].keys[0] == "ALTTAB"
    assert [c.name for c in layout.custom_keycodes] == ["ALTTAB"]
    assert layout.c_source is not None and "process_record_user" in (layout.c_source.code or "")


def test_c2json_export_of_another_version_of_the_keymap_c_says_so(tmp_path: Path, crkbd: Keyboard) -> None:
    base = ["CTL_ESC", *["KC_A"] * 39, "MO(_NAV)", "KC_SPC"]
    path = _c2json_export(tmp_path, base, ["ALTTAB", *["KC_TRNS"] * 41], c_layers=1)
    result = import_layout(path, keyboard=crkbd)
    assert any("that keymap.c has 1 layers and this file 2" in w for w in result.warnings)
    alone = tmp_path / "elsewhere" / "alone"
    alone.mkdir(parents=True)
    (alone / "x.json").write_text(path.read_text())
    # Alone, the names cannot be read: one warning says what the file is and what to do.
    said = [w for w in import_layout(alone / "x.json", keyboard=crkbd).warnings if "keymap.c" in w]
    assert len(said) == 1 and said[0].startswith("ALTTAB, CTL_ESC, _NAV are no QMK keycode or layer: the file "
                                                 "looks like a `qmk c2json` export of a keymap.c")


def test_layers_of_different_sizes_one_error_at_the_odd_layer(tmp_path: Path, crkbd: Keyboard) -> None:
    # An iris export with layers [56, 56, 56, 56, 1, 0, 0, 56]: the one-key layer is pointed at.
    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["layers"] += [["KC_TRNS"], []]
    path = tmp_path / "crkbd.json"
    text = json.dumps(data, indent=1)
    path.write_text(text)
    with pytest.raises(FormatError) as caught:
        import_layout(path, keyboard=crkbd)
    error = caught.value
    assert error.message.startswith("layers[4] holds 1 key, the other layers 42")
    assert text.splitlines()[error.line - 1].strip() == "[" and '"KC_TRNS"' in text.splitlines()[error.line]
    assert error.hint is not None and "write it as []" in error.hint


def test_c2json_export_finds_its_keymap_c_where_qmk_keeps_it(tmp_path: Path, crkbd: Keyboard) -> None:
    # A userspace repository: keyboards/crkbd/keymaps/mine/keymap.c, and its export for keymap-drawer
    # in drawings/ (keyboard crkbd/rev1: QMK looks for keymaps/ in each folder of the board's path).
    base = ["CTL_ESC", *["KC_A"] * 39, "MO(_NAV)", "KC_SPC"]
    source = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    source.mkdir(parents=True)
    export = _c2json_export(source, base, ["ALTTAB", *["KC_TRNS"] * 41])
    drawings = tmp_path / "drawings"
    drawings.mkdir()
    (drawings / "crkbd.json").write_text(export.read_text())
    result = import_layout(drawings / "crkbd.json", keyboard=crkbd)
    assert any(f"names of {source / 'keymap.c'}" in w for w in result.warnings)
    assert result.layout.layers[1].keys[0] == "ALTTAB"


def test_configurator_export_naming_a_board_before_qmk_moved_it(tmp_path: Path) -> None:
    # Configurator exports of 2018-2019 name `iris/rev2`; QMK has kept it as keebio/iris/rev2 since,
    # with no alias for the old name. The one board whose path ends so, with the file's LAYOUT of
    # 56 keys, is read, named in a warning; a one-word name ends too many paths to say.
    from keyconf.catalogue.resolve import CatalogueKeyboards

    data = {"keyboard": "iris/rev2", "keymap": "mine", "layout": "LAYOUT", "layers": [["KC_A"] * 56]}
    path = tmp_path / "iris_rev2_layout_mine.json"
    path.write_text(json.dumps(data))
    result = import_layout(path, finder=CatalogueKeyboards())
    assert result.keyboard is not None and result.keyboard.name == "keebio/iris/rev2"
    assert any(w.startswith("keyboard iris/rev2 is keebio/iris/rev2 today") for w in result.warnings)
    data["layers"] = [["KC_A"] * 50]
    path.write_text(json.dumps(data))
    assert import_layout(path, finder=CatalogueKeyboards()).keyboard is None  # not that board's LAYOUT
    data["keyboard"], data["layers"] = "rev2", [["KC_A"] * 56]
    path.write_text(json.dumps(data))
    assert import_layout(path, finder=CatalogueKeyboards()).keyboard is None


def test_c2json_export_with_keymaps_declared_before_its_definition(tmp_path: Path, crkbd: Keyboard) -> None:
    # keymap.c files that declare keymaps[] before defining it (for code above the table that uses it).
    base = ["CTL_ESC", *["KC_A"] * 39, "MO(_NAV)", "KC_SPC"]
    path = _c2json_export(tmp_path, base, ["ALTTAB", *["KC_TRNS"] * 41])
    keymap_c = tmp_path / "keymap.c"
    keymap_c.write_text(keymap_c.read_text().replace(
        "enum layers", "extern const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS];\nenum layers", 1))
    result = import_layout(path, keyboard=crkbd)
    assert any("`qmk c2json` export of that keymap.c" in w for w in result.warnings)
    assert result.layout.layers[1].keys[0] == "ALTTAB"
