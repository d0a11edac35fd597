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


def layout_name_for_c_identifier(identifier: str) -> str:
    """`_BASE` → `base`, `L_NAV` → `l_nav`; an identifier that would lose its meaning stays as it is."""
    name = identifier.strip("_").lower()
    return name if _NAME.fullmatch(name) else identifier
