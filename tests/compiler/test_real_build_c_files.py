"""A keymap.c imported with the other C files of its folder builds with a real qmk_firmware tree
(KEYCONF_TEST_QMK_HOME): the rules.mk SRC file in a subfolder is compiled, the #included .c and the
headers are found, and a file under `ifeq ($(strip $(OLED_ENABLE)), yes)` follows the board."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor, is_qmk_tree
from keyconf.compiler.toolchain import find_program
from keyconf.formats.yaml_layout import load_layout

pytestmark = pytest.mark.slow

ROW = "KC_TAB, KC_Q, KC_W, KC_E, KC_R, KC_T, KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSPC"
KEYMAP_C = f"""\
#include QMK_KEYBOARD_H
#include "my_keycodes.h"
#include "features/sticky_layer.h"

enum layers {{ _BASE, _NAV }};

#include "helpers.c"

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [_BASE] = LAYOUT_split_3x6_3(
        {ROW},
        {ROW},
        {ROW},
        KC_LGUI, MO(_NAV), KC_SPC, KC_ENT, STICKY, KC_RALT
    ),
    [_NAV] = LAYOUT_split_3x6_3(
        {ROW},
        {ROW},
        {ROW},
        KC_LGUI, _______, KC_SPC, KC_ENT, _______, KC_RALT
    ),
}};

bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
    if (!process_sticky_layer(keycode, record, STICKY)) {{
        return false;
    }}
    return helper_passes(keycode);
}}
"""

FILES = {
    "keymap.c": KEYMAP_C,
    "rules.mk": "EXTRAKEY_ENABLE = yes\n\nSRC += features/sticky_layer.c\n\n"
                "ifeq ($(strip $(OLED_ENABLE)), yes)\n    SRC += oled.c\nendif\n",
    "my_keycodes.h": "#pragma once\n#include \"quantum.h\"\nenum my_keycodes { STICKY = SAFE_RANGE };\n",
    "features/sticky_layer.h": "#pragma once\n#include \"quantum.h\"\n"
                               "bool process_sticky_layer(uint16_t keycode, keyrecord_t *record, uint16_t key);\n",
    "features/sticky_layer.c": "#include \"sticky_layer.h\"\n\n"
                               "bool process_sticky_layer(uint16_t keycode, keyrecord_t *record, uint16_t key) {\n"
                               "    if (keycode == key && record->event.pressed) {\n"
                               "        layer_invert(1);\n        return false;\n    }\n    return true;\n}\n",
    "helpers.c": "static bool helper_passes(uint16_t keycode) {\n    return keycode != KC_NO;\n}\n",
    "oled.c": "#include QMK_KEYBOARD_H\n\nbool oled_task_user(void) {\n"
              "    oled_write_P(PSTR(\"keyconf\"), false);\n    return false;\n}\n",
}


def test_an_imported_keymap_folder_builds_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = os.environ.get("KEYCONF_TEST_QMK_HOME")
    if not configured:
        pytest.skip("KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree with its submodules and toolchain)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree")
    tree = QmkTree(home)
    if tree.resolve_keyboard("crkbd/rev1") is None:
        pytest.skip(f"crkbd/rev1 is not in the tree at {home}")
    processor = tree.keyboard("crkbd/rev1").processor
    if not any(find_program(name) for name in compilers_for_processor(processor)) or not find_program("qmk"):
        pytest.skip(f"no toolchain for {processor} on PATH")
    folder = tmp_path / "repo" / "keyboards" / "crkbd" / "keymaps" / "mine"
    for name, text in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    # A build cache of its own: objects an earlier run left are not compiled again, and the log
    # checked below would not name the carried files.
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(tmp_path / "build-cache"))
    assert main(["import", str(folder / "keymap.c"), "--keyboard", "crkbd/rev1", "-o", "out/mine.yaml"]) == 0
    loaded = load_layout(tmp_path / "out" / "mine.yaml")
    assert {f.path for f in loaded.layout.c_files} == set(FILES) - {"keymap.c", "rules.mk"}
    result = FirmwareBuild(BuildRequest(loaded.layout, home, tmp_path / "firmware", jobs=2,
                                        layout_path=tmp_path / "out" / "mine.yaml")).run()
    missing = [p for p in result.problems if p.code == "qmk-submodule-missing"]
    if missing:
        pytest.skip(missing[0].message)
    assert result.ok, "\n".join(p.message for p in result.problems) + "\n" + "\n".join(result.log[-40:])
    compiled = "\n".join(line for line in result.log if line.startswith("Compiling"))
    assert "features/sticky_layer.c" in compiled
    assert "oled.c" in compiled  # the Corne switches its OLED on: `when: OLED_ENABLE` holds
    assert result.firmware is not None and result.firmware.stat().st_size > 1000


def test_an_old_keychron_keymap_builds_with_keychrons_common_code(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A Keychron keymap of 2022-23, as many users copied it: `#include "keychron_common.h"`, its
    KC_TASK and KC_FLXP, process_record_keychron(), and in rules.mk `VPATH += keyboards/keychron/common`
    with `SRC += keychron_common.c`. Made here from the tree's own default keymap of the Q1."""
    configured = os.environ.get("KEYCONF_TEST_QMK_HOME")
    if not configured:
        pytest.skip("KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree with its submodules and toolchain)")
    home = Path(configured).expanduser().resolve()
    board = "keychron/q1v1/ansi_encoder"
    default = home / "keyboards" / board / "keymaps" / "default" / "keymap.c"
    if not default.is_file() or not (home / "keyboards/keychron/common/keychron_common.c").is_file():
        pytest.skip(f"{home} has no {board} default keymap or no keyboards/keychron/common")
    if not find_program("avr-gcc") or not find_program("qmk"):
        pytest.skip("no AVR toolchain or qmk on PATH")
    text = default.read_text().replace("#include QMK_KEYBOARD_H",
                                       '#include QMK_KEYBOARD_H\n#include "keychron_common.h"', 1)
    text = text.replace("KC_BRIU,  KC_NO,    KC_NO,", "KC_BRIU,  KC_TASK,  KC_FLXP,", 1)
    assert "KC_TASK" in text, "the default keymap changed shape: update this test"
    text += ("\nbool process_record_user(uint16_t keycode, keyrecord_t *record) {\n"
             "    return process_record_keychron(keycode, record);\n}\n\n"
             "void housekeeping_task_user(void) {\n    housekeeping_task_keychron();\n}\n")
    folder = tmp_path / "repo" / "keyboards" / board / "keymaps" / "mine"
    folder.mkdir(parents=True)
    (folder / "keymap.c").write_text(text)
    (folder / "rules.mk").write_text("VPATH += keyboards/keychron/common\nSRC += keychron_common.c\n")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    # A build cache of its own: objects an earlier run left are not compiled again, and the log
    # checked below would not name the carried files.
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(tmp_path / "build-cache"))
    assert main(["import", str(folder / "keymap.c"), "-o", "out/kc.yaml"]) == 0
    loaded = load_layout(tmp_path / "out" / "kc.yaml")
    assert loaded.layout.qmk_files == ["keyboards/keychron/common/keychron_common.c"]
    assert [c.headers for c in loaded.layout.custom_keycodes if c.name == "KC_TASK"] == [["keychron_common.h"]]
    result = FirmwareBuild(BuildRequest(loaded.layout, home, tmp_path / "firmware", jobs=2,
                                        layout_path=tmp_path / "out" / "kc.yaml")).run()
    missing = [p for p in result.problems if p.code == "qmk-submodule-missing"]
    if missing:
        pytest.skip(missing[0].message)
    assert result.ok, "\n".join(p.message for p in result.problems) + "\n" + "\n".join(result.log[-40:])
    assert any("keychron_common.c" in line for line in result.log if line.startswith("Compiling"))
