"""Where keyconf's data files (bundled keyboards, icons, example layouts, docs) are, in a checkout and
when installed.

In a source checkout they are in `resources/` at the repository root, with the example layouts
(`layouts/`) and the documentation (`docs/`, the user guide) beside it. An installed wheel (and
the PyInstaller bundle) carries all three as package data in one tree, `keyconf/_resources/`
with `layouts/` and `docs/` inside it: setup.py's build step copies them there.
`KEYCONF_RESOURCES` points elsewhere (packagers, tests), laid out like the installed tree.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parent

# Top-level folders that live at the checkout's root instead of under resources/.
CHECKOUT_ROOT_FOLDERS = ("layouts", "docs")


def resource_roots() -> list[Path]:
    """Folders searched for resources, first match wins."""
    roots = []
    override = os.environ.get("KEYCONF_RESOURCES")
    if override:
        roots.append(Path(override))
    roots.append(_PACKAGE_DIR / "_resources")  # installed wheel
    roots.append(_CHECKOUT_DIR / "resources")  # source checkout
    return roots


def _candidates(name: str) -> list[Path]:
    candidates = [root / name for root in resource_roots()]
    if Path(name).parts[:1] and Path(name).parts[0] in CHECKOUT_ROOT_FOLDERS:
        candidates.append(_CHECKOUT_DIR / name)  # source checkout: layouts/ beside resources/
    return candidates


def resource_path(name: str) -> Path:
    """The path of resource `name` (a file or folder: "keyboards", "layouts/planck.yaml",
    "docs/user-guide.md", "icons/<APP_ID>.svg").

    Raises FileNotFoundError naming every place looked at: a broken install must say so."""
    candidates = _candidates(name)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"keyconf resource {name!r} not found (looked in {tried}); reinstall keyconf")
