"""File → Import… and Export…: the layout formats other tools keep (VIA and Vial saves, QMK
keymap.json and keymap.c, keymap-drawer), through `keyconf.formats.interchange`.

An import opens as a new untitled layout. When the file does not say which keyboard it is
for (a VIA save of a board keyconf does not know, a Vial save, a keymap.c), the catalogue's
chooser asks. The format of an export is the file type chosen in the save dialog. Reading
and writing happen off the GUI thread; `import_for_editor` and `export_target` hold the
logic without widgets.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyconf.gui.layout_files import FileProblem, OpenedLayout, reader_problem, run_file_job
from keyconf.model.keyboard import Keyboard

if TYPE_CHECKING:
    from keyconf.gui.editor_window import EditorWindow

# The import dialog's file types; "All layouts" lets the content decide.
IMPORT_TYPES: tuple[tuple[str, str | None], ...] = (
    ("All layouts (*.yaml *.yml *.json *.vil *.c *.h)", None),
    ("VIA saved layout (*.layout.json *.json)", "via"),
    ("Vial saved layout (*.vil)", "vil"),
    ("QMK keymap.json (*.json)", "keymap.json"),
    ("QMK keymap.c (*.c *.h)", "keymap.c"),
    ("keyconf layout (*.yaml *.yml)", "yaml"),
)
IMPORT_FILTER = ";;".join(name for name, _ in IMPORT_TYPES)

# The export dialog's file types: (filter, format, suffix added when the name has none).
EXPORT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("QMK keymap.json (*.json)", "keymap.json", ".json"),
    ("QMK keymap.c (*.c)", "keymap.c", ".c"),
    ("VIA saved layout (*.layout.json)", "via", ".layout.json"),
    ("Vial saved layout (*.vil)", "vil", ".vil"),
    ("keymap-drawer YAML (*.yaml)", "keymap-drawer", ".yaml"),
)
EXPORT_FILTER = ";;".join(name for name, _, _ in EXPORT_TYPES)


# ---- logic (no widgets) ---------------------------------------------------------------------


@dataclass
class ImportedLayout:
    """An import ready to open."""

    opened: OpenedLayout
    format_name: str
    source: Path
    warnings: list[str] = field(default_factory=list)


@dataclass
class NeedsKeyboard:
    """The file does not say which keyboard it is for (or keyconf does not know it): ask."""

    reason: str
    query: str = ""
    fallback: ImportedLayout | None = None  # what to open if the user does not choose (a Vial matrix grid)
    layout_macro: str | None = None  # the macro the file names, to preselect
    key_count: int | None = None  # the keys per layer the file has


def import_format(selected_filter: str) -> str | None:
    """The format a chosen import file type stands for (None: tell by the content)."""
    return next((fmt for name, fmt in IMPORT_TYPES if name == selected_filter), None)


def export_target(file_name: str, selected_filter: str) -> tuple[str, Path]:
    """(format, path) for an export: the chosen file type, else the name's suffix; the type's
    suffix is added to a name that has none of its own."""
    path = Path(file_name)
    by_filter = next(((fmt, suffix) for name, fmt, suffix in EXPORT_TYPES if name == selected_filter), None)
    if by_filter is None:
        lowered = path.name.lower()
        longest_first = sorted(EXPORT_TYPES, key=lambda t: -len(t[2]))
        by_filter = next(
            ((fmt, suffix) for _, fmt, suffix in longest_first if lowered.endswith(suffix)),
            (EXPORT_TYPES[0][1], EXPORT_TYPES[0][2]),
        )
    fmt, suffix = by_filter
    if not path.suffix:
        path = path.with_name(path.name + suffix)
    return fmt, path


def _finder() -> Any:
    from keyconf.catalogue.resolve import CatalogueKeyboards

    return CatalogueKeyboards()


def import_for_editor(
    path: Path,
    fmt: str | None = None,
    *,
    keyboard: Keyboard | None = None,
    layout_macro: str | None = None,
    finder: Any = None,
) -> ImportedLayout | NeedsKeyboard:
    """Read any importable file into a layout the editor can open, or say which keyboard is
    missing. Raises FileProblem (file, line, column, hint) for a file that cannot be read."""
    from keyconf.formats.interchange import (
        FORMAT_NAMES,
        VIA,
        VIL,
        FormatError,
        KeyboardMismatch,
        import_layout,
        read_text,
        sniff_format,
    )
    from keyconf.formats.yaml_layout import LayoutFileError

    finder = finder or _finder()
    try:
        text = read_text(path)
        fmt = fmt or sniff_format(path, text)
        if fmt == VIA and keyboard is None:
            from keyconf.formats.via_save import read_via_save, used_positions

            save = read_via_save(text, path)
            if finder.by_usb_id(save.vid, save.pid, save.name, len(save.layers[0]) if save.layers else None,
                                used_positions(save)) is None:
                return NeedsKeyboard(
                    f"{path.name} is a VIA save of a keyboard with USB id {save.usb_id}"
                    + (f" (“{save.name}”)" if save.name else "")
                    + " that keyconf does not know. A VIA save holds only the keyboard's matrix: which keyboard is it?",
                    save.name or "",
                )
        imported = import_layout(path, keyboard=keyboard, layout_macro=layout_macro, finder=finder, format=fmt)
    except KeyboardMismatch as error:  # the file is fine, the keyboard is not: ask for another
        return NeedsKeyboard(f"{error.message}. Which keyboard and layout is it?")
    except (FormatError, LayoutFileError) as error:
        raise reader_problem(error, path) from None
    layout, board = imported.layout, imported.keyboard
    warnings = list(imported.warnings)
    if layout.c_files:
        shown = ", ".join(c_file.path for c_file in layout.c_files[:6]) + (" …" if len(layout.c_files) > 6 else "")
        warnings.append(f"the layout carries {len(layout.c_files)} more C files of the keymap's folder ({shown}); "
                        "saving the layout writes them beside it (c_files)")
    format_name = FORMAT_NAMES[fmt]
    count = len(layout.layers[0].keys) if layout.layers else 0
    if board is None:
        return NeedsKeyboard(
            f"{path.name} does not say which keyboard it is for"
            + (f" (it names “{layout.keyboard}”, which keyconf does not know)" if layout.keyboard else "")
            + f". Which keyboard is it? (Its layers have {count} keys.)",
            layout.keyboard.replace("/", " ") if layout.keyboard else "",
            layout_macro=layout.layout_macro or None,
            key_count=count or None,
        )
    macro = board.resolve_layout_name(layout.layout_macro) if layout.layout_macro else None
    if macro is None:
        fits = [name for name, candidate in board.layouts.items() if candidate.key_count == count]
        if not fits:
            return NeedsKeyboard(
                f"{board.name} has no layout with the {count} keys of {path.name}. Which keyboard and layout is it?",
                board.name,
                key_count=count or None,
            )
        if layout.layout_macro:
            warnings.append(f"{board.name} has no layout {layout.layout_macro}; using {fits[0]} ({count} keys)")
        layout.layout_macro = fits[0]
    else:
        layout.layout_macro = macro
    if not layout.keyboard:
        layout.keyboard = board.name
    if not layout.name:
        layout.name = _stem(path)
    from keyconf.model.keycodes import REGISTRY

    REGISTRY.get("KC_A")  # built here, off the GUI thread: the keycaps need it next
    result = ImportedLayout(OpenedLayout(layout, board, None, None), format_name, path, warnings)
    if fmt == VIL and keyboard is None and layout.geometry is board:
        return NeedsKeyboard(
            f"{path.name} is a Vial save: it does not name its keyboard. Choose the keyboard to see its real "
            "shape, or open it drawn as its matrix.",
            "",
            fallback=result,
        )
    return result


def _stem(path: Path) -> str:
    """`corne.layout.json` → `corne`, `keymap.c` → `keymap`."""
    name = path.name
    for suffix in (".layout.json", ".json", ".vil", ".c", ".h", ".yaml", ".yml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)] or name
            break
    if name.lower().endswith(".keymap") and len(name) > len(".keymap"):
        name = name[: -len(".keymap")]
    return name


def export_text(layout: Any, keyboard: Keyboard, fmt: str) -> str:
    """The layout in `fmt` (raises FileProblem with the exporter's message)."""
    from keyconf.compiler.export import export_layout
    from keyconf.formats.interchange import FormatError

    try:
        return export_layout(layout, fmt, keyboard)
    except FormatError as error:
        raise FileProblem(error.message, hint=error.hint) from None


# ---- the flows ------------------------------------------------------------------------------


def import_dialog(window: EditorWindow) -> None:
    """Ask for a file, import it in the background, open the result untitled."""
    from PySide6.QtWidgets import QFileDialog

    if not window.maybe_save():
        return
    start = str(window.last_folder())
    name, chosen = QFileDialog.getOpenFileName(window.window(), "Import layout", start, IMPORT_FILTER)
    if name:
        import_path(window, Path(name), import_format(chosen))


def import_path(
    window: EditorWindow,
    path: Path,
    fmt: str | None = None,
    keyboard: Keyboard | None = None,
    layout_macro: str | None = None,
) -> None:
    window.set_busy(True, f"Importing {path.name}…")

    def done(outcome: ImportedLayout | NeedsKeyboard) -> None:
        window.set_busy(False)
        if isinstance(outcome, NeedsKeyboard):
            _ask_keyboard(window, path, fmt, outcome)
        else:
            open_imported(window, outcome)

    def failed(problem: FileProblem) -> None:
        window.set_busy(False)
        window.show_file_problem("Cannot import layout", problem)

    run_file_job(
        lambda: import_for_editor(path, fmt, keyboard=keyboard, layout_macro=layout_macro),
        done,
        failed,
        owner=window.window(),
    )


def open_imported(window: EditorWindow, imported: ImportedLayout) -> None:
    window.set_opened(imported.opened)
    doc = window.doc
    assert doc is not None
    doc.origin = imported.source
    doc.untitled_title = f"{imported.opened.layout.name} (imported from {imported.source.name})"
    window.update_title()
    message = f"Imported {imported.source.name} ({imported.format_name}): Save (Ctrl+S) keeps it as a keyconf layout"
    window.statusBar().showMessage(message, 8000)
    if imported.warnings:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Imported with notes",
            f"{imported.source.name} was imported; keyconf noticed:",
            QMessageBox.StandardButton.Ok,
            window.window(),
        )
        box.setObjectName("import-notes")
        box.setInformativeText("\n".join(f"• {w}" for w in imported.warnings))
        window.import_notes = box
        box.open()


def _ask_keyboard(window: EditorWindow, path: Path, fmt: str | None, need: NeedsKeyboard) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from keyconf.gui.keyboard_chooser import ChooseKeyboardDialog

    dialog = ChooseKeyboardDialog(
        window.window(),
        title="Which keyboard is this layout for?",
        message=need.reason,
        query=need.query,
        ok_text="Import",
        layout_macro=need.layout_macro,
        key_count=need.key_count,
    )
    dialog.setObjectName("import-keyboard-chooser")
    fallback = need.fallback
    if fallback is not None:
        grid = dialog.buttons.addButton("Open as its matrix", QDialogButtonBox.ButtonRole.ActionRole)

        def open_grid() -> None:
            dialog.done(2)
            open_imported(window, fallback)

        grid.clicked.connect(open_grid)

    def chosen(result: int) -> None:
        if result == 1 and dialog.keyboard is not None:
            import_path(window, path, fmt, dialog.keyboard, dialog.macro_name)
        dialog.deleteLater()

    dialog.finished.connect(chosen)
    window.keyboard_question = dialog
    dialog.open()


def export_dialog(window: EditorWindow) -> None:
    """Ask where and as what, then write the export in the background."""
    from PySide6.QtWidgets import QFileDialog

    doc = window.doc
    if doc is None:
        return
    suggested = str(window.last_folder() / f"{doc.file_stem}.json")
    name, chosen = QFileDialog.getSaveFileName(window.window(), "Export layout", suggested, EXPORT_FILTER)
    if not name:
        return
    fmt, path = export_target(name, chosen)
    export_to(window, path, fmt)


def export_to(window: EditorWindow, path: Path, fmt: str) -> None:
    from keyconf.formats.interchange import FORMAT_NAMES

    doc = window.doc
    assert doc is not None
    layout, keyboard = copy.deepcopy(doc.layout), doc.keyboard

    from keyconf.compiler.export import export_warnings

    left_behind = export_warnings(layout, fmt)

    def work() -> Path:
        from keyconf.formats.atomic import write_atomic

        text = export_text(layout, keyboard, fmt)
        try:
            write_atomic(path, text)
        except OSError as error:
            raise FileProblem(f"cannot write: {error.strerror or error}", str(path)) from None
        return path

    def done(written: Path) -> None:
        window.set_busy(False)
        window.statusBar().showMessage(f"Exported {written} ({FORMAT_NAMES[fmt]})"
                                       + "".join(f"; {note}" for note in left_behind), 12000 if left_behind else 6000)
        window.exported.emit(str(written))

    def failed(problem: FileProblem) -> None:
        window.set_busy(False)
        window.show_file_problem(f"Cannot export as {FORMAT_NAMES[fmt]}", problem)

    window.set_busy(True, f"Exporting {path.name}…")
    run_file_job(work, done, failed, owner=window.window())
