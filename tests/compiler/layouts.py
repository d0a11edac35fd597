"""Small layouts and a board for the compiler's tests, built directly from the model."""

from __future__ import annotations

from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro
from keyconf.model.layout import (
    Combo,
    EncoderAction,
    KeyOverride,
    Layer,
    Layout,
    Macro,
    MacroStep,
    TapDance,
)

MACRO = "LAYOUT_ortho_2x3"


def board(encoders: int = 1) -> Keyboard:
    """A 2x3 ortho board named testco/ortho (the fake tree's board of the same shape)."""
    keys = [Key(x=float(c), y=float(r), matrix=(r, c)) for r in range(2) for c in range(3)]
    return Keyboard(
        name="testco/ortho",
        layouts={MACRO: LayoutMacro(MACRO, keys)},
        layout_aliases={"LAYOUT": MACRO},
        encoders=[Encoder(index) for index in range(encoders)],
        processor="STM32F411",
        bootloader="stm32-dfu",
    )


def layout(**sections: object) -> Layout:
    base = Layout(
        keyboard="testco/ortho",
        layout_macro=MACRO,
        name="Test layout",
        layers=[
            Layer("base", ["KC_A", "LT(nav, KC_SPC)", "LCTL_T(KC_ESC)", "KC_EXLM", "MO(nav)", "KC_ENT"]),
            Layer("nav", ["KC_LEFT", "_______", "KC_RGHT", "XXXXXXX", "_______", "LCTL(KC_Z)"]),
        ],
    )
    for name, value in sections.items():
        setattr(base, name, value)
    return base


def layers_only() -> Layout:
    return layout(settings={"tapping_term": 180, "permissive_hold": True})


def with_macros() -> Layout:
    result = layout(
        macros=[
            Macro(name="greeting", steps=[MacroStep("text", 'Hi "you"\\\n'), MacroStep("tap", ["KC_ENT"])]),
            Macro(
                name="copy paste",
                steps=[
                    MacroStep("tap", ["KC_LCTL", "KC_C"]),
                    MacroStep("delay", 100),
                    MacroStep("tap", ["LCTL(KC_V)"]),
                    MacroStep("down", ["KC_LSFT"]),
                    MacroStep("text", "??=x"),
                    MacroStep("up", ["KC_LSFT"]),
                ],
            ),
        ]
    )
    result.layers[0].keys[3] = "QK_MACRO_0"
    result.layers[1].keys[3] = "MC_1"
    return result


def with_tap_dances() -> Layout:
    result = layout(
        tap_dances=[
            TapDance("esc_caps", tap="KC_ESC", double_tap="KC_CAPS"),
            TapDance("a_nav", tap="KC_A", hold="MO(nav)", double_tap="KC_B", tap_hold="KC_LSFT", tapping_term=250),
            TapDance("boot", tap="KC_NO", hold="QK_BOOT"),
        ],
        settings={"tapping_term": 200},
    )
    result.layers[0].keys[0] = "TD(esc_caps)"
    result.layers[0].keys[3] = "TD(a_nav)"
    result.layers[1].keys[3] = "TD(2)"
    return result


def with_combos() -> Layout:
    return layout(
        combos=[
            Combo(keys=["KC_A", "KC_ENT"], action="KC_ESC", name="a enter escape"),
            Combo(keys=["KC_LEFT", "KC_RGHT", "LCTL(KC_Z)"], action="TG(nav)", layers=["nav"], term=30),
        ],
        settings={"combo_term": 40},
    )


def with_key_overrides() -> Layout:
    return layout(
        key_overrides=[
            KeyOverride(trigger="KC_ENT", replacement="KC_DEL", mods=["MOD_MASK_SHIFT"], name="shift enter"),
            KeyOverride(
                trigger="KC_A",
                replacement="LCTL(KC_B)",
                mods=["MOD_LALT", "MOD_RALT"],
                layers=["nav"],
                negative_mods=["MOD_LCTL"],
                suppressed_mods=[],
            ),
        ]
    )


def with_encoders() -> Layout:
    result = layout()
    result.layers[0].encoders = [EncoderAction("KC_VOLD", "KC_VOLU")]
    result.layers[1].encoders = [EncoderAction("KC_PGDN", "KC_PGUP")]
    return result


GOLDEN_CASES = {
    "layers_only": layers_only,
    "macros": with_macros,
    "tap_dance": with_tap_dances,
    "combos": with_combos,
    "key_overrides": with_key_overrides,
    "encoders": with_encoders,
}
