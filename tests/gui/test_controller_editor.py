"""The Controller tab (Keyboard → Controller…): the converter and bootloader a layout's firmware is
built for, offered from QMK's facts for the board's footprint and chip, each choice one undoable
edit that marks the layout modified and re-runs validation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from keyconf.gui.controller_editor import ControllerChoices, ControllerEditor
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro


def board(name: str = "crkbd/rev1", processor: str | None = "atmega32u4", bootloader: str | None = "caterina",
          pin_compatible: str | None = None) -> Keyboard:
    keys = [Key(x=i, y=0, matrix=(0, i)) for i in range(2)]
    return Keyboard(name, "Corne", matrix_rows=1, matrix_cols=2, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
                    processor=processor, bootloader=bootloader, pin_compatible=pin_compatible)


def values(choices: list) -> list:
    return [c.value for c in choices]


# ---- what is offered (no window) ----------------------------------------------------------------------------


def test_a_pro_micro_board_is_offered_its_footprints_converters_and_avr_bootloaders():
    choices = ControllerChoices(board(), None, None)
    converters = values(choices.converters)
    assert converters[0] is None and {"rp2040_ce", "elite_pi", "kb2040", "proton_c", "stemcell"} <= set(converters)
    assert converters[-1] == "promicro_rp2040"  # QMK deprecates it: last, and says so
    assert "deprecates" in choices.converters[-1].label
    bootloaders = values(choices.bootloaders)
    assert bootloaders[0] is None and {"atmel-dfu", "caterina", "qmk-dfu", "halfkay"} <= set(bootloaders)
    assert not {"rp2040", "stm32-dfu", "tinyuf2", "lufa-dfu", "unknown", "custom", "md-boot"} & set(bootloaders)
    assert choices.converter_enabled and choices.bootloader_enabled
    assert "Pro Micro" in choices.board_text()
    assert choices.built_text() == "Firmware for: atmega32u4, caterina bootloader (.hex file)"


def test_an_elite_c_board_is_offered_only_elite_c_converters():
    choices = ControllerChoices(board("handwired/mine", pin_compatible="elite_c"), None, None)
    assert "elite_pi" in values(choices.converters) and "proton_c" not in values(choices.converters)
    assert "Elite-C" in choices.board_text()


def test_a_board_of_no_footprint_takes_no_converter():
    choices = ControllerChoices(board("zsa/moonlander", "STM32F303", "stm32-dfu"), None, None)
    assert values(choices.converters) == [None] and not choices.converter_enabled
    assert "pin_compatible" in choices.board_text()
    assert "stm32-dfu" in values(choices.bootloaders) and "caterina" not in values(choices.bootloaders)


def test_under_a_converter_the_bootloader_is_the_converters():
    choices = ControllerChoices(board(), "rp2040_ce", None)
    assert choices.converters[choices.converter_index].value == "rp2040_ce"
    assert choices.bootloaders[0].label == "The converter's: rp2040" and not choices.bootloader_enabled
    assert "rp2040" in values(choices.bootloaders) and "caterina" not in values(choices.bootloaders)
    assert choices.built_text() == "Firmware for: RP2040, rp2040 bootloader (.uf2 file)"
    # Picking a converter drops a bootloader chosen for the board's own chip, in the same step.
    assert ControllerChoices(board(), None, "atmel-dfu").after_converter("rp2040_ce") == ("rp2040_ce", None)
    assert ControllerChoices(board(), None, "atmel-dfu").after_converter(None) == (None, "atmel-dfu")


def test_names_qmk_lacks_are_shown_as_such_so_they_can_be_changed():
    choices = ControllerChoices(board(), "rp2040ce", "rp2040")
    assert choices.converters[choices.converter_index].label == "rp2040ce — not one QMK has for this board"
    assert choices.bootloaders[choices.bootloader_index].value == "rp2040"  # kept, though an AVR takes it not
    assert choices.bootloader_enabled


# ---- the real window ------------------------------------------------------------------------------------------


def controller_tab(window) -> ControllerEditor:
    return next(e for _t, e in window.feature_editors if e.feature == "controller")


def choose(qtbot, box: QComboBox, value: str | None) -> None:
    """Pick `value` as a user does: open the list, move to the entry, press Enter."""
    target = box.findData(value)
    assert target >= 0, value
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible, timeout=5000)
    view.setCurrentIndex(box.model().index(target, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)


def test_choosing_a_converter_in_the_window_is_an_undoable_edit(opened, qtbot):
    window = opened
    doc = window.doc
    assert window.act_controller.isEnabled()
    window.act_controller.trigger()
    tab = controller_tab(window)
    assert window.editors.currentWidget() is tab and window.editors_dock.isVisible()
    assert tab.converter_box.currentData() is None and "Pro Micro" in tab.board_label.text()

    choose(qtbot, tab.converter_box, "rp2040_ce")
    assert (doc.layout.converter, doc.layout.bootloader) == ("rp2040_ce", None)
    assert doc.is_modified and window.isWindowModified()
    assert not tab.bootloader_box.isEnabled() and tab.bootloader_box.currentText() == "The converter's: rp2040"
    assert "RP2040" in tab.built_label.text() and ".uf2" in tab.built_label.text()
    # The status bar names the keyboard and now the controller built for.
    assert window.board_label.text().endswith("42 keys · converter rp2040_ce (RP2040, rp2040 bootloader)")
    assert window.act_undo.isEnabled() and doc.undo_stack.undoText() == "Controller"
    window.act_undo.trigger()
    assert doc.layout.converter is None and not doc.is_modified
    assert window.board_label.text().endswith("· 42 keys")
    assert tab.converter_box.currentData() is None and tab.bootloader_box.isEnabled()


def test_a_bootloader_problem_opens_the_tab_and_goes_when_fixed(window, qtbot, layout_file):
    text = layout_file.read_text()
    head, _, rest = text.partition("\nlayers:")
    layout_file.write_text(head + "\nbootloader: rp2040\nlayers:" + rest)  # an RP2040's, on a Corne's atmega32u4
    window.open_path(layout_file)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    panel = window.problems_panel
    panel.recheck()
    (problem,) = [p for p in panel.problems if p.location == ("bootloader",)]
    assert problem.code == "unknown-bootloader"

    panel.go_to(problem)
    tab = controller_tab(window)
    assert window.editors.currentWidget() is tab
    assert tab.bootloader_box.currentData() == "rp2040"
    choose(qtbot, tab.bootloader_box, "atmel-dfu")
    assert window.doc.layout.bootloader == "atmel-dfu" and window.doc.is_modified
    qtbot.waitUntil(lambda: not [p for p in panel.problems if p.location == ("bootloader",)], timeout=5000)
    assert "atmel-dfu" in tab.built_label.text()
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: [p.code for p in panel.problems if p.location == ("bootloader",)]
                    == ["unknown-bootloader"], timeout=5000)
    assert tab.bootloader_box.currentData() != "atmel-dfu"


def test_the_choice_is_saved_into_the_layout_file(opened, qtbot, layout_file):
    window = opened
    window.act_controller.trigger()
    tab = controller_tab(window)
    choose(qtbot, tab.bootloader_box, "atmel-dfu")
    window.save()
    qtbot.waitUntil(lambda: not window.doc.is_modified, timeout=10000)
    saved = layout_file.read_text()
    # under `layout:`, where a fresh save writes it (not below the layers)
    assert "\nlayout: LAYOUT_split_3x6_3\nbootloader: atmel-dfu  #" in saved, saved[:400]
