"""A layout imported from a keymap that builds with its userspace generates what `qmk compile` of the
repository reads: the userspace's C files compiled from the keymap folder (rules.mk `SRC +=`, under
their switch), its config.h included before the keymap's own and before the layout's settings, and
its rules.mk switches; saved beside the layout, the files come back from disk for each build."""

from __future__ import annotations

from pathlib import Path

from keyconf.compiler.sources import generate_sources
from keyconf.formats.c_source_file import write_c_files
from keyconf.formats.interchange import import_layout
from keyconf.formats.yaml_layout import dumps_layout, load_layout
from tests.compiler import layouts
from tests.formats.test_userspace_c_files import KEYMAP_C, repository


def imported(tmp_path: Path):  # type: ignore[no-untyped-def]
    text = KEYMAP_C.replace("LAYOUT_split_3x6_3(KC_A)", "LAYOUT_ortho_2x3(KC_A, KC_B, KC_C, KC_D, KC_E, KC_F)")
    config = "#pragma once\n#define TAPPING_TERM 170\n#define LEADER_TIMEOUT 300\n"
    keymap = repository(tmp_path, {"keymap.c": text, "config.h": config, "rules.mk": "OLED_ENABLE = yes\n"})
    return import_layout(keymap, keyboard=layouts.board())


def test_the_userspace_builds_from_the_keymap_folder(tmp_path: Path) -> None:
    layout = imported(tmp_path).layout
    sources = generate_sources(layout, layouts.board())
    config = sources.config_h
    # QMK's order: the userspace's config.h, the keymap's, then the layout's settings (which win).
    assert config.index('#include "userspace_config.h"') < config.index('#include "keymap_config.h"')
    assert config.index('#include "keymap_config.h"') < config.index("#define TAPPING_TERM 170")
    assert "#undef RGB_MATRIX_SLEEP" not in config  # rgb_config.h is included by the userspace's config.h
    rules = sources.rules_mk
    for line in ("LTO_ENABLE", "OLED_ENABLE", "CAPS_WORD_ENABLE"):
        assert f"\n{line} " in rules
    assert "MOUSEKEY_ENABLE = no" in rules and "RGB_MATRIX_DRIVER = ws2812" in rules
    assert "SRC += mine.c\nSRC += features/swapper.c\n" in rules
    assert "SRC += oled.c\n" in rules  # the keymap's rules.mk switches OLED on, read first
    assert "ifeq ($(strip $(COMBO_ENABLE)), yes)\n    SRC += combos.c\nendif" in rules  # the board decides
    assert "$(shell" not in rules and "pwned" not in rules
    assert sources.c_files["mine.h"].startswith("#pragma once")
    assert '#include "mine.h"' in sources.keymap_c or "mine.h" in (layout.c_source.code or "")


def test_saved_beside_the_layout_the_userspace_files_come_back_for_the_build(tmp_path: Path) -> None:
    result = imported(tmp_path)
    target = tmp_path / "saved" / "mine.yaml"
    target.parent.mkdir()
    target.write_text(dumps_layout(result.layout, result.keyboard))
    written = write_c_files(result.layout.c_files, target)
    assert {p.relative_to(target.parent).as_posix() for p in written} >= {
        "mine.c", "mine.h", "features/swapper.c", "features/swapper.h", "userspace_config.h", "keymap_config.h"}
    layout = load_layout(target).layout
    sources = generate_sources(layout, layouts.board())
    assert sources.c_files["features/swapper.c"] == '#include "swapper.h"\n'
    assert sources.c_files["userspace_config.h"].endswith('#include "rgb_config.h"\n')


def test_keys_may_index_the_unicode_map_a_userspace_file_defines() -> None:
    # bbaserdem's and VeyPatch's userspaces keep unicode_map[] in their own .c files, which the keys'
    # UM()/UP() index; keyconf's build refused them, the layout's c_source defining no map.
    import pytest

    from keyconf.compiler.source_map import GenerationError
    from keyconf.model.layout import CFile

    layout = layouts.layout()
    layout.layers[0].keys[0] = "UM(0)"
    layout.layers[0].keys[3] = "UP(0, 1)"
    with pytest.raises(GenerationError, match="needs a unicode map"):
        generate_sources(layout, layouts.board())
    layout.c_files = [CFile("unicode.c", compile=True,
                            text="const uint32_t PROGMEM unicode_map[] = {0x00E9, 0x00C9};\n")]
    sources = generate_sources(layout, layouts.board())
    assert "UM(0)" in sources.keymap_c and "UP(0, 1)" in sources.keymap_c
    assert "UNICODEMAP_ENABLE" in sources.rules_mk
