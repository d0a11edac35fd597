"""Finding qmk_firmware and the QMK userspace in the order QMK uses, with clear errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import qmk_cli
from synthetic_qmk import make_skeleton

from keyconf.catalogue.qmk_home import (
    QmkCliConfig,
    QmkHomeNotFound,
    find_qmk_home,
    find_qmk_home_or_none,
    find_qmk_userspace,
    is_qmk_firmware,
    is_qmk_userspace,
    missing_qmk_firmware_parts,
    qmk_cli_config_file,
    read_qmk_cli_config,
    userspace_build_targets,
)

NO_CONFIG = QmkCliConfig()


def tree(path: Path) -> Path:
    make_skeleton(path)
    return path


def userspace(path: Path, targets: list | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "qmk.json").write_text(json.dumps({"userspace_version": "1.1", "build_targets": targets or []}))
    return path


def test_a_checkout_is_recognised_by_quantum_requirements_and_the_cli_package(tmp_path: Path) -> None:
    home = tree(tmp_path / "qmk_firmware")
    assert is_qmk_firmware(home)
    (home / "requirements-dev.txt").unlink()
    assert missing_qmk_firmware_parts(home) == ["requirements-dev.txt"]
    assert not is_qmk_firmware(home)
    assert missing_qmk_firmware_parts(tmp_path / "nowhere") == ["the folder itself"]


def test_discovery_order(tmp_path: Path) -> None:
    explicit, env, config, default = (tree(tmp_path / n / "qmk_firmware") for n in ("a", "b", "c", "home"))
    cfg = QmkCliConfig(qmk_home=config)
    environ = {"QMK_HOME": str(env)}
    home = tmp_path / "home"

    assert find_qmk_home(explicit, environ=environ, config=cfg, home=home).path == explicit
    found = find_qmk_home(None, environ=environ, config=cfg, home=home)
    assert (found.path, found.source) == (env, "QMK_HOME")
    found = find_qmk_home(None, environ={}, config=cfg, home=home)
    assert (found.path, found.source) == (config, "qmk config user.qmk_home")
    found = find_qmk_home(None, environ={}, config=NO_CONFIG, home=home)
    assert (found.path, found.source) == (default, "~/qmk_firmware")


def test_the_current_folder_inside_a_tree_wins_over_the_environment(tmp_path: Path) -> None:
    inside = tree(tmp_path / "qmk_firmware")
    (inside / "keyboards/planck/keymaps").mkdir(parents=True)
    other = tree(tmp_path / "other")
    found = find_qmk_home(cwd=inside / "keyboards/planck/keymaps", environ={"QMK_HOME": str(other)},
                          config=NO_CONFIG, home=tmp_path)
    assert (found.path, found.source) == (inside, "the current folder")
    # Outside any tree the current folder is ignored.
    assert find_qmk_home(cwd=tmp_path, environ={"QMK_HOME": str(other)}, config=NO_CONFIG,
                         home=tmp_path).path == other


def test_a_wrong_explicit_path_is_an_error_naming_what_is_missing(tmp_path: Path) -> None:
    tree(tmp_path / "home/qmk_firmware")  # a good default must not hide the mistake
    wrong = tmp_path / "notqmk"
    wrong.mkdir()
    with pytest.raises(QmkHomeNotFound) as caught:
        find_qmk_home(wrong, environ={}, config=NO_CONFIG, home=tmp_path / "home")
    error = caught.value
    assert "--qmk-home" in error.message and str(wrong) in error.message and "quantum" in error.message
    assert "qmk setup" in error.hint and "QMK_HOME" in error.hint


def test_a_wrong_qmk_home_variable_is_reported_not_skipped(tmp_path: Path) -> None:
    tree(tmp_path / "home/qmk_firmware")
    with pytest.raises(QmkHomeNotFound, match="QMK_HOME points at .*does not exist"):
        find_qmk_home_or_none(environ={"QMK_HOME": str(tmp_path / "gone")}, config=NO_CONFIG,
                              home=tmp_path / "home")


def test_nothing_configured_and_no_default(tmp_path: Path) -> None:
    assert find_qmk_home_or_none(environ={}, config=NO_CONFIG, home=tmp_path) is None
    with pytest.raises(QmkHomeNotFound) as caught:
        find_qmk_home(environ={}, config=NO_CONFIG, home=tmp_path)
    text = str(caught.value)
    assert "no qmk_firmware tree found" in text
    assert "qmk setup" in text and "--qmk-home" in text and "QMK_HOME" in text


def test_qmk_ini_as_milc_writes_it(tmp_path: Path) -> None:
    ini = tmp_path / "qmk.ini"
    ini.write_text("[user]\nqmk_home = ~/src/qmk_firmware\noverlay_dir = None\n\n[general]\ncolor = False\n")
    config = read_qmk_cli_config(ini)
    assert config.qmk_home == Path.home() / "src/qmk_firmware"
    assert config.overlay_dir is None  # milc's way of writing "unset"
    assert config.values["general"]["color"] == "False"
    assert read_qmk_cli_config(tmp_path / "missing.ini").qmk_home is None
    ini.write_text("this is [not an ini")
    assert read_qmk_cli_config(ini).qmk_home is None


def test_config_file_location_follows_the_qmk_cli(user_env: Path) -> None:
    assert qmk_cli_config_file() == user_env / ".config/qmk/qmk.ini"


@pytest.mark.skipif(qmk_cli() is None, reason="the qmk CLI is not installed")
def test_reads_what_the_real_qmk_config_command_saves(user_env: Path) -> None:
    home = tree(user_env / "elsewhere/qmk_firmware")
    done = subprocess.run([qmk_cli(), "config", f"user.qmk_home={home}"], capture_output=True, text=True,
                          timeout=60, cwd=user_env)
    assert done.returncode == 0, done.stderr
    assert read_qmk_cli_config().qmk_home == home
    found = find_qmk_home(environ={})
    assert (found.path, found.source) == (home, "qmk config user.qmk_home")


def test_userspace_order_and_validation(tmp_path: Path) -> None:
    explicit = userspace(tmp_path / "a")
    env = userspace(tmp_path / "b")
    overlay = userspace(tmp_path / "c")
    default = userspace(tmp_path / "home/qmk_userspace")
    cfg = QmkCliConfig(overlay_dir=overlay)
    home = tmp_path / "home"
    environ = {"QMK_USERSPACE": str(env)}
    assert find_qmk_userspace(explicit, environ=environ, config=cfg, home=home) == explicit
    assert find_qmk_userspace(environ=environ, config=cfg, home=home) == env
    assert find_qmk_userspace(environ={}, config=cfg, home=home) == overlay
    assert find_qmk_userspace(environ={}, config=NO_CONFIG, home=home) == default
    inside = env / "keyboards/x/keymaps"
    inside.mkdir(parents=True)
    assert find_qmk_userspace(cwd=inside, environ={}, config=cfg, home=home) == env
    # A qmk.json without userspace_version (a keymap.json-like file) is not a userspace: skipped.
    (overlay / "qmk.json").write_text('{"keyboard": "planck/rev6"}')
    assert not is_qmk_userspace(overlay)
    assert find_qmk_userspace(environ={}, config=cfg, home=home) == default
    (default / "qmk.json").unlink()
    assert find_qmk_userspace(environ={}, config=cfg, home=home) is None


def test_userspace_build_targets(tmp_path: Path) -> None:
    space = userspace(tmp_path / "us", [["crkbd", "mine"], ["planck/rev6", "other", {"X": "1"}], "keymap.json",
                                        ["bad"], [1, 2]])
    assert userspace_build_targets(space) == [("crkbd", "mine"), ("planck/rev6", "other")]
    assert userspace_build_targets(tmp_path / "missing") == []


def test_the_hint_names_a_qmk_setup_the_person_can_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """keyconf's own `qmk` sits beside its Python: off PATH (a virtual environment not activated,
    pipx), the hint names it by its path; on PATH, plainly."""
    import shutil
    import sys

    from keyconf.catalogue.qmk_home import how_to_get_a_tree

    own = shutil.which("qmk", path=str(Path(sys.executable).parent))
    if own is None:
        pytest.skip("no qmk beside this Python (keyconf's dependency is not installed here)")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert f"`{own} setup`" in how_to_get_a_tree()
    monkeypatch.setenv("PATH", str(Path(own).parent))
    assert "get one with `qmk setup`" in how_to_get_a_tree()
