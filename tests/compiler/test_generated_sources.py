"""Generated keymap.c / rules.mk / config.h: golden files, gcc against the stub, real macro bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.compiler.dialect import CURRENT_QMK, QmkDialect
from keyconf.compiler.source_map import GenerationError, SourceRef
from keyconf.compiler.sources import GeneratedSources, GenerateOptions, generate_sources
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, MAKE, make_variables, run_macros, syntax_check, write_build_dir

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KEYCONF_UPDATE_GOLDEN") == "1"
needs_gcc = pytest.mark.skipif(GCC is None, reason="gcc is not installed")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")

OLD_QMK = QmkDialect(
    keycode_spec_version="0.0.3",
    key_overrides_array=False,
    combo_count_from_array=False,
    tap_dance_type_prefix="qk_",
)


def generate(layout_factory: object, dialect: QmkDialect = CURRENT_QMK, via: bool = False) -> GeneratedSources:
    assert callable(layout_factory)
    return generate_sources(
        layout_factory(), layouts.board(), GenerateOptions(dialect=dialect, via=via, source_name="test.yaml")
    )


@pytest.mark.parametrize("case", sorted(layouts.GOLDEN_CASES))
def test_golden_sources(case: str) -> None:
    sources = generate(layouts.GOLDEN_CASES[case])
    folder = GOLDEN / case
    for name, text in sources.files().items():
        path = folder / name
        if UPDATE:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{case}/{name} differs (KEYCONF_UPDATE_GOLDEN=1 rewrites)"


@needs_gcc
@pytest.mark.parametrize("case", sorted(layouts.GOLDEN_CASES))
@pytest.mark.parametrize("dialect", [CURRENT_QMK, OLD_QMK], ids=["current", "old"])
def test_generated_c_compiles(case: str, dialect: QmkDialect, tmp_path: Path) -> None:
    sources = generate(layouts.GOLDEN_CASES[case], dialect)
    folder = write_build_dir(tmp_path, sources, dialect.keycode_spec_version, {layouts.MACRO: 6}, encoders=1)
    result = syntax_check(folder, old_qmk=dialect is OLD_QMK)
    assert result.returncode == 0, result.stderr + "\n" + sources.keymap_c


@needs_gcc
def test_macros_send_exactly_the_expected_bytes(tmp_path: Path) -> None:
    sources = generate(layouts.with_macros)
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6})
    sent = run_macros(folder, 2)
    tap, down, up, delay = b"\x01\x01", b"\x01\x02", b"\x01\x03", b"\x01\x04"
    enter, lctl, lsft, c, v = b"\x28", b"\xe0", b"\xe1", b"\x06", b"\x19"
    assert sent[0] == b'Hi "you"\\\n' + tap + enter
    assert sent[1] == (
        down + lctl + tap + c + up + lctl  # tap: [KC_LCTL, KC_C], a chord
        + delay + b"100|"
        + down + lctl + tap + v + up + lctl  # LCTL(KC_V): the modifier held around the key
        + down + lsft
        + b"??=x"
        + up + lsft
    )


@needs_make
@pytest.mark.parametrize("case", sorted(layouts.GOLDEN_CASES))
def test_rules_mk_enables_exactly_the_features_used(case: str, tmp_path: Path) -> None:
    sources = generate(layouts.GOLDEN_CASES[case])
    expected = {
        "layers_only": set(),
        "macros": set(),
        "tap_dance": {"TAP_DANCE_ENABLE"},
        "combos": {"COMBO_ENABLE"},
        "key_overrides": {"KEY_OVERRIDE_ENABLE"},
        "encoders": {"ENCODER_ENABLE", "ENCODER_MAP_ENABLE", "EXTRAKEY_ENABLE"},
    }[case]
    variables = make_variables(sources.rules_mk, tmp_path)
    assert {name for name, value in variables.items() if value == "yes"} == expected
    assert set(sources.features) == expected


def test_via_adds_via_and_layer_count() -> None:
    sources = generate(layouts.layers_only, via=True)
    assert "VIA_ENABLE" in sources.features and "VIA_ENABLE" in sources.rules_mk
    assert "#define DYNAMIC_KEYMAP_LAYER_COUNT 4" in sources.config_h  # VIA's minimum of 4


def test_config_h_carries_settings_and_feature_switches() -> None:
    config = generate(layouts.with_tap_dances).config_h
    assert "#undef TAPPING_TERM\n#define TAPPING_TERM 200" in config
    assert "#define TAPPING_TERM_PER_KEY" in config  # a_nav has its own tapping term
    combos = generate(layouts.with_combos).config_h
    assert "#define COMBO_TERM 40" in combos
    assert "#define COMBO_TERM_PER_COMBO" in combos and "#define COMBO_SHOULD_TRIGGER" in combos


def test_keymaps_follow_the_physical_rows() -> None:
    keymap_c = generate(layouts.layers_only).keymap_c
    assert "        KC_A,    LT(_NAV, KC_SPC), LCTL_T(KC_ESC),\n        KC_EXLM, MO(_NAV),         KC_ENT\n" in keymap_c
    assert "        KC_LEFT, _______, KC_RGHT,\n        XXXXXXX, _______, LCTL(KC_Z)\n" in keymap_c


def test_line_map_points_each_key_at_its_layer_position() -> None:
    sources = generate(layouts.layers_only)
    lines = sources.keymap_c.splitlines()
    line_number = next(i for i, line in enumerate(lines, 1) if "MO(_NAV)" in line)
    column = lines[line_number - 1].index("MO(_NAV)") + 1
    assert sources.line_map.lookup(line_number, column) == SourceRef.of("layers", 0, 4)
    enter = lines[line_number - 1].index("KC_ENT") + 1
    assert sources.line_map.lookup(line_number, enter) == SourceRef.of("layers", 0, 5)
    assert sources.line_map.lookup(line_number, column + 12) == SourceRef.of("layers", 0, 4)  # padding: nearest


def test_old_trees_get_the_old_shapes() -> None:
    overrides = generate(layouts.with_key_overrides, OLD_QMK).keymap_c
    assert "const key_override_t **key_overrides = (const key_override_t *[]){" in overrides
    assert "NULL," in overrides
    combos = generate(layouts.with_combos, OLD_QMK).keymap_c
    assert "uint16_t COMBO_LEN = sizeof(key_combos) / sizeof(key_combos[0]);" in combos
    dances = generate(layouts.with_tap_dances, OLD_QMK).keymap_c
    assert "qk_tap_dance_action_t tap_dance_actions[] = {" in dances
    assert "static void td_esc_caps_finished(qk_tap_dance_state_t *state" in dances


def test_problems_name_every_bad_item() -> None:
    layout = layouts.with_tap_dances()
    layout.layers[0].keys[1] = "KC_NOPE"
    layout.tap_dances[1].hold = "LT(nav, KC_A)"  # not something C can do from a tap dance
    layout.settings["tapping_trm"] = 10
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board(), GenerateOptions())
    refs = {problem.ref.path for problem in caught.value.problems if problem.ref}
    assert ("layers", 0, 1) in refs
    assert ("tap_dances", 1, "hold") in refs
    assert ("settings", "tapping_trm") in refs


def test_macro_text_outside_ascii_is_refused() -> None:
    layout = layouts.with_macros()
    layout.macros[0].steps[0].value = "café"
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board(), GenerateOptions())
    (problem,) = caught.value.problems
    assert problem.ref == SourceRef.of("macros", 0, "steps", 0)
    assert "'é'" in problem.message and problem.hint


def test_wrong_key_count_is_a_problem_not_broken_c() -> None:
    layout = layouts.layers_only()
    layout.layers[1].keys.pop()
    with pytest.raises(GenerationError) as caught:
        generate_sources(layout, layouts.board(), GenerateOptions())
    assert [p.ref.path for p in caught.value.problems if p.ref] == [("layers", 1)]
    assert "5 keys" in caught.value.problems[0].message


@needs_gcc
@pytest.mark.parametrize(("token", "location"), [("KC_EXLM", ("layers", 0, 3)), ("KC_RGHT", ("layers", 1, 2))])
def test_real_gcc_errors_map_back_to_the_key(token: str, location: tuple[object, ...], tmp_path: Path) -> None:
    """A name the tree lacks (here: removed from the stub) fails in gcc; the error finds the key."""
    from keyconf.compiler.diagnostics import parse_diagnostic

    sources = generate(layouts.layers_only)
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6})
    header = folder / "stub_keycodes.h"
    header.write_text(
        "\n".join(line for line in header.read_text().splitlines() if not line.startswith(f"#define {token} "))
    )
    result = syntax_check(folder)
    assert result.returncode != 0
    diagnostics = [parse_diagnostic(line, folder / "keymap.c", sources.line_map) for line in result.stderr.splitlines()]
    errors = [d for d in diagnostics if d is not None and d.is_error]
    assert errors, result.stderr
    assert errors[0].ref == SourceRef(location), result.stderr
