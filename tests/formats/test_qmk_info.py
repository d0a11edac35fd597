"""QMK info.json / keyboard.json loading: fields, matrix size, encoders, tree merging, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyconf.formats.definition_source import MAX_DEFINITION_BYTES, DataSource
from keyconf.formats.qmk_info import (
    KeyboardDefinitionError,
    _parse_key,
    _parse_key_checked,
    find_info_files,
    keyboard_from_info,
    load_community_layout,
    load_info_file,
    load_qmk_keyboard,
    merged_info_json,
    resolve_keyboard_name,
)
from keyconf.model.keyboard import Key


def ortho(rows: int, cols: int, row_offset: int = 0) -> list[dict[str, Any]]:
    return [{"matrix": [r + row_offset, c], "x": c, "y": r} for r in range(rows) for c in range(cols)]


def minimal(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "keyboard_name": "Test Board",
        "manufacturer": "Acme",
        "matrix_pins": {"rows": ["B0", "B1"], "cols": ["C0", "C1", "C2"]},
        "layouts": {"LAYOUT_ortho_2x3": {"layout": ortho(2, 3)}},
    }
    data.update(extra)
    return data


def test_fields_are_read() -> None:
    data = minimal(
        processor="STM32F303",
        bootloader="stm32-dfu",
        usb={"vid": "0x03A8", "pid": "0xA4F9", "device_version": "0.0.6"},
        community_layouts=["ortho_2x3"],
        layout_aliases={"LAYOUT": "LAYOUT_ortho_2x3"},
        keyboard_folder="acme/test",
    )
    kb = keyboard_from_info(data)
    assert kb.name == "acme/test"
    assert kb.display_name == "Test Board" and kb.manufacturer == "Acme"
    assert (kb.matrix_rows, kb.matrix_cols) == (2, 3)
    assert (kb.processor, kb.bootloader) == ("STM32F303", "stm32-dfu")
    assert (kb.usb_vid, kb.usb_pid) == (0x03A8, 0xA4F9)
    assert kb.community_layouts == ["ortho_2x3"]
    assert kb.layout("LAYOUT").name == "LAYOUT_ortho_2x3"
    assert kb.layout().key_count == 6
    assert kb.layout().keys[4].matrix == (1, 1)
    assert keyboard_from_info(data, "other/name").name == "other/name"


def test_key_fields_and_iso_enter() -> None:
    layout = [
        {"matrix": [0, 0], "x": 0, "y": 0, "w": 1.5, "label": "Tab"},
        {"matrix": [0, 1], "x": 13.75, "y": 0, "w": 1.25, "h": 2},
        {"matrix": [1, 0], "x": 3, "y": 4, "r": 15, "rx": 3, "ry": 4.5},
    ]
    kb = keyboard_from_info(minimal(layouts={"LAYOUT": {"layout": layout}}))
    tab, enter, thumb = kb.layout().keys
    assert tab.w == 1.5 and tab.label == "Tab" and tab.secondary is None
    assert enter.secondary is not None and enter.secondary.w == 1.5 and enter.secondary.x == -0.25
    assert (thumb.r, thumb.rx, thumb.ry) == (15, 3, 4.5)


def test_split_doubles_rows_and_direct_pins_count() -> None:
    split = minimal(split={"enabled": True}, layouts={"LAYOUT": {"layout": ortho(2, 3) + ortho(2, 3, 2)}})
    assert keyboard_from_info(split).matrix_rows == 4
    direct = minimal(
        matrix_pins={"direct": [["A0", "A1", None, None]]}, layouts={"L": {"layout": ortho(1, 2)}}
    )
    kb = keyboard_from_info(direct)
    assert (kb.matrix_rows, kb.matrix_cols) == (1, 4)


def test_matrix_size_falls_back_to_largest_position() -> None:
    data = minimal()
    del data["matrix_pins"]
    data["layouts"]["LAYOUT_ortho_2x3"]["layout"].append({"matrix": [5, 7], "x": 9, "y": 9})
    kb = keyboard_from_info(data)
    assert (kb.matrix_rows, kb.matrix_cols) == (6, 8)
    assert keyboard_from_info(minimal(matrix_size={"rows": 9, "cols": 9})).matrix_rows == 9


def test_encoders_counted_and_placed() -> None:
    layout = ortho(2, 3)
    layout[2]["encoder"] = 1
    data = minimal(
        encoder={"rotary": [{"pin_a": "B12", "pin_b": "B13"}]},
        split={"enabled": True},
        layouts={"LAYOUT": {"layout": layout}},
    )
    kb = keyboard_from_info(data)
    assert [e.index for e in kb.encoders] == [0, 1]  # the right half repeats the left's encoder
    assert kb.encoders[0].x is None and kb.encoders[1].x == 2.5 and kb.encoders[1].y == 0.5
    data["split"]["encoder"] = {"right": {"rotary": []}}
    assert len(keyboard_from_info(data).encoders) == 2  # the key marks encoder 1 anyway
    data["split"]["encoder"] = {"right": {"rotary": [{}, {}]}}
    assert len(keyboard_from_info(data).encoders) == 3


# --- errors --------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "info.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_x_names_file_line_and_key(tmp_path: Path) -> None:
    data = minimal()
    del data["layouts"]["LAYOUT_ortho_2x3"]["layout"][4]["x"]
    path = write(tmp_path, json.dumps(data, indent=2))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    err = caught.value
    assert err.path == str(path)
    assert err.where == "layouts.LAYOUT_ortho_2x3.layout[4]"
    assert "'x'" in err.message
    lines = path.read_text().splitlines()
    assert err.line is not None and err.column is not None
    # The reported position is the opening brace of the fifth key.
    assert lines[err.line - 1][err.column - 1] == "{"
    assert '"matrix"' in lines[err.line] and "1," in lines[err.line + 1]
    assert str(err).startswith(f"{path}:{err.line}:{err.column}: layouts.LAYOUT_ortho_2x3.layout[4]:")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ({"x": "1", "y": 0}, "'x' must be a number, not the string '1'"),
        ({"x": 0, "y": True}, "'y' must be a number, not a boolean"),
        ({"x": 0, "y": 0, "matrix": [0]}, "'matrix' must be [row, column]"),
        ({"x": 0, "y": 0, "matrix": [0, -1]}, "'matrix' must be [row, column]"),
        ({"x": 0, "y": 0, "w": 0}, "must be positive"),
        ({"x": 0, "y": 0, "encoder": "a"}, "'encoder' must be a whole number"),
        ({"x": 0, "y": 0, "label": 5}, "'label' must be a string"),
        ([0, 0], "a key must be an object"),
    ],
)
def test_wrong_types_are_reported(tmp_path: Path, key: Any, fragment: str) -> None:
    data = minimal(layouts={"LAYOUT": {"layout": [{"matrix": [0, 0], "x": 0, "y": 0}, key]}})
    path = write(tmp_path, json.dumps(data, indent=1))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert fragment in caught.value.message
    assert caught.value.line is not None
    assert caught.value.where is not None and caught.value.where.startswith("layouts.LAYOUT.layout[1]")


def test_broken_json_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "layouts": {\n    "LAYOUT": {"layout": [{"x": 0, "y": 0}\n')
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert caught.value.line is not None and caught.value.line >= 3
    assert "invalid JSON" in caught.value.message


def test_garbage_and_huge_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(KeyboardDefinitionError, match="not UTF-8"):
        load_info_file(binary)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(MAX_DEFINITION_BYTES + 1)
    with pytest.raises(KeyboardDefinitionError, match="more than any keyboard definition"):
        load_info_file(huge)
    with pytest.raises(KeyboardDefinitionError, match="cannot read"):
        load_info_file(tmp_path / "missing.json")
    with pytest.raises(KeyboardDefinitionError, match="must be a JSON object"):
        load_info_file(write(tmp_path, "[1, 2]"))


def test_duplicate_keys_are_refused_like_qmk(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n "keyboard_name": "a",\n "keyboard_name": "b",\n "layouts": {}\n}')
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert "duplicate key 'keyboard_name'" in caught.value.message
    assert caught.value.line == 3


def test_matrix_position_outside_or_twice(tmp_path: Path) -> None:
    data = minimal()
    data["layouts"]["LAYOUT_ortho_2x3"]["layout"][5]["matrix"] = [2, 0]
    with pytest.raises(KeyboardDefinitionError, match=r"\[2, 0\] is outside the 2x3 matrix"):
        keyboard_from_info(data)
    data["layouts"]["LAYOUT_ortho_2x3"]["layout"][5]["matrix"] = [0, 0]
    with pytest.raises(KeyboardDefinitionError, match=r"used twice .*keys 0 and 5"):
        keyboard_from_info(data)


def test_no_layouts_and_bad_usb() -> None:
    with pytest.raises(KeyboardDefinitionError, match="no layouts"):
        keyboard_from_info({"keyboard_name": "x"})
    with pytest.raises(KeyboardDefinitionError, match="hex string"):
        keyboard_from_info(minimal(usb={"vid": "banana"}))


def test_hjson_with_comments_loads(tmp_path: Path) -> None:
    text = """
    // QMK reads info.json as HJSON
    {
      keyboard_name: Commented
      usb: {vid: "0xFEED", pid: "0x0001"}  # trailing comment
      matrix_pins: {rows: ["B0"], cols: ["C0", "C1"]}
      layouts: {
        LAYOUT: {layout: [
          {matrix: [0, 0], x: 0, y: 0}
          {matrix: [0, 1], x: 1, y: 0}
        ]}
      }
    }
    """
    kb = load_info_file(write(tmp_path, text), "hand/made")
    assert kb.display_name == "Commented" and kb.usb_vid == 0xFEED
    assert kb.layout().key_count == 2 and kb.name == "hand/made"


def test_hjson_error_keeps_position(tmp_path: Path) -> None:
    path = write(tmp_path, "{\n  a: 1\n  b: [1, 2\n}\n")
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert caught.value.line is not None


# --- qmk_firmware trees ----------------------------------------------------------------------------


@pytest.fixture
def qmk_tree(tmp_path: Path) -> Path:
    """A small qmk_firmware-shaped tree: a parent info.json (HJSON) and two revisions."""
    kb = tmp_path / "keyboards" / "acme" / "split42"
    (kb / "rev1").mkdir(parents=True)
    (kb / "rev2").mkdir(parents=True)
    (tmp_path / "data" / "mappings").mkdir(parents=True)
    (tmp_path / "data" / "mappings" / "keyboard_aliases.hjson").write_text(
        '{\n  // renamed boards\n  "split42": {target: "acme/split42"}\n'
        '  "acme/split42": {target: "acme/split42/rev1"}\n}'
    )
    (tmp_path / "data" / "mappings" / "defaults.hjson").write_text(
        '{"development_board": {"promicro": {"processor": "atmega32u4", "bootloader": "caterina"}}}'
    )
    (tmp_path / "keyboards" / "acme" / "info.json").write_text('{"manufacturer": "Acme Corp", "url": "x"}')
    (kb / "info.json").write_text(
        """{
          // shared by every revision
          manufacturer: Acme
          usb: {vid: "0xACE0"}
          split: {enabled: true}
          layout_aliases: {LAYOUT: "LAYOUT_split_2x3"}
          layouts: {
            LAYOUT_split_2x3: {layout: [
              {"x": 0, "y": 0, "label": "L0"}, {"x": 1, "y": 0}, {"x": 2, "y": 0},
              {"x": 5, "y": 0}, {"x": 6, "y": 0}, {"x": 7, "y": 0, "label": "R2"}
            ]}
          }
        }"""
    )
    layout = [{"matrix": [0, c], "x": c, "y": 0} for c in range(3)]
    layout += [{"matrix": [1, c], "x": 5 + c, "y": 0.25} for c in range(3)]
    (kb / "rev1" / "keyboard.json").write_text(
        json.dumps(
            {
                "keyboard_name": "Split42 rev1",
                "manufacturer": "Acme rev1",
                "usb": {"pid": "0x0001"},
                "development_board": "promicro",
                "matrix_pins": {"rows": ["D4"], "cols": ["F4", "F5", "F6"]},
                "layouts": {"LAYOUT_split_2x3": {"layout": layout}},
            }
        )
    )
    (kb / "rev2" / "keyboard.json").write_text(
        json.dumps(
            {
                "processor": "RP2040",
                "bootloader": "rp2040",
                "matrix_pins": {"rows": ["GP1"], "cols": ["GP2", "GP3", "GP4"]},
                "layout_aliases": {"LAYOUT": "LAYOUT_split_2x3"},
                "layouts": {"LAYOUT": {"layout": layout}},  # an alias name: QMK files it under the target
            }
        )
    )
    return tmp_path


def test_tree_merges_parent_info_json(qmk_tree: Path) -> None:
    kb = load_qmk_keyboard(qmk_tree, "acme/split42/rev1")
    assert kb.name == "acme/split42/rev1"
    assert kb.display_name == "Split42 rev1"
    assert (kb.usb_vid, kb.usb_pid) == (0xACE0, 0x0001)
    assert (kb.matrix_rows, kb.matrix_cols) == (2, 3)  # split: the parent's split doubles rows
    assert (kb.processor, kb.bootloader) == ("atmega32u4", "caterina")  # from development_board
    keys = kb.layout("LAYOUT").keys
    assert keys[0].label == "L0" and keys[0].matrix == (0, 0)
    assert keys[5].label == "R2" and keys[5].matrix == (1, 2)
    assert keys[5].y == 0  # the parent file is applied after the child, as in QMK
    rev2 = load_qmk_keyboard(qmk_tree, "acme/split42/rev2")
    assert rev2.processor == "RP2040" and list(rev2.layouts) == ["LAYOUT_split_2x3"]


def test_qmk_merge_order_lets_parents_win(qmk_tree: Path) -> None:
    """QMK's merge_info_jsons applies the most specific file first and parents after."""
    files = find_info_files(qmk_tree, "acme/split42/rev1")
    assert [f.relative_to(qmk_tree / "keyboards").as_posix() for f in files] == [
        "acme/split42/rev1/keyboard.json",
        "acme/split42/info.json",
        "acme/info.json",
    ]
    assert merged_info_json(qmk_tree, "acme/split42/rev1")["manufacturer"] == "Acme Corp"


def test_tree_follows_keyboard_aliases(qmk_tree: Path) -> None:
    assert resolve_keyboard_name(qmk_tree, "split42") == "acme/split42/rev1"
    kb = load_qmk_keyboard(qmk_tree, "split42")
    assert kb.name == "acme/split42/rev1" and "split42" in kb.keyboard_aliases


def test_tree_default_folder_in_rules_mk(qmk_tree: Path) -> None:
    (qmk_tree / "data" / "mappings" / "keyboard_aliases.hjson").write_text("{}")
    (qmk_tree / "keyboards" / "acme" / "split42" / "rules.mk").write_text(
        "DEFAULT_FOLDER = acme/split42/rev2\n"
    )
    assert resolve_keyboard_name(qmk_tree, "acme/split42") == "acme/split42/rev2"


def test_tree_errors_point_at_the_file(qmk_tree: Path) -> None:
    with pytest.raises(KeyboardDefinitionError, match="no keyboard 'acme/nope'"):
        load_qmk_keyboard(qmk_tree, "acme/nope")
    parent = qmk_tree / "keyboards" / "acme" / "split42" / "info.json"
    parent.write_text(parent.read_text().replace('{"x": 1, "y": 0}', '{"x": 1, "y": "top"}'))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_qmk_keyboard(qmk_tree, "acme/split42/rev1")
    assert caught.value.path == str(parent)
    assert "'y' must be a number" in caught.value.message


def test_tree_layout_key_count_mismatch(qmk_tree: Path) -> None:
    parent = qmk_tree / "keyboards" / "acme" / "split42" / "info.json"
    parent.write_text(parent.read_text().replace('{"x": 1, "y": 0}, ', ""))
    with pytest.raises(KeyboardDefinitionError, match="has 5 keys here but 6"):
        load_qmk_keyboard(qmk_tree, "acme/split42/rev1")


def test_tree_key_error_has_line(qmk_tree: Path) -> None:
    child = qmk_tree / "keyboards" / "acme" / "split42" / "rev1" / "keyboard.json"
    data = json.loads(child.read_text())
    data["layouts"]["LAYOUT_split_2x3"]["layout"][3]["matrix"] = [1, "x"]
    child.write_text(json.dumps(data, indent=2))
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_qmk_keyboard(qmk_tree, "acme/split42/rev1")
    err = caught.value
    assert err.path == str(child) and err.line is not None
    assert err.where == "layouts.LAYOUT_split_2x3.layout[3].matrix"


def test_mapping_files_are_reread_when_they_change(qmk_tree: Path) -> None:
    aliases = qmk_tree / "data" / "mappings" / "keyboard_aliases.hjson"
    assert resolve_keyboard_name(qmk_tree, "s42") == "s42"
    aliases.write_text('{"s42": {"target": "acme/split42/rev2"}, "extra": {"target": "x"}}')
    assert resolve_keyboard_name(qmk_tree, "s42") == "acme/split42/rev2"


scalar = st.one_of(
    st.integers(-3, 30),
    st.floats(-5, 30),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)
raw_key = st.dictionaries(
    st.sampled_from(["x", "y", "w", "h", "r", "rx", "ry", "label", "encoder"]), scalar, max_size=9
).flatmap(
    lambda d: st.one_of(
        st.just(d),
        st.builds(
            lambda m: {**d, "matrix": m}, st.lists(st.one_of(st.integers(-1, 9), st.booleans()), max_size=3)
        ),
    )
)


@settings(max_examples=300, deadline=None)
@given(raw_key)
def test_fast_key_path_agrees_with_checked_path(raw: dict[str, Any]) -> None:
    """The fast path for plain keys must accept and build exactly what the careful path does."""
    src = DataSource()
    try:
        expected: Key | str = _parse_key_checked(src, raw, ["k"])
    except KeyboardDefinitionError as exc:
        expected = exc.message
    try:
        got: Key | str = _parse_key(src, raw, ["k"])
    except KeyboardDefinitionError as exc:
        got = exc.message
    assert got == expected


def test_community_layout(tmp_path: Path) -> None:
    folder = tmp_path / "layouts" / "default" / "split_1x2"
    folder.mkdir(parents=True)
    (folder / "info.json").write_text(
        "{\n  // shared geometry, no matrix\n"
        '  "layouts": {"LAYOUT_split_1x2": {"layout": [{"x": 0, "y": 0}, {"x": 3, "y": 0}]}}\n}'
    )
    macro = load_community_layout(tmp_path, "split_1x2")
    assert macro.name == "LAYOUT_split_1x2" and macro.key_count == 2
    assert all(k.matrix is None for k in macro.keys)
    with pytest.raises(KeyboardDefinitionError, match="no community layout 'nope'"):
        load_community_layout(tmp_path, "nope")


def test_a_duplicate_key_spelled_with_an_escape_is_refused_at_its_place(tmp_path: Path) -> None:
    # "keyboard\u005fname" is "keyboard_name" to the parser: the text search for the second did not find it,
    # and the error had no line (fuzzing a qmk_module.json).
    path = write(tmp_path, '{\n "keyboard_name": "a",\n "layouts": {},\n  "keyboard\\u005fname": "b"\n}')
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert caught.value.message == "duplicate key 'keyboard_name'"
    assert (caught.value.line, caught.value.column) == (4, 3)


def test_a_duplicate_bare_key_right_after_a_string_is_refused_at_its_place(tmp_path: Path) -> None:
    # HJSON reads `"x"key": 1` as a string and a bare key `key"` (fuzzing a qmk_module.json): the search for
    # the key, which wants no quote before a bare key, did not find it, and the error had no line.
    path = write(tmp_path, '{\n  a: "x"key": 1\n  b: 2\n  c: "y"key": 3\n}')
    with pytest.raises(KeyboardDefinitionError) as caught:
        load_info_file(path)
    assert caught.value.message == "duplicate key 'key\"'"
    assert (caught.value.line, caught.value.column) == (4, 9)
