"""The one table of QMK settings: every setting round-trips through keymap.json and Vial,
and every one is either exported or refused with the setting's own line."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.config_h import settings_defines
from keyconf.compiler.keymap_json import keymap_json_data
from keyconf.compiler.source_map import GenerationError, SourceRef
from keyconf.formats.qmk_keymap_json import read_keymap_json
from keyconf.formats.vial_vil import layout_to_vil, read_vil, vil_to_layout
from keyconf.model.qmk_settings import (
    BY_INFO_KEY,
    BY_NAME,
    BY_VIAL_ID,
    SETTINGS,
    QmkSetting,
    config_from_settings,
    settings_from_config,
)
from tests.compiler import layouts

DATA = Path(__file__).parent.parent / "formats" / "data" / "interchange"


def sample(setting: QmkSetting) -> int | bool:
    """A value that is not the default, so importers that drop defaults still keep it."""
    if setting.flag:
        return True
    return setting.high if setting.high != setting.default else setting.low


def test_table_is_consistent() -> None:
    assert len(BY_NAME) == len(SETTINGS)
    assert len(BY_VIAL_ID) == sum(s.vial_id is not None for s in SETTINGS)
    assert len(BY_INFO_KEY) == sum(s.info_key is not None for s in SETTINGS)
    for setting in SETTINGS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", setting.name), setting.name
        assert setting.accepts(setting.default), setting.name
        assert setting.accepts(sample(setting)), setting.name


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.info_key], ids=lambda s: s.name)
def test_keymap_json_config_round_trip(setting: QmkSetting) -> None:
    layout = layouts.layers_only()
    layout.settings = {setting.name: sample(setting)}
    data = keymap_json_data(layout, layouts.board())
    assert data["config"] == config_from_settings(layout.settings)
    assert settings_from_config(data["config"]) == (layout.settings, [])
    imported = read_keymap_json(json.dumps(data), "keymap.json")
    assert imported.layout.settings == layout.settings


@pytest.mark.parametrize("setting", [s for s in SETTINGS if not s.info_key], ids=lambda s: s.name)
def test_keymap_json_refuses_settings_without_an_info_key_at_their_line(setting: QmkSetting) -> None:
    layout = layouts.layers_only()
    layout.settings = {setting.name: sample(setting)}
    with pytest.raises(GenerationError) as caught:
        keymap_json_data(layout, layouts.board())
    [problem] = caught.value.problems
    assert problem.ref == SourceRef.of("settings", setting.name) and problem.hint


def test_keymap_json_config_of_wrong_type_is_left_out() -> None:
    settings, left = settings_from_config({"tapping": {"term": True, "permissive_hold": 1}, "other": 3})
    assert settings == {} and sorted(left) == ["other", "tapping.permissive_hold", "tapping.term"]


def test_every_vial_setting_round_trips_through_a_vil() -> None:
    keyboard = load_bundled("crkbd/rev1")
    layout = vil_to_layout(read_vil((DATA / "corne.vil").read_text(), "corne.vil"), keyboard).layout
    layout.settings = {s.name: sample(s) for s in SETTINGS if s.vial_id is not None}
    back = vil_to_layout(read_vil(layout_to_vil(layout, keyboard), "x.vil"), keyboard).layout
    assert {k: v for k, v in back.settings.items() if k in BY_NAME} == layout.settings


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_becomes_its_define_or_is_refused_at_its_line(setting: QmkSetting) -> None:
    defines, problems = settings_defines({setting.name: sample(setting)})
    assert problems == []
    assert defines == {setting.define: None if setting.flag else str(sample(setting))}
    wrong = 1 if setting.flag else setting.high + 1
    defines, [problem] = settings_defines({setting.name: wrong})
    assert defines == {} and problem.ref == SourceRef.of("settings", setting.name)
    assert setting.describe() in problem.message


def test_vial_packed_settings_are_refused_with_a_reason() -> None:
    defines, [problem] = settings_defines({"vial_setting_21": 3})
    assert defines == {} and problem.ref == SourceRef.of("settings", "vial_setting_21")
    assert "packed" in problem.message and problem.hint


def _qmk_file(home: Path, path: str) -> str:
    if (home / path).exists():
        return (home / path).read_text(encoding="utf-8")
    return subprocess.run(
        ["git", f"--git-dir={home}", "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
    ).stdout


def _qmk_grep(home: Path, word: str) -> bool:
    if (home / "quantum").exists():
        command = ["grep", "-rqw", word, str(home / "quantum")]
    else:
        command = ["git", f"--git-dir={home}", "grep", "-qw", word, "HEAD", "--", "quantum"]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware checkout or bare git repo to check against)",
)
def test_defines_and_info_keys_agree_with_a_qmk_tree() -> None:
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    mappings = _qmk_file(home, "data/mappings/info_config.hjson")
    tree_keys = dict(re.findall(r'"([A-Z0-9_]+)":\s*\{"info_key":\s*"([a-z0-9_.]+)"', mappings))
    for setting in SETTINGS:
        assert _qmk_grep(home, setting.define), f"{setting.define} is not in the tree's quantum/"
        assert tree_keys.get(setting.define) == setting.info_key, setting.name
