"""How imported layers, tap dances and combos get their layout names.

Files from VIA, Vial and keymap.json number their layers; keymap.c names them with C
identifiers (`_BASE`, `_LOWER`). A keyconf layout names layers so expressions read
`MO(lower)`; these two rules keep the names every importer picks consistent."""

from __future__ import annotations

import re

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def default_layer_name(index: int) -> str:
    """The name of a layer known only by its number."""
    return f"layer{index}"


def known_layer_names(keyboard: str) -> list[str]:
    """Layer names keyconf knows for a keyboard: those of its bundled example layout (a Planck
    read from the board gets base, lower, raise, adjust); [] when there is none."""
    try:
        from keyconf.resources import resource_path

        folder = resource_path("layouts")
    except (ImportError, FileNotFoundError):
        return []
    wanted = f"keyboard: {keyboard}"
    for path in sorted(folder.glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if not any(line.strip() == wanted for line in text.splitlines()):
            continue
        import yaml

        try:
            layers = (yaml.safe_load(text) or {}).get("layers")
        except yaml.YAMLError:
            continue
        if isinstance(layers, dict):
            names = [str(name) for name in layers]
            if all(_NAME.fullmatch(name) for name in names):
                return names
    return []


def layout_name_for_c_identifier(identifier: str) -> str:
    """`_BASE` → `base`, `L_NAV` → `l_nav`; an identifier that would lose its meaning stays as it is."""
    name = identifier.strip("_").lower()
    return name if _NAME.fullmatch(name) else identifier
