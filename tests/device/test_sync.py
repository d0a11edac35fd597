"""The sync engine against the simulated keyboard: read, push, verify, backups, failures."""

from __future__ import annotations

import json
import math
import random

import pytest
from device_doubles import HexCodec, grid_keyboard

from keyconf.device.backup import BackupStore, load_backup
from keyconf.device.board import Board
from keyconf.device.errors import PushError, VerifyError
from keyconf.device.simulated import Faults, SimulatedKeyboard
from keyconf.device.sync import KeymapSync, LayoutMismatch, ReadParts
from keyconf.model.keyboard import LayoutOption
from keyconf.model.layout import EncoderAction, Macro, MacroStep

ROWS, COLS, LAYERS = 5, 15, 4


def hexes(values):
    return [f"0x{v:04X}" for v in values]


def make(tmp_path, *, keymap=None, encoders=0, keyboard=None, **sim_args):
    rng = random.Random(7)
    keymap = keymap if keymap is not None else [rng.randrange(4, 0xE8) for _ in range(LAYERS * ROWS * COLS)]
    sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=LAYERS, keymap=keymap, encoders=encoders, **sim_args)
    board = Board.connect(sim, sim.info(), timeout_ms=30)
    keyboard = keyboard or grid_keyboard(ROWS, COLS, encoders)
    sync = KeymapSync(board, keyboard, codec=HexCodec(), backups=BackupStore(tmp_path / "backups"))
    return sim, sync


def test_read_keymap_takes_the_minimum_reports(tmp_path):
    sim, sync = make(tmp_path)
    before = sync.client.round_trips
    layout = sync.read_keymap(layer_names=["base"])
    size = LAYERS * ROWS * COLS * 2
    assert sync.client.round_trips - before >= math.ceil(size / 28)
    state_only = sync.client.round_trips
    sync.read_state(parts=ReadParts(encoders=False, macros=False, layout_options=False))
    assert sync.client.round_trips - state_only == math.ceil(size / 28)
    assert layout.layer_names == ["base", "layer1", "layer2", "layer3"]
    assert layout.layers[2].keys == hexes(sim.keycodes()[2 * ROWS * COLS : 3 * ROWS * COLS])
    assert layout.keyboard == "test/grid" and layout.layout_macro == "LAYOUT"


def test_push_writes_changes_verifies_and_backs_up(tmp_path):
    sim, sync = make(tmp_path)
    original = sim.keycodes()
    layout = sync.read_keymap()
    layout.layers[1].keys[3] = "0x5221"
    layout.layers[3].keys[74] = "0x0029"
    result = sync.push(layout)
    assert sim.keycode(1, 0, 3) == 0x5221 and sim.keycode(3, 4, 14) == 0x0029
    assert len(result.plan.keys) == 2 and len(result.plan.windows) == 2
    backup = load_backup(result.backup)
    assert backup.state.keymap.values() == original
    assert result.backup.with_suffix(".yaml").exists()
    lines = result.plan.describe()
    assert "layer layer1: 1 key" in lines[0] and "-> 0x5221" in lines[1]


def test_one_key_change_is_one_write_and_one_verify(tmp_path):
    _sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    layout.layers[0].keys[20] = "0x0004" if layout.layers[0].keys[20] != "0x0004" else "0x0005"
    before = sync.client.round_trips
    result = sync.push(layout, refresh=False)
    assert sync.client.round_trips - before == 2
    assert result.reports == 2


def test_nearby_changes_share_a_report(tmp_path):
    _sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    for index in (0, 5, 13, 14):  # 0..13 fit one report, 14 needs a second
        layout.layers[0].keys[index] = "0x00E0"
    result = sync.push(layout, refresh=False)
    assert result.plan.windows == [(0, 14), (14, 1)]
    assert result.reports == 4


def test_full_push_takes_the_minimum_writes(tmp_path):
    sim, sync = make(tmp_path, keymap=[0x04] * (LAYERS * ROWS * COLS))
    layout = sync.read_keymap()
    for layer in layout.layers:
        layer.keys = ["0x0029"] * len(layer.keys)
    result = sync.push(layout, refresh=False)
    minimum = math.ceil(LAYERS * ROWS * COLS * 2 / 28)
    assert len(result.plan.windows) == minimum
    assert result.reports == 2 * minimum
    assert set(sim.keycodes()) == {0x29}


def test_unchanged_layout_writes_nothing(tmp_path):
    _sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    result = sync.push(layout, refresh=False)
    assert result.plan.empty and result.reports == 0 and result.backup is None
    assert not list((tmp_path / "backups").glob("*")) if (tmp_path / "backups").exists() else True


def test_bad_keycodes_and_too_many_layers_are_refused_before_writing(tmp_path):
    sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    layout.layers[0].keys[1] = "KC_NOPE"
    before = sim.reports
    with pytest.raises(LayoutMismatch) as caught:
        sync.push(layout, refresh=False)
    assert "key 2" in caught.value.problems[0]
    assert sim.reports == before
    layout = sync.read_keymap()
    layout.layers.append(layout.layers[0])
    with pytest.raises(LayoutMismatch, match="5 layers"):
        sync.plan(layout)


def test_write_the_firmware_ignores_is_reported(tmp_path):
    sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    layout.layers[0].keys[0] = "0x7C00"
    original_set = sim._set_buffer

    def stubborn(data):  # a firmware that acknowledges but drops the write
        return None

    sim._set_buffer = stubborn  # type: ignore[method-assign]
    with pytest.raises(PushError) as caught:
        sync.push(layout, refresh=False)
    assert isinstance(caught.value.cause, VerifyError)
    sim._set_buffer = original_set  # type: ignore[method-assign]


def test_encoders_read_and_push(tmp_path):
    sim, sync = make(tmp_path, encoders=2, encoder_map=[0x80, 0x81] * 8)
    layout = sync.read_keymap()
    assert layout.layers[0].encoders == [EncoderAction(ccw="0x0081", cw="0x0080")] * 2
    layout.layers[2].encoders[1] = EncoderAction(ccw="0x00AA", cw="0x00AB")
    result = sync.push(layout, refresh=False)
    assert len(result.plan.encoders) == 2
    assert sim.encoder(2, 1, True) == 0xAB and sim.encoder(2, 1, False) == 0xAA


def test_encoder_map_missing_is_a_warning(tmp_path):
    sim, sync = make(tmp_path, encoders=0, keyboard=grid_keyboard(ROWS, COLS, encoders=1))
    layout = sync.read_keymap()
    assert layout.layers[0].encoders == []
    layout.layers[0].encoders = [EncoderAction("0x0080", "0x0081")]
    plan = sync.plan(layout)
    assert plan.empty and "encoder" in plan.warnings[0]


def test_macros_round_trip_with_write_guard(tmp_path):
    sim, sync = make(tmp_path, macro_count=4, macro_buffer_size=100)
    layout = sync.read_keymap()
    assert layout.macros == []
    layout.macros = [
        Macro([MacroStep("text", "hi!"), MacroStep("delay", 250), MacroStep("tap", ["0x00E1", "0x0004"])]),
        Macro([MacroStep("down", ["0x00E0"]), MacroStep("up", ["0x00E0"])]),
    ]
    sync.push(layout, refresh=False)
    assert sim.macros[:28] == (
        b"hi!\x01\x04250|\x01\x02\xe1\x01\x01\x04\x01\x03\xe1\x00" + b"\x01\x02\xe0\x01\x03\xe0\x00\x00\x00"
    )
    assert sim.macros[-1] == 0  # the write-in-progress guard was lifted
    again = sync.read_keymap()
    assert again.macros == layout.macros


def test_macro_that_does_not_fit_is_refused(tmp_path):
    _sim, sync = make(tmp_path, macro_count=2, macro_buffer_size=8)
    layout = sync.read_keymap()
    layout.macros = [Macro([MacroStep("text", "a long text")])]
    with pytest.raises(LayoutMismatch, match="problem"):
        sync.plan(layout)


def test_layout_options_pushed_and_read(tmp_path):
    keyboard = grid_keyboard(ROWS, COLS)
    keyboard.layout_options = [LayoutOption("Split backspace"), LayoutOption("Bottom row", ("a", "b", "c"))]
    sim, sync = make(tmp_path, keyboard=keyboard, layout_options=0b101)
    layout = sync.read_keymap()
    assert layout.layout_options == {"Split backspace": 1, "Bottom row": 1}
    layout.layout_options = {"Bottom row": 2}
    sync.push(layout, refresh=False)
    assert sim.layout_options == 0b110


def test_restore_puts_back_everything(tmp_path):
    sim, sync = make(tmp_path, macro_count=2, macro_buffer_size=64)
    original = list(sim.keycodes())
    layout = sync.read_keymap()
    for layer in layout.layers:
        layer.keys = ["0x0004"] * len(layer.keys)
    layout.macros = [Macro([MacroStep("text", "x")])]
    result = sync.push(layout)
    assert set(sim.keycodes()) == {4}
    sync.restore(result.backup)
    assert sim.keycodes() == original
    assert sim.macros[:2] == b"\x00\x00"


def test_backup_file_is_readable_json(tmp_path):
    _sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    layout.layers[0].keys[0] = "0x00FF"
    result = sync.push(layout, refresh=False)
    data = json.loads(result.backup.read_text())
    assert data["matrix"] == {"layers": LAYERS, "rows": ROWS, "cols": COLS}
    assert data["board"]["usb"] == "FEED:0001"


@pytest.mark.parametrize("lost", [1, 3])
def test_lost_reply_is_retried_and_the_push_succeeds(tmp_path, lost):
    sim, sync = make(tmp_path)
    layout = sync.read_keymap()
    for index in range(0, 70, 3):
        layout.layers[1].keys[index] = "0x0099"
    sim.faults.lose_reply_at = {sim.reports + lost}
    sync.push(layout, refresh=False)
    assert all(sim.keycode(1, i // COLS, i % COLS) == 0x99 for i in range(0, 70, 3))


def test_disconnect_at_every_report_of_a_push_loses_nothing(tmp_path):
    """Unplug the keyboard at each report of a push in turn: every key ends old or new, the
    error names what was written, and the backup restores the original keymap."""
    rng = random.Random(3)
    base = [rng.randrange(4, 0x60) for _ in range(LAYERS * ROWS * COLS)]
    sim, sync = make(tmp_path, keymap=base)
    layout = sync.read_keymap()
    for layer in layout.layers:
        for index in rng.sample(range(len(layer.keys)), 30):
            layer.keys[index] = "0x00E5"
    probe = sync.plan(layout)
    reports = 2 * len(probe.windows)
    wanted = probe.target.keymap.values()
    assert reports > 10
    for cut in range(reports):
        sim = SimulatedKeyboard(rows=ROWS, cols=COLS, layers=LAYERS, keymap=base)
        board = Board.connect(sim, sim.info(), timeout_ms=20)
        sync = KeymapSync(board, grid_keyboard(ROWS, COLS), codec=HexCodec(), backups=BackupStore(tmp_path / "b"))
        sync.read_state()
        sim.faults.disconnect_after = sim.reports + cut
        with pytest.raises(PushError) as caught:
            sync.push(layout, refresh=False)
        error = caught.value
        now = sim.keycodes()
        assert all(v in (old, new) for v, old, new in zip(now, base, wanted, strict=True))
        written = {sim._key_offset(*p) // 2 for p in error.written}
        assert all(now[i] == wanted[i] for i in written)
        assert error.backup is not None and "keyconf restore" in (error.hint or "")
        # plug back in and restore from the backup
        sim.plug_in()
        sim.faults = Faults()
        board = Board.connect(sim, sim.info(), timeout_ms=20)
        fresh = KeymapSync(board, grid_keyboard(ROWS, COLS), codec=HexCodec(), backups=BackupStore(tmp_path / "b"))
        fresh.restore(error.backup)
        assert sim.keycodes() == base


def test_layout_option_keys_share_a_matrix_cell(tmp_path):
    """Two layout-option alternatives on one cell: the chosen option's keycode is written."""
    from keyconf.model.keyboard import Key, Keyboard, LayoutMacro

    keys = [
        Key(0, 0, matrix=(0, 0)),
        Key(1, 0, matrix=(0, 1), option=(0, 0)),
        Key(1, 0, matrix=(0, 1), option=(0, 1)),
    ]
    keyboard = Keyboard(
        "test/options",
        matrix_rows=1,
        matrix_cols=2,
        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
        layout_options=[LayoutOption("Split")],
    )
    sim = SimulatedKeyboard(rows=1, cols=2, layers=1, keymap=[4, 5], layout_options=1)
    board = Board.connect(sim, sim.info(), timeout_ms=20)
    sync = KeymapSync(board, keyboard, codec=HexCodec(), backups=BackupStore(tmp_path / "b"))
    layout = sync.read_keymap()
    assert layout.layers[0].keys == ["0x0004", "0x0005", "0x0005"]
    layout.layers[0].keys = ["0x0004", "0x0010", "0x0011"]
    sync.push(layout)
    assert sim.keycode(0, 0, 1) == 0x11  # option choice 1 is active on the board


def test_live_mode_keeps_one_backup_for_the_session(tmp_path):
    sim, sync = make(tmp_path)
    sync.backup_once = True
    layout = sync.read_keymap()
    original = sim.keycodes()
    first = None
    for value in ("0x0010", "0x0011", "0x0012"):
        layout.layers[0].keys[0] = value
        result = sync.push(layout, refresh=False)
        assert result.reports == 2
        first = first or result.backup
        assert result.backup == first
    assert len(list((tmp_path / "backups").glob("*.json"))) == 1
    assert load_backup(first).state.keymap.values() == original


def test_a_pause_longer_than_a_layout_step_reads_as_pauses_that_add_up(tmp_path):
    """A board's macro may hold a pause a layout step cannot (another tool wrote 65 s, or VIA's
    digits say 99999): the read layout keeps the timing in steps of a minute and can be saved."""
    from keyconf.formats.yaml_layout import dumps_layout, loads_layout
    from keyconf.model.layout import MAX_MACRO_DELAY_MS

    sim, sync = make(tmp_path, macro_count=2, macro_buffer_size=64)
    sim.macros[:20] = b"a\x01\x0465000|\x00\x01\x0499999|\x00"
    layout = sync.read_keymap()
    first, second = layout.macros
    assert first.steps == [MacroStep("text", "a"), MacroStep("delay", MAX_MACRO_DELAY_MS), MacroStep("delay", 5000)]
    assert sum(int(step.value) for step in second.steps) == 65535  # past 16 bits no firmware holds: capped
    assert loads_layout(dumps_layout(layout)).layout.macros == layout.macros
