"""The firmware settings a layout's `settings:` names, and where QMK keeps each one.

A setting's name is its QMK `config.h` define in lower case (`tapping_term` is TAPPING_TERM).
keymap.json keeps the same settings under `config` at data-driven paths (QMK's
data/mappings/info_config.hjson: TAPPING_TERM is `tapping.term`); Vial keeps them as
numbered QMK settings (vial-gui qmk_settings.json "qsid"). Importers and exporters translate
through this one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str  # layout name: the config.h define, lower case
    info_key: str | None  # keymap.json `config` path, dotted
    vial_id: int | None  # Vial's qsid
    default: int | bool  # the value a board has unless configured (QMK's default, as Vial reports it)
    flag: bool = False  # on/off rather than a number


SETTINGS: tuple[Setting, ...] = (
    Setting("tapping_term", "tapping.term", 7, 200),
    Setting("tapping_toggle", "tapping.toggle", 20, 5),
    Setting("permissive_hold", "tapping.permissive_hold", 22, False, flag=True),
    Setting("hold_on_other_key_press", "tapping.hold_on_other_key_press", 23, False, flag=True),
    Setting("retro_tapping", "tapping.retro", 24, False, flag=True),
    Setting("quick_tap_term", None, 25, 200),
    Setting("chordal_hold", "tapping.chordal_hold", 26, False, flag=True),
    Setting("flow_tap_term", "tapping.flow_tap_term", 27, 0),
    Setting("combo_term", "combo.term", 2, 50),
    Setting("oneshot_tap_toggle", "oneshot.tap_toggle", 5, 5),
    Setting("oneshot_timeout", "oneshot.timeout", 6, 5000),
    Setting("tap_code_delay", "qmk.tap_keycode_delay", 18, 0),
    Setting("tap_hold_caps_delay", None, 19, 80),
    Setting("auto_shift_timeout", None, 4, 175),
    Setting("mousekey_delay", None, 9, 10),
    Setting("mousekey_interval", None, 10, 20),
    Setting("mousekey_move_delta", None, 11, 8),
    Setting("mousekey_max_speed", None, 12, 10),
    Setting("mousekey_time_to_max", None, 13, 30),
    Setting("mousekey_wheel_delay", None, 14, 10),
    Setting("mousekey_wheel_interval", None, 15, 80),
    Setting("mousekey_wheel_max_speed", None, 16, 8),
    Setting("mousekey_wheel_time_to_max", None, 17, 40),
)
BY_NAME = {s.name: s for s in SETTINGS}
BY_VIAL_ID = {s.vial_id: s for s in SETTINGS if s.vial_id is not None}
BY_INFO_KEY = {s.info_key: s for s in SETTINGS if s.info_key is not None}
# Vial settings that pack several switches into one number keep Vial's number under this name
# (0, every switch off, is their default).
VIAL_PACKED_PREFIX = "vial_setting_"


def settings_from_config(config: dict[str, Any]) -> tuple[dict[str, int | bool | str], list[str]]:
    """Layout settings from a keymap.json `config` object; and the config paths that have none."""
    settings: dict[str, int | bool | str] = {}
    left: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
            return
        setting = BY_INFO_KEY.get(path)
        if setting is not None and isinstance(node, (bool, int)) and not isinstance(node, float):
            settings[setting.name] = bool(node) if setting.flag else node
        else:
            left.append(path)

    walk(config, "")
    return settings, left


def config_from_settings(settings: dict[str, int | bool | str]) -> dict[str, Any]:
    """The keymap.json `config` object for the settings keymap.json can hold."""
    config: dict[str, Any] = {}
    for name, value in settings.items():
        setting = BY_NAME.get(name)
        if setting is None or setting.info_key is None:
            continue
        node = config
        *parents, leaf = setting.info_key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = bool(value) if setting.flag else value
    return config
