"""What the held-out corpus13 (bench/corpus/manifest13.tsv) showed keyconf refusing in real keymap.c and .vil files.

Each case is a small file written here in the shape of the real one (nothing of the users' files is
copied): imported as `keyconf import` imports it, written as YAML, read back and validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.cli.keyboard_lookup import load_definition_file
from keyconf.formats.interchange import import_layout, import_text
from keyconf.formats.vial_vil import layout_to_vil
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.keycodes import REGISTRY, ParseContext
from keyconf.model.validation import validate

_SIXTY = [  # the 61 keys of a 60% ANSI board, row by row
    "KC_ESC", *(f"KC_{n}" for n in "1234567890"), "KC_MINS", "KC_EQL", "KC_BSPC",
    "KC_TAB", *(f"KC_{c}" for c in "QWERTYUIOP"), "KC_LBRC", "KC_RBRC", "KC_BSLS",
    "MO(1)", *(f"KC_{c}" for c in "ASDFGHJKL"), "KC_SCLN", "KC_QUOT", "KC_ENT",
    "KC_LSFT", *(f"KC_{c}" for c in "ZXCVBNM"), "KC_COMM", "KC_DOT", "KC_SLSH", "RSFT_T(KC_UP)",
    "KC_LCTL", "KC_LGUI", "KC_LALT", "KC_SPC", "KC_RALT", "KC_LEFT", "KC_DOWN", "RCTL_T(KC_RGHT)",
]  # fmt: skip


def _pre_2017_keymap_c(keys: list[str]) -> str:
    # An Anne Pro 2 keymap of the first QMK port's era: its layers are KEYMAP(...), the board's 61 keys.
    return ("#include <stdint.h>\n#include \"annepro2.h\"\n\n"
            "enum anne_pro_layers { _BASE_LAYER, _FN1_LAYER };\n\n"
            "const uint16_t keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            f" [_BASE_LAYER] = KEYMAP( /* Base */\n    {', '.join(keys)}\n),\n"
            f" [_FN1_LAYER] = KEYMAP(\n    {', '.join(['_______'] * len(keys))}\n),\n}};\n")


@pytest.fixture(scope="module")
def finder() -> CatalogueKeyboards:
    return CatalogueKeyboards()


@pytest.fixture(scope="module")
def annepro2(finder: CatalogueKeyboards) -> CatalogueKeyboards:
    if sorted(finder.boards_under("annepro2")) != ["annepro2/c15", "annepro2/c18"]:
        pytest.skip("the catalogue here does not hold the Anne Pro 2's two boards")
    return finder


def test_a_pre_2017_keymap_for_a_folder_of_boards_is_read_with_the_first_that_takes_it(annepro2) -> None:
    finder = annepro2
    # `--keyboard annepro2`: a folder of two boards (c15, c18), both with LAYOUT_60_ansi of 61 keys, which
    # the file's KEYMAP(...) is called since 2017. It was "none with KEYMAP of 61 keys": unknown keyboard.
    imported = import_text(_pre_2017_keymap_c(_SIXTY), "keymap.c", finder=finder, format="keymap.c",
                           keyboard_name="annepro2")
    assert imported.keyboard is not None and imported.keyboard.name == "annepro2/c15"
    assert imported.layout.layout_macro == "LAYOUT_60_ansi"
    assert ("annepro2 is a folder of 2 keyboards, and its keymaps build for each: read with annepro2/c15, the first "
            "with KEYMAP of 61 keys (--keyboard chooses another)") in imported.warnings
    assert "KEYMAP, QMK's name before 2017, is read as LAYOUT_60_ansi" in imported.warnings
    written = loads_layout(dumps_layout(imported.layout, imported.keyboard), "annepro2.yaml")
    assert not [p for p in validate(written.layout, imported.keyboard) if p.is_error]
    assert written.layout.layers[0].keys[-1] == "RCTL_T(KC_RGHT)"


def test_a_pre_2017_keymap_keeps_the_board_named_and_a_folder_none_of_whose_boards_fits_is_said(annepro2) -> None:
    finder = annepro2
    # The board the user names (c18) is kept, not the folder's first that also takes KEYMAP.
    c18 = finder.by_name("annepro2/c18")
    imported = import_text(_pre_2017_keymap_c(_SIXTY), "keymap.c", keyboard=c18, finder=finder, format="keymap.c")
    assert imported.keyboard is c18 and imported.layout.layout_macro == "LAYOUT_60_ansi"
    # 60 keys: no board of the folder has a layout that size, so none is chosen and the user is asked.
    imported = import_text(_pre_2017_keymap_c(_SIXTY[:-1]), "keymap.c", finder=finder, format="keymap.c",
                           keyboard_name="annepro2")
    assert imported.keyboard is None
    said = "annepro2 is a folder of 2 keyboards, none with KEYMAP of 60 keys"
    assert any(w.startswith(said) for w in imported.warnings)


def test_a_wrapper_a_userspace_config_h_defines_is_named_as_one_when_the_file_is_read_alone(finder) -> None:
    # users/<name>/config.h includes rows.h, defining `EXPAND(layout, ...)` and the rows: QMK force-includes
    # that config.h, so the keymap.c includes only QMK_KEYBOARD_H. Alone it was "the file is for layout
    # EXPAND (19 keys), which crkbd/rev1 does not have": as if the user had named the wrong board.
    from keyconf.formats.interchange import KeyboardMismatch
    from keyconf.formats.keymap_c_statements import IN_PLACE_HINT

    rows = ("KC_TAB, __BASE_ROW1_LEFT__, __BASE_ROW1_RIGHT__, KC_BSPC,\n"
            "    KC_ESC, __BASE_ROW2_LEFT__, __BASE_ROW2_RIGHT__, KC_ENT,\n"
            "    MO(2), KC_SPC, MO(1), MO(2), KC_ENT, MO(1)")
    text = ("#include QMK_KEYBOARD_H\n\nenum layers { _BASE, _LOWER, _RAISE };\n\n"
            "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            f"[_BASE] = EXPAND(LAYOUT,\n    {rows}\n),\n}};\n")
    crkbd = finder.by_name("crkbd/rev1")
    with pytest.raises(KeyboardMismatch) as caught:
        import_text(text, "keymap.c", keyboard=crkbd, finder=finder, format="keymap.c")
    assert caught.value.message.startswith(
        "EXPAND(...) is not a layout of crkbd/rev1, and neither this file nor a header it includes defines it: "
        "most likely a wrapper macro from a userspace's config.h")
    assert caught.value.hint == IN_PLACE_HINT
    # A LAYOUT_* macro the board lacks is still the wrong board or layout, said as before.
    with pytest.raises(KeyboardMismatch, match="the file is for layout LAYOUT_ortho_4x12 .* which crkbd/rev1 does not"):
        import_text(text.replace("EXPAND(LAYOUT,", "LAYOUT_ortho_4x12("), "keymap.c", keyboard=crkbd, finder=finder,
                    format="keymap.c")


def test_an_old_vial_save_holds_the_boards_own_keycodes_by_their_short_names(tmp_path: Path) -> None:
    # A Vial firmware's vial.json whose customKeycodes draw a two-line keycap as `name` ("/\nE": an acute
    # over E) and give a word as `shortName`; vial-gui before protocol 6 saved each as its shortName. keyconf
    # looked the words up among the names only: "unknown keycode 'E_ACUTE'", with the definition passed.
    definition = {
        "name": "Accent Split",
        "matrix": {"rows": 1, "cols": 4},
        "customKeycodes": [
            {"name": "/\nE", "title": "E ACUTE", "shortName": "E_ACUTE"},
            {"name": "v\nT", "title": "T CARON", "shortName": "T_CARON"},
        ],
        "layouts": {"keymap": [["0,0", "0,1", "0,2", "0,3"]]},
    }
    folder = tmp_path / "keyboards" / "accent" / "keymaps" / "vial"
    folder.mkdir(parents=True)
    (folder / "vial.json").write_text(json.dumps(definition))
    board = load_definition_file(folder / "vial.json")
    save = {
        "version": 1, "uid": 0x0123456789ABCDEF, "vial_protocol": 4, "via_protocol": 9,
        "layout": [[["KC_A", "T_CARON", "E_ACUTE", "MO(1)"]], [["KC_TRNS", "E_ACUTE", "KC_TRNS", "KC_TRNS"]]],
        "encoder_layout": [], "layout_options": -1, "macro": [[] for _ in range(16)], "tap_dance": [],
        "combo": [], "key_override": [], "settings": {},
    }  # fmt: skip
    path = tmp_path / "accents.vil"
    path.write_text(json.dumps(save))
    imported = import_layout(path, keyboard=board)
    layout = loads_layout(dumps_layout(imported.layout, imported.keyboard), "accents.yaml").layout
    assert [p.message for p in validate(layout, imported.keyboard) if p.is_error] == []
    assert layout.layers[0].keys[:3] == ["KC_A", "T_CARON", "E_ACUTE"] and layout.layers[1].keys[1] == "E_ACUTE"
    assert not any("no QMK or Vial keycode" in w for w in imported.warnings)
    # Saved for Vial again, they are the board's QK_KB_1 and QK_KB_0.
    saved = json.loads(layout_to_vil(layout, board))
    kb = ParseContext()
    assert saved["layout"][0][0][1:3] == [REGISTRY.encode(REGISTRY.parse(f"QK_KB_{n}", kb), kb) for n in (1, 0)]


_HOOKS_ONLY = ("#include QMK_KEYBOARD_H\n%s\n#ifdef POINTING_DEVICE_AUTO_MOUSE_ENABLE\n"
               "void pointing_device_init_user(void) {\n    set_auto_mouse_enable(true);\n}\n#endif\n")
_SHARED_KEYMAPS = ("#pragma once\nenum layers { _BASE, _NAV };\n"
                   "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                   f"    [_BASE] = LAYOUT_split_3x6_3({', '.join(['KC_A'] * 39)}, MO(_NAV), KC_SPC, KC_ENT),\n"
                   f"    [_NAV] = LAYOUT_split_3x6_3({', '.join(['KC_TRNS'] * 42)}),\n}};\n")


def test_a_keymap_c_whose_layers_a_userspace_keeps_elsewhere_names_the_file_holding_them(tmp_path: Path) -> None:
    # A userspace keeps one keymaps[] for its boards and each board's keymap.c holds only its hooks: in a
    # header the keymap.c includes, or in users/<name>/<name>.c its rules.mk compiles. QMK builds them
    # together; keyconf said "no `keymaps[]` array found", as if the file were no keymap.
    from keyconf.formats.format_error import FormatError

    (tmp_path / ".git").mkdir()
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "me"
    folder.mkdir(parents=True)
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % '#include "shared_layers.h"\n#include "features/taps.h"')
    (folder / "shared_layers.h").write_text(_SHARED_KEYMAPS)
    # A feature's header the keymap includes includes it too (its #pragma once makes that a no-op in QMK's
    # build; read in place of the keymap's #include, the layout's copy of taps.h would define keymaps[] again).
    (folder / "features").mkdir()
    (folder / "features" / "taps.h").write_text('#pragma once\n#include "shared_layers.h"\n')
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, finder=CatalogueKeyboards())
    held = "keyboards/crkbd/keymaps/me/shared_layers.h"
    said = f"this keymap.c holds no `keymaps[]`: its layers are in {held}, which QMK builds with it"
    assert caught.value.message == said
    assert caught.value.hint is not None and f"import {held}" in caught.value.hint
    # What the hint says works: the header imports as the keymap it holds.
    crkbd = CatalogueKeyboards().by_name("crkbd/rev1")
    imported = import_layout(folder / "shared_layers.h", keyboard=crkbd)
    assert [layer.name for layer in imported.layout.layers] == ["base", "nav"]
    assert [p for p in validate(imported.layout, imported.keyboard) if p.is_error] == []

    # users/me/me.c, compiled on its own (`SRC += me.c`): another translation unit, named for the user.
    keymap.write_text(_HOOKS_ONLY % "")
    (folder / "shared_layers.h").unlink()
    space = tmp_path / "users" / "me"
    space.mkdir(parents=True)
    (space / "me.c").write_text(_SHARED_KEYMAPS.replace("#pragma once\n", '#include "me.h"\n'))
    (space / "me.h").write_text("#pragma once\n#include QMK_KEYBOARD_H\n")
    (space / "rules.mk").write_text("COMBO_ENABLE = yes\nSRC += me.c\n")
    with pytest.raises(FormatError, match=r"its layers are in users/me/me\.c, which QMK builds with it"):
        import_layout(keymap, finder=CatalogueKeyboards())
    # Neither: the keymap.c is read as before, and so is one given as text alone.
    (space / "rules.mk").write_text("COMBO_ENABLE = yes\n")
    for source in (keymap, None):
        with pytest.raises(FormatError) as caught:
            if source is None:
                import_text(keymap.read_text(), "keymap.c", format="keymap.c")
            else:
                import_layout(source, finder=CatalogueKeyboards())
        assert caught.value.message == "no `keymaps[]` array found"


def test_a_header_beside_the_keymap_that_only_it_includes_is_read_in_place_of_its_include(tmp_path: Path) -> None:
    # A generated header (gen_keymap.h) holds the enum and keymaps[]; the keymap.c includes it and holds the
    # hooks. The compiler reads the header's text where the #include is: so does the import, and the layout
    # holds it all, the #include gone (keyconf's keymap.c defines the keymaps[] itself).
    from keyconf.compiler.sources import generate_sources

    (tmp_path / ".git").mkdir()
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "me"
    folder.mkdir(parents=True)
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % '#include "gen_keymap.h"')
    (folder / "gen_keymap.h").write_text(_SHARED_KEYMAPS)
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    assert imported.keyboard is not None and imported.keyboard.name == "crkbd/rev1"
    assert [layer.name for layer in imported.layout.layers] == ["base", "nav"]
    assert imported.layout.layers[0].keys[39:] == ["MO(nav)", "KC_SPC", "KC_ENT"]
    assert imported.warnings[0].startswith("the keymaps[] is in gen_keymap.h, which the keymap.c includes")
    assert "gen_keymap.h" not in [c.path for c in imported.layout.c_files]
    written = loads_layout(dumps_layout(imported.layout, imported.keyboard), "me.yaml").layout
    assert [p for p in validate(written, imported.keyboard) if p.is_error] == []
    keymap_c = generate_sources(written, imported.keyboard).keymap_c
    assert keymap_c.count("keymaps[") == 1 and "gen_keymap.h" not in keymap_c
    assert "pointing_device_init_user" in keymap_c and "#pragma once" not in keymap_c

    # The userspace's C file the keymap.c includes (`#include "me.c"`, users/me/me.c): read so as well.
    (folder / "gen_keymap.h").unlink()
    keymap.write_text(_HOOKS_ONLY % '#include "me.c"')
    space = tmp_path / "users" / "me"
    space.mkdir(parents=True)
    (space / "me.c").write_text(_SHARED_KEYMAPS.replace("#pragma once\n", ""))
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    assert imported.warnings[0].startswith("the keymaps[] is in me.c, which the keymap.c includes")
    assert [layer.name for layer in imported.layout.layers] == ["base", "nav"]
    keymap_c = generate_sources(imported.layout, imported.keyboard).keymap_c
    assert keymap_c.count("keymaps[") == 1 and '#include "me.c"' not in keymap_c


def test_an_introspection_keymap_c_holding_the_keymaps_is_read_after_the_keymap(tmp_path: Path) -> None:
    # Miryoku's shape: each board's keymap.c holds no keymaps[]; the userspace's rules.mk names its C file as
    # INTROSPECTION_KEYMAP_C, which QMK includes after the keymap in one translation unit. keyconf said "no
    # `keymaps[]` array found"; it reads them as the compiler does and does not carry the file (its keymaps[]
    # would be defined twice).
    from keyconf.compiler.sources import generate_sources

    (tmp_path / ".git").mkdir()
    folder = tmp_path / "keyboards" / "crkbd" / "keymaps" / "me"
    folder.mkdir(parents=True)
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % "")
    space = tmp_path / "users" / "me"
    space.mkdir(parents=True)
    (space / "me.c").write_text(_SHARED_KEYMAPS.replace("#pragma once\n", '#include "me.h"\n'))
    (space / "me.h").write_text("#pragma once\n#include QMK_KEYBOARD_H\n#define MY_TAPPING 180\n")
    (space / "rules.mk").write_text("COMBO_ENABLE = yes\nINTROSPECTION_KEYMAP_C = me.c\n")
    imported = import_layout(keymap, finder=CatalogueKeyboards())
    assert imported.keyboard is not None and imported.keyboard.name == "crkbd/rev1"
    assert [layer.name for layer in imported.layout.layers] == ["base", "nav"]
    assert imported.layout.layers[0].keys[39:] == ["MO(nav)", "KC_SPC", "KC_ENT"]
    assert imported.warnings[0].startswith("the keymaps[] is in me.c, which rules.mk names as INTROSPECTION_KEYMAP_C")
    carried = [c.path for c in imported.layout.c_files]
    assert "me.c" not in carried and "me.h" in carried
    written = loads_layout(dumps_layout(imported.layout, imported.keyboard), "me.yaml").layout
    assert [p for p in validate(written, imported.keyboard) if p.is_error] == []
    keymap_c = generate_sources(imported.layout, imported.keyboard).keymap_c  # its C files' text at hand
    assert keymap_c.count("keymaps[") == 1 and '#include "me.c"' not in keymap_c and '#include "me.h"' in keymap_c
