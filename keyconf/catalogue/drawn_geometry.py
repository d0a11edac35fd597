"""Draw a QMK board with what its VIA definition knows and QMK's data lacks.

QMK's info.json of many split boards (Kyria, Sofle, Lily58) has no rotated thumb keys and no
encoder positions; their VIA definitions have both. A QMK board is drawn with the VIA
geometry of the same switches (matched by matrix position) when the VIA definition has the
same USB id, has rotated keys QMK lacks, and covers every key of a QMK layout. Layout macros,
key order, matrix positions and encoders' indexes stay QMK's: only where keys are drawn
changes. Encoders that VIA places and QMK does not get VIA's position.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro


def _rotated(keys: Sequence[Key]) -> bool:
    return any(key.r for key in keys)


def _via_places(via: Keyboard) -> dict[tuple[int, int], Key]:
    """Matrix position -> the VIA key drawn for it, the default arrangement first."""
    places: dict[tuple[int, int], Key] = {}
    keys = [k for macro in via.layouts.values() for k in macro.keys if k.matrix is not None and not k.decal]
    for key in sorted(keys, key=lambda k: (k.option is not None and k.option[1] != 0)):
        assert key.matrix is not None
        places.setdefault(key.matrix, key)
    return places


def _redrawn(macro: LayoutMacro, places: dict[tuple[int, int], Key]) -> LayoutMacro | None:
    if any(key.matrix is None or key.matrix not in places for key in macro.keys):
        return None
    keys = []
    for key in macro.keys:
        assert key.matrix is not None
        drawn = places[key.matrix]
        keys.append(dataclasses.replace(key, x=drawn.x, y=drawn.y, w=drawn.w, h=drawn.h, r=drawn.r,
                                        rx=drawn.rx, ry=drawn.ry, secondary=drawn.secondary))
    return LayoutMacro(macro.name, keys)


def rotation_donor(qmk: Keyboard, candidates: Sequence[tuple[str, Keyboard]]) -> str | None:
    """The name of the VIA definition (of the same USB id) to draw `qmk` with, or None."""
    if _rotated([k for macro in qmk.layouts.values() for k in macro.keys]):
        return None
    for name, via in candidates:
        if (via.usb_vid, via.usb_pid) != (qmk.usb_vid, qmk.usb_pid):
            continue
        if not _rotated([k for macro in via.layouts.values() for k in macro.keys]):
            continue
        places = _via_places(via)
        if any(_redrawn(macro, places) is not None for macro in qmk.layouts.values()):
            return name
    return None


def draw_with(qmk: Keyboard, via: Keyboard) -> Keyboard:
    """`qmk` with each layout VIA covers drawn as VIA draws it, and VIA's encoder positions
    where QMK has none. Layouts VIA does not cover keep QMK's geometry."""
    places = _via_places(via)
    layouts = {}
    changed = False
    for name, macro in qmk.layouts.items():
        redrawn = _redrawn(macro, places)
        changed = changed or redrawn is not None
        layouts[name] = redrawn if redrawn is not None else macro
    if not changed:
        return qmk
    via_encoders = {e.index: e for e in via.encoders if e.x is not None}
    encoders = [e if e.x is not None or e.index not in via_encoders
                else Encoder(e.index, via_encoders[e.index].x, via_encoders[e.index].y) for e in qmk.encoders]
    return dataclasses.replace(qmk, layouts=layouts, encoders=encoders)
