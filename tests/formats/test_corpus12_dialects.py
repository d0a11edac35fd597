"""What the held-out corpus12 (bench/corpus/manifest12.tsv) showed in real Vial saves, VIA saves and keymap.json files.

Each case is a snippet written here in the shape of the real file (nothing of the users' files is
copied): imported as `keyconf import` does, written as YAML and read back, validated, and where the
format allows exported in its own format and imported again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.keyboard_lookup import load_definition_file
from keyconf.cli.main import main
from keyconf.formats.format_error import KeyboardMismatch
from keyconf.formats.interchange import import_layout
from keyconf.formats.via_save import layout_to_via
from keyconf.formats.vial_vil import layout_to_vil
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout, TapDance
from keyconf.model.validation import validate

EMPTY_TAP_DANCE = ["KC_NO", "KC_NO", "KC_NO", "KC_NO", 200]


def written_and_read(layout: Layout, keyboard: Keyboard | None) -> Layout:
    return loads_layout(dumps_layout(layout, keyboard), "layout.yaml").layout


def numpad_layer_save() -> dict[str, object]:
    """A Vial save (protocol 6) of a 2×4 split half whose numpad layer has a thumb key on TD(1): the
    user put the key there but never gave tap dance 1 an action, only a shorter tapping term; tap dance
    0 is unused and empty too, and so are the 30 slots after."""
    dances = [list(EMPTY_TAP_DANCE) for _ in range(32)]
    dances[1][4] = 130
    return {
        "version": 1,
        "uid": 0x45899AB1C2D3E4F5,
        "layout": [
            [["KC_Q", "KC_W", "KC_E", "KC_R"], ["KC_LCTRL", "KC_LSHIFT", -1, "TG(1)"]],
            [["KC_KP_7", "KC_KP_8", "KC_KP_9", "KC_KP_MINUS"], ["KC_TRNS", "KC_KP_0", -1, "TD(1)"]],
        ],
        "encoder_layout": [[], []],
        "layout_options": 0,
        "macro": [[] for _ in range(16)],
        "vial_protocol": 6,
        "via_protocol": 9,
        "tap_dance": dances,
        "combo": [["KC_NO", "KC_NO", "KC_NO", "KC_NO", "KC_NO"] for _ in range(32)],
        "key_override": [],
        "settings": {},
    }


def test_a_key_on_an_empty_tap_dance_slot_keeps_the_slot(tmp_path: Path) -> None:
    # The import kept tap dances only up to the last one with an action, so TD(1) pointed at none:
    # "`TD(1)` uses tap dance 1, but the layout defines 0 tap dances". Vial keeps all 32 slots; the
    # key does nothing, but the slot and its tapping term are the user's.
    path = tmp_path / "numpad.vil"
    path.write_text(json.dumps(numpad_layer_save()))
    result = import_layout(path)
    layout = written_and_read(result.layout, result.keyboard)
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    assert layout.tap_dances == [
        TapDance("td0", tapping_term=200),
        TapDance("td1", tapping_term=130),
    ]
    assert layout.layers[1].keys[-1] == "TD(td1)"
    # Written back for Vial: the same slots, the key still on TD(1).
    keyboard = result.keyboard if result.keyboard is not None else layout.geometry
    assert keyboard is not None
    saved = json.loads(layout_to_vil(layout, keyboard))
    assert saved["tap_dance"][1] == [0, 0, 0, 0, 130]
    again = tmp_path / "again.vil"
    again.write_text(json.dumps(saved))
    second = import_layout(again).layout
    assert second.tap_dances == layout.tap_dances
    assert second.layers[1].keys == layout.layers[1].keys


def test_a_played_slot_past_the_saves_own_slots_is_an_empty_tap_dance(tmp_path: Path) -> None:
    # A save cut down to four slots (a hand-edited file) whose key plays TD(6): Vial's firmware has
    # the slot, empty; keyconf keeps it the same way rather than pointing the key at nothing.
    save = numpad_layer_save()
    save["tap_dance"] = [list(EMPTY_TAP_DANCE) for _ in range(4)]
    save["layout"][1][1][3] = "TD(6)"  # type: ignore[index]
    path = tmp_path / "short.vil"
    path.write_text(json.dumps(save))
    result = import_layout(path)
    layout = written_and_read(result.layout, result.keyboard)
    assert [p.message for p in validate(layout, result.keyboard) if p.is_error] == []
    assert [td.name for td in layout.tap_dances] == [f"td{i}" for i in range(7)]
    assert layout.tap_dances[6] == TapDance("td6")


# A hand-made macro pad's VIA definition as its maker wrote it: USB ids as bare hex ("4645", no 0x),
# which VIA reads as hexadecimal all the same (its saves hold vendorProductId 0x46450001).
PAD_DEFINITION = {
    "name": "Workshop Pad",
    "vendorId": "4645",
    "productId": "0001",
    "matrix": {"rows": 2, "cols": 3},
    "layouts": {"keymap": [["0,0", "0,1", "0,2"], ["1,0", "1,1", "1,2"]]},
}


def pad_save() -> dict[str, object]:
    return {
        "name": "Workshop Pad",
        "vendorProductId": 0x46450001,
        "macros": ["", "", ""],
        "layers": [["KC_ESC", "LCTL(KC_C)", "LCTL(KC_V)", "MO(1)", "KC_SPC", "MACRO(1)"],
                   ["KC_TRNS"] * 6],
    }


def test_a_via_definition_with_bare_hex_usb_ids_reads_as_via_reads_it(tmp_path: Path) -> None:
    # keyconf refused the definition ("'vendorId' must be a hex string like "0x5241", not the string
    # '4645'") that the user loads into VIA to edit the save beside it.
    definition = tmp_path / "via.json"
    definition.write_text(json.dumps(PAD_DEFINITION))
    pad = load_definition_file(definition)
    assert (pad.usb_vid, pad.usb_pid) == (0x4645, 0x0001)
    save = tmp_path / "pad.layout.json"
    save.write_text(json.dumps(pad_save()))
    result = import_layout(save, keyboard=pad)
    layout = written_and_read(result.layout, pad)
    assert [p.message for p in validate(layout, pad) if p.is_error] == []
    assert layout.layers[0].keys == ["KC_ESC", "LCTL(KC_C)", "LCTL(KC_V)", "MO(layer1)", "KC_SPC", "MC_1"]
    again = json.loads(layout_to_via(layout, pad))
    assert again["vendorProductId"] == 0x46450001


def piantor_pro_save() -> dict[str, object]:
    """A Vial save of a Beekeeb Piantor Pro (its firmware's 8×6 matrix puts the thumbs in columns 3-5
    of rows 3 and 7), kept by its user as piantor.vil."""
    half = [["KC_TAB", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"],
            ["KC_LCTL", "KC_A", "KC_S", "KC_D", "KC_F", "KC_G"],
            ["KC_LSFT", "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B"],
            [-1, -1, -1, "KC_LGUI", "MO(1)", "KC_SPC"]]
    return {
        "version": 1, "uid": 0x0B1C2D3E4F506172, "layout": [half + half, [[("KC_TRNS" if v != -1 else -1) for v in row]
                                                                      for row in half + half]],
        "encoder_layout": [[], []], "layout_options": -1, "macro": [[] for _ in range(16)],
        "vial_protocol": 6, "via_protocol": 9, "tap_dance": [list(EMPTY_TAP_DANCE) for _ in range(8)],
        "combo": [], "key_override": [], "settings": {},
    }  # fmt: skip


def test_a_save_refused_for_the_keyboard_given_names_the_makers_board_it_fits(tmp_path: Path) -> None:
    # `--keyboard beekeeb/piantor` with a Piantor Pro save said only "this Vial save is not for
    # beekeeb/piantor: 6 of the 42 keys of its base layer have no place in LAYOUT_split_3x6_3".
    finder = CatalogueKeyboards()
    piantor = finder.by_name("beekeeb/piantor")
    if piantor is None or finder.by_name("beekeeb/piantor_pro") is None:
        pytest.skip("the catalogue here holds no beekeeb/piantor boards")
    path = tmp_path / "piantor.vil"
    path.write_text(json.dumps(piantor_pro_save()))
    with pytest.raises(KeyboardMismatch) as refused:
        import_layout(path, keyboard=piantor, finder=finder)
    assert "is not for beekeeb/piantor" in refused.value.message
    assert refused.value.hint is not None and "pass --keyboard beekeeb/piantor_pro" in refused.value.hint
    # Read with the board the hint names, every key has its place.
    pro = finder.by_name("beekeeb/piantor_pro")
    layout = written_and_read(import_layout(path, keyboard=pro, finder=finder).layout, pro)
    assert [p.message for p in validate(layout, pro) if p.is_error] == []
    assert sorted(layout.layers[0].keys).count("KC_SPC") == 2


def test_a_definition_keyconf_cannot_read_gets_a_hint_not_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `keyconf import via_layout.json --keyboard via.json` (a save named as its maker names it, not
    # .layout.json) with a definition keyconf refused printed "hint: None; for a board of your own, ...".
    definition = tmp_path / "via.json"
    definition.write_text(json.dumps({**PAD_DEFINITION, "vendorId": "FEDEVEL"}))
    save = tmp_path / "via_layout.json"
    save.write_text(json.dumps(pad_save()))
    assert main(["import", str(save), "--keyboard", str(definition), "-o", str(tmp_path / "pad.yaml")]) != 0
    err = capsys.readouterr().err
    assert "'vendorId' must be a hex string" in err
    assert "hint: None" not in err and "hint: for a board of your own" in err
