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
