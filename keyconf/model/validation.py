"""Validation and lint of a layout against its keyboard.

Errors make a layout unusable (it cannot be built or sent to a board); warnings point at
things that work but are probably not what the author meant. Every problem names a logical
location (see `keyconf.model.problems`); loaders turn locations into file positions.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterator
from dataclasses import dataclass

from keyconf.model import controllers
from keyconf.model import keycodes as kc
from keyconf.model.keyboard import Keyboard, LayoutMacro
from keyconf.model.keycodes.languages import language_title
from keyconf.model.keycodes.types import REPORT_FEATURE_BY_GROUP
from keyconf.model.layout import (
    HEADER_NAME_HINT,
    MAX_MODULES,
    Layout,
    header_name_problem,
    keycode_context,
    keycode_fields,
    module_path_problem,
)
from keyconf.model.problems import Location, Problem, error, warning

# Keycode heads that move to another layer, by how they do it.
MOMENTARY = frozenset({"MO", "LT", "LM", "OSL", "TT"})
TOGGLING = frozenset({"TG", "TO", "DF", "PDF"})
LAYER_HEADS = MOMENTARY | TOGGLING
# Tri-layer keys reach these layers (QMK's defaults: TRI_LAYER_LOWER/UPPER/ADJUST_LAYER).
TRI_LAYER_TARGETS = {"TL_LOWR": (1, 3), "TL_UPPR": (2, 3)}


@dataclass
class _Ref:
    head: str
    layer: int
    location: Location
    source_layer: int | None  # the layer the key sits on; None for combos/tap dances


def validate(layout: Layout, keyboard: Keyboard | None = None) -> list[Problem]:
    """Every problem in `layout`, errors first, in file order within each severity."""
    checker = _Checker(layout, keyboard)
    problems = list(checker.run())
    problems.sort(key=lambda p: (not p.is_error))
    return problems


def controller_problems(layout: Layout, keyboard: Keyboard | None) -> list[Problem]:
    """Only the problems of the layout's `converter:` and `bootloader:` (see `validate`)."""
    return list(_Checker(layout, keyboard).check_controller())


_ALIAS_NAME = re.compile(r"\b[A-Z][A-Z0-9]{1,3}_[A-Z0-9_]+\b(?!\s*\()")  # not a function (LCTL_T(…))


class _Checker:
    def __init__(self, layout: Layout, keyboard: Keyboard | None):
        self.layout = layout
        self.keyboard = keyboard
        self.registry = kc.REGISTRY
        self.ctx = keycode_context(layout)
        self.parsed: dict[Location, kc.Keycode] = {}
        self.refs: list[_Ref] = []

    def run(self) -> Iterator[Problem]:
        yield from self.check_layer_names()
        yield from self.check_key_counts()
        yield from self.check_keycodes()
        yield from self.check_language()
        yield from self.check_macros()
        yield from self.check_custom_keycodes()
        yield from self.check_definitions()
        yield from self.check_switched_off_reports()
        yield from self.check_modules()
        yield from self.check_controller()
        yield from self.check_missing_layers()
        yield from self.check_layer_flow()

    # -- structure
    def check_layer_names(self) -> Iterator[Problem]:
        seen: dict[str, int] = {}
        for index, layer in enumerate(self.layout.layers):
            if layer.name in seen:
                yield error(f"layer `{layer.name}` is defined twice (layers {seen[layer.name]} and {index})",
                            ("layers", index), "give each layer its own name", code="duplicate-layer")
            seen.setdefault(layer.name, index)
        if len(self.layout.layers) > 32:
            yield error(f"{len(self.layout.layers)} layers: QMK supports at most 32", ("layers",),
                        "merge or remove layers", code="too-many-layers")

    def macro(self) -> LayoutMacro | None:
        return self.keyboard.find_layout(self.layout.layout_macro) if self.keyboard is not None else None

    def check_key_counts(self) -> Iterator[Problem]:
        if self.keyboard is None:
            return
        macro = self.macro()
        if macro is None:
            known = ", ".join(self.keyboard.layouts) or "none"
            yield error(f"keyboard `{self.keyboard.name}` has no layout `{self.layout.layout_macro}`",
                        ("layout",), f"its layouts: {known}", code="unknown-layout-macro")
            return
        expected = macro.key_count
        for index, layer in enumerate(self.layout.layers):
            count = len(layer.keys)
            if count == expected:
                continue
            where: Location = ("layers", index)
            detail = ""
            if count > expected:
                where = ("layers", index, expected)
                detail = f"; the first extra key is key {expected + 1}"
            yield error(
                f"layer `{layer.name}` has {count} keys, but {macro.name} has {expected}{detail}",
                where,
                "each layer lists one keycode per key, row by row; write KC_NO for a key that does nothing",
                code="key-count",
            )
        encoder_count = len(self.keyboard.encoders)
        for index, layer in enumerate(self.layout.layers):
            if layer.encoders and encoder_count and len(layer.encoders) > encoder_count:
                yield error(f"layer `{layer.name}` maps {len(layer.encoders)} encoders; the keyboard has "
                            f"{encoder_count}", ("encoders", index), code="encoder-count")

    # -- keycodes
    def _judge(self, text: str) -> tuple[kc.Keycode | None, str, kc.KeycodeError | None, str | None]:
        """(keycode, problem code, error, replacement) for one keycode text."""
        try:
            keycode = self.registry.parse(text, self.ctx)
        except kc.KeycodeError as exc:
            return None, "unknown-keycode", exc, None
        if self._from_header(keycode):
            return keycode, "", None, None  # its header gives it a value keyconf cannot know
        try:
            self.registry.encode(keycode, self.ctx)
        except kc.KeycodeError as exc:
            return None, "unencodable", exc, None
        return keycode, "", None, self.registry.deprecated_replacement(text, self.ctx)

    def _from_header(self, keycode: kc.Keycode) -> bool:
        """Whether `keycode` holds a name a header defines (a custom keycode, a tap dance or
        Unicode map entry its enum numbers, a code point it names): QMK gives it the header's
        value, which keyconf cannot know (unless its table of keyboard keycodes has it)."""
        part: kc.Keycode | None = keycode
        while part is not None:
            names = ([part.name] if part.op == kc.OP_CUSTOM
                     else [part.number] if part.op in (kc.OP_TAP_DANCE, kc.OP_UNICODE)
                     else [part.number, part.number2] if part.op in (kc.OP_UNICODE_MAP, kc.OP_UNICODE_PAIR) else [])
            for name in names:
                user = self.ctx.custom(name) if isinstance(name, str) else None
                if user is not None and user.header and user.value < 0:
                    return True
            part = part.inner
        return False

    def check_keycodes(self) -> Iterator[Problem]:
        judged: dict[str, tuple[kc.Keycode | None, str, kc.KeycodeError | None, str | None]] = {}
        cut_taps: dict[str, tuple[str, str] | None] = {}
        fields = list(keycode_fields(self.layout, macros=False))
        uses = collections.Counter(field.text for field in fields)
        reported: set[str] = set()
        for text in uses:  # layouts repeat keycodes (KC_TRNS…): judge each text once
            judged[text] = self._judge(text)
        families = _unknown_families({t for t, j in judged.items() if j[2] is not None
                                      and j[2].message.startswith("unknown keycode")})
        for field in fields:
            location, text, source_layer = field.location, field.text, field.layer
            keycode, code, exc, replacement = judged[text]
            if exc is not None or keycode is None:
                assert exc is not None
                family = families.get(text)
                if family is not None and family[0] not in reported:  # one error for a family of names
                    reported.add(family[0])
                    names = ", ".join(f"`{n}`" for n in family[1][:3])
                    rest = f" and {len(family[1]) - 3} more" if len(family[1]) > 3 else ""
                    yield error(f"{names}{rest}: {len(family[1])} unknown names of one family ({family[0]}…), "
                                "most likely from a header of the user's C code (a language or userspace header) "
                                "that keyconf cannot see", location,
                                "write the keycodes they stand for, or import the keymap.c that includes the header",
                                code=code)
                if family is None and text not in reported:  # one error per text, at its first key: no cascade
                    reported.add(text)
                    more = uses[text] - 1
                    also = f" (and on {more} more key{'s' if more > 1 else ''})" if more else ""
                    hint = exc.hint
                    unread = [m for m in self.layout.modules if m not in self.layout.module_definitions]
                    if unread and exc.message.startswith("unknown keycode"):
                        hint = (f"a keycode of the community module{'s' if len(unread) > 1 else ''} "
                                f"{', '.join(unread)}? keyconf could not read {'them' if len(unread) > 1 else 'it'}"
                                " (see the warning at `modules:`)")
                    yield error(f"`{text}`: {exc.message}{also}", location, hint, code=code)
                continue
            self.parsed[location] = keycode
            cut_layer = self.registry.layer_cut(keycode, self.ctx)
            if cut_layer is not None:
                written_layer, used, limit = cut_layer
                yield warning(f"`{text}`: {keycode.op}() reaches layers 0-{limit}; QMK keeps the low bits of the "
                              f"layer, so the key uses layer {used}, not {written_layer}", location,
                              f"move the layer to 0-{limit}, or keep it if C code intercepts the key",
                              code="layer-cut")
            encoded = self.registry.as_qmk_encodes(keycode)
            if encoded != keycode:
                written = self.registry.format(encoded)
                yield warning(f"`{text}` mixes left- and right-hand modifiers, which QMK makes all right-hand: "
                              f"it is {written}", location, f"write {written}", code="mixed-modifiers")
            if keycode.op in kc.TAP_OPS:
                if text not in cut_taps:
                    cut_taps[text] = self._cut_tap(text, keycode)
                cut = cut_taps[text]
                if cut is not None:
                    yield warning(cut[0], location, cut[1], code="cut-tap")
            if keycode.op == kc.OP_RAW:
                yield from self.check_raw_value(text, keycode, replacement, location)
            elif replacement is not None and replacement != text:
                yield warning(f"`{text}` is a deprecated name, will be saved as {replacement}", location,
                              "run `keyconf validate --fix FILE` to rewrite old names", code="deprecated")
            for ref in _layer_refs(keycode, self.ctx):
                self.refs.append(_Ref(ref[0], ref[1], location, source_layer))

    def _cut_tap(self, text: str, keycode: kc.Keycode) -> tuple[str, str] | None:
        """(message, hint) for a mod-tap, layer-tap or swap-hands tap of a keycode wider than a
        basic one: QMK builds it, but keeps only the low 8 bits of the tap."""
        try:
            cut = self.registry.cut_tap(keycode, self.ctx)
        except kc.KeycodeError:  # a tap a header defines: its width is the header's to know
            return None
        if cut is None:
            return None
        assert keycode.inner is not None
        written = self.registry.format(keycode.inner)
        message = (f"`{text}`: a tap sends {self.registry.tap_text(cut)}, not {written}, unless C code "
                   "intercepts it (QMK keeps the low 8 bits of a tap)")
        if self.layout.c_source is not None:
            hint = "fine if the layout's process_record_user handles the tap (record->tap.count)"
        else:
            hint = "intercept the tap in `c_source:` (process_record_user, record->tap.count), or use a tap dance"
        return message, hint

    def check_language(self) -> Iterator[Problem]:
        """Aliases of a language the computer does not type in: once per language, not per key."""
        own = self.layout.host_language
        table = self.registry.language_table(own) if own else None
        first: dict[str, tuple[str, Location]] = {}
        for field in keycode_fields(self.layout):
            for name in _ALIAS_NAME.findall(field.text):
                if (self.registry.knows(name) or self.ctx.custom(name) is not None
                        or (table is not None and name in table.by_alias)):
                    continue
                owner = self.registry.language_of_alias(name)
                if owner is not None and owner not in first:
                    first[owner] = (name, field.location)
        for language, (name, location) in first.items():
            title = language_title(language)
            if own is None:
                yield warning(f"`{name}` is a {title} name, but the layout does not say the computer types in "
                              f"{title}", location, f"add `host_language: {language}` so legends show what keys "
                              "type and the firmware includes its header", code="host-language")
            else:
                yield warning(f"`{name}` is a {title} name, but this layout's computer types in "
                              f"{language_title(own)} (host_language: {own})", location,
                              f"write the key with {language_title(own)} names, or set host_language: {language}",
                              code="host-language")

    def check_macros(self) -> Iterator[Problem]:
        for mi, macro in enumerate(self.layout.macros):
            for si, step in enumerate(macro.steps):
                if step.kind not in ("tap", "down", "up"):
                    continue
                codes = step.value if isinstance(step.value, list) else [str(step.value)]
                for code in codes:
                    location = ("macros", mi, "steps", si)
                    try:
                        parsed = self.registry.parse(code, self.ctx)
                        if parsed.op == kc.OP_CUSTOM:
                            if len(codes) > 1:
                                yield error(f"macro step `{code}`: a custom keycode is pressed on its own, not "
                                            "in a chord", location, code="macro-keycode")
                            continue  # its C handler runs, as for a key press
                        value = self.registry.encode(parsed, self.ctx)
                    except kc.KeycodeError as exc:
                        yield error(f"macro step `{code}`: {exc.message}", location, exc.hint,
                                    code="unknown-keycode")
                        continue
                    # Basic keys, optionally with modifiers held around them (LCTL(KC_C)), are what
                    # SEND_STRING presses. Vial's macros also play any other 16-bit keycode
                    # (OSM(MOD_LSFT), TO(0)) on the board; a keymap.c build cannot.
                    if not (0x04 <= (value & 0xFF) <= 0xE7 and value <= 0x1FFF):
                        yield warning(f"macro step `{code}`: only Vial's macros can play this keycode; a "
                                      "firmware build (keymap.c SEND_STRING) presses keys (letters, digits, "
                                      "modifiers…, optionally with modifiers such as LCTL(KC_C)) only", location,
                                      "keep it for Vial, or use e.g. `tap: LCTL(KC_C)` to build the firmware",
                                      code="macro-keycode")

    def check_custom_keycodes(self) -> Iterator[Problem]:
        """Custom keycodes become C enum constants: their names must not be QMK's, nor repeat,
        and two of them must not share a value."""
        layout = self.layout
        values: dict[int, str] = {}
        bad_headers: set[str] = set()
        for index, (custom, user) in enumerate(zip(layout.custom_keycodes, self.ctx.custom_keycodes, strict=True)):
            location: Location = ("custom_keycodes", index)
            if self.registry.get(custom.name) is not None and not self.registry.is_pre_spec_name(custom.name):
                yield error(f"custom keycode `{custom.name}` has the name of a QMK keycode", location,
                            "give it a name of its own, e.g. MY_" + custom.name, code="custom-keycode-name")
            if custom.name in layout.layer_names or custom.name in layout.tap_dance_names:
                yield error(f"custom keycode `{custom.name}` has the name of a layer or tap dance", location,
                            code="custom-keycode-name")
            for at, header in enumerate(custom.headers):
                problem = header_name_problem(header)
                if problem is not None and header not in bad_headers:
                    bad_headers.add(header)  # said once, at the first keycode naming it: a header names many
                    others = sum(header in c.headers for c in layout.custom_keycodes[index + 1:])
                    if others:
                        problem += f" (and {others} more custom keycode{'s' if others > 1 else ''} name it)"
                    where = (*location, "header", at) if len(custom.headers) > 1 else (*location, "header")
                    yield error(problem, where, HEADER_NAME_HINT, code="custom-keycode-header")
            if custom.external:
                continue  # its value is the header's; keyconf cannot compare it
            if user.value in values:
                yield error(f"custom keycodes `{values[user.value]}` and `{custom.name}` have the same value "
                            f"0x{user.value:04X}", location, "remove the `value:` of one", code="custom-keycode-value")
            values.setdefault(user.value, custom.name)
        if layout.custom_keycodes and layout.c_source is None:
            # The keyboard's own keycodes (pinned to QK_KB_n, named by its VIA definition) work
            # through the keyboard's code.
            used = {c.name for c in layout.custom_keycodes if not c.external
                    and c.value not in self.registry.ranges["QK_KB"]
                    and any(k.op == kc.OP_CUSTOM and k.name == c.name for k in self.parsed.values())}
            for name in sorted(used):
                index = layout.custom_keycode_names.index(name)
                yield warning(f"custom keycode `{name}` does nothing: the layout has no C code (`c_source:`)",
                              ("custom_keycodes", index),
                              "add `c_source: mine.c` with a process_record_user that handles it",
                              code="custom-keycode-without-c")

    def check_switched_off_reports(self) -> Iterator[Problem]:
        """Mouse and media keys of a layout that switches their feature off (`features_off:`, as
        the keymap it came from did) build, but send nothing: said once per keycode."""
        off = set(self.layout.features_off)
        if not off:
            return
        said: set[str] = set()
        for location, keycode in self.parsed.items():
            for name in keycode.fixed_names():
                definition = self.registry.get(name)
                feature = REPORT_FEATURE_BY_GROUP.get(definition.group) if definition is not None else None
                if feature in off and name not in said:
                    said.add(name)
                    yield warning(f"`{name}` sends nothing: the layout switches {feature} off (`features_off:`), "
                                  "as the keymap it came from did", location,
                                  f"remove {feature} from `features_off:` for the key to work",
                                  code="feature-switched-off")

    def check_modules(self) -> Iterator[Problem]:
        """Community module paths QMK can find (a folder under `modules/`), few enough, and no more
        keycodes in all than QMK numbers for them."""
        modules = self.layout.modules
        if len(modules) > MAX_MODULES:
            yield error(f"{len(modules)} community modules; a layout names at most {MAX_MODULES}",
                        ("modules", MAX_MODULES), "remove the modules the layout does not use", code="modules")
        for index, path in enumerate(modules[:MAX_MODULES]):
            problem = module_path_problem(path)
            if problem is not None:
                yield error(problem, ("modules", index), "write it as keymap.json does: `qmk/super_alt_tab`",
                            code="modules")
            elif path in modules[:index]:
                yield error(f"community module `{path}` is named twice", ("modules", index), code="modules")
        count = sum(len(d.keycodes) for d in self.layout.module_definitions.values() if d.path in modules)
        room = self.registry.ranges["QK_COMMUNITY_MODULE"].size
        if count > room:
            yield error(f"the layout's community modules declare {count} keycodes; QMK numbers "
                        f"{room} at most", ("modules",), "use fewer modules", code="modules")

    def check_controller(self) -> Iterator[Problem]:
        """`converter:` is one QMK has for the board's footprint, `bootloader:` one of QMK's names
        that the chip built for takes (keyconf.model.controllers)."""
        import difflib  # here: only a layout naming a controller needs it (the start does without)

        converter, bootloader, keyboard = self.layout.converter, self.layout.bootloader, self.keyboard
        found: controllers.Converter | None = None
        if converter:
            footprint = controllers.board_footprint(keyboard) if keyboard is not None else None
            names = (list(controllers.converters(footprint)) if footprint
                     else controllers.all_converter_names())
            if keyboard is not None and footprint is not None and footprint not in controllers.footprints():
                close = difflib.get_close_matches(footprint, controllers.footprints(), n=1)
                yield error(f"`{keyboard.name}` names controller footprint `{footprint}` (pin_compatible), which QMK "
                            f"does not know: it converts {' and '.join(controllers.footprints())} boards",
                            ("converter",), (f"did you mean `{close[0]}`? " if close else "")
                            + "fix `pin_compatible` in the board's keyboard.json", code="converter-not-possible")
            elif keyboard is not None and keyboard.processor and footprint is None:
                yield error(f"`{keyboard.name}` cannot take converter `{converter}`: QMK converts boards built for a "
                            f"Pro Micro or Elite-C controller, and this one has a {keyboard.processor}",
                            ("converter",), "remove `converter:`: the board's own controller is built for (a "
                            "board made for a Pro Micro's socket says so in its keyboard.json: "
                            "\"pin_compatible\": \"promicro\")",
                            code="converter-not-possible")
            elif converter not in names:
                where = f"{controllers.footprint_title(footprint)} boards" if footprint else "QMK"
                close = difflib.get_close_matches(converter, names, n=1)
                yield error(f"QMK has no converter `{converter}` for {where}", ("converter",),
                            (f"did you mean `{close[0]}`? " if close else "") + f"QMK's: {', '.join(sorted(names))}",
                            code="unknown-converter")
            elif keyboard is not None:
                found = controllers.find_converter(keyboard, converter)
                if found is not None and found.deprecated:
                    yield warning(f"QMK marks converter `{converter}` deprecated", ("converter",),
                                  "QMK names rp2040_ce or sparkfun_pm2040 for the board's RP2040 Pro Micro instead",
                                  code="converter-deprecated")
        if bootloader:
            names = controllers.bootloader_names()
            if bootloader not in names:
                close = difflib.get_close_matches(bootloader, names, n=1)
                yield error(f"QMK has no bootloader `{bootloader}`", ("bootloader",),
                            (f"did you mean `{close[0]}`? " if close else "") + f"QMK's: {', '.join(names)}",
                            code="unknown-bootloader")
                return
            if found is not None and found.bootloader != bootloader:
                yield warning(f"converter `{converter}` builds for the {found.bootloader} bootloader: QMK's converter "
                              f"sets it over `bootloader: {bootloader}`", ("bootloader",),
                              "remove `bootloader:`", code="bootloader-overridden")
                return
            processor = found.processor if found is not None else keyboard.processor if keyboard is not None else None
            platform = controllers.processor_platform(processor)
            platforms = controllers.bootloader_platforms(bootloader)
            if platform is not None and platforms and platform not in platforms:
                yield error(f"bootloader `{bootloader}` is not one a {processor} takes: QMK builds it for "
                            f"{' and '.join(platforms)} boards", ("bootloader",),
                            "remove `bootloader:` to keep the board's, or name the controller's own",
                            code="unknown-bootloader")

    def check_definitions(self) -> Iterator[Problem]:
        macro_count = len(self.layout.macros)
        dance_count = len(self.layout.tap_dances)
        macros, dances = self.registry.ranges["QK_MACRO"], self.registry.ranges["QK_TAP_DANCE"]
        for location, keycode in self.parsed.items():
            if keycode.op == kc.OP_CUSTOM:
                continue
            try:
                value = self.registry.encode(keycode, self.ctx)
            except kc.KeycodeError:
                continue
            macro = value - macros.first if value in macros else None
            dance = value - dances.first if value in dances else None
            if macro is not None and macro >= macro_count and self.layout.c_source is not None:
                # A keymap.c's MC_1 with no macro in the file: VIA's macros, set in VIA and kept
                # on the keyboard (or the file's C code), play it; QMK builds it so.
                yield warning(f"`{self.registry.format(keycode)}` plays macro {macro}, which is not in the "
                              "layout: the keyboard's own macros (set in VIA, kept on the keyboard) or the layout's "
                              "C code play it", location, code="macro-in-c")
            elif macro is not None and macro >= macro_count:
                yield error(f"`{self.registry.format(keycode)}` plays macro {macro}, but the layout defines "
                            f"{macro_count} macro{'s' if macro_count != 1 else ''}", location,
                            "add it under `macros:` (the first macro is QK_MACRO_0)", code="undefined-macro")
            elif dance is not None and dance >= dance_count and self.layout.c_source is not None:
                yield warning(f"`{self.registry.format(keycode)}` uses tap dance {dance}, which is not in "
                              "the layout: its C code must define it", location, code="tap-dance-in-c")
            elif dance is not None and dance >= dance_count:
                yield error(f"`{self.registry.format(keycode)}` uses tap dance {dance}, but the layout defines "
                            f"{dance_count} tap dance{'s' if dance_count != 1 else ''}", location,
                            "add it under `tap_dances:` with a name, then write TD(name)",
                            code="undefined-tap-dance")
        for ci, combo in enumerate(self.layout.combos):
            if not combo.keys:
                yield error("a combo needs keys", ("combos", ci), code="combo-keys")
            elif len(combo.keys) == 1:  # Vial and QMK accept it; it fires whenever that key is pressed
                yield warning("a combo of one key replaces that key everywhere it is pressed", ("combos", ci),
                              "give the combo a second key, or bind the action to the key itself",
                              code="combo-keys")
            for name in combo.layers or []:
                if self.layout.layer_index(name) is None:
                    yield error(f"combo names layer `{name}`, which is not in `layers`", ("combos", ci, "layers"),
                                code="unknown-layer")
        yield from self.check_duplicate_combos()
        for oi, override in enumerate(self.layout.key_overrides):
            for name in override.layers or []:
                if self.layout.layer_index(name) is None:
                    yield error(f"key override names layer `{name}`, which is not in `layers`",
                                ("key_overrides", oi, "layers"), code="unknown-layer")
            fields = (("mods", override.mods), ("negative_mods", override.negative_mods),
                      ("suppressed_mods", override.suppressed_mods or []))
            for field_name, names in fields:
                for mi, mod in enumerate(names):
                    try:
                        kc.parse_mod_mask(mod)
                    except kc.ModsError as exc:
                        yield error(f"key override: {exc}", ("key_overrides", oi, field_name, mi),
                                    "modifiers: MOD_MASK_SHIFT (either hand), MOD_LSFT, MOD_RCTL ...",
                                    code="unknown-modifier")

    def check_raw_value(
        self, text: str, keycode: kc.Keycode, replacement: str | None, location: Location
    ) -> Iterator[Problem]:
        """A raw value with a name reads better as the name; one that names nothing today but did
        in VIA's old numbering (0x5C00 was RESET) is most likely a leftover from an old export."""
        if replacement is not None and not replacement.startswith("0x"):
            yield warning(f"`{text}` is the raw value of {replacement}", location,
                          "run `keyconf validate --fix FILE` to write keycode names", code="raw-value")
            return
        if replacement is not None and replacement != text:
            yield warning(f"`{text}` is written {replacement} in keyconf layouts", location,
                          "run `keyconf validate --fix FILE` to rewrite it", code="deprecated")
        assert isinstance(keycode.number, int)
        legacy = self.registry.decode(keycode.number, kc.Numbering.LEGACY, self.ctx)
        if legacy.op != kc.OP_RAW:
            name = self.registry.format(legacy)
            yield warning(f"`{text}` is no keycode in QMK 0.19 and later; in the old numbering (VIA protocol "
                          f"10 and earlier) it was {name}", location,
                          f"write {name} if that is what this key should do", code="raw-value")

    def check_duplicate_combos(self) -> Iterator[Problem]:
        """Two combos on the same keys (in any order) fire on the same press where their layers
        overlap: QMK runs only one of them, so the other is dead."""
        seen: list[tuple[frozenset[str], set[str] | None, int]] = []
        for ci, combo in enumerate(self.layout.combos):
            if len(combo.keys) < 2:
                continue
            keys = frozenset(self._canonical(("combos", ci, "keys", ji), text) for ji, text in enumerate(combo.keys))
            layers = set(combo.layers) if combo.layers is not None else None
            for other_keys, other_layers, other in seen:
                if keys == other_keys and (layers is None or other_layers is None or layers & other_layers):
                    yield warning(
                        f"combo {ci + 1} has the same keys as combo {other + 1} ({' + '.join(combo.keys)}); "
                        "only one of them can fire",
                        ("combos", ci, "keys"),
                        "give one of them another key, limit them to different `layers:`, or remove one",
                        code="duplicate-combo",
                    )
                    break
            seen.append((keys, layers, ci))

    def _canonical(self, location: Location, text: str) -> str:
        parsed = self.parsed.get(location)
        return self.registry.format(parsed) if parsed is not None else text

    # -- lint: how layers are entered and left
    def effective(self, layer: int, key: int) -> kc.Keycode | None:
        """The keycode a key really has on `layer` when only it and the default layer are on."""
        for candidate in (layer, 0):
            keycode = self.parsed.get(("layers", candidate, key))
            if keycode is None:
                return None
            if not _is_transparent(self.registry, keycode, self.ctx):
                return keycode
        return None

    def check_missing_layers(self) -> Iterator[Problem]:
        """Layer keys by number past the last layer (`MO(3)` with three layers, as keymap.json files have
        them): QMK builds them, and reads every key of a layer the keymap lacks as KC_TRNS."""
        count = len(self.layout.layers)
        said: set[int] = set()
        for ref in self.refs:
            if ref.layer >= count and ref.layer not in said:
                said.add(ref.layer)
                yield warning(f"this {ref.head} key names layer {ref.layer}, which the layout does not have (it has "
                              f"{count}): QMK builds it, and reads that layer as transparent on every key",
                              ref.location, f"point it at one of the layout's layers, or add layer {ref.layer}",
                              code="missing-layer")

    def check_layer_flow(self) -> Iterator[Problem]:
        layer_count = len(self.layout.layers)
        if layer_count <= 1:
            return
        # Reachability from the default layer through any layer key.
        reachable = {0}
        frontier = [0]
        key_refs: dict[int, list[_Ref]] = {}
        floating: list[_Ref] = []
        for ref in self.refs:
            if ref.source_layer is None:
                floating.append(ref)
            else:
                key_refs.setdefault(ref.source_layer, []).append(ref)
        while frontier:
            current = frontier.pop()
            for ref in key_refs.get(current, []):
                if 0 <= ref.layer < layer_count and ref.layer not in reachable:
                    reachable.add(ref.layer)
                    frontier.append(ref.layer)
            if not frontier:
                for ref in floating:  # combos and tap dances: assume they fire from a reachable layer
                    if 0 <= ref.layer < layer_count and ref.layer not in reachable:
                        reachable.add(ref.layer)
                        frontier.append(ref.layer)
        for index, layer in enumerate(self.layout.layers):
            if index not in reachable:
                add_key = f"a layer key such as MO({layer.name}) or LT({layer.name}, KC_SPC) on a layer you can reach"
                if self.layout.c_source is None:
                    yield warning(f"nothing can reach layer `{layer.name}`", ("layers", index), f"add {add_key}",
                                  code="unreachable-layer")
                else:  # keyconf never reads the C: update_tri_layer_state() or layer_on() there may reach it
                    yield warning(f"no key reaches layer `{layer.name}`; the layout's C code (c_source) may",
                                  ("layers", index),
                                  f"fine if that code turns it on (update_tri_layer_state, layer_on); if not, add "
                                  f"{add_key}", code="unreachable-layer")
        # A hold key on the layer it activates does nothing more.
        for ref in self.refs:
            if ref.head in MOMENTARY and ref.source_layer is not None and ref.source_layer == ref.layer \
                    and ref.layer != 0:
                name = self.layout.layers[ref.layer].name
                yield warning(f"this key activates layer `{name}`, which it is already on", ref.location,
                              "make it transparent (_______) so it falls through to the key that holds the layer",
                              code="self-shadowing")
        # Entered by toggling but no way out.
        toggled: dict[int, _Ref] = {}
        for ref in self.refs:
            if ref.head in TOGGLING and ref.layer != 0 and 0 <= ref.layer < layer_count:
                toggled.setdefault(ref.layer, ref)
        for target, ref in toggled.items():
            if not self.can_leave(target, ref):
                name = self.layout.layers[target].name
                yield warning(f"`{ref.head}({name})` enters layer `{name}`, but nothing on it leads back",
                              ref.location,
                              f"put TG({name}) or TO(<base>) on `{name}` (or leave that key transparent)",
                              code="no-way-back")

    def can_leave(self, target: int, entry: _Ref) -> bool:
        macro_len = len(self.layout.layers[target].keys)
        for key in range(macro_len):
            keycode = self.effective(target, key)
            if keycode is None:
                continue
            for head, layer in _layer_refs(keycode, self.ctx):
                if head == "TG" and layer == target:
                    return True
                if head == "TT" and layer == target:
                    return True
                if head == "TO" and layer != target:
                    return True
                if head in ("DF", "PDF") and entry.head in ("DF", "PDF") and layer != target:
                    return True
        # Combos and tap dances count as ways out too.
        for ref in self.refs:
            if ref.source_layer is None and (
                (ref.head in ("TG", "TT") and ref.layer == target) or (ref.head == "TO" and ref.layer != target)
            ):
                return True
        return False


_FAMILY_NAME = re.compile(r"^([A-Z][A-Z0-9]{0,5}_)[A-Z0-9_]+$")
_FAMILY_SIZE = 3  # this many unknown names with one prefix are one family (PG_A, PG_VIRG, PG_Z …)


def _unknown_families(texts: set[str]) -> dict[str, tuple[str, list[str]]]:
    """Unknown names sharing a prefix (`PG_VIRG`, `PG_A`: a header's aliases), by name:
    (prefix, the family's names in order)."""
    by_prefix: dict[str, list[str]] = {}
    for text in sorted(texts):
        match = _FAMILY_NAME.match(text)
        if match:
            by_prefix.setdefault(match.group(1), []).append(text)
    return {name: (prefix, names) for prefix, names in by_prefix.items() if len(names) >= _FAMILY_SIZE
            for name in names}


def _layer_refs(keycode: kc.Keycode, ctx: kc.ParseContext) -> list[tuple[str, int]]:
    """(head, layer index) pairs for every layer a keycode moves to."""
    refs: list[tuple[str, int]] = []
    head = (keycode.name or "") if keycode.op == "KC" else keycode.op
    if head in TRI_LAYER_TARGETS:
        refs.extend((head, layer) for layer in TRI_LAYER_TARGETS[head])
    if head in LAYER_HEADS:
        for ref in keycode.layer_refs():
            index = _layer_index(ref, ctx)
            if index is not None:
                refs.append((head, index))
    elif keycode.op in kc.TAP_OPS and keycode.inner is not None:
        # A wide tap (`LALT_T(TO(nav))`) QMK cuts to 8 bits; its C code commonly intercepts the
        # tap and does what is written, so the layer counts as reached (the cut-tap warning says
        # what happens otherwise).
        refs.extend(_layer_refs(keycode.inner, ctx))
    return refs


def _layer_index(ref: str | int, ctx: kc.ParseContext) -> int | None:
    if isinstance(ref, int):
        return ref
    try:
        return list(ctx.layers).index(ref)
    except ValueError:
        return int(ref) if str(ref).isdigit() else None


def _is_transparent(registry: kc.KeycodeRegistry, keycode: kc.Keycode, ctx: kc.ParseContext) -> bool:
    try:
        return registry.encode(keycode, ctx) == 0x0001
    except kc.KeycodeError:
        return False


def fix_deprecated_names(layout: Layout) -> list[tuple[Location, str, str]]:
    """Rewrite old and dialect keycode spellings to their canonical names, in place.

    Returns (location, old text, new text) for each rewrite. Only keycodes that parse are
    touched; everything else in the layout stays as written."""
    registry = kc.REGISTRY
    ctx = keycode_context(layout)
    changes: list[tuple[Location, str, str]] = []
    for field in keycode_fields(layout):
        try:
            replacement = registry.deprecated_replacement(field.text, ctx)
        except kc.KeycodeError:
            continue
        if replacement is not None and replacement != field.text:
            field.set(replacement)
            changes.append((field.location, field.text, replacement))
    return changes
