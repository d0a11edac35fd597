"""What the held-out corpus10 (bench/corpus/manifest10.tsv) showed in real saves and keymap.json files.

Each case is a snippet written here in the shape of the real file (nothing of the users' files is
copied): imported as `keyconf import` does, written as YAML and read back, validated, and where the
format allows exported in its own format and imported again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.cli.keyboard_lookup import board_name_of_file, load_definition_file
from keyconf.formats.interchange import import_layout
from keyconf.formats.vial_vil import layout_to_vil
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.layout import Layout
from keyconf.model.validation import validate

# A pointing board's Vial definition as its firmware's keymaps/vial/vial.json holds it: no USB ids
# (Vial finds boards by serial number), two keycodes of the board's own, one encoder marked Vial's way.
VIAL_JSON = {
    "name": "Pointer Pad",
    "matrix": {"rows": 2, "cols": 3},
    "customKeycodes": [
        {"name": "Dpi", "title": "Pointer DPI up", "shortName": "Dpi"},
        {"name": "Drg", "title": "Drag scroll while held", "shortName": "Drg"},
    ],
    "layouts": {"keymap": [["0,0", "0,1", "0,2", "0,0\n\n\n\n\n\n\n\n\ne", "0,1\n\n\n\n\n\n\n\n\ne"],
                           ["1,0", "1,1", "1,2"]]},
}  # fmt: skip


def old_vial_save() -> dict[str, object]:
    """What vial-gui before 2023 (Vial protocol 5) saved: the board's own keycodes by their definition names."""
    return {
        "version": 1,
        "uid": 0x1F2E3D4C5B6A7988,
        "layout": [
            [["KC_A", "Drg", "KC_B"], ["TD(0)", "Dpi", "MO(1)"]],
            [["KC_TRNS", "KC_TRNS", "KC_TRNS"], ["KC_TRNS", "Drg", "KC_TRNS"]],
        ],
        "encoder_layout": [[["KC_VOLD", "KC_VOLU"]], [["KC_TRNS", "KC_TRNS"]]],
        "layout_options": -1,
        "macro": [[] for _ in range(16)],
        "vial_protocol": 5,
        "via_protocol": 9,
        "tap_dance": [["KC_SPACE", "Drg", "KC_NO", "KC_NO", 200]] + [["KC_NO", "KC_NO", "KC_NO", "KC_NO", 200]] * 7,
        "combo": [["KC_A", "KC_B", "KC_NO", "KC_NO", "Dpi"]],
        "key_override": [],
        "settings": {},
    }


@pytest.fixture
def pointer_pad(tmp_path: Path) -> Keyboard:
    folder = tmp_path / "keyboards" / "acme" / "pointer_pad" / "keymaps" / "vial"
    folder.mkdir(parents=True)
    (folder / "vial.json").write_text(json.dumps(VIAL_JSON))
    return load_definition_file(folder / "vial.json")


def written_and_read(layout: Layout, keyboard: Keyboard | None) -> Layout:
    return loads_layout(dumps_layout(layout, keyboard), "layout.yaml").layout


def test_a_vial_json_without_usb_ids_is_a_keyboard(tmp_path: Path, pointer_pad: Keyboard) -> None:
    # `--keyboard vial.json`: keyconf asked for a 'vendorId' that no Vial definition has.
    assert pointer_pad.name == "Pointer Pad"
    assert [b.name for b in pointer_pad.board_keycodes] == ["Dpi", "Drg"]
    assert len(pointer_pad.encoders) == 1
    switches = [k for k in pointer_pad.layouts["LAYOUT"].keys if k.matrix is not None and not k.decal]
    assert sorted(k.matrix for k in switches if k.encoder is None) == [(r, c) for r in range(2) for c in range(3)]
    unnamed = tmp_path / "keyboards" / "acme" / "pointer_pad" / "keymaps" / "vial" / "vial.json"
    assert board_name_of_file(unnamed) == "acme/pointer_pad"


def test_old_vial_save_reads_the_boards_own_keycodes_by_their_definition_names(
    tmp_path: Path, pointer_pad: Keyboard
) -> None:
    path = tmp_path / "pad.vil"
    path.write_text(json.dumps(old_vial_save()))
    result = import_layout(path, keyboard=pointer_pad)
    layout = written_and_read(result.layout, result.keyboard)
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    customs = {c.name: c for c in layout.custom_keycodes}
    assert set(customs) == {"DRG", "DPI"}
    assert customs["DRG"].legend == "Drg"
    assert layout.layers[0].keys[1] == "DRG" and layout.layers[1].keys[4] == "DRG"
    assert layout.tap_dances[0].hold == "DRG"
    assert layout.combos[0].action == "DPI"
    assert not any("no QMK or Vial keycode" in w for w in result.warnings)
    # Written back for Vial: the values of the board's own keycodes (QK_KB_1, QK_KB_0).
    saved = json.loads(layout_to_vil(layout, pointer_pad))
    kb = ParseContext()
    assert saved["layout"][0][0][1] == REGISTRY.encode(REGISTRY.parse("QK_KB_1", kb), kb)
    assert saved["tap_dance"][0][1] == REGISTRY.encode(REGISTRY.parse("QK_KB_1", kb), kb)
    assert saved["combo"][0][4] == REGISTRY.encode(REGISTRY.parse("QK_KB_0", kb), kb)
    again = tmp_path / "again.vil"
    again.write_text(json.dumps(saved))
    second = import_layout(again, keyboard=pointer_pad).layout
    assert second.layers == result.layout.layers
    assert second.tap_dances == result.layout.tap_dances and second.combos == result.layout.combos


def test_old_vial_save_without_its_definition_says_which_names_need_it(tmp_path: Path) -> None:
    path = tmp_path / "pad.vil"
    path.write_text(json.dumps(old_vial_save()))
    result = import_layout(path)
    said = [w for w in result.warnings if "no QMK or Vial keycode" in w]
    assert len(said) == 1
    assert said[0].startswith("Drg, Dpi are no QMK or Vial keycode")
    assert "Vial protocol 5" in said[0] and "vial.json" in said[0]
    layout = written_and_read(result.layout, result.keyboard)
    errors = [p for p in validate(layout, result.keyboard) if p.is_error]
    assert errors and all("Drg" in p.message or "Dpi" in p.message for p in errors)


def configurator_export(key: str) -> dict[str, object]:
    """A QMK Configurator download of a corne whose user typed a code point into ANY()."""
    top = ["KC_ESC", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T", "KC_Y", "KC_U", "KC_I", "KC_O", "KC_P", "KC_BSPC"]
    home = ["KC_TAB", "KC_A", "KC_S", "KC_D", "KC_F", "KC_G", "KC_H", "KC_J", "KC_K", "KC_L", key, "KC_ENT"]
    low = ["KC_LSFT", "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B", "KC_N", "KC_M", "KC_COMM", "KC_DOT", "KC_SLSH",
           "KC_RSFT"]  # fmt: skip
    thumbs = ["KC_LGUI", "MO(1)", "KC_SPC", "KC_ENT", "MO(2)", "KC_RALT"]
    return {
        "version": 1, "notes": "", "documentation": "This file is a QMK Configurator export.",
        "keyboard": "crkbd/rev1", "keymap": "crkbd_rev1_layout_split_3x6_3_mine", "layout": "LAYOUT_split_3x6_3",
        "layers": [top + home + low + thumbs], "author": "",
    }  # fmt: skip


@pytest.fixture(scope="module")
def crkbd() -> Keyboard:
    return load_bundled("crkbd/rev1")


def test_code_point_without_0x_in_any_says_what_to_write(tmp_path: Path, crkbd: Keyboard) -> None:
    # ANY(UC(00e4)) for ä: QMK pastes `UC(00e4)` into C, where 00e4 is a float and the keymap does
    # not build. keyconf said "expected ')' to close UC(, found 'e4'".
    path = tmp_path / "crkbd_rev1_layout_split_3x6_3_mine.json"
    path.write_text(json.dumps(configurator_export("ANY(UC(00e4))")))
    result = import_layout(path, keyboard=crkbd)
    assert any("UC(00e4)" in w and "0x00e4" in w for w in result.warnings)
    layout = written_and_read(result.layout, result.keyboard)
    errors = [p for p in validate(layout, result.keyboard) if p.is_error]
    assert len(errors) == 1
    assert "`00e4` is not a number QMK can take" in errors[0].message
    assert errors[0].hint == "write it as a hexadecimal number: 0x00e4"
    # Written as the hint says, the file imports and validates.
    path.write_text(json.dumps(configurator_export("ANY(UC(0x00e4))")))
    fixed = import_layout(path, keyboard=crkbd)
    layout = written_and_read(fixed.layout, fixed.keyboard)
    assert [p.message for p in validate(layout, fixed.keyboard) if p.is_error] == []


@pytest.mark.parametrize(
    ("text", "column", "hint"),
    [
        ("UC(1F600)", 3, "write it as a hexadecimal number: 0x1F600"),
        ("5F80", 0, "write it as a hexadecimal number: 0x5F80"),
        ("LT(1, 2x)", 6, "write a number as decimal digits, or hexadecimal ones after 0x"),
    ],
)
def test_digits_running_into_letters_are_no_number(text: str, column: int, hint: str) -> None:
    with pytest.raises(KeycodeError) as caught:
        REGISTRY.parse(text, ParseContext(layers=["base", "nav"]))
    assert caught.value.column == column
    assert caught.value.hint == hint


def test_layer_key_past_the_last_layer_exports_as_qmk_builds_it(tmp_path: Path, crkbd: Keyboard) -> None:
    # A keymap.json of three layers whose thumb key is MO(3) (found by the round trip of corpus7's
    # keymap.json files): QMK builds it and reads the missing layer as KC_TRNS everywhere. keyconf
    # validated it without a word, then refused to export it ("layer 3 does not exist").
    from keyconf.compiler.export import export_layout

    data = configurator_export("KC_SCLN")
    base = data["layers"][0]  # type: ignore[index]
    lower = ["KC_TRNS"] * len(base)
    lower[40] = "MO(3)"
    data["layers"] = [base, lower, ["KC_TRNS"] * len(base)]
    path = tmp_path / "corne.json"
    path.write_text(json.dumps(data))
    result = import_layout(path, keyboard=crkbd)
    problems = validate(result.layout, result.keyboard)
    assert [p.message for p in problems if p.is_error] == []
    missing = [p for p in problems if p.code == "missing-layer"]
    assert len(missing) == 1 and "layer 3, which the layout does not have (it has 3)" in missing[0].message
    written = json.loads(export_layout(result.layout, "keymap.json", result.keyboard))
    assert written["layers"][1][40] == "MO(3)"
    assert "MO(3)" in export_layout(result.layout, "keymap.c", result.keyboard)
    again = tmp_path / "again.json"
    again.write_text(json.dumps(written))
    assert import_layout(again, keyboard=crkbd).layout.layers == result.layout.layers


def test_vial_key_override_options_and_switch_survive_import_and_export(tmp_path: Path) -> None:
    # Vial saves each key override's ko_option_t bits and its on/off switch (bit 7). keyconf warned
    # "options 0x2F differ from QMK's defaults; keyconf keeps the defaults" and "switched off in Vial;
    # imported as an active one", so a save exported back (or a firmware built) behaved otherwise.
    from keyconf.compiler.export import export_layout

    save = old_vial_save()
    save["vial_protocol"] = 6
    save["layout"] = [[["KC_A", "KC_BSPC", "KC_B"], ["KC_C", "KC_D", "MO(1)"]], [["KC_TRNS"] * 3, ["KC_TRNS"] * 3]]
    save["tap_dance"], save["combo"] = [], []
    save["key_override"] = [
        {"trigger": "KC_BSPC", "replacement": "KC_DEL", "layers": 0xFFFF, "trigger_mods": 0x02,
         "negative_mod_mask": 0, "suppressed_mods": 0x02, "options": 0x80 | 0x20 | 0x08 | 0x07},
        {"trigger": "KC_A", "replacement": "KC_B", "layers": 0x0001, "trigger_mods": 0x01,
         "negative_mod_mask": 0, "suppressed_mods": 0x01, "options": 0x07},
        {"trigger": "KC_NO", "replacement": "KC_NO", "layers": 0xFFFF, "trigger_mods": 0,
         "negative_mod_mask": 0, "suppressed_mods": 0, "options": 0x07},
    ]  # fmt: skip
    path = tmp_path / "pad.vil"
    path.write_text(json.dumps(save))
    result = import_layout(path)
    assert not [w for w in result.warnings if "key override" in w]
    layout = written_and_read(result.layout, result.keyboard)
    first, second = layout.key_overrides
    assert first.options == ["activation_trigger_down", "activation_required_mod_down",
                             "activation_negative_mod_up", "one_mod", "no_unregister_on_other_key_down"]
    assert first.enabled
    assert second.options is None and not second.enabled
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    written = json.loads(layout_to_vil(layout, result.keyboard))
    assert [o["options"] for o in written["key_override"]] == [0xAF, 0x07]
    source = export_layout(layout, "keymap.c", result.keyboard)
    assert ("ko_option_activation_trigger_down | ko_option_activation_required_mod_down | "
            "ko_option_activation_negative_mod_up | ko_option_one_mod | ko_option_no_unregister_on_other_key_down"
            in source)
    assert "bool ko_1_enabled = false;" in source and ".enabled = &ko_1_enabled," in source


def test_unknown_key_override_option_is_one_positioned_error(tmp_path: Path) -> None:
    text = (
        "keyconf: 1\nkeyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [KC_A]\n"
        "key_overrides:\n  - mods: [MOD_MASK_SHIFT]\n    trigger: KC_BSPC\n    replacement: KC_DEL\n"
        "    options: [one_mod, activation_on_release]\n"
    )
    from keyconf.formats.yaml_layout import LayoutFileError

    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text, "layout.yaml")
    assert "`activation_on_release` is not a key override option" in str(caught.value)
    assert ":10:" in str(caught.value)
