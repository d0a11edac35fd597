"""Start the desktop application: `keyconf [FILE] [--screenshot OUT.png] ...`.

Until the GUI lands, this shows the layout in the terminal as `keyconf show` does.
"""

from __future__ import annotations

from collections.abc import Sequence


def run(args: Sequence[str]) -> int:
    from keyconf.cli.main import build_parser, discover_subcommands

    build_parser(discover_subcommands()).print_help()
    return 0
