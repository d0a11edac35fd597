"""Benchmark: load and validate a 32-layer, 100-key layout; prints milliseconds.

Run: .venv/bin/python bench/layout_load.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyconf.formats.yaml_layout import dumps_layout, load_layout  # noqa: E402
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro  # noqa: E402
from keyconf.model.layout import Layer, Layout  # noqa: E402
from keyconf.model.validation import validate  # noqa: E402

ROWS, COLS, LAYERS = 5, 20, 32


def make_layout() -> tuple[Layout, Keyboard]:
    keys = [Key(x=c, y=r, matrix=(r, c)) for r in range(ROWS) for c in range(COLS)]
    keyboard = Keyboard("bench/100", matrix_rows=ROWS, matrix_cols=COLS,
                        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})
    names = [f"layer{i}" for i in range(LAYERS)]
    pool = ["KC_A", "KC_SPC", "_______", "XXXXXXX", "LCTL_T(KC_ESC)", "KC_ENT", "KC_LSFT", "KC_1", "KC_F5"]
    layers = []
    for i, name in enumerate(names):
        keycodes = [pool[(i + k) % len(pool)] for k in range(ROWS * COLS)]
        keycodes[0] = f"MO({names[(i + 1) % LAYERS]})"
        keycodes[1] = f"LT({names[(i + 2) % LAYERS]}, KC_SPC)"
        keycodes[2] = f"TG({names[i]})" if i else "KC_TAB"
        layers.append(Layer(name, keycodes))
    return Layout("bench/100", "LAYOUT", layers=layers), keyboard


def main() -> None:
    layout, keyboard = make_layout()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(dumps_layout(layout, keyboard))
        loads, validations, totals = [], [], []
        for _ in range(15):
            t0 = time.perf_counter()
            loaded = load_layout(path)
            t1 = time.perf_counter()
            validate(loaded.layout, keyboard)
            t2 = time.perf_counter()
            loads.append((t1 - t0) * 1000)
            validations.append((t2 - t1) * 1000)
            totals.append((t2 - t0) * 1000)
    print(f"layout: {LAYERS} layers x {ROWS * COLS} keys ({path.stat().st_size if path.exists() else 0} bytes)")
    print(f"load      median {statistics.median(loads):7.2f} ms   min {min(loads):7.2f} ms")
    print(f"validate  median {statistics.median(validations):7.2f} ms   min {min(validations):7.2f} ms")
    print(f"total     median {statistics.median(totals):7.2f} ms   min {min(totals):7.2f} ms")


if __name__ == "__main__":
    main()
