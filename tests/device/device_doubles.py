"""Test doubles for the device layer: a scripted transport and a reply builder."""

from __future__ import annotations

from collections import deque


class ScriptedTransport:
    """A device whose answers are scripted per write, remembering every write.

    Script item i is what arrives after write i: one reply (bytes), nothing (b""), or several
    replies (a list: a late reply to an earlier request followed by this one's)."""

    def __init__(self, script: list[bytes | list[bytes]] | None = None):
        self.script: deque[bytes | list[bytes]] = deque(script or [])
        self.inbox: deque[bytes] = deque()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> int:
        self.writes.append(bytes(data))
        item = self.script.popleft() if self.script else b""
        for answer in item if isinstance(item, list) else [item]:
            if answer:
                self.inbox.append(answer)
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        return self.inbox.popleft() if self.inbox else b""

    def close(self) -> None:
        self.closed = True


def reply(*values: int) -> bytes:
    """A 32-byte reply starting with `values`."""
    return bytes(values) + bytes(32 - len(values))


class HexCodec:
    """Keycodes as hex text ("0x0004"): exercises the sync engine without the keycode registry."""

    def decode(self, value: int, layers, tap_dances=()) -> str:  # noqa: ANN001
        return f"0x{value:04X}"

    def encode(self, text: str, layers, tap_dances=()) -> int:  # noqa: ANN001
        from keyconf.device.keycode_codec import KeycodeEncodeError

        try:
            value = int(text, 16)
        except ValueError:
            raise KeycodeEncodeError(text, "not a hex keycode") from None
        if not 0 <= value <= 0xFFFF:
            raise KeycodeEncodeError(text, "out of range")
        return value


def grid_keyboard(rows: int, cols: int, encoders: int = 0, name: str = "test/grid"):  # noqa: ANN201
    """A keyboard definition whose keys are a plain rows x cols grid, in row order."""
    from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro

    keys = [Key(x=float(c), y=float(r), matrix=(r, c)) for r in range(rows) for c in range(cols)]
    return Keyboard(
        name=name,
        matrix_rows=rows,
        matrix_cols=cols,
        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
        encoders=[Encoder(i) for i in range(encoders)],
    )
