"""Finding the user's qmk_firmware tree and QMK external userspace, the way QMK finds them.

keyconf looks, in order, at: an explicit path (`--qmk-home`), the current folder when it lies
inside a qmk_firmware tree (only when the caller passes `cwd`, as the CLI does), the `QMK_HOME`
environment variable, `qmk config user.qmk_home`, and `~/qmk_firmware`.

The `qmk` CLI itself ranks `user.qmk_home` above `QMK_HOME`; keyconf lets the environment win
because it is the more specific, per-run setting. Whoever runs `qmk` for keyconf must therefore
pass the tree found here explicitly (run it with the tree as its working folder, where QMK looks
first) so both agree.

A source that is set but does not hold a qmk_firmware tree is an error, not a reason to look
further: silently building against another tree than the one configured would surprise.

The `qmk` CLI's settings live in `qmk.ini` in its user config folder; it is read directly
because starting `qmk config` costs far more than reading one small INI file.
"""

from __future__ import annotations

import configparser
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

# What makes a folder a qmk_firmware checkout, as the `qmk` CLI decides it.
QMK_FIRMWARE_MARKERS = ("quantum", "requirements.txt", "requirements-dev.txt", "lib/python/qmk/cli/__init__.py")

HOW_TO_GET_A_TREE = (
    "get one with `qmk setup` (the `qmk` command comes with keyconf), "
    "or point keyconf at an existing checkout with --qmk-home PATH or the QMK_HOME environment variable"
)


def qmk_setup_command() -> str:
    """`qmk setup` as the person can type it: keyconf's own `qmk` lives beside its Python, which
    is not on PATH when keyconf was installed into a virtual environment or with pipx."""
    import shutil
    import sys

    if shutil.which("qmk"):
        return "qmk setup"
    own = shutil.which("qmk", path=str(Path(sys.executable).parent))
    return f"{own} setup" if own else "qmk setup"


def how_to_get_a_tree() -> str:
    """HOW_TO_GET_A_TREE with the `qmk setup` command this machine can run."""
    return HOW_TO_GET_A_TREE.replace("`qmk setup`", f"`{qmk_setup_command()}`", 1)


@dataclass(frozen=True)
class Tried:
    """One place that was looked at, and why it did not hold a tree."""

    source: str
    path: Path | None
    reason: str


class QmkHomeNotFound(Exception):
    """No usable qmk_firmware tree: `message` says what was tried, `hint` how to fix it."""

    def __init__(self, message: str, tried: list[Tried], hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.tried = tried
        self.hint = hint if hint is not None else how_to_get_a_tree()

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}"


@dataclass(frozen=True)
class QmkHome:
    """A qmk_firmware tree and which setting pointed at it (for messages)."""

    path: Path
    source: str


@dataclass(frozen=True)
class QmkCliConfig:
    """The settings of the `qmk` CLI that keyconf honours (`qmk config user.…`)."""

    qmk_home: Path | None = None
    overlay_dir: Path | None = None
    file: Path | None = None
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def qmk_cli_config_file() -> Path:
    """Where `qmk config` keeps its settings (milc's convention: `<user config dir>/qmk.ini`)."""
    return Path(platformdirs.user_config_dir("qmk", "QMK")) / "qmk.ini"


def read_qmk_cli_config(path: Path | None = None) -> QmkCliConfig:
    """Read `qmk.ini`; a missing or unreadable file means no settings."""
    file = qmk_cli_config_file() if path is None else path
    parser = configparser.RawConfigParser()
    try:
        with open(file, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError, configparser.Error):
        return QmkCliConfig(file=file)
    values = {section: dict(parser.items(section)) for section in parser.sections()}
    user = values.get("user", {})
    return QmkCliConfig(
        qmk_home=_config_path(user.get("qmk_home")),
        overlay_dir=_config_path(user.get("overlay_dir")),
        file=file,
        values=values,
    )


def remember_qmk_home(tree: Path, path: Path | None = None) -> Path:
    """Make `tree` the qmk_firmware tree keyconf and the `qmk` CLI use (`user.qmk_home` in
    qmk.ini, as `qmk setup` records it), keeping the file's other settings. Returns the file."""
    from keyconf.formats.atomic import write_atomic

    file = qmk_cli_config_file() if path is None else path
    parser = configparser.RawConfigParser()
    try:
        with open(file, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError, configparser.Error):
        parser = configparser.RawConfigParser()
    if not parser.has_section("user"):
        parser.add_section("user")
    parser.set("user", "qmk_home", str(tree.expanduser().resolve()))
    import io

    text = io.StringIO()
    parser.write(text)
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(file, text.getvalue())
    return file


def _config_path(value: str | None) -> Path | None:
    # milc stores an unset value as the text "None".
    if value is None or not value.strip() or value.strip().lower() == "none":
        return None
    return Path(value.strip()).expanduser()


def missing_qmk_firmware_parts(path: Path) -> list[str]:
    """The markers of a qmk_firmware checkout that `path` lacks (empty when it is one)."""
    if not path.is_dir():
        return ["the folder itself"]
    return [marker for marker in QMK_FIRMWARE_MARKERS if not (path / marker).exists()]


def is_qmk_firmware(path: Path) -> bool:
    return not missing_qmk_firmware_parts(path)


def _enclosing_tree(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        if is_qmk_firmware(folder):
            return folder
    return None


def find_qmk_home(
    explicit: str | os.PathLike[str] | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    config: QmkCliConfig | None = None,
    home: Path | None = None,
) -> QmkHome:
    """The qmk_firmware tree to use; raises `QmkHomeNotFound` saying what was tried.

    `environ`, `config` and `home` default to the real process environment, `qmk.ini` and the
    user's home folder; tests pass their own."""
    env = os.environ if environ is None else environ
    tried: list[Tried] = []

    def check(source: str, path: Path) -> QmkHome | None:
        missing = missing_qmk_firmware_parts(path)
        if not missing:
            return QmkHome(path.resolve(), source)
        reason = "does not exist" if missing == ["the folder itself"] else "lacks " + ", ".join(missing)
        tried.append(Tried(source, path, reason))
        return None

    def configured(source: str, path: Path) -> QmkHome:
        found = check(source, path)
        if found is None:
            raise QmkHomeNotFound(
                f"{source} points at {path}, which is not a qmk_firmware tree ({tried[-1].reason})",
                tried,
                hint=f"fix {source}, or {how_to_get_a_tree()}",
            )
        return found

    if explicit is not None and str(explicit):
        return configured("--qmk-home", Path(explicit).expanduser())
    if cwd is not None:
        enclosing = _enclosing_tree(cwd)
        if enclosing is not None:
            return QmkHome(enclosing.resolve(), "the current folder")
    if env.get("QMK_HOME"):
        return configured("QMK_HOME", Path(env["QMK_HOME"]).expanduser())
    cli_config = read_qmk_cli_config() if config is None else config
    if cli_config.qmk_home is not None:
        return configured("qmk config user.qmk_home", cli_config.qmk_home)
    default = (Path.home() if home is None else home) / "qmk_firmware"
    found = check("~/qmk_firmware", default)
    if found is not None:
        return found
    raise QmkHomeNotFound("no qmk_firmware tree found (--qmk-home, QMK_HOME, qmk config user.qmk_home, "
                          f"{default} were checked)", tried)


def find_qmk_home_or_none(
    explicit: str | os.PathLike[str] | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    config: QmkCliConfig | None = None,
    home: Path | None = None,
) -> QmkHome | None:
    """As `find_qmk_home`, but None only when nothing is configured and `~/qmk_firmware` is absent.

    A setting that points at a wrong folder still raises: that is a mistake worth reporting."""
    try:
        return find_qmk_home(explicit, cwd=cwd, environ=environ, config=config, home=home)
    except QmkHomeNotFound as error:
        if any(t.source != "~/qmk_firmware" for t in error.tried):
            raise
        return None


# --- QMK external userspace ---------------------------------------------------------------


def is_qmk_userspace(path: Path) -> bool:
    """A folder with a `qmk.json` that declares `userspace_version`, as QMK decides it."""
    try:
        data = json.loads((path / "qmk.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "userspace_version" in data


def find_qmk_userspace(
    explicit: str | os.PathLike[str] | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    config: QmkCliConfig | None = None,
    home: Path | None = None,
) -> Path | None:
    """The user's QMK external userspace, or None: it is optional.

    Order as QMK: an explicit path, the current folder or a parent (when `cwd` is given),
    `QMK_USERSPACE`, `qmk config user.overlay_dir`, `~/qmk_userspace`. The first candidate that
    is a userspace wins; candidates that are not are skipped, as QMK skips them."""
    env = os.environ if environ is None else environ
    candidates: list[Path] = []
    if explicit is not None and str(explicit):
        candidates.append(Path(explicit).expanduser())
    if cwd is not None:
        candidates.extend((cwd, *cwd.parents))
    if env.get("QMK_USERSPACE"):
        candidates.append(Path(env["QMK_USERSPACE"]).expanduser())
    cli_config = read_qmk_cli_config() if config is None else config
    if cli_config.overlay_dir is not None:
        candidates.append(cli_config.overlay_dir)
    candidates.append((Path.home() if home is None else home) / "qmk_userspace")
    for candidate in candidates:
        if is_qmk_userspace(candidate):
            return candidate.resolve()
    return None


def userspace_module_roots(cwd: Path | None = None) -> tuple[Path, ...]:
    """The user's QMK userspace as a place a layout's community modules come from (its `modules/`,
    which QMK looks in before the tree's): empty when there is none. The compile command and the
    window's build both ask this."""
    found = find_qmk_userspace(cwd=cwd)
    return (found,) if found is not None else ()


def userspace_build_targets(userspace: Path) -> list[tuple[str, str]]:
    """The (keyboard, keymap) pairs listed in a userspace's `qmk.json` `build_targets`.

    Entries naming a JSON keymap file instead of a pair are skipped: they carry no keyboard
    without reading the file, and do not help recognising boards."""
    try:
        data = json.loads((userspace / "qmk.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    targets = data.get("build_targets") if isinstance(data, dict) else None
    found: list[tuple[str, str]] = []
    for target in targets if isinstance(targets, list) else []:
        if (isinstance(target, list) and len(target) in (2, 3)
                and isinstance(target[0], str) and isinstance(target[1], str)):
            found.append((target[0], target[1]))
    return found
