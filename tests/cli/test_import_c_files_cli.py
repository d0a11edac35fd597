"""`keyconf import` of a keymap.c where it lives writes the other C files of its folder beside the
layout, and `keyconf export --format keymap.c -o FOLDER/` writes them back into a keymap folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.formats.yaml_layout import load_layout
from tests.formats.test_keymap_folder_c import FILES, keymap_folder


@pytest.fixture
def keymap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "qmk_userspace" / "keyboards" / "crkbd" / "keymaps" / "mine"
    return keymap_folder(folder)


def test_import_writes_them_beside_the_layout(keymap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(keymap), "-o", "out/mine.yaml"]) == 0
    out = capsys.readouterr().out
    assert "features/layer_lock.c, rgb.c, oled.c" in out and "beside mine.yaml, which builds with them (c_files)" in out
    loaded = load_layout(tmp_path / "out" / "mine.yaml")
    files = {f.path: f for f in loaded.layout.c_files}
    assert files["oled.c"].when == "OLED_ENABLE" and files["features/layer_lock.c"].compile
    assert not files["my_keycodes.h"].compile
    for path, c_file in files.items():
        assert (tmp_path / "out" / path).read_text() == FILES[path] == c_file.text
    assert [c.headers for c in loaded.layout.custom_keycodes if c.name == "LLOCK"] == [["my_keycodes.h"]]


def test_import_never_overwrites_a_file_without_force(
    keymap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out" / "features").mkdir(parents=True)
    (tmp_path / "out" / "features" / "layer_lock.c").write_text("// mine, edited\n")
    assert main(["import", str(keymap), "-o", "out/mine.yaml"]) == 2
    assert "features/layer_lock.c already exists beside the layout" in capsys.readouterr().err
    assert not (tmp_path / "out" / "mine.yaml").exists() and not (tmp_path / "out" / "rgb.c").exists()
    assert main(["import", str(keymap), "-o", "out/mine.yaml", "--force"]) == 0
    assert (tmp_path / "out" / "features" / "layer_lock.c").read_text() == FILES["features/layer_lock.c"]


def test_export_to_a_folder_writes_a_keymap_folder_again(
    keymap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(keymap), "-o", "out/mine.yaml"]) == 0
    assert main(["export", "out/mine.yaml", "--format", "keymap.c", "-o", "again/", "--keycode-spec", "0.0.7"]) == 0
    assert (tmp_path / "again" / "features" / "layer_lock.h").read_text() == FILES["features/layer_lock.h"]
    rules = (tmp_path / "again" / "rules.mk").read_text()
    assert "SRC += features/layer_lock.c\nSRC += rgb.c\nSRC += bongo.c\n" in rules
    assert "ifeq ($(strip $(OLED_ENABLE)), yes)\n    SRC += oled.c\nendif\n" in rules


def test_a_keyboard_name_keyconf_lacks_takes_the_board_of_the_keymaps_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `keyconf import keymap.c --keyboard cosmos/tiny`: the user builds it from their repository, where
    # keyboards/tiny/ defines the board QMK copies in as cosmos/tiny; keyconf's catalogue has no such name.
    from tests.formats.test_keyboard_folder import repository

    keymap = repository(tmp_path / "repo")
    out = tmp_path / "tiny.yaml"
    assert main(["import", str(keymap), "--keyboard", "cosmos/tiny", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "keyconf does not know keyboard cosmos/tiny: read with tiny, the board of the keymap's own folders" in err
    loaded = load_layout(out)
    assert loaded.layout.keyboard == "tiny" and loaded.layout.geometry is not None
    assert loaded.layout.layers[0].keys[:3] == ["KC_A", "KC_B", "KC_C"]


def test_a_keyboard_name_keyconf_lacks_for_a_lone_keymap_says_how_to_give_the_board(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.formats.test_keyboard_folder import KEYMAP_C

    keymap = tmp_path / "keymap.c"
    keymap.write_text(KEYMAP_C)
    assert main(["import", str(keymap), "--keyboard", "cosmos/tiny", "-o", str(tmp_path / "t.yaml")]) != 0
    err = capsys.readouterr().err
    assert "unknown keyboard cosmos/tiny" in err and "keyboards/<board>/keymaps/<name>/" in err
    assert not (tmp_path / "t.yaml").exists()
