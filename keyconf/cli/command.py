"""The contract every `keyconf` subcommand module fulfils.

Each subcommand lives in its own module under `keyconf.cli.commands` and exposes a
module-level ``COMMAND = Subcommand(...)``. `keyconf.cli.main` discovers them, so adding
a command never means editing a shared table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Exit codes shared by every subcommand.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran, and found problems (invalid file, differences, failed build…)
EXIT_USAGE = 2  # wrong arguments, and input that cannot be read at all (missing, a folder, no permission)


def input_exit_code(error: Exception) -> int:
    """The exit code for an error reading a command's input: EXIT_USAGE when the file could not
    be read at all (the error says `unreadable`), EXIT_PROBLEMS when it was read and is wrong."""
    return EXIT_USAGE if getattr(error, "unreadable", False) else EXIT_PROBLEMS


class CommandError(Exception):
    """A failure to show the user as one clean message (no traceback), with an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_PROBLEMS, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint


def cannot_write(target: Path, error: OSError) -> CommandError:
    """A file the command could not write, with what to do about the usual causes."""
    folder = target.parent
    if not folder.exists():
        hint = f"the folder {folder} does not exist: create it, or pass -o a file in a folder that does"
    elif isinstance(error, PermissionError):
        hint = f"you may not write in {folder}: pass -o a file in a folder of yours"
    else:
        hint = None
    return CommandError(f"cannot write {target}: {error.strerror or error}", EXIT_PROBLEMS, hint)


@dataclass(frozen=True)
class Subcommand:
    """One `keyconf NAME` command: its arguments and what runs it."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str | None = None
