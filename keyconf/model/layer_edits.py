"""Whole-layout edits around layers: rename (following every reference), duplicate, remove,
reorder, and finding what refers to a layer.

Layers are referred to by name in keycode expressions (`LT(nav, KC_SPC)`, `MO(sym)`) and
in combo / key override layer lists, or by number (`MO(1)`, as imported files have). Every
edit keeps each reference on the layer it named: renames rewrite names, and edits that
change layer numbers (add, duplicate, remove, move) renumber numeric references — one to a
removed layer becomes that layer's name, which validation reports as unknown. The keycode
registry rewrites expressions; this module knows where in a `Layout` keycodes live. Pure:
edits the given Layout in place.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from keyconf.model.layout import Combo, KeyOverride, Layer, Layout, keycode_fields

_LAYER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class KeycodeSite:
    """Where one keycode text lives in a layout, for messages and selection."""

    where: str  # "layer", "encoder", "tap_dance", "combo", "key_override", "macro"
    text: str
    layer: int | None = None
    slot: int | None = None  # key slot in a layer, encoder index, or item index for the others

    def describe(self, layout: Layout) -> str:
        if self.where == "layer" and self.layer is not None:
            return f"layer {layout.layers[self.layer].name}, key {self.slot}"
        if self.where == "encoder" and self.layer is not None:
            return f"layer {layout.layers[self.layer].name}, encoder {self.slot}"
        return f"{self.where.replace('_', ' ')} {self.slot}"


def keycode_sites(layout: Layout) -> Iterator[KeycodeSite]:
    """Every keycode text of the layout with where it is."""
    for field in keycode_fields(layout, macros=False):
        section, index = field.location[0], field.location[1]
        assert isinstance(index, int)
        if section == "layers":
            yield KeycodeSite("layer", field.text, index, int(field.location[2]))
        elif section == "encoders":
            yield KeycodeSite("encoder", field.text, index, int(field.location[2]))
        else:
            yield KeycodeSite(str(section).rstrip("s"), field.text, None, index)


def map_keycodes(layout: Layout, change: Callable[[str], str]) -> int:
    """Replace every keycode text `t` of the layout by `change(t)`; returns how many changed."""
    changed = 0
    for field in list(keycode_fields(layout)):
        new = change(field.text)
        if new != field.text:
            field.set(new)
            changed += 1
    return changed


def parse_context(layout: Layout):  # -> keycodes.ParseContext (imported lazily: the registry is big)
    from keyconf.model.layout import keycode_context

    return keycode_context(layout)


def layer_references(layout: Layout, name: str) -> list[KeycodeSite]:
    """Keycodes and combo / key override layer lists that name layer `name`."""
    from keyconf.model.keycodes import REGISTRY, KeycodeError

    ctx = parse_context(layout)
    index = layout.layer_index(name)
    found = []
    for site in keycode_sites(layout):
        try:
            kc = REGISTRY.parse(site.text, ctx)
        except KeycodeError:
            continue
        # A reference is a name, or a layer number (LT(2, KC_A)) that is this layer's index.
        if any(ref == name or (isinstance(ref, int) and ref == index) for ref in kc.layer_refs()):
            found.append(site)
    for i, combo in enumerate(layout.combos):
        if combo.layers and name in combo.layers:
            found.append(KeycodeSite("combo", name, None, i))
    for i, override in enumerate(layout.key_overrides):
        if override.layers and name in override.layers:
            found.append(KeycodeSite("key_override", name, None, i))
    return found


def layer_name_problem(layout: Layout, name: str, *, renaming: str | None = None) -> str | None:
    """Why `name` cannot name a layer of `layout` (None when it can)."""
    if not _LAYER_NAME.match(name):
        return "A layer name is letters, digits and _ and does not start with a digit"
    if name != renaming and name in layout.layer_names:
        return f"There is already a layer named {name}"
    from keyconf.model.keycodes import REGISTRY

    if REGISTRY.get(name) is not None:
        return f"{name} is a keycode name; choose another layer name"
    return None


def unique_layer_name(layout: Layout, base: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]", "_", base) or "layer"
    if stem[0].isdigit():
        stem = "layer_" + stem
    if stem not in layout.layer_names:
        return stem
    n = 2
    while f"{stem}{n}" in layout.layer_names:
        n += 1
    return f"{stem}{n}"


def rename_layer(layout: Layout, old: str, new: str) -> int:
    """Rename a layer and every reference to it; returns how many keycodes changed. Text that
    does not parse (a reference to a deleted layer, a typo) is left for validation to report."""
    from keyconf.model.keycodes import REGISTRY, KeycodeError

    ctx = parse_context(layout)
    index = layout.layer_index(old)
    if index is None:
        raise KeyError(old)

    def change(text: str) -> str:
        try:
            return REGISTRY.rename_layer(text, old, new, ctx)
        except KeycodeError:
            return text

    changed = map_keycodes(layout, change)
    layout.layers[index].name = new
    items: list[Combo | KeyOverride] = [*layout.combos, *layout.key_overrides]
    for item in items:
        if item.layers:
            item.layers = [new if name == old else name for name in item.layers]
    return changed


def add_layer(layout: Layout, name: str, index: int | None = None, fill: str = "KC_TRNS") -> int:
    """Insert an empty (all `fill`) layer; returns its index."""
    keys = len(layout.layers[0].keys) if layout.layers else 0
    encoders = len(layout.layers[0].encoders) if layout.layers else 0
    from keyconf.model.layout import EncoderAction

    layer = Layer(name, [fill] * keys, [EncoderAction(fill, fill) for _ in range(encoders)])
    position = len(layout.layers) if index is None else max(0, min(index, len(layout.layers)))
    before = list(layout.layers)
    layout.layers.insert(position, layer)
    keep_numbered_references(layout, before)
    return position


def duplicate_layer(layout: Layout, index: int, name: str) -> int:
    copy_ = copy.deepcopy(layout.layers[index])
    copy_.name = name
    before = list(layout.layers)
    layout.layers.insert(index + 1, copy_)
    keep_numbered_references(layout, before)
    return index + 1


def remove_layer(layout: Layout, index: int) -> Layer:
    before = list(layout.layers)
    removed = layout.layers.pop(index)
    keep_numbered_references(layout, before)
    return removed


def move_layer(layout: Layout, index: int, to: int) -> int:
    to = max(0, min(to, len(layout.layers) - 1))
    before = list(layout.layers)
    layer = layout.layers.pop(index)
    layout.layers.insert(to, layer)
    keep_numbered_references(layout, before)
    return to


def keep_numbered_references(layout: Layout, before: list[Layer]) -> int:
    """After the layers were added, removed or reordered (`before`: the layer objects as they
    were), point every numeric layer reference at the layer it meant. A number that named a
    layer now gone becomes its name; a number past the old layers stays. Returns how many
    keycodes changed; text that does not parse is left for validation to report."""
    from keyconf.model.keycodes import REGISTRY, KeycodeError
    from keyconf.model.keycodes.types import LayerRef

    now = {id(layer): index for index, layer in enumerate(layout.layers)}
    if all(now.get(id(layer)) == index for index, layer in enumerate(before)):
        return 0

    def relink(ref: LayerRef) -> LayerRef:
        if not isinstance(ref, int) or not 0 <= ref < len(before):
            return ref
        return now.get(id(before[ref]), before[ref].name)

    ctx = parse_context(layout)

    def change(text: str) -> str:
        try:
            return REGISTRY.relink_layers(text, relink, ctx)
        except KeycodeError:
            return text

    return map_keycodes(layout, change)
