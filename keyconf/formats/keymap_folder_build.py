"""What a keymap's folder says about its build, read into an imported keymap.c's layout.

QMK builds `keyboards/<kb>/keymaps/<name>/keymap.c` with the folder's rules.mk (features,
drivers, the controller: CONVERT_TO, BOOTLOADER), its config.h, a keymap.json beside it (its
converter), and the userspace's rules.mk after the keymap's. An import in place reads the same
files so the layout builds as the original did; each piece it takes is said in a warning."""

from __future__ import annotations

import re
from pathlib import Path

from keyconf.formats.c_source import c_tables
from keyconf.formats.document_limits import JsonError, load_json, read_document
from keyconf.formats.format_error import FormatError, read_text
from keyconf.formats.keymap_folder_c import CONFIG_NAME, FolderCFiles, listed, rules_mk_settings
from keyconf.formats.yaml_layout_schema import DRIVER_NAME_RE, DRIVER_RE, FEATURE_RE, RULES_OPTIONS
from keyconf.model.controllers import BOOTLOADER_NAME_RE, CONVERTER_NAME_RE
from keyconf.model.layout import CSource, Layout

_DYNAMIC_TAP_DANCES = "but the file has no tap_dance_actions[]"
# What of a keymap's rules.mk other parts of the import take (its C files, -D options, controller...).
_READ_ELSEWHERE = frozenset({"SRC", "VPATH", "OPT_DEFS", "CONFIG_H", "INTROSPECTION_KEYMAP_C", "USER_NAME",
                             "CONVERT_TO", "BOOTLOADER"})
_FLAG_VARIABLES = ("EXTRAFLAGS", "CFLAGS")  # QMK passes both to every compile and to the link
_LTO_FLAG = re.compile(r"^-flto(?:=[a-z0-9]+)?$")
# Compiler flags that change what the compiler says, never the firmware it makes.
_DIAGNOSTIC_FLAG = re.compile(r"^-(?:W[A-Za-z0-9=_-]*|fdiagnostics-[a-z=-]+|fno-diagnostics-[a-z-]+)$")
_NEEDS_HEADER = re.compile(r"includes (.+?) as the original did, so `qmk compile` needs it where it found it "
                           r"\(a userspace or the keymap's folder\)")


def config_h_beside(path: str | Path) -> str | None:
    """The text of the config.h in a keymap's folder (its TAPPING_TERM and such), if there is one."""
    config = Path(path).with_name("config.h")
    if not config.is_file():
        return None
    try:
        return read_text(config)
    except FormatError:
        return None


def in_keymaps_folder(path: str | Path) -> bool:
    """Whether the file sits where QMK builds a keymap from (`keymaps/<name>/`), so that its folder is
    all QMK would read: a keymap.c saved on its own elsewhere (downloaded, copied out of a repository)
    says nothing about the rules.mk it was built with."""
    file = Path(path)
    return file.is_file() and file.parent.parent.name == "keymaps"


def features_beside(path: str | Path, layout: Layout, warnings: list[str], keyboard: str = "",
                    processor: str | None = None) -> None:
    """The rules.mk in a keymap's folder switches QMK features on for its C code (OLED_ENABLE,
    TAP_DANCE_ENABLE…): the layout keeps those switched on (`features:`), and those it switches
    off (`= no`: the board's OLED, whose callbacks the C code may write for an older QMK) off
    (`features_off:`). Its conditions are decided as make decides them for `keyboard` (with
    `processor`), where they can be."""
    rules = Path(path).with_name("rules.mk")
    if not rules.is_file():
        if in_keymaps_folder(path):  # a keymap folder without rules.mk (Corne's default): QMK builds it without VIA
            _without_via(layout, warnings, "the keymap's folder has no rules.mk to switch VIA_ENABLE on")
        return
    try:
        text = read_text(rules)
    except FormatError:
        return
    switches, undecided = rules_mk_settings(text, keyboard, processor)
    undecided = [name for name in undecided if name not in _READ_ELSEWHERE - {"CONVERT_TO", "BOOTLOADER"}]
    if undecided:
        warnings.append(f"rules.mk beside the keymap sets {listed(undecided)} under a condition keyconf cannot "
                        "decide, or to a value make code computes: the layout leaves "
                        f"{'it' if len(undecided) == 1 else 'them'} as the board has "
                        f"{'it' if len(undecided) == 1 else 'them'}")
    # QMK's make tests a switch with `ifeq ($(strip $(X_ENABLE)), yes)`: any other word (`lite`, an old
    # BOOTMAGIC_ENABLE's; `false`; a driver's name where QMK once took one) leaves the feature off.
    other = {key: value.strip() for key, value in switches.items() if FEATURE_RE.fullmatch(key)
             and value.strip() and "$" not in value and value.strip().lower() not in ("yes", "no")}
    switches.update({key: "no" for key in other})
    if other:
        warnings.append(f"rules.mk beside the keymap sets {listed([f'{k} = {v}' for k, v in other.items()])}, which "
                        "QMK's make reads as off (it switches a feature on for `yes` only): the layout switches "
                        f"{'it' if len(other) == 1 else 'them'} off too (`features_off:`); put "
                        f"{'it' if len(other) == 1 else 'them'} in `features:` to have the feature")
    on = [key for key, value in switches.items() if FEATURE_RE.fullmatch(key) and value.strip().lower() == "yes"]
    layout.features = list(dict.fromkeys([*layout.features, *on]))
    off = [key for key, value in switches.items() if FEATURE_RE.fullmatch(key) and value.strip().lower() == "no"]
    layout.features_off = list(dict.fromkeys([*layout.features_off, *(key for key in off if key not in on)]))
    # The drivers the keymap picked for them (RGB_MATRIX_DRIVER = WS2812), in today's QMK spelling.
    drivers = {key: value.strip().lower() for key, value in switches.items()
               if DRIVER_RE.fullmatch(key) and DRIVER_NAME_RE.fullmatch(value.strip().lower())}
    layout.drivers = {**drivers, **layout.drivers}
    options = {key: value.strip().lower() for key, value in switches.items()
               if key in RULES_OPTIONS and DRIVER_NAME_RE.fullmatch(value.strip().lower())}
    layout.rules = {**options, **layout.rules}
    if options:
        warnings.append(f"rules.mk beside the keymap picks {listed([f'{k} = {v}' for k, v in options.items()])}: "
                        f"the layout keeps {'it' if len(options) == 1 else 'them'} (`rules:`)")
    controller_of_rules(switches, layout, warnings, "rules.mk beside the keymap")
    _compiler_flags(switches, layout, warnings)
    left = [f"{key} = {value.strip()}" if len(value.strip()) <= 40 else f"{key} = {value.strip()[:37]}..."
            for key, value in switches.items()
            if not (FEATURE_RE.fullmatch(key) or DRIVER_RE.fullmatch(key) or key in RULES_OPTIONS
                    or key in _READ_ELSEWHERE or key in _FLAG_VARIABLES
                    or (key == "MCU" and processor is not None and value.strip().lower() == processor.lower()))]
    if left:
        warnings.append(f"rules.mk beside the keymap sets {listed(left, '; ')}: no layout data keyconf holds (make "
                        "settings of the board or chip, or the keymap's own make variables), so the layout does not "
                        f"keep {'it' if len(left) == 1 else 'them'}, and keyconf's build goes without")
    if Path(path).with_name("post_rules.mk").is_file():
        warnings.append("post_rules.mk beside the keymap: QMK reads none in a keymap's folder (only the keyboard's "
                        "folders' and community modules'), so neither does the layout")
    if on:
        warnings.append(f"rules.mk beside the keymap switches on {listed(on)}: the layout keeps them (`features:`)")
    if drivers:
        warnings.append(f"rules.mk beside the keymap picks {listed([f'{k} = {v}' for k, v in drivers.items()])}: "
                        "the layout keeps them (`drivers:`)")
    if said_off := [key for key in off if key not in other]:  # those set to another word are said above
        warnings.append(f"rules.mk beside the keymap switches off {listed(said_off)}: the layout keeps them "
                        "switched off (`features_off:`), whatever the board enables")
    if not {"VIA_ENABLE", "VIAL_ENABLE"} & {*on, *off}:
        _without_via(layout, warnings, "its rules.mk does not switch VIA_ENABLE on")


def _without_via(layout: Layout, warnings: list[str], why: str) -> None:
    """QMK builds the keymap without VIA (no board enables it itself: a tree's `via` keymaps do), while
    `keyconf compile` adds it for a board with a `via` keymap: kilobytes the original's flash may not
    have (a Corne with OLED and per-key lighting), so the layout switches it off."""
    if "VIA_ENABLE" in {*layout.features, *layout.features_off}:
        return
    layout.features_off = [*layout.features_off, "VIA_ENABLE"]
    warnings.append(f"the keymap builds without VIA ({why}): so does the layout (`features_off: [VIA_ENABLE]`); "
                    "`keyconf compile --via` adds it")


def _compiler_flags(switches: dict[str, str], layout: Layout, warnings: list[str]) -> None:
    """`EXTRAFLAGS += -flto` (or CFLAGS): link-time optimisation, which the layout has as QMK's own switch
    (`features: [LTO_ENABLE]`: the same -flto for every file and the link); flags that only change the
    compiler's messages leave the firmware as it is; any other flag is not kept (a flag from a layout file
    could make the compiler run a program), said in a warning."""
    words = [word for key in _FLAG_VARIABLES for word in switches.get(key, "").split()]
    if not words:
        return
    if any(_LTO_FLAG.fullmatch(word) for word in words) and "LTO_ENABLE" not in layout.features_off:
        layout.features = list(dict.fromkeys([*layout.features, "LTO_ENABLE"]))
        warnings.append("rules.mk beside the keymap builds with -flto (EXTRAFLAGS or CFLAGS): the layout builds with "
                        "link-time optimisation, QMK's LTO_ENABLE (`features:`)")
    left = [word for word in words if not _LTO_FLAG.fullmatch(word) and not _DIAGNOSTIC_FLAG.fullmatch(word)]
    if left:
        shown = " ".join(dict.fromkeys(left))
        warnings.append(f"rules.mk beside the keymap passes {shown[:80]} to the compiler: the layout does not keep "
                        "compiler flags (`-D` options of OPT_DEFS it does)")


def controller_of_rules(switches: dict[str, str], layout: Layout, warnings: list[str], where: str) -> None:
    """A rules.mk's `CONVERT_TO = rp2040_ce` and `BOOTLOADER = atmel-dfu`: the chip the user built for,
    which the layout keeps (`converter:`, `bootloader:`) so keyconf builds for it too."""
    said: list[str] = []
    for key, pattern, attribute in (("CONVERT_TO", CONVERTER_NAME_RE, "converter"),
                                    ("BOOTLOADER", BOOTLOADER_NAME_RE, "bootloader")):
        if key not in switches:
            continue
        value = switches[key].strip()  # QMK strips both before it looks at them
        if not value:
            continue
        if pattern.fullmatch(value):
            setattr(layout, attribute, value)
            said.append(f"{key} = {value}")
        else:
            warnings.append(f"{where} sets {key} = {value}, which keyconf cannot read as a name: left out")
    if said:
        warnings.append(f"{where} builds for another controller ({', '.join(said)}): the layout keeps it "
                        "(`converter:`, `bootloader:`)")


def converter_beside(path: str | Path, layout: Layout, warnings: list[str]) -> None:
    """The `"converter"` of a keymap.json beside a keymap.c: QMK builds the folder from the keymap.json
    (its keymap.c included by it), and the rules.mk it generates from it, read after the keymap's own,
    sets CONVERT_TO."""
    beside = Path(path).with_name("keymap.json")
    if not beside.is_file():
        return
    try:
        data = load_json(read_document(beside, FormatError).decode("utf-8-sig"))
    except (FormatError, JsonError, UnicodeDecodeError):
        return  # said by the modules' reader, which reads the same file
    converter = data.get("converter") if isinstance(data, dict) else None
    if isinstance(converter, str) and CONVERTER_NAME_RE.fullmatch(converter):
        layout.converter = converter
        warnings.append(f"keymap.json beside the keymap builds for converter {converter}: the layout keeps it "
                        "(`converter:`)")


def userspace_features(layout: Layout, found: FolderCFiles, warnings: list[str]) -> None:
    """What the userspace's rules.mk switches, read by make after the keymap's rules.mk: it wins.
    A keymap built with its userspace and no rules.mk of its own builds without VIA, as QMK builds
    it, unless the userspace switches VIA on."""
    layout.features = [f for f in dict.fromkeys([*layout.features, *found.features]) if f not in found.features_off]
    layout.features_off = [f for f in dict.fromkeys([*layout.features_off, *found.features_off])
                           if f not in found.features]
    layout.drivers = {**layout.drivers, **found.drivers}
    layout.rules = {**layout.rules, **found.rules}
    if found.bootloader:
        layout.bootloader = found.bootloader  # make reads the userspace's after the keymap's: it wins
    via = {"VIA_ENABLE", "VIAL_ENABLE"}
    if found.userspace is not None and not via & {*layout.features, *layout.features_off}:
        layout.features_off = [*layout.features_off, "VIA_ENABLE"]
        warnings.append(f"the keymap builds without VIA (neither its rules.mk nor {found.userspace}'s switches "
                        "VIA_ENABLE on): so does the layout (`features_off: [VIA_ENABLE]`); `keyconf compile --via` "
                        "adds it")


def tap_dances_of_the_c_files(layout: Layout, warnings: list[str]) -> None:
    """Keys pressing TD(0)… in a keymap whose tap_dance_actions[] is in a carried file (a userspace's
    mforman.c, numbering them by its header's enum) press those: not empty tap dances of the layout
    (which the keymap.c reader makes for a Vial keymap's), whose table would be a second definition."""
    if not layout.tap_dances or not any(_DYNAMIC_TAP_DANCES in w for w in warnings):
        return
    if not any("tap_dance_actions" in c_tables(f.text) for f in layout.c_files if f.text and not f.config):
        return
    layout.tap_dances = []
    warnings[:] = [w for w in warnings if _DYNAMIC_TAP_DANCES not in w]
    warnings.append("keys use tap dances by number whose tap_dance_actions[] is in the C files the layout carries: "
                    "they stay that code's")


def include_after_keymap(layout: Layout, path: str, warnings: list[str]) -> None:
    """QMK includes a rules.mk's INTROSPECTION_KEYMAP_C after the keymap, in its translation unit
    (a userspace's combos.c with key_combos[]): the layout's C code, pasted after keyconf's keymap,
    ends with that include."""
    code = layout.c_source.code if layout.c_source is not None else ""
    if layout.c_source is not None and layout.c_source.code is None:
        return  # the layout's C is a file of its own: left as it is
    layout.c_source = CSource(code=(code or "").rstrip("\n") + ("\n\n" if code else "") +
                              f"// rules.mk's INTROSPECTION_KEYMAP_C: QMK includes it after the keymap\n"
                              f'#include "{path}"\n')
    warnings.append(f"rules.mk names {path} as INTROSPECTION_KEYMAP_C: the layout carries it and its C code "
                    "includes it after the keymap, as QMK does")


def header_carried(warning: str, carried: set[str]) -> str:
    """The importer's word on headers of custom keycodes, when the headers came along (c_files)."""
    found = _NEEDS_HEADER.search(warning)
    if found is None or not set(found.group(1).split(" and ")) <= carried:
        return warning
    return warning[: found.start()] + f"includes {found.group(1)} as the original did, and the layout carries " \
        f"{'it' if ' and ' not in found.group(1) else 'them'} (c_files)" + warning[found.end():]


def config_carried(warning: str) -> str:
    """The importer's word on config.h defines that are no layout settings, when the config.h came
    along whole (c_files: config)."""
    for dropped, applies in (("; the layout does not keep them", "they still apply"),
                             ("; the layout does not keep it", "it still applies")):
        warning = warning.replace(dropped, f": {applies}, from the keymap's config.h, which the layout "
                                  f"keeps as {CONFIG_NAME} (c_files: config)")
    return warning
