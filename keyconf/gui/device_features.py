"""The keyboard features of the main window: device bar, Read / Apply / Live mode, matrix
tester and lighting docks, and `keyconf --demo`.

`install_device_features(window)` adds them through the window's extension points
(`add_keyboard_action`, `add_dock`, a toolbar) and is reachable as `window.device_features`
(`keyconf --demo` calls its `connect_demo`). All
keyboard traffic goes through one `DeviceWorker`, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar

from keyconf.device.sync import PushPlan, PushResult
from keyconf.device.unlock import keys_text
from keyconf.gui.device_bar import DeviceBar
from keyconf.gui.device_worker import BoardSummary, DeviceWorker
from keyconf.gui.editor_window import EditorWindow
from keyconf.gui.layout_files import OpenedLayout
from keyconf.gui.lighting_panel import LightingPanel
from keyconf.gui.matrix_tester import MatrixTester
from keyconf.gui.unlock_dialog import UnlockDialog
from keyconf.model.layout import Layout

LIVE_DELAY_MS = 40  # edits arriving faster than this go to the keyboard together


class DeviceFeatures(QObject):
    def __init__(self, window: EditorWindow, worker: DeviceWorker | None = None, bar: DeviceBar | None = None):
        super().__init__(window.window())
        self.window = window
        window.device_features = self  # the flash dialog reaches the keyboard through it
        if worker is None:
            from keyconf.device.demo import default_state_file

            worker = DeviceWorker(self, demo_state=default_state_file())
        self.worker = worker
        self.bar = bar or DeviceBar(worker, window.window())
        toolbar = QToolBar("Keyboard", window.window())
        toolbar.setObjectName("keyboard-toolbar")
        toolbar.addWidget(self.bar)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, toolbar)
        self.tester = MatrixTester(worker)
        self.lighting = LightingPanel(worker)
        self.tester_dock = window.add_dock(
            "Matrix tester", self.tester, Qt.DockWidgetArea.RightDockWidgetArea, "matrix-tester"
        )
        self.lighting_dock = window.add_dock(
            "Lighting", self.lighting, Qt.DockWidgetArea.RightDockWidgetArea, "lighting"
        )
        self.tester_dock.hide()
        self.lighting_dock.hide()

        self.read_action = self._action("&Read from Keyboard", self.read, "Open the connected keyboard's keymap")
        self.apply_action = self._action("&Apply to Keyboard…", self.preview, "Write this layout to the keyboard")
        self.live_action = self._action("&Live Mode", self.set_live, "Send each edit to the keyboard at once")
        self.live_action.setCheckable(True)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._push_live)
        self._watched: Any = None
        self._reading: Any = None  # the geometry the running read uses
        self.preview_box: QMessageBox | None = None
        self._update_actions(False)

        worker.connected.connect(self._on_connected)
        worker.disconnected.connect(self._on_disconnected)
        worker.keymapRead.connect(self._on_read)
        worker.planned.connect(self._on_planned)
        worker.pushed.connect(self._on_pushed)
        worker.failed.connect(self._on_failed)
        worker.lockRefused.connect(self._on_locked)
        self._retry: Any = None  # the refused write, to run again once the keyboard is unlocked
        self.lock_box: QMessageBox | None = None
        self._unlock_offered = False
        self.unlock_dialog: UnlockDialog | None = None
        window.documentChanged.connect(self._watch_document)
        self._watch_document()
        self._shut_down = False
        application = QApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self.shutdown)

    def _action(self, text: str, slot: Any, tip: str) -> QAction:
        action = QAction(text, self.window.window())
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.add_keyboard_action(action)
        return action

    def _status(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _update_actions(self, connected: bool) -> None:
        for action in (self.read_action, self.apply_action, self.live_action):
            action.setEnabled(connected)

    def shutdown(self) -> None:
        """Stop polling and close the keyboard (once; the app calls it when quitting)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.bar.shutdown()
        self.worker.shutdown()

    # --- connection -----------------------------------------------------------------------

    def connect_demo(self, board: str = "planck") -> None:
        self.bar.show_demo(board)
        self.worker.connect_demo(board)

    def _on_connected(self, summary: BoardSummary) -> None:
        self._update_actions(True)
        doc = self.window.doc
        if summary.geometry is None and doc is not None:
            self.tester.set_keyboard(doc.keyboard, doc.macro.name)
        self._status(f"Connected: {summary.description}")

    def _on_disconnected(self, reason: str) -> None:
        self._update_actions(False)
        self.live_action.setChecked(False)
        self._status(f"Keyboard disconnected{': ' + reason if reason else ''}")

    def _on_failed(self, action: str, message: str, hint: str) -> None:
        if self._unlock_offered:
            self._unlock_offered = False  # _on_locked offers the unlock instead of this error
            return
        if action in ("read", "preview", "apply"):
            box = QMessageBox(
                QMessageBox.Icon.Warning, f"Keyboard {action} failed", message, parent=self.window.window()
            )
            if hint:
                box.setInformativeText(hint)
            box.open()
        if action == "apply" and self.live_action.isChecked():
            self.live_action.setChecked(False)
            self.worker.set_live(False)

    # --- a write refused by a locked Vial keyboard -----------------------------------------

    def _on_locked(self, action: str, message: str, hint: str) -> None:
        if action != "apply" or self._retry is None:
            return
        self._unlock_offered = True
        if self.live_action.isChecked():
            self.live_action.setChecked(False)
            self.worker.set_live(False)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Keyboard locked",
            f"{message[:1].upper()}{message[1:]}. Nothing was written.",
            QMessageBox.StandardButton.Cancel,
            self.window.window(),
        )
        box.setInformativeText("Unlock it by holding its unlock keys, then the layout is applied again.")
        unlock_button = box.addButton("Unlock…", QMessageBox.ButtonRole.AcceptRole)
        box.buttonClicked.connect(lambda button: self.unlock() if button is unlock_button else None)
        self.lock_box = box
        box.open()

    def unlock(self) -> None:
        """Unlock the keyboard (the one flow, in a dialog), then retry the refused write."""
        dialog = UnlockDialog(self.worker, self._describe_unlock_keys, self.window.window())
        dialog.accepted.connect(self._after_unlock)
        self.unlock_dialog = dialog
        dialog.start()

    def _after_unlock(self) -> None:
        self._status("Keyboard unlocked")
        retry, self._retry = self._retry, None
        if retry is not None:
            retry()

    def _describe_unlock_keys(self, keys: tuple[tuple[int, int], ...]) -> str:
        """The unlock keys by their legends on the open layout's first layer, where known."""
        doc = self.window.doc
        legends: dict[tuple[int, int], str] = {}
        if doc is not None and doc.layout.layers:
            physical = [k for k in doc.macro.keys if not k.decal]
            base = doc.layout.layers[0].keys
            for key, text in zip(physical, base, strict=False):
                if key.matrix is not None:
                    legends.setdefault(key.matrix, text)
        return keys_text(keys, lambda row, col: legends.get((row, col), ""))

    # --- read / apply ---------------------------------------------------------------------

    def _keyboard_for_board(self) -> Any:
        summary = self.worker.summary
        doc = self.window.doc
        if summary is not None and summary.geometry is not None:
            if doc is None or doc.keyboard.name != summary.geometry.name:
                return summary.geometry, None
        return (doc.keyboard, doc.macro.name) if doc is not None else (None, None)

    def read(self) -> None:
        if not self.window.maybe_save():
            return
        keyboard, macro = self._keyboard_for_board()
        doc = self.window.doc
        names = doc.layout.layer_names if doc is not None and doc.keyboard is keyboard else None
        self._reading = keyboard
        self._status("Reading the keyboard…", 0)
        self.worker.read_keymap(keyboard, macro, names)

    def _on_read(self, layout: Layout) -> None:
        keyboard = self._reading or (self.worker.summary.geometry if self.worker.summary else None)
        if keyboard is None:
            return
        layout.name = layout.name or f"Read from {self.worker.summary.name if self.worker.summary else 'keyboard'}"
        self.window.set_opened(OpenedLayout(layout, keyboard, None, None))
        self._status("Keymap read from the keyboard: save it to keep it")

    def preview(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        self._status("Comparing with the keyboard…", 0)
        self.worker.plan_push(doc.layout, doc.keyboard)

    def _on_planned(self, plan: PushPlan) -> None:
        if plan.empty:
            self._status("The keyboard already holds this layout")
            return
        lines = plan.describe()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Apply to keyboard",
            f"{len(plan.keys)} key(s) will change on the keyboard"
            + (
                " (and encoders, macros, options, Vial tables or settings)"
                if plan.encoders or plan.macros_changed or plan.layout_options or plan.entries or plan.settings
                else ""
            )
            + ". A backup is kept.",
            QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel,
            self.window.window(),
        )
        box.setDetailedText("\n".join(lines + plan.warnings))
        box.buttonClicked.connect(lambda button: self._maybe_apply(box, button, plan))
        self.preview_box = box
        box.open()

    def _maybe_apply(self, box: QMessageBox, button: Any, plan: PushPlan) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Apply:
            self._retry = lambda: self.worker.apply_plan(plan)
            self.worker.apply_plan(plan)

    def _on_pushed(self, result: PushResult) -> None:
        self._retry = None
        if result.plan.empty:
            return
        keys = len(result.plan.keys)
        live = " (live)" if self.live_action.isChecked() else ""
        self._status(f"Applied{live}: {keys} key(s) written and verified. Backup: {result.backup}")

    # --- live mode ------------------------------------------------------------------------

    def set_live(self, on: bool) -> None:
        self.worker.set_live(on)
        doc = self.window.doc
        if on and doc is not None:
            self._status("Live mode: every edit goes to the keyboard", 0)
            self._retry = self._retry_live
            self.worker.push(doc.layout, doc.keyboard, refresh=True)
        elif not on:
            self._status("Live mode off")

    def _watch_document(self) -> None:
        doc = self.window.doc
        if doc is None or doc is self._watched:
            return
        self._watched = doc
        doc.changed.connect(self._on_edit)

    def _on_edit(self) -> None:
        if self.live_action.isChecked():
            self._live_timer.start(LIVE_DELAY_MS)

    def _push_live(self) -> None:
        doc = self.window.doc
        if doc is not None and self.live_action.isChecked():
            self._retry = self._retry_live
            self.worker.push(doc.layout, doc.keyboard, refresh=False)

    def _retry_live(self) -> None:
        """After an unlock, live mode resumes where the refused edit left it."""
        self.live_action.setChecked(True)
        self.set_live(True)


def install_device_features(window: EditorWindow) -> DeviceFeatures:
    """Add the keyboard features to a MainWindow (then `window.device_features`)."""
    return DeviceFeatures(window)
