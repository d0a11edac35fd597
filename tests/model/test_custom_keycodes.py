"""Custom keycodes: a layout's own names, parsed, numbered, shown and checked like QMK's."""

from __future__ import annotations

from keyconf.model.keycodes import OP_CUSTOM, REGISTRY, KeycodeError
from keyconf.model.layout import CSource, CustomKeycode, Layer, Layout, custom_keycode_values, keycode_context
from keyconf.model.validation import validate


def alt_tab_layout(**extra: object) -> Layout:
    layout = Layout(
        keyboard="testco/ortho",
        layout_macro="LAYOUT",
        layers=[Layer("base", ["ALTTAB", "KC_A", "EMAIL"])],
        custom_keycodes=[
            CustomKeycode("ALTTAB", legend="Alt⇥", description="Alt-Tab, Alt kept held"),
            CustomKeycode("EMAIL"),
            CustomKeycode("PINNED", value=0x7E50),
            CustomKeycode("AFTER_PIN"),
        ],
        c_source=CSource(code="bool process_record_user(uint16_t k, keyrecord_t *r) { return true; }\n"),
    )
    for name, value in extra.items():
        setattr(layout, name, value)
    return layout


def test_values_count_like_a_c_enum_from_safe_range() -> None:
    assert custom_keycode_values(alt_tab_layout()) == [0x7E40, 0x7E41, 0x7E50, 0x7E51]


def test_custom_keycodes_parse_encode_and_decode_through_the_layout_context() -> None:
    ctx = keycode_context(alt_tab_layout())
    keycode = REGISTRY.parse("ALTTAB", ctx)
    assert keycode.op == OP_CUSTOM and REGISTRY.format(keycode) == "ALTTAB"
    assert REGISTRY.encode(keycode, ctx) == 0x7E40
    assert REGISTRY.format(REGISTRY.decode(0x7E51, ctx=ctx)) == "AFTER_PIN"
    assert REGISTRY.format(REGISTRY.decode(0x7E41)) == "QK_USER_1"  # without the layout: QMK's name
    try:
        REGISTRY.parse("ALTTAB")
    except KeycodeError as error:
        assert "unknown keycode" in error.message
    else:
        raise AssertionError("ALTTAB parsed without the layout that defines it")


def test_legend_and_description_come_from_the_layout() -> None:
    ctx = keycode_context(alt_tab_layout())
    assert REGISTRY.legend(REGISTRY.parse("ALTTAB", ctx), ctx).tap == "Alt⇥"
    assert REGISTRY.describe(REGISTRY.parse("ALTTAB", ctx), ctx) == "Alt-Tab, Alt kept held"
    assert REGISTRY.legend(REGISTRY.parse("EMAIL", ctx), ctx).tap == "EMAIL"
    assert REGISTRY.group(REGISTRY.parse("EMAIL", ctx)) == "custom"


def test_a_custom_keycode_may_be_a_combo_action() -> None:
    from keyconf.model.layout import Combo

    layout = alt_tab_layout(combos=[Combo(["KC_A", "KC_B"], "ALTTAB")])
    assert [p for p in validate(layout) if p.is_error] == []


def test_validation_refuses_qmk_names_and_shared_values() -> None:
    layout = alt_tab_layout()
    layout.custom_keycodes += [CustomKeycode("KC_A"), CustomKeycode("AGAIN", value=0x7E40)]
    codes = {(p.code, p.location) for p in validate(layout) if p.is_error}
    assert ("custom-keycode-name", ("custom_keycodes", 4)) in codes
    assert ("custom-keycode-value", ("custom_keycodes", 5)) in codes


def test_a_used_custom_keycode_without_c_code_is_a_warning() -> None:
    problems = validate(alt_tab_layout(c_source=None))
    warned = [p for p in problems if p.code == "custom-keycode-without-c"]
    assert [p.location for p in warned] == [("custom_keycodes", 0), ("custom_keycodes", 1)]
    assert not any(p.is_error for p in problems)


def test_the_picker_offers_the_layouts_custom_keycodes_with_their_legends() -> None:
    from keyconf.gui.picker_model import CUSTOM, PickerModel

    picker = PickerModel()
    layout = alt_tab_layout()
    entries = picker.entries(CUSTOM, layout)
    assert [(e.code, e.legend) for e in entries][:2] == [("ALTTAB", "Alt⇥"), ("EMAIL", "EMAIL")]
    assert picker.entry_for("ALTTAB", layout).legend == "Alt⇥"
    assert "ALTTAB" in [e.code for e in picker.search("alt-tab", layout)]


def test_keycap_faces_show_the_custom_legend() -> None:
    from keyconf.render.keycap_faces import FaceBuilder

    layout = alt_tab_layout()
    faces = FaceBuilder(layout).layer_faces(layout, 0)
    assert (faces[0].tap, faces[0].kind, faces[0].group) == ("Alt⇥", "normal", "custom")


def test_a_header_outside_the_builds_folders_is_a_validation_error_before_any_build() -> None:
    """The compiler refuses `header: ../common/keys.h` (a stranger's layout cannot have the build read a file
    elsewhere); validation says so first, at the header, so `keyconf validate` and the window show it."""
    layout = alt_tab_layout(custom_keycodes=[CustomKeycode("KEYS", headers=["../common/keys.h"]),
                                             CustomKeycode("MINE", headers=["user.h", "/etc/x.h"]),
                                             CustomKeycode("OK", headers=["features/keycodes.h"])])
    found = [(p.code, p.location) for p in validate(layout) if p.code == "custom-keycode-header"]
    assert found == [("custom-keycode-header", ("custom_keycodes", 0, "header")),
                     ("custom-keycode-header", ("custom_keycodes", 1, "header", 1))]
    # A header many keycodes name (a userspace's 166 language keycodes) is one error, at the first of them.
    layout.custom_keycodes = [CustomKeycode(f"L_{i}", headers=["../lang/include.h"]) for i in range(5)]
    [problem] = [p for p in validate(layout) if p.code == "custom-keycode-header"]
    assert problem.location == ("custom_keycodes", 0, "header")
    assert "and 4 more custom keycodes name it" in problem.message
