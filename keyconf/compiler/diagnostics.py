"""Compiler messages mapped back to the layout.

gcc reports `path:line:column: error: message`. When the path is the generated keymap.c,
the line map says which layer key, macro step or combo the line (and column) came from, so
the message can name that and point at the YAML line. Messages about other files are kept
whole: they are QMK's or the board's, and the user needs to see them as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from keyconf.compiler.progress import strip_ansi
from keyconf.compiler.source_map import LineMap, SourceRef

_DIAGNOSTIC = re.compile(
    r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?:(?P<column>\d+):)?\s*"
    r"(?P<kind>fatal error|error|warning|note):\s*(?P<message>.*)$"
)


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int | None
    kind: str  # "error", "fatal error", "warning", "note"
    message: str
    text: str  # the line as the compiler printed it
    ref: SourceRef | None = None  # set when it concerns the generated keymap.c

    @property
    def is_error(self) -> bool:
        return self.kind in ("error", "fatal error")


def parse_diagnostic(
    line: str, keymap_c: Path | None, line_map: LineMap | None, base: Path | None = None
) -> Diagnostic | None:
    """The diagnostic on `line`, with its layout ref when it is about `keymap_c`.

    Relative paths are relative to `base` (make runs in the QMK tree)."""
    text = strip_ansi(line).rstrip()
    # QMK prints "Compiling: file   <first diagnostic>" on one line: look past the prefix.
    for start in _candidate_starts(text):
        match = _DIAGNOSTIC.match(text[start:])
        if match:
            break
    else:
        return None
    file = match.group("file").strip()
    line_number = int(match.group("line"))
    column = int(match.group("column")) if match.group("column") else None
    ref = None
    if keymap_c is not None and line_map is not None and _same_file(file, keymap_c, base):
        ref = line_map.lookup(line_number, column)
    return Diagnostic(
        file=file,
        line=line_number,
        column=column,
        kind=match.group("kind"),
        message=match.group("message").strip(),
        text=text[start:],
        ref=ref,
    )


def _candidate_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer(r"\s{2,}(?=\S)", text):
        starts.append(match.end())
    return starts


def _same_file(reported: str, keymap_c: Path, base: Path | None) -> bool:
    if reported == str(keymap_c):
        return True
    reported_path = Path(reported)
    if not reported_path.is_absolute() and base is not None:
        reported_path = base / reported_path
    if reported_path.name != keymap_c.name:
        return False
    try:
        return reported_path.resolve() == keymap_c.resolve()
    except OSError:
        return False
