"""The keyboard's own keycodes (QK_KB_n) keep the names its VIA definition gives them.

Keychron's K8 Pro definition names CUSTOM(4) "Misson Control" (shortName MCtrl); a VIA save holds
only CUSTOM(4). Imported with the definition, the key is a custom keycode of that name pinned to
QK_KB_4, the window shows MCtrl, and a VIA save written again holds CUSTOM(4) once more."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout
from keyconf.formats.via_definition import keyboard_from_via
from keyconf.formats.via_save import layout_to_via
from keyconf.model.layout import CustomKeycode, Layer, Layout
from keyconf.model.validation import validate

DEFINITION = {
    "name": "Test Pad", "vendorId": "0x3434", "productId": "0x0999",
    "matrix": {"rows": 1, "cols": 4},
    "customKeycodes": [
        {"name": "Left Option", "title": "Left Option", "shortName": "LOpt"},
        {"name": "Misson Control", "title": "Misson Control, availabe in macOS", "shortName": "MCtrl"},
        {"name": "Task View", "title": "Task View in windows", "shortName": "Task"},
    ],
    "layouts": {"keymap": [["0,0", "0,1", "0,2", "0,3"]]},
}  # fmt: skip


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_a_via_save_with_its_definition_gets_the_keycode_names(tmp_path: Path) -> None:
    definition = keyboard_from_via(DEFINITION)
    save = {"name": "Test Pad", "vendorProductId": 0x34340999, "macros": [""] * 16,
            "layers": [["CUSTOM(1)", "KC_A", "CUSTOM(0)", "CUSTOM(1)"], ["KC_TRNS", "CUSTOM(2)", "KC_B", "CUSTOM(3)"]]}
    imported = import_layout(write(tmp_path, "pad.layout.json", save), keyboard=definition)
    layout = imported.layout
    assert layout.layers[0].keys == ["MISSON_CONTROL", "KC_A", "LEFT_OPTION", "MISSON_CONTROL"]
    assert layout.layers[1].keys == ["KC_TRNS", "TASK_VIEW", "KC_B", "QK_KB_3"]  # the definition names 3
    assert layout.custom_keycodes[0] == CustomKeycode("MISSON_CONTROL", "MCtrl", "Misson Control, availabe in macOS",
                                                      0x7E01)
    assert any("MISSON_CONTROL (Misson Control)" in w for w in imported.warnings)
    # They work through the keyboard's own code: no "does nothing without C code" warning.
    assert [p.code for p in validate(layout, imported.keyboard)] == ["unreachable-layer"]  # layer 1: no MO()
    # Written again, VIA gets the same values; read back, the same names.
    assert imported.keyboard is not None
    again = json.loads(layout_to_via(layout, imported.keyboard))
    assert again["layers"] == save["layers"]
    back = import_layout(write(tmp_path, "again.layout.json", again), keyboard=definition).layout
    assert back.layers == layout.layers and back.custom_keycodes == layout.custom_keycodes


def test_a_layouts_own_keycodes_are_written_as_via_writes_them(tmp_path: Path) -> None:
    """VIA (its v12 dictionary) spells every value from 0x7E00 to 0x7EFF CUSTOM(n), QK_USER_n
    included (CUSTOM(64 + n)); a hex string would load into the board as KC_NO. Past 0x7EFF VIA
    has no spelling, and the export says so instead of writing a key VIA would blank."""
    keyboard = keyboard_from_via(DEFINITION)
    layout = Layout("Test Pad", "LAYOUT", layers=[Layer("base", ["ALTTAB", "NEXT", "KC_B", "KC_C"])],
                    custom_keycodes=[CustomKeycode("ALTTAB"), CustomKeycode("NEXT", value=0x7EFF)])
    written = json.loads(layout_to_via(layout, keyboard))
    assert written["layers"][0][:2] == ["CUSTOM(64)", "CUSTOM(255)"]
    back = import_layout(write(tmp_path, "back.layout.json", written), keyboard=keyboard).layout
    assert back.layers[0].keys[:2] == ["ALTTAB", "NEXT"]
    layout.custom_keycodes[1].value = 0x7F00
    with pytest.raises(FormatError, match="NEXT cannot be stored in VIA.*KC_NO"):
        layout_to_via(layout, keyboard)


def test_a_layouts_own_keycode_names_survive_a_via_and_a_vial_save(tmp_path: Path) -> None:
    """VIA and Vial saves hold values; keyconf writes the names beside them (a key of its own,
    which VIA and Vial leave be) and reads them back."""
    from keyconf.formats.vial_vil import layout_to_vil

    keyboard = keyboard_from_via(DEFINITION)
    layout = Layout("Test Pad", "LAYOUT", layers=[Layer("base", ["ALTTAB", "KC_A", "CUSTOM(1)", "EMAIL"])],
                    custom_keycodes=[CustomKeycode("ALTTAB", "Alt⇥", "Alt-Tab that holds Alt"),
                                     CustomKeycode("EMAIL", value=0x7E50)])
    via = json.loads(layout_to_via(layout, keyboard))
    assert via["layers"][0] == ["CUSTOM(64)", "KC_A", "CUSTOM(1)", "CUSTOM(80)"]  # values, as VIA writes them
    assert via["keyconf_custom_keycodes"][0] == {"name": "ALTTAB", "value": 0x7E40, "legend": "Alt⇥",
                                                 "description": "Alt-Tab that holds Alt"}
    vil = layout_to_vil(layout, keyboard)
    for name, text in (("pad.layout.json", json.dumps(via)), ("pad.vil", vil)):
        path = tmp_path / name
        path.write_text(text)
        back = import_layout(path, keyboard=keyboard).layout
        assert back.layers[0].keys == ["ALTTAB", "KC_A", "MISSON_CONTROL", "EMAIL"], name
        assert back.custom_keycodes[0] == CustomKeycode("ALTTAB", "Alt⇥", "Alt-Tab that holds Alt", 0x7E40)
    broken = dict(via, keyconf_custom_keycodes=[{"name": "not a name", "value": 1}, {"name": "OK", "value": "x"}])
    path = write(tmp_path, "broken.layout.json", broken)
    imported = import_layout(path, keyboard=keyboard)
    assert imported.layout.layers[0].keys[0] == "QK_USER_0"  # the value, without a name
    assert sum("skipped" in w for w in imported.warnings) == 2
