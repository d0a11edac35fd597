"""QMK's own C files a keymap builds with (`c_files: qmk`): the keyboard's `lib/rgb_state_reader.c`
that a Lily58 keymap's rules.mk compiles, Keychron's common code in a folder its rules.mk puts on
VPATH. The layout names them; the tree has them; only safe names reach rules.mk."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRefused, BuildRequest, FirmwareBuild
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import generate_sources
from keyconf.formats.keymap_folder_c import keymap_folder_c_files
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout
from keyconf.model.layout import CustomKeycode
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

LAYOUT = """\
keyboard: testco/ortho
layout: LAYOUT_ortho_2x3
layers:
  base: [KC_A, KC_B, KC_C, KC_D, KC_E, KC_F]
c_files:
  qmk: [lib/rgb_state_reader.c, keyboards/keychron/common/keychron_common.c]
"""


def test_read_written_back_and_into_rules_mk() -> None:
    layout = loads_layout(LAYOUT).layout
    assert layout.qmk_files == ["lib/rgb_state_reader.c", "keyboards/keychron/common/keychron_common.c"]
    text = dumps_layout(layout)
    assert "  qmk:  # QMK's own, from the tree\n    - lib/rgb_state_reader.c\n" in text  # past 100 columns: a line each
    assert loads_layout(text).layout.qmk_files == layout.qmk_files
    rules = generate_sources(layout, layouts.board()).rules_mk
    assert "VPATH += keyboards/keychron/common\nSRC += lib/rgb_state_reader.c\nSRC += keychron_common.c\n" in rules


def test_a_shared_header_of_keyboard_keycodes_puts_its_folder_on_vpath() -> None:
    layout = layouts.layout(custom_keycodes=[CustomKeycode("KC_TASK", headers=["keychron_common.h"])])
    layout.layers[0].keys[0] = "KC_TASK"
    sources = generate_sources(layout, layouts.board())
    assert "VPATH += keyboards/keychron/common" in sources.rules_mk
    assert '#include "keychron_common.h"' in sources.keymap_c


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("[../../secret.c]", "must stay inside the QMK tree"),
        ("[/etc/x.c]", "must be a path relative to the QMK tree"),
        ("['$(shell x).c']", "holds characters a build cannot take"),
        ("[lib/x.inc]", "is not a C file (.c, .h)"),
        ("[lib/x.c, lib/x.c]", "`lib/x.c` is named twice in `c_files: qmk`"),
    ],
)
def test_bad_entries_are_refused(entry: str, message: str) -> None:
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(LAYOUT.replace("[lib/rgb_state_reader.c, keyboards/keychron/common/keychron_common.c]", entry))
    assert message in caught.value.message and caught.value.line == 6


def test_a_path_made_in_code_gets_no_make_code_into_rules_mk() -> None:
    layout = layouts.layout(qmk_files=["lib/$(shell touch x).c"])
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board())
    assert caught.value.problems[0].ref.path == ("qmk_files", 0)


def test_a_build_refuses_a_file_the_tree_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    (tree / "keyboards" / "testco" / "lib").mkdir()
    (tree / "keyboards" / "testco" / "lib" / "rgb_state_reader.c").write_text("// the keyboard's\n")
    layout = layouts.layout(qmk_files=["lib/rgb_state_reader.c", "keyboards/keychron/common/keychron_common.c"])
    with pytest.raises(BuildRefused) as refused:
        FirmwareBuild(BuildRequest(layout=layout, qmk_home=tree, output_dir=tmp_path / "out")).prepare()
    (problem,) = refused.value.problems
    assert problem.location == ("qmk_files", 1)
    assert "keyboards/keychron/common/keychron_common.c is not in the QMK tree" in problem.message
    layout.qmk_files.append("muse.c")  # an old Planck keymap's: QMK's quantum/audio/muse.c, on VPATH with audio
    (tree / "quantum" / "audio").mkdir(parents=True, exist_ok=True)
    (tree / "quantum" / "audio" / "muse.c").write_text("// QMK's\n")
    (tree / "keyboards" / "keychron" / "common").mkdir(parents=True)
    (tree / "keyboards" / "keychron" / "common" / "keychron_common.c").write_text("// Keychron's\n")
    assert FirmwareBuild(BuildRequest(layout=layout, qmk_home=tree, output_dir=tmp_path / "out")).run().ok


def test_an_import_names_them_from_rules_mk_and_the_includes(tmp_path: Path) -> None:
    keymap = '#include QMK_KEYBOARD_H\n#include "keychron_common.h"\n'
    (tmp_path / "keymap.c").write_text(keymap)
    (tmp_path / "rules.mk").write_text("VPATH += keyboards/keychron/common\nSRC += keychron_common.c\n"
                                       "SRC +=  ./lib/rgb_state_reader.c \\\n        ./lib/layer_state_reader.c\n")
    found = keymap_folder_c_files(tmp_path / "keymap.c", keymap)
    assert found.files == []
    assert found.qmk_files == ["keyboards/keychron/common/keychron_common.c", "lib/rgb_state_reader.c",
                               "lib/layer_state_reader.c"]  # the header's folder is on VPATH already
    (tmp_path / "rules.mk").write_text("")
    assert keymap_folder_c_files(tmp_path / "keymap.c", keymap).qmk_files == [
        "keyboards/keychron/common/keychron_common.h"]  # an include alone puts its folder on VPATH
    assert any("the layout builds with them from the tree as the original did" in w for w in found.warnings)


def test_a_file_rules_mk_compiles_under_a_board_switch_keeps_its_condition(tmp_path: Path) -> None:
    # The Planck and Preonic default keymaps: `ifeq ($(strip $(AUDIO_ENABLE)), yes)  SRC += muse.c`. QMK's
    # VPATH has quantum/audio only with audio on, and the keymap calls muse_clock_pulse() then: left out,
    # the 2024 planck/rev5 (audio on) did not link; compiled always, a board without audio would not find it.
    keymap = '#include QMK_KEYBOARD_H\n#ifdef AUDIO_ENABLE\n#    include "muse.h"\n#endif\n'
    (tmp_path / "keymap.c").write_text(keymap)
    (tmp_path / "rules.mk").write_text("ifeq ($(strip $(AUDIO_ENABLE)), yes)\n    SRC += muse.c\nendif\n"
                                       "ifeq ($(strip $(NO_SUCH_THING)), yes)\n    SRC += other.c\nendif\n")
    found = keymap_folder_c_files(tmp_path / "keymap.c", keymap, "planck/rev5")
    assert found.qmk_files == ["muse.c"] and found.qmk_files_when == {"muse.c": "AUDIO_ENABLE"}
    layout = layouts.layout(qmk_files=["lib/rgb_state_reader.c", "muse.c"], qmk_files_when={"muse.c": "AUDIO_ENABLE"})
    text = dumps_layout(layout)
    assert "qmk: [lib/rgb_state_reader.c, {file: muse.c, when: AUDIO_ENABLE}]" in text
    again = loads_layout(text).layout
    assert again.qmk_files == layout.qmk_files and again.qmk_files_when == layout.qmk_files_when
    rules = generate_sources(again, layouts.board()).rules_mk
    assert "SRC += lib/rgb_state_reader.c\nifeq ($(strip $(AUDIO_ENABLE)), yes)\n    SRC += muse.c\nendif\n" in rules
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text.replace("when: AUDIO_ENABLE", "when: $(shell x)"))
    assert "is not a QMK feature switch" in caught.value.message
    layout.qmk_files_when["muse.c"] = "AUDIO_ENABLE)$(shell x"  # made in code: refused, not written
    with pytest.raises(GenerationError) as refused:
        generate_sources(layout, layouts.board())
    assert refused.value.problems[0].ref.path == ("qmk_files", 1)
