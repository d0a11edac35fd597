"""A firmware too large for its flash: the overflow read from the build log, the room each
feature takes measured from the linked program, and the advice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from keyconf.compiler.firmware_size import (
    FeatureCost,
    SizeOverflow,
    board_uses_lto,
    describe_overflow,
    feature_costs,
    find_overflow,
    flash_symbols,
    size_hint,
)

# What QMK's AVR check-size prints (builddefs/message.mk, MSG_FILE_TOO_BIG), and GNU ld on ARM.
AVR_LOG = [
    "Checking file size of crkbd_rev1_keyconf.hex                                                        [ERRORS]",
    " * The firmware is too large! 29710/28672 (1038 bytes over)",
]
ARM_LOG = [
    "Linking: .build/planck_rev6_keyconf.elf                                                  [ERRORS]",
    "arm-none-eabi/bin/ld: .build/planck_rev6_keyconf.elf section `.text' will not fit in region `flash0'",
    "arm-none-eabi/bin/ld: region `flash0' overflowed by 2312 bytes",
]


def test_the_overflow_is_read_from_either_toolchain() -> None:
    assert find_overflow(AVR_LOG) == SizeOverflow(1038, 29710, 28672)
    assert find_overflow(ARM_LOG) == SizeOverflow(2312, region="flash0")
    assert find_overflow([" * The firmware size is fine - 23910/28672 (83%, 4762 bytes free)"]) is None
    text = describe_overflow(SizeOverflow(1038, 29710, 28672), "atmega32u4")
    assert text == ("the firmware is 1038 bytes too large for the atmega32u4 "
                    "(29710 bytes; 28672 fit beside the bootloader)")


PROGRAM = """
volatile unsigned char sink;
__attribute__((noinline)) void via_command(unsigned char c) { for (unsigned char i = 0; i < c; i++) sink += i * 3; }
__attribute__((noinline)) void dynamic_keymap_set(unsigned char c) { sink = c * 7; sink ^= c; }
__attribute__((noinline)) void rgblight_set(unsigned char c) { sink = c + 1; }
__attribute__((noinline)) void matrix_scan(void) { sink = 2; }
int main(void) { via_command(3); dynamic_keymap_set(4); rgblight_set(5); matrix_scan(); return 0; }
"""


def test_feature_costs_are_measured_from_a_linked_program(tmp_path: Path) -> None:
    if shutil.which("avr-gcc") is None or shutil.which("avr-nm") is None:
        pytest.skip("avr-gcc / avr-nm are not installed (Debian packages gcc-avr, binutils-avr)")
    source = tmp_path / "program.c"
    source.write_text(PROGRAM)
    elf = tmp_path / "program.elf"
    subprocess.run(["avr-gcc", "-mmcu=atmega32u4", "-Os", "-o", str(elf), str(source)], check=True)
    costs = feature_costs(flash_symbols(elf, "avr-gcc"))
    by_feature = {cost.feature: cost for cost in costs}
    assert by_feature["VIA_ENABLE"].size > 0 and by_feature["RGBLIGHT_ENABLE"].size > 0
    assert costs[-1].feature == ""  # main, matrix_scan and the C runtime: the rest
    assert flash_symbols(tmp_path / "missing.elf", "avr-gcc") == []


def test_the_hint_offers_lto_then_what_the_layout_does_not_use() -> None:
    costs = [
        FeatureCost("VIA_ENABLE", "VIA and the dynamic keymap", 3900),
        FeatureCost("RGBLIGHT_ENABLE", "RGB underglow (rgblight)", 2100),
        FeatureCost("MOUSEKEY_ENABLE", "mouse keys", 1500),
        FeatureCost("", "the rest of QMK and the board's code", 20000),
    ]
    hint = size_hint(SizeOverflow(1038, 29710, 28672), costs, lto=False, layout_features={"MOUSEKEY_ENABLE"})
    assert "VIA and the dynamic keymap 3900 bytes" in hint
    assert "keyconf compile --lto" in hint
    assert "`keyconf compile --no-via`" in hint and "RGBLIGHT_ENABLE = no" in hint
    assert "MOUSEKEY_ENABLE = no" not in hint  # the layout uses mouse keys
    assert "--lto" not in size_hint(SizeOverflow(10), costs, lto=True)


def test_whether_a_board_uses_lto() -> None:
    assert board_uses_lto({"build": {"lto": True}}, []) is True
    assert board_uses_lto({}, ["# x\nLTO_ENABLE = yes\n"]) is True
    assert board_uses_lto({}, ["LTO_ENABLE = no"]) is False
    assert board_uses_lto({}, ["VIA_ENABLE = yes"]) is None


def test_a_switched_off_feature_is_neither_measured_nor_offered() -> None:
    # What nm lists of a real Corne keymap's build (saidout's, 138 bytes over) with per-key lighting
    # on and underglow and the console switched off by its rules.mk: the WS2812 driver serves the
    # RGB matrix, and the debug stubs stay without the console.
    symbols = [("rgb_matrix_task", 900), ("rgb_matrix_sethsv_eeprom_helper", 38), ("ws2812_flush", 74),
               ("ws2812_set_color", 24), ("debug_waiting_buffer.lto_priv.107", 20), ("sendchar", 4),
               ("oled_task", 1500), ("matrix_scan", 300)]  # fmt: skip
    off = {"RGBLIGHT_ENABLE", "CONSOLE_ENABLE"}
    costs = {cost.feature: cost.size for cost in feature_costs(symbols, off)}
    assert costs == {"RGB_MATRIX_ENABLE": 900 + 38 + 74 + 24, "OLED_ENABLE": 1500, "": 300 + 20 + 4}
    hint = size_hint(SizeOverflow(138, 28810, 28672), feature_costs(symbols, off), lto=True)
    assert "RGBLIGHT_ENABLE" not in hint and "CONSOLE_ENABLE" not in hint and "underglow" not in hint
    assert "OLED_ENABLE = no (the OLED, 1500 bytes)" in hint


def test_the_led_driver_counts_toward_underglow_when_only_underglow_is_built() -> None:
    symbols = [("rgblight_set", 300), ("ws2812_flush", 74), ("matrix_scan", 300)]
    costs = {cost.feature: cost.size for cost in feature_costs(symbols)}
    assert costs == {"RGBLIGHT_ENABLE": 374, "": 300}
    assert {cost.feature for cost in feature_costs([("ws2812_flush", 74)])} == {""}
