"""keyconf.resources finds the data folders in a checkout, where they sit at the repository
root, and in the installed layout (keyconf/_resources/ with layouts/ and docs/ inside)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf import APP_ID, resources
from keyconf.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_folders() -> None:
    assert resource_path("keyboards") == ROOT / "resources" / "keyboards"
    assert resource_path("layouts") == ROOT / "layouts"
    assert resource_path("layouts/planck.yaml") == ROOT / "layouts" / "planck.yaml"
    assert resource_path("docs/user-guide.md") == ROOT / "docs" / "user-guide.md"
    assert resource_path(f"icons/{APP_ID}.svg").is_file()


def test_installed_tree_wins_over_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "keyconf"
    (package / "_resources" / "layouts").mkdir(parents=True)
    (package / "_resources" / "layouts" / "planck.yaml").write_text("keyboard: planck/rev6\n")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    assert resource_path("layouts/planck.yaml") == package / "_resources" / "layouts" / "planck.yaml"
    # what the installed tree lacks is not looked for in some checkout beside it
    monkeypatch.setattr(resources, "_CHECKOUT_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="docs/user-guide.md.*reinstall keyconf"):
        resource_path("docs/user-guide.md")


def test_override_folder_is_laid_out_like_the_installed_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "layouts").mkdir()
    monkeypatch.setenv("KEYCONF_RESOURCES", str(tmp_path))
    assert resource_path("layouts") == tmp_path / "layouts"
    assert resource_path("keyboards") == ROOT / "resources" / "keyboards"  # falls back
