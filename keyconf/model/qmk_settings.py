"""The QMK firmware settings a layout's `settings:` may name: the one table of them.

A setting's name is its QMK `config.h` define in lower case (`tapping_term` is TAPPING_TERM).
keymap.json keeps some of them under `config` at data-driven paths (QMK's
data/mappings/info_config.hjson: TAPPING_TERM is `tapping.term`); Vial keeps some as numbered
QMK settings (vial-gui's "qsid"). The compiler writes config.h from this table and the
keymap.json and Vial importers and exporters translate through it, so a setting an importer
produces is one the compiler can build. Pure data: no Qt, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QmkSetting:
    name: str  # layout name: the config.h define, lower case
    info_key: str | None  # keymap.json `config` path, dotted; None: QMK has no data-driven key
    vial_id: int | None  # Vial's qsid; None: Vial does not offer it
    default: int | bool  # the value a board has unless configured (QMK's default)
    low: int = 0  # numbers: the range the compiler accepts
    high: int = 65_535
    flag: bool = False  # on/off: true defines it, false leaves it out

    @property
    def define(self) -> str:
        """The config.h define this setting becomes."""
        return self.name.upper()

    def accepts(self, value: object) -> bool:
        """Whether `value` is a value this setting can take (a bool for flags, else an int in range)."""
        if self.flag:
            return isinstance(value, bool)
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def describe(self) -> str:
        """The kind of value it takes, for error messages."""
        return "true or false" if self.flag else f"a whole number from {self.low} to {self.high}"


def _flag(name: str, info_key: str | None, vial_id: int | None) -> QmkSetting:
    return QmkSetting(name, info_key, vial_id, False, flag=True)


# Ranges follow the C types QMK stores them in (mousekey speeds are uint8_t; delays are kept /10).
SETTINGS: tuple[QmkSetting, ...] = (
    QmkSetting("tapping_term", "tapping.term", 7, 200, 1, 10_000),
    QmkSetting("quick_tap_term", None, 25, 200, 0, 10_000),
    QmkSetting("tapping_toggle", "tapping.toggle", 20, 5, 1, 255),
    _flag("permissive_hold", "tapping.permissive_hold", 22),
    _flag("hold_on_other_key_press", "tapping.hold_on_other_key_press", 23),
    _flag("retro_tapping", "tapping.retro", 24),
    _flag("chordal_hold", "tapping.chordal_hold", 26),
    QmkSetting("flow_tap_term", "tapping.flow_tap_term", 27, 0, 0, 10_000),
    QmkSetting("combo_term", "combo.term", 2, 50, 1, 10_000),
    _flag("combo_must_tap_per_combo", None, None),
    QmkSetting("oneshot_tap_toggle", "oneshot.tap_toggle", 5, 5, 0, 255),
    QmkSetting("oneshot_timeout", "oneshot.timeout", 6, 5000, 0, 60_000),
    QmkSetting("caps_word_idle_timeout", "caps_word.idle_timeout", None, 5000, 0, 60_000),
    QmkSetting("tap_code_delay", "qmk.tap_keycode_delay", 18, 0, 0, 1_000),
    QmkSetting("tap_hold_caps_delay", "qmk.tap_capslock_delay", 19, 80, 0, 1_000),
    QmkSetting("auto_shift_timeout", None, 4, 175, 0, 10_000),
    QmkSetting("mousekey_delay", "mousekey.delay", 9, 10, 0, 2_550),
    QmkSetting("mousekey_interval", "mousekey.interval", 10, 20, 1, 255),
    QmkSetting("mousekey_move_delta", None, 11, 8, 1, 127),
    QmkSetting("mousekey_max_speed", "mousekey.max_speed", 12, 10, 1, 255),
    QmkSetting("mousekey_time_to_max", "mousekey.time_to_max", 13, 30, 0, 255),
    QmkSetting("mousekey_wheel_delay", "mousekey.wheel_delay", 14, 10, 0, 2_550),
    QmkSetting("mousekey_wheel_interval", None, 15, 80, 1, 255),
    QmkSetting("mousekey_wheel_max_speed", None, 16, 8, 1, 255),
    QmkSetting("mousekey_wheel_time_to_max", None, 17, 40, 0, 255),
    QmkSetting("debounce", "debounce", None, 5, 0, 100),
    QmkSetting("dynamic_keymap_layer_count", "dynamic_keymap.layer_count", None, 4, 1, 32),
    # Brightness caps a keymap sets so its LEDs stay within the USB port's current (255: none).
    QmkSetting("rgblight_limit_val", "rgblight.max_brightness", None, 255, 0, 255),
    QmkSetting("rgb_matrix_maximum_brightness", "rgb_matrix.max_brightness", None, 255, 0, 255),
    QmkSetting("led_matrix_maximum_brightness", "led_matrix.max_brightness", None, 255, 0, 255),
    # What a keymap leaves out of the firmware to fit its flash (an atmega32u4's 28 KB).
    _flag("layer_state_8bit", None, None),
    _flag("layer_state_16bit", None, None),
    _flag("no_action_oneshot", None, None),
    _flag("no_music_mode", None, None),
    # Which half of a split keyboard is which: lost, a keymap's right half or EEPROM-set halves
    # would swap over. Then what the halves share and how lights sleep with the computer.
    _flag("master_right", None, None),
    _flag("ee_hands", None, None),
    _flag("split_usb_detect", "split.usb_detect.enabled", None),
    _flag("split_layer_state_enable", "split.transport.sync.layer_state", None),
    _flag("split_mods_enable", "split.transport.sync.modifiers", None),
    _flag("split_oled_enable", "split.transport.sync.oled", None),
    _flag("split_wpm_enable", "split.transport.sync.wpm", None),
    _flag("rgblight_sleep", "rgblight.sleep", None),
    _flag("rgb_matrix_sleep", "rgb_matrix.sleep", None),
)
BY_NAME: dict[str, QmkSetting] = {s.name: s for s in SETTINGS}
BY_VIAL_ID: dict[int, QmkSetting] = {s.vial_id: s for s in SETTINGS if s.vial_id is not None}
BY_INFO_KEY: dict[str, QmkSetting] = {s.info_key: s for s in SETTINGS if s.info_key is not None}

# Vial settings that pack several switches into one number (and Vial's layout options) keep
# Vial's number under this name prefix, so a Vial save round-trips; no config.h define exists.
VIAL_PACKED_PREFIX = "vial_setting_"


def settings_from_vial(values: dict[int, int]) -> dict[str, int | bool | str]:
    """Layout settings from Vial's numbered ones (a Vial save or a board lists every setting):
    the named ones that differ from QMK's default, and any other non-zero id as
    `vial_setting_N`, so nothing a board holds is dropped."""
    settings: dict[str, int | bool | str] = {}
    for qsid, value in sorted(values.items()):
        setting = BY_VIAL_ID.get(qsid)
        if setting is not None:
            typed = bool(value) if setting.flag else value
            if typed != setting.default:
                settings[setting.name] = typed
        elif value:
            settings[f"{VIAL_PACKED_PREFIX}{qsid}"] = value
    return settings


def vial_values(settings: dict[str, int | bool | str]) -> dict[int, int]:
    """Vial ids and values for the layout settings Vial can hold (others are left out)."""
    out: dict[int, int] = {}
    for name, value in settings.items():
        setting = BY_NAME.get(name)
        if setting is not None and setting.vial_id is not None:
            qsid = setting.vial_id
        elif name.startswith(VIAL_PACKED_PREFIX) and name[len(VIAL_PACKED_PREFIX) :].isdigit():
            qsid = int(name[len(VIAL_PACKED_PREFIX) :])
        else:
            continue
        if isinstance(value, bool | int):
            out[qsid] = int(value)
    return dict(sorted(out.items()))


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
        if setting is not None and (isinstance(node, bool) if setting.flag else type(node) is int):
            settings[setting.name] = node
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
