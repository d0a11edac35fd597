"""What each keycap of a layer says: legends, colour group and state, from the keycode registry.

No Qt: the painter draws `KeycapFace`s, picture export and the window build them here,
so a key reads the same everywhere. A transparent key shows the key it falls through
to (the nearest lower layer that is not transparent at that position), greyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from keyconf.model.layout import Layout, keycode_context

FaceKind = Literal["normal", "transparent", "empty", "invalid"]

TRANSPARENT_NAMES = frozenset({"KC_TRNS", "KC_TRANSPARENT", "_______"})
EMPTY_NAMES = frozenset({"KC_NO", "XXXXXXX"})


@dataclass(frozen=True)
class KeycapFace:
    """What one keycap shows: legends, colour group, and whether it is transparent, empty or invalid."""

    tap: str = ""
    hold: str = ""
    group: str = ""
    kind: FaceKind = "normal"
    text: str = ""  # the keycode as written in the layout
    description: str = ""

    @property
    def is_transparent(self) -> bool:
        return self.kind == "transparent"


@dataclass(frozen=True)
class EncoderFace:
    """What an encoder's two turns show."""

    ccw: KeycapFace
    cw: KeycapFace


EMPTY_FACE = KeycapFace(kind="empty", text="KC_NO")


class FaceBuilder:
    """Turns keycode text into faces for one layout, caching by text.

    The cache belongs to one parse context (layer and tap dance names): build a new
    builder (or call `reset`) when those change."""

    def __init__(self, layout: Layout, registry: Any = None) -> None:
        from keyconf.model import keycodes

        self._keycodes = keycodes
        self.registry = registry if registry is not None else keycodes.REGISTRY
        self.context = keycode_context(layout)
        self._cache: dict[str, KeycapFace] = {}

    def face(self, text: str) -> KeycapFace:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._build(text)
        return cached

    def _build(self, text: str) -> KeycapFace:
        stripped = text.strip()
        if stripped in TRANSPARENT_NAMES:
            return KeycapFace(
                kind="transparent", text=text, description="Transparent: falls through to a lower layer"
            )
        if stripped in EMPTY_NAMES or not stripped:
            return KeycapFace(kind="empty", text=text, description="No action")
        try:
            kc = self.registry.parse(stripped, self.context)
        except self._keycodes.KeycodeError as error:
            return KeycapFace(tap=_short(stripped), kind="invalid", text=text, description=str(error.message))
        canonical = self.registry.format(kc)
        if canonical in TRANSPARENT_NAMES:
            return KeycapFace(
                kind="transparent", text=text, description="Transparent: falls through to a lower layer"
            )
        if canonical in EMPTY_NAMES:
            return KeycapFace(kind="empty", text=text, description="No action")
        legend = self.registry.legend(kc, self.context)
        return KeycapFace(
            tap=legend.tap or "",
            hold=legend.hold or "",
            group=_group_name(self.registry.group(kc)),
            text=text,
            description=self.registry.describe(kc, self.context) or "",
        )

    def layer_faces(self, layout: Layout, layer_index: int) -> list[KeycapFace]:
        """Faces for every key of a layer; transparent keys carry the fall-through legend."""
        keys = layout.layers[layer_index].keys
        faces = [self.face(text) for text in keys]
        for slot, face in enumerate(faces):
            if face.kind != "transparent":
                continue
            below = self._fall_through(layout, layer_index, slot)
            if below is not None:
                faces[slot] = KeycapFace(
                    tap=below.tap,
                    hold=below.hold,
                    group=below.group,
                    kind="transparent",
                    text=face.text,
                    description=face.description,
                )
        return faces

    def encoder_faces(self, layout: Layout, layer_index: int) -> list[EncoderFace]:
        layer = layout.layers[layer_index]
        return [EncoderFace(self.face(action.ccw), self.face(action.cw)) for action in layer.encoders]

    def _fall_through(self, layout: Layout, layer_index: int, slot: int) -> KeycapFace | None:
        for lower in range(layer_index - 1, -1, -1):
            keys = layout.layers[lower].keys
            if slot >= len(keys):
                continue
            face = self.face(keys[slot])
            if face.kind != "transparent":
                return face
        return None


def _group_name(group: object) -> str:
    """Registry groups may be enums or strings; the painter wants a plain lowercase name."""
    value = getattr(group, "value", group)
    return str(value or "").lower()


def _short(text: str) -> str:
    return text if len(text) <= 12 else text[:11] + "…"
