"""Find the keyboard a layout is for: its embedded geometry, a bundled definition, or the
local QMK tree (through the catalogue)."""

from __future__ import annotations

from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout


class UnknownKeyboardError(LookupError):
    def __init__(self, name: str, suggestions: list[str] | None = None):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions or []


def resolve_keyboard(layout: Layout) -> Keyboard:
    """The keyboard geometry for `layout`; raises UnknownKeyboardError with suggestions."""
    if layout.geometry is not None:
        return layout.geometry
    return find_keyboard(layout.keyboard)


def find_keyboard(name: str) -> Keyboard:
    from keyconf.catalogue import bundled

    try:
        return bundled.load_bundled(name)
    except (KeyError, LookupError):
        pass
    suggestions: list[str] = []
    try:
        import difflib

        suggestions = difflib.get_close_matches(name, list(bundled.bundled_keyboards()), n=3, cutoff=0.5)
    except Exception:  # noqa: BLE001 - suggestions are a courtesy
        suggestions = []
    raise UnknownKeyboardError(name, suggestions)
