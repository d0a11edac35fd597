"""`keyconf show FILE [--layer NAME]`: each layer as a picture of the keyboard, in text."""

from __future__ import annotations

import argparse
import sys

from keyconf.cli.command import EXIT_OK, EXIT_USAGE, CommandError, Subcommand, input_exit_code
from keyconf.cli.keyboard_text import draw_layer
from keyconf.cli.layout_files import LayoutFileError, check_layout_file
from keyconf.model.controllers import describe_controller


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a layout file (.yaml)")
    parser.add_argument("--layer", action="append", metavar="NAME", help="show only this layer (repeatable)")


def run(args: argparse.Namespace) -> int:
    try:
        checked = check_layout_file(args.file)
    except LayoutFileError as exc:
        print(exc.format(), file=sys.stderr)
        return input_exit_code(exc)
    layout = checked.loaded.layout
    macro = checked.keyboard.find_layout(layout.layout_macro) if checked.keyboard is not None else None
    wanted = args.layer or layout.layer_names
    unknown = [name for name in wanted if layout.layer_index(name) is None]
    if unknown:
        raise CommandError(f"no layer named {', '.join(unknown)}", EXIT_USAGE,
                           hint=f"layers: {', '.join(layout.layer_names)}")
    title = layout.name or args.file
    controller = describe_controller(checked.keyboard, layout.converter, layout.bootloader)
    print(f"{title} — {layout.keyboard} ({layout.layout_macro})" + (f", {controller}" if controller else ""))
    for name in wanted:
        layer = layout.layer(name)
        index = layout.layer_index(name)
        print(f"\n[{index}] {name}")
        print(draw_layer(layout, layer, macro))
    if checked.errors:
        print(f"\n{len(checked.errors)} problem(s): run `keyconf validate {args.file}`")
    return EXIT_OK


COMMAND = Subcommand(
    name="show",
    help="print each layer of a layout as a text picture of the keyboard",
    add_arguments=add_arguments,
    run=run,
)
