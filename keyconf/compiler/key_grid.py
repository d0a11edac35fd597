"""The physical grid of a layout macro: which keys share a row and which column they sit in.

Generated keymaps read like hand-written ones when each physical row of the board is one
line and columns line up (a split board shows its two halves side by side, a thumb row
sits under the columns it belongs to). Pure functions of the geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyconf.model.geometry import column_slots, physical_rows
from keyconf.model.keyboard import Key


def macro_keys(keys: list[Key]) -> list[Key]:
    """The keys that are macro arguments, in order (decals and encoder knobs are drawn, not wired)."""
    return [key for key in keys if key.takes_slot]


@dataclass(frozen=True)
class Grid:
    """Rows of key indices, each key with a column; `gaps` are columns shown as a narrow gap."""

    rows: list[list[int]]
    columns: dict[int, int]  # key index -> column
    column_count: int
    gaps: frozenset[int]  # columns left empty in every row (e.g. between split halves)


def key_grid(keys: list[Key]) -> Grid:
    """Rows and aligned columns for `keys`, as the YAML writer lays out a layer's rows.

    Rows and columns come from the geometry (`physical_rows`, `column_slots`), so ortho and
    split boards line up and a thumb row sits under its columns. Runs of columns empty in
    every row (the space between split halves) collapse into one gap column."""
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
