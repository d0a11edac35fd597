"""A layer drawn as text for the terminal: each key at its place, tap legend over hold legend."""

from __future__ import annotations

import math

from keyconf.model import keycodes as kc
from keyconf.model.keyboard import Key, LayoutMacro
from keyconf.model.layout import Layer, Layout

CELL = 7  # characters per key unit


def _centre(key: Key) -> tuple[float, float]:
    cx, cy = key.x + key.w / 2, key.y + key.h / 2
    if key.r:
        angle = math.radians(key.r)
        dx, dy = cx - key.rx, cy - key.ry
        cx = key.rx + dx * math.cos(angle) - dy * math.sin(angle)
        cy = key.ry + dx * math.sin(angle) + dy * math.cos(angle)
    return cx, cy


def legends_for(layout: Layout, layer: Layer) -> list[tuple[str, str]]:
    ctx = kc.ParseContext(layers=tuple(layout.layer_names), tap_dances=tuple(layout.tap_dance_names))
    result = []
    for text in layer.keys:
        try:
            legend = kc.REGISTRY.legend(kc.REGISTRY.parse(text, ctx))
            result.append((legend.tap, legend.hold or ""))
        except kc.KeycodeError:
            result.append(("?" + text[:5], ""))
    return result


def draw_layer(layout: Layout, layer: Layer, macro: LayoutMacro | None) -> str:
    """The layer as lines of text, keys placed by their geometry (or in rows of 12 without)."""
    legends = legends_for(layout, layer)
    if macro is None or len(macro.keys) != len(legends):
        positions = [((i % 12) + 0.5, (i // 12) + 0.5, 1.0) for i in range(len(legends))]
    else:
        positions = [(*_centre(key), key.w if not key.r else 1.0) for key in macro.keys]
    # One text row per half key unit: keys sit on row = round(cy), two lines each.
    rows: dict[int, list[tuple[float, float, str, str]]] = {}
    for (cx, cy, w), (tap, hold) in zip(positions, legends, strict=False):
        rows.setdefault(round(cy * 2) // 2, []).append((cx, w, tap, hold))
    lines: list[str] = []
    for row in sorted(rows):
        top: list[str] = []
        bottom: list[str] = []
        for cx, w, tap, hold in sorted(rows[row]):
            width = max(5, int(round(w * CELL)) - 1)
            start = max(0, int(round((cx - w / 2) * CELL)))
            for buffer, text in ((top, tap), (bottom, hold)):
                current = len("".join(buffer))
                if current < start:
                    buffer.append(" " * (start - current))
                elif current > start and buffer:
                    buffer.append(" ")
                buffer.append(_fit(text, width))
        lines.append("".join(top).rstrip())
        if any(h for _, _, _, h in rows[row]):
            lines.append("".join(bottom).rstrip())
        else:
            lines.append("")
    return "\n".join(lines).rstrip("\n")


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.center(width)
