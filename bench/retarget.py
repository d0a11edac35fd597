"""Benchmark and figures: moving layouts between keyboards (`keyconf retarget`).

Prints, for the shipped layouts and bundled boards:
- Corne (3x6+3) → Sweep (3x5+2): alpha-block keys on the same finger, inner thumbs kept, keys dropped;
- Sweep → Corne → Sweep: whether the original comes back exactly;
- Planck → Preonic (preonic/rev3 from the QMK tree when KEYCONF_TEST_QMK_HOME or QMK_HOME names a
  qmk_firmware tree, else from keyconf's catalogue) and dz60 → kbd8x TKL: keys that land on the same place;
- milliseconds to move a 32-layer layout between every pair of bundled boards (goal ≤ 50 ms).

Run: .venv/bin/python bench/retarget.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyconf.catalogue.bundled import bundled_keyboards  # noqa: E402
from keyconf.catalogue.resolve import find_keyboard  # noqa: E402
from keyconf.formats.qmk_info import load_qmk_keyboard  # noqa: E402
from keyconf.formats.yaml_layout import load_layout  # noqa: E402
from keyconf.model.geometry import key_center  # noqa: E402
from keyconf.model.key_matching import _cached_roles  # noqa: E402
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro  # noqa: E402
from keyconf.model.layout import Layer, Layout  # noqa: E402
from keyconf.model.retarget import Retargeted, retarget_layout  # noqa: E402
from keyconf.model.starter_layout import starter_layout  # noqa: E402
from keyconf.model.validation import validate  # noqa: E402

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"


def shipped(name: str) -> Layout:
    return load_layout(LAYOUTS / f"{name}.yaml").layout


def corne_to_sweep() -> None:
    corne = shipped("corne")
    moved = retarget_layout(corne, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    source_roles, target_roles = moved.match.source_roles, moved.match.target_roles
    print("Corne (3x6+3) → Sweep (3x5+2)")
    for before, after, move in zip(corne.layers, moved.layout.layers, moved.layers, strict=True):
        alpha = [i for i, r in enumerate(source_roles) if r and r.zone == "alpha" and 0 <= r.column <= 4]
        same_finger = sum(
            1
            for i in alpha
            if (j := moved.match.target_of[i]) is not None
            and target_roles[j] == source_roles[i]
            and after.keys[j] == before.keys[i]
        )
        inner = [i for i, r in enumerate(source_roles) if r and r.zone == "thumb" and r.column == 0]
        kept = sum(1 for i in inner if (j := moved.match.target_of[i]) is not None and after.keys[j] == before.keys[i])
        dropped = ", ".join(f"{before.keys[i]}" for i in move.dropped)
        print(
            f"  {before.name:<7} alpha keys on the same finger {same_finger}/{len(alpha)}; "
            f"inner thumbs kept {kept}/{len(inner)}; dropped {len(move.dropped)}: {dropped}"
        )


def round_trip() -> None:
    sweep = shipped("sweep")
    there = retarget_layout(sweep, find_keyboard("ferris/sweep"), find_keyboard("crkbd/rev1"), "LAYOUT_split_3x6_3")
    back = retarget_layout(there.layout, find_keyboard("crkbd/rev1"), find_keyboard("ferris/sweep"))
    unfilled = len(there.layers[0].unfilled)
    verdict = "identical" if back.layout == sweep else "DIFFERENT"
    print(f"Sweep → Corne → Sweep: {verdict} ({unfilled} Corne keys per layer unfilled on the way)")


def same_place(label: str, layout: Layout, source: Keyboard, target: Keyboard, macro: str) -> None:
    moved = retarget_layout(layout, source, target, macro)
    src = moved.source_macro.slot_keys
    dst = moved.target_macro.slot_keys
    offsets = set()
    for i, j in enumerate(moved.match.target_of):
        if j is not None:
            (sx, sy), (tx, ty) = key_center(src[i]), key_center(dst[j])
            offsets.add((round(tx - sx, 3), round(ty - sy, 3)))
    landed = sum(1 for j in moved.match.target_of if j is not None)
    shift = next(iter(offsets)) if len(offsets) == 1 else None
    where = f"all shifted by {shift}" if shift is not None else f"{len(offsets)} different shifts"
    print(
        f"{label}: {landed}/{len(src)} keys land on the same place ({where}); "
        f"{len(moved.layers[0].unfilled)} target keys unfilled, {len(moved.layers[0].dropped)} dropped"
    )


def preonic() -> tuple[Keyboard, str]:
    """The Preonic from a qmk_firmware tree when one is named, else from keyconf's catalogue."""
    for variable in ("KEYCONF_TEST_QMK_HOME", "QMK_HOME"):
        home = os.environ.get(variable)
        if home and (Path(home) / "keyboards" / "preonic").is_dir():
            return load_qmk_keyboard(home, "preonic/rev3"), f"preonic/rev3 from {home}"
    try:
        return find_keyboard("preonic/rev3"), "preonic/rev3 from keyconf's catalogue"
    except LookupError:
        pass
    keys = [Key(x=float(c), y=float(r), matrix=(r, c)) for r in range(5) for c in range(12)]
    grid = LayoutMacro("LAYOUT_ortho_5x12", keys)
    return Keyboard("preonic/rev3", layouts={grid.name: grid}), "a 5x12 grid"


def big_layout(keyboard: Keyboard, layers: int = 32) -> Layout:
    base = starter_layout(keyboard)
    names = [f"l{n}" for n in range(layers)]
    result = Layout(keyboard.name, base.layout_macro, name="bench")
    for n, name in enumerate(names):
        keys = list(base.layers[0].keys)
        keys[len(keys) // 2] = f"MO({names[(n + 1) % layers]})"
        result.layers.append(Layer(name, keys, list(base.layers[0].encoders)))
    return result


def timing() -> None:
    boards = {name: loader() for name, loader in sorted(bundled_keyboards().items())}
    layouts = {name: big_layout(board) for name, board in boards.items()}
    times: list[tuple[float, str]] = []
    lint: list[float] = []
    for source_name, layout in layouts.items():
        for target_name, target in boards.items():
            best = float("inf")
            for _ in range(3):
                _cached_roles.cache_clear()  # cold: every board's key roles worked out afresh
                start = time.perf_counter()
                result: Retargeted = retarget_layout(layout, boards[source_name], target, lint=False)
                best = min(best, (time.perf_counter() - start) * 1000)
            assert len(result.layout.layers) == 32
            times.append((best, f"{source_name} → {target_name} ({result.target_macro.name})"))
            start = time.perf_counter()
            validate(result.layout, target)
            lint.append((time.perf_counter() - start) * 1000)
    times.sort()
    ms = [t for t, _ in times]
    print(
        f"32-layer layout moved, {len(times)} board pairs (layout macro chosen automatically, cold): "
        f"median {statistics.median(ms):.1f} ms, slowest {ms[-1]:.1f} ms ({times[-1][1]}) — goal ≤ 50 ms"
    )
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while measuring)")
    print(
        f"  then validating the result (the lint, as `keyconf validate` does): median "
        f"{statistics.median(lint):.1f} ms, slowest {max(lint):.1f} ms"
    )


def main() -> None:
    corne_to_sweep()
    round_trip()
    board, where = preonic()
    planck, dz60, tkl = find_keyboard("planck/rev6"), find_keyboard("dz60"), find_keyboard("kbdfans/kbd8x_mk2")
    same_place(f"Planck → Preonic ({where})", shipped("planck"), planck, board, "LAYOUT_ortho_5x12")
    same_place("dz60 60 % → kbd8x TKL", shipped("dz60"), dz60, tkl, "LAYOUT_tkl_ansi")
    timing()


if __name__ == "__main__":
    main()
