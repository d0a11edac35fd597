"""Where generated code comes from: references into the layout, and problems pointing at them.

A `SourceRef` holds a model location in the convention of `keyconf.model.problems`
(`("layers", 1, 12)` is layer 1 key 12, `("macros", 0, "steps", 2)`, `("combos", 3, "keys", 0)`,
`("encoders", 1, 0, "cw")`), so the YAML loader's positions turn it into file, line and
column. The generators record, for every line of keymap.c they write, which refs each span
of the line came from (`LineMap`), so a compiler error about keymap.c line 40 column 31
becomes "layer 'nav', key 13" and then "mine.yaml:18:27".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from keyconf.model.layout import Layout
from keyconf.model.problems import Location, Problem, error

PathPart = str | int


@dataclass(frozen=True)
class SourceRef:
    """A model location, e.g. ("layers", 1, 12) for layer 1, key 12."""

    path: Location

    @staticmethod
    def of(*parts: PathPart) -> SourceRef:
        return SourceRef(tuple(parts))

    def child(self, *parts: PathPart) -> SourceRef:
        return SourceRef(self.path + tuple(parts))

    def describe(self, layout: Layout | None = None, rows: list[list[int]] | None = None) -> str:
        """People's words for the place: "layer 'nav', key 13 (row 2, key 4 of the row)"."""
        return describe_path(self.path, layout, rows)


def describe_path(path: Location, layout: Layout | None, rows: list[list[int]] | None) -> str:
    if not path:
        return "the layout"
    head = path[0]
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
    rest = path[2:]
    if head == "layers" and index is not None:
        text = f"layer {_layer_name(layout, index)}"
        if rest and isinstance(rest[0], int):
            key = rest[0]
            text += f", key {key + 1}"
            where = _row_of(rows, key)
            if where is not None:
                text += f" (row {where[0] + 1}, key {where[1] + 1} of the row)"
        return text
    if head == "encoders" and index is not None:
        text = f"layer {_layer_name(layout, index)}"
        if rest and isinstance(rest[0], int):
            text += f", encoder {rest[0]}"
            if len(rest) > 1:
                text += f" {rest[1]}"
        return text
    singular = {
        "macros": "macro",
        "tap_dances": "tap dance",
        "combos": "combo",
        "key_overrides": "key override",
    }.get(str(head))
    if singular and index is not None:
        label = _named(layout, str(head), index)
        text = f"{singular} {index}" + (f" ({label})" if label else "")
        if rest:
            text += ", " + " ".join(_part_words(part) for part in rest)
        return text
    return " ".join(_part_words(part) for part in path)


def _part_words(part: PathPart) -> str:
    return f"item {part + 1}" if isinstance(part, int) else str(part).replace("_", " ")


def _layer_name(layout: Layout | None, index: int) -> str:
    if layout is not None and 0 <= index < len(layout.layers):
        return repr(layout.layers[index].name)
    return str(index)


def _named(layout: Layout | None, section: str, index: int) -> str | None:
    if layout is None:
        return None
    items = getattr(layout, section, None)
    if not isinstance(items, list) or not 0 <= index < len(items):
        return None
    name = getattr(items[index], "name", None)
    return repr(name) if name else None


def _row_of(rows: list[list[int]] | None, key: int) -> tuple[int, int] | None:
    if not rows:
        return None
    for row_number, row in enumerate(rows):
        if key in row:
            return row_number, row.index(key)
    return None


@dataclass
class SourceProblem(Exception):
    """Something in the layout that cannot become firmware, and where it is."""

    message: str
    ref: SourceRef | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)


    def to_problem(self, code: str = "compile") -> Problem:
        return error(self.message, self.ref.path if self.ref else (), self.hint, code=code)


class GenerationError(Exception):
    """The layout cannot be turned into QMK sources; `problems` lists every reason found."""

    def __init__(self, problems: list[SourceProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    def to_problems(self) -> list[Problem]:
        return [problem.to_problem() for problem in self.problems]


@dataclass
class LineSpan:
    start: int  # 1-based column of the first character
    end: int  # 1-based column after the last character
    ref: SourceRef


@dataclass
class LineMap:
    """Generated line number (1-based) -> the layout refs written on that line, by column."""

    lines: dict[int, list[LineSpan]] = field(default_factory=dict)

    def add(self, line: int, ref: SourceRef, start: int = 1, end: int = 1 << 30) -> None:
        self.lines.setdefault(line, []).append(LineSpan(start, end, ref))

    def lookup(self, line: int, column: int | None = None) -> SourceRef | None:
        """The ref at `line` (and `column` when given: the span containing it, else the nearest)."""
        spans = self.lines.get(line)
        if not spans:
            return None
        if column is None or len(spans) == 1:
            return spans[0].ref
        for span in spans:
            if span.start <= column < span.end:
                return span.ref
        return min(spans, key=lambda s: min(abs(column - s.start), abs(column - s.end))).ref
