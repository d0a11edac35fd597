"""Byte-exact requests and reply handling for every VIA command, against a scripted transport."""

from __future__ import annotations

import time

import pytest
from device_doubles import ScriptedTransport, reply

from keyconf.device.errors import DeviceDisconnected, DeviceTimeout, ProtocolError, UnsupportedCommand
from keyconf.device.lighting import Lighting
from keyconf.device.via_client import ViaClient
from keyconf.device.via_protocol import Channel


def sent(transport: ScriptedTransport, index: int = -1) -> bytes:
    """What the firmware received: the write without hidapi's report id, unpadded to `n` bytes."""
    data = transport.writes[index]
    assert len(data) == 33 and data[0] == 0x00
    return data[1:]


def client_with(*replies: bytes) -> tuple[ViaClient, ScriptedTransport]:
    transport = ScriptedTransport(list(replies))
    return ViaClient(transport, timeout_ms=5, retries=0), transport


def test_protocol_version():
    client, t = client_with(reply(0x01, 0x00, 0x0C))
    assert client.protocol_version() == 12
    assert sent(t) == bytes([0x01]) + bytes(31)


@pytest.mark.parametrize(
    ("method", "value_id", "expected"),
    [
        ("uptime_ms", 0x01, 0x01020304),
        ("layout_options", 0x02, 0x00000005),
        ("firmware_version", 0x04, 7),
        ("keycodes_version", 0x06, 0x00000009),
    ],
)
def test_keyboard_values(method, value_id, expected):
    client, t = client_with(reply(0x02, value_id, *expected.to_bytes(4, "big")))
    assert getattr(client, method)() == expected
    assert sent(t)[:2] == bytes([0x02, value_id])


def test_set_layout_options_and_device_indication():
    client, t = client_with(reply(0x03, 0x02, 0x00, 0x00, 0x01, 0x02), reply(0x03, 0x05, 0x03))
    client.set_layout_options(0x0102)
    assert sent(t, 0)[:6] == bytes([0x03, 0x02, 0x00, 0x00, 0x01, 0x02])
    client.device_indication(3)
    assert sent(t, 1)[:3] == bytes([0x03, 0x05, 0x03])


def test_switch_matrix_state_protocol_12_uses_row_offsets():
    # 20 columns -> 3 bytes per row -> 9 rows per report; 12 rows take two reports
    first = reply(0x02, 0x03, 0x00, *([0x00, 0x00, 0x01] + [0x00] * 24))
    second = reply(0x02, 0x03, 0x09, 0x08, 0x00, 0x00, 0, 0, 0, 0, 0, 0)
    client, t = client_with(first, second)
    rows = client.switch_matrix_state(12, 20, protocol=12)
    assert sent(t, 0)[:3] == bytes([0x02, 0x03, 0x00])
    assert sent(t, 1)[:3] == bytes([0x02, 0x03, 0x09])
    assert rows[0] == 1 and rows[9] == 0x080000 and len(rows) == 12


def test_switch_matrix_state_before_protocol_12_has_no_offset():
    client, t = client_with(reply(0x02, 0x03, 0x01, 0x80, 0x00, 0x00, 0x02, 0x00))
    assert client.switch_matrix_state(3, 12, protocol=9) == [0x0180, 0x0000, 0x0200]
    assert sent(t)[:3] == bytes([0x02, 0x03, 0x00])


def test_keycode_get_set():
    client, t = client_with(reply(0x04, 1, 2, 3, 0x52, 0x21), reply(0x05, 1, 2, 3, 0x00, 0x04))
    assert client.get_keycode(1, 2, 3) == 0x5221
    assert sent(t, 0)[:4] == bytes([0x04, 1, 2, 3])
    client.set_keycode(1, 2, 3, 0x0004)
    assert sent(t, 1)[:6] == bytes([0x05, 1, 2, 3, 0x00, 0x04])


@pytest.mark.parametrize(
    ("method", "command"),
    [("reset_keymap", 0x06), ("eeprom_reset", 0x0A), ("macro_reset", 0x10)],
)
def test_argumentless_commands(method, command):
    client, t = client_with(reply(command))
    getattr(client, method)()
    assert sent(t) == bytes([command]) + bytes(31)


def test_custom_values_protocol_12_channels():
    client, t = client_with(reply(0x08, 3, 4, 0x10, 0xF0), reply(0x07, 3, 1, 0x80), reply(0x09, 3))
    lighting = Lighting(client, legacy=False)
    assert lighting.get(Channel.RGB_MATRIX, "color") == (0x10, 0xF0)
    assert sent(t, 0)[:3] == bytes([0x08, 3, 4])
    lighting.set(Channel.RGB_MATRIX, "brightness", 0x80)
    assert sent(t, 1)[:4] == bytes([0x07, 3, 1, 0x80])
    lighting.save(Channel.RGB_MATRIX)
    assert sent(t, 2)[:2] == bytes([0x09, 3])


def test_custom_values_legacy_flat_ids():
    client, t = client_with(reply(0x08, 0x83, 0x20, 0xFF), reply(0x07, 0x09, 0x40), reply(0x09))
    lighting = Lighting(client, legacy=True)
    assert lighting.get(Channel.RGBLIGHT, "color") == (0x20, 0xFF)
    assert sent(t, 0)[:2] == bytes([0x08, 0x83])
    lighting.set(Channel.BACKLIGHT, "brightness", 0x40)
    assert sent(t, 1)[:3] == bytes([0x07, 0x09, 0x40])
    lighting.save(Channel.BACKLIGHT)
    assert sent(t, 2) == bytes([0x09]) + bytes(31)


def test_audio_and_led_matrix_channels():
    client, t = client_with(reply(0x08, 4, 2, 1), reply(0x07, 5, 3, 0x44))
    lighting = Lighting(client, legacy=False)
    assert lighting.get(Channel.AUDIO, "clicky_enable") == 1
    lighting.set(Channel.LED_MATRIX, "effect_speed", 0x44)
    assert sent(t, 1)[:4] == bytes([0x07, 5, 3, 0x44])


def test_lighting_rejects_out_of_range_values():
    client, _ = client_with()
    with pytest.raises(ValueError):
        Lighting(client, legacy=False).set(Channel.AUDIO, "enable", 2)


def test_bootloader_jump_unsupported_says_what_to_do():
    client, t = client_with(reply(0xFF))
    with pytest.raises(UnsupportedCommand) as caught:
        client.bootloader_jump()
    assert sent(t) == bytes([0x0B]) + bytes(31)
    assert "bootloader" in caught.value.message and "QK_BOOT" in (caught.value.hint or "")


def test_bootloader_jump_acknowledged():
    client, _ = client_with(reply(0x0B))
    assert client.bootloader_jump() is True


def test_macro_commands():
    client, t = client_with(
        reply(0x0C, 16),
        reply(0x0D, 0x03, 0x00),
        reply(0x0E, 0x00, 0x1C, 3, 0x41, 0x42, 0x00),
        reply(0x0F, 0x01, 0x00, 2, 0x43, 0x00),
    )
    assert client.macro_count() == 16
    assert client.macro_buffer_size() == 0x300
    assert client.macro_get_buffer(28, 3) == b"AB\x00"
    assert sent(t, 2)[:4] == bytes([0x0E, 0x00, 0x1C, 3])
    client.macro_set_buffer(0x100, b"C\x00")
    assert sent(t, 3)[:6] == bytes([0x0F, 0x01, 0x00, 2, 0x43, 0x00])


def test_layer_count_and_buffers():
    data = bytes(range(28))
    client, t = client_with(reply(0x11, 4), reply(0x12, 0x01, 0x18, 28, *data), reply(0x13, 0x00, 0x02, 2, 0x00, 0x29))
    assert client.layer_count() == 4
    assert sent(t, 0) == bytes([0x11]) + bytes(31)
    assert client.get_buffer(0x118, 28) == data
    assert sent(t, 1)[:4] == bytes([0x12, 0x01, 0x18, 28])
    client.set_buffer(2, b"\x00\x29")
    assert sent(t, 2)[:6] == bytes([0x13, 0x00, 0x02, 2, 0x00, 0x29])


def test_buffer_transfers_are_capped_at_28_bytes():
    client, t = client_with()
    with pytest.raises(ValueError):
        client.get_buffer(0, 29)
    with pytest.raises(ValueError):
        client.set_buffer(0, bytes(30))
    with pytest.raises(ValueError):
        client.macro_set_buffer(0, bytes(29))
    assert t.writes == []


def test_encoders():
    client, t = client_with(reply(0x14, 1, 0, 1, 0x00, 0x80), reply(0x15, 1, 0, 0, 0x00, 0x81))
    assert client.get_encoder(1, 0, clockwise=True) == 0x0080
    assert sent(t, 0)[:4] == bytes([0x14, 1, 0, 1])
    client.set_encoder(1, 0, clockwise=False, keycode=0x81)
    assert sent(t, 1)[:6] == bytes([0x15, 1, 0, 0, 0x00, 0x81])


def test_encoders_unsupported_without_encoder_map():
    client, _ = client_with(reply(0xFF, 0, 0, 1))
    with pytest.raises(UnsupportedCommand):
        client.get_encoder(0, 0, clockwise=True)


# --- reply validation --------------------------------------------------------------------


def test_wrong_echo_is_a_protocol_error():
    client, _ = client_with(reply(0x12, 0x00, 0x1C, 28))  # asked for offset 0, got offset 28
    with pytest.raises(ProtocolError, match="does not match"):
        client.get_buffer(0, 28)


def test_set_reply_must_echo_the_data():
    client, _ = client_with(reply(0x13, 0x00, 0x00, 2, 0xFF, 0xFF))
    with pytest.raises(ProtocolError):
        client.set_buffer(0, b"\x7c\x00")


def test_short_reply_is_a_protocol_error():
    client, _ = client_with(bytes([0x11, 4]))
    with pytest.raises(ProtocolError, match="2-byte reply"):
        client.layer_count()


def test_no_reply_times_out():
    client, _ = client_with()
    with pytest.raises(DeviceTimeout):
        client.layer_count()


def test_retry_after_timeout_then_success():
    transport = ScriptedTransport([b"", reply(0x11, 4)])
    client = ViaClient(transport, timeout_ms=5, retries=1)
    assert client.layer_count() == 4
    assert len(transport.writes) == 2 and client.round_trips == 2


def test_late_reply_is_drained_before_retrying():
    # write 1 gets no answer in time; its late answer arrives with write 2's, which the echo
    # check rejects; the client drains and asks once more
    transport = ScriptedTransport([b"", [reply(0x11, 4), reply(0x11, 4)], reply(0x11, 4)])
    client = ViaClient(transport, timeout_ms=5, retries=2)
    assert client.layer_count() == 4
    transport = ScriptedTransport([b"", [reply(0x01, 0x00, 0x0C), reply(0x11, 4)], reply(0x11, 4)])
    client = ViaClient(transport, timeout_ms=5, retries=2)
    assert client.layer_count() == 4
    assert len(transport.writes) == 3


def test_absurd_layer_counts_are_rejected():
    for count in (0, 33, 255):
        client, _ = client_with(reply(0x11, count))
        with pytest.raises(ProtocolError, match=f"{count} layers"):
            client.layer_count()


def test_unsupported_command_is_specific():
    client, _ = client_with(reply(0xFF))
    with pytest.raises(UnsupportedCommand) as caught:
        client.eeprom_reset()
    assert caught.value.command == 0x0A


def test_disconnect_sticks():
    class Vanishing(ScriptedTransport):
        def write(self, data: bytes) -> int:
            raise DeviceDisconnected("gone")

    client = ViaClient(Vanishing(), timeout_ms=5)
    with pytest.raises(DeviceDisconnected):
        client.layer_count()
    with pytest.raises(DeviceDisconnected):
        client.protocol_version()


def test_requests_are_serialized_across_threads():
    """Two threads hammering one client never get each other's replies."""
    import threading

    from keyconf.device.simulated import SimulatedKeyboard

    sim = SimulatedKeyboard(rows=2, cols=2, layers=2, latency_ms=0.2)
    client = ViaClient(sim, timeout_ms=100)
    errors: list[BaseException] = []

    def worker(kind: str) -> None:
        try:
            for _ in range(40):
                if kind == "layers":
                    assert client.layer_count() == 2
                else:
                    assert client.protocol_version() == 12
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(k,)) for k in ("layers", "version", "layers")]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert time.monotonic() - start < 10
    assert client.round_trips == 120
