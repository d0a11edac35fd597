"""Layout settings to and from a keymap.json `config` object (QMK's info.json keys).

The settings themselves, with their info.json keys and Vial ids, are the one table in
keyconf.model.qmk_settings; its names are re-exported here for the importers."""

from __future__ import annotations

from typing import Any

from keyconf.model.qmk_settings import BY_INFO_KEY, BY_NAME, BY_VIAL_ID, SETTINGS, VIAL_PACKED_PREFIX, QmkSetting

__all__ = [
    "BY_INFO_KEY",
    "BY_NAME",
    "BY_VIAL_ID",
    "SETTINGS",
    "VIAL_PACKED_PREFIX",
    "QmkSetting",
    "config_from_settings",
    "settings_from_config",
]


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
