"""`keyconf --demo SUBCOMMAND`: the global --demo reaches the device commands."""

from __future__ import annotations

import pytest

from keyconf.cli.main import main
from keyconf.formats.yaml_layout import load_layout


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEYCONF_DEMO_UNPLUG_AFTER", raising=False)


def test_demo_before_pull_reads_the_simulated_keyboard(tmp_path, capsys):
    target = tmp_path / "board.yaml"
    assert main(["--demo", "pull", "-o", str(target)]) == 0
    assert "Read 4 layers" in capsys.readouterr().err
    loaded = load_layout(target)
    assert loaded.layout.keyboard == "planck/rev6"
    assert len(loaded.layout.layers) == 4


def test_demo_before_and_after_agree(tmp_path, capsys):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["--demo", "pull", "-o", str(first)]) == 0
    assert main(["pull", "--demo", "-o", str(second)]) == 0
    assert first.read_text() == second.read_text()


def test_demo_with_a_command_that_talks_to_no_keyboard_is_a_usage_error(capsys):
    assert main(["--demo", "keyboards", "planck"]) == 2
    err = capsys.readouterr().err
    assert "--demo does not apply to `keyconf keyboards`" in err


def test_plain_demo_still_means_the_editor(monkeypatch):
    """`keyconf --demo` (no subcommand) goes to the desktop app with demo set."""
    from keyconf.cli import app

    seen = []
    monkeypatch.setattr(app, "run", lambda args, program=False: seen.append(list(args)) or 0)
    assert main(["--demo"]) == 0
    assert seen == [["--demo"]]
