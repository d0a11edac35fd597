"""Spell the common compound keycodes from choices made in a dialog.

The builders only write text in QMK's own syntax; the registry parses it like anything
typed, so a builder can never make a keycode the parser would not accept.
"""

from __future__ import annotations

from collections.abc import Sequence

MODIFIERS = ("CTL", "SFT", "ALT", "GUI")
MOD_LABELS = {"CTL": "Ctrl", "SFT": "Shift", "ALT": "Alt", "GUI": "GUI"}


def mod_mask(mods: Sequence[str], right: bool = False) -> str:
    """`MOD_LCTL | MOD_LSFT` for mods ("CTL", "SFT", "ALT", "GUI"), left or right hand."""
    side = "R" if right else "L"
    ordered = [m for m in MODIFIERS if m in mods]
    if not ordered:
        raise ValueError("choose at least one modifier")
    return " | ".join(f"MOD_{side}{m}" for m in ordered)


def mod_tap(mods: Sequence[str], tap: str, right: bool = False) -> str:
    """Hold for the modifiers, tap for `tap`: `MT(MOD_LCTL | MOD_LSFT, KC_ESC)`."""
    return f"MT({mod_mask(mods, right)}, {tap.strip()})"


def layer_tap(layer: str, tap: str) -> str:
    """Hold for the layer, tap for `tap`: `LT(nav, KC_SPC)`."""
    return f"LT({layer}, {tap.strip()})"


def one_shot_mods(mods: Sequence[str], right: bool = False) -> str:
    """Modifiers for the next key only: `OSM(MOD_LSFT)`."""
    return f"OSM({mod_mask(mods, right)})"


def one_shot_layer(layer: str) -> str:
    return f"OSL({layer})"


def with_mods(mods: Sequence[str], key: str, right: bool = False) -> str:
    """A key sent with modifiers held: `LCTL(LSFT(KC_T))`."""
    side = "R" if right else "L"
    text = key.strip()
    for m in reversed([m for m in MODIFIERS if m in mods]):
        text = f"{side}{m}({text})"  # LCTL(…), RSFT(…)
    if text == key.strip():
        raise ValueError("choose at least one modifier")
    return text


def layer_mods(layer: str, mods: Sequence[str], right: bool = False) -> str:
    """The layer while held, with modifiers: `LM(nav, MOD_LSFT)`."""
    return f"LM({layer}, {mod_mask(mods, right)})"
