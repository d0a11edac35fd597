"""config.h for a generated keymap: the layout's settings as QMK defines.

Each define is preceded by `#undef`, because the board's config.h (read first) may already
set it and QMK builds treat a changed redefinition as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from keyconf.compiler.source_map import SourceProblem, SourceRef
from keyconf.formats.qmk_config_h import REFUSED_OPTIONS
from keyconf.model.qmk_settings import BY_NAME, VIAL_PACKED_PREFIX

# VIA's own default number of remappable layers.
VIA_DEFAULT_LAYERS = 4


def settings_defines(settings: Mapping[str, object]) -> tuple[dict[str, str | None], list[SourceProblem]]:
    """QMK defines for a layout's `settings`, and a problem for each it cannot honour."""
    defines: dict[str, str | None] = {}
    problems: list[SourceProblem] = []
    for key, value in settings.items():
        ref = SourceRef.of("settings", key)
        setting = BY_NAME.get(key)
        if setting is None:
            problems.append(_unknown(key, ref))
        elif not setting.accepts(value):
            problems.append(SourceProblem(f"setting {key!r} is {setting.describe()}", ref))
        elif setting.flag:
            if value:
                defines[setting.define] = None
        else:
            defines[setting.define] = str(value)
    return defines, problems


def _unknown(key: str, ref: SourceRef) -> SourceProblem:
    if key.startswith(VIAL_PACKED_PREFIX):
        return SourceProblem(
            f"setting {key!r} is Vial's packed setting {key[len(VIAL_PACKED_PREFIX) :]}, "
            "which has no config.h define keyconf can build",
            ref,
            "it is kept so the layout saves back to Vial; remove it to build the firmware, and set "
            "the switches it packs as their own settings",
        )
    return SourceProblem(
        f"setting {key!r} is not one keyconf can build",
        ref,
        "known settings: " + ", ".join(sorted(BY_NAME)),
    )


def generate_config_h(defines: Mapping[str, str | None], header: str, includes: Sequence[str] = (),
                      undefine: Sequence[str] = ()) -> str:
    """config.h text: `header` as comment lines, the layout's config headers (`c_files: config`,
    an imported keymap's own config.h) included, after `#undef` of the names they define (QMK
    defines some from the board's info.json first: the keymap's value is the one meant, and a
    second definition stops the build), then each define (None: a bare flag), which `#undef`s
    first so the layout's settings win over the included header's."""
    lines = [f"// {line}" if line else "//" for line in header.splitlines()]
    lines += ["", "#pragma once"]
    if includes:
        lines += ["", "// The keymap's own config (c_files: config), before the layout's settings; what it"]
        lines += ["// defines replaces what QMK defined before it."]
        lines += [f"#undef {name}" for name in undefine]
        lines += [f'#include "{path}"' for path in includes]
        # Options today's QMK refuses with an #error, whose behaviour it now has by default.
        lines += [f"#undef {name}  // {why}" for name, why in REFUSED_OPTIONS.items()]
    for name, value in defines.items():
        lines.append("")
        lines.append(f"#undef {name}")
        lines.append(f"#define {name}" + (f" {value}" if value is not None else ""))
    return "\n".join(lines) + "\n"
