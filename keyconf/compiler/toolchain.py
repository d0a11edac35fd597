"""Finding the programs a QMK build runs: the `qmk` CLI, `make` and the cross compiler.

Searched on PATH as the build will see it: QMK's CLI prepends `QMK_DISTRIB_DIR/bin` (where
QMK's prebuilt toolchain bundle installs, by default `platformdirs.user_data_dir("qmk")`)
and `QMK_PATH_PREFIX`, so keyconf looks there too, and puts the `qmk` next to the running
Python first (keyconf depends on the `qmk` package, so it is installed beside it).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from keyconf.compiler.qmk_tree import compilers_for_processor


def qmk_distrib_dir(environ: Mapping[str, str]) -> Path:
    """Where QMK's CLI expects its prebuilt toolchain bundle (`QMK_DISTRIB_DIR`)."""
    configured = environ.get("QMK_DISTRIB_DIR")
    return Path(configured) if configured else Path(platformdirs.user_data_dir("qmk"))


def build_path(environ: Mapping[str, str] | None = None) -> str:
    """The PATH a build runs with: the `qmk` CLI's additions in front of the current PATH."""
    env = os.environ if environ is None else environ
    parts: list[str] = []
    prefix = env.get("QMK_PATH_PREFIX")
    if prefix:
        parts.append(prefix)
    parts.append(str(Path(sys.executable).parent))
    distrib_bin = qmk_distrib_dir(env) / "bin"
    if distrib_bin.is_dir():
        parts.append(str(distrib_bin))
    parts.append(env.get("PATH", os.defpath))
    return os.pathsep.join(parts)


def find_program(name: str, path: str | None = None) -> str | None:
    return shutil.which(name, path=build_path() if path is None else path)


@dataclass(frozen=True)
class MissingTool:
    name: str
    why: str
    hint: str


def missing_tools(processor: str | None, path: str | None = None) -> list[MissingTool]:
    """The programs a build for `processor` needs that are not on the build PATH."""
    search = build_path() if path is None else path
    missing: list[MissingTool] = []
    if shutil.which("qmk", path=search) is None:
        missing.append(
            MissingTool("qmk", "the QMK CLI runs the build", "install it with `python3 -m pip install qmk`")
        )
    if shutil.which("make", path=search) is None and shutil.which("gmake", path=search) is None:
        missing.append(MissingTool("make", "QMK builds with GNU make", _install_hint("make")))
    compilers = compilers_for_processor(processor)
    if all(shutil.which(name, path=search) is None for name in compilers):
        compiler = compilers[0]
        why = f"it compiles firmware for the {processor or 'board'}'s processor"
        missing.append(MissingTool(compiler, why, _install_hint(compiler)))
    return missing


def _install_hint(tool: str) -> str:
    debian = {
        "make": "make",
        "avr-gcc": "gcc-avr avr-libc",
        "arm-none-eabi-gcc": "gcc-arm-none-eabi libnewlib-arm-none-eabi",
        "riscv32-unknown-elf-gcc": "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf",
    }[tool]
    return (
        f"run `qmk setup` (it installs QMK's toolchain), or on Debian/Ubuntu `sudo apt install {debian}`; "
        "`qmk doctor` checks the result"
    )
