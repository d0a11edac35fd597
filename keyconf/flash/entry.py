"""Getting a keyboard into its bootloader.

Firmware that supports it is sent there by the host (the device layer provides that jump,
over VIA/Vial, as a plain callable). Upstream QMK answers VIA's `id_bootloader_jump` with
0xFF (unhandled), and many boards have no VIA at all, so most of the time the person must
do it: press the key bound to QK_BOOT (found in their layout here) or the reset button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from keyconf.flash.bootloaders import Bootloader
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

BOOT_KEYCODE = "QK_BOOT"


class JumpOutcome(Enum):
    JUMPED = "jumped"  # the keyboard accepted the command and is rebooting
    UNSUPPORTED = "unsupported"  # it answered that it does not do this (0xFF)
    NO_DEVICE = "no-device"  # no keyboard to send the command to
    FAILED = "failed"  # sending failed (permissions, the device went away…)


@dataclass(frozen=True)
class JumpResult:
    outcome: JumpOutcome
    message: str = ""


BootloaderJump = Callable[[], JumpResult]


@dataclass(frozen=True)
class BootKey:
    """Where QK_BOOT sits in a layout."""

    where: str  # "layer “fn”, key 12 (row 2, column 0)" or "combo of KC_Q + KC_P"
    layer: str | None = None
    index: int | None = None


def _canonicalizer(layout: Layout) -> Callable[[str], str]:
    """Canonical keycode text through the keycode registry (aliases such as RESET resolve);
    until the registry is present, the text itself."""
    try:
        from keyconf.model import keycodes  # type: ignore[attr-defined]
    except ImportError:
        return lambda text: text.strip()
    registry = getattr(keycodes, "REGISTRY", None)
    context_type = getattr(keycodes, "ParseContext", None)
    error_type = getattr(keycodes, "KeycodeError", ValueError)
    if registry is None or context_type is None:
        return lambda text: text.strip()
    context = context_type(layers=layout.layer_names, tap_dances=layout.tap_dance_names)

    def canonical(text: str) -> str:
        try:
            return str(registry.format(registry.parse(text, context)))
        except (error_type, ValueError, KeyError):
            return text.strip()

    return canonical


def find_boot_keys(layout: Layout, keyboard: Keyboard | None = None) -> list[BootKey]:
    """Every place the layout binds QK_BOOT: layer keys, then combos and tap dances."""
    canonical = _canonicalizer(layout)
    geometry = keyboard or layout.geometry
    macro_keys = None
    if geometry is not None:
        try:
            macro_keys = geometry.layout(layout.layout_macro).slot_keys
        except KeyError:
            macro_keys = None
    found: list[BootKey] = []
    for layer in layout.layers:
        for index, text in enumerate(layer.keys):
            if canonical(text) != BOOT_KEYCODE:
                continue
            where = f"layer “{layer.name}”, key {index + 1}"
            if macro_keys is not None and index < len(macro_keys):
                key = macro_keys[index]
                if key.label:
                    where += f" (“{key.label}”)"
                elif key.matrix is not None:
                    where += f" (row {key.matrix[0]}, column {key.matrix[1]})"
            found.append(BootKey(where, layer.name, index))
    for combo in layout.combos:
        if canonical(combo.action) == BOOT_KEYCODE:
            found.append(BootKey("the combo " + " + ".join(combo.keys)))
    for dance in layout.tap_dances:
        for gesture in ("tap", "hold", "double_tap", "tap_hold"):
            action = getattr(dance, gesture)
            if action and canonical(action) == BOOT_KEYCODE:
                found.append(BootKey(f"tap dance “{dance.name}” ({gesture.replace('_', ' ')})"))
    return found


def reset_instructions(
    bootloader: Bootloader | None = None,
    layout: Layout | None = None,
    keyboard: Keyboard | None = None,
) -> str:
    """What the person should do to put the keyboard into its bootloader."""
    lines: list[str] = []
    keys = find_boot_keys(layout, keyboard) if layout is not None else []
    if keys:
        places = "; ".join(k.where for k in keys[:3])
        lines.append(f"Press QK_BOOT on your keyboard: {places}.")
    else:
        lines.append(
            "Press the key bound to QK_BOOT (Bootloader), or the reset button on the keyboard's PCB."
        )
    if bootloader is not None and bootloader.how_to_enter:
        lines.append(f"For the {bootloader.title} bootloader: {bootloader.how_to_enter}.")
    lines.append(
        "With Bootmagic enabled: hold the top-left key (usually Esc) while plugging the keyboard in."
    )
    return "\n".join(lines)
