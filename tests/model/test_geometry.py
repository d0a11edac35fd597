"""Key outlines, bounding boxes and the visual-row grouping the YAML writer prints layers by."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.model.geometry import (
    bounding_box,
    column_slots,
    key_center,
    key_rects,
    physical_rows,
    rotate_point,
)
from keyconf.model.keyboard import Key, SecondaryRect


def approx(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return math.isclose(a[0], b[0], abs_tol=1e-9) and math.isclose(a[1], b[1], abs_tol=1e-9)


def grid(rows: int, cols: int) -> list[Key]:
    return [Key(x=c, y=r) for r in range(rows) for c in range(cols)]


def test_rotate_point_is_clockwise_with_y_down() -> None:
    # (1, 0) turned 90° clockwise around the origin on a y-down screen lands on (0, 1).
    assert approx(rotate_point((1, 0), 90, (0, 0)), (0, 1))
    assert approx(rotate_point((3, 2), 0, (0, 0)), (3, 2))
    assert approx(rotate_point((2, 1), 180, (1, 1)), (0, 1))


def test_key_center_follows_rotation_origin() -> None:
    key = Key(x=1, y=0, r=90, rx=1, ry=0)  # turned around its own top-left corner
    assert approx(key_center(key), (0.5, 0.5))
    assert approx(key_center(Key(x=2, y=3, w=2)), (3, 3.5))


def test_iso_enter_has_two_rects_and_widens_the_box() -> None:
    enter = Key(x=13.75, y=1, w=1.25, h=2, secondary=SecondaryRect(-0.25, 0, 1.5, 1))
    rects = key_rects(enter)
    assert len(rects) == 2
    box = bounding_box([enter])
    assert math.isclose(box.left, 13.5) and math.isclose(box.right, 15)
    assert math.isclose(box.height, 2)


def test_bounding_box_includes_rotated_corners() -> None:
    box = bounding_box([Key(x=0, y=0, r=45, rx=0, ry=0)])
    half_diag = math.sqrt(2) / 2
    assert math.isclose(box.left, -half_diag, abs_tol=1e-9)
    assert math.isclose(box.right, half_diag, abs_tol=1e-9)
    assert math.isclose(box.bottom, math.sqrt(2), abs_tol=1e-9)
    assert bounding_box([]).width == 0


def test_rows_of_an_ortho_grid() -> None:
    assert physical_rows(grid(4, 12)) == [list(range(r * 12, r * 12 + 12)) for r in range(4)]


def test_column_stagger_never_splits_a_row() -> None:
    stagger = [0.93, 0.31, 0, 0.28, 0.42]  # a Ferris Sweep's columns
    keys = [Key(x=c, y=r + stagger[c]) for r in range(3) for c in range(5)]
    assert [len(row) for row in physical_rows(keys)] == [5, 5, 5]


def test_split_listed_side_by_side_stays_one_row() -> None:
    keys = [Key(x=c + (3 if c >= 6 else 0), y=r) for r in range(3) for c in range(12)]
    assert [len(row) for row in physical_rows(keys)] == [12, 12, 12]


def test_split_listed_half_after_half_starts_new_rows() -> None:
    left = [Key(x=c, y=r) for r in range(3) for c in range(5)]
    right = [Key(x=c + 8, y=r) for r in range(3) for c in range(5)]
    assert [len(row) for row in physical_rows(left + right)] == [5, 5, 5, 5, 5, 5]


def test_right_half_listed_right_to_left_stays_in_its_row() -> None:
    keys = [Key(x=c, y=0) for c in range(5)] + [Key(x=12 - c, y=0) for c in range(5)]
    keys += [Key(x=c, y=1) for c in range(5)]
    assert [len(row) for row in physical_rows(keys)] == [10, 5]


def test_fanned_thumb_cluster_is_one_row() -> None:
    body = grid(3, 6)
    thumbs = [Key(x=4 + i, y=3, r=15 * i, rx=4, ry=4) for i in range(3)]
    rows = physical_rows(body + thumbs)
    assert [len(row) for row in rows] == [6, 6, 6, 3]


def test_iso_enter_at_row_end_stays_in_its_row() -> None:
    row1 = [Key(x=c, y=1) for c in range(13)] + [Key(x=13.75, y=1, w=1.25, h=2)]
    row2 = [Key(x=c, y=2) for c in range(13)]
    assert [len(row) for row in physical_rows(row1 + row2)] == [14, 13]


def test_column_slots_increase_within_rows() -> None:
    keys = [Key(x=0, y=0, w=1.5), Key(x=1.5, y=0), Key(x=2.5, y=0), Key(x=0, y=1, w=2.25), Key(x=2.25, y=1)]
    slots = column_slots(keys)
    assert slots[:3] == sorted(set(slots[:3]))
    assert slots[3] < slots[4]
    assert column_slots([]) == []


key_strategy = st.builds(
    Key,
    x=st.floats(-5, 25, allow_nan=False),
    y=st.floats(-5, 10, allow_nan=False),
    w=st.floats(0.5, 7),
    h=st.floats(0.5, 2),
    r=st.floats(-90, 90),
    rx=st.floats(0, 20),
    ry=st.floats(0, 10),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(key_strategy, max_size=60))
def test_rows_partition_the_key_order(keys: list[Key]) -> None:
    """Joining the rows gives back every key once, in macro order: what a layer writer needs."""
    rows = physical_rows(keys)
    assert [i for row in rows for i in row] == list(range(len(keys)))
    assert all(row for row in rows)
    slots = column_slots(keys, rows)
    for row in rows:
        assert all(slots[a] < slots[b] for a, b in zip(row, row[1:], strict=False))


def test_strong_stagger_between_neighbours_stays_one_row() -> None:
    stagger = [0.8, 0.8, 0, 0, 0.5, 0.5]  # an ADM42-like column stagger
    keys = [Key(x=c, y=r + stagger[c]) for r in range(3) for c in range(6)]
    assert [len(row) for row in physical_rows(keys)] == [6, 6, 6]


def test_pinky_almost_a_key_below_its_neighbour_stays_in_the_row() -> None:
    stagger = [1.27, 0.31, 0, 0.28, 0.42]  # a Cradio's columns: the pinky 0.96 below the ring finger
    keys = [Key(x=c, y=r + stagger[c]) for r in range(3) for c in range(5)]
    assert [len(row) for row in physical_rows(keys)] == [5, 5, 5]


def test_macro_listing_columns_top_to_bottom_keeps_them_apart() -> None:
    keys = [Key(x=c, y=r) for c in range(3) for r in range(3)]  # each column's keys, then the next column
    assert [len(row) for row in physical_rows(keys)] == [3, 3, 3]
