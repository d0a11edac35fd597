"""What real users' VIA saves, Vial saves and Configurator exports hold that keyconf once refused.

Each case comes from a file of the real-file corpus (bench/import_corpus.py): the fixture saves
are changed the way those files differ, then imported, written as YAML, read back and validated,
as `keyconf import` and `keyconf validate` do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.problems import Problem
from keyconf.model.validation import validate

DATA = Path(__file__).parent / "data" / "interchange"


@pytest.fixture(scope="module")
def crkbd() -> Keyboard:
    return load_bundled("crkbd/rev1")


def imported_problems(tmp_path: Path, name: str, data: object, keyboard: Keyboard | None):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    imported = import_layout(path, keyboard=keyboard)
    reloaded = loads_layout(dumps_layout(imported.layout, imported.keyboard), str(path)).layout
    problems: list[Problem] = validate(reloaded, imported.keyboard)
    return imported, reloaded, problems


def errors(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems if p.is_error]


def test_via_key_playing_an_empty_macro_slot_keeps_the_slot(tmp_path: Path, crkbd: Keyboard) -> None:
    # domness/crkbd-keymaps: MC_2 on a key, macros 0 and 1 recorded, 2..15 empty.
    save = json.loads((DATA / "corne.layout.json").read_text())
    save["layers"][1][5] = "MACRO(2)"
    imported, layout, problems = imported_problems(tmp_path, "crkbd.layout.json", save, crkbd)
    assert errors(problems) == []
    assert len(layout.macros) == 3 and layout.macros[2].steps == []
    assert "MC_2" in layout.layers[1].keys


def test_vial_key_playing_an_empty_macro_slot_keeps_the_slot(tmp_path: Path, crkbd: Keyboard) -> None:
    save = json.loads((DATA / "corne.vil").read_text())
    save["layout"][1][0][1] = "M3"  # macro 3: slot 2 and 3 are empty in the save
    imported, layout, problems = imported_problems(tmp_path, "corne.vil", save, crkbd)
    assert errors(problems) == []
    assert len(layout.macros) == 4 and layout.macros[3].steps == []


def test_vial_macro_steps_tap_any_16_bit_keycode(tmp_path: Path, crkbd: Keyboard) -> None:
    # TheTechRun/Cheapino-Configs, smallwat3r/vial-keymap, jamesukiyo/keeb: OSM, MO, AS_OFF in macros.
    save = json.loads((DATA / "corne.vil").read_text())
    save["macro"][2] = [["tap", "OSM(MOD_LSFT)"], ["text", "x"], ["tap", "TO(0)", "AS_OFF"], ["down", "MO(1)"]]
    imported, layout, problems = imported_problems(tmp_path, "corne.vil", save, crkbd)
    assert errors(problems) == []
    steps = layout.macros[2].steps
    assert [(s.kind, s.value) for s in steps] == [
        ("tap", ["OSM(MOD_LSFT)"]), ("text", "x"), ("tap", ["TO(layer0)"]), ("tap", ["AS_OFF"]),
        ("down", ["MO(layer1)"]),
    ]  # fmt: skip
    warned = [p for p in problems if p.code == "macro-keycode"]
    assert warned and all(not p.is_error for p in warned) and "Vial" in warned[0].message


def test_via_and_vial_dictionary_names(tmp_path: Path, crkbd: Keyboard) -> None:
    # sauloco/keyboards (VIA's wilba.tech lighting keys), pchurzin/imperial44 (Vial's USER50).
    save = json.loads((DATA / "corne.layout.json").read_text())
    save["layers"][2][:4] = ["BR_INC", "BR_DEC", "S1_DEC", "EF_INC"]
    imported, layout, problems = imported_problems(tmp_path, "crkbd.layout.json", save, crkbd)
    assert errors(problems) == []
    assert layout.layers[2].keys[:4] == ["QK_KB_0", "QK_KB_1", "QK_KB_9", "QK_KB_2"]
    vil = json.loads((DATA / "corne.vil").read_text())
    vil["layout"][2][0][1:4] = ["USER00", "USER20", "USER50"]
    imported, layout, problems = imported_problems(tmp_path, "corne.vil", vil, crkbd)
    assert errors(problems) == []
    keys = layout.layers[2].keys
    assert "QK_KB_0" in keys and "QK_KB_20" in keys and "0x7E32" in keys


def test_via_modifiers_of_both_hands_read_as_qmk_encodes_them(tmp_path: Path, crkbd: Keyboard) -> None:
    # HenryU20201C579/CRKBD_CONFIG: `A(ALGR(KC_TAB))`, `MT(MOD_LALT | MOD_RALT,KC_QUOT)`.
    save = json.loads((DATA / "corne.layout.json").read_text())
    save["layers"][3][:2] = ["A(ALGR(KC_TAB))", "MT(MOD_LALT | MOD_RALT,KC_QUOT)"]
    imported, layout, problems = imported_problems(tmp_path, "crkbd.layout.json", save, crkbd)
    assert errors(problems) == []
    assert layout.layers[3].keys[:2] == ["RALT(KC_TAB)", "RALT_T(KC_QUOT)"]


def test_vial_combo_without_keys_is_left_out_and_one_key_combo_is_kept(tmp_path: Path, crkbd: Keyboard) -> None:
    # FBPinguin/keyboard-layout: ["KC_NO"] * 4 + ["KC_ESCAPE"]; dellarosciagiorgio/crkbd: one-key combos.
    save = json.loads((DATA / "corne.vil").read_text())
    save["combo"][5] = ["KC_NO", "KC_NO", "KC_NO", "KC_NO", "KC_ESCAPE"]
    save["combo"][6] = ["KC_QUOTE", "KC_NO", "KC_NO", "KC_NO", "RALT(KC_QUOTE)"]
    imported, layout, problems = imported_problems(tmp_path, "corne.vil", save, crkbd)
    assert errors(problems) == []
    assert any("name no keys" in w for w in imported.warnings)
    assert ["KC_QUOT"] in [c.keys for c in layout.combos]
    assert len(layout.combos) == 3  # the fixture's two, the one-key one; not the keyless one
    assert [p.code for p in problems if p.location[:1] == ("combos",)] == ["combo-keys"]  # a warning


def configurator_export(layers: list[list[str]]) -> dict[str, object]:
    return {"version": 1, "notes": "", "documentation": "exported", "keyboard": "crkbd/rev1",
            "keymap": "mine", "layout": "LAYOUT_split_3x6_3", "layers": layers, "author": ""}  # fmt: skip


def test_configurator_export_with_empty_layers(tmp_path: Path, crkbd: Keyboard) -> None:
    # JordanMajd/keymaps planck.json: layers [48 keys, [], [], 48, 48, [], 48]; MO(3) reaches over the gap.
    base = ["KC_A"] * 35 + ["MO(3)"] + ["KC_B"] * 6
    data = configurator_export([base, [], [], ["KC_TRNS"] * 42, []])
    imported, layout, problems = imported_problems(tmp_path, "mine.json", data, crkbd)
    assert errors(problems) == []
    assert [len(layer.keys) for layer in layout.layers] == [42] * 5
    assert layout.layers[1].keys == ["KC_TRNS"] * 42
    assert any("empty in the file" in w and "1, 2, 4" in w for w in imported.warnings)


def test_configurator_free_text_is_one_warning_per_name(tmp_path: Path, crkbd: Keyboard) -> None:
    # HammerSpb/keyboard: ANY(SELWORD) on four keys of three layers.
    layers = [["KC_A"] * 42 for _ in range(3)]
    for layer, index in ((0, 3), (1, 3), (1, 9), (2, 20)):
        layers[layer][index] = "ANY(SELWORD)"
    imported, layout, problems = imported_problems(tmp_path, "hrm.json", configurator_export(layers), crkbd)
    about = [w for w in imported.warnings if "SELWORD" in w]
    assert len(about) == 1 and "ANY(SELWORD)" in about[0] and "custom keycode" in about[0]
    assert [c.name for c in layout.custom_keycodes] == ["SELWORD"]
    assert layout.layers[1].keys[3] == layout.layers[2].keys[20] == "SELWORD"
    assert errors(problems) == []


def test_configurator_keycodes_declarations_are_custom_keycodes(tmp_path: Path, crkbd: Keyboard) -> None:
    data = configurator_export([["ALTTAB"] + ["KC_A"] * 41])
    data["keycodes"] = [{"key": "ALTTAB", "label": "Alt-Tab"}]
    imported, layout, problems = imported_problems(tmp_path, "alttab.json", data, crkbd)
    assert [(c.name, c.legend) for c in layout.custom_keycodes] == [("ALTTAB", "Alt-Tab")]
    assert errors(problems) == [] and layout.layers[0].keys[0] == "ALTTAB"


def test_unexpanded_wrapper_names_are_one_clear_error(tmp_path: Path, crkbd: Keyboard) -> None:
    # `qmk c2json` of a userspace keymap leaves ___QWERTY_L1___ (five keys each) in the layers.
    rows = ["___QWERTY_L1___", "___QWERTY_R1___", "___QWERTY_L2___", "___QWERTY_R2___", "KC_LGUI", "MO(1)"]
    data = configurator_export([rows, rows])
    with pytest.raises(FormatError) as caught:
        import_layout(_write(tmp_path / "c2json.json", data), keyboard=crkbd)
    assert "wrapper" in caught.value.message and "___QWERTY_L1___" in caught.value.message
    assert caught.value.hint and "keymap.c" in caught.value.hint


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_keymap_json_with_qmks_pre_2017_macro_name(tmp_path: Path) -> None:
    # rtwayland/qmk-layouts planck.json: "layout": "KEYMAP", 48 keys a layer.
    data = {"keyboard": "planck/rev6", "keymap": "rt", "layout": "KEYMAP", "layers": [["KC_A"] * 48, ["KC_TRNS"] * 48]}
    planck = load_bundled("planck/rev6")
    imported, layout, problems = imported_problems(tmp_path, "planck.json", data, planck)
    assert errors(problems) == [] and layout.layout_macro in planck.layouts
    assert planck.layouts[layout.layout_macro].key_count == 48
    assert any("KEYMAP" in w and "2017" in w for w in imported.warnings)


def test_configurator_free_text_that_is_no_name_is_one_warning(tmp_path: Path, crkbd: Keyboard) -> None:
    # jamesukiyo/keeb: ANY(GUI/F24) on several keys.
    layers = [["KC_A"] * 42]
    layers[0][3] = layers[0][7] = "ANY(GUI/F24)"
    imported = import_layout(_write(tmp_path / "free.json", configurator_export(layers)), keyboard=crkbd)
    about = [w for w in imported.warnings if "GUI/F24" in w]
    assert len(about) == 1 and "kept as written" in about[0]
    assert imported.layout.layers[0].keys[3] == "ANY(GUI/F24)"
    # Validation: one error for the text, at its first key, with a hint; the other keys are clean.
    layers[0][5] = "ANY(SP/CTRL)"
    _, _, problems = imported_problems(tmp_path, "free.json", configurator_export(layers), crkbd)
    bad = [p for p in problems if p.is_error]
    assert [p.location for p in bad] == [("layers", 0, 3), ("layers", 0, 5)]
    assert "free text" in bad[0].message and "QMK cannot build it either" in bad[0].message
    assert "(and on 1 more key)" in bad[0].message and "more key" not in bad[1].message
    assert bad[0].hint and "LT(1, KC_ENT)" in bad[0].hint


def test_keymap_json_layers_written_as_userspace_macros_are_one_clear_error(tmp_path: Path, crkbd: Keyboard) -> None:
    # Userspace keymap.json files: `"layers": [["C_42(HRM(_BASE))"], ...]` or `[["MY_ALPHAS_LAYER"], ...]`.
    for layers in ([["C_42(HRM(_BASE))"], ["C_42(_NUMB)"]], [["MY_ALPHAS_LAYER"], ["MY_NUMBERS_LAYER"]]):
        data = configurator_export(layers)
        data["layout"] = "LAYOUT_crkbd_mine"
        with pytest.raises(FormatError) as raised:
            import_layout(_write(tmp_path / "userspace.json", data), keyboard=crkbd)
        assert "macros of the user's own C code" in raised.value.message and layers[0][0] in raised.value.message
        assert raised.value.hint and "userspace" in raised.value.hint
    # A board of one or two keys with real keycodes is no such file.
    data = {"keyboard": "onekey", "layout": "LAYOUT_ortho_1x1", "layers": [["KC_A"], ["MO(1)"]]}
    assert import_layout(_write(tmp_path / "onekey.json", data)).layout.layers[1].keys == ["MO(layer1)"]


def test_keymap_json_modifier_sets_of_both_hands_read_as_qmk_encodes_them(tmp_path: Path, crkbd: Keyboard) -> None:
    # `MT(MOD_LSFT | MOD_RSFT, KC_J)`: QMK ORs the 5-bit forms (0x02 | 0x12 = 0x12), right Shift.
    layers = [["KC_A"] * 42]
    layers[0][1], layers[0][2] = "MT(MOD_LSFT | MOD_RSFT, KC_J)", "ANY(MT(MOD_LALT|MOD_RALT,KC_SCLN))"
    imported, layout, problems = imported_problems(tmp_path, "both.json", configurator_export(layers), crkbd)
    assert layout.layers[0].keys[1:3] == ["RSFT_T(KC_J)", "RALT_T(KC_SCLN)"]
    assert errors(problems) == []


def test_a_users_own_prefix_is_no_host_language(tmp_path: Path, crkbd: Keyboard) -> None:
    # Kawamashi/qmk_userspace keymap.json: LT_MGC, LT_REPT, LT_NBSPC (the user's own names) beside
    # LT_E, which is also a Lithuanian alias: no language follows from that. NO_AE, NO_OSTR alone do.
    layers = [["KC_A"] * 42]
    layers[0][:4] = ["LT_E", "LT_MGC", "LT_REPT", "LT_NBSPC"]
    imported = import_layout(_write(tmp_path / "own.json", configurator_export(layers)), keyboard=crkbd)
    assert imported.layout.host_language is None
    assert not any("the computer types in" in w for w in imported.warnings)
    layers[0][:4] = ["NO_AE", "NO_OSTR", "NO_ARNG", "KC_C"]
    imported = import_layout(_write(tmp_path / "norsk.json", configurator_export(layers)), keyboard=crkbd)
    assert imported.layout.host_language == "norwegian"
