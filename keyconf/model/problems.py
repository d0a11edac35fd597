"""Problems found in a layout: what validation, lint and loaders report.

A problem names a logical location in the layout (`("layers", 2, 17)`: layer 2, key 17);
loaders that know where that location sits in a file fill in line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

Location = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding about a layout, with where it is (model path, file, line) and a fix."""

    severity: Severity
    message: str
    hint: str | None = None
    location: Location = ()
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    code: str = ""  # stable identifier, e.g. "unknown-keycode", for tests and filters

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def at(self, file: str | None, line: int | None, column: int | None) -> Problem:
        return replace(self, file=file, line=line, column=column)

    def format(self) -> str:
        """`FILE:LINE:COL: error|warning: message` with the hint on the next line."""
        return format_diagnostic(self.severity.value, self.message, self.hint, self.file or "<layout>",
                                 self.line, self.column)


class TextError(ValueError):
    """Text of one line that cannot be read (a keycode, macro text): `message`, `column` (0-based
    offset into the text, or None), `hint`."""

    def __init__(self, message: str, column: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        where = f" (column {self.column + 1})" if self.column is not None else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.message}{where}{hint}"


def format_position(file: str | None, line: int | None, column: int | None) -> str:
    """`FILE:LINE:COL`, as far as each part is known (the shape editors and terminals link)."""
    where = file or ""
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


def format_diagnostic(severity: str, message: str, hint: str | None, file: str | None, line: int | None,
                      column: int | None) -> str:
    """`FILE:LINE:COL: severity: message`, then `  hint: …` on its own line."""
    text = f"{format_position(file, line, column)}: {severity}: {message}"
    if hint:
        text += f"\n  hint: {hint}"
    return text


def error(message: str, location: Location = (), hint: str | None = None, code: str = "") -> Problem:
    return Problem(Severity.ERROR, message, hint, location, code=code)


def warning(message: str, location: Location = (), hint: str | None = None, code: str = "") -> Problem:
    return Problem(Severity.WARNING, message, hint, location, code=code)
