"""A keymap.c imported where it lives brings the other C files of its folder that QMK's build uses:
rules.mk's SRC (its conditions read as make would), and the local files included, transitively."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.formats.c_source_file import CSourceFileError, write_c_files
from keyconf.formats.keymap_folder_c import keymap_folder_c_files
from keyconf.model.layout import CFile

KEYS = ", ".join(["KC_A"] * 20 + ["LLOCK"] + ["KC_B"] * 21)
KEYMAP_C = f"""\
#include QMK_KEYBOARD_H
#include "keymap_german.h"
#include "my_keycodes.h"
#include "features/layer_lock.h"
#include "sm_td.h"  // a userspace's, not in this folder
// #include "commented_out.h"
/* #include "in_a_comment.h" */

#ifdef TAP_DANCE_ENABLE
#include "tapdances.c"
#endif

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{
    [0] = LAYOUT_split_3x6_3({KEYS}),
}};

bool process_record_user(uint16_t keycode, keyrecord_t *record) {{
    if (!process_layer_lock(keycode, record, LLOCK)) {{ return false; }}
    return true;
}}
"""

RULES_MK = """\
CAPS_WORD_ENABLE = yes
MOUSEKEY_ENABLE = yes
COMBO_ENABLE = no
BONGO = yes

SRC += features/layer_lock.c \\
       ./rgb.c \\
       # ./notes.c \\
       ./also_commented.c
SRC += ./lib/rgb_state_reader.c

ifeq ($(strip $(OLED_ENABLE)), yes)
    SRC += oled.c
endif
ifeq ($(COMBO_ENABLE),yes)
    SRC += combos.c
endif
ifeq ($(BONGO), yes)
    SRC += bongo.c
else
    SRC += luna.c
endif
ifeq ($(strip $(KEYBOARD)), crkbd/rev1)
    SRC += rev1_only.c
endif
"""

FILES = {
    "keymap.c": KEYMAP_C,
    "rules.mk": RULES_MK,
    "config.h": "#pragma once\n#define TAPPING_TERM 180\n",
    "my_keycodes.h": '#pragma once\n#include "config.h"\nenum my_keycodes { LLOCK = SAFE_RANGE };\n',
    "features/layer_lock.h": '#pragma once\n#include "quantum.h"\n#include "../shared.h"\n',
    "features/layer_lock.c": '#include "layer_lock.h"\nbool process_layer_lock(void) { return true; }\n',
    "shared.h": "#pragma once\n",
    "tapdances.c": '#include "tapdances.h"\n',
    "tapdances.h": "#pragma once\n",
    "rgb.c": "void rgb(void) {}\n",
    "oled.c": "bool oled_task_user(void) { return false; }\n",
    "combos.c": "// off in rules.mk\n",
    "bongo.c": "// BONGO = yes\n",
    "luna.c": "// not with BONGO\n",
    "rev1_only.c": "// under a condition of QMK's own\n",
    "notes.c": "// named only in a comment\n",
    "unused.h": "// in the folder, used by nothing\n",
}


def keymap_folder(folder: Path, files: dict[str, str] = FILES) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "keymap.c"


def test_the_files_the_build_uses_come_along(tmp_path: Path) -> None:
    found = keymap_folder_c_files(keymap_folder(tmp_path), KEYMAP_C)
    assert [(f.path, f.compile, f.when) for f in found.files] == [
        ("features/layer_lock.c", True, None),
        ("rgb.c", True, None),
        ("oled.c", True, "OLED_ENABLE"),  # the board decides: the layout's build asks the same
        ("bongo.c", True, None),
        ("rev1_only.c", False, None),  # kept, not compiled: said in a warning
        ("my_keycodes.h", False, None),
        ("features/layer_lock.h", False, None),
        ("tapdances.c", False, None),
        ("shared.h", False, None),  # ../shared.h from features/: still inside the folder
        ("tapdances.h", False, None),
    ]
    assert all(f.text == FILES[f.path] for f in found.files)
    warnings = "\n".join(found.warnings)
    assert "rules.mk compiles rev1_only.c under a condition keyconf cannot decide" in warnings
    assert found.qmk_files == ["lib/rgb_state_reader.c"]  # the keyboard's, from the tree (c_files: qmk)
    assert "rules.mk compiles lib/rgb_state_reader.c of QMK's own tree" in warnings
    assert "the keymap includes sm_td.h, not in its folder" in warnings
    assert "keymap_german.h" not in warnings and "quantum.h" not in warnings  # QMK's own
    assert "commented_out" not in warnings and "in_a_comment" not in warnings


def test_a_folder_without_more_files_brings_none(tmp_path: Path) -> None:
    text = "#include QMK_KEYBOARD_H\n"
    found = keymap_folder_c_files(keymap_folder(tmp_path, {"keymap.c": text}), text)
    assert found.files == [] and found.warnings == []


def test_nothing_outside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "secret.h").write_text("#define SECRET 1\n")
    folder = tmp_path / "keymap"
    text = '#include "../secret.h"\n#include "link.h"\n'
    keymap_folder(folder, {"keymap.c": text, "rules.mk": "SRC += ../secret.c\n"})
    (tmp_path / "secret.c").write_text("int secret;\n")
    if hasattr(os, "symlink"):
        (folder / "link.h").symlink_to(tmp_path / "secret.h")
    found = keymap_folder_c_files(folder / "keymap.c", text)
    assert found.files == []


def test_make_code_in_a_name_is_not_carried(tmp_path: Path) -> None:
    text = '#include "ok.h"\n'
    keymap_folder(tmp_path, {"keymap.c": text, "ok.h": "#pragma once\n", "rules.mk": "SRC += $(USER_PATH)/x.c\n"})
    found = keymap_folder_c_files(tmp_path / "keymap.c", text)
    assert [f.path for f in found.files] == ["ok.h"]
    assert any("$(USER_PATH)/x.c, a path made by make" in w for w in found.warnings)


def test_written_beside_a_layout_and_never_over_other_content(tmp_path: Path) -> None:
    files = [CFile("features/layer_lock.c", True, text="int a;\n"), CFile("my_keycodes.h", text="#pragma once\n")]
    layout_file = tmp_path / "out" / "mine.yaml"
    layout_file.parent.mkdir()
    assert write_c_files(files, layout_file) == [layout_file.parent / "features" / "layer_lock.c",
                                                layout_file.parent / "my_keycodes.h"]
    assert (layout_file.parent / "features" / "layer_lock.c").read_text() == "int a;\n"
    assert write_c_files(files, layout_file) == []  # the same text: left as it is
    (layout_file.parent / "my_keycodes.h").write_text("// the user's own edit\n")
    with pytest.raises(CSourceFileError, match="my_keycodes.h already exists beside the layout"):
        write_c_files([CFile("new.h", text="x\n"), *files], layout_file)
    assert not (layout_file.parent / "new.h").exists()  # nothing written when one would be lost
    assert write_c_files(files, layout_file, overwrite=True) == [layout_file.parent / "my_keycodes.h"]


def test_a_save_elsewhere_copies_them_as_they_are_now(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "my_keycodes.h").write_text("// edited on disk\n")
    files = [CFile("my_keycodes.h", text="// as loaded\n")]
    written = write_c_files(files, tmp_path / "b" / "mine.yaml", from_layout=tmp_path / "a" / "mine.yaml")
    assert written == [tmp_path / "b" / "my_keycodes.h"] and written[0].read_text() == "// edited on disk\n"
    assert write_c_files(files, tmp_path / "a" / "other.yaml", from_layout=tmp_path / "a" / "mine.yaml") == []


def test_the_keymaps_config_h_comes_along_when_its_c_code_uses_a_define_of_it(tmp_path: Path) -> None:
    keymap = '#include QMK_KEYBOARD_H\n#ifdef COMBOS\n#include "combos.c"\n#endif\n#include <layer_codes.h>\n'
    config = "#pragma once\n#define COMBOS\n#define TAPPING_TERM 180\n#define OLED_TIMEOUT 5000\n"
    files = {"keymap.c": keymap, "config.h": config, "combos.c": "// combos\n", "layer_codes.h": "#pragma once\n"}
    found = keymap_folder_c_files(keymap_folder(tmp_path, files), keymap)
    assert [(f.path, f.config) for f in found.files] == [
        ("combos.c", False), ("layer_codes.h", False), ("keymap_config.h", True)]
    assert found.files[-1].text == config
    # Settings the layout holds, and an option today's QMK refuses (the build #undefs it): nothing to carry.
    (tmp_path / "config.h").write_text("#pragma once\n#define IGNORE_MOD_TAP_INTERRUPT\n#define TAPPING_TERM 180\n")
    assert all(not f.config for f in keymap_folder_c_files(tmp_path / "keymap.c", keymap).files)


@pytest.mark.parametrize("config", [
    # Real keymaps' config.h defines that tune QMK and that no layout setting holds, which their C
    # code does not name: QMK applies them all the same (a Georgi's steno map, a leader's timing).
    "#pragma once\n#define STENO_COMBINEDMAP\n",
    "#pragma once\n#define LEADER_TIMEOUT 300\n#define LEADER_PER_KEY_TIMING\n",
    "#pragma once\n#define TAPPING_TERM_PER_KEY\n",
    # A setting written as an expression keyconf does not evaluate: the define still applies.
    "#pragma once\n#define TAPPING_TERM 200\n#define COMBO_TERM (TAPPING_TERM / 4)\n",
    "#pragma once\n#define RGB_MATRIX_HUE_STEP(x) (x)\n",
    # The Kyria and 2024 Corne default keymaps: every define under a switch QMK's build passes as -D when
    # the feature is on (left behind, their firmware lost ten RGB animations: 3,270 bytes).
    "#pragma once\n#ifdef RGBLIGHT_ENABLE\n#    define RGBLIGHT_EFFECT_TWINKLE\n"
    "#    define RGBLIGHT_HUE_STEP 8\n#endif\n",
])
def test_a_config_h_with_defines_no_setting_holds_comes_along_whatever_the_c_code_uses(
        tmp_path: Path, config: str) -> None:
    keymap = "#include QMK_KEYBOARD_H\n"
    found = keymap_folder_c_files(keymap_folder(tmp_path, {"keymap.c": keymap, "config.h": config}), keymap)
    assert [(f.path, f.config, f.text) for f in found.files] == [("keymap_config.h", True, config)]


def test_a_per_key_switch_brings_the_config_h_along_for_the_callback_it_turns_on(tmp_path: Path) -> None:
    # A real ErgoDox keymap: QUICK_TAP_TERM_PER_KEY in config.h, get_quick_tap_term() in keymap.c,
    # LEADER_TIMEOUT and MIDI_ADVANCED beside them. Left behind, keyconf's firmware never called
    # the callback and lacked the leader timing and advanced MIDI (1,544 bytes under qmk's).
    keymap = "#include QMK_KEYBOARD_H\nuint16_t get_quick_tap_term(uint16_t k, keyrecord_t *r) { return 0; }\n"
    config = "#pragma once\n#define QUICK_TAP_TERM_PER_KEY\n#define LEADER_TIMEOUT 300\n#define MIDI_ADVANCED\n"
    found = keymap_folder_c_files(keymap_folder(tmp_path, {"keymap.c": keymap, "config.h": config}), keymap)
    assert [(f.path, f.config, f.text) for f in found.files] == [("keymap_config.h", True, config)]


def test_a_carried_config_h_leaves_out_the_config_common_h_qmk_removed(tmp_path: Path) -> None:
    # A real bdn9 keymap's config.h (2021): its `#include "config_common.h"` stops today's build,
    # which has no such header since 2023.
    keymap = "#include QMK_KEYBOARD_H\n#ifdef USE_LAYER_LOCK\n#endif\n"
    config = '#pragma once\n#include "config_common.h"\n#define USE_LAYER_LOCK\n'
    found = keymap_folder_c_files(keymap_folder(tmp_path, {"keymap.c": keymap, "config.h": config}), keymap)
    [carried] = found.files
    assert carried.text == ('#pragma once\n// #include "config_common.h"  (removed from QMK)\n'
                            "#define USE_LAYER_LOCK\n")
    assert any("config_common.h, which QMK removed in 2023" in w for w in found.warnings)


def test_the_import_says_the_config_h_defines_still_apply(tmp_path: Path) -> None:
    from keyconf.formats.interchange import import_layout

    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "mine"
    keymap_folder(folder, {**FILES, "config.h": "#pragma once\n#define USE_LAYER_LOCK\n#define TAPPING_TERM 180\n",
                           "keymap.c": KEYMAP_C + "#ifdef USE_LAYER_LOCK\n#endif\n"})
    imported = import_layout(folder / "keymap.c")
    assert imported.layout.settings.get("tapping_term") == 180
    assert any(f.path == "keymap_config.h" and f.config for f in imported.layout.c_files)
    assert any(w.startswith("config.h: USE_LAYER_LOCK is not a layout setting: it still applies, from the keymap's "
                            "config.h, which the layout keeps as keymap_config.h") for w in imported.warnings)


def test_a_file_a_define_names_for_qmk_to_include_comes_along(tmp_path: Path) -> None:
    """`#define OLED_FONT_H "navi_font.c"` in config.h: QMK's OLED driver includes that file."""
    keymap = "#include QMK_KEYBOARD_H\n#if IS_LEFT\n#endif\n"
    config = '#pragma once\n#define IS_LEFT 1\n#define OLED_FONT_H "navi_font.c"\n'
    files = {"keymap.c": keymap, "config.h": config, "navi_font.c": "static const char font[] = {0};\n"}
    found = keymap_folder_c_files(keymap_folder(tmp_path, files), keymap)
    assert [f.path for f in found.files] == ["navi_font.c", "keymap_config.h"]


def test_a_rules_mk_naming_files_by_the_thousand_is_looked_through_in_a_moment(tmp_path: Path) -> None:
    # Each word a rules.mk's SRC names is looked for in the folder and the userspace (links resolved): 100,000
    # words of one file and 3,000 of files that are not there took seconds (200,000 took 24 s) and said each
    # make-built path in a warning of its own.
    import time

    text = "#include QMK_KEYBOARD_H\n"
    rules = "SRC += " + "features/x.c " * 100_000 + "\n"
    rules += "".join(f"SRC += gone{n}.c $(N{n})/y.c\n" for n in range(3000))
    keymap_folder(tmp_path, {"keymap.c": text, "features/x.c": "int x;\n", "rules.mk": rules})
    start = time.process_time()
    found = keymap_folder_c_files(tmp_path / "keymap.c", text)
    assert time.process_time() - start < 1.0
    assert [f.path for f in found.files] == ["features/x.c"]
    assert "rules.mk compiles more than 256 files: keyconf looked for the first 256 only" in found.warnings
    assert len(found.warnings) < 200


def test_qmk_files_past_what_a_layout_holds_are_said_not_carried(tmp_path: Path) -> None:
    # 100 `SRC += mN.c` of QMK's tree, each under its own feature switch: all were kept as `c_files: qmk`,
    # and the layout could not be written ('`c_files: qmk` names more than 64 files', without a place).
    from keyconf.model.layout import MAX_C_FILES

    text = "#include QMK_KEYBOARD_H\n"
    rules = "".join(f"ifeq ($(strip $(F{n}_ENABLE)), yes)\n    SRC += m{n}.c\nendif\n" for n in range(100))
    keymap_folder(tmp_path, {"keymap.c": text, "rules.mk": rules})
    found = keymap_folder_c_files(tmp_path / "keymap.c", text)
    assert found.qmk_files == [f"m{n}.c" for n in range(MAX_C_FILES)]
    assert found.qmk_files_when[f"m{MAX_C_FILES - 1}.c"] == f"F{MAX_C_FILES - 1}_ENABLE"
    assert any(w.startswith(f"rules.mk compiles m{MAX_C_FILES}.c, ") and "the layout does not carry them" in w
               for w in found.warnings)


def test_thousands_of_unterminated_comments_in_the_keymap_cost_no_more_than_the_text(tmp_path: Path) -> None:
    # Each `/*` without a `*/` after it was scanned to the end looking for the files the keymap includes
    # (20,000 of them: 4 s; the fuzzer's 1 MB keymap.c, before the reader refused its size: 23 s).
    import time

    text = '#include QMK_KEYBOARD_H\n#include "my_keycodes.h"\n' + "/* " * 20_000
    keymap_folder(tmp_path, {"keymap.c": text, "my_keycodes.h": "#pragma once\n"})
    start = time.process_time()
    found = keymap_folder_c_files(tmp_path / "keymap.c", text)
    assert time.process_time() - start < 0.5
    assert [f.path for f in found.files] == ["my_keycodes.h"]


def test_a_warning_names_a_dozen_of_what_a_rules_mk_names_by_the_thousand(tmp_path: Path) -> None:
    # 2,000 feature switches in the keymap's rules.mk, 2,000 left off in its userspace's: each warning listed
    # them all (20,000 made warnings of 289 KB).
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import import_layout

    (tmp_path / ".git").mkdir()
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "me"
    keys = ", ".join(["KC_A"] * 42)
    keymap = keymap_folder(folder, {
        "keymap.c": "#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = "
                    f"{{ [0] = LAYOUT_split_3x6_3({keys}) }};\n",
        "rules.mk": "".join(f"F{n}_ENABLE = yes\n" for n in range(2000))})
    keymap_folder(tmp_path / "users" / "me", {"rules.mk": "".join(f"G{n}_ENABLE = no\n" for n in range(2000))})
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    assert max(len(w) for w in imported.warnings) < 600
    said = [w for w in imported.warnings if "F0_ENABLE" in w or "G0_ENABLE" in w]
    assert len(said) == 2 and all("and 1988 more" in w for w in said)


def test_a_config_h_branch_for_other_boards_under_a_feature_switch_leaves_its_settings_read() -> None:
    """The second reading of a config.h (feature switches taken as on, for the defines under them) meets an
    `#error` for other boards the first reading skipped: the settings read stand, and nothing is raised out
    of a keymap.c's import (it was a FormatError at that #error's line)."""
    from keyconf.formats.keymap_c_import import read_keymap_c
    from keyconf.formats.qmk_config_h import read_config_h

    config = ("#pragma once\n#define TAPPING_TERM 180\n#ifdef RGBLIGHT_ENABLE\n#  if defined(KEYBOARD_planck)\n"
              "#    define RGBLIGHT_HUE_STEP 8\n#  else\n#    error only the planck\n#  endif\n#endif\n")
    read = read_config_h(config)
    assert read.settings == {"tapping_term": 180} and not read.problems
    keymap = ("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
              "    [0] = LAYOUT_ortho_2x3(KC_A, KC_B, KC_C, KC_D, KC_E, KC_F)\n};\n")
    assert read_keymap_c(keymap, config_h=config).layout.settings["tapping_term"] == 180
