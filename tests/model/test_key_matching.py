"""Matching keys of two boards by role: the landmarks (home row, split, inner columns, thumbs,
bottom row, navigation block) place each key, whatever its index."""

from __future__ import annotations

import dataclasses

import pytest

from keyconf.catalogue.bundle import open_bundle
from keyconf.catalogue.resolve import find_keyboard
from keyconf.model.geometry import key_center
from keyconf.model.key_matching import match_keys
from keyconf.model.keyboard import Key


def board_keys(name: str, macro: str | None = None) -> list[Key]:
    """QMK's geometry as its data has it: these tests turn and fan thumbs themselves, so they
    start from the unrotated keys, not from the VIA-drawn ones `find_keyboard` gives."""
    bundle = open_bundle()
    board = bundle.load(name, draw=False) if bundle is not None else find_keyboard(name)
    return board.layout(macro).slot_keys


CORNE = ("crkbd/rev1", "LAYOUT_split_3x6_3")
SWEEP = ("ferris/sweep", "LAYOUT_split_3x5_2")


def test_corne_to_sweep_keeps_fingers_and_drops_outer_columns_and_outer_thumbs():
    match = match_keys(board_keys(*CORNE), board_keys(*SWEEP))
    # Corne rows are 12 wide with an outer column on each side, the Sweep's 10: Corne 1..10 →
    # Sweep 0..9 on the top row, and so on down.
    expected = {row * 12 + c + 1: row * 10 + c for row in range(3) for c in range(10)}
    expected.update({37: 30, 38: 31, 39: 32, 40: 33})
    assert {i: j for i, j in enumerate(match.target_of) if j is not None} == expected
    assert match.dropped == [0, 11, 12, 23, 24, 35, 36, 41]
    assert match.unfilled == []


def test_sweep_to_corne_leaves_the_outer_keys_unfilled_and_inverts_the_way_back():
    there = match_keys(board_keys(*SWEEP), board_keys(*CORNE))
    back = match_keys(board_keys(*CORNE), board_keys(*SWEEP))
    assert there.dropped == []
    assert there.unfilled == [0, 11, 12, 23, 24, 35, 36, 41]
    for i, j in enumerate(there.target_of):
        assert j is not None and back.target_of[j] == i


def test_sixty_percent_keys_land_on_the_same_place_of_a_tkl():
    source = board_keys("dz60", "LAYOUT_60_ansi")
    target = board_keys("kbdfans/kbd8x_mk2", "LAYOUT_tkl_ansi")
    match = match_keys(source, target)
    assert match.dropped == []
    for i, j in enumerate(match.target_of):
        assert j is not None
        sx, sy = key_center(source[i])
        tx, ty = key_center(target[j])
        # The TKL's F-row sits above: everything else is the same drawing, 1.25u lower.
        assert (round(tx - sx, 3), round(ty - sy, 3)) == (0.0, 1.25), (i, j)
    # The F-row, navigation block and arrows are what the 60 % lacks.
    assert len(match.unfilled) == len(target) - len(source)


def preonic_grid() -> list[Key]:
    """A Preonic's LAYOUT_ortho_5x12: five rows of twelve 1u keys (QMK's preonic info.json)."""
    return [Key(x=float(c), y=float(r), matrix=(r, c)) for r in range(5) for c in range(12)]


def test_planck_to_preonic_moves_every_key_one_row_down():
    source = board_keys("planck/rev6", "LAYOUT_ortho_4x12")
    target = preonic_grid()
    match = match_keys(source, target)
    assert match.dropped == []
    assert match.unfilled == list(range(12))  # the number row
    assert list(match.target_of) == [i + 12 for i in range(48)]


def test_home_row_comes_from_the_base_layers_letters():
    # A Planck used with numbers on the top row and letters on the three rows below.
    source = board_keys("planck/rev6", "LAYOUT_ortho_4x12")
    letters = [i for i in range(12, 48) if i % 12 not in (0, 11)]
    target = preonic_grid()
    by_geometry = match_keys(source, target)
    by_letters = match_keys(source, target, source_letters=letters)
    assert by_geometry.target_of[13] == 25
    # With letters on rows 1-3 the Planck's home row is its row 2, the Preonic's home row too.
    assert by_letters.target_of[13] == 13
    assert by_letters.target_of[25] == 25


def test_rotated_thumb_keys_match_by_their_centres():
    keys = board_keys(*SWEEP)
    turned = []
    for key in keys[30:]:
        cx, cy = key_center(key)
        turned.append(dataclasses.replace(key, r=15.0, rx=cx, ry=cy))
    rotated = keys[:30] + turned
    corne = board_keys(*CORNE)
    assert match_keys(corne, rotated).target_of == match_keys(corne, keys).target_of
    # Fanned like a Kyria's: each half's thumbs turned about their cluster's outer end.
    fanned = keys[:30] + [
        dataclasses.replace(k, r=25.0, rx=3.5, ry=4.0) if key_center(k)[0] < 6 else
        dataclasses.replace(k, r=-25.0, rx=8.5, ry=4.0)
        for k in keys[30:]
    ]
    assert match_keys(corne, fanned).target_of[37:41] == (30, 31, 32, 33)


def test_a_macro_listing_the_left_half_before_the_right_matches_like_one_listing_rows():
    keys = board_keys(*SWEEP)
    left = [i for i in range(34) if key_center(keys[i])[0] < 6]
    right = [i for i in range(34) if i not in left]
    order = left + right
    halves = [keys[i] for i in order]
    match = match_keys(board_keys(*CORNE), halves)
    normal = match_keys(board_keys(*CORNE), keys)
    assert [None if j is None else order[j] for j in match.target_of] == list(normal.target_of)


def test_corne_thumbs_land_on_a_planck_bottom_row_from_the_middle_outward():
    match = match_keys(board_keys(*CORNE), board_keys("planck/rev6", "LAYOUT_ortho_4x12"))
    assert [match.target_of[i] for i in range(36, 42)] == [39, 40, 41, 42, 43, 44]


@pytest.mark.parametrize("source", ["crkbd/rev1", "ferris/sweep", "splitkb/kyria/rev3", "dz60", "whale/sk/v3"])
@pytest.mark.parametrize("target", ["planck/rev6", "lily58/rev1", "sofle/rev1", "kbdfans/kbd8x_mk2"])
def test_matching_is_one_to_one_and_deterministic(source, target):
    a, b = board_keys(source), board_keys(target)
    first = match_keys(a, b)
    assert first == match_keys(list(a), list(b))
    placed = [j for j in first.target_of if j is not None]
    assert len(placed) == len(set(placed))
    for i, j in enumerate(first.target_of):
        if j is not None:
            assert first.source_of[j] == i
            # Each hand's keys stay with that hand.
            source_role, target_role = first.source_roles[i], first.target_roles[j]
            assert source_role is not None and target_role is not None
            assert source_role.side == target_role.side


def test_the_letter_block_moves_together_when_the_middle_columns_are_left_empty():
    # A Planck used as a 3x5+3 board: letters in columns 1-5 and 8-12, the middle two empty.
    planck = board_keys("planck/rev6", "LAYOUT_ortho_4x12")
    letters = [r * 12 + c for r in range(3) for c in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]
    match = match_keys(planck, board_keys(*SWEEP), source_letters=letters)
    assert [match.target_of[i] for i in letters] == list(range(30))
    assert all(match.target_of[r * 12 + c] is None for r in range(3) for c in (5, 6))
    # A QWERTY Planck (letters up to the middle) keeps its usual columns.
    qwerty = [r * 12 + c for r in range(3) for c in range(1, 11)]
    assert match_keys(planck, board_keys(*SWEEP), source_letters=qwerty).target_of[0] is None
