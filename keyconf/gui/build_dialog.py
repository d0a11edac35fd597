"""The Build dialog: build the open layout into firmware with the local qmk_firmware tree.

A thin face over `keyconf.compiler.build.FirmwareBuild`, which runs on a worker thread: a
progress bar (objects compiled over objects expected), the problems (double-click one to go
to its key), a collapsible log of QMK's output, and the result with "Show in folder" and
"Flash". The main window opens it:

    dialog = BuildDialog(window, layout=document.layout, source_path=path,
                         locate=loaded.locate, row_lengths=loaded.row_lengths)
    dialog.problem_activated.connect(window.go_to_problem)
    dialog.exec()

"Flash" calls `flash_handler(firmware_path)` when one is given, else opens the Flash dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from keyconf.catalogue.qmk_home import QmkHomeNotFound, find_qmk_home, userspace_module_roots
from keyconf.compiler.build import DEFAULT_KEYMAP, BuildRequest, BuildResult, FirmwareBuild
from keyconf.compiler.checks import BuildRefused
from keyconf.compiler.progress import Progress
from keyconf.gui.rich_text import as_rich_text
from keyconf.gui.worker_dialog import WorkerDialog
from keyconf.model.layout import Layout
from keyconf.model.problems import Problem

MAX_LOG_LINES = 50_000  # a runaway build cannot grow the log without bound
PROGRESS_STEPS = 1000
BASE_HEIGHT = 260  # progress, status, log toggle and buttons; grows for problems, log or set-up

Locate = Callable[[list[Problem]], list[Problem]]


def default_output_dir() -> Path:
    """Where the GUI puts firmware it builds: keyconf's data folder, `firmware/`."""
    from keyconf.app_dirs import app_dirs

    return app_dirs().data / "firmware"


class BuildWorker(QObject):
    """Runs one build on its thread; everything it learns arrives as signals."""

    line = Signal(str)
    progressed = Signal(object)  # Progress
    refused = Signal(object)  # list[Problem]: checks failed, make did not run
    built = Signal(object)  # BuildResult (ok, failed or cancelled)
    crashed = Signal(str)
    done = Signal()

    def __init__(self, request: BuildRequest):
        super().__init__()
        self.build = FirmwareBuild(request, on_line=self.line.emit, on_progress=self.progressed.emit)

    def cancel(self) -> None:
        self.build.cancel()

    @Slot()
    def run(self) -> None:
        try:
            result = self.build.run()
        except BuildRefused as refused:
            self.refused.emit(refused.problems)
        except Exception as error:  # never let a bug kill the thread silently: show it
            self.crashed.emit(f"unexpected error: {error!r}")
        else:
            self.built.emit(result)
        finally:
            self.done.emit()


class BuildDialog(WorkerDialog):
    """Standalone build dialog for one layout.

    `qmk_home` defaults to QMK's own discovery (QMK_HOME, `qmk config user.qmk_home`,
    ~/qmk_firmware); `locate` adds file positions to problems (a LoadedLayout's `locate`);
    `open_folder` and `flash_handler` replace the desktop integrations (tests)."""

    build_finished = Signal(object)  # BuildResult, or None when nothing was built (refused, no tree)
    problem_activated = Signal(object)  # Problem (with its location) the user double-clicked
    flash_requested = Signal(object)  # Path of the firmware to flash
    log_open_height = 560
    _worker: BuildWorker | None

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        layout: Layout,
        source_path: str | Path | None = None,
        qmk_home: str | Path | None = None,
        output_dir: str | Path | None = None,
        keymap: str = DEFAULT_KEYMAP,
        via: bool | None = None,
        jobs: int | None = None,
        row_lengths: dict[str, list[int]] | None = None,
        locate: Locate | None = None,
        open_folder: Callable[[Path], None] | None = None,
        flash_handler: Callable[[Path], None] | None = None,
        autostart: bool = True,
        choose_folder: Callable[[QWidget, str, str], str] | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Build firmware")
        self.setObjectName("buildDialog")
        self.layout_model = layout
        self.source_path = Path(source_path) if source_path is not None else None
        self.qmk_home = Path(qmk_home).expanduser() if qmk_home is not None else None
        self.output_dir = Path(output_dir).expanduser() if output_dir is not None else default_output_dir()
        self.keymap = keymap
        self.via = via
        self.jobs = jobs
        self.row_lengths = row_lengths
        self.locate: Locate = locate or (lambda problems: problems)
        self.open_folder = open_folder or _open_folder
        self.flash_handler = flash_handler
        self.choose_folder = choose_folder  # the folder dialog of the set-up panel (tests)
        self.setup_panel: Any = None  # keyconf.gui.qmk_setup.QmkSetupPanel, when there is no tree
        self.last_result: BuildResult | None = None
        self.problems: list[Problem] = []
        self._log: list[str] = []
        self._pending: list[str] = []  # lines not yet shown in the log view
        self._log_timer = QTimer(self)
        self._log_timer.setInterval(100)
        self._log_timer.timeout.connect(self._render_log)
        self._build_ui()
        if autostart:
            QTimer.singleShot(0, self.start)

    # ------------------------------------------------------------ layout

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        title = self.layout_model.name or self.layout_model.keyboard
        # The controller built for, when the layout names one (`converter:`, `bootloader:`).
        controller = "".join(f", {what} <b>{as_rich_text(value)}</b>" for what, value in (
            ("controller", self.layout_model.converter), ("bootloader", self.layout_model.bootloader)) if value)
        self.heading = QLabel(f"<b>{as_rich_text(title)}</b> for {as_rich_text(self.layout_model.keyboard)}"
                              + controller)
        self.heading.setObjectName("buildHeading")
        outer.addWidget(self.heading)
        self.progress = QProgressBar()
        self.progress.setObjectName("buildProgress")
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%p%")
        outer.addWidget(self.progress)
        self._add_status(outer)

        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problemList")
        self.problem_list.setWordWrap(True)
        self.problem_list.itemActivated.connect(self._on_problem_activated)
        self.problem_list.hide()
        outer.addWidget(self.problem_list, 1)

        result_row = QHBoxLayout()
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setWordWrap(True)
        self.show_button = QPushButton("Show in folder")
        self.show_button.setObjectName("showInFolder")
        self.show_button.clicked.connect(self.show_in_folder)
        self.flash_button = QPushButton("Flash…")
        self.flash_button.setObjectName("flashButton")
        self.flash_button.clicked.connect(self.flash)
        result_row.addWidget(self.result_label, 1)
        result_row.addWidget(self.show_button)
        result_row.addWidget(self.flash_button)
        self.result_widget = QWidget()
        self.result_widget.setLayout(result_row)
        self.result_widget.hide()
        outer.addWidget(self.result_widget)

        # Takes the spare height while the problems, the log and the set-up panel are hidden (they
        # stretch, and then it gets nothing), so the rows above stay together at the top.
        outer.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding))
        self._add_log(outer, "Build log")
        self.log_view.setMaximumBlockCount(MAX_LOG_LINES)
        self.build_button = QPushButton("Build")
        self.build_button.setObjectName("buildButton")
        self.build_button.clicked.connect(self.start)
        self._add_buttons(outer, self.build_button)
        self.resize(620, BASE_HEIGHT)

    # ------------------------------------------------------------ actions

    @Slot()
    def start(self) -> None:
        """Check and build on a worker thread."""
        if self.running:
            return
        self.last_result = None
        self.problems = []
        self.problem_list.clear()
        self.problem_list.hide()
        self.result_widget.hide()
        self._log = []
        self._pending = []
        self.log_view.clear()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self._set_status("Checking the layout against the QMK tree…")
        home = self._qmk_home()
        if home is None:
            return
        request = BuildRequest(
            layout=self.layout_model,
            qmk_home=home,
            output_dir=self.output_dir,
            keymap=self.keymap,
            via=self.via,
            jobs=self.jobs,
            source_name=self.source_path.name if self.source_path else None,
            row_lengths=self.row_lengths,
            layout_path=self.source_path,
            module_roots=userspace_module_roots() if self.layout_model.modules else (),
        )
        worker = BuildWorker(request)
        worker.line.connect(self._on_line)
        worker.progressed.connect(self._on_progress)
        worker.refused.connect(self._on_refused)
        worker.built.connect(self._on_built)
        worker.crashed.connect(self._on_crashed)
        self._set_running(True)
        self._log_timer.start()
        self._run_worker(worker)

    @Slot()
    def cancel(self) -> None:
        if self.setup_panel is not None and self.setup_panel.running:
            self.setup_panel.cancel()
            return
        super().cancel()

    @Slot()
    def show_in_folder(self) -> None:
        if self.last_result is not None and self.last_result.firmware is not None:
            self.open_folder(self.last_result.firmware.parent)

    @Slot()
    def flash(self) -> None:
        if self.last_result is None or self.last_result.firmware is None:
            return
        firmware = self.last_result.firmware
        self.flash_requested.emit(firmware)
        if self.flash_handler is not None:
            self.flash_handler(firmware)
            return
        from keyconf.gui.flash_dialog import FlashDialog

        plan = self._worker.build.plan if self._worker is not None else None
        dialog = FlashDialog(
            self,
            firmware=firmware,
            layout=self.layout_model,
            keyboard=plan.keyboard if plan is not None else None,
        )
        dialog.exec()

    def log_text(self) -> str:
        return "\n".join(self._log[-MAX_LOG_LINES:])

    def _qmk_home(self) -> Path | None:
        if self.qmk_home is not None:
            return self.qmk_home
        try:
            return find_qmk_home().path
        except QmkHomeNotFound as missing:
            wrong = [t for t in missing.tried if t.source != "~/qmk_firmware"]
            if wrong:  # a setting points at a wrong folder: that is an error worth red
                where = wrong[0]
                self._show_outcome(False, f"{where.path} is set as the qmk_firmware folder, but it {where.reason}.")
            else:  # a first build: nothing is wrong, there is a step to take
                self._set_status("Build firmware: one step first.")
            self.offer_setup()
            self.build_finished.emit(None)
            return None

    def offer_setup(self) -> None:
        """No tree: Build waits while the person picks a qmk_firmware folder or has one made."""
        if self.setup_panel is None:
            from keyconf.gui.qmk_setup import QmkSetupPanel

            panel = QmkSetupPanel(self, choose_folder=self.choose_folder)
            panel.treeReady.connect(self._on_tree_ready)
            panel.busyChanged.connect(self._on_setup_busy)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(3, panel, 1)
            self.setup_panel = panel
        self.setup_panel.show()
        self.progress.hide()
        self.build_button.setEnabled(False)
        self.build_button.setToolTip("Choose or download a qmk_firmware folder first")
        self.resize(max(self.width(), 640), max(self.height(), 360))

    @Slot(bool)
    def _on_setup_busy(self, busy: bool) -> None:
        """While QMK downloads, the dialog's Cancel stops it (as Cancel Download does); Close waits."""
        self.close_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    @Slot(object)
    def _on_tree_ready(self, path: Path) -> None:
        self.qmk_home = path
        if self.setup_panel is not None:
            self.setup_panel.hide()
        self.progress.show()
        self.build_button.setEnabled(True)
        self.build_button.setToolTip("")
        self.resize(self.width(), BASE_HEIGHT)  # the room the set-up panel took is not needed now
        self._set_status(f"Building with {path}.")
        self.start()

    # ------------------------------------------------------------ events from the worker

    @Slot(str)
    def _on_line(self, line: str) -> None:
        self._log.append(line)
        self._pending.append(line)
        if len(self._log) > 2 * MAX_LOG_LINES:
            del self._log[: len(self._log) - MAX_LOG_LINES]

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress.setValue(round(progress.fraction * PROGRESS_STEPS))
        if progress.phase == "installing":
            self.progress.setRange(0, 0)  # busy: pip does not say how far it is
            names = ", ".join(progress.packages) or "the Python packages"
            self._set_status(f"Installing {names}, which the scripts of this qmk_firmware folder need (only once)…")
            return
        if self.progress.maximum() == 0:
            self.progress.setRange(0, PROGRESS_STEPS)
        if progress.phase == "compiling":
            self._set_status(f"Compiling… {progress.compiled} of about {progress.expected} files")
        elif progress.phase == "linking":
            self._set_status("Linking…")
        elif progress.phase == "preparing":
            made = f" ({progress.generated} so far)" if progress.generated else ""
            self._set_status(f"Preparing: QMK reads the keyboard's definition and generates its files{made}…")

    @Slot(object)
    def _on_refused(self, problems: list[Problem]) -> None:
        self._show_problems(problems)
        count = len(problems)
        self._show_outcome(False, f"Not built: {count} problem{'s' if count != 1 else ''} to fix first.")

    @Slot(object)
    def _on_built(self, result: BuildResult) -> None:
        self.last_result = result
        if result.ok and result.firmware is not None:
            self.progress.setValue(PROGRESS_STEPS)
            self._show_outcome(True, f"Built {result.firmware.name} in {result.seconds:.1f} s.")
            self.result_label.setText(str(result.firmware))
            self.result_widget.show()
        elif result.status == "cancelled":
            self._show_outcome(False, "Cancelled.")
        else:
            self._show_problems(result.problems)
            self._show_outcome(False, "The build failed.")
            self.log_toggle.setChecked(True)

    @Slot(str)
    def _on_crashed(self, message: str) -> None:
        self._show_outcome(False, f"The build stopped: {message}")
        self.log_toggle.setChecked(True)

    @Slot()
    def _on_thread_finished(self) -> None:
        super()._on_thread_finished()
        self._log_timer.stop()
        self._render_log()
        self._set_running(False)
        # Announced once the worker thread is over, so listeners may close or rebuild at once.
        self.build_finished.emit(self.last_result)

    @Slot(QListWidgetItem)
    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        index = self.problem_list.row(item)
        if 0 <= index < len(self.problems):
            self.problem_activated.emit(self.problems[index])

    # ------------------------------------------------------------ view helpers

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = self.locate(list(problems))
        self.problem_list.clear()
        for problem in self.problems:
            where = f"line {problem.line}: " if problem.line is not None else ""
            text = where + problem.message + (f"\n{problem.hint}" if problem.hint else "")
            item = QListWidgetItem(text)
            item.setToolTip(problem.format())
            self.problem_list.addItem(item)
        self.problem_list.setVisible(bool(self.problems))
        if self.problems:
            self.resize(self.width(), max(self.height(), 420))

    def _set_running(self, running: bool) -> None:
        self.build_button.setEnabled(not running)
        self.build_button.setText("Build again" if self.last_result is not None or self.problems else "Build")
        self.cancel_button.setEnabled(running)

    def _show_outcome(self, ok: bool, text: str) -> None:
        if self.progress.maximum() == 0:  # a busy bar (installing) stops moving once it is over
            self.progress.setRange(0, PROGRESS_STEPS)
            self.progress.setValue(0)
        super()._show_outcome(ok, text)

    @Slot()
    def _render_log(self) -> None:
        """Append what arrived since the last render (batched: a build prints fast)."""
        if not self._pending:
            return
        lines, self._pending = self._pending[-MAX_LOG_LINES:], []
        self.log_view.appendPlainText("\n".join(lines))
        bar = self.log_view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.setup_panel is not None and self.setup_panel.running:
            self.setup_panel.cancel()
        self._stop_worker(10_000)
        self._log_timer.stop()
        super().closeEvent(event)

    def reject(self) -> None:  # Escape: cancel a running build, then close
        self.close()
        super().reject()


def _open_folder(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

