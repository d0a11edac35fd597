"""Discovery, opening and the hidapi/permission diagnoses, with a fake `hid` module."""

from __future__ import annotations

import builtins
import sys
import types

import pytest

from keyconf.device import discovery, transport
from keyconf.device.discovery import DeviceInfo, enumerate_devices, open_transport, select_device
from keyconf.device.errors import DeviceDisconnected, DeviceNotFound, DevicePermissionError, HidUnavailable
from keyconf.device.transport import HidTransport, hidapi_install_hint, load_hid


class FakeHidDevice:
    opened: list[bytes] = []
    fail_with: Exception | None = None

    def __init__(self, path: bytes | None = None, **_: object):
        if FakeHidDevice.fail_with is not None:
            raise FakeHidDevice.fail_with
        FakeHidDevice.opened.append(path or b"")
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> int:
        self.written.append(data)
        return len(data)

    def read(self, size: int, timeout: int | None = None) -> bytes:
        return b"\x01\x00\x0c" + bytes(size - 3)

    def close(self) -> None:
        self.closed = True


def entry(path: bytes, usage_page: int = 0xFF60, usage: int = 0x61, serial: str = "", product: str = "Board"):
    return {
        "path": path,
        "vendor_id": 0x4653,
        "product_id": 0x0001,
        "serial_number": serial,
        "release_number": 0x0100,
        "manufacturer_string": "Maker",
        "product_string": product,
        "usage_page": usage_page,
        "usage": usage,
        "interface_number": 1,
    }


def fake_hid(entries: list[dict]) -> types.ModuleType:
    module = types.ModuleType("hid")
    module.enumerate = lambda vid=0, pid=0: list(entries)  # type: ignore[attr-defined]
    module.Device = FakeHidDevice  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def reset_hid():
    FakeHidDevice.opened = []
    FakeHidDevice.fail_with = None
    yield
    transport.use_hid_module(None)


def test_only_raw_hid_interfaces_are_listed():
    hid = fake_hid(
        [
            entry(b"/dev/hidraw0", usage_page=0x0001, usage=0x06),  # the keyboard interface itself
            entry(b"/dev/hidraw1"),
            entry(b"/dev/hidraw1"),  # listed twice by some backends
            entry(b"/dev/hidraw2", usage_page=0xFF31, usage=0x74),  # the QMK console
            entry(b"/dev/hidraw3", serial="vial:f64c2b3c", product="Corne"),
        ]
    )
    found = enumerate_devices(hid)
    assert [d.path for d in found] == [b"/dev/hidraw1", b"/dev/hidraw3"]
    assert not found[0].is_vial and found[1].is_vial
    assert found[1].name == "Maker Corne" and found[1].usb_id == "4653:0001"
    assert "Vial" in found[1].describe()


def test_select_by_path_serial_usb_id_and_name():
    devices = [
        DeviceInfo(b"/dev/hidraw1", 0x4653, 1, serial="A1", product="Planck"),
        DeviceInfo(b"/dev/hidraw2", 0x4653, 2, serial="B2", product="Corne"),
    ]
    assert select_device("/dev/hidraw2", devices) is devices[1]
    assert select_device("A1", devices) is devices[0]
    assert select_device("4653:0002", devices) is devices[1]
    assert select_device("corne", devices) is devices[1]
    with pytest.raises(DeviceNotFound, match="2 keyboards are connected"):
        select_device(None, devices)
    with pytest.raises(DeviceNotFound, match="no connected keyboard matches"):
        select_device("kyria", devices)
    with pytest.raises(DeviceNotFound, match="no VIA or Vial keyboard"):
        select_device(None, [])
    assert select_device(None, devices[:1]) is devices[0]


def test_missing_hidapi_library_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "hid":
            raise ImportError("Unable to load any of the following libraries: libhidapi-hidraw.so")
        return real_import(name, *args, **kwargs)

    transport.use_hid_module(None)
    monkeypatch.delitem(sys.modules, "hid", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(HidUnavailable) as caught:
        load_hid()
    assert "hidapi library is not installed" in caught.value.message
    if sys.platform.startswith("linux"):
        assert "libhidapi-hidraw0" in caught.value.hint and "dnf install hidapi" in caught.value.hint


def test_install_hints_per_platform():
    assert "brew install hidapi" in hidapi_install_hint("darwin")
    assert "hidapi.dll" in hidapi_install_hint("win32")
    assert "apt install libhidapi-hidraw0" in hidapi_install_hint("linux")


def test_the_real_environment_without_hidapi_is_diagnosed():
    """On this machine libhidapi is absent: the real import fails and we explain it."""
    try:
        import hid  # noqa: F401
    except ImportError:
        transport.use_hid_module(None)
        with pytest.raises(HidUnavailable):
            load_hid()
    else:  # pragma: no cover - machines with hidapi installed
        pytest.skip("hidapi is installed here")


def test_wrong_hid_package_is_named():
    wrong = types.ModuleType("hid")
    wrong.device = object  # type: ignore[attr-defined]  # the `hidapi` package's API
    transport.use_hid_module(None)
    sys.modules["hid"] = wrong
    try:
        with pytest.raises(HidUnavailable, match="hidapi"):
            load_hid()
    finally:
        del sys.modules["hid"]


def test_hid_transport_frames_and_wraps_errors():
    hid = fake_hid([])
    device = HidTransport(b"/dev/hidraw9", hid)
    assert FakeHidDevice.opened == [b"/dev/hidraw9"]
    assert device.write(b"\x00" + bytes(32)) == 33
    assert device.read(32, 100)[:3] == b"\x01\x00\x0c"

    def broken(*_args):
        raise OSError("read error")

    device._device.read = broken
    with pytest.raises(DeviceDisconnected):
        device.read(32, 100)
    device.close()


def test_unreadable_hidraw_node_is_a_permission_problem(monkeypatch, tmp_path):
    node = tmp_path / "hidraw7"
    node.write_bytes(b"")
    monkeypatch.setattr(discovery, "hidraw_node", lambda path: str(node))
    monkeypatch.setattr(discovery, "node_accessible", lambda path: False)
    monkeypatch.setattr(discovery.sys, "platform", "linux")
    hid = fake_hid([entry(b"/dev/hidraw7")])
    found = enumerate_devices(hid)
    assert found and not found[0].accessible
    with pytest.raises(DevicePermissionError) as caught:
        open_transport(found[0], hid)
    hint = caught.value.hint or ""
    assert "70-keyconf.rules" in hint and "keyconf udev" in hint and "udevadm" in hint
    assert FakeHidDevice.opened == []  # diagnosed without even trying


def test_open_failure_on_existing_node_is_a_permission_problem(monkeypatch, tmp_path):
    node = tmp_path / "hidraw8"
    node.write_bytes(b"")
    monkeypatch.setattr(discovery, "hidraw_node", lambda path: str(node))
    monkeypatch.setattr(discovery.sys, "platform", "linux")
    FakeHidDevice.fail_with = RuntimeError("unable to open device: Permission denied")
    info = DeviceInfo(b"/dev/hidraw8", 1, 2, product="Board")
    with pytest.raises(DevicePermissionError, match="Permission denied"):
        open_transport(info, fake_hid([]))


def test_open_failure_elsewhere_is_a_plain_error(monkeypatch):
    monkeypatch.setattr(discovery.sys, "platform", "darwin")
    FakeHidDevice.fail_with = RuntimeError("unable to open device")
    info = DeviceInfo(b"DevSrvsID:4294971417", 1, 2, product="Board")
    with pytest.raises(Exception) as caught:
        open_transport(info, fake_hid([]))
    assert not isinstance(caught.value, DevicePermissionError)
    assert "could not open" in str(caught.value)
