"""`keyconf retarget LAYOUT --keyboard NAME [--layout MACRO] [-o OUT.yaml]`: take a layout to another board.

Every layer's keys move to the keys of the new board that play their part: the home row, the
letter columns counted from the inner edge, the thumb keys from the innermost outward, the
modifier row from the corners, the number and F-key rows, a navigation block and numpad.
Keys the new board has no place for are listed per layer (dropped), keys of the new board
nothing lands on are KC_NO and listed (unfilled), each by its legend and its place (row and
column in the YAML file's grid, and where a finger finds it). Macros, tap dances, combos,
key overrides, custom keycodes and settings come along unchanged; combos whose keys left the
board are reported, and the result is checked like `keyconf validate` does.
Review the move with `keyconf diff LAYOUT OUT.yaml`.
Exit status: 0 written, 1 written with errors in the result, 2 bad arguments or input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand, cannot_write
from keyconf.cli.keyboard_lookup import keyboard_option, named_board
from keyconf.cli.keyboard_text import grid_positions
from keyconf.cli.layout_files import import_for_command
from keyconf.formats.atomic import write_atomic
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.key_matching import KeyRole
from keyconf.model.keycodes import ParseContext
from keyconf.model.layout import Layout, keycode_context
from keyconf.model.layout_diff import legend_text
from keyconf.model.retarget import Retargeted, retarget_layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("layout", metavar="LAYOUT", help="the layout to move (.yaml, or any format keyconf imports)")
    parser.add_argument(
        "--keyboard", required=True, metavar="NAME", help="the new keyboard: a QMK name or a definition file"
    )
    parser.add_argument("--layout", dest="macro", metavar="MACRO", help="the new keyboard's layout macro "
                        "(default: the one that drops fewest keys)")
    parser.add_argument("--from-keyboard", metavar="NAME", help="the layout's keyboard, for files that do not name it")
    parser.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the moved layout (- for stdout)")
    parser.add_argument("-f", "--force", action="store_true", help="overwrite OUT if it exists")
    parser.add_argument("--moves", action="store_true", help="list every key that moved, not only the count")


def run(args: argparse.Namespace) -> int:
    source_choice = keyboard_option(args.from_keyboard)
    imported = import_for_command(args.layout, source_choice.keyboard if source_choice else None)
    source = imported.keyboard or imported.layout.geometry
    if source is None:
        raise CommandError(
            f"keyboard {imported.layout.keyboard or '(none)'} is unknown, so its keys cannot be placed",
            EXIT_USAGE,
            "pass --from-keyboard with its QMK name or definition file",
        )
    if source.resolve_layout_name(imported.layout.layout_macro) is None:
        raise CommandError(
            f"{source.name} has no layout macro {imported.layout.layout_macro or '(none)'}, so the layout's keys "
            "cannot be placed",
            EXIT_USAGE,
            f"the layout's `layout:` should be one of: {', '.join(source.layouts)}",
        )
    chosen = keyboard_option(args.keyboard)
    assert chosen is not None
    chosen = named_board(chosen, args.keyboard)
    target = chosen.keyboard
    if not target.layouts:
        raise CommandError(f"{target.name} defines no layout macros", EXIT_USAGE)
    if args.macro is not None and target.resolve_layout_name(args.macro) is None:
        raise CommandError(
            f"{target.name} has no layout macro {args.macro}",
            EXIT_USAGE,
            f"choose one of: {', '.join(target.layouts)}",
        )
    moved = retarget_layout(imported.layout, source, target, args.macro, embed_geometry=chosen.from_file)
    text = dumps_layout(moved.layout, target)
    output = args.output or str(_default_output(Path(args.layout), target.name))
    if output != "-":
        path = Path(output)
        if path.exists() and not args.force:
            raise CommandError(f"{path} exists", EXIT_USAGE, "pass --force to overwrite it, or -o another file")
        try:
            write_atomic(path, text)
        except OSError as error:
            raise cannot_write(path, error) from None
    report = sys.stderr if output == "-" else sys.stdout
    if output == "-":
        sys.stdout.write(text)
    for line in report_lines(moved, imported.layout, args.layout, output, args.moves):
        print(line, file=report)
    problems = loads_layout(text, output if output != "-" else "<output>").locate(moved.problems)
    for problem in problems:
        print(problem.format(), file=report)
    if output != "-":
        print(f"review the move: keyconf diff {args.layout} {output}", file=report)
    return EXIT_PROBLEMS if any(p.is_error for p in problems) else EXIT_OK


def _default_output(source: Path, keyboard: str) -> Path:
    """`corne.yaml` moved to `ferris/sweep` → `corne-sweep.yaml`, in the current folder."""
    stem = source.name.split(".")[0] or "layout"
    return Path(f"{stem}-{keyboard.rstrip('/').split('/')[-1] or 'keyboard'}.yaml")


def report_lines(moved: Retargeted, original: Layout, source_name: str, output: str, every_move: bool) -> list[str]:
    """The move in words: per layer, what was dropped and what is unfilled, by legend and place."""
    result = moved.layout
    old_places = grid_positions(moved.source_macro, moved.source_macro.key_count)
    new_places = grid_positions(moved.target_macro, moved.target_macro.key_count)
    ctx = keycode_context(original)
    lines = [
        f"{source_name} ({original.keyboard}, {original.layout_macro}) → "
        f"{'stdout' if output == '-' else output} ({result.keyboard}, {result.layout_macro})"
    ]
    unfilled = moved.match.unfilled
    if unfilled:
        lines.append(f"{len(unfilled)} key{'s' if len(unfilled) != 1 else ''} of {result.keyboard} "
                     "have nothing landing on them: KC_NO on every layer (unfilled)")
        for j in unfilled:
            lines.append(f"  unfilled {_at(new_places, j):<8} {_role(moved.match.target_roles, j)}")
    for before, move in zip(original.layers, moved.layers, strict=True):
        lines.append(
            f"layer {move.name}: {len(move.moved)} moved, {len(move.dropped)} dropped, {len(move.unfilled)} unfilled"
        )
        if every_move:
            for i, j in move.moved:
                legend = _legend(before.keys[i], ctx)
                lines.append(f"  moved    {_at(old_places, i)} → {_at(new_places, j):<8} {legend}")
        for i in move.dropped:
            legend = _legend(before.keys[i], ctx)
            lines.append(f"  dropped  {_at(old_places, i):<8} {legend:<28} {_role(moved.match.source_roles, i)}")
        for e in move.encoders_dropped:
            enc = before.encoders[e]
            lines.append(f"  dropped  encoder {e}: {enc.ccw} / {enc.cw}")
        for e in move.encoders_unfilled:
            lines.append(f"  unfilled encoder {e}: KC_NO / KC_NO")
    for combo in moved.combos:
        lines.append(f"combo {combo}")
    for label in moved.layout_options:
        lines.append(f"layout option {label!r} dropped: {result.keyboard} has no such option")
    dropped = moved.dropped_count
    lines.append(
        f"{len(result.layers)} layer{'s' if len(result.layers) != 1 else ''} moved; "
        f"{dropped} key{'s' if dropped != 1 else ''} dropped in all, "
        f"{sum(len(m.unfilled) for m in moved.layers)} unfilled"
    )
    return lines


def _legend(text: str, ctx: ParseContext) -> str:
    legend = legend_text(text, ctx)
    return f"{legend} ({text})" if legend != text else text


def _at(places: list[str], index: int) -> str:
    return places[index] if index < len(places) else f"key {index + 1}"


def _role(roles: tuple[KeyRole | None, ...], index: int) -> str:
    role = roles[index] if index < len(roles) else None
    return role.describe() if role is not None else ""


COMMAND = Subcommand(
    name="retarget",
    help="move a layout to another keyboard, keys matched by where fingers find them",
    add_arguments=add_arguments,
    run=run,
    description=__doc__,
)
