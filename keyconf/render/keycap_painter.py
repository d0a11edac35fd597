"""The one keycap painter: draws a `KeyboardScene` with its `KeycapFace`s on any QPainter.

The keyboard view paints the window with it and picture export paints SVG/PNG/PDF with
it, so both look the same. It paints in device-independent pixels (scene units) with
vector text, never through a scaled pixmap: legends stay crisp on HiDPI screens and in
PDFs. No widgets here, only QtGui.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QTransform

from keyconf.render.keycap_faces import EncoderFace, KeycapFace
from keyconf.render.keycap_palette import KeycapPalette
from keyconf.render.scene import KeyboardScene, KeyShape, Rect


@dataclass(frozen=True)
class PaintState:
    """Per-paint highlights, all by layer slot."""

    selected: Collection[int] = ()
    hovered: int | None = None
    drop_target: int | None = None
    marked: Collection[int] = ()  # e.g. the keys of a combo being edited, or a problem's key
    changed: Collection[int] = ()  # keys that differ from a layout being compared with


MAX_CAP_PATHS = 4096  # outlines kept (a board at a few sizes); beyond, the cache starts afresh


class KeycapPainter:
    """Draws keycaps; keeps font metrics and text fitting cached between paints."""

    def __init__(self, palette: KeycapPalette, font: QFont | None = None) -> None:
        self.palette = palette
        self._base_font = QFont(font) if font is not None else QFont()
        self._base_font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        self._fonts: dict[tuple[float, bool], tuple[QFont, QFontMetricsF]] = {}
        self._fit_cache: dict[tuple[str, float, float, float], tuple[float, tuple[str, ...]]] = {}
        self._colours: dict[str, QColor] = {}
        # A key's outline and face depend only on its rectangles and the unit: built once, they
        # serve every layer (a layer switch paints the same shapes with other legends).
        self._cap_paths: dict[tuple[Rect, Rect | None, float], tuple[QPainterPath, QPainterPath]] = {}

    def set_palette(self, palette: KeycapPalette) -> None:
        self.palette = palette
        self._colours.clear()

    # ---- public entry points -------------------------------------------------------------

    def paint(
        self,
        painter: QPainter,
        scene: KeyboardScene,
        faces: Sequence[KeycapFace],
        *,
        encoder_faces: Sequence[EncoderFace] = (),
        state: PaintState | None = None,
        plate: bool = True,
        background: bool = False,
    ) -> None:
        """Paint every shape of `scene`; `faces[slot]` is the face of layer slot `slot`."""
        state = state or PaintState()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if background:
            painter.fillRect(QRectF(0, 0, scene.width, scene.height), self._colour(self.palette.background))
        if plate and scene.shapes:
            self._paint_plate(painter, scene)
        selected = set(state.selected)
        marked = set(state.marked)
        changed = set(state.changed)
        for shape in scene.shapes:
            face = faces[shape.slot] if shape.slot is not None and shape.slot < len(faces) else None
            enc_face = None
            if shape.encoder is not None and shape.encoder < len(encoder_faces):
                enc_face = encoder_faces[shape.encoder]
            self.paint_key(
                painter,
                shape,
                face,
                enc_face,
                unit=scene.unit,
                selected=shape.slot is not None and shape.slot in selected,
                hovered=shape.slot is not None and shape.slot == state.hovered,
                drop_target=shape.slot is not None and shape.slot == state.drop_target,
                marked=shape.slot is not None and shape.slot in marked,
                changed=shape.slot is not None and shape.slot in changed,
            )
        painter.restore()

    def render_image(
        self,
        scene: KeyboardScene,
        faces: Sequence[KeycapFace],
        *,
        encoder_faces: Sequence[EncoderFace] = (),
        device_pixel_ratio: float = 1.0,
        state: PaintState | None = None,
    ) -> QImage:
        """The scene as an image with the palette's background (previews, PNG export)."""
        size = QSize(
            max(1, round(scene.width * device_pixel_ratio)), max(1, round(scene.height * device_pixel_ratio))
        )
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(device_pixel_ratio)
        image.fill(self._colour(self.palette.background))
        painter = QPainter(image)
        try:
            self.paint(painter, scene, faces, encoder_faces=encoder_faces, state=state)
        finally:
            painter.end()
        return image

    # ---- one key ---------------------------------------------------------------------------

    def paint_key(
        self,
        painter: QPainter,
        shape: KeyShape,
        face: KeycapFace | None,
        encoder_face: EncoderFace | None = None,
        *,
        unit: float,
        selected: bool = False,
        hovered: bool = False,
        drop_target: bool = False,
        marked: bool = False,
        changed: bool = False,
    ) -> None:
        painter.save()
        if shape.angle:
            px, py = shape.pivot
            painter.setTransform(
                QTransform().translate(px, py).rotate(shape.angle).translate(-px, -py), combine=True
            )
        if shape.encoder is not None:
            self._paint_encoder(painter, shape, face, encoder_face, unit, selected, hovered, drop_target)
        else:
            self._paint_cap(painter, shape, face, unit, selected, hovered, drop_target, marked, changed)
        painter.restore()

    def _paint_cap(
        self,
        painter: QPainter,
        shape: KeyShape,
        face: KeycapFace | None,
        unit: float,
        selected: bool,
        hovered: bool,
        drop_target: bool,
        marked: bool,
        changed: bool = False,
    ) -> None:
        pal = self.palette
        face = face or KeycapFace(kind="empty")
        side_inset = unit * 0.075
        top_inset = unit * 0.045
        bottom_inset = unit * 0.13
        outer, top = self._cap_outline(shape, unit)

        colours = pal.cap(face.group, face.tap)
        side = self._colour(colours.side)
        top_colour = self._colour(colours.top)
        if face.kind in ("transparent", "empty"):
            side = _mix(side, self._colour(pal.plate), 0.55)
            top_colour = _mix(top_colour, self._colour(pal.plate), 0.55)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(side)
        painter.drawPath(outer)
        painter.setBrush(top_colour)
        painter.drawPath(top)
        if hovered and not selected:
            overlay = self._colour(pal.selection)
            overlay = QColor(overlay.red(), overlay.green(), overlay.blue(), 28)
            painter.setBrush(overlay)
            painter.drawPath(outer)

        legend_rect = _inset(
            shape.rect,
            side_inset + unit * 0.05,
            top_inset + unit * 0.03,
            side_inset + unit * 0.05,
            bottom_inset + unit * 0.02,
        )
        if face.kind == "transparent":
            self._paint_transparent_mark(painter, legend_rect, unit)
        self._paint_legends(painter, face, legend_rect, unit)

        if face.kind == "invalid":
            self._outline(painter, outer, pal.invalid, unit * 0.035, dashed=False)
        if changed:
            self._outline(painter, outer, pal.changed, max(2.0, unit * 0.06), dashed=False)
            self._paint_changed_mark(painter, shape.rect, unit)
        if marked:
            self._outline(painter, outer, pal.marked, unit * 0.04, dashed=True)
        if selected or drop_target:
            accent = self._colour(pal.selection)
            fill = QColor(accent.red(), accent.green(), accent.blue(), 46 if selected else 70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawPath(outer)
            self._outline(
                painter, outer, pal.selection, max(2.0, unit * 0.05), dashed=drop_target and not selected
            )

    def _paint_legends(self, painter: QPainter, face: KeycapFace, rect: Rect, unit: float) -> None:
        pal = self.palette
        x, y, w, h = rect
        dim = face.kind == "transparent"
        tap_colour = pal.invalid if face.kind == "invalid" else (pal.dim_legend if dim else pal.legend)
        hold_colour = pal.dim_legend if dim else pal.hold_legend
        tap_area_h = h
        if face.hold:
            hold_px = max(6.0, unit * 0.165)
            hold_size, hold_lines = self._fit(face.hold, w, hold_px * 1.3, hold_px, bold=False)
            font, metrics = self._font(hold_size, bold=False)
            line_h = metrics.height()
            hy = y + h - line_h
            painter.setFont(font)
            painter.setPen(self._colour(hold_colour))
            painter.drawText(
                QRectF(x, hy, w, line_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                hold_lines[0],
            )
            tap_area_h = h - line_h - unit * 0.02
        if face.tap:
            short = is_glyph(face.tap)
            preferred = max(unit * (0.3 if short else 0.21), min(10.0, unit * 0.25))
            size, lines = self._fit(face.tap, w, tap_area_h, preferred, bold=short)
            font, metrics = self._font(size, bold=short)
            painter.setFont(font)
            painter.setPen(self._colour(tap_colour))
            line_h = metrics.height()
            block_h = line_h * len(lines)
            top_y = y + max(0.0, (tap_area_h - block_h) / 2)
            for i, line in enumerate(lines):
                painter.drawText(QRectF(x, top_y + i * line_h, w, line_h), Qt.AlignmentFlag.AlignCenter, line)

    def _paint_changed_mark(self, painter: QPainter, rect: Rect, unit: float) -> None:
        """A dot in the top-left corner: changed keys read as changed without colour too."""
        x, y, _w, _h = rect
        r = unit * 0.06
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour(self.palette.changed))
        painter.drawEllipse(QPointF(x + unit * 0.17, y + unit * 0.15), r, r)

    def _paint_transparent_mark(self, painter: QPainter, rect: Rect, unit: float) -> None:
        x, y, w, h = rect
        s = unit * 0.09
        path = QPainterPath()
        cx, cy = x + w - s * 0.7, y + s * 0.6
        path.moveTo(cx - s / 2, cy - s * 0.35)
        path.lineTo(cx + s / 2, cy - s * 0.35)
        path.lineTo(cx, cy + s * 0.45)
        path.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour(self.palette.dim_legend))
        painter.drawPath(path)

    def _paint_encoder(
        self,
        painter: QPainter,
        shape: KeyShape,
        face: KeycapFace | None,
        encoder_face: EncoderFace | None,
        unit: float,
        selected: bool,
        hovered: bool,
        drop_target: bool,
    ) -> None:
        pal = self.palette
        x, y, w, h = shape.rect
        d = min(w, h) - unit * 0.1
        cx, cy = x + w / 2, y + h / 2
        knob = QPainterPath()
        knob.addEllipse(QPointF(cx, cy), d / 2, d / 2)
        colours = pal.cap("modifier")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour(colours.side))
        painter.drawPath(knob)
        inner = QPainterPath()
        inner.addEllipse(QPointF(cx, cy), d * 0.4, d * 0.4)
        painter.setBrush(self._colour(colours.top))
        painter.drawPath(inner)
        small = max(6.0, unit * 0.15)
        if encoder_face is not None:
            for text, dy in ((_arrow("↺", encoder_face.ccw), -1), (_arrow("↻", encoder_face.cw), 1)):
                size, lines = self._fit(text, d * 0.8, small * 1.3, small, bold=False)
                font, metrics = self._font(size, bold=False)
                painter.setFont(font)
                painter.setPen(self._colour(pal.legend))
                line_h = metrics.height()
                ty = cy - d * 0.2 - line_h / 2 if dy < 0 else cy + d * 0.2 - line_h / 2
                painter.drawText(
                    QRectF(cx - d * 0.4, ty, d * 0.8, line_h), Qt.AlignmentFlag.AlignCenter, lines[0]
                )
        elif face is not None and face.tap:
            size, lines = self._fit(face.tap, d * 0.75, d * 0.6, unit * 0.2, bold=False)
            font, _ = self._font(size, bold=False)
            painter.setFont(font)
            painter.setPen(self._colour(pal.legend))
            painter.drawText(
                QRectF(cx - d * 0.4, cy - d * 0.4, d * 0.8, d * 0.8),
                Qt.AlignmentFlag.AlignCenter,
                "\n".join(lines),
            )
        if selected or drop_target or hovered:
            accent = self._colour(pal.selection)
            if selected or drop_target:
                painter.setBrush(QColor(accent.red(), accent.green(), accent.blue(), 46))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawPath(knob)
                self._outline(
                    painter, knob, pal.selection, max(2.0, unit * 0.05), dashed=drop_target and not selected
                )
            else:
                painter.setBrush(QColor(accent.red(), accent.green(), accent.blue(), 28))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawPath(knob)

    def _paint_plate(self, painter: QPainter, scene: KeyboardScene) -> None:
        pad = scene.unit * 0.18
        m = max(0.0, scene.margin - pad)
        rect = QRectF(m, m, scene.width - 2 * m, scene.height - 2 * m)
        painter.setPen(QPen(self._colour(self.palette.plate_edge), 1.0))
        painter.setBrush(self._colour(self.palette.plate))
        radius = scene.unit * 0.22
        painter.drawRoundedRect(rect, radius, radius)

    # ---- helpers ---------------------------------------------------------------------------

    def _outline(
        self, painter: QPainter, path: QPainterPath, colour: str, width: float, dashed: bool
    ) -> None:
        pen = QPen(self._colour(colour), width)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _cap_outline(self, shape: KeyShape, unit: float) -> tuple[QPainterPath, QPainterPath]:
        """The cap's outer outline (the skirt) and its top face."""
        key = (shape.rect, shape.secondary, unit)
        cached = self._cap_paths.get(key)
        if cached is None:
            gap = unit * 0.045
            radius = unit * 0.09
            side_inset, top_inset, bottom_inset = unit * 0.075, unit * 0.045, unit * 0.13
            rects = [shape.rect] + ([shape.secondary] if shape.secondary else [])
            outer = _rounded_union([_inset(r, gap, gap, gap, gap) for r in rects], radius)
            top_rects = [_inset(r, side_inset, top_inset, side_inset, bottom_inset) for r in rects]
            if len(self._cap_paths) >= MAX_CAP_PATHS:
                self._cap_paths.clear()
            cached = self._cap_paths[key] = (outer, _rounded_union(top_rects, radius * 0.8))
        return cached

    def _colour(self, value: str) -> QColor:
        colour = self._colours.get(value)
        if colour is None:
            colour = self._colours[value] = QColor(value)
        return colour

    def _font(self, pixel_size: float, bold: bool) -> tuple[QFont, QFontMetricsF]:
        key = (round(pixel_size * 4) / 4, bold)
        cached = self._fonts.get(key)
        if cached is None:
            font = QFont(self._base_font)
            font.setPixelSize(max(1, round(key[0])))
            if bold:
                font.setWeight(QFont.Weight.DemiBold)
            cached = self._fonts[key] = (font, QFontMetricsF(font))
        return cached

    def _fit(
        self, text: str, width: float, height: float, preferred: float, bold: bool
    ) -> tuple[float, tuple[str, ...]]:
        """Choose a pixel size and line breaks so `text` fits the box: shrink, then wrap
        at spaces, then elide. Cached by text and box."""
        key = (text, round(width, 1), round(height, 1), round(preferred, 2) + (1000 if bold else 0))
        cached = self._fit_cache.get(key)
        if cached is not None:
            return cached
        minimum = max(5.0, preferred * 0.6)
        size = preferred
        lines: tuple[str, ...] = tuple(text.split("\n"))
        result: tuple[float, tuple[str, ...]] | None = None
        while size >= minimum:
            _, metrics = self._font(size, bold)
            if (
                all(metrics.horizontalAdvance(line) <= width for line in lines)
                and metrics.height() * len(lines) <= height
            ):
                result = (size, lines)
                break
            if len(lines) == 1 and " " in text:
                wrapped = _wrap_two(text, metrics, width)
                if wrapped and metrics.height() * 2 <= height:
                    result = (size, wrapped)
                    break
            size -= max(0.5, preferred * 0.06)
        if result is None:
            _, metrics = self._font(minimum, bold)
            elided = tuple(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines[:2])
            result = (minimum, elided)
        if len(self._fit_cache) > 4000:
            self._fit_cache.clear()
        self._fit_cache[key] = result
        return result


def _wrap_two(text: str, metrics: QFontMetricsF, width: float) -> tuple[str, str] | None:
    words = text.split(" ")
    best: tuple[float, tuple[str, str]] | None = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        widest = max(metrics.horizontalAdvance(a), metrics.horizontalAdvance(b))
        if widest <= width and (best is None or widest < best[0]):
            best = (widest, (a, b))
    return best[1] if best else None


def _arrow(prefix: str, face: KeycapFace) -> str:
    if face.kind in ("transparent", "empty"):
        return f"{prefix} –" if face.kind == "empty" else f"{prefix} ▽"
    return f"{prefix} {face.tap}"


def _inset(rect: Rect, left: float, top: float, right: float, bottom: float) -> Rect:
    x, y, w, h = rect
    return (x + left, y + top, max(0.0, w - left - right), max(0.0, h - top - bottom))


def _rounded_union(rects: Sequence[Rect], radius: float) -> QPainterPath:
    path = QPainterPath()
    first = True
    for x, y, w, h in rects:
        piece = QPainterPath()
        piece.addRoundedRect(QRectF(x, y, w, h), radius, radius)
        if first:
            path = piece
            first = False
        else:
            path = path.united(piece)
    return path


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


def faces_by_slot(faces: Mapping[int, KeycapFace], count: int) -> list[KeycapFace]:
    """A dense face list from a sparse mapping (missing slots are blank)."""
    return [faces.get(i, KeycapFace(kind="empty")) for i in range(count)]


def is_glyph(legend: str) -> bool:
    """The one size rule for legends: a single character (a letter, digit, symbol, arrow) is
    set large and bold; every word or name (F1…F12 alike, Esc, Vol+) at one smaller size."""
    return len(legend) == 1
