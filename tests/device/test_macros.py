"""Macro byte formats: VIA >= 11, legacy (VIA <= 10, Vial < 2) and Vial >= 2, both ways."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.device.macro_store import read_macro_buffer, write_macro_buffer
from keyconf.device.macros import (
    MacroEncodingError,
    MacroFormat,
    RawStep,
    decode_macro,
    encode_macro,
    join_macros,
    macro_format,
    split_macros,
)
from keyconf.device.simulated import SimulatedKeyboard
from keyconf.device.via_client import ViaClient


def test_format_choice():
    assert macro_format(12, None) is MacroFormat.VIA
    assert macro_format(11, None) is MacroFormat.VIA
    assert macro_format(10, None) is MacroFormat.LEGACY
    assert macro_format(9, 6) is MacroFormat.VIAL
    assert macro_format(9, 1) is MacroFormat.LEGACY


def test_via_encoding_bytes():
    steps = [
        RawStep("text", text="Hi"),
        RawStep("tap", keycodes=(0x04,)),
        RawStep("down", keycodes=(0xE1,)),
        RawStep("up", keycodes=(0xE1,)),
        RawStep("delay", delay_ms=1500),
    ]
    assert encode_macro(steps, MacroFormat.VIA) == b"Hi\x01\x01\x04\x01\x02\xe1\x01\x03\xe1\x01\x041500|"


def test_legacy_encoding_bytes_and_no_delays():
    steps = [RawStep("tap", keycodes=(0xE0, 0x06))]
    assert encode_macro(steps, MacroFormat.LEGACY) == b"\x02\xe0\x01\x06\x03\xe0"
    with pytest.raises(MacroEncodingError, match="delays"):
        encode_macro([RawStep("delay", delay_ms=5)], MacroFormat.LEGACY)


def test_vial_encoding_16_bit_keycodes_and_delays():
    steps = [
        RawStep("tap", keycodes=(0x5221,)),
        RawStep("tap", keycodes=(0x7C00,)),
        RawStep("delay", delay_ms=600),
    ]
    data = encode_macro(steps, MacroFormat.VIAL)
    # 0x5221 little-endian; 0x7C00 has a zero low byte, so it is sent as 0xFF7C; 600 = 90 + 2*255
    assert data == b"\x01\x05\x21\x52" + b"\x01\x05\x7c\xff" + b"\x01\x04\x5b\x03"
    assert b"\x00" not in data
    assert decode_macro(data, MacroFormat.VIAL) == steps


def test_basic_keycodes_only_outside_vial():
    with pytest.raises(MacroEncodingError, match="basic keycodes"):
        encode_macro([RawStep("tap", keycodes=(0x5221,))], MacroFormat.VIA)
    with pytest.raises(MacroEncodingError):
        encode_macro([RawStep("tap", keycodes=(0,))], MacroFormat.VIA)


def test_text_must_be_typable():
    with pytest.raises(MacroEncodingError, match="ASCII"):
        encode_macro([RawStep("text", text="café")], MacroFormat.VIA)
    with pytest.raises(MacroEncodingError):
        encode_macro([RawStep("text", text="a\x01b")], MacroFormat.VIA)


def test_decode_groups_downs_and_ups_and_chords():
    data = b"\x01\x02\xe0\x01\x02\xe1\x01\x03\xe1\x01\x03\xe0"
    assert decode_macro(data, MacroFormat.VIA) == [
        RawStep("down", keycodes=(0xE0, 0xE1)),
        RawStep("up", keycodes=(0xE1, 0xE0)),
    ]
    chord = b"\x01\x02\xe0\x01\x01\x06\x01\x03\xe0"
    assert decode_macro(chord, MacroFormat.VIA) == [RawStep("tap", keycodes=(0xE0, 0x06))]


def test_decode_survives_truncated_and_malformed_bytes():
    assert decode_macro(b"ab\x01", MacroFormat.VIA) == [RawStep("text", text="ab")]
    assert decode_macro(b"\x01\x09xy", MacroFormat.VIA) == [RawStep("text", text="xy")]
    assert decode_macro(b"\x01\x04123", MacroFormat.VIA) == [RawStep("delay", delay_ms=123)]


def test_split_and_join():
    assert split_macros(b"ab\x00\x00cd\x00", 4) == [b"ab", b"", b"cd", b""]
    assert split_macros(b"ab\x00cd", 2) == [b"ab", b""]  # unterminated tail is not a macro
    assert join_macros([b"x", b""]) == b"x\x00\x00"


keycodes = st.integers(min_value=1, max_value=0xFF)
steps_strategy = st.lists(
    st.one_of(
        st.builds(lambda t: RawStep("text", text=t), st.text(alphabet="abcXYZ 019!?\n", min_size=1, max_size=6)),
        st.builds(lambda k: RawStep("tap", keycodes=tuple(k)), st.lists(keycodes, min_size=1, max_size=3)),
        st.builds(lambda k: RawStep("down", keycodes=tuple(k)), st.lists(keycodes, min_size=1, max_size=2)),
        st.builds(lambda k: RawStep("up", keycodes=tuple(k)), st.lists(keycodes, min_size=1, max_size=2)),
        st.builds(lambda d: RawStep("delay", delay_ms=d), st.integers(0, 60000)),
    ),
    max_size=6,
)


def _canonical(steps: list[RawStep], fmt: MacroFormat) -> list[RawStep]:
    return decode_macro(encode_macro(steps, fmt), fmt)


@settings(max_examples=60, deadline=None)
@given(steps_strategy, st.sampled_from([MacroFormat.VIA, MacroFormat.VIAL]))
def test_encode_decode_is_stable(steps, fmt):
    """What is written reads back as steps that encode to the very same bytes."""
    data = encode_macro(steps, fmt)
    assert b"\x00" not in data
    assert encode_macro(_canonical(steps, fmt), fmt) == data


def test_guarded_write_and_read_against_the_simulator():
    sim = SimulatedKeyboard(rows=1, cols=1, layers=1, macro_count=3, macro_buffer_size=70)
    client = ViaClient(sim, timeout_ms=20)
    data = join_macros([b"a" * 40, b"bc", b""])
    reports = write_macro_buffer(client, data, b"", 70)
    assert sim.macros[: len(data)] == data and sim.macros[-1] == 0
    assert reports == 1 + 2 + 1 + 2  # guard, two chunks, unguard, two verify reads
    assert read_macro_buffer(client, 3, 70) == data
    # rewriting only the second macro touches only the chunk holding it
    data2 = join_macros([b"a" * 40, b"BC", b""])
    assert write_macro_buffer(client, data2, data, 70) == 1 + 1 + 1 + 1


def test_guard_is_set_while_writing():
    """Unplugged after the first chunk, the buffer keeps its in-progress mark: no macro plays."""
    from keyconf.device.errors import DeviceDisconnected
    from keyconf.device.simulated import Faults

    sim = SimulatedKeyboard(rows=1, cols=1, layers=1, macro_count=2, macro_buffer_size=60)
    client = ViaClient(sim, timeout_ms=20)
    sim.faults = Faults(disconnect_after=2)
    with pytest.raises(DeviceDisconnected):
        write_macro_buffer(client, join_macros([b"x" * 30, b"y"]), b"", 60)
    assert sim.macros[-1] == 0xFF


def test_modified_key_is_pressed_with_its_modifiers_on_basic_keycode_boards():
    from keyconf.device.macros import MacroFormat, RawStep, encode_step

    ctrl_shift_c = 0x0306  # LCTL(LSFT(KC_C))
    assert encode_step(RawStep("tap", keycodes=(ctrl_shift_c,)), MacroFormat.VIA) == bytes(
        [1, 2, 0xE0, 1, 2, 0xE1, 1, 1, 0x06, 1, 3, 0xE1, 1, 3, 0xE0])
    assert encode_step(RawStep("tap", keycodes=(0x1104,)), MacroFormat.LEGACY) == bytes(
        [2, 0xE4, 1, 0x04, 3, 0xE4])  # RCTL(KC_A)
    # Vial takes the 16-bit keycode as it is
    assert encode_step(RawStep("tap", keycodes=(0x0106,)), MacroFormat.VIAL) == bytes([1, 5, 0x06, 0x01])
