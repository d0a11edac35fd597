"""Vial saves (.vil): layers with holes, tap dances, combos, key overrides, macros, settings, old numbering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.format_error import FormatError
from keyconf.formats.matrix_order import GRID_MACRO, MatrixSize, grid_keyboard
from keyconf.formats.vial_vil import layout_to_vil, read_vil, uid_from_keyboard_name, vil_to_layout

DATA = Path(__file__).parent / "data" / "interchange"


@pytest.fixture(scope="module")
def crkbd():
    return load_bundled("crkbd/rev1")


def corne(keyboard=None):
    return vil_to_layout(read_vil((DATA / "corne.vil").read_text(), "corne.vil"), keyboard)


def test_layers_in_the_keyboards_layout_macro(crkbd) -> None:
    result = corne(crkbd)
    layout = result.layout
    assert (layout.keyboard, layout.layout_macro) == ("crkbd/rev1", "LAYOUT_split_3x6_3")
    assert layout.geometry is None
    base, lower, adjust, _ = layout.layers
    assert base.keys[:6] == ["KC_TAB", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"]
    # Vial's own spellings: LT2(kc), M0, USER00, hex values
    assert base.keys[12] == "TD(td0)"
    assert base.keys[36:] == ["KC_LGUI", "MO(layer1)", "KC_SPC", "KC_ENT", "LT(layer2, KC_BSPC)", "KC_RALT"]
    assert lower.keys[13:15] == ["MC_0", "MC_1"]
    assert lower.keys[25:28] == ["KC_EXLM", "KC_AT", "QK_KB_0"]
    assert adjust.keys[0] == "QK_BOOT" and adjust.keys[12] == "QK_KB_5" and adjust.keys[24] == "TO(layer0)"
    assert not any("left out" in w for w in result.warnings)


def test_tap_dances_combos_overrides_macros_settings(crkbd) -> None:
    result = corne(crkbd)
    layout = result.layout
    [dance] = layout.tap_dances  # empty slots after the last used one are not layout content
    assert (dance.name, dance.tap, dance.hold, dance.double_tap, dance.tap_hold, dance.tapping_term) == (
        "td0", "KC_ESC", "KC_LCTL", "KC_CAPS", None, 175,
    )  # fmt: skip
    assert [(c.keys, c.action) for c in layout.combos] == [
        (["KC_J", "KC_K"], "KC_ESC"),
        (["KC_D", "KC_F", "KC_G"], "LCTL(KC_S)"),
    ]
    shift_bspc, comma = layout.key_overrides
    assert (shift_bspc.trigger, shift_bspc.replacement) == ("KC_BSPC", "KC_DEL")
    assert shift_bspc.mods == ["MOD_MASK_SHIFT"] and shift_bspc.layers is None
    assert shift_bspc.suppressed_mods is None  # the same as the trigger mods: QMK's default
    assert comma.layers == ["layer0"] and comma.negative_mods == ["MOD_LCTL"]
    text, copy = layout.macros[:2]
    assert [(s.kind, s.value) for s in text.steps] == [("text", "git status"), ("tap", ["KC_ENT"])]
    # Vial's ["tap", a, b] taps one key after the other: two keyconf taps, not a chord
    assert [(s.kind, s.value) for s in copy.steps] == [
        ("down", ["KC_LCTL"]), ("tap", ["KC_C"]), ("up", ["KC_LCTL"]),
        ("delay", 50), ("tap", ["KC_A"]), ("tap", ["KC_B"]),
    ]  # fmt: skip
    # only settings that differ from a board's defaults
    assert layout.settings == {"combo_term": 40, "tapping_term": 180, "permissive_hold": True, "quick_tap_term": 180}


def test_unknown_keyboard_gets_a_matrix_shaped_geometry() -> None:
    result = corne(None)
    layout = result.layout
    assert layout.layout_macro == GRID_MACRO
    assert layout.geometry is not None and layout.keyboard == layout.geometry.name
    assert uid_from_keyboard_name(layout.keyboard) == 12297829382473034410
    macro = layout.geometry.layouts[GRID_MACRO]
    assert len(macro.keys) == 42  # the -1 holes are not keys
    assert any("not known" in w for w in result.warnings)


@pytest.mark.parametrize("with_keyboard", [True, False])
def test_round_trip_import_export_import(with_keyboard: bool, crkbd) -> None:
    keyboard = crkbd if with_keyboard else None
    first = corne(keyboard).layout
    text = layout_to_vil(first, keyboard or first.geometry)
    second = vil_to_layout(read_vil(text), keyboard).layout
    assert second == first


def test_written_file_is_what_vial_restores(crkbd) -> None:
    data = json.loads(layout_to_vil(corne(crkbd).layout, crkbd))
    # Vial's restore_layout reads these keys without defaults
    for key in ("layout", "encoder_layout", "layout_options"):
        assert key in data
    assert data["vial_protocol"] == 6 and data["version"] == 1
    assert len(data["layout"]) == 4 and len(data["layout"][0]) == 8 and len(data["layout"][0][0]) == 6
    assert data["layout"][0][3][:3] == [-1, -1, -1]  # positions with no key stay holes
    assert data["layout"][0][0][0] == 0x2B  # KC_TAB, as a number every Vial version reads
    assert data["tap_dance"][0] == [0x29, 0xE0, 0x39, 0, 175]
    assert data["combo"][0] == [0x0D, 0x0E, 0, 0, 0x29]
    assert data["key_override"][0]["trigger_mods"] == 0x22
    assert data["settings"] == {"2": 40, "7": 180, "22": 1, "25": 180}


def test_old_protocol_numbers_use_the_numbering_before_qmk_019() -> None:
    layout = vil_to_layout(read_vil((DATA / "legacy_numbers.vil").read_text()), None).layout
    assert layout.layers[0].keys == ["KC_ESC", "MO(layer1)", "LCTL_T(KC_A)", "KC_1", "QK_BOOT"]
    assert layout.layers[1].keys == ["KC_TRNS", "KC_TRNS", "LSFT(KC_D)", "MC_0", "TO(layer0)"]
    assert [(a.ccw, a.cw) for a in layout.layers[0].encoders] == [("KC_VOLD", "KC_VOLU")]


def test_unknown_names_are_kept_raw(tmp_path: Path) -> None:
    data = json.loads((DATA / "legacy_numbers.vil").read_text())
    data["vial_protocol"] = 6
    data["layout"][0][0][0] = "SOME_FUTURE_KEY"
    layout = vil_to_layout(read_vil(json.dumps(data)), None).layout
    assert layout.layers[0].keys[0] == "SOME_FUTURE_KEY"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("layout"), "`layout`"),
        (lambda d: d.__setitem__("layout", [[["KC_A", {"x": 1}]]]), "layout[0][0][1]"),
        (lambda d: d.__setitem__("tap_dance", [["KC_A"]]), "tap_dance[0]"),
        (lambda d: d.__setitem__("combo", [["KC_A", "KC_B"]]), "combo[0]"),
        (lambda d: d.__setitem__("key_override", [{"trigger": "KC_A"}]), "key_override[0]"),
        (lambda d: d.__setitem__("macro", [[[5]]]), "macro[0]"),
        (lambda d: d.__setitem__("encoder_layout", [[["KC_A"]]]), "encoder_layout[0]"),
        (lambda d: d.__setitem__("uid", "abc"), "`uid`"),
        (lambda d: d.__setitem__("settings", []), "`settings`"),
    ],
)
def test_corrupted_saves_get_clear_errors(change, words: str) -> None:
    data = json.loads((DATA / "corne.vil").read_text())
    change(data)
    text = json.dumps(data, indent=1)
    with pytest.raises(FormatError) as caught:
        read_vil(text, "corne.vil")
    assert words in caught.value.message
    assert caught.value.path == "corne.vil"
    assert caught.value.line is not None


def test_truncated_file_names_the_place() -> None:
    text = (DATA / "corne.vil").read_text()[:500]
    with pytest.raises(FormatError) as caught:
        read_vil(text, "corne.vil")
    assert "not valid JSON" in caught.value.message and caught.value.column is not None


def test_keycodes_without_a_value_cannot_go_to_vial(crkbd) -> None:
    layout = corne(crkbd).layout
    layout.layers[0].keys[0] = "MY_CUSTOM_KEY"
    with pytest.raises(FormatError, match="MY_CUSTOM_KEY"):
        layout_to_vil(layout, crkbd)


def test_save_for_another_keyboard_is_refused() -> None:
    tiny = grid_keyboard("tiny", [(0, 0), (0, 1), (1, 0), (1, 1)], MatrixSize(2, 2))
    with pytest.raises(FormatError, match="have a place in tiny"):
        corne(tiny)


def test_other_matrix_size_is_a_warning_and_lost_keys_are_listed(crkbd) -> None:
    data = json.loads((DATA / "corne.vil").read_text())
    for layer in data["layout"]:
        for row in layer:
            row.append("KC_NO")
    data["layout"][0][0][6] = "KC_MUTE"  # a seventh column, as Vial's own Corne definition has
    result = vil_to_layout(read_vil(json.dumps(data)), crkbd)
    assert any("8×7" in w for w in result.warnings)
    assert any("KC_MUTE" in w and "r0c6" in w for w in result.warnings)


def test_layout_options_follow_the_keyboard_definition() -> None:
    """A Vial board whose definition has an option: Split Backspace (one 2u key or two 1u keys)."""
    from keyconf.formats.via_definition import via_definition_from_data

    definition = {
        "name": "Options board",
        "vendorId": "0x1234",
        "productId": "0x0001",
        "matrix": {"rows": 1, "cols": 3},
        "layouts": {
            "labels": ["Split Backspace"],
            "keymap": [["0,0", {"w": 2}, "0,1\n\n\n0,0"], [{"x": 3}, "0,1\n\n\n0,1", "0,2\n\n\n0,1"]],
        },
    }
    keyboard = via_definition_from_data(definition).keyboard
    save = {
        "version": 1, "uid": 5, "vial_protocol": 6, "via_protocol": 9, "layout_options": 1,
        "layout": [[["KC_A", "KC_BSPC", "KC_DEL"]]], "encoder_layout": [[]],
    }  # fmt: skip
    layout = vil_to_layout(read_vil(json.dumps(save)), keyboard).layout
    assert layout.layout_options == {"Split Backspace": 1}
    written = json.loads(layout_to_vil(layout, keyboard))
    assert written["layout_options"] == 1
    assert written["layout"] == [[[0x04, 0x2A, 0x4C]]]


def test_key_override_masks_use_the_registry_names(crkbd) -> None:
    layout = corne(crkbd).layout
    override = layout.key_overrides[0]
    override.mods = ["MOD_MASK_CS", "MOD_BIT_RALT"]
    override.negative_mods = ["MOD_RGUI"]
    entry = json.loads(layout_to_vil(layout, crkbd))["key_override"][0]
    assert (entry["trigger_mods"], entry["negative_mod_mask"]) == (0x73, 0x80)
    back = vil_to_layout(read_vil(layout_to_vil(layout, crkbd)), crkbd).layout.key_overrides[0]
    assert (back.mods, back.negative_mods) == (["MOD_MASK_CS", "MOD_RALT"], ["MOD_RGUI"])
    override.mods = ["MOD_MASK_SC"]  # not a QMK name: QMK has MOD_MASK_CS only
    with pytest.raises(FormatError, match="MOD_MASK_SC"):
        layout_to_vil(layout, crkbd)


def test_a_keyboard_id_past_64_bits_or_below_zero_is_refused_at_the_uid() -> None:
    # Vial's keyboard id is the firmware's 8 bytes, unsigned. 2**64 plus a Corne's id was read as that Corne
    # (the id was cut to 64 bits), -1 as id ffffffffffffffff.
    data = json.loads((DATA / "corne.vil").read_text())
    for uid in (2**64 + 0xD1ED568029A06B3B, -1, 10**30):
        text = json.dumps(dict(data, uid=uid))
        with pytest.raises(FormatError) as caught:
            read_vil(text, "odd.vil")
        assert caught.value.message == f"`uid` is {uid}, not a Vial keyboard id (0 to 18446744073709551615)"
        assert (caught.value.line, caught.value.column) == (1, text.index('"uid"') + 1)
    assert read_vil(json.dumps(dict(data, uid=2**64 - 1)), "top.vil").uid == 2**64 - 1


def test_a_save_of_more_keycodes_than_a_layout_holds_is_refused_before_they_are_read() -> None:
    # 32 layers of 255 rows of 4 keycodes (within each limit but the total) took over a second to read
    # before the total was refused.
    import time

    from keyconf.formats.interchange import import_text

    data = json.loads((DATA / "corne.vil").read_text())
    text = json.dumps(dict(data, layout=[[["KC_A"] * 4 for _ in range(255)] for _ in range(32)]))
    start = time.process_time()
    with pytest.raises(FormatError) as caught:
        import_text(text, "big.vil")
    assert time.process_time() - start < 0.3
    assert caught.value.message.startswith("the file holds 32,640 keycodes in all")
    assert (caught.value.line, caught.value.column) == (1, text.index('"layout"') + 1)
