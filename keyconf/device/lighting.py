"""Lighting and audio controls over VIA's custom value commands (0x07 set, 0x08 get, 0x09 save).

Protocol 12+ addresses a value as (channel, value id): backlight, rgblight, RGB matrix,
LED matrix, audio. Before protocol 12 (and on Vial) there were no channels: one flat value id
space (backlight 0x09/0x0A, rgblight 0x80-0x83, which RGB matrix boards reuse) and a single
save. Setting a value applies it at once without saving; `save` persists it.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyconf.device.errors import UnsupportedCommand
from keyconf.device.via_client import ViaClient
from keyconf.device.via_protocol import Channel


@dataclass(frozen=True)
class LightingValue:
    name: str  # brightness, effect, effect_speed, color (hue, saturation), enable, clicky_enable
    value_id: int
    size: int = 1
    maximum: int = 255


BRIGHTNESS = "brightness"
EFFECT = "effect"
EFFECT_SPEED = "effect_speed"
COLOR = "color"
ENABLE = "enable"
CLICKY = "clicky_enable"

_RGB_VALUES = (
    LightingValue(BRIGHTNESS, 1),
    LightingValue(EFFECT, 2),
    LightingValue(EFFECT_SPEED, 3),
    LightingValue(COLOR, 4, size=2),
)

CHANNEL_VALUES: dict[Channel, tuple[LightingValue, ...]] = {
    Channel.BACKLIGHT: (LightingValue(BRIGHTNESS, 1), LightingValue(EFFECT, 2, maximum=1)),
    Channel.RGBLIGHT: _RGB_VALUES,
    Channel.RGB_MATRIX: _RGB_VALUES,
    Channel.LED_MATRIX: _RGB_VALUES[:3],
    Channel.AUDIO: (LightingValue(ENABLE, 1, maximum=1), LightingValue(CLICKY, 2, maximum=1)),
}

# Before protocol 12: flat value ids, rgblight ids shared by RGB matrix.
LEGACY_VALUES: dict[Channel, tuple[LightingValue, ...]] = {
    Channel.BACKLIGHT: (LightingValue(BRIGHTNESS, 0x09), LightingValue(EFFECT, 0x0A, maximum=1)),
    Channel.RGBLIGHT: (
        LightingValue(BRIGHTNESS, 0x80),
        LightingValue(EFFECT, 0x81),
        LightingValue(EFFECT_SPEED, 0x82),
        LightingValue(COLOR, 0x83, size=2),
    ),
}

CHANNEL_LABELS = {
    Channel.BACKLIGHT: "Backlight",
    Channel.RGBLIGHT: "Underglow (RGB light)",
    Channel.RGB_MATRIX: "RGB matrix",
    Channel.LED_MATRIX: "LED matrix",
    Channel.AUDIO: "Audio",
}

LightingSetting = int | tuple[int, int]


class Lighting:
    """The lighting values of one keyboard; `legacy` for VIA protocol <= 11 and Vial."""

    def __init__(self, client: ViaClient, legacy: bool):
        self.client = client
        self.legacy = legacy

    def values(self, channel: Channel) -> tuple[LightingValue, ...]:
        table = LEGACY_VALUES if self.legacy else CHANNEL_VALUES
        if channel not in table:
            raise UnsupportedCommand(
                f"{CHANNEL_LABELS.get(channel, str(channel))} has no controls before VIA protocol 12",
                0x08,
            )
        return table[channel]

    def _value(self, channel: Channel, name: str) -> LightingValue:
        for value in self.values(channel):
            if value.name == name:
                return value
        raise KeyError(f"{CHANNEL_LABELS.get(channel, channel)} has no {name} setting")

    def probe(self) -> list[Channel]:
        """Channels this firmware answers. Protocol 12+ answers 0xFF for channels it lacks;
        older firmware cannot tell, so both legacy groups are offered when the command exists."""
        present = []
        channels = list(LEGACY_VALUES) if self.legacy else list(CHANNEL_VALUES)
        for channel in channels:
            try:
                self.get(channel, self.values(channel)[0].name)
            except UnsupportedCommand:
                continue
            present.append(channel)
        return present

    def get(self, channel: Channel, name: str) -> LightingSetting:
        value = self._value(channel, name)
        data = self.client.custom_get(channel, value.value_id, value.size, legacy=self.legacy)
        return (data[0], data[1]) if value.size == 2 else data[0]

    def read_all(self, channel: Channel) -> dict[str, LightingSetting]:
        return {value.name: self.get(channel, value.name) for value in self.values(channel)}

    def set(self, channel: Channel, name: str, setting: LightingSetting) -> None:
        value = self._value(channel, name)
        parts = list(setting) if isinstance(setting, tuple) else [setting]
        if len(parts) != value.size or not all(0 <= p <= value.maximum for p in parts):
            raise ValueError(f"{name} takes {value.size} value(s) in 0..{value.maximum}, got {setting}")
        self.client.custom_set(channel, value.value_id, bytes(parts), legacy=self.legacy)

    def save(self, channel: Channel) -> None:
        self.client.custom_save(channel, legacy=self.legacy)
