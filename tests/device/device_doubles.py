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
