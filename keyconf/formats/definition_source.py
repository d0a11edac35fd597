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
            position = locate(self.text, where)
            if position is not None:
                line, column = position
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
        raise KeyboardDefinitionError(f"duplicate key {dup.key!r}", path) from None
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
    """Where the duplicate key's second occurrence is (best effort: a text search)."""
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    if second < 0:
        return None, None
    return _line_col(text, second)


def locate(text: str, path: JsonPath) -> tuple[int, int] | None:
    """Line and column (1-based) of the value at `path` in JSON `text`; None if not found.

    Used only when reporting an error, so it re-scans the text; HJSON-only syntax makes it
    give up (returns None) rather than guess."""
    try:
        return _Locator(text).find(list(path))
    except (_LocateFailed, IndexError, RecursionError):
        return None


class _LocateFailed(Exception):
    pass


class _Locator:
    """A minimal JSON scanner that walks to one value and returns its position."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.decoder = json.JSONDecoder()

    def _skip_ws(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\r\n":
            self.pos += 1

    def _expect(self, char: str) -> None:
        self._skip_ws()
        if self.text[self.pos] != char:
            raise _LocateFailed
        self.pos += 1

    def _skip_value(self) -> None:
        self._skip_ws()
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            self._skip_ws()
            if self.text[self.pos] == "}":
                self.pos += 1
                return
            while True:
                self._string()
                self._expect(":")
                self._skip_value()
                self._skip_ws()
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                self._expect("}")
                return
        if char == "[":
            self.pos += 1
            self._skip_ws()
            if self.text[self.pos] == "]":
                self.pos += 1
                return
            while True:
                self._skip_value()
                self._skip_ws()
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                self._expect("]")
                return
        try:
            _, self.pos = self.decoder.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            raise _LocateFailed from exc

    def _string(self) -> str:
        self._skip_ws()
        if self.text[self.pos] != '"':
            raise _LocateFailed
        try:
            value, self.pos = self.decoder.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            raise _LocateFailed from exc
        return str(value)

    def find(self, path: list[str | int]) -> tuple[int, int]:
        self._skip_ws()
        for step in path:
            self._skip_ws()
            char = self.text[self.pos]
            if isinstance(step, str):
                if char != "{":
                    raise _LocateFailed
                self.pos += 1
                while True:
                    key = self._string()
                    self._expect(":")
                    if key == step:
                        break
                    self._skip_value()
                    self._skip_ws()
                    if self.text[self.pos] != ",":
                        raise _LocateFailed
                    self.pos += 1
            else:
                if char != "[":
                    raise _LocateFailed
                self.pos += 1
                for _ in range(step):
                    self._skip_value()
                    self._expect(",")
            self._skip_ws()
        return _line_col(self.text, self.pos)
