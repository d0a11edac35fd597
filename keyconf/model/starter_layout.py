"""A new layout's first layer: QWERTY where the letters are, modifiers along the bottom.

Works from geometry alone, so it fits any board: rows come from the keys' positions; the
three rows above the bottom row hold the letters (split boards split them 5 / 5), a row
above those holds numbers and one above that F-keys; the bottom row gets Space on its widest
key (or its middle keys) with Ctrl/GUI/Alt outside it. A separated cluster on the right
(a TKL's navigation block) gets navigation keys. Anything left is KC_NO, visibly empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyconf.model.geometry import key_center, physical_rows
from keyconf.model.keyboard import Key, Keyboard
from keyconf.model.layout import EncoderAction, Layer, Layout

NO = "KC_NO"

# (left outer key, letters in order, key at the row's right end)
_LETTER_ROWS = (
    (
        "KC_TAB",
        "KC_Q KC_W KC_E KC_R KC_T KC_Y KC_U KC_I KC_O KC_P KC_LBRC KC_RBRC KC_BSLS".split(),
        "KC_BSPC",
    ),
    ("KC_LCTL", "KC_A KC_S KC_D KC_F KC_G KC_H KC_J KC_K KC_L KC_SCLN KC_QUOT".split(), "KC_ENT"),
    ("KC_LSFT", "KC_Z KC_X KC_C KC_V KC_B KC_N KC_M KC_COMM KC_DOT KC_SLSH".split(), "KC_RSFT"),
)
_NUMBER_ROW = (
    "KC_ESC",
    "KC_1 KC_2 KC_3 KC_4 KC_5 KC_6 KC_7 KC_8 KC_9 KC_0 KC_MINS KC_EQL".split(),
    "KC_BSPC",
)
_F_ROW = ("KC_ESC", "KC_F1 KC_F2 KC_F3 KC_F4 KC_F5 KC_F6 KC_F7 KC_F8 KC_F9 KC_F10 KC_F11 KC_F12".split(), NO)
# Navigation block keys by row kind, for a separated cluster on the right.
_CLUSTER = {
    "f": ["KC_PSCR", "KC_SCRL", "KC_PAUS"],
    "number": ["KC_INS", "KC_HOME", "KC_PGUP"],
    "letters0": ["KC_DEL", "KC_END", "KC_PGDN"],
    "letters2": ["KC_UP"],
    "bottom": ["KC_LEFT", "KC_DOWN", "KC_RGHT"],
}


def starter_layout(keyboard: Keyboard, macro_name: str | None = None, name: str | None = None) -> Layout:
    macro = keyboard.layout(macro_name)
    keys = macro.slot_keys
    base = starter_keys(keys)
    encoders = encoder_count(keyboard, macro.keys)
    layer = Layer("base", base, [EncoderAction("KC_VOLD", "KC_VOLU") for _ in range(encoders)])
    return Layout(
        keyboard=keyboard.name,
        layout_macro=macro.name,
        layers=[layer],
        name=name or f"{keyboard.display_name or keyboard.name} layout",
    )


def starter_keys(keys: Sequence[Key]) -> list[str]:
    """Keycodes for `keys` (layer slot order) following the rules in the module docstring."""
    result = [NO] * len(keys)
    # Option keys other than choice 0 would collide with the default choice: leave them.
    usable = [i for i, k in enumerate(keys) if k.option is None or k.option[1] == 0]
    rows = [[i for i in row if i in set(usable)] for row in physical_rows(keys)]
    rows = [r for r in rows if r]
    if not rows:
        return result
    bottom = rows[-1] if len(rows) >= 2 else None
    above = rows[:-1] if bottom is not None else rows
    letter_rows = above[-3:]
    kinds: list[tuple[list[int], str]] = []
    for offset, row in enumerate(letter_rows):
        kinds.append((row, f"letters{3 - len(letter_rows) + offset}"))
    upper = above[:-3] if len(above) > 3 else []
    if upper:
        kinds.append((upper[-1], "number"))
    for row in upper[:-1]:
        kinds.append((row, "f"))
    # A board is split when its home row is; F-key rows have gaps of their own.
    home = sorted(letter_rows[len(letter_rows) // 2], key=lambda i: key_center(keys[i])[0])
    split = _split_halves(home, keys) is not None
    for row, kind in kinds:
        ordered = sorted(row, key=lambda i: key_center(keys[i])[0])
        main, cluster = _split_cluster(ordered, keys) if not split else (ordered, [])
        _fill_cluster(result, cluster, kind)
        spec = {"number": _NUMBER_ROW, "f": _F_ROW}.get(kind) or _LETTER_ROWS[int(kind[-1])]
        _fill_row(result, main, keys, spec, split)
    if bottom is not None:
        ordered = sorted(bottom, key=lambda i: key_center(keys[i])[0])
        main, cluster = _split_cluster(ordered, keys) if not split else (ordered, [])
        _fill_cluster(result, cluster, "bottom")
        _fill_bottom(result, main, keys, split, has_cluster=bool(cluster))
    return result


def _fill_row(
    result: list[str], row: list[int], keys: Sequence[Key], spec: tuple[str, list[str], str], split: bool
) -> None:
    outer, letters, end = spec
    halves = _split_halves(row, keys) if split else None
    if halves is None:
        _fill_run(result, row, outer, letters, end, first_outer=len(row) > len(letters) - 2)
        return
    left, right = halves
    half = 5 if len(letters) >= 10 else len(letters) // 2
    # Left half: the outer key, then the first five letters; keys beyond them sit at the inner
    # edge (a Kyria's or Lily58's extra inner keys) and stay empty. A half with no room for
    # the outer key holds the letters nearest the split.
    inner_left = letters[:half]
    if len(left) > len(inner_left):
        fill = [outer] + inner_left + [NO] * (len(left) - len(inner_left) - 1)
    else:
        fill = inner_left[len(inner_left) - len(left) :]
    for slot, code in zip(left, fill, strict=False):
        result[slot] = code
    # Right half, mirrored: letters then the end key at the outer edge, extra keys inside empty.
    codes = _run_codes(len(right), letters[half:], end, letters_first=5)
    for slot, code in zip(right, [NO] * (len(right) - len(codes)) + codes, strict=False):
        result[slot] = code


def _fill_run(
    result: list[str],
    row: list[int],
    outer: str | None,
    letters: list[str],
    end: str,
    first_outer: bool,
    letters_first: int = 0,
) -> None:
    """Fill one run of keys left to right: [outer] letters… [end]. Up to `letters_first`
    keys get only letters (a split half's five letter columns)."""
    slots = list(row)
    if outer is not None and first_outer and slots:
        result[slots.pop(0)] = outer
    for slot, code in zip(slots, _run_codes(len(slots), letters, end, letters_first), strict=False):
        result[slot] = code


def _run_codes(room: int, letters: list[str], end: str, letters_first: int = 0) -> list[str]:
    """What a run of `room` keys holds, left to right (maybe fewer codes than keys)."""
    if room <= letters_first:
        return letters[:room]
    if room >= len(letters) + 1:
        return letters + [end]
    if room == len(letters):
        return list(letters)
    return letters[: max(0, room - 1)] + ([end] if room else [])


def _fill_bottom(
    result: list[str], row: list[int], keys: Sequence[Key], split: bool, has_cluster: bool
) -> None:
    if not row:
        return
    halves = _split_halves(row, keys) if split else None
    if halves is not None:
        left, right = halves
        # Thumbs: Space nearest the middle on the left, Enter on the right, then outward.
        for slot, code in zip(reversed(left), ["KC_SPC", "KC_LALT", "KC_LGUI", "KC_LCTL"], strict=False):
            result[slot] = code
        for slot, code in zip(right, ["KC_ENT", "KC_BSPC", "KC_RALT", "KC_RCTL"], strict=False):
            result[slot] = code
        return
    widest = max(row, key=lambda i: keys[i].w)
    if keys[widest].w >= 2:
        spaces = [widest]
    else:
        middle = (len(row) - 1) / 2
        spaces = [row[i] for i in range(len(row)) if abs(i - middle) <= 0.5]
    for slot in spaces:
        result[slot] = "KC_SPC"
    position = row.index(spaces[0])
    left, right = row[:position], row[row.index(spaces[-1]) + 1 :]
    for slot, code in zip(left, ["KC_LCTL", "KC_LGUI", "KC_LALT"], strict=False):
        result[slot] = code
    arrows = len(right) >= 4 and not has_cluster and all(keys[i].w == 1 for i in right[-4:])
    right_codes = (
        ["KC_RGHT", "KC_UP", "KC_DOWN", "KC_LEFT", "KC_RALT"]
        if arrows
        else ["KC_RCTL", "KC_APP", "KC_RGUI", "KC_RALT"]
    )
    for slot, code in zip(reversed(right), right_codes, strict=False):
        result[slot] = code


def _fill_cluster(result: list[str], cluster: list[int], kind: str) -> None:
    for slot, code in zip(cluster, _CLUSTER.get(kind, []), strict=False):
        result[slot] = code


def _gaps(row: list[int], keys: Sequence[Key]) -> list[tuple[float, int]]:
    """(gap in key units, index in row after which it is) between consecutive keys."""
    out = []
    for n in range(len(row) - 1):
        a, b = keys[row[n]], keys[row[n + 1]]
        gap = key_center(b)[0] - b.w / 2 - (key_center(a)[0] + a.w / 2)
        out.append((gap, n))
    return out


def _split_halves(row: list[int], keys: Sequence[Key]) -> tuple[list[int], list[int]] | None:
    """A split keyboard's row: the two halves when a wide gap sits near the middle."""
    if len(row) < 4:
        return None
    gaps = [(g, n) for g, n in _gaps(row, keys) if g >= 0.45]
    for _gap, n in sorted(gaps, reverse=True):
        if 2 <= n + 1 <= len(row) - 2 and abs((n + 1) - len(row) / 2) <= len(row) * 0.2:
            return row[: n + 1], row[n + 1 :]
    return None


def _split_cluster(row: list[int], keys: Sequence[Key]) -> tuple[list[int], list[int]]:
    """Separate a block of at most three keys after a gap at the row's right end."""
    for gap, n in reversed(_gaps(row, keys)):
        if gap >= 0.2 and len(row) - (n + 1) <= 3 and n + 1 >= len(row) * 0.7:
            return row[: n + 1], row[n + 1 :]
    return row, []


def encoder_count(keyboard: Keyboard, keys: Sequence[Key]) -> int:
    """How many encoders a layer of this board holds actions for."""
    indices = [e.index for e in keyboard.encoders] + [k.encoder for k in keys if k.encoder is not None]
    return max(indices) + 1 if indices else 0
