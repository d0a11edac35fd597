"""Build progress from QMK's make output: objects compiled over objects expected.

QMK's makefiles print one `Compiling: <file>` (or `Assembling:`) line per object, then
`Linking:` and `Creating load file for flashing:`. How many objects a build compiles is
learnt from the previous build of the same target (clean and incremental builds are
remembered apart) and otherwise estimated from the processor family.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from keyconf.compiler.qmk_tree import AVR_PROCESSORS
from keyconf.formats.atomic import write_atomic

_OBJECT_LINE = re.compile(r"^\s*(Compiling|Assembling):\s")
_LINK_LINE = re.compile(r"^\s*Linking:\s")
_GENERATE_LINE = re.compile(r"^\s*Generating:\s")
_IMAGE_LINE = re.compile(r"^\s*(Creating load file for flashing|Creating binary load file for flashing):")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# First-build guesses, measured on QMK 0.28-era trees (crkbd/rev1: 76, planck/rev6: 156).
DEFAULT_OBJECTS_AVR = 80
DEFAULT_OBJECTS_ARM = 160
DEFAULT_OBJECTS_INCREMENTAL = 8


def strip_ansi(line: str) -> str:
    return _ANSI.sub("", line)


@dataclass
class Progress:
    compiled: int
    expected: int
    phase: str  # "installing" (qmk's Python packages), "preparing", "compiling", "linking", "done"
    generated: int = 0  # files QMK generated while preparing (info_config.h, default_keyboard.c…)
    packages: tuple[str, ...] = ()  # while installing: the requirements being installed

    @property
    def fraction(self) -> float:
        """0..1; compiling fills up to 95 %, linking and the image the rest."""
        if self.phase == "done":
            return 1.0
        if self.phase == "linking":
            return 0.97
        if self.expected <= 0:
            return 0.0
        return min(self.compiled / self.expected, 1.0) * 0.95


class ProgressTracker:
    """Feed it output lines; it knows how far the build is."""

    def __init__(self, expected: int):
        self.expected = max(expected, 1)
        self.compiled = 0
        self.generated = 0
        self.phase = "preparing"

    def feed(self, line: str) -> bool:
        """Account for one output line; True when the progress changed."""
        text = strip_ansi(line)
        if self.phase == "preparing" and _GENERATE_LINE.match(text):
            self.generated += 1
            return True
        if _OBJECT_LINE.match(text):
            self.compiled += 1
            self.phase = "compiling"
            if self.compiled > self.expected:
                self.expected = self.compiled + 1  # more than last time: keep the bar honest
            return True
        if _LINK_LINE.match(text) or _IMAGE_LINE.match(text):
            if self.phase != "linking":
                self.phase = "linking"
                return True
        return False

    def finish(self) -> None:
        self.phase = "done"

    def snapshot(self) -> Progress:
        return Progress(self.compiled, self.expected, self.phase, self.generated)


class ObjectCountHistory:
    """How many objects each target compiled last time, per clean or incremental build."""

    def __init__(self, path: Path):
        self.path = path

    def _load(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def expected(self, target: str, incremental: bool, processor: str | None) -> int:
        entry = self._load().get(target) or {}
        kind = "incremental" if incremental else "clean"
        known = entry.get(kind)
        if isinstance(known, int) and known > 0:
            return known
        if incremental:
            return DEFAULT_OBJECTS_INCREMENTAL
        return DEFAULT_OBJECTS_AVR if processor in AVR_PROCESSORS else DEFAULT_OBJECTS_ARM

    def record(self, target: str, incremental: bool, count: int) -> None:
        data = self._load()
        entry = data.setdefault(target, {})
        entry["incremental" if incremental else "clean"] = count
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except OSError:
            pass  # progress estimates are a courtesy
