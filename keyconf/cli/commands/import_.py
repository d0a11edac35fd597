"""`keyconf import FILE [-o OUT.yaml] [--keyboard NAME] [--layout MACRO]`: any layout file to YAML.

Reads a QMK keymap.json (Configurator export or `qmk c2json`), a keymap.c, a VIA save
(.layout.json) or a Vial save (.vil), and writes a keyconf YAML layout (a keymap.c's own C code
and the other C files of its folder beside it). The format is told
from the file. Anything the file holds that a layout cannot is reported, never dropped
silently."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand, cannot_write
from keyconf.cli.keyboard_lookup import keyboard_option, named_board
from keyconf.cli.layout_files import check_layout_file, import_error
from keyconf.formats.atomic import write_atomic
from keyconf.formats.c_source_file import CSourceFileError, write_c_files
from keyconf.formats.foreign_keycodes import respell_in_language
from keyconf.formats.interchange import FORMAT_NAMES, IMPORT_FORMATS, FormatError, import_layout, layout_text
from keyconf.formats.yaml_layout import LayoutFileError
from keyconf.model.controllers import describe_controller
from keyconf.model.keycodes.languages import host_language, host_languages
from keyconf.model.layout import Layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="keymap.json, keymap.c, VIA .layout.json or Vial .vil")
    parser.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the layout (- for stdout)")
    parser.add_argument("--keyboard", metavar="NAME", help="the keyboard: a QMK name or a VIA/Vial/QMK definition file")
    parser.add_argument("--layout", metavar="MACRO", help="the layout macro, e.g. LAYOUT_split_3x6_3")
    parser.add_argument("--format", choices=IMPORT_FORMATS, help="read the file as this format")
    parser.add_argument("--host-language", metavar="LANGUAGE",
                        help="the language the computer types in (QMK's name: german, french, norwegian…); "
                        "keys are written with its aliases (DE_Z)")
    parser.add_argument("-f", "--force", action="store_true", help="overwrite OUT if it exists")


def default_output(source: Path) -> Path:
    """`foo.layout.json` → `foo.yaml`, `keymap.c` → `keymap.yaml`, beside the current folder."""
    name = source.name
    for suffix in (".layout.json", ".json", ".vil", ".c", ".yaml", ".yml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(f"{name or 'layout'}.yaml")


def run(args: argparse.Namespace) -> int:
    finder = CatalogueKeyboards()
    own_board: CommandError | None = None  # --keyboard names no board keyconf knows: the keymap's own folder may
    if args.keyboard and finder.by_name(args.keyboard) is None and finder.boards_under(args.keyboard):
        # A folder of boards (bastardkb/dilemma/3x5_2) is no keyboard, but a keymap kept there builds
        # for each: the import picks the one with the file's layout, as it does from a keymap's path.
        chosen, folder = None, args.keyboard
    else:
        try:
            chosen, folder = keyboard_option(args.keyboard), None
        except CommandError as unknown:
            if not _in_a_keyboard_folder(Path(args.file)):
                if not str(args.file).endswith((".c", ".json")) or str(args.file).endswith(".layout.json"):
                    raise
                own = ("for a board of your own, import the keymap where it sits in its board's folder "
                       "(keyboards/<board>/keymaps/<name>/), which keyconf reads the board from, or pass the board's "
                       "keyboard.json")
                raise CommandError(unknown.message, unknown.exit_code,
                                   f"{unknown.hint}; {own}" if unknown.hint else own) from None
            # A board of the user's own (keyboards/<theirs>/keymaps/x/keymap.c in their repository), which
            # QMK builds from that folder: the import reads it from there, as it does with no --keyboard.
            chosen, folder, own_board = None, args.keyboard, unknown
    if chosen is not None:
        chosen = named_board(chosen, args.keyboard)
    try:
        imported = import_layout(
            args.file,
            keyboard=chosen.keyboard if chosen else None,
            keyboard_name=folder,
            layout_macro=args.layout,
            finder=finder,
            embed_geometry=bool(chosen and chosen.from_file),
            format=args.format,
        )
    except (FormatError, LayoutFileError) as error:
        raise import_error(error) from None
    if own_board is not None:
        if imported.layout.geometry is None:
            raise own_board
        imported.warnings.insert(0, f"keyconf does not know keyboard {args.keyboard}: read with "
                                 f"{imported.layout.keyboard}, the board of the keymap's own folders")
    layout = imported.layout
    if args.host_language:
        language = host_language(args.host_language)
        if language is None:
            raise CommandError(f"unknown host language {args.host_language!r}", EXIT_USAGE,
                               f"languages: {', '.join(host_languages())}")
        layout.host_language = language.name
    respell_in_language(layout)
    if not layout.keyboard:  # said alone: the import's notes are about a layout that is not written
        raise CommandError(
            f"{args.file} does not say which keyboard it is for",
            EXIT_USAGE,
            "pass --keyboard with the keyboard's QMK name (e.g. crkbd/rev1) or its definition file",
        )
    for warning in imported.warnings:
        print(f"keyconf: warning: {warning}", file=sys.stderr)
    output = args.output or str(default_output(Path(args.file)))
    target = Path(output)
    if output != "-" and target.exists() and not args.force:
        raise CommandError(f"{target} exists", EXIT_USAGE, "pass --force to overwrite it, or -o another file")
    # The file's own C code goes beside the layout (to standard output, it stays inline).
    companion = _companion_c(layout, target, args.force) if output != "-" else None
    try:
        text = layout_text(imported, args.file)
    except FormatError as error:
        raise import_error(error, EXIT_PROBLEMS) from None
    if output == "-":
        if layout.c_files:
            print(f"keyconf: warning: the layout names {len(layout.c_files)} more C files of the keymap's folder "
                  "(c_files) that are not written to standard output: import with -o to carry them", file=sys.stderr)
        sys.stdout.write(text)
        return EXIT_OK
    try:
        # The keymap folder's other C files go beside the layout at their paths (checked before anything is written).
        written = write_c_files(layout.c_files, target, overwrite=args.force)
    except CSourceFileError as error:
        raise CommandError(str(error), EXIT_USAGE, "pass --force to overwrite them, or -o a file in another folder") \
            from None
    except OSError as error:
        raise CommandError(f"cannot write the layout's C files: {error.strerror}", EXIT_PROBLEMS) from None
    if written:
        print(f"{', '.join(str(path.relative_to(target.resolve().parent)) for path in written)}: the keymap's more "
              f"C files, beside {target.name}, which builds with them (c_files)")
    try:
        if companion is not None and layout.c_source is not None and layout.c_source.code is not None:
            write_atomic(companion, layout.c_source.code)
            print(f"{companion}: the keymap's own C code, which {target.name} builds with (c_source)")
        write_atomic(target, text)
    except OSError as error:
        raise cannot_write(target, error) from None
    keys = sum(len(layer.keys) for layer in layout.layers)
    controller = describe_controller(imported.keyboard, layout.converter, layout.bootloader)
    print(
        f"{target}: {len(layout.layers)} layers, {keys} keys from {FORMAT_NAMES[imported.format]} "
        f"({layout.keyboard}, {layout.layout_macro}{f', {controller}' if controller else ''})"
    )
    _report_errors(target)
    return EXIT_OK


def _report_errors(target: Path) -> None:
    """The written layout's errors, located in it. An import keeps a key it cannot read as written
    (a name of the user's C code, `CTL_ESC`): the user learns it now, not at the first build."""
    try:
        checked = check_layout_file(str(target))
    except LayoutFileError:
        return
    if checked.keyboard is None:
        return  # a board the import found where validate does not look (the user's repository)
    errors = checked.errors
    for problem in errors[:_ERRORS_SHOWN]:
        print(problem.format(), file=sys.stderr)
    if len(errors) > _ERRORS_SHOWN:
        print(f"... and {len(errors) - _ERRORS_SHOWN} more", file=sys.stderr)
    if errors:
        print(f"{target}: written with {len(errors)} error{'s' if len(errors) != 1 else ''} to fix before it builds "
              f"(`keyconf validate {target}` lists them; the window marks the keys)", file=sys.stderr)


_ERRORS_SHOWN = 10


def _in_a_keyboard_folder(file: Path) -> bool:
    """The file sits in the keymaps folder of a board defined there (its keyboard.json or info.json)."""
    from keyconf.formats.definition_source import KeyboardDefinitionError
    from keyconf.formats.keyboard_folder import folder_board

    if not file.is_file():
        return False
    try:
        return folder_board(file) is not None
    except KeyboardDefinitionError:
        return True  # the import says what is wrong with it
    except OSError:
        return False


def _companion_c(layout: Layout, target: Path, force: bool) -> Path | None:
    """The layout's C code goes to `<name>_user.c` beside the layout file, which names it."""
    if layout.c_source is None or layout.c_source.code is None:
        return None
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", target.stem) or "layout"
    companion = target.with_name(f"{stem}_user.c")
    if companion.exists() and not force:
        raise CommandError(f"{companion} exists", EXIT_USAGE, "pass --force to overwrite it, or -o another file")
    layout.c_source.file = companion.name
    return companion


COMMAND = Subcommand(
    name="import",
    help="turn a keymap.json, keymap.c, VIA or Vial save into a keyconf layout",
    add_arguments=add_arguments,
    run=run,
)
