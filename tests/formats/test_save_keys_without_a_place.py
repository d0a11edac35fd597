"""A VIA or Vial save's keycodes at matrix positions the chosen layout has no key for: the warning names
the keyboard's layout that has keys there, or says that none has (it said "pass --layout to pick
another layout macro" for a board with one layout, where no --layout helps).

corpus14: two Keychron Q1 saves from the firmware that played the knob's turns as matrix keys
(KC_VOLD at row 5 column 7, KC_VOLU at column 8, a QMK practice before its encoder map), read with
the board's one layout, LAYOUT_ansi_82, which has no key there.
"""

from __future__ import annotations

from keyconf.formats.via_save import ViaSave, via_to_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro


def board(**layouts: list[tuple[int, int]]) -> Keyboard:
    """A 2×4 board whose layouts put keys at the positions given."""
    return Keyboard(name="maker/pad", matrix_rows=2, matrix_cols=4, layouts={
        name: LayoutMacro(name, [Key(x=float(c), y=float(r), matrix=(r, c)) for r, c in positions])
        for name, positions in layouts.items()
    })  # fmt: skip


# Row 0: four keys; row 1: the bottom row, where layouts differ.
TOP = [(0, 0), (0, 1), (0, 2), (0, 3)]


def save(bottom: list[str]) -> ViaSave:
    return ViaSave("Pad", 0xFEED0001, [["KC_A", "KC_B", "KC_C", "KC_D", *bottom]])


def test_keys_no_layout_has_are_said_to_be_the_firmwares_own() -> None:
    pad = board(LAYOUT=[*TOP, (1, 0), (1, 1)])
    result = via_to_layout(save(["KC_SPC", "KC_ENT", "KC_VOLD", "KC_VOLU"]), pad)
    lost = [w for w in result.warnings if "left out" in w]
    assert len(lost) == 1 and "layer0 r1c2 KC_VOLD, layer0 r1c3 KC_VOLU" in lost[0]
    assert "no layout of maker/pad has a key there" in lost[0] and "pass --layout" not in lost[0]


def test_keys_another_layout_has_name_that_layout() -> None:
    # An ANSI bottom row chosen; the ISO layout has keys at both positions the save uses.
    pad = board(LAYOUT_ansi=[*TOP, (1, 0), (1, 1)], LAYOUT_iso=[*TOP, (1, 0), (1, 2), (1, 3)],
                LAYOUT_split=[*TOP, (1, 0), (1, 1), (1, 3)])  # fmt: skip
    result = via_to_layout(save(["KC_SPC", "KC_ENT", "KC_NUHS", "KC_BSLS"]), pad, "LAYOUT_ansi")
    lost = [w for w in result.warnings if "left out" in w]
    assert len(lost) == 1
    assert "(LAYOUT_iso has keys at 2 of those positions: pass --layout LAYOUT_iso to keep them)" in lost[0]
