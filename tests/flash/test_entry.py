from __future__ import annotations

from keyconf.flash import bootloaders
from keyconf.flash.entry import find_boot_keys, reset_instructions
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Combo, Layer, Layout, TapDance


def planck() -> Keyboard:
    keys = [Key(x=float(i), y=0.0, matrix=(0, i)) for i in range(4)]
    keys[3] = Key(x=3.0, y=0.0, matrix=(0, 3), label="Esc")
    return Keyboard(name="test/board", layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


def layout(**extra) -> Layout:
    return Layout(
        keyboard="test/board",
        layout_macro="LAYOUT",
        layers=[
            Layer("base", ["KC_A", "KC_B", "MO(fn)", "KC_ESC"]),
            Layer("fn", ["KC_1", "QK_BOOT", "KC_NO", "QK_BOOT"]),
        ],
        **extra,
    )


def test_boot_keys_are_found_with_their_position() -> None:
    keys = find_boot_keys(layout(), planck())
    assert [k.where for k in keys] == ["layer “fn”, key 2 (row 0, column 1)", "layer “fn”, key 4 (“Esc”)"]
    assert (keys[0].layer, keys[0].index) == ("fn", 1)


def test_boot_keys_in_combos_and_tap_dances() -> None:
    extra = layout(
        combos=[Combo(keys=["KC_Q", "KC_P"], action="QK_BOOT")],
        tap_dances=[TapDance(name="esc_boot", tap="KC_ESC", hold="QK_BOOT")],
    )
    places = [k.where for k in find_boot_keys(extra)]
    assert "the combo KC_Q + KC_P" in places and "tap dance “esc_boot” (hold)" in places


def test_instructions_point_at_the_key_and_the_bootloader() -> None:
    text = reset_instructions(bootloaders.get("caterina"), layout(), planck())
    assert text.splitlines()[0] == (
        "Press QK_BOOT on your keyboard: layer “fn”, key 2 (row 0, column 1); layer “fn”, key 4 (“Esc”)."
    )
    assert "Caterina stays in the bootloader for only 8 seconds" in text


def test_instructions_without_a_layout_mention_the_reset_button() -> None:
    text = reset_instructions()
    assert "reset button" in text and "QK_BOOT" in text
