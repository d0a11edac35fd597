"""Pictures of a layout: every layer drawn as its keyboard, for SVG, PNG and a one-page PDF.

Each layer becomes a block: its number and name as a title, the keyboard drawn with the
same keycap painter as the window (tap legend, hold legend, colour by keycode group), keys
that start a combo outlined, and the combos listed under the board. SVG and PNG stack the
blocks; the PDF arranges them in columns on one A4 page (landscape or portrait, whichever
the sheet fills more of), a cheat sheet to print.
Works headless: a QGuiApplication is made on the offscreen platform when none exists."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtSvg import QSvgGenerator

from keyconf.formats.atomic import write_atomic
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import ParseContext
from keyconf.model.layout import Combo, Layout
from keyconf.model.layout_diff import layout_context, legend_text, same_keycode
from keyconf.render.keycap_faces import FaceBuilder
from keyconf.render.keycap_painter import KeycapPainter, PaintState
from keyconf.render.keycap_palette import KeycapPalette, palette_for
from keyconf.render.scene import KeyboardScene, keyboard_scene, option_choices_for

UNIT = 54.0  # pixels per key unit in SVG and PNG (and before the PDF is scaled to its page)
PICTURE_SUFFIXES = (".svg", ".png", ".pdf")
PDF_RESOLUTION = 300  # dots per inch of the PDF's coordinate system
MAX_COLUMNS = 3


class PictureError(ValueError):
    """A picture that cannot be made (unknown layer, no geometry, unwritable file)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class LayerBlock:
    """One layer's part of the picture, in its own coordinates (0, 0 at its top-left)."""

    index: int
    name: str
    scene: KeyboardScene
    combo_slots: set[int] = field(default_factory=set)
    combo_lines: list[str] = field(default_factory=list)
    title_height: float = 0.0
    line_height: float = 0.0

    @property
    def width(self) -> float:
        return self.scene.width

    @property
    def height(self) -> float:
        return self.title_height + self.scene.height + self.line_height * len(self.combo_lines)


@dataclass
class Sheet:
    """Everything a picture shows, laid out in columns."""

    title: str
    blocks: list[LayerBlock]
    columns: int = 1
    margin: float = UNIT * 0.5
    gap: float = UNIT * 0.6
    heading_height: float = UNIT * 0.8

    def column_of(self, position: int) -> int:
        return position % self.columns

    def _rows(self) -> list[list[LayerBlock]]:
        return [self.blocks[i : i + self.columns] for i in range(0, len(self.blocks), self.columns)]

    @property
    def column_width(self) -> float:
        return max((b.width for b in self.blocks), default=UNIT)

    @property
    def width(self) -> float:
        columns = min(self.columns, max(1, len(self.blocks)))
        return 2 * self.margin + columns * self.column_width + (columns - 1) * self.gap

    @property
    def height(self) -> float:
        rows = self._rows()
        body = sum(max(b.height for b in row) for row in rows) + self.gap * max(0, len(rows) - 1)
        return 2 * self.margin + self.heading_height + body

    def placements(self) -> list[tuple[LayerBlock, float, float]]:
        """Each block with the top-left corner it is drawn at."""
        placed = []
        y = self.margin + self.heading_height
        for row in self._rows():
            for column, block in enumerate(row):
                x = self.margin + column * (self.column_width + self.gap)
                placed.append((block, x, y))
            y += max(b.height for b in row) + self.gap
        return placed


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new one (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.name == "nt"
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(["keyconf"])
    assert isinstance(app, QGuiApplication)
    return app


def build_sheet(
    layout: Layout,
    keyboard: Keyboard,
    layers: Sequence[str] | None = None,
    unit: float = UNIT,
    title: str | None = None,
) -> Sheet:
    """The layers of `layout` (all, or those named) laid out as blocks."""
    wanted = list(layers) if layers else layout.layer_names
    missing = [name for name in wanted if layout.layer_index(name) is None]
    if missing:
        raise PictureError(f"no layer named {', '.join(missing)}", hint=f"layers: {', '.join(layout.layer_names)}")
    try:
        macro = keyboard.layout(layout.layout_macro)
    except KeyError:
        raise PictureError(f"keyboard {keyboard.name} has no layout {layout.layout_macro}") from None
    choices = option_choices_for(keyboard, layout.layout_options)
    scene = keyboard_scene(keyboard, macro.name, unit, margin=unit * 0.1, option_choices=choices)
    ctx = layout_context(layout)
    blocks = []
    for name in wanted:
        index = layout.layer_index(name)
        assert index is not None
        block = LayerBlock(index, name, scene, title_height=unit * 0.75, line_height=unit * 0.4)
        for combo in layout.combos:
            if combo.layers is not None and name not in combo.layers:
                continue
            slots = _combo_slots(combo, layout.layers[index].keys, ctx)
            block.combo_slots.update(slots)
            keys = " + ".join(legend_text(k, ctx) for k in combo.keys)
            label = f"{combo.name}: " if combo.name else ""
            block.combo_lines.append(f"combo {label}{keys} → {legend_text(combo.action, ctx)}")
        blocks.append(block)
    heading = title or " — ".join(part for part in (layout.name, f"{layout.keyboard} ({macro.name})") if part)
    return Sheet(heading, blocks)


def _combo_slots(combo: Combo, keys: Sequence[str], ctx: ParseContext) -> set[int]:
    slots = set()
    for wanted in combo.keys:
        for slot, text in enumerate(keys):
            if same_keycode(text, ctx, wanted, ctx):
                slots.add(slot)
                break
    return slots


class SheetPainter:
    """Paints a Sheet on any QPainter, in sheet coordinates."""

    def __init__(self, layout: Layout, palette: KeycapPalette) -> None:
        self.layout = layout
        self.palette = palette
        self.keycaps = KeycapPainter(palette)
        self.faces = FaceBuilder(layout)

    def paint(self, painter: QPainter, sheet: Sheet) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(QRectF(0, 0, sheet.width, sheet.height), QColor(self.palette.background))
        self._text(
            painter,
            sheet.title,
            QRectF(sheet.margin, sheet.margin, sheet.width - 2 * sheet.margin, sheet.heading_height),
            size=sheet.heading_height * 0.5,
            bold=True,
            colour=self.palette.legend,
        )
        for block, x, y in sheet.placements():
            painter.save()
            painter.translate(x, y)
            self._block(painter, block)
            painter.restore()

    def _block(self, painter: QPainter, block: LayerBlock) -> None:
        self._text(
            painter,
            f"{block.index}  {block.name}",
            QRectF(0, 0, block.width, block.title_height),
            size=block.title_height * 0.5,
            bold=True,
            colour=self.palette.legend,
        )
        painter.save()
        painter.translate(0, block.title_height)
        faces = self.faces.layer_faces(self.layout, block.index)
        encoders = self.faces.encoder_faces(self.layout, block.index)
        self.keycaps.paint(
            painter, block.scene, faces, encoder_faces=encoders, state=PaintState(marked=block.combo_slots)
        )
        painter.restore()
        y = block.title_height + block.scene.height
        for line in block.combo_lines:
            self._text(
                painter,
                line,
                QRectF(0, y, block.width, block.line_height),
                size=block.line_height * 0.6,
                bold=False,
                colour=self.palette.hold_legend,
            )
            y += block.line_height

    def _text(self, painter: QPainter, text: str, rect: QRectF, *, size: float, bold: bool, colour: str) -> None:
        font = QFont()
        font.setPixelSize(max(1, round(size)))
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        # A long title first shrinks (down to 60 %) to fit, and only then loses its end.
        if metrics.horizontalAdvance(text) > rect.width() > 0:
            smaller = max(size * 0.6, size * rect.width() / metrics.horizontalAdvance(text))
            font.setPixelSize(max(1, round(smaller)))
            metrics = QFontMetricsF(font)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided)


def write_picture(
    path: str | Path,
    layout: Layout,
    keyboard: Keyboard,
    *,
    layers: Sequence[str] | None = None,
    dark: bool = False,
    scale: float = 1.0,
) -> Sheet:
    """Draw `layout` into `path`; the suffix (.svg, .png, .pdf) picks the format."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        raise PictureError(f"cannot draw a {suffix or 'suffix-less'} file", hint="use .svg, .png or .pdf")
    ensure_gui_application()
    palette = palette_for(dark)
    sheet = build_sheet(layout, keyboard, layers)
    painter_for = SheetPainter(layout, palette)
    if suffix == ".svg":
        _write_svg(target, sheet, painter_for)
    elif suffix == ".png":
        _write_png(target, sheet, painter_for, scale)
    else:
        _write_pdf(target, sheet, painter_for, best_page(sheet))
    return sheet


def _write_svg(target: Path, sheet: Sheet, sheet_painter: SheetPainter) -> None:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    size = QSize(math.ceil(sheet.width), math.ceil(sheet.height))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(sheet.title)
    generator.setDescription("Drawn by keyconf")
    painter = QPainter()
    if not painter.begin(generator):
        raise PictureError(f"cannot draw {target}")
    try:
        sheet_painter.paint(painter, sheet)
    finally:
        painter.end()
    text = bytes(buffer.data().data()).decode("utf-8")
    # Qt sizes the drawing in millimetres; pixels (as the view box) suit screens and web pages.
    text = re.sub(
        r'<svg width="[^"]*" height="[^"]*"', f'<svg width="{size.width()}" height="{size.height()}"', text, count=1
    )
    _save(target, text.encode("utf-8"))


def _write_png(target: Path, sheet: Sheet, sheet_painter: SheetPainter, scale: float) -> None:
    size = QSize(math.ceil(sheet.width * scale), math.ceil(sheet.height * scale))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(sheet_painter.palette.background))
    painter = QPainter(image)
    try:
        painter.scale(scale, scale)
        sheet_painter.paint(painter, sheet)
    finally:
        painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise PictureError(f"cannot draw {target}")
    _save(target, bytes(buffer.data().data()))


def _page_layout(orientation: QPageLayout.Orientation = QPageLayout.Orientation.Landscape) -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(10, 10, 10, 10))


def _page_aspect(orientation: QPageLayout.Orientation = QPageLayout.Orientation.Landscape) -> float:
    rect = _page_layout(orientation).paintRect(QPageLayout.Unit.Point)
    return rect.width() / rect.height()


def best_page(sheet: Sheet) -> QPageLayout.Orientation:
    """Landscape or portrait, with the column count, whichever lets the sheet fill more of an A4
    page (a wide board prints landscape; a small one's layers stack on a portrait page)."""
    best: tuple[float, QPageLayout.Orientation, int] | None = None
    for orientation in (QPageLayout.Orientation.Landscape, QPageLayout.Orientation.Portrait):
        rect = _page_layout(orientation).paintRect(QPageLayout.Unit.Point)
        columns = best_columns(sheet, rect.width() / rect.height())
        scale = min(rect.width() / sheet.width, rect.height() / sheet.height)
        if best is None or scale > best[0] * 1.001:
            best = (scale, orientation, columns)
    assert best is not None
    sheet.columns = best[2]
    return best[1]


def best_columns(sheet: Sheet, aspect: float) -> int:
    """The column count at which the sheet fills a page of this width/height ratio best."""
    best, best_scale = 1, 0.0
    for columns in range(1, min(MAX_COLUMNS, len(sheet.blocks)) + 1):
        sheet.columns = columns
        scale = min(aspect / sheet.width, 1.0 / sheet.height)
        if scale > best_scale:
            best, best_scale = columns, scale
    sheet.columns = best
    return best


def _write_pdf(
    target: Path,
    sheet: Sheet,
    sheet_painter: SheetPainter,
    orientation: QPageLayout.Orientation = QPageLayout.Orientation.Landscape,
) -> None:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(_page_layout(orientation))
    writer.setTitle(sheet.title)
    writer.setCreator("keyconf")
    painter = QPainter()
    if not painter.begin(writer):
        raise PictureError(f"cannot draw {target}")
    try:
        page = writer.pageLayout().paintRectPixels(PDF_RESOLUTION)
        scale = min(page.width() / sheet.width, page.height() / sheet.height)
        painter.translate(
            QPointF((page.width() - sheet.width * scale) / 2, (page.height() - sheet.height * scale) / 2)
        )
        painter.scale(scale, scale)
        sheet_painter.paint(painter, sheet)
    finally:
        painter.end()
    del writer  # the PDF is complete once its writer is gone
    _save(target, bytes(buffer.data().data()))


def _save(target: Path, data: bytes) -> None:
    if not data:
        raise PictureError(f"cannot draw {target}")
    try:
        write_atomic(target, data)
    except OSError as error:
        raise PictureError(
            f"cannot write {target}: {error.strerror}", hint="check that the folder exists and is writable"
        ) from None
