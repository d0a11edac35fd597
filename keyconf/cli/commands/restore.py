"""`keyconf restore [BACKUP]`: put a keyboard back as a backup recorded it.

keyconf backs a keyboard up before every write (push, reset-keymap, restore itself); without
BACKUP the newest backup of the connected keyboard is used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, CommandError, Subcommand
from keyconf.cli.device_options import (
    ProgressLine,
    add_device_arguments,
    add_unlock_arguments,
    device_errors,
    open_from_args,
    unlock_refused_write,
)
from keyconf.device.backup import BackupStore, load_backup
from keyconf.device.connection import board_geometry
from keyconf.device.errors import DeviceError, DeviceLocked
from keyconf.device.sync import KeymapSync, board_identity
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "backup", metavar="BACKUP", nargs="?", help="a backup file (default: the newest for this keyboard)"
    )
    parser.add_argument("--list", action="store_true", help="list the backups and exit")
    add_device_arguments(parser)
    add_unlock_arguments(parser)


def _list(store: BackupStore) -> int:
    backups = store.list()
    if not backups:
        print(f"No backups yet (they are kept in {store.folder}).")
        return EXIT_OK
    for path in backups:
        try:
            backup = load_backup(path)
        except DeviceError as error:
            print(f"{path}  (unreadable: {error.message})")
            continue
        ident = backup.identity
        print(f"{path}  {backup.created}  {ident.name} ({ident.keyboard or 'unknown keyboard'})")
    return EXIT_OK


def _grid(name: str, rows: int, cols: int) -> Keyboard:
    """A stand-in geometry with the backup's matrix: restoring needs only the matrix size."""
    keys = [Key(float(c), float(r), matrix=(r, c)) for r in range(rows) for c in range(cols)]
    layouts = {"LAYOUT": LayoutMacro("LAYOUT", keys)}
    return Keyboard(name or "keyboard", matrix_rows=rows, matrix_cols=cols, layouts=layouts)


@device_errors
def run(args: argparse.Namespace) -> int:
    store = BackupStore()
    if args.list:
        return _list(store)
    board = open_from_args(args)
    progress = ProgressLine()
    try:
        path = Path(args.backup) if args.backup else None
        if path is None:
            latest = store.latest(board_identity(board))
            if latest is None:
                raise CommandError(
                    f"no backup of {board.name} found in {store.folder}",
                    EXIT_PROBLEMS,
                    hint="name a backup file; `keyconf restore --list` shows them",
                )
            path = latest
        backup = load_backup(path)
        image = backup.state.keymap
        try:
            geometry = board_geometry(board, args.keyboard or backup.identity.keyboard or None)
        except DeviceError:
            geometry = _grid(backup.identity.keyboard, image.rows, image.cols)
        if (geometry.matrix_rows, geometry.matrix_cols) != (image.rows, image.cols):
            geometry = _grid(backup.identity.keyboard, image.rows, image.cols)
        sync = KeymapSync(board, geometry)
        try:
            try:
                result = sync.restore(backup, progress)
            except DeviceLocked as error:
                if not board.is_vial:
                    raise
                progress.done()
                unlock_refused_write(board, args, error)
                result = sync.restore(backup, progress)
        finally:
            progress.done()
        if result.plan.empty:
            print(f"{board.name} already matches {path}: nothing to write")
        else:
            print(f"Restored {board.name} from {path}: {len(result.plan.keys)} keys rewritten and verified.")
            print(f"Backup of what it held before: {result.backup}", file=sys.stderr)
        return EXIT_OK
    finally:
        board.close()


COMMAND = Subcommand(
    name="restore",
    help="restore a keyboard from one of keyconf's automatic backups",
    add_arguments=add_arguments,
    run=run,
)
