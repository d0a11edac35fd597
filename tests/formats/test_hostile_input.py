"""Hostile documents: every reader refuses them with one positioned error, in bounded time.

Each case is a shape a fuzzer or a hostile user found crashing or stalling a reader: deep
nesting, alias bombs, control characters, a second YAML document, octal keycodes, files
passing the size limits, huge layer or row counts, exponential C macros."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyconf.cli.layout_files import check_loaded_layout
from keyconf.formats.c_source import MAX_EXPANDED_TOKENS, MAX_NESTING
from keyconf.formats.definition_source import KeyboardDefinitionError, parse_definition_json
from keyconf.formats.document_limits import MAX_JSON_DEPTH, MAX_JSON_VALUES, json_limits
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import NoKeyboards, import_text
from keyconf.formats.keymap_c_import import read_keymap_c
from keyconf.formats.keymap_c_statements import MAX_KEYMAP_C_CHARS
from keyconf.formats.qmk_keymap_json import read_keymap_json
from keyconf.formats.via_save import read_via_save
from keyconf.formats.vial_vil import read_vil
from keyconf.formats.yaml_layout import LayoutFileError, loads_layout
from keyconf.formats.yaml_source import MAX_DEPTH, MAX_NODES
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext

DATA = Path(__file__).parent / "data" / "interchange"
GOOD = "keyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [[KC_A]]\n"


def yaml_error(text: str) -> LayoutFileError:
    with pytest.raises(LayoutFileError) as info:
        loads_layout(text, "hostile.yaml")
    error = info.value
    assert error.line is not None and error.column is not None, error.format()
    assert error.format().startswith(f"hostile.yaml:{error.line}:{error.column}: error: ")
    return error


# -- YAML layouts


def test_nesting_deeper_than_libyaml_allows_is_positioned():
    error = yaml_error(GOOD + "notes: " + "[" * 5000 + "]" * 5000 + "\n")
    assert error.line == 5


def test_nesting_past_the_limit_is_refused_before_walking():
    depth = MAX_DEPTH + 5
    error = yaml_error(GOOD + "notes: " + "[" * depth + "x" + "]" * depth + "\n")
    assert f"more than {MAX_DEPTH} levels" in error.message


def test_nesting_built_from_aliases_is_refused():
    """Each alias adds 20 levels: the text is shallow, the expanded document is not."""
    lines = ["a0: &a0 " + "[" * 20 + "x" + "]" * 20]
    lines += [f"a{k}: &a{k} " + "[" * 20 + f"*a{k - 1}" + "]" * 20 for k in range(1, 8)]
    error = yaml_error("\n".join(lines) + "\n")
    assert "levels deep" in error.message


def test_alias_bomb_is_refused_at_its_anchor():
    lines = ["a0: &a0 [" + ", ".join(["KC_A"] * 10) + "]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 9)]
    error = yaml_error("\n".join(lines) + "\n")
    assert f"more than {MAX_NODES:,} values" in error.message


def test_too_many_values_refused_before_reading_them():
    error = yaml_error(GOOD + "notes: [" + "a," * (MAX_NODES + 10) + "]\n")
    assert f"holds more than {MAX_NODES:,} values" in error.message
    assert error.line == 5


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x1f"])
def test_control_characters_are_positioned(char: str):
    error = yaml_error(f"keyboard: crkbd/rev1\nlayout: LAY{char}OUT\n")
    assert (error.line, error.column) == (2, 12)
    assert f"U+{ord(char):04X}" in error.message


def test_second_document_is_positioned():
    error = yaml_error(GOOD + "---\n" + GOOD)
    assert "more than one YAML document" in error.message
    assert error.line == 5


def test_more_layers_than_qmk_holds_are_refused_at_the_first_too_many():
    layers = "".join(f"  l{i}: [[KC_A]]\n" for i in range(40))
    error = yaml_error("keyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n" + layers)
    assert "40 layers; QMK holds at most 32" in error.message
    assert (error.line, error.column) == (4 + 32, 3)


def test_octal_keycode_is_read_as_c_reads_it():
    kc = REGISTRY.parse("017", ParseContext())
    assert REGISTRY.format(kc) == "0x000F"
    with pytest.raises(KeycodeError) as info:
        REGISTRY.parse("09", ParseContext())
    assert "octal" in info.value.message
    assert REGISTRY.format(REGISTRY.parse("MT(017, KC_A)", ParseContext())) == "HYPR_T(KC_A)"
    with pytest.raises(KeycodeError):
        REGISTRY.parse("MT(09, KC_A)", ParseContext())


def test_octal_keycode_in_a_layout_validates_without_a_crash():
    loaded = loads_layout(GOOD.replace("KC_A", "017"), "octal.yaml")
    checked = check_loaded_layout(loaded)
    assert all(p.line is not None for p in checked.problems)


def test_keycode_did_you_mean_stays_useful():
    assert REGISTRY.suggest("KC_ENTR")[0] == "KC_ENT"
    assert REGISTRY.suggest("QK_BOOTT")[0] == "QK_BOOT"
    assert REGISTRY.suggest("X" * 5000) == []


# -- JSON of every format


@pytest.mark.parametrize("reader", [read_via_save, read_vil, read_keymap_json])
def test_json_nested_brackets_give_one_positioned_error(reader):
    text = '{"layers": ' + "[" * 100_000
    with pytest.raises(FormatError) as info:
        reader(text, "deep.json")
    assert info.value.line == 1 and info.value.column == 11 + MAX_JSON_DEPTH
    assert "nested more than" in info.value.message


@pytest.mark.parametrize("reader", [read_via_save, read_vil, read_keymap_json])
def test_json_number_of_thousands_of_digits_gives_one_positioned_error(reader):
    # Python's int() refuses past 4,300 digits with a ValueError no reader expected (found by fuzzing .vil)
    text = '{"version": 1,\n "layers": [[' + "7" * 5000 + "]]}"
    with pytest.raises(FormatError) as info:
        reader(text, "long-number.json")
    assert (info.value.line, info.value.column) == (2, 14)
    assert "5000 digits" in info.value.message


@pytest.mark.parametrize("reader", [read_via_save, read_vil, read_keymap_json])
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_json_numbers_that_are_not_finite_are_one_positioned_error(reader, token):
    # Python's json takes NaN, Infinity and 1e999 (as inf); JSON has none of them (the .vil fuzz
    # found an OverflowError from a tapping term of Infinity). A string holding the token is fine.
    text = f'{{"name": "{token}",\n "layers": [[{token}]]}}'
    with pytest.raises(FormatError) as info:
        reader(text, "not-finite.json")
    assert (info.value.line, info.value.column) == (2, 14)
    assert info.value.message == f"{token} is not a number JSON can hold"


def test_json_with_too_many_values_is_refused_at_the_limit():
    passed = json_limits("[" + "0,\n" * MAX_JSON_VALUES + "0]")
    assert passed is not None and passed.line == MAX_JSON_VALUES - 1


def test_json_limits_ignore_brackets_inside_strings():
    assert json_limits(json.dumps({"macro": "[" * 500})) is None


def test_definition_json_and_hjson_are_bounded():
    for text in ("[" * 50_000, "{a: " * 50_000):
        with pytest.raises(KeyboardDefinitionError) as info:
            parse_definition_json(text, "info.json")
        assert info.value.line == 1


def test_vil_with_a_million_rows_is_refused_fast():
    text = '{"version": 1, "uid": 1, "layout": [[' + "[-1]," * 10**6 + "[-1]]]}"
    with pytest.raises(FormatError) as info:
        read_vil(text, "big.vil")
    assert info.value.line == 1 and "values" in info.value.message
    rows = ",".join(["[-1]"] * 300)
    with pytest.raises(FormatError) as info:
        read_vil('{"uid": 1, "layout": [[' + rows + "]]}", "rows.vil")
    assert "300 matrix rows" in info.value.message


def test_too_many_layers_refused_in_every_json_format():
    via = json.loads((DATA / "corne.layout.json").read_text())
    via["layers"] = via["layers"] * 17
    with pytest.raises(FormatError) as info:
        read_via_save(json.dumps(via), "many.layout.json")
    assert "layers; QMK and VIA hold at most 32" in info.value.message and info.value.line is not None
    keymap = json.loads((DATA / "kyria_macros.keymap.json").read_text())
    keymap["layers"] = [keymap["layers"][0]] * 40
    with pytest.raises(FormatError) as info:
        read_keymap_json(json.dumps(keymap), "many.json")
    assert "40 layers" in info.value.message


def test_vil_unknown_macro_action_is_positioned():
    vil = json.loads((DATA / "corne.vil").read_text())
    vil["macro"] = [[["jump", "KC_A"]]]
    with pytest.raises(FormatError) as info:
        read_vil(json.dumps(vil, indent=1), "macro.vil")
    assert "unknown action 'jump'" in info.value.message and info.value.line is not None


# -- keymap.c


def keymap_c_with(replacement: str, prefix: str = "") -> str:
    source = (DATA / "corne_layers.keymap.c").read_text()
    return prefix + source.replace("KC_Q", replacement, 1)


def test_keymap_c_nested_parentheses_refused_at_the_limit():
    depth = 10_000
    with pytest.raises(FormatError) as info:
        read_keymap_c(keymap_c_with("(" * depth + "KC_Q" + ")" * depth), "keymap.c")
    assert f"more than {MAX_NESTING} deep" in info.value.message
    assert info.value.line is not None and info.value.column is not None


def test_keymap_c_exponential_macros_are_bounded():
    defines = "".join(f"#define B{k} B{k + 1} B{k + 1}\n" for k in range(60)) + "#define B60 KC_Q\n"
    with pytest.raises(FormatError) as info:
        read_keymap_c(keymap_c_with("B0", defines), "keymap.c")
    assert f"{MAX_EXPANDED_TOKENS:,} tokens" in info.value.message and info.value.line is not None


def test_keymap_c_too_long_is_refused_with_position():
    text = "// " + "x" * (MAX_KEYMAP_C_CHARS + 10)
    with pytest.raises(FormatError) as info:
        read_keymap_c(text, "keymap.c")
    assert (info.value.line, info.value.column) == (1, MAX_KEYMAP_C_CHARS + 1)


def test_keymap_c_octal_keycode_imports_as_c_reads_it():
    """`017` is octal 15 in C, the value of KC_L."""
    imported = import_text(keymap_c_with("017"), "keymap.c", finder=NoKeyboards(), format="keymap.c")
    assert imported.layout.layers[0].keys[:3] == ["KC_TAB", "KC_L", "KC_W"]


def test_a_4000_character_keyboard_name_gets_a_short_clear_answer():
    loaded = loads_layout(f"keyboard: {'q' * 4000}\nlayout: LAYOUT\nlayers:\n  base: [[KC_A]]\n", "long.yaml")
    problems = check_loaded_layout(loaded).problems
    unknown = [p for p in problems if p.code == "unknown-keyboard"]
    assert len(unknown) == 1 and unknown[0].line == 1
    assert "(4,000 characters)" in unknown[0].message and len(unknown[0].format()) < 300


def test_a_hostile_backup_file_is_a_clear_error(tmp_path: Path):
    from keyconf.device.backup import BACKUP_FORMAT, BackupError, load_backup

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    with pytest.raises(BackupError) as info:
        load_backup(deep)
    assert f"{deep}:1:65:" in info.value.message
    huge = tmp_path / "huge.json"
    board = {"name": "x", "usb": "FEED:0001", "via_protocol": 12}
    huge.write_text(json.dumps({"keyconf_backup": BACKUP_FORMAT, "board": board,
                                "matrix": {"layers": 10**9, "rows": 1, "cols": 1}, "keymap": []}))
    with pytest.raises(BackupError) as info:
        load_backup(huge)
    assert "matrix is no keyboard's" in info.value.message


def test_a_megabyte_json_string_costs_no_memory_to_measure():
    """The limits scan skips strings without keeping a backtracking state per character."""
    import tracemalloc

    text = json.dumps({"notes": "x\\n" * 300_000, "layers": [["KC_A"]]})
    tracemalloc.start()
    try:
        assert json_limits(text) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


def test_keymap_c_deep_or_huge_integer_expressions_are_bounded():
    from keyconf.formats.c_source import IntExpression, tokenize

    deep = tokenize("(" * 150 + "1" + ")" * 150 + " + " + "-" * 400 + "1")
    with pytest.raises(ValueError, match="nested more than"):
        IntExpression(deep, {}).evaluate()
    product = tokenize(" * ".join(["99999999999999999999"] * 2000))
    assert -(2**63) <= IntExpression(product, {}).evaluate() < 2**63  # 64-bit, as the preprocessor computes
    # In an #if the same depth is an expression keyconf cannot judge, never a crash.
    read_keymap_c("#if " + "(" * 150 + "1" + ")" * 150 + "\n#endif\n" + keymap_c_with("KC_Q"), "keymap.c")


def test_keymap_c_empty_index_is_a_positioned_error():
    text = keymap_c_with("KC_Q").replace("[_BASE]", "[]", 1)
    with pytest.raises(FormatError) as info:
        read_keymap_c(text, "keymap.c")
    assert "empty index" in info.value.message and info.value.line is not None


def test_files_past_the_size_limit_are_refused_at_the_limit_by_every_reader(tmp_path: Path):
    """One bounded read (document_limits.read_document): no reader takes in more than the limit
    and a byte, and each names the line and column where the limit is passed."""
    from keyconf.formats.document_limits import MAX_DOCUMENT_BYTES, byte_position
    from keyconf.formats.interchange import read_text
    from keyconf.formats.yaml_layout import load_layout

    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 98 + b"\n" + b"y" * MAX_DOCUMENT_BYTES)
    line, column = byte_position(b"# " + b"x" * 98 + b"\n" + b"y" * 10, MAX_DOCUMENT_BYTES)
    assert (line, column) == (2, MAX_DOCUMENT_BYTES - 100)  # byte 101 is column 1 of line 2
    with pytest.raises(FormatError) as imported:
        read_text(big)
    with pytest.raises(LayoutFileError) as loaded:
        load_layout(big)
    for error in (imported.value, loaded.value):
        assert (error.line, error.column) == (line, column) and "larger than 4 MiB" in error.message
    with pytest.raises(FormatError, match="no such file") as missing:
        read_text(tmp_path / "nothing.json")
    assert missing.value.unreadable
    with pytest.raises(LayoutFileError, match="this is a folder") as folder:
        load_layout(tmp_path)
    assert folder.value.unreadable


# -- found by fuzzing the readers bench/fuzz.py did not reach before (issue 14, hostile14)


def _keymap_folder(tmp_path: Path, keymap_c: str, rules_mk: str = "") -> Path:
    folder = tmp_path / "keyboards" / "crkbd" / "rev1" / "keymaps" / "fuzz"
    folder.mkdir(parents=True)
    (folder / "keymap.c").write_text(keymap_c)
    if rules_mk:
        (folder / "rules.mk").write_text(rules_mk)
    return folder / "keymap.c"


def test_an_include_too_long_for_a_file_name_is_a_header_not_found(tmp_path: Path):
    """`#include "<300 characters>.h"`: the system refuses to look the name up (File name too
    long), which Path.is_file raises for; the import said OSError with a traceback."""
    from keyconf.formats.interchange import import_layout

    name = "x" * 300 + ".h"
    keymap = _keymap_folder(tmp_path, f'#include "{name}"\n#include "{"y/" * 2100}z.h"\n' + keymap_c_with("KC_Q"),
                            f"SRC += {'s' * 300}.c\nUSER_NAME := {'u' * 300}\n")
    imported = import_layout(keymap, finder=NoKeyboards())
    assert imported.layout.layers[0].keys[1] == "KC_Q"
    assert any(name in warning for warning in imported.warnings)


def test_a_rules_mk_doubling_its_variables_costs_no_memory(tmp_path: Path):
    """`V1 = $(V0)$(V0)` 64 times over: keyconf's make reading held 2**64 characters (a
    MemoryError after taking a gigabyte); a value past 16 KiB is one keyconf leaves unknown."""
    import tracemalloc

    from keyconf.formats.keymap_folder_c import keymap_folder_c_files

    rules = "V0 = x\n" + "".join(f"V{k + 1} = $(V{k})$(V{k})\n" for k in range(64)) + "SRC += $(V64).c\n"
    keymap = _keymap_folder(tmp_path, keymap_c_with("KC_Q"), rules)
    tracemalloc.start()
    try:
        found = keymap_folder_c_files(keymap, keymap.read_text())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert found.files == []


def test_a_rules_mk_of_thousands_of_nested_ifs_reads_each_line_once(tmp_path: Path):
    """A file under 20,000 nested `ifdef`s recomputed the condition of every line from all of them
    (44 s for 340 KB); what is under them all still carries the condition they make."""
    from keyconf.formats.keymap_folder_c import keymap_folder_c_files

    depth = 20_000
    rules = "ifdef OLED_ENABLE\n" * depth + "SRC += oled.c\n" + "endif\n" * depth
    keymap = _keymap_folder(tmp_path, keymap_c_with("KC_Q"), rules)
    (keymap.parent / "oled.c").write_text("void oled(void) {}\n")
    found = keymap_folder_c_files(keymap, keymap.read_text())
    assert [(f.path, f.when) for f in found.files] == [("oled.c", "OLED_ENABLE")]


def test_a_via_layout_option_past_what_via_holds_is_refused_at_its_key():
    """A key of option 10**24 made the reader name every option up to it: a hang on 1 KB."""
    from keyconf.formats.definition_source import DataSource, KeyboardDefinitionError
    from keyconf.formats.via_definition import via_definition_from_data

    text = json.dumps({"name": "pad", "vendorId": "0xFEED", "productId": "0x0001", "matrix": {"rows": 1, "cols": 2},
                       "layouts": {"keymap": [["0,0", "0,1\n\n\n999999999999999999999990,0"]]}}, indent=1)
    for option in ("999999999999999999999990,0", "0,300", "32,1"):
        with pytest.raises(KeyboardDefinitionError) as info:
            via_definition_from_data(json.loads(text.replace("999999999999999999999990,0", option)),
                                     DataSource.of("pad.json", text.replace("999999999999999999999990,0", option)))
        assert "past what VIA holds" in info.value.message and info.value.line == 13 and info.value.column


def test_a_c_source_name_too_long_for_a_file_name_is_a_clear_error(tmp_path: Path):
    layout = tmp_path / "long.yaml"
    layout.write_text(GOOD.replace("layers:", f"c_source: {'a' * 300}.c\nlayers:"))
    from keyconf.formats.yaml_layout import load_layout

    with pytest.raises(LayoutFileError) as info:
        load_layout(layout)
    assert (info.value.line, info.value.column) == (3, 11)
    assert "cannot be read: File name too long" in info.value.message and "aaaa" not in info.value.message


HJSON_INFO = """\
// a keyboard.json as QMK reads it: HJSON
{
    keyboard_name: "pad"   # a comment
    usb: {vid: "0xFEED", pid: "0x0001", device_version: "1.0.0"}
    matrix_pins: {cols: ["GP0", "GP1"], rows: ["GP2"]}
    layouts: {
        LAYOUT: {
            layout: [
                {matrix: [0, 0], x: 0, y: 0}
                /* the second key */ {matrix: [0, 1], x: 1, y: "WRONG"}
            ]
        }
    }
}
"""


def test_an_hjson_keyboard_definition_gets_its_errors_at_line_and_column():
    """QMK reads info.json as HJSON; an error in one (a stranger's board, a community module)
    had no position, as keyconf's locator read JSON only."""
    from keyconf.formats.definition_source import KeyboardDefinitionError
    from keyconf.formats.qmk_info import keyboard_from_info

    data = parse_definition_json(HJSON_INFO, "keyboard.json")
    with pytest.raises(KeyboardDefinitionError) as info:
        keyboard_from_info(data, "pad", path="keyboard.json", text=HJSON_INFO)
    assert (info.value.line, info.value.column) == (10, 64)  # "WRONG"
    duplicated = HJSON_INFO.replace('    usb:', '    keyboard_name: "again"\n    usb:')
    with pytest.raises(KeyboardDefinitionError) as info:
        parse_definition_json(duplicated, "keyboard.json")
    assert (info.value.line, info.value.column) == (4, 5) and "duplicate key 'keyboard_name'" in info.value.message


@pytest.mark.parametrize(("text", "where", "what"), [
    ('{module_name: "x"\n keycodes: [\n  {key: "CM_A"}\n  {key: "not a C name"}\n ]\n}\n', ":4:3:", "a keycode is not"),
    ('{"keycodes": {"key": "CM_A"}}', ":1:14:", "not a list of at most"),
    ('[1]', ":1:1:", "is a JSON object"),
    ('{"module_name": "caf\xe9"}', ":1:21:", "not UTF-8 text (byte 0xE9)"),
])
def test_a_broken_qmk_module_json_is_named_at_line_and_column(tmp_path: Path, text: str, where: str, what: str):
    from keyconf.formats.qmk_modules import ModuleJsonError, read_module_json

    path = tmp_path / "qmk_module.json"
    path.write_bytes(text.encode("latin-1") if "\xe9" in text else text.encode())
    with pytest.raises(ModuleJsonError) as info:
        read_module_json(path, "someone/x")
    assert f"{path}{where}" in str(info.value) and what in str(info.value)


def test_an_if_left_open_is_named_where_it_opens():
    with pytest.raises(FormatError) as info:
        read_keymap_c("#if 1\n#ifdef X\n#endif\n" + keymap_c_with("KC_Q"), "keymap.c")
    assert (info.value.line, info.value.column) == (1, 1)
    assert info.value.message == "#if without a matching #endif"


def test_layers_of_different_key_counts_are_named_at_the_odd_one_out():
    text = keymap_c_with("KC_Q, KC_Q")
    with pytest.raises(FormatError) as info:
        read_keymap_c(text, "keymap.c")
    line = text.splitlines()[info.value.line - 1]
    assert "different key counts" in info.value.message
    assert line[info.value.column - 1:].startswith("_BASE] = ")


def test_a_keymap_of_more_keys_than_any_keyboard_is_refused_before_reading_them():
    """A layer of 20,006 keys (a fuzzed file) was read key by key before its count was judged:
    1.4 s; a 1 MiB file of keys some 8 s."""
    from keyconf.formats.keymap_c_keys import MAX_KEYMAP_KEYS, MAX_LAYOUT_KEYS

    head = "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
    with pytest.raises(FormatError) as info:
        read_keymap_c(head + " [0] = LAYOUT(" + "KC_A, " * 20_005 + "KC_A)\n};\n", "keymap.c")
    assert (info.value.line, info.value.column) == (2, 15 + 6 * MAX_LAYOUT_KEYS)
    assert "LAYOUT(...) holds 20,006 keys" in info.value.message
    layers = "".join(f" [{i}] = LAYOUT(" + "KC_A, " * 999 + "KC_A),\n" for i in range(17))
    with pytest.raises(FormatError) as info:
        read_keymap_c(head + layers + "};\n", "keymap.c")
    assert info.value.line == 18 and f"{MAX_KEYMAP_KEYS:,} in all" in info.value.message


def test_keymap_c_refusals_of_a_combo_or_a_layer_index_name_the_column():
    """Found by fuzzing: COMBO() of a key array not ending in COMBO_END, a layer index past 31 and
    a GNU range upside down were refused at a line with no column."""
    golden = Path(__file__).parents[1] / "compiler" / "golden" / "combos" / "keymap.c"
    broken = golden.read_text().replace("COMBO_END}", "COMBO_EN\tD}")
    for text, at in ((keymap_c_with("KC_Q").replace("[_BASE]", "[40]", 1), "40]"),
                     (keymap_c_with("KC_Q").replace("[_BASE]", "[3 ... 1]", 1), "3 ... 1]"),
                     (broken, "cmb_")):
        with pytest.raises(FormatError) as info:
            read_keymap_c(text, "keymap.c")
        assert text.splitlines()[info.value.line - 1][info.value.column - 1:].startswith(at), info.value.message


def test_a_key_a_definition_lacks_is_named_at_the_object_lacking_it():
    """`"matrix": {"rows017": 3, "cols": 3}` (fuzzed): rows missing had no position at all."""
    from keyconf.formats.definition_source import DataSource, KeyboardDefinitionError
    from keyconf.formats.via_definition import via_definition_from_data

    text = '{"name": "pad", "vendorId": "0xFEED", "productId": "0x0001",\n "matrix": {"rows017": 3, "cols": 3},\n' \
           ' "layouts": {"keymap": [["0,0"]]}}'
    with pytest.raises(KeyboardDefinitionError) as info:
        via_definition_from_data(json.loads(text), DataSource.of("pad.json", text))
    assert (info.value.line, info.value.column) == (2, 12) and "matrix rows must be" in info.value.message


def test_a_qmk_module_json_past_the_document_limit_is_refused_not_cut_off(tmp_path: Path) -> None:
    """read_document leaves the size check to its caller: the module reader read the first 4 MiB and called
    what it cut off bad JSON. It reads as every document does now (read_text), refused at the limit."""
    from keyconf.formats.document_limits import MAX_DOCUMENT_BYTES
    from keyconf.formats.qmk_modules import ModuleJsonError, read_module_json

    path = tmp_path / "qmk_module.json"
    path.write_text('{"module_name": "x", "notes": "' + "a" * MAX_DOCUMENT_BYTES + '"}')
    with pytest.raises(ModuleJsonError, match="larger than"):
        read_module_json(path, "someone/x")
