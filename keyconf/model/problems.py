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
        where = self.file or "<layout>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def error(message: str, location: Location = (), hint: str | None = None, code: str = "") -> Problem:
    return Problem(Severity.ERROR, message, hint, location, code=code)


def warning(message: str, location: Location = (), hint: str | None = None, code: str = "") -> Problem:
    return Problem(Severity.WARNING, message, hint, location, code=code)
