"""Equivalence: a keymap.c imported and written again by keyconf holds the same keymaps[][][] values.

Run: .venv/bin/python bench/keymap_c_equivalence.py [TREE ...] [--files DIR] [--limit N] [-v]
  TREE   qmk_firmware checkouts (default $KEYCONF_TEST_QMK_HOME, else /work/trees/qmk2024 and
         /work/trees/qmk2025); their keyboards/*/keymaps/*/keymap.c are sampled evenly, N each
         (default 200; 0: all), QMK's `default` keymaps and users' keymaps counted apart.
  --files DIR   also every *.c in DIR (users' keymaps gathered from public repositories),
         checked against the first TREE's headers.
  --board-keycodes   both keymaps also get the enums of their board's own headers in the tree
         (keyboards/zsa/voyager/voyager.h: TOGGLE_LAYER_COLOR = QK_KB, LED_LEVEL), as QMK's build
         of the board includes them; the board of a tree keymap is its folder, of a --files keymap
         its hint in bench/corpus/keyboards.tsv (ZSA Oryx sources name those keycodes on keys).
  --in-place    each --files keymap is read in its repository checked out from /work/.mirror (the
         manifests say where), imported there as `keyconf import` in place does, and both keymaps
         get the #defines of the headers it includes from its folder (Oryx's i18n.h: KC_PC_COPY,
         the language aliases of the layout).

For each file: keyconf imports it (`import_text`, what `keyconf import` does, with a keyboard whose
one layout macro takes the file's keys in order)
and generates its keymap.c (`generate_sources`, what `keyconf compile` builds, with the tree's
dialect). Both keymaps are then compiled by host gcc against the tree's own keycode headers
(quantum/quantum_keycodes.h, keymap_extras/) and run, printing every keymaps[][][] value:
gcc, not keyconf, evaluates the original's macros, enums and keycode expressions. Function
bodies and tables other than keymaps are left out of both (they need the whole firmware), the
rules.mk switches the original's `#if`s test (`JOYSTICK_ENABLE`) are on, as keyconf's import takes them,
and every LAYOUT* macro is one row taking its arguments in order, so two keymaps match when
each layer holds the same value at each argument of its layout macro. Keys keyconf turned into
macros (a custom keycode whose only C was a SEND_STRING) are compared as the macro keycode
they became, which the import reports. Prints "N of M match" per set, and why the others
do not (original does not build standalone: a userspace header or a broken file; keyconf
refuses it; values differ).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_corpus import in_its_repository, keyboard_hints, manifest_origins  # noqa: E402
from keyconf.compiler.dialect import QmkDialect  # noqa: E402
from keyconf.compiler.qmk_tree import QmkTree  # noqa: E402
from keyconf.compiler.source_map import GenerationError  # noqa: E402
from keyconf.compiler.sources import GenerateOptions, generate_sources  # noqa: E402
from keyconf.formats.c_source import iter_statements, tokenize  # noqa: E402
from keyconf.formats.format_error import FormatError  # noqa: E402
from keyconf.formats.interchange import import_text  # noqa: E402
from keyconf.formats.keymap_c_carry import carry_c  # noqa: E402
from keyconf.formats.keymap_c_import import read_keymap_c  # noqa: E402
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro  # noqa: E402

COLUMNS = 512
DEFAULT_TREES = ("/work/trees/qmk2024", "/work/trees/qmk2025")
HEADER = f"""#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#define PROGMEM
#define MATRIX_ROWS 1
#define MATRIX_COLS {COLUMNS}
#include "modifiers.h"
#include "quantum_keycodes.h"
"""


@dataclass
class Outcome:
    status: str  # "match", "differ", "original does not build", "keyconf refuses", "keyconf output does not build"
    detail: str = ""


def keymap_part(text: str) -> str:
    """The keymap of a keymap.c as gcc needs it alone: its directives, enums and keymaps[]; the
    functions and other tables (which need the whole firmware) left out."""
    tokens = [t for t in tokenize(text) if t.kind != "directive"]
    dropped = []
    for start, end in iter_statements(tokens):
        statement = tokens[start:end]
        texts = [t.text for t in statement]
        is_enum = "enum" in texts[:3]
        is_keymaps = any(a == "keymaps" and b == "[" for a, b in zip(texts, texts[1:], strict=False))
        if statement and not (is_enum or is_keymaps):
            dropped.append(statement)
    kept = carry_c(text, None, dropped, set(), {}).code or ""
    # Headers other than QMK's language keycodes are not part of the keymap values here (its
    # sendstring_ tables only serve SEND_STRING, and need the firmware's headers).
    return re.sub(r'^\s*#\s*include\s+(?!"keymap_).*$', "", kept, flags=re.M)


def assumed_features(text: str) -> list[str]:
    """The rules.mk switches (`JOYSTICK_ENABLE`) the file's `#if`s test and keyconf's import takes as
    on: the original is built with them on too, so both sides read the same branches."""
    tested = set(re.findall(r"^\s*#\s*(?:if|ifdef|ifndef|elif)\b[^\n]*?\b(\w+_ENABLE)\b", text, re.M))
    # a define at a line's start: `// #define MY_UNICODE_ENABLE 1  // it's in rules.mk` defines nothing
    return sorted(tested - set(re.findall(r"^\s*#\s*define\s+(\w+_ENABLE)\b", text, re.M)))


def board_enums(tree: Path, board: str | None) -> str:
    """The enums of the board's own headers (each folder from keyboards/ down to the board's), its
    keycodes among them (`TOGGLE_LAYER_COLOR = QK_KB_0`); the rest of those headers needs the firmware."""
    if not board:
        return ""
    enums: list[str] = []
    folder = tree / "keyboards"
    for part in board.split("/"):
        folder = folder / part
        for header in sorted(folder.glob("*.h")) if folder.is_dir() else []:
            tokens = [t for t in tokenize(header.read_text(encoding="utf-8", errors="replace"))
                      if t.kind != "directive"]
            for start, end in iter_statements(tokens):
                texts = [t.text for t in tokens[start:end]]
                if texts[:1] == ["enum"] and "{" in texts and "(" not in texts[:texts.index("{")]:
                    enums.append(" ".join(texts).rstrip(" ;") + ";")
    return "\n".join(enums)


def folder_defines(text: str, keymap: Path) -> str:
    """The #defines of the headers `text` includes from `keymap`'s folder (and folders under it)."""
    lines: list[str] = []
    for name in re.findall(r'^\s*#\s*include\s+"([^"]+\.h)"', text, re.M):
        header = keymap.parent / name
        if header.is_file():
            lines += [f"#{t.text}" for t in tokenize(header.read_text(encoding="utf-8", errors="replace"))
                      if t.kind == "directive" and re.match(r"define\b", t.text)]
    return "\n".join(lines)


def program(text: str, probes: list[str], features: list[str] | None = None, prelude: str = "") -> str:
    """gcc's program printing the keymap's values; `prelude`: C the keymap needs before it (its board's
    keycodes, its folder's #defines)."""
    part = keymap_part(text)
    defined = set(re.findall(r"#\s*define\s+(LAYOUT\w*)", part))
    layouts = sorted(set(re.findall(r"\b(LAYOUT\w*)\s*\(", part)) - defined)
    lines = [f"#define {feature} 1" for feature in features or []] + ['#include "kb.h"', prelude]
    lines += [f"#define {name}(...) {{ {{ __VA_ARGS__ }} }}" for name in layouts]
    lines.append(part)
    lines.append("int main(void) {")
    lines.append("    for (size_t l = 0; l < sizeof(keymaps) / sizeof(keymaps[0]); l++) {")
    lines.append(f"        for (int k = 0; k < {COLUMNS}; k++) printf(\"%u \", (unsigned)keymaps[l][0][k]);")
    lines.append('        printf("\\n");')
    lines.append("    }")
    for probe in probes:
        lines.append(f'    printf("#%u\\n", (unsigned)({probe}));')
    lines.append("    return 0;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_values(source: str, tree: Path, work: Path, name: str) -> list[str] | None:
    c_file = work / f"{name}.c"
    binary = work / name
    c_file.write_text(source, encoding="utf-8")
    include = ["-I", str(work), "-I", str(tree / "quantum"), "-I", str(tree / "quantum" / "keymap_extras"),
               "-I", str(tree / "quantum" / "sequencer")]
    compiled = subprocess.run(
        ["gcc", "-std=gnu11", "-w", *include, str(c_file), "-o", str(binary)],
        capture_output=True, text=True, check=False,
    )
    if compiled.returncode != 0:
        return None
    ran = subprocess.run([str(binary)], capture_output=True, text=True, check=False, timeout=20)
    return ran.stdout.splitlines() if ran.returncode == 0 else None


def check(text: str, path: str, tree: Path, dialect: QmkDialect, work: Path, prelude: str = "") -> Outcome:
    try:
        result = read_keymap_c(text, path, "bench")
        first = result.layout
        macro = LayoutMacro(first.layout_macro, [Key(x=float(i), y=0.0) for i in range(len(first.layers[0].keys))])
        keyboard = Keyboard(name="bench", layouts={first.layout_macro: macro})
        # The layout as `keyconf import` makes it (host language from the includes, names respelled).
        layout = import_text(text, path, keyboard=keyboard, format="keymap.c").layout
        generated = generate_sources(layout, keyboard, GenerateOptions(dialect=dialect)).keymap_c
    except (FormatError, GenerationError) as error:
        return Outcome("keyconf refuses", str(error).splitlines()[0][:100])
    converted = sorted(result.macro_keycodes.items(), key=lambda item: item[1])
    try:
        source = program(text, [name for name, _ in converted], assumed_features(text), prelude)
    except FormatError as error:
        # Brackets that balance only within each #if branch (a layer written twice, under #ifdef and #else):
        # the bench cuts statements with the directives left out, so it cannot take the keymap apart.
        return Outcome("original does not build", f"the bench cannot cut it apart: {error}")
    original = run_values(source, tree, work, "original")
    if original is None:
        return Outcome("original does not build")
    # The user's headers' #defines (in place) name layers the generated keymap declares in its own enum
    # (`#define _COLEMAK 0` in layers.h, `enum layers { _COLEMAK, ...}`): keyconf's keymap.c does not include
    # that header, so its side gets the other #defines only.
    declared = {m.group(1) for body in re.findall(r"\benum\b[^{;]*\{([^}]*)\}", generated)
                for part in re.sub(r"//[^\n]*|/\*.*?\*/", "", body, flags=re.S).split(",")
                if (m := re.match(r"\s*([A-Za-z_]\w*)", part))}
    ours_prelude = "\n".join(line for line in prelude.splitlines()
                              if not (m := re.match(r"#\s*define\s+(\w+)", line)) or m.group(1) not in declared)
    ours = run_values(program(generated, [], prelude=ours_prelude), tree, work, "keyconf")
    if ours is None:
        return Outcome("keyconf output does not build")
    probes = [line for line in original if line.startswith("#")]
    rows = [line for line in original if not line.startswith("#")]
    became = {probe[1:]: str(0x7700 + index) for probe, (_, index) in zip(probes, converted, strict=True)}
    expected = [[became.get(value, value) for value in row.split()] for row in rows]
    got = [row.split() for row in ours]
    # QMK reads a layer past keymaps[] as KC_TRNS; keyconf's import makes the layers keys name.
    keys = len(layout.layers[0].keys)  # the LAYOUT arguments of a row; the columns after them are 0
    empty = [str(0x0001)] * keys + ["0"] * (COLUMNS - keys)
    while len(expected) < len(got) and got[len(expected)] == empty:
        expected.append(empty)
    if expected == got:
        return Outcome("match")
    for layer, (a, b) in enumerate(zip(expected, got, strict=False)):
        if a != b:
            key = next(k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
            return Outcome("differ", f"layer {layer} key {key}: 0x{int(a[key]):04X} != 0x{int(b[key]):04X}")
    return Outcome("differ", f"{len(expected)} layers != {len(got)}")


def tree_keymaps(tree: Path, limit: int) -> dict[str, list[Path]]:
    files = sorted(tree.glob("keyboards/**/keymaps/*/keymap.c"))
    sets: dict[str, list[Path]] = {"QMK default keymaps": [], "users' keymaps in the tree": []}
    for file in files:
        sets["QMK default keymaps" if file.parent.name == "default" else "users' keymaps in the tree"].append(file)
    if limit:
        for name, items in sets.items():
            step = max(1, len(items) // limit)
            sets[name] = items[::step][:limit]
    return sets


def tree_board(tree: Path, keymap: Path) -> str:
    """keyboards/zsa/voyager/keymaps/default/keymap.c: zsa/voyager."""
    parts = keymap.relative_to(tree / "keyboards").parts
    return "/".join(parts[: parts.index("keymaps")])


def report(title: str, outcomes: dict[str, Outcome], verbose: bool) -> None:
    counts = collections.Counter(o.status for o in outcomes.values())
    matched = counts["match"]
    built = sum(n for status, n in counts.items() if status != "original does not build")
    print(f"{title}: {matched} of {len(outcomes)} match ({matched} of {built} whose original builds standalone)")
    for status, number in counts.most_common():
        if status != "match":
            print(f"    {number:5}  {status}")
    for path, outcome in outcomes.items():
        if outcome.status != "match" and (verbose or outcome.status == "differ"):
            print(f"        {outcome.status}: {path} {outcome.detail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*")
    parser.add_argument("--files", help="a folder of users' keymap.c files")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--board-keycodes", action="store_true",
                        help="give both keymaps the enums of their board's headers (its own keycodes)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--in-place", action="store_true",
                        help="read each --files keymap in its repository checkout, with its folder's headers")
    args = parser.parse_args()
    hints = keyboard_hints() if args.board_keycodes else {}
    origins = manifest_origins() if args.in_place else {}
    trees = [Path(t) for t in args.trees] or (
        [Path(os.environ["KEYCONF_TEST_QMK_HOME"])] if os.environ.get("KEYCONF_TEST_QMK_HOME")
        else [Path(t) for t in DEFAULT_TREES if Path(t).is_dir()]
    )
    started = time.perf_counter()
    total = matched = 0
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "kb.h").write_text(HEADER, encoding="utf-8")
        for tree in trees:
            dialect = QmkTree(tree).dialect
            for title, files in tree_keymaps(tree, args.limit).items():
                outcomes = {}
                for file in files:
                    text = file.read_text(encoding="utf-8", errors="replace")
                    board = board_enums(tree, tree_board(tree, file)) if args.board_keycodes else ""
                    outcomes[str(file.relative_to(tree))] = check(text, str(file), tree, dialect, work, board)
                report(f"{tree.name}, {title}", outcomes, args.verbose)
                total += len(outcomes)
                matched += sum(o.status == "match" for o in outcomes.values())
        if args.files and trees:
            dialect = QmkTree(trees[0]).dialect
            outcomes = {}
            checkouts = work / "checkouts"
            for file in sorted(Path(args.files).glob("*.c")):
                board = board_enums(trees[0], hints.get(file.name)) if args.board_keycodes else ""
                where = (in_its_repository(file.name, origins, checkouts) if args.in_place else None) or file
                text = where.read_text(encoding="utf-8", errors="replace")
                if where != file:
                    board = "\n".join(part for part in (board, folder_defines(text, where)) if part)
                outcomes[file.name] = check(text, str(where), trees[0], dialect, work, board)
            report(f"{args.files} (against {trees[0].name})", outcomes, args.verbose)
            total += len(outcomes)
            matched += sum(o.status == "match" for o in outcomes.values())
    print(f"all: {matched} of {total} match ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
