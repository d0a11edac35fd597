"""`keyconf reset-keymap`: put back the keymap compiled into the firmware (after a backup)."""

from __future__ import annotations

import argparse
import sys

from keyconf.cli.command import EXIT_OK, Subcommand
from keyconf.cli.device_options import ProgressLine, add_device_arguments, device_errors, open_from_args
from keyconf.device.connection import board_geometry
from keyconf.device.sync import KeymapSync, ReadParts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_device_arguments(parser)


@device_errors
def run(args: argparse.Namespace) -> int:
    board = open_from_args(args)
    progress = ProgressLine()
    try:
        sync = KeymapSync(board, board_geometry(board, args.keyboard))
        try:
            before = sync.read_state(progress)
        finally:
            progress.done()
        backup = sync.save_backup(before)
        board.client.reset_keymap()
        after = sync.read_state(progress, ReadParts(macros=False, layout_options=False))
        progress.done()
        changed = len(before.keymap.changed_keys(after.keymap))
        keys = f"{changed} key{'s' if changed != 1 else ''}"
        print(f"{board.name}: keymap reset to the firmware's default ({keys} changed).")
        print(f"Backup of the previous keymap: {backup}", file=sys.stderr)
        return EXIT_OK
    finally:
        board.close()


COMMAND = Subcommand(
    name="reset-keymap",
    help="reset a keyboard's keymap to its firmware default (a backup is kept)",
    add_arguments=add_arguments,
    run=run,
)
