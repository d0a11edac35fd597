"""The keycap painter draws real pixels: sizes, colours by group, selection, rotated keys."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from keyconf.model.keyboard import Encoder, Key, LayoutMacro, SecondaryRect
from keyconf.render.keycap_faces import EncoderFace, KeycapFace
from keyconf.render.keycap_painter import KeycapPainter, PaintState
from keyconf.render.keycap_palette import DARK, LIGHT, family_for_group
from keyconf.render.scene import build_scene


@pytest.fixture(autouse=True)
def _app(qapp):
    return qapp


def colour_at(image: QImage, x: float, y: float) -> QColor:
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(x * ratio), round(y * ratio))


def close(a: QColor, b: str, tolerance: int = 6) -> bool:
    c = QColor(b)
    return all(abs(u - v) <= tolerance for u, v in zip(a.getRgb()[:3], c.getRgb()[:3], strict=True))


MACRO = LayoutMacro(
    "L",
    [
        Key(0, 0),
        Key(1, 0),
        Key(2, 0, 1.25, 2, secondary=SecondaryRect(-0.25, 0, 1.5, 1)),
        Key(0, 1, 1, 1, r=20, rx=0, ry=1),
        Key(4, 0, encoder=0),
    ],
)


def test_image_size_follows_scene_and_device_pixel_ratio():
    scene = build_scene(MACRO, unit=40, margin=8)
    faces = [KeycapFace("A")] * 5
    image = KeycapPainter(LIGHT).render_image(scene, faces, device_pixel_ratio=2.0)
    assert image.width() == round(scene.width * 2)
    assert image.height() == round(scene.height * 2)


def test_group_colours_fill_the_keycap_top():
    scene = build_scene(MACRO, unit=60, margin=8)
    faces = [
        KeycapFace("", group="layer"),
        KeycapFace("", group="basic"),
        KeycapFace(),
        KeycapFace(),
        KeycapFace(),
    ]
    image = KeycapPainter(LIGHT).render_image(scene, faces)
    x, y, w, h = scene.shapes[0].rect
    assert close(colour_at(image, x + w / 2, y + h * 0.4), LIGHT.families["layer"].top)
    x, y, w, h = scene.shapes[1].rect
    assert close(colour_at(image, x + w / 2, y + h * 0.4), LIGHT.families["basic"].top)
    # The margin shows the background, the space between keys the plate.
    assert close(colour_at(image, 1, 1), LIGHT.background)


def test_selection_outline_uses_the_accent_colour():
    scene = build_scene(MACRO, unit=60, margin=8)
    faces = [KeycapFace("Q")] * 5
    plain = KeycapPainter(DARK).render_image(scene, faces)
    chosen = KeycapPainter(DARK).render_image(scene, faces, state=PaintState(selected={1}))
    x, y, w, h = scene.shapes[1].rect
    edge = (x + w / 2, y + 60 * 0.045)  # on the outer outline of the cap
    assert close(colour_at(chosen, *edge), DARK.selection, tolerance=40)
    assert not close(colour_at(plain, *edge), DARK.selection, tolerance=40)


def test_legend_is_drawn_inside_the_key():
    scene = build_scene(LayoutMacro("L", [Key(0, 0)]), unit=80)
    blank = KeycapPainter(LIGHT).render_image(scene, [KeycapFace("")])
    lettered = KeycapPainter(LIGHT).render_image(scene, [KeycapFace("W")])
    differing = sum(
        1
        for px in range(0, 80, 2)
        for py in range(0, 80, 2)
        if blank.pixelColor(px, py) != lettered.pixelColor(px, py)
    )
    assert differing > 10


def test_rotated_key_is_drawn_where_the_scene_says():
    macro = LayoutMacro("L", [Key(0, 0), Key(2, 0, 1, 1, r=45, rx=2.5, ry=0.5)])
    scene = build_scene(macro, unit=60, margin=10)
    faces = [KeycapFace("", group="basic"), KeycapFace("", group="quantum")]
    image = KeycapPainter(LIGHT).render_image(scene, faces)
    cx, cy = scene.shapes[1].center
    assert close(colour_at(image, cx, cy), LIGHT.families["quantum"].top)
    # The unrotated corner of the rect is outside the turned key: it shows the plate.
    x, y, _, _ = scene.shapes[1].rect
    assert not close(colour_at(image, x + 3, y + 3), LIGHT.families["quantum"].top)


def test_long_legends_wrap_or_shrink_and_hold_legend_is_painted():
    scene = build_scene(LayoutMacro("L", [Key(0, 0), Key(1, 0)]), unit=50)
    faces = [KeycapFace("Print Screen Extra Long"), KeycapFace("Space", hold="nav", group="layer")]
    image = KeycapPainter(LIGHT).render_image(scene, faces, encoder_faces=[])
    assert not image.isNull()


def test_encoder_knob_and_free_encoder():
    macro = LayoutMacro("L", [Key(0, 0)])
    scene = build_scene(macro, unit=50, encoders=[Encoder(0, 1.5, 0)])
    faces = [KeycapFace("A")]
    image = KeycapPainter(LIGHT).render_image(
        scene, faces, encoder_faces=[EncoderFace(KeycapFace("Vol-"), KeycapFace("Vol+"))]
    )
    knob = scene.shapes[-1]
    cx, cy = knob.center
    assert not close(colour_at(image, cx, cy), LIGHT.background)


def test_painting_on_any_device_does_not_leak_painter_state():
    scene = build_scene(MACRO, unit=30)
    image = QImage(200, 100, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = painter.transform()
    KeycapPainter(LIGHT).paint(painter, scene, [KeycapFace("A")] * 5)
    assert painter.transform() == before
    painter.end()


@pytest.mark.parametrize(
    ("group", "family"),
    [
        ("basic", "basic"),
        ("modifiers", "modifier"),
        ("layer_tap", "layer"),
        ("media", "media"),
        ("mouse", "media"),
        ("rgb_lighting", "lighting"),
        ("quantum", "quantum"),
        ("macro", "macro"),
        ("", "basic"),
    ],
)
def test_group_families(group, family):
    assert family_for_group(group) == family
