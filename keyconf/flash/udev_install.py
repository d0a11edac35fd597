"""Installing keyconf's udev rule, and telling whether the installed copy is current.

The rule text comes from `keyconf.flash.udev`. Installing it needs root; a desktop user gets
the desktop's own password prompt through polkit's `pkexec` (one prompt for copy and
reload), and where that is missing or refused, the exact `sudo` commands to run instead.
Both the CLI (`keyconf udev`) and the GUI use this; pkexec waits for the user, so a GUI
calls `install_rule` off its event thread.
"""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from keyconf.flash.udev import INSTALL_DIR, RULES_FILE_NAME, udev_rules_text
from keyconf.formats.atomic import write_atomic

# udev's rule folders, highest precedence first: a file in an earlier folder hides a file of
# the same name in a later one (/lib is /usr/lib on merged-/usr systems).
RULES_SEARCH_DIRS = (
    Path("/etc/udev/rules.d"),
    Path("/run/udev/rules.d"),
    Path("/usr/local/lib/udev/rules.d"),
    Path("/usr/lib/udev/rules.d"),
    Path("/lib/udev/rules.d"),
)
SYSTEM_RULES_DIRS = frozenset(RULES_SEARCH_DIRS)
RELOAD_COMMANDS = (("udevadm", "control", "--reload-rules"), ("udevadm", "trigger"))

# pkexec's own exit codes (see pkexec(1)): the user dismissed the prompt / was not authorized.
PKEXEC_DISMISSED = 126
PKEXEC_NOT_AUTHORIZED = 127
# Exit codes of the privileged script below.
_COPY_FAILED = 10
_RELOAD_FAILED = 11

# Run as root by pkexec, so one password prompt covers copy and reload. Paths come in as
# positional parameters, never spliced into the script.
_PRIVILEGED_SCRIPT = (
    'install -D -m 0644 -- "$1" "$2" || exit 10; '
    'if [ "$3" = reload ]; then udevadm control --reload-rules && udevadm trigger || exit 11; fi'
)


def udev_needed() -> bool:
    """Only Linux gates raw HID and USB device nodes behind udev rules; macOS and Windows let
    every user open keyboards and bootloaders."""
    return sys.platform.startswith("linux")


class RuleStatus(StrEnum):
    CURRENT = "current"  # installed, same text as this keyconf generates
    OUTDATED = "outdated"  # installed, but different (older keyconf, edited by hand)
    MISSING = "missing"


@dataclass(frozen=True)
class InstalledRule:
    status: RuleStatus
    path: Path | None = None  # the copy udev uses (highest-precedence folder)
    diff: list[str] = field(default_factory=list)  # unified diff installed -> current, when outdated


def installed_rule(search_dirs: Sequence[Path] | None = None) -> InstalledRule:
    """Which copy of the rule udev reads (from `search_dirs`, udev's folders by default), and
    whether it matches this keyconf's rule."""
    expected = udev_rules_text()
    for folder in RULES_SEARCH_DIRS if search_dirs is None else search_dirs:
        path = folder / RULES_FILE_NAME
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        if text == expected:
            return InstalledRule(RuleStatus.CURRENT, path)
        diff = list(
            difflib.unified_diff(
                text.splitlines(), expected.splitlines(), f"{path} (installed)", "keyconf udev", lineterm=""
            )
        )
        return InstalledRule(RuleStatus.OUTDATED, path, diff)
    return InstalledRule(RuleStatus.MISSING)


class InstallOutcome(StrEnum):
    INSTALLED = "installed"
    ALREADY_CURRENT = "already current"
    MANUAL = "manual"  # nothing installed: the user must run `commands` (no pkexec, or refused)
    FAILED = "failed"  # tried with privileges and it failed; `detail` says why


@dataclass(frozen=True)
class InstallResult:
    outcome: InstallOutcome
    target: Path
    detail: str = ""  # why MANUAL / FAILED, or a warning after INSTALLED (reload failed)
    commands: list[str] = field(default_factory=list)  # for MANUAL: shell commands to run
    reloaded: bool = False


def manual_commands(source: Path, target: Path, reload: bool) -> list[str]:
    """The sudo commands that do what `install_rule` would."""
    commands = [f"sudo cp {_quote(source)} {_quote(target)}"]
    if reload:
        commands.append("sudo udevadm control --reload-rules && sudo udevadm trigger")
    return commands


def install_rule(rules_dir: Path = Path(INSTALL_DIR), *, allow_pkexec: bool = True) -> InstallResult:
    """Install the rule into `rules_dir` (udev's /etc folder by default), reloading udev when
    `rules_dir` is one of udev's own folders.

    Writes directly when we may (root, or a staging folder), else through pkexec, else
    returns the sudo commands (the rule text is then kept in a private temp file for them)."""
    target = rules_dir / RULES_FILE_NAME
    text = udev_rules_text()
    reload = rules_dir in SYSTEM_RULES_DIRS
    if _read(target) == text:
        return InstallResult(InstallOutcome.ALREADY_CURRENT, target)
    if rules_dir == Path(INSTALL_DIR):
        effective = installed_rule()  # e.g. a distribution package's copy in /usr/lib/udev/rules.d
        if effective.status is RuleStatus.CURRENT and effective.path is not None:
            return InstallResult(InstallOutcome.ALREADY_CURRENT, effective.path)
    if _may_write(rules_dir):
        try:
            rules_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)
            os.chmod(target, 0o644)
        except OSError as error:
            source = _stage(text)
            why = f"could not write {target}: {error.strerror or error}"
            return InstallResult(InstallOutcome.FAILED, target, why, manual_commands(source, target, reload))
        warning = _reload_udev() if reload else ""
        return InstallResult(InstallOutcome.INSTALLED, target, detail=warning, reloaded=reload and not warning)
    source = _stage(text)
    pkexec = shutil.which("pkexec") if allow_pkexec else None
    if pkexec is None:
        why = "pkexec (polkit) is not installed, so keyconf cannot ask for administrator rights"
        if not allow_pkexec:
            why = "not asking for administrator rights"
        return InstallResult(InstallOutcome.MANUAL, target, why, manual_commands(source, target, reload))
    command = [pkexec, "/bin/sh", "-c", _PRIVILEGED_SCRIPT, "keyconf-udev", str(source), str(target)]
    command.append("reload" if reload else "no-reload")
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        why = f"could not run pkexec: {error}"
        return InstallResult(InstallOutcome.MANUAL, target, why, manual_commands(source, target, reload))
    output = (completed.stderr or completed.stdout).strip()
    code = completed.returncode
    if code == 0:
        _discard(source)
        return InstallResult(InstallOutcome.INSTALLED, target, reloaded=reload)
    if code == _RELOAD_FAILED:
        _discard(source)
        return InstallResult(InstallOutcome.INSTALLED, target, detail=_reload_warning(output))
    if code in (PKEXEC_DISMISSED, PKEXEC_NOT_AUTHORIZED):
        why = "the administrator password prompt was dismissed or refused"
        if code == PKEXEC_NOT_AUTHORIZED and output:
            why += f" ({output.splitlines()[-1]})"
        return InstallResult(InstallOutcome.MANUAL, target, why, manual_commands(source, target, reload))
    why = f"copying the rule to {target} failed" if code == _COPY_FAILED else f"pkexec failed (exit {code})"
    if output:
        why += f": {output.splitlines()[-1]}"
    return InstallResult(InstallOutcome.FAILED, target, why, manual_commands(source, target, reload))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _may_write(folder: Path) -> bool:
    """Whether we can create `folder`/file ourselves: root, or an ordinary folder we own."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK)


def _stage(text: str) -> Path:
    """A world-readable copy of the rule for pkexec/sudo to copy (root may not read our home)."""
    folder = Path(tempfile.mkdtemp(prefix="keyconf-udev-"))
    os.chmod(folder, 0o755)
    path = folder / RULES_FILE_NAME
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def _discard(staged: Path) -> None:
    try:
        staged.unlink()
        staged.parent.rmdir()
    except OSError:
        pass


def _reload_udev() -> str:
    """Ask udev to re-read its rules and re-apply them to connected devices; a warning, or ""."""
    if shutil.which("udevadm") is None:
        return _reload_warning("udevadm is not installed")
    for command in RELOAD_COMMANDS:
        try:
            completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return _reload_warning(str(error))
        if completed.returncode != 0:
            output = (completed.stderr or completed.stdout).strip()
            return _reload_warning(f"`{' '.join(command)}` failed: {output.splitlines()[-1] if output else ''}")
    return ""


def _reload_warning(reason: str) -> str:
    return (
        f"the rule is installed, but udev did not reload it ({reason}); it takes effect after "
        "`sudo udevadm control --reload-rules && sudo udevadm trigger` or a restart"
    )


def _quote(path: Path) -> str:
    return shlex.quote(str(path))
