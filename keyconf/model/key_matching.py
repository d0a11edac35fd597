"""Which key of one keyboard plays the part of a key of another: matching by role, not index.

A key's role is where a finger finds it relative to landmarks every keyboard shares: the
home row, the split between the hands, the inner edge of each hand's alpha block. Rows are
counted from the home row (-1 the top letter row, -2 the number row, -3 and up F-keys, +2 and
down the modifier row); columns from the inner edge of each side outward (0 is the index
finger's inner column, 5 the pinky's outer one, negative columns sit further in, as a Kyria's
or Lily58's inner keys do); thumb keys from the innermost outward; the modifier row from the
outer edges inward; a TKL's navigation block and a numpad by their own grid. Rotated keys
count by their rotated centre, row stagger is measured and taken out, column stagger never
moves a key out of its column.

Two keys of different boards match when their roles are equal; then thumb keys and modifier
row keys left over pair up from the middle outward (a Corne's thumbs onto a Planck's bottom
row). Everything else has no place: the caller lists it. Pure: geometry in, indices out.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from keyconf.model.geometry import key_center, physical_rows
from keyconf.model.keyboard import Key

Zone = Literal["alpha", "number", "function", "bottom", "thumb", "nav", "numpad", "encoder", "extra"]

# A row is one of the board's main rows when its leftmost key is this close to the board's
# left edge (key units); thumb clusters and the like start further in.
_MAIN_ROW_REACH = 1.25
# Two consecutive home-row keys this far apart (edge to edge) mark a split keyboard.
_SPLIT_GAP = 0.45
# A key whose left edge is this far right of the home row's end belongs to a separate block
# (a TKL's navigation keys, a numpad).
_CLUSTER_GAP = 0.15
# Keys wider than this count by the column their inner end sits in, not by their centre.
_WIDE = 1.3


@dataclass(frozen=True)
class KeyRole:
    """Where a finger finds a key. `side` is -1 left of the split, +1 right of it, 0 for keys of
    no side (encoders); `row` counts from the home row (main rows) or is the thumb row's order
    top down; `column` is counted as the module docstring says for each zone."""

    zone: Zone
    side: int
    row: int
    column: int

    def describe(self) -> str:
        """A short place name for people: `left home row, column 2`, `right thumb 1`."""
        side = {-1: "left ", 1: "right ", 0: ""}[self.side]
        if self.zone == "encoder":
            return f"encoder {self.column}"
        if self.zone == "thumb":
            return f"{side}thumb {self.column + 1}"
        if self.zone == "bottom":
            return f"{side}bottom row, key {self.column + 1} from the edge"
        if self.zone in ("nav", "numpad"):
            block = "navigation block" if self.zone == "nav" else "numpad"
            return f"{block} row {self.row:+d}, column {self.column + 1}"
        if self.zone == "extra":
            return f"{side}extra key {self.column + 1}"
        row = {-1: "top row", 0: "home row", 1: "bottom row"}.get(self.row)
        if row is None:
            row = "number row" if self.zone == "number" else f"F-key row {-self.row - 2}"
        if self.column < 0:
            return f"{side}{row}, {-self.column} key{'s' if self.column < -1 else ''} in from the letter columns"
        return f"{side}{row}, column {self.column + 1} from the inside"


@dataclass(frozen=True)
class KeyMatch:
    """Source key index → target key index (`target_of`) and back (`source_of`); None: no place.

    Indices are positions in a layer's keycode list (`LayoutMacro.slot_keys`)."""

    target_of: tuple[int | None, ...]
    source_of: tuple[int | None, ...]
    source_roles: tuple[KeyRole | None, ...]
    target_roles: tuple[KeyRole | None, ...]

    @property
    def dropped(self) -> list[int]:
        """Source keys with no place on the target."""
        return [i for i, t in enumerate(self.target_of) if t is None]

    @property
    def unfilled(self) -> list[int]:
        """Target keys nothing lands on."""
        return [j for j, s in enumerate(self.source_of) if s is None]


def match_keys(
    source: Sequence[Key],
    target: Sequence[Key],
    source_letters: Collection[int] = (),
    target_letters: Collection[int] = (),
) -> KeyMatch:
    """Match the keys of `source` to those of `target` by role (see the module docstring).

    `source` and `target` are the keys of a layer in keycode-list order (`slot_keys`);
    `*_letters` are the indices of keys holding letters on the base layer, which place the
    home row; without them the home row comes from the geometry. Deterministic: the same
    boards always give the same match."""
    roles_s = key_roles(source, source_letters)
    roles_t = key_roles(target, target_letters)
    target_of: list[int | None] = [None] * len(source)
    source_of: list[int | None] = [None] * len(target)
    by_role: dict[KeyRole, int] = {}
    for j, role in enumerate(roles_t):
        if role is not None:
            by_role.setdefault(role, j)
    for i, role in enumerate(roles_s):
        found = by_role.get(role) if role is not None else None
        if found is not None and source_of[found] is None:
            target_of[i], source_of[found] = found, i
    # Thumb keys and the modifier row left over pair up per side from the middle outward.
    for side in (-1, 1):
        left_s = _thumb_like(roles_s, side, target_of, source)
        left_t = _thumb_like(roles_t, side, source_of, target)
        for i, t in zip(left_s, left_t, strict=False):
            target_of[i], source_of[t] = t, i
    return KeyMatch(tuple(target_of), tuple(source_of), tuple(roles_s), tuple(roles_t))


def _thumb_like(
    roles: Sequence[KeyRole | None], side: int, taken: Sequence[int | None], keys: Sequence[Key]
) -> list[int]:
    """Unmatched thumb and modifier-row keys of one side, innermost first."""
    found = [
        i
        for i, role in enumerate(roles)
        if role is not None and taken[i] is None and role.side == side and role.zone in ("thumb", "bottom")
    ]

    def order(i: int) -> tuple[int, float, int]:
        role = roles[i]
        assert role is not None
        x = key_center(keys[i])[0]
        # Thumb rows first (they are where thumbs rest), then inner to outer by position.
        return (0 if role.zone == "thumb" else 1, x * side, i)

    return sorted(found, key=order)


@dataclass
class _Row:
    indices: list[int]  # into the key list, left to right
    main: bool = False
    joined: bool = False  # a half's row already joined by the other half's


def key_roles(keys: Sequence[Key], letters: Collection[int] = ()) -> list[KeyRole | None]:
    """The role of every key (None for keys of a non-default layout option choice, which
    would overlap the default ones)."""
    return list(_cached_roles(tuple(keys), frozenset(letters)))


@functools.lru_cache(maxsize=256)
def _cached_roles(keys: tuple[Key, ...], letters: frozenset[int]) -> tuple[KeyRole | None, ...]:
    """Roles are a pure function of frozen keys: a board's are worked out once (choosing a
    target macro tries every macro of the board against the same source)."""
    return tuple(_roles(keys, letters))


def _roles(keys: Sequence[Key], letters: Collection[int]) -> list[KeyRole | None]:
    roles: list[KeyRole | None] = [None] * len(keys)
    centres = [key_center(k) for k in keys]
    playable: list[int] = []
    for i, key in enumerate(keys):
        if key.option is not None and key.option[1] != 0:
            continue
        if key.encoder is not None:
            roles[i] = KeyRole("encoder", 0, 0, key.encoder)
            continue
        playable.append(i)
    if not playable:
        return roles
    rows = _rows(keys, playable, centres)
    main = [r for r in rows if r.main]
    if not main:
        main = rows
    home_at = _home_row(main, rows, letters)
    home = main[home_at]
    home_keys = home.indices
    main_end = _main_block_end(home_keys, keys, centres)
    in_block = [i for i in home_keys if _left_edge(keys[i], centres[i]) < main_end + _CLUSTER_GAP]
    split_x = _split(in_block, keys, centres)
    # Row stagger, chained from the home row: how far each main row sits right of the one below it.
    staggers = _staggers(main, home_at, keys, centres, main_end)
    hands = _hands(in_block, keys, centres, split_x, frozenset(letters))
    cluster_blocks = _cluster_blocks(main, keys, centres, main_end)
    for offset_index, row in enumerate(main):
        r = offset_index - home_at
        block = [i for i in row.indices if _left_edge(keys[i], centres[i]) < main_end + _CLUSTER_GAP]
        in_main = set(block)
        cluster = [i for i in row.indices if i not in in_main]
        for i in cluster:
            roles[i] = _cluster_role(i, r, keys, centres, cluster_blocks)
        if r >= 2:
            _bottom_roles(roles, block, r, centres, split_x)
        elif r <= -3:
            _function_roles(roles, block, r, keys, centres, split_x + staggers.get(r, 0.0))
        else:
            _column_roles(roles, block, r, keys, centres, split_x, staggers.get(r, 0.0), hands)
    thumb_rows = [r for r in rows if not r.main and r is not home]
    home_y = sum(centres[i][1] for i in home_keys) / len(home_keys)
    thumb_order = 0
    extras: dict[int, list[int]] = {-1: [], 1: []}
    thumbs: dict[int, list[tuple[int, float, int]]] = {-1: [], 1: []}
    for row in thumb_rows:
        row_y = sum(centres[i][1] for i in row.indices) / len(row.indices)
        above = row_y < home_y
        for i in row.indices:
            side = -1 if centres[i][0] < split_x else 1
            if above:
                extras[side].append(i)
            else:
                thumbs[side].append((thumb_order, abs(centres[i][0] - split_x), i))
        if not above:
            thumb_order += 1
    for side in (-1, 1):
        for rank, (_order, _distance, i) in enumerate(sorted(thumbs[side])):
            roles[i] = KeyRole("thumb", side, 0, rank)
        for rank, i in enumerate(sorted(extras[side], key=lambda i: (abs(centres[i][0] - split_x), i))):
            roles[i] = KeyRole("extra", side, 0, rank)
    return roles


def _left_edge(key: Key, centre: tuple[float, float]) -> float:
    return centre[0] - key.w / 2


def _rows(keys: Sequence[Key], playable: list[int], centres: Sequence[tuple[float, float]]) -> list[_Row]:
    """The board's rows top to bottom: the macro's visual rows, halves listed one after the
    other joined side by side, each marked main when it reaches the board's left edge."""
    subset = [keys[i] for i in playable]
    raw = [[playable[n] for n in row] for row in physical_rows(subset)]
    left = min(centres[i][0] for i in playable)
    rows = [_Row(sorted(r, key=lambda i: (centres[i][0], i))) for r in raw]
    for row in rows:
        row.main = centres[row.indices[0]][0] <= left + _MAIN_ROW_REACH
    # A macro listing the left half's rows, then the right half's: join each right row to the
    # main row beside it.
    merged: list[_Row] = []
    for row in rows:
        partner = None
        if not row.main:
            y = _mean_y(row, centres)
            lo = min(centres[i][0] for i in row.indices)
            for other in merged:
                if other.main and abs(_mean_y(other, centres) - y) <= 0.5 and max(
                    centres[i][0] for i in other.indices
                ) < lo - 1.0 and not other.joined:
                    partner = other
                    break
        if partner is not None:
            partner.indices = sorted(partner.indices + row.indices, key=lambda i: (centres[i][0], i))
            partner.joined = True
        else:
            merged.append(row)
    merged.sort(key=lambda r: _median_y(r, centres))
    return merged


def _mean_y(row: _Row, centres: Sequence[tuple[float, float]]) -> float:
    return sum(centres[i][1] for i in row.indices) / len(row.indices)


def _median_y(row: _Row, centres: Sequence[tuple[float, float]]) -> float:
    ys = sorted(centres[i][1] for i in row.indices)
    return ys[len(ys) // 2]


def _home_row(main: list[_Row], rows: list[_Row], letters: Collection[int]) -> int:
    """Index (in `main`) of the home row: the middle of the rows holding letters on the base
    layer, or, from geometry alone, the third main row from the bottom (the second on a split
    keyboard whose thumb keys sit below, which has no modifier row)."""
    letter_set = set(letters)
    if letter_set:
        counts = [sum(1 for i in row.indices if i in letter_set) for row in main]
        letter_rows = [n for n, c in enumerate(counts) if c >= 3]
        if letter_rows:
            for n in letter_rows:
                if n - 1 in letter_rows and n + 1 in letter_rows:
                    return n
            return max(letter_rows, key=lambda n: (counts[n], -n))
    thumbs_below = any(not r.main for r in rows if r not in main)
    count = len(main)
    if count >= 4 and not (thumbs_below and count == 4):
        return count - 3
    if count >= 2:
        return count - 2 if thumbs_below or count == 2 else (count - 1) // 2
    return 0


def _main_block_end(home: list[int], keys: Sequence[Key], centres: Sequence[tuple[float, float]]) -> float:
    """Where the home row's main block ends (right edge): before a gap followed by a short run
    of keys (a numpad's 4-5-6)."""
    edges = [(centres[i][0] - keys[i].w / 2, centres[i][0] + keys[i].w / 2) for i in home]
    end = edges[-1][1]
    for n in range(len(edges) - 1, 0, -1):
        if edges[n][0] - edges[n - 1][1] >= 0.2 and n >= len(edges) * 0.7:
            end = edges[n - 1][1]
    return end


def _split(home: list[int], keys: Sequence[Key], centres: Sequence[tuple[float, float]]) -> float:
    """The x of the line between the hands: a split keyboard's gap, or after the sixth key."""
    xs = [centres[i][0] for i in home]
    if len(home) >= 4:
        best: tuple[float, int] | None = None
        for n in range(1, len(home) - 1):
            a, b = home[n], home[n + 1]
            gap = (xs[n + 1] - keys[b].w / 2) - (xs[n] + keys[a].w / 2)
            middle = abs((n + 1) - len(home) / 2) <= len(home) * 0.2
            if gap >= _SPLIT_GAP and middle and (best is None or gap > best[0]):
                best = (gap, n)
        if best is not None:
            n = best[1]
            return (xs[n] + xs[n + 1]) / 2
    if len(home) < 2:
        return (xs[0] if xs else 0.0) + 0.5
    # One piece: the outer key and five letter columns make the left hand on a full row.
    k = 6 if len(home) >= 11 else (len(home) + 1) // 2
    return (xs[k - 1] + xs[k]) / 2


def _phase(row: list[int], keys: Sequence[Key], centres: Sequence[tuple[float, float]]) -> float | None:
    """Where a row's 1u keys sit within a key pitch (circular mean of x mod 1), None if it has none."""
    angles = [2 * math.pi * (centres[i][0] % 1.0) for i in row if keys[i].w <= 1.0 and not keys[i].r]
    if not angles:
        return None
    s, c = sum(math.sin(a) for a in angles), sum(math.cos(a) for a in angles)
    if abs(s) < 1e-9 and abs(c) < 1e-9:
        return None
    return (math.atan2(s, c) / (2 * math.pi)) % 1.0


def _staggers(
    main: list[_Row], home_at: int, keys: Sequence[Key], centres: Sequence[tuple[float, float]], main_end: float
) -> dict[int, float]:
    """Row offset → how far the row sits right of the home row (row stagger), chained row by
    row: rows above lean left (a shift in [-0.5, 0.5)), rows below lean right ((-0.5, 0.5])."""
    result = {0: 0.0}
    blocks = [
        [i for i in row.indices if _left_edge(keys[i], centres[i]) < main_end + _CLUSTER_GAP] for row in main
    ]
    phases = [_phase(block, keys, centres) for block in blocks]
    for step in (-1, 1):
        total = 0.0
        n = home_at
        while 0 <= n + step < len(main):
            here, there = phases[n], phases[n + step]
            shift = 0.0
            if here is not None and there is not None:
                shift = (there - here) % 1.0
                if step < 0 and shift >= 0.5:
                    shift -= 1.0
                if step > 0 and shift > 0.5:
                    shift -= 1.0
            total += shift
            n += step
            result[n - home_at] = total
    return result


def _column_x(key: Key, centre: tuple[float, float], side: int, block_mid: float) -> float:
    """The x a key counts by: its centre, or for a wide key the middle of its 1u facing the
    rest of its hand's keys (a Shift's inner end, a wide inner key's outer end)."""
    if key.w <= _WIDE or key.r:
        return centre[0]
    outer_part = (centre[0] - block_mid) * side > 0
    left_edge, right_edge = centre[0] - key.w / 2, centre[0] + key.w / 2
    if (side < 0) == outer_part:
        return right_edge - 0.5
    return left_edge + 0.5


@dataclass(frozen=True)
class _Hand:
    inner: float  # x of column 0
    middle: float  # mean x of the hand's home row keys


def _hands(
    home: list[int],
    keys: Sequence[Key],
    centres: Sequence[tuple[float, float]],
    split_x: float,
    letters: frozenset[int] = frozenset(),
) -> dict[int, _Hand]:
    """Each side's column 0 and middle. Column 0 is the home row's innermost letter on that side
    when the base layer has letters there (a Planck used as a 3x5 board, its middle columns
    empty, keeps its letter block together), else the home row's innermost key."""
    hands: dict[int, _Hand] = {}
    for side in (-1, 1):
        members = [i for i in home if (centres[i][0] < split_x) == (side < 0)]
        if not members:
            hands[side] = _Hand(split_x + 0.5 * side, split_x + 3 * side)
            continue
        middle = sum(centres[i][0] for i in members) / len(members)
        lettered = [i for i in members if i in letters]
        inner_keys = lettered if len(lettered) >= 3 else members
        xs = [_column_x(keys[i], centres[i], side, middle) for i in inner_keys]
        hands[side] = _Hand(max(xs) if side < 0 else min(xs), middle)
    return hands


def _column_roles(
    roles: list[KeyRole | None],
    block: list[int],
    r: int,
    keys: Sequence[Key],
    centres: Sequence[tuple[float, float]],
    split_x: float,
    stagger: float,
    hands: dict[int, _Hand],
) -> None:
    zone: Zone = "alpha" if -1 <= r <= 1 else "number"
    for side in (-1, 1):
        placed: list[tuple[float, int]] = []
        for i in block:
            x = centres[i][0] - stagger
            if (x < split_x) != (side < 0):
                continue
            column_x = _column_x(keys[i], centres[i], side, hands[side].middle + stagger) - stagger
            inner = hands[side].inner
            placed.append((inner - column_x if side < 0 else column_x - inner, i))
        _assign_columns(roles, placed, zone, side, r)


def _assign_columns(
    roles: list[KeyRole | None], placed: list[tuple[float, int]], zone: Zone, side: int, r: int
) -> None:
    """Whole columns from fractional ones, kept strictly increasing outward."""
    last: int | None = None
    for value, i in sorted(placed):
        column = math.floor(value + 0.5)
        if last is not None and column <= last:
            column = last + 1
        roles[i] = KeyRole(zone, side, r, column)
        last = column


def _function_roles(
    roles: list[KeyRole | None],
    block: list[int],
    r: int,
    keys: Sequence[Key],
    centres: Sequence[tuple[float, float]],
    split_x: float,
) -> None:
    """F-key rows count keys from the inner edge: their gaps between groups of four vary."""
    for side in (-1, 1):
        members = [i for i in block if (centres[i][0] < split_x) == (side < 0)]
        members.sort(key=lambda i: (abs(centres[i][0] - split_x), i))
        for rank, i in enumerate(members):
            roles[i] = KeyRole("function", side, r, rank)


def _bottom_roles(
    roles: list[KeyRole | None], block: list[int], r: int, centres: Sequence[tuple[float, float]], split_x: float
) -> None:
    """The modifier row counts keys from each outer edge inward: Ctrl in the corner stays there."""
    for side in (-1, 1):
        members = [i for i in block if (centres[i][0] <= split_x + 0.01) == (side < 0)]
        members.sort(key=lambda i: (centres[i][0] * side * -1, i))
        for rank, i in enumerate(members):
            roles[i] = KeyRole("bottom", side, r, rank)


def _cluster_blocks(
    main: list[_Row], keys: Sequence[Key], centres: Sequence[tuple[float, float]], main_end: float
) -> list[tuple[float, float]]:
    """The x extents of the blocks right of the main block (navigation keys, then a numpad)."""
    spans = sorted(
        (centres[i][0] - keys[i].w / 2, centres[i][0] + keys[i].w / 2)
        for row in main
        for i in row.indices
        if _left_edge(keys[i], centres[i]) >= main_end + _CLUSTER_GAP
    )
    blocks: list[tuple[float, float]] = []
    for lo, hi in spans:
        if blocks and lo < blocks[-1][1] + 0.2:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], hi))
        else:
            blocks.append((lo, hi))
    return blocks


def _cluster_role(
    i: int,
    r: int,
    keys: Sequence[Key],
    centres: Sequence[tuple[float, float]],
    blocks: list[tuple[float, float]],
) -> KeyRole:
    x = centres[i][0]
    for n, (lo, hi) in enumerate(blocks):
        if lo <= x <= hi:
            zone: Zone = "nav" if n == 0 else "numpad" if n == 1 else "extra"
            return KeyRole(zone, 1, r, math.floor(x - lo))
    return KeyRole("extra", 1, r, math.floor(x))
