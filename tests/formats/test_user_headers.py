"""Keymaps whose keys are macros of the user's own headers, read where QMK's build finds them:
the keymap's folder, users/<USER_NAME>/, and the config.h files it force-includes."""

from __future__ import annotations

import json
from pathlib import Path

from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.qmk_keymap_json import read_keymap_json
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
    # QMK's own headers are QMK's, not a linked userspace, even where the repository holds a copy.
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "print.h").write_text("#pragma once\n")
    (tmp_path / "vendor" / "config.h").write_text("#define KC_Q KC_NO\n")
    keymap.write_text('#include QMK_KEYBOARD_H\n#include "print.h"\n#include "pket.h"\n' + ROWS_ONLY_KEYMAP_C)
    assert read_keymap_c(keymap.read_text(), keymap, "cradio").layout.layers[0].keys == BASE_KEYS
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


# -- keymap.json whose layers are macros of the userspace -------------------------------------------

def keymap_json(folder: Path, name: str = "cradio.json", layers: object = None, **fields: object) -> Path:
    data = {"keyboard": "cradio", "keymap": "me", "layout": "LAYOUT_34key_w",
            "layers": layers if layers is not None else [["HRM(BASE)"], ["NAVI"]], **fields}
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(json.dumps(data, indent=4))
    return file


def test_a_keymap_json_of_userspace_macros_reads_as_qmks_build_reads_it(tmp_path: Path) -> None:
    # qmk_userspace/users/me/keymaps/cradio.json, built with `qmk compile cradio.json` (keymap "me").
    space = userspace(tmp_path)
    imported = read_keymap_json(keymap_json(space / "keymaps").read_text(), space / "keymaps" / "cradio.json")
    layout = imported.layout
    assert layout.layout_macro == "LAYOUT_split_3x5_2" and layout.keyboard == "cradio"
    assert layout.layer_names == ["bse", "nav"]
    assert layout.layers[0].keys == BASE_KEYS and layout.layers[1].keys[29] == "TG(nav)"
    assert any("read as QMK's build reads them" in w and "config.h" in w for w in imported.warnings)


def test_a_userspace_repository_that_is_the_users_folder_itself_is_found(tmp_path: Path) -> None:
    import pytest

    from keyconf.formats.format_error import FormatError

    # filterpaper/qmk_userspace: the repository is users/filterpaper/ (its CI clones it there),
    # with me.c, config.h and layout.h at its top and the keymaps in keymaps/*.json.
    root = tmp_path / "qmk_userspace"
    (root / ".git").mkdir(parents=True)
    (root / "me.c").write_text("#include QMK_KEYBOARD_H\n")
    (root / "config.h").write_text(CONFIG_H)
    (root / "layout.h").write_text(LAYOUT_H)
    file = keymap_json(root / "keymaps")
    layout = read_keymap_json(file.read_text(), file).layout
    assert layout.layers[0].keys == BASE_KEYS
    # ratoru/qmk_keymap: no <keymap>.c, but keymaps/ sits in a folder of the user's C code (config.h, no
    # keyboard.json), whose config.h picks its header by the board QMK builds (KEYBOARD_cradio).
    other = tmp_path / "qmk_keymap"
    (other / ".git").mkdir(parents=True)
    (other / "config.h").write_text('#pragma once\n#ifdef KEYBOARD_cradio\n#    include "layout.h"\n#endif\n')
    (other / "layout.h").write_text(LAYOUT_H)
    file = keymap_json(other / "keymaps")
    assert read_keymap_json(file.read_text(), file).layout.layers[0].keys == BASE_KEYS
    file = keymap_json(other / "keymaps", "sweep.json", keyboard="ferris/sweep")
    with pytest.raises(FormatError, match="macros of the user's own C code"):
        read_keymap_json(file.read_text(), file)
    # A keymap folder's keymap.json with keys of its own beside the macros; the folder names the user.
    file = keymap_json(tmp_path / "fork" / "keyboards" / "cradio" / "keymaps" / "me", "keymap.json",
                       [BASE_KEYS[:31] + ["NAV_SPC", "KC_ENT", "KC_BSPC"], ["NAVI"]], keymap="default")
    (tmp_path / "fork" / ".git").mkdir()
    (tmp_path / "fork" / "users" / "me").mkdir(parents=True)
    (tmp_path / "fork" / "users" / "other").mkdir()
    (tmp_path / "fork" / "users" / "me" / "config.h").write_text(CONFIG_H)
    (tmp_path / "fork" / "users" / "me" / "layout.h").write_text(LAYOUT_H)
    layout = read_keymap_json(file.read_text(), file).layout
    assert layout.layers[0].keys[31] == "LT(nav, KC_SPC)" and layout.layers[1].keys[:2] == ["KC_1", "KC_2"]
    # Every key a keycode, only the layout a wrapper of the userspace: the board's macro it stands for.
    plain = [BASE_KEYS[:31] + ["LT(1, KC_SPC)", "KC_ENT", "KC_BSPC"], ["KC_TRNS"] * 34]
    file.write_text(json.dumps({"keyboard": "cradio", "keymap": "me", "layout": "LAYOUT_34key_w", "layers": plain}))
    layout = read_keymap_json(file.read_text(), file).layout
    assert layout.layout_macro == "LAYOUT_split_3x5_2" and layout.layers[0].keys[:2] == ["KC_Q", "KC_W"]


def test_userspace_macros_keyconf_cannot_expand_are_one_clear_error(tmp_path: Path) -> None:
    import pytest

    from keyconf.formats.format_error import FormatError

    # Read alone: one error naming the macros, and how to import it in place.
    text = keymap_json(tmp_path / "alone").read_text()
    with pytest.raises(FormatError) as raised:
        read_keymap_json(text, None)
    assert "HRM(BASE)" in raised.value.message and "macros of the user's own C code" in raised.value.message
    assert raised.value.hint and "where it lives in your userspace checkout" in raised.value.hint
    # In a userspace whose config.h brings in no such macros (a file left from another one's).
    space = userspace(tmp_path / "other")
    (space / "config.h").write_text("#pragma once\n#define TAPPING_TERM 180\n")
    file = keymap_json(space / "keymaps")
    with pytest.raises(FormatError) as raised:
        read_keymap_json(file.read_text(), file)
    assert "HRM(BASE)" in raised.value.message and str(space / "config.h") in raised.value.message
    assert "QMK's build cannot tell the keys either" in raised.value.message
    # A header cpp refuses (`#define LT(0,KC_SLSH)`, a slip of Eldestroyer74's layout.h) is named with why.
    space = userspace(tmp_path / "slip")
    (space / "layout.h").write_text("#define  LT(0,KC_SLSH)\n" + LAYOUT_H)
    file = keymap_json(space / "keymaps")
    with pytest.raises(FormatError) as raised:
        read_keymap_json(file.read_text(), file)
    assert "layout.h (line 1): #define LT(...): `0` is not a parameter name" in raised.value.message


def test_keys_read_through_the_userspace_are_what_gcc_makes_of_them(tmp_path: Path) -> None:
    """Cross-check with the real preprocessor: the keymap.c QMK's json2c generates, run through
    `gcc -E` with the userspace's config.h force-included and users/me on the include path."""
    import re
    import shutil
    import subprocess

    import pytest

    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed: the preprocessor cross-check cannot run")
    space = userspace(tmp_path)
    file = keymap_json(space / "keymaps")
    layout = read_keymap_json(file.read_text(), file).layout
    build = tmp_path / "build"
    build.mkdir()
    (build / "board.h").write_text("#define LAYOUT_split_3x5_2(...) { __VA_ARGS__ }\n")
    (build / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        "    [0] = LAYOUT_34key_w(HRM(BASE)),\n    [1] = LAYOUT_34key_w(NAVI),\n};\n")
    run = subprocess.run([gcc, "-E", "-P", '-DQMK_KEYBOARD_H="board.h"', "-include", str(space / "config.h"),
                          "-I", str(space), "-I", str(build), str(build / "keymap.c")],
                         capture_output=True, text=True, check=True)
    layers = re.findall(r"\[\d\] = \{(.*?)\}\s*,", run.stdout, re.S)
    assert len(layers) == 2

    def keys(c_text: str) -> list[str]:
        out, depth, current = [], 0, ""
        for ch in c_text:
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                out.append(current)
                current = ""
            else:
                current += ch
        return [k.replace(" ", "").replace("_______", "KC_TRNS").upper() for k in [*out, current]]

    for layer, c_text in zip(layout.layers, layers, strict=True):
        assert keys(", ".join(layer.keys)) == keys(c_text)


def test_a_userspace_keycode_on_a_key_names_the_header_that_declares_it(tmp_path: Path) -> None:
    # pixelbreaker's layout.h includes pixelbreaker.h, whose enum starts at QK_USER: TGL_BASE stays a
    # name, from that header, which keyconf's keymap.c includes (not QMK_KEYBOARD_H, which lacks it).
    space = userspace(tmp_path)
    (space / "me.h").write_text("#pragma once\nenum custom_keycodes { APPSWITCH = QK_USER, TGL_BASE };\n")
    (space / "layout.h").write_text('#include "me.h"\n' + LAYOUT_H.replace("TG(NAV)", "TGL_BASE"))
    imported = read_keymap_json(keymap_json(space / "keymaps").read_text(), space / "keymaps" / "cradio.json")
    layout = imported.layout
    assert layout.layers[1].keys[29] == "TGL_BASE"
    assert [(c.name, c.headers) for c in layout.custom_keycodes] == [("TGL_BASE", ["me.h"])]
    assert any("TGL_BASE come from me.h" in w for w in imported.warnings)


def test_a_keycode_counting_from_a_headers_range_keeps_its_value(tmp_path: Path) -> None:
    # saidout's Corne keymap: a header splits SAFE_RANGE into ranges for its keycode groups, and the
    # keymap's own keycode starts at the end of the last one, 70 past SAFE_RANGE. Numbered from
    # SAFE_RANGE (as old QMK's <keyboard>_SAFE_RANGE is), it took the first language key's value.
    (tmp_path / "custom_keycode_ranges.h").write_text(
        "#pragma once\n#include QMK_KEYBOARD_H\nenum custom_keycode_ranges {\n    CKR_LANGUAGE = SAFE_RANGE,\n"
        "    CKR_DEFAULT_LAYER = CKR_LANGUAGE + 50,\n    CKR_RLC = CKR_DEFAULT_LAYER + 10,\n"
        "    CKR_SAFE_RANGE = CKR_RLC + 10\n};\n")
    # The group header is read first and counts from a range the other header declares.
    (tmp_path / "language_keys.h").write_text(
        '#pragma once\n#include "custom_keycode_ranges.h"\nenum ll_keycodes { LL_FIRST_ = CKR_LANGUAGE, LL_SCLN };\n')
    text = ('#include QMK_KEYBOARD_H\n#include "language_keys.h"\n#include "custom_keycode_ranges.h"\n'
            "enum custom_keycodes { CK_OTG = CKR_SAFE_RANGE, CK_NEXT };\n"
            "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            "    [0] = LAYOUT(CK_OTG, CK_NEXT, LL_SCLN) };\n")
    (tmp_path / "keymap.c").write_text(text)
    result = read_keymap_c(text, str(tmp_path / "keymap.c"), "x")
    assert [(c.name, c.value) for c in result.layout.custom_keycodes if c.name.startswith("CK_")] == [
        ("CK_OTG", 0x7E40 + 70), ("CK_NEXT", None)]  # CK_NEXT counts on from CK_OTG
    assert not any("old QMK" in warning for warning in result.warnings)
