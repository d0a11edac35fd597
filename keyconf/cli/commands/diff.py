"""`keyconf diff A [B]`: what changed between two layouts, key by key.

A and B may be in any format keyconf imports (a YAML layout, keymap.json, keymap.c, VIA or
Vial save). Without B (or with --device) A is compared with the connected keyboard.
Changed keys are listed per layer by their row and column in the YAML layout's grid, with
their legends; layers added, removed, renamed or moved, and changed macros, combos, tap
dances, key overrides and settings follow; a summary line ends the report.
Exit status: 0 same, 1 different, 2 a file could not be read. As a git difftool:

    git difftool -x 'keyconf diff' -y layout.yaml"""

from __future__ import annotations

import argparse

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand
from keyconf.cli.demo_option import add_demo_argument
from keyconf.cli.keyboard_lookup import keyboard_option
from keyconf.cli.keyboard_text import grid_positions
from keyconf.cli.layout_files import import_error
from keyconf.formats.interchange import (
    FORMAT_NAMES,
    VIA,
    VIL,
    FormatError,
    Imported,
    import_layout,
    read_text,
    sniff_format,
)
from keyconf.formats.yaml_layout import LayoutFileError
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout
from keyconf.model.layout_diff import BOARD_ONLY_KEYMAP, LayerDiff, LayoutDiff, diff_layouts
from keyconf.model.retarget import layouts_match


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="A", help="the old layout (any format keyconf imports)")
    parser.add_argument("b", metavar="B", nargs="?", help="the new layout (default: the connected keyboard)")
    parser.add_argument(
        "--device",
        nargs="?",
        const="",
        metavar="SPEC",
        help="compare A with the connected keyboard (SPEC picks one when several are connected)",
    )
    add_demo_argument(parser, help="compare with keyconf's simulated keyboard (`--demo vial`: the Vial one)")
    parser.add_argument("--keyboard", metavar="NAME", help="the keyboard, for files that do not name it")
    parser.add_argument("--layout", metavar="MACRO", help="the layout macro, for VIA and Vial saves")


def run(args: argparse.Namespace) -> int:
    chosen = keyboard_option(args.keyboard)
    keyboard = chosen.keyboard if chosen else None
    old = _read(args.a, keyboard, args.layout)
    skip: frozenset[str] = frozenset()
    if args.device is not None or args.demo or args.b is None:
        new_layout, new_name = _read_device(old, args.device or None, args.demo)
        if "Vial protocol" not in new_name:
            skip = BOARD_ONLY_KEYMAP  # a VIA board holds no settings, tap dances, combos or overrides
    else:
        # Read B in A's terms: its keyboard and layout macro, so matrix-ordered saves line up.
        fallback = keyboard or old.keyboard
        new = _read(args.b, keyboard, args.layout or old.layout.layout_macro, fallback)
        new_layout, new_name = new.layout, f"{args.b} ({FORMAT_NAMES[new.format]})"
    new_keyboard = None if args.device is not None or args.demo or args.b is None else new.keyboard
    match = None
    if old.keyboard is not None and new_keyboard is not None:
        match = layouts_match(old.layout, old.keyboard, new_layout, new_keyboard)
    result = diff_layouts(old.layout, new_layout, skip, match.target_of if match else None)
    print(f"--- {args.a} ({FORMAT_NAMES[old.format]})")
    print(f"+++ {new_name}")
    for line in report_lines(result, old.layout, new_layout, old.keyboard, new_keyboard if match else None):
        print(line)
    print(result.summary())
    return EXIT_OK if result.same else EXIT_PROBLEMS


def _read(path: str, keyboard: Keyboard | None, layout_macro: str | None, fallback: Keyboard | None = None) -> Imported:
    """Import one side. A VIA or Vial save with no keyboard of its own is read with `fallback`
    (the other side's keyboard), so both sides list keys in the same order."""
    finder = CatalogueKeyboards()
    try:
        fmt = sniff_format(path, read_text(path))
        if keyboard is None and fallback is not None and fmt == VIL:
            keyboard = fallback
        try:
            return import_layout(path, keyboard=keyboard, layout_macro=layout_macro, finder=finder, format=fmt)
        except FormatError:
            if keyboard is not None or fallback is None or fmt != VIA:
                raise
            return import_layout(path, keyboard=fallback, layout_macro=layout_macro, finder=finder, format=fmt)
    except (FormatError, LayoutFileError) as error:
        raise import_error(error, EXIT_USAGE) from None  # exit 1 says the layouts differ


def _read_device(old: Imported, spec: str | None, demo: str | None) -> tuple[Layout, str]:
    """The keymap the keyboard holds, read in A's terms (its keyboard, layout macro and layer names)."""
    try:
        from keyconf.device.connection import read_board_layout
    except ImportError:
        raise CommandError(
            "reading the connected keyboard is not available in this build",
            EXIT_USAGE,
            "give a second file to compare with: keyconf diff A B",
        ) from None
    from keyconf.device.demo import default_state_file

    try:
        board = read_board_layout(
            spec,
            keyboard=old.keyboard,
            layout_macro=old.layout.layout_macro or None,
            layer_names=old.layout.layer_names,
            demo=demo or False,
            demo_state=default_state_file(demo) if demo else None,  # the demo board as the last command left it
        )
    except Exception as error:  # noqa: BLE001 - device errors become one clean message
        raise CommandError(f"cannot read the keyboard: {error}", EXIT_USAGE) from None
    return board.layout, board.description


def report_lines(
    result: LayoutDiff, old: Layout, new: Layout, keyboard: Keyboard | None, new_keyboard: Keyboard | None = None
) -> list[str]:
    """The diff as lines of text, layer by layer. With `new_keyboard` (layouts of different
    boards) each key is named by its place on both boards."""
    if new_keyboard is not None:
        return _cross_board_lines(result, old, new, keyboard, new_keyboard)
    lines: list[str] = []
    for layer in result.changed_layers:
        lines.append(_layer_heading(layer))
        if layer.added or layer.removed:
            continue
        positions = _grid_positions(old, keyboard, len(old.layers[layer.old_index or 0].keys))
        width = max((len(f"{c.old_legend} ({c.old})") for c in layer.keys), default=0)
        for change in layer.keys:
            where = positions[change.index] if change.index < len(positions) else f"key {change.index + 1}"
            before = f"{change.old_legend} ({change.old})" if change.old else "—"
            after = f"{change.new_legend} ({change.new})" if change.new else "—"
            lines.append(f"  {where:<8} {before:<{width}}  →  {after}")
        for enc in layer.encoders:
            lines.append(f"  encoder {enc.encoder} {enc.direction}: {enc.old} → {enc.new}")
    for line in result.other:
        lines.append(line)
    return lines


def _cross_board_lines(
    result: LayoutDiff, old: Layout, new: Layout, keyboard: Keyboard | None, new_keyboard: Keyboard
) -> list[str]:
    """Keys named by their place on the old board and on the new: dropped (no place on the new
    board), changed at their new place, and keys only the new board has."""
    lines: list[str] = []
    board = new.keyboard or new_keyboard.name
    for layer in result.layers:
        if layer.added or layer.removed:
            lines.append(_layer_heading(layer))
            continue
        heading = _layer_heading(layer) if layer.renamed or layer.moved else f"layer {layer.old_name}:"
        dropped = sum(1 for c in layer.keys if not c.new)
        only_new = sum(1 for c in layer.keys if not c.old)
        changed = len(layer.keys) - dropped - only_new
        lines.append(
            f"{heading} {layer.relocated} key{'s' if layer.relocated != 1 else ''} moved unchanged, "
            f"{changed} changed, {dropped} with no place on {board}, {only_new} only on {board}"
        )
        old_places = _grid_positions(old, keyboard, len(old.layers[layer.old_index or 0].keys))
        new_places = _grid_positions(new, new_keyboard, len(new.layers[layer.new_index or 0].keys))
        rows = []
        for change in layer.keys:
            before = f"{change.old_legend} ({change.old})" if change.old else "—"
            after = f"{change.new_legend} ({change.new})" if change.new else f"— (no place on {board})"
            where_old = _place(old_places, change.index) if change.old else "—"
            where_new = _place(new_places, change.new_index) if change.new_index is not None else "—"
            rows.append((f"{where_old} → {where_new}", before, after))
        width = max((len(r[0]) for r in rows), default=0)
        left = max((len(r[1]) for r in rows), default=0)
        lines.extend(f"  {where:<{width}}  {before:<{left}}  →  {after}" for where, before, after in rows)
        for enc in layer.encoders:
            lines.append(f"  encoder {enc.encoder} {enc.direction}: {enc.old} → {enc.new}")
    lines.extend(result.other)
    return lines


def _place(places: list[str], index: int) -> str:
    return places[index] if 0 <= index < len(places) else f"key {index + 1}"


def _layer_heading(layer: LayerDiff) -> str:
    if layer.added:
        return f"layer {layer.new_name} added (position {layer.new_index})"
    if layer.removed:
        return f"layer {layer.old_name} removed (was position {layer.old_index})"
    words = [f"layer {layer.old_name}"]
    if layer.renamed:
        words.append(f"renamed to {layer.new_name}")
    if layer.moved:
        words.append(f"moved from position {layer.old_index} to {layer.new_index}")
    return ", ".join(words) + ":"


def _grid_positions(layout: Layout, keyboard: Keyboard | None, count: int) -> list[str]:
    return grid_positions(keyboard.find_layout(layout.layout_macro) if keyboard is not None else None, count)


COMMAND = Subcommand(
    name="diff",
    help="compare two layouts (any formats) key by key; exit 1 when they differ",
    add_arguments=add_arguments,
    run=run,
    description=__doc__,
)
