"""A layout's more C files (`c_files:`) in its builds: copied into the keymap folder at their paths,
the compiled ones in rules.mk's SRC, read fresh from beside the layout for each build."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRefused, BuildRequest, FirmwareBuild
from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.export import keymap_c_sources
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import generate_sources
from keyconf.model.layout import CFile, CSource, Layout
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, syntax_check, write_build_dir
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

LAYER_LOCK_C = '#include "layer_lock.h"\nbool is_layer_locked(uint8_t layer) { return false; }\n'
LAYER_LOCK_H = "#pragma once\nbool is_layer_locked(uint8_t layer);\n"
TAPDANCES_C = "// #included by the layout's C code\n"


def with_c_files() -> Layout:
    return layouts.layout(
        c_source=CSource(code='#include "features/layer_lock.h"\n#include "tapdances.c"\n'),
        c_files=[CFile("features/layer_lock.c", compile=True, text=LAYER_LOCK_C),
                 CFile("features/layer_lock.h", text=LAYER_LOCK_H), CFile("tapdances.c", text=TAPDANCES_C)],
    )


def test_the_sources_carry_the_files_and_compile_the_compiled_ones() -> None:
    sources = generate_sources(with_c_files(), layouts.board())
    files = sources.files()
    assert files["features/layer_lock.c"] == LAYER_LOCK_C and files["tapdances.c"] == TAPDANCES_C
    assert files["features/layer_lock.h"] == LAYER_LOCK_H
    rules = sources.rules_mk.splitlines()
    assert "SRC += features/layer_lock.c" in rules
    assert not any("tapdances" in line or ".h" in line for line in rules if line.startswith("SRC"))


def test_a_file_not_read_is_a_problem_at_its_entry() -> None:
    layout = with_c_files()
    layout.c_files[2].text = None
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board())
    (problem,) = caught.value.problems
    assert "'tapdances.c' was not found next to the layout" in problem.message
    assert problem.ref.path == ("c_files", 2)


def test_a_path_made_in_code_gets_no_make_code_into_rules_mk() -> None:
    """The YAML reader refuses such names; a layout made another way (an import) meets the same check."""
    layout = with_c_files()
    layout.c_files[0].path = "$(shell touch /tmp/x).c"
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board())
    assert "holds characters a build cannot take" in caught.value.problems[0].message


def test_keymap_c_export_to_a_folder_carries_them() -> None:
    files = keymap_c_sources(with_c_files(), layouts.board())
    assert set(files) == {"keymap.c", "rules.mk", "config.h", "features/layer_lock.c", "features/layer_lock.h",
                          "tapdances.c"}


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install_fake_toolchain(tmp_path / "tools", monkeypatch)


def beside(folder: Path) -> Path:
    """The layout's folder with its C files on disk, as a user keeps them."""
    for name, text in (("features/layer_lock.c", LAYER_LOCK_C), ("features/layer_lock.h", LAYER_LOCK_H),
                       ("tapdances.c", TAPDANCES_C)):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "mine.yaml"


@pytest.mark.parametrize("userspace", [True, False])
def test_a_build_writes_them_into_the_keymap_folder(tmp_path: Path, calls: Path, userspace: bool) -> None:
    import json

    tree = make_fake_tree(tmp_path / "qmk_firmware", userspace=userspace)
    request = BuildRequest(layout=with_c_files(), qmk_home=tree, output_dir=tmp_path / "out",
                           layout_path=beside(tmp_path))
    result = FirmwareBuild(request).run()
    assert result.ok, result.problems
    (call,) = [json.loads(line) for line in calls.read_text().splitlines()]
    assert call["keymap_files"] == ["config.h", "features/layer_lock.c", "features/layer_lock.h", "keymap.c",
                                    "rules.mk", "tapdances.c"]


def test_each_build_reads_them_fresh_and_refuses_a_missing_one(tmp_path: Path, calls: Path) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    layout = with_c_files()
    request = BuildRequest(layout=layout, qmk_home=tree, output_dir=tmp_path / "out",
                           layout_path=beside(tmp_path))
    (tmp_path / "tapdances.c").write_text("// edited since the layout was opened\n")
    plan = FirmwareBuild(request).prepare()
    assert plan.sources.files()["tapdances.c"] == "// edited since the layout was opened\n"
    assert layout.c_files[2].text == TAPDANCES_C  # the open layout is as it was
    (tmp_path / "features" / "layer_lock.h").unlink()
    with pytest.raises(BuildRefused) as refused:
        FirmwareBuild(request).prepare()
    (problem,) = refused.value.problems
    assert "features/layer_lock.h is not next to the layout" in problem.message
    assert problem.location == ("c_files", 1) and problem.hint and str(tmp_path) in problem.hint


def test_what_an_earlier_build_left_in_the_keymap_folder_is_removed(tmp_path: Path, calls: Path) -> None:
    import json

    tree = make_fake_tree(tmp_path / "qmk_firmware")
    layout_path = beside(tmp_path)
    first_build = BuildRequest(layout=with_c_files(), qmk_home=tree, output_dir=tmp_path / "out",
                               layout_path=layout_path)
    assert FirmwareBuild(first_build).run().ok
    assert FirmwareBuild(BuildRequest(layout=layouts.layout(), qmk_home=tree, output_dir=tmp_path / "out")).run().ok
    first, second = [json.loads(line) for line in calls.read_text().splitlines()]
    assert "features/layer_lock.h" in first["keymap_files"]
    assert second["keymap_files"] == ["config.h", "keymap.c", "rules.mk"]
    assert not (Path(second["keymap_dir"]) / "features").exists()


def test_keymap_json_cannot_hold_them() -> None:
    from keyconf.compiler.keymap_json import generate_keymap_json

    layout = layouts.layout(c_files=[CFile("my_keycodes.h", text="#pragma once\n")])
    with pytest.raises(GenerationError) as caught:
        generate_keymap_json(layout, layouts.board())
    assert [p.ref.path for p in caught.value.problems] == [("c_files",)]


def test_layers_an_included_header_declares_are_not_declared_twice() -> None:
    """An imported keymap's layers.h declares `enum { _BASE, _NAV }`, and its C code includes it:
    keyconf's keymap.c includes it in place of its own layer enum (a second would not compile)."""
    header = CFile("layers.h", text="#pragma once\nenum layer_names { _BASE = 0, _NAV, _ADJUST };\n")
    layout = layouts.layout(c_files=[header], c_source=CSource(code='#include "layers.h"\n'))
    keymap = generate_sources(layout, layouts.board()).keymap_c
    assert '#include "layers.h"' in keymap.split("const uint16_t PROGMEM keymaps")[0]
    assert "enum layer_names {" not in keymap and "[_NAV] = " in keymap
    header.text = "#pragma once\nenum layer_names { _NAV, _BASE };\n"  # numbered otherwise: keyconf's own
    keymap = generate_sources(layout, layouts.board()).keymap_c
    assert "enum layer_names {" in keymap


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_layers_a_header_names_as_the_original_keymap_did_are_not_declared_twice(tmp_path: Path) -> None:
    """An imported Moonlander keymap's layers.h: `enum layers { BASE, NAV }` for the layout's layers base
    and nav, included by its carried C after the import's `#define NAV _NAV`. keyconf's own enum of _BASE and
    _NAV beside it was declared twice there (a real build of a user's keymap failed: 'redeclaration of
    enumerator'); the header's names are keyconf's through its values instead."""
    header = CFile("layers.h", text="#pragma once\nenum layers { BASE, NAV, SPARE };\n")
    code = '#define BASE _BASE\n#define NAV _NAV\n#include "layers.h"\nconst int nav_layer_of_mine = NAV;\n'
    layout = layouts.layout(c_files=[header], c_source=CSource(code=code))
    sources = generate_sources(layout, layouts.board())
    assert "_BASE = BASE," in sources.keymap_c and "[_NAV] = " in sources.keymap_c
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6}, encoders=1)
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr + "\n" + sources.keymap_c
    header.text = "#pragma once\nenum layers { NAV, BASE };\n"  # numbered otherwise: keyconf's own enum
    assert "enum layer_names {\n    _BASE,\n" in generate_sources(layout, layouts.board()).keymap_c
