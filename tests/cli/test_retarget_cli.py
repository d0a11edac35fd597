"""`keyconf retarget` moves a layout to another board and says what happened to every key;
`keyconf diff` then explains the move key by key, by legend and place on both boards."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.formats.yaml_layout import load_layout

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def test_corne_to_sweep_writes_the_layout_and_lists_dropped_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep.yaml"
    assert main(["retarget", str(LAYOUTS / "corne.yaml"), "--keyboard", "ferris/sweep", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "(ferris/sweep, LAYOUT_split_3x5_2)" in text
    assert text.count("34 moved, 8 dropped, 0 unfilled") == 4
    # Dropped keys by legend, grid place and where a finger finds them.
    assert "dropped  r1 c1    Tab (KC_TAB)" in text
    assert "left top row, column 6 from the inside" in text
    assert "dropped  r4 c6    AltGr (KC_RALT)              right thumb 3" in text
    assert "Boot (QK_BOOT)" in text  # the adjust layer's reset key is gone: said so
    assert f"keyconf diff {LAYOUTS / 'corne.yaml'} {out}" in text
    moved = load_layout(out).layout
    assert moved.keyboard == "ferris/sweep"
    assert moved.layers[0].keys[:5] == ["KC_Q", "KC_W", "KC_E", "KC_R", "KC_T"]


def test_unfilled_keys_are_listed_once_and_are_kc_no(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "corne.yaml"
    assert main(["retarget", str(LAYOUTS / "sweep.yaml"), "--keyboard", "crkbd", "--layout", "LAYOUT_split_3x6_3",
                 "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "8 keys of crkbd/rev1 have nothing landing on them: KC_NO on every layer (unfilled)" in text
    assert "unfilled r4 c1    left thumb 3" in text
    assert text.count("34 moved, 0 dropped, 8 unfilled") == 4
    assert load_layout(out).layout.layers[0].keys[0] == "KC_NO"


def test_diff_of_a_move_names_both_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep.yaml"
    assert main(["retarget", str(LAYOUTS / "corne.yaml"), "--keyboard", "ferris/sweep", "-o", str(out)]) == 0
    text = out.read_text().replace("KC_SPC,", "KC_BSPC,", 1)  # an edit after the move
    out.write_text(text)
    capsys.readouterr()
    assert main(["diff", str(LAYOUTS / "corne.yaml"), str(out)]) == 1
    report = capsys.readouterr().out
    assert "layer base: 33 keys moved unchanged, 1 changed, 8 with no place on ferris/sweep" in report
    assert "r4 c3 → r4 c2" in report and "Space (KC_SPC)" in report and "Bksp (KC_BSPC)" in report
    assert "r1 c1 → —" in report and "— (no place on ferris/sweep)" in report
    assert "keyboard: crkbd/rev1 → ferris/sweep" in report


def test_retarget_refuses_what_it_cannot_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corne = str(LAYOUTS / "corne.yaml")
    assert main(["retarget", corne, "--keyboard", "no/such/board", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "unknown keyboard no/such/board" in capsys.readouterr().err
    assert main(["retarget", corne, "--keyboard", "ferris/sweep", "--layout", "LAYOUT_nope",
                 "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "ferris/sweep has no layout macro LAYOUT_nope" in err and "LAYOUT_split_3x5_2" in err
    existing = tmp_path / "taken.yaml"
    existing.write_text("keep me")
    assert main(["retarget", corne, "--keyboard", "ferris/sweep", "-o", str(existing)]) == 2
    assert existing.read_text() == "keep me"


def test_retarget_exits_as_every_command_does_on_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("keyboard: crkbd\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [KC_A\n")
    out = str(tmp_path / "x.yaml")
    assert main(["retarget", str(broken), "--keyboard", "ferris/sweep", "-o", out]) == 1  # read, and wrong
    assert "broken.yaml:5:1" in capsys.readouterr().err
    assert main(["retarget", str(tmp_path / "missing.yaml"), "--keyboard", "ferris/sweep", "-o", out]) == 2
    assert not Path(out).exists()


def preonic_definition(folder: Path) -> Path:
    """A Preonic's geometry as a QMK info.json of our own: five rows of twelve (its matrix
    wiring simplified to rows and columns), as keyboards/preonic's LAYOUT_ortho_5x12 lays them out."""
    import json

    keys = [{"matrix": [r, c], "x": c, "y": r} for r in range(5) for c in range(12)]
    data = {
        "keyboard_name": "Preonic (test)",
        "manufacturer": "OLKB",
        "matrix_size": {"rows": 5, "cols": 12},
        "layouts": {"LAYOUT_ortho_5x12": {"layout": keys}},
    }
    path = folder / "preonic.json"
    path.write_text(json.dumps(data))
    return path


def test_planck_to_a_preonic_from_a_definition_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "preonic.yaml"
    definition = preonic_definition(tmp_path)
    assert main(["retarget", str(LAYOUTS / "planck.yaml"), "--keyboard", str(definition), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "does not name its keyboard; the layout calls it preonic" in captured.err
    assert "12 keys of preonic have nothing landing on them" in text
    assert "left number row, column 6 from the inside" in text
    assert text.count("48 moved, 0 dropped, 12 unfilled") == 4
    moved = load_layout(out).layout
    planck = load_layout(LAYOUTS / "planck.yaml").layout
    assert moved.geometry is not None  # a board from a file travels with the layout
    assert moved.keyboard == "preonic"
    for before, after in zip(planck.layers, moved.layers, strict=True):
        assert after.keys[:12] == ["KC_NO"] * 12
        assert after.keys[12:] == before.keys
