"""Between the switch matrix (row × column, as VIA and Vial save keymaps) and a layout macro's key order.

VIA and Vial store a layer as the keycode at every matrix position; a keyconf layout stores
it in the order of a QMK `LAYOUT_*` macro's arguments. Each key of a macro knows its matrix
position, so the two convert into each other; positions no macro key uses are reported
rather than silently dropped. When no keyboard definition is known, `grid_keyboard` makes
one from the matrix itself, so the layout still opens and round-trips."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from keyconf.formats.format_error import FormatError, KeyboardMismatch
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Layer, Layout

GRID_MACRO = "LAYOUT_matrix"
_UNUSED = ("KC_NO", "XXXXXXX", "KC_TRNS", "_______", "")


@dataclass(frozen=True)
class MatrixSize:
    rows: int
    cols: int

    @property
    def count(self) -> int:
        return self.rows * self.cols


def matrix_size(keyboard: Keyboard) -> MatrixSize:
    """The keyboard's matrix, or the smallest one holding every key position it lists."""
    rows, cols = keyboard.matrix_rows, keyboard.matrix_cols
    for macro in keyboard.layouts.values():
        for key in macro.keys:
            if key.matrix is not None:
                rows = max(rows, key.matrix[0] + 1)
                cols = max(cols, key.matrix[1] + 1)
    return MatrixSize(rows, cols)


def macro_positions(macro: LayoutMacro) -> list[tuple[int, int] | None]:
    """Matrix position of each keymap slot of the macro, in argument order (None for unwired keys)."""
    return [key.matrix for key in macro.slot_keys]


def choose_macro(keyboard: Keyboard, used: Iterable[tuple[int, int]], requested: str | None = None) -> LayoutMacro:
    """The layout macro that loses the fewest `used` matrix positions; ties go to the macro with more keys.

    `requested` (a `--layout` option) wins when given; KeyError if the keyboard lacks it."""
    if requested is not None:
        return keyboard.layout(requested)
    wanted = set(used)
    best: LayoutMacro | None = None
    best_score: tuple[int, int] = (-1, -1)
    for macro in keyboard.layouts.values():
        positions = {p for p in macro_positions(macro) if p is not None}
        score = (len(wanted & positions), len(positions))
        if score > best_score:
            best, best_score = macro, score
    if best is None:
        raise KeyError(f"keyboard {keyboard.name} defines no layouts")
    return best


def macro_for_save(keyboard: Keyboard, used: Iterable[tuple[int, int]], requested: str | None) -> LayoutMacro:
    """`choose_macro` for a save being imported: a `--layout` the keyboard lacks is the user's
    FormatError, listing the layouts it has."""
    try:
        return choose_macro(keyboard, used, requested)
    except KeyError:
        raise FormatError(
            f"keyboard {keyboard.name} has no layout {requested}", hint=f"layouts: {', '.join(keyboard.layouts)}"
        ) from None


def layers_from_matrix(
    matrix_layers: Sequence[dict[tuple[int, int], str]],
    layer_names: Sequence[str],
    macro: LayoutMacro,
    *,
    save: str,
    keyboard_name: str,
    check_fit: bool,
    layouts: Mapping[str, LayoutMacro] | None = None,
) -> tuple[list[Layer], str | None]:
    """A save's matrix layers in `macro`'s key order, and the warning for keycodes left out: it names
    the keyboard's other layout (of `layouts`) with keys at those positions, or says none has any.

    With `check_fit` (no `--layout` given), a save whose base layer mostly has no place in the
    macro is a KeyboardMismatch naming `save` ("this VIA save") and the keyboard."""
    wrong = misfit(matrix_layers, macro) if check_fit else None
    if wrong:
        raise KeyboardMismatch(
            f"this {save} is not for {keyboard_name}: {wrong}",
            hint="check --keyboard (or pass --layout to take only the keys that fit)",
        )
    layers = [Layer(name, matrix_to_macro_order(m, macro)) for name, m in zip(layer_names, matrix_layers, strict=True)]
    gone = lost_positions(matrix_layers, macro)
    lost = describe_lost(gone, layer_names, macro)
    return layers, lost and lost + _where_lost_keys_fit({p for _, p, _ in gone}, macro, layouts, keyboard_name)


def _where_lost_keys_fit(
    positions: set[tuple[int, int]], macro: LayoutMacro, layouts: Mapping[str, LayoutMacro] | None, keyboard: str
) -> str:
    """The hint for keycodes a save holds where `macro` has no key: the layout of the keyboard with
    keys at the most of those positions, or that no layout has one (a key the save's firmware had
    beyond the board's QMK definition, such as a knob's turns played as matrix keys)."""
    if layouts is None:
        return " (pass --layout to pick another layout macro)"
    best = max(((len(positions & {p for p in macro_positions(m) if p is not None}), name)
                for name, m in layouts.items() if name != macro.name), default=(0, ""))
    if best[0]:
        return f" ({best[1]} has keys at {best[0]} of those positions: pass --layout {best[1]} to keep them)"
    return (f" (no layout of {keyboard} has a key there: the firmware that wrote the save had keys its QMK "
            "definition lacks)")


def layout_in_matrix(layout: Layout, keyboard: Keyboard) -> tuple[LayoutMacro, list[list[list[str]]]]:
    """The layout's macro and each of its layers as rows of `keyboard`'s matrix (KC_NO where no
    key sits), as VIA and Vial save a keymap; the chosen layout options decide shared positions."""
    try:
        macro = keyboard.layout(layout.layout_macro)
    except KeyError:
        raise FormatError(f"keyboard {keyboard.name} has no layout {layout.layout_macro}") from None
    size = matrix_size(keyboard)
    groups = option_groups(keyboard, layout.layout_options)
    return macro, [macro_order_to_matrix(layer.keys, macro, size, option_choices=groups) for layer in layout.layers]


def matrix_to_macro_order(
    matrix_layer: dict[tuple[int, int], str], macro: LayoutMacro, missing: str = "KC_NO"
) -> list[str]:
    """One layer, from matrix positions to the macro's key order."""
    return [missing if p is None else matrix_layer.get(p, missing) for p in macro_positions(macro)]


def lost_positions(
    matrix_layers: Sequence[dict[tuple[int, int], str]], macro: LayoutMacro
) -> list[tuple[int, tuple[int, int], str]]:
    """(layer, position, keycode) of assigned keycodes at matrix positions the macro has no key for
    (KC_NO and KC_TRNS there carry nothing)."""
    covered = {p for p in macro_positions(macro) if p is not None}
    lost: list[tuple[int, tuple[int, int], str]] = []
    for index, layer in enumerate(matrix_layers):
        for position, keycode in sorted(layer.items()):
            if position not in covered and keycode not in _UNUSED:
                lost.append((index, position, keycode))
    return lost


def misfit(matrix_layers: Sequence[dict[tuple[int, int], str]], macro: LayoutMacro) -> str | None:
    """Why a matrix-ordered save (VIA, Vial) belongs to another keyboard, or None: more keycodes
    of its base layer have no place in `macro` than choosing a layout explains (an ISO key on an
    ANSI macro, a definition's extra encoder column) — more than two, and more than a tenth."""
    if not matrix_layers:
        return None
    covered = {p for p in macro_positions(macro) if p is not None}
    used = [p for p, keycode in matrix_layers[0].items() if keycode not in _UNUSED]
    lost = [p for p in used if p not in covered]
    if len(lost) <= max(2, len(used) // 10):
        return None
    return f"{len(lost)} of the {len(used)} keys of its base layer have no place in {macro.name}"


def macro_order_to_matrix(
    keys: Sequence[str],
    macro: LayoutMacro,
    size: MatrixSize,
    fill: str = "KC_NO",
    option_choices: dict[int, int] | None = None,
) -> list[list[str]]:
    """One layer, from the macro's key order to rows of the matrix (`fill` where no key sits).

    When several keys of the macro share a matrix position (a VIA definition's layout
    options), the key of the chosen option (`option_choices`: group → choice) wins."""
    grid = [[fill] * size.cols for _ in range(size.rows)]
    owner: dict[tuple[int, int], Key] = {}
    for key, keycode in zip(macro.slot_keys, keys, strict=False):
        if key.matrix is None:
            continue
        row, col = key.matrix
        if row >= size.rows or col >= size.cols:
            continue
        previous = owner.get((row, col))
        if previous is not None and not _prefer(key, previous, option_choices or {}):
            continue
        owner[(row, col)] = key
        grid[row][col] = keycode
    return grid


def _prefer(key: Key, previous: Key, choices: dict[int, int]) -> bool:
    def chosen(k: Key) -> bool:
        return k.option is None or choices.get(k.option[0], 0) == k.option[1]

    return chosen(key) and not chosen(previous)


def grid_keyboard(name: str, positions: Iterable[tuple[int, int]], size: MatrixSize) -> Keyboard:
    """A keyboard drawn as its matrix: one 1u key per used position, at (column, row).

    For saves of keyboards keyconf has no definition for: the layout keeps every key and
    carries this geometry with it, so it opens anywhere and exports back to the same matrix."""
    keys = [Key(x=float(col), y=float(row), matrix=(row, col)) for row, col in sorted(set(positions))]
    return Keyboard(
        name=name,
        display_name=name,
        matrix_rows=size.rows,
        matrix_cols=size.cols,
        layouts={GRID_MACRO: LayoutMacro(GRID_MACRO, keys)},
    )


def pack_layout_options(keyboard: Keyboard, choices: dict[str, int]) -> int:
    """VIA's layout options number: groups in definition order, the first in the most significant bits."""
    value = 0
    for option in keyboard.layout_options:
        bits = _bits(option.choice_count)
        choice = choices.get(option.label, 0)
        value = (value << bits) | (choice & ((1 << bits) - 1))
    return value


def unpack_layout_options(keyboard: Keyboard, value: int) -> dict[str, int]:
    """The inverse of `pack_layout_options`: option label → chosen index."""
    choices: dict[str, int] = {}
    for option in reversed(keyboard.layout_options):
        bits = _bits(option.choice_count)
        choices[option.label] = value & ((1 << bits) - 1)
        value >>= bits
    return {o.label: choices[o.label] for o in keyboard.layout_options}


def _bits(choice_count: int) -> int:
    return max(1, math.ceil(math.log2(choice_count)))


def option_groups(keyboard: Keyboard, choices: dict[str, int]) -> dict[int, int]:
    """Layout option choices by group index, as `Key.option` refers to them."""
    return {i: choices.get(o.label, 0) for i, o in enumerate(keyboard.layout_options)}


def describe_lost(
    lost: Sequence[tuple[int, tuple[int, int], str]],
    layer_names: Sequence[str],
    macro: LayoutMacro,
    shown: int = 8,
) -> str | None:
    """One warning for keycodes left behind at matrix positions `macro` has no key for."""
    if not lost:
        return None
    items = [f"{layer_names[i]} r{row}c{col} {keycode}" for i, (row, col), keycode in lost[:shown]]
    more = f" and {len(lost) - shown} more" if len(lost) > shown else ""
    return (
        f"{len(lost)} keycode(s) sit at matrix positions {macro.name} has no key for and were left out: "
        + ", ".join(items)
        + more
    )
