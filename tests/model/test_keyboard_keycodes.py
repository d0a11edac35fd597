"""A keyboard's own keycodes (QK_KB_n), as its firmware's header names them: Charybdis's DPI_MOD
is QK_KB_0 in a layout for any Charybdis, shown with its VIA legend (DPI+)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.model.keycodes import OP_CUSTOM, REGISTRY, Numbering
from keyconf.model.keycodes.keyboard_keycodes import DATA_FILE, keyboard_keycodes
from keyconf.model.layout import CustomKeycode, Layer, Layout, keycode_context

ROOT = Path(__file__).resolve().parents[2]
CHARYBDIS = "bastardkb/charybdis/3x5/v2/splinky_3"

# The shape of keyboards/<kb>/<kb>.h in QMK: an enum from QK_KB_0 and #define aliases beside it,
# the enum under #ifdef as Charybdis has it.
HEADER = """#pragma once
#include "quantum.h"

#ifdef POINTING_DEVICE_ENABLE
enum trackpad_keycodes {
    POINTER_DPI_UP = QK_KB_0, // faster
    POINTER_DPI_DOWN,
    /* the scroll mode */
    DRAG_SCROLL,
};
#    define DPI_UP POINTER_DPI_UP
#    define DRGSCRL DRAG_SCROLL
#endif

enum unrelated { NOT_A_KEY = 4, ALSO_NOT };
"""


def test_the_table_says_where_it_comes_from() -> None:
    data = json.loads(DATA_FILE.read_text("utf-8"))
    assert data["commit"] == "7098252252" and data["license"].startswith("GPL-2.0-or-later")
    assert data["via_commit"] == "e44d80f991664a9676a9a53fbb41892d88ef9069"
    assert data["via_license"].startswith("GPL-3.0")
    assert data["generated_by"] == "tools/gen_keyboard_keycodes.py"
    assert len(data["keyboards"]) > 40


def test_a_keyboard_below_the_header_has_its_keycodes() -> None:
    found = keyboard_keycodes(CHARYBDIS)
    assert [k.names for k in found][:3] == [("DPI_MOD", "POINTER_DEFAULT_DPI_FORWARD"),
                                           ("DPI_RMOD", "POINTER_DEFAULT_DPI_REVERSE"),
                                           ("S_D_MOD", "POINTER_SNIPING_DPI_FORWARD")]
    assert [k.value for k in found] == list(range(0x7E00, 0x7E08))
    assert found[0].label == "DPI+" and found[0].title == "Default DPI Increase"
    assert found[0].header == "keyboards/bastardkb/charybdis/charybdis.h"
    assert keyboard_keycodes("planck/rev6") == () and keyboard_keycodes("") == ()
    # Keychron's C3 Pro starts at QK_KB_11, after the keycodes of Keychron's VIA definitions.
    (switch,) = keyboard_keycodes("keychron/c3_pro/ansi/red")
    assert switch.value == 0x7E0B and switch.names == ("KC_OSSW", "KC_OS_SWITCH")


def test_a_name_of_thousands_of_folders_finds_the_header_of_its_first_ones() -> None:
    """A fuzzed layout named its keyboard with ~30,000 folders: each shorter name was joined
    and hashed again (8 s of CPU for one `keyconf validate`)."""
    assert keyboard_keycodes(CHARYBDIS + "/x" * 30_000) == keyboard_keycodes(CHARYBDIS)
    assert keyboard_keycodes("y/" * 30_000) == ()


def test_in_a_layout_for_the_keyboard_its_names_are_keycodes() -> None:
    layout = Layout(CHARYBDIS, "LAYOUT", [Layer("base", ["DPI_MOD", "SNIPING_MODE", "KC_A"])])
    ctx = keycode_context(layout)
    kc = REGISTRY.parse("DPI_MOD", ctx)
    assert kc.op == OP_CUSTOM and REGISTRY.format(kc) == "DPI_MOD"
    assert REGISTRY.encode(kc, ctx) == 0x7E00
    assert REGISTRY.legend(kc, ctx).tap == "DPI+"
    assert REGISTRY.describe(kc, ctx).startswith("Default DPI Increase")
    assert REGISTRY.encode(REGISTRY.parse("POINTER_DEFAULT_DPI_FORWARD", ctx), ctx) == 0x7E00
    # A value read from a board (a VIA save, a pulled keymap) takes the name keymaps write.
    assert REGISTRY.format(REGISTRY.decode(0x7E04, Numbering.CURRENT, ctx)) == "SNIPING"
    # On another keyboard the name means nothing.
    other = keycode_context(Layout("planck/rev6", "LAYOUT", []))
    with pytest.raises(Exception, match="DPI_MOD"):
        REGISTRY.parse("DPI_MOD", other)


def test_a_layouts_own_keycode_of_the_same_name_wins() -> None:
    layout = Layout(CHARYBDIS, "LAYOUT", [Layer("base", ["DPI_MOD"])], custom_keycodes=[CustomKeycode("DPI_MOD")])
    ctx = keycode_context(layout)
    assert REGISTRY.encode(REGISTRY.parse("DPI_MOD", ctx), ctx) == 0x7E40  # QK_USER_0: the layout's enum
    assert ctx.keyboard_keycode("DPI_MOD") is None
    assert REGISTRY.format(REGISTRY.decode(0x7E00, Numbering.CURRENT, ctx)) == "POINTER_DEFAULT_DPI_FORWARD"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    qmk, via = tmp_path / "qmk", tmp_path / "via"
    board = qmk / "keyboards/acme/pad"
    (board / "rev1").mkdir(parents=True)
    (board / "keymaps/default").mkdir(parents=True)
    (board / "pad.h").write_text(HEADER)
    (board / "info.json").write_text(json.dumps({"usb": {"vid": "0xFEED", "pid": "0x0001"}}))
    (board / "rev1/keyboard.json").write_text(json.dumps({"usb": {"device_version": "1.0.0"}}))
    (board / "keymaps/default/keymap.h").write_text("enum k { MINE = QK_KB_0 };")  # a keymap's, not the board's
    # A header the board includes from a shared folder (Wilba's wt_rgb_backlight_keycodes.h).
    shared = qmk / "keyboards/acme/common"
    shared.mkdir()
    (shared / "acme_keycodes.h").write_text("enum acme { ACME_LED = QK_KB, ACME_FX };\n#define A_LED ACME_LED\n")
    other = qmk / "keyboards/acme/knob"
    other.mkdir()
    (other / "knob.h").write_text('#pragma once\n#include "acme_keycodes.h"\n')
    (via / "v3/acme").mkdir(parents=True)
    (via / "v3/acme/pad.json").write_text(json.dumps({
        "name": "Pad", "vendorId": "0xFEED", "productId": "0x0001",
        "customKeycodes": [{"name": "DPI Up", "title": "Pointer speed up", "shortName": "DPI+"},
                           {"name": "DPI Down", "title": "Pointer speed down", "shortName": "DPI-"},
                           {"name": "Drag", "title": "Drag scroll", "shortName": "Drag"}]}))
    return qmk, via


def test_the_generator_reads_the_headers_enums_aliases_and_via_legends(tmp_path: Path) -> None:
    qmk, via = _tree(tmp_path)
    out = tmp_path / "out.json"
    subprocess.run([sys.executable, str(ROOT / "tools/gen_keyboard_keycodes.py"), str(qmk), "--commit", "abc",
                    "--via", str(via), "--via-commit", "def", "-o", str(out)], check=True, capture_output=True)
    data = json.loads(out.read_text())
    assert (data["commit"], data["via_commit"]) == ("abc", "def")
    assert sorted(data["keyboards"]) == ["acme/knob", "acme/pad"]
    pad = data["sets"][data["keyboards"]["acme/pad"]["set"]]
    assert pad == [
        {"index": 0, "name": "POINTER_DPI_UP", "aliases": ["DPI_UP"], "via_name": "DPI Up",
         "title": "Pointer speed up", "label": "DPI+"},
        {"index": 1, "name": "POINTER_DPI_DOWN", "aliases": [], "via_name": "DPI Down",
         "title": "Pointer speed down", "label": "DPI-"},
        {"index": 2, "name": "DRAG_SCROLL", "aliases": ["DRGSCRL"], "via_name": "Drag",
         "title": "Drag scroll", "label": "Drag"},
    ]
    knob = data["keyboards"]["acme/knob"]
    assert knob["header"] == "keyboards/acme/common/acme_keycodes.h"
    assert data["sets"][knob["set"]] == [{"index": 0, "name": "ACME_LED", "aliases": ["A_LED"]},
                                         {"index": 1, "name": "ACME_FX", "aliases": []}]
    # A header no keyboard folder is named after is also kept by its file name, for keymaps that
    # include it themselves (Keychron's keychron_common.h).
    assert data["headers"] == {"acme_keycodes.h": {"header": "keyboards/acme/common/acme_keycodes.h",
                                                   "set": knob["set"]}}


def test_a_shared_headers_keycodes_are_found_by_the_header_a_keymap_includes() -> None:
    from keyconf.model.keycodes.keyboard_keycodes import header_keycode

    task = header_keycode(["keychron_common.h"], "KC_TASK")
    assert task is not None and task.value == 0x7E07 and task.names == ("KC_TASK", "KC_TASK_VIEW")
    assert task.legend == "TASK"  # no VIA label: its shortest name
    assert header_keycode(["user.h"], "KC_TASK") is None and header_keycode(["keychron_common.h"], "KC_A") is None
    layout = Layout("keychron/q1v2/ansi", "LAYOUT", [Layer("base", ["KC_TASK"])],
                    custom_keycodes=[CustomKeycode("KC_TASK", headers=["keychron_common.h"])])
    ctx = keycode_context(layout)
    kc = REGISTRY.parse("KC_TASK", ctx)
    assert REGISTRY.encode(kc, ctx) == 0x7E07 and REGISTRY.legend(kc, ctx).tap == "TASK"
    assert REGISTRY.format(REGISTRY.decode(0x7E07, Numbering.CURRENT, ctx)) == "KC_TASK"


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree to regenerate the table from)",
)
def test_the_table_is_what_the_generator_reads_from_a_tree(tmp_path: Path) -> None:
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    via = Path(os.environ.get("KEYCONF_TEST_VIA_HOME", "/work/trees/via"))
    if not (home / "keyboards/bastardkb/charybdis/charybdis.h").exists() or not (via / "v3").is_dir():
        pytest.skip(f"{home} has no Charybdis header, or no VIA keyboards checkout at {via}")
    out = tmp_path / "kb.json"
    subprocess.run([sys.executable, str(ROOT / "tools/gen_keyboard_keycodes.py"), str(home), "--commit", "x",
                    "--via", str(via), "--via-commit", "y", "-o", str(out)], check=True, capture_output=True)
    made, kept = json.loads(out.read_text()), json.loads(DATA_FILE.read_text())
    charybdis = made["sets"][made["keyboards"]["bastardkb/charybdis"]["set"]]
    assert charybdis == kept["sets"][kept["keyboards"]["bastardkb/charybdis"]["set"]]


# Switches under which the boards' headers declare their keycodes (Charybdis: pointing device).
_FEATURES = ("POINTING_DEVICE_ENABLE", "VIA_ENABLE", "RGBLIGHT_ENABLE", "RGB_BACKLIGHT_PORTICO",
             "RGB_BACKLIGHT_PORTICO75")


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware tree whose headers gcc evaluates)",
)
def test_gcc_gives_every_name_of_the_table_its_value_from_the_trees_headers(tmp_path: Path) -> None:
    """Each keyboard's header, included as QMK_KEYBOARD_H is (quantum.h reduced to the keycodes),
    compiled by gcc: every name and alias of the table is QK_KB_0 + its index. Headers that need
    more of the firmware than the keycodes do not compile alone and are counted apart."""
    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    data = json.loads(DATA_FILE.read_text("utf-8"))
    (tmp_path / "quantum.h").write_text('#pragma once\n#include <stdint.h>\n#include <stdbool.h>\n'
                                        '#include "quantum_keycodes.h"\n')
    matched, differ, alone = [], [], []
    for folder, entry in data["keyboards"].items():
        names = [(n, k["index"]) for k in data["sets"][entry["set"]] for n in [k["name"], *k["aliases"]]]
        header = home / "keyboards" / folder / (folder.split("/")[-1] + ".h")
        lines = [f"#define {f}" for f in _FEATURES] + ["#include <stdio.h>", f'#include "{header}"', "int main(void) {"]
        lines += [f'    printf("%d\\n", (int)({n}) - (int)QK_KB_0);' for n, _ in names] + ["    return 0;", "}"]
        (tmp_path / "t.c").write_text("\n".join(lines) + "\n")
        include = [str(tmp_path), str(home), str(home / "quantum"), str(home / "quantum/keymap_extras"),
                   str(home / "quantum/sequencer"), str(home / "quantum/logging"), str(home / "platforms"),
                   str(home / "drivers"), str(home / "tmk_core/protocol"), str(header.parent),
                   *(str((home / h).parent) for h in entry["header"].split())]
        built = subprocess.run(["gcc", "-w", "-std=gnu11", *(f"-I{i}" for i in include), str(tmp_path / "t.c"),
                                "-o", str(tmp_path / "t")], capture_output=True, text=True, check=False)
        if built.returncode:
            alone.append(folder)
            continue
        ran = subprocess.run([str(tmp_path / "t")], capture_output=True, text=True, check=True)
        (matched if [int(v) for v in ran.stdout.split()] == [i for _, i in names] else differ).append(folder)
    assert differ == []
    assert "bastardkb/charybdis" in matched, (alone, differ)
    print(f"{len(matched)} of {len(data['keyboards'])} keyboard folders match gcc; {len(alone)} do not compile alone")


def test_a_layout_that_names_them_from_qmk_keyboard_h_gets_their_values() -> None:
    """A layout imported before keyconf knew Charybdis's keycodes keeps `DPI_MOD` as a custom
    keycode of QMK_KEYBOARD_H: that header is the keyboard's, so its value is known as well."""
    layout = Layout(CHARYBDIS, "LAYOUT", [Layer("base", ["DPI_MOD", "MY_OWN"])],
                    custom_keycodes=[CustomKeycode("DPI_MOD", headers=["QMK_KEYBOARD_H"]),
                                     CustomKeycode("MY_OWN", headers=["QMK_KEYBOARD_H"])])
    ctx = keycode_context(layout)
    assert REGISTRY.encode(REGISTRY.parse("DPI_MOD", ctx), ctx) == 0x7E00
    assert REGISTRY.legend(REGISTRY.parse("DPI_MOD", ctx), ctx).tap == "DPI+"
    with pytest.raises(Exception, match="value is unknown"):
        REGISTRY.encode(REGISTRY.parse("MY_OWN", ctx), ctx)
