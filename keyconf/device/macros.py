"""Dynamic macro bytes: the formats keyboards store macros in, both ways.

The macro buffer is one flat area: macro n starts after n NUL bytes, each macro ends with a
NUL. Inside a macro, plain bytes are typed as ASCII characters and escape sequences press keys:

- VIA protocol <= 10 (and Vial protocol < 2): `01 kc` tap, `02 kc` down, `03 kc` up; no delays.
- VIA protocol >= 11 (QMK send_string, SS_QMK_PREFIX = 1): `01 01 kc` tap, `01 02 kc` down,
  `01 03 kc` up, `01 04 <decimal digits> 7C` delay in ms.
- Vial protocol >= 2: as VIA 11 for basic keycodes, plus `01 05|06|07 lo hi` tap/down/up of a
  16-bit keycode (little-endian; a keycode whose low byte is 0 is sent as 0xFF00 | high byte,
  so no NUL appears), and delays as `01 04 (ms % 255 + 1) (ms // 255 + 1)`.

Keycodes here are raw 16-bit values; the sync layer turns them into keycode text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

StepKind = Literal["text", "tap", "down", "up", "delay"]

SS_QMK_PREFIX = 0x01
SS_TAP, SS_DOWN, SS_UP, SS_DELAY = 0x01, 0x02, 0x03, 0x04
VIAL_EXT_TAP, VIAL_EXT_DOWN, VIAL_EXT_UP = 0x05, 0x06, 0x07
DELIMITER = 0x7C  # '|' ends a VIA delay
TYPABLE = {0x09, 0x0A} | set(range(0x20, 0x7F))  # what send_string types from plain bytes


class MacroFormat(Enum):
    LEGACY = "legacy"  # VIA <= 10, Vial protocol 0-1
    VIA = "via"  # VIA 11-13
    VIAL = "vial"  # Vial protocol >= 2

    @property
    def has_delays(self) -> bool:
        return self is not MacroFormat.LEGACY

    @property
    def max_keycode(self) -> int:
        return 0xFFFF if self is MacroFormat.VIAL else 0xFF

    @property
    def max_delay_ms(self) -> int:
        if self is MacroFormat.VIAL:
            return 254 + 254 * 255
        return 65535 if self is MacroFormat.VIA else 0


def macro_format(via_protocol: int, vial_protocol: int | None) -> MacroFormat:
    if vial_protocol is not None:
        return MacroFormat.VIAL if vial_protocol >= 2 else MacroFormat.LEGACY
    return MacroFormat.VIA if via_protocol >= 11 else MacroFormat.LEGACY


class MacroEncodingError(ValueError):
    pass


@dataclass(frozen=True)
class RawStep:
    """One macro step with raw keycodes: text, tap (a chord), down, up, or delay (ms)."""

    kind: StepKind
    text: str = ""
    keycodes: tuple[int, ...] = ()
    delay_ms: int = 0


MOD_KEYCODES = (0xE0, 0xE1, 0xE2, 0xE3)  # KC_LCTL, KC_LSFT, KC_LALT, KC_LGUI; right-hand ones are +4


def _held_modifiers(key: int) -> list[int]:
    """The modifier keycodes of a QK_MODS keycode such as LCTL(KC_C) (0x0106): [KC_LCTL]."""
    mods = (key >> 8) & 0x1F
    offset = 4 if mods & 0x10 else 0
    return [MOD_KEYCODES[bit] + offset for bit in range(4) if mods & (1 << bit)]


def _key_bytes(code: int, key: int, fmt: MacroFormat) -> bytes:
    if 0x0100 <= key <= 0x1FFF and fmt.max_keycode == 0xFF and 0x04 <= key & 0xFF <= 0xE7:
        # A key with modifiers held (LCTL(KC_C)) on a board whose macros take basic keycodes
        # only: press the modifiers around it, as QMK's SEND_STRING does.
        held = _held_modifiers(key)
        basic = key & 0xFF
        if code == SS_TAP:
            return (b"".join(_key_bytes(SS_DOWN, m, fmt) for m in held) + _key_bytes(SS_TAP, basic, fmt)
                    + b"".join(_key_bytes(SS_UP, m, fmt) for m in reversed(held)))
        if code == SS_DOWN:
            return b"".join(_key_bytes(SS_DOWN, m, fmt) for m in held) + _key_bytes(SS_DOWN, basic, fmt)
        return _key_bytes(SS_UP, basic, fmt) + b"".join(_key_bytes(SS_UP, m, fmt) for m in reversed(held))
    if key <= 0 or key > fmt.max_keycode:
        limit = "16-bit keycodes" if fmt is MacroFormat.VIAL else "basic keycodes (0x01-0xFF)"
        raise MacroEncodingError(f"keycode 0x{key:04X} cannot be in a macro: this keyboard takes {limit}")
    if fmt is MacroFormat.LEGACY:
        return bytes([code, key])
    if key <= 0xFF:
        return bytes([SS_QMK_PREFIX, code, key])
    ext = {SS_TAP: VIAL_EXT_TAP, SS_DOWN: VIAL_EXT_DOWN, SS_UP: VIAL_EXT_UP}[code]
    wire = 0xFF00 | (key >> 8) if key & 0xFF == 0 else key
    return bytes([SS_QMK_PREFIX, ext, wire & 0xFF, wire >> 8])


def encode_step(step: RawStep, fmt: MacroFormat) -> bytes:
    if step.kind == "text":
        data = step.text.encode("ascii", errors="replace")
        bad = sorted({chr(b) for b in data if b not in TYPABLE} | {c for c in step.text if ord(c) > 0x7E})
        if bad:
            raise MacroEncodingError(
                f"macro text can only hold printable ASCII, tab and newline; {bad!r} cannot be typed"
            )
        return data
    if step.kind == "delay":
        if not fmt.has_delays:
            raise MacroEncodingError("this keyboard's macros cannot hold delays (VIA protocol 10 or older)")
        if not 0 <= step.delay_ms <= fmt.max_delay_ms:
            raise MacroEncodingError(f"a macro delay is 0..{fmt.max_delay_ms} ms, got {step.delay_ms}")
        if fmt is MacroFormat.VIAL:
            return bytes([SS_QMK_PREFIX, SS_DELAY, step.delay_ms % 255 + 1, step.delay_ms // 255 + 1])
        return bytes([SS_QMK_PREFIX, SS_DELAY]) + str(step.delay_ms).encode() + bytes([DELIMITER])
    if not step.keycodes:
        raise MacroEncodingError(f"a macro {step.kind} step needs at least one keycode")
    out = bytearray()
    if step.kind == "tap":
        *held, last = step.keycodes
        for key in held:
            out += _key_bytes(SS_DOWN, key, fmt)
        out += _key_bytes(SS_TAP, last, fmt)
        for key in reversed(held):
            out += _key_bytes(SS_UP, key, fmt)
        return bytes(out)
    code = SS_DOWN if step.kind == "down" else SS_UP
    for key in step.keycodes:
        out += _key_bytes(code, key, fmt)
    return bytes(out)


def encode_macro(steps: list[RawStep], fmt: MacroFormat) -> bytes:
    """One macro's bytes, without its terminating NUL."""
    return b"".join(encode_step(step, fmt) for step in steps)


def _events(data: bytes, fmt: MacroFormat) -> list[tuple[str, int | str]]:
    """Split a macro into ("char", text) / ("tap"|"down"|"up", keycode) / ("delay", ms)."""
    names = {SS_TAP: "tap", SS_DOWN: "down", SS_UP: "up"}
    ext_names = {VIAL_EXT_TAP: "tap", VIAL_EXT_DOWN: "down", VIAL_EXT_UP: "up"}
    events: list[tuple[str, int | str]] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if fmt is MacroFormat.LEGACY and byte in names:
            if i + 1 >= len(data):
                break
            events.append((names[byte], data[i + 1]))
            i += 2
        elif fmt is not MacroFormat.LEGACY and byte == SS_QMK_PREFIX:
            if i + 1 >= len(data):
                break
            code = data[i + 1]
            if code in names and i + 2 < len(data):
                events.append((names[code], data[i + 2]))
                i += 3
            elif fmt is MacroFormat.VIAL and code in ext_names and i + 3 < len(data):
                wire = data[i + 2] | data[i + 3] << 8
                events.append((ext_names[code], (wire & 0xFF) << 8 if wire > 0xFF00 else wire))
                i += 4
            elif code == SS_DELAY and fmt is MacroFormat.VIAL and i + 3 < len(data):
                events.append(("delay", (data[i + 2] - 1) + (data[i + 3] - 1) * 255))
                i += 4
            elif code == SS_DELAY and fmt is MacroFormat.VIA:
                j = i + 2
                while j < len(data) and 0x30 <= data[j] <= 0x39:
                    j += 1
                digits = data[i + 2 : j]
                events.append(("delay", int(digits) if digits else 0))
                i = j + 1 if j < len(data) and data[j] == DELIMITER else j
            else:
                i += 2  # malformed escape: skip it as the firmware would
        else:
            events.append(("char", chr(byte)))
            i += 1
    return events


def decode_macro(data: bytes, fmt: MacroFormat) -> list[RawStep]:
    """Steps from one macro's bytes. Down-run, tap, reversed up-run becomes one chord tap, so
    what `encode_macro` wrote reads back as the same steps."""
    steps: list[RawStep] = []
    events = _events(data, fmt)
    i = 0
    while i < len(events):
        kind, value = events[i]
        if kind == "char":
            text = ""
            while i < len(events) and events[i][0] == "char":
                text += str(events[i][1])
                i += 1
            steps.append(RawStep("text", text=text))
            continue
        if kind == "delay":
            steps.append(RawStep("delay", delay_ms=int(value)))
            i += 1
            continue
        if kind == "tap":
            steps.append(RawStep("tap", keycodes=(int(value),)))
            i += 1
            continue
        run: list[int] = []
        while i < len(events) and events[i][0] == kind:
            run.append(int(events[i][1]))
            i += 1
        if kind == "down" and i < len(events) and events[i][0] == "tap":
            tapped = int(events[i][1])
            ups = events[i + 1 : i + 1 + len(run)]
            closes = [e[0] for e in ups] == ["up"] * len(run) and [int(e[1]) for e in ups] == run[::-1]
            after = events[i + 1 + len(run)] if i + 1 + len(run) < len(events) else None
            if closes and (after is None or after[0] != "up"):
                steps.append(RawStep("tap", keycodes=(*run, tapped)))
                i += 1 + len(run)
                continue
        steps.append(RawStep(kind, keycodes=tuple(run)))  # type: ignore[arg-type]
    return steps


def split_macros(buffer: bytes, count: int) -> list[bytes]:
    """The first `count` NUL-terminated macros of a buffer (missing ones are empty)."""
    parts = buffer.split(b"\x00")[:-1][:count]  # what follows the last NUL is not a macro
    return parts + [b""] * (count - len(parts))


def join_macros(macros: list[bytes]) -> bytes:
    return b"".join(m + b"\x00" for m in macros)
