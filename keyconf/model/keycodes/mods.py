"""Modifier sets: parse and format `MOD_LCTL | MOD_LSFT`, and convert to QMK's 5-bit form.

keyconf keeps modifiers as an 8-bit mask, one bit per modifier (the HID report's layout), so a
text like `MOD_LALT | MOD_RALT` can be held and reported even though QMK cannot encode it: QMK's
5-bit form (LCTL=1, LSFT=2, LALT=4, LGUI=8, 0x10 = "all of these are right-hand") cannot mix
hands. `to_qmk5` raises for such a mix; callers turn that into a KeycodeError.
"""

from __future__ import annotations

LCTL, LSFT, LALT, LGUI = 0x01, 0x02, 0x04, 0x08
RCTL, RSFT, RALT, RGUI = 0x10, 0x20, 0x40, 0x80
LEFT_MASK, RIGHT_MASK = 0x0F, 0xF0
MEH = LCTL | LSFT | LALT
HYPR = LCTL | LSFT | LALT | LGUI

# QMK's MOD_* names (quantum/modifiers.h), as 8-bit masks. MOD_MEH/MOD_HYPR are left-hand.
MOD_NAMES: dict[str, int] = {
    "MOD_LCTL": LCTL,
    "MOD_LSFT": LSFT,
    "MOD_LALT": LALT,
    "MOD_LGUI": LGUI,
    "MOD_RCTL": RCTL,
    "MOD_RSFT": RSFT,
    "MOD_RALT": RALT,
    "MOD_RGUI": RGUI,
    "MOD_MEH": MEH,
    "MOD_HYPR": HYPR,
}
# Spellings other tools write for the same bits (Vial and old QMK docs).
MOD_NAME_ALIASES: dict[str, str] = {
    "MOD_LCTRL": "MOD_LCTL",
    "MOD_RCTRL": "MOD_RCTL",
    "MOD_LSHIFT": "MOD_LSFT",
    "MOD_RSHIFT": "MOD_RSFT",
    "MOD_LOPT": "MOD_LALT",
    "MOD_ROPT": "MOD_RALT",
    "MOD_ALGR": "MOD_RALT",
    "MOD_LCMD": "MOD_LGUI",
    "MOD_RCMD": "MOD_RGUI",
    "MOD_LWIN": "MOD_LGUI",
    "MOD_RWIN": "MOD_RGUI",
}
_ORDER = (
    ("MOD_LCTL", LCTL),
    ("MOD_LSFT", LSFT),
    ("MOD_LALT", LALT),
    ("MOD_LGUI", LGUI),
    ("MOD_RCTL", RCTL),
    ("MOD_RSFT", RSFT),
    ("MOD_RALT", RALT),
    ("MOD_RGUI", RGUI),
)
_SHORT = {LCTL: "Ctrl", LSFT: "Shift", LALT: "Alt", LGUI: "GUI"}


class ModsError(ValueError):
    pass


def is_mixed(mods: int) -> bool:
    """True when the set holds left- and right-hand modifiers (QMK cannot encode that)."""
    return bool(mods & LEFT_MASK) and bool(mods & RIGHT_MASK)


def to_qmk5(mods: int) -> int:
    """The 5-bit QMK form; raises ModsError for an empty or mixed-hand set."""
    if not mods:
        raise ModsError("no modifiers")
    if is_mixed(mods):
        raise ModsError("left- and right-hand modifiers cannot be mixed in one keycode")
    if mods & RIGHT_MASK:
        return 0x10 | (mods >> 4)
    return mods


def from_qmk5(bits: int) -> int:
    """8-bit mask from QMK's 5-bit form (0 when no modifier bit is set)."""
    bits &= 0x1F
    return (bits & 0x0F) << 4 if bits & 0x10 else bits & 0x0F


def parse_mods(text: str) -> int:
    """Parse `MOD_LCTL | MOD_LSFT` (whitespace anywhere; a number is QMK's 5-bit form)."""
    mods = 0
    parts = text.split("|")
    for part in parts:
        name = part.strip().upper()
        if not name:
            raise ModsError(f"empty modifier in {text!r}")
        name = MOD_NAME_ALIASES.get(name, name)
        if name in MOD_NAMES:
            mods |= MOD_NAMES[name]
        elif name.startswith("0X") or name.isdigit():
            mods |= from_qmk5(int(name, 0))
        else:
            raise ModsError(f"unknown modifier {part.strip()!r}")
    return mods


def format_mods(mods: int) -> str:
    """Canonical text: `MOD_LCTL | MOD_LSFT`, in the order Ctrl, Shift, Alt, GUI, left then right."""
    names = [name for name, bit in _ORDER if mods & bit]
    if not names:
        raise ModsError("no modifiers")
    return " | ".join(names)


def describe_mods(mods: int) -> str:
    """Short human text for legends: `Ctrl`, `Ctrl+Shift`, `RAlt`, `Meh`, `Hyper`."""
    if mods == MEH:
        return "Meh"
    if mods == HYPR:
        return "Hyper"
    parts = [_SHORT[bit] for bit in (LCTL, LSFT, LALT, LGUI) if mods & bit]
    parts += ["R" + _SHORT[bit >> 4] for bit in (RCTL, RSFT, RALT, RGUI) if mods & bit]
    return "+".join(parts)
