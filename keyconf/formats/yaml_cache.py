"""Layout files parsed before, kept between runs, so the editor reopens the last file without
the YAML parser.

Importing PyYAML costs ~15 ms of CPU (most of it compiling its reader's character class and its
resolver's patterns), as much as a tenth of the editor's start, though libyaml reads a layout in
well under a millisecond. The parsed document of a file the editor opened (its plain data, each
scalar's YAML tag and the span of every node, as `yaml_source.parse_yaml` gives them) is kept
in `<cache folder>/layouts.json` together with the file's whole text: an entry is used only for
exactly that text, so an edited file is parsed again, whoever changed it. A damaged or foreign
cache is ignored and rewritten. Only documents that parsed without error are kept; what the
layout reader makes of the data (and its errors) is worked out again at every open.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from keyconf.formats.yaml_source import DocPath, Scalar, Span, YamlDocument

CACHE_FORMAT = 1
CACHE_FILE = "layouts.json"
MAX_LAYOUTS = 8  # the most recently opened files
MAX_TEXT = 256 * 1024  # a bigger file is parsed each time (layouts are a few kB)

_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError)


def cache_file() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().cache / CACHE_FILE


def _context() -> dict[str, Any]:
    from keyconf import __version__

    return {"format": CACHE_FORMAT, "version": __version__}


def cached_document(key: str, text: str, file: Path | None = None) -> YamlDocument | None:
    """The document kept for `key` (a file's path) when it was parsed from exactly `text`."""
    try:
        data = json.loads((cache_file() if file is None else file).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("context") != _context():
            return None
        entry = data["layouts"].get(key)
        if entry is None or entry["text"] != text:
            return None
        return document_from_data(entry["document"])
    except _ERRORS:
        return None  # a damaged cache costs only a parse


def remember_document(key: str, text: str, document: YamlDocument, file: Path | None = None) -> None:
    """Keep `document`, parsed from `text`, for `key`. Never raises."""
    if len(text) > MAX_TEXT:
        return
    target = cache_file() if file is None else file
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        layouts = data["layouts"] if isinstance(data, dict) and data.get("context") == _context() else {}
        if not isinstance(layouts, dict):
            layouts = {}
    except _ERRORS:
        layouts = {}
    layouts.pop(key, None)
    layouts[key] = {"text": text, "document": document_to_data(document)}
    while len(layouts) > MAX_LAYOUTS:
        layouts.pop(next(iter(layouts)))
    try:
        from keyconf.formats.atomic import write_atomic

        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps({"context": _context(), "layouts": layouts}, separators=(",", ":")))
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs a parse next time


# --- a YamlDocument as JSON and back ----------------------------------------------------------
# The data keeps its shape (mappings' keys are plain text); each scalar becomes its text, with
# its tag in `tags`, in the order a walk of the data meets the scalars.


def document_to_data(document: YamlDocument) -> dict[str, Any]:
    tags: list[str] = []

    def plain(value: Any) -> Any:
        if isinstance(value, Scalar):
            tags.append(value.tag)
            return str(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        raise TypeError(f"not a parsed YAML value: {type(value).__name__}")

    return {
        "data": plain(document.data),
        "tags": tags,
        "spans": _spans_to_data(document.spans),
        "key_spans": _spans_to_data(document.key_spans),
    }


def document_from_data(data: dict[str, Any]) -> YamlDocument:
    """The document `document_to_data` gave. Raises ValueError, TypeError … for anything else."""
    tags = iter(data["tags"])

    def build(value: Any) -> Any:
        if isinstance(value, str):
            tag = next(tags)
            if not isinstance(tag, str):
                raise TypeError("a scalar's tag must be text")
            return Scalar(value, tag)
        if isinstance(value, list):
            return [build(v) for v in value]
        if isinstance(value, dict):
            return {k: build(v) for k, v in value.items()}
        raise TypeError(f"not a parsed YAML value: {type(value).__name__}")

    try:
        document = YamlDocument(build(data["data"]), _spans_from_data(data["spans"]),
                                _spans_from_data(data["key_spans"]))
    except StopIteration:
        raise ValueError("fewer tags than scalars") from None
    if next(tags, None) is not None:
        raise ValueError("more tags than scalars")
    return document


def _spans_to_data(spans: dict[DocPath, Span]) -> list[list[Any]]:
    return [[list(path), *span] for path, span in spans.items()]


def _spans_from_data(rows: list[list[Any]]) -> dict[DocPath, Span]:
    spans: dict[DocPath, Span] = {}
    for path, line, column, end_line, end_column, style in rows:
        if not all(type(n) is int for n in (line, column, end_line, end_column)):
            raise TypeError("a span's positions must be numbers")
        if not (style is None or isinstance(style, str)) or not all(type(p) in (str, int) for p in path):
            raise TypeError("not a span")
        spans[tuple(path)] = Span(line, column, end_line, end_column, style)
    return spans
