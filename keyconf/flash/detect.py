"""Find keyboards waiting in a bootloader: USB devices by VID:PID (pyusb, else Linux sysfs),
UF2 drives (a mounted volume holding INFO_UF2.TXT) and LUFA mass-storage drives, and wait
for one to appear, polling, with a timeout and a cancel.

Every source is a plain callable so tests (and platforms without libusb) inject their own.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.flash import bootloaders, mcus
from keyconf.flash.bootloaders import ATMEL_DFU_TARGETS, Bootloader

SYSFS_USB = Path("/sys/bus/usb/devices")
SYSFS_TTY = Path("/sys/class/tty")
INFO_UF2 = "INFO_UF2.TXT"
MAX_INFO_BYTES = 4096  # INFO_UF2.TXT is a few lines; never read more


@dataclass(frozen=True)
class UsbDevice:
    vid: int
    pid: int
    bcd: int | None = None
    bus: int | None = None
    address: int | None = None
    manufacturer: str = ""
    product: str = ""
    serial: str = ""
    sysfs_path: str = ""

    @property
    def ids(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}"


@dataclass(frozen=True)
class Volume:
    mount_point: Path
    device: str = ""  # block device (/dev/sdb1) when known
    label: str = ""


@dataclass(frozen=True)
class Uf2Info:
    """What a UF2 bootloader says about itself in INFO_UF2.TXT."""

    first_line: str
    fields: dict[str, str]

    @property
    def board_id(self) -> str:
        return self.fields.get("board-id", "")

    @property
    def model(self) -> str:
        return self.fields.get("model", "")

    def families(self) -> tuple[int, ...]:
        """UF2 family ids the board accepts, inferred from Board-ID / Model / an explicit field."""
        explicit = self.fields.get("family-id") or self.fields.get("family")
        if explicit:
            try:
                return (int(explicit, 0),)
            except ValueError:
                named = mcus.UF2_FAMILIES.get(explicit.strip().upper())
                if named:
                    return (named,)
        text = f"{self.board_id} {self.model}".upper()
        if "RPI-RP2" in text or "RP2040" in text:
            return (mcus.UF2_FAMILIES["RP2040"],)
        if "RP2350" in text:
            return tuple(mcus.UF2_FAMILIES[k] for k in ("RP2350_ARM_S", "RP2350_RISCV", "RP2XXX_ABSOLUTE"))
        for prefix, key in (
            ("STM32F411", "STM32F4"),
            ("STM32F401", "STM32F4"),
            ("STM32F405", "STM32F4"),
            ("STM32F407", "STM32F4"),
            ("STM32F446", "STM32F4"),
            ("STM32F4", "STM32F4"),
            ("STM32F303", "STM32F3"),
            ("STM32F3", "STM32F3"),
            ("STM32F103", "STM32F1"),
            ("STM32F1", "STM32F1"),
            ("STM32F0", "STM32F0"),
            ("STM32G0", "STM32G0"),
            ("STM32G4", "STM32G4"),
            ("STM32L4", "STM32L4"),
            ("STM32H7", "STM32H7"),
        ):
            if prefix in text:
                base = mcus.UF2_FAMILIES[key]
                if prefix == "STM32F411":
                    return (base, mcus.UF2_FAMILIES["STM32F411xE"], mcus.UF2_FAMILIES["STM32F411xC"])
                if prefix == "STM32F407":
                    return (base, mcus.UF2_FAMILIES["STM32F407"], mcus.UF2_FAMILIES["STM32F407VG"])
                return (base,)
        return ()

    def bootloader_name(self) -> str:
        text = f"{self.first_line} {self.board_id} {self.model}".upper()
        if "RPI-RP2" in text or "RP2040" in text or "RASPBERRY PI RP2" in text:
            return "rp2040"
        if "TINYUF2" in text:
            return "tinyuf2"
        if "STM32F103" in text or "UF2BOOT" in text:
            return "uf2boot"
        return "tinyuf2"


def parse_info_uf2(text: str) -> Uf2Info:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fields: dict[str, str] = {}
    for line in lines[1:] if lines else []:
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return Uf2Info(first_line=lines[0] if lines else "", fields=fields)


@dataclass(frozen=True)
class Detected:
    """A board in a bootloader, ready to flash."""

    bootloader: Bootloader
    usb: UsbDevice | None = None
    volume: Volume | None = None
    uf2_info: Uf2Info | None = None
    mcu_hint: str | None = None  # what the ids tell about the MCU (Atmel DFU product id)

    @property
    def mcu_candidates(self) -> tuple[str, ...]:
        if self.usb is not None and self.bootloader.tool is bootloaders.Tool.DFU_PROGRAMMER:
            return ATMEL_DFU_TARGETS.get(self.usb.pid, ())
        return (self.mcu_hint,) if self.mcu_hint else ()

    def describe(self) -> str:
        parts = [self.bootloader.title]
        if self.usb is not None:
            parts.append(self.usb.ids)
            name = " ".join(p for p in (self.usb.manufacturer, self.usb.product) if p)
            if name:
                parts.append(f"“{name}”")
        if self.volume is not None:
            parts.append(f"drive {self.volume.mount_point}")
        elif self.bootloader.mass_storage is not None:
            parts.append("drive not mounted yet")
        if self.uf2_info is not None and (self.uf2_info.board_id or self.uf2_info.model):
            parts.append(f"board {self.uf2_info.board_id or self.uf2_info.model}")
        if self.mcu_hint:
            parts.append(self.mcu_hint)
        return ", ".join(parts)


UsbEnumerator = Callable[[], list[UsbDevice]]
VolumeEnumerator = Callable[[], list[Volume]]


# ---------------------------------------------------------------- USB enumeration


class UsbUnavailable(Exception):
    """No way to list USB devices on this system."""


def enumerate_pyusb() -> list[UsbDevice]:
    try:
        import usb.core  # type: ignore[import-untyped]
    except ImportError as error:
        raise UsbUnavailable(f"pyusb is not installed: {error}") from None
    try:
        found = usb.core.find(find_all=True)
        devices = list(found) if found is not None else []
    except Exception as error:  # NoBackendError, USBError: no libusb or no permission
        raise UsbUnavailable(f"pyusb cannot list devices: {error}") from None
    out = []
    for dev in devices:
        out.append(
            UsbDevice(
                vid=int(dev.idVendor),
                pid=int(dev.idProduct),
                bcd=int(dev.bcdDevice),
                bus=getattr(dev, "bus", None),
                address=getattr(dev, "address", None),
            )
        )
    return out


def _read_attr(path: Path, name: str, limit: int = 256) -> str:
    try:
        with open(path / name, encoding="utf-8", errors="replace") as handle:
            return handle.read(limit).strip()
    except OSError:
        return ""


def _hex_attr(path: Path, name: str) -> int | None:
    text = _read_attr(path, name)
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def _int_attr(path: Path, name: str) -> int | None:
    text = _read_attr(path, name)
    try:
        return int(text) if text else None
    except ValueError:
        return None


def enumerate_sysfs(root: Path = SYSFS_USB) -> list[UsbDevice]:
    """USB devices from Linux sysfs (no libusb needed). Interfaces (`1-2:1.0`) are skipped."""
    if not root.is_dir():
        raise UsbUnavailable(f"{root} does not exist")
    out = []
    for entry in sorted(root.iterdir()):
        if ":" in entry.name:
            continue
        vid, pid = _hex_attr(entry, "idVendor"), _hex_attr(entry, "idProduct")
        if vid is None or pid is None:
            continue
        out.append(
            UsbDevice(
                vid=vid,
                pid=pid,
                bcd=_hex_attr(entry, "bcdDevice"),
                bus=_int_attr(entry, "busnum"),
                address=_int_attr(entry, "devnum"),
                manufacturer=_read_attr(entry, "manufacturer"),
                product=_read_attr(entry, "product"),
                serial=_read_attr(entry, "serial"),
                sysfs_path=str(entry),
            )
        )
    return out


def enumerate_usb() -> list[UsbDevice]:
    """Every USB device: sysfs on Linux (names and no libusb needed), else pyusb."""
    errors = []
    sources: list[Callable[[], list[UsbDevice]]] = (
        [enumerate_sysfs, enumerate_pyusb] if sys.platform.startswith("linux") else [enumerate_pyusb]
    )
    for source in sources:
        try:
            return source()
        except UsbUnavailable as error:
            errors.append(str(error))
    raise UsbUnavailable("; ".join(errors))


# ---------------------------------------------------------------- volumes


_FAT_TYPES = {"vfat", "msdos", "fat", "exfat", "fuseblk", "fuse.exfat"}


def _unescape_mount(text: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 4 <= len(text) and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def enumerate_linux_mounts(mounts_file: Path = Path("/proc/self/mounts")) -> list[Volume]:
    try:
        text = mounts_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    volumes = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[2] not in _FAT_TYPES:
            continue
        mount_point = Path(_unescape_mount(parts[1]))
        volumes.append(Volume(mount_point=mount_point, device=parts[0], label=mount_point.name))
    return volumes


def enumerate_volumes() -> list[Volume]:
    """Mounted removable-looking volumes: FAT mounts on Linux, /Volumes on macOS, drive letters on Windows."""
    if sys.platform.startswith("linux"):
        return enumerate_linux_mounts()
    if sys.platform == "darwin":
        root = Path("/Volumes")
        try:
            return [Volume(mount_point=p, label=p.name) for p in sorted(root.iterdir()) if p.is_dir()]
        except OSError:
            return []
    if os.name == "nt":
        import ctypes
        import string

        volumes = []
        mask = ctypes.windll.kernel32.GetLogicalDrives()  # type: ignore[attr-defined]
        for index, letter in enumerate(string.ascii_uppercase):
            if mask & (1 << index):
                root_path = f"{letter}:\\"
                if ctypes.windll.kernel32.GetDriveTypeW(root_path) == 2:  # type: ignore[attr-defined]  # removable
                    volumes.append(Volume(mount_point=Path(root_path), label=letter))
        return volumes
    return []


def read_uf2_info(volume: Volume) -> Uf2Info | None:
    path = volume.mount_point / INFO_UF2
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return parse_info_uf2(handle.read(MAX_INFO_BYTES))
    except OSError:
        return None


def is_lufa_ms(volume: Volume) -> bool:
    """LUFA's mass-storage bootloader shows exactly FLASH.BIN and EEPROM.BIN."""
    try:
        names = {p.name.upper() for p in volume.mount_point.iterdir()}
    except OSError:
        return False
    return {"FLASH.BIN", "EEPROM.BIN"} <= names


# ---------------------------------------------------------------- serial ports

SerialPortFinder = Callable[[int, int], str | None]


def find_serial_port(vid: int, pid: int) -> str | None:
    """The serial device node of the USB device vid:pid (Caterina, SAM-BA, AVR ISP)."""
    try:
        from serial.tools import list_ports  # type: ignore[import-untyped]
    except ImportError:
        list_ports = None
    if list_ports is not None:
        for port in list_ports.comports():
            if port.vid == vid and port.pid == pid:
                return str(port.device)
    return _serial_port_from_sysfs(vid, pid)


def _serial_port_from_sysfs(vid: int, pid: int, tty_root: Path = SYSFS_TTY) -> str | None:
    try:
        entries = sorted(tty_root.iterdir())
    except OSError:
        return None
    for entry in entries:
        if not entry.name.startswith(("ttyACM", "ttyUSB")):
            continue
        try:
            interface = (entry / "device").resolve(strict=True)
        except OSError:
            continue
        for parent in (interface.parent, interface.parent.parent):
            if _hex_attr(parent, "idVendor") == vid and _hex_attr(parent, "idProduct") == pid:
                return f"/dev/{entry.name}"
    return None


# ---------------------------------------------------------------- detection


@dataclass
class Detector:
    """Scans the sources once per call; injectable for tests and other platforms."""

    usb: UsbEnumerator = enumerate_usb
    volumes: VolumeEnumerator = enumerate_volumes
    include_manual: tuple[str, ...] = ()  # bootloaders detected only when asked for (avrisp)
    errors: list[str] = field(default_factory=list)

    def scan(self) -> list[Detected]:
        self.errors = []
        found: list[Detected] = []
        try:
            devices = self.usb()
        except UsbUnavailable as error:
            devices = []
            self.errors.append(f"cannot list USB devices: {error}")
        for device in devices:
            bootloader = bootloaders.match_usb(device.vid, device.pid, device.bcd, include_manual=True)
            if bootloader is None:
                continue
            if not bootloader.auto_detect and bootloader.name not in self.include_manual:
                continue
            if bootloader.mass_storage is not None:
                continue  # flashed through its drive: matched to it below
            hint = None
            if bootloader.tool is bootloaders.Tool.DFU_PROGRAMMER:
                hint = ATMEL_DFU_TARGETS.get(device.pid, (None,))[0]
            found.append(Detected(bootloader=bootloader, usb=device, mcu_hint=hint))
        mass_storage_usb = [
            (d, b)
            for d in devices
            if (b := bootloaders.match_usb(d.vid, d.pid, d.bcd)) is not None and b.mass_storage is not None
        ]
        try:
            volumes = self.volumes()
        except OSError as error:
            volumes = []
            self.errors.append(f"cannot list drives: {error}")
        claimed: set[int] = set()  # mass-storage USB devices already matched to a drive

        def claim(name: str) -> UsbDevice | None:
            for index, (usb_device, bootloader) in enumerate(mass_storage_usb):
                if bootloader.name == name and index not in claimed:
                    claimed.add(index)
                    return usb_device
            return None

        for volume in volumes:
            info = read_uf2_info(volume)
            if info is not None:
                bootloader = bootloaders.get(info.bootloader_name())
                hint = "RP2040" if bootloader.name == "rp2040" else None
                found.append(
                    Detected(
                        bootloader=bootloader,
                        usb=claim(bootloader.name),
                        volume=volume,
                        uf2_info=info,
                        mcu_hint=hint,
                    )
                )
            elif is_lufa_ms(volume):
                found.append(
                    Detected(bootloader=bootloaders.get("lufa-ms"), usb=claim("lufa-ms"), volume=volume)
                )
        # a drive bootloader whose drive is not (yet) mounted: found, but not flashable until it is
        for index, (usb_device, bootloader) in enumerate(mass_storage_usb):
            if index not in claimed:
                hint = "RP2040" if bootloader.name == "rp2040" else None
                found.append(Detected(bootloader=bootloader, usb=usb_device, mcu_hint=hint))
        return found


def choose(found: Iterable[Detected], wanted: str | None) -> Detected | None:
    """The device to flash: the first of the wanted bootloader (or its family), else the first."""
    candidates = list(found)
    if wanted is None:
        return candidates[0] if candidates else None
    for device in candidates:
        if device.bootloader.name == wanted:
            return device
    for device in candidates:
        if bootloaders.same_family(device.bootloader.name, wanted):
            return device
    return None


class WaitCancelled(Exception):
    pass


class WaitTimeout(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"no bootloader appeared within {seconds:g} seconds")
        self.seconds = seconds


def wait_for_bootloader(
    detector: Detector,
    *,
    timeout: float,
    wanted: str | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    on_tick: Callable[[float], None] | None = None,
    interval: float = 0.25,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Detected:
    """Poll until a bootloader (of `wanted`'s family, if given) appears.

    Raises WaitTimeout after `timeout` seconds and WaitCancelled as soon as `cancelled()`
    is true; `on_tick(seconds_left)` is called on every poll."""
    deadline = clock() + timeout
    while True:
        if cancelled():
            raise WaitCancelled()
        device = choose(detector.scan(), wanted)
        if device is not None:
            return device
        left = deadline - clock()
        if left <= 0:
            raise WaitTimeout(timeout)
        if on_tick is not None:
            on_tick(left)
        sleep(min(interval, left))
