"""A layer drawn as text for the terminal: each key at its place, tap legend over hold legend."""

from __future__ import annotations

from keyconf.formats.yaml_layout_write import rows_for_keys
from keyconf.model import keycodes as kc
from keyconf.model.geometry import bounding_box, key_center, physical_rows
from keyconf.model.keyboard import LayoutMacro
from keyconf.model.layout import Layer, Layout, keycode_context

CELL = 7  # characters per key unit


def legends_for(layout: Layout, layer: Layer) -> list[tuple[str, str]]:
    ctx = keycode_context(layout)
    result = []
    for text in layer.keys:
        try:
            legend = kc.REGISTRY.legend(kc.REGISTRY.parse(text, ctx), ctx)
            result.append((legend.tap, legend.hold or ""))
        except kc.KeycodeError:
            result.append(("?" + text[:5], ""))
    return result


def draw_layer(layout: Layout, layer: Layer, macro: LayoutMacro | None) -> str:
    """The layer as lines of text: one line of tap legends and one of hold legends per
    physical row, each key at its horizontal place (or in rows of 12 without geometry)."""
    legends = legends_for(layout, layer)
    if macro is None or macro.key_count != len(legends):
        rows = [list(range(i, min(i + 12, len(legends)))) for i in range(0, len(legends), 12)]
        lefts = [float(i % 12) for i in range(len(legends))]
        widths = [1.0] * len(legends)
    else:
        keys = macro.slot_keys
        rows = physical_rows(keys)
        origin = bounding_box(keys).left
        lefts, widths = [], []
        for key in keys:
            cx, _ = key_center(key)
            width = key.w if not key.r else 1.0
            lefts.append(cx - width / 2 - origin)
            widths.append(width)
    lines: list[str] = []
    for row in rows:
        top: list[str] = []
        bottom: list[str] = []
        for index in sorted(row, key=lambda i: lefts[i]):
            tap, hold = legends[index]
            width = max(5, int(round(widths[index] * CELL)) - 1)
            start = max(0, int(round(lefts[index] * CELL)))
            for buffer, text in ((top, tap), (bottom, hold)):
                current = sum(len(part) for part in buffer)
                if current < start:
                    buffer.append(" " * (start - current))
                elif buffer:
                    buffer.append(" ")
                buffer.append(_fit(text, width))
        lines.append("".join(top).rstrip())
        lines.append("".join(bottom).rstrip())
    return "\n".join(lines).rstrip("\n")


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.center(width)


def grid_positions(macro: LayoutMacro | None, count: int) -> list[str]:
    """`r2 c5` for each of `count` keys: its row and column (1-based) in the YAML layout's grid,
    the way the file prints a layer."""
    labels: list[str] = []
    for row, length in enumerate(rows_for_keys(macro, count), start=1):
        labels.extend(f"r{row} c{col}" for col in range(1, length + 1))
    return labels
