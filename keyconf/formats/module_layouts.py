"""Layout macros a QMK userspace's config.h defines for a board, read where the keymap lives.

splitkb's Halcyon boards take add-on modules (encoder, trackpad, display) whose keys are more
matrix rows: the module code of splitkb's QMK Userspace (users/halcyon_modules/, its
splitkb/config.h or, before 2025, its config.h) redefines MATRIX_ROWS and defines a layout
macro with those keys (`LAYOUT_corne_hlc`) under `#if PRODUCT_ID == 0x3A07` or
`#if defined(KEYBOARD_splitkb_halcyon_corne_rev2)`. QMK's build includes that config.h in every
file, so a keymap of the userspace written with such a macro compiles; the board's own
definition knows nothing of it. Read in place, the macro is found in the userspace's config
headers with the board's USB product id and KEYBOARD_ names defined, read as a board header's
macro is (`header_layouts`), and the board becomes one with that macro more: the keys of the
board's own rows take the board's drawing, the module's keys a row below each half.
Read alone, the file names a macro no definition holds, and says where it comes from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from keyconf.formats.c_source import Define, Token, keyboard_macros, preprocess, render, tokenize
from keyconf.formats.c_source_file import is_file_at
from keyconf.formats.document_limits import MAX_MATRIX_ROWS
from keyconf.formats.format_error import FormatError
from keyconf.formats.qmk_build_files import header_layouts
from keyconf.formats.user_headers import UserHeaders
from keyconf.model.keyboard import Encoder, Key, Keyboard, LayoutMacro

_MAX_HEADER_BYTES = 256 * 1024
_MODULE_ROW_GAP = 1.5  # key units between a half's lowest key and the module's row under it

@dataclass(frozen=True)
class ModuleLayouts:
    """Layout macros a board's add-on modules define in their own C code, not in the board's QMK
    definition: named `<...><suffix>`, for the boards under `boards`."""

    suffix: str
    boards: str
    origin: str  # where the macros come from, as a message says it
    build_needs: str  # what a build of such a layout needs besides QMK's tree


MODULE_LAYOUTS = (
    ModuleLayouts(
        "_hlc", "splitkb/halcyon/",
        "splitkb's Halcyon modules define (users/halcyon_modules/splitkb/config.h of splitkb/qmk_userspace, a C "
        "macro adding the keys of the module on each half as more matrix rows)",
        "users/halcyon_modules of splitkb/qmk_userspace, and a module chosen on the command line (`qmk compile "
        "-e HLC_ENCODER=1`, or HLC_CIRQUE_TRACKPAD, HLC_TFT_DISPLAY, HLC_NONE)"),
)


def module_layouts(macro: str, keyboard: str) -> ModuleLayouts | None:
    """The add-on modules whose code defines layout `macro` of `keyboard`, when it is one of theirs."""
    return next((m for m in MODULE_LAYOUTS if macro.endswith(m.suffix) and keyboard.startswith(m.boards)), None)


def module_layout_origin(macro: str, keyboard: str) -> str | None:
    """Where a layout macro that adds a module's keys comes from, when it is one of those."""
    found = module_layouts(macro, keyboard)
    return found.origin if found is not None else None


def userspace_layout_board(keymap: str | Path, board: Keyboard, macro: str,
                           user_names: tuple[str, ...] = ()) -> tuple[Keyboard, Path] | None:
    """`board` with layout `macro` as the keymap's userspace's config headers define it for that
    board (its USB product id and KEYBOARD_ names), and the header defining it; None when no
    userspace beside the keymap defines it so. `user_names`: more names QMK may take as USER_NAME
    (a keymap.json's `keymap`)."""
    path = Path(keymap)
    if not path.is_file():
        return None
    headers = UserHeaders(path, [path.resolve().parent.name, *user_names], keyboard=board.name)
    for space in headers.userspaces:
        for header in filter(headers.holds, _config_headers(space)):  # none linked out of the userspace
            found = _macro_keys(header, board, macro)
            if found is not None:
                keys, defines = found
                return _with_encoders(_with_layout(board, macro, keys), defines), header
    return None


def _config_headers(space: Path) -> list[Path]:
    """The config.h files of a userspace and of its folders one level down (splitkb's module code
    keeps its own in splitkb/config.h, which its rules.mk adds as POST_CONFIG_H)."""
    return [h for h in [space / "config.h", *sorted(space.glob("*/config.h"))] if is_file_at(h)]


def _macro_keys(header: Path, board: Keyboard, macro: str) -> tuple[list[dict[str, object]], dict[str, Define]] | None:
    """The keys of `macro` as `header` defines it when built for `board`, and the header's defines; or None."""
    try:
        if header.stat().st_size > _MAX_HEADER_BYTES:
            return None
        text = header.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if macro not in text:
        return None
    known: dict[str, Define] = {}
    for name, value in (("PRODUCT_ID", board.usb_pid), ("VENDOR_ID", board.usb_vid)):
        if value is not None:
            known[name] = Define(name, [Token("number", f"0x{value:04X}", 0, 0)])
    flags = keyboard_macros(board.name)
    try:
        defined = preprocess(tokenize(text, header), header, flags.__contains__, defines=known).defines
    except FormatError:
        return None
    found = defined.get(macro)
    if found is None or found.params is None:
        return None
    keys = header_layouts(f"#define {macro}({', '.join(found.params)}) {render(found.body)}").get(macro)
    if not keys or any(not isinstance(key.get("matrix"), list) for key in keys):
        return None
    if any(not 0 <= place < MAX_MATRIX_ROWS for key in keys for place in key["matrix"]):  # type: ignore[union-attr]
        return None  # a matrix no firmware has (VIA and Vial hold a row and a column in a byte each)
    return keys, defined


def _with_encoders(board: Keyboard, defines: dict[str, Define]) -> Keyboard:
    """`board` with the encoders the header's `ENCODER_A_PINS` gives each half (a Halcyon module's
    encoder beside the board's own: `{ GP23, HLC_ENCODER_A }`), numbered as QMK numbers a split
    board's (the left half's first); the board's own keep where it draws them."""
    pins = defines.get("ENCODER_A_PINS")
    if pins is None or pins.params is not None or len(board.encoders) % 2:
        return board
    body = [t for t in pins.body if not t.is_("{") and not t.is_("}")]
    per_half = len([part for part in render(body).split(",") if part.strip()])
    own_per_half = len(board.encoders) // 2
    if per_half <= own_per_half:
        return board
    encoders = [Encoder(index) for index in range(2 * per_half)]
    for encoder in board.encoders:
        if own_per_half:
            half, place = divmod(encoder.index, own_per_half)
            if half < 2:
                encoders[half * per_half + place] = replace(encoder, index=half * per_half + place)
    return replace(board, encoders=encoders)


def _with_layout(board: Keyboard, macro: str, keys: list[dict[str, object]]) -> Keyboard:
    """`board` with `macro` more: its keys in the board's rows drawn where the board draws the key of
    that place (the macro's matrix has more rows per half: the right half's rows start lower), the
    others in a row under their half."""
    places = [_place(key) for key in keys]
    rows = max(row for row, _ in places) + 1
    own_rows = board.matrix_rows or rows
    placed: dict[tuple[int, int], Key] = {}
    for layout in board.layouts.values():
        for key in layout.keys:
            if key.matrix is not None:
                placed.setdefault(key.matrix, key)
    halves = 2 if rows % 2 == 0 and own_rows % 2 == 0 and own_rows < rows else 1
    per_half, own_per_half = rows // halves, own_rows // halves
    drawn: list[Key | None] = []
    extra: dict[int, list[int]] = {}  # half -> the indexes of its keys the board does not draw
    for index, (row, col) in enumerate(places):
        half, in_half = divmod(row, per_half)
        like = placed.get((half * own_per_half + in_half, col)) if in_half < own_per_half else None
        drawn.append(replace(like, matrix=(row, col), label=None, encoder=None, option=None)
                     if like is not None else None)
        if like is None:
            extra.setdefault(half, []).append(index)
    for half, indexes in extra.items():
        side = [k for k, (row, _) in zip(drawn, places, strict=True) if k is not None and row // per_half == half]
        left = min((k.x for k in side), default=0.0)
        right = max((k.x + k.w for k in side), default=float(len(indexes)))
        top = max((k.y + k.h for k in side), default=0.0) + _MODULE_ROW_GAP
        start = left + max((right - left - len(indexes)) / 2, 0.0)
        for place, index in enumerate(indexes):
            drawn[index] = Key(x=start + place, y=top, matrix=places[index])
    layout = LayoutMacro(macro, [k for k in drawn if k is not None])
    return replace(board, layouts={**board.layouts, macro: layout}, matrix_rows=max(board.matrix_rows, rows))


def _place(key: dict[str, object]) -> tuple[int, int]:
    """A header key's matrix place (`header_layouts` gives each key of the macros kept here one)."""
    matrix = key["matrix"]
    assert isinstance(matrix, list)
    return int(matrix[0]), int(matrix[1])
