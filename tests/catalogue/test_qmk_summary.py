"""Summaries of definition files and their merging follow QMK's rules."""

from __future__ import annotations

import pytest

from keyconf.catalogue.qmk_summary import (
    apply_rules,
    matrix_size,
    merge_summaries,
    parse_rules_mk,
    resolve_hardware,
    summarise_definition,
    usb_id,
)


def keys(count: int, cols: int = 10, matrix: bool = True) -> list[dict]:
    return [{"x": i % cols, "y": i // cols, **({"matrix": [i // cols, i % cols]} if matrix else {})}
            for i in range(count)]


def test_summary_keeps_what_the_catalogue_lists() -> None:
    summary = summarise_definition({
        "keyboard_name": "Board", "manufacturer": "Maker", "maintainer": "someone",
        "usb": {"vid": "0xFEED", "pid": "0x0001", "device_version": "1.0.0"},
        "matrix_pins": {"rows": ["B0", "B1"], "cols": ["C0", "C1", "C2"]},
        "split": {"enabled": True, "serial": {"pin": "D2"}},
        "layouts": {"LAYOUT": {"layout": keys(6, cols=3)}},
        "rgb_matrix": {"layout": keys(6)},
    })
    assert summary == {
        "keyboard_name": "Board", "manufacturer": "Maker", "usb": {"vid": "0xFEED", "pid": "0x0001"},
        "matrix_pins": {"rows": 2, "cols": 3}, "split": {"enabled": True},
        "layouts": {"LAYOUT": [6, True, 1, 2]},
    }


@pytest.mark.parametrize(("data", "reason"), [
    ([1, 2], "root is not an object"),
    ({"layouts": []}, "layouts is not an object"),
    ({"layouts": {"LAYOUT": {"keys": []}}}, "has no 'layout' list"),
    ({"layouts": {"LAYOUT": {"layout": [1]}}}, "not an object"),
    ({"layout_aliases": {"A": 1}}, "layout_aliases"),
    ({"community_layouts": "60_ansi"}, "community_layouts"),
])
def test_shapes_qmk_rejects(data, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        summarise_definition(data)


def test_odd_matrix_values_take_the_careful_path() -> None:
    layout = [{"x": 0, "y": 0, "matrix": [0, 1]}, {"x": 1, "y": 0, "matrix": [2, "3"]}, {"x": 2, "y": 0}]
    assert summarise_definition({"layouts": {"L": {"layout": layout}}})["layouts"]["L"] == [3, False, 0, 1]


def test_merge_order_is_qmks_most_specific_first_parents_update() -> None:
    child = summarise_definition({"keyboard_name": "Rev 2", "usb": {"pid": "0x0002"},
                                  "layouts": {"LAYOUT_old": {"layout": keys(4, matrix=False)}}})
    parent = summarise_definition({"keyboard_name": "Family", "manufacturer": "M", "usb": {"vid": "0x1234"},
                                   "layout_aliases": {"LAYOUT_old": "LAYOUT"},
                                   "layouts": {"LAYOUT": {"layout": keys(4)}, "LAYOUT_big": {"layout": keys(9)}}})
    merged, problems = merge_summaries([child, parent])
    # The child's layout lacks matrix positions, so QMK drops it; the parent brings the layouts.
    assert problems == ['LAYOUT_old: a key has no "matrix" position, so QMK drops this layout']
    assert list(merged["layouts"]) == ["LAYOUT", "LAYOUT_big"]
    assert merged["keyboard_name"] == "Family"  # a later (parent) file's value wins, as in QMK
    assert merged["usb"] == {"pid": "0x0002", "vid": "0x1234"}
    assert merged["layout_aliases"] == {"LAYOUT_old": "LAYOUT"}


def test_merging_a_repeated_layout_needs_the_same_key_count() -> None:
    first = summarise_definition({"layouts": {"LAYOUT": {"layout": keys(4)}}})
    second = summarise_definition({"layouts": {"LAYOUT": {"layout": keys(5)}}})
    merged, problems = merge_summaries([first, second])
    assert merged["layouts"]["LAYOUT"][0] == 4
    assert problems == ["LAYOUT: files disagree on the number of keys (4 and 5)"]


def test_rules_mk_reading_follows_qmk() -> None:
    text = ("# comment\nMCU = atmega32u4  # trailing\nBOOTLOADER ?= caterina\nBOOTLOADER ?= atmel-dfu\n"
            "MCU := RP2040\nDEFAULT_FOLDER = a/rev1\nOTHER = 1\nMCU += extra\n")
    ops = parse_rules_mk(text)
    assert ops == [["=", "MCU", "atmega32u4"], ["?=", "BOOTLOADER", "caterina"], ["?=", "BOOTLOADER", "atmel-dfu"],
                   ["=", "MCU", "RP2040"], ["=", "DEFAULT_FOLDER", "a/rev1"], ["+=", "MCU", "extra"]]
    assert apply_rules(ops) == {"MCU": "RP2040 extra", "BOOTLOADER": "caterina", "DEFAULT_FOLDER": "a/rev1"}


def test_matrix_size() -> None:
    assert matrix_size({"matrix_size": {"rows": 3, "cols": 4}, "matrix_pins": {"rows": 9, "cols": 9}}) == (3, 4)
    assert matrix_size({"matrix_pins": {"rows": 4, "cols": 6}, "split": {"enabled": True}}) == (8, 6)
    assert matrix_size({"matrix_pins": {"direct": [2, 5]}}) == (2, 5)
    assert matrix_size({"layouts": {"L": [3, True, 4, 11]}}) == (5, 12)


def test_usb_ids_and_hardware() -> None:
    assert usb_id("0x4653") == 0x4653
    assert [usb_id(v) for v in ("4653", "0xZZ", None, "0x1FFFF")] == [None, None, None, None]
    defaults = {"promicro": {"processor": "atmega32u4", "bootloader": "caterina"}}
    assert resolve_hardware({"development_board": "promicro"}, {}, defaults) == ("atmega32u4", "caterina")
    assert resolve_hardware({"processor": "RP2040"}, {"MCU": "STM32F072"}, defaults) == ("STM32F072", None)
    assert resolve_hardware({}, {}, defaults) == ("atmega32u4", None)  # QMK's default MCU
