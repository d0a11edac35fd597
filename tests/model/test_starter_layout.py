"""A new layout's base layer: QWERTY on the letters, modifiers on the bottom, valid everywhere."""

from __future__ import annotations

import pytest

from keyconf.catalogue.bundled import bundled_keyboards
from keyconf.model.starter_layout import starter_layout
from keyconf.model.validation import validate


@pytest.mark.parametrize("name", sorted(bundled_keyboards()))
def test_every_bundled_board_gets_a_valid_base_layer(name):
    keyboard = bundled_keyboards()[name]()
    for macro in keyboard.layouts:
        layout = starter_layout(keyboard, macro)
        assert len(layout.layers[0].keys) == keyboard.layout(macro).key_count
        errors = [p for p in validate(layout, keyboard) if p.is_error]
        assert not errors, errors


def test_planck_rows_read_as_qwerty():
    keyboard = bundled_keyboards()["planck/rev6"]()
    keys = starter_layout(keyboard, "LAYOUT_ortho_4x12").layers[0].keys
    assert keys[:12] == [
        "KC_TAB",
        "KC_Q",
        "KC_W",
        "KC_E",
        "KC_R",
        "KC_T",
        "KC_Y",
        "KC_U",
        "KC_I",
        "KC_O",
        "KC_P",
        "KC_BSPC",
    ]
    assert keys[13:22] == ["KC_A", "KC_S", "KC_D", "KC_F", "KC_G", "KC_H", "KC_J", "KC_K", "KC_L"]
    assert "KC_SPC" in keys[36:] and "KC_LCTL" in keys[36:]


def test_split_board_splits_the_letters_between_halves():
    keyboard = bundled_keyboards()["ferris/sweep"]()
    keys = starter_layout(keyboard).layers[0].keys
    assert keys.count("KC_Q") == 1 and keys.count("KC_P") == 1
    assert {"KC_SPC", "KC_ENT"} <= set(keys)
