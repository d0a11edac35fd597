"""Turn a flashing tool's output into a 0–100 progress figure.

Tools draw progress in place: dfu-util rewrites `Download [====   ]  45%` after `\\r`,
avrdude appends `#` to `Writing | ` (no terminal) or redraws the bar (terminal),
dfu-programmer appends `>` inside `[...]`, teensy_loader_cli and hid_bootloader_cli print a
dot per block, bootloadHID rewrites `0x01a00 ... 0x01a80`. So output is cut into segments at
every `\\r` or `\\n`, and the segment still being written is looked at again as it grows;
each parser reads state from a segment's content, so seeing a segment twice is harmless.
Progress never goes backwards.
"""

from __future__ import annotations

import math
import re


class ProgressParser:
    """Base: segmenting, a monotonic fraction (0..1) and the current phase name."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.phase = ""
        self._partial = ""

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    def feed(self, text: str) -> list[tuple[float, str]]:
        """Read more of the tool's output; returns (fraction, phase) after each segment in it, so
        output that arrives in one piece (a busy machine, a pipe read late) still shows every step
        the tool drew, not only the last."""
        data = self._partial + text
        parts = re.split(r"[\r\n]", data)
        self._partial = parts.pop()
        steps: list[tuple[float, str]] = []
        for segment in parts:
            if segment:
                self.segment(segment, complete=True)
                steps.append((self.fraction, self.phase))
        if self._partial:
            self.segment(self._partial, complete=False)
            steps.append((self.fraction, self.phase))
        return steps

    def segment(self, text: str, complete: bool) -> None:
        match = re.search(r"(\d{1,3})%", text)
        if match:
            self.advance(int(match.group(1)) / 100)

    def advance(self, value: float) -> None:
        self.fraction = max(self.fraction, min(1.0, max(0.0, value)))

    def finish(self, ok: bool) -> None:
        if ok:
            self.fraction = 1.0


def _span(start: float, end: float, part: float) -> float:
    return start + (end - start) * min(1.0, max(0.0, part))


class DfuUtilProgress(ProgressParser):
    """dfu-util (and wb32-dfu-updater_cli, which draws the same bar).

    DfuSe targets erase first (`Erase [===] 100%`) then download; plain DFU only downloads."""

    _BAR = re.compile(r"^\s*(Erase|Download|Upload)\s*\[([= ]*)\]?\s*(?:(\d{1,3})%)?")
    ERASE_SHARE = 0.3

    def __init__(self) -> None:
        super().__init__()
        self._erases = False

    def segment(self, text: str, complete: bool) -> None:
        match = self._BAR.match(text)
        if match:
            kind, bar, percent = match.groups()
            part = int(percent) / 100 if percent is not None else len(bar.rstrip()) / 25
            if kind == "Erase":
                self._erases = True
                self.phase = "erasing"
                self.advance(_span(0, self.ERASE_SHARE, part))
            elif kind == "Download":
                self.phase = "writing"
                start = self.ERASE_SHARE if self._erases else 0.0
                self.advance(_span(start, 0.98, part))
            return
        if text.startswith("Erase") and "done" in text:
            self._erases = True
            self.advance(self.ERASE_SHARE)
        elif text.startswith("Download done"):
            self.advance(0.98)
        elif "File downloaded successfully" in text or text.startswith("Done!"):
            self.phase = "done"
            self.advance(1.0)


class Wb32Progress(DfuUtilProgress):
    pass


class AvrdudeProgress(ProgressParser):
    """avrdude bars: `Reading | ### | 100% 0.00s` (signature), then per memory a `Writing`
    bar and a `Reading` (verify) bar. Without a terminal the `#`s arrive one by one."""

    _BAR = re.compile(r"^\s*(Reading|Writing|Erasing)\s*\|\s*(#*)[\s#]*(?:\|\s*(\d{1,3})%)?")
    INIT_SHARE = 0.05
    WRITE_SHARE = 0.7  # of each memory's share; the rest is verifying

    def __init__(self, memories: int = 1) -> None:
        super().__init__()
        self.memories = max(1, memories)
        self._memory = -1  # index of the memory being written
        self._in_verify = False

    def segment(self, text: str, complete: bool) -> None:
        match = self._BAR.match(text)
        if not match:
            if "bytes of" in text and "verified" in text:
                self._done_memory()
            return
        kind, hashes, percent = match.groups()
        part = int(percent) / 100 if percent is not None else len(hashes) / 50
        if kind == "Writing":
            if self._memory < 0 or self._in_verify:
                self._memory += 1
                self._in_verify = False
            self.phase = "writing"
            self.advance(self._at(self.WRITE_SHARE * part))
        elif kind == "Reading":
            if self._memory < 0:
                self.phase = "connecting"
                self.advance(_span(0, self.INIT_SHARE, part))
            else:
                self._in_verify = True
                self.phase = "verifying"
                self.advance(self._at(self.WRITE_SHARE + (1 - self.WRITE_SHARE) * part))

    def _at(self, within_memory: float) -> float:
        share = (1 - self.INIT_SHARE) / self.memories
        memory = min(max(self._memory, 0), self.memories - 1)
        return self.INIT_SHARE + share * (memory + within_memory)

    def _done_memory(self) -> None:
        self.advance(self._at(1.0))


class DfuProgrammerProgress(ProgressParser):
    """One dfu-programmer run (erase, flash or reset). `flash` prints a 32-`>` bar for
    programming and another for reading back, then `Validating...  Success`."""

    _HEADER = re.compile(r"(Programming|Reading) 0x[0-9A-Fa-f]+ bytes")

    def __init__(self) -> None:
        super().__init__()
        self._stage = ""

    def segment(self, text: str, complete: bool) -> None:
        header = self._HEADER.search(text)
        if header:
            self._stage = header.group(1)
            self.phase = "writing" if self._stage == "Programming" else "verifying"
            return
        if text.startswith("["):
            part = text.count(">") / 32
            if self._stage == "Programming":
                self.advance(_span(0.0, 0.6, part))
            elif self._stage == "Reading":
                self.advance(_span(0.6, 0.95, part))
            return
        if text.startswith("Erasing flash") and "Success" in text:
            self.phase = "erasing"
            self.advance(1.0)
        elif text.startswith("Validating") and "Success" in text:
            self.advance(1.0)
        elif "bytes written into" in text:
            self.advance(1.0)


class TeensyProgress(ProgressParser):
    """teensy_loader_cli / hid_bootloader_cli with -v: `Programming` then one dot per block
    written, then `Booting`. `expected_blocks` comes from the hex image and the MCU's block
    size; without it the count is estimated from the `Read "…": N bytes` line."""

    _READ = re.compile(r'^Read ".*": (\d+) bytes, ([\d.]+)% usage')

    def __init__(self, expected_blocks: int | None = None, block_size: int = 128) -> None:
        super().__init__()
        self.expected_blocks = expected_blocks
        self.block_size = block_size

    def segment(self, text: str, complete: bool) -> None:
        read = self._READ.match(text)
        if read and self.expected_blocks is None:
            self.expected_blocks = max(1, math.ceil(int(read.group(1)) / self.block_size))
            return
        if text.startswith("Found HalfKay"):
            self.phase = "connected"
            self.advance(0.02)
        elif text.startswith("Programming"):
            self.phase = "writing"
            dots = len(text) - len(text.rstrip("."))
            total = self.expected_blocks or 1
            self.advance(_span(0.02, 0.98, dots / total))
        elif text.startswith("Booting"):
            self.phase = "done"
            self.advance(1.0)


class BootloadHidProgress(ProgressParser):
    """bootloadHID: `Uploading N (0x…) bytes starting at S (0x…)` then `\\r0xAAAAA ... 0xBBBBB`."""

    _START = re.compile(r"Uploading (\d+) \(0x[0-9a-fA-F]+\) bytes starting at (\d+)")
    _BLOCK = re.compile(r"0x([0-9a-fA-F]+) \.\.\. 0x([0-9a-fA-F]+)")

    def __init__(self) -> None:
        super().__init__()
        self._start = 0
        self._total = 0

    def segment(self, text: str, complete: bool) -> None:
        start = self._START.search(text)
        if start:
            self._total, self._start = int(start.group(1)), int(start.group(2))
            self.phase = "writing"
            return
        block = self._BLOCK.search(text)
        if block and self._total:
            end = int(block.group(2), 16)
            self.advance((end - self._start) / self._total)


class MdloaderProgress(ProgressParser):
    """mdloader prints milestones, not a bar."""

    _MILESTONES = (
        ("Scanning for device", 0.02, "waiting"),
        ("Device port:", 0.05, "connecting"),
        ("Opening port", 0.08, "connecting"),
        ("Found MCU:", 0.1, "connecting"),
        ("Applet file:", 0.15, "connecting"),
        ("Writing firmware", 0.2, "writing"),
        ("Booting device", 0.95, "booting"),
    )

    def segment(self, text: str, complete: bool) -> None:
        for needle, value, phase in self._MILESTONES:
            if needle in text:
                self.phase = phase
                self.advance(value)
        if self.phase == "writing":
            match = re.search(r"(\d{1,3})%", text)
            if match:
                self.advance(_span(0.2, 0.9, int(match.group(1)) / 100))
            if "Complete" in text:
                self.advance(0.9)
        if self.phase == "booting" and "Success" in text:
            self.advance(1.0)
