"""keymap.json export of plain layouts (layers, macros, encoders) in the tree's names."""

from __future__ import annotations

import json

import pytest

from keyconf.compiler.dialect import QmkDialect
from keyconf.compiler.keymap_json import generate_keymap_json, keymap_json_data
from keyconf.compiler.source_map import GenerationError
from tests.compiler import layouts


def test_plain_layout_with_macros_and_encoders() -> None:
    layout = layouts.with_macros()
    layout.layers[0].encoders = layouts.with_encoders().layers[0].encoders
    data = json.loads(generate_keymap_json(layout, layouts.board(), keymap_name="mine"))
    assert data["keyboard"] == "testco/ortho" and data["keymap"] == "mine"
    assert data["layout"] == "LAYOUT_ortho_2x3"
    assert data["layers"][0] == ["KC_A", "LT(1, KC_SPC)", "LCTL_T(KC_ESC)", "MC_0", "MO(1)", "KC_ENT"]
    assert data["encoders"][0] == [{"ccw": "KC_VOLD", "cw": "KC_VOLU"}]
    assert data["macros"][0] == ['Hi "you"\\\n', {"action": "tap", "keycodes": ["ENTER"]}]
    assert data["macros"][1][0] == {"action": "tap", "keycodes": ["LEFT_CTRL", "C"]}
    assert data["macros"][1][1] == {"action": "delay", "duration": 100}


def test_names_follow_the_tree_spec() -> None:
    layout = layouts.layers_only()
    layout.settings = {}
    layout.layers[1].keys[0] = "UG_TOGG"
    data = keymap_json_data(layout, layouts.board(), QmkDialect(keycode_spec_version="0.0.3"))
    assert data["layers"][1][0] == "RGB_TOG"


@pytest.mark.parametrize("factory", [layouts.with_tap_dances, layouts.with_combos, layouts.with_key_overrides])
def test_what_needs_c_is_refused(factory: object) -> None:
    assert callable(factory)
    with pytest.raises(GenerationError) as caught:
        keymap_json_data(factory(), layouts.board())
    assert any("keymap.json cannot hold" in p.message for p in caught.value.problems)
    assert all(p.hint for p in caught.value.problems if "keymap.json" in p.message)
