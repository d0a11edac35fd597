"""Take a layout to another keyboard: every layer's keys moved to the keys that play their part.

One match (`keyconf.model.key_matching.match_keys`) serves every layer, encoders included.
Nothing is lost silently: keys with no place are listed per layer (dropped), target keys
nothing lands on are `KC_NO` and listed (unfilled), combos whose keys left the board are
reported, and the result is validated against the new board. Layer keys, macros, tap dances,
key overrides, custom keycodes and settings come along unchanged: they name layers and keys
by meaning, not by position. Pure: the faces (`keyconf retarget`, the window) read and write.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyconf.model.key_matching import KeyMatch, match_keys
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.layout import Combo, EncoderAction, Layer, Layout, keycode_context
from keyconf.model.problems import Problem
from keyconf.model.starter_layout import encoder_count
from keyconf.model.validation import validate

UNFILLED = "KC_NO"


@dataclass
class LayerMove:
    """What happened to one layer: source key index → target key index for every key that
    found a place, source keys that did not (dropped), target keys nothing landed on (unfilled)."""

    name: str
    moved: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    unfilled: list[int] = field(default_factory=list)
    encoders_dropped: list[int] = field(default_factory=list)  # source encoder indices
    encoders_unfilled: list[int] = field(default_factory=list)  # target encoder indices


@dataclass
class Retargeted:
    """The moved layout and the account of the move."""

    layout: Layout
    source_macro: LayoutMacro
    target_macro: LayoutMacro
    match: KeyMatch
    layers: list[LayerMove]
    combos: list[str] = field(default_factory=list)  # combos some of whose keys left the board
    layout_options: list[str] = field(default_factory=list)  # options the new board does not have
    problems: list[Problem] = field(default_factory=list)  # validation of the result

    @property
    def dropped_count(self) -> int:
        return sum(len(layer.dropped) for layer in self.layers)


def letter_keys(keys: Sequence[str], ctx: ParseContext) -> list[int]:
    """Indices of the keys whose tap action types a letter (`KC_A`, `LGUI_T(KC_A)`, `DE_Z`)."""
    found: list[int] = []
    for index, text in enumerate(keys):
        try:
            tap = REGISTRY.legend(REGISTRY.parse(text, ctx), ctx).tap
        except KeycodeError:
            continue
        if len(tap) == 1 and tap.isalpha():
            found.append(index)
    return found


def best_macro(layout: Layout, source: Keyboard, target: Keyboard) -> str:
    """The target's layout macro that gives the layout's keys the most places (fewest keys
    dropped, then fewest left unfilled; the board's first macro on a tie)."""
    source_keys = source.layout(layout.layout_macro).slot_keys
    letters = _base_letters(layout)
    macros = list(target.layouts.items())
    # Try the macros closest in size first; skip one that cannot beat the best so far (a macro
    # with k keys fewer than the source drops at least k), which leaves the answer unchanged.
    order = sorted(range(len(macros)), key=lambda n: (abs(macros[n][1].key_count - len(source_keys)), n))
    best: tuple[int, int, int] | None = None
    chosen = macros[0][0]
    for n in order:
        name, macro = macros[n]
        count = macro.key_count
        bound = (max(0, len(source_keys) - count), max(0, count - len(source_keys)), n)
        if best is not None and bound > best:
            continue
        match = match_keys(source_keys, macro.slot_keys, letters)
        score = (len(match.dropped), len(match.unfilled), n)
        if best is None or score < best:
            best, chosen = score, name
    return chosen


def retarget_layout(
    layout: Layout,
    source: Keyboard,
    target: Keyboard,
    macro: str | None = None,
    embed_geometry: bool = False,
    lint: bool = True,
) -> Retargeted:
    """`layout` (for `source`) moved onto `target`'s macro `macro` (None: `best_macro`).

    `embed_geometry` stores the target's geometry in the result, for boards that come from a
    definition file rather than the catalogue; `lint` False leaves `problems` empty (a caller
    that validates the result itself). Raises KeyError for an unknown macro."""
    source_macro = source.layout(layout.layout_macro)
    target_macro = target.layout(macro if macro is not None else best_macro(layout, source, target))
    source_keys, target_keys = source_macro.slot_keys, target_macro.slot_keys
    match = match_keys(source_keys, target_keys, _base_letters(layout))
    target_encoders = encoder_count(target, target_macro.keys)

    # Layers are rebuilt below; everything else is copied whole.
    result = copy.deepcopy(dataclasses.replace(layout, layers=[], geometry=None))
    result.keyboard = target.name
    result.layout_macro = target_macro.name
    result.geometry = target if embed_geometry else None
    known_options = {option.label for option in target.layout_options}
    gone_options = sorted(label for label in layout.layout_options if label not in known_options)
    result.layout_options = {k: v for k, v in layout.layout_options.items() if k in known_options}

    moves: list[LayerMove] = []
    for layer in layout.layers:
        keys, move = _move_layer(layer, match, len(target_keys))
        encoders = [copy.copy(e) for e in layer.encoders[:target_encoders]]
        move.encoders_dropped = list(range(target_encoders, len(layer.encoders)))
        if layer.encoders:  # a layer with no encoder actions keeps none
            move.encoders_unfilled = list(range(len(encoders), target_encoders))
            encoders += [EncoderAction(UNFILLED, UNFILLED) for _ in move.encoders_unfilled]
        result.layers.append(Layer(layer.name, keys, encoders))
        moves.append(move)
    retargeted = Retargeted(result, source_macro, target_macro, match, moves, layout_options=gone_options)
    retargeted.combos = _stranded_combos(layout, result)
    if lint:
        retargeted.problems = validate(result, target)
    return retargeted


def layouts_match(old: Layout, old_board: Keyboard, new: Layout, new_board: Keyboard) -> KeyMatch | None:
    """How the keys of two layouts for different boards pair up: the match `retarget_layout`
    uses for `old` moved to `new`'s board. None when both are for the same board and macro,
    or a macro is unknown (then keys compare position by position)."""
    if (old.keyboard, old.layout_macro) == (new.keyboard, new.layout_macro):
        return None
    try:
        old_macro, new_macro = old_board.layout(old.layout_macro), new_board.layout(new.layout_macro)
    except KeyError:
        return None
    if old_macro.slot_keys == new_macro.slot_keys:
        return None
    return match_keys(old_macro.slot_keys, new_macro.slot_keys, _base_letters(old))


def _base_letters(layout: Layout) -> list[int]:
    if not layout.layers:
        return []
    return letter_keys(layout.layers[0].keys, keycode_context(layout))


def _move_layer(layer: Layer, match: KeyMatch, size: int) -> tuple[list[str], LayerMove]:
    keys = [UNFILLED] * size
    move = LayerMove(layer.name)
    for i, text in enumerate(layer.keys):
        j = match.target_of[i] if i < len(match.target_of) else None  # keys beyond the macro: no place
        if j is None:
            move.dropped.append(i)
        else:
            keys[j] = text
            move.moved.append((i, j))
    filled = {j for _, j in move.moved}
    move.unfilled = [j for j in range(size) if j not in filled]
    return keys, move


def _stranded_combos(before: Layout, after: Layout) -> list[str]:
    """Combos fire on keycodes found on keys: one whose keys were on the old board but are on
    no key of its layers now can no longer be pressed."""
    if not before.combos:
        return []
    ctx_before, ctx_after = keycode_context(before), keycode_context(after)
    had_by_layer = _layer_keycodes(before, ctx_before)
    has_by_layer = _layer_keycodes(after, ctx_after)
    lines: list[str] = []
    for index, combo in enumerate(before.combos):
        had = _union(had_by_layer, combo)
        has = _union(has_by_layer, combo)
        missing = [k for k in combo.keys if _canonical(k, ctx_before) in had and _canonical(k, ctx_after) not in has]
        if missing:
            name = combo.name or f"combo {index}"
            lines.append(
                f"{name} ({' + '.join(combo.keys)} → {combo.action}): "
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} on no key any more"
            )
    return lines


def _layer_keycodes(layout: Layout, ctx: ParseContext) -> dict[str, set[str]]:
    """Layer name → the canonical keycodes on its keys (each spelling parsed once)."""
    seen: dict[str, str] = {}
    result: dict[str, set[str]] = {}
    for layer in layout.layers:
        codes = result.setdefault(layer.name, set())
        for text in layer.keys:
            if text not in seen:
                seen[text] = _canonical(text, ctx)
            codes.add(seen[text])
    return result


def _union(by_layer: dict[str, set[str]], combo: Combo) -> set[str]:
    names = combo.layers if combo.layers else list(by_layer)
    result: set[str] = set()
    for name in names:
        result |= by_layer.get(name, set())
    return result


def _canonical(text: str, ctx: ParseContext) -> str:
    try:
        return REGISTRY.format(REGISTRY.parse(text, ctx))
    except KeycodeError:
        return "".join(text.split())
