"""`c_files:` in layout files: the keymap's more C files, next to the layout; read, written back,
refused when they would leave the layout's folder or put make code into rules.mk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, load_layout, loads_layout
from keyconf.model.layout import MAX_C_FILES, CFile

LAYOUT = """\
keyboard: testco/ortho
layout: LAYOUT_ortho_2x3
layers:
  base:
    - [LLOCK, KC_A, KC_B, KC_C, KC_D, KC_E]
custom_keycodes:
  - name: LLOCK
    header: my_keycodes.h
c_source: mine.c
c_files:
  compile: [features/layer_lock.c]
  include: [my_keycodes.h, features/layer_lock.h, tapdances.c]
"""

FILES = {
    "mine.c": '#include "features/layer_lock.h"\n',
    "features/layer_lock.c": '#include "layer_lock.h"\nbool is_layer_locked(uint8_t layer) { return false; }\n',
    "features/layer_lock.h": "#pragma once\nbool is_layer_locked(uint8_t layer);\n",
    "my_keycodes.h": "#pragma once\nenum my_keycodes { LLOCK = SAFE_RANGE };\n",
    "tapdances.c": "// tap dances, #included by keymap.c\n",
}


def write(folder: Path, text: str = LAYOUT, files: dict[str, str] | None = None) -> Path:
    for name, content in (FILES if files is None else files).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    path = folder / "layout.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_c_files_load_with_their_text(tmp_path: Path) -> None:
    loaded = load_layout(write(tmp_path))
    files = loaded.layout.c_files
    assert [(f.path, f.compile) for f in files] == [
        ("features/layer_lock.c", True), ("my_keycodes.h", False), ("features/layer_lock.h", False),
        ("tapdances.c", False)]
    assert [f.text for f in files] == [FILES[f.path] for f in files]
    assert loaded.positions[("c_files", 0)] == (11, 13) and loaded.positions[("c_files", 3)] == (12, 51)


def test_a_written_layout_reads_back_the_same_and_saves_byte_for_byte(tmp_path: Path) -> None:
    loaded = load_layout(write(tmp_path))
    text = dumps_layout(loaded.layout)
    assert "  compile: [features/layer_lock.c]  # rules.mk SRC\n" in text
    again = loads_layout(text).layout
    assert again.c_files == loaded.layout.c_files
    assert loads_layout(dumps_layout(again)).layout.c_files == again.c_files
    path = tmp_path / "fresh.yaml"
    path.write_text(text, encoding="utf-8")
    from keyconf.formats.yaml_layout import render_layout

    assert render_layout(load_layout(path).layout, load_layout(path)) == text


def test_many_files_are_written_one_a_line(tmp_path: Path) -> None:
    names = [f"features/feature_number_{i}.h" for i in range(8)]
    layout = loads_layout(LAYOUT).layout
    layout.c_files = [CFile(name) for name in names]
    text = dumps_layout(layout)
    assert "  include:  # #included\n    - features/feature_number_0.h\n" in text
    assert [f.path for f in loads_layout(text).layout.c_files] == names


def test_a_missing_file_still_opens_and_the_build_says_so(tmp_path: Path) -> None:
    files = dict(FILES)
    del files["tapdances.c"]
    layout = load_layout(write(tmp_path, files=files)).layout
    assert layout.c_files[3].path == "tapdances.c" and layout.c_files[3].text is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("[a.c]", "`c_files` lists files to compile and files to include"),
        ("{compile: [../x.c]}", "must stay inside the layout's folder"),
        ("{compile: [/etc/x.c]}", "must be a path relative to the layout's folder"),
        ("{compile: ['$(shell touch x).c']}", "holds characters a build cannot take"),
        ("{compile: ['a;b.c']}", "holds characters a build cannot take"),
        ("{include: [notes.txt]}", "is not a C file"),
        ("{compile: [keymap.c]}", "is a file keyconf writes for each build"),
        ("{include: [Config.h]}", "is a file keyconf writes for each build"),
        ("{compile: [a.c], include: [a.c]}", "`a.c` is named twice in `c_files`"),
        ("{compile: [a.c], include: [A.c]}", "`A.c` and `a.c` are one file on Windows and macOS"),
        ("{include: [mine.c]}", "`mine.c` is the layout's `c_source`"),
        ("{compile: [a.c], headers: [a.h]}", "unknown field `headers` in `c_files`"),
        ("{compile: [[a.c]]}", "must be a single value"),
    ],
)
def test_bad_entries_name_the_place_and_the_fix(tmp_path: Path, entry: str, message: str) -> None:
    text = LAYOUT.split("c_files:")[0] + f"c_files: {entry}\n"
    with pytest.raises(LayoutFileError) as caught:
        load_layout(write(tmp_path, text))
    assert message in caught.value.message
    assert caught.value.line == 10 and caught.value.column is not None


def test_the_count_is_bounded(tmp_path: Path) -> None:
    names = ", ".join(f"f{i}.h" for i in range(MAX_C_FILES + 1))
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(LAYOUT.split("c_files:")[0] + f"c_files: {{include: [{names}]}}\n")
    assert f"more than {MAX_C_FILES} files" in caught.value.message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.h"
    outside.write_text("#define SECRET 1\n")
    folder = tmp_path / "layout"
    folder.mkdir()
    path = write(folder)
    (folder / "my_keycodes.h").unlink()
    (folder / "my_keycodes.h").symlink_to(outside)
    with pytest.raises(LayoutFileError) as caught:
        load_layout(path)
    assert "leads outside the layout's folder" in caught.value.message and caught.value.line == 12


def test_a_compiled_file_may_need_a_feature_switch(tmp_path: Path) -> None:
    text = LAYOUT.replace("compile: [features/layer_lock.c]",
                          "compile: [features/layer_lock.c, {file: oled.c, when: OLED_ENABLE}]")
    layout = load_layout(write(tmp_path, text, {**FILES, "oled.c": "// oled\n"})).layout
    assert [(f.path, f.when) for f in layout.c_files if f.compile] == [
        ("features/layer_lock.c", None), ("oled.c", "OLED_ENABLE")]
    written = dumps_layout(layout)
    assert "compile: [features/layer_lock.c, {file: oled.c, when: OLED_ENABLE}]" in written
    assert loads_layout(written).layout.c_files == layout.c_files


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{include: [{file: a.h, when: OLED_ENABLE}]}", "only a compiled file takes `when`"),
        ("{compile: [{file: a.c, when: 'yes) $(shell x'}]}", "is not a QMK feature switch"),
        ("{compile: [{when: OLED_ENABLE}]}", "the entry names no `file`"),
        ("{compile: [{file: a.c, if: OLED_ENABLE}]}", "unknown field `if`"),
    ],
)
def test_bad_conditions_are_refused(entry: str, message: str) -> None:
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(LAYOUT.split("c_files:")[0] + f"c_files: {entry}\n")
    assert message in caught.value.message and caught.value.line == 10


def test_a_config_header_is_included_by_the_builds_config_h(tmp_path: Path) -> None:
    from keyconf.compiler.sources import generate_sources
    from tests.compiler import layouts

    text = LAYOUT.replace("  include: [my_keycodes.h,", "  config: [keymap_config.h]\n  include: [my_keycodes.h,")
    layout = load_layout(write(tmp_path, text, {**FILES, "keymap_config.h": "#define COMBOS\n"})).layout
    assert [f.path for f in layout.c_files if f.config] == ["keymap_config.h"]
    written = dumps_layout(layout)
    assert "  config: [keymap_config.h]  # #included by the build's config.h\n" in written
    assert loads_layout(written).layout.c_files == layout.c_files
    layout.keyboard, layout.layout_macro = "testco/ortho", "LAYOUT_ortho_2x3"
    layout.settings = {"tapping_term": 200}
    config_h = generate_sources(layout, layouts.board()).config_h
    assert config_h.index('#include "keymap_config.h"') < config_h.index("#define TAPPING_TERM 200")
    # What the keymap's config.h defines replaces QMK's definition from the board's info.json
    # (RGB_MATRIX_MAXIMUM_BRIGHTNESS: a second definition is an error in QMK's -Werror build).
    assert config_h.index("#undef COMBOS") < config_h.index('#include "keymap_config.h"')
    # An option today's QMK stops the build on (its behaviour is now the default) is left out.
    assert config_h.index('#include "keymap_config.h"') < config_h.index("#undef IGNORE_MOD_TAP_INTERRUPT ")
    with pytest.raises(LayoutFileError, match="is not a header"):
        loads_layout(LAYOUT.split("c_files:")[0] + "c_files: {config: [settings.c]}\n")
