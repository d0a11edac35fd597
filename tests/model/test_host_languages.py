"""Host languages: aliases of QMK's keymap_extras read and written, legends as the language types them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.keymap_json import generate_keymap_json
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.interchange import import_layout
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout
from keyconf.model.keycodes import REGISTRY, ParseContext
from keyconf.model.keycodes.languages import DATA_FILE, host_language, host_languages
from keyconf.model.layout import Layer, Layout, keycode_context
from keyconf.model.validation import validate

GERMAN = ParseContext(language="german")


def legend(text: str, ctx: ParseContext) -> str:
    return REGISTRY.legend(REGISTRY.parse(text, ctx), ctx).tap


def test_the_table_says_where_it_comes_from_and_every_alias_reads() -> None:
    data = json.loads(DATA_FILE.read_text("utf-8"))
    assert data["commit"] == "7098252252" and data["license"].startswith("GPL-2.0-or-later")
    assert "keycodes_" in data["source"] and data["generated_by"] == "tools/gen_languages.py"
    assert {"german", "french", "spanish", "norwegian", "uk", "japanese", "swiss_de"} <= set(host_languages())
    for name, language in host_languages().items():
        table = REGISTRY.language_table(name)
        assert table is not None and len(table.by_alias) >= len(language.aliases), name
        assert language.header == f"keymap_{name}.h"


@pytest.mark.parametrize(
    ("alias", "keycode", "types"),
    [("DE_Z", "KC_Y", "Z"), ("DE_EXLM", "KC_EXLM", "!"), ("DE_AT", "RALT(KC_Q)", "@"), ("NO_AE", "KC_QUOT", "Æ"),
     ("NO_OSTR", "KC_SCLN", "Ø"), ("FR_A", "KC_Q", "A"), ("JP_YEN", "KC_INT3", "¥"), ("UK_PND", "LSFT(KC_3)", "£"),
     ("ES_NTIL", "KC_SCLN", "Ñ")],
)  # fmt: skip
def test_aliases_read_as_the_keycode_they_stand_for(alias: str, keycode: str, types: str) -> None:
    language = REGISTRY.language_of_alias(alias)
    assert language is not None
    ctx = ParseContext(language=language)
    parsed = REGISTRY.parse(alias, ctx)
    assert parsed == REGISTRY.parse(keycode)
    assert REGISTRY.parse(alias) == parsed  # read without a language too: in the language that owns it
    assert REGISTRY.format(parsed, language) == alias  # and written back in the layout's language
    assert REGISTRY.legend(parsed, ctx).tap == types


def test_a_german_user_sees_what_the_keys_type() -> None:
    assert legend("KC_Y", GERMAN) == "Z" and legend("KC_Y", ParseContext()) == "Y"
    assert legend("KC_Z", GERMAN) == "Y"
    assert legend("LSFT(KC_1)", GERMAN) == "!"  # shifted keys too
    assert legend("KC_GRV", GERMAN) == "^"  # QMK's label is "^ (dead)"
    mod_tap = REGISTRY.legend(REGISTRY.parse("LCTL_T(KC_Y)", GERMAN), GERMAN)
    assert (mod_tap.tap, mod_tap.hold) == ("Z", "Ctrl")
    assert REGISTRY.format(REGISTRY.parse("LT(1, KC_Y)"), "german") == "LT(1, DE_Z)"
    assert REGISTRY.format(REGISTRY.parse("LSFT_T(KC_SLSH)"), "german") == "LSFT_T(DE_MINS)"


def test_shifted_altgr_aliases_encode_as_qmk_does() -> None:
    # keymap_italian.h: IT_LCBR is S(ALGR(IT_EGRV)), which C evaluates to right Shift + right Alt.
    ctx = ParseContext(language="italian")
    assert REGISTRY.encode(REGISTRY.parse("IT_LCBR", ctx), ctx) == (0x1600 | 0x2F)
    assert legend("IT_LCBR", ctx) == "{"


def test_the_layout_names_its_language() -> None:
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", [Layer("base", ["DE_Z", "KC_Y", "NO_AE"] + ["KC_A"] * 39)])
    layout.host_language = "german"
    keyboard = load_bundled("crkbd/rev1")
    text = dumps_layout(layout, keyboard)
    assert "\nhost_language: german\n" in text
    again = loads_layout(text).layout
    assert again.host_language == "german" and keycode_context(again).language == "german"
    assert [p for p in validate(again, keyboard) if p.is_error] == []
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text.replace("host_language: german", "host_language: germna"), "x.yaml")
    assert "unknown host language" in caught.value.message and "german" in (caught.value.hint or "")


def test_the_compiler_includes_the_languages_headers() -> None:
    keyboard = load_bundled("crkbd/rev1")
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", [Layer("base", ["NO_AE", "NO_OSTR"] + ["KC_A"] * 40)])
    layout.host_language = "norwegian"
    keymap_c = generate_sources(layout, keyboard, GenerateOptions()).keymap_c
    assert '#include "keymap_norwegian.h"' in keymap_c and '#include "sendstring_norwegian.h"' in keymap_c
    assert json.loads(generate_keymap_json(layout, keyboard))["host_language"] == "norwegian"


def test_importers_set_the_language_a_file_implies(tmp_path) -> None:
    keymap_c = tmp_path / "keymap.c"
    keys = ", ".join(["NO_AE", "NO_OSTR"] + ["KC_A"] * 40)
    keymap_c.write_text(
        '#include QMK_KEYBOARD_H\n#include "keymap_norwegian.h"\n\n'
        f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{\n  [0] = LAYOUT_split_3x6_3({keys})\n}};\n"
    )
    imported = import_layout(keymap_c, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.host_language == "norwegian"
    assert any("Norwegian" in w and "keymap_norwegian.h" in w for w in imported.warnings)
    assert imported.layout.layers[0].keys[:2] == ["NO_AE", "NO_OSTR"]

    export = tmp_path / "de.json"
    export.write_text(json.dumps({"keyboard": "crkbd/rev1", "keymap": "de", "layout": "LAYOUT_split_3x6_3",
                                  "layers": [["DE_Z", "DE_SS"] + ["KC_A"] * 40]}))  # fmt: skip
    imported = import_layout(export, keyboard=load_bundled("crkbd/rev1"))
    assert imported.layout.host_language == "german"
    export.write_text(json.dumps({"keyboard": "crkbd/rev1", "layout": "LAYOUT_split_3x6_3", "host_language": "french",
                                  "layers": [["KC_Q"] * 42]}))  # fmt: skip
    assert import_layout(export, keyboard=load_bundled("crkbd/rev1")).layout.host_language == "french"


def test_language_names_qmk_and_people_use() -> None:
    assert host_language("keymap_german.h") is host_language("german") is host_language("German")
    assert host_language("klingon") is None


def test_the_picker_offers_the_layouts_language() -> None:
    from keyconf.gui.picker_model import BASIC, PickerModel

    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", [Layer("base", ["KC_A"] * 42)])
    picker = PickerModel()
    us = {e.code: e.legend for e in picker.entries(BASIC, layout)}
    assert us["KC_Y"] == "Y" and "DE_Z" not in us
    layout.host_language = "german"
    german = {e.code: e for e in picker.entries(BASIC, layout)}
    assert german["DE_Z"].legend == "Z" and "KC_Y" in german["DE_Z"].aliases  # picking writes DE_Z
    assert german["DE_SS"].legend == "ß" and german["KC_ENT"].legend == "Enter"
    assert [e.code for e in picker.search("KC_Y", layout)][:1] == ["DE_Z"]


def test_import_writes_a_via_save_in_the_language_asked_for(tmp_path, capsys) -> None:
    from pathlib import Path

    from keyconf.cli.main import main

    save = Path(__file__).parents[1] / "formats" / "data" / "interchange" / "corne.layout.json"
    out = tmp_path / "corne.yaml"
    assert main(["import", str(save), "--keyboard", "crkbd/rev1", "--host-language", "german", "-o", str(out)]) == 0
    layout = loads_layout(out.read_text()).layout
    assert layout.host_language == "german"
    assert layout.layers[0].keys[6] == "DE_Z" and "KC_Y" not in layout.layers[0].keys
    assert main(["import", str(save), "--keyboard", "crkbd/rev1", "--host-language", "klingon", "-o", "-"]) != 0
    assert "unknown host language" in capsys.readouterr().err


def test_aliases_of_another_language_are_one_warning_per_language() -> None:
    keys = ["DE_Z", "DE_Y", "LCTL_T(DE_A)", "FR_A"] + ["KC_A"] * 38
    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", [Layer("base", keys)])
    keyboard = load_bundled("crkbd/rev1")
    found = [p for p in validate(layout, keyboard) if p.code == "host-language"]
    assert [p.is_error for p in found] == [False, False]
    assert "German" in found[0].message and "host_language: german" in (found[0].hint or "")
    layout.host_language = "german"
    found = [p for p in validate(layout, keyboard) if p.code == "host-language"]
    assert len(found) == 1 and "`FR_A` is a French name" in found[0].message and "German" in found[0].message


def test_the_picker_finds_keys_by_the_languages_names() -> None:
    from keyconf.gui.picker_model import PickerModel

    layout = Layout("crkbd/rev1", "LAYOUT_split_3x6_3", [Layer("base", ["KC_A"] * 42)], host_language="german")
    assert [e.code for e in PickerModel().search("DE_Z", layout)][:1] == ["DE_Z"]
    assert [e.legend for e in PickerModel().search("DE_ODIA", layout)][:1] == ["Ö"]


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME")
    or not (Path(os.environ.get("KEYCONF_TEST_QMK_HOME", "")) / "quantum" / "keymap_extras").is_dir(),
    reason="KEYCONF_TEST_QMK_HOME is not set to a qmk_firmware checkout (with quantum/keymap_extras)",
)
def test_aliases_are_the_keycodes_the_trees_headers_define() -> None:
    """Every alias keyconf reads is, as a value, what the tree's keymap_<language>.h #defines."""
    extras = Path(os.environ["KEYCONF_TEST_QMK_HOME"]) / "quantum" / "keymap_extras"
    checked = 0
    for name, language in host_languages().items():
        header = extras / f"keymap_{name}.h"
        if not header.exists():
            continue  # a language newer than this tree
        defines = _c_defines(header.read_text("utf-8"))
        ctx = ParseContext(language=name)
        for alias in language.aliases:
            if alias.name not in defines:
                continue
            c_value = REGISTRY.encode(REGISTRY.as_qmk_encodes(REGISTRY.parse(_expand(alias.name, defines))))
            assert REGISTRY.encode(REGISTRY.parse(alias.name, ctx), ctx) == c_value, (name, alias.name)
            checked += 1
    assert checked > 5000


def _c_defines(text: str) -> dict[str, str]:
    pattern = r"^#define\s+([A-Z][A-Z0-9_]*)\s+([^/\n]+?)\s*(?://.*)?$"
    return dict(re.findall(pattern, text, re.M))


def _expand(name: str, defines: dict[str, str]) -> str:
    """A header's alias in KC_ terms, as the C preprocessor would expand it."""
    return re.sub(r"\b[A-Z][A-Z0-9_]*\b",
                  lambda m: _expand(m.group(0), defines) if m.group(0) in defines else m.group(0),
                  defines[name])
