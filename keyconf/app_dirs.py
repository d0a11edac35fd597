"""Where keyconf keeps the user's things: settings, data (backups), logs.

platformdirs gives each platform's usual folders. `KEYCONF_HOME` puts them all under one
folder instead (portable installs, tests, screenshots in CI).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "keyconf"


@dataclass(frozen=True)
class AppDirs:
    """Where keyconf keeps the user's settings, data, backups, logs and cache."""

    config: Path  # settings (keyconf.ini: recent files, window state)
    data: Path  # user data
    backups: Path  # copies of layouts and device keymaps taken before overwriting them
    logs: Path
    cache: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "keyconf.ini"


def app_dirs() -> AppDirs:
    home = os.environ.get("KEYCONF_HOME")
    if home:
        root = Path(home)
        return AppDirs(
            root / "config", root / "data", root / "data" / "backups", root / "logs", root / "cache"
        )
    import platformdirs

    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return AppDirs(
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data=data,
        backups=data / "backups",
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
