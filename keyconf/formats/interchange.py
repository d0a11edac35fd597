"""Every layout file format keyconf reads, behind one call, and the names of those it writes.

`import_layout(path)` tells the format from the file (extension, then content), reads it,
and matches the keyboard: by name (keymap.json, keymap.c, YAML), by USB id (VIA saves), or
not at all (Vial saves carry only Vial's keyboard id; the layout then carries a geometry
made from the matrix). Finding keyboards is the catalogue's job; callers pass a
`KeyboardFinder` so this module stays free of it. Writing is `keyconf.compiler.export`'s:
keymap.json and keymap.c come from the compiler's generator, which the formats never import."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from keyconf.formats import foreign_keycodes as fk
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.document_limits import (
    MAX_LAYOUT_KEYCODES,
    JsonError,
    load_json,
    position,
)
from keyconf.formats.format_error import FormatError, KeyboardMismatch, read_text
from keyconf.formats.keyboard_folder import folder_board
from keyconf.formats.keymap_c_import import (
    IN_PLACE_HINT,
    keyboard_from_path,
    looks_like_keymap_c,
    raw_matrix_columns,
    read_keymap_c,
)
from keyconf.formats.keymap_folder_build import (
    config_carried,
    config_h_beside,
    converter_beside,
    features_beside,
    header_carried,
    include_after_keymap,
    tap_dances_of_the_c_files,
    userspace_features,
)
from keyconf.formats.keymap_folder_c import keymap_folder_c_files
from keyconf.formats.keymaps_elsewhere import with_its_header_keymaps, with_its_introspected_keymaps
from keyconf.formats.module_layouts import module_layout_origin, userspace_layout_board
from keyconf.formats.named_keycodes import SAVE_KEY, names_in
from keyconf.formats.qmk_keymap_json import looks_like_keymap_json, read_keymap_json
from keyconf.formats.qmk_modules import attach_modules, module_roots_near, modules_beside
from keyconf.formats.via_save import (
    ViaImport,
    ViaSave,
    looks_like_via_save,
    read_via_save,
    used_positions,
    via_to_layout,
)
from keyconf.formats.vial_vil import VialSave, looks_like_vil, read_vil, vil_to_layout
from keyconf.formats.yaml_layout import (
    LayoutFileError,
    dumps_layout,
    loads_layout,
)
from keyconf.model.board_keycodes import name_board_keycodes, name_keycodes
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes.languages import host_language
from keyconf.model.layout import Layout, keycode_fields, module_keycodes
from keyconf.model.validation import controller_problems

YAML = "yaml"
KEYMAP_JSON = "keymap.json"
KEYMAP_C = "keymap.c"
VIA = "via"
VIL = "vil"
KEYMAP_DRAWER = "keymap-drawer"
IMPORT_FORMATS = (YAML, KEYMAP_JSON, KEYMAP_C, VIA, VIL)
EXPORT_FORMATS = (YAML, KEYMAP_JSON, KEYMAP_C, VIA, VIL, KEYMAP_DRAWER)
FORMAT_NAMES = {
    YAML: "keyconf YAML layout",
    KEYMAP_JSON: "QMK keymap.json",
    KEYMAP_C: "QMK keymap.c",
    VIA: "VIA saved layout (.layout.json)",
    VIL: "Vial saved layout (.vil)",
    KEYMAP_DRAWER: "keymap-drawer YAML",
}
# The file name an export gets when the caller names none: <stem><suffix>.
EXPORT_SUFFIXES = {
    YAML: ".yaml",
    KEYMAP_JSON: ".keymap.json",
    KEYMAP_C: ".keymap.c",
    VIA: ".layout.json",
    VIL: ".vil",
    KEYMAP_DRAWER: ".keymap-drawer.yaml",
}


class KeyboardFinder(Protocol):
    """Where keyboards come from (the catalogue, in the application)."""

    def by_name(self, name: str) -> Keyboard | None:
        """The keyboard with this QMK path or alias."""

    def by_usb_id(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> Keyboard | None:
        """The keyboard with this USB id; `name` (as VIA wrote it), `matrix_keys` (rows × cols
        of the save) and the save's used matrix `positions` choose among boards that share an id."""

    def usb_choice(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> tuple[Keyboard | None, str | None]:
        """`by_usb_id`, and a sentence saying which board was chosen and why when several share the id."""

    def makers_boards(self, vid: int, name: str, matrix_keys: int) -> list[Keyboard]:
        """Boards of USB vendor `vid` named like `name`, with a matrix of other than `matrix_keys`."""


def module_roots(path: str | Path | None, finder: KeyboardFinder) -> list[Path]:
    """Where a file's community modules are looked for: a `modules/` folder of the repository
    around it, then the QMK userspace and tree the finder knows (a finder with `module_roots()`).
    The one rule of import, `keyconf validate` and the window."""
    known = getattr(finder, "module_roots", None)
    near = module_roots_near(path if path is not None and Path(path).exists() else None)
    return [*near, *(known() if callable(known) else [])]


class NoKeyboards:
    """A finder that knows no keyboard: imports then rely on --keyboard or embedded geometry."""

    def by_name(self, name: str) -> Keyboard | None:
        return None

    def by_usb_id(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> Keyboard | None:
        return None

    def usb_choice(
        self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None, positions: Collection[int] = ()
    ) -> tuple[Keyboard | None, str | None]:
        return None, None

    def makers_boards(self, vid: int, name: str, matrix_keys: int) -> list[Keyboard]:
        return []


@dataclass
class Imported:
    """A layout read from another format, the keyboard it was matched with, and what to tell the user."""

    layout: Layout
    format: str
    keyboard: Keyboard | None
    warnings: list[str] = field(default_factory=list)


def sniff_format(path: str | Path, text: str) -> str:
    """Which format a file holds, by its name and then by its content."""
    name = Path(path).name.lower()
    if name.endswith(".vil"):
        return VIL
    if name.endswith(".c") or name.endswith(".h"):
        return KEYMAP_C
    if name.endswith((".yaml", ".yml")):  # before the content: a layout's C names QMK_KEYBOARD_H too
        return YAML
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") or name.endswith(".json"):
        try:
            data = load_json(text)
        except JsonError:
            if name.endswith(".json") or stripped.startswith("{"):
                # Let the format's own reader report where the JSON breaks.
                return VIA if name.endswith(".layout.json") else KEYMAP_JSON
            data = None
        if looks_like_via_save(data):
            return VIA
        if looks_like_vil(data):
            return VIL
        if looks_like_keymap_json(data):
            return KEYMAP_JSON
        raise FormatError(
            "this JSON file is not a layout keyconf knows",
            path,
            hint="keyconf imports QMK keymap.json, VIA saves (.layout.json) and Vial saves (.vil); "
            "keyboard definitions go to --keyboard",
        )
    if looks_like_keymap_c(text):
        return KEYMAP_C
    if name.endswith((".yaml", ".yml")) or "layers:" in text:
        return YAML
    raise FormatError(
        "cannot tell what kind of layout file this is",
        path,
        hint="keyconf imports .yaml layouts, keymap.json, keymap.c, VIA .layout.json and Vial .vil files",
    )


def import_layout(
    path: str | Path,
    *,
    keyboard: Keyboard | None = None,
    layout_macro: str | None = None,
    finder: KeyboardFinder | None = None,
    embed_geometry: bool = False,
    format: str | None = None,
    keyboard_name: str | None = None,
) -> Imported:
    """Read any importable layout file into a Layout.

    `keyboard` (from --keyboard) overrides what the file says; `keyboard_name` is a --keyboard the
    catalogue knows only as a folder of boards (`bastardkb/dilemma/3x5_2`: its keymaps build for
    each), read as a keymap.c's path would be; `layout_macro` (from --layout)
    picks the layout macro for matrix-ordered saves; `embed_geometry` makes the layout carry
    the keyboard's geometry (for keyboards given as a definition file, not the catalogue).
    Raises FormatError (or LayoutFileError for YAML) naming the file and line."""
    return import_text(read_text(path), path, keyboard=keyboard, layout_macro=layout_macro, finder=finder,
                       embed_geometry=embed_geometry, format=format, keyboard_name=keyboard_name)


def import_text(
    text: str,
    path: str | Path,
    *,
    keyboard: Keyboard | None = None,
    layout_macro: str | None = None,
    finder: KeyboardFinder | None = None,
    embed_geometry: bool = False,
    format: str | None = None,
    keyboard_name: str | None = None,
) -> Imported:
    """`import_layout` for text already read (`path` names it in messages and tells the format)."""
    finder = finder or NoKeyboards()
    fmt = format or sniff_format(path, text)
    try:
        if fmt == KEYMAP_C and keyboard is None and keyboard_name:
            imported = _import_keymap_c(text, path, None, layout_macro, finder, name=keyboard_name)
        else:
            imported = _IMPORTERS[fmt](text, path, keyboard, layout_macro, finder)
    except FormatError as error:
        if error.line is None:
            error = _anchored(error, text, _ANCHORS.get(fmt, ""))
        raise error if error.path else error.with_path(path) from None
    empty = next((place.location for place in keycode_fields(imported.layout) if not place.text.strip()), None)
    if empty is not None:
        where = "][".join(str(part) for part in empty[1:])
        raise _anchored(FormatError(
            f"a keycode is empty ({empty[0]}[{where}])", path,
            hint="write KC_NO for a key that does nothing, KC_TRNS for one that falls through"),
            text, _ANCHORS.get(fmt, ""))
    _check_keycode_count(sum(len(layer.keys) for layer in imported.layout.layers), text, path, fmt)
    if embed_geometry and imported.keyboard is not None and imported.layout.geometry is None:
        imported.layout.geometry = imported.keyboard
    return imported


def _check_keycode_count(total: int, text: str, path: str | Path, fmt: str) -> None:
    if total > MAX_LAYOUT_KEYCODES:
        raise _anchored(FormatError(
            f"the file holds {total:,} keycodes in all; a keyconf layout holds at most {MAX_LAYOUT_KEYCODES:,} "
            "(32 layers of 256 keys)", path, hint="remove unused layers before importing"), text, _ANCHORS.get(fmt, ""))


# Where a problem with the layers as a whole (their key count against the keyboard's) points.
_ANCHORS = {VIA: '"layers"', VIL: '"layout"', KEYMAP_JSON: '"layers"', KEYMAP_C: "keymaps"}


def _anchored(error: FormatError, text: str, anchor: str) -> FormatError:
    """`error` placed at `anchor` (the part of the file it is about), or at the file's start."""
    index = text.find(anchor) if anchor else -1
    line, column = position(text, index) if index >= 0 else (1, 1)
    return type(error)(error.message, error.path, line, column, error.hint, unreadable=error.unreadable)


def layout_text(imported: Imported, path: str | Path) -> str:
    """The YAML text of an imported layout, checked to reopen: an import never writes a file
    keyconf cannot read back. Raises FormatError (naming `path`, the imported file) when the
    file holds something the layout format cannot carry."""
    if not imported.layout.layout_macro:
        raise FormatError("the file names no layout macro, and a keyconf layout needs one", path, 1, 1,
                          hint="pass --layout with the keyboard's layout macro, e.g. --layout LAYOUT_split_3x6_3")
    text = dumps_layout(imported.layout, imported.keyboard)
    try:
        loads_layout(text, "<imported>")
    except LayoutFileError as error:
        raise FormatError(
            f"the file's contents cannot be written as a keyconf layout: {error.message}",
            path,
            hint="nothing was written; this is a keyconf bug worth reporting, with the file",
        ) from None
    return text


_Importer = Callable[[str, "str | Path", "Keyboard | None", "str | None", KeyboardFinder], Imported]


def _import_yaml(
    text: str, path: str | Path, keyboard: Keyboard | None, layout_macro: str | None, finder: KeyboardFinder
) -> Imported:
    layout = loads_layout(text, str(path)).layout
    found = keyboard or layout.geometry or finder.by_name(layout.keyboard)
    warnings = attach_modules(layout, module_roots(path, finder)) if layout.modules else []
    return Imported(layout, YAML, found, warnings)


def _import_keymap_json(
    text: str, path: str | Path, keyboard: Keyboard | None, layout_macro: str | None, finder: KeyboardFinder
) -> Imported:
    result = read_keymap_json(text, path, module_roots(path, finder), _processor_of(text, keyboard, finder))
    layout, warnings = result.layout, list(result.warnings)
    _set_host_language(layout, warnings)
    found = keyboard or (finder.by_name(layout.keyboard) if layout.keyboard else None)
    keys = len(layout.layers[0].keys) if layout.layers else 0
    if found is None and layout.keyboard:  # "keyboard": "bastardkb/dilemma/3x5_2", a folder of boards
        found = _board_of_family(layout.keyboard, layout.layout_macro, keys, finder, warnings)
    if found is None and layout.keyboard:  # "keyboard": "iris/rev2", from before QMK moved it to keebio/
        found = _moved_board(layout.keyboard, layout.layout_macro, keys, finder, warnings)
    if layout_macro is None and keyboard is None:
        # keyboards/<board>/keymaps/<name>/keymap.json of a board the user keeps: QMK builds the
        # keymap folder's file with that board, as it builds a keymap.c there.
        local = _keyboard_of_folder(path, found, layout.layout_macro, keys, warnings)
        if local is not None:
            warnings[:] = [w for w in warnings if not w.startswith(f"{layout.keyboard} is a folder of")]
            found, layout.keyboard, layout.geometry = local, local.name, local
    found = _newer_definition(layout, found, layout_macro, finder, warnings)
    found = _userspace_layout(path, layout, found, layout_macro, warnings, _keymap_name_of(text))
    _match_keyboard(layout, found, warnings, layout_macro, finder)
    _leave_out_a_controller_the_board_cannot_take(layout, found, warnings)
    return Imported(layout, KEYMAP_JSON, found, warnings)


def _keymap_name_of(text: str) -> tuple[str, ...]:
    """A keymap.json's `keymap`, which QMK takes as USER_NAME when no rules.mk names one."""
    try:
        data = load_json(text)
    except (JsonError, ValueError, RecursionError):
        return ()
    name = data.get("keymap") if isinstance(data, dict) else None
    return (name,) if isinstance(name, str) and name else ()


def _processor_of(text: str, keyboard: Keyboard | None, finder: KeyboardFinder) -> str | None:
    """The chip of the board a keymap.json is for: the one given, else the one its `"keyboard"` names."""
    if keyboard is not None:
        return keyboard.processor
    try:
        data = load_json(text)
    except (JsonError, ValueError, RecursionError):
        return None
    name = data.get("keyboard") if isinstance(data, dict) else None
    board = finder.by_name(name) if isinstance(name, str) and name else None
    return board.processor if board is not None else None


def _import_keymap_c(
    text: str, path: str | Path, keyboard: Keyboard | None, layout_macro: str | None, finder: KeyboardFinder,
    name: str | None = None,
) -> Imported:
    name = keyboard.name if keyboard is not None else name or keyboard_from_path(path) or ""
    config_h = config_h_beside(path)
    board = keyboard or (finder.by_name(name) if name else None)
    has_layout = (lambda macro: board.resolve_layout_name(macro) is not None) if board is not None else None
    processor = board.processor if board is not None else None
    spliced = (with_its_header_keymaps(Path(path), text, board.name if board is not None else name, processor)
               if Path(path).is_file() else None)
    result = None
    if spliced is not None:
        try:  # as the compiler reads it: the header holding its keymaps[] in place of its #include
            result = read_keymap_c(spliced[0], path, name, config_h, mixed_macros=True, has_layout=has_layout,
                                   processor=processor)
            text = spliced[0]
        except FormatError:
            spliced = None  # read alone it says which file holds the keymaps[], to import for its own lines
    introspected = None
    if result is None and Path(path).is_file():
        introspected = with_its_introspected_keymaps(Path(path), text, board.name if board is not None else name,
                                                     processor)
        if introspected is not None:
            try:  # as the compiler reads it: the INTROSPECTION_KEYMAP_C holding its keymaps[] after the keymap
                result = read_keymap_c(introspected[0], path, name, config_h, mixed_macros=True,
                                       has_layout=has_layout, processor=processor)
                text = introspected[0]
            except FormatError:
                introspected = None
    if result is None:
        result = read_keymap_c(text, path, name, config_h, mixed_macros=True, has_layout=has_layout,
                               processor=processor)
    layout, warnings = result.layout, list(result.warnings)
    if spliced is not None:
        warnings.insert(0, f"the keymaps[] is in {spliced[1]}, which the keymap.c includes: the layout holds that "
                        "header's code in place of its #include, as the compiler reads it (lines named below count "
                        "in that text)")
    if introspected is not None:
        warnings.insert(0, f"the keymaps[] is in {introspected[1]}, which rules.mk names as INTROSPECTION_KEYMAP_C "
                        "(QMK includes it after the keymap): the layout holds its code after the keymap's, as the "
                        "compiler reads it, and does not carry the file (lines named below count in that text)")
    features_beside(path, layout, warnings, board.name if board is not None else name,
                    board.processor if board is not None else None)
    if Path(path).is_file():  # the keymap's other C files, from where it lives
        folder_files = keymap_folder_c_files(path, text, board.name if board is not None else name,
                                             board.processor if board is not None else None)
        read_in = introspected[1] if introspected is not None else None  # its code is the layout's now
        layout.c_files = [c_file for c_file in folder_files.files if c_file.path != read_in]
        layout.qmk_files = folder_files.qmk_files
        layout.qmk_files_when = folder_files.qmk_files_when
        warnings += folder_files.warnings
        userspace_features(layout, folder_files, warnings)
        if folder_files.introspection is not None and folder_files.introspection != read_in:
            include_after_keymap(layout, folder_files.introspection, warnings)
        tap_dances_of_the_c_files(layout, warnings)
        carried = {c_file.path for c_file in layout.c_files}
        warnings = [header_carried(w, carried) for w in warnings]
        if any(c_file.config for c_file in layout.c_files):  # its defines are kept after all
            warnings = [config_carried(w) if w.startswith("config.h: ") else w for w in warnings]
    if Path(path).is_file():
        warnings = _modules_beside(path, layout, finder, warnings)
        converter_beside(path, layout, warnings)
    _spell_as_keyconf(layout)
    _set_host_language(layout, warnings, text)
    found = _newer_definition(layout, board, layout_macro, finder, warnings)  # the same board, before its siblings
    keys = len(layout.layers[0].keys) if layout.layers else 0
    if found is None and name:
        found = _board_of_family(name, layout.layout_macro, keys, finder, warnings)
    elif found is not None and layout.layout_macro and _layout_taking(found, layout.layout_macro, keys) is None:
        # keyboards/crkbd/keymaps/x builds for every crkbd: crkbd/rev1 lacks LAYOUT_split_3x6_3_ex2, rev4 has it.
        parts = found.name.split("/")
        for depth in range(len(parts) - 1, 0, -1):
            sibling = _board_of_family("/".join(parts[:depth]), layout.layout_macro, keys, finder, [])
            if sibling is not None:
                warnings.append(f"{found.name} has no layout {layout.layout_macro}: read with {sibling.name}, "
                                f"a board of the same folder {'/'.join(parts[:depth])} that has it")
                found = sibling
                break
    if layout_macro is None:
        local = _keyboard_of_folder(path, found, layout.layout_macro, keys, warnings)
        if local is not None:
            found = local
            layout.keyboard = local.name
            layout.geometry = local  # the catalogue does not know it: the layout carries it
    found = _userspace_layout(path, layout, found, layout_macro, warnings)
    if not layout.keyboard:
        warnings.append("a keymap.c does not name its keyboard; pass --keyboard")
    if result.layer_macros:
        _one_macro(layout, result.layer_macros, found, warnings, result.unseen_headers)
    try:
        _match_keyboard(layout, found, warnings, layout_macro, finder)
    except KeyboardMismatch as mismatch:
        macro = layout.layout_macro
        if (not result.unseen_headers and found is not None and macro and not macro.startswith(("LAYOUT", "KEYMAP"))
                and found.resolve_layout_name(macro) is None):
            # `EXPAND(LAYOUT, ...)` in a file including only QMK_KEYBOARD_H: not a layout macro by its name, nor
            # defined here; a userspace's config.h, which QMK puts in every build unnamed, defines such wrappers.
            raise KeyboardMismatch(
                f"{macro}(...) is not a layout of {found.name}, and neither this file nor a header it includes "
                "defines it: most likely a wrapper macro from a userspace's config.h (QMK's build includes that "
                "without an #include) or, in a keymap of QMK before 2018 (KC_KEYMAP), from the keyboard's own "
                "header of then, which keyconf cannot see, so the keys it lays out are unknown",
                path, hint=IN_PLACE_HINT,
            ) from mismatch
        if not result.unseen_headers or found is None or not macro or module_layout_origin(macro, found.name):
            raise  # a Halcyon module layout's own message says where it comes from, whatever the file includes
        if found.resolve_layout_name(macro) is not None:
            # The key count is off, and keys hold names of the user's unseen header: rows of a userspace
            # (`HRML(LEFT_ROW2(_BASE))`), each standing for several keys.
            names = [c.name for c in layout.custom_keycodes if c.external]
            if not names:
                raise
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            raise KeyboardMismatch(
                f"{mismatch.message}: the keys hold names from {' or '.join(result.unseen_headers)}, which keyconf "
                f"cannot see ({shown}), and some most likely stand for several keys (a userspace's rows)",
                path, hint=IN_PLACE_HINT,
            ) from mismatch
        # LAYOUT_mitosis_wrapper(...): a userspace's wrapper, which QMK expands to the board's macro.
        raise KeyboardMismatch(
            f"{macro} is not a layout of {found.name}: most likely a wrapper macro from "
            f"{' or '.join(result.unseen_headers)}, which keyconf cannot see, so the keys it lays out are unknown",
            path, hint=IN_PLACE_HINT,
        ) from mismatch
    _leave_out_encoders_the_board_lacks(layout, found, warnings)
    _leave_out_a_controller_the_board_cannot_take(layout, found, warnings)
    return Imported(layout, KEYMAP_C, found, warnings)


def _modules_beside(path: str | Path, layout: Layout, finder: KeyboardFinder, warnings: list[str]) -> list[str]:
    """`warnings`, after the community modules of the keymap.json beside a keymap.c are taken and
    their keycodes read: the names the C reader kept as the keyboard's own (`header: QMK_KEYBOARD_H`)
    are the modules', and its warning about them goes."""
    layout.modules, more = modules_beside(path)
    if not layout.modules:
        return warnings + more
    more += attach_modules(layout, module_roots(path, finder))
    names = {keycode.name for keycode in module_keycodes(layout)}
    layout.custom_keycodes = [c for c in layout.custom_keycodes if not (c.external and c.name in names)]
    kept = []
    for warning in warnings:
        listed = _NOT_DEFINED_HERE.match(warning)
        unread = len(layout.module_definitions) < len(layout.modules)  # said once, by the module's warning
        if listed is None or not (unread or set(listed.group(1).split(", ")) <= names):
            kept.append(warning)
    return kept + more


_NOT_DEFINED_HERE = re.compile(r"^(.*?) (?:is|are) neither (?:a )?QMK keycodes? nor defined in this file")


def _leave_out_encoders_the_board_lacks(layout: Layout, keyboard: Keyboard | None, warnings: list[str]) -> None:
    """QMK compiles a keymap's encoder_map only when the board has encoders (ENCODER_MAP_ENABLE is
    defined under ENCODER_ENABLE): crkbd's default keymap, shared by rev1 and the rev4 boards with
    encoders, builds for rev1 without it. keyconf would refuse to build it, so it is left out too."""
    if keyboard is None or keyboard.encoders or not any(layer.encoders for layer in layout.layers):
        return
    for layer in layout.layers:
        layer.encoders = []
    warnings.append(
        f"{keyboard.name} has no rotary encoders: the keymap's encoder_map is left out, as QMK's build of it "
        "leaves it out"
    )


def _one_macro(layout: Layout, macros: list[str | None], keyboard: Keyboard | None, warnings: list[str],
               unseen_headers: Collection[str] = ()) -> None:
    """Layers written with different layout macros (QMK allows it: each fills the matrix its
    own way) become layers of one macro, key by key through the matrix: a position the
    layer's macro leaves out is KC_NO there, as in QMK's keymap. A macro the board lacks in a file
    including headers keyconf cannot see is most likely their wrapper (LAYOUT_split_3x6_3_wrapper
    on most layers, the board's own macro on one)."""
    used = sorted({m for m in macros if m is not None})
    if keyboard is None:
        raise FormatError(f"layers use different layout macros: {', '.join(used)}",
                          hint="pass --keyboard: keyconf maps each layer through its own macro with the keyboard's "
                          "matrix")
    all_raw = layout.layout_macro if raw_matrix_columns(layout.layout_macro) is not None else None
    if all_raw is not None:
        macros = [m or all_raw for m in macros]  # a layer keymaps[] lacks came as the matrix too (all KC_NO)
        target_name = _layout_for_matrix(layout, macros, keyboard)
        if target_name is None:
            return
        layout.layout_macro = target_name
    else:
        target_name = keyboard.resolve_layout_name(layout.layout_macro)
    if target_name is None:
        return  # _match_keyboard says what is wrong with it
    target = keyboard.layouts[target_name]
    lost: list[str] = []
    for layer, macro_name in zip(layout.layers, macros, strict=True):
        own_name = keyboard.resolve_layout_name(macro_name) if macro_name else None
        if own_name == target_name and raw_matrix_columns(macro_name) is None:
            continue  # already the target's keys
        places = _matrix_places(layer.keys, macro_name, keyboard, layer.name)
        if places is None:
            own_name = keyboard.resolve_layout_name(macro_name) if macro_name else None
            if macro_name is not None and own_name is None and unseen_headers:
                raise FormatError(f"layer {layer.name} uses {macro_name}, which is not a layout of {keyboard.name}: "
                                  f"most likely a wrapper macro from {' or '.join(unseen_headers)}, which keyconf "
                                  "cannot see, so the keys it lays out are unknown", hint=IN_PLACE_HINT)
            if macro_name is not None and own_name is None:
                raise FormatError(f"layer {layer.name} uses {macro_name}, which {keyboard.name} does not have",
                                  hint=f"{keyboard.name} has {', '.join(keyboard.layouts)}")
            continue
        original = list(layer.keys)
        at = {place: text for place, text in zip(places, original, strict=True) if place is not None}
        layer.keys = [at.get(key.matrix, "KC_NO") if key.matrix is not None else "KC_NO" for key in target.keys]
        kept = {key.matrix for key in target.keys}
        dropped = [text for place, text in zip(places, original, strict=True)
                   if place not in kept and text not in _EMPTY_KEYS]
        if dropped:
            lost.append(f"{layer.name}: {', '.join(dropped)}")
    warnings.append(f"layers use {', '.join(used)}; read as {target_name}, each layer mapped through its own "
                    "macro by matrix position (a position a layer's macro leaves out is KC_NO there, as in QMK)"
                    + (f"; keys on positions {target_name} lacks are lost: {'; '.join(lost)}" if lost else ""))


_EMPTY_KEYS = ("KC_NO", "XXXXXXX", "KC_TRNS", "_______")


def _matrix_places(
    keys: list[str], macro_name: str | None, keyboard: Keyboard, layer_name: str = ""
) -> list[tuple[int, int] | None] | None:
    """Where each key of a layer sits in the matrix: by its own layout macro's keys, or row by row for a
    layer written as the matrix; None when the layer is already in the target's order."""
    columns = raw_matrix_columns(macro_name)
    if columns is not None:
        return [divmod(index, columns) for index in range(len(keys))]
    own_name = keyboard.resolve_layout_name(macro_name) if macro_name else None
    if own_name is None:
        return None
    own = keyboard.layouts[own_name]
    if len(own.keys) != len(keys):
        raise FormatError(f"layer {layer_name} has {len(keys)} keys, but {macro_name} takes {len(own.keys)}")
    return [key.matrix for key in own.keys]


def _layout_for_matrix(layout: Layout, macros: list[str | None], keyboard: Keyboard) -> str | None:
    """The board's layout for layers all written as the matrix: the one whose keys hold the most of the
    keys the layers set (a position no layout has is a key of no layout), the fewest keys among equals."""
    placed = [(place, text) for layer, macro in zip(layout.layers, macros, strict=True)
              for place, text in zip(_matrix_places(layer.keys, macro, keyboard) or [], layer.keys, strict=True)
              if text not in _EMPTY_KEYS]
    if not keyboard.layouts:
        return None

    def held(name: str) -> tuple[int, int]:
        places = {key.matrix for key in keyboard.layouts[name].keys}
        return sum(place in places for place, _ in placed), -len(keyboard.layouts[name].keys)

    return max(keyboard.layouts, key=held)


_MAX_FAMILY = 40  # boards of one folder worth loading to find the keymap's


def _board_of_family(
    folder: str, macro: str, keys: int, finder: KeyboardFinder, warnings: list[str]
) -> Keyboard | None:
    """A keymap kept in a folder of several boards (`keyboards/bastardkb/charybdis/3x5/keymaps/x`,
    whose revisions v1/elitec, v2/splinky_3, ... all build it) is for each of them: the first
    with the file's layout macro and number of keys, named in a warning."""
    under: Callable[[str], list[str]] | None = getattr(finder, "boards_under", None)
    if under is None or not macro:
        return None
    boards = under(folder)
    if len(boards) > _MAX_FAMILY:
        return None  # a maker's folder, not one board's revisions
    for board_name in boards:
        board = finder.by_name(board_name)
        if board is None:
            continue
        current = _layout_taking(board, macro, keys)
        if current is not None and board.layouts[current].key_count == keys:
            warnings.append(
                f"{folder} is a folder of {len(boards)} keyboards, and its keymaps build for each: read with "
                f"{board.name}, the first with {macro} of {keys} keys (--keyboard chooses another)"
                if len(boards) > 1 else f"{folder} holds one keyboard: {board.name}"
            )
            return board
    if boards and not any("is a folder of" in w for w in warnings):
        warnings.append(f"{folder} is a folder of {len(boards)} keyboard{'s' if len(boards) > 1 else ''}, none with "
                        f"{macro} of {keys} keys: pass --keyboard with the one the file is for "
                        f"({', '.join(boards[:4])}{' …' if len(boards) > 4 else ''})")
    return None


def _moved_board(name: str, macro: str, keys: int, finder: KeyboardFinder, warnings: list[str]) -> Keyboard | None:
    """The board a file names as it was called before QMK moved it into its maker's folder (Configurator
    exports of 2018-2019 say `iris/rev2`, `kbd75/rev1`; QMK's keyboard_aliases list only later moves): the
    one catalogued board whose path ends so and has the file's layout macro with its number of keys."""
    ending: Callable[[str], list[str]] | None = getattr(finder, "boards_ending", None)
    if ending is None or "/" not in name.strip("/"):
        return None  # one word (`rev2`, `sweep`) ends too many paths to say which board
    boards = ending(name)
    if len(boards) != 1:
        return None
    board = finder.by_name(boards[0])
    current = board.resolve_layout_name(macro) if board is not None and macro else None
    if board is None or current is None or board.layouts[current].key_count != keys:
        return None
    warnings.append(f"keyboard {name} is {board.name} today (QMK moved the board into its maker's folder after "
                    f"this file was made): read with {board.name}, whose {macro} has the file's {keys} keys")
    return board


def _keyboard_of_folder(
    path: str | Path, known: Keyboard | None, macro: str, keys: int, warnings: list[str]
) -> Keyboard | None:
    """The keyboard the keymap's own repository defines (`<board>/keymaps/<name>/keymap.c`),
    when the catalogue does not know the board or lacks the file's layout macro."""
    if known is not None and (not macro or known.resolve_layout_name(macro) is not None):
        return None
    if not Path(path).is_file():
        return None
    try:
        found = folder_board(Path(path), macro, keys)
    except KeyboardDefinitionError as error:
        warnings.append(f"the keyboard definition beside the keymap does not read: {error}")
        return None
    if found is None or (known is not None and found.keyboard.resolve_layout_name(macro) is None):
        return None
    local = found.keyboard
    files = ", ".join(str(f) for f in found.files)
    why = f"{known.name} has no layout {macro}" if known is not None else "the catalogue does not know it"
    warnings.append(f"keyboard {local.name} from {files}, the keymap's own keyboard folder ({why}); "
                    "the layout carries its geometry")
    if found.boards > 1:
        warnings.append(f"the keymap's folder holds {found.boards} boards, and QMK builds it for each: read with "
                        f"{local.name}, {found.chosen_by} (--keyboard chooses another)")
    return local


def _set_host_language(layout: Layout, warnings: list[str], source: str = "") -> None:
    """A layout whose file implies a host language (an #include, DE_ names) says so."""
    if layout.host_language:
        return
    found = fk.detect_host_language(layout, source)
    if found is not None:
        layout.host_language = found[0]
        title = host_language(found[0]).title  # type: ignore[union-attr]
        warnings.append(f"the computer types in {title} ({found[1]}): the layout's host_language is {found[0]}")


def _leave_out_a_controller_the_board_cannot_take(layout: Layout, keyboard: Keyboard | None,
                                                  warnings: list[str]) -> None:
    """A rules.mk BOOTLOADER for another chip than the one built for (`BOOTLOADER = rp2040` beside
    `MCU = RP2040` on a Corne: keyconf keeps no MCU), or a converter QMK lacks for the board: the
    layout builds for the board's own controller, and the warning says what was left out."""
    if keyboard is None or not (layout.converter or layout.bootloader):
        return
    for problem in [p for p in controller_problems(layout, keyboard) if p.is_error]:
        field_name = str(problem.location[0])
        value = getattr(layout, field_name)
        setattr(layout, field_name, None)
        warnings.append(f"{field_name} {value} was left out: {problem.message}" +
                        (f" ({problem.hint})" if problem.hint and field_name == "converter" else ""))


def _spell_as_keyconf(layout: Layout) -> None:
    """Keycodes as a person wrote them in C, with layer numbers named and old names updated."""
    ctx = fk.context(layout)
    for place in keycode_fields(layout):
        spelled = fk.from_author(place.text, ctx)
        if spelled != place.text:
            place.set(spelled)


def _import_via(
    text: str, path: str | Path, keyboard: Keyboard | None, layout_macro: str | None, finder: KeyboardFinder
) -> Imported:
    save = read_via_save(text, path)
    found, why = keyboard, None
    if found is None:
        found, why = finder.usb_choice(save.vid, save.pid, save.name, len(save.layers[0]), used_positions(save))
    if found is None:
        where = max(text.find('"vendorProductId"'), 0)
        raise FormatError(
            f"no keyboard with USB id {save.usb_id} ({save.name or 'unnamed'}) is known, and a VIA save "
            "cannot be read without its keyboard's matrix",
            path,
            *position(text, where),
            hint="pass --keyboard with the keyboard's QMK name or its VIA definition (.json) file",
        )
    try:
        result = via_to_layout(save, found, layout_macro)
    except KeyboardMismatch as mismatch:
        if keyboard is not None:
            raise _with_fitting_relatives(mismatch, keyboard, layout_macro, finder,
                                          lambda board: via_to_layout(save, board, None)) from None
        resliced = _read_with_another_matrix(save, finder, layout_macro)
        if resliced is None:
            raise
        found, result, why = resliced
    warnings = ([why] if why else []) + result.warnings
    name_keycodes(result.layout, names_in({SAVE_KEY: save.custom_names}, warnings))
    named = name_board_keycodes(result.layout, found)
    return Imported(result.layout, VIA, found, warnings + named)


def _read_with_another_matrix(
    save: ViaSave, finder: KeyboardFinder, layout_macro: str | None
) -> tuple[Keyboard, ViaImport, str] | None:
    """VIA reads a board's keymap as one buffer, layer after layer, sized by the definition it was
    given; with another revision's definition (another matrix) the layers of the save run
    together. Read that buffer again with the matrix of each board of the same maker and name,
    and take the first whose layouts place every key."""
    size = len(save.layers[0])
    buffer = [text for layer in save.layers for text in layer]
    boards = finder.makers_boards(save.vid, save.name, size)
    for board in boards:
        count = board.matrix_rows * board.matrix_cols
        full, rest = divmod(len(buffer), count)
        if not full or not count:
            continue
        layers = [buffer[i * count:(i + 1) * count] for i in range(full)]
        if rest:
            layers.append(buffer[full * count:] + ["KC_TRNS"] * (count - rest))
        try:
            result = via_to_layout(replace(save, layers=layers), board, layout_macro)
        except FormatError:
            continue
        cut = (f"; the last layer was cut off after {rest} of its {count} positions (the rest are transparent)"
               if rest else "")
        note = (f"this save of USB id {save.usb_id} was taken with a definition of {size} matrix positions a layer, "
                f"so its layers ran together; it reads as {board.name} ({board.matrix_rows}×{board.matrix_cols} "
                f"= {count} a layer, USB id {board.usb_vid or 0:04X}:{board.usb_pid or 0:04X}): "
                f"{len(layers)} layers{cut}")
        alike = [b.name for b in boards if b is not board and (b.matrix_rows, b.matrix_cols) == (board.matrix_rows,
                                                                                               board.matrix_cols)]
        if alike:
            note += f" ({', '.join(alike[:3])} share its matrix: pass --keyboard to pick one of them)"
        return board, result, note
    return None


def _import_vil(
    text: str, path: str | Path, keyboard: Keyboard | None, layout_macro: str | None, finder: KeyboardFinder
) -> Imported:
    save = read_vil(text, path)
    notes: list[str] = []
    detected = None
    if keyboard is None:
        detected, note = _vial_board(save, layout_macro, finder)
        notes += [note] if note else []
    if keyboard is None and detected is None:  # a key per position the save uses, on each layer: refused unread
        _check_keycode_count(len(save.positions()) * len(save.layers), text, path, VIL)
    try:
        result = vil_to_layout(save, keyboard or detected, layout_macro)
    except KeyboardMismatch as mismatch:
        if detected is not None:  # the id's board after all places too few keys: as with no board
            return _import_vil(text, path, keyboard, layout_macro, NoKeyboards())
        if keyboard is None:
            raise
        raise _with_fitting_relatives(mismatch, keyboard, layout_macro, finder,
                                      lambda board: vil_to_layout(save, board, None)) from None
    board = keyboard or detected or result.layout.geometry
    warnings = list(result.warnings) + notes
    name_keycodes(result.layout, names_in({SAVE_KEY: save.custom_names}, warnings))
    return Imported(result.layout, VIL, board, warnings + name_board_keycodes(result.layout, board))


def _vial_board(save: VialSave, layout_macro: str | None, finder: KeyboardFinder) -> tuple[Keyboard | None, str | None]:
    """The board a Vial save's keyboard id names (a finder with `vial_choice`, the catalogue's), when
    its matrix and layouts hold the save; else None and, for an id whose boards do not fit, why."""
    choose = getattr(finder, "vial_choice", None)
    if not callable(choose) or not save.layers:
        return None, None
    size = save.size
    positions = [r * size.cols + c for r, c in save.positions()]
    board, note = choose(save.uid, size.rows, size.cols, positions)
    if board is not None and layout_macro is not None and layout_macro not in board.layouts:
        return None, None
    return board, note


def _with_fitting_relatives(
    mismatch: KeyboardMismatch,
    keyboard: Keyboard,
    layout_macro: str | None,
    finder: KeyboardFinder,
    read: Callable[[Keyboard], object],
) -> KeyboardMismatch:
    """`mismatch` (a save refused for the --keyboard given), its hint naming the boards of the same maker
    or family whose matrix places the save's keys: a maker's boards share names and files are named
    loosely (a Piantor Pro save kept as piantor.vil, read with beekeeb/piantor, whose thumbs sit
    elsewhere in the matrix)."""
    if layout_macro:
        return mismatch
    fitting = _boards_reading(keyboard.name, finder, read)
    if not fitting:
        return mismatch
    shown = ", ".join(fitting[:3]) + (f" and {len(fitting) - 3} more" if len(fitting) > 3 else "")
    return KeyboardMismatch(mismatch.message, mismatch.path, mismatch.line, mismatch.column,
                            f"its keys all have a place in {shown}: pass --keyboard {fitting[0]} if that is the "
                            "keyboard (or --layout to take only the keys that fit)")


def _boards_reading(name: str, finder: KeyboardFinder, read: Callable[[Keyboard], object]) -> list[str]:
    """Boards beside `name` in QMK's folders (its siblings, else its folder's siblings) that `read`
    accepts, as few as one family's worth: a maker's whole folder is not searched board by board."""
    under: Callable[[str], list[str]] | None = getattr(finder, "boards_under", None)
    parts = name.split("/")
    if under is None or len(parts) < 2:
        return []
    for depth in range(len(parts) - 1, max(len(parts) - 3, 0), -1):
        relatives = [b for b in under("/".join(parts[:depth])) if b != name]
        if not relatives or len(relatives) > _MAX_FAMILY:
            continue
        fitting = []
        for board_name in relatives:
            board = finder.by_name(board_name)
            try:
                if board is not None:
                    read(board)
                    fitting.append(board_name)
            except FormatError:
                continue
        if fitting:
            return fitting
    return []


_IMPORTERS: dict[str, _Importer] = {
    YAML: _import_yaml,
    KEYMAP_JSON: _import_keymap_json,
    KEYMAP_C: _import_keymap_c,
    VIA: _import_via,
    VIL: _import_vil,
}


def _userspace_layout(path: str | Path, layout: Layout, found: Keyboard | None, requested: str | None,
                      warnings: list[str], user_names: tuple[str, ...] = ()) -> Keyboard | None:
    """`found` with the file's layout macro more, when the board lacks it and the keymap's userspace
    defines it in a config.h QMK's build includes (splitkb's Halcyon modules): the layout carries that
    board (`geometry`); else `found`."""
    macro = layout.layout_macro
    if found is None or requested or not macro or found.resolve_layout_name(macro) is not None:
        return found
    extended = userspace_layout_board(path, found, macro, user_names)
    if extended is None:
        return found
    board, header = extended
    added = board.layouts[macro].key_count - max((m.key_count for m in found.layouts.values()), default=0)
    warnings.append(f"layout {macro} is defined for {found.name} by the userspace's {header} (QMK includes it in "
                    f"every file of the build): read with {found.name} and that macro, whose matrix has "
                    f"{board.matrix_rows} rows; the layout carries the board so extended (geometry)"
                    + (f", the {added} keys the board itself lacks drawn below its halves" if added > 0 else "")
                    + (f", with {len(board.encoders)} encoders (its ENCODER_A_PINS)"
                       if len(board.encoders) != len(found.encoders) else ""))
    layout.geometry = board
    return board


def _newer_definition(
    layout: Layout, found: Keyboard | None, requested: str | None, finder: KeyboardFinder, warnings: list[str]
) -> Keyboard | None:
    """keyconf's own definition of the board, when the user's QMK tree defines it without the
    file's layout macro and keyconf's definition (a newer QMK) has it: a keymap written for
    today's `LAYOUT_ortho_5x12_1x2u_c` reads in full, and the warning says the tree cannot build it."""
    macro = layout.layout_macro
    if found is None or requested or not macro or found.resolve_layout_name(macro) is not None:
        return found
    bundled: Callable[[str], tuple[Keyboard, str] | None] | None = getattr(finder, "bundled_by_name", None)
    other = bundled(found.name) if bundled is not None else None
    if other is None or other[0].resolve_layout_name(macro) is None:
        return found
    board, origin = other
    warnings.append(f"your QMK tree's {found.name} has no layout {macro}; keyconf's definition of it ({origin}) "
                    "has: read with that. To build it, update your qmk_firmware tree (git pull)")
    if layout.keyboard == found.name:
        layout.keyboard = board.name
    return board


def _match_keyboard(
    layout: Layout, keyboard: Keyboard | None, warnings: list[str], requested: str | None = None,
    finder: KeyboardFinder | None = None,
) -> None:
    """Follow layout macro aliases and check the key count against the keyboard, when it is known.

    `requested` (--layout) replaces the file's macro: the same keys under the keyboard's name
    for them (a VIA definition calls its one macro LAYOUT)."""
    if requested and requested != layout.layout_macro:
        if layout.layout_macro:
            warnings.append(f"the file's layout {layout.layout_macro} is read as {requested} (--layout)")
        layout.layout_macro = requested
    if keyboard is None:
        if layout.keyboard and not any(w.startswith(f"{layout.keyboard} is a folder of") for w in warnings):
            suggest: Callable[[str], list[str]] | None = getattr(finder, "suggestions", None)
            close = [n for n in (suggest(layout.keyboard) if suggest is not None else []) if not n.startswith("via:")]
            warnings.append(f"keyboard {layout.keyboard} is not in the catalogue; its geometry is unknown"
                            + (f" (did you mean {' or '.join(close)}? --keyboard names the board)" if close else ""))
        return
    layout.keyboard = keyboard.name
    if not layout.layout_macro:
        return
    current = keyboard.resolve_layout_name(layout.layout_macro)
    if current is None and layout.layout_macro.startswith("KEYMAP"):
        current = _pre_2017_macro(layout.layout_macro, len(layout.layers[0].keys) if layout.layers else 0, keyboard)
        if current is not None:
            warnings.append(f"{layout.layout_macro}, QMK's name before 2017, is read as {current}")
            layout.layout_macro = current
    keys = len(layout.layers[0].keys) if layout.layers else 0
    fits = [name for name, macro in keyboard.layouts.items() if macro.key_count == keys]  # the board's of this size
    if current is None:
        # A macro of the same size is most likely the same keys under another name; any other
        # would put keys on the wrong switches: a wrong board, or a macro the user must choose.
        if fits:
            warnings.append(f"{keyboard.name} has no layout {layout.layout_macro}; read as {fits[0]} ({keys} keys)")
            layout.layout_macro = current = fits[0]
    if current is None:
        theirs = ", ".join(f"{name} ({macro.key_count} keys)" for name, macro in keyboard.layouts.items())
        module = module_layout_origin(layout.layout_macro, keyboard.name)
        if module is not None:
            raise KeyboardMismatch(
                f"the file is for layout {layout.layout_macro} ({keys} keys), which {module}; it is in no "
                f"definition of {keyboard.name}, so keyconf does not know where its keys are",
                hint="import the file where it lives in your QMK userspace checkout (beside its users/<name>/ "
                "folder, whose config.h keyconf then reads the macro from); "
                f"{keyboard.name} itself has {theirs or 'no layouts'}, and a keymap written with one of those "
                "imports anywhere (without the module's keys)",
            )
        raise KeyboardMismatch(
            f"the file is for layout {layout.layout_macro} ({keys} keys), which {keyboard.name} does not have",
            hint=f"{keyboard.name} has {theirs or 'no layouts'}; check --keyboard, or pass --layout to read "
            "the keys in one of its macros",
        )
    count = keyboard.layouts[current].key_count
    sizes = {len(layer.keys) for layer in layout.layers}
    unseen = any(custom.external for custom in layout.custom_keycodes)
    if count != keys and sizes == {keys} and len(fits) == 1 and requested is None and not unseen:
        # The user's copy of the board defines the macro with other keys (`"LAYOUT":
        # "LAYOUT_split_3x5_3"` in their info.json): the board's one macro of that size holds them.
        # Not when keys are names of an unseen header: those may stand for several keys each.
        called = "" if current == layout.layout_macro else f" ({current})"
        warnings.append(f"{keyboard.name} {layout.layout_macro}{called} has {count} keys, but the file's layers "
                        f"hold {keys}: read as {fits[0]}, its layout of {keys} keys (--layout chooses another)")
        layout.layout_macro = current = fits[0]
        count = keys
    elif current != layout.layout_macro:
        warnings.append(f"layout {layout.layout_macro} is now called {current}")
        layout.layout_macro = current
    for layer in layout.layers:
        if len(layer.keys) != count:
            near = ", ".join(f"{name} ({keyboard.layouts[name].key_count} keys)" for name in fits)
            raise KeyboardMismatch(
                f"layer {layer.name} has {len(layer.keys)} keys, but {keyboard.name} {current} has {count}",
                hint=f"check the keyboard and the layout macro (--keyboard, --layout{' ' + fits[0] if fits else ''})"
                + (f"; {keyboard.name} has {near}" if near else ""),
            )


def _layout_taking(keyboard: Keyboard, macro: str, keys: int) -> str | None:
    """The board's layout a file's macro names, a pre-2017 KEYMAP* one too: which board of a folder
    (annepro2/c15, c18) a KEYMAP(...) keymap is for is told as a LAYOUT_*(...) one's is."""
    current = keyboard.resolve_layout_name(macro)
    return _pre_2017_macro(macro, keys, keyboard) if current is None and macro.startswith("KEYMAP") else current


def _pre_2017_macro(macro: str, keys: int, keyboard: Keyboard) -> str | None:
    """QMK's layout macros were KEYMAP, KEYMAP_<x> until 2017, when they became LAYOUT, LAYOUT_<x>:
    the renamed macro, else the board's only layout with the file's number of keys."""
    renamed = keyboard.resolve_layout_name("LAYOUT" + macro[len("KEYMAP"):])
    if renamed is not None:
        return renamed
    fitting = [name for name, macro in keyboard.layouts.items() if macro.key_count == keys]
    return fitting[0] if len(fitting) == 1 else None


__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_NAMES",
    "IMPORT_FORMATS",
    "FormatError",
    "Imported",
    "KeyboardMismatch",
    "KeyboardFinder",
    "LayoutFileError",
    "NoKeyboards",
    "import_layout",
    "import_text",
    "layout_text",
    "read_text",
    "sniff_format",
]
