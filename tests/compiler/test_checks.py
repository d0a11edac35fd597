"""Checks before make runs, against a fake QMK tree: each problem points at the layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keyconf.compiler.checks import BuildRefused, plan_build
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.model.layout import EncoderAction, Layer, Layout
from tests.compiler import layouts
from tests.compiler.fake_tree import make_fake_tree


@pytest.fixture
def tree(tmp_path: Path) -> QmkTree:
    return QmkTree(make_fake_tree(tmp_path / "qmk_firmware"))


def refused(layout: Layout, tree: QmkTree, **options: object) -> list[tuple[str, tuple[object, ...]]]:
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, tree, check_toolchain=False, **options)  # type: ignore[arg-type]
    return [(problem.code, problem.location) for problem in caught.value.problems]


def test_a_good_layout_plans_with_the_tree_dialect(tree: QmkTree) -> None:
    plan = plan_build(layouts.with_tap_dances(), tree, check_toolchain=False)
    assert plan.board.folder == "testco/ortho"
    assert plan.via  # the board has a stock `via` keymap
    assert "VIA_ENABLE" in plan.sources.features
    assert "TD(TD_ESC_CAPS)" in plan.sources.keymap_c
    assert not plan_build(layouts.layers_only(), tree, via=False, check_toolchain=False).via


def test_a_layout_built_without_via_gets_none_unless_asked(tree: QmkTree) -> None:
    """An imported keymap whose original built without VIA (`features_off: [VIA_ENABLE]`) is not given
    VIA for the board's stock `via` keymap, whose kilobytes its flash may lack; `--via` still adds it."""
    layout = layouts.layers_only()
    layout.features_off = ["VIA_ENABLE"]
    plan = plan_build(layout, tree, check_toolchain=False)
    assert not plan.via and "VIA_ENABLE" not in plan.sources.features
    assert re.search(r"^VIA_ENABLE\s*= no", plan.sources.rules_mk, re.MULTILINE)
    asked = plan_build(layout, tree, via=True, check_toolchain=False)
    assert asked.via and re.search(r"^VIA_ENABLE\s*= yes", asked.sources.rules_mk, re.MULTILINE)
    assert "= no" not in asked.sources.rules_mk  # a later `VIA_ENABLE = no` would switch it off again


def test_keyboard_and_layout_aliases_are_followed(tree: QmkTree) -> None:
    layout = layouts.layers_only()
    layout.keyboard = "older"  # alias -> alias -> testco/ortho
    layout.layout_macro = "LAYOUT"  # layout_aliases -> LAYOUT_ortho_2x3
    plan = plan_build(layout, tree, check_toolchain=False)
    assert plan.board.folder == "testco/ortho"
    assert plan.macro_name == "LAYOUT_ortho_2x3"
    assert "= LAYOUT_ortho_2x3(" in plan.sources.keymap_c


def test_unknown_keyboard_and_layout(tree: QmkTree) -> None:
    layout = layouts.layers_only()
    layout.keyboard = "testco/nope"
    assert refused(layout, tree) == [("unknown-keyboard", ("keyboard",))]
    layout = layouts.layers_only()
    layout.layout_macro = "LAYOUT_ortho_9x9"
    assert refused(layout, tree) == [("unknown-layout-macro", ("layout",))]


def test_wrong_key_count_points_at_the_row(tree: QmkTree) -> None:
    layout = layouts.layers_only()
    layout.layers[1].keys.pop(1)  # the file's second layer: rows of 2 and 3 keys
    assert refused(layout, tree) == [("key-count", ("layers", 1))]
    problems = refused(layout, tree, row_lengths={"base": [3, 3], "nav": [2, 3]})
    assert problems == [("key-count", ("layers", 1, "row", 0))]
    with pytest.raises(BuildRefused) as caught:
        plan_build(layout, tree, check_toolchain=False, row_lengths={"nav": [2, 3]})
    assert "row 1 has 2 keys where the keyboard's row has 3" in caught.value.problems[0].message


def test_keycodes_newer_than_the_tree_are_refused(tmp_path: Path) -> None:
    old = QmkTree(make_fake_tree(tmp_path, spec="0.0.3"))
    layout = layouts.layers_only()
    layout.layers[1].keys[0] = "UG_TOGG"  # renamed in 0.0.4: written as RGB_TOG for this tree
    assert "RGB_TOG" in plan_build(layout, old, check_toolchain=False).sources.keymap_c
    layout.layers[1].keys[2] = "RM_TOGG"  # new in 0.0.4: this tree cannot build it
    assert refused(layout, old) == [("compile", ("layers", 1, 2))]


def test_trees_before_the_keycode_spec_are_refused(tmp_path: Path) -> None:
    ancient = QmkTree(make_fake_tree(tmp_path, spec=None))
    assert refused(layouts.layers_only(), ancient) == [("qmk-too-old", ())]


def test_board_with_c_layout_macro_and_no_encoders(tree: QmkTree) -> None:
    layout = Layout(
        keyboard="testco/split",
        layout_macro="LAYOUT_split",
        layers=[Layer("base", ["KC_A", "KC_B", "KC_C", "KC_D"])],
    )
    plan = plan_build(layout, tree, check_toolchain=False)
    assert plan.board.folder == "testco/split/rev2" and plan.board.processor == "atmega32u4"
    assert "LAYOUT_split(" in plan.sources.keymap_c
    layout.layers[0].encoders = [EncoderAction("KC_VOLD", "KC_VOLU")]
    assert refused(layout, tree) == [("encoder-count", ("encoders", 0))]


def test_missing_toolchain_is_named_with_a_hint(
    tree: QmkTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("QMK_DISTRIB_DIR", str(tmp_path / "no-distrib"))
    monkeypatch.delenv("QMK_PATH_PREFIX", raising=False)
    with pytest.raises(BuildRefused) as caught:
        plan_build(layouts.layers_only(), tree)
    tools = {p.message.split("`")[1] for p in caught.value.problems if p.code == "toolchain"}
    assert {"make", "arm-none-eabi-gcc"} <= tools
    assert all(p.hint for p in caught.value.problems)


def test_a_debounce_algorithm_the_tree_lacks_is_refused_before_make(tree: QmkTree) -> None:
    """`rules: {DEBOUNCE_TYPE: ...}` names quantum/debounce/<name>.c of the tree: one it lacks would stop make
    with "No rule to make target"; it is refused at the YAML's line, naming the ones the tree has."""
    folder = tree.root / "quantum" / "debounce"
    folder.mkdir(parents=True)
    for name in ("sym_defer_g", "sym_eager_pk"):
        (folder / f"{name}.c").write_text("")
    assert plan_build(layouts.layout(rules={"DEBOUNCE_TYPE": "sym_eager_pk"}), tree, check_toolchain=False)
    assert plan_build(layouts.layout(rules={"DEBOUNCE_TYPE": "custom"}), tree, check_toolchain=False)
    with pytest.raises(BuildRefused) as caught:
        plan_build(layouts.layout(rules={"DEBOUNCE_TYPE": "sym_eager_pr"}), tree, check_toolchain=False)
    [problem] = caught.value.problems
    assert (problem.code, problem.location) == ("unknown-rule", ("rules", "DEBOUNCE_TYPE"))
    assert "no debounce algorithm `sym_eager_pr`" in problem.message
    assert problem.hint == "use one it has: sym_defer_g, sym_eager_pk, custom"
