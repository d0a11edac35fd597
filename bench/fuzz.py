"""Fuzz every untrusted-document reader in-process and print what went wrong.

Run: .venv/bin/python bench/fuzz.py [--n 2000] [--formats layout,via,vil,keymap.json,keymap.c,...]

Each format starts from real files (the example layouts, the interchange test files, the
seeds of bench/fuzz_seeds/) and feeds N mutants through the code a user's command runs:
`keyconf validate` for layouts (load, find the keyboard, validate), `keyconf import` for the
others (read, match the keyboard, write the YAML text and check it reopens), and for the
readers of bench/fuzz_targets.py: a keymap folder imported in place (keymap.c with its
rules.mk, config.h, C files and userspace), qmk_module.json, VIA definitions and info.json
(HJSON), firmware files checked for flashing, and `keyconf pull` from a keyboard whose replies
lie (layer counts, macro buffer sizes, dynamic entry counts, Vial definition sizes). Mutations stack byte edits, hostile
tokens (`017`, control characters, `---`, quotes, huge numbers), deep nesting, repeated
chunks, YAML alias bombs and, for JSON, edits of the parsed tree.

Per input it watches time (CPU time, which other users' load on a shared machine does not
inflate, and wall time; an alarm stops an input after --hang seconds of CPU time), and memory: the
process's peak RSS is checked after every input (an input that raises it is named), and
tracemalloc measures the peak of every --trace-every'th input, of every one over 0.3 s and of
every one of --trace-from bytes or more, in
a second run (tracemalloc slows Python down, so it never runs while an input is timed). The
address space is capped (--max-memory-mb) so a memory bomb fails with MemoryError instead
of taking the machine.

Printed per format: inputs, outcomes (accepted / refused with a position / refused without
one; and those with a line but no column), crashes (any exception that is not the format's
error), inputs over 1 s, the slowest
input, peak memory. Crashing and slow inputs are saved under --out for reproduction.
Exit status 1 when a goal is missed (a crash, an input over 1 s, an error without position).
Ctrl-C or `kill PID` stops a long run and prints the figures of the mutants that ran (marked
STOPPED, which misses the goal: the count was not reached)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import resource
import signal
import statistics
import sys
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fuzz_targets  # noqa: E402

from keyconf.catalogue.resolve import CatalogueKeyboards  # noqa: E402
from keyconf.cli.layout_files import check_loaded_layout  # noqa: E402
from keyconf.formats.definition_source import KeyboardDefinitionError  # noqa: E402
from keyconf.formats.format_error import FormatError  # noqa: E402
from keyconf.formats.interchange import import_text, layout_text  # noqa: E402
from keyconf.formats.yaml_layout import LayoutFileError, loads_layout  # noqa: E402
from keyconf.formats.yaml_source import decode_text  # noqa: E402

DATA = ROOT / "tests" / "formats" / "data" / "interchange"
SEEDS: dict[str, list[Path]] = {
    "layout": sorted((ROOT / "layouts").glob("*.yaml")),
    "via": sorted(DATA.glob("*.layout.json")),
    "vil": [*sorted(DATA.glob("*.vil")), *sorted(fuzz_targets.SEED_DIR.glob("*.vil"))],
    "keymap.json": [DATA / "corne_configurator.json", DATA / "kyria_macros.keymap.json",
                    fuzz_targets.SEED_DIR / "keymap_comments.json"],
    "keymap.c": [DATA / "corne_layers.keymap.c", *sorted((ROOT / "tests" / "compiler" / "golden").glob("*/keymap.c")),
                 *sorted(fuzz_targets.SEED_DIR.glob("*.keymap.c"))],
    "keymap-folder": [],  # packed by fuzz_targets.packed_folders
    "qmk_module": [fuzz_targets.SEED_DIR / "qmk_module.json"],
    "via-definition": [fuzz_targets.SEED_DIR / "via_definition.json"],
    "info.json": [fuzz_targets.SEED_DIR / "info_hjson.json", ROOT / "resources" / "keyboards" / "crkbd_rev1.json",
                  ROOT / "resources" / "keyboards" / "planck_rev6.json"],
    "firmware": [],  # written by fuzz_targets.firmware_seeds
    "device": [],  # fuzz_targets.device_seeds: what a keyboard claims, as JSON
}
TEXT_FORMATS = ("layout", "keymap.c", "keymap-folder", "firmware")  # no JSON tree edits
FILE_NAMES = {"layout": "fuzz.yaml", "via": "fuzz.layout.json", "vil": "fuzz.vil", "keymap.json": "fuzz.json",
              "keymap.c": "keyboards/crkbd/rev1/keymaps/fuzz/keymap.c"}
MAX_INPUT = 1 << 20  # the goal figures are for inputs up to 1 MiB
TOKENS = [b"[", b"]", b"{", b"}", b"(", b")", b",", b":", b"- ", b"&a ", b"*a", b"017", b"0x", b"-1", b"\x01", b"\x7f",
          b"\x1b", b"\r", b"\t", b"\n---\n", b"\n...\n", b"'", b'"', b"\\", b"!!python/object:os.system ", b"<<: ",
          b"?", b"%YAML 1.1\n", b"99999999999999999999999", b"1e999", b"NaN", b"null", b"true", b"[]", b"{}",
          b"LT(", b"MO(", b"KC_", b"TD(", b"#define X ", b"#if 1\n", b"#endif\n", b"/*", b"*/", b"//", b"\xff",
          b"\xef\xbb\xbf", b"\xc3", "é€𝄞".encode(), b"~", b"&&", b"||", b"LAYOUT(", b"keymaps[", b"%", b"|",
          b"$(", b"$(shell touch /tmp/keyconf-fuzz-pwned)", b"\nifeq (a,a)\n", b"\ninclude ", b"\\\n", b"#include \"",
          b"#undef ", b"__VA_ARGS__", b"##", b"SEND_STRING(\"", b"SS_TAP(", b"enum ", b"= SAFE_RANGE", b"\x00"]


# --------------------------------------------------------------------------- targets


def run_layout(raw: bytes) -> str:
    """What `keyconf validate` does with a file's bytes."""
    loaded = loads_layout(decode_text(raw, "fuzz.yaml"), "fuzz.yaml")
    checked = check_loaded_layout(loaded)
    unplaced = [p for p in checked.problems if p.is_error and p.line is None]
    if unplaced:
        return "unplaced:" + unplaced[0].message[:60]
    return "errors" if checked.errors else "ok"


def make_import_target(fmt: str) -> Callable[[bytes], str]:
    finder = CatalogueKeyboards()
    name = FILE_NAMES[fmt]

    def run(raw: bytes) -> str:
        """What `keyconf import` does: read, match the keyboard, produce YAML that reopens."""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "refused"  # read_text refuses it at its line
        imported = import_text(text, name, finder=finder, format=fmt)
        if imported.layout.keyboard:
            layout_text(imported, name)
        return "ok"

    return run


def make_target(fmt: str) -> Callable[[bytes], str]:
    if fmt == "layout":
        return run_layout
    if fmt == "keymap-folder":
        return fuzz_targets.make_folder_target(CatalogueKeyboards())
    if fmt == "qmk_module":
        return fuzz_targets.make_module_target()
    if fmt in ("via-definition", "info.json"):
        return fuzz_targets.make_definition_target(fmt)
    if fmt == "firmware":
        return fuzz_targets.make_firmware_target()
    if fmt == "device":
        return fuzz_targets.make_device_target()
    return make_import_target(fmt)


# --------------------------------------------------------------------------- mutation


def mutate(rng: random.Random, data: bytes, fmt: str) -> bytes:
    if fmt == "device":  # what a keyboard claims: edits of the claims, never of the bench's JSON syntax
        for _ in range(rng.choice((1, 2, 3))):
            grown = _json_mutant(rng, data) or data
            data = grown if len(grown) <= MAX_INPUT else data  # the edits nest: a 250 MB claim is the bench's
        return data
    if fmt not in TEXT_FORMATS and rng.random() < 0.35:
        tree = _json_mutant(rng, data)
        if tree is not None:
            data = tree
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
        data = rng.choice(_MUTATORS)(rng, data, fmt)
    return data[:MAX_INPUT]


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def m_flip(rng: random.Random, data: bytes, fmt: str) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]


def m_delete(rng: random.Random, data: bytes, fmt: str) -> bytes:
    i = _at(rng, data)
    return data[:i] + data[i + rng.randrange(1, 64):]


def m_token(rng: random.Random, data: bytes, fmt: str) -> bytes:
    i = _at(rng, data)
    return data[:i] + rng.choice(TOKENS) + data[i:]


def m_replace_number(rng: random.Random, data: bytes, fmt: str) -> bytes:
    i = _at(rng, data)
    j = min(len(data), i + rng.randrange(1, 8))
    value = rng.choice([b"0", b"017", b"-1", b"255", b"256", b"65535", b"65536", b"4294967296", b"1e308",
                        str(rng.randrange(-10**6, 10**6)).encode(), b"0x" + b"f" * rng.randrange(1, 40)])
    return data[:i] + value + data[j:]


def m_nest(rng: random.Random, data: bytes, fmt: str) -> bytes:
    opener, closer = rng.choice([(b"[", b"]"), (b"{", b"}"), (b"(", b")"), (b"- ", b"")])
    depth = rng.choice((50, 200, 600, 2000, 10000, 60000))
    i = _at(rng, data)
    closed = closer * depth if rng.random() < 0.5 else b""
    if opener == b"- ":
        inner = b"".join(b"\n" + b"  " * k + b"- " for k in range(min(depth, 3000)))
        return data[:i] + inner + data[i:]
    return data[:i] + opener * depth + closed + data[i:]


def m_repeat(rng: random.Random, data: bytes, fmt: str) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    chunk = data[i:i + rng.randrange(1, 200)]
    times = rng.choice((2, 10, 100, 1000, 10000))
    return data[:i] + chunk * times + data[i:]


def m_splice(rng: random.Random, data: bytes, fmt: str) -> bytes:
    other = rng.choice(_SEED_BYTES[fmt])
    i, j = _at(rng, data), rng.randrange(len(other) + 1)
    return data[:i] + other[j:j + rng.randrange(1, 400)] + data[i:]


def m_alias_bomb(rng: random.Random, data: bytes, fmt: str) -> bytes:
    levels = rng.randrange(3, 12)
    width = rng.randrange(2, 10)
    lines = [b"a0: &a0 [" + b", ".join([b"KC_A"] * width) + b"]"]
    for k in range(1, levels):
        refs = b", ".join(b"*a%d" % (k - 1) for _ in range(width))
        lines.append(b"a%d: &a%d [%s]" % (k, k, refs))
    bomb = b"\n".join(lines) + b"\n"
    return bomb + data if rng.random() < 0.5 else data + b"\n" + bomb


def m_long_name(rng: random.Random, data: bytes, fmt: str) -> bytes:
    name = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz/_-0123456789") for _ in range(rng.choice((100, 4000, 20000))))
    if fmt == "layout":
        return data.replace(b"keyboard: ", b"keyboard: " + name + b"  # ", 1)
    return data.replace(b'"', b'"' + name, 1)


def m_c_bomb(rng: random.Random, data: bytes, fmt: str) -> bytes:
    """Preprocessor and make shapes that cost a naive reader exponential or quadratic time."""
    n = rng.choice((10, 30, 60, 200, 2000))
    kind = rng.randrange(6)
    if kind == 0:  # each macro twice the one after it
        text = b"".join(b"#define Q%d Q%d Q%d\n" % (k, k + 1, k + 1) for k in range(n)) + b"#define Q%d KC_A\n" % n
    elif kind == 1:  # function-like macros nested in their arguments
        text = b"#define F(x) x, x\n#define Z " + b"F(" * n + b"KC_A" + b")" * n + b"\n"
    elif kind == 2:  # a long chain of aliases
        text = b"".join(b"#define A%d A%d\n" % (k, k + 1) for k in range(n)) + b"#define A%d KC_B\n" % n
    elif kind == 3:  # #if nesting
        text = b"#if 1\n" * n + b"#define X KC_C\n" + b"#endif\n" * n
    elif kind == 4:  # make variables doubling
        text = b"V0 = x\n" + b"".join(b"V%d = $(V%d)$(V%d)\n" % (k + 1, k, k) for k in range(min(n, 64))) \
            + b"SRC += $(V%d).c\n" % min(n, 64)
    else:  # a long line of keys
        text = b"#define ROW " + b", ".join([b"KC_A"] * n * 10) + b"\n"
    i = _at(rng, data)
    return data[:i] + b"\n" + text + data[i:]


_MUTATORS = [m_flip, m_flip, m_delete, m_token, m_token, m_token, m_replace_number, m_nest, m_repeat, m_splice,
             m_alias_bomb, m_long_name, m_c_bomb]


def _json_mutant(rng: random.Random, data: bytes) -> bytes | None:
    try:
        tree = json.loads(data)
    except ValueError:
        return None
    slots: list[tuple[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        items: list[tuple[Any, Any]] = []
        if isinstance(node, dict):
            items = list(node.items())
        elif isinstance(node, list):
            items = list(enumerate(node))
        for key, value in items:
            slots.append((node, key))
            stack.append(value)
    if not slots:
        return None
    for _ in range(rng.randrange(1, 4)):
        node, key = rng.choice(slots)
        node[key] = _json_value(rng, node[key])
    try:
        return json.dumps(tree).encode()
    except (RecursionError, ValueError):  # nested past what json.dumps itself can write
        return None


def _json_value(rng: random.Random, old: Any) -> Any:
    choice = rng.randrange(12)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([-1, 0, 1, 255, 256, 65535, 65536, 2**31, 2**64, 10**30, 1.5, -0.0])
    if choice == 2:
        return rng.choice(["", "KC_A", "017", "LT(9999, KC_A)", "\x01", "x" * 5000, "MO(-1)", "0x10000", "((((("])
    if choice == 3:
        return [old] * rng.choice((2, 50, 300))
    if choice == 4:
        nested: Any = old
        for _ in range(rng.choice((10, 100, 600))):
            nested = [nested]
        return nested
    if choice == 5:
        return {"x": old}
    if choice == 6:
        return [] if isinstance(old, list) else {}
    if choice == 7 and isinstance(old, list) and old:
        return old[: rng.randrange(len(old))]
    if choice == 8 and isinstance(old, list):
        return old + old
    if choice == 9:
        return True
    if choice == 10:
        return [[old] * 20] * rng.choice((20, 200))
    return str(old)


_SEED_BYTES = {fmt: [p.read_bytes() for p in paths] for fmt, paths in SEEDS.items()}
_SEED_BYTES["keymap-folder"] = fuzz_targets.packed_folders()
_SEED_BYTES["firmware"] = fuzz_targets.firmware_seeds()
_SEED_BYTES["device"] = fuzz_targets.device_seeds()


# --------------------------------------------------------------------------- running


class Hang(BaseException):
    """Raised by the alarm: an input ran past --hang seconds."""


@dataclass
class Tally:
    fmt: str
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    unplaced: Counter[str] = field(default_factory=Counter)
    no_column: Counter[str] = field(default_factory=Counter)  # a line but no column
    slow: list[tuple[float, int, str]] = field(default_factory=list)  # over 1 s of CPU time
    confirmed_slow: int = 0  # over 1 s of CPU time on a second run too (a first run may pay a GC pass)
    slow_wall: int = 0  # over 1 s of wall time (the machine's load counts here)
    times: list[float] = field(default_factory=list)
    traced_peak: tuple[int, int] = (0, 0)  # bytes, input size
    rss_raisers: list[tuple[int, int]] = field(default_factory=list)  # (max RSS KiB, input size)
    stopped_at: int | None = None  # mutants run when Ctrl-C or SIGTERM stopped the run


def _max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def trace_memory(tally: Tally, target: Callable[[bytes], str], data: bytes, hang: float) -> None:
    """Run `data` again under tracemalloc (which slows Python down ~3x): its peak memory only."""
    tracemalloc.start()
    signal.setitimer(signal.ITIMER_PROF, hang * 4)
    try:
        target(data)
    except BaseException as error:  # noqa: BLE001 - outcomes were counted by the timed run
        if isinstance(error, KeyboardInterrupt):
            raise
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if peak > tally.traced_peak[0]:
        tally.traced_peak = (peak, len(data))


def run_one(tally: Tally, target: Callable[[bytes], str], data: bytes, hang: float, out: Path) -> None:
    """Run one input, timed (CPU and wall), and count its outcome."""
    tally.inputs += 1
    signal.setitimer(signal.ITIMER_PROF, hang)
    start = time.perf_counter()
    cpu_start = time.process_time()
    outcome = ""
    try:
        outcome = target(data)
    except (FormatError, LayoutFileError, KeyboardDefinitionError) as error:
        line = error.line
        outcome = "refused" if line is not None else "unplaced"
        if line is None:
            tally.unplaced[error.message[:70]] += 1
            _save(out, tally.fmt, "unplaced", data)
        elif error.column is None:
            tally.no_column[error.message[:70]] += 1
            _save(out, tally.fmt, "no-column", data)
    except Hang:
        outcome = "hang"
        tally.crashes[f"hang over {hang:g} s of CPU time"] += 1
        _save(out, tally.fmt, "hang", data)
    except BaseException as error:  # noqa: BLE001 - a crash is what we are looking for
        if isinstance(error, KeyboardInterrupt):
            raise
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        tally.crashes[f"{type(error).__name__} at {where}: {str(error)[:60]}"] += 1
        outcome = "crash"
        _save(out, tally.fmt, "crash", data)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    wall = time.perf_counter() - start
    elapsed = time.process_time() - cpu_start
    if wall > 1.0:
        tally.slow_wall += 1
    if outcome.startswith("unplaced:"):
        tally.unplaced[outcome[9:]] += 1
        outcome = "unplaced"
    tally.outcomes[outcome] += 1
    tally.times.append(elapsed)
    if elapsed > 1.0:
        tally.slow.append((elapsed, len(data), _save(out, tally.fmt, "slow", data)))


def _save(out: Path, fmt: str, kind: str, data: bytes) -> str:
    folder = out / fmt.replace(".", "_") / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / hashlib.sha1(data).hexdigest()[:12]
    path.write_bytes(data)
    return str(path)


def fuzz_format(fmt: str, n: int, seed: int, trace_every: int, hang: float, out: Path,
                trace_from: int = 256 * 1024, progress: int = 0) -> Tally:
    rng = random.Random(f"{seed}:{fmt}")
    target = make_target(fmt)
    tally = Tally(fmt)
    seeds = _SEED_BYTES[fmt]
    for seed_bytes in seeds:  # the seeds themselves must pass
        run_one(tally, target, seed_bytes, hang, out)
    try:
        _fuzz_mutants(tally, target, seeds, rng, fmt, n, trace_every, hang, out, trace_from, progress)
    except KeyboardInterrupt:  # stopped (Ctrl-C, SIGTERM): report what ran
        signal.setitimer(signal.ITIMER_PROF, 0)
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        tally.stopped_at = tally.inputs - len(seeds)
    return tally


def _fuzz_mutants(tally: Tally, target: Callable[[bytes], str], seeds: list[bytes], rng: random.Random, fmt: str,
                  n: int, trace_every: int, hang: float, out: Path, trace_from: int, progress: int) -> None:
    for index in range(n):
        if progress and index and index % progress == 0:
            crashes = sum(tally.crashes.values())
            print(f"   {fmt}: {index}/{n} inputs, {crashes} crashes, {len(tally.slow)} over 1 s", file=sys.stderr,
                  flush=True)
        data = mutate(rng, rng.choice(seeds), fmt)
        rss = _max_rss_kib()  # after mutating: the mutator's own memory is not the reader's
        run_one(tally, target, data, hang, out)
        if _max_rss_kib() - rss > 20_000:
            tally.rss_raisers.append((_max_rss_kib() - rss, len(data)))
            _save(out, fmt, "memory", data)
        slow = tally.times[-1] > 1.0
        if slow:  # a first run may pay for a garbage collection of the whole process: time it again
            again = Tally(fmt)
            run_one(again, target, data, hang, out)
            if again.times[-1] > 1.0:
                tally.confirmed_slow += 1
        if trace_every and (index % trace_every == 0 or tally.times[-1] > 0.3 or len(data) >= trace_from):
            trace_memory(tally, target, data, hang)


def report(tally: Tally) -> bool:
    """Print the figures; True when every goal is met."""
    times = sorted(tally.times)
    errors = tally.outcomes["refused"] + tally.outcomes["unplaced"] + tally.outcomes["errors"]
    placed = errors - tally.outcomes["unplaced"]
    crashes = sum(tally.crashes.values())
    print(f"\n== {tally.fmt}: {tally.inputs} inputs"
          + (f" (STOPPED after {tally.stopped_at} mutants)" if tally.stopped_at is not None else ""))
    print("   outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items())))
    print(f"   crashes: {crashes}")
    for what, count in tally.crashes.most_common(12):
        print(f"     {count:6d}  {what}")
    print(f"   errors with a position: {placed}/{errors}" + (f" ({100 * placed / errors:.2f} %)" if errors else ""))
    for what, count in tally.unplaced.most_common(8):
        print(f"     {count:6d}  without: {what}")
    no_column = sum(tally.no_column.values())
    print(f"   errors with a line but no column: {no_column}")
    for what, count in tally.no_column.most_common(8):
        print(f"     {count:6d}  {what}")
    p99 = times[int(0.99 * (len(times) - 1))]
    print(f"   CPU time per input: median {1000 * statistics.median(times):.1f} ms, p99 {1000 * p99:.1f} ms, "
          f"max {1000 * times[-1]:.0f} ms; over 1 s: {len(tally.slow)}, on a re-run too: {tally.confirmed_slow} "
          f"(over 1 s of wall time: {tally.slow_wall})")
    for elapsed, size, path in sorted(tally.slow, reverse=True)[:5]:
        print(f"     {elapsed:6.2f} s  {size} bytes  {path}")
    peak, size = tally.traced_peak
    print(f"   peak traced memory of one input: {peak / 2**20:.1f} MiB (an input of {size} bytes)")
    print(f"   process max RSS: {_max_rss_kib() / 1024:.0f} MiB"
          + (f"; raised by more than 20 MiB while reading {len(tally.rss_raisers)} inputs, at most "
             f"{max(r for r, _ in tally.rss_raisers) / 1024:.0f} MiB" if tally.rss_raisers else ""))
    return (crashes == 0 and not tally.slow and placed == errors and peak <= 200 * 2**20
            and tally.stopped_at is None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="mutants per format")
    parser.add_argument("--formats", default=",".join(SEEDS), help="comma-separated: " + ", ".join(SEEDS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trace-every", type=int, default=25, help="tracemalloc every Nth input (0: never)")
    parser.add_argument("--trace-from", type=int, default=256 * 1024,
                        help="tracemalloc every input at least this many bytes long too")
    parser.add_argument("--hang", type=float, default=10.0,
                        help="seconds of CPU time before an input counts as hung (CPU, not wall: at nice 19 on a "
                        "busy machine a 0.4 s input can wait 10 s for a core)")
    parser.add_argument("--max-memory-mb", type=int, default=1500, help="address-space cap for the process")
    parser.add_argument("--progress", type=int, default=0, help="print a line to stderr every N inputs (0: never)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/keyconf-fuzz"), help="where failing inputs go")
    args = parser.parse_args()
    limit = args.max_memory_mb * 2**20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def alarm(signum: int, frame: Any) -> None:
        raise Hang

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGPROF, alarm)
    signal.signal(signal.SIGTERM, stop)  # `kill PID` stops the run and prints what it ran
    CatalogueKeyboards().by_name("crkbd/rev1")  # warm the catalogue so its first load is not charged to an input
    ok = True
    started = time.perf_counter()
    for fmt in args.formats.split(","):
        t0 = time.perf_counter()
        tally = fuzz_format(fmt, args.n, args.seed, args.trace_every, args.hang, args.out, args.trace_from,
                             args.progress)
        ok = report(tally) and ok
        print(f"   wall time {time.perf_counter() - t0:.0f} s", flush=True)
        if tally.stopped_at is not None:
            break
    verdict = "all goals met" if ok else "GOALS MISSED"
    print(f"\n{verdict} ({time.perf_counter() - started:.0f} s; inputs saved in {args.out})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
