"""Suite-wide test setup."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_before_exit():
    """PySide6 crashes at interpreter exit (SIGSEGV) when the clipboard still holds a QMimeData
    that Python created; tests that copy keys leave one there. Empty it once the session ends."""
    yield
    try:
        from PySide6.QtGui import QGuiApplication
    except ImportError:  # pragma: no cover - Qt is a dependency
        return
    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
