"""Saving a layout that was loaded from a file: unchanged sections keep their text byte for byte
(comments included), a changed keycode is replaced in place, and only a section whose structure
changed is written afresh."""

from __future__ import annotations

import re
from typing import Any

from keyconf.formats.embedded_geometry import geometry_to_data
from keyconf.formats.yaml_layout_read import LoadedLayout, loads_layout
from keyconf.formats.yaml_layout_schema import (
    BLOCK_SECTIONS,
    SECTION_ORDER,
)
from keyconf.formats.yaml_layout_write import SectionWriter, dumps_layout, format_keycode_scalar
from keyconf.formats.yaml_source import (
    DocPath,
    SourceError,
    Span,
    YamlDocument,
)
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import (
    Layout,
)


class SurgicalSave:
    """Re-uses the loaded file's text for every section that did not change."""

    def __init__(self, layout: Layout, loaded: LoadedLayout, keyboard: Keyboard | None):
        self.layout = layout
        self.loaded = loaded
        self.old = loaded.original
        self.keyboard = keyboard
        self.writer = SectionWriter(layout, keyboard, loaded.row_lengths)
        self.lines = loaded.text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        self.realign_layers = False  # a keycode outgrew its column: the layer grid is rewritten

    def section_ranges(self) -> dict[str, tuple[int, int]]:
        """Top-level key -> [first line, end line) it occupies, comments before the next key excluded."""
        starts = sorted((span.line, str(path[0])) for path, span in self.loaded.document.key_spans.items()
                        if len(path) == 1)
        ranges: dict[str, tuple[int, int]] = {}
        for index, (line, key) in enumerate(starts):
            end = starts[index + 1][0] if index + 1 < len(starts) else len(self.lines)
            # Leave trailing blank/comment lines to whatever follows.
            while end > line + 1 and _is_blank_or_comment(self.lines[end - 1]):
                end -= 1
            value_span = self.loaded.document.spans.get((key,))
            if value_span is not None:
                end = max(end, min(value_span.end_line + (1 if value_span.end_column else 0), len(self.lines)))
            ranges[key] = (line, end)
        return ranges

    def text(self) -> str:
        old = self.old
        if old is None or not isinstance(self.loaded.document.data, dict):
            return dumps_layout(self.layout, self.keyboard, self.loaded.row_lengths)
        ranges = self.section_ranges()
        replacements: dict[str, str | None] = {}  # key -> new text (None: delete)
        additions: list[str] = []
        entry_patched: list[str] = []  # sections rebuilt entry by entry: checked below
        for name in SECTION_ORDER:
            new_text = self.writer.section(name)
            if name not in ranges:
                if new_text and not (name == "keyconf"):
                    additions.append(name)
                continue
            if _section_equal(name, old, self.layout):
                continue
            if not new_text:
                replacements[name] = None
                continue
            patched = self.patch_in_place(name, ranges[name])
            if patched is None and name in _ENTRY_SECTIONS and not (name == "layers" and self.realign_layers):
                patched = self.patch_entries(name, ranges[name], new_text)
                if patched is not None:
                    entry_patched.append(name)
            replacements[name] = patched if patched is not None else new_text
        if not replacements and not additions:
            return "".join(self.lines)
        result = self._assemble(ranges, replacements, additions)
        if entry_patched and not self._reads_back(result, entry_patched):
            # Whatever the entry surgery missed, a fresh section is always right.
            for name in entry_patched:
                replacements[name] = self.writer.section(name)
            return self._assemble(ranges, replacements, additions)
        return result

    def _assemble(
        self, ranges: dict[str, tuple[int, int]], replacements: dict[str, str | None], additions: list[str]
    ) -> str:
        out: list[str] = []
        by_start = {start: (key, end) for key, (start, end) in ranges.items()}
        # Each added section goes after the file's section that precedes it in the canonical order
        # (a `bootloader:` the window sets lands under `layout:`, not below the layers); at the end
        # when none does.
        after: dict[str, list[str]] = {}
        at_end: list[str] = []
        for name in additions:
            added = ("\n" if name in BLOCK_SECTIONS else "") + self.writer.section(name)
            before = [key for key in SECTION_ORDER[:SECTION_ORDER.index(name)] if key in ranges]
            (after.setdefault(before[-1], []) if before else at_end).append(added)
        ends = {end: key for key, (_start, end) in ranges.items()}
        i = 0
        while i < len(self.lines) or i in ends:
            if i in ends:
                out.extend(after.pop(ends.pop(i), []))
            if i >= len(self.lines):
                break
            if i in by_start and by_start[i][0] in replacements:
                key, end = by_start[i]
                text = replacements[key]
                if text:
                    out.append(text)
                i = end
                continue
            out.append(self.lines[i])
            i += 1
        for texts in after.values():  # a section whose range the loop never reached the end of
            out.extend(texts)
        out.extend(at_end)
        return "".join(out)

    def _reads_back(self, text: str, sections: list[str]) -> bool:
        try:
            reread = loads_layout(text).layout
        except SourceError:
            return False
        return all(_section_equal(name, reread, self.layout) for name in sections)

    def patch_in_place(self, name: str, line_range: tuple[int, int]) -> str | None:
        """Replace changed keycodes inside the original text of a section; None if not possible."""
        old = self.old
        assert old is not None
        edits: list[tuple[Span, str]] = []
        if name == "layers":
            if old.layer_names != self.layout.layer_names:
                return None
            for old_layer, new_layer in zip(old.layers, self.layout.layers, strict=True):
                if len(old_layer.keys) != len(new_layer.keys):
                    return None
                lengths = self.loaded.row_lengths.get(old_layer.name, [])
                paths = _key_doc_paths(old_layer.name, lengths, self.loaded.document)
                if len(paths) != len(new_layer.keys):
                    return None
                for key_index, (a, b) in enumerate(zip(old_layer.keys, new_layer.keys, strict=True)):
                    if a != b:
                        span = self.loaded.document.spans.get(paths[key_index])
                        if span is None or span.line != span.end_line:
                            return None
                        edits.append((span, format_keycode_scalar(b)))
        elif name in ("combos", "tap_dances", "key_overrides", "encoders"):
            leaves_old = _keycode_leaves(name, old)
            leaves_new = _keycode_leaves(name, self.layout)
            if leaves_old.keys() != leaves_new.keys() or not _same_except_keycodes(name, old, self.layout):
                return None
            for doc_path, value in leaves_new.items():
                if leaves_old[doc_path] != value:
                    span = self.loaded.document.spans.get(doc_path)
                    if span is None or span.line != span.end_line:
                        return None
                    edits.append((span, format_keycode_scalar(value)))
        else:
            return None
        start, end = line_range
        section_lines = self.lines[start:end]
        if name == "layers" and not all(
            _fits_cell(self.lines[span.line], span.column, span.end_column, text) for span, text in edits
        ):
            # A longer keycode ("LT(nav, KC_W)") would push its row out of line: the grid is
            # written afresh, aligned, unless the section holds comments that would be lost.
            if not any("#" in line for line in section_lines):
                self.realign_layers = True
                return None
        # Apply right-to-left per line so earlier columns stay valid.
        edits.sort(key=lambda e: (e[0].line, e[0].column), reverse=True)
        for span, replacement in edits:
            row = span.line - start
            if not 0 <= row < len(section_lines):
                return None
            line = section_lines[row]
            section_lines[row] = _replace_keeping_alignment(line, span.column, span.end_column, replacement)
        return "".join(section_lines)


    def patch_entries(self, name: str, line_range: tuple[int, int], new_text: str) -> str | None:
        """Rebuild a section of entries (layers, encoders per layer, macros, tap dances, combos,
        key overrides) keeping the original text — comments and blank lines included — of
        every entry that did not change, patching keycodes in those that did where possible,
        and writing fresh only what is new or reshaped. None when the section is not in
        block style (one entry per line group)."""
        old = self.old
        assert old is not None
        document = self.loaded.document
        data = document.data.get(name) if isinstance(document.data, dict) else None
        start, end = line_range
        if isinstance(data, dict):
            keys: list[str | int] = list(data)
            starts = [document.key_spans[(name, key)].line for key in keys]
        elif isinstance(data, list):
            keys = list(range(len(data)))
            starts = [document.spans[(name, key)].line for key in keys]
        else:
            return None
        olds, news = _entries(name, old), _entries(name, self.layout)
        if len(olds) != len(keys) or any(b <= a for a, b in zip([start, *starts], starts, strict=False)):
            return None
        if starts and starts[-1] >= end:
            return None
        # Each entry owns the comments and blank lines just above it.
        leads = []
        for index, first in enumerate(starts):
            floor = starts[index - 1] if index else start
            while first - 1 > floor and _is_blank_or_comment(self.lines[first - 1]):
                first -= 1
            leads.append(first)
        bounds = [*leads, end]
        old_chunks = [(leads[i], starts[i], bounds[i + 1]) for i in range(len(keys))]
        fresh = _split_entries(new_text)
        if fresh is None or len(fresh) != len(news):
            return None
        indent = len(self.lines[starts[0]]) - len(self.lines[starts[0]].lstrip(" ")) if starts else 2
        out = self.lines[start : leads[0] if leads else end]
        for new_index, old_index in enumerate(_match_entries(name, olds, news)):
            if old_index is None:
                chunk = _reindent(fresh[new_index], indent - 2)
                if chunk is None:
                    return None
                out.append(chunk)
                continue
            lead, first, stop = old_chunks[old_index]
            if olds[old_index] == news[new_index]:
                out.extend(self.lines[lead:stop])
                continue
            patched = self._patch_entry(name, keys[old_index], olds[old_index], news[new_index], first, stop)
            if patched is not None:
                out.extend(self.lines[lead:first])
                out.append(patched)
                continue
            chunk = _reindent(fresh[new_index], indent - 2)
            if chunk is None:
                return None
            out.extend(self.lines[lead:first])  # the entry's comments stay above it
            out.append(chunk)
        return "".join(out)

    def _patch_entry(self, name: str, key: str | int, old: Any, new: Any, first: int, stop: int) -> str | None:
        """The entry's original lines with its changed keycodes (and a renamed layer's name)
        replaced in place; None when its shape changed."""
        document = self.loaded.document
        edits: list[tuple[Span, str]] = []
        if name in ("layers", "encoders"):
            if name == "layers":
                if len(old.keys) != len(new.keys):
                    return None
                paths = _key_doc_paths(old.name, self.loaded.row_lengths.get(old.name, []), document)
                pairs = list(zip(old.keys, new.keys, strict=True))
            else:
                if len(old.encoders) != len(new.encoders):
                    return None
                paths = [("encoders", old.name, i, j) for i in range(len(old.encoders)) for j in (0, 1)]
                pairs = [(getattr(a, side), getattr(b, side)) for a, b in zip(old.encoders, new.encoders, strict=True)
                         for side in ("ccw", "cw")]
            if len(paths) != len(pairs):
                return None
            for path, (a, b) in zip(paths, pairs, strict=True):
                if a != b:
                    span = document.spans.get(path)
                    if span is None or span.line != span.end_line:
                        return None
                    edits.append((span, format_keycode_scalar(b)))
            if old.name != new.name:
                span = document.key_spans.get((name, old.name))
                if span is None or span.line != span.end_line or document.spans.get((name, old.name)) is None:
                    return None
                edits.append((span, new.name))
        elif name in ("combos", "tap_dances", "key_overrides"):
            single_old = Layout("", "", **{name: [old]})  # type: ignore[arg-type]
            single_new = Layout("", "", **{name: [new]})  # type: ignore[arg-type]
            if not _same_except_keycodes(name, single_old, single_new):
                return None
            leaves_old = _keycode_leaves(name, single_old)
            leaves_new = _keycode_leaves(name, single_new)
            if leaves_old.keys() != leaves_new.keys():
                return None
            for leaf, value in leaves_new.items():
                if leaves_old[leaf] != value:
                    span = document.spans.get((name, key, *leaf[2:]))
                    if span is None or span.line != span.end_line:
                        return None
                    edits.append((span, format_keycode_scalar(value)))
        else:
            return None
        lines = self.lines[first:stop]
        edits.sort(key=lambda e: (e[0].line, e[0].column), reverse=True)
        for span, replacement in edits:
            row = span.line - first
            if not 0 <= row < len(lines):
                return None
            lines[row] = _replace_keeping_alignment(lines[row], span.column, span.end_column, replacement)
        return "".join(lines)


_ENTRY_SECTIONS = ("layers", "encoders", "macros", "tap_dances", "combos", "key_overrides")


def _entries(name: str, layout: Layout) -> list[Any]:
    """The entries of a section, in file order."""
    if name == "layers":
        return list(layout.layers)
    if name == "encoders":
        return [layer for layer in layout.layers if layer.encoders]
    return list(getattr(layout, name))


def _entry_name(name: str, entry: Any) -> str | None:
    return entry.name if name in ("layers", "encoders") else getattr(entry, "name", None)


def _entry_value(name: str, entry: Any) -> Any:
    if name == "layers":
        return (entry.name, entry.keys)
    if name == "encoders":
        return (entry.name, entry.encoders)
    return entry


def _match_entries(name: str, olds: list[Any], news: list[Any]) -> list[int | None]:
    """For each new entry, the old entry it continues (None: a new one). Unchanged entries
    first, then the same name, then what is left pairs up in order when as many remain
    (a rename, an edit)."""
    matched: list[int | None] = [None] * len(news)
    free = set(range(len(olds)))
    for j, entry in enumerate(news):
        value = _entry_value(name, entry)
        found = next((i for i in sorted(free) if _entry_value(name, olds[i]) == value), None)
        if found is not None:
            matched[j] = found
            free.discard(found)
    for j, entry in enumerate(news):
        label = _entry_name(name, entry)
        if matched[j] is None and label is not None:
            found = next((i for i in sorted(free) if _entry_name(name, olds[i]) == label), None)
            if found is not None:
                matched[j] = found
                free.discard(found)
    left = [j for j in range(len(news)) if matched[j] is None]
    if len(left) == len(free):
        for j, i in zip(left, sorted(free), strict=True):
            matched[j] = i
    return matched


def _split_entries(section_text: str) -> list[str] | None:
    """A freshly written section's entries: each starts at a line indented by two spaces."""
    lines = section_text.splitlines(keepends=True)[1:]
    chunks: list[list[str]] = []
    for line in lines:
        if re.match(r"^  \S", line):
            chunks.append([line])
        elif chunks:
            chunks[-1].append(line)
        else:
            return None
    return ["".join(chunk) for chunk in chunks]


def _reindent(chunk: str, shift: int) -> str | None:
    """Move a block of lines right (or left) by `shift` spaces to match the file's indentation."""
    if shift == 0:
        return chunk
    lines = chunk.splitlines(keepends=True)
    if shift > 0:
        return "".join(" " * shift + line if line.strip() else line for line in lines)
    if any(line.strip() and not line.startswith(" " * -shift) for line in lines):
        return None
    return "".join(line[-shift:] if line.strip() else line for line in lines)


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _fits_cell(line: str, start: int, end: int, replacement: str) -> bool:
    """Whether `replacement` fits the padding of its cell (or is the row's last cell)."""
    match = re.match(r"^(\s*,)( +)(?=\S)", line[end:])
    if match is None:
        return True
    return len(replacement) - (end - start) < len(match.group(2))


def _replace_keeping_alignment(line: str, start: int, end: int, replacement: str) -> str:
    """Swap line[start:end] for `replacement`, absorbing the length change in the padding that
    follows the next comma, so aligned columns stay aligned when there is room."""
    before, after = line[:start], line[end:]
    delta = len(replacement) - (end - start)
    match = re.match(r"^(\s*,)( +)(?=\S)", after)
    if match and delta:
        spaces = len(match.group(2))
        new_spaces = max(1, spaces - delta)
        after = match.group(1) + " " * new_spaces + after[match.end():]
    return before + replacement + after


def _key_doc_paths(layer_name: str, lengths: list[int], document: YamlDocument) -> list[DocPath]:
    rows = document.data.get("layers", {}).get(layer_name) if isinstance(document.data, dict) else None
    paths: list[DocPath] = []
    if not isinstance(rows, list):
        return paths
    for row_index, row in enumerate(rows):
        if isinstance(row, list):
            paths.extend(("layers", layer_name, row_index, col) for col in range(len(row)))
        else:
            paths.append(("layers", layer_name, row_index))
    return paths


def _keycode_leaves(section: str, layout: Layout) -> dict[DocPath, str]:
    leaves: dict[DocPath, str] = {}
    if section == "combos":
        for i, combo in enumerate(layout.combos):
            for j, key in enumerate(combo.keys):
                leaves[("combos", i, "keys", j)] = key
            leaves[("combos", i, "action")] = combo.action
    elif section == "tap_dances":
        for i, dance in enumerate(layout.tap_dances):
            for action in ("tap", "hold", "double_tap", "tap_hold"):
                value = getattr(dance, action)
                if value is not None and not (action == "tap" and value == "KC_NO"):
                    leaves[("tap_dances", i, action)] = value
    elif section == "key_overrides":
        for i, override in enumerate(layout.key_overrides):
            leaves[("key_overrides", i, "trigger")] = override.trigger
            leaves[("key_overrides", i, "replacement")] = override.replacement
    elif section == "encoders":
        for layer in layout.layers:
            for i, encoder in enumerate(layer.encoders):
                leaves[("encoders", layer.name, i, 0)] = encoder.ccw
                leaves[("encoders", layer.name, i, 1)] = encoder.cw
    return leaves


def _same_except_keycodes(section: str, old: Layout, new: Layout) -> bool:
    def strip(layout: Layout) -> Any:
        if section == "combos":
            return [(c.name, len(c.keys), c.layers, c.term) for c in layout.combos]
        if section == "tap_dances":
            return [(d.name, d.tapping_term, [getattr(d, a) is None for a in ("tap", "hold", "double_tap", "tap_hold")])
                    for d in layout.tap_dances]
        if section == "key_overrides":
            return [(o.name, o.mods, o.layers, o.negative_mods, o.suppressed_mods, o.options, o.enabled)
                    for o in layout.key_overrides]
        if section == "encoders":
            return [(layer.name, len(layer.encoders)) for layer in layout.layers]
        return None

    return bool(strip(old) == strip(new))


def _section_equal(name: str, old: Layout, new: Layout) -> bool:
    if name == "keyconf":
        return old.version == new.version
    if name == "layout":
        return old.layout_macro == new.layout_macro
    if name == "layers":
        return [(layer.name, layer.keys) for layer in old.layers] == [(layer.name, layer.keys) for layer in new.layers]
    if name == "encoders":
        return [(layer.name, layer.encoders) for layer in old.layers if layer.encoders] == [
            (layer.name, layer.encoders) for layer in new.layers if layer.encoders]
    if name == "c_files":
        return (old.c_files == new.c_files and old.qmk_files == new.qmk_files
                and old.qmk_files_when == new.qmk_files_when)
    if name == "geometry":
        return (old.geometry is None) == (new.geometry is None) and (
            old.geometry is None or geometry_to_data(old.geometry) == geometry_to_data(new.geometry)  # type: ignore[arg-type]
        )
    return bool(getattr(old, name) == getattr(new, name))
