"""A firmware too large for its microcontroller: how much, what takes the room, what to do.

QMK checks an AVR build's size after linking and prints "The firmware is too large!
CURRENT/MAX (N bytes over)"; on ARM the linker itself stops with "region `flash' overflowed
by N bytes". Either way the linked program (the .elf, when the linker got that far) says
which code takes the room: its symbols, grouped by the QMK feature they belong to, give a
measured cost per feature for this very build. The advice follows from that: link-time
optimisation when the build does not use it, then the features the layout does not need.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_AVR_TOO_LARGE = re.compile(r"The firmware is too large!\s*(\d+)/(\d+)\s*\((\d+) bytes over\)")
_REGION_OVERFLOW = re.compile(r"region [`'\"]?([\w.]+)['\"]? overflowed by (\d+) bytes")

# Which rules.mk feature a function or table belongs to, by its name (QMK's own prefixes).
# A name matching none counts as the rest of QMK and the board.
FEATURE_SYMBOLS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (feature, label, re.compile(pattern))
    for feature, label, pattern in (
        ("VIA_ENABLE", "VIA and the dynamic keymap", r"^(via_|dynamic_keymap_|raw_hid_|eeconfig_\w*via|vial_)"),
        ("RGB_MATRIX_ENABLE", "RGB matrix", r"^(rgb_matrix|g_led_config|led_matrix|rgb_effect)"),
        ("RGBLIGHT_ENABLE", "RGB underglow (rgblight)", r"^(rgblight|RGBLED_|sethsv|setrgb)"),
        ("OLED_ENABLE", "OLED display", r"^(oled_|font$|ssd1306|render_)"),
        ("TAP_DANCE_ENABLE", "tap dances", r"tap_dance"),
        ("COMBO_ENABLE", "combos", r"combo"),
        ("KEY_OVERRIDE_ENABLE", "key overrides", r"key_override"),
        ("MOUSEKEY_ENABLE", "mouse keys", r"^(mousekey|mouse_|pointing_device)"),
        ("UNICODE_ENABLE", "Unicode input", r"unicode"),
        ("AUTOCORRECT_ENABLE", "autocorrect", r"autocorrect"),
        ("CONSOLE_ENABLE", "the debug console", r"^(console_|xprintf|print_|debug_|sendchar|__xprintf)"),
        ("COMMAND_ENABLE", "magic commands", r"^command_"),
        ("SPLIT_KEYBOARD", "split keyboard transport", r"^(split_|transport_|serial_|soft_serial|i2c_)"),
        ("AUDIO_ENABLE", "audio", r"^(audio_|song_|play_)"),
        ("ENCODER_ENABLE", "rotary encoders", r"^encoder"),
        ("CAPS_WORD_ENABLE", "Caps Word", r"caps_word"),
        ("DYNAMIC_MACRO_ENABLE", "dynamic macros", r"dynamic_macro"),
        ("SEND_STRING", "macros (send_string)", r"^(send_string|send_char|ascii_to_keycode)"),
    )
)
# Drivers more than one feature uses (the WS2812 LEDs light underglow and per-key lighting alike):
# they count toward the first of their features whose own code the program holds.
SHARED_SYMBOLS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^ws2812"), ("RGB_MATRIX_ENABLE", "RGBLIGHT_ENABLE")),
)
# Features a keymap commonly does without, and what turning each off costs the user.
OPTIONAL_FEATURES = {
    "CONSOLE_ENABLE": "debug output nobody reads",
    "COMMAND_ENABLE": "the magic key combinations",
    "MOUSEKEY_ENABLE": "mouse keys",
    "RGB_MATRIX_ENABLE": "per-key lighting",
    "RGBLIGHT_ENABLE": "underglow",
    "OLED_ENABLE": "the OLED",
    "AUDIO_ENABLE": "sound",
    "UNICODE_ENABLE": "Unicode input",
    "VIA_ENABLE": "remapping without reflashing (VIA, keyconf push)",
}


@dataclass(frozen=True)
class SizeOverflow:
    over: int  # bytes too many
    size: int | None = None  # the program's size, when the message says
    limit: int | None = None  # the room there is
    region: str | None = None  # the linker's memory region (ARM)


@dataclass(frozen=True)
class FeatureCost:
    feature: str  # rules.mk name, or "" for the rest
    label: str
    size: int  # bytes of flash, measured in this build's program


def find_overflow(log: Iterable[str]) -> SizeOverflow | None:
    """What the build log says about a program too large for the flash, if it says so."""
    for line in log:
        match = _AVR_TOO_LARGE.search(line)
        if match:
            return SizeOverflow(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        match = _REGION_OVERFLOW.search(line)
        if match:
            return SizeOverflow(int(match.group(2)), region=match.group(1))
    return None


def flash_symbols(elf: Path, compiler: str) -> list[tuple[str, int]]:
    """(name, bytes) of the code and constant data in `elf`, read with the toolchain's `nm`
    (`avr-gcc` → `avr-nm`); empty when the file or the tool is missing."""
    nm = shutil.which(compiler.removesuffix("gcc") + "nm") if compiler.endswith("gcc") else None
    if nm is None or not elf.is_file():
        return []
    try:
        output = subprocess.run(
            [nm, "--size-sort", "-S", str(elf)], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return parse_nm(output)


def parse_nm(output: str) -> list[tuple[str, int]]:
    """`nm -S` lines (address, size, type, name) of code and read-only data in flash."""
    symbols = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "TtRrWw" and len(parts[2]) == 1:
            try:
                symbols.append((parts[3], int(parts[1], 16)))
            except ValueError:
                continue
    return symbols


def feature_costs(symbols: Sequence[tuple[str, int]], switched_off: Iterable[str] = ()) -> list[FeatureCost]:
    """Flash per feature, largest first; the rest of QMK and the board last. With link-time
    optimisation much code is folded into its callers, so these are lower bounds. A feature the
    build switches off (`switched_off`) has no code there: what is named like it (debug stubs that
    stay without the console) is the rest."""
    off = set(switched_off)
    totals: dict[str, int] = {}
    shared: list[tuple[tuple[str, ...], int]] = []
    rest = 0
    for name, size in symbols:
        users = next((features for pattern, features in SHARED_SYMBOLS if pattern.search(name)), None)
        if users is not None:
            shared.append((users, size))
            continue
        for feature, _label, pattern in FEATURE_SYMBOLS:
            if feature not in off and pattern.search(name):
                totals[feature] = totals.get(feature, 0) + size
                break
        else:
            rest += size
    for users, size in shared:
        owner = next((feature for feature in users if totals.get(feature) and feature not in off), None)
        if owner is None:
            rest += size
        else:
            totals[owner] += size
    labels = {feature: label for feature, label, _ in FEATURE_SYMBOLS}
    costs = [FeatureCost(f, labels[f], size) for f, size in totals.items() if size]
    costs.sort(key=lambda cost: -cost.size)
    if rest:
        costs.append(FeatureCost("", "the rest of QMK and the board's code", rest))
    return costs


def describe_overflow(overflow: SizeOverflow, processor: str | None) -> str:
    where = f" for the {processor}" if processor else ""
    if overflow.size is not None and overflow.limit is not None:
        return (f"the firmware is {overflow.over} bytes too large{where} "
                f"({overflow.size} bytes; {overflow.limit} fit beside the bootloader)")
    region = f" (linker region {overflow.region})" if overflow.region else ""
    return f"the firmware is {overflow.over} bytes too large{where}{region}"


def size_hint(
    overflow: SizeOverflow, costs: Sequence[FeatureCost], *, lto: bool | None, layout_features: Iterable[str] = ()
) -> str:
    """What takes the room and what to do: LTO first when the build lacks it, then the features
    of this build the layout does not itself need, biggest first."""
    lines = []
    shown = [cost for cost in costs if cost.feature][:6]
    if shown:
        parts = ", ".join(f"{cost.label} {cost.size} bytes" for cost in shown)
        lines.append(f"measured in this build (at least: code folded into its callers counts there): {parts}")
    if lto is not True:
        lines.append("turn on link-time optimisation: `keyconf compile --lto` (LTO_ENABLE = yes; "
                     "it usually saves several kilobytes on AVR)")
    needed = set(layout_features)
    spare = [cost for cost in costs if cost.feature in OPTIONAL_FEATURES and cost.feature not in needed]
    if spare:
        offers = []
        for cost in spare[:3]:
            how = "`keyconf compile --no-via`" if cost.feature == "VIA_ENABLE" else f"{cost.feature} = no"
            offers.append(f"{how} ({OPTIONAL_FEATURES[cost.feature]}, {cost.size} bytes)")
        lines.append("or turn off what the layout does not use: " + "; ".join(offers)
                     + " — a board's own features are switched off in its keyboard folder or a userspace "
                     "keymap's rules.mk")
    elif not lines:
        lines.append("remove features from the board's rules.mk, or use fewer layers, macros and combos")
    return "\n        ".join(lines)  # the lines line up under "  hint: "


def board_uses_lto(info: dict[str, object], rules: Iterable[str]) -> bool | None:
    """Whether the board builds with LTO: `build.lto` in its info.json, or LTO_ENABLE in a rules.mk."""
    build = info.get("build")
    if isinstance(build, dict) and isinstance(build.get("lto"), bool):
        return bool(build["lto"])
    for text in rules:
        match = re.search(r"^\s*LTO_ENABLE\s*[:?]?=\s*(\w+)", text, re.MULTILINE)
        if match:
            return match.group(1).lower() == "yes"
    return None
