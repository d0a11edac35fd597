"""Finding connected VIA/Vial keyboards and opening them, with a diagnosis when that fails.

A keyboard shows up as several HID interfaces; the one that speaks VIA is the raw HID
interface with usage page 0xFF60 and usage 0x61. Vial firmware marks itself with
`vial:f64c2b3c` in the USB serial number.

On Linux hidapi opens /dev/hidrawN, which by default only root may open. Enumeration still
works (it reads sysfs), so a keyboard we can list but not open is a permissions problem:
the fix is keyconf's udev rule.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from keyconf.device.errors import DeviceError, DeviceNotFound, DevicePermissionError
from keyconf.device.transport import HidTransport, Transport, load_hid

RAW_USAGE_PAGE = 0xFF60
RAW_USAGE = 0x61
VIAL_SERIAL_MAGIC = "vial:f64c2b3c"


def udev_hint(node: str) -> str:
    """The fix for a hidraw node we may not open: install keyconf's udev rule."""
    from keyconf.flash.udev import INSTALL_DIR, RULES_FILE_NAME

    return (
        f"Linux lets only root open {node} until a udev rule grants access to keyboards. "
        f"`keyconf udev --install` installs keyconf's rule as {INSTALL_DIR}/{RULES_FILE_NAME}; by hand: "
        f"`keyconf udev | sudo tee {INSTALL_DIR}/{RULES_FILE_NAME} && sudo udevadm control --reload "
        "&& sudo udevadm trigger`, then unplug and replug the keyboard"
    )


@dataclass(frozen=True)
class DeviceInfo:
    """One raw HID interface that looks like a VIA/Vial keyboard."""

    path: bytes
    vendor_id: int
    product_id: int
    serial: str = ""
    manufacturer: str = ""
    product: str = ""
    interface: int = -1
    is_vial: bool = False
    accessible: bool = True  # False: listed but the OS will not let us open it (Linux hidraw)

    @property
    def path_text(self) -> str:
        return self.path.decode(errors="replace")

    @property
    def name(self) -> str:
        parts = [p for p in (self.manufacturer, self.product) if p]
        return " ".join(parts) or f"{self.vendor_id:04X}:{self.product_id:04X}"

    @property
    def usb_id(self) -> str:
        return f"{self.vendor_id:04X}:{self.product_id:04X}"

    def describe(self) -> str:
        kind = "Vial" if self.is_vial else "VIA"
        text = f"{self.name} [{self.usb_id}] {kind} at {self.path_text}"
        if self.serial and not self.is_vial:
            text += f" serial {self.serial}"
        return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def _int(value: Any, default: int) -> int:
    return default if value is None else int(value)


def hidraw_node(path: bytes) -> str | None:
    """The /dev/hidrawN node behind a hidapi path, when the hidraw backend is in use."""
    text = path.decode(errors="replace")
    return text if text.startswith("/dev/hidraw") else None


def node_accessible(node: str) -> bool:
    return os.access(node, os.R_OK | os.W_OK)


def enumerate_devices(hid_module: ModuleType | None = None) -> list[DeviceInfo]:
    """Every connected raw HID interface with VIA's usage page/usage, Vial boards marked."""
    hid = hid_module or load_hid()
    found: list[DeviceInfo] = []
    seen: set[bytes] = set()
    for entry in hid.enumerate():
        if entry.get("usage_page") != RAW_USAGE_PAGE or entry.get("usage") != RAW_USAGE:
            continue
        raw_path = entry.get("path") or b""
        path = raw_path if isinstance(raw_path, bytes) else str(raw_path).encode()
        if path in seen:
            continue
        seen.add(path)
        serial = _text(entry.get("serial_number"))
        node = hidraw_node(path) if sys.platform.startswith("linux") else None
        found.append(
            DeviceInfo(
                path=path,
                vendor_id=int(entry.get("vendor_id") or 0),
                product_id=int(entry.get("product_id") or 0),
                serial=serial,
                manufacturer=_text(entry.get("manufacturer_string")).strip(),
                product=_text(entry.get("product_string")).strip(),
                interface=_int(entry.get("interface_number"), -1),
                is_vial=VIAL_SERIAL_MAGIC in serial,
                accessible=node is None or not os.path.exists(node) or node_accessible(node),
            )
        )
    return found


def open_transport(info: DeviceInfo, hid_module: ModuleType | None = None) -> Transport:
    """Open the keyboard's raw HID interface; a refused hidraw node becomes a permissions error."""
    node = hidraw_node(info.path) if sys.platform.startswith("linux") else None
    if node and os.path.exists(node) and not node_accessible(node):
        raise DevicePermissionError(f"no permission to open {info.name} ({node})", hint=udev_hint(node))
    try:
        return HidTransport(info.path, hid_module)
    except DeviceError:
        raise
    except Exception as error:  # hid.HIDException carries hidapi's own text
        if node and os.path.exists(node):
            raise DevicePermissionError(
                f"could not open {info.name} ({node}): {error}", hint=udev_hint(node)
            ) from error
        raise DeviceError(
            f"could not open {info.name} at {info.path_text}: {error}",
            hint="unplug and replug the keyboard; close VIA, Vial or other apps using it",
        ) from error


def select_device(spec: str | None, devices: Sequence[DeviceInfo]) -> DeviceInfo:
    """Pick a keyboard by path, serial, USB id (VID:PID) or name (case-insensitive substring).

    With no spec there must be exactly one keyboard."""
    if not devices:
        raise DeviceNotFound(
            "no VIA or Vial keyboard is connected",
            hint="plug in a keyboard running VIA- or Vial-enabled QMK firmware, or try `--demo` for a simulated one",
        )
    if not spec:
        if len(devices) == 1:
            return devices[0]
        listing = "; ".join(d.describe() for d in devices)
        raise DeviceNotFound(
            f"{len(devices)} keyboards are connected: {listing}",
            hint="choose one with --device PATH, SERIAL, VID:PID or NAME",
        )
    wanted = spec.strip()
    lowered = wanted.lower()
    exact = [d for d in devices if wanted in (d.path_text, d.serial) or lowered == d.usb_id.lower()]
    if len(exact) == 1:
        return exact[0]
    by_name = exact or [d for d in devices if lowered in d.name.lower()]
    if len(by_name) == 1:
        return by_name[0]
    if not by_name:
        listing = "; ".join(d.describe() for d in devices)
        raise DeviceNotFound(f"no connected keyboard matches {wanted!r}", hint=f"connected: {listing}")
    listing = "; ".join(d.describe() for d in by_name)
    raise DeviceNotFound(
        f"{len(by_name)} keyboards match {wanted!r}: {listing}",
        hint="choose one by its path or serial number",
    )
