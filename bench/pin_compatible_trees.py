"""Whether keyconf reads a board's controller footprint as QMK does, over real QMK trees.

Run: .venv/bin/python bench/pin_compatible_trees.py [TREE ...] (default /work/trees/qmk2024 /work/trees/qmk2025)

A board's footprint decides which of QMK's converters it takes (`CONVERT_TO = rp2040_ce` is
`promicro_to_rp2040_ce` on a Pro Micro board, `elite_c_to_rp2040_ce` on an Elite-C one): QMK takes
it from the board's `pin_compatible` (info.json, keyboard.json, rules.mk's PIN_COMPATIBLE, or what
its `development_board` implies), else a Pro Micro for an atmega32u4 (builddefs/converters.mk).

For every buildable board of the tree (QMK's own `list_keyboards`) whose files name one of those
facts, this compares QMK's answer (QMK's own `qmk.info.info_json`, run from the tree's
lib/python in a child process) with keyconf's (`load_qmk_keyboard`, then
`keyconf.model.controllers.board_footprint`), and with what keyconf said before boards carried
their footprint (the board's name in keyconf's generated table, else its chip; with today's table). It prints how many
agree and lists the boards that do not.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.formats.definition_source import KeyboardDefinitionError  # noqa: E402
from keyconf.formats.qmk_info import load_qmk_keyboard  # noqa: E402
from keyconf.model.controllers import board_footprint  # noqa: E402

TREES = (Path("/work/trees/qmk2024"), Path("/work/trees/qmk2025"))
FACTS = ("pin_compatible", "development_board", "PIN_COMPATIBLE")

# Run in the tree, by QMK's own Python: each board's merged info as `qmk info` makes it.
QMK_SIDE = r"""
import json, sys
sys.path.insert(0, "lib/python")
from milc import cli  # noqa: F401 - QMK's modules log through it
from qmk.info import info_json
from qmk.keyboard import list_keyboards
wanted = set(json.loads(sys.stdin.read()))
for board in list_keyboards():
    if not any(board == w or board.startswith(w + "/") or w.startswith(board + "/") or w == "*" for w in wanted):
        continue
    try:
        info = info_json(board)
    except Exception as error:  # noqa: BLE001 - a board QMK itself cannot read is reported, not fatal
        print(json.dumps({"board": board, "error": str(error)[:200]}))
        continue
    print(json.dumps({"board": board, **{k: info.get(k) for k in ("processor", "bootloader", "pin_compatible",
                                                                  "development_board")}}), flush=True)
"""


def folders_naming_a_fact(tree: Path) -> list[str]:
    """Keyboard folders (relative to keyboards/) one of whose info.json, keyboard.json or rules.mk names a fact."""
    found = set()
    for name in ("info.json", "keyboard.json", "rules.mk"):
        for path in (tree / "keyboards").rglob(name):
            if "keymaps" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(fact in text for fact in FACTS):
                found.add(path.parent.relative_to(tree / "keyboards").as_posix())
    return sorted(found)


def qmk_says(tree: Path, folders: list[str]) -> dict[str, dict]:
    env = {**os.environ, "ORIG_CWD": str(tree), "QMK_HOME": str(tree), "SKIP_GIT": "yes"}
    run = subprocess.run([sys.executable, "-c", QMK_SIDE], input=json.dumps(folders), cwd=tree, env=env,
                         capture_output=True, text=True, check=False, timeout=3600)
    boards = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            boards[entry.pop("board")] = entry
    if not boards:
        print(run.stderr[-2000:], file=sys.stderr)
    return boards


def qmk_footprint(info: dict) -> str | None:
    if info.get("pin_compatible"):
        return str(info["pin_compatible"])
    return "promicro" if str(info.get("processor") or "").lower() == "atmega32u4" else None


def survey(tree: Path) -> None:
    folders = folders_naming_a_fact(tree)
    truth = qmk_says(tree, folders)
    agree_now = agree_before = unreadable = 0
    differ: list[str] = []
    kinds: collections.Counter[str] = collections.Counter()
    for board, info in sorted(truth.items()):
        if "error" in info:
            unreadable += 1
            continue
        try:
            keyboard = load_qmk_keyboard(tree, board)
        except (KeyboardDefinitionError, OSError, ValueError) as error:
            differ.append(f"{board}: keyconf does not load it: {error}")
            continue
        wanted = qmk_footprint(info)
        now = board_footprint(keyboard)
        before = board_footprint(replace(keyboard, pin_compatible=None))
        kinds[f"{info.get('development_board') or '-'}/{info.get('pin_compatible') or '-'}"] += 1
        agree_now += now == wanted
        agree_before += before == wanted
        if before != wanted:
            differ.append(f"{board}: before, keyconf {before} where QMK {wanted}")
        if now != wanted:
            differ.append(f"{board}: QMK {wanted}, keyconf {now} (pin_compatible {keyboard.pin_compatible}, "
                          f"processor {keyboard.processor})")
    total = len(truth) - unreadable
    print(f"\n{tree}: {len(folders)} keyboard folders name pin_compatible/development_board/PIN_COMPATIBLE; "
          f"{len(truth)} buildable boards in them ({unreadable} QMK itself cannot read)")
    print("  development_board/pin_compatible: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print(f"  footprint as QMK's: now {agree_now}/{total}, before boards carried it {agree_before}/{total}")
    for line in differ:
        print(f"    {line}")


def main() -> int:
    warnings.simplefilter("ignore")
    trees = [Path(arg) for arg in sys.argv[1:]] or [tree for tree in TREES if tree.is_dir()]
    for tree in trees:
        survey(tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
