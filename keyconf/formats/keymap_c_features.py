"""What a keymap.c defines around its keys that a layout holds as data: encoder_map[], tap dances
(tap_dance_actions[] of QMK's ACTION_TAP_DANCE_* forms), combos, key overrides, and SEND_STRING
macros in process_record_user. Anything else stays C, carried verbatim."""

from __future__ import annotations

import re

from keyconf.formats.c_source import (
    Token,
    expand,
    find_matching,
    render,
    split_call_arguments,
    split_top_level,
    unwrap_parentheses,
)
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_keys import KeyReader
from keyconf.formats.layer_names import layout_name_for_c_identifier
from keyconf.formats.send_string_c import NotAMacro, send_string_steps
from keyconf.model.keycodes import REGISTRY, KeycodeError
from keyconf.model.layout import (
    Combo,
    EncoderAction,
    KeyOverride,
    Layout,
    Macro,
    TapDance,
    keycode_fields,
)

_TAP_DANCE_TYPES = ("tap_dance_action_t", "qk_tap_dance_action_t")


_TD_NUMBER = re.compile(r"\bTD\((\d+)\)")


_MAX_DYNAMIC_TAP_DANCES = 255  # Vial's tap dance slots are numbered in one byte


def _registers_as_written(text: str) -> bool:
    """Whether QMK's register_code16() presses the keycode `text` as what it names: a basic key,
    with or without modifiers (what ACTION_TAP_DANCE_DOUBLE sends). Names keyconf cannot parse
    here (a custom keycode) count as such, as before."""
    try:
        keycode = REGISTRY.parse(text)
    except KeycodeError:
        return True
    if keycode.op == "MODS":
        return True
    return keycode.op == "KC" and REGISTRY.encode(keycode) <= 0xFF


def _initialised_arrays(statement: list[Token]) -> list[tuple[str, list[Token]]]:
    """Each `name[] = { ... }` a declaration initialises, with what is between its braces: one
    (`const uint16_t PROGMEM ab[] = {KC_A, KC_B, COMBO_END};`, `(ab)[]` as macro-made arrays write
    it) or several, whose type a typedef makes an array (`static comb_t ab = {...}, cd = {...};`)."""
    found: list[tuple[str, list[Token]]] = []
    k = 0
    while k + 1 < len(statement):
        if not (statement[k].is_("=") and statement[k + 1].is_("{")):
            k += 1
            continue
        close = find_matching(statement, k + 1)
        j = k - 1
        while j >= 0 and statement[j].is_("PROGMEM"):
            j -= 1
        while j >= 0 and statement[j].is_("]"):
            depth = 0
            while j >= 0:
                depth += 1 if statement[j].is_("]") else -1 if statement[j].is_("[") else 0
                j -= 1
                if depth == 0:
                    break
        if j >= 2 and statement[j].is_(")") and statement[j - 2].is_("(") and statement[j - 1].kind == "ident":
            j -= 1
        if j >= 0 and statement[j].kind == "ident":
            found.append((statement[j].text, statement[k + 2 : close]))
        k = close + 1
    return found


def _defines_function(statement: list[Token], name: str) -> bool:
    if not statement or not statement[-1].is_("}"):
        return False
    for i, t in enumerate(statement[:-1]):
        if t.is_("=") or t.is_("{"):
            return False
        if t.kind == "ident" and t.text == name and statement[i + 1].is_("("):
            return True
    return False


def _send_string_case(tokens: list[Token], start: int) -> tuple[list[list[Token]], int] | None:
    """At `start` (after `case X:`): `if (record->event.pressed) { SEND_STRING(...); ... }` then
    `return false;` or `break;`, and nothing else before the next label. The SEND_STRING
    arguments, and the index after the closing `;`."""
    i = start
    braced = i < len(tokens) and tokens[i].is_("{")
    if braced:
        i += 1
    head = ["if", "(", "record", "->", "event", ".", "pressed", ")", "{"]
    if [t.text for t in tokens[i : i + len(head)]] != head:
        return None
    i += len(head)
    arguments: list[list[Token]] = []
    while i < len(tokens) and tokens[i].is_("SEND_STRING"):
        if i + 1 >= len(tokens) or not tokens[i + 1].is_("("):
            return None
        args, after = split_call_arguments(tokens, i + 1)
        if len(args) != 1 or after >= len(tokens) or not tokens[after].is_(";"):
            return None
        arguments.append(args[0])
        i = after + 1
    if not arguments or i >= len(tokens) or not tokens[i].is_("}"):
        return None
    i += 1
    tail = [t.text for t in tokens[i : i + 3]]
    if tail == ["return", "false", ";"]:
        i += 3
    elif tail[:2] == ["break", ";"]:
        i += 2
    else:
        return None
    if braced:
        if i >= len(tokens) or not tokens[i].is_("}"):
            return None
        i += 1
    if i >= len(tokens) or not (tokens[i].is_("case") or tokens[i].is_("default") or tokens[i].is_("}")):
        return None
    return arguments, i


# Integer types a cast may name that hold every modifier mask and layer mask unchanged.
_INTEGER_TYPES = frozenset({"uint8_t", "uint16_t", "uint32_t", "int", "unsigned", "layer_state_t"})


def _without_integer_casts(tokens: list[Token]) -> list[Token]:
    """`(uint8_t) MOD_MASK_SHIFT` as `MOD_MASK_SHIFT`: a cast to an integer type as wide as the
    value it converts leaves the value as it is."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if (tokens[i].is_("(") and i + 3 < len(tokens) and tokens[i + 1].text in _INTEGER_TYPES
                and tokens[i + 2].is_(")") and not tokens[i + 3].is_(")")):
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


class FeatureReader(KeyReader):
    """Reads encoders, tap dances, combos, key overrides and SEND_STRING macros into the layout."""

    def _macros_from_process_record(self, layout: Layout) -> dict[str, int]:
        """`case EMAIL: if (record->event.pressed) { SEND_STRING("..."); } return false;` in
        process_record_user is a macro: the key plays a layout macro and the case leaves the C.
        Only custom keycodes nothing else in the C mentions are converted."""
        function = next((st for st in self.statements if _defines_function(st, "process_record_user")), None)
        if function is None or not self.customs:
            return {}
        names = {c.name for c in self.customs}
        converted: dict[str, int] = {}
        removed: list[list[Token]] = []
        left: list[str] = []
        for i, token in enumerate(function):
            if not (token.is_("case") and i + 2 < len(function) and function[i + 1].text in names
                    and function[i + 2].is_(":")):
                continue
            name = function[i + 1].text
            found = _send_string_case(function, i + 3)
            if found is None:
                continue
            steps_tokens, end = found
            try:
                steps = [step for part in steps_tokens for step in send_string_steps(part)]
            except NotAMacro:
                continue
            if self._mentions(name, function[i:end]):
                continue
            if REGISTRY.get(f"QK_MACRO_{len(layout.macros)}") is None:
                left.append(name)  # QMK's macro keycodes are all taken: the key stays a custom keycode
                continue
            converted[name] = len(layout.macros)
            layout.macros.append(Macro(steps=steps, name=name.lower()))
            removed.append(function[i:end])
        if left:
            self.warnings.append(
                f"{len(left)} more SEND_STRING keys ({', '.join(left)}) stay custom keycodes with their C code: "
                f"QMK has {len(layout.macros)} macro keycodes, which the first ones took"
            )
        if not converted:
            return {}
        for place in keycode_fields(layout, macros=False):
            if place.text in converted:
                place.set(f"QK_MACRO_{converted[place.text]}")
        kept = [(c, v) for c, v in zip(self.customs, self._custom_absolute, strict=True) if c.name not in converted]
        self.customs, self._custom_absolute = [], []
        for custom, value in kept:
            self._add_custom(custom.name, value)  # the values stay: later ones get pinned if needed
        layout.custom_keycodes = self.customs
        self.consumed.extend(removed)
        self.warnings.append(
            "SEND_STRING keys became layout macros: "
            + ", ".join(f"{name} → QK_MACRO_{index}" for name, index in converted.items())
        )
        return converted

    def _encoders(self, layout: Layout, symbols: dict[str, str]) -> None:
        body = self._find_array("encoder_map")
        if body is None:
            return
        keep = frozenset(symbols)
        positional = 0
        for entry in self._entries(body):
            indices = self._designated_range(entry, positional)
            positional = indices[-1] + 1
            if indices[-1] >= len(layout.layers):
                at = (entry.designator or entry.value or [Token("punct", "", entry.line, 1)])[0]
                raise FormatError(
                    f"encoder_map has a layer {indices[-1]} that keymaps[] lacks ({len(layout.layers)} layers)",
                    self.path, at.line, at.column,
                    hint="give encoder_map one entry per layer of keymaps[]: QMK cannot build it either (its "
                    "keymap_introspection.c asserts both have as many layers)",
                )
            value = entry.value
            if not value[0].is_("{"):
                raise FormatError("expected { ENCODER_CCW_CW(...), ... }", self.path, value[0].line, value[0].column)
            close = find_matching(value, 0)
            actions: list[EncoderAction] = []
            for part in split_top_level(value[1:close]):
                part = expand(part, self.late_defines, keep)
                if part and part[0].is_("{"):
                    pair = split_top_level(part[1 : find_matching(part, 0)])
                elif len(part) > 2 and part[0].is_("ENCODER_CCW_CW") and part[1].is_("("):
                    pair, _ = split_call_arguments(part, 1)
                else:
                    t = part[0]
                    raise FormatError("expected ENCODER_CCW_CW(ccw, cw)", self.path, t.line, t.column)
                if len(pair) != 2:
                    raise FormatError("an encoder takes two keycodes (ccw, cw)", self.path, part[0].line)
                actions.append(
                    EncoderAction(self._keycode_text(pair[0], symbols), self._keycode_text(pair[1], symbols))
                )
            for index in indices:
                layout.layers[index].encoders = [EncoderAction(a.ccw, a.cw) for a in actions]
        self.consume_statement("encoder_map")

    def _dynamic_tap_dances(self, layout: Layout) -> list[TapDance]:
        """Keys pressing TD(0), TD(1) … in a file with no `tap_dance_actions[]` at all: a Vial
        keymap's dynamic tap dances (set in Vial and kept on the keyboard; QMK alone could not
        link the file). The layout holds them as empty tap dances, so it validates and builds,
        and says so."""
        if self.tap_dance_table or self.header_tap_dances:
            return []
        used = {int(n) for layer in layout.layers for key in layer.keys for n in _TD_NUMBER.findall(key)}
        if not used or max(used) > _MAX_DYNAMIC_TAP_DANCES:
            return []
        count = max(used) + 1
        self.warnings.append(
            f"keys use {', '.join(f'TD({n})' for n in sorted(used))}, but the file has no tap_dance_actions[]: in a "
            f"Vial keymap they are Vial's tap dances, set in Vial and kept on the keyboard. The layout holds "
            f"{count} empty tap dance{'s' if count != 1 else ''} (td0…): set them in keyconf's tap dance editor, "
            "or read them from the keyboard (keyconf pull)"
        )
        return [TapDance(f"td{n}") for n in range(count)]

    def _tap_dances(self, symbols: dict[str, str]) -> tuple[list[TapDance], dict[str, str]]:
        body = self._find_array("tap_dance_actions", _TAP_DANCE_TYPES)
        self.tap_dance_table = body is not None
        if body is None:
            return [], {}
        found: dict[int, TapDance] = {}
        td_symbols: dict[str, str] = {}
        idents: dict[str, int] = {}
        unreadable: list[str] = []
        positional = 0
        keep = frozenset(symbols)
        entries = self._entries(body)
        unnumbered = [e.designator[0].text for e in entries
                      if e.designator is not None and len(e.designator) == 1 and e.designator[0].kind == "ident"
                      and not self._resolvable(e.designator)]
        if unnumbered:
            # The enum numbering the table is in a header keyconf cannot see: numbering the
            # dances here could disagree with it, so the table stays C as written and keys keep
            # `TD(TD_MEDIA)`, which QMK numbers from that header as it did the original's.
            self.header_tap_dances.extend(unnumbered)
            shown = ", ".join(unnumbered[:6]) + (f" and {len(unnumbered) - 6} more" if len(unnumbered) > 6 else "")
            self.warnings.append(
                f"tap dances {shown} are numbered by an enum outside this file: `tap_dance_actions[]` stays C code "
                "(the layout's c_source) as written, and keys keep TD(name), numbered by that header when QMK "
                "builds the keymap"
            )
            return [], {}
        for entry in entries:
            index = positional if entry.designator is None else self._int(entry.designator)
            positional = index + 1
            designator = entry.designator
            ident = (
                designator[0].text if designator and len(designator) == 1 and designator[0].kind == "ident" else None
            )
            name = layout_name_for_c_identifier(ident) if ident else f"td{index}"
            value = expand(entry.value, self.late_defines, keep)
            call = value[0].text if value else ""
            args: list[list[Token]] = []
            if len(value) > 1 and value[1].is_("("):
                args, _ = split_call_arguments(value, 1)
            dance = TapDance(name)
            pair = ([self._keycode_text(a, symbols) for a in args]
                    if call == "ACTION_TAP_DANCE_DOUBLE" and len(args) == 2 else [])
            if pair and not all(_registers_as_written(k) for k in pair):
                # QMK sends the pair with register_code16(), which takes a basic key with modifiers:
                # OSM(MOD_LSFT) there is not a one-shot Shift. Kept as C, the firmware does what it did.
                unreadable.append(f"line {entry.line}: {name} (ACTION_TAP_DANCE_DOUBLE of "
                                  f"{next(k for k in pair if not _registers_as_written(k))}, which QMK sends "
                                  "with register_code16)")
            elif pair:
                dance.tap, dance.double_tap = pair
            elif call in ("ACTION_TAP_DANCE_LAYER_MOVE", "ACTION_TAP_DANCE_LAYER_TOGGLE") and len(args) == 2:
                dance.tap = self._keycode_text(args[0], symbols)
                verb = "TO" if call.endswith("MOVE") else "TG"
                dance.double_tap = f"{verb}({self._keycode_text(args[1], symbols)})"
            else:
                unreadable.append(f"line {entry.line}: {name} ({call or 'C code'})")
            found[index] = dance
            if ident:
                td_symbols[ident] = name
                idents[ident] = index
        if unreadable:
            # Tap dances index one C table: it stays C whole, and keys name dances by number.
            self.warnings.append(
                "tap dances written in C are kept as C code (the layout's c_source), with keys naming them "
                "by number: " + "; ".join(unreadable)
            )
            return [], {ident: str(index) for ident, index in idents.items()}
        self.consume_statement("tap_dance_actions")
        self._consume_enum_of(list(idents))
        self.renamed.update(td_symbols)
        dances = [found.get(i, TapDance(f"td{i}")) for i in range(max(found) + 1)] if found else []
        return dances, td_symbols

    def _combos(self, symbols: dict[str, str]) -> list[Combo]:
        body = self._find_array("key_combos", ("combo_t",))
        if body is None:
            return []
        key_arrays: dict[str, list[str]] = {}
        array_statements: list[list[Token]] = []
        keep = frozenset(symbols)
        for statement in self.statements:
            if not any(t.is_("COMBO_END") for t in statement):
                continue
            array_statements.append(statement)
            for name, inner in _initialised_arrays(statement):
                parts = [p for p in split_top_level(inner) if not (len(p) == 1 and p[0].is_("COMBO_END"))]
                if len(parts) < len(split_top_level(inner)):  # a combo's keys end in COMBO_END
                    key_arrays[name] = [
                        self._keycode_text(expand(p, self.late_defines, keep), symbols) for p in parts
                    ]
        combos: list[Combo] = []
        combo_idents: list[str] = []
        for entry in self._entries(body):
            value = expand(entry.value, self.late_defines, keep | frozenset(key_arrays))
            call = value[0].text if value else ""
            if call != "COMBO" or len(value) < 2 or not value[1].is_("("):
                self.warnings.append(
                    f"line {entry.line}: combo {render(value[:1])}(...) runs C code, so the combos stay C code "
                    "(the layout's c_source)"
                )
                return []
            args, _ = split_call_arguments(value, 1)
            if len(args) != 2 or len(args[0]) != 1 or args[0][0].text not in key_arrays:
                at = (args[0] if args and args[0] else value)[0]
                raise FormatError(
                    "COMBO(keys, action) must name a key array ending in COMBO_END", self.path, at.line, at.column,
                    hint="declare the keys as `const uint16_t PROGMEM name[] = {KC_A, KC_B, COMBO_END};` and give "
                    "COMBO that name",
                )
            array = args[0][0].text
            ident = entry.designator[0].text if entry.designator and len(entry.designator) == 1 else array
            if entry.designator and len(entry.designator) == 1:
                combo_idents.append(entry.designator[0].text)
            combos.append(
                Combo(
                    key_arrays[array],
                    self._keycode_text(args[1], symbols),
                    name=layout_name_for_c_identifier(ident),
                )
            )
        self.consume_statement("key_combos")
        self.consumed.extend(array_statements)
        self._consume_enum_of(combo_idents)
        return combos

    def _key_overrides(self, symbols: dict[str, str], layer_names: list[str]) -> list[KeyOverride]:
        made: dict[str, KeyOverride] = {}
        override_statements: list[list[Token]] = []
        unread = False
        keep = frozenset(symbols)
        for statement in self.statements:
            for i, t in enumerate(statement):
                if not (
                    t.kind == "ident"
                    and t.text.startswith("ko_make_")
                    and i + 1 < len(statement)
                    and statement[i + 1].is_("(")
                ):
                    continue
                name_token = next((statement[k - 1] for k in range(i, 0, -1) if statement[k].is_("=")), None)
                args, _ = split_call_arguments(statement, i + 1)
                args = [expand(a, self.late_defines, keep) for a in args]
                override = self._key_override(t, args, symbols, layer_names)
                if override is not None and name_token is not None:
                    override.name = layout_name_for_c_identifier(name_token.text)
                    made[name_token.text] = override
                    override_statements.append(statement)
                else:
                    unread = True
                break
        body = self._find_array("key_overrides")
        if unread:
            self.warnings.append("key overrides keyconf cannot read stay C code (the layout's c_source), all of them")
            return []
        if body is None:
            return list(made.values())
        chosen: list[KeyOverride] = []
        for part in split_top_level(body):
            names = [t.text for t in part if t.kind == "ident" and t.text in made]
            if not names and any(t.kind == "ident" and t.text != "NULL" for t in part):
                self.warnings.append("key_overrides[] lists overrides keyconf cannot read; they stay C code")
                return []
            chosen.extend(made[n] for n in names)
        self.consumed.extend(override_statements)
        self.consume_statement("key_overrides")
        return chosen

    def _override_mod(self, tokens: list[Token]) -> str:
        """One part of a key override's modifier mask; `KC_NO` there (no modifiers) is 0 to C."""
        tokens = unwrap_parentheses(tokens)
        text = render(tokens)
        if tokens and tokens[0].kind == "ident" and not text.startswith("MOD_") and self._keycode_value(tokens) == 0:
            return "0"
        return text

    def _key_override(
        self, call: Token, args: list[list[Token]], symbols: dict[str, str], layer_names: list[str]
    ) -> KeyOverride | None:
        shapes = {
            "ko_make_basic": 3,
            "ko_make_with_layers": 4,
            "ko_make_with_layers_and_negmods": 5,
            "ko_make_with_layers_negmods_and_options": 6,
        }
        if call.text not in shapes or len(args) != shapes[call.text]:
            self.warnings.append(f"line {call.line}: {call.text}(...) is not a key override keyconf reads")
            return None
        args = [_without_integer_casts(arg) for arg in args]
        override = KeyOverride(
            trigger=self._keycode_text(args[1], symbols),
            replacement=self._keycode_text(args[2], symbols),
            mods=[self._override_mod(p) for p in split_top_level(unwrap_parentheses(args[0]), "|")],
        )
        if len(args) >= 4:
            mask = self._int(args[3])
            if mask & 0xFFFFFFFF != 0xFFFFFFFF and mask != -1:
                override.layers = [n for i, n in enumerate(layer_names) if mask >> i & 1]
        if len(args) >= 5 and render(args[4]) not in ("0", "0x00", "0x0"):
            override.negative_mods = [self._override_mod(p) for p in split_top_level(unwrap_parentheses(args[4]), "|")]
        if len(args) == 6:
            self.warnings.append(f"line {call.line}: key override options `{render(args[5])}` were not imported")
        return override
