"""The Flash dialog: pick a firmware file (or take the last build), see which keyboard is in
its bootloader, flash it with a progress bar and a log, and read the result.

A thin face over `keyconf.flash.job.flash_firmware`, which runs on a worker thread; the
window never waits on a tool or a USB scan longer than one quick sysfs read.

    dialog = FlashDialog(parent, firmware=last_build_path, keyboard=kb, layout=layout,
                         enter_bootloader=device.jump_to_bootloader)
    dialog.flash_finished.connect(...)
    dialog.exec()
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyconf.flash import bootloaders
from keyconf.flash.entry import BootloaderJump
from keyconf.flash.firmware_file import FirmwareError, read_firmware
from keyconf.flash.job import (
    DetectedEvent,
    FlashEnvironment,
    FlashError,
    FlashEvent,
    FlashResult,
    LogEvent,
    ProgressEvent,
    StatusEvent,
    WaitingEvent,
    flash_firmware,
)
from keyconf.gui.worker_dialog import WorkerDialog
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

FIRMWARE_FILTER = "Firmware (*.hex *.bin *.uf2);;All files (*)"
MAX_LOG_CHARS = 2_000_000  # a runaway tool cannot grow the log without bound


class ConsoleText:
    """Tool output as a terminal shows it: `\\r` rewrites the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self._size = 0
        self._carriage = False  # a \r was seen: the next text replaces the current line

    def feed(self, text: str) -> None:
        self._size += len(text)
        if self._size > MAX_LOG_CHARS:
            return
        for index, piece in enumerate(text.split("\n")):
            if index:
                self.lines.append("")
                self._carriage = False
            for part_index, part in enumerate(piece.split("\r")):
                if part_index:
                    self._carriage = True
                if not part:
                    continue
                if self._carriage:
                    self.lines[-1] = part
                    self._carriage = False
                else:
                    self.lines[-1] += part

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n")


@dataclass(frozen=True)
class FlashRequest:
    firmware: Path
    bootloader: str | None
    force: bool
    wait: float


class FlashWorker(QObject):
    """Runs one flash on its thread; everything it learns arrives as signals."""

    reported = Signal(object)  # a FlashEvent
    succeeded = Signal(object)  # FlashResult (ok or failed after the tool ran)
    refused = Signal(str, str, str)  # message, hint, stage: nothing was written
    done = Signal()

    def __init__(
        self,
        request: FlashRequest,
        environment: FlashEnvironment | None,
        keyboard: Keyboard | None,
        layout: Layout | None,
        enter_bootloader: BootloaderJump | None,
    ):
        super().__init__()
        self.request = request
        self.environment = environment
        self.keyboard = keyboard
        self.layout = layout
        self.enter_bootloader = enter_bootloader
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        try:
            result = flash_firmware(
                self.request.firmware,
                bootloader=self.request.bootloader,
                wait=self.request.wait,
                force=self.request.force,
                keyboard=self.keyboard,
                layout=self.layout,
                enter_bootloader=self.enter_bootloader,
                on_event=self.reported.emit,
                cancelled=self._cancel.is_set,
                environment=self.environment,
            )
        except FlashError as error:
            self.refused.emit(error.message, error.hint or "", error.stage)
        except Exception as error:  # never let a bug kill the thread silently: show it
            self.refused.emit(f"unexpected error: {error!r}", "", "bug")
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class FlashDialog(WorkerDialog):
    """Standalone flash dialog. `firmware` pre-fills the file (e.g. the last build);
    `environment` swaps detection and tools (tests, other platforms)."""

    flash_finished = Signal(object)  # FlashResult, or None when nothing was written
    _worker: FlashWorker | None

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        firmware: str | Path | None = None,
        keyboard: Keyboard | None = None,
        layout: Layout | None = None,
        enter_bootloader: BootloaderJump | None = None,
        environment: FlashEnvironment | None = None,
        wait_seconds: float = 60.0,
        auto_detect_ms: int = 1500,
        jump_note: str = "",
    ):
        super().__init__(parent)
        self.setWindowTitle("Flash firmware")
        self.setObjectName("flashDialog")
        self.keyboard = keyboard
        self.layout_model = layout
        self.enter_bootloader = enter_bootloader
        self.jump_note = jump_note  # e.g. which connected keyboard Flash will send to its bootloader
        self.environment = environment or FlashEnvironment()
        self.wait_seconds = wait_seconds
        self.last_result: FlashResult | None = None
        self._writing = False
        self._console = ConsoleText()
        self._log_timer = QTimer(self)
        self._log_timer.setSingleShot(True)
        self._log_timer.setInterval(80)
        self._log_timer.timeout.connect(self._render_log)
        self._build()
        if firmware is not None:
            self.file_edit.setText(str(firmware))
            self.source_label.setText("Last build")
        self._describe_file()
        self._detect_timer = QTimer(self)
        self._detect_timer.timeout.connect(self.detect)
        if auto_detect_ms > 0:
            self._detect_timer.start(auto_detect_ms)
        self.detect()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        form = QFormLayout()
        self.source_label = QLabel("Firmware")
        file_row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("firmwareEdit")
        self.file_edit.setPlaceholderText("a .hex, .bin or .uf2 file")
        self.file_edit.editingFinished.connect(self._describe_file)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        form.addRow(self.source_label, file_row)
        self.file_info = QLabel()
        self.file_info.setObjectName("fileInfo")
        self.file_info.setWordWrap(True)
        form.addRow("", self.file_info)
        self.bootloader_combo = QComboBox()
        self.bootloader_combo.addItem("Detect automatically", None)
        for name in sorted(bootloaders.BOOTLOADERS):
            self.bootloader_combo.addItem(f"{bootloaders.BOOTLOADERS[name].title} ({name})", name)
        form.addRow("Bootloader", self.bootloader_combo)
        device_row = QHBoxLayout()
        self.device_label = QLabel()
        self.device_label.setObjectName("deviceLabel")
        self.device_label.setWordWrap(True)
        self.detect_button = QPushButton("Detect")
        self.detect_button.clicked.connect(self.detect)
        device_row.addWidget(self.device_label, 1)
        device_row.addWidget(self.detect_button)
        form.addRow("Keyboard", device_row)
        self.force_check = QCheckBox("Flash even if the firmware does not match the board")
        form.addRow("", self.force_check)
        outer.addLayout(form)

        self.instructions = QLabel()
        self.instructions.setObjectName("instructions")
        self.instructions.setWordWrap(True)
        self.instructions.hide()
        outer.addWidget(self.instructions)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        outer.addWidget(self.progress)
        self._add_status(outer)

        self.save_log_button = QPushButton("Save log…")
        self.save_log_button.clicked.connect(self.save_log)
        self._add_log(outer, "Log", self.save_log_button)
        self.flash_button = QPushButton("Flash")
        self.flash_button.setDefault(True)
        self.flash_button.clicked.connect(self.start)
        self._add_buttons(outer, self.flash_button)
        self.resize(560, 300)

    # ------------------------------------------------------------ actions

    def firmware_path(self) -> Path | None:
        text = self.file_edit.text().strip()
        return Path(text).expanduser() if text else None

    @Slot()
    def browse(self) -> None:
        current = self.firmware_path()
        start = str(current.parent) if current is not None else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose firmware", start, FIRMWARE_FILTER)
        if path:
            self.file_edit.setText(path)
            self.source_label.setText("Firmware")
            self._describe_file()

    @Slot()
    def _describe_file(self) -> None:
        path = self.firmware_path()
        if path is None:
            self.file_info.setText("Choose the firmware file to flash.")
            return
        try:
            firmware = read_firmware(path)
        except FirmwareError as error:
            self.file_info.setText(f"⚠ {error}")
            return
        self.file_info.setText(firmware.describe())

    @Slot()
    def detect(self) -> None:
        """Scan once for keyboards in a bootloader (quick: sysfs and the mount table)."""
        if self.running:
            return
        detector = self.environment.detector
        found = detector.scan()
        if found:
            self.device_label.setText("; ".join(d.describe() for d in found))
        elif detector.errors:
            self.device_label.setText("Cannot look for keyboards: " + "; ".join(detector.errors))
        else:
            text = "No keyboard in bootloader mode. Flash will wait for one."
            self.device_label.setText(f"{text}\n{self.jump_note}" if self.jump_note else text)

    @Slot()
    def start(self) -> None:
        """Flash the chosen file on a worker thread."""
        if self.running:
            return
        path = self.firmware_path()
        if path is None:
            self._show_outcome(False, "Choose a firmware file first.")
            return
        self.last_result = None
        self._console = ConsoleText()
        self.log_view.clear()
        self.progress.setValue(0)
        self.instructions.hide()
        request = FlashRequest(
            firmware=path,
            bootloader=self.bootloader_combo.currentData(),
            force=self.force_check.isChecked(),
            wait=self.wait_seconds,
        )
        worker = FlashWorker(
            request, self.environment, self.keyboard, self.layout_model, self.enter_bootloader
        )
        worker.reported.connect(self._on_event)
        worker.succeeded.connect(self._on_result)
        worker.refused.connect(self._on_refused)
        self._set_running(True)
        self._set_status("Checking the firmware…")
        self._run_worker(worker)

    @Slot()
    def cancel(self) -> None:
        if not self._writing:  # a keyboard half written is worse than one written
            super().cancel()

    @Slot()
    def save_log(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save flashing log", "flash.log", "Log (*.log *.txt)")
        if path:
            from keyconf.formats.atomic import write_atomic

            write_atomic(path, self.log_text())

    def log_text(self) -> str:
        """The log as shown: keyconf's status lines and the tools' output, redraws applied."""
        return self._console.text

    # ------------------------------------------------------------ events from the worker

    @Slot(object)
    def _on_event(self, event: FlashEvent) -> None:
        if isinstance(event, ProgressEvent):
            self.progress.setValue(event.percent)
            if event.phase:
                self._set_status(f"{event.phase.capitalize()}… {event.percent}%")
        elif isinstance(event, LogEvent):
            self._console.feed(event.text)
            if not self._log_timer.isActive():
                self._log_timer.start()
        elif isinstance(event, StatusEvent):
            self._console.feed(("warning: " if event.level == "warning" else "") + event.message + "\n")
            self._log_timer.start()
            if event.level == "warning" or not self._writing:
                self._set_status(event.message)
        elif isinstance(event, WaitingEvent):
            self.instructions.setText(event.instructions)
            self.instructions.show()
            self._set_status(f"Waiting for bootloader… {event.seconds_left:.0f} s left")
        elif isinstance(event, DetectedEvent):
            self.instructions.hide()
            self.device_label.setText(event.device.describe())
            self._writing = True
            self.cancel_button.setEnabled(False)
            self.close_button.setEnabled(False)
            self._set_status("Flashing — do not unplug the keyboard.")

    @Slot(object)
    def _on_result(self, result: FlashResult) -> None:
        self.last_result = result
        if result.ok:
            self.progress.setValue(100)
            text = (
                f"Flashed {result.firmware.path.name} onto the {result.device.bootloader.title} bootloader."
            )
            if result.warnings:
                text += "\n" + "\n".join(f"⚠ {w}" for w in result.warnings[-3:])
            self._show_outcome(True, text)
        else:
            self._show_outcome(False, f"Flashing failed: {result.message}")
            self.log_toggle.setChecked(True)
        self.flash_finished.emit(result)

    @Slot(str, str, str)
    def _on_refused(self, message: str, hint: str, stage: str) -> None:
        text = f"Not flashed: {message}"
        if hint:
            text += f"\n{hint}"
        self._show_outcome(False, text)
        self.flash_finished.emit(None)

    @Slot()
    def _on_thread_finished(self) -> None:
        super()._on_thread_finished()
        if self._worker is not None:
            self._worker.deleteLater()
        self._worker = None
        self._writing = False
        self.close_button.setEnabled(True)
        self._render_log()
        self._set_running(False)

    # ------------------------------------------------------------ view helpers

    def _set_running(self, running: bool) -> None:
        self.flash_button.setEnabled(not running)
        self.browse_button.setEnabled(not running)
        self.file_edit.setEnabled(not running)
        self.bootloader_combo.setEnabled(not running)
        self.force_check.setEnabled(not running)
        self.detect_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self._detect_timer.stop()

    def _show_outcome(self, ok: bool, text: str) -> None:
        self.instructions.hide()
        super()._show_outcome(ok, text)

    @Slot()
    def _render_log(self) -> None:
        self.log_view.setPlainText(self._console.text)
        bar = self.log_view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._writing:
            self._set_status("The keyboard is being written: wait until it finishes before closing.")
            event.ignore()
            return
        self._stop_worker(5000)
        self._detect_timer.stop()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape: same rules as closing
        if self._writing:
            self._set_status("The keyboard is being written: wait until it finishes before closing.")
            return
        self.close()
        super().reject()
