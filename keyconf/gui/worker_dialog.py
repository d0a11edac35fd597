"""What the Build and Flash dialogs share: one job at a time on a worker thread, and around it a
status line that turns green or red with the outcome, a log folded away until asked for (or
until the job fails), and a row of Run / Cancel / Close buttons.

A dialog subclasses `WorkerDialog`, lays itself out with `_add_status`, `_add_log` and
`_add_buttons`, hands a worker to `_run_worker`, and hears the thread end in
`_on_thread_finished`. A worker is a QObject with `run()` (on its thread), `cancel()` (from
the GUI thread) and a `done` signal it emits last."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QThread, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)


class WorkerDialog(QDialog):
    """A dialog running one job at a time on a worker thread of its own."""

    log_open_height = 520  # the dialog grows to at least this when its log is unfolded

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: Any = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    # ------------------------------------------------------------ parts of the layout

    def _add_status(self, outer: QBoxLayout) -> None:
        self.status = QLabel("Ready.")
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status)

    def _add_log(self, outer: QBoxLayout, title: str, *beside: QWidget) -> None:
        """The fold-out log: its toggle (with `beside` at the row's right end) and the view under it."""
        row = QHBoxLayout()
        self.log_toggle = QToolButton()
        self.log_toggle.setObjectName("logToggle")
        self.log_toggle.setText(title)
        self.log_toggle.setCheckable(True)
        self.log_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.log_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.log_toggle.toggled.connect(self._toggle_log)
        row.addWidget(self.log_toggle)
        row.addStretch(1)
        for widget in beside:
            row.addWidget(widget)
        outer.addLayout(row)
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("logView")
        self.log_view.setReadOnly(True)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.log_view.hide()
        outer.addWidget(self.log_view, 1)

    def _add_buttons(self, outer: QBoxLayout, run: QPushButton) -> None:
        """`run` (which starts the job), Cancel (enabled while it runs) and Close, at the right."""
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (run, self.cancel_button, self.close_button):
            row.addWidget(button)
        outer.addLayout(row)

    # ------------------------------------------------------------ the status line

    def _set_status(self, text: str) -> None:
        """A step on the way: plain text, whatever colour the last outcome had."""
        self.status.setText(text)
        self.status.setProperty("outcome", "")
        self.status.setStyleSheet("")

    def _show_outcome(self, ok: bool, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("outcome", "ok" if ok else "error")
        from keyconf.gui.theme import outcome_colour

        self.status.setStyleSheet(f"color: {outcome_colour(self, ok)};")

    # ------------------------------------------------------------ the worker

    def _run_worker(self, worker: Any) -> None:
        """Start `worker.run` on a new thread; the thread quits when the worker is `done`."""
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        self._worker, self._thread = worker, thread
        thread.start()

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._set_status("Cancelling…")

    @Slot()
    def _on_thread_finished(self) -> None:
        """The job is over (signals it emitted have all arrived): subclasses extend this."""
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread = None

    def _stop_worker(self, wait_ms: int) -> None:
        """Closing: ask the job to stop and give its thread `wait_ms` to end."""
        if self._worker is not None:
            self._worker.cancel()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(wait_ms)

    # ------------------------------------------------------------ the log

    @Slot(bool)
    def _toggle_log(self, shown: bool) -> None:
        self.log_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown:
            self._render_log()
        self.log_view.setVisible(shown)
        if shown:
            self.resize(self.width(), max(self.height(), self.log_open_height))

    @Slot()
    def _render_log(self) -> None:
        """Bring the log view up to date with what the job printed (subclasses know how)."""
