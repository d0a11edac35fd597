"""The Features dock: macros, tap dances, combos, key overrides, encoders, layout options and the
controller built for (`controller_editor`).

Keycode cells are checked with the keycode registry as they are committed; macros are
edited in VIA's one-line notation (`Hello{KC_ENT}{250}{KC_LCTL,KC_C}`) with their steps
listed below; combos pick their keys on the keyboard view.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyconf.gui.controller_editor import ControllerEditor
from keyconf.gui.document import LayoutDocument
from keyconf.gui.feature_table import Column, FeatureTable
from keyconf.gui.keyboard_view import KeyboardView
from keyconf.gui.selection import SelectionModel
from keyconf.model.keyboard import LayoutOption
from keyconf.model.layout import Combo, KeyOverride, Macro, TapDance

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def keycode_checker(doc_of: Callable[[], LayoutDocument | None]) -> Callable[[str], str]:
    """A function that returns the text when it is a valid keycode, else raises ValueError."""

    def check(text: str) -> str:
        from keyconf.model.keycodes import REGISTRY, KeycodeError

        doc = doc_of()
        if not text:
            raise ValueError("type a keycode, e.g. KC_ESC")
        try:
            if doc is not None:
                REGISTRY.parse(text, doc.parse_context())
            else:
                REGISTRY.parse(text)
        except KeycodeError as error:
            raise ValueError(str(error)) from None
        return text

    return check


def _cell_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def _names(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


def _optional_int(text: str, what: str, maximum: int = 65535) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= maximum:
        raise ValueError(f"{what} is a number of milliseconds (1–{maximum}), or empty for the default")
    return int(text)


def _optional_name(text: str) -> str | None:
    if text and not _NAME.match(text):
        raise ValueError("a name is letters, digits and _, not starting with a digit")
    return text or None


class MacrosEditor(QWidget):
    feature = "macros"

    def __init__(self, doc_of: Callable[[], LayoutDocument | None], parent: QWidget | None = None):
        super().__init__(parent)
        from keyconf.model.macro_text import MacroTextError, format_macro_text, parse_macro_text

        def write_text(item: Macro, text: str) -> None:
            try:
                item.steps = parse_macro_text(text)
            except MacroTextError as error:
                raise ValueError(str(error)) from None

        self.table = FeatureTable(
            "macros",
            "Macros",
            [
                Column("Keycode", lambda m, i: f"QK_MACRO_{i}"),
                Column("Name", lambda m, i: m.name or "", lambda m, t: setattr(m, "name", t or None)),
                Column(
                    "Types",
                    lambda m, i: format_macro_text(m.steps),
                    write_text,
                    "Text to type; {KC_X} taps a key, {KC_LCTL,KC_C} a chord, {+KC_LSFT}/{-KC_LSFT} press/release, "
                    "{250} waits 250 ms",
                    stretch=True,
                ),
            ],
            lambda doc: Macro(steps=[], name=None),
            "Double-click a cell to edit. Types: text, {KC_ENT} tap, {KC_LCTL,KC_C} chord, "
            "{+KC_LSFT} press, {-KC_LSFT} release, {250} wait (ms).",
        )
        self.steps = QTableWidget(0, 2)
        self.steps.setHorizontalHeaderLabels(["Step", "Value"])
        self.steps.verticalHeader().setVisible(False)
        self.steps.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.steps.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.steps.setMaximumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("  Steps of the selected macro:"))
        layout.addWidget(self.steps, 1)
        self.table.currentItemChanged.connect(self._show_steps)
        self._doc_of = doc_of

    def set_document(self, doc: LayoutDocument) -> None:
        self.table.set_document(doc)
        doc.featuresChanged.connect(lambda: self._show_steps(self.table.current_index()))
        self._show_steps(self.table.current_index())

    def select_item(self, index: int) -> None:
        self.table.select_item(index)

    def _show_steps(self, row: int) -> None:
        doc = self._doc_of()
        macros = doc.layout.macros if doc else []
        steps = macros[row].steps if 0 <= row < len(macros) else []
        self.steps.setRowCount(len(steps))
        for i, step in enumerate(steps):
            value = step.value
            shown = (
                " + ".join(value)
                if isinstance(value, list)
                else (f"{value} ms" if step.kind == "delay" else str(value))
            )
            self.steps.setItem(i, 0, QTableWidgetItem(step.kind))
            self.steps.setItem(i, 1, QTableWidgetItem(shown))


def tap_dances_editor(doc_of: Callable[[], LayoutDocument | None]) -> FeatureTable:
    check = keycode_checker(doc_of)

    def write_name(td: TapDance, text: str) -> None:
        if not _NAME.match(text):
            raise ValueError("a tap dance name is letters, digits and _ (used as TD(name))")
        td.name = text

    def optional(attribute: str) -> Callable[[TapDance, str], None]:
        return lambda td, text: setattr(td, attribute, check(text) if text else None)

    def new(doc: LayoutDocument) -> TapDance:
        names = set(doc.layout.tap_dance_names)
        n = len(names)
        while f"dance{n}" in names:
            n += 1
        return TapDance(name=f"dance{n}", tap="KC_NO")

    return FeatureTable(
        "tap_dances",
        "Tap dances",
        [
            Column("Name", lambda t, i: t.name, write_name, "Used in keymaps as TD(name)"),
            Column("Tap", lambda t, i: t.tap, lambda t, s: setattr(t, "tap", check(s))),
            Column("Hold", lambda t, i: t.hold or "", optional("hold")),
            Column("Double tap", lambda t, i: t.double_tap or "", optional("double_tap")),
            Column("Tap, then hold", lambda t, i: t.tap_hold or "", optional("tap_hold")),
            Column(
                "Term (ms)",
                lambda t, i: str(t.tapping_term or ""),
                lambda t, s: setattr(t, "tapping_term", _optional_int(s, "the tapping term")),
                stretch=True,
            ),
        ],
        new,
        "Assign a tap dance to a key with TD(name) (Tap dance tab of the picker).",
    )


class CombosEditor(QWidget):
    """Combos, with "Pick keys" to choose a combo's keys by clicking them on the keyboard."""

    feature = "combos"

    def __init__(
        self,
        doc_of: Callable[[], LayoutDocument | None],
        view: KeyboardView,
        selection: SelectionModel,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._doc_of = doc_of
        self.view = view
        self.selection = selection
        check = keycode_checker(doc_of)

        def write_keys(combo: Combo, text: str) -> None:
            keys = [check(k) for k in _names(text)]
            if len(keys) < 2:
                raise ValueError("a combo needs at least two keys")
            combo.keys = keys

        def write_layers(item: Combo, text: str) -> None:
            item.layers = self._layer_list(text)

        self.table = FeatureTable(
            "combos",
            "Combos",
            [
                Column("Name", lambda c, i: c.name or "", lambda c, s: setattr(c, "name", _optional_name(s))),
                Column("Keys", lambda c, i: " ".join(c.keys), write_keys, "Keycodes pressed together"),
                Column("Sends", lambda c, i: c.action, lambda c, s: setattr(c, "action", check(s))),
                Column("Layers", lambda c, i: " ".join(c.layers or []) or "all", write_layers),
                Column(
                    "Term (ms)",
                    lambda c, i: str(c.term or ""),
                    lambda c, s: setattr(c, "term", _optional_int(s, "the combo term")),
                    stretch=True,
                ),
            ],
            lambda doc: Combo(keys=[], action="KC_NO"),
            "Keys are keycodes: the combo fires when keys sending them are pressed together.",
        )
        self.pick = QToolButton()
        self.pick.setText("Pick keys")
        self.pick.setCheckable(True)
        self.pick.setToolTip("Click keys on the keyboard to add or remove them from the selected combo")
        self.pick.toggled.connect(self._toggle_pick)
        self.table.buttons.insertWidget(4, self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        view.keyPicked.connect(self._picked)
        self.table.currentItemChanged.connect(lambda _row: self._mark())
        selection.layerChanged.connect(lambda _layer: self._mark())

    def _layer_list(self, text: str) -> list[str] | None:
        names = _names(text)
        if not names or names == ["all"]:
            return None
        doc = self._doc_of()
        known = doc.layout.layer_names if doc else []
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"no layer {', '.join(unknown)} (layers: {', '.join(known)})")
        return names

    def set_document(self, doc: LayoutDocument) -> None:
        self.table.set_document(doc)
        doc.changed.connect(self._mark)

    def select_item(self, index: int) -> None:
        self.table.select_item(index)

    def _toggle_pick(self, on: bool) -> None:
        if on and self.table.current_index() < 0:
            self.table.add()
        self.view.set_pick_mode(on)
        self._mark()

    def _picked(self, slot: int) -> None:
        """A key clicked in pick mode: its keycode joins (or leaves) the selected combo."""
        doc = self._doc_of()
        row = self.table.current_index()
        if doc is None or row < 0 or not self.pick.isChecked():
            return
        text = doc.key_text(self.selection.layer, slot)
        combos = [c for c in doc.layout.combos]
        import copy

        combos = copy.deepcopy(combos)
        keys = combos[row].keys
        if text in keys:
            keys.remove(text)
        else:
            keys.append(text)
        doc.replace_feature("combos", combos, f"Combo {row}: pick keys")
        self._mark()

    def _mark(self) -> None:
        doc = self._doc_of()
        row = self.table.current_index()
        if (
            doc is None
            or row < 0
            or row >= len(doc.layout.combos)
            or not self.isVisible()
            and not self.pick.isChecked()
        ):
            self.view.set_marked(set())
            return
        keys = set(doc.layout.combos[row].keys)
        layer = doc.layout.layers[self.selection.layer].keys if self.selection.layer < len(doc.layout.layers) else []
        self.view.set_marked({slot for slot, text in enumerate(layer) if text in keys})


def key_overrides_editor(doc_of: Callable[[], LayoutDocument | None]) -> FeatureTable:
    check = keycode_checker(doc_of)

    def write_mods(item: KeyOverride, text: str) -> None:
        from keyconf.model.keycodes import ModsError, parse_mod_mask

        mods = [m for m in re.split(r"[\s,|]+", text) if m]
        if not mods:
            raise ValueError("choose the modifiers that trigger it, e.g. MOD_MASK_SHIFT")
        for m in mods:
            try:
                parse_mod_mask(m)  # MOD_LSFT (one hand), MOD_MASK_SHIFT / MOD_MASK_CS… (either hand)
            except ModsError as error:
                raise ValueError(f"{m}: {error}") from None
        item.mods = mods

    def write_layers(item: KeyOverride, text: str) -> None:
        names = _names(text)
        doc = doc_of()
        known = doc.layout.layer_names if doc else []
        if names and names != ["all"]:
            unknown = [n for n in names if n not in known]
            if unknown:
                raise ValueError(f"no layer {', '.join(unknown)}")
            item.layers = names
        else:
            item.layers = None

    def write_enabled(item: KeyOverride, text: str) -> None:
        word = text.strip().lower()
        if word not in ("yes", "on", "true", "off", "no", "false"):
            raise ValueError("yes (active) or off (switched off)")
        item.enabled = word in ("yes", "on", "true")

    return FeatureTable(
        "key_overrides",
        "Key overrides",
        [
            Column("Name", lambda o, i: o.name or "", lambda o, s: setattr(o, "name", _optional_name(s))),
            Column("With mods", lambda o, i: " | ".join(o.mods), write_mods, "e.g. MOD_MASK_SHIFT"),
            Column("Key", lambda o, i: o.trigger, lambda o, s: setattr(o, "trigger", check(s))),
            Column("Sends", lambda o, i: o.replacement, lambda o, s: setattr(o, "replacement", check(s))),
            Column("Layers", lambda o, i: " ".join(o.layers or []) or "all", write_layers, stretch=True),
            Column("On", lambda o, i: "yes" if o.enabled else "off", write_enabled,
                   "off: kept, but switched off (as Vial's toggle leaves it); the firmware gets it off"),
        ],
        lambda doc: KeyOverride(trigger="KC_BSPC", replacement="KC_DEL", mods=["MOD_MASK_SHIFT"]),
        "While the mods are held, the key sends the replacement instead (e.g. Shift+Backspace → Delete).",
    )


class EncodersEditor(QWidget):
    """What each encoder does on the shown layer, turned either way."""

    feature = "encoders"

    def __init__(
        self, doc_of: Callable[[], LayoutDocument | None], selection: SelectionModel, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._doc_of = doc_of
        self.selection = selection
        self._check = keycode_checker(doc_of)
        self._filling = False
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Encoder", "Counter-clockwise", "Clockwise"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._edited)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        selection.layerChanged.connect(lambda _layer: self.refresh())

    def encoder_count(self) -> int:
        doc = self._doc_of()
        if doc is None:
            return 0
        indices = [e.index for e in doc.keyboard.encoders]
        indices += [k.encoder for k in doc.macro.keys if k.encoder is not None]
        indices += [len(layer.encoders) - 1 for layer in doc.layout.layers]
        return max(indices, default=-1) + 1

    def set_document(self, doc: LayoutDocument) -> None:
        doc.changed.connect(self.refresh)
        self.refresh()

    def select_item(self, index: int) -> None:
        self.table.selectRow(index)

    def refresh(self) -> None:
        doc = self._doc_of()
        count = self.encoder_count()
        self._filling = True
        self.table.setRowCount(count)
        layer = self.selection.layer
        actions = doc.layout.layers[layer].encoders if doc and layer < len(doc.layout.layers) else []
        for i in range(count):
            name = QTableWidgetItem(f"Encoder {i}")
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 0, name)
            action = actions[i] if i < len(actions) else None
            self.table.setItem(i, 1, QTableWidgetItem(action.ccw if action else "KC_TRNS"))
            self.table.setItem(i, 2, QTableWidgetItem(action.cw if action else "KC_TRNS"))
        self._filling = False
        layer_name = doc.layout.layers[layer].name if doc and layer < len(doc.layout.layers) else ""
        self.message.setText(
            f"Layer {layer_name}: double-click a cell to change it." if count else "This keyboard has no encoders."
        )

    def _edited(self, cell: QTableWidgetItem) -> None:
        if self._filling or cell.column() == 0:
            return
        doc = self._doc_of()
        if doc is None:
            return
        row = cell.row()
        try:
            ccw = self._check(_cell_text(self.table, row, 1))
            cw = self._check(_cell_text(self.table, row, 2))
        except ValueError as error:
            self.message.setText(f"✗ {error}")
            self.refresh()
            return
        doc.set_encoder(self.selection.layer, row, ccw, cw)


class LayoutOptionsEditor(QWidget):
    """The keyboard's layout options (split backspace, ISO enter…): changing one redraws the board."""

    feature = "layout_options"

    def __init__(self, doc_of: Callable[[], LayoutDocument | None], parent: QWidget | None = None):
        super().__init__(parent)
        self._doc_of = doc_of
        self.form = QFormLayout()
        self.empty = QLabel("This keyboard has no layout options.")
        self.empty.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(self.form)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.boxes: dict[str, QComboBox] = {}

    def set_document(self, doc: LayoutDocument) -> None:
        doc.optionsChanged.connect(self.refresh)
        self.refresh()

    def select_item(self, index: int) -> None:
        pass

    def refresh(self) -> None:
        """Rows are rebuilt only when the keyboard's options differ: an option chosen in a box
        comes back here while that box is still emitting, and deleting it then crashes Qt."""
        doc = self._doc_of()
        options = doc.keyboard.layout_options if doc else []
        self.empty.setVisible(not options)
        if [option.label for option in options] != list(self.boxes):
            self._rebuild_rows(options)
        for option in options:
            box = self.boxes[option.label]
            with QSignalBlocker(box):
                box.setCurrentIndex(min(doc.layout.layout_options.get(option.label, 0), box.count() - 1) if doc else 0)

    def _rebuild_rows(self, options: list[LayoutOption]) -> None:
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.boxes = {}
        for option in options:
            box = QComboBox()
            box.addItems(list(option.choices) or ["Off", "On"])
            box.currentIndexChanged.connect(lambda index, label=option.label: self._changed(label, index))
            self.form.addRow(option.label + ":", box)
            self.boxes[option.label] = box

    def _changed(self, label: str, index: int) -> None:
        doc = self._doc_of()
        if doc is not None:
            doc.set_layout_option(label, index)


def build_feature_editors(
    doc_of: Callable[[], LayoutDocument | None], view: KeyboardView, selection: SelectionModel
) -> list[tuple[str, Any]]:
    """(tab title, editor) for the Features dock, in order."""
    return [
        ("Macros", MacrosEditor(doc_of)),
        ("Tap dances", tap_dances_editor(doc_of)),
        ("Combos", CombosEditor(doc_of, view, selection)),
        ("Key overrides", key_overrides_editor(doc_of)),
        ("Encoders", EncodersEditor(doc_of, selection)),
        ("Layout options", LayoutOptionsEditor(doc_of)),
        ("Controller", ControllerEditor(doc_of)),
    ]
