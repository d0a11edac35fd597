"""Benchmark: index a generated 3,000-keyboard qmk_firmware tree; prints milliseconds and the goals.

Run: .venv/bin/python bench/catalogue.py [--keyboards 3000] [--real PATH] [--keep DIR]

Figures:
  cold   - index the whole tree with no keyconf cache (files are in the OS page cache, as
           they are after any recent use of the tree), every file parsed;
  warm   - load the cached index when nothing changed (stat every stamped path, read the
           cache) and restore the search index, in a running process;
  search - one query against the loaded catalogue, for several kinds of query;
  cli    - a whole `keyconf keyboards QUERY` process, beside `qmk list-keyboards` when the
           qmk CLI and a real tree are present.
  bundle - (--bundle) the catalogue bundled with keyconf, with no tree: boards known, package
           size, a cold look-up by name and by USB id in a fresh process over the bare CLI
           start, warm search over every board; then load failures of the real trees
           (KEYCONF_TEST_QMK_HOME, KEYCONF_TEST_QMK_HOME_2024, or --load-failures TREE...).
Goals (issue 8): cold <= 2 s, warm <= 50 ms, search <= 10 ms.
Goals (issue 13): >= 3,300 QMK + >= 1,300 VIA boards with no tree, look-up <= 150 ms over the CLI
start, warm search <= 50 ms, <= 15 MB added, 0 load failures per real tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "catalogue"))

from synthetic_qmk import make_qmk_tree  # noqa: E402

from keyconf.catalogue.qmk_index import load_qmk_index  # noqa: E402
from keyconf.catalogue.search import SearchIndex  # noqa: E402

GOAL_COLD_MS, GOAL_WARM_MS, GOAL_SEARCH_MS = 2000.0, 50.0, 10.0
QUERIES = ["planck", "crkbd", "corne", "planck rev6", "plank", "crkdb", "c", "a", "4653:0001", "keys:42",
           "zzqxjv", "olkb", "split", "rev1"]


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def verdict(value: float, goal: float) -> str:
    return "ok" if value <= goal else "MISSED"


def line(label: str, times: list[float], goal: float | None = None) -> None:
    text = f"{label:<34} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms"
    if goal is not None:
        text += f"   goal <= {goal:g} ms: {verdict(statistics.median(times), goal)}"
    print(text)


def bench_tree(tree: Path, cache: Path, cold_runs: int) -> SearchIndex:
    cold = timed(lambda: load_qmk_index(tree, cache_dir=cache, refresh=True), cold_runs)
    index = load_qmk_index(tree, cache_dir=cache)
    broken = sum(1 for entry in index.entries if entry.broken)
    print(f"keyboards indexed: {len(index.entries):,} ({broken} broken)")
    line("cold index (all processes)", cold, GOAL_COLD_MS)
    line("cold index (one process)", timed(lambda: load_qmk_index(tree, cache_dir=cache, refresh=True,
                                                                      workers=1), cold_runs))

    def warm() -> None:
        loaded = load_qmk_index(tree, cache_dir=cache)
        assert loaded.stats.how == "warm", loaded.stats
        loaded.search_index()

    line("warm load (cached) + search index", timed(warm, 25), GOAL_WARM_MS)
    search = load_qmk_index(tree, cache_dir=cache).search_index()
    worst = []
    for query in QUERIES:
        times = timed(lambda q=query: search.search(q, 50), 30)
        worst.append(statistics.median(times))
        hits = len(search.search(query, None))
        print(f"  search {query!r:<16} median {statistics.median(times):6.2f} ms  max {max(times):6.2f} ms"
              f"  ({hits} matches)")
    print(f"{'search (slowest query, median)':<34} {max(worst):8.2f} ms   goal <= {GOAL_SEARCH_MS:g} ms: "
          f"{verdict(max(worst), GOAL_SEARCH_MS)}")
    return search


def load_failures(tree: Path, cache: Path) -> None:
    """Load every keyboard the tree lists with the full loader (what import, validate and
    compile use): the count of failures, goal 0 (issue 13)."""
    from keyconf.formats.qmk_info import load_qmk_keyboard

    index = load_qmk_index(tree, cache_dir=cache)
    failures: list[tuple[str, str]] = []
    start = time.perf_counter()
    for entry in index.entries:
        try:
            load_qmk_keyboard(tree, entry.path)
        except Exception as error:  # noqa: BLE001 - every kind of failure is counted and shown
            failures.append((entry.path, str(error)))
    seconds = time.perf_counter() - start
    print(f"load failures in {tree}: {len(failures)} of {len(index.entries):,} keyboards "
          f"(goal 0: {'ok' if not failures else 'MISSED'}; {seconds:.1f} s)")
    for path, reason in failures[:10]:
        print(f"  {path}: {reason[:160]}")


BUNDLE_GOAL_LOOKUP_MS, BUNDLE_GOAL_SEARCH_MS, BUNDLE_GOAL_MB = 150.0, 50.0, 15.0
BUNDLE_QUERIES = ["planck", "corne", "k8 pro", "iris rev4", "3434:0280", "keys:42", "kyria", "lily58", "keychron q1",
                  "plank", "a", "split", "zzqxjv"]


def bench_bundle(runs: int = 7) -> None:
    """The bundled catalogue, as a user with no qmk_firmware tree meets it (issue 13)."""
    from keyconf.catalogue.bundle import bundle_folder, open_bundle
    from keyconf.catalogue.catalogue import Catalogue
    from keyconf.catalogue.qmk_home import QmkCliConfig

    bundle = open_bundle()
    if bundle is None:
        print("no bundled catalogue in this checkout (run tools/build_catalogue.py)")
        return
    via = len(bundle.paths) - bundle.qmk_count
    print(f"boards known with no tree: {bundle.qmk_count:,} QMK (goal >= 3,300: "
          f"{'ok' if bundle.qmk_count >= 3300 else 'MISSED'}), {via:,} VIA definitions (goal >= 1,300: "
          f"{'ok' if via >= 1300 else 'MISSED'})")
    for source in bundle.sources:
        print(f"  {source.name}: commit {source.commit[:10]} ({source.date}), {source.license}")
    size = sum(f.stat().st_size for f in bundle_folder().iterdir() if f.is_file())
    print(f"package size added: {size / 1e6:.2f} MB (goal <= {BUNDLE_GOAL_MB:g} MB: "
          f"{verdict(size / 1e6, BUNDLE_GOAL_MB)})")

    with tempfile.TemporaryDirectory() as scratch:
        # Installed packages carry compiled bytecode: measure with it, as users run.
        env = {k: v for k, v in os.environ.items() if k not in ("QMK_HOME", "PYTHONDONTWRITEBYTECODE")}
        env.update(HOME=scratch, KEYCONF_HOME=f"{scratch}/keyconf", XDG_CACHE_HOME=f"{scratch}/cache",
                   XDG_DATA_HOME=f"{scratch}/data", XDG_CONFIG_HOME=f"{scratch}/config", PYTHONPATH=str(ROOT))
        bare = "import keyconf.cli.main"
        by_name = bare + "; from keyconf.catalogue.resolve import find_keyboard; find_keyboard('keebio/iris/rev4')"
        by_usb = (bare + "; from keyconf.catalogue.resolve import CatalogueKeyboards; "
                  "assert CatalogueKeyboards().by_usb_id(0x3434, 0x0280, 'Keychron K8 Pro ANSI RGB')")

        def process(code: str) -> list[float]:
            command = [sys.executable, "-c", code]
            subprocess.run(command, env=env, check=True, capture_output=True)
            return timed(lambda: subprocess.run(command, env=env, check=True, capture_output=True), runs)

        start = process(bare)
        line("bare CLI start (process)", start)
        base = statistics.median(start)
        for label, code in (("cold lookup by name (process)", by_name), ("cold lookup by USB id (process)", by_usb)):
            times = process(code)
            extra = statistics.median(times) - base
            line(label, times)
            print(f"{'  over the bare start':<34} {extra:8.1f} ms   goal <= {BUNDLE_GOAL_LOOKUP_MS:g} ms: "
                  f"{verdict(extra, BUNDLE_GOAL_LOOKUP_MS)}")

        config = QmkCliConfig()
        home = Path(scratch)
        catalogue = Catalogue.open(None, environ={}, qmk_config=config, home=home, definitions_dir=home / "defs",
                                   cache_dir=home / "cache" / "qmk-index")
        first = timed(lambda: catalogue.search("corne"), 1)
        line("first search (builds or reads the search cache)", first)
        again = Catalogue.open(None, environ={}, qmk_config=config, home=home, definitions_dir=home / "defs",
                               cache_dir=home / "cache" / "qmk-index")
        line("first search, search cache warm", timed(lambda: again.search("corne"), 1))
        worst = []
        for query in BUNDLE_QUERIES:
            times = timed(lambda q=query: again.search(q, 50), 15)
            worst.append(statistics.median(times))
            print(f"  search {query!r:<16} median {statistics.median(times):6.2f} ms  "
                  f"({len(again.search(query, None))} matches over {len(again):,} boards)")
        print(f"{'warm search (slowest query, median)':<34} {max(worst):8.2f} ms   goal <= "
              f"{BUNDLE_GOAL_SEARCH_MS:g} ms: {verdict(max(worst), BUNDLE_GOAL_SEARCH_MS)}")


def cli_times(tree: Path, env: dict[str, str], runs: int = 5) -> list[float]:
    command = [sys.executable, "-m", "keyconf", "keyboards", "corne", "--qmk-home", str(tree)]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)  # fill the cache
    return timed(lambda: subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True), runs)


def qmk_cli() -> str | None:
    beside = Path(sys.executable).parent / "qmk"
    return str(beside) if beside.exists() else shutil.which("qmk")


def find_real_tree(given: str | None) -> Path | None:
    candidates = [given, os.environ.get("KEYCONF_TEST_QMK_HOME"), os.environ.get("QMK_HOME"),
                  str(Path.home() / "qmk_firmware")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "keyboards").is_dir() and (Path(candidate) / "quantum").is_dir():
            return Path(candidate)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keyboards", type=int, default=3000)
    parser.add_argument("--real", help="a real qmk_firmware tree to measure too")
    parser.add_argument("--bundle", action="store_true",
                        help="only the bundled catalogue's figures (then the load failures of the real trees)")
    parser.add_argument("--load-failures", nargs="*", metavar="TREE", default=None,
                        help="only count the keyboards of these real trees that fail to load "
                             "(default: KEYCONF_TEST_QMK_HOME and KEYCONF_TEST_QMK_HOME_2024)")
    parser.add_argument("--keep", help="generate the tree here and keep it (reused when present)")
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    if args.bundle:
        print("== bundled catalogue (no qmk_firmware tree) ==")
        bench_bundle()
        args.load_failures = args.load_failures if args.load_failures is not None else []
    if args.load_failures is not None:
        given = args.load_failures or [os.environ.get(v, "") for v in ("KEYCONF_TEST_QMK_HOME",
                                                                        "KEYCONF_TEST_QMK_HOME_2024")]
        with tempfile.TemporaryDirectory() as scratch:
            for tree in (Path(t) for t in given if t and (Path(t) / "keyboards").is_dir()):
                load_failures(tree, Path(scratch) / tree.name)
        return

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "xdg-cache"), "XDG_DATA_HOME": str(work / "xdg-data"),
               "XDG_CONFIG_HOME": str(work / "xdg-config")}
        tree = Path(args.keep) / "qmk_firmware" if args.keep else work / "qmk_firmware"
        if not (tree / "keyboards").is_dir():
            start = time.perf_counter()
            make_qmk_tree(tree, args.keyboards)
            print(f"generated {args.keyboards:,}-keyboard tree in {time.perf_counter() - start:.1f} s: {tree}")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
              f"Python {sys.version.split()[0]}")
        print("== generated tree ==")
        bench_tree(tree, work / "cache-generated", args.cold_runs)
        line("keyconf keyboards corne (process)", cli_times(tree, env))

        real = find_real_tree(args.real)
        if real is None:
            print("== real tree: none found (--real PATH, KEYCONF_TEST_QMK_HOME or QMK_HOME) ==")
            return
        print(f"== real tree: {real} ==")
        bench_tree(real, work / "cache-real", args.cold_runs)
        load_failures(real, work / "cache-real")
        line("keyconf keyboards corne (process)", cli_times(real, env))
        qmk = qmk_cli()
        if qmk is None:
            print("qmk CLI not found: no `qmk list-keyboards` figure")
            return
        listing = subprocess.run([qmk, "list-keyboards"], cwd=real, env={**env, "QMK_HOME": str(real)},
                                 capture_output=True, text=True)
        if listing.returncode != 0:
            print(f"`qmk list-keyboards` failed: {listing.stderr.strip()[:200]}")
            return
        times = timed(lambda: subprocess.run([qmk, "list-keyboards"], cwd=real, env={**env, "QMK_HOME": str(real)},
                                             capture_output=True, check=True), 5)
        line("qmk list-keyboards (process)", times)
        qmk_names = set(listing.stdout.split())
        ours = {e.path for e in load_qmk_index(real, cache_dir=work / "cache-real").entries}
        same = ("same set" if ours == qmk_names
                else f"differ: {len(ours - qmk_names)} extra, {len(qmk_names - ours)} missing")
        print(f"keyboards: keyconf {len(ours):,}, qmk list-keyboards {len(qmk_names):,} ({same})")


if __name__ == "__main__":
    main()
