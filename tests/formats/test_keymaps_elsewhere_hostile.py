"""A stranger's keymap folder whose keymap.c holds no keymaps[] (keymaps_elsewhere, with_its_header_keymaps):
the files looked at for the keymaps[] stay inside the user's repository, and no shape of the folder costs
more than a moment. Every folder is written here."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import import_layout

_HOOKS_ONLY = "#include QMK_KEYBOARD_H\n%s\nvoid keyboard_post_init_user(void) {}\n"
_KEYMAPS = ("#pragma once\nenum layers { _BASE, _NAV };\n"
            "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
            f"    [_BASE] = LAYOUT_split_3x6_3({', '.join(['KC_A'] * 39)}, MO(_NAV), KC_SPC, KC_ENT),\n"
            f"    [_NAV] = LAYOUT_split_3x6_3({', '.join(['KC_TRNS'] * 42)}),\n}};\n")


@pytest.fixture(scope="module")
def finder() -> CatalogueKeyboards:
    return CatalogueKeyboards()


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    """A repository holding a Corne keymap folder, and a folder beside the repository (elsewhere on the machine)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    folder = repo / "keyboards" / "crkbd" / "keymaps" / "me"
    folder.mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "layers.c").write_text(_KEYMAPS)
    (outside / "layers.h").write_text(_KEYMAPS)
    return folder, outside


def _refusal(keymap: Path, finder: CatalogueKeyboards) -> FormatError:
    with pytest.raises(FormatError) as caught:
        import_layout(keymap, finder=finder)
    return caught.value


def test_files_outside_the_repository_are_not_read_for_the_keymaps(tmp_path: Path, finder: CatalogueKeyboards) -> None:
    # rules.mk's SRC and INTROSPECTION_KEYMAP_C, and the keymap's #include, may name any path: one that leaves
    # the repository (`../`, an absolute path, a link in the folder pointing out) is not opened.
    folder, outside = _folders(tmp_path)
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % "")
    os.symlink(outside / "layers.c", folder / "linked.c")
    for rules in ("SRC += ../../../../../elsewhere/layers.c\n", f"INTROSPECTION_KEYMAP_C = {outside}/layers.c\n",
                  "SRC += linked.c\n"):
        (folder / "rules.mk").write_text(rules)
        error = _refusal(keymap, finder)
        assert error.message == "no `keymaps[]` array found", rules
    (folder / "rules.mk").unlink()
    for include in ("../../../../../elsewhere/layers.h", f"{outside}/layers.h"):
        keymap.write_text(_HOOKS_ONLY % f'#include "{include}"')
        error = _refusal(keymap, finder)  # the include is named, at its line, and not read
        assert error.message == (f'this keymap.c holds no `keymaps[]`, and it includes "{include}", which leads out '
                                 "of its repository: keyconf reads no file there")
        assert (error.line, error.column) == (2, 1) and "copy that file into the repository" in str(error.hint)
    # Inside the repository the same file is named, as before.
    (folder / "layers.c").write_text(_KEYMAPS)
    keymap.write_text(_HOOKS_ONLY % "")
    (folder / "rules.mk").write_text("SRC += layers.c\n")
    assert "its layers are in keyboards/crkbd/keymaps/me/layers.c" in _refusal(keymap, finder).message


def test_a_header_beside_the_keymap_linked_out_of_the_repository_is_not_read_into_the_layout(
        tmp_path: Path, finder: CatalogueKeyboards) -> None:
    folder, outside = _folders(tmp_path)
    (outside / "layers.h").write_text(_KEYMAPS + "// elsewhere's own text\n")
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % '#include "gen_keymap.h"')
    os.symlink(outside / "layers.h", folder / "gen_keymap.h")
    error = _refusal(keymap, finder)
    assert "includes \"gen_keymap.h\", which leads out of its repository" in error.message
    assert (error.line, error.column) == (2, 1)
    # The same header in the folder is read in place of its #include.
    (folder / "gen_keymap.h").unlink()
    (folder / "gen_keymap.h").write_text(_KEYMAPS)
    imported = import_layout(keymap, finder=finder)
    assert [layer.name for layer in imported.layout.layers] == ["base", "nav"]


def _cpu(run: object) -> float:
    start = time.process_time()
    try:
        run()  # type: ignore[operator]
    except FormatError:
        pass
    return time.process_time() - start


def test_no_shape_of_the_folder_makes_the_search_slow(tmp_path: Path, finder: CatalogueKeyboards) -> None:
    # Each took seconds (tens of seconds at the size limits): `keymaps[` thousands of times without a `;`
    # (each scanned to the end), blank lines before an #include (`^\s*` of a multi-line pattern is retried
    # at each), and a rules.mk naming one C file again and again (read and tokenized each time).
    folder, _ = _folders(tmp_path)
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % "" + "extern int keymaps[1] " * 6000 + ";\n")
    assert _cpu(lambda: import_layout(keymap, finder=finder)) < 1.0
    keymap.write_text("\n" * 60_000 + _HOOKS_ONLY % '#include "gen_keymap.h"')
    (folder / "rules.mk").write_text("\n" * 60_000 + "SRC += big.c\n")
    assert _cpu(lambda: import_layout(keymap, finder=finder)) < 1.0
    keymap.write_text(_HOOKS_ONLY % "")
    (folder / "big.c").write_text("int x;\n" * 2000)
    (folder / "rules.mk").write_text("SRC += big.c\n" * 400)
    assert _cpu(lambda: import_layout(keymap, finder=finder)) < 1.0


def test_a_keymap_including_hundreds_of_files_is_read_in_a_moment_or_refused_at_the_limit(
        tmp_path: Path, finder: CatalogueKeyboards) -> None:
    # Each include keyconf does not find was looked for in a walk of the whole repository (a linked userspace's
    # header): 200 of them in a repository of 3,000 files took seconds; 13,000, within the size limit, minutes.
    folder, _ = _folders(tmp_path)
    for n in range(60):
        (folder.parents[3] / "notes" / str(n)).mkdir(parents=True)
        for m in range(50):
            (folder.parents[3] / "notes" / str(n) / f"{m}.md").write_text("x")
    keymap = folder / "keymap.c"
    keymap.write_text(_HOOKS_ONLY % "".join(f'#include "h{n}.h"\n' for n in range(200)))
    start = time.process_time()
    error = _refusal(keymap, finder)
    assert time.process_time() - start < 1.0
    assert error.message.startswith('this keymap.c holds no `keymaps[]`: its layers are most likely in "h0.h"')
    keymap.write_text(_HOOKS_ONLY % "".join(f'#include "h{n}.h"\n' for n in range(300)))
    error = _refusal(keymap, finder)
    assert error.message == ("the file has more than 256 #include lines, far more than a keymap.c; the limit is "
                             "passed here")
    assert (error.line, error.column) == (257, 1)  # the 257th: QMK_KEYBOARD_H is the first
