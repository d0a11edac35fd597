"""The C names keyconf's keymap.c gives a layout's layers, tap dances and combos.

One rule for both directions: the compiler writes these names, and the keymap.c importer
maps a file's own names onto them so the C code it carries still compiles."""

from __future__ import annotations

from dataclasses import dataclass, field

from keyconf.formats.c_literals import c_identifier, identifier_part
from keyconf.model.layout import Layout


@dataclass(frozen=True)
class NameProblem:
    """A name no C identifier can be made from: the layout's `section` entry `index`."""

    message: str
    section: str
    index: int


@dataclass
class KeymapNames:
    """The C identifiers chosen for a layout's layers, tap dances and combos."""

    layers: list[str]
    tap_dances: dict[str, str]  # tap dance name -> enum identifier
    combos: list[str]
    problems: list[NameProblem] = field(default_factory=list)


def unique_identifiers(
    names: list[str], prefix: str, fallback: str, problems: list[NameProblem], section: str
) -> list[str]:
    """`prefix` + NAME for each name, made unique, each a valid C identifier."""
    chosen: list[str] = []
    for index, name in enumerate(names):
        part = identifier_part(name).upper()
        base = f"{prefix}{part}" if part else f"{prefix}{fallback}{index}"
        candidate = base
        suffix = 2
        while candidate in chosen:
            candidate = f"{base}_{suffix}"
            suffix += 1
        try:
            chosen.append(c_identifier(candidate))
        except ValueError:
            problems.append(NameProblem(f"cannot make a C name from {name!r}", section, index))
            chosen.append(f"{prefix}{fallback}{index}")
    return chosen


def plan_names(layout: Layout) -> KeymapNames:
    problems: list[NameProblem] = []
    layers = unique_identifiers(layout.layer_names, "_", "LAYER", problems, "layers")
    tap_dance_ids = unique_identifiers(layout.tap_dance_names, "TD_", "", problems, "tap_dances")
    combos = unique_identifiers([combo.name or "" for combo in layout.combos], "CMB_", "", problems, "combos")
    return KeymapNames(
        layers=layers,
        tap_dances=dict(zip(layout.tap_dance_names, tap_dance_ids, strict=True)),
        combos=combos,
        problems=problems,
    )
