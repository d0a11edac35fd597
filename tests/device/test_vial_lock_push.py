"""A push to a locked Vial board never carries QK_BOOT, and a verify names what it finds.

The simulated board behaves as vial-qmk does while locked: a keymap buffer write that
covers QK_BOOT stores 0xFFFF there and echoes `ff ff`, even for a key that held QK_BOOT."""

from __future__ import annotations

import random

import pytest
from device_doubles import grid_keyboard

from keyconf.cli.device_options import command_error
from keyconf.device.backup import BackupStore
from keyconf.device.board import Board
from keyconf.device.board_state import write_windows
from keyconf.device.errors import PushError
from keyconf.device.simulated import QK_BOOT, Faults, SimulatedVialKeyboard
from keyconf.device.sync import KeymapSync
from keyconf.device.via_protocol import Command

ROWS, COLS, LAYERS = 4, 12, 4


def locked_board(tmp_path, **kwargs):  # noqa: ANN001, ANN201
    keymap = [0x04 + (i % 20) for i in range(LAYERS * ROWS * COLS)]
    sim = SimulatedVialKeyboard(rows=ROWS, cols=COLS, layers=LAYERS, keymap=keymap, **kwargs)
    sim.set_keycode(3, 0, 11, QK_BOOT)
    sim.set_keycode(0, 3, 0, QK_BOOT)
    board = Board.connect(sim, sim.info(), timeout_ms=30)
    sync = KeymapSync(board, grid_keyboard(ROWS, COLS), backups=BackupStore(tmp_path))
    return sim, sync


def key_index(layer: int, row: int, col: int) -> int:
    return (layer * ROWS + row) * COLS + col


def set_buffer_payloads(sim: SimulatedVialKeyboard) -> list[bytes]:
    """Every keymap buffer write the board received, as (offset, data) decoded from the wire."""
    seen: list[bytes] = []
    original = sim._set_buffer

    def spy(data: bytearray) -> None:
        seen.append(bytes(data))
        original(data)

    sim._set_buffer = spy  # type: ignore[method-assign]
    return seen


def carries_qk_boot(payload: bytes) -> bool:
    offset, size = payload[1] << 8 | payload[2], payload[3]
    data = payload[4 : 4 + size]
    return any((data[i] << 8 | data[i + 1]) == QK_BOOT for i in range(offset % 2, size - 1, 2))


def test_issue_push_keeps_an_unchanged_qk_boot_between_two_changes(tmp_path):
    """The issue's case: (3,0,5) and (3,1,2) change, QK_BOOT at (3,0,11) lies between them."""
    sim, sync = locked_board(tmp_path)
    layout = sync.read_keymap()
    assert layout.layers[3].keys[11] == "QK_BOOT"
    layout.layers[3].keys[5] = "KC_F13"
    layout.layers[3].keys[COLS + 2] = "KC_F14"
    writes = set_buffer_payloads(sim)
    result = sync.push(layout, refresh=False)
    assert sim.keycode(3, 0, 11) == QK_BOOT and sim.keycode(0, 3, 0) == QK_BOOT
    assert sim.keycode(3, 0, 5) == 0x68 and sim.keycode(3, 1, 2) == 0x69
    assert writes and not any(carries_qk_boot(w) for w in writes)
    assert len(result.plan.windows) == 2  # split around the QK_BOOT key


def test_push_changing_every_key_never_sends_qk_boot(tmp_path):
    sim, sync = locked_board(tmp_path)
    layout = sync.read_keymap()
    for layer in layout.layers:
        layer.keys[:] = ["QK_BOOT" if key == "QK_BOOT" else "KC_X" for key in layer.keys]
    writes = set_buffer_payloads(sim)
    sync.push(layout, refresh=False)
    assert not any(carries_qk_boot(w) for w in writes)
    assert sim.keycode(3, 0, 11) == QK_BOOT and sim.keycode(0, 3, 0) == QK_BOOT
    values = sim.keycodes()
    assert all(v == 0x1B for i, v in enumerate(values) if i not in (key_index(3, 0, 11), key_index(0, 3, 0)))


def test_random_pushes_keep_every_qk_boot(tmp_path):
    rng = random.Random(18)
    for _round in range(15):
        sim, sync = locked_board(tmp_path)
        for _ in range(6):
            sim.set_keycode(rng.randrange(LAYERS), rng.randrange(ROWS), rng.randrange(COLS), QK_BOOT)
        sync.read_state()
        boots = {i for i, v in enumerate(sim.keycodes()) if v == QK_BOOT}
        layout = sync.read_keymap()
        for layer in layout.layers:
            for k in rng.sample(range(len(layer.keys)), 10):
                if layer.keys[k] != "QK_BOOT":
                    layer.keys[k] = "KC_Z"
        writes = set_buffer_payloads(sim)
        sync.push(layout, refresh=False)
        assert not any(carries_qk_boot(w) for w in writes)
        assert {i for i, v in enumerate(sim.keycodes()) if v == QK_BOOT} == boots


def test_windows_never_cover_an_avoided_key():
    assert write_windows([0, 5, 9], avoid={3}) == [(0, 1), (5, 5)]
    assert write_windows([0, 5, 9]) == [(0, 10)]
    assert write_windows([2, 4], avoid={0, 10}) == [(2, 3)]
    rng = random.Random(1)
    for _ in range(200):
        changed = sorted(rng.sample(range(60), rng.randrange(1, 20)))
        avoid = set(rng.sample([i for i in range(60) if i not in changed], 4))
        windows = write_windows(changed, avoid=avoid)
        covered = {i for first, count in windows for i in range(first, first + count)}
        assert set(changed) <= covered and not covered & avoid
        assert all(count <= 14 for _first, count in windows)


def test_a_refused_key_in_a_write_is_named_as_torn_and_written_keys_are_counted(tmp_path):
    """A firmware that stores 0xFFFF for a key inside the write: the error names the damaged
    key with the value found, and counts the keys that did reach the board."""
    sim, sync = locked_board(tmp_path)
    layout = sync.read_keymap()
    layout.layers[3].keys[5] = "KC_F13"
    layout.layers[3].keys[COLS + 2] = "KC_F14"
    plan = sync.plan(layout)
    plan.windows = [(key_index(3, 0, 5), key_index(3, 1, 2) - key_index(3, 0, 5) + 1)]  # the old, spanning plan
    with pytest.raises(PushError) as caught:
        sync.apply(plan)
    error = caught.value
    assert (3, 0, 11, 0xFFFF) in error.torn
    assert sorted(error.written) == [(3, 0, 5), (3, 1, 2)]
    assert "2 of 2 changed keys reached" in error.message
    text = command_error(error).message
    assert "layer 3 row 0 col 11 = 0xFFFF" in text and "torn" in text


def test_a_cut_mid_report_is_reported_as_possibly_torn(tmp_path):
    sim, sync = locked_board(tmp_path)
    layout = sync.read_keymap()
    layout.layers[1].keys[0] = "KC_F13"
    sync.read_state()
    sim.faults = Faults(disconnect_after=sim.reports)  # unplugged as the write goes out
    with pytest.raises(PushError) as caught:
        sync.push(layout, refresh=False)
    text = command_error(caught.value).message
    assert "old or new keycode, or is torn" in text


def test_a_misaligned_write_is_checked_like_the_firmware():
    """vial-qmk judges a half-covered key with the stored byte beside it."""
    sim = SimulatedVialKeyboard(rows=ROWS, cols=COLS, layers=LAYERS)
    request = bytearray(32)
    request[0:4] = bytes([Command.SET_BUFFER, 0, 1, 4])  # odd offset: halves of three keys
    request[4:8] = bytes([0x00, 0x7C, 0x00, 0x7C])
    sim._set_buffer(request)
    assert request[4:8] == bytes([0x00, 0xFF, 0xFF, 0xFF])


def test_pull_warns_about_keys_a_locked_board_already_destroyed(monkeypatch):
    from keyconf.device.connection import read_board_layout

    sim = SimulatedVialKeyboard(rows=ROWS, cols=COLS, layers=LAYERS)
    sim.set_keycode(3, 0, 11, 0xFFFF)
    monkeypatch.setattr("keyconf.device.connection.open_board", lambda *a, **k: Board.connect(sim, sim.info()))
    read = read_board_layout(None)
    assert any("layer 3 row 0 col 11 holds 0xFFFF" in w and "QK_BOOT" in w for w in read.warnings)
