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


# ---- the footprint a board's own definition names (Keyboard.pin_compatible) -------------------------------


def own_board(pin_compatible: str | None, processor: str | None = "atmega32u4",
              bootloader: str | None = "atmel-dfu") -> Keyboard:
    """A user's board, in no QMK tree keyconf's table was made from."""
    kb = board("handwired/mine/splitty", processor, bootloader)
    kb.pin_compatible = pin_compatible
    return kb


def test_the_boards_own_footprint_comes_before_the_table_and_the_chip():
    assert controllers.board_footprint(own_board("elite_c")) == "elite_c"
    assert controllers.board_footprint(own_board(None)) == "promicro"  # an atmega32u4: QMK's default
    # An RP2040 board made for a Pro Micro's socket: QMK converts it too (converters.mk only
    # assumes a footprint for an atmega32u4; one the board names counts whatever its chip).
    assert controllers.board_footprint(own_board("promicro", "RP2040", "rp2040")) == "promicro"
    # A board the table knows says so itself, and its own word wins.
    named = board("tweetydabird/lotus58/elite_c")
    named.pin_compatible = "promicro"
    assert controllers.board_footprint(named) == "promicro"


def test_an_elite_c_board_of_the_users_own_is_checked_as_one():
    kb = own_board("elite_c")
    assert problems(layout("elite_pi", keyboard=kb.name), kb) == []
    found = validate(layout("proton_c", keyboard=kb.name), kb)
    assert [p.code for p in found] == ["unknown-converter"]
    assert "Elite-C boards" in found[0].message and "proton_c" not in (found[0].hint or "")


def test_an_rp2040_board_naming_a_pro_micro_footprint_takes_a_converter():
    kb = own_board("promicro", "RP2040", "rp2040")
    assert problems(layout("rp2040_ce", keyboard=kb.name), kb) == []
    assert controllers.built_controller(kb, "stemcell", None) == ("STM32F411", "tinyuf2")


def test_a_footprint_qmk_does_not_know_is_named_with_the_fix():
    kb = own_board("pro_micro")
    found = validate(layout("rp2040_ce", keyboard=kb.name), kb)
    assert [(p.code, p.is_error) for p in found] == [("converter-not-possible", True)]
    assert "`pro_micro`" in found[0].message and "`promicro`" in (found[0].hint or "")
    assert problems(layout(keyboard=kb.name), kb) == []  # no converter asked for: nothing to say


def test_footprints_and_development_boards_from_qmks_data():
    assert controllers.footprints() == ["elite_c", "promicro"]
    assert controllers.development_board("elite_c") == {
        "processor": "atmega32u4", "bootloader": "atmel-dfu", "pin_compatible": "promicro"}
    assert controllers.development_board("kb2040") == {"processor": "RP2040", "bootloader": "rp2040"}
    assert controllers.development_board("nosuch") == {} and controllers.development_board(None) == {}
