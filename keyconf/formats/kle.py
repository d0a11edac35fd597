"""keyboard-layout-editor.com (KLE) layouts → key geometry and legends.

KLE's serialised format is compact and stateful: a list of rows, each a list of legend strings
(one per key) and property objects that change the *next* keys. What this parser implements,
following KLE's documented behaviour:

- positions: each key starts where the previous one ended (`x += w`); `x`/`y` in a property
  object move the cursor relatively; every new row goes one unit down and back to the left
  edge of the current rotation cluster (`rx`);
- rotation: `r` (degrees, clockwise) turns keys around (`rx`, `ry`); setting `rx` or `ry`
  starts a new cluster, moving the cursor to (rx, ry); rotation may only be set on the first
  item of a row; `r`/`rx`/`ry` carry over to later rows;
- sizes: `w`/`h` (and the second rectangle `x2`/`y2`/`w2`/`h2` of ISO and big-ass enters)
  apply to the next key only, as do decal (`d`), homing nub (`n`), stepped (`l`);
- legends: a key's text is split at newlines, and the alignment flags `a` (default 4, carried
  over) say which of the twelve legend positions each part fills. Positions are numbered in
  reading order: 0-2 top row (left, centre, right), 3-5 middle, 6-8 bottom, 9-11 front face.
- the first element may be an object of keyboard metadata (name, author, notes).

KLE's "raw data" box omits the outer brackets and quotes around property names; both forms
are accepted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keyconf.formats.definition_source import (
    DataSource,
    KeyboardDefinitionError,
    describe_value,
    is_number,
    parse_definition_json,
    read_definition_text,
)
from keyconf.model.geometry import key_center
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro, SecondaryRect

LEGEND_POSITIONS = 12

# For each alignment value `a` (0-7): which legend position the n-th line of a key's text
# fills (-1: that line is not shown). Bit 0 centres legends horizontally, bit 1 vertically,
# bit 2 centres the front legends; fewer positions remain as more is centred.
_ALIGNMENT_POSITIONS: tuple[tuple[int, ...], ...] = (
    (0, 6, 2, 8, 9, 11, 3, 5, 1, 4, 7, 10),
    (1, 7, -1, -1, 9, 11, 4, -1, -1, -1, -1, 10),
    (3, -1, 5, -1, 9, 11, -1, -1, 4, -1, -1, 10),
    (4, -1, -1, -1, 9, 11, -1, -1, -1, -1, -1, 10),
    (0, 6, 2, 8, 10, -1, 3, 5, 1, 4, 7, -1),
    (1, 7, -1, -1, 10, -1, 4, -1, -1, -1, -1, -1),
    (3, -1, 5, -1, 10, -1, -1, -1, 4, -1, -1, -1),
    (4, -1, -1, -1, 10, -1, -1, -1, -1, -1, -1, -1),
)
DEFAULT_ALIGNMENT = 4

_NUMBER_PROPS = ("x", "y", "w", "h", "x2", "y2", "w2", "h2", "r", "rx", "ry")
_MAX_KEYS = 5000  # far beyond any keyboard; stops pathological files early
_MATRIX_PAIR = re.compile(r"^\s*(\d{1,3})\s*[,，]\s*(\d{1,3})\s*$")
# VIA's legend conventions, which KLE files made for VIA carry too.
MATRIX_LEGEND = 0  # "row,col"
ENCODER_LEGEND = 4  # "e<n>": rotary encoder n
_ENCODER = re.compile(r"^[eE](\d+)\s*$")


@dataclass(frozen=True)
class KleKey:
    """One KLE key: its geometry, its twelve legends (reading order, "" when empty) and flags.

    `row`/`item` locate it in the source rows (for error messages)."""

    key: Key
    legends: tuple[str, ...]
    row: int
    item: int
    ghost: bool = False
    stepped: bool = False
    nub: bool = False
    color: str | None = None

    def legend(self, position: int) -> str:
        return self.legends[position]

    def encoder_index(self) -> int | None:
        """The rotary encoder this key marks (VIA's `e<n>` centre legend), if any."""
        match = _ENCODER.match(self.legends[ENCODER_LEGEND])
        return int(match.group(1)) if match else None


@dataclass
class KleLayout:
    keys: list[KleKey] = field(default_factory=list)
    name: str = ""
    author: str = ""
    notes: str = ""


def reorder_legends(text: str, alignment: int) -> tuple[str, ...]:
    """A key's text split into the twelve legend positions for alignment `a`."""
    legends = [""] * LEGEND_POSITIONS
    mapping = _ALIGNMENT_POSITIONS[alignment]
    for index, part in enumerate(text.split("\n")[:LEGEND_POSITIONS]):
        position = mapping[index]
        if position >= 0 and part:
            legends[position] = part
    return tuple(legends)


@dataclass
class _Cursor:
    """KLE's running state while walking the rows."""

    x: float = 0.0
    y: float = 0.0
    w: float = 1.0
    h: float = 1.0
    x2: float = 0.0
    y2: float = 0.0
    w2: float = 0.0
    h2: float = 0.0
    r: float = 0.0
    rx: float = 0.0
    ry: float = 0.0
    alignment: int = DEFAULT_ALIGNMENT
    decal: bool = False
    ghost: bool = False
    stepped: bool = False
    nub: bool = False
    color: str | None = None

    def next_key(self) -> None:
        self.x += self.w
        self.w = self.h = 1.0
        self.x2 = self.y2 = self.w2 = self.h2 = 0.0
        self.decal = self.stepped = self.nub = False


def _secondary(c: _Cursor) -> SecondaryRect | None:
    w2 = c.w2 or c.w
    h2 = c.h2 or c.h
    if c.x2 == 0 and c.y2 == 0 and w2 == c.w and h2 == c.h:
        return None
    return SecondaryRect(c.x2, c.y2, w2, h2)


def _apply_props(src: DataSource, c: _Cursor, props: Mapping[str, Any], where: list[str | int]) -> None:
    for name in _NUMBER_PROPS:
        if name in props and not is_number(props[name]):
            raise src.error(
                f"KLE property {name!r} must be a number, not {describe_value(props[name])}", [*where, name]
            )
    if "r" in props:
        c.r = float(props["r"])
    if "rx" in props or "ry" in props:
        if "rx" in props:
            c.rx = float(props["rx"])
        if "ry" in props:
            c.ry = float(props["ry"])
        c.x, c.y = c.rx, c.ry  # a new rotation cluster starts at its origin
    if "a" in props:
        a = props["a"]
        if not (isinstance(a, int) and not isinstance(a, bool) and 0 <= a < len(_ALIGNMENT_POSITIONS)):
            raise src.error(f"KLE alignment 'a' must be a whole number 0-7, not {a!r}"[:200], [*where, "a"])
        c.alignment = a
    c.x += float(props.get("x", 0))
    c.y += float(props.get("y", 0))
    if props.get("w"):
        c.w = c.w2 = float(props["w"])
    if props.get("h"):
        c.h = c.h2 = float(props["h"])
    for name in ("x2", "y2", "w2", "h2"):
        if props.get(name):
            setattr(c, name, float(props[name]))
    if c.w <= 0 or c.h <= 0:
        raise src.error("KLE key width and height must be positive", where)
    if "d" in props:
        c.decal = bool(props["d"])
    if "n" in props:
        c.nub = bool(props["n"])
    if "l" in props:
        c.stepped = bool(props["l"])
    if "g" in props:
        c.ghost = bool(props["g"])
    if isinstance(props.get("c"), str):
        c.color = props["c"]


def parse_kle(data: Any, source: DataSource | None = None, base: list[str | int] | None = None) -> KleLayout:
    """Walk deserialised KLE JSON (a list of rows) into keys.

    `source` and `base` (the JSON path of the KLE list inside a bigger document, e.g.
    `["layouts", "keymap"]` in a VIA definition) only serve error messages."""
    src = source or DataSource()
    base = list(base or [])
    if not isinstance(data, list):
        raise src.error(f"a KLE layout must be a list of rows, not {describe_value(data)}", base)
    layout = KleLayout()
    cursor = _Cursor()
    for row_index, row in enumerate(data):
        where_row = [*base, row_index]
        if isinstance(row, Mapping):
            if row_index != 0:
                raise src.error("KLE keyboard metadata must be the first element", where_row)
            layout.name = str(row.get("name", "") or "")
            layout.author = str(row.get("author", "") or "")
            layout.notes = str(row.get("notes", "") or "")
            continue
        if not isinstance(row, list):
            raise src.error(f"a KLE row must be a list, not {describe_value(row)}", where_row)
        for item_index, item in enumerate(row):
            where = [*where_row, item_index]
            if isinstance(item, str):
                if len(layout.keys) >= _MAX_KEYS:
                    raise src.error(f"more than {_MAX_KEYS} keys: not a keyboard layout", where)
                key = Key(
                    x=cursor.x,
                    y=cursor.y,
                    w=cursor.w,
                    h=cursor.h,
                    r=cursor.r,
                    rx=cursor.rx,
                    ry=cursor.ry,
                    secondary=_secondary(cursor),
                    decal=cursor.decal,
                )
                layout.keys.append(
                    KleKey(
                        key=key,
                        legends=reorder_legends(item, cursor.alignment),
                        row=row_index,
                        item=item_index,
                        ghost=cursor.ghost,
                        stepped=cursor.stepped,
                        nub=cursor.nub,
                        color=cursor.color,
                    )
                )
                cursor.next_key()
            elif isinstance(item, Mapping):
                if item_index != 0 and any(name in item for name in ("r", "rx", "ry")):
                    raise src.error(
                        "KLE rotation (r, rx, ry) can only be set on the first item of a row",
                        where,
                        hint="start a new row where the rotation changes, as KLE itself does",
                    )
                _apply_props(src, cursor, item, where)
            else:
                raise src.error(
                    f"a KLE row holds key legends (strings) and property objects, not {describe_value(item)}",
                    where,
                )
        cursor.y += 1
        cursor.x = cursor.rx
    return layout


def parse_kle_text(text: str, path: str | os.PathLike[str] | None = None) -> Any:
    """KLE JSON from text: a downloaded .json file, or the editor's "raw data" (no outer
    brackets, property names without quotes)."""
    stripped = text.strip()
    try:
        return parse_definition_json(stripped, path)
    except KeyboardDefinitionError as first_error:
        wrapped = f"[{stripped}]"
        try:
            data = parse_definition_json(wrapped, path)
        except KeyboardDefinitionError:
            raise first_error from None
        if isinstance(data, list) and data and all(isinstance(row, list | dict) for row in data):
            return data
        raise first_error from None


def _matrix_from_legends(keys: list[KleKey]) -> list[tuple[int, int] | None] | None:
    """Matrix positions when every real key has a VIA-style "row,col" top-left legend (a key
    that is only an encoder, `e<n>` and no position, has none)."""
    positions: list[tuple[int, int] | None] = []
    for kle_key in keys:
        match = _MATRIX_PAIR.match(kle_key.legends[MATRIX_LEGEND])
        if kle_key.key.decal or (not match and kle_key.encoder_index() is not None):
            positions.append(None)
            continue
        if not match:
            return None
        positions.append((int(match.group(1)), int(match.group(2))))
    return positions if any(p is not None for p in positions) else None


def keyboard_from_kle(layout: KleLayout, name: str = "") -> Keyboard:
    """A `Keyboard` with one layout macro `LAYOUT` holding every key in KLE order.

    The label of each key is its first legend in reading order. When every key carries a
    `row,col` top-left legend (KLE files made for VIA), those become matrix positions and
    `e<n>` centre legends mark encoders; which keys take a keymap slot is `Key.takes_slot`."""
    matrix = _matrix_from_legends(layout.keys)
    keys: list[Key] = []
    for index, kle_key in enumerate(layout.keys):
        label = next((legend for legend in kle_key.legends if legend), None)
        position = matrix[index] if matrix else None
        encoder = kle_key.encoder_index() if matrix else None
        keys.append(_with(kle_key.key, label=label, matrix=position, encoder=encoder))
    used = [k.matrix for k in keys if k.matrix is not None]
    centres = {k.encoder: key_center(k) for k in reversed(keys) if k.encoder is not None}
    encoders = [Encoder(i, *centres[i]) if i in centres else Encoder(i) for i in range(max(centres, default=-1) + 1)]
    display = layout.name or name
    return Keyboard(
        name=name or layout.name,
        display_name=display,
        manufacturer="",
        matrix_rows=max((m[0] for m in used), default=-1) + 1,
        matrix_cols=max((m[1] for m in used), default=-1) + 1,
        layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)},
        encoders=encoders,
    )


def _with(key: Key, **changes: Any) -> Key:
    from dataclasses import replace

    return replace(key, **changes)


def load_kle_file(path: str | os.PathLike[str], name: str = "") -> Keyboard:
    """A KLE file (downloaded JSON or pasted raw data) as a `Keyboard`."""
    text = read_definition_text(path)
    data = parse_kle_text(text, path)
    layout = parse_kle(data, DataSource.of(path, text))
    if not layout.keys:
        raise KeyboardDefinitionError("the KLE layout has no keys", path)
    return keyboard_from_kle(layout, name or os.path.splitext(os.path.basename(path))[0])
