"""The shipped udev rule: what keyconf generates, valid udev syntax, every bootloader covered."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from udev_rule_syntax import UdevSyntaxError, parse_rules

from keyconf.flash.bootloaders import all_usb_ids
from keyconf.flash.udev import RULES_FILE_NAME, udev_rules_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "packaging" / "linux" / RULES_FILE_NAME


def test_shipped_file_is_the_generated_rule() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == udev_rules_text(), (
        "packaging/linux/70-keyconf.rules is stale: regenerate it with "
        "`keyconf udev > packaging/linux/70-keyconf.rules`"
    )


def test_rule_parses_and_every_rule_grants_the_seat_user() -> None:
    rules = parse_rules(udev_rules_text())
    assert rules
    for rule in rules:
        assert [t for t in rule.assigns() if (t.name, t.op, t.value) == ("TAG", "+=", "uaccess")], rule
        # uaccess only: nothing opened up to other users or groups
        assert not [t for t in rule.assigns() if t.key in ("MODE", "GROUP", "OWNER", "RUN", "PROGRAM")], rule


def test_every_bootloader_usb_id_has_a_rule() -> None:
    usb_rules = {}
    for rule in parse_rules(udev_rules_text()):
        match = rule.matches()
        if "ATTRS{idVendor}" in match:
            assert match.get("SUBSYSTEMS") == "usb", rule
            usb_rules[(match["ATTRS{idVendor}"], match["ATTRS{idProduct}"])] = rule
    for vid_pid in usb_rules:  # sysfs spells ids as 4 lowercase hex digits, and udev compares text
        assert all(re.fullmatch("[0-9a-f]{4}", part) for part in vid_pid), vid_pid
    table = all_usb_ids()
    assert len(table) > 20
    for bootloader, usb_id in table:
        key = (f"{usb_id.vid:04x}", f"{usb_id.pid:04x}")
        assert key in usb_rules, f"{bootloader.name} {usb_id.text} has no udev rule"
        ignores_modem = any(t.name == "ENV{ID_MM_DEVICE_IGNORE}" and t.value == "1" for t in usb_rules[key].assigns())
        if bootloader.modem_manager_ignore:
            assert ignores_modem, f"{bootloader.name} {usb_id.text}: ModemManager would probe it"
    assert len(usb_rules) == len({(u.vid, u.pid) for _, u in table})  # no rule for anything else


def test_raw_hid_nodes_are_granted() -> None:
    hidraw = [r for r in parse_rules(udev_rules_text()) if r.matches().get("SUBSYSTEM") == "hidraw"]
    assert len(hidraw) == 1
    assert hidraw[0].matches() == {"KERNEL": "hidraw*", "SUBSYSTEM": "hidraw"}


@pytest.mark.parametrize("bad, why", [
    ('SUBSYSTEMS=="usb", TAG+=uaccess', "expected KEY"),
    ('SUBSYSTEMS=="usb" TAG+="uaccess"', "expected a comma"),
    ('TAG+="uaccess"', "needs at least one match"),
    ('SUBSYSTEMS="usb", TAG+="uaccess"', "SUBSYSTEMS cannot be assigned"),
    ('SUBSYSTEM=="usb", MODE=="0666"', "MODE cannot be matched"),
    ('ATTRS=="x", TAG+="uaccess"', "needs {attribute}"),
    ('VENDOR=="03eb", TAG+="uaccess"', "unknown key"),
])
def test_the_syntax_check_rejects_broken_rules(bad: str, why: str) -> None:
    with pytest.raises(UdevSyntaxError, match=why):
        parse_rules(bad)


def _udevadm_has_verify() -> bool:
    if shutil.which("udevadm") is None:
        return False
    probe = subprocess.run(["udevadm", "verify", "--help"], capture_output=True, text=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _udevadm_has_verify(), reason="udevadm verify needs systemd 254 or newer (this udevadm has none)"
)
def test_udevadm_verify_accepts_the_rule(tmp_path: Path) -> None:
    path = tmp_path / RULES_FILE_NAME
    path.write_text(udev_rules_text(), encoding="utf-8")
    result = subprocess.run(["udevadm", "verify", "--resolve-names=never", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
