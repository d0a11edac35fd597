"""Where keyconf's data files (bundled keyboards, icons…) are, in a checkout and when installed.

In a source checkout they are in `resources/` at the repository root. An installed wheel
carries the same tree as package data in `keyconf/_resources/`. `KEYCONF_RESOURCES` points
elsewhere (packagers, tests).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_roots() -> list[Path]:
    """Folders searched for resources, first match wins."""
    roots = []
    override = os.environ.get("KEYCONF_RESOURCES")
    if override:
        roots.append(Path(override))
    roots.append(_PACKAGE_DIR / "_resources")  # installed wheel
    roots.append(_PACKAGE_DIR.parent / "resources")  # source checkout
    return roots


def resource_path(name: str) -> Path:
    """The path of resource `name` (a file or folder, e.g. "keyboards").

    Raises FileNotFoundError naming every place looked at: a broken install must say so."""
    for root in resource_roots():
        candidate = root / name
        if candidate.exists():
            return candidate
    tried = ", ".join(str(root / name) for root in resource_roots())
    raise FileNotFoundError(f"keyconf resource {name!r} not found (looked in {tried}); reinstall keyconf")
