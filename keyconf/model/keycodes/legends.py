"""Keycap legends and one-line descriptions, written for keyconf.

Hand-written entries live in data/legends.txt (`NAME<TAB>legend<TAB>description`, keyed by the
canonical name). Large regular families (MIDI notes, steno keys, joystick and programmable
buttons, macro/kb/user slots, sequencer steps) get theirs from the rules below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NOTE_NAMES = {"C": "C", "CS": "C♯", "D": "D", "DS": "D♯", "E": "E", "F": "F", "FS": "F♯", "G": "G",
               "GS": "G♯",
               "A": "A", "AS": "A♯", "B": "B"}  # fmt: skip


class _Captures:
    """One rule's groups in the match of all the rules' patterns at once (its group 1 is the
    whole pattern's group `offset` + 1)."""

    __slots__ = ("match", "offset")

    def __init__(self, match: re.Match[str], offset: int) -> None:
        self.match = match
        self.offset = offset

    def group(self, number: int) -> str | Any:
        return self.match.group(self.offset + number)


def _midi_note(m: _Captures) -> tuple[str, str]:
    note = _NOTE_NAMES[m.group(1) + ("S" if m.group(2) else "")]
    octave = int(m.group(3))
    return f"{note}{octave}", f"MIDI note {note} in octave {octave} (relative to the current octave)"


def _signed(text: str) -> int:
    return -int(text[1:]) if text.startswith("N") else int(text)


_RULES: list[tuple[str, Callable[[_Captures], tuple[str, str]]]] = [
    (r"^KC_([A-Z])$", lambda m: (m.group(1), f"Letter {m.group(1)}")),
    (r"^KC_(\d)$", lambda m: (m.group(1), f"Digit {m.group(1)} on the number row")),
    (r"^KC_F(\d+)$", lambda m: (f"F{m.group(1)}", f"Function key F{m.group(1)}")),
    (r"^KC_KP_(\d)$", lambda m: (m.group(1), f"Keypad {m.group(1)}")),
    (r"^KC_INTERNATIONAL_(\d)$",
     lambda m: (f"Int{m.group(1)}", f"International key {m.group(1)} (Japanese and other layouts)")),
    (r"^KC_LANGUAGE_(\d)$",
     lambda m: (f"Lang{m.group(1)}", f"Language key {m.group(1)} (input method switching)")),
    (r"^QK_MOUSE_BUTTON_(\d)$", lambda m: (f"Btn{m.group(1)}", f"Mouse button {m.group(1)}")),
    (r"^QK_MOUSE_ACCELERATION_(\d)$",
     lambda m: (f"Acc{m.group(1)}", f"Mouse keys: acceleration level {m.group(1)}")),
    (r"^QK_MIDI_NOTE_([A-G])(_SHARP)?_(\d)$", _midi_note),
    (r"^QK_MIDI_OCTAVE_(N?\d)$",
     lambda m: (f"Oct {_signed(m.group(1))}", f"MIDI: set the octave to {_signed(m.group(1))}")),
    (r"^QK_MIDI_TRANSPOSE_(N?\d)$",
     lambda m: (f"Trns {_signed(m.group(1))}", f"MIDI: transpose by {_signed(m.group(1))} semitones")),
    (r"^QK_MIDI_VELOCITY_(\d+)$",
     lambda m: (f"Vel {m.group(1)}", f"MIDI: set the velocity to level {m.group(1)} of 10")),
    (r"^QK_MIDI_CHANNEL_(\d+)$",
     lambda m: (f"Ch {m.group(1)}", f"MIDI: send on channel {m.group(1)}")),
    (r"^QK_JOYSTICK_BUTTON_(\d+)$",
     lambda m: (f"JS {m.group(1)}", f"Joystick button {m.group(1)}")),
    (r"^QK_PROGRAMMABLE_BUTTON_(\d+)$",
     lambda m: (f"PB {m.group(1)}", f"Programmable button {m.group(1)} (a HID usage the host can map)")),
    (r"^QK_MACRO_(\d+)$", lambda m: (f"M{m.group(1)}", f"Play macro {m.group(1)}")),
    (r"^QK_KB_(\d+)$", lambda m: (f"KB {m.group(1)}", f"Keyboard-specific keycode {m.group(1)}")),
    (r"^QK_USER_(\d+)$",
     lambda m: (f"User {m.group(1)}", f"Keymap-specific keycode {m.group(1)}")),
    (r"^QK_SEQUENCER_STEP_(\d+)$",
     lambda m: (f"Step {m.group(1)}", f"Sequencer: toggle step {m.group(1)}")),
    (r"^QK_SEQUENCER_TRACK_(\d+)$",
     lambda m: (f"Trk {m.group(1)}", f"Sequencer: select track {m.group(1)}")),
    (r"^QK_STENO_X(\d+)$", lambda m: (f"X{m.group(1)}", f"Steno: extra key X{m.group(1)}")),
    (r"^QK_STENO_N([1-9A-C])$",
     lambda m: (f"#{m.group(1)}", f"Steno: number bar key {m.group(1)}")),
]  # fmt: skip

# The rules' patterns as one, which tells the rule of a key in one match: a key without a rule
# tried the 22 patterns in turn (~1 ms of each start for the registry's ~800 keys), and compiling
# the one pattern costs less than compiling the 22.
_ANY_RULE = re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_RULES)))
_OFFSETS = [_ANY_RULE.groupindex[f"r{i}"] for i in range(len(_RULES))]

_STENO_SIDES = {"L": "left", "R": "right"}


def _steno(key: str) -> tuple[str, str] | None:
    m = re.match(r"^QK_STENO_([A-Z]+?)([LR]?)$", key)
    if not m:
        return None
    letters, side = m.groups()
    if side:
        return (f"{letters}-" if side == "L" else f"-{letters}",
                f"Steno: {letters} on the {_STENO_SIDES[side]} bank")  # fmt: skip
    return f"{letters}", f"Steno: {letters}"


@dataclass(frozen=True)
class LegendBook:
    """Legends and descriptions by canonical keycode name."""

    entries: Mapping[str, tuple[str, str]]

    @classmethod
    def load(cls) -> LegendBook:
        text = (Path(__file__).resolve().parent / "data" / "legends.txt").read_text("utf-8")
        return cls(parse_legends(text))

    def lookup(self, name: str, key: str, group: str, label: str | None) -> tuple[str, str]:
        """(legend, description) for a keycode; the hand-written entry wins over a family rule."""
        if name in self.entries:
            return self.entries[name]
        found = _ANY_RULE.match(key)
        if found is not None:
            assert found.lastgroup is not None
            number = int(found.lastgroup[1:])
            return _RULES[number][1](_Captures(found, _OFFSETS[number]))
        if group == "steno":
            steno = _steno(key)
            if steno:
                return steno
        text = label or key
        return text, text


def parse_legends(text: str) -> dict[str, tuple[str, str]]:
    entries: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise ValueError(f"legends.txt:{number}: expected NAME<TAB>legend<TAB>description")
        name, legend, description = (p.strip() for p in parts)
        if name in entries:
            raise ValueError(f"legends.txt:{number}: {name} appears twice")
        entries[name] = (legend.replace("\\n", "\n"), description)
    return entries


def has_rule(key: str, group: str) -> bool:
    """True when a family rule (not the hand-written table) gives this keycode its legend."""
    return _ANY_RULE.match(key) is not None or (group == "steno" and _steno(key) is not None)
