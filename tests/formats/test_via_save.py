"""VIA saves (.layout.json): matrix order ↔ layout order, VIA's spellings, macros, encoders, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.via_save import layout_to_via, read_via_save, via_keycode, via_to_layout
from keyconf.model.keycodes import REGISTRY, ParseContext
from keyconf.model.keycodes.via_dictionary import via_dictionary

DATA = Path(__file__).parent / "data" / "interchange"
MODEL_DATA = Path(__file__).parents[1] / "model" / "data"


@pytest.fixture(scope="module")
def crkbd():
    return load_bundled("crkbd/rev1")


@pytest.fixture(scope="module")
def kyria():
    return load_bundled("splitkb/kyria/rev3")


def corne_import(crkbd):
    return via_to_layout(read_via_save((DATA / "corne.layout.json").read_text()), crkbd)


def test_reads_layers_in_layout_macro_order(crkbd) -> None:
    result = corne_import(crkbd)
    layout = result.layout
    assert result.warnings == []
    assert (layout.keyboard, layout.layout_macro) == ("crkbd/rev1", "LAYOUT_split_3x6_3")
    base, lower, adjust, _ = layout.layers
    assert base.keys[:12] == [
        "KC_TAB",
        "KC_Q",
        "KC_W",
        "KC_E",
        "KC_R",
        "KC_T",
        "KC_Y",
        "KC_U",
        "KC_I",
        "KC_O",
        "KC_P",
        "KC_BSPC",
    ]
    # VIA's spellings become keyconf's: layer numbers named, "MOD_LCTL | MOD_RCTL" is right Ctrl
    assert base.keys[13] == "LGUI_T(KC_A)"
    assert base.keys[22] == "RCTL_T(KC_SCLN)"
    assert base.keys[36:] == ["KC_LGUI", "MO(layer1)", "KC_SPC", "KC_ENT", "LT(layer2, KC_BSPC)", "KC_RALT"]
    assert lower.keys[25:30] == ["MC_0", "MC_1", "LCTL(KC_C)", "LCTL(KC_V)", "QK_KB_2"]
    assert lower.keys[40] == "TO(layer2)"
    assert adjust.keys[0] == "QK_BOOT"
    # a value VIA had no name for (written as hex) is decoded, not dropped
    assert adjust.keys[32] == "PDF(layer1)"


def test_reads_macros_in_via_notation(crkbd) -> None:
    macros = corne_import(crkbd).layout.macros
    assert len(macros) == 2  # trailing empty macros are not layout content
    hello, chord = macros
    assert [(s.kind, s.value) for s in hello.steps] == [("text", "Hello, world!"), ("tap", ["KC_ENT"])]
    assert [(s.kind, s.value) for s in chord.steps] == [
        ("tap", ["KC_LCTL", "KC_LSFT", "KC_T"]),
        ("delay", 250),
        ("down", ["KC_LALT"]),
        ("text", "x"),
        ("up", ["KC_LALT"]),
    ]


def test_reads_encoders(kyria) -> None:
    layout = via_to_layout(read_via_save((DATA / "kyria.layout.json").read_text()), kyria).layout
    assert layout.layout_macro == "LAYOUT_split_3x6_5"
    assert [(a.ccw, a.cw) for a in layout.layers[0].encoders] == [("KC_VOLD", "KC_VOLU"), ("KC_PGDN", "KC_PGUP")]
    assert [(a.ccw, a.cw) for a in layout.layers[1].encoders] == [("KC_TRNS", "KC_TRNS"), ("LCTL(KC_Z)", "LCTL(KC_Y)")]
    assert layout.layers[0].keys[43] == "LT(layer1, KC_SPC)"


@pytest.mark.parametrize("fixture", ["corne.layout.json", "kyria.layout.json"])
def test_round_trip_import_export_import(fixture: str, crkbd, kyria) -> None:
    keyboard = crkbd if fixture.startswith("corne") else kyria
    first = via_to_layout(read_via_save((DATA / fixture).read_text()), keyboard).layout
    text = layout_to_via(first, keyboard)
    second = via_to_layout(read_via_save(text), keyboard).layout
    assert second == first


def test_export_has_the_shape_via_checks(crkbd) -> None:
    layout = corne_import(crkbd).layout
    data = json.loads(layout_to_via(layout, crkbd))
    assert data["vendorProductId"] == (0x4653 << 16) | 0x0001
    assert data["name"]
    assert [len(layer) for layer in data["layers"]] == [48] * 4  # rows × cols, as VIA's load checks
    assert len(data["macros"]) == 16 and data["macros"][0] == "Hello, world!{KC_ENT}"
    # keys outside the layout macro's matrix positions are KC_NO
    assert data["layers"][0][3 * 6 + 0] == "KC_NO"
    assert "encoders" not in data  # the Corne has none


def test_export_uses_forms_via_parses(crkbd) -> None:
    ctx = ParseContext(layers=["base", "nav", "adjust"])
    assert via_keycode("LT(nav, KC_SPC)", ctx) == "LT(1,KC_SPC)"
    assert via_keycode("MO(adjust)", ctx) == "MO(2)"
    assert via_keycode("RCTL_T(KC_O)", ctx) == "MT(MOD_RCTL,KC_O)"
    assert via_keycode("C(S(KC_T))", ctx) == "LCTL(LSFT(KC_T))"
    assert via_keycode("MC_3", ctx) == "MACRO(3)"
    assert via_keycode("QK_KB_2", ctx) == "CUSTOM(2)"
    assert via_keycode("OSM(MOD_LSFT)", ctx) == "OSM(MOD_LSFT)"


def test_every_value_vias_dictionary_knows_is_written_with_a_name_via_reads_back() -> None:
    """VIA reads unknown names as KC_NO: each keycode VIA can hold must come out in VIA's words,
    naming the same value (so VIA sends the board exactly the keycode the layout means)."""
    from keyconf.model.keycodes import REGISTRY

    via = via_dictionary()
    for value in sorted(set(via.values())):
        definition = REGISTRY.by_value(value)
        if definition is None:
            continue
        written = via_keycode(definition.name, ParseContext())
        if written.startswith(("MACRO(", "CUSTOM(")):
            continue
        assert written in via, (definition.name, written)
        assert via[written] == value, (definition.name, written)


def test_common_keys_are_written_with_names_in_vias_dictionary() -> None:
    """VIA turns names it does not know into KC_NO; the keys most layouts use must be known."""
    via = via_dictionary()
    common = [f"KC_{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"] + [f"KC_F{n}" for n in range(1, 13)] + [
        "KC_ENT", "KC_ESC", "KC_BSPC", "KC_TAB", "KC_SPC", "KC_MINS", "KC_EQL", "KC_LBRC", "KC_RBRC", "KC_BSLS",
        "KC_SCLN", "KC_QUOT", "KC_GRV", "KC_COMM", "KC_DOT", "KC_SLSH", "KC_CAPS", "KC_PSCR", "KC_INS", "KC_HOME",
        "KC_PGUP", "KC_DEL", "KC_END", "KC_PGDN", "KC_RGHT", "KC_LEFT", "KC_DOWN", "KC_UP", "KC_LCTL", "KC_LSFT",
        "KC_LALT", "KC_LGUI", "KC_RCTL", "KC_RSFT", "KC_RALT", "KC_RGUI", "KC_MUTE", "KC_VOLU", "KC_VOLD",
        "KC_MNXT", "KC_MPRV", "KC_MPLY", "KC_TRNS", "KC_NO", "MS_UP", "MS_BTN1", "MS_WHLU", "QK_BOOT",
    ]  # fmt: skip
    ctx = ParseContext()
    for name in common:
        written = via_keycode(name, ctx)
        assert written in via, (name, written)
        assert via[written] == REGISTRY.encode(REGISTRY.parse(name)), name


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"name": "x", "layers": [["KC_A"]]}', "vendorProductId"),
        ('{"name": "x", "vendorProductId": 1, "layers": []}', "non-empty"),
        ('{"name": "x", "vendorProductId": 1, "layers": [["KC_A", 5]]}', "layers[0][1]"),
        ('{"name": "x", "vendorProductId": 1, "layers": [["KC_A"], ["KC_A", "KC_B"]]}', "different numbers"),
        ('{"name": "x", "vendorProductId": 1, "layers": [["KC_A"]], "macros": [1]}', "macros"),
        ('{"name": "x", "vendorProductId": 1, "layers": [["KC_A"]], "encoders": [[["KC_A"]]]}', "encoders"),
    ],
)
def test_corrupted_saves_get_clear_errors(text: str, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        read_via_save(text, "broken.layout.json")
    assert words in caught.value.message
    assert str(caught.value).startswith("broken.layout.json:")


def test_json_errors_name_line_and_column() -> None:
    text = (DATA / "corne.layout.json").read_text().replace('"KC_Q",', '"KC_Q"', 1)
    with pytest.raises(FormatError) as caught:
        read_via_save(text, "corne.layout.json")
    assert caught.value.line is not None and caught.value.line > 20
    assert caught.value.column is not None


def test_wrong_keyboard_is_refused(kyria) -> None:
    save = read_via_save((DATA / "corne.layout.json").read_text())
    with pytest.raises(FormatError, match="48 keycodes"):
        via_to_layout(save, kyria)


def test_export_needs_usb_ids(crkbd) -> None:
    layout = corne_import(crkbd).layout
    crkbd_without_ids = load_bundled("crkbd/rev1")
    crkbd_without_ids.usb_vid = None
    with pytest.raises(FormatError, match="USB"):
        layout_to_via(layout, crkbd_without_ids)


def test_encoders_are_written_only_when_the_layout_sets_them(kyria) -> None:
    layout = via_to_layout(read_via_save((DATA / "kyria.layout.json").read_text()), kyria).layout
    assert len(json.loads(layout_to_via(layout, kyria))["encoders"]) == 2
    for layer in layout.layers:
        layer.encoders = []
    data = json.loads(layout_to_via(layout, kyria))
    assert "encoders" not in data  # VIA then leaves the board's encoders as they are
    assert via_to_layout(read_via_save(json.dumps(data)), kyria).layout == layout


def test_undefined_inside_a_modifier_is_read_as_via_loads_it(crkbd) -> None:
    # VIA writes `S(undefined)` for Shift around a keycode its dictionary has no name for, and
    # loads it back as Shift around KC_NO (0x0200); nested wrappers OR their bits as VIA does.
    data = json.loads((DATA / "corne.layout.json").read_text())
    data["layers"][1][1] = "S(undefined)"
    data["layers"][1][2] = "C(LWIN(RCTL(RWIN(undefined))))"
    result = via_to_layout(read_via_save(json.dumps(data)), crkbd)
    keys = result.layout.layers[1].keys
    ctx = ParseContext(layers=result.layout.layer_names)
    values = [REGISTRY.encode(REGISTRY.parse(k, ctx), ctx) for k in keys]
    assert 0x0200 in values and 0x1900 in values
    assert not any("undefined" in k for k in keys)
    [warning] = [w for w in result.warnings if "undefined" in w]
    assert "`S(undefined)`" in warning and "(2 keys)" in warning and "set those keys again" in warning


def test_a_mod_tap_without_modifiers_is_read_as_the_key_it_taps(crkbd) -> None:
    # VIA writes the keyboard's 0x2006 (a mod-tap of no modifier) as `MT(,KC_C)`: an empty modifier list.
    data = json.loads((DATA / "corne.layout.json").read_text())
    data["layers"][1][1] = "MT(,KC_C)"
    data["layers"][1][2] = "MT(MOD_LCTL,KC_C)"
    result = via_to_layout(read_via_save(json.dumps(data)), crkbd)
    assert result.layout.layers[1].keys[1:3] == ["KC_C", "LCTL_T(KC_C)"]
    [warning] = [w for w in result.warnings if "MT(,KC_C)" in w]
    assert "(1 key)" in warning and "taps its key and holds nothing" in warning


def test_old_via_fn_key_names_are_read_as_via_loads_them(crkbd) -> None:
    # VIA's dictionary named 0xC0-0xDF KC_FN0-KC_FN31 until December 2022; VIA now loads them as KC_NO.
    data = json.loads((DATA / "corne.layout.json").read_text())
    data["layers"][1][1] = "C(A(LCA(KC_FN0)))"
    data["layers"][1][2] = "KC_FN31"
    result = via_to_layout(read_via_save(json.dumps(data)), crkbd)
    ctx = ParseContext(layers=result.layout.layer_names)
    values = [REGISTRY.encode(REGISTRY.parse(k, ctx), ctx) for k in result.layout.layers[1].keys]
    assert 0x0500 in values and not any("KC_FN" in k for k in result.layout.layers[1].keys)
    assert any("old VIA's names" in w and "(2 keys)" in w for w in result.warnings)
