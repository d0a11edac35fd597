"""The keyconf YAML layout format, version 1: read with positions, write aligned and atomic.

Reading never executes anything (see `yaml_source`). Writing has two modes:
- a fresh layout is written whole, each layer as rows that follow the keyboard's physical
  rows, aligned into a grid, so the file looks like the keyboard;
- a layout that was loaded from a file is saved *surgically*: sections that did not change
  keep their text byte for byte (comments included); a changed keycode is replaced in place;
  only a section whose structure changed (a layer added, a macro rewritten) is re-written.
So a file keyconf wrote reloads and re-saves byte-identical, and a hand-written file keeps its
comments and row layout when one key is edited.

The format is documented in docs/layout-format.md. This module is its entry points; the parts are
`yaml_layout_schema` (sections and field names), `yaml_layout_read`, `yaml_layout_write` (fresh)
and `yaml_layout_surgical`.
"""

from __future__ import annotations

import os

from keyconf.formats.atomic import write_atomic
from keyconf.formats.document_limits import read_document
from keyconf.formats.yaml_layout_read import LoadedLayout, loads_layout
from keyconf.formats.yaml_layout_surgical import SurgicalSave
from keyconf.formats.yaml_layout_write import dumps_layout
from keyconf.formats.yaml_source import SourceError, decode_text
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

__all__ = [
    "LayoutFileError",
    "LoadedLayout",
    "load_layout",
    "loads_layout",
    "dumps_layout",
    "save_layout",
    "render_layout",
]

LayoutFileError = SourceError


def load_layout(path: str | os.PathLike[str], *, remembered: bool = False) -> LoadedLayout:
    """Read a layout file. Raises `LayoutFileError` (with file, line, column, hint).

    `remembered`: the parsed document comes from the cache of files opened before when the
    file's text is the same, and goes there otherwise (`yaml_cache`: the editor's start)."""
    file = str(path)
    return loads_layout(decode_text(read_document(file, LayoutFileError), file), file, remembered=remembered)


def render_layout(layout: Layout, loaded: LoadedLayout | None = None, keyboard: Keyboard | None = None) -> str:
    """The text to save: surgical against `loaded` when given, fresh otherwise."""
    if loaded is None:
        return dumps_layout(layout, keyboard)
    return SurgicalSave(layout, loaded, keyboard).text()


def save_layout(layout: Layout, path: str | os.PathLike[str], loaded: LoadedLayout | None = None,
                keyboard: Keyboard | None = None) -> LoadedLayout:
    """Write `layout` atomically; returns the new LoadedLayout (for the next surgical save)."""
    text = render_layout(layout, loaded, keyboard)
    write_atomic(path, text)
    return loads_layout(text, str(path))
