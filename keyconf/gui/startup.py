"""Doing the slow parts of start-up after the window is on screen.

The window shows the keyboard first; what the person does not need in the first second
(the device bar and its docks, which import the whole device layer) is installed once the
keyboard has been painted with its layout, or after a short delay when nothing is opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _PaintWatcher(QObject):
    """Calls `callback` once, on the event-loop pass after `widget` painted with `ready()` true."""

    def __init__(self, widget: QWidget, ready: Callable[[], bool], callback: Callable[[], None], fallback_ms: int):
        super().__init__(widget)
        self.widget = widget
        self.ready = ready
        self.callback = callback
        self.fired = False
        widget.installEventFilter(self)
        self.fallback = QTimer(self)
        self.fallback.setSingleShot(True)
        self.fallback.timeout.connect(self.fire)
        self.fallback.start(fallback_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget and event.type() == QEvent.Type.Paint and not self.fired and self.ready():
            QTimer.singleShot(0, self.fire)  # after this paint reached the screen
        return False

    def fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        self.fallback.stop()
        self.widget.removeEventFilter(self)
        self.callback()
        self.deleteLater()


def after_first_paint(
    widget: QWidget,
    callback: Callable[[], None],
    *,
    ready: Callable[[], bool] = lambda: True,
    fallback_ms: int = 1500,
) -> None:
    """Run `callback` once `widget` has painted while `ready()` holds, or after `fallback_ms`
    (a file that fails to open, a window that is never exposed)."""
    _PaintWatcher(widget, ready, callback, fallback_ms)
