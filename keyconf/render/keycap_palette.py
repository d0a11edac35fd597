"""Keycap colours for light and dark backgrounds, by keycode group family.

Plain hex strings (no Qt) so any output (window, SVG, PNG, PDF) can use them. The
registry's groups are many; keycaps use a handful of families so a board stays calm:
letters neutral, modifiers a shade darker, layer keys blue, media/mouse green, lighting
violet, macros/tap dances teal, firmware (quantum) keys red.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

FAMILIES = ("basic", "modifier", "navigation", "layer", "media", "lighting", "macro", "quantum")

_FAMILY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("layer", ("layer",)),
    ("lighting", ("light", "rgb", "backlight", "led", "underglow")),
    ("macro", ("macro", "dance", "combo", "user", "leader", "key_override", "dynamic")),
    ("media", ("media", "mouse", "audio", "consumer", "volume", "joystick", "midi", "haptic", "sequencer")),
    (
        "quantum",
        (
            "quantum",
            "boot",
            "reset",
            "magic",
            "debug",
            "system",
            "special",
            "eeprom",
            "caps_word",
            "repeat",
            "grave_esc",
            "space_cadet",
            "autocorrect",
            "secure",
            "swap_hands",
            "steno",
            "programmable",
            "connection",
            "unicode",
            "auto_shift",
            "one_shot",
        ),
    ),
    ("modifier", ("mod", "shift", "ctrl", "alt", "gui")),
    ("navigation", ("nav", "function", "edit", "arrow", "lock", "keypad", "numpad")),
)


_EXACT = {"kb": "macro", "user": "macro", "internal": "basic", "modifiers": "modifier"}


@functools.lru_cache(maxsize=256)
def family_for_group(group: str) -> str:
    """The colour family of a registry group name ("" and unknown groups are basic); asked
    for every key painted, so kept per group name."""
    g = group.lower()
    if g in _EXACT:
        return _EXACT[g]
    for family, words in _FAMILY_WORDS:
        if any(word in g for word in words):
            return family
    return "basic"


@dataclass(frozen=True)
class CapColours:
    """The two colours of one keycap."""

    top: str  # the face the legend is printed on
    side: str  # the skirt around it


@dataclass(frozen=True)
class KeycapPalette:
    """The colours of the board, its keycaps and their states, light or dark."""

    dark: bool
    background: str
    plate: str
    plate_edge: str
    legend: str
    hold_legend: str
    dim_legend: str
    invalid: str
    selection: str
    marked: str
    changed: str  # keys that differ from the layout being compared with
    families: dict[str, CapColours] = field(default_factory=dict)

    def cap(self, group: str, legend: str = "") -> CapColours:
        """Colours for a keycap; basic keys with a word legend (Enter, F5, Home) get the
        darker 'modifier' shade as on a real keyboard, single characters stay light."""
        family = family_for_group(group)
        if family == "basic" and len(legend) > 1:
            family = "modifier"
        return self.families.get(family, self.families["basic"])


LIGHT = KeycapPalette(
    dark=False,
    background="#f3f4f6",
    plate="#dfe2e7",
    plate_edge="#c9cdd4",
    legend="#1f2329",
    hold_legend="#3d67a8",
    dim_legend="#9aa1ab",
    invalid="#c62828",
    selection="#1a73e8",
    marked="#e37400",
    changed="#c2185b",
    families={
        "basic": CapColours("#fdfdfe", "#cfd3da"),
        "modifier": CapColours("#e8ebef", "#b8bec8"),
        "navigation": CapColours("#eef2f7", "#c2cad6"),
        "layer": CapColours("#dde9fb", "#a6c0e8"),
        "media": CapColours("#e0f3e7", "#a7d4b7"),
        "lighting": CapColours("#efe6fa", "#c8b3e4"),
        "macro": CapColours("#dcf2f2", "#a2d2d2"),
        "quantum": CapColours("#fbe5e1", "#e0aca3"),
    },
)

DARK = KeycapPalette(
    dark=True,
    background="#1e2023",
    plate="#2a2d32",
    plate_edge="#383c42",
    legend="#eceef1",
    hold_legend="#9ec3ff",
    dim_legend="#7b828c",
    invalid="#ff7b72",
    selection="#8ab4f8",
    marked="#f9ab00",
    changed="#f06292",
    families={
        "basic": CapColours("#464b53", "#33373d"),
        "modifier": CapColours("#3b3f46", "#2c2f35"),
        "navigation": CapColours("#3f4652", "#2f343d"),
        "layer": CapColours("#2d4a78", "#213859"),
        "media": CapColours("#2a5540", "#1f3f30"),
        "lighting": CapColours("#4b3a6b", "#382b50"),
        "macro": CapColours("#265557", "#1c4042"),
        "quantum": CapColours("#67352e", "#4d2722"),
    },
)


def palette_for(dark: bool) -> KeycapPalette:
    return DARK if dark else LIGHT
