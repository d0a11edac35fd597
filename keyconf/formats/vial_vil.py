"""Vial's saved layouts (`.vil`): read into a keyconf Layout and write back for Vial to load.

The shape is what vial-gui's "Save current layout" writes (keyboard_comm.save_layout):

    {"version": 1, "uid": <64-bit keyboard id>, "vial_protocol": 6, "via_protocol": 9,
     "layout": [layer][row][col] keycodes (-1 where the matrix has no key),
     "encoder_layout": [layer][encoder] = [counter-clockwise, clockwise],
     "layout_options": <VIA's packed number, -1 for none>,
     "macro": [[["text", "hi"], ["tap", kc, ...], ["down", kc...], ["up", kc...], ["delay", ms]], ...],
     "tap_dance": [[on_tap, on_hold, on_double_tap, on_tap_hold, tapping_term], ...],
     "combo": [[key1, key2, key3, key4, output], ...],
     "key_override": [{"trigger", "replacement", "layers", "trigger_mods", "negative_mod_mask",
                       "suppressed_mods", "options"}, ...],
     "alt_repeat_key": [...], "settings": {"<qsid>": value}}

Keycodes are Vial's names (`LT1(KC_SPC)`, `M0`, `USER00`), hex strings for values it has no
name for, or integers in files from old Vial versions. Protocol 6 and later hold keycodes in
QMK's current numbering, older ones in the numbering before November 2022.
A macro's "tap" taps each listed key in turn; a keyconf tap step presses its keys together.
Written files carry keycodes as integers, which every Vial version reads unambiguously."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keyconf.formats import foreign_keycodes as fk
from keyconf.formats.document_limits import (
    MAX_LAYER_KEYS,
    MAX_LAYERS,
    MAX_MATRIX_COLS,
    MAX_MATRIX_ROWS,
    MAX_TABLE_ENTRIES,
    too_many,
)
from keyconf.formats.format_error import FormatError, KeyboardMismatch, parse_json_object
from keyconf.formats.layer_names import default_layer_name
from keyconf.formats.matrix_order import (
    MatrixSize,
    grid_keyboard,
    layers_from_matrix,
    layout_in_matrix,
    macro_for_save,
    matrix_size,
    pack_layout_options,
    unpack_layout_options,
)
from keyconf.formats.named_keycodes import SAVE_KEY, names_out
from keyconf.formats.via_save import unread_fields_warning
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import (
    REGISTRY,
    KeycodeError,
    ModsError,
    Numbering,
    ParseContext,
    mod_mask_names,
    parse_mod_mask,
)
from keyconf.model.layout import (
    MAX_BOARD_DELAY_MS,
    Combo,
    EncoderAction,
    KeyOverride,
    Layout,
    Macro,
    MacroStep,
    TapDance,
    delay_steps,
    key_override_option_bits,
    key_override_options,
)
from keyconf.model.qmk_settings import VIAL_PACKED_PREFIX, settings_from_vial, vial_values

VIL_VERSION = 1
WRITTEN_VIAL_PROTOCOL = 6
WRITTEN_VIA_PROTOCOL = 9
FIRST_CURRENT_NUMBERING_PROTOCOL = 6
DEFAULT_TAPPING_TERM = 200
ALL_LAYERS_MASK = 0xFFFF
KEY_OVERRIDE_ENABLED = 0x80
KEY_OVERRIDE_DEFAULT_OPTIONS = 0x07  # activate on trigger down, required mod down, negative mod up

# How a keyboard's Vial definition names its own keycodes (`customKeycodes[].name`), which Vial
# before protocol 6 wrote into saves in place of the keycode: a word, never a QMK expression.
_DEFINITION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]*")

# A keyboard known only from a Vial save is named after the save's keyboard id.
_UID_NAME = re.compile(r"vial_([0-9a-f]{16})")


def keyboard_name_for_uid(uid: int) -> str:
    return f"vial_{uid & 0xFFFFFFFFFFFFFFFF:016x}"


def uid_from_keyboard_name(name: str) -> int:
    """The Vial keyboard id a `vial_<hex>` name carries (0 for other names: Vial then asks before loading)."""
    m = _UID_NAME.fullmatch(name)
    return int(m.group(1), 16) if m else 0


@dataclass
class VialSave:
    """A .vil file as Vial wrote it (keycodes untranslated)."""

    layers: list[list[list[Any]]]
    encoders: list[list[list[Any]]] = field(default_factory=list)
    layout_options: int = -1
    macros: list[list[list[Any]]] = field(default_factory=list)
    tap_dances: list[list[Any]] = field(default_factory=list)
    combos: list[list[Any]] = field(default_factory=list)
    key_overrides: list[dict[str, Any]] = field(default_factory=list)
    alt_repeat_keys: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    uid: int = 0
    vial_protocol: int = WRITTEN_VIAL_PROTOCOL
    via_protocol: int = WRITTEN_VIA_PROTOCOL
    custom_names: Any = None  # keyconf's `keyconf_custom_keycodes` (see named_keycodes), as written
    unread: list[str] = field(default_factory=list)  # top-level fields vial-gui does not write

    @property
    def size(self) -> MatrixSize:
        rows = len(self.layers[0]) if self.layers else 0
        cols = max((len(r) for layer in self.layers for r in layer), default=0)
        return MatrixSize(rows, cols)

    @property
    def numbering(self) -> Numbering:
        return Numbering.CURRENT if self.vial_protocol >= FIRST_CURRENT_NUMBERING_PROTOCOL else Numbering.LEGACY

    def positions(self) -> set[tuple[int, int]]:
        """Matrix positions with a key (Vial writes -1 where its definition has none)."""
        return {
            (r, c) for layer in self.layers for r, row in enumerate(layer) for c, value in enumerate(row) if value != -1
        }


def looks_like_vil(data: object) -> bool:
    return isinstance(data, dict) and "layout" in data and ("vial_protocol" in data or "uid" in data)


_MACRO_ACTIONS = ("text", "tap", "down", "up", "delay")
# What vial-gui's "Save current layout" writes.
VIAL_SAVE_FIELDS = ("version", "uid", "layout", "encoder_layout", "layout_options", "macro", "vial_protocol",
                    "via_protocol", "tap_dance", "combo", "key_override", "alt_repeat_key", "settings")


def read_vil(text: str, path: str | Path | None = None) -> VialSave:
    """Parse .vil text and check its shape; FormatError names what is wrong and where."""
    data, fail = parse_json_object(text, path, "Vial layout (.vil)", "a .vil file")
    layers = data.get("layout")
    if not isinstance(layers, list) or not layers:
        raise fail("layout", "`layout` must be a non-empty list of layers (each a list of matrix rows)")
    problem = too_many(len(layers), MAX_LAYERS, "layers")
    if problem:
        raise fail("layout", problem)
    for li, layer in enumerate(layers):
        if not isinstance(layer, list) or not all(isinstance(row, list) for row in layer):
            raise fail("layout", f"layout[{li}] must be a list of rows, each a list of keycodes")
        problem = too_many(len(layer), MAX_MATRIX_ROWS, f"matrix rows in layout[{li}]") or too_many(
            sum(len(row) for row in layer), MAX_LAYER_KEYS, f"matrix positions in layout[{li}]") or next(
            (too_many(len(row), MAX_MATRIX_COLS, f"matrix columns in layout[{li}][{ri}]")
             for ri, row in enumerate(layer) if len(row) > MAX_MATRIX_COLS), None)
        if problem:
            raise fail("layout", problem)
        for ri, row in enumerate(layer):
            for ci, value in enumerate(row):
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    raise fail("layout", f"layout[{li}][{ri}][{ci}] is {value!r}, not a keycode")
    rows = {len(layer) for layer in layers}
    if len(rows) > 1:
        raise fail("layout", f"layers have different numbers of rows: {sorted(rows)}")
    save = VialSave(layers=layers)
    save.uid = _int_field(data, "uid", 0, fail)
    if not 0 <= save.uid <= 0xFFFFFFFFFFFFFFFF:  # vial-gui writes the firmware's 8 bytes as an unsigned number
        error = fail("uid", f"`uid` is {save.uid}, not a Vial keyboard id (0 to 18446744073709551615)")
        error.hint = "Vial writes the id its keyboard reports: take it from a save of that keyboard, or write 0"
        raise error
    save.vial_protocol = _int_field(data, "vial_protocol", WRITTEN_VIAL_PROTOCOL, fail)
    save.via_protocol = _int_field(data, "via_protocol", WRITTEN_VIA_PROTOCOL, fail)
    save.layout_options = _int_field(data, "layout_options", -1, fail)
    save.encoders = _list_field(data, "encoder_layout", fail)
    for li, layer in enumerate(save.encoders):
        if not isinstance(layer, list) or not all(isinstance(e, list) and len(e) == 2 for e in layer):
            raise fail("encoder_layout", f"encoder_layout[{li}] must list [counter-clockwise, clockwise] pairs")
    save.macros = _list_field(data, "macro", fail)
    for mi, macro in enumerate(save.macros):
        if not isinstance(macro, list) or not all(isinstance(a, list) and a and isinstance(a[0], str) for a in macro):
            raise fail("macro", f'macro[{mi}] must be a list of actions like ["tap", "KC_A"]')
        for action in macro:
            if action[0] not in _MACRO_ACTIONS:
                error = fail("macro", f"macro[{mi}] has an unknown action {action[0]!r}")
                error.hint = "Vial writes text, tap, down, up and delay"
                raise error
            if action[0] == "delay" and not all(isinstance(a, int) and not isinstance(a, bool)
                                                and 0 <= a <= MAX_BOARD_DELAY_MS for a in action[1:]):
                raise fail("macro", f"macro[{mi}]: a delay is a number of milliseconds, 0 to {MAX_BOARD_DELAY_MS}")
    save.tap_dances = _list_field(data, "tap_dance", fail)
    for ti, entry in enumerate(save.tap_dances):
        if not isinstance(entry, list) or len(entry) != 5:
            raise fail("tap_dance", f"tap_dance[{ti}] must be [on_tap, on_hold, on_double_tap, on_tap_hold, term]")
        term = entry[4]
        if isinstance(term, bool) or not isinstance(term, int) or not 0 <= term <= 65535:
            raise fail("tap_dance", f"tap_dance[{ti}]: the tapping term is {term!r}, not milliseconds (0 to 65535)")
    save.combos = _list_field(data, "combo", fail)
    for ci, entry in enumerate(save.combos):
        if not isinstance(entry, list) or len(entry) != 5:
            raise fail("combo", f"combo[{ci}] must be [key1, key2, key3, key4, output]")
    save.key_overrides = _list_field(data, "key_override", fail)
    for ki, override in enumerate(save.key_overrides):
        if not isinstance(override, dict) or "trigger" not in override or "replacement" not in override:
            raise fail("key_override", f"key_override[{ki}] must be an object with trigger and replacement")
        for number in ("layers", "options", "suppressed_mods", "trigger_mods", "negative_mod_mask"):
            value = override.get(number, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
                raise fail("key_override", f"key_override[{ki}].{number} must be a whole number, not {value!r}")
    save.alt_repeat_keys = _list_field(data, "alt_repeat_key", fail)
    for ai, repeat in enumerate(save.alt_repeat_keys):
        if not isinstance(repeat, dict):
            raise fail("alt_repeat_key", f"alt_repeat_key[{ai}] must be an object (keycode, alt_keycode, …)")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("settings", "`settings` must be an object of setting id: value")
    save.settings = settings
    save.custom_names = data.get(SAVE_KEY)
    save.unread = [key for key in data if key not in VIAL_SAVE_FIELDS and key != SAVE_KEY]
    return save


def _int_field(data: dict[str, Any], key: str, default: int, fail: Any) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(key, f"`{key}` must be a whole number, not {value!r}")
    return value


def _list_field(data: dict[str, Any], key: str, fail: Any) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(key, f"`{key}` must be a list")
    problem = too_many(len(value), MAX_TABLE_ENTRIES if key != "encoder_layout" else MAX_LAYERS, f"entries in `{key}`")
    if problem:
        raise fail(key, problem)
    return value


# --------------------------------------------------------------------------- to a Layout


@dataclass
class VialImport:
    layout: Layout
    warnings: list[str]


def vil_to_layout(save: VialSave, keyboard: Keyboard | None, layout_macro: str | None = None) -> VialImport:
    """The Layout a Vial save holds, in `keyboard`'s layout macro (or a matrix-shaped geometry
    the layout carries with it when the keyboard is unknown)."""
    warnings: list[str] = unread_fields_warning("Vial save", save.unread)
    size = save.size
    positions = save.positions()
    embedded = keyboard is None
    if keyboard is None:
        keyboard = grid_keyboard(keyboard_name_for_uid(save.uid), positions, size)
        warnings.append(
            f"the keyboard of this Vial save (Vial keyboard id {save.uid & 0xFFFFFFFFFFFFFFFF:016x}) is not known; "
            "the layout carries a matrix-shaped geometry (pass --keyboard to use the keyboard's real layout)"
        )
    else:
        known = matrix_size(keyboard)
        if (known.rows, known.cols) != (size.rows, size.cols):
            warnings.append(
                f"this Vial save has a {size.rows}×{size.cols} matrix, {keyboard.name} has {known.rows}×{known.cols}"
            )
    macro = macro_for_save(keyboard, positions, layout_macro)
    covered = {k.matrix for k in macro.keys if k.matrix is not None}
    if positions and len(positions & covered) * 2 < len(positions):
        raise KeyboardMismatch(
            f"only {len(positions & covered)} of the {len(positions)} keys of this Vial save have a place in "
            f"{keyboard.name} {macro.name}",
            hint="check --keyboard: the save belongs to another keyboard",
        )
    names = [default_layer_name(i) for i in range(len(save.layers))]
    numbering = save.numbering
    used = max(_used_length(save.tap_dances, _tap_dance_empty), _played_tap_dances(save, names, numbering))
    td_names = [f"td{i}" for i in range(used)]
    ctx = ParseContext(layers=names, tap_dances=td_names)
    # vial-gui before protocol 6 saved a custom keycode as its shortName (its `name` when the two are one word).
    board_names = {} if embedded else {
        **{b.name: i for i, b in enumerate(keyboard.board_keycodes)},
        **{b.short_name: i for i, b in enumerate(keyboard.board_keycodes) if b.short_name},
    }
    unnamed: dict[str, None] = {}

    def kc(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise FormatError(f"{value!r} is not a keycode")
        text = fk.from_tool(value, ctx, numbering)
        if isinstance(value, str) and _DEFINITION_NAME.fullmatch(text) and not fk.is_known(text, ctx):
            if text in board_names:
                return f"QK_KB_{board_names[text]}"
            unnamed[text] = None
        return text

    matrix_layers: list[dict[tuple[int, int], str]] = []
    for layer in save.layers:
        matrix_layers.append({(r, c): kc(v) for r, row in enumerate(layer) for c, v in enumerate(row) if v != -1})
    layers, lost = layers_from_matrix(
        matrix_layers, names, macro, save="Vial save", keyboard_name=keyboard.name,
        check_fit=not (embedded or layout_macro), layouts=keyboard.layouts,
    )
    if lost:
        warnings.append(lost)
    for index, layer_encoders in enumerate(save.encoders[: len(layers)]):
        layers[index].encoders = [EncoderAction(ccw=kc(pair[0]), cw=kc(pair[1])) for pair in layer_encoders]
    layout = Layout(keyboard=keyboard.name, layout_macro=macro.name, layers=layers)
    if embedded:
        layout.geometry = keyboard
    if save.layout_options != -1 and keyboard.layout_options:
        layout.layout_options = unpack_layout_options(keyboard, save.layout_options)
    elif save.layout_options not in (-1, 0):
        warnings.append(f"layout options {save.layout_options} kept only as a number: the keyboard lists none")
        layout.settings[f"{VIAL_PACKED_PREFIX}layout_options"] = save.layout_options
    layout.macros = _macros(save, kc)
    layout.tap_dances = _tap_dances(save, td_names, kc)
    layout.combos = [
        Combo(keys=[kc(k) for k in entry[:4] if kc(k) != "KC_NO"], action=kc(entry[4]))
        for entry in save.combos
        if not all(kc(k) == "KC_NO" for k in entry[:4])
    ]
    keyless = [i for i, entry in enumerate(save.combos)
               if all(kc(k) == "KC_NO" for k in entry[:4]) and kc(entry[4]) != "KC_NO"]
    if keyless:
        warnings.append(f"combo{'s' if len(keyless) > 1 else ''} {', '.join(map(str, keyless))} "
                        "name no keys (Vial never plays them): left out")
    layout.key_overrides = _key_overrides(save, names, kc)
    if any(not _alt_repeat_empty(e) for e in save.alt_repeat_keys):
        warnings.append("alt repeat key entries are not part of a keyconf layout and were not imported")
    layout.settings.update(_settings(save.settings, warnings))
    fk.keep_played_macros(layout)
    if unnamed:
        warnings.append(_definition_names_warning(list(unnamed), save.vial_protocol, embedded))
    return VialImport(layout, warnings)


def _definition_names_warning(names: list[str], protocol: int, board_unknown: bool) -> str:
    """Why keys hold words that are no keycode: Vial before protocol 6 saved a board's own keycodes
    (its definition's `customKeycodes`) under the names that definition gives them, so only the
    definition tells which QK_KB_n each one is."""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    older = (f"this save is of Vial protocol {protocol}, and Vial before protocol 6 saved a keyboard's own "
             "keycodes under the names its Vial definition gives them (customKeycodes)"
             if protocol < FIRST_CURRENT_NUMBERING_PROTOCOL else
             "Vial saves a keyboard's own keycodes as USER00, USER01 …, so these may be names of a "
             "keyboard's own keycodes written by another tool")
    where = ("the keyboard of this save is not known" if board_unknown
             else "the keyboard's definition keyconf has names none of them")
    return (f"{shown} {'is' if len(names) == 1 else 'are'} no QMK or Vial keycode: {older}; {where}, so the keys "
            "keep the names and the layout does not build until they hold keycodes. Import again with "
            "--keyboard naming the keyboard's vial.json (the definition its firmware was built with) to read "
            "them as the keyboard's own keycodes")


def _used_length(entries: list[Any], empty: Any) -> int:
    """Entries up to the last used one: empty slots in the middle keep later indices right."""
    length = len(entries)
    while length and empty(entries[length - 1]):
        length -= 1
    return length


def _played_tap_dances(save: VialSave, layer_names: list[str], numbering: Numbering) -> int:
    """One more than the highest tap-dance slot a key or encoder of the save plays. Vial keeps every
    slot, so a key may play TD(n) whose slot holds no action (the key does nothing, but the slot and
    its tapping term are the user's): such slots are imported as empty tap dances, not left out."""
    ctx = ParseContext(layers=layer_names)
    slots = REGISTRY.ranges["QK_TAP_DANCE"]
    played = 0
    values = [v for layer in save.layers for row in layer for v in row]
    values += [v for layer in save.encoders for pair in layer for v in pair]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == -1:
            continue
        try:
            number = REGISTRY.encode(REGISTRY.parse(fk.from_tool(value, ctx, numbering), ctx), ctx)
        except KeycodeError:
            continue
        if number in slots:
            played = max(played, number - slots.first + 1)
    return played


def _tap_dance_empty(entry: list[Any]) -> bool:
    return all(v in ("KC_NO", 0, "0x0000") for v in entry[:4])


def _alt_repeat_empty(entry: dict[str, Any]) -> bool:
    return entry.get("keycode") in ("KC_NO", 0) and entry.get("alt_keycode") in ("KC_NO", 0)


def _macros(save: VialSave, kc: Any) -> list[Macro]:
    macros: list[Macro] = []
    for actions in save.macros[: _used_length(save.macros, lambda m: not m)]:
        steps: list[MacroStep] = []
        for action in actions:
            tag, args = action[0], action[1:]
            if tag == "text":
                steps.append(MacroStep("text", str(args[0]) if args else ""))
            elif tag == "tap":
                steps.extend(MacroStep("tap", [kc(a)]) for a in args)
            elif tag in ("down", "up"):
                steps.append(MacroStep(tag, [kc(a) for a in args]))
            elif tag == "delay":
                steps.extend(delay_steps(int(args[0]) if args else 0))
            else:
                raise FormatError(f"unknown macro action {tag!r}", hint="Vial writes text, tap, down, up and delay")
        macros.append(Macro(steps))
    return macros


def _tap_dances(save: VialSave, names: list[str], kc: Any) -> list[TapDance]:
    dances: list[TapDance] = []
    for name, entry in zip(names, save.tap_dances, strict=False):
        on_tap, on_hold, on_double, on_tap_hold, term = entry

        def optional(value: Any) -> str | None:
            text = kc(value)
            return None if text == "KC_NO" else text

        dances.append(
            TapDance(
                name,
                tap=kc(on_tap),
                hold=optional(on_hold),
                double_tap=optional(on_double),
                tap_hold=optional(on_tap_hold),
                tapping_term=int(term),
            )
        )
    # A slot a key plays that the save itself does not hold (a file cut short): empty, as in the firmware.
    dances.extend(TapDance(name) for name in names[len(dances):])
    return dances


def _key_overrides(save: VialSave, layer_names: list[str], kc: Any) -> list[KeyOverride]:
    overrides: list[KeyOverride] = []
    for entry in save.key_overrides:
        trigger, replacement = kc(entry["trigger"]), kc(entry["replacement"])
        if trigger == "KC_NO" and replacement == "KC_NO":
            continue
        layers_mask = int(entry.get("layers", ALL_LAYERS_MASK))
        options = int(entry.get("options", KEY_OVERRIDE_ENABLED | KEY_OVERRIDE_DEFAULT_OPTIONS))
        suppressed = int(entry.get("suppressed_mods", 0))
        trigger_mods = int(entry.get("trigger_mods", 0))
        override = KeyOverride(
            trigger=trigger,
            replacement=replacement,
            mods=mod_mask_names(trigger_mods),
            negative_mods=mod_mask_names(int(entry.get("negative_mod_mask", 0))),
            suppressed_mods=None if suppressed == trigger_mods else mod_mask_names(suppressed),
        )
        if layers_mask & ALL_LAYERS_MASK != ALL_LAYERS_MASK:
            override.layers = [n for i, n in enumerate(layer_names) if layers_mask >> i & 1]
        override.enabled = bool(options & KEY_OVERRIDE_ENABLED)
        override.options = key_override_options(options & ~KEY_OVERRIDE_ENABLED)
        overrides.append(override)
    return overrides


def _settings(raw: dict[str, Any], warnings: list[str]) -> dict[str, int | bool | str]:
    """Settings that differ from what a board has anyway (Vial saves list every one)."""
    values: dict[int, int] = {}
    for key, value in raw.items():
        try:
            qsid = int(key)
        except ValueError:
            warnings.append(f"setting {key!r} is not a Vial setting id; skipped")
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            warnings.append(f"setting {qsid} has a value {value!r} that is not a number; skipped")
            continue
        values[qsid] = value
    return settings_from_vial(values)


# --------------------------------------------------------------------------- from a Layout


def layout_to_vil(layout: Layout, keyboard: Keyboard, uid: int | None = None) -> str:
    """The .vil text Vial loads for `layout` on `keyboard` (its matrix and layout macro).

    `uid` is the Vial keyboard id (Vial asks before loading a save whose id differs); by
    default the one a keyboard known only from a Vial save carries in its name.
    Raises FormatError for what Vial cannot hold (a keycode with no 16-bit value)."""
    if uid is None:
        uid = uid_from_keyboard_name(layout.keyboard)
    ctx = fk.context(layout)
    macro, grids = layout_in_matrix(layout, keyboard)
    covered = {k.matrix for k in macro.keys if k.matrix is not None and not k.decal}

    def value(text: str, where: str) -> int:
        try:
            return fk.to_value(text, ctx)
        except KeycodeError as error:
            raise FormatError(
                f"{where}: {text} cannot be stored in Vial ({error.message})",
                hint="Vial holds 16-bit keycodes; custom keycodes from C code have none",
            ) from None

    layers = [
        [
            [value(text, f"layer {layer.name}") if (r, c) in covered else -1 for c, text in enumerate(row)]
            for r, row in enumerate(grid)
        ]
        for layer, grid in zip(layout.layers, grids, strict=True)
    ]
    # Encoders only when the layout sets some: Vial then leaves the board's as they are.
    encoder_count = max((len(layer.encoders) for layer in layout.layers), default=0)
    if encoder_count:
        encoder_count = max(encoder_count, len(keyboard.encoders))
    encoders = [
        [
            [value(a.ccw, f"layer {layer.name} encoder {i}"), value(a.cw, f"layer {layer.name} encoder {i}")]
            for i, a in enumerate(_padded_encoders(layer.encoders, encoder_count))
        ]
        for layer in layout.layers
    ]
    packed = layout.settings.get(f"{VIAL_PACKED_PREFIX}layout_options")
    if keyboard.layout_options:
        options = pack_layout_options(keyboard, layout.layout_options)
    else:
        options = int(packed) if isinstance(packed, int) else -1
    data: dict[str, Any] = {
        "version": VIL_VERSION,
        "uid": uid,
        "layout": layers,
        "encoder_layout": encoders,
        "layout_options": options,
        "macro": [_macro_actions(m, lambda t: value(t, "a macro")) for m in layout.macros],
        "vial_protocol": WRITTEN_VIAL_PROTOCOL,
        "via_protocol": WRITTEN_VIA_PROTOCOL,
        "tap_dance": [_tap_dance_entry(td, value) for td in layout.tap_dances],
        "combo": [_combo_entry(c, lambda t: value(t, "a combo")) for c in layout.combos],
        "key_override": [_key_override_entry(o, layout) for o in layout.key_overrides],
        "alt_repeat_key": [],
        "settings": _settings_out(layout),
    }
    if names_out(layout):
        data[SAVE_KEY] = names_out(layout)
    return json.dumps(data) + "\n"


def _padded_encoders(actions: list[EncoderAction], count: int) -> list[EncoderAction]:
    return list(actions) + [EncoderAction() for _ in range(count - len(actions))]


def _macro_actions(macro: Macro, value: Any) -> list[list[Any]]:
    actions: list[list[Any]] = []
    for step in macro.steps:
        if step.kind == "text":
            actions.append(["text", str(step.value)])
        elif step.kind == "delay":
            actions.append(["delay", step.value if isinstance(step.value, int) else int(str(step.value))])
        else:
            keys = [step.value] if isinstance(step.value, str) else [str(k) for k in step.value]  # type: ignore[union-attr]
            if step.kind == "tap" and len(keys) > 1:
                actions.append(["down", *[value(k) for k in keys[:-1]]])
                actions.append(["tap", value(keys[-1])])
                actions.append(["up", *[value(k) for k in reversed(keys[:-1])]])
            elif step.kind == "tap" and actions and actions[-1][0] == "tap":
                actions[-1].append(value(keys[0]))  # taps in a row share one action, as Vial writes them
            else:
                actions.append([step.kind, *[value(k) for k in keys]])
    return actions


def _tap_dance_entry(td: TapDance, value: Any) -> list[Any]:
    where = f"tap dance {td.name}"
    return [
        value(td.tap, where),
        value(td.hold or "KC_NO", where),
        value(td.double_tap or "KC_NO", where),
        value(td.tap_hold or "KC_NO", where),
        td.tapping_term if td.tapping_term is not None else DEFAULT_TAPPING_TERM,
    ]


def _combo_entry(combo: Combo, value: Any) -> list[Any]:
    if len(combo.keys) > 4:
        raise FormatError(f"combo {combo.name or combo.keys} has {len(combo.keys)} keys; Vial combos take at most 4")
    keys = [value(k) for k in combo.keys] + [0] * (4 - len(combo.keys))
    return [*keys, value(combo.action)]


def _mods_mask(names: list[str], what: str) -> int:
    """The 8-bit modifier mask of key override modifiers (MOD_LSFT, MOD_MASK_SHIFT, MOD_BIT_LSHIFT…)."""
    mask = 0
    for name in names:
        try:
            mask |= parse_mod_mask(name)
        except ModsError as error:
            raise FormatError(f"{what}: {error}", hint="write modifiers as MOD_LSFT, MOD_MASK_SHIFT, ...") from None
    return mask


def _key_override_entry(override: KeyOverride, layout: Layout) -> dict[str, Any]:
    ctx = fk.context(layout)
    what = f"key override {override.name or override.trigger}"
    try:
        trigger = fk.to_value(override.trigger, ctx)
        replacement = fk.to_value(override.replacement, ctx)
    except KeycodeError as error:
        raise FormatError(f"{what}: {error.message}") from None
    mods = _mods_mask(override.mods, what)
    if override.layers is None:
        layers = ALL_LAYERS_MASK
    else:
        layers = 0
        for name in override.layers:
            index = layout.layer_index(name)
            if index is None:
                raise FormatError(f"{what}: no layer {name}")
            layers |= 1 << index
    suppressed = mods if override.suppressed_mods is None else _mods_mask(override.suppressed_mods, what)
    return {
        "trigger": trigger,
        "replacement": replacement,
        "layers": layers,
        "trigger_mods": mods,
        "negative_mod_mask": _mods_mask(override.negative_mods, what),
        "suppressed_mods": suppressed,
        "options": (KEY_OVERRIDE_ENABLED if override.enabled else 0) | key_override_option_bits(override.options),
    }


def _settings_out(layout: Layout) -> dict[str, int]:
    return {str(qsid): value for qsid, value in vial_values(layout.settings).items()}
