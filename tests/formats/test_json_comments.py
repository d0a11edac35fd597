"""Comments and trailing commas of a hand-kept keymap.json, blanked for the strict reader."""

from __future__ import annotations

import json

import pytest

from keyconf.formats.format_error import FormatError
from keyconf.formats.json_comments import without_comments
from keyconf.formats.qmk_keymap_json import read_keymap_json


def test_comments_and_trailing_commas_go_and_strings_stay() -> None:
    text = ('{\n  // the base layer\n  "notes": "see http://x.org/#a, /* not a comment */",  # mine\n'
            '  "layers": [["KC_A", "KC_B",], /* two */ ["KC_C",\n  ],],\n}\n')
    relaxed = without_comments(text)
    assert relaxed is not None and len(relaxed) == len(text)
    assert relaxed.count("\n") == text.count("\n")  # lines, so positions, stay
    assert json.loads(relaxed) == {"notes": "see http://x.org/#a, /* not a comment */",
                                   "layers": [["KC_A", "KC_B"], ["KC_C"]]}


def test_plain_json_is_left_alone() -> None:
    assert without_comments('{"a": ["x, ]", "// y"]}') is None


def test_a_hostile_number_behind_a_comment_is_still_the_strict_readers_error() -> None:
    text = '{\n  // mine\n  "keyboard": "planck/rev6",\n  "layers": [["KC_A"]],\n  "x": NaN\n}'
    with pytest.raises(FormatError) as refused:
        read_keymap_json(text, "keymap.json")
    assert refused.value.line == 2  # the first thing strict JSON stops at


@pytest.mark.parametrize("size", [10_000, 200_000])
def test_an_unterminated_comment_or_string_is_refused_not_scanned_forever(size: int) -> None:
    for text in ('{"a": 1 /*' + "x" * size, '{"a": "' + "x" * size, "[" + '"a",' * size):
        relaxed = without_comments(text)
        assert relaxed is None or len(relaxed) == len(text)


def test_thousands_of_unterminated_comments_cost_no_more_than_the_text() -> None:
    # Each `/*` without a `*/` after it was scanned to the end (20,000 of them: 4 s); the first is left as it is,
    # for the strict reader to refuse there.
    import time

    text = '{\n  "layers": [["KC_A"]],\n  ' + "/* " * 20_000 + "\n}"
    start = time.process_time()
    assert without_comments(text) is None
    with pytest.raises(FormatError) as refused:
        read_keymap_json(text, "keymap.json")
    assert time.process_time() - start < 0.5
    assert (refused.value.line, refused.value.column) == (3, 3)
    assert without_comments('{"a": 1 /**/, "b": 2 /*/}') == '{"a": 1     , "b": 2 /*/}'
