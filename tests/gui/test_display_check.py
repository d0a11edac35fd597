"""Starting the window where none can open gives one clear message, not a Qt abort."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from keyconf.gui.display_check import display_problem

ROOT = Path(__file__).resolve().parents[2]


def test_no_session_on_linux():
    problem = display_problem({}, "linux")
    assert problem is not None and "DISPLAY" in problem[0] and "--screenshot" in problem[1]


def test_chosen_platform_plugin_is_trusted():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None


def test_other_platforms_are_not_checked():
    assert display_problem({}, "darwin") is None
    assert display_problem({}, "win32") is None


def test_local_display_without_server(tmp_path):
    assert "no X server" in display_problem({"DISPLAY": ":987"}, "linux")[0]


def test_wayland_session_is_fine():
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None


def test_keyconf_without_display_exits_cleanly():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / ".no-home")}
    result = subprocess.run([sys.executable, "-m", "keyconf"], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=60)
    assert result.returncode == 1
    assert "no desktop session" in result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
