"""Entry point of the `keyconf` command.

`keyconf SUBCOMMAND ...` runs a subcommand (discovered in `keyconf.cli.commands`);
anything else (`keyconf`, `keyconf FILE`, `keyconf --screenshot OUT.png`) starts the
desktop application through `keyconf.cli.app`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from keyconf import __version__
from keyconf.cli import commands as commands_package
from keyconf.cli.command import EXIT_USAGE, CommandError, Subcommand
from keyconf.cli.demo_option import add_demo_argument, normalize_demo_args


def discover_subcommands() -> dict[str, Subcommand]:
    found: dict[str, Subcommand] = {}
    for info in pkgutil.iter_modules(commands_package.__path__):
        module = importlib.import_module(f"{commands_package.__name__}.{info.name}")
        command = getattr(module, "COMMAND", None)
        if isinstance(command, Subcommand):
            found[command.name] = command
    return dict(sorted(found.items()))


def build_parser(subcommands: dict[str, Subcommand]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyconf",
        description="Keyboard layout configurator for QMK keyboards. "
        "Without a subcommand, opens the desktop editor.",
        epilog="The desktop editor: keyconf [FILE] [--demo] [--dark|--light] "
        "[--screenshot OUT.png [--layer NAME] [--size WxH]] [--paths] (see `keyconf --app-help`). "
        "Each subcommand has its own --help.",
    )
    parser.add_argument("--version", action="version", version=f"keyconf {__version__}")
    # `keyconf --demo pull` as well as `keyconf pull --demo`: the device commands' own --demo
    # is set from this one after parsing (a separate name, or the subcommand's default would
    # overwrite it).
    add_demo_argument(
        parser,
        dest="global_demo",
        help="device commands use keyconf's simulated keyboard (`--demo vial`: the Vial one); without a "
        "subcommand, the editor connects it",
    )
    sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    for command in subcommands.values():
        p = sub.add_parser(command.name, help=command.help, description=command.description or command.help)
        command.add_arguments(p)
        p.set_defaults(_run=command.run)
    return parser


def report_error(error: CommandError) -> None:
    print(f"keyconf: error: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"  hint: {error.hint}", file=sys.stderr)


def apply_global_demo(ns: argparse.Namespace) -> None:
    """Hand a `--demo` given before the subcommand to the subcommand's own `--demo`."""
    if not getattr(ns, "global_demo", None):
        return
    if not hasattr(ns, "demo"):
        raise CommandError(
            f"--demo does not apply to `keyconf {ns.subcommand}`",
            EXIT_USAGE,
            hint="--demo works with the commands that talk to a keyboard (devices, pull, push, restore, …)",
        )
    ns.demo = ns.global_demo


def subcommand_module_names() -> set[str]:
    """Subcommand names without importing them: a module per subcommand, named after it
    (`import_` for `import`, which is a Python keyword; `_` for `-` in longer names)."""
    names: set[str] = set()
    for info in pkgutil.iter_modules(commands_package.__path__):
        names.update({info.name, info.name.rstrip("_"), info.name.rstrip("_").replace("_", "-")})
    return names


def main(argv: Sequence[str] | None = None) -> int:
    args = normalize_demo_args(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args if not a.startswith("-")), None)
    wants_cli = (first in subcommand_module_names()) or any(a in ("-h", "--help", "--version") for a in args[:1])
    if args[:1] == ["--app-help"]:  # the desktop editor's own options
        args, wants_cli = ["--help"], False
    # The desktop editor starts without importing every subcommand (start-up time).
    subcommands = discover_subcommands() if wants_cli else {}
    try:
        if not wants_cli:
            from keyconf.cli import app

            return app.run(args, program=argv is None)  # None: this process's own command line
        parser = build_parser(subcommands)
        ns = parser.parse_args(args)
        if not getattr(ns, "subcommand", None):
            parser.print_help()
            return EXIT_USAGE
        apply_global_demo(ns)
        return int(ns._run(ns))
    except CommandError as error:
        report_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        print("keyconf: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last guard: no traceback reaches a user
        if os.environ.get("KEYCONF_DEBUG"):
            raise
        log = write_crash_log()
        print(f"keyconf: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"  this is a bug in keyconf; the details are in {log}" if log else
              "  this is a bug in keyconf; run with KEYCONF_DEBUG=1 for the details", file=sys.stderr)
        return 70


def write_crash_log() -> str | None:
    """Save the current exception's traceback in the user log folder; its path, or None."""
    import datetime
    import traceback

    try:
        from keyconf.app_dirs import app_dirs

        folder = app_dirs().logs  # where `keyconf --paths` says logs are
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"crash-{datetime.datetime.now():%Y%m%d-%H%M%S}.log")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"keyconf {__version__}\n{' '.join(sys.argv)}\n\n{traceback.format_exc()}")
        return path
    except Exception:  # noqa: BLE001 - never fail while reporting a failure
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
