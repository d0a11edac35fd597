"""The Python the `qmk` CLI runs in must hold what the qmk_firmware tree asks for.

`qmk compile` imports the tree's own Python code, which needs the packages listed in the
tree's `requirements.txt` (a March 2024 tree wants `appdirs`, a 2025 one does not). When one
is missing, QMK stops at once with "Could not find module appdirs!". Before a build keyconf
asks the interpreter of each `qmk` it could run which of those requirements it lacks, uses the
first `qmk` that has them all (keyconf's own, or the user's), and otherwise installs what is
missing into keyconf's own environment with pip and uses its `qmk`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.compiler.toolchain import build_path

LineSink = Callable[[str], None]
ProcessSink = Callable[["subprocess.Popen[str] | None"], None]
CHECK_TIMEOUT_S = 30.0

# Run by the interpreter being checked: which requirements are not installed (or too old).
# It uses `packaging` when that interpreter has it, else compares dotted numbers itself.
_CHECK = r"""
import json, re, sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except Exception:
    Requirement = None
def parts(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:4])
def plain(text):
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$", text)
    name, spec = m.group(1), m.group(2).split(";")[0].strip()
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        op, want = re.match(r"(===|==|!=|~=|>=|<=|>|<)\s*(.+)", clause).groups()
        a, b = parts(have), parts(want)
        ok = {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "==": a == b, "===": have == want,
              "!=": a != b, "~=": a >= b}[op]
        if not ok:
            return False
    return True
missing = []
for text in json.loads(sys.argv[1]):
    try:
        if Requirement is not None:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate():
                continue
            try:
                have = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                missing.append(text); continue
            if req.specifier and not req.specifier.contains(have, prereleases=True):
                missing.append(text)
        elif not plain(text):
            missing.append(text)
    except Exception:
        missing.append(text)
print(json.dumps(missing))
"""


class QmkPythonError(Exception):
    """No `qmk` can run the tree, and installing what it lacks failed or is not possible."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class QmkProgram:
    path: str  # the `qmk` executable
    python: str | None  # the interpreter it runs in (None: not a Python script we can read)
    own: bool  # runs in keyconf's own Python


@dataclass
class QmkChoice:
    program: QmkProgram
    missing: list[str] = field(default_factory=list)  # requirements to install first (own only)
    checked: list[tuple[QmkProgram, list[str]]] = field(default_factory=list)


def tree_requirements(root: Path) -> list[str]:
    """The requirement lines of the tree's requirements.txt (comments, options and blanks dropped)."""
    path = root / "requirements.txt"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(line)
    return found


def interpreter_of(program: str) -> str | None:
    """The Python a `qmk` script runs in, from its `#!` line (None when it is not one)."""
    try:
        with open(program, "rb") as handle:
            first = handle.readline(512).decode("utf-8", errors="replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    if Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
        if not words:
            return None
        return shutil.which(words[0])
    return words[0] if "python" in Path(words[0]).name else None


def _program(path: str) -> QmkProgram:
    """A `qmk` is keyconf's own when it runs in keyconf's Python (what pip installs there, it sees)."""
    python = interpreter_of(path)
    if python is None and Path(path).resolve().parent == Path(sys.executable).resolve().parent:
        python = sys.executable  # a frozen or binary launcher beside keyconf's interpreter
    own = python is not None and os.path.abspath(python) == os.path.abspath(sys.executable)
    return QmkProgram(path, python, own)


def candidate_programs(environ: dict[str, str] | None = None) -> list[QmkProgram]:
    """The `qmk` a build would run (the build PATH's first), keyconf's own, the user's on PATH."""
    env = dict(os.environ) if environ is None else environ
    found: list[QmkProgram] = []
    seen: set[str] = set()
    own = shutil.which("qmk", path=str(Path(sys.executable).parent))
    for path in (shutil.which("qmk", path=build_path(env)), own, shutil.which("qmk", path=env.get("PATH", ""))):
        if path is not None and os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            found.append(_program(path))
    return found


def unmet_requirements(python: str, requirements: list[str]) -> list[str] | None:
    """Which `requirements` the interpreter `python` lacks; None when it cannot be asked."""
    if not requirements:
        return []
    try:
        done = subprocess.run(
            [python, "-I", "-c", _CHECK, json.dumps(requirements)],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        missing = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return [str(m) for m in missing]


def choose_qmk(root: Path, environ: dict[str, str] | None = None) -> QmkChoice | None:
    """The `qmk` to build `root` with, and what must be installed first (None: no `qmk` at all).

    The first candidate whose Python has every requirement wins; otherwise keyconf's own `qmk`
    (the requirements then go into keyconf's environment); otherwise the first candidate as it is."""
    candidates = candidate_programs(environ)
    if not candidates:
        return None
    requirements = tree_requirements(root)
    checked: list[tuple[QmkProgram, list[str]]] = []
    for program in candidates:
        if program.python is None:
            continue
        missing = unmet_requirements(program.python, requirements)
        if missing is None:
            continue
        if not missing:
            return QmkChoice(program, [], checked + [(program, [])])
        checked.append((program, missing))
    for program, missing in checked:
        if program.own:
            return QmkChoice(program, missing, checked)
    return QmkChoice(candidates[0], [], checked)


def install_command(requirements: list[str], python: str | None = None) -> list[str]:
    return [
        python or sys.executable,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
        *requirements,
    ]


def install_requirements(
    requirements: list[str],
    on_line: LineSink,
    on_process: ProcessSink | None = None,
    python: str | None = None,
) -> None:
    """pip-install `requirements` into keyconf's environment, its output going to `on_line`.
    Raises QmkPythonError when pip fails or cannot run."""
    command = install_command(requirements, python)
    on_line("$ " + " ".join(command))
    env = dict(os.environ, PYTHONUNBUFFERED="1", PIP_NO_INPUT="1")
    popen_extra: dict[str, object] = {"start_new_session": True} if os.name == "posix" else {}
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            env=env,
            **popen_extra,  # type: ignore[call-overload]
        )
    except OSError as error:
        raise QmkPythonError(f"pip could not start: {error}", _manual_hint(requirements, python)) from None
    if on_process is not None:
        on_process(process)
    reason = ""  # pip's own last word on why, e.g. "No matching distribution found for appdirs"
    try:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            # pip says "ERROR: …"; a system-managed Python (PEP 668) "error: externally-managed-environment"
            if line.lower().startswith("error: "):
                reason = line[len("error: ") :].strip()
            on_line(line)
        code = process.wait()
    finally:
        if on_process is not None:
            on_process(None)
    if code != 0:
        names = ", ".join(requirements)
        because = f": {reason}" if reason else ""
        raise QmkPythonError(
            f"the QMK scripts of this qmk_firmware folder need {names}, and installing "
            f"{'it' if len(requirements) == 1 else 'them'} failed{because} (pip exit status {code})",
            _manual_hint(requirements, python),
        )


def _manual_hint(requirements: list[str], python: str | None) -> str:
    wanted = " ".join(f"'{r}'" if any(c in r for c in "<>=!~ ;") else r for r in requirements)
    them = "it" if len(requirements) == 1 else "them"
    return (
        f"check the internet connection and build again, or install {them} yourself: "
        f"{python or sys.executable} -m pip install {wanted}"
    )
