"""Write the example layouts shipped in layouts/ (run once; the files are then edited by hand).

Each layout is spelled row by row here and written with keyconf's own YAML writer, so the
shipped files show the format exactly as keyconf writes it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyconf.catalogue.bundled import load_bundled  # noqa: E402
from keyconf.formats.yaml_layout import dumps_layout  # noqa: E402
from keyconf.model.layout import Combo, EncoderAction, Layer, Layout, Macro, MacroStep, TapDance  # noqa: E402

T = "_______"
X = "XXXXXXX"


def rows(*lines: str) -> list[str]:
    keys: list[str] = []
    for line in lines:
        keys.extend(k.strip() for k in line.split(";") if k.strip())
    return keys


def write(name: str, layout: Layout) -> None:
    keyboard = load_bundled(layout.keyboard)
    macro = keyboard.layout(layout.layout_macro)
    for layer in layout.layers:
        assert len(layer.keys) == len(macro.keys), (name, layer.name, len(layer.keys), len(macro.keys))
    out = Path(__file__).resolve().parent.parent / "layouts" / f"{name}.yaml"
    out.write_text(dumps_layout(layout, keyboard))
    print(out)


# Planck: the default layout the app opens.
write("planck", Layout(
    keyboard="planck/rev6", layout_macro="LAYOUT_ortho_4x12", name="Planck: QWERTY with lower/raise",
    author="keyconf", notes="Lower and raise held together give the adjust layer (tri-layer).\n",
    layers=[
        Layer("base", rows(
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_BSPC",
            "LCTL_T(KC_ESC); KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_QUOT",
            "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; RSFT_T(KC_ENT)",
            "TD(esc_caps); KC_LCTL; KC_LALT; KC_LGUI; TL_LOWR; KC_SPC; KC_SPC; TL_UPPR; KC_LEFT; KC_DOWN; KC_UP; KC_RGHT",
        )),
        Layer("lower", rows(
            "KC_TILD; KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN; KC_DEL",
            f"{T}; KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_UNDS; KC_PLUS; KC_LCBR; KC_RCBR; KC_PIPE",
            f"{T}; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12; {X}; {X}; KC_HOME; KC_END; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; KC_MNXT; KC_VOLD; KC_VOLU; KC_MPLY",
        )),
        Layer("raise", rows(
            "KC_GRV; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_DEL",
            f"{T}; {X}; {X}; {X}; {X}; {X}; {X}; KC_MINS; KC_EQL; KC_LBRC; KC_RBRC; KC_BSLS",
            f"{T}; QK_MACRO_0; {X}; {X}; {X}; {X}; {X}; {X}; {X}; KC_PGUP; KC_PGDN; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; KC_MNXT; KC_VOLD; KC_VOLU; KC_MPLY",
        )),
        Layer("adjust", rows(
            f"{T}; QK_BOOT; QK_RBT; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; EE_CLR",
            f"{T}; {X}; {X}; AU_TOGG; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{T}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
    ],
    tap_dances=[TapDance("esc_caps", tap="KC_ESC", double_tap="KC_CAPS")],
    macros=[Macro([MacroStep("text", "keyconf")], name="signature")],
    combos=[Combo(["KC_J", "KC_K"], "KC_ESC", name="jk_escape")],
    settings={"tapping_term": 200},
))

corne_base = rows(
    "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_BSPC",
    "KC_LCTL; LGUI_T(KC_A); LALT_T(KC_S); LCTL_T(KC_D); LSFT_T(KC_F); KC_G; KC_H; RSFT_T(KC_J); RCTL_T(KC_K); LALT_T(KC_L); RGUI_T(KC_SCLN); KC_QUOT",
    "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_ESC",
    "KC_LGUI; MO(nav); KC_SPC; KC_ENT; MO(sym); KC_RALT",
)
write("corne", Layout(
    keyboard="crkbd/rev1", layout_macro="LAYOUT_split_3x6_3", name="Corne: home-row mods",
    author="keyconf",
    layers=[
        Layer("base", corne_base),
        Layer("nav", rows(
            f"{T}; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; {T}",
            f"{T}; {X}; KC_HOME; KC_PGUP; KC_PGDN; KC_END; KC_LEFT; KC_DOWN; KC_UP; KC_RGHT; {X}; {X}",
            f"{T}; {X}; {X}; {X}; {X}; {X}; KC_MPRV; KC_VOLD; KC_VOLU; KC_MNXT; {X}; {X}",
            f"{T}; {T}; {T}; {T}; MO(adjust); {T}",
        )),
        Layer("sym", rows(
            f"{T}; KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN; {T}",
            f"{T}; {X}; {X}; {X}; {X}; {X}; KC_MINS; KC_EQL; KC_LBRC; KC_RBRC; KC_BSLS; KC_GRV",
            f"{T}; {X}; {X}; {X}; {X}; {X}; KC_UNDS; KC_PLUS; KC_LCBR; KC_RCBR; KC_PIPE; KC_TILD",
            f"{T}; MO(adjust); {T}; {T}; {T}; {T}",
        )),
        Layer("adjust", rows(
            f"QK_BOOT; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"UG_TOGG; UG_HUEU; UG_SATU; UG_VALU; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"UG_NEXT; UG_HUED; UG_SATD; UG_VALD; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{T}; {T}; {T}; {T}; {T}; {T}",
        )),
    ],
    settings={"tapping_term": 200},
))

write("sweep", Layout(
    keyboard="ferris/sweep", layout_macro="LAYOUT_split_3x5_2", name="Ferris Sweep: 34 keys",
    author="keyconf",
    layers=[
        Layer("base", rows(
            "KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P",
            "LGUI_T(KC_A); LALT_T(KC_S); LCTL_T(KC_D); LSFT_T(KC_F); KC_G; KC_H; RSFT_T(KC_J); RCTL_T(KC_K); LALT_T(KC_L); RGUI_T(KC_QUOT)",
            "KC_Z; KC_X; KC_C; KC_V; KC_B; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH",
            "LT(nav, KC_TAB); KC_SPC; LSFT_T(KC_ENT); LT(sym, KC_BSPC)",
        )),
        Layer("nav", rows(
            f"KC_ESC; {X}; {X}; {X}; {X}; KC_HOME; KC_PGDN; KC_PGUP; KC_END; KC_DEL",
            f"KC_LGUI; KC_LALT; KC_LCTL; KC_LSFT; {X}; KC_LEFT; KC_DOWN; KC_UP; KC_RGHT; KC_CAPS",
            f"{X}; {X}; {X}; {X}; {X}; KC_MPRV; KC_VOLD; KC_VOLU; KC_MNXT; KC_MPLY",
            f"{T}; {T}; {T}; MO(num)",
        )),
        Layer("sym", rows(
            "KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN",
            "KC_GRV; KC_TILD; KC_PIPE; KC_BSLS; KC_MINS; KC_EQL; KC_LBRC; KC_RBRC; KC_LCBR; KC_RCBR",
            f"{X}; {X}; {X}; KC_UNDS; KC_PLUS; {X}; KC_SCLN; KC_COLN; KC_DQUO; KC_QUES",
            f"MO(num); {T}; {T}; {T}",
        )),
        Layer("num", rows(
            "KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0",
            "KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_F7; KC_F8; KC_F9; KC_F10",
            f"QK_BOOT; {X}; {X}; {X}; KC_F11; KC_F12; {X}; {X}; {X}; QK_BOOT",
            f"{T}; {T}; {T}; {T}",
        )),
    ],
    combos=[Combo(["KC_W", "KC_E"], "KC_ESC", name="we_escape")],
))

ansi60_base = rows(
    "KC_ESC; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_MINS; KC_EQL; KC_BSPC",
    "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_LBRC; KC_RBRC; KC_BSLS",
    "LT(fn, KC_CAPS); KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_QUOT; KC_ENT",
    "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT",
    "KC_LCTL; KC_LGUI; KC_LALT; KC_SPC; KC_RALT; KC_RGUI; MO(fn); KC_RCTL",
)
write("dz60", Layout(
    keyboard="dz60", layout_macro="LAYOUT_60_ansi", name="DZ60: ANSI 60% with a function layer",
    author="keyconf",
    layers=[
        Layer("base", ansi60_base),
        Layer("fn", rows(
            "KC_GRV; KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12; KC_DEL",
            f"{T}; {X}; KC_UP; {X}; {X}; {X}; {X}; {X}; KC_INS; {X}; KC_PSCR; KC_SCRL; KC_PAUS; QK_BOOT",
            f"{T}; KC_LEFT; KC_DOWN; KC_RGHT; {X}; {X}; {X}; {X}; {X}; {X}; KC_HOME; KC_PGUP; {T}",
            f"{T}; {X}; {X}; {X}; {X}; {X}; {X}; KC_MUTE; KC_VOLD; KC_VOLU; KC_END; {T}",
            f"{T}; {T}; {T}; KC_MPLY; {T}; {T}; {T}; {T}",
        )),
    ],
))

write("kbd8x", Layout(
    keyboard="kbdfans/kbd8x_mk2", layout_macro="LAYOUT_tkl_ansi", name="KBD8X MKII: TKL ANSI",
    author="keyconf",
    layers=[
        Layer("base", rows(
            "KC_ESC; KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12; KC_PSCR; KC_SCRL; KC_PAUS",
            "KC_GRV; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_MINS; KC_EQL; KC_BSPC; KC_INS; KC_HOME; KC_PGUP",
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_LBRC; KC_RBRC; KC_BSLS; KC_DEL; KC_END; KC_PGDN",
            "KC_CAPS; KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_QUOT; KC_ENT",
            "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT; KC_UP",
            "KC_LCTL; KC_LGUI; KC_LALT; KC_SPC; KC_RALT; MO(fn); KC_APP; KC_RCTL; KC_LEFT; KC_DOWN; KC_RGHT",
        )),
        Layer("fn", rows(
            f"{T}; KC_MPLY; KC_MPRV; KC_MNXT; {X}; {X}; {X}; {X}; {X}; KC_MUTE; KC_VOLD; KC_VOLU; {X}; {X}; {X}; QK_BOOT",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; KC_PGUP",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; KC_HOME; KC_PGDN; KC_END",
        )),
    ],
))

write("kyria", Layout(
    keyboard="splitkb/kyria/rev3", layout_macro="LAYOUT_split_3x6_5", name="Kyria: thumb clusters and encoders",
    author="keyconf",
    layers=[
        Layer("base", rows(
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_BSPC",
            "LCTL_T(KC_ESC); KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; RCTL_T(KC_QUOT)",
            "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_LBRC; KC_CAPS; KC_RBRC; KC_RSFT; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT",
            "KC_MUTE; KC_LGUI; KC_LALT; LT(nav, KC_SPC); KC_ENT; KC_ENT; LT(sym, KC_SPC); KC_TAB; KC_RALT; KC_MPLY",
        ), encoders=[EncoderAction("KC_VOLD", "KC_VOLU"), EncoderAction("KC_PGDN", "KC_PGUP")]),
        Layer("nav", rows(
            f"{T}; {X}; {X}; {X}; {X}; {X}; KC_PGUP; KC_HOME; KC_UP; KC_END; {X}; KC_DEL",
            f"{T}; KC_LGUI; KC_LALT; KC_LCTL; KC_LSFT; {X}; KC_PGDN; KC_LEFT; KC_DOWN; KC_RGHT; {X}; KC_INS",
            f"{T}; {X}; {X}; {X}; {X}; {X}; {T}; {T}; {T}; {T}; {X}; KC_MPRV; KC_MPLY; KC_MNXT; {X}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; MO(adjust); {T}; {T}; {T}",
        ), encoders=[EncoderAction("KC_MPRV", "KC_MNXT"), EncoderAction("KC_LEFT", "KC_RGHT")]),
        Layer("sym", rows(
            "KC_GRV; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_EQL",
            "KC_TILD; KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN; KC_PLUS",
            f"KC_PIPE; KC_BSLS; KC_COLN; KC_SCLN; KC_MINS; KC_LBRC; KC_LCBR; {T}; {T}; KC_RCBR; KC_RBRC; KC_UNDS; KC_COMM; KC_DOT; KC_SLSH; KC_QUES",
            f"{T}; {T}; {T}; MO(adjust); {T}; {T}; {T}; {T}; {T}; {T}",
        )),
        Layer("adjust", rows(
            f"QK_BOOT; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; QK_BOOT",
            f"UG_TOGG; UG_SATU; UG_HUEU; UG_VALU; UG_NEXT; {X}; {X}; KC_F1; KC_F2; KC_F3; KC_F4; {X}",
            f"{X}; UG_SATD; UG_HUED; UG_VALD; UG_PREV; {X}; {X}; {X}; {X}; {X}; {X}; KC_F5; KC_F6; KC_F7; KC_F8; {X}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
    ],
))

split_number_row = "KC_ESC; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_GRV"
write("lily58", Layout(
    keyboard="lily58/rev1", layout_macro="LAYOUT", name="Lily58: QWERTY", author="keyconf",
    layers=[
        Layer("base", rows(
            split_number_row,
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_MINS",
            "KC_LCTL; KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_QUOT",
            "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_LBRC; KC_RBRC; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT",
            "KC_LALT; KC_LGUI; TL_LOWR; KC_SPC; KC_ENT; TL_UPPR; KC_BSPC; KC_RGUI",
        )),
        Layer("lower", rows(
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            "KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12",
            "KC_GRV; KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN; KC_TILD",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {X}; KC_UNDS; KC_PLUS; KC_LCBR; KC_RCBR; KC_PIPE",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
        Layer("raise", rows(
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            f"KC_GRV; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; {T}",
            f"KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; {X}; KC_LEFT; KC_DOWN; KC_UP; KC_RGHT; {X}",
            f"KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12; {T}; {T}; KC_PLUS; KC_MINS; KC_EQL; KC_LBRC; KC_RBRC; KC_BSLS",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
        Layer("adjust", rows(
            f"QK_BOOT; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
    ],
))

write("sofle", Layout(
    keyboard="sofle/rev1", layout_macro="LAYOUT", name="Sofle: QWERTY with encoders", author="keyconf",
    layers=[
        Layer("base", rows(
            split_number_row,
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_BSPC",
            "KC_LSFT; KC_A; KC_S; KC_D; KC_F; KC_G; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_QUOT",
            "KC_LCTL; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_MUTE; KC_MPLY; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT",
            "KC_LGUI; KC_LALT; KC_LCTL; MO(lower); KC_ENT; KC_SPC; MO(raise); KC_RCTL; KC_RALT; KC_RGUI",
        ), encoders=[EncoderAction("KC_VOLD", "KC_VOLU"), EncoderAction("KC_PGDN", "KC_PGUP")]),
        Layer("lower", rows(
            "KC_GRV; KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11",
            "KC_GRV; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_7; KC_8; KC_9; KC_0; KC_F12",
            f"{T}; KC_EXLM; KC_AT; KC_HASH; KC_DLR; KC_PERC; KC_CIRC; KC_AMPR; KC_ASTR; KC_LPRN; KC_RPRN; KC_PIPE",
            f"{T}; KC_EQL; KC_MINS; KC_PLUS; KC_LCBR; KC_RCBR; {T}; {T}; KC_LBRC; KC_RBRC; KC_SCLN; KC_COLN; KC_BSLS; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; MO(adjust); {T}; {T}; {T}",
        )),
        Layer("raise", rows(
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
            f"{T}; KC_INS; KC_PSCR; KC_APP; {X}; {X}; KC_PGUP; {X}; KC_UP; {X}; {X}; KC_BSPC",
            f"{T}; KC_LALT; KC_LCTL; KC_LSFT; {X}; KC_CAPS; KC_PGDN; KC_LEFT; KC_DOWN; KC_RGHT; KC_DEL; KC_BSPC",
            f"{T}; C(KC_Z); C(KC_X); C(KC_C); C(KC_V); {X}; {T}; {T}; {X}; KC_HOME; {X}; KC_END; {X}; {T}",
            f"{T}; {T}; {T}; MO(adjust); {T}; {T}; {T}; {T}; {T}; {T}",
        )),
        Layer("adjust", rows(
            f"QK_BOOT; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {X}; KC_VOLD; KC_MUTE; KC_VOLU; {X}; {X}",
            f"{X}; {X}; {X}; {X}; {X}; {X}; {T}; {T}; {X}; KC_MPRV; KC_MPLY; KC_MNXT; {X}; {X}",
            f"{T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}; {T}",
        )),
    ],
))

write("splite", Layout(
    keyboard="whale/sk/v3", layout_macro="LAYOUT_all", name="Splite v3: split with fanned thumb clusters",
    author="keyconf",
    layers=[
        Layer("base", rows(
            "KC_ESC; KC_1; KC_2; KC_3; KC_4; KC_5; KC_6; KC_HOME; KC_END; KC_7; KC_8; KC_9; KC_0; KC_MINS; KC_EQL; KC_BSPC",
            "KC_TAB; KC_Q; KC_W; KC_E; KC_R; KC_T; KC_LBRC; KC_RBRC; KC_Y; KC_U; KC_I; KC_O; KC_P; KC_QUOT",
            "KC_CAPS; KC_A; KC_S; KC_D; KC_F; KC_G; KC_PGUP; KC_PGDN; KC_H; KC_J; KC_K; KC_L; KC_SCLN; KC_ENT",
            "KC_LSFT; KC_Z; KC_X; KC_C; KC_V; KC_B; KC_DEL; KC_BSLS; KC_N; KC_M; KC_COMM; KC_DOT; KC_SLSH; KC_RSFT",
            "KC_LCTL; KC_LGUI; KC_LALT; MO(fn); KC_LEFT; KC_RGHT; KC_DOWN; KC_UP; MO(fn); KC_RALT; KC_APP; KC_RCTL",
            "KC_LGUI; KC_GRV; KC_GRV; KC_RGUI",
            "KC_SPC; KC_BSPC; KC_LALT; KC_RALT; KC_ENT; KC_SPC",
            "KC_LSFT; KC_LCTL; KC_RCTL; KC_RSFT",
        )),
        Layer("fn", rows(
            f"KC_GRV; KC_F1; KC_F2; KC_F3; KC_F4; KC_F5; KC_F6; {T}; {T}; KC_F7; KC_F8; KC_F9; KC_F10; KC_F11; KC_F12; KC_DEL",
            f"{T}; {X}; KC_UP; {X}; {X}; {X}; {T}; {T}; {X}; {X}; KC_INS; {X}; KC_PSCR; QK_BOOT",
            f"{T}; KC_LEFT; KC_DOWN; KC_RGHT; {X}; {X}; {T}; {T}; {X}; {X}; {X}; {X}; {X}; {T}",
            f"{T}; {X}; {X}; {X}; {X}; {X}; {T}; {T}; {X}; KC_MUTE; KC_VOLD; KC_VOLU; {X}; {T}",
            f"{T}; {T}; {T}; {T}; KC_HOME; KC_END; KC_PGDN; KC_PGUP; {T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}; {T}; {T}",
            f"{T}; {T}; {T}; {T}",
        )),
    ],
))
