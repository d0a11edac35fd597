"""Suite-wide test setup."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests explore new inputs on a developer's machine (where a failure is a finding to
# fix) but replay the same examples in CI, so a landing is judged on the code, not on the draw.
# `bench/fuzz.py` is where mutants are run at scale.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
