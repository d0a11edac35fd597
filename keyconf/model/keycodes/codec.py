"""Keycode trees to 16-bit values and back, in both numberings.

CURRENT follows QMK's keycode spec (quantum/keycodes.h since 0.19); LEGACY follows QMK before
the November 2022 renumbering as VIA protocol <= 10 firmware holds it (quantum_keycodes.h with
VIA_ENABLE, quantum/via.h). A value neither table nor range explains decodes to a RAW keycode
that encodes back to the same value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keyconf.model.keycodes.forms import LAYER_FUNCTIONS, LAYER_TAP_MAX
from keyconf.model.keycodes.mods import LEFT_MASK, ModsError, as_qmk_encodes, from_qmk5, to_qmk5
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
    Keycode,
    KeycodeDef,
    KeycodeError,
    KeycodeRange,
    LayerRef,
    Numbering,
    ParseContext,
)


@dataclass(frozen=True)
class Layout:
    """Where each parameterised range starts in one numbering."""

    mods: int
    mod_tap: int
    mod_tap_end: int
    layer_tap: int
    layer_mod: int
    layer_mod_shift: int  # LM packs the layer above a mods field this wide
    layer_mod_mods: int  # mask of the mods field
    layer_funcs: Mapping[str, int]
    layer_func_span: int  # values per layer function (0x20 current, 0x100 legacy)
    one_shot_mod: int
    one_shot_mod_span: int
    swap_hands: int
    tap_dance: int
    unicode: int




def current_layout(ranges: Mapping[str, KeycodeRange]) -> Layout:
    """The current numbering, from the keycode spec's range table."""

    def first(name: str) -> int:
        return ranges[name].first

    return Layout(
        mods=0x0000,  # QK_MODS holds the mods above a basic keycode: the mods field starts at bit 8
        mod_tap=first("QK_MOD_TAP"),
        mod_tap_end=ranges["QK_MOD_TAP"].last,
        layer_tap=first("QK_LAYER_TAP"),
        layer_mod=first("QK_LAYER_MOD"),
        layer_mod_shift=5,
        layer_mod_mods=0x1F,
        layer_funcs={
            "TO": first("QK_TO"),
            "MO": first("QK_MOMENTARY"),
            "DF": first("QK_DEF_LAYER"),
            "TG": first("QK_TOGGLE_LAYER"),
            "OSL": first("QK_ONE_SHOT_LAYER"),
            "TT": first("QK_LAYER_TAP_TOGGLE"),
            "PDF": first("QK_PERSISTENT_DEF_LAYER"),
        },
        layer_func_span=ranges["QK_TO"].size,
        one_shot_mod=first("QK_ONE_SHOT_MOD"),
        one_shot_mod_span=ranges["QK_ONE_SHOT_MOD"].size,
        swap_hands=first("QK_SWAP_HANDS"),
        tap_dance=first("QK_TAP_DANCE"),
        unicode=first("QK_UNICODE"),
    )


# QMK before the November 2022 renumbering: no spec data holds it.
LEGACY_LAYOUT = Layout(
    mods=0x0000,
    mod_tap=0x6000,
    mod_tap_end=0x7FFF,
    layer_tap=0x4000,
    layer_mod=0x5900,
    layer_mod_shift=4,
    layer_mod_mods=0x0F,  # left-hand mods only
    layer_funcs={"TO": 0x5000, "MO": 0x5100, "DF": 0x5200, "TG": 0x5300, "OSL": 0x5400, "TT": 0x5800},
    layer_func_span=0x100,
    one_shot_mod=0x5500,
    one_shot_mod_span=0x100,
    swap_hands=0x5600,
    tap_dance=0x5700,
    unicode=0x8000,
)
_NUMBERING_NAME = {
    Numbering.CURRENT: "the current numbering",
    Numbering.LEGACY: "VIA protocol <= 10 firmware",
}


class Codec:
    """Encodes and decodes against the registry's tables."""

    def __init__(
        self,
        by_name: Mapping[str, KeycodeDef],
        by_value: Mapping[Numbering, Mapping[int, KeycodeDef]],
        ranges: Mapping[str, KeycodeRange],
    ) -> None:
        self.by_name = by_name
        self.by_value = by_value
        self.layouts = {Numbering.CURRENT: current_layout(ranges), Numbering.LEGACY: LEGACY_LAYOUT}

    # -- encode
    def encode(self, kc: Keycode, ctx: ParseContext, numbering: Numbering) -> int:
        layout = self.layouts[numbering]
        op = kc.op
        if op == OP_KEYCODE:
            return self._fixed(kc, numbering)
        if op == OP_RAW:
            assert isinstance(kc.number, int)
            return kc.number
        if op == OP_MODS:
            return layout.mods | (self._mods5(kc) << 8) | self._basic(kc, numbering)
        if op == OP_MOD_TAP:
            return layout.mod_tap | (self._mods5(kc) << 8) | self.tap(kc, ctx, numbering)
        if op == OP_LAYER_TAP:
            layer = self._layer(kc, ctx, LAYER_TAP_MAX, "LT")
            return layout.layer_tap | (layer << 8) | self.tap(kc, ctx, numbering)
        if op == OP_LAYER_MOD:
            layer = self._layer(kc, ctx, LAYER_TAP_MAX, "LM")
            mods = self._mods5(kc)
            if mods & ~layout.layer_mod_mods:
                raise KeycodeError(f"LM() cannot hold right-hand modifiers on {_NUMBERING_NAME[numbering]}")
            return layout.layer_mod | (layer << layout.layer_mod_shift) | mods
        if op in LAYER_FUNCTIONS:
            limit = LAYER_FUNCTIONS[op][0 if numbering is Numbering.CURRENT else 1]
            if limit < 0 or op not in layout.layer_funcs:
                raise KeycodeError(f"{op}() does not exist on {_NUMBERING_NAME[numbering]}")
            return layout.layer_funcs[op] | self._layer(kc, ctx, limit, op)
        if op == OP_ONE_SHOT_MOD:
            return layout.one_shot_mod | self._mods5(kc)
        if op == OP_TAP_DANCE:
            return layout.tap_dance | self._tap_dance(kc, ctx)
        if op == OP_SWAP_HANDS_TAP:
            basic = self.tap(kc, ctx, numbering)
            if basic >= 0xF0:
                raise KeycodeError("SH_T() cannot tap keycodes 0xF0-0xFF (they are the swap-hands keys)")
            return layout.swap_hands | basic
        if op in (OP_UNICODE, OP_UNICODE_MAP, OP_UNICODE_PAIR):
            return self._unicode(kc, ctx, layout)
        if op == OP_CUSTOM:
            user = ctx.custom(kc.name or "")
            if user is None:
                raise KeycodeError(f"unknown custom keycode {kc.name!r}")
            if user.header and user.value < 0:
                raise KeycodeError(f"custom keycode {kc.name} is defined in {user.header}, which keyconf cannot "
                                   "read: its value is unknown")
            if numbering is Numbering.LEGACY:
                raise KeycodeError(f"custom keycode {kc.name} has no value on {_NUMBERING_NAME[numbering]}")
            return user.value
        raise KeycodeError(f"cannot encode {op}")

    def _fixed(self, kc: Keycode, numbering: Numbering) -> int:
        assert kc.name is not None
        definition = self.by_name.get(kc.name)
        if definition is None:
            raise KeycodeError(f"unknown keycode {kc.name}")
        if numbering is Numbering.LEGACY:
            if definition.legacy_value is None:
                raise KeycodeError(f"{definition.name} does not exist on {_NUMBERING_NAME[numbering]}")
            return definition.legacy_value
        return definition.value

    def tap(self, kc: Keycode, ctx: ParseContext, numbering: Numbering) -> int:
        """The tap keycode of MT/LT/SH_T as QMK encodes it: its low 8 bits. QMK's macros mask
        the tap with 0xFF, so a wider keycode (`LT(1, TO(2))`) compiles, its tap cut to a basic
        keycode that the user's C code commonly intercepts."""
        assert kc.inner is not None
        return self.encode(kc.inner, ctx, numbering) & 0xFF

    def _basic(self, kc: Keycode, numbering: Numbering) -> int:
        assert kc.inner is not None
        value = self.encode(kc.inner, ParseContext(), numbering)
        if value > 0xFF:
            raise KeycodeError(f"{kc.op}() can only hold a basic keycode (KC_A ... KC_RGUI)")
        return value

    @staticmethod
    def _mods5(kc: Keycode) -> int:
        """The 5-bit modifier field; a set of both hands as QMK's C makes it (MOD_LSFT | MOD_RSFT is
        0x02 | 0x12: right Shift), which validation warns about."""
        try:
            return to_qmk5(as_qmk_encodes(kc.mods))
        except ModsError as exc:
            hint = ("name the modifiers it holds (MT(MOD_LSFT, KC_SPC)), or use the key alone" if not kc.mods
                    else "use only left-hand or only right-hand modifiers")
            raise KeycodeError(str(exc), None, hint) from exc

    @staticmethod
    def _layer(kc: Keycode, ctx: ParseContext, limit: int, func: str) -> int:
        assert kc.layer is not None
        index = ctx.layer_index(kc.layer)
        if index is None:
            raise KeycodeError(f"unknown layer {kc.layer!r}")
        # QMK masks the layer to the field's bits (LT(24, kc) is LT(8, kc)); validation warns.
        return index & limit

    @staticmethod
    def _tap_dance(kc: Keycode, ctx: ParseContext) -> int:
        if isinstance(kc.number, int):
            index = kc.number
        else:
            names = list(ctx.tap_dances)
            user = ctx.custom(kc.number) if isinstance(kc.number, str) and kc.number not in names else None
            if user is not None and user.header:
                raise KeycodeError(f"tap dance {kc.number} is numbered in {user.header}, which keyconf cannot "
                                   "read: its value is unknown")
            if kc.number not in names:
                raise KeycodeError(f"unknown tap dance {kc.number!r}")
            index = names.index(kc.number)
        if not 0 <= index <= 0xFF:
            raise KeycodeError("a tap dance index is 0 to 255")
        return index

    @staticmethod
    def _unicode(kc: Keycode, ctx: ParseContext, layout: Layout) -> int:
        for index in (kc.number, kc.number2):
            user = ctx.custom(index) if isinstance(index, str) else None
            if user is not None and user.header:
                what = "code point" if kc.op == OP_UNICODE else "Unicode map entry"
                raise KeycodeError(f"{what} {index} is {'defined' if kc.op == OP_UNICODE else 'numbered'} in "
                                   f"{user.header}, which keyconf cannot read: its value is unknown")
            if isinstance(index, str):
                raise KeycodeError(f"unknown Unicode map entry {index!r}")
        assert isinstance(kc.number, int)
        if kc.op == OP_UNICODE:
            return layout.unicode | (kc.number & 0x7FFF)
        if kc.op == OP_UNICODE_MAP:
            return layout.unicode | (kc.number & 0x3FFF)
        assert isinstance(kc.number2, int)
        return 0xC000 | (kc.number & 0x7F) | ((kc.number2 & 0x7F) << 7)

    # -- decode
    def decode(self, value: int, numbering: Numbering, ctx: ParseContext | None) -> Keycode:
        if not 0 <= value <= 0xFFFF:
            raise KeycodeError(f"{value} is not a 16-bit keycode value")
        user = ctx.custom_by_value(value) if ctx is not None and numbering is Numbering.CURRENT else None
        if user is not None:
            return Keycode(OP_CUSTOM, name=user.name)
        fixed = self.by_value[numbering].get(value)
        if fixed is not None:
            return Keycode(OP_KEYCODE, name=fixed.name)
        layout = self.layouts[numbering]
        decoded = self._decode_range(value, layout, numbering, ctx)
        return decoded if decoded is not None else Keycode(OP_RAW, number=value)

    def _inner(self, basic: int, numbering: Numbering) -> Keycode:
        fixed = self.by_value[numbering].get(basic)
        return Keycode(OP_KEYCODE, name=fixed.name) if fixed else Keycode(OP_RAW, number=basic)

    @staticmethod
    def _layer_ref(index: int, ctx: ParseContext | None) -> LayerRef:
        if ctx is not None and index < len(ctx.layers):
            return ctx.layers[index]
        return index

    def _decode_range(
        self, value: int, layout: Layout, numbering: Numbering, ctx: ParseContext | None
    ) -> Keycode | None:
        low = value & 0xFF
        if 0x0100 <= value <= 0x1FFF:
            mods = from_qmk5(value >> 8)
            return Keycode(OP_MODS, mods=mods, inner=self._inner(low, numbering)) if mods else None
        if layout.mod_tap <= value <= layout.mod_tap_end:
            mods = from_qmk5((value >> 8) & 0x1F)
            return Keycode(OP_MOD_TAP, mods=mods, inner=self._inner(low, numbering)) if mods else None
        if 0x4000 <= value <= 0x4FFF:
            return Keycode(
                OP_LAYER_TAP,
                layer=self._layer_ref((value >> 8) & 0xF, ctx),
                inner=self._inner(low, numbering),
            )
        lm_end = layout.layer_mod + (0x10 << layout.layer_mod_shift) - 1
        if layout.layer_mod <= value <= lm_end:
            bits = value & layout.layer_mod_mods
            mods = from_qmk5(bits)
            if not mods:
                return None
            return Keycode(
                OP_LAYER_MOD,
                layer=self._layer_ref((value - layout.layer_mod) >> layout.layer_mod_shift, ctx),
                mods=mods,
            )
        for func, start in layout.layer_funcs.items():
            if start <= value < start + layout.layer_func_span:
                return Keycode(func, layer=self._layer_ref(value - start, ctx))
        if layout.one_shot_mod <= value < layout.one_shot_mod + layout.one_shot_mod_span:
            bits = value - layout.one_shot_mod
            mods = from_qmk5(bits)
            return Keycode(OP_ONE_SHOT_MOD, mods=mods) if mods and bits <= 0x1F else None
        if layout.swap_hands <= value <= layout.swap_hands + 0xEF:
            return Keycode(OP_SWAP_HANDS_TAP, inner=self._inner(low, numbering))
        if layout.tap_dance <= value <= layout.tap_dance + 0xFF:
            index = value - layout.tap_dance
            if ctx is not None and index < len(ctx.tap_dances):
                return Keycode(OP_TAP_DANCE, number=ctx.tap_dances[index])
            return Keycode(OP_TAP_DANCE, number=index)
        if value >= layout.unicode:
            # UC, UM and UP overlap; which applies depends on the firmware's features. UC covers
            # the whole range and encodes back to the same value.
            return Keycode(OP_UNICODE, number=value & 0x7FFF)
        return None


def left_only(mods: int) -> bool:
    return not mods & ~LEFT_MASK
