"""Just enough C to read a QMK keymap.c: tokens, a small preprocessor, and initializer lists.

keymap.c files are C, but the part a layout lives in is data: `#define`s, enums and array
initializers of macro calls. This module turns the text into tokens with line numbers,
follows `#define` / `#if` the way the C preprocessor would for names the file itself
defines, and offers the helpers the keymap reader walks initializers with. It never
compiles or runs anything."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from keyconf.formats.format_error import FormatError

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9][A-Za-z0-9_.]*|\.[0-9][A-Za-z0-9_.]*")
_PUNCT3 = frozenset(("...", "<<=", ">>="))
_PUNCT2 = frozenset(("<<", ">>", "||", "&&", "==", "!=", "<=", ">=", "->", "##", "++", "--", "+=", "-=", "|=", "&="))
# Every punctuator C has; a character outside them, strings and comments is a stray one gcc refuses.
PUNCTUATORS = frozenset("[](){}.-+&*~!/%<>^|?:;=,#") | _PUNCT2 | _PUNCT3
_SPACES = re.compile(r"[ \t\r\f\v]+")
# A line splice as compilers take it: a backslash, then the end of the line, where a CRLF file's \r
# (and stray blanks, which gcc splices with a warning) may stand between the two.
_SPLICE = re.compile(r"\\[ \t\r\f\v]*\n")
_IDENT_START_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_START_CHARS = frozenset("0123456789.")
_MAX_EXPANSION_DEPTH = 64
_MAX_EXPRESSION_DEPTH = 50  # parentheses and unary operators inside one integer expression
MAX_NESTING = 200  # brackets inside brackets; QMK keymaps nest ~10 deep
MAX_EXPANDED_TOKENS = 200_000  # what macro expansion may produce; a large keymap.c expands to ~30,000


class Token(NamedTuple):
    """A NamedTuple, not a frozen dataclass: a large keymap.c is ~100,000 tokens, and a frozen
    dataclass's __init__ made half the tokenizer's time."""

    kind: str  # "ident", "number", "string", "char", "punct", "directive"
    text: str
    line: int
    column: int

    def is_(self, text: str) -> bool:
        return self.text == text and self.kind != "string"


@dataclass
class Define:
    name: str
    body: list[Token]
    params: list[str] | None = None  # None: object-like
    line: int = 0


def tokenize(text: str, path: str | Path | None = None, first_line: int = 1) -> list[Token]:
    """C tokens of `text`, comments dropped; each preprocessor line becomes one "directive" token."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    line = first_line
    line_start = 0
    at_line_start = True
    nesting = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            line_start = i
            at_line_start = True
            continue
        if ch in " \t\r\f\v":
            i = _SPACES.match(text, i).end()  # type: ignore[union-attr]
            continue
        if ch == "\\" and (splice := _SPLICE.match(text, i)):
            i = splice.end()
            line += 1
            line_start = i
            continue
        if ch == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise FormatError("comment never closed (missing */)", path, line, i - line_start + 1)
            line += text.count("\n", i, end)
            last_nl = text.rfind("\n", i, end)
            if last_nl >= 0:
                line_start = last_nl + 1
            i = end + 2
            continue
        column = i - line_start + 1
        if ch == "#" and at_line_start:
            start_line = line
            j = i + 1
            parts: list[str] = []
            segment_start = j
            while j < n:
                if text[j] == "\\" and (splice := _SPLICE.match(text, j)):
                    parts.append(text[segment_start:j])
                    j = splice.end()
                    line += 1
                    line_start = j
                    segment_start = j
                    continue
                if text.startswith("/*", j):
                    end = text.find("*/", j + 2)
                    if end < 0:
                        raise FormatError("comment never closed (missing */)", path, line, j - line_start + 1)
                    parts.append(text[segment_start:j] + " ")
                    line += text.count("\n", j, end)
                    last_nl = text.rfind("\n", j, end)
                    if last_nl >= 0:
                        line_start = last_nl + 1
                    j = end + 2
                    segment_start = j
                    continue
                if text.startswith("//", j):
                    parts.append(text[segment_start:j])
                    end = text.find("\n", j)
                    j = n if end < 0 else end
                    segment_start = j
                    break
                if text[j] == "\n":
                    break
                j += 1
            parts.append(text[segment_start:j])
            tokens.append(Token("directive", "".join(parts).strip(), start_line, column))
            i = j
            continue
        at_line_start = False
        if ch in _IDENT_START_CHARS:
            m = _IDENT.match(text, i)
            assert m is not None
            tokens.append(Token("ident", m.group(0), line, column))
            i = m.end()
            continue
        m = _NUMBER.match(text, i) if ch in _NUMBER_START_CHARS else None
        if m:
            tokens.append(Token("number", m.group(0), line, column))
            i = m.end()
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch:
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    raise FormatError("string never closed on its line", path, line, column)
                j += 1
            if j >= n:
                raise FormatError("string never closed", path, line, column)
            tokens.append(Token("string" if ch == '"' else "char", text[i : j + 1], line, column))
            i = j + 1
            continue
        punct = text[i:i + 3] if text[i:i + 3] in _PUNCT3 else text[i:i + 2] if text[i:i + 2] in _PUNCT2 else ""
        if punct:
            tokens.append(Token("punct", punct, line, column))
            i += len(punct)
        else:
            tokens.append(Token("punct", ch, line, column))
            i += 1
            if ch in "([{":
                nesting += 1
                if nesting > MAX_NESTING:
                    check_nesting(tokens, path)  # raises, naming the bracket
            elif ch in ")]}":
                nesting -= 1
    return tokens


@dataclass
class Preprocessed:
    """The tokens the compiler would see for names this file defines, and what it defined."""

    tokens: list[Token]
    defines: dict[str, Define] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def preprocess(
    tokens: Sequence[Token],
    path: str | Path | None = None,
    assume_defined: Callable[[str], bool] = lambda _: False,
    expand_unless: Callable[[Define], bool] | None = None,
    include: Callable[[str], Sequence[Token] | None] | None = None,
    defines: dict[str, Define] | None = None,
    unknown_taken: list[str] | None = None,
) -> Preprocessed:
    """Apply `#define`/`#undef` and `#if` family directives; drop includes and pragmas.

    Conditions are judged on what this file defines, plus names `assume_defined` vouches for
    (a keymap reader assumes the features it guards are on): any other name defined
    elsewhere (config.h, rules.mk) counts as undefined. With `expand_unless`, the tokens come
    out macro-expanded as the compiler sees them: each run of code with the defines made
    before it (a define applies from its line on), except defines `expand_unless` keeps.

    `include` gives the tokens of a quoted `#include "name"` it can find (None: it cannot);
    their `#define`s then apply from that line on, as the compiler's would, while their code
    stays out of the result (it is the header's, not this file's). `defines` are the ones
    made before (an including file's).

    With `unknown_taken` (a list), an `#if`/`#elif` on a value nobody here defines (a board's
    setting such as `HELIX_ROWS == 5`, from its rules.mk) or an `#ifdef` of a name nobody here
    defines (a layout macro of the board's) is taken as true, so the first branch of such a
    chain is read; each condition so taken is added to the list."""
    result = Preprocessed(tokens=[], defines=dict(defines or {}))
    run: list[Token] = []
    budget = [MAX_EXPANDED_TOKENS]  # one for the whole file

    def flush() -> None:
        if expand_unless is None:
            result.tokens.extend(run)
        elif run:
            keep = frozenset(name for name, d in result.defines.items() if expand_unless(d))
            result.tokens.extend(expand(run, result.defines, keep, budget))
        run.clear()

    def is_defined(name: str) -> bool:
        return name in result.defines or assume_defined(name)

    # Each frame: (this branch active, some branch of this #if already taken, enclosing active);
    # beside them the #if tokens, to name the one left open.
    stack: list[tuple[bool, bool, bool]] = []
    boards: list[list[str]] = []  # per frame, the KEYBOARD_x names its conditions test
    openers: list[Token] = []
    active = True
    for token in tokens:
        if token.kind != "directive":
            if active:
                run.append(token)
            continue
        body = token.text[1:].strip() if token.text.startswith("#") else token.text
        m = re.match(r"([A-Za-z_]+)\s*(.*)", body, re.S)
        if not m:
            continue  # a lone "#" is a null directive
        name, rest = m.group(1), m.group(2).strip()
        if name in ("if", "ifdef", "ifndef"):
            if name == "ifdef":
                value = is_defined(_single_name(rest))
                if not value and unknown_taken is not None and active:
                    # `#ifdef LAYOUT_split_3x6_3_ex2`: a name the board's headers may define.
                    unknown_taken.append(f"#ifdef {_single_name(rest)}")
                    value = True
            elif name == "ifndef":
                value = not is_defined(_single_name(rest))
            else:
                value = _condition(rest, result, token, path, is_defined, unknown_taken)
            stack.append((active and value, value, active))
            boards.append(_KEYBOARD_MACRO.findall(rest))
            openers.append(token)
            active = active and value
        elif name == "elif":
            if not stack:
                raise FormatError("#elif without #if", path, token.line, token.column)
            _, taken, outer = stack[-1]
            value = (not taken) and _condition(rest, result, token, path, is_defined, unknown_taken)
            stack[-1] = (outer and value, taken or value, outer)
            boards[-1] += _KEYBOARD_MACRO.findall(rest)
            active = outer and value
        elif name == "else":
            if not stack:
                raise FormatError("#else without #if", path, token.line, token.column)
            _, taken, outer = stack[-1]
            stack[-1] = (outer and not taken, True, outer)
            active = outer and not taken
        elif name == "endif":
            if not stack:
                raise FormatError("#endif without #if", path, token.line, token.column)
            _, _, outer = stack.pop()
            boards.pop()
            openers.pop()
            active = outer
        elif not active:
            continue
        elif name == "error" and boards and boards[-1]:
            # `#if defined(KEYBOARD_planck) ... #else #error Keyboard not implemented.`: the file builds
            # for the boards it names, and is being read for another (or for none named).
            named = ", ".join(dict.fromkeys(boards[-1]))
            raise FormatError(f"`#error {rest}`: the file builds only for the keyboards its #if names ({named}), "
                              "and is read here for another", path, token.line, token.column,
                              hint="pass --keyboard with one of them (KEYBOARD_planck_rev6 is planck/rev6)")
        elif name == "define":
            flush()
            define = _parse_define(rest, token, path)
            result.defines[define.name] = define
        elif name == "undef":
            flush()
            result.defines.pop(_single_name(rest), None)
        elif name == "include" and include is not None and rest.startswith('"'):
            name = rest[1:].split('"', 1)[0]
            header = include(name)
            if header is not None:
                flush()
                try:
                    result.defines = preprocess(header, None, assume_defined, None, include, result.defines).defines
                except FormatError as error:  # its defines stay unknown, as without it; said once
                    where = f" (line {error.line})" if error.line else ""
                    result.warnings.append(f"{name}{where}: {error.message}; keyconf could not read its #defines")
        # pragma, error, warning, line: nothing to do for reading data
    flush()
    if stack:
        opener = openers[-1]
        raise FormatError(f"#{opener.text.lstrip('#').split()[0]} without a matching #endif", path, opener.line,
                          opener.column, hint="add the #endif where the block it opens ends")
    return result


_KEYBOARD_MACRO = re.compile(r"\bKEYBOARD_\w+")


def keyboard_macros(keyboard: str) -> frozenset[str]:
    """The names QMK's build defines for a board (`planck/rev6`: KEYBOARD_planck, KEYBOARD_planck_rev6),
    which a keymap shared by several boards tests (`#if defined(KEYBOARD_planck)`). As build_keyboard.mk
    writes them: each folder level's path with `/` as `_` and `.` left out."""
    parts = [part.replace(".", "") for part in keyboard.split("/") if part]
    return frozenset("KEYBOARD_" + "_".join(parts[:i]) for i in range(1, len(parts) + 1))


def _single_name(rest: str) -> str:
    m = _IDENT.match(rest)
    return m.group(0) if m else rest


def _parse_define(rest: str, token: Token, path: str | Path | None) -> Define:
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?", rest)
    if not m:
        raise FormatError("#define without a name", path, token.line, token.column)
    body_text = rest[m.end() :]
    params: list[str] | None = None
    if m.group(2) is not None:
        params = [p.strip() for p in m.group(3).split(",") if p.strip()]
        params = ["__VA_ARGS__" if p == "..." else p for p in params]
        bad = next((p for p in params if not _IDENT.fullmatch(p)), None)
        if bad is not None:  # `#define LT(0,KC_SLSH)`: cpp refuses it, and so the build
            raise FormatError(f"#define {m.group(1)}(...): `{bad}` is not a parameter name", path, token.line,
                              token.column, hint="a function-like macro's parameters are names")
    body = [t for t in tokenize(body_text, path, token.line) if t.kind != "directive"]
    return Define(m.group(1), body, params, token.line)


def _condition(
    text: str, pre: Preprocessed, token: Token, path: str | Path | None, is_defined: Callable[[str], bool],
    unknown_taken: list[str] | None = None,
) -> bool:
    tokens = [t for t in tokenize(text, path, token.line) if t.kind != "directive"]
    # Resolve defined(X) / defined X before macro expansion, as cpp does.
    resolved: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.is_("defined"):
            if i + 1 < len(tokens) and tokens[i + 1].is_("("):
                name = tokens[i + 2].text if i + 2 < len(tokens) else ""
                i += 4
            else:
                name = tokens[i + 1].text if i + 1 < len(tokens) else ""
                i += 2
            resolved.append(Token("number", "1" if is_defined(name) else "0", t.line, t.column))
            continue
        resolved.append(t)
        i += 1
    expanded = expand(resolved, pre.defines)
    try:
        assumed = {t.text: 1 for t in expanded if t.kind == "ident" and is_defined(t.text)}
        if unknown_taken is not None and any(t.kind == "ident" and t.text not in assumed for t in expanded):
            unknown_taken.append(f"#{token.text.lstrip('#').strip()}")
            return True
        return bool(IntExpression(expanded, assumed).evaluate(unknown_as_zero=True))
    except ValueError:
        pre.warnings.append(f"line {token.line}: could not judge `#{token.text.lstrip('#').strip()}`; took it as false")
        return False


def check_nesting(tokens: Sequence[Token], path: str | Path | None = None) -> None:
    """Refuse brackets nested deeper than MAX_NESTING, at the bracket that passes the limit:
    the readers walk brackets recursively, and no keymap nests this deep."""
    depth = 0
    for t in tokens:
        if t.kind != "punct":
            continue
        if t.text in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise FormatError(f"brackets are nested more than {MAX_NESTING} deep here", path, t.line, t.column,
                                  hint="no keymap nests this deep: is a bracket not closed?")
        elif t.text in ")]}":
            depth -= 1


def expand(
    tokens: Sequence[Token],
    defines: dict[str, Define],
    keep: frozenset[str] = frozenset(),
    budget: list[int] | None = None,
) -> list[Token]:
    """Macro-expand `tokens` with `defines` (names in `keep` are left alone).

    What expansion produces is bounded (MAX_EXPANDED_TOKENS, or a `budget` shared by several
    calls): macros that double their argument at each level would otherwise grow exponentially."""
    return _expand(list(tokens), defines, keep, frozenset(), 0, budget if budget is not None else [MAX_EXPANDED_TOKENS])


def _expand(
    tokens: list[Token], defines: dict[str, Define], keep: frozenset[str], hidden: frozenset[str], depth: int,
    budget: list[int],
) -> list[Token]:
    if depth > _MAX_EXPANSION_DEPTH:
        line = tokens[0].line if tokens else None
        column = tokens[0].column if tokens else None
        raise FormatError(f"macros expand more than {_MAX_EXPANSION_DEPTH} levels deep", None, line, column)
    budget[0] -= len(tokens)
    if budget[0] < 0:
        raise FormatError(
            f"macros here expand to more than {MAX_EXPANDED_TOKENS:,} tokens", None,
            tokens[0].line if tokens else None, tokens[0].column if tokens else None,
            hint="a macro that uses its argument several times, nested, grows exponentially",
        )
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        define = defines.get(t.text) if t.kind == "ident" else None
        if define is None or t.text in keep or t.text in hidden:
            out.append(t)
            i += 1
            continue
        if define.params is None:
            body = [_relocate(b, t) for b in define.body]
            out.extend(_expand(body, defines, keep, hidden | {t.text}, depth + 1, budget))
            i += 1
            continue
        if i + 1 >= len(tokens) or not tokens[i + 1].is_("("):
            out.append(t)  # a function-like macro name not being called
            i += 1
            continue
        args, end = split_call_arguments(tokens, i + 1)
        # Each body token becomes a piece; `##` glues two pieces into one token (`KC_##k` with
        # k = A is KC_A), and an argument next to `##` goes in as written, unexpanded, as in cpp.
        pieces: list[list[Token]] = []
        glued: list[bool] = []  # glued[k]: piece k pastes onto piece k + 1
        body = define.body
        for j, b in enumerate(body):
            if b.is_("##"):
                if glued:
                    glued[-1] = True
                continue
            pasting = (j > 0 and body[j - 1].is_("##")) or (j + 1 < len(body) and body[j + 1].is_("##"))
            piece: list[Token] = []
            if b.kind == "ident" and b.text in define.params:
                index = define.params.index(b.text)
                chosen = args[index:] if b.text == "__VA_ARGS__" else args[index : index + 1]
                for k, arg in enumerate(chosen):
                    if k:
                        piece.append(Token("punct", ",", t.line, t.column))
                    piece.extend(arg if pasting else _expand(arg, defines, keep, hidden, depth + 1, budget))
            else:
                piece.append(_relocate(b, t))
            pieces.append(piece)
            glued.append(False)
        substituted: list[Token] = []
        for k, piece in enumerate(pieces):
            if k and glued[k - 1] and substituted and piece:
                text = substituted.pop().text + piece[0].text
                kind = "ident" if _IDENT.fullmatch(text) else "number" if text[:1].isdigit() else piece[0].kind
                substituted.append(Token(kind, text, t.line, t.column))
                substituted.extend(piece[1:])
            else:
                substituted.extend(piece)
        out.extend(_expand(substituted, defines, keep, hidden | {t.text}, depth + 1, budget))
        i = end
    return out


def _relocate(token: Token, at: Token) -> Token:
    """A macro body token reported at the place the macro was used (what a user can find)."""
    return Token(token.kind, token.text, at.line, at.column)


def split_call_arguments(tokens: Sequence[Token], open_index: int) -> tuple[list[list[Token]], int]:
    """The comma-separated arguments of a call whose "(" is at `open_index`; and the index after ")"."""
    assert tokens[open_index].is_("(")
    args: list[list[Token]] = [[]]
    depth = 0
    i = open_index + 1
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            if depth == 0:
                if not t.is_(")"):
                    raise FormatError(f"unbalanced '{t.text}'", None, t.line, t.column)
                if args == [[]]:
                    args = []
                return args, i + 1
            depth -= 1
        elif t.is_(",") and depth == 0:
            args.append([])
            i += 1
            continue
        args[-1].append(t)
        i += 1
    start = tokens[open_index]
    raise FormatError("'(' never closed", None, start.line, start.column)


def find_matching(tokens: Sequence[Token], open_index: int) -> int:
    """Index of the bracket closing the one at `open_index`."""
    pairs = _CLOSING
    opening = tokens[open_index].text
    stack: list[int] = []  # the brackets open at each point, innermost last
    for i in range(open_index, len(tokens)):
        t = tokens[i]
        if t.kind != "punct":
            continue
        if t.text in pairs:
            stack.append(i)
        elif t.text in pairs.values():
            inner = stack.pop()
            if t.text != pairs[tokens[inner].text]:
                if inner == open_index:
                    raise FormatError(f"'{opening}' closed by '{t.text}'", None, t.line, t.column)
                # `LAYOUT(` of a layer never closed: say so at that bracket, not at the array's `{`.
                raise _never_closed(tokens, inner, f" (the '{t.text}' at line {t.line} comes first)")
            if not stack:
                return i
    raise _never_closed(tokens, stack[-1] if stack else open_index)


def _never_closed(tokens: Sequence[Token], index: int, detail: str = "") -> FormatError:
    start = tokens[index]
    call = tokens[index - 1].text if start.is_("(") and index and tokens[index - 1].kind == "ident" else None
    what = f"'(' of {call}(...)" if call else f"'{start.text}'"
    return FormatError(f"{what} never closed{detail}", None, start.line, start.column,
                       hint=f"add the missing '{_CLOSING[start.text]}'")


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def split_top_level(tokens: Sequence[Token], separator: str = ",") -> list[list[Token]]:
    """Split a token run at `separator`s that are not inside brackets; a trailing separator is allowed."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in tokens:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        elif t.is_(separator) and depth == 0:
            parts.append([])
            continue
        parts[-1].append(t)
    if parts and not parts[-1]:
        parts.pop()
    return parts


def unwrap_parentheses(tokens: Sequence[Token]) -> list[Token]:
    """Drop parentheses around a whole expression or a whole call argument: `MT(M, (KC_A))` → `MT(M, KC_A)`.

    Macro bodies parenthesize their parameters for safety; a keycode expression reads
    better without them and means the same."""
    items = list(tokens)
    while len(items) > 2 and items[0].is_("(") and find_matching(items, 0) == len(items) - 1:
        items = items[1:-1]
    out: list[Token] = []
    i = 0
    while i < len(items):
        t = items[i]
        if t.is_("(") and i > 0 and items[i - 1].kind == "ident":
            args, end = split_call_arguments(items, i)
            out.append(t)
            for k, arg in enumerate(args):
                if k:
                    out.append(Token("punct", ",", t.line, t.column))
                out.extend(unwrap_parentheses(arg))
            out.append(items[end - 1])
            i = end
            continue
        out.append(t)
        i += 1
    return out


def render(tokens: Sequence[Token]) -> str:
    """Tokens back to compact C text: `LT(_LOWER, KC_SPC)`, `MOD_LCTL | MOD_LSFT`."""
    out: list[str] = []
    previous: Token | None = None
    for t in tokens:
        if previous is not None:
            word_before = previous.kind in ("ident", "number")
            word_now = t.kind in ("ident", "number")
            if previous.is_(","):
                out.append(" ")
            elif (
                (word_before and word_now)
                or t.text in ("|", "&", "+", "<<", ">>", "||", "&&")
                or (previous.text in ("|", "&", "+", "<<", ">>", "||", "&&") and previous.kind == "punct")
            ):
                out.append(" ")
        out.append(t.text)
        previous = t
    return "".join(out)


class IntExpression:
    """Integer constant expressions as they appear in designators, enum values and `#if`."""

    _BINARY = [
        ("||",),
        ("&&",),
        ("|",),
        ("^",),
        ("&",),
        ("==", "!="),
        ("<", ">", "<=", ">="),
        ("<<", ">>"),
        ("+", "-"),
        ("*", "/", "%"),
    ]

    def __init__(self, tokens: Sequence[Token], names: dict[str, int]) -> None:
        self.tokens = list(tokens)
        self.names = names
        self.pos = 0
        self.unknown_as_zero = False
        self.depth = 0  # nested parentheses and unary operators: the evaluator recurses through them

    def evaluate(self, unknown_as_zero: bool = False) -> int:
        self.unknown_as_zero = unknown_as_zero
        if not self.tokens:
            raise ValueError("empty expression")
        value = self._ternary()
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected '{self.tokens[self.pos].text}'")
        return value

    def _peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _ternary(self) -> int:
        condition = self._binary(0)
        t = self._peek()
        if t is not None and t.is_("?"):
            self.pos += 1
            a = self._ternary()
            colon = self._peek()
            if colon is None or not colon.is_(":"):
                raise ValueError("expected ':'")
            self.pos += 1
            b = self._ternary()
            return a if condition else b
        return condition

    def _binary(self, level: int) -> int:
        if level == len(self._BINARY):
            return self._unary()
        value = self._binary(level + 1)
        while True:
            t = self._peek()
            if t is None or t.kind != "punct" or t.text not in self._BINARY[level]:
                return value
            self.pos += 1
            rhs = self._binary(level + 1)
            value = _apply(t.text, value, rhs)

    def _unary(self) -> int:
        t = self._peek()
        if t is None:
            raise ValueError("expression ends early")
        if t.kind == "punct" and t.text in ("-", "+", "!", "~", "("):
            self.depth += 1
            if self.depth > _MAX_EXPRESSION_DEPTH:
                raise ValueError(f"expression nested more than {_MAX_EXPRESSION_DEPTH} deep")
        if t.kind == "punct" and t.text in ("-", "+", "!", "~"):
            self.pos += 1
            operand = self._unary()
            return _int64({"-": -operand, "+": operand, "!": int(not operand), "~": ~operand}[t.text])
        if t.is_("("):
            self.pos += 1
            value = self._ternary()
            close = self._peek()
            if close is None or not close.is_(")"):
                raise ValueError("expected ')'")
            self.pos += 1
            return value
        self.pos += 1
        if t.kind == "number":
            return _int64(parse_c_integer(t.text))
        if t.kind == "char" and len(t.text) == 3:
            return ord(t.text[1])
        if t.kind == "ident":
            if t.text in self.names:
                return self.names[t.text]
            if t.text in ("true", "false"):
                return int(t.text == "true")
            if self.unknown_as_zero:
                return 0
            raise ValueError(f"unknown name {t.text}")
        raise ValueError(f"unexpected '{t.text}'")


def _int64(value: int) -> int:
    """`value` as the preprocessor's 64-bit arithmetic holds it (so no chain of products grows
    a number without bound)."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >> 63 else value


def _apply(op: str, a: int, b: int) -> int:
    if op in ("/", "%") and b == 0:
        raise ValueError("division by zero")
    return _int64({
        "||": lambda: int(bool(a) or bool(b)),
        "&&": lambda: int(bool(a) and bool(b)),
        "|": lambda: a | b,
        "^": lambda: a ^ b,
        "&": lambda: a & b,
        "==": lambda: int(a == b),
        "!=": lambda: int(a != b),
        "<": lambda: int(a < b),
        ">": lambda: int(a > b),
        "<=": lambda: int(a <= b),
        ">=": lambda: int(a >= b),
        "<<": lambda: a << b if 0 <= b < 64 else 0,
        ">>": lambda: a >> b if 0 <= b < 64 else 0,
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: int(a / b),
        "%": lambda: a % b,
    }[op]())


def parse_c_integer(text: str) -> int:
    """`12`, `0x1F`, `0b101`, `010`, with any `u`/`l` suffix."""
    body = text.rstrip("uUlL")
    try:
        if body.lower().startswith("0x"):
            return int(body[2:], 16)
        if body.lower().startswith("0b"):
            return int(body[2:], 2)
        if len(body) > 1 and body.startswith("0"):
            return int(body[1:], 8)
        return int(body)
    except ValueError:
        raise ValueError(f"not an integer: {text}") from None


def iter_statements(tokens: Sequence[Token]) -> Iterator[tuple[int, int]]:
    """(start, end) index ranges of top-level declarations and function bodies.

    A declaration ends at a ';' outside brackets; a function definition ends at the '}' that
    closes its body. Used to find `keymaps[] = {...};`, enums and function names."""
    start = 0
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t.kind == "punct" and t.text in "([":
            i = find_matching(tokens, i) + 1
            continue
        if t.is_("{"):
            close = find_matching(tokens, i)
            following = tokens[close + 1] if close + 1 < n else None
            previous = tokens[i - 1] if i > 0 else None
            if previous is not None and previous.is_(")") and not _is_initializer(tokens, start, i):
                yield start, close + 1  # a function body
                start = i = close + 1
                continue
            i = close + 1
            if following is None:
                yield start, i
                start = i
            continue
        if t.is_(";"):
            yield start, i
            start = i = i + 1
            continue
        i += 1
    if start < n:
        yield start, n


def _is_initializer(tokens: Sequence[Token], start: int, brace: int) -> bool:
    """True when the '{' at `brace` follows an '=' in the same statement (data, not code)."""
    depth = 0
    for i in range(start, brace):
        t = tokens[i]
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        elif t.is_("=") and depth == 0:
            return True
    return False


def defined_functions(text: str) -> set[str]:
    """Names of the functions `text` defines (with a body), read as tokens, never compiled.

    C that does not tokenize (a comment left open) defines nothing as far as this goes;
    the compiler reports such code itself."""
    try:
        tokens = [t for t in tokenize(text) if t.kind != "directive"]
        names: set[str] = set()
        for start, end in iter_statements(tokens):
            statement = tokens[start:end]
            if not statement or not statement[-1].is_("}"):
                continue
            for i, t in enumerate(statement):
                if t.is_("=") or t.is_("{"):
                    break
                if t.is_("(") and i > 0 and statement[i - 1].kind == "ident":
                    names.add(statement[i - 1].text)
                    break
        return names
    except FormatError:
        return set()


_QMK_TABLES = ("tap_dance_actions", "key_combos", "key_overrides", "encoder_map", "unicode_map")


def c_tables(text: str) -> set[str]:
    """Which of QMK's feature tables (`tap_dance_actions[]`, `key_combos[]` …) `text` defines."""
    try:
        tokens = [t for t in tokenize(text) if t.kind != "directive"]
    except FormatError:
        return set()
    found: set[str] = set()
    for i, t in enumerate(tokens[:-1]):
        if t.kind == "ident" and t.text in _QMK_TABLES:
            following = tokens[i + 1]
            if following.is_("[") or following.is_("="):
                found.add(t.text)
    return found


def c_identifiers(text: str) -> set[str]:
    """Every identifier `text` uses (comments and strings left out)."""
    try:
        return {t.text for t in tokenize(text) if t.kind == "ident"}
    except FormatError:
        return set()
