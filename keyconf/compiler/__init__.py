"""Layout -> QMK sources -> `qmk compile` -> firmware + metadata.

For other parts of keyconf:

- `generate_sources(layout, keyboard, GenerateOptions(...)) -> GeneratedSources` (keymap.c,
  rules.mk, config.h, line map) and `generate_keymap_json(layout, keyboard, dialect)`: the
  sources alone, for `keyconf export`; both raise `GenerationError` listing every problem.
- `FirmwareBuild(BuildRequest(...)).run() -> BuildResult`: a whole build (checks first,
  raising `BuildRefused`), used by `keyconf compile` and the GUI's build dialog.
- `QmkTree(path).dialect`: what a qmk_firmware tree accepts, to pass as `GenerateOptions.dialect`.
"""

from keyconf.compiler.build import BuildRequest, BuildResult, FirmwareBuild
from keyconf.compiler.checks import BuildPlan, BuildRefused, plan_build
from keyconf.compiler.dialect import CURRENT_QMK, QmkDialect
from keyconf.compiler.keymap_json import generate_keymap_json, keymap_json_data
from keyconf.compiler.qmk_tree import QmkTree
from keyconf.compiler.source_map import GenerationError, LineMap, SourceProblem, SourceRef
from keyconf.compiler.sources import GeneratedSources, GenerateOptions, generate_sources

__all__ = [
    "CURRENT_QMK",
    "BuildPlan",
    "BuildRefused",
    "BuildRequest",
    "BuildResult",
    "FirmwareBuild",
    "GenerateOptions",
    "GeneratedSources",
    "GenerationError",
    "LineMap",
    "QmkDialect",
    "QmkTree",
    "SourceProblem",
    "SourceRef",
    "generate_keymap_json",
    "generate_sources",
    "keymap_json_data",
    "plan_build",
]
