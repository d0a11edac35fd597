"""The C dialect of one QMK version: the shapes generated code must take to build there.

QMK's keymap-facing API changes over time (key overrides became a plain array, combos
stopped needing COMBO_COUNT, tap dance types lost their `qk_` prefix, keycode names were
renamed). The generators are pure functions of the layout and a `QmkDialect`; the dialect
is read from a tree by `keyconf.compiler.qmk_tree`, or defaults to current QMK for an
export made without a tree.
"""

from __future__ import annotations

from dataclasses import dataclass

NEWEST_KNOWN_SPEC = "0.0.7"


@dataclass(frozen=True)
class QmkDialect:
    # The tree's keycode spec (data/constants/keycodes): decides which keycode names exist.
    keycode_spec_version: str = NEWEST_KNOWN_SPEC
    # `const key_override_t *key_overrides[]` (introspection, 2024) vs a NULL-terminated `**`.
    key_overrides_array: bool = True
    # `combo_t key_combos[]` sized by the compiler (introspection, 2023) vs `#define COMBO_COUNT`.
    combo_count_from_array: bool = True
    # "" for tap_dance_action_t / tap_dance_state_t, "qk_" for the pre-2023 names.
    tap_dance_type_prefix: str = ""
    # Names X_<name> the tree's send_string_keycodes.h defines; empty means "not known".
    send_string_names: frozenset[str] = frozenset()
    # ENCODER_CCW_CW() exists (encoder map feature, 2022).
    encoder_ccw_cw: bool = True

    @property
    def tap_dance_action_type(self) -> str:
        return f"{self.tap_dance_type_prefix}tap_dance_action_t"

    @property
    def tap_dance_state_type(self) -> str:
        return f"{self.tap_dance_type_prefix}tap_dance_state_t"


CURRENT_QMK = QmkDialect()
