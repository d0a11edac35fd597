"""The part of HJSON users write in a hand-kept keymap.json: comments and trailing commas.

QMK loads keymap.json with an HJSON reader, so `// base layer` above a layer and a comma after
the last key build there. keyconf does not take a permissive parser for it: the comments and
those commas are blanked out (same length, newlines kept) and the strict JSON reader, with its
limits and its line and column in every error, reads what is left."""

from __future__ import annotations

import re

# A JSON string (possessive: linear on a long or unterminated one), or a comment: `//` and `#` to
# the end of the line, `/* ... */`. An unterminated `/*` runs to the end (else each of thousands of `/*`
# is scanned to the end: quadratic) and is left as it is, for the JSON reader to refuse at its place.
_STRING_OR_COMMENT = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|(//[^\n]*|#[^\n]*|/\*.*?(?:\*/|\Z))', re.DOTALL)
# A string, or a comma with only blanks before the `]` or `}` that closes its list or object.
_STRING_OR_TRAILING_COMMA = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|(,)(?=\s*+[\]}])')


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def without_comments(text: str) -> str | None:
    """`text` with its comments and trailing commas blanked out, or None when it has neither."""

    def comment(match: re.Match[str]) -> str:
        found = match.group(1)
        unterminated = found is not None and found.startswith("/*") and (len(found) < 4 or not found.endswith("*/"))
        return _blank(match.group(0)) if found and not unterminated else match.group(0)

    def comma(match: re.Match[str]) -> str:
        return " " if match.group(1) else match.group(0)

    relaxed = _STRING_OR_TRAILING_COMMA.sub(comma, _STRING_OR_COMMENT.sub(comment, text))
    return relaxed if relaxed != text else None
