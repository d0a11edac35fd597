"""`features_off:` switches a QMK feature off for the build (`OLED_ENABLE = no` in rules.mk), as an
imported keymap's own rules.mk did: a Corne keymap written for an older QMK's OLED callbacks, with
its OLED code switched off, builds as the original did."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.compiler.sources import generate_sources
from keyconf.formats.interchange import import_layout
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout
from keyconf.model.layout import TapDance
from tests.compiler import layouts


def test_read_written_back_and_into_rules_mk() -> None:
    layout = layouts.layout(features=["MOUSEKEY_ENABLE"], features_off=["OLED_ENABLE", "RGB_MATRIX_ENABLE"])
    text = dumps_layout(layout)
    assert "features_off: [OLED_ENABLE, RGB_MATRIX_ENABLE]  # switched off, as the original keymap did\n" in text
    assert loads_layout(text).layout.features_off == ["OLED_ENABLE", "RGB_MATRIX_ENABLE"]
    rules = generate_sources(layout, layouts.board()).rules_mk
    assert "OLED_ENABLE       = no  # switched off by the layout (features_off)" in rules
    assert "MOUSEKEY_ENABLE = yes" in rules


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ("features: [OLED_ENABLE]\nfeatures_off: [OLED_ENABLE]\n", "`OLED_ENABLE` is in both `features` and"),
        ("features_off: [OLED]\n", "`OLED` is not a QMK feature switch"),
    ],
)
def test_bad_entries_are_refused(sections: str, message: str) -> None:
    text = "keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\n" + sections + "layers:\n  base: [KC_A]\n"
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text)
    assert message in caught.value.message and caught.value.line is not None


def test_a_feature_the_layout_needs_stays_on() -> None:
    """A keymap's rules.mk said EXTRAKEY_ENABLE = no, yet its keys send media keys: keyconf's build
    keeps what the layout's own keys and tables need (its tap dances would not compile without it)."""
    layout = layouts.layout(tap_dances=[TapDance("esc", tap="KC_ESC", double_tap="KC_CAPS")],
                            features_off=["TAP_DANCE_ENABLE", "OLED_ENABLE"])
    layout.layers[0].keys[0] = "TD(esc)"
    rules = generate_sources(layout, layouts.board()).rules_mk
    assert "TAP_DANCE_ENABLE = yes" in rules and "TAP_DANCE_ENABLE = no" not in rules
    assert "OLED_ENABLE = no" in rules


def test_an_imported_keymaps_rules_mk_switches_off_for_its_layout(tmp_path: Path) -> None:
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "rules.mk").write_text("OLED_ENABLE = no\nCOMBO_ENABLE = no\nMOUSEKEY_ENABLE = yes\n")
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.features == ["MOUSEKEY_ENABLE"]
    assert imported.layout.features_off == ["OLED_ENABLE", "COMBO_ENABLE"]
    assert any("the layout keeps them switched off (`features_off:`)" in w for w in imported.warnings)


def test_drivers_are_read_written_back_and_into_rules_mk() -> None:
    layout = layouts.layout(features=["RGB_MATRIX_ENABLE"], drivers={"RGB_MATRIX_DRIVER": "ws2812"})
    text = dumps_layout(layout)
    assert "drivers: {RGB_MATRIX_DRIVER: ws2812}" in text
    assert loads_layout(text).layout.drivers == {"RGB_MATRIX_DRIVER": "ws2812"}
    assert "RGB_MATRIX_DRIVER = ws2812" in generate_sources(layout, layouts.board()).rules_mk


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{SRC: oled.c}", "`SRC` is not a QMK driver setting"),
        ("{OLED_DRIVER: 'ssd1306 $(shell x)'}", "is not a driver name"),
        ("{OLED_DRIVER: SSD1306}", "is not a driver name"),
    ],
)
def test_bad_drivers_are_refused(entry: str, message: str) -> None:
    text = f"keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\ndrivers: {entry}\nlayers:\n  base: [KC_A]\n"
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text)
    assert message in caught.value.message and caught.value.line == 3


def test_an_imported_keymaps_drivers_come_along_in_todays_spelling(tmp_path: Path) -> None:
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "rules.mk").write_text("RGB_MATRIX_ENABLE = yes\nRGB_MATRIX_DRIVER = WS2812\nOLED_DRIVER = SSD1306\n"
                                     "MCU = atmega32u4\n")
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.drivers == {"RGB_MATRIX_DRIVER": "ws2812", "OLED_DRIVER": "ssd1306"}
