"""No field of a stranger's layout gets C or make code into a build: each hostile value is refused
with a positioned error, or reaches the generated files as data, and gcc and make say so.

Each case writes one hostile value into one field of a layout file (a string closing its quotes,
a comment closing its comment, a new line starting a directive, a line splice, a make function
call) and runs what `keyconf compile` runs: load, validate, generate. A refusal must name the
line of the file; generated files must compile with gcc (-Werror: `keyconf_pwned()` reaching code
is an undeclared function, `#error` an error) and make must read rules.mk without running the
`$(shell ...)` (a marker file it would create stays absent). The same goes for what imports bring:
a VIA save's and a keymap.json's names and macros, a keymap.c's names."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from keyconf.cli.layout_files import check_loaded_layout
from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.source_map import GenerationError
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.formats.interchange import NoKeyboards, import_text
from keyconf.formats.yaml_layout import LayoutFileError, loads_layout
from keyconf.formats.yaml_layout_write import dumps_layout
from keyconf.model.keyboard import Key, Keyboard, LayoutMacro
from tests.compiler.c_stub import GCC, MAKE, syntax_check, write_build_dir

needs_tools = pytest.mark.skipif(GCC is None or MAKE is None, reason="gcc and make are needed to build the files")

MACRO = "LAYOUT_ortho_2x3"
BOARD = Keyboard(name="testco/ortho", layouts={MACRO: LayoutMacro(MACRO, [
    Key(x=float(c), y=float(r), matrix=(r, c)) for r in range(2) for c in range(3)])})


def payloads(marker: Path) -> list[str]:
    """Values that leave their place in C or make if written as they are."""
    return [
        '"); keyconf_pwned(); //',  # closes a string literal
        "*/ keyconf_pwned(); /*",  # closes a comment
        "x\n#error pwned\nkeyconf_pwned();",  # a new line: a directive, a statement
        "x\\",  # a line splice: the next line joins a comment
        "x\r#error pwned",  # a carriage return some tools read as a new line
        "??/",  # a trigraph of a backslash
        f"$(shell touch {marker})",  # make runs it wherever rules.mk expands it
        f"x\nSRC += $(shell touch {marker})",
        "x\u2028#error pwned",  # a line separator Python splits lines at
    ]


def base_yaml(extra: str = "", keys: str = "KC_A, KC_B, KC_C, KC_D, KC_E, KC_F") -> str:
    return ("keyboard: testco/ortho\nlayout: LAYOUT_ortho_2x3\n" + extra
            + f"layers:\n  base: [[{keys}]]\n  nav: [[KC_1, KC_2, KC_3, KC_4, KC_5, KC_6]]\n")


def quoted(value: str) -> str:
    return json.dumps(value)  # a YAML double-quoted scalar holding exactly the value


# Each field: the YAML (a layout section or key list) with {v} for the hostile value, and the keys
# of the base layer that use what it defines.
FIELDS: dict[str, tuple[str, str | None]] = {
    "name": ("name: {v}\n", None),
    "author": ("author: {v}\n", None),
    "notes": ("notes: {v}\n", None),
    "converter": ("converter: {v}\n", None),
    "bootloader": ("bootloader: {v}\n", None),
    "host_language": ("host_language: {v}\n", None),
    "features": ("features: [{v}]\n", None),
    "features_off": ("features_off: [{v}]\n", None),
    "drivers key": ("drivers: {{{v}: ws2812}}\n", None),
    "drivers value": ("drivers: {{RGB_MATRIX_DRIVER: {v}}}\n", None),
    "rules value": ("rules: {{DEBOUNCE_TYPE: {v}}}\n", None),
    "modules": ("modules: [{v}]\n", None),
    "settings value": ("settings: {{tapping_term: {v}}}\n", None),
    "settings key": ("settings: {{{v}: 200}}\n", None),
    # `c_source:` is not among them: its text is C code by design (a block, or a file's name),
    # compiled by QMK and never run by keyconf; its file stays in the layout's folder
    # (tests/formats/test_layout_custom_keycodes.py).
    "c_files path": ("c_files: {{compile: [{v}]}}\n", None),
    "qmk c_files path": ("c_files: {{qmk: [{v}]}}\n", None),
    "layer name": ("", None),  # handled below: the layer's own name
    "custom keycode name": ("custom_keycodes: [{{name: {v}}}]\nc_source: 'bool x;'\n", None),
    "custom keycode legend": ("custom_keycodes: [{{name: ALTTAB, legend: {v}}}]\nc_source: |\n  int y;\n",
                              "ALTTAB, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "custom keycode description": ("custom_keycodes: [{{name: ALTTAB, description: {v}}}]\nc_source: |\n  int y;\n",
                                   "ALTTAB, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "custom keycode header": ("custom_keycodes: [{{name: ALTTAB, header: {v}}}]\n",
                              "ALTTAB, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "custom keycode value": ("custom_keycodes: [{{name: ALTTAB, value: {v}}}]\nc_source: |\n  int y;\n",
                             "ALTTAB, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "macro name": ("macros: [{{name: {v}, steps: [{{text: hi}}]}}]\n", "QK_MACRO_0, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "macro text": ("macros: [{{steps: [{{text: {v}}}]}}]\n", "QK_MACRO_0, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "tap dance name": ("tap_dances: [{{name: {v}, tap: KC_A, hold: KC_B}}]\n", None),
    "combo name": ("combos: [{{name: {v}, keys: [KC_A, KC_B], action: KC_ESC}}]\n", None),
    "key override name": ("key_overrides: [{{name: {v}, trigger: KC_A, replacement: KC_B, mods: [MOD_MASK_SHIFT]}}]\n",
                          None),
    "keycode": ("", "{v}, KC_B, KC_C, KC_D, KC_E, KC_F"),
    "layout macro": ("", None),
    "keyboard": ("", None),
}


def hostile_layout(field: str, value: str) -> str:
    section, keys = FIELDS[field]
    v = quoted(value)
    text = base_yaml(section.format(v=v), (keys or "KC_A, KC_B, KC_C, KC_D, KC_E, KC_F").format(v=v))
    if field == "layer name":
        text = text.replace("  nav: ", f"  {v}: ")
    if field == "layout macro":
        text = text.replace("layout: LAYOUT_ortho_2x3", f"layout: {v}")
    if field == "keyboard":
        text = text.replace("keyboard: testco/ortho", f"keyboard: {v}")
    return text


def build_or_refuse(text: str, tmp_path: Path, marker: Path, name: str = "hostile.yaml") -> str:
    """'refused' (with the line of the file) or 'built' (gcc and make took the files as data)."""
    try:
        loaded = loads_layout(text, name)
    except LayoutFileError as error:
        assert error.line is not None, error.format()
        return "refused"
    if loaded.layout.keyboard == BOARD.name and loaded.layout.geometry is None:
        loaded.layout.geometry = BOARD  # the board the files build for, without a catalogue
    checked = check_loaded_layout(loaded)
    errors = [p for p in checked.problems if p.is_error]
    if errors:
        assert all(p.line is not None for p in errors), [p.format() for p in errors]
        return "refused"
    try:
        sources = generate_sources(loaded.layout, BOARD, GenerateOptions(source_name=name))
    except GenerationError as error:
        located = loaded.locate([p.to_problem() for p in error.problems])
        assert all(p.line is not None for p in located), [p.format() for p in located]
        return "refused"
    folder = write_build_dir(tmp_path / "build", sources, CURRENT_QMK.keycode_spec_version, {MACRO: 6})
    for path, c_text in sources.c_files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(c_text)
    compiled = syntax_check(folder)
    assert compiled.returncode == 0, compiled.stderr + sources.keymap_c + sources.config_h
    probe = folder / "probe.mk"
    probe.write_text("include rules.mk\n$(info SRC=$(SRC) VPATH=$(VPATH) $(foreach v,$(.VARIABLES),$(v)=$($(v))))\n"
                     "all: ;\n")
    made = subprocess.run([MAKE or "make", "-s", "-f", "probe.mk"], cwd=folder, capture_output=True, text=True,
                          check=False)
    assert made.returncode == 0, made.stderr + sources.rules_mk
    assert not marker.exists(), sources.rules_mk
    return "built"


@needs_tools
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_hostile_value_in_any_field_is_refused_or_stays_data(tmp_path: Path, field: str) -> None:
    marker = tmp_path / "pwned"
    outcomes = {}
    for index, value in enumerate(payloads(marker)):
        case = tmp_path / str(index)
        case.mkdir()
        outcomes[value] = build_or_refuse(hostile_layout(field, value), case, marker)
    assert set(outcomes.values()) <= {"refused", "built"}


@needs_tools
def test_free_text_fields_reach_the_files_escaped_not_refused(tmp_path: Path) -> None:
    """What the user may write anything in (names, legends, macro text) is kept and escaped."""
    marker = tmp_path / "pwned"
    for field in ("name", "author", "custom keycode legend", "custom keycode description", "macro name",
                  "macro text", "combo name", "key override name"):
        for index, value in enumerate(payloads(marker)):
            if field == "macro text" and (not value.isascii() or "\r" in value):
                continue  # SEND_STRING types printable ASCII, tab and newline: validation refuses the rest
            case = tmp_path / f"{field}-{index}".replace(" ", "_")
            case.mkdir()
            assert build_or_refuse(hostile_layout(field, value), case, marker) == "built", (field, value)


@needs_tools
def test_a_custom_keycode_header_outside_the_include_path_is_refused(tmp_path: Path) -> None:
    """`header:` names a userspace's header: never a file elsewhere on the machine, which the build
    would read into the firmware (`/home/someone/.ssh/id_rsa.h`, `../../../secret.h`)."""
    marker = tmp_path / "pwned"
    for header in ("/etc/passwd", "../../../../secret.h", "users/../../x.h"):
        text = hostile_layout("custom keycode header", header)
        assert build_or_refuse(text, tmp_path, marker) == "refused", header
    header = tmp_path / "ok" / "build" / "features" / "user.h"
    header.parent.mkdir(parents=True)
    header.write_text("#pragma once\nenum { ALTTAB = 0x7E40 };\n")
    allowed = hostile_layout("custom keycode header", "features/user.h")
    assert build_or_refuse(allowed, tmp_path / "ok", marker) == "built"


VIA_SAVE = {"name": "x", "vendorProductId": 0, "macros": [], "layers": [["KC_A"] * 6, ["KC_B"] * 6]}


@needs_tools
@pytest.mark.parametrize("kind", ["via name", "via macro", "keymap.json author", "keymap.json macro",
                                  "keymap.json keymap", "keymap.c custom keycode", "keymap.c layer"])
def test_what_an_import_brings_stays_data_in_the_build(tmp_path: Path, kind: str) -> None:
    """A stranger's save, keymap.json or keymap.c imported, saved as a layout and built."""
    marker = tmp_path / "pwned"
    for index, value in enumerate(payloads(marker)):
        case = tmp_path / str(index)
        case.mkdir()
        if kind.startswith("via"):
            save = dict(VIA_SAVE, name=value) if kind == "via name" else dict(VIA_SAVE, macros=[value])
            if kind == "via macro":
                save["layers"] = [["MACRO00"] + ["KC_A"] * 5, ["KC_B"] * 6]
            text, name, fmt = json.dumps(save), "x.layout.json", "via"
        elif kind.startswith("keymap.json"):
            data = {"keyboard": "testco/ortho", "keymap": "x", "layout": MACRO,
                    "layers": [["KC_A"] * 6, ["KC_B"] * 6]}
            if kind == "keymap.json author":
                data["author"] = value
            elif kind == "keymap.json keymap":
                data["keymap"] = value
            else:
                data["macros"] = [[value]]
                data["layers"][0][0] = "QK_MACRO_0"
            text, name, fmt = json.dumps(data), "keymap.json", "keymap.json"
        else:
            ident = "ALT" + "".join(ch for ch in value if ch.isalnum())[:8]
            custom = f"enum custom_keycodes {{ {ident} = SAFE_RANGE }};\n" if kind == "keymap.c custom keycode" else ""
            text = (f'#include QMK_KEYBOARD_H\n// {value.splitlines()[0]}\n{custom}'
                    "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                    f"  [0] = {MACRO}({ident if custom else 'KC_A'}, KC_B, KC_C, KC_D, KC_E, KC_F),\n}};\n")
            name, fmt = "keymap.c", "keymap.c"
        try:
            imported = import_text(text, name, keyboard=BOARD, finder=NoKeyboards(), format=fmt,
                                   embed_geometry=True)
        except LayoutFileError as error:
            assert error.line is not None
            continue
        except Exception as error:  # noqa: BLE001 - FormatError: refused, with a line
            assert getattr(error, "line", None) is not None, error
            continue
        layout_yaml = dumps_layout(imported.layout)
        assert build_or_refuse(layout_yaml, case, marker, "imported.yaml") in ("refused", "built")
