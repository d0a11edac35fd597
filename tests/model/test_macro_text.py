"""VIA macro text notation <-> keyconf macro steps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.model.layout import MacroStep
from keyconf.model.macro_text import MacroTextError, format_macro_text, parse_macro_text


def test_text_taps_chords_and_delays() -> None:
    steps = parse_macro_text("Hello{KC_ENT}{100}{KC_LCTL,KC_C}")
    assert steps == [
        MacroStep("text", "Hello"),
        MacroStep("tap", ["KC_ENT"]),
        MacroStep("delay", 100),
        MacroStep("tap", ["KC_LCTL", "KC_C"]),
    ]


def test_press_and_release() -> None:
    steps = parse_macro_text("{+KC_LCTL}v{-KC_LCTL}")
    assert steps == [MacroStep("down", ["KC_LCTL"]), MacroStep("text", "v"), MacroStep("up", ["KC_LCTL"])]
    assert format_macro_text(steps) == "{+KC_LCTL}v{-KC_LCTL}"


def test_consecutive_presses_merge_and_split_back() -> None:
    steps = parse_macro_text("{+KC_LCTL}{+KC_LSFT}t{-KC_LSFT}{-KC_LCTL}")
    assert steps[0] == MacroStep("down", ["KC_LCTL", "KC_LSFT"])
    assert steps[2] == MacroStep("up", ["KC_LSFT", "KC_LCTL"])
    assert format_macro_text(steps) == "{+KC_LCTL}{+KC_LSFT}t{-KC_LSFT}{-KC_LCTL}"


def test_old_names_and_spacing_become_canonical() -> None:
    assert parse_macro_text("{ kc_lctrl , KC_BSPACE }") == [MacroStep("tap", ["KC_LCTL", "KC_BSPC"])]
    assert parse_macro_text("{KC_SPACE}") == [MacroStep("tap", ["KC_SPC"])]


def test_escaped_brace() -> None:
    steps = parse_macro_text(r"a\{bc{KC_A}")
    assert steps == [MacroStep("text", "a{bc"), MacroStep("tap", ["KC_A"])]
    assert format_macro_text([MacroStep("text", "x{y")]) == r"x\{y"
    assert parse_macro_text(format_macro_text([MacroStep("text", "x{y")])) == [MacroStep("text", "x{y")]


def test_closing_brace_outside_a_block_is_typed() -> None:
    # VIA types a '}' outside {...} as it is and writes it back unescaped: `{+KC_LGUI}}{-KC_LGUI}`
    # is GUI held around a typed '}'.
    steps = parse_macro_text("{+KC_LGUI}}{-KC_LGUI}")
    assert steps == [MacroStep("down", ["KC_LGUI"]), MacroStep("text", "}"), MacroStep("up", ["KC_LGUI"])]
    assert format_macro_text(steps) == "{+KC_LGUI}}{-KC_LGUI}"
    assert parse_macro_text("a}b") == [MacroStep("text", "a}b")]


def test_expressions_with_commas_inside_braces() -> None:
    steps = parse_macro_text("{MT(MOD_LCTL | MOD_LSFT, KC_A),KC_B}")
    assert steps == [MacroStep("tap", ["LCS_T(KC_A)", "KC_B"])]


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("{KC_A", 0, "never closed"),
        ("{}", 0, "empty"),
        ("x{KC_SPCE}", 2, "unknown keycode"),
        ("{KC_A,}", 6, "empty keycode"),
        ("{99999}", 1, "longer"),
        ("{KC_A{KC_B}}", 5, "inside"),
        ("{ KC_A, KC_BOGUS}", 8, "unknown keycode"),
    ],
)
def test_errors_have_columns(text: str, column: int, fragment: str) -> None:
    with pytest.raises(MacroTextError) as info:
        parse_macro_text(text)
    assert info.value.column == column, info.value
    assert fragment in info.value.message


def test_format_rejects_empty_steps() -> None:
    with pytest.raises(MacroTextError):
        format_macro_text([MacroStep("tap", [])])


_keys = st.sampled_from(["KC_A", "KC_LCTL", "KC_ENT", "KC_1", "MS_BTN1", "KC_TILD", "LCTL(KC_C)"])
_steps = st.lists(
    st.one_of(
        st.text(
            alphabet=st.characters(blacklist_characters="{\\", blacklist_categories=("Cs",)), min_size=1
        ),
        st.builds(lambda k: MacroStep("tap", k), st.lists(_keys, min_size=1, max_size=3)),
        st.builds(lambda k: MacroStep("down", [k]), _keys),
        st.builds(lambda k: MacroStep("up", [k]), _keys),
        st.builds(lambda ms: MacroStep("delay", ms), st.integers(0, 5000)),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_steps)
def test_text_round_trip(items: list[MacroStep | str]) -> None:
    steps = [MacroStep("text", i) if isinstance(i, str) else i for i in items]
    text = format_macro_text(steps)
    parsed = parse_macro_text(text)
    assert format_macro_text(parsed) == text
    assert parse_macro_text(format_macro_text(parsed)) == parsed
