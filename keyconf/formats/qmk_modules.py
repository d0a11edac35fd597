"""QMK community modules: finding a module's qmk_module.json and reading its keycodes.

QMK (2025 on) looks for a module named `owner/name` at `modules/owner/name/qmk_module.json`
of the user's QMK userspace, then of the qmk_firmware tree. keyconf looks in the same places it
knows of (the catalogue's tree and userspace, the tree a build uses), and first in a `modules/`
folder of the repository around the layout file (a userspace keeps its modules as git submodules
there). What is read becomes `Layout.module_definitions`, from which the model numbers the
keycodes; a module not found leaves its keys as written, with one warning per module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from keyconf.formats.c_literals import is_c_identifier
from keyconf.formats.definition_source import DataSource, KeyboardDefinitionError, parse_definition_json
from keyconf.formats.document_limits import JsonError, load_json
from keyconf.formats.format_error import FormatError, read_text
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import (
    MAX_MODULES,
    Layout,
    ModuleDefinition,
    ModuleKeycode,
    module_path_problem,
)
from keyconf.model.problems import Problem, warning

MODULE_JSON = "qmk_module.json"
MODULES_FOLDER = "modules"
_FOLDERS_UP = 6  # how far above the layout file a repository's `modules/` folder is looked for
_MAX_ALIASES = 8


class ModuleJsonError(Exception):
    """A qmk_module.json keyconf cannot read as QMK's schema has it."""


def module_roots_near(path: str | Path | None) -> list[Path]:
    """The folders holding `modules/` around a layout file: its own and those above it, nearest first."""
    if path is None:
        return []
    folder = Path(path).resolve().parent
    roots = []
    for candidate in [folder, *folder.parents][:_FOLDERS_UP]:
        if (candidate / MODULES_FOLDER).is_dir():
            roots.append(candidate)
    return roots


def find_module(module: str, roots: Iterable[Path]) -> Path | None:
    """`modules/<module>/qmk_module.json` under the first root that has it (QMK's own rule: the
    path below `modules/` is the module's name)."""
    if module_path_problem(module) is not None:
        return None
    for root in roots:
        candidate = root / MODULES_FOLDER / module / MODULE_JSON
        if candidate.is_file():
            return candidate
    return None


def read_module_json(path: Path, module: str) -> ModuleDefinition:
    """The name and keycodes a qmk_module.json declares; ModuleJsonError when it is not one, its
    message naming the file, line and column. QMK reads the file as HJSON (comments, unquoted
    keys, trailing commas), so keyconf does too."""
    try:
        text = read_text(path)
        data = parse_definition_json(text, path)
    except (FormatError, KeyboardDefinitionError) as problem:
        raise ModuleJsonError(f"{path} cannot be read: {problem}") from None
    source = DataSource.of(path, text)
    if not isinstance(data, dict):
        raise ModuleJsonError(str(source.error("a qmk_module.json is a JSON object", [])))
    keycodes: list[ModuleKeycode] = []
    entries = data.get("keycodes", [])
    room = REGISTRY.ranges["QK_COMMUNITY_MODULE"].size
    if not isinstance(entries, list) or len(entries) > room:
        raise ModuleJsonError(str(source.error(f"`keycodes` is not a list of at most {room}", ["keycodes"])))
    for index, entry in enumerate(entries):
        key = entry.get("key") if isinstance(entry, dict) else None
        aliases = entry.get("aliases", []) if isinstance(entry, dict) else []
        if not _is_name(key) or not isinstance(aliases, list) or len(aliases) > _MAX_ALIASES \
                or not all(_is_name(alias) for alias in aliases):
            raise ModuleJsonError(str(source.error(
                f"a keycode is not `{{\"key\": NAME, \"aliases\": [NAME…]}}` (C names of at most 64 characters, "
                f"{_MAX_ALIASES} aliases)", ["keycodes", index])))
        keycodes.append(ModuleKeycode(str(key), tuple(str(alias) for alias in aliases)))
    name = data.get("module_name")
    return ModuleDefinition(module, name[:60] if isinstance(name, str) else "", tuple(keycodes), str(path))


def _is_name(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 64 and is_c_identifier(value)


def attach_modules(layout: Layout, roots: Sequence[Path]) -> list[str]:
    """Read the definitions of the layout's modules from the first of `roots` (folders holding
    `modules/`) that has each, into `layout.module_definitions`; one warning for each module
    not found or not readable, naming it and where keyconf looked."""
    return [message for _, message in _attach(layout, roots)]


def module_problems(layout: Layout, roots: Sequence[Path]) -> list[Problem]:
    """`attach_modules`, its warnings as problems at the module they concern."""
    return [warning(message, ("modules", index), code="module-not-found") for index, message in _attach(layout, roots)]


def _attach(layout: Layout, roots: Sequence[Path]) -> list[tuple[int, str]]:
    warnings: list[tuple[int, str]] = []
    definitions = {}
    looked = ", ".join(str(root / MODULES_FOLDER) for root in roots) or "nowhere (no QMK tree is known)"
    for index, module in enumerate(layout.modules):
        found = find_module(module, roots)
        if found is None:
            warnings.append((index, f"community module {module}: no {MODULE_JSON} found (looked in {looked}); its "
                             "keycodes stay as written, and QMK's build needs the module: add it to the `modules/` "
                             "folder of your QMK userspace or tree"))
            continue
        try:
            definitions[module] = read_module_json(found, module)
        except ModuleJsonError as problem:
            warnings.append((index, f"community module {module}: {problem}; its keycodes stay as written"))
    layout.module_definitions = definitions
    return warnings


def modules_beside(keymap_c: str | Path) -> tuple[list[str], list[str]]:
    """The community modules of the keymap.json beside a keymap.c (QMK's way for a keymap written
    in C to name them: a keymap.json holding only `"modules"`), and warnings about that file."""
    path = Path(keymap_c).parent / "keymap.json"
    if not path.is_file():
        return [], []
    try:
        data = load_json(read_text(path))
    except (FormatError, JsonError) as problem:
        return [], [f"{path} cannot be read ({problem}): its community modules, if any, were not taken"]
    value = data.get("modules") if isinstance(data, dict) else None
    if value is None:
        return [], []
    if not isinstance(value, list) or len(value) > MAX_MODULES or not all(isinstance(v, str) for v in value):
        return [], [f"{path}: `modules` is not a list of at most {MAX_MODULES} module paths; not taken"]
    bad = [item for item in value if module_path_problem(item) is not None]
    if bad:
        return [], [f"{path}: {module_path_problem(bad[0])}; its modules were not taken"]
    return list(dict.fromkeys(value)), []
