"""The keycode registry: the one place keyconf knows QMK keycodes.

    from keyconf.model.keycodes import REGISTRY, ParseContext, Numbering
    kc = REGISTRY.parse("LT(nav, KC_SPC)", ParseContext(layers=["base", "nav"]))
    REGISTRY.encode(kc, ParseContext(layers=["base", "nav"]))  # 0x412C
    REGISTRY.legend(kc)  # Legend(tap="Space", hold="nav")

Data: keycodes.json (generated from QMK's keycode spec by scripts/gen_keycodes.py) and
legends.txt (keyconf's own legends and descriptions), both in data/. `REGISTRY` is built on
first use, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyconf.model.keycodes.forms import (
    MOD_TAPS,
    MOD_WRAPPERS,
    ONE_SHOT_MODS,
    PARAMETERISED_FORMS,
    FormSpec,
)
from keyconf.model.keycodes.mods import (
    MOD_MASK_NAMES,
    MOD_NAMES,
    ModsError,
    format_mods,
    from_qmk5,
    mod_mask_names,
    parse_mod_mask,
    parse_mods,
    to_qmk5,
)
from keyconf.model.keycodes.registry import FormerName, KeycodeRegistry, SpecNames
from keyconf.model.keycodes.types import (
    OP_CUSTOM,
    OP_RAW,
    OP_TAP_DANCE,
    OP_UNICODE,
    OP_UNICODE_MAP,
    OP_UNICODE_PAIR,
    TAP_OPS,
    Keycode,
    KeycodeDef,
    KeycodeError,
    Legend,
    Numbering,
    ParseContext,
    ParsedText,
    UserKeycode,
)

__all__ = [
    "MOD_MASK_NAMES",
    "MOD_NAMES",
    "OP_CUSTOM",
    "OP_RAW",
    "OP_TAP_DANCE",
    "OP_UNICODE",
    "OP_UNICODE_MAP",
    "OP_UNICODE_PAIR",
    "TAP_OPS",
    "MOD_TAPS",
    "MOD_WRAPPERS",
    "ONE_SHOT_MODS",
    "PARAMETERISED_FORMS",
    "REGISTRY",
    "FormSpec",
    "FormerName",
    "Keycode",
    "KeycodeDef",
    "KeycodeError",
    "KeycodeRegistry",
    "Legend",
    "ModsError",
    "Numbering",
    "ParseContext",
    "ParsedText",
    "SpecNames",
    "format_mods",
    "from_qmk5",
    "mod_mask_names",
    "parse_mod_mask",
    "parse_mods",
    "to_qmk5",
    "UserKeycode",
]

if TYPE_CHECKING:
    REGISTRY: KeycodeRegistry

_registry: KeycodeRegistry | None = None


def __getattr__(name: str) -> object:
    if name == "REGISTRY":
        global _registry
        if _registry is None:
            _registry = KeycodeRegistry()
        return _registry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
