"""The Linux desktop entry, AppStream metainfo and icon: valid for the freedesktop tools, and
consistent with each other and with the package (app id, version, screenshots)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from package_build import png_size

from keyconf import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICON = ROOT / "resources" / "icons" / f"{APP_ID}.svg"
SCREENSHOT_URL_PREFIX = "https://raw.githubusercontent.com/keyconf/keyconf/main/"


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return path


def test_desktop_file_validates() -> None:
    result = subprocess.run([tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error:" not in result.stdout and "warning:" not in result.stdout, result.stdout


def test_metainfo_validates() -> None:
    result = subprocess.run([tool("appstreamcli", "appstream"), "validate", "--no-net", "--explain", str(METAINFO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith(("E:", "W:"))]
    assert not problems, result.stdout


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_runs_the_installed_command_with_the_app_icon() -> None:
    entry = desktop_entry()
    assert entry["Exec"].split()[0] == "keyconf" == entry["TryExec"]
    assert entry["Icon"] == APP_ID
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"


def test_metainfo_names_the_same_app_version_and_launcher() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name  # type: ignore[union-attr]
    assert root.findtext("icon") == APP_ID
    assert root.find("content_rating").get("type", "").startswith("oars-")  # type: ignore[union-attr]
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == __version__, "metainfo's newest <release> must be keyconf.__version__"
    assert [b.text for b in root.iter("binary")] == ["keyconf"]


def test_metainfo_screenshots_are_files_in_the_repository() -> None:
    images = list(ET.parse(METAINFO).getroot().iter("image"))
    assert images
    for image in images:
        url = image.text or ""
        assert url.startswith(SCREENSHOT_URL_PREFIX), url
        path = ROOT / url.removeprefix(SCREENSHOT_URL_PREFIX)
        assert path.is_file(), f"{url}: {path.relative_to(ROOT)} is missing (docs/images/update-screenshots.sh)"
        assert png_size(path) == (int(image.get("width", 0)), int(image.get("height", 0))), url


def test_icon_is_a_square_svg_that_qt_renders(qapp: object) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    root = ET.parse(ICON).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 128 128"
    assert not list(root.iter("{http://www.w3.org/2000/svg}text")), "no text: fonts differ between systems"
    renderer = QSvgRenderer(str(ICON))
    assert renderer.isValid()
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    centre, corner = image.pixelColor(32, 32), image.pixelColor(0, 0)
    assert centre.alpha() == 255 and corner.alpha() == 0
