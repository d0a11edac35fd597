"""Firmware equivalence: `keyconf compile` of an imported keymap.c puts the same keymaps[][][]
bytes into the firmware as `qmk compile` of the original.

Run: .venv/bin/python bench/keymap_c_firmware_equivalence.py TREE KEYMAP.c:KEYBOARD [...] [-j N]
  TREE   a qmk_firmware tree that builds AVR boards (lib/lufa filled), with avr-gcc and qmk
  KEYMAP.c:KEYBOARD   a user's keymap.c and the QMK keyboard it is for (crkbd/rev1)

For each file, qmk builds the original through a userspace of its own (the tree is only read),
`keyconf import` + `keyconf compile` build the layout, and the `keymaps` symbol of both .elf
files is read from the firmware's flash (avr-nm, avr-objcopy) and compared byte for byte.
bench/keymap_c_equivalence.py checks many files quickly with host gcc and the tree's headers;
this one checks whole firmware builds (about a minute a file), the way issue 14 asks. Prints
"N of M equal" and what happened to the others (original does not build, keyconf refuses or its
build fails, bytes differ).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.cli.main import main as keyconf  # noqa: E402
from keyconf.compiler.toolchain import build_path, find_program  # noqa: E402
from keyconf.compiler.workspace import make_workspace  # noqa: E402


def keymaps_bytes(elf: Path) -> bytes:
    """The keymaps[][][] array as it sits in an AVR firmware's flash (.text starts at address 0)."""
    symbols = subprocess.run(["avr-nm", "-S", "-t", "d", str(elf)], capture_output=True, text=True, check=True)
    address, size = next(
        (int(fields[0]), int(fields[1]))
        for fields in (line.split() for line in symbols.stdout.splitlines())
        if len(fields) == 4 and fields[3] == "keymaps"
    )
    flash = elf.with_suffix(".text.bin")
    subprocess.run(["avr-objcopy", "-O", "binary", "-j", ".text", str(elf), str(flash)], check=True)
    return flash.read_bytes()[address : address + size]


def first_error(log: str) -> str:
    lines = log.strip().splitlines() or [""]
    found = [line for line in lines if "error:" in line] or [line for line in lines if "error" in line.lower()]
    return (found or lines[-1:])[0].strip()[:200]


def build_original(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> bytes | str:
    files = {"keymap.c": keymap_c.read_text()}
    if keymap_c.with_name("config.h").is_file():
        files["config.h"] = keymap_c.with_name("config.h").read_text()
    ini = work / "qmk.ini"
    ini.write_text("[user]\n")
    with make_workspace(tree, keyboard, "original", files, use_userspace=True, cache=work / "qmk-cache") as ws:
        env = {k: v for k, v in os.environ.items() if k not in ("QMK_HOME", "QMK_USERSPACE", "BUILD_DIR")}
        env.update(ws.environment(), SKIP_GIT="yes", PATH=build_path())
        command = [str(find_program("qmk")), "--config-file", str(ini), "compile", "-kb", keyboard, "-km",
                   "original", "-j", jobs, "-e", f"BUILD_DIR={ws.build_dir}"]  # fmt: skip
        built = subprocess.run(command, cwd=ws.userspace, env=env, capture_output=True, text=True)
        if built.returncode != 0:
            return "original does not build: " + first_error(built.stdout + built.stderr)
        return keymaps_bytes(ws.build_dir / f"{ws.target}.elf")


def build_keyconf(tree: Path, keymap_c: Path, keyboard: str, work: Path, jobs: str) -> bytes | str:
    layout = work / "layout.yaml"
    os.environ["KEYCONF_BUILD_CACHE"] = str(work / "keyconf-cache")
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        if keyconf(["import", str(keymap_c), "--keyboard", keyboard, "-o", str(layout)]) != 0:
            return "keyconf refuses: " + first_error(quiet.getvalue())
        if keyconf(["compile", str(layout), "--qmk-home", str(tree), "-j", jobs, "-o", str(work / "out"), "-q"]):
            return "keyconf's build fails: " + first_error(quiet.getvalue())
    (elf,) = (work / "keyconf-cache").glob("*/obj/*_keyconf.elf")
    return keymaps_bytes(elf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("keymaps", nargs="+", help="KEYMAP.c:KEYBOARD")
    parser.add_argument("-j", "--jobs", default="2")
    args = parser.parse_args()
    tree = args.tree.resolve()
    equal, outcomes = 0, []
    start = time.perf_counter()
    for item in args.keymaps:
        path_text, _, keyboard = item.rpartition(":")
        keymap_c = Path(path_text).resolve()
        with tempfile.TemporaryDirectory(prefix="kc-fw-") as scratch:
            original = build_original(tree, keymap_c, keyboard, Path(scratch), args.jobs)
            mine = build_keyconf(tree, keymap_c, keyboard, Path(scratch), args.jobs)
        if isinstance(original, str) or isinstance(mine, str):
            outcome = original if isinstance(original, str) else str(mine)
        elif original == mine:
            equal += 1
            outcome = f"equal ({len(original) // 2} keymaps words)"
        else:
            differing = sum(a != b for a, b in zip(original[::2], mine[::2], strict=False))
            outcome = f"DIFFER: {differing} of {len(original) // 2} words (sizes {len(original)}, {len(mine)})"
        outcomes.append(f"{keymap_c.name} ({keyboard}): {outcome}")
        print(outcomes[-1], flush=True)
    print(f"{equal} of {len(args.keymaps)} equal ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
