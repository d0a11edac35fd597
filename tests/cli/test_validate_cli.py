"""`keyconf validate` and `keyconf show` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.cli.main import main
from keyconf.formats.yaml_layout import load_layout

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))


def test_every_shipped_layout_validates_clean(capsys):
    assert LAYOUTS, "layouts/ is empty"
    assert main(["validate", "--strict", *map(str, LAYOUTS)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(LAYOUTS)


def test_problems_are_reported_with_positions(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    text = (ROOT / "layouts" / "planck.yaml").read_text().replace("KC_Q,", "KC_QQ,", 1)
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "KC_QQ" in t)
    col = text.splitlines()[line - 1].index("KC_QQ") + 1
    assert f"{path}:{line}:{col}: error: `KC_QQ`" in err
    assert "hint:" in err


@pytest.mark.parametrize("content, expected", [
    (b"\x00\x01\x02binary", "binary"),
    (b"keyboard: planck/rev6\nlayout: LAYOUT_ortho_4x12\nlayers:\n  base: [[KC_A\n", "not valid YAML"),
    (b"keyboard: no/such/board\nlayout: LAYOUT\nlayers:\n  base: [[KC_A]]\n", "unknown keyboard"),
    (b"keyboard: planck/rev6\nlayout: LAYOUT_ortho_4x12\nlayers:\n  base: [[KC_A, KC_B]]\n", "has 2 keys"),
])
def test_bad_files_get_one_clear_message_and_exit_1(tmp_path, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "keyconf", "validate", str(path)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == content


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2


def test_fix_rewrites_old_names_only(tmp_path, capsys):
    original = (ROOT / "layouts" / "planck.yaml").read_text()
    old = original.replace("QK_BOOT", "RESET").replace("KC_LSFT,", "KC_LSHIFT,", 1)
    path = tmp_path / "old.yaml"
    path.write_text(old)
    assert main(["validate", str(path)]) == 0  # warnings only
    assert "deprecated name" in capsys.readouterr().out
    assert main(["validate", "--fix", "--strict", str(path)]) == 0
    fixed = path.read_text()
    assert fixed.replace("KC_LSFT,   ", "KC_LSFT,", 0) and "RESET" not in fixed and "KC_LSHIFT" not in fixed
    changed = [(a, b) for a, b in zip(old.splitlines(), fixed.splitlines(), strict=True) if a != b]
    assert len(changed) == 2


def test_show_prints_each_layer(capsys):
    assert main(["show", str(ROOT / "layouts" / "planck.yaml")]) == 0
    out = capsys.readouterr().out
    assert "[0] base" in out and "[3] adjust" in out
    assert "Tab" in out or "TAB" in out
    assert main(["show", str(ROOT / "layouts" / "planck.yaml"), "--layer", "raise"]) == 0
    out = capsys.readouterr().out
    assert "[2] raise" in out and "[0] base" not in out


def test_show_and_validate_name_the_controller_beside_the_keyboard(tmp_path, capsys):
    path = tmp_path / "corne.yaml"
    text = (ROOT / "layouts" / "corne.yaml").read_text()
    path.write_text(text.replace("layout: LAYOUT_split_3x6_3\n", "layout: LAYOUT_split_3x6_3\nconverter: liatris\n"))
    assert main(["show", str(path), "--layer", "base"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("crkbd/rev1 (LAYOUT_split_3x6_3), converter liatris (RP2040, rp2040 bootloader)")
    assert main(["validate", str(path)]) == 0
    said = capsys.readouterr().out
    assert f"{path}: ok (crkbd/rev1, converter liatris (RP2040, rp2040 bootloader), 4 layers)" in said
    path.write_text(text.replace("layout: LAYOUT_split_3x6_3\n", "layout: LAYOUT_split_3x6_3\nbootloader: atmel-dfu\n"))
    assert main(["validate", str(path)]) == 0
    assert f"{path}: ok (crkbd/rev1, bootloader atmel-dfu, 4 layers)" in capsys.readouterr().out
    path.write_text(text)
    assert main(["show", str(path), "--layer", "base"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("crkbd/rev1 (LAYOUT_split_3x6_3)")


def test_version():
    result = subprocess.run([sys.executable, "-m", "keyconf", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("keyconf ")


def test_export_keymap_c_to_a_folder_writes_its_rules_and_config(tmp_path, capsys):
    out = tmp_path / "keymap"
    assert main(["export", str(ROOT / "layouts" / "planck.yaml"), "--format", "keymap.c", "-o", f"{out}/"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["config.h", "keymap.c", "rules.mk"]
    assert "TAP_DANCE_ENABLE = yes" in (out / "rules.mk").read_text()
    assert "tap_dance_action_t" in (out / "keymap.c").read_text()
    # a single file gets a note that the companions exist
    single = tmp_path / "keymap.c"
    assert main(["export", str(ROOT / "layouts" / "planck.yaml"), "--format", "keymap.c", "-o", str(single)]) == 0
    assert "rules.mk and config.h" in capsys.readouterr().err
    assert single.read_text() == (out / "keymap.c").read_text()


def test_fix_writes_raw_values_as_their_names(tmp_path, capsys):
    original = (ROOT / "layouts" / "planck.yaml").read_text()
    assert "QK_BOOT" in original and "KC_TAB," in original
    raw = original.replace("QK_BOOT", "0x7c00").replace("KC_TAB,", "0x002b,", 1)
    path = tmp_path / "raw.yaml"
    path.write_text(raw)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "`0x7c00` is the raw value of QK_BOOT" in out and "`0x002b` is the raw value of KC_TAB" in out
    assert main(["validate", "--fix", "--strict", str(path)]) == 0
    fixed = path.read_text()
    assert "0x7C00" not in fixed and "0x7c00" not in fixed and "0x002" not in fixed
    assert load_layout(path).layout == load_layout(ROOT / "layouts" / "planck.yaml").layout


def test_a_value_only_the_old_numbering_names_is_explained(tmp_path, capsys):
    original = (ROOT / "layouts" / "planck.yaml").read_text()
    path = tmp_path / "old.yaml"
    path.write_text(original.replace("QK_BOOT", "0x5c00"))
    assert main(["validate", "--strict", str(path)]) == 1
    out = capsys.readouterr().out
    assert "`0x5c00` is no keycode in QMK 0.19 and later" in out and "it was QK_BOOT" in out


def test_duplicate_combos_warn_and_fail_under_strict(tmp_path, capsys):
    original = (ROOT / "layouts" / "corne.yaml").read_text()
    assert "combos:" not in original
    path = tmp_path / "combos.yaml"
    path.write_text(original + "\ncombos:\n  - keys: [KC_J, KC_K]\n    action: KC_ESC\n"
                    "  - keys: [KC_K, KC_J]\n    action: KC_CAPS\n")
    assert main(["validate", str(path)]) == 0
    assert "combo 2 has the same keys as combo 1" in capsys.readouterr().out
    assert main(["validate", "--strict", str(path)]) == 1


def test_unquoted_layer_tap_in_a_row_is_one_error_with_a_hint(tmp_path, capsys):
    original = (ROOT / "layouts" / "kyria.yaml").read_text()
    quoted = '"LT(nav, KC_SPC)"'
    assert quoted in original
    path = tmp_path / "lt.yaml"
    path.write_text(original.replace(quoted, "LT(nav, KC_SPC)", 1))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "split it at its comma" in err and "quote it: 'LT(" in err
