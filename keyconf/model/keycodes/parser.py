"""Parse keycode text into Keycode trees.

Accepts QMK's spelling (`LT(nav, KC_SPC)`, `MT(MOD_LCTL | MOD_LSFT, KC_A)`, `C(S(KC_T))`),
whitespace anywhere, and the dialects other tools write: Vial's `LT1(KC_SPC)` and `M0`, hex
and decimal raw values (`"0x7c4f"`), Vial's `-1` holes, QMK Configurator's `ANY(...)`
wrapper, VIA's `MACRO(n)`/`CUSTOM(n)`, and lower case. Such spellings parse with
`deprecated=True` so callers can offer the canonical text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keyconf.model.keycodes.forms import (
    DEPRECATED_FORMS,
    DIALECT_WRAPPERS,
    LAYER_FUNCTIONS,
    MOD_TAPS,
    MOD_WRAPPERS,
)
from keyconf.model.keycodes.mods import MOD_MASK_NAMES, MOD_NAME_ALIASES, ModsError, format_mods, parse_mods
from keyconf.model.keycodes.types import (
    OP_CUSTOM,
    OP_KEYCODE,
    OP_LAYER_MOD,
    OP_LAYER_TAP,
    OP_MOD_TAP,
    OP_MODS,
    OP_ONE_SHOT_MOD,
    OP_RAW,
    OP_SWAP_HANDS_TAP,
    OP_TAP_DANCE,
    OP_UNICODE,
    OP_UNICODE_MAP,
    OP_UNICODE_PAIR,
    Keycode,
    KeycodeError,
    LayerRef,
    ParseContext,
    ParsedText,
)

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>-?(?:0[xX][0-9a-fA-F]+|\d+))|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[(),|]))"
)
_VIAL_LT_RE = re.compile(r"^LT(\d{1,2})$")
_VIAL_MACRO_RE = re.compile(r"^M(\d{1,3})$")
MAX_TEXT = 512  # longer text is not a keycode; refuse before doing any work


@dataclass(frozen=True)
class Token:
    """One lexical piece of keycode text and where it starts (for error columns)."""

    kind: str  # "num", "ident", "(", ")", ",", "|", "end"
    text: str
    pos: int


_PLAIN_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokenize(text: str) -> list[Token]:
    if _PLAIN_NAME_RE.fullmatch(text):  # most keycodes are one name: KC_A, KC_TRNS, _______
        return [Token("ident", text, 0), Token("end", "", len(text))]
    tokens: list[Token] = []
    pos = 0
    end = len(text.rstrip())
    while pos < end:
        match = _TOKEN_RE.match(text, pos)
        if not match:
            bad = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise KeycodeError(f"unexpected character {text[bad]!r}", bad)
        kind = match.lastgroup or "punct"
        start = match.start(kind)
        value = match.group(kind)
        if kind == "num" and match.end() < len(text) and (text[match.end()].isalnum() or text[match.end()] == "_"):
            raise _number_run_on(text, start)
        tokens.append(Token(value if kind == "punct" else kind, value, start))
        pos = match.end()
    tokens.append(Token("end", "", len(text.rstrip())))
    return tokens


_RUN_ON = re.compile(r"-?[0-9A-Za-z_]+")
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")


def _number_run_on(text: str, start: int) -> KeycodeError:
    """Digits running into letters (`UC(00e4)`, a code point typed without its 0x): C reads no such
    number (`00e4` is even a float there), so QMK cannot build it either."""
    match = _RUN_ON.match(text, start)
    word = match.group(0) if match else text[start:]
    digits = word.lstrip("-")
    hint = (f"write it as a hexadecimal number: 0x{digits}" if _HEX_DIGITS.fullmatch(digits)
            else "write a number as decimal digits, or hexadecimal ones after 0x")
    return KeycodeError(f"`{word}` is not a number QMK can take: digits running into letters make no C integer "
                        "(a hexadecimal one starts with 0x)", start, hint)


NameResolver = Callable[[str], "tuple[Keycode, bool] | None"]
BasicCheck = Callable[[Keycode], bool]
Suggester = Callable[[str], Sequence[str]]


class Parser:
    """Recursive-descent parser over one text; names come from the registry's resolver."""

    def __init__(
        self,
        text: str,
        ctx: ParseContext,
        resolve: NameResolver,
        is_basic: BasicCheck,
        suggest: Suggester,
    ) -> None:
        if len(text) > MAX_TEXT:
            raise KeycodeError(f"keycode text is too long ({len(text)} characters)", 0)
        self.text = text
        self.ctx = ctx
        self.resolve = resolve
        self.is_basic = is_basic
        self.suggest = suggest
        try:
            self.tokens = tokenize(text)
        except KeycodeError as exc:
            raise _free_text(text, exc) from None
        self.index = 0
        self.deprecated = False
        self.notes: list[str] = []

    # -- token helpers
    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.take()
        if token.kind != kind:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise KeycodeError(f"expected {what}, found {found}", token.pos)
        return token

    def integer(self, token: Token) -> int:
        """A number token's value as C reads it: a leading 0 means octal (`017` is 15)."""
        text = token.text.lstrip("-")
        sign = -1 if token.text.startswith("-") else 1
        if len(text) > 1 and text[0] == "0" and text[1] not in "xX":
            if any(c in "89" for c in text):
                raise KeycodeError(f"{token.text} is not a number: a leading 0 makes it octal, which has no "
                                   f"8 or 9", token.pos, f"write {int(text)} without the leading 0")
            value = sign * int(text, 8)
            self.note(f"{token.text} is octal (C reads a leading 0 so): {value}")
            return value
        return int(token.text, 0)

    def note(self, message: str) -> None:
        self.deprecated = True
        self.notes.append(message)

    # -- grammar
    def parse(self) -> ParsedText:
        if not self.text.strip():
            raise KeycodeError("empty keycode", 0, "use KC_NO for a key that does nothing")
        keycode = self.expr()
        token = self.peek()
        if token.kind != "end":
            raise _free_text(self.text, KeycodeError(f"unexpected {token.text!r} after the keycode", token.pos))
        return ParsedText(keycode, self.deprecated, tuple(self.notes))

    def expr(self) -> Keycode:
        token = self.take()
        if token.kind == "num":
            return self.number(token)
        if token.kind != "ident":
            found = "the end" if token.kind == "end" else repr(token.text)
            raise KeycodeError(f"expected a keycode, found {found}", token.pos)
        if self.peek().kind == "(":
            return self.call(token)
        return self.name(token)

    def number(self, token: Token) -> Keycode:
        if token.text == "-1":
            self.note("-1 (an empty position in Vial) is KC_NO")
            found = self.resolve("KC_NO")
            assert found is not None
            return found[0]
        value = self.integer(token)
        if not 0 <= value <= 0xFFFF:
            raise KeycodeError(f"{token.text} is not a 16-bit keycode value", token.pos)
        canonical = f"0x{value:04X}"
        if token.text != canonical:
            self.note(f"raw value written as {canonical}")
        return Keycode(OP_RAW, number=value)

    def name(self, token: Token) -> Keycode:
        # The layout's own keycodes come first: their names are the layout's to choose.
        if self.ctx.custom(token.text) is not None:
            return Keycode(OP_CUSTOM, name=token.text)
        found = self.resolve(token.text)
        if found is None and token.text.upper() != token.text:
            found = self.resolve(token.text.upper())
            if found is not None:
                self.note(f"{token.text} written in upper case")
        if found is None:
            vial_macro = _VIAL_MACRO_RE.match(token.text.upper())
            if vial_macro:
                found = self.resolve(f"QK_MACRO_{int(vial_macro.group(1))}")
                if found is not None:
                    self.note(f"Vial's {token.text} is QK_MACRO_{int(vial_macro.group(1))}")
        if found is None:
            if token.text.upper() in MOD_WRAPPERS or token.text.upper() in MOD_TAPS:
                raise KeycodeError(f"{token.text} needs a keycode: {token.text}(KC_A)", token.pos)
            if token.text.upper() in LAYER_FUNCTIONS or token.text.upper() in ("LT", "LM", "MT", "OSM", "TD"):
                raise KeycodeError(f"{token.text} needs arguments, e.g. {token.text}(1)", token.pos)
            raise KeycodeError(
                f"unknown keycode {token.text!r}", token.pos, _did_you_mean(self.suggest(token.text))
            )
        keycode, deprecated = found
        if deprecated:
            self.note(f"{token.text} is an old name")
        return keycode

    def call(self, token: Token) -> Keycode:
        func = token.text.upper()
        if func != token.text:
            self.note(f"{token.text} written in upper case")
        self.expect("(", "'('")
        result = self.call_body(func, token)
        self.expect(")", f"')' to close {token.text}(")
        return result

    def call_body(self, func: str, token: Token) -> Keycode:
        if func == "ANY":
            self.note("ANY(...) is QMK Configurator's wrapper")
            return self.expr()
        if func in DIALECT_WRAPPERS:
            self.note(f"Vial's {func}(kc) is {DIALECT_WRAPPERS[func]}(kc)")
            func = DIALECT_WRAPPERS[func]
        if func in MOD_WRAPPERS:
            return self.mod_wrapper(func, MOD_WRAPPERS[func])
        if func in MOD_TAPS:
            if func in DEPRECATED_FORMS:
                self.note(f"{func} is now {DEPRECATED_FORMS[func]}")
            return Keycode(OP_MOD_TAP, mods=MOD_TAPS[func], inner=self.tap_arg())
        if func == "MT":
            mods = self.mods_arg()
            self.expect(",", "',' between the modifiers and the keycode")
            return Keycode(OP_MOD_TAP, mods=mods, inner=self.tap_arg())
        vial_lt = _VIAL_LT_RE.match(func)
        if func == "LT" or vial_lt:
            if vial_lt:
                self.note(f"Vial's {func}(kc) is LT({int(vial_lt.group(1))}, kc)")
                layer: LayerRef = int(vial_lt.group(1))
            else:
                layer = self.layer_arg()
                self.expect(",", "',' between the layer and the keycode")
            return Keycode(OP_LAYER_TAP, layer=layer, inner=self.tap_arg())
        if func == "LM":
            layer = self.layer_arg()
            self.expect(",", "',' between the layer and the modifiers")
            return Keycode(OP_LAYER_MOD, layer=layer, mods=self.mods_arg())
        if func in LAYER_FUNCTIONS:
            return Keycode(func, layer=self.layer_arg())
        if func == "OSM":
            return Keycode(OP_ONE_SHOT_MOD, mods=self.mods_arg())
        if func == "TD":
            return Keycode(OP_TAP_DANCE, number=self.tap_dance_arg())
        if func == "SH_T":
            return Keycode(OP_SWAP_HANDS_TAP, inner=self.tap_arg())
        if func == "UC":
            return Keycode(OP_UNICODE, number=self.code_point_arg())
        if func in ("UM", "X"):
            if func == "X":
                self.note("X(i) is now UM(i)")
            return Keycode(OP_UNICODE_MAP, number=self.unicode_index_arg(0x3FFF))
        if func in ("UP", "XP"):
            if func == "XP":
                self.note("XP(i, j) is now UP(i, j)")
            first = self.unicode_index_arg(0x7F)
            self.expect(",", "',' between the two indices")
            return Keycode(OP_UNICODE_PAIR, number=first, number2=self.unicode_index_arg(0x7F))
        if func in ("MACRO", "CUSTOM", "USER", "QK_MACRO", "QK_KB", "QK_USER"):
            return self.indexed(func)
        raise KeycodeError(
            f"unknown keycode function {token.text}()",
            token.pos,
            _did_you_mean(self.suggest(func)),
        )

    def indexed(self, func: str) -> Keycode:
        start = self.peek().pos
        index = self.int_arg("an index", 255)
        family = {"MACRO": "QK_MACRO", "CUSTOM": "QK_KB", "USER": "QK_KB"}.get(func, func)
        if func == "CUSTOM" and index >= 32:
            # VIA (its v12 dictionary, protocols 12-13) reads CUSTOM(n) as the value 0x7E00 + n up
            # to 0x7EFF, and writes every value there so: CUSTOM(64) is QK_USER_0.
            self.note("VIA's CUSTOM(n) is the value 0x7E00 + n")
            user = self.resolve(f"QK_USER_{index - 64}") if index >= 64 else None
            return user[0] if user is not None else Keycode(OP_RAW, number=0x7E00 + index)
        if family != func:
            self.note(f"VIA's {func}(n) is {family}_n")
        found = self.resolve(f"{family}_{index}")
        if found is None:
            raise KeycodeError(f"{family}_{index} does not exist", start)
        return found[0]

    # -- arguments
    def mod_wrapper(self, func: str, mods: int) -> Keycode:
        start = self.peek().pos
        inner = self.expr()
        if inner.op == OP_MODS and inner.inner is not None:
            return Keycode(OP_MODS, mods=mods | inner.mods, inner=inner.inner)
        user = self.ctx.custom(inner.name or "") if inner.op == OP_CUSTOM else None
        if not self.is_basic(inner) and not (user is not None and user.header):
            # (A header's name, `C(PG_Z)` with `#define PG_Z KC_W` in a language header, is the
            # header's basic keycode as far as anyone here can tell: QMK builds it with the header.)
            raise KeycodeError(f"{func}() wraps a basic keycode (KC_A ... KC_RGUI)", start)
        return Keycode(OP_MODS, mods=mods, inner=inner)

    def tap_arg(self) -> Keycode:
        """The tap keycode of MT/LT/SH_T: any keycode, as in QMK, whose macros keep its low 8 bits
        (users intercept such taps in C); `KeycodeRegistry.cut_tap` says what QMK taps."""
        return self.expr()

    def mods_arg(self) -> int:
        start = self.peek().pos
        parts: list[str] = []
        while True:
            token = self.take()
            if token.kind not in ("ident", "num"):
                raise KeycodeError("expected a modifier such as MOD_LCTL", token.pos)
            parts.append(token.text)
            if self.peek().kind != "|":
                break
            self.take()
        if any(p.upper() in MOD_NAME_ALIASES or p != p.upper() or p[0].isdigit() for p in parts):
            self.note("modifiers written as " + " | ".join(parts))
        try:
            mods = parse_mods("|".join(parts))
        except ModsError as exc:
            raise KeycodeError(
                str(exc), start, "modifiers: MOD_LCTL, MOD_LSFT, MOD_LALT, MOD_LGUI, MOD_RCTL ..."
            ) from exc
        if any(p.upper() in MOD_MASK_NAMES for p in parts):
            self.note(
                " | ".join(parts) + " is an 8-bit key-override mask; QMK keeps its low 5 bits here: "
                + format_mods(mods)
            )
        return mods

    def layer_arg(self) -> LayerRef:
        token = self.take()
        if token.kind == "num":
            value = self.integer(token)
            if value < 0:
                raise KeycodeError("a layer number cannot be negative", token.pos)
            if value > 255:
                raise KeycodeError(f"layer {value} does not exist (QMK has at most 32 layers)", token.pos)
            return value
        if token.kind == "ident":
            if token.text in self.ctx.layers:
                return token.text
            known = ", ".join(self.ctx.layers) if self.ctx.layers else "none named"
            close = [n for n in self.ctx.layers if n.lower() == token.text.lower()]
            hint = f"did you mean {close[0]}?" if close else f"layers: {known}"
            raise KeycodeError(f"unknown layer {token.text!r}", token.pos, hint)
        raise KeycodeError("expected a layer name or number", token.pos)

    def code_point_arg(self) -> int | str:
        token = self.peek()
        if token.kind == "ident":
            user = self.ctx.custom(token.text)
            if user is not None and user.header:
                # `UC(JP_KA)`, a code point the user's header names (`#define JP_KA 0x304B`): written
                # as the original wrote it, so QMK takes the value from that header.
                self.take()
                return token.text
        return self.int_arg("a code point", 0x7FFF)

    def unicode_index_arg(self, maximum: int) -> int | str:
        token = self.peek()
        if token.kind == "ident":
            self.take()
            user = self.ctx.custom(token.text)
            if user is not None and user.header:
                # `UM(E_ACUTE)` numbered by an enum in the user's header, as their unicode_map[] is:
                # written as the original wrote it so QMK numbers it from that header.
                return token.text
            raise KeycodeError(f"unknown Unicode map entry {token.text!r}", token.pos,
                               "a Unicode map index is a number, or a name the enum of the unicode_map[] numbers")
        return self.int_arg("a Unicode map index", maximum)

    def tap_dance_arg(self) -> int | str:
        token = self.take()
        if token.kind == "num":
            value = self.integer(token)
            if not 0 <= value <= 255:
                raise KeycodeError("a tap dance index is 0 to 255", token.pos)
            return value
        if token.kind == "ident":
            if token.text in self.ctx.tap_dances:
                return token.text
            user = self.ctx.custom(token.text)
            if user is not None and user.header:
                # `TD(TD_MEDIA)` numbered by an enum in the user's header: C code's tap dance,
                # written as the original wrote it so QMK numbers it from that header.
                return token.text
            known = ", ".join(self.ctx.tap_dances) if self.ctx.tap_dances else "none defined"
            raise KeycodeError(f"unknown tap dance {token.text!r}", token.pos, f"tap dances: {known}")
        raise KeycodeError("expected a tap dance name or number", token.pos)

    def int_arg(self, what: str, maximum: int) -> int:
        token = self.take()
        if token.kind != "num":
            raise KeycodeError(f"expected {what}", token.pos)
        value = self.integer(token)
        if not 0 <= value <= maximum:
            raise KeycodeError(f"{what} must be 0 to {maximum}", token.pos)
        return value


_ANY_TEXT = re.compile(r"^\s*ANY\s*\((.*)\)\s*$", re.S | re.I)
# ZMK's behaviour syntax (`&bt BT_SEL 0`, `&kp A`), which users of QMK Configurator for ZMK write in ANY().
ZMK_BEHAVIOR = re.compile(r"^\s*&([a-z][a-z0-9_]*)\b")


def _free_text(text: str, exc: KeycodeError) -> KeycodeError:
    """A clearer error for QMK Configurator's ANY() holding words rather than a keycode
    (`ANY(GUI/F24)`): QMK pastes the text into C, where it does not build either."""
    found = _ANY_TEXT.match(text)
    if found is None or exc.hint:  # an error that already says what to write stands as it is
        return exc
    zmk = ZMK_BEHAVIOR.match(found.group(1))
    if zmk is not None:
        # QMK Configurator exports kept in zmk-config repositories: ZMK users draw their keymap
        # there and convert it, writing ZMK behaviours (`&bt BT_SEL 0`) into ANY().
        return KeycodeError(
            f"`{found.group(1).strip()}` is ZMK's behaviour &{zmk.group(1)}, not a QMK keycode: QMK cannot build it",
            exc.column,
            "this file is meant for a ZMK converter; for QMK put a QMK keycode there (KC_NO for none)",
        )
    return KeycodeError(
        f"ANY() holds free text, not a keycode: {exc.message}; QMK cannot build it either",
        exc.column,
        "write the keycode the text stands for, e.g. LT(1, KC_ENT) for a key held for layer 1 and tapped "
        "for Enter",
    )


def _did_you_mean(candidates: Sequence[str]) -> str | None:
    if not candidates:
        return None
    if len(candidates) == 1:
        return f"did you mean {candidates[0]}?"
    return f"did you mean {', '.join(candidates[:-1])} or {candidates[-1]}?"


def keycode_name(name: str) -> Keycode:
    return Keycode(OP_KEYCODE, name=name)
