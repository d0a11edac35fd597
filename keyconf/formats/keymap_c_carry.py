"""What of a keymap.c stays C: the file's text less the parts a layout now holds.

An imported keymap.c keeps its behaviour: `process_record_user`, OLED code, timers, C combos
and tap dances keyconf cannot read all move, verbatim, into the layout's companion C code.
Only the parts the layout took over are cut out (the keymaps array, the layer, custom
keycode and tap dance enums, the tables keyconf read, `#include QMK_KEYBOARD_H`), by their
place in the original text, so everything else keeps its bytes, comments and `#if`s. Names
the C code uses for layers and tap dances that keyconf's keymap.c spells differently get a
`#define` at the top, so the code still compiles. Nothing is ever compiled or run here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.formats.c_source import Token, iter_statements, render, tokenize
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_statements import QUOTED_INCLUDE


@dataclass
class CarriedC:
    code: str | None  # None: nothing but the keymap (and includes) was there
    warnings: list[str] = field(default_factory=list)


def carry_c(
    text: str,
    path: str | Path | None,
    consumed: list[list[Token]],
    consumed_defines: set[str],
    generated_names: dict[str, str],
    dropped_includes: frozenset[str] = frozenset(),
    user_includes: frozenset[str] = frozenset(),
    tokens: list[Token] | None = None,
) -> CarriedC:
    """`text` without the `consumed` statements and `#define`s, with aliases for renamed names.
    `dropped_includes` are quoted headers the layout now includes itself (its custom keycodes
    name them), so the C does not include them a second time. `tokens` are `text`'s, when the
    reader has them: a large file is not tokenized once more (positions differ only with CRLF)."""
    source = text.replace("\r\n", "\n")
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    spans: list[tuple[int, int]] = []
    for statement in consumed:
        span = _statement_span(source, starts, statement)
        if span is not None:
            spans.append(span)
    try:
        raw = tokens if tokens is not None and source == text else tokenize(source, path)
    except FormatError:
        return CarriedC(None, ["the file's C could not be carried over: it does not tokenize"])
    for token in raw:
        if token.kind != "directive":
            continue
        body = token.text.lstrip("#").strip()
        drop = re.fullmatch(r"include\s+QMK_KEYBOARD_H", body) is not None
        quoted = re.fullmatch(r'include\s*"([^"]+)"\s*(?://.*|/\*.*)?', body)
        if quoted and quoted.group(1) in dropped_includes:
            drop = True
        defined = re.match(r"define\s+([A-Za-z_][A-Za-z0-9_]*)", body)
        if defined and defined.group(1) in consumed_defines:
            drop = True
        if drop:
            start = _offset(starts, token)
            spans.append((start, _directive_end(source, start)))
    remaining = _cut(source, spans)
    remaining = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", remaining).strip("\n")
    try:
        every = tokenize(remaining, path)
    except FormatError:
        every = []
    tokens = [t for t in every if t.kind != "directive"]
    # Names the kept #defines use (`#define COLEMAK_D LT(_Puc, KC_D)`) need their aliases too.
    in_directives = {name for t in every if t.kind == "directive" for name in re.findall(r"\b[A-Za-z_]\w*", t.text)}
    # A file of the user's own that the keymap includes (`#include "tapdance.c"`) is code too.
    kept_includes = [name for name in QUOTED_INCLUDE.findall(remaining)
                     if name in user_includes]
    if not tokens and not kept_includes:
        return CarriedC(None)
    warnings = [f"{piece} is kept as C code (the layout's c_source); keyconf keeps it but cannot edit it"
                for piece in _pieces(tokens)]
    if kept_includes and not tokens:
        warnings.append(f"#include of {', '.join(kept_includes)} is kept as C code (the layout's c_source), so the "
                        "build still compiles what the keymap includes")
    used = {t.text for t in tokens if t.kind == "ident"} | in_directives
    aliases = [f"#define {ident} {name}" for ident, name in sorted(generated_names.items())
               if ident != name and ident in used]
    prelude = ""
    if aliases:
        prelude = "// Names this code uses for layers, tap dances and keycodes, as keyconf's keymap.c calls them.\n"
        prelude += "\n".join(aliases) + "\n\n"
    return CarriedC(prelude + remaining + "\n", warnings)


def _offset(starts: list[int], token: Token) -> int:
    return starts[token.line - 1] + token.column - 1 if 0 < token.line <= len(starts) else 0


def _statement_span(source: str, starts: list[int], statement: list[Token]) -> tuple[int, int] | None:
    if not statement:
        return None
    first, last = statement[0], statement[-1]
    start = _offset(starts, first)
    if not source.startswith(first.text, start):
        return None  # made by a macro: leave the text alone rather than cut the wrong bytes
    after = _offset(starts, last)
    if last.is_(";") and source.startswith(";", after):
        return start, after + 1
    if last.is_("}") and source.startswith("}", after):
        end = after + 1
        semicolon = re.compile(r"[ \t]*;").match(source, end)  # `};` of an initializer; a function has none
        return start, semicolon.end() if semicolon else end
    end = after
    semicolon = re.compile(r"\s*;").match(source, end)
    if semicolon:
        end = semicolon.end()
    else:
        found = source.find(";", end)
        if found < 0:
            return None
        end = found + 1
    return start, end


def _directive_end(source: str, start: int) -> int:
    position = start
    while True:
        newline = source.find("\n", position)
        if newline < 0:
            return len(source)
        if source[position:newline].rstrip(" \t\f\v").endswith("\\"):  # a line splice, as the tokenizer takes it
            position = newline + 1
            continue
        return newline + 1


def _whole_lines(source: str, start: int, end: int) -> tuple[int, int]:
    """A span that is alone on its lines takes the lines with it (no blank line left behind)."""
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", end)
    line_end = len(source) if line_end < 0 else line_end
    if source[line_start:start].strip() == "" and source[end:line_end].strip() == "":
        return line_start, min(line_end + 1, len(source))
    return start, end


def _cut(source: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    position = 0
    for start, end in sorted(_whole_lines(source, a, b) for a, b in spans):
        if end <= position:
            continue
        out.append(source[position:max(start, position)])
        position = end
    out.append(source[position:])
    return "".join(out)


def _pieces(tokens: list[Token]) -> list[str]:
    """A short name for each top-level declaration or function of the carried code."""
    pieces: list[str] = []
    for start, end in iter_statements(tokens):
        statement = tokens[start:end]
        if not statement:
            continue
        name = None
        if not any(t.is_("=") or t.is_("{") for t in statement):  # a prototype: `void f(int);`
            calls = [i for i, t in enumerate(statement) if t.is_("(") and i > 0 and statement[i - 1].kind == "ident"]
            if calls:
                name = f"{statement[calls[0] - 1].text}() (a declaration)"
        if statement[-1].is_("}") and not any(t.is_("=") for t in statement[:3]):
            for i, t in enumerate(statement):
                if t.is_("=") or t.is_("{"):
                    break
                if t.is_("(") and i > 0 and statement[i - 1].kind == "ident":
                    name = f"{statement[i - 1].text}()"
                    break
        if name is None:
            shown = render(statement[: next((i for i, t in enumerate(statement) if t.is_("=") or t.is_("{")),
                                            min(len(statement), 6))])
            name = f"`{shown[:60]}`"
        pieces.append(name)
    return pieces


