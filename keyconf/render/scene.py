"""Where every keycap of a layout macro lands on screen, in pixels, for a given scale.

Pure geometry (no Qt) so the window, picture export and tests agree on one answer:
the painter draws a `KeyboardScene`, the keyboard view hit-tests it, arrow keys move
through its centres.

Coordinates: key units are scaled by `unit` pixels; rotated keys turn clockwise by `r`
degrees around (`rx`, `ry`) as in QMK info.json; the whole picture is shifted so its
bounding box starts at (`margin`, `margin`). Each key keeps a *local frame*: its rectangle
before rotation and the pivot to rotate around, which is what a painter needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from keyconf.model.geometry import rotate_point
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x, y, w, h


@dataclass(frozen=True)
class KeyShape:
    """One drawn key (or encoder knob) of a scene.

    `index` is the position in the layout macro's key list; `slot` the position in a
    layer's keycode list (None for decals and free-standing encoders)."""

    index: int
    slot: int | None
    key: Key
    rect: Rect  # local frame, before rotation
    secondary: Rect | None  # ISO / big-ass enter second rectangle, local frame
    angle: float  # degrees clockwise
    pivot: Point  # local frame
    outlines: tuple[tuple[Point, ...], ...]  # scene pixels, after rotation; usually one polygon
    center: Point  # scene pixels, centre of the main rectangle after rotation
    encoder: int | None = None  # encoder index when this shape is a knob

    @property
    def is_encoder(self) -> bool:
        return self.encoder is not None

    def contains(self, x: float, y: float) -> bool:
        """Whether the scene point (x, y) falls on this key (any of its outlines)."""
        return any(point_in_polygon(x, y, polygon) for polygon in self.outlines)

    def bounds(self) -> Rect:
        xs = [p[0] for poly in self.outlines for p in poly]
        ys = [p[1] for poly in self.outlines for p in poly]
        return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True)
class KeyboardScene:
    """A board laid out in pixels: the shapes to draw and the size they take."""

    shapes: tuple[KeyShape, ...]
    width: float
    height: float
    unit: float
    margin: float

    def shape_for_slot(self, slot: int) -> KeyShape | None:
        for shape in self.shapes:
            if shape.slot == slot:
                return shape
        return None

    def slot_shapes(self) -> dict[int, KeyShape]:
        """Visible shapes by layer slot."""
        return {s.slot: s for s in self.shapes if s.slot is not None}

    def hit(self, x: float, y: float) -> KeyShape | None:
        """The topmost shape under the scene point (x, y)."""
        for shape in reversed(self.shapes):
            if shape.contains(x, y):
                return shape
        return None

    def shapes_in_rect(self, rect: Rect) -> list[KeyShape]:
        """Shapes whose centre lies inside `rect` (rubber-band selection)."""
        x, y, w, h = _normalise(rect)
        return [s for s in self.shapes if x <= s.center[0] <= x + w and y <= s.center[1] <= y + h]


def layer_slots(macro: LayoutMacro) -> list[int | None]:
    """For each key of the macro, its position in a layer's keycode list (None for decals and
    encoder knobs, `Key.takes_slot`)."""
    slots: list[int | None] = []
    next_slot = 0
    for key in macro.keys:
        if not key.takes_slot:
            slots.append(None)
        else:
            slots.append(next_slot)
            next_slot += 1
    return slots


def visible_indices(keys: Sequence[Key], option_choices: Mapping[int, int]) -> list[int]:
    """Indices of the keys shown for the chosen layout options (choice 0 when unset)."""
    return [
        i for i, k in enumerate(keys) if k.option is None or option_choices.get(k.option[0], 0) == k.option[1]
    ]


def option_offsets(keys: Sequence[Key], option_choices: Mapping[int, int]) -> dict[tuple[int, int], Point]:
    """How far (key units) to move each chosen non-default option so it sits where choice 0 is.

    VIA definitions draw alternative choices beside the board; shown in place of the default
    they line up with its top-left corner."""
    corners: dict[tuple[int, int], Point] = {}
    for key in keys:
        if key.option is None:
            continue
        cx, cy = corners.get(key.option, (math.inf, math.inf))
        corners[key.option] = (min(cx, key.x), min(cy, key.y))
    offsets: dict[tuple[int, int], Point] = {}
    for (group, choice), (x, y) in corners.items():
        if choice == 0 or (group, 0) not in corners:
            continue
        bx, by = corners[(group, 0)]
        offsets[(group, choice)] = (bx - x, by - y)
    return offsets


def build_scene(
    macro: LayoutMacro,
    unit: float = 54.0,
    *,
    margin: float = 0.0,
    option_choices: Mapping[int, int] | None = None,
    encoders: Sequence[Encoder] = (),
) -> KeyboardScene:
    """Lay out `macro` at `unit` pixels per key unit.

    `option_choices` maps layout option group → chosen choice (keys of other choices are
    left out); `encoders` are knobs placed outside the macro (Keyboard.encoders with a
    position and no key of their own)."""
    choices = dict(option_choices or {})
    slots = layer_slots(macro)
    offsets = option_offsets(macro.keys, choices)
    raw: list[tuple[int, int | None, Key, Rect, Rect | None, float, Point, int | None]] = []
    for index in visible_indices(macro.keys, choices):
        key = macro.keys[index]
        dx, dy = offsets.get(key.option, (0.0, 0.0)) if key.option else (0.0, 0.0)
        rect = ((key.x + dx) * unit, (key.y + dy) * unit, key.w * unit, key.h * unit)
        secondary = None
        if key.secondary is not None:
            s = key.secondary
            secondary = ((key.x + dx + s.x) * unit, (key.y + dy + s.y) * unit, s.w * unit, s.h * unit)
        pivot = ((key.rx + dx) * unit, (key.ry + dy) * unit)
        raw.append((index, slots[index], key, rect, secondary, key.r, pivot, key.encoder))
    keyed = {k.encoder for k in macro.keys if k.encoder is not None}
    for enc in encoders:
        if enc.index in keyed or enc.x is None or enc.y is None:
            continue
        rect = (enc.x * unit, enc.y * unit, unit, unit)
        raw.append(
            (
                -1 - enc.index,
                None,
                Key(x=enc.x, y=enc.y, encoder=enc.index),
                rect,
                None,
                0.0,
                (0, 0),
                enc.index,
            )
        )

    polygons = [
        _outlines(rect, secondary, angle, pivot) for (_, _, _, rect, secondary, angle, pivot, _) in raw
    ]
    xs = [p[0] for polys in polygons for poly in polys for p in poly]
    ys = [p[1] for polys in polygons for poly in polys for p in poly]
    min_x, min_y = (min(xs), min(ys)) if xs else (0.0, 0.0)
    max_x, max_y = (max(xs), max(ys)) if xs else (0.0, 0.0)
    sx, sy = margin - min_x, margin - min_y

    shapes = []
    for (index, slot, key, rect, secondary, angle, pivot, encoder), polys in zip(raw, polygons, strict=True):
        center_local = (rect[0] + rect[2] / 2, rect[1] + rect[3] / 2)
        cx, cy = rotate_point(center_local, angle, pivot)
        shapes.append(
            KeyShape(
                index=index,
                slot=slot,
                key=key,
                rect=_shift_rect(rect, sx, sy),
                secondary=_shift_rect(secondary, sx, sy) if secondary else None,
                angle=angle,
                pivot=(pivot[0] + sx, pivot[1] + sy),
                outlines=tuple(tuple((x + sx, y + sy) for x, y in poly) for poly in polys),
                center=(cx + sx, cy + sy),
                encoder=encoder,
            )
        )
    return KeyboardScene(
        shapes=tuple(shapes),
        width=(max_x - min_x) + 2 * margin,
        height=(max_y - min_y) + 2 * margin,
        unit=unit,
        margin=margin,
    )


def keyboard_scene(
    keyboard: Keyboard,
    macro_name: str | None,
    unit: float = 54.0,
    *,
    margin: float = 0.0,
    option_choices: Mapping[int, int] | None = None,
) -> KeyboardScene:
    """`build_scene` for a keyboard's named layout macro, with its free-standing encoders."""
    return build_scene(
        keyboard.layout(macro_name),
        unit,
        margin=margin,
        option_choices=option_choices,
        encoders=keyboard.encoders,
    )


def fit_unit(
    macro: LayoutMacro,
    width: float,
    height: float,
    *,
    margin: float = 0.0,
    option_choices: Mapping[int, int] | None = None,
    encoders: Sequence[Encoder] = (),
) -> float:
    """The largest unit (pixels per key unit) at which the macro fits in width × height."""
    probe = build_scene(macro, 1.0, option_choices=option_choices, encoders=encoders)
    if probe.width <= 0 or probe.height <= 0:
        return 1.0
    return max(1.0, min((width - 2 * margin) / probe.width, (height - 2 * margin) / probe.height))


def option_choices_for(keyboard: Keyboard, chosen: Mapping[str, int]) -> dict[int, int]:
    """Layout options by group index from a layout's `{label: choice}` mapping."""
    return {i: chosen[o.label] for i, o in enumerate(keyboard.layout_options) if o.label in chosen}


def nearest_in_direction(scene: KeyboardScene, slot: int, dx: int, dy: int) -> int | None:
    """The slot an arrow key moves to from `slot`: the closest key whose centre lies in
    the direction (dx, dy), preferring keys in line over keys off to the side."""
    current = scene.slot_shapes().get(slot)
    if current is None:
        return None
    ox, oy = current.center
    best: tuple[float, int] | None = None
    for shape in scene.shapes:
        if shape.slot is None or shape.slot == slot:
            continue
        vx, vy = shape.center[0] - ox, shape.center[1] - oy
        along = vx * dx + vy * dy
        if along <= scene.unit * 0.25:
            continue
        across = abs(vx * dy - vy * dx)
        if across > along and across > scene.unit * 0.6:
            continue
        score = along + across * 3
        if best is None or score < best[0]:
            best = (score, shape.slot)
    return best[1] if best else None


def point_in_polygon(x: float, y: float, polygon: Sequence[Point]) -> bool:
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def rect_union_outline(rects: Sequence[Rect]) -> tuple[tuple[Point, ...], ...]:
    """The outline(s) of a union of axis-aligned rectangles, clockwise on screen, without
    collinear points. An ISO enter (two rectangles) gives one six-cornered polygon."""
    xs = sorted({v for x, _, w, _ in rects for v in (x, x + w)})
    ys = sorted({v for _, y, _, h in rects for v in (y, y + h)})

    def covered(i: int, j: int) -> bool:
        if not (0 <= i < len(xs) - 1 and 0 <= j < len(ys) - 1):
            return False
        cx, cy = (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2
        return any(x <= cx <= x + w and y <= cy <= y + h for x, y, w, h in rects)

    edges: dict[Point, Point] = {}
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            if not covered(i, j):
                continue
            tl, tr = (xs[i], ys[j]), (xs[i + 1], ys[j])
            br, bl = (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])
            if not covered(i, j - 1):
                edges[tl] = tr
            if not covered(i + 1, j):
                edges[tr] = br
            if not covered(i, j + 1):
                edges[br] = bl
            if not covered(i - 1, j):
                edges[bl] = tl
    loops: list[tuple[Point, ...]] = []
    while edges:
        start = min(edges)
        loop = [start]
        point = edges.pop(start)
        while point != start and point in edges:
            loop.append(point)
            point = edges.pop(point)
        loops.append(tuple(_drop_collinear(loop)))
    return tuple(loops)


def _outlines(
    rect: Rect, secondary: Rect | None, angle: float, pivot: Point
) -> tuple[tuple[Point, ...], ...]:
    if secondary is None:
        x, y, w, h = rect
        loops: tuple[tuple[Point, ...], ...] = (((x, y), (x + w, y), (x + w, y + h), (x, y + h)),)
    else:
        loops = rect_union_outline([rect, secondary])
    if not angle:
        return loops
    return tuple(tuple(rotate_point(p, angle, pivot) for p in loop) for loop in loops)


def _drop_collinear(loop: list[Point]) -> list[Point]:
    out = []
    n = len(loop)
    for i in range(n):
        a, b, c = loop[i - 1], loop[i], loop[(i + 1) % n]
        if (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) != 0:
            out.append(b)
    return out


def _shift_rect(rect: Rect, sx: float, sy: float) -> Rect:
    return (rect[0] + sx, rect[1] + sy, rect[2], rect[3])


def _normalise(rect: Rect) -> Rect:
    x, y, w, h = rect
    if w < 0:
        x, w = x + w, -w
    if h < 0:
        y, h = y + h, -h
    return (x, y, w, h)
