"""Reading a qmk_firmware tree's data files fast enough to index thousands of them.

QMK parses its files as HJSON. The strict reader keyconf uses to load a keyboard
(`keyconf.formats.definition_source.parse_definition_json`) also rejects duplicate keys, which
makes every JSON object pass through Python code; the index, which reads every file of a tree,
cannot afford that. So here:

1. plain `json` is tried first (nearly every file);
2. then the same text with comments and trailing commas removed (strings left alone): most of
   the remaining files are JSON with comments, and `json` reads them as HJSON would, since any
   other HJSON syntax (quoteless keys or strings, multi-line strings, missing commas) is not
   JSON and still fails;
3. only then the strict reader, with its HJSON parser and its file:line:column errors.

Duplicate keys in plain JSON files go unnoticed here (the last one wins); loading that keyboard
through `keyconf.formats.qmk_info` reports them, as QMK does.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from keyconf.formats.definition_source import (
    KeyboardDefinitionError,
    parse_definition_json,
    read_definition_text,
)
from keyconf.formats.document_limits import json_limits

# A JSON string (kept), or a comment, or a comma before a closing bracket (both dropped).
_COMMENTS_AND_TRAILING_COMMAS = re.compile(
    r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
    r"|//[^\n]*|/\*[\s\S]*?\*/|#[^\n]*"
    r"|,(?=(?:\s|//[^\n]*|/\*[\s\S]*?\*/|#[^\n]*)*[\]}])"
)


def _keep_strings(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text[0] == '"' else ""


def strip_comments(text: str) -> str:
    """`text` without comments and trailing commas; strings are left untouched."""
    return _COMMENTS_AND_TRAILING_COMMAS.sub(_keep_strings, text)


def parse_qmk_json(text: str, path: str | os.PathLike[str] | None = None) -> Any:
    """Parse a QMK data file's text; raises `KeyboardDefinitionError` naming file, line, column."""
    passed = json_limits(text)
    if passed is not None:
        raise KeyboardDefinitionError(passed.message, path, passed.line, passed.column, hint=passed.hint)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(strip_comments(text))
    except (ValueError, RecursionError):
        pass
    return parse_definition_json(text, path)


def read_qmk_json(path: str | os.PathLike[str]) -> Any:
    """Read and parse one data file; raises `KeyboardDefinitionError` (also when unreadable)."""
    return parse_qmk_json(read_definition_text(path), path)


__all__ = ["KeyboardDefinitionError", "parse_qmk_json", "read_qmk_json", "strip_comments"]
