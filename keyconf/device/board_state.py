"""What a keyboard stores, as raw values: keymap, encoder map, macro buffer, layout options.

The keymap is the firmware's own byte layout (layer-major, then row, then column, 2 bytes
big-endian per key), so a push can compare and send byte ranges directly.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass, field

from keyconf.device.via_protocol import CHUNK
from keyconf.device.vial_protocol import VialCombo, VialKeyOverride, VialTapDance

KEY_BYTES = 2
KEYS_PER_REPORT = CHUNK // KEY_BYTES  # 14


@dataclass
class KeymapImage:
    layers: int
    rows: int
    cols: int
    data: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        if not self.data:
            self.data = bytearray(self.size)
        if len(self.data) != self.size:
            raise ValueError(
                f"a {self.layers}x{self.rows}x{self.cols} keymap is {self.size} bytes, got {len(self.data)}"
            )

    @property
    def size(self) -> int:
        return self.layers * self.rows * self.cols * KEY_BYTES

    @property
    def key_count(self) -> int:
        return self.layers * self.rows * self.cols

    def index(self, layer: int, row: int, col: int) -> int:
        """The key's position in the flat keymap (its byte offset is twice this)."""
        if not (0 <= layer < self.layers and 0 <= row < self.rows and 0 <= col < self.cols):
            raise IndexError(f"layer {layer} row {row} col {col} is outside the {self.rows}x{self.cols} matrix")
        return (layer * self.rows + row) * self.cols + col

    def position(self, index: int) -> tuple[int, int, int]:
        """(layer, row, col) of a flat key index."""
        layer, rest = divmod(index, self.rows * self.cols)
        row, col = divmod(rest, self.cols)
        return layer, row, col

    def get(self, layer: int, row: int, col: int) -> int:
        return self.value(self.index(layer, row, col))

    def set(self, layer: int, row: int, col: int, value: int) -> None:
        self.set_value(self.index(layer, row, col), value)

    def value(self, index: int) -> int:
        return int(struct.unpack_from(">H", self.data, index * KEY_BYTES)[0])

    def set_value(self, index: int, value: int) -> None:
        struct.pack_into(">H", self.data, index * KEY_BYTES, value)

    def values(self) -> list[int]:
        return list(struct.unpack(f">{self.key_count}H", self.data))

    def copy(self) -> KeymapImage:
        return KeymapImage(self.layers, self.rows, self.cols, bytearray(self.data))

    def changed_keys(self, other: KeymapImage) -> list[int]:
        """Flat indexes of keys whose value differs between the two images."""
        if (self.layers, self.rows, self.cols) != (other.layers, other.rows, other.cols):
            raise ValueError("keymaps of different shapes")
        return [i for i in range(self.key_count) if self.data[2 * i : 2 * i + 2] != other.data[2 * i : 2 * i + 2]]


EncoderKey = tuple[int, int, bool]  # (layer, encoder, clockwise)


@dataclass
class BoardState:
    """Everything keyconf reads from a board; None where the firmware lacks the feature."""

    keymap: KeymapImage
    encoders: dict[EncoderKey, int] | None = None
    macro_count: int = 0
    macro_buffer_size: int = 0
    macros: bytes | None = None  # the buffer up to the end of the last macro
    layout_options: int | None = None
    # Vial's dynamic entries (None: not a Vial keyboard, or firmware without them)
    tap_dances: list[VialTapDance] | None = None
    combos: list[VialCombo] | None = None
    key_overrides: list[VialKeyOverride] | None = None
    qmk_settings: dict[int, int] | None = None  # Vial QMK settings by id (None: not offered)

    def copy(self) -> BoardState:
        return BoardState(
            self.keymap.copy(),
            None if self.encoders is None else dict(self.encoders),
            self.macro_count,
            self.macro_buffer_size,
            self.macros,
            self.layout_options,
            None if self.tap_dances is None else list(self.tap_dances),
            None if self.combos is None else list(self.combos),
            None if self.key_overrides is None else list(self.key_overrides),
            None if self.qmk_settings is None else dict(self.qmk_settings),
        )


def write_windows(
    changed: list[int], span: int = KEYS_PER_REPORT, avoid: frozenset[int] | set[int] = frozenset()
) -> list[tuple[int, int]]:
    """The fewest reports that cover every changed key: (first key, key count) windows of at
    most `span` keys. Greedy from the left is optimal for covering points with fixed-length
    intervals; unchanged keys inside a window are rewritten with their current value, which
    costs nothing and saves a report whenever two changes are less than `span` keys apart.

    No window covers a key in `avoid` (an unchanged key the firmware would refuse to store, such
    as QK_BOOT on a locked Vial board, which rewrites it as 0xFFFF): the changes on either side
    of it go in separate windows, greedy again within each stretch, so still the fewest."""
    windows: list[tuple[int, int]] = []
    blocked = sorted(avoid)
    i = 0
    while i < len(changed):
        start = changed[i]
        limit = start + span
        at = bisect_right(blocked, start)
        if at < len(blocked):
            limit = min(limit, blocked[at])
        end = start
        while i < len(changed) and changed[i] < limit:
            end = changed[i]
            i += 1
        windows.append((start, end - start + 1))
    return windows
