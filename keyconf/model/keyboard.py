"""Keyboard geometry: what a keyboard looks like and how its keys map to the switch matrix.

Pure data. Loaders for QMK info.json, VIA definitions and KLE live in `keyconf.formats`.
Units are key units (1u = one standard key); rotation is in degrees, clockwise, around
(rx, ry) in key units, as in QMK info.json and KLE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The processors QMK builds with avr-gcc on its AVR platform (`Keyboard.processor`, as info.json
# spells them); the compiler picks its toolchain by them, and a rules.mk's PLATFORM_KEY is `avr` for them.
AVR_PROCESSORS = frozenset(
    "atmega16u2 atmega32u2 atmega16u4 atmega32u4 at90usb162 at90usb646 at90usb647 at90usb1286 "
    "at90usb1287 atmega32a atmega328p atmega328 attiny85".split()
)


@dataclass(frozen=True)
class SecondaryRect:
    """The second rectangle of a non-rectangular key (ISO enter, big-ass enter), as KLE's x2/y2/w2/h2.

    Offsets are relative to the key's own (x, y)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Key:
    """One key of a physical arrangement, in key units (KLE's x, y, w, h and rotation)."""

    x: float
    y: float
    w: float = 1.0
    h: float = 1.0
    r: float = 0.0
    rx: float = 0.0
    ry: float = 0.0
    matrix: tuple[int, int] | None = None
    encoder: int | None = None  # set when this position is a rotary encoder
    label: str | None = None
    secondary: SecondaryRect | None = None
    # Layout option membership (VIA "group,choice" legends): None for keys always present.
    option: tuple[int, int] | None = None
    decal: bool = False  # drawn but not a key (KLE decals)

    @property
    def takes_slot(self) -> bool:
        """Whether this key has a keycode of its own in every layer (a layout macro argument).

        The one rule every definition reader shares: a decal is only drawn, and a key that is
        only a rotary encoder (an encoder index, no matrix position) turns rather than presses,
        so its actions live in the layer's `encoders`, not its keys."""
        return not self.decal and not (self.encoder is not None and self.matrix is None)


@dataclass(frozen=True)
class LayoutOption:
    """A VIA layout option such as "Split Backspace" (2 choices) or "Bottom row" (n named choices)."""

    label: str
    choices: tuple[str, ...] = ()  # empty => a boolean option (off / on)

    @property
    def choice_count(self) -> int:
        return max(2, len(self.choices))


@dataclass(frozen=True)
class Encoder:
    """A rotary encoder of the board, by index; x and y place its knob when the definition does."""

    index: int
    x: float | None = None
    y: float | None = None


@dataclass
class LayoutMacro:
    """One physical arrangement of the keys, named after its QMK `LAYOUT_*` macro.

    `keys` is in the macro's argument order and includes what is only drawn (decals,
    encoder knobs); layer keycode lists follow `slot_keys`."""

    name: str
    keys: list[Key]

    @property
    def slot_keys(self) -> list[Key]:
        """The keys that take a keymap slot, in order: layer `keys[i]` belongs to `slot_keys[i]`."""
        return [k for k in self.keys if k.takes_slot]

    @property
    def key_count(self) -> int:
        return sum(1 for k in self.keys if k.takes_slot)


@dataclass(frozen=True)
class BoardKeycode:
    """A keycode the keyboard's own firmware defines, QK_KB_n with n its place in
    `Keyboard.board_keycodes`, as its VIA or Vial definition names it: `name` in menus,
    `short_name` on the keycap, `title` a longer description."""

    name: str
    title: str = ""
    short_name: str = ""


@dataclass
class Keyboard:
    """A keyboard definition.

    `name` is the QMK keyboard path (e.g. `planck/rev6`) when known; `layouts` maps macro
    name to geometry; `layout_aliases` maps old macro names to current ones."""

    name: str
    display_name: str = ""
    manufacturer: str = ""
    matrix_rows: int = 0
    matrix_cols: int = 0
    layouts: dict[str, LayoutMacro] = field(default_factory=dict)
    layout_aliases: dict[str, str] = field(default_factory=dict)
    layout_options: list[LayoutOption] = field(default_factory=list)
    encoders: list[Encoder] = field(default_factory=list)
    processor: str | None = None
    bootloader: str | None = None
    # The controller footprint the board is built around, as its definition names it (info.json's
    # `pin_compatible`, rules.mk's PIN_COMPATIBLE, or what its `development_board` implies):
    # `promicro`, `elite_c`. QMK converts the board's firmware for another controller of that footprint.
    pin_compatible: str | None = None
    usb_vid: int | None = None
    usb_pid: int | None = None
    community_layouts: list[str] = field(default_factory=list)
    keyboard_aliases: list[str] = field(default_factory=list)
    board_keycodes: list[BoardKeycode] = field(default_factory=list)  # QK_KB_0, QK_KB_1 … by name

    def resolve_layout_name(self, name: str) -> str | None:
        """The current macro name for `name`, following `layout_aliases`; None if unknown."""
        seen: set[str] = set()
        while name not in self.layouts and name in self.layout_aliases and name not in seen:
            seen.add(name)
            name = self.layout_aliases[name]
        return name if name in self.layouts else None

    def layout(self, name: str | None = None) -> LayoutMacro:
        """The named layout macro (aliases followed), or the first one when `name` is None."""
        if name is None:
            if not self.layouts:
                raise KeyError(f"keyboard {self.name} defines no layouts")
            return next(iter(self.layouts.values()))
        resolved = self.resolve_layout_name(name)
        if resolved is None:
            raise KeyError(name)
        return self.layouts[resolved]

    def find_layout(self, name: str | None = None) -> LayoutMacro | None:
        """As `layout`, but None when the keyboard has no such macro."""
        try:
            return self.layout(name)
        except KeyError:
            return None
