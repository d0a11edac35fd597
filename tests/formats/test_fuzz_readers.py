"""Property: whatever bytes arrive, a reader answers with a layout or with one positioned error.

Hypothesis mutates real files of each format (byte edits, hostile tokens, deep nesting,
repeated chunks, alias bombs) and runs what `keyconf validate` and `keyconf import` run.
Any exception other than the format's own error, or an error without a line, fails. The
example counts are small to keep the suite fast; bench/fuzz.py runs the same idea at scale.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyconf.cli.layout_files import check_loaded_layout
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import NoKeyboards, import_text, layout_text
from keyconf.formats.yaml_layout import LayoutFileError, loads_layout
from keyconf.formats.yaml_source import decode_text

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "interchange"
SEEDS = {
    "layout": [ROOT / "layouts" / "corne.yaml", ROOT / "layouts" / "planck.yaml"],
    "via": [DATA / "corne.layout.json"],
    "vil": [DATA / "corne.vil", DATA / "legacy_numbers.vil"],
    "keymap.json": [DATA / "kyria_macros.keymap.json", DATA / "corne_configurator.json"],
    "keymap.c": [DATA / "corne_layers.keymap.c"],
}
NAMES = {"layout": "f.yaml", "via": "f.layout.json", "vil": "f.vil", "keymap.json": "f.json", "keymap.c": "keymap.c"}
TOKENS = [b"[", b"]", b"{", b"}", b"(", b")", b",", b":", b"- ", b"&a ", b"*a", b"017", b"09", b"\x01", b"\x1b",
          b"\x7f", b"\t", b"\n---\n", b"'", b'"', b"\\", b"!!python/object ", b"<<: ", b"? ", b"-1", b"1e999",
          b"99999999999999999999", b"null", b"[]", b"{}", b"LT(", b"#define X X X\n", b"#if 1\n", b"#endif\n",
          b"/*", b"\xff", b"\xc3", b"LAYOUT(", b"keymaps["]

mutation = st.one_of(
    st.tuples(st.just("token"), st.floats(0, 1), st.sampled_from(TOKENS)),
    st.tuples(st.just("byte"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("nest"), st.floats(0, 1), st.tuples(st.sampled_from([b"[", b"{", b"("]),
                                                          st.sampled_from([70, 300, 3000]))),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.tuples(st.integers(1, 60), st.sampled_from([10, 300]))),
)


def apply(data: bytes, mutations: list[tuple[str, float, object]]) -> bytes:
    for kind, where, arg in mutations:
        i = int(where * len(data))
        if kind == "token":
            assert isinstance(arg, bytes)
            data = data[:i] + arg + data[i:]
        elif kind == "byte":
            assert isinstance(arg, int)
            data = data[:i] + bytes([arg]) + data[i + 1:]
        elif kind == "delete":
            assert isinstance(arg, int)
            data = data[:i] + data[i + arg:]
        elif kind == "nest":
            opener, depth = arg  # type: ignore[misc]
            data = data[:i] + opener * depth + data[i:]
        else:
            length, times = arg  # type: ignore[misc]
            data = data[:i] + data[i:i + length] * times + data[i:]
    return data


def validate_bytes(raw: bytes) -> None:
    checked = check_loaded_layout(loads_layout(decode_text(raw, "f.yaml"), "f.yaml"))
    assert all(p.line is not None for p in checked.problems if p.is_error), checked.problems


def import_bytes(raw: bytes, fmt: str) -> None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # read_text refuses it at its line (tested in test_interchange)
    imported = import_text(text, NAMES[fmt], finder=NoKeyboards(), format=fmt)
    if imported.layout.keyboard:
        layout_text(imported, NAMES[fmt])


@pytest.mark.parametrize("fmt", list(SEEDS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutants_get_a_layout_or_one_positioned_error(fmt: str, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(SEEDS[fmt])).read_bytes()
    raw = apply(seed, data.draw(st.lists(mutation, min_size=1, max_size=4)))
    try:
        if fmt == "layout":
            validate_bytes(raw)
        else:
            import_bytes(raw, fmt)
    except (FormatError, LayoutFileError) as error:
        assert error.line is not None, f"no position: {error}"
