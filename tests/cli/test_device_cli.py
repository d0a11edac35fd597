"""`keyconf devices / pull / push / reset-keymap / restore` against the demo keyboard."""

from __future__ import annotations

import pytest

from keyconf.cli.main import main


@pytest.fixture(autouse=True)
def demo_env(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEYCONF_DEMO_UNPLUG_AFTER", raising=False)


def pull(tmp_path, capsys, name="board.yaml"):
    path = tmp_path / name
    assert main(["pull", "--demo", "-o", str(path), "--force"]) == 0
    capsys.readouterr()
    return path


def test_devices_lists_the_demo_keyboard(capsys):
    assert main(["devices", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "Planck (simulated)" in out and "VIA protocol 12, 4 layers" in out and "current keycode" in out


def test_pull_prints_a_layout(capsys):
    assert main(["pull", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "keyboard: planck/rev6" in out and "LCTL_T(KC_ESC)" in out and "encoders:" in out
    assert "Typed by keyconf" in out  # the demo macro


def test_pull_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "mine.yaml"
    target.write_text("precious")
    assert main(["pull", "--demo", "-o", str(target)]) == 2
    assert target.read_text() == "precious"
    assert "--force" in capsys.readouterr().err


def test_edit_push_and_pull_again(tmp_path, capsys):
    path = pull(tmp_path, capsys)
    text = path.read_text().replace("KC_TAB,", "KC_GRV,", 1)
    path.write_text(text)
    assert main(["push", str(path), "--demo", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "layer base: 1 key" in out and "KC_TAB -> KC_GRV" in out and "Dry run" in out
    assert "KC_TAB," in pull(tmp_path, capsys, "after-dry-run.yaml").read_text()
    assert main(["push", str(path), "--demo"]) == 0
    out = capsys.readouterr().out
    assert "Wrote 1 key in 1 report and verified" in out and "Backup" in out
    assert "KC_GRV," in pull(tmp_path, capsys, "after.yaml").read_text().split("layers:")[1][:200]
    assert main(["push", str(path), "--demo"]) == 0
    assert "nothing to write" in capsys.readouterr().out


def test_push_refuses_a_layout_with_errors(tmp_path, capsys):
    path = pull(tmp_path, capsys)
    path.write_text(path.read_text().replace("KC_TAB,", "KC_NOPE,", 1))
    assert main(["push", str(path), "--demo"]) == 1
    err = capsys.readouterr().err
    assert "KC_NOPE" in err and "nothing was written" in err


def test_unplugged_push_reports_and_restore_recovers(tmp_path, capsys, monkeypatch):
    original = pull(tmp_path, capsys).read_text()
    path = tmp_path / "edited.yaml"
    path.write_text(original.replace("KC_Q,", "KC_1,", 1).replace("KC_F1,", "KC_F13,", 1))
    monkeypatch.setenv("KEYCONF_DEMO_UNPLUG_AFTER", "29")
    assert main(["push", str(path), "--demo"]) == 1
    err = capsys.readouterr().err
    assert "stopped part-way" in err and "keyconf restore" in err and "Traceback" not in err
    monkeypatch.delenv("KEYCONF_DEMO_UNPLUG_AFTER")
    assert main(["restore", "--demo"]) == 0
    assert "Restored" in capsys.readouterr().out
    assert pull(tmp_path, capsys, "restored.yaml").read_text() == original


def test_reset_keymap_backs_up_first(tmp_path, capsys):
    path = pull(tmp_path, capsys)
    path.write_text(path.read_text().replace("KC_TAB,", "KC_GRV,", 1))
    assert main(["push", str(path), "--demo"]) == 0
    capsys.readouterr()
    assert main(["reset-keymap", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "1 key changed" in out
    assert "KC_TAB," in pull(tmp_path, capsys, "reset.yaml").read_text()
    assert main(["restore", "--list"]) == 0
    assert capsys.readouterr().out.count("planck/rev6") == 2


def test_no_keyboard_is_a_clean_error(capsys, monkeypatch):
    import keyconf.device.connection as connection

    monkeypatch.setattr(connection, "enumerate_devices", lambda: [])
    assert main(["pull"]) == 1
    err = capsys.readouterr().err
    assert "no VIA or Vial keyboard is connected" in err and "--demo" in err


def test_missing_hidapi_is_a_clean_error(capsys, monkeypatch):
    import keyconf.device.connection as connection
    from keyconf.device.errors import HidUnavailable

    def unavailable():
        raise HidUnavailable(
            "USB keyboard access is unavailable: the system hidapi library is not installed",
            hint="Debian/Ubuntu `sudo apt install libhidapi-hidraw0`",
        )

    monkeypatch.setattr(connection, "enumerate_devices", unavailable)
    assert main(["devices"]) == 1
    err = capsys.readouterr().err
    assert "hidapi library is not installed" in err and "libhidapi-hidraw0" in err


def test_devices_explains_a_permission_problem(capsys, monkeypatch):
    import keyconf.cli.commands.devices as devices
    from keyconf.device.discovery import DeviceInfo

    blocked = DeviceInfo(b"/dev/hidraw5", 0x4653, 0x0001, product="Corne", accessible=False)
    monkeypatch.setattr(devices, "list_devices", lambda demo=False: [blocked])
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "Corne" in out and "no permission" in out and "70-keyconf.rules" in out and "udevadm" in out


def test_push_of_another_keyboards_layout_is_refused(tmp_path, capsys):
    layout = tmp_path / "sweep.yaml"
    keys = ", ".join(["KC_A"] * 34)
    layout.write_text(f"keyconf: 1\nkeyboard: ferris/sweep\nlayout: LAYOUT_split_3x5_2\nlayers:\n  base: [{keys}]\n")
    assert main(["push", str(layout), "--demo"]) == 1
    err = capsys.readouterr().err
    assert "this layout is for ferris/sweep" in err and "planck/rev6" in err


def test_pull_names_layers_as_keyconf_knows_that_board(tmp_path, capsys):
    """The demo is a Planck: its layers get the bundled Planck layout's names, not layer1…"""
    from keyconf.cli.main import main
    from keyconf.formats.layer_names import known_layer_names

    out = tmp_path / "pulled.yaml"
    assert main(["pull", "--demo", "-o", str(out)]) == 0
    from keyconf.formats.yaml_layout import load_layout

    layout = load_layout(out).layout
    assert layout.layer_names == ["base", "lower", "raise", "adjust"] == known_layer_names("planck/rev6")
    assert known_layer_names("nobody/knows") == []
