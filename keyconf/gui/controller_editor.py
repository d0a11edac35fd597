"""The Features dock's Controller tab: which controller the layout's firmware is built for.

A board made for a Pro Micro's (or an Elite-C's) socket takes other controllers of that footprint:
the user picks QMK's converter for the one they soldered in (`converter:`, an RP2040 Pro Micro is
`rp2040_ce`) or, keeping the chip, the bootloader it came with (`bootloader:`, an Elite-C is
`atmel-dfu`). `ControllerChoices` decides what is offered, from QMK's facts
(`keyconf.model.controllers`): only converters of the board's footprint, only bootloaders the chip
built for takes. It knows no Qt, so tests check it without a window; `ControllerEditor` shows it
and each choice is one undoable edit of the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from keyconf.gui.document import LayoutDocument
from keyconf.model import controllers
from keyconf.model.keyboard import Keyboard

# QMK names no one picks for a controller they hold: `unknown` builds no bootloader jump at all,
# `custom` needs the board's own C code for it. Offered only when the layout already names them.
_NOT_OFFERED = frozenset({"unknown", "custom"})


@dataclass(frozen=True)
class Choice:
    value: str | None  # None: the board's own
    label: str
    tip: str = ""


def _bootloader_title(name: str) -> str:
    """The flasher's name for a bootloader (`Caterina (Pro Micro)`), else the QMK name."""
    from keyconf.flash.bootloaders import UnknownBootloader, get

    try:
        return get(name).title
    except UnknownBootloader:
        return name


def _file_kind(name: str | None) -> str:
    """`.uf2` for an RP2040's boot ROM: the file the bootloader takes, as the user will see it."""
    from keyconf.flash.bootloaders import UnknownBootloader, get

    if not name:
        return ""
    try:
        return f".{get(name).formats[0].value}"
    except UnknownBootloader:
        return ""


def _is_alias(name: str) -> bool:
    """`lufa-dfu` builds and flashes as `atmel-dfu`: one entry for both."""
    from keyconf.flash.bootloaders import UnknownBootloader, get

    try:
        return get(name).name != name
    except UnknownBootloader:
        return False


class ControllerChoices:
    """What the Controller tab offers for `keyboard` with the layout's `converter` and `bootloader`."""

    def __init__(self, keyboard: Keyboard, converter: str | None, bootloader: str | None):
        self.keyboard, self.converter, self.bootloader = keyboard, converter, bootloader
        self.footprint = controllers.board_footprint(keyboard)
        known = controllers.converters(self.footprint) if self.footprint else {}
        self.converters = [Choice(None, f"The board's: {keyboard.processor or 'as its definition says'}",
                                  "build for the controller the board's definition names")]
        for name, found in sorted(known.items(), key=lambda item: (item[1].deprecated, item[0])):
            same = f", builds {found.same_as}" if found.same_as else ""
            note = " (QMK deprecates it)" if found.deprecated else ""
            self.converters.append(Choice(name, f"{name} — {found.processor}{note}",
                                          f"CONVERT_TO = {name}: a {found.processor} with the {found.bootloader} "
                                          f"bootloader{same}"))
        if converter and converter not in known:
            self.converters.append(Choice(converter, f"{converter} — not one QMK has for this board",
                                          "see the Problems panel"))
        processor, _ = controllers.built_controller(keyboard, converter, None)
        platform = controllers.processor_platform(processor)
        own = keyboard.bootloader
        if converter and converter in known:
            default = f"The converter's: {known[converter].bootloader}"
        else:
            default = f"The board's: {own}" if own else "The board's"
        self.bootloaders = [Choice(None, default, "build with the bootloader the board (or its converter) names")]
        for name in controllers.bootloader_names():
            platforms = controllers.bootloader_platforms(name)
            fits = platform is None or platform in platforms  # md-boot: no platform of today's QMK builds it
            if name == bootloader or (fits and name not in _NOT_OFFERED and not _is_alias(name)):
                title = _bootloader_title(name)
                self.bootloaders.append(Choice(name, f"{name} — {title}" if title != name else name,
                                               f"BOOTLOADER = {name}"))
        if bootloader and bootloader not in controllers.bootloader_names():
            self.bootloaders.append(Choice(bootloader, f"{bootloader} — not one of QMK's", "see the Problems panel"))

    @property
    def converter_index(self) -> int:
        return next(i for i, c in enumerate(self.converters) if c.value == (self.converter or None))

    @property
    def bootloader_index(self) -> int:
        return next(i for i, c in enumerate(self.bootloaders) if c.value == (self.bootloader or None))

    @property
    def converter_enabled(self) -> bool:
        """A board of no convertible footprint takes none; one the layout names can still be removed."""
        return len(self.converters) > 1

    @property
    def bootloader_enabled(self) -> bool:
        """QMK's converter sets its own bootloader over a keymap's: nothing to choose under one, but a
        `bootloader:` the layout holds beside it can be removed."""
        return not self.converter or bool(self.bootloader)

    def board_text(self) -> str:
        board = self.keyboard.display_name or self.keyboard.name
        chip = self.keyboard.processor or "an unknown controller"
        if self.footprint:
            title = controllers.footprint_title(self.footprint)
            return (f"{board} is built for a {title} ({chip}). A controller of the same footprint in its "
                    f"socket builds with QMK's converter for it.")
        return (f"{board} has {chip}. QMK converts only boards built for a Pro Micro's or an Elite-C's "
                f"socket (their keyboard.json says so with pin_compatible).")

    def built_text(self) -> str:
        processor, bootloader = controllers.built_controller(self.keyboard, self.converter, self.bootloader)
        kind = _file_kind(bootloader)
        return (f"Firmware for: {processor or 'the board’s controller'}"
                + (f", {bootloader} bootloader" if bootloader else "") + (f" ({kind} file)" if kind else ""))

    def after_converter(self, converter: str | None) -> tuple[str | None, str | None]:
        """(converter, bootloader) once `converter` is picked: a converter brings its own bootloader,
        so a `bootloader:` chosen for the board's chip goes with the change (one undo step)."""
        return converter, (None if converter else self.bootloader)


class ControllerEditor(QWidget):
    """The Controller tab: the board's footprint, the converter and bootloader, what is built."""

    feature = "controller"
    fields = ("converter", "bootloader")  # the layout fields whose problems open this tab

    def __init__(self, doc_of: Callable[[], LayoutDocument | None], parent: QWidget | None = None):
        super().__init__(parent)
        self._doc_of = doc_of
        self.choices: ControllerChoices | None = None
        self._shown: tuple[object, ...] = ()
        self.board_label = QLabel()
        self.board_label.setObjectName("controllerBoard")
        self.board_label.setWordWrap(True)
        self.converter_box = QComboBox()
        self.converter_box.setObjectName("controllerConverter")
        self.converter_box.activated.connect(self._converter_chosen)
        self.bootloader_box = QComboBox()
        self.bootloader_box.setObjectName("controllerBootloader")
        self.bootloader_box.activated.connect(self._bootloader_chosen)
        self.built_label = QLabel()
        self.built_label.setObjectName("controllerBuilt")
        self.built_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Controller:", self.converter_box)
        form.addRow("Bootloader:", self.bootloader_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.board_label)
        layout.addLayout(form)
        layout.addWidget(self.built_label)
        layout.addStretch(1)

    def set_document(self, doc: LayoutDocument) -> None:
        doc.changed.connect(self.refresh)
        self._shown = ()
        self.refresh()

    def select_item(self, index: int) -> None:
        pass

    def refresh(self) -> None:
        doc = self._doc_of()
        if doc is None:
            return
        shown = (id(doc.keyboard), doc.layout.converter, doc.layout.bootloader)
        if shown == self._shown:
            return  # a key edit: nothing here changed
        self._shown = shown
        self.choices = choices = ControllerChoices(doc.keyboard, doc.layout.converter, doc.layout.bootloader)
        self.board_label.setText(choices.board_text())
        for box, items, index, enabled in (
            (self.converter_box, choices.converters, choices.converter_index, choices.converter_enabled),
            (self.bootloader_box, choices.bootloaders, choices.bootloader_index, choices.bootloader_enabled),
        ):
            box.clear()
            for i, choice in enumerate(items):
                box.addItem(choice.label, choice.value)
                box.setItemData(i, choice.tip, Qt.ItemDataRole.ToolTipRole)
            box.setCurrentIndex(index)
            box.setEnabled(enabled)
        self.built_label.setText(choices.built_text())

    def _converter_chosen(self, index: int) -> None:
        doc = self._doc_of()
        if doc is None or self.choices is None:
            return
        doc.set_controller(*self.choices.after_converter(self.converter_box.itemData(index)))

    def _bootloader_chosen(self, index: int) -> None:
        doc = self._doc_of()
        if doc is not None:
            doc.set_controller(doc.layout.converter, self.bootloader_box.itemData(index))
