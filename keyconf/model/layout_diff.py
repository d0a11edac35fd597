"""What differs between two layouts, in terms a person checks: keys, layers, macros, combos…

Keys are compared by meaning, not spelling: `KC_ENT` and `KC_ENTER` are the same key, and so
are `MO(1)` and `MO(nav)` when layer 1 is `nav`. Layers are matched by name; layers whose
names appear on one side only are matched by content, so a renamed layer shows as a rename
with its few changed keys rather than as one layer removed and another added.
Layouts for different boards (a layout and its `keyconf retarget` copy) are compared key by
key through a pairing of the old board's keys with the new one's (`key_pairs`, the match the
move used): keys that kept their keycode at their new place are counted, keys that changed,
found no place, or appeared are listed with both places.
Pure: faces (the `keyconf diff` command, the GUI's diff view) decide how to show it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.layout import Combo, KeyOverride, Layer, Layout, Macro, TapDance, keycode_context

# A layer is taken for a renamed one when at least this share of its keys is unchanged.
RENAME_SIMILARITY = 0.5


def layout_context(layout: Layout) -> ParseContext:
    return keycode_context(layout)


def same_keycode(a: str, ctx_a: ParseContext, b: str, ctx_b: ParseContext) -> bool:
    """Whether two keycode texts do the same: the same text, the same canonical form, or the same
    value with layer and tap-dance names resolved each in its own layout."""
    if a.strip() == b.strip():
        return True
    try:
        ka, kb = REGISTRY.parse(a, ctx_a), REGISTRY.parse(b, ctx_b)
    except KeycodeError:
        return "".join(a.split()) == "".join(b.split())
    if REGISTRY.format(ka) == REGISTRY.format(kb):
        return True
    try:
        return REGISTRY.encode(ka, ctx_a) == REGISTRY.encode(kb, ctx_b)
    except KeycodeError:
        return False


def legend_text(text: str, ctx: ParseContext) -> str:
    """A short label for keycode text (`A`, `Space/nav`); the text itself when it is not a keycode."""
    try:
        legend = REGISTRY.legend(REGISTRY.parse(text, ctx), ctx)
    except KeycodeError:
        return text.strip()
    return f"{legend.tap}/{legend.hold}" if legend.hold else legend.tap


@dataclass(frozen=True)
class KeyChange:
    """One key that differs. `old` "" : the key is only in the new layout; `new` "": only in the old.

    `index` is the key's position in the old layout's key order (in the new one's for a key only
    the new layout has); `new_index` its position in the new layout's, which differs only when
    the two layouts are for different boards (None: the key has no place on the new board)."""

    index: int
    old: str
    new: str
    old_legend: str
    new_legend: str
    new_index: int | None = None


@dataclass(frozen=True)
class EncoderChange:
    encoder: int
    direction: str  # "ccw" or "cw"
    old: str
    new: str


@dataclass
class LayerDiff:
    """One layer on either side. `old_name` None: added; `new_name` None: removed."""

    old_name: str | None
    new_name: str | None
    old_index: int | None
    new_index: int | None
    keys: list[KeyChange] = field(default_factory=list)
    encoders: list[EncoderChange] = field(default_factory=list)
    relocated: int = 0  # keys with the same keycode at their place on another board

    @property
    def added(self) -> bool:
        return self.old_name is None

    @property
    def removed(self) -> bool:
        return self.new_name is None

    @property
    def renamed(self) -> bool:
        return self.old_name is not None and self.new_name is not None and self.old_name != self.new_name

    @property
    def moved(self) -> bool:
        return not self.added and not self.removed and self.old_index != self.new_index

    @property
    def changed(self) -> bool:
        return self.added or self.removed or self.renamed or self.moved or bool(self.keys or self.encoders)


@dataclass
class LayoutDiff:
    layers: list[LayerDiff] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # macros, combos, settings… one line each

    @property
    def same(self) -> bool:
        return not self.other and not any(layer.changed for layer in self.layers)

    @property
    def changed_layers(self) -> list[LayerDiff]:
        return [layer for layer in self.layers if layer.changed]

    def summary(self) -> str:
        """One line: what changed, counted."""
        if self.same:
            return "no differences"
        parts: list[str] = []
        relocated = sum(layer.relocated for layer in self.layers)
        if relocated:
            parts.append(f"{relocated} key{'s' if relocated != 1 else ''} moved to the new board unchanged")
        keys = sum(len(layer.keys) for layer in self.layers if not layer.added and not layer.removed)
        with_keys = sum(1 for layer in self.layers if layer.keys and not layer.added and not layer.removed)
        if keys:
            parts.append(
                f"{keys} key{'s' if keys != 1 else ''} changed in {with_keys} layer{'s' if with_keys != 1 else ''}"
            )
        encoders = sum(len(layer.encoders) for layer in self.layers if not layer.added and not layer.removed)
        if encoders:
            parts.append(f"{encoders} encoder action{'s' if encoders != 1 else ''} changed")
        for what, test in (
            ("added", lambda d: d.added),
            ("removed", lambda d: d.removed),
            ("renamed", lambda d: d.renamed),
            ("moved", lambda d: d.moved),
        ):
            count = sum(1 for layer in self.layers if test(layer))
            if count:
                parts.append(f"{count} layer{'s' if count != 1 else ''} {what}")
        if self.other:
            parts.append(f"{len(self.other)} other change{'s' if len(self.other) != 1 else ''}")
        return "; ".join(parts)


BOARD_ONLY_KEYMAP = frozenset({"settings", "tap_dances", "combos", "key_overrides"})


def diff_layouts(
    old: Layout, new: Layout, skip: Collection[str] = (), key_pairs: Sequence[int | None] | None = None
) -> LayoutDiff:
    """Everything that differs from `old` to `new`, leaving out the sections named in `skip`
    (e.g. `BOARD_ONLY_KEYMAP` when `new` was read from a VIA board, which holds none of them).

    `key_pairs[i]` is where old key i sits in the new layout (None: nowhere), for layouts of
    different boards (`keyconf.model.key_matching.match_keys(...).target_of`); without it keys
    are compared position by position."""
    ctx_old, ctx_new = layout_context(old), layout_context(new)
    result = LayoutDiff()
    pairs = _match_layers(old, new, ctx_old, ctx_new, key_pairs)
    for old_index, new_index in pairs:
        old_layer = old.layers[old_index] if old_index is not None else None
        new_layer = new.layers[new_index] if new_index is not None else None
        entry = LayerDiff(
            old_layer.name if old_layer else None,
            new_layer.name if new_layer else None,
            old_index,
            new_index,
        )
        if old_layer is not None and new_layer is not None and key_pairs is not None:
            entry.keys, entry.relocated = _paired_key_changes(old_layer, new_layer, ctx_old, ctx_new, key_pairs)
            entry.encoders = _encoder_changes(old_layer, new_layer, ctx_old, ctx_new)
        elif old_layer is not None and new_layer is not None:
            entry.keys = _key_changes(old_layer, new_layer, ctx_old, ctx_new)
            entry.encoders = _encoder_changes(old_layer, new_layer, ctx_old, ctx_new)
        result.layers.append(entry)
    result.other = _other_changes(old, new, ctx_old, ctx_new, frozenset(skip))
    return result


def _match_layers(
    old: Layout, new: Layout, ctx_old: ParseContext, ctx_new: ParseContext, key_pairs: Sequence[int | None] | None
) -> list[tuple[int | None, int | None]]:
    pairs: dict[int, int] = {}
    for i, layer in enumerate(old.layers):
        j = new.layer_index(layer.name)
        if j is not None:
            pairs[i] = j
    left = [i for i in range(len(old.layers)) if i not in pairs]
    right = [j for j in range(len(new.layers)) if j not in pairs.values()]
    scored = sorted(
        (
            (_similarity(old.layers[i], new.layers[j], ctx_old, ctx_new, key_pairs), -abs(i - j), i, j)
            for i in left
            for j in right
        ),
        reverse=True,
    )
    for score, _, i, j in scored:
        if score < RENAME_SIMILARITY:
            break
        if i in pairs or j in pairs.values():
            continue
        pairs[i] = j
    ordered: list[tuple[int | None, int | None]] = []
    by_new = {j: i for i, j in pairs.items()}
    for j in range(len(new.layers)):
        ordered.append((by_new.get(j), j))
    for i in range(len(old.layers)):
        if i not in pairs:
            ordered.append((i, None))
    return ordered


def _similarity(
    a: Layer, b: Layer, ctx_a: ParseContext, ctx_b: ParseContext, key_pairs: Sequence[int | None] | None = None
) -> float:
    length = max(len(a.keys), len(b.keys))
    if not length:
        return 1.0
    if key_pairs is None:
        pairs = list(zip(a.keys, b.keys, strict=False))
    else:
        pairs = [
            (a.keys[i], b.keys[j]) for i, j in enumerate(key_pairs[: len(a.keys)]) if j is not None and j < len(b.keys)
        ]
    same = sum(1 for x, y in pairs if same_keycode(x, ctx_a, y, ctx_b))
    return same / length


def _paired_key_changes(
    old: Layer, new: Layer, ctx_old: ParseContext, ctx_new: ParseContext, key_pairs: Sequence[int | None]
) -> tuple[list[KeyChange], int]:
    """Changes between layers of different boards, old key i compared with new key
    `key_pairs[i]`; and how many keys kept their keycode at their new place."""
    changes: list[KeyChange] = []
    relocated = 0
    landed: set[int] = set()
    for i, a in enumerate(old.keys):
        j = key_pairs[i] if i < len(key_pairs) else None
        if j is None or j >= len(new.keys):
            changes.append(KeyChange(i, a, "", legend_text(a, ctx_old), "—", None))
            continue
        landed.add(j)
        b = new.keys[j]
        if same_keycode(a, ctx_old, b, ctx_new):
            relocated += 1
        else:
            changes.append(KeyChange(i, a, b, legend_text(a, ctx_old), legend_text(b, ctx_new), j))
    for j, b in enumerate(new.keys):
        if j not in landed:
            changes.append(KeyChange(j, "", b, "—", legend_text(b, ctx_new), j))
    return changes, relocated


def _key_changes(old: Layer, new: Layer, ctx_old: ParseContext, ctx_new: ParseContext) -> list[KeyChange]:
    changes: list[KeyChange] = []
    for index in range(max(len(old.keys), len(new.keys))):
        a = old.keys[index] if index < len(old.keys) else ""
        b = new.keys[index] if index < len(new.keys) else ""
        if a and b and same_keycode(a, ctx_old, b, ctx_new):
            continue
        changes.append(
            KeyChange(index, a, b, legend_text(a, ctx_old) if a else "—", legend_text(b, ctx_new) if b else "—")
        )
    return changes


def _encoder_changes(old: Layer, new: Layer, ctx_old: ParseContext, ctx_new: ParseContext) -> list[EncoderChange]:
    changes: list[EncoderChange] = []
    for index in range(max(len(old.encoders), len(new.encoders))):
        for direction in ("ccw", "cw"):
            a = getattr(old.encoders[index], direction) if index < len(old.encoders) else "KC_TRNS"
            b = getattr(new.encoders[index], direction) if index < len(new.encoders) else "KC_TRNS"
            if not same_keycode(a, ctx_old, b, ctx_new):
                changes.append(EncoderChange(index, direction, a, b))
    return changes


def _other_changes(
    old: Layout, new: Layout, ctx_old: ParseContext, ctx_new: ParseContext, skip: frozenset[str]
) -> list[str]:
    lines: list[str] = []
    for what, a, b in (
        ("keyboard", old.keyboard, new.keyboard),
        ("layout macro", old.layout_macro, new.layout_macro),
    ):
        if a != b:
            lines.append(f"{what}: {a or '—'} → {b or '—'}")
    lines += _mapping_changes("layout option", old.layout_options, new.layout_options)
    if "settings" not in skip:
        lines += _mapping_changes("setting", old.settings, new.settings)
    lines += _list_changes(
        "macro", old.macros, new.macros, _macro_text, lambda x, y: _same_macro(x, y, ctx_old, ctx_new)
    )
    if "tap_dances" not in skip:
        lines += _list_changes(
            "tap dance",
            old.tap_dances,
            new.tap_dances,
            _tap_dance_text,
            lambda x, y: _same_tap_dance(x, y, ctx_old, ctx_new),
        )
    if "combos" not in skip:
        lines += _list_changes(
            "combo", old.combos, new.combos, _combo_text, lambda x, y: _same_combo(x, y, ctx_old, ctx_new)
        )
    if "key_overrides" not in skip:
        lines += _list_changes(
            "key override",
            old.key_overrides,
            new.key_overrides,
            _override_text,
            lambda x, y: _same_override(x, y, ctx_old, ctx_new),
        )
    return lines


def _mapping_changes(what: str, old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            lines.append(f"{what} {key} removed (was {old[key]})")
        elif key not in old:
            lines.append(f"{what} {key} added: {new[key]}")
        elif old[key] != new[key]:
            lines.append(f"{what} {key}: {old[key]} → {new[key]}")
    return lines


def _list_changes(
    what: str,
    old: Sequence[Any],
    new: Sequence[Any],
    text: Callable[[Any], str],
    same: Callable[[Any, Any], bool],
) -> list[str]:
    lines = []
    for index in range(max(len(old), len(new))):
        if index >= len(new):
            lines.append(f"{what} {index} removed: {text(old[index])}")
        elif index >= len(old):
            lines.append(f"{what} {index} added: {text(new[index])}")
        elif not same(old[index], new[index]):
            lines.append(f"{what} {index}: {text(old[index])} → {text(new[index])}")
    return lines


def _macro_text(macro: Macro) -> str:
    parts = []
    for step in macro.steps:
        if step.kind == "text":
            parts.append(repr(step.value))
        elif step.kind == "delay":
            parts.append(f"wait {step.value}ms")
        else:
            keys = [step.value] if isinstance(step.value, str) else list(step.value)  # type: ignore[arg-type]
            parts.append(f"{step.kind} {'+'.join(str(k) for k in keys)}")
    return ", ".join(parts) or "(empty)"


def _same_macro(a: Macro, b: Macro, ctx_a: ParseContext, ctx_b: ParseContext) -> bool:
    if len(a.steps) != len(b.steps):
        return False
    for x, y in zip(a.steps, b.steps, strict=True):
        if x.kind != y.kind:
            return False
        if x.kind in ("text", "delay"):
            if x.value != y.value:
                return False
            continue
        xs = [x.value] if isinstance(x.value, str) else list(x.value)  # type: ignore[arg-type]
        ys = [y.value] if isinstance(y.value, str) else list(y.value)  # type: ignore[arg-type]
        if len(xs) != len(ys) or not all(same_keycode(p, ctx_a, q, ctx_b) for p, q in zip(xs, ys, strict=True)):
            return False
    return True


def _tap_dance_text(td: TapDance) -> str:
    parts = [f"{td.name}: tap {td.tap}"]
    for label, value in (("hold", td.hold), ("double tap", td.double_tap), ("tap+hold", td.tap_hold)):
        if value:
            parts.append(f"{label} {value}")
    if td.tapping_term is not None:
        parts.append(f"term {td.tapping_term}")
    return ", ".join(parts)


def _same_tap_dance(a: TapDance, b: TapDance, ctx_a: ParseContext, ctx_b: ParseContext) -> bool:
    if a.tapping_term != b.tapping_term:
        return False
    for x, y in ((a.tap, b.tap), (a.hold, b.hold), (a.double_tap, b.double_tap), (a.tap_hold, b.tap_hold)):
        if not same_keycode(x or "KC_NO", ctx_a, y or "KC_NO", ctx_b):
            return False
    return True


def _combo_text(combo: Combo) -> str:
    where = f" on {', '.join(combo.layers)}" if combo.layers else ""
    return f"{' + '.join(combo.keys)} → {combo.action}{where}"


def _same_combo(a: Combo, b: Combo, ctx_a: ParseContext, ctx_b: ParseContext) -> bool:
    return (
        len(a.keys) == len(b.keys)
        and all(same_keycode(x, ctx_a, y, ctx_b) for x, y in zip(a.keys, b.keys, strict=True))
        and same_keycode(a.action, ctx_a, b.action, ctx_b)
        and a.layers == b.layers
        and a.term == b.term
    )


def _override_text(override: KeyOverride) -> str:
    mods = " | ".join(override.mods) or "no mods"
    return f"{mods} + {override.trigger} → {override.replacement}"


def _same_override(a: KeyOverride, b: KeyOverride, ctx_a: ParseContext, ctx_b: ParseContext) -> bool:
    return (
        same_keycode(a.trigger, ctx_a, b.trigger, ctx_b)
        and same_keycode(a.replacement, ctx_a, b.replacement, ctx_b)
        and sorted(a.mods) == sorted(b.mods)
        and a.layers == b.layers
        and sorted(a.negative_mods) == sorted(b.negative_mods)
        and a.suppressed_mods == b.suppressed_mods
        and a.options == b.options
        and a.enabled == b.enabled
    )
