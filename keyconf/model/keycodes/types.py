"""The value types of the keycode registry: numberings, keycode definitions, parsed expressions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from keyconf.model.problems import TextError

LayerRef = int | str  # a layer number, or a layer name resolved through a ParseContext


class Numbering(Enum):
    """How keycodes map to 16-bit values on a device.

    CURRENT: QMK >= 0.19 (keycode spec 0.0.x), VIA protocol 11-13, Vial >= 6.
    LEGACY: QMK before the November 2022 renumbering, as VIA protocol <= 10 firmware holds them."""

    CURRENT = "current"
    LEGACY = "legacy"


@dataclass(frozen=True)
class KeycodeDef:
    """One fixed keycode (a name with one value), as QMK's keycode spec defines it.

    `name` is keyconf's canonical spelling (QMK's short alias, e.g. KC_SPC); `qmk_name` is the
    spec's key (KC_SPACE). `aliases` holds every other current name. `since` is the first keycode
    spec version knowing the keycode; `name_versions` says, for each current name, the spec
    versions that know it as (since, until) with until exclusive or None."""

    name: str
    value: int
    aliases: tuple[str, ...]
    group: str
    legend: str
    description: str
    since: str
    qmk_name: str = ""
    legacy_value: int | None = None
    name_versions: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @classmethod
    def from_fields(cls, fields: dict[str, object]) -> KeycodeDef:
        """A definition from all its fields by name, as the registry makes its ~800 at each start:
        without the frozen class's ten object.__setattr__ calls (~1.3 ms of the ~1.6 ms of
        constructing them). `fields` must name every field; the registry's tests compare."""
        made = object.__new__(cls)
        object.__setattr__(made, "__dict__", fields)
        return made


@dataclass(frozen=True)
class KeycodeRange:
    """A block of values QMK's keycode spec gives one kind of keycode (QK_MACRO: 0x7700..0x777F).

    The spec's range table is the one source of where each kind starts: the codec, validation,
    the save readers and the device layer all read it from the registry (`REGISTRY.ranges`)."""

    name: str
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.first <= value <= self.last


# The QMK feature that sends the reports of a group of keycodes (mouse keys, media and system
# keys). Without it such a key still builds, but sends nothing: a keymap may switch it off so.
REPORT_FEATURE_BY_GROUP = {"mouse": "MOUSEKEY_ENABLE", "media": "EXTRAKEY_ENABLE", "system": "EXTRAKEY_ENABLE"}


# Expression kinds a Keycode can be.
OP_KEYCODE = "KC"  # a fixed keycode (name)
OP_MODS = "MODS"  # modifiers held with a basic keycode: LCTL(kc), C(S(kc)), HYPR(kc) ...
OP_MOD_TAP = "MT"  # mods when held, a keycode (its low 8 bits) when tapped
OP_LAYER_TAP = "LT"
OP_LAYER_MOD = "LM"
OP_ONE_SHOT_MOD = "OSM"
OP_TAP_DANCE = "TD"
OP_SWAP_HANDS_TAP = "SH_T"
OP_UNICODE = "UC"
OP_UNICODE_MAP = "UM"
OP_UNICODE_PAIR = "UP"
OP_RAW = "RAW"  # a 16-bit value no name covers: kept so nothing is lost
OP_CUSTOM = "CUSTOM"  # a keycode the layout defines itself (`custom_keycodes:`), by name
LAYER_OPS = ("TO", "MO", "DF", "TG", "OSL", "TT", "PDF")  # functions of one layer
TAP_OPS = (OP_MOD_TAP, OP_LAYER_TAP, OP_SWAP_HANDS_TAP)  # hold for one thing, tap `inner`


@dataclass(frozen=True)
class Keycode:
    """An immutable parsed keycode expression.

    - KC: `name` is the canonical name of a fixed keycode.
    - MODS: `mods` (8-bit mask, see keyconf.model.keycodes.mods) and `inner` (a basic keycode).
    - MT: `mods` and `inner`, the tap (any keycode: QMK keeps its low 8 bits, see TAP_OPS).
    - LT: `layer` and `inner` (the tap); LM: `layer` and `mods`; TO/MO/DF/TG/OSL/TT/PDF: `layer`.
    - OSM: `mods`; TD: `number` (index or tap-dance name); SH_T: `inner` (the tap).
    - UC: `number` (code point); UM: `number` (index); UP: `number`, `number2`; a UM/UP index
      may be the name a header's enum numbers (`UM(E_ACUTE)`), as a TD's may.
    - CUSTOM: `name`, a custom keycode of the layout (its value comes from the ParseContext).
    - RAW: `number` (the 16-bit value).
    """

    op: str
    name: str | None = None
    mods: int = 0
    layer: LayerRef | None = None
    inner: Keycode | None = None
    number: int | str | None = None
    number2: int | str | None = None

    def layer_refs(self) -> list[LayerRef]:
        """The layers this keycode names (numbers or names), outermost first."""
        refs: list[LayerRef] = [] if self.layer is None else [self.layer]
        if self.inner is not None:
            refs += self.inner.layer_refs()
        return refs

    def fixed_names(self) -> list[str]:
        """The fixed keycodes this keycode sends, outermost first (KC_MPLY in `LSFT(KC_MPLY)`)."""
        names = [self.name] if self.op == OP_KEYCODE and self.name else []
        return names + (self.inner.fixed_names() if self.inner is not None else [])

    def tap_dance_refs(self) -> list[int | str]:
        """The tap dances this keycode names (indices or names)."""
        if self.op == OP_TAP_DANCE and self.number is not None:
            return [self.number]
        return []


@dataclass(frozen=True)
class UserKeycode:
    """A custom keycode a layout defines: its name (a C identifier), its 16-bit value in the
    firmware, and how people see it. Its behaviour lives in the layout's C code."""

    name: str
    value: int
    legend: str = ""
    description: str = ""
    # The header defining it when the layout does not (`value` is -1 when keyconf does not know it).
    header: str = ""


@dataclass(frozen=True)
class ParseContext:
    """How names inside expressions resolve: layer names (index = layer number), tap-dance names,
    the layout's custom keycodes and its host language."""

    layers: Sequence[str] = ()
    tap_dances: Sequence[str] = ()
    custom_keycodes: Sequence[UserKeycode] = ()
    # The keyboard's own keycodes (QK_KB_n, named by its header): after the layout's, before QMK's.
    keyboard_keycodes: Sequence[UserKeycode] = ()
    # The host language (QMK's name: german, norwegian): its aliases read first, legends show
    # what a key types in it. None: US English, and language aliases read in their own language.
    language: str | None = None

    def custom(self, name: str) -> UserKeycode | None:
        for user in self.custom_keycodes:
            if user.name == name:
                return user
        return self.keyboard_keycode(name)

    def keyboard_keycode(self, name: str) -> UserKeycode | None:
        """`name` as one of the keyboard's own keycodes, unless the layout names a keycode so."""
        if any(user.name == name for user in self.custom_keycodes):
            return None
        for user in self.keyboard_keycodes:
            if user.name == name:
                return user
        return None

    def custom_by_value(self, value: int) -> UserKeycode | None:
        for user in self.custom_keycodes:
            if user.value == value and user.value >= 0:
                return user
        for user in self.keyboard_keycodes:
            if user.value == value and self.keyboard_keycode(user.name) is not None:
                return user
        return None

    def layer_index(self, ref: LayerRef) -> int | None:
        if isinstance(ref, int):
            return ref
        try:
            return list(self.layers).index(ref)
        except ValueError:
            return None


class KeycodeError(TextError):
    """A keycode that cannot be parsed or encoded: `message`, `column` (0-based offset into the
    text, or None), `hint` (e.g. "did you mean KC_SPC?")."""


@dataclass(frozen=True)
class Legend:
    """What a keycap shows: the tap action and, for dual-role keys, the hold action."""

    tap: str
    hold: str | None = None


@dataclass(frozen=True)
class ParsedText:
    """A parse result with how it was spelled: whether it used a former or dialect spelling."""

    keycode: Keycode
    deprecated: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
