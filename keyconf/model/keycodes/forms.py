"""The parameterised keycode forms QMK has (modifier wrappers, mod-taps, layer keys, ...).

This is the list the GUI's keycode builders offer and the parser accepts. Names and their
modifier sets follow QMK's quantum/quantum_keycodes.h; `since` records the first QMK keycode
spec whose trees know the form where that is later than the 0.19 renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyconf.model.keycodes.mods import (
    HYPR,
    LALT,
    LCTL,
    LGUI,
    LSFT,
    MEH,
    RALT,
    RCTL,
    RGUI,
    RSFT,
)

# Modifier wrappers: NAME(kc) holds these modifiers around a basic keycode.
MOD_WRAPPERS: dict[str, int] = {
    "LCTL": LCTL, "C": LCTL,
    "LSFT": LSFT, "S": LSFT,
    "LALT": LALT, "A": LALT, "LOPT": LALT,
    "LGUI": LGUI, "G": LGUI, "LCMD": LGUI, "LWIN": LGUI,
    "RCTL": RCTL,
    "RSFT": RSFT,
    "RALT": RALT, "ALGR": RALT, "ROPT": RALT,
    "RGUI": RGUI, "RCMD": RGUI, "RWIN": RGUI,
    "LCS": LCTL | LSFT, "LCA": LCTL | LALT, "LCG": LCTL | LGUI,
    "LSA": LSFT | LALT, "LSG": LSFT | LGUI, "SGUI": LSFT | LGUI, "SCMD": LSFT | LGUI, "SWIN": LSFT | LGUI,
    "LAG": LALT | LGUI,
    "LCSG": LCTL | LSFT | LGUI, "LCAG": LCTL | LALT | LGUI, "LSAG": LSFT | LALT | LGUI,
    "RCS": RCTL | RSFT, "RCA": RCTL | RALT, "RCG": RCTL | RGUI,
    "RSA": RSFT | RALT, "SAGR": RSFT | RALT, "RSG": RSFT | RGUI, "RAG": RALT | RGUI,
    "RCSG": RCTL | RSFT | RGUI, "RCAG": RCTL | RALT | RGUI, "RSAG": RSFT | RALT | RGUI,
    "MEH": MEH,
    "HYPR": HYPR,
}  # fmt: skip

# Mod-tap shorthands: NAME(kc) = MT(mods, kc).
MOD_TAPS: dict[str, int] = {
    "LCTL_T": LCTL, "CTL_T": LCTL,
    "LSFT_T": LSFT, "SFT_T": LSFT,
    "LALT_T": LALT, "ALT_T": LALT, "LOPT_T": LALT, "OPT_T": LALT,
    "LGUI_T": LGUI, "GUI_T": LGUI, "LCMD_T": LGUI, "CMD_T": LGUI, "LWIN_T": LGUI, "WIN_T": LGUI,
    "RCTL_T": RCTL,
    "RSFT_T": RSFT,
    "RALT_T": RALT, "ROPT_T": RALT, "ALGR_T": RALT,
    "RGUI_T": RGUI, "RCMD_T": RGUI, "RWIN_T": RGUI,
    "LCS_T": LCTL | LSFT, "C_S_T": LCTL | LSFT,
    "LCA_T": LCTL | LALT, "LCG_T": LCTL | LGUI,
    "LSA_T": LSFT | LALT,
    "LSG_T": LSFT | LGUI, "SGUI_T": LSFT | LGUI, "SCMD_T": LSFT | LGUI, "SWIN_T": LSFT | LGUI,
    "LAG_T": LALT | LGUI,
    "LCSG_T": LCTL | LSFT | LGUI, "LCAG_T": LCTL | LALT | LGUI, "LSAG_T": LSFT | LALT | LGUI,
    "RCS_T": RCTL | RSFT, "RCA_T": RCTL | RALT, "RCG_T": RCTL | RGUI,
    "RSA_T": RSFT | RALT, "SAGR_T": RSFT | RALT, "RSG_T": RSFT | RGUI, "RAG_T": RALT | RGUI,
    "RCSG_T": RCTL | RSFT | RGUI, "RCAG_T": RCTL | RALT | RGUI, "RSAG_T": RSFT | RALT | RGUI,
    "MEH_T": MEH,
    "HYPR_T": HYPR, "ALL_T": HYPR,
}  # fmt: skip

# Names QMK itself deprecates (quantum_keycodes_legacy.h); they parse but are rewritten.
DEPRECATED_FORMS = {"C_S_T": "LCS_T"}

# Wrapper names other tools write: Vial's keycode list spells LCS(kc) as C_S(kc).
DIALECT_WRAPPERS = {"C_S": "LCS"}

# Names other tools have for whole expressions: VIA's old dictionaries (the-via/app
# deprecated-keycodes.ts) and Vial's keycode list (GUI_TOGG, its alias of MAGIC_TOGGLE_GUI).
DIALECT_NAMES = {
    "SPC_FN1": "LT(1, KC_SPC)",
    "SPC_FN2": "LT(2, KC_SPC)",
    "SPC_FN3": "LT(3, KC_SPC)",
    "GUI_TOGG": "GU_TOGG",
    # VIA's wilba.tech lighting keys (VIA "Lighting" menu); QMK's wilba_tech boards define them
    # from QK_KB_0 on, in this order (keyboards/wilba_tech/wt_rgb_backlight_keycodes.h).
    **{name: f"QK_KB_{n}" for n, name in enumerate((
        "BR_INC", "BR_DEC", "EF_INC", "EF_DEC", "ES_INC", "ES_DEC", "H1_INC", "H1_DEC",
        "S1_INC", "S1_DEC", "H2_INC", "H2_DEC", "S2_INC", "S2_DEC"))},
    # Vial's USER00..USER63 are QK_KB_0 + n (vial-gui keycodes_v6); QMK names only the first 32
    # (USER00..USER15 come with VIA's old names).
    **{f"USER{n:02d}": f"QK_KB_{n}" if n < 32 else f"0x{0x7E00 + n:04X}" for n in range(16, 64)},
    # Vial's M0..M127 play dynamic macro n (QK_MACRO + n, up to QK_MACRO_MAX 0x777F); QMK names
    # only QK_MACRO_0..31, so a board with more macros (DYNAMIC_KEYMAP_MACRO_COUNT 60) saves M45.
    **{f"M{n}": f"0x{0x7700 + n:04X}" for n in range(32, 128)},
}  # fmt: skip

# One-shot-mod shorthands: OS_LCTL = OSM(MOD_LCTL) ...
ONE_SHOT_MODS: dict[str, int] = {
    "OS_LCTL": LCTL, "OS_LSFT": LSFT, "OS_LALT": LALT, "OS_LGUI": LGUI,
    "OS_LCS": LCTL | LSFT, "OS_LCA": LCTL | LALT, "OS_LCG": LCTL | LGUI, "OS_LSA": LSFT | LALT,
    "OS_LSG": LSFT | LGUI, "OS_LAG": LALT | LGUI,
    "OS_LCSG": LCTL | LSFT | LGUI, "OS_LCAG": LCTL | LALT | LGUI, "OS_LSAG": LSFT | LALT | LGUI,
    "OS_RCTL": RCTL, "OS_RSFT": RSFT, "OS_RALT": RALT, "OS_RGUI": RGUI,
    "OS_RCS": RCTL | RSFT, "OS_RCA": RCTL | RALT, "OS_RCG": RCTL | RGUI, "OS_RSA": RSFT | RALT,
    "OS_RSG": RSFT | RGUI, "OS_RAG": RALT | RGUI,
    "OS_RCSG": RCTL | RSFT | RGUI, "OS_RCAG": RCTL | RALT | RGUI, "OS_RSAG": RSFT | RALT | RGUI,
    "OS_MEH": MEH, "OS_HYPR": HYPR,
}  # fmt: skip

# Canonical output names: the first QMK name for each exact modifier set.
CANONICAL_WRAPPER: dict[int, str] = {}
for _name, _mods in MOD_WRAPPERS.items():
    if len(_name) > 1:  # prefer LCTL over C
        CANONICAL_WRAPPER.setdefault(_mods, _name)
CANONICAL_MOD_TAP: dict[int, str] = {}
for _name, _mods in MOD_TAPS.items():
    if _name not in DEPRECATED_FORMS:
        CANONICAL_MOD_TAP.setdefault(_mods, _name)

# Wrappers and mod-taps every QMK tree since the 0.19 renumbering knows (quantum_keycodes.h of
# November 2022); the combined ones (LCS, LCG_T, ...) arrived in 2025 (QMK #25399).
SINGLE_MOD_WRAPPERS = ("LCTL", "LSFT", "LALT", "LGUI", "RCTL", "RSFT", "RALT", "RGUI")
OLD_TREE_MOD_TAPS = frozenset(
    {
        "LCTL_T", "LSFT_T", "LALT_T", "LGUI_T", "RCTL_T", "RSFT_T", "RALT_T", "RGUI_T",
        "MEH_T", "HYPR_T", "LCAG_T", "RCAG_T", "LSG_T", "SGUI_T", "LAG_T", "RSG_T", "RAG_T",
        "LCA_T", "LSA_T", "RSA_T", "RCS_T",
    }
)  # fmt: skip
OLD_TREE_WRAPPERS = frozenset(
    {
        *SINGLE_MOD_WRAPPERS,
        "MEH",
        "HYPR",
        "LCAG",
        "LSG",
        "SGUI",
        "LAG",
        "RSG",
        "RAG",
        "LCA",
        "LSA",
        "RSA",
        "RCS",
    }
)

# Layer functions: name -> (highest layer encodable in CURRENT, in LEGACY numbering).
LAYER_FUNCTIONS: dict[str, tuple[int, int]] = {
    "TO": (31, 255),
    "MO": (31, 255),
    "DF": (31, 255),
    "TG": (31, 255),
    "OSL": (31, 255),
    "TT": (31, 255),
    "PDF": (31, -1),  # not in the legacy numbering
}
LAYER_TAP_MAX = 15  # LT and LM reach layers 0-15 only
PDF_SINCE = "0.0.6"  # QK_PERSISTENT_DEF_LAYER arrived with keycode spec 0.0.6
# Trees of this spec or newer (September 2025 on) postdate QMK #25399 (June 2025), which added the
# combined wrappers and mod-taps (LCS, LCG_T ...); older trees get the long-standing forms.
COMBINED_FORMS_SINCE = "0.0.8"


@dataclass(frozen=True)
class FormSpec:
    """A parameterised form for builders: `name(params)`; params are "kc", "mods", "layer", "index",
    "codepoint". `mods` is set for fixed-modifier forms (LCTL_T ...)."""

    name: str
    params: tuple[str, ...]
    kind: str
    description: str
    mods: int = 0


def _forms() -> tuple[FormSpec, ...]:
    from keyconf.model.keycodes.mods import describe_mods

    forms: list[FormSpec] = []
    for name, mods in MOD_WRAPPERS.items():
        forms.append(FormSpec(name, ("kc",), "mods", f"{describe_mods(mods)} held with a key", mods))
    forms.append(FormSpec("MT", ("mods", "kc"), "mod_tap", "Modifiers when held, a key when tapped"))
    for name, mods in MOD_TAPS.items():
        forms.append(
            FormSpec(name, ("kc",), "mod_tap", f"{describe_mods(mods)} when held, the key when tapped", mods)
        )
    forms += [
        FormSpec("LT", ("layer", "kc"), "layer", "Layer (0-15) while held, the key when tapped"),
        FormSpec("LM", ("layer", "mods"), "layer", "Layer (0-15) with modifiers while held"),
        FormSpec("TO", ("layer",), "layer", "Switch to the layer (turns the others off)"),
        FormSpec("MO", ("layer",), "layer", "Layer on while held"),
        FormSpec("DF", ("layer",), "layer", "Set the default layer until power off"),
        FormSpec("PDF", ("layer",), "layer", "Set the default layer and save it"),
        FormSpec("TG", ("layer",), "layer", "Toggle the layer"),
        FormSpec("OSL", ("layer",), "layer", "Layer on for the next key press"),
        FormSpec("TT", ("layer",), "layer", "Layer on while held, toggled by repeated taps"),
        FormSpec("OSM", ("mods",), "one_shot", "Modifiers held for the next key press"),
        FormSpec("TD", ("index",), "tap_dance", "Tap dance: different actions per tap count"),
        FormSpec("SH_T", ("kc",), "swap_hands", "Swap hands while held, the key when tapped"),
        FormSpec("QK_MACRO", ("index",), "macro", "Play macro n (QK_MACRO_n, MC_n)"),
        FormSpec("QK_KB", ("index",), "kb", "Keyboard-specific keycode n"),
        FormSpec("QK_USER", ("index",), "user", "Keymap-specific keycode n"),
        FormSpec("UC", ("codepoint",), "unicode", "Type a Unicode character (up to U+7FFF)"),
        FormSpec("UM", ("index",), "unicode", "Type entry n of the keymap's Unicode map"),
        FormSpec("UP", ("index", "index"), "unicode", "Unicode map pair: entry i, or j when shifted"),
    ]
    return tuple(forms)


PARAMETERISED_FORMS: tuple[FormSpec, ...] = _forms()
