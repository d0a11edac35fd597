"""A keymap.c after the preprocessor, as the reading stages share it: its statements, the arrays and
enums found in them, and what the layout has taken from them so far.

The reader is built in stages, one module each, every stage a subclass of the one before:
these statements, the keys (keymap_c_keys), the features around them (keymap_c_features),
the names the file uses without declaring them (keymap_c_unseen) and, on top, the layers and
the whole read (keymap_c_import). Splitting by stage keeps each concern readable while the
stages share one state, as they read one file."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from keyconf.formats.c_source import (
    Define,
    IntExpression,
    Token,
    check_nesting,
    expand,
    find_matching,
    iter_statements,
    keyboard_macros,
    preprocess,
    render,
    split_call_arguments,
    split_top_level,
    tokenize,
    unwrap_parentheses,
)
from keyconf.formats.document_limits import position
from keyconf.formats.format_error import FormatError
from keyconf.formats.user_headers import UserHeaders, is_feature_flag, plain_enums
from keyconf.model.keycodes import REGISTRY, KeycodeError
from keyconf.model.keycodes.keyboard_keycodes import header_keycode
from keyconf.model.keycodes.languages import host_languages
from keyconf.model.layout import (
    CustomKeycode,
)

MAX_KEYMAP_C_CHARS = 256 * 1024
MAX_KEYMAP_C_INCLUDES = 256  # `#include` lines of one keymap.c: QMK's have a handful, users' a few dozen
_INCLUDE_LINE = re.compile(r"^[ \t]*#[ \t]*include\b", re.M)


def past_keymap_c_limits(text: str) -> int | None:
    """Where `text` passes the size or `#include` count a keymap.c may have (each include is looked for in
    the folders of the build: thousands cost seconds), or None."""
    if len(text) > MAX_KEYMAP_C_CHARS:
        return MAX_KEYMAP_C_CHARS
    for count, found in enumerate(_INCLUDE_LINE.finditer(text)):
        if count == MAX_KEYMAP_C_INCLUDES:
            return found.start()
    return None


# Calls whose first argument names a layer (or, for TD, a tap dance) rather than a keycode.
LAYER_ARGUMENT_CALLS = frozenset({"MO", "TG", "TO", "DF", "OSL", "TT", "PDF", "LT", "LM", "TD"})


# Where custom keycode enums start. SAFE_RANGE is QK_USER in QMK since 0.19; the rest were
# keyboard-level range ends in older QMK, where a keymap's own keycodes now start at SAFE_RANGE.
USER_RANGE_STARTS = frozenset({"SAFE_RANGE", "QK_USER"})


# What a user can do about a keymap.c whose keys are in headers it includes but keyconf lacks.
IN_PLACE_HINT = (
    "import the keymap.c where it lives in your repository checkout (keyconf reads the headers beside it, "
    "users/<name>/ and the keyboards folders, as QMK's build does), or copy those #defines into the keymap.c"
)


# Headers QMK itself provides: names from them are keyconf's to know; any other quoted
# include is the user's own (a userspace), which keyconf cannot see.
_QMK_HEADER_PREFIXES = ("keymap_", "sendstring_", "quantum", "action", "process_", "keycode")
_QMK_HEADERS = frozenset(
    """version.h eeconfig.h print.h debug.h timer.h wait.h host.h report.h raw_hid.h os_detection.h
    transactions.h split_util.h rgb_matrix.h rgblight.h led.h oled_driver.h encoder.h pointing_device.h
    send_string.h keymap_us.h keymap_steno.h keymap_introspection.h keymap_common.h config.h progmem.h util.h
    color.h caps_word.h repeat_key.h analog.h audio.h
    i2c_master.h spi_master.h ws2812.h eeprom.h gpio.h matrix.h keyboard.h layer_lock.h secure.h
    leader.h tap_dance.h combo.h autocorrect.h os_detection.h deferred_exec.h haptic.h""".split()
)


def _names_keymaps(tokens: list[Token]) -> bool:
    return any(t.kind == "ident" and t.text == "keymaps" for t in tokens)


@dataclass
class ArrayEntry:
    """One designated (or positional) element of an array initializer."""

    designator: list[Token] | None
    value: list[Token]
    line: int


def entry_start(entry: ArrayEntry) -> tuple[int, int | None]:
    """The line and column where `entry` starts (its `[index] =`, else its value)."""
    tokens = entry.designator or entry.value
    return (tokens[0].line, tokens[0].column) if tokens else (entry.line, None)


# TMK's fn_actions[] entries and the keycodes of today's QMK that do the same (the same arguments).
_FN_ACTIONS = {
    "ACTION_LAYER_MOMENTARY": ("MO", 1), "ACTION_LAYER_TOGGLE": ("TG", 1), "ACTION_LAYER_TAP_TOGGLE": ("TT", 1),
    "ACTION_LAYER_ONESHOT": ("OSL", 1), "ACTION_DEFAULT_LAYER_SET": ("DF", 1), "ACTION_LAYER_TAP_KEY": ("LT", 2),
    "ACTION_LAYER_MODS": ("LM", 2), "ACTION_MODS_ONESHOT": ("OSM", 1), "ACTION_MODS_TAP_KEY": ("MT", 2),
}


def _fn_action_keycode(value: list[Token]) -> list[Token] | None:
    """`ACTION_LAYER_MOMENTARY(NAV)` as the keycode that does it, `MO(NAV)`; None for an action
    no keycode does (`ACTION_FUNCTION(n)`, which calls the keymap's C)."""
    if len(value) < 3 or value[0].kind != "ident" or value[0].text not in _FN_ACTIONS or not value[1].is_("("):
        return None
    name, arity = _FN_ACTIONS[value[0].text]
    args, end = split_call_arguments(value, 1)
    if len(args) != arity or end != len(value) or not all(args):
        return None
    out = [Token("ident", name, value[0].line, value[0].column), value[1]]
    for n, arg in enumerate(args):
        if n:
            out.append(Token("punct", ",", arg[0].line, arg[0].column))
        out += arg
    return out + [Token("punct", ")", value[-1].line, value[-1].column)]


def _is_number_define(define: Define) -> bool:
    return define.params is None and len(define.body) == 1 and define.body[0].kind == "number"


def names_keycode(text: str) -> bool:
    """Whether keyconf reads `text` as a keycode as written (nothing of QMK's arithmetic to apply)."""
    try:
        REGISTRY.parse(text)
    except KeycodeError:
        return False
    return True


def kept_for_later(define: Define) -> bool:
    """Defines left unexpanded: numbers (they may name layers), and a keyboard's own layout
    macros (`LAYOUT_konrad(...) { {...} }` from its header): the layout names its macro."""
    return _is_number_define(define) or (
        define.name.startswith(("LAYOUT", "KEYMAP")) and bool(define.body) and define.body[0].is_("{")
    )


def is_qmk_header(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    if base.startswith(("keymap_", "sendstring_")):
        # QMK's language headers, not a user's own (keymap_french_propergol.h of a userspace).
        return base in _QMK_HEADERS or base in _qmk_language_headers()
    return base in _QMK_HEADERS or base.startswith(_QMK_HEADER_PREFIXES)


# `#include "name"` at a line's start (not \s: quadratic with re.M over blank lines).
QUOTED_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"', re.M)


def own_includes(text: str) -> list[str]:
    """The files of the user's own a keymap.c includes by quoted name, each once: not QMK's headers, and
    not config.h (QMK's build force-includes the keymap's)."""
    return [name for name in dict.fromkeys(QUOTED_INCLUDE.findall(text))
            if not is_qmk_header(name) and name != "config.h"]


@functools.cache
def _qmk_language_headers() -> frozenset[str]:
    languages = host_languages().values()
    return frozenset(h for language in languages for h in (language.header, language.sendstring_header) if h)


def ident_tokens(ident: str) -> list[Token]:
    return [Token("ident", ident, 0, 0)]


class KeymapCStatements:
    """The file's tokens after the preprocessor, its statements, and the state every stage shares."""

    def __init__(self, text: str, path: str | Path | None, keyboard: str, mixed_macros: bool = False,
                 headers: UserHeaders | None = None, has_layout: Callable[[str], bool] | None = None) -> None:
        self.path = path
        self.keyboard = keyboard
        self.processor: str | None = None  # the board's chip, when the caller knows it (what its headers declare)
        self.mixed_macros = mixed_macros
        self.layer_macros: list[str | None] = []
        if len(text) > MAX_KEYMAP_C_CHARS:
            line, column = position(text, MAX_KEYMAP_C_CHARS)
            raise FormatError(
                f"the file is longer than {MAX_KEYMAP_C_CHARS // 1024} KiB of text, far more than a keymap.c; "
                "the limit is passed here", path, line, column,
                hint="the largest keymap.c files in QMK are ~55 KB: is it the right file?",
            )
        too_many = past_keymap_c_limits(text)
        if too_many is not None:
            line, column = position(text, too_many)
            raise FormatError(
                f"the file has more than {MAX_KEYMAP_C_INCLUDES} #include lines, far more than a keymap.c; the limit "
                "is passed here", path, line, column,
                hint="a keymap.c includes a few headers: is it the right file?",
            )
        self.text = text
        raw = tokenize(text, path)
        check_nesting(raw, path)
        self.raw_tokens = raw
        self.includes = [t for t in raw if t.kind == "directive" and re.match(r"#?\s*include\b", t.text)]
        # Expand as the compiler would, except names for plain numbers (`#define _LOWER 1`):
        # those may name layers, and are resolved where a number is needed.
        self.headers = headers
        include = self.headers.tokens if self.headers is not None else None
        # QMK force-includes the userspace's and the keymap's config.h before the first line.
        forced = self.headers.forced_defines() if self.headers is not None else None
        board_macros = keyboard_macros(keyboard or "")

        def assume_defined(name: str) -> bool:
            switched_off = self.headers.switched_off if self.headers is not None else frozenset()
            return ((is_feature_flag(name) and name not in switched_off) or name in board_macros
                    or (has_layout is not None and name.startswith("LAYOUT") and has_layout(name)))

        pre = preprocess(raw, path, assume_defined=assume_defined, expand_unless=kept_for_later, include=include,
                         defines=forced)
        if not _names_keymaps(pre.tokens) and _names_keymaps(raw):
            # keymaps[] only under `#if HELIX_ROWS == 5` (a board's setting from its rules.mk, which
            # a keymap.c alone lacks): read the first branch of such a chain, and say so.
            taken: list[str] = []
            if self.headers is not None:
                self.headers.next_pass()
            again = preprocess(raw, path, assume_defined=assume_defined, expand_unless=kept_for_later,
                               include=include, defines=forced, unknown_taken=taken)
            if _names_keymaps(again.tokens):
                pre = again
                more = f" (and {len(taken) - 1} more #if on such settings)" if len(taken) > 1 else ""
                pre.warnings.append(
                    f"keymaps[] is under `{taken[0]}`{more}, a setting of the keyboard keyconf does not know (its "
                    "rules.mk or config.h): read the first branch of each such #if; check the layers are the ones "
                    "your board builds"
                )
        self.defines: dict[str, Define] = pre.defines
        # The tokens are expanded already; later passes resolve only what was kept for them:
        # numbers that may name layers, and enum constants that alias keycodes.
        self.late_defines: dict[str, Define] = {n: d for n, d in pre.defines.items() if _is_number_define(d)}
        self.fn_actions_read = False  # every fn_actions[] entry became a keycode
        self.fn_note: str | None = None  # what the Fn keys became
        self.tokens = self._fn_keys_as_keycodes(pre.tokens)
        check_nesting(self.tokens, path)
        self.warnings: list[str] = (self.headers.problems if self.headers is not None else []) + pre.warnings
        if self.fn_note is not None:
            self.warnings.append(self.fn_note)
        # The headers' enums come first: a layer enum there names this file's layers.
        self.enums: list[dict[str, int | None]] = (
            [dict(group) for group in self.headers.enum_groups] if self.headers is not None else []
        )
        # The headers' enum members number what this file names with them (`[TD_MEDIA] = ...`).
        self.enum_values: dict[str, int] = dict(self.headers.enums) if self.headers is not None else {}
        # Keycode ranges a header's enum counts from SAFE_RANGE (`CKR_SAFE_RANGE = CKR_RLC + 10`).
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        self.header_ranges: dict[str, int] = (
            self.headers.range_members(dict.fromkeys(USER_RANGE_STARTS, first.value))
            if self.headers is not None else {}
        )
        self.custom_keycode_names: set[str] = set()
        self.customs: list[CustomKeycode] = []
        self._custom_absolute: list[int] = []  # each custom keycode's value (-1: its header's)
        self.qmk_named: list[str] = []  # the file's own keycodes that QMK has since declared itself
        self.external_headers: set[str] = set()  # includes now the layout's (custom keycodes name them)
        self.custom_enum_statements: list[list[Token]] = []
        self.enum_statements: list[tuple[dict[str, int | None], list[Token]]] = []
        self.consumed: list[list[Token]] = []  # statements the layout now holds
        self.consumed_defines: set[str] = set()
        self.found: dict[str, list[Token]] = {}
        self.renamed: dict[str, str] = {}  # C identifier -> layout name (layers, tap dances)
        self.enum_counts: dict[str, str] = {}  # a consumed enum's member counting its entries -> its number
        # Members of a custom keycode enum that are not custom keycodes: C name -> what keyconf's C calls it.
        self.enum_keycode_aliases: dict[str, str] = {}
        self.keyless_layers: dict[int, str] = {}  # layer enum members past keymaps[]: number -> C name
        self.functions: list[str] = []
        self.bare_designator_noted = False
        self.used_as_layers: list[str] = []  # enum members the keys use as layers, when no designator names one
        self.kc_pasting_noted = False
        self._said: set[str] = set()  # notes given once per file (ACTION_MODS_KEY)
        self._labels: frozenset[str] | None = None  # the names `case X:` labels switch on
        self.header_tap_dances: list[str] = []  # TD(name)s numbered by a header's enum, not this file
        self.tap_dance_table = False  # the file has a tap_dance_actions[] (read, or kept as C)
        self.statements: list[list[Token]] = [self.tokens[a:b] for a, b in iter_statements(self.tokens)]

    def _mentions(self, name: str, inside: list[Token]) -> bool:
        """Whether C outside `inside` (and outside the custom keycode enums) uses `name`."""
        skip = {id(t) for t in inside}
        for statement in self.statements:
            if any(statement is enum for enum in self.custom_enum_statements) or statement is self.found.get("keymaps"):
                continue
            for t in statement:
                if t.kind == "ident" and t.text == name and id(t) not in skip:
                    return True
        return False

    def _fn_keys_as_keycodes(self, tokens: list[Token]) -> list[Token]:
        """TMK's Fn keys (`KC_FN0`, `F(0)`) of old keymaps do what `fn_actions[]` says
        (`[0] = ACTION_LAYER_MOMENTARY(NAV)`). Today's QMK has neither; the keycode that does the
        same (`MO(NAV)`) takes their place, where there is one."""
        start = next((i for i, t in enumerate(tokens[:-1])
                      if t.kind == "ident" and t.text == "fn_actions" and tokens[i + 1].is_("[")), None)
        brace = None if start is None else next(
            (j for j in range(start, min(start + 8, len(tokens))) if tokens[j].is_("{")), None)
        if start is None or brace is None:
            return tokens
        close = find_matching(tokens, brace)
        table: dict[int, list[Token]] = {}
        left: list[str] = []
        # Entries and keys name their number with the file's enum (`[F_CTRL] = ...`, `F(F_CTRL)`).
        numbers = {name: value for group in plain_enums(tokens) for name, value in group.items()}
        for ordinal, part in enumerate(p for p in split_top_level(tokens[brace + 1 : close]) if p):
            index, value = ordinal, part
            if part[0].is_("["):
                end = find_matching(part, 0)
                try:
                    index = IntExpression(part[1:end], numbers).evaluate()
                except (ValueError, FormatError):
                    left.append(render(part))
                    continue
                value = part[end + 2 :] if end + 1 < len(part) and part[end + 1].is_("=") else part[end + 1 :]
            keycode = _fn_action_keycode(value)
            if keycode is None:
                left.append(render(value))
            else:
                table[index] = keycode
        self.fn_actions_read = not left
        out: list[Token] = []
        replaced: dict[str, str] = {}
        i = 0
        while i < len(tokens):
            t = tokens[i]
            number: int | None = None
            width = 1
            fn = re.fullmatch(r"KC_FN(\d+)", t.text) if t.kind == "ident" else None
            if fn:
                number = int(fn.group(1))
            elif (t.kind == "ident" and t.text == "F" and i + 3 < len(tokens) and tokens[i + 1].is_("(")
                  and tokens[i + 3].is_(")")):
                if tokens[i + 2].kind == "number":
                    number, width = int(tokens[i + 2].text, 0), 4
                elif tokens[i + 2].text in numbers:
                    number, width = numbers[tokens[i + 2].text], 4
            if number is None or number not in table or (start <= i <= close):
                out.append(t)
                i += 1
                continue
            out += [Token(u.kind, u.text, t.line, t.column) for u in table[number]]
            replaced.setdefault(render(tokens[i:i + width]), render(table[number]))
            i += width
        if replaced:
            shown = ", ".join(f"{old} is {new}" for old, new in list(replaced.items())[:6])
            self.fn_note = (
                f"TMK's Fn keys do what fn_actions[] says, which today's QMK no longer reads: {shown}"
                + ("" if not left else f"; fn_actions[] entries with no keycode of today's QMK stay C: {left[0]}")
            )
        return out

    def consume_statement(self, array: str) -> None:
        statement = self.found.get(array)
        if statement is not None:
            self.consumed.append(statement)

    def _next_custom_value(self) -> int:
        own = [v for v in self._custom_absolute if v >= 0]
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        return own[-1] + 1 if own else first.value

    @staticmethod
    def _header_name(directive: str) -> str | None:
        found = re.match(r'#?\s*include\s*"([^"]+)"', directive)
        return found.group(1) if found else None

    @property
    def custom_values(self) -> dict[str, int]:
        return {c.name: v for c, v in zip(self.customs, self._custom_absolute, strict=True)}

    def _names_qmk_keycode(self, name: str) -> bool:
        """Whether today's QMK headers declare `name` (an enum of the file's own cannot, then): QMK's
        own, or the board's through QMK_KEYBOARD_H (an old Oryx ErgoDox keymap's `TOGGLE_LAYER_COLOR,`
        in its custom keycodes, which ergodox_ez.h now declares)."""
        if REGISTRY.get(name) is not None and not REGISTRY.is_pre_spec_name(name):
            return True
        return (any("QMK_KEYBOARD_H" in d.text for d in self.includes)
                and header_keycode(["QMK_KEYBOARD_H"], name, self.keyboard) is not None)

    def _add_custom(self, name: str, value: int) -> None:
        """A custom keycode with its firmware value; pinned only where C-enum counting from
        SAFE_RANGE would give another value."""
        if any(c.name == name for c in self.customs):  # C refuses a redeclared enumerator; keep the first
            self.warnings.append(f"custom keycode {name} is declared twice; the first declaration counts")
            return
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        expected = self._next_custom_value()
        self.customs.append(CustomKeycode(name, value=None if value == expected else value))
        self._custom_absolute.append(value)
        self.custom_keycode_names.add(name)

    def _is_keycode(self, expression: list[Token]) -> bool:
        """Whether `expression` reads as a keycode (layer identifiers allowed: resolved later)."""
        text = render(unwrap_parentheses(expression))
        if not text or any(t.kind in ("string", "char") for t in expression):
            return False
        try:
            REGISTRY.parse(text)
            return True
        except KeycodeError as error:
            # A layer identifier (`LT(_NAV, KC_SPC)`) is resolved once the layer names are known.
            if "layer" in error.message:
                return True
        # `NAV_A = LGUI_T(CA)`, CA one of the file's custom keycodes: a mod-tap whose tap the C code
        # catches; the layout holds it as written, as a key may.
        if not any(t.kind == "ident" and t.text in self.custom_keycode_names for t in expression):
            return False
        placeholder = [Token("ident", "KC_NO", t.line, t.column)
                       if t.kind == "ident" and t.text in self.custom_keycode_names else t for t in expression]
        return self._is_keycode(placeholder)

    @staticmethod
    def _keycode_value(expression: list[Token]) -> int | None:
        """The value of a keycode expression that needs no layout (`JS_0`, `KC_A`); None otherwise."""
        try:
            return REGISTRY.encode(REGISTRY.parse(render(unwrap_parentheses(expression))))
        except KeycodeError:
            return None

    def _find_array(self, name: str, type_names: tuple[str, ...] = ()) -> list[Token] | None:
        """The tokens inside `{…}` of the array initializer `name[…] = {…}` (its statement is
        remembered in `found`)."""
        for statement in self.statements:
            for i, t in enumerate(statement):
                if not (t.kind == "ident" and t.text == name):
                    continue
                if type_names and not any(s.text in type_names for s in statement[:i]):
                    continue
                j = i + 1
                while j < len(statement) and statement[j].is_("["):
                    j = find_matching(statement, j) + 1
                while j < len(statement) and statement[j].kind == "ident":
                    j += 1  # PROGMEM after the brackets
                if j >= len(statement) or not statement[j].is_("="):
                    continue
                j += 1
                if j < len(statement) and statement[j].is_("("):
                    # `(const key_override_t *[]){ ... }` compound literal
                    j = find_matching(statement, j) + 1
                if j >= len(statement) or not statement[j].is_("{"):
                    where = statement[j] if j < len(statement) else t
                    raise FormatError(f"`{name}` is not initialized with {{...}}", self.path, where.line, where.column)
                close = find_matching(statement, j)
                self.found[name] = statement
                return statement[j + 1 : close]
        return None

    def _entries(self, body: list[Token]) -> list[ArrayEntry]:
        entries: list[ArrayEntry] = []
        for part in split_top_level(body):
            if not part:
                continue
            if part[0].is_("["):
                close = find_matching(part, 0)
                if close == 1:
                    raise FormatError("an empty index `[]` names no layer", self.path, part[0].line, part[0].column,
                                      hint="write the layer's number or name between the brackets, e.g. [_BASE]")
                if close + 1 < len(part) and part[close + 1].kind == "ident" and not self.bare_designator_noted:
                    # `[_NAV] LAYOUT(...)`: GCC's obsolete designator without '=', which it accepts.
                    self.bare_designator_noted = True
                    self.warnings.append(f"line {part[0].line}: `[{render(part[1:close])}]` has no '=' before its "
                                         "value, an obsolete GCC form QMK builds; read as `[…] = …`")
                elif close + 1 >= len(part) or not part[close + 1].is_("="):
                    if close + 1 >= len(part) or part[close + 1].kind != "ident":
                        t = part[close + 1] if close + 1 < len(part) else part[close]
                        raise FormatError("expected '=' after the designator", self.path, t.line, t.column)
                value = part[close + 2 :] if part[close + 1].is_("=") else part[close + 1 :]
                if not value:
                    emptied = next((d for d in self.defines.values()
                                    if d.name.startswith("LAYOUT") and d.params is not None and not d.body), None)
                    if emptied is not None:
                        # `#define LAYOUT_split_3x6_3(__VA_ARGS__)`: the layout macro made to vanish.
                        raise FormatError(
                            f"the file defines {emptied.name}(...) as nothing (`#define {emptied.name}("
                            f"{', '.join(emptied.params or [])})`), so its layers hold no keys: QMK cannot build it "
                            "either", self.path, emptied.line,
                            hint="delete that #define: the keyboard's own layout macro places the keys")
                    raise FormatError("designator without a value", self.path, part[0].line, part[0].column)
                entries.append(ArrayEntry(part[1:close], value, part[0].line))
            else:
                entries.append(ArrayEntry(None, part, part[0].line))
        return entries

    def _int(self, tokens: list[Token]) -> int:
        try:
            return IntExpression(expand(tokens, self.late_defines), self.enum_values).evaluate()
        except ValueError as error:
            if not tokens:
                raise FormatError("an empty index names no layer", self.path, 1, 1) from None
            t = tokens[0]
            unknown = re.fullmatch(r"unknown name (\w+)", str(error))
            unseen = [h for h in (self._header_name(d.text) for d in self.includes)
                      if h and not is_qmk_header(h) and (self.headers is None or h not in self.headers.read)]
            if unknown and unseen:
                # `[NUMBER_OF_LAYERS - 1]` with the layer enum in the user's layers.h, read alone.
                shown = " or ".join(unseen[:3]) + (f" (or one of {len(unseen) - 3} more)" if len(unseen) > 3 else "")
                raise FormatError(
                    f"cannot work out the index `{render(tokens)}`: {unknown.group(1)} is not defined in this file, "
                    f"most likely in {shown}, which it includes and keyconf cannot see",
                    self.path, t.line, t.column, hint=IN_PLACE_HINT,
                ) from None
            raise FormatError(
                f"cannot work out the index `{render(tokens)}` ({error})",
                self.path,
                t.line,
                t.column,
                hint="layer indices must be numbers, or names from an enum or #define in this file",
            ) from None

    def _resolvable(self, tokens: list[Token]) -> bool:
        try:
            IntExpression(expand(tokens, self.late_defines), self.enum_values).evaluate()
        except (ValueError, FormatError):
            return False
        return True

    def _designated_range(self, entry: ArrayEntry, positional: int) -> range:
        """Indices an entry sets: its designator, a GNU range `[1 ... 7]`, or the next position."""
        if entry.designator is None:
            return range(positional, positional + 1)
        parts = split_top_level(entry.designator, "...")
        if len(parts) == 2:
            low, high = self._int(parts[0]), self._int(parts[1])
            if high < low or high - low > 255:
                raise FormatError(f"bad index range {low} ... {high}", self.path, *entry_start(entry))
            return range(low, high + 1)
        index = self._int(entry.designator)
        return range(index, index + 1)

    def _user_headers(self) -> list[str]:
        """The quoted headers the file includes that are not QMK's: a userspace, the user's own files."""
        return [h for h in (self._header_name(d.text) for d in self.includes) if h and not is_qmk_header(h)]

    def _consume_enum_of(self, idents: list[str]) -> None:
        """The enum naming the entries of a table keyconf took over (tap dances, combos). Members after
        them that count them (`TD_QESC, …, TAPDANCE_LENGTH`, for `COMBO_LEN = COMBO_LENGTH;`) go too: the
        C kept gets each as the number C gave it (kept, the enum would declare the entries once more
        beside keyconf's names for them)."""
        for members, statement in self.enum_statements:
            if not idents or not all(ident in members for ident in idents):
                continue
            counts = list(members)[len(set(idents)):]
            if any(m in idents for m in counts):
                continue
            if counts and list(members.values()) != list(range(len(members))):
                continue
            self.consumed.append(statement)
            self.enum_counts.update({m: str(members[m]) for m in counts})

    def _find_array_in(self, statement: list[Token], name_index: int) -> list[Token] | None:
        j = name_index + 1
        while j < len(statement) and statement[j].is_("["):
            j = find_matching(statement, j) + 1
        while j < len(statement) and statement[j].kind == "ident":
            j += 1
        if j + 1 < len(statement) and statement[j].is_("=") and statement[j + 1].is_("{"):
            return statement[j + 2 : find_matching(statement, j + 1)]
        return None
