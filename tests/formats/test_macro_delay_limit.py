"""A macro pause longer than a layout holds is refused where the imported file says it
(found by bench/fuzz.py keymap.json: the import read it, then could not write the layout)."""

from __future__ import annotations

import json

import pytest

from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_text
from keyconf.formats.qmk_keymap_json import read_keymap_json
from keyconf.formats.vial_vil import read_vil, vil_to_layout
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.layout import MAX_BOARD_DELAY_MS, MAX_MACRO_DELAY_MS
from keyconf.model.macro_text import MacroTextError, parse_macro_text


def keymap_json(duration: int) -> str:
    return json.dumps({"keyboard": "crkbd/rev1", "layout": "LAYOUT_split_3x6_3",
                       "layers": [["KC_A"] * 42], "macros": [["hi", {"action": "delay", "duration": duration}]]},
                      indent=1)


def test_keymap_json_delay_up_to_the_limit_is_read_beyond_it_refused_at_its_line() -> None:
    assert read_keymap_json(keymap_json(MAX_MACRO_DELAY_MS)).layout.macros[0].steps[1].value == MAX_MACRO_DELAY_MS
    text = keymap_json(MAX_MACRO_DELAY_MS + 1)
    with pytest.raises(FormatError, match=f"0 to {MAX_MACRO_DELAY_MS}") as caught:
        import_text(text, "fuzz.json", format="keymap.json")
    assert caught.value.line == text.splitlines().index(' "macros": [') + 1


def test_vial_delay_beyond_what_a_board_holds_is_refused_at_its_line() -> None:
    text = json.dumps({"version": 1, "uid": 1, "vial_protocol": 6, "layout": [[["KC_A"]]],
                       "macro": [[["delay", MAX_BOARD_DELAY_MS + 1]]]})
    with pytest.raises(FormatError, match=f"0 to {MAX_BOARD_DELAY_MS}") as caught:
        read_vil(text)
    assert caught.value.line == 1


def test_vial_delay_longer_than_a_layout_step_is_read_as_pauses_that_add_up() -> None:
    """Vial writes pauses up to 65535 ms; a layout holds a minute per step, so a longer one is
    two steps with the same total, and the layout saves."""
    save = read_vil(json.dumps({"version": 1, "uid": 1, "vial_protocol": 6, "layout": [[["KC_A"]]],
                                "macro": [[["text", "x"], ["delay", MAX_MACRO_DELAY_MS + 5]]]}))
    layout = vil_to_layout(save, None).layout
    assert [s.value for s in layout.macros[0].steps if s.kind == "delay"] == [MAX_MACRO_DELAY_MS, 5]
    assert loads_layout(dumps_layout(layout)).layout.macros == layout.macros


def test_via_macro_text_holds_the_layouts_delays_only() -> None:
    """VIA's notation (saves and the window's macro editor) read delays up to 65535 ms, which a
    layout then could not save."""
    assert parse_macro_text(f"a{{{MAX_MACRO_DELAY_MS}}}")[1].value == MAX_MACRO_DELAY_MS
    with pytest.raises(MacroTextError, match=f"longer than {MAX_MACRO_DELAY_MS} ms"):
        parse_macro_text(f"a{{{MAX_MACRO_DELAY_MS + 1}}}")
