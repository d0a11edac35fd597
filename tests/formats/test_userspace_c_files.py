"""A keymap imported where it lives brings its userspace (users/<name>/) along as QMK's build of the
repository sees it: the C files the userspace's rules.mk compiles (its conditions decided as make
would, after the keymap's rules.mk), the headers the keymap and they include, its config.h, and the
feature switches it sets. Shaped like real userspaces: a bm40 keymap that `#include`s its user's
brrr.c, QMK Userspace repositories (qmk.json, keyboards/ and users/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.formats.keymap_folder_c import USERSPACE_CONFIG_NAME, keymap_folder_c_files, keymap_userspace

KEYMAP_C = """\
#include QMK_KEYBOARD_H
#include "mine.h"

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT_split_3x6_3(KC_A),
};
"""
USER_RULES = """\
# Build options
LTO_ENABLE = yes
MOUSEKEY_ENABLE = no              # Mouse keys
CAPS_WORD_ENABLE ?= yes
RGB_MATRIX_DRIVER = ws2812

SRC += mine.c \\
       $(USER_PATH)/features/swapper.c
ifeq ($(strip $(OLED_ENABLE)), yes)
    SRC += oled.c
endif
ifeq ($(strip $(COMBO_ENABLE)), yes)
    SRC += combos.c
endif
ifdef HOME_ROW_MODS
    SRC += hrm.c
endif
ifneq ($(strip $(NOT_SET_HERE)),)
    SRC += undecided.c
endif
SRC += $(shell touch /tmp/pwned).c
"""
USERSPACE = {
    "mine.h": '#pragma once\n#include QMK_KEYBOARD_H\n#include "features/swapper.h"\nenum layers { _BASE };\n',
    "mine.c": '#include "mine.h"\n',
    "features/swapper.h": "#pragma once\n",
    "features/swapper.c": '#include "swapper.h"\n',
    "oled.c": "// OLED_ENABLE: the board decides\n",
    "combos.c": "// the keymap's rules.mk switches combos off\n",
    "hrm.c": "// HOME_ROW_MODS: set by the keymap's rules.mk\n",
    "undecided.c": "// NOT_SET_HERE is the board's\n",
    "unused.c": "// in the userspace, used by nothing\n",
    "config.h": '#pragma once\n#include "config_common.h"\n#define TAPPING_TERM 190\n#include "rgb_config.h"\n',
    "rgb_config.h": "#pragma once\n#define RGB_MATRIX_SLEEP\n",
    "rules.mk": USER_RULES,
}


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def repository(tmp_path: Path, keymap_files: dict[str, str] | None = None, user: str = "mine",
               keymap_name: str = "mine") -> Path:
    """A QMK Userspace repository (qmk.json, keyboards/, users/) as its user keeps it; the keymap.c."""
    root = tmp_path / "qmk_userspace"
    (root / ".git").mkdir(parents=True)
    (root / "qmk.json").write_text('{"userspace_version": "1.0", "build_targets": [["crkbd/rev1", "mine"]]}\n')
    write(root / "users" / user, USERSPACE)
    keymap = root / "keyboards" / "crkbd" / "keymaps" / keymap_name
    write(keymap, keymap_files or {"keymap.c": KEYMAP_C, "rules.mk": "COMBO_ENABLE = no\nHOME_ROW_MODS = yes\n"})
    return keymap / "keymap.c"


def test_the_userspace_the_build_uses_comes_along(tmp_path: Path) -> None:
    keymap = repository(tmp_path)
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert found.userspace == "users/mine"
    assert [(f.path, f.compile, f.when, f.config) for f in found.files] == [
        ("mine.c", True, None, False),
        ("features/swapper.c", True, None, False),  # $(USER_PATH)/features/swapper.c
        ("oled.c", True, "OLED_ENABLE", False),  # the board decides: the layout's build asks the same
        ("hrm.c", True, None, False),  # HOME_ROW_MODS from the keymap's rules.mk, read before
        ("undecided.c", False, None, False),  # kept, not compiled: said in a warning
        ("mine.h", False, None, False),
        ("features/swapper.h", False, None, False),  # included by mine.h, from the userspace's root
        ("rgb_config.h", False, None, False),  # what the userspace's config.h includes
        (USERSPACE_CONFIG_NAME, False, None, True),
    ]
    by_path = {f.path: f for f in found.files}
    assert by_path["mine.c"].text == USERSPACE["mine.c"]
    assert by_path[USERSPACE_CONFIG_NAME].text == ('#pragma once\n// #include "config_common.h"  (removed from QMK)\n'
                                                   '#define TAPPING_TERM 190\n#include "rgb_config.h"\n')
    assert found.features == ["LTO_ENABLE", "CAPS_WORD_ENABLE"] and found.features_off == ["MOUSEKEY_ENABLE"]
    assert found.drivers == {"RGB_MATRIX_DRIVER": "ws2812"}
    warnings = "\n".join(found.warnings)
    assert "the userspace's rules.mk compiles $(shell, a path made by make" in warnings
    assert "compiles undecided.c under a condition keyconf cannot decide" in warnings
    assert "the keymap builds with its userspace users/mine: the layout carries mine.c" in warnings
    assert "combos.c" not in by_path and "unused.c" not in by_path


def test_the_keymaps_own_file_of_the_same_path_wins_as_on_qmks_include_path(tmp_path: Path) -> None:
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "mine.h": "#pragma once\n// the keymap's own\n"})
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert [f.text for f in found.files if f.path == "mine.h"] == ["#pragma once\n// the keymap's own\n"]
    assert "features/swapper.h" not in [f.path for f in found.files]  # the keymap's mine.h does not include it


def test_a_userspace_of_another_name_that_nothing_includes_stays(tmp_path: Path) -> None:
    # QMK builds keymap `via` with users/via/, which is not there: users/mine/ is not its build's.
    text = "#include QMK_KEYBOARD_H\n"
    keymap = repository(tmp_path, {"keymap.c": text}, keymap_name="via")
    (keymap.parents[4] / "users" / "other").mkdir()
    assert keymap_userspace(keymap, text) is None
    found = keymap_folder_c_files(keymap, text)
    assert found.files == [] and found.userspace is None and found.features == []


def test_the_userspace_the_keymap_includes_or_its_rules_mk_names(tmp_path: Path) -> None:
    # A keymap named otherwise, in a repository whose only userspace holds the header it includes.
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C}, user="daniele", keymap_name="default")
    assert keymap_userspace(keymap, KEYMAP_C) == (keymap.parents[4] / "users" / "daniele").resolve()
    # USER_NAME in the keymap's rules.mk: QMK's build takes that userspace.
    text = "#include QMK_KEYBOARD_H\n"
    other = repository(tmp_path / "b", {"keymap.c": text, "rules.mk": "USER_NAME := daniele\n"}, user="daniele",
                       keymap_name="via")
    assert keymap_userspace(other, text) == (other.parents[4] / "users" / "daniele").resolve()


def test_nothing_outside_the_userspace_is_read_and_no_make_code_rides_in_a_name(tmp_path: Path) -> None:
    keymap = repository(tmp_path)
    space = keymap.parents[4] / "users" / "mine"
    (tmp_path / "secret.h").write_text("// outside\n")
    (space / "mine.h").unlink()
    os.symlink(tmp_path / "secret.h", space / "mine.h")
    (space / "rules.mk").write_text("SRC += mine.c we$$ird.c\nSRC += ../../escape.c\n")
    (tmp_path / "qmk_userspace" / "escape.c").write_text("// outside the userspace\n")
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    texts = [f.text or "" for f in found.files]
    assert all("outside" not in text for text in texts)
    assert all(all(part.replace("_", "").replace(".", "").replace("-", "").isalnum() for part in f.path.split("/"))
               for f in found.files)
    assert "mine.h is not carried" in "\n".join(found.warnings) or "mine.h" not in [f.path for f in found.files]


def test_the_import_keeps_the_userspaces_switches_after_the_keymaps(tmp_path: Path) -> None:
    from keyconf.formats.interchange import import_layout

    keys = ", ".join(["KC_A"] * 42)
    text = KEYMAP_C.replace("KC_A", keys)
    keymap = repository(tmp_path, {"keymap.c": text, "rules.mk": "MOUSEKEY_ENABLE = yes\nOLED_ENABLE = yes\n"})
    imported = import_layout(keymap)
    layout = imported.layout
    assert "MOUSEKEY_ENABLE" in layout.features_off and "MOUSEKEY_ENABLE" not in layout.features  # make: last wins
    assert {"OLED_ENABLE", "LTO_ENABLE", "CAPS_WORD_ENABLE"} <= set(layout.features)
    assert layout.drivers == {"RGB_MATRIX_DRIVER": "ws2812"}
    assert [f.path for f in layout.c_files if f.config] == [USERSPACE_CONFIG_NAME]
    assert any(f.path == "oled.c" and f.compile for f in layout.c_files)
    assert any(w.startswith("the keymap builds with its userspace users/mine") for w in imported.warnings)


@pytest.mark.parametrize("config", ["", "   \n"])
def test_an_empty_userspace_config_h_is_not_carried(tmp_path: Path, config: str) -> None:
    keymap = repository(tmp_path)
    (keymap.parents[4] / "users" / "mine" / "config.h").write_text(config)
    assert USERSPACE_CONFIG_NAME not in [f.path for f in keymap_folder_c_files(keymap, KEYMAP_C).files]


def test_make_files_the_userspace_includes_and_the_boards_platform_decide_what_compiles(tmp_path: Path) -> None:
    # Shaped like VeyPatch's userspace: its rules.mk includes a make file per platform and feature.
    keymap = repository(tmp_path)
    space = keymap.parents[4] / "users" / "mine"
    write(space, {
        "rules.mk": "SRC += mine.c\nifeq ($(PLATFORM_KEY),chibios)\n\tinclude $(USER_PATH)/arm/arm.mk\nendif\n"
                    "-include $(USER_PATH)/features/features.mk\ninclude $(USER_PATH)/../../outside.mk\n"
                    "ifeq ($(strip $(KEYBOARD)), crkbd/rev1)\n    SRC += corne.c\nendif\n",
        "arm/arm.mk": "SRC += $(USER_PATH)/arm/rgb.c\nRGB_MATRIX_ENABLE = yes\n",
        "arm/rgb.c": "// chibios boards only\n",
        "features/features.mk": "SRC += features/swapper.c\nCAPS_WORD_ENABLE = yes\n",
        "corne.c": "// the Corne's\n",
    })
    (keymap.parents[4] / "outside.mk").write_text("SRC += mine.h\nOUTSIDE_ENABLE = yes\n")

    def compiled(**board: str) -> list[str]:
        found = keymap_folder_c_files(keymap, KEYMAP_C, **board)
        return [f.path for f in found.files if f.compile] + [f"+{name}" for name in found.features]

    assert compiled() == ["mine.c", "features/swapper.c", "+CAPS_WORD_ENABLE"]  # arm.mk and corne.c undecided
    assert compiled(keyboard="crkbd/rev1", processor="atmega32u4") == [
        "mine.c", "features/swapper.c", "corne.c", "+CAPS_WORD_ENABLE"]
    assert compiled(keyboard="crkbd/rev4_1/standard", processor="RP2040") == [
        "mine.c", "arm/rgb.c", "features/swapper.c", "+RGB_MATRIX_ENABLE", "+CAPS_WORD_ENABLE"]


def test_the_defines_rules_mk_passes_to_the_compiler_come_along_first(tmp_path: Path) -> None:
    # OPT_DEFS, as real userspaces switch their own code with it (USER_NUM_WORD_ENABLE, OLED_WPM_GRAPH).
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "rules.mk": "OPT_DEFS += -DKEYMAP_OWN=3\n"})
    space = keymap.parents[4] / "users" / "mine"
    (space / "rules.mk").write_text(
        "SRC += mine.c\nOPT_DEFS += -DUSER_NUM_WORD_ENABLE -DCADET_ALPHAS=\n"
        "ifeq ($(strip $(OLED_ENABLE)), yes)\n    OPT_DEFS += -DOLED_WPM_GRAPH\nendif\n"
        "ifeq ($(strip $(MOUSEKEY_ENABLE)), no)\n    OPT_DEFS += -DNO_MOUSE\nendif\n"
        'OPT_DEFS += -DEVIL="$(shell id)" -include/etc/passwd\n')
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    configs = [f for f in found.files if f.config]
    assert [f.path for f in configs] == ["rules_mk_defines.h", USERSPACE_CONFIG_NAME]
    text = configs[0].text or ""
    assert "#define KEYMAP_OWN 3\n" in text and "#define USER_NUM_WORD_ENABLE 1\n" in text
    assert "#define CADET_ALPHAS\n" in text  # -DX= defines X as nothing
    assert "#ifdef OLED_ENABLE\n#    undef OLED_WPM_GRAPH\n#    define OLED_WPM_GRAPH 1\n#endif\n" in text
    assert "NO_MOUSE" not in text and "shell" not in text and "passwd" not in text and "EVIL" not in text
    assert any("rules.mk passes -DNO_MOUSE, -DEVIL" in w for w in found.warnings)


def test_a_folder_the_userspace_puts_on_vpath_finds_its_files_by_name(tmp_path: Path) -> None:
    keymap = repository(tmp_path)
    space = keymap.parents[4] / "users" / "mine"
    write(space, {"rules.mk": "VPATH += $(USER_PATH)/features\nSRC += mine.c caps_word.c\n",
                  "mine.h": '#pragma once\n#include "caps_word.h"\nenum layers { _BASE };\n',
                  "features/caps_word.h": "#pragma once\n", "features/caps_word.c": '#include "caps_word.h"\n'})
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert [(f.path, f.compile) for f in found.files if not f.config] == [
        ("mine.c", True), ("caps_word.c", True), ("mine.h", False), ("caps_word.h", False), ("rgb_config.h", False)]


def test_what_the_keymaps_rules_mk_compiles_from_its_userspace_comes_along(tmp_path: Path) -> None:
    # krig's Ferris keymap: `SRC += features/swapper.c` in the keymap's rules.mk, the file in users/krig/.
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "rules.mk": "SRC += features/swapper.c\n"})
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert ("features/swapper.c", True) in [(f.path, f.compile) for f in found.files]
    assert found.qmk_files == []


def test_a_keymap_with_no_rules_mk_of_its_own_builds_without_via_unless_its_userspace_says(tmp_path: Path) -> None:
    # QMK builds it without VIA; keyconf's build would add it for a board with a stock `via` keymap.
    from keyconf.formats.interchange import import_layout

    text = KEYMAP_C.replace("KC_A", ", ".join(["KC_A"] * 42))
    keymap = repository(tmp_path, {"keymap.c": text})
    assert "VIA_ENABLE" in import_layout(keymap).layout.features_off
    (keymap.parents[4] / "users" / "mine" / "rules.mk").write_text("SRC += mine.c\nVIA_ENABLE = yes\n")
    layout = import_layout(keymap).layout
    assert "VIA_ENABLE" in layout.features and "VIA_ENABLE" not in layout.features_off


def test_the_userspaces_post_config_h_comes_last(tmp_path: Path) -> None:
    # drashna's and t18n's userspaces: defaults under #ifndef, after the keymap's config.h.
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "config.h": "#pragma once\n#define LEADER_TIMEOUT 250\n"})
    post = "#pragma once\n#ifndef LEADER_TIMEOUT\n#    define LEADER_TIMEOUT 300\n#endif\n"
    (keymap.parents[4] / "users" / "mine" / "post_config.h").write_text(post)
    configs = [f for f in keymap_folder_c_files(keymap, KEYMAP_C).files if f.config]
    assert [f.path for f in configs] == [USERSPACE_CONFIG_NAME, "keymap_config.h", "userspace_post_config.h"]
    assert configs[-1].text == post


def test_a_userspace_of_more_files_than_a_layout_holds_fills_it_and_keeps_room_for_the_configs(
        tmp_path: Path) -> None:
    # drashna's userspace: 67 files reached from the keymap, and config headers after them.
    from keyconf.formats.yaml_layout import dumps_layout
    from keyconf.model.layout import MAX_C_FILES

    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "config.h": "#pragma once\n#define X_PIN B1\n"})
    space = keymap.parents[4] / "users" / "mine"
    write(space, {f"parts/p{i}.h": "#pragma once\n" for i in range(80)})
    (space / "mine.h").write_text("#pragma once\n" + "".join(f'#include "parts/p{i}.h"\n' for i in range(80)))
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert len(found.files) <= MAX_C_FILES
    assert [f.path for f in found.files if f.config] == [USERSPACE_CONFIG_NAME, "keymap_config.h"]
    assert any("C files to carry" in w for w in found.warnings)
    from keyconf.model.layout import Layout
    dumps_layout(Layout(keyboard="crkbd/rev1", layout_macro="LAYOUT", c_files=found.files))  # a layout holds them


def test_a_config_header_the_userspaces_rules_mk_adds_comes_before_its_config_h(tmp_path: Path) -> None:
    # drashna's pointing.mk: `CONFIG_H += $(USER_PATH)/pointing/config.h` when the keymap has a pointing device.
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C, "rules.mk": "POINTING_DEVICE_ENABLE = yes\n"})
    space = keymap.parents[4] / "users" / "mine"
    write(space, {
        "rules.mk": "SRC += mine.c\ninclude $(USER_PATH)/pointing/pointing.mk\n",
        "pointing/pointing.mk": "ifeq ($(strip $(POINTING_DEVICE_ENABLE)), yes)\n"
                                "    CONFIG_H += $(USER_PATH)/pointing/config.h\nendif\n"
                                "ifeq ($(strip $(OLED_ENABLE)), yes)\n"
                                "    CONFIG_H += $(USER_PATH)/oled_config.h\nendif\n",
        "pointing/config.h": "#pragma once\n#define POINTING_DEVICE_AUTO_MOUSE_ENABLE\n",
        "oled_config.h": "#pragma once\n",
    })
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    assert [f.path for f in found.files if f.config] == ["pointing/config.h", USERSPACE_CONFIG_NAME]
    assert any("adds oled_config.h to the config headers (CONFIG_H) under a condition" in w for w in found.warnings)


def test_the_import_says_the_header_of_its_custom_keycodes_comes_along(tmp_path: Path) -> None:
    # The bm40 keymap that includes brrr.c: its keycodes are the userspace's, and now so is the file.
    from keyconf.formats.interchange import import_layout

    text = KEYMAP_C.replace("KC_A)", ", ".join(["KC_A"] * 41) + ", BR_MAIL)")
    keymap = repository(tmp_path, {"keymap.c": text})
    (keymap.parents[4] / "users" / "mine" / "mine.h").write_text(
        "#pragma once\nenum layers { _BASE };\nenum my_keycodes { BR_MAIL = SAFE_RANGE };\n")
    warnings = import_layout(keymap).warnings
    said = [w for w in warnings if w.startswith("BR_MAIL come from mine.h")]
    assert said and "the layout carries it (c_files)" in said[0] and "needs it where it found it" not in said[0]


def test_the_file_rules_mk_names_as_introspection_keymap_c_is_included_after_the_keymap(tmp_path: Path) -> None:
    # mforman's and plodah's userspaces: `INTROSPECTION_KEYMAP_C = combos.c`, whose key_combos[] QMK
    # reads in the keymap's translation unit; compiled on its own, keyconf's build lacked it.
    from keyconf.compiler.sources import generate_sources
    from keyconf.formats.interchange import import_layout
    from tests.compiler import layouts

    text = KEYMAP_C.replace("LAYOUT_split_3x6_3(KC_A)", "LAYOUT_ortho_2x3(KC_A, KC_B, KC_C, KC_D, KC_E, KC_F)")
    keymap = repository(tmp_path, {"keymap.c": text})
    space = keymap.parents[4] / "users" / "mine"
    (space / "rules.mk").write_text("SRC += mine.c\nCOMBO_ENABLE = yes\nINTROSPECTION_KEYMAP_C = combos.c\n")
    (space / "combos.c").write_text("const uint16_t PROGMEM ab[] = {KC_A, KC_B, COMBO_END};\n"
                                    "combo_t key_combos[] = {COMBO(ab, KC_ESC)};\n")
    imported = import_layout(keymap, keyboard=layouts.board())
    layout = imported.layout
    assert ("combos.c", False) in [(f.path, f.compile) for f in layout.c_files]
    assert layout.c_source is not None and (layout.c_source.code or "").endswith('#include "combos.c"\n')
    keymap_c = generate_sources(layout, layouts.board()).keymap_c
    assert keymap_c.index("keymaps[]") < keymap_c.index('#include "combos.c"')


def test_a_file_named_from_the_top_of_the_userspace_repository_comes_along_at_that_path(tmp_path: Path) -> None:
    # mforman's config.h: `#define OLED_FONT_H "users/mforman/oled/glcdfont.c"`, found from QMK's include path.
    keymap = repository(tmp_path)
    space = keymap.parents[4] / "users" / "mine"
    (space / "config.h").write_text('#pragma once\n#define OLED_FONT_H "users/mine/oled/glcdfont.c"\n'
                                    '#define OTHER_H "users/mine/../../keyboards/secret.h"\n')
    write(space, {"oled/glcdfont.c": "static const unsigned char font[] = {0};\n"})
    (keymap.parents[4] / "keyboards" / "secret.h").write_text("// outside the userspace\n")
    found = keymap_folder_c_files(keymap, KEYMAP_C)
    paths = [f.path for f in found.files]
    assert "users/mine/oled/glcdfont.c" in paths
    assert not any("secret" in path for path in paths)


def test_tap_dances_a_userspace_file_defines_are_not_made_empty_tap_dances_of_the_layout(tmp_path: Path) -> None:
    # mforman's: TD(NAV_BSPC) numbered by mforman.h's enum, tap_dance_actions[] in mforman.c. The layout's
    # own (empty) tap dances would be a second tap_dance_actions[]: the link failed.
    from keyconf.compiler.sources import generate_sources
    from keyconf.formats.interchange import import_layout
    from tests.compiler import layouts

    text = KEYMAP_C.replace("LAYOUT_split_3x6_3(KC_A)", "LAYOUT_ortho_2x3(TD(NAV_BSPC), KC_B, KC_C, KC_D, KC_E, KC_F)")
    keymap = repository(tmp_path, {"keymap.c": text})
    space = keymap.parents[4] / "users" / "mine"
    (space / "mine.h").write_text("#pragma once\nenum layers { _BASE };\nenum tap_dances { NAV_BSPC };\n")
    (space / "rules.mk").write_text("SRC += mine.c\nTAP_DANCE_ENABLE = yes\n")
    (space / "mine.c").write_text('#include "mine.h"\ntap_dance_action_t tap_dance_actions[] = {\n'
                                  "    [NAV_BSPC] = ACTION_TAP_DANCE_DOUBLE(KC_A, KC_B)};\n")
    imported = import_layout(keymap, keyboard=layouts.board())
    assert imported.layout.tap_dances == []
    assert not any("Vial" in w for w in imported.warnings)
    keymap_c = generate_sources(imported.layout, layouts.board()).keymap_c
    assert "tap_dance_actions" not in keymap_c and "TD(0)" in keymap_c


def test_the_userspaces_other_switch_words_flags_and_options_are_read_as_make_reads_them(tmp_path: Path) -> None:
    """The userspace's rules.mk, read after the keymap's: `BOOTMAGIC_ENABLE = lite` is off to make (which tests
    for yes), `EXTRAFLAGS += -flto` is QMK's LTO_ENABLE, `DEBOUNCE_TYPE` goes in `rules:`."""
    from keyconf.formats.interchange import import_layout

    keys = ", ".join(["KC_A"] * 42)
    keymap = repository(tmp_path, {"keymap.c": KEYMAP_C.replace("KC_A", keys), "rules.mk": "OLED_ENABLE = yes\n"})
    (keymap.parents[4] / "users" / "mine" / "rules.mk").write_text(
        "BOOTMAGIC_ENABLE = lite\nEXTRAFLAGS += -flto\nDEBOUNCE_TYPE = sym_defer_pk\n")
    imported = import_layout(keymap)
    layout = imported.layout
    assert "BOOTMAGIC_ENABLE" in layout.features_off and "LTO_ENABLE" in layout.features
    assert layout.rules == {"DEBOUNCE_TYPE": "sym_defer_pk"}
    assert any("the userspace's rules.mk sets BOOTMAGIC_ENABLE = lite, which QMK's make reads as off" in w
               for w in imported.warnings)
