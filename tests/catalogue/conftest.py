"""Fixtures for catalogue tests: generated qmk_firmware trees and an isolated user environment."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from synthetic_qmk import SyntheticTree, make_qmk_tree

BIG_TREE_SIZE = 3000


@pytest.fixture(scope="session")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> SyntheticTree:
    """A 3,000-keyboard tree, generated once per test session; tests must not change it."""
    return make_qmk_tree(tmp_path_factory.mktemp("big") / "qmk_firmware", BIG_TREE_SIZE)


@pytest.fixture(scope="session")
def big_index(big_tree: SyntheticTree, tmp_path_factory: pytest.TempPathFactory):
    from keyconf.catalogue.qmk_index import load_qmk_index

    return load_qmk_index(big_tree.root, cache_dir=tmp_path_factory.mktemp("big-cache"))


@pytest.fixture
def small_tree(tmp_path: Path) -> SyntheticTree:
    """A 60-keyboard tree of the test's own, to change at will."""
    return make_qmk_tree(tmp_path / "qmk_firmware", 60, seed=3)


@pytest.fixture
def user_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder, XDG folders and environment of a user who configured nothing."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, folder in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"),
                         ("XDG_DATA_HOME", ".local/share")):
        monkeypatch.setenv(name, str(home / folder))
    for name in ("QMK_HOME", "QMK_USERSPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(home)
    return home


def qmk_cli() -> str | None:
    """The `qmk` command (keyconf depends on it, so it sits beside the Python running the tests)."""
    beside = Path(sys.executable).parent / "qmk"
    if beside.exists():
        return str(beside)
    return shutil.which("qmk")
