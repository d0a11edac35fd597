"""Structural edits (layers added, renamed, moved, deleted; macros, tap dances, combos edited)
save through the surgical writer: a hand-commented file keeps every comment and blank line
except in what changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from keyconf.formats.yaml_layout import loads_layout, render_layout
from keyconf.model import layer_edits
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import Combo, Layout, Macro, MacroStep, TapDance

COMMENTED = """\
# my pad, by hand
keyboard: pad
layout: LAYOUT

layers:
  # letters first
  base:   # the base layer
    - [KC_Q,    KC_W,    MO(1)]    # MO(1) is nav
    # the thumb row
    - [KC_A,    TD(esc), 'LT(2, KC_SPC)']

  # arrows
  nav:
    - [KC_LEFT, KC_DOWN, _______]
    - [KC_UP,   KC_RGHT, _______]   # right hand

  sym:   # symbols
    - [KC_EXLM, KC_AT,   KC_HASH]
    - [_______, _______, TG(1)]
# after the layers

macros:
  # greeting
  - "hello"   # types hello
  - steps:    # copy
      - tap: [KC_LCTL, KC_C]

tap_dances:
  # escape or caps
  - name: esc
    tap: KC_ESC
    double_tap: KC_CAPS   # twice for caps

combos:
  # jk escapes
  - keys: [KC_Q, KC_W]
    action: KC_ESC   # qw escapes
  - keys: [KC_A, KC_Q]   # aq
    action: KC_TAB
"""


def pad() -> Keyboard:
    keys = [Key(x=c, y=r, matrix=(r, c)) for r in range(2) for c in range(3)]
    return Keyboard(name="pad", matrix_rows=2, matrix_cols=3, layouts={"LAYOUT": LayoutMacro("LAYOUT", keys)})


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def save_after(edit: Callable[[Layout], object]) -> tuple[str, Layout]:
    loaded = loads_layout(COMMENTED)
    edit(loaded.layout)
    text = render_layout(loaded.layout, loaded, pad())
    reloaded = loads_layout(text).layout
    assert reloaded.layers == loaded.layout.layers
    for section in ("macros", "tap_dances", "combos"):
        assert getattr(reloaded, section) == getattr(loaded.layout, section)
    return text, loaded.layout


EDITS: dict[str, Callable[[Layout], object]] = {
    "add a layer": lambda layout: layer_edits.add_layer(layout, "num", 1),
    "add a layer at the end": lambda layout: layer_edits.add_layer(layout, "num"),
    "rename a layer": lambda layout: layer_edits.rename_layer(layout, "sym", "symbols"),
    "move a layer": lambda layout: layer_edits.move_layer(layout, 2, 0),
    "duplicate a layer": lambda layout: layer_edits.duplicate_layer(layout, 1, "nav2"),
    "add a macro": lambda layout: layout.macros.append(Macro([MacroStep("text", "bye")])),
    "add a tap dance": lambda layout: layout.tap_dances.append(TapDance("q", tap="KC_Q", hold="KC_LCTL")),
    "add a combo": lambda layout: layout.combos.insert(1, Combo(["KC_W", "KC_A"], "KC_ENT")),
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_comment_survives(edit: str) -> None:
    text, _ = save_after(EDITS[edit])
    assert sorted(comments(text)) == sorted(comments(COMMENTED))
    assert text.startswith("# my pad, by hand\nkeyboard: pad\nlayout: LAYOUT\n\nlayers:\n")
    assert "\n\n  # arrows\n" in text  # blank lines stay too


def test_moving_a_layer_moves_its_comments_with_it() -> None:
    text, layout = save_after(lambda layout: layer_edits.move_layer(layout, 0, 2))
    assert layout.layer_names == ["nav", "sym", "base"]
    nav, sym, base = text.index("  nav:"), text.index("  sym:   # symbols"), text.index("  base:   # the base layer")
    assert text.index("  # arrows") < nav < sym < text.index("  # letters first") < base
    assert "[KC_Q,    KC_W,    MO(0)]    # MO(1) is nav" in text  # renumbered in place


def test_deleting_a_layer_keeps_the_others_comments() -> None:
    text, _ = save_after(lambda layout: layer_edits.remove_layer(layout, 1))
    assert "# arrows" not in text and "# right hand" not in text  # what was deleted goes
    kept = [c for c in comments(COMMENTED) if c not in ("# arrows", "# right hand")]
    assert comments(text) == kept


def test_editing_a_macro_keeps_the_other_entries_text() -> None:
    def edit(layout: Layout) -> None:
        layout.macros[1] = Macro([MacroStep("tap", ["KC_LCTL", "KC_V"]), MacroStep("delay", 50)])

    text, _ = save_after(edit)
    assert '  # greeting\n  - "hello"   # types hello\n' in text
    assert "delay: 50" in text
    assert text.count("\n") >= COMMENTED.count("\n")


def test_renaming_a_layer_touches_two_lines() -> None:
    text, _ = save_after(lambda layout: layer_edits.rename_layer(layout, "nav", "arrows"))
    before, after = COMMENTED.splitlines(), text.splitlines()
    assert len(before) == len(after)
    assert [b for a, b in zip(before, after, strict=True) if a != b] == ["  arrows:"]


def test_a_reshaped_entry_is_written_fresh_below_its_comments() -> None:
    text, _ = save_after(lambda layout: layout.combos[1].keys.append("KC_W"))
    assert "  - keys: [KC_A, KC_Q, KC_W]\n    action: KC_TAB\n" in text
    assert "# aq" not in text  # the changed entry's own line is new
    assert "  # jk escapes\n  - keys: [KC_Q, KC_W]\n    action: KC_ESC   # qw escapes\n" in text
