"""Keycodes as other tools write and read them, translated through the keycode registry.

VIA, Vial and QMK Configurator each spell keycodes their own way (`LT1(KC_SPC)`, `M0`,
`MACRO(3)`, `"0x7e05"`, integers, `ANY(...)`), and number layers where a keyconf layout
names them. Importers pass what they read through `from_tool` / `from_author`; exporters ask
`to_value` for the 16-bit value a device holds. All keycode knowledge stays in
`keyconf.model.keycodes`; this module only decides which of its answers each direction needs.
Text the registry cannot read is kept exactly as written, never dropped."""

from __future__ import annotations

import collections
import dataclasses
import re
from collections.abc import Iterable, Sequence

from keyconf.model.keycodes import (
    REGISTRY,
    Keycode,
    KeycodeError,
    ModsError,
    Numbering,
    ParseContext,
    format_mods,
    from_qmk5,
    parse_mods,
    to_qmk5,
)
from keyconf.model.keycodes.languages import host_language
from keyconf.model.layout import Layout, Macro, keycode_context, keycode_fields
from keyconf.model.layout_diff import legend_text, same_keycode

_LANGUAGE_INCLUDE = re.compile(r'(?:#\s*)?\binclude\s*[<"](?:keymap|sendstring)_([a-z0-9_]+)\.h[>"]')
_NAME = re.compile(r"\b[A-Z][A-Z0-9]{1,3}_[A-Z0-9_]+\b")
_MOD_SET = re.compile(r"MOD_[A-Z]+(?:\s*\|\s*MOD_[A-Z]+)+")


def context(layout: Layout) -> ParseContext:
    """How layer and tap-dance names in `layout`'s keycodes resolve."""
    return keycode_context(layout)


def named_context(layer_names: Sequence[str], tap_dances: Sequence[str] = ()) -> ParseContext:
    return ParseContext(layers=list(layer_names), tap_dances=list(tap_dances))


def from_tool(value: str | int, ctx: ParseContext, numbering: Numbering = Numbering.CURRENT) -> str:
    """keyconf text for a keycode a tool wrote (a name in its dialect, a hex string or an integer).

    Layer numbers become layer names, raw values become names where the registry knows them
    (decoded in `numbering`), and text the registry cannot read comes back unchanged."""
    if isinstance(value, bool):
        raise TypeError("a keycode cannot be a boolean")
    if isinstance(value, int):
        if value == -1:
            return "KC_NO"
        return REGISTRY.format(REGISTRY.decode(value & 0xFFFF, numbering, ctx))
    text = qmk_mod_sets(value.strip())
    try:
        kc = REGISTRY.parse(text, ctx)
    except KeycodeError:
        return text
    if kc.op == "RAW" and isinstance(kc.number, int):
        kc = REGISTRY.decode(kc.number, numbering, ctx)
    return REGISTRY.format(_names_from_context(_as_qmk_encodes(kc), ctx), ctx.language)


def from_author(text: str, ctx: ParseContext) -> str:
    """keyconf text for a keycode a person wrote (keymap.c, keymap.json): their spelling is kept
    unless it is an old name, another tool's dialect or refers to a layer by number."""
    stripped = text.strip()
    as_qmk = qmk_mod_sets(stripped)
    try:
        parsed = REGISTRY.parse_full(as_qmk, ctx)
    except KeycodeError:
        return stripped
    kc = parsed.keycode
    named = _names_from_context(kc, ctx)
    if parsed.deprecated or named != kc or kc.op == "RAW" or as_qmk != stripped:
        if kc.op == "RAW" and isinstance(kc.number, int):
            named = REGISTRY.decode(kc.number, Numbering.CURRENT, ctx)
        return REGISTRY.format(named)
    return stripped


def qmk_mod_sets(text: str) -> str:
    """Modifier sets as QMK's C evaluates them: `MOD_LCTL | MOD_RCTL` is 0x01 | 0x11 = right Ctrl.

    VIA writes right-hand modifiers that way, and keymaps compiled with such sets meant the
    same. A set that mixes hands only by this accident is rewritten to what it encodes."""

    def fix(match: re.Match[str]) -> str:
        try:
            if not _mixed(parse_mods(match.group(0))):
                return match.group(0)
            bits = 0
            for part in match.group(0).split("|"):
                bits |= to_qmk5(parse_mods(part))
            return format_mods(from_qmk5(bits))
        except ModsError:
            return match.group(0)

    return _MOD_SET.sub(fix, text)


def _mixed(mods: int) -> bool:
    return bool(mods & 0x0F) and bool(mods & 0xF0)


def _as_qmk_encodes(kc: Keycode) -> Keycode:
    """Modifiers of both hands (VIA writes `A(ALGR(KC_1))`) as QMK encodes them (RALT(KC_1))."""
    return REGISTRY.as_qmk_encodes(kc)


def _names_from_context(kc: Keycode, ctx: ParseContext) -> Keycode:
    """The same keycode with layer and tap-dance numbers replaced by the names `ctx` gives them."""
    layer = kc.layer
    if isinstance(layer, int) and 0 <= layer < len(ctx.layers):
        layer = ctx.layers[layer]
    number = kc.number
    if kc.op == "TD" and isinstance(number, int) and 0 <= number < len(ctx.tap_dances):
        number = ctx.tap_dances[number]
    inner = _names_from_context(kc.inner, ctx) if kc.inner is not None else None
    if layer == kc.layer and inner == kc.inner and number == kc.number:
        return kc
    return dataclasses.replace(kc, layer=layer, inner=inner, number=number)


def keep_played_macros(layout: Layout) -> int:
    """Give every macro a key plays its slot: VIA and Vial keep all their slots, empty ones too, so
    a key may play a macro after the last one recorded. Empty macros are added up to the highest
    one played; returns how many were added."""
    ctx = context(layout)
    highest = -1
    macros = REGISTRY.ranges["QK_MACRO"]
    for place in keycode_fields(layout):
        try:
            value = REGISTRY.encode(REGISTRY.parse(place.text, ctx), ctx)
        except KeycodeError:
            continue
        if value in macros:
            highest = max(highest, value - macros.first)
    added = max(0, highest + 1 - len(layout.macros))
    layout.macros.extend(Macro() for _ in range(added))
    return added


def included_languages(source: str) -> list[str]:
    """The host languages whose keymap_<language>.h (or sendstring_) the C `source` includes."""
    found = (host_language(m.group(1)) for m in _LANGUAGE_INCLUDE.finditer(source))
    return [language.name for language in found if language is not None]


def language_aliases(layout: Layout) -> dict[str, str]:
    """Each name on the layout's keys that is only a host-language alias (NO_AE), with its language."""
    found: dict[str, str] = {}
    for place in keycode_fields(layout):
        for name in _NAME.findall(place.text):
            owner = REGISTRY.language_of_alias(name) if REGISTRY.get(name) is None else None
            if owner is not None:
                found.setdefault(name, owner)
    return found


def aliases_of_own_prefixes(aliases: Iterable[str], own_names: Iterable[str]) -> set[str]:
    """The language aliases whose prefix the file uses at least as much for names of its own
    (LT_E beside LT_MGC, LT_REPT; TR_COPY beside TR_PAST, TR_TMUX): they are the user's names
    too, and say nothing about the language the computer types in."""
    def prefix(name: str) -> str:
        return name.split("_", 1)[0]

    own = collections.Counter(prefix(name) for name in set(own_names))
    by_prefix: dict[str, set[str]] = collections.defaultdict(set)
    for name in aliases:
        by_prefix[prefix(name)].add(name)
    return {name for key, names in by_prefix.items() if own[key] >= len(names) for name in names}


def detect_host_language(layout: Layout, source: str = "") -> tuple[str, str] | None:
    """The host language a file implies, and why: a keymap_<language>.h (or sendstring_) the C
    `source` includes, else the one language every alias the keycodes use belongs to (NO_AE)."""
    for match in _LANGUAGE_INCLUDE.finditer(source):
        language = host_language(match.group(1))
        if language is not None:
            return language.name, match.group(0)
    ctx = context(layout)
    aliases: dict[str, str] = {}  # alias -> its language, on keys that read
    strangers: set[str] = set()  # names no language knows
    for place in keycode_fields(layout):
        for name in _NAME.findall(place.text):
            owner = REGISTRY.language_of_alias(name) if REGISTRY.get(name) is None else None
            if owner is not None and is_known(place.text, ctx):
                aliases.setdefault(name, owner)
            elif owner is None and REGISTRY.get(name) is None:
                strangers.add(name)
    users = aliases_of_own_prefixes(aliases, strangers)
    used: dict[str, str] = {}
    for name, owner in aliases.items():
        if name not in users:
            used.setdefault(owner, name)
    if len(used) == 1:
        language_name, example = next(iter(used.items()))
        return language_name, f"names such as {example}"
    return None


def respell_in_language(layout: Layout, previous: str | None = None) -> int:
    """Write the layout's keycodes in its host language (KC_Y → DE_Z for German) where they are
    spelled canonically or in the `previous` language's aliases (the language just replaced);
    a person's own spelling stays. Without a language they go back to KC_ names. Returns how
    many changed."""
    if not layout.host_language and not previous:
        return 0
    ctx = context(layout)
    old_ctx = dataclasses.replace(ctx, language=previous)
    changed = 0
    for place in keycode_fields(layout):
        text = place.text.strip()
        try:
            kc = REGISTRY.parse(place.text, old_ctx if previous else ctx)
        except KeycodeError:
            continue
        if text != REGISTRY.format(kc) and not (previous and text == REGISTRY.format(kc, previous)):
            continue
        spelled = REGISTRY.format(kc, layout.host_language)
        if spelled != place.text:
            place.set(spelled)
            changed += 1
    return changed


def is_known(text: str, ctx: ParseContext) -> bool:
    try:
        REGISTRY.parse(text, ctx)
    except KeycodeError:
        return False
    return True


def to_value(text: str, ctx: ParseContext, numbering: Numbering = Numbering.CURRENT) -> int:
    """The 16-bit value of keycode text; raises KeycodeError when it has none (custom C keycodes)."""
    return REGISTRY.encode(REGISTRY.parse(text, ctx), ctx, numbering)


def canonical(text: str, ctx: ParseContext) -> str:
    """Canonical text, or the text itself when the registry cannot read it."""
    try:
        return REGISTRY.format(REGISTRY.parse(text, ctx))
    except KeycodeError:
        return text.strip()


__all__ = [
    "canonical",
    "context",
    "aliases_of_own_prefixes",
    "detect_host_language",
    "included_languages",
    "language_aliases",
    "from_author",
    "from_tool",
    "is_known",
    "keep_played_macros",
    "legend_text",
    "named_context",
    "qmk_mod_sets",
    "respell_in_language",
    "same_keycode",
    "to_value",
]
