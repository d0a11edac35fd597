"""Keyboard → Build firmware… and Flash firmware…: the compiler's build dialog for the open
layout, the flash dialog for what it built, and the connected keyboard sent to its
bootloader over VIA/Vial when the flash needs one.

The build always uses a snapshot of the layout in the window, saved or not: what you see
is what gets built. Problems it reports point into the file only while the window still
shows the file as saved.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyconf.app_dirs import app_dirs
from keyconf.flash.entry import BootloaderJump, JumpOutcome, JumpResult

if TYPE_CHECKING:
    from keyconf.gui.build_dialog import BuildDialog
    from keyconf.gui.editor_window import EditorWindow
    from keyconf.gui.flash_dialog import FlashDialog


def firmware_folder() -> Path:
    """Where firmware built from the window goes (keyconf's data folder, `firmware/`)."""
    return app_dirs().data / "firmware"


def bootloader_jump(window: EditorWindow) -> BootloaderJump | None:
    """The flash job's way into the bootloader: through the device worker, which answers
    "no device" by itself while no keyboard is connected. None without device features."""
    features = window.device_features
    if features is None:
        return None
    worker = features.worker

    def jump() -> JumpResult:
        if not worker.is_connected:
            return JumpResult(JumpOutcome.NO_DEVICE)
        result: JumpResult = worker.enter_bootloader()
        return result

    return jump


def open_flash_dialog(
    window: EditorWindow, firmware: Path | None = None, parent: Any = None, **options: Any
) -> FlashDialog:
    """The flash dialog for the open layout's keyboard (and `firmware`, e.g. just built)."""
    from keyconf.gui.flash_dialog import FlashDialog

    doc = window.doc
    features = window.device_features
    summary = features.worker.summary if features is not None else None
    if summary is not None:
        options.setdefault(
            "jump_note", f"{summary.name} is connected: Flash asks it to restart into its bootloader first."
        )
    dialog = FlashDialog(
        parent or window.window(),
        firmware=firmware,
        keyboard=doc.keyboard if doc else None,
        layout=copy.deepcopy(doc.layout) if doc else None,
        enter_bootloader=bootloader_jump(window),
        **options,
    )
    _replace(window.flash_dialog)
    window.flash_dialog = dialog
    dialog.open()
    return dialog


def open_build_dialog(window: EditorWindow, **options: Any) -> BuildDialog | None:
    """The build dialog for the layout in the window; its Flash… button opens the flash dialog
    with the firmware it built (the metadata sidecar beside it tells the flasher the board)."""
    from keyconf.gui.build_dialog import BuildDialog

    doc = window.doc
    if doc is None:
        return None
    current = window.build_dialog
    if current is not None and current.isVisible():
        if current.running:
            current.raise_()
            current.activateWindow()
            return current
        current.close()
    loaded = window.loaded
    saved = loaded is not None and doc.path is not None and not doc.is_modified
    locate: Callable[[list[Any]], list[Any]] | None = loaded.locate if saved else None
    options.setdefault("output_dir", firmware_folder())

    def flash(firmware: Path) -> None:
        open_flash_dialog(window, firmware, parent=window.build_dialog)

    dialog = BuildDialog(
        window.window(),
        layout=copy.deepcopy(doc.layout),
        source_path=doc.path,
        row_lengths=dict(loaded.row_lengths) if saved else None,
        locate=locate,
        flash_handler=flash,
        **options,
    )
    _replace(current)
    dialog.problem_activated.connect(window.go_to_problem)
    if not saved:
        dialog.setWindowTitle("Build firmware (unsaved layout)")
    window.build_dialog = dialog
    dialog.show()
    return dialog


def _replace(dialog: Any) -> None:
    """A finished dialog is dropped when the next one of its kind opens."""
    if dialog is not None and not dialog.isVisible():
        dialog.deleteLater()
