"""Keymap sync: read a keyboard into a layout, and push a layout onto a keyboard.

A read is one 28-byte get_buffer per 14 keys, the fewest reports possible. A push:

1. diffs the layout against what the board holds (read fresh, or the snapshot of this
   session's last read or push);
2. saves that board state as a backup before anything is written;
3. writes only the changed keys, grouped so each report covers as many as it can
   (`write_windows`): one changed key is one report; reports never split a key. On a Vial
   board no report covers an unchanged key holding QK_BOOT (a locked board would store 0xFFFF
   there), and a change *to* QK_BOOT asks for the board to be unlocked first;
4. reads back every written range and sorts each key: written, still old, or torn (neither:
   QMK writes EEPROM byte by byte, so a cut inside a report can leave half a key, and a
   firmware may replace a value). A write the firmware ignored is reported, never claimed
   done; after a failure the same read-back says exactly which keys reached the board.

A failure after the backup raises `PushError`, which names the keys that reached the board
and the backup to restore from (`restore`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.device import vial_protocol as vl
from keyconf.device.backup import Backup, BackupStore, BoardIdentity, load_backup
from keyconf.device.board import Board
from keyconf.device.board_state import KEY_BYTES, BoardState, EncoderKey, KeymapImage, write_windows
from keyconf.device.errors import DeviceError, PushError, UnsupportedCommand, VerifyError
from keyconf.device.keycode_codec import KeycodeCodec, KeycodeEncodeError, codec_for
from keyconf.device.macro_store import read_macro_buffer, write_macro_buffer
from keyconf.device.macros import (
    MacroEncodingError,
    RawStep,
    decode_macro,
    encode_macro,
    join_macros,
    split_macros,
)
from keyconf.device.via_protocol import MAX_MACROS, pack_layout_options, unpack_layout_options
from keyconf.device.vial_entries import tap_dance_names
from keyconf.device.vial_settings import (
    SettingChange,
    plan_qmk_settings,
    read_qmk_settings,
    setting_changes_between,
    write_qmk_settings,
)
from keyconf.device.vial_sync import (
    EntryChange,
    entries_into_layout,
    entry_changes_between,
    entry_keycodes,
    entry_values,
    plan_entries,
    read_entries,
    used_tap_dance_names,
    write_entries,
)
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import EncoderAction, Layer, Layout, Macro, MacroStep, delay_steps
from keyconf.model.qmk_settings import settings_from_vial

Progress = Callable[[str, int, int], None]  # (phase, done, total)
MAX_KEYMAP_BYTES = 0x10000  # buffer offsets are 16-bit


class LayoutMismatch(DeviceError):
    """The layout cannot go onto this keyboard as it is (too many layers, bad keycodes...)."""

    def __init__(self, message: str, problems: list[str], hint: str | None = None):
        super().__init__(message, hint)
        self.problems = problems


def board_identity(board: Board, keyboard: str = "", layout_macro: str = "") -> BoardIdentity:
    """What a backup records about the board it came from."""
    info = board.info
    vial = board.vial_identity
    return BoardIdentity(
        name=board.name,
        vendor_id=info.vendor_id if info else 0,
        product_id=info.product_id if info else 0,
        serial=info.serial if info else "",
        via_protocol=board.via_protocol,
        vial_protocol=vial.protocol if vial else None,
        vial_uid=vial.keyboard_uid if vial else None,
        keyboard=keyboard,
        layout_macro=layout_macro,
    )


def default_layer_names(count: int) -> list[str]:
    return ["base" if i == 0 else f"layer{i}" for i in range(count)]


@dataclass(frozen=True)
class KeySlot:
    """One key of the layout macro: where it sits in the layout and on the matrix."""

    key: int  # index in the layout's per-layer key list
    cell: tuple[int, int] | None  # (row, col); None for a key without a matrix position
    option: tuple[int, int] | None  # (layout option, choice) it belongs to; None: always there


class KeyMapping:
    """How a layout macro's keys sit on a keyboard's switch matrix."""

    def __init__(self, keyboard: Keyboard, layout_macro: str | None = None):
        self.keyboard = keyboard
        try:
            self.macro: LayoutMacro = keyboard.layout(layout_macro)
        except KeyError:
            raise DeviceError(
                f"{keyboard.name} has no layout {layout_macro}",
                hint=f"its layouts: {', '.join(keyboard.layouts) or 'none'}",
            ) from None
        keys = self.macro.slot_keys
        self.slots = [KeySlot(i, k.matrix, k.option) for i, k in enumerate(keys)]
        cells = [s.cell for s in self.slots if s.cell is not None]
        self.rows = keyboard.matrix_rows or (max(r for r, _ in cells) + 1 if cells else 0)
        self.cols = keyboard.matrix_cols or (max(c for _, c in cells) + 1 if cells else 0)
        outside = [c for c in cells if c[0] >= self.rows or c[1] >= self.cols]
        if not self.rows or not self.cols or outside:
            raise DeviceError(
                f"the {keyboard.name} definition has no usable switch matrix "
                f"({self.rows}x{self.cols}{', keys outside it' if outside else ''})",
                hint="use a keyboard definition with matrix positions for every key",
            )
        self.by_cell: dict[tuple[int, int], list[KeySlot]] = {}
        for slot in self.slots:
            if slot.cell is not None:
                self.by_cell.setdefault(slot.cell, []).append(slot)

    @property
    def key_count(self) -> int:
        return len(self.slots)

    def owner(self, cell: tuple[int, int], choices: dict[int, int]) -> KeySlot:
        """The key whose keycode goes into `cell` when several layout options share it: a key
        outside any option, else the one of the chosen option, else the first."""
        slots = self.by_cell[cell]
        if len(slots) == 1:
            return slots[0]
        for slot in slots:
            if slot.option is None:
                return slot
        for slot in slots:
            assert slot.option is not None
            group, choice = slot.option
            if choices.get(group, 0) == choice:
                return slot
        return slots[0]


@dataclass(frozen=True)
class KeyChange:
    layer: int
    layer_name: str
    key: int | None  # index in the layout's key list; None for a cell no layout key covers
    row: int
    col: int
    old: int
    new: int
    old_text: str
    new_text: str


@dataclass(frozen=True)
class EncoderChange:
    layer: int
    encoder: int
    clockwise: bool
    old: int
    new: int
    old_text: str
    new_text: str


@dataclass
class PushPlan:
    """What a push will change, for previews (`keyconf push --dry-run`, "Apply" dialog)."""

    current: BoardState
    target: BoardState
    keys: list[KeyChange] = field(default_factory=list)
    encoders: list[EncoderChange] = field(default_factory=list)
    macros_changed: bool = False
    layout_options: tuple[int, int] | None = None  # (old, new)
    entries: list[EntryChange] = field(default_factory=list)  # Vial tap dances, combos, key overrides
    settings: list[SettingChange] = field(default_factory=list)  # Vial QMK settings
    windows: list[tuple[int, int]] = field(default_factory=list)  # (first key, count) per write
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.keys or self.encoders or self.macros_changed or self.layout_options or self.entries or self.settings
        )

    def describe(self) -> list[str]:
        """The changes as lines, grouped by layer."""
        lines: list[str] = []
        by_layer: dict[tuple[int, str], list[KeyChange]] = {}
        for change in self.keys:
            by_layer.setdefault((change.layer, change.layer_name), []).append(change)
        for (_index, name), changes in sorted(by_layer.items()):
            lines.append(f"layer {name}: {len(changes)} key{'s' if len(changes) != 1 else ''}")
            for c in changes:
                where = f"key {c.key + 1}" if c.key is not None else "unmapped"
                lines.append(f"  {where} (row {c.row}, col {c.col}): {c.old_text} -> {c.new_text}")
        for e in self.encoders:
            direction = "clockwise" if e.clockwise else "counter-clockwise"
            lines.append(f"encoder {e.encoder} {direction} on layer {e.layer}: {e.old_text} -> {e.new_text}")
        if self.macros_changed:
            lines.append("macros: rewritten")
        if self.layout_options is not None:
            old, new = self.layout_options
            lines.append(f"layout options: 0x{old:X} -> 0x{new:X}")
        lines += [change.describe() for change in self.entries]
        lines += [change.describe() for change in self.settings]
        return lines


@dataclass
class PushResult:
    plan: PushPlan
    backup: Path | None
    reports: int


@dataclass
class WriteSurvey:
    """What a read-back found in the written windows (flat key indexes)."""

    written: list[int] = field(default_factory=list)  # changed keys holding their new keycode
    refused: list[int] = field(default_factory=list)  # changed keys still holding the old one
    torn: list[tuple[int, int]] = field(default_factory=list)  # (key, value found): neither old nor new

    @property
    def complete(self) -> bool:
        return not (self.refused or self.torn)

    def describe_failures(self, image: KeymapImage) -> list[str]:
        lines = []
        for index in self.refused:
            layer, row, col = image.position(index)
            lines.append(f"layer {layer} row {row} col {col} kept its old keycode")
        for index, value in self.torn:
            layer, row, col = image.position(index)
            lines.append(f"layer {layer} row {row} col {col} holds 0x{value:04X} (torn: neither old nor new)")
        return lines


@dataclass
class ReadParts:
    """Which parts of a board to read (the keymap always)."""

    encoders: bool = True
    macros: bool = True
    layout_options: bool = True
    vial_entries: bool = True  # tap dances, combos, key overrides
    qmk_settings: bool = True  # Vial's QMK settings (tapping term…)


class KeymapSync:
    """Reads and pushes one board's keymap with a keyboard definition for its geometry."""

    def __init__(
        self,
        board: Board,
        keyboard: Keyboard,
        layout_macro: str | None = None,
        *,
        codec: KeycodeCodec | None = None,
        backups: BackupStore | None = None,
    ):
        self.board = board
        self.keyboard = keyboard
        self.mapping = KeyMapping(keyboard, layout_macro)
        self.codec = codec or codec_for(board.current_numbering)
        self.backups = backups or BackupStore()
        self.snapshot: BoardState | None = None  # the board's contents as last read or pushed
        # Live editing pushes every keystroke: one backup, from before the first, covers them all.
        self.backup_once = False
        self.session_backup: Path | None = None
        size = board.layer_count * self.mapping.rows * self.mapping.cols * KEY_BYTES
        if size > MAX_KEYMAP_BYTES:
            raise DeviceError(
                f"{board.layer_count} layers of a {self.mapping.rows}x{self.mapping.cols} matrix do not fit "
                "VIA's 16-bit buffer offsets",
                hint="the keyboard definition does not match this keyboard",
            )

    @property
    def client(self):  # noqa: ANN201 - the board's ViaClient
        return self.board.client

    @property
    def encoder_indexes(self) -> list[int]:
        return [e.index for e in self.keyboard.encoders]

    # --- reading -------------------------------------------------------------------------

    def read_state(self, progress: Progress | None = None, parts: ReadParts | None = None) -> BoardState:
        parts = parts or ReadParts()
        image = KeymapImage(self.board.layer_count, self.mapping.rows, self.mapping.cols)
        total = image.size

        def report(done: int) -> None:
            if progress is not None:
                progress("read", done, total)

        image.data[:] = self.client.read_buffer(0, total, report)
        state = BoardState(image)
        if parts.encoders:
            state.encoders = self._read_encoders()
        if parts.macros:
            self._read_macros(state)
        if parts.layout_options and self.keyboard.layout_options:
            state.layout_options = self._optional(self.client.layout_options)
        if parts.vial_entries:
            read_entries(self.board, state)
        if parts.qmk_settings:
            state.qmk_settings = read_qmk_settings(self.board)
        self.snapshot = state.copy()
        return state

    def _optional(self, call: Callable[[], int]) -> int | None:
        try:
            return call()
        except UnsupportedCommand:
            return None

    def _read_encoders(self) -> dict[EncoderKey, int] | None:
        indexes = self.encoder_indexes
        if not indexes:
            return None
        values: dict[EncoderKey, int] = {}
        try:
            for layer in range(self.board.layer_count):
                for index in indexes:
                    if self.board.is_vial:
                        ccw, cw = self.board.vial.get_encoder(layer, index)
                    else:
                        cw = self.client.get_encoder(layer, index, True)
                        ccw = self.client.get_encoder(layer, index, False)
                    values[(layer, index, True)] = cw
                    values[(layer, index, False)] = ccw
        except UnsupportedCommand:
            return None  # firmware built without ENCODER_MAP_ENABLE
        return values

    def _read_macros(self, state: BoardState) -> None:
        try:
            count = min(self.client.macro_count(), MAX_MACROS)
            size = self.client.macro_buffer_size()
        except UnsupportedCommand:
            return
        state.macro_count, state.macro_buffer_size = count, size
        state.macros = read_macro_buffer(self.client, count, size) if count and size else b""

    def read_keymap(self, progress: Progress | None = None, layer_names: Sequence[str] | None = None) -> Layout:
        """The board's keymap as a layout for this keyboard definition."""
        return self.layout_from_state(self.read_state(progress), layer_names)

    def layout_from_state(self, state: BoardState, layer_names: Sequence[str] | None = None) -> Layout:
        image = state.keymap
        if not layer_names:
            from keyconf.formats.layer_names import known_layer_names

            layer_names = known_layer_names(self.keyboard.name)  # a Planck's: base, lower, raise…
        names = list(layer_names or [])[: image.layers]
        taken = set(names)
        for name in default_layer_names(image.layers)[len(names) :]:
            while name in taken:
                name += "_"
            names.append(name)
            taken.add(name)
        macros_used, dances_used = self._referenced_slots(state, names)
        dances = used_tap_dance_names(state)
        if state.tap_dances is not None and len(dances) < dances_used <= len(state.tap_dances):
            dances = tap_dance_names(dances_used)  # a factory keymap's TD(n) on empty entries: keep them
        layers: list[Layer] = []
        for layer in range(image.layers):
            keys = []
            for slot in self.mapping.slots:
                value = image.get(layer, *slot.cell) if slot.cell is not None else 0
                keys.append(self.codec.decode(value, names, dances))
            encoders = []
            if state.encoders is not None:
                for index in self.encoder_indexes:
                    encoders.append(
                        EncoderAction(
                            ccw=self.codec.decode(state.encoders[(layer, index, False)], names, dances),
                            cw=self.codec.decode(state.encoders[(layer, index, True)], names, dances),
                        )
                    )
            layers.append(Layer(name=names[layer], keys=keys, encoders=encoders))
        layout = Layout(keyboard=self.keyboard.name, layout_macro=self.mapping.macro.name, layers=layers)
        if state.macros is not None:
            layout.macros = self._decode_macros(state, names)
            if len(layout.macros) < macros_used <= state.macro_count:
                layout.macros += [Macro(steps=[]) for _ in range(macros_used - len(layout.macros))]
        if state.layout_options is not None and self.keyboard.layout_options:
            counts = [o.choice_count for o in self.keyboard.layout_options]
            choices = unpack_layout_options(counts, state.layout_options)
            layout.layout_options = {o.label: c for o, c in zip(self.keyboard.layout_options, choices, strict=True)}
        entries_into_layout(layout, state, self.codec, dances)
        if state.qmk_settings is not None:
            layout.settings = settings_from_vial(state.qmk_settings)
        return layout

    def _referenced_slots(self, state: BoardState, names: list[str]) -> tuple[int, int]:
        """How many macros and tap dances the board's keys reach (highest MC_n / TD(n) + 1), so
        a pull keeps the empty entries a factory keymap points at and the file pushes back."""
        values = set(state.keymap.values())
        values.update((state.encoders or {}).values())
        for table in (state.tap_dances, state.combos, state.key_overrides):
            for entry in table or []:
                values.update(entry_keycodes(entry))
        macros = dances = 0
        current = codec_for(True)  # QMK's current numbering, where the spec's ranges are
        macro_range, dance_range = REGISTRY.ranges["QK_MACRO"], REGISTRY.ranges["QK_TAP_DANCE"]
        for value in values:
            if not value:
                continue
            try:
                number = current.encode(self.codec.decode(value, names), names)
            except KeycodeEncodeError:
                continue
            if number in macro_range and number - macro_range.first < MAX_MACROS:
                macros = max(macros, number - macro_range.first + 1)
            elif number in dance_range:
                dances = max(dances, number - dance_range.first + 1)
        return macros, dances

    def _decode_macros(self, state: BoardState, names: list[str]) -> list[Macro]:
        fmt = self.board.macro_format
        macros = [decode_macro(data, fmt) for data in split_macros(state.macros or b"", state.macro_count)]
        while macros and not macros[-1]:
            macros.pop()  # trailing empty macros are just unused slots
        out = []
        for steps in macros:
            model_steps = []
            for step in steps:
                if step.kind == "text":
                    model_steps.append(MacroStep("text", step.text))
                elif step.kind == "delay":
                    model_steps.extend(delay_steps(step.delay_ms))
                else:
                    model_steps.append(MacroStep(step.kind, [self.codec.decode(k, names) for k in step.keycodes]))
            out.append(Macro(steps=model_steps))
        return out

    # --- planning ------------------------------------------------------------------------

    def plan(self, layout: Layout, current: BoardState | None = None) -> PushPlan:
        """The changes pushing `layout` makes to a board holding `current` (default: snapshot)."""
        current = current or self.snapshot
        if current is None:
            raise DeviceError("nothing is known about the board yet: read it first")
        problems: list[str] = []
        image = current.keymap
        if len(layout.layers) > image.layers:
            raise LayoutMismatch(
                f"the layout has {len(layout.layers)} layers; the keyboard has room for {image.layers}",
                [],
                hint="remove layers, or rebuild the firmware with a larger DYNAMIC_KEYMAP_LAYER_COUNT",
            )
        names = layout.layer_names
        tap_dances = layout.tap_dance_names
        target = current.copy()
        choices = self._option_choices(layout)
        for li, layer in enumerate(layout.layers):
            if len(layer.keys) != self.mapping.key_count:
                problems.append(
                    f"layer {layer.name} has {len(layer.keys)} keys; {self.mapping.macro.name} has "
                    f"{self.mapping.key_count}"
                )
                continue
            for cell in self.mapping.by_cell:
                slot = self.mapping.owner(cell, choices)
                text = layer.keys[slot.key]
                try:
                    value = self.codec.encode(text, names, tap_dances)
                except KeycodeEncodeError as error:
                    problems.append(f"layer {layer.name}, key {slot.key + 1}: {error}")
                    continue
                target.keymap.set(li, *cell, value)
        plan = PushPlan(current=current, target=target)
        self._plan_encoders(layout, plan, names, tap_dances, problems)
        self._plan_macros(layout, plan, names, tap_dances, problems)
        self._plan_layout_options(layout, plan, choices)
        plan.entries = plan_entries(layout, current, target, self.codec, problems, plan.warnings)
        plan.settings = plan_qmk_settings(layout.settings, current, target, problems, plan.warnings)
        if problems:
            raise LayoutMismatch(
                f"the layout cannot be written to the keyboard ({len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''})",
                problems,
                hint="fix these in the layout (`keyconf validate FILE` explains each)",
            )
        cell_owner = {cell: self.mapping.owner(cell, choices).key for cell in self.mapping.by_cell}
        plan.keys = self._key_changes(current.keymap, target.keymap, names, cell_owner)
        plan.windows = self._windows(current.keymap, target.keymap)
        return plan

    def _key_changes(
        self, before: KeymapImage, after: KeymapImage, names: list[str], owner: dict[tuple[int, int], int]
    ) -> list[KeyChange]:
        """The keys `after` changes, each with its layout key (`owner` of its matrix cell, if any)
        and its old and new keycode as text."""
        changes = []
        for index in before.changed_keys(after):
            layer, row, col = before.position(index)
            old, new = before.value(index), after.value(index)
            changes.append(
                KeyChange(
                    layer,
                    names[layer] if layer < len(names) else str(layer),
                    owner.get((row, col)),
                    row,
                    col,
                    old,
                    new,
                    self.codec.decode(old, names),
                    self.codec.decode(new, names),
                )
            )
        return changes

    def _option_choices(self, layout: Layout) -> dict[int, int]:
        by_label = {o.label: i for i, o in enumerate(self.keyboard.layout_options)}
        return {by_label[label]: choice for label, choice in layout.layout_options.items() if label in by_label}

    def _plan_encoders(
        self, layout: Layout, plan: PushPlan, names: list[str], tap_dances: list[str], problems: list[str]
    ) -> None:
        wanted = any(layer.encoders for layer in layout.layers)
        if plan.current.encoders is None:
            if wanted:
                plan.warnings.append(
                    "the layout maps encoders, but this keyboard's firmware has no encoder map: "
                    "encoder actions are not written"
                )
            return
        assert plan.target.encoders is not None
        indexes = self.encoder_indexes
        for li, layer in enumerate(layout.layers):
            for position, action in enumerate(layer.encoders[: len(indexes)]):
                index = indexes[position]
                for clockwise, text in ((True, action.cw), (False, action.ccw)):
                    try:
                        value = self.codec.encode(text, names, tap_dances)
                    except KeycodeEncodeError as error:
                        problems.append(f"layer {layer.name}, encoder {index}: {error}")
                        continue
                    key = (li, index, clockwise)
                    old = plan.current.encoders[key]
                    plan.target.encoders[key] = value
                    if old != value:
                        plan.encoders.append(
                            EncoderChange(
                                li,
                                index,
                                clockwise,
                                old,
                                value,
                                self.codec.decode(old, names),
                                self.codec.decode(value, names),
                            )
                        )

    def _plan_macros(
        self, layout: Layout, plan: PushPlan, names: list[str], tap_dances: list[str], problems: list[str]
    ) -> None:
        current = plan.current
        if not layout.macros:
            return  # a layout without macros leaves the keyboard's macros alone
        if current.macros is None:
            problems.append("the layout has macros, but this keyboard's firmware has no dynamic macros")
            return
        if len(layout.macros) > current.macro_count:
            problems.append(
                f"the layout has {len(layout.macros)} macros; the keyboard has room for {current.macro_count}"
            )
            return
        fmt = self.board.macro_format
        encoded: list[bytes] = []
        for mi, macro in enumerate(layout.macros):
            try:
                steps = [self._raw_step(step, names, tap_dances) for step in macro.steps]
                encoded.append(encode_macro(steps, fmt))
            except (KeycodeEncodeError, MacroEncodingError) as error:
                problems.append(f"macro {mi}: {error}")
        board_macros = split_macros(current.macros, current.macro_count)
        data = join_macros(encoded + [b""] * (current.macro_count - len(encoded)))
        if len(data) > current.macro_buffer_size:
            problems.append(f"the macros need {len(data)} bytes; the keyboard has room for {current.macro_buffer_size}")
            return
        if data != join_macros(board_macros):
            plan.target.macros = data
            plan.macros_changed = True

    def _raw_step(self, step: MacroStep, names: list[str], tap_dances: list[str]) -> RawStep:
        if step.kind == "text":
            return RawStep("text", text=str(step.value))
        if step.kind == "delay":
            return RawStep("delay", delay_ms=int(step.value))  # type: ignore[arg-type]
        texts = step.value if isinstance(step.value, list) else [str(step.value)]
        return RawStep(step.kind, keycodes=tuple(self.codec.encode(t, names, tap_dances) for t in texts))

    def _plan_layout_options(self, layout: Layout, plan: PushPlan, choices: dict[int, int]) -> None:
        options = self.keyboard.layout_options
        current = plan.current.layout_options
        if current is None or not options or not choices:
            return
        counts = [o.choice_count for o in options]
        merged = unpack_layout_options(counts, current)
        for group, choice in choices.items():
            merged[group] = choice
        value = pack_layout_options(counts, merged)
        if value != current:
            plan.target.layout_options = value
            plan.layout_options = (current, value)

    # --- pushing -------------------------------------------------------------------------

    def identity(self) -> BoardIdentity:
        return board_identity(self.board, self.keyboard.name, self.mapping.macro.name)

    def push(self, layout: Layout, progress: Progress | None = None, *, refresh: bool = True) -> PushResult:
        """Put `layout` on the board. `refresh=False` diffs against this session's snapshot
        (what the last read or push left) instead of reading the board again."""
        if refresh or self.snapshot is None:
            self.read_state(progress)
        return self.apply(self.plan(layout), progress)

    def restore(self, backup: Backup | str | Path, progress: Progress | None = None) -> PushResult:
        """Write a backup's stored values back to the board (backing up what is there now)."""
        if not isinstance(backup, Backup):
            backup = load_backup(backup)
        saved = backup.state
        current = self.read_state(progress)
        old_shape = (saved.keymap.layers, saved.keymap.rows, saved.keymap.cols)
        new_shape = (current.keymap.layers, current.keymap.rows, current.keymap.cols)
        if old_shape != new_shape:
            raise LayoutMismatch(
                "the backup is for a {}-layer {}x{} keymap; this keyboard has {} layers of {}x{}".format(
                    *old_shape, *new_shape
                ),
                [],
                hint="restore it to the keyboard it came from",
            )
        target = current.copy()
        target.keymap = saved.keymap.copy()
        plan = PushPlan(current=current, target=target)
        names = default_layer_names(current.keymap.layers)
        plan.keys = self._key_changes(current.keymap, target.keymap, names, {})
        plan.windows = self._windows(current.keymap, target.keymap)
        if saved.encoders is not None and current.encoders is not None and target.encoders is not None:
            for key, value in saved.encoders.items():
                if key in current.encoders and current.encoders[key] != value:
                    target.encoders[key] = value
                    plan.encoders.append(
                        EncoderChange(
                            key[0],
                            key[1],
                            key[2],
                            current.encoders[key],
                            value,
                            self.codec.decode(current.encoders[key], names),
                            self.codec.decode(value, names),
                        )
                    )
        if saved.macros is not None and current.macros is not None and saved.macros != current.macros:
            if len(saved.macros) <= current.macro_buffer_size:
                target.macros = saved.macros
                plan.macros_changed = True
        if saved.layout_options is not None and current.layout_options not in (None, saved.layout_options):
            assert current.layout_options is not None
            target.layout_options = saved.layout_options
            plan.layout_options = (current.layout_options, saved.layout_options)
        plan.entries = entry_changes_between(current, saved)
        for change in plan.entries:
            table = {"tap dance": target.tap_dances, "combo": target.combos, "key override": target.key_overrides}
            found = table[change.kind]
            assert found is not None
            found[change.index] = change.new  # type: ignore[assignment]
        plan.settings = setting_changes_between(current, saved)
        if target.qmk_settings is not None:
            target.qmk_settings.update({c.qsid: c.new for c in plan.settings})
        return self.apply(plan, progress)

    def apply(self, plan: PushPlan, progress: Progress | None = None) -> PushResult:
        """Carry out a plan: backup, write, read back. Raises PushError on a failure part-way."""
        if plan.empty:
            return PushResult(plan, None, 0)
        self._check_vial_lock(plan)
        before = self.client.round_trips
        if self.backup_once and self.session_backup is not None:
            backup = self.session_backup
        else:
            backup = self.session_backup = self.save_backup(plan.current)
        current, target = plan.current.keymap, plan.target.keymap
        acknowledged: list[int] = []
        changed = set(current.changed_keys(target))
        in_flight: list[int] = []
        sent: list[tuple[int, int]] = []  # windows sent (or being sent): what a survey reads back
        survey: WriteSurvey | None = None
        try:
            for done, (first, count) in enumerate(plan.windows, 1):
                in_flight = [i for i in range(first, first + count) if i in changed]
                sent.append((first, count))
                self.client.set_buffer(
                    first * KEY_BYTES, bytes(target.data[first * KEY_BYTES : (first + count) * KEY_BYTES])
                )
                acknowledged.extend(in_flight)
                in_flight = []
                if progress is not None:
                    progress("write", done, len(plan.windows))
            survey = self._survey(plan, plan.windows, changed, progress)
            if not survey.complete:
                raise VerifyError(
                    f"{len(survey.refused) + len(survey.torn)} key(s) did not keep the written keycode: "
                    + ", ".join(survey.describe_failures(current)[:8]),
                    hint="the firmware rejected them (a locked Vial keyboard refuses QK_BOOT)",
                )
            self._apply_encoders(plan)
            self._apply_macros(plan)
            self._apply_layout_options(plan)
            if plan.entries:
                write_entries(self.board, plan.entries)
            if plan.settings:
                write_qmk_settings(self.board, plan.settings)
        except DeviceError as error:
            self.snapshot = None  # the board is no longer what we last knew
            if survey is None:
                survey = self._try_survey(plan, sent, changed)
            if survey is not None:
                # What the keyboard holds now, read back: exact even when a write's reply was lost
                written = [current.position(i) for i in survey.written]
                unsure: list[tuple[int, int, int]] = []
                torn = [(*current.position(i), value) for i, value in survey.torn]
                reached = len(survey.written)
            else:
                written = [current.position(i) for i in acknowledged]
                unsure = [current.position(i) for i in in_flight]
                torn = []
                reached = len(written)
            detail = f", {len(unsure)} may have" if unsure else ""
            if torn:
                detail += f"; {len(torn)} key(s) hold neither the old nor the new keycode (torn or refused)"
            raise PushError(
                f"the push stopped part-way: {error.message}. {reached} of {len(changed)} changed keys "
                f"reached the keyboard{detail}",
                written=written,
                unconfirmed=unsure,
                torn=torn,
                backup=str(backup),
                cause=error,
                hint=f"reconnect the keyboard and restore it with `keyconf restore {backup}`, or push the layout again",
            ) from error
        self.snapshot = plan.target.copy()
        return PushResult(plan, backup, self.client.round_trips - before)

    def _windows(self, current: KeymapImage, target: KeymapImage) -> list[tuple[int, int]]:
        """The write reports for the changed keys. On a Vial board no report covers an unchanged
        key holding a keycode the firmware refuses while locked: it would come back 0xFFFF."""
        changed = current.changed_keys(target)
        refused = self._refused_while_locked()
        avoid = {i for i in range(current.key_count) if current.value(i) in refused} - set(changed)
        return write_windows(changed, avoid=avoid)

    def _refused_while_locked(self) -> frozenset[int]:
        if not self.board.is_vial:
            return frozenset()
        registry = codec_for(self.board.current_numbering)
        values = set()
        for name in vl.REFUSED_WHILE_LOCKED:
            try:
                values.add(registry.encode(name, []))
            except KeycodeEncodeError:
                continue
        return frozenset(values)

    def _survey(
        self,
        plan: PushPlan,
        windows: Sequence[tuple[int, int]],
        changed: set[int],
        progress: Progress | None = None,
    ) -> WriteSurvey:
        """Read back every key the windows covered and sort them: written (new value), not
        written (old value), or torn (neither: a cut inside a report, since QMK writes EEPROM
        byte by byte, or a value the firmware replaced, such as Vial's 0xFFFF for QK_BOOT)."""
        current, target = plan.current.keymap, plan.target.keymap
        survey = WriteSurvey()
        for done, (first, count) in enumerate(windows, 1):
            back = self.client.get_buffer(first * KEY_BYTES, count * KEY_BYTES)
            for k in range(count):
                index = first + k
                value = int.from_bytes(back[2 * k : 2 * k + 2], "big")
                old, new = current.value(index), target.value(index)
                if value == new:
                    if index in changed:
                        survey.written.append(index)
                elif value == old:
                    survey.refused.append(index)
                else:
                    survey.torn.append((index, value))
            if progress is not None:
                progress("verify", done, len(windows))
        return survey

    def _try_survey(self, plan: PushPlan, windows: list[tuple[int, int]], changed: set[int]) -> WriteSurvey | None:
        """The survey after a failure, when the keyboard still answers; None when it does not."""
        try:
            return self._survey(plan, windows, changed)
        except DeviceError:
            return None

    def _describe_index(self, index: int, image: KeymapImage) -> str:
        layer, row, col = image.position(index)
        return f"layer {layer} row {row} col {col}"

    def _check_vial_lock(self, plan: PushPlan) -> None:
        """A locked Vial board drops macros and QK_BOOT silently (or stores 0xFFFF): ask first."""
        if not self.board.is_vial:
            return
        refused = self._refused_while_locked()
        needs_unlock = (
            plan.macros_changed
            or any(c.new in refused for c in plan.keys)
            or any(e.new in refused for e in plan.encoders)
            or any(refused.intersection(entry_values(e)) for e in plan.entries)
        )
        if needs_unlock:
            self.board.vial.require_unlocked("store QK_BOOT or macros")

    def _apply_encoders(self, plan: PushPlan) -> None:
        for change in plan.encoders:
            if self.board.is_vial:
                self.board.vial.set_encoder(change.layer, change.encoder, change.clockwise, change.new)
                ccw, cw = self.board.vial.get_encoder(change.layer, change.encoder)
                back = cw if change.clockwise else ccw
            else:
                self.client.set_encoder(change.layer, change.encoder, change.clockwise, change.new)
                back = self.client.get_encoder(change.layer, change.encoder, change.clockwise)
            if back != change.new:
                raise VerifyError(f"encoder {change.encoder} on layer {change.layer} did not keep {change.new_text}")

    def _apply_macros(self, plan: PushPlan) -> None:
        if not plan.macros_changed or plan.target.macros is None:
            return
        write_macro_buffer(self.client, plan.target.macros, plan.current.macros or b"", plan.current.macro_buffer_size)

    def _apply_layout_options(self, plan: PushPlan) -> None:
        if plan.layout_options is None:
            return
        _old, new = plan.layout_options
        self.client.set_layout_options(new)
        if self.client.layout_options() != new:
            raise VerifyError("the keyboard did not keep the layout options")

    def save_backup(self, state: BoardState) -> Path:
        """Keep `state` (what the board holds) in the backup folder; returns the backup file."""
        return self.backups.save(self.identity(), state, self._backup_text(state))

    def _backup_text(self, state: BoardState) -> str | None:
        """The readable copy of a backup; a decoding problem must never block the backup itself."""
        try:
            from keyconf.formats.yaml_layout import dumps_layout

            return dumps_layout(self.layout_from_state(state), self.keyboard)
        except Exception:  # noqa: BLE001 - the JSON backup is what restores; this copy is a courtesy
            return None
