"""Writing a layout fresh: each layer as rows that follow the keyboard's physical rows, aligned into
a grid, and every scalar quoted so any YAML reader reads back the same text."""

from __future__ import annotations

import re
from typing import Any

from keyconf.formats.embedded_geometry import geometry_to_data
from keyconf.formats.yaml_layout_schema import (
    BLOCK_SECTIONS,
    HEADER,
    SECTION_ORDER,
)
from keyconf.model.geometry import column_slots, physical_rows
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.layout import (
    CFile,
    Layer,
    Layout,
    MacroStep,
)


def dumps_layout(layout: Layout, keyboard: Keyboard | None = None,
                 row_lengths: dict[str, list[int]] | None = None) -> str:
    """The whole file text for `layout`, laid out fresh."""
    sections = SectionWriter(layout, keyboard, row_lengths or {})
    parts = [HEADER]
    for name in SECTION_ORDER:
        text = sections.section(name)
        if text:
            if name in BLOCK_SECTIONS:
                parts.append("\n")
            parts.append(text)
    return "".join(parts)


_PLAIN_KEYCODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_()|]*$")
_PLAIN_TEXT = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ./+-]*$")
_YAML_WORDS = {
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
}


def format_keycode_scalar(text: str) -> str:
    """A keycode as a YAML scalar that reads back as the same text in any YAML reader."""
    if _PLAIN_KEYCODE.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return format_text_scalar(text, force_quotes=True)


def format_text_scalar(text: str, force_quotes: bool = False) -> str:
    if (
        not force_quotes
        and _PLAIN_TEXT.match(text)
        and text.lower() not in _YAML_WORDS
        and not text.endswith((" ", "-", ":"))
        and " #" not in text
    ):
        return text
    if all(ch.isprintable() for ch in text) and "\\" not in text and '"' not in text and "'" not in text:
        return f'"{text}"'
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F or (0x80 <= code < 0xA0):
            out.append(f"\\x{code:02x}")
        elif not ch.isprintable() or 0xD800 <= code <= 0xDFFF or code in (0xFEFF,):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _multiline_block(text: str, indent: str) -> str | None:
    """A `|` block for readable multi-line notes, when that represents `text` exactly."""
    if "\n" not in text or not all(ch.isprintable() or ch == "\n" for ch in text):
        return None
    lines = text.split("\n")
    if any(line != line.rstrip() for line in lines) or lines[0].startswith(" ") or "\t" in text:
        return None
    if text.endswith("\n"):
        if text.endswith("\n\n"):
            return None
        body, chomp = lines[:-1], "|"
    else:
        body, chomp = lines, "|-"
    if not body or not body[0]:
        return None
    return chomp + "\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in body)


def rows_for_keys(keyboard_layout: LayoutMacro | None, count: int) -> list[int]:
    """Row lengths that follow the physical rows of the keys, in the macro's key order."""
    if keyboard_layout is not None and keyboard_layout.key_count == count:
        return [len(row) for row in physical_rows(keyboard_layout.slot_keys)]
    width = 12 if count % 12 == 0 else 10 if count % 10 == 0 else 14
    lengths = [width] * (count // width)
    if count % width:
        lengths.append(count % width)
    return lengths or [0]


class SectionWriter:
    """Emits each top-level section as text."""

    def __init__(self, layout: Layout, keyboard: Keyboard | None, row_lengths: dict[str, list[int]]):
        self.layout = layout
        self.keyboard = keyboard or layout.geometry
        self.row_hints = row_lengths

    def section(self, name: str) -> str:
        method = getattr(self, f"s_{name}")
        return str(method())

    # simple scalars
    def s_keyconf(self) -> str:
        return f"keyconf: {self.layout.version}\n"

    def s_name(self) -> str:
        return f"name: {format_text_scalar(self.layout.name)}\n" if self.layout.name else ""

    def s_author(self) -> str:
        return f"author: {format_text_scalar(self.layout.author)}\n" if self.layout.author else ""

    def s_notes(self) -> str:
        notes = self.layout.notes
        if not notes:
            return ""
        block = _multiline_block(notes, "  ")
        return f"notes: {block}" if block else f"notes: {format_text_scalar(notes)}\n"

    def s_keyboard(self) -> str:
        return f"keyboard: {format_text_scalar(self.layout.keyboard)}\n"

    def s_layout(self) -> str:
        return f"layout: {format_text_scalar(self.layout.layout_macro)}\n"

    def s_converter(self) -> str:
        name = self.layout.converter
        return f"converter: {name}  # the controller in the board's socket (QMK's CONVERT_TO)\n" if name else ""

    def s_bootloader(self) -> str:
        name = self.layout.bootloader
        return f"bootloader: {name}  # the controller's bootloader (QMK's BOOTLOADER)\n" if name else ""

    def s_host_language(self) -> str:
        language = self.layout.host_language
        return f"host_language: {format_text_scalar(language)}\n" if language else ""

    def s_layout_options(self) -> str:
        if not self.layout.layout_options:
            return ""
        lines = ["layout_options:\n"]
        for label, choice in self.layout.layout_options.items():
            lines.append(f"  {_mapping_key(label)}: {choice}\n")
        return "".join(lines)

    def s_features(self) -> str:
        if not self.layout.features:
            return ""
        return f"features: [{', '.join(self.layout.features)}]  # rules.mk switches for the C code\n"

    def s_features_off(self) -> str:
        if not self.layout.features_off:
            return ""
        return f"features_off: [{', '.join(self.layout.features_off)}]  # switched off, as the original keymap did\n"

    def s_modules(self) -> str:
        if not self.layout.modules:
            return ""
        return f"modules: [{', '.join(self.layout.modules)}]  # QMK community modules the build links in\n"

    def s_drivers(self) -> str:
        if not self.layout.drivers:
            return ""
        pairs = ", ".join(f"{key}: {value}" for key, value in self.layout.drivers.items())
        return f"drivers: {{{pairs}}}  # rules.mk's feature drivers, as the original keymap picked them\n"

    def s_rules(self) -> str:
        if not self.layout.rules:
            return ""
        pairs = ", ".join(f"{key}: {value}" for key, value in self.layout.rules.items())
        return f"rules: {{{pairs}}}  # rules.mk options, as the original keymap picked them\n"

    def s_settings(self) -> str:
        if not self.layout.settings:
            return ""
        lines = ["settings:\n"]
        for key, value in self.layout.settings.items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, int):
                text = str(value)
            else:
                text = format_text_scalar(str(value), force_quotes=not _PLAIN_TEXT.match(str(value)))
            lines.append(f"  {_mapping_key(key)}: {text}\n")
        return "".join(lines)

    # layers: aligned grid
    def macro(self) -> LayoutMacro | None:
        return self.keyboard.find_layout(self.layout.layout_macro) if self.keyboard is not None else None

    def row_lengths(self, layer: Layer) -> list[int]:
        count = len(layer.keys)
        hint = self.row_hints.get(layer.name)
        if hint is not None and sum(hint) == count:
            return hint
        # Another layer of the same length may carry a hand-made row structure: reuse it.
        for other in self.row_hints.values():
            if sum(other) == count:
                return other
        return rows_for_keys(self.macro(), count)

    def s_layers(self) -> str:
        macro = self.macro()
        plans: dict[str, tuple[list[list[int]], list[int]]] = {}
        widths: dict[int, int] = {}
        for layer in self.layout.layers:
            rows: list[list[int]] = []
            start = 0
            for length in self.row_lengths(layer):
                rows.append(list(range(start, start + length)))
                start += length
            if macro is not None and macro.key_count == len(layer.keys):
                slots = column_slots(macro.slot_keys, rows)  # keys line up like on the board
            else:
                slots = [0] * len(layer.keys)
                for row in rows:
                    for position, index in enumerate(row):
                        slots[index] = position
            plans[layer.name] = (rows, slots)
            for index, text in enumerate(layer.keys):
                widths[slots[index]] = max(widths.get(slots[index], 0), len(format_keycode_scalar(text)))
        lines = ["layers:\n"]
        for layer in self.layout.layers:
            rows, slots = plans[layer.name]
            if not layer.keys:
                lines.append(f"  {layer.name}: []\n")
                continue
            lines.append(f"  {layer.name}:\n")
            for row in rows:
                cells: list[str] = []
                next_slot = min(widths)  # rows that start further right are indented to their first key
                for position, index in enumerate(row):
                    slot = slots[index]
                    # Skipped slots (the gap between split halves) become spaces.
                    cells.extend(" " * (widths.get(s, 0) + 2) for s in range(next_slot, slot) if s in widths)
                    token = format_keycode_scalar(layer.keys[index])
                    last = position == len(row) - 1
                    cells.append(token if last else (token + ",").ljust(widths[slot] + 2))
                    next_slot = slot + 1
                lines.append("    - [" + "".join(cells).rstrip() + "]\n")
        return "".join(lines)

    def s_encoders(self) -> str:
        layers = [layer for layer in self.layout.layers if layer.encoders]
        if not layers:
            return ""
        width = max(len(format_keycode_scalar(e.ccw)) for layer in layers for e in layer.encoders)
        lines = ["encoders:  # per layer: [counter-clockwise, clockwise] for each encoder\n"]
        for layer in layers:
            lines.append(f"  {layer.name}:\n")
            for encoder in layer.encoders:
                ccw = (format_keycode_scalar(encoder.ccw) + ",").ljust(width + 2)
                lines.append(f"    - [{ccw}{format_keycode_scalar(encoder.cw)}]\n")
        return "".join(lines)

    def s_macros(self) -> str:
        if not self.layout.macros:
            return ""
        lines = ["macros:  # QK_MACRO_0, QK_MACRO_1, ... in this order\n"]
        for macro in self.layout.macros:
            first = "  - "
            if macro.name:
                lines.append(f"{first}name: {format_text_scalar(macro.name)}\n")
                first = "    "
            if not macro.steps:
                lines.append(f"{first}steps: []\n")
                continue
            lines.append(f"{first}steps:\n")
            for step in macro.steps:
                lines.append(f"      - {step.kind}: {_step_value(step)}\n")
        return "".join(lines)

    def s_tap_dances(self) -> str:
        if not self.layout.tap_dances:
            return ""
        lines = ["tap_dances:  # TD(name)\n"]
        for dance in self.layout.tap_dances:
            lines.append(f"  - name: {format_keycode_scalar(dance.name)}\n")
            for action in ("tap", "hold", "double_tap", "tap_hold"):
                value = getattr(dance, action)
                if value is not None and not (action == "tap" and value == "KC_NO" and dance.hold):
                    lines.append(f"    {action}: {format_keycode_scalar(value)}\n")
            if dance.tapping_term is not None:
                lines.append(f"    tapping_term: {dance.tapping_term}\n")
        return "".join(lines)

    def s_combos(self) -> str:
        if not self.layout.combos:
            return ""
        lines = ["combos:\n"]
        for combo in self.layout.combos:
            first = "  - "
            if combo.name:
                lines.append(f"{first}name: {format_text_scalar(combo.name)}\n")
                first = "    "
            keys = ", ".join(format_keycode_scalar(k) for k in combo.keys)
            lines.append(f"{first}keys: [{keys}]\n")
            lines.append(f"    action: {format_keycode_scalar(combo.action)}\n")
            if combo.layers is not None:
                lines.append(f"    layers: [{', '.join(combo.layers)}]\n")
            if combo.term is not None:
                lines.append(f"    term: {combo.term}\n")
        return "".join(lines)

    def s_key_overrides(self) -> str:
        if not self.layout.key_overrides:
            return ""
        lines = ["key_overrides:\n"]
        for override in self.layout.key_overrides:
            first = "  - "
            if override.name:
                lines.append(f"{first}name: {format_text_scalar(override.name)}\n")
                first = "    "
            lines.append(f"{first}mods: [{', '.join(format_keycode_scalar(m) for m in override.mods)}]\n")
            lines.append(f"    trigger: {format_keycode_scalar(override.trigger)}\n")
            lines.append(f"    replacement: {format_keycode_scalar(override.replacement)}\n")
            if override.layers is not None:
                lines.append(f"    layers: [{', '.join(override.layers)}]\n")
            if override.negative_mods:
                lines.append(f"    negative_mods: [{', '.join(override.negative_mods)}]\n")
            if override.suppressed_mods is not None:
                lines.append(f"    suppressed_mods: [{', '.join(override.suppressed_mods)}]\n")
            if override.options is not None:
                lines.append(f"    options: [{', '.join(override.options)}]\n")
            if not override.enabled:
                lines.append("    enabled: false\n")
        return "".join(lines)

    def s_custom_keycodes(self) -> str:
        if not self.layout.custom_keycodes:
            return ""
        lines = ["custom_keycodes:  # keycodes this layout defines; c_source says what they do\n"]
        for custom in self.layout.custom_keycodes:
            lines.append(f"  - name: {format_keycode_scalar(custom.name)}\n")
            if custom.legend:
                lines.append(f"    legend: {format_text_scalar(custom.legend)}\n")
            if custom.description:
                lines.append(f"    description: {format_text_scalar(custom.description)}\n")
            if custom.value is not None:
                lines.append(f"    value: 0x{custom.value:04X}\n")
            if len(custom.headers) == 1:
                lines.append(f"    header: {custom.headers[0]}  # defined there, not by the layout\n")
            elif custom.headers:
                lines.append(f"    header: [{', '.join(custom.headers)}]  # defined in one of them\n")
        return "".join(lines)

    def s_c_source(self) -> str:
        source = self.layout.c_source
        if source is None:
            return ""
        if source.file is not None:
            return f"c_source: {format_text_scalar(source.file)}\n"
        code = source.code or ""
        block = _multiline_block(code, "  ")
        return f"c_source: {block}" if block else f"c_source: {_double_quoted(code)}\n"

    def s_c_files(self) -> str:
        if not self.layout.c_files and not self.layout.qmk_files:
            return ""
        lines = ["c_files:  # more of the keymap's own C, next to this file: copied into each build\n"
                 if self.layout.c_files else "c_files:  # more C the build compiles\n"]
        for group, note in (("compile", "rules.mk SRC"), ("include", "#included"),
                            ("config", "#included by the build's config.h"), ("qmk", "QMK's own, from the tree")):
            names = [format_text_scalar(c_file.path) if c_file.when is None else
                     f"{{file: {format_text_scalar(c_file.path)}, when: {c_file.when}}}"
                     for c_file in self.layout.c_files if _c_file_group(c_file) == group]
            if group == "qmk":
                names = [format_text_scalar(name) if name not in self.layout.qmk_files_when else
                         f"{{file: {format_text_scalar(name)}, when: {self.layout.qmk_files_when[name]}}}"
                         for name in self.layout.qmk_files]
            if not names:
                continue
            flow = f"  {group}: [{', '.join(names)}]  # {note}\n"
            if len(flow) <= 100:
                lines.append(flow)
            else:
                lines.append(f"  {group}:  # {note}\n")
                lines += [f"    - {name}\n" for name in names]
        return "".join(lines)

    def s_geometry(self) -> str:
        if self.layout.geometry is None:
            return ""
        return "geometry:\n" + _emit_block(geometry_to_data(self.layout.geometry), "  ")


def _c_file_group(c_file: CFile) -> str:
    return "compile" if c_file.compile else "config" if c_file.config else "include"


def _step_value(step: MacroStep) -> str:
    if step.kind == "delay":
        return str(step.value)
    if step.kind == "text":
        return format_text_scalar(str(step.value), force_quotes=True)
    codes = step.value if isinstance(step.value, list) else [str(step.value)]
    if len(codes) == 1:
        return format_keycode_scalar(codes[0])
    return "[" + ", ".join(format_keycode_scalar(c) for c in codes) + "]"


def _mapping_key(key: str) -> str:
    if re.match(r"^[A-Za-z_][A-Za-z0-9_ -]*$", key) and key.lower() not in _YAML_WORDS and not key.endswith(" "):
        return key
    return _double_quoted(key)


def _emit_block(data: Any, indent: str) -> str:
    """Block-style YAML for JSON-like data; lists of small mappings go one per line (flow)."""
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
                    lines.append(f"{indent}{_mapping_key(str(key))}: {_flow(value)}\n")
                else:
                    lines.append(f"{indent}{_mapping_key(str(key))}:\n")
                    lines.append(_emit_block(value, indent + "  "))
            else:
                lines.append(f"{indent}{_mapping_key(str(key))}: {_flow(value)}\n")
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, dict) and value and not all(not isinstance(v, dict) for v in value.values()):
                inner = _emit_block(value, indent + "  ")
                lines.append(f"{indent}- {inner.lstrip()}")
            else:
                lines.append(f"{indent}- {_flow(value)}\n")
    return "".join(lines)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_mapping_key(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    text = str(value)
    if _PLAIN_KEYCODE.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return _double_quoted(text)
