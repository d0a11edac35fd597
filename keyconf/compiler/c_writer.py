"""A line-by-line writer for generated C that remembers which layout item each line came from."""

from __future__ import annotations

from collections.abc import Iterable

from keyconf.compiler.source_map import LineMap, SourceRef

INDENT = "    "


class CWriter:
    def __init__(self) -> None:
        self._lines: list[str] = []
        self.line_map = LineMap()

    @property
    def next_line(self) -> int:
        """The 1-based number the next written line will have."""
        return len(self._lines) + 1

    def line(self, text: str = "", ref: SourceRef | None = None, depth: int = 0) -> None:
        if "\n" in text:
            raise ValueError("one line at a time")  # line numbers must stay exact for the line map
        body = (INDENT * depth + text) if text else ""
        if ref is not None:
            self.line_map.add(self.next_line, ref)
        self._lines.append(body.rstrip())

    def spans(self, parts: list[tuple[str, SourceRef | None]], depth: int = 0) -> None:
        """One line built from parts, recording the columns each referenced part occupies."""
        column = len(INDENT * depth) + 1
        text = INDENT * depth
        line_number = self.next_line
        for part, ref in parts:
            if ref is not None:
                self.line_map.add(line_number, ref, column, column + len(part))
            text += part
            column += len(part)
        if "\n" in text:
            raise ValueError("one line at a time")
        self._lines.append(text.rstrip())

    def verbatim(self, text: str) -> None:
        """Lines of someone else's C, kept exactly (the layout's own C code)."""
        body = text.replace("\r\n", "\n")
        self._lines.extend(body[:-1].split("\n") if body.endswith("\n") else body.split("\n"))

    def switch_function(
        self,
        signature: str,
        subject: str,
        cases: Iterable[tuple[str, str, SourceRef]],
        default: str,
        first: str = "",
    ) -> None:
        """A C function that answers by cases, as QMK's per-key and per-combo hooks do:
        `signature {` [first] switch (subject) { case label: return value; … default: return default; } }."""
        self.line(f"{signature} {{")
        if first:
            self.line(first, depth=1)
        self.line(f"switch ({subject}) {{", depth=1)
        for label, value, ref in cases:
            self.line(f"case {label}:", ref, depth=2)
            self.line(f"return {value};", ref, depth=3)
        self.line("default:", depth=2)
        self.line(f"return {default};", depth=3)
        self.line("}", depth=1)
        self.line("}")
        self.blank()

    def blank(self) -> None:
        if self._lines and self._lines[-1] != "":
            self._lines.append("")

    def text(self) -> str:
        lines = list(self._lines)
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n"
