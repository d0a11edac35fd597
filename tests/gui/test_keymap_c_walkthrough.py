"""Issue 14's walkthrough as a new user goes through it.

A Corne keymap.c written for a computer that types Norwegian: home-row mods as #defines, an
Alt-Tab key handled in process_record_user, the NO_* aliases of keymap_norwegian.h. `keyconf
import` turns it into a layout and a companion C file. The window shows ALTTAB and Ø on the keys
the keymap gave them. With a real qmk_firmware tree (KEYCONF_TEST_QMK_HOME), `keyconf compile`
builds a firmware whose keymaps[][][] holds the same bytes as qmk's own build of the original.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.keymap_c_firmware_equivalence import build_original, keymaps_bytes
from keyconf.cli.main import main
from keyconf.compiler.qmk_tree import QmkTree, is_qmk_tree
from keyconf.compiler.toolchain import find_program
from keyconf.formats.yaml_layout import load_layout

KEYMAP = Path(__file__).resolve().parents[1] / "formats" / "data" / "keymap_c_norwegian"
# LAYOUT_split_3x6_3 order: three rows of 12, then 6 thumbs.
OSTR_HOME, AE, ALTTAB_THUMB = 22, 23, 41


def import_keymap(folder: Path) -> Path:
    layout = folder / "layout.yaml"
    assert main(["import", str(KEYMAP / "keymap.c"), "--keyboard", "crkbd/rev1", "-o", str(layout)]) == 0
    return layout


def test_import_keeps_the_keys_the_c_code_and_the_language(tmp_path, capsys):
    layout_path = import_keymap(tmp_path)
    err = capsys.readouterr().err
    assert "process_record_user() is kept as C code" in err and "Norwegian" in err
    layout = load_layout(layout_path).layout
    assert layout.host_language == "norwegian"
    assert [k.name for k in layout.custom_keycodes] == ["ALTTAB"]
    base = layout.layers[0].keys
    assert (base[OSTR_HOME], base[AE], base[ALTTAB_THUMB]) == ("RGUI_T(NO_OSTR)", "NO_AE", "ALTTAB")
    assert base[13] == "LGUI_T(NO_A)"  # HM_A, the first home-row mod
    assert (layout.settings["tapping_term"], layout.settings["quick_tap_term"]) == (180, 0)  # from config.h
    assert layout.c_source is not None and layout.c_source.file == "layout_user.c"
    c_code = (tmp_path / "layout_user.c").read_text()
    assert "case ALTTAB:" in c_code and "matrix_scan_user" in c_code and "update_tri_layer_state" in c_code
    assert main(["validate", str(layout_path)]) == 0


def test_the_window_shows_alttab_and_o_slash_on_their_keys(window, qtbot, tmp_path):
    window.open_path(import_keymap(tmp_path))
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)
    faces = window.keyboard_view.faces(0)
    assert (faces[OSTR_HOME].tap, faces[OSTR_HOME].hold) == ("Ø", "RGUI")
    assert faces[AE].tap == "Æ" and faces[11].tap == "Å"
    assert faces[ALTTAB_THUMB].tap == "ALTTAB"
    assert window.keyboard_view.faces(2)[22].tap == "Ø"  # the raise layer's plain NO_OSTR


def avr_tree() -> Path:
    """The test tree, when it can build the AVR Corne; skips saying what is missing."""
    if not os.environ.get("KEYCONF_TEST_QMK_HOME"):
        pytest.skip("KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree with lib/lufa and avr-gcc)")
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"]).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree")
    if not (home / "lib" / "lufa" / "LUFA").is_dir():
        pytest.skip(f"{home}/lib/lufa is empty (a git submodule): AVR boards such as crkbd/rev1 cannot build")
    if not QmkTree(home).supports_userspace:
        pytest.skip(f"{home} is older than QMK's external userspace, which builds the original here")
    missing = [tool for tool in ("qmk", "avr-gcc", "avr-nm", "avr-objcopy") if not find_program(tool)]
    if missing:
        pytest.skip(f"not on PATH: {', '.join(missing)}")
    return home


@pytest.mark.slow
def test_keyconf_compile_builds_the_keymap_qmk_builds_from_the_original(tmp_path, monkeypatch):
    home = avr_tree()
    jobs = ["-j", "2"]
    # qmk builds the original through a userspace of its own, as keyconf does: the tree is only read.
    original_keymaps = build_original(home, KEYMAP / "keymap.c", "crkbd/rev1", tmp_path, "2")
    assert isinstance(original_keymaps, bytes), original_keymaps
    assert not (home / "crkbd_rev1_original.hex").exists()  # the firmware copy qmk put in the tree is gone again

    layout = import_keymap(tmp_path)
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(tmp_path / "keyconf-cache"))
    assert main(["compile", str(layout), "--qmk-home", str(home), *jobs, "-o", str(tmp_path / "out"), "-q"]) == 0
    assert (tmp_path / "out" / "crkbd_rev1_keyconf.hex").is_file()
    (elf,) = (tmp_path / "keyconf-cache").glob("*/obj/crkbd_rev1_keyconf.elf")
    keyconf_keymaps = keymaps_bytes(elf)
    assert len(original_keymaps) == 4 * 48 * 2  # 4 layers of crkbd/rev1's 8x6 matrix, 16 bits a key
    assert keyconf_keymaps == original_keymaps
