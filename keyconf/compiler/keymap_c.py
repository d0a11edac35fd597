"""keymap.c for a layout: layers, encoder map, macros, tap dances, combos, key overrides.

Written to read like a keymap a person wrote: a named layer enum, each layer in the
board's LAYOUT macro with one line per physical row and aligned columns, one block per
feature, short comments naming what the layout called things. A pure function of the
layout, the board geometry and the target's `QmkDialect`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from keyconf.compiler.c_writer import CWriter
from keyconf.compiler.dialect import QmkDialect
from keyconf.compiler.key_grid import Grid, key_grid, macro_keys
from keyconf.compiler.keycode_c import KeycodeC, TapDanceAction
from keyconf.compiler.source_map import LineMap, SourceProblem, SourceRef
from keyconf.formats.c_literals import (
    c_comment_text,
    c_identifier,
    c_string_literal,
    identifier_part,
    is_c_identifier,
)
from keyconf.formats.c_source import c_identifiers, c_tables, defined_functions, tokenize
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_names import plan_names
from keyconf.formats.user_headers import enum_bodies, plain_enums
from keyconf.model.keyboard import LayoutMacro
from keyconf.model.keycodes import REGISTRY
from keyconf.model.keycodes import mods as modbits
from keyconf.model.keycodes.languages import host_language
from keyconf.model.layout import (
    HEADER_NAME_HINT,
    MAX_MACRO_DELAY_MS,
    Combo,
    KeyOverride,
    Layout,
    Macro,
    TapDance,
    header_name_problem,
    keycode_context,
)

T = TypeVar("T")


GESTURES = ("tap", "hold", "double_tap", "tap_hold")

# The layout's own process_record_user, renamed while its C code is compiled, when keyconf's
# macros need a process_record_user of their own: keyconf's calls it after the macros.
_USER_PROCESS_RECORD = "keyconf_c_source_process_record_user"
# Software features whose API the layout's C code calls: compiled in for it, as its rules.mk
# would (hardware features such as RGB or OLED stay the board's business).
_C_CALL_FEATURES = {
    "defer_exec": "DEFERRED_EXEC_ENABLE",
    "extend_deferred_exec": "DEFERRED_EXEC_ENABLE",
    "cancel_deferred_exec": "DEFERRED_EXEC_ENABLE",
    "caps_word_on": "CAPS_WORD_ENABLE",
    "caps_word_off": "CAPS_WORD_ENABLE",
    "caps_word_toggle": "CAPS_WORD_ENABLE",
    "is_caps_word_on": "CAPS_WORD_ENABLE",
    "caps_word_press_user": "CAPS_WORD_ENABLE",
    "leader_start_user": "LEADER_ENABLE",
    "leader_end_user": "LEADER_ENABLE",
    "leader_sequence_one_key": "LEADER_ENABLE",
    "leader_sequence_two_keys": "LEADER_ENABLE",
    "leader_sequence_three_keys": "LEADER_ENABLE",
    "get_last_keycode": "REPEAT_KEY_ENABLE",
    "get_alt_repeat_key_keycode_user": "REPEAT_KEY_ENABLE",
    "layer_lock_on": "LAYER_LOCK_ENABLE",
    "layer_lock_invert": "LAYER_LOCK_ENABLE",
    "is_layer_locked": "LAYER_LOCK_ENABLE",
    "autocorrect_toggle": "AUTOCORRECT_ENABLE",
    "apply_autocorrect": "AUTOCORRECT_ENABLE",
}
_C_TABLE_FEATURES = {
    "tap_dance_actions": "TAP_DANCE_ENABLE",
    "key_combos": "COMBO_ENABLE",
    "key_overrides": "KEY_OVERRIDE_ENABLE",
    "encoder_map": "ENCODER_MAP_ENABLE",
    "unicode_map": "UNICODEMAP_ENABLE",
}


@dataclass
class KeymapC:
    text: str
    line_map: LineMap
    features: set[str] = field(default_factory=set)  # rules.mk flags the code needs
    config: dict[str, str | None] = field(default_factory=dict)  # config.h defines the code needs
    rows: list[list[int]] = field(default_factory=list)
    # The keys need MOUSEKEY_ENABLE for mouse buttons only (no pointer movement or scrolling), which a
    # board's pointing device also sends (QMK's register_mouse hands them to it without mouse keys).
    mouse_buttons_only: bool = False


class _Generator:
    def __init__(
        self,
        layout: Layout,
        macro: LayoutMacro,
        macro_name: str,
        dialect: QmkDialect,
        source_name: str | None,
    ):
        self.layout = layout
        self.macro = macro
        self.macro_name = macro_name
        self.dialect = dialect
        self.source_name = source_name
        self.problems: list[SourceProblem] = []
        self.names = plan_names(layout)
        self.problems += [SourceProblem(p.message, SourceRef.of(p.section, p.index)) for p in self.names.problems]
        self.keycodes = KeycodeC(
            keycode_context(layout),
            dialect,
            self.names.layers,
            self.names.tap_dances,
        )
        self.out = CWriter()
        source = layout.c_source
        self.c_code = source.code if source is not None else None
        self.c_functions = defined_functions(self.c_code) if self.c_code else set()
        # keyconf's macros and the layout's C both want process_record_user: keyconf's calls the C's.
        self.wrap_process_record = bool(layout.macros) and "process_record_user" in self.c_functions
        self.c_tables = c_tables(self.c_code) if self.c_code else set()
        # The tables the layout's more C files define (a userspace's unicode_map[] in its .c or .h):
        # the keys may index them, as the original keymap's did; their features stay the build's.
        defined = self.c_tables.union(*(c_tables(f.text) for f in layout.c_files if f.text and not f.config))
        self.keycodes.c_tap_dances = "tap_dance_actions" in defined
        self.keycodes.c_unicode_map = "unicode_map" in defined
        self.features: set[str] = set()
        self.config: dict[str, str | None] = {}
        self.grid: Grid = key_grid(macro_keys(macro.keys))
        # Hand-written keymaps spell "fall through" and "nothing" as QMK's _______ and XXXXXXX.
        self.grid_spelling: dict[str, str] = {}
        for name, idiom in (("KC_TRNS", "_______"), ("KC_NO", "XXXXXXX")):
            definition = REGISTRY.get(name)
            if definition is not None and idiom in definition.aliases:
                self.grid_spelling[self.keycodes.fixed_name(name, SourceRef.of())] = idiom

    def attempt(self, action: Callable[[], T], fallback: T) -> T:
        """Run one conversion; a problem is recorded and `fallback` stands in so all are found."""
        try:
            return action()
        except SourceProblem as problem:
            self.problems.append(problem)
            return fallback

    def keycode(self, text: str, ref: SourceRef) -> str:
        return self.attempt(lambda: self.keycodes.expression(text, ref), "KC_NO")

    # -- the file ----------------------------------------------------------------------------

    def generate(self) -> KeymapC:
        self.header()
        self.layer_enum()
        if self.layout.custom_keycodes:
            self.custom_keycode_enum()
        if self.presses_custom_keycodes():
            self.custom_keycode_sender()
        if self.layout.tap_dances:
            self.tap_dance_enum()
        self.keymaps()
        self.encoder_map()
        if self.layout.macros:
            self.macros()
        if self.layout.tap_dances:
            self.tap_dances()
        if self.layout.combos:
            self.combos()
        if self.layout.key_overrides:
            self.key_overrides()
        if self.layout.c_source is not None:
            self.c_source()
        self.features |= self.keycodes.features
        return KeymapC(
            text=self.out.text(),
            line_map=self.out.line_map,
            features=self.features,
            config=self.config,
            rows=self.grid.rows,
            mouse_buttons_only="MOUSEKEY_ENABLE" in self.keycodes.features and not self.keycodes.mouse_movement,
        )

    def header(self) -> None:
        title = self.layout.name or self.layout.keyboard
        line = f"// keymap.c for {c_comment_text(title, 60)!s}, generated by keyconf"
        if self.source_name:
            line += f" from {c_comment_text(self.source_name, 60)}"
        w = self.out
        w.line(line + ".")
        w.line("// Edit the layout and rebuild rather than editing this file: keyconf writes it anew.")
        w.line(
            f"// Keyboard: {c_comment_text(self.layout.keyboard, 60)}, layout: {self.macro_name}, "
            f"QMK keycode spec {self.dialect.keycode_spec_version}."
        )
        if self.layout.author:
            w.line(f"// Layout by {c_comment_text(self.layout.author, 80)}.")
        w.blank()
        w.line("#include QMK_KEYBOARD_H")
        language = host_language(self.layout.host_language) if self.layout.host_language else None
        if language is not None:
            # The computer types in this language: its keycode aliases, and SEND_STRING typing
            # text as that language's layout needs (as QMK's keymap.json `host_language` does).
            for header in (language.header, language.sendstring_header):
                if header:
                    w.line(f'#include "{header}"', SourceRef.of("host_language"))
        # Headers defining custom keycodes the layout only names (a userspace): included where
        # the original keymap.c included them, before the keymap that uses their names.
        included: set[str] = {"QMK_KEYBOARD_H"}
        for index, custom in enumerate(self.layout.custom_keycodes):
            for name in custom.headers:
                if name in included:
                    continue
                included.add(name)
                problem = header_name_problem(name)
                if problem is not None:
                    self.problems.append(SourceProblem(problem, SourceRef.of("custom_keycodes", index, "header"),
                                                       HEADER_NAME_HINT))
                    continue
                w.line(f'#include "{name}"', SourceRef.of("custom_keycodes", index, "header"))
        w.blank()

    def layer_enum(self) -> None:
        w = self.out
        declaring = self.layer_header()
        if declaring is not None:
            # The layout's own header declares the layers (an imported keymap's layers.h): included
            # here as the original keymap included it, rather than a second enum of the same names.
            index, path, header_names = declaring
            w.line(f"// The layers are those {c_comment_text(path, 60)} (c_files) declares, numbered as here.")
            w.line(f'#include "{path}"', SourceRef.of("c_files", index))
            if any(identifier != header_names[identifier] for identifier in self.names.layers):
                # It names them as the original keymap did (CLMK), the keymap below as keyconf does (_CLMK).
                w.line("enum layer_names {")
                for position, identifier in enumerate(self.names.layers):
                    w.line(f"{identifier} = {header_names[identifier]},", SourceRef.of("layers", position, "name"),
                           depth=1)
                w.line("};")
            w.blank()
            return
        w.line("enum layer_names {")
        for index, (identifier, layer) in enumerate(zip(self.names.layers, self.layout.layers, strict=True)):
            comment = ""
            if identifier_part(layer.name).upper() != identifier[1:]:
                comment = f"  // {c_comment_text(layer.name, 60)}"
            w.line(f"{identifier},{comment}", SourceRef.of("layers", index, "name"), depth=1)
        w.line("};")
        w.blank()

    def layer_header(self) -> tuple[int, str, dict[str, str]] | None:
        """The layout's included C file (`c_files`) whose enum declares every layer with that layer's
        number, if one does: (its index, its path, keyconf's C name of each layer -> the header's). The
        header may name a layer as keyconf does (`_NAV`), as the layout does, or as keyconf does without
        the underscore (an imported keymap's `enum layers { CLMK, AROW }` in layers.h for layers clmk
        and arow, which its carried C includes too, mapping CLMK to keyconf's _CLMK)."""
        candidates = [(identifier, (identifier, layer.name, identifier.lstrip("_")))
                      for identifier, layer in zip(self.names.layers, self.layout.layers, strict=True)]
        for index, c_file in enumerate(self.layout.c_files):
            if c_file.compile or c_file.text is None or not c_file.path.endswith(".h"):
                continue
            try:
                groups = plain_enums(tokenize(c_file.text, c_file.path))
            except FormatError:
                continue
            for group in groups:
                found = {identifier: next((name for name in names if group.get(name) == number), None)
                         for number, (identifier, names) in enumerate(candidates)}
                if candidates and all(found.values()):
                    return index, c_file.path, {identifier: name or identifier for identifier, name in found.items()}
        return None

    def custom_keycode_enum(self) -> None:
        """The layout's own keycodes, numbered as keyconf numbers them (from SAFE_RANGE)."""
        w = self.out
        if all(custom.external for custom in self.layout.custom_keycodes):
            return  # their headers declare them all
        w.line("enum custom_keycodes {")
        first = True
        for index, custom in enumerate(self.layout.custom_keycodes):
            ref = SourceRef.of("custom_keycodes", index)
            if custom.external:
                continue  # declared by its header, included at the top
            if not is_c_identifier(custom.name):
                self.problems.append(SourceProblem(f"custom keycode {custom.name!r} is not a C name", ref))
                continue
            if custom.value is not None:
                value = f" = 0x{custom.value & 0xFFFF:04X}"
            else:
                value = " = SAFE_RANGE" if first else ""
            first = False
            label = custom.legend or custom.description
            comment = f"  // {c_comment_text(label, 60)}" if label else ""
            w.line(f"{custom.name}{value},{comment}", ref, depth=1)
        w.line("};")
        w.blank()

    def presses_custom_keycodes(self) -> bool:
        """Whether a tap dance or a macro presses a custom keycode (C then calls its handler)."""
        texts = [getattr(d, g) for d in self.layout.tap_dances for g in GESTURES if getattr(d, g)]
        texts += [code for m in self.layout.macros for step in m.steps if step.kind in ("tap", "down", "up")
                  for code in (step.value if isinstance(step.value, list) else [str(step.value)])]
        names = set(self.layout.custom_keycode_names)
        return any(text.strip() in names or self.keycodes.context.keyboard_keycode(text.strip()) is not None
                   for text in texts)

    def custom_keycode_sender(self) -> None:
        w = self.out
        w.line("// A custom keycode pressed by a tap dance or a macro reaches process_record_kb (the keyboard's")
        w.line("// own keycodes, then process_record_user) as a key would.")
        w.line("static inline __attribute__((unused)) void keyconf_custom_keycode(uint16_t keycode,")
        w.line("bool pressed) {", depth=2)
        w.line("keyrecord_t record = {.event = MAKE_KEYEVENT(0, 0, pressed)};", depth=1)
        w.line("process_record_kb(keycode, &record);", depth=1)
        w.line("}")
        w.blank()

    def c_source(self) -> None:
        """The layout's own C code, verbatim, after everything it may refer to (layer names,
        custom keycodes, tap dance names). `#line` makes compiler messages name its own lines."""
        source = self.layout.c_source
        assert source is not None
        ref = SourceRef.of("c_source")
        if self.c_code is None:
            self.problems.append(
                SourceProblem(
                    f"the layout's C file {source.file!r} was not found next to the layout",
                    ref,
                    "put the file in the layout's folder, or remove `c_source:`",
                )
            )
            return
        clashes = sorted(self.c_functions & self.generated_functions())
        for name in clashes:
            self.problems.append(
                SourceProblem(
                    f"both the layout and its C code define {name}()",
                    ref,
                    "keep one: remove the C function, or the layout feature that generates it",
                )
            )
        w = self.out
        shown = source.file or "c_source"
        w.line(f"// ---- {c_comment_text(shown, 60)}: the layout's own C code, kept as written.", ref)
        if self.wrap_process_record:
            w.line(f"bool {_USER_PROCESS_RECORD}(uint16_t keycode, keyrecord_t *record);", ref)
            w.line(f"#define process_record_user {_USER_PROCESS_RECORD}", ref)
        for old_name, spelled in self.former_keycode_names(ref):
            w.line(f"#ifndef {old_name}", ref)
            w.line(f"#    define {old_name} {spelled}  // the old name QMK dropped, in the C code", ref)
            w.line("#endif", ref)
        w.line(f"#line 1 {c_string_literal(shown)}", ref)
        w.verbatim(self.c_code)
        w.line(f'#line {w.next_line + 1} "keymap.c"')
        # QMK features the C code's own tables need, as keyconf's would.
        self.features |= {_C_TABLE_FEATURES[table] for table in self.c_tables}
        self.features |= {_C_CALL_FEATURES[name] for name in c_identifiers(self.c_code) if name in _C_CALL_FEATURES}
        if self.wrap_process_record:
            w.line("#undef process_record_user")
            w.blank()
            w.line("bool process_record_user(uint16_t keycode, keyrecord_t *record) {")
            w.line("if (!keyconf_macros(keycode, record)) {", depth=1)
            w.line("return false;", depth=2)
            w.line("}", depth=1)
            w.line(f"return {_USER_PROCESS_RECORD}(keycode, record);", depth=1)
            w.line("}")

    def former_keycode_names(self, ref: SourceRef) -> list[tuple[str, str]]:
        """(old name, this tree's spelling) for the keycodes the C code names as QMK no longer does
        (`RESET`, `KC_SLCK`, `EEP_RST` in an old keymap's process_record_user or combos): keyconf
        reads them in the keys, and the kept C builds with them too. Names the C code declares
        itself or tests with the preprocessor (`#ifdef DEBUG`) are its own, and left alone."""
        assert self.c_code is not None
        former = REGISTRY.former_names()
        code = self.c_code
        used = sorted(name for name in c_identifiers(code) if name in former)
        if not used:
            return []
        declared = {c.name for c in self.layout.custom_keycodes}.union(*self._enum_member_names(code))
        found = []
        for name in used:
            if name in declared or re.search(rf"#\s*(?:define|ifn?def|undef)\s+{name}\b|defined\s*\(?\s*{name}\b",
                                             code):
                continue
            try:
                # Spelled only: a mouse key the code taps under `#ifdef MOUSEKEY_ENABLE` (Planck's default
                # keymap) must not switch mouse keys on; the layout's `features:` holds what its rules.mk did.
                found.append((name, self.keycodes.fixed_name(former[name].to, ref, used=False)))
            except SourceProblem:
                continue  # a keycode this tree lacks: the C code's own error names it
        return found

    @staticmethod
    def _enum_member_names(code: str) -> list[set[str]]:
        try:
            tokens = tokenize(code)
        except FormatError:
            return []
        return [{part[0].text for part in body} for body in enum_bodies(tokens)]

    def generated_functions(self) -> set[str]:
        """The QMK callbacks keyconf's own code defines for this layout."""
        names: set[str] = set()
        if self.layout.macros and not self.wrap_process_record:
            names.add("process_record_user")
        if any(d.tapping_term is not None for d in self.layout.tap_dances):
            names.add("get_tapping_term")
        if any(c.term is not None for c in self.layout.combos):
            names.add("get_combo_term")
        if any(c.layers is not None for c in self.layout.combos):
            names.add("combo_should_trigger")
        return names

    def tap_dance_enum(self) -> None:
        w = self.out
        w.line("enum tap_dance_ids {")
        for index, dance in enumerate(self.layout.tap_dances):
            w.line(f"{self.names.tap_dances[dance.name]},", SourceRef.of("tap_dances", index, "name"), depth=1)
        w.line("};")
        w.blank()

    # -- layers --------------------------------------------------------------------------------

    def keymaps(self) -> None:
        w = self.out
        w.line("// clang-format off")
        w.line("const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {")
        for index, layer in enumerate(self.layout.layers):
            layer_ref = SourceRef.of("layers", index)
            w.line(f"[{self.names.layers[index]}] = {self.macro_name}(", layer_ref, depth=1)
            cells = [self.keycode(text, layer_ref.child(k)) for k, text in enumerate(layer.keys)]
            cells = [self.grid_spelling.get(cell, cell) for cell in cells]
            self.layer_rows(cells, layer_ref)
            w.line("),", layer_ref, depth=1)
        w.line("};")
        w.line("// clang-format on")
        w.blank()

    def layer_rows(self, cells: list[str], layer_ref: SourceRef) -> None:
        grid = self.grid
        rows = grid.rows
        if sum(len(row) for row in rows) != len(cells):
            # The key count is wrong (reported by the checks); still write every key, 12 a line.
            rows = [list(range(start, min(start + 12, len(cells)))) for start in range(0, len(cells), 12)]
            columns = {index: index % 12 for index in range(len(cells))}
            gaps: frozenset[int] = frozenset()
        else:
            columns, gaps = grid.columns, grid.gaps
        last = len(cells) - 1
        texts = [cell + ("," if index != last else "") for index, cell in enumerate(cells)]
        widths: dict[int, int] = {}
        for index, text in enumerate(texts):
            widths[columns[index]] = max(widths.get(columns[index], 0), len(text) + 1)
        for row in rows:
            by_column = {columns[index]: index for index in row}
            last_column = max(by_column)
            parts: list[tuple[str, SourceRef | None]] = []
            for column in range(last_column + 1):
                if column in gaps:
                    parts.append(("   ", None))
                elif column in by_column:
                    index = by_column[column]
                    text = texts[index]
                    parts.append((text, layer_ref.child(index)))
                    if column != last_column:
                        parts.append((" " * (widths[column] - len(text)), None))
                else:
                    parts.append((" " * widths.get(column, 0), None))
            self.out.spans(parts, depth=2)

    def encoder_map(self) -> None:
        layers = self.layout.layers
        count = max((len(layer.encoders) for layer in layers), default=0)
        if count == 0:
            return
        if not self.dialect.encoder_ccw_cw:
            self.problems.append(
                SourceProblem(
                    "this QMK tree is too old for encoder maps (ENCODER_CCW_CW is missing)",
                    SourceRef.of("encoders"),
                    "update the QMK tree (`git pull` in qmk_firmware)",
                )
            )
            return
        self.features |= {"ENCODER_ENABLE", "ENCODER_MAP_ENABLE"}
        w = self.out
        w.line("#if defined(ENCODER_MAP_ENABLE)")
        w.line("const uint16_t PROGMEM encoder_map[][NUM_ENCODERS][NUM_DIRECTIONS] = {")
        for index, layer in enumerate(layers):
            parts: list[tuple[str, SourceRef | None]] = [(f"[{self.names.layers[index]}] = {{ ", None)]
            for encoder in range(count):
                ref = SourceRef.of("encoders", index, encoder)
                if encoder < len(layer.encoders):
                    action = layer.encoders[encoder]
                    ccw = self.keycode(action.ccw, ref.child("ccw"))
                    cw = self.keycode(action.cw, ref.child("cw"))
                else:
                    ccw = cw = "KC_TRNS"
                separator = ", " if encoder < count - 1 else " "
                parts.append((f"ENCODER_CCW_CW({ccw}, {cw}){separator}", ref))
            parts.append(("},", None))
            w.spans(parts, depth=1)
        w.line("};")
        w.line("#endif")
        w.blank()

    # -- macros --------------------------------------------------------------------------------

    def macros(self) -> None:
        w = self.out
        if self.wrap_process_record:
            w.line("static bool keyconf_macros(uint16_t keycode, keyrecord_t *record) {")
        else:
            w.line("bool process_record_user(uint16_t keycode, keyrecord_t *record) {")
        w.line("switch (keycode) {", depth=1)
        for index, macro in enumerate(self.layout.macros):
            self.macro_case(index, macro)
        w.line("}", depth=1)
        w.line("return true;", depth=1)
        w.line("}")
        w.blank()

    def macro_keycode_name(self, index: int, ref: SourceRef) -> str:
        if REGISTRY.get(f"QK_MACRO_{index}") is None:
            raise SourceProblem(f"QMK has no keycode for macro {index}", ref, "QMK offers macros 0 to 31")
        return self.keycodes.fixed_name(f"QK_MACRO_{index}", ref)

    def macro_case(self, index: int, macro: Macro) -> None:
        w = self.out
        ref = SourceRef.of("macros", index)
        case_name = self.attempt(lambda: self.macro_keycode_name(index, ref), f"QK_MACRO_{index}")
        comment = f"  // {c_comment_text(macro.name, 60)}" if macro.name else ""
        w.line(f"case {case_name}:{comment}", ref, depth=2)
        w.line("if (record->event.pressed) {", ref, depth=3)
        pieces: list[tuple[str, SourceRef]] = []
        wrote = False
        for step_index, step in enumerate(macro.steps):
            step_ref = ref.child("steps", step_index)
            presses = self.attempt(partial(self.custom_macro_step, step.kind, step.value, step_ref), None)
            if presses:
                # SEND_STRING cannot press a custom keycode: its handler is called between strings.
                wrote = self.send_string(pieces, ref) or wrote
                pieces = []
                for statement in presses:
                    w.line(statement, step_ref, depth=4)
                wrote = True
                continue
            piece = self.attempt(partial(self.macro_step, step.kind, step.value, step_ref), None)
            if piece:
                pieces.append((piece, step_ref))
        wrote = self.send_string(pieces, ref) or wrote
        if not wrote:
            w.line("// (empty macro)", ref, depth=4)
        w.line("}", ref, depth=3)
        w.line("return false;", ref, depth=3)

    def send_string(self, pieces: list[tuple[str, SourceRef]], ref: SourceRef) -> bool:
        w = self.out
        if not pieces:
            return False
        if len(pieces) == 1:
            w.line(f"SEND_STRING({pieces[0][0]});", pieces[0][1], depth=4)
            return True
        w.line("SEND_STRING(", ref, depth=4)
        for piece, step_ref in pieces:
            w.line(piece, step_ref, depth=5)
        w.line(");", ref, depth=4)
        return True

    def custom_macro_step(self, kind: str, value: object, ref: SourceRef) -> list[str] | None:
        """C for a macro step that presses one of the layout's custom keycodes; None for others."""
        if kind not in ("tap", "down", "up"):
            return None
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list):
            return None
        names = set(self.layout.custom_keycode_names)
        custom = [k for k in keys if isinstance(k, str) and k.strip() in names]
        if not custom:
            return None
        if len(keys) != 1:
            raise SourceProblem("a macro step presses a custom keycode on its own, not in a chord", ref)
        name = self.keycodes.custom_name(self.keycodes.parse(custom[0].strip(), ref), ref)
        pressed = {"tap": ["true", "false"], "down": ["true"], "up": ["false"]}[kind]
        return [f"keyconf_custom_keycode({name}, {state});" for state in pressed]

    def macro_step(self, kind: str, value: object, ref: SourceRef) -> str:
        if kind == "text":
            if not isinstance(value, str):
                raise SourceProblem("a text step holds a string", ref)
            return c_string_literal(send_string_text(value, ref))
        if kind == "delay":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MACRO_DELAY_MS:
                raise SourceProblem(f"a delay is a whole number of milliseconds, 0 to {MAX_MACRO_DELAY_MS}", ref)
            return f"SS_DELAY({value})"
        if kind in ("tap", "down", "up"):
            keys = [value] if isinstance(value, str) else value
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
                raise SourceProblem(f"a {kind} step holds one or more keycodes", ref)
            resolved = [self.keycodes.send_string_keys(k, ref.child(i)) for i, k in enumerate(keys)]
            held: list[str] = []
            for mods, _key in resolved:
                held += [m for m in mods if m not in held]
            if kind == "down":
                return " ".join(f"SS_DOWN({name})" for name in held + [key for _, key in resolved])
            if kind == "up":
                return " ".join(f"SS_UP({name})" for name in [key for _, key in resolved] + held[::-1])
            # A tap is a chord: press everything, the last key tapped, then release in reverse.
            down = held + [key for _, key in resolved[:-1]]
            return " ".join(
                [f"SS_DOWN({name})" for name in down]
                + [f"SS_TAP({resolved[-1][1]})"]
                + [f"SS_UP({name})" for name in reversed(down)]
            )
        raise SourceProblem(f"unknown macro step {kind!r}", ref)

    # -- tap dances ------------------------------------------------------------------------------

    def tap_dances(self) -> None:
        w = self.out
        state_type = self.dialect.tap_dance_state_type
        w.line("// Tap dances. A dance ends when the tapping term passes or another key is pressed;")
        w.line("// then the number of taps and whether the key is still held pick the action.")
        w.line("typedef enum {")
        for gesture in ("NONE", "TAP", "HOLD", "DOUBLE_TAP", "TAP_HOLD", "MORE_TAPS"):
            w.line(f"GESTURE_{gesture},", depth=1)
        w.line("} td_gesture_t;")
        w.blank()
        w.line(f"static td_gesture_t td_gesture({state_type} *state) {{")
        w.line("bool held = state->pressed && !state->interrupted;", depth=1)
        w.line("if (state->count == 1) {", depth=1)
        w.line("return held ? GESTURE_HOLD : GESTURE_TAP;", depth=2)
        w.line("}", depth=1)
        w.line("if (state->count == 2) {", depth=1)
        w.line("return held ? GESTURE_TAP_HOLD : GESTURE_DOUBLE_TAP;", depth=2)
        w.line("}", depth=1)
        w.line("return GESTURE_MORE_TAPS;", depth=1)
        w.line("}")
        w.blank()
        terms: list[tuple[str, int, SourceRef]] = []
        for index, dance in enumerate(self.layout.tap_dances):
            self.tap_dance(index, dance)
            if dance.tapping_term is not None:
                ref = SourceRef.of("tap_dances", index, "tapping_term")
                term = self.attempt(partial(_term, dance.tapping_term, ref), None)
                if term is not None:
                    terms.append((self.names.tap_dances[dance.name], term, ref))
        w.line(f"{self.dialect.tap_dance_action_type} tap_dance_actions[] = {{")
        for index, dance in enumerate(self.layout.tap_dances):
            identifier = self.names.tap_dances[dance.name]
            prefix = identifier.lower()
            w.line(
                f"[{identifier}] = ACTION_TAP_DANCE_FN_ADVANCED(NULL, {prefix}_finished, {prefix}_reset),",
                SourceRef.of("tap_dances", index),
                depth=1,
            )
        w.line("};")
        w.blank()
        self.features.add("TAP_DANCE_ENABLE")
        if terms:
            self.config["TAPPING_TERM_PER_KEY"] = None
            w.switch_function(
                "uint16_t get_tapping_term(uint16_t keycode, keyrecord_t *record)",
                "keycode",
                ((f"TD({identifier})", str(term), ref) for identifier, term, ref in terms),
                "TAPPING_TERM",
            )

    def tap_dance(self, index: int, dance: TapDance) -> None:
        w = self.out
        ref = SourceRef.of("tap_dances", index)
        identifier = self.names.tap_dances[dance.name]
        prefix = identifier.lower()
        state_type = self.dialect.tap_dance_state_type
        empty = TapDanceAction((), (), ())
        actions: dict[str, TapDanceAction | None] = {}
        for gesture in GESTURES:
            text = getattr(dance, gesture)
            if text is None:
                actions[gesture] = None
                continue
            gesture_ref = ref.child(gesture)
            actions[gesture] = self.attempt(
                partial(self.keycodes.tap_dance_action, text, gesture_ref), empty
            )
        tap = actions["tap"] or empty
        tap_once = tap.tap or tap.press + tap.release
        hold = actions["hold"] or tap
        # Undefined gestures fall back to what a plain key would do: tapping it twice, or
        # tapping it then holding it (the hold action when there is one).
        plans: list[tuple[str, tuple[str, ...], tuple[str, ...], SourceRef]] = [
            ("GESTURE_TAP", tap.press, tap.release, ref.child("tap")),
            ("GESTURE_HOLD", hold.press, hold.release, ref.child("hold" if actions["hold"] else "tap")),
        ]
        double = actions["double_tap"]
        if double is not None:
            plans.append(("GESTURE_DOUBLE_TAP", double.press, double.release, ref.child("double_tap")))
        else:
            plans.append(("GESTURE_DOUBLE_TAP", tap_once + tap.press, tap.release, ref.child("tap")))
        tap_hold = actions["tap_hold"]
        if tap_hold is not None:
            plans.append(("GESTURE_TAP_HOLD", tap_hold.press, tap_hold.release, ref.child("tap_hold")))
        else:
            plans.append(("GESTURE_TAP_HOLD", tap_once + hold.press, hold.release, ref.child("tap")))

        comment = c_comment_text(dance.name, 60)
        w.line(f"// Tap dance {comment}", ref)
        w.line(f"static td_gesture_t {prefix}_gesture = GESTURE_NONE;", ref)
        w.blank()
        w.line(f"static void {prefix}_finished({state_type} *state, void *user_data) {{", ref)
        w.line(f"{prefix}_gesture = td_gesture(state);", ref, depth=1)
        w.line(f"switch ({prefix}_gesture) {{", ref, depth=1)
        for gesture, press, _release, gesture_ref in plans:
            if press:
                w.line(f"case {gesture}:", gesture_ref, depth=2)
                for statement in press:
                    w.line(statement, gesture_ref, depth=3)
                w.line("break;", depth=3)
        if tap_once or tap.press:
            w.line("case GESTURE_MORE_TAPS:  // three taps or more: repeat the tap", ref.child("tap"), depth=2)
            if tap_once:
                w.line("for (uint8_t i = 1; i < state->count; i++) {", ref.child("tap"), depth=3)
                for statement in tap_once:
                    w.line(statement, ref.child("tap"), depth=4)
                w.line("}", depth=3)
            for statement in tap.press:
                w.line(statement, ref.child("tap"), depth=3)
            w.line("break;", depth=3)
        w.line("default:", depth=2)
        w.line("break;", depth=3)
        w.line("}", depth=1)
        w.line("}")
        w.blank()
        w.line(f"static void {prefix}_reset({state_type} *state, void *user_data) {{", ref)
        releases = [(gesture, release, gesture_ref) for gesture, _press, release, gesture_ref in plans if release]
        if tap.release:
            releases.append(("GESTURE_MORE_TAPS", tap.release, ref.child("tap")))
        if releases:
            w.line(f"switch ({prefix}_gesture) {{", ref, depth=1)
            for gesture, release, gesture_ref in releases:
                w.line(f"case {gesture}:", gesture_ref, depth=2)
                for statement in release:
                    w.line(statement, gesture_ref, depth=3)
                w.line("break;", depth=3)
            w.line("default:", depth=2)
            w.line("break;", depth=3)
            w.line("}", depth=1)
        w.line(f"{prefix}_gesture = GESTURE_NONE;", ref, depth=1)
        w.line("}")
        w.blank()

    # -- combos ----------------------------------------------------------------------------------

    def combos(self) -> None:
        w = self.out
        combos = self.layout.combos
        self.features.add("COMBO_ENABLE")
        w.line("enum combo_ids {")
        for index, identifier in enumerate(self.names.combos):
            w.line(f"{identifier},", SourceRef.of("combos", index), depth=1)
        w.line("};")
        w.blank()
        for index, combo in enumerate(combos):
            self.combo_keys(index, combo)
        w.blank()
        w.line("combo_t key_combos[] = {")
        for index, combo in enumerate(combos):
            ref = SourceRef.of("combos", index)
            action = self.keycode(combo.action, ref.child("action"))
            comment = f"  // {c_comment_text(combo.name, 60)}" if combo.name else ""
            identifier = self.names.combos[index]
            w.spans(
                [
                    (f"[{identifier}] = COMBO({identifier.lower()}_keys, ", ref),
                    (action, ref.child("action")),
                    (f"),{comment}", None),
                ],
                depth=1,
            )
        w.line("};")
        if not self.dialect.combo_count_from_array:
            w.line("uint16_t COMBO_LEN = sizeof(key_combos) / sizeof(key_combos[0]);")
        w.blank()
        self.combo_terms(combos)
        self.combo_layers(combos)

    def combo_keys(self, index: int, combo: Combo) -> None:
        ref = SourceRef.of("combos", index)
        identifier = self.names.combos[index]
        if len(combo.keys) < 2:
            self.problems.append(SourceProblem("a combo needs at least two keys", ref.child("keys")))
        parts: list[tuple[str, SourceRef | None]] = [
            (f"const uint16_t PROGMEM {identifier.lower()}_keys[] = {{", ref)
        ]
        for key_index, text in enumerate(combo.keys):
            key_ref = ref.child("keys", key_index)
            parts.append((self.keycode(text, key_ref), key_ref))
            parts.append((", ", None))
        parts.append(("COMBO_END};", None))
        self.out.spans(parts)

    def combo_terms(self, combos: list[Combo]) -> None:
        timed = [(i, c) for i, c in enumerate(combos) if c.term is not None]
        if not timed:
            return
        self.config["COMBO_TERM_PER_COMBO"] = None
        cases = []
        for index, combo in timed:
            ref = SourceRef.of("combos", index, "term")
            term = self.attempt(partial(_term, combo.term, ref), None)
            if term is not None:
                cases.append((self.names.combos[index], str(term), ref))
        self.out.switch_function(
            "uint16_t get_combo_term(uint16_t combo_index, combo_t *combo)", "combo_index", cases, "COMBO_TERM"
        )

    def combo_layers(self, combos: list[Combo]) -> None:
        limited = [(i, c) for i, c in enumerate(combos) if c.layers is not None]
        if not limited:
            return
        self.config["COMBO_SHOULD_TRIGGER"] = None
        cases = []
        for index, combo in limited:
            ref = SourceRef.of("combos", index, "layers")
            layers = [self.attempt(partial(self.layer_id, n, ref), None) for n in combo.layers or []]
            condition = " || ".join(f"layer == {layer}" for layer in layers if layer) or "false"
            cases.append((self.names.combos[index], condition, ref))
        self.out.switch_function(
            "bool combo_should_trigger(uint16_t combo_index, combo_t *combo, uint16_t keycode, keyrecord_t *record)",
            "combo_index",
            cases,
            "true",
            first="uint8_t layer = get_highest_layer(layer_state | default_layer_state);",
        )

    def layer_id(self, name: str, ref: SourceRef) -> str:
        index = self.layout.layer_index(name)
        if index is None:
            raise SourceProblem(f"layer {name!r} does not exist", ref)
        return self.names.layers[index]

    def layer_mask(self, layers: list[str] | None, ref: SourceRef) -> str:
        if layers is None:
            return "~0"
        ids = [self.attempt(partial(self.layer_id, n, ref), None) for n in layers]
        terms = [f"((layer_state_t)1 << {identifier})" for identifier in ids if identifier]
        return " | ".join(terms) if terms else "0"

    # -- key overrides ---------------------------------------------------------------------------

    def key_overrides(self) -> None:
        w = self.out
        self.features.add("KEY_OVERRIDE_ENABLE")
        names = []
        for index, override in enumerate(self.layout.key_overrides):
            names.append(self.key_override(index, override))
        w.blank()
        if self.dialect.key_overrides_array:
            w.line("const key_override_t *key_overrides[] = {")
            for index, name in enumerate(names):
                w.line(f"&{name},", SourceRef.of("key_overrides", index), depth=1)
            w.line("};")
        else:
            w.line("const key_override_t **key_overrides = (const key_override_t *[]){")
            for index, name in enumerate(names):
                w.line(f"&{name},", SourceRef.of("key_overrides", index), depth=1)
            w.line("NULL,", depth=1)
            w.line("};")
        w.blank()

    def key_override(self, index: int, override: KeyOverride) -> str:
        ref = SourceRef.of("key_overrides", index)
        name = f"ko_{index}"
        if override.name and identifier_part(override.name):
            name = f"ko_{index}_{identifier_part(override.name).lower()}"
        name = c_identifier(name)
        trigger = self.keycode(override.trigger, ref.child("trigger"))
        replacement = self.keycode(override.replacement, ref.child("replacement"))
        mods = self.attempt(lambda: self.override_mods(override.mods, ref.child("mods")), "0")
        negative = self.attempt(lambda: self.override_mods(override.negative_mods, ref.child("negative_mods")), "0")
        layers = self.layer_mask(override.layers, ref.child("layers"))
        comment = ""
        if override.name and identifier_part(override.name).lower() not in name:
            comment = f"  // {c_comment_text(override.name, 60)}"
        options = ("ko_options_default" if override.options is None
                   else " | ".join(f"ko_option_{option}" for option in override.options) or "0")
        w = self.out
        if override.suppressed_mods is None and override.enabled:
            w.line(f"const key_override_t {name} ={comment}", ref)
            w.spans(
                [
                    ("ko_make_with_layers_negmods_and_options(", ref),
                    (mods, ref.child("mods")),
                    (", ", None),
                    (trigger, ref.child("trigger")),
                    (", ", None),
                    (replacement, ref.child("replacement")),
                    (", ", None),
                    (layers, ref.child("layers")),
                    (", ", None),
                    (negative, ref.child("negative_mods")),
                    (", ", None),
                    (options, ref.child("options")),
                    (");", None),
                ],
                depth=1,
            )
            return name
        if override.suppressed_mods is None:
            suppressed = mods
        else:
            suppressed = self.attempt(
                lambda: self.override_mods(override.suppressed_mods or [], ref.child("suppressed_mods")), "0"
            )
        enabled = "NULL"
        if not override.enabled:  # switched off (as Vial saves it): on only when C code sets the flag
            enabled = f"&{name}_enabled"
            w.line(f"bool {name}_enabled = false;", ref.child("enabled"))
        w.line(f"const key_override_t {name} = {{{comment}", ref)
        fields = [
            ("trigger_mods", mods, "mods"),
            ("layers", layers, "layers"),
            ("suppressed_mods", suppressed, "suppressed_mods"),
            ("options", options, "options"),
            ("negative_mod_mask", negative, "negative_mods"),
            ("custom_action", "NULL", None),
            ("context", "NULL", None),
            ("trigger", trigger, "trigger"),
            ("replacement", replacement, "replacement"),
            ("enabled", enabled, "enabled" if not override.enabled else None),
        ]
        for field_name, value, key in fields:
            w.line(f".{field_name} = {value},", ref.child(key) if key else ref, depth=1)
        w.line("};", ref)
        return name

    def override_mods(self, names: list[str], ref: SourceRef) -> str:
        """Key-override modifier masks: MOD_MASK_* kept, MOD_* names as MOD_BIT(KC_…)."""
        parts: list[str] = []
        bits = 0
        for index, name in enumerate(names):
            text = name.strip().upper()
            if text in modbits.MOD_MASK_NAMES:
                parts.append(text)
                continue
            try:
                bits |= modbits.parse_mod_mask(text)
            except modbits.ModsError as error:
                raise SourceProblem(
                    f"{name!r} is not a modifier", ref.child(index), "use MOD_LSFT, MOD_RCTL, MOD_MASK_SHIFT…"
                ) from error
        if bits:
            parts.append(self.keycodes.mod_bits(bits, ref))
        return " | ".join(parts) if parts else "0"


def _term(value: object, ref: SourceRef) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise SourceProblem("a term is a whole number of milliseconds, 1 to 10000", ref)
    return value


def send_string_text(text: str, ref: SourceRef) -> str:
    """`text` when SEND_STRING can type it: printable ASCII, tab and newline.

    SEND_STRING types through a US-layout ASCII table; other bytes would index past it,
    and bytes 1-8 are its own control codes, so anything else is refused here."""
    for offset, ch in enumerate(text):
        if not (" " <= ch <= "~" or ch in "\t\n"):
            raise SourceProblem(
                f"macro text can only type printable ASCII; character {offset + 1} is {ch!r}",
                ref,
                "type other characters with UC(0x…) keys (Unicode input) or split the text",
            )
    return text


def generate_keymap_c(
    layout: Layout,
    macro: LayoutMacro,
    macro_name: str,
    dialect: QmkDialect,
    source_name: str | None = None,
) -> tuple[KeymapC, list[SourceProblem]]:
    """keymap.c for `layout` drawn with `macro`, and the problems found on the way."""
    generator = _Generator(layout, macro, macro_name, dialect, source_name)
    result = generator.generate()
    return result, generator.problems
