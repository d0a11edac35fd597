"""`converter:` and `bootloader:` in the layout file: read, written, kept by surgical saves, and
refused (with a position) when not a plain name that could reach rules.mk."""

from __future__ import annotations

import pytest

from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout, render_layout
from keyconf.model.layout import Layer, Layout

TEXT = """keyconf: 1
keyboard: crkbd/rev1
layout: LAYOUT_split_3x6_3
converter: rp2040_ce   # an RP2040 in the Pro Micro socket
bootloader: rp2040
layers:
  base:
    - [KC_A, KC_B]
"""


def test_read_and_located():
    loaded = loads_layout(TEXT, "mine.yaml")
    assert (loaded.layout.converter, loaded.layout.bootloader) == ("rp2040_ce", "rp2040")
    assert loaded.positions[("converter",)] == (4, 12)
    assert loaded.positions[("bootloader",)] == (5, 13)


def test_written_after_the_layout_macro_and_read_back():
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", layers=[Layer("base", ["KC_A", "KC_B"])],
                    converter="elite_pi", bootloader="atmel-dfu")
    text = dumps_layout(layout)
    lines = text.splitlines()
    assert lines.index(next(x for x in lines if x.startswith("converter: elite_pi"))) == \
        lines.index("layout: LAYOUT_split_3x6_3") + 1
    assert "bootloader: atmel-dfu" in text
    again = loads_layout(text).layout
    assert (again.converter, again.bootloader) == ("elite_pi", "atmel-dfu")
    assert "converter" not in dumps_layout(Layout("crkbd/rev1", "LAYOUT", layers=[Layer("base", ["KC_A"])]))


def test_surgical_save_changes_only_that_line():
    loaded = loads_layout(TEXT)
    layout = loaded.layout
    assert render_layout(layout, loaded) == TEXT
    layout.converter = "kb2040"
    layout.bootloader = None
    saved = render_layout(layout, loaded)
    assert "converter: kb2040" in saved and "bootloader" not in saved
    assert saved.count("\n") == TEXT.count("\n") - 1


@pytest.mark.parametrize("line, word", [
    ("converter: RP2040_CE", "converter"),
    ("converter: 'rp2040_ce; $(shell id)'", "converter"),
    ("bootloader: atmel dfu", "bootloader"),
    ("bootloader: [caterina]", "bootloader"),
])
def test_a_name_make_would_read_as_more_is_refused(line, word):
    text = TEXT.replace("converter: rp2040_ce   # an RP2040 in the Pro Micro socket\nbootloader: rp2040\n", line + "\n")
    with pytest.raises(LayoutFileError) as info:
        loads_layout(text, "mine.yaml")
    assert info.value.line == 4 and word in info.value.message


def test_a_surgical_save_adds_them_under_the_layout_macro_keeping_the_rest():
    text = """keyconf: 1
keyboard: crkbd/rev1   # mine
layout: LAYOUT_split_3x6_3
settings:
  tapping_term: 200

layers:
  base:
    - [KC_A,    KC_B]   # aligned by hand
"""
    loaded = loads_layout(text, "mine.yaml")
    loaded.layout.converter, loaded.layout.bootloader = "rp2040_ce", None
    saved = render_layout(loaded.layout, loaded)
    assert saved == text.replace("LAYOUT_split_3x6_3\n", "LAYOUT_split_3x6_3\nconverter: rp2040_ce" +
                                 saved.split("converter: rp2040_ce", 1)[1].split("\n", 1)[0] + "\n")
    loaded.layout.converter, loaded.layout.bootloader = None, "atmel-dfu"
    saved = render_layout(loaded.layout, loaded)
    lines = saved.splitlines()
    assert lines[lines.index("layout: LAYOUT_split_3x6_3") + 1].startswith("bootloader: atmel-dfu")
    assert "    - [KC_A,    KC_B]   # aligned by hand" in lines and loads_layout(saved).layout.bootloader == "atmel-dfu"
