"""`keyconf pull [-o FILE]`: read a keyboard's keymap into a layout file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.cli.command import EXIT_OK, EXIT_USAGE, CommandError, Subcommand
from keyconf.cli.device_options import ProgressLine, add_device_arguments, device_errors
from keyconf.device.connection import read_board_layout
from keyconf.formats.atomic import write_atomic
from keyconf.formats.yaml_layout import dumps_layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="write the layout here (default: print it)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument("--layout", metavar="MACRO", help="the layout macro to read keys for (e.g. LAYOUT_ortho_4x12)")
    add_device_arguments(parser)


@device_errors
def run(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        raise CommandError(f"{output} exists", EXIT_USAGE, hint="use --force to replace it, or choose another name")
    progress = ProgressLine()
    try:
        read = read_board_layout(
            args.device,
            keyboard=args.keyboard,
            layout_macro=args.layout,
            demo=args.demo,
            demo_state=_demo_state(args),
            progress=progress,
        )
    finally:
        progress.done()
    read.layout.notes = f"Read from {read.description}"
    text = dumps_layout(read.layout, read.keyboard)
    for warning in read.warnings:
        print(f"keyconf: warning: {warning}", file=sys.stderr)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        layers = len(read.layout.layers)
        print(f"Read {layers} layers from {read.description} into {output}", file=sys.stderr)
    return EXIT_OK


def _demo_state(args: argparse.Namespace) -> Path | None:
    if not args.demo:
        return None
    from keyconf.device.demo import default_state_file

    return default_state_file(args.demo)


COMMAND = Subcommand(
    name="pull",
    help="read a keyboard's keymap into a layout file",
    add_arguments=add_arguments,
    run=run,
)
