from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from keyconf.flash.bootloaders import all_usb_ids
from keyconf.flash.udev import RULES_FILE_NAME, udev_rules_text

SHIPPED = Path(__file__).resolve().parents[2] / "packaging" / "linux" / RULES_FILE_NAME

# udev rule syntax: comma-separated KEY[{attr}] OP "value" pairs (udev(7))
_PAIR = re.compile(r'\s*([A-Z_]+)(\{[A-Za-z0-9_]+\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*')
_MATCH_KEYS = {"SUBSYSTEMS", "SUBSYSTEM", "KERNEL", "ATTRS", "ACTION"}
_ASSIGN_KEYS = {"TAG", "ENV"}


def parse_rule(line: str) -> list[tuple[str, str | None, str, str]]:
    pairs = []
    for part in line.split(","):
        match = _PAIR.fullmatch(part)
        assert match, f"not udev syntax: {part!r} in {line!r}"
        key, attr, op, value = match.groups()
        pairs.append((key, attr, op, value))
    return pairs


def rules(text: str) -> list[list[tuple[str, str | None, str, str]]]:
    return [parse_rule(line) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_shipped_file_is_the_generated_text() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == udev_rules_text(), (
        "packaging/linux/70-keyconf.rules is stale: regenerate it with "
        "python -c 'from keyconf.flash.udev import udev_rules_text; print(udev_rules_text(), end=\"\")'"
    )


def test_every_rule_is_well_formed_and_only_adds_uaccess() -> None:
    parsed = rules(udev_rules_text())
    assert parsed
    for rule in parsed:
        for key, attr, op, value in rule:
            if op == "==":
                assert key in _MATCH_KEYS
            else:
                assert key in _ASSIGN_KEYS, f"{key} would change more than access"
                assert (key, op, value) in {("TAG", "+=", "uaccess"), ("ENV", "=", "1")}
                if key == "ENV":
                    assert attr == "{ID_MM_DEVICE_IGNORE}"
        assert ("TAG", None, "+=", "uaccess") in rule
        assert not any(key in ("MODE", "GROUP", "OWNER", "RUN", "PROGRAM") for key, *_ in rule)


def test_every_bootloader_vid_pid_is_listed() -> None:
    text = udev_rules_text()
    for bootloader, usb_id in all_usb_ids():
        rule = (
            f'ATTRS{{idVendor}}=="{usb_id.vid:04x}", ATTRS{{idProduct}}=="{usb_id.pid:04x}", TAG+="uaccess"'
        )
        assert rule in text, f"{bootloader.name} {usb_id.text} missing"
        line = next(line for line in text.splitlines() if rule in line)
        assert ("ID_MM_DEVICE_IGNORE" in line) == bootloader.modem_manager_ignore


def test_raw_hid_of_via_keyboards_is_covered() -> None:
    hidraw = [r for r in rules(udev_rules_text()) if ("KERNEL", None, "==", "hidraw*") in r]
    assert hidraw == [
        [
            ("KERNEL", None, "==", "hidraw*"),
            ("SUBSYSTEM", None, "==", "hidraw"),
            ("TAG", None, "+=", "uaccess"),
        ]
    ]


def test_number_sorts_before_systemds_seat_rules() -> None:
    assert RULES_FILE_NAME < "73-seat-late.rules"


def test_udevadm_verify_accepts_it(tmp_path: Path) -> None:
    udevadm = shutil.which("udevadm")
    if udevadm is None:
        pytest.skip("udevadm is not installed")
    probe = subprocess.run([udevadm, "verify", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("this udevadm has no 'verify' (systemd < 253)")
    path = tmp_path / RULES_FILE_NAME
    path.write_text(udev_rules_text())
    result = subprocess.run([udevadm, "verify", "--no-style", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
