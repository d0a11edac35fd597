"""Plane geometry of keys: rotated outlines, centres, bounding boxes and visual rows.

Pure math on `Key` values, shared by the painter, the YAML writer (which prints each layer as
the keyboard's physical rows) and the loaders. Coordinates are key units, y grows downwards and
rotation is clockwise in degrees around (rx, ry), as in QMK info.json and KLE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from keyconf.model.keyboard import Key, SecondaryRect

Point = tuple[float, float]

# How far left (in key units) the next key's centre must jump for a new visual row to start.
_WRAP_LEFT = 0.25
# How far below the current row's mean height the next key's centre must be to start a new row.
_NEW_ROW_DROP = 0.3
# How far above the current row's mean height a key must be to start a new row on its own
# (a macro that lists the left half's rows, then the right half's). Column stagger stays below it.
_NEW_ROW_RISE = 0.95
# A key at most this far right of the one before, and less than a key higher than it, is its
# neighbour column in the same row, however far above the row's mean (the Cradio's pinky sits
# almost a whole key below its ring finger). A macro listing columns top to bottom rises more.
_NEXT_COLUMN = 1.25
_STAGGER_STEP = 1.0


@dataclass(frozen=True)
class BoundingBox:
    """The smallest rectangle around some keys, in key units."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def rotate_point(point: Point, degrees: float, origin: Point) -> Point:
    """`point` turned clockwise (y down) by `degrees` around `origin`."""
    if not degrees:
        return point
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    dx, dy = point[0] - origin[0], point[1] - origin[1]
    return (origin[0] + dx * cos - dy * sin, origin[1] + dx * sin + dy * cos)


def _rect_corners(x: float, y: float, w: float, h: float) -> list[Point]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def key_rects(key: Key) -> list[list[Point]]:
    """The key's outline as one or two rotated rectangles (two for ISO and big-ass enters)."""
    rects = [_rect_corners(key.x, key.y, key.w, key.h)]
    second: SecondaryRect | None = key.secondary
    if second is not None:
        rects.append(_rect_corners(key.x + second.x, key.y + second.y, second.w, second.h))
    origin = (key.rx, key.ry)
    return [[rotate_point(p, key.r, origin) for p in rect] for rect in rects]


def key_center(key: Key) -> Point:
    """The centre of the key's main rectangle after rotation: where its legend goes."""
    return rotate_point((key.x + key.w / 2, key.y + key.h / 2), key.r, (key.rx, key.ry))


def bounding_box(keys: Sequence[Key]) -> BoundingBox:
    """The smallest upright box holding every key outline (rotation included)."""
    if not keys:
        return BoundingBox(0.0, 0.0, 0.0, 0.0)
    xs: list[float] = []
    ys: list[float] = []
    for key in keys:
        for rect in key_rects(key):
            for px, py in rect:
                xs.append(px)
                ys.append(py)
    return BoundingBox(min(xs), min(ys), max(xs), max(ys))


def physical_rows(keys: Sequence[Key]) -> list[list[int]]:
    """Key indices grouped into the visual rows of the keyboard, top to bottom.

    Rows are consecutive runs of the layout macro's key order, so joining them gives back
    0..n-1: a writer can print a layer row by row and a reader can simply concatenate. A new
    row starts where the macro order jumps back to the left *and* down, the way QMK layout
    macros are written row by row, or where it jumps well above the row (a macro listing one
    half's rows before the other's). Rotated keys count by their rotated centre, so a fanned
    thumb cluster stays one row; the two halves of a split stay on one row when the macro
    lists them side by side; column stagger (a key a bit higher or lower) never splits a row.
    """
    rows: list[list[int]] = []
    current: list[int] = []
    row_y_sum = 0.0
    prev_x = prev_y = 0.0
    for index, key in enumerate(keys):
        cx, cy = key_center(key)
        if current:
            row_mean_y = row_y_sum / len(current)
            wrapped = cx < prev_x - _WRAP_LEFT and cy > row_mean_y + _NEW_ROW_DROP
            staggered = 0 < cx - prev_x <= _NEXT_COLUMN and prev_y - cy < _STAGGER_STEP
            risen = cy < row_mean_y - _NEW_ROW_RISE and not staggered
            if wrapped or risen:
                rows.append(current)
                current, row_y_sum = [], 0.0
        current.append(index)
        row_y_sum += cy
        prev_x, prev_y = cx, cy
    if current:
        rows.append(current)
    return rows


def key_positions(keys: Sequence[Key]) -> dict[int, tuple[int, int]]:
    """Slot -> (row, key in that row), 1-based, as a person counts keys on the board."""
    return {slot: (r + 1, c + 1) for r, row in enumerate(physical_rows(keys)) for c, slot in enumerate(row)}


def column_slots(keys: Sequence[Key], rows: Sequence[Sequence[int]] | None = None) -> list[int]:
    """A grid column for every key, so printed rows line up under each other like the keys do.

    The column is the key's rotated centre x in whole key units from the left edge, made
    strictly increasing within each row (two keys of one row never share a column)."""
    if rows is None:
        rows = physical_rows(keys)
    if not keys:
        return []
    left = min(key_center(k)[0] for k in keys)
    slots = [0] * len(keys)
    for row in rows:
        last = -1
        for index in row:
            slot = max(round(key_center(keys[index])[0] - left), last + 1)
            slots[index] = slot
            last = slot
    return slots
