"""Find the keyboard a layout is for: its embedded geometry, a bundled definition, or the
local QMK tree (through the catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


class CatalogueKeyboards:
    """The `KeyboardFinder` the commands use: keyboards keyconf knows (bundled and catalogued)."""

    def by_name(self, name: str) -> Keyboard | None:
        try:
            return find_keyboard(name)
        except UnknownKeyboardError:
            return None

    def by_usb_id(self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None) -> Keyboard | None:
        """The keyboard with this USB id; among several (ids are often shared), the one whose
        matrix holds `matrix_keys` positions and whose name is closest to `name`."""
        candidates = [
            (entry_name, rows * cols, loader)
            for entry_name, rows, cols, loader in self._usb_candidates(vid, pid)
            if matrix_keys is None or rows * cols in (0, matrix_keys)
        ]
        wanted = _squeeze(name)
        candidates.sort(key=lambda c: (c[1] != matrix_keys, not (wanted and wanted in _squeeze(c[0]))))
        for _, _, loader in candidates:
            keyboard = loader()
            if keyboard is not None and (keyboard.usb_vid, keyboard.usb_pid) == (vid, pid):
                return keyboard
        return None

    def _usb_candidates(self, vid: int, pid: int) -> list[tuple[str, int, int, Callable[[], Keyboard | None]]]:
        from keyconf.catalogue.catalogue import Catalogue

        catalogue = Catalogue.open()
        return [
            (entry.name or entry.path, entry.matrix_rows, entry.matrix_cols, _loader(catalogue, entry))
            for entry in catalogue.by_usb(vid, pid)
            if not entry.broken
        ]


def _loader(catalogue: Any, entry: Any) -> Callable[[], Keyboard | None]:
    def load() -> Keyboard | None:
        try:
            return catalogue.load(entry)
        except Exception:  # noqa: BLE001 - a broken definition is skipped, the next candidate tried
            return None

    return load


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
