"""The matrix tester: press keys on the keyboard, see them light up on screen.

It polls the switch matrix through the device worker, one request at a time (the next poll
is asked only when the last answer arrived, so a slow keyboard is never flooded). Keys held
now are filled; keys seen pressed at least once keep a tint, so a dead switch stands out.

Vial keyboards (Vial protocol 3+) refuse the matrix state while locked: the tester then shows
the keys to hold and runs the one unlock flow (keyconf.device.unlock, on the worker thread:
start or join the unlock, poll while the user holds them).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from keyconf.device.unlock import UnlockState
from keyconf.device.vial_protocol import UnlockProgress, UnlockStatus
from keyconf.gui.device_worker import BoardSummary, DeviceWorker
from keyconf.model.keyboard import Keyboard
from keyconf.render.scene import KeyboardScene, fit_unit, keyboard_scene

MARGIN = 12.0
PRESSED = QColor("#43a047")
SEEN = QColor("#c8e6c9")
UNLOCK = QColor("#fb8c00")
IDLE = QColor("#eceff1")
OUTLINE = QColor("#546e7a")
LABEL_MIN_UNIT = 34.0  # pixels per key unit below which "row,col" labels do not fit


def pressed_cells(rows: list[int], cols: int) -> set[tuple[int, int]]:
    """(row, col) of every closed switch in a matrix state reply."""
    return {(r, c) for r, bits in enumerate(rows) for c in range(cols) if bits >> c & 1}


class MatrixCanvas(QWidget):
    """The keyboard drawn from its geometry, keys coloured by state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.keyboard: Keyboard | None = None
        self.macro_name: str | None = None
        self.pressed: set[tuple[int, int]] = set()
        self.seen: set[tuple[int, int]] = set()
        self.unlock_keys: set[tuple[int, int]] = set()
        self._scene: KeyboardScene | None = None
        self._scene_size = (0, 0)
        self.setMinimumSize(240, 100)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_keyboard(self, keyboard: Keyboard | None, macro_name: str | None = None) -> None:
        self.keyboard, self.macro_name = keyboard, macro_name
        self._scene = None
        self.update()

    def scene(self) -> KeyboardScene | None:
        if self.keyboard is None:
            return None
        size = (self.width(), self.height())
        if self._scene is None or self._scene_size != size:
            macro = self.keyboard.layout(self.macro_name)
            unit = fit_unit(macro, size[0], size[1], margin=MARGIN, encoders=self.keyboard.encoders)
            self._scene = keyboard_scene(self.keyboard, self.macro_name, unit, margin=MARGIN)
            self._scene_size = size
        return self._scene

    def colour(self, cell: tuple[int, int] | None) -> QColor:
        if cell is None:
            return IDLE
        if cell in self.pressed:
            return PRESSED
        if cell in self.unlock_keys:
            return UNLOCK
        if cell in self.seen:
            return SEEN
        return IDLE

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene = self.scene()
        if scene is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No keyboard layout to show")
            return
        painter.setPen(QPen(OUTLINE, 1.2))
        for shape in scene.shapes:
            if shape.key.decal:
                continue
            painter.setBrush(self.colour(shape.key.matrix))
            for outline in shape.outlines:
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in outline]))
            if shape.key.matrix is not None and scene.unit >= LABEL_MIN_UNIT:
                row, col = shape.key.matrix
                x, y, w, h = shape.bounds()
                painter.drawText(int(x), int(y), int(w), int(h), Qt.AlignmentFlag.AlignCenter, f"{row},{col}")


class MatrixTester(QWidget):
    """Polls the matrix while shown and running; `start()` / `stop()` / `reset()`."""

    stateChanged = Signal()

    def __init__(self, worker: DeviceWorker, parent: QWidget | None = None, *, interval_ms: int = 30):
        super().__init__(parent)
        self.worker = worker
        self.interval_ms = interval_ms
        self.summary: BoardSummary | None = None
        self.running = False
        self.unlocking = False
        self._waiting = False
        self.canvas = MatrixCanvas(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.start_button = QPushButton("Start", self)
        self.reset_button = QPushButton("Clear", self)
        self.unlock_button = QPushButton("Unlock keyboard", self)
        self.unlock_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        self._unlock_cancel = threading.Event()
        self.start_button.clicked.connect(self.toggle)
        self.reset_button.clicked.connect(self.reset)
        self.unlock_button.clicked.connect(self.begin_unlock)
        worker.matrixState.connect(self._on_state)
        worker.unlockChanged.connect(self._on_unlock)
        worker.unlockUpdate.connect(self._on_unlock_update)
        worker.unlockDone.connect(self._on_unlock_done)
        worker.failed.connect(self._on_failed)
        worker.connected.connect(self._on_connected)
        worker.disconnected.connect(self._on_disconnected)
        if worker.summary is not None:
            self._on_connected(worker.summary)
        else:
            self._show("Connect a keyboard to test its switches.")

    # --- setup ----------------------------------------------------------------------------

    def set_keyboard(self, keyboard: Keyboard | None, macro_name: str | None = None) -> None:
        """The geometry to draw (default: the connected keyboard's own, when keyconf knows it)."""
        self.canvas.set_keyboard(keyboard, macro_name)

    @property
    def matrix(self) -> tuple[int, int] | None:
        keyboard = self.canvas.keyboard
        if keyboard is not None and keyboard.matrix_rows and keyboard.matrix_cols:
            return keyboard.matrix_rows, keyboard.matrix_cols
        return self.summary.matrix if self.summary else None

    def _show(self, text: str) -> None:
        self.message.setText(text)

    def _on_connected(self, summary: BoardSummary) -> None:
        self.summary = summary
        if self.canvas.keyboard is None and summary.geometry is not None:
            self.canvas.set_keyboard(summary.geometry)
        self._show(f"{summary.name}: press Start, then press keys on the keyboard.")
        if summary.matrix_needs_unlock:
            self.worker.unlock_status()

    def _on_disconnected(self, reason: str) -> None:
        self.stop()
        self.summary = None
        self._show(f"Disconnected{': ' + reason if reason else ''}.")

    # --- polling --------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        if self.summary is None:
            self._show("Connect a keyboard first.")
            return
        if self.matrix is None:
            self._show("keyconf does not know this keyboard's matrix size: open a layout for it.")
            return
        self.running = True
        self.start_button.setText("Stop")
        self._show("Press keys on the keyboard: held keys light up, tested keys stay tinted.")
        self._poll()

    def stop(self) -> None:
        self.running = False
        self._timer.stop()
        self.start_button.setText("Start")

    def reset(self) -> None:
        self.canvas.seen.clear()
        self.canvas.update()

    def _poll(self) -> None:
        matrix = self.matrix
        if not self.running or self._waiting or matrix is None:
            return
        self._waiting = True
        self.worker.poll_matrix(*matrix)

    def _on_state(self, rows: list[int]) -> None:
        self._waiting = False
        matrix = self.matrix
        if matrix is None:
            return
        pressed = pressed_cells(rows, matrix[1])
        if pressed != self.canvas.pressed:
            self.canvas.pressed = pressed
            self.canvas.seen |= pressed
            self.canvas.update()
            self.stateChanged.emit()
        if self.running:
            self._timer.start(self.interval_ms)

    def _on_failed(self, action: str, message: str, hint: str) -> None:
        if action == "matrix test":
            self._waiting = False
            self.stop()
            self._show(f"Matrix test stopped: {message}" + (f" ({hint})" if hint else ""))
        elif action == "unlock" and self.unlocking:
            self.unlocking = False
            self._show(f"Unlock failed: {message}" + (f" ({hint})" if hint else ""))

    # --- Vial unlock ----------------------------------------------------------------------

    def begin_unlock(self) -> None:
        """The one unlock flow (keyconf.device.unlock), run by the worker: it starts the unlock
        (or joins one already running) and polls while the orange keys are held."""
        self.unlocking = True
        self._unlock_cancel = threading.Event()
        self.worker.unlock(self._unlock_cancel)
        self._show("Hold the orange keys until the keyboard unlocks…")

    def _on_unlock(self, state: UnlockStatus | UnlockProgress) -> None:
        if isinstance(state, UnlockStatus):
            self.canvas.unlock_keys = set(state.keys) if not state.unlocked else set()
            self.unlock_button.setVisible(not state.unlocked)
            if not state.unlocked:
                self.stop()
                self._show("This Vial keyboard is locked: it hides its matrix until unlocked.")
        self.canvas.update()

    def _on_unlock_update(self, state: UnlockState) -> None:
        self.canvas.unlock_keys = set(state.keys) if not state.unlocked else set()
        if not state.unlocked and state.remaining is not None:
            self._show(f"Keep holding the orange keys… ({state.remaining})")
        self.canvas.update()

    def _on_unlock_done(self, unlocked: bool) -> None:
        if not unlocked:
            return  # `failed` says why (shown when this tester started the unlock)
        self.unlocking = False
        self.canvas.unlock_keys = set()
        self.unlock_button.hide()
        self._show("Unlocked. Press Start, then press keys on the keyboard.")
        self.canvas.update()

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override: no polling while hidden
        self.stop()
        super().hideEvent(event)
