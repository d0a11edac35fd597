"""The physical grid of a layout macro: which keys share a row and which column they sit in.

Generated keymaps read like hand-written ones when each physical row of the board is one
line and columns line up (a split board shows its two halves side by side, a thumb row
sits under the columns it belongs to). Pure functions of the geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from keyconf.model.keyboard import Key

# A jump down (or up) by this much between consecutive keys in macro order starts a new row;
# smaller steps are column stagger (a Corne's columns differ by up to 0.5u).
ROW_STEP = 0.75


def macro_keys(keys: list[Key]) -> list[Key]:
    """The keys that are macro arguments, in order (decals are drawn, not wired)."""
    return [key for key in keys if not key.decal]


def physical_rows(keys: list[Key]) -> list[list[int]]:
    """Key indices (macro order) grouped into physical rows.

    A row ends when the next key is to the left of the previous one (the macro moved to
    a new row) or clearly above or below it."""
    rows: list[list[int]] = []
    previous: Key | None = None
    for index, key in enumerate(keys):
        starts_row = (
            previous is None or key.x < previous.x - 1e-6 or abs(key.y - previous.y) >= ROW_STEP
        )
        if starts_row:
            rows.append([])
        rows[-1].append(index)
        previous = key
    return rows


@dataclass(frozen=True)
class Grid:
    """Rows of key indices, each key with a column; `gaps` are columns shown as a narrow gap."""

    rows: list[list[int]]
    columns: dict[int, int]  # key index -> column
    column_count: int
    gaps: frozenset[int]  # columns left empty in every row (e.g. between split halves)


def column_slots(keys: list[Key], rows: list[list[int]]) -> list[int]:
    """A whole-unit column per key from its x position, strictly increasing along each row."""
    if not keys:
        return []
    left = min(key.x for key in keys)
    slots = [0] * len(keys)
    for row in rows:
        last = -1
        for index in row:
            slot = max(math.floor(keys[index].x - left + 0.5), last + 1)
            slots[index] = slot
            last = slot
    return slots


def key_grid(keys: list[Key]) -> Grid:
    """Rows and aligned columns for `keys`.

    Columns follow whole-unit x positions, so ortho and split boards line up and a thumb
    row sits under its columns. Runs of columns empty in every row (the space between
    split halves) collapse into one gap column."""
    rows = physical_rows(keys)
    slots = column_slots(keys, rows)
    used = sorted(set(slots))
    compact: dict[int, int] = {}
    gaps: set[int] = set()
    column = 0
    previous_slot: int | None = None
    for slot in used:
        if previous_slot is not None and slot - previous_slot > 1:
            gaps.add(column)
            column += 1
        compact[slot] = column
        column += 1
        previous_slot = slot
    columns = {index: compact[slot] for index, slot in enumerate(slots)}
    return Grid(rows=rows, columns=columns, column_count=column, gaps=frozenset(gaps))
