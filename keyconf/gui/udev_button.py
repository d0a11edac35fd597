""""Install udev rule…": the fix for a keyboard Linux will not let keyconf open, one click away.

Installing needs administrator rights: `keyconf.flash.udev_install.install_rule` asks through
the desktop's password prompt (pkexec) and waits for it, so it runs off the GUI thread. The
outcome is shown as it is, including the sudo commands to run when no prompt was possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from keyconf.gui.layout_files import FileProblem, run_file_job

Installer = Callable[[], Any]  # returns keyconf.flash.udev_install.InstallResult


@dataclass(frozen=True)
class InstallReport:
    """What to tell the user about one installation attempt."""

    ok: bool
    title: str
    text: str
    details: str = ""  # the commands to run by hand, or what went wrong


def install_report(result: Any) -> InstallReport:
    """Turn an `InstallResult` into words (no Qt here: tests read it directly)."""
    from keyconf.flash.udev_install import InstallOutcome

    replug = "Unplug the keyboard and plug it in again, then connect."
    if result.outcome is InstallOutcome.INSTALLED:
        text = f"keyconf's udev rule is installed in {result.target}. {replug}"
        if result.detail:
            text += f"\n\nNote: {result.detail}"
        return InstallReport(True, "udev rule installed", text)
    if result.outcome is InstallOutcome.ALREADY_CURRENT:
        return InstallReport(
            True,
            "udev rule already installed",
            f"The rule in {result.target} is already current. {replug} If keyconf still cannot open "
            "it, log out and back in (the rule grants access to the person logged in at the desktop).",
        )
    commands = "\n".join(result.commands)
    if result.outcome is InstallOutcome.MANUAL:
        return InstallReport(
            False,
            "Install the udev rule by hand",
            f"keyconf did not install the rule: {result.detail}.\n"
            "Run these commands in a terminal, then unplug the keyboard and plug it in again:",
            commands,
        )
    return InstallReport(
        False,
        "Could not install the udev rule",
        f"{result.detail}.\nYou can run these commands in a terminal instead:",
        commands,
    )


class UdevInstallButton(QPushButton):
    """Runs the installer in the background and shows the outcome; `finished(InstallReport)`."""

    finished = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, installer: Installer | None = None):
        super().__init__("Install udev rule…", parent)
        self.setToolTip("Let keyconf open keyboards and bootloaders without root (asks for your password)")
        self.installer = installer
        self.report: InstallReport | None = None
        self.box: QMessageBox | None = None
        self.clicked.connect(self.install)

    def install(self) -> None:
        installer = self.installer
        if installer is None:
            from keyconf.flash.udev_install import install_rule

            installer = install_rule
        self.setEnabled(False)
        self.setText("Installing…")
        run_file_job(installer, self._done, self._failed, owner=self)

    def _done(self, result: Any) -> None:
        self._show(install_report(result))

    def _failed(self, problem: FileProblem) -> None:
        self._show(InstallReport(False, "Could not install the udev rule", problem.message, problem.hint or ""))

    def _show(self, report: InstallReport) -> None:
        self.setEnabled(True)
        self.setText("Install udev rule…")
        self.report = report
        icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning
        box = QMessageBox(icon, report.title, report.text, QMessageBox.StandardButton.Ok, self.window())
        box.setObjectName("udev-install-result")
        if report.details:
            box.setInformativeText(report.details)
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copy the commands
        self.box = box
        box.open()
        self.finished.emit(report)
