"""Coverage: real users' layout files of all four kinds imported and validated; prints figures.

Run: .venv/bin/python bench/import_corpus.py [DIR] [-v] [--alone] [--stand-in]   (DIR default
/work/corpus, holding via/, vil/, keymap.json/ and keymap.c/; bench/gather_corpus.py says how it is gathered and
bench/corpus/manifest.tsv lists where each file comes from; the held-out corpus /work/corpus2, never
looked at while tuning the importers, is listed in bench/corpus/manifest2.tsv, and /work/corpus3 in
manifest3.tsv, /work/corpus4 in manifest4.tsv).

Each file goes the way a user's file goes: `import_layout` (keyboards from keyconf's catalogue,
no QMK tree needed when the board is bundled), the layout written as YAML, read back and
validated against its keyboard. A file passes when all of that raises nothing and validation
finds no error. Files whose keyboard keyconf does not know are counted apart ("unknown
keyboard"): they say nothing about the format readers. A keymap.c names its keyboard only by
its folder (keyboards/<kb>/keymaps/...); bench/corpus/keyboards.tsv gives the keyboard for
files that do not (the --keyboard a user would pass; `repo:PATH` names a definition file of the user's
repository, a VIA definition or keyboard.json, given as `--keyboard FILE`). -v lists every failing file. A keymap.c or
keymap.json that fails alone is read again in its repository checkout (its headers, users/<name>/ and
the config.h files QMK force-includes, keyboards folders), as a user importing it in place would; the
figures say how many passed so; --alone leaves that out, as when the file is all one has.
"""

from __future__ import annotations

import collections
import dataclasses
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.catalogue.resolve import CatalogueKeyboards  # noqa: E402
from keyconf.formats.interchange import FormatError, import_layout  # noqa: E402
from keyconf.formats.keymap_c_import import keyboard_from_path  # noqa: E402
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout  # noqa: E402
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro  # noqa: E402
from keyconf.model.validation import validate  # noqa: E402

KINDS = ("via", "vil", "keymap.json", "keymap.c")
MANIFESTS = tuple(sorted((ROOT / "bench" / "corpus").glob("manifest*.tsv")))
KEYBOARDS = ROOT / "bench" / "corpus" / "keyboards.tsv"
UNKNOWN = "unknown keyboard"
MIRRORS = Path("/work/.mirror")


def manifest_paths() -> dict[str, str]:
    """Corpus file name → its path in the user's repository (which tells a keymap.c's keyboard)."""
    paths: dict[str, str] = {}
    for manifest in MANIFESTS:
        if manifest.exists():
            for line in manifest.read_text().splitlines()[1:]:
                kind, repo, path, *_ = line.split("\t")
                paths[f"{repo.replace('/', '__', 1)}__{path.replace('/', '__')}"] = path
    return paths


def manifest_origins() -> dict[str, tuple[str, str, str]]:
    """Corpus file name → (repository, path in it, commit)."""
    origins: dict[str, tuple[str, str, str]] = {}
    for manifest in MANIFESTS:
        if manifest.exists():
            for line in manifest.read_text().splitlines()[1:]:
                kind, repo, path, commit, *_ = line.split("\t")
                origins[f"{repo.replace('/', '__', 1)}__{path.replace('/', '__')}"] = (repo, path, commit)
    return origins


def in_its_repository(name: str, origins: dict[str, tuple[str, str, str]], work: Path) -> Path | None:
    """The file where its user keeps it: their repository checked out from the local mirror
    (/work/.mirror/<owner>+<repo>), so a keymap.c sees the keyboard folder around it."""
    if name not in origins:
        return None
    repo, path, commit = origins[name]
    mirror = MIRRORS / repo.replace("/", "+", 1) / "repo"
    target = work / repo.replace("/", "+", 1)
    if not mirror.is_dir():
        return None
    if not target.exists():
        # The text files a build reads (a mirror may lack the large binary ones, so no `git archive`), read by
        # one `git cat-file --batch` (a fork of qmk_firmware holds some 30,000 of them).
        listing = subprocess.run(["git", "-C", str(mirror), "ls-tree", "-r", commit],
                                 capture_output=True, text=True, check=False)
        wanted: list[tuple[str, str]] = []
        for line in listing.stdout.splitlines():
            info, _, name_in_repo = line.partition("\t")
            kind_and_id = info.split()
            if len(kind_and_id) == 3 and kind_and_id[1] == "blob" and name_in_repo.endswith(
                    (".c", ".h", ".json", ".hjson", ".mk")):
                wanted.append((kind_and_id[2], name_in_repo))
        batch = subprocess.run(["git", "-C", str(mirror), "cat-file", "--batch"],
                               input="".join(f"{blob}\n" for blob, _ in wanted).encode(), capture_output=True,
                               check=False).stdout
        at = 0
        for _, name_in_repo in wanted:
            header_end = batch.index(b"\n", at)
            header = batch[at:header_end].split()
            at = header_end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            (target / name_in_repo).parent.mkdir(parents=True, exist_ok=True)
            (target / name_in_repo).write_bytes(batch[at:at + size])
            at += size + 1
        # A clone's top folder holds its .git: where keyconf stops looking for the user's headers.
        subprocess.run(["git", "init", "-q", str(target)], capture_output=True, check=False)
    file = target / path
    return file if file.is_file() else None


def definition_in_repository(
    name: str, definition: str, origins: dict[str, tuple[str, str, str]], work: Path
) -> Keyboard | None:
    """The keyboard a definition file of the user's repository gives (a hint `repo:PATH`: the VIA definition
    or keyboard.json they load their save with), read as `keyconf import --keyboard FILE` reads it."""
    from keyconf.cli.command import CommandError
    from keyconf.cli.keyboard_lookup import board_name_of_file, load_definition_file

    if name not in origins:
        return None
    repo, _, commit = origins[name]
    blob = subprocess.run(["git", "-C", str(MIRRORS / repo.replace("/", "+", 1) / "repo"), "show",
                           f"{commit}:{definition}"], capture_output=True, check=False)
    if blob.returncode != 0:
        return None
    file = work / "definitions" / repo.replace("/", "+", 1) / definition
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(blob.stdout)
    try:
        board = load_definition_file(file)
    except CommandError:
        return None
    # As `keyconf import` names a board's own keyboard.json, which names no QMK path.
    return board if board.name else dataclasses.replace(board, name=board_name_of_file(file))


def keyboard_hints() -> dict[str, str]:
    hints: dict[str, str] = {}
    if KEYBOARDS.exists():
        for line in KEYBOARDS.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, keyboard = line.split("\t")[:2]
                hints[name] = keyboard
    return hints


def reason_of(message: str) -> str:
    """A failure message without what varies from file to file, so like failures count together."""
    message = re.sub(r"^\S+?:(\d+:)*\d* ?", "", message) if message.startswith("/") else message
    message = re.sub(r"`[^`]*`", "`…`", message)
    message = re.sub(r"\b\d+\b", "N", message)
    return message[:110]


def check(
    path: Path, kind: str, finder: CatalogueKeyboards, keyboard: Keyboard | None, folder: str | None = None,
    drawn: set[str] | None = None,
) -> str | None:
    """None when the file imports and validates; else why not (UNKNOWN for an unknown keyboard).
    `folder`: the keyboard named is a folder of boards (bastardkb/charybdis/3x5), passed as
    `keyconf import --keyboard` passes it. A Vial save read in no real board (the geometry drawn
    from its matrix) passes, and its name goes into `drawn`."""
    try:
        imported = import_layout(path, keyboard=keyboard, finder=finder, format=kind, keyboard_name=folder)
    except (FormatError, LayoutFileError) as error:
        message = error.message if isinstance(error, FormatError) else str(error)
        if "USB id" in message and "is known" in message:
            return UNKNOWN
        return message
    if imported.keyboard is None:
        return UNKNOWN
    if drawn is not None and imported.layout.geometry is not None and keyboard is None:
        drawn.add(path.name)
    try:
        loaded = loads_layout(dumps_layout(imported.layout, imported.keyboard), str(path))
    except LayoutFileError as error:
        return f"written YAML does not read back: {error.message}"
    errors = [p for p in validate(loaded.layout, imported.keyboard) if p.is_error]
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"validate: {errors[0].message}{more}"
    return None


def stand_in(path: Path, kind: str) -> Keyboard | None:
    """A board for a file whose keyboard nothing tells: one layout, the file's own macro with as many keys
    as its first layer, each at its own matrix position. It measures the readers (keycodes, layers, C
    constructs, validation), never whether the keys fit a real board; the figures count it apart."""
    if kind == "keymap.c":
        from keyconf.formats.keymap_c_import import read_keymap_c

        try:
            layout = read_keymap_c(path.read_text(errors="replace"), str(path), "stand-in").layout
        except FormatError:
            return None
        macro, keys = layout.layout_macro, len(layout.layers[0].keys) if layout.layers else 0
    else:
        import json

        try:
            data = json.loads(path.read_text(errors="replace"))
            macro, keys = str(data.get("layout") or "LAYOUT"), max(len(layer) for layer in data["layers"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
    if not macro or not keys:
        return None
    board = [Key(x=float(i % 16), y=float(i // 16), matrix=(i // 16, i % 16)) for i in range(keys)]
    return Keyboard(name="stand-in", layouts={macro: LayoutMacro(macro, board)})


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    alone = "--alone" in sys.argv
    standing_in = "--stand-in" in sys.argv
    corpus = Path(args[0]) if args else Path("/work/corpus")
    if not corpus.is_dir():
        print(f"usage: bench/import_corpus.py [DIR]   ({corpus} is not a folder; see bench/gather_corpus.py)")
        return
    finder = CatalogueKeyboards()
    origins, hints, repositories = manifest_paths(), keyboard_hints(), manifest_origins()
    work = tempfile.TemporaryDirectory()
    from_repository: collections.Counter[str] = collections.Counter()
    totals: collections.Counter[str] = collections.Counter()
    passed: collections.Counter[str] = collections.Counter()
    unknown: collections.Counter[str] = collections.Counter()
    stood_in: collections.Counter[str] = collections.Counter()  # unknown-keyboard files measured on a stand-in
    stand_in_passed: collections.Counter[str] = collections.Counter()
    reasons: dict[str, collections.Counter[str]] = {kind: collections.Counter() for kind in KINDS}
    examples: dict[str, str] = {}
    failures: list[str] = []
    drawn: set[str] = set()  # Vial saves read in no real board: no hint, and their Vial keyboard id is not known
    start = time.perf_counter()
    warnings.simplefilter("ignore")
    for kind in KINDS:
        for path in sorted((corpus / kind).glob("*")):
            totals[kind] += 1
            name = hints.get(path.name) or (keyboard_from_path(origins.get(path.name, "")) or "")
            if name.startswith("repo:"):  # a definition file in the user's repository, given as --keyboard FILE
                keyboard, folder = definition_in_repository(path.name, name[5:], repositories, Path(work.name)), None
            else:
                keyboard = finder.by_name(name) if name else None
                folder = name if name and keyboard is None and finder.boards_under(name) else None
            try:
                why = check(path, kind, finder, keyboard, folder, drawn)
            except Exception as error:  # noqa: BLE001 - a crash is the worst failure; count it, go on
                why = f"CRASH {type(error).__name__}: {error}"
            if kind in ("keymap.c", "keymap.json") and why is not None and not alone:
                # As its user would import it: from their repository, whose keyboard folder it sits in.
                checkout = in_its_repository(path.name, repositories, Path(work.name))
                if checkout is not None:
                    again = check(checkout, kind, finder, keyboard, folder)
                    if again is None or why == UNKNOWN and again != UNKNOWN:
                        from_repository[kind] += 1
                        why = again
            if why is None:
                passed[kind] += 1
            elif why == UNKNOWN:
                unknown[kind] += 1
                board = stand_in(path, kind) if standing_in and kind in ("keymap.c", "keymap.json") else None
                if board is not None:
                    stood_in[kind] += 1
                    try:
                        on_stand_in = check(path, kind, finder, board)
                    except Exception as error:  # noqa: BLE001
                        on_stand_in = f"CRASH {type(error).__name__}: {error}"
                    stand_in_passed[kind] += on_stand_in is None
                    if on_stand_in is not None:
                        failures.append(f"{kind}\t{path.name}\tunknown keyboard; on a stand-in: {on_stand_in[:160]}")
                        continue
                failures.append(f"{kind}\t{path.name}\t{UNKNOWN}")
            else:
                reason = reason_of(why)
                reasons[kind][reason] += 1
                examples.setdefault(f"{kind}: {reason}", f"{path.name}: {why[:160]}")
                failures.append(f"{kind}\t{path.name}\t{why[:200]}")
    seconds = time.perf_counter() - start
    print(f"corpus {corpus}: {sum(totals.values())} files in {seconds:.1f} s")
    print(f"{'kind':<12} {'pass':>5} {'of known':>8} {'rate':>6} {UNKNOWN:>17} {'files':>6}")
    for kind in KINDS:
        known = totals[kind] - unknown[kind]
        rate = f"{100 * passed[kind] / known:.0f}%" if known else "-"
        print(f"{kind:<12} {passed[kind]:>5} {known:>8} {rate:>6} {unknown[kind]:>17} {totals[kind]:>6}")
    for kind, count in stood_in.items():
        print(f"  ({kind}: {stand_in_passed[kind]} of {count} unknown-keyboard files import and validate on a stand-in "
              "board of their own macro and key count: the readers, not the board's fit)")
    if totals["vil"]:
        print(f"  (vil: {totals['vil'] - len(drawn)} of {totals['vil']} saves read in their real board, by a hint of "
              f"keyboards.tsv or their Vial keyboard id; {len(drawn)} carry a geometry drawn from their matrix)")
    for kind, count in from_repository.items():
        print(f"  ({count} {kind} files read in their own repository checkout: the keyboard folder, the user's "
              "headers and config.h)")
    work.cleanup()
    print("\ntop failure reasons (known keyboards):")
    merged = collections.Counter[str]()
    for kind in KINDS:
        for reason, count in reasons[kind].items():
            merged[f"{kind}: {reason}"] += count
    for reason, count in merged.most_common(15):
        print(f"{count:>4}  {reason}\n        e.g. {examples[reason]}")
    if verbose:
        print("\nevery failure:")
        print("\n".join(failures))


if __name__ == "__main__":
    main()
