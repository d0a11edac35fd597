"""QMK keymap.json import: Configurator exports, c2json-style files with macros, encoders and config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.qmk_keymap_json import read_keymap_json

DATA = Path(__file__).parent / "data" / "interchange"


def test_configurator_export() -> None:
    result = read_keymap_json((DATA / "corne_configurator.json").read_text(), "corne.json")
    layout = result.layout
    assert result.warnings == []  # version and documentation are Configurator's header, nothing lost
    assert (layout.keyboard, layout.layout_macro) == ("crkbd/rev1", "LAYOUT_split_3x6_3")
    assert layout.name == "crkbd_rev1_layout_split_3x6_3_mine"
    assert layout.author == "someone" and layout.notes == "Home row mods on the base layer"
    assert layout.layer_names == ["layer0", "layer1", "layer2", "layer3"]
    base = layout.layers[0].keys
    assert base[13] == "LGUI_T(KC_A)"
    # layer numbers become layer names; spellings the author chose are kept
    assert base[36:41] == ["KC_LGUI", "MO(layer1)", "KC_SPC", "KC_ENT", "MO(layer2)"]
    assert layout.layers[3].keys[0] == "QK_BOOT"


def test_macros_encoders_and_config() -> None:
    result = read_keymap_json((DATA / "kyria_macros.keymap.json").read_text(), "kyria.json")
    layout = result.layout
    assert layout.layers[0].keys[32] == "KC_F5"  # ANY(...) is Configurator's wrapper
    assert layout.layers[0].keys[43] == "LT(layer1, KC_SPC)"
    assert [(a.ccw, a.cw) for a in layout.layers[1].encoders] == [("KC_TRNS", "KC_TRNS"), ("LCTL(KC_Z)", "LCTL(KC_Y)")]
    push, paste = layout.macros
    assert [(s.kind, s.value) for s in push.steps] == [("text", "git push"), ("tap", ["KC_ENT"])]
    assert [(s.kind, s.value) for s in paste.steps] == [
        ("down", ["KC_LCTL"]), ("tap", ["KC_C"]), ("up", ["KC_LCTL"]), ("delay", 100), ("tap", ["KC_LCTL", "KC_V"]),
    ]  # fmt: skip
    assert layout.settings == {"tapping_term": 180, "permissive_hold": True}
    assert result.warnings == ["config entries keyconf layouts do not hold were not imported: features.encoder_map"]


def test_keys_outside_the_schema_are_reported(tmp_path: Path) -> None:
    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["modules"] = ["getreuer/select_word"]
    data["macros"] = [[{"action": "beep"}, "x"]]
    result = read_keymap_json(json.dumps(data))
    assert any("modules" in w for w in result.warnings)
    assert any("beep" in w for w in result.warnings)
    assert [(s.kind, s.value) for s in result.layout.macros[0].steps] == [("text", "x")]


def test_import_resolves_layout_aliases_and_checks_key_count(tmp_path: Path) -> None:
    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["layers"][1] = data["layers"][1][:40]
    source = tmp_path / "short.json"
    source.write_text(json.dumps(data))
    with pytest.raises(FormatError, match=r"layers\[1\] holds 40 keys, the other layers 42"):
        import_layout(source, keyboard=load_bundled("crkbd/rev1"))
    data["layers"] = [layer[:40] for layer in data["layers"]]
    source.write_text(json.dumps(data))
    with pytest.raises(FormatError, match="has 40 keys, but crkbd/rev1 LAYOUT_split_3x6_3 has 42"):
        import_layout(source, keyboard=load_bundled("crkbd/rev1"))


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ('{\n "keyboard": "x",\n "layout": "LAYOUT",\n "layers": 5\n}', "`layers`", 4),
        ('{\n "keyboard": "x",\n "config": {"features": {}}\n}', "holds no layers", 1),
        ('{\n "keyboard": "x",\n "layout": "LAYOUT",\n "layers": [["KC_A", 4]]\n}', "layers[0][1]", 4),
        ('{\n "keyboard": 7,\n "layout": "LAYOUT",\n "layers": [["KC_A"]]\n}', "`keyboard` must be text", 2),
        ('{"layout": "L", "layers": [["KC_A"]],\n "encoders": [[{"ccw": "KC_A"}]]}', "encoders[0][0]", 2),
        ('{"layout": "L", "layers": [["KC_A"]],\n "macros": [[{"action": "tap"}]]}', "keycodes", 2),
        ('{"layout": "L", "layers": [["KC_A"]],\n "macros": [[{"action": "delay", "duration": -3}]]}', "duration", 2),
        ('{"layout": "L", "layers": [["KC_A"]]', "not valid JSON", 1),
    ],
)
def test_corrupted_files_name_the_line(text: str, words: str, line: int) -> None:
    with pytest.raises(FormatError) as caught:
        read_keymap_json(text, "keymap.json")
    assert words in caught.value.message
    assert caught.value.line == line
    assert str(caught.value).startswith(f"keymap.json:{line}")


def test_a_key_qmk_builds_as_c_reads_it_like_the_keymap_c_reader() -> None:
    # A corne config's slip: MT() around a modified key where MOD_ bits go. json2c pastes the text
    # into C, where QMK's macro keeps the low 5 bits of LALT(KC_G) = 0x040A: MOD_LSFT | MOD_LGUI.
    from keyconf.formats.keymap_c_import import read_keymap_c
    from keyconf.model.validation import validate

    keys = ["MT(LALT(KC_G),KC_SPC)", "OSM(LCTL(KC_A))", "MO(1)"] + ["KC_A"] * 31
    text = json.dumps({"keyboard": "ferris/sweep", "layout": "LAYOUT", "layers": [keys, ["KC_TRNS"] * 34]})
    result = read_keymap_json(text, "mine.json")
    assert result.layout.layers[0].keys[:3] == ["MT(MOD_LSFT | MOD_LGUI, KC_SPC)", "OSM(MOD_LALT)", "MO(layer1)"]
    assert any(w.startswith("layers[0][0]: MT() takes MOD_ modifiers, but gets LALT(KC_G)") for w in result.warnings)
    assert [p.message for p in validate(result.layout, load_bundled("ferris/sweep")) if p.is_error] == []
    # The keymap.c reader reads the same key the same way: one rule for both formats.
    c_text = ("const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
              "    [0] = LAYOUT(MT(LALT(KC_G), KC_SPC)),\n};\n")
    c_result = read_keymap_c(c_text, "keymap.c", "x")
    assert c_result.layout.layers[0].keys == ["MT(MOD_LSFT | MOD_LGUI, KC_SPC)"]
    assert any("line 2: MT() takes MOD_ modifiers, but gets LALT(KC_G)" in w for w in c_result.warnings)
    # A key C cannot read either stays as the file wrote it, for validation to point at.
    unknown = read_keymap_json(text.replace("OSM(LCTL(KC_A))", "P(PG_O)"), "mine.json")
    assert unknown.layout.layers[0].keys[1] == "P(PG_O)"



def test_a_halcyon_module_layout_says_where_it_comes_from() -> None:
    # splitkb's vial_hlc keymap.json: LAYOUT_split_3x6_5_hlc, the board's 50 keys and 10 of its modules.
    import dataclasses

    from keyconf.formats.interchange import KeyboardMismatch, import_text

    # The Halcyon Kyria is the Kyria's LAYOUT_split_3x6_5 on a new controller board.
    keyboard = dataclasses.replace(load_bundled("splitkb/kyria/rev3"), name="splitkb/halcyon/kyria/rev4")
    text = json.dumps({"keyboard": "splitkb/halcyon/kyria/rev4", "layout": "LAYOUT_split_3x6_5_hlc",
                       "layers": [["KC_A"] * 60]})
    with pytest.raises(KeyboardMismatch) as caught:
        import_text(text, "keymap.json", keyboard=keyboard, format="keymap.json")
    assert "which splitkb's Halcyon modules define (users/halcyon_modules/splitkb/config.h" in caught.value.message
    assert caught.value.hint is not None and "LAYOUT_split_3x6_5 (50 keys)" in caught.value.hint


def test_a_hand_kept_keymap_json_with_comments_reads_as_qmk_reads_it() -> None:
    """QMK loads keymap.json as HJSON: a userspace's hand-kept file with `//` comments above its
    layers and trailing commas builds there, so it imports here, with a note that comments go."""
    base, lower = ", ".join(['"KC_Q"'] * 47), ", ".join(['"KC_TRNS"'] * 48)
    text = ('{\n  "keyboard": "planck/rev6",\n  "keymap": "mine",\n  "layout": "LAYOUT_planck_mit",\n'
            f'  "layers": [\n    // base\n    [{base}, "MO(1)"],\n    /* lower */\n'
            f'    [{lower}],\n  ],\n}}\n')
    result = read_keymap_json(text, "keymap.json")
    assert [len(layer.keys) for layer in result.layout.layers] == [48, 48]
    assert result.layout.layers[0].keys[-1] == f"MO({result.layout.layers[1].name})"
    assert any("HJSON" in w and "comments are not kept" in w for w in result.warnings)
    assert result.layout.layers[0].keys[0] == "KC_Q"


def test_a_broken_file_keeps_the_strict_readers_position() -> None:
    with pytest.raises(FormatError) as refused:
        read_keymap_json('{"keyboard": "planck/rev6",\n "layers": [["KC_A",]', "keymap.json")
    assert refused.value.line == 2 and "not valid JSON" in str(refused.value)


def test_layer_names_beside_the_layers_name_them_so_keys_can_say_mo_num() -> None:
    """A keymap.json kept for keymap-drawer (an Iris's): `"layer_names"` next to `"layers"`, and keys written
    `MO(Num)`, `LT(Sys, KC_B)`. QMK's keymap.json has no such field; keyconf takes the names instead of
    reporting the field unread and every such key an unknown layer."""
    base = ["MO(Num)", "LT(Sys, KC_B)", "KC_A", "KC_B"]
    data = {"keyboard": "x", "layout": "LAYOUT", "layer_names": ["Base", "Num", "Sys"],
            "layers": [base, ["KC_TRNS", "KC_1", "KC_2", "TO(Base)"], ["KC_TRNS"] * 4]}
    imported = read_keymap_json(json.dumps(data))
    assert imported.layout.layer_names == ["Base", "Num", "Sys"]
    assert imported.layout.layers[0].keys[:2] == ["MO(Num)", "LT(Sys, KC_B)"]
    assert not any("layer_names" in w or "no QMK keycode or layer" in w for w in imported.warnings)
    # Not one usable name a layer: keyconf's own names, said once.
    for names in (["Base", "Num"], ["Base", "Base", "Sys"], ["Base", "1st", "Sys"], ["Base", "KC_A", "Sys"], "Base"):
        imported = read_keymap_json(json.dumps({**data, "layer_names": names}))
        assert imported.layout.layer_names == ["layer0", "layer1", "layer2"]
        assert sum("`layer_names` is not one layer name per layer" in w for w in imported.warnings) == 1
