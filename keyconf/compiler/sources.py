"""A layout as QMK keymap sources: keymap.c, rules.mk and config.h, plus the line map.

This is what `keyconf compile` builds from and what `keyconf export --format keymap.c`
writes. Pure: no files, no tree; what the target QMK accepts comes in as a `QmkDialect`.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from keyconf.compiler.config_h import VIA_DEFAULT_LAYERS, generate_config_h, settings_defines
from keyconf.compiler.dialect import CURRENT_QMK, QmkDialect
from keyconf.compiler.keymap_c import generate_keymap_c
from keyconf.compiler.rules_mk import QmkSources, generate_rules_mk
from keyconf.compiler.source_map import GenerationError, LineMap, SourceProblem, SourceRef
from keyconf.formats.c_literals import c_comment_text, is_c_identifier
from keyconf.formats.c_source_file import QMK_ROOT_FOLDERS, c_file_path_problem, qmk_file_path_problem
from keyconf.formats.qmk_build_files import parse_config_h
from keyconf.formats.yaml_layout_schema import DRIVER_NAME_RE, DRIVER_RE, FEATURE_RE, RULES_OPTIONS
from keyconf.model.controllers import BOOTLOADER_NAME_RE, CONVERTER_NAME_RE
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.keycodes.keyboard_keycodes import shared_header_path
from keyconf.model.keycodes.types import REPORT_FEATURE_BY_GROUP
from keyconf.model.layout import Layout, module_path_problem


@dataclass(frozen=True)
class GenerateOptions:
    dialect: QmkDialect = CURRENT_QMK
    via: bool = False
    lto: bool = False  # link-time optimisation: LTO_ENABLE = yes in rules.mk
    source_name: str | None = None  # the layout file's name, for the header comments
    # The feature switches the board itself turns on in the tree built with (POINTING_DEVICE_ENABLE on a
    # Charybdis): none when unknown (an export without a tree).
    board_features: frozenset[str] = frozenset()


@dataclass
class GeneratedSources:
    keymap_c: str
    rules_mk: str
    config_h: str
    line_map: LineMap  # keymap.c line -> layout refs
    features: frozenset[str] = field(default_factory=frozenset)
    switched_off: frozenset[str] = field(default_factory=frozenset)  # rules.mk's `X = no` (features_off)
    macro_name: str = ""
    rows: list[list[int]] = field(default_factory=list)  # physical rows of the layout macro's keys
    # The layout's more C files (`c_files:`), by their path in the keymap folder.
    c_files: dict[str, str] = field(default_factory=dict)
    # keymap.json beside keymap.c holding only the layout's community modules (`"modules"`), as QMK
    # reads them for a keymap.c: None when the layout names none.
    keymap_json: str | None = None

    def files(self) -> dict[str, str]:
        """Every file of the keymap folder, by its path there."""
        modules = {"keymap.json": self.keymap_json} if self.keymap_json is not None else {}
        return {"keymap.c": self.keymap_c, "rules.mk": self.rules_mk, "config.h": self.config_h, **self.c_files,
                **modules}


REPORT_FEATURES = frozenset(REPORT_FEATURE_BY_GROUP.values())  # keys build without them


def resolve_macro(layout: Layout, keyboard: Keyboard) -> tuple[str, LayoutMacro]:
    """The layout macro `layout` names on `keyboard` (aliases followed), as (name, geometry)."""
    resolved = keyboard.resolve_layout_name(layout.layout_macro)
    if resolved is None:
        known = ", ".join(keyboard.layouts) or "none"
        raise GenerationError(
            [
                SourceProblem(
                    f"{keyboard.name or layout.keyboard} has no layout macro {layout.layout_macro}",
                    SourceRef.of("layout"),
                    f"its layout macros: {known}",
                )
            ]
        )
    return resolved, keyboard.layouts[resolved]


def key_count_problems(layout: Layout, macro_name: str, macro: LayoutMacro) -> list[SourceProblem]:
    problems = []
    expected = macro.key_count
    for index, layer in enumerate(layout.layers):
        if len(layer.keys) != expected:
            fewer_or_more = "too few" if len(layer.keys) < expected else "too many"
            problems.append(
                SourceProblem(
                    f"layer {layer.name!r} has {len(layer.keys)} keys, {fewer_or_more}: "
                    f"{macro_name} takes {expected}",
                    SourceRef.of("layers", index),
                    "give the layer one keycode per key of the layout (KC_TRNS for a key that "
                    "falls through, KC_NO for none)",
                )
            )
    return problems


def generate_sources(
    layout: Layout, keyboard: Keyboard, options: GenerateOptions | None = None
) -> GeneratedSources:
    """keymap.c, rules.mk and config.h for `layout` on `keyboard`.

    Raises GenerationError listing every problem found (unknown keycodes, wrong key counts,
    settings QMK cannot take…), each with the layout ref it concerns."""
    options = options or GenerateOptions()
    macro_name, macro = resolve_macro(layout, keyboard)
    problems: list[SourceProblem] = []
    if not is_c_identifier(macro_name):
        problem = SourceProblem(f"{macro_name!r} is not a layout macro name", SourceRef.of("layout"))
        raise GenerationError([problem])
    if not layout.layers:
        problems.append(SourceProblem("the layout has no layers", SourceRef.of("layers")))
    problems += key_count_problems(layout, macro_name, macro)
    keymap, keymap_problems = generate_keymap_c(
        layout, macro, macro_name, options.dialect, options.source_name
    )
    problems += keymap_problems
    defines, setting_problems = settings_defines(layout.settings)
    problems += setting_problems
    defines.update(keymap.config)
    for index, feature in enumerate(layout.features):
        if not FEATURE_RE.fullmatch(feature):
            problems.append(SourceProblem(f"`{feature}` is not a QMK feature switch", SourceRef.of("features", index)))
    features = set(keymap.features) | {f for f in layout.features if FEATURE_RE.fullmatch(f)}
    pointing = "POINTING_DEVICE_ENABLE" in {*options.board_features, *layout.features} - set(layout.features_off)
    if keymap.mouse_buttons_only and pointing and "MOUSEKEY_ENABLE" not in layout.features:
        # Mouse buttons on a board with a pointing device (a Charybdis's trackball) are sent by the
        # pointing device's code: mouse keys would add their kilobyte and change nothing, and a keymap built
        # by QMK for the board has none (the board leaves MOUSEKEY_ENABLE off).
        features.discard("MOUSEKEY_ENABLE")
    switched_off: list[str] = []
    for index, feature in enumerate(layout.features_off):
        if not FEATURE_RE.fullmatch(feature):
            problems.append(SourceProblem(f"`{feature}` is not a QMK feature switch",
                                          SourceRef.of("features_off", index)))
        elif feature not in features or feature in REPORT_FEATURES:
            # As the original keymap had it; a feature the layout's tables need stays on (its tap
            # dances would not compile). Mouse and media keys build without theirs and send
            # nothing, as they did in the original firmware (validation says so).
            features.discard(feature)
            switched_off.append(feature)
    if options.lto:
        features.add("LTO_ENABLE")
    if options.via:
        features.add("VIA_ENABLE")
        if "DYNAMIC_KEYMAP_LAYER_COUNT" not in defines:
            defines["DYNAMIC_KEYMAP_LAYER_COUNT"] = str(max(len(layout.layers), VIA_DEFAULT_LAYERS))
    # What the build asks for beats the layout's features_off (`keyconf compile --via`, `--lto`):
    # rules.mk's later `X = no` would switch it off again.
    switched_off = [feature for feature in switched_off if feature not in features]
    c_files: dict[str, str] = {}
    for index, c_file in enumerate(layout.c_files):
        unsafe = c_file_path_problem(c_file.path)  # rules.mk and the folder take only safe paths
        if unsafe is None and c_file.when is not None and not FEATURE_RE.fullmatch(c_file.when):
            unsafe = f"`when: {c_file.when}` is not a QMK feature switch"
        if unsafe is not None:
            problems.append(SourceProblem(unsafe, SourceRef.of("c_files", index)))
        elif c_file.text is None:
            problems.append(SourceProblem(f"the layout's C file {c_file.path!r} was not found next to the layout",
                                          SourceRef.of("c_files", index),
                                          "put the file in the layout's folder, or remove it from `c_files:`"))
        else:
            c_files[c_file.path] = c_file.text
    drivers: dict[str, str] = {}
    for key, value in layout.drivers.items():
        if DRIVER_RE.fullmatch(key) and DRIVER_NAME_RE.fullmatch(value):
            drivers[key] = value
        else:
            problems.append(SourceProblem(f"`{key}: {value}` is not a QMK driver setting",
                                          SourceRef.of("drivers", key)))
    for key, value in layout.rules.items():
        if key in RULES_OPTIONS and DRIVER_NAME_RE.fullmatch(value):
            drivers[key] = value  # rules.mk takes them as it takes the drivers: `NAME = name`
        else:
            problems.append(SourceProblem(f"`{key}: {value}` is not a rules.mk option the layout holds",
                                          SourceRef.of("rules", key)))
    for field_name, pattern in (("converter", CONVERTER_NAME_RE), ("bootloader", BOOTLOADER_NAME_RE)):
        value = getattr(layout, field_name)
        if value is not None and not pattern.fullmatch(value):  # reaches rules.mk: a plain name only
            problems.append(SourceProblem(f"`{value}` is not a {field_name} name", SourceRef.of(field_name)))
    for index, name in enumerate(layout.qmk_files):
        unsafe = qmk_file_path_problem(name)
        switch = layout.qmk_files_when.get(name)
        if unsafe is None and switch is not None and not FEATURE_RE.fullmatch(switch):
            unsafe = f"`when: {switch}` is not a QMK feature switch"
        if unsafe is not None:
            problems.append(SourceProblem(unsafe, SourceRef.of("qmk_files", index)))
    for index, module in enumerate(layout.modules):
        unsafe = module_path_problem(module)
        if unsafe is not None:
            problems.append(SourceProblem(unsafe, SourceRef.of("modules", index)))
    if problems:
        raise GenerationError(problems)
    header = _header(layout, options)
    return GeneratedSources(
        keymap_c=keymap.text,
        rules_mk=generate_rules_mk(features, header, [(f.path, f.when) for f in layout.c_files if f.compile],
                                   switched_off, qmk_sources(layout), drivers, layout.converter, layout.bootloader),
        config_h=generate_config_h(defines, header, [f.path for f in layout.c_files if f.config],
                                   [name for f in layout.c_files if f.config and f.text
                                    for name in parse_config_h(f.text)]),
        line_map=keymap.line_map,
        features=frozenset(features),
        switched_off=frozenset(switched_off),
        macro_name=macro_name,
        rows=keymap.rows,
        c_files=c_files,
        keymap_json=json.dumps({"modules": layout.modules}, indent=2) + "\n" if layout.modules else None,
    )


def qmk_sources(layout: Layout) -> QmkSources:
    """What of QMK's tree the layout builds with: `c_files: qmk` (a root path's folder on VPATH and
    its .c in SRC, as a Keychron keymap's rules.mk writes them; a keyboard-relative path in SRC as
    written), and the folders of the shared headers its custom keycodes come from
    (keychron_common.h), which keyconf's keymap.c includes."""
    folders: list[str] = []
    compiled: list[str] = []
    when: dict[str, str] = {}
    for name in layout.qmk_files:
        source = posixpath.basename(name) if name.startswith(QMK_ROOT_FOLDERS) else name
        if name.startswith(QMK_ROOT_FOLDERS):
            folders.append(posixpath.dirname(name))
        if name.endswith(".c"):
            compiled.append(source)
            switch = layout.qmk_files_when.get(name)
            if switch is not None and FEATURE_RE.fullmatch(switch):  # what reaches rules.mk: a switch's name
                when[source] = switch
    for custom in layout.custom_keycodes:
        for header in custom.headers:
            path = shared_header_path(header)
            if path is not None:
                folders.append(posixpath.dirname(path))
    return QmkSources(list(dict.fromkeys(folders)), list(dict.fromkeys(compiled)), when)


def _header(layout: Layout, options: GenerateOptions) -> str:
    title = c_comment_text(layout.name or layout.keyboard, 60)
    line = f"Generated by keyconf for {title}"
    if options.source_name:
        line += f" from {c_comment_text(options.source_name, 60)}"
    return line + ".\nEdit the layout and rebuild rather than editing this file."
