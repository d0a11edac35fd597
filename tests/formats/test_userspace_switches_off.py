"""A userspace's own switch its rules.mk leaves off is off when its keymap is read where it lives.

QMK defines `-DGAMING_ENABLE` only when the userspace's rules.mk passes it (`GAMING_ENABLE ?= no`, then
`ifeq ($(strip $(GAMING_ENABLE)), yes) OPT_DEFS += -DGAMING_ENABLE`), so its headers' `#ifdef GAMING_ENABLE`
branches are out of a board's build unless that board's keymap sets it. keyconf reads *_ENABLE names as on
(QMK's features, which a layout keeps the code of); for one such switch that took a header's `#define GAMING
TG(_GAMING)` while its layer enum left _GAMING out: 'unknown layer _GAMING' (corpus15: a Kyria keymap of a
QMK Userspace repository, users/<name>/ holding its wrappers, keycodes and rules.mk). Files written here in
the shape of that repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.interchange import import_layout
from keyconf.formats.keymap_folder_c import rules_switched_off
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.validation import validate

_HEADER = """\
#pragma once
#include QMK_KEYBOARD_H
#include "keyrecords/keycodes.h"

enum userspace_layers {
    _QWERTY = 0,
#ifdef GAMING_ENABLE
    _GAMING,
#endif
    _FUNC,
};
"""
_KEYCODES = """\
#pragma once
#define FUNC_SPACE LT(_FUNC, KC_SPACE)
#ifdef GAMING_ENABLE
#    define GAMING TG(_GAMING)
#else
#    define GAMING XXXXXXX
#endif
"""
_USER_RULES = """\
UNICODEMAP_ENABLE = yes
GAMING_ENABLE ?= no
ifeq ($(strip $(GAMING_ENABLE)), yes)
    OPT_DEFS += -DGAMING_ENABLE
endif
"""


def _layer(last: str) -> str:
    keys = ["KC_Q"] * 36 + ["KC_LGUI", "FUNC_SPACE", "KC_ENT", "KC_SPC", "KC_BSPC", last]
    return f"LAYOUT_split_3x6_3({', '.join(keys)})"


def _keymap(gaming_layer: bool) -> str:
    extra = f"#ifdef GAMING_ENABLE\n    [_GAMING] = {_layer('_______')},\n#endif\n" if gaming_layer else ""
    return ("#include QMK_KEYBOARD_H\n#include \"mine.h\"\n\n"
            "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            f"    [_QWERTY] = {_layer('KC_ESC')},\n{extra}"
            f"    [_FUNC] = {_layer('GAMING')},\n}};\n")


def _repository(tmp_path: Path, keymap_rules: str, gaming_layer: bool) -> Path:
    root = tmp_path / "qmk_userspace"
    (root / ".git").mkdir(parents=True)
    (root / "qmk.json").write_text('{"userspace_version": "1.0", "build_targets": [["crkbd/rev1", "mine"]]}\n')
    files = {"users/mine/mine.h": _HEADER, "users/mine/keyrecords/keycodes.h": _KEYCODES,
             "users/mine/rules.mk": _USER_RULES, "keyboards/crkbd/keymaps/mine/keymap.c": _keymap(gaming_layer),
             "keyboards/crkbd/keymaps/mine/rules.mk": keymap_rules}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "keyboards/crkbd/keymaps/mine/keymap.c"


@pytest.fixture(scope="module")
def finder() -> CatalogueKeyboards:
    return CatalogueKeyboards()


def _imported_and_checked(keymap: Path, finder: CatalogueKeyboards) -> tuple[list[str], list[str]]:
    board = finder.by_name("crkbd/rev1")
    if board is None:
        pytest.skip("the catalogue here does not hold crkbd/rev1")
    imported = import_layout(keymap, keyboard=board, finder=finder, format="keymap.c")
    loaded = loads_layout(dumps_layout(imported.layout, board), str(keymap))
    errors = [p.message for p in validate(loaded.layout, board) if p.is_error]
    return [layer.keys[-1] for layer in imported.layout.layers], errors


def test_a_switch_the_userspace_rules_mk_leaves_off_is_off_for_its_keymap(tmp_path: Path, finder) -> None:
    keymap = _repository(tmp_path, "OLED_ENABLE = yes\n", gaming_layer=False)
    assert rules_switched_off(keymap, keymap.read_text()) == {"GAMING_ENABLE"}
    last_keys, errors = _imported_and_checked(keymap, finder)
    # GAMING is XXXXXXX, as the build has it: was TG(_GAMING), a layer the build (and the file) lacks.
    assert last_keys == ["KC_ESC", "XXXXXXX"] and errors == []


def test_the_keymaps_rules_mk_switching_it_on_keeps_it_on(tmp_path: Path, finder) -> None:
    keymap = _repository(tmp_path, "GAMING_ENABLE = yes\n", gaming_layer=True)
    assert rules_switched_off(keymap, keymap.read_text()) == frozenset()
    last_keys, errors = _imported_and_checked(keymap, finder)
    assert last_keys == ["KC_ESC", "_______", "TG(gaming)"] and errors == []


@pytest.mark.parametrize(("code", "kept"), [
    # #ifndef of a switched-off X is in the build: its #elif and #else branches are not.
    ("#ifndef X\n_A,\n#elif defined(Y)\n_B,\n#else\n_C,\n#endif\n", ["_A"]),
    ("#ifndef X\n_A,\n#else\n_C,\n#endif\n", ["_A"]),
    # #ifdef of it is out: the #else is in; an #elif's own condition is not decided here, nor an #else after it.
    ("#ifdef X\n_A,\n#else\n_C,\n#endif\n", ["_C"]),
    ("#ifdef X\n_A,\n#elif defined(Y)\n_B,\n#else\n_C,\n#endif\n", ["_B", "_C"]),
    # Conditions on other names are kept whole.
    ("#ifdef Y\n_A,\n#else\n_C,\n#endif\n", ["_A", "_C"]),
])
def test_a_switched_off_names_branches_are_taken_as_the_build_takes_them(code: str, kept: list[str]) -> None:
    from keyconf.formats.c_source import tokenize
    from keyconf.formats.user_headers import without_switched_off

    tokens = without_switched_off(tokenize(code), frozenset({"X"}))
    assert [t.text for t in tokens if t.kind == "ident"] == kept
