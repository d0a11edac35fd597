"""`--demo vial`: the simulated Vial board, kept between commands, and the unlock flow of push."""

from __future__ import annotations

import pytest

from keyconf.cli.main import main


@pytest.fixture(autouse=True)
def demo_env(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEYCONF_DEMO_UNPLUG_AFTER", raising=False)


def pull(tmp_path, capsys, board="vial", name="board.yaml"):
    path = tmp_path / name
    args = ["pull", "--demo", board] if board else ["pull", "--demo"]
    assert main([*args, "-o", str(path), "--force"]) == 0
    capsys.readouterr()
    return path


def test_devices_lists_the_vial_demo_board(capsys):
    assert main(["devices", "--demo", "vial"]) == 0
    out = capsys.readouterr().out
    assert "Vial demo board (simulated)" in out and "Vial protocol 6" in out
    assert main(["--demo", "vial", "devices"]) == 0
    assert "Vial demo board" in capsys.readouterr().out


def test_pulled_vial_demo_has_its_tables_and_settings_and_pushes_back_as_is(tmp_path, capsys):
    path = pull(tmp_path, capsys)
    text = path.read_text(encoding="utf-8")
    for part in ("tap_dances:", "combos:", "key_overrides:", "tapping_term: 180", "permissive_hold: true", "QK_BOOT"):
        assert part in text
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    assert main(["push", str(path), "--demo", "vial"]) == 0
    assert "nothing to write" in capsys.readouterr().out


@pytest.mark.parametrize("board", [None, "vial"])
def test_push_then_pull_and_diff_agree(tmp_path, capsys, board):
    """Issue 18: `diff --demo` right after `push --demo` reported a difference."""
    path = pull(tmp_path, capsys, board)
    text = path.read_text(encoding="utf-8")
    changed = text.replace("KC_W,", "KC_F13,", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    demo = ["--demo", board] if board else ["--demo"]
    assert main(["push", str(path), *demo]) == 0
    capsys.readouterr()
    assert main(["diff", str(path), *demo]) == 0
    assert "no differences" in capsys.readouterr().out
    again = pull(tmp_path, capsys, board, "again.yaml")
    assert "KC_F13" in again.read_text(encoding="utf-8")


def test_push_of_qk_boot_to_the_locked_board_unlocks_first(tmp_path, capsys, monkeypatch):
    path = pull(tmp_path, capsys)
    text = path.read_text(encoding="utf-8")
    # put QK_BOOT on the top-left key of the adjust layer (it held KC_TRNS)
    changed = text.replace("[KC_TRNS, QK_BOOT, QK_RBT,", "[QK_BOOT, KC_NO,   QK_RBT,", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    monkeypatch.setattr("sys.stdin", None)  # not a terminal: no one to ask
    assert main(["push", str(path), "--demo", "vial"]) == 1
    err = capsys.readouterr().err
    assert "locked" in err and "nothing was written" in err and "--unlock" in err and "KC_TAB (row 0, col 0)" in err
    assert main(["diff", str(path), "--demo", "vial"]) == 1  # the board still has the old keys
    capsys.readouterr()
    assert main(["push", str(path), "--demo", "vial", "--unlock"]) == 0
    captured = capsys.readouterr()
    assert "Hold KC_TAB (row 0, col 0) and KC_Q (row 0, col 1)" in captured.err and "Unlocked." in captured.err
    assert main(["diff", str(path), "--demo", "vial"]) == 0


def test_an_unknown_demo_board_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["pull", "--demo=nope"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "vial" in err


def test_restore_of_qk_boot_to_the_locked_board_unlocks_too(tmp_path, capsys, monkeypatch):
    """A backup holding QK_BOOT where the board now has something else: restore needs the unlock."""
    path = pull(tmp_path, capsys)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[KC_TRNS, QK_BOOT, QK_RBT,", "[KC_TRNS, KC_NO,   QK_RBT,", 1), encoding="utf-8")
    assert main(["push", str(path), "--demo", "vial"]) == 0  # QK_BOOT replaced: no unlock needed
    out = capsys.readouterr().out
    backup = out.split("Backup of the previous keymap: ")[1].strip()
    monkeypatch.setattr("sys.stdin", None)
    assert main(["restore", backup, "--demo", "vial"]) == 1
    assert "--unlock" in capsys.readouterr().err
    assert main(["restore", backup, "--demo", "vial", "--unlock"]) == 0
    capsys.readouterr()
    original = pull(tmp_path, capsys, name="after.yaml").read_text(encoding="utf-8")
    assert "[KC_TRNS, QK_BOOT, QK_RBT," in original
