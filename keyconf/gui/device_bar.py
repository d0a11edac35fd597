"""The device bar: which keyboards are plugged in, connect/disconnect, what is going on.

Keyboards come and go: the list is refreshed every second on a scanner thread (hidapi
enumeration is quick, but never on the GUI thread). The simulated demo keyboard is always
offered last. When hidapi itself is missing, the bar says how to install it and still offers
the demo keyboard.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressBar, QPushButton, QWidget

from keyconf.device.discovery import DeviceInfo, enumerate_devices, hidraw_node, udev_hint
from keyconf.device.errors import DeviceError
from keyconf.gui.device_worker import BoardSummary, DeviceWorker
from keyconf.gui.elided_label import ElidedLabel
from keyconf.gui.udev_button import Installer, UdevInstallButton

DEMO_LABEL = "Demo keyboard (simulated Planck)"
VIAL_DEMO_LABEL = "Demo Vial board (simulated, locked)"
VIAL_DEMO = "vial"  # the item's data: the demo board to connect
SCAN_INTERVAL_MS = 1000
PHASES = {"read": "Reading", "write": "Writing", "verify": "Verifying"}

Lister = Callable[[], list[DeviceInfo]]


class _Scanner(QObject):
    found = Signal(object)  # list[DeviceInfo]
    unavailable = Signal(str, str)  # message, hint

    def __init__(self, lister: Lister):
        super().__init__()
        self.lister = lister

    @Slot()
    def scan(self) -> None:
        try:
            devices = self.lister()
        except DeviceError as error:
            self.unavailable.emit(error.message, error.hint or "")
            return
        except Exception as error:  # noqa: BLE001 - a broken backend must not kill the scanner
            self.unavailable.emit(f"cannot list keyboards: {error}", "")
            return
        self.found.emit(devices)


class DeviceBar(QWidget):
    """Lists keyboards (hotplug), connects the chosen one through `worker`, shows status."""

    _scan = Signal()

    def __init__(
        self,
        worker: DeviceWorker,
        parent: QWidget | None = None,
        *,
        lister: Lister | None = None,
        interval_ms: int = SCAN_INTERVAL_MS,
        offer_demo: bool = True,
        udev_installer: Installer | None = None,
        udev_applies: bool | None = None,
    ):
        super().__init__(parent)
        self.worker = worker
        self.offer_demo = offer_demo
        self.devices: list[DeviceInfo] = []
        self.unavailable: tuple[str, str] | None = None
        self.combo = QComboBox(self)
        self.combo.setMinimumContentsLength(24)
        self.connect_button = QPushButton("Connect", self)
        # One line whatever it says ("hidapi is not installed…" would wrap and grow the bar):
        # what does not fit is elided, the whole text is the tooltip.
        self.status = ElidedLabel("Looking for keyboards…", self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        # Shown while Linux refuses keyconf a keyboard (no udev rule yet).
        self.udev_button = UdevInstallButton(self, installer=udev_installer)
        self.udev_button.hide()
        self.udev_button.finished.connect(self._on_udev_installed)
        self.permission_denied = False  # the last connection attempt was refused by the OS
        if udev_applies is None:
            from keyconf.flash.udev_install import udev_needed

            udev_applies = udev_needed()
        self.udev_applies = udev_applies
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.combo)
        layout.addWidget(self.connect_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.udev_button)
        self.connect_button.clicked.connect(self.toggle_connection)
        worker.connected.connect(self._on_connected)
        worker.disconnected.connect(self._on_disconnected)
        worker.failed.connect(self._on_failed)
        worker.progress.connect(self._on_progress)
        worker.busyChanged.connect(self._on_busy)
        worker.permissionDenied.connect(self._on_permission_denied)

        self._thread = QThread()
        self._thread.setObjectName("keyconf-scan")
        self._scanner = _Scanner(lister or enumerate_devices)
        self._scanner.moveToThread(self._thread)
        self._scan.connect(self._scanner.scan)
        self._scanner.found.connect(self._on_found)
        self._scanner.unavailable.connect(self._on_unavailable)
        self._thread.start()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.rescan)
        self._timer.start()
        self._fill([])
        self.rescan()

    # --- the list -------------------------------------------------------------------------

    def rescan(self) -> None:
        self._scan.emit()

    def shutdown(self) -> None:
        self._timer.stop()
        self._thread.quit()
        self._thread.wait(5000)

    def _fill(self, devices: list[DeviceInfo]) -> None:
        chosen = self.selected()
        self.combo.blockSignals(True)
        self.combo.clear()
        for info in devices:
            label = info.name + ("" if info.accessible else " (no permission)")
            self.combo.addItem(label, info)
        if self.offer_demo:
            self.combo.addItem(DEMO_LABEL, None)
            self.combo.addItem(VIAL_DEMO_LABEL, VIAL_DEMO)
        keep = next((i for i in range(self.combo.count()) if self._same(self.combo.itemData(i), chosen)), 0)
        self.combo.setCurrentIndex(keep)
        self.combo.blockSignals(False)

    @staticmethod
    def _same(a: DeviceInfo | None, b: DeviceInfo | None) -> bool:
        return a is b if a is None or b is None else a.path == b.path

    def show_demo(self, board: str) -> None:
        """Select the demo board's entry (when the demo is connected from elsewhere: `--demo`)."""
        wanted = VIAL_DEMO if board == VIAL_DEMO else None
        for index in range(self.combo.count()):
            if self.combo.itemData(index) == wanted and self.combo.itemText(index) in (DEMO_LABEL, VIAL_DEMO_LABEL):
                self.combo.setCurrentIndex(index)
                return

    def selected(self) -> DeviceInfo | None:
        """The chosen keyboard; None for the demo keyboard (or nothing)."""
        data = self.combo.currentData()
        return data if isinstance(data, DeviceInfo) else None

    def _on_found(self, devices: list[DeviceInfo]) -> None:
        self.unavailable = None
        if [d.path for d in devices] != [d.path for d in self.devices] or [d.accessible for d in devices] != [
            d.accessible for d in self.devices
        ]:
            self.devices = list(devices)
            self._fill(self.devices)
        if not self.worker.is_connected and not self.worker.busy and not self.permission_denied:
            blocked = [d for d in devices if not d.accessible]
            self._show_udev(bool(blocked))
            if not devices:
                self.status.setText("No VIA or Vial keyboard connected.")
            else:
                if blocked:
                    node = hidraw_node(blocked[0].path) or blocked[0].path_text
                    self.status.setText(f"{blocked[0].name}: no permission. {udev_hint(node)}")
                    self.status.setToolTip(self.status.text())
                else:
                    count = len(devices)
                    self.status.setText(f"{count} keyboard{'s' if count != 1 else ''} found.")

    def _show_udev(self, blocked: bool) -> None:
        """Offer the udev rule while a keyboard is refused (Linux only)."""
        self.udev_button.setVisible((blocked or self.permission_denied) and self.udev_applies)

    def _on_permission_denied(self, _message: str, _hint: str) -> None:
        self.permission_denied = True
        self._show_udev(True)

    def _on_udev_installed(self, report: object) -> None:
        if getattr(report, "ok", False):
            self.permission_denied = False  # try again after replugging; a refusal shows it again
        self.rescan()

    def _on_unavailable(self, message: str, hint: str) -> None:
        first = self.unavailable is None
        self.unavailable = (message, hint)
        if first or self.devices:
            self.devices = []
            self._fill([])
        if not self.worker.is_connected:
            self.status.setText(f"{message}. {hint}".strip())

    # --- connecting -----------------------------------------------------------------------

    def toggle_connection(self) -> None:
        if self.worker.is_connected:
            self.worker.disconnect_device()
            return
        info = self.selected()
        if info is None:
            if not self.offer_demo:
                return
            self.status.setText("Connecting to the demo keyboard…")
            board = self.combo.currentData()
            self.worker.connect_demo(board if isinstance(board, str) else "planck")
        else:
            self.status.setText(f"Connecting to {info.name}…")
            self.worker.connect_device(info)
        self.connect_button.setEnabled(False)

    def _on_connected(self, summary: BoardSummary) -> None:
        self.permission_denied = False
        self._show_udev(False)
        self.connect_button.setEnabled(True)
        self.connect_button.setText("Disconnect")
        self.combo.setEnabled(False)
        text = f"Connected: {summary.description}"
        if summary.geometry is None:
            text += " (open a layout for this keyboard to read or apply)"
        if summary.warnings:
            text += " — " + "; ".join(summary.warnings)
        self.status.setText(text)

    def _on_disconnected(self, reason: str) -> None:
        self.connect_button.setEnabled(True)
        self.connect_button.setText("Connect")
        self.combo.setEnabled(True)
        self.status.setText(f"Disconnected: {reason}" if reason else "Disconnected.")

    def _on_failed(self, action: str, message: str, hint: str) -> None:
        if action == "connect":
            self.permission_denied = False  # set again right after when the OS refused it
        self.connect_button.setEnabled(True)
        self.status.setText(f"{action.capitalize()} failed: {message}" + (f" — {hint}" if hint else ""))

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        self.progress.setFormat(f"{PHASES.get(phase, phase)} %p%")
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.show()

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.progress.hide()
