"""`keyconf keyboards [QUERY]`: find keyboards in the bundled set, the user's qmk_firmware tree
and the VIA definitions the user added."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from keyconf.catalogue.bundle import UPSTREAM_REPO, bundle_folder
from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.chooser import fork_badge
from keyconf.catalogue.entry import KeyboardEntry, Source
from keyconf.catalogue.qmk_home import how_to_get_a_tree
from keyconf.catalogue.search import Match, parse_usb_id
from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError, Subcommand, input_exit_code

DEFAULT_LIMIT = 25
_MAX_LAYOUTS_SHOWN = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="*", metavar="QUERY",
                        help="words to look for in names, QMK paths and old QMK names (typos are forgiven); "
                        "`keys:N` keeps boards with an N-key layout, `VVVV:PPPP` a USB id. "
                        "Without a query, every keyboard is listed")
    parser.add_argument("--json", action="store_true", help="print the matches as JSON")
    parser.add_argument("--qmk-home", metavar="PATH",
                        help="the qmk_firmware tree to index (default: as QMK finds it: QMK_HOME, "
                        "`qmk config user.qmk_home`, ~/qmk_firmware)")
    parser.add_argument("--refresh", action="store_true", help="re-read the whole tree instead of using the cache")
    parser.add_argument("--usb", metavar="VID:PID", help="only boards with this USB id (hex, as lsusb prints it)")
    parser.add_argument("--keys", type=int, metavar="N", help="only boards with a layout of N keys")
    parser.add_argument("-n", "--limit", type=int, metavar="N",
                        help=f"show at most N matches (default {DEFAULT_LIMIT} for a query, all without one)")
    parser.add_argument("--sources", action="store_true",
                        help="show where the bundled keyboards come from: each source's commit, date and license")
    parser.add_argument("--update", action="store_true",
                        help="download the current catalogue into your cache (resumable, checked by sha256); "
                        "it is then used instead of the bundled one")
    parser.add_argument("--url", metavar="URL",
                        help="where --update downloads from (default: $KEYCONF_CATALOGUE_URL; "
                        "there is no official server)")
    parser.add_argument("--add", "--add-via-definition", metavar="FILE", dest="add",
                        help="check a keyboard definition (a VIA definition, a QMK info.json/keyboard.json "
                        "or a KLE layout) and add it to keyconf's keyboards")


def run(args: argparse.Namespace) -> int:
    catalogue = Catalogue.open(args.qmk_home, cwd=Path.cwd(), refresh=args.refresh)
    if args.qmk_home and catalogue.status.qmk_problem:
        raise CommandError(catalogue.status.qmk_problem.split("; ")[0], EXIT_USAGE, hint=how_to_get_a_tree())
    if args.add:
        return _add_definition(args.add, catalogue)
    if args.update:
        return _update(args.url)
    if args.sources:
        return _print_sources(catalogue, args.json)

    terms = list(args.query)
    if args.usb:
        if parse_usb_id(args.usb) is None:
            raise CommandError(f"--usb {args.usb!r} is not a USB id", EXIT_USAGE,
                               hint="give vendor and product id in hex, e.g. --usb 4653:0001")
        terms.append(args.usb if ":" in args.usb else f"{args.usb}:")
    if args.keys is not None:
        terms.append(f"keys:{args.keys}")
    query = " ".join(terms)
    limit = args.limit if args.limit is not None else (DEFAULT_LIMIT if query.strip() else None)
    if limit is not None and limit < 1:
        raise CommandError("--limit must be at least 1", EXIT_USAGE)
    matches = catalogue.search(query, limit)
    total_found = len(matches) if limit is None or len(matches) < limit else len(catalogue.search(query, None))

    if args.json:
        _print_json(catalogue, query, matches, total_found)
    else:
        _print_table(matches)
        _print_footer(catalogue, query, matches, total_found)
    return EXIT_OK if matches else EXIT_PROBLEMS


def _print_sources(catalogue: Catalogue, as_json: bool) -> int:
    """The bundled catalogue's sources (and the user's tree, which wins where it has a board)."""
    bundle = catalogue.bundle
    sources = [] if bundle is None else [dict(source.__dict__) for source in bundle.sources]
    forks = [] if bundle is None else [dict(fork.source.__dict__) for fork in bundle.forks]
    tree = str(catalogue.qmk_home.path) if catalogue.qmk_home else None
    from keyconf.catalogue.update import snapshot_date

    in_use = "bundled" if bundle is None or bundle.folder == bundle_folder() else "downloaded"
    date = snapshot_date(bundle.folder) if bundle is not None and in_use == "downloaded" else None
    if as_json:
        print(json.dumps({"bundled": sources, "forks": forks, "qmk_home": tree, "catalogue": in_use,
                          "downloaded_date": date, "folder": str(bundle.folder) if bundle else None}, indent=2))
        return EXIT_OK
    if bundle is not None:
        print(f"catalogue in use: downloaded {date or '(undated)'} snapshot in {bundle.folder}" if date or
              in_use == "downloaded" else f"catalogue in use: bundled with keyconf ({bundle.folder})")
    if not sources:
        print("this keyconf has no bundled catalogue (only its hand-checked keyboards)")
    for source in sources:
        print(f"{source['name']}: {source['boards']:,} keyboards from {source['url']}")
        print(f"  commit {source['commit']} ({source['date']}), license {source['license']}")
    newer = [fork for fork in forks if fork["name"] == UPSTREAM_REPO]
    for fork in newer:
        print(f"newer qmk_firmware boards ({fork['boards']:,}; a tree from before {fork['date']} may lack them): "
              f"{fork['name']} {fork['branch']}, commit {fork['commit'][:10]} ({fork['date']}), "
              f"license {fork['license']}")
    forks = [fork for fork in forks if fork["name"] != UPSTREAM_REPO]
    if forks:
        print(f"boards of QMK forks that qmk_firmware lacks ({sum(f['boards'] for f in forks):,}; "
              "only the fork builds them):")
    for fork in forks:
        print(f"  {fork['name']} {fork['branch']}: {fork['boards']:,} keyboards, "
              f"commit {fork['commit'][:10]} ({fork['date']}), license {fork['license']}")
    print(f"your qmk_firmware tree: {tree} (used first for the keyboards it has)" if tree
          else "your qmk_firmware tree: none found")
    return EXIT_OK


def _layouts_text(entry: KeyboardEntry) -> str:
    if entry.broken:
        return f"broken: {entry.broken}"
    shown = [f"{layout.name} {layout.key_count}" for layout in entry.layouts[:_MAX_LAYOUTS_SHOWN]]
    more = len(entry.layouts) - len(shown)
    return ", ".join(shown) + (f", +{more} more" if more > 0 else "")


def _source_text(entry: KeyboardEntry) -> str:
    """The source column: a fork's board says which fork ("Keychron fork"), the rest their source."""
    return fork_badge(entry.location) if entry.source is Source.FORK_BUNDLED else entry.source.value


def _print_table(matches: list[Match]) -> None:
    if not matches:
        return
    rows = [(m.entry.path, m.entry.name, _layouts_text(m.entry), _source_text(m.entry)) for m in matches]
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(2)]
    source_width = max(6, *(len(row[3]) for row in rows))
    print(f"{'KEYBOARD':<{widths[0]}}  {'NAME':<{widths[1]}}  {'SOURCE':<{source_width}}  LAYOUTS (keys)")
    for path, name, layouts, source in rows:
        print(f"{path:<{widths[0]}}  {name:<{widths[1]}}  {source:<{source_width}}  {layouts}")


def _print_footer(catalogue: Catalogue, query: str, matches: list[Match], total_found: int) -> None:
    status = catalogue.status
    shown = f"{len(matches)} of {total_found:,} matches" if total_found > len(matches) else (
        f"{len(matches)} match" + ("" if len(matches) == 1 else "es"))
    where = []
    if status.qmk_home is not None:
        where.append(f"{status.qmk_keyboards:,} in qmk_firmware at {status.qmk_home.path} ({status.qmk_home.source})")
    if status.bundled_keyboards:
        where.append(f"{status.bundled_keyboards} bundled")
    if status.via_definitions:
        where.append(f"{status.via_definitions} from VIA definitions in {status.definitions_dir}")
    summary = f"{shown} for {query.strip()!r}" if query.strip() else f"{len(matches):,} keyboards"
    sys.stdout.flush()  # the list first, then the summary, also when both go to one pipe
    print(f"{summary} ({'; '.join(where) or 'no keyboards'})", file=sys.stderr)
    if catalogue.notice:
        print(f"note: {catalogue.notice}", file=sys.stderr)


def _print_json(catalogue: Catalogue, query: str, matches: list[Match], total_found: int) -> None:
    status = catalogue.status
    data = {
        "query": query,
        "qmk_home": str(status.qmk_home.path) if status.qmk_home else None,
        "qmk_home_source": status.qmk_home.source if status.qmk_home else None,
        "userspace": str(status.userspace) if status.userspace else None,
        "notice": catalogue.notice,
        "matches": total_found,
        "keyboards": [{**m.entry.as_json(), "score": round(m.score, 2)} for m in matches],
    }
    json.dump(data, sys.stdout, indent=2)
    print()


def _update(url: str | None) -> int:
    import os

    from keyconf.catalogue.update import URL_VARIABLE, UpdateError, update_catalogue

    url = url or os.environ.get(URL_VARIABLE)
    if not url:
        raise CommandError("no catalogue server is set", EXIT_USAGE,
                           hint=f"there is no official server: give --url URL or set {URL_VARIABLE} to a folder "
                           "served over http(s) holding the files tools/build_catalogue.py writes and a manifest.json")
    shown: dict[str, int] = {}

    def progress(name: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if shown.get(name) != percent:
            shown[name] = percent
            print(f"\r{name}: {done:,} of {total:,} bytes ({percent}%)", end="\n" if done >= total else "",
                  file=sys.stderr, flush=True)

    try:
        folder = update_catalogue(url, progress=progress)
    except UpdateError as error:
        print(file=sys.stderr)
        raise CommandError(str(error), EXIT_PROBLEMS, hint="the catalogue in use is unchanged") from None
    except OSError as error:
        raise CommandError(f"cannot write the catalogue: {error}", EXIT_PROBLEMS) from None
    print(f"catalogue updated: {folder}")
    return EXIT_OK


def _add_definition(file: str, catalogue: Catalogue) -> int:
    from keyconf.catalogue.user_definitions import add_definition
    from keyconf.formats.definition_source import KeyboardDefinitionError

    try:
        entry, kind, warnings = add_definition(file, catalogue.definitions_dir)
    except KeyboardDefinitionError as error:
        raise CommandError(f"{error}", input_exit_code(error),
                           hint=getattr(error, "hint", None) or "give a VIA definition (v2 or v3 JSON), a QMK "
                           "info.json/keyboard.json, or a KLE layout (JSON or raw data)") from None
    except OSError as error:
        raise CommandError(f"cannot add {file}: {error.strerror or error}", EXIT_PROBLEMS) from None
    counts = ", ".join(str(c) for c in sorted(set(entry.key_counts))) or "no"
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"added {entry.path}: {entry.name} ({kind.value}, {counts} keys) to {catalogue.definitions_dir}")
    return EXIT_OK


COMMAND = Subcommand(
    name="keyboards",
    help="find keyboards: bundled ones, your qmk_firmware tree's, and VIA definitions you added",
    add_arguments=add_arguments,
    run=run,
    description="Search the keyboards keyconf knows by name, QMK path, old QMK name, USB id or key "
    "count. With a qmk_firmware tree (found as QMK finds it, or --qmk-home) every keyboard in it "
    "is listed; the tree is indexed once and cached. Exit status: 0 matches found, 1 none, 2 usage error.",
)
