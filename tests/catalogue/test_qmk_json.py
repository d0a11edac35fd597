"""QMK data files: JSON first, JSON with comments next, HJSON last, all giving what QMK reads."""

from __future__ import annotations

import json

import hjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.catalogue.qmk_json import KeyboardDefinitionError, parse_qmk_json, read_qmk_json, strip_comments


def test_plain_json() -> None:
    assert parse_qmk_json('{"a": [1, 2], "b": "x"}') == {"a": [1, 2], "b": "x"}


def test_comments_and_trailing_commas_leave_strings_alone() -> None:
    text = """// heading
    {
        "url": "https://example.com/a//b", /* block */
        "hash": "#not a comment",
        "quote": "say \\"//\\" twice",  # hash comment
        "list": [1, 2, 3,],
    }
    """
    expected = {"url": "https://example.com/a//b", "hash": "#not a comment", "quote": 'say "//" twice',
                "list": [1, 2, 3]}
    assert parse_qmk_json(text) == expected == hjson.loads(text)


def test_real_hjson_syntax_goes_to_the_hjson_parser() -> None:
    text = "{\n  keyboard_name: Quoteless Board\n  layouts: {\n    LAYOUT: {layout: [{x: 0, y: 0}]}\n  }\n}\n"
    assert parse_qmk_json(text) == {"keyboard_name": "Quoteless Board", "layouts": {"LAYOUT": {"layout": [
        {"x": 0, "y": 0}]}}}


def test_broken_file_error_names_file_line_and_column(tmp_path) -> None:
    path = tmp_path / "keyboard.json"
    path.write_text('{\n  "a": 1,\n  "b": ]\n}\n')
    with pytest.raises(KeyboardDefinitionError) as caught:
        read_qmk_json(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 3
    assert str(path) in str(error)


def test_unreadable_and_binary_files(tmp_path) -> None:
    with pytest.raises(KeyboardDefinitionError, match="cannot read"):
        read_qmk_json(tmp_path / "missing.json")
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(KeyboardDefinitionError, match="UTF-8"):
        read_qmk_json(binary)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(json_values, st.sampled_from(["// c\n", "/* c */", "# c\n"]))
def test_commented_json_reads_as_hjson_does(value, comment) -> None:
    """Comments between tokens and trailing commas never change the value, strings never lose text."""
    text = json.dumps({"v": value, "s": "a//b/*c*/#d"}, indent=1)
    commented = comment + text.replace(",\n", f", {comment}").replace("\n}", ",\n}")
    assert parse_qmk_json(commented) == hjson.loads(commented) == {"v": value, "s": "a//b/*c*/#d"}
    assert json.loads(strip_comments(text)) == json.loads(text)
