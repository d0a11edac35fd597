"""Reading a keyconf YAML layout into a Layout, with the position of every value for messages that
point into the file. Nothing in the file is executed (see `yaml_source`)."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keyconf.formats.c_source_file import (
    CSourceFileError,
    c_file_path_problem,
    c_source_path_problem,
    qmk_file_path_problem,
    read_c_source_file,
)
from keyconf.formats.document_limits import MAX_LAYERS
from keyconf.formats.embedded_geometry import geometry_from_data
from keyconf.formats.yaml_layout_schema import (
    C_IDENTIFIER_RE,
    DRIVER_NAME_RE,
    DRIVER_RE,
    FEATURE_RE,
    KNOWN_SECTIONS,
    LAYER_NAME_RE,
    RULES_OPTIONS,
    SECTION_ORDER,
)
from keyconf.formats.yaml_source import (
    DocPath,
    Scalar,
    SourceError,
    Span,
    YamlDocument,
    parse_yaml,
)
from keyconf.model.controllers import BOOTLOADER_NAME_RE, CONVERTER_NAME_RE
from keyconf.model.layout import (
    FORMAT_VERSION,
    HEADER_NAME_RE,
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


def loads_layout(text: str, file: str | None = None, *, remembered: bool = False) -> LoadedLayout:
    document = _parsed(text, file) if remembered and file is not None else parse_yaml(text, file)
    reader = LayoutReader(document, file)
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


class LayoutReader:
    def __init__(self, document: YamlDocument, file: str | None):
        self.doc = document
        self.file = file
        self.positions: dict[Location, tuple[int, int]] = {}
        self.row_lengths: dict[str, list[int]] = {}
        self.c_file_paths: list[DocPath] = []  # where each of `c_files` is written
        self.qmk_files: list[str] = []
        self.qmk_files_when: dict[str, str] = {}

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
        if "rules" in data:
            layout.rules = self.read_rules(data["rules"])
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
            layout.qmk_files_when = self.qmk_files_when
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

    def read_rules(self, value: Any) -> dict[str, str]:
        """`rules: {DEBOUNCE_TYPE: sym_eager_pk}`: the rules.mk options that pick a QMK implementation by name."""
        rules: dict[str, str] = {}
        for key, item in self.mapping(value, ("rules",), "`rules`").items():
            where: DocPath = ("rules", key)
            if str(key) not in RULES_OPTIONS:
                raise self.fail(f"`{key}` is not a rules.mk option the layout holds", where, key=True,
                                hint=f"one of {', '.join(RULES_OPTIONS)} (drivers go in `drivers:`, switches in "
                                "`features:`)")
            name = self.text(item, where, f"`{key}`")
            if not DRIVER_NAME_RE.fullmatch(name):
                raise self.fail(f"`{name}` is not a name QMK takes for {key}", where,
                                hint="QMK's name for it, in lower case: sym_eager_pk, i2c, geminipr")
            rules[str(key)] = name
        return rules

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
            if not HEADER_NAME_RE.fullmatch(name):
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
        """`c_files: {qmk: [lib/rgb_state_reader.c, {file: muse.c, when: AUDIO_ENABLE}]}`: QMK's own C
        files the build compiles too, a file with `when:` only with that feature switch on."""
        path: DocPath = ("c_files", "qmk")
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for index, item in enumerate(items):
            where: DocPath = (*path, index) if isinstance(value, list) else path
            if isinstance(item, dict):
                _check_fields(self, item, where, {"file", "when"}, "a file of `c_files: qmk`")
                if "file" not in item:
                    raise self.fail("the entry names no `file`", where,
                                    hint="e.g. `{file: muse.c, when: AUDIO_ENABLE}`")
                name = self.text(item["file"], (*where, "file"), "a file name in `c_files: qmk`")
                if "when" in item:
                    when = self.text(item["when"], (*where, "when"), "`when`")
                    if not FEATURE_RE.fullmatch(when):
                        raise self.fail(f"`when: {when}` is not a QMK feature switch", (*where, "when"),
                                        hint="name the switch the file needs, e.g. `when: AUDIO_ENABLE`")
                    self.qmk_files_when[name] = when
                names.append(name)
                continue
            names.append(self.text(item, where, "a file name in `c_files: qmk`"))
        for index, name in enumerate(names):
            where = (*path, index) if isinstance(value, list) else path
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


def _check_fields(reader: LayoutReader, data: dict[str, Any], path: DocPath, allowed: set[str], what: str) -> None:
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
