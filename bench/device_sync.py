"""Benchmark: read and push a 4-layer 5x15 keymap over the simulated keyboard, 1 ms per report.

Prints, for each operation, the reports (round trips) used against the minimum
ceil(bytes / 28), the wall time, and what a writer sending one set_keycode per key would
need. Goals: read and push within minimum + 3; a one-key change is one write + one verify.

Run: .venv/bin/python bench/device_sync.py
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyconf.device.backup import BackupStore  # noqa: E402
from keyconf.device.board import Board  # noqa: E402
from keyconf.device.simulated import SimulatedKeyboard  # noqa: E402
from keyconf.device.sync import KeymapSync, ReadParts  # noqa: E402
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro  # noqa: E402

ROWS, COLS, LAYERS = 5, 15, 4
LATENCY_MS = 1.0
KEYMAP_ONLY = ReadParts(encoders=False, macros=False, layout_options=False)


def grid() -> Keyboard:
    keys = [Key(x=c, y=r, matrix=(r, c)) for r in range(ROWS) for c in range(COLS)]
    layouts = {"LAYOUT": LayoutMacro("LAYOUT", keys)}
    return Keyboard("bench/5x15", matrix_rows=ROWS, matrix_cols=COLS, layouts=layouts)


def row(label: str, reports: int, minimum: int | None, seconds: float, per_key: int | None = None) -> None:
    against = f"min {minimum:3d} (+{reports - minimum})" if minimum is not None else " " * 14
    naive = f"   one report per key: {per_key}" if per_key is not None else ""
    print(f"{label:<34} {reports:4d} reports   {against}   {seconds * 1000:7.1f} ms{naive}")


def main() -> None:
    rng = random.Random(1)
    keys = LAYERS * ROWS * COLS
    size = keys * 2
    minimum = math.ceil(size / 28)
    keymap = [rng.randrange(4, 0x65) for _ in range(keys)]
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=LAYERS, latency_ms=LATENCY_MS, keymap=keymap)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        board = Board.connect(sim, sim.info())
        connect_reports, connect_time = board.client.round_trips, time.perf_counter() - start
        sync = KeymapSync(board, grid(), backups=BackupStore(Path(folder)))
        print(f"{LAYERS} layers x {ROWS}x{COLS} matrix = {keys} keys, {size} bytes; {LATENCY_MS} ms per report\n")
        row("connect (protocol, layer count)", connect_reports, None, connect_time)

        before, start = board.client.round_trips, time.perf_counter()
        sync.read_state(parts=KEYMAP_ONLY)
        read = board.client.round_trips - before
        row("full read", read, minimum, time.perf_counter() - start, keys)
        row("connect + full read", read + connect_reports, minimum, time.perf_counter() - start + connect_time)

        layout = sync.layout_from_state(sync.snapshot)  # type: ignore[arg-type]
        for layer in layout.layers:
            layer.keys = [rng.choice(["KC_A", "KC_SPC", "KC_ENT", "KC_1", "KC_F5"]) for _ in layer.keys]
        plan = sync.plan(layout)
        changed = len(plan.keys)
        marks: dict[str, float] = {}

        def progress(phase: str, done: int, total: int) -> None:
            marks.setdefault(phase, time.perf_counter())

        start = time.perf_counter()
        result = sync.apply(plan, progress)
        end = time.perf_counter()
        writes = len(plan.windows)
        verify_start = marks.get("verify", end)
        print(f"\nfull push: {changed} of {keys} keys differ (backup file written first)")
        row("  writes", writes, minimum, verify_start - start, changed)
        row("  verify reads", result.reports - writes, minimum, end - verify_start, changed)
        row("  push (write + verify)", result.reports, 2 * minimum, end - start, 2 * changed)

        for layer in layout.layers:
            layer.keys = [rng.choice(["KC_B", "KC_TAB", "KC_2"]) for _ in layer.keys]
        before, start = board.client.round_trips, time.perf_counter()
        result = sync.push(layout, refresh=True)
        row(
            "push after a fresh read (+macros)",
            board.client.round_trips - before,
            3 * minimum,
            time.perf_counter() - start,
        )

        layout.layers[2].keys[37] = "KC_Z"
        start = time.perf_counter()
        result = sync.push(layout, refresh=False)
        print()
        row("one-key change (write + verify)", result.reports, 2, time.perf_counter() - start, 1)
        ok = read <= minimum + 3 and len(plan.windows) <= minimum + 3 and result.reports == 2
        print(f"\ngoals met: {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
