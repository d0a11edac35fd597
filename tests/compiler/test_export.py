"""keymap.json and keymap.c export (the compiler's generators) read back by the importers."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.export import export_layout, keymap_c_sources
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import KEYMAP_C, KEYMAP_JSON, import_layout
from keyconf.model.layout_diff import diff_layouts

DATA = Path(__file__).parents[1] / "formats" / "data" / "interchange"


def round_trip(layout, keyboard, fmt: str, tmp_path: Path):
    target = tmp_path / ("keymap.json" if fmt == KEYMAP_JSON else "keymap.c")
    target.write_text(export_layout(layout, fmt, keyboard))
    return import_layout(target, keyboard=keyboard).layout


def test_configurator_export_round_trips_through_keymap_json(tmp_path: Path) -> None:
    crkbd = load_bundled("crkbd/rev1")
    first = import_layout(DATA / "corne_configurator.json", keyboard=crkbd).layout
    second = round_trip(first, crkbd, KEYMAP_JSON, tmp_path)
    assert diff_layouts(first, second).same
    assert (second.keyboard, second.layout_macro) == ("crkbd/rev1", "LAYOUT_split_3x6_3")


def test_macros_and_encoders_round_trip_through_keymap_json(tmp_path: Path) -> None:
    kyria = load_bundled("splitkb/kyria/rev3")
    first = import_layout(DATA / "kyria_macros.keymap.json", keyboard=kyria).layout
    first.settings = {}  # keymap.json export leaves settings to config.h (keymap.c export)
    second = round_trip(first, kyria, KEYMAP_JSON, tmp_path)
    assert diff_layouts(first, second).same
    assert [m.steps for m in second.macros] == [m.steps for m in first.macros]
    assert [layer.encoders for layer in second.layers] == [layer.encoders for layer in first.layers]


def test_keymap_c_round_trips_with_combos_tap_dances_and_overrides(tmp_path: Path) -> None:
    crkbd = load_bundled("crkbd/rev1")
    first = import_layout(DATA / "corne_layers.keymap.c", keyboard=crkbd).layout
    second = round_trip(first, crkbd, KEYMAP_C, tmp_path)
    # keyconf writes its tap dances as C functions, which read back as C code (kept, by number).
    assert second.layers[0].keys[12] == "TD(0)" and second.tap_dances == []
    assert second.c_source is not None and "tap_dance_actions[]" in (second.c_source.code or "")
    second.layers[0].keys[12] = first.layers[0].keys[12]
    result = diff_layouts(first, second)
    assert not any(layer.keys for layer in result.layers), result
    assert len(second.combos) == 2 and len(second.key_overrides) == 1
    assert second.custom_keycode_names == first.custom_keycode_names == ["SMTD"]


def test_keymap_json_cannot_hold_tap_dances(tmp_path: Path) -> None:
    crkbd = load_bundled("crkbd/rev1")
    layout = import_layout(DATA / "corne_layers.keymap.c", keyboard=crkbd).layout
    with pytest.raises(FormatError, match="keymap.json cannot hold"):
        export_layout(layout, KEYMAP_JSON, crkbd)


def test_keymap_c_and_keymap_json_need_the_keyboards_macros() -> None:
    layout = import_layout(DATA / "corne_configurator.json").layout
    with pytest.raises(FormatError, match="QMK keymap.json export needs the keyboard's layout macros"):
        export_layout(layout, KEYMAP_JSON, None)
    with pytest.raises(FormatError, match="^keymap.c export needs the keyboard's layout macros"):
        keymap_c_sources(layout, None)


def test_a_key_export_cannot_write_is_named_by_layer_and_key(tmp_path: Path) -> None:
    # corpus14: a QMK Configurator export of a BLE Micro Pro board (its fork's AD_WO_L, SEL_BLE on the
    # third layer) imports with a warning; its export said only "unknown keycode 'AD_WO_L' in 'AD_WO_L'
    # (and 8 more)", with no layer, key or way to find them.
    crkbd = load_bundled("crkbd/rev1")
    first = import_layout(DATA / "corne_configurator.json", keyboard=crkbd).layout
    first.layers[-1].keys[1:3] = ["AD_WO_L", "SEL_BLE"]
    for fmt in (KEYMAP_JSON, KEYMAP_C):
        with pytest.raises(FormatError) as refused:
            export_layout(first, fmt, crkbd)
        name = repr(first.layers[-1].name)
        assert refused.value.message == f"layer {name}, key 2: unknown keycode 'AD_WO_L' in 'AD_WO_L' (and 1 more)"
        assert refused.value.hint == "`keyconf validate` lists them all, each at its line of the layout file"
