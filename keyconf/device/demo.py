"""The demo keyboards behind `--demo`, so anyone can try keyconf's device features without
hardware: a simulated Planck (planck/rev6, VIA) and, with `--demo vial`, a simulated Vial
board (4x12) that starts locked, with QK_BOOT on its adjust layer, unlock keys (Tab and Q),
tap dances, combos, key overrides and QMK settings.

Each starts with the keymap in `resources/demo/<board>.yaml` (also what a keymap reset brings
back). Their contents are kept between runs in the user data folder (each board its own file;
KEYCONF_HOME moves it), so `keyconf push --demo` followed by `keyconf pull --demo` or `keyconf
diff --demo` agrees with what was pushed. Nobody can hold the Vial board's keys, so while an
unlock runs it counts them as held. Setting KEYCONF_DEMO_UNPLUG_AFTER=N unplugs a demo board
after N reports, to see a failed push recover.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from keyconf import DEMO_BOARDS

if TYPE_CHECKING:
    from keyconf.device.simulated import SimulatedKeyboard, SimulatedVialKeyboard
    from keyconf.model.keyboard import Keyboard
    from keyconf.model.layout import Layout

DEMO_KEYBOARD = "planck/rev6"
DEMO_LAYOUT = "demo/planck.yaml"
DEMO_SERIAL = "KEYCONF-DEMO"
VIAL_DEMO_LAYOUT = "demo/vial.yaml"
VIAL_DEMO_ROWS, VIAL_DEMO_COLS = 4, 12
VIAL_DEMO_UNLOCK_POLLS = 10  # real firmware wants 50 polls (5 s); the demo is quicker
# Unplug the demo keyboard after this many reports: try a failed push by hand.
DEMO_UNPLUG_ENV = "KEYCONF_DEMO_UNPLUG_AFTER"


def demo_geometry() -> Keyboard:
    from keyconf.catalogue.bundled import load_bundled

    return load_bundled(DEMO_KEYBOARD)


def default_state_file(board: str = DEMO_BOARDS[0]) -> Path:
    from keyconf.app_dirs import app_dirs

    name = "demo-keyboard.json" if board == DEMO_BOARDS[0] else f"demo-{board}-keyboard.json"
    return app_dirs().data / name


def demo_keyboard(
    board: str = DEMO_BOARDS[0], *, state_file: Path | None = None, latency_ms: float = 0.0
) -> SimulatedKeyboard:
    """A fresh simulated demo keyboard (`board`: one of DEMO_BOARDS) holding its demo keymap;
    with `state_file`, it resumes from and saves to that file (on close)."""
    if board not in DEMO_BOARDS:
        raise ValueError(f"no demo keyboard {board!r}: choose one of {', '.join(DEMO_BOARDS)}")
    sim = _vial_demo(latency_ms) if board == "vial" else _planck_demo(latency_ms)
    sim.reports = 0
    if state_file is not None:
        _resume(sim, state_file)
    unplug = os.environ.get(DEMO_UNPLUG_ENV, "")
    if unplug.isdigit():
        sim.faults.disconnect_after = int(unplug)
    return sim


def _planck_demo(latency_ms: float) -> SimulatedKeyboard:
    from keyconf.device.simulated import SimulatedKeyboard
    from keyconf.formats.yaml_layout import load_layout
    from keyconf.resources import resource_path

    geometry = demo_geometry()
    sim = SimulatedKeyboard(
        rows=geometry.matrix_rows,
        cols=geometry.matrix_cols,
        layers=4,
        encoders=len(geometry.encoders),
        macro_count=16,
        macro_buffer_size=1024,
        latency_ms=latency_ms,
        name="Planck (simulated)",
        manufacturer="keyconf demo",
        vendor_id=geometry.usb_vid or 0x03A8,
        product_id=geometry.usb_pid or 0xA4F9,
        serial=DEMO_SERIAL,
    )
    layout = load_layout(resource_path(DEMO_LAYOUT)).layout
    _load_contents(sim, geometry, layout)
    return sim


def _vial_demo(latency_ms: float) -> SimulatedVialKeyboard:
    from keyconf.device.discovery import VIAL_SERIAL_MAGIC
    from keyconf.device.simulated import SimulatedVialKeyboard, grid_vial_definition
    from keyconf.device.vial_geometry import keyboard_from_vial
    from keyconf.formats.yaml_layout import load_layout
    from keyconf.resources import resource_path

    definition = grid_vial_definition(VIAL_DEMO_ROWS, VIAL_DEMO_COLS, name="Vial demo board")
    sim = SimulatedVialKeyboard(
        rows=VIAL_DEMO_ROWS,
        cols=VIAL_DEMO_COLS,
        layers=4,
        definition=definition,
        macro_count=16,
        macro_buffer_size=1024,
        unlock_keys=((0, 0), (0, 1)),
        unlock_polls=VIAL_DEMO_UNLOCK_POLLS,
        auto_hold_unlock_keys=True,
        tap_dances=8,
        combos=8,
        key_overrides=8,
        latency_ms=latency_ms,
        name="Vial demo board (simulated)",
        manufacturer="keyconf demo",
        vendor_id=0xFEED,
        product_id=0x1818,
        serial=f"{VIAL_SERIAL_MAGIC}:KEYCONF-DEMO",
    )
    geometry = keyboard_from_vial(definition, sim.name, sim.vendor_id, sim.product_id)
    layout = load_layout(resource_path(VIAL_DEMO_LAYOUT)).layout
    _load_contents(sim, geometry, layout)
    return sim


def _load_contents(sim: SimulatedKeyboard, geometry: Keyboard, layout: Layout) -> None:
    """Put `layout` into the simulated board's memory directly (and make it what a reset
    brings back): planned by the real sync engine, nothing written, nothing backed up."""
    from keyconf.device.board import Board
    from keyconf.device.simulated import SimulatedVialKeyboard
    from keyconf.device.sync import KeymapSync

    board = Board.connect(sim, sim.info())
    sync = KeymapSync(board, geometry, layout.layout_macro)
    sync.read_state()
    target = sync.plan(layout).target
    sim.keymap[:] = target.keymap.data
    sim.default_keymap = bytes(target.keymap.data)
    if target.encoders is not None:
        for (layer, index, clockwise), value in target.encoders.items():
            at = (layer * sim.encoders + index) * 4 + (0 if clockwise else 2)
            sim.encoder_eeprom[at : at + 2] = value.to_bytes(2, "big")
        sim.default_encoder_map = bytes(sim.encoder_eeprom)
    if target.macros is not None:
        sim.macros[: len(target.macros)] = target.macros
    if isinstance(sim, SimulatedVialKeyboard):
        sim.tap_dances = sim.default_tap_dances = list(target.tap_dances or sim.tap_dances)
        sim.combos = sim.default_combos = list(target.combos or sim.combos)
        sim.key_overrides = sim.default_key_overrides = list(target.key_overrides or sim.key_overrides)
        if target.qmk_settings is not None:
            sim.qmk_settings = dict(target.qmk_settings)
            sim.default_qmk_settings = dict(target.qmk_settings)


def _resume(sim: SimulatedKeyboard, state_file: Path) -> None:
    from keyconf.formats.atomic import write_atomic

    try:
        sim.import_state(json.loads(state_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass  # no saved state yet, or a damaged one: start from the demo keymap

    def save(keyboard: SimulatedKeyboard) -> None:
        try:
            state_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(state_file, json.dumps(keyboard.export_state()))
        except OSError:
            pass  # the demo still works, it just forgets

    sim.on_close = save
