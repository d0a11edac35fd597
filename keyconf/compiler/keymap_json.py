"""QMK keymap.json (schema qmk.keymap.v1) for plain layouts: layers, macros and encoders.

keymap.json is what QMK Configurator reads and what `qmk compile keymap.json` builds.
It cannot hold tap dances, combos, key overrides, or settings QMK has no info.json key for
(those need C), so a layout using them is refused here with a pointer to keymap.c export;
settings with an info.json key go under `config`, which QMK merges into the board's info. Keycodes are written in the
target tree's spelling, layers by number (json2c declares no layer enum).
"""

from __future__ import annotations

import json
import re
from typing import Any

from keyconf.compiler.config_h import settings_defines
from keyconf.compiler.dialect import CURRENT_QMK, QmkDialect
from keyconf.compiler.keycode_c import KeycodeC
from keyconf.compiler.keymap_c import send_string_text
from keyconf.compiler.source_map import GenerationError, SourceProblem, SourceRef
from keyconf.compiler.sources import key_count_problems, resolve_macro
from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import REGISTRY
from keyconf.model.layout import EXTERNAL_VALUE, Layout, MacroStep, custom_keycode_values, keycode_context
from keyconf.model.qmk_settings import BY_NAME, config_from_settings

_KEYMAP_JSON_KEYCODE = re.compile(r"^[A-Z][A-Z_0-9]*$")  # QMK's schema for a declared keycode name


def _needs_c(layout: Layout) -> list[SourceProblem]:
    hint = "export as keymap.c instead (keyconf export --format keymap.c)"
    problems = []
    for section, words in (
        ("tap_dances", "tap dances"),
        ("combos", "combos"),
        ("key_overrides", "key overrides"),
    ):
        if getattr(layout, section):
            problems.append(SourceProblem(f"keymap.json cannot hold {words}", SourceRef.of(section), hint))
    if layout.c_source is not None:
        problems.append(
            SourceProblem(
                "keymap.json cannot hold the layout's C code (`c_source`), and custom keycodes do "
                "nothing without it: their names only work with a keymap.c",
                SourceRef.of("c_source"),
                hint,
            )
        )
    if layout.c_files:
        problems.append(SourceProblem("keymap.json cannot hold the layout's more C files (`c_files`)",
                                      SourceRef.of("c_files"), "export as keymap.c to a folder instead "
                                      "(keyconf export --format keymap.c -o FOLDER/)"))
    _, problems_of_settings = settings_defines(layout.settings)
    problems += problems_of_settings
    for name in layout.settings:
        setting = BY_NAME.get(name)
        if setting is not None and setting.info_key is None:
            message = f"keymap.json cannot hold setting {name!r}: QMK has no info.json key for it"
            problems.append(SourceProblem(message, SourceRef.of("settings", name), hint))
    return problems


def keymap_json_data(
    layout: Layout, keyboard: Keyboard, dialect: QmkDialect = CURRENT_QMK, keymap_name: str = "keyconf"
) -> dict[str, Any]:
    """The keymap.json document for `layout`; GenerationError when it needs C."""
    macro_name, macro = resolve_macro(layout, keyboard)
    problems = _needs_c(layout) + key_count_problems(layout, macro_name, macro)
    keycodes = KeycodeC(
        keycode_context(layout),
        dialect,
        [str(index) for index in range(len(layout.layers))],
        {name: str(index) for index, name in enumerate(layout.tap_dance_names)},  # refused above anyway
        keyboard_keycodes_by_value=True,
    )

    def render(text: str, ref: SourceRef) -> str:
        try:
            return keycodes.expression(text, ref)
        except SourceProblem as problem:
            problems.append(problem)
            return "KC_NO"

    layers = [
        [render(text, SourceRef.of("layers", i, k)) for k, text in enumerate(layer.keys)]
        for i, layer in enumerate(layout.layers)
    ]
    data: dict[str, Any] = {
        "notes": layout.notes or "",
        "keyboard": layout.keyboard,
        "keymap": keymap_name,
        "layout": macro_name,
        "layers": layers,
        "author": layout.author or "",
    }
    if layout.host_language:
        data["host_language"] = layout.host_language  # QMK includes keymap_<it>.h and sendstring_<it>.h
    if layout.converter:
        data["converter"] = layout.converter  # QMK's generated rules.mk sets CONVERT_TO from it
    if layout.settings:
        data["config"] = config_from_settings(layout.settings)
    if layout.modules:
        data["modules"] = list(layout.modules)  # QMK 2025's community modules, by their path
    declarations = _keycode_declarations(layout, problems) if layout.custom_keycodes else []
    if declarations:
        data["keycodes"] = declarations
    if any(layer.encoders for layer in layout.layers):
        data["encoders"] = [
            [
                {
                    "ccw": render(action.ccw, SourceRef.of("encoders", i, e, "ccw")),
                    "cw": render(action.cw, SourceRef.of("encoders", i, e, "cw")),
                }
                for e, action in enumerate(layer.encoders)
            ]
            for i, layer in enumerate(layout.layers)
        ]
    if layout.macros:
        macros = []
        for m, macro_def in enumerate(layout.macros):
            items: list[Any] = []
            for s, step in enumerate(macro_def.steps):
                ref = SourceRef.of("macros", m, "steps", s)
                try:
                    items.append(_macro_item(keycodes, step, ref))
                except SourceProblem as problem:
                    problems.append(problem)
            macros.append(items)
        data["macros"] = macros
    if problems:
        raise GenerationError(problems)
    return data


def _keycode_declarations(layout: Layout, problems: list[SourceProblem]) -> list[dict[str, str]]:
    """keymap.json's `keycodes`: QMK declares them `enum { FIRST = QK_USER_0, … }`, so they keep
    keyconf's numbering only when none pins a value of its own."""
    declarations = []
    start = REGISTRY.get("QK_USER_0")
    first = start.value if start is not None else 0
    own = 0  # the declared ones, numbered from QK_USER_0
    for index, (custom, value) in enumerate(zip(layout.custom_keycodes, custom_keycode_values(layout), strict=True)):
        ref = SourceRef.of("custom_keycodes", index)
        if custom.external and value != EXTERNAL_VALUE:
            continue  # a keyboard keycode of a header keyconf knows: written as QK_KB_n, declared there
        if custom.external:
            problems.append(
                SourceProblem(
                    f"{custom.name} is defined in {' or '.join(custom.headers)}, which keymap.json cannot include",
                    ref,
                    "export as keymap.c, which includes the header",
                )
            )
            continue
        own += 1
        if value != first + own - 1:
            problems.append(
                SourceProblem(
                    f"keymap.json numbers custom keycodes from QK_USER_0; {custom.name} is pinned to 0x{value:04X}",
                    ref,
                    "remove its `value:`, or export as keymap.c",
                )
            )
        if not _KEYMAP_JSON_KEYCODE.match(custom.name):
            problems.append(
                SourceProblem(
                    f"keymap.json takes custom keycode names in capitals, digits and _ only, not {custom.name!r}",
                    ref,
                    "rename it in capitals (e.g. ALT_TAB), or export as keymap.c",
                )
            )
        item = {"key": custom.name}
        if custom.legend:
            item["label"] = custom.legend
        declarations.append(item)
    return declarations


def _macro_item(keycodes: KeycodeC, step: MacroStep, ref: SourceRef) -> Any:
    if step.kind == "text":
        if not isinstance(step.value, str):
            raise SourceProblem("a text step holds a string", ref)
        return send_string_text(step.value, ref)
    if step.kind == "delay":
        if isinstance(step.value, bool) or not isinstance(step.value, int) or step.value < 0:
            raise SourceProblem("a delay is a whole number of milliseconds", ref)
        return {"action": "delay", "duration": step.value}
    keys = [step.value] if isinstance(step.value, str) else step.value
    if not isinstance(keys, list) or not keys:
        raise SourceProblem(f"a {step.kind} step holds one or more keycodes", ref)
    names: list[str] = []
    for index, text in enumerate(keys):
        mods, key = keycodes.send_string_keys(str(text), ref.child(index))
        for name in [*mods, key]:
            bare = name[2:]  # json2c adds the X_ back
            if bare not in names:
                names.append(bare)
    return {"action": step.kind, "keycodes": names}


def generate_keymap_json(
    layout: Layout, keyboard: Keyboard, dialect: QmkDialect = CURRENT_QMK, keymap_name: str = "keyconf"
) -> str:
    """keymap.json text for `layout` (see `keymap_json_data`)."""
    return json.dumps(keymap_json_data(layout, keyboard, dialect, keymap_name), indent=4) + "\n"
