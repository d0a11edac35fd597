"""`keyconf export LAYOUT --format FORMAT [-o OUT]`: write a layout for another tool.

FORMAT is keymap.json (QMK Configurator, `qmk compile`), keymap.c, via (a VIA save to load
with "Load saved layout"), vil (a Vial save), keymap-drawer (YAML for keymap-drawer) or
yaml. LAYOUT may itself be in any format keyconf imports, so this also converts, e.g. a
Vial save to a VIA save. Without -o the result goes to standard output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keyconf.catalogue.qmk_home import QmkHomeNotFound, find_qmk_home_or_none
from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand, cannot_write
from keyconf.cli.keyboard_lookup import keyboard_option
from keyconf.cli.layout_files import import_error, import_for_command
from keyconf.compiler.dialect import NEWEST_KNOWN_SPEC, QmkDialect
from keyconf.compiler.export import export_layout, export_warnings, keymap_c_sources
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.formats.atomic import write_atomic
from keyconf.formats.interchange import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    FormatError,
    Imported,
)
from keyconf.formats.yaml_layout import LayoutFileError
from keyconf.model.keycodes import REGISTRY


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("layout", metavar="LAYOUT", help="a layout (.yaml, or any format keyconf imports)")
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="what to write")
    parser.add_argument("-o", "--output", metavar="OUT", help="the file to write (default: standard output); for "
                        "keymap.c a folder (ending in /) gets keymap.c, rules.mk and config.h")
    parser.add_argument("--keyboard", metavar="NAME", help="the keyboard: a QMK name or a VIA/Vial/QMK definition file")
    parser.add_argument("--layout-macro", dest="layout_macro", metavar="MACRO", help="layout macro for saves")
    parser.add_argument(
        "--qmk-home",
        metavar="PATH",
        help="keymap.json / keymap.c: write for this qmk_firmware tree's QMK version (default: the tree "
        "`keyconf compile` would use, if any)",
    )
    parser.add_argument(
        "--keycode-spec",
        metavar="VERSION",
        choices=REGISTRY.spec_versions,
        help=f"keymap.json / keymap.c without a tree: the QMK keycode spec to write for, e.g. 0.0.3 for QMK of "
        f"early 2024 (default {NEWEST_KNOWN_SPEC}, current QMK)",
    )
    parser.add_argument(
        "--macro-count",
        type=int,
        metavar="N",
        help="the board's number of macros, for --format via (default 16, QMK's default)",
    )


def run(args: argparse.Namespace) -> int:
    if args.macro_count is not None and not 0 <= args.macro_count <= 255:
        raise CommandError("--macro-count must be from 0 to 255", EXIT_USAGE)
    chosen = keyboard_option(args.keyboard)
    imported = import_for_command(args.layout, chosen.keyboard if chosen else None, layout_macro=args.layout_macro)
    dialect = _dialect(args)
    try:
        text = export_layout(
            imported.layout, args.format, imported.keyboard, macro_count=args.macro_count, dialect=dialect
        )
    except (FormatError, LayoutFileError) as error:
        raise import_error(error) from None
    for warning in export_warnings(imported.layout, args.format):
        print(f"keyconf: warning: {warning}", file=sys.stderr)
    if args.format == "keymap.c":
        return _write_keymap_c(args, imported, dialect)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    try:
        write_atomic(target, text)
    except OSError as error:
        raise cannot_write(target, error) from None
    print(f"{target}: {FORMAT_NAMES[args.format]}", file=sys.stderr)
    return EXIT_OK


def _dialect(args: argparse.Namespace) -> QmkDialect | None:
    """Which QMK keymap.json / keymap.c are written for, said on standard error: --keycode-spec,
    else the tree (--qmk-home, or the one keyconf finds), else current QMK."""
    if args.format not in ("keymap.json", "keymap.c"):
        return None
    how = "pass --qmk-home PATH (your qmk_firmware) or --keycode-spec VERSION to write for another QMK"
    if args.keycode_spec:
        print(f"keyconf: note: written for QMK keycode spec {args.keycode_spec} (--keycode-spec)", file=sys.stderr)
        return QmkDialect(keycode_spec_version=args.keycode_spec)
    try:
        home = find_qmk_home_or_none(args.qmk_home)
    except QmkHomeNotFound as missing:
        raise CommandError(missing.message, EXIT_USAGE, missing.hint) from None
    if home is None:
        print(f"keyconf: note: no qmk_firmware tree found: written for QMK keycode spec {NEWEST_KNOWN_SPEC} "
              f"(current QMK); {how}", file=sys.stderr)
        return None
    dialect = QmkTree(home.path).dialect
    print(f"keyconf: note: written for {home.path} (QMK keycode spec {dialect.keycode_spec_version}, "
          f"from {home.source})", file=sys.stderr)
    return dialect


def _write_keymap_c(args: argparse.Namespace, imported: Imported, dialect: QmkDialect | None = None) -> int:
    """keymap.c alone to a file or standard output; with -o FOLDER, its rules.mk and config.h too
    (tap dances, combos, key overrides and settings need them), and the layout's `c_files`."""
    try:
        files = keymap_c_sources(imported.layout, imported.keyboard, Path(args.layout).name, dialect)
    except FormatError as error:
        raise CommandError(str(error), EXIT_PROBLEMS, error.hint) from None
    needs_companions = any(_has_content(files[name]) for name in ("rules.mk", "config.h"))
    folder = Path(args.output) if args.output and args.output != "-" else None
    if folder is not None and (folder.is_dir() or args.output.endswith(("/", "\\"))):
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():  # the layout's c_files keep their subfolders
            try:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                write_atomic(folder / name, content)
            except OSError as error:
                raise cannot_write(folder / name, error) from None
            print(f"{folder / name}", file=sys.stderr)
        return EXIT_OK
    if folder is None:
        sys.stdout.write(files["keymap.c"])
    else:
        try:
            write_atomic(folder, files["keymap.c"])
        except OSError as error:
            raise cannot_write(folder, error) from None
        print(f"{folder}: {FORMAT_NAMES[args.format]}", file=sys.stderr)
    if imported.layout.c_files:
        print(f"keyconf: note: this keymap also needs its rules.mk, config.h and the layout's {len(files) - 3} more "
              "C files (c_files); give a folder (-o FOLDER/) to write them all", file=sys.stderr)
    elif needs_companions:
        print("keyconf: note: this keymap also needs its rules.mk and config.h (features and settings it "
              "uses); give a folder (-o FOLDER/) to write all three", file=sys.stderr)
    return EXIT_OK


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith(("#", "//", "/*", "*")) for line in text.splitlines()
               if not line.startswith("#pragma once"))


COMMAND = Subcommand(
    name="export",
    help="write a layout as keymap.json, keymap.c, a VIA or Vial save, or keymap-drawer YAML",
    add_arguments=add_arguments,
    run=run,
)
