"""Layer edits keep every reference on the layer it named, numeric ones included."""

from __future__ import annotations

from keyconf.model import layer_edits
from keyconf.model.layout import Combo, KeyOverride, Layer, Layout, Macro, MacroStep, TapDance
from keyconf.model.validation import validate


def imported() -> Layout:
    """A layout as importers write it: layers referred to by number everywhere."""
    return Layout(
        "kb",
        "LAYOUT",
        [
            Layer("base", ["MO(1)", "LT(2, KC_SPC)", "TG(3)", "KC_A", "TD(0)"]),
            Layer("nav", ["KC_TRNS", "TO(0)", "DF(0)", "OSL(2)", "TT(3)"]),
            Layer("sym", ["LM(1, MOD_LSFT)", "KC_TRNS", "KC_TRNS", "MO(3)", "KC_TRNS"]),
            Layer("adj", ["QK_BOOT", "TO(0)", "KC_TRNS", "KC_TRNS", "MO(nav)"]),
        ],
        tap_dances=[TapDance("td0", tap="KC_ESC", hold="MO(2)", double_tap="TG(1)")],
        combos=[Combo(["KC_A", "LT(2, KC_SPC)"], "TO(3)")],
        key_overrides=[KeyOverride("KC_BSPC", "MO(1)", ["MOD_LSFT"])],
        macros=[Macro([MacroStep("tap", ["TG(2)"])])],
    )


def target_names(layout: Layout) -> list[tuple[str, str]]:
    """Each keycode with the names of the layers it points at, for comparing before/after."""
    from keyconf.model.keycodes import REGISTRY
    from keyconf.model.layout import keycode_fields

    ctx = layer_edits.parse_context(layout)
    result = []
    for field in keycode_fields(layout):
        refs = REGISTRY.parse(field.text, ctx).layer_refs()
        names = [layout.layers[r].name if isinstance(r, int) else r for r in refs]
        result.append((str(field.location[0]), ",".join(names)))
    return result


def by_layer_name(layout: Layout) -> dict[str, list[str]]:
    return {layer.name: layer.keys for layer in layout.layers}


def test_moving_a_layer_keeps_numeric_references_on_their_layer() -> None:
    layout = imported()
    before = target_names(layout)
    before_keys = {k: v for k, v in by_layer_name(layout).items()}
    layer_edits.move_layer(layout, 1, 3)  # nav goes last: sym, adj move up
    assert layout.layer_names == ["base", "sym", "adj", "nav"]
    keys = by_layer_name(layout)
    assert keys["base"] == ["MO(3)", "LT(1, KC_SPC)", "TG(2)", "KC_A", "TD(0)"]
    assert keys["nav"] == ["KC_TRNS", "TO(0)", "DF(0)", "OSL(1)", "TT(2)"]
    assert keys["sym"][0] == "LM(3, MOD_LSFT)" and keys["sym"][3] == "MO(2)"
    assert keys["adj"][4] == "MO(nav)"  # names need no change
    dance = layout.tap_dances[0]
    assert (dance.hold, dance.double_tap) == ("MO(1)", "TG(3)")
    assert layout.combos[0].keys[1] == "LT(1, KC_SPC)" and layout.combos[0].action == "TO(2)"
    assert layout.key_overrides[0].replacement == "MO(3)"
    assert layout.macros[0].steps[0].value == ["TG(1)"]
    # Sorted because the walk follows layer order, which moved.
    assert sorted(target_names(layout)) == sorted(before)
    assert before_keys["base"][3] == "KC_A" and keys["base"][3] == "KC_A"  # untouched text untouched


def test_adding_and_duplicating_layers_renumber_what_follows() -> None:
    layout = imported()
    before = target_names(layout)
    layer_edits.add_layer(layout, "num", 1)
    assert layout.layers[0].keys[:3] == ["MO(2)", "LT(3, KC_SPC)", "TG(4)"]
    assert layout.layers[2].keys[1] == "TO(0)"  # base did not move
    layer_edits.duplicate_layer(layout, 0, "base2")
    assert layout.layers[0].keys[:3] == ["MO(3)", "LT(4, KC_SPC)", "TG(5)"]
    assert layout.layers[1].keys[:3] == ["MO(3)", "LT(4, KC_SPC)", "TG(5)"]  # the copy too
    # Apart from the empty and copied layers, every keycode still points where it did.
    names = [n for n in target_names(layout) if n[1] != ""]
    assert len(names) > len([n for n in before if n[1] != ""])


def test_adding_at_the_end_changes_no_keycode() -> None:
    layout = imported()
    texts = [layer.keys[:] for layer in layout.layers]
    layer_edits.add_layer(layout, "extra")
    assert [layer.keys for layer in layout.layers[:4]] == texts


def test_removing_a_layer_names_references_to_it_so_validation_reports_them() -> None:
    layout = imported()
    layer_edits.remove_layer(layout, 2)  # sym
    assert layout.layer_names == ["base", "nav", "adj"]
    assert layout.layers[0].keys[:3] == ["MO(1)", "LT(sym, KC_SPC)", "TG(2)"]
    assert layout.layers[1].keys[4] == "TT(2)"
    problems = [p for p in validate(layout) if p.severity == "error"]
    assert any(p.location == ("layers", 0, 1) and "sym" in p.message for p in problems)


def test_rename_still_follows_names() -> None:
    layout = imported()
    layer_edits.rename_layer(layout, "nav", "navigation")
    assert layout.layers[3].keys[4] == "MO(navigation)"
    assert layout.layers[0].keys[0] == "MO(1)"


def test_rename_after_a_delete_leaves_broken_references_for_validation() -> None:
    layout = imported()
    layer_edits.remove_layer(layout, 2)  # sym: LT(2, KC_SPC) becomes LT(sym, KC_SPC)
    layer_edits.rename_layer(layout, "nav", "arrows")  # must not trip over LT(sym, …)
    assert layout.layers[0].keys[1] == "LT(sym, KC_SPC)"
    assert layout.layers[2].keys[4] == "MO(arrows)"
