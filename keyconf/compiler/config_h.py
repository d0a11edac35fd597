"""config.h for a generated keymap: the layout's settings as QMK defines.

Each define is preceded by `#undef`, because the board's config.h (read first) may already
set it and QMK builds treat a changed redefinition as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keyconf.compiler.source_map import SourceProblem, SourceRef


@dataclass(frozen=True)
class Setting:
    define: str
    kind: str  # "int" (a number, `low`..`high`) or "flag" (true defines it, false leaves it out)
    low: int = 0
    high: int = 65_535


# Layout `settings:` keys the compiler understands, and the QMK define each becomes.
SETTINGS: dict[str, Setting] = {
    "tapping_term": Setting("TAPPING_TERM", "int", 1, 10_000),
    "quick_tap_term": Setting("QUICK_TAP_TERM", "int", 0, 10_000),
    "tapping_toggle": Setting("TAPPING_TOGGLE", "int", 1, 255),
    "permissive_hold": Setting("PERMISSIVE_HOLD", "flag"),
    "hold_on_other_key_press": Setting("HOLD_ON_OTHER_KEY_PRESS", "flag"),
    "retro_tapping": Setting("RETRO_TAPPING", "flag"),
    "chordal_hold": Setting("CHORDAL_HOLD", "flag"),
    "flow_tap_term": Setting("FLOW_TAP_TERM", "int", 0, 10_000),
    "combo_term": Setting("COMBO_TERM", "int", 1, 10_000),
    "combo_must_tap_per_combo": Setting("COMBO_MUST_TAP_PER_COMBO", "flag"),
    "oneshot_timeout": Setting("ONESHOT_TIMEOUT", "int", 0, 60_000),
    "oneshot_tap_toggle": Setting("ONESHOT_TAP_TOGGLE", "int", 0, 255),
    "caps_word_idle_timeout": Setting("CAPS_WORD_IDLE_TIMEOUT", "int", 0, 60_000),
    "tap_code_delay": Setting("TAP_CODE_DELAY", "int", 0, 1_000),
    "tap_hold_caps_delay": Setting("TAP_HOLD_CAPS_DELAY", "int", 0, 1_000),
    "debounce": Setting("DEBOUNCE", "int", 0, 100),
    "dynamic_keymap_layer_count": Setting("DYNAMIC_KEYMAP_LAYER_COUNT", "int", 1, 32),
}

# VIA's own default number of remappable layers.
VIA_DEFAULT_LAYERS = 4


def settings_defines(settings: Mapping[str, object]) -> tuple[dict[str, str | None], list[SourceProblem]]:
    """QMK defines for a layout's `settings`, and a problem for each it cannot honour."""
    defines: dict[str, str | None] = {}
    problems: list[SourceProblem] = []
    for key, value in settings.items():
        ref = SourceRef.of("settings", key)
        setting = SETTINGS.get(key)
        if setting is None:
            problems.append(
                SourceProblem(
                    f"setting {key!r} is not one keyconf can build",
                    ref,
                    "known settings: " + ", ".join(sorted(SETTINGS)),
                )
            )
            continue
        if setting.kind == "flag":
            if not isinstance(value, bool):
                problems.append(SourceProblem(f"setting {key!r} is true or false", ref))
            elif value:
                defines[setting.define] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not setting.low <= value <= setting.high:
            problems.append(
                SourceProblem(f"setting {key!r} is a whole number from {setting.low} to {setting.high}", ref)
            )
            continue
        defines[setting.define] = str(value)
    return defines, problems


def generate_config_h(defines: Mapping[str, str | None], header: str) -> str:
    """config.h text: `header` as comment lines, then each define (None: a bare flag)."""
    lines = [f"// {line}" if line else "//" for line in header.splitlines()]
    lines += ["", "#pragma once"]
    for name, value in defines.items():
        lines.append("")
        lines.append(f"#undef {name}")
        lines.append(f"#define {name}" + (f" {value}" if value is not None else ""))
    return "\n".join(lines) + "\n"
