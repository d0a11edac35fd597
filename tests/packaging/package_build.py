"""Build keyconf as a user gets it: an sdist, a wheel built from that sdist, and
the wheel installed into a fresh virtual environment.

The fresh venv sees the test environment's installed dependencies (PySide6, PyYAML…) through
a .pth file that lists their folder, so installing needs no network; a .pth *line* adds a
folder without running the .pth files inside it, so an editable keyconf in the test
environment stays invisible and only the wheel's keyconf can be imported.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORED_IN_COPY = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "out",
)


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def must(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"{' '.join(map(str, result.args))} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    )
    return result


@dataclass(frozen=True)
class Built:
    sdist: Path | None  # None when the test environment has no setuptools to make one
    wheel: Path


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    keyconf: Path  # the console script
    site_packages: Path
    home: Path  # an empty home for the app (settings, data, logs)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KEYCONF", "VIRTUAL_ENV"))}
        env.update(
            HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / "config"), XDG_DATA_HOME=str(self.home / "data"),
            XDG_CACHE_HOME=str(self.home / "cache"), XDG_STATE_HOME=str(self.home / "state"),
            KEYCONF_HOME=str(self.home / "keyconf"), QT_QPA_PLATFORM="offscreen",
            PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        )
        return env

    def keyconf_cmd(
        self, *args: str, cwd: Path | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return run([str(self.keyconf), *args], cwd=cwd or self.home, env=self.env(), timeout=timeout)

    def python_cmd(self, code: str) -> subprocess.CompletedProcess[str]:
        return run([str(self.python), "-c", code], cwd=self.home, env=self.env())


def build_sdist_and_wheel(work: Path) -> Built:
    """An sdist of a clean copy of the checkout, and a wheel built from it by pip."""
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED_IN_COPY)
    sdist_dir, wheel_dir = work / "sdist", work / "wheel"
    sdist_dir.mkdir()
    sdist: Path | None = None
    made = run([sys.executable, "-c", "from setuptools import build_meta as b; "
                f"print(b.build_sdist({str(sdist_dir)!r}))"], cwd=source)
    if made.returncode == 0:
        sdist = sdist_dir / made.stdout.strip().splitlines()[-1]
    elif "No module named 'setuptools'" not in made.stderr:
        must(made)
    target = str(sdist) if sdist is not None else str(source)
    must(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheel_dir), target], cwd=work))
    (wheel,) = wheel_dir.glob("keyconf-*.whl")
    return Built(sdist, wheel)


def install_into_fresh_venv(built: Built, work: Path) -> Installed:
    """The wheel installed with pip into a new venv, as `pip install keyconf-….whl` does."""
    venv = work / "venv"
    must(run([sys.executable, "-m", "venv", "--without-pip", str(venv)]))
    python = venv / "bin" / "python"
    site_packages = Path(must(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]))
                         .stdout.strip())
    parent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "_keyconf_test_dependencies.pth").write_text("\n".join(sorted(parent)) + "\n")
    must(run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
              "--quiet", str(built.wheel)]))
    home = work / "home"
    home.mkdir()
    return Installed(venv, python, venv / "bin" / "keyconf", site_packages, home)


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
