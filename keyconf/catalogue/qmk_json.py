"""Reading QMK's data files, which QMK parses as HJSON (JSON plus comments and relaxed syntax).

The `hjson` parser is pure Python and many times slower than `json`, and almost every file in a
qmk_firmware tree is plain JSON, so strict JSON is tried first. Most of the rest is JSON with
comments and trailing commas: with those removed (strings left alone) `json` reads it, and
gives what HJSON would, since any other HJSON syntax (quoteless keys or strings, multi-line
strings, missing commas) is not JSON and still fails. Only then is `hjson` used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# A JSON string (kept), or a comment, or a comma before a closing bracket (both dropped).
_COMMENTS_AND_TRAILING_COMMAS = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|//[^\n]*|/\*[\s\S]*?\*/|#[^\n]*"
    r"|,(?=(?:\s|//[^\n]*|/\*[\s\S]*?\*/|#[^\n]*)*[\]}])"
)


def _keep_strings(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text[0] == '"' else ""


class DataFileError(ValueError):
    """A file QMK would refuse to read: the message names the file, line and column."""

    def __init__(self, path: str | Path, message: str, line: int | None = None, column: int | None = None):
        where = f"{path}:{line}:{column}" if line is not None and column is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message


def parse_qmk_json(text: str, path: str | Path = "<text>") -> Any:
    """Parse JSON, falling back to HJSON as QMK's own loader does; raises `DataFileError`."""
    try:
        return json.loads(text)
    except ValueError as json_error:
        first_error = json_error
    try:
        return json.loads(_COMMENTS_AND_TRAILING_COMMAS.sub(_keep_strings, text))
    except (ValueError, RecursionError):
        pass
    import hjson  # only the rare file with comments or trailing commas pays for it

    try:
        return hjson.loads(text)
    except hjson.HjsonDecodeError as error:
        raise DataFileError(path, f"not valid JSON or HJSON: {error.msg}", error.lineno, error.colno) from None
    except (ValueError, RecursionError) as error:
        if isinstance(first_error, json.JSONDecodeError):
            raise DataFileError(path, f"not valid JSON or HJSON: {first_error.msg}",
                                first_error.lineno, first_error.colno) from None
        raise DataFileError(path, f"not valid JSON or HJSON: {error}") from None


def read_qmk_json(path: str | Path) -> Any:
    """Read and parse one data file; raises `DataFileError` (also for unreadable files)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise DataFileError(path, f"cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"not UTF-8 text (byte {error.start})") from None
    return parse_qmk_json(text, path)
