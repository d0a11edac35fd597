"""Benchmark: build the keycode registry, then parse/format/encode/decode/search; prints figures.

Run: .venv/bin/python bench/keycode_registry.py   (target: registry build < 30 ms)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.model.keycodes import KeycodeRegistry, Numbering, ParseContext  # noqa: E402


def best_ms(fn: Callable[[], object], repeat: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    cold = subprocess.run(
        [sys.executable, "-c",
         "import time; t = time.perf_counter(); from keyconf.model.keycodes import REGISTRY; "
         "REGISTRY.all(); print((time.perf_counter() - t) * 1000)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(f"cold import + first REGISTRY use (fresh interpreter): {float(cold.stdout):7.1f} ms")

    low, median = best_ms(KeycodeRegistry)
    print(f"KeycodeRegistry() build:                             {low:7.1f} ms best, {median:.1f} ms median")

    registry = KeycodeRegistry()
    ctx = ParseContext(layers=[f"layer{i}" for i in range(32)], tap_dances=["td0", "td1"])
    texts = [d.name for d in registry.all()] + [
        "LT(layer3, KC_SPC)", "MT(MOD_LCTL | MOD_LSFT, KC_A)", "LCTL_T(KC_ESC)", "C(S(KC_T))", "MO(layer1)",
        "OSM(MOD_LSFT)", "TD(td1)", "KC_TILD", "RESET", "LT1(KC_SPC)", "0x7C4F",
    ]  # fmt: skip
    n = len(texts)

    low, _ = best_ms(lambda: [registry.parse(t, ctx) for t in texts], 5)
    print(f"parse:   {n} texts in {low:6.1f} ms  ({low * 1000 / n:5.1f} us each)")
    parsed = [registry.parse(t, ctx) for t in texts]
    low, _ = best_ms(lambda: [registry.format(k) for k in parsed], 5)
    print(f"format:  {n} keycodes in {low:6.1f} ms  ({low * 1000 / n:5.1f} us each)")
    low, _ = best_ms(lambda: [registry.encode(k, ctx) for k in parsed], 5)
    print(f"encode:  {n} keycodes in {low:6.1f} ms  ({low * 1000 / n:5.1f} us each)")
    low, _ = best_ms(lambda: [registry.decode(v, Numbering.CURRENT, ctx) for v in range(0, 0x10000, 16)], 5)
    print(f"decode:  4096 values in {low:6.1f} ms  ({low * 1000 / 4096:5.1f} us each)")
    queries = ["a", "sp", "space", "vol", "mouse", "rgb", "boot", "ctrl", "bright", "left arrow"]
    registry.search("warm")
    low, _ = best_ms(lambda: [registry.search(q) for q in queries], 5)
    print(f"search:  {len(queries)} queries in {low:6.1f} ms  ({low / len(queries):5.2f} ms each)")
    low, _ = best_ms(lambda: registry.suggest("KC_SPCE"), 5)
    print(f"suggest: one did-you-mean in {low:6.1f} ms")


if __name__ == "__main__":
    main()
