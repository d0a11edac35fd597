"""Reading and writing a Vial keyboard's tap dances, combos and key overrides with the keymap.

Each table has a fixed number of entries (the firmware says how many). A layout's lists map
onto them in order; entries past the layout's list are cleared (a layout without any of a
kind leaves that table alone). Every written entry is read back and compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from keyconf.device.board import Board
from keyconf.device.board_state import BoardState
from keyconf.device.errors import UnsupportedCommand, VerifyError
from keyconf.device.keycode_codec import KeycodeCodec, KeycodeEncodeError
from keyconf.device.vial_entries import (
    EntryError,
    Names,
    combo_entry,
    combo_from_entry,
    disabled_key_override,
    is_empty_combo,
    is_empty_tap_dance,
    key_override_entry,
    key_override_from_entry,
    tap_dance_entry,
    tap_dance_from_entry,
    tap_dance_names,
)
from keyconf.device.vial_protocol import (
    VIAL_PROTOCOL_DYNAMIC,
    VIAL_PROTOCOL_KEY_OVERRIDE,
    VialCombo,
    VialKeyOverride,
    VialTapDance,
)
from keyconf.model.layout import Layout

EntryKind = Literal["tap dance", "combo", "key override"]
Entry = VialTapDance | VialCombo | VialKeyOverride


@dataclass(frozen=True)
class EntryChange:
    kind: EntryKind
    index: int
    old: Entry
    new: Entry
    label: str  # the layout's name for it, when it has one

    def describe(self) -> str:
        name = f" ({self.label})" if self.label else ""
        return f"{self.kind} {self.index}{name}: rewritten"


def supports_entries(board: Board) -> bool:
    return board.is_vial and (board.vial_protocol or 0) >= VIAL_PROTOCOL_DYNAMIC


def read_entries(board: Board, state: BoardState) -> None:
    """Fill the state's Vial tables (left None on firmware without them)."""
    if not supports_entries(board):
        return
    vial = board.vial
    try:
        counts = vial.dynamic_counts()
    except UnsupportedCommand:
        return
    state.tap_dances = [vial.get_tap_dance(i) for i in range(counts.tap_dance)]
    state.combos = [vial.get_combo(i) for i in range(counts.combo)]
    if (board.vial_protocol or 0) >= VIAL_PROTOCOL_KEY_OVERRIDE:
        state.key_overrides = [vial.get_key_override(i) for i in range(counts.key_override)]


def used_tap_dance_names(state: BoardState) -> list[str]:
    """Names for the tap dances up to the last one in use (td0, td1, …)."""
    dances = state.tap_dances or []
    used = [i for i, entry in enumerate(dances) if not is_empty_tap_dance(entry)]
    return tap_dance_names(used[-1] + 1 if used else 0)


def entries_into_layout(
    layout: Layout, state: BoardState, codec: KeycodeCodec, tap_dances: list[str] | None = None
) -> None:
    """The board's tables into the layout; `tap_dances` names the entries to keep (default:
    up to the last one in use)."""
    names = Names(layout.layer_names, used_tap_dance_names(state) if tap_dances is None else tap_dances)
    if state.tap_dances is not None:
        layout.tap_dances = [
            tap_dance_from_entry(name, state.tap_dances[i], codec, names) for i, name in enumerate(names.tap_dances)
        ]
    if state.combos is not None:
        layout.combos = [combo_from_entry(e, codec, names) for e in state.combos if not is_empty_combo(e)]
    if state.key_overrides is not None:
        layout.key_overrides = [key_override_from_entry(e, codec, names) for e in state.key_overrides if e.enabled]


def plan_entries(
    layout: Layout,
    current: BoardState,
    target: BoardState,
    codec: KeycodeCodec,
    problems: list[str],
    warnings: list[str],
) -> list[EntryChange]:
    """The entry writes `layout` needs; problems and warnings are appended to the lists given."""
    names = Names(layout.layer_names, layout.tap_dance_names)
    changes: list[EntryChange] = []
    _plan_table(
        "tap dance", "tap dances", current.tap_dances, layout.tap_dances, layout.tap_dance_names,
        lambda i: f"tap dance {layout.tap_dances[i].name}",
        lambda dance, present: tap_dance_entry(dance, present, codec, names),
        lambda present: VialTapDance(tapping_term=present.tapping_term),
        problems, warnings, changes,
    )
    if current.combos is not None and any(c.layers is not None or c.term is not None for c in layout.combos):
        warnings.append(
            "Vial combos work on every layer with the global combo term: combo `layers` and `term` are not written"
        )
    _plan_table(
        "combo", "combos", current.combos, layout.combos, [c.name or "" for c in layout.combos],
        lambda i: f"combo {i}",
        lambda combo, present: combo_entry(combo, codec, names),
        lambda present: VialCombo(),
        problems, warnings, changes,
    )
    _plan_table(
        "key override", "key overrides", current.key_overrides, layout.key_overrides,
        [o.name or "" for o in layout.key_overrides],
        lambda i: f"key override {i}",
        lambda override, present: key_override_entry(override, present, codec, names),
        disabled_key_override,
        problems, warnings, changes,
    )
    for change in changes:
        table = {"tap dance": target.tap_dances, "combo": target.combos, "key override": target.key_overrides}
        found = table[change.kind]
        assert found is not None
        found[change.index] = change.new  # type: ignore[assignment]
    return changes


def _plan_table(
    kind: EntryKind,
    plural: str,
    present_entries: list[Any] | None,
    items: list[Any],
    labels: list[str],
    describe: Callable[[int], str],
    build: Callable[[Any, Any], Entry],
    filler: Callable[[Any], Entry],
    problems: list[str],
    warnings: list[str],
    changes: list[EntryChange],
) -> None:
    """Plan one Vial table (tap dances, combos or key overrides): the layout's items fill the
    board's entries in order, the entries left over are emptied (`filler`), and only entries
    that differ become changes. A board without the table keeps its firmware's."""
    if present_entries is None:
        if items:
            warnings.append(
                f"this keyboard keeps its {plural} in its firmware: the layout's {plural} are not written "
                "(build the firmware to change them)"
            )
        return
    if not items:
        return
    if len(items) > len(present_entries):
        problems.append(f"the layout has {len(items)} {plural}; the keyboard has room for {len(present_entries)}")
        return
    wanted: list[Entry] = [
        _entry(problems, describe(i), lambda item=items[i], present=present: build(item, present))
        if i < len(items)
        else filler(present)
        for i, present in enumerate(present_entries)
    ]
    _diff(kind, present_entries, wanted, labels, changes)


def _entry(problems: list[str], what: str, build) -> Entry:  # noqa: ANN001
    try:
        return build()
    except (KeycodeEncodeError, EntryError) as error:
        problems.append(f"{what}: {error}")
        return VialTapDance()


def _diff(kind: EntryKind, old: list, new: list[Entry], labels: list[str], changes: list[EntryChange]) -> None:
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if before != after:
            changes.append(EntryChange(kind, index, before, after, labels[index] if index < len(labels) else ""))


def entry_changes_between(current: BoardState, saved: BoardState) -> list[EntryChange]:
    """What restoring `saved` rewrites (tables present in both, same sizes)."""
    changes: list[EntryChange] = []
    for kind, old, new in (
        ("tap dance", current.tap_dances, saved.tap_dances),
        ("combo", current.combos, saved.combos),
        ("key override", current.key_overrides, saved.key_overrides),
    ):
        if old is not None and new is not None and len(old) == len(new):
            _diff(kind, old, list(new), [], changes)  # type: ignore[arg-type]
    return changes


def write_entries(board: Board, changes: list[EntryChange]) -> None:
    """Write each changed entry and read it back."""
    vial = board.vial
    for change in changes:
        if isinstance(change.new, VialTapDance):
            vial.set_tap_dance(change.index, change.new)
            back: Entry = vial.get_tap_dance(change.index)
        elif isinstance(change.new, VialCombo):
            vial.set_combo(change.index, change.new)
            back = vial.get_combo(change.index)
        else:
            vial.set_key_override(change.index, change.new)
            back = vial.get_key_override(change.index)
        if back != change.new:
            raise VerifyError(
                f"{change.kind} {change.index} did not keep what was written",
                hint="a locked Vial keyboard stores no QK_BOOT in tap dances, combos or key overrides",
            )


def entry_values(change: EntryChange) -> list[int]:
    """The keycodes an entry change writes (for the Vial QK_BOOT lock check)."""
    return entry_keycodes(change.new)


def entry_keycodes(entry: Entry) -> list[int]:
    """The keycodes an entry holds."""
    if isinstance(entry, VialTapDance):
        return [entry.on_tap, entry.on_hold, entry.on_double_tap, entry.on_tap_hold]
    if isinstance(entry, VialCombo):
        return [*entry.keys, entry.output]
    return [entry.trigger, entry.replacement]
