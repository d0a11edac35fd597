"""A stand-in for `keyconf.model.keycodes` used only until the real registry is on main.

Installed by conftest when the real module cannot be imported; it follows the contract in
docs/architecture.md (parse/format/legend/group/describe/search/get/rename_layer)."""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass, field

_BASIC = {f"KC_{c}": c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_BASIC.update({f"KC_{d}": d for d in "1234567890"})
_BASIC.update({"KC_SPC": "Space", "KC_ENT": "Enter", "KC_ESC": "Esc", "KC_BSPC": "Bksp", "KC_TAB": "Tab",
               "KC_LEFT": "←", "KC_RGHT": "→", "KC_UP": "↑", "KC_DOWN": "↓", "KC_COMM": ",", "KC_DOT": ".",
               "KC_SCLN": ";", "KC_SLSH": "/", "KC_QUOT": "'", "KC_MINS": "-", "KC_EQL": "=", "KC_GRV": "`",
               "KC_LBRC": "[", "KC_RBRC": "]", "KC_BSLS": "\\", "KC_CAPS": "Caps"})
_MODS = {"KC_LCTL": "Ctrl", "KC_LSFT": "Shift", "KC_LALT": "Alt", "KC_LGUI": "GUI", "KC_RCTL": "RCtrl",
         "KC_RSFT": "RShift", "KC_RALT": "AltGr", "KC_RGUI": "RGUI"}
_MEDIA = {"KC_VOLU": "Vol+", "KC_VOLD": "Vol-", "KC_MPLY": "Play", "KC_MUTE": "Mute"}
_QUANTUM = {"QK_BOOT": "Boot", "KC_NO": "", "KC_TRNS": "▽"}
_LAYER_FNS = {"MO", "TG", "TO", "OSL", "TT", "DF"}


class KeycodeError(ValueError):
    def __init__(self, message, column=0, hint=None):
        super().__init__(message)
        self.message, self.column, self.hint = message, column, hint


@dataclass
class ParseContext:
    layers: list = field(default_factory=list)
    tap_dances: list = field(default_factory=list)


@dataclass(frozen=True)
class Keycode:
    name: str
    args: tuple = ()

    def layer_refs(self):
        refs = []
        for a in self.args:
            if isinstance(a, Keycode):
                refs += a.layer_refs()
            elif self.name in _LAYER_FNS | {"LT"}:
                refs.append(a)
        return refs


@dataclass(frozen=True)
class Legend:
    tap: str
    hold: str | None = None


@dataclass(frozen=True)
class KeycodeDef:
    name: str
    aliases: tuple
    group: str
    label: str
    description: str


_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\d+|[(),|])")


class _Registry:
    def __init__(self):
        self.defs = {}
        for table, group in ((_BASIC, "basic"), (_MODS, "modifiers"), (_MEDIA, "media"), (_QUANTUM, "quantum")):
            for name, label in table.items():
                self.defs[name] = KeycodeDef(name, (), group, label, f"{label or name} key")
        self.defs["KC_TRNS"] = KeycodeDef("KC_TRNS", ("_______", "KC_TRANSPARENT"), "internal", "", "Transparent")
        self.defs["KC_NO"] = KeycodeDef("KC_NO", ("XXXXXXX",), "internal", "", "Nothing")

    def get(self, name):
        for d in self.defs.values():
            if name == d.name or name in d.aliases:
                return d
        return None

    def parse(self, text, ctx):
        tokens = [(m.group(1), m.start(1)) for m in _TOKEN.finditer(text)]
        if "".join(t for t, _ in tokens) != re.sub(r"\s", "", text):
            raise KeycodeError(f"cannot read {text!r}", 0)
        pos = 0

        def expr():
            nonlocal pos
            if pos >= len(tokens):
                raise KeycodeError("expression ends early", len(text))
            tok, col = tokens[pos]
            pos += 1
            if pos < len(tokens) and tokens[pos][0] == "(":
                pos += 1
                args = []
                while True:
                    if tok in _LAYER_FNS or (tok == "LT" and not args) or (tok == "TD"):
                        name, c = tokens[pos]
                        pos += 1
                        known = ctx.layers if tok != "TD" else ctx.tap_dances
                        if name not in known and not name.isdigit():
                            raise KeycodeError(f"unknown layer {name}", c, "add the layer")
                        args.append(name)
                    elif tok == "MT" and not args:
                        mods = [tokens[pos][0]]
                        pos += 1
                        while tokens[pos][0] == "|":
                            mods.append(tokens[pos + 1][0])
                            pos += 2
                        args.append("|".join(mods))
                    else:
                        args.append(expr())
                    if tokens[pos][0] == ",":
                        pos += 1
                        continue
                    if tokens[pos][0] == ")":
                        pos += 1
                        break
                    raise KeycodeError("expected , or )", tokens[pos][1])
                return Keycode(tok, tuple(args))
            d = self.get(tok)
            if d is None:
                raise KeycodeError(f"unknown keycode {tok}", col, "check the name")
            return Keycode(d.name)

        try:
            kc = expr()
        except IndexError:
            raise KeycodeError("expression ends early", len(text)) from None
        if pos != len(tokens):
            raise KeycodeError("unexpected text", tokens[pos][1])
        return kc

    def format(self, kc):
        if not kc.args:
            return kc.name
        return f"{kc.name}({', '.join(self.format(a) if isinstance(a, Keycode) else a for a in kc.args)})"

    def legend(self, kc):
        if kc.name == "LT":
            return Legend(self.legend(kc.args[1]).tap, kc.args[0])
        if kc.name == "MT":
            return Legend(self.legend(kc.args[1]).tap, kc.args[0].replace("MOD_L", "").title())
        if kc.name in _LAYER_FNS:
            return Legend(f"{kc.name} {kc.args[0]}")
        if kc.args:
            return Legend(f"{kc.name}+{self.legend(kc.args[0]).tap}")
        return Legend(self.defs[kc.name].label)

    def group(self, kc):
        if kc.name in _LAYER_FNS | {"LT"}:
            return "layer"
        if kc.name == "MT":
            return "mod_tap"
        if kc.args:
            return "modifiers"
        return self.defs[kc.name].group

    def describe(self, kc):
        return f"{self.format(kc)} (fake)"

    def search(self, query):
        q = query.lower()
        return [d for d in self.defs.values()
                if q in d.name.lower() or q in d.label.lower() or q in d.description.lower()]

    def rename_layer(self, text, old, new, ctx):
        try:
            kc = self.parse(text, ctx)
        except KeycodeError:
            return text
        if old not in kc.layer_refs():
            return text

        def ren(k):
            args = tuple(ren(a) if isinstance(a, Keycode) else (new if a == old and k.name in _LAYER_FNS | {"LT"}
                                                                    else a) for a in k.args)
            return Keycode(k.name, args)

        return self.format(ren(kc))


def install() -> None:
    module = types.ModuleType("keyconf.model.keycodes")
    module.REGISTRY = _Registry()
    module.ParseContext = ParseContext
    module.KeycodeError = KeycodeError
    module.Keycode = Keycode
    module.Legend = Legend
    sys.modules["keyconf.model.keycodes"] = module
    import keyconf.model

    keyconf.model.keycodes = module
