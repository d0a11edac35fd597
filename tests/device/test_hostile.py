"""Broken or hostile keyboards end in a clear error, quickly and without eating memory."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from keyconf.device.board import Board
from keyconf.device.errors import (
    DefinitionError,
    DeviceError,
    DeviceTimeout,
    ProtocolError,
    UnsupportedCommand,
)
from keyconf.device.simulated import Faults, ReplyFault, SimulatedKeyboard, SimulatedVialKeyboard, lzma_bomb
from keyconf.device.vial_client import MAX_DEFINITION_JSON

TIMEOUT_MS = 40


def connect(sim: SimulatedKeyboard) -> Board:
    return Board.connect(sim, sim.info(), timeout_ms=TIMEOUT_MS)


def timed(call):
    start = time.monotonic()
    with pytest.raises(DeviceError) as caught:
        call()
    return caught.value, time.monotonic() - start


def test_absurd_layer_count():
    sim = SimulatedKeyboard(faults=Faults(layer_count=255))
    error, elapsed = timed(lambda: connect(sim))
    assert isinstance(error, ProtocolError) and "255 layers" in error.message
    assert elapsed < 1 and sim.reports == 2


def test_zero_layers():
    sim = SimulatedKeyboard(faults=Faults(layer_count=0))
    error, _ = timed(lambda: connect(sim))
    assert "0 layers" in error.message


@pytest.mark.parametrize(
    ("fault", "kind", "text"),
    [
        (ReplyFault.EMPTY, DeviceTimeout, "did not answer"),
        (ReplyFault.SHORT, ProtocolError, "5-byte reply"),
        (ReplyFault.WRONG_ECHO, ProtocolError, "does not match"),
        (ReplyFault.GARBLED, ProtocolError, "does not match"),
    ],
)
def test_bad_replies_fail_within_bounded_time(fault, kind, text):
    sim = SimulatedKeyboard(faults=Faults(every_reply=fault))
    error, elapsed = timed(lambda: connect(sim))
    assert isinstance(error, kind) and text in error.message
    assert sim.reports == 3  # the first request, retried twice
    assert elapsed < 3 * TIMEOUT_MS / 1000 + 1


def test_not_a_via_device():
    sim = SimulatedKeyboard(faults=Faults(unsupported={0x01}))
    error, _ = timed(lambda: connect(sim))
    assert "does not answer VIA" in error.message


def test_too_old_protocol():
    error, _ = timed(lambda: connect(SimulatedKeyboard(protocol=7)))
    assert "protocol 7" in error.message and error.hint


def test_newer_protocol_warns():
    board = connect(SimulatedKeyboard(protocol=14))
    assert "protocol 14" in board.warnings[0]


def test_lzma_bomb_is_stopped_at_the_cap_with_little_memory():
    bomb = lzma_bomb(64 * 1024 * 1024)
    sim = SimulatedVialKeyboard(definition_blob=bomb)
    board = connect(sim)
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(DefinitionError, match="more than"):
            board.vial.fetch_definition()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < 5
    assert peak < 4 * MAX_DEFINITION_JSON


def test_oversized_definition_is_refused_before_reading():
    sim = SimulatedVialKeyboard(definition_blob=b"\x00" * (300 * 1024))
    board = connect(sim)
    before = sim.reports
    with pytest.raises(DefinitionError, match="claims"):
        board.vial.fetch_definition()
    assert sim.reports - before == 1


def test_unsupported_vial_in_serial_only():
    """A board whose serial says Vial but which is plain VIA is used as VIA, with a warning."""
    sim = SimulatedKeyboard(serial="vial:f64c2b3c:fake")
    board = connect(sim)
    assert not board.is_vial and "does not answer Vial" in board.warnings[0]


def test_unsupported_commands_are_reported_by_name():
    sim = SimulatedKeyboard(faults=Faults(unsupported={0x0C}))
    board = connect(sim)
    with pytest.raises(UnsupportedCommand, match="macro count"):
        board.client.macro_count()


@pytest.mark.parametrize("text", [b"[" * 200_000, b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000])
def test_deeply_nested_definition_is_a_clear_error_naming_the_device(text):
    """Issue 15: a Vial definition made of nested `[` crashed keyconf."""
    import lzma

    from keyconf.device.connection import board_geometry

    sim = SimulatedVialKeyboard(definition_blob=lzma.compress(text), name="Hostile Vial")
    board = connect(sim)
    error, seconds = timed(lambda: board_geometry(board))
    assert isinstance(error, DefinitionError)
    assert "Hostile Vial:" in error.message and "nests" in error.message
    assert seconds < 2


def test_unlock_in_progress_is_reported_as_such():
    """Issue 18: an unlock another program started made keyconf say 'VIA protocol 0'."""
    from keyconf.device.errors import DeviceLocked

    sim = SimulatedVialKeyboard(name="Busy Vial")
    sim.unlock_in_progress = True
    with pytest.raises(DeviceLocked) as caught:
        connect(sim)
    assert "in the middle of a Vial unlock" in caught.value.message and "protocol 0" not in str(caught.value)
    assert "row 0 col 0" in (caught.value.hint or "")


def test_old_via_board_is_still_reported_by_protocol():
    sim = SimulatedKeyboard(protocol=7)
    with pytest.raises(ProtocolError, match="protocol 7"):
        connect(sim)
