"""Before Qt starts: is there a screen to open a window on, and can Qt use it?

Without this, Qt aborts the process (a core dump and a wall of plugin messages) on a machine
with no desktop session or without the X11 libraries its xcb plugin needs. A user gets one
sentence instead, with what to do."""

from __future__ import annotations

import os
import sys

# Libraries Qt 6's xcb platform plugin loads, with the Debian/Ubuntu package that provides each.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def display_problem(environ: dict[str, str] | None = None, platform: str | None = None) -> tuple[str, str] | None:
    """(message, hint) when no window can be opened, None when Qt should be able to."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return None  # the user chose a platform plugin (offscreen, wayland, vnc…): trust it
    if not platform.startswith("linux"):
        return None
    has_x11 = bool(env.get("DISPLAY"))
    has_wayland = bool(env.get("WAYLAND_DISPLAY"))
    if not has_x11 and not has_wayland:
        return (
            "no desktop session to open the keyconf window in (neither DISPLAY nor WAYLAND_DISPLAY is set)",
            "run keyconf from your desktop; here, `keyconf show FILE` prints a layout and "
            "`keyconf --screenshot OUT.png [FILE]` renders the window to a picture",
        )
    if has_x11 and not has_wayland:
        socket = _local_x11_socket(env["DISPLAY"])
        if socket is not None and not os.path.exists(socket):
            return (
                f"no X server is running on display {env['DISPLAY']}",
                "start keyconf from your desktop session, or set DISPLAY to a running display",
            )
        missing = [package for library, package in XCB_LIBRARIES.items() if not _has_library(library)]
        if missing:
            return (
                "Qt cannot open a window on this X11 display: system libraries are missing",
                f"install them, e.g. `sudo apt install {' '.join(missing)}` (Debian/Ubuntu)",
            )
    return None


# Where distributions keep shared libraries; looking there is quicker than `ldconfig -p`.
LIBRARY_DIRS = (
    "/usr/lib/*-linux-gnu", "/lib/*-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib",
)


def _has_library(name: str) -> bool:
    """Whether lib`name`.so is installed: a quick look in the usual folders first (start-up
    time), then ctypes' search (ldconfig), which knows every configured folder. (glob is imported
    here: most starts never get this far, and it is not among what Qt imports itself.)"""
    import glob

    for folder in LIBRARY_DIRS:
        if glob.glob(os.path.join(folder, f"lib{name}.so*")):
            return True
    import ctypes.util

    return ctypes.util.find_library(name) is not None


def _local_x11_socket(display: str) -> str | None:
    """The socket of a local display such as ":0" or ":1.0"; None for remote ones (host:0)."""
    host, _, rest = display.partition(":")
    if host not in ("", "unix") or not rest:
        return None
    number = rest.split(".", 1)[0]
    return f"/tmp/.X11-unix/X{number}" if number.isdigit() else None
