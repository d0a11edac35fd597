"""`keyconf compile` of a layout with QMK community modules: a keymap.json naming them goes beside
the generated keymap.c (as QMK reads a keymap.c's modules); a module from the user's repository is
copied into keyconf's userspace; a tree from before modules (2024) refuses before make runs. The real
build (KEYCONF_TEST_QMK_HOME, a 2025 tree) checks the module keycode's value in the firmware."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.checks import BuildRefused
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor, is_qmk_tree
from keyconf.compiler.toolchain import find_program
from keyconf.compiler.workspace import make_workspace
from keyconf.formats.yaml_layout import load_layout
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree
from tests.formats.test_qmk_modules import SUPER_ALT_TAB, write_module


def modules_tree(root: Path) -> Path:
    """The fake tree, as QMK 2025 has it: community modules and qmk/super_alt_tab."""
    tree = make_fake_tree(root)
    (tree / "lib/python/qmk/community_modules.py").write_text("")
    (tree / "quantum/keycodes.h").write_text("QK_COMMUNITY_MODULE = 0x77C0,\n")
    write_module(tree, "qmk/super_alt_tab", SUPER_ALT_TAB)
    return tree


@pytest.fixture
def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans are checked for the board's compiler (arm-none-eabi-gcc for the fake tree's STM32 board),
    which a machine without the ARM toolchain lacks: these tests are about modules, not toolchains."""
    install_fake_toolchain(tmp_path / "tools", monkeypatch)


def module_layout(*modules: str):  # type: ignore[no-untyped-def]
    layout = layouts.layout(modules=list(modules))
    layout.layers[0].keys[0] = "CM_S_AT"
    return layout


def test_a_tree_from_before_modules_refuses_before_make(tmp_path: Path) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    build = FirmwareBuild(BuildRequest(module_layout("qmk/super_alt_tab"), tree, tmp_path / "out"))
    with pytest.raises(BuildRefused) as refused:
        build.prepare()
    [problem] = refused.value.problems
    assert problem.code == "qmk-no-modules"
    assert "predates community modules" in problem.message and "qmk/super_alt_tab" in problem.message
    assert problem.location == ("modules",)


def test_the_trees_module_builds_with_a_keymap_json_beside_keymap_c(tmp_path: Path, fake_tools: None) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    plan = FirmwareBuild(BuildRequest(module_layout("qmk/super_alt_tab"), tree, tmp_path / "out")).prepare()
    files = plan.sources.files()
    assert json.loads(files["keymap.json"]) == {"modules": ["qmk/super_alt_tab"]}
    assert "CM_S_AT" in files["keymap.c"]
    assert plan.module_folders == {}  # the tree's own: QMK finds it there


def test_a_layout_without_modules_writes_no_keymap_json(tmp_path: Path, fake_tools: None) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    plan = FirmwareBuild(BuildRequest(layouts.layout(), tree, tmp_path / "out")).prepare()
    assert "keymap.json" not in plan.sources.files()


def test_a_module_nowhere_refuses_naming_it(tmp_path: Path) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    layout = module_layout("qmk/super_alt_tab", "getreuer/sentence_case")
    with pytest.raises(BuildRefused) as refused:
        FirmwareBuild(BuildRequest(layout, tree, tmp_path / "out")).prepare()
    [problem] = refused.value.problems
    assert problem.code == "module-not-found" and problem.location == ("modules", 1)
    assert "getreuer/sentence_case" in problem.message


def test_a_module_of_the_users_repository_is_copied_into_the_userspace(tmp_path: Path, fake_tools: None) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    repo = tmp_path / "qmk_userspace"
    source = write_module(repo, "me/hello", {"module_name": "Hello", "keycodes": [{"key": "CM_HELLO"}]})
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref: x\n")
    layout_path = repo / "layouts" / "mine.yaml"
    layout_path.parent.mkdir()
    layout = module_layout("qmk/super_alt_tab", "me/hello")
    layout.layers[0].keys[2] = "CM_HELLO"
    plan = FirmwareBuild(BuildRequest(layout, tree, tmp_path / "out", layout_path=layout_path)).prepare()
    assert plan.module_folders == {"me/hello": source.resolve()}
    workspace = make_workspace(tree, "testco/ortho", "keyconf", plan.sources.files(), use_userspace=True,
                               cache=tmp_path / "cache")
    workspace.modules = dict(plan.module_folders)
    with workspace:
        assert workspace.userspace is not None
        copied = workspace.userspace / "modules" / "me" / "hello"
        assert sorted(p.name for p in copied.iterdir()) == ["module.c", "qmk_module.json"]  # no .git
    workspace.modules = {}
    with workspace:  # the next build's userspace holds only its own modules
        assert not (workspace.userspace / "modules" / "me").exists()  # type: ignore[operator]


ROWS = ("    - [CM_S_AT, KC_Q, KC_W, KC_E, KC_R, KC_T, KC_Y, KC_U, KC_I, KC_O, KC_P, KC_BSPC]\n"
        "    - [KC_LCTL, KC_A, KC_S, KC_D, KC_F, KC_G, KC_H, KC_J, KC_K, KC_L, KC_SCLN, KC_QUOT]\n"
        "    - [KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B, KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_ESC]\n"
        "    - [KC_LGUI, KC_SPC, KC_ENT, KC_ENT, KC_SPC, COMMUNITY_MODULE_SUPER_ALT_TAB]\n")


def test_a_layout_with_super_alt_tab_builds_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = os.environ.get("KEYCONF_TEST_QMK_HOME")
    if not configured:
        pytest.skip("KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree of 2025 or later, with its submodules)")
    home = Path(configured).expanduser().resolve()
    if not is_qmk_tree(home):
        pytest.skip(f"{home} is not a checked-out qmk_firmware tree")
    tree = QmkTree(home)
    if not tree.supports_community_modules or not (home / "modules/qmk/super_alt_tab/qmk_module.json").is_file():
        pytest.skip(f"the tree at {home} has no community modules (QMK 2025 on) or no qmk/super_alt_tab")
    if tree.resolve_keyboard("crkbd/rev1") is None:
        pytest.skip(f"crkbd/rev1 is not in the tree at {home}")
    processor = tree.keyboard("crkbd/rev1").processor
    if not any(find_program(name) for name in compilers_for_processor(processor)) or not find_program("qmk") \
            or not find_program("avr-nm"):
        pytest.skip(f"no toolchain for {processor} (with avr-nm) or no qmk on PATH")
    monkeypatch.setenv("QMK_HOME", str(home))
    monkeypatch.setenv("KEYCONF_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SKIP_GIT", "yes")
    monkeypatch.chdir(tmp_path)
    # As a user has it: a keymap.json naming the module, imported, validated, built.
    keymap = {"keyboard": "crkbd/rev1", "keymap": "mine", "layout": "LAYOUT_split_3x6_3",
              "modules": ["qmk/super_alt_tab"],
              "layers": [[key.strip() for row in ROWS.splitlines() for key in row.strip()[3:-1].split(",")]]}
    (tmp_path / "keymap.json").write_text(json.dumps(keymap))
    assert main(["import", "keymap.json", "-o", "mine.yaml"]) == 0
    assert main(["validate", "mine.yaml"]) == 0
    loaded = load_layout(tmp_path / "mine.yaml")
    assert loaded.layout.modules == ["qmk/super_alt_tab"]
    result = FirmwareBuild(BuildRequest(loaded.layout, home, tmp_path / "firmware", jobs=2,
                                        layout_path=tmp_path / "mine.yaml")).run()
    missing = [p for p in result.problems if p.code == "qmk-submodule-missing"]
    if missing:
        pytest.skip(missing[0].message)
    assert result.ok, "\n".join(p.message for p in result.problems) + "\n" + "\n".join(result.log[-40:])
    assert any("super_alt_tab.c" in line for line in result.log if line.startswith("Compiling"))
    [elf] = (tmp_path / "cache").rglob("crkbd_rev1_keyconf.elf")
    words = keymap_words(elf)
    assert words.count(0x77C0) == 2  # CM_S_AT and COMMUNITY_MODULE_SUPER_ALT_TAB: QK_COMMUNITY_MODULE
    assert 0x0014 in words  # KC_Q beside it


def keymap_words(elf: Path) -> list[int]:
    """keymaps[][][] of an AVR firmware, as its 16-bit words (.text starts at address 0)."""
    symbols = subprocess.run(["avr-nm", "-S", "-t", "d", str(elf)], capture_output=True, text=True, check=True)
    address, size = next((int(fields[0]), int(fields[1])) for fields in map(str.split, symbols.stdout.splitlines())
                         if len(fields) == 4 and fields[3] == "keymaps")
    flash = elf.with_suffix(".text.bin")
    subprocess.run(["avr-objcopy", "-O", "binary", "-j", ".text", str(elf), str(flash)], check=True)
    data = flash.read_bytes()[address:address + size]
    return [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]


def test_a_module_of_the_users_qmk_userspace_is_found(tmp_path: Path, fake_tools: None) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    userspace = tmp_path / "qmk_userspace"
    source = write_module(userspace, "me/hello", {"module_name": "Hello", "keycodes": [{"key": "CM_HELLO"}]})
    layout = module_layout("me/hello")
    layout.layers[0].keys[0] = "CM_HELLO"
    request = BuildRequest(layout, tree, tmp_path / "out", layout_path=tmp_path / "elsewhere" / "mine.yaml")
    with pytest.raises(BuildRefused, match="community module me/hello is not in"):
        FirmwareBuild(request).prepare()
    request.module_roots = (userspace,)
    assert FirmwareBuild(request).prepare().module_folders == {"me/hello": source.resolve()}


@pytest.mark.parametrize(("rules", "line"), [("$(shell touch /tmp/keyconf-module-ran)\n", 3),
                                             ("SRC += extra.c\nall:\n\ttouch ran\n", 4),
                                             ("X = `id`\n", 3), ("include ../../evil.mk\n", 3)])
def test_a_module_from_outside_the_tree_whose_make_file_runs_code_is_refused(tmp_path: Path, rules: str,
                                                                              line: int) -> None:
    """QMK's build includes a module's rules.mk: from a repository around the layout (a stranger's,
    perhaps), only variables set to plain words are built; make code is refused before make runs."""
    tree = modules_tree(tmp_path / "qmk_firmware")
    repo = tmp_path / "shared_repo"
    source = write_module(repo, "them/hello", {"module_name": "Hello", "keycodes": [{"key": "CM_HELLO"}]})
    (source / "rules.mk").write_text("# a module\nRGB_MATRIX_CUSTOM_USER = yes\n" + rules)
    layout_path = repo / "mine.yaml"
    layout = module_layout("qmk/super_alt_tab", "them/hello")
    with pytest.raises(BuildRefused) as refused:
        FirmwareBuild(BuildRequest(layout, tree, tmp_path / "out", layout_path=layout_path)).prepare()
    [problem] = refused.value.problems
    assert problem.code == "module-make-code" and problem.location == ("modules", 1)
    assert "rules.mk" in problem.message and f"line {line}," in problem.message


def test_a_module_from_outside_the_tree_setting_variables_builds(tmp_path: Path, fake_tools: None) -> None:
    tree = modules_tree(tmp_path / "qmk_firmware")
    repo = tmp_path / "shared_repo"
    source = write_module(repo, "them/hello", {"module_name": "Hello", "keycodes": [{"key": "CM_HELLO"}]})
    (source / "rules.mk").write_text("SRC += $(MODULE_PATH)/extra.c  # more\nifeq ($(RGB_MATRIX_ENABLE),yes)\n"
                                     "    OPT_DEFS += -DHELLO_RGB=1\nendif\n")
    plan = FirmwareBuild(BuildRequest(module_layout("qmk/super_alt_tab", "them/hello"), tree, tmp_path / "out",
                                      layout_path=repo / "mine.yaml")).prepare()
    assert plan.module_folders == {"them/hello": source.resolve()}
