"""`keyconf devices`: the VIA/Vial keyboards connected, and what each says about itself."""

from __future__ import annotations

import argparse

from keyconf.cli.command import EXIT_OK, Subcommand
from keyconf.cli.demo_option import add_demo_argument
from keyconf.cli.device_options import device_errors
from keyconf.device.board import Board
from keyconf.device.connection import list_devices, open_board
from keyconf.device.discovery import DeviceInfo, hidraw_node, open_transport, udev_hint
from keyconf.device.errors import DeviceError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_demo_argument(parser, help="list keyconf's simulated demo keyboard (`--demo vial`: the Vial one)")
    parser.add_argument(
        "--no-probe", action="store_true", help="only list; do not open each keyboard to ask its protocol"
    )


def _probe(info: DeviceInfo, demo: str | None) -> str:
    try:
        board = open_board(demo=demo) if demo else Board.connect(open_transport(info), info, timeout_ms=500)
    except DeviceError as error:
        return f"cannot talk to it: {error.message}"
    try:
        text = board.describe().split(", ", 1)[1]
        numbering = "current" if board.current_numbering else "legacy (pre-2022)"
        return f"{text}; {numbering} keycode numbering"
    finally:
        board.close()


@device_errors
def run(args: argparse.Namespace) -> int:
    devices = list_devices(demo=args.demo or False)
    if not devices:
        print("No VIA or Vial keyboard is connected.")
        print("  Plug one in (its firmware must have VIA or Vial enabled), or try `keyconf devices --demo`.")
        return EXIT_OK
    for number, info in enumerate(devices, 1):
        print(f"{number}. {info.describe()}")
        if not info.accessible:
            node = hidraw_node(info.path) or info.path_text
            print(f"   no permission to open it: {udev_hint(node)}")
        elif not args.no_probe:
            print(f"   {_probe(info, args.demo)}")
    return EXIT_OK


COMMAND = Subcommand(
    name="devices",
    help="list connected VIA/Vial keyboards",
    add_arguments=add_arguments,
    run=run,
)
