"""`keyconf render LAYOUT -o OUT.svg|png|pdf [--layers NAMES] [--theme light|dark]`: a picture.

Every layer (or those named) is drawn as its keyboard with tap and hold legends, its name as
a title and its combos marked, by the same keycap painter as the editor. A PDF puts all
layers on one landscape page: a cheat sheet to print. Needs no display."""

from __future__ import annotations

import argparse

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand
from keyconf.cli.keyboard_lookup import keyboard_option
from keyconf.cli.layout_files import import_for_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("layout", metavar="LAYOUT", help="a layout (.yaml, or any format keyconf imports)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="the picture: .svg, .png or .pdf")
    parser.add_argument("--layers", metavar="NAMES", help="comma-separated layer names (default: all)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light", help="keycap colours")
    parser.add_argument("--scale", type=float, default=1.0, help="PNG pixels per drawing pixel (default 1)")
    parser.add_argument("--keyboard", metavar="NAME", help="the keyboard: a QMK name or a VIA/Vial/QMK definition file")


def run(args: argparse.Namespace) -> int:
    if not 0.1 <= args.scale <= 8:
        raise CommandError("--scale must be between 0.1 and 8", EXIT_USAGE)
    chosen = keyboard_option(args.keyboard)
    imported = import_for_command(args.layout, chosen.keyboard if chosen else None)
    keyboard = imported.keyboard or imported.layout.geometry
    if keyboard is None:
        raise CommandError(
            f"keyboard {imported.layout.keyboard or '(none)'} is unknown, so there is nothing to draw the keys on",
            EXIT_PROBLEMS,
            "pass --keyboard, or embed the geometry in the layout",
        )
    from keyconf.render.export import PictureError, write_picture

    layers = [name.strip() for name in args.layers.split(",") if name.strip()] if args.layers else None
    try:
        sheet = write_picture(
            args.output, imported.layout, keyboard, layers=layers, dark=args.theme == "dark", scale=args.scale
        )
    except PictureError as error:
        raise CommandError(error.message, EXIT_PROBLEMS, error.hint) from None
    print(f"{args.output}: {len(sheet.blocks)} layer(s), {round(sheet.width)}×{round(sheet.height)}")
    return EXIT_OK


COMMAND = Subcommand(
    name="render",
    help="draw a layout's layers as a picture (SVG, PNG, or a one-page PDF cheat sheet)",
    add_arguments=add_arguments,
    run=run,
)
