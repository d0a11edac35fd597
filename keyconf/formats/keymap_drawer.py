"""Write a layout as keymap-drawer YAML (caksoylar/keymap-drawer's KEYMAP_SPEC), to draw it there.

    layout: {qmk_keyboard: crkbd/rev1, layout_name: LAYOUT_split_3x6_3}
    layers:
      base:
        - [Q, W, E, ...]                  # one list per physical row
        - [{t: Space, h: nav}, ...]       # tap / hold legends
    combos:
      - {p: [13, 14], k: Esc, l: [base]}  # key positions in layer order

Legends come from the keycode registry, so they read as keyconf's own pictures do;
transparent keys are drawn as keymap-drawer's "trans" type. Only written, never read:
keymap-drawer YAML holds legends, not keycodes."""

from __future__ import annotations

from typing import Any

import yaml

from keyconf.formats import foreign_keycodes as fk
from keyconf.formats.yaml_layout_write import rows_for_keys
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.layout import Combo, Layout

TRANSPARENT = {"t": "▽", "type": "trans"}


def layout_to_keymap_drawer(layout: Layout, keyboard: Keyboard | None = None) -> str:
    """keymap-drawer YAML for `layout`; `keyboard` (its geometry) splits layers into physical rows."""
    ctx = fk.context(layout)
    macro = keyboard.find_layout(layout.layout_macro) if keyboard is not None else None
    physical: dict[str, Any] = {"qmk_keyboard": layout.keyboard}
    if layout.layout_macro:
        physical["layout_name"] = layout.layout_macro
    layers: dict[str, list[list[Any]]] = {}
    for layer in layout.layers:
        keys = [key_spec(text, ctx) for text in layer.keys]
        rows: list[list[Any]] = []
        start = 0
        for length in rows_for_keys(macro, len(keys)):
            rows.append(keys[start : start + length])
            start += length
        layers[layer.name] = rows
    data: dict[str, Any] = {"layout": physical, "layers": layers}
    combos = [spec for spec in (_combo_spec(c, layout, ctx) for c in layout.combos) if spec]
    if combos:
        data["combos"] = combos
    header = f"# {layout.name or layout.keyboard} — written by keyconf for keymap-drawer (`keymap draw`)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)


def key_spec(text: str, ctx: ParseContext) -> Any:
    """One key as keymap-drawer draws it: a legend, or {t: tap, h: hold}."""
    try:
        kc = REGISTRY.parse(text, ctx)
    except KeycodeError:
        return text.strip()
    if REGISTRY.format(kc) == "KC_TRNS":
        return dict(TRANSPARENT)
    if REGISTRY.format(kc) == "KC_NO":
        return ""
    legend = REGISTRY.legend(kc, ctx)
    if legend.hold:
        return {"t": legend.tap, "h": legend.hold}
    return legend.tap


def _combo_spec(combo: Combo, layout: Layout, ctx: ParseContext) -> dict[str, Any] | None:
    """A combo by the positions of its keys on the first layer it works on (legends if a key is missing)."""
    layer_name = (combo.layers or layout.layer_names or [""])[0]
    index = layout.layer_index(layer_name)
    action = key_spec(combo.action, ctx)
    spec: dict[str, Any]
    if index is not None:
        keys = layout.layers[index].keys
        positions = [_position(keys, k, ctx) for k in combo.keys]
        if all(p is not None for p in positions):
            spec = {"p": positions, "k": action}
        else:
            spec = {"tk": [key_spec(k, ctx) for k in combo.keys], "k": action}
    else:
        spec = {"tk": [key_spec(k, ctx) for k in combo.keys], "k": action}
    if combo.layers:
        spec["l"] = list(combo.layers)
    return spec


def _position(keys: list[str], wanted: str, ctx: ParseContext) -> int | None:
    for i, text in enumerate(keys):
        if fk.same_keycode(text, ctx, wanted, ctx):
            return i
    return None
