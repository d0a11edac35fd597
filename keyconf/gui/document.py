"""The open layout: the `Layout` being edited, its keyboard, its file and its undo history.

Every edit goes through a method here that pushes an undoable command, and every change
is announced by a signal, so views never edit the layout behind each other's back. Tests
drive this class directly, without painting anything.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from keyconf.model import layer_edits
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.layout import EncoderAction, Layout

# Layout fields an edit may change; undo snapshots hold deep copies of these.
_SNAPSHOT_FIELDS = (
    "layers",
    "macros",
    "tap_dances",
    "combos",
    "key_overrides",
    "layout_options",
    "settings",
    "name",
    "author",
    "notes",
    "host_language",
    "converter",
    "bootloader",
)


class LayoutDocument(QObject):
    keysChanged = Signal(int)  # a layer's keys or encoders changed
    layersChanged = Signal()  # layers added, removed, renamed or moved
    featuresChanged = Signal()  # macros, tap dances, combos, key overrides, settings
    optionsChanged = Signal()  # layout options: the board is drawn differently
    changed = Signal()  # after any of the above
    focusRequested = Signal(int, list)  # (layer, slots) an undo/redo touched: show it
    pathChanged = Signal()
    modifiedChanged = Signal(bool)

    def __init__(
        self, layout: Layout, keyboard: Keyboard, path: Path | None = None, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.layout = layout
        self.keyboard = keyboard
        self.path = path
        # An untitled copy of a file (the bundled example on first start): Save asks for a name.
        self.origin: Path | None = None
        self.untitled_title: str | None = None  # what the title says until it is saved (an import)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._context: Any = None
        self.changed.connect(self._forget_context)

    # ---- facts ----------------------------------------------------------------------------

    @property
    def macro(self) -> LayoutMacro:
        return self.keyboard.layout(self.layout.layout_macro)

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        if self.untitled_title:
            return self.untitled_title
        if self.origin is not None:
            return f"Untitled (copy of {self.origin.name})"
        return self.layout.name or "Untitled layout"

    @property
    def board_summary(self) -> str:
        """The keyboard as the status bar names it: `Corne · LAYOUT_split_3x6_3 · 42 keys`, and the
        controller built for when the layout names one (`converter liatris (RP2040, rp2040 bootloader)`)."""
        from keyconf.model.controllers import describe_controller

        controller = describe_controller(self.keyboard, self.layout.converter, self.layout.bootloader)
        parts = (self.keyboard.display_name or self.keyboard.name, self.macro.name, f"{self.macro.key_count} keys")
        return " · ".join((*parts, controller) if controller else parts)

    @property
    def file_stem(self) -> str:
        """What the names of files made from this layout start with: its file's, else its name's."""
        return self.path.stem if self.path is not None else (self.layout.name or "layout").replace(" ", "_")

    def parse_context(self) -> Any:
        """The registry ParseContext for this layout's layer and tap dance names (cached)."""
        if self._context is None:
            self._context = layer_edits.parse_context(self.layout)
        return self._context

    def _on_clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    def _forget_context(self) -> None:
        self._context = None

    def key_text(self, layer: int, slot: int) -> str:
        keys = self.layout.layers[layer].keys
        return keys[slot] if 0 <= slot < len(keys) else "KC_NO"

    def set_path(self, path: Path | None) -> None:
        self.path = path
        self.pathChanged.emit()

    def mark_saved(self) -> None:
        self.undo_stack.setClean()

    # ---- key edits ------------------------------------------------------------------------

    def set_keys(self, layer: int, changes: Mapping[int, str], label: str) -> bool:
        """Set several keys of one layer in one undo step; False when nothing changes."""
        keys = self.layout.layers[layer].keys
        old = {slot: keys[slot] for slot in changes if 0 <= slot < len(keys)}
        new = {slot: text for slot, text in changes.items() if slot in old and old[slot] != text}
        if not new:
            return False
        self.undo_stack.push(SetKeysCommand(self, layer, {s: old[s] for s in new}, new, label))
        return True

    def assign(self, layer: int, slots: Iterable[int], text: str) -> bool:
        slots = list(slots)
        label = f"Assign {text}" if len(slots) == 1 else f"Assign {text} to {len(slots)} keys"
        return self.set_keys(layer, {s: text for s in slots}, label)

    def clear(self, layer: int, slots: Iterable[int], transparent: bool = False) -> bool:
        text = "KC_TRNS" if transparent else "KC_NO"
        return self.set_keys(layer, {s: text for s in slots}, "Make transparent" if transparent else "Clear")

    def swap(self, layer: int, a: int, b: int) -> bool:
        keys = self.layout.layers[layer].keys
        if a == b:
            return False
        return self.set_keys(layer, {a: keys[b], b: keys[a]}, "Swap keys")

    def paste(self, layer: int, slots: Sequence[int], texts: Sequence[str]) -> bool:
        """Paste copied keycodes: one text fills every selected key, several fill in order."""
        if not texts or not slots:
            return False
        if len(texts) == 1:
            changes = {s: texts[0] for s in slots}
        else:
            changes = dict(zip(slots, texts, strict=False))
        return self.set_keys(layer, changes, "Paste")

    def set_encoder(self, layer: int, encoder: int, ccw: str, cw: str) -> bool:
        def edit(layout: Layout) -> None:
            actions = layout.layers[layer].encoders
            while len(actions) <= encoder:
                actions.append(EncoderAction())
            actions[encoder] = EncoderAction(ccw=ccw, cw=cw)

        return self.edit_layout(edit, f"Set encoder {encoder}", focus_layer=layer)

    # ---- whole-layout edits ---------------------------------------------------------------

    def edit_layout(self, edit: Any, label: str, focus_layer: int | None = None) -> bool:
        """Apply `edit(layout)` to a copy of the layout as one undo step (False if no change)."""
        before = _snapshot(self.layout)
        scratch = copy.copy(self.layout)
        _restore(scratch, before)
        edit(scratch)
        after = _snapshot(scratch)
        if after == before:
            return False
        self.undo_stack.push(SnapshotCommand(self, before, after, label, focus_layer))
        return True

    def add_layer(self, name: str, index: int | None = None) -> int:
        position = index if index is not None else len(self.layout.layers)
        self.edit_layout(
            lambda layout: layer_edits.add_layer(layout, name, index), f"Add layer {name}", position
        )
        return position

    def rename_layer(self, index: int, new: str) -> bool:
        old = self.layout.layers[index].name
        if old == new:
            return False
        return self.edit_layout(
            lambda layout: layer_edits.rename_layer(layout, old, new), f"Rename layer {old} to {new}", index
        )

    def duplicate_layer(self, index: int, name: str | None = None) -> int:
        source = self.layout.layers[index].name
        name = name or layer_edits.unique_layer_name(self.layout, f"{source}_copy")
        self.edit_layout(
            lambda layout: layer_edits.duplicate_layer(layout, index, name), f"Duplicate {source}", index + 1
        )
        return index + 1

    def remove_layer(self, index: int) -> bool:
        if len(self.layout.layers) <= 1:
            return False
        name = self.layout.layers[index].name
        return self.edit_layout(
            lambda layout: layer_edits.remove_layer(layout, index), f"Delete layer {name}", max(0, index - 1)
        )

    def move_layer(self, index: int, to: int) -> bool:
        name = self.layout.layers[index].name
        return self.edit_layout(
            lambda layout: layer_edits.move_layer(layout, index, to), f"Move layer {name}", to
        )

    def set_layout_option(self, label: str, choice: int) -> bool:
        def edit(layout: Layout) -> None:
            layout.layout_options[label] = choice

        return self.edit_layout(edit, f"Layout option {label}")

    def set_host_language(self, language: str | None) -> bool:
        """The language the computer types in, as one undo step; keys spelled in KC_ names or the
        old language's aliases are rewritten in the new one's (KC_Y → DE_Z)."""
        from keyconf.formats.foreign_keycodes import respell_in_language

        def edit(layout: Layout) -> None:
            previous, layout.host_language = layout.host_language, language
            respell_in_language(layout, previous)

        return self.edit_layout(edit, "Host language")

    def set_controller(self, converter: str | None, bootloader: str | None) -> bool:
        """The controller the firmware is built for (`converter:`, `bootloader:`), as one undo step."""

        def edit(layout: Layout) -> None:
            layout.converter, layout.bootloader = converter or None, bootloader or None

        return self.edit_layout(edit, "Controller")

    def replace_feature(self, attribute: str, items: list[Any], label: str) -> bool:
        """Replace one of macros / tap_dances / combos / key_overrides as a single undo step."""
        if attribute not in ("macros", "tap_dances", "combos", "key_overrides"):
            raise ValueError(attribute)
        new_items = copy.deepcopy(items)
        return self.edit_layout(lambda layout: setattr(layout, attribute, new_items), label)

    # ---- used by commands -----------------------------------------------------------------

    def _apply_keys(self, layer: int, values: Mapping[int, str]) -> None:
        keys = self.layout.layers[layer].keys
        for slot, text in values.items():
            keys[slot] = text
        self.keysChanged.emit(layer)
        self.changed.emit()

    def _apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        old_options = dict(self.layout.layout_options)
        _restore(self.layout, snapshot)
        self._context = None
        self.layersChanged.emit()
        self.featuresChanged.emit()
        if self.layout.layout_options != old_options:
            self.optionsChanged.emit()
        for index in range(len(self.layout.layers)):
            self.keysChanged.emit(index)
        self.changed.emit()


class SetKeysCommand(QUndoCommand):
    def __init__(self, doc: LayoutDocument, layer: int, old: dict[int, str], new: dict[int, str], label: str):
        super().__init__(label)
        self.doc, self.layer, self.old, self.new = doc, layer, old, new
        self._first = True

    def redo(self) -> None:
        self.doc._apply_keys(self.layer, self.new)
        if not self._first:
            self.doc.focusRequested.emit(self.layer, sorted(self.new))
        self._first = False

    def undo(self) -> None:
        self.doc._apply_keys(self.layer, self.old)
        self.doc.focusRequested.emit(self.layer, sorted(self.old))


class SnapshotCommand(QUndoCommand):
    def __init__(
        self,
        doc: LayoutDocument,
        before: dict[str, Any],
        after: dict[str, Any],
        label: str,
        focus_layer: int | None,
    ):
        super().__init__(label)
        self.doc, self.before, self.after, self.focus_layer = doc, before, after, focus_layer
        self._first = True

    def redo(self) -> None:
        self.doc._apply_snapshot(self.after)
        if self.focus_layer is not None:
            self.doc.focusRequested.emit(min(self.focus_layer, len(self.doc.layout.layers) - 1), [])
        self._first = False

    def undo(self) -> None:
        self.doc._apply_snapshot(self.before)
        if self.focus_layer is not None:
            self.doc.focusRequested.emit(min(self.focus_layer, len(self.doc.layout.layers) - 1), [])


def _snapshot(layout: Layout) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(layout, name)) for name in _SNAPSHOT_FIELDS}


def _restore(layout: Layout, snapshot: dict[str, Any]) -> None:
    for name, value in snapshot.items():
        setattr(layout, name, copy.deepcopy(value))
