"""How big and how deep an untrusted document may be, checked before it is parsed.

Every file keyconf reads can come from a stranger. Python's JSON reader recurses once per
nesting level and builds every value before anyone looks at it, so a file of nested `[`
crashes it and a file of a million values costs seconds and hundreds of megabytes. The
checks here run in one linear pass over the text, refuse with the position where the limit
is passed, and so keep every reader bounded in time and memory. The YAML layout reader has
its own checks (`yaml_source`), over the same limits' rationale; the numbers are stated in
docs/layout-format.md.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024  # a 32-layer Vial save is ~100 KB; a keyboard definition ~1 MB at most
MAX_JSON_DEPTH = 64  # a .vil nests 4 levels, info.json ~6
MAX_JSON_VALUES = 200_000  # a 32-layer, 255-key VIA save has ~8,500; the largest QMK keyboard.json ~16,000
# No format keyconf reads holds a number past 64 bits; Python refuses ints past 4,300 digits.
MAX_JSON_NUMBER_DIGITS = 40

# A JSON string (possessive quantifiers: no backtracking state per character, so a 1 MB string
# costs no memory) or one bracket.
_BRACKETS_AND_STRINGS = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|[\[\]{}]')
_VALUE_STARTS = re.compile(r"[,\[{]")


@dataclass(frozen=True)
class LimitPassed:
    """Where a document passes a limit: 1-based line and column, what, and what to do."""

    message: str
    line: int
    column: int
    hint: str


def position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of `index` in `text`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def byte_position(data: bytes, index: int) -> tuple[int, int]:
    """1-based (line, column) of byte `index` in `data`."""
    return data.count(b"\n", 0, index) + 1, index - (data.rfind(b"\n", 0, index) + 1) + 1


def read_document(path: str | os.PathLike[str], error: Callable[..., Exception]) -> bytes:
    """The bytes of the file at `path`, never more than MAX_DOCUMENT_BYTES and one byte (that
    byte tells the caller to refuse the file, with a position). A file that cannot be read
    raises `error(message, path, hint=..., unreadable=True)`, never OSError."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise error("no such file", path, hint="check the path", unreadable=True) from None
    except IsADirectoryError:
        raise error("this is a folder, not a layout file", path, unreadable=True) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", path, unreadable=True) from None


def json_limits(text: str, max_depth: int = MAX_JSON_DEPTH, max_values: int = MAX_JSON_VALUES) -> LimitPassed | None:
    """The first limit `text` passes as JSON (or HJSON), or None. Linear in the text's length."""
    separators = text.count(",") + text.count("[") + text.count("{")
    if separators >= max_values:
        for index, match in enumerate(_VALUE_STARTS.finditer(text)):
            if index == max_values - 1:
                return LimitPassed(
                    f"the file holds more than {max_values:,} values; the limit is passed here",
                    *position(text, match.start()),
                    hint="no layout or keyboard file is this large: is it the right file?",
                )
    depth = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        char = match.group(0)
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return LimitPassed(
                    f"values are nested more than {max_depth} levels deep here",
                    *position(text, match.start()),
                    hint="no layout or keyboard file nests this deep: is a bracket not closed, or the file damaged?",
                )
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


class JsonError(ValueError):
    """JSON that cannot be read: the message, 1-based line and column, and a hint."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


class _NumberTooLong(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


class _NotFinite(ValueError):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _refuse_constant(name: str) -> float:
    """NaN, Infinity and -Infinity are Python's, not JSON's: no format keyconf reads has them."""
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to infinity
        raise _NotFinite(text)
    return value


def _token_position(text: str, token: str) -> tuple[int, int]:
    """Where `token` first stands outside a JSON string."""
    for found in re.finditer(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|' + re.escape(token), text):
        if not found.group().startswith('"'):
            return position(text, found.start())
    return 1, 1


def _excerpt(text: str, pos: int, width: int = 20) -> str:
    """The start of what stands at `pos`, on one line, for a message."""
    piece = " ".join(text[pos : pos + width * 4].split())
    return piece if len(piece) <= width else piece[: width - 1] + "…"


def _bounded_int(digits: str) -> int:
    """Python's int() takes time quadratic in the digits and refuses past 4,300 of them."""
    if len(digits.lstrip("-")) > MAX_JSON_NUMBER_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def load_json(text: str, **kwargs: object) -> object:
    """`json.loads` after the limits are checked; any failure is a JsonError with a position.

    `kwargs` go to json.loads (e.g. `object_pairs_hook`)."""
    passed = json_limits(text)
    if passed is not None:
        raise JsonError(passed.message, passed.line, passed.column, passed.hint)
    try:
        return json.loads(
            text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_refuse_constant,
            **kwargs,  # type: ignore[arg-type]
        )
    except _NotFinite as error:
        raise JsonError(
            f"{error.token} is not a number JSON can hold", *_token_position(text, error.token),
            "write a finite number",
        ) from None
    except _NumberTooLong as error:
        line, column = position(text, max(text.find(error.digits), 0))
        raise JsonError(
            f"a number of {len(error.digits)} digits", line, column,
            f"no value in this format has more than {MAX_JSON_NUMBER_DIGITS} digits",
        ) from None
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            # The file's value is whole and something follows it: a stray `}` left by a hand edit,
            # or a second save pasted after the first. No JSON reader takes it (VIA neither).
            raise JsonError(
                f"text after the end of the file's JSON value: {_excerpt(text, error.pos)!r}",
                error.lineno, error.colno,
                "delete it: the value above is complete (a stray '}' or a second copy pasted in?)",
            ) from None
        raise JsonError(f"not valid JSON ({error.msg})", error.lineno, error.colno) from None
    except RecursionError:  # the depth check makes this unreachable; kept as the last guard
        raise JsonError("values are nested too deeply", 1, 1) from None


# What QMK and VIA can hold: an imported layout beyond these is refused where the file says it.
MAX_LAYERS = 32  # QMK's layer state is 32 bits
MAX_MATRIX_ROWS = 255  # VIA and Vial send a matrix position as one byte each
MAX_MATRIX_COLS = 255
MAX_LAYER_KEYS = 1024  # keys of one layer; the largest real boards have ~200
MAX_LAYOUT_KEYCODES = 8192  # keycodes in all layers of an imported layout: 32 layers of 256
MAX_TABLE_ENTRIES = 256  # macros, tap dances, combos, key overrides: QMK indexes each with one byte


def too_many(count: int, limit: int, what: str) -> str | None:
    """`"40 layers; QMK holds at most 32"` when `count` passes `limit`, else None."""
    if count <= limit:
        return None
    return f"{count:,} {what}; QMK and VIA hold at most {limit}"
