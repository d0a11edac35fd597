"""QMK community modules (2025 on) in layouts and imports: `modules:` kept, checked and written; a
module's keycodes (its qmk_module.json, beside the file or in the QMK tree) known with QMK's values;
a module keyconf cannot find keeps the keys as written, with one warning naming where it looked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.compiler.keymap_json import generate_keymap_json
from keyconf.compiler.sources import generate_sources
from keyconf.formats.interchange import import_layout
from keyconf.formats.qmk_modules import attach_modules, module_roots_near
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, load_layout, loads_layout
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import keycode_context
from keyconf.model.validation import validate
from tests.compiler import layouts

SUPER_ALT_TAB = {"module_name": "Super Alt Tab", "maintainer": "someone", "license": "GPL-2.0-or-later",
                 "keycodes": [{"key": "COMMUNITY_MODULE_SUPER_ALT_TAB", "aliases": ["CM_S_AT"]}]}
SENTENCE_CASE = {"module_name": "Sentence Case", "maintainer": "someone", "license": "Apache-2.0",
                 "features": {"deferred_exec": True},
                 "keycodes": [{"key": "COMMUNITY_MODULE_SENTENCE_CASE_ON", "aliases": ["SENTCASE_ON"]},
                              {"key": "COMMUNITY_MODULE_SENTENCE_CASE_OFF", "aliases": ["SENTCASE_OFF"]},
                              {"key": "COMMUNITY_MODULE_SENTENCE_CASE_TOGGLE", "aliases": ["SENTCASE"]}]}


def write_module(root: Path, path: str, definition: dict[str, object]) -> Path:
    folder = root / "modules" / path
    folder.mkdir(parents=True)
    (folder / "qmk_module.json").write_text(json.dumps(definition), encoding="utf-8")
    (folder / "module.c").write_text("// the module's code\n", encoding="utf-8")
    return folder


def six(*keys: str) -> list[str]:
    return [*keys, *["KC_A"] * (6 - len(keys))]


def test_modules_are_read_written_back_and_checked() -> None:
    text = ("keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\nmodules: [qmk/super_alt_tab, getreuer/sentence_case]\n"
            "layers:\n  base: [KC_A, KC_B, KC_C, KC_D, KC_E, KC_F]\n")
    layout = loads_layout(text).layout
    assert layout.modules == ["qmk/super_alt_tab", "getreuer/sentence_case"]
    written = dumps_layout(layout)
    assert "modules: [qmk/super_alt_tab, getreuer/sentence_case]" in written
    assert loads_layout(written).layout == layout


@pytest.mark.parametrize("name", ["../etc", "qmk/../x", "super_alt_tab", "/abs/path", "qmk/a b", "qmk//x", ".git/x"])
def test_a_module_path_that_could_leave_modules_is_refused(name: str) -> None:
    text = (f"keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\nmodules: ['{name}']\n"
            "layers:\n  base: [KC_A, KC_B, KC_C, KC_D, KC_E, KC_F]\n")
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text)
    assert "is not a community module path" in caught.value.message
    assert caught.value.line == 3


def test_too_many_modules_are_refused() -> None:
    names = ", ".join(f"me/m{index}" for index in range(40))
    text = f"keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\nmodules: [{names}]\nlayers:\n  base: [KC_A]\n"
    with pytest.raises(LayoutFileError, match="40 community modules; a layout names at most 32"):
        loads_layout(text)


def test_module_keycodes_count_from_qk_community_module_in_the_order_of_modules(tmp_path: Path) -> None:
    write_module(tmp_path, "qmk/super_alt_tab", SUPER_ALT_TAB)
    write_module(tmp_path, "getreuer/sentence_case", SENTENCE_CASE)
    layout = layouts.layout(modules=["getreuer/sentence_case", "qmk/super_alt_tab"])
    assert attach_modules(layout, [tmp_path]) == []
    ctx = keycode_context(layout)
    values = {name: REGISTRY.encode(REGISTRY.parse(name, ctx), ctx)
              for name in ("SENTCASE_ON", "COMMUNITY_MODULE_SENTENCE_CASE_OFF", "SENTCASE", "CM_S_AT",
                           "COMMUNITY_MODULE_SUPER_ALT_TAB")}
    assert values == {"SENTCASE_ON": 0x77C0, "COMMUNITY_MODULE_SENTENCE_CASE_OFF": 0x77C1, "SENTCASE": 0x77C2,
                      "CM_S_AT": 0x77C3, "COMMUNITY_MODULE_SUPER_ALT_TAB": 0x77C3}
    assert ctx.custom("CM_S_AT").legend == "Super Alt Tab"  # type: ignore[union-attr]
    assert ctx.custom("SENTCASE").legend == "Sentence Case Toggle"  # type: ignore[union-attr]
    layout.layers[0].keys = six("CM_S_AT", "SENTCASE")
    assert [p for p in validate(layout, layouts.board()) if p.is_error] == []


def test_a_module_not_found_keeps_its_keys_and_says_where_keyconf_looked(tmp_path: Path) -> None:
    layout = layouts.layout(modules=["qmk/super_alt_tab"])
    layout.layers[0].keys = six("CM_S_AT")
    warnings = attach_modules(layout, [tmp_path])
    assert len(warnings) == 1
    assert "community module qmk/super_alt_tab: no qmk_module.json found" in warnings[0]
    assert str(tmp_path / "modules") in warnings[0]
    errors = [p for p in validate(layout, layouts.board()) if p.is_error]
    assert [p.message for p in errors] == ["`CM_S_AT`: unknown keycode 'CM_S_AT'"]
    assert "community module qmk/super_alt_tab?" in (errors[0].hint or "")
    assert layout.layers[0].keys[0] == "CM_S_AT"


def test_a_broken_qmk_module_json_is_one_warning(tmp_path: Path) -> None:
    write_module(tmp_path, "me/broken", {"module_name": "x", "keycodes": [{"key": "not a name"}]})
    layout = layouts.layout(modules=["me/broken"])
    warnings = attach_modules(layout, [tmp_path])
    assert len(warnings) == 1 and "community module me/broken:" in warnings[0]
    assert layout.module_definitions == {}


def test_the_repository_around_the_file_is_looked_in_first(tmp_path: Path) -> None:
    write_module(tmp_path / "repo", "qmk/super_alt_tab", {**SUPER_ALT_TAB, "module_name": "Mine"})
    tree = tmp_path / "tree"
    write_module(tree, "qmk/super_alt_tab", SUPER_ALT_TAB)
    folder = tmp_path / "repo" / "keyboards" / "crkbd" / "keymaps" / "me"
    folder.mkdir(parents=True)
    layout = layouts.layout(modules=["qmk/super_alt_tab"])
    assert attach_modules(layout, [*module_roots_near(folder / "keymap.json"), tree]) == []
    assert layout.module_definitions["qmk/super_alt_tab"].name == "Mine"


KEYMAP_JSON = {"keyboard": "testco/ortho", "keymap": "mine", "layout": "LAYOUT_ortho_2x3",
               "modules": ["qmk/super_alt_tab"], "layers": [six("CM_S_AT", "COMMUNITY_MODULE_SUPER_ALT_TAB")]}


def test_a_keymap_json_with_modules_imports_validates_and_exports(tmp_path: Path) -> None:
    write_module(tmp_path, "qmk/super_alt_tab", SUPER_ALT_TAB)
    path = tmp_path / "keymap.json"
    path.write_text(json.dumps(KEYMAP_JSON), encoding="utf-8")
    imported = import_layout(path, keyboard=layouts.board())
    assert imported.warnings == []
    layout = imported.layout
    assert layout.modules == ["qmk/super_alt_tab"]
    assert layout.layers[0].keys[:2] == ["CM_S_AT", "COMMUNITY_MODULE_SUPER_ALT_TAB"]
    assert layout.custom_keycodes == []
    assert [p for p in validate(layout, layouts.board()) if p.is_error] == []
    exported = json.loads(generate_keymap_json(layout, layouts.board()))
    assert exported["modules"] == ["qmk/super_alt_tab"]
    assert exported["layers"][0][:2] == ["CM_S_AT", "COMMUNITY_MODULE_SUPER_ALT_TAB"]
    # and the YAML written from it reads its modules again from the file's repository
    saved = tmp_path / "mine.yaml"
    saved.write_text(dumps_layout(layout), encoding="utf-8")
    again = import_layout(saved, keyboard=layouts.board())
    assert again.warnings == [] and "qmk/super_alt_tab" in again.layout.module_definitions
    assert load_layout(saved).layout.modules == ["qmk/super_alt_tab"]


def test_a_keymap_json_whose_module_is_missing_warns_once(tmp_path: Path) -> None:
    path = tmp_path / "keymap.json"
    path.write_text(json.dumps(KEYMAP_JSON), encoding="utf-8")
    imported = import_layout(path, keyboard=layouts.board())
    assert len(imported.warnings) == 1, imported.warnings
    assert imported.warnings[0].startswith("community module qmk/super_alt_tab: no qmk_module.json found")
    assert imported.layout.layers[0].keys[:2] == ["CM_S_AT", "COMMUNITY_MODULE_SUPER_ALT_TAB"]
    assert imported.layout.modules == ["qmk/super_alt_tab"]


def test_a_keymap_json_with_a_bad_module_path_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keymap.json"
    path.write_text(json.dumps({**KEYMAP_JSON, "modules": ["../../etc"]}), encoding="utf-8")
    with pytest.raises(Exception, match="is not a community module path"):
        import_layout(path, keyboard=layouts.board())


def test_a_keymap_c_takes_the_modules_of_the_keymap_json_beside_it(tmp_path: Path) -> None:
    write_module(tmp_path, "qmk/super_alt_tab", SUPER_ALT_TAB)
    folder = tmp_path / "keyboards" / "testco" / "ortho" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    (folder / "keymap.json").write_text('{"modules": ["qmk/super_alt_tab"]}\n', encoding="utf-8")
    (folder / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\n\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        "    [0] = LAYOUT_ortho_2x3(CM_S_AT, KC_B, KC_C, KC_D, KC_E, COMMUNITY_MODULE_SUPER_ALT_TAB)\n};\n",
        encoding="utf-8")
    imported = import_layout(folder / "keymap.c", keyboard=layouts.board())
    layout = imported.layout
    assert layout.modules == ["qmk/super_alt_tab"]
    assert layout.custom_keycodes == []  # the module's names, not the keyboard header's
    assert not [w for w in imported.warnings if "CM_S_AT" in w], imported.warnings
    assert [p for p in validate(layout, layouts.board()) if p.is_error] == []
    files = generate_sources(layout, layouts.board()).files()
    assert json.loads(files["keymap.json"]) == {"modules": ["qmk/super_alt_tab"]}
    assert "CM_S_AT" in files["keymap.c"]


def test_a_keymap_json_holding_only_modules_points_at_its_keymap_c(tmp_path: Path) -> None:
    path = tmp_path / "keymap.json"
    path.write_text('{"modules": ["qmk/super_alt_tab"]}', encoding="utf-8")
    with pytest.raises(Exception) as caught:
        import_layout(path, keyboard=layouts.board())
    assert "keyconf takes the modules from here" in str(getattr(caught.value, "hint", ""))


def test_names_of_a_module_not_found_get_only_its_warning(tmp_path: Path) -> None:
    """getreuer's modules name their keycodes freely (SELWORD): with the module's submodule not
    checked out, the file's unknown names are its, said once by the module's warning."""
    data = {**KEYMAP_JSON, "modules": ["getreuer/select_word"], "layers": [six("SELWORD", "SELWBAK")]}
    (tmp_path / "keymap.json").write_text(json.dumps(data), encoding="utf-8")
    imported = import_layout(tmp_path / "keymap.json", keyboard=layouts.board())
    assert [w.split(":")[0] for w in imported.warnings] == ["community module getreuer/select_word"]
    folder = tmp_path / "keyboards" / "testco" / "ortho" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    (folder / "keymap.json").write_text('{"modules": ["getreuer/select_word"]}\n', encoding="utf-8")
    (folder / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\n\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        "    [0] = LAYOUT_ortho_2x3(SELWORD, KC_B, KC_C, KC_D, KC_E, SELWBAK)\n};\n", encoding="utf-8")
    imported = import_layout(folder / "keymap.c", keyboard=layouts.board())
    assert [w.split(":")[0] for w in imported.warnings] == [
        "the keymap builds without VIA (the keymap's folder has no rules.mk to switch VIA_ENABLE on)",
        "community module getreuer/select_word"]
    assert imported.layout.layers[0].keys[0] == "SELWORD"


def test_a_qmk_module_json_in_hjson_is_read_as_qmk_reads_it(tmp_path: Path) -> None:
    """QMK loads qmk_module.json as HJSON: comments and trailing commas are fine there."""
    folder = tmp_path / "modules" / "me" / "commented"
    folder.mkdir(parents=True)
    (folder / "qmk_module.json").write_text(
        '{\n  // a user\'s module\n  "module_name": "Commented",\n  "maintainer": "me",\n'
        '  "keycodes": [\n    {"key": "COMMENTED_KEY", "aliases": ["CM_KEY"]},\n  ],\n}\n')
    layout = layouts.layout(modules=["me/commented"])
    assert attach_modules(layout, [tmp_path]) == []
    assert [k.key for k in layout.module_definitions["me/commented"].keycodes] == ["COMMENTED_KEY"]
    (folder / "qmk_module.json").write_text('{"module_name": "Commented", "keycodes": [{"key": ')
    broken = layouts.layout(modules=["me/commented"])
    warnings = attach_modules(broken, [tmp_path])
    assert len(warnings) == 1 and "qmk_module.json" in warnings[0] and broken.module_definitions == {}
