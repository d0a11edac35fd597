"""A VIA or Vial save's top-level fields that VIA and vial-gui do not write are named in a warning, as
keymap.json's are ("keymap.json keys keyconf layouts do not hold were not imported"), not dropped
without a word.

corpus14: a Corne's VIA save held `"tappingTerm": 400` beside name, vendorProductId, macros and
layers; it imported with no word that the tapping term was left behind.
"""

from __future__ import annotations

import json
from pathlib import Path

from keyconf.catalogue.resolve import CatalogueKeyboards
from keyconf.formats.interchange import import_layout

CORNE = 0x46530001  # the Corne's USB ids, 4653:0001


def corne_via_save(**extra: object) -> dict[str, object]:
    """A VIA save of a Corne: its 8×6 matrix as one row of 48 keycodes a layer."""
    half = ["KC_TAB", "KC_Q", "KC_W", "KC_E", "KC_R", "KC_T", "KC_LCTL", "KC_A", "KC_S", "KC_D", "KC_F", "KC_G",
            "KC_LSFT", "KC_Z", "KC_X", "KC_C", "KC_V", "KC_B", "KC_NO", "KC_NO", "KC_NO", "KC_LGUI", "MO(1)", "KC_SPC"]
    return {"name": "Corne", "vendorProductId": CORNE, "macros": [""] * 16,
            "layers": [half + half, ["KC_TRNS"] * 48], **extra}  # fmt: skip


def test_a_via_save_field_via_does_not_write_is_named(tmp_path: Path) -> None:
    path = tmp_path / "corne.json"
    path.write_text(json.dumps(corne_via_save(tappingTerm=400)))
    imported = import_layout(path, finder=CatalogueKeyboards())
    assert "VIA save fields keyconf layouts do not hold were not imported: tappingTerm" in imported.warnings
    assert imported.layout.layers[0].keys.count("KC_SPC") == 2
    path.write_text(json.dumps(corne_via_save()))
    assert not [w for w in import_layout(path, finder=CatalogueKeyboards()).warnings if "not imported" in w]


def test_a_vial_save_field_vial_does_not_write_is_named(tmp_path: Path) -> None:
    row = ["KC_A", "KC_B", "KC_C"]
    save = {"version": 1, "uid": 0x0B1C2D3E4F506172, "layout": [[row, row]], "encoder_layout": [[]],
            "layout_options": -1, "macro": [], "vial_protocol": 6, "via_protocol": 9, "tap_dance": [],
            "combo": [], "key_override": [], "alt_repeat_key": [], "settings": {}}  # fmt: skip
    path = tmp_path / "pad.vil"
    path.write_text(json.dumps({**save, "tappingTerm": 300, "notes": "mac layer"}))
    warned = import_layout(path).warnings
    assert "Vial save fields keyconf layouts do not hold were not imported: tappingTerm, notes" in warned
    path.write_text(json.dumps(save))  # every field vial-gui writes, alt_repeat_key included
    assert not [w for w in import_layout(path).warnings if "not imported" in w]
