"""Reading keyboard definition files (QMK info.json, VIA definitions, KLE): text in, data out,
and every problem as one `KeyboardDefinitionError` that names the file, line and column.

QMK reads its info.json files as HJSON (comments, unquoted keys, missing commas) and rejects
duplicate keys; so do we. Plain JSON is tried first because it is much faster and nearly every
file is plain JSON; HJSON is the fallback and the grammar errors are reported in.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyconf.formats.document_limits import byte_position, json_limits

# A keyboard definition is a few kB to a few hundred kB; refuse anything absurd before reading it.
MAX_DEFINITION_BYTES = 8 * 1024 * 1024

JsonPath = Sequence[str | int]


class KeyboardDefinitionError(ValueError):
    """A keyboard definition that cannot be used, with where and why.

    `path` is the file (None for in-memory data); `line`/`column` are 1-based when known;
    `where` is the location inside the data (`layouts.LAYOUT.layout[3].x`)."""

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        where: str | None = None,
        hint: str | None = None,
        unreadable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.where = where
        self.hint = hint
        self.unreadable = unreadable  # the file could not be read at all (missing, a folder, no permission)

    @property
    def location(self) -> str:
        """`FILE:LINE:COL` (as much of it as is known), or "" for in-memory data."""
        parts = [self.path or ("<data>" if self.line is not None else "")]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        text = self.message
        if self.where:
            text = f"{self.where}: {text}"
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text} (hint: {self.hint})"
        return text


@dataclass
class DataSource:
    """Where definition data came from, to turn a bad value into a message with file, line and
    column: `where` paths are located in `text` (when given) only when an error is raised."""

    path: str | None = None
    text: str | None = None

    @classmethod
    def of(cls, path: str | os.PathLike[str] | None, text: str | None = None) -> DataSource:
        return cls(str(path) if path is not None else None, text)

    def error(self, message: str, where: JsonPath, hint: str | None = None) -> KeyboardDefinitionError:
        line = column = None
        if self.text is not None:
            # A key the file lacks (`"matrix": {"cols": 3}` without rows) is named at the object
            # that lacks it: the nearest part of the path the file has.
            for depth in range(len(where), -1, -1):
                position = locate(self.text, where[:depth])
                if position is not None:
                    line, column = position
                    break
        return KeyboardDefinitionError(
            message, self.path, line, column, where=format_json_path(where) or None, hint=hint
        )


def describe_value(value: Any) -> str:
    """A short phrase for a JSON value in an error message ("the string 'x'", "a list")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 30 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_number(value: Any) -> bool:
    """A finite JSON number (booleans are not numbers here, though Python says they are)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_json_path(path: JsonPath) -> str:
    """`("layouts", "LAYOUT", "layout", 3, "x")` → `layouts.LAYOUT.layout[3].x`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def read_definition_text(path: str | os.PathLike[str]) -> str:
    """The file's text, refusing huge or undecodable files with a clear error."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise KeyboardDefinitionError(f"cannot read file: {exc.strerror or exc}", path, unreadable=True) from exc
    if size > MAX_DEFINITION_BYTES:
        raise KeyboardDefinitionError(
            f"file is {size // 1024} KiB, more than any keyboard definition "
            f"({MAX_DEFINITION_BYTES // (1024 * 1024)} MiB at most)",
            path,
            hint="is this really a keyboard definition?",
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise KeyboardDefinitionError(f"cannot read file: {exc.strerror or exc}", path, unreadable=True) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KeyboardDefinitionError(
            "not UTF-8 text (binary data?)", path, *byte_position(raw, exc.start),
            hint="definitions are JSON text files",
        ) from exc


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def parse_definition_json(
    text: str, path: str | os.PathLike[str] | None = None, *, allow_hjson: bool = True
) -> Any:
    """Parse JSON (or, failing that, HJSON as QMK does) with duplicate keys rejected.

    The document limits (depth, number of values) are checked first, for JSON and HJSON alike."""
    passed = json_limits(text)
    if passed is not None:
        raise KeyboardDefinitionError(passed.message, path, passed.line, passed.column, hint=passed.hint)
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except _DuplicateKey as dup:
        line, column = _find_duplicate(text, dup.key)
        raise KeyboardDefinitionError(
            f"duplicate key {dup.key!r}", path, line, column, hint="each key may appear once per object"
        ) from None
    except json.JSONDecodeError as json_error:
        if not allow_hjson:
            raise KeyboardDefinitionError(
                f"invalid JSON: {json_error.msg}", path, json_error.lineno, json_error.colno
            ) from None
        return _parse_hjson(text, path, json_error)
    except RecursionError:  # unreachable after json_limits; the last guard
        raise KeyboardDefinitionError("JSON nested too deeply", path, 1, 1) from None


def _parse_hjson(text: str, path: str | os.PathLike[str] | None, json_error: json.JSONDecodeError) -> Any:
    import hjson  # imported on demand: only non-JSON files pay for it

    try:
        return hjson.loads(text, object_pairs_hook=_reject_duplicates)
    except _DuplicateKey as dup:
        line, column = _find_duplicate(text, dup.key)
        raise KeyboardDefinitionError(
            f"duplicate key {dup.key!r}", path, line, column, hint="each key may appear once per object"
        ) from None
    except hjson.HjsonDecodeError as exc:
        message = str(getattr(exc, "msg", exc))
        raise KeyboardDefinitionError(
            f"invalid JSON/HJSON: {message}",
            path,
            getattr(exc, "lineno", None),
            getattr(exc, "colno", None),
        ) from None
    except RecursionError:  # unreachable after json_limits; the last guard
        raise KeyboardDefinitionError("JSON nested too deeply", path, 1, 1) from None
    except Exception as exc:  # the hjson parser raises assorted errors on garbage
        raise KeyboardDefinitionError(
            f"invalid JSON: {json_error.msg}", path, json_error.lineno, json_error.colno
        ) from exc


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _find_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    """Where the duplicate key's second occurrence is (best effort: a text search, of the key
    quoted, or in HJSON bare or single-quoted, followed by its colon)."""
    pattern = re.compile(rf"""(?:{re.escape(json.dumps(key))}|'{re.escape(key)}'|(?<![\w"']){re.escape(key)})\s*:""")
    found = [match.start() for match in pattern.finditer(text)]
    if len(found) < 2:  # spelled with escapes (`"a\u0041"` and `"aA"`): the quoted keys, decoded
        found = sorted({*found, *_quoted_keys(text, key)})
    if len(found) < 2 and key:  # an HJSON bare key right after a string (`"a"key": 1`): the key's text anywhere
        found = [match.start() for match in re.finditer(rf"{re.escape(key)}\s*:", text)]
    if len(found) < 2:
        return None, None
    return _line_col(text, found[1])


_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_COLON = re.compile(r"\s*:")


def _quoted_keys(text: str, key: str) -> list[int]:
    """Where the quoted strings of `text` followed by a colon decode to `key`: one pass, string after string."""
    found = []
    for match in _QUOTED.finditer(text):
        if _COLON.match(text, match.end()) is None:
            continue
        try:
            value = json.loads(match.group(0))
        except ValueError:
            continue
        if value == key:
            found.append(match.start())
    return found


def locate(text: str, path: JsonPath) -> tuple[int, int] | None:
    """Line and column (1-based) of the value at `path` in JSON or HJSON `text`; None if not found.

    Used only when reporting an error, so it re-scans the text."""
    try:  # one walk for both: JSON is HJSON, and QMK's info.json and qmk_module.json may be HJSON
        return _Locator(text).find(list(path))
    except (_LocateFailed, IndexError, RecursionError):
        return None


class _LocateFailed(Exception):
    pass


class _Locator:
    """A walk to one value of a JSON text, or of HJSON as QMK writes it: comments (`#`, `//`,
    `/* */`), bare and single-quoted keys, quoteless values running to the end of their line,
    commas left out between members on lines of their own, trailing commas. A file a stranger
    wrote in HJSON gets its errors at their line and column as a JSON one does."""

    _CLOSERS = "]}"

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def _skip_ws(self) -> bool:
        """Skip blanks and comments; True when a newline was passed."""
        text, newline = self.text, False
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n":
                newline = newline or char == "\n"
                self.pos += 1
            elif char == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise _LocateFailed
                newline = newline or "\n" in text[self.pos:end]
                self.pos = end + 2
            else:
                break
        return newline

    def _more(self) -> bool:
        """After a member: True when another follows (after a comma, a new line, or nothing: the
        HJSON parser read the file before anything is located), False at the closer."""
        self._skip_ws()
        char = self.text[self.pos]
        if char == ",":
            self.pos += 1
            self._skip_ws()
            return self.text[self.pos] not in self._CLOSERS
        return char not in self._CLOSERS  # the parser took the file: whatever follows is a member

    def _key(self) -> str:
        self._skip_ws()
        char = self.text[self.pos]
        if char in "\"'":
            key = self._quoted()
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in ",:[]{} \t\r\n":
                self.pos += 1
            key = self.text[start:self.pos]
            if not key:
                raise _LocateFailed
        self._skip_ws()
        if self.text[self.pos] != ":":
            raise _LocateFailed
        self.pos += 1
        return key

    def _quoted(self) -> str:
        text, quote = self.text, self.text[self.pos]
        if text.startswith(quote * 3, self.pos) and quote == "'":
            end = text.find("\'\'\'", self.pos + 3)
            if end < 0:
                raise _LocateFailed
            value, self.pos = text[self.pos + 3:end], end + 3
            return value
        index = self.pos + 1
        while index < len(text) and text[index] != quote:
            index += 2 if text[index] == "\\" else 1
        if index >= len(text):
            raise _LocateFailed
        raw, self.pos = text[self.pos:index + 1], index + 1
        try:
            return str(json.loads('"' + raw[1:-1].replace('"', '\\"') + '"')) if quote == "'" else str(json.loads(raw))
        except ValueError:
            return raw[1:-1]

    def _skip_value(self) -> None:
        self._skip_ws()
        text, char = self.text, self.text[self.pos]
        if char in "{[":
            self.pos += 1
            self._skip_ws()
            if text[self.pos] in self._CLOSERS:
                self.pos += 1
                return
            while True:
                if char == "{":
                    self._key()
                self._skip_value()
                if not self._more():
                    break
            self._skip_ws()
            self.pos += 1  # the closer _more stopped at
            return
        if char in "\"'":
            self._quoted()
            return
        # A number, true, false, null, or a quoteless string: to a separator on the line, or its end.
        end = self.pos
        while end < len(text) and text[end] not in "\n":
            if text[end] in ",]}" and text[self.pos:end].strip() and _is_json_word(text[self.pos:end].strip()):
                break
            end += 1
        if end == self.pos:
            raise _LocateFailed
        self.pos = end

    def find(self, path: list[str | int]) -> tuple[int, int]:
        self._skip_ws()
        for step in path:
            self._skip_ws()
            char = self.text[self.pos]
            if isinstance(step, str):
                if char != "{":
                    raise _LocateFailed
                self.pos += 1
                while self._key() != step:
                    self._skip_value()
                    if not self._more():
                        raise _LocateFailed
            else:
                if char != "[":
                    raise _LocateFailed
                self.pos += 1
                for _ in range(step):
                    self._skip_value()
                    if not self._more():
                        raise _LocateFailed
            self._skip_ws()
        return _line_col(self.text, self.pos)


def _is_json_word(text: str) -> bool:
    """A number, true, false or null: what a comma or closer ends in HJSON (a quoteless string
    runs to the end of its line, commas and all)."""
    if text in ("true", "false", "null"):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True
