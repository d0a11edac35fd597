"""Keycodes QMK removed with their feature, not renamed: no tree since knows them.

Old keymaps still hold them; an import keeps the key (as the layout's own keycode) and says
which removal it was. Source: QMK's docs/ChangeLog (the breaking-changes notes of each cycle)."""

from __future__ import annotations

_TERMINAL = "its Terminal feature (0.18, 2022-08-27, qmk/qmk_firmware#17258)"

# Name -> the removal, as a warning names it.
REMOVED_KEYCODES: dict[str, str] = {
    "TERM_ON": _TERMINAL,
    "TERM_OFF": _TERMINAL,
}

# Modifier wrappers QMK removed whose keys today's wrappers still make: NAME -> (today's wrapper, the
# removal). ALTG(kc) was `QK_RCTL | QK_RALT | kc` (quantum_keycodes.h, 2016-12 to 2018-11).
REMOVED_WRAPPERS: dict[str, tuple[str, str]] = {
    "ALTG": ("RCA", "QMK removed ALTG() in 2018-11 (qmk/qmk_firmware#4338): it held Right Ctrl and Right Alt"),
}
