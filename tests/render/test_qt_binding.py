"""The installed Qt binding keeps Python's reference counts straight.

PySide6 6.12.0's `SignalInstance.emit()` returns True without taking a reference; on
Python 3.11 (mortal bools) a few hundred emits later the interpreter aborts in
bool_dealloc. pyproject excludes that release; this test catches a venv that has it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_signal_emit_does_not_steal_references(qapp):
    emitter = _Emitter()
    before = sys.getrefcount(True)
    results = [emitter.fired.emit(1) for _ in range(20)]
    del results
    assert sys.getrefcount(True) >= before
