"""`keyconf validate` and `keyconf show` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.cli.main import main

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
