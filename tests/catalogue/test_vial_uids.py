"""tools/gen_vial_uids.py: the Vial keyboard ids of a vial-qmk-shaped git repository written here,
read as vial-gui reads them, with the board folder a keymap's config.h serves."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("gen_vial_uids", ROOT / "tools" / "gen_vial_uids.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_vial_uids"] = module
    spec.loader.exec_module(module)
    return module


GEN = _tool()


def test_an_id_is_its_eight_bytes_little_endian_as_written() -> None:
    corne = "#define VIAL_KEYBOARD_UID {0x3B, 0x6B, 0xA0, 0x29, 0x80, 0x56, 0xED, 0xD1}\n"
    assert GEN.uid_of(corne) == 0xD1ED568029A06B3B
    # Written over two lines, in decimal, beside a comment that is not the define.
    text = ("// #define VIAL_KEYBOARD_UID {0, 0, 0, 0, 0, 0, 0, 0}\n"
            "#define VIAL_KEYBOARD_UID \\\n    { 1, 2, 3, 4, 5, 6, 7, 255 }\n")
    assert GEN.uid_of(text) == 0xFF07060504030201
    assert GEN.uid_of("#define VIAL_KEYBOARD_UID {0x01, 0x02}\n") is None  # not eight bytes
    assert GEN.uid_of("#define VIAL_UNLOCK_COMBO_ROWS { 0, 0 }\n") is None


def test_a_keymaps_config_names_the_folder_it_serves() -> None:
    assert GEN.folder_and_keymap("keyboards/crkbd/keymaps/vial/config.h") == ("crkbd", "vial")
    assert GEN.folder_and_keymap("keyboards/ergohaven/k03/keymaps/v1/config.h") == ("ergohaven/k03", "v1")
    assert GEN.folder_and_keymap("keyboards/3by2/config.h") == ("3by2", "")


def test_a_repository_gives_each_id_with_its_folder_and_keymap(tmp_path: Path) -> None:
    repo = tmp_path / "vial-qmk"
    files = {
        "keyboards/pad/keymaps/vial/config.h": "#define VIAL_KEYBOARD_UID {0x10, 0, 0, 0, 0, 0, 0, 0x20}\n",
        "keyboards/pad/keymaps/default/config.h": "#define TAPPING_TERM 200\n",
        "keyboards/pad/config.h": "#define MATRIX_ROWS 1\n",
        "docs/config.h": "#define VIAL_KEYBOARD_UID {1, 1, 1, 1, 1, 1, 1, 1}\n",  # not a board's
    }
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2024-03-10T12:00:00Z",
           "GIT_AUTHOR_DATE": "2024-03-10T12:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "boards"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    source, rows = GEN.read_repo(repo / ".git", "HEAD")
    assert source["date"] == "2024-03-10" and len(source["commit"]) == 40
    assert rows == {("2000000000000010", "pad", "vial")}
