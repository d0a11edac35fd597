"""Keycodes as C for one QMK tree: expressions, send-string keys, tap-dance actions.

Every keycode a layout holds is parsed by the keycode registry and written back out from
the parsed form, never copied from the file: identifiers in generated C come only from the
registry (in the spelling the target tree's keycode spec knows, e.g. `RGB_TOG` for a 0.0.3
tree and `UG_TOGG` after) or from layer and tap-dance names already validated as C
identifiers. Numbers are formatted by Python, so nothing else can reach the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from keyconf.compiler.dialect import QmkDialect
from keyconf.compiler.source_map import SourceProblem, SourceRef
from keyconf.formats.c_literals import is_c_identifier
from keyconf.formats.document_limits import MAX_LAYERS
from keyconf.model.keycodes import REGISTRY, Keycode, KeycodeError, ParseContext
from keyconf.model.keycodes import mods as modbits
from keyconf.model.keycodes.keyboard_keycodes import QK_KB_COUNT, qk_kb_0
from keyconf.model.keycodes.types import (
    LAYER_OPS,
    OP_CUSTOM,
    OP_KEYCODE,
    OP_LAYER_MOD,
    OP_LAYER_TAP,
    OP_MODS,
    OP_SWAP_HANDS_TAP,
    OP_TAP_DANCE,
    OP_UNICODE,
    OP_UNICODE_MAP,
    OP_UNICODE_PAIR,
    REPORT_FEATURE_BY_GROUP,
    KeycodeDef,
)

# HID usages of the eight modifier keys, left control first (the HID usage table's order).
_FIRST_MODIFIER_USAGE = 0xE0

# Features a keycode needs compiled in, by the prefix of its QMK spec name (not a keycode
# table: which feature owns a family of keycodes). Hardware features (RGB, audio, backlight)
# are the board's business and never switched on here.
_FEATURE_BY_SPEC_PREFIX = (
    ("QK_CAPS_WORD", "CAPS_WORD_ENABLE"),
    ("QK_REPEAT_KEY", "REPEAT_KEY_ENABLE"),
    ("QK_ALT_REPEAT_KEY", "REPEAT_KEY_ENABLE"),
    ("QK_AUTOCORRECT", "AUTOCORRECT_ENABLE"),
    ("QK_DYNAMIC_MACRO", "DYNAMIC_MACRO_ENABLE"),
    ("QK_LAYER_LOCK", "LAYER_LOCK_ENABLE"),
    ("QK_LOCK", "KEY_LOCK_ENABLE"),
    ("QK_TRI_LAYER", "TRI_LAYER_ENABLE"),
)


_STAND_IN = Keycode(OP_KEYCODE, name="KC_A")  # a basic tap, standing in for a wide one
_STAND_IN_END = "KC_A)"


def _basic_definition(value: int) -> KeycodeDef | None:
    """The registry's definition of a fixed keycode by value (the modifier keys, here)."""
    return REGISTRY.by_value(value)


@dataclass(frozen=True)
class TapDanceAction:
    """C statements for one tap-dance gesture: `press` when it is decided, `release` on reset."""

    press: tuple[str, ...]
    release: tuple[str, ...]
    tap: tuple[str, ...]  # press-and-release at once (a repeated tap)


class KeycodeC:
    """Writes a layout's keycodes as C for one tree.

    `layer_ids` and `tap_dance_ids` map layout names to the C enum identifiers the
    generator declared (already validated)."""

    def __init__(
        self,
        context: ParseContext,
        dialect: QmkDialect,
        layer_ids: list[str],
        tap_dance_ids: Mapping[str, str],
        keyboard_keycodes_by_value: bool = False,
    ):
        self.context = context
        # keymap.json: the keyboard's own keycodes as QK_KB_n, the names QMK's tools know.
        self.keyboard_keycodes_by_value = keyboard_keycodes_by_value
        self.dialect = dialect
        self.spec = REGISTRY.names_for_spec(dialect.keycode_spec_version)
        self.layer_ids = layer_ids
        self.tap_dance_ids = dict(tap_dance_ids)
        self.features: set[str] = set()
        # A mouse key that moves the pointer or scrolls (not a button): only mouse keys send those.
        self.mouse_movement = False
        self.sends_custom_keycodes = False  # a tap dance presses a custom keycode
        self.c_tap_dances = False  # the layout's C code defines tap dances keys may name by number
        self.c_unicode_map = False  # the layout's C code defines the unicode_map[] UM()/UP() index

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, text: str, ref: SourceRef) -> Keycode:
        try:
            return REGISTRY.parse(text, self.context)
        except KeycodeError as error:
            raise SourceProblem(f"{error.message} in {text!r}", ref, error.hint) from error

    def _definition(self, keycode: Keycode, ref: SourceRef) -> KeycodeDef:
        definition = REGISTRY.get(keycode.name or "")
        if definition is None:
            raise SourceProblem(f"unknown keycode {keycode.name!r}", ref)
        return definition

    def _spec_text(self, keycode: Keycode, ref: SourceRef, used: bool = True) -> str:
        """The registry's text for `keycode` in this tree's names; refused when the tree lacks it.
        `used`: a key sends it, so the feature its group needs (mouse keys, media keys) is switched on."""
        try:
            text = self.spec.text(keycode)
        except KeycodeError as error:
            raise SourceProblem(
                error.message, ref, "update the QMK tree (`git pull` in qmk_firmware) or use another keycode"
            ) from error
        for name in keycode.fixed_names() if used else ():
            definition = REGISTRY.get(name)
            if definition is not None:
                self._note_feature(definition)
        return text

    def fixed_name(self, name: str, ref: SourceRef, used: bool = True) -> str:
        """This tree's spelling of the fixed keycode `name` (e.g. MC_0 for QK_MACRO_0); `used` as
        for `_spec_text` (False for a name the layout's C code spells: its features are its rules.mk's)."""
        definition = REGISTRY.get(name)
        if definition is None:
            raise SourceProblem(f"unknown keycode {name!r}", ref)
        return self._spec_text(Keycode(OP_KEYCODE, name=definition.name), ref, used)

    def _note_feature(self, definition: KeycodeDef) -> None:
        spec_name = definition.qmk_name or definition.name
        for prefix, feature in _FEATURE_BY_SPEC_PREFIX:
            if spec_name.startswith(prefix):
                self.features.add(feature)
        group_feature = REPORT_FEATURE_BY_GROUP.get(definition.group)
        if group_feature:
            self.features.add(group_feature)
        if definition.group == "mouse" and not spec_name.startswith("QK_MOUSE_BUTTON_"):
            self.mouse_movement = True

    def _layer(self, keycode: Keycode, ref: SourceRef) -> str:
        index = self.context.layer_index(keycode.layer) if keycode.layer is not None else None
        if isinstance(keycode.layer, int) and len(self.layer_ids) <= keycode.layer < MAX_LAYERS:
            # A layer by number past the last one (MO(3) of three layers): QMK builds it, reading that
            # layer as transparent everywhere; validation warns.
            return str(keycode.layer)
        if index is None or not 0 <= index < len(self.layer_ids):
            raise SourceProblem(f"layer {keycode.layer!r} does not exist", ref)
        return self.layer_ids[index]

    # -- expressions -----------------------------------------------------------------------

    def expression(self, text: str, ref: SourceRef) -> str:
        """The C expression for the keycode `text`, in this tree's names."""
        return self.render(self.parse(text, ref), ref)

    def render(self, keycode: Keycode, ref: SourceRef) -> str:
        keycode = REGISTRY.as_qmk_encodes(keycode)  # modifiers of both hands as QMK's C makes them
        op = keycode.op
        if op == OP_LAYER_TAP:
            return f"LT({self._layer(keycode, ref)}, {self._inner(keycode, ref)})"
        if op == OP_LAYER_MOD:
            return f"LM({self._layer(keycode, ref)}, {self.mod5(keycode.mods, ref)})"
        if op in LAYER_OPS:
            self._spec_text(keycode, ref)  # refuses forms this tree lacks (PDF before 0.0.6)
            return f"{op}({self._layer(keycode, ref)})"
        if op == OP_TAP_DANCE:
            return f"TD({self._tap_dance(keycode, ref)})"
        if op == OP_CUSTOM:
            return self.custom_name(keycode, ref)
        if op in (OP_UNICODE_MAP, OP_UNICODE_PAIR) and self.c_unicode_map:
            # The index of the unicode_map[] the layout's C code keeps (an imported keymap.c's).
            self.features.add("UNICODEMAP_ENABLE")
            return f"UM({keycode.number})" if op == OP_UNICODE_MAP else f"UP({keycode.number}, {keycode.number2})"
        if op in (OP_UNICODE_MAP, OP_UNICODE_PAIR):
            raise SourceProblem(
                f"{op}() needs a unicode map, which keyconf layouts cannot define yet",
                ref,
                "use UC(0x…) for a single character",
            )
        if op == OP_UNICODE:
            self.features.add("UNICODE_ENABLE")
        if op == OP_SWAP_HANDS_TAP:
            self.features.add("SWAP_HANDS_ENABLE")
        if op in (OP_MODS, "MT", "OSM"):
            self._check_hands(keycode.mods, ref)
        if op in ("MT", OP_SWAP_HANDS_TAP) and self._wide_tap(keycode):
            # A tap wider than a basic keycode (`LALT_T(TO(nav))`): written from its parts, the
            # tap in the generated names (layers, tap dances), so QMK cuts it as the user's did.
            # The form in this tree's spelling around a stand-in basic tap, then the tap itself.
            outer = self._spec_text(replace(keycode, inner=_STAND_IN), ref)
            assert outer.endswith(_STAND_IN_END)
            return f"{outer.removesuffix(_STAND_IN_END)}{self._inner(keycode, ref)})"
        # Fixed keycodes, modifier wrappers, mod-taps, one-shot mods, Unicode, raw values:
        # the registry writes them from the parsed form, in the names this tree knows.
        text = self._spec_text(keycode, ref)
        return self._in_host_language(keycode, text)

    def _in_host_language(self, keycode: Keycode, text: str) -> str:
        """`text` with the host language's names for the keys it has one for (DE_Z for KC_Y,
        LALT_T(DE_ODIA)), as the layout shows them and the language's header the file includes
        defines; only where this tree spells the rest as today's QMK does."""
        language = self.context.language
        if not language or text != REGISTRY.format(keycode):
            return text
        return REGISTRY.format(keycode, language)

    def custom_name(self, keycode: Keycode, ref: SourceRef) -> str:
        """A custom keycode's C name: the enum constant the generator declares for it, or the name
        the keyboard's header declares for one of its own keycodes."""
        name = keycode.name or ""
        if self.context.custom(name) is None or not is_c_identifier(name):
            raise SourceProblem(f"custom keycode {name!r} is not defined in this layout", ref)
        board = self.context.keyboard_keycode(name) or self.context.custom(name)
        if (self.keyboard_keycodes_by_value and board is not None and (board.header or board in
                self.context.keyboard_keycodes) and 0 <= board.value - qk_kb_0() < QK_KB_COUNT):
            return f"QK_KB_{board.value - qk_kb_0()}"  # the keyboard's, or a header's known to keyconf
        return name

    def _inner(self, keycode: Keycode, ref: SourceRef) -> str:
        if keycode.inner is None:
            raise SourceProblem("keycode lacks the key it wraps", ref)
        return self.render(keycode.inner, ref)

    def _wide_tap(self, keycode: Keycode) -> bool:
        """Whether the tap of MT/SH_T is more than a basic keycode (QMK keeps its low 8 bits)."""
        try:
            return REGISTRY.cut_tap(keycode, self.context) is not None
        except KeycodeError:
            return True  # e.g. a tap dance only the layout's C code defines: write it from its parts

    def _tap_dance(self, keycode: Keycode, ref: SourceRef) -> str:
        number = keycode.number
        names = list(self.context.tap_dances)
        if isinstance(number, int) and 0 <= number < len(names):
            number = names[number]
        if isinstance(number, str) and number in self.tap_dance_ids:
            return self.tap_dance_ids[number]
        if isinstance(number, int) and self.c_tap_dances:
            self.features.add("TAP_DANCE_ENABLE")
            return str(number)  # a tap dance of the layout's own C code
        user = self.context.custom(number) if isinstance(number, str) else None
        if user is not None and user.header and is_c_identifier(user.name):
            self.features.add("TAP_DANCE_ENABLE")
            return user.name  # numbered by the enum of the header the keymap.c includes
        raise SourceProblem(f"tap dance {keycode.number!r} is not defined in this layout", ref)

    def _check_hands(self, mods: int, ref: SourceRef) -> None:
        try:
            modbits.to_qmk5(mods)
        except modbits.ModsError as error:
            raise SourceProblem(str(error), ref, "use only left-hand or only right-hand modifiers") from error

    def mod5(self, mods: int, ref: SourceRef) -> str:
        """Modifiers as QMK's 5-bit MOD_* names (`MOD_LCTL | MOD_LSFT`), for MT/LM/OSM."""
        self._check_hands(mods, ref)
        return modbits.format_mods(mods)

    def mod_bits(self, mods: int, ref: SourceRef) -> str:
        """An 8-bit modifier mask as `MOD_BIT(KC_LSFT) | …` (key overrides take this form)."""
        parts = []
        for bit_number in range(8):
            if mods & (1 << bit_number):
                definition = _basic_definition(_FIRST_MODIFIER_USAGE + bit_number)
                if definition is None:
                    raise SourceProblem("modifier keycode unknown to the registry", ref)
                parts.append(f"MOD_BIT({self.fixed_name(definition.name, ref)})")
        return " | ".join(parts) if parts else "0"

    # -- macros ----------------------------------------------------------------------------

    def send_string_keys(self, text: str, ref: SourceRef) -> tuple[list[str], str]:
        """(`X_` names of the modifiers to hold, `X_` name of the key) for a macro key.

        SEND_STRING can press only one-byte (basic) keycodes; a modified key such as
        LCTL(KC_C) becomes its modifiers held around the key."""
        keycode = self.parse(text, ref)
        mods = 0
        if keycode.op == OP_MODS and keycode.inner is not None:
            mods = keycode.mods
            keycode = keycode.inner
        if keycode.op != OP_KEYCODE:
            raise SourceProblem(
                f"{text!r} cannot be typed by a macro: macros press basic keys (letters, "
                "digits, F-keys, modifiers…), optionally with modifiers like LCTL(KC_C)",
                ref,
            )
        definition = self._definition(keycode, ref)
        if definition.value > 0xFF:
            raise SourceProblem(
                f"{definition.name} cannot be typed by a macro: macros press basic keys only",
                ref,
                "bind it to a key on a layer instead",
            )
        spec_name = self._spec_text(keycode, ref)  # refuses keycodes this tree does not know
        modifier_names = []
        for bit_number in range(8):
            if mods & (1 << bit_number):
                modifier = _basic_definition(_FIRST_MODIFIER_USAGE + bit_number)
                if modifier is None:
                    raise SourceProblem("modifier keycode unknown to the registry", ref)
                modifier_names.append(self._send_string_name(modifier, None, ref))
        return modifier_names, self._send_string_name(definition, spec_name, ref)

    def _send_string_name(self, definition: KeycodeDef, spec_name: str | None, ref: SourceRef) -> str:
        """`X_<name>` as the tree's send_string_keycodes.h spells the key."""
        known = self.dialect.send_string_names
        # With the tree's header at hand, the short names (X_LCTL) hand-written macros use;
        # without it, QMK's full names (X_LEFT_CTRL), which the header always defines.
        order = (spec_name, definition.name, definition.qmk_name) if known else (definition.qmk_name, spec_name)
        candidates = []
        for name in (*order, *definition.aliases):
            if name:
                candidates.append(name[3:] if name.startswith("KC_") else name)
        for candidate in candidates:
            if not known or candidate in known:
                return f"X_{candidate}"
        raise SourceProblem(f"{definition.name} has no SEND_STRING name in this QMK tree", ref)

    # -- tap dances --------------------------------------------------------------------------

    def tap_dance_action(self, text: str, ref: SourceRef) -> TapDanceAction:
        """What a tap dance does for a gesture bound to `text`.

        Tap dances run C, not keycodes, so only what C can do directly is allowed: keys
        with or without modifiers (register/unregister), and the layer keys MO, TG, TO, DF."""
        keycode = self.parse(text, ref)
        op = keycode.op
        if op == OP_CUSTOM:
            # C cannot "press" a custom keycode; its handler can: the gesture goes through
            # process_record_user as a key press would.
            name = self.custom_name(keycode, ref)
            self.sends_custom_keycodes = True
            return TapDanceAction(
                (f"keyconf_custom_keycode({name}, true);",),
                (f"keyconf_custom_keycode({name}, false);",),
                (f"keyconf_custom_keycode({name}, true);", f"keyconf_custom_keycode({name}, false);"),
            )
        if op in (OP_KEYCODE, OP_MODS):
            if op == OP_KEYCODE:
                definition = self._definition(keycode, ref)
                if definition.name in ("KC_NO", "KC_TRNS"):
                    return TapDanceAction((), (), ())
                if definition.value > 0xFF:
                    return self._quantum_action(definition, ref)
            code = self.render(keycode, ref)
            return TapDanceAction(
                (f"register_code16({code});",), (f"unregister_code16({code});",), (f"tap_code16({code});",)
            )
        if op == "MO":
            layer = self._layer(keycode, ref)
            return TapDanceAction((f"layer_on({layer});",), (f"layer_off({layer});",), ())
        if op == "TG":
            layer = self._layer(keycode, ref)
            return TapDanceAction((f"layer_invert({layer});",), (), (f"layer_invert({layer});",))
        if op == "TO":
            layer = self._layer(keycode, ref)
            return TapDanceAction((f"layer_move({layer});",), (), (f"layer_move({layer});",))
        if op == "DF":
            layer = self._layer(keycode, ref)
            statement = f"default_layer_set((layer_state_t)1 << {layer});"
            return TapDanceAction((statement,), (), (statement,))
        raise SourceProblem(
            f"{text!r} cannot be a tap-dance action: tap dances send keys (optionally with "
            "modifiers) or switch layers with MO, TG, TO or DF",
            ref,
        )

    def _quantum_action(self, definition: KeycodeDef, ref: SourceRef) -> TapDanceAction:
        spec_name = definition.qmk_name or definition.name
        if spec_name in ("QK_BOOT", "QK_BOOTLOADER", "RESET"):
            return TapDanceAction(("reset_keyboard();",), (), ("reset_keyboard();",))
        raise SourceProblem(
            f"{definition.name} cannot be a tap-dance action: tap dances send basic keys "
            "(optionally with modifiers), QK_BOOT, or switch layers with MO, TG, TO or DF",
            ref,
        )
