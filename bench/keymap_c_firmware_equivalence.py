"""Firmware equivalence: `keyconf compile` of an imported keymap.c puts the same keymaps[][][]
bytes into the firmware as `qmk compile` of the original.

Run: .venv/bin/python bench/keymap_c_firmware_equivalence.py TREE KEYMAP.c:KEYBOARD [...] [-j N]
     .venv/bin/python bench/keymap_c_firmware_equivalence.py TREE --corpus DIR [--per-repo N] [--limit N]
  TREE   a qmk_firmware tree with the submodules its boards need (lib/lufa for AVR; lib/chibios,
         lib/chibios-contrib, lib/printf and, for RP2040, lib/pico-sdk for ARM: docs/compiler.md says how
         to fill a copy), with qmk and the boards' compilers (avr-gcc, arm-none-eabi-gcc)
  KEYMAP.c:KEYBOARD   a user's keymap.c and the QMK keyboard it is for (crkbd/rev1, zsa/voyager)
  --userspace    with --corpus: only keymaps whose repository keeps a userspace (users/<name>/)
  --corpus DIR   the keymap.c files of a corpus (bench/gather_corpus.py) whose keyboard is a known
                 board (its path or bench/corpus/keyboards.tsv) of the --platform asked for (avr, arm,
                 rp2040 (ARM's RP2040 only) or all; avr by default), each in its repository checked out
                 from /work/.mirror, as its user keeps it

For each file, qmk builds the original through a userspace of its own (the tree is only read):
the keymap's folder as its user has it (keymap.c with its rules.mk, config.h and other C files,
subfolders holding no other keymap). `keyconf import` (in place: it reads the same folder) +
`keyconf compile` build the layout, and the `keymaps` symbol of both .elf files is read from the
firmware's image (the ELF file's own symbol and section tables: AVR, ARM and RISC-V alike) and compared
byte for byte. An AVR program too large for the flash still links: both sides' keymaps are compared
then too, and the sizes are printed (QMK's size check on AVR, `size` of the flashable file on ARM, the
ELF's loaded sections where QMK prints no size: RP2040).
bench/keymap_c_equivalence.py checks many files quickly with host gcc and the tree's headers;
this one checks whole firmware builds (about a minute a file), the way issue 14 asks. Prints, per
file, what happened, then how many originals build, how many keyconf builds, how many of
those give equal keymaps[] bytes, and how many give equal keymaps[] and the same firmware size (text+data: what
the flash holds); where the sizes differ, the functions and data that make the difference, grouped by the QMK
feature they belong to (read from both ELF files' symbol tables: `+1328 MOUSEKEY_ENABLE: mouse keys (mousekey_task
+400, ...)`); keys the import turned into layout macros (a custom keycode whose
only C was a SEND_STRING) count as equal when each custom keycode became one macro, and are named.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from keyconf.cli.main import main as keyconf  # noqa: E402
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor  # noqa: E402
from keyconf.compiler.toolchain import build_path, find_program  # noqa: E402
from keyconf.compiler.workspace import make_workspace  # noqa: E402
from keyconf.formats.qmk_build_files import apply_rules, parse_rules_mk  # noqa: E402

# The files of a keymap folder qmk's build reads (keymap.json is left out: beside a keymap.c it
# would replace it).
FOLDER_SUFFIXES = (".c", ".h", ".mk", ".inc")
_TOO_LARGE = re.compile(r"The firmware is too large!\s*(\d+)/(\d+)")
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Built:
    """One side's build: the keymaps bytes of its program, or why there is none; its size."""

    keymaps: bytes | None
    why: str = ""  # why there are no keymaps bytes, or "" when there are
    size: int | None = None  # the firmware's bytes, as QMK's size check counts them
    limit: int | None = None  # the flash there is, when the program did not fit
    symbols: dict[str, int] = field(default_factory=dict)  # the program's functions and data, by name: bytes

    @property
    def fits(self) -> bool:
        return self.keymaps is not None and self.limit is None


def elf_sections(data: bytes) -> tuple[bool, list[tuple[int, ...]]]:
    """Whether an ELF file (little-endian, 32- or 64-bit) is 64-bit, and its section headers as (name, type,
    flags, addr, offset, size, link, info, addralign, entsize)."""
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise ValueError("not a little-endian ELF file")
    wide = data[4] == 2
    header = struct.unpack_from("<QQQIHHHHHH" if wide else "<IIIIHHHHHH", data, 24)
    table, entry, count = header[2], header[7], header[8]
    layout = "<IIQQQQIIQQ" if wide else "<IIIIIIIIII"
    return wide, [struct.unpack_from(layout, data, table + index * entry) for index in range(count)]


def elf_symbol_table(data: bytes) -> Iterator[tuple[str, int, int, int, int]]:
    """Every entry of the ELF file's symbol tables as (name, info, section index, value, size): the one
    walk over 32- and 64-bit layouts that symbol_bytes and elf_symbols share."""
    wide, sections = elf_sections(data)
    for kind, offset, size, link, entry in ((s[1], s[4], s[5], s[6], s[9]) for s in sections):
        if kind != 2:  # SHT_SYMTAB
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entry):
            if wide:
                name_at, info, _other, section, value, length = struct.unpack_from("<IBBHQQ", data, at)
            else:
                name_at, value, length, info, _other, section = struct.unpack_from("<IIIBBH", data, at)
            name = data[strings + name_at : data.index(b"\0", strings + name_at)].decode(errors="replace")
            yield name, info, section, value, length


def symbol_bytes(elf: Path, name: str) -> bytes:
    """The bytes of the defined symbol `name` as the program's image holds them, read from the ELF file
    itself, so AVR, ARM (STM32 flash at 0x08000000, RP2040's at 0x10000000) and RISC-V firmware are read
    alike, with no toolchain-specific nm or objcopy."""
    data = elf.read_bytes()
    sections = elf_sections(data)[1]
    for symbol, _info, section, value, length in elf_symbol_table(data):
        if symbol != name or not 0 < section < len(sections):
            continue
        holder = sections[section]
        if holder[1] == 8:  # SHT_NOBITS: zeroed RAM, not in the image
            return bytes(length)
        start = holder[4] + value - holder[3]
        return data[start : start + length]
    raise LookupError(f"{elf} defines no symbol {name}")


# Compiler clones (`.constprop.0`, `.lto_priv.0`) and the numbers a function's static variables get
# (`crkbd_logo.5368`), which differ between two builds of the same code.
_COMPILER_SUFFIX = re.compile(r"(?:\.(?:lto_priv|constprop|isra|part|cold|lto))?(?:\.\d+)+$|\.(?:cold|part)$")


def elf_symbols(elf: Path) -> dict[str, int]:
    """The program's functions and data by name, with the bytes each takes in the chip's memory image
    (symbols of allocated sections with contents, compiler clones such as `.constprop.0` and `.lto_priv.0`
    counted under their function's name), for saying what makes two builds' sizes differ."""
    data = elf.read_bytes()
    sections = elf_sections(data)[1]
    found: dict[str, int] = collections.Counter()
    for name, info, section, _value, length in elf_symbol_table(data):
        if info & 0xF not in (1, 2) or not length or not 0 < section < len(sections):  # OBJECT, FUNC
            continue
        holder = sections[section]
        if not holder[2] & 2 or holder[1] == 8:  # not SHF_ALLOC, or NOBITS (RAM only)
            continue
        found[_COMPILER_SUFFIX.sub("", name)] += length
    return dict(found)


def size_causes(original: dict[str, int], mine: dict[str, int], shown: int = 3) -> str:
    """What makes keyconf's program bigger or smaller than the original's: the functions and data one has and
    the other lacks or holds at another size, grouped by the QMK feature they belong to (firmware_size's
    table), biggest difference first, with its largest symbols named."""
    from keyconf.compiler.firmware_size import FEATURE_SYMBOLS

    groups: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for name in set(original) | set(mine):
        change = mine.get(name, 0) - original.get(name, 0)
        if change:
            label = next((f"{feature}: {text}" for feature, text, pattern in FEATURE_SYMBOLS if pattern.search(name)),
                         "other code")
            groups[label][name] = change
    ranked = sorted(groups.items(), key=lambda item: -abs(sum(item[1].values())))
    said = []
    for label, changes in ranked[:shown]:
        biggest = sorted(changes.items(), key=lambda item: -abs(item[1]))[:3]
        said.append(f"{sum(changes.values()):+d} {label} ({', '.join(f'{n} {c:+d}' for n, c in biggest)})")
    return "; ".join(said)


def image_size(elf: Path) -> int:
    """The bytes the program puts in the chip's memory image (its allocated sections with contents: code,
    constants, initialised data), for builds whose log says no size (QMK's RP2040 builds)."""
    return sum(s[5] for s in elf_sections(elf.read_bytes())[1] if s[2] & 2 and s[1] != 8)  # SHF_ALLOC, not NOBITS


def keymaps_bytes(elf: Path) -> bytes:
    """The keymaps[][][] array as the firmware's flash holds it."""
    return symbol_bytes(elf, "keymaps")


def first_error(log: str) -> str:
    lines = log.strip().splitlines() or [""]
    found = [line for line in lines if "error:" in line] or [line for line in lines if "error" in line.lower()]
    return (found or lines[-1:])[0].strip()[:200]


def keymap_folder_files(keymap_c: Path) -> dict[str, str]:
    """The keymap's folder as qmk builds it: its C files, headers and make files, with subfolders
    (features/, oled/) but not those holding a keymap of their own."""
    folder = keymap_c.parent
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        inner = path.parents[: len(relative.parts) - 1]
        if any((parent / "keymap.c").is_file() or (parent / "keymap.json").is_file() for parent in inner):
            continue
        if path.is_file() and path.suffix in FOLDER_SUFFIXES and len(files) < 400:
            files[relative.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return files


def checkout_root(keymap_c: Path) -> Path | None:
    return next((folder for folder in keymap_c.parents if (folder / ".git").exists()), None)


def _keyboard_folder(folder: Path) -> bool:
    """A keyboard's folder (`r2g/` with r2g.c and info.json in a repository that is a crkbd folder), not a userspace."""
    return any((folder / name).is_file() for name in ("info.json", "keyboard.json"))


def linked_userspace(keymap_c: Path) -> Path | None:
    """A top folder of the repository that is a userspace (`CarlAndersson/CarlAndersson.h`), which the
    user's setup links in as users/<name> and builds their keymap under that name."""
    root = checkout_root(keymap_c)
    found = [d for d in sorted(root.iterdir()) if d.is_dir() and ((d / f"{d.name}.h").is_file()
             or (d / f"{d.name}.c").is_file()) and not _keyboard_folder(d)] if root else []  # fmt: skip
    return found[0] if len(found) == 1 else None


def users_folder_files(keymap_c: Path) -> dict[str, str]:
    """The repository's userspace, by its path in a QMK userspace (users/<name>/...), as qmk builds a
    keymap whose header lives there: its users/ folder nearest above the keymap, or a linked one."""
    def texts(folder: Path, prefix: str) -> dict[str, str]:
        return {f"{prefix}/{path.relative_to(folder).as_posix()}": path.read_text(encoding="utf-8", errors="replace")
                for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix in FOLDER_SUFFIXES}

    root = checkout_root(keymap_c)
    for folder in keymap_c.parents:
        if (folder / "users").is_dir():
            return texts(folder / "users", "users")
        if folder == root:
            break
    linked = linked_userspace(keymap_c)
    return texts(linked, f"users/{linked.name}") if linked else {}


def keymap_name(keymap_c: Path) -> str:
    """The name qmk builds the keymap under, which it takes as USER_NAME (users/<name>/): its folder's
    under keymaps/, a linked userspace's, else `original`."""
    name = keymap_c.parent.name
    if keymap_c.parent.parent.name == "keymaps" and re.fullmatch(r"[A-Za-z0-9_]+", name):
        return name
    linked = linked_userspace(keymap_c)
    return linked.name if linked and re.fullmatch(r"[A-Za-z0-9_]+", linked.name) else "original"


def program(elf: Path, log: str) -> Built:
    """What a build that linked `elf` made, fitting or not (QMK's size check runs after linking)."""
    try:
        keymaps = keymaps_bytes(elf)
    except LookupError:  # the compiler kept no keymaps[] of its own (folded into its one reader)
        return Built(None, f"{elf.name} holds no keymaps symbol")
    too_large = _TOO_LARGE.search(log)
    size, limit = (int(too_large.group(1)), int(too_large.group(2))) if too_large else (None, None)
    if size is None:
        fitted = re.search(r"The firmware size is fine - (\d+)/(\d+)", log)
        size = int(fitted.group(1)) if fitted else None
    if size is None:  # ARM: no size check, only `size` of the flashable file (text data bss dec hex name)
        table = re.search(r"Size after:\s*\n\s*text\s+data\s+bss\s+dec.*\n\s*\d+\s+\d+\s+\d+\s+(\d+)", log)
        size = int(table.group(1)) if table else image_size(elf)  # RP2040: QMK prints no size
    return Built(keymaps, size=size, limit=limit, symbols=elf_symbols(elf))


def build_original_program(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> Built:
    work.mkdir(parents=True, exist_ok=True)
    ini = work / "qmk.ini"
    ini.write_text("[user]\n")
    files = keymap_folder_files(keymap_c)
    name = keymap_name(keymap_c)
    # The folder qmk builds for the name (`splitkb/kyria/rev1` is rev1/base in 2025 trees): its target
    # names the firmware, and the copy QMK leaves in the tree's root, which the workspace removes.
    folder = QmkTree(tree).resolve_keyboard(keyboard) or keyboard
    workspace = make_workspace(tree, folder, name, files, use_userspace=True, cache=work / "qmk-cache")
    # A CONVERT_TO of the keymap's rules.mk names the firmware QMK copies into the tree's root (before
    # mid-2024): the workspace removes that copy too.
    workspace.converter = apply_rules(parse_rules_mk(files.get("rules.mk", ""))).get("CONVERT_TO", "").strip() or None
    with workspace as ws:
        assert ws.userspace is not None
        for path, text in users_folder_files(keymap_c).items():
            (ws.userspace / path).parent.mkdir(parents=True, exist_ok=True)
            (ws.userspace / path).write_text(text)
        env = {k: v for k, v in os.environ.items() if k not in ("QMK_HOME", "QMK_USERSPACE", "BUILD_DIR")}
        env.update(ws.environment(), SKIP_GIT="yes", PATH=build_path())
        command = ["nice", "-n", "10", str(find_program("qmk")), "--config-file", str(ini), "compile", "-kb",
                   keyboard, "-km", name, "-j", jobs, "-e", f"BUILD_DIR={ws.build_dir}"]  # fmt: skip
        built = subprocess.run(command, cwd=ws.userspace, env=env, capture_output=True, text=True)
        log = _COLOUR.sub("", built.stdout + built.stderr)
        # QMK before mid-2024 adds a keymap rules.mk's CONVERT_TO to the target's name.
        elves = sorted(ws.build_dir.glob(f"{ws.target}*.elf"), key=lambda p: p.stat().st_mtime)
        elf = elves[-1] if elves else ws.build_dir / f"{ws.target}.elf"
        if built.returncode != 0 and not (_TOO_LARGE.search(log) and elf.is_file()):
            return Built(None, "original does not build: " + first_error(log))
        if not elf.is_file():
            return Built(None, f"original builds, but not as {ws.target}.elf: " + first_error(log))
        return program(elf, log)


def build_original(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> bytes | str:
    """The original's keymaps bytes, or why it does not build (a program over the flash counts)."""
    built = build_original_program(tree, keymap_c, keyboard, work, jobs)
    return built.keymaps if built.keymaps is not None and built.limit is None else built.why or "over flash"


def build_keyconf_program(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> Built:
    layout = work / "layout" / "layout.yaml"
    layout.parent.mkdir(parents=True, exist_ok=True)
    cache = work / "keyconf-cache"
    os.environ["KEYCONF_BUILD_CACHE"] = str(cache)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        if keyconf(["import", str(keymap_c), "--keyboard", keyboard, "-o", str(layout)]) != 0:
            return Built(None, "keyconf refuses: " + first_error(quiet.getvalue()))
        if keyconf(["compile", str(layout), "--qmk-home", str(tree), "-j", jobs, "-o", str(work / "out")]):
            elves = list(cache.glob("*/obj/*_keyconf.elf")) or list(cache.glob("*/obj/*_keyconf_*.elf"))
            log = _COLOUR.sub("", quiet.getvalue())
            if elves and _TOO_LARGE.search(log):
                return program(elves[0], log)
            problems = [line for line in log.splitlines() if ": error: " in line and "layout.yaml" in line]
            return Built(None, "keyconf's build fails: " + (problems[0][:200] if problems else first_error(log)))
    (elf,) = list(cache.glob("*/obj/*_keyconf.elf")) or list(cache.glob("*/obj/*_keyconf_*.elf"))
    return program(elf, _COLOUR.sub("", quiet.getvalue()))


def build_keyconf(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> bytes | str:
    built = build_keyconf_program(tree, keymap_c, keyboard, work, jobs)
    return built.keymaps if built.keymaps is not None and built.limit is None else built.why or "over flash"


def uses_userspace(keymap_c: Path) -> bool:
    """Whether the repository around `keymap_c` keeps a userspace its build reads (users/<name>/, or
    a linked top folder) outside the keymap's own folder."""
    files = users_folder_files(keymap_c)
    linked = linked_userspace(keymap_c)
    return bool(files) and not (linked is not None and keymap_c.is_relative_to(linked))


def on_platform(processor: str | None, platform: str) -> bool:
    """Whether a board of `processor` is one the --platform asked for (avr, arm, rp2040 or all)."""
    if not processor:
        return False
    family = compilers_for_processor(processor)[0]
    return {"all": True, "avr": family == "avr-gcc", "arm": family == "arm-none-eabi-gcc",
            "rp2040": processor == "RP2040"}[platform]


def corpus_keymaps(corpus: Path, per_repo: int, work: Path, userspace: bool = False,
                   platform: str = "avr") -> list[tuple[Path, str]]:
    """(keymap.c in its repository checkout, keyboard) for the corpus's keymap.c files on boards of
    `platform`; with `userspace`, only those whose repository keeps a userspace."""
    from import_corpus import in_its_repository, keyboard_hints, manifest_origins, manifest_paths

    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.keymap_c_import import keyboard_from_path

    finder = CatalogueKeyboards()
    paths, hints, origins = manifest_paths(), keyboard_hints(), manifest_origins()
    picked: list[tuple[Path, str]] = []
    per: collections.Counter[str] = collections.Counter()
    for path in sorted((corpus / "keymap.c").glob("*")):
        name = hints.get(path.name) or keyboard_from_path(paths.get(path.name, "")) or ""
        board = finder.by_name(name) if name else None
        repository = origins.get(path.name, ("", "", ""))[0]
        if board is None or not on_platform(board.processor, platform) or per[repository] >= per_repo:
            continue
        checkout = in_its_repository(path.name, origins, work)
        if checkout is not None and (not userspace or uses_userspace(checkout)):
            per[repository] += 1
            picked.append((checkout, board.name))
    return picked


def words(data: bytes) -> list[int]:
    """keymaps[][][]'s 16-bit keycodes (AVR is little-endian)."""
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data) - 1, 2)]


def macro_keys_only(original: list[int], mine: list[int]) -> int | None:
    """How many keys differ, when they differ only where keyconf's key plays a layout macro (QK_MACRO_n)
    and the original's holds a custom keycode, one for each macro (the SEND_STRING keys the import
    turns into macros; the key does what the original's C did). None otherwise."""
    pairs = {(a, b) for a, b in zip(original, mine, strict=False) if a != b}
    if len(original) != len(mine) or not pairs:
        return None
    if not all(0x7700 <= b <= 0x771F and 0x7E40 <= a <= 0x7FFF for a, b in pairs):
        return None
    if len({a for a, _ in pairs}) != len(pairs) or len({b for _, b in pairs}) != len(pairs):
        return None  # one macro for one custom keycode, both ways
    return sum(a != b for a, b in zip(original, mine, strict=False))


def size_note(original: Built, mine: Built) -> str:
    if original.size is None or mine.size is None:
        return ""
    over = [f"{side} {built.size - built.limit} bytes over" for side, built in (("original", original),
            ("keyconf", mine)) if built.limit is not None]  # fmt: skip
    sizes = f"; firmware {original.size} -> {mine.size} bytes ({mine.size - original.size:+d})"
    if mine.size != original.size:
        sizes += f", because: {size_causes(original.symbols, mine.symbols) or 'no symbol differs'}"
    return sizes + (f", {', '.join(over)}" if over else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("keymaps", nargs="*", help="KEYMAP.c:KEYBOARD")
    parser.add_argument("-j", "--jobs", default="2")
    parser.add_argument("--corpus", type=Path, help="the keymap.c files of this corpus on --platform's boards")
    parser.add_argument("--platform", choices=("avr", "arm", "rp2040", "all"), default="avr",
                        help="with --corpus: the boards' platform (default avr)")
    parser.add_argument("--per-repo", type=int, default=1, help="at most this many keymaps of one repository")
    parser.add_argument("--limit", type=int, default=0, help="at most this many keymaps (0: all)")
    parser.add_argument("--userspace", action="store_true",
                        help="only keymaps whose repository keeps a userspace (users/<name>/)")
    parser.add_argument("--list", action="store_true", help="print the keymaps picked, build nothing")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N picked (to resume)")
    parser.add_argument("--match", action="append", default=[],
                        help="with --corpus: only keymaps whose repository or path holds this text (repeatable)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    # The import sees the tree as a user's set-up would (QMK_HOME): board names as that tree has them
    # (splitkb/kyria/rev1 is a board of its own in 2024's, rev1/base in 2025's), not the catalogue's.
    os.environ["QMK_HOME"] = str(tree)
    checkouts = tempfile.TemporaryDirectory(prefix="kc-fw-repos-")
    items = [(Path(text).resolve(), keyboard) for text, _, keyboard in (k.rpartition(":") for k in args.keymaps)]
    if args.corpus:
        items += corpus_keymaps(args.corpus, args.per_repo, Path(checkouts.name), args.userspace, args.platform)
    if args.match:
        items = [(keymap_c, keyboard) for keymap_c, keyboard in items
                 if any(text in keymap_c.as_posix() for text in args.match)]
    items = items[args.skip :]
    items = items[: args.limit] if args.limit else items
    if args.list:
        for keymap_c, keyboard in items:
            print(f"{keymap_c.relative_to(checkouts.name) if keymap_c.is_relative_to(checkouts.name) else keymap_c} "
                  f"({keyboard})")
        return 0
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for keymap_c, keyboard in items:
        with tempfile.TemporaryDirectory(prefix="kc-fw-") as scratch:
            original = build_original_program(tree, keymap_c, keyboard, Path(scratch), args.jobs)
            mine = build_keyconf_program(tree, keymap_c, keyboard, Path(scratch), args.jobs)
        counts["original builds"] += original.fits
        counts["keyconf builds"] += mine.fits
        counts["both build"] += original.fits and mine.fits
        if original.keymaps is None or mine.keymaps is None:
            outcome = "; ".join(why for why in (original.why, mine.why) if why)
            if mine.keymaps is not None:
                outcome += "; keyconf builds it" if mine.fits else "; keyconf's links, over the flash"
            elif original.keymaps is not None:
                outcome = ("original builds" if original.fits else "original links, over the flash") + "; " + outcome
        elif original.keymaps == mine.keymaps:
            counts["equal keymaps"] += 1
            counts["equal, both fit"] += original.fits and mine.fits
            counts["equal keymaps and size"] += original.size is not None and original.size == mine.size
            outcome = f"equal ({len(original.keymaps) // 2} keymaps words)"
        elif (became := macro_keys_only(words(original.keymaps), words(mine.keymaps))) is not None:
            counts["equal keymaps"] += 1
            counts["equal, both fit"] += original.fits and mine.fits
            counts["equal keymaps and size"] += original.size is not None and original.size == mine.size
            outcome = (f"equal ({len(original.keymaps) // 2} keymaps words) but for {became} SEND_STRING keys that "
                       "became layout macros (the original's custom keycode there, QK_MACRO_n in keyconf's)")
        else:
            counts["keymaps differ"] += 1
            differing = sum(a != b for a, b in zip(words(original.keymaps), words(mine.keymaps), strict=False))
            outcome = f"DIFFER: {differing} of {len(original.keymaps) // 2} words"
        if original.keymaps is not None and mine.keymaps is None:
            counts["original builds, keyconf not"] += 1
        counts["sizes differ"] += None not in (original.size, mine.size) and original.size != mine.size
        label = keymap_c.relative_to(checkouts.name) if keymap_c.is_relative_to(checkouts.name) else keymap_c
        print(f"{label} ({keyboard}): {outcome}{size_note(original, mine)}", flush=True)
    print(f"{len(items)} keymaps ({time.perf_counter() - start:.0f} s): originals build {counts['original builds']}, "
          f"keyconf builds {counts['keyconf builds']}, both {counts['both build']}; equal keymaps[] "
          f"{counts['equal keymaps']} (both fitting {counts['equal, both fit']}), differ {counts['keymaps differ']}; "
          f"original links but keyconf's does not {counts['original builds, keyconf not']}")
    print(f"same keymaps[] and same firmware size (text+data) as the original: {counts['equal keymaps and size']} of "
          f"{counts['both build']} that both build; sizes differ: {counts['sizes differ']}")
    checkouts.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
