"""Opening boards by spec, finding their geometry, reading them as layouts."""

from __future__ import annotations

import pytest

from keyconf.device.board import Board
from keyconf.device.connection import board_geometry, read_board_layout
from keyconf.device.demo import demo_keyboard
from keyconf.device.errors import DeviceError, DeviceNotFound
from keyconf.device.simulated import SimulatedKeyboard, SimulatedVialKeyboard, grid_vial_definition
from keyconf.device.vial_geometry import keyboard_from_vial


def test_read_board_layout_of_the_demo_keyboard():
    read = read_board_layout(None, demo=True, layer_names=["base", "lower", "raise"])
    layout = read.layout
    assert layout.keyboard == "planck/rev6" and layout.layout_macro == "LAYOUT_ortho_4x12"
    assert layout.layer_names == ["base", "lower", "raise", "layer3"]
    assert layout.layers[0].keys[:3] == ["KC_TAB", "KC_Q", "KC_W"]
    assert layout.layers[0].keys[40] == "TL_LOWR"
    assert layout.layers[0].encoders[0].cw == "KC_VOLU"
    assert layout.macros[0].steps[0].value == "Typed by keyconf's demo keyboard"


def test_demo_state_persists_between_openings(tmp_path):
    state = tmp_path / "demo.json"
    sim = demo_keyboard(state_file=state)
    sim.set_keycode(0, 0, 0, 0x0029)
    sim.close()
    again = demo_keyboard(state_file=state)
    assert again.keycode(0, 0, 0) == 0x0029
    assert demo_keyboard().keycode(0, 0, 0) == 0x002B  # a fresh demo keyboard: KC_TAB


def test_damaged_demo_state_is_ignored(tmp_path):
    state = tmp_path / "demo.json"
    state.write_text("{not json")
    assert demo_keyboard(state_file=state).keycode(0, 0, 0) == 0x002B


def test_geometry_from_usb_ids_or_name():
    sim = demo_keyboard()
    board = Board.connect(sim, sim.info())
    assert board_geometry(board).name == "planck/rev6"
    assert board_geometry(board, "crkbd").name == "crkbd/rev1"
    with pytest.raises(DeviceNotFound, match="unknown keyboard"):
        board_geometry(board, "no/such/board")


def test_unknown_via_board_asks_for_its_name():
    sim = SimulatedKeyboard(vendor_id=0xF0F0, product_id=0x0F0F)  # an id no QMK or VIA board declares
    board = Board.connect(sim, sim.info())
    with pytest.raises(DeviceError) as caught:
        board_geometry(board)
    assert "--keyboard" in (caught.value.hint or "")


def test_vial_geometry_comes_from_the_board():
    sim = SimulatedVialKeyboard(rows=3, cols=5, layers=2, encoders=1)
    board = Board.connect(sim, sim.info())
    keyboard = board_geometry(board)
    assert (keyboard.matrix_rows, keyboard.matrix_cols) == (3, 5)
    assert [e.index for e in keyboard.encoders] == [0]
    matrix_keys = [k for k in keyboard.layout().keys if k.matrix is not None]
    assert len(matrix_keys) == 15


def test_vial_layout_carries_its_geometry(monkeypatch):
    import keyconf.device.connection as connection

    sim = SimulatedVialKeyboard(rows=2, cols=3, layers=2, keymap=[4] * 12)
    monkeypatch.setattr(connection, "open_board", lambda *a, **k: Board.connect(sim, sim.info()))
    read = read_board_layout(None)
    assert read.layout.geometry is not None and read.layout.layers[1].keys == ["KC_A"] * 6
    from keyconf.formats.yaml_layout import dumps_layout, loads_layout

    again = loads_layout(dumps_layout(read.layout, read.keyboard)).layout
    assert again.geometry is not None and again.geometry.matrix_cols == 3


def test_vial_encoder_keys_become_encoders():
    keyboard = keyboard_from_vial(grid_vial_definition(2, 3, encoders=2), "Test", 0x1, 0x2)
    keys = keyboard.layout().keys
    assert [k.encoder for k in keys if k.encoder is not None] == [0, 1]
    assert sum(1 for k in keys if k.decal) == 2
    assert keyboard.usb_vid == 1 and keyboard.name == "Simulated Vial"  # the definition's own name wins
