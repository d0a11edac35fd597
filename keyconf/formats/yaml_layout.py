"""The keyconf YAML layout format, version 1: read with positions, write aligned and atomic.

Reading never executes anything (see `yaml_source`). Writing has two modes:
- a fresh layout is written whole, each layer as rows that follow the keyboard's physical
  rows, aligned into a grid, so the file looks like the keyboard;
- a layout that was loaded from a file is saved *surgically*: sections that did not change
  keep their text byte for byte (comments included); a changed keycode is replaced in place;
  only a section whose structure changed (a layer added, a macro rewritten) is re-written.
So a file keyconf wrote reloads and re-saves byte-identical, and a hand-written file keeps its
comments and row layout when one key is edited.

The format is documented in docs/layout-format.md.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keyconf.formats.atomic import write_atomic
from keyconf.formats.c_source_file import (
    CSourceFileError,
    c_file_path_problem,
    c_source_path_problem,
    qmk_file_path_problem,
    read_c_source_file,
)
from keyconf.formats.document_limits import MAX_LAYERS, read_document
from keyconf.formats.embedded_geometry import geometry_from_data, geometry_to_data
from keyconf.formats.yaml_source import (
    DocPath,
    Scalar,
    SourceError,
    Span,
    YamlDocument,
    decode_text,
    parse_yaml,
)
from keyconf.model.controllers import BOOTLOADER_NAME_RE, CONVERTER_NAME_RE
from keyconf.model.geometry import column_slots, physical_rows
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.layout import (
    FORMAT_VERSION,
    KEY_OVERRIDE_OPTIONS,
    MAX_C_FILES,
    MAX_MACRO_DELAY_MS,
    MAX_MODULES,
    CFile,
    Combo,
    CSource,
    CustomKeycode,
    EncoderAction,
    KeyOverride,
    Layer,
    Layout,
    Macro,
    MacroStep,
    TapDance,
    module_path_problem,
)
from keyconf.model.problems import Location, Problem

__all__ = [
    "LayoutFileError",
    "LoadedLayout",
    "load_layout",
    "loads_layout",
    "dumps_layout",
    "save_layout",
    "render_layout",
]

LayoutFileError = SourceError

SECTION_ORDER = (
    "keyconf",
    "name",
    "author",
    "notes",
    "keyboard",
    "layout",
    "converter",
    "bootloader",
    "host_language",
    "layout_options",
    "settings",
    "features",
    "features_off",
    "drivers",
    "modules",
    "layers",
    "encoders",
    "macros",
    "tap_dances",
    "combos",
    "key_overrides",
    "custom_keycodes",
    "c_source",
    "c_files",
    "geometry",
)
_BLOCK_SECTIONS = ("layers", "encoders", "macros", "tap_dances", "combos", "key_overrides", "custom_keycodes",
                   "c_source", "c_files", "geometry")
KNOWN_SECTIONS = frozenset(SECTION_ORDER)
HEADER = "# keyconf layout (format 1): see docs/layout-format.md\n"
LAYER_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
C_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# QMK's rules.mk switches that take yes or no: every `X_ENABLE`, and those of QMK's make files that a
# keymap sets for its own code and firmware without that suffix (its custom RGB/LED matrix effects in
# rgb_matrix_user.inc, the board's in rgb_matrix_kb.inc, shared USB endpoints, AVR's smaller printf...).
MAKE_SWITCHES = (
    "RGB_MATRIX_CUSTOM_USER", "RGB_MATRIX_CUSTOM_KB", "LED_MATRIX_CUSTOM_USER", "LED_MATRIX_CUSTOM_KB",
    "KEYBOARD_SHARED_EP", "MOUSE_SHARED_EP", "DIGITIZER_SHARED_EP", "JOYSTICK_SHARED_EP", "NO_USB_STARTUP_CHECK",
    "USB_WAIT_FOR_ENUMERATION", "NO_SUSPEND_POWER_DOWN", "AVR_USE_MINIMAL_PRINTF", "UNICODE_COMMON",
)
FEATURE_RE = re.compile(rf"^(?:[A-Z][A-Z0-9_]*_ENABLE|{'|'.join(MAKE_SWITCHES)})$")
DRIVER_RE = re.compile(r"^[A-Z][A-Z0-9_]*_DRIVER$")
DRIVER_NAME_RE = re.compile(r"^[a-z0-9_]+$")  # goes into rules.mk: nothing make reads but a name
_MOST_SPLIT_PIECES = 8  # items one unquoted keycode can be cut into at its commas


@dataclass
class LoadedLayout:
    """A layout as read from a file, with what is needed to point into it and save it back."""

    layout: Layout
    path: str | None
    text: str
    document: YamlDocument
    # Model location -> (line, column), 1-based, for problems and "go to key".
    positions: dict[Location, tuple[int, int]] = field(default_factory=dict)
    # Layer name -> the row lengths the file used (kept when saving).
    row_lengths: dict[str, list[int]] = field(default_factory=dict)
    # The layout as loaded, to see what changed at save time.
    original: Layout | None = None

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems with this file's name, line and column filled in."""
        located = []
        for problem in problems:
            position = self.position(problem.location)
            located.append(problem.at(self.path, *(position or (None, None))))
        return located

    def position(self, location: Location) -> tuple[int, int] | None:
        """The file position of `location` or of its nearest enclosing location."""
        loc = tuple(location)
        while True:
            if loc in self.positions:
                return self.positions[loc]
            if not loc:
                return None
            loc = loc[:-1]


# --------------------------------------------------------------------------- reading


def load_layout(path: str | os.PathLike[str], *, remembered: bool = False) -> LoadedLayout:
    """Read a layout file. Raises `LayoutFileError` (with file, line, column, hint).

    `remembered`: the parsed document comes from the cache of files opened before when the
    file's text is the same, and goes there otherwise (`yaml_cache`: the editor's start)."""
    file = str(path)
    return loads_layout(decode_text(read_document(file, LayoutFileError), file), file, remembered=remembered)


def loads_layout(text: str, file: str | None = None, *, remembered: bool = False) -> LoadedLayout:
    document = _parsed(text, file) if remembered and file is not None else parse_yaml(text, file)
    reader = _Reader(document, file)
    layout = reader.read()
    if layout.c_source is not None and layout.c_source.file is not None and file is not None:
        try:
            layout.c_source.code = read_c_source_file(file, layout.c_source.file)
        except (CSourceFileError, OSError) as exc:
            raise reader.fail(f"`c_source`: {exc}", ("c_source",),
                              hint="keep the C file as plain text in the layout's folder") from None
    if file is not None:
        for index, c_file in enumerate(layout.c_files):
            try:
                c_file.text = read_c_source_file(file, c_file.path)
            except (CSourceFileError, OSError) as exc:
                raise reader.fail(f"`c_files`: {exc}", reader.c_file_paths[index],
                                  hint="keep the C file as plain text in the layout's folder") from None
    return LoadedLayout(
        layout=layout,
        path=file,
        text=text,
        document=document,
        positions=reader.positions,
        row_lengths=reader.row_lengths,
        original=copy.deepcopy(layout),
    )


def _parsed(text: str, file: str) -> YamlDocument:
    from keyconf.formats.yaml_cache import cached_document, remember_document

    key = os.path.abspath(file)
    document = cached_document(key, text)
    if document is None:
        document = parse_yaml(text, file)
        remember_document(key, text, document)
    return document


class _Reader:
    def __init__(self, document: YamlDocument, file: str | None):
        self.doc = document
        self.file = file
        self.positions: dict[Location, tuple[int, int]] = {}
        self.row_lengths: dict[str, list[int]] = {}
        self.c_file_paths: list[DocPath] = []  # where each of `c_files` is written
        self.qmk_files: list[str] = []

    # -- helpers
    def span(self, path: DocPath) -> Span | None:
        return self.doc.spans.get(path)

    def fail(self, message: str, path: DocPath, hint: str | None = None, key: bool = False) -> SourceError:
        span = (self.doc.key_spans.get(path) if key else None) or self._nearest_span(path)
        line = span.line + 1 if span else None
        column = span.column + 1 if span else None
        return SourceError(message, self.file, line, column, hint)

    def _nearest_span(self, path: DocPath) -> Span | None:
        while True:
            span = self.doc.spans.get(path)
            if span is not None or not path:
                return span
            path = path[:-1]

    def mark(self, location: Location, path: DocPath) -> None:
        span = self.doc.spans.get(path)
        if span is not None:
            self.positions[location] = (span.line + 1, span.column + 1)

    def mapping(self, value: Any, path: DocPath, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{what} must be a mapping of `name: value` entries", path)
        return value

    def sequence(self, value: Any, path: DocPath, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"{what} must be a list (`- item` lines or `[a, b]`)", path)
        return value

    def text(self, value: Any, path: DocPath, what: str, allow_empty: bool = False) -> str:
        if isinstance(value, (dict, list)):
            raise self.fail(f"{what} must be a single value, not a {'mapping' if isinstance(value, dict) else 'list'}",
                            path)
        text = str(value).strip() if value is not None else ""
        if isinstance(value, Scalar) and value.kind == "null" and value in ("", "~", "null", "Null", "NULL"):
            text = ""
        if not text and not allow_empty:
            raise self.fail(f"{what} is empty", path)
        return text

    def keycode(self, value: Any, path: DocPath, what: str = "a keycode") -> str:
        if isinstance(value, (dict, list)):
            raise self.fail(f"{what} must be a keycode such as KC_A or MO(nav), not a "
                            f"{'mapping' if isinstance(value, dict) else 'list'}", path,
                            hint="a keycode with a comma must be quoted: 'LT(nav, KC_SPC)'")
        text = str(value).strip()
        if not text:
            raise self.fail(f"{what} is empty", path, hint="write KC_NO for a key that does nothing, "
                            "KC_TRNS (or _______) for one that falls through")
        return text

    def check_unsplit(self, items: list[Any], path: DocPath) -> None:
        """A keycode with a comma written unquoted in a flow list (`[KC_A, LT(nav, KC_SPC)]`) is
        cut by YAML into `LT(nav` and `KC_SPC)`: one error that says to quote it, rather than
        three about the pieces and the key count."""
        for index, item in enumerate(items):
            if not isinstance(item, Scalar) or item.count("(") <= item.count(")"):
                continue
            span = self.doc.spans.get((*path, index))
            if span is not None and span.style:
                continue  # quoted: YAML did not cut it
            pieces, depth = [], 0
            # A keycode has few commas (`LM(nav, MOD_LCTL | MOD_LSFT)`, `LT(1, LCTL(KC_A))`); looking
            # at most a few items on keeps a row of a thousand unbalanced items linear.
            for piece in items[index : index + _MOST_SPLIT_PIECES]:
                if not isinstance(piece, Scalar):
                    break
                pieces.append(str(piece).strip())
                depth += piece.count("(") - piece.count(")")
                if depth <= 0:
                    break
            joined = ", ".join(pieces)
            if depth == 0 and len(pieces) > 1:
                raise self.fail(f"`{joined}` is one keycode, but YAML split it at its comma into "
                                f"{len(pieces)} items", (*path, index), hint=f"quote it: '{joined}'")

    def integer(self, value: Any, path: DocPath, what: str, minimum: int = 0, maximum: int = 65535) -> int:
        try:
            if isinstance(value, (dict, list)):
                raise ValueError
            number = int(str(value), 0)
        except ValueError:
            raise self.fail(f"{what} must be a whole number", path) from None
        if not minimum <= number <= maximum:
            raise self.fail(f"{what} must be between {minimum} and {maximum}", path)
        return number

    def read_host_language(self, data: dict[str, Any]) -> str | None:
        name = self.optional_text(data, "host_language", ())
        if name is None:
            return None
        # Here: the languages' module and table load when a layout names a language (not before a first paint).
        from keyconf.model.keycodes.languages import host_language, host_languages

        language = host_language(name)
        if language is None:
            close = _closest(name.lower(), list(host_languages()))
            raise self.fail(f"unknown host language `{name}`", ("host_language",),
                            hint=f"did you mean `{close}`?" if close else
                            "use QMK's name of the language, as in keymap_<name>.h: german, french, norwegian, uk…")
        return language.name

    def read_controller_name(self, data: dict[str, Any], key: str, pattern: re.Pattern[str], hint: str) -> str | None:
        """`converter: rp2040_ce` / `bootloader: atmel-dfu`: a plain name, which reaches rules.mk
        (whether QMK has it is validation's to say)."""
        name = self.optional_text(data, key, ())
        if name is None:
            return None
        self.mark((key,), (key,))
        if not pattern.fullmatch(name):
            raise self.fail(f"`{name}` is not a {key} name", (key,), hint=hint)
        return name

    def optional_text(self, data: dict[str, Any], key: str, path: DocPath) -> str | None:
        if key not in data:
            return None
        text = self.text(data[key], (*path, key), f"`{key}`", allow_empty=True)
        return text or None

    def name_list(self, value: Any, path: DocPath, what: str) -> list[str]:
        if isinstance(value, (str, Scalar)) and not isinstance(value, (dict, list)):
            return [self.text(value, path, what)]
        items = self.sequence(value, path, what)
        return [self.text(item, (*path, i), what) for i, item in enumerate(items)]

    # -- sections
    def read(self) -> Layout:
        data = self.doc.data
        if not isinstance(data, dict):
            raise self.fail("a layout file is a mapping with `keyboard:`, `layout:` and `layers:`", (),
                            hint="see docs/layout-format.md for an example")
        for key in data:
            if key not in KNOWN_SECTIONS:
                suggestion = _closest(key, KNOWN_SECTIONS)
                raise self.fail(f"unknown section `{key}`", (key,), key=True,
                                hint=f"did you mean `{suggestion}`?" if suggestion else
                                f"known sections: {', '.join(SECTION_ORDER)}")
        version = FORMAT_VERSION
        if "keyconf" in data:
            version = self.integer(data["keyconf"], ("keyconf",), "the format version `keyconf`", 1, 1000)
            if version > FORMAT_VERSION:
                raise self.fail(f"this file uses layout format {version}; this keyconf reads format "
                                f"{FORMAT_VERSION}", ("keyconf",), hint="update keyconf")
        for required in ("keyboard", "layout", "layers"):
            if required not in data:
                raise self.fail(f"the layout has no `{required}:` section", (),
                                hint={"keyboard": "add e.g. `keyboard: planck/rev6` (the QMK keyboard path)",
                                      "layout": "add e.g. `layout: LAYOUT_ortho_4x12` (the QMK layout macro)",
                                      "layers": "add `layers:` with at least one named layer"}[required])
        layout = Layout(
            keyboard=self.text(data["keyboard"], ("keyboard",), "`keyboard`"),
            layout_macro=self.text(data["layout"], ("layout",), "`layout`"),
            version=version,
        )
        self.mark(("keyboard",), ("keyboard",))
        self.mark(("layout",), ("layout",))
        layout.name = self.optional_text(data, "name", ())
        layout.author = self.optional_text(data, "author", ())
        layout.host_language = self.read_host_language(data)
        layout.converter = self.read_controller_name(
            data, "converter", CONVERTER_NAME_RE, "QMK's name of the converter, as CONVERT_TO takes it: rp2040_ce…")
        layout.bootloader = self.read_controller_name(
            data, "bootloader", BOOTLOADER_NAME_RE, "QMK's name of the bootloader, as BOOTLOADER takes it: atmel-dfu…")
        if "notes" in data:  # kept exactly: notes may end in a newline or hold indentation
            notes = data["notes"]
            if isinstance(notes, (dict, list)):
                raise self.fail("`notes` must be text", ("notes",))
            layout.notes = str(notes) if not (isinstance(notes, Scalar) and notes.kind == "null") else None
        if "layout_options" in data:
            layout.layout_options = self.read_layout_options(data["layout_options"])
        if "settings" in data:
            layout.settings = self.read_settings(data["settings"])
        if "features" in data:
            layout.features = self.read_features(data["features"])
        if "features_off" in data:
            layout.features_off = self.read_features(data["features_off"], "features_off")
            both = next((name for name in layout.features_off if name in layout.features), None)
            if both is not None:
                raise self.fail(f"`{both}` is in both `features` and `features_off`",
                                ("features_off", layout.features_off.index(both)), hint="keep it in one of them")
        if "drivers" in data:
            layout.drivers = self.read_drivers(data["drivers"])
        if "modules" in data:
            layout.modules = self.read_modules(data["modules"])
        layout.layers = self.read_layers(data["layers"])
        if "encoders" in data:
            self.read_encoders(data["encoders"], layout)
        if "macros" in data:
            layout.macros = self.read_macros(data["macros"])
        if "tap_dances" in data:
            layout.tap_dances = self.read_tap_dances(data["tap_dances"])
        if "combos" in data:
            layout.combos = self.read_combos(data["combos"])
        if "key_overrides" in data:
            layout.key_overrides = self.read_key_overrides(data["key_overrides"])
        if "custom_keycodes" in data:
            layout.custom_keycodes = self.read_custom_keycodes(data["custom_keycodes"])
        if "c_source" in data:
            layout.c_source = self.read_c_source(data["c_source"])
        if "c_files" in data:
            layout.c_files = self.read_c_files(data["c_files"], layout.c_source)
            layout.qmk_files = self.qmk_files
        if "geometry" in data:
            try:
                layout.geometry = geometry_from_data(_plain(data["geometry"]), layout.keyboard)
            except ValueError as exc:
                raise self.fail(f"embedded geometry: {exc}", ("geometry",)) from None
        return layout

    def read_layout_options(self, value: Any) -> dict[str, int]:
        options: dict[str, int] = {}
        for label, choice in self.mapping(value, ("layout_options",), "`layout_options`").items():
            path = ("layout_options", label)
            if isinstance(choice, Scalar) and choice.kind == "bool":
                options[label] = 1 if choice.lower() in ("true", "yes", "on", "y") else 0
            else:
                options[label] = self.integer(choice, path, f"layout option `{label}`", 0, 255)
            self.mark(path, path)
        return options

    def read_features(self, value: Any, section: str = "features") -> list[str]:
        """`features: [OLED_ENABLE, RGB_MATRIX_ENABLE]`: rules.mk switches the layout turns on
        (`features_off:` the same, turned off)."""
        names = self.name_list(value, (section,), f"`{section}`")
        for index, name in enumerate(names):
            if not FEATURE_RE.fullmatch(name):
                raise self.fail(f"`{name}` is not a QMK feature switch", (section, index),
                                hint="rules.mk names such as OLED_ENABLE or RGB_MATRIX_ENABLE")
        return list(dict.fromkeys(names))

    def read_modules(self, value: Any) -> list[str]:
        """`modules: [qmk/super_alt_tab]`: QMK community modules, as keymap.json names them."""
        names = self.name_list(value, ("modules",), "`modules`")
        self.mark(("modules",), ("modules",))
        if len(names) > MAX_MODULES:
            raise self.fail(f"{len(names)} community modules; a layout names at most {MAX_MODULES}",
                            ("modules", MAX_MODULES), hint="remove the modules the layout does not use")
        for index, name in enumerate(names):
            problem = module_path_problem(name)
            if problem is not None:
                raise self.fail(problem, ("modules", index), hint="write it as keymap.json does: `qmk/super_alt_tab`")
            self.mark(("modules", index), ("modules", index))
        return list(dict.fromkeys(names))

    def read_drivers(self, value: Any) -> dict[str, str]:
        """`drivers: {OLED_DRIVER: ssd1306}`: the drivers rules.mk picks for QMK features."""
        drivers: dict[str, str] = {}
        for key, item in self.mapping(value, ("drivers",), "`drivers`").items():
            where: DocPath = ("drivers", key)
            if not DRIVER_RE.fullmatch(str(key)):
                raise self.fail(f"`{key}` is not a QMK driver setting", where, key=True,
                                hint="rules.mk names such as RGB_MATRIX_DRIVER or OLED_DRIVER")
            name = self.text(item, where, f"`{key}`")
            if not DRIVER_NAME_RE.fullmatch(name):
                raise self.fail(f"`{name}` is not a driver name", where,
                                hint="QMK's name for it, in lower case: ws2812, ssd1306, cirque_pinnacle_i2c")
            drivers[str(key)] = name
        return drivers

    def read_settings(self, value: Any) -> dict[str, int | bool | str]:
        settings: dict[str, int | bool | str] = {}
        for key, item in self.mapping(value, ("settings",), "`settings`").items():
            path = ("settings", key)
            if isinstance(item, (dict, list)):
                raise self.fail(f"setting `{key}` must be a single value", path)
            kind = item.kind if isinstance(item, Scalar) else "str"
            if kind == "int":
                settings[key] = int(str(item), 0)
            elif kind == "bool":
                settings[key] = str(item).lower() in ("true", "yes", "on", "y")
            else:
                settings[key] = str(item)
            self.mark(path, path)
        return settings

    def read_layers(self, value: Any) -> list[Layer]:
        layers_data = self.mapping(value, ("layers",), "`layers`")
        if not layers_data:
            raise self.fail("`layers` is empty", ("layers",), hint="add at least one named layer")
        if len(layers_data) > MAX_LAYERS:
            extra = list(layers_data)[MAX_LAYERS]
            raise self.fail(f"{len(layers_data)} layers; QMK holds at most {MAX_LAYERS} (its layer state is 32 bits)",
                            ("layers", extra), key=True, hint="merge or remove layers")
        layers: list[Layer] = []
        for layer_index, (name, rows) in enumerate(layers_data.items()):
            path: DocPath = ("layers", name)
            if not LAYER_NAME_RE.match(name):
                raise self.fail(f"layer name `{name}` is not a plain name", path, key=True,
                                hint="use letters, digits and _ only, starting with a letter, e.g. `nav` or "
                                "`sym_2`")
            key_span = self.doc.key_spans.get(path)
            if key_span:
                self.positions[("layers", layer_index)] = (key_span.line + 1, key_span.column + 1)
            keys: list[str] = []
            lengths: list[int] = []
            if rows is None or (isinstance(rows, Scalar) and rows.kind == "null"):
                rows = []
            for row_index, row in enumerate(self.sequence(rows, path, f"layer `{name}`")):
                row_path = (*path, row_index)
                if not isinstance(row, list):
                    # A layer may also be written as one flat list of keycodes.
                    keys.append(self.keycode(row, row_path))
                    self.mark(("layers", layer_index, len(keys) - 1), row_path)
                    lengths.append(1)
                    continue
                self.check_unsplit(row, row_path)
                for col_index, item in enumerate(row):
                    key_path = (*row_path, col_index)
                    keys.append(self.keycode(item, key_path))
                    self.mark(("layers", layer_index, len(keys) - 1), key_path)
                    self.positions.setdefault(("layers", layer_index, "row", row_index), self.positions[
                        ("layers", layer_index, len(keys) - 1)])
                lengths.append(len(row))
            if lengths and all(n == 1 for n in lengths) and not any(isinstance(r, list) for r in rows):
                lengths = [len(keys)]
            layers.append(Layer(name=name, keys=keys))
            self.row_lengths[name] = lengths
        return layers

    def read_encoders(self, value: Any, layout: Layout) -> None:
        data = self.mapping(value, ("encoders",), "`encoders`")
        self.mark(("encoders",), ("encoders",))
        for name, encoders in data.items():
            path: DocPath = ("encoders", name)
            index = layout.layer_index(name)
            if index is None:
                raise self.fail(f"encoders are given for layer `{name}`, which is not in `layers`", path, key=True,
                                hint=f"layers: {', '.join(layout.layer_names)}")
            self.mark(("encoders", index), path)
            actions: list[EncoderAction] = []
            for i, pair in enumerate(self.sequence(encoders, path, f"encoders of layer `{name}`")):
                item_path = (*path, i)
                if isinstance(pair, list):
                    self.check_unsplit(pair, item_path)
                if isinstance(pair, dict):
                    ccw = self.keycode(pair.get("ccw", "KC_TRNS"), (*item_path, "ccw"))
                    cw = self.keycode(pair.get("cw", "KC_TRNS"), (*item_path, "cw"))
                    ccw_path, cw_path = (*item_path, "ccw"), (*item_path, "cw")
                elif isinstance(pair, list) and len(pair) == 2:
                    ccw = self.keycode(pair[0], (*item_path, 0))
                    cw = self.keycode(pair[1], (*item_path, 1))
                    ccw_path, cw_path = (*item_path, 0), (*item_path, 1)
                else:
                    raise self.fail("an encoder is `[counter-clockwise, clockwise]`, e.g. [KC_VOLD, KC_VOLU]",
                                    item_path)
                self.mark(("encoders", index, i, "ccw"), ccw_path)
                self.mark(("encoders", index, i, "cw"), cw_path)
                actions.append(EncoderAction(ccw=ccw, cw=cw))
            layout.layers[index].encoders = actions

    def read_macros(self, value: Any) -> list[Macro]:
        macros: list[Macro] = []
        for i, item in enumerate(self.sequence(value, ("macros",), "`macros`")):
            path: DocPath = ("macros", i)
            self.mark(("macros", i), path)
            if isinstance(item, Scalar):  # shorthand: a macro that types a text
                macros.append(Macro(steps=[MacroStep("text", str(item))]))
                continue
            data = self.mapping(item, path, "a macro")
            _check_fields(self, data, path, {"name", "steps"}, "a macro")
            name = self.optional_text(data, "name", path)
            steps_data = self.sequence(data.get("steps", []), (*path, "steps"), "macro `steps`")
            steps = [self.read_macro_step(step, (*path, "steps", j), (i, j)) for j, step in enumerate(steps_data)]
            macros.append(Macro(steps=steps, name=name))
        return macros

    def read_macro_step(self, step: Any, path: DocPath, where: tuple[int, int]) -> MacroStep:
        self.mark(("macros", where[0], "steps", where[1]), path)
        if isinstance(step, Scalar):
            return MacroStep("text", str(step))
        data = self.mapping(step, path, "a macro step")
        if len(data) != 1:
            raise self.fail("a macro step has exactly one of `text`, `tap`, `down`, `up`, `delay`", path)
        kind, value = next(iter(data.items()))
        value_path = (*path, kind)
        if kind == "text":
            return MacroStep("text", self.text(value, value_path, "macro text", allow_empty=True)
                             if not isinstance(value, Scalar) else str(value))
        if kind == "delay":
            return MacroStep(
                "delay", self.integer(value, value_path, "a macro delay (milliseconds)", 0, MAX_MACRO_DELAY_MS)
            )
        if kind in ("tap", "down", "up"):
            if isinstance(value, list):
                codes = [self.keycode(v, (*value_path, k)) for k, v in enumerate(value)]
            else:
                codes = [self.keycode(value, value_path)]
            if not codes:
                raise self.fail(f"macro `{kind}` needs at least one keycode", value_path)
            return MacroStep(kind, codes)  # type: ignore[arg-type]
        raise self.fail(f"unknown macro step `{kind}`", path, key=True,
                        hint="a step is one of: text, tap, down, up, delay")

    def read_tap_dances(self, value: Any) -> list[TapDance]:
        dances: list[TapDance] = []
        for i, item in enumerate(self.sequence(value, ("tap_dances",), "`tap_dances`")):
            path: DocPath = ("tap_dances", i)
            data = self.mapping(item, path, "a tap dance")
            _check_fields(self, data, path, {"name", "tap", "hold", "double_tap", "tap_hold", "tapping_term"},
                          "a tap dance")
            if "name" not in data:
                raise self.fail("a tap dance needs a `name`", path, hint="e.g. `name: esc_caps`; keys use TD(esc_caps)")
            name = self.text(data["name"], (*path, "name"), "tap dance `name`")
            if not LAYER_NAME_RE.match(name):
                raise self.fail(f"tap dance name `{name}` is not a plain name", (*path, "name"),
                                hint="use letters, digits and _ only")
            self.mark(path, path)
            dance = TapDance(name=name)
            for action in ("tap", "hold", "double_tap", "tap_hold"):
                if action in data:
                    setattr(dance, action, self.keycode(data[action], (*path, action)))
                    self.mark((*path, action), (*path, action))
            if "tapping_term" in data:
                dance.tapping_term = self.integer(data["tapping_term"], (*path, "tapping_term"),
                                                  "`tapping_term`", 1, 10000)
            dances.append(dance)
        return dances

    def read_combos(self, value: Any) -> list[Combo]:
        combos: list[Combo] = []
        for i, item in enumerate(self.sequence(value, ("combos",), "`combos`")):
            path: DocPath = ("combos", i)
            data = self.mapping(item, path, "a combo")
            _check_fields(self, data, path, {"name", "keys", "action", "layers", "term"}, "a combo")
            for required in ("keys", "action"):
                if required not in data:
                    raise self.fail(f"a combo needs `{required}`", path,
                                    hint="e.g. `keys: [KC_J, KC_K]` and `action: KC_ESC`")
            self.mark(path, path)
            keys_data = self.sequence(data["keys"], (*path, "keys"), "combo `keys`")
            self.check_unsplit(keys_data, (*path, "keys"))
            keys = []
            for j, key in enumerate(keys_data):
                keys.append(self.keycode(key, (*path, "keys", j)))
                self.mark((*path, "keys", j), (*path, "keys", j))
            action = self.keycode(data["action"], (*path, "action"))
            self.mark((*path, "action"), (*path, "action"))
            combo = Combo(keys=keys, action=action, name=self.optional_text(data, "name", path))
            if "layers" in data:
                combo.layers = self.name_list(data["layers"], (*path, "layers"), "combo `layers`")
                self.mark((*path, "layers"), (*path, "layers"))
            if "term" in data:
                combo.term = self.integer(data["term"], (*path, "term"), "combo `term`", 1, 10000)
            combos.append(combo)
        return combos

    def read_key_overrides(self, value: Any) -> list[KeyOverride]:
        overrides: list[KeyOverride] = []
        fields = {"name", "trigger", "replacement", "mods", "layers", "negative_mods", "suppressed_mods", "options",
                  "enabled"}
        for i, item in enumerate(self.sequence(value, ("key_overrides",), "`key_overrides`")):
            path: DocPath = ("key_overrides", i)
            data = self.mapping(item, path, "a key override")
            _check_fields(self, data, path, fields, "a key override")
            for required in ("trigger", "replacement"):
                if required not in data:
                    raise self.fail(f"a key override needs `{required}`", path,
                                    hint="e.g. `mods: [MOD_MASK_SHIFT]`, `trigger: KC_BSPC`, `replacement: KC_DEL`")
            self.mark(path, path)
            override = KeyOverride(
                trigger=self.keycode(data["trigger"], (*path, "trigger")),
                replacement=self.keycode(data["replacement"], (*path, "replacement")),
                name=self.optional_text(data, "name", path),
            )
            for key in ("trigger", "replacement"):
                self.mark((*path, key), (*path, key))
            if "mods" in data:
                override.mods = self.name_list(data["mods"], (*path, "mods"), "`mods`")
                self.mark((*path, "mods"), (*path, "mods"))
            if "negative_mods" in data:
                override.negative_mods = self.name_list(data["negative_mods"], (*path, "negative_mods"),
                                                        "`negative_mods`")
            if "suppressed_mods" in data:
                override.suppressed_mods = self.name_list(data["suppressed_mods"], (*path, "suppressed_mods"),
                                                          "`suppressed_mods`")
            if "layers" in data:
                override.layers = self.name_list(data["layers"], (*path, "layers"), "key override `layers`")
                self.mark((*path, "layers"), (*path, "layers"))
            if "options" in data:
                override.options = self.name_list(data["options"], (*path, "options"), "key override `options`")
                for oi, option in enumerate(override.options):
                    if option not in KEY_OVERRIDE_OPTIONS:
                        raise self.fail(f"`{option}` is not a key override option", (*path, "options", oi),
                                        hint=f"options: {', '.join(KEY_OVERRIDE_OPTIONS)} (QMK's ko_option_*)")
            if "enabled" in data:
                enabled = data["enabled"]
                if not isinstance(enabled, Scalar) or enabled.kind != "bool":
                    raise self.fail("key override `enabled` is true or false", (*path, "enabled"))
                override.enabled = str(enabled).lower() in ("true", "yes", "on", "y")
            overrides.append(override)
        return overrides

    def read_custom_keycodes(self, value: Any) -> list[CustomKeycode]:
        customs: list[CustomKeycode] = []
        seen: set[str] = set()
        for i, item in enumerate(self.sequence(value, ("custom_keycodes",), "`custom_keycodes`")):
            path: DocPath = ("custom_keycodes", i)
            if isinstance(item, (str, Scalar)) and not isinstance(item, (dict, list)):
                data: dict[str, Any] = {"name": item}
                name_path: DocPath = path
            else:
                data = self.mapping(item, path, "a custom keycode")
                _check_fields(self, data, path, {"name", "legend", "description", "value", "header"},
                              "a custom keycode")
                if "name" not in data:
                    raise self.fail("a custom keycode needs a `name`", path,
                                    hint="e.g. `name: ALTTAB`; keys then use ALTTAB")
                name_path = (*path, "name")
            name = self.text(data["name"], name_path, "custom keycode `name`")
            if not C_IDENTIFIER_RE.match(name):
                raise self.fail(f"custom keycode name `{name}` is not a C name", name_path,
                                hint="use letters, digits and _ (not starting with a digit), e.g. ALT_TAB")
            if name in seen:
                raise self.fail(f"custom keycode `{name}` is defined twice", name_path)
            seen.add(name)
            self.mark(path, name_path)
            custom = CustomKeycode(name=name, legend=self.optional_text(data, "legend", path),
                                   description=self.optional_text(data, "description", path))
            if "value" in data:
                custom.value = self.integer(data["value"], (*path, "value"), "custom keycode `value`", 0, 0xFFFF)
            if "header" in data:
                custom.headers = self.header_names(data["header"], (*path, "header"))
                if custom.value is not None:
                    raise self.fail(f"custom keycode `{name}` has a `value` and a `header`", (*path, "value"),
                                    hint="a keycode a header defines takes the header's value: remove `value:`")
            customs.append(custom)
        return customs

    def header_names(self, value: Any, path: DocPath) -> list[str]:
        """`header: user.h` or `header: [a.h, b.h]`: the C headers defining a custom keycode."""
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for index, item in enumerate(items):
            where = (*path, index) if isinstance(value, list) else path
            name = self.text(item, where, "custom keycode `header`")
            if not re.fullmatch(r"[A-Za-z0-9_./-]+", name):
                raise self.fail(f"`{name}` is not a header name", where,
                                hint="the name as `#include \"...\"` writes it, e.g. user.h, or QMK_KEYBOARD_H")
            names.append(name)
        if not names:
            raise self.fail("`header` names no header", path, hint="e.g. `header: user.h`")
        return names

    def read_c_source(self, value: Any) -> CSource:
        """`c_source: mine.c` names a file next to the layout; a multi-line block is the C itself."""
        path: DocPath = ("c_source",)
        if isinstance(value, (dict, list)):
            raise self.fail("`c_source` is a file name (`c_source: mine.c`) or a block of C (`c_source: |`)", path)
        text = str(value) if value is not None else ""
        self.mark(path, path)
        if "\n" in text:
            return CSource(code=text)
        name = text.strip()
        if not name:
            raise self.fail("`c_source` is empty", path, hint="name a C file next to the layout, e.g. mine.c")
        problem = c_source_path_problem(name)
        if problem:
            raise self.fail(problem, path, hint="keep the C file in the layout's folder, e.g. `c_source: mine.c`")
        return CSource(file=name)


    def read_qmk_files(self, value: Any) -> list[str]:
        """`c_files: {qmk: [lib/rgb_state_reader.c]}`: QMK's own C files the build compiles too."""
        path: DocPath = ("c_files", "qmk")
        names = self.name_list(value, path, "`c_files: qmk`")
        for index, name in enumerate(names):
            where: DocPath = (*path, index) if isinstance(value, list) else path
            problem = qmk_file_path_problem(name)
            if problem is not None:
                raise self.fail(problem, where, hint="name the file as the keymap's rules.mk did (lib/x.c, in the "
                                "keyboard's folders) or from qmk_firmware's root (keyboards/keychron/common/x.c)")
            if names.index(name) != index:
                raise self.fail(f"`{name}` is named twice in `c_files: qmk`", where)
            if index == MAX_C_FILES:
                raise self.fail(f"`c_files: qmk` names more than {MAX_C_FILES} files", where)
            self.mark(("qmk_files", index), where)
        return names

    def read_c_files(self, value: Any, c_source: CSource | None) -> list[CFile]:
        """`c_files: {compile: [a.c], include: [a.h]}`: more C files next to the layout."""
        path: DocPath = ("c_files",)
        if isinstance(value, Scalar) and value.kind == "null":
            return []
        if not isinstance(value, dict):
            raise self.fail("`c_files` lists files to compile and files to include", path,
                            hint="e.g. `c_files: {compile: [features/layer_lock.c], include: [my_keycodes.h]}`")
        data: dict[str, Any] = value
        _check_fields(self, data, path, {"compile", "include", "config", "qmk"}, "`c_files`")
        if "qmk" in data:
            self.qmk_files = self.read_qmk_files(data["qmk"])
        files: list[CFile] = []
        seen: dict[str, str] = {}
        for group in ("compile", "include", "config"):
            if group not in data or (isinstance(data[group], Scalar) and data[group].kind == "null"):
                continue
            items = data[group] if isinstance(data[group], list) else [data[group]]
            for index, item in enumerate(items):
                where: DocPath = (*path, group, index) if isinstance(data[group], list) else (*path, group)
                when = None
                if isinstance(item, dict):  # {file: oled.c, when: OLED_ENABLE}
                    _check_fields(self, item, where, {"file", "when"}, f"a file of `c_files: {group}`")
                    if "file" not in item:
                        raise self.fail("the entry names no `file`", where,
                                        hint="e.g. `{file: oled.c, when: OLED_ENABLE}`")
                    if "when" in item:
                        when = self.text(item["when"], (*where, "when"), "`when`")
                        if group != "compile":
                            raise self.fail("only a compiled file takes `when`", (*where, "when"),
                                            hint="an included file is there for every build: remove `when`")
                        if not FEATURE_RE.fullmatch(when):
                            raise self.fail(f"`when: {when}` is not a QMK feature switch", (*where, "when"),
                                            hint="name the switch the file needs, e.g. `when: OLED_ENABLE`")
                    item, where = item["file"], (*where, "file")
                name = self.text(item, where, f"a file name in `c_files: {group}`")
                problem = c_file_path_problem(name)
                if problem is None and group == "config" and not name.endswith(".h"):
                    problem = f"`{name}` is not a header (.h): the build's config.h includes it"
                if problem:
                    raise self.fail(problem, where, hint="name a file in the layout's folder by its path "
                                    "there, e.g. features/layer_lock.c")
                if name.lower() in seen:  # twice, or twice but for case: one file on Windows and macOS
                    first = seen[name.lower()]
                    raise self.fail(f"`{name}` is named twice in `c_files`" if first == name else
                                    f"`{name}` and `{first}` are one file on Windows and macOS", where)
                if c_source is not None and c_source.file is not None and c_source.file.lower() == name.lower():
                    raise self.fail(f"`{name}` is the layout's `c_source`", where,
                                    hint="c_source is pasted into keymap.c: leave it out of `c_files`")
                seen[name.lower()] = name
                if len(files) == MAX_C_FILES:
                    raise self.fail(f"`c_files` names more than {MAX_C_FILES} files", where,
                                    hint="a keymap's folder holds a handful of C files: are these the right ones?")
                self.mark(("c_files", len(files)), where)
                self.c_file_paths.append(where)
                files.append(CFile(name, compile=group == "compile", when=when, config=group == "config"))
        return files


def _check_fields(reader: _Reader, data: dict[str, Any], path: DocPath, allowed: set[str], what: str) -> None:
    for key in data:
        if key not in allowed:
            suggestion = _closest(key, allowed)
            raise reader.fail(f"unknown field `{key}` in {what}", (*path, key), key=True,
                              hint=f"did you mean `{suggestion}`?" if suggestion else
                              f"fields: {', '.join(sorted(allowed))}")


def _closest(word: str, options: Sequence[str] | frozenset[str] | set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _plain(value: Any) -> Any:
    """Scalars typed as YAML would type them (for embedded geometry, which is JSON-like data)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Scalar):
        kind = value.kind
        if kind == "int":
            return int(str(value).replace("_", ""), 0)
        if kind == "float":
            return float(str(value).replace("_", ""))
        if kind == "bool":
            return str(value).lower() in ("true", "yes", "on", "y")
        if kind == "null":
            return None
        return str(value)
    return value


# --------------------------------------------------------------------------- writing

RowPlanner = Callable[[Layout, Layer], list[int] | None]


def dumps_layout(layout: Layout, keyboard: Keyboard | None = None,
                 row_lengths: dict[str, list[int]] | None = None) -> str:
    """The whole file text for `layout`, laid out fresh."""
    sections = _SectionWriter(layout, keyboard, row_lengths or {})
    parts = [HEADER]
    for name in SECTION_ORDER:
        text = sections.section(name)
        if text:
            if name in _BLOCK_SECTIONS:
                parts.append("\n")
            parts.append(text)
    return "".join(parts)


def render_layout(layout: Layout, loaded: LoadedLayout | None = None, keyboard: Keyboard | None = None) -> str:
    """The text to save: surgical against `loaded` when given, fresh otherwise."""
    if loaded is None:
        return dumps_layout(layout, keyboard)
    return _SurgicalSave(layout, loaded, keyboard).text()


def save_layout(layout: Layout, path: str | os.PathLike[str], loaded: LoadedLayout | None = None,
                keyboard: Keyboard | None = None) -> LoadedLayout:
    """Write `layout` atomically; returns the new LoadedLayout (for the next surgical save)."""
    text = render_layout(layout, loaded, keyboard)
    write_atomic(path, text)
    return loads_layout(text, str(path))


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


class _SectionWriter:
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
                names = [format_text_scalar(name) for name in self.layout.qmk_files]
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


# --------------------------------------------------------------------------- surgical save


class _SurgicalSave:
    """Re-uses the loaded file's text for every section that did not change."""

    def __init__(self, layout: Layout, loaded: LoadedLayout, keyboard: Keyboard | None):
        self.layout = layout
        self.loaded = loaded
        self.old = loaded.original
        self.keyboard = keyboard
        self.writer = _SectionWriter(layout, keyboard, loaded.row_lengths)
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
        i = 0
        while i < len(self.lines):
            if i in by_start and by_start[i][0] in replacements:
                key, end = by_start[i]
                text = replacements[key]
                if text:
                    out.append(text)
                i = end
                continue
            out.append(self.lines[i])
            i += 1
        for name in additions:
            text = self.writer.section(name)
            # Insert after the section that precedes it in the canonical order, if present.
            out.append(("\n" if name in _BLOCK_SECTIONS else "") + text)
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
        return old.c_files == new.c_files and old.qmk_files == new.qmk_files
    if name == "geometry":
        return (old.geometry is None) == (new.geometry is None) and (
            old.geometry is None or geometry_to_data(old.geometry) == geometry_to_data(new.geometry)  # type: ignore[arg-type]
        )
    return bool(getattr(old, name) == getattr(new, name))
