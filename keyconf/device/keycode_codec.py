"""Keycode text <-> the 16-bit values one keyboard stores, in that keyboard's numbering.

Layouts keep keycodes as text; keyboards store numbers, and which number a name has depends
on the firmware (QMK renumbered in 0.19). The keycode registry knows both numberings; this
binds it to one board so the sync engine only says `encode(text)` / `decode(value)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import keyconf.model.keycodes as keycodes
from keyconf.model.keycodes import KeycodeError, Numbering, ParseContext


class KeycodeEncodeError(ValueError):
    def __init__(self, text: str, message: str, hint: str | None = None):
        super().__init__(f"`{text}`: {message}")
        self.text = text
        self.message = message
        self.hint = hint


class KeycodeCodec(Protocol):
    def decode(self, value: int, layers: Sequence[str], tap_dances: Sequence[str] = ()) -> str:
        """The canonical text of a stored value (an unknown value still round-trips)."""
        ...

    def encode(self, text: str, layers: Sequence[str], tap_dances: Sequence[str] = ()) -> int:
        """The value to store for `text`; raises KeycodeEncodeError when it has none."""
        ...


class RegistryCodec:
    """The keycode registry (`keyconf.model.keycodes`) in one numbering."""

    def __init__(self, current_numbering: bool):
        self.numbering = Numbering.CURRENT if current_numbering else Numbering.LEGACY

    def decode(self, value: int, layers: Sequence[str], tap_dances: Sequence[str] = ()) -> str:
        registry = keycodes.REGISTRY
        ctx = ParseContext(layers=tuple(layers), tap_dances=tuple(tap_dances))
        return registry.format(registry.decode(value, self.numbering, ctx))

    def encode(self, text: str, layers: Sequence[str], tap_dances: Sequence[str] = ()) -> int:
        registry = keycodes.REGISTRY
        ctx = ParseContext(layers=tuple(layers), tap_dances=tuple(tap_dances))
        try:
            return registry.encode(registry.parse(text, ctx), ctx, self.numbering)
        except KeycodeError as error:
            raise KeycodeEncodeError(text, error.message, error.hint) from error


def codec_for(current_numbering: bool) -> KeycodeCodec:
    return RegistryCodec(current_numbering)
