"""The small C reader under the keymap.c importer: tokens, preprocessor, constant expressions."""

from __future__ import annotations

import pytest

from keyconf.formats.c_source import (
    IntExpression,
    expand,
    iter_statements,
    parse_c_integer,
    preprocess,
    render,
    tokenize,
    unwrap_parentheses,
)
from keyconf.formats.format_error import FormatError


def texts(source: str) -> list[str]:
    return [t.text for t in tokenize(source)]


def test_tokens_skip_comments_and_keep_lines() -> None:
    tokens = tokenize("a /* x\n y */ b // c\n  LT(1, KC_A)")
    assert [t.text for t in tokens] == ["a", "b", "LT", "(", "1", ",", "KC_A", ")"]
    assert [t.line for t in tokens] == [1, 2, 3, 3, 3, 3, 3, 3]
    assert tokens[2].column == 3


def test_directives_join_continued_lines() -> None:
    [directive, after] = tokenize("#define ROW \\\n  KC_A, KC_B\nx")
    assert directive.kind == "directive" and "KC_A, KC_B" in directive.text
    assert after.line == 3


def test_strings_and_unclosed_things_are_reported() -> None:
    assert tokenize('SEND_STRING("a, b")')[2].kind == "string"
    with pytest.raises(FormatError, match="string never closed"):
        tokenize('x = "abc')


def test_conditionals_follow_what_the_file_defines() -> None:
    source = """#define A 1
#if A && !defined(B)
yes_a
#elif defined(C)
no_c
#else
no_else
#endif
#ifdef FEATURE_ENABLE
feature
#endif
"""
    assert [t.text for t in preprocess(tokenize(source)).tokens] == ["yes_a"]
    assumed = preprocess(tokenize(source), assume_defined=lambda name: name.endswith("_ENABLE"))
    assert [t.text for t in assumed.tokens] == ["yes_a", "feature"]


def test_function_like_and_recursive_macros() -> None:
    pre = preprocess(tokenize("#define TWICE(x) x, x\n#define SELF SELF\n#define ROW TWICE(KC_A)\nROW SELF"))
    assert [t.text for t in expand(pre.tokens, pre.defines)] == ["KC_A", ",", "KC_A", "SELF"]


def test_render_spacing() -> None:
    assert render(tokenize("MT( MOD_LCTL|MOD_LSFT ,KC_A )")) == "MT(MOD_LCTL | MOD_LSFT, KC_A)"
    assert render(unwrap_parentheses(tokenize("((LT(1, (KC_A))))"))) == "LT(1, KC_A)"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 << 3", 8), ("(2 + 3) * 4", 20), ("~0 & 0xFF", 255), ("1 ? 7 : 9", 7), ("010", 8), ("0b101", 5), ("3u", 3)],
)
def test_int_expressions(text: str, value: int) -> None:
    assert IntExpression(tokenize(text), {}).evaluate() == value


def test_int_expression_names_and_errors() -> None:
    assert IntExpression(tokenize("LOWER + 1"), {"LOWER": 2}).evaluate() == 3
    with pytest.raises(ValueError, match="unknown name"):
        IntExpression(tokenize("NOPE"), {}).evaluate()
    assert parse_c_integer("0x1F") == 31


def test_statements_split_functions_from_data() -> None:
    tokens = tokenize("int a = 1; void f(void) { if (x) { y(); } } const int b[] = {1, 2};")
    spans = [render(tokens[a:b]) for a, b in iter_statements(tokens)]
    assert spans[0] == "int a=1"
    assert spans[1].startswith("void f(void)") and spans[1].endswith("}")
    assert spans[2] == "const int b[]={1, 2}"
