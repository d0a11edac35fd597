"""Opening layout files for the command line: the file, its keyboard, its problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from keyconf.catalogue.resolve import UnknownKeyboardError, resolve_keyboard
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
    problems.extend(validate(loaded.layout, keyboard))
    return CheckedLayout(loaded, keyboard, loaded.locate(problems))


__all__ = ["CheckedLayout", "LayoutFileError", "check_layout_file", "check_loaded_layout"]
