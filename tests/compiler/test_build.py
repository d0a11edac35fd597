"""Running builds end to end with a fake `qmk`: workspace, streaming, progress, errors, cancel,
firmware and metadata, and the user's tree left exactly as it was."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.progress import Progress
from keyconf.flash.metadata import read_metadata
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install_fake_toolchain(tmp_path / "tools", monkeypatch)


def request(tree: Path, out: Path, factory: object = layouts.with_tap_dances) -> BuildRequest:
    assert callable(factory)
    return BuildRequest(layout=factory(), qmk_home=tree, output_dir=out, jobs=3, source_name="mine.yaml")


def read_calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_a_custom_boards_firmware_names_the_bootloader_its_dfu_args_address(tmp_path: Path, calls: Path) -> None:
    """A board QMK calls `custom` whose rules.mk tells dfu-util where its own bootloader is (ZSA's Voyager):
    the firmware's metadata names that bootloader, so `keyconf flash` finds the board and writes behind it."""
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    board = tree / "keyboards" / "testco" / "ortho"
    info = json.loads((board / "keyboard.json").read_text())
    (board / "keyboard.json").write_text(json.dumps({**info, "processor": "STM32F303", "bootloader": "custom"}))
    (board / "rules.mk").write_text("DFU_ARGS = -d 3297:0791 -a 0 -s 0x08002000:leave\n")
    result = FirmwareBuild(request(tree, tmp_path / "out")).run()
    assert result.ok, result.problems
    metadata = read_metadata(result.firmware) if result.firmware else None
    assert metadata is not None and (metadata.processor, metadata.bootloader) == ("STM32F303", "zsa-dfu")


def test_build_through_userspace_leaves_the_tree_untouched(tmp_path: Path, calls: Path) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    before = snapshot(tree)
    lines: list[str] = []
    progress: list[Progress] = []
    result = FirmwareBuild(request(tree, tmp_path / "out"), on_line=lines.append, on_progress=progress.append).run()
    assert result.ok, result.problems
    assert result.firmware == tmp_path / "out" / "testco_ortho_keyconf.bin"
    assert result.firmware.read_bytes() == b"FIRMWARE testco_ortho_keyconf"
    metadata = read_metadata(result.firmware)
    assert metadata is not None
    assert (metadata.keyboard, metadata.processor, metadata.bootloader) == ("testco/ortho", "STM32F411", "stm32-dfu")
    assert metadata.keymap == "keyconf" and len(metadata.layout_hash) == 64
    assert metadata.qmk_version == "0.99.1-fake"  # what the build stamped into version.h
    assert snapshot(tree) == before  # no keymap folder, no firmware copy left in the root
    (call,) = read_calls(calls)
    assert call["env"]["QMK_USERSPACE"] and call["env"]["QMK_HOME"] == str(tree.resolve())  # type: ignore[index]
    assert call["keymap_files"] == ["config.h", "keymap.c", "rules.mk"]
    assert "-j" in call["args"] and "3" in call["args"]  # type: ignore[operator]
    assert any(line.startswith("Compiling: ") for line in lines)
    assert progress[-1].phase == "done" and progress[-1].fraction == 1.0
    assert [p.compiled for p in progress if p.phase == "compiling"] == list(range(1, 13))


def test_a_tree_that_is_not_a_git_checkout_builds_with_skip_git(tmp_path: Path, calls: Path) -> None:
    """QMK's top Makefile sets SKIP_GIT for a tree without git (a downloaded archive, a copy);
    `qmk compile` runs make past it, and version.h's `git describe` error then broke make."""
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    assert FirmwareBuild(request(tree, tmp_path / "out")).run().ok
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    assert FirmwareBuild(request(tree, tmp_path / "out")).run().ok
    copied, checkout = read_calls(calls)
    assert copied["env"]["SKIP_GIT"] == "yes"  # type: ignore[index]
    assert checkout["env"]["SKIP_GIT"] is None  # type: ignore[index]


def test_a_tree_without_its_submodules_says_which_and_how_to_get_them(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    (tree / ".gitmodules").write_text(
        '[submodule "lib/chibios"]\n\tpath = lib/chibios\n\turl = https://github.com/qmk/ChibiOS\n'
        '[submodule "lib/lufa"]\n\tpath = lib/lufa\n\turl = https://github.com/qmk/lufa\n'
    )
    (tree / "lib" / "chibios").mkdir(parents=True)  # as a copy or a zip download leaves it
    (tree / "lib" / "chibios" / ".git").write_text("gitdir: ../../.git/modules/lib/chibios\n")  # a failed fetch
    (tree / "lib" / "lufa" / "LUFA").mkdir(parents=True)
    monkeypatch.setenv("FAKE_QMK_MODE", "no-submodule")
    result = FirmwareBuild(request(tree, tmp_path / "out")).run()
    (problem,) = result.problems
    assert problem.code == "qmk-submodule-missing"
    assert "lacks lib/chibios, a git submodule QMK needs to build testco/ortho" in problem.message
    assert "lib/lufa" not in problem.message  # checked out; this build did not miss it anyway
    assert problem.hint is not None and "Download QMK" in problem.hint  # no git history to fetch with
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (problem,) = FirmwareBuild(request(tree, tmp_path / "out")).run().problems
    assert problem.hint is not None and "git submodule update --init --recursive" in problem.hint


def test_layers_that_do_not_fit_the_eeprom_with_via_say_so_and_what_to_change(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    monkeypatch.setenv("FAKE_QMK_MODE", "eeprom-full")
    built = request(tree, tmp_path / "out")
    built.via = True
    result = FirmwareBuild(built).run()
    assert result.status != "ok"
    problem = result.problems[0]
    assert problem.code == "eeprom-too-small"
    assert "layers of testco/ortho do not fit" in problem.message and "EEPROM" in problem.message
    assert problem.hint is not None and "--no-via" in problem.hint and "remove layers" in problem.hint
    assert not any(p.code == "qmk-failed" for p in result.problems)


def test_later_builds_learn_the_object_count(tmp_path: Path, calls: Path) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    first: list[Progress] = []
    assert FirmwareBuild(request(tree, tmp_path / "out"), on_progress=first.append).run().ok
    assert first[0].expected == 160  # nothing known yet: the estimate for an ARM board
    second: list[Progress] = []
    assert FirmwareBuild(request(tree, tmp_path / "out"), on_progress=second.append).run().ok
    assert second[0].expected == 8  # objects are there now: an incremental build, first of its kind
    third: list[Progress] = []
    assert FirmwareBuild(request(tree, tmp_path / "out"), on_progress=third.append).run().ok
    assert third[0].expected == 12  # learnt from the previous incremental build


def test_old_tree_builds_in_a_temporary_keymap_folder(tmp_path: Path, calls: Path) -> None:
    tree = make_fake_tree(tmp_path / "qmk_firmware", userspace=False)
    (tree / "testco_ortho_keyconf.bin").write_bytes(b"the user's own file")
    before = snapshot(tree)
    result = FirmwareBuild(request(tree, tmp_path / "out")).run()
    assert result.ok, result.problems
    (call,) = read_calls(calls)
    keymap_dir = Path(str(call["keymap_dir"]))
    assert keymap_dir.parent == tree / "keyboards" / "testco" / "ortho" / "keymaps"
    assert keymap_dir.name.startswith("keyconf_") and call["keymap_files"] == ["config.h", "keymap.c", "rules.mk"]
    assert call["env"]["QMK_USERSPACE"] is None  # type: ignore[index]
    assert not keymap_dir.exists()
    assert snapshot(tree) == before  # the folder is gone and the user's file is as it was
    assert result.firmware is not None and result.firmware.name == "testco_ortho_keyconf.bin"


def test_compiler_errors_point_at_the_layout(tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_QMK_MODE", "error")
    monkeypatch.setenv("FAKE_QMK_ERROR_TOKEN", "MO(_NAV)")
    tree = make_fake_tree(tmp_path / "qmk_firmware")
    before = snapshot(tree)
    result = FirmwareBuild(request(tree, tmp_path / "out")).run()
    assert result.status == "failed" and result.returncode == 2
    (problem,) = result.problems
    assert problem.location == ("layers", 0, 4)  # MO(nav) is the base layer's fifth key
    assert "MO(_NAV)" in problem.message and problem.hint and "keymap.c line" in problem.hint
    assert snapshot(tree) == before
    assert not (tmp_path / "out").exists()


def test_cancel_stops_make_and_cleans_up(tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_QMK_MODE", "slow")
    tree = make_fake_tree(tmp_path / "qmk_firmware", userspace=False)
    before = snapshot(tree)
    started = threading.Event()
    build = FirmwareBuild(
        request(tree, tmp_path / "out"), on_progress=lambda p: started.set() if p.compiled else None
    )
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(build.run()))
    began = time.monotonic()
    worker.start()
    assert started.wait(10)
    build.cancel()
    worker.join(10)
    assert not worker.is_alive()
    assert time.monotonic() - began < 8  # the slow fake would take 10 s
    (result,) = outcome
    assert result.status == "cancelled"  # type: ignore[attr-defined]
    assert snapshot(tree) == before


def test_refused_before_make(tmp_path: Path, calls: Path) -> None:
    from keyconf.compiler.checks import BuildRefused

    tree = make_fake_tree(tmp_path / "qmk_firmware")
    layout = layouts.layers_only()
    layout.layers[0].keys[0] = "KC_NOPE"
    with pytest.raises(BuildRefused) as caught:
        FirmwareBuild(BuildRequest(layout, tree, tmp_path / "out")).run()
    assert [p.location for p in caught.value.problems] == [("layers", 0, 0)]
    assert not calls.exists()  # qmk never ran


def test_the_layouts_c_file_is_read_again_for_each_build(tmp_path: Path, calls: Path) -> None:
    from keyconf.compiler.build import BuildRefused
    from keyconf.model.layout import CSource, CustomKeycode

    tree = make_fake_tree(tmp_path / "qmk_firmware")
    source = CSource(file="mine.c", code="int old;\n")  # as it was when the layout was opened
    layout = layouts.layout(custom_keycodes=[CustomKeycode("ALTTAB")], c_source=source)
    (tmp_path / "mine.c").write_text("int edited_since_the_layout_was_opened;\n")
    built = BuildRequest(layout=layout, qmk_home=tree, output_dir=tmp_path / "out", layout_path=tmp_path / "my.yaml")
    plan = FirmwareBuild(built).prepare()
    assert "int edited_since_the_layout_was_opened;" in plan.sources.keymap_c
    assert "int old;" not in plan.sources.keymap_c
    assert source.code == "int old;\n"  # the open layout is left as it is
    (tmp_path / "mine.c").unlink()
    with pytest.raises(BuildRefused) as refused:
        FirmwareBuild(built).prepare()
    assert "'mine.c' was not found next to the layout" in refused.value.problems[0].message
