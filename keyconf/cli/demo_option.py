"""`--demo [BOARD]`: the simulated keyboard instead of hardware, for every face of keyconf.

`--demo` alone is the Planck; `--demo vial` the locked Vial board. An option with an optional
value would swallow the next word (`keyconf push --demo FILE`, `keyconf --demo pull`), so a
board name is recognised before parsing (`normalize_demo_args`) and handed over as
`--demo-board=NAME`; a bare `--demo` never takes a value. Both set the same destination.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from keyconf import DEMO_BOARDS

DEMO_BOARD_OPTION = "--demo-board"


def add_demo_argument(parser: argparse.ArgumentParser, *, dest: str = "demo", help: str | None = None) -> None:
    parser.add_argument(
        "--demo",
        dest=dest,
        action="store_const",
        const=DEMO_BOARDS[0],
        default=None,
        help=help
        or "use keyconf's simulated keyboard instead of hardware: a Planck (VIA), or `--demo vial` for a "
        "locked Vial board with tap dances, combos, key overrides and QMK settings",
    )
    parser.add_argument(DEMO_BOARD_OPTION, dest=dest, choices=DEMO_BOARDS, help=argparse.SUPPRESS)


def normalize_demo_args(args: Sequence[str]) -> list[str]:
    """`--demo vial` and `--demo=vial` become `--demo-board=vial`; everything else is kept."""
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        if arg == "--demo" and i + 1 < len(args) and args[i + 1] in DEMO_BOARDS:
            out.append(f"{DEMO_BOARD_OPTION}={args[i + 1]}")
            i += 2
            continue
        if arg.startswith("--demo="):
            out.append(f"{DEMO_BOARD_OPTION}={arg.split('=', 1)[1]}")
        else:
            out.append(arg)
        i += 1
    return out
