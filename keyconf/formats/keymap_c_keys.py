"""The keys of a keymap.c layer: a layout macro call (or a raw matrix) read into keycode text
keyconf parses, with the C forms QMK accepts turned into keyconf's (layer arithmetic, removed
wrappers, ACTION_MODS_KEY, modifier masks, computed values)."""

from __future__ import annotations

import re

from keyconf.formats.c_source import (
    PUNCTUATORS,
    IntExpression,
    Token,
    expand,
    find_matching,
    render,
    split_call_arguments,
    split_top_level,
    tokenize,
    unwrap_parentheses,
)
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_statements import (
    IN_PLACE_HINT,
    LAYER_ARGUMENT_CALLS,
    ArrayEntry,
    KeymapCStatements,
    kept_for_later,
    names_keycode,
)
from keyconf.model.controllers import chip_declares_reset, chip_reset_warning
from keyconf.model.keycodes import MOD_WRAPPERS, REGISTRY, KeycodeError, format_mods, from_qmk5
from keyconf.model.keycodes.mods import MOD_MASK_NAMES, MOD_NAMES, ModsError, parse_mods, to_qmk5
from keyconf.model.keycodes.removed import REMOVED_WRAPPERS

_UNICODE_MAP_CALLS = frozenset({"UM", "UP", "XP"})  # their arguments are indices of unicode_map[]


# Layer keys whose value keeps the layer number in its low bits (QK_TO, QK_MOMENTARY, ...: 0x52X0).
_LAYER_KEYS = frozenset({"MO", "TG", "TO", "DF", "OSL", "TT", "PDF"})


# Calls taking QMK's 5-bit MOD_ modifiers, and which argument holds them.
_MODS_ARGUMENT = {"MT": 0, "OSM": 0, "LM": 1}


_MODIFIER_BITS = ("MOD_LCTL", "MOD_LSFT", "MOD_LALT", "MOD_LGUI", "MOD_RCTL", "MOD_RSFT", "MOD_RALT", "MOD_RGUI")


# Old QMK's layout macros that paste KC_ before each key (`LAYOUT_kc(A, LGUI)`), removed in 2021.
_KC_PASTING = re.compile(r"LAYOUT_(?:kc|KC)(_\w+)?|KC_KEYMAP|KEYMAP_kc(_\w+)?|KC_LAYOUT(_\w+)?")


def raw_matrix_macro(columns: int) -> str:
    """How a layer written as the matrix itself (`{ {KC_A, ...}, ... }`, often through the file's own
    macro) names its "macro": its keys are row after row, `columns` to a row, each at its matrix place."""
    return f"a raw matrix ({{...}} rows of {columns})"


def raw_matrix_columns(macro: str | None) -> int | None:
    """The row width of a raw matrix layer's name (raw_matrix_macro), None for a layout macro's."""
    found = re.fullmatch(r"a raw matrix \(\{\.\.\.\} rows of (\d+)\)", macro or "")
    return int(found.group(1)) if found else None


def _second_key_at(arg: list[Token]) -> int | None:
    """Where a second key starts in one macro argument (`ALT_T(KC_S) CTL_T(KC_T)`, a comma missing
    between them): C puts no name or number right after a complete one. None when the argument
    is one expression."""
    if not arg or arg[0].kind not in ("ident", "number"):
        return None
    i = 1
    if arg[0].kind == "ident" and i < len(arg) and arg[i].is_("("):
        i = find_matching(arg, i) + 1
    if i < len(arg) and arg[i].kind in ("ident", "number"):
        return i
    return None


def _enclosing_call(tokens: list[Token], index: int) -> str | None:
    """The name of the call whose arguments hold `tokens[index]` (`UP` for B in `UP(A, B)`)."""
    depth = 0
    for i in range(index - 1, 0, -1):
        if tokens[i].is_(")"):
            depth += 1
        elif tokens[i].is_("("):
            if depth == 0:
                return tokens[i - 1].text if tokens[i - 1].kind == "ident" else None
            depth -= 1
    return None


# The keys keyconf reads of one layer and of them all: the largest layout macro of QMK's keyboards
# has 400 keys (cutie_club/giant_macro_pad), a keymap holds 32 layers; a file past them is no keymap.
MAX_LAYOUT_KEYS = 1024
MAX_KEYMAP_KEYS = 16 * 1024
_MOD_CONSTANT_NAMES = frozenset({*MOD_NAMES, *MOD_MASK_NAMES})  # QMK's modifier constants in modifiers.h


def _mod_constant_value(name: str) -> int | None:
    """The number C gives one of QMK's modifier constants: MOD_LALT 0x04, MOD_RCTL 0x11 (the
    5-bit form), MOD_MASK_SHIFT 0x22 (an 8-bit mask); None for any other name."""
    if name in MOD_MASK_NAMES:
        return MOD_MASK_NAMES[name]
    if not name.startswith("MOD_"):
        return None
    try:
        return to_qmk5(parse_mods(name))
    except ModsError:
        return None


def _named_keycode_value(name: str) -> int | None:
    """The value C gives a keycode name in arithmetic: a keycode's (`KC_LEFT`), or one of QMK's
    modifier bits `QK_LCTL` … `QK_RGUI` (the bits LCTL() … RGUI() set)."""
    found = re.fullmatch(r"QK_([LR](?:CTL|SFT|ALT|GUI))", name)
    try:
        if found:
            return REGISTRY.encode(REGISTRY.parse(f"{found.group(1)}(KC_NO)"))
        return REGISTRY.encode(REGISTRY.parse(name)) if REGISTRY.get(name) is not None else None
    except KeycodeError:
        return None


def _is_keycode_function(name: str) -> bool:
    """Whether QMK's keycodes have a function of this name (LT, MO, LCTL_T, S, ...)."""
    try:
        REGISTRY.parse(f"{name}(KC_A)")
    except KeycodeError as error:
        return "unknown keycode function" not in error.message
    return True


class KeyReader(KeymapCStatements):
    """Reads one layer's layout macro call into the keycode text of its keys."""

    @staticmethod
    def _raw_matrix_rows(value: list[Token]) -> list[list[list[Token]]] | None:
        """`{ {k00, k01}, {k10, k11} }`: the keys of each row; None when it is not rows of keys."""
        if find_matching(value, 0) != len(value) - 1:
            return None
        parts = split_top_level(value[1:-1])
        if parts and not parts[-1]:
            parts.pop()  # a trailing comma
        rows: list[list[list[Token]]] = []
        for part in parts:
            if not part or not part[0].is_("{") or find_matching(part, 0) != len(part) - 1:
                return None
            keys = split_top_level(part[1:-1])
            if keys and not keys[-1]:
                keys.pop()
            if not keys or not all(keys):
                return None
            rows.append(keys)
        return rows or None

    keys_read = 0  # keys of the layers read so far, bounded by MAX_KEYMAP_KEYS

    def _count_keys(self, count: int, value: list[Token], args: list[list[Token]]) -> None:
        """Refuse a layer of more keys than any keyboard, or layers of more than 32 such boards'
        keys, before reading them: each key costs a keycode parse (a 1 MiB file of keys took 8 s)."""
        self.keys_read += count
        if count <= MAX_LAYOUT_KEYS and self.keys_read <= MAX_KEYMAP_KEYS:
            return
        past = args[min(count, MAX_LAYOUT_KEYS)] if count > MAX_LAYOUT_KEYS else []
        at = (past or value)[0]
        what = (f"{value[0].text}(...) holds {count:,} keys" if count > MAX_LAYOUT_KEYS else
                f"the layers up to this one hold {self.keys_read:,} keys")
        raise FormatError(f"{what}: more than a keymap of any keyboard QMK knows (keyconf reads at most "
                          f"{MAX_LAYOUT_KEYS:,} a layer, {MAX_KEYMAP_KEYS:,} in all)", self.path, at.line, at.column,
                          hint="check the layer's parentheses and commas: a missing `)` runs layers together")

    def _layout_call(self, entry: ArrayEntry, symbols: dict[str, str]) -> tuple[str, list[str]]:
        keep = frozenset(symbols)
        value = expand(entry.value, self.late_defines, keep)
        rows = self._raw_matrix_rows(value) if value and value[0].is_("{") and self.mixed_macros else None
        if rows:
            # QMK's keymaps[] is the matrix: rows of keys (a C row shorter than the matrix is KC_NO after).
            columns = max(len(row) for row in rows)
            self._count_keys(columns * len(rows), value, [])
            in_rows: list[str] = []
            for row in rows:
                in_rows += [self._keycode_text(arg, symbols) for arg in row] + ["KC_NO"] * (columns - len(row))
            return raw_matrix_macro(columns), in_rows
        if value and value[0].is_("{"):
            raise FormatError(
                "this layer is a raw matrix initializer ({...}), not a LAYOUT macro call",
                self.path,
                value[0].line,
                value[0].column,
                hint="rewrite the layer with the keyboard's LAYOUT_* macro, or import the VIA/Vial save instead",
            )
        if len(value) < 3 or value[0].kind != "ident" or not value[1].is_("("):
            t = value[0] if value else Token("punct", "", entry.line, 1)
            unseen = self._unseen_macros(entry.value) if value and value[0].kind == "ident" else ""
            if unseen:
                raise FormatError(f"{unseen}: the layers of keymaps[] are in that code, not in this file",
                                  self.path, t.line, t.column, hint=IN_PLACE_HINT)
            raise FormatError(
                f"expected a layout macro call like LAYOUT_xxx(...), found `{render(value[:6])}`",
                self.path,
                t.line,
                t.column,
            )
        args, end = split_call_arguments(value, 1)
        self._count_keys(len(args), value, args)
        stray = next((t for t in value if t.kind == "punct" and t.text not in PUNCTUATORS
                      and not t.text.isalpha() and t.text != "$"), None)  # gcc takes both in names
        if stray is not None:
            # `│KC_TAB, │KC_Q,` (a drawing's box lines among the keys): no C character, so gcc stops at it
            # ("stray in program") where a count of the keys would only say how many it wrongly made.
            raise FormatError(
                f"`{stray.text}` in {value[0].text}(...) is not C: the compiler stops at this stray character",
                self.path, stray.line, stray.column,
                hint="remove it from the key list (a drawing of the keys belongs in a // or /* */ comment)",
            )
        if end != len(value):
            t = value[end]
            raise FormatError(f"unexpected `{t.text}` after the layout macro call", self.path, t.line, t.column)
        macro = value[0].text
        if _KC_PASTING.fullmatch(macro) and macro not in self.defines:
            macro, args = self._kc_pasted(macro, args, keep)
        keys: list[str] = []
        for number, arg in enumerate(args, start=1):
            if not arg:
                before = args[number - 2][-1] if number > 1 and args[number - 2] else value[1]
                unseen = self._unseen_macros(entry.value)
                if unseen:
                    raise FormatError(f"{unseen}: the keys of keymaps[] are in that code, not in this file (read "
                                      f"without it, key {number} of {value[0].text}(...) is empty)",
                                      self.path, before.line, before.column, hint=IN_PLACE_HINT)
                why = "a comma before the closing parenthesis" if number == len(args) else "two commas in a row"
                raise FormatError(
                    f"key {number} of {value[0].text}(...) is empty ({why}?)",
                    self.path,
                    before.line,
                    before.column,
                    hint="QMK cannot build an empty argument either",
                )
            second = _second_key_at(arg)
            if second is not None:
                t = arg[second]
                raise FormatError(
                    f"key {number} of {value[0].text}(...) is two keys with no comma between them: "
                    f"`{render(arg[:second])}` `{render(arg[second:])}`",
                    self.path, t.line, t.column,
                    hint="add the missing comma before the second key; QMK cannot build this either",
                )
            keys.append(self._keycode_text(arg, symbols))
        return macro, keys

    def _kc_pasted(self, macro: str, args: list[list[Token]], keep: frozenset[str]) -> tuple[str, list[list[Token]]]:
        """QMK's `LAYOUT_kc(LGUI, A, NAV)` (board headers defined it until QMK removed it in 2021):
        each key is `KC_##key`, through the board's LAYOUT; the file's `#define KC_NAV ...` apply."""
        plain = re.sub(r"^KC_(KEYMAP|LAYOUT)", r"\1", macro).replace("_kc", "", 1).replace("_KC", "", 1)
        if not self.kc_pasting_noted:
            self.kc_pasting_noted = True
            self.warnings.append(f"{macro}(...) is old QMK's {plain}(...) that puts KC_ before each key (boards "
                                 f"defined it until 2021): read as {plain} with KC_ keys")
        kept = keep | frozenset(n for n, d in self.defines.items() if kept_for_later(d))
        pasted: list[list[Token]] = []
        for number, arg in enumerate(args):
            if not arg:  # `KC_##` of nothing: the file's `#define KC_ KC_TRNS`, the idiom's blank key
                where = args[number - 1][-1] if number and args[number - 1] else Token("ident", "", 0, 0)
                arg = expand([Token("ident", "KC_", where.line, where.column)], self.defines, kept)
            elif len(arg) == 1 and arg[0].kind in ("ident", "number") and not arg[0].text.startswith("KC_"):
                name = Token("ident", f"KC_{arg[0].text}", arg[0].line, arg[0].column)
                arg = expand([name], self.defines, kept)
            pasted.append(arg)
        return plain, pasted

    def _unseen_macros(self, tokens: list[Token]) -> str:
        """Names called like macros in `tokens` (before expansion) that neither this file nor QMK
        defines, said with the headers they must come from: a userspace wrapper
        (`KB(HRM(LAYER_QWERTY))`) that expands to many keys keyconf cannot count."""
        names = [t.text for i, t in enumerate(tokens[:-1])
                 if t.kind == "ident" and tokens[i + 1].is_("(") and t.text not in self.defines
                 and not t.text.startswith("LAYOUT") and not _is_keycode_function(t.text)]
        # Row names a wrapper fills in (`QWERTY_L1`): nothing here or in QMK knows them.
        names += [t.text for i, t in enumerate(tokens) if t.kind == "ident" and t.text not in self.defines
                  and (i + 1 == len(tokens) or not tokens[i + 1].is_("(")) and not names_keycode(t.text)
                  and t.text not in self.enum_values and t.text not in self.custom_keycode_names
                  and not t.text.startswith("LAYOUT")]
        names = list(dict.fromkeys(names))
        if not names:
            return ""
        more = len(names) - 4
        names = names[:4]
        headers = self._user_headers()
        where = f"from {' or '.join(headers)}, which keyconf cannot see" if headers else "defined nowhere in the file"
        if headers and self.headers is not None and all(self.headers.found(h) is not None for h in headers):
            # Found where QMK's build finds them, and they lack the names: a keymap older or newer than them.
            includes = "they include" if len(headers) > 1 else "it includes"
            where = (f"defined neither in the file nor in {' or '.join(headers)} and the headers {includes} "
                     f"(keyconf read them from {self.headers.found(headers[0])}): QMK's build, which reads "
                     "the same files, cannot find them either")
        called = {t.text for i, t in enumerate(tokens[:-1]) if tokens[i + 1].is_("(")}
        shown = ", ".join(f"{n}(...)" if n in called else n for n in names) + (f" and {more} more" if more > 0 else "")
        return f"{shown} {'is a macro' if len(names) == 1 else 'are macros'} {where}"

    def _keycode_text(self, tokens: list[Token], symbols: dict[str, str]) -> str:
        tokens = unwrap_parentheses(tokens)
        if len(tokens) == 1 and tokens[0].text not in symbols and tokens[0].text in _MOD_CONSTANT_NAMES:
            # `MOD_MEH` alone as a key: QMK's modifier constant is a number to C (0x07), and keymaps[]
            # holds that number, a basic keycode (KC_D). Read as the firmware has it, said so.
            name = tokens[0].text
            bits = _mod_constant_value(name)
            assert bits is not None
            text = REGISTRY.format(REGISTRY.decode(bits))
            self.warnings.append(f"line {tokens[0].line}: {name} is QMK's modifier constant 0x{bits:02X}, not a "
                                 f"keycode: as a key QMK builds {text} (a key holding those modifiers is "
                                 f"OSM({name}) or MT({name}, kc))")
            return text
        renamed: list[Token] = []
        for i, t in enumerate(tokens):
            if t.kind != "ident":
                renamed.append(t)
                continue
            names_a_layer = (i >= 2 and tokens[i - 1].is_("(") and tokens[i - 2].text in LAYER_ARGUMENT_CALLS
                             and i + 1 < len(tokens) and (tokens[i + 1].is_(",") or tokens[i + 1].is_(")")))
            if t.text in symbols and (names_a_layer or t.text not in self.enum_values):
                renamed.append(Token(t.kind, symbols[t.text], t.line, t.column))
            elif (not names_a_layer and t.text in self.enum_values
                  and (REGISTRY.get(t.text) is None or REGISTRY.is_pre_spec_name(t.text))
                  and not (i + 1 < len(tokens) and tokens[i + 1].is_("("))):  # `LT(` calls LT() even with an enum LT
                # An enum constant where a keycode goes (`LT(FN, BASE)`, BASE = 0 of the layer
                # enum) is its number, as C reads it: here KC_NO. A Unicode map index (`UM(UNI_AE)`)
                # is written as the index it is. So too a name QMK dropped before its keycode spec
                # that the file's enum declares (`enum custom_keycodes { MACRO_0, ... }`: 0, not MC_0).
                value = self.enum_values[t.text]
                index = _enclosing_call(tokens, i) in _UNICODE_MAP_CALLS
                renamed.append(Token("number", str(value) if index else f"0x{value & 0xFFFF:04X}", t.line, t.column))
                if not index and t.text in self._case_labels() and t.text not in self._said:
                    # `enum custom_keycodes { MACRO_0, MACRO_1 }` without SAFE_RANGE, caught by
                    # `case MACRO_0:` in process_record_user: C gives it 0, which the key holds.
                    self._said.add(t.text)
                    spelled = REGISTRY.format(REGISTRY.decode(value & 0xFFFF))
                    self.warnings.append(
                        f"line {t.line}: {t.text} is {value} in C (its enum does not count from SAFE_RANGE), so the "
                        f"key is {spelled}, the keycode the C code's `case {t.text}:` tests; `{t.text} = SAFE_RANGE` "
                        "in the file makes it a keycode of its own"
                    )
            elif names_a_layer and tokens[i - 2].text != "TD" and t.text in self.custom_values:
                # `MO(FN)` with FN a custom keycode, not the layer _FN: QMK keeps the low bits of its
                # value as the layer (FN = SAFE_RANGE + 4 is layer 4), so that layer it is.
                layer = self.custom_values[t.text] & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                self.warnings.append(f"`{tokens[i - 2].text}({t.text})`: {t.text} is a custom keycode, not a layer; "
                                     f"QMK keeps the low bits of its value, so the key uses layer {layer}")
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif names_a_layer and tokens[i - 2].text != "TD" and (bits := _mod_constant_value(t.text)) is not None:
                # `MO(MOD_LALT)`: QMK's modifier constant is a number to C (MOD_LALT is 0x04), and the
                # layer key keeps its low bits, so the key uses that layer.
                layer = bits & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                self.warnings.append(f"`{tokens[i - 2].text}({t.text})`: {t.text} is QMK's modifier constant "
                                     f"0x{bits:02X}, not a layer; QMK keeps its low bits, so the key uses layer "
                                     f"{layer}")
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif (names_a_layer and tokens[i - 2].text != "TD" and t.text not in self.enum_values
                  and (basic := self._keycode_value([t])) is not None and basic <= 0xFF):
                # `LT(KC_NO, KC_SPC)` (a placeholder the C code retargets): a key where QMK wants a layer is
                # a number to C, and the layer key keeps its low bits, so the key uses that layer.
                layer = basic & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                said = (f"`{tokens[i - 2].text}({t.text}, …)`: {t.text} is a key, not a layer; QMK keeps the low "
                        f"bits of its value 0x{basic:02X}, so the key uses layer {layer}")
                if said not in self.warnings:
                    self.warnings.append(said)
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif t.text == "RESET" and self._reset_is_the_chips():
                # QMK's old name for QK_BOOT, which QMK no longer defines: on an STM32 the chip's header
                # declares `RESET = 0`, so the original firmware's key is 0 and does nothing.
                self.warnings.append(chip_reset_warning(f"line {t.line}", self.processor or ""))
                renamed.append(Token("ident", "KC_NO", t.line, t.column))
            elif names_a_layer and tokens[i - 2].text == "TD" and t.text in self.enum_values:
                # TD(X) of a dance whose table keyconf did not read: the number C gives X.
                renamed.append(Token("number", str(self.enum_values[t.text]), t.line, t.column))
            elif names_a_layer and t.text in self.enum_values and 0 <= self.enum_values[t.text] <= 0xFF:
                # `LT(T1, KC_SPC)` with `T1 = TYPING_1`, a layer's alias in an enum (a header's): the
                # layer of the number C gives it.
                renamed.append(Token("number", str(self.enum_values[t.text]), t.line, t.column))
            else:
                renamed.append(t)
        for t in renamed:
            if t.kind in ("string", "char") or (t.kind == "punct" and t.text in "{};="):
                raise FormatError(f"`{render(tokens)}` is not a keycode expression", self.path, t.line, t.column)
        renamed = self._modifier_keys_as_mods(
            self._action_mods_keys(self._removed_wrappers(self._layer_arithmetic(renamed))))
        text = self._computed_keycode(render(self._layer_key_as_layer(renamed)), renamed)
        return self._modifiers_around_a_wide_keycode(text)

    def _reset_is_the_chips(self) -> bool:
        """Whether `RESET` on a key is the chip header's 0: the board's chip declares it, and nothing of
        the user's (this file, a header of theirs) does."""
        if not chip_declares_reset(self.processor) or "RESET" in self.enum_values or "RESET" in self.defines:
            return False
        return self.headers is None or self.headers.declaring("RESET") is None

    def _case_labels(self) -> frozenset[str]:
        """The names the file's C code switches on (`case MACRO_0:`)."""
        if self._labels is None:
            tokens = self.tokens
            self._labels = frozenset(tokens[i + 1].text for i in range(len(tokens) - 2)
                                     if tokens[i].is_("case") and tokens[i + 1].kind == "ident"
                                     and tokens[i + 2].is_(":"))
        return self._labels

    def _layer_arithmetic(self, tokens: list[Token]) -> list[Token]:
        """`TG(ADD_LAYER + 1)` with `#define ADD_LAYER (SCROLL_LAYER + 1)`: a layer argument C computes
        (numbers, the file's enum constants) is the layer of the number it comes to."""
        out = list(tokens)
        for i in range(len(out) - 2, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text in LAYER_ARGUMENT_CALLS and out[i + 1].is_("(")):
                continue
            args, _ = split_call_arguments(out, i + 1)
            layer = args[0] if args else []
            if not any(u.kind == "punct" and u.text not in "()" for u in layer):
                continue
            if not all(u.kind == "number" or u.kind == "punct" or u.text in self.enum_values for u in layer):
                continue
            try:
                value = IntExpression(layer, self.enum_values).evaluate()
            except (ValueError, FormatError):
                continue
            start = next(j for j, u in enumerate(out) if u is layer[0])
            end = next(j for j, u in enumerate(out) if u is layer[-1])
            out[start:end + 1] = [Token("number", str(value), layer[0].line, layer[0].column)]
        return out

    def _removed_wrappers(self, tokens: list[Token]) -> list[Token]:
        """`ALTG(KC_DEL)` of a 2016-2018 keymap: a modifier wrapper QMK removed, whose value today's
        wrapper of the same modifiers makes (RCA(KC_DEL)); read as that, with a note once a file."""
        out = list(tokens)
        for i, t in enumerate(out[:-1]):
            if t.kind == "ident" and t.text in REMOVED_WRAPPERS and out[i + 1].is_("("):
                today, removal = REMOVED_WRAPPERS[t.text]
                out[i] = Token("ident", today, t.line, t.column)
                if t.text not in self._said:
                    self._said.add(t.text)
                    self.warnings.append(f"{t.text}() is read as {today}(), the same modifiers: {removal}")
        return out

    def _action_mods_keys(self, tokens: list[Token]) -> list[Token]:
        """`ACTION_MODS_KEY(MOD_LSFT, KC_TAB)` on a key (TMK's action, which QMK's action_code.h still
        defines): its value is the key with those modifiers, the modded keycode QMK has for it,
        LSFT(KC_TAB). The modifier bits sit where a mod-tap's do, so MT()'s reading of them serves."""
        out = list(tokens)
        for i in range(len(out) - 2, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text == "ACTION_MODS_KEY" and out[i + 1].is_("(")):
                continue
            args, end = split_call_arguments(out, i + 1)
            if len(args) != 2 or not all(args):
                continue
            try:
                mod_tap = REGISTRY.encode(REGISTRY.parse(f"MT({render(args[0])}, {render(args[1])})"))
            except KeycodeError:
                continue
            spelled = REGISTRY.format(REGISTRY.decode(mod_tap & 0x1FFF))  # QK_MODS: mods << 8 | key
            if "ACTION_MODS_KEY" not in self._said:
                self._said.add("ACTION_MODS_KEY")
                self.warnings.append(f"ACTION_MODS_KEY() (TMK's action) is read as the modded keycode of the "
                                     f"same value, e.g. {render(out[i:end])} as {spelled}")
            out[i:end] = tokenize(spelled, self.path, t.line)
        return out

    def _modifiers_around_a_wide_keycode(self, text: str) -> str:
        """`LSFT(QK_MAKE)`: QMK's LSFT() ORs the Shift bit into any value, so a keycode wider than a
        basic one becomes another keycode (QK_MAKE | 0x0200), most likely not what the user meant:
        the key is that value, with a warning."""
        found = re.fullmatch(r"([A-Z_]+)\((.+)\)", text)
        if found is None or found.group(1) not in MOD_WRAPPERS:
            return text
        if names_keycode(text):
            return text
        try:
            inner = REGISTRY.encode(REGISTRY.parse(found.group(2)))
            bits = REGISTRY.encode(REGISTRY.parse(f"{found.group(1)}(KC_NO)"))
        except KeycodeError:
            return text
        if inner <= 0xFF:
            return text
        value = REGISTRY.format(REGISTRY.decode((inner | bits) & 0xFFFF))
        self.warnings.append(f"`{text}`: QMK's {found.group(1)}() ORs its modifier bits into {found.group(2)}, which "
                             f"is wider than a basic keycode, so the key is {value}, not {found.group(2)} with the "
                             "modifier held (that takes C code)")
        return value

    def _modifier_keys_as_mods(self, tokens: list[Token]) -> list[Token]:
        """`MT(KC_LALT, KC_SPC)`: a modifier KEY where QMK wants MOD_ bits. QMK's macro keeps the low
        5 bits of its value (KC_LALT is 0xE2: MOD_LSFT), so the key is what those bits say; written
        so, with a warning, since the user most likely meant MOD_LALT. So too a keycode expression
        there (a keymap.json's `MT(LALT(KC_G), KC_SPC)`, which json2c pastes into C)."""
        out = list(tokens)
        for i in range(len(out) - 3, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text in _MODS_ARGUMENT and out[i + 1].is_("(")):
                continue
            args, _ = split_call_arguments(out, i + 1)
            which = _MODS_ARGUMENT[t.text]
            if len(args) <= which or not args[which] or any(a.text.startswith("MOD_") for a in args[which]):
                continue
            key = args[which][0]
            if len(args[which]) > 1:
                value = self._keycode_value(args[which]) if key.kind == "ident" and args[which][1].is_("(") else None
                if value is None or value <= 0xFF:
                    continue
                written = render(args[which])
                meant = (f"{t.text}() holds modifiers only: a key held for {written} needs C code or a tap dance"
                         if t.text != "OSM" else "OSM() holds modifiers only")
                mods = format_mods(from_qmk5(value & 0x1F)) if value & 0x1F else ""
                if mods:
                    self.warnings.append(
                        f"line {key.line}: {t.text}() takes MOD_ modifiers, but gets {written}: QMK keeps the low 5 "
                        f"bits of its value, {mods}, so that is what the key holds ({meant})"
                    )
                    start = next(j for j, u in enumerate(out) if u is key)
                    end = next(j for j, u in enumerate(out) if u is args[which][-1])
                    out[start:end + 1] = tokenize(mods, self.path, key.line)
                continue
            basic = self._keycode_value([key]) if key.kind == "ident" else None
            if basic is not None and basic <= 0xFF:
                # `MT(KC_LCTL, kc)`, `MT(XXXXXXX, kc)`: a key where QMK wants MOD_ bits; C takes its value's
                # low 5 bits as they are.
                value = basic
                meant = (f"write {_MODIFIER_BITS[value - 0xE0]} for that modifier" if 0xE0 <= value <= 0xE7
                         else f"{key.text} is a key, not a modifier")
            elif key.text.startswith("KC_"):
                continue
            elif key.kind == "ident":
                try:  # a number of the file's (`MT(NUMP, KC_ENT)`, NUMP a custom keycode or a layer)
                    values = {**self.enum_values, **self.custom_values}
                    value = IntExpression(expand([key], self.late_defines), values).evaluate()
                except (ValueError, FormatError):
                    continue
                meant = "LT() holds a layer; a custom keycode is handled in C"
            else:
                continue  # a number: the modifier bits themselves, read as such
            if not value & 0x1F and t.text == "OSM" and len(args) == 1:
                # `OSM(KC_LCTL)`: KC_LCTL is 0xE0, whose low 5 bits are all 0; QMK builds a one-shot of
                # no modifier, a key that does nothing. Kept as that value, said so.
                raw = f"0x{REGISTRY.ranges['QK_ONE_SHOT_MOD'].first:04X}"  # QK_ONE_SHOT_MOD with no modifier bits
                self.warnings.append(f"line {key.line}: OSM({key.text}) holds no modifier (QMK keeps the low 5 bits "
                                     f"of {key.text}, all 0), so the key does nothing: kept as QMK's value {raw} "
                                     f"({meant})")
                end = next(j for j, u in enumerate(out) if u is args[-1][-1]) + 1
                out[i:end + 1] = [Token("number", raw, t.line, t.column)]
                continue
            if not value & 0x1F:
                tap = self._keycode_value(args[1]) if t.text == "MT" and len(args) == 2 else None
                if tap is None:
                    continue
                # `MT(SYMB, KC_ENT)`, SYMB = SAFE_RANGE: no modifier bits at all; QMK builds a bare
                # mod-tap value, which C code catches (`case MT(SYMB, KC_ENT):`). Kept as that value.
                raw = f"0x{0x2000 | (tap & 0xFF):04X}"
                use = (f"tapped it types {render(args[1])}, held it adds no modifier" if basic is not None
                       else "for the C code that catches it")
                self.warnings.append(f"line {key.line}: MT({key.text}, …) holds no modifier (QMK keeps the low 5 "
                                     f"bits of {key.text}, all 0): kept as QMK's value {raw}, {use}")
                end = next(j for j, u in enumerate(out) if u is args[-1][-1]) + 1 if args[-1] else i + 2
                out[i:end + 1] = [Token("number", raw, t.line, t.column)]
                continue
            mods = format_mods(from_qmk5(value & 0x1F))
            self.warnings.append(
                f"line {key.line}: {t.text}() takes MOD_ modifiers, but gets {key.text}: QMK keeps the low 5 bits of "
                f"its value, {mods}, so that is what the key holds ({meant})"
            )
            position = next(j for j, u in enumerate(out) if u is key)
            out[position:position + 1] = tokenize(mods, self.path, key.line)
        return out

    def _computed_keycode(self, text: str, tokens: list[Token]) -> str:
        """A key written as C arithmetic (`SAFE_RANGE + 2`, from a macro numbering keys in a
        range; `QK_LCTL | QK_LGUI | (KC_LEFT)`, modifier bits ORed onto a key by the file's own
        macro) is the keycode of its value, as the compiler computes it."""
        if not any(t.kind == "punct" and t.text in "+-|*<<>>" for t in tokens):
            return text
        if any(t.kind == "ident" and i + 1 < len(tokens) and tokens[i + 1].is_("(") for i, t in enumerate(tokens)):
            return text  # a call, not arithmetic
        if names_keycode(text):
            return text
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        names = {t.text for t in tokens if t.kind == "ident"}
        values = {
            **{name: value for name in names if (value := _named_keycode_value(name)) is not None},
            "SAFE_RANGE": first.value, "QK_USER": first.value, **self.enum_values, **self.custom_values,
        }
        try:
            value = IntExpression(tokens, values).evaluate() & 0xFFFF
        except (ValueError, FormatError):
            return text
        named = next((name for name, v in self.custom_values.items() if v == value), None)
        return named or REGISTRY.format(REGISTRY.decode(value))

    def _layer_key_as_layer(self, tokens: list[Token]) -> list[Token]:
        """`LT(MO(_NAV), KC_M)`, `TT(NUM)` with `#define NUM MO(_NUM)`: a layer key keeps the low bits of
        its layer argument (4 for LT and LM, 5 for the others), and a layer key's value holds its layer
        there (MO(n) is 0x5220 | n), so QMK builds LT(_NAV, KC_M), TT(_NUM). Read so, with a warning: the
        author most likely meant just the layer."""
        out = list(tokens)
        i = 0
        while i + 4 < len(out):
            outer, inner = out[i], out[i + 2]
            if (outer.text in _LAYER_KEYS | {"LT", "LM"} and out[i + 1].is_("(") and inner.text in _LAYER_KEYS
                    and out[i + 3].is_("(")):
                close = find_matching(out, i + 3)
                layer = out[i + 4 : close]
                after = "," if outer.text in ("LT", "LM") else ")"
                if layer and close + 1 < len(out) and out[close + 1].is_(after):
                    bits = 4 if outer.text in ("LT", "LM") else 5
                    rest = ", ..." if after == "," else ""
                    self.warnings.append(
                        f"line {outer.line}: `{render(tokens)}` gives {outer.text}() the key {inner.text}(...) as its "
                        f"layer; QMK keeps its low {bits} bits, which are the layer: read as "
                        f"{outer.text}({render(layer)}{rest}), as the firmware has it"
                    )
                    out[i + 2 : close + 1] = layer
            i += 1
        return out
