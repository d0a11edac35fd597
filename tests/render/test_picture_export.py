"""Pictures of layouts: SVG with legends as text, PNG of the expected size, a one-page PDF sheet."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.render.export import PictureError, best_columns, build_sheet, write_picture
from keyconf.render.keycap_palette import palette_for

DATA = Path(__file__).parents[1] / "formats" / "data" / "interchange"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def corne(qapp):
    layout = read_keymap_c((DATA / "corne_layers.keymap.c").read_text(), "keymap.c", "crkbd/rev1").layout
    return layout, load_bundled("crkbd/rev1")


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")]


def test_svg_has_every_layer_with_legends_as_text(tmp_path: Path, corne) -> None:
    layout, keyboard = corne
    sheet = write_picture(tmp_path / "corne.svg", layout, keyboard)
    root = ET.parse(tmp_path / "corne.svg").getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {math.ceil(sheet.width)} {math.ceil(sheet.height)}"
    texts = svg_texts(tmp_path / "corne.svg")
    for title in ("0  base", "1  lower", "2  raise", "3  adjust"):
        assert title in texts
    for legend in ("Q", "W", "Tab", "GUI", "lower"):  # tap legends and hold legends
        assert legend in texts
    assert any(t.startswith("combo jk_combo: J + K") for t in texts)  # combos are listed
    assert len(sheet.blocks) == 4 and sheet.blocks[0].combo_slots == {19, 20, 15, 16}


def test_png_size_and_background(tmp_path: Path, corne) -> None:
    from PySide6.QtGui import QColor, QImage

    layout, keyboard = corne
    sheet = write_picture(tmp_path / "corne.png", layout, keyboard, layers=["base", "raise"], dark=True, scale=2)
    image = QImage(str(tmp_path / "corne.png"))
    assert (image.width(), image.height()) == (math.ceil(sheet.width * 2), math.ceil(sheet.height * 2))
    assert [b.name for b in sheet.blocks] == ["base", "raise"]
    assert image.pixelColor(1, 1) == QColor(palette_for(True).background)
    # the keys are drawn: not every pixel is background
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5


def page_fill(sheet, orientation) -> tuple[float, float]:
    """(width, height) of an A4 page's printable area the sheet covers, as fractions."""
    from PySide6.QtGui import QPageLayout

    from keyconf.render.export import _page_layout

    rect = _page_layout(orientation).paintRect(QPageLayout.Unit.Point)
    scale = min(rect.width() / sheet.width, rect.height() / sheet.height)
    return sheet.width * scale / rect.width(), sheet.height * scale / rect.height()


def test_pdf_is_one_a4_page_the_sheet_fills(tmp_path: Path, corne) -> None:
    from keyconf.render.export import best_page

    layout, keyboard = corne
    sheet = write_picture(tmp_path / "corne.pdf", layout, keyboard)
    data = (tmp_path / "corne.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    # Four layers of a split board stack on a portrait page and cover most of it.
    orientation = best_page(sheet)
    width, height = page_fill(sheet, orientation)
    assert max(width, height) > 0.99 and width * height > 0.75
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "corne.pdf")], capture_output=True, text=True).stdout
        assert "Pages:           1" in info and "595 x 842 pts (A4)" in info


def test_a_wide_board_prints_landscape(tmp_path: Path) -> None:
    from keyconf.catalogue.resolve import resolve_keyboard
    from keyconf.formats.yaml_layout import load_layout
    from keyconf.render.export import best_page

    layout = load_layout(Path(__file__).resolve().parents[2] / "layouts" / "kbd8x.yaml").layout
    sheet = write_picture(tmp_path / "tkl.pdf", layout, resolve_keyboard(layout))
    width, height = page_fill(sheet, best_page(sheet))
    assert max(width, height) > 0.99 and width * height > 0.75
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "tkl.pdf")], capture_output=True, text=True).stdout
        assert "842 x 595 pts (A4)" in info


def test_columns_follow_the_page_shape(corne) -> None:
    layout, keyboard = corne
    sheet = build_sheet(layout, keyboard)
    assert best_columns(sheet, 1.414) == 2
    assert best_columns(sheet, 0.3) == 1


def test_unknown_layer_and_suffix(tmp_path: Path, corne) -> None:
    layout, keyboard = corne
    with pytest.raises(PictureError, match="no layer named nope"):
        write_picture(tmp_path / "x.svg", layout, keyboard, layers=["nope"])
    with pytest.raises(PictureError, match=r"\.gif"):
        write_picture(tmp_path / "x.gif", layout, keyboard)


def test_svg_size_is_in_pixels_and_files_are_replaced_whole(tmp_path: Path, corne) -> None:
    layout, keyboard = corne
    target = tmp_path / "corne.svg"
    target.write_text("old picture")
    sheet = write_picture(target, layout, keyboard, layers=["base"])
    root = ET.parse(target).getroot()
    assert (root.get("width"), root.get("height")) == (str(math.ceil(sheet.width)), str(math.ceil(sheet.height)))
    assert [p.name for p in tmp_path.iterdir()] == ["corne.svg"]  # no temporary file left behind
    with pytest.raises(PictureError, match="cannot write"):
        write_picture(tmp_path / "missing" / "x.png", layout, keyboard)
