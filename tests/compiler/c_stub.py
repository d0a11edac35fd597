"""Compiling generated keymaps with gcc against tests/compiler/stub/quantum.h.

The stub declares QMK's keymap API; the keycode names of one keycode spec version and the
layout macros of one board are written next to it from keyconf's registry and the test's
geometry, so a name the target tree would not know, a wrong argument count or a definition
of the wrong type fails to compile.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from keyconf.compiler.sources import GeneratedSources
from keyconf.model.keycodes import MOD_TAPS, MOD_WRAPPERS, REGISTRY, Numbering, to_qmk5
from keyconf.model.keycodes.mods import ModsError

STUB = Path(__file__).parent / "stub" / "quantum.h"
GCC = shutil.which("gcc")
MAKE = shutil.which("make")


@functools.lru_cache(maxsize=4)
def keycode_header(spec_version: str) -> str:
    """`#define NAME value` for every name a tree of `spec_version` knows, plus X_ names."""
    spec = REGISTRY.names_for_spec(spec_version)
    lines = ["#pragma once", f"/* keycodes of QMK keycode spec {spec_version}, from keyconf's registry */"]
    defined: set[str] = set()

    def define(name: str, value: str) -> None:
        if name not in defined:
            defined.add(name)
            lines.append(f"#define {name} {value}")

    for definition in REGISTRY.all():
        try:
            name = spec.text(REGISTRY.parse(definition.name))
        except Exception:  # noqa: BLE001 - unknown to this spec: not declared, on purpose
            continue
        define(name, f"0x{definition.value:04X}")
        if definition.name in ("KC_TRNS", "KC_NO"):
            for alias in definition.aliases:
                if alias.startswith(("_", "X")):
                    define(alias, f"0x{definition.value:04X}")
    # Named expressions (KC_EXLM = LSFT(KC_1) ...), as the registry parses them.
    for name in REGISTRY._names():  # test-only use of the registry's full name list
        if name in defined:
            continue
        try:
            keycode = REGISTRY.parse(name)
        except Exception:  # noqa: BLE001
            continue
        if keycode.op in ("MODS", "OSM") and spec.knows(keycode) and spec.text(keycode) == name:
            define(name, f"0x{REGISTRY.encode(keycode, numbering=Numbering.CURRENT):04X}")
    for name, mods in MOD_WRAPPERS.items():
        try:
            define(f"{name}(kc)", f"((kc) | 0x{to_qmk5(mods) << 8:04X})")
        except ModsError:
            continue
    for name, mods in MOD_TAPS.items():
        define(f"{name}(kc)", f"MT(0x{to_qmk5(mods):02X}, kc)")
    for definition in REGISTRY.all():
        if definition.value > 0xFF:
            continue
        for name in (definition.qmk_name, definition.name, *definition.aliases):
            if name:
                define(f"X_{name[3:] if name.startswith('KC_') else name}", f"{definition.value:02x}")
    return "\n".join(lines) + "\n"


def layout_header(layouts: dict[str, int], encoders: int) -> str:
    """LAYOUT_* macros taking exactly the given key counts, as one matrix row."""
    columns = max(layouts.values())
    lines = ["#pragma once", "#define MATRIX_ROWS 1", f"#define MATRIX_COLS {columns}"]
    if encoders:
        lines.append(f"#define NUM_ENCODERS {encoders}")
    for name, count in layouts.items():
        params = ", ".join(f"k{i}" for i in range(count))
        lines.append(f"#define {name}({params}) {{ {{ {params} }} }}")
    return "\n".join(lines) + "\n"


def write_build_dir(
    folder: Path,
    sources: GeneratedSources,
    spec_version: str,
    layouts: dict[str, int],
    encoders: int = 0,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(STUB, folder / "quantum.h")
    (folder / "stub_keycodes.h").write_text(keycode_header(spec_version), encoding="utf-8")
    (folder / "stub_layouts.h").write_text(layout_header(layouts, encoders), encoding="utf-8")
    for name, text in sources.files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def gcc_command(folder: Path, old_qmk: bool = False) -> list[str]:
    command = [
        GCC or "gcc",
        "-std=gnu11",
        "-Wall",
        "-Werror",
        "-Wno-missing-braces",
        "-I",
        str(folder),
        "-DQMK_KEYBOARD_H=\"quantum.h\"",
        "-include",
        str(folder / "config.h"),
    ]
    if old_qmk:
        command.append("-DSTUB_OLD_QMK")
    return command


def syntax_check(folder: Path, old_qmk: bool = False) -> subprocess.CompletedProcess[str]:
    """`gcc -fsyntax-only` on the generated keymap.c (with its config.h)."""
    return subprocess.run(
        [*gcc_command(folder, old_qmk), "-fsyntax-only", str(folder / "keymap.c")],
        capture_output=True,
        text=True,
        check=False,
    )


HARNESS = r"""
#include <stdio.h>
#include "quantum.h"
layer_state_t layer_state, default_layer_state;
uint8_t get_highest_layer(layer_state_t state) { (void)state; return 0; }
void layer_on(uint8_t layer) { (void)layer; }
void layer_off(uint8_t layer) { (void)layer; }
void layer_invert(uint8_t layer) { (void)layer; }
void layer_move(uint8_t layer) { (void)layer; }
void default_layer_set(layer_state_t state) { (void)state; }
void register_code16(uint16_t code) { (void)code; }
void unregister_code16(uint16_t code) { (void)code; }
void tap_code16(uint16_t code) { (void)code; }
void reset_keyboard(void) {}
bool process_record_kb(uint16_t keycode, keyrecord_t *record) { return process_record_user(keycode, record); }
void stub_send_string(const char *string, size_t length) {
    printf("%zu:", length);
    fwrite(string, 1, length, stdout);
}
int main(void) {
    keyrecord_t record = {.event = {.pressed = true}};
    for (uint16_t i = 0; i < MACRO_COUNT; i++) {
        printf("|");
        process_record_user(MACRO_BASE + i, &record);
    }
    return 0;
}
"""


def run_macros(folder: Path, macro_count: int) -> list[bytes]:
    """Compile keymap.c with a harness that presses each macro key; the bytes each one sends."""
    harness = folder / "harness.c"
    harness.write_text(HARNESS, encoding="utf-8")
    program = folder / "macros"
    base = REGISTRY.get("QK_MACRO_0")
    assert base is not None
    subprocess.run(
        [
            *gcc_command(folder),
            f"-DMACRO_COUNT={macro_count}",
            f"-DMACRO_BASE=0x{base.value:04X}",
            "-o",
            str(program),
            str(folder / "keymap.c"),
            str(harness),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    output = subprocess.run([str(program)], check=True, capture_output=True).stdout
    sent: list[bytes] = []
    rest = output
    while rest:
        assert rest[:1] == b"|", rest[:20]
        rest = rest[1:]
        if rest[:1] == b"|" or not rest:  # a macro that sent nothing
            sent.append(b"")
            continue
        size_text, _, rest = rest.partition(b":")
        size = int(size_text)
        sent.append(rest[:size])
        rest = rest[size:]
    return sent


def make_variables(rules_mk: str, folder: Path) -> dict[str, str]:
    """The variables a rules.mk sets, as GNU make reads it."""
    (folder / "rules.mk").write_text(rules_mk, encoding="utf-8")
    probe = folder / "probe.mk"
    probe.write_text(
        "include rules.mk\n"
        "$(info VARS $(foreach v,$(sort $(filter %_ENABLE,$(.VARIABLES))),$(v)=$($(v))))\n"
        "all: ;\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [MAKE or "make", "-s", "-f", "probe.mk"], cwd=folder, capture_output=True, text=True, check=True
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("VARS"))
    return dict(item.split("=", 1) for item in line.split()[1:])
