"""Names a keymap.c uses but does not declare: custom keycodes a header declares, names that only
a user's header (a userspace keyconf cannot see) explains, and layer-tap keys whose tap the C code
catches. Each becomes a custom keycode, or one clear error naming the header."""

from __future__ import annotations

import re

from keyconf.formats.c_source import (
    Token,
    render,
    split_call_arguments,
)
from keyconf.formats.foreign_keycodes import aliases_of_own_prefixes, included_languages, language_aliases
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_features import FeatureReader
from keyconf.formats.keymap_c_statements import IN_PLACE_HINT, is_qmk_header, names_keycode
from keyconf.formats.layer_names import default_layer_name, layout_name_for_c_identifier
from keyconf.model.keycodes import REGISTRY, KeycodeError, ParseContext
from keyconf.model.keycodes.keyboard_keycodes import header_keycode
from keyconf.model.keycodes.removed import REMOVED_KEYCODES
from keyconf.model.layout import (
    HEADER_NAME_RE,
    CustomKeycode,
    Layer,
    Layout,
    keycode_context,
    keycode_fields,
)


def _enum_members(tokens: list[Token]) -> set[str]:
    """The names every `enum … { … }` of the tokens declares, whatever #if they are under. One pass: the
    search goes on after what an enum's scan covered (a file of thousands of `enum` without a `{` or `}`)."""
    members: set[str] = set()
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.kind != "ident" or token.text != "enum":
            at += 1
            continue
        end = at + 1
        while end < len(tokens) and tokens[end].text not in ("{", ";"):
            end += 1
        if end >= len(tokens) or tokens[end].text != "{":
            at = end  # an `enum` before this `;` reaches it too
            continue
        previous = tokens[end]
        at = end + 1
        while at < len(tokens) and tokens[at].text != "}":
            inner = tokens[at]
            if inner.kind == "ident" and previous.text in ("{", ","):
                members.add(inner.text)
            if inner.kind != "directive":
                previous = inner
            at += 1
    return members


class UnseenNameReader(FeatureReader):
    """Explains names the keys use that the file never declares, or refuses them naming the header."""

    def _report_unseen_names(self, layout: Layout) -> None:
        """Names on keys that nothing here defines come from a header keyconf cannot see (the
        user's own, or the keyboard's through QMK_KEYBOARD_H): they stay on their keys as custom
        keycodes naming that header, which keyconf's keymap.c includes as the original did, so
        QMK resolves them as it resolved the original's. Said once per header. Keycodes QMK
        removed become the layout's own keycodes, with a warning naming the removal."""
        ctx = keycode_context(layout)
        unknown: list[str] = []
        layer_aliases: dict[str, str] = {}  # LT(T1, …): a layer named by an unseen header
        calls: dict[str, str] = {}  # P(PG_O): a function-like macro of a header
        for place in keycode_fields(layout):
            try:
                REGISTRY.parse(place.text, ctx)
            except KeycodeError as error:
                layer = re.search(r"unknown layer '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if layer:
                    layer_aliases.setdefault(layer.group(1), place.text)
                call = re.search(r"unknown keycode function ([A-Za-z_][A-Za-z0-9_]*)\(\)", error.message)
                if call:
                    calls.setdefault(call.group(1), place.text)
                found = re.search(r"unknown keycode '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if (found and found.group(1) not in unknown
                        and re.search(rf"\b{found.group(1)}\b(?!\s*\()", place.text)):
                    unknown.append(found.group(1))
                dance = re.search(r"unknown tap dance '([A-Za-z_][A-Za-z0-9_]*)'", error.message)
                if dance and dance.group(1) not in unknown and self._dance_from_elsewhere(dance.group(1)):
                    unknown.append(dance.group(1))
                if "expected a code point" in error.message:
                    # UC(JP_KA): a code point a header names (`#define JP_KA 0x304B`, jp_ime.h).
                    for argument in re.findall(r"\bUC\s*\(\s*([A-Za-z_]\w*)\s*\)", place.text):
                        if argument not in unknown:
                            unknown.append(argument)
                if "unknown Unicode map entry" in error.message:
                    # UM(E_ACUTE), UP(A, B): unicode_map[]'s enum is in a header (it stays C, as written).
                    for arguments in re.findall(r"\b(?:UM|X|UP|XP)\s*\(([^()]*)\)", place.text):
                        unknown += [n for n in re.findall(r"[A-Za-z_]\w*", arguments) if n not in unknown]
        # An old name today's QMK no longer defines (RESET, before QK_BOOT) that a header of the user's
        # declares (`enum userspace_keycodes { ..., RESET }`): in C it is that header's keycode, not QMK's.
        declared_here = {member for members in self.enums for member in members} | set(self.defines)
        for place in keycode_fields(layout):
            for name in re.findall(r"\b[A-Za-z_]\w*\b", place.text):
                if (name not in unknown and name not in declared_here and REGISTRY.is_pre_spec_name(name)
                        and self.headers is not None and self.headers.declaring(name) is not None):
                    unknown.append(name)
        self._refuse_unseen_layer_names(layer_aliases)
        self._refuse_unseen_functions(calls)
        unknown += self._aliases_of_user_prefixes(layout, unknown)
        removed = [name for name in unknown if name in REMOVED_KEYCODES]
        for name in removed:
            self._add_custom(name, self._next_custom_value())
            self.warnings.append(
                f"{name} was a QMK keycode until QMK removed {REMOVED_KEYCODES[name]}: kept as a custom keycode "
                "of the layout, which does nothing unless the C code handles it"
            )
        # A name this file declares in a form keyconf could not read is no header's: it stays unknown.
        declared = {member for members in self.enums for member in members} | set(self.defines)
        unseen = [name for name in unknown if name not in REMOVED_KEYCODES and name not in declared]
        # Declared here under an #if on a setting of the user's config.h (`#ifdef UNICODE_SELECTED_MODES`
        # around the enum of unicode_map[]): the original builds only with it set, and so does keyconf's
        # keymap.c, which keeps that C as written. The keys keep the names.
        under_if = [name for name in unseen if name in _enum_members(self.raw_tokens)]
        if under_if:
            shown = ", ".join(under_if[:8]) + (f" and {len(under_if) - 8} more" if len(under_if) > 8 else "")
            self.warnings.append(
                f"{shown} {'is' if len(under_if) == 1 else 'are'} declared in this file under an #if on a setting "
                "keyconf does not know (the config.h of your build): kept on their keys as names, and that C stays "
                "as written (the layout's c_source), so QMK numbers them as it did the original's"
            )
            for name in under_if:
                self.customs.append(CustomKeycode(name, headers=["QMK_KEYBOARD_H"]))
                self._custom_absolute.append(-1)
            unseen = [name for name in unseen if name not in under_if]
            layout.custom_keycodes = self.customs
        if not unseen:
            return
        # The headers a layout can name (`header:`): an include of another name (`"keys.h(x"`) is no file of the
        # build's, and the layout could not be written with it.
        headers = [h for h in (self._header_name(d.text) for d in self.includes)
                   if h and not is_qmk_header(h) and HEADER_NAME_RE.fullmatch(h)]
        if not headers and self.headers is not None:
            # Names a force-included config.h brought in (a keymap.json's userspace): their header's.
            declaring = [self.headers.declaring(name) for name in unseen]
            if all(declaring):
                headers = sorted({h for h in declaring if h})
        known = {name: kc for name in unseen if (kc := header_keycode(headers, name)) is not None}
        if known:
            declared_in = sorted({kc.header for kc in known.values()})
            self.warnings.append(
                f"{', '.join(list(known)[:8])}{f' and {len(known) - 8} more' if len(known) > 8 else ''} "
                f"{'is a keyboard keycode' if len(known) == 1 else 'are keyboard keycodes'} of "
                f"{' and '.join(declared_in)} "
                "(QK_KB_n): kept on their keys with that header, which keyconf's keymap.c includes as the original "
                "did (keyconf's build puts its folder on make's VPATH, as the original's rules.mk did); VIA, Vial "
                "and keymap.json carry their values"
            )
        shown_names = [name for name in unseen if name not in known]
        read_names = self.headers.names if self.headers is not None else {}
        owning = [h for h in headers if any(name in read_names.get(h, ()) for name in shown_names)]
        if shown_names and all(any(name in read_names.get(h, ()) for h in owning) for name in shown_names):
            headers = owning  # the headers keyconf read that name them (my_keycodes.h, not tapdances.c also included)
        shown = ", ".join(shown_names[:8]) + (f" and {len(shown_names) - 8} more" if len(shown_names) > 8 else "")
        if shown_names and headers:
            where = " or ".join(headers)
            unread = [h for h in headers if self.headers is None or self.headers.found(h) is None]
            if unread == headers:
                where += ", which keyconf cannot see"
            elif unread:
                where += f" (keyconf cannot see {', '.join(unread)})"
            else:  # read, but declared there otherwise than by a #define (an enum of the user's keycodes)
                where += ", which declare them in a form keyconf keeps as names only (not a #define)"
            self.warnings.append(
                f"{shown} come from {where}: kept on their keys as custom keycodes "
                f"defined there (`header:`); keyconf's keymap.c includes {' and '.join(headers)} as the original "
                "did, so "
                "`qmk compile` needs it where it found it (a userspace or the keymap's folder); VIA and Vial "
                "cannot hold them"
            )
        elif shown_names:
            self.warnings.append(
                f"{shown} {'is neither a QMK keycode' if len(shown_names) == 1 else 'are neither QMK keycodes'} nor "
                "defined in this file: "
                "kept on their keys as custom keycodes from the keyboard's own headers or a community module "
                "(`header: QMK_KEYBOARD_H`), as QMK would resolve them; check the spelling if the original did "
                "not build"
            )
        for name in unseen:
            self.customs.append(CustomKeycode(name, headers=list(headers or ["QMK_KEYBOARD_H"])))
            self._custom_absolute.append(-1)
            self.external_headers.update(headers)
        layout.custom_keycodes = self.customs

    def _refuse_unseen_layer_names(self, keys: dict[str, str]) -> None:
        """`LT(T1, KC_SPC)` with T1 a layer's alias in a header keyconf cannot see: which layer the key
        uses is that header's to say. One error naming them and the header, as for its other macros."""
        declared = {member for members in self.enums for member in members} | set(self.defines)
        headers = [h for h in (self._header_name(d.text) for d in self.includes) if h and not is_qmk_header(h)]
        unseen = [h for h in headers if self.headers is None or h not in self.headers.read]
        names = [name for name in keys if name not in declared]
        if not names or not unseen:
            return
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        raise FormatError(
            f"{shown} {'names a layer' if len(names) == 1 else 'name layers'} in {' or '.join(unseen)}, which "
            f"keyconf cannot see (`{keys[names[0]]}`): which layer a key uses is that code's to say, not this file's",
            self.path, hint=IN_PLACE_HINT)

    def _refuse_unseen_functions(self, keys: dict[str, str]) -> None:
        """`P(PG_O)`, `PM_MO(PM_CARET)`: a function-like macro of the user's header or a community
        module, which C expands to a value keyconf cannot know. One error naming them and where
        they come from, as for the header's other macros (a typo, with no header, stays a
        validation error with its 'did you mean')."""
        declared = set(self.defines)
        headers = [h for h in (self._header_name(d.text) for d in self.includes) if h and not is_qmk_header(h)]
        names = [name for name in keys if name not in declared]
        if not names or not headers:
            return
        unseen = [h for h in headers if self.headers is None or h not in self.headers.read]
        shown = ", ".join(f"{n}(...)" for n in names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        example = f"`{keys[names[0]]}`"
        if unseen:
            raise FormatError(
                f"{shown} {'is a macro' if len(names) == 1 else 'are macros'} from {' or '.join(unseen)}, which "
                f"keyconf cannot see ({example}): the keys they stand for are in that code, not in this file",
                self.path, hint=IN_PLACE_HINT)
        raise FormatError(
            f"{shown} {'is' if len(names) == 1 else 'are'} defined neither in this file nor in {' or '.join(headers)} "
            f"and the headers {'they include' if len(headers) > 1 else 'it includes'} ({example}): most likely "
            "keycodes of a QMK community module (keymap.json `modules`), which keyconf cannot read",
            self.path, hint="QMK's build finds them only with that module; keyconf cannot tell what the keys are")

    def _dance_from_elsewhere(self, name: str) -> bool:
        """Whether `TD(name)` names a tap dance numbered outside this file: by the enum of a header
        its table is indexed with, or, with no table here, by the header or file that has it."""
        return name in self.header_tap_dances or (
            "tap_dance_actions" not in self.found and not any(name in members for members in self.enums))

    def _aliases_of_user_prefixes(self, layout: Layout, unknown: list[str]) -> list[str]:
        """Language aliases that share a prefix the file uses more for names of its own (TR_COPY,
        Turkish F's, beside TR_JMPF, TR_TMUX … from the user's keymap.h): in C they are the user's
        names too, from the same header, unless the file includes that language's header itself."""
        included = included_languages("\n".join(d.text for d in self.includes))
        aliases = [name for name, owner in language_aliases(layout).items() if owner not in included]
        return sorted(aliases_of_own_prefixes(aliases, unknown))

    def _layer_taps_the_c_catches(self, layout: Layout) -> None:
        """Oryx's dual-function keys: `#define DUAL_FUNC_0 LT(13, KC_F15)`, a layer-tap to a layer
        keymaps[] lacks, which process_record_user catches by its name (`case DUAL_FUNC_0:`, a tap and
        a hold of its own, then `return false`). The layer is never reached: the key is a custom
        keycode of the LT's value (QMK still times it as a tap-hold key), its C kept, not a layer tap
        that adds empty layers up to layer 13."""
        count = len(layout.layers)
        raw = self.raw_tokens  # as written: self.tokens has the #defines applied
        cased = {raw[i + 1].text for i, t in enumerate(raw[:-2])
                 if t.is_("case") and raw[i + 1].kind == "ident" and raw[i + 2].is_(":")}
        caught: dict[int, str] = {}
        for name, define in self.defines.items():
            if define.params is not None or name not in cased or not define.body or define.body[0].text != "LT":
                continue
            try:
                keycode = REGISTRY.parse(render(define.body))
                value = REGISTRY.encode(keycode)
            except KeycodeError:
                continue
            if all(isinstance(r, int) and r >= count for r in keycode.layer_refs()) and value not in caught:
                caught[value] = name
        if not caught:
            return
        ctx = keycode_context(layout)
        used: list[str] = []
        for place in keycode_fields(layout):
            try:
                found = caught.get(REGISTRY.encode(REGISTRY.parse(place.text, ctx), ctx))
            except KeycodeError:
                continue
            if found is not None:
                place.set(found)
                if found not in used:
                    used.append(found)
        for value, name in caught.items():
            if name in used:
                self._add_custom(name, value)
                self.consumed_defines.add(name)  # keyconf declares it, with its value
                actions = self._tap_and_hold_of_case(name)
                if actions is not None:
                    custom = next(c for c in self.customs if c.name == name)
                    tap, hold = (self._legend_of(a, ctx) for a in actions)
                    custom.legend = f"{tap}/{hold}"
                    custom.description = f"tap: {actions[0]}, hold: {actions[1]} (done by its C code)"
        layout.custom_keycodes = self.customs
        if used:
            self.warnings.append(
                f"{', '.join(used)}: layer-taps to layers keymaps[] lacks, which process_record_user catches by "
                "name (a tap and a hold of their own, as Oryx's dual-function keys): custom keycodes of the same "
                "value, whose C decides what they do (no empty layers added for them)"
            )

    @staticmethod
    def _legend_of(keycode: str, ctx: ParseContext) -> str:
        try:
            return REGISTRY.legend(REGISTRY.parse(keycode, ctx), ctx).tap
        except KeycodeError:
            return keycode  # a header's name (PL_03): shown as written

    def _tap_and_hold_of_case(self, name: str) -> tuple[str, str] | None:
        """What `case NAME:` of the C does on a tap and on a hold, when it is Oryx's dual-function
        form: `if (record->tap.count > 0) { ... register_code16(TAP) ... } else { ... register_code16(HOLD) ... }`
        then `return false`. For the key's legend and description only: the C stays as written."""
        raw = self.raw_tokens
        start = next((i for i in range(len(raw) - 2) if raw[i].is_("case") and raw[i + 1].text == name
                      and raw[i + 2].is_(":")), None)
        if start is None:
            return None
        end = next((i for i in range(start + 3, len(raw)) if raw[i].is_("return") or raw[i].is_("case")), len(raw))
        body = raw[start + 3 : end]
        texts = [t.text for t in body]
        if "tap" not in texts or "count" not in texts or "else" not in texts:
            return None
        pressed: list[str] = []
        for i, t in enumerate(body[:-1]):
            if t.text in ("register_code16", "register_code") and body[i + 1].is_("("):
                args, _ = split_call_arguments(body, i + 1)
                if len(args) == 1 and args[0] and (names_keycode(render(args[0])) or len(args[0]) == 1):
                    pressed.append(render(args[0]))
        return (pressed[0], pressed[1]) if len(pressed) == 2 else None

    def _add_layers_keys_name(self, layout: Layout) -> None:
        """`MO(3)` in a keymap of three layers: QMK reads a layer past keymaps[] as all KC_TRNS
        (and VIA's extra layers start so), so the layout gets such layers up to the last named."""
        self._layer_taps_the_c_catches(layout)
        ctx = keycode_context(layout)
        highest = -1
        for place in keycode_fields(layout):
            try:
                refs = REGISTRY.parse(place.text, ctx).layer_refs()
            except KeycodeError:
                continue
            highest = max([highest, *(r for r in refs if isinstance(r, int) and r <= 31)])
        count = len(layout.layers)
        if highest < count:
            return
        taken = set(layout.layer_names)
        for index in range(count, highest + 1):
            member = self.keyless_layers.get(index)
            name = layout_name_for_c_identifier(member) if member else default_layer_name(index)
            while name in taken:
                name += "_"
            taken.add(name)
            if member:
                self.renamed[member] = name  # the C kept still says ZERO: aliased to keyconf's name
            keys = ["KC_TRNS"] * (len(layout.layers[0].keys) if layout.layers else 0)
            layout.layers.append(Layer(name, keys))
        many = highest > count
        self.warnings.append(
            f"keys name layer{'s' if many else ''} {count}{f'–{highest}' if many else ''}, which keymaps[] does not "
            f"define: added as {'empty (KC_TRNS) layers' if many else 'an empty (KC_TRNS) layer'}, as QMK reads "
            "a layer past its keymap (and VIA's spare layers start so)"
        )
