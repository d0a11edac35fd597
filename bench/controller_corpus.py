"""How many real keymaps build for another controller than their board's, and whether keyconf keeps it.

Run: .venv/bin/python bench/controller_corpus.py [--mirrors] [--own-boards] [--limit N] [-v]

A keymap folder's rules.mk with `CONVERT_TO = rp2040_ce` (an RP2040 in a Pro Micro's socket) or
`BOOTLOADER = atmel-dfu` (an Elite-C), or a keymap.json with `"converter"`, builds its board's
firmware for another chip. This counts such keymaps:

- in the corpora (bench/corpus/manifest*.tsv: every keymap.c and keymap.json, its folder's rules.mk
  read at the manifest's commit from /work/.mirror/<owner>+<name>/repo);
- with --mirrors, in every keymap folder (`keyboards/**/keymaps/*/`) of every repository mirrored in
  /work/.mirror, at its newest commit, but for those QMK's own trees hold at the same path (a fork's
  copies of QMK's keymaps).

Each one found (up to --limit from the mirrors) is imported as a user imports it: its keymap folder
(keymap.c or keymap.json, rules.mk, config.h, and the users/<name>/ folder beside keyboards/ when the
repository has one) written out as keyboards/<kb>/keymaps/<name>/, `import_layout` with the keyboard
its path names. It counts as kept when the layout holds the converter and bootloader make would take
from those rules.mk files (QMK's `?=`, `=`, `:=`; a userspace's BOOTLOADER after the keymap's; a
userspace's CONVERT_TO, too late for QMK's build, not) and validation finds no problem with them.
Keymaps whose keyboard keyconf does not know, or that do not import for other reasons, are counted apart;
a keyboard keyconf does not know that the keymap's repository defines (its keyboards/<kb>/ folder:
a hand-wired board, a fork's) is read from those files, as an import of the keymap in place reads it,
and counted apart too ("boards only their repository holds"). --own-boards looks at such keymaps in the
mirrored repositories that define boards of their own naming `pin_compatible` or `development_board`.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.catalogue.resolve import CatalogueKeyboards  # noqa: E402
from keyconf.formats.interchange import FormatError, import_layout  # noqa: E402
from keyconf.formats.keymap_c_import import keyboard_from_path  # noqa: E402
from keyconf.formats.qmk_build_files import apply_rules, parse_rules_mk  # noqa: E402
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout  # noqa: E402
from keyconf.model.keyboard import Keyboard  # noqa: E402
from keyconf.model.validation import validate  # noqa: E402

MANIFESTS = tuple(sorted((ROOT / "bench" / "corpus").glob("manifest*.tsv")))
MIRRORS = Path("/work/.mirror")
KEYMAP_FOLDER = re.compile(r"^(?:.*/)?keyboards/(?P<kb>.+)/keymaps/(?P<km>[^/]+)/(?P<file>rules\.mk|keymap\.json)$")
CONTROLLER_CODES = {"unknown-converter", "converter-not-possible", "unknown-bootloader"}
# (repository, keymap folder) -> keyboard, from bench/corpus/keyboards.tsv: for a keymap.c outside keyboards/.
HINTS: dict[tuple[str, str], str] = {}
MENTION = re.compile(r"^\s*(CONVERT_TO|BOOTLOADER)\s*[:?]?=", re.MULTILINE)


@dataclass
class Found:
    repo: str
    commit: str
    folder: str  # the keymap folder in the repository
    keyboard: str
    wanted: tuple[str | None, str | None]  # (converter, bootloader) QMK's build would take
    source: str  # rules.mk / keymap.json / userspace
    user: str = ""  # the users/<name>/ folder QMK's build would read


def git(mirror: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(mirror), *args], capture_output=True, check=False)


def show(mirror: Path, commit: str, path: str) -> str | None:
    blob = git(mirror, "show", f"{commit}:{path}")
    return blob.stdout.decode("utf-8", "replace") if blob.returncode == 0 else None


def inside(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def wanted_of(mirror: Path, commit: str, folder: str, listing: set[str]) -> tuple[str | None, str | None, str, str]:
    """(converter, bootloader, where) QMK's build takes for the keymap folder: its keymap.json's
    converter, its rules.mk's CONVERT_TO and BOOTLOADER, a userspace's BOOTLOADER after those."""
    converter = bootloader = None
    where: list[str] = []
    keymap_json = inside(folder, "keymap.json")
    if keymap_json in listing:
        text = show(mirror, commit, keymap_json) or ""
        match = re.search(r'"converter"\s*:\s*"([^"]*)"', text)
        if match:
            converter, where = match.group(1), ["keymap.json"]
    rules_path = inside(folder, "rules.mk")
    rules = apply_rules(parse_rules_mk(show(mirror, commit, rules_path) or "")) if rules_path in listing else {}
    if rules.get("CONVERT_TO", "").strip():
        converter, where = rules["CONVERT_TO"].strip(), [*where, "rules.mk"]
    if rules.get("BOOTLOADER", "").strip():
        bootloader, where = rules["BOOTLOADER"].strip(), [*where, "rules.mk"]
    top = folder.split("keyboards/")[0] if "keyboards/" in folder else ""
    user = rules.get("USER_NAME", "").strip() or folder.rsplit("/", 1)[-1]
    user_rules = f"{top}users/{user}/rules.mk"
    if user_rules in listing:
        # Read as the importer reads it, unconditionally here: the count is of what the files say.
        said = apply_rules(parse_rules_mk(show(mirror, commit, user_rules) or ""))
        if said.get("BOOTLOADER", "").strip() and re.fullmatch(r"[a-z0-9-]+", said["BOOTLOADER"].strip()):
            bootloader, where = said["BOOTLOADER"].strip(), [*where, "userspace"]
        elif said.get("CONVERT_TO", "").strip():
            where = [*where, "userspace CONVERT_TO (too late for QMK)"]
    return converter, bootloader, "+".join(dict.fromkeys(where)), user


QMK_TREES = (Path("/work/trees/qmk2025"), Path("/work/trees/qmk2024"))


def qmk_own(folder: str) -> bool:
    """A keymap folder QMK's own tree has at that path (a fork's copy of QMK's keymaps): not the user's."""
    return folder.startswith("keyboards/") and any((tree / folder).is_dir() for tree in QMK_TREES)


def corpus_keymaps() -> list[tuple[str, str, str]]:
    """(repo, keymap folder, commit) of every keymap.c / keymap.json of the corpora."""
    hints = {}
    for line in (ROOT / "bench" / "corpus" / "keyboards.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            name, keyboard = line.split("\t")[:2]
            if not keyboard.startswith("repo:"):
                hints[name] = keyboard
    found: dict[tuple[str, str], str] = {}
    for manifest in MANIFESTS:
        for line in manifest.read_text().splitlines()[1:]:
            kind, repo, path, commit, *_ = line.split("\t")
            if kind in ("keymap.c", "keymap.json"):
                folder = path.rsplit("/", 1)[0] if "/" in path else ""
                found.setdefault((repo, folder), commit)
                hint = hints.get(f"{repo.replace('/', '__', 1)}__{path.replace('/', '__')}")
                if hint:
                    HINTS.setdefault((repo, folder), hint)
    return [(repo, folder, commit) for (repo, folder), commit in sorted(found.items())]


def survey(repo: str, commit: str, folders: list[str] | None) -> list[Found]:
    mirror = MIRRORS / repo.replace("/", "+", 1) / "repo"
    if not mirror.is_dir():
        return []
    listing_run = git(mirror, "ls-tree", "-r", "--name-only", commit)
    listing = set(listing_run.stdout.decode("utf-8", "replace").splitlines())
    if folders is None:  # every keymap folder whose rules.mk or keymap.json names a controller (git grep)
        said = git(mirror, "grep", "-l", "-E", r"^\s*(CONVERT_TO|BOOTLOADER)\s*[:?]?=|\"converter\"", commit, "--",
                   "*rules.mk", "*keymap.json").stdout.decode("utf-8", "replace").splitlines()
        names = [line.split(":", 1)[1] for line in said if ":" in line]
        folders = sorted({m.group(0).rsplit("/", 1)[0] for name in names if (m := KEYMAP_FOLDER.match(name))
                          and not qmk_own(m.group(0).rsplit("/", 1)[0])})
    results = []
    for folder in folders:
        rules = inside(folder, "rules.mk")
        mentions = rules in listing and MENTION.search(show(mirror, commit, rules) or "")
        keymap_json = inside(folder, "keymap.json")
        converted = keymap_json in listing and '"converter"' in (show(mirror, commit, keymap_json) or "")
        if not mentions and not converted:
            continue
        converter, bootloader, where, user = wanted_of(mirror, commit, folder, listing)
        keyboard = keyboard_from_path(inside(folder, "keymap.c")) or HINTS.get((repo, folder), "")
        results.append(Found(repo, commit, folder, keyboard, (converter, bootloader), where, user))
    return results


def materialise(found: Found, work: Path) -> Path | None:
    """The keymap folder (and the userspace beside keyboards/) written out as QMK lays them."""
    mirror = MIRRORS / found.repo.replace("/", "+", 1) / "repo"
    listing = git(mirror, "ls-tree", "-r", "--name-only", found.commit).stdout.decode("utf-8", "replace").splitlines()
    top = found.folder.split("keyboards/")[0] if "keyboards/" in found.folder else ""
    target = work / found.repo.replace("/", "+", 1) / (found.folder.replace("/", "_") or "top")
    keymap_folder = target / "keyboards" / found.keyboard / "keymaps" / (found.folder.rsplit("/", 1)[-1] or "mine")
    prefix = found.folder + "/" if found.folder else ""
    for name in listing:
        in_folder = name.startswith(prefix) and "/" not in name[len(prefix):].strip("/") or (
            bool(prefix) and name.startswith(prefix))
        users = name.startswith(f"{top}users/{found.user}/")
        if not (in_folder or users) or not name.endswith((".c", ".h", ".mk", ".json", ".inc")):
            continue
        text = git(mirror, "show", f"{found.commit}:{name}").stdout
        place = keymap_folder / name[len(prefix):] if in_folder else target / name[len(top):]
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_bytes(text)
    subprocess.run(["git", "init", "-q", str(target)], capture_output=True, check=False)
    for name in ("keymap.c", "keymap.json"):
        if (keymap_folder / name).is_file():
            return keymap_folder / name
    return None


BOARD_FILES = ("info.json", "keyboard.json", "rules.mk", "config.h")


def materialise_board(found: Found, work: Path) -> bool:
    """The keymap's keyboard folder as the repository holds it (a board only there: its
    info.json/keyboard.json, rules.mk, config.h and headers, each parent folder's too), beside the
    keymap `materialise` wrote; False when the repository has none."""
    mirror = MIRRORS / found.repo.replace("/", "+", 1) / "repo"
    top = found.folder.split("keyboards/")[0] if "keyboards/" in found.folder else ""
    board = f"{top}keyboards/{found.keyboard}"
    listing = git(mirror, "ls-tree", "-r", "--name-only", found.commit).stdout.decode("utf-8", "replace").splitlines()
    parents = {f"{top}keyboards/{'/'.join(found.keyboard.split('/')[:depth])}"
               for depth in range(1, found.keyboard.count("/") + 1)}
    wanted = [name for name in listing if "/keymaps/" not in name and (
        name.startswith(board + "/") and name.endswith((".json", ".mk", ".h"))
        or name.rsplit("/", 1)[0] in parents and name.rsplit("/", 1)[-1] in BOARD_FILES)]
    if not any(name.rsplit("/", 1)[-1] in ("info.json", "keyboard.json") for name in wanted):
        return False
    target = work / found.repo.replace("/", "+", 1) / (found.folder.replace("/", "_") or "top")
    for name in wanted:
        place = target / name[len(top):]
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_bytes(git(mirror, "show", f"{found.commit}:{name}").stdout)
    return True


def check(found: Found, finder: CatalogueKeyboards, work: Path) -> str:
    """"kept", or why not; "own board: …" for a keymap of a board only its repository holds."""
    keyboard = finder.by_name(found.keyboard) if found.keyboard else None
    if keyboard is None:
        path = materialise(found, work) if found.keyboard else None
        if path is None or not materialise_board(found, work):
            return "unknown keyboard"
        return "own board: " + imported_outcome(found, path, None, finder)
    path = materialise(found, work)
    if path is None:
        return "no keymap.c or keymap.json in the folder"
    return imported_outcome(found, path, keyboard, finder)


def imported_outcome(found: Found, path: Path, keyboard: Keyboard | None, finder: CatalogueKeyboards) -> str:
    try:
        imported = import_layout(path, keyboard=keyboard, finder=finder)
        layout = loads_layout(dumps_layout(imported.layout, imported.keyboard)).layout
    except (FormatError, LayoutFileError) as error:
        return f"does not import: {getattr(error, 'message', str(error))[:100]}"
    except Exception as error:  # noqa: BLE001 - a crash counts; go on
        return f"CRASH {type(error).__name__}: {error}"
    if (layout.converter, layout.bootloader) != found.wanted:
        held = (layout.converter, layout.bootloader)
        said = [w for w in imported.warnings if "left out" in w and ("converter" in w or "BOOTLOADER" in w
                                                                   or "bootloader" in w or "CONVERT_TO" in w)]
        if said:
            return f"left out, said: {said[0][:150]}"
        return f"layout holds {held}, the build takes {found.wanted}"
    wrong = [p for p in validate(layout, imported.keyboard) if p.code in CONTROLLER_CODES]
    if wrong:
        return f"validation: {wrong[0].message[:120]}"
    return "kept"


def report(title: str, found: list[Found], outcomes: dict[int, str], verbose: bool) -> None:
    print(f"\n{title}: {len(found)} keymap folders set a controller")
    kinds = collections.Counter(f.source for f in found)
    print("  where: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    converters = collections.Counter(f.wanted[0] for f in found if f.wanted[0])
    loaders = collections.Counter(f.wanted[1] for f in found if f.wanted[1])
    print("  converters: " + ", ".join(f"{k} {n}" for k, n in converters.most_common()))
    print("  bootloaders: " + ", ".join(f"{k} {n}" for k, n in loaders.most_common()))
    if not outcomes:
        return
    catalogued = {i: why for i, why in outcomes.items() if not why.startswith("own board: ")}
    counted = collections.Counter(why if why in ("kept", "unknown keyboard") else "left out" if
                                  why.startswith("left out, said") else "other" for why in catalogued.values())
    known = len(catalogued) - counted["unknown keyboard"]
    print(f"  imported {len(outcomes)}: keyboard known {known}, controller kept and valid {counted['kept']}/{known}, "
          f"left out with a warning saying why {counted['left out']}, other {counted['other']}")
    own = [why.removeprefix("own board: ") for why in outcomes.values() if why.startswith("own board: ")]
    if own:
        mine = collections.Counter(why if why == "kept" else "left out" if why.startswith("left out, said")
                                   else "other" for why in own)
        print(f"  boards only their repository holds (read from its keyboard folder): {len(own)}, controller kept "
              f"and valid {mine['kept']}, left out with a warning saying why {mine['left out']}, other {mine['other']}")
    for index, why in outcomes.items():
        if why not in ("kept", "own board: kept") and (verbose or why != "unknown keyboard"):
            f = found[index]
            print(f"    {f.repo} {f.folder}: {why}")


def repos_with_own_boards() -> list[str]:
    """Mirrored repositories holding a board definition that names its controller footprint or
    development board (`pin_compatible`, `development_board`) at a path QMK's own trees lack."""
    repos = []
    for mirror in sorted(p / "repo" for p in MIRRORS.iterdir() if (p / "repo").is_dir()):
        said = git(mirror, "grep", "-l", "-E", r"\"(pin_compatible|development_board)\"", "HEAD", "--",
                   "*info.json", "*keyboard.json").stdout.decode("utf-8", "replace").splitlines()
        paths = [line.split(":", 1)[1] for line in said if ":" in line and "keyboards/" in line]
        if any(not any((tree / path[path.index("keyboards/"):]).exists() for tree in QMK_TREES) for path in paths):
            repos.append(mirror.parent.name.replace("+", "/", 1))
    return repos


def main() -> int:
    verbose = "-v" in sys.argv
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 200
    warnings.simplefilter("ignore")
    finder = CatalogueKeyboards()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        by_repo: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
        corpus = corpus_keymaps()
        for repo, folder, commit in corpus:
            by_repo[(repo, commit)].append(folder)
        found = [f for (repo, commit), folders in by_repo.items() for f in survey(repo, commit, folders)]
        print(f"corpora: {len(corpus)} keymap folders of keymap.c/keymap.json files in {len(MANIFESTS)} manifests")
        report("corpora", found, {i: check(f, finder, work) for i, f in enumerate(found)}, verbose)
        if "--own-boards" in sys.argv:
            repos = repos_with_own_boards()
            theirs = [f for repo in repos for f in survey(repo, "HEAD", None)
                      if f.keyboard and finder.by_name(f.keyboard) is None]
            print(f"\nrepositories with boards of their own naming pin_compatible/development_board: {len(repos)}")
            report("their keymaps of boards keyconf does not know", theirs,
                   {i: check(f, finder, work) for i, f in enumerate(theirs[:limit])}, verbose)
        if "--mirrors" in sys.argv:
            everywhere: list[Found] = []
            repos = sorted(p.name for p in MIRRORS.iterdir() if (p / "repo").is_dir())
            for name in repos:
                everywhere += survey(name.replace("+", "/", 1), "HEAD", None)
            print(f"\nmirrors: {len(repos)} repositories")
            sample = {i: check(f, finder, work) for i, f in enumerate(everywhere[:limit])}
            report(f"mirrors (imported: the first {min(limit, len(everywhere))})", everywhere, sample, verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
