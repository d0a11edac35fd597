"""Parsed layout files kept between runs (`yaml_cache`): a reopened file gives the document the
parser gives, without the parser, and only for exactly the text that was parsed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from keyconf.formats import yaml_cache, yaml_layout, yaml_layout_read
from keyconf.formats.yaml_cache import (
    MAX_LAYOUTS,
    cached_document,
    document_from_data,
    document_to_data,
    entry_file,
    remember_document,
)
from keyconf.formats.yaml_layout import load_layout
from keyconf.formats.yaml_source import Scalar, YamlDocument, parse_yaml

REPO = Path(__file__).resolve().parents[2]
LAYOUTS = sorted((REPO / "layouts").glob("*.yaml"))

TRICKY = """\
# every kind of scalar a hand-written layout may hold
keyboard: "planck/rev6"
layout: LAYOUT_ortho_4x12
version: 1
settings: {TAPPING_TERM: 200, PERMISSIVE_HOLD: yes, nothing: ~, ratio: 1.5, when: 2024-03-31}
layers:
  base: [KC_Q, 'LT(nav, KC_W)', "KC_E", NO, 0x7C00, ON, KC_TRNS]
  nav:
    - [KC_1, KC_2]
    - []
macros:
  hello: |
    multi
    line
  folded: >
    folded text
"""


def assert_same(a: YamlDocument, b: YamlDocument) -> None:
    assert a.data == b.data and a.spans == b.spans and a.key_spans == b.key_spans

    def tags(value: object) -> list[object]:
        if isinstance(value, Scalar):
            return [type(value), value.tag]
        if isinstance(value, list):
            return [type(value), *(t for v in value for t in tags(v))]
        if isinstance(value, dict):
            return [type(value), *(t for k, v in value.items() for t in (k, *tags(v)))]
        return [type(value)]

    assert tags(a.data) == tags(b.data)  # equal text is not enough: the YAML tags and types too


@pytest.mark.parametrize("text", [TRICKY, *(p.read_text("utf-8") for p in LAYOUTS)],
                         ids=["tricky", *(p.stem for p in LAYOUTS)])
def test_a_document_survives_the_cache(text):
    parsed = parse_yaml(text, "x.yaml")
    stored = json.loads(json.dumps(document_to_data(parsed)))
    assert_same(document_from_data(stored), parsed)


def test_only_the_same_text_of_the_same_file_hits(tmp_path):
    cache = tmp_path / "layouts"
    document = parse_yaml(TRICKY)
    remember_document("/a/x.yaml", TRICKY, document, cache)
    hit = cached_document("/a/x.yaml", TRICKY, cache)
    assert hit is not None
    assert_same(hit, document)
    assert cached_document("/a/x.yaml", TRICKY.replace("KC_Q", "KC_A"), cache) is None  # the file changed
    assert cached_document("/a/other.yaml", TRICKY, cache) is None
    assert cached_document("/a/x.yaml", TRICKY, tmp_path / "absent") is None
    # Another file whose entry lands in the same place is told apart by the entry's own key.
    entry_file("/a/x.yaml", cache).rename(entry_file("/a/other.yaml", cache))
    assert cached_document("/a/other.yaml", TRICKY, cache) is None


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"context": 1}', '{"context": {"format": 0}}'])
def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(tmp_path, content):
    cache = tmp_path / "layouts"
    cache.mkdir()
    entry_file("/a/x.yaml", cache).write_text(content)
    assert cached_document("/a/x.yaml", TRICKY, cache) is None
    remember_document("/a/x.yaml", TRICKY, parse_yaml(TRICKY), cache)
    assert cached_document("/a/x.yaml", TRICKY, cache) is not None


@pytest.mark.parametrize("damage", [
    lambda d: d["tags"].pop(),  # fewer tags than scalars
    lambda d: d["tags"].append("tag:yaml.org,2002:str"),  # more
    lambda d: d["tags"].__setitem__(0, 5),
    lambda d: d["spans"][0].__setitem__(1, "one"),
    lambda d: d["spans"][0].pop(),
    lambda d: d["key_spans"][0].__setitem__(0, [{"a": 1}]),
    lambda d: d.__setitem__("data", {"keyboard": 5}),
    lambda d: d.pop("spans"),
])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    cache = tmp_path / "layouts"
    remember_document("/a/x.yaml", TRICKY, parse_yaml(TRICKY), cache)
    file = entry_file("/a/x.yaml", cache)
    stored = json.loads(file.read_text())
    damage(stored["document"])
    file.write_text(json.dumps(stored))
    assert cached_document("/a/x.yaml", TRICKY, cache) is None


def test_the_cache_keeps_the_last_few_files(tmp_path):
    cache = tmp_path / "layouts"
    for n in range(MAX_LAYOUTS + 2):
        remember_document(f"/a/{n}.yaml", TRICKY, parse_yaml(TRICKY), cache)
        time.sleep(0.02)  # distinct file times, the order the entries are kept by
    assert len(list(cache.iterdir())) == MAX_LAYOUTS
    kept = [n for n in range(MAX_LAYOUTS + 2) if cached_document(f"/a/{n}.yaml", TRICKY, cache) is not None]
    assert kept == list(range(2, MAX_LAYOUTS + 2))


def test_a_remembered_load_reopens_the_file_without_the_parser(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_cache, "cache_folder", lambda: tmp_path / "cache" / "layouts")
    path = tmp_path / "planck.yaml"
    path.write_text((REPO / "layouts" / "planck.yaml").read_text("utf-8"))
    first = load_layout(path, remembered=True)

    def no_parser(*_args: object) -> None:
        raise AssertionError("parsed again")

    with monkeypatch.context() as patch:
        patch.setattr(yaml_layout_read, "parse_yaml", no_parser)
        again = load_layout(path, remembered=True)
        with pytest.raises(AssertionError, match="parsed again"):
            load_layout(path)  # without `remembered`, a file is always parsed
    assert again.layout == first.layout and again.positions == first.positions
    assert again.row_lengths == first.row_lengths and again.text == first.text
    assert_same(again.document, first.document)
    # An edited file is parsed again, and what it now says is read.
    path.write_text(path.read_text().replace("KC_Q", "KC_F13", 1))
    edited = load_layout(path, remembered=True)
    assert "KC_F13" in edited.layout.layers[0].keys
    # A file keyconf cannot read says so as before, with its position.
    path.write_text("keyboard: [\n")
    with pytest.raises(yaml_layout.LayoutFileError) as error:
        load_layout(path, remembered=True)
    assert error.value.line is not None
