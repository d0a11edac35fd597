"""A Vial keyboard's QMK settings (tapping term, permissive hold…) and the layout's `settings:`.

The firmware numbers its settings (Vial's "qsid") and says which it offers; the one table of
settings (`keyconf.model.qmk_settings`) names them. A pull keeps the ones that differ from
QMK's default; a push of a layout with `settings:` writes every offered setting: the named
ones to their value, the others back to the default, so push, pull and diff agree. A layout
without `settings:` leaves the board's alone (as one without macros leaves its macros).
Every written setting is read back.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyconf.device import vial_protocol as vl
from keyconf.device.board import Board
from keyconf.device.board_state import BoardState
from keyconf.device.errors import UnsupportedCommand, VerifyError
from keyconf.model.qmk_settings import BY_VIAL_ID, VIAL_PACKED_PREFIX, vial_values


@dataclass(frozen=True)
class SettingChange:
    qsid: int
    old: int
    new: int

    @property
    def name(self) -> str:
        setting = BY_VIAL_ID.get(self.qsid)
        return setting.name if setting is not None else f"{VIAL_PACKED_PREFIX}{self.qsid}"

    def describe(self) -> str:
        setting = BY_VIAL_ID.get(self.qsid)
        if setting is not None and setting.flag:
            return f"setting {self.name}: {str(bool(self.old)).lower()} -> {str(bool(self.new)).lower()}"
        return f"setting {self.name}: {self.old} -> {self.new}"


def width(qsid: int) -> int:
    return vl.SETTING_WIDTHS.get(qsid, 0)


def read_qmk_settings(board: Board) -> dict[int, int] | None:
    """The settings a Vial board offers, by id (None: not Vial, or no QMK settings). Ids whose
    size keyconf does not know are left out: reading them would be guessing."""
    if not board.is_vial:
        return None
    vial = board.vial
    try:
        ids = [qsid for qsid in vial.qmk_setting_ids() if width(qsid)]
    except UnsupportedCommand:
        return None
    if not ids:
        return None
    values: dict[int, int] = {}
    for qsid in ids:
        try:
            values[qsid] = vial.get_qmk_setting(qsid, width(qsid))
        except UnsupportedCommand:
            continue
    return values


def _default(qsid: int) -> int:
    setting = BY_VIAL_ID.get(qsid)
    return int(setting.default) if setting is not None else 0


def plan_qmk_settings(
    settings: dict[str, int | bool | str],
    current: BoardState,
    target: BoardState,
    problems: list[str],
    warnings: list[str],
) -> list[SettingChange]:
    """The setting writes a layout's `settings:` needs (problems and warnings appended)."""
    wanted = vial_values(settings)
    if not settings:
        return []
    present = current.qmk_settings
    if present is None:
        if wanted:
            warnings.append(
                "this keyboard has no QMK settings to change over USB: the layout's settings are not written "
                "(build the firmware to change them)"
            )
        return []
    missing = sorted(set(wanted) - set(present))
    if missing:
        names = ", ".join(SettingChange(q, 0, 0).name for q in missing)
        warnings.append(f"this keyboard does not offer {names}: not written")
    changes: list[SettingChange] = []
    for qsid, old in sorted(present.items()):
        new = wanted.get(qsid, _default(qsid))
        if not 0 <= new < 1 << (8 * width(qsid)):
            problems.append(f"setting {SettingChange(qsid, 0, 0).name}: {new} does not fit the keyboard's setting")
            continue
        if new != old:
            changes.append(SettingChange(qsid, old, new))
    if target.qmk_settings is not None:
        target.qmk_settings.update({c.qsid: c.new for c in changes})
    return changes


def setting_changes_between(current: BoardState, saved: BoardState) -> list[SettingChange]:
    """What restoring `saved` rewrites (settings both know)."""
    if current.qmk_settings is None or saved.qmk_settings is None:
        return []
    return [
        SettingChange(qsid, old, saved.qmk_settings[qsid])
        for qsid, old in sorted(current.qmk_settings.items())
        if qsid in saved.qmk_settings and saved.qmk_settings[qsid] != old
    ]


def write_qmk_settings(board: Board, changes: list[SettingChange]) -> None:
    """Write each changed setting and read it back."""
    vial = board.vial
    for change in changes:
        vial.set_qmk_setting(change.qsid, width(change.qsid), change.new)
        back = vial.get_qmk_setting(change.qsid, width(change.qsid))
        if back != change.new:
            raise VerifyError(f"setting {change.name} did not keep {change.new} (the keyboard holds {back})")
