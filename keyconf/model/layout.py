"""A layout: named layers of keycodes for one keyboard, plus macros, tap dances, combos,
key overrides, encoders and settings.

Keycodes are kept as the text the user wrote (`"LT(nav, KC_SPC)"`); the keycode registry
(`keyconf.model.keycodes`) parses, validates, formats and encodes them. Keeping text
means a hand-written file round-trips exactly and layer names stay symbolic; rewriting
to canonical spelling is an explicit operation (`keyconf validate --fix`).

Pure data: no files, no Qt. The YAML reader/writer lives in `keyconf.formats.yaml_layout`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from keyconf.model.keyboard import Keyboard
from keyconf.model.keycodes import REGISTRY
from keyconf.model.keycodes.keyboard_keycodes import header_keycode, keyboard_user_keycodes
from keyconf.model.keycodes.types import ParseContext, UserKeycode

FORMAT_VERSION = 1

MacroStepKind = Literal["text", "tap", "down", "up", "delay"]


MAX_MACRO_DELAY_MS = 60_000  # a macro's pause: a minute at most in a layout (QMK's SS_DELAY holds 65535)


@dataclass
class MacroStep:
    """One step of a macro.

    - text: `value` is the string to type;
    - tap: `value` is a list of keycodes pressed together then released in reverse (a chord);
    - down / up: `value` is a list of keycodes pressed / released;
    - delay: `value` is milliseconds (int).
    """

    kind: MacroStepKind
    value: str | int | list[str]


MAX_BOARD_DELAY_MS = 65_535  # the longest pause a board's or a Vial save's macro holds (16 bits)


def delay_steps(ms: int) -> list[MacroStep]:
    """A pause read from a board or a Vial save as layout steps: one over a minute becomes
    consecutive pauses that add up to it (a layout holds a minute per step), so the macro keeps
    its timing and the layout can still be saved. Past 16 bits is what no firmware holds: capped."""
    ms = max(0, min(ms, MAX_BOARD_DELAY_MS))
    steps = [MacroStep("delay", MAX_MACRO_DELAY_MS) for _ in range(ms // MAX_MACRO_DELAY_MS)]
    if ms % MAX_MACRO_DELAY_MS or not steps:
        steps.append(MacroStep("delay", ms % MAX_MACRO_DELAY_MS))
    return steps


@dataclass
class Macro:
    """A macro bound to `QK_MACRO_<index>` (alias `MC_<index>`); `name` is optional, for people."""

    steps: list[MacroStep] = field(default_factory=list)
    name: str | None = None


@dataclass
class TapDance:
    """A tap dance bound to `TD(<index>)` or `TD(<name>)`: actions per gesture (keycode text)."""

    name: str
    tap: str = "KC_NO"
    hold: str | None = None
    double_tap: str | None = None
    tap_hold: str | None = None
    tapping_term: int | None = None


@dataclass
class Combo:
    """Pressing all `keys` (keycodes, as QMK defines combos) together sends `action`."""

    keys: list[str]
    action: str
    name: str | None = None
    layers: list[str] | None = None  # None: every layer
    term: int | None = None


# QMK's ko_option_t flags of a key override (ko_option_<name>), by their bit; Vial stores the same bits.
KEY_OVERRIDE_OPTIONS = {
    "activation_trigger_down": 1 << 0,
    "activation_required_mod_down": 1 << 1,
    "activation_negative_mod_up": 1 << 2,
    "one_mod": 1 << 3,
    "no_reregister_trigger": 1 << 4,
    "no_unregister_on_other_key_down": 1 << 5,
}
# ko_options_default: the three activation_* flags.
DEFAULT_KEY_OVERRIDE_OPTIONS = ["activation_trigger_down", "activation_required_mod_down", "activation_negative_mod_up"]


@dataclass
class KeyOverride:
    """While `mods` are held, `trigger` sends `replacement` instead (QMK key overrides).

    `options` names QMK's ko_option_t flags (KEY_OVERRIDE_OPTIONS), None for ko_options_default;
    `enabled` False keeps an override the user switched off (Vial's toggle; QMK's `enabled` flag)."""

    trigger: str
    replacement: str
    mods: list[str] = field(default_factory=list)  # e.g. ["MOD_LSFT"] or ["MOD_MASK_SHIFT"]
    name: str | None = None
    layers: list[str] | None = None
    negative_mods: list[str] = field(default_factory=list)
    suppressed_mods: list[str] | None = None  # None: suppress the trigger mods (QMK default)
    options: list[str] | None = None
    enabled: bool = True


def key_override_option_bits(options: list[str] | None) -> int:
    """The ko_option_t value of `options` (names of KEY_OVERRIDE_OPTIONS; unknown names add nothing)."""
    names = DEFAULT_KEY_OVERRIDE_OPTIONS if options is None else options
    return sum(KEY_OVERRIDE_OPTIONS.get(name, 0) for name in dict.fromkeys(names))


def key_override_options(bits: int) -> list[str] | None:
    """Option names for a ko_option_t value; None when it is QMK's default."""
    names = [name for name, bit in KEY_OVERRIDE_OPTIONS.items() if bits & bit]
    return None if names == DEFAULT_KEY_OVERRIDE_OPTIONS else names

# A custom keycode's `header:` as a layout file holds it: the name an `#include "..."` gives.
HEADER_NAME_RE = re.compile(r"[A-Za-z0-9_./-]+")


HEADER_NAME_HINT = ("name the header as the keymap includes it from its userspace or folder: `user.h`, "
                    "`features/keycodes.h` (no `/` at the start, no `..`)")


def header_name_problem(name: str) -> str | None:
    """Why a custom keycode's `header:` cannot be built (None when it can): the build finds it on its
    include path (the userspace, the keymap's folder), never as a file elsewhere on the machine, so
    that a stranger's layout cannot have the build read one."""
    if not HEADER_NAME_RE.fullmatch(name):
        return f"`{name}` is not a header name"
    if name.startswith("/") or ".." in name.split("/"):
        return f"`{name}` leads out of the build's folders"
    return None


@dataclass
class CustomKeycode:
    """A keycode the layout defines itself (`ALTTAB`), used like any other keycode; what it does
    is written in the layout's C code (`process_record_user`).

    `value` pins its 16-bit value; without one it takes the value after the custom keycode
    before it, the first taking QK_USER_0 (QMK's SAFE_RANGE), as a C enum would.

    `headers` names the C header(s) that define it instead, as `#include` names them (a
    userspace's `user.h`; `QMK_KEYBOARD_H` for the keyboard's own headers or a community
    module): the layout then only uses the name. keyconf declares nothing for it, the
    generated keymap.c includes the header so QMK resolves it as the original file did, and
    its value is unknown to keyconf (VIA and Vial, which need values, refuse it)."""

    name: str
    legend: str | None = None
    description: str | None = None
    value: int | None = None
    headers: list[str] = field(default_factory=list)

    @property
    def external(self) -> bool:
        """Whether a header, not the layout, defines it (see `headers`)."""
        return bool(self.headers)


@dataclass
class CSource:
    """The layout's own C code, which keyconf hands to QMK's build and never runs.

    Either `file`, a path relative to the layout file's folder (and confined to it), or
    `code`, the C text written in the layout itself."""

    file: str | None = None
    code: str | None = None


MAX_C_FILES = 64  # more C files of a layout: a real keymap folder has a handful


@dataclass
class CFile:
    """One more C file of the layout's own (`features/layer_lock.c`, `my_keycodes.h`), kept as a
    file next to the layout and copied into each build's keymap folder at the same relative path.

    `compile` files are compiled (rules.mk's `SRC +=`), under `when` only if that feature is on;
    the others are only `#include`d by the layout's C code or by each other. `text` is the file's
    content when it is at hand (read beside the layout, or held from an import until the layout
    is first saved); it is not part of the layout's identity, the file on disk is."""

    path: str
    compile: bool = False
    # Compiled only when this QMK feature switch is on for the build (`OLED_ENABLE`): the original
    # rules.mk's `ifeq ($(strip $(OLED_ENABLE)), yes)` around its `SRC +=`, the board deciding.
    when: str | None = None
    # Included by the build's config.h, which QMK includes before every C file: an imported
    # keymap's own config.h (its defines that are not layout settings: OLED, RGB, its features' flags).
    config: bool = False
    text: str | None = field(default=None, compare=False, repr=False)


MAX_MODULES = 32  # community modules one layout names; QMK numbers 64 keycodes for all of them
# A module as QMK's keymap.json names it: its folder under a `modules/` folder, `owner/name`
# (more segments allowed), each segment a plain name, so it never leaves that folder.
MODULE_PATH_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}){1,3}$")


@dataclass(frozen=True)
class ModuleKeycode:
    """A keycode a QMK community module declares (its qmk_module.json), with the aliases it gives."""

    key: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleDefinition:
    """What keyconf read of a community module's qmk_module.json: its name and keycodes, in order."""

    path: str  # as the layout names it: `qmk/super_alt_tab`
    name: str = ""  # module_name: `Super Alt Tab`
    keycodes: tuple[ModuleKeycode, ...] = ()
    source: str = ""  # the qmk_module.json it was read from, for messages


def module_path_problem(path: str) -> str | None:
    """Why `path` cannot name a community module (None when it can)."""
    if not MODULE_PATH_RE.fullmatch(path) or ".." in path.split("/"):
        return (f"`{path}` is not a community module path: QMK names modules by their folder under "
                "`modules/`, `owner/name` (letters, digits, `_`, `-`, `.`)")
    return None


@dataclass
class EncoderAction:
    """What one encoder sends on a layer, turned counter-clockwise and clockwise."""

    ccw: str = "KC_TRNS"
    cw: str = "KC_TRNS"


@dataclass
class Layer:
    """A named layer: a keycode per key slot, and an action per encoder."""

    name: str
    keys: list[str]
    encoders: list[EncoderAction] = field(default_factory=list)


@dataclass
class Layout:
    """A whole layout file, version 1.

    `keyboard` is the QMK keyboard path (e.g. `planck/rev6`); `layout_macro` the QMK macro
    (e.g. `LAYOUT_ortho_4x12`). `geometry` is the embedded keyboard definition, present when
    the file carries its own geometry so it opens without the keyboard's definition."""

    keyboard: str
    layout_macro: str
    layers: list[Layer] = field(default_factory=list)
    name: str | None = None
    author: str | None = None
    notes: str | None = None
    host_language: str | None = None  # the language the computer types in (QMK's name: german); None = US
    # The controller the firmware is built for when it is not the board's own, by QMK's names:
    # `converter` (rules.mk's CONVERT_TO, keymap.json's "converter": rp2040_ce for a Pro Micro
    # board with an RP2040 in its socket) and `bootloader` (rules.mk's BOOTLOADER: atmel-dfu for an
    # Elite-C). None: the board's. See keyconf.model.controllers.
    converter: str | None = None
    bootloader: str | None = None
    layout_options: dict[str, int] = field(default_factory=dict)
    macros: list[Macro] = field(default_factory=list)
    tap_dances: list[TapDance] = field(default_factory=list)
    combos: list[Combo] = field(default_factory=list)
    key_overrides: list[KeyOverride] = field(default_factory=list)
    settings: dict[str, int | bool | str] = field(default_factory=dict)  # tapping_term, combo_term…
    # QMK features the build switches on for the layout's C code (rules.mk's `X_ENABLE = yes`:
    # OLED_ENABLE, RGB_MATRIX_ENABLE…), on top of those its keycodes and tables need.
    features: list[str] = field(default_factory=list)
    # QMK features the build switches off (rules.mk's `X_ENABLE = no`), as the original keymap's
    # rules.mk did: the board's OLED, say, whose callbacks its C code writes for an older QMK.
    features_off: list[str] = field(default_factory=list)
    # The drivers the build picks for QMK features (rules.mk's `RGB_MATRIX_DRIVER = ws2812`,
    # `OLED_DRIVER = ssd1306`), as the original keymap's rules.mk did: by name, lower case.
    drivers: dict[str, str] = field(default_factory=dict)
    # The other rules.mk options that pick one of QMK's implementations by name (`DEBOUNCE_TYPE =
    # sym_eager_pk`, `SPLIT_TRANSPORT = custom`), as the original keymap's rules.mk did.
    rules: dict[str, str] = field(default_factory=dict)
    custom_keycodes: list[CustomKeycode] = field(default_factory=list)
    c_source: CSource | None = None
    c_files: list[CFile] = field(default_factory=list)
    # QMK's own C files the build compiles too (`c_files: qmk:`), as a keymap's rules.mk names them:
    # a path in the keyboard's folders (`lib/rgb_state_reader.c`, found by QMK's VPATH) or from the
    # tree's root (`keyboards/keychron/common/keychron_common.c`: its folder goes on VPATH; a .h
    # entry puts only its folder there). Not the layout's files: the tree has them.
    qmk_files: list[str] = field(default_factory=list)
    # The feature switch a `qmk_files` entry compiles under, as the rules.mk's `ifeq` had it (an old
    # Planck keymap's `SRC += muse.c` when AUDIO_ENABLE is on: QMK's VPATH has quantum/audio only then).
    qmk_files_when: dict[str, str] = field(default_factory=dict)
    # QMK community modules the build links in (keymap.json's `"modules"`), as QMK names them:
    # `qmk/super_alt_tab`. Their keycodes count from QK_COMMUNITY_MODULE in this order.
    modules: list[str] = field(default_factory=list)
    # What keyconf found of those modules (their qmk_module.json, read at the edges: beside the
    # layout or in the QMK tree), by path: not part of the layout, the module's files are.
    module_definitions: dict[str, ModuleDefinition] = field(default_factory=dict, compare=False, repr=False)
    geometry: Keyboard | None = None
    version: int = FORMAT_VERSION

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def layer_index(self, name: str) -> int | None:
        for index, layer in enumerate(self.layers):
            if layer.name == name:
                return index
        return None

    def layer(self, name: str) -> Layer:
        index = self.layer_index(name)
        if index is None:
            raise KeyError(name)
        return self.layers[index]

    @property
    def tap_dance_names(self) -> list[str]:
        return [td.name for td in self.tap_dances]

    @property
    def custom_keycode_names(self) -> list[str]:
        return [custom.name for custom in self.custom_keycodes]


EXTERNAL_VALUE = -1  # the value of a custom keycode a header defines, when keyconf does not know it


def custom_keycode_values(layout: Layout) -> list[int]:
    """The firmware value of each custom keycode, counted as the C enum keyconf writes counts
    (from QK_USER_0, which QMK's SAFE_RANGE equals); EXTERNAL_VALUE for one a header defines,
    which the enum leaves out."""
    from keyconf.model.keycodes import REGISTRY

    first = REGISTRY.get("QK_USER_0")
    assert first is not None
    values: list[int] = []
    following = first.value
    for custom in layout.custom_keycodes:
        if custom.external:
            # A header's: its value is known when keyconf's table of keyboard keycodes has it.
            known = header_keycode(custom.headers, custom.name, layout.keyboard)
            values.append(known.value if known is not None else EXTERNAL_VALUE)
            continue
        value = custom.value if custom.value is not None else following
        values.append(value)
        following = value + 1
    return values


def module_keycodes(layout: Layout) -> tuple[UserKeycode, ...]:
    """The keycodes of the layout's community modules, each name and alias, with QMK's values:
    counted from QK_COMMUNITY_MODULE in the order of `modules:` and of each module's keycodes.
    After a module keyconf has not read, values are unknown (EXTERNAL_VALUE): QMK's build needs
    every module anyway."""
    found: list[UserKeycode] = []
    modules = REGISTRY.ranges["QK_COMMUNITY_MODULE"]
    value: int | None = modules.first
    for path in layout.modules:
        definition = layout.module_definitions.get(path)
        if definition is None:
            value = None
            continue
        for keycode in definition.keycodes:
            known = value if value in modules else None
            legend = module_keycode_legend(definition, keycode)
            description = f"{keycode.key}: a keycode of the community module {path}"
            for name in (keycode.key, *keycode.aliases):
                found.append(UserKeycode(name, known if known is not None else EXTERNAL_VALUE, legend,
                                         description, ""))
            if value is not None:
                value += 1
    return tuple(found)


def module_keycode_legend(definition: ModuleDefinition, keycode: ModuleKeycode) -> str:
    """A short readable legend: the module's name for its only keycode (`Super Alt Tab`), else the
    keycode's name without QMK's COMMUNITY_MODULE_ prefix (`SENTENCE CASE TOGGLE`)."""
    if len(definition.keycodes) == 1 and definition.name:
        return definition.name
    return keycode.key.removeprefix("COMMUNITY_MODULE_").replace("_", " ").title()


def keycode_context(layout: Layout) -> ParseContext:
    """How keycode text in `layout` resolves: its layers, tap dances and custom keycodes, and the
    keycodes its keyboard's firmware defines (QK_KB_n)."""
    users = tuple(
        UserKeycode(custom.name, value & 0xFFFF if value != EXTERNAL_VALUE else value,
                    custom.legend or (known.legend if known else ""),
                    custom.description or (known.description if known else ""), " or ".join(custom.headers))
        for custom, value in zip(layout.custom_keycodes, custom_keycode_values(layout), strict=True)
        for known in [header_keycode(custom.headers, custom.name, layout.keyboard) if custom.external else None]
    )
    return ParseContext(layers=tuple(layout.layer_names), tap_dances=tuple(layout.tap_dance_names),
                        custom_keycodes=users,
                        keyboard_keycodes=keyboard_user_keycodes(layout.keyboard) + module_keycodes(layout),
                        language=layout.host_language)


@dataclass(frozen=True)
class KeycodeField:
    """One place in a layout that holds keycode text, and how to change it.

    `location` uses the path scheme of `keyconf.model.problems` (("layers", 2, 17): layer 2,
    key 17); `layer` is the layer the keycode sits on (None for combos, tap dances, key
    overrides and macros)."""

    location: tuple[str | int, ...]
    text: str
    layer: int | None
    set: Callable[[str], None]


def keycode_fields(layout: Layout, macros: bool = True) -> Iterator[KeycodeField]:
    """Every keycode text in the layout, in file order: the one walk that validation, renames
    and rewrites share."""
    for li, layer in enumerate(layout.layers):
        for ki, text in enumerate(layer.keys):
            yield KeycodeField(("layers", li, ki), text, li, partial(_set_item, layer.keys, ki))
        for ei, encoder in enumerate(layer.encoders):
            yield KeycodeField(("encoders", li, ei, "ccw"), encoder.ccw, li, partial(setattr, encoder, "ccw"))
            yield KeycodeField(("encoders", li, ei, "cw"), encoder.cw, li, partial(setattr, encoder, "cw"))
    if macros:
        for mi, macro in enumerate(layout.macros):
            for si, step in enumerate(macro.steps):
                if step.kind in ("tap", "down", "up") and isinstance(step.value, list):
                    for ci, text in enumerate(step.value):
                        yield KeycodeField(("macros", mi, "steps", si), text, None,
                                           partial(_set_item, step.value, ci))
    for ti, dance in enumerate(layout.tap_dances):
        for action in ("tap", "hold", "double_tap", "tap_hold"):
            value = getattr(dance, action)
            if value is not None:
                yield KeycodeField(("tap_dances", ti, action), value, None, partial(setattr, dance, action))
    for ci, combo in enumerate(layout.combos):
        for ji, text in enumerate(combo.keys):
            yield KeycodeField(("combos", ci, "keys", ji), text, None, partial(_set_item, combo.keys, ji))
        yield KeycodeField(("combos", ci, "action"), combo.action, None, partial(setattr, combo, "action"))
    for oi, override in enumerate(layout.key_overrides):
        yield KeycodeField(("key_overrides", oi, "trigger"), override.trigger, None,
                           partial(setattr, override, "trigger"))
        yield KeycodeField(("key_overrides", oi, "replacement"), override.replacement, None,
                           partial(setattr, override, "replacement"))


def _set_item(items: list[str], index: int, value: str) -> None:
    items[index] = value
