"""VIA's saved layouts (`*.layout.json`): read into a keyconf Layout and write back for VIA to load.

The shape is what VIA's "Save + Load" pane writes (the-via/app save-load.tsx):

    {"name": "<keyboard name>", "vendorProductId": <VID << 16 | PID>,
     "macros": ["<macro in VIA's text notation>", ...],
     "layers": [["KC_ESC", "KC_1", ...], ...],          # each layer: rows × cols, row by row
     "encoders": [[[ccw, cw] per layer] per encoder]}   # newer VIA only

VIA's "Load" checks `vendorProductId` against the connected keyboard, that each layer has
exactly rows × cols keycodes, and (when the board has macros) that the macro count matches
the board's; keycode names must be ones VIA's dictionary knows. The layer lists carry no
row length, so reading one needs the keyboard definition (found by VID:PID or --keyboard)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keyconf.formats import foreign_keycodes as fk
from keyconf.formats.document_limits import MAX_TABLE_ENTRIES, too_many
from keyconf.formats.format_error import FormatError, KeyboardMismatch, check_keycode_layers, parse_json_object
from keyconf.formats.layer_names import default_layer_name
from keyconf.formats.matrix_order import layers_from_matrix, layout_in_matrix, macro_for_save, matrix_size
from keyconf.formats.named_keycodes import SAVE_KEY, names_out
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import (
    OP_RAW,
    REGISTRY,
    TAP_OPS,
    Keycode,
    KeycodeError,
    Numbering,
    ParseContext,
    format_mods,
)
from keyconf.model.keycodes.via_dictionary import via_name
from keyconf.model.layout import EncoderAction, Layout, Macro
from keyconf.model.macro_text import MacroTextError, format_macro_text, parse_macro_text

DEFAULT_MACRO_COUNT = 16  # QMK's DYNAMIC_KEYMAP_MACRO_COUNT default; VIA wants the board's exact count
# VIA's CUSTOM(n) range (the-via/app src/utils/key-to-byte/v12.ts, _QK_KB.._QK_KB_MAX): the
# keyboard's keycodes and the keymap's own (QK_USER_0 is CUSTOM(64)). VIA writes every value there
# as CUSTOM(n) and caps n when reading; past it, VIA has no spelling: a hex string in a save
# loads as KC_NO (save-load.tsx reads each key with getByteForCode, whose last resort,
# advancedStringToKeycode, returns 0 for text it does not know).
_QK_KB, _QK_KB_MAX = 0x7E00, 0x7EFF
_QK_USER_MAX = 0x7FFF


@dataclass
class ViaSave:
    """A VIA save as written (keycodes untranslated)."""

    name: str
    vendor_product_id: int
    layers: list[list[str]]
    macros: list[str] = field(default_factory=list)
    encoders: list[list[list[str]]] | None = None
    custom_names: Any = None  # keyconf's `keyconf_custom_keycodes` (see named_keycodes), as written
    unread: list[str] = field(default_factory=list)  # top-level fields VIA does not write (a hand-added tappingTerm)

    @property
    def vid(self) -> int:
        return (self.vendor_product_id >> 16) & 0xFFFF

    @property
    def pid(self) -> int:
        return self.vendor_product_id & 0xFFFF

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}"


# What VIA writes for a keycode its dictionary has no name for, inside a modifier wrapper.
_VIA_UNNAMED = re.compile(r"\bundefined\b")
# VIA's names, until its dictionary dropped them in December 2022, for TMK's Fn keys 0xC0-0xDF,
# which QMK no longer has; VIA now loads a save naming one as KC_NO (its modifiers kept).
_VIA_OLD_FN = re.compile(r"\bKC_FN(?:[12]?[0-9]|3[01])\b")
# VIA's text for a mod-tap holding no modifier (0x2000 | kc, read from the keyboard): its modifier list
# is empty. The key taps kc and holds nothing; VIA itself cannot read the text back (it loads KC_NO).
_VIA_MOD_TAP_WITHOUT_MODS = re.compile(r"MT\(\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)")


def _some_keys(texts: list[str]) -> str:
    """The first few of a warning's keys as written, and how many keys there are: `MT(,KC_C)` (1 key)."""
    shown = ", ".join(f"`{t}`" for t in dict.fromkeys(texts[:3]))
    return f"{shown}{' …' if len(texts) > 3 else ''} ({len(texts)} key{'s' if len(texts) != 1 else ''})"


# What VIA's "Save" writes: anything else in a save was added by hand or by another tool.
VIA_SAVE_FIELDS = ("name", "vendorProductId", "macros", "layers", "encoders")


def unread_fields_warning(kind: str, unread: list[str]) -> list[str]:
    """The warning for a save's top-level fields keyconf does not read (as keymap.json's are said)."""
    if not unread:
        return []
    shown = ", ".join(unread[:6]) + (f" and {len(unread) - 6} more" if len(unread) > 6 else "")
    return [f"{kind} fields keyconf layouts do not hold were not imported: {shown}"]


def looks_like_via_save(data: object) -> bool:
    return isinstance(data, dict) and "vendorProductId" in data and "layers" in data


def read_via_save(text: str, path: str | Path | None = None) -> ViaSave:
    """Parse VIA save text and check its shape; FormatError names what is wrong and where."""
    data, fail = parse_json_object(text, path, "VIA layout save", "a VIA save")
    vpid = data.get("vendorProductId")
    if isinstance(vpid, bool) or not isinstance(vpid, int) or vpid <= 0:
        raise fail("vendorProductId", "`vendorProductId` must be the keyboard's USB VID << 16 | PID")
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise fail("layers", "`layers` must be a non-empty list of layers")
    check_keycode_layers(layers, fail, "not a keycode name")
    if len({len(layer) for layer in layers}) > 1:
        raise fail("layers", f"layers hold different numbers of keys: {sorted({len(x) for x in layers})}")
    macros = data.get("macros", []) or []
    if not isinstance(macros, list) or not all(isinstance(m, str) for m in macros):
        raise fail("macros", "`macros` must be a list of texts")
    problem = too_many(len(macros), MAX_TABLE_ENTRIES, "macros")
    if problem:
        raise fail("macros", problem)
    encoders = data.get("encoders")
    if encoders is not None:
        ok = isinstance(encoders, list) and all(
            isinstance(enc, list)
            and all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(k, str) for k in pair) for pair in enc)
            for enc in encoders
        )
        if not ok:
            raise fail("encoders", "`encoders` must list, per encoder, a [counter-clockwise, clockwise] pair per layer")
    name = data.get("name")
    unread = [key for key in data if key not in VIA_SAVE_FIELDS and key != SAVE_KEY]
    return ViaSave(str(name) if name is not None else "", vpid, layers, macros, encoders, data.get(SAVE_KEY), unread)


_UNUSED = frozenset({"", "KC_NO", "XXXXXXX", "KC_TRNS", "_______", "0x0000", "0x0001"})


def used_positions(save: ViaSave) -> set[int]:
    """Matrix positions (row * cols + col) some layer of the save gives a keycode: where a
    board's keys must sit. VIA writes KC_NO (or KC_TRNS) where no switch is."""
    return {i for layer in save.layers for i, text in enumerate(layer) if text.strip() not in _UNUSED}


@dataclass
class ViaImport:
    layout: Layout
    warnings: list[str]


def via_to_layout(save: ViaSave, keyboard: Keyboard, layout_macro: str | None = None) -> ViaImport:
    """The Layout a VIA save holds, in one of `keyboard`'s layout macros."""
    warnings: list[str] = unread_fields_warning("VIA save", save.unread)
    size = matrix_size(keyboard)
    count = len(save.layers[0])
    if count != size.count:
        raise KeyboardMismatch(
            f"each layer of this VIA save has {count} keycodes, but {keyboard.name}'s matrix is "
            f"{size.rows}×{size.cols} = {size.count}",
            hint="the save belongs to another keyboard (or revision); check --keyboard",
        )
    names = [default_layer_name(i) for i in range(len(save.layers))]
    ctx = ParseContext(layers=names)

    lost_inside: list[str] = []
    old_fn: list[str] = []
    no_mod_taps: list[str] = []

    def kc(text: str) -> str:
        if not text.strip():
            warnings.append("VIA wrote an empty keycode (a value it has no name for); imported as KC_NO")
            return "KC_NO"
        if _VIA_UNNAMED.search(text):
            # VIA writes `S(undefined)` for modifiers around a key it has no name for, and loads
            # that back as the modifiers around KC_NO: the file lost the key itself.
            lost_inside.append(text)
            text = _VIA_UNNAMED.sub("KC_NO", text)
        no_mods = _VIA_MOD_TAP_WITHOUT_MODS.fullmatch(text.strip())
        if no_mods:
            no_mod_taps.append(text.strip())
            text = no_mods.group(1)
        if _VIA_OLD_FN.search(text):
            old_fn.append(text)
            text = _VIA_OLD_FN.sub("KC_NO", text)
        return fk.from_tool(text, ctx, Numbering.CURRENT)

    matrix_layers = [
        {(i // size.cols, i % size.cols): kc(text) for i, text in enumerate(layer)} for layer in save.layers
    ]
    used = {p for layer in matrix_layers for p, text in layer.items() if text not in ("KC_NO", "KC_TRNS")}
    macro = macro_for_save(keyboard, used, layout_macro)
    layers, lost = layers_from_matrix(
        matrix_layers, names, macro, save="VIA save", keyboard_name=keyboard.name, check_fit=not layout_macro,
        layouts=keyboard.layouts,
    )
    if lost:
        warnings.append(lost)
    for encoder_index, per_layer in enumerate(save.encoders or []):
        for layer_index, (ccw, cw) in enumerate(per_layer[: len(layers)]):
            encoders = layers[layer_index].encoders
            while len(encoders) <= encoder_index:
                encoders.append(EncoderAction())
            encoders[encoder_index] = EncoderAction(ccw=kc(ccw), cw=kc(cw))
    if lost_inside:
        warnings.append(
            f"VIA wrote {_some_keys(lost_inside)}: 'undefined' stands for a keycode VIA had no name for, so "
            "the save lost it; imported as VIA loads them, the modifiers around KC_NO: set those keys again"
        )
    if no_mod_taps:
        warnings.append(
            f"VIA wrote {_some_keys(no_mod_taps)}: a mod-tap holding no modifier, which taps its key and holds "
            "nothing (VIA itself reloads it as KC_NO); imported as the key it taps: give it a modifier to hold "
            "if one was meant"
        )
    if old_fn:
        warnings.append(
            f"{_some_keys(old_fn)}: KC_FN0 … KC_FN31 are old VIA's names (until 2022) for TMK's Fn keys, which "
            "QMK no longer has; the Fn key is read as KC_NO, as VIA now loads it"
        )
    layout = Layout(keyboard=keyboard.name, layout_macro=macro.name, layers=layers)
    layout.macros = _macros(save.macros, warnings)
    fk.keep_played_macros(layout)
    return ViaImport(layout, warnings)


def _macros(texts: list[str], warnings: list[str]) -> list[Macro]:
    length = len(texts)
    while length and not texts[length - 1]:
        length -= 1
    if not length:
        return []
    macros: list[Macro] = []
    for index, text in enumerate(texts[:length]):
        try:
            macros.append(Macro(parse_macro_text(text)))
        except MacroTextError as error:
            raise FormatError(
                f"macro {index}: {error}", hint="VIA macros read like `Hi{KC_ENT}{+KC_LCTL}v{-KC_LCTL}`"
            ) from None
    return macros


# --------------------------------------------------------------------------- from a Layout


def layout_to_via(layout: Layout, keyboard: Keyboard, macro_count: int | None = None) -> str:
    """The save VIA loads for `layout` on `keyboard`.

    `macro_count` must match the board's dynamic macro count (VIA refuses another count);
    by default the layout's macros are padded to QMK's default of 16."""
    if not keyboard.usb_vid or not keyboard.usb_pid:
        raise FormatError(
            f"keyboard {keyboard.name} has no USB vendor/product id; VIA matches saves to boards by them",
            hint="use a keyboard definition that lists usb.vid and usb.pid",
        )
    ctx = fk.context(layout)
    _, grids = layout_in_matrix(layout, keyboard)

    def name(text: str, where: str) -> str:
        try:
            return via_keycode(text, ctx)
        except KeycodeError as error:
            raise FormatError(f"{where}: {text} cannot be stored in VIA ({error.message})") from None

    layers = [
        [name(text, f"layer {layer.name}") for row in grid for text in row]
        for layer, grid in zip(layout.layers, grids, strict=True)
    ]
    count = DEFAULT_MACRO_COUNT if macro_count is None else macro_count
    if len(layout.macros) > count:
        raise FormatError(f"the layout has {len(layout.macros)} macros; the board holds {count}")
    texts = [format_macro_text(m.steps) for m in layout.macros] + [""] * (count - len(layout.macros))
    # Encoders only when the layout sets some: a save without them leaves the board's as they are.
    encoder_count = max(len(layer.encoders) for layer in layout.layers)
    if encoder_count:
        encoder_count = max(encoder_count, len(keyboard.encoders))
    data: dict[str, Any] = {
        "name": keyboard.display_name or keyboard.name,
        "vendorProductId": (keyboard.usb_vid << 16) | keyboard.usb_pid,
        "macros": texts,
        "layers": layers,
    }
    if names_out(layout):
        data[SAVE_KEY] = names_out(layout)
    if encoder_count:
        data["encoders"] = [
            [
                [name(a.ccw, f"encoder {e}"), name(a.cw, f"encoder {e}")]
                for a in (layer.encoders[e] if e < len(layer.encoders) else EncoderAction() for layer in layout.layers)
            ]
            for e in range(encoder_count)
        ]
    return _compact_json(data)


def via_keycode(text: str, ctx: ParseContext) -> str:
    """VIA's spelling of a keycode: the forms VIA parses (`MO(1)`, `LT(1,KC_SPC)`, `LCTL(KC_A)`,
    `MT(MOD_LCTL,KC_A)`, `MACRO(0)`, `CUSTOM(2)`), with layers as numbers."""
    kc = REGISTRY.parse(text, ctx)
    value = REGISTRY.encode(kc, ctx)
    macros = REGISTRY.ranges["QK_MACRO"]
    if value in macros:
        return f"MACRO({value - macros.first})"
    if _QK_KB <= value <= _QK_KB_MAX:
        return f"CUSTOM({value - _QK_KB})"
    if _QK_KB_MAX < value <= _QK_USER_MAX:
        raise KeycodeError(f"VIA has no spelling for 0x{value:04X} (past CUSTOM(255), 0x7EFF): a save holding it "
                           "loads as KC_NO")
    return _via_text(REGISTRY.decode(value), ctx)


def _via_text(kc: Keycode, ctx: ParseContext) -> str:
    op = kc.op
    if op in TAP_OPS and kc.inner is not None and kc.inner.op == OP_RAW:
        # A tap QMK cut to a byte no name has (`LALT_T(TO(2))` holds 0x2402): VIA reads whole
        # hex values, not hex inside MT().
        return f"0x{REGISTRY.encode(kc, ctx):04X}"
    if op == "MODS" and kc.inner is not None:
        text = _via_text(kc.inner, ctx)
        right = kc.mods & 0xF0
        bits = (kc.mods >> 4) if right else kc.mods
        for bit, left_name, right_name in (
            (8, "LGUI", "RGUI"),
            (4, "LALT", "RALT"),
            (2, "LSFT", "RSFT"),
            (1, "LCTL", "RCTL"),
        ):
            if bits & bit:
                text = f"{right_name if right else left_name}({text})"
        return text
    if op == "MT" and kc.inner is not None:
        return f"MT({format_mods(kc.mods)},{_via_text(kc.inner, ctx)})"
    if op == "LT" and kc.inner is not None:
        return f"LT({ctx.layer_index(kc.layer) if kc.layer is not None else 0},{_via_text(kc.inner, ctx)})"
    if op == "LM":
        return f"LM({ctx.layer_index(kc.layer) if kc.layer is not None else 0},{format_mods(kc.mods)})"
    if op in ("TO", "MO", "DF", "TG", "OSL", "TT"):
        return f"{op}({ctx.layer_index(kc.layer) if kc.layer is not None else 0})"
    if op == "OSM":
        return f"OSM({format_mods(kc.mods)})"
    if op == "KC" and kc.name is not None:
        return _via_name(kc.name)
    return REGISTRY.format(kc)


def _via_name(canonical: str) -> str:
    """The name VIA's dictionary has for a fixed keycode (VIA reads unknown names as KC_NO).

    Looked up by value, so VIA sends the board exactly this keycode's value. A keycode VIA's
    dictionary lacks keeps the name QMK used when VIA froze its table (before the keycode spec)
    when there is one, else its current name."""
    definition = REGISTRY.get(canonical)
    if definition is None:
        return canonical
    known = via_name(definition.value)
    if known is not None:
        return known
    before_spec = [f.name for f in REGISTRY.former_names().values() if f.to == canonical and f.since is None]
    return before_spec[0] if before_spec else canonical


def _compact_json(data: dict[str, Any]) -> str:
    """JSON laid out like VIA's own saves: one key per line inside layers, short lists on one line."""
    return json.dumps(data, indent=2) + "\n"
