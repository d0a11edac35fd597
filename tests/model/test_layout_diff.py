"""The semantic layout diff: keys by meaning, layers matched by name then by content."""

from __future__ import annotations

import copy
from pathlib import Path

from keyconf.catalogue.resolve import find_keyboard
from keyconf.formats.yaml_layout import load_layout
from keyconf.model.keycodes import REGISTRY, ParseContext
from keyconf.model.layout import Combo, EncoderAction, Layer, Layout, Macro, MacroStep, TapDance
from keyconf.model.layout_diff import diff_layouts, same_keycode
from keyconf.model.retarget import layouts_match, retarget_layout


def layout() -> Layout:
    return Layout(
        keyboard="test/board",
        layout_macro="LAYOUT",
        layers=[
            Layer("base", ["KC_A", "KC_B", "LT(nav, KC_SPC)", "KC_ENT"], [EncoderAction("KC_VOLD", "KC_VOLU")]),
            Layer("nav", ["KC_LEFT", "KC_DOWN", "KC_TRNS", "KC_RIGHT"]),
            Layer("sym", ["KC_EXLM", "KC_AT", "KC_HASH", "KC_DLR"]),
        ],
        macros=[Macro([MacroStep("text", "hi")])],
        combos=[Combo(["KC_A", "KC_B"], "KC_ESC")],
        tap_dances=[TapDance("esc_caps", "KC_ESC", double_tap="KC_CAPS")],
        settings={"tapping_term": 200},
    )


def test_identical_and_differently_spelled_layouts_are_the_same() -> None:
    old = layout()
    new = copy.deepcopy(old)
    new.layers[0].keys[3] = "KC_ENTER"  # an alias
    new.layers[0].keys[2] = "LT(1, KC_SPACE)"  # layer by number, key by long name
    result = diff_layouts(old, new)
    assert result.same
    assert result.summary() == "no differences"


def test_changed_keys_with_legends() -> None:
    old, new = layout(), layout()
    new.layers[1].keys[0] = "KC_HOME"
    new.layers[1].keys[3] = "LCTL(KC_RIGHT)"
    result = diff_layouts(old, new)
    [nav] = result.changed_layers
    assert nav.old_name == nav.new_name == "nav"
    assert [(c.index, c.old, c.new) for c in nav.keys] == [(0, "KC_LEFT", "KC_HOME"), (3, "KC_RIGHT", "LCTL(KC_RIGHT)")]
    assert nav.keys[0].old_legend == REGISTRY.legend(REGISTRY.parse("KC_LEFT")).tap
    assert nav.keys[1].new_legend == REGISTRY.legend(REGISTRY.parse("LCTL(KC_RIGHT)")).tap
    assert result.summary() == "2 keys changed in 1 layer"


def test_renamed_layer_is_found_by_content() -> None:
    old, new = layout(), layout()
    new.layers[1].name = "navigation"
    new.layers[0].keys[2] = "LT(navigation, KC_SPC)"
    new.layers[1].keys[1] = "KC_PGDN"
    result = diff_layouts(old, new)
    [nav] = result.changed_layers
    assert nav.renamed and (nav.old_name, nav.new_name) == ("nav", "navigation")
    assert [(c.old, c.new) for c in nav.keys] == [("KC_DOWN", "KC_PGDN")]
    assert result.summary() == "1 key changed in 1 layer; 1 layer renamed"


def test_added_removed_and_moved_layers() -> None:
    old, new = layout(), layout()
    removed = new.layers.pop(2)
    new.layers.insert(1, Layer("fn", ["KC_F1", "KC_F2", "KC_F3", "KC_F4"]))
    result = diff_layouts(old, new)
    added = [d for d in result.layers if d.added]
    gone = [d for d in result.layers if d.removed]
    moved = [d for d in result.layers if d.moved]
    assert [d.new_name for d in added] == ["fn"]
    assert [d.old_name for d in gone] == [removed.name]
    assert [(d.old_name, d.old_index, d.new_index) for d in moved] == [("nav", 1, 2)]
    assert "1 layer added; 1 layer removed" in result.summary()


def test_other_sections() -> None:
    old, new = layout(), layout()
    new.macros[0] = Macro([MacroStep("text", "hello")])
    new.combos.append(Combo(["KC_J", "KC_K"], "KC_ESC"))
    new.tap_dances[0].tapping_term = 150
    new.settings["tapping_term"] = 180
    new.layers[0].encoders[0] = EncoderAction("KC_VOLD", "KC_MUTE")
    result = diff_layouts(old, new)
    assert "setting tapping_term: 200 → 180" in result.other
    assert "macro 0: 'hi' → 'hello'" in result.other
    assert any(line.startswith("combo 1 added") for line in result.other)
    assert any(line.startswith("tap dance 0:") for line in result.other)
    [base] = result.changed_layers
    assert [(e.encoder, e.direction, e.old, e.new) for e in base.encoders] == [(0, "cw", "KC_VOLU", "KC_MUTE")]
    assert result.summary() == "1 encoder action changed; 4 other changes"


def test_same_keycode_resolves_names_in_each_layout() -> None:
    a = ParseContext(layers=["base", "nav"])
    b = ParseContext(layers=["base", "navigation"])
    assert same_keycode("MO(nav)", a, "MO(navigation)", b)
    assert not same_keycode("MO(nav)", a, "MO(base)", b)
    assert same_keycode("CUSTOM_THING", a, " CUSTOM_THING ", b)
    assert not same_keycode("CUSTOM_THING", a, "OTHER_THING", b)


def test_layouts_of_different_boards_compare_through_the_key_pairing():
    corne = load_layout(Path(__file__).resolve().parents[2] / "layouts" / "corne.yaml").layout
    source, target = find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep")
    sweep = retarget_layout(corne, source, target).layout
    sweep.layers[0].keys[31] = "KC_BSPC"  # Space (Corne key 38) changed after the move
    match = layouts_match(corne, source, sweep, target)
    assert match is not None
    result = diff_layouts(corne, sweep, key_pairs=match.target_of)
    base = result.layers[0]
    assert base.relocated == 42 - 8 - 1
    changed = [c for c in base.keys if c.old and c.new]
    assert [(c.index, c.new_index, c.old, c.new) for c in changed] == [(38, 31, "KC_SPC", "KC_BSPC")]
    dropped = [c.index for c in base.keys if not c.new]
    assert dropped == [0, 11, 12, 23, 24, 35, 36, 41]
    assert "keyboard: crkbd/rev1 → ferris/sweep" in result.other
    assert "moved to the new board unchanged" in result.summary()
    # The same board and macro: no pairing, keys compare by position as before.
    assert layouts_match(corne, source, corne, source) is None
