"""Which layer is shown and which keys are selected on it.

Shared by the keyboard view, the picker (assign to the selection), the problems panel
(select a key) and the editors; kept apart from any widget so tests can drive it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from keyconf.render.scene import KeyboardScene, nearest_in_direction


class SelectionModel(QObject):
    layerChanged = Signal(int)
    selectionChanged = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._layer = 0
        self._slots: list[int] = []  # in the order the user picked them
        self.anchor: int | None = None

    @property
    def layer(self) -> int:
        return self._layer

    @property
    def slots(self) -> list[int]:
        return list(self._slots)

    @property
    def current(self) -> int | None:
        """The key most recently picked (where arrow keys move from)."""
        return self._slots[-1] if self._slots else None

    def set_layer(self, layer: int) -> None:
        if layer != self._layer:
            self._layer = layer
            self.layerChanged.emit(layer)

    def is_selected(self, slot: int) -> bool:
        return slot in self._slots

    def select(self, slot: int | None) -> None:
        """Select exactly one key (or none)."""
        self._set([] if slot is None else [slot])
        self.anchor = slot

    def toggle(self, slot: int) -> None:
        """Ctrl-click: add or remove one key."""
        slots = list(self._slots)
        if slot in slots:
            slots.remove(slot)
        else:
            slots.append(slot)
        self._set(slots)
        self.anchor = slot

    def extend(self, slots: Iterable[int]) -> None:
        """Add keys (Shift-click, rubber band with a modifier) keeping the existing ones."""
        merged = list(self._slots)
        for slot in slots:
            if slot not in merged:
                merged.append(slot)
        self._set(merged)

    def select_many(self, slots: Iterable[int]) -> None:
        self._set(list(dict.fromkeys(slots)))

    def clear(self) -> None:
        self._set([])

    def move(self, scene: KeyboardScene, dx: int, dy: int, extend: bool = False) -> bool:
        """Arrow keys: move (or with Shift extend) the selection to the next key that way."""
        start = self.current
        if start is None:
            first = min((s.slot for s in scene.shapes if s.slot is not None), default=None)
            if first is None:
                return False
            self.select(first)
            return True
        target = nearest_in_direction(scene, start, dx, dy)
        if target is None:
            return False
        if extend:
            slots = [s for s in self._slots if s != target] + [target]
            self._set(slots)
        else:
            self.select(target)
        return True

    def clamp(self, key_count: int, layer_count: int) -> None:
        """Drop keys and layers that no longer exist (after undo, layout option changes…)."""
        if self._layer >= layer_count:
            self.set_layer(max(0, layer_count - 1))
        kept = [s for s in self._slots if s < key_count]
        if kept != self._slots:
            self._set(kept)

    def _set(self, slots: list[int]) -> None:
        if slots != self._slots:
            self._slots = slots
            self.selectionChanged.emit()
