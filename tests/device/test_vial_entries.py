"""Vial tap dances, combos and key overrides through the sync engine (real keycode registry)."""

from __future__ import annotations

import pytest
from device_doubles import grid_keyboard

from keyconf.device.backup import BackupStore, load_backup
from keyconf.device.board import Board
from keyconf.device.errors import DeviceLocked
from keyconf.device.simulated import QK_BOOT, SimulatedKeyboard, SimulatedVialKeyboard
from keyconf.device.sync import KeymapSync, LayoutMismatch
from keyconf.device.vial_entries import mods_mask, mods_names
from keyconf.device.vial_protocol import VialCombo, VialKeyOverride, VialTapDance
from keyconf.formats.yaml_layout import dumps_layout, loads_layout
from keyconf.model.layout import Combo, KeyOverride, TapDance

KC_A, KC_B, KC_ESC, KC_CAPS, KC_LCTL, KC_BSPC, KC_DEL = 0x04, 0x05, 0x29, 0x39, 0xE0, 0x2A, 0x4C


def vial_sync(tmp_path, **kwargs):
    sim = SimulatedVialKeyboard(rows=2, cols=3, layers=2, keymap=[KC_A] * 12, unlocked=True, **kwargs)
    board = Board.connect(sim, sim.info())
    return sim, KeymapSync(board, grid_keyboard(2, 3), backups=BackupStore(tmp_path / "b"))


def test_mod_masks_both_ways():
    assert mods_mask(["MOD_MASK_SHIFT"]) == 0x22
    assert mods_mask(["MOD_MASK_CS"]) == 0x33
    assert mods_mask(["MOD_LCTL", "MOD_RALT"]) == 0x41
    assert mods_names(0x22) == ["MOD_MASK_SHIFT"]
    assert mods_names(0x33) == ["MOD_MASK_CS"]
    assert mods_names(0x41) == ["MOD_LCTL", "MOD_RALT"]
    assert mods_names(0x23) == ["MOD_MASK_SHIFT", "MOD_LCTL"]
    for mask in range(256):
        assert mods_mask(mods_names(mask)) == mask


def test_read_entries_into_the_layout(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.tap_dances[1] = VialTapDance(KC_ESC, KC_LCTL, KC_CAPS, 0, 180)
    sim.combos[0] = VialCombo((KC_A, KC_B, 0, 0), KC_ESC)
    sim.key_overrides[2] = VialKeyOverride(KC_BSPC, KC_DEL, 0xFFFF, 0x22, 0, 0x22, 0x87)
    sim.set_keycode(0, 0, 0, 0x5701)  # TD(1)
    layout = sync.read_keymap()
    assert [d.name for d in layout.tap_dances] == ["td0", "td1"]
    assert layout.tap_dances[1] == TapDance("td1", "KC_ESC", "KC_LCTL", "KC_CAPS", None, 180)
    assert layout.layers[0].keys[0] == "TD(td1)"
    assert layout.combos == [Combo(["KC_A", "KC_B"], "KC_ESC")]
    assert layout.key_overrides == [KeyOverride("KC_BSPC", "KC_DEL", ["MOD_MASK_SHIFT"])]
    again = loads_layout(dumps_layout(layout, sync.keyboard)).layout
    assert again.tap_dances == layout.tap_dances and again.key_overrides == layout.key_overrides


def test_push_entries_writes_and_verifies(tmp_path):
    sim, sync = vial_sync(tmp_path)
    layout = sync.read_keymap()
    layout.tap_dances = [TapDance("esc_caps", "KC_ESC", double_tap="KC_CAPS")]
    layout.layers[0].keys[1] = "TD(esc_caps)"
    layout.combos = [Combo(["KC_A", "KC_B"], "KC_ESC")]
    layout.key_overrides = [KeyOverride("KC_BSPC", "KC_DEL", ["MOD_MASK_SHIFT"], layers=["base"])]
    result = sync.push(layout, refresh=False)
    assert {c.kind for c in result.plan.entries} == {"tap dance", "combo", "key override"}
    assert sim.tap_dances[0] == VialTapDance(KC_ESC, 0, KC_CAPS, 0, 200)
    assert sim.keycode(0, 0, 1) == 0x5700
    assert sim.combos[0] == VialCombo((KC_A, KC_B, 0, 0), KC_ESC)
    override = sim.key_overrides[0]
    assert (override.trigger, override.replacement, override.layers, override.trigger_mods) == (
        KC_BSPC,
        KC_DEL,
        0b1,
        0x22,
    )
    assert override.enabled
    assert any("tap dance 0 (esc_caps)" in line for line in result.plan.describe())
    # removing the override disables it; tap dances beyond the layout's are cleared
    layout.key_overrides = [KeyOverride("KC_A", "KC_B", ["MOD_LSFT"])]
    sync.push(layout, refresh=False)
    assert sim.key_overrides[0].trigger == KC_A and sim.key_overrides[0].trigger_mods == 0x02


def test_layout_without_entries_leaves_them_alone(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.combos[3] = VialCombo((KC_A, KC_B, 0, 0), KC_ESC)
    layout = sync.read_keymap()
    layout.combos = []
    layout.layers[0].keys[0] = "KC_B"
    result = sync.push(layout, refresh=False)
    assert not result.plan.entries and sim.combos[3].output == KC_ESC


def test_too_many_entries_and_bad_combos_are_refused(tmp_path):
    _sim, sync = vial_sync(tmp_path, combos=2)
    layout = sync.read_keymap()
    layout.combos = [Combo(["KC_A", "KC_B"], "KC_C")] * 3
    with pytest.raises(LayoutMismatch) as caught:
        sync.plan(layout)
    assert "3 combos" in caught.value.problems[0]
    layout.combos = [Combo(["KC_A", "KC_B", "KC_C", "KC_D", "KC_E"], "KC_F")]
    with pytest.raises(LayoutMismatch) as caught:
        sync.plan(layout)
    assert "2 to 4 keys" in caught.value.problems[0]


def test_locked_vial_refuses_qk_boot_in_a_tap_dance(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.unlocked = False
    layout = sync.read_keymap()
    layout.tap_dances = [TapDance("boot", "KC_A", hold="QK_BOOT")]
    with pytest.raises(DeviceLocked):
        sync.push(layout, refresh=False)
    sim.unlocked = True
    sync.push(layout, refresh=False)
    assert sim.tap_dances[0].on_hold == QK_BOOT


def test_entries_are_backed_up_and_restored(tmp_path):
    sim, sync = vial_sync(tmp_path)
    sim.tap_dances[0] = VialTapDance(KC_A, KC_B, 0, 0, 150)
    layout = sync.read_keymap()
    layout.tap_dances = [TapDance("x", "KC_ESC")]
    result = sync.push(layout, refresh=False)
    assert load_backup(result.backup).state.tap_dances[0] == VialTapDance(KC_A, KC_B, 0, 0, 150)
    sync.restore(result.backup)
    assert sim.tap_dances[0] == VialTapDance(KC_A, KC_B, 0, 0, 150)


def test_via_board_warns_that_it_keeps_entries_in_firmware(tmp_path):
    sim = SimulatedKeyboard(rows=2, cols=3, layers=2, keymap=[KC_A] * 12)
    sync = KeymapSync(Board.connect(sim, sim.info()), grid_keyboard(2, 3), backups=BackupStore(tmp_path))
    layout = sync.read_keymap()
    layout.tap_dances = [TapDance("x", "KC_ESC")]
    layout.key_overrides = [KeyOverride("KC_BSPC", "KC_DEL", ["MOD_MASK_SHIFT"])]
    plan = sync.plan(layout)
    assert plan.empty
    assert any("tap dances" in w for w in plan.warnings) and any("key overrides" in w for w in plan.warnings)
