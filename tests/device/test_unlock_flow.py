"""The one unlock flow (keyconf.device.unlock) against the simulated Vial board."""

from __future__ import annotations

import pytest

from keyconf.device.board import Board
from keyconf.device.errors import DeviceLocked
from keyconf.device.simulated import SimulatedVialKeyboard
from keyconf.device.unlock import UnlockCancelled, keys_text, unlock


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def connect(**kwargs) -> tuple[SimulatedVialKeyboard, Board]:
    sim = SimulatedVialKeyboard(rows=4, cols=6, layers=2, unlock_polls=5, **kwargs)
    return sim, Board.connect(sim, sim.info(), timeout_ms=30)


def test_unlock_polls_while_the_keys_are_held():
    sim, board = connect()
    sim.press(0, 0)
    sim.press(0, 1)
    clock = FakeClock()
    seen = []
    status = unlock(board.vial, on_update=seen.append, sleep=clock.sleep, clock=clock)
    assert status.unlocked and sim.unlocked
    assert seen[0].remaining is None and seen[-1].unlocked
    assert [s.remaining for s in seen[1:]] == [4, 3, 2, 1, 0]


def test_an_unlock_another_program_started_is_joined_not_restarted():
    sim, board = connect()
    sim.unlock_in_progress, sim.unlock_counter = True, 2  # another program got it this far
    sim.press(0, 0)
    sim.press(0, 1)
    clock = FakeClock()
    starts = []
    original = board.vial.__class__.unlock_start
    board.vial.__class__.unlock_start = lambda self: starts.append(1)  # type: ignore[method-assign]
    try:
        unlock(board.vial, sleep=clock.sleep, clock=clock)
    finally:
        board.vial.__class__.unlock_start = original  # type: ignore[method-assign]
    assert sim.unlocked and not starts


def test_timeout_and_cancel_say_the_keyboard_still_waits():
    sim, board = connect()
    clock = FakeClock()
    with pytest.raises(DeviceLocked) as caught:
        unlock(board.vial, timeout_s=3, sleep=clock.sleep, clock=clock)
    assert "within 3 s" in caught.value.message and "replug" in (caught.value.hint or "")
    assert sim.unlock_in_progress and not sim.unlocked
    with pytest.raises(UnlockCancelled):
        unlock(board.vial, cancelled=lambda: True, sleep=clock.sleep, clock=clock)


def test_already_unlocked_asks_nothing_more():
    sim, board = connect(unlocked=True)
    before = sim.reports
    assert unlock(board.vial).unlocked and sim.reports - before == 1


def test_keys_text_names_keys_by_legend():
    assert keys_text(((0, 0), (0, 1)), lambda r, c: ["Tab", "Q"][c]) == "Tab (row 0, col 0) and Q (row 0, col 1)"
    assert keys_text(()) == "its unlock keys"
