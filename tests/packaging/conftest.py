"""Session fixtures: keyconf built once (sdist, then a wheel from it) and installed once into a
fresh venv; see package_build.py."""

from __future__ import annotations

import pytest
from package_build import Built, Installed, build_sdist_and_wheel, install_into_fresh_venv


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_sdist_and_wheel(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return install_into_fresh_venv(built, tmp_path_factory.mktemp("installed"))
