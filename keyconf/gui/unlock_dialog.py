"""The window's face of the one Vial unlock flow (keyconf.device.unlock): which keys to hold,
how far the unlock has got, and Cancel. The flow itself runs on the device worker's thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from keyconf.device.unlock import UnlockState
from keyconf.gui.device_worker import DeviceWorker


class UnlockDialog(QDialog):
    """Starts the unlock when opened; accepted once the keyboard is unlocked, rejected when
    the user cancels or the unlock fails (the worker's `failed` says why)."""

    def __init__(
        self,
        worker: DeviceWorker,
        describe_keys: Callable[[tuple[tuple[int, int], ...]], str],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Unlock keyboard")
        self.setMinimumWidth(440)
        self.worker = worker
        self.describe_keys = describe_keys
        self.cancel_event = threading.Event()
        self.message = QLabel("Asking the keyboard…", self)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the first poll says how many remain
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.finished_ok: bool | None = None
        self.failure = ""
        worker.unlockUpdate.connect(self._on_update)
        worker.unlockDone.connect(self._on_done)
        worker.failed.connect(self._on_failed)

    def start(self) -> None:
        self.open()
        self.worker.unlock(self.cancel_event)

    def cancel(self) -> None:
        self.cancel_event.set()
        self.message.setText(
            "Stopping… (the keyboard keeps waiting for its keys until they are held or it is replugged)"
        )

    def _on_update(self, state: UnlockState) -> None:
        keys = self.describe_keys(state.keys)
        self.message.setText(f"Hold {keys} until the keyboard unlocks.")
        if state.remaining is not None:
            if self.bar.maximum() < state.remaining + 1:
                self.bar.setRange(0, state.remaining + 1)
            self.bar.setValue(self.bar.maximum() - state.remaining)

    def _on_failed(self, action: str, message: str, hint: str) -> None:
        if action == "unlock":
            self.failure = f"{message}. {hint}" if hint else message
            self.message.setText(self.failure)

    def _on_done(self, unlocked: bool) -> None:
        self.finished_ok = unlocked
        self.worker.unlockUpdate.disconnect(self._on_update)
        self.worker.unlockDone.disconnect(self._on_done)
        if unlocked:
            self.worker.failed.disconnect(self._on_failed)
            self.accept()
        elif self.cancel_event.is_set():
            self.worker.failed.disconnect(self._on_failed)
            self.reject()
        else:  # timed out or failed: the reason stays on screen (it arrives with `failed`)
            self.bar.setRange(0, 1)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
