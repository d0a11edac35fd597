"""Everything checked before `make` runs, and the sources to build when all is well.

A build that will fail should fail here, in a second, with a message that names the YAML
line, rather than after a minute of compiling with an error about generated C. Checked: the
tree's QMK version, the keyboard (QMK's aliases followed), the layout macro (its
`layout_aliases` followed), the key count of every layer (down to the row that is off),
encoder counts, every keycode against the tree's keycode spec, and the toolchain for the
board's processor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from keyconf.compiler.key_grid import key_grid, macro_keys
from keyconf.compiler.qmk_tree import QmkTree, TreeError, TreeKeyboard
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import GeneratedSources, GenerateOptions, generate_sources
from keyconf.compiler.toolchain import missing_tools
from keyconf.formats.c_source_file import QMK_ROOT_FOLDERS
from keyconf.formats.module_layouts import ModuleLayouts, module_layouts
from keyconf.model.controllers import board_footprint, built_controller, converters, footprint_title
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Layout
from keyconf.model.problems import Problem, error
from keyconf.model.validation import validate


class BuildRefused(Exception):
    """The layout cannot be built with this tree; `problems` says why (with layout locations)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass
class BuildPlan:
    """What the checks found: the tree, the board as the tree builds it, the sources."""

    tree: QmkTree
    board: TreeKeyboard
    keyboard: Keyboard  # geometry the sources were laid out with
    macro_name: str
    sources: GeneratedSources
    via: bool
    # The layout's community modules that are not the tree's own (found around the layout file), by
    # module path: the build copies them into its userspace's `modules/`.
    module_folders: dict[str, Path] = field(default_factory=dict)
    # The chip and bootloader the firmware is for (the checks decide them, and the build reads only
    # these): the board's, or the layout's converter's (`converter: rp2040_ce` builds a Pro Micro
    # board for an RP2040) and bootloader.
    processor: str | None = None
    bootloader: str | None = None


def module_folders(layout: Layout, tree: Path) -> dict[str, Path]:
    """The folders of the layout's modules that are not the tree's own, by module path: the build
    copies them into its userspace's `modules/`, where QMK looks first."""
    own = (tree / "modules").resolve()
    folders = {}
    for module, definition in layout.module_definitions.items():
        folder = Path(definition.source).resolve().parent
        if not folder.is_relative_to(own):
            folders[module] = folder
    return folders


# What a module's make file from outside the tree may hold: variables set to plain words (file
# names, yes/no, numbers, other variables' values) and conditionals on them. QMK's build includes
# it, so anything more (`$(shell ...)`, a recipe, an include, a backtick a recipe would run) is
# code that would run on this machine when the layout is built.
_MAKE_WORDS = r"(?:[A-Za-z0-9_./+,:= -]|\$\([A-Za-z_][A-Za-z0-9_]*\))*"
_MAKE_DATA_LINE = re.compile(
    rf"\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*(?:\+=|:=|\?=|=){_MAKE_WORDS}"
    rf"|(?:ifeq|ifneq)\s*\({_MAKE_WORDS}\)|(?:ifdef|ifndef)\s+[A-Za-z_][A-Za-z0-9_]*|else|endif)?\s*")


def module_make_code(folder: Path) -> tuple[Path, int, str] | None:
    """The first line of a module's make files that is more than variables set to plain words
    (file, line number, text), or None: such a module is not built from outside the tree."""
    for file in sorted(folder.rglob("*.mk")):
        if file.is_symlink() or not file.is_file():
            continue
        lines = file.read_text(encoding="utf-8", errors="replace").split("\n")
        for number, line in enumerate(lines, 1):
            text = line.split("#", 1)[0]
            if line.startswith("\t") or text.rstrip().endswith("\\") or not _MAKE_DATA_LINE.fullmatch(text):
                return file, number, line.strip()[:80]
    return None


def _check_modules(layout: Layout, tree: QmkTree) -> None:
    """A layout's community modules need a tree that has them (QMK 2025 on), and each module's
    folder where QMK's build finds it; refused before make runs otherwise."""
    if not tree.supports_community_modules:
        raise BuildRefused([error(
            f"the QMK tree at {tree.root} predates community modules (QMK 0.28, 2025), and the layout uses "
            f"{', '.join(layout.modules)}", ("modules",),
            "update the tree (`git pull` in it, then `qmk git-submodule`), point keyconf at a newer one, or remove "
            "`modules:` (and the keys using the modules' keycodes)", code="qmk-no-modules")])
    problems = []
    for index, module in enumerate(layout.modules):
        if module not in layout.module_definitions:
            problems.append(error(
                f"community module {module} is not in {tree.root / 'modules'}, nor in a `modules/` folder around "
                "the layout", ("modules", index),
                f"put the module's folder (with its qmk_module.json) at modules/{module} of your QMK userspace or "
                "tree, or beside the layout", code="module-not-found"))
    for module, folder in module_folders(layout, tree.root).items():
        code = module_make_code(folder)
        if code is not None:
            file, number, text = code
            problems.append(error(
                f"community module {module} (at {folder}) is not the QMK tree's own, and its {file.name} runs make "
                f"code when QMK builds it: line {number}, `{text}`", ("modules", layout.modules.index(module)),
                "keyconf builds a module from outside the tree only when its make files set variables to plain "
                f"words; if you trust it, put it in {tree.root / 'modules' / module} (or build it with qmk compile)",
                code="module-make-code"))
    if problems:
        raise BuildRefused(problems)


def plan_build(
    layout: Layout,
    tree: QmkTree,
    *,
    via: bool | None = None,
    lto: bool = False,
    source_name: str | None = None,
    row_lengths: Mapping[str, list[int]] | None = None,
    check_toolchain: bool = True,
) -> BuildPlan:
    """Check `layout` against `tree` and generate its sources; BuildRefused lists every problem.

    `via`: None builds with VIA when the board's stock `via` keymap exists. `row_lengths`
    (layer name -> keys per row, as the file wrote them) lets a wrong key count point at
    the row that is off."""
    if tree.keycode_spec_version is None:
        raise BuildRefused(
            [
                error(
                    f"the QMK tree at {tree.root} is older than QMK 0.19 (it has no data/constants/keycodes)",
                    hint="update it (`git pull` in the tree, then `qmk git-submodule`) or point keyconf at a newer one",
                    code="qmk-too-old",
                )
            ]
        )
    if layout.modules:
        _check_modules(layout, tree)
    try:
        board = tree.keyboard(layout.keyboard)
    except TreeError as problem:
        raise BuildRefused([error(problem.message, ("keyboard",), problem.hint, code="unknown-keyboard")]) from None
    macro_name = board.resolve_layout(layout.layout_macro)
    module = module_layouts(layout.layout_macro, board.folder) if macro_name is None else None
    if module is not None:
        raise BuildRefused([_module_macro(layout, board, module)])
    if macro_name is None:
        known = ", ".join(sorted(board.layouts)) or "none"
        raise BuildRefused(
            [
                error(
                    f"{board.folder} has no layout macro {layout.layout_macro} in this QMK tree",
                    ("layout",),
                    f"its layout macros: {known}",
                    code="unknown-layout-macro",
                )
            ]
        )
    keyboard = _geometry_for(layout, board, macro_name)
    problems = [p for p in validate(layout, keyboard) if p.is_error]
    problems = [_row_of_key_count(p, layout, keyboard, macro_name, row_lengths) for p in problems]
    if board.encoder_count == 0 and any(layer.encoders for layer in layout.layers):
        index = next(i for i, layer in enumerate(layout.layers) if layer.encoders)
        problems.append(
            error(
                f"{board.folder} has no rotary encoders in this QMK tree, but the layout maps some",
                ("encoders", index),
                "remove the `encoders` section",
                code="encoder-count",
            )
        )
    problems += _qmk_files_missing(layout, tree, board.folder)
    problems += _converter_missing(layout, tree, keyboard)
    problems += _debounce_missing(layout, tree)
    processor, bootloader = built_controller(keyboard, layout.converter, layout.bootloader)
    processor = processor or board.processor
    if bootloader == "custom" and not layout.converter and not layout.bootloader:
        # The tree names a `custom` board's bootloader from its rules.mk's DFU_ARGS (ZSA's Voyager).
        bootloader = board.bootloader or bootloader
    # By default with VIA where the board has a stock `via` keymap, unless the layout switches it off
    # (an imported keymap built without it).
    use_via = board.has_via_keymap and "VIA_ENABLE" not in layout.features_off if via is None else via
    sources: GeneratedSources | None = None
    if not problems:
        options = GenerateOptions(dialect=tree.dialect, via=use_via, lto=lto, source_name=source_name,
                                  board_features=tree.board_features(board.folder))
        try:
            sources = generate_sources(layout, keyboard, options)
        except GenerationError as failure:
            problems += failure.to_problems()
    if check_toolchain:
        for tool in missing_tools(processor):
            problems.append(
                error(f"`{tool.name}` is not installed or not on PATH: {tool.why}", hint=tool.hint, code="toolchain")
            )
    if problems or sources is None:
        raise BuildRefused(problems)
    return BuildPlan(tree, board, keyboard, macro_name, sources, use_via, module_folders(layout, tree.root),
                     processor, bootloader or board.bootloader)


def _module_macro(layout: Layout, board: TreeKeyboard, module: ModuleLayouts) -> Problem:
    """The refusal of a layout whose macro a board's add-on modules define in a userspace (read in place,
    it carries the board with the module's keys: splitkb's Halcyon `LAYOUT_corne_hlc`): keyconf builds in a
    userspace of its own, without that code, so QMK would stop on the unknown macro."""
    macro = layout.layout_macro
    return error(
        f"{board.folder} has no layout macro {macro} in this QMK tree: the layout is for {macro}, which "
        f"{module.origin}; keyconf builds in a userspace of its own, without that code",
        ("layout",),
        f"build it with `qmk compile` in your QMK userspace, which has {module.build_needs}; or export the layout "
        f"(keyconf export --format keymap.c) into that userspace's keymap folder. Its board's own layouts: "
        f"{', '.join(sorted(board.layouts)) or 'none'}",
        code="userspace-layout-macro",
    )


def _converter_missing(layout: Layout, tree: QmkTree, keyboard: Keyboard) -> list[Problem]:
    """A converter keyconf's table knows for the board that this tree lacks (one QMK added later:
    `sparkfun_pm2040` is not in early 2024's tree): QMK's build would stop with "Converting … not possible".
    One QMK has not for the footprint at all is validation's to say."""
    footprint = board_footprint(keyboard) if layout.converter else None
    if (footprint is None or layout.converter not in converters(footprint)
            or any(tree.root.glob(f"platforms/*/converters/{footprint}_to_{layout.converter}"))):
        return []
    have = sorted(path.name.split("_to_", 1)[1] for path in tree.root.glob(f"platforms/*/converters/{footprint}_to_*"))
    return [error(f"this QMK tree ({tree.root}) has no converter `{layout.converter}` for "
                  f"{footprint_title(footprint)} boards", ("converter",),
                  f"update the tree, or use one it has: {', '.join(have) or 'none'}", code="unknown-converter")]


def _debounce_missing(layout: Layout, tree: QmkTree) -> list[Problem]:
    """A `DEBOUNCE_TYPE` this tree has no algorithm for: QMK's make would look for
    quantum/debounce/<name>.c and stop with "No rule to make target"."""
    name = layout.rules.get("DEBOUNCE_TYPE")
    if name is None or name == "custom" or (tree.root / "quantum" / "debounce" / f"{name}.c").is_file():
        return []
    have = sorted(path.stem for path in (tree.root / "quantum" / "debounce").glob("*.c"))
    return [error(f"this QMK tree ({tree.root}) has no debounce algorithm `{name}`", ("rules", "DEBOUNCE_TYPE"),
                  f"use one it has: {', '.join(have + ['custom']) if have else 'none found'}", code="unknown-rule")]


def _qmk_files_missing(layout: Layout, tree: QmkTree, folder: str) -> list[Problem]:
    """`c_files: qmk` entries this tree lacks: a root path (keyboards/keychron/common/x.c) at the
    tree's root, another (lib/x.c) in one of the keyboard's folders, where QMK's VPATH finds it."""
    parts = folder.split("/")
    problems = []
    for index, name in enumerate(layout.qmk_files):
        if name.startswith(QMK_ROOT_FOLDERS):
            candidates = [tree.root / name]
        else:
            candidates = [tree.root / "keyboards" / "/".join(parts[:depth]) / name
                          for depth in range(1, len(parts) + 1)]
        if not any(candidate.is_file() for candidate in candidates) and not _in_common_vpath(tree, name):
            where = "" if name.startswith(QMK_ROOT_FOLDERS) else f" (in the folders of keyboards/{folder})"
            problems.append(error(f"{name} is not in the QMK tree at {tree.root}{where}", ("qmk_files", index),
                                  "the layout builds with this file of QMK's own (c_files: qmk): use a tree that "
                                  "has it, or remove it from the layout", code="qmk-file"))
    return problems


def _in_common_vpath(tree: QmkTree, name: str) -> bool:
    """Whether QMK's own folders hold `name` (an old Planck keymap's `SRC += muse.c`, in
    quantum/audio/), which make finds on the VPATH the features it is built with add."""
    if name.startswith(QMK_ROOT_FOLDERS):
        return False
    return any(found.is_file() for top in ("quantum", "drivers", "platforms")
               for found in (tree.root / top).glob(f"**/{name}"))


def _geometry_for(layout: Layout, board: TreeKeyboard, macro_name: str) -> Keyboard:
    """The board's geometry as the tree describes it; for a layout macro only defined in C, the
    layout's embedded geometry when it matches, else a plain grid with the macro's key count."""
    if board.geometry is not None and macro_name in board.geometry.layouts:
        return board.geometry
    count = board.layouts.get(macro_name)
    embedded = layout.geometry
    if embedded is not None:
        resolved = embedded.resolve_layout_name(macro_name)
        if resolved is not None and (count is None or embedded.layouts[resolved].key_count == count):
            return replace(
                embedded,
                name=board.folder,
                pin_compatible=board.pin_compatible or embedded.pin_compatible,
                layouts={macro_name: embedded.layouts[resolved]},
                layout_aliases={**board.layout_aliases, layout.layout_macro: macro_name},
            )
    if count is None:
        count = max((len(layer.keys) for layer in layout.layers), default=0)
    keys = [Key(x=float(index % 12), y=float(index // 12)) for index in range(count)]
    return Keyboard(
        name=board.folder,
        layouts={macro_name: LayoutMacro(macro_name, keys)},
        layout_aliases={**board.layout_aliases, layout.layout_macro: macro_name},
        processor=board.processor,
        bootloader=board.bootloader,
        pin_compatible=board.pin_compatible,
    )


def _row_of_key_count(
    problem: Problem,
    layout: Layout,
    keyboard: Keyboard,
    macro_name: str,
    row_lengths: Mapping[str, list[int]] | None,
) -> Problem:
    """A key-count problem pointed at the first row whose length differs from the board's row."""
    if problem.code != "key-count" or row_lengths is None or len(problem.location) < 2:
        return problem
    layer_index = problem.location[1]
    if not isinstance(layer_index, int) or not 0 <= layer_index < len(layout.layers):
        return problem
    layer = layout.layers[layer_index]
    written = row_lengths.get(layer.name)
    board_rows = [len(row) for row in key_grid(macro_keys(keyboard.layouts[macro_name].keys)).rows]
    if not written or len(written) != len(board_rows):
        return problem
    for row_index, (have, want) in enumerate(zip(written, board_rows, strict=True)):
        if have != want:
            fewer_or_more = "missing" if have < want else "extra"
            count = abs(want - have)
            noun = "key" if count == 1 else "keys"
            return replace(
                problem,
                message=(
                    f"layer `{layer.name}` row {row_index + 1} has {have} keys where the keyboard's row has "
                    f"{want} ({count} {noun} {fewer_or_more}); {macro_name} takes "
                    f"{sum(board_rows)} keys in all"
                ),
                location=("layers", layer_index, "row", row_index),
            )
    return problem
