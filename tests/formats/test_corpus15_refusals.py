"""What the held-out corpus15 (bench/corpus/manifest15.tsv) showed keyconf refusing rightly, said so the user
knows which file and what to do.

A QMK Userspace keymap.c may hold no keymaps[] because it includes the file that does by a relative path (a
miryoku keymap of a dz60rgb including `../../../../../layouts/miryoku/v3/keymap.c`, a tsangan 60% keymap shared
by nine boards). Read alone, that file is not there: keyconf said only "no `keymaps[]` array found", as if the
file were no keymap. Files written here in the shape of those keymaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout, import_text

_INCLUDING = ('#include QMK_KEYBOARD_H\n#include "../../../../../layouts/shared/v3/keymap.c"\n\n'
              "bool process_record_user(uint16_t keycode, keyrecord_t *record) { return true; }\n")


def test_a_keymap_c_including_the_file_of_its_layers_names_it_when_that_file_is_not_there(tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.c"
    keymap.write_text(_INCLUDING)
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, format="keymap.c")
    error = caught.value
    assert error.message.startswith('this keymap.c holds no `keymaps[]`: its layers are most likely in '
                                    '"../../../../../layouts/shared/v3/keymap.c", which it includes and keyconf '
                                    "does not find beside it")
    assert (error.line, error.path) == (2, str(keymap))
    assert error.hint is not None and "where it lives in your repository checkout" in error.hint
    # Given as text, the same, without a folder to look in.
    with pytest.raises(FormatError, match=r"most likely in \"\.\./\.\./\.\./\.\./\.\./layouts/shared/v3/keymap\.c\", "
                                          r"which it includes and keyconf does not find here"):
        import_text(_INCLUDING, "keymap.c", format="keymap.c")


def test_a_keymap_c_whose_included_files_are_there_and_hold_no_layers_is_no_keymap(tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.c"
    keymap.write_text('#include QMK_KEYBOARD_H\n#include "mine.h"\n')
    (tmp_path / "mine.h").write_text("#pragma once\n#define MY_TERM 200\n")
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, format="keymap.c")
    assert caught.value.message == "no `keymaps[]` array found"


def test_a_keymap_c_including_many_unseen_files_names_the_first_three(tmp_path: Path) -> None:
    # A userspace keymap.c including seven of its user's headers (layers, RGB, OLED, logo...), read alone.
    keymap = tmp_path / "keymap.c"
    names = ["keymap_split_3x6_5.h", "rgb.h", "logo.h", "common.h", "oled.h", "mine.h", "encoders.h"]
    keymap.write_text("#include QMK_KEYBOARD_H\n" + "".join(f'#include "{name}"\n' for name in names))
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, format="keymap.c")
    assert ('its layers are most likely in "keymap_split_3x6_5.h", "rgb.h", "logo.h" (or one of the 4 more), which '
            "it includes") in caught.value.message


_INDEXED_BY_HEADER = """\
#include QMK_KEYBOARD_H
#include "layers.h"

const uint16_t PROGMEM encoder_map[NUMBER_OF_LAYERS][NUM_ENCODERS][NUM_DIRECTIONS] = {
    [0 ... NUMBER_OF_LAYERS - 1] = {ENCODER_CCW_CW(KC_VOLD, KC_VOLU)},
};

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_54_ansi(KC_A),
};
"""


def test_a_layer_index_named_in_a_header_not_seen_names_that_header(tmp_path: Path) -> None:
    # A Keychron Q9 Plus keymap whose encoder map covers `[0 ... NUMBER_OF_LAYERS - 1]`, the count in the user's
    # layers.h, read alone: it was "(unknown name NUMBER_OF_LAYERS)", hinting at an enum "in this file".
    keymap = tmp_path / "keymap.c"
    keymap.write_text(_INDEXED_BY_HEADER)
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, format="keymap.c")
    error = caught.value
    assert error.message.startswith("cannot work out the index `NUMBER_OF_LAYERS")
    assert error.message.endswith(": NUMBER_OF_LAYERS is not defined in this file, most likely in layers.h, which it "
                                  "includes and keyconf cannot see")
    assert error.line == 5 and error.hint is not None and "where it lives in your repository checkout" in error.hint


def test_a_wrapper_macro_on_most_layers_and_the_boards_own_on_one_names_the_unseen_headers(tmp_path: Path) -> None:
    """A Piantor keymap of a userspace: `LAYOUT_split_3x6_3_wrapper(...)` (its crandel.c's) on five layers and
    the board's own LAYOUT_split_3x6_3 on a gaming layer. Read alone, the wrapper is one of the headers' it
    includes, as keyconf says of a file using it on every layer; it said only that the board lacks it."""
    from keyconf.catalogue.resolve import CatalogueKeyboards

    keys = ", ".join(["KC_A"] * 42)
    keymap = tmp_path / "keymap.c"
    keymap.write_text('#include QMK_KEYBOARD_H\n#include "mine.c"\n\n'
                      "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                      "  [0] = LAYOUT_split_3x6_3_wrapper(___BASE_L___, ___BASE_R___, ___THUMBS___),\n"
                      f"  [1] = LAYOUT_split_3x6_3({keys})\n}};\n")
    finder = CatalogueKeyboards()
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, keyboard=finder.by_name("beekeeb/piantor"), finder=finder)
    error = caught.value
    assert "LAYOUT_split_3x6_3_wrapper, which is not a layout of beekeeb/piantor: most likely a wrapper macro " \
           "from mine.c, which keyconf cannot see" in error.message
    assert error.hint is not None and "where it lives in your repository checkout" in error.hint
