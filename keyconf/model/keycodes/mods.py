"""Modifier sets: parse and format `MOD_LCTL | MOD_LSFT`, and convert to QMK's 5-bit form.

keyconf keeps modifiers as an 8-bit mask, one bit per modifier (the HID report's layout), so a
text like `MOD_LALT | MOD_RALT` can be held and reported even though QMK cannot encode it: QMK's
5-bit form (LCTL=1, LSFT=2, LALT=4, LGUI=8, 0x10 = "all of these are right-hand") cannot mix
hands. `to_qmk5` raises for such a mix; callers turn that into a KeycodeError.

Key overrides take a different thing: an 8-bit HID-report mask (`MOD_MASK_SHIFT` is both Shift
bits, 0x22). `parse_mod_mask`/`mod_mask_names` read and write those; `parse_mods` is for the
5-bit places (MT, OSM, LM), where QMK keeps only the low five bits of a MOD_MASK_* value.
"""

from __future__ import annotations

import re

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
# QMK's MOD_MASK_* names (quantum/modifiers.h): 8-bit masks holding both hands of each modifier.
_BOTH = {"C": LCTL | RCTL, "S": LSFT | RSFT, "A": LALT | RALT, "G": LGUI | RGUI}
_WORDS = {"C": "CTRL", "S": "SHIFT", "A": "ALT", "G": "GUI"}
_MASK_LETTERS = ("C", "S", "A", "G", "CS", "CA", "CG", "SA", "SG", "AG", "CSA", "CSG", "CAG", "SAG", "CSAG")
MOD_MASK_NAMES: dict[str, int] = {
    "MOD_MASK_" + _WORDS.get(letters, letters): sum(_BOTH[letter] for letter in letters) for letters in _MASK_LETTERS
}
# QMK's MOD_BIT_* names (modifiers.h enum mods_8bit): one bit each.
MOD_BIT_NAMES: dict[str, int] = {
    "MOD_BIT_LCTRL": LCTL,
    "MOD_BIT_LSHIFT": LSFT,
    "MOD_BIT_LALT": LALT,
    "MOD_BIT_LGUI": LGUI,
    "MOD_BIT_RCTRL": RCTL,
    "MOD_BIT_RSHIFT": RSFT,
    "MOD_BIT_RALT": RALT,
    "MOD_BIT_RGUI": RGUI,
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


def as_qmk_encodes(mods: int) -> int:
    """A set mixing hands as QMK's C encodes it (`S(ALGR(kc))`, `MOD_LALT | MOD_RALT`): the 5-bit
    forms OR together, so one right-hand modifier makes them all right-hand."""
    if not is_mixed(mods):
        return mods
    bits = 0
    for bit in range(8):
        if mods & (1 << bit):
            bits |= to_qmk5(1 << bit)
    return from_qmk5(bits)


def from_qmk5(bits: int) -> int:
    """8-bit mask from QMK's 5-bit form (0 when no modifier bit is set)."""
    bits &= 0x1F
    return (bits & 0x0F) << 4 if bits & 0x10 else bits & 0x0F


def _split(text: str) -> list[str]:
    names = [part.strip().upper() for part in text.split("|")]
    if not all(names):
        raise ModsError(f"empty modifier in {text!r}")
    return [MOD_NAME_ALIASES.get(name, name) for name in names]


def _is_number(name: str) -> bool:
    return name.startswith("0X") or name.isdigit()


def _number(name: str) -> int:
    """A number as C reads it (`0x12`, `18`, octal `022`); ModsError for one C would refuse."""
    try:
        if name.startswith("0X"):
            return int(name[2:], 16)
        if len(name) > 1 and name.startswith("0"):
            return int(name[1:], 8)
        return int(name)
    except ValueError:
        raise ModsError(f"{name} is not a number C reads") from None


def parse_mods(text: str) -> int:
    """Parse `MOD_LCTL | MOD_LSFT` for MT/OSM/LM (whitespace anywhere; a number is QMK's 5-bit form).

    A MOD_MASK_* name is an 8-bit mask; QMK compiles it here but keeps only the low five bits of
    the whole expression, so `MT(MOD_MASK_CTRL, kc)` is right Ctrl (0x11) and `MOD_MASK_SHIFT` is
    left Shift (0x02). Text holding one is therefore evaluated exactly as QMK does.
    """
    names = _split(text)
    if any(name in MOD_MASK_NAMES for name in names):
        return _parse_as_qmk(names, text)
    mods = 0
    for name in names:
        if name in MOD_NAMES:
            mods |= MOD_NAMES[name]
        elif _is_number(name):
            mods |= from_qmk5(_number(name))
        else:
            raise ModsError(_unknown(name))
    return mods


def _parse_as_qmk(names: list[str], text: str) -> int:
    raw = 0
    for name in names:
        if name in MOD_MASK_NAMES:
            raw |= MOD_MASK_NAMES[name]
        elif name in MOD_NAMES:
            raw |= to_qmk5(MOD_NAMES[name])
        elif _is_number(name):
            raw |= _number(name)
        else:
            raise ModsError(_unknown(name))
    mods = from_qmk5(raw)
    if not mods:
        raise ModsError(f"{text.strip()} keeps no modifier in QMK's 5-bit form")
    return mods


def _unknown(name: str) -> str:
    # `MOD_LEFT_GUI`: the long keycode names (KC_LEFT_GUI) have no MOD_ twin in QMK
    short = name.replace("_LEFT_", "_L").replace("_RIGHT_", "_R").replace("CTRL", "CTL").replace("SHIFT", "SFT")
    short = MOD_NAME_ALIASES.get(short, short)
    meant = f" (QMK's name is {short})" if short != name and short in MOD_NAMES else ""
    return f"unknown modifier {name!r}{meant}"


def parse_mod_mask(text: str) -> int:
    """The 8-bit mask key overrides take: `MOD_MASK_SHIFT | MOD_LCTL`, `MOD_BIT_LSHIFT`, `0x22`.

    MOD_* names mean their one modifier of one hand (`MOD_RCTL` is 0x10, the right Ctrl bit), a
    number is the 8-bit mask itself.
    """
    mask = 0
    for name in _split(text):
        if name in MOD_MASK_NAMES:
            mask |= MOD_MASK_NAMES[name]
        elif name in MOD_BIT_NAMES:
            mask |= MOD_BIT_NAMES[name]
        elif (bit := _mod_bit_of_keycode(name)) is not None:
            mask |= bit
        elif name in MOD_NAMES:
            mask |= MOD_NAMES[name]
        elif _is_number(name):
            value = _number(name)
            if value > 0xFF:
                raise ModsError(f"{name} is not an 8-bit modifier mask")
            mask |= value
        else:
            raise ModsError(_unknown(name))
    return mask


# The modifier keys' names (KC_LCTL is 0xE0 … KC_RGUI 0xE7) by their bit in an 8-bit mask.
_MODIFIER_KEYS: dict[str, int] = {
    name: bit
    for names, bit in (
        (("LCTL", "LCTRL", "LEFT_CTRL"), LCTL), (("LSFT", "LSHIFT", "LEFT_SHIFT"), LSFT),
        (("LALT", "LOPT", "LEFT_ALT"), LALT), (("LGUI", "LCMD", "LWIN", "LEFT_GUI"), LGUI),
        (("RCTL", "RCTRL", "RIGHT_CTRL"), RCTL), (("RSFT", "RSHIFT", "RIGHT_SHIFT"), RSFT),
        (("RALT", "ROPT", "ALGR", "RIGHT_ALT"), RALT), (("RGUI", "RCMD", "RWIN", "RIGHT_GUI"), RGUI),
    )
    for name in (f"KC_{n}" for n in names)
}  # fmt: skip


def _mod_bit_of_keycode(text: str) -> int | None:
    """`MOD_BIT(KC_RCTL)`, QMK's macro for a modifier key's bit (1 << (KC_RCTL & 7)): that bit."""
    found = re.fullmatch(r"MOD_BIT\s*\(\s*(KC_\w+)\s*\)", text.strip())
    return _MODIFIER_KEYS.get(found.group(1)) if found else None


def mod_mask_names(mask: int) -> list[str]:
    """Names for an 8-bit mask: one MOD_MASK_* for modifiers held on both hands, MOD_* for the rest."""
    both = "".join(letter for letter, bits in _BOTH.items() if mask & bits == bits)
    names = [_mask_name(both)] if both else []
    single = mask & 0xFF & ~sum(_BOTH[letter] for letter in both)
    return names + [name for name, bit in _ORDER if single & bit]


def _mask_name(letters: str) -> str:
    return "MOD_MASK_" + _WORDS.get(letters, letters)


def format_mods(mods: int) -> str:
    """Canonical text: `MOD_LCTL | MOD_LSFT`, in the order Ctrl, Shift, Alt, GUI, left then right;
    `0` for none, as QMK's C takes it (a real ErgoDox keymap's `MT(0, KC_SPACE)`: a key that taps
    Space and holds nothing)."""
    names = [name for name, bit in _ORDER if mods & bit]
    return " | ".join(names) if names else "0"


def describe_mods(mods: int) -> str:
    """Short human text for legends: `Ctrl`, `Ctrl+Shift`, `RAlt`, `Meh`, `Hyper`."""
    if mods == MEH:
        return "Meh"
    if mods == HYPR:
        return "Hyper"
    parts = [_SHORT[bit] for bit in (LCTL, LSFT, LALT, LGUI) if mods & bit]
    parts += ["R" + _SHORT[bit >> 4] for bit in (RCTL, RSFT, RALT, RGUI) if mods & bit]
    return "+".join(parts)
