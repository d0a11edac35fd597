"""The built wheel, installed into a fresh venv, works as a new user's `pip install` does."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from package_build import ROOT, Built, Installed, png_size, wheel_names

from keyconf import __version__

pytestmark = pytest.mark.slow

SHIPPED_KEYBOARDS = sorted(p.name for p in (ROOT / "resources" / "keyboards").iterdir() if p.is_file())
SHIPPED_LAYOUTS = sorted(p.name for p in (ROOT / "layouts").glob("*.yaml"))
SHIPPED_ICONS = sorted(p.name for p in (ROOT / "resources" / "icons").iterdir() if p.is_file())
SHIPPED_CATALOGUE = sorted(p.name for p in (ROOT / "resources" / "catalogue").iterdir() if p.is_file())


def test_wheel_carries_keyboards_layouts_icons_and_the_guide(built: Built) -> None:
    names = set(wheel_names(built.wheel))
    assert SHIPPED_KEYBOARDS and SHIPPED_LAYOUTS and SHIPPED_ICONS
    for name in SHIPPED_KEYBOARDS:
        assert f"keyconf/_resources/keyboards/{name}" in names
    for name in SHIPPED_LAYOUTS:
        assert f"keyconf/_resources/layouts/{name}" in names
    for name in SHIPPED_ICONS:
        assert f"keyconf/_resources/icons/{name}" in names
    assert {"boards.bin", "lookup.json.gz", "entries.json.gz"} <= set(SHIPPED_CATALOGUE)
    for name in SHIPPED_CATALOGUE:  # every QMK keyboard and VIA definition (keyconf.catalogue.bundle)
        assert f"keyconf/_resources/catalogue/{name}" in names
    assert "keyconf/_resources/docs/user-guide.md" in names  # Help → User guide in an installed copy
    assert "keyconf/_resources/docs/images/main-window.png" in names
    assert "keyconf/model/keycodes/data/keycodes.json" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert built.wheel.name.startswith(f"keyconf-{__version__}-")


def test_sdist_carries_what_the_wheel_build_needs(built: Built) -> None:
    if built.sdist is None:
        pytest.skip("the test environment has no setuptools to make an sdist; the wheel was built from the tree")
    with tarfile.open(built.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for required in ("setup.py", "pyproject.toml", "MANIFEST.in", "layouts/planck.yaml",
                     "resources/keyboards/index.json", "resources/catalogue/lookup.json.gz",
                     "resources/catalogue/boards.bin", "packaging/linux/70-keyconf.rules"):
        assert required in names


def test_installed_version_is_the_one_in_the_package(installed: Installed) -> None:
    result = installed.keyconf_cmd("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"keyconf {__version__}"


def test_installed_keyconf_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    result = installed.python_cmd(
        "import keyconf, keyconf.resources as r; print(keyconf.__file__); print(r.resource_path('layouts')); "
        "print(r.resource_path('keyboards')); print(r.resource_path('icons')); "
        "print(r.resource_path('docs/user-guide.md'))"
    )
    assert result.returncode == 0, result.stderr
    paths = [Path(line) for line in result.stdout.split()]
    for path in paths:
        assert path.is_relative_to(installed.site_packages), path
    assert paths[1] == installed.site_packages / "keyconf" / "_resources" / "layouts"


def test_installed_keyconf_validates_every_shipped_layout(installed: Installed) -> None:
    layouts = installed.site_packages / "keyconf" / "_resources" / "layouts"
    files = sorted(str(p) for p in layouts.glob("*.yaml"))
    assert len(files) == len(SHIPPED_LAYOUTS)
    result = installed.keyconf_cmd("validate", "--strict", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok (") == len(files)


def test_installed_keyconf_prints_the_udev_rule(installed: Installed) -> None:
    from keyconf.flash.udev import udev_rules_text

    result = installed.keyconf_cmd("udev")
    assert result.returncode == 0, result.stderr
    assert result.stdout == udev_rules_text()


def test_installed_keyconf_opens_the_default_layout_and_screenshots_it(installed: Installed) -> None:
    if not (installed.site_packages / "keyconf" / "gui" / "main_window.py").exists():
        pytest.skip("the GUI (keyconf/gui/main_window.py) is not in this tree yet")
    out = installed.home / "shot.png"
    result = installed.keyconf_cmd("--screenshot", str(out), "--size", "1400x860", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    width, height = png_size(out)
    assert (width, height) == (1400, 860)
    assert out.stat().st_size > 10_000  # a drawn window, not an empty image
