"""`pull` then `push` on a factory Vial board changes nothing (issue 18).

A factory keymap puts TD(n) and MC_n on keys whose tap dances and macros are still empty;
the pulled file keeps those empty entries, so it validates and pushes back as it is."""

from __future__ import annotations

from keyconf.cli.layout_files import check_layout_file
from keyconf.device.board import Board
from keyconf.device.connection import read_board_layout
from keyconf.device.keycode_codec import codec_for
from keyconf.device.simulated import SimulatedVialKeyboard
from keyconf.device.sync import KeymapSync
from keyconf.formats.yaml_layout import dumps_layout

FACTORY_KEYS = ["KC_A", "TD(0)", "TD(2)", "MC_0", "MC_3", "QK_BOOT", "LT(1, KC_SPC)", "KC_B"]


def factory_board() -> SimulatedVialKeyboard:
    codec = codec_for(True)
    keymap = [codec.encode(text, ["a", "b", "c", "d"]) for text in FACTORY_KEYS]
    return SimulatedVialKeyboard(rows=4, cols=6, layers=4, keymap=keymap, macro_count=16, macro_buffer_size=256)


def test_pull_of_a_factory_board_validates_and_pushes_back_unchanged(tmp_path, monkeypatch):
    sim = factory_board()
    monkeypatch.setattr("keyconf.device.connection.open_board", lambda *a, **k: Board.connect(sim, sim.info()))
    pulled = read_board_layout(None)
    path = tmp_path / "factory.yaml"
    path.write_text(dumps_layout(pulled.layout, pulled.keyboard), encoding="utf-8")

    checked = check_layout_file(str(path))
    assert not checked.errors, [p.format() for p in checked.errors]
    layout = checked.loaded.layout
    assert len(layout.tap_dances) == 3 and len(layout.macros) == 4
    assert layout.layers[0].keys[1:3] == ["TD(td0)", "TD(td2)"]

    sim.plug_in()
    board = Board.connect(sim, sim.info())
    assert checked.keyboard is not None
    sync = KeymapSync(board, checked.keyboard, layout.layout_macro)
    sync.read_state()
    plan = sync.plan(layout)
    assert plan.empty, plan.describe()
