"""Vial: identity, definition, encoders, unlock, dynamic entries, keycode numbering."""

from __future__ import annotations

import lzma
import struct

import pytest
from device_doubles import HexCodec, ScriptedTransport, grid_keyboard, reply

from keyconf.device import via_protocol as vp
from keyconf.device.backup import BackupStore
from keyconf.device.board import Board, uses_current_numbering
from keyconf.device.errors import DefinitionError, DeviceLocked, UnsupportedCommand
from keyconf.device.macros import MacroFormat
from keyconf.device.simulated import QK_BOOT, SimulatedKeyboard, SimulatedVialKeyboard
from keyconf.device.sync import KeymapSync
from keyconf.device.via_client import ViaClient
from keyconf.device.vial_client import VialClient
from keyconf.device.vial_protocol import VialCombo, VialKeyOverride, VialTapDance
from keyconf.model.layout import Macro, MacroStep


def vial_board(**kwargs) -> tuple[SimulatedVialKeyboard, Board]:
    sim = SimulatedVialKeyboard(rows=4, cols=6, layers=4, encoders=1, **kwargs)
    return sim, Board.connect(sim, sim.info(), timeout_ms=30)


def test_numbering_per_board():
    assert uses_current_numbering(12, None) and uses_current_numbering(11, None)
    assert not uses_current_numbering(10, None) and not uses_current_numbering(9, None)
    assert uses_current_numbering(9, 6)  # Vial says VIA 9 but stores current keycodes from Vial 6
    assert not uses_current_numbering(9, 5)


def test_identity_requests_are_byte_exact():
    uid = 0x0123456789ABCDEF
    answer = struct.pack("<IQ", 6, uid) + b"\x01" + bytes(19)
    transport = ScriptedTransport([answer])
    identity = VialClient(ViaClient(transport, timeout_ms=5, retries=0)).identity()
    assert transport.writes[0] == b"\x00\xfe\x00" + bytes(30)
    assert (identity.protocol, identity.keyboard_uid, identity.vialrgb) == (6, uid, True)


def test_non_vial_board_is_detected():
    transport = ScriptedTransport([reply(0xFF, 0x00)])
    with pytest.raises(UnsupportedCommand):
        VialClient(ViaClient(transport, timeout_ms=5, retries=0)).identity()


def test_board_identifies_vial():
    _sim, board = vial_board()
    assert board.via_protocol == 9 and board.vial_protocol == 6
    assert board.current_numbering and board.macro_format is MacroFormat.VIAL
    assert board.lighting.legacy and board.matrix_tester_needs_unlock


def test_definition_fetch_in_blocks():
    definition = {
        "name": "x",
        "matrix": {"rows": 4, "cols": 6},
        "layouts": {"keymap": [["0,0"]]},
        "pad": "y" * 500,
    }
    sim, board = vial_board(definition=definition)
    before = sim.reports
    seen = []
    fetched = board.vial.fetch_definition(progress=lambda done, total: seen.append((done, total)))
    assert fetched == definition
    blocks = -(-len(sim.definition_blob) // 32)
    assert sim.reports - before == blocks + 1 and seen[-1] == (blocks, blocks)


def test_definition_block_request_bytes():
    blob = lzma.compress(b'{"matrix": {"rows": 1, "cols": 1}, "layouts": {"keymap": []}}')
    script = [struct.pack("<I", len(blob)) + bytes(28)]
    script += [blob[i : i + 32].ljust(32, b"\0") for i in range(0, len(blob), 32)]
    transport = ScriptedTransport(script)
    VialClient(ViaClient(transport, timeout_ms=5, retries=0)).fetch_definition()
    assert transport.writes[0][:3] == b"\x00\xfe\x01"
    assert transport.writes[1][:5] == b"\x00\xfe\x02\x00\x00"
    assert transport.writes[2][:5] == b"\x00\xfe\x02\x01\x00"


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not lzma at all" * 3, "corrupt"),
        (lzma.compress(b"[1, 2, 3]"), "not a JSON object"),
        (lzma.compress(b'{"matrix": {"rows": 400, "cols": 6}, "layouts": {"keymap": []}}'), "impossible"),
        (lzma.compress(b"{bad json"), "not valid JSON"),
        (lzma.compress(b'{"matrix": {"rows": 4, "cols": 6}}')[:-8], "truncated|corrupt"),
    ],
)
def test_bad_definitions_are_clear_errors(blob, message):
    _sim, board = vial_board(definition_blob=blob)
    with pytest.raises(DefinitionError, match=message):
        board.vial.fetch_definition()


def test_encoders_through_vial_commands():
    sim, board = vial_board(encoder_map=[0x80, 0x81] * 4)
    assert board.vial.get_encoder(1, 0) == (0x81, 0x80)  # (counter-clockwise, clockwise)
    board.vial.set_encoder(1, 0, True, 0x00E9)
    assert sim.encoder(1, 0, True) == 0xE9
    with pytest.raises(UnsupportedCommand):
        board.client.get_encoder(0, 0, True)  # Vial firmware has no VIA 0x14


def test_unlock_flow_requires_holding_the_keys():
    sim, board = vial_board(unlock_polls=5)
    vial = board.vial
    status = vial.unlock_status()
    assert not status.unlocked and status.keys == ((0, 0), (0, 1))
    vial.unlock_start()
    assert vial.unlock_poll().remaining == 5  # keys not held: the count restarts
    # during an unlock, VIA commands are ignored (echoed unchanged)
    assert board.client.exchange(vp.simple_request(vp.Command.GET_LAYER_COUNT))[1] == 0
    sim.press(0, 0)
    sim.press(0, 1)
    progress = [vial.unlock_poll() for _ in range(5)]
    assert [p.remaining for p in progress[:4]] == [4, 3, 2, 1]
    assert progress[-1].unlocked and not progress[-1].in_progress
    assert vial.unlock_status().unlocked
    vial.lock()
    assert not vial.unlock_status().unlocked


def test_matrix_state_needs_unlock_on_vial():
    sim, board = vial_board(unlocked=False)
    sim.press(2, 3)
    assert board.matrix_state(4, 6) == [0, 0, 0, 0]  # locked: the request comes back unchanged
    sim.unlocked = True
    assert board.matrix_state(4, 6) == [0, 0, 1 << 3, 0]


def test_dynamic_entries_read_and_write():
    sim, board = vial_board(unlocked=True)
    vial = board.vial
    counts = vial.dynamic_counts()
    assert (counts.tap_dance, counts.combo, counts.key_override) == (4, 4, 4)
    dance = VialTapDance(0x0004, 0x00E0, 0x0005, 0x00E1, 180)
    vial.set_tap_dance(2, dance)
    assert vial.get_tap_dance(2) == dance and sim.tap_dances[2] == dance
    combo = VialCombo((0x04, 0x05, 0, 0), 0x29)
    vial.set_combo(0, combo)
    assert vial.get_combo(0) == combo
    override = VialKeyOverride(0x2A, 0x4C, 0xFFFF, 0x02, 0, 0x02, 0x87)
    vial.set_key_override(3, override)
    assert vial.get_key_override(3) == override and override.enabled
    with pytest.raises(UnsupportedCommand):
        vial.get_combo(9)


def test_dynamic_entry_bytes_are_little_endian():
    transport = ScriptedTransport([bytes([0]) + VialTapDance(0x0102, 0, 0, 0, 200).pack() + bytes(21)])
    dance = VialClient(ViaClient(transport, timeout_ms=5, retries=0)).get_tap_dance(1)
    assert transport.writes[0][:5] == b"\x00\xfe\x0d\x01\x01"
    assert dance.on_tap == 0x0102 and dance.tapping_term == 200
    assert VialTapDance(0x0102).pack()[:2] == b"\x02\x01"


def test_locked_vial_refuses_qk_boot_and_macros_up_front(tmp_path):
    class Codec(HexCodec):
        def encode(self, text, layers, tap_dances=()):  # noqa: ANN001
            return QK_BOOT if text == "QK_BOOT" else super().encode(text, layers, tap_dances)

    sim, board = vial_board(macro_count=2, macro_buffer_size=40)
    sync = KeymapSync(board, grid_keyboard(4, 6, 1), codec=Codec(), backups=BackupStore(tmp_path))
    layout = sync.read_keymap()
    layout.layers[0].keys[0] = "QK_BOOT"
    before = sim.reports
    with pytest.raises(DeviceLocked, match="locked"):
        sync.push(layout, refresh=False)
    assert sim.reports - before == 1  # only the unlock status was asked; nothing written
    layout = sync.read_keymap()
    layout.macros = [Macro([MacroStep("text", "x")])]
    with pytest.raises(DeviceLocked):
        sync.push(layout, refresh=False)
    sim.unlocked = True
    layout.layers[0].keys[0] = "QK_BOOT"
    sync.push(layout, refresh=False)
    assert sim.keycode(0, 0, 0) == QK_BOOT and sim.macros[:2] == b"x\x00"


def test_vial_qk_boot_written_as_a_number_is_still_refused_up_front(tmp_path):
    """The lock check goes by value, not by name: 0x7C00 is QK_BOOT however it is spelt."""
    sim, board = vial_board()
    sync = KeymapSync(board, grid_keyboard(4, 6, 1), codec=HexCodec(), backups=BackupStore(tmp_path))
    layout = sync.read_keymap()
    layout.layers[0].keys[3] = f"0x{QK_BOOT:04X}"
    before = bytes(sim.keymap)
    with pytest.raises(DeviceLocked):
        sync.push(layout, refresh=False)
    assert bytes(sim.keymap) == before


def test_vial_read_and_push_keymap_and_encoders(tmp_path):
    sim, board = vial_board(keymap=list(range(4, 100)), encoder_map=[0x80, 0x81] * 4)
    sync = KeymapSync(board, grid_keyboard(4, 6, 1), codec=HexCodec(), backups=BackupStore(tmp_path))
    layout = sync.read_keymap()
    assert layout.layers[0].keys[:3] == ["0x0004", "0x0005", "0x0006"]
    assert layout.layers[0].encoders[0].cw == "0x0080"
    layout.layers[1].keys[0] = "0x0050"
    layout.layers[1].encoders[0].ccw = "0x00AA"
    sync.push(layout, refresh=False)
    assert sim.keycode(1, 0, 0) == 0x50 and sim.encoder(1, 0, False) == 0xAA


def test_plain_via_board_does_not_get_vial_requests():
    sim = SimulatedKeyboard(rows=2, cols=2, layers=2)
    board = Board.connect(sim, sim.info())
    assert not board.is_vial and sim.reports == 2  # protocol version + layer count


def test_bootloader_jump_needs_an_unlocked_vial_keyboard():
    sim, board = vial_board()
    with pytest.raises(DeviceLocked, match="bootloader"):
        board.jump_to_bootloader()
    assert not sim.in_bootloader
    sim.unlocked = True
    assert board.jump_to_bootloader() is True
    assert sim.in_bootloader


def test_bootloader_jump_on_via_firmware_with_and_without_it():
    sim = SimulatedKeyboard(bootloader_jump=True)
    assert Board.connect(sim, sim.info()).jump_to_bootloader() and sim.in_bootloader
    plain = SimulatedKeyboard()
    with pytest.raises(UnsupportedCommand) as caught:
        Board.connect(plain, plain.info()).jump_to_bootloader()
    assert "cannot be told to enter its bootloader" in caught.value.message
