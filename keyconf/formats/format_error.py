"""The one error type every importer raises for a file it cannot read.

A user seeing it should learn which file, where in it, what is wrong and what to do, so the
message carries the path, an optional line and column, and an optional hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from keyconf.formats.document_limits import (
    MAX_DOCUMENT_BYTES,
    MAX_LAYER_KEYS,
    MAX_LAYERS,
    JsonError,
    byte_position,
    load_json,
    position,
    read_document,
    too_many,
)


class FormatError(ValueError):
    """A file that is not what its format promises (bad JSON, a wrong shape, C we do not understand)."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        *,
        unreadable: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        self.unreadable = unreadable  # the file could not be read at all (missing, a folder, no permission)

    @property
    def location(self) -> str:
        """`file:line:column` as far as known, for the front of a message."""
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        if self.path is None and self.line is None:
            return self.message
        return f"{self.location}: {self.message}"

    def with_path(self, path: str | Path) -> FormatError:
        """The same error attributed to `path` (readers working on text learn the name late)."""
        return type(self)(self.message, path, self.line, self.column, self.hint, unreadable=self.unreadable)


class KeyboardMismatch(FormatError):
    """The file is fine, but not for the keyboard it was matched with (a Corne file onto a
    Sweep): the CLI stops, the window asks for another keyboard."""


def read_text(path: str | Path) -> str:
    """A layout file's text; FormatError (never OSError) when it cannot be read."""
    data = read_document(path, FormatError)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FormatError(
            f"the file is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, far more than a layout file; the limit is "
            "passed here", path, *byte_position(data, MAX_DOCUMENT_BYTES), hint="is it the right file?",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02X})", path, *byte_position(data, error.start),
            hint="is it a layout file?",
        ) from None


def parse_json(text: str, path: str | Path | None, what: str) -> object:
    """JSON read within `document_limits`, whose failure names the file, line and column."""
    try:
        return load_json(text)
    except JsonError as error:
        raise FormatError(
            error.message,
            path,
            error.line,
            error.column,
            hint=error.hint or f"a {what} is a JSON file; was it truncated or edited by hand?",
        ) from None


def json_position(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) where `needle` (a JSON key, quoted) first appears; (1, 1) if nowhere."""
    index = text.find(needle)
    return position(text, index) if index >= 0 else (1, 1)


class JsonFieldError(Protocol):
    def __call__(self, key: str, message: str, hint: str | None = None) -> FormatError: ...


def json_field_error(text: str, path: str | Path | None) -> JsonFieldError:
    """How a JSON reader refuses a field: `fail(key, message, hint)` is a FormatError at the
    line and column where `"key"` first appears in `text`."""

    def fail(key: str, message: str, hint: str | None = None) -> FormatError:
        return FormatError(message, path, *json_position(text, f'"{key}"'), hint=hint)

    return fail


def parse_json_object(
    text: str, path: str | Path | None, what: str, kind: str
) -> tuple[dict[str, Any], JsonFieldError]:
    """`parse_json` for a document that must be one JSON object (`kind`: "a VIA save"), and how
    its reader refuses a field (`json_field_error`)."""
    data = parse_json(text, path, what)
    if not isinstance(data, dict):
        raise FormatError(f"{kind} is a JSON object", path, 1)
    return data, json_field_error(text, path)


def check_keycode_layers(layers: list[object], fail: JsonFieldError, not_text: str) -> None:
    """`layers` (a JSON list under "layers") holds at most MAX_LAYERS lists of at most
    MAX_LAYER_KEYS keycode texts; `not_text` finishes the message for a value that is not text."""
    problem = too_many(len(layers), MAX_LAYERS, "layers")
    if problem:
        raise fail("layers", problem)
    for li, layer in enumerate(layers):
        if not isinstance(layer, list):
            raise fail("layers", f"layers[{li}] must be a list of keycodes")
        problem = too_many(len(layer), MAX_LAYER_KEYS, f"keys in layers[{li}]")
        if problem:
            raise fail("layers", problem)
        for ki, key in enumerate(layer):
            if not isinstance(key, str):
                raise fail("layers", f"layers[{li}][{ki}] is {key!r}, {not_text}")


def json_location(text: str, needle: str) -> int | None:
    """The 1-based line where `needle` (a JSON key, quoted) first appears, to point at a bad value."""
    index = text.find(needle)
    if index < 0:
        return None
    return text.count("\n", 0, index) + 1
