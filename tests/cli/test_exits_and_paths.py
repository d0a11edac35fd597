"""One exit rule for every command (2: input that cannot be read) and every keyconf path under
KEYCONF_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.cli.main import main

COMMANDS = [
    ["validate", "{missing}"],
    ["show", "{missing}"],
    ["diff", "{missing}", "{missing}"],
    ["import", "{missing}", "-o", "out.yaml"],
    ["export", "{missing}", "--format", "keymap.json", "-o", "out.json"],
    ["render", "{missing}", "-o", "out.svg"],
    ["compile", "{missing}"],
    ["push", "--demo", "{missing}"],
    ["flash", "{missing}"],
    ["restore", "--demo", "{missing}"],
    ["keyboards", "--add-via-definition", "{missing}"],
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEYCONF_BUILD_CACHE", raising=False)
    return tmp_path / "home"


@pytest.mark.parametrize("target", ["nothing-here.yaml", "a-folder"])
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_unreadable_input_exits_2_everywhere(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], target: str
) -> None:
    (tmp_path / "a-folder").mkdir()
    missing = str(tmp_path / target)
    args = [part.replace("{missing}", missing) for part in command]
    try:
        code = main(args)
    except SystemExit as stop:  # argparse-level exits
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert code == 2, err
    assert any(word in err.lower() for word in ("no such", "folder", "directory")), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command", [["import"], ["export", "--format", "keymap.c"], ["retarget", "--keyboard", "preonic/rev3"]],
    ids=lambda c: c[0],
)
def test_an_output_in_a_folder_that_is_not_there_says_so(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    layout = Path(__file__).resolve().parents[2] / "layouts" / "planck.yaml"
    out = tmp_path / "not-made-yet" / "out.file"
    code = main([command[0], str(layout), *command[1:], "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and not out.parent.exists()
    assert f"the folder {out.parent} does not exist: create it" in err and "Traceback" not in err


def test_a_layout_with_problems_still_exits_1(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("keyboard: planck/rev6\nlayout: LAYOUT_ortho_4x12\nlayers:\n  base: [[KC_A, KC_B]]\n")
    assert main(["validate", str(bad)]) == 1


def test_every_keyconf_folder_follows_keyconf_home(home: Path) -> None:
    from keyconf.catalogue.qmk_index import default_cache_dir
    from keyconf.catalogue.user_definitions import default_definitions_dir
    from keyconf.compiler.workspace import cache_root
    from keyconf.gui.build_dialog import default_output_dir

    for folder in (default_definitions_dir(), default_cache_dir(), cache_root(), default_output_dir()):
        assert folder.is_relative_to(home), folder


def test_the_udev_hint_names_what_a_user_has() -> None:
    from keyconf.device.discovery import udev_hint

    hint = udev_hint("/dev/hidraw3")
    assert "keyconf udev --install" in hint and "/etc/udev/rules.d/70-keyconf.rules" in hint
    assert "packaging/" not in hint
