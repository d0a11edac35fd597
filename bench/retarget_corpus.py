"""Figures: real users' layouts (the import corpus) moved to every bundled keyboard.

Run: .venv/bin/python bench/retarget_corpus.py [DIR] [-v]   (DIR default /work/corpus; see
bench/import_corpus.py for what it holds and where the files come from; -v lists the moves
that leave a layer unreachable).

Every file that imports with a keyboard keyconf knows (its real geometry, not a grid made up
from a save that carries none) is moved to each bundled board with
`retarget_layout` (the layout macro chosen automatically), then the result is checked:
- crashes (none expected);
- letters: of base layers typing all 26 letters, on how many moves to a board with room for a
  full alpha block (at least 30 letter-block keys) all 26 letters are still on the base layer;
- layer keys: moves that keep every layer reachable the source could reach (no new
  "nothing can reach layer" warning);
- dropped keys per layer (median), and the slowest move.
"""

from __future__ import annotations

import collections
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_corpus import KINDS, keyboard_hints, manifest_paths  # noqa: E402

from keyconf.catalogue.bundled import bundled_keyboards  # noqa: E402
from keyconf.catalogue.resolve import CatalogueKeyboards  # noqa: E402
from keyconf.formats.interchange import FormatError, import_layout  # noqa: E402
from keyconf.formats.keymap_c_import import keyboard_from_path  # noqa: E402
from keyconf.formats.yaml_layout import LayoutFileError  # noqa: E402
from keyconf.model.keyboard import Keyboard  # noqa: E402
from keyconf.model.layout import Layout, keycode_context  # noqa: E402
from keyconf.model.retarget import letter_keys, retarget_layout  # noqa: E402
from keyconf.model.validation import validate  # noqa: E402


def letters_on_base(layout: Layout) -> set[str]:
    """The letters the base layer types (tap actions), as legends."""
    from keyconf.model.keycodes import REGISTRY

    ctx = keycode_context(layout)
    keys = layout.layers[0].keys if layout.layers else []
    found = set()
    for index in letter_keys(keys, ctx):
        found.add(REGISTRY.legend(REGISTRY.parse(keys[index], ctx), ctx).tap.upper())
    return found


def unreachable(layout: Layout, keyboard: Keyboard) -> set[str]:
    return {p.message for p in validate(layout, keyboard) if p.code == "unreachable-layer"}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    corpus = Path(args[0]) if args else Path("/work/corpus")
    if not corpus.is_dir():
        print(f"usage: bench/retarget_corpus.py [DIR]   ({corpus} is not a folder)")
        return
    warnings.simplefilter("ignore")
    finder = CatalogueKeyboards()
    origins, hints = manifest_paths(), keyboard_hints()
    boards = {name: loader() for name, loader in sorted(bundled_keyboards().items())}
    roomy = {
        name
        for name, board in boards.items()
        if any(
            sum(1 for r in retarget_layout(Layout(name, macro), board, board, macro).match.target_roles
                if r and r.zone == "alpha" and 0 <= r.column <= 4) >= 30
            for macro in board.layouts
        )
    }
    layouts: list[tuple[str, Layout, Keyboard]] = []
    for kind in KINDS:
        for path in sorted((corpus / kind).glob("*")):
            name = hints.get(path.name) or (keyboard_from_path(origins.get(path.name, "")) or "")
            keyboard = finder.by_name(name) if name else None
            try:
                imported = import_layout(path, keyboard=keyboard, finder=finder, format=kind)
            except (FormatError, LayoutFileError):
                continue
            board = imported.keyboard
            # A keyboard keyconf made up from the file (a Vial save's matrix grid) has no real
            # geometry to move from.
            if board is not None and imported.layout.layers and finder.by_name(board.name) is not None:
                layouts.append((path.name, imported.layout, board))
    crashes: list[str] = []
    letter_moves = letter_kept = 0
    reach_moves = reach_kept = 0
    dropped: list[int] = []
    slowest = (0.0, "")
    lost_letters: collections.Counter[str] = collections.Counter()
    lost_reach: list[str] = []
    verbose = "-v" in sys.argv
    for file, layout, source in layouts:
        letters = letters_on_base(layout)
        before = unreachable(layout, source)
        for board_name, target in boards.items():
            start = time.perf_counter()
            try:
                moved = retarget_layout(layout, source, target, lint=False)
            except Exception as error:  # noqa: BLE001 - a crash is counted and the run goes on
                crashes.append(f"{file} → {board_name}: {type(error).__name__}: {error}")
                continue
            took = (time.perf_counter() - start) * 1000
            slowest = max(slowest, (took, f"{file} → {board_name}"))
            dropped.extend(len(m.dropped) for m in moved.layers)
            if len(letters) == 26 and board_name in roomy:
                letter_moves += 1
                after = letters_on_base(moved.layout)
                if after >= letters:
                    letter_kept += 1
                else:
                    lost_letters[f"{file} → {board_name}: {''.join(sorted(letters - after))}"] += 1
            reach_moves += 1
            if unreachable(moved.layout, target) <= before:
                reach_kept += 1
            elif verbose:
                lost_reach.append(f"{file} → {board_name}: {sorted(unreachable(moved.layout, target) - before)}")
    print(f"{len(layouts)} real layouts with a known keyboard × {len(boards)} bundled boards = "
          f"{len(layouts) * len(boards)} moves; crashes: {len(crashes)}")
    for line in crashes[:5]:
        print(f"  {line}")
    print(f"all 26 letters still on the base layer: {letter_kept}/{letter_moves} moves to a board with "
          f"a full alpha block ({', '.join(sorted(roomy))})")
    for line, _ in lost_letters.most_common(8):
        print(f"  lost: {line}")
    print(f"every layer the source could reach still reachable: {reach_kept}/{reach_moves} moves "
          "(the others' layer keys sat on keys the new board lacks: the lint reports each)")
    for line in lost_reach:
        print(f"  {line}")
    if dropped:
        print(f"keys dropped per layer: median {statistics.median(dropped):.0f}, max {max(dropped)}")
    print(f"slowest move: {slowest[0]:.1f} ms ({slowest[1]})")


if __name__ == "__main__":
    main()
