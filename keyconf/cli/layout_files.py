"""Opening layout files for the command line: the file, its keyboard, its problems."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.catalogue.resolve import CatalogueKeyboards, UnknownKeyboardError, resolve_keyboard
from keyconf.cli.command import CommandError, input_exit_code
from keyconf.formats.interchange import FormatError, Imported, import_layout, module_roots
from keyconf.formats.qmk_modules import module_problems
from keyconf.formats.yaml_layout import LayoutFileError, LoadedLayout, load_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.problems import Problem, error
from keyconf.model.validation import validate


@dataclass
class CheckedLayout:
    loaded: LoadedLayout
    keyboard: Keyboard | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_layout_file(path: str) -> CheckedLayout:
    """Load, resolve the keyboard and validate. Raises LayoutFileError for unreadable files."""
    return check_loaded_layout(load_layout(path))


def check_loaded_layout(loaded: LoadedLayout) -> CheckedLayout:
    """Resolve the keyboard of a loaded layout and validate it, problems located in its file."""
    problems: list[Problem] = []
    keyboard: Keyboard | None
    try:
        keyboard = resolve_keyboard(loaded.layout)
    except UnknownKeyboardError as exc:
        keyboard = None
        hint = (f"did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else
                "use a keyboard from `keyconf keyboards`, or embed the geometry (`geometry:`) in the layout")
        long = len(exc.name) > 80  # a name this long is no keyboard's: show its start and its length
        shown = f"`{exc.name[:60]}…` ({len(exc.name):,} characters)" if long else f"`{exc.name}`"
        message = f"unknown keyboard {shown}"
        if exc.reason:
            message, hint = f"keyboard {shown} cannot be loaded: {exc.reason}", "fix the definition file"
        problems.append(error(message, ("keyboard",), hint, code="unknown-keyboard"))
    if loaded.layout.modules:  # their keycodes, from the modules' files (beside the layout, in the QMK tree)
        problems.extend(module_problems(loaded.layout, module_roots(loaded.path, CatalogueKeyboards())))
    problems.extend(validate(loaded.layout, keyboard))
    return CheckedLayout(loaded, keyboard, loaded.locate(problems))


def import_error(error: FormatError | LayoutFileError, exit_code: int | None = None) -> CommandError:
    """A layout file that cannot be imported, as one line naming file, line and column; exit 2
    when it cannot be read and 1 when it was read and is wrong (`input_exit_code`), unless the
    command says otherwise."""
    message = str(error) if isinstance(error, FormatError) else error.format().splitlines()[0]
    return CommandError(message, input_exit_code(error) if exit_code is None else exit_code, error.hint)


def import_for_command(path: str | Path, keyboard: Keyboard | None = None, layout_macro: str | None = None) -> Imported:
    """`import_layout` with the catalogue's keyboards, its warnings on standard error and its
    errors as `import_error`s."""
    try:
        imported = import_layout(path, keyboard=keyboard, layout_macro=layout_macro, finder=CatalogueKeyboards())
    except (FormatError, LayoutFileError) as error:
        raise import_error(error) from None
    for warning in imported.warnings:
        print(f"keyconf: warning: {warning}", file=sys.stderr)
    return imported


__all__ = ["CheckedLayout", "LayoutFileError", "check_layout_file", "check_loaded_layout", "import_error",
           "import_for_command"]
