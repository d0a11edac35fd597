"""`keyconf compile LAYOUT.yaml`: build the firmware with the local qmk_firmware tree."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.catalogue.qmk_home import QmkHomeNotFound, find_qmk_home, userspace_module_roots
from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand, input_exit_code
from keyconf.compiler.build import DEFAULT_KEYMAP, BuildRefused, BuildRequest, FirmwareBuild, default_jobs
from keyconf.compiler.progress import Progress
from keyconf.compiler.qmk_tree import fork_of_board, fork_tree_hint
from keyconf.formats.yaml_layout import LayoutFileError, LoadedLayout, load_layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("layout", metavar="LAYOUT.yaml", help="the layout file to build")
    parser.add_argument("-o", "--output", metavar="DIR", default=".",
                        help="folder for the firmware and its metadata (default: the current folder)")
    parser.add_argument("--qmk-home", metavar="PATH",
                        help="the qmk_firmware tree (default: QMK_HOME, `qmk config user.qmk_home`, ~/qmk_firmware)")
    parser.add_argument("--keymap", metavar="NAME", default=DEFAULT_KEYMAP,
                        help=f"keymap name, used in the firmware file name (default: {DEFAULT_KEYMAP})")
    via = parser.add_mutually_exclusive_group()
    via.add_argument("--via", dest="via", action="store_true", default=None,
                     help="build with VIA support (default: when the board has a stock VIA keymap)")
    via.add_argument("--no-via", dest="via", action="store_false", help="build without VIA support")
    parser.add_argument("--lto", action="store_true",
                        help="link-time optimisation (LTO_ENABLE = yes): a smaller firmware, for boards it overfills")
    parser.add_argument("-j", "--jobs", type=int, metavar="N", default=None,
                        help=f"parallel compile jobs (default: the CPU count, here {default_jobs()})")
    parser.add_argument("--flash", action="store_true", help="flash the firmware onto the keyboard after building")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="do not show the build output; print problems and the firmware path only")


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise CommandError("-j needs a number of jobs, 1 or more", EXIT_USAGE)
    loaded = _load(args.layout)
    try:
        home = find_qmk_home(args.qmk_home, cwd=Path.cwd())
    except QmkHomeNotFound as missing:
        fork = fork_of_board(loaded.layout.keyboard) if loaded.layout.geometry is None else None
        if fork is not None and fork.is_newer_upstream:  # a tree from before it came would not build it
            raise CommandError(f"{missing.message}; {loaded.layout.keyboard} is a board qmk_firmware added lately "
                               f"(its {fork.branch} of {fork.date} has it): a tree older than that lacks it",
                               EXIT_PROBLEMS, fork_tree_hint(fork)) from None
        if fork is not None:  # upstream's tree would not build it either: say which one does
            raise CommandError(f"{missing.message}; {loaded.layout.keyboard} is a board of {fork.name} "
                               f"(branch {fork.branch}), not of qmk_firmware", EXIT_PROBLEMS,
                               fork_tree_hint(fork)) from None
        raise CommandError(missing.message, EXIT_PROBLEMS, missing.hint) from None
    request = BuildRequest(
        layout=loaded.layout,
        qmk_home=home.path,
        output_dir=Path(args.output).expanduser(),
        keymap=args.keymap,
        via=args.via,
        lto=args.lto,
        jobs=args.jobs,
        source_name=Path(args.layout).name,
        row_lengths=loaded.row_lengths,
        layout_path=Path(args.layout),
        module_roots=userspace_module_roots(cwd=Path.cwd()) if loaded.layout.modules else (),
    )
    progress = _ProgressLine(enabled=args.quiet and sys.stderr.isatty())
    build = FirmwareBuild(
        request,
        on_line=(lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True)),
        on_progress=progress.show,
    )
    try:
        result = build.run()
    except BuildRefused as refused:
        progress.clear()
        _print_problems(loaded, refused.problems)
        count = len(refused.problems)
        print(f"{args.layout}: not built, {count} problem{'s' if count != 1 else ''} (make did not run)",
              file=sys.stderr)
        return EXIT_PROBLEMS
    progress.clear()
    if not result.ok:
        _print_problems(loaded, result.problems)
        state = "cancelled" if result.status == "cancelled" else "failed"
        print(f"{args.layout}: build {state} after {result.seconds:.1f} s", file=sys.stderr)
        return EXIT_PROBLEMS
    assert result.firmware is not None
    print(f"built {result.firmware.name} in {result.seconds:.1f} s "
          f"(QMK tree {home.path}, found by {home.source})", file=sys.stderr)
    if args.flash:
        _flash(result.firmware, loaded, build)
    print(result.firmware)
    return EXIT_OK


def _load(path: str) -> LoadedLayout:
    try:
        return load_layout(path)
    except LayoutFileError as problem:
        raise CommandError(problem.format(), input_exit_code(problem)) from None


def _print_problems(loaded: LoadedLayout, problems: list) -> None:  # type: ignore[type-arg]
    for problem in loaded.locate(problems):
        print(problem.format(), file=sys.stderr)


def _flash(firmware: Path, loaded: LoadedLayout, build: FirmwareBuild) -> None:
    from keyconf.flash.job import FlashError, LogEvent, ProgressEvent, StatusEvent, WaitingEvent, flash_firmware

    def show(event: object) -> None:
        if isinstance(event, StatusEvent):
            print(("warning: " if event.level == "warning" else "") + event.message, file=sys.stderr)
        elif isinstance(event, WaitingEvent):
            print(f"{event.instructions} ({event.seconds_left:.0f} s left)", file=sys.stderr)
        elif isinstance(event, LogEvent):
            print(event.text.rstrip("\r\n"), file=sys.stderr)
        elif isinstance(event, ProgressEvent):
            pass

    plan = build.plan
    try:
        outcome = flash_firmware(
            firmware,
            layout=loaded.layout,
            keyboard=plan.keyboard if plan is not None else None,
            on_event=show,
        )
    except FlashError as failure:
        raise CommandError(f"built {firmware}, but flashing failed: {failure.message}", EXIT_PROBLEMS,
                           failure.hint) from None
    if not outcome.ok:
        raise CommandError(f"built {firmware}, but flashing failed: {outcome.message}", EXIT_PROBLEMS)


class _ProgressLine:
    """A one-line progress figure on a terminal (only in --quiet mode, where no log scrolls by)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False

    def show(self, progress: Progress) -> None:
        if not self.enabled:
            return
        text = f"\rbuilding: {progress.fraction * 100:3.0f}% ({progress.compiled}/{progress.expected} objects)"
        print(text, end="", file=sys.stderr, flush=True)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
            self.shown = False


COMMAND = Subcommand(
    name="compile",
    help="build firmware for a layout with the local qmk_firmware tree",
    add_arguments=add_arguments,
    run=run,
    description="Build the firmware for LAYOUT.yaml with your qmk_firmware tree (offline): checks the "
    "layout against the tree first, builds through a QMK userspace keyconf owns (the tree is "
    "never changed), writes the firmware and its metadata to DIR and prints the firmware's path "
    "last. Exit status: 0 built, 1 problems or a failed build, 2 usage error.",
)
