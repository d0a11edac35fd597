"""The keycode registry: every keycode fact keyconf has, and the operations on keycode text."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyconf.model.keycodes.codec import Codec
from keyconf.model.keycodes.forms import (
    CANONICAL_MOD_TAP,
    CANONICAL_WRAPPER,
    COMBINED_FORMS_SINCE,
    DEPRECATED_FORMS,
    DIALECT_NAMES,
    LAYER_FUNCTIONS,
    LAYER_TAP_MAX,
    MOD_TAPS,
    MOD_WRAPPERS,
    OLD_TREE_MOD_TAPS,
    ONE_SHOT_MODS,
    PDF_SINCE,
    SINGLE_MOD_WRAPPERS,
)
from keyconf.model.keycodes.legends import LegendBook
from keyconf.model.keycodes.mods import HYPR, LSFT, MEH, as_qmk_encodes, describe_mods, format_mods, is_mixed
from keyconf.model.keycodes.parser import Parser
from keyconf.model.keycodes.types import (
    OP_CUSTOM,
    OP_KEYCODE,
    OP_LAYER_MOD,
    OP_LAYER_TAP,
    OP_MOD_TAP,
    OP_MODS,
    OP_ONE_SHOT_MOD,
    OP_RAW,
    OP_SWAP_HANDS_TAP,
    OP_TAP_DANCE,
    OP_UNICODE,
    OP_UNICODE_MAP,
    OP_UNICODE_PAIR,
    TAP_OPS,
    Keycode,
    KeycodeDef,
    KeycodeError,
    KeycodeRange,
    LayerRef,
    Legend,
    Numbering,
    ParseContext,
    ParsedText,
)

if TYPE_CHECKING:  # the languages' module (and its data) loads when a layout names a language
    from keyconf.model.keycodes.languages import HostLanguage

_MODS_GROUP = "modified"
_OP_GROUPS = {
    OP_MODS: _MODS_GROUP,
    OP_MOD_TAP: "mod_tap",
    OP_LAYER_TAP: "layer",
    OP_LAYER_MOD: "layer",
    OP_ONE_SHOT_MOD: "one_shot",
    OP_TAP_DANCE: "tap_dance",
    OP_SWAP_HANDS_TAP: "swap_hands",
    OP_UNICODE: "unicode",
    OP_UNICODE_MAP: "unicode",
    OP_UNICODE_PAIR: "unicode",
    OP_RAW: "raw",
    OP_CUSTOM: "custom",
    **{op: "layer" for op in LAYER_FUNCTIONS},
}
_LAYER_FUNC_TEXT = {
    "TO": "Switch to layer {layer}",
    "MO": "Layer {layer} while held",
    "DF": "Make layer {layer} the default",
    "PDF": "Make layer {layer} the default and save it",
    "TG": "Toggle layer {layer}",
    "OSL": "Layer {layer} for the next key",
    "TT": "Layer {layer} while held, toggled by taps",
}


@dataclass(frozen=True)
class FormerName:
    """A name QMK (or VIA) used before: the canonical name it became, and the spec versions that
    knew it (None when it predates the keycode spec)."""

    name: str
    to: str
    since: str | None = None
    until: str | None = None


NO_CONTEXT = ParseContext()
_ALIAS_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,3}_[A-Z0-9_]+$")  # DE_Z, NO_AE, JP_YEN: a language alias could be
DATA_DIR = Path(__file__).resolve().parent / "data"  # package data: generated facts and legends


def _load_data() -> dict[str, object]:
    data: dict[str, object] = json.loads((DATA_DIR / "keycodes.json").read_text("utf-8"))
    _add_header_names(data, json.loads((DATA_DIR / "header_keycodes.json").read_text("utf-8")))
    return data


def _add_header_names(data: dict[str, object], header: Mapping[str, object]) -> None:
    """Names QMK trees define in C headers rather than the spec (STN_* before spec 0.0.9) join the
    keycode at their value, known to the spec versions whose trees have the header."""
    by_value = {item["value"]: item for item in data["keycodes"]}  # type: ignore[attr-defined]
    for name, info in header["names"].items():  # type: ignore[attr-defined]
        item = by_value.get(info["value"])
        if item is not None:
            item["names"].setdefault(name, list(info["spec"]))


@functools.cache
def _vkey(version: str) -> tuple[int, ...]:
    """A spec version as numbers, for ordering; cached, as building the registry compares a
    dozen versions ~1,600 times (1.5 ms of each start uncached)."""
    return tuple(int(p) for p in version.split("."))


_MAX_SUGGEST_LENGTH = 64  # no keycode name is longer; a longer text gets no did-you-mean
_SUGGEST_CANDIDATES = 40


def _trigrams(name: str) -> set[str]:
    padded = f" {name} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class KeycodeRegistry:
    """Every QMK keycode keyconf knows, and parse/format/encode/decode/legend for keycode text.

    Canonical text: QMK's short names (KC_SPC), `NAME(arg, arg)` with ", " between arguments,
    `MOD_LCTL | MOD_LSFT` for modifier sets, hex raw values as 0x1234."""

    def __init__(self, data: Mapping[str, object] | None = None, legends: LegendBook | None = None) -> None:
        data = data if data is not None else _load_data()
        book = legends if legends is not None else LegendBook.load()
        self.spec_versions: tuple[str, ...] = tuple(data["spec_versions"])  # type: ignore[arg-type]
        self._defs: list[KeycodeDef] = []
        self._by_name: dict[str, KeycodeDef] = {}
        by_current: dict[int, KeycodeDef] = {}
        by_legacy: dict[int, KeycodeDef] = {}
        first_version = self.spec_versions[0]
        lookup = book.lookup
        from_fields = KeycodeDef.from_fields
        for item in data["keycodes"]:  # type: ignore[attr-defined]
            name = item["name"]
            names = item["names"]
            spans = tuple([(n, since, until) for n, (since, until) in names.items()])
            firsts = {s[1] for s in spans if s[1]}  # mostly one version: ordering them is then not needed
            since = min(firsts, key=_vkey) if len(firsts) > 1 else firsts.pop() if firsts else first_version
            key = item["key"]
            group = item["group"]
            legend, description = lookup(name, key, group, item.get("label"))
            value = item["value"]
            legacy = item.get("legacy")
            definition = from_fields({
                "name": name,
                "value": value,
                "aliases": tuple([n for n in names if n != name]),
                "group": group,
                "legend": legend,
                "description": description,
                "since": since,
                "qmk_name": key,
                "legacy_value": legacy,
                "name_versions": spans,
            })
            self._defs.append(definition)
            for n in names:
                self._by_name[n] = definition
            by_current[value] = definition
            if legacy is not None:
                by_legacy.setdefault(legacy, definition)
        self._by_value = {Numbering.CURRENT: by_current, Numbering.LEGACY: by_legacy}
        # The spec's [first, size - 1, name] rows: where each kind of keycode starts.
        self.ranges: Mapping[str, KeycodeRange] = {
            row[2]: KeycodeRange(row[2], row[0], row[0] + row[1])
            for row in data["ranges"]  # type: ignore[attr-defined]
        }
        self._codec = Codec(self._by_name, self._by_value, self.ranges)
        self._groups = list(dict.fromkeys(d.group for d in self._defs))

        # Names that parse to expressions: US shifted symbols, KC_HYPR/KC_MEH, one-shot mods.
        self._named_exprs: dict[str, Keycode] = {}
        self._expr_names: dict[Keycode, str] = {}
        self._expr_legends: dict[Keycode, str] = {}
        for item in data.get("shifted", []):  # type: ignore[attr-defined]
            inner_name = item["expr"][2:-1]  # "S(KC_GRAVE)"
            inner = self._by_name.get(inner_name)
            if inner is None:
                continue
            kc = Keycode(OP_MODS, mods=LSFT, inner=Keycode(OP_KEYCODE, name=inner.name))
            all_names = [item["key"], *item["aliases"]]
            for n in all_names:
                self._named_exprs[n] = kc
            self._expr_names[kc] = item["key"]  # QMK's documented name (KC_DQUO, not KC_DQT)
            self._expr_legends[kc] = item.get("label") or item["key"]
        no = Keycode(OP_KEYCODE, name="KC_NO")
        for n, mods in (("KC_HYPR", HYPR), ("KC_MEH", MEH)):
            kc = Keycode(OP_MODS, mods=mods, inner=no)
            self._named_exprs[n] = kc
            self._expr_names[kc] = n
            self._expr_legends[kc] = describe_mods(mods)
        for n, mods in ONE_SHOT_MODS.items():
            self._named_exprs[n] = Keycode(OP_ONE_SHOT_MOD, mods=mods)

        self._former_data: Mapping[str, Any] = data.get("former_names", {})  # type: ignore[assignment]
        self._former_names: dict[str, FormerName] | None = None  # see _former
        self._dialect_names: dict[str, Keycode] | None = None  # see _dialect
        self._languages: dict[str, LanguageTable | None] = {}
        self._search_index: list[tuple[KeycodeDef, str, str, str]] | None = None
        self._all_names: list[str] | None = None
        self._trigram_pool: list[str] | None = None
        self._trigram_index: dict[str, list[int]] = {}
        self._suggested: dict[str, list[str]] = {}

    @property
    def _former(self) -> dict[str, FormerName]:
        """Old names, made when a name is first looked up among them: a layout in today's names
        opens without them (making the 512 took ~1 ms of each start before the first paint)."""
        if self._former_names is None:
            made = {}  # whole before it is shared: the window's threads both look names up
            for old, info in self._former_data.items():
                span = info.get("spec") or [None, None]
                made[old] = FormerName(old, info["to"], span[0], span[1])
            self._former_names = made
        return self._former_names

    # ---- lookups
    def get(self, name: str) -> KeycodeDef | None:
        """A fixed keycode by canonical name, alias, or former (deprecated) name."""
        definition = self._by_name.get(name)
        if definition is None and name in self._former:
            definition = self._by_name.get(self._former[name].to)
        return definition

    def by_value(self, value: int, numbering: Numbering = Numbering.CURRENT) -> KeycodeDef | None:
        return self._by_value[numbering].get(value)

    def all(self) -> Sequence[KeycodeDef]:
        return tuple(self._defs)

    def groups(self) -> list[str]:
        return list(self._groups)

    def is_pre_spec_name(self, name: str) -> bool:
        """Whether `name` is only an old name QMK dropped before its keycode spec (`CAPSWRD`,
        `KC_LEAD`): today's QMK headers do not define it, so a keymap may name its own keycode so."""
        former = self._former.get(name)
        return name not in self._by_name and former is not None and former.since is None

    def former_names(self) -> Mapping[str, FormerName]:
        """Every old name keyconf reads, with the canonical name it stands for."""
        return dict(self._former)

    # ---- text
    def _resolve(self, name: str) -> tuple[Keycode, bool] | None:
        definition = self._by_name.get(name)
        if definition is not None:
            return Keycode(OP_KEYCODE, name=definition.name), False
        if name in self._named_exprs:
            return self._named_exprs[name], False
        former = self._former.get(name)
        if former is not None:
            target = self._by_name.get(former.to)
            if target is not None:
                return Keycode(OP_KEYCODE, name=target.name), True
        dialect = self._dialect()
        if name in dialect:
            return dialect[name], True
        return None

    def _dialect(self) -> dict[str, Keycode]:
        """Other tools' names for keycodes (SPC_FN1, BR_INC, USER16 …), parsed when a name is first
        looked up among them: parsing the 66 at every start took ~1 ms before the first paint."""
        if self._dialect_names is None:
            self._dialect_names = {}  # their texts name keycodes only: parsing them never looks here
            self._dialect_names = {n: self.parse(text) for n, text in DIALECT_NAMES.items()}
        return self._dialect_names

    def _is_basic(self, kc: Keycode) -> bool:
        if kc.op == OP_KEYCODE:
            definition = self._by_name.get(kc.name or "")
            return definition is not None and definition.value <= 0xFF
        return kc.op == OP_RAW and isinstance(kc.number, int) and kc.number <= 0xFF

    def parse_full(self, text: str, ctx: ParseContext = NO_CONTEXT) -> ParsedText:
        """Parse, also telling whether the text used an old or dialect spelling."""
        language = ctx.language

        def resolve(name: str) -> tuple[Keycode, bool] | None:
            found = self._resolve(name)
            if found is None and _ALIAS_SHAPE.match(name):
                alias = self._language_alias(name, language)
                if alias is not None:
                    from keyconf.model.keycodes.languages import former_alias_names

                    found = (alias, name in former_alias_names())
            return found

        return Parser(text, ctx, resolve, self._is_basic, self.suggest).parse()

    # ---- host languages
    def language_table(self, language: str) -> LanguageTable | None:
        """A host language's aliases as keycodes (None for a language keyconf does not know)."""
        if language not in self._languages:
            from keyconf.model.keycodes.languages import host_language

            found = host_language(language)
            self._languages[language] = LanguageTable.build(self, found) if found is not None else None
        return self._languages[language]

    def _language_alias(self, name: str, language: str | None) -> Keycode | None:
        """A language alias: in the layout's language first, else in the language that owns the name."""
        from keyconf.model.keycodes.languages import alias_owners

        for owner in (language, alias_owners().get(name)):
            table = self.language_table(owner) if owner else None
            if table is not None and name in table.by_alias:
                return table.by_alias[name]
        return None

    def as_qmk_encodes(self, kc: Keycode) -> Keycode:
        """The keycode with every modifier set that mixes hands as QMK's C encodes it
        (`S(ALGR(KC_8))` is RSFT(RALT(KC_8))): what a keymap.c or a language header means."""
        inner = self.as_qmk_encodes(kc.inner) if kc.inner is not None else None
        mods = as_qmk_encodes(kc.mods) if kc.mods else kc.mods
        if inner == kc.inner and mods == kc.mods:
            return kc
        return replace(kc, inner=inner, mods=mods)

    def knows(self, name: str) -> bool:
        """Whether `name` alone is a keycode keyconf reads (a fixed keycode, a name for an
        expression such as KC_EXLM, an old or dialect spelling), without a host language."""
        return self._resolve(name) is not None

    def language_of_alias(self, name: str) -> str | None:
        """The language an alias name belongs to when no language is given (DE_Z → german)."""
        from keyconf.model.keycodes.languages import alias_owners

        return alias_owners().get(name)

    def parse(self, text: str, ctx: ParseContext = NO_CONTEXT) -> Keycode:
        """Parse keycode text; raises KeycodeError (with column and hint) when it is not one."""
        return self.parse_full(text, ctx).keycode

    def format(self, kc: Keycode, language: str | None = None) -> str:
        """Canonical text, e.g. `LT(nav, KC_SPC)`, `MT(MOD_LCTL | MOD_LSFT, KC_A)`, `LCS(KC_T)`;
        with a host `language`, keys it has an alias for are written with it (`LT(nav, DE_Z)`)."""
        if language is not None:
            table = self.language_table(language)
            if table is not None:
                return self._format_in(kc, table)
        op = kc.op
        if op in (OP_KEYCODE, OP_CUSTOM):
            assert kc.name is not None
            return kc.name
        if op == OP_RAW:
            return f"0x{kc.number:04X}"
        if op == OP_MODS:
            if kc in self._expr_names:
                return self._expr_names[kc]
            assert kc.inner is not None
            inner = self.format(kc.inner)
            name = CANONICAL_WRAPPER.get(kc.mods)
            if name is not None:
                return f"{name}({inner})"
            return self._nested_wrappers(kc.mods, inner)
        if op == OP_MOD_TAP:
            assert kc.inner is not None
            name = CANONICAL_MOD_TAP.get(kc.mods)
            if name is not None:
                return f"{name}({self.format(kc.inner)})"
            return f"MT({format_mods(kc.mods)}, {self.format(kc.inner)})"
        if op == OP_LAYER_TAP:
            assert kc.inner is not None
            return f"LT({kc.layer}, {self.format(kc.inner)})"
        if op == OP_LAYER_MOD:
            return f"LM({kc.layer}, {format_mods(kc.mods)})"
        if op in LAYER_FUNCTIONS:
            return f"{op}({kc.layer})"
        if op == OP_ONE_SHOT_MOD:
            return f"OSM({format_mods(kc.mods)})"
        if op == OP_TAP_DANCE:
            return f"TD({kc.number})"
        if op == OP_SWAP_HANDS_TAP:
            assert kc.inner is not None
            return f"SH_T({self.format(kc.inner)})"
        if op == OP_UNICODE:
            return f"UC({kc.number})" if isinstance(kc.number, str) else f"UC(0x{kc.number:04X})"
        if op == OP_UNICODE_MAP:
            return f"UM({kc.number})"
        if op == OP_UNICODE_PAIR:
            return f"UP({kc.number}, {kc.number2})"
        raise KeycodeError(f"cannot format {op}")

    def _format_in(self, kc: Keycode, table: LanguageTable) -> str:
        if kc in table.names:
            return table.names[kc]
        if kc.inner is None or kc in self._expr_names:
            return self.format(kc)
        # The outer form is written canonically around a stand-in, then the inner keycode goes in
        # in the language's spelling.
        stand_in = Keycode(OP_KEYCODE, name="\x00")
        return self.format(replace(kc, inner=stand_in)).replace("\x00", self._format_in(kc.inner, table))

    @staticmethod
    def _nested_wrappers(mods: int, inner: str) -> str:
        text = inner
        for name in reversed(SINGLE_MOD_WRAPPERS):
            if mods & MOD_WRAPPERS[name]:
                text = f"{name}({text})"
        return text

    def canonical_text(self, text: str, ctx: ParseContext = NO_CONTEXT) -> str:
        return self.format(self.parse(text, ctx))

    def deprecated_replacement(self, text: str, ctx: ParseContext = NO_CONTEXT) -> str | None:
        """The canonical spelling when `text` uses an old name or another tool's dialect, or is a
        raw value (`0x7c00`) that has a name (QK_BOOT), else None. A raw value without a name is
        written as canonical hex. Raises KeycodeError when the text is not a keycode at all."""
        parsed = self.parse_full(text, ctx)
        if parsed.keycode.op == OP_RAW:
            assert isinstance(parsed.keycode.number, int)
            named = self.decode(parsed.keycode.number, Numbering.CURRENT, ctx)
            if named.op != OP_RAW:
                return self.format(named)
        return self.format(parsed.keycode) if parsed.deprecated else None

    def rename_layer(self, text: str, old: str, new: str, ctx: ParseContext = NO_CONTEXT) -> str:
        """Rewrite references to layer `old` as `new` (the GUI renames a layer). Text that does not
        name `old` comes back unchanged; text that does comes back canonical."""
        return self.relink_layers(text, lambda ref: new if ref == old else ref, ctx)

    def relink_layers(self, text: str, relink: Callable[[LayerRef], LayerRef], ctx: ParseContext = NO_CONTEXT) -> str:
        """Rewrite each layer reference `ref` in `text` (a number or a name, at any depth) as
        `relink(ref)`. Text whose references all stay comes back unchanged; text that changes
        comes back canonical. Raises KeycodeError for text that does not parse."""
        kc = self.parse(text, ctx)
        if not kc.layer_refs():
            return text
        relinked = _relink_layers(kc, relink)
        return text if relinked == kc else self.format(relinked)

    # ---- values
    def encode(
        self, kc: Keycode, ctx: ParseContext = NO_CONTEXT, numbering: Numbering = Numbering.CURRENT
    ) -> int:
        """The 16-bit value; layer and tap-dance names resolve through `ctx`. Raises KeycodeError
        when the keycode cannot be encoded (LT beyond layer 15, mixed-hand mods, ...)."""
        return self._codec.encode(kc, ctx, numbering)

    def decode(
        self, value: int, numbering: Numbering = Numbering.CURRENT, ctx: ParseContext | None = None
    ) -> Keycode:
        """The keycode a 16-bit value holds; layer numbers become names through `ctx`. A value
        nothing explains decodes to RAW, which encodes back to the same value."""
        return self._codec.decode(value, numbering, ctx)

    def cut_tap(
        self, kc: Keycode, ctx: ParseContext = NO_CONTEXT, numbering: Numbering = Numbering.CURRENT
    ) -> Keycode | None:
        """What QMK taps for a mod-tap, layer-tap or swap-hands tap whose written tap is wider than
        a basic keycode (`LALT_T(TO(2))`, `LT(3, BL_STEP)`): the low 8 bits of it, as QMK's macros
        keep them. None when `kc` is no such key or its tap is basic. Users commonly intercept such
        taps in process_record_user; without that, this is what the key sends."""
        if kc.op not in TAP_OPS or kc.inner is None:
            return None
        value = self.encode(kc.inner, ctx, numbering)
        return self.decode(value & 0xFF, numbering) if value > 0xFF else None

    def layer_cut(self, kc: Keycode, ctx: ParseContext = NO_CONTEXT) -> tuple[int, int, int] | None:
        """(layer written, layer QMK uses, highest layer the form reaches) for a layer key beyond
        its field (`LT(24, kc)`: LT holds 4 bits, so QMK uses layer 8); None when it fits."""
        if kc.op in (OP_LAYER_TAP, OP_LAYER_MOD):
            limit = LAYER_TAP_MAX
        elif kc.op in LAYER_FUNCTIONS:
            limit = LAYER_FUNCTIONS[kc.op][0]
        else:
            return None
        index = ctx.layer_index(kc.layer) if kc.layer is not None else None
        if index is None or index <= limit:
            return None
        return index, index & limit, limit

    def tap_text(self, kc: Keycode) -> str:
        """How a tap QMK cut (`cut_tap`) reads in a sentence: its name, or what it does."""
        value = self.encode(kc)
        if value in (0x00, 0x02, 0x03):  # KC_NO and the two HID error codes: no key
            return f"{self.format(kc)} (no key)"
        return self.format(kc)

    # ---- presentation
    def legend(self, kc: Keycode, ctx: ParseContext = NO_CONTEXT) -> Legend:
        """What the keycap shows; custom keycodes show the legend their layout gives them (`ctx`)."""
        op = kc.op
        if ctx.language is not None and op in (OP_KEYCODE, OP_MODS):
            table = self.language_table(ctx.language)
            if table is not None and kc in table.legends:
                return Legend(table.legends[kc])
        if op == OP_CUSTOM:
            user = ctx.custom(kc.name or "")
            return Legend(user.legend if user is not None and user.legend else str(kc.name))
        if op == OP_KEYCODE:
            definition = self._by_name.get(kc.name or "")
            return Legend(definition.legend if definition else str(kc.name))
        if op == OP_RAW:
            return Legend(f"0x{kc.number:04X}")
        if op == OP_MODS:
            if kc in self._expr_legends:
                return Legend(self._expr_legends[kc])
            assert kc.inner is not None
            return Legend(f"{describe_mods(kc.mods)}+{self.legend(kc.inner, ctx).tap}")
        if op == OP_MOD_TAP:
            assert kc.inner is not None
            return Legend(self.legend(kc.inner, ctx).tap, describe_mods(kc.mods))
        if op == OP_LAYER_TAP:
            assert kc.inner is not None
            return Legend(self.legend(kc.inner, ctx).tap, _layer_label(kc.layer))
        if op == OP_LAYER_MOD:
            return Legend(f"LM {_layer_label(kc.layer)}", describe_mods(kc.mods))
        if op in LAYER_FUNCTIONS:
            return Legend(f"{op} {_layer_label(kc.layer)}")
        if op == OP_ONE_SHOT_MOD:
            return Legend(f"OS {describe_mods(kc.mods)}")
        if op == OP_TAP_DANCE:
            return Legend(f"TD {kc.number}")
        if op == OP_SWAP_HANDS_TAP:
            assert kc.inner is not None
            return Legend(self.legend(kc.inner, ctx).tap, "Swap")
        if op == OP_UNICODE:
            if isinstance(kc.number, str):
                return Legend(kc.number)  # a code point the user's header names
            assert kc.number is not None
            char = chr(kc.number)
            return Legend(char if char.isprintable() and not char.isspace() else f"U+{kc.number:04X}")
        if op == OP_UNICODE_MAP:
            return Legend(f"UM {kc.number}")
        if op == OP_UNICODE_PAIR:
            return Legend(f"UP {kc.number}/{kc.number2}")
        return Legend(self.format(kc))

    def group(self, kc: Keycode) -> str:
        if kc.op == OP_KEYCODE:
            definition = self._by_name.get(kc.name or "")
            return definition.group if definition else "raw"
        if kc.op == OP_MODS and kc in self._expr_names:
            return "shifted"
        return _OP_GROUPS.get(kc.op, "raw")

    def describe(self, kc: Keycode, ctx: ParseContext = NO_CONTEXT) -> str:
        """One line saying what the keycode does."""
        op = kc.op
        if op == OP_CUSTOM:
            user = ctx.custom(kc.name or "")
            if user is not None and user.description:
                return user.description
            return f"Custom keycode {kc.name}: what it does is in the layout's C code"
        if op == OP_KEYCODE:
            definition = self._by_name.get(kc.name or "")
            return definition.description if definition else str(kc.name)
        if op == OP_RAW:
            return f"Raw keycode value 0x{kc.number:04X} (no name known)"
        inner = self.legend(kc.inner, ctx).tap if kc.inner is not None else ""
        layer = f"'{kc.layer}'" if isinstance(kc.layer, str) else str(kc.layer)
        mods = describe_mods(kc.mods) if kc.mods else ""
        mixed = " (left and right mixed: QMK makes them all right-hand)" if is_mixed(kc.mods) else ""
        if op == OP_MODS:
            if kc in self._expr_names:
                return f"{self._expr_legends[kc]} ({mods} + {inner})"
            return f"{inner} with {mods} held{mixed}"
        cut = self._cut_note(kc, ctx)
        if op == OP_MOD_TAP:
            return f"{mods} when held, {inner} when tapped{cut}{mixed}"
        if op == OP_LAYER_TAP:
            return f"Layer {layer} when held, {inner} when tapped{cut}"
        if op == OP_LAYER_MOD:
            return f"Layer {layer} with {mods} held{mixed}"
        if op in LAYER_FUNCTIONS:
            return _LAYER_FUNC_TEXT[op].format(layer=layer)
        if op == OP_ONE_SHOT_MOD:
            return f"{mods} held for the next key{mixed}"
        if op == OP_TAP_DANCE:
            return f"Tap dance {kc.number}"
        if op == OP_SWAP_HANDS_TAP:
            return f"Swap hands when held, {inner} when tapped{cut}"
        if op == OP_UNICODE:
            return f"Type U+{kc.number:04X}"
        if op == OP_UNICODE_MAP:
            return f"Type entry {kc.number} of the Unicode map"
        if op == OP_UNICODE_PAIR:
            return f"Type Unicode map entry {kc.number} ({kc.number2} when shifted)"
        return self.format(kc)

    def _cut_note(self, kc: Keycode, ctx: ParseContext) -> str:
        try:
            cut = self.cut_tap(kc, ctx)
        except KeycodeError:
            return ""
        if cut is None:
            return ""
        return f" (QMK taps {self.tap_text(cut)} unless C code intercepts the tap)"

    # ---- search
    def _index(self) -> list[tuple[KeycodeDef, str, str, str]]:
        if self._search_index is None:
            self._search_index = [
                (d, " ".join(n.lower() for n in d.names), d.legend.lower(), d.description.lower())
                for d in self._defs
            ]
        return self._search_index

    def search(self, query: str) -> list[KeycodeDef]:
        """Fixed keycodes matching `query` in a name, alias, legend or description, best first."""
        q = query.strip().lower()
        if not q:
            return []
        words = q.split()
        scored: list[tuple[int, int, KeycodeDef]] = []
        for position, (definition, names, legend, description) in enumerate(self._index()):
            score = _score(q, words, definition, names, legend, description)
            if score:
                scored.append((-score, position, definition))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [d for _, _, d in scored]

    def _names(self) -> list[str]:
        if self._all_names is None:
            self._all_names = [*self._by_name, *self._named_exprs, *self._former]
        return self._all_names

    def suggest(self, name: str) -> list[str]:
        """Did-you-mean: canonical names close to `name` (remembered: a file repeats its mistakes)."""
        found = self._suggested.get(name)
        if found is None:
            if len(self._suggested) >= 4096:
                self._suggested.clear()
            found = self._suggested[name] = self._suggest(name)
        return list(found)

    def _suggest(self, name: str) -> list[str]:
        probe = name.strip().upper()
        if not probe:
            return []
        out: list[str] = []

        def add(candidate: str) -> None:
            canonical = self._canonical_name(candidate)
            if canonical and canonical not in out:
                out.append(canonical)

        for prefix in ("", "KC_", "QK_"):
            if (
                prefix + probe in self._by_name
                or prefix + probe in self._former
                or prefix + probe in self._named_exprs
            ):
                add(prefix + probe)
        functions = [
            *MOD_WRAPPERS,
            *MOD_TAPS,
            *LAYER_FUNCTIONS,
            "LT",
            "LM",
            "MT",
            "OSM",
            "TD",
            "SH_T",
            "UC",
            "UM",
            "UP",
        ]
        if len(probe) > _MAX_SUGGEST_LENGTH:
            return out[:5]
        import difflib  # here: only a name keyconf does not know needs it (the start does without)

        pool = self._names() + functions
        for candidate in difflib.get_close_matches(probe, self._likely(probe, pool), n=6, cutoff=0.75):
            add(candidate)
        if not out:
            for candidate in difflib.get_close_matches("KC_" + probe, self._likely("KC_" + probe, pool), n=3,
                                                       cutoff=0.75):
                add(candidate)
        return out[:5]

    def _likely(self, probe: str, pool: list[str]) -> list[str]:
        """The names sharing most three-letter runs with `probe`: a near match shares many, so
        difflib compares ~60 names instead of thousands (an unknown name costs ~1 ms, not ~15)."""
        if self._trigram_pool is not pool and (self._trigram_pool is None or self._trigram_pool != pool):
            index: dict[str, list[int]] = {}
            for i, name in enumerate(pool):
                for gram in _trigrams(name):
                    index.setdefault(gram, []).append(i)
            common = len(pool) // 10  # runs such as "KC_" tell names apart too little to count
            self._trigram_pool = pool
            self._trigram_index = {gram: ids for gram, ids in index.items() if len(ids) <= common}
        shared: dict[int, int] = {}
        for gram in _trigrams(probe):
            for i in self._trigram_index.get(gram, ()):
                shared[i] = shared.get(i, 0) + 1
        import heapq

        best = heapq.nlargest(_SUGGEST_CANDIDATES, shared, key=shared.__getitem__)
        return [pool[i] for i in best]

    def _canonical_name(self, name: str) -> str | None:
        if name in self._by_name:
            return self._by_name[name].name
        if name in self._named_exprs:
            kc = self._named_exprs[name]
            return self._expr_names.get(kc, name)
        if name in self._former:
            target = self._by_name.get(self._former[name].to)
            return target.name if target else None
        if name in MOD_TAPS and name in DEPRECATED_FORMS:
            return DEPRECATED_FORMS[name]
        return name

    # ---- QMK trees of older keycode specs
    def names_for_spec(self, version: str) -> SpecNames:
        """What a QMK tree with keycode spec `version` knows, and text for keycodes it accepts."""
        if _vkey(version) < _vkey(self.spec_versions[0]):
            raise KeycodeError(f"keycode spec {version} predates the versions keyconf knows")
        return SpecNames(self, version)

    def _spec_name(self, definition: KeycodeDef, version: str) -> str | None:
        v = _vkey(version)

        def known(since: str | None, until: str | None) -> bool:
            return since is not None and _vkey(since) <= v and (until is None or v < _vkey(until))

        usable = [n for n, since, until in definition.name_versions if known(since, until)]
        if definition.name in usable:
            return definition.name
        if usable:
            return min(usable, key=len)
        olds = [f.name for f in self._former.values() if f.to == definition.name and known(f.since, f.until)]
        return min(olds, key=len) if olds else None


class SpecNames:
    """The names a QMK tree of one keycode spec version knows, and translation to its text."""

    def __init__(self, registry: KeycodeRegistry, version: str) -> None:
        self.registry = registry
        self.version = version
        names: dict[str, str] = {}
        for definition in registry.all():
            name = registry._spec_name(definition, version)
            if name is not None:
                names[definition.name] = name
        self._names = names
        self._combined_forms = _vkey(version) >= _vkey(COMBINED_FORMS_SINCE)

    @property
    def names(self) -> frozenset[str]:
        """One name per fixed keycode this tree knows: the one `text` emits."""
        return frozenset(self._names.values())

    @property
    def known_names(self) -> frozenset[str]:
        """Every fixed keycode name (key, alias or since-dropped name) this tree's spec knows."""
        v = _vkey(self.version)

        def known(since: str | None, until: str | None) -> bool:
            return since is not None and _vkey(since) <= v and (until is None or v < _vkey(until))

        out = {n for d in self.registry.all() for n, s, u in d.name_versions if known(s, u)}
        out |= {f.name for f in self.registry.former_names().values() if known(f.since, f.until)}
        return frozenset(out)

    def knows(self, kc: Keycode) -> bool:
        try:
            self.text(kc)
        except KeycodeError:
            return False
        return True

    def text(self, kc: Keycode) -> str:
        """Text this tree accepts for `kc` (names it knows, forms it has); raises KeycodeError
        when the tree cannot build the keycode at all."""
        reg = self.registry
        op = kc.op
        if op == OP_KEYCODE:
            assert kc.name is not None
            name = self._names.get(kc.name)
            if name is None:
                definition = reg.get(kc.name)
                since = definition.since if definition else "?"
                raise KeycodeError(
                    f"{kc.name} needs a QMK tree with keycode spec {since} or newer "
                    f"(this one has {self.version})"
                )
            return name
        if self._combined_forms and op in (OP_MODS, OP_MOD_TAP):
            assert kc.inner is not None
            if self.text(kc.inner) == reg.format(kc.inner):  # the tree knows the canonical inner name
                return reg.format(kc)
        if op == OP_MODS:
            assert kc.inner is not None
            if kc in reg._expr_names:
                return reg._expr_names[kc]
            inner = self.text(kc.inner)
            return (
                KeycodeRegistry._nested_wrappers(kc.mods, inner)
                if kc.mods not in (MEH, HYPR)
                else (f"{CANONICAL_WRAPPER[kc.mods]}({inner})")
            )
        if op == OP_MOD_TAP:
            assert kc.inner is not None
            name = CANONICAL_MOD_TAP.get(kc.mods)
            if name is not None and name in OLD_TREE_MOD_TAPS:
                return f"{name}({self.text(kc.inner)})"
            return f"MT({format_mods(kc.mods)}, {self.text(kc.inner)})"
        if op == OP_LAYER_TAP:
            assert kc.inner is not None
            return f"LT({kc.layer}, {self.text(kc.inner)})"
        if op == OP_SWAP_HANDS_TAP:
            assert kc.inner is not None
            return f"SH_T({self.text(kc.inner)})"
        if op == "PDF" and _vkey(self.version) < _vkey(PDF_SINCE):
            raise KeycodeError(f"PDF() needs a QMK tree with keycode spec {PDF_SINCE} or newer")
        return reg.format(kc)


@dataclass(frozen=True)
class LanguageTable:
    """One host language as keycodes: alias → keycode, keycode → its alias and legend."""

    language: HostLanguage
    by_alias: Mapping[str, Keycode]
    names: Mapping[Keycode, str]
    legends: Mapping[Keycode, str]

    @classmethod
    def build(cls, registry: KeycodeRegistry, language: HostLanguage) -> LanguageTable:
        from keyconf.model.keycodes.languages import legend_of

        by_alias: dict[str, Keycode] = {}
        names: dict[Keycode, str] = {}
        legends: dict[Keycode, str] = {}
        for alias in language.aliases:
            try:
                kc = registry.as_qmk_encodes(registry.parse(alias.target))
            except KeycodeError:
                continue  # a keycode this registry does not know: the alias stays unreadable
            by_alias[alias.name] = kc
            names.setdefault(kc, alias.name)  # QMK's first alias of a keycode is its name
            if alias.label:
                legends.setdefault(kc, legend_of(alias.label))
        for other, name in language.extra_names.items():
            if name in by_alias:
                by_alias[other] = by_alias[name]
            elif name.startswith("KC_") and registry.get(name) is not None:  # a former name of a key (UK_ESC)
                by_alias[other] = registry.parse(name)
        return cls(language, by_alias, names, legends)


def _layer_label(layer: LayerRef | None) -> str:
    return layer if isinstance(layer, str) else f"L{layer}"


def _relink_layers(kc: Keycode, relink: Callable[[LayerRef], LayerRef]) -> Keycode:
    from dataclasses import replace

    inner = _relink_layers(kc.inner, relink) if kc.inner is not None else None
    layer = relink(kc.layer) if kc.layer is not None else None
    return replace(kc, layer=layer, inner=inner)


def _score(q: str, words: Iterable[str], d: KeycodeDef, names: str, legend: str, description: str) -> int:
    lowered = [n.lower() for n in d.names]
    if q in lowered:
        return 1000 if q == d.name.lower() else 900
    if q == legend:
        return 800
    if any(n.startswith(q) or n.startswith("kc_" + q) for n in lowered):
        return 700
    if legend.startswith(q):
        return 600
    if q in names:
        return 500
    if all(w in description or w in legend or w in names for w in words):
        return 300 if any(w in legend or w in names for w in words) else 200
    return 0
