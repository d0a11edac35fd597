"""Vial QMK settings (FE 09-0C) sync with the layout's `settings:` like keys."""

from __future__ import annotations

import struct

from device_doubles import grid_keyboard

from keyconf.device import vial_protocol as vl
from keyconf.device.backup import BackupStore
from keyconf.device.board import Board
from keyconf.device.simulated import SimulatedVialKeyboard, default_qmk_settings
from keyconf.device.sync import KeymapSync


def vial_sync(tmp_path, **kwargs):  # noqa: ANN001, ANN201
    sim = SimulatedVialKeyboard(rows=4, cols=6, layers=4, **kwargs)
    board = Board.connect(sim, sim.info(), timeout_ms=30)
    return sim, KeymapSync(board, grid_keyboard(4, 6), backups=BackupStore(tmp_path))


def test_request_bytes():
    assert vl.settings_query_request(7).payload == bytes([0xFE, 0x09, 7, 0])
    assert vl.settings_get_request(0x0107).payload == bytes([0xFE, 0x0A, 0x07, 0x01])
    assert vl.settings_set_request(7, 180, 2).payload == bytes([0xFE, 0x0B, 7, 0, 180, 0])
    assert vl.parse_settings_query(struct.pack("<3H", 2, 7, 0xFFFF) + b"\xff" * 26) == [2, 7]


def test_ids_are_listed_over_several_queries(tmp_path):
    sim, sync = vial_sync(tmp_path)
    ids = sync.board.vial.qmk_setting_ids()
    assert ids == sorted(default_qmk_settings()) and len(ids) > 16  # more than one report holds


def test_pull_reads_settings_that_differ_from_qmk_defaults(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.qmk_settings[7] = 180  # tapping term
    sim.qmk_settings[22] = 1  # permissive hold
    sim.qmk_settings[21] = 0x80  # Vial's magic switches (NKRO), kept by number
    layout = sync.read_keymap()
    assert layout.settings == {"tapping_term": 180, "permissive_hold": True, "vial_setting_21": 0x80}


def test_push_writes_settings_and_resets_the_ones_the_layout_leaves_out(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.qmk_settings[6] = 3000  # oneshot timeout, not in the layout below: back to QMK's 5000
    layout = sync.read_keymap()
    layout.settings = {"tapping_term": 150, "retro_tapping": True}
    result = sync.push(layout, refresh=False)
    lines = result.plan.describe()
    assert "setting tapping_term: 200 -> 150" in lines and "setting retro_tapping: false -> true" in lines
    assert sim.qmk_settings[7] == 150 and sim.qmk_settings[24] == 1 and sim.qmk_settings[6] == 5000
    # pulled again, the same layout needs nothing
    again = sync.read_keymap()
    assert again.settings == {"tapping_term": 150, "retro_tapping": True}
    assert sync.plan(again).empty


def test_a_layout_without_settings_leaves_the_board_alone(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.qmk_settings[7] = 180
    layout = sync.read_keymap()
    layout.settings = {}
    assert not sync.plan(layout).settings


def test_settings_the_board_lacks_are_a_warning_and_no_settings_at_all_too(tmp_path):
    sim, sync = vial_sync(tmp_path, qmk_settings={7: 200})
    layout = sync.read_keymap()
    layout.settings = {"tapping_term": 190, "combo_term": 40}
    plan = sync.plan(layout)
    assert [c.qsid for c in plan.settings] == [7]
    assert any("combo_term" in w for w in plan.warnings)
    sim, sync = vial_sync(tmp_path, qmk_settings={})
    layout = sync.read_keymap()
    layout.settings = {"tapping_term": 190}
    plan = sync.plan(layout)
    assert not plan.settings and any("no QMK settings" in w for w in plan.warnings)


def test_restore_brings_settings_back(tmp_path):
    sim, sync = vial_sync(tmp_path)
    layout = sync.read_keymap()
    layout.settings = {"tapping_term": 250}
    result = sync.push(layout, refresh=False)
    assert sim.qmk_settings[7] == 250
    sync.restore(result.backup)
    assert sim.qmk_settings[7] == 200


def test_a_hostile_settings_list_is_bounded(tmp_path):
    sim, sync = vial_sync(tmp_path, qmk_settings={i: 0 for i in range(1, 400)})
    import pytest

    from keyconf.device.errors import ProtocolError

    with pytest.raises(ProtocolError, match="more than"):
        sync.board.vial.qmk_setting_ids()
