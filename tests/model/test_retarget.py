"""Moving a whole layout to another board: every layer through one match, nothing lost silently."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import find_keyboard
from keyconf.formats.qmk_info import load_qmk_keyboard
from keyconf.formats.yaml_layout import load_layout
from keyconf.model.layout import (
    Combo,
    CSource,
    CustomKeycode,
    EncoderAction,
    KeyOverride,
    Layer,
    Layout,
    Macro,
    MacroStep,
    TapDance,
)
from keyconf.model.retarget import best_macro, retarget_layout
from keyconf.model.validation import validate

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def shipped(name: str) -> Layout:
    return load_layout(LAYOUTS / f"{name}.yaml").layout


def test_corne_to_sweep_keeps_every_alpha_key_and_the_inner_thumbs_and_lists_the_rest():
    corne = shipped("corne")
    moved = retarget_layout(corne, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    assert moved.layout.keyboard == "ferris/sweep"
    assert moved.layout.layout_macro == "LAYOUT_split_3x5_2"
    for before, after, move in zip(corne.layers, moved.layout.layers, moved.layers, strict=True):
        # Corne row r, columns 1..10 are the Sweep's row r, columns 0..9.
        for row in range(3):
            assert after.keys[row * 10 : row * 10 + 10] == before.keys[row * 12 + 1 : row * 12 + 11]
        assert after.keys[31:33] == before.keys[38:40]  # the two thumbs nearest the middle
        assert after.keys[30] == before.keys[37] and after.keys[33] == before.keys[40]
        assert move.dropped == [0, 11, 12, 23, 24, 35, 36, 41]
        assert move.unfilled == []
    assert [p for p in moved.problems if p.is_error] == []
    assert moved.dropped_count == 8 * len(corne.layers)


def test_sweep_to_corne_and_back_gives_the_original():
    sweep = shipped("sweep")
    there = retarget_layout(sweep, find_keyboard("ferris/sweep"), find_keyboard("crkbd/rev1"), "LAYOUT_split_3x6_3")
    assert all(move.dropped == [] for move in there.layers)
    assert all(there.layout.layers[0].keys[j] == "KC_NO" for j in there.layers[0].unfilled)
    back = retarget_layout(there.layout, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    assert back.layout == sweep


def test_best_macro_picks_the_macro_that_drops_least():
    corne = shipped("corne")
    assert best_macro(corne, find_keyboard("crkbd/rev1"), find_keyboard("crkbd/rev1")) == "LAYOUT_split_3x6_3"
    planck = shipped("planck")
    assert best_macro(planck, find_keyboard("planck/rev6"), find_keyboard("planck/rev6")) == "LAYOUT_ortho_4x12"


def test_sixty_percent_to_tkl_keeps_every_key():
    dz60 = shipped("dz60")
    moved = retarget_layout(dz60, find_keyboard("dz60"), find_keyboard("kbdfans/kbd8x_mk2"), "LAYOUT_tkl_ansi")
    assert all(move.dropped == [] for move in moved.layers)
    base = moved.layout.layers[0].keys
    assert sorted(k for k in base if k != "KC_NO") == sorted(dz60.layers[0].keys)
    assert len(moved.layers[0].unfilled) == 87 - 61


def test_definitions_and_settings_come_along_unchanged():
    layout = shipped("corne")
    layout.macros = [Macro([MacroStep("text", "hello")], name="hi")]
    layout.tap_dances = [TapDance("esc_caps", "KC_ESC", double_tap="KC_CAPS")]
    layout.key_overrides = [KeyOverride("KC_BSPC", "KC_DEL", ["MOD_MASK_SHIFT"])]
    layout.combos = [Combo(["KC_W", "KC_E"], "KC_ESC", name="we")]
    layout.settings = {"tapping_term": 180, "permissive_hold": True}
    layout.custom_keycodes = [CustomKeycode("ALTTAB", legend="Alt⇥")]
    layout.c_source = CSource(code="bool process_record_user(uint16_t k, keyrecord_t *r) { return true; }")
    layout.layers[0].keys[1] = "ALTTAB"  # the Q key: it moves like any other
    original = copy.deepcopy(layout)
    moved = retarget_layout(layout, find_keyboard("crkbd/rev1"), find_keyboard("lily58/rev1"))
    result = moved.layout
    for field in ("macros", "tap_dances", "key_overrides", "combos", "settings", "name", "author", "notes",
                  "custom_keycodes", "c_source"):
        assert getattr(result, field) == getattr(original, field), field
    assert result.layer_names == original.layer_names
    assert layout == original  # the source is not touched
    assert moved.combos == []
    assert result.layers[0].keys[result.layers[0].keys.index("ALTTAB")] == "ALTTAB"
    assert [p for p in moved.problems if p.is_error] == []


def test_combos_whose_keys_left_the_board_are_reported():
    layout = shipped("corne")
    layout.combos = [Combo(["KC_TAB", "KC_Q"], "KC_ESC", name="tab_q"), Combo(["KC_W", "KC_E"], "KC_ESC")]
    moved = retarget_layout(layout, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    assert len(moved.combos) == 1
    assert moved.combos[0].startswith("tab_q") and "KC_TAB is on no key any more" in moved.combos[0]


def test_a_layer_left_with_no_way_back_is_reported_by_the_lint():
    layout = shipped("corne")
    nav = layout.layers[1]
    layout.layers[0].keys[37] = "TG(nav)"  # entered by toggling from a thumb…
    nav.keys[37] = "XXXXXXX"
    nav.keys[0] = "TG(nav)"  # …and left from the outer column, which a Sweep lacks
    assert not any(p.code == "no-way-back" for p in validate(layout, find_keyboard("crkbd/rev1")))
    moved = retarget_layout(layout, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    assert any(p.code == "no-way-back" for p in moved.problems)


def test_encoders_follow_by_index_and_the_rest_are_listed():
    kyria = shipped("kyria")
    with_encoders = [n for n, layer in enumerate(kyria.layers) if layer.encoders]
    assert with_encoders and all(len(kyria.layers[n].encoders) == 2 for n in with_encoders)
    to_planck = retarget_layout(kyria, find_keyboard("splitkb/kyria/rev3"), find_keyboard("planck/rev6"))
    for n, (layer, move) in enumerate(zip(to_planck.layout.layers, to_planck.layers, strict=True)):
        if n in with_encoders:
            assert layer.encoders == kyria.layers[n].encoders[:1]
            assert move.encoders_dropped == [1]
        else:
            assert layer.encoders == [] and move.encoders_dropped == []
    knob = EncoderAction("KC_VOLD", "KC_VOLU")
    planck = Layout("planck/rev6", "LAYOUT_ortho_4x12", [Layer("base", ["KC_A"] * 48, [knob])])
    to_sofle = retarget_layout(planck, find_keyboard("planck/rev6"), find_keyboard("sofle/rev1"))
    assert to_sofle.layout.layers[0].encoders == [knob, EncoderAction("KC_NO", "KC_NO")]
    assert to_sofle.layers[0].encoders_unfilled == [1]


SHIPPED = ["corne", "sweep", "planck", "dz60", "kbd8x", "kyria", "lily58", "sofle", "splite"]
BOARDS = ["crkbd/rev1", "ferris/sweep", "planck/rev6", "dz60", "kbdfans/kbd8x_mk2", "splitkb/kyria/rev3",
          "lily58/rev1", "sofle/rev1", "whale/sk/v3"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_layout_moves_to_every_bundled_board_and_accounts_for_every_key(name):
    layout = shipped(name)
    source = find_keyboard(layout.keyboard)
    for board in BOARDS:
        target = find_keyboard(board)
        moved = retarget_layout(layout, source, target)
        macro = target.layout(moved.layout.layout_macro)
        for before, after, move in zip(layout.layers, moved.layout.layers, moved.layers, strict=True):
            assert len(after.keys) == macro.key_count
            assert len(move.moved) + len(move.dropped) == len(before.keys)
            assert len(move.moved) + len(move.unfilled) == len(after.keys)
            for i, j in move.moved:
                assert after.keys[j] == before.keys[i]
        assert not [p for p in moved.problems if p.code in ("key-count", "unknown-keycode")], board


def test_planck_to_the_catalogues_preonic_moves_every_key_one_row_down():
    preonic = find_keyboard("preonic/rev3")  # not bundled as a layout: the catalogue knows it
    planck = shipped("planck")
    moved = retarget_layout(planck, find_keyboard("planck/rev6"), preonic)
    assert moved.layout.layout_macro == "LAYOUT_ortho_5x12"  # the macro that drops nothing
    for before, after, move in zip(planck.layers, moved.layout.layers, moved.layers, strict=True):
        assert move.dropped == [] and move.unfilled == list(range(12))
        assert after.keys[12:] == before.keys


def qmk_home() -> Path | None:
    home = os.environ.get("KEYCONF_TEST_QMK_HOME")
    return Path(home) if home and (Path(home) / "keyboards").is_dir() else None


@pytest.mark.skipif(qmk_home() is None, reason="KEYCONF_TEST_QMK_HOME is not set to a qmk_firmware tree")
def test_planck_to_a_real_preonic_lands_every_key_one_row_down():
    home = qmk_home()
    assert home is not None
    preonic = load_qmk_keyboard(home, "preonic/rev3")
    planck = shipped("planck")
    moved = retarget_layout(planck, find_keyboard("planck/rev6"), preonic, "LAYOUT_ortho_5x12")
    for before, after, move in zip(planck.layers, moved.layout.layers, moved.layers, strict=True):
        assert move.dropped == []
        assert move.unfilled == list(range(12))
        assert after.keys[12:] == before.keys


def test_keys_beyond_the_macro_are_listed_as_dropped_not_lost():
    layout = shipped("sweep")
    layout.layers[0].keys.append("KC_F24")  # one key too many (validation reports it too)
    moved = retarget_layout(layout, find_keyboard("ferris/sweep"), find_keyboard("crkbd/rev1"), "LAYOUT_split_3x6_3")
    assert moved.layers[0].dropped == [34]
    assert len(moved.layout.layers[0].keys) == 42
