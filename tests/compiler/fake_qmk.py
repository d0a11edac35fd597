"""A stand-in for the `qmk` CLI, for build tests without a toolchain.

Behaves like `qmk compile` as keyconf drives it: finds the keymap where QMK would (the
userspace or the tree), prints QMK-style output, writes the firmware into BUILD_DIR and
copies it to the tree root (and the userspace), as QMK's makefiles do. FAKE_QMK_MODE picks
ok / error / slow; every call is recorded in FAKE_QMK_LOG (JSON lines).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    args = argv[1:]
    mode = os.environ.get("FAKE_QMK_MODE", "ok")
    if "compile" not in args:
        print("fake qmk: only compile", file=sys.stderr)
        return 2
    keyboard = args[args.index("-kb") + 1]
    keymap = args[args.index("-km") + 1]
    extra = dict(a.split("=", 1) for i, a in enumerate(args) if i > 0 and args[i - 1] == "-e")
    build_dir = Path(extra["BUILD_DIR"])
    home = Path(os.environ["QMK_HOME"])
    userspace = Path(os.environ["QMK_USERSPACE"]) if os.environ.get("QMK_USERSPACE") else None
    base = userspace if userspace is not None else home
    keymap_dir = base / "keyboards" / keyboard / "keymaps" / keymap
    log = os.environ.get("FAKE_QMK_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            record = {
                "args": args,
                "cwd": os.getcwd(),
                "keymap_dir": str(keymap_dir),
                "keymap_files": sorted(
                    p.relative_to(keymap_dir).as_posix() for p in keymap_dir.rglob("*") if p.is_file()
                ),
                "env": {k: os.environ.get(k) for k in ("QMK_HOME", "QMK_USERSPACE", "BUILD_DIR", "SKIP_GIT")},
            }
            handle.write(json.dumps(record) + "\n")
    keymap_c = keymap_dir / "keymap.c"
    if not keymap_c.is_file():
        print(f"fake qmk: no keymap at {keymap_c}")
        return 1
    target = f"{keyboard.replace('/', '_')}_{keymap}"
    if mode == "no-submodule":  # QMK's words for a tree without lib/chibios checked out
        print("platforms/chibios/platform.mk:270: lib/chibios/os/hal/lib/streams/streams.mk: No such file or directory")
        print("gmake: *** No rule to make target 'lib/chibios/os/hal/lib/streams/streams.mk'.  Stop.", flush=True)
        return 2
    if mode == "eeprom-full":  # QMK 2025's static assertion when VIA's layers leave too little EEPROM
        print("Compiling: quantum/nvm/eeprom/nvm_dynamic_keymap.c                                       "
              "quantum/nvm/eeprom/nvm_dynamic_keymap.c:60:1: error: static assertion failed: \"Dynamic keymaps "
              "are configured to use more EEPROM than is available.\"")
        print(" [ERRORS]")
        print("gmake: *** [builddefs/common_rules.mk:373: .build/obj/nvm_dynamic_keymap.o] Error 1", flush=True)
        return 2
    print(f"Compiling keymap with gmake -j {args[args.index('-j') + 1]}", flush=True)
    objects = 100 if mode == "slow" else 12
    for index in range(objects):
        if mode == "error" and index == 5:
            token = os.environ.get("FAKE_QMK_ERROR_TOKEN", "KC_A")
            for number, line in enumerate(keymap_c.read_text().splitlines(), 1):
                if token in line:
                    column = line.index(token) + 1
                    print(f"Compiling: {keymap_c}                     ", end="")
                    print(f"{keymap_c}:{number}:{column}: error: '{token}' undeclared here (not in a function)")
                    break
            print(" [ERRORS]")
            print("gmake: *** [builddefs/common_rules.mk:362: .build/obj/keymap.o] Error 1", flush=True)
            return 2
        print(f"Compiling: quantum/file_{index}.c" + " " * 40 + "[OK]", flush=True)
        if mode == "slow":
            time.sleep(0.1)
    print(f"Linking: .build/{target}.elf" + " " * 40 + "[OK]")
    build_dir.mkdir(parents=True, exist_ok=True)
    version_h = build_dir / f"obj_{target}" / "src" / "version.h"
    version_h.parent.mkdir(parents=True, exist_ok=True)
    version_h.write_text('#pragma once\n#define QMK_VERSION "0.99.1-fake"\n#define QMK_BUILDDATE "now"\n')
    (build_dir / f"{target}.hex").write_text(":00000001FF\n")
    (build_dir / f"{target}.bin").write_bytes(b"FIRMWARE " + target.encode())
    print(f"Creating load file for flashing: .build/{target}.hex" + " " * 20 + "[OK]")
    print(f"Copying {target}.bin to qmk_firmware folder" + " " * 30 + "[OK]")
    shutil.copy(build_dir / f"{target}.bin", home / f"{target}.bin")
    if userspace is not None:
        print(f"Copying {target}.bin to userspace folder" + " " * 30 + "[OK]")
        shutil.copy(build_dir / f"{target}.bin", userspace / f"{target}.bin")
    print(" * The firmware size is fine", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
