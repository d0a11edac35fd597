"""Reading a QMK tree: spec version, keyboards with aliases, layouts, processors, dialect."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.compiler.qmk_tree import QmkTree, TreeError, compilers_for_processor, is_qmk_tree
from tests.compiler.fake_tree import make_fake_tree


@pytest.fixture
def tree(tmp_path: Path) -> QmkTree:
    return QmkTree(make_fake_tree(tmp_path / "qmk_firmware"))


def test_recognises_a_tree(tree: QmkTree, tmp_path: Path) -> None:
    assert is_qmk_tree(tree.root)
    assert not is_qmk_tree(tmp_path)


def test_keycode_spec_version_is_the_newest_file(tmp_path: Path) -> None:
    assert QmkTree(make_fake_tree(tmp_path / "a", spec="0.0.3")).keycode_spec_version == "0.0.3"
    assert QmkTree(make_fake_tree(tmp_path / "b", spec="0.0.7")).keycode_spec_version == "0.0.7"
    assert QmkTree(make_fake_tree(tmp_path / "c", spec=None)).keycode_spec_version is None


def test_keyboard_aliases_and_default_folder(tree: QmkTree) -> None:
    assert tree.resolve_keyboard("testco/ortho") == "testco/ortho"
    assert tree.resolve_keyboard("oldname") == "testco/ortho"
    assert tree.resolve_keyboard("older") == "testco/ortho"  # an alias of an alias
    assert tree.resolve_keyboard("testco/split") == "testco/split/rev2"
    assert tree.resolve_keyboard("testco") is None  # a folder, not a keyboard
    assert tree.resolve_keyboard("nope") is None
    assert tree.resolve_keyboard("../../etc") is None


def test_keyboard_from_merged_info(tree: QmkTree) -> None:
    board = tree.keyboard("oldname")
    assert board.folder == "testco/ortho"
    assert board.layouts == {"LAYOUT_ortho_2x3": 6}
    assert board.resolve_layout("LAYOUT") == "LAYOUT_ortho_2x3"
    assert board.resolve_layout("LAYOUT_missing") is None
    assert board.processor == "STM32F411"
    assert board.geometry is not None and board.geometry.manufacturer == "Test Co"  # from the parent folder
    assert board.bootloader == "stm32-dfu"
    assert board.encoder_count == 1
    assert board.has_via_keymap


def test_a_custom_bootloader_is_named_by_the_dfu_args_of_the_boards_rules_mk(tmp_path: Path) -> None:
    """ZSA's Voyager: `"bootloader": "custom"` and DFU_ARGS in rules.mk; its firmware's metadata names the
    bootloader keyconf flashes it with (ZSA's DFU, behind 8 KiB), not `custom`, which no flasher knows."""
    root = make_fake_tree(tmp_path / "qmk_firmware")
    for name, args in (("voyager", "-d 3297:0791 -a 0 -s 0x08002000:leave"), ("other", "-d 1688:2220 -a 0")):
        board = root / "keyboards" / "zsa" / name
        board.mkdir(parents=True)
        (board / "keyboard.json").write_text(
            '{"keyboard_name": "V", "processor": "STM32F303", "bootloader": "custom", "usb": {"vid": "0x3297", '
            '"pid": "0x1977", "device_version": "0.0.1"}, "matrix_pins": {"cols": ["A0"], "rows": ["B0"]}, '
            '"layouts": {"LAYOUT": {"layout": [{"matrix": [0, 0], "x": 0, "y": 0}]}}}')
        (board / "rules.mk").write_text(f"CUSTOM_MATRIX = lite\nDFU_ARGS = {args}\n")
    tree = QmkTree(root)
    assert tree.keyboard("zsa/voyager").bootloader == "zsa-dfu"
    assert tree.keyboard("zsa/other").bootloader == "custom"  # unknown: left as QMK says


def test_keyboard_with_c_layout_and_development_board(tree: QmkTree) -> None:
    board = tree.keyboard("testco/split")
    assert board.layouts == {"LAYOUT_split": 4}
    assert board.processor == "atmega32u4"
    assert board.bootloader == "caterina"
    assert not board.has_via_keymap
    assert compilers_for_processor(board.processor) == ("avr-gcc",)


def test_unknown_keyboard_is_a_clear_error(tree: QmkTree) -> None:
    with pytest.raises(TreeError) as caught:
        tree.keyboard("nope/rev9")
    assert "nope/rev9" in caught.value.message and caught.value.hint


def test_dialect_of_a_current_tree(tree: QmkTree) -> None:
    dialect = tree.dialect
    assert dialect.keycode_spec_version == "0.0.7"
    assert dialect.key_overrides_array and dialect.combo_count_from_array
    assert dialect.tap_dance_action_type == "tap_dance_action_t"
    assert {"A", "ENTER", "ENT", "LCTL"} <= dialect.send_string_names
    assert tree.supports_userspace


def test_dialect_of_an_older_tree(tmp_path: Path) -> None:
    tree = QmkTree(make_fake_tree(tmp_path, spec="0.0.1", introspection=False, old_tap_dance=True, userspace=False))
    dialect = tree.dialect
    assert dialect.keycode_spec_version == "0.0.1"
    assert not dialect.key_overrides_array and not dialect.combo_count_from_array
    assert dialect.tap_dance_action_type == "qk_tap_dance_action_t"
    assert dialect.tap_dance_state_type == "qk_tap_dance_state_t"
    assert not tree.supports_userspace


def test_processor_toolchains() -> None:
    assert compilers_for_processor("STM32F411") == ("arm-none-eabi-gcc",)
    assert compilers_for_processor("RP2040") == ("arm-none-eabi-gcc",)
    assert compilers_for_processor("GD32VF103")[0] == "riscv32-unknown-elf-gcc"


def test_encoders_set_up_in_c_count_as_unknown(tree: QmkTree) -> None:
    assert tree.keyboard("testco/split").encoder_count == 0
    (tree.root / "keyboards" / "testco" / "split" / "rev2" / "config.h").write_text(
        "#define ENCODERS_PAD_A { D1 }\n#define ENCODERS_PAD_B { D2 }\n"
    )
    assert tree.keyboard("testco/split").encoder_count is None


def test_the_boards_own_features_come_from_its_json_and_its_rules_mk_files(tmp_path: Path) -> None:
    """A 2025 Charybdis says `"features": {"pointing_device": true, "mousekey": false}` in keyboard.json; a
    2024 one says POINTING_DEVICE_ENABLE = yes in rules.mk: a deeper folder's rules.mk wins, as make reads it
    last, and `?=` does not override."""
    root = make_fake_tree(tmp_path / "qmk_firmware")
    board = root / "keyboards" / "bkb" / "ball" / "rev1"
    board.mkdir(parents=True)
    (board / "keyboard.json").write_text(
        '{"keyboard_name": "B", "processor": "RP2040", "bootloader": "rp2040", "features": {"pointing_device": true, '
        '"mousekey": false, "rgb_matrix": true}, "matrix_pins": {"cols": ["GP0"], "rows": ["GP1"]}, '
        '"layouts": {"LAYOUT": {"layout": [{"matrix": [0, 0], "x": 0, "y": 0}]}}}')
    (board.parent / "rules.mk").write_text("OLED_ENABLE = yes\nNKRO_ENABLE ?= yes\n")
    (board / "rules.mk").write_text("RGB_MATRIX_ENABLE = no  # off here\nOLED_ENABLE ?= no\nSRC += ball.c\n")
    assert QmkTree(root).board_features("bkb/ball/rev1") == {"POINTING_DEVICE_ENABLE", "OLED_ENABLE", "NKRO_ENABLE"}
