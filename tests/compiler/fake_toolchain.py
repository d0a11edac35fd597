"""A fake toolchain folder (qmk, make, cross compilers) for build tests without the real ones."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

FAKE_QMK = Path(__file__).parent / "fake_qmk.py"


def install_fake_toolchain(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put fake `qmk`, `make`, `avr-gcc` and `arm-none-eabi-gcc` first on the build PATH.

    Returns the JSON-lines file each fake `qmk` call is recorded in. Builds also get their
    own cache (KEYCONF_BUILD_CACHE) under `folder`."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    qmk = bin_dir / "qmk"
    qmk.write_text(f"#!{sys.executable}\nimport runpy, sys\nrunpy.run_path({str(FAKE_QMK)!r}, run_name='__main__')\n")
    for tool in ("make", "avr-gcc", "arm-none-eabi-gcc"):
        (bin_dir / tool).write_text("#!/bin/sh\nexit 0\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    log = folder / "qmk-calls.jsonl"
    monkeypatch.setenv("QMK_PATH_PREFIX", str(bin_dir))
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(folder / "cache"))
    monkeypatch.setenv("FAKE_QMK_LOG", str(log))
    monkeypatch.setenv("FAKE_QMK_MODE", "ok")
    monkeypatch.delenv("QMK_USERSPACE", raising=False)
    assert os.access(qmk, os.X_OK)
    return log
