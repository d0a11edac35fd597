"""The YAML layout format: reading with positions, aligned writing, surgical saves, bad input."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyconf.formats.yaml_layout import (
    LayoutFileError,
    dumps_layout,
    load_layout,
    loads_layout,
    render_layout,
    save_layout,
)
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from keyconf.model.layout import (
    Combo,
    EncoderAction,
    KeyOverride,
    Layer,
    Layout,
    Macro,
    MacroStep,
    TapDance,
)

HAND_WRITTEN = """\
# my planck, by hand
keyboard: planck/rev6
layout: LAYOUT_ortho_4x12
name: My Planck   # a comment that must survive

layers:
  base:   # the base layer
    - [KC_TAB,  KC_Q,    KC_W,    KC_E,    KC_R,    KC_T,    KC_Y,    KC_U,    KC_I,    KC_O,    KC_P,    KC_BSPC]
    - [KC_ESC,  KC_A,    KC_S,    KC_D,    KC_F,    KC_G,    KC_H,    KC_J,    KC_K,    KC_L,    KC_SCLN, KC_QUOT]
    - [KC_LSFT, KC_Z,    KC_X,    KC_C,    KC_V,    KC_B,    KC_N,    KC_M,    KC_COMM, KC_DOT,  KC_SLSH, KC_ENT ]
    - [KC_LCTL, KC_LGUI, KC_LALT, XXXXXXX, MO(nav), 'LT(nav, KC_SPC)', KC_SPC, MO(nav), KC_LEFT, KC_DOWN, KC_UP, KC_RGHT]
  # navigation
  nav:
    - [_______, _______, _______, _______, _______, _______, _______, _______, _______, _______, _______, _______]
    - [_______, _______, _______, _______, _______, _______, KC_LEFT, KC_DOWN, KC_UP,   KC_RGHT, _______, _______]
    - [_______, _______, _______, _______, _______, _______, _______, _______, _______, _______, _______, _______]
    - [_______, _______, _______, _______, _______, _______, _______, _______, _______, _______, _______, QK_BOOT]

macros:
  - "hello"   # types hello
combos:
  - keys: [KC_J, KC_K]
    action: KC_ESC   # jk escapes
"""


def planck_keyboard() -> Keyboard:
    keys = [Key(x=c, y=r, matrix=(r, c)) for r in range(4) for c in range(12)]
    return Keyboard(name="planck/rev6", matrix_rows=4, matrix_cols=12,
                    layouts={"LAYOUT_ortho_4x12": LayoutMacro("LAYOUT_ortho_4x12", keys)})


def test_reads_layers_names_and_positions():
    loaded = loads_layout(HAND_WRITTEN, "my.yaml")
    layout = loaded.layout
    assert layout.keyboard == "planck/rev6"
    assert layout.layout_macro == "LAYOUT_ortho_4x12"
    assert layout.layer_names == ["base", "nav"]
    assert len(layout.layers[0].keys) == 48
    assert layout.layers[0].keys[41] == "LT(nav, KC_SPC)"
    assert layout.layers[1].keys[-1] == "QK_BOOT"
    assert loaded.row_lengths["base"] == [12, 12, 12, 12]
    # key 41 (row 3, col 5) is on line 11, column 53
    assert loaded.position(("layers", 0, 41)) == (11, 53)
    assert loaded.position(("layers", 1)) == (13, 3)
    assert layout.macros == [Macro(steps=[MacroStep("text", "hello")])]
    assert layout.combos == [Combo(keys=["KC_J", "KC_K"], action="KC_ESC")]


def test_unchanged_hand_written_file_saves_byte_identical(tmp_path: Path):
    path = tmp_path / "my.yaml"
    path.write_text(HAND_WRITTEN)
    loaded = load_layout(path)
    save_layout(loaded.layout, path, loaded)
    assert path.read_text() == HAND_WRITTEN


def test_one_key_edit_keeps_comments_and_rows():
    loaded = loads_layout(HAND_WRITTEN)
    loaded.layout.layers[0].keys[1] = "KC_LGUI"
    text = render_layout(loaded.layout, loaded)
    before, after = HAND_WRITTEN.splitlines(), text.splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    assert "KC_LGUI, KC_W" in changed[0][1]
    # the padding after the edited key absorbed the longer name: the next columns still line up
    assert changed[0][1].index("KC_W") == changed[0][0].index("KC_W")
    assert loads_layout(text).layout.layers[0].keys[1] == "KC_LGUI"
    # a name longer than the padding pushes the row, but only that row
    loaded.layout.layers[0].keys[1] = "LCTL_T(KC_Q)"
    longer = render_layout(loaded.layout, loaded)
    assert sum(a != b for a, b in zip(HAND_WRITTEN.splitlines(), longer.splitlines(), strict=True)) == 1
    assert "[KC_TAB,  LCTL_T(KC_Q), KC_W," in longer


def test_combo_edit_patches_only_that_value():
    loaded = loads_layout(HAND_WRITTEN)
    loaded.layout.combos[0].action = "KC_CAPS"
    text = render_layout(loaded.layout, loaded)
    assert "    action: KC_CAPS   # jk escapes\n" in text
    assert text.replace("KC_CAPS", "KC_ESC") == HAND_WRITTEN


def test_structural_change_rewrites_only_that_section():
    loaded = loads_layout(HAND_WRITTEN)
    loaded.layout.layers.append(Layer("sym", ["KC_NO"] * 48))
    text = render_layout(loaded.layout, loaded, planck_keyboard())
    assert text.startswith("# my planck, by hand\n")
    assert "name: My Planck   # a comment that must survive" in text
    assert '  - "hello"   # types hello' in text
    reloaded = loads_layout(text).layout
    assert reloaded.layer_names == ["base", "nav", "sym"]
    assert reloaded.layers[:2] == loaded.original.layers if loaded.original else False


def test_fresh_file_is_aligned_and_reloads_byte_identical():
    layout = sample_layout()
    text = dumps_layout(layout, planck_keyboard())
    layers_text = text[text.index("layers:"):text.index("encoders:")]
    rows = [line for line in layers_text.splitlines() if line.startswith("    - [")]
    assert len(rows) == 8
    # columns line up: every row has its 2nd cell at the same column
    starts = {re.match(r"    - \[\S+,\s+", row).end() for row in rows}
    assert len(starts) == 1
    loaded = loads_layout(text)
    assert loaded.layout == layout
    assert render_layout(loaded.layout, loaded) == text
    assert dumps_layout(loaded.layout, planck_keyboard()) == text


def sample_layout() -> Layout:
    base = [f"KC_{c}" for c in "QWERTYUIOPAS"] * 3 + ["KC_LCTL", "MO(nav)", "LT(nav, KC_SPC)",
                                                     "MT(MOD_LCTL|MOD_LSFT, KC_ESC)"] + ["KC_TRNS"] * 8
    nav = ["_______"] * 47 + ["QK_BOOT"]
    return Layout(
        keyboard="planck/rev6",
        layout_macro="LAYOUT_ortho_4x12",
        name="Sample: it's \"quoted\"",
        author="someone",
        notes="line one\nline two\n",
        layers=[Layer("base", base, encoders=[EncoderAction("KC_VOLD", "KC_VOLU")]), Layer("nav", nav)],
        macros=[Macro([MacroStep("text", "hi: there # not a comment"), MacroStep("tap", ["KC_LCTL", "KC_C"]),
                       MacroStep("delay", 100)], name="copy")],
        tap_dances=[TapDance("esc_caps", tap="KC_ESC", double_tap="KC_CAPS", tapping_term=180)],
        combos=[Combo(["KC_J", "KC_K"], "KC_ESC", name="jk", layers=["base"], term=30)],
        key_overrides=[KeyOverride("KC_BSPC", "KC_DEL", mods=["MOD_MASK_SHIFT"], layers=["base"])],
        settings={"tapping_term": 200, "permissive_hold": True},
        layout_options={"Split Backspace": 1},
    )


def test_embedded_geometry_round_trip():
    layout = sample_layout()
    layout.geometry = planck_keyboard()
    text = dumps_layout(layout)
    loaded = loads_layout(text)
    assert loaded.layout.geometry is not None
    assert loaded.layout.geometry.layouts["LAYOUT_ortho_4x12"].keys == planck_keyboard().layouts[
        "LAYOUT_ortho_4x12"].keys
    assert dumps_layout(loaded.layout) == text


def test_keycodes_stay_text_whatever_yaml_thinks():
    text = "keyboard: x\nlayout: LAYOUT\nlayers:\n  base: [[NO, 0x7C00, ON, 1e3, 'KC_A']]\n"
    keys = loads_layout(text).layout.layers[0].keys
    assert keys == ["NO", "0x7C00", "ON", "1e3", "KC_A"]
    # and written back so that any YAML reader sees strings
    out = dumps_layout(loads_layout(text).layout)
    import yaml

    assert yaml.safe_load(out)["layers"]["base"][0] == keys


def test_save_is_atomic_and_keeps_old_file_on_failure(tmp_path: Path, monkeypatch):
    path = tmp_path / "my.yaml"
    path.write_text(HAND_WRITTEN)
    loaded = load_layout(path)
    loaded.layout.layers[0].keys[0] = "KC_A"

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_layout(loaded.layout, path, loaded)
    assert path.read_text() == HAND_WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["my.yaml"]


# -- bad input: one clear message with a position, never a traceback


def error_for(text: str | bytes, tmp_path: Path) -> LayoutFileError:
    path = tmp_path / "bad.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = path.read_bytes()
    with pytest.raises(LayoutFileError) as info:
        load_layout(path)
    assert path.read_bytes() == before
    assert info.value.file == str(path)
    return info.value


def test_truncated_file(tmp_path):
    err = error_for(HAND_WRITTEN[: HAND_WRITTEN.index("KC_SCLN") + 3], tmp_path)
    assert err.line is not None and "not valid YAML" in err.message
    assert "complete" in (err.hint or "") or "bracket" in (err.hint or "")


def test_binary_garbage(tmp_path):
    err = error_for(bytes(range(256)) * 4, tmp_path)
    assert "binary" in err.message


def test_invalid_utf8_gives_line_and_column(tmp_path):
    err = error_for(b"keyboard: x\nlayout: \xff\xfe\n", tmp_path)
    assert (err.line, err.column) == (2, 9)
    assert "UTF-8" in err.message


def test_huge_file(tmp_path):
    err = error_for(b"# " + b"x" * (50 * 1024 * 1024) + b"\n", tmp_path)
    assert "larger than 4 MiB" in err.message
    assert (err.line, err.column) == (1, 4 * 1024 * 1024 + 1)


def test_alias_bomb(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    err = error_for(bomb, tmp_path)
    assert "expands to more than 25,000 values" in err.message
    assert err.line is not None


def test_tab_indentation(tmp_path):
    err = error_for("keyboard: x\nlayout: L\nlayers:\n\tbase: [[KC_A]]\n", tmp_path)
    assert "tab" in err.message
    assert err.line == 4
    assert "spaces" in (err.hint or "")


def test_duplicate_keys(tmp_path):
    err = error_for("keyboard: x\nlayout: L\nlayers:\n  base: [[KC_A]]\n  base: [[KC_B]]\n", tmp_path)
    assert "twice" in err.message and "line 4" in err.message
    assert (err.line, err.column) == (5, 3)


def test_missing_section_and_unknown_section(tmp_path):
    err = error_for("keyboard: x\nlayers:\n  base: [[KC_A]]\n", tmp_path)
    assert "`layout:`" in err.message
    err = error_for("keyboard: x\nlayout: L\nlayer:\n  base: [[KC_A]]\n", tmp_path)
    assert "unknown section `layer`" in err.message and "layers" in (err.hint or "")
    assert (err.line, err.column) == (3, 1)


def test_wrong_types(tmp_path):
    err = error_for("keyboard: x\nlayout: L\nlayers:\n  base: [[KC_A, [KC_B]]]\n", tmp_path)
    assert "keycode" in err.message and err.line == 4
    err = error_for("keyboard: x\nlayout: L\nlayers:\n  base: [[KC_A]]\nmacros:\n  - steps: [{wait: 5}]\n",
                    tmp_path)
    assert "unknown macro step" in err.message and err.line == 6


def test_empty_and_non_mapping(tmp_path):
    assert "empty" in error_for("", tmp_path).message
    assert "mapping" in error_for("- a\n- b\n", tmp_path).message


def test_missing_file():
    with pytest.raises(LayoutFileError) as info:
        load_layout("/nonexistent/layout.yaml")
    assert "no such file" in info.value.message


# -- property: random layouts survive save -> load

KEYCODE = st.one_of(
    st.sampled_from(["KC_A", "KC_TRNS", "_______", "XXXXXXX", "MO(l1)", "LT(l0, KC_SPC)", "NO", "0x7C00",
                     "MT(MOD_LCTL | MOD_LSFT, KC_ESC)", "QK_BOOT", "LCTL(KC_C)", "TD(td0)"]),
    st.from_regex(r"\A[A-Z][A-Z0-9_]{0,12}\Z"),
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@st.composite
def layouts(draw):
    key_count = draw(st.integers(1, 30))
    layer_count = draw(st.integers(1, 4))
    layers = [Layer(f"l{i}", draw(st.lists(KEYCODE, min_size=key_count, max_size=key_count)))
              for i in range(layer_count)]
    macros = draw(st.lists(st.builds(
        Macro,
        steps=st.lists(st.one_of(
            st.builds(MacroStep, st.just("text"), TEXT),
            st.builds(MacroStep, st.sampled_from(["tap", "down", "up"]), st.lists(KEYCODE, min_size=1, max_size=3)),
            st.builds(MacroStep, st.just("delay"), st.integers(0, 60000)),
        ), max_size=4),
        name=st.one_of(st.none(), TEXT.filter(lambda s: s.strip() == s and s != "")),
    ), max_size=3))
    return Layout(
        keyboard=draw(st.sampled_from(["planck/rev6", "crkbd/rev1", "x"])),
        layout_macro="LAYOUT",
        name=draw(st.one_of(st.none(), TEXT.filter(lambda s: s.strip() == s and s != ""))),
        notes=draw(st.one_of(st.none(), TEXT.filter(lambda s: s.strip() == s and s != ""))),
        layers=layers,
        macros=macros,
        tap_dances=[TapDance("td0", tap=draw(KEYCODE), hold=draw(st.one_of(st.none(), KEYCODE)))],
        combos=draw(st.lists(st.builds(Combo, st.lists(KEYCODE, min_size=2, max_size=3), KEYCODE), max_size=2)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_random_layouts_survive_save_and_load(layout):
    text = dumps_layout(layout)
    loaded = loads_layout(text)
    assert loaded.layout == layout
    assert render_layout(loaded.layout, loaded) == text


@pytest.mark.parametrize("written", ["LT(nav, KC_SPC)", "LM(nav,MOD_LSFT)", "LT(nav, LCTL(KC_A))"])
def test_unquoted_comma_keycode_in_a_flow_row_is_one_error_with_a_hint(written):
    text = HAND_WRITTEN.replace("'LT(nav, KC_SPC)'", written)
    with pytest.raises(LayoutFileError) as caught:
        loads_layout(text, "my.yaml")
    error = caught.value
    assert "is one keycode, but YAML split it at its comma" in error.message
    assert error.hint and error.hint.startswith("quote it: 'LT(" if written.startswith("LT") else "quote it: 'LM(")
    assert (error.line, error.column) == (11, 53)


def test_quoted_and_comma_free_keycodes_are_not_flagged():
    assert loads_layout(HAND_WRITTEN).layout.layers[0].keys[41] == "LT(nav, KC_SPC)"
    text = HAND_WRITTEN.replace("  - keys: [KC_J, KC_K]", "  - keys: [KC_J, LT(nav, KC_K)]")
    with pytest.raises(LayoutFileError, match="split it at its comma"):
        loads_layout(text)


def test_a_keycode_with_spaces_keeps_the_columns_aligned():
    """Saving `LT(nav, KC_W)` (quoted: it holds a comma) over `KC_W` used to push the rest of its
    row out of line; the grid is written aligned again."""
    from keyconf.catalogue.resolve import resolve_keyboard
    from keyconf.formats.yaml_layout import loads_layout, render_layout

    source = Path(__file__).resolve().parents[2] / "layouts" / "corne.yaml"
    loaded = loads_layout(source.read_text(), str(source))
    keyboard = resolve_keyboard(loaded.layout)
    loaded.layout.layers[0].keys[2] = "LT(nav, KC_W)"
    text = render_layout(loaded.layout, loaded, keyboard)
    rows = [line for line in text.splitlines() if line.startswith("    - [")]
    third = [line.index("KC_E") for line in rows[:1]] + [line.index("LCTL_T(KC_D)") for line in rows[1:2]]
    assert third[0] == third[1]  # the key after the new one starts in the same column in both rows
    assert loads_layout(text).layout.layers[0].keys[2] == "LT(nav, KC_W)"
    assert text.splitlines()[:9] == source.read_text().splitlines()[:9]  # the rest of the file kept


def test_custom_keycode_and_tap_dance_named_like_yaml_words_read_back():
    # Found by fuzzing keymap.c imports: a keycode `null` kept as a custom keycode was written
    # `name: null`, which YAML reads as no name, so the import refused to write its layout.
    from keyconf.model.layout import CustomKeycode, Layer, Layout, TapDance

    layout = Layout(keyboard="test/board", layout_macro="LAYOUT", layers=[Layer("base", ["null", "TD(yes)"])],
                    custom_keycodes=[CustomKeycode("null")], tap_dances=[TapDance("yes", tap="KC_A")])
    again = loads_layout(dumps_layout(layout)).layout
    assert [c.name for c in again.custom_keycodes] == ["null"]
    assert [d.name for d in again.tap_dances] == ["yes"]
