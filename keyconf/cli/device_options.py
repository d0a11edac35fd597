"""What the keyboard-talking commands share: `--device`/`--demo`/`--keyboard`, opening the
board, turning device errors into clean command errors, and progress on stderr."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import TextIO

from keyconf.cli.command import EXIT_PROBLEMS, CommandError
from keyconf.cli.demo_option import add_demo_argument
from keyconf.device.board import Board
from keyconf.device.connection import open_board
from keyconf.device.errors import DeviceError, PushError


def add_device_arguments(parser: argparse.ArgumentParser, keyboard: bool = True) -> None:
    parser.add_argument(
        "--device",
        metavar="DEVICE",
        help="which keyboard, when several are connected: its path, serial number, VID:PID or name "
        "(see `keyconf devices`)",
    )
    add_demo_argument(parser)
    if keyboard:
        parser.add_argument(
            "--keyboard",
            metavar="NAME",
            help="the keyboard's QMK name (e.g. planck/rev6) when keyconf cannot tell it from the device",
        )


def open_from_args(args: argparse.Namespace) -> Board:
    from keyconf.device.demo import default_state_file

    return open_board(args.device, demo=args.demo, demo_state=default_state_file(args.demo) if args.demo else None)


def command_error(error: DeviceError) -> CommandError:
    if isinstance(error, PushError):
        lines = [error.message]
        if error.written:
            shown = ", ".join(f"layer {layer} row {row} col {col}" for layer, row, col in error.written[:10])
            more = f" and {len(error.written) - 10} more" if len(error.written) > 10 else ""
            lines.append(f"  written and confirmed: {shown}{more}")
        if error.torn:
            shown = ", ".join(f"layer {layer} row {row} col {col} = 0x{v:04X}" for layer, row, col, v in error.torn)
            lines.append(f"  damaged (torn: neither the old nor the new keycode): {shown}")
        if error.unconfirmed:
            shown = ", ".join(f"layer {layer} row {row} col {col}" for layer, row, col in error.unconfirmed)
            lines.append(
                f"  sent but not confirmed (each holds its old or new keycode, or is torn: QMK writes EEPROM "
                f"byte by byte): {shown}"
            )
        if error.backup:
            lines.append(f"  backup of the keyboard from before the push: {error.backup}")
        return CommandError("\n".join(lines), EXIT_PROBLEMS, error.hint)
    problems = getattr(error, "problems", None)
    message = error.message
    if problems:
        message += "".join(f"\n  {p}" for p in problems)
    return CommandError(message, EXIT_PROBLEMS, error.hint)


def device_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a command, reporting any device failure as one clean error (never a traceback)."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except DeviceError as error:
            raise command_error(error) from error

    return wrapper


class ProgressLine:
    """A one-line progress display on stderr ("reading 336/768 bytes"), silent when not a TTY."""

    LABELS = {"read": "reading", "write": "writing", "verify": "verifying"}

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.live:
            return
        label = self.LABELS.get(phase, phase)
        unit = "bytes" if phase == "read" else "reports"
        self.stream.write(f"\r{label} {done}/{total} {unit}\033[K")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
