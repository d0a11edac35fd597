"""`keyconf compile` as a user runs it (with a fake `qmk` standing in for the toolchain)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.cli.main import main
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

LAYOUT = """\
keyconf: 1
name: Tiny
keyboard: testco/ortho
layout: LAYOUT
layers:
  base:
    - [KC_A, KC_B, KC_C]
    - [KC_D, KC_E, MO(nav)]
  nav:
    - [KC_1, KC_2, KC_3]
    - [KC_4, KC_5, _______]
macros:
  - "hello"
combos:
  - keys: [KC_A, KC_B]
    action: KC_ESC
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    return make_fake_tree(tmp_path / "qmk_firmware")


def test_compile_prints_the_firmware_path_last(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = tmp_path / "tiny.yaml"
    layout.write_text(LAYOUT)
    out = tmp_path / "out"
    code = main(["compile", str(layout), "--qmk-home", str(tree), "-o", str(out), "--keymap", "mine", "-j", "2"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    firmware = out / "testco_ortho_mine.bin"
    assert captured.out.strip().splitlines()[-1] == str(firmware)
    assert firmware.is_file() and (out / "testco_ortho_mine.bin.keyconf.json").is_file()
    assert "Compiling: quantum/file_0.c" in captured.err  # the build output is streamed
    assert "built testco_ortho_mine.bin" in captured.err


def test_quiet_compile_prints_only_the_path(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = tmp_path / "tiny.yaml"
    layout.write_text(LAYOUT)
    assert main(["compile", str(layout), "--qmk-home", str(tree), "-o", str(tmp_path / "o"), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{tmp_path / 'o' / 'testco_ortho_keyconf.bin'}\n"
    assert "Compiling" not in captured.err


def test_problems_are_reported_at_their_yaml_line_before_make(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = tmp_path / "bad.yaml"
    layout.write_text(LAYOUT.replace("[KC_4, KC_5, _______]", "[KC_4, KC_5]").replace("KC_2,", "KC_TWO,"))
    assert main(["compile", str(layout), "--qmk-home", str(tree), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"{layout}:11:8: error: layer `nav` row 2 has 2 keys where the keyboard's row has 3" in err
    assert f"{layout}:10:" in err and "KC_TWO" in err
    assert "make did not run" in err
    assert not (tmp_path / "o").exists()


def test_no_tree_is_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = tmp_path / "tiny.yaml"
    layout.write_text(LAYOUT)
    assert main(["compile", str(layout), "--qmk-home", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "--qmk-home" in err and "hint:" in err and "qmk setup" in err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", str(tmp_path / "missing.yaml")]) == 2
    layout = tmp_path / "tiny.yaml"
    layout.write_text(LAYOUT)
    assert main(["compile", str(layout), "-j", "0"]) == 2


def test_flash_after_build_hands_the_firmware_to_the_flasher(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyconf.flash import job

    flashed: list[tuple[Path, object]] = []

    class Outcome:
        ok = True
        message = "flashed"

    def fake_flash(path: Path, **options: object) -> Outcome:
        flashed.append((Path(path), options.get("keyboard")))
        on_event = options["on_event"]
        assert callable(on_event)
        on_event(job.StatusEvent("flashing for pretend"))
        return Outcome()

    monkeypatch.setattr(job, "flash_firmware", fake_flash)
    layout = tmp_path / "tiny.yaml"
    layout.write_text(LAYOUT)
    out = tmp_path / "out"
    assert main(["compile", str(layout), "--qmk-home", str(tree), "-o", str(out), "-q", "--flash"]) == 0
    captured = capsys.readouterr()
    ((path, keyboard),) = flashed
    assert path == out / "testco_ortho_keyconf.bin"
    assert getattr(keyboard, "name", None) == "testco/ortho"  # the tree's geometry, for the flasher's checks
    assert "flashing for pretend" in captured.err
    assert captured.out.strip() == str(path)
