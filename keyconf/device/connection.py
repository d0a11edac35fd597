"""Opening a keyboard by what a user types (`--device`, `--demo`) and finding its geometry.

The firmware does not say what the keyboard looks like or how big its matrix is, so a board
needs a keyboard definition: the one a layout file names, the one a Vial keyboard carries,
or a bundled keyboard with the same USB ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from keyconf.device.board import Board
from keyconf.device.board_state import KeymapImage
from keyconf.device.discovery import DeviceInfo, enumerate_devices, open_transport, select_device
from keyconf.device.errors import DeviceError, DeviceNotFound
from keyconf.device.sync import KeymapSync, Progress
from keyconf.device.vial_geometry import keyboard_from_vial
from keyconf.device.vial_protocol import REFUSED_MARK
from keyconf.model.board_keycodes import name_board_keycodes
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

DEMO_SPEC = "demo"


def list_devices(demo: bool | str = False) -> list[DeviceInfo]:
    """Connected VIA/Vial keyboards (the demo keyboard alone with `demo`: True or a board name)."""
    if demo:
        from keyconf.device.demo import DEMO_BOARDS, demo_keyboard

        return [demo_keyboard(demo if isinstance(demo, str) else DEMO_BOARDS[0]).info()]
    return enumerate_devices()


def open_board(
    spec: str | None = None,
    *,
    demo: bool | str = False,
    demo_state: Path | None = None,
    timeout_ms: int | None = None,
) -> Board:
    """Open and identify a keyboard chosen by path, serial, VID:PID or name (`--device`).

    `demo` (True or a demo board name, or the spec "demo") opens a simulated demo keyboard
    instead; `demo_state` is where it keeps its contents between runs (None: start fresh)."""
    kwargs = {"timeout_ms": timeout_ms} if timeout_ms else {}
    if demo or spec == DEMO_SPEC:
        from keyconf.device.demo import DEMO_BOARDS, demo_keyboard

        sim = demo_keyboard(demo if isinstance(demo, str) else DEMO_BOARDS[0], state_file=demo_state)
        return Board.connect(sim, sim.info(), **kwargs)
    info = select_device(spec, enumerate_devices())
    return Board.connect(open_transport(info), info, **kwargs)


def bundled_by_usb_id(vendor_id: int, product_id: int, name: str = "") -> Keyboard | None:
    """The keyboard keyconf knows by this USB id (the user's tree, the bundled QMK and VIA
    catalogue), the product name choosing among boards that share it."""
    from keyconf.catalogue.resolve import CatalogueKeyboards

    return CatalogueKeyboards().by_usb_id(vendor_id, product_id, name)


def board_geometry(
    board: Board,
    keyboard: str | Keyboard | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Keyboard:
    """The keyboard definition for `board`: the one given (a Keyboard or a QMK path), the Vial
    keyboard's own, or a bundled one with the same USB ids."""
    if isinstance(keyboard, Keyboard):
        return keyboard
    if keyboard:
        from keyconf.catalogue.resolve import UnknownKeyboardError, find_keyboard

        try:
            return find_keyboard(keyboard)
        except UnknownKeyboardError as error:
            hint = f"did you mean {', '.join(error.suggestions)}?" if error.suggestions else None
            raise DeviceNotFound(f"unknown keyboard `{keyboard}`", hint=hint) from error
    info = board.info
    if board.is_vial:
        definition = board.vial.fetch_definition(progress=progress)
        return keyboard_from_vial(definition, board.name, info.vendor_id if info else 0, info.product_id if info else 0)
    if info is not None:
        found = bundled_by_usb_id(info.vendor_id, info.product_id, board.name)
        if found is not None:
            return found
    usb = f" ({info.usb_id})" if info else ""
    raise DeviceError(
        f"keyconf does not know what {board.name}{usb} looks like: VIA firmware does not say",
        hint="name its QMK keyboard with --keyboard (e.g. --keyboard planck/rev6), or push a layout file for it",
    )


def known_geometry(board: Board) -> Keyboard | None:
    """The board's own geometry when keyconf can tell it (Vial definition, bundled USB ids)."""
    try:
        return board_geometry(board)
    except DeviceError:
        return None


def check_same_keyboard(board: Board, board_keyboard: Keyboard | None, layout_keyboard: Keyboard) -> None:
    """Refuse to write a layout made for another keyboard: its matrix positions would land on
    the wrong keys. Vial boards name themselves freely, so for them only the matrix counts."""
    if board_keyboard is None:
        return
    same_matrix = (board_keyboard.matrix_rows, board_keyboard.matrix_cols) == (
        layout_keyboard.matrix_rows,
        layout_keyboard.matrix_cols,
    )
    aliases = {board_keyboard.name, *board_keyboard.keyboard_aliases}
    if not same_matrix or (not board.is_vial and layout_keyboard.name not in aliases):
        raise DeviceError(
            f"this layout is for {layout_keyboard.name} ({layout_keyboard.matrix_rows}x{layout_keyboard.matrix_cols} "
            f"matrix), but the connected keyboard is {board_keyboard.name} "
            f"({board_keyboard.matrix_rows}x{board_keyboard.matrix_cols})",
            hint="open a layout made for this keyboard (`keyconf pull` writes one)",
        )


@dataclass
class BoardLayout:
    """A keyboard's keymap as a layout, with the definition it was read with."""

    layout: Layout
    keyboard: Keyboard
    description: str  # what was read, for messages
    warnings: list[str]


def refused_marks(image: KeymapImage) -> list[str]:
    """Keys holding 0xFFFF, the mark a locked Vial board stores for a refused QK_BOOT (older
    tools, and keyconf before it wrote around it, destroyed QK_BOOT keys this way)."""
    found = [image.position(i) for i, value in enumerate(image.values()) if value == REFUSED_MARK]
    if not found:
        return []
    where = ", ".join(f"layer {layer} row {row} col {col}" for layer, row, col in found[:8])
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    return [
        f"{where}{more} hold{'s' if len(found) == 1 else ''} 0xFFFF, what a locked Vial keyboard stores for a "
        "refused QK_BOOT: if QK_BOOT belongs there, put it back and push (keyconf unlocks the keyboard first)"
    ]


def read_board_layout(
    device_spec: str | None,
    *,
    keyboard: str | Keyboard | None = None,
    layout_macro: str | None = None,
    layer_names: Sequence[str] | None = None,
    demo: bool | str = False,
    demo_state: Path | None = None,
    progress: Progress | None = None,
) -> BoardLayout:
    """Open a keyboard, read its keymap as a layout, close it. For `keyconf pull` and `diff`.

    `layer_names` (e.g. the layers of the file being compared) name the layers read, so layer
    keys decode as `MO(nav)` rather than `MO(1)`."""
    board = open_board(device_spec, demo=demo, demo_state=demo_state)
    try:
        geometry = board_geometry(board, keyboard)
        sync = KeymapSync(board, geometry, layout_macro)
        layout = sync.read_keymap(progress, layer_names)
        if keyboard is None and board.is_vial:
            layout.geometry = geometry  # the definition lives in the board: keep it in the file
        warnings = list(board.warnings) + name_board_keycodes(layout, geometry)
        if board.is_vial and sync.snapshot is not None:
            warnings += refused_marks(sync.snapshot.keymap)
        return BoardLayout(layout, geometry, board.describe(), warnings)
    finally:
        board.close()
