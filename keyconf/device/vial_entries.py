"""Vial's dynamic entries (tap dances, combos, key overrides) <-> the layout's own.

Vial stores these in EEPROM as fixed tables of raw values; a layout names them and writes
keycodes as text. Modifier masks are 8-bit (one bit per modifier, left hand in the low
nibble, as the HID report has them); the layout writes them as QMK names: `MOD_LSFT` for one
modifier of one hand, `MOD_MASK_SHIFT` (or `MOD_MASK_CS`…) for either hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from keyconf.device.keycode_codec import KeycodeCodec, KeycodeEncodeError
from keyconf.device.vial_protocol import KeyOverrideOption, VialCombo, VialKeyOverride, VialTapDance
from keyconf.model.keycodes.mods import ModsError, mod_mask_names, parse_mod_mask
from keyconf.model.layout import Combo, KeyOverride, TapDance, key_override_option_bits, key_override_options

DEFAULT_TAPPING_TERM = 200  # QMK's TAPPING_TERM default, for a new tap dance without a term
DEFAULT_OVERRIDE_OPTIONS = (
    KeyOverrideOption.ACTIVATION_TRIGGER_DOWN
    | KeyOverrideOption.ACTIVATION_REQUIRED_MOD_DOWN
    | KeyOverrideOption.ACTIVATION_NEGATIVE_MOD_UP
)
ALL_LAYERS = 0xFFFF


class EntryError(ValueError):
    pass


def mods_mask(names: Sequence[str]) -> int:
    """The 8-bit mask for mod names: MOD_LSFT / MOD_RALT… (one hand), MOD_MASK_SHIFT / MOD_MASK_CS… (both)."""
    mask = 0
    for name in names:
        try:
            mask |= parse_mod_mask(name)
        except ModsError as error:
            raise EntryError(f"{name}: {error}") from None
    return mask


def mods_names(mask: int) -> list[str]:
    """Names for an 8-bit mask: MOD_MASK_* where both hands of a modifier are set, MOD_* otherwise."""
    return mod_mask_names(mask)


@dataclass(frozen=True)
class Names:
    """Name contexts for keycode text: layers and tap dances."""

    layers: Sequence[str]
    tap_dances: Sequence[str]


# --- tap dances ------------------------------------------------------------------------------


def tap_dance_names(count: int) -> list[str]:
    return [f"td{i}" for i in range(count)]


def tap_dance_from_entry(name: str, entry: VialTapDance, codec: KeycodeCodec, names: Names) -> TapDance:
    def text(value: int) -> str | None:
        return codec.decode(value, names.layers, names.tap_dances) if value else None

    return TapDance(
        name=name,
        tap=codec.decode(entry.on_tap, names.layers, names.tap_dances),
        hold=text(entry.on_hold),
        double_tap=text(entry.on_double_tap),
        tap_hold=text(entry.on_tap_hold),
        tapping_term=entry.tapping_term or None,  # 0: never set (a term of 0 is meaningless)
    )


def tap_dance_entry(dance: TapDance, current: VialTapDance | None, codec: KeycodeCodec, names: Names) -> VialTapDance:
    def value(text: str | None) -> int:
        return codec.encode(text, names.layers, names.tap_dances) if text else 0

    term = dance.tapping_term
    if term is None:
        term = current.tapping_term if current is not None and current.tapping_term else DEFAULT_TAPPING_TERM
    return VialTapDance(value(dance.tap), value(dance.hold), value(dance.double_tap), value(dance.tap_hold), term)


def is_empty_tap_dance(entry: VialTapDance) -> bool:
    return not (entry.on_tap or entry.on_hold or entry.on_double_tap or entry.on_tap_hold)


# --- combos ----------------------------------------------------------------------------------


def combo_from_entry(entry: VialCombo, codec: KeycodeCodec, names: Names) -> Combo:
    keys = [codec.decode(k, names.layers, names.tap_dances) for k in entry.keys if k]
    return Combo(keys=keys, action=codec.decode(entry.output, names.layers, names.tap_dances))


def combo_entry(combo: Combo, codec: KeycodeCodec, names: Names) -> VialCombo:
    if not 2 <= len(combo.keys) <= 4:
        raise EntryError(f"a Vial combo takes 2 to 4 keys, this one has {len(combo.keys)}")
    keys = [codec.encode(k, names.layers, names.tap_dances) for k in combo.keys] + [0, 0, 0]
    return VialCombo((keys[0], keys[1], keys[2], keys[3]), codec.encode(combo.action, names.layers, names.tap_dances))


def is_empty_combo(entry: VialCombo) -> bool:
    return not entry.output and not any(entry.keys)


# --- key overrides ---------------------------------------------------------------------------


def key_override_from_entry(entry: VialKeyOverride, codec: KeycodeCodec, names: Names) -> KeyOverride:
    layers = None
    if entry.layers & ALL_LAYERS != ALL_LAYERS:
        layers = [names.layers[i] if i < len(names.layers) else str(i) for i in range(16) if entry.layers >> i & 1]
    return KeyOverride(
        trigger=codec.decode(entry.trigger, names.layers, names.tap_dances),
        replacement=codec.decode(entry.replacement, names.layers, names.tap_dances),
        mods=mods_names(entry.trigger_mods),
        layers=layers,
        negative_mods=mods_names(entry.negative_mods),
        suppressed_mods=None if entry.suppressed_mods == entry.trigger_mods else mods_names(entry.suppressed_mods),
        options=key_override_options(entry.options & ~KeyOverrideOption.ENABLED),
        enabled=entry.enabled,
    )


def key_override_entry(
    override: KeyOverride, current: VialKeyOverride | None, codec: KeycodeCodec, names: Names
) -> VialKeyOverride:
    layers = ALL_LAYERS
    if override.layers is not None:
        layers = 0
        for name in override.layers:
            index = list(names.layers).index(name) if name in names.layers else None
            if index is None or index >= 16:
                raise EntryError(f"layer {name}: Vial key overrides reach layers 0-15 of this layout only")
            layers |= 1 << index
    trigger_mods = mods_mask(override.mods)
    suppressed = trigger_mods if override.suppressed_mods is None else mods_mask(override.suppressed_mods)
    options = key_override_option_bits(override.options) | (KeyOverrideOption.ENABLED if override.enabled else 0)
    return VialKeyOverride(
        trigger=codec.encode(override.trigger, names.layers, names.tap_dances),
        replacement=codec.encode(override.replacement, names.layers, names.tap_dances),
        layers=layers,
        trigger_mods=trigger_mods,
        negative_mods=mods_mask(override.negative_mods),
        suppressed_mods=suppressed,
        options=options,
    )


def disabled_key_override(current: VialKeyOverride | None) -> VialKeyOverride:
    if current is None or not current.enabled:
        return current or VialKeyOverride(options=DEFAULT_OVERRIDE_OPTIONS)
    return VialKeyOverride(
        current.trigger,
        current.replacement,
        current.layers,
        current.trigger_mods,
        current.negative_mods,
        current.suppressed_mods,
        current.options & ~KeyOverrideOption.ENABLED,
    )


__all__ = [
    "EntryError",
    "KeycodeEncodeError",
    "Names",
    "combo_entry",
    "combo_from_entry",
    "disabled_key_override",
    "is_empty_combo",
    "is_empty_tap_dance",
    "key_override_entry",
    "key_override_from_entry",
    "mods_mask",
    "mods_names",
    "tap_dance_entry",
    "tap_dance_from_entry",
    "tap_dance_names",
]
