"""The layout document: edits, undo/redo, layer operations, without any widget."""

from __future__ import annotations

import pytest

from keyconf.gui.document import LayoutDocument
from keyconf.gui.selection import SelectionModel
from keyconf.model import layer_edits
from keyconf.model.layout import Combo


@pytest.fixture
def doc(qapp, layout, keyboard):
    return LayoutDocument(layout, keyboard)


def test_assign_undo_redo_and_modified(doc):
    seen = []
    doc.keysChanged.connect(seen.append)
    assert not doc.is_modified
    assert doc.assign(0, [0, 1], "KC_ESC")
    assert doc.layout.layers[0].keys[:2] == ["KC_ESC", "KC_ESC"]
    assert doc.is_modified and seen == [0]
    doc.undo_stack.undo()
    assert doc.layout.layers[0].keys[:2] == ["KC_Q", "KC_W"]
    assert not doc.is_modified
    doc.undo_stack.redo()
    assert doc.layout.layers[0].keys[:2] == ["KC_ESC", "KC_ESC"]


def test_assigning_the_same_keycode_is_not_an_edit(doc):
    assert not doc.assign(0, [0], "KC_Q")
    assert doc.undo_stack.count() == 0


def test_swap_clear_and_paste(doc):
    doc.swap(0, 0, 13)
    assert doc.layout.layers[0].keys[0] == "LT(nav, KC_SPC)"
    assert doc.layout.layers[0].keys[13] == "KC_Q"
    doc.clear(0, [1], transparent=True)
    doc.clear(0, [2])
    assert doc.layout.layers[0].keys[1:3] == ["KC_TRNS", "KC_NO"]
    doc.paste(1, [4, 5, 6], ["KC_A", "KC_B"])
    assert doc.layout.layers[1].keys[4:7] == ["KC_A", "KC_B", "KC_TRNS"]
    doc.paste(1, [8, 9], ["KC_Z"])
    assert doc.layout.layers[1].keys[8:10] == ["KC_Z", "KC_Z"]
    for _ in range(5):
        doc.undo_stack.undo()
    assert doc.layout.layers[0].keys[0] == "KC_Q" and doc.layout.layers[1].keys[4] == "KC_TRNS"


def test_rename_layer_follows_references_and_undoes(doc):
    doc.layout.combos.append(Combo(keys=["KC_Q", "KC_W"], action="MO(nav)", layers=["nav"]))
    assert doc.rename_layer(1, "arrows")
    assert doc.layout.layer_names == ["base", "arrows"]
    assert doc.layout.layers[0].keys[13] == "LT(arrows, KC_SPC)"
    assert doc.layout.combos[0].action == "MO(arrows)"
    assert doc.layout.combos[0].layers == ["arrows"]
    doc.undo_stack.undo()
    assert doc.layout.layer_names == ["base", "nav"]
    assert doc.layout.layers[0].keys[13] == "LT(nav, KC_SPC)"


def test_add_duplicate_move_remove_layers_are_undoable(doc):
    doc.add_layer("sym")
    assert doc.layout.layer_names == ["base", "nav", "sym"]
    assert doc.layout.layers[2].keys == ["KC_TRNS"] * 14
    doc.duplicate_layer(0)
    assert doc.layout.layer_names == ["base", "base_copy", "nav", "sym"]
    doc.move_layer(3, 1)
    assert doc.layout.layer_names == ["base", "sym", "base_copy", "nav"]
    doc.remove_layer(2)
    assert doc.layout.layer_names == ["base", "sym", "nav"]
    for _ in range(4):
        doc.undo_stack.undo()
    assert doc.layout.layer_names == ["base", "nav"]


def test_moving_layers_keeps_numeric_references_and_undoes(doc):
    doc.add_layer("sym")
    doc.set_keys(0, {0: "MO(1)", 1: "LT(2, KC_A)"}, "numbers")
    doc.move_layer(2, 1)  # sym before nav
    assert doc.layout.layer_names == ["base", "sym", "nav"]
    assert doc.layout.layers[0].keys[:2] == ["MO(2)", "LT(1, KC_A)"]  # still nav and sym
    doc.undo_stack.undo()
    assert doc.layout.layers[0].keys[:2] == ["MO(1)", "LT(2, KC_A)"]


def test_last_layer_cannot_be_removed(doc):
    doc.remove_layer(1)
    assert not doc.remove_layer(0)


def test_layer_references_and_names(doc):
    refs = layer_edits.layer_references(doc.layout, "nav")
    assert [(r.where, r.layer, r.slot) for r in refs] == [("layer", 0, 13)]
    assert layer_edits.layer_name_problem(doc.layout, "nav") is not None
    assert layer_edits.layer_name_problem(doc.layout, "9lives") is not None
    assert layer_edits.layer_name_problem(doc.layout, "KC_A") is not None
    assert layer_edits.layer_name_problem(doc.layout, "fun") is None


def test_layout_option_change_is_announced(doc):
    seen = []
    doc.optionsChanged.connect(lambda: seen.append(True))
    doc.set_layout_option("Split Backspace", 1)
    assert seen and doc.layout.layout_options == {"Split Backspace": 1}
    doc.undo_stack.undo()
    assert doc.layout.layout_options == {}


def test_selection_model_modes(qapp):
    sel = SelectionModel()
    sel.select(3)
    sel.toggle(5)
    sel.extend([6, 3])
    assert sel.slots == [3, 5, 6] and sel.current == 6
    sel.toggle(5)
    assert sel.slots == [3, 6]
    sel.clamp(key_count=5, layer_count=1)
    assert sel.slots == [3]
