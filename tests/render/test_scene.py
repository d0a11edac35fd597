"""Scene geometry: where keys land, rotated and ISO keys, hit-testing, arrow navigation."""

from __future__ import annotations

import math

import pytest

from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro, LayoutOption, SecondaryRect
from keyconf.render.scene import (
    build_scene,
    fit_unit,
    keyboard_scene,
    layer_slots,
    nearest_in_direction,
    option_choices_for,
    rect_union_outline,
)


def grid(rows: int, cols: int) -> LayoutMacro:
    return LayoutMacro("LAYOUT_grid", [Key(float(c), float(r)) for r in range(rows) for c in range(cols)])


def test_plain_grid_positions_and_size():
    scene = build_scene(grid(2, 3), unit=50, margin=10)
    assert scene.width == pytest.approx(3 * 50 + 20)
    assert scene.height == pytest.approx(2 * 50 + 20)
    first, last = scene.shapes[0], scene.shapes[-1]
    assert first.rect == (10, 10, 50, 50)
    assert last.center == pytest.approx((10 + 2.5 * 50, 10 + 1.5 * 50))
    assert first.outlines == (((10, 10), (60, 10), (60, 60), (10, 60)),)


def test_iso_enter_outline_is_one_six_cornered_polygon():
    key = Key(13.75, 1, 1.25, 2, secondary=SecondaryRect(-0.25, 0, 1.5, 1))
    scene = build_scene(LayoutMacro("L", [key]), unit=10)
    (outline,) = scene.shapes[0].outlines
    assert len(outline) == 6
    assert sorted(outline) == sorted([(0, 0), (15, 0), (15, 20), (2.5, 20), (2.5, 10), (0, 10)])
    shape = scene.shapes[0]
    assert shape.contains(1, 5)  # the wide top part
    assert not shape.contains(1, 15)  # the notch below it
    assert shape.contains(10, 15)


def test_union_of_disjoint_rects_gives_two_loops():
    loops = rect_union_outline([(0, 0, 1, 1), (3, 0, 1, 1)])
    assert len(loops) == 2


def test_rotated_key_polygon_and_hit():
    # A key at (1, 0) rotated 90° clockwise around (1, 0) swings down-left to x 0..1, y 0..1.
    key = Key(1, 0, r=90, rx=1, ry=0)
    anchor = Key(0, 2)
    scene = build_scene(LayoutMacro("L", [key, anchor]), unit=10)
    rotated = scene.shapes[0]
    xs = sorted(round(p[0], 6) for p in rotated.outlines[0])
    ys = sorted(round(p[1], 6) for p in rotated.outlines[0])
    assert xs == [0, 0, 10, 10] and ys == [0, 0, 10, 10]
    assert rotated.center == pytest.approx((5, 5))
    assert scene.hit(5, 5) is rotated
    assert scene.hit(15, 5) is None


def test_rotation_by_30_degrees_keeps_centre_distance_from_pivot():
    key = Key(2, 0, r=30, rx=0, ry=0)
    scene = build_scene(LayoutMacro("L", [key, Key(0, 0)]), unit=1)
    shape = scene.shapes[0]
    # Distance from the pivot is preserved by rotation.
    cx, cy = shape.center
    px, py = shape.pivot
    assert math.hypot(cx - px, cy - py) == pytest.approx(math.hypot(2.5, 0.5))
    assert shape.angle == 30


def test_decals_have_no_slot_and_slots_count_keys():
    macro = LayoutMacro("L", [Key(0, 0), Key(1, 0, decal=True), Key(2, 0)])
    assert layer_slots(macro) == [0, None, 1]
    scene = build_scene(macro, unit=10)
    assert [s.slot for s in scene.shapes] == [0, None, 1]
    assert scene.shape_for_slot(1).index == 2


def test_layout_options_hide_other_choices_and_move_chosen_into_place():
    keys = [
        Key(0, 0),
        Key(1, 0, w=2, option=(0, 0)),  # full backspace
        Key(5, 0, option=(0, 1)),  # split backspace, drawn off to the side
        Key(6, 0, option=(0, 1)),
    ]
    macro = LayoutMacro("L", keys)
    default = build_scene(macro, unit=10)
    assert [s.index for s in default.shapes] == [0, 1]
    split = build_scene(macro, unit=10, option_choices={0: 1})
    assert [s.index for s in split.shapes] == [0, 2, 3]
    assert split.shapes[1].rect[0] == pytest.approx(10)  # moved to where choice 0 starts
    assert split.width == pytest.approx(30)


def test_option_choices_from_layout_labels():
    kb = Keyboard(
        "kb", layout_options=[LayoutOption("Split Backspace"), LayoutOption("Bottom", ("a", "b", "c"))]
    )
    assert option_choices_for(kb, {"Bottom": 2}) == {1: 2}


def test_free_standing_encoder_is_a_knob_without_slot():
    kb = Keyboard("kb", layouts={"L": grid(1, 2)}, encoders=[Encoder(0, 3, 0)])
    scene = keyboard_scene(kb, None, unit=10)
    knob = scene.shapes[-1]
    assert knob.encoder == 0 and knob.slot is None
    assert scene.width == pytest.approx(40)


def test_fit_unit_fills_the_smaller_dimension():
    macro = grid(4, 12)
    assert fit_unit(macro, 1200, 1000) == pytest.approx(100)
    assert fit_unit(macro, 1200, 200, margin=20) == pytest.approx(40)


def test_rubber_band_uses_centres():
    scene = build_scene(grid(2, 3), unit=10)
    assert sorted(s.slot for s in scene.shapes_in_rect((0, 0, 16, 8))) == [0, 1]
    assert sorted(s.slot for s in scene.shapes_in_rect((16, 8, -16, -8))) == [0, 1]


def test_arrow_navigation_moves_spatially():
    macro = LayoutMacro(
        "L",
        [Key(0, 0), Key(1, 0), Key(2, 0), Key(0, 1, w=1.5), Key(1.5, 1), Key(2.5, 1)],
    )
    scene = build_scene(macro, unit=10)
    assert nearest_in_direction(scene, 0, 1, 0) == 1
    assert nearest_in_direction(scene, 2, 1, 0) is None
    assert nearest_in_direction(scene, 1, 0, 1) == 4  # (1.5..2.5) is the closest below (1..2)
    assert nearest_in_direction(scene, 5, 0, -1) == 2
    assert nearest_in_direction(scene, 3, -1, 0) is None
