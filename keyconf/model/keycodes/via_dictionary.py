"""VIA's keycode dictionary (protocol 12 and 13): the names VIA's saves are written in.

VIA reads a name its dictionary lacks as KC_NO, so a VIA save must use VIA's own names. The
dictionary maps names to the 16-bit values VIA sends the board; picking VIA's name *by value*
makes VIA send exactly the value keyconf means, even where VIA's name differs from QMK's
(VIA kept spec 0.0.1's MIDI values and the output keys from before spec 0.0.6).
Data: `data/via_v12_keycodes.txt`, the names and values of the-via/app's key-to-byte/v12.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "via_v12_keycodes.txt"


@lru_cache(maxsize=1)
def via_dictionary() -> dict[str, int]:
    """VIA's names and their values, in VIA's order."""
    pairs: dict[str, int] = {}
    for line in DATA_FILE.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, value = line.split()
            pairs[name] = int(value, 16)
    return pairs


@lru_cache(maxsize=1)
def via_names_by_value() -> dict[int, str]:
    """The name VIA uses for each value it knows (the first of its aliases)."""
    names: dict[int, str] = {}
    for name, value in via_dictionary().items():
        names.setdefault(value, name)
    return names


def via_name(value: int) -> str | None:
    """VIA's name for a fixed keycode value, or None when VIA's dictionary has no name for it."""
    return via_names_by_value().get(value)
