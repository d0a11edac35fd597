"""Layout files parsed before, kept between runs, so the editor reopens the last file without
the YAML parser.

Importing PyYAML costs ~15 ms of CPU (most of it compiling its reader's character class and its
resolver's patterns), as much as a tenth of the editor's start, though libyaml reads a layout in
well under a millisecond. The parsed document of a file the editor opened (its plain data, each
scalar's YAML tag and the span of every node, as `yaml_source.parse_yaml` gives them) is kept
in `<cache folder>/layouts/`, one file per layout file (so a start reads only the one it opens),
together with the file's path and whole text: an entry is used only for exactly that text, so an
edited file is parsed again, whoever changed it. A damaged or foreign entry is ignored and
rewritten; the most recently written entries are kept. Only documents that parsed without error
are kept; what the layout reader makes of the data (and its errors) is worked out again at every
open.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

from keyconf.formats.yaml_source import DocPath, Scalar, Span, YamlDocument

CACHE_FORMAT = 1
CACHE_FOLDER = "layouts"
MAX_LAYOUTS = 8  # the most recently parsed files
MAX_TEXT = 256 * 1024  # a bigger file is parsed each time (layouts are a few kB)

_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError)


def cache_folder() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().cache / CACHE_FOLDER


def entry_file(key: str, folder: Path) -> Path:
    """Where the entry of `key` is kept (two keys may share a file: the entry names its key)."""
    return folder / f"{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.json"


def _context() -> dict[str, Any]:
    from keyconf import __version__

    return {"format": CACHE_FORMAT, "version": __version__}


def cached_document(key: str, text: str, folder: Path | None = None) -> YamlDocument | None:
    """The document kept for `key` (a file's path) when it was parsed from exactly `text`."""
    try:
        entry = json.loads(entry_file(key, cache_folder() if folder is None else folder).read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or entry.get("context") != _context():
            return None
        if entry["key"] != key or entry["text"] != text:
            return None
        return document_from_data(entry["document"])
    except _ERRORS:
        return None  # a damaged cache costs only a parse


def remember_document(key: str, text: str, document: YamlDocument, folder: Path | None = None) -> None:
    """Keep `document`, parsed from `text`, for `key`; forget the oldest entries past
    MAX_LAYOUTS. Never raises."""
    if len(text) > MAX_TEXT:
        return
    folder = cache_folder() if folder is None else folder
    entry = {"context": _context(), "key": key, "text": text, "document": document_to_data(document)}
    try:
        from keyconf.formats.atomic import write_atomic

        folder.mkdir(parents=True, exist_ok=True)
        target = entry_file(key, folder)
        write_atomic(target, json.dumps(entry, separators=(",", ":")))
        kept = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in kept[MAX_LAYOUTS:]:
            if old != target:
                os.remove(old)
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
