"""`keyconf validate FILE...`: check layouts; `--fix` rewrites deprecated keycode names."""

from __future__ import annotations

import argparse
import sys

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, Subcommand, input_exit_code
from keyconf.cli.layout_files import LayoutFileError, check_layout_file
from keyconf.formats.yaml_layout import save_layout
from keyconf.model.controllers import describe_controller
from keyconf.model.validation import fix_deprecated_names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="layout files (.yaml)")
    parser.add_argument("--fix", action="store_true",
                        help="rewrite deprecated and dialect keycode names to their canonical spelling")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only, no summary")


def run(args: argparse.Namespace) -> int:
    results = [_validate_one(path, args) for path in args.files]
    return max(results, default=EXIT_OK)


def _validate_one(path: str, args: argparse.Namespace) -> int:
    try:
        checked = check_layout_file(path)
    except LayoutFileError as exc:
        print(exc.format(), file=sys.stderr)
        return input_exit_code(exc)
    if args.fix:
        changes = fix_deprecated_names(checked.loaded.layout)
        if changes:
            save_layout(checked.loaded.layout, path, checked.loaded)
            print(f"{path}: rewrote {len(changes)} keycode name{'s' if len(changes) != 1 else ''}")
            checked = check_layout_file(path)
    for problem in checked.problems:
        print(problem.format(), file=sys.stderr if problem.is_error else sys.stdout)
    errors, warnings = len(checked.errors), len(checked.warnings)
    if not args.quiet:
        if errors or warnings:
            print(f"{path}: {errors} error{'s' if errors != 1 else ''}, "
                  f"{warnings} warning{'s' if warnings != 1 else ''}")
        else:
            layout = checked.loaded.layout
            controller = describe_controller(checked.keyboard, layout.converter, layout.bootloader)
            board = f"{layout.keyboard}, {controller}" if controller else layout.keyboard
            print(f"{path}: ok ({board}, {len(layout.layers)} layers)")
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


COMMAND = Subcommand(
    name="validate",
    help="check layout files and report problems with their position",
    add_arguments=add_arguments,
    run=run,
    description="Check layout files: unknown keycodes, key counts, layer references, macros, tap "
    "dances… Exit status: 0 ok, 1 problems found, 2 usage error or a file that cannot be read.",
)
