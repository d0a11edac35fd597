"""rules.mk for a generated keymap: exactly the features the layout uses, nothing else.

Features the board already enables stay as the board has them, but for those the layout
switches off by name (`features_off:`, as an imported keymap's own rules.mk did).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# The order features are written in (the rest follow alphabetically), with a note each.
FEATURE_NOTES: dict[str, str] = {
    "VIA_ENABLE": "remap from VIA / keyconf without reflashing",
    "TAP_DANCE_ENABLE": "tap dances",
    "COMBO_ENABLE": "combos",
    "KEY_OVERRIDE_ENABLE": "key overrides",
    "ENCODER_ENABLE": "rotary encoders",
    "ENCODER_MAP_ENABLE": "encoder actions per layer",
    "MOUSEKEY_ENABLE": "mouse keys",
    "EXTRAKEY_ENABLE": "media and system keys",
    "CAPS_WORD_ENABLE": "Caps Word",
    "REPEAT_KEY_ENABLE": "repeat key",
    "AUTOCORRECT_ENABLE": "autocorrect",
    "DYNAMIC_MACRO_ENABLE": "dynamic macros",
    "LAYER_LOCK_ENABLE": "layer lock",
    "KEY_LOCK_ENABLE": "key lock",
    "TRI_LAYER_ENABLE": "tri layer",
    "UNICODE_ENABLE": "Unicode input",
    "SWAP_HANDS_ENABLE": "swap hands",
    "LTO_ENABLE": "link-time optimisation: smaller firmware",
}


@dataclass
class QmkSources:
    """What of the QMK tree a keymap builds with: folders for VPATH (from the tree's root), and
    sources for SRC (found through VPATH: a keyboard folder's `lib/x.c`, or a VPATH folder's file)."""

    folders: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    when: dict[str, str] = field(default_factory=dict)  # a source's feature switch, as `c_files: qmk` has it


def generate_rules_mk(features: Iterable[str], header: str, sources: Iterable[tuple[str, str | None]] = (),
                      off: Iterable[str] = (), qmk: QmkSources | None = None,
                      drivers: dict[str, str] | None = None, converter: str | None = None,
                      bootloader: str | None = None) -> str:
    """rules.mk text: `header` comment lines, then `FEATURE = yes` for each feature, then
    `SRC +=` the layout's C files to compile, as (path in the keymap folder, which is on make's
    VPATH; the feature switch it needs or None), `X = no` for the features in `off`, and the
    VPATH folders and sources of QMK's own tree in `qmk`, and the controller built for
    (`CONVERT_TO`, `BOOTLOADER`), where a keymap's rules.mk sets them for QMK's build. The
    layout format allows only paths make reads as names, switches named `X_ENABLE` and plain
    converter and bootloader names: nothing else of a layout reaches make."""
    wanted = set(features)
    order = [name for name in FEATURE_NOTES if name in wanted] + sorted(wanted - set(FEATURE_NOTES))
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if order:
        lines.append("")
        width = max(len(name) for name in order)
        for name in order:
            note = FEATURE_NOTES.get(name)
            lines.append(f"{name.ljust(width)} = yes" + (f"  # {note}" if note else ""))
    else:
        lines.append("")
        lines.append("# No extra features: the board's own settings apply.")
    switched_off = list(off)
    if switched_off:
        lines.append("")
        width = max(len(name) for name in switched_off)
        lines += [f"{name.ljust(width)} = no  # switched off by the layout (features_off)" for name in switched_off]
    if drivers:
        lines.append("")
        lines += [f"{name} = {value}  # the layout's " + ("driver (drivers)" if name.endswith("_DRIVER") else
                  "build option (rules)") for name, value in drivers.items()]
    if converter or bootloader:
        lines.append("")
        if converter:
            lines.append(f"CONVERT_TO = {converter}  # the controller in the board's socket (converter)")
        if bootloader:
            lines.append(f"BOOTLOADER = {bootloader}  # the controller's bootloader (bootloader)")
    if qmk is not None and (qmk.folders or qmk.sources):
        lines.append("")
        lines.append("# QMK's own C files the layout builds with (c_files: qmk), from the tree")
        lines += [f"VPATH += {folder}" for folder in qmk.folders]
        lines += [f"SRC += {source}" for source in qmk.sources if source not in qmk.when]
        for switch in dict.fromkeys(qmk.when[source] for source in qmk.sources if source in qmk.when):
            lines.append(f"ifeq ($(strip $({switch})), yes)")
            lines += [f"    SRC += {source}" for source in qmk.sources if qmk.when.get(source) == switch]
            lines.append("endif")
    compiled = list(sources)
    if compiled:
        lines.append("")
        lines.append("# The layout's own C files (c_files: compile)")
        lines += [f"SRC += {path}" for path, when in compiled if when is None]
        for switch in dict.fromkeys(when for _, when in compiled if when is not None):
            lines.append(f"ifeq ($(strip $({switch})), yes)")
            lines += [f"    SRC += {path}" for path, when in compiled if when == switch]
            lines.append("endif")
    return "\n".join(lines) + "\n"
