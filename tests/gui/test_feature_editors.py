"""Macros, tap dances, combos, key overrides, encoders and layout options editors."""

from __future__ import annotations

from PySide6.QtCore import Qt

from keyconf.gui.layout_files import OpenedLayout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro, LayoutOption
from keyconf.model.layout import Layer, Layout


def editor(window, feature):
    return next(e for _t, e in window.feature_editors if e.feature == feature)


def table_of(widget):
    return getattr(widget, "table", widget)


def test_macro_text_is_parsed_into_steps_and_undoable(opened):
    window = opened
    macros = editor(window, "macros")
    before = [m.steps for m in window.doc.layout.macros]
    macros.table.add()
    row = len(window.doc.layout.macros) - 1
    assert macros.table.edit_cell(row, 2, "Hi{KC_ENT}{250}{KC_LCTL,KC_C}")
    steps = window.doc.layout.macros[row].steps
    assert [s.kind for s in steps] == ["text", "tap", "delay", "tap"]
    assert steps[3].value == ["KC_LCTL", "KC_C"]
    assert macros.steps.rowCount() == 4
    assert not macros.table.edit_cell(row, 2, "{KC_NOPE}")
    assert "✗" in macros.table.message.text()
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert [m.steps for m in window.doc.layout.macros] == before


def test_tap_dance_rows_validate_keycodes(opened):
    window = opened
    dances = editor(window, "tap_dances")
    count = len(window.doc.layout.tap_dances)
    dances.add()
    assert len(window.doc.layout.tap_dances) == count + 1
    assert dances.edit_cell(count, 2, "KC_LCTL")
    assert window.doc.layout.tap_dances[count].hold == "KC_LCTL"
    assert not dances.edit_cell(count, 1, "KC_WHAT")
    assert dances.edit_cell(count, 0, "esc_ctl")
    assert "TD(esc_ctl)" in [e.code for e in window.picker_model.entries("Tap dance", window.doc.layout)]


def test_combo_keys_are_picked_on_the_keyboard(opened, qtbot):
    window = opened
    combos = editor(window, "combos")
    window.editors_dock.show()
    window.editors.setCurrentWidget(combos)
    count = len(window.doc.layout.combos)
    combos.table.add()
    combos.table.select_item(count)
    combos.pick.setChecked(True)
    view = window.keyboard_view
    for slot in (1, 2):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.slot_center(slot))
    combo = window.doc.layout.combos[count]
    assert combo.keys == [window.doc.key_text(0, 1), window.doc.key_text(0, 2)]
    assert {1, 2} <= view.marked
    assert window.selection.slots == []  # picking does not select
    combos.pick.setChecked(False)
    assert combos.table.edit_cell(count, 2, "KC_ESC")
    assert window.doc.layout.combos[count].action == "KC_ESC"


def test_key_override_mods(opened):
    window = opened
    overrides = editor(window, "key_overrides")
    overrides.add()
    row = len(window.doc.layout.key_overrides) - 1
    assert overrides.edit_cell(row, 1, "MOD_MASK_CTRL")
    assert overrides.edit_cell(row, 1, "MOD_LCTL | MOD_LALT")
    assert window.doc.layout.key_overrides[row].mods == ["MOD_LCTL", "MOD_LALT"]
    assert not overrides.edit_cell(row, 1, "MOD_BOGUS")


def options_keyboard() -> Keyboard:
    keys = [
        Key(0, 0),
        Key(1, 0, 2, option=(0, 0)),
        Key(4, 0, option=(0, 1)),
        Key(5, 0, option=(0, 1)),
        Key(0, 1, encoder=0),
    ]
    return Keyboard(
        "test/options",
        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
        layout_options=[LayoutOption("Split Backspace")],
    )


def test_layout_option_redraws_the_board_and_encoders_edit(window, qtbot):
    keyboard = options_keyboard()
    layout = Layout(
        "test/options",
        "LAYOUT",
        [Layer("base", ["KC_A", "KC_BSPC", "KC_BSPC", "KC_DEL", "KC_MUTE"])],
        geometry=keyboard,
    )
    window.set_opened(OpenedLayout(layout, keyboard, None, None))
    view = window.keyboard_view
    assert sorted(s.index for s in view.scene().shapes) == [0, 1, 4]
    options = editor(window, "layout_options")
    box = options.boxes["Split Backspace"]
    box.setCurrentIndex(1)
    assert window.doc.layout.layout_options == {"Split Backspace": 1}
    assert sorted(s.index for s in view.scene().shapes) == [0, 2, 3, 4]
    # The box that emitted the change is kept (deleting it inside its own signal crashed Qt).
    assert options.boxes["Split Backspace"] is box
    window.doc.undo_stack.undo()
    assert sorted(s.index for s in view.scene().shapes) == [0, 1, 4]
    assert box.currentIndex() == 0 and window.doc.layout.layout_options.get("Split Backspace", 0) == 0
    encoders = editor(window, "encoders")
    assert encoders.table.rowCount() == 1
    encoders.table.item(0, 2).setText("KC_VOLU")
    assert window.doc.layout.layers[0].encoders[0].cw == "KC_VOLU"
    assert window.doc.layout.layers[0].encoders[0].ccw == "KC_TRNS"


def test_key_override_switched_off_shows_and_toggles(opened):
    # A Vial save keeps switched-off key overrides; the table says so and switches them back on.
    window = opened
    overrides = editor(window, "key_overrides")
    overrides.add()
    row = len(window.doc.layout.key_overrides) - 1
    column = 5
    assert overrides.edit_cell(row, column, "off")
    assert window.doc.layout.key_overrides[row].enabled is False
    assert not overrides.edit_cell(row, column, "maybe")
    assert overrides.edit_cell(row, column, "yes")
    assert window.doc.layout.key_overrides[row].enabled is True
