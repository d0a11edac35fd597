"""Keymaps whose keys are macros of the user's own headers, read where QMK's build finds them:
the keymap's folder, users/<USER_NAME>/, and the config.h files it force-includes."""

from __future__ import annotations

from pathlib import Path

from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.user_headers import UserHeaders

# A split 3x5+2 userspace in the shape users keep: rows and home-row mods in a header that the
# userspace's config.h includes (QMK force-includes that config.h into every C file).
LAYOUT_H = """#pragma once
#define HRM(k) HR_MODTAP(k)
#define HR_MODTAP( \\
    l01, l02, l03, l04, l05, r01, r02, r03, r04, r05, \\
    l06, l07, l08, l09, l10, r06, r07, r08, r09, r10, \\
    l11, l12, l13, l14, l15, r11, r12, r13, r14, r15, \\
                   l16, l17, r16, r17 \\
) \\
    l01, l02, l03, l04, l05, r01, r02, r03, r04, r05, \\
    LCTL_T(l06), LALT_T(l07), LGUI_T(l08), LSFT_T(l09), l10, \\
    r06, RSFT_T(r07), RGUI_T(r08), RALT_T(r09), RCTL_T(r10), \\
    l11, l12, l13, l14, l15, r11, r12, r13, r14, r15, \\
    l16, l17, r16, r17
#define HRM_EXPAND(k) HR_MODTAP(k)
enum layers { BSE, NAV };
#define NAV_SPC LT(NAV, KC_SPC)
#define BASE \\
    KC_Q, KC_W, KC_E, KC_R, KC_T, KC_Y, KC_U, KC_I, KC_O, KC_P, \\
    KC_A, KC_S, KC_D, KC_F, KC_G, KC_H, KC_J, KC_K, KC_L, KC_QUOT, \\
    KC_Z, KC_X, KC_C, KC_V, KC_B, KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, \\
    KC_TAB, NAV_SPC, KC_ENT, KC_BSPC
#define NAVI \\
    KC_1, KC_2, KC_3, KC_4, KC_5, KC_6, KC_7, KC_8, KC_9, KC_0, \\
    KC_LEFT, KC_DOWN, KC_UP, KC_RGHT, _______, _______, _______, _______, _______, _______, \\
    _______, _______, _______, _______, _______, _______, _______, _______, _______, TG(NAV), \\
    _______, _______, _______, _______
#define LAYOUT_34key_w(...) LAYOUT_split_3x5_2(__VA_ARGS__)
"""
CONFIG_H = """#pragma once
#define TAPPING_TERM 200
#ifndef __ASSEMBLER__
#    include "layout.h"
#endif
"""
ROWS_ONLY_KEYMAP_C = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BSE] = LAYOUT_34key_w(HRM(BASE)),
    [NAV] = LAYOUT_34key_w(NAVI),
};
"""
BASE_KEYS = ["KC_Q", "KC_W", "KC_E", "KC_R", "KC_T", "KC_Y", "KC_U", "KC_I", "KC_O", "KC_P",
             "LCTL_T(KC_A)", "LALT_T(KC_S)", "LGUI_T(KC_D)", "LSFT_T(KC_F)", "KC_G",
             "KC_H", "RSFT_T(KC_J)", "RGUI_T(KC_K)", "RALT_T(KC_L)", "RCTL_T(KC_QUOT)",
             "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B", "KC_N", "KC_M", "KC_COMM", "KC_DOT", "KC_SLSH",
             "KC_TAB", "LT(nav, KC_SPC)", "KC_ENT", "KC_BSPC"]


def userspace(root: Path, name: str = "me") -> Path:
    """qmk_userspace/users/<name>/ with config.h and layout.h; returns the users/<name> folder."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    space = root / "users" / name
    space.mkdir(parents=True)
    (space / "config.h").write_text(CONFIG_H)
    (space / "layout.h").write_text(LAYOUT_H)
    return space


def keymap_c(root: Path, folder: str, text: str = ROWS_ONLY_KEYMAP_C) -> Path:
    keymap = root / folder / "keymap.c"
    keymap.parent.mkdir(parents=True)
    keymap.write_text(text)
    return keymap


def test_a_keymap_c_reads_macros_its_userspaces_config_h_brings_in(tmp_path: Path) -> None:
    userspace(tmp_path)
    keymap = keymap_c(tmp_path, "keyboards/cradio/keymaps/me")
    layout = read_keymap_c(keymap.read_text(), keymap, "cradio").layout
    assert layout.layout_macro == "LAYOUT_split_3x5_2"
    assert layout.layer_names == ["bse", "nav"]
    assert layout.layers[0].keys == BASE_KEYS
    assert layout.layers[1].keys[29] == "TG(nav)"
    # Alone, the same text is one unknown key a layer: what QMK without the userspace would see.
    assert len(read_keymap_c(keymap.read_text(), None, "cradio").layout.layers[0].keys) == 1


def test_rules_mk_user_name_and_a_repository_of_one_userspace_name_it(tmp_path: Path) -> None:
    # The keymap folder is not named as the userspace: rules.mk's USER_NAME says which it is.
    userspace(tmp_path / "a", "me")
    (tmp_path / "a" / "users" / "other").mkdir()
    keymap = keymap_c(tmp_path / "a", "keyboards/cradio/keymaps/travel")
    (keymap.parent / "rules.mk").write_text("USER_NAME := me\n")
    assert read_keymap_c(keymap.read_text(), keymap, "cradio").layout.layers[0].keys == BASE_KEYS
    # A user's own repository whose users/ holds one folder: its build copies it as users/<name>.
    userspace(tmp_path / "b", "me")
    keymap = keymap_c(tmp_path / "b", "src/keymaps/ferris")
    assert read_keymap_c(keymap.read_text(), keymap, "cradio").layout.layers[0].keys == BASE_KEYS
    # A qmk_firmware fork's users/ holds many: only users/<USER_NAME> is the keymap's.
    userspace(tmp_path / "c", "me")
    (tmp_path / "c" / "users" / "other").mkdir()
    keymap = keymap_c(tmp_path / "c", "keyboards/cradio/keymaps/travel")
    assert UserHeaders(keymap, ["travel"]).userspaces == []


def test_a_userspace_linked_in_by_the_repositorys_setup_is_found_by_its_header(tmp_path: Path) -> None:
    # `ln -s $(pwd)/user qmk_firmware/users/pket` in a Makefile: the keymap includes "pket.h".
    (tmp_path / ".git").mkdir()
    space = tmp_path / "user"
    space.mkdir()
    (space / "pket.h").write_text('#pragma once\n#include "layout.h"\n')
    (space / "layout.h").write_text(LAYOUT_H)
    keymap = keymap_c(tmp_path, "kyria", '#include QMK_KEYBOARD_H\n#include "pket.h"\n' + ROWS_ONLY_KEYMAP_C)
    layout = read_keymap_c(keymap.read_text(), keymap, "cradio").layout
    assert layout.layers[0].keys == BASE_KEYS
    # Two files of that name: which one the setup links is not known, so neither is taken.
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "pket.h").write_text("#pragma once\n")
    assert UserHeaders(keymap, ["kyria"], ["pket.h"]).userspaces == []


def test_a_header_finds_the_headers_beside_it_first(tmp_path: Path) -> None:
    # users/neo/layouts/fn60.h has `#include "layout_core.h"`: layouts/layout_core.h, as cpp finds it.
    space = userspace(tmp_path, "neo")
    (space / "config.h").write_text("#pragma once\n")
    (space / "layouts").mkdir()
    (space / "layouts" / "rows.h").write_text('#pragma once\n#include "layout_core.h"\n')
    (space / "layouts" / "layout_core.h").write_text(LAYOUT_H)
    (space / "layout_core.h").write_text("#pragma once\n#define BASE KC_NO\n")  # not the one beside rows.h
    keymap = keymap_c(tmp_path, "keyboards/cradio/keymaps/neo",
                      '#include QMK_KEYBOARD_H\n#include "layouts/rows.h"\n' + ROWS_ONLY_KEYMAP_C)
    assert read_keymap_c(keymap.read_text(), keymap, "cradio").layout.layers[0].keys == BASE_KEYS


def test_layers_numbered_as_json2c_writes_them_take_their_names_from_the_enum_the_keys_use(tmp_path: Path) -> None:
    # `[0] = …` designators (QMK's json2c writes them) with `LT(NAV, KC_SPC)` of a header's layer enum.
    userspace(tmp_path)
    keymap = keymap_c(tmp_path, "keyboards/cradio/keymaps/me",
                      ROWS_ONLY_KEYMAP_C.replace("[BSE]", "[0]").replace("[NAV]", "[1]"))
    layout = read_keymap_c(keymap.read_text(), keymap, "cradio").layout
    assert layout.layer_names == ["bse", "nav"] and layout.layers[0].keys[31] == "LT(nav, KC_SPC)"


def test_a_define_whose_parameter_is_no_name_is_refused_as_cpp_refuses_it() -> None:
    import pytest

    from keyconf.formats.format_error import FormatError

    text = "#define LT(0,KC_SLSH)\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = { [0] = LAYOUT(KC_A) };"
    with pytest.raises(FormatError, match="`0` is not a parameter name") as raised:
        read_keymap_c(text, None, "x")
    assert raised.value.line == 1
