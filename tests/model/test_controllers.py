"""A layout's controller (`converter:`, `bootloader:`) against QMK's facts: converters for Pro Micro
and Elite-C footprints, QMK's bootloader names, the chip each is for."""

from __future__ import annotations

import json

from keyconf.model import controllers
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Layer, Layout
from keyconf.model.validation import validate


def board(name: str = "crkbd/rev1", processor: str | None = "atmega32u4",
          bootloader: str | None = "caterina") -> Keyboard:
    keys = [Key(x=i, y=0, matrix=(0, i)) for i in range(2)]
    return Keyboard(name, matrix_rows=1, matrix_cols=2, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
                    processor=processor, bootloader=bootloader)


def layout(converter: str | None = None, bootloader: str | None = None, keyboard: str = "crkbd/rev1") -> Layout:
    return Layout(keyboard, "LAYOUT", layers=[Layer("base", ["KC_A", "KC_B"])], converter=converter,
                  bootloader=bootloader)


def problems(lay: Layout, kb: Keyboard | None) -> list[tuple[str, tuple, bool]]:
    return [(p.code, p.location, p.is_error) for p in validate(lay, kb)]


def test_table_records_its_source_and_trees():
    data = json.loads(controllers.DATA_FILE.read_text(encoding="utf-8"))
    assert data["generated_by"] == "tools/gen_controllers.py"
    assert data["commits"] and "GPL" in data["license"]


def test_converters_for_a_pro_micro_board_and_what_they_build():
    found = controllers.converters("promicro")
    assert found["rp2040_ce"].processor == "RP2040" and found["rp2040_ce"].bootloader == "rp2040"
    assert found["proton_c"].processor == "STM32F303" and found["proton_c"].bootloader == "stm32-dfu"
    assert found["elite_pi"].same_as == "rp2040_ce"
    assert found["promicro_rp2040"].deprecated
    assert "elite_pi" in controllers.converters("elite_c") and "proton_c" not in controllers.converters("elite_c")


def test_footprint_from_the_board_its_parent_or_its_chip():
    assert controllers.board_footprint(board()) == "promicro"
    # tweetydabird/lotus58/elite_c names its footprint in its keyboard.json
    assert controllers.board_footprint(board("tweetydabird/lotus58/elite_c")) == "elite_c"
    assert controllers.board_footprint(board("zsa/moonlander", "STM32F303", "stm32-dfu")) is None


def test_a_known_converter_and_bootloader_validate_clean():
    assert problems(layout("rp2040_ce"), board()) == []
    assert problems(layout(bootloader="atmel-dfu"), board()) == []
    assert problems(layout("rp2040_ce", "rp2040"), board()) == []


def test_unknown_converter_is_an_error_with_a_close_name():
    found = validate(layout("rp2040ce"), board())
    assert [(p.code, p.location) for p in found] == [("unknown-converter", ("converter",))]
    assert "Pro Micro" in found[0].message and "rp2040_ce" in (found[0].hint or "")


def test_an_elite_c_board_has_no_proton_c_converter():
    found = validate(layout("proton_c", keyboard="tweetydabird/lotus58/elite_c"),
                     board("tweetydabird/lotus58/elite_c"))
    assert [p.code for p in found] == ["unknown-converter"] and "Elite-C" in found[0].message


def test_a_board_without_a_pro_micro_footprint_cannot_take_one():
    found = validate(layout("rp2040_ce", keyboard="zsa/moonlander"), board("zsa/moonlander", "STM32F303", "stm32-dfu"))
    assert [(p.code, p.is_error) for p in found] == [("converter-not-possible", True)]
    assert "STM32F303" in found[0].message and "remove `converter:`" in (found[0].hint or "")


def test_without_the_keyboard_only_the_name_is_checked():
    assert problems(layout("kb2040"), None) == []
    assert [c for c, _, _ in problems(layout("nosuch"), None)] == ["unknown-converter"]


def test_unknown_bootloader_and_one_for_another_chip():
    found = validate(layout(bootloader="atmel_dfu"), board())
    assert [p.code for p in found] == ["unknown-bootloader"] and "atmel-dfu" in (found[0].hint or "")
    wrong = validate(layout(bootloader="rp2040"), board())
    assert [p.code for p in wrong] == ["unknown-bootloader"] and "atmega32u4" in wrong[0].message


def test_a_converters_bootloader_wins_over_the_layouts():
    found = validate(layout("rp2040_ce", "atmel-dfu"), board())
    assert [(p.code, p.is_error) for p in found] == [("bootloader-overridden", False)]


def test_deprecated_converter_warns():
    assert [(c, e) for c, _, e in problems(layout("promicro_rp2040"), board())] == [("converter-deprecated", False)]


def test_built_controller():
    assert controllers.built_controller(board(), "rp2040_ce", None) == ("RP2040", "rp2040")
    assert controllers.built_controller(board(), None, "atmel-dfu") == ("atmega32u4", "atmel-dfu")
    assert controllers.built_controller(board(), None, None) == ("atmega32u4", "caterina")
