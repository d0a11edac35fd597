"""Find the flashing programs, and say how to install one that is missing.

Programs are looked up on PATH, then in QMK's own tool folder (`QMK_DISTRIB_DIR/bin`,
default `<user data dir>/qmk/bin`), which is where `qmk setup` puts its prebuilt flashers.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from keyconf.flash.bootloaders import Tool

ToolFinder = Callable[[str], str | None]


@dataclass(frozen=True)
class InstallHint:
    debian: str | None  # apt package, None when Debian does not package it
    homebrew: str | None  # formula
    upstream: str  # where the source/binaries live


_HINTS: dict[Tool, InstallHint] = {
    Tool.DFU_UTIL: InstallHint("dfu-util", "dfu-util", "https://dfu-util.sourceforge.net/"),
    Tool.DFU_PROGRAMMER: InstallHint(
        "dfu-programmer", "dfu-programmer", "https://github.com/dfu-programmer/dfu-programmer"
    ),
    Tool.AVRDUDE: InstallHint("avrdude", "avrdude", "https://github.com/avrdudes/avrdude"),
    Tool.TEENSY_LOADER: InstallHint(
        "teensy-loader-cli", "teensy_loader_cli", "https://www.pjrc.com/teensy/loader_cli.html"
    ),
    Tool.HID_BOOTLOADER_CLI: InstallHint(
        None,
        "qmk/qmk/hid_bootloader_cli",
        "https://github.com/abcminiuser/lufa (Bootloaders/HID/HostLoaderApp)",
    ),
    Tool.BOOTLOADHID: InstallHint(None, "bootloadhid", "https://www.obdev.at/products/vusb/bootloadhid.html"),
    Tool.MDLOADER: InstallHint(None, "qmk/qmk/mdloader", "https://github.com/Massdrop/mdloader/releases"),
    Tool.WB32_DFU_UPDATER: InstallHint(None, None, "https://github.com/WestberryTech/wb32-dfu-updater"),
}

# executable names to try, in order (Debian renames teensy_loader_cli to teensy-loader-cli on some releases)
_EXECUTABLES: dict[Tool, tuple[str, ...]] = {
    Tool.TEENSY_LOADER: ("teensy_loader_cli", "teensy-loader-cli"),
}


def executable_names(tool: Tool) -> tuple[str, ...]:
    return _EXECUTABLES.get(tool, (tool.value,))


def qmk_tool_dir() -> Path | None:
    """QMK's prebuilt-tool folder (`QMK_DISTRIB_DIR/bin`), if it exists."""
    distrib = os.environ.get("QMK_DISTRIB_DIR")
    if not distrib:
        try:
            import platformdirs

            distrib = platformdirs.user_data_dir("qmk")
        except ImportError:
            return None
    folder = Path(distrib) / "bin"
    return folder if folder.is_dir() else None


def which(name: str) -> str | None:
    """PATH first, then QMK's tool folder."""
    found = shutil.which(name)
    if found:
        return found
    folder = qmk_tool_dir()
    if folder is not None:
        return shutil.which(name, path=str(folder))
    return None


class ToolMissing(Exception):
    def __init__(self, tool: Tool, platform: str | None = None):
        self.tool = tool
        self.hint = install_hint(tool, platform)
        super().__init__(f"{tool.value} is not installed (it is needed to flash this bootloader)")


def find_tool(tool: Tool, finder: ToolFinder = which) -> str:
    """The path of the program for `tool`; raises ToolMissing with how to install it."""
    for name in executable_names(tool):
        found = finder(name)
        if found:
            return found
    raise ToolMissing(tool)


def install_hint(tool: Tool, platform: str | None = None) -> str:
    """How to install `tool` on this platform (Debian/Ubuntu apt, Homebrew, QMK MSYS)."""
    hint = _HINTS.get(tool)
    if hint is None:
        return ""
    platform = platform or sys.platform
    if platform.startswith("win") or platform in ("cygwin", "msys"):
        return (
            f"{tool.value} comes with QMK MSYS (https://msys.qmk.fm/): flash from there, or put its "
            "mingw64/bin folder on PATH"
        )
    if platform == "darwin":
        if hint.homebrew:
            return (
                f"install it with: brew install {hint.homebrew}  "
                "(or `brew install qmk/qmk/qmk` for all of QMK's flashers)"
            )
        return f"build it from {hint.upstream}, or run `qmk setup`, which installs QMK's prebuilt flashers"
    if hint.debian:
        return (
            f"install it with: sudo apt install {hint.debian}  (Fedora/Arch: the package of the same name; "
            "or run `qmk setup`, which installs QMK's flashers)"
        )
    return (
        f"{tool.value} is not packaged by Debian: run `qmk setup` (QMK installs its prebuilt flashers "
        f"into ~/.local/share/qmk/bin, which keyconf also searches), or build it from {hint.upstream}"
    )
