"""The byte pipe to a keyboard: the `hid.Device` interface, and the real one over USB HID.

A VIA keyboard exchanges fixed 32-byte reports on its raw HID interface. hidapi wants a
leading report id on writes (0x00: the interface has none), so 33 bytes go out and 32 come
back. Anything with `write` and `read` like `hid.Device` is a transport: the simulated
keyboard is one, so is a test double.

`hid` is imported lazily: it loads the system hidapi library at import time and raises
ImportError without it, and keyconf must still start (and say how to fix it) on such a machine.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from keyconf.device.errors import DeviceDisconnected, DeviceError, HidUnavailable

REPORT_SIZE = 32  # payload bytes per raw HID report, both directions
REPORT_ID = 0x00  # hidapi's report id for interfaces without report ids


@runtime_checkable
class Transport(Protocol):
    """What the protocol client needs: the subset of `hid.Device` it uses."""

    def write(self, data: bytes) -> int:
        """Send one report (report id + 32 bytes); returns the number of bytes written."""
        ...

    def read(self, size: int, timeout: int) -> bytes:
        """Wait up to `timeout` ms for one report; b"" when nothing arrived."""
        ...

    def close(self) -> None: ...


def hidapi_install_hint(platform: str | None = None) -> str:
    """How to get the system hidapi library, for the platform we run on."""
    platform = platform or sys.platform
    if platform.startswith("linux"):
        return (
            "install the hidapi library: Debian/Ubuntu `sudo apt install libhidapi-hidraw0`, "
            "Fedora `sudo dnf install hidapi`, Arch `sudo pacman -S hidapi`, "
            "openSUSE `sudo zypper install libhidapi-hidraw0`"
        )
    if platform == "darwin":
        return "install the hidapi library with Homebrew: `brew install hidapi`"
    if platform.startswith("win"):
        return (
            "keyconf for Windows ships hidapi.dll; reinstall keyconf, or put hidapi.dll "
            "(from github.com/libusb/hidapi releases) next to python.exe"
        )
    return "install the hidapi library with your system's package manager"


_hid_module: ModuleType | None = None


def load_hid() -> ModuleType:
    """Import the `hid` package (pyhidapi) once, turning every failure into `HidUnavailable`."""
    global _hid_module
    if _hid_module is not None:
        return _hid_module
    try:
        import hid
    except ModuleNotFoundError as error:
        raise HidUnavailable(
            "USB keyboard access is unavailable: the Python package `hid` is not installed",
            hint="`pip install hid`, then " + hidapi_install_hint(),
        ) from error
    except ImportError as error:
        raise HidUnavailable(
            "USB keyboard access is unavailable: the system hidapi library is not installed",
            hint=hidapi_install_hint(),
        ) from error
    if not hasattr(hid, "Device") or not hasattr(hid, "enumerate"):
        raise HidUnavailable(
            "USB keyboard access is unavailable: the installed `hid` module is the `hidapi` "
            "package, which keyconf does not use",
            hint="`pip uninstall hidapi && pip install hid`",
        )
    _hid_module = hid
    return hid


def use_hid_module(module: ModuleType | None) -> None:
    """Replace the `hid` module (tests pass a fake); None forgets it so the next use re-imports."""
    global _hid_module
    _hid_module = module


class HidTransport:
    """A raw HID interface opened through hidapi by its path."""

    def __init__(self, path: bytes | str, hid_module: ModuleType | None = None):
        self.path = path.encode() if isinstance(path, str) else path
        hid = hid_module or load_hid()
        self._device: Any = hid.Device(path=self.path)

    def write(self, data: bytes) -> int:
        try:
            return int(self._device.write(data))
        except Exception as error:  # hid.HIDException, OSError: both mean the device is gone
            raise DeviceDisconnected(f"the keyboard stopped answering ({error})") from error

    def read(self, size: int, timeout: int) -> bytes:
        try:
            return bytes(self._device.read(size, timeout))
        except Exception as error:
            raise DeviceDisconnected(f"the keyboard stopped answering ({error})") from error

    def close(self) -> None:
        try:
            self._device.close()
        except Exception:  # closing a vanished device is not worth an error
            pass


def frame(payload: bytes) -> bytes:
    """The 33 bytes hidapi writes for one request: report id, payload, zero padding."""
    if len(payload) > REPORT_SIZE:
        raise DeviceError(f"a report carries at most {REPORT_SIZE} bytes, got {len(payload)}")
    return bytes([REPORT_ID]) + payload + bytes(REPORT_SIZE - len(payload))
