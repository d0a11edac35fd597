"""Format sniffing, import through one entry point, YAML round trips, self-contained layouts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from keyconf.catalogue.bundled import load_bundled
from keyconf.compiler.export import export_layout
from keyconf.formats.format_error import FormatError
from keyconf.formats.interchange import (
    KEYMAP_C,
    KEYMAP_JSON,
    VIA,
    VIL,
    YAML,
    import_layout,
    import_text,
    sniff_format,
)
from keyconf.formats.yaml_layout import loads_layout
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout_diff import layout_context, same_keycode

DATA = Path(__file__).parent / "data" / "interchange"


class BundledBoards:
    def by_name(self, name: str) -> Keyboard | None:
        try:
            return load_bundled(name)
        except KeyError:
            return None

    def by_usb_id(self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None,
                  positions: object = ()) -> Keyboard | None:
        for candidate in ("crkbd/rev1", "splitkb/kyria/rev3"):
            keyboard = load_bundled(candidate)
            if (keyboard.usb_vid, keyboard.usb_pid) == (vid, pid):
                return keyboard
        return None

    def usb_choice(self, vid: int, pid: int, name: str = "", matrix_keys: int | None = None,
                   positions: object = ()) -> tuple[Keyboard | None, str | None]:
        return self.by_usb_id(vid, pid), None

    def makers_boards(self, vid: int, name: str, matrix_keys: int) -> list[Keyboard]:
        return []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("corne.layout.json", VIA),
        ("kyria.layout.json", VIA),
        ("corne.vil", VIL),
        ("corne_configurator.json", KEYMAP_JSON),
        ("kyria_macros.keymap.json", KEYMAP_JSON),
        ("corne_layers.keymap.c", KEYMAP_C),
    ],
)
def test_sniff_by_name_and_content(name: str, expected: str, tmp_path: Path) -> None:
    text = (DATA / name).read_text()
    assert sniff_format(DATA / name, text) == expected
    renamed = tmp_path / "download"  # no telling extension: the content decides
    renamed.write_text(text)
    assert sniff_format(renamed, text) == expected


def test_a_yaml_layout_whose_c_names_qmk_keyboard_h_is_yaml() -> None:
    """Header keycodes (`header: QMK_KEYBOARD_H`) and inline C made `keyconf export` read a layout as keymap.c."""
    text = (
        "keyconf: 1\nkeyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [KC_A]\n"
        "custom_keycodes:\n  - name: DPI_MOD\n    header: QMK_KEYBOARD_H\n"
        "c_source: |\n  #include QMK_KEYBOARD_H\n  // keymaps[0] stays as LAYOUT(...) left it\n"
    )
    assert sniff_format("mine.yaml", text) == YAML
    assert sniff_format("mine.yml", text) == YAML


def test_unknown_json_is_refused() -> None:
    with pytest.raises(FormatError, match="not a layout keyconf knows"):
        sniff_format("x.json", '{"keyboard_name": "A VIA definition"}')


@pytest.mark.parametrize(
    "name",
    [
        "corne.layout.json",
        "kyria.layout.json",
        "corne.vil",
        "corne_configurator.json",
        "kyria_macros.keymap.json",
        "corne_layers.keymap.c",
    ],
)
def test_every_import_survives_the_yaml_round_trip(name: str) -> None:
    keyboard = load_bundled("crkbd/rev1") if name.endswith(".keymap.c") else None
    imported = import_layout(DATA / name, finder=BundledBoards(), keyboard=keyboard)
    text = export_layout(imported.layout, YAML, imported.keyboard)
    again = loads_layout(text).layout
    assert again == imported.layout


def test_vial_save_of_unknown_keyboard_is_self_contained(tmp_path: Path) -> None:
    imported = import_layout(DATA / "corne.vil", finder=BundledBoards())
    text = export_layout(imported.layout, YAML, imported.keyboard)
    assert "geometry:" in text
    reloaded = loads_layout(text).layout
    assert reloaded.geometry is not None
    # the YAML file alone is enough to go back to Vial
    vil = export_layout(reloaded, VIL, reloaded.geometry)
    path = tmp_path / "again.vil"
    path.write_text(vil)
    assert import_layout(path).layout.layers == imported.layout.layers


def test_keyboard_from_a_definition_file_can_be_embedded(tmp_path: Path) -> None:
    keyboard = load_bundled("crkbd/rev1")
    imported = import_layout(DATA / "corne.vil", keyboard=keyboard, embed_geometry=True)
    assert imported.layout.geometry is keyboard


def test_via_save_of_unknown_keyboard_asks_for_it(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no keyboard with USB id 4653:0001") as caught:
        import_layout(DATA / "corne.layout.json")
    assert caught.value.hint and "--keyboard" in caught.value.hint
    assert caught.value.path is not None and caught.value.path.endswith("corne.layout.json")


def test_read_errors_are_format_errors(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        import_layout(tmp_path / "missing.vil")
    binary = tmp_path / "blob.vil"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FormatError, match="not UTF-8"):
        import_layout(binary)


def test_export_to_via_and_vial_needs_the_keyboard() -> None:
    imported = import_layout(DATA / "corne_configurator.json")
    with pytest.raises(FormatError, match="needs the keyboard's matrix"):
        export_layout(imported.layout, VIA, None)


def test_cross_format_conversion_keeps_the_layers(tmp_path: Path) -> None:
    """A Vial save becomes a VIA save for the same board and back, layers unchanged."""
    crkbd = load_bundled("crkbd/rev1")
    from_vial = import_layout(DATA / "corne.vil", keyboard=crkbd)
    via_file = tmp_path / "corne.layout.json"
    via_file.write_text(export_layout(from_vial.layout, VIA, crkbd))
    from_via = import_layout(via_file, finder=BundledBoards())
    # VIA saves hold no tap dances, so TD(td0) comes back as TD(0): the same keycode
    old, new = layout_context(from_vial.layout), layout_context(from_via.layout)
    for before, after in zip(from_vial.layout.layers, from_via.layout.layers, strict=True):
        assert all(same_keycode(a, old, b, new) for a, b in zip(before.keys, after.keys, strict=True))
    assert [m.steps for m in from_via.layout.macros] == [m.steps for m in from_vial.layout.macros]


def test_keymap_c_beside_a_qmk_tree_knows_its_keyboard(tmp_path: Path) -> None:
    folder = tmp_path / "keyboards" / "crkbd" / "rev1" / "keymaps" / "mine"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "corne_layers.keymap.c", folder / "keymap.c")
    imported = import_layout(folder / "keymap.c", finder=BundledBoards())
    assert imported.layout.keyboard == "crkbd/rev1" and imported.keyboard is not None


def test_a_macro_of_the_same_size_under_another_name_is_read_with_a_warning(tmp_path):
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import KeyboardMismatch, import_layout

    data = json.loads((DATA / "corne_configurator.json").read_text())
    data["layout"] = "LAYOUT_corne_42"  # no such macro; crkbd has one of 42 keys
    path = tmp_path / "renamed.json"
    path.write_text(json.dumps(data))
    imported = import_layout(path, finder=CatalogueKeyboards())
    assert imported.layout.layout_macro == "LAYOUT_split_3x6_3"
    assert any("read as LAYOUT_split_3x6_3 (42 keys)" in w for w in imported.warnings)
    sweep = CatalogueKeyboards().by_name("ferris/sweep")
    with pytest.raises(KeyboardMismatch, match="which ferris/sweep does not have"):
        import_layout(path, keyboard=sweep, finder=CatalogueKeyboards())


class RenamedBoards(BundledBoards):
    """Bundled boards, with the catalogue's close names and folders of boards."""

    def suggestions(self, name: str) -> list[str]:
        return ["via:v3/crkbd/crkbd", "crkbd/rev1"] if name.startswith("crkbd") else []

    def boards_under(self, folder: str) -> list[str]:
        return ["splitkb/kyria/rev3"] if folder == "splitkb/kyrias" else []


def test_a_keyboard_the_catalogue_lacks_is_named_with_the_closest_it_has() -> None:
    # keebio/iris/rev6b, merged into rev6 in 2023 without an alias; a folder of boards none of which fits.
    text = json.dumps({"keyboard": "crkbd/rev0b", "layout": "LAYOUT_split_3x6_3", "layers": [["KC_A"] * 42]})
    imported = import_text(text, "keymap.json", finder=RenamedBoards(), format=KEYMAP_JSON)
    assert imported.keyboard is None
    assert ("keyboard crkbd/rev0b is not in the catalogue; its geometry is unknown (did you mean crkbd/rev1? "
            "--keyboard names the board)") in imported.warnings
    text = json.dumps({"keyboard": "splitkb/kyrias", "layout": "LAYOUT", "layers": [["KC_A"] * 36]})
    imported = import_text(text, "keymap.json", finder=RenamedBoards(), format=KEYMAP_JSON)
    assert imported.warnings == ["splitkb/kyrias is a folder of 1 keyboard, none with LAYOUT of 36 keys: pass "
                                 "--keyboard with the one the file is for (splitkb/kyria/rev3)"]


def test_a_known_macro_of_another_size_is_read_with_the_boards_one_macro_of_the_files_size() -> None:
    # A user's copy of crkbd whose info.json aliases LAYOUT to LAYOUT_split_3x5_3: 36 keys per layer.
    from keyconf.catalogue.resolve import CatalogueKeyboards
    from keyconf.formats.interchange import KeyboardMismatch

    crkbd = CatalogueKeyboards().by_name("crkbd/rev1")
    assert crkbd is not None and crkbd.layouts["LAYOUT_split_3x5_3"].key_count == 36

    def keymap_c(keys: int) -> str:
        return ("#include QMK_KEYBOARD_H\nconst uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {\n"
                f"    [0] = LAYOUT({', '.join(['KC_A'] * keys)}),\n"
                f"    [1] = LAYOUT({', '.join(['KC_B'] * keys)}),\n}};\n")

    imported = import_text(keymap_c(36), "keymap.c", keyboard=crkbd, format="keymap.c")
    assert imported.layout.layout_macro == "LAYOUT_split_3x5_3"
    assert imported.warnings == ["crkbd/rev1 LAYOUT (LAYOUT_split_3x6_3) has 42 keys, but the file's layers hold 36: "
                                 "read as LAYOUT_split_3x5_3, its layout of 36 keys (--layout chooses another)"]
    with pytest.raises(KeyboardMismatch, match="layer layer0 has 40 keys") as caught:
        import_text(keymap_c(40), "keymap.c", keyboard=crkbd, format="keymap.c")
    assert caught.value.hint is not None and "--layout" in caught.value.hint
