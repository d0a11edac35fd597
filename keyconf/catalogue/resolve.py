"""Find the keyboard a layout is for: its embedded geometry, a bundled definition, or the
local QMK tree (through the catalogue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

if TYPE_CHECKING:
    from keyconf.catalogue.catalogue import Catalogue


class UnknownKeyboardError(LookupError):
    """No usable keyboard of that name: `suggestions` are close names; `reason` is set when a
    definition exists but cannot be read (file, line, column and what is wrong)."""

    def __init__(self, name: str, suggestions: list[str] | None = None, reason: str | None = None):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions or []
        self.reason = reason


def resolve_keyboard(layout: Layout) -> Keyboard:
    """The keyboard geometry for `layout`; raises UnknownKeyboardError with suggestions."""
    if layout.geometry is not None:
        return layout.geometry
    return find_keyboard(layout.keyboard)


def find_keyboard(name: str, catalogue: Catalogue | None = None) -> Keyboard:
    """A keyboard by QMK name: bundled boards first (no tree is touched for them), then the
    catalogue (the user's qmk_firmware tree, VIA definitions they added)."""
    from keyconf.catalogue import bundled

    try:
        return bundled.load_bundled(name)
    except KeyError:
        pass
    from keyconf.catalogue.catalogue import Catalogue

    catalogue = Catalogue.open() if catalogue is None else catalogue
    from keyconf.formats.definition_source import KeyboardDefinitionError

    entry = catalogue.get(name)
    if entry is None:
        raise UnknownKeyboardError(name, catalogue.suggestions(name))
    try:
        return catalogue.load(entry)
    except KeyboardDefinitionError as error:
        raise UnknownKeyboardError(name, [], reason=str(error)) from None
