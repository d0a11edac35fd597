"""Talking to a keyboard without ever blocking the window.

`DeviceWorker` is the window's handle on one keyboard. Every request (connect, read, push,
matrix poll, lighting) becomes a job for a runner living in its own QThread; jobs run one
at a time in order, and their outcome comes back as a Qt signal on the GUI thread. A
failing or vanishing keyboard therefore costs the window nothing: the job ends with
`failed(action, message, hint)` after the client's bounded timeouts.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from keyconf.device.board import Board
from keyconf.device.connection import board_geometry, check_same_keyboard
from keyconf.device.discovery import DeviceInfo, open_transport
from keyconf.device.errors import (
    DeviceDisconnected,
    DeviceError,
    DeviceLocked,
    DevicePermissionError,
    UnsupportedCommand,
)
from keyconf.device.sync import KeymapSync, PushPlan
from keyconf.device.unlock import DEFAULT_TIMEOUT_S as UNLOCK_TIMEOUT_S
from keyconf.device.unlock import unlock
from keyconf.device.via_protocol import Channel
from keyconf.flash.entry import JumpOutcome, JumpResult
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

BOOTLOADER_WAIT_S = 15.0  # how long the flash job waits for the worker to send the jump


@dataclass(frozen=True)
class BoardSummary:
    """What the window shows about the connected keyboard."""

    name: str
    description: str
    is_vial: bool
    layer_count: int
    geometry: Keyboard | None  # None: keyconf cannot tell; the window's layout must say
    matrix_needs_unlock: bool
    legacy_lighting: bool  # VIA protocol <= 11 / Vial: flat lighting value ids, no channels
    matrix: tuple[int, int] | None = None  # (rows, cols) from the geometry, when known
    warnings: tuple[str, ...] = ()


@dataclass
class _Job:
    action: str  # for messages: "connect", "read", "push", ...
    run: Callable[[_Runner], Any]
    deliver: Callable[[Any], None] | None = None


class _Runner(QObject):
    """Lives in the worker thread; owns the Board. Nothing here touches a widget."""

    done = Signal(object, object)  # (job, result)
    failed = Signal(object, str, str, bool, bool, bool)  # (job, message, hint, lost, permission denied, locked)
    progress = Signal(str, int, int)

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None
        self.geometry: Keyboard | None = None
        self.sync: KeymapSync | None = None
        self.live = False

    @Slot(object)
    def execute(self, job: _Job) -> None:
        try:
            result = job.run(self)
        except DeviceError as error:
            lost = isinstance(error, DeviceDisconnected)
            if lost:
                self.close()
            permission, locked = isinstance(error, DevicePermissionError), isinstance(error, DeviceLocked)
            self.failed.emit(job, error.message, error.hint or "", lost, permission, locked)
            return
        except Exception as error:  # noqa: BLE001 - a bug must not kill the worker thread
            traceback.print_exc()
            self.failed.emit(job, f"internal error: {error}", "please report this", False, False, False)
            return
        self.done.emit(job, result)

    def report(self, phase: str, done: int, total: int) -> None:
        self.progress.emit(phase, done, total)

    def require_board(self) -> Board:
        if self.board is None:
            raise DeviceDisconnected("no keyboard is connected", "connect one in the device bar")
        return self.board

    def sync_for(self, keyboard: Keyboard | None, layout_macro: str | None) -> KeymapSync:
        board = self.require_board()
        geometry = keyboard or self.geometry
        if keyboard is not None:
            check_same_keyboard(board, self.geometry, keyboard)
        if geometry is None:
            raise DeviceError(
                f"keyconf does not know what {board.name} looks like",
                "open a layout for this keyboard first, then read or apply",
            )
        same = (
            self.sync is not None
            and self.sync.keyboard.name == geometry.name
            and (layout_macro is None or self.sync.mapping.macro.name == layout_macro)
        )
        if not same:
            self.sync = KeymapSync(board, geometry, layout_macro)
        assert self.sync is not None
        self.sync.backup_once = self.live
        return self.sync

    def close(self) -> None:
        if self.board is not None:
            self.board.close()
        self.board, self.geometry, self.sync = None, None, None


def _jump(runner: _Runner) -> JumpResult:
    """Send the bootloader jump; the keyboard then leaves USB, so the board is closed."""
    board = runner.board
    if board is None:
        return JumpResult(JumpOutcome.NO_DEVICE)
    try:
        acknowledged = board.jump_to_bootloader()
    except UnsupportedCommand as error:
        return JumpResult(JumpOutcome.UNSUPPORTED, error.message)
    except DeviceError as error:  # locked Vial keyboard, permissions, a vanished device
        return JumpResult(JumpOutcome.FAILED, error.message + (f" ({error.hint})" if error.hint else ""))
    runner.close()
    if acknowledged:
        return JumpResult(JumpOutcome.JUMPED)
    return JumpResult(JumpOutcome.JUMPED, "the keyboard left without answering; it is probably restarting")


def _matrix_size(keyboard: Keyboard) -> tuple[int, int] | None:
    cells = [k.matrix for macro in keyboard.layouts.values() for k in macro.keys if k.matrix is not None]
    rows = keyboard.matrix_rows or (max(r for r, _ in cells) + 1 if cells else 0)
    cols = keyboard.matrix_cols or (max(c for _, c in cells) + 1 if cells else 0)
    return (rows, cols) if rows and cols else None


class DeviceWorker(QObject):
    """The window's side: call methods, get signals. Never blocks."""

    connected = Signal(object)  # BoardSummary
    disconnected = Signal(str)  # why ("" when asked to)
    failed = Signal(str, str, str)  # (action, message, hint)
    progress = Signal(str, int, int)  # (phase, done, total): read / write / verify
    keymapRead = Signal(object)  # Layout
    planned = Signal(object)  # PushPlan, for "Apply" previews
    pushed = Signal(object)  # PushResult
    matrixState = Signal(object)  # list[int]: one bitmask per matrix row
    lightingRead = Signal(object)  # {Channel: {value name: setting}}
    unlockChanged = Signal(object)  # UnlockStatus or UnlockProgress
    lockRefused = Signal(str, str, str)  # (action, message, hint): a locked Vial board said no
    unlockUpdate = Signal(object)  # UnlockState, while `unlock()` runs
    unlockDone = Signal(bool)  # unlocked (False: failed or cancelled; `failed` says why)
    busyChanged = Signal(bool)
    permissionDenied = Signal(str, str)  # (message, hint): the OS refused to open the keyboard
    _submit = Signal(object)
    _jumpRequested = Signal(object)  # from the flash job's thread: (event, result box)

    def __init__(self, parent: QObject | None = None, *, demo_state: Path | None = None):
        super().__init__(parent)
        self.demo_state = demo_state
        self.summary: BoardSummary | None = None
        self._pending = 0
        self._thread = QThread()
        self._thread.setObjectName("keyconf-device")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.execute)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._runner.progress.connect(self.progress)
        self._jumpRequested.connect(self._submit_jump)
        self._thread.start()

    # --- plumbing -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @property
    def is_connected(self) -> bool:
        return self.summary is not None

    def submit(self, action: str, run: Callable[[_Runner], Any], deliver: Callable[[Any], None] | None = None) -> None:
        """Queue `run(runner)` on the worker thread; `deliver(result)` runs on the GUI thread."""
        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        self._submit.emit(_Job(action, run, deliver))

    def _finish(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busyChanged.emit(False)

    @Slot(object, object)
    def _on_done(self, job: _Job, result: Any) -> None:
        self._finish()
        if job.deliver is not None:
            job.deliver(result)

    @Slot(object, str, str, bool, bool, bool)
    def _on_failed(self, job: _Job, message: str, hint: str, lost: bool, permission: bool, locked: bool) -> None:
        self._finish()
        if locked:  # first, so the window can offer the unlock instead of a plain error
            self.lockRefused.emit(job.action, message, hint)
        self.failed.emit(job.action, message, hint)
        if permission:
            self.permissionDenied.emit(message, hint)
        if lost and self.summary is not None:
            self.summary = None
            self.disconnected.emit(message)

    def shutdown(self) -> None:
        """Stop the thread (after the job in progress) and close the keyboard."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(30_000)
        self._runner.close()  # the thread is gone: nothing else touches the runner now

    # --- requests -------------------------------------------------------------------------

    def connect_device(self, info: DeviceInfo, keyboard: Keyboard | None = None) -> None:
        """Open a real keyboard (found by discovery)."""
        self.connect_board(lambda: Board.connect(open_transport(info), info), keyboard)

    def connect_demo(self, board: str = "planck") -> None:
        """Open one of keyconf's simulated demo keyboards (`board`: planck or vial). Each keeps
        its contents in its own file beside `demo_state` (the Planck's)."""
        demo_state = self.demo_state
        if demo_state is not None and board != "planck":
            demo_state = demo_state.with_name(f"demo-{board}-keyboard.json")

        def open_demo() -> Board:
            from keyconf.device.demo import demo_keyboard

            sim = demo_keyboard(board, state_file=demo_state)
            return Board.connect(sim, sim.info())

        self.connect_board(open_demo)

    def connect_board(self, opener: Callable[[], Board], keyboard: Keyboard | None = None) -> None:
        """Open whatever `opener` returns, on the worker thread (any Transport: tests, demo)."""

        def run(runner: _Runner) -> BoardSummary:
            runner.close()
            board = opener()
            runner.board = board
            try:
                runner.geometry = board_geometry(board, keyboard)
            except DeviceError:
                runner.geometry = None  # the window's layout will name it
            return BoardSummary(
                name=board.name,
                description=board.describe(),
                is_vial=board.is_vial,
                layer_count=board.layer_count,
                geometry=runner.geometry,
                matrix_needs_unlock=board.matrix_tester_needs_unlock,
                legacy_lighting=board.lighting.legacy,
                matrix=None if runner.geometry is None else _matrix_size(runner.geometry),
                warnings=tuple(board.warnings),
            )

        def deliver(summary: BoardSummary) -> None:
            self.summary = summary
            self.connected.emit(summary)

        self.submit("connect", run, deliver)

    def disconnect_device(self) -> None:
        def deliver(_: object) -> None:
            if self.summary is not None:
                self.summary = None
                self.disconnected.emit("")

        self.submit("disconnect", lambda r: r.close(), deliver)

    def set_live(self, live: bool) -> None:
        """Live editing: each change is pushed at once; one backup covers the session."""

        def run(runner: _Runner) -> None:
            runner.live = live
            if runner.sync is not None:
                runner.sync.backup_once = live
                if not live:
                    runner.sync.session_backup = None

        self.submit("live mode", run)

    def read_keymap(
        self, keyboard: Keyboard | None = None, layout_macro: str | None = None, layer_names: list[str] | None = None
    ) -> None:
        def run(runner: _Runner) -> Layout:
            return runner.sync_for(keyboard, layout_macro).read_keymap(runner.report, layer_names)

        self.submit("read", run, self.keymapRead.emit)

    def plan_push(self, layout: Layout, keyboard: Keyboard | None = None, *, refresh: bool = True) -> None:
        """Work out what applying `layout` would change (emits `planned`)."""

        def run(runner: _Runner) -> PushPlan:
            sync = runner.sync_for(keyboard, layout.layout_macro)
            if refresh or sync.snapshot is None:
                sync.read_state(runner.report)
            return sync.plan(layout)

        self.submit("preview", run, self.planned.emit)

    def push(self, layout: Layout, keyboard: Keyboard | None = None, *, refresh: bool = True) -> None:
        """Apply `layout` (diffed, backed up, verified; emits `pushed`)."""

        def run(runner: _Runner) -> object:
            sync = runner.sync_for(keyboard, layout.layout_macro)
            return sync.push(layout, runner.report, refresh=refresh)

        self.submit("apply", run, self.pushed.emit)

    def apply_plan(self, plan: PushPlan) -> None:
        self.submit("apply", lambda r: r.sync_for(None, None).apply(plan, r.report), self.pushed.emit)

    def poll_matrix(self, rows: int, cols: int) -> None:
        self.submit("matrix test", lambda r: r.require_board().matrix_state(rows, cols), self.matrixState.emit)

    def read_lighting(self) -> None:
        def run(runner: _Runner) -> dict[Channel, dict[str, object]]:
            lighting = runner.require_board().lighting
            return {channel: dict(lighting.read_all(channel)) for channel in lighting.probe()}

        self.submit("lighting", run, self.lightingRead.emit)

    def set_lighting(self, channel: Channel, name: str, value: int | tuple[int, int]) -> None:
        self.submit("lighting", lambda r: r.require_board().lighting.set(channel, name, value))

    def save_lighting(self, channel: Channel) -> None:
        self.submit("lighting", lambda r: r.require_board().lighting.save(channel))

    # --- flashing ---------------------------------------------------------------------------

    def enter_bootloader(self, timeout: float = BOOTLOADER_WAIT_S) -> JumpResult:
        """Ask the connected keyboard to restart into its bootloader (VIA/Vial) and wait for
        its answer: the `enter_bootloader` callable the flash job runs on its own thread.
        Never call it on the GUI thread (it waits for work the GUI thread hands over)."""
        if self.summary is None:
            return JumpResult(JumpOutcome.NO_DEVICE)
        if threading.current_thread() is threading.main_thread():
            return JumpResult(JumpOutcome.FAILED, "internal error: the bootloader jump was asked for on the GUI thread")
        done = threading.Event()
        box: list[JumpResult] = []
        self._jumpRequested.emit((done, box))
        if not done.wait(timeout) or not box:
            return JumpResult(JumpOutcome.FAILED, "the keyboard did not answer the bootloader request in time")
        return box[0]

    @Slot(object)
    def _submit_jump(self, request: tuple[threading.Event, list[JumpResult]]) -> None:
        done, box = request

        def run(runner: _Runner) -> JumpResult:
            # The waiting flash job is woken here, on the worker thread, not by `deliver`.
            try:
                box.append(_jump(runner))
                return box[0]
            finally:
                if not box:
                    box.append(JumpResult(JumpOutcome.FAILED, "internal error sending the bootloader request"))
                done.set()

        def deliver(result: JumpResult) -> None:
            if result.outcome is JumpOutcome.JUMPED and self.summary is not None:
                self.summary = None
                self.disconnected.emit("it restarted into its bootloader for flashing")

        self.submit("bootloader", run, deliver)

    def unlock(self, cancel: threading.Event, timeout_s: float = UNLOCK_TIMEOUT_S) -> None:
        """Run the one unlock flow (keyconf.device.unlock) on the worker thread: start or join
        the unlock, poll while the user holds the keys; `unlockUpdate` as it goes, `unlockDone`
        at the end. Setting `cancel` stops the waiting (the keyboard keeps waiting for its keys)."""

        def run(runner: _Runner) -> bool:
            try:
                unlock(
                    runner.require_board().vial,
                    on_update=self.unlockUpdate.emit,
                    timeout_s=timeout_s,
                    cancelled=cancel.is_set,
                )
            except DeviceError:
                self.unlockDone.emit(False)
                raise
            return True

        self.submit("unlock", run, self.unlockDone.emit)

    def unlock_status(self) -> None:
        self.submit("unlock", lambda r: r.require_board().vial.unlock_status(), self.unlockChanged.emit)

    def unlock_start(self) -> None:
        self.submit("unlock", lambda r: r.require_board().vial.unlock_start())

    def unlock_poll(self) -> None:
        self.submit("unlock", lambda r: r.require_board().vial.unlock_poll(), self.unlockChanged.emit)
