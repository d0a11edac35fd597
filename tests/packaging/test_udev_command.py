"""`keyconf udev` as a user runs it. Installing goes to a temporary rules folder; pkexec and
udevadm are stand-ins on PATH that record how they were called (pkexec then runs the command
as we are, which is what it does after the password prompt)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.flash import udev_install
from keyconf.flash.udev import RULES_FILE_NAME, udev_rules_text
from keyconf.flash.udev_install import InstallOutcome, RuleStatus, install_rule, installed_rule


@pytest.fixture()
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bin folder first on PATH; write_tool() puts stand-ins there."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


def write_tool(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho \"$@\" >> {folder / (name + '.log')}\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def calls(folder: Path, name: str) -> list[str]:
    log = folder / f"{name}.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture()
def locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the rules folder needs root (the tests may run as root)."""
    monkeypatch.setattr(udev_install, "_may_write", lambda folder: False)


def test_prints_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev"]) == 0
    assert capsys.readouterr().out == udev_rules_text()


def test_install_into_a_writable_folder_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.d"
    assert main(["udev", "--check", "--rules-dir", str(rules)]) == 1
    assert "not installed" in capsys.readouterr().err
    assert main(["udev", "--install", "--rules-dir", str(rules)]) == 0
    assert f"installed {rules / RULES_FILE_NAME}" in capsys.readouterr().out
    installed = rules / RULES_FILE_NAME
    assert installed.read_text() == udev_rules_text()
    assert stat.S_IMODE(installed.stat().st_mode) == 0o644
    assert main(["udev", "--check", "--rules-dir", str(rules)]) == 0
    assert capsys.readouterr().out.strip() == f"{installed}: current"
    assert main(["udev", "--install", "--rules-dir", str(rules)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_check_shows_how_an_old_copy_differs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / RULES_FILE_NAME).write_text(udev_rules_text().replace('"2ff4"', '"2ff5"'))
    assert main(["udev", "--check", "--rules-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert '-SUBSYSTEMS=="usb", ATTRS{idVendor}=="03eb", ATTRS{idProduct}=="2ff5", TAG+="uaccess"' in captured.out
    assert '+SUBSYSTEMS=="usb", ATTRS{idVendor}=="03eb", ATTRS{idProduct}=="2ff4", TAG+="uaccess"' in captured.out
    assert "differs" in captured.err and "hint: keyconf udev --install" in captured.err


def test_the_copy_udev_uses_is_the_highest_precedence_one(tmp_path: Path) -> None:
    etc, lib = tmp_path / "etc", tmp_path / "lib"
    etc.mkdir()
    lib.mkdir()
    (lib / RULES_FILE_NAME).write_text(udev_rules_text())
    assert installed_rule([etc, lib]).status is RuleStatus.CURRENT
    (etc / RULES_FILE_NAME).write_text("# overridden by the admin\n")
    found = installed_rule([etc, lib])
    assert (found.status, found.path) == (RuleStatus.OUTDATED, etc / RULES_FILE_NAME)


def test_a_current_packaged_copy_is_not_installed_again(
    tmp_path: Path, locked: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    etc, lib = tmp_path / "etc", tmp_path / "usr-lib"
    lib.mkdir()
    (lib / RULES_FILE_NAME).write_text(udev_rules_text())
    monkeypatch.setattr(udev_install, "RULES_SEARCH_DIRS", (etc, lib))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no pkexec: nothing could be written anyway
    assert main(["udev", "--install"]) == 0
    assert capsys.readouterr().out.strip() == f"{lib / RULES_FILE_NAME} is installed and current; nothing to do"
    assert main(["udev", "--check"]) == 0
    assert capsys.readouterr().out.strip() == f"{lib / RULES_FILE_NAME}: current"


def test_install_asks_through_pkexec_once_for_copy_and_reload(
    tmp_path: Path, tools: Path, locked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tool(tools, "pkexec", 'exec "$@"')
    write_tool(tools, "udevadm", "exit 0")
    rules = tmp_path / "rules.d"
    monkeypatch.setattr(udev_install, "SYSTEM_RULES_DIRS", frozenset({rules}))  # as if it were /etc/udev/rules.d
    result = install_rule(rules)
    assert (result.outcome, result.reloaded, result.detail) == (InstallOutcome.INSTALLED, True, "")
    assert (rules / RULES_FILE_NAME).read_text() == udev_rules_text()
    (pkexec_call,) = calls(tools, "pkexec")
    assert pkexec_call.startswith("/bin/sh -c ")
    assert calls(tools, "udevadm") == ["control --reload-rules", "trigger"]
    staged = Path(pkexec_call.split()[-3])
    assert not staged.exists(), "the staged copy is removed after installing"


def test_a_failed_reload_still_counts_as_installed_with_a_warning(
    tmp_path: Path, tools: Path, locked: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tool(tools, "pkexec", 'exec "$@"')
    write_tool(tools, "udevadm", 'echo "Failed to send reload request: No such file or directory" >&2; exit 1')
    monkeypatch.setattr(udev_install, "SYSTEM_RULES_DIRS", frozenset({tmp_path}))
    assert main(["udev", "--install", "--rules-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "installed" in captured.out
    assert "warning: the rule is installed, but udev did not reload it" in captured.err
    assert "sudo udevadm control --reload-rules && sudo udevadm trigger" in captured.err


def test_dismissed_password_prompt_prints_the_sudo_commands(
    tmp_path: Path, tools: Path, locked: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tool(tools, "pkexec", "exit 126")
    monkeypatch.setattr(udev_install, "SYSTEM_RULES_DIRS", frozenset({tmp_path}))
    assert main(["udev", "--install", "--rules-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "dismissed or refused" in captured.err
    lines = [line.strip() for line in captured.out.splitlines()]
    copy = next(line for line in lines if line.startswith("sudo cp "))
    staged = Path(copy.split()[2])
    assert copy.split()[3] == str(tmp_path / RULES_FILE_NAME)
    assert staged.read_text() == udev_rules_text(), "the sudo command copies a file that holds the rule"
    assert stat.S_IMODE(staged.stat().st_mode) == 0o644
    assert "sudo udevadm control --reload-rules && sudo udevadm trigger" in lines
    assert not (tmp_path / RULES_FILE_NAME).exists()


def test_without_pkexec_it_prints_the_sudo_commands(
    tmp_path: Path, locked: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["udev", "--install", "--rules-dir", str(tmp_path / "staging")]) == 1
    captured = capsys.readouterr()
    assert "pkexec (polkit) is not installed" in captured.err
    assert f"{tmp_path / 'staging' / RULES_FILE_NAME}" in captured.out
    assert "udevadm" not in captured.out  # a staging folder is not udev's: nothing to reload


def test_no_prompt_never_runs_pkexec(
    tmp_path: Path, tools: Path, locked: None, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tool(tools, "pkexec", 'exec "$@"')
    assert main(["udev", "--install", "--no-prompt", "--rules-dir", str(tmp_path)]) == 1
    assert calls(tools, "pkexec") == []
    assert "sudo cp " in capsys.readouterr().out


def test_paths_with_spaces_reach_the_privileged_copy_intact(tmp_path: Path, tools: Path, locked: None) -> None:
    write_tool(tools, "pkexec", 'exec "$@"')
    rules = tmp_path / "my rules; $(touch pwned)"
    result = install_rule(rules)
    assert result.outcome is InstallOutcome.INSTALLED
    assert (rules / RULES_FILE_NAME).read_text() == udev_rules_text()
    assert not Path("pwned").exists() and not (tmp_path / "pwned").exists()


def test_not_needed_outside_linux(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert main(["udev", "--install"]) == 0
    assert "not needed" in capsys.readouterr().out
    assert main(["udev", "--check"]) == 0
    assert "not needed" in capsys.readouterr().out
    assert main(["udev"]) == 0
    captured = capsys.readouterr()
    assert "not needed" in captured.err and captured.out == udev_rules_text()


def test_install_and_check_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["udev", "--install", "--check"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
