"""Before a build: the `qmk` to run is one whose Python has the tree's requirements.txt, or
keyconf installs what is missing into its own environment. Fake trees, real interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from keyconf.compiler import qmk_python
from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.qmk_python import choose_qmk, interpreter_of, tree_requirements, unmet_requirements
from tests.compiler import layouts
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

ABSENT = "keyconf-test-absent-package"


def tree_needing(root: Path, requirements: str) -> Path:
    tree = make_fake_tree(root)
    (tree / "requirements.txt").write_text(requirements)
    return tree


def user_environment(folder: Path, packages: dict[str, str]) -> Path:
    """A separate Python environment (a venv) holding `packages` (name -> version) as installed
    distributions; returns its `python`."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for name, version in packages.items():
        info = Path(site) / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return python


def test_requirements_are_read_like_pip_reads_them(tmp_path):
    text = "# Python requirements\n# platformdirs\nappdirs\n\njsonschema>=4  # x\n-r more.txt\n"
    tree = tree_needing(tmp_path / "t", text)
    assert tree_requirements(tree) == ["appdirs", "jsonschema>=4"]
    assert tree_requirements(tmp_path / "nowhere") == []


def test_the_interpreter_asked_is_the_one_qmk_runs_in(tmp_path):
    script = tmp_path / "qmk"
    script.write_text("#!/usr/bin/env python3\nprint()\n")
    assert interpreter_of(str(script)) is not None and "python3" in interpreter_of(str(script))
    script.write_text(f"#!{sys.executable}\n")
    assert interpreter_of(str(script)) == sys.executable
    script.write_text("#!/bin/sh\nexit 0\n")
    assert interpreter_of(str(script)) is None


def test_unmet_requirements_names_missing_and_too_old_packages():
    missing = unmet_requirements(sys.executable, ["pytest", ABSENT, "pytest>=999", "PyYAML>=5"])
    assert missing == [ABSENT, "pytest>=999"]
    assert unmet_requirements(sys.executable, []) == []
    assert unmet_requirements("/nonexistent/python", ["pytest"]) is None


def test_keyconfs_own_qmk_is_chosen_and_told_what_to_install(tmp_path, monkeypatch):
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    tree = tree_needing(tmp_path / "qmk_firmware", f"pytest\n{ABSENT}\n")
    choice = choose_qmk(tree)
    assert choice is not None
    assert choice.program.own and choice.program.path == str(tmp_path / "tools" / "bin" / "qmk")
    assert choice.missing == [ABSENT]


def test_the_users_qmk_is_used_when_its_python_has_everything(tmp_path, monkeypatch):
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    python = user_environment(tmp_path / "userenv", {ABSENT: "2.0"})
    user_bin = tmp_path / "user-bin"
    user_bin.mkdir()
    (user_bin / "qmk").write_text(f"#!{python}\nprint('the user qmk')\n")
    (user_bin / "qmk").chmod(0o755)
    monkeypatch.setenv("PATH", f"{user_bin}:/usr/bin:/bin")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}>=1.5\n")
    choice = choose_qmk(tree)
    assert choice is not None and choice.program.path == str(user_bin / "qmk")
    assert choice.missing == [] and not choice.program.own
    # Too old for the tree: keyconf's own qmk is chosen, with the requirement to install.
    (tree / "requirements.txt").write_text(f"{ABSENT}>=3\n")
    choice = choose_qmk(tree)
    assert choice is not None and choice.program.own and choice.missing == [f"{ABSENT}>=3"]


def fake_pip(monkeypatch, script: str) -> None:
    monkeypatch.setattr(
        qmk_python, "install_command", lambda requirements, python=None: [sys.executable, "-c", script, *requirements]
    )


def request(tree: Path, out: Path) -> BuildRequest:
    return BuildRequest(layout=layouts.with_tap_dances(), qmk_home=tree, output_dir=out, jobs=1)


def test_a_build_installs_what_the_tree_needs_first(tmp_path, monkeypatch):
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    fake_pip(monkeypatch, "import sys; print('Successfully installed', *sys.argv[1:])")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}\n")
    lines: list[str] = []
    result = FirmwareBuild(request(tree, tmp_path / "out"), on_line=lines.append).run()
    assert result.ok, result.problems
    assert any("installing" in line and ABSENT in line for line in lines)
    assert f"Successfully installed {ABSENT}" in lines


def test_a_failed_install_stops_the_build_with_a_clear_problem(tmp_path, monkeypatch):
    calls = install_fake_toolchain(tmp_path / "tools", monkeypatch)
    fake_pip(monkeypatch, "import sys; print('ERROR: No matching distribution'); sys.exit(1)")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}\n")
    result = FirmwareBuild(request(tree, tmp_path / "out")).run()
    assert result.status == "failed"
    (problem,) = result.problems
    assert problem.code == "qmk-python" and ABSENT in problem.message
    assert "installing it failed: No matching distribution (pip exit status 1)" in problem.message  # pip's why
    assert problem.hint and "pip install" in problem.hint
    assert not calls.exists()  # qmk never ran


def test_a_system_managed_python_says_so(tmp_path, monkeypatch):
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    fake_pip(monkeypatch, "import sys; print('error: externally-managed-environment'); sys.exit(1)")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}\n")
    (problem,) = FirmwareBuild(request(tree, tmp_path / "out")).run().problems
    assert "installing it failed: externally-managed-environment (pip exit status 1)" in problem.message


def test_cancel_stops_the_install(tmp_path, monkeypatch):
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    fake_pip(monkeypatch, "import time; print('Collecting', flush=True); time.sleep(30)")
    tree = tree_needing(tmp_path / "qmk_firmware", f"{ABSENT}\n")
    started = threading.Event()
    build = FirmwareBuild(request(tree, tmp_path / "out"), on_line=lambda line: "Collecting" in line and started.set())
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(build.run()))
    began = time.monotonic()
    worker.start()
    assert started.wait(10)
    build.cancel()
    worker.join(15)
    assert not worker.is_alive() and time.monotonic() - began < 12
    assert outcome[0].status == "cancelled"  # type: ignore[attr-defined]


@pytest.mark.parametrize("variable", ["KEYCONF_TEST_QMK_HOME_2024", "KEYCONF_TEST_QMK_HOME"])
def test_real_trees_requirements_are_read(variable):
    """March 2024's tree asks for appdirs, 2025's no longer (platformdirs comes with milc)."""
    configured = os.environ.get(variable)
    if not configured or not (Path(configured) / "requirements.txt").is_file():
        pytest.skip(f"{variable} is not set to a qmk_firmware tree")
    needed = tree_requirements(Path(configured))
    assert ("appdirs" in needed) == variable.endswith("_2024")
    assert "milc>=1.4.2" in needed or "milc>=1.9.0" in needed
