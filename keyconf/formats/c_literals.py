"""Text from a layout file made safe for C: string literals, identifiers and comments.

A layout file is untrusted input. Nothing from it reaches generated C except through
these functions, so no layout can close a string, start a comment or splice a line.
"""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# C11 keywords plus the preprocessor-sensitive names a generated identifier must not take.
C_KEYWORDS = frozenset(
    """
    auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local bool true false NULL defined
    """.split()
)

_SIMPLE_ESCAPES = {
    ord("\\"): "\\\\",
    ord('"'): '\\"',
    ord("\n"): "\\n",
    ord("\t"): "\\t",
    ord("\r"): "\\r",
}


def c_string_literal(text: str | bytes) -> str:
    """A C string literal (with its quotes) whose bytes are exactly `text` (UTF-8 for str).

    Bytes outside printable ASCII become three-digit octal escapes, which never swallow a
    following digit (hex escapes would: "\\x41" then "B" reads as one escape). A `?` that
    follows a `?` is escaped so no `??=`-style trigraph can form."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    out: list[str] = ['"']
    previous_question = False
    for byte in data:
        if byte in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[byte])
            previous_question = False
        elif byte == ord("?"):
            out.append("\\?" if previous_question else "?")
            previous_question = True
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
            previous_question = False
        else:
            out.append(f"\\{byte:03o}")
            previous_question = False
    out.append('"')
    return "".join(out)


def is_c_identifier(name: str) -> bool:
    """True for a name that is a valid C identifier and not a keyword."""
    return _IDENTIFIER.fullmatch(name) is not None and name not in C_KEYWORDS


def c_identifier(name: str) -> str:
    """`name` itself when it is a safe C identifier; ValueError otherwise."""
    if not is_c_identifier(name):
        raise ValueError(f"{name!r} is not a valid C identifier")
    return name


def identifier_part(text: str) -> str:
    """A fragment usable inside a generated identifier, derived from free text.

    Letters, digits and underscores are kept; every other run becomes one underscore.
    Used to turn names like "esc / caps" into `esc_caps` for readability; callers still
    prefix and validate the whole identifier."""
    part = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
    return part


def c_comment_text(text: str, limit: int = 100) -> str:
    """Text safe inside a `//` comment: one line, printable ASCII, no line splice.

    A backslash at the end of a `//` line would continue the comment onto the next line
    (and `??/` is a backslash trigraph), so backslashes and `??` never pass."""
    chars: list[str] = []
    for ch in text:
        if ch == "\\":
            chars.append("/")
        elif " " <= ch <= "~":
            chars.append(ch)
        elif ch in "\t\r\n":
            chars.append(" ")
        else:
            chars.append("?")
    cleaned = "".join(chars)
    while "??" in cleaned:
        cleaned = cleaned.replace("??", "?")
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 3].rstrip() + "..."
    return cleaned
