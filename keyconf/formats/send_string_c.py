"""QMK's `SEND_STRING(...)` argument, as C tokens, into keyconf macro steps.

`SEND_STRING("hi" SS_TAP(X_ENTER) SS_LCTL("c") SS_DELAY(100))` is a C string made by macros;
keyconf reads the forms QMK documents (string literals, SS_TAP/SS_DOWN/SS_UP/SS_DELAY and
the modifier wrappers SS_LCTL … SS_RGUI) and gives up on anything else, which then stays C."""

from __future__ import annotations

from keyconf.formats.c_source import Token, split_call_arguments
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import MacroStep

_MOD_WRAPPERS = {
    "SS_LCTL": "KC_LCTL", "SS_LSFT": "KC_LSFT", "SS_LALT": "KC_LALT", "SS_LGUI": "KC_LGUI",
    "SS_LCMD": "KC_LGUI", "SS_LWIN": "KC_LGUI", "SS_LOPT": "KC_LALT",
    "SS_RCTL": "KC_RCTL", "SS_RSFT": "KC_RSFT", "SS_RALT": "KC_RALT", "SS_RGUI": "KC_RGUI",
    "SS_RCMD": "KC_RGUI", "SS_RWIN": "KC_RGUI", "SS_ROPT": "KC_RALT", "SS_ALGR": "KC_RALT",
}
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "?": "?"}


class NotAMacro(ValueError):
    """The argument holds something keyconf's macro steps cannot say."""


def send_string_steps(tokens: list[Token]) -> list[MacroStep]:
    """Macro steps for the tokens between SEND_STRING's parentheses; NotAMacro when they are not
    plain SEND_STRING notation."""
    steps: list[MacroStep] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "string":
            _add_text(steps, c_string_value(token.text))
            i += 1
            continue
        if token.kind != "ident" or i + 1 >= len(tokens) or not tokens[i + 1].is_("("):
            raise NotAMacro(f"`{token.text}` in SEND_STRING")
        args, end = split_call_arguments(tokens, i + 1)
        name = token.text
        if name in ("SS_TAP", "SS_DOWN", "SS_UP") and len(args) == 1:
            steps.append(MacroStep(name[3:].lower(), [_key(args[0])]))  # type: ignore[arg-type]
        elif name == "SS_DELAY" and len(args) == 1 and len(args[0]) == 1 and args[0][0].kind == "number":
            steps.append(MacroStep("delay", int(args[0][0].text, 0)))
        elif name in _MOD_WRAPPERS and len(args) == 1:
            modifier = _MOD_WRAPPERS[name]
            steps.append(MacroStep("down", [modifier]))
            steps.extend(send_string_steps(args[0]))
            steps.append(MacroStep("up", [modifier]))
        else:
            raise NotAMacro(f"{name}(...) in SEND_STRING")
        i = end
    return steps


def _add_text(steps: list[MacroStep], text: str) -> None:
    if any(not (" " <= ch <= "~" or ch in "\t\n") for ch in text):
        raise NotAMacro("text a macro cannot type")
    if steps and steps[-1].kind == "text" and isinstance(steps[-1].value, str):
        steps[-1].value += text  # "a" "b": C joins adjacent literals
    elif text:
        steps.append(MacroStep("text", text))


def _key(tokens: list[Token]) -> str:
    if len(tokens) != 1 or tokens[0].kind != "ident" or not tokens[0].text.startswith("X_"):
        raise NotAMacro("a key that is not an X_ name")
    bare = tokens[0].text[2:]
    for candidate in (f"KC_{bare}", bare):
        definition = REGISTRY.get(candidate)
        if definition is not None and definition.value <= 0xFF:
            return definition.name
    raise NotAMacro(f"X_{bare} is not a key keyconf knows")


def c_string_value(literal: str) -> str:
    """The characters of a C string literal `"…"` (simple escapes and octal/hex bytes)."""
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        following = body[i + 1 : i + 2]
        if following in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[following])
            i += 2
        elif following == "x":
            j = i + 2
            while j < len(body) and body[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(body[i + 2 : j] or "0", 16) & 0xFF))
            i = j
        elif following.isdigit():
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(chr(int(body[i + 1 : j], 8) & 0xFF))
            i = j
        else:
            raise NotAMacro(f"escape \\{following}")
    return "".join(out)
