"""Read a QMK keymap.c into a Layout: the `LAYOUT…(…)` blocks of an ordinary static keymap.

What is read: `keymaps[]` (each layer a layout macro call, designated `[_BASE] = …` or in
order), the layer enum or `#define`s naming layers, `encoder_map[]`, combos
(`COMBO(keys, action)` with their `…[] = {…, COMBO_END}` arrays), tap dances built from
QMK's `ACTION_TAP_DANCE_DOUBLE` / `_LAYER_MOVE` / `_LAYER_TOGGLE`, and key overrides made
with `ko_make_basic` / `ko_make_with_layers` / `ko_make_with_layers_and_negmods`.
Macros the file `#define`s are expanded the way the compiler would, so wrapper macros
and row defines work. Keycodes stay as written (custom keycodes from the file's own enums
included); layer and tap-dance identifiers become layout names. C code (functions such as
`process_record_user`) cannot become a layout and is reported as a warning, never run."""

from __future__ import annotations

import collections
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.formats.c_source import (
    Define,
    IntExpression,
    Token,
    expand,
    split_top_level,
    tokenize,
    unwrap_parentheses,
)
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_carry import CarriedC, carry_c
from keyconf.formats.keymap_c_keys import raw_matrix_columns
from keyconf.formats.keymap_c_names import plan_names
from keyconf.formats.keymap_c_statements import (
    IN_PLACE_HINT,
    LAYER_ARGUMENT_CALLS,
    QUOTED_INCLUDE,
    USER_RANGE_STARTS,
    ArrayEntry,
    entry_start,
    ident_tokens,
    is_qmk_header,
    own_includes,
    past_keymap_c_limits,
)
from keyconf.formats.keymap_c_unseen import UnseenNameReader
from keyconf.formats.keymap_folder_c import rules_switched_off
from keyconf.formats.keymaps_elsewhere import keymaps_elsewhere
from keyconf.formats.layer_names import default_layer_name, layout_name_for_c_identifier
from keyconf.formats.qmk_config_h import read_config_h
from keyconf.formats.user_headers import UserHeaders, enum_bodies
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import (
    CSource,
    Layer,
    Layout,
)

_OLD_RANGE_SUFFIX = "_SAFE_RANGE"


@dataclass
class KeymapC:
    """What was read from a keymap.c, before matching it with a keyboard.

    `layout.c_source`, when set, holds (inline) everything of the file that is not the keymap
    data keyconf read; `custom_keycodes` names the layout's custom keycodes."""

    layout: Layout
    warnings: list[str] = field(default_factory=list)
    custom_keycodes: list[str] = field(default_factory=list)
    # Custom keycodes whose only code was a SEND_STRING: now the layout's macros (name -> index).
    macro_keycodes: dict[str, int] = field(default_factory=dict)
    # When layers use layout macros of different sizes (read with mixed_macros): each layer's
    # macro (None: a layer the file left out). Their keys are still in that macro's order.
    layer_macros: list[str | None] = field(default_factory=list)
    # The user's own headers the file includes that keyconf could not read (a userspace).
    unseen_headers: list[str] = field(default_factory=list)


def looks_like_keymap_c(text: str) -> bool:
    return bool(re.search(r"\bkeymaps\s*\[", text)) and "LAYOUT" in text or "QMK_KEYBOARD_H" in text


def read_keymap_c(
    text: str, path: str | Path | None = None, keyboard: str = "", config_h: str | None = None,
    mixed_macros: bool = False, headers: UserHeaders | None = None,
    has_layout: Callable[[str], bool] | None = None, processor: str | None = None,
) -> KeymapC:
    """Parse keymap.c `text`. `keyboard` is the QMK keyboard path when the caller knows it;
    `config_h` the text of the config.h next to it, whose settings the layout takes.
    `mixed_macros`: layers may use layout macros of different sizes (QMK allows it); the
    result's `layer_macros` then says which, for the caller to map by matrix position.
    `headers`: where the user's headers are (by default, found around `path` when it is a file,
    named by the keymap's folder as QMK names its userspace).
    `has_layout`: whether the keyboard's QMK headers define a layout macro of that name, when the
    caller knows the keyboard (`#ifdef LAYOUT_split_3x5_3` picks the keymap for it).
    `processor`: the board's chip, when the caller knows it (an STM32's headers declare `RESET`).

    Raises FormatError naming the line of a construct it does not understand."""
    if headers is None and path is not None and Path(path).is_file() and past_keymap_c_limits(text) is None:
        headers = UserHeaders(Path(path), [Path(path).resolve().parent.name], own_includes(text), keyboard)
        headers.switched_off = rules_switched_off(Path(path), text, keyboard, processor)
    try:
        reader = _Reader(text, path, keyboard, mixed_macros, headers, has_layout)
        reader.processor = processor
        result = reader.read()
    except FormatError as error:
        if error.message == NO_KEYMAPS and path is not None and Path(path).is_file():
            holder = keymaps_elsewhere(Path(path), text, keyboard)
            if holder is not None:
                raise FormatError(
                    f"this keymap.c holds no `keymaps[]`: its layers are in {holder}, which QMK builds with it",
                    path, hint=f"keyconf imports the keymaps[] of the file it is given: import {holder} (with "
                    "--keyboard), or move that keymaps[] into the keymap.c",
                ) from None
        if error.message == NO_KEYMAPS:
            unseen = _unseen_includes(text, headers)
            away = next((found for found in unseen if headers is not None and headers.outside(found.group(1))), None)
            if away is not None:
                raise FormatError(
                    f'this keymap.c holds no `keymaps[]`, and it includes "{away.group(1)}", which leads out of its '
                    "repository: keyconf reads no file there", path or "<keymap.c>",
                    text.count("\n", 0, away.start()) + 1, 1,
                    hint="copy that file into the repository (the keymap's folder or its userspace) and import again, "
                    "or import the file holding the keymaps[] with --keyboard",
                ) from None
            if unseen:
                line = text.count("\n", 0, unseen[0].start()) + 1
                names = ", ".join(f'"{found.group(1)}"' for found in unseen[:3])
                names += f" (or one of the {len(unseen) - 3} more)" if len(unseen) > 3 else ""
                raise FormatError(
                    f"this keymap.c holds no `keymaps[]`: its layers are most likely in {names}, which it includes "
                    f"and keyconf does not find {'beside it' if headers is not None else 'here'} (a userspace's or a "
                    "shared layout's file)", path or "<keymap.c>", line, 1,
                    hint="import the keymap.c where it lives in your repository checkout, where that file is (keyconf "
                    "reads it in place of its #include, as QMK's build does), or import the file holding the "
                    "keymaps[] with --keyboard",
                ) from None
        raise error if error.path else error.with_path(path or "<keymap.c>") from None
    if config_h is not None:
        config = read_config_h(config_h)
        result.layout.settings.update(config.settings)
        result.warnings += config.problems
        if config.left:
            shown = ", ".join(config.left[:8]) + (f" and {len(config.left) - 8} more" if len(config.left) > 8 else "")
            result.warnings.append(
                f"config.h: {shown} "
                + ("is not a layout setting; the layout does not keep it" if len(config.left) == 1
                   else "are not layout settings; the layout does not keep them")
            )
    return result




def _unseen_includes(text: str, headers: UserHeaders | None) -> list[re.Match[str]]:
    """The keymap's quoted #includes of files of its user's (not QMK's headers, not config.h) that are not
    found where QMK's build looks (`headers`; None: the text was given alone, and none is)."""
    unseen = []
    for found in QUOTED_INCLUDE.finditer(text):
        name = found.group(1)
        if is_qmk_header(name) or name == "config.h":
            continue
        if headers is None or headers.tokens(name) is None and headers.found(name) is None:
            unseen.append(found)
    return unseen


NO_KEYMAPS = "no `keymaps[]` array found"
_MAX_LAYERS = 32  # QMK's layer_state_t holds 32 layers


def keyboard_from_path(path: str | Path) -> str | None:
    """`keyboards/<kb>/keymaps/<name>/keymap.c` tells the keyboard: `<kb>`."""
    parts = Path(path).resolve().parts if Path(path).exists() else Path(path).parts
    if "keyboards" in parts and "keymaps" in parts:
        start = len(parts) - 1 - parts[::-1].index("keyboards")
        end = len(parts) - 1 - parts[::-1].index("keymaps")
        if end > start + 1:
            return "/".join(parts[start + 1 : end])
    return None


class _Reader(UnseenNameReader):
    """The whole read: declarations, then layers and their keys, then the features and the C left."""


    # -- top level ---------------------------------------------------------------------------

    def read(self) -> KeymapC:
        for statement in self.statements:
            self._collect_enums(statement)
            self._collect_function(statement)
        if self.fn_actions_read and self._find_array("fn_actions") is not None:
            self.consume_statement("fn_actions")  # its keys hold what it said
        keymaps = self._find_array("keymaps")
        if keymaps is None:
            raise FormatError(
                NO_KEYMAPS,
                self.path,
                hint="keyconf reads the `const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {...}` "
                "array of a QMK keymap.c",
            )
        entries = self._entries(keymaps)
        if not entries:
            raise FormatError("the `keymaps[]` array is empty", self.path, keymaps[0].line if keymaps else None)
        entries = self._spread_ranges(entries)
        layer_idents, indices = self._layer_indices(entries)
        self.used_as_layers = [] if layer_idents else self._names_used_as_layers(entries)
        count = max(indices) + 1
        names = self._layer_names(layer_idents, indices, count)
        symbols: dict[str, str] = {ident: names[self._int(ident_tokens(ident))] for ident in layer_idents}
        symbols.update(self._other_layer_symbols(layer_idents, names))
        tap_dances, td_symbols = self._tap_dances(symbols)
        symbols.update(td_symbols)

        macro_names: list[str] = []
        layers: list[Layer | None] = [None] * count
        layer_macros: list[str | None] = [None] * count
        for entry, index in zip(entries, indices, strict=True):
            if layers[index] is not None:
                self.warnings.append(
                    f"line {entry.line}: layer {index} ({names[index]}) is given twice; the later one counts, as in C"
                )
            macro, keys = self._layout_call(entry, symbols)
            macro_names.append(macro)
            layers[index] = Layer(names[index], keys)
            layer_macros[index] = macro
        lengths = {len(layer.keys) for layer in layers if layer is not None}
        used = collections.Counter(macro_names)
        raw = any(raw_matrix_columns(m) is not None for m in used)
        mixed = (len(used) > 1 and len(lengths) > 1 or raw) and self.mixed_macros
        if mixed:
            # Each layer through its own macro: the caller, who knows the keyboard, maps them
            # by matrix position into the macro with the most keys (a layout macro's, where a layer
            # has one; of layers all written as the matrix, the caller picks the board's layout).
            # (a macro whose only layer a later one of the same index replaced has no keys left)
            def keys_of(name: str) -> int:
                return max((len(layer.keys) for layer, m in zip(layers, layer_macros, strict=True)
                            if layer is not None and m == name), default=0)
            widest = max([name for name in used if raw_matrix_columns(name) is None] or list(used), key=keys_of)
            macro_names = [widest]
            lengths = {keys_of(widest)}
        if len(used) > 1 and not mixed:
            if len(lengths) > 1:
                other = next(e for e, m in zip(entries, macro_names, strict=True) if m != macro_names[0])
                raise FormatError(
                    f"layers use different layout macros: {', '.join(sorted(used))}",
                    self.path,
                    *entry_start(other),
                    hint="keyconf layouts use one layout macro for every layer",
                )
            # The same number of keys under two names: a board's macro and its alias (LAYOUT).
            chosen = used.most_common(1)[0][0]
            self.warnings.append(
                f"layers use {' and '.join(sorted(used))}, with the same {lengths.copy().pop()} keys: read as "
                f"{chosen} (they are the same layout when one is the other's alias, as LAYOUT often is)"
            )
            macro_names = [chosen]
        if len(lengths) > 1:
            unseen = self._unseen_macros([t for entry in entries for t in entry.value])
            counts = {n: [layer.name for layer in layers if layer is not None and len(layer.keys) == n]
                      for n in sorted(lengths)}
            shown_counts = ", ".join(f"{n} ({', '.join(names[:3])}{'…' if len(names) > 3 else ''})"
                                     for n, names in counts.items())
            # At the first layer of the count fewest layers have: the odd one out.
            odd = min(counts, key=lambda n: len(counts[n]))
            at = entry_start(next((e for e, i in zip(entries, indices, strict=True)
                                   if (layer := layers[i]) is not None and len(layer.keys) == odd), entries[0]))
            if unseen and self._user_headers():
                raise FormatError(f"{unseen}: the keys of keymaps[] are in that code, not in this file (read "
                                  f"without it, the layers have different key counts: {shown_counts})",
                                  self.path, *at, hint=IN_PLACE_HINT)
            if unseen:
                # No header of the user's includes them: a userspace QMK's build adds may define them, or they
                # are the file's own mistakes (`LT(FK, DEL)` for KC_DEL), and so are the counts.
                raise FormatError(f"layers have different key counts: {shown_counts}; and {unseen}", self.path,
                                  *at, hint="the file includes no header of its own: if its userspace "
                                  "(users/<name>/) defines them, import the file in its repository checkout; if "
                                  "nothing does, QMK cannot build it either")
            raise FormatError(f"layers have different key counts: {shown_counts}", self.path, *at,
                              hint="one layout macro takes one number of keys: QMK cannot build this either")
        key_count = lengths.pop()
        full_layers: list[Layer] = []
        for index, maybe in enumerate(layers):
            if maybe is None:
                self.warnings.append(f"layer {index} ({names[index]}) is missing from keymaps[]; filled with KC_NO")
                maybe = Layer(names[index], ["KC_NO"] * key_count)
            full_layers.append(maybe)
        layout = Layout(keyboard=self.keyboard, layout_macro=macro_names[0], layers=full_layers)
        self.layer_macros = layer_macros if mixed else []
        layout.custom_keycodes = self.customs
        self.consume_statement("keymaps")
        self._consume_layer_names(layer_idents, symbols)
        self._encoders(layout, symbols)
        layout.tap_dances = tap_dances or self._dynamic_tap_dances(layout)
        layout.combos = self._combos(symbols)
        layout.key_overrides = self._key_overrides(symbols, names)
        macro_keycodes = self._macros_from_process_record(layout)
        for statement in self.custom_enum_statements:
            self.consumed.append(statement)
        self._report_unseen_names(layout)
        self._add_layers_keys_name(layout)
        if self.qmk_named:
            plural = len(self.qmk_named) > 1
            self.warnings.append(
                f"the file declares {', '.join(self.qmk_named)} as its own keycode{'s' if plural else ''}, but "
                f"today's QMK declares {'them' if plural else 'it'} itself (the file was written "
                "for an older QMK; a second declaration does not compile): the keys use QMK's keycode, and the "
                f"C code's `case {self.qmk_named[0]}:` still catches them"
            )
        carried = self._carry(layout)
        if carried.code is not None:
            layout.c_source = CSource(code=carried.code)
        self.warnings += carried.warnings
        unread = [h for h in (self._header_name(d.text) for d in self.includes) if h and not is_qmk_header(h)
                  and (self.headers is None or self.headers.found(h) is None)]
        return KeymapC(layout, self.warnings, [c.name for c in layout.custom_keycodes], macro_keycodes,
                       self.layer_macros, unread)

    # -- what the layout took, and what stays C ---------------------------------------------

    def _consume_layer_names(self, layer_idents: list[str], symbols: dict[str, str]) -> None:
        """The layer enum or #defines become the layout's layer names (keyconf declares its own)."""
        for members, statement in self.enum_statements:
            if any(ident in members for ident in layer_idents) and statement not in self.custom_enum_statements:
                self.consumed.append(statement)
                for member in members:
                    if member in symbols:
                        self.renamed[member] = symbols[member]
        for ident in layer_idents:
            if ident in self.defines:
                self.consumed_defines.add(ident)
            self.renamed.setdefault(ident, symbols.get(ident, ident))

    def _carry(self, layout: Layout) -> CarriedC:
        planned = plan_names(layout)  # the names keyconf's keymap.c gives things
        generated: dict[str, str] = {}
        for ident, name in self.renamed.items():
            index = layout.layer_index(name)
            if index is not None:
                generated[ident] = planned.layers[index]
            elif name in planned.tap_dances:
                generated[ident] = planned.tap_dances[name]
        generated.update(self.enum_keycode_aliases)
        generated.update(self.enum_counts)
        return carry_c(
            self.text,
            self.path,
            self.consumed,
            self.consumed_defines,
            generated,
            dropped_includes=frozenset(self.external_headers),
            user_includes=frozenset(
                h for h in (self._header_name(d.text) for d in self.includes) if h and not is_qmk_header(h)
            ),
            tokens=self.raw_tokens,
        )

    # -- declarations ------------------------------------------------------------------------

    def _collect_enums(self, statement: list[Token]) -> None:
        """Enums: layer names (plain numbers), custom keycodes (from SAFE_RANGE and kin), and
        keycode aliases (`OSM_SFT = OSM(MOD_LSFT)`, read like an object-like #define)."""
        for body in enum_bodies(statement):
            members: dict[str, int | None] = {}
            next_value: int | None = 0
            custom_run = False  # members follow a custom keycode: they are custom keycodes too
            exact_run = True  # their values are C's, not an estimate of an old range end
            is_custom_enum = False
            keycode_after: int | None = None  # the keycode value the last member aliased (`HB_A = JS_0`)
            aliased: str | None = None  # that member's name
            aliases: dict[str, int] = {}  # members that are keycodes, not custom keycodes: their values
            for part in body:
                name = part[0].text
                value: int | None = next_value
                if len(part) == 1 and keycode_after is not None and keycode_after < 0xFFFF:
                    # `HB_B,` after `HB_A = JS_0`: C counts on from JS_0's value, to JS_1.
                    before = REGISTRY.format(REGISTRY.decode(keycode_after))
                    keycode_after += 1
                    spelled = REGISTRY.format(REGISTRY.decode(keycode_after))
                    self.late_defines[name] = Define(name, tokenize(spelled, self.path, part[0].line), None,
                                                     part[0].line)
                    if is_custom_enum:
                        # `LIGHTS,` after `RAISE = LT(_RAISE, KC_ENT)` among custom keycodes: not a keycode
                        # of its own, to C, but RAISE's value plus one.
                        self.warnings.append(
                            f"{name} comes after {aliased} ({before}) in its enum, so C gives it the next value, "
                            f"{spelled}, which the key keeps (the C code's `case {name}:` still catches it)"
                        )
                    aliases[name] = keycode_after
                    aliased = name
                    members[name] = None
                    continue
                keycode_after = None
                if len(part) > 2 and part[1].is_("="):
                    expression = expand(part[2:], self.late_defines)
                    target = unwrap_parentheses(expression)
                    if custom_run and len(target) == 1 and target[0].text in self.custom_values:
                        # `YF_UP = YEGO_FREQ_UP`: another name for a custom keycode, not one more; C counts on
                        # from its value.
                        self.late_defines[name] = Define(name, list(target), None, part[0].line)
                        self.enum_keycode_aliases[name] = target[0].text
                        members[name] = value = self.custom_values[target[0].text]
                        next_value = value + 1
                        continue
                    start = self._custom_range_start(expression)
                    if start is not None:
                        custom_run = is_custom_enum = True
                        value = start
                        # A start keyconf only estimates (an old keyboard's `EZ_SAFE_RANGE`) may land on
                        # another enum's values where old QMK's did not; an exact one lands where C does.
                        exact_run = not any(t.kind == "ident" and t.text.endswith(_OLD_RANGE_SUFFIX)
                                            and t.text not in self.header_ranges for t in expression)
                    else:
                        custom_run = False
                        try:
                            value = IntExpression(expression, self.enum_values).evaluate()
                        except (ValueError, FormatError):
                            value = None
                            if self._is_keycode(expression):
                                self.late_defines[name] = Define(name, list(expression), None, part[0].line)
                                keycode_after = self._keycode_value(self._layers_as_numbers(expression))
                                aliased = name
                                if keycode_after is not None:
                                    aliases[name] = keycode_after
                members[name] = value
                taken = next((c for c, v in self.custom_values.items() if v == value), None)
                if custom_run and value is not None and self._names_qmk_keycode(name):
                    self.qmk_named.append(name)
                elif custom_run and value is not None and exact_run and taken is not None and taken != name:
                    # `RGB_SLD = ML_SAFE_RANGE` with `#define ML_SAFE_RANGE SAFE_RANGE` (Oryx's sources),
                    # after `SELWORD = SAFE_RANGE`: C gives both one value, so RGB_SLD is another name
                    # for SELWORD, not a second keycode of the same value.
                    self.late_defines[name] = Define(name, [Token("ident", taken, part[0].line, part[0].column)],
                                                     None, part[0].line)
                    self.enum_keycode_aliases[name] = taken
                    self.warnings.append(
                        f"{name} gets the value of {taken} (0x{value:04X}) in C, both counted from SAFE_RANGE: "
                        f"one keycode, {taken}, which its keys hold (the C code's `case {name}:` still catches it)"
                    )
                elif custom_run and value is not None:
                    self._add_custom(name, value)
                elif value is not None:
                    self.enum_values[name] = value
                next_value = value + 1 if value is not None else None
            self.enums.append(members)
            self.enum_statements.append((members, statement))
            if is_custom_enum:
                self.custom_enum_statements.append(statement)
                # The layout holds the custom keycodes and keyconf declares them; the kept C still names
                # the enum's other members (`case LOWER:`), so it gets them as the keycodes they are.
                for alias, code in aliases.items():
                    self.enum_keycode_aliases[alias] = REGISTRY.format(REGISTRY.decode(code))
            return

    def _layers_as_numbers(self, expression: list[Token]) -> list[Token]:
        """`LT(_RAISE, KC_SPC)` as C reads it once the layer enum is known: `LT(2, KC_SPC)`."""
        return [Token("number", str(self.enum_values[t.text]), t.line, t.column)
                if t.kind == "ident" and t.text in self.enum_values and REGISTRY.get(t.text) is None else t
                for t in expression]

    def _custom_range_start(self, expression: list[Token]) -> int | None:
        """The value a custom keycode range starts at, when `expression` is one
        (`SAFE_RANGE`, `QK_USER`, `QK_KB_0`, `USER00`, `NEW_SAFE_RANGE`, `SAFE_RANGE + 2`)."""
        names = [t.text for t in expression if t.kind == "ident"]
        if not names:
            return None
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        values: dict[str, int] = {}
        for name in names:
            definition = REGISTRY.get(name)
            if name in USER_RANGE_STARTS:
                values[name] = first.value
            elif name in self.header_ranges:
                values[name] = self.header_ranges[name]
            elif name.endswith(_OLD_RANGE_SUFFIX):
                values[name] = first.value
                self.warnings.append(
                    f"{name} was a keyboard's range end in old QMK; custom keycodes after it are numbered "
                    "from SAFE_RANGE (QMK's QK_USER), where QMK puts a keymap's own keycodes now"
                )
            elif name in self.custom_values:
                values[name] = self.custom_values[name]
            elif definition is not None and definition.group in ("user", "kb"):
                values[name] = definition.value
            elif name in self.enum_values:  # SAFE_RANGE + NUMBER_OF_LAYERS
                values[name] = self.enum_values[name]
            else:
                return None
        if not any(n in USER_RANGE_STARTS or n.endswith(_OLD_RANGE_SUFFIX) or n in self.custom_values
                   or n in self.header_ranges
                   or (REGISTRY.get(n) is not None and REGISTRY.get(n).group in ("user", "kb"))  # type: ignore[union-attr]
                   for n in names):
            return None  # plain numbers: not a keycode range
        try:
            return IntExpression(expression, values).evaluate() & 0xFFFF
        except ValueError:
            return None

    def _collect_function(self, statement: list[Token]) -> None:
        if not statement or not statement[-1].is_("}"):
            return
        for i, t in enumerate(statement):
            if t.is_("("):
                if i > 0 and statement[i - 1].kind == "ident" and not any(s.is_("=") for s in statement[:i]):
                    self.functions.append(statement[i - 1].text)
                return

    # -- layers ------------------------------------------------------------------------------

    def _spread_ranges(self, entries: list[ArrayEntry]) -> list[ArrayEntry]:
        """`[1 ... DYNAMIC_KEYMAP_LAYER_COUNT - 1] = LAYOUT(...)` (GCC's range designator) gives
        each layer of the range the same keys: one entry per layer, numbered."""
        spread: list[ArrayEntry] = []
        for entry in entries:
            if entry.designator is None or len(split_top_level(entry.designator, "...")) != 2:
                spread.append(entry)
                continue
            if "DYNAMIC_KEYMAP_LAYER_COUNT" not in self.late_defines and "DYNAMIC_KEYMAP_LAYER_COUNT" not in (
                    self.enum_values):
                self.enum_values["DYNAMIC_KEYMAP_LAYER_COUNT"] = 4  # QMK's default (quantum/dynamic_keymap.c)
                self.warnings.append("DYNAMIC_KEYMAP_LAYER_COUNT is read as QMK's default, 4 (the file's config.h "
                                     "may set another)")
            for index in self._designated_range(entry, 0):
                spread.append(ArrayEntry([Token("number", str(index), entry.line, 1)], entry.value, entry.line))
        return spread

    def _layer_indices(self, entries: list[ArrayEntry]) -> tuple[list[str], list[int]]:
        idents: list[str] = []
        indices: list[int] = []
        next_index = 0
        unresolved = [
            e.designator[0].text
            for e in entries
            if e.designator is not None
            and len(e.designator) == 1
            and e.designator[0].kind == "ident"
            and not self._resolvable(e.designator)
        ]
        first_unresolved = next((i for i, e in enumerate(entries) if e.designator is not None
                                 and len(e.designator) == 1 and e.designator[0].text in unresolved), len(entries))
        resolved_first = entries[:first_unresolved]
        if (unresolved and len(unresolved) == len(entries) - len(resolved_first)
                and all(e.designator is not None and self._resolvable(e.designator) for e in resolved_first)):
            # The layer enum (or its last names) lives in a header this file includes: number those
            # layers in order, after the ones this file numbers.
            start = max((self._int(e.designator) for e in resolved_first if e.designator is not None), default=-1) + 1
            unresolved = list(dict.fromkeys(unresolved))  # a layer given twice is one layer (the later counts)
            self.warnings.append(
                f"layer names {', '.join(unresolved)} are defined outside this file; "
                f"numbered them {'from ' + str(start) + ' ' if start else ''}in the order keymaps[] lists them"
            )
            for index, ident in enumerate(unresolved, start):
                self.enum_values[ident] = index
        for entry in entries:
            if entry.designator is None:
                index = next_index
            else:
                index = self._int(entry.designator)
                if len(entry.designator) == 1 and entry.designator[0].kind == "ident":
                    idents.append(entry.designator[0].text)
            if index < 0 or index > 31:
                raise FormatError(f"layer index {index} is out of range 0..31", self.path, *entry_start(entry))
            indices.append(index)
            next_index = index + 1
        return idents, indices

    def _layer_names(self, idents: list[str], indices: list[int], count: int) -> list[str]:
        names = [default_layer_name(i) for i in range(count)]
        by_index = {self._int(ident_tokens(ident)): ident for ident in idents}
        # A layer enum also names layers the array leaves out.
        layer_enum = self._layer_enum(idents)
        for member, value in layer_enum.items():
            if value is not None and value < count and value not in by_index:
                by_index[value] = member
        taken: set[str] = set()
        for index, ident in sorted(by_index.items()):
            if index >= count:
                continue
            name = layout_name_for_c_identifier(ident)
            if name in taken:
                name = ident
            names[index] = name
            taken.add(name)
        return names

    def _layer_enum(self, idents: list[str]) -> dict[str, int | None]:
        """The enum of the layers: the one the designators name, else (`[0] = …`, as QMK's json2c
        writes) the one whose members the keys use as layers (`LT(SYM, KC_TAB)`)."""
        named = idents or self.used_as_layers
        return next((e for e in self.enums if any(i in e for i in named)), {})

    def _names_used_as_layers(self, entries: list[ArrayEntry]) -> list[str]:
        used: list[str] = []
        for entry in entries:
            tokens = entry.value
            for i, t in enumerate(tokens[2:], 2):
                if (t.kind == "ident" and tokens[i - 1].is_("(") and tokens[i - 2].text in LAYER_ARGUMENT_CALLS
                        and tokens[i - 2].text != "TD" and t.text in self.enum_values):
                    used.append(t.text)
        return list(dict.fromkeys(used))

    def _other_layer_symbols(self, idents: list[str], names: list[str]) -> dict[str, str]:
        """Enum members of the layer enum that the array does not designate still name layers; one
        past the array's layers (`LT(ZERO, KC_A)`, ZERO a layer with no keys, held for its tap-hold
        in C) is the layer number C gives it, which QMK reads as all KC_TRNS."""
        layer_enum = self._layer_enum(idents)
        symbols: dict[str, str] = {}
        for member, value in layer_enum.items():
            if value is not None and value < len(names) and member not in idents:
                symbols[member] = names[value]
            elif value is not None and len(names) <= value < _MAX_LAYERS and member not in idents:
                symbols[member] = str(value)
                self.keyless_layers[value] = member
        return symbols
