"""`features_off:` switches a QMK feature off for the build (`OLED_ENABLE = no` in rules.mk), as an
imported keymap's own rules.mk did: a Corne keymap written for an older QMK's OLED callbacks, with
its OLED code switched off, builds as the original did."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.interchange import import_layout
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout
from keyconf.model.layout import TapDance
from keyconf.model.validation import validate
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
    """A keymap's rules.mk said TAP_DANCE_ENABLE = no, yet the layout has tap dances: keyconf's build
    keeps what the layout's own tables need (its tap dances would not compile without it)."""
    layout = layouts.layout(tap_dances=[TapDance("esc", tap="KC_ESC", double_tap="KC_CAPS")],
                            features_off=["TAP_DANCE_ENABLE", "OLED_ENABLE"])
    layout.layers[0].keys[0] = "TD(esc)"
    rules = generate_sources(layout, layouts.board()).rules_mk
    assert "TAP_DANCE_ENABLE = yes" in rules and "TAP_DANCE_ENABLE = no" not in rules
    assert "OLED_ENABLE = no" in rules


def test_media_keys_stay_dead_as_the_original_keymap_had_them() -> None:
    """A Lily58 keymap switched EXTRAKEY_ENABLE off to fit its flash, with three media keys that then
    sent nothing: the build keeps it off (the keys compile either way), and validation says so once
    per keycode."""
    layout = layouts.layout(features_off=["EXTRAKEY_ENABLE"])
    layout.layers[0].keys[:3] = ["KC_MPLY", "LSFT(KC_MPLY)", "KC_MS_U"]
    rules = generate_sources(layout, layouts.board()).rules_mk
    assert "EXTRAKEY_ENABLE" in rules and "EXTRAKEY_ENABLE = yes" not in rules
    assert re.search(r"EXTRAKEY_ENABLE\s*= no", rules) and re.search(r"MOUSEKEY_ENABLE\s*= yes", rules)
    warnings = [p for p in validate(layout, layouts.board()) if p.code == "feature-switched-off"]
    assert len(warnings) == 1 and "`KC_MPLY` sends nothing" in warnings[0].message
    assert not any(p.is_error for p in validate(layout, layouts.board()))


def test_an_imported_keymaps_rules_mk_switches_off_for_its_layout(tmp_path: Path) -> None:
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "rules.mk").write_text("OLED_ENABLE = no\nCOMBO_ENABLE = no\nMOUSEKEY_ENABLE = yes\n")
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.features == ["MOUSEKEY_ENABLE"]
    # And VIA, which its rules.mk does not switch on: keyconf compile would add it for a board with a
    # stock `via` keymap (every crkbd, lily58 and planck of the 2024 tree).
    assert imported.layout.features_off == ["OLED_ENABLE", "COMBO_ENABLE", "VIA_ENABLE"]
    assert any("the layout keeps them switched off (`features_off:`)" in w for w in imported.warnings)
    assert any("builds without VIA" in w and "--via" in w for w in imported.warnings)
    for line in ("VIA_ENABLE = yes\n", "VIAL_ENABLE = yes\nVIA_ENABLE = yes\n", "VIA_ENABLE = no\n"):
        (folder / "rules.mk").write_text(line)
        imported = import_layout(folder / "keymap.c")
        assert imported.layout.features_off == (["VIA_ENABLE"] if "= no" in line else [])
        assert not any("builds without VIA" in w for w in imported.warnings)
    # A folder without rules.mk (the 2024 tree's Corne and ErgoDox EZ default keymaps) builds without VIA
    # too: keyconf's build added it (+462 bytes on the Corne, +1,958 on a DZ60).
    (folder / "rules.mk").unlink()
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.features_off == ["VIA_ENABLE"]
    assert any("builds without VIA (the keymap's folder has no rules.mk" in w for w in imported.warnings)


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


def test_an_imported_keymaps_size_and_brightness_settings_come_along(tmp_path: Path) -> None:
    """What real Corne and Kyria keymaps' config.h files leave out of the firmware to fit its flash,
    and the LED brightness caps they set for the USB port's current: the layout keeps them, so
    keyconf's build is as small, and as dim, as the original's (before, they were named as left)."""
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "config.h").write_text("#pragma once\n#define LAYER_STATE_8BIT\n#define NO_ACTION_ONESHOT\n"
                                     "#define NO_MUSIC_MODE\n#define RGBLIGHT_LIMIT_VAL 120\n"
                                     "#define RGB_MATRIX_MAXIMUM_BRIGHTNESS 150\n#define TAPPING_TERM 180\n")
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.settings == {"layer_state_8bit": True, "no_action_oneshot": True, "no_music_mode": True,
                                        "rgblight_limit_val": 120, "rgb_matrix_maximum_brightness": 150,
                                        "tapping_term": 180}
    assert not any("not a layout setting" in w or "not layout settings" in w for w in imported.warnings)
    assert loads_layout(dumps_layout(imported.layout)).layout.settings == imported.layout.settings
    layout = layouts.layout()
    layout.settings = imported.layout.settings
    config = generate_sources(layout, layouts.board()).config_h
    for define in ("#define LAYER_STATE_8BIT", "#define NO_ACTION_ONESHOT", "#define NO_MUSIC_MODE",
                   "#define RGBLIGHT_LIMIT_VAL 120", "#define RGB_MATRIX_MAXIMUM_BRIGHTNESS 150"):
        assert define in config


def test_an_imported_split_keymaps_handedness_and_sleep_come_along(tmp_path: Path) -> None:
    """A Corne keymap whose USB cable goes into the right half (MASTER_RIGHT), or whose halves know
    their side from EEPROM (EE_HANDS), built without it swaps its halves over; an Iris keymap's
    RGBLIGHT_SLEEP was the 60 bytes keyconf's build lacked."""
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "config.h").write_text("#pragma once\n#define MASTER_RIGHT\n#define EE_HANDS\n#define MASTER_LEFT\n"
                                     "#define SPLIT_LAYER_STATE_ENABLE\n#define RGBLIGHT_SLEEP\n")
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.settings == {"master_right": True, "ee_hands": True, "split_layer_state_enable": True,
                                        "rgblight_sleep": True}
    assert not any("not a layout setting" in w or "not layout settings" in w for w in imported.warnings)


def test_mouse_buttons_on_a_board_with_a_pointing_device_need_no_mouse_keys() -> None:
    """A Charybdis keymap's KC_BTN1: QMK's register_mouse hands mouse buttons to the pointing device when
    mouse keys are off, and the board leaves them off. keyconf switched MOUSEKEY_ENABLE on for the button
    keys, and its firmware came out 1,328 bytes larger than the original's (a real RP2040 build); a key that
    moves the pointer or scrolls still needs mouse keys."""
    layout = layouts.layout()
    layout.layers[0].keys[:2] = ["MS_BTN1", "KC_BTN2"]
    pointing = GenerateOptions(board_features=frozenset({"POINTING_DEVICE_ENABLE"}))
    assert "MOUSEKEY_ENABLE" not in generate_sources(layout, layouts.board(), pointing).rules_mk
    assert "MOUSEKEY_ENABLE = yes" in generate_sources(layout, layouts.board()).rules_mk  # no pointing device
    # The layout switches the pointing device on itself (an imported keymap's rules.mk did): the same.
    layout.features = ["POINTING_DEVICE_ENABLE"]
    assert "MOUSEKEY_ENABLE" not in generate_sources(layout, layouts.board()).rules_mk
    # ... or off: the buttons need mouse keys again.
    off = layouts.layout(features_off=["POINTING_DEVICE_ENABLE"])
    off.layers[0].keys[0] = "MS_BTN1"
    assert "MOUSEKEY_ENABLE = yes" in generate_sources(off, layouts.board(), pointing).rules_mk
    # A key that moves the pointer, or a layout asking for mouse keys by name, keeps them.
    layout.features = []
    layout.layers[0].keys[2] = "MS_UP"
    assert "MOUSEKEY_ENABLE = yes" in generate_sources(layout, layouts.board(), pointing).rules_mk
    layout.layers[0].keys[2] = "KC_A"
    layout.features = ["MOUSEKEY_ENABLE"]
    assert "MOUSEKEY_ENABLE = yes" in generate_sources(layout, layouts.board(), pointing).rules_mk


def test_rules_options_are_read_written_back_and_into_rules_mk() -> None:
    """`rules:` holds the rules.mk options that pick one of QMK's implementations by name: the debounce
    algorithm (a Corne keymap's DEBOUNCE_TYPE = sym_eager_pk: its real RP2040 firmware was 928 bytes larger
    than keyconf's, which had left it out), the split and OLED transports, the steno protocol."""
    layout = layouts.layout(rules={"DEBOUNCE_TYPE": "sym_eager_pk", "STENO_PROTOCOL": "geminipr"})
    text = dumps_layout(layout)
    assert "rules: {DEBOUNCE_TYPE: sym_eager_pk, STENO_PROTOCOL: geminipr}" in text
    assert loads_layout(text).layout.rules == layout.rules
    rules_mk = generate_sources(layout, layouts.board()).rules_mk
    assert "DEBOUNCE_TYPE = sym_eager_pk  # the layout's build option (rules)" in rules_mk
    assert "STENO_PROTOCOL = geminipr" in rules_mk


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{MCU: atmega32u4}", "`MCU` is not a rules.mk option the layout holds"),
        ("{EXTRAFLAGS: -flto}", "`EXTRAFLAGS` is not a rules.mk option the layout holds"),
        ("{DEBOUNCE_TYPE: 'sym $(shell x)'}", "is not a name QMK takes for DEBOUNCE_TYPE"),
    ],
)
def test_bad_rules_options_are_refused(entry: str, message: str) -> None:
    text = f"keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\nrules: {entry}\nlayers:\n  base: [KC_A]\n"
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text)
    assert message in caught.value.message and caught.value.line == 3


def test_an_imported_keymaps_build_settings_are_layout_data_or_said_left(tmp_path: Path) -> None:
    """A keymap's rules.mk beyond yes/no: options QMK picks by name become `rules:`; -flto in EXTRAFLAGS is
    QMK's LTO_ENABLE; a switch set to another word than yes (an old `BOOTMAGIC_ENABLE = lite`) is off, as
    make reads it; flags that only silence warnings change nothing; the chip's make settings and the keymap's
    own variables are named as left out, and so is a post_rules.mk, which QMK does not read in a keymap."""
    folder = tmp_path / "keyboards" / "crkbd" / "rev1" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "rules.mk").write_text(
        "OLED_ENABLE = yes\nBOOTMAGIC_ENABLE = lite\nDEBOUNCE_TYPE = sym_eager_pk\nSPLIT_TRANSPORT = custom\n"
        "EXTRAFLAGS += -flto\nEXTRAFLAGS += -Wno-error=cpp\nCFLAGS += -fplugin=evil.so\nMCU = atmega32u4\n"
        "F_CPU = 8000000\n"
        "HELIX_ROWS = 5\nSRC += oled.c\n")
    (folder / "oled.c").write_text("void oled_stuff(void) {}\n")
    (folder / "post_rules.mk").write_text("OLED_ENABLE = no\n")
    finder = CatalogueKeyboards()
    imported = import_layout(folder / "keymap.c", keyboard=finder.by_name("crkbd/rev1"), finder=finder)
    layout = imported.layout
    assert layout.rules == {"DEBOUNCE_TYPE": "sym_eager_pk", "SPLIT_TRANSPORT": "custom"}
    assert layout.features == ["OLED_ENABLE", "LTO_ENABLE"]
    assert "BOOTMAGIC_ENABLE" in layout.features_off
    said = "\n".join(imported.warnings)
    assert "BOOTMAGIC_ENABLE = lite, which QMK's make reads as off" in said
    assert "-fplugin=evil.so" in said and "-Wno-error=cpp" not in said
    assert "sets F_CPU = 8000000; HELIX_ROWS = 5: no layout data" in said and "SRC" not in said.split("F_CPU")[1]
    assert "MCU" not in said  # the board's own chip: nothing left out
    assert "post_rules.mk beside the keymap: QMK reads none" in said
    assert imported.keyboard is not None
    rules_mk = generate_sources(layout, imported.keyboard).rules_mk
    assert "LTO_ENABLE" in rules_mk and "DEBOUNCE_TYPE = sym_eager_pk" in rules_mk and "fplugin" not in rules_mk
    assert "BOOTMAGIC_ENABLE = no" in rules_mk and "MCU" not in rules_mk


def test_an_imported_keymaps_rules_mk_conditions_are_decided_as_make_decides_them(tmp_path: Path) -> None:
    """A rules.mk written for several boards (`ifneq (,$(findstring crkbd,$(KEYBOARD)))`) was read line by line,
    every branch taken, the last word winning: now its conditions are decided for the board imported for; a
    setting under the board's own switch is taken as the board has it on; one under a condition keyconf cannot
    decide, or computed by make code, is named and left to the board."""
    folder = tmp_path / "keyboards" / "crkbd" / "rev1" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    keys = ", ".join(["KC_A"] * 42)
    (folder / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                     f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    (folder / "rules.mk").write_text(
        "ifneq (,$(findstring crkbd,$(KEYBOARD)))\n  OLED_ENABLE = yes\nelse\n  OLED_ENABLE = no\nendif\n"
        "ifneq (,$(findstring planck,$(KEYBOARD)))\n  AUDIO_ENABLE = yes\n  DEBOUNCE_TYPE = sym_eager_pr\nendif\n"
        "ifeq ($(strip $(OLED_ENABLE)), yes)\n  WPM_ENABLE = yes\nendif\n"
        "ifeq ($(strip $(RGB_MATRIX_ENABLE)), yes)\n  RGB_MATRIX_CUSTOM_USER = yes\nendif\n"
        "ifeq ($(MYSTERY), 1)\n  CONSOLE_ENABLE = yes\nendif\nGIT_HASH = $(shell git rev-parse HEAD)\n")
    finder = CatalogueKeyboards()
    imported = import_layout(folder / "keymap.c", keyboard=finder.by_name("crkbd/rev1"), finder=finder)
    layout = imported.layout
    assert layout.features == ["OLED_ENABLE", "WPM_ENABLE", "RGB_MATRIX_CUSTOM_USER"]
    assert "AUDIO_ENABLE" not in layout.features_off and layout.rules == {}
    said = [w for w in imported.warnings if "under a condition keyconf cannot decide" in w]
    assert said == ["rules.mk beside the keymap sets CONSOLE_ENABLE, GIT_HASH under a condition keyconf cannot "
                    "decide, or to a value make code computes: the layout leaves them as the board has them"]


def test_a_keymap_c_saved_on_its_own_keeps_keyconfs_via_default(tmp_path: Path) -> None:
    """A keymap.c downloaded or copied out of its repository, alone in a folder that is not a QMK
    keymap folder, says nothing about the rules.mk it was built with: VIA is not switched off for it
    (it is for one in keymaps/<name>/ without rules.mk, which QMK builds without VIA)."""
    keys = ", ".join(["KC_A"] * 42)
    (tmp_path / "keymap.c").write_text("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS]"
                                       f"[MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    finder = CatalogueKeyboards()
    imported = import_layout(tmp_path / "keymap.c", keyboard=finder.by_name("crkbd/rev1"), finder=finder)
    assert "VIA_ENABLE" not in imported.layout.features_off
    assert not any("builds without VIA" in w for w in imported.warnings)
