"""`keyconf flash FIRMWARE`: check a firmware file, wait for the keyboard's bootloader, flash it.

`--list` shows the bootloaders connected now. The compiler's `--flash` calls
`flash_and_report()` with the file it built.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TextIO

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand
from keyconf.flash import bootloaders
from keyconf.flash.detect import Detector
from keyconf.flash.entry import BootloaderJump
from keyconf.flash.job import (
    DetectedEvent,
    FlashEnvironment,
    FlashError,
    FlashEvent,
    FlashResult,
    LogEvent,
    ProgressEvent,
    StatusEvent,
    WaitingEvent,
    flash_firmware,
)
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

DEFAULT_WAIT = 60.0
LOG_TAIL_LINES = 15


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("firmware", nargs="?", type=Path, help="the .hex, .bin or .uf2 file to flash")
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for the keyboard to enter its bootloader (default {DEFAULT_WAIT:g})",
    )
    parser.add_argument(
        "--bootloader",
        metavar="NAME",
        help="the bootloader to expect (QMK name, e.g. caterina, atmel-dfu, stm32-dfu, rp2040)",
    )
    parser.add_argument("--mcu", metavar="MCU", help="the MCU, for tools that must be told (e.g. atmega32u4)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="flash even if the firmware's metadata or contents disagree with the board",
    )
    parser.add_argument(
        "--eeprom",
        type=Path,
        metavar="FILE",
        help="also write this EEPROM image (.eep); EEPROM is never touched otherwise",
    )
    parser.add_argument(
        "--list", action="store_true", help="list keyboards waiting in a bootloader, and exit"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the flashing tool's output as it runs"
    )
    parser.add_argument(
        "--log", type=Path, metavar="FILE", help="save the flashing tool's full output to FILE"
    )


def run(args: argparse.Namespace) -> int:
    if args.list:
        return list_bootloaders(sys.stdout)
    if args.firmware is None:
        raise CommandError("give the firmware file to flash", EXIT_USAGE, hint="keyconf flash FIRMWARE.hex")
    if args.wait < 0:
        raise CommandError("--wait must be 0 or more seconds", EXIT_USAGE)
    if args.bootloader:
        try:
            bootloaders.get(args.bootloader)
        except bootloaders.UnknownBootloader as error:
            raise CommandError(str(error), EXIT_USAGE) from None
    result = flash_and_report(
        args.firmware,
        bootloader=args.bootloader,
        mcu=args.mcu,
        wait=args.wait,
        force=args.force,
        eeprom=args.eeprom,
        verbose=args.verbose,
        log_file=args.log,
    )
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def list_bootloaders(out: TextIO, detector: Detector | None = None) -> int:
    detector = detector or Detector()
    found = detector.scan()
    for error in detector.errors:
        print(f"warning: {error}", file=out)
    if not found:
        print(
            "No keyboard is in bootloader mode. Press QK_BOOT or the reset button, then list again.", file=out
        )
        return EXIT_OK
    for device in found:
        print(f"{device.bootloader.name:12} {device.describe()}", file=out)
    return EXIT_OK


class ConsoleReporter:
    """Prints flashing events: status lines, a progress bar (redrawn on a terminal, in 10 %
    steps otherwise), and the tool's output when verbose."""

    def __init__(self, out: TextIO, verbose: bool = False):
        self.out = out
        self.verbose = verbose
        self.tty = out.isatty()
        self._bar_open = False
        self._last_step = -1
        self._waiting_shown = False

    def __call__(self, event: FlashEvent) -> None:
        if isinstance(event, ProgressEvent):
            self._progress(event.percent, event.phase)
        elif isinstance(event, LogEvent):
            if self.verbose:
                self._end_bar()
                self.out.write(event.text.replace("\r", "\n") if not self.tty else event.text)
                self.out.flush()
        elif isinstance(event, StatusEvent):
            self._end_bar()
            prefix = "warning: " if event.level == "warning" else ""
            print(prefix + event.message, file=self.out, flush=True)
        elif isinstance(event, WaitingEvent):
            self._waiting(event)
        elif isinstance(event, DetectedEvent):
            self._end_bar()

    def _waiting(self, event: WaitingEvent) -> None:
        if not self._waiting_shown:
            self._waiting_shown = True
            for line in event.instructions.splitlines():
                print("  " + line, file=self.out)
        if self.tty:
            self.out.write(f"\r  waiting for bootloader… {event.seconds_left:4.0f} s left (Ctrl+C to stop) ")
            self.out.flush()
            self._bar_open = True

    def _progress(self, percent: int, phase: str) -> None:
        if self.tty and not self.verbose:
            width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 30))
            filled = width * percent // 100
            self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {phase:10}")
            self.out.flush()
            self._bar_open = True
            return
        step = percent // 10
        if step > self._last_step:
            self._last_step = step
            self._end_bar()
            print(f"progress: {percent}%{' ' + phase if phase else ''}", file=self.out, flush=True)

    def _end_bar(self) -> None:
        if self._bar_open:
            self.out.write("\n")
            self._bar_open = False


def flash_and_report(
    firmware: Path,
    *,
    bootloader: str | None = None,
    mcu: str | None = None,
    wait: float = DEFAULT_WAIT,
    force: bool = False,
    eeprom: Path | None = None,
    verbose: bool = False,
    log_file: Path | None = None,
    keyboard: Keyboard | None = None,
    layout: Layout | None = None,
    enter_bootloader: BootloaderJump | None = None,
    environment: FlashEnvironment | None = None,
    out: TextIO | None = None,
) -> FlashResult:
    """Flash with console reporting; the compiler's `--flash` calls this with the file it built.

    Raises CommandError (clean message, hint, exit code 1) when flashing cannot start;
    returns the result once a tool ran, having printed the outcome."""
    stream = out or sys.stdout
    reporter = ConsoleReporter(stream, verbose)
    try:
        result = flash_firmware(
            firmware,
            bootloader=bootloader,
            mcu=mcu,
            wait=wait,
            force=force,
            eeprom=eeprom,
            enter_bootloader=enter_bootloader,
            layout=layout,
            keyboard=keyboard,
            on_event=reporter,
            environment=environment,
        )
    except FlashError as error:
        reporter._end_bar()
        hint = error.hint.replace("\n", "\n        ") if error.hint else None  # under "  hint: "
        raise CommandError(error.message, error.exit_code, hint) from None
    reporter._end_bar()
    if log_file is not None:
        from keyconf.formats.atomic import write_atomic

        write_atomic(log_file, result.log)
    if result.ok:
        print(f"done: {firmware.name} is on the keyboard ({result.device.bootloader.title}).", file=stream)
        return result
    if not verbose:
        lines = [line for line in result.log.replace("\r", "\n").splitlines() if line.strip()]
        print("last lines of the tool's output:", file=stream)
        for line in lines[-LOG_TAIL_LINES:]:
            print("  " + line, file=stream)
    print(f"failed: {result.message}", file=stream)
    if log_file is None:
        print("  (run with --log FILE to keep the full output)", file=stream)
    return result


COMMAND = Subcommand(
    name="flash",
    help="flash a firmware file onto a keyboard (waits for its bootloader)",
    add_arguments=add_arguments,
    run=run,
    description="Check a QMK firmware file, wait for the keyboard to enter its bootloader, and flash it "
    "with the right tool (dfu-util, dfu-programmer, avrdude, teensy_loader_cli, … or a UF2 copy). "
    "Wrong files are refused before anything is written.",
)
