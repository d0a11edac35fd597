"""Read a QMK keymap.json (a QMK Configurator export, `qmk c2json` output, or one written by
hand) into a keyconf Layout.

The schema is QMK's `qmk.keymap.v1`: `keyboard`, `keymap`, `layout`, `layers` (lists of
keycode expressions), optional `encoders` (per layer, `{"ccw", "cw"}` per encoder), `macros`
(per macro a list of strings to type and `{"action": tap|down|up|delay|beep, "keycodes",
"duration"}` objects, keycodes without their `KC_` prefix), `config`, `author`, `notes`.
Configurator adds `version` and `documentation`. Writing keymap.json is the compiler's job
(`keyconf.compiler`); this module only reads."""

from __future__ import annotations

import collections
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from keyconf.formats import foreign_keycodes as fk
from keyconf.formats.c_source import Token, tokenize
from keyconf.formats.document_limits import MAX_DOCUMENT_BYTES, MAX_TABLE_ENTRIES, position, too_many
from keyconf.formats.format_error import FormatError, check_keycode_layers, json_field_error, json_position, parse_json
from keyconf.formats.json_comments import without_comments
from keyconf.formats.keymap_c_import import KeymapC, read_keymap_c
from keyconf.formats.layer_names import default_layer_name
from keyconf.formats.qmk_modules import attach_modules
from keyconf.formats.user_headers import UserHeaders
from keyconf.model.controllers import CONVERTER_NAME_RE, chip_declares_reset, chip_reset_warning
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.keycodes.languages import host_language
from keyconf.model.keycodes.parser import ZMK_BEHAVIOR
from keyconf.model.layer_edits import layer_name_problem
from keyconf.model.layout import (
    MAX_MACRO_DELAY_MS,
    MAX_MODULES,
    CustomKeycode,
    EncoderAction,
    Layer,
    Layout,
    Macro,
    MacroStep,
    module_keycodes,
    module_path_problem,
)
from keyconf.model.qmk_settings import settings_from_config

# Keys of qmk.keymap.v1 (and Configurator's additions) that a keyconf layout takes in.
_READ = {"keyboard", "keymap", "layout", "layers", "encoders", "macros", "config", "author", "notes",
         "host_language", "keycodes", "modules", "converter", "layer_names"}
_IGNORED = {"version", "documentation"}  # Configurator's export header: nothing to keep
# `___QWERTY_L1___`, `__BASE__`: userspace wrapper macros, each several keys, left unexpanded by c2json.
_WRAPPER_NAME = re.compile(r"^_{2,}[A-Za-z0-9_]*[A-Za-z0-9]_*_{2,}$")
_ANY = re.compile(r"^ANY\((.*)\)$", re.S)  # Configurator's free text, kept when it is no keycode
_C_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _uneven_layers(text: str, path: str | Path | None, layers_data: list[list[str]]) -> FormatError:
    """One error for layers of different sizes, at the first layer whose size differs from most of
    them: QMK pastes each into LAYOUT(...), which takes one number of keys, so it cannot build them."""
    sizes = collections.Counter(len(layer) for layer in layers_data if layer)
    width = max(sizes, key=lambda size: (sizes[size], size))
    odd = next(li for li, layer in enumerate(layers_data) if layer and len(layer) != width)
    line, column = _layer_position(text, odd) or json_position(text, '"layers"')
    others = [li for li, layer in enumerate(layers_data) if layer and len(layer) != width and li != odd]
    also = f" (and layers[{'], layers['.join(map(str, others))}] too)" if others else ""
    count = len(layers_data[odd])
    return FormatError(
        f"layers[{odd}] holds {count} key{'s' if count != 1 else ''}, the other layers {width}{also}: each layer "
        "goes into the same LAYOUT(...), so QMK cannot build this either",
        path, line, column,
        hint=f"give layers[{odd}] its {width} keys, or write it as [] for a layer that leaves every key to the "
        "layers below (as QMK Configurator writes unused layers)",
    )


def _layer_position(text: str, index: int) -> tuple[int, int] | None:
    """1-based line and column where layers[index] of a keymap.json starts."""
    at = text.find('"layers"')
    at = text.find("[", at) if at >= 0 else -1
    if at < 0:
        return None
    depth, seen, i, quoted = 0, -1, at, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            if depth == 2 and char == "[":
                seen += 1
                if seen == index:
                    return position(text, i)
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return None
        i += 1
    return None


def _listed(texts: list[str], shown: int = 3) -> str:
    """The first few distinct texts, and how many more."""
    distinct = list(dict.fromkeys(texts))
    more = len(distinct) - shown
    return ", ".join(distinct[:shown]) + (f" and {more} more" if more > 0 else "")


def _unwrapped(key: str) -> str:
    match = _ANY.match(key.strip())
    return match.group(1) if match else key


@dataclass
class KeymapJsonImport:
    layout: Layout
    warnings: list[str] = field(default_factory=list)


def looks_like_keymap_json(data: object) -> bool:
    if isinstance(data, dict) and "modules" in data and "layers" not in data:
        return True  # a keymap.c's companion naming its community modules: read, to say so
    return isinstance(data, dict) and "layers" in data and ("layout" in data or "keyboard" in data)


def _parse_keymap_json(text: str, path: str | Path | None, warnings: list[str]) -> object:
    """QMK loads keymap.json as HJSON (`qmk compile` and `qmk json2c` alike), so a hand-kept one may
    hold `// comments` and trailing commas. Strict JSON first; when that fails and the text without
    them reads, that is it. Otherwise the strict reader's error, with its line and column, stands."""
    try:
        return parse_json(text, path, "QMK keymap.json")
    except FormatError as strict:
        relaxed = without_comments(text)
        if relaxed is None:
            raise
        try:
            data = parse_json(relaxed, path, "QMK keymap.json")
        except FormatError:
            raise strict from None
    warnings.append("the file has comments or trailing commas, which QMK's HJSON reader takes: read so; its "
                    "comments are not kept")
    return data


def read_keymap_json(text: str, path: str | Path | None = None,
                     module_roots: Sequence[Path] = (), processor: str | None = None) -> KeymapJsonImport:
    """Parse keymap.json text; FormatError names the file, the line of the bad part and a fix.
    `module_roots`: folders holding `modules/` where its community modules are looked for.
    `processor`: the board's chip, when the caller knows it (an STM32's headers declare `RESET`)."""
    warnings: list[str] = []
    data = _parse_keymap_json(text, path, warnings)
    if not isinstance(data, dict):
        raise FormatError("a keymap.json file is a JSON object", path, 1)

    fail = json_field_error(text, path)
    layers_data = data.get("layers")
    if not isinstance(layers_data, list) or not layers_data:
        raise fail(
            "layers" if "layers" in data else "{",
            "this keymap.json holds no layers" if "layers" not in data else "`layers` must be a non-empty list",
            hint="a keymap.json with only `config` or `modules` leaves its layers to a keymap.c beside it: import "
            "that file (keyconf takes the modules from here)"
            if "layers" not in data
            else "each layer is a list of keycodes",
        )
    check_keycode_layers(layers_data, fail, "not a keycode (write it as text)")
    headers = _user_headers(data, path)
    if chip_declares_reset(processor) and (headers is None or "RESET" not in headers.forced_defines()):
        # `RESET`, QMK's old name of QK_BOOT, which it dropped in 2022: json2c pastes it into C, where the
        # chip's header declares RESET = 0 (ST's FlagStatus), so the firmware's key does nothing, unless the
        # user's config.h that QMK's build force-includes defines it (as the keymap.c reader has it).
        places = []
        for i, layer in enumerate(layers_data):
            for j, key in enumerate(layer):
                if isinstance(key, str) and key.strip() == "RESET":
                    places.append(f"layers[{i}][{j}]")
                    layer[j] = "KC_NO"
        if places:
            warnings.append(chip_reset_warning(", ".join(places), processor or ""))
    modules = Layout(keyboard="", layout_macro="", modules=read_modules(data, fail))
    warnings += attach_modules(modules, module_roots)
    names = _layer_names(data.get("layer_names"), len(layers_data), warnings)
    probe = replace(fk.named_context(names), keyboard_keycodes=module_keycodes(modules))
    unknown = [k.strip() for layer in layers_data for k in layer if not fk.is_known(_unwrapped(k), probe)]
    from_code = _read_through_user_code(layers_data, data, headers, fail) if headers is not None else None
    source = None
    if from_code is None and unknown:
        source = _read_with_source_keymap_c(layers_data, data, path, unknown, fail, warnings)
        from_code = source
    if from_code is None:
        _refuse_user_macros(layers_data, unknown, headers, path, fail)
        # Bare names that are no keycode (Configurator writes those as ANY(...)): `qmk c2json` copies a
        # keymap.c's keys as written, so LOWER, CTL_ESC, MO(_SYM_ALT) are that file's names. Said once.
        # A module keyconf could not read most likely names them (SELWORD of getreuer/select_word): its
        # warning says so, once, and each key's hint names the modules.
        unread = len(modules.module_definitions) < len(modules.modules)
        bare = [] if unread else sorted({name for key in unknown if not _ANY.match(key) for name in _names_in(key)})
        if bare and not any("qmk c2json" in w for w in warnings):
            shown = ", ".join(bare[:4]) + (f" and {len(bare) - 4} more" if len(bare) > 4 else "")
            warnings.append(
                f"{shown} {'are' if len(bare) > 1 else 'is'} no QMK keycode or layer: the file looks like a `qmk "
                "c2json` export of a keymap.c, which copies that file's names as written, and QMK cannot build it "
                "without them. Import it beside the keymap.c it was made from (keyconf then reads the names with "
                "it), or import that keymap.c")
    counts = {len(layer) for layer in layers_data if layer} if from_code is None else set()
    if len(counts) > 1:
        raise _uneven_layers(text, path, layers_data)
    empty = [li for li, layer in enumerate(layers_data) if not layer]
    if empty and counts:
        # Configurator exports the layers a user never filled as []; QMK reads them as falling through.
        width = counts.pop()
        layers_data = [layer or ["KC_TRNS"] * width for layer in layers_data]
        warnings.append(f"layer{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} "
                        f"{'are' if len(empty) > 1 else 'is'} empty in the file: filled with KC_TRNS")
    elif empty:
        raise fail("layers", "every layer is empty", hint="a keymap.json layer lists the keycode of each key")
    for key in ("keyboard", "layout", "keymap", "author", "notes"):
        if key in data and not isinstance(data[key], str):
            raise fail(key, f"`{key}` must be text")
    keyboard = data.get("keyboard", "")
    if not keyboard:
        warnings.append("the file names no keyboard; pass --keyboard")
    layout_macro = data.get("layout", "")
    if not layout_macro:
        warnings.append("the file names no layout macro; pass --layout")

    customs = _declared_keycodes(data.get("keycodes"), fail)
    layers = [Layer(names[i], list(layer)) for i, layer in enumerate(layers_data)]
    if from_code is not None:
        layers = from_code.layout.layers
        names = [layer.name for layer in layers]
        layout_macro = from_code.layout.layout_macro
        customs += [c for c in from_code.layout.custom_keycodes if c.name not in {d.name for d in customs}]
        warnings += from_code.warnings
    # Configurator's ANY(NAME) of a name keyconf does not know is a keycode of the keymap's own
    # C code (SELWORD): it becomes one of the layout's custom keycodes, said once per name.
    probe = fk.named_context(names)
    free_text: list[str] = []
    zmk: list[str] = []
    for layer in layers if from_code is None else []:
        for ki, key in enumerate(layer.keys):
            match = _ANY.match(key.strip())
            if match is None or fk.is_known(match.group(1), probe):
                continue
            name = match.group(1).strip()
            if not _C_NAME.match(name):
                # Free text that is no name stays as written (validation points at each key); said once.
                if ZMK_BEHAVIOR.match(name):
                    zmk.append(name)
                elif name not in free_text:
                    free_text.append(name)
                    why = _parse_problem(name, probe)
                    warnings.append(f"ANY({name}): `{name}` is neither a keycode nor a C name{why}; it is kept as "
                                    "written, and neither keyconf nor QMK can build it until the key holds a keycode")
                continue
            layer.keys[ki] = name
            if name not in {c.name for c in customs}:
                customs.append(CustomKeycode(name))
                warnings.append(
                    f"ANY({name}): `{name}` is a keycode of the keymap's own C code; it is now a custom keycode "
                    "of the layout, and what it does needs that C code (c_source) to build the firmware"
                )
    if zmk:
        # A Configurator export kept for a ZMK converter: ZMK behaviours written into ANY().
        warnings.append(
            f"{len(zmk)} key{'s' if len(zmk) != 1 else ''} hold ZMK behaviours in ANY() ({_listed(zmk)}): the file "
            "is drawn for a ZMK converter, and QMK cannot build them; they are kept as written until those keys "
            "hold QMK keycodes (KC_NO for none)"
        )
    layout = Layout(keyboard=keyboard, layout_macro=layout_macro, layers=layers)
    layout.custom_keycodes = customs
    layout.modules, layout.module_definitions = modules.modules, modules.module_definitions
    if source is not None:
        # What the keymap.c behind the export builds besides the layers: its C code (the
        # process_record_user that gives LOWER its meaning), macros, tap dances, combos.
        read = source.layout
        layout.c_source, layout.macros, layout.tap_dances = read.c_source, read.macros, read.tap_dances
        layout.combos, layout.key_overrides = read.combos, read.key_overrides
    ctx = fk.context(layout)
    for li, layer in enumerate(layers if from_code is None else []):  # read through the C reader already
        layer.keys = [fk.from_author(k, ctx) if fk.is_known(k, ctx) or "(" not in k
                      else _as_c_reads(k, f"layers[{li}][{ki}]", ctx, warnings) for ki, k in enumerate(layer.keys)]
    layout.name = data.get("keymap") or None
    layout.author = data.get("author") or None
    layout.notes = data.get("notes") or None
    language = data.get("host_language")
    if isinstance(language, str) and language:
        found = host_language(language)
        if found is None:
            warnings.append(f"host_language {language!r} is not a language keyconf knows; it was left out")
        else:
            layout.host_language = found.name
    converter = data.get("converter")
    if converter is not None:
        # QMK's generated rules.mk gets CONVERT_TO from it: the firmware is for the chip in the socket.
        if isinstance(converter, str) and CONVERTER_NAME_RE.fullmatch(converter):
            layout.converter = converter
        else:
            warnings.append(f"converter {converter!r} is not a converter name (QMK's schema: lower-case letters, "
                            "digits and _); it was left out")

    encoders = data.get("encoders")
    if encoders is not None:
        if not isinstance(encoders, list) or len(encoders) > len(layers):
            raise fail("encoders", "`encoders` must hold one list per layer")
        for li, per_layer in enumerate(encoders):
            if not isinstance(per_layer, list):
                raise fail("encoders", f'encoders[{li}] must be a list of {{"ccw": ..., "cw": ...}}')
            actions = []
            for ei, item in enumerate(per_layer):
                if (
                    not isinstance(item, dict)
                    or not isinstance(item.get("ccw"), str)
                    or not isinstance(item.get("cw"), str)
                ):
                    raise fail("encoders", f'encoders[{li}][{ei}] must be {{"ccw": keycode, "cw": keycode}}')
                actions.append(EncoderAction(ccw=fk.from_author(item["ccw"], ctx), cw=fk.from_author(item["cw"], ctx)))
            layers[li].encoders = actions

    macros = data.get("macros")
    if macros is not None:
        if not isinstance(macros, list):
            raise fail("macros", "`macros` must be a list of macros")
        problem = too_many(len(macros), MAX_TABLE_ENTRIES, "macros")
        if problem:
            raise fail("macros", problem)
        layout.macros = [_macro(m, i, fail, warnings) for i, m in enumerate(macros)]

    config = data.get("config")
    if config is not None:
        if not isinstance(config, dict):
            raise fail("config", "`config` must be an object")
        settings, left = settings_from_config(config)
        layout.settings.update(settings)
        if left:
            warnings.append(f"config entries keyconf layouts do not hold were not imported: {', '.join(left)}")
    extra = sorted(set(data) - _READ - _IGNORED)
    if extra:
        warnings.append(f"keymap.json keys keyconf layouts do not hold were not imported: {', '.join(extra)}")
    return KeymapJsonImport(layout, warnings)


def _layer_names(given: Any, count: int, warnings: list[str]) -> list[str]:
    """The layers' names: `"layer_names": ["Base", "Sym", ...]`, which QMK's keymap.json does not have
    but files kept for keymap-drawer and users' own scripts add so keys can say `MO(Num)`; keyconf's
    `layer0`, `layer1` ... otherwise, or when the list is not one usable name per layer (said once)."""
    defaults = [default_layer_name(i) for i in range(count)]
    if given is None:
        return defaults
    if (isinstance(given, list) and len(given) == count and all(isinstance(n, str) for n in given)
            and len(set(given)) == count
            and all(layer_name_problem(Layout(keyboard="", layout_macro=""), n) is None for n in given)):
        return list(given)
    warnings.append(f"`layer_names` is not one layer name per layer ({count}: letters, digits and _, each once, no "
                    "keycode's name): the layers are named layer0, layer1 ... instead")
    return defaults


def read_modules(data: dict[str, Any], fail: Any) -> list[str]:
    """keymap.json's `"modules": ["qmk/super_alt_tab"]`: QMK community module paths, checked as the
    layout format checks them."""
    value = data.get("modules")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail("modules", "`modules` must be a list of module paths (\"qmk/super_alt_tab\")")
    if len(value) > MAX_MODULES:
        raise fail("modules", f"{len(value)} community modules; a layout names at most {MAX_MODULES}")
    for item in value:
        problem = module_path_problem(item)
        if problem is not None:
            raise fail("modules", problem)
    return list(dict.fromkeys(value))


def _user_headers(data: dict[str, Any], path: str | Path | None) -> UserHeaders | None:
    """Where QMK's build finds the user's C code for this file, when it is read where it lives:
    USER_NAME is the file's `keymap` (`qmk compile x.json`) or, for a keymap folder's keymap.json,
    that folder's name."""
    if path is None or not Path(path).is_file():
        return None
    names = [data.get("keymap") if isinstance(data.get("keymap"), str) else ""]
    if Path(path).name == "keymap.json":
        names.append(Path(path).resolve().parent.name)
    keyboard = data.get("keyboard") if isinstance(data.get("keyboard"), str) else ""
    headers = UserHeaders(Path(path), [name for name in names if name], keyboard=keyboard or "")
    folder = Path(path).resolve().parent
    if not headers.userspaces and folder.name == "keymaps" and _is_userspace_folder(folder.parent):
        # users/<name>/keymaps/x.json of a userspace repository checked out under another name
        # (its CI clones it as users/<keymap>): the folder above keymaps/ is that userspace.
        headers.add_userspace(folder.parent)
    return headers


def _is_userspace_folder(folder: Path) -> bool:
    """A folder of the user's C code (config.h or rules.mk), not a keyboard's (keyboard.json, info.json)."""
    return (((folder / "config.h").is_file() or (folder / "rules.mk").is_file())
            and not (folder / "keyboard.json").is_file() and not (folder / "info.json").is_file())


def _read_through_user_code(
    layers_data: list[list[str]], data: dict[str, Any], headers: UserHeaders, fail: Any
) -> KeymapC | None:
    """The layers as QMK builds them: its json2c pastes each layer into `[n] = LAYOUT(keys)` of a
    generated keymap.c, compiled with the userspace's and keymap's config.h force-included (the
    keymap.h that keymap.c includes is the one QMK generates beside it, not the user's). So when
    the keys or the layout name macros those config.h files bring in, the keymap.c reader (one
    C reader for both formats) expands them; None when they define none of them."""
    defined = headers.forced_defines()
    if not defined:
        return None
    layout_macro = data.get("layout") if isinstance(data.get("layout"), str) else ""
    used = {t.text for layer in layers_data for key in layer for t in _c_tokens(_unwrapped(key))}
    if not used & set(defined) and layout_macro not in defined:
        return None
    lines = ["#include QMK_KEYBOARD_H", "const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {"]
    for index, layer in enumerate(layers_data):
        keys = ", ".join(" ".join(_unwrapped(key).split()) for key in layer)
        lines.append(f"    [{index}] = {layout_macro or 'LAYOUT'}({keys}),")
    lines.append("};")
    first_layer_line = 3
    where = ", ".join(str(file) for file in headers.forced)
    try:
        result = read_keymap_c("\n".join(lines) + "\n", None, str(data.get("keyboard") or ""), headers=headers)
    except FormatError as error:
        index = (error.line or 0) - first_layer_line
        at = f"layers[{index}]: " if 0 <= index < len(layers_data) else ""
        raise fail("layers", f"{at}{error.message} (read as QMK's build reads the layers, with {where})",
                   hint=error.hint) from None
    shown = sorted(used & set(defined))
    result.warnings.insert(0, (
        f"the layers are written with macros of the user's own C code ({', '.join(shown[:4])}"
        + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")
        + f"): read as QMK's build reads them, with {where} and the headers included from there; the layout "
        "holds the keys they stand for, and no longer follows edits of those headers"))
    return result


_PATH_NAME = re.compile(r"^[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*$")  # a keyboard or keymap name, no '..'


def _source_keymap_c_candidates(data: dict[str, Any], path: Path) -> list[Path]:
    """Where the keymap.c a `qmk c2json` export was made from is kept beside it: in its folder or the one
    above, or as QMK names it from the export's `keyboard` and `keymap` (keymaps/<keymap>/keymap.c,
    keyboards/<keyboard>/keymaps/<keymap>/keymap.c) a folder or two up."""
    here = path.resolve().parent
    found = [here / "keymap.c", here.parent / "keymap.c"]
    keyboard, keymap = data.get("keyboard"), data.get("keymap")
    if isinstance(keymap, str) and _PATH_NAME.match(keymap):
        # QMK finds keymaps/<keymap>/ in any folder of the keyboard's path (splitkb/kyria for splitkb/kyria/rev3).
        parts = keyboard.split("/") if isinstance(keyboard, str) and _PATH_NAME.match(keyboard) else []
        for folder in (here, here.parent, here.parent.parent):
            found.append(folder / "keymaps" / keymap / "keymap.c")
            found += [folder / "keyboards" / Path(*parts[:n]) / "keymaps" / keymap / "keymap.c"
                      for n in range(len(parts), 0, -1)]
    return list(dict.fromkeys(found))


def _read_with_source_keymap_c(
    layers_data: list[list[str]], data: dict[str, Any], path: str | Path | None, unknown: list[str], fail: Any,
    warnings: list[str],
) -> KeymapC | None:
    """The layers of a `qmk c2json` export read with the keymap.c it was made from.

    c2json copies the keymap.c's keys as written (`LOWER`, `CTL_ESC`, `MO(_F1)`), leaving the names
    that file defines (its enums, #defines, custom keycodes) to it; QMK cannot build such an export
    on its own. When a keymap.c kept beside the export has as many layers and names them, the
    export's layers are read in that file, in place of its own keymaps[] (one C reader for both
    formats), so the names mean what they mean there. None when there is no such keymap.c (a
    warning says so when one names them but holds another number of layers)."""
    if path is None or not Path(path).is_file():
        return None
    names = {name for key in unknown for name in _names_in(_unwrapped(key))}
    for candidate in _source_keymap_c_candidates(data, Path(path)):
        if not candidate.is_file() or candidate.stat().st_size > MAX_DOCUMENT_BYTES:
            continue
        text = candidate.read_text(encoding="utf-8", errors="replace")
        tokens = _c_tokens(text)
        defined = sorted({t.text for t in tokens if t.kind == "ident"} & names)
        table = _KeymapsTable.find(tokens) if defined else None
        if table is None:
            continue
        shown = ", ".join(defined[:4]) + (f" and {len(defined) - 4} more" if len(defined) > 4 else "")
        if len(table.entries) != len(layers_data):
            warnings.append(
                f"the layers use names of {candidate} ({shown}), but that keymap.c has {len(table.entries)} "
                f"layers and this file {len(layers_data)}: it is a `qmk c2json` export of another version of "
                "it, so the names are not read with it; import that keymap.c, or export it again with qmk c2json")
            return None
        spliced = table.with_layers(text, layers_data, str(data.get("layout") or "") or "LAYOUT")
        try:
            result = read_keymap_c(spliced, candidate, str(data.get("keyboard") or ""))
        except FormatError as error:
            raise fail("layers", f"{error.message} (read with {candidate}, the keymap.c this export was made "
                                 "from, whose names its layers use)", hint=error.hint) from None
        result.warnings.insert(0, (
            f"the layers use names of {candidate} ({shown}): this file is a `qmk c2json` export of that "
            "keymap.c, so its layers are read with it, as QMK builds that keymap.c, and its C code comes along; "
            "QMK cannot build the export on its own"))
        return result
    return None


def _names_in(key: str) -> list[str]:
    """The names a key's text uses, not the functions it calls (`_NAV` of `MO(_NAV)`)."""
    tokens = _c_tokens(key)
    return [t.text for i, t in enumerate(tokens)
            if t.kind == "ident" and not (i + 1 < len(tokens) and tokens[i + 1].is_("("))]


@dataclass
class _KeymapsTable:
    """Where a keymap.c's keymaps[] initializer is: its braces (token indices) and each entry's
    designator (`_QWERTY` of `[_QWERTY] = LAYOUT(...)`, None for an entry without one)."""

    tokens: list[Token]
    open: int
    close: int
    entries: list[str | None]

    @staticmethod
    def find(tokens: list[Token]) -> _KeymapsTable | None:
        brace = None
        for start in (i for i, t in enumerate(tokens) if t.kind == "ident" and t.text == "keymaps"):
            # The definition, not a declaration before it (`extern const uint16_t keymaps[]...;`).
            end = next((i for i in range(start, len(tokens)) if tokens[i].is_("{") or tokens[i].is_(";")), None)
            if end is not None and tokens[end].is_("{"):
                brace = end
                break
        if brace is None:
            return None
        depth, designator, entries = 0, None, []
        for i in range(brace, len(tokens)):
            token = tokens[i]
            if token.kind != "punct":
                continue
            if token.text in ("{", "(", "["):
                if depth == 1 and token.text == "[":
                    end = next((j for j in range(i, len(tokens)) if tokens[j].is_("]")), len(tokens) - 1)
                    if end + 1 < len(tokens) and tokens[end + 1].is_("="):
                        designator = " ".join(t.text for t in tokens[i + 1 : end])
                elif depth == 1:  # an entry's LAYOUT(...) (or its braces, in old keymaps)
                    entries.append(designator)
                    designator = None
                depth += 1
            elif token.text in ("}", ")", "]"):
                depth -= 1
                if depth == 0:
                    return _KeymapsTable(tokens, brace, i, entries)
        return None

    def with_layers(self, text: str, layers: list[list[str]], layout_macro: str) -> str:
        """`text` with the entries replaced by `layers`, each under the entry's designator in the file's
        order (c2json writes them so); the lines of the rest of the file stay where they were."""
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

        def offset(token: Token) -> int:
            return starts[token.line - 1] + token.column - 1

        body = " ".join(
            (f"[{name}] = " if name is not None else "") + f"{layout_macro}({', '.join(_unwrapped(k) for k in layer)}),"
            for name, layer in zip(self.entries, layers, strict=True)
        )
        open_at, close_at = offset(self.tokens[self.open]), offset(self.tokens[self.close])
        return text[: open_at + 1] + body + "\n" * text.count("\n", open_at, close_at) + text[close_at:]


def _as_c_reads(key: str, where: str, ctx: ParseContext, warnings: list[str]) -> str:
    """A key keyconf's keycode parser does not read, as QMK's build reads it: json2c pastes it into
    the keymap.c it generates, so C computes its value (`MT(LALT(KC_G), KC_SPC)`, a slip QMK builds
    as MT(MOD_LSFT | MOD_LGUI, KC_SPC)). The keymap.c reader (one C reader for both formats) reads
    it so, with its warning; a key it cannot read either stays as written."""
    text = f"const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {{\n    [0] = LAYOUT({key}),\n}};\n"
    try:
        result = read_keymap_c(text, None, "")
    except FormatError:
        return key.strip()
    keys = result.layout.layers[0].keys if len(result.layout.layers) == 1 else []
    if len(keys) != 1 or not fk.is_known(keys[0], ctx):
        return key.strip()
    warnings += [re.sub(r"^line \d+: ", f"{where}: ", w) for w in result.warnings if w.startswith("line ")]
    return fk.from_author(keys[0], ctx)


def _c_tokens(text: str) -> list[Token]:
    try:
        return tokenize(text)
    except FormatError:
        return []


def _refuse_user_macros(
    layers_data: list[list[str]], unknown: list[str], headers: UserHeaders | None, path: str | Path | None,
    fail: Any,
) -> None:
    """One clear error for layers written as the user's C macros that keyconf cannot expand."""
    if headers is not None and headers.forced:
        seen = ", ".join(str(file) for file in headers.forced)
        why = (f"neither the file nor the userspace config.h keyconf read where QMK's build does ({seen}, and "
               "the headers included from there) defines them: QMK's build cannot tell the keys either")
        if headers.problems:
            why += f" ({'; '.join(headers.problems[:2])})"
        hint = ("check that the file's `keymap` names the userspace (users/<keymap>/) and that its config.h "
                "includes the header with these macros; or expand them with `qmk c2json`")
    else:
        why = "keyconf, like QMK without that code, cannot tell the keys"
        hint = ("import the file where it lives in your userspace checkout (keyconf reads users/<keymap>/config.h "
                "and the headers it includes, as QMK's build does), or import the keymap.c it was made from, or "
                "expand the macros with `qmk c2json` run where the userspace is (a keymap.json of the keys "
                "themselves)")
        if path is not None and headers is not None:
            hint = ("no userspace config.h was found around the file (users/<keymap>/config.h, or the keymap "
                    "folder's): " + hint)
    wrappers = sorted({k for k in unknown if _WRAPPER_NAME.match(k)})
    if wrappers:
        raise fail(
            "layers",
            f"the layers hold layout wrapper names that stand for several keys each: {', '.join(wrappers[:4])}"
            + (f" and {len(wrappers) - 4} more" if len(wrappers) > 4 else "") + f"; {why}",
            hint=hint,
        )
    filled = [layer for layer in layers_data if layer]
    if unknown and filled and all(len(layer) <= 2 for layer in filled):
        # `["C_42(HRM(_BASE))"]`, `["TY_ALPHAS_LAYER"]`: a layer written as one macro of the user's C
        # code (which QMK pastes into the keymap), not as its keys. Boards of one or two keys pass.
        raise fail(
            "layers",
            f"the layers are written as macros of the user's own C code ({', '.join(unknown[:3])}"
            + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
            + f"), not as their keys: {why}",
            hint=hint,
        )


def _parse_problem(text: str, ctx: ParseContext) -> str:
    """What is wrong with keycode text, when the parser can tell what to write instead (`UC(00e4)`)."""
    try:
        REGISTRY.parse(text, ctx)
    except KeycodeError as error:
        return f" ({error.hint})" if error.hint else ""
    return ""


def _declared_keycodes(items: Any, fail: Any) -> list[CustomKeycode]:
    """keymap.json's `keycodes` ([{"key": "ALTTAB", "label": "Alt-Tab"}]): QMK numbers them from QK_USER_0."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("key"), str) for i in items):
        raise fail("keycodes", '`keycodes` must be a list of {"key": NAME, "label": ...}')
    declared = []
    for item in items:
        name = item["key"].strip()
        if not _C_NAME.match(name):
            raise fail("keycodes", f"custom keycode {name!r} is not a C name")
        label = item.get("label")
        declared.append(CustomKeycode(name, legend=label if isinstance(label, str) and label else None))
    return declared


def _macro(items: Any, index: int, fail: Any, warnings: list[str]) -> Macro:
    if not isinstance(items, list):
        raise fail("macros", f"macros[{index}] must be a list of texts and actions")
    steps: list[MacroStep] = []
    for item in items:
        if isinstance(item, str):
            steps.append(MacroStep("text", item))
            continue
        if not isinstance(item, dict) or item.get("action") not in ("tap", "down", "up", "delay", "beep"):
            raise fail(
                "macros",
                f"macros[{index}] holds {item!r}; items are texts or "
                '{"action": "tap"|"down"|"up"|"delay"|"beep", ...}',
            )
        action = item["action"]
        if action == "delay":
            duration = item.get("duration")
            if isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration <= MAX_MACRO_DELAY_MS:
                raise fail("macros", f"macros[{index}]: a delay needs a whole-number `duration` in milliseconds, "
                           f"0 to {MAX_MACRO_DELAY_MS}")
            steps.append(MacroStep("delay", duration))
        elif action == "beep":
            warnings.append(f"macro {index}: a beep has no place in a keyconf macro and was left out")
        else:
            keycodes = item.get("keycodes")
            if not isinstance(keycodes, list) or not keycodes or not all(isinstance(k, str) for k in keycodes):
                raise fail("macros", f'macros[{index}]: a {action} needs `keycodes`, e.g. ["LCTL", "C"]')
            steps.append(MacroStep(action, [_macro_keycode(k) for k in keycodes]))
    return Macro(steps)


def _macro_keycode(name: str) -> str:
    """QMK macro JSON names keys without `KC_` (`LCTL`, `LEFT_CTRL`, `A`): the keycode is `KC_` + name,
    in keyconf's canonical spelling (both of those are KC_LCTL)."""
    name = name.strip()
    text = name if name.upper().startswith("KC_") else f"KC_{name.upper()}"
    return fk.canonical(text, fk.named_context([]))
