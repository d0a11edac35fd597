"""The editor's remembered state: recent files, window geometry, recently used keycodes.

An ini file in the user's config folder (see `keyconf.app_dirs`), read and written
through QSettings so Qt's window state blobs round-trip untouched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from keyconf.app_dirs import app_dirs

MAX_RECENT_FILES = 10


class EditorSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or app_dirs().settings_file
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def recent_files(self) -> list[Path]:
        value = self._qs.value("files/recent", [])
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
        return [Path(p) for p in items if p]

    def add_recent_file(self, path: Path) -> None:
        path = path.resolve()
        items = [path] + [p for p in self.recent_files() if p != path]
        self._qs.setValue("files/recent", [str(p) for p in items[:MAX_RECENT_FILES]])

    def remove_recent_file(self, path: Path) -> None:
        items = [p for p in self.recent_files() if p != path]
        self._qs.setValue("files/recent", [str(p) for p in items])

    def clear_recent_files(self) -> None:
        self._qs.setValue("files/recent", [])

    def last_file(self) -> Path | None:
        recent = self.recent_files()
        return recent[0] if recent else None

    def recent_keycodes(self) -> list[str]:
        value = self._qs.value("picker/recent", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else []

    def set_recent_keycodes(self, codes: list[str]) -> None:
        self._qs.setValue("picker/recent", list(codes))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)

    def sync(self) -> None:
        self._qs.sync()
