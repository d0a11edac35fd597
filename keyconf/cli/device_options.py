"""What the keyboard-talking commands share: `--device`/`--demo`/`--keyboard`, opening the
board, turning device errors into clean command errors, and progress on stderr."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import TextIO

from keyconf.cli.command import EXIT_PROBLEMS, CommandError, input_exit_code
from keyconf.cli.demo_option import add_demo_argument
from keyconf.device.board import Board
from keyconf.device.connection import open_board
from keyconf.device.errors import DeviceError, DeviceLocked, PushError


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


def add_unlock_arguments(parser: argparse.ArgumentParser) -> None:
    from keyconf.device.unlock import DEFAULT_TIMEOUT_S

    parser.add_argument(
        "--unlock",
        action="store_true",
        help="if a Vial keyboard is locked, unlock it without asking (hold its unlock keys when told)",
    )
    parser.add_argument(
        "--unlock-timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"how long to wait for the unlock keys (default {DEFAULT_TIMEOUT_S:g})",
    )


def unlock_refused_write(
    board: Board,
    args: argparse.Namespace,
    refused: DeviceLocked,
    legend: Callable[[int, int], str] | None = None,
) -> None:
    """A locked Vial keyboard refused a write (before anything was written): unlock it through
    the one unlock flow, asking first in a terminal (`--unlock`: without asking), or stop with
    a clear error and what to do. `legend` names a key by its matrix position."""
    from keyconf.device.unlock import UnlockState, keys_text, unlock

    keys = keys_text(board.vial.unlock_status().keys, legend)
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if not (args.unlock or interactive):
        raise CommandError(
            f"{refused.message}; nothing was written",
            EXIT_PROBLEMS,
            hint=f"run it in a terminal to unlock the keyboard, or add --unlock and hold {keys} when told",
        )
    if not args.unlock:
        answer = input(f"{board.name} is locked: it refuses QK_BOOT and macros. Unlock it now? [Y/n] ")
        if answer.strip().lower() not in ("", "y", "yes"):
            raise CommandError(f"{refused.message}; nothing was written", EXIT_PROBLEMS, hint="run it again to unlock")
    print(f"Hold {keys} until the keyboard unlocks (up to {args.unlock_timeout:g} s)…", file=sys.stderr)
    live = sys.stderr.isatty()

    def show(state: UnlockState) -> None:
        if state.remaining is not None and live:
            sys.stderr.write(f"\r  unlocking… {state.remaining} polls to go\033[K")
            sys.stderr.flush()

    try:
        unlock(board.vial, on_update=show, timeout_s=args.unlock_timeout)
    finally:
        if live:
            sys.stderr.write("\r\033[K")
    print("Unlocked.", file=sys.stderr)


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
    return CommandError(message, input_exit_code(error), error.hint)


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
