"""Benchmark: wall time of `keyconf compile` against plain `qmk compile` of the same keymap.

Needs a real qmk_firmware tree with its toolchain:

    KEYCONF_BENCH_QMK_HOME=~/qmk_firmware .venv/bin/python bench/compile.py [LAYOUT.yaml ...] [-j N] [-r RUNS]

Each run is a clean build (fresh build folders) so both sides compile the same objects; runs
alternate keyconf / plain qmk to spread machine noise evenly. The plain side builds the very
keymap files keyconf generated, from a userspace, with the same -j. Goal: keyconf adds ≤ 5 %.
Printed: best and median wall time, and median CPU time (user + system of everything the
build ran), which a busy machine disturbs much less than wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.compiler.toolchain import build_path  # noqa: E402
from keyconf.compiler.workspace import tree_key  # noqa: E402

DEFAULT_LAYOUTS = [ROOT / "layouts" / "corne.yaml", ROOT / "layouts" / "planck.yaml"]


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system time of the command and everything it ran (make, gcc…)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(elapsed, cpu)


def bench_layout(layout: Path, home: Path, jobs: int, runs: int, scratch: Path) -> tuple[list[Timing], list[Timing]]:
    env = dict(os.environ, PATH=build_path())
    keyconf = [sys.executable, "-m", "keyconf", "compile", str(layout), "--qmk-home", str(home), "-q", "-j", str(jobs)]
    # A first keyconf build (untimed) produces the generated keymap the plain side builds.
    first_cache = scratch / "first-cache"
    timed([*keyconf, "-o", str(scratch / "out")], dict(env, KEYCONF_BUILD_CACHE=str(first_cache)), ROOT)
    userspace = first_cache / tree_key(home) / "userspace"
    keymap_dirs = list(userspace.glob("keyboards/**/keymaps/keyconf"))
    if len(keymap_dirs) != 1:
        sys.exit(f"cannot find keyconf's generated keymap under {userspace}")
    keymap_dir = keymap_dirs[0]
    keyboard = str(keymap_dir.parent.parent.relative_to(userspace / "keyboards"))
    plain_userspace = scratch / "plain-userspace"
    shutil.copytree(userspace, plain_userspace, dirs_exist_ok=True)
    empty_config = scratch / "empty.ini"
    empty_config.write_text("")
    keyconf_times: list[Timing] = []
    plain_times: list[Timing] = []
    for run in range(runs):
        cache = scratch / f"cache-{run}"
        keyconf_times.append(
            timed([*keyconf, "-o", str(scratch / "out")], dict(env, KEYCONF_BUILD_CACHE=str(cache)), ROOT)
        )
        plain = [
            "qmk", "--no-color", "--config-file", str(empty_config), "compile",
            "-kb", keyboard, "-km", "keyconf", "-j", str(jobs), "-e", f"BUILD_DIR={scratch / f'plain-build-{run}'}",
        ]  # fmt: skip
        plain_env = dict(env, QMK_HOME=str(home), QMK_USERSPACE=str(plain_userspace))
        plain_times.append(timed(plain, plain_env, plain_userspace))
        # keyconf removes QMK's copy of the firmware from the tree root; do the same for plain qmk.
        for suffix in (".hex", ".bin", ".uf2"):
            (home / f"{keyboard.replace('/', '_')}_keyconf{suffix}").unlink(missing_ok=True)
    return keyconf_times, plain_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layouts", nargs="*", type=Path, default=DEFAULT_LAYOUTS)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("-r", "--runs", type=int, default=3)
    args = parser.parse_args()
    home_text = os.environ.get("KEYCONF_BENCH_QMK_HOME") or os.environ.get("KEYCONF_TEST_QMK_HOME")
    if not home_text:
        print("skipped: set KEYCONF_BENCH_QMK_HOME to a qmk_firmware tree with its toolchain")
        return
    home = Path(home_text).expanduser().resolve()
    print(f"QMK tree {home}, -j {args.jobs}, {args.runs} clean builds each (median)")
    for layout in args.layouts:
        with tempfile.TemporaryDirectory(prefix="keyconf-bench-") as scratch:
            ours, plain = bench_layout(layout, home, args.jobs, args.runs, Path(scratch))
        for label, pick in (("wall, best", lambda ts: min(t.wall for t in ts)),
                            ("wall, median", lambda ts: statistics.median(t.wall for t in ts)),
                            ("CPU, median", lambda ts: statistics.median(t.cpu for t in ts))):
            a, b = pick(ours), pick(plain)
            overhead = (a - b) / b * 100
            verdict = "ok" if overhead <= 5 else "over the 5 % goal"
            print(
                f"{layout.name:14} {label:13} keyconf compile {a:6.2f} s   qmk compile {b:6.2f} s   "
                f"overhead {a - b:+5.2f} s ({overhead:+5.1f} %)  {verdict}"
            )


if __name__ == "__main__":
    main()
