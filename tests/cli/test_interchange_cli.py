"""`keyconf import`, `keyconf export` and `keyconf diff` as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.formats.yaml_layout import load_layout

DATA = Path(__file__).parents[1] / "formats" / "data" / "interchange"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_import_via_save_finds_the_keyboard_by_usb_id(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne.layout.json")]) == 0
    out = capsys.readouterr().out
    assert "corne.yaml: 4 layers, 168 keys" in out and "crkbd/rev1" in out
    layout = load_layout(work / "corne.yaml").layout
    assert layout.keyboard == "crkbd/rev1" and layout.layers[0].keys[1] == "KC_Q"


def test_import_says_which_kept_keys_the_written_layout_must_fix(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A `qmk c2json` export keeps the names of the user's keymap.c (`#define CTL_ESC LCTL_T(KC_ESC)`).
    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["layers"][0][0] = "CTL_ESC"
    (work / "mine.json").write_text(json.dumps(data))
    assert main(["import", "mine.json"]) == 0
    captured = capsys.readouterr()
    assert "mine.yaml: 4 layers" in captured.out
    assert "mine.yaml:" in captured.err and "unknown keycode 'CTL_ESC'" in captured.err
    assert "mine.yaml: written with 1 error to fix before it builds" in captured.err
    assert load_layout(work / "mine.yaml").layout.layers[0].keys[0] == "CTL_ESC"  # kept as written
    assert main(["import", str(DATA / "corne.layout.json")]) == 0
    assert "error" not in capsys.readouterr().err


def test_import_refuses_to_overwrite(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "corne.yaml").write_text("mine")
    assert main(["import", str(DATA / "corne.layout.json")]) == 2
    assert "exists" in capsys.readouterr().err
    assert (work / "corne.yaml").read_text() == "mine"
    assert main(["import", str(DATA / "corne.layout.json"), "--force"]) == 0


def test_import_keymap_c_needs_a_keyboard(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne_layers.keymap.c")]) == 2
    err = capsys.readouterr().err
    assert "does not say which keyboard" in err and "--keyboard" in err
    assert "warning" not in err  # one message: the import's notes are about a layout it does not write
    assert main(["import", str(DATA / "corne_layers.keymap.c"), "--keyboard", "crkbd", "-o", "c.yaml"]) == 0
    warnings = capsys.readouterr().err
    assert "SEND_STRING keys became layout macros: EMAIL" in warnings and "process_record_user" in warnings
    assert load_layout(work / "c.yaml").layout.layer_names == ["base", "lower", "raise", "adjust"]


CORNE_WITH_ENCODER_MAP = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
  [0] = LAYOUT_split_3x6_3(
    KC_TAB, KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,    KC_BSPC,
    KC_ESC, KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_SCLN, KC_QUOT,
    KC_LSFT, KC_Z, KC_X, KC_C, KC_V, KC_B,   KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH, KC_ENT,
                      KC_LGUI, KC_SPC, KC_LALT,  KC_RALT, KC_ENT, KC_RGUI
  )
};
#ifdef ENCODER_MAP_ENABLE
const uint16_t PROGMEM encoder_map[][NUM_ENCODERS][NUM_DIRECTIONS] = {
  [0] = { ENCODER_CCW_CW(KC_VOLD, KC_VOLU), ENCODER_CCW_CW(KC_MPRV, KC_MNXT),
          ENCODER_CCW_CW(RM_VALD, RM_VALU), ENCODER_CCW_CW(KC_RGHT, KC_LEFT), },
};
#endif
"""


def test_import_leaves_out_the_encoder_map_of_a_board_without_encoders(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """crkbd's default keymap (and users' copies) carries an encoder_map for the rev4 boards; QMK
    builds it for rev1 without one, so `keyconf compile` must not be handed encoders rev1 lacks."""
    (work / "keymap.c").write_text(CORNE_WITH_ENCODER_MAP)
    assert main(["import", "keymap.c", "--keyboard", "crkbd/rev1", "-o", "rev1.yaml"]) == 0
    assert "crkbd/rev1 has no rotary encoders: the keymap's encoder_map is left out" in capsys.readouterr().err
    assert all(not layer.encoders for layer in load_layout(work / "rev1.yaml").layout.layers)
    assert main(["import", "keymap.c", "--keyboard", "crkbd/rev4_1/standard", "-o", "rev4.yaml"]) == 0
    assert "encoder_map is left out" not in capsys.readouterr().err
    assert len(load_layout(work / "rev4.yaml").layout.layers[0].encoders) == 4


def test_import_vial_save_of_unknown_board_embeds_geometry(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne.vil"), "-o", "-"]) == 0
    captured = capsys.readouterr()
    assert "geometry:" in captured.out and "not known" in captured.err


def test_import_with_a_definition_file_as_keyboard(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    definition = {
        "name": "Tiny",
        "vendorId": "0x1234",
        "productId": "0x5678",
        "matrix": {"rows": 1, "cols": 2},
        "layouts": {"keymap": [["0,0", "0,1"]]},
    }
    (work / "tiny.json").write_text(json.dumps(definition))
    save = {"name": "Tiny", "vendorProductId": 0x12345678, "layers": [["KC_A", "MO(1)"], ["KC_1", "KC_TRNS"]]}
    (work / "tiny.layout.json").write_text(json.dumps(save))
    assert main(["import", "tiny.layout.json", "--keyboard", "tiny.json"]) == 0
    layout = load_layout(work / "tiny.yaml").layout
    assert layout.geometry is not None  # a keyboard from a file travels with the layout
    assert layout.layers[0].keys == ["KC_A", "MO(layer1)"]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["import", "missing.vil"], 2, "no such file"),
        (["import", "broken.vil"], 1, "broken.vil:1"),
        (["import", str(DATA / "corne.vil"), "--keyboard", "no_such_board"], 2, "unknown keyboard no_such_board"),
    ],
)
def test_import_errors_are_one_clean_message(
    work: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, words: str
) -> None:
    (work / "broken.vil").write_text('{"layout": ')
    assert main(args) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_export_vil_to_via_and_keymap_drawer(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(DATA / "corne.vil"), "--keyboard", "crkbd/rev1", "--format", "via", "-o", "c.json"]) == 0
    data = json.loads((work / "c.json").read_text())
    assert data["vendorProductId"] == 0x46530001 and len(data["layers"][0]) == 48
    assert len(data["macros"]) == 16
    args = ["export", str(DATA / "corne.vil"), "--keyboard", "crkbd/rev1", "--format", "via", "--macro-count", "4"]
    assert main([*args, "-o", "c4.json"]) == 0
    assert len(json.loads((work / "c4.json").read_text())["macros"]) == 4
    assert main([*args[:-1], "1"]) == 1  # two macros do not fit in one
    assert "board holds 1" in capsys.readouterr().err
    assert main(["export", str(DATA / "corne_configurator.json"), "--format", "keymap-drawer"]) == 0
    out = capsys.readouterr().out
    assert "qmk_keyboard: crkbd/rev1" in out and "layer0:" in out


def test_export_error_names_the_key(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(DATA / "corne_layers.keymap.c", work / "keymap.c")
    # SMTD is the layout's custom keycode now: Vial stores it by value, QK_USER_0 (USER00).
    assert main(["export", "keymap.c", "--keyboard", "crkbd/rev1", "--format", "vil"]) == 0
    assert "32320" in capsys.readouterr().out
    text = (work / "keymap.c").read_text().replace("KC_TAB,    KC_Q", "MY_OWN,    KC_Q", 1)
    (work / "keymap.c").write_text(text)
    assert main(["export", "keymap.c", "--keyboard", "crkbd/rev1", "--format", "vil"]) == 1
    err = capsys.readouterr().err
    assert "MY_OWN cannot be stored in Vial" in err


def test_diff_same_layout_in_two_formats_exits_0(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne.layout.json"), "-o", "a.yaml"]) == 0
    assert main(["export", "a.yaml", "--format", "via", "-o", "b.layout.json"]) == 0
    capsys.readouterr()
    assert main(["diff", "a.yaml", "b.layout.json"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("--- a.yaml") and out[1].startswith("+++ b.layout.json")
    assert out[-1] == "no differences"


def test_diff_reports_keys_by_grid_position_and_exits_1(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne.layout.json"), "-o", "a.yaml"]) == 0
    text = (work / "a.yaml").read_text()
    (work / "b.yaml").write_text(text.replace("layer1:", "numbers:").replace("KC_ESC", "KC_GRV", 1))
    capsys.readouterr()
    assert main(["diff", "a.yaml", "b.yaml"]) == 1
    out = capsys.readouterr().out
    assert "layer layer0:" in out
    assert "r3 c12" in out and "(KC_ESC)" in out and "(KC_GRV)" in out  # row 3, last key: Esc → `
    assert "layer layer1, renamed to numbers:" in out
    assert out.rstrip().splitlines()[-1] == "1 key changed in 1 layer; 1 layer renamed"


def test_diff_against_a_vial_save_of_the_same_board(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "corne.vil"), "--keyboard", "crkbd/rev1", "-o", "a.yaml"]) == 0
    capsys.readouterr()
    assert main(["diff", "a.yaml", str(DATA / "corne.vil")]) == 0
    assert capsys.readouterr().out.rstrip().endswith("no differences")


def test_diff_unreadable_file_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(DATA / "corne.vil"), "nothing.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_diff_without_b_explains_the_device_is_needed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", str(DATA / "corne_configurator.json")])
    assert code == 2
    assert "keyboard" in capsys.readouterr().err


def test_diff_with_the_simulated_keyboard(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pull", "--demo", "-o", "board.yaml"]) == 0
    capsys.readouterr()
    assert main(["diff", "board.yaml", "--demo"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("no differences")
    text = (work / "board.yaml").read_text()
    (work / "mine.yaml").write_text(text.replace("KC_TAB,", "KC_GRV,", 1) + "settings:\n  tapping_term: 180\n")
    assert main(["diff", "mine.yaml", "--demo"]) == 1
    out = capsys.readouterr().out
    assert "+++ keyconf demo" in out
    assert "r1 c1" in out and "(KC_GRV)" in out and "(KC_TAB)" in out
    assert "tapping_term" not in out  # a VIA board holds no settings: nothing to compare
    assert out.rstrip().splitlines()[-1] == "1 key changed in 1 layer"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("corne_configurator.json", "does not have"),
        ("corne_layers.keymap.c", "does not have"),
        ("corne.vil", "not for ferris/sweep"),
        ("corne.layout.json", "belongs to another keyboard"),
    ],
)
def test_import_to_the_wrong_board_fails_and_writes_nothing(
    work: Path, capsys: pytest.CaptureFixture[str], source: str, expected: str
) -> None:
    assert main(["import", str(DATA / source), "--keyboard", "ferris/sweep", "-o", "sweep.yaml"]) == 1
    err = capsys.readouterr().err
    assert expected in err and "--keyboard" in err
    assert not (work / "sweep.yaml").exists()


@pytest.fixture
def no_tree(work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user without a qmk_firmware tree anywhere keyconf looks."""
    monkeypatch.setenv("HOME", str(work))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / ".config"))
    for name in ("QMK_HOME", "QMK_USERSPACE"):
        monkeypatch.delenv(name, raising=False)
    return work


CORNE = Path(__file__).parents[2] / "layouts" / "corne.yaml"


def test_export_without_a_tree_says_which_spec_and_how_to_choose(
    no_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(CORNE), "--format", "keymap.c", "-o", "current.c"]) == 0
    err = capsys.readouterr().err
    assert "no qmk_firmware tree found: written for QMK keycode spec 0.0.7" in err
    assert "--qmk-home" in err and "--keycode-spec" in err
    assert "UG_TOGG" in (no_tree / "current.c").read_text()
    assert main(["export", str(CORNE), "--format", "keymap.c", "--keycode-spec", "0.0.3", "-o", "old.c"]) == 0
    assert "written for QMK keycode spec 0.0.3 (--keycode-spec)" in capsys.readouterr().err
    old = (no_tree / "old.c").read_text()
    assert "RGB_TOG" in old and "UG_TOGG" not in old


def test_export_for_a_tree_uses_its_spec(no_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    home = os.environ.get("KEYCONF_TEST_QMK_HOME")
    if not home or not Path(home, "quantum").is_dir():
        pytest.skip("KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware checkout)")
    assert main(["export", str(CORNE), "--format", "keymap.json", "--qmk-home", home, "-o", "c.json"]) == 0
    assert f"written for {Path(home)}" in capsys.readouterr().err


DILEMMA_3X5_2 = """#include QMK_KEYBOARD_H
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [0] = LAYOUT_split_3x5_2(
        KC_Q, KC_W, KC_E, KC_R, KC_T,    KC_Y, KC_U, KC_I,    KC_O,   KC_P,
        KC_A, KC_S, KC_D, KC_F, KC_G,    KC_H, KC_J, KC_K,    KC_L,   KC_QUOT,
        KC_Z, KC_X, KC_C, KC_V, KC_B,    KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH,
                    KC_ESC, KC_SPC,      KC_ENT, KC_BSPC
    ),
};
"""


def test_import_with_a_folder_of_boards_as_keyboard(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--keyboard bastardkb/dilemma/3x5_2` names the folder a keymap is kept in (its keymaps build
    for each board inside): the import reads it as it reads that keymap's path, with a warning."""
    (work / "keymap.c").write_text(DILEMMA_3X5_2)
    assert main(["import", "keymap.c", "--keyboard", "bastardkb/dilemma/3x5_2", "-o", "d.yaml"]) == 0
    err = capsys.readouterr().err
    # (how many boards the folder holds grows with the catalogue: upstream's, and makers' forks)
    assert re.search(r"bastardkb/dilemma/3x5_2 is a folder of \d+ keyboards", err)
    assert load_layout(work / "d.yaml").layout.keyboard.startswith("bastardkb/dilemma/3x5_2/")
    assert main(["import", "keymap.c", "--keyboard", "bastardkb/no_such_board", "-o", "x.yaml"]) == 2
    assert "unknown keyboard bastardkb/no_such_board" in capsys.readouterr().err


def test_keymap_json_naming_a_folder_of_boards_is_read_with_one_of_them(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = ["KC_A"] * 34
    (work / "dilemma.json").write_text(json.dumps(
        {"keyboard": "bastardkb/dilemma/3x5_2", "layout": "LAYOUT_split_3x5_2", "layers": [keys]}))
    assert main(["import", "dilemma.json", "-o", "d.yaml"]) == 0
    assert re.search(r"is a folder of \d+ keyboards", capsys.readouterr().err)
    assert load_layout(work / "d.yaml").layout.keyboard.startswith("bastardkb/dilemma/3x5_2/")


def test_a_forks_revision_of_a_board_qmk_keeps_whole_is_read_with_that_board(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An Oryx source download builds in ZSA's fork as zsa/moonlander/reva; QMK has the same board as zsa/moonlander.
    keys = ", ".join(["KC_A"] * 71 + ["MO(1)"])
    (work / "keymap.c").write_text(
        "#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        f"    [0] = LAYOUT_moonlander({keys}),\n    [1] = LAYOUT_moonlander({', '.join(['KC_TRNS'] * 72)}),\n}};\n"
    )
    assert main(["import", "keymap.c", "--keyboard", "zsa/moonlander/reva", "-o", "m.yaml"]) == 0
    assert "read with zsa/moonlander, the board a fork's name stands for" in capsys.readouterr().err
    assert load_layout(work / "m.yaml").layout.keyboard == "zsa/moonlander"
    # ZSA's fork keeps the ErgoDox EZ Glow as zsa/ergodox_ez/m32u4/glow; QMK has it as ergodox_ez/glow.
    ergodox = ", ".join(["KC_B"] * 76)
    (work / "ergodox.c").write_text(
        "#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
        f"    [0] = LAYOUT_ergodox({ergodox}),\n}};\n"
    )
    assert main(["import", "ergodox.c", "--keyboard", "zsa/ergodox_ez/m32u4/glow", "-o", "e.yaml"]) == 0
    assert "read with ergodox_ez/glow" in capsys.readouterr().err
    assert load_layout(work / "e.yaml").layout.keyboard == "ergodox_ez/glow"
    # Never a folder's default revision: keebio/iris/rev6b is no revision of the Iris QMK builds for keebio/iris.
    assert main(["import", "keymap.c", "--keyboard", "keebio/iris/rev6b", "-o", "i.yaml"]) == 2
    assert "unknown keyboard keebio/iris/rev6b" in capsys.readouterr().err


def test_a_keyboard_json_given_as_the_keyboard_names_the_board_by_its_folder(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A board's keyboard.json kept beside a VIA save (neo65p_wired/keyboard.json, a board QMK lacks): no
    # `keyboard_folder` in it, since only `qmk info` merges that in; the layout was written with no keyboard.
    from tests.formats.test_keyboard_folder import KEYBOARD_JSON, KEYMAP_C

    (work / "keymap.c").write_text(KEYMAP_C)
    for folder, named in (("keyboards/me/tiny", "me/tiny"), ("tiny_wired", "tiny_wired")):
        (work / folder).mkdir(parents=True)
        (work / folder / "keyboard.json").write_text(json.dumps(KEYBOARD_JSON))
        out = work / f"{named.replace('/', '_')}.yaml"
        assert main(["import", "keymap.c", "--keyboard", f"{folder}/keyboard.json", "-o", str(out)]) == 0
        capsys.readouterr()
        loaded = load_layout(out)
        assert loaded.layout.keyboard == named and loaded.layout.geometry is not None
        assert main(["validate", str(out)]) == 0
