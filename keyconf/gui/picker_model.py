"""What the keycode picker offers: categories, search and recently used keycodes.

Qt-free so tests can ask "what does a search for 'vol' show" without widgets. Fixed
keycodes come from the registry (its groups decide the category); layer keys, macros and
tap dances come from the open layout, since they name its layers and items; the keyboard's own
keycodes (QK_KB_n, named by its firmware's header) from the layout's keyboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from keyconf.model.layout import Layout

RECENT = "Recently used"
BASIC = "Basic"
MODIFIERS = "Modifiers"
LAYERS = "Layers"
MEDIA = "Media & Mouse"
QUANTUM = "Quantum"
LIGHTING = "Lighting"
MACROS = "Macros"
TAP_DANCE = "Tap dance"
CUSTOM = "Custom"
KEYBOARD = "Keyboard"
INTERNATIONAL = "International"
OTHER = "Other"

CATEGORIES = (
    RECENT,
    BASIC,
    MODIFIERS,
    LAYERS,
    MEDIA,
    QUANTUM,
    LIGHTING,
    MACROS,
    TAP_DANCE,
    CUSTOM,
    KEYBOARD,
    INTERNATIONAL,
    OTHER,
)

# Registry group -> picker category. Unlisted groups land in Other.
_GROUP_CATEGORY = {
    "basic": BASIC,
    "internal": BASIC,
    "modifiers": MODIFIERS,
    "media": MEDIA,
    "mouse": MEDIA,
    "system": MEDIA,
    "audio": QUANTUM,
    "quantum": QUANTUM,
    "magic": QUANTUM,
    "connection": QUANTUM,
    "swap_hands": QUANTUM,
    "kb": QUANTUM,
    "user": QUANTUM,
    "rgb": LIGHTING,
    "rgb_matrix": LIGHTING,
    "led_matrix": LIGHTING,
    "underglow": LIGHTING,
    "backlight": LIGHTING,
    "macro": MACROS,
}

# Basic keycodes that exist for non-US layouts and input methods.
_INTERNATIONAL_PREFIXES = ("KC_INT", "KC_LNG", "KC_NUHS", "KC_NUBS", "KC_INTERNATIONAL", "KC_LANGUAGE")

LAYER_FUNCTIONS = (
    ("MO", "Momentary: the layer while held"),
    ("TG", "Toggle the layer on or off"),
    ("TO", "Switch to the layer (turning others off)"),
    ("TT", "Momentary when held, toggle when tapped repeatedly"),
    ("OSL", "One-shot: the layer for the next key"),
    ("DF", "Make the layer the default (base) layer"),
)

MAX_RECENT = 24


@dataclass(frozen=True)
class PickerEntry:
    """One tile of the keycode picker."""

    code: str  # the keycode text assigned when picked
    legend: str
    description: str = ""
    group: str = ""
    aliases: tuple[str, ...] = ()

    def matches(self, query: str) -> bool:
        q = query.lower()
        return any(q in field.lower() for field in (self.code, self.legend, self.description, *self.aliases))


class PickerModel:
    def __init__(self, registry: Any = None, recent: Iterable[str] = ()) -> None:
        self._registry = registry
        self.recent: list[str] = list(dict.fromkeys(recent))[:MAX_RECENT]
        self._fixed: dict[str, list[PickerEntry]] | None = None

    @property
    def registry(self) -> Any:
        """The keycode registry, built on first use (not while the window is being made)."""
        if self._registry is None:
            from keyconf.model.keycodes import REGISTRY

            self._registry = REGISTRY
        return self._registry

    # ---- categories -----------------------------------------------------------------------

    def categories(self) -> Sequence[str]:
        return CATEGORIES

    def entries(self, category: str, layout: Layout | None = None) -> list[PickerEntry]:
        if category == RECENT:
            return [self.entry_for(code, layout) for code in self.recent]
        if category == LAYERS:
            return self._layer_entries(layout)
        if category == TAP_DANCE:
            return self._tap_dance_entries(layout)
        if category == CUSTOM:
            return self._custom_entries(layout)
        if category == KEYBOARD:
            return self._keyboard_entries(layout)
        fixed = list(self._fixed_entries().get(category, []))
        if category == MACROS and layout is not None:
            named = self._macro_entries(layout)
            codes = {e.code for e in named}
            fixed = named + [e for e in fixed if e.code not in codes]
        return self._in_language(fixed, layout)

    def _language_matches(self, query: str, layout: Layout | None) -> list[Any]:
        """The keycodes whose alias in the layout's language starts with the query (`DE_Z`)."""
        language = layout.host_language if layout is not None else None
        table = self.registry.language_table(language) if language else None
        if table is None or len(query) < 3:
            return []
        from keyconf.model.keycodes.types import OP_KEYCODE

        q = query.upper()
        found = []
        for alias, kc in table.by_alias.items():
            if alias.startswith(q) and kc.op == OP_KEYCODE:
                definition = self.registry.get(kc.name)
                if definition is not None and definition not in found:
                    found.append(definition)
        return found

    def _in_language(self, entries: list[PickerEntry], layout: Layout | None) -> list[PickerEntry]:
        """For a layout whose computer types another language, keys it has an alias for are
        offered under it (DE_Z, legend Z for KC_Y): a pick writes the layout's language."""
        language = layout.host_language if layout is not None else None
        table = self.registry.language_table(language) if language else None
        if table is None:
            return entries
        from keyconf.model.keycodes import KeycodeError

        out = []
        for entry in entries:
            try:
                kc = self.registry.parse(entry.code)
            except KeycodeError:
                out.append(entry)
                continue
            alias = table.names.get(kc)
            if alias is None:
                out.append(entry)
                continue
            out.append(dataclasses.replace(
                entry, code=alias, legend=table.legends.get(kc, entry.legend), aliases=(*entry.aliases, entry.code),
                description=f"{entry.description} ({entry.code} on a {table.language.title} computer)".strip(),
            ))  # fmt: skip
        return out

    def search(self, query: str, layout: Layout | None = None, limit: int = 300) -> list[PickerEntry]:
        """Keycodes whose name, alias, legend or description contains `query`; the
        registry's own ranking first, then layout-specific keys (layers, macros…)."""
        query = query.strip()
        if not query:
            return []
        found: list[PickerEntry] = []
        seen: set[str] = set()
        shown: set[tuple[str, str]] = set()
        for definition in [*self._language_matches(query, layout), *self.registry.search(query)]:
            entry = _entry_from_definition(definition)
            # One entry per keycode (its aliases fold into it), and none that would look and
            # read exactly like one already listed.
            if entry.code not in seen and (entry.legend, entry.description) not in shown:
                seen.add(entry.code)
                seen.update(entry.aliases)
                shown.add((entry.legend, entry.description))
                found.append(entry)
        for entry in [
            *self._layer_entries(layout),
            *self._tap_dance_entries(layout),
            *self._custom_entries(layout),
            *self._keyboard_entries(layout),
            *(self._macro_entries(layout) if layout else []),
        ]:
            if entry.code not in seen and entry.matches(query):
                seen.add(entry.code)
                found.append(entry)
        # What the query names exactly ("volume up": KC_VOLU) comes before what merely contains it.
        q = query.lower()
        found.sort(key=lambda e: q not in (e.code.lower(), e.legend.lower(), e.description.lower()))
        return self._in_language(found[:limit], layout)

    def use(self, code: str) -> None:
        """Remember a keycode as recently used (most recent first)."""
        self.recent = [code] + [c for c in self.recent if c != code]
        del self.recent[MAX_RECENT:]

    def entry_for(self, code: str, layout: Layout | None = None) -> PickerEntry:
        """An entry for any keycode text (recent list, expression editor preview)."""
        from keyconf.model.keycodes import KeycodeError, ParseContext
        from keyconf.model.layout import keycode_context

        ctx = keycode_context(layout) if layout is not None else ParseContext()
        try:
            kc = self.registry.parse(code, ctx)
        except KeycodeError:
            return PickerEntry(code, code)
        legend = self.registry.legend(kc, ctx)
        text = legend.tap if not legend.hold else f"{legend.tap} / {legend.hold}"
        return PickerEntry(
            code, text or code, self.registry.describe(kc, ctx) or "", _group(self.registry.group(kc))
        )

    # ---- sources --------------------------------------------------------------------------

    def _fixed_entries(self) -> dict[str, list[PickerEntry]]:
        if self._fixed is None:
            by_category: dict[str, list[PickerEntry]] = {}
            for definition in _all_definitions(self.registry):
                entry = _entry_from_definition(definition)
                category = _GROUP_CATEGORY.get(entry.group, OTHER)
                if category == BASIC and entry.code.startswith(_INTERNATIONAL_PREFIXES):
                    category = INTERNATIONAL
                if entry.code in ("KC_NO", "KC_TRNS"):
                    category = BASIC
                by_category.setdefault(category, []).append(entry)
            self._fixed = by_category
        return self._fixed

    def _layer_entries(self, layout: Layout | None) -> list[PickerEntry]:
        if layout is None:
            return []
        entries = []
        for name in layout.layer_names:
            for function, what in LAYER_FUNCTIONS:
                entries.append(PickerEntry(f"{function}({name})", f"{function} {name}", what, "layer"))
        return entries

    def _tap_dance_entries(self, layout: Layout | None) -> list[PickerEntry]:
        if layout is None:
            return []
        return [
            PickerEntry(f"TD({td.name})", f"TD {td.name}", f"Tap dance {td.name}", "tap_dance")
            for td in layout.tap_dances
        ]

    def _custom_entries(self, layout: Layout | None) -> list[PickerEntry]:
        """The layout's own keycodes, shown with the legend and description it gives them (or, for
        a header's keycode keyconf knows, its table's)."""
        if layout is None:
            return []
        from keyconf.model.layout import keycode_context

        users = keycode_context(layout).custom_keycodes
        return [
            PickerEntry(
                custom.name,
                user.legend or custom.name,
                user.description or f"Custom keycode {custom.name} (the layout's C code says what it does)",
                "custom",
            )
            for custom, user in zip(layout.custom_keycodes, users, strict=True)
        ]

    def _keyboard_entries(self, layout: Layout | None) -> list[PickerEntry]:
        """The keycodes the layout's keyboard defines in its firmware, under the name keymaps
        write (DPI_MOD), with the legend its VIA definition gives them; a layout keycode of
        the same name hides one."""
        if layout is None:
            return []
        from keyconf.model.keycodes.keyboard_keycodes import keyboard_keycodes
        from keyconf.model.layout import module_keycode_legend

        own = set(layout.custom_keycode_names)
        board = [
            PickerEntry(keycode.names[0], keycode.legend, keycode.description, "keyboard", keycode.names[1:])
            for keycode in keyboard_keycodes(layout.keyboard)
            if keycode.names[0] not in own
        ]
        # The layout's community modules' keycodes (`modules:`, as far as keyconf read them) go with them.
        modules = [
            PickerEntry(keycode.key, module_keycode_legend(definition, keycode),
                        f"{keycode.key}: a keycode of the community module {definition.path}", "keyboard",
                        keycode.aliases)
            for module in layout.modules
            for definition in [layout.module_definitions.get(module)] if definition is not None
            for keycode in definition.keycodes if keycode.key not in own
        ]
        return board + modules

    def _macro_entries(self, layout: Layout) -> list[PickerEntry]:
        entries = []
        for index, macro in enumerate(layout.macros):
            label = macro.name or f"Macro {index}"
            entries.append(PickerEntry(f"QK_MACRO_{index}", label, f"Plays macro {index} ({label})", "macro"))
        return entries


def _all_definitions(registry: Any) -> list[Any]:
    for attribute in ("definitions", "all", "keycodes"):
        source = getattr(registry, attribute, None)
        if source is None:
            continue
        items = source() if callable(source) else source
        items = items.values() if isinstance(items, dict) else items
        return list(items)
    return list(registry.search(""))


def _entry_from_definition(definition: Any) -> PickerEntry:
    legend = getattr(definition, "legend", None) or getattr(definition, "label", "") or definition.name
    return PickerEntry(
        code=definition.name,
        legend=str(legend),
        description=getattr(definition, "description", "") or "",
        group=_group(getattr(definition, "group", "")),
        aliases=tuple(getattr(definition, "aliases", ())),
    )


def _group(group: object) -> str:
    return str(getattr(group, "value", group) or "").lower()
