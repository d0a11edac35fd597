"""The names QMK removed from keymap_extras in 2021 (SE_AA, DE_UE …), which older keymaps and ZSA's
Oryx source downloads still use: read as today's alias, and rewritten to it."""

from __future__ import annotations

import json

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.foreign_keycodes import respell_in_language
from keyconf.formats.interchange import import_text
from keyconf.model.keycodes import REGISTRY, ParseContext
from keyconf.model.keycodes.languages import FORMER_FILE, alias_owners, former_alias_names


def test_the_data_says_where_it_comes_from() -> None:
    data = json.loads(FORMER_FILE.read_text("utf-8"))
    assert data["commit"].startswith("50d4dfd2e6") and "GPL" in data["license"]
    assert data["generated_by"] == "tools/gen_former_language_aliases.py"
    assert data["languages"]["swedish"]["SE_AA"] == "SE_ARNG"


def test_an_old_name_reads_as_todays_alias_and_is_old() -> None:
    swedish = ParseContext(language="swedish")
    for old, new in (("SE_AA", "SE_ARNG"), ("SE_OSLH", "SE_ODIA"), ("SE_APOS", "SE_QUOT")):
        parsed = REGISTRY.parse_full(old, swedish)
        assert parsed.keycode == REGISTRY.parse(new, swedish) and parsed.deprecated
        assert REGISTRY.format(parsed.keycode, "swedish") == new
        assert REGISTRY.parse(f"LT(1, {old})") == REGISTRY.parse(f"LT(1, {new})")  # without a language too
    assert not REGISTRY.parse_full("SE_ARNG", swedish).deprecated
    assert alias_owners()["SE_AA"] == "swedish" and "SE_ARNG" not in former_alias_names()


def test_a_keymap_in_old_swedish_names_imports_in_todays_with_its_language() -> None:
    keys = ", ".join(["KC_A"] * 39 + ["SE_AA", "SE_OSLH", "SE_APOS"])
    text = ("#include QMK_KEYBOARD_H\n#include \"keymap_swedish.h\"\nconst uint16_t PROGMEM "
            f"keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{ [0] = LAYOUT_split_3x6_3({keys}) }};\n")
    imported = import_text(text, "keymap.c", keyboard=load_bundled("crkbd/rev1"), format="keymap.c")
    assert imported.layout.host_language == "swedish"
    respell_in_language(imported.layout)  # as `keyconf import` and the window write it
    assert imported.layout.layers[0].keys[-3:] == ["SE_ARNG", "SE_ODIA", "SE_QUOT"]


def test_names_of_renamed_headers_and_plain_keys_read_too() -> None:
    # keymap_fr_ch.h became keymap_swiss_fr.h before its FR_CH_ names were removed; UK_ESC was KC_ESC.
    swiss = ParseContext(language="swiss_fr")
    assert REGISTRY.parse("FR_CH_A", swiss) == REGISTRY.parse("CH_A", swiss)
    assert alias_owners()["FR_CH_A"] == "swiss_fr"
    uk = ParseContext(language="uk")
    assert REGISTRY.parse_full("UK_ESC", uk).keycode == REGISTRY.parse("KC_ESC") and "UK_ESC" in former_alias_names()
