"""The keyboard drawn to scale: one painted widget over the shared keycap painter.

Clicks, rubber band, drag-to-swap, drops from the picker and arrow keys all turn into
calls on the `SelectionModel` and the `LayoutDocument`; the widget keeps only what it
needs to paint (the scene for its size and the faces of the shown layer).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from keyconf.gui.document import LayoutDocument
from keyconf.gui.drag_data import dropped_keycode, dropped_slot
from keyconf.gui.rich_text import as_rich_text
from keyconf.gui.selection import SelectionModel
from keyconf.render.keycap_faces import EncoderFace, FaceBuilder, KeycapFace
from keyconf.render.keycap_painter import KeycapPainter, PaintState
from keyconf.render.keycap_palette import KeycapPalette, palette_for
from keyconf.render.scene import KeyboardScene, build_scene, fit_unit, option_choices_for

MAX_UNIT = 78.0  # pixels per key unit: beyond this a small board just looks blown up
MARGIN = 18.0

_ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


class KeyboardView(QWidget):
    searchRequested = Signal(str)  # typing on the board starts a picker search
    keyHovered = Signal(int)  # slot, -1 when leaving keys (status bar hints)
    keyActivated = Signal(int)  # double click: edit this key's expression
    keyPicked = Signal(int)  # a click while in pick mode (combo editor)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc: LayoutDocument | None = None
        self.selection: SelectionModel | None = None
        self._painter = KeycapPainter(palette_for(self._is_dark()), self.font())
        self._faces_builder: FaceBuilder | None = None
        self._faces: dict[int, list[KeycapFace]] = {}
        self._frames: dict[int, tuple[tuple[Any, ...], QPixmap]] = {}  # layer -> (what was drawn, image)
        self._encoder_faces: dict[int, list[EncoderFace]] = {}
        self._scene: KeyboardScene | None = None
        self._scene_size: QSize | None = None
        self._hover: int | None = None
        self._press_pos: QPointF | None = None
        self._press_slot: int | None = None
        self._dragging = False
        self._drop_target: int | None = None
        self._band: QRectF | None = None
        self._pick_mode = False
        self.marked: set[int] = set()
        # Keys that differ from a compared layout: layer -> slots, and (layer, slot) -> what was there.
        self.changed: dict[int, set[int]] = {}
        self.change_notes: dict[tuple[int, int], str] = {}
        self._connections: list[tuple[Any, Any]] = []
        # Once the board has been still for a moment, the other layers are drawn ahead, one per
        # pass of the event loop, so that the first switch to each is one image copy too.
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(PREPARE_AFTER_MS)
        self._prepare_timer.timeout.connect(self._prepare_next_layer)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 160)
        self.setAccessibleName("Keyboard")

    # ---- wiring ---------------------------------------------------------------------------

    def set_document(self, doc: LayoutDocument, selection: SelectionModel) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self.doc = doc
        self.selection = selection
        self._connections = [
            (doc.keysChanged, self._on_keys_changed),
            (doc.layersChanged, self._on_context_changed),
            (doc.featuresChanged, self._on_context_changed),
            (doc.optionsChanged, self._on_options_changed),
            (selection.layerChanged, self._on_layer_changed),
            (selection.selectionChanged, self.update),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._faces_builder = None
        self._faces.clear()
        self._encoder_faces.clear()
        self._scene = None
        self.update()

    def set_pick_mode(self, on: bool) -> None:
        """While on, clicks emit `keyPicked` instead of selecting (combo key picking)."""
        self._pick_mode = on
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def set_marked(self, slots: set[int]) -> None:
        self.marked = set(slots)
        self.update()

    def set_changed(self, changed: dict[int, set[int]], notes: dict[tuple[int, int], str] | None = None) -> None:
        """Outline the keys that differ from a compared layout ({} clears)."""
        self.changed = {layer: set(slots) for layer, slots in changed.items() if slots}
        self.change_notes = dict(notes or {})
        self.update()

    # ---- what is shown --------------------------------------------------------------------

    def scene(self) -> KeyboardScene | None:
        """The scene for the current widget size (built on demand)."""
        if self.doc is None:
            return None
        if self._scene is None or self._scene_size != self.size():
            doc = self.doc
            choices = option_choices_for(doc.keyboard, doc.layout.layout_options)
            macro = doc.macro
            unit = fit_unit(
                macro,
                self.width(),
                self.height(),
                margin=MARGIN,
                option_choices=choices,
                encoders=doc.keyboard.encoders,
            )
            unit = min(unit, MAX_UNIT)
            self._scene = build_scene(
                macro, unit, margin=MARGIN, option_choices=choices, encoders=doc.keyboard.encoders
            )
            self._scene_size = QSize(self.size())
        return self._scene

    def faces(self, layer: int) -> list[KeycapFace]:
        cached = self._faces.get(layer)
        if cached is None and self.doc is not None and 0 <= layer < len(self.doc.layout.layers):
            cached = self._faces[layer] = self._builder().layer_faces(self.doc.layout, layer)
        return cached or []

    def encoder_faces(self, layer: int) -> list[EncoderFace]:
        cached = self._encoder_faces.get(layer)
        if cached is None and self.doc is not None and 0 <= layer < len(self.doc.layout.layers):
            cached = self._encoder_faces[layer] = self._builder().encoder_faces(self.doc.layout, layer)
        return cached if cached is not None else _NO_ENCODER_FACES

    def offset(self) -> QPointF:
        """Where the scene's origin sits in the widget (the board is centred)."""
        scene = self.scene()
        if scene is None:
            return QPointF(0, 0)
        return QPointF(
            max(0.0, (self.width() - scene.width) / 2), max(0.0, (self.height() - scene.height) / 2)
        )

    def slot_at(self, pos: QPointF | QPoint) -> int | None:
        scene = self.scene()
        if scene is None:
            return None
        p = QPointF(pos) - self.offset()
        shape = scene.hit(p.x(), p.y())
        return shape.slot if shape is not None else None

    def slot_center(self, slot: int) -> QPoint:
        """Widget coordinates of a key's centre (tests click there)."""
        scene = self.scene()
        assert scene is not None
        shape = scene.shape_for_slot(slot)
        if shape is None:
            raise KeyError(slot)
        o = self.offset()
        return QPoint(round(shape.center[0] + o.x()), round(shape.center[1] + o.y()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(900, 360)

    # ---- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        # A pen-less rectangle, not fillRect(): choosing among fillRect's overloads makes PySide6
        # build QGradient's type and its 169 presets (~3 ms of the first paint).
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRect(self.rect())
        scene = self.scene()
        if scene is None or self.selection is None:
            painter.end()
            return
        layer = self.selection.layer
        o = self.offset()
        painter.drawPixmap(o, self._frame(scene, layer, self._hover, self._drop_target))
        self._prepare_timer.start(PREPARE_AFTER_MS)

        if self._band is not None:
            accent = QColor(self._painter.palette.selection)
            painter.setPen(QPen(accent, 1.0, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(accent.red(), accent.green(), accent.blue(), 40))
            painter.drawRect(self._band.normalized())
        painter.end()

    def _frame(self, scene: KeyboardScene, layer: int, hovered: int | None, drop_target: int | None) -> QPixmap:
        """The board as drawn for this layer and state, kept per layer: switching back to a layer
        whose keys, selection and marks are unchanged is one image copy, not 100 keycaps."""
        assert self.selection is not None
        faces, encoder_faces = self.faces(layer), self.encoder_faces(layer)
        state = PaintState(
            selected=self.selection.slots,
            hovered=hovered,
            drop_target=drop_target,
            marked=self.marked,
            changed=self.changed.get(layer, ()),
        )
        ratio = self.devicePixelRatioF()
        key = (
            scene,
            faces,
            encoder_faces,
            self._painter.palette,
            ratio,
            tuple(state.selected),
            state.hovered,
            state.drop_target,
            frozenset(state.marked),
            frozenset(state.changed),
        )
        cached = self._frames.get(layer)
        if cached is not None and _same_key(cached[0], key):
            return cached[1]
        pixmap = QPixmap(max(1, round(scene.width * ratio)), max(1, round(scene.height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        frame_painter = QPainter(pixmap)
        try:
            self._painter.paint(frame_painter, scene, faces, encoder_faces=encoder_faces, state=state)
        finally:
            frame_painter.end()
        self._frames.pop(layer, None)
        self._frames[layer] = (key, pixmap)
        while len(self._frames) > MAX_FRAMES:
            self._frames.pop(next(iter(self._frames)))
        return pixmap

    def _prepare_next_layer(self) -> None:
        """Draw one layer the board does not show, as a switch to it would (no hover, no drop
        target); then the next, on the next pass of the event loop."""
        scene = self.scene()
        if scene is None or self.selection is None or self.doc is None or not self.isVisible():
            return
        current = self.selection.layer
        count = len(self.doc.layout.layers)
        # The nearest layers first, and never more than the frames kept (the shown one stays).
        others = sorted((i for i in range(count) if i != current), key=lambda i: (abs(i - current), i))
        for layer in others[: MAX_FRAMES - 1]:
            cached = self._frames.get(layer)
            before = cached[1] if cached is not None else None
            if self._frame(scene, layer, None, None) is not before:
                self._prepare_timer.start(0)
                return

    # ---- mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self.selection is None:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        slot = self.slot_at(pos)
        mods = event.modifiers()
        self._press_pos = pos
        self._press_slot = slot
        self._dragging = False
        if self._pick_mode:
            if slot is not None:
                self.keyPicked.emit(slot)
            self._press_pos = None
            return
        if slot is None:
            self._band = QRectF(pos, pos)
            if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
                self.selection.clear()
            self.update()
            return
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.selection.toggle(slot)
            self._press_slot = None  # no drag from a toggle
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            self.selection.extend([slot])
            self._press_slot = None
        elif not self.selection.is_selected(slot) or len(self.selection.slots) == 1:
            self.selection.select(slot)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._band is not None:
            self._band.setBottomRight(pos)
            self.update()
            return
        if self._press_pos is not None and self._press_slot is not None and event.buttons():
            if not self._dragging:
                distance = (pos - self._press_pos).manhattanLength()
                if distance >= QApplication.startDragDistance():
                    self._dragging = True
                    self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                target = self.slot_at(pos)
                target = None if target == self._press_slot else target
                if target != self._drop_target:
                    self._drop_target = target
                    self.update()
            return
        hover = self.slot_at(pos)
        if hover != self._hover:
            self._hover = hover
            self.keyHovered.emit(-1 if hover is None else hover)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self.selection is None:
            return super().mouseReleaseEvent(event)
        if self._band is not None:
            scene = self.scene()
            if scene is not None:
                band = self._band.normalized().translated(-self.offset())
                slots = [
                    s.slot
                    for s in scene.shapes_in_rect((band.x(), band.y(), band.width(), band.height()))
                    if s.slot is not None
                ]
                if event.modifiers() & (
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
                ):
                    self.selection.extend(slots)
                else:
                    self.selection.select_many(slots)
            self._band = None
            self.update()
        elif self._dragging and self._press_slot is not None:
            target = self._drop_target
            if target is not None and self.doc is not None:
                self.doc.swap(self.selection.layer, self._press_slot, target)
                self.selection.select(target)
            self.unsetCursor()
        elif self._press_slot is not None and len(self.selection.slots) > 1:
            # A plain click inside a multi-selection (no drag) selects just that key.
            self.selection.select(self._press_slot)
        self._press_pos = None
        self._press_slot = None
        self._dragging = False
        self._drop_target = None
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        slot = self.slot_at(event.position())
        if slot is not None and not self._pick_mode:
            self.keyActivated.emit(slot)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.keyHovered.emit(-1)
            self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            slot = self.slot_at(event.pos())
            if slot is None or self.selection is None:
                QToolTip.hideText()
                event.ignore()
                return True
            QToolTip.showText(event.globalPos(), self.tooltip_for(slot), self)
            return True
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._painter.set_palette(palette_for(self._is_dark()))
            self.update()
        return super().event(event)

    def tooltip_for(self, slot: int) -> str:
        assert self.selection is not None
        faces = self.faces(self.selection.layer)
        if slot >= len(faces):
            return ""
        face = faces[slot]
        lines = [f"<b>{as_rich_text(face.text)}</b>"]
        if face.description:
            lines.append(as_rich_text(face.description))
        note = self.change_notes.get((self.selection.layer, slot))
        if note:
            lines.append(f"<i>{as_rich_text(note)}</i>")
        return "<br>".join(lines)

    # ---- keyboard -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        scene = self.scene()
        if self.selection is not None and scene is not None and event.key() in _ARROWS:
            dx, dy = _ARROWS[Qt.Key(event.key())]
            extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.selection.move(scene, dx, dy, extend=extend)
            return
        if event.key() == Qt.Key.Key_Escape and self.selection is not None:
            self.selection.clear()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.selection
            and self.selection.current is not None
        ):
            self.keyActivated.emit(self.selection.current)
            return
        text = event.text()
        if (
            text
            and text.isprintable()
            and not text.isspace()
            and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            )
        ):
            self.searchRequested.emit(text)
            return
        super().keyPressEvent(event)

    # ---- drops from the picker ------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        data = event.mimeData()
        if dropped_keycode(data) is not None or dropped_slot(data) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        data = event.mimeData()
        if dropped_keycode(data) is None and dropped_slot(data) is None:
            event.ignore()
            return
        target = self.slot_at(event.position())
        if target != self._drop_target:
            self._drop_target = target
            self.update()
        if target is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._drop_target = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._drop_target = None
        self.update()
        if self.doc is None or self.selection is None:
            return
        target = self.slot_at(event.position())
        if target is None:
            event.ignore()
            return
        layer = self.selection.layer
        text = dropped_keycode(event.mimeData())
        if text is not None:
            self.doc.assign(layer, [target], text)
            self.selection.select(target)
            event.acceptProposedAction()
            return
        source = dropped_slot(event.mimeData())
        if source is not None and source[0] == layer:
            self.doc.swap(layer, source[1], target)
            self.selection.select(target)
            event.acceptProposedAction()

    # ---- reacting to the document ---------------------------------------------------------

    def _builder(self) -> FaceBuilder:
        if self._faces_builder is None:
            assert self.doc is not None
            self._faces_builder = FaceBuilder(self.doc.layout)
        return self._faces_builder

    def _on_keys_changed(self, layer: int) -> None:
        # Transparent keys above `layer` show what falls through, so they change too.
        for index in list(self._faces):
            if index >= layer:
                del self._faces[index]
        self._encoder_faces.pop(layer, None)
        self.update()

    def _on_context_changed(self) -> None:
        self._faces_builder = None
        self._faces.clear()
        self._encoder_faces.clear()
        self.update()

    def _on_options_changed(self) -> None:
        self._scene = None
        self.update()

    def _on_layer_changed(self, layer: int) -> None:
        self._hover = None
        self.update()

    def _is_dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def is_dark(self) -> bool:
        """Whether the window is drawn dark (pictures follow it)."""
        return self._is_dark()

    def palette_colours(self) -> KeycapPalette:
        """The keycap colours in use (other widgets match them)."""
        return self._painter.palette



_NO_ENCODER_FACES: list[EncoderFace] = []
MAX_FRAMES = 8  # layers whose drawn board is kept (about 3 MB each at 1400x520)
PREPARE_AFTER_MS = 200  # stillness after a paint before the other layers are drawn ahead


def _same_key(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Objects (scene, faces, palette) compare by identity — a rebuilt list is a new drawing —
    the rest by value."""
    return all(x is y for x, y in zip(a[:4], b[:4], strict=True)) and a[4:] == b[4:]
