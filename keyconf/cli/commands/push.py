"""`keyconf push FILE [--dry-run] [--unlock]`: write a layout onto a keyboard, changed keys only.

Prints the changes layer by layer, backs the keyboard up, writes, and reads back to verify.
A locked Vial keyboard refuses QK_BOOT and macros: in a terminal keyconf offers to unlock it
(hold its unlock keys while keyconf polls); `--unlock` does so without asking, and without a
terminal or `--unlock` the push stops with nothing written.
"""

from __future__ import annotations

import argparse
import sys

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, CommandError, Subcommand, input_exit_code
from keyconf.cli.device_options import (
    ProgressLine,
    add_device_arguments,
    add_unlock_arguments,
    device_errors,
    open_from_args,
    unlock_refused_write,
)
from keyconf.cli.layout_files import LayoutFileError, check_layout_file
from keyconf.device.board import Board
from keyconf.device.connection import check_same_keyboard, known_geometry
from keyconf.device.errors import DeviceLocked
from keyconf.device.sync import KeymapSync
from keyconf.model.layout import Layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the layout file (.yaml) to write to the keyboard")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    add_unlock_arguments(parser)
    add_device_arguments(parser, keyboard=False)


@device_errors
def run(args: argparse.Namespace) -> int:
    try:
        checked = check_layout_file(args.file)
    except LayoutFileError as error:
        print(error.format(), file=sys.stderr)
        return input_exit_code(error)
    if checked.errors:
        for problem in checked.errors:
            print(problem.format(), file=sys.stderr)
        raise CommandError(
            f"{args.file} has {len(checked.errors)} error(s); nothing was written",
            EXIT_PROBLEMS,
            hint=f"`keyconf validate {args.file}` explains each",
        )
    layout = checked.loaded.layout
    assert checked.keyboard is not None  # a layout whose keyboard is unknown has an error
    board = open_from_args(args)
    progress = ProgressLine()
    try:
        for warning in board.warnings:
            print(f"keyconf: warning: {warning}", file=sys.stderr)
        check_same_keyboard(board, known_geometry(board), checked.keyboard)
        sync = KeymapSync(board, checked.keyboard, layout.layout_macro)
        try:
            sync.read_state(progress)
        finally:
            progress.done()
        plan = sync.plan(layout)
        for warning in plan.warnings:
            print(f"keyconf: warning: {warning}", file=sys.stderr)
        if plan.empty:
            print(f"{board.name} already holds {args.file}: nothing to write")
            return EXIT_OK
        print(f"Changes to {board.name}:")
        for line in plan.describe():
            print(f"  {line}")
        if args.dry_run:
            print(f"Dry run: nothing written ({len(plan.windows)} write reports would be needed).")
            return EXIT_OK
        try:
            try:
                result = sync.apply(plan, progress)
            except DeviceLocked as error:
                if not board.is_vial:
                    raise
                progress.done()
                unlock_for_push(board, sync, layout, args, error)
                result = sync.apply(plan, progress)
        finally:
            progress.done()
        keys = len(plan.keys)
        print(
            f"Wrote {keys} key{'s' if keys != 1 else ''} in {len(plan.windows)} report"
            f"{'s' if len(plan.windows) != 1 else ''} and verified them ({result.reports} reports in all)."
        )
        print(f"Backup of the previous keymap: {result.backup}")
        return EXIT_OK
    finally:
        board.close()


def unlock_for_push(
    board: Board, sync: KeymapSync, layout: Layout, args: argparse.Namespace, refused: DeviceLocked
) -> None:
    """Unlock a Vial keyboard that refused the push, naming its keys by the layout's legends."""
    base = layout.layers[0].keys if layout.layers else []

    def legend(row: int, col: int) -> str:
        slots = sync.mapping.by_cell.get((row, col), [])
        return base[slots[0].key] if slots and slots[0].key < len(base) else ""

    unlock_refused_write(board, args, refused, legend)


COMMAND = Subcommand(
    name="push",
    help="write a layout onto a keyboard (changed keys only, verified, with a backup)",
    add_arguments=add_arguments,
    run=run,
)
