"""The demo keyboard behind `--demo`: a simulated Planck (planck/rev6), so anyone can try
keyconf's device features without hardware.

It starts with the keymap in `resources/demo/planck.yaml` (also what a keymap reset brings
back). The command line keeps its contents between runs in the user data folder, so
`keyconf push --demo` followed by `keyconf pull --demo` shows the change. Setting
KEYCONF_DEMO_UNPLUG_AFTER=N unplugs it after N reports, to see a failed push recover.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyconf.device.board import Board
from keyconf.device.simulated import SimulatedKeyboard
from keyconf.device.sync import KeymapSync
from keyconf.formats.atomic import write_atomic
from keyconf.model.keyboard import Keyboard

DEMO_KEYBOARD = "planck/rev6"
DEMO_LAYOUT = "demo/planck.yaml"
DEMO_SERIAL = "KEYCONF-DEMO"
# Unplug the demo keyboard after this many reports: try a failed push by hand.
DEMO_UNPLUG_ENV = "KEYCONF_DEMO_UNPLUG_AFTER"


def demo_geometry() -> Keyboard:
    from keyconf.catalogue.bundled import load_bundled

    return load_bundled(DEMO_KEYBOARD)


def default_state_file() -> Path:
    from keyconf.app_dirs import app_dirs

    return app_dirs().data / "demo-keyboard.json"


def demo_keyboard(*, state_file: Path | None = None, latency_ms: float = 0.0) -> SimulatedKeyboard:
    """A fresh simulated Planck holding the demo keymap; with `state_file`, it resumes from and
    saves to that file (on close)."""
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
    board = Board.connect(sim, sim.info())
    sync = KeymapSync(board, geometry, layout.layout_macro)  # only plans: nothing is written or backed up
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
    sim.reports = 0
    if state_file is not None:
        _resume(sim, state_file)
    unplug = os.environ.get(DEMO_UNPLUG_ENV, "")
    if unplug.isdigit():
        sim.faults.disconnect_after = int(unplug)
    return sim


def _resume(sim: SimulatedKeyboard, state_file: Path) -> None:
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
