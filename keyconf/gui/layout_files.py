"""Opening and saving layout files for the editor, off the GUI thread.

`open_layout_file` and `save_layout_file` are plain functions (the work); `FileJob` runs
one on Qt's thread pool and reports back on the GUI thread. Failures come back as a
`FileProblem` — a message with file:line:col and a hint — never as a traceback.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout
from keyconf.model.problems import format_position

if TYPE_CHECKING:
    from keyconf.formats.format_error import FormatError
    from keyconf.formats.yaml_layout import LayoutFileError

log = logging.getLogger(__name__)


@dataclass
class OpenedLayout:
    """A layout read from a file (or made new), with its keyboard, ready for the window."""

    layout: Layout
    keyboard: Keyboard
    path: Path | None
    loaded: Any  # keyconf.formats.yaml_layout.LoadedLayout, for surgical saves and positions


@dataclass(frozen=True)
class FileProblem(Exception):
    """Why a file could not be opened or saved, ready to show."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def location(self) -> str:
        return format_position(self.file, self.line, self.column)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return text + (f"\nHint: {self.hint}" if self.hint else "")


def reader_problem(error: FormatError | LayoutFileError, path: str | Path) -> FileProblem:
    """A reader's error (an importer's FormatError, a layout's LayoutFileError) ready to show:
    its file (else `path`), line, column and hint."""
    from keyconf.formats import format_error

    where = error.path if isinstance(error, format_error.FormatError) else error.file
    return FileProblem(error.message, where or str(path), error.line, error.column, error.hint)


def open_layout_file(path: Path) -> OpenedLayout:
    """Read a layout and find its keyboard. Raises FileProblem."""
    from keyconf.catalogue.resolve import UnknownKeyboardError, resolve_keyboard
    from keyconf.formats.yaml_layout import LayoutFileError, load_layout

    try:
        loaded = load_layout(path, remembered=True)  # reopening a file the editor parsed before needs no parser
    except LayoutFileError as error:
        raise reader_problem(error, path) from None
    try:
        keyboard = resolve_keyboard(loaded.layout, remembered=True)  # start-up opens no catalogue
    except UnknownKeyboardError as error:
        raise unknown_keyboard_problem(error, path) from None
    layout = loaded.layout
    if layout.modules:  # their keycodes, read from the modules' files (a catalogue is opened only for them)
        from keyconf.catalogue.resolve import CatalogueKeyboards
        from keyconf.formats.interchange import module_roots
        from keyconf.formats.qmk_modules import attach_modules

        attach_modules(layout, module_roots(path, CatalogueKeyboards()))
    from keyconf.model.keycodes import REGISTRY

    REGISTRY.get("KC_A")  # build the registry here, off the GUI thread: the keycaps need it next
    if keyboard.resolve_layout_name(layout.layout_macro) is None:
        known = ", ".join(keyboard.layouts)
        raise FileProblem(
            f"keyboard {keyboard.name} has no layout macro {layout.layout_macro}",
            str(path),
            hint=f"use one of: {known}",
        )
    return OpenedLayout(layout, keyboard, path, loaded)


def unknown_keyboard_problem(error: Any, path: Path | None) -> FileProblem:
    """What to say about a keyboard keyconf cannot find (`UnknownKeyboardError`): why, when
    its definition exists but is broken; otherwise the closest names and where more come from."""
    where = str(path) if path is not None else None
    if error.reason:
        return FileProblem(
            f"keyboard “{error.name}” cannot be used: {error.reason}",
            where,
            hint="fix or update that keyboard's definition, or embed the geometry in the layout",
        )
    hint = (
        "`keyconf keyboards` lists the keyboards keyconf knows; "
        "with a qmk_firmware tree (`qmk setup`) it knows every QMK board"
    )
    if error.suggestions:
        hint = f"did you mean {', '.join(error.suggestions)}? ({hint})"
    return FileProblem(f"unknown keyboard “{error.name}”", where, hint=hint)


def save_layout_file(layout: Layout, keyboard: Keyboard, path: Path, loaded: Any = None) -> Any:
    """Write atomically (surgically when `loaded` came from the same file). Raises FileProblem.

    The layout's more C files (`c_files`) go beside a new file first: an import's, held until
    this first save, or those beside the layout's file until now, for a save to another folder."""
    from keyconf.formats.c_source_file import CSourceFileError, write_c_files
    from keyconf.formats.yaml_layout import save_layout

    same_file = loaded is not None and getattr(loaded, "path", None) is not None and Path(loaded.path) == path
    try:
        if layout.c_files and not same_file:
            write_c_files(layout.c_files, path, from_layout=getattr(loaded, "path", None))
    except CSourceFileError as error:
        raise FileProblem(f"cannot save: {error}", str(path.parent),
                          hint="save the layout into another folder (the files there are kept)") from None
    except OSError as error:
        raise FileProblem(f"cannot save the layout's C files: {error.strerror or error}", str(path.parent)) from None
    try:
        return save_layout(layout, path, loaded if same_file else None, keyboard)
    except OSError as error:
        raise FileProblem(
            f"cannot save: {error.strerror or error}",
            str(path),
            hint="check the folder exists and you may write to it",
        ) from None


class _JobSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class FileJob(QRunnable):
    """Run `work()` on the thread pool; `done(result)` or `failed(FileProblem)` on the GUI thread."""

    def __init__(self, work: Callable[[], Any]):
        super().__init__()
        self.work = work
        self.signals = _JobSignals()
        self.setAutoDelete(False)  # Python keeps it (in _RUNNING) until its result is delivered

    def run(self) -> None:
        try:
            result = self.work()
        except FileProblem as problem:
            self.signals.failed.emit(problem)
            return
        except Exception as error:  # noqa: BLE001 - the user sees a message, the log the traceback
            import traceback  # here: the window's start does without reading its source (see cli.app)

            log.error("unexpected error in a file job:\n%s", traceback.format_exc())
            self.signals.failed.emit(FileProblem(f"unexpected error: {error}", hint="please report this"))
            return
        self.signals.finished.emit(result)


def run_file_job(
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[FileProblem], None],
    owner: QObject | None = None,
) -> FileJob:
    """Start `work` in the background; `done` or `failed` is called on the GUI thread, unless
    `owner` (the widget that asked) has been deleted meanwhile."""
    job = FileJob(work)
    _RUNNING.add(job)

    def alive() -> bool:
        return owner is None or shiboken6.isValid(owner)

    def finish(result: Any) -> None:
        _RUNNING.discard(job)
        if alive():
            done(result)

    def fail(problem: FileProblem) -> None:
        _RUNNING.discard(job)
        if alive():
            failed(problem)

    job.signals.finished.connect(finish)
    job.signals.failed.connect(fail)
    QThreadPool.globalInstance().start(job)
    return job


_RUNNING: set[FileJob] = set()


def snapshot(layout: Layout) -> Layout:
    """A copy to hand to a background save while the user keeps editing."""
    return copy.deepcopy(layout)
