"""What the held-out corpus12 (bench/corpus/manifest12.tsv) showed in real Vial saves, VIA saves and keymap.json files.

Each case is a snippet written here in the shape of the real file (nothing of the users' files is
copied): imported as `keyconf import` does, written as YAML and read back, validated, and where the
format allows exported in its own format and imported again."""

from __future__ import annotations

import json
from pathlib import Path

from keyconf.formats.interchange import import_layout
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

