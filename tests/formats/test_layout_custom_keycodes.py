"""`custom_keycodes:` and `c_source:` in layout files: read, written back, and kept in their folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, load_layout, loads_layout

ALT_TAB_C = """\
bool is_alt_tab_active = false;

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
\tswitch (keycode) {
\tcase ALTTAB:
\t\treturn false;  \x20
\t}
\treturn true;
}
"""

LAYOUT = """\
keyboard: testco/ortho
layout: LAYOUT_ortho_2x3
layers:
  base:
    - [ALTTAB, KC_A, EMAIL, KC_B, KC_C, KC_D]
custom_keycodes:
  - name: ALTTAB
    legend: "Alt⇥"
    description: Alt-Tab with Alt held between taps
  - EMAIL
  - name: PINNED
    value: 0x7E50
c_source: mine.c
"""


def write(folder: Path, text: str = LAYOUT, c_text: str | None = ALT_TAB_C) -> Path:
    path = folder / "layout.yaml"
    path.write_text(text, encoding="utf-8")
    if c_text is not None:
        (folder / "mine.c").write_text(c_text, encoding="utf-8")
    return path


def test_custom_keycodes_and_the_c_file_load(tmp_path: Path) -> None:
    layout = load_layout(write(tmp_path)).layout
    assert [(c.name, c.legend, c.value) for c in layout.custom_keycodes] == [
        ("ALTTAB", "Alt⇥", None),
        ("EMAIL", None, None),
        ("PINNED", None, 0x7E50),
    ]
    assert layout.c_source is not None
    assert layout.c_source.file == "mine.c" and layout.c_source.code == ALT_TAB_C  # tabs, trailing spaces kept


def test_a_written_layout_reads_back_the_same(tmp_path: Path) -> None:
    loaded = load_layout(write(tmp_path))
    text = dumps_layout(loaded.layout)
    assert "custom_keycodes:" in text and "c_source: mine.c" in text and "value: 0x7E50" in text
    (tmp_path / "again.yaml").write_text(text, encoding="utf-8")
    again = load_layout(tmp_path / "again.yaml").layout
    assert again.custom_keycodes == loaded.layout.custom_keycodes
    assert again.c_source == loaded.layout.c_source


def test_inline_c_code_round_trips() -> None:
    text = LAYOUT.replace("c_source: mine.c\n", "c_source: |\n  void keyboard_post_init_user(void) {\n  }\n")
    layout = loads_layout(text).layout
    assert layout.c_source is not None and layout.c_source.code == "void keyboard_post_init_user(void) {\n}\n"
    assert loads_layout(dumps_layout(layout)).layout.c_source == layout.c_source


def test_a_missing_c_file_still_opens(tmp_path: Path) -> None:
    layout = load_layout(write(tmp_path, c_text=None)).layout
    assert layout.c_source is not None and layout.c_source.code is None


@pytest.mark.parametrize("name", ["../mine.c", "/etc/passwd.c", "sub/../../x.c", "C:/x.c", "mine.py", "a b.c"])
def test_c_files_outside_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(LayoutFileError) as caught:
        load_layout(write(tmp_path, LAYOUT.replace("c_source: mine.c", f"c_source: {name}")))
    assert caught.value.line == 13  # the c_source line


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.c"
    outside.write_text("int secret;\n", encoding="utf-8")
    folder = tmp_path / "layout"
    folder.mkdir()
    path = write(folder, c_text=None)
    (folder / "mine.c").symlink_to(outside)
    with pytest.raises(LayoutFileError, match="outside the layout's folder"):
        load_layout(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - name: 1BAD\n", "not a C name"),
        ("  - name: ALTTAB\n", "defined twice"),
        ("  - name: X\n    value: 0x10000\n", "between 0 and 65535"),
        ("  - name: X\n    colour: red\n", "unknown field `colour`"),
    ],
)
def test_bad_custom_keycodes_are_refused_at_their_line(entry: str, message: str) -> None:
    text = LAYOUT.replace("c_source: mine.c\n", "") + entry
    with pytest.raises(LayoutFileError, match=message) as caught:
        loads_layout(text)
    assert caught.value.line is not None and caught.value.line >= 13
