"""A small qmk_firmware-shaped tree for tests: just the files keyconf's compiler reads."""

from __future__ import annotations

import json
from pathlib import Path

NEW_TAP_DANCE_H = """
typedef struct {
    uint8_t count;
    bool pressed : 1;
} tap_dance_state_t;
typedef struct tap_dance_action_t {
    tap_dance_state_t state;
} tap_dance_action_t;
"""
OLD_TAP_DANCE_H = """
typedef struct {
    uint8_t count;
} qk_tap_dance_state_t;
typedef struct {
    qk_tap_dance_state_t state;
} qk_tap_dance_action_t;
"""


def ortho_layout(rows: int, cols: int) -> list[dict[str, object]]:
    return [{"matrix": [r, c], "x": c, "y": r} for r in range(rows) for c in range(cols)]


def make_fake_tree(
    root: Path,
    spec: str | None = "0.0.7",
    introspection: bool = True,
    old_tap_dance: bool = False,
    userspace: bool = True,
) -> Path:
    """Write a fake tree under `root` and return it.

    Keyboards: `testco/ortho` (keyboard.json, LAYOUT_ortho_2x3 = 6 keys, alias LAYOUT),
    `testco/split` (DEFAULT_FOLDER -> testco/split/rev2; LAYOUT_split in a C header, 4 keys,
    promicro board -> atmega32u4) and the alias `oldname` -> `testco/ortho`."""
    def write(path: str, text: str) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    write("requirements.txt", "")
    write("requirements-dev.txt", "")
    write("lib/python/qmk/cli/__init__.py", "")
    write("quantum/quantum.h", "")
    if userspace:
        write("lib/python/qmk/userspace.py", "")
        write("builddefs/build_keyboard.mk", "ifneq ($(QMK_USERSPACE),)\nendif\n")
    else:
        write("builddefs/build_keyboard.mk", "# no userspace here\n")
    if spec is not None:
        versions = ["0.0.1", "0.0.2", "0.0.3", "0.0.4", "0.0.5", "0.0.6", "0.0.7"]
        for version in versions[: versions.index(spec) + 1]:
            write(f"data/constants/keycodes/keycodes_{version}.hjson", "{ ranges: {} }\n")
        write(f"data/constants/keycodes/keycodes_{spec}_quantum.hjson", "{ keycodes: {} }\n")
    write(
        "data/mappings/keyboard_aliases.hjson",
        "{\n  // moved keyboards\n  oldname: { target: \"testco/ortho\" }\n  older: { target: \"oldname\" }\n}\n",
    )
    write(
        "data/mappings/defaults.hjson",
        json.dumps({"development_board": {"promicro": {"processor": "atmega32u4", "bootloader": "caterina"}}}),
    )
    introspection_c = "uint16_t combo_count_raw(void) {}\n" if introspection else ""
    if introspection:
        introspection_c += "uint16_t key_override_count_raw(void) {}\n"
    write("quantum/keymap_introspection.c", introspection_c)
    write("quantum/process_keycode/process_tap_dance.h", OLD_TAP_DANCE_H if old_tap_dance else NEW_TAP_DANCE_H)
    write("quantum/encoder.h", "#define ENCODER_CCW_CW(ccw, cw) { (cw), (ccw) }\n")
    write(
        "quantum/send_string/send_string_keycodes.h",
        "#define X_ENT X_ENTER\n#define X_A 04\n#define X_C 06\n#define X_ENTER 28\n#define X_LCTL e0\n"
        "#define X_LEFT_CTRL e0\n#define X_LSFT e1\n#define X_LEFT_SHIFT e1\n",
    )
    write("keyboards/testco/info.json", json.dumps({"manufacturer": "Test Co"}))
    write(
        "keyboards/testco/ortho/keyboard.json",
        json.dumps(
            {
                "keyboard_name": "Ortho",
                "processor": "STM32F411",
                "bootloader": "stm32-dfu",
                "layout_aliases": {"LAYOUT": "LAYOUT_ortho_2x3"},
                "encoder": {"rotary": [{"pin_a": "A1", "pin_b": "A2"}]},
                "layouts": {"LAYOUT_ortho_2x3": {"layout": ortho_layout(2, 3)}},
            }
        ),
    )
    write("keyboards/testco/ortho/keymaps/via/keymap.c", "")
    write("keyboards/testco/split/rules.mk", "DEFAULT_FOLDER = testco/split/rev2\n")
    write("keyboards/testco/split/rev2/rules.mk", "MCU = atmega32u4\nBOOTLOADER = caterina\n")
    write(
        "keyboards/testco/split/rev2/rev2.h",
        "#pragma once\n#define LAYOUT_split( \\\n    k00, k01, \\\n    k10, k11 \\\n) { { k00, k01 }, { k10, k11 } }\n",
    )
    write("keyboards/testco/split/rev2/info.json", json.dumps({"keyboard_name": "Split"}))
    return root
