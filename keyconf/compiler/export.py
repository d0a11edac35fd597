"""A layout as the text of any format keyconf writes, behind one call.

keymap.json and keymap.c come from the compiler's generator, the one that builds firmware,
so an exported keymap is the keymap `keyconf compile` would build; the other formats are
written by their modules in `keyconf.formats`. This dispatch sits here, above both, so the
formats never import the compiler."""

from __future__ import annotations

from keyconf.catalogue.vial_uids import uid_for_board
from keyconf.compiler.dialect import CURRENT_QMK, QmkDialect
from keyconf.compiler.keymap_json import generate_keymap_json
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    KEYMAP_C,
    KEYMAP_DRAWER,
    KEYMAP_JSON,
    VIA,
    VIL,
    YAML,
)
from keyconf.formats.keymap_drawer import layout_to_keymap_drawer
from keyconf.formats.via_save import layout_to_via
from keyconf.formats.vial_vil import layout_to_vil
from keyconf.formats.yaml_layout import dumps_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout


def export_layout(
    layout: Layout,
    fmt: str,
    keyboard: Keyboard | None,
    *,
    macro_count: int | None = None,
    dialect: QmkDialect | None = None,
) -> str:
    """The text of `layout` in format `fmt`. VIA and Vial need the keyboard's matrix.

    `macro_count` is the board's number of dynamic macros, for VIA (which refuses a save with
    another count); `dialect` the QMK version keymap.json and keymap.c are written for
    (current QMK when None)."""
    if fmt == YAML:
        return dumps_layout(layout, keyboard)
    if fmt == KEYMAP_DRAWER:
        return layout_to_keymap_drawer(layout, keyboard)
    if fmt in (KEYMAP_JSON, KEYMAP_C):
        return _generated(layout, fmt, keyboard, dialect)
    if keyboard is None:
        raise FormatError(
            f"{FORMAT_NAMES[fmt]} needs the keyboard's matrix, and keyboard {layout.keyboard} is unknown",
            hint="pass --keyboard, or embed the geometry in the layout",
        )
    if fmt == VIA:
        return layout_to_via(layout, keyboard, macro_count)
    if fmt == VIL:
        # The id Vial firmware of the board reports, so Vial loads the save without asking; a board
        # known only from a Vial save carries its id in its name (layout_to_vil's default).
        return layout_to_vil(layout, keyboard, uid_for_board(layout.keyboard))
    raise FormatError(f"unknown format {fmt}", hint=f"formats: {', '.join(EXPORT_FORMATS)}")


def export_warnings(layout: Layout, fmt: str) -> list[str]:
    """What of `layout` an export in `fmt` leaves behind that the user would miss: the controller
    built for, where the format has no place for it."""
    left: list[str] = []
    if fmt == KEYMAP_JSON and layout.bootloader:
        left.append(f"keymap.json has no bootloader field: `bootloader: {layout.bootloader}` is left behind; "
                    f"put `BOOTLOADER = {layout.bootloader}` in the keymap folder's rules.mk to build for it")
    elif fmt in (VIA, VIL, KEYMAP_DRAWER) and (layout.converter or layout.bootloader):
        held = [f"{name}: {value}" for name, value in (("converter", layout.converter),
                                                       ("bootloader", layout.bootloader)) if value]
        left.append(f"{FORMAT_NAMES[fmt]} has no place for the controller: {', '.join(held)} is left behind")
    return left


def keymap_c_sources(
    layout: Layout, keyboard: Keyboard | None, source_name: str | None = None, dialect: QmkDialect | None = None
) -> dict[str, str]:
    """keymap.c with the rules.mk and config.h it needs (features, tapping terms), by file name."""
    keyboard = _needs_macros(layout, "keymap.c", keyboard)
    try:
        options = GenerateOptions(dialect=dialect or CURRENT_QMK, source_name=source_name or layout.name)
        return generate_sources(layout, keyboard, options).files()
    except GenerationError as error:
        raise _format_error(error, more=False, layout=layout) from None


def _generated(layout: Layout, fmt: str, keyboard: Keyboard | None, dialect: QmkDialect | None) -> str:
    keyboard = _needs_macros(layout, FORMAT_NAMES[fmt], keyboard)
    dialect = dialect or CURRENT_QMK
    try:
        if fmt == KEYMAP_JSON:
            return generate_keymap_json(layout, keyboard, dialect, keymap_name=_keymap_name(layout))
        return generate_sources(layout, keyboard, GenerateOptions(dialect=dialect, source_name=layout.name)).keymap_c
    except GenerationError as error:
        raise _format_error(error, more=True, layout=layout) from None


def _needs_macros(layout: Layout, what: str, keyboard: Keyboard | None) -> Keyboard:
    if keyboard is None:
        raise FormatError(
            f"{what} export needs the keyboard's layout macros, and keyboard {layout.keyboard} is unknown",
            hint="pass --keyboard, or embed the geometry in the layout",
        )
    return keyboard


def _format_error(error: GenerationError, more: bool, layout: Layout | None = None) -> FormatError:
    """The generator's first problem as an export error: where in the layout it is (layer and key), how
    many more there are, and, where the problem has no hint of its own, how to see each in its place."""
    first = error.problems[0]
    where = f"{first.ref.describe(layout)}: " if first.ref is not None and first.ref.path else ""
    count = len(error.problems)
    extra = f" (and {count - 1} more)" if more and count > 1 else ""
    shown = "lists them all, each at its line" if count > 1 else "shows it at its line"
    hint = getattr(first, "hint", None) or (f"`keyconf validate` {shown} of the layout file" if where else None)
    return FormatError(f"{where}{first.message}{extra}", hint=hint)


def _keymap_name(layout: Layout) -> str:
    """keymap.json's `keymap`: the layout's name as QMK accepts a keymap folder name."""
    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in (layout.name or "")).strip("_")
    return name or "keyconf"
