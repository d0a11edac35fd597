"""Building for the layout's controller (`converter:`, `bootloader:`): rules.mk sets them as a
keymap's rules.mk does, the checks and toolchain follow the chip built for, a tree without the
converter refuses, and the firmware's metadata names the chip and bootloader for the flasher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.compiler.build import BuildRequest, FirmwareBuild
from keyconf.compiler.checks import BuildRefused, plan_build
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.flash.metadata import read_metadata
from keyconf.model.layout import Layer, Layout
from tests.compiler.fake_toolchain import install_fake_toolchain
from tests.compiler.fake_tree import make_fake_tree

RP2040_CE = "# rp2040_ce\nMCU := RP2040\nBOARD := QMK_PM2040\nBOOTLOADER := rp2040\n"


def split(converter: str | None = None, bootloader: str | None = None) -> Layout:
    return Layout("testco/split", "LAYOUT_split", layers=[Layer("base", ["KC_A", "KC_B", "KC_C", "KC_D"])],
                  converter=converter, bootloader=bootloader)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_fake_tree(tmp_path / "qmk_firmware")
    folder = root / "platforms/chibios/converters/promicro_to_rp2040_ce"
    folder.mkdir(parents=True)
    (folder / "converter.mk").write_text(RP2040_CE)
    return root


def test_rules_mk_and_plan_name_the_converters_chip(tree: Path) -> None:
    plan = plan_build(split("rp2040_ce"), QmkTree(tree), check_toolchain=False)
    assert "CONVERT_TO = rp2040_ce" in plan.sources.rules_mk and "BOOTLOADER" not in plan.sources.rules_mk
    assert (plan.board.processor, plan.processor, plan.bootloader) == ("atmega32u4", "RP2040", "rp2040")
    elite_c = plan_build(split(bootloader="atmel-dfu"), QmkTree(tree), check_toolchain=False)
    assert "BOOTLOADER = atmel-dfu" in elite_c.sources.rules_mk
    assert (elite_c.processor, elite_c.bootloader) == ("atmega32u4", "atmel-dfu")


def test_a_converter_the_tree_lacks_is_refused_naming_those_it_has(tree: Path) -> None:
    with pytest.raises(BuildRefused) as caught:
        plan_build(split("kb2040"), QmkTree(tree), check_toolchain=False)
    (problem,) = caught.value.problems
    assert (problem.code, problem.location) == ("unknown-converter", ("converter",))
    assert "rp2040_ce" in (problem.hint or "")


def test_a_board_that_takes_no_converter_is_refused_before_make(tree: Path) -> None:
    layout = Layout("testco/ortho", "LAYOUT_ortho_2x3", layers=[Layer("base", ["KC_A"] * 6)], converter="rp2040_ce")
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, QmkTree(tree), check_toolchain=False)
    assert [p.code for p in caught.value.problems] == ["converter-not-possible"]


def test_the_toolchain_asked_for_is_the_converters(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("QMK_PATH_PREFIX", raising=False)
    monkeypatch.delenv("QMK_DISTRIB_DIR", raising=False)
    with pytest.raises(BuildRefused) as caught:
        plan_build(split("rp2040_ce"), QmkTree(tree))
    said = " ".join(p.message for p in caught.value.problems)
    assert "arm-none-eabi-gcc" in said and "avr-gcc" not in said


def test_firmware_metadata_names_the_chip_built_for(tree: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_toolchain(tmp_path / "tools", monkeypatch)
    request = BuildRequest(layout=split("rp2040_ce"), qmk_home=tree, output_dir=tmp_path / "out", jobs=2)
    result = FirmwareBuild(request).run()
    assert result.ok, result.problems
    metadata = read_metadata(result.firmware)
    assert metadata is not None
    assert (metadata.keyboard, metadata.processor, metadata.bootloader) == ("testco/split/rev2", "RP2040", "rp2040")


def test_a_2024_tree_names_the_firmware_with_the_converter_and_its_root_copy_is_removed(tmp_path: Path) -> None:
    # QMK before mid-2024 adds CONVERT_TO to the target: crkbd_rev1_keyconf_rp2040_ce.uf2.
    from keyconf.compiler.workspace import make_workspace

    tree = make_fake_tree(tmp_path / "qmk_firmware")
    workspace = make_workspace(tree, "crkbd/rev1", "keyconf", {"keymap.c": ""}, use_userspace=True,
                               cache=tmp_path / "cache")
    workspace.converter = "rp2040_ce"
    with workspace:
        (workspace.build_dir / "crkbd_rev1_keyconf_rp2040_ce.uf2").write_bytes(b"UF2")
        (workspace.build_dir / "crkbd_rev1_keyconf_rp2040_ce.elf").write_bytes(b"ELF")
        (tree / "crkbd_rev1_keyconf_rp2040_ce.uf2").write_bytes(b"UF2")  # QMK's copy into the root
        log = ["Copying crkbd_rev1_keyconf_rp2040_ce.uf2 to qmk_firmware folder      [OK]"]
        assert workspace.firmware(log) == workspace.build_dir / "crkbd_rev1_keyconf_rp2040_ce.uf2"
        assert workspace.elf().name == "crkbd_rev1_keyconf_rp2040_ce.elf"
    assert not (tree / "crkbd_rev1_keyconf_rp2040_ce.uf2").exists()


def elite_c_board(tree: Path, rules: str = "") -> Layout:
    """A board of the user's tree (in no tree keyconf's table was made from) built around an Elite-C."""
    folder = tree / "keyboards/testco/elitec"
    folder.mkdir(parents=True)
    facts = {"development_board": "elite_c"} if rules else {"development_board": "elite_c", "pin_compatible": "elite_c"}
    (folder / "keyboard.json").write_text(json.dumps({
        "keyboard_name": "Elite-C split", **facts,
        "layouts": {"LAYOUT": {"layout": [{"matrix": [0, c], "x": c, "y": 0} for c in range(4)]}}}))
    if rules:
        (folder / "rules.mk").write_text(rules)
    for name in ("elite_c_to_rp2040_ce", "elite_c_to_stemcell"):
        converter = tree / "platforms/chibios/converters" / name
        converter.mkdir(parents=True)
        (converter / "converter.mk").write_text(RP2040_CE if "rp2040" in name else "MCU := STM32F411\n")
    return Layout("testco/elitec", "LAYOUT", layers=[Layer("base", ["KC_A", "KC_B", "KC_C", "KC_D"])])


def test_a_board_naming_its_elite_c_footprint_builds_the_elite_c_converter(tree: Path) -> None:
    layout = elite_c_board(tree)
    layout.converter = "rp2040_ce"
    plan = plan_build(layout, QmkTree(tree), check_toolchain=False)
    assert (plan.board.pin_compatible, plan.processor, plan.bootloader) == ("elite_c", "RP2040", "rp2040")
    # The tree has promicro_to_rp2040_ce too; it is the Elite-C one the board's footprint asks for.
    (tree / "platforms/chibios/converters/elite_c_to_rp2040_ce/converter.mk").unlink()
    (tree / "platforms/chibios/converters/elite_c_to_rp2040_ce").rmdir()
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, QmkTree(tree), check_toolchain=False)
    (problem,) = caught.value.problems
    assert "Elite-C boards" in problem.message and "stemcell" in (problem.hint or "")


def test_a_converter_qmk_has_not_for_the_footprint_is_refused_before_make(tree: Path) -> None:
    layout = elite_c_board(tree)
    layout.converter = "proton_c"  # QMK has promicro_to_proton_c only
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, QmkTree(tree), check_toolchain=False)
    assert [(p.code, "Elite-C" in p.message) for p in caught.value.problems] == [("unknown-converter", True)]


def test_pin_compatible_in_the_boards_rules_mk(tree: Path) -> None:
    layout = elite_c_board(tree, rules="PIN_COMPATIBLE = elite_c\n")
    layout.converter = "stemcell"
    plan = plan_build(layout, QmkTree(tree), check_toolchain=False)
    assert (plan.board.pin_compatible, plan.processor) == ("elite_c", "STM32F411")
