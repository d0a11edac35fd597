"""Run a flash plan: start each tool, stream its output into the log and its progress
parser, copy files onto bootloader drives, and decide what succeeded.

On POSIX the tools run on a pseudo-terminal: C programs write to a pipe in 4 KiB lumps (so
a progress bar would arrive only at the end), and a terminal makes them flush every line.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.flash.detect import INFO_UF2, Volume
from keyconf.flash.flashers import CommandStep, CopyStep, FlashPlan, Step
from keyconf.flash.tools import ToolFinder, which

OutputSink = Callable[[str], None]
ProgressSink = Callable[[int, str], None]  # percent 0..100, phase
COPY_CHUNK = 32 * 1024  # a multiple of the 512-byte UF2 block


@dataclass
class RunResult:
    ok: bool
    message: str
    log: str
    warnings: list[str] = field(default_factory=list)
    failed_step: str | None = None
    exit_code: int | None = None
    cancelled: bool = False


class _Cancelled(Exception):
    pass


@dataclass
class PlanRunner:
    """Executes one plan. `cancelled()` is polled; answering True stops the running tool."""

    on_output: OutputSink = lambda text: None
    on_progress: ProgressSink = lambda percent, phase: None
    cancelled: Callable[[], bool] = lambda: False
    use_pty: bool | None = None  # None: on POSIX
    finder: ToolFinder = which
    run_command: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
    reboot_grace: float = 3.0  # seconds a UF2 board may take to drop its drive after the copy

    def __post_init__(self) -> None:
        self._log: list[str] = []
        self._percent = -1

    # ------------------------------------------------------------ public

    def run(self, plan: FlashPlan) -> RunResult:
        total_weight = sum(step.weight for step in plan.steps) or 1.0
        done_weight = 0.0
        warnings: list[str] = []
        for note in plan.notes:
            self._emit(f"note: {note}\n")
        for step in plan.steps:
            if self.cancelled():
                return self._result(False, "cancelled before " + step.title.lower(), warnings, cancelled=True)

            def report(
                fraction: float, phase: str, base: float = done_weight, weight: float = step.weight
            ) -> None:
                self._progress((base + weight * fraction) / total_weight, phase)

            # The bar shows where the step starts before the tool prints anything (a tool may
            # take seconds to find the board, and its first line may already say 1 %).
            report(0.0, "starting")
            try:
                if isinstance(step, CommandStep):
                    ok, code, warning = self._run_command(step, report)
                else:
                    ok, code, warning = self._run_copy(step, report)
            except _Cancelled:
                return self._result(
                    False, f"cancelled during: {step.title}", warnings, step.title, cancelled=True
                )
            if warning:
                warnings.append(warning)
                self._emit(f"warning: {warning}\n")
            if not ok:
                if step.failure_ok if isinstance(step, CommandStep) else False:
                    warnings.append(
                        f"{step.title} failed (exit code {code}); the board may already have restarted"
                    )
                else:
                    return self._result(
                        False, _failure_message(step, code, self.log), warnings, step.title, code
                    )
            done_weight += step.weight
        self._progress(1.0, "done")
        return self._result(True, "flashed successfully", warnings)

    @property
    def log(self) -> str:
        return "".join(self._log)

    # ------------------------------------------------------------ plumbing

    def _emit(self, text: str) -> None:
        self._log.append(text)
        self.on_output(text)

    def _progress(self, fraction: float, phase: str) -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent > self._percent:
            self._percent = percent
            self.on_progress(percent, phase)

    def _result(
        self,
        ok: bool,
        message: str,
        warnings: list[str],
        failed_step: str | None = None,
        exit_code: int | None = None,
        cancelled: bool = False,
    ) -> RunResult:
        return RunResult(ok, message, self.log, warnings, failed_step, exit_code, cancelled)

    # ------------------------------------------------------------ commands

    def _run_command(
        self, step: CommandStep, report: Callable[[float, str], None]
    ) -> tuple[bool, int | None, str | None]:
        self._emit("$ " + subprocess.list2cmdline(step.argv) + "\n")
        use_pty = self.use_pty if self.use_pty is not None else os.name == "posix"
        env = dict(os.environ, LC_ALL="C", LANG="C")
        master_fd = None
        try:
            if use_pty:
                import pty

                master_fd, slave_fd = pty.openpty()
                _raw_output(slave_fd)
                try:
                    process = subprocess.Popen(
                        step.argv,
                        stdin=subprocess.DEVNULL,
                        stdout=slave_fd,
                        stderr=slave_fd,
                        env=env,
                        start_new_session=True,
                    )
                finally:
                    os.close(slave_fd)
                read_fd = master_fd
            else:
                process = subprocess.Popen(
                    step.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
                assert process.stdout is not None
                read_fd = process.stdout.fileno()
        except OSError as error:
            if master_fd is not None:
                os.close(master_fd)
            self._emit(f"cannot start {step.argv[0]}: {error.strerror}\n")
            return False, None, None
        chunks: queue.Queue[bytes | None] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(read_fd, chunks), daemon=True)
        reader.start()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        seen: list[str] = []
        deadline = time.monotonic() + step.timeout
        timed_out = False
        eof = False
        try:
            interrupted = False
            while not eof:
                try:
                    chunk = self._next_chunk(chunks)
                except KeyboardInterrupt:
                    # Ctrl+C mid-write would leave the keyboard half-written: the tool runs in its
                    # own session (it did not get the signal); let it finish unless asked twice.
                    if interrupted:
                        raise
                    interrupted = True
                    self._emit(
                        "\ninterrupted: letting the tool finish so the keyboard is not left half-written "
                        "(press Ctrl+C again to stop it anyway)\n"
                    )
                    chunk = b""
                if chunk is None:
                    eof = True
                elif chunk:
                    text = decoder.decode(chunk)
                    seen.append(text)
                    self._emit(text)
                    for fraction, phase in step.parser.feed(text):
                        report(fraction, phase)
                if self.cancelled():
                    _stop(process)
                    raise _Cancelled()
                if time.monotonic() > deadline and process.poll() is None:
                    timed_out = True
                    _stop(process)
                if process.poll() is not None and chunks.empty() and not reader.is_alive():
                    eof = True
            code = process.wait(timeout=10)
        finally:
            if process.poll() is None:
                _stop(process)
            reader.join(timeout=1)
            if master_fd is not None:
                with contextlib.suppress(OSError):
                    os.close(master_fd)
            elif process.stdout is not None:
                process.stdout.close()
        tail = decoder.decode(b"", final=True)
        if tail:
            seen.append(tail)
            self._emit(tail)
            step.parser.feed(tail)
        if seen and not seen[-1].endswith(("\n", "\r")):
            self._emit("\n")
        output = "".join(seen)
        if timed_out:
            return False, code, f"{step.argv[0]} did not finish within {step.timeout:g} s and was stopped"
        if code == 0:
            step.parser.finish(True)
            report(1.0, step.parser.phase)
            return True, code, None
        marker = next((m for m in step.success_markers if m in output), None)
        if marker is not None:
            step.parser.finish(True)
            report(1.0, step.parser.phase)
            return (
                True,
                code,
                (
                    f"{Path(step.argv[0]).name} exited with code {code} after reporting “{marker}”: "
                    "the board restarted as the write finished, which is normal"
                ),
            )
        return False, code, None

    def _next_chunk(self, chunks: queue.Queue[bytes | None]) -> bytes | None:
        """The tool's next output (b"" when none came within 0.1 s, None at its end)."""
        try:
            return chunks.get(timeout=0.1)
        except queue.Empty:
            return b""

    # ------------------------------------------------------------ drive copies

    def _run_copy(
        self, step: CopyStep, report: Callable[[float, str], None]
    ) -> tuple[bool, int | None, str | None]:
        try:
            data = step.source.read_bytes()
        except OSError as error:
            self._emit(f"cannot read {step.source}: {error.strerror}\n")
            return False, None, None
        if step.delete_first:
            self._emit(f"deleting {step.destination}\n")
            try:
                step.destination.unlink(missing_ok=True)
            except OSError as error:
                self._emit(f"cannot delete {step.destination}: {error.strerror}\n")
                return False, None, None
        self._emit(f"copying {step.source} to {step.destination} ({len(data)} bytes)\n")
        written = 0
        try:
            with open(step.destination, "wb") as target:
                while written < len(data):
                    if self.cancelled() and written == 0:
                        raise _Cancelled()
                    chunk = data[written : written + COPY_CHUNK]
                    target.write(chunk)
                    written += len(chunk)
                    report(0.9 * written / len(data), "writing")
                target.flush()
                os.fsync(target.fileno())
        except OSError as error:
            if step.reboots and written == len(data) and self._drive_gone(step.volume):
                self._emit(
                    f"the drive went away as the last block landed ({error.strerror}): the board rebooted\n"
                )
                return True, None, None
            self._emit(f"copy failed after {written} of {len(data)} bytes: {error.strerror or error}\n")
            return False, None, None
        self._emit("copied and synced\n")
        report(0.95, "syncing")
        warning = None
        if step.reboots:
            if self._drive_gone(step.volume):
                self._emit("the board rebooted into the new firmware\n")
            else:
                warning = "the UF2 drive is still there: the bootloader may not have accepted the file"
        if step.eject:
            warning = self._eject(step.volume) or warning
        return True, None, warning

    def _drive_gone(self, volume: Volume) -> bool:
        deadline = time.monotonic() + self.reboot_grace
        while True:
            if not (volume.mount_point / INFO_UF2).exists():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

    def _eject(self, volume: Volume) -> str | None:
        """Unmount and power off the drive where the platform has a tool; else say what to do."""
        commands: list[list[str]] = []
        if sys.platform.startswith("linux"):
            udisks = self.finder("udisksctl")
            eject = self.finder("eject")
            if udisks and volume.device.startswith("/dev/"):
                commands = [
                    [udisks, "unmount", "-b", volume.device],
                    [udisks, "power-off", "-b", volume.device],
                ]
            elif eject:
                commands = [[eject, str(volume.mount_point)]]
        elif sys.platform == "darwin":
            diskutil = self.finder("diskutil")
            if diskutil:
                commands = [[diskutil, "eject", str(volume.mount_point)]]
        if not commands:
            return f"eject {volume.mount_point} from your file manager before unplugging the keyboard"
        for argv in commands:
            self._emit("$ " + subprocess.list2cmdline(argv) + "\n")
            try:
                result = self.run_command(argv, capture_output=True, text=True, timeout=30)
            except (OSError, subprocess.TimeoutExpired) as error:
                return f"could not eject the drive ({error}); eject it from your file manager"
            self._emit((result.stdout or "") + (result.stderr or ""))
            if result.returncode != 0:
                return (
                    f"could not eject the drive (exit code {result.returncode}); "
                    "eject it from your file manager"
                )
        return None


def _raw_output(fd: int) -> None:
    """No newline translation, no echo, on the tool's terminal."""
    try:
        import termios

        attrs = termios.tcgetattr(fd)
        attrs[1] &= ~termios.ONLCR
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except (ImportError, OSError):
        pass


def _pump(fd: int, sink: queue.Queue[bytes | None]) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError as error:
            if error.errno in (errno.EIO, errno.EBADF):  # the terminal closed: the tool ended
                break
            raise
        if not chunk:
            break
        sink.put(chunk)
    sink.put(None)


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            process.kill()
        process.wait(timeout=3)


def _failure_message(step: Step, code: int | None, log: str) -> str:
    if isinstance(step, CopyStep):
        return f"{step.title} failed"
    tool = Path(step.argv[0]).name
    last = [line.strip() for line in log.replace("\r", "\n").splitlines() if line.strip()]
    reason = next(
        (
            line
            for line in reversed(last)
            if "error" in line.lower()
            or "unable" in line.lower()
            or "cannot" in line.lower()
            or "no " in line.lower()
        ),
        last[-1] if last else "",
    )
    where = f" (exit code {code})" if code is not None else ""
    return f"{tool} failed{where}: {reason}" if reason else f"{tool} failed{where}"
