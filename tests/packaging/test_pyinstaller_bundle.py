"""The PyInstaller one-folder app (packaging/pyinstaller/keyconf.spec) builds, carries its data
and Qt plugins, and starts: --version, validate on a bundled layout, an offscreen --screenshot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from package_build import must, png_size, run

from keyconf import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "pyinstaller" / "keyconf.spec"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if run([sys.executable, "-c", "import PyInstaller"]).returncode != 0:
        pytest.skip("PyInstaller is not installed in the test environment (pip install pyinstaller; "
                    "packaging/pyinstaller/build.sh installs it into its own venv)")
    work = tmp_path_factory.mktemp("pyinstaller")
    must(run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
              "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)], cwd=work, timeout=600))
    return work / "dist" / "keyconf"


def app_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KEYCONF"))}
    env.update(HOME=str(home), KEYCONF_HOME=str(home / "keyconf"), QT_QPA_PLATFORM="offscreen")
    return env


def test_bundle_carries_data_and_the_qt_plugins_it_needs(app: Path) -> None:
    resources = app / "_internal" / "keyconf" / "_resources"
    for part in ("keyboards/index.json", "layouts/planck.yaml", "icons", "docs/user-guide.md"):
        assert (resources / part).exists(), part
    plugins = next(app.glob("_internal/PySide6/Qt/plugins"))
    for plugin in ("platforms/libqoffscreen.so", "platforms/libqxcb.so", "platforms/libqwayland.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        assert (plugins / plugin).exists(), plugin


def test_bundle_starts_and_works(app: Path, tmp_path: Path) -> None:
    exe = app / "keyconf"
    env = app_env(tmp_path)
    version = must(run([str(exe), "--version"], cwd=tmp_path, env=env))
    assert version.stdout.strip() == f"keyconf {__version__}"
    layout = app / "_internal" / "keyconf" / "_resources" / "layouts" / "corne.yaml"
    checked = must(run([str(exe), "validate", str(layout)], cwd=tmp_path, env=env))
    assert ": ok (crkbd" in checked.stdout
    shot = tmp_path / "shot.png"
    must(run([str(exe), "--screenshot", str(shot), "--size", "1400x860"], cwd=tmp_path, env=env, timeout=120))
    assert png_size(shot) == (1400, 860)
    assert shot.stat().st_size > 10_000
