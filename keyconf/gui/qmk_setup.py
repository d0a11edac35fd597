"""Getting a qmk_firmware tree from the window: pick an existing folder, or have keyconf run
`qmk setup` (the `qmk` of its own environment) into a folder the person chooses, with its
output, a busy bar and Cancel. The chosen tree is recorded where `qmk` and keyconf look
(`user.qmk_home` in qmk.ini)."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyconf.catalogue.qmk_home import is_qmk_firmware, missing_qmk_firmware_parts, remember_qmk_home

INTRO = (
    "To build firmware, keyconf needs QMK's firmware source: a folder usually called "
    "qmk_firmware (about 1 GB once downloaded). Use one you already have, or let keyconf "
    "download it into a folder you choose."
)

ChooseFolder = Callable[[QWidget, str, str], str]


class QmkSetupPanel(QWidget):
    """Emits `treeReady(path)` once a usable qmk_firmware tree is chosen or made."""

    treeReady = Signal(object)  # Path
    busyChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, choose_folder: ChooseFolder | None = None):
        super().__init__(parent)
        self.choose_folder: ChooseFolder = choose_folder or _choose_folder
        self.process: QProcess | None = None
        self.target: Path | None = None
        # What the running set-up may leave half made: the target folder when keyconf created it,
        # or its contents when it was an empty folder the person chose. Removed on cancel or failure.
        self._made_target = False
        self._emptied_target = False
        self.cancelled = False
        self._output: list[str] = []
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        self.use_button = QPushButton("Use an Existing Folder…")
        self.use_button.setObjectName("useExistingTree")
        self.use_button.setToolTip("Choose a qmk_firmware folder already on this computer")
        self.use_button.clicked.connect(self.use_existing)
        self.create_button = QPushButton("Download QMK…")
        self.create_button.setObjectName("createTree")
        self.create_button.setToolTip("Choose a folder; keyconf runs QMK's set-up there (needs the internet)")
        self.create_button.clicked.connect(self.create_tree)
        self.cancel_button = QPushButton("Cancel Download")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: `qmk setup` does not say how far it is
        self.bar.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(5000)
        self.output.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addWidget(self.output, 1)

    @property
    def running(self) -> bool:
        return self.process is not None

    # ---- an existing tree -------------------------------------------------------------------

    def use_existing(self) -> None:
        chosen = self.choose_folder(self, "Choose your qmk_firmware folder", str(Path.home()))
        if chosen:
            self.accept_tree(_tree_meant(Path(chosen)))

    def accept_tree(self, path: Path) -> bool:
        missing = missing_qmk_firmware_parts(path)
        if missing:
            self.message.setText(
                f"{path} is not a qmk_firmware folder: it lacks {', '.join(missing)}. "
                "Choose the folder that holds quantum/ and keyboards/."
            )
            return False
        remember_qmk_home(path)
        self.message.setText(f"Using {path}.")
        self.treeReady.emit(path)
        return True

    # ---- a new tree ----------------------------------------------------------------------------

    def create_tree(self) -> None:
        chosen = self.choose_folder(self, "Choose where to put qmk_firmware", str(Path.home()))
        if not chosen:
            return
        folder = Path(chosen)
        empty = folder.is_dir() and not any(folder.iterdir())
        target = folder if empty and folder.name == "qmk_firmware" else folder / "qmk_firmware"
        if target.exists() and any(target.iterdir()):
            if not missing_qmk_firmware_parts(target):
                self.accept_tree(target)
                return
            self.message.setText(f"{target} already exists and is not a qmk_firmware folder: choose another place.")
            return
        self.start_setup(target)

    def start_setup(self, target: Path) -> None:
        from keyconf.compiler.toolchain import build_path, find_program

        qmk = find_program("qmk")
        if qmk is None:
            self.message.setText("The qmk program that comes with keyconf is missing: reinstall keyconf.")
            return
        self.target = target
        self._made_target = not target.exists()
        self._emptied_target = not self._made_target and target.is_dir() and not any(target.iterdir())
        self._output = []
        self.cancelled = False
        self.output.clear()
        process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PATH", build_path())
        env.insert("PYTHONUNBUFFERED", "1")
        env.remove("QMK_HOME")
        process.setProcessEnvironment(env)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        _start_in_own_session(process)  # cancel stops git too, not only qmk
        process.readyReadStandardOutput.connect(self._read_output)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._failed_to_start)
        self.process = process
        self._set_busy(True)
        self.message.setText(f"Downloading QMK into {target}… this takes a few minutes.")
        process.start(qmk, ["--no-color", "setup", "--yes", "--home", str(target)])

    def cancel(self) -> None:
        process = self.process
        if process is not None:
            self.cancelled = True
            self.message.setText("Cancelling…")
            if not _signal_group(process, signal.SIGTERM):
                process.terminate()
            if not process.waitForFinished(3000):
                if not _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM)):
                    process.kill()
                process.waitForFinished(3000)

    def output_text(self) -> str:
        return "\n".join(self._output)

    def _read_output(self) -> None:
        process = self.process
        if process is None:
            return
        text = bytes(process.readAllStandardOutput().data()).decode("utf-8", errors="replace")
        lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
        self._output.extend(lines)
        if lines:
            self.output.show()
            self.output.appendPlainText("\n".join(lines))

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_output()
        self.process = None
        self._set_busy(False)
        target = self.target
        if target is not None and not self.cancelled and not missing_qmk_firmware_parts(target):
            self.accept_tree(target)
            return
        removed = self._remove_partial_target()
        if removed:
            left = f" The unfinished {target} was removed." if self._made_target else f" {target} is empty again."
        elif target is not None and target.exists():
            left = f" What it made is still in {target}."
        else:
            left = ""
        if self.cancelled or status != QProcess.ExitStatus.NormalExit:
            self.message.setText("The download was cancelled." + left)
            return
        output = self.output_text()
        if "Could not resolve host" in output or "unable to access" in output:
            why = "could not reach GitHub (is this computer online?)"
        else:
            why = f"stopped (exit status {code}) before {target} was complete"
        self.message.setText(f"QMK's set-up {why}: see its output below." + left)

    def _remove_partial_target(self) -> bool:
        """Take away what the stopped set-up made: the folder keyconf created, or the contents of
        the empty folder that was chosen. Nothing that was there before is touched."""
        target = self.target
        if target is None or not (self._made_target or self._emptied_target):
            return False
        try:
            if self._made_target:
                if not target.exists():
                    return False  # nothing was made (git cleans up a clone that never started)
                shutil.rmtree(target)
            else:
                entries = list(target.iterdir())
                for entry in entries:
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
                return bool(entries)
        except OSError:
            return False
        return True

    def _failed_to_start(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.process = None
            self._set_busy(False)
            self.message.setText("The qmk program could not start: reinstall keyconf.")

    def _set_busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.use_button.setEnabled(not busy)
        self.create_button.setEnabled(not busy)
        self.busyChanged.emit(busy)


def _tree_meant(chosen: Path) -> Path:
    """The tree a chosen folder means: itself, the tree it is inside (keyboards/ picked by a
    slip), or its qmk_firmware subfolder (the folder holding it picked)."""
    for candidate in (chosen, *chosen.parents):
        if is_qmk_firmware(candidate):
            return candidate
    inside = chosen / "qmk_firmware"
    return inside if is_qmk_firmware(inside) else chosen


def _start_in_own_session(process: QProcess) -> None:
    """`qmk setup` runs git: in a session (and process group) of its own, Cancel can stop both."""
    if os.name != "posix" or not hasattr(process, "setUnixProcessParameters"):
        return  # Qt < 6.6: only qmk itself is stopped
    flag = getattr(QProcess.UnixProcessFlag, "CreateNewSession", None)
    if flag is not None:
        process.setUnixProcessParameters(flag)


def _signal_group(process: QProcess, sig: signal.Signals) -> bool:
    """Send `sig` to the process group the set-up leads; False when it does not lead one."""
    pid = process.processId()
    if os.name != "posix" or pid <= 0:
        return False
    try:
        if os.getpgid(pid) != pid:
            return False
        os.killpg(pid, sig)
    except OSError:
        return False
    return True


def _choose_folder(parent: QWidget, title: str, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, title, start)
