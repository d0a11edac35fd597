"""Read a QMK keymap.c into a Layout: the `LAYOUT…(…)` blocks of an ordinary static keymap.

What is read: `keymaps[]` (each layer a layout macro call, designated `[_BASE] = …` or in
order), the layer enum or `#define`s naming layers, `encoder_map[]`, combos
(`COMBO(keys, action)` with their `…[] = {…, COMBO_END}` arrays), tap dances built from
QMK's `ACTION_TAP_DANCE_DOUBLE` / `_LAYER_MOVE` / `_LAYER_TOGGLE`, and key overrides made
with `ko_make_basic` / `ko_make_with_layers` / `ko_make_with_layers_and_negmods`.
Macros the file `#define`s are expanded the way the compiler would, so wrapper macros
and row defines work. Keycodes stay as written (custom keycodes from the file's own enums
included); layer and tap-dance identifiers become layout names. C code (functions such as
`process_record_user`) cannot become a layout and is reported as a warning, never run."""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.formats.c_source import (
    PUNCTUATORS,
    Define,
    IntExpression,
    Token,
    check_nesting,
    expand,
    find_matching,
    iter_statements,
    preprocess,
    render,
    split_call_arguments,
    split_top_level,
    tokenize,
    unwrap_parentheses,
)
from keyconf.formats.document_limits import position
from keyconf.formats.foreign_keycodes import aliases_of_own_prefixes, included_languages, language_aliases
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_carry import CarriedC, carry_c
from keyconf.formats.keymap_c_names import plan_names
from keyconf.formats.layer_names import default_layer_name, layout_name_for_c_identifier
from keyconf.formats.qmk_config_h import read_config_h
from keyconf.formats.send_string_c import NotAMacro, send_string_steps
from keyconf.formats.user_headers import UserHeaders, enum_bodies, is_feature_flag, plain_enums
from keyconf.model.keycodes import MOD_WRAPPERS, REGISTRY, KeycodeError, ParseContext, format_mods, from_qmk5
from keyconf.model.keycodes.keyboard_keycodes import header_keycode
from keyconf.model.keycodes.languages import host_languages
from keyconf.model.keycodes.mods import MOD_MASK_NAMES, MOD_NAMES, ModsError, parse_mods, to_qmk5
from keyconf.model.keycodes.removed import REMOVED_KEYCODES, REMOVED_WRAPPERS
from keyconf.model.layout import (
    Combo,
    CSource,
    CustomKeycode,
    EncoderAction,
    KeyOverride,
    Layer,
    Layout,
    Macro,
    TapDance,
    keycode_context,
    keycode_fields,
)

MAX_KEYMAP_C_CHARS = 256 * 1024
# Calls whose first argument names a layer (or, for TD, a tap dance) rather than a keycode.
_LAYER_ARGUMENT = frozenset({"MO", "TG", "TO", "DF", "OSL", "TT", "PDF", "LT", "LM", "TD"})
_UNICODE_MAP_CALLS = frozenset({"UM", "UP", "XP"})  # their arguments are indices of unicode_map[]
# Layer keys whose value keeps the layer number in its low bits (QK_TO, QK_MOMENTARY, ...: 0x52X0).
_LAYER_KEYS = frozenset({"MO", "TG", "TO", "DF", "OSL", "TT", "PDF"})
# Calls taking QMK's 5-bit MOD_ modifiers, and which argument holds them.
_MODS_ARGUMENT = {"MT": 0, "OSM": 0, "LM": 1}
_MODIFIER_BITS = ("MOD_LCTL", "MOD_LSFT", "MOD_LALT", "MOD_LGUI", "MOD_RCTL", "MOD_RSFT", "MOD_RALT", "MOD_RGUI")
_TAP_DANCE_TYPES = ("tap_dance_action_t", "qk_tap_dance_action_t")
# Where custom keycode enums start. SAFE_RANGE is QK_USER in QMK since 0.19; the rest were
# keyboard-level range ends in older QMK, where a keymap's own keycodes now start at SAFE_RANGE.
_USER_RANGE = frozenset({"SAFE_RANGE", "QK_USER"})
_OLD_RANGE_SUFFIX = "_SAFE_RANGE"
# Headers QMK itself provides: names from them are keyconf's to know; any other quoted
# include is the user's own (a userspace), which keyconf cannot see.
# Old QMK's layout macros that paste KC_ before each key (`LAYOUT_kc(A, LGUI)`), removed in 2021.
_KC_PASTING = re.compile(r"LAYOUT_(?:kc|KC)(_\w+)?|KC_KEYMAP|KEYMAP_kc(_\w+)?|KC_LAYOUT(_\w+)?")
# What a user can do about a keymap.c whose keys are in headers it includes but keyconf lacks.
IN_PLACE_HINT = (
    "import the keymap.c where it lives in your repository checkout (keyconf reads the headers beside it, "
    "users/<name>/ and the keyboards folders, as QMK's build does), or copy those #defines into the keymap.c"
)
_QMK_HEADER_PREFIXES = ("keymap_", "sendstring_", "quantum", "action", "process_", "keycode")
_QMK_HEADERS = frozenset(
    """version.h eeconfig.h print.h debug.h timer.h wait.h host.h report.h raw_hid.h os_detection.h
    transactions.h split_util.h rgb_matrix.h rgblight.h led.h oled_driver.h encoder.h pointing_device.h
    send_string.h keymap_us.h keymap_steno.h keymap_introspection.h keymap_common.h config.h progmem.h util.h
    color.h caps_word.h repeat_key.h analog.h audio.h
    i2c_master.h spi_master.h ws2812.h eeprom.h gpio.h matrix.h keyboard.h layer_lock.h secure.h
    leader.h tap_dance.h combo.h autocorrect.h os_detection.h deferred_exec.h haptic.h""".split()
)


@dataclass
class KeymapC:
    """What was read from a keymap.c, before matching it with a keyboard.

    `layout.c_source`, when set, holds (inline) everything of the file that is not the keymap
    data keyconf read; `custom_keycodes` names the layout's custom keycodes."""

    layout: Layout
    warnings: list[str] = field(default_factory=list)
    custom_keycodes: list[str] = field(default_factory=list)
    # Custom keycodes whose only code was a SEND_STRING: now the layout's macros (name -> index).
    macro_keycodes: dict[str, int] = field(default_factory=dict)
    # When layers use layout macros of different sizes (read with mixed_macros): each layer's
    # macro (None: a layer the file left out). Their keys are still in that macro's order.
    layer_macros: list[str | None] = field(default_factory=list)
    # The user's own headers the file includes that keyconf could not read (a userspace).
    unseen_headers: list[str] = field(default_factory=list)


def _names_keycode(name: str) -> bool:
    """Whether QMK names a keycode `name` (KC_LPRN, an alias of a shifted key, included)."""
    try:
        REGISTRY.parse(name)
        return True
    except KeycodeError:
        return False


def _names_keymaps(tokens: list[Token]) -> bool:
    return any(t.kind == "ident" and t.text == "keymaps" for t in tokens)


def looks_like_keymap_c(text: str) -> bool:
    return bool(re.search(r"\bkeymaps\s*\[", text)) and "LAYOUT" in text or "QMK_KEYBOARD_H" in text


def read_keymap_c(
    text: str, path: str | Path | None = None, keyboard: str = "", config_h: str | None = None,
    mixed_macros: bool = False, headers: UserHeaders | None = None,
    has_layout: Callable[[str], bool] | None = None,
) -> KeymapC:
    """Parse keymap.c `text`. `keyboard` is the QMK keyboard path when the caller knows it;
    `config_h` the text of the config.h next to it, whose settings the layout takes.
    `mixed_macros`: layers may use layout macros of different sizes (QMK allows it); the
    result's `layer_macros` then says which, for the caller to map by matrix position.
    `headers`: where the user's headers are (by default, found around `path` when it is a file,
    named by the keymap's folder as QMK names its userspace).
    `has_layout`: whether the keyboard's QMK headers define a layout macro of that name, when the
    caller knows the keyboard (`#ifdef LAYOUT_split_3x5_3` picks the keymap for it).

    Raises FormatError naming the line of a construct it does not understand."""
    if headers is None and path is not None and Path(path).is_file():
        own = [name for name in _QUOTED_INCLUDE.findall(text) if not _is_qmk_header(name) and name != "config.h"]
        headers = UserHeaders(Path(path), [Path(path).resolve().parent.name], own, keyboard)
    try:
        result = _Reader(text, path, keyboard, mixed_macros, headers, has_layout).read()
    except FormatError as error:
        raise error if error.path else error.with_path(path or "<keymap.c>") from None
    if config_h is not None:
        config = read_config_h(config_h)
        result.layout.settings.update(config.settings)
        result.warnings += config.problems
        if config.left:
            shown = ", ".join(config.left[:8]) + (f" and {len(config.left) - 8} more" if len(config.left) > 8 else "")
            result.warnings.append(
                f"config.h: {shown} "
                + ("is not a layout setting; the layout does not keep it" if len(config.left) == 1
                   else "are not layout settings; the layout does not keep them")
            )
    return result


_QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
_TD_NUMBER = re.compile(r"\bTD\((\d+)\)")
_MAX_DYNAMIC_TAP_DANCES = 255  # Vial's tap dance slots are numbered in one byte
_MAX_LAYERS = 32  # QMK's layer_state_t holds 32 layers


def raw_matrix_macro(columns: int) -> str:
    """How a layer written as the matrix itself (`{ {KC_A, ...}, ... }`, often through the file's own
    macro) names its "macro": its keys are row after row, `columns` to a row, each at its matrix place."""
    return f"a raw matrix ({{...}} rows of {columns})"


def raw_matrix_columns(macro: str | None) -> int | None:
    """The row width of a raw matrix layer's name (raw_matrix_macro), None for a layout macro's."""
    found = re.fullmatch(r"a raw matrix \(\{\.\.\.\} rows of (\d+)\)", macro or "")
    return int(found.group(1)) if found else None


def keyboard_from_path(path: str | Path) -> str | None:
    """`keyboards/<kb>/keymaps/<name>/keymap.c` tells the keyboard: `<kb>`."""
    parts = Path(path).resolve().parts if Path(path).exists() else Path(path).parts
    if "keyboards" in parts and "keymaps" in parts:
        start = len(parts) - 1 - parts[::-1].index("keyboards")
        end = len(parts) - 1 - parts[::-1].index("keymaps")
        if end > start + 1:
            return "/".join(parts[start + 1 : end])
    return None


@dataclass
class _Entry:
    """One designated (or positional) element of an array initializer."""

    designator: list[Token] | None
    value: list[Token]
    line: int


class _Reader:
    def __init__(self, text: str, path: str | Path | None, keyboard: str, mixed_macros: bool = False,
                 headers: UserHeaders | None = None, has_layout: Callable[[str], bool] | None = None) -> None:
        self.path = path
        self.keyboard = keyboard
        self.mixed_macros = mixed_macros
        self.layer_macros: list[str | None] = []
        if len(text) > MAX_KEYMAP_C_CHARS:
            line, column = position(text, MAX_KEYMAP_C_CHARS)
            raise FormatError(
                f"the file is longer than {MAX_KEYMAP_C_CHARS // 1024} KiB of text, far more than a keymap.c; "
                "the limit is passed here", path, line, column,
                hint="the largest keymap.c files in QMK are ~55 KB: is it the right file?",
            )
        self.text = text
        raw = tokenize(text, path)
        check_nesting(raw, path)
        self.raw_tokens = raw
        self.includes = [t for t in raw if t.kind == "directive" and re.match(r"#?\s*include\b", t.text)]
        # Expand as the compiler would, except names for plain numbers (`#define _LOWER 1`):
        # those may name layers, and are resolved where a number is needed.
        self.headers = headers
        include = self.headers.tokens if self.headers is not None else None
        # QMK force-includes the userspace's and the keymap's config.h before the first line.
        forced = self.headers.forced_defines() if self.headers is not None else None
        def assume_defined(name: str) -> bool:
            return is_feature_flag(name) or (has_layout is not None and name.startswith("LAYOUT") and has_layout(name))

        pre = preprocess(raw, path, assume_defined=assume_defined, expand_unless=_kept_for_later, include=include,
                         defines=forced)
        if not _names_keymaps(pre.tokens) and _names_keymaps(raw):
            # keymaps[] only under `#if HELIX_ROWS == 5` (a board's setting from its rules.mk, which
            # a keymap.c alone lacks): read the first branch of such a chain, and say so.
            taken: list[str] = []
            if self.headers is not None:
                self.headers.next_pass()
            again = preprocess(raw, path, assume_defined=assume_defined, expand_unless=_kept_for_later,
                               include=include, defines=forced, unknown_taken=taken)
            if _names_keymaps(again.tokens):
                pre = again
                more = f" (and {len(taken) - 1} more #if on such settings)" if len(taken) > 1 else ""
                pre.warnings.append(
                    f"keymaps[] is under `{taken[0]}`{more}, a setting of the keyboard keyconf does not know (its "
                    "rules.mk or config.h): read the first branch of each such #if; check the layers are the ones "
                    "your board builds"
                )
        self.defines: dict[str, Define] = pre.defines
        # The tokens are expanded already; later passes resolve only what was kept for them:
        # numbers that may name layers, and enum constants that alias keycodes.
        self.late_defines: dict[str, Define] = {n: d for n, d in pre.defines.items() if _is_number_define(d)}
        self.fn_actions_read = False  # every fn_actions[] entry became a keycode
        self.fn_note: str | None = None  # what the Fn keys became
        self.tokens = self._fn_keys_as_keycodes(pre.tokens)
        check_nesting(self.tokens, path)
        self.warnings: list[str] = (self.headers.problems if self.headers is not None else []) + pre.warnings
        if self.fn_note is not None:
            self.warnings.append(self.fn_note)
        # The headers' enums come first: a layer enum there names this file's layers.
        self.enums: list[dict[str, int | None]] = (
            [dict(group) for group in self.headers.enum_groups] if self.headers is not None else []
        )
        # The headers' enum members number what this file names with them (`[TD_MEDIA] = ...`).
        self.enum_values: dict[str, int] = dict(self.headers.enums) if self.headers is not None else {}
        # Keycode ranges a header's enum counts from SAFE_RANGE (`CKR_SAFE_RANGE = CKR_RLC + 10`).
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        self.header_ranges: dict[str, int] = (
            self.headers.range_members(dict.fromkeys(_USER_RANGE, first.value)) if self.headers is not None else {}
        )
        self.custom_keycode_names: set[str] = set()
        self.customs: list[CustomKeycode] = []
        self._custom_absolute: list[int] = []  # each custom keycode's value (-1: its header's)
        self.qmk_named: list[str] = []  # the file's own keycodes that QMK has since declared itself
        self.external_headers: set[str] = set()  # includes now the layout's (custom keycodes name them)
        self.custom_enum_statements: list[list[Token]] = []
        self.enum_statements: list[tuple[dict[str, int | None], list[Token]]] = []
        self.consumed: list[list[Token]] = []  # statements the layout now holds
        self.consumed_defines: set[str] = set()
        self.found: dict[str, list[Token]] = {}
        self.renamed: dict[str, str] = {}  # C identifier -> layout name (layers, tap dances)
        self.enum_counts: dict[str, str] = {}  # a consumed enum's member counting its entries -> its number
        # Members of a custom keycode enum that are not custom keycodes: C name -> what keyconf's C calls it.
        self.enum_keycode_aliases: dict[str, str] = {}
        self.keyless_layers: dict[int, str] = {}  # layer enum members past keymaps[]: number -> C name
        self.functions: list[str] = []
        self.bare_designator_noted = False
        self.used_as_layers: list[str] = []  # enum members the keys use as layers, when no designator names one
        self.kc_pasting_noted = False
        self._said: set[str] = set()  # notes given once per file (ACTION_MODS_KEY)
        self.header_tap_dances: list[str] = []  # TD(name)s numbered by a header's enum, not this file
        self.tap_dance_table = False  # the file has a tap_dance_actions[] (read, or kept as C)
        self.statements: list[list[Token]] = [self.tokens[a:b] for a, b in iter_statements(self.tokens)]

    # -- top level ---------------------------------------------------------------------------

    def read(self) -> KeymapC:
        for statement in self.statements:
            self._collect_enums(statement)
            self._collect_function(statement)
        if self.fn_actions_read and self._find_array("fn_actions") is not None:
            self.consume_statement("fn_actions")  # its keys hold what it said
        keymaps = self._find_array("keymaps")
        if keymaps is None:
            raise FormatError(
                "no `keymaps[]` array found",
                self.path,
                hint="keyconf reads the `const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {...}` "
                "array of a QMK keymap.c",
            )
        entries = self._entries(keymaps)
        if not entries:
            raise FormatError("the `keymaps[]` array is empty", self.path, keymaps[0].line if keymaps else None)
        entries = self._spread_ranges(entries)
        layer_idents, indices = self._layer_indices(entries)
        self.used_as_layers = [] if layer_idents else self._names_used_as_layers(entries)
        count = max(indices) + 1
        names = self._layer_names(layer_idents, indices, count)
        symbols: dict[str, str] = {ident: names[self._int(ident_tokens(ident))] for ident in layer_idents}
        symbols.update(self._other_layer_symbols(layer_idents, names))
        tap_dances, td_symbols = self._tap_dances(symbols)
        symbols.update(td_symbols)

        macro_names: list[str] = []
        layers: list[Layer | None] = [None] * count
        layer_macros: list[str | None] = [None] * count
        for entry, index in zip(entries, indices, strict=True):
            if layers[index] is not None:
                self.warnings.append(
                    f"line {entry.line}: layer {index} ({names[index]}) is given twice; the later one counts, as in C"
                )
            macro, keys = self._layout_call(entry, symbols)
            macro_names.append(macro)
            layers[index] = Layer(names[index], keys)
            layer_macros[index] = macro
        lengths = {len(layer.keys) for layer in layers if layer is not None}
        used = collections.Counter(macro_names)
        raw = any(raw_matrix_columns(m) is not None for m in used)
        mixed = (len(used) > 1 and len(lengths) > 1 or raw) and self.mixed_macros
        if mixed:
            # Each layer through its own macro: the caller, who knows the keyboard, maps them
            # by matrix position into the macro with the most keys (a layout macro's, where a layer
            # has one; of layers all written as the matrix, the caller picks the board's layout).
            # (a macro whose only layer a later one of the same index replaced has no keys left)
            def keys_of(name: str) -> int:
                return max((len(layer.keys) for layer, m in zip(layers, layer_macros, strict=True)
                            if layer is not None and m == name), default=0)
            widest = max([name for name in used if raw_matrix_columns(name) is None] or list(used), key=keys_of)
            macro_names = [widest]
            lengths = {keys_of(widest)}
        if len(used) > 1 and not mixed:
            if len(lengths) > 1:
                raise FormatError(
                    f"layers use different layout macros: {', '.join(sorted(used))}",
                    self.path,
                    entries[0].line,
                    hint="keyconf layouts use one layout macro for every layer",
                )
            # The same number of keys under two names: a board's macro and its alias (LAYOUT).
            chosen = used.most_common(1)[0][0]
            self.warnings.append(
                f"layers use {' and '.join(sorted(used))}, with the same {lengths.copy().pop()} keys: read as "
                f"{chosen} (they are the same layout when one is the other's alias, as LAYOUT often is)"
            )
            macro_names = [chosen]
        if len(lengths) > 1:
            unseen = self._unseen_macros([t for entry in entries for t in entry.value])
            counts = {n: [layer.name for layer in layers if layer is not None and len(layer.keys) == n]
                      for n in sorted(lengths)}
            shown_counts = ", ".join(f"{n} ({', '.join(names[:3])}{'…' if len(names) > 3 else ''})"
                                     for n, names in counts.items())
            if unseen and self._user_headers():
                raise FormatError(f"{unseen}: the keys of keymaps[] are in that code, not in this file (read "
                                  f"without it, the layers have different key counts: {shown_counts})",
                                  self.path, entries[0].line, hint=IN_PLACE_HINT)
            if unseen:
                # No header of the user's includes them: a userspace QMK's build adds may define them, or they
                # are the file's own mistakes (`LT(FK, DEL)` for KC_DEL), and so are the counts.
                raise FormatError(f"layers have different key counts: {shown_counts}; and {unseen}", self.path,
                                  entries[0].line, hint="the file includes no header of its own: if its userspace "
                                  "(users/<name>/) defines them, import the file in its repository checkout; if "
                                  "nothing does, QMK cannot build it either")
            raise FormatError(f"layers have different key counts: {shown_counts}", self.path, entries[0].line,
                              hint="one layout macro takes one number of keys: QMK cannot build this either")
        key_count = lengths.pop()
        full_layers: list[Layer] = []
        for index, maybe in enumerate(layers):
            if maybe is None:
                self.warnings.append(f"layer {index} ({names[index]}) is missing from keymaps[]; filled with KC_NO")
                maybe = Layer(names[index], ["KC_NO"] * key_count)
            full_layers.append(maybe)
        layout = Layout(keyboard=self.keyboard, layout_macro=macro_names[0], layers=full_layers)
        self.layer_macros = layer_macros if mixed else []
        layout.custom_keycodes = self.customs
        self.consume_statement("keymaps")
        self._consume_layer_names(layer_idents, symbols)
        self._encoders(layout, symbols)
        layout.tap_dances = tap_dances or self._dynamic_tap_dances(layout)
        layout.combos = self._combos(symbols)
        layout.key_overrides = self._key_overrides(symbols, names)
        macro_keycodes = self._macros_from_process_record(layout)
        for statement in self.custom_enum_statements:
            self.consumed.append(statement)
        self._report_unseen_names(layout)
        self._add_layers_keys_name(layout)
        if self.qmk_named:
            plural = len(self.qmk_named) > 1
            self.warnings.append(
                f"the file declares {', '.join(self.qmk_named)} as its own keycode{'s' if plural else ''}, but "
                f"today's QMK declares {'them' if plural else 'it'} itself (the file was written "
                "for an older QMK; a second declaration does not compile): the keys use QMK's keycode, and the "
                f"C code's `case {self.qmk_named[0]}:` still catches them"
            )
        carried = self._carry(layout)
        if carried.code is not None:
            layout.c_source = CSource(code=carried.code)
        self.warnings += carried.warnings
        unread = [h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)
                  and (self.headers is None or self.headers.found(h) is None)]
        return KeymapC(layout, self.warnings, [c.name for c in layout.custom_keycodes], macro_keycodes,
                       self.layer_macros, unread)

    # -- SEND_STRING macros ------------------------------------------------------------------

    def _macros_from_process_record(self, layout: Layout) -> dict[str, int]:
        """`case EMAIL: if (record->event.pressed) { SEND_STRING("..."); } return false;` in
        process_record_user is a macro: the key plays a layout macro and the case leaves the C.
        Only custom keycodes nothing else in the C mentions are converted."""
        function = next((st for st in self.statements if _defines_function(st, "process_record_user")), None)
        if function is None or not self.customs:
            return {}
        names = {c.name for c in self.customs}
        converted: dict[str, int] = {}
        removed: list[list[Token]] = []
        left: list[str] = []
        for i, token in enumerate(function):
            if not (token.is_("case") and i + 2 < len(function) and function[i + 1].text in names
                    and function[i + 2].is_(":")):
                continue
            name = function[i + 1].text
            found = _send_string_case(function, i + 3)
            if found is None:
                continue
            steps_tokens, end = found
            try:
                steps = [step for part in steps_tokens for step in send_string_steps(part)]
            except NotAMacro:
                continue
            if self._mentions(name, function[i:end]):
                continue
            if REGISTRY.get(f"QK_MACRO_{len(layout.macros)}") is None:
                left.append(name)  # QMK's macro keycodes are all taken: the key stays a custom keycode
                continue
            converted[name] = len(layout.macros)
            layout.macros.append(Macro(steps=steps, name=name.lower()))
            removed.append(function[i:end])
        if left:
            self.warnings.append(
                f"{len(left)} more SEND_STRING keys ({', '.join(left)}) stay custom keycodes with their C code: "
                f"QMK has {len(layout.macros)} macro keycodes, which the first ones took"
            )
        if not converted:
            return {}
        for place in keycode_fields(layout, macros=False):
            if place.text in converted:
                place.set(f"QK_MACRO_{converted[place.text]}")
        kept = [(c, v) for c, v in zip(self.customs, self._custom_absolute, strict=True) if c.name not in converted]
        self.customs, self._custom_absolute = [], []
        for custom, value in kept:
            self._add_custom(custom.name, value)  # the values stay: later ones get pinned if needed
        layout.custom_keycodes = self.customs
        self.consumed.extend(removed)
        self.warnings.append(
            "SEND_STRING keys became layout macros: "
            + ", ".join(f"{name} → QK_MACRO_{index}" for name, index in converted.items())
        )
        return converted

    def _mentions(self, name: str, inside: list[Token]) -> bool:
        """Whether C outside `inside` (and outside the custom keycode enums) uses `name`."""
        skip = {id(t) for t in inside}
        for statement in self.statements:
            if any(statement is enum for enum in self.custom_enum_statements) or statement is self.found.get("keymaps"):
                continue
            for t in statement:
                if t.kind == "ident" and t.text == name and id(t) not in skip:
                    return True
        return False

    # -- what stays C ------------------------------------------------------------------------

    def _fn_keys_as_keycodes(self, tokens: list[Token]) -> list[Token]:
        """TMK's Fn keys (`KC_FN0`, `F(0)`) of old keymaps do what `fn_actions[]` says
        (`[0] = ACTION_LAYER_MOMENTARY(NAV)`). Today's QMK has neither; the keycode that does the
        same (`MO(NAV)`) takes their place, where there is one."""
        start = next((i for i, t in enumerate(tokens[:-1])
                      if t.kind == "ident" and t.text == "fn_actions" and tokens[i + 1].is_("[")), None)
        brace = None if start is None else next(
            (j for j in range(start, min(start + 8, len(tokens))) if tokens[j].is_("{")), None)
        if start is None or brace is None:
            return tokens
        close = find_matching(tokens, brace)
        table: dict[int, list[Token]] = {}
        left: list[str] = []
        # Entries and keys name their number with the file's enum (`[F_CTRL] = ...`, `F(F_CTRL)`).
        numbers = {name: value for group in plain_enums(tokens) for name, value in group.items()}
        for ordinal, part in enumerate(p for p in split_top_level(tokens[brace + 1 : close]) if p):
            index, value = ordinal, part
            if part[0].is_("["):
                end = find_matching(part, 0)
                try:
                    index = IntExpression(part[1:end], numbers).evaluate()
                except (ValueError, FormatError):
                    left.append(render(part))
                    continue
                value = part[end + 2 :] if end + 1 < len(part) and part[end + 1].is_("=") else part[end + 1 :]
            keycode = _fn_action_keycode(value)
            if keycode is None:
                left.append(render(value))
            else:
                table[index] = keycode
        self.fn_actions_read = not left
        out: list[Token] = []
        replaced: dict[str, str] = {}
        i = 0
        while i < len(tokens):
            t = tokens[i]
            number: int | None = None
            width = 1
            fn = re.fullmatch(r"KC_FN(\d+)", t.text) if t.kind == "ident" else None
            if fn:
                number = int(fn.group(1))
            elif (t.kind == "ident" and t.text == "F" and i + 3 < len(tokens) and tokens[i + 1].is_("(")
                  and tokens[i + 3].is_(")")):
                if tokens[i + 2].kind == "number":
                    number, width = int(tokens[i + 2].text, 0), 4
                elif tokens[i + 2].text in numbers:
                    number, width = numbers[tokens[i + 2].text], 4
            if number is None or number not in table or (start <= i <= close):
                out.append(t)
                i += 1
                continue
            out += [Token(u.kind, u.text, t.line, t.column) for u in table[number]]
            replaced.setdefault(render(tokens[i:i + width]), render(table[number]))
            i += width
        if replaced:
            shown = ", ".join(f"{old} is {new}" for old, new in list(replaced.items())[:6])
            self.fn_note = (
                f"TMK's Fn keys do what fn_actions[] says, which today's QMK no longer reads: {shown}"
                + ("" if not left else f"; fn_actions[] entries with no keycode of today's QMK stay C: {left[0]}")
            )
        return out

    def consume_statement(self, array: str) -> None:
        statement = self.found.get(array)
        if statement is not None:
            self.consumed.append(statement)

    def _consume_layer_names(self, layer_idents: list[str], symbols: dict[str, str]) -> None:
        """The layer enum or #defines become the layout's layer names (keyconf declares its own)."""
        for members, statement in self.enum_statements:
            if any(ident in members for ident in layer_idents) and statement not in self.custom_enum_statements:
                self.consumed.append(statement)
                for member in members:
                    if member in symbols:
                        self.renamed[member] = symbols[member]
        for ident in layer_idents:
            if ident in self.defines:
                self.consumed_defines.add(ident)
            self.renamed.setdefault(ident, symbols.get(ident, ident))

    def _report_unseen_names(self, layout: Layout) -> None:
        """Names on keys that nothing here defines come from a header keyconf cannot see (the
        user's own, or the keyboard's through QMK_KEYBOARD_H): they stay on their keys as custom
        keycodes naming that header, which keyconf's keymap.c includes as the original did, so
        QMK resolves them as it resolved the original's. Said once per header. Keycodes QMK
        removed become the layout's own keycodes, with a warning naming the removal."""
        ctx = keycode_context(layout)
        unknown: list[str] = []
        layer_aliases: dict[str, str] = {}  # LT(T1, …): a layer named by an unseen header
        calls: dict[str, str] = {}  # P(PG_O): a function-like macro of a header
        for place in keycode_fields(layout):
            try:
                REGISTRY.parse(place.text, ctx)
            except KeycodeError as error:
                layer = re.search(r"unknown layer '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if layer:
                    layer_aliases.setdefault(layer.group(1), place.text)
                call = re.search(r"unknown keycode function ([A-Za-z_][A-Za-z0-9_]*)\(\)", error.message)
                if call:
                    calls.setdefault(call.group(1), place.text)
                found = re.search(r"unknown keycode '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if (found and found.group(1) not in unknown
                        and re.search(rf"\b{found.group(1)}\b(?!\s*\()", place.text)):
                    unknown.append(found.group(1))
                dance = re.search(r"unknown tap dance '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if dance and dance.group(1) not in unknown and self._dance_from_elsewhere(dance.group(1)):
                    unknown.append(dance.group(1))
                if "expected a code point" in error.message:
                    # UC(JP_KA): a code point a header names (`#define JP_KA 0x304B`, jp_ime.h).
                    for argument in re.findall(r"\bUC\s*\(\s*([A-Za-z_]\w*)\s*\)", place.text):
                        if argument not in unknown:
                            unknown.append(argument)
                if "unknown Unicode map entry" in error.message:
                    # UM(E_ACUTE), UP(A, B): unicode_map[]'s enum is in a header (it stays C, as written).
                    for arguments in re.findall(r"\b(?:UM|X|UP|XP)\s*\(([^()]*)\)", place.text):
                        unknown += [n for n in re.findall(r"[A-Za-z_]\w*", arguments) if n not in unknown]
        # An old name today's QMK no longer defines (RESET, before QK_BOOT) that a header of the user's
        # declares (`enum userspace_keycodes { ..., RESET }`): in C it is that header's keycode, not QMK's.
        declared_here = {member for members in self.enums for member in members} | set(self.defines)
        for place in keycode_fields(layout):
            for name in re.findall(r"\b[A-Za-z_]\w*\b", place.text):
                if (name not in unknown and name not in declared_here and REGISTRY.is_pre_spec_name(name)
                        and self.headers is not None and self.headers.declaring(name) is not None):
                    unknown.append(name)
        self._refuse_unseen_layer_names(layer_aliases)
        self._refuse_unseen_functions(calls)
        unknown += self._aliases_of_user_prefixes(layout, unknown)
        removed = [name for name in unknown if name in REMOVED_KEYCODES]
        for name in removed:
            self._add_custom(name, self._next_custom_value())
            self.warnings.append(
                f"{name} was a QMK keycode until QMK removed {REMOVED_KEYCODES[name]}: kept as a custom keycode "
                "of the layout, which does nothing unless the C code handles it"
            )
        # A name this file declares in a form keyconf could not read is no header's: it stays unknown.
        declared = {member for members in self.enums for member in members} | set(self.defines)
        unseen = [name for name in unknown if name not in REMOVED_KEYCODES and name not in declared]
        # Declared here under an #if on a setting of the user's config.h (`#ifdef UNICODE_SELECTED_MODES`
        # around the enum of unicode_map[]): the original builds only with it set, and so does keyconf's
        # keymap.c, which keeps that C as written. The keys keep the names.
        under_if = [name for name in unseen if name in _enum_members(self.raw_tokens)]
        if under_if:
            shown = ", ".join(under_if[:8]) + (f" and {len(under_if) - 8} more" if len(under_if) > 8 else "")
            self.warnings.append(
                f"{shown} {'is' if len(under_if) == 1 else 'are'} declared in this file under an #if on a setting "
                "keyconf does not know (the config.h of your build): kept on their keys as names, and that C stays "
                "as written (the layout's c_source), so QMK numbers them as it did the original's"
            )
            for name in under_if:
                self.customs.append(CustomKeycode(name, headers=["QMK_KEYBOARD_H"]))
                self._custom_absolute.append(-1)
            unseen = [name for name in unseen if name not in under_if]
            layout.custom_keycodes = self.customs
        if not unseen:
            return
        headers = [h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)]
        if not headers and self.headers is not None:
            # Names a force-included config.h brought in (a keymap.json's userspace): their header's.
            declaring = [self.headers.declaring(name) for name in unseen]
            if all(declaring):
                headers = sorted({h for h in declaring if h})
        known = {name: kc for name in unseen if (kc := header_keycode(headers, name)) is not None}
        if known:
            declared_in = sorted({kc.header for kc in known.values()})
            self.warnings.append(
                f"{', '.join(list(known)[:8])}{f' and {len(known) - 8} more' if len(known) > 8 else ''} "
                f"{'is a keyboard keycode' if len(known) == 1 else 'are keyboard keycodes'} of "
                f"{' and '.join(declared_in)} "
                "(QK_KB_n): kept on their keys with that header, which keyconf's keymap.c includes as the original "
                "did (keyconf's build puts its folder on make's VPATH, as the original's rules.mk did); VIA, Vial "
                "and keymap.json carry their values"
            )
        shown_names = [name for name in unseen if name not in known]
        read_names = self.headers.names if self.headers is not None else {}
        owning = [h for h in headers if any(name in read_names.get(h, ()) for name in shown_names)]
        if shown_names and all(any(name in read_names.get(h, ()) for h in owning) for name in shown_names):
            headers = owning  # the headers keyconf read that name them (my_keycodes.h, not tapdances.c also included)
        shown = ", ".join(shown_names[:8]) + (f" and {len(shown_names) - 8} more" if len(shown_names) > 8 else "")
        if shown_names and headers:
            where = " or ".join(headers)
            unread = [h for h in headers if self.headers is None or self.headers.found(h) is None]
            if unread == headers:
                where += ", which keyconf cannot see"
            elif unread:
                where += f" (keyconf cannot see {', '.join(unread)})"
            else:  # read, but declared there otherwise than by a #define (an enum of the user's keycodes)
                where += ", which declare them in a form keyconf keeps as names only (not a #define)"
            self.warnings.append(
                f"{shown} come from {where}: kept on their keys as custom keycodes "
                f"defined there (`header:`); keyconf's keymap.c includes {' and '.join(headers)} as the original "
                "did, so "
                "`qmk compile` needs it where it found it (a userspace or the keymap's folder); VIA and Vial "
                "cannot hold them"
            )
        elif shown_names:
            self.warnings.append(
                f"{shown} {'is neither a QMK keycode' if len(shown_names) == 1 else 'are neither QMK keycodes'} nor "
                "defined in this file: "
                "kept on their keys as custom keycodes from the keyboard's own headers or a community module "
                "(`header: QMK_KEYBOARD_H`), as QMK would resolve them; check the spelling if the original did "
                "not build"
            )
        for name in unseen:
            self.customs.append(CustomKeycode(name, headers=list(headers or ["QMK_KEYBOARD_H"])))
            self._custom_absolute.append(-1)
            self.external_headers.update(headers)
        layout.custom_keycodes = self.customs

    def _refuse_unseen_layer_names(self, keys: dict[str, str]) -> None:
        """`LT(T1, KC_SPC)` with T1 a layer's alias in a header keyconf cannot see: which layer the key
        uses is that header's to say. One error naming them and the header, as for its other macros."""
        declared = {member for members in self.enums for member in members} | set(self.defines)
        headers = [h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)]
        unseen = [h for h in headers if self.headers is None or h not in self.headers.read]
        names = [name for name in keys if name not in declared]
        if not names or not unseen:
            return
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        raise FormatError(
            f"{shown} {'names a layer' if len(names) == 1 else 'name layers'} in {' or '.join(unseen)}, which "
            f"keyconf cannot see (`{keys[names[0]]}`): which layer a key uses is that code's to say, not this file's",
            self.path, hint=IN_PLACE_HINT)

    def _refuse_unseen_functions(self, keys: dict[str, str]) -> None:
        """`P(PG_O)`, `PM_MO(PM_CARET)`: a function-like macro of the user's header or a community
        module, which C expands to a value keyconf cannot know. One error naming them and where
        they come from, as for the header's other macros (a typo, with no header, stays a
        validation error with its 'did you mean')."""
        declared = set(self.defines)
        headers = [h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)]
        names = [name for name in keys if name not in declared]
        if not names or not headers:
            return
        unseen = [h for h in headers if self.headers is None or h not in self.headers.read]
        shown = ", ".join(f"{n}(...)" for n in names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        example = f"`{keys[names[0]]}`"
        if unseen:
            raise FormatError(
                f"{shown} {'is a macro' if len(names) == 1 else 'are macros'} from {' or '.join(unseen)}, which "
                f"keyconf cannot see ({example}): the keys they stand for are in that code, not in this file",
                self.path, hint=IN_PLACE_HINT)
        raise FormatError(
            f"{shown} {'is' if len(names) == 1 else 'are'} defined neither in this file nor in {' or '.join(headers)} "
            f"and the headers {'they include' if len(headers) > 1 else 'it includes'} ({example}): most likely "
            "keycodes of a QMK community module (keymap.json `modules`), which keyconf cannot read",
            self.path, hint="QMK's build finds them only with that module; keyconf cannot tell what the keys are")

    def _dance_from_elsewhere(self, name: str) -> bool:
        """Whether `TD(name)` names a tap dance numbered outside this file: by the enum of a header
        its table is indexed with, or, with no table here, by the header or file that has it."""
        return name in self.header_tap_dances or (
            "tap_dance_actions" not in self.found and not any(name in members for members in self.enums))

    def _aliases_of_user_prefixes(self, layout: Layout, unknown: list[str]) -> list[str]:
        """Language aliases that share a prefix the file uses more for names of its own (TR_COPY,
        Turkish F's, beside TR_JMPF, TR_TMUX … from the user's keymap.h): in C they are the user's
        names too, from the same header, unless the file includes that language's header itself."""
        included = included_languages("\n".join(d.text for d in self.includes))
        aliases = [name for name, owner in language_aliases(layout).items() if owner not in included]
        return sorted(aliases_of_own_prefixes(aliases, unknown))

    def _layer_taps_the_c_catches(self, layout: Layout) -> None:
        """Oryx's dual-function keys: `#define DUAL_FUNC_0 LT(13, KC_F15)`, a layer-tap to a layer
        keymaps[] lacks, which process_record_user catches by its name (`case DUAL_FUNC_0:`, a tap and
        a hold of its own, then `return false`). The layer is never reached: the key is a custom
        keycode of the LT's value (QMK still times it as a tap-hold key), its C kept, not a layer tap
        that adds empty layers up to layer 13."""
        count = len(layout.layers)
        raw = self.raw_tokens  # as written: self.tokens has the #defines applied
        cased = {raw[i + 1].text for i, t in enumerate(raw[:-2])
                 if t.is_("case") and raw[i + 1].kind == "ident" and raw[i + 2].is_(":")}
        caught: dict[int, str] = {}
        for name, define in self.defines.items():
            if define.params is not None or name not in cased or not define.body or define.body[0].text != "LT":
                continue
            try:
                keycode = REGISTRY.parse(render(define.body))
                value = REGISTRY.encode(keycode)
            except KeycodeError:
                continue
            if all(isinstance(r, int) and r >= count for r in keycode.layer_refs()) and value not in caught:
                caught[value] = name
        if not caught:
            return
        ctx = keycode_context(layout)
        used: list[str] = []
        for place in keycode_fields(layout):
            try:
                found = caught.get(REGISTRY.encode(REGISTRY.parse(place.text, ctx), ctx))
            except KeycodeError:
                continue
            if found is not None:
                place.set(found)
                if found not in used:
                    used.append(found)
        for value, name in caught.items():
            if name in used:
                self._add_custom(name, value)
                self.consumed_defines.add(name)  # keyconf declares it, with its value
                actions = self._tap_and_hold_of_case(name)
                if actions is not None:
                    custom = next(c for c in self.customs if c.name == name)
                    tap, hold = (self._legend_of(a, ctx) for a in actions)
                    custom.legend = f"{tap}/{hold}"
                    custom.description = f"tap: {actions[0]}, hold: {actions[1]} (done by its C code)"
        layout.custom_keycodes = self.customs
        if used:
            self.warnings.append(
                f"{', '.join(used)}: layer-taps to layers keymaps[] lacks, which process_record_user catches by "
                "name (a tap and a hold of their own, as Oryx's dual-function keys): custom keycodes of the same "
                "value, whose C decides what they do (no empty layers added for them)"
            )

    @staticmethod
    def _legend_of(keycode: str, ctx: ParseContext) -> str:
        try:
            return REGISTRY.legend(REGISTRY.parse(keycode, ctx), ctx).tap
        except KeycodeError:
            return keycode  # a header's name (PL_03): shown as written

    def _tap_and_hold_of_case(self, name: str) -> tuple[str, str] | None:
        """What `case NAME:` of the C does on a tap and on a hold, when it is Oryx's dual-function
        form: `if (record->tap.count > 0) { ... register_code16(TAP) ... } else { ... register_code16(HOLD) ... }`
        then `return false`. For the key's legend and description only: the C stays as written."""
        raw = self.raw_tokens
        start = next((i for i in range(len(raw) - 2) if raw[i].is_("case") and raw[i + 1].text == name
                      and raw[i + 2].is_(":")), None)
        if start is None:
            return None
        end = next((i for i in range(start + 3, len(raw)) if raw[i].is_("return") or raw[i].is_("case")), len(raw))
        body = raw[start + 3 : end]
        texts = [t.text for t in body]
        if "tap" not in texts or "count" not in texts or "else" not in texts:
            return None
        pressed: list[str] = []
        for i, t in enumerate(body[:-1]):
            if t.text in ("register_code16", "register_code") and body[i + 1].is_("("):
                args, _ = split_call_arguments(body, i + 1)
                if len(args) == 1 and args[0] and (_parses(render(args[0])) or len(args[0]) == 1):
                    pressed.append(render(args[0]))
        return (pressed[0], pressed[1]) if len(pressed) == 2 else None

    def _add_layers_keys_name(self, layout: Layout) -> None:
        """`MO(3)` in a keymap of three layers: QMK reads a layer past keymaps[] as all KC_TRNS
        (and VIA's extra layers start so), so the layout gets such layers up to the last named."""
        self._layer_taps_the_c_catches(layout)
        ctx = keycode_context(layout)
        highest = -1
        for place in keycode_fields(layout):
            try:
                refs = REGISTRY.parse(place.text, ctx).layer_refs()
            except KeycodeError:
                continue
            highest = max([highest, *(r for r in refs if isinstance(r, int) and r <= 31)])
        count = len(layout.layers)
        if highest < count:
            return
        taken = set(layout.layer_names)
        for index in range(count, highest + 1):
            member = self.keyless_layers.get(index)
            name = layout_name_for_c_identifier(member) if member else default_layer_name(index)
            while name in taken:
                name += "_"
            taken.add(name)
            if member:
                self.renamed[member] = name  # the C kept still says ZERO: aliased to keyconf's name
            keys = ["KC_TRNS"] * (len(layout.layers[0].keys) if layout.layers else 0)
            layout.layers.append(Layer(name, keys))
        many = highest > count
        self.warnings.append(
            f"keys name layer{'s' if many else ''} {count}{f'–{highest}' if many else ''}, which keymaps[] does not "
            f"define: added as {'empty (KC_TRNS) layers' if many else 'an empty (KC_TRNS) layer'}, as QMK reads "
            "a layer past its keymap (and VIA's spare layers start so)"
        )

    def _next_custom_value(self) -> int:
        own = [v for v in self._custom_absolute if v >= 0]
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        return own[-1] + 1 if own else first.value

    @staticmethod
    def _header_name(directive: str) -> str | None:
        found = re.match(r'#?\s*include\s*"([^"]+)"', directive)
        return found.group(1) if found else None

    def _carry(self, layout: Layout) -> CarriedC:
        planned = plan_names(layout)  # the names keyconf's keymap.c gives things
        generated: dict[str, str] = {}
        for ident, name in self.renamed.items():
            index = layout.layer_index(name)
            if index is not None:
                generated[ident] = planned.layers[index]
            elif name in planned.tap_dances:
                generated[ident] = planned.tap_dances[name]
        generated.update(self.enum_keycode_aliases)
        generated.update(self.enum_counts)
        return carry_c(
            self.text,
            self.path,
            self.consumed,
            self.consumed_defines,
            generated,
            dropped_includes=frozenset(self.external_headers),
            user_includes=frozenset(
                h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)
            ),
            tokens=self.raw_tokens,
        )

    # -- declarations ------------------------------------------------------------------------

    def _collect_enums(self, statement: list[Token]) -> None:
        """Enums: layer names (plain numbers), custom keycodes (from SAFE_RANGE and kin), and
        keycode aliases (`OSM_SFT = OSM(MOD_LSFT)`, read like an object-like #define)."""
        for body in enum_bodies(statement):
            members: dict[str, int | None] = {}
            next_value: int | None = 0
            custom_run = False  # members follow a custom keycode: they are custom keycodes too
            exact_run = True  # their values are C's, not an estimate of an old range end
            is_custom_enum = False
            keycode_after: int | None = None  # the keycode value the last member aliased (`HB_A = JS_0`)
            aliased: str | None = None  # that member's name
            aliases: dict[str, int] = {}  # members that are keycodes, not custom keycodes: their values
            for part in body:
                name = part[0].text
                value: int | None = next_value
                if len(part) == 1 and keycode_after is not None and keycode_after < 0xFFFF:
                    # `HB_B,` after `HB_A = JS_0`: C counts on from JS_0's value, to JS_1.
                    before = REGISTRY.format(REGISTRY.decode(keycode_after))
                    keycode_after += 1
                    spelled = REGISTRY.format(REGISTRY.decode(keycode_after))
                    self.late_defines[name] = Define(name, tokenize(spelled, self.path, part[0].line), None,
                                                     part[0].line)
                    if is_custom_enum:
                        # `LIGHTS,` after `RAISE = LT(_RAISE, KC_ENT)` among custom keycodes: not a keycode
                        # of its own, to C, but RAISE's value plus one.
                        self.warnings.append(
                            f"{name} comes after {aliased} ({before}) in its enum, so C gives it the next value, "
                            f"{spelled}, which the key keeps (the C code's `case {name}:` still catches it)"
                        )
                    aliases[name] = keycode_after
                    aliased = name
                    members[name] = None
                    continue
                keycode_after = None
                if len(part) > 2 and part[1].is_("="):
                    expression = expand(part[2:], self.late_defines)
                    target = unwrap_parentheses(expression)
                    if custom_run and len(target) == 1 and target[0].text in self.custom_values:
                        # `YF_UP = YEGO_FREQ_UP`: another name for a custom keycode, not one more; C counts on
                        # from its value.
                        self.late_defines[name] = Define(name, list(target), None, part[0].line)
                        self.enum_keycode_aliases[name] = target[0].text
                        members[name] = value = self.custom_values[target[0].text]
                        next_value = value + 1
                        continue
                    start = self._custom_range_start(expression)
                    if start is not None:
                        custom_run = is_custom_enum = True
                        value = start
                        # A start keyconf only estimates (an old keyboard's `EZ_SAFE_RANGE`) may land on
                        # another enum's values where old QMK's did not; an exact one lands where C does.
                        exact_run = not any(t.kind == "ident" and t.text.endswith(_OLD_RANGE_SUFFIX)
                                            and t.text not in self.header_ranges for t in expression)
                    else:
                        custom_run = False
                        try:
                            value = IntExpression(expression, self.enum_values).evaluate()
                        except (ValueError, FormatError):
                            value = None
                            if self._is_keycode(expression):
                                self.late_defines[name] = Define(name, list(expression), None, part[0].line)
                                keycode_after = self._keycode_value(self._layers_as_numbers(expression))
                                aliased = name
                                if keycode_after is not None:
                                    aliases[name] = keycode_after
                members[name] = value
                taken = next((c for c, v in self.custom_values.items() if v == value), None)
                if custom_run and value is not None and self._names_qmk_keycode(name):
                    self.qmk_named.append(name)
                elif custom_run and value is not None and exact_run and taken is not None and taken != name:
                    # `RGB_SLD = ML_SAFE_RANGE` with `#define ML_SAFE_RANGE SAFE_RANGE` (Oryx's sources),
                    # after `SELWORD = SAFE_RANGE`: C gives both one value, so RGB_SLD is another name
                    # for SELWORD, not a second keycode of the same value.
                    self.late_defines[name] = Define(name, [Token("ident", taken, part[0].line, part[0].column)],
                                                     None, part[0].line)
                    self.enum_keycode_aliases[name] = taken
                    self.warnings.append(
                        f"{name} gets the value of {taken} (0x{value:04X}) in C, both counted from SAFE_RANGE: "
                        f"one keycode, {taken}, which its keys hold (the C code's `case {name}:` still catches it)"
                    )
                elif custom_run and value is not None:
                    self._add_custom(name, value)
                elif value is not None:
                    self.enum_values[name] = value
                next_value = value + 1 if value is not None else None
            self.enums.append(members)
            self.enum_statements.append((members, statement))
            if is_custom_enum:
                self.custom_enum_statements.append(statement)
                # The layout holds the custom keycodes and keyconf declares them; the kept C still names
                # the enum's other members (`case LOWER:`), so it gets them as the keycodes they are.
                for alias, code in aliases.items():
                    self.enum_keycode_aliases[alias] = REGISTRY.format(REGISTRY.decode(code))
            return

    def _layers_as_numbers(self, expression: list[Token]) -> list[Token]:
        """`LT(_RAISE, KC_SPC)` as C reads it once the layer enum is known: `LT(2, KC_SPC)`."""
        return [Token("number", str(self.enum_values[t.text]), t.line, t.column)
                if t.kind == "ident" and t.text in self.enum_values and REGISTRY.get(t.text) is None else t
                for t in expression]

    def _custom_range_start(self, expression: list[Token]) -> int | None:
        """The value a custom keycode range starts at, when `expression` is one
        (`SAFE_RANGE`, `QK_USER`, `QK_KB_0`, `USER00`, `NEW_SAFE_RANGE`, `SAFE_RANGE + 2`)."""
        names = [t.text for t in expression if t.kind == "ident"]
        if not names:
            return None
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        values: dict[str, int] = {}
        for name in names:
            definition = REGISTRY.get(name)
            if name in _USER_RANGE:
                values[name] = first.value
            elif name in self.header_ranges:
                values[name] = self.header_ranges[name]
            elif name.endswith(_OLD_RANGE_SUFFIX):
                values[name] = first.value
                self.warnings.append(
                    f"{name} was a keyboard's range end in old QMK; custom keycodes after it are numbered "
                    "from SAFE_RANGE (QMK's QK_USER), where QMK puts a keymap's own keycodes now"
                )
            elif name in self.custom_values:
                values[name] = self.custom_values[name]
            elif definition is not None and definition.group in ("user", "kb"):
                values[name] = definition.value
            elif name in self.enum_values:  # SAFE_RANGE + NUMBER_OF_LAYERS
                values[name] = self.enum_values[name]
            else:
                return None
        if not any(n in _USER_RANGE or n.endswith(_OLD_RANGE_SUFFIX) or n in self.custom_values
                   or n in self.header_ranges
                   or (REGISTRY.get(n) is not None and REGISTRY.get(n).group in ("user", "kb"))  # type: ignore[union-attr]
                   for n in names):
            return None  # plain numbers: not a keycode range
        try:
            return IntExpression(expression, values).evaluate() & 0xFFFF
        except ValueError:
            return None

    @property
    def custom_values(self) -> dict[str, int]:
        return {c.name: v for c, v in zip(self.customs, self._custom_absolute, strict=True)}

    def _names_qmk_keycode(self, name: str) -> bool:
        """Whether today's QMK headers declare `name` (an enum of the file's own cannot, then): QMK's
        own, or the board's through QMK_KEYBOARD_H (an old Oryx ErgoDox keymap's `TOGGLE_LAYER_COLOR,`
        in its custom keycodes, which ergodox_ez.h now declares)."""
        if REGISTRY.get(name) is not None and not REGISTRY.is_pre_spec_name(name):
            return True
        return (any("QMK_KEYBOARD_H" in d.text for d in self.includes)
                and header_keycode(["QMK_KEYBOARD_H"], name, self.keyboard) is not None)

    def _add_custom(self, name: str, value: int) -> None:
        """A custom keycode with its firmware value; pinned only where C-enum counting from
        SAFE_RANGE would give another value."""
        if any(c.name == name for c in self.customs):  # C refuses a redeclared enumerator; keep the first
            self.warnings.append(f"custom keycode {name} is declared twice; the first declaration counts")
            return
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        expected = self._next_custom_value()
        self.customs.append(CustomKeycode(name, value=None if value == expected else value))
        self._custom_absolute.append(value)
        self.custom_keycode_names.add(name)

    def _is_keycode(self, expression: list[Token]) -> bool:
        """Whether `expression` reads as a keycode (layer identifiers allowed: resolved later)."""
        text = render(unwrap_parentheses(expression))
        if not text or any(t.kind in ("string", "char") for t in expression):
            return False
        try:
            REGISTRY.parse(text)
            return True
        except KeycodeError as error:
            # A layer identifier (`LT(_NAV, KC_SPC)`) is resolved once the layer names are known.
            return "layer" in error.message

    @staticmethod
    def _keycode_value(expression: list[Token]) -> int | None:
        """The value of a keycode expression that needs no layout (`JS_0`, `KC_A`); None otherwise."""
        try:
            return REGISTRY.encode(REGISTRY.parse(render(unwrap_parentheses(expression))))
        except KeycodeError:
            return None

    def _collect_function(self, statement: list[Token]) -> None:
        if not statement or not statement[-1].is_("}"):
            return
        for i, t in enumerate(statement):
            if t.is_("("):
                if i > 0 and statement[i - 1].kind == "ident" and not any(s.is_("=") for s in statement[:i]):
                    self.functions.append(statement[i - 1].text)
                return

    def _find_array(self, name: str, type_names: tuple[str, ...] = ()) -> list[Token] | None:
        """The tokens inside `{…}` of the array initializer `name[…] = {…}` (its statement is
        remembered in `found`)."""
        for statement in self.statements:
            for i, t in enumerate(statement):
                if not (t.kind == "ident" and t.text == name):
                    continue
                if type_names and not any(s.text in type_names for s in statement[:i]):
                    continue
                j = i + 1
                while j < len(statement) and statement[j].is_("["):
                    j = find_matching(statement, j) + 1
                while j < len(statement) and statement[j].kind == "ident":
                    j += 1  # PROGMEM after the brackets
                if j >= len(statement) or not statement[j].is_("="):
                    continue
                j += 1
                if j < len(statement) and statement[j].is_("("):
                    # `(const key_override_t *[]){ ... }` compound literal
                    j = find_matching(statement, j) + 1
                if j >= len(statement) or not statement[j].is_("{"):
                    where = statement[j] if j < len(statement) else t
                    raise FormatError(f"`{name}` is not initialized with {{...}}", self.path, where.line, where.column)
                close = find_matching(statement, j)
                self.found[name] = statement
                return statement[j + 1 : close]
        return None

    def _entries(self, body: list[Token]) -> list[_Entry]:
        entries: list[_Entry] = []
        for part in split_top_level(body):
            if not part:
                continue
            if part[0].is_("["):
                close = find_matching(part, 0)
                if close == 1:
                    raise FormatError("an empty index `[]` names no layer", self.path, part[0].line, part[0].column,
                                      hint="write the layer's number or name between the brackets, e.g. [_BASE]")
                if close + 1 < len(part) and part[close + 1].kind == "ident" and not self.bare_designator_noted:
                    # `[_NAV] LAYOUT(...)`: GCC's obsolete designator without '=', which it accepts.
                    self.bare_designator_noted = True
                    self.warnings.append(f"line {part[0].line}: `[{render(part[1:close])}]` has no '=' before its "
                                         "value, an obsolete GCC form QMK builds; read as `[…] = …`")
                elif close + 1 >= len(part) or not part[close + 1].is_("="):
                    if close + 1 >= len(part) or part[close + 1].kind != "ident":
                        t = part[close + 1] if close + 1 < len(part) else part[close]
                        raise FormatError("expected '=' after the designator", self.path, t.line, t.column)
                value = part[close + 2 :] if part[close + 1].is_("=") else part[close + 1 :]
                if not value:
                    emptied = next((d for d in self.defines.values()
                                    if d.name.startswith("LAYOUT") and d.params is not None and not d.body), None)
                    if emptied is not None:
                        # `#define LAYOUT_split_3x6_3(__VA_ARGS__)`: the layout macro made to vanish.
                        raise FormatError(
                            f"the file defines {emptied.name}(...) as nothing (`#define {emptied.name}("
                            f"{', '.join(emptied.params or [])})`), so its layers hold no keys: QMK cannot build it "
                            "either", self.path, emptied.line,
                            hint="delete that #define: the keyboard's own layout macro places the keys")
                    raise FormatError("designator without a value", self.path, part[0].line, part[0].column)
                entries.append(_Entry(part[1:close], value, part[0].line))
            else:
                entries.append(_Entry(None, part, part[0].line))
        return entries

    def _int(self, tokens: list[Token]) -> int:
        try:
            return IntExpression(expand(tokens, self.late_defines), self.enum_values).evaluate()
        except ValueError as error:
            if not tokens:
                raise FormatError("an empty index names no layer", self.path, 1, 1) from None
            t = tokens[0]
            raise FormatError(
                f"cannot work out the index `{render(tokens)}` ({error})",
                self.path,
                t.line,
                t.column,
                hint="layer indices must be numbers, or names from an enum or #define in this file",
            ) from None

    # -- layers ------------------------------------------------------------------------------

    def _spread_ranges(self, entries: list[_Entry]) -> list[_Entry]:
        """`[1 ... DYNAMIC_KEYMAP_LAYER_COUNT - 1] = LAYOUT(...)` (GCC's range designator) gives
        each layer of the range the same keys: one entry per layer, numbered."""
        spread: list[_Entry] = []
        for entry in entries:
            if entry.designator is None or len(split_top_level(entry.designator, "...")) != 2:
                spread.append(entry)
                continue
            if "DYNAMIC_KEYMAP_LAYER_COUNT" not in self.late_defines and "DYNAMIC_KEYMAP_LAYER_COUNT" not in (
                    self.enum_values):
                self.enum_values["DYNAMIC_KEYMAP_LAYER_COUNT"] = 4  # QMK's default (quantum/dynamic_keymap.c)
                self.warnings.append("DYNAMIC_KEYMAP_LAYER_COUNT is read as QMK's default, 4 (the file's config.h "
                                     "may set another)")
            for index in self._designated_range(entry, 0):
                spread.append(_Entry([Token("number", str(index), entry.line, 1)], entry.value, entry.line))
        return spread

    def _layer_indices(self, entries: list[_Entry]) -> tuple[list[str], list[int]]:
        idents: list[str] = []
        indices: list[int] = []
        next_index = 0
        unresolved = [
            e.designator[0].text
            for e in entries
            if e.designator is not None
            and len(e.designator) == 1
            and e.designator[0].kind == "ident"
            and not self._resolvable(e.designator)
        ]
        first_unresolved = next((i for i, e in enumerate(entries) if e.designator is not None
                                 and len(e.designator) == 1 and e.designator[0].text in unresolved), len(entries))
        resolved_first = entries[:first_unresolved]
        if (unresolved and len(unresolved) == len(entries) - len(resolved_first)
                and all(e.designator is not None and self._resolvable(e.designator) for e in resolved_first)):
            # The layer enum (or its last names) lives in a header this file includes: number those
            # layers in order, after the ones this file numbers.
            start = max((self._int(e.designator) for e in resolved_first if e.designator is not None), default=-1) + 1
            unresolved = list(dict.fromkeys(unresolved))  # a layer given twice is one layer (the later counts)
            self.warnings.append(
                f"layer names {', '.join(unresolved)} are defined outside this file; "
                f"numbered them {'from ' + str(start) + ' ' if start else ''}in the order keymaps[] lists them"
            )
            for index, ident in enumerate(unresolved, start):
                self.enum_values[ident] = index
        for entry in entries:
            if entry.designator is None:
                index = next_index
            else:
                index = self._int(entry.designator)
                if len(entry.designator) == 1 and entry.designator[0].kind == "ident":
                    idents.append(entry.designator[0].text)
            if index < 0 or index > 31:
                raise FormatError(f"layer index {index} is out of range 0..31", self.path, entry.line)
            indices.append(index)
            next_index = index + 1
        return idents, indices

    def _resolvable(self, tokens: list[Token]) -> bool:
        try:
            IntExpression(expand(tokens, self.late_defines), self.enum_values).evaluate()
        except (ValueError, FormatError):
            return False
        return True

    def _designated_range(self, entry: _Entry, positional: int) -> range:
        """Indices an entry sets: its designator, a GNU range `[1 ... 7]`, or the next position."""
        if entry.designator is None:
            return range(positional, positional + 1)
        parts = split_top_level(entry.designator, "...")
        if len(parts) == 2:
            low, high = self._int(parts[0]), self._int(parts[1])
            if high < low or high - low > 255:
                raise FormatError(f"bad index range {low} ... {high}", self.path, entry.line)
            return range(low, high + 1)
        index = self._int(entry.designator)
        return range(index, index + 1)

    def _layer_names(self, idents: list[str], indices: list[int], count: int) -> list[str]:
        names = [default_layer_name(i) for i in range(count)]
        by_index = {self._int(ident_tokens(ident)): ident for ident in idents}
        # A layer enum also names layers the array leaves out.
        layer_enum = self._layer_enum(idents)
        for member, value in layer_enum.items():
            if value is not None and value < count and value not in by_index:
                by_index[value] = member
        taken: set[str] = set()
        for index, ident in sorted(by_index.items()):
            if index >= count:
                continue
            name = layout_name_for_c_identifier(ident)
            if name in taken:
                name = ident
            names[index] = name
            taken.add(name)
        return names

    def _layer_enum(self, idents: list[str]) -> dict[str, int | None]:
        """The enum of the layers: the one the designators name, else (`[0] = …`, as QMK's json2c
        writes) the one whose members the keys use as layers (`LT(SYM, KC_TAB)`)."""
        named = idents or self.used_as_layers
        return next((e for e in self.enums if any(i in e for i in named)), {})

    def _names_used_as_layers(self, entries: list[_Entry]) -> list[str]:
        used: list[str] = []
        for entry in entries:
            tokens = entry.value
            for i, t in enumerate(tokens[2:], 2):
                if (t.kind == "ident" and tokens[i - 1].is_("(") and tokens[i - 2].text in _LAYER_ARGUMENT
                        and tokens[i - 2].text != "TD" and t.text in self.enum_values):
                    used.append(t.text)
        return list(dict.fromkeys(used))

    def _other_layer_symbols(self, idents: list[str], names: list[str]) -> dict[str, str]:
        """Enum members of the layer enum that the array does not designate still name layers; one
        past the array's layers (`LT(ZERO, KC_A)`, ZERO a layer with no keys, held for its tap-hold
        in C) is the layer number C gives it, which QMK reads as all KC_TRNS."""
        layer_enum = self._layer_enum(idents)
        symbols: dict[str, str] = {}
        for member, value in layer_enum.items():
            if value is not None and value < len(names) and member not in idents:
                symbols[member] = names[value]
            elif value is not None and len(names) <= value < _MAX_LAYERS and member not in idents:
                symbols[member] = str(value)
                self.keyless_layers[value] = member
        return symbols

    @staticmethod
    def _raw_matrix_rows(value: list[Token]) -> list[list[list[Token]]] | None:
        """`{ {k00, k01}, {k10, k11} }`: the keys of each row; None when it is not rows of keys."""
        if find_matching(value, 0) != len(value) - 1:
            return None
        parts = split_top_level(value[1:-1])
        if parts and not parts[-1]:
            parts.pop()  # a trailing comma
        rows: list[list[list[Token]]] = []
        for part in parts:
            if not part or not part[0].is_("{") or find_matching(part, 0) != len(part) - 1:
                return None
            keys = split_top_level(part[1:-1])
            if keys and not keys[-1]:
                keys.pop()
            if not keys or not all(keys):
                return None
            rows.append(keys)
        return rows or None

    def _layout_call(self, entry: _Entry, symbols: dict[str, str]) -> tuple[str, list[str]]:
        keep = frozenset(symbols)
        value = expand(entry.value, self.late_defines, keep)
        rows = self._raw_matrix_rows(value) if value and value[0].is_("{") and self.mixed_macros else None
        if rows:
            # QMK's keymaps[] is the matrix: rows of keys (a C row shorter than the matrix is KC_NO after).
            columns = max(len(row) for row in rows)
            in_rows: list[str] = []
            for row in rows:
                in_rows += [self._keycode_text(arg, symbols) for arg in row] + ["KC_NO"] * (columns - len(row))
            return raw_matrix_macro(columns), in_rows
        if value and value[0].is_("{"):
            raise FormatError(
                "this layer is a raw matrix initializer ({...}), not a LAYOUT macro call",
                self.path,
                value[0].line,
                value[0].column,
                hint="rewrite the layer with the keyboard's LAYOUT_* macro, or import the VIA/Vial save instead",
            )
        if len(value) < 3 or value[0].kind != "ident" or not value[1].is_("("):
            t = value[0] if value else Token("punct", "", entry.line, 1)
            unseen = self._unseen_macros(entry.value) if value and value[0].kind == "ident" else ""
            if unseen:
                raise FormatError(f"{unseen}: the layers of keymaps[] are in that code, not in this file",
                                  self.path, t.line, t.column, hint=IN_PLACE_HINT)
            raise FormatError(
                f"expected a layout macro call like LAYOUT_xxx(...), found `{render(value[:6])}`",
                self.path,
                t.line,
                t.column,
            )
        args, end = split_call_arguments(value, 1)
        stray = next((t for t in value if t.kind == "punct" and t.text not in PUNCTUATORS
                      and not t.text.isalpha() and t.text != "$"), None)  # gcc takes both in names
        if stray is not None:
            # `│KC_TAB, │KC_Q,` (a drawing's box lines among the keys): no C character, so gcc stops at it
            # ("stray in program") where a count of the keys would only say how many it wrongly made.
            raise FormatError(
                f"`{stray.text}` in {value[0].text}(...) is not C: the compiler stops at this stray character",
                self.path, stray.line, stray.column,
                hint="remove it from the key list (a drawing of the keys belongs in a // or /* */ comment)",
            )
        if end != len(value):
            t = value[end]
            raise FormatError(f"unexpected `{t.text}` after the layout macro call", self.path, t.line, t.column)
        macro = value[0].text
        if _KC_PASTING.fullmatch(macro) and macro not in self.defines:
            macro, args = self._kc_pasted(macro, args, keep)
        keys: list[str] = []
        for number, arg in enumerate(args, start=1):
            if not arg:
                before = args[number - 2][-1] if number > 1 and args[number - 2] else value[1]
                unseen = self._unseen_macros(entry.value)
                if unseen:
                    raise FormatError(f"{unseen}: the keys of keymaps[] are in that code, not in this file (read "
                                      f"without it, key {number} of {value[0].text}(...) is empty)",
                                      self.path, before.line, before.column, hint=IN_PLACE_HINT)
                why = "a comma before the closing parenthesis" if number == len(args) else "two commas in a row"
                raise FormatError(
                    f"key {number} of {value[0].text}(...) is empty ({why}?)",
                    self.path,
                    before.line,
                    before.column,
                    hint="QMK cannot build an empty argument either",
                )
            second = _second_key_at(arg)
            if second is not None:
                t = arg[second]
                raise FormatError(
                    f"key {number} of {value[0].text}(...) is two keys with no comma between them: "
                    f"`{render(arg[:second])}` `{render(arg[second:])}`",
                    self.path, t.line, t.column,
                    hint="add the missing comma before the second key; QMK cannot build this either",
                )
            keys.append(self._keycode_text(arg, symbols))
        return macro, keys

    def _kc_pasted(self, macro: str, args: list[list[Token]], keep: frozenset[str]) -> tuple[str, list[list[Token]]]:
        """QMK's `LAYOUT_kc(LGUI, A, NAV)` (board headers defined it until QMK removed it in 2021):
        each key is `KC_##key`, through the board's LAYOUT; the file's `#define KC_NAV ...` apply."""
        plain = re.sub(r"^KC_(KEYMAP|LAYOUT)", r"\1", macro).replace("_kc", "", 1).replace("_KC", "", 1)
        if not self.kc_pasting_noted:
            self.kc_pasting_noted = True
            self.warnings.append(f"{macro}(...) is old QMK's {plain}(...) that puts KC_ before each key (boards "
                                 f"defined it until 2021): read as {plain} with KC_ keys")
        kept = keep | frozenset(n for n, d in self.defines.items() if _kept_for_later(d))
        pasted: list[list[Token]] = []
        for number, arg in enumerate(args):
            if not arg:  # `KC_##` of nothing: the file's `#define KC_ KC_TRNS`, the idiom's blank key
                where = args[number - 1][-1] if number and args[number - 1] else Token("ident", "", 0, 0)
                arg = expand([Token("ident", "KC_", where.line, where.column)], self.defines, kept)
            elif len(arg) == 1 and arg[0].kind in ("ident", "number") and not arg[0].text.startswith("KC_"):
                name = Token("ident", f"KC_{arg[0].text}", arg[0].line, arg[0].column)
                arg = expand([name], self.defines, kept)
            pasted.append(arg)
        return plain, pasted

    def _user_headers(self) -> list[str]:
        """The quoted headers the file includes that are not QMK's: a userspace, the user's own files."""
        return [h for h in (self._header_name(d.text) for d in self.includes) if h and not _is_qmk_header(h)]

    def _unseen_macros(self, tokens: list[Token]) -> str:
        """Names called like macros in `tokens` (before expansion) that neither this file nor QMK
        defines, said with the headers they must come from: a userspace wrapper
        (`KB(HRM(LAYER_QWERTY))`) that expands to many keys keyconf cannot count."""
        names = [t.text for i, t in enumerate(tokens[:-1])
                 if t.kind == "ident" and tokens[i + 1].is_("(") and t.text not in self.defines
                 and not t.text.startswith("LAYOUT") and not _is_keycode_function(t.text)]
        # Row names a wrapper fills in (`QWERTY_L1`): nothing here or in QMK knows them.
        names += [t.text for i, t in enumerate(tokens) if t.kind == "ident" and t.text not in self.defines
                  and (i + 1 == len(tokens) or not tokens[i + 1].is_("(")) and not _names_keycode(t.text)
                  and t.text not in self.enum_values and t.text not in self.custom_keycode_names
                  and not t.text.startswith("LAYOUT")]
        names = list(dict.fromkeys(names))
        if not names:
            return ""
        more = len(names) - 4
        names = names[:4]
        headers = self._user_headers()
        where = f"from {' or '.join(headers)}, which keyconf cannot see" if headers else "defined nowhere in the file"
        if headers and self.headers is not None and all(self.headers.found(h) is not None for h in headers):
            # Found where QMK's build finds them, and they lack the names: a keymap older or newer than them.
            includes = "they include" if len(headers) > 1 else "it includes"
            where = (f"defined neither in the file nor in {' or '.join(headers)} and the headers {includes} "
                     f"(keyconf read them from {self.headers.found(headers[0])}): QMK's build, which reads "
                     "the same files, cannot find them either")
        called = {t.text for i, t in enumerate(tokens[:-1]) if tokens[i + 1].is_("(")}
        shown = ", ".join(f"{n}(...)" if n in called else n for n in names) + (f" and {more} more" if more > 0 else "")
        return f"{shown} {'is a macro' if len(names) == 1 else 'are macros'} {where}"

    def _keycode_text(self, tokens: list[Token], symbols: dict[str, str]) -> str:
        tokens = unwrap_parentheses(tokens)
        if len(tokens) == 1 and tokens[0].text not in symbols and tokens[0].text in _MOD_CONSTANT_NAMES:
            # `MOD_MEH` alone as a key: QMK's modifier constant is a number to C (0x07), and keymaps[]
            # holds that number, a basic keycode (KC_D). Read as the firmware has it, said so.
            name = tokens[0].text
            bits = _mod_constant_value(name)
            assert bits is not None
            text = REGISTRY.format(REGISTRY.decode(bits))
            self.warnings.append(f"line {tokens[0].line}: {name} is QMK's modifier constant 0x{bits:02X}, not a "
                                 f"keycode: as a key QMK builds {text} (a key holding those modifiers is "
                                 f"OSM({name}) or MT({name}, kc))")
            return text
        renamed: list[Token] = []
        for i, t in enumerate(tokens):
            if t.kind != "ident":
                renamed.append(t)
                continue
            names_a_layer = (i >= 2 and tokens[i - 1].is_("(") and tokens[i - 2].text in _LAYER_ARGUMENT
                             and i + 1 < len(tokens) and (tokens[i + 1].is_(",") or tokens[i + 1].is_(")")))
            if t.text in symbols and (names_a_layer or t.text not in self.enum_values):
                renamed.append(Token(t.kind, symbols[t.text], t.line, t.column))
            elif (not names_a_layer and t.text in self.enum_values and REGISTRY.get(t.text) is None
                  and not (i + 1 < len(tokens) and tokens[i + 1].is_("("))):  # `LT(` calls LT() even with an enum LT
                # An enum constant where a keycode goes (`LT(FN, BASE)`, BASE = 0 of the layer
                # enum) is its number, as C reads it: here KC_NO. A Unicode map index (`UM(UNI_AE)`)
                # is written as the index it is.
                value = self.enum_values[t.text]
                index = _enclosing_call(tokens, i) in _UNICODE_MAP_CALLS
                renamed.append(Token("number", str(value) if index else f"0x{value & 0xFFFF:04X}", t.line, t.column))
            elif names_a_layer and tokens[i - 2].text != "TD" and t.text in self.custom_values:
                # `MO(FN)` with FN a custom keycode, not the layer _FN: QMK keeps the low bits of its
                # value as the layer (FN = SAFE_RANGE + 4 is layer 4), so that layer it is.
                layer = self.custom_values[t.text] & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                self.warnings.append(f"`{tokens[i - 2].text}({t.text})`: {t.text} is a custom keycode, not a layer; "
                                     f"QMK keeps the low bits of its value, so the key uses layer {layer}")
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif names_a_layer and tokens[i - 2].text != "TD" and (bits := _mod_constant_value(t.text)) is not None:
                # `MO(MOD_LALT)`: QMK's modifier constant is a number to C (MOD_LALT is 0x04), and the
                # layer key keeps its low bits, so the key uses that layer.
                layer = bits & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                self.warnings.append(f"`{tokens[i - 2].text}({t.text})`: {t.text} is QMK's modifier constant "
                                     f"0x{bits:02X}, not a layer; QMK keeps its low bits, so the key uses layer "
                                     f"{layer}")
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif (names_a_layer and tokens[i - 2].text != "TD" and t.text not in self.enum_values
                  and (basic := self._keycode_value([t])) is not None and basic <= 0xFF):
                # `LT(KC_NO, KC_SPC)` (a placeholder the C code retargets): a key where QMK wants a layer is
                # a number to C, and the layer key keeps its low bits, so the key uses that layer.
                layer = basic & (0x0F if tokens[i - 2].text in ("LT", "LM") else 0x1F)
                said = (f"`{tokens[i - 2].text}({t.text}, …)`: {t.text} is a key, not a layer; QMK keeps the low "
                        f"bits of its value 0x{basic:02X}, so the key uses layer {layer}")
                if said not in self.warnings:
                    self.warnings.append(said)
                renamed.append(Token("number", str(layer), t.line, t.column))
            elif names_a_layer and tokens[i - 2].text == "TD" and t.text in self.enum_values:
                # TD(X) of a dance whose table keyconf did not read: the number C gives X.
                renamed.append(Token("number", str(self.enum_values[t.text]), t.line, t.column))
            elif names_a_layer and t.text in self.enum_values and 0 <= self.enum_values[t.text] <= 0xFF:
                # `LT(T1, KC_SPC)` with `T1 = TYPING_1`, a layer's alias in an enum (a header's): the
                # layer of the number C gives it.
                renamed.append(Token("number", str(self.enum_values[t.text]), t.line, t.column))
            else:
                renamed.append(t)
        for t in renamed:
            if t.kind in ("string", "char") or (t.kind == "punct" and t.text in "{};="):
                raise FormatError(f"`{render(tokens)}` is not a keycode expression", self.path, t.line, t.column)
        renamed = self._modifier_keys_as_mods(
            self._action_mods_keys(self._removed_wrappers(self._layer_arithmetic(renamed))))
        text = self._computed_keycode(render(self._layer_key_as_layer(renamed)), renamed)
        return self._modifiers_around_a_wide_keycode(text)

    def _layer_arithmetic(self, tokens: list[Token]) -> list[Token]:
        """`TG(ADD_LAYER + 1)` with `#define ADD_LAYER (SCROLL_LAYER + 1)`: a layer argument C computes
        (numbers, the file's enum constants) is the layer of the number it comes to."""
        out = list(tokens)
        for i in range(len(out) - 2, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text in _LAYER_ARGUMENT and out[i + 1].is_("(")):
                continue
            args, _ = split_call_arguments(out, i + 1)
            layer = args[0] if args else []
            if not any(u.kind == "punct" and u.text not in "()" for u in layer):
                continue
            if not all(u.kind == "number" or u.kind == "punct" or u.text in self.enum_values for u in layer):
                continue
            try:
                value = IntExpression(layer, self.enum_values).evaluate()
            except (ValueError, FormatError):
                continue
            start = next(j for j, u in enumerate(out) if u is layer[0])
            end = next(j for j, u in enumerate(out) if u is layer[-1])
            out[start:end + 1] = [Token("number", str(value), layer[0].line, layer[0].column)]
        return out

    def _removed_wrappers(self, tokens: list[Token]) -> list[Token]:
        """`ALTG(KC_DEL)` of a 2016-2018 keymap: a modifier wrapper QMK removed, whose value today's
        wrapper of the same modifiers makes (RCA(KC_DEL)); read as that, with a note once a file."""
        out = list(tokens)
        for i, t in enumerate(out[:-1]):
            if t.kind == "ident" and t.text in REMOVED_WRAPPERS and out[i + 1].is_("("):
                today, removal = REMOVED_WRAPPERS[t.text]
                out[i] = Token("ident", today, t.line, t.column)
                if t.text not in self._said:
                    self._said.add(t.text)
                    self.warnings.append(f"{t.text}() is read as {today}(), the same modifiers: {removal}")
        return out

    def _action_mods_keys(self, tokens: list[Token]) -> list[Token]:
        """`ACTION_MODS_KEY(MOD_LSFT, KC_TAB)` on a key (TMK's action, which QMK's action_code.h still
        defines): its value is the key with those modifiers, the modded keycode QMK has for it,
        LSFT(KC_TAB). The modifier bits sit where a mod-tap's do, so MT()'s reading of them serves."""
        out = list(tokens)
        for i in range(len(out) - 2, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text == "ACTION_MODS_KEY" and out[i + 1].is_("(")):
                continue
            args, end = split_call_arguments(out, i + 1)
            if len(args) != 2 or not all(args):
                continue
            try:
                mod_tap = REGISTRY.encode(REGISTRY.parse(f"MT({render(args[0])}, {render(args[1])})"))
            except KeycodeError:
                continue
            spelled = REGISTRY.format(REGISTRY.decode(mod_tap & 0x1FFF))  # QK_MODS: mods << 8 | key
            if "ACTION_MODS_KEY" not in self._said:
                self._said.add("ACTION_MODS_KEY")
                self.warnings.append(f"ACTION_MODS_KEY() (TMK's action) is read as the modded keycode of the "
                                     f"same value, e.g. {render(out[i:end])} as {spelled}")
            out[i:end] = tokenize(spelled, self.path, t.line)
        return out

    def _modifiers_around_a_wide_keycode(self, text: str) -> str:
        """`LSFT(QK_MAKE)`: QMK's LSFT() ORs the Shift bit into any value, so a keycode wider than a
        basic one becomes another keycode (QK_MAKE | 0x0200), most likely not what the user meant:
        the key is that value, with a warning."""
        found = re.fullmatch(r"([A-Z_]+)\((.+)\)", text)
        if found is None or found.group(1) not in MOD_WRAPPERS:
            return text
        if _parses(text):
            return text
        try:
            inner = REGISTRY.encode(REGISTRY.parse(found.group(2)))
            bits = REGISTRY.encode(REGISTRY.parse(f"{found.group(1)}(KC_NO)"))
        except KeycodeError:
            return text
        if inner <= 0xFF:
            return text
        value = REGISTRY.format(REGISTRY.decode((inner | bits) & 0xFFFF))
        self.warnings.append(f"`{text}`: QMK's {found.group(1)}() ORs its modifier bits into {found.group(2)}, which "
                             f"is wider than a basic keycode, so the key is {value}, not {found.group(2)} with the "
                             "modifier held (that takes C code)")
        return value

    def _modifier_keys_as_mods(self, tokens: list[Token]) -> list[Token]:
        """`MT(KC_LALT, KC_SPC)`: a modifier KEY where QMK wants MOD_ bits. QMK's macro keeps the low
        5 bits of its value (KC_LALT is 0xE2: MOD_LSFT), so the key is what those bits say; written
        so, with a warning, since the user most likely meant MOD_LALT. So too a keycode expression
        there (a keymap.json's `MT(LALT(KC_G), KC_SPC)`, which json2c pastes into C)."""
        out = list(tokens)
        for i in range(len(out) - 3, -1, -1):
            t = out[i]
            if not (t.kind == "ident" and t.text in _MODS_ARGUMENT and out[i + 1].is_("(")):
                continue
            args, _ = split_call_arguments(out, i + 1)
            which = _MODS_ARGUMENT[t.text]
            if len(args) <= which or not args[which] or any(a.text.startswith("MOD_") for a in args[which]):
                continue
            key = args[which][0]
            if len(args[which]) > 1:
                value = self._keycode_value(args[which]) if key.kind == "ident" and args[which][1].is_("(") else None
                if value is None or value <= 0xFF:
                    continue
                written = render(args[which])
                meant = (f"{t.text}() holds modifiers only: a key held for {written} needs C code or a tap dance"
                         if t.text != "OSM" else "OSM() holds modifiers only")
                mods = format_mods(from_qmk5(value & 0x1F)) if value & 0x1F else ""
                if mods:
                    self.warnings.append(
                        f"line {key.line}: {t.text}() takes MOD_ modifiers, but gets {written}: QMK keeps the low 5 "
                        f"bits of its value, {mods}, so that is what the key holds ({meant})"
                    )
                    start = next(j for j, u in enumerate(out) if u is key)
                    end = next(j for j, u in enumerate(out) if u is args[which][-1])
                    out[start:end + 1] = tokenize(mods, self.path, key.line)
                continue
            basic = self._keycode_value([key]) if key.kind == "ident" else None
            if basic is not None and basic <= 0xFF:
                # `MT(KC_LCTL, kc)`, `MT(XXXXXXX, kc)`: a key where QMK wants MOD_ bits; C takes its value's
                # low 5 bits as they are.
                value = basic
                meant = (f"write {_MODIFIER_BITS[value - 0xE0]} for that modifier" if 0xE0 <= value <= 0xE7
                         else f"{key.text} is a key, not a modifier")
            elif key.text.startswith("KC_"):
                continue
            elif key.kind == "ident":
                try:  # a number of the file's (`MT(NUMP, KC_ENT)`, NUMP a custom keycode or a layer)
                    values = {**self.enum_values, **self.custom_values}
                    value = IntExpression(expand([key], self.late_defines), values).evaluate()
                except (ValueError, FormatError):
                    continue
                meant = "LT() holds a layer; a custom keycode is handled in C"
            else:
                continue  # a number: the modifier bits themselves, read as such
            if not value & 0x1F and t.text == "OSM" and len(args) == 1:
                # `OSM(KC_LCTL)`: KC_LCTL is 0xE0, whose low 5 bits are all 0; QMK builds a one-shot of
                # no modifier, a key that does nothing. Kept as that value, said so.
                raw = f"0x{REGISTRY.ranges['QK_ONE_SHOT_MOD'].first:04X}"  # QK_ONE_SHOT_MOD with no modifier bits
                self.warnings.append(f"line {key.line}: OSM({key.text}) holds no modifier (QMK keeps the low 5 bits "
                                     f"of {key.text}, all 0), so the key does nothing: kept as QMK's value {raw} "
                                     f"({meant})")
                end = next(j for j, u in enumerate(out) if u is args[-1][-1]) + 1
                out[i:end + 1] = [Token("number", raw, t.line, t.column)]
                continue
            if not value & 0x1F:
                tap = self._keycode_value(args[1]) if t.text == "MT" and len(args) == 2 else None
                if tap is None:
                    continue
                # `MT(SYMB, KC_ENT)`, SYMB = SAFE_RANGE: no modifier bits at all; QMK builds a bare
                # mod-tap value, which C code catches (`case MT(SYMB, KC_ENT):`). Kept as that value.
                raw = f"0x{0x2000 | (tap & 0xFF):04X}"
                use = (f"tapped it types {render(args[1])}, held it adds no modifier" if basic is not None
                       else "for the C code that catches it")
                self.warnings.append(f"line {key.line}: MT({key.text}, …) holds no modifier (QMK keeps the low 5 "
                                     f"bits of {key.text}, all 0): kept as QMK's value {raw}, {use}")
                end = next(j for j, u in enumerate(out) if u is args[-1][-1]) + 1 if args[-1] else i + 2
                out[i:end + 1] = [Token("number", raw, t.line, t.column)]
                continue
            mods = format_mods(from_qmk5(value & 0x1F))
            self.warnings.append(
                f"line {key.line}: {t.text}() takes MOD_ modifiers, but gets {key.text}: QMK keeps the low 5 bits of "
                f"its value, {mods}, so that is what the key holds ({meant})"
            )
            position = next(j for j, u in enumerate(out) if u is key)
            out[position:position + 1] = tokenize(mods, self.path, key.line)
        return out

    def _computed_keycode(self, text: str, tokens: list[Token]) -> str:
        """A key written as C arithmetic (`SAFE_RANGE + 2`, from a macro numbering keys in a
        range; `QK_LCTL | QK_LGUI | (KC_LEFT)`, modifier bits ORed onto a key by the file's own
        macro) is the keycode of its value, as the compiler computes it."""
        if not any(t.kind == "punct" and t.text in "+-|*<<>>" for t in tokens):
            return text
        if any(t.kind == "ident" and i + 1 < len(tokens) and tokens[i + 1].is_("(") for i, t in enumerate(tokens)):
            return text  # a call, not arithmetic
        if _parses(text):
            return text
        first = REGISTRY.get("QK_USER_0")
        assert first is not None
        names = {t.text for t in tokens if t.kind == "ident"}
        values = {
            **{name: value for name in names if (value := _named_keycode_value(name)) is not None},
            "SAFE_RANGE": first.value, "QK_USER": first.value, **self.enum_values, **self.custom_values,
        }
        try:
            value = IntExpression(tokens, values).evaluate() & 0xFFFF
        except (ValueError, FormatError):
            return text
        named = next((name for name, v in self.custom_values.items() if v == value), None)
        return named or REGISTRY.format(REGISTRY.decode(value))

    def _layer_key_as_layer(self, tokens: list[Token]) -> list[Token]:
        """`LT(MO(_NAV), KC_M)`: LT and LM keep the low 4 bits of their layer argument, and a
        layer key's value holds its layer there (MO(n) is 0x5220 | n), so QMK builds LT(_NAV, KC_M).
        Read so, with a warning: the author most likely meant just the layer."""
        out = list(tokens)
        i = 0
        while i + 4 < len(out):
            outer, inner = out[i], out[i + 2]
            if (outer.text in ("LT", "LM") and out[i + 1].is_("(") and inner.text in _LAYER_KEYS
                    and out[i + 3].is_("(")):
                close = find_matching(out, i + 3)
                layer = out[i + 4 : close]
                if layer and close + 1 < len(out) and out[close + 1].is_(","):
                    self.warnings.append(
                        f"line {outer.line}: `{render(tokens)}` gives {outer.text}() the key {inner.text}(...) as its "
                        f"layer; QMK keeps its low 4 bits, which are the layer: read as {outer.text}({render(layer)}, "
                        "...), as the firmware has it"
                    )
                    out[i + 2 : close + 1] = layer
            i += 1
        return out

    # -- encoders ----------------------------------------------------------------------------

    def _encoders(self, layout: Layout, symbols: dict[str, str]) -> None:
        body = self._find_array("encoder_map")
        if body is None:
            return
        keep = frozenset(symbols)
        positional = 0
        for entry in self._entries(body):
            indices = self._designated_range(entry, positional)
            positional = indices[-1] + 1
            if indices[-1] >= len(layout.layers):
                at = (entry.designator or entry.value or [Token("punct", "", entry.line, 1)])[0]
                raise FormatError(
                    f"encoder_map has a layer {indices[-1]} that keymaps[] lacks ({len(layout.layers)} layers)",
                    self.path, at.line, at.column,
                    hint="give encoder_map one entry per layer of keymaps[]: QMK cannot build it either (its "
                    "keymap_introspection.c asserts both have as many layers)",
                )
            value = entry.value
            if not value[0].is_("{"):
                raise FormatError("expected { ENCODER_CCW_CW(...), ... }", self.path, value[0].line, value[0].column)
            close = find_matching(value, 0)
            actions: list[EncoderAction] = []
            for part in split_top_level(value[1:close]):
                part = expand(part, self.late_defines, keep)
                if part and part[0].is_("{"):
                    pair = split_top_level(part[1 : find_matching(part, 0)])
                elif len(part) > 2 and part[0].is_("ENCODER_CCW_CW") and part[1].is_("("):
                    pair, _ = split_call_arguments(part, 1)
                else:
                    t = part[0]
                    raise FormatError("expected ENCODER_CCW_CW(ccw, cw)", self.path, t.line, t.column)
                if len(pair) != 2:
                    raise FormatError("an encoder takes two keycodes (ccw, cw)", self.path, part[0].line)
                actions.append(
                    EncoderAction(self._keycode_text(pair[0], symbols), self._keycode_text(pair[1], symbols))
                )
            for index in indices:
                layout.layers[index].encoders = [EncoderAction(a.ccw, a.cw) for a in actions]
        self.consume_statement("encoder_map")

    # -- tap dances, combos, key overrides ---------------------------------------------------

    def _dynamic_tap_dances(self, layout: Layout) -> list[TapDance]:
        """Keys pressing TD(0), TD(1) … in a file with no `tap_dance_actions[]` at all: a Vial
        keymap's dynamic tap dances (set in Vial and kept on the keyboard; QMK alone could not
        link the file). The layout holds them as empty tap dances, so it validates and builds,
        and says so."""
        if self.tap_dance_table or self.header_tap_dances:
            return []
        used = {int(n) for layer in layout.layers for key in layer.keys for n in _TD_NUMBER.findall(key)}
        if not used or max(used) > _MAX_DYNAMIC_TAP_DANCES:
            return []
        count = max(used) + 1
        self.warnings.append(
            f"keys use {', '.join(f'TD({n})' for n in sorted(used))}, but the file has no tap_dance_actions[]: in a "
            f"Vial keymap they are Vial's tap dances, set in Vial and kept on the keyboard. The layout holds "
            f"{count} empty tap dance{'s' if count != 1 else ''} (td0…): set them in keyconf's tap dance editor, "
            "or read them from the keyboard (keyconf pull)"
        )
        return [TapDance(f"td{n}") for n in range(count)]

    def _tap_dances(self, symbols: dict[str, str]) -> tuple[list[TapDance], dict[str, str]]:
        body = self._find_array("tap_dance_actions", _TAP_DANCE_TYPES)
        self.tap_dance_table = body is not None
        if body is None:
            return [], {}
        found: dict[int, TapDance] = {}
        td_symbols: dict[str, str] = {}
        idents: dict[str, int] = {}
        unreadable: list[str] = []
        positional = 0
        keep = frozenset(symbols)
        entries = self._entries(body)
        unnumbered = [e.designator[0].text for e in entries
                      if e.designator is not None and len(e.designator) == 1 and e.designator[0].kind == "ident"
                      and not self._resolvable(e.designator)]
        if unnumbered:
            # The enum numbering the table is in a header keyconf cannot see: numbering the
            # dances here could disagree with it, so the table stays C as written and keys keep
            # `TD(TD_MEDIA)`, which QMK numbers from that header as it did the original's.
            self.header_tap_dances.extend(unnumbered)
            shown = ", ".join(unnumbered[:6]) + (f" and {len(unnumbered) - 6} more" if len(unnumbered) > 6 else "")
            self.warnings.append(
                f"tap dances {shown} are numbered by an enum outside this file: `tap_dance_actions[]` stays C code "
                "(the layout's c_source) as written, and keys keep TD(name), numbered by that header when QMK "
                "builds the keymap"
            )
            return [], {}
        for entry in entries:
            index = positional if entry.designator is None else self._int(entry.designator)
            positional = index + 1
            designator = entry.designator
            ident = (
                designator[0].text if designator and len(designator) == 1 and designator[0].kind == "ident" else None
            )
            name = layout_name_for_c_identifier(ident) if ident else f"td{index}"
            value = expand(entry.value, self.late_defines, keep)
            call = value[0].text if value else ""
            args: list[list[Token]] = []
            if len(value) > 1 and value[1].is_("("):
                args, _ = split_call_arguments(value, 1)
            dance = TapDance(name)
            pair = ([self._keycode_text(a, symbols) for a in args]
                    if call == "ACTION_TAP_DANCE_DOUBLE" and len(args) == 2 else [])
            if pair and not all(_registers_as_written(k) for k in pair):
                # QMK sends the pair with register_code16(), which takes a basic key with modifiers:
                # OSM(MOD_LSFT) there is not a one-shot Shift. Kept as C, the firmware does what it did.
                unreadable.append(f"line {entry.line}: {name} (ACTION_TAP_DANCE_DOUBLE of "
                                  f"{next(k for k in pair if not _registers_as_written(k))}, which QMK sends "
                                  "with register_code16)")
            elif pair:
                dance.tap, dance.double_tap = pair
            elif call in ("ACTION_TAP_DANCE_LAYER_MOVE", "ACTION_TAP_DANCE_LAYER_TOGGLE") and len(args) == 2:
                dance.tap = self._keycode_text(args[0], symbols)
                verb = "TO" if call.endswith("MOVE") else "TG"
                dance.double_tap = f"{verb}({self._keycode_text(args[1], symbols)})"
            else:
                unreadable.append(f"line {entry.line}: {name} ({call or 'C code'})")
            found[index] = dance
            if ident:
                td_symbols[ident] = name
                idents[ident] = index
        if unreadable:
            # Tap dances index one C table: it stays C whole, and keys name dances by number.
            self.warnings.append(
                "tap dances written in C are kept as C code (the layout's c_source), with keys naming them "
                "by number: " + "; ".join(unreadable)
            )
            return [], {ident: str(index) for ident, index in idents.items()}
        self.consume_statement("tap_dance_actions")
        self._consume_enum_of(list(idents))
        self.renamed.update(td_symbols)
        dances = [found.get(i, TapDance(f"td{i}")) for i in range(max(found) + 1)] if found else []
        return dances, td_symbols

    def _consume_enum_of(self, idents: list[str]) -> None:
        """The enum naming the entries of a table keyconf took over (tap dances, combos). Members after
        them that count them (`TD_QESC, …, TAPDANCE_LENGTH`, for `COMBO_LEN = COMBO_LENGTH;`) go too: the
        C kept gets each as the number C gave it (kept, the enum would declare the entries once more
        beside keyconf's names for them)."""
        for members, statement in self.enum_statements:
            if not idents or not all(ident in members for ident in idents):
                continue
            counts = list(members)[len(set(idents)):]
            if any(m in idents for m in counts):
                continue
            if counts and list(members.values()) != list(range(len(members))):
                continue
            self.consumed.append(statement)
            self.enum_counts.update({m: str(members[m]) for m in counts})

    def _combos(self, symbols: dict[str, str]) -> list[Combo]:
        body = self._find_array("key_combos", ("combo_t",))
        if body is None:
            return []
        key_arrays: dict[str, list[str]] = {}
        array_statements: list[list[Token]] = []
        keep = frozenset(symbols)
        for statement in self.statements:
            if not any(t.is_("COMBO_END") for t in statement):
                continue
            array_statements.append(statement)
            for name, inner in _initialised_arrays(statement):
                parts = [p for p in split_top_level(inner) if not (len(p) == 1 and p[0].is_("COMBO_END"))]
                if len(parts) < len(split_top_level(inner)):  # a combo's keys end in COMBO_END
                    key_arrays[name] = [
                        self._keycode_text(expand(p, self.late_defines, keep), symbols) for p in parts
                    ]
        combos: list[Combo] = []
        combo_idents: list[str] = []
        for entry in self._entries(body):
            value = expand(entry.value, self.late_defines, keep | frozenset(key_arrays))
            call = value[0].text if value else ""
            if call != "COMBO" or len(value) < 2 or not value[1].is_("("):
                self.warnings.append(
                    f"line {entry.line}: combo {render(value[:1])}(...) runs C code, so the combos stay C code "
                    "(the layout's c_source)"
                )
                return []
            args, _ = split_call_arguments(value, 1)
            if len(args) != 2 or len(args[0]) != 1 or args[0][0].text not in key_arrays:
                raise FormatError(
                    "COMBO(keys, action) must name a key array ending in COMBO_END", self.path, entry.line
                )
            array = args[0][0].text
            ident = entry.designator[0].text if entry.designator and len(entry.designator) == 1 else array
            if entry.designator and len(entry.designator) == 1:
                combo_idents.append(entry.designator[0].text)
            combos.append(
                Combo(
                    key_arrays[array],
                    self._keycode_text(args[1], symbols),
                    name=layout_name_for_c_identifier(ident),
                )
            )
        self.consume_statement("key_combos")
        self.consumed.extend(array_statements)
        self._consume_enum_of(combo_idents)
        return combos

    def _find_array_in(self, statement: list[Token], name_index: int) -> list[Token] | None:
        j = name_index + 1
        while j < len(statement) and statement[j].is_("["):
            j = find_matching(statement, j) + 1
        while j < len(statement) and statement[j].kind == "ident":
            j += 1
        if j + 1 < len(statement) and statement[j].is_("=") and statement[j + 1].is_("{"):
            return statement[j + 2 : find_matching(statement, j + 1)]
        return None

    def _key_overrides(self, symbols: dict[str, str], layer_names: list[str]) -> list[KeyOverride]:
        made: dict[str, KeyOverride] = {}
        override_statements: list[list[Token]] = []
        unread = False
        keep = frozenset(symbols)
        for statement in self.statements:
            for i, t in enumerate(statement):
                if not (
                    t.kind == "ident"
                    and t.text.startswith("ko_make_")
                    and i + 1 < len(statement)
                    and statement[i + 1].is_("(")
                ):
                    continue
                name_token = next((statement[k - 1] for k in range(i, 0, -1) if statement[k].is_("=")), None)
                args, _ = split_call_arguments(statement, i + 1)
                args = [expand(a, self.late_defines, keep) for a in args]
                override = self._key_override(t, args, symbols, layer_names)
                if override is not None and name_token is not None:
                    override.name = layout_name_for_c_identifier(name_token.text)
                    made[name_token.text] = override
                    override_statements.append(statement)
                else:
                    unread = True
                break
        body = self._find_array("key_overrides")
        if unread:
            self.warnings.append("key overrides keyconf cannot read stay C code (the layout's c_source), all of them")
            return []
        if body is None:
            return list(made.values())
        chosen: list[KeyOverride] = []
        for part in split_top_level(body):
            names = [t.text for t in part if t.kind == "ident" and t.text in made]
            if not names and any(t.kind == "ident" and t.text != "NULL" for t in part):
                self.warnings.append("key_overrides[] lists overrides keyconf cannot read; they stay C code")
                return []
            chosen.extend(made[n] for n in names)
        self.consumed.extend(override_statements)
        self.consume_statement("key_overrides")
        return chosen

    def _override_mod(self, tokens: list[Token]) -> str:
        """One part of a key override's modifier mask; `KC_NO` there (no modifiers) is 0 to C."""
        tokens = unwrap_parentheses(tokens)
        text = render(tokens)
        if tokens and tokens[0].kind == "ident" and not text.startswith("MOD_") and self._keycode_value(tokens) == 0:
            return "0"
        return text

    def _key_override(
        self, call: Token, args: list[list[Token]], symbols: dict[str, str], layer_names: list[str]
    ) -> KeyOverride | None:
        shapes = {
            "ko_make_basic": 3,
            "ko_make_with_layers": 4,
            "ko_make_with_layers_and_negmods": 5,
            "ko_make_with_layers_negmods_and_options": 6,
        }
        if call.text not in shapes or len(args) != shapes[call.text]:
            self.warnings.append(f"line {call.line}: {call.text}(...) is not a key override keyconf reads")
            return None
        args = [_without_integer_casts(arg) for arg in args]
        override = KeyOverride(
            trigger=self._keycode_text(args[1], symbols),
            replacement=self._keycode_text(args[2], symbols),
            mods=[self._override_mod(p) for p in split_top_level(unwrap_parentheses(args[0]), "|")],
        )
        if len(args) >= 4:
            mask = self._int(args[3])
            if mask & 0xFFFFFFFF != 0xFFFFFFFF and mask != -1:
                override.layers = [n for i, n in enumerate(layer_names) if mask >> i & 1]
        if len(args) >= 5 and render(args[4]) not in ("0", "0x00", "0x0"):
            override.negative_mods = [self._override_mod(p) for p in split_top_level(unwrap_parentheses(args[4]), "|")]
        if len(args) == 6:
            self.warnings.append(f"line {call.line}: key override options `{render(args[5])}` were not imported")
        return override


# TMK's fn_actions[] entries and the keycodes of today's QMK that do the same (the same arguments).
_FN_ACTIONS = {
    "ACTION_LAYER_MOMENTARY": ("MO", 1), "ACTION_LAYER_TOGGLE": ("TG", 1), "ACTION_LAYER_TAP_TOGGLE": ("TT", 1),
    "ACTION_LAYER_ONESHOT": ("OSL", 1), "ACTION_DEFAULT_LAYER_SET": ("DF", 1), "ACTION_LAYER_TAP_KEY": ("LT", 2),
    "ACTION_LAYER_MODS": ("LM", 2), "ACTION_MODS_ONESHOT": ("OSM", 1), "ACTION_MODS_TAP_KEY": ("MT", 2),
}


def _registers_as_written(text: str) -> bool:
    """Whether QMK's register_code16() presses the keycode `text` as what it names: a basic key,
    with or without modifiers (what ACTION_TAP_DANCE_DOUBLE sends). Names keyconf cannot parse
    here (a custom keycode) count as such, as before."""
    try:
        keycode = REGISTRY.parse(text)
    except KeycodeError:
        return True
    if keycode.op == "MODS":
        return True
    return keycode.op == "KC" and REGISTRY.encode(keycode) <= 0xFF


def _second_key_at(arg: list[Token]) -> int | None:
    """Where a second key starts in one macro argument (`ALT_T(KC_S) CTL_T(KC_T)`, a comma missing
    between them): C puts no name or number right after a complete one. None when the argument
    is one expression."""
    if not arg or arg[0].kind not in ("ident", "number"):
        return None
    i = 1
    if arg[0].kind == "ident" and i < len(arg) and arg[i].is_("("):
        i = find_matching(arg, i) + 1
    if i < len(arg) and arg[i].kind in ("ident", "number"):
        return i
    return None


def _initialised_arrays(statement: list[Token]) -> list[tuple[str, list[Token]]]:
    """Each `name[] = { ... }` a declaration initialises, with what is between its braces: one
    (`const uint16_t PROGMEM ab[] = {KC_A, KC_B, COMBO_END};`, `(ab)[]` as macro-made arrays write
    it) or several, whose type a typedef makes an array (`static comb_t ab = {...}, cd = {...};`)."""
    found: list[tuple[str, list[Token]]] = []
    k = 0
    while k + 1 < len(statement):
        if not (statement[k].is_("=") and statement[k + 1].is_("{")):
            k += 1
            continue
        close = find_matching(statement, k + 1)
        j = k - 1
        while j >= 0 and statement[j].is_("PROGMEM"):
            j -= 1
        while j >= 0 and statement[j].is_("]"):
            depth = 0
            while j >= 0:
                depth += 1 if statement[j].is_("]") else -1 if statement[j].is_("[") else 0
                j -= 1
                if depth == 0:
                    break
        if j >= 2 and statement[j].is_(")") and statement[j - 2].is_("(") and statement[j - 1].kind == "ident":
            j -= 1
        if j >= 0 and statement[j].kind == "ident":
            found.append((statement[j].text, statement[k + 2 : close]))
        k = close + 1
    return found


def _fn_action_keycode(value: list[Token]) -> list[Token] | None:
    """`ACTION_LAYER_MOMENTARY(NAV)` as the keycode that does it, `MO(NAV)`; None for an action
    no keycode does (`ACTION_FUNCTION(n)`, which calls the keymap's C)."""
    if len(value) < 3 or value[0].kind != "ident" or value[0].text not in _FN_ACTIONS or not value[1].is_("("):
        return None
    name, arity = _FN_ACTIONS[value[0].text]
    args, end = split_call_arguments(value, 1)
    if len(args) != arity or end != len(value) or not all(args):
        return None
    out = [Token("ident", name, value[0].line, value[0].column), value[1]]
    for n, arg in enumerate(args):
        if n:
            out.append(Token("punct", ",", arg[0].line, arg[0].column))
        out += arg
    return out + [Token("punct", ")", value[-1].line, value[-1].column)]


def _defines_function(statement: list[Token], name: str) -> bool:
    if not statement or not statement[-1].is_("}"):
        return False
    for i, t in enumerate(statement[:-1]):
        if t.is_("=") or t.is_("{"):
            return False
        if t.kind == "ident" and t.text == name and statement[i + 1].is_("("):
            return True
    return False


def _send_string_case(tokens: list[Token], start: int) -> tuple[list[list[Token]], int] | None:
    """At `start` (after `case X:`): `if (record->event.pressed) { SEND_STRING(...); ... }` then
    `return false;` or `break;`, and nothing else before the next label. The SEND_STRING
    arguments, and the index after the closing `;`."""
    i = start
    braced = i < len(tokens) and tokens[i].is_("{")
    if braced:
        i += 1
    head = ["if", "(", "record", "->", "event", ".", "pressed", ")", "{"]
    if [t.text for t in tokens[i : i + len(head)]] != head:
        return None
    i += len(head)
    arguments: list[list[Token]] = []
    while i < len(tokens) and tokens[i].is_("SEND_STRING"):
        if i + 1 >= len(tokens) or not tokens[i + 1].is_("("):
            return None
        args, after = split_call_arguments(tokens, i + 1)
        if len(args) != 1 or after >= len(tokens) or not tokens[after].is_(";"):
            return None
        arguments.append(args[0])
        i = after + 1
    if not arguments or i >= len(tokens) or not tokens[i].is_("}"):
        return None
    i += 1
    tail = [t.text for t in tokens[i : i + 3]]
    if tail == ["return", "false", ";"]:
        i += 3
    elif tail[:2] == ["break", ";"]:
        i += 2
    else:
        return None
    if braced:
        if i >= len(tokens) or not tokens[i].is_("}"):
            return None
        i += 1
    if i >= len(tokens) or not (tokens[i].is_("case") or tokens[i].is_("default") or tokens[i].is_("}")):
        return None
    return arguments, i


def _is_number_define(define: Define) -> bool:
    return define.params is None and len(define.body) == 1 and define.body[0].kind == "number"


# Integer types a cast may name that hold every modifier mask and layer mask unchanged.
_INTEGER_TYPES = frozenset({"uint8_t", "uint16_t", "uint32_t", "int", "unsigned", "layer_state_t"})


def _without_integer_casts(tokens: list[Token]) -> list[Token]:
    """`(uint8_t) MOD_MASK_SHIFT` as `MOD_MASK_SHIFT`: a cast to an integer type as wide as the
    value it converts leaves the value as it is."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if (tokens[i].is_("(") and i + 3 < len(tokens) and tokens[i + 1].text in _INTEGER_TYPES
                and tokens[i + 2].is_(")") and not tokens[i + 3].is_(")")):
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


def _enclosing_call(tokens: list[Token], index: int) -> str | None:
    """The name of the call whose arguments hold `tokens[index]` (`UP` for B in `UP(A, B)`)."""
    depth = 0
    for i in range(index - 1, 0, -1):
        if tokens[i].is_(")"):
            depth += 1
        elif tokens[i].is_("("):
            if depth == 0:
                return tokens[i - 1].text if tokens[i - 1].kind == "ident" else None
            depth -= 1
    return None


_MOD_CONSTANT_NAMES = frozenset({*MOD_NAMES, *MOD_MASK_NAMES})  # QMK's modifier constants in modifiers.h


def _mod_constant_value(name: str) -> int | None:
    """The number C gives one of QMK's modifier constants: MOD_LALT 0x04, MOD_RCTL 0x11 (the
    5-bit form), MOD_MASK_SHIFT 0x22 (an 8-bit mask); None for any other name."""
    if name in MOD_MASK_NAMES:
        return MOD_MASK_NAMES[name]
    if not name.startswith("MOD_"):
        return None
    try:
        return to_qmk5(parse_mods(name))
    except ModsError:
        return None


def _named_keycode_value(name: str) -> int | None:
    """The value C gives a keycode name in arithmetic: a keycode's (`KC_LEFT`), or one of QMK's
    modifier bits `QK_LCTL` … `QK_RGUI` (the bits LCTL() … RGUI() set)."""
    found = re.fullmatch(r"QK_([LR](?:CTL|SFT|ALT|GUI))", name)
    try:
        if found:
            return REGISTRY.encode(REGISTRY.parse(f"{found.group(1)}(KC_NO)"))
        return REGISTRY.encode(REGISTRY.parse(name)) if REGISTRY.get(name) is not None else None
    except KeycodeError:
        return None


def _parses(text: str) -> bool:
    """Whether keyconf reads `text` as a keycode as written (nothing of QMK's arithmetic to apply)."""
    try:
        REGISTRY.parse(text)
    except KeycodeError:
        return False
    return True

def _is_keycode_function(name: str) -> bool:
    """Whether QMK's keycodes have a function of this name (LT, MO, LCTL_T, S, ...)."""
    try:
        REGISTRY.parse(f"{name}(KC_A)")
    except KeycodeError as error:
        return "unknown keycode function" not in error.message
    return True


def _kept_for_later(define: Define) -> bool:
    """Defines left unexpanded: numbers (they may name layers), and a keyboard's own layout
    macros (`LAYOUT_konrad(...) { {...} }` from its header): the layout names its macro."""
    return _is_number_define(define) or (
        define.name.startswith(("LAYOUT", "KEYMAP")) and bool(define.body) and define.body[0].is_("{")
    )



def _is_qmk_header(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    if base.startswith(("keymap_", "sendstring_")):
        # QMK's language headers, not a user's own (keymap_french_propergol.h of a userspace).
        return base in _QMK_HEADERS or base in _qmk_language_headers()
    return base in _QMK_HEADERS or base.startswith(_QMK_HEADER_PREFIXES)


@functools.cache
def _qmk_language_headers() -> frozenset[str]:
    languages = host_languages().values()
    return frozenset(h for language in languages for h in (language.header, language.sendstring_header) if h)


def _enum_members(tokens: list[Token]) -> set[str]:
    """The names every `enum … { … }` of the tokens declares, whatever #if they are under."""
    members: set[str] = set()
    for at, token in enumerate(tokens):
        if token.kind != "ident" or token.text != "enum":
            continue
        end = at + 1
        while end < len(tokens) and tokens[end].text not in ("{", ";"):
            end += 1
        if end >= len(tokens) or tokens[end].text != "{":
            continue
        previous = tokens[end]
        for inner in tokens[end + 1:]:
            if inner.text == "}":
                break
            if inner.kind == "ident" and previous.text in ("{", ","):
                members.add(inner.text)
            if inner.kind != "directive":
                previous = inner
    return members


def ident_tokens(ident: str) -> list[Token]:
    return [Token("ident", ident, 0, 0)]
