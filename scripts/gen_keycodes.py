#!/usr/bin/env python3
"""Regenerate keyconf's keycode table (keyconf/model/keycodes/data/keycodes.json) from a QMK tree.

    python scripts/gen_keycodes.py QMK_HOME [--extra-spec DIR] [--legacy-rev REV] [-o OUT]

QMK_HOME is a qmk_firmware checkout or a bare git repository of one. From it this reads:
  * every keycode spec version (data/constants/keycodes), to record for each name the spec
    versions that know it and to map names QMK dropped to the keycode that replaced them;
  * when QMK_HOME is a git repository: every historical version of QMK's deprecation headers
    (quantum/quantum_keycodes_legacy.h, quantum/keycode_legacy.h), and the pre-renumbering
    headers at --legacy-rev (default: the last commit before the November 2022 renumbering),
    from which the legacy numbering (VIA protocol <= 10) and the pre-0.19 names come.
--extra-spec adds spec files newer than the tree (a file there replaces the tree's file of the
same name). The output holds facts only (names, values, versions); legends and descriptions are
written by hand in keyconf/model/keycodes/data/legends.txt.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hjson  # noqa: E402

from keyconf.formats.qmk_keycode_spec import (  # noqa: E402
    DirectorySource,
    GitSource,
    LayeredSource,
    Spec,
    SpecSource,
    list_versions,
    load_spec,
    version_key,
)

DEFAULT_OUT = ROOT / "keyconf/model/keycodes/data/keycodes.json"
LEGACY_HEADERS = ("quantum/quantum_keycodes_legacy.h", "quantum/keycode_legacy.h")
OLD_HEADERS = ("quantum/via.h", "quantum/keycode.h", "quantum/quantum_keycodes.h")  # VIA's keycodes first
RENUMBERING_DATE = "2022-11-26"  # master (first parent) before the 0.19 merge has the old numbering
# Values of constants the old enum refers to (quantum/sequencer/sequencer.h defaults, pre-0.19).
OLD_CONSTANTS = {"SEQUENCER_STEPS": 16, "SEQUENCER_RESOLUTIONS": 9, "SEQUENCER_TRACKS": 8}

# Dropped names whose successor the spec alone cannot tell (the value was reused, or the name
# changed along with its value). Facts from QMK's changelogs and spec files.
SUCCESSOR_OVERRIDES = {
    "QK_STENO_BOLT": "QK_STENO_MODE_BOLT",
    "QK_STENO_GEMINI": "QK_STENO_MODE_GEMINI",
    "QK_STENO_COMB": None,  # range markers, never keys
    "QK_STENO_COMB_MAX": None,
    "SAFE_RANGE": None,
}

# Pre-0.19 names QMK renamed without leaving a define behind, and VIA's own keycodes of protocol
# <= 10 (quantum/via.h): FN_MO13/FN_MO23 became TL_LOWR/TL_UPPR, MACRO00.. dynamic macros became
# QK_MACRO_n, USER00.. keyboard keycodes became QK_KB_n.
OLD_NAME_OVERRIDES = {
    "FN_MO13": "QK_TRI_LAYER_LOWER",
    "FN_MO23": "QK_TRI_LAYER_UPPER",
    "UNICODE_MODE_FORWARD": "QK_UNICODE_MODE_NEXT",
    "UNICODE_MODE_REVERSE": "QK_UNICODE_MODE_PREVIOUS",
    "UNICODE_MODE_MAC": "QK_UNICODE_MODE_MACOS",
    "UNICODE_MODE_LNX": "QK_UNICODE_MODE_LINUX",
    "UNICODE_MODE_WIN": "QK_UNICODE_MODE_WINDOWS",
    "UNICODE_MODE_BSD": "QK_UNICODE_MODE_BSD",
    "UNICODE_MODE_WINC": "QK_UNICODE_MODE_WINCOMPOSE",
    "UNICODE_MODE_EMACS": "QK_UNICODE_MODE_EMACS",
    "OUT_AUTO": "QK_OUTPUT_AUTO",
    "OUT_USB": "QK_OUTPUT_USB",
    "OUT_BT": "QK_OUTPUT_BLUETOOTH",
    "MI_SUS": "QK_MIDI_SUSTAIN",
    **{f"MACRO{n:02d}": f"QK_MACRO_{n}" for n in range(16)},
    **{f"USER{n:02d}": f"QK_KB_{n}" for n in range(16)},
    **{f"MACRO_{n}": f"QK_MACRO_{n}" for n in range(32)},
}
# Old enum members that are not keycodes a keymap holds (HID spec fillers, range markers, printer).
OLD_NOT_KEYCODES = re.compile(
    r"^(QK_\w+|SAFE_RANGE|UNUSED_\d+|SEQUENCER_\w+|KC_ROLL_OVER|KC_POST_FAIL|KC_UNDEFINED|PRINT_ON|PRINT_OFF)$"
)
# Configurator's MACRO_n keycodes held other values than VIA's dynamic macros; only VIA's count.
OLD_NO_LEGACY_VALUE = re.compile(r"^MACRO_\d+$")


@dataclass
class Tree:
    """A QMK tree: a checkout directory or a git directory."""

    path: Path
    git_dir: Path | None
    extra: Path | None

    @classmethod
    def open(cls, path: Path, extra: Path | None) -> Tree:
        git_dir: Path | None = None
        if (path / ".git").exists():
            git_dir = path / ".git"
        elif (path / "HEAD").exists() and (path / "objects").exists():
            git_dir = path
        return cls(path, git_dir, extra)

    def spec_source(self) -> SpecSource:
        base: SpecSource
        if (self.path / "data").exists():
            base = DirectorySource.for_tree(self.path)
        else:
            assert self.git_dir is not None, f"{self.path} is neither a QMK checkout nor a git repository"
            base = GitSource(self.git_dir)
        if self.extra:
            return LayeredSource((base, DirectorySource(self.extra)))
        return base

    def read(self, relpath: str) -> str | None:
        if (self.path / relpath).exists():
            return (self.path / relpath).read_text(encoding="utf-8")
        return self.show("HEAD", relpath) if self.git_dir else None

    def git(self, *args: str) -> str:
        assert self.git_dir is not None
        return subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], check=True, capture_output=True, text=True
        ).stdout

    def show(self, rev: str, path: str) -> str | None:
        try:
            return self.git("show", f"{rev}:{path}")
        except subprocess.CalledProcessError:
            return None


# --- C header reading (only what QMK's keycode headers use) -------------------------------------

_COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_DEFINE_ALIAS_RE = re.compile(
    r"^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", re.M
)
_DEFINE_EXPR_RE = re.compile(r"^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*?)\s*$", re.M)


def _preprocess(text: str, defined: set[str]) -> str:
    """Drop comments and resolve #ifdef/#ifndef/#if 0 blocks (VIA_ENABLE counts as defined)."""
    text = _COMMENT_RE.sub("", text)
    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # (this branch active, any branch taken)
    for line in text.splitlines():
        stripped = line.strip()
        directive = re.match(r"#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(.*)", stripped)
        active = all(a for a, _ in stack)
        if directive:
            kind, arg = directive.groups()
            if kind in ("ifdef", "ifndef", "if"):
                if kind == "ifdef":
                    cond = arg.strip() in defined
                elif kind == "ifndef":
                    cond = arg.strip() not in defined
                else:
                    name = re.match(r"defined\s*\(?\s*(\w+)", arg)
                    cond = (name.group(1) in defined) if name else arg.strip() not in ("0",)
                stack.append((cond, cond))
            elif kind in ("elif", "else") and stack:
                _, taken = stack[-1]
                cond = not taken
                stack[-1] = (cond, taken or cond)
            elif kind == "endif" and stack:
                stack.pop()
            continue
        if active:
            out.append(line)
    return "\n".join(out)


def _eval(expr: str, names: dict[str, int]) -> int | None:
    expr = expr.strip()
    tokens = re.findall(r"0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|<<|>>|[-+|&()~]", expr)
    if "".join(tokens) != re.sub(r"\s+", "", expr):
        return None
    parts = []
    for token in tokens:
        if re.match(r"[A-Za-z_]", token):
            if token not in names:
                return None
            parts.append(str(names[token]))
        else:
            parts.append(token)
    try:
        return int(eval(" ".join(parts), {"__builtins__": {}}, {}))  # noqa: S307 - digits and operators only
    except Exception:
        return None


def read_enums(text: str, names: dict[str, int]) -> list[tuple[str, int]]:
    """Members of every `enum { ... }` in order, evaluated like a C compiler would."""
    members: list[tuple[str, int]] = []
    for body in re.findall(r"enum\s*\w*\s*\{(.*?)\}", text, re.S):
        body = "\n".join(line for line in body.splitlines() if not line.strip().startswith("#"))
        current = -1
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                name, expr = (part.strip() for part in item.split("=", 1))
                value = _eval(expr, names)
                if value is None:
                    raise ValueError(f"cannot evaluate enum member {item!r}")
                current = value
            else:
                name = item
                current += 1
            names[name] = current
            members.append((name, current))
    return members


def read_aliases(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _DEFINE_ALIAS_RE.finditer(text)}


# --- the table ---------------------------------------------------------------------------------


@dataclass
class Entry:
    value: int
    key: str
    group: str
    label: str | None
    names: dict[str, list[str]] = field(default_factory=dict)  # name -> spec versions knowing it
    legacy: int | None = None


def _display_name(names: list[str]) -> str:
    """The canonical spelling: the shortest real name (QMK's short alias), QMK's key on a tie."""
    candidates = [n for n in names if re.search(r"[A-Z0-9]", n) and not re.fullmatch(r"X+|_+", n)]
    return min(candidates or names, key=lambda n: (len(n), names.index(n)))


def build(tree: Tree, legacy_rev: str | None) -> dict[str, object]:
    source = tree.spec_source()
    versions = list_versions(source)
    specs: dict[str, Spec] = {v: load_spec(source, v) for v in versions}
    latest = specs[versions[-1]]

    entries: dict[int, Entry] = {}
    name_to_value: dict[str, int] = {}
    for kc in latest.keycodes.values():
        entry = Entry(kc.value, kc.key, kc.group or "internal", kc.label)
        for name in (kc.key, *kc.aliases):
            entry.names[name] = []
            name_to_value[name] = kc.value
        entries[kc.value] = entry

    # Which versions know each name; names that were dropped, with their last version's entry.
    dropped: dict[str, tuple[str, int]] = {}  # name -> (last version, value there)
    versions_of: dict[str, list[str]] = {}
    for version in versions:
        for name, value in specs[version].names().items():
            versions_of.setdefault(name, []).append(version)
            if name not in name_to_value:
                dropped[name] = (version, value)
    for entry in entries.values():
        for name in entry.names:
            entry.names[name] = versions_of.get(name, [])

    former: dict[str, str] = {}  # old name -> current canonical QMK key
    report: list[str] = []

    def successor_in_spec(name: str) -> str | None:
        if name in SUCCESSOR_OVERRIDES:
            return SUCCESSOR_OVERRIDES[name]
        last, value = dropped[name]
        old = specs[last].keycodes[value]
        siblings = [n for n in (old.key, *old.aliases) if n in name_to_value]
        if siblings:
            return entries[name_to_value[siblings[0]]].key
        nxt = versions[versions.index(last) + 1]
        new = specs[nxt].keycodes.get(value)
        if new is not None and new.group == old.group:
            # Renamed in place (same value, same group): follow it to the newest name.
            for n in (new.key, *new.aliases):
                if n in name_to_value:
                    report.append(f"followed by value: {name} -> {entries[name_to_value[n]].key}")
                    return entries[name_to_value[n]].key
                if n in dropped and n != name:
                    return successor_in_spec(n)
        return None

    dropped_versions: dict[str, list[str]] = {}
    for name in sorted(dropped):
        dropped_versions[name] = versions_of[name]
        succ = successor_in_spec(name)
        if succ:
            former[name] = succ

    # QMK's deprecation headers, every version in history, and the pre-renumbering headers.
    legacy_values: dict[str, int] = {}
    if tree.git_dir is not None:
        header_aliases: dict[str, str] = {}
        revs = tree.git("log", "--format=%H", "--", *LEGACY_HEADERS).split()
        for rev in reversed(revs):  # oldest first so that newer definitions win
            for path in LEGACY_HEADERS:
                text = tree.show(rev, path)
                if text:
                    header_aliases.update(read_aliases(_COMMENT_RE.sub("", text)))
        rev = (
            legacy_rev
            or tree.git("rev-list", "-1", "--first-parent", f"--before={RENUMBERING_DATE}", "HEAD").strip()
        )
        old_values: dict[str, int] = dict(OLD_CONSTANTS)
        old_members: list[tuple[str, int]] = []
        old_aliases: dict[str, str] = {}
        for path in (*OLD_HEADERS, *LEGACY_HEADERS):
            text = tree.show(rev, path)
            if not text:
                continue
            text = _preprocess(text, {"VIA_ENABLE"})
            if path.endswith("via.h"):  # only its keycode enums, not the protocol's command ids
                text = "\n".join(re.findall(r"enum\s+(?:via|user)_keycodes\s*\{.*?\};", text, re.S))
            old_members += read_enums(text, old_values)
            for match in re.finditer(r"^\s*#\s*define\s+(KC_\w+)\s+(0x[0-9A-Fa-f]+)\s*$", text, re.M):
                old_members.append((match.group(1), int(match.group(2), 16)))  # KC_TRANSPARENT 0x01
            old_aliases.update(read_aliases(text))
        for name, target in {**old_aliases, **header_aliases}.items():
            header_aliases.setdefault(name, target)

        def resolve(name: str, seen: frozenset[str] = frozenset()) -> str | None:
            if name in OLD_NAME_OVERRIDES:
                return OLD_NAME_OVERRIDES[name]
            if name in name_to_value:
                return entries[name_to_value[name]].key
            if name in former:
                return former[name]
            if name in seen:
                return None
            target = header_aliases.get(name) or old_aliases.get(name)
            if target:
                return resolve(target, seen | {name})
            return None

        for name in sorted(set(header_aliases) | {m for m, _ in old_members}):
            if name in name_to_value or name in former:
                continue
            succ = resolve(name)
            if succ:
                former[name] = succ
        # Legacy numbering: each current keycode's value in the pre-renumbering (VIA) build.
        for name, value in old_members:
            succ = resolve(name)
            if succ is None:
                if not OLD_NOT_KEYCODES.match(name):
                    report.append(f"old keycode without successor: {name} = 0x{value:04X}")
                continue
            if not 0 <= value <= 0xFFFF or OLD_NO_LEGACY_VALUE.match(name):
                continue
            entry = entries[name_to_value_of(succ, entries)]
            if entry.legacy is None and value not in legacy_values.values():
                entry.legacy = value
                legacy_values[name] = value
        # Swap-hands keys were `QK_SWAP_HANDS | OP_SH_*` defines (not enum members) at the same values
        # as today: QK_SWAP_HANDS 0x5600 and OP_SH_TOGGLE 0xF0.. in the old action_code.h.
        for entry in entries.values():
            if entry.group == "swap_hands" and entry.legacy is None:
                entry.legacy = entry.value
        report.append(
            f"legacy numbering from {rev}: {sum(e.legacy is not None for e in entries.values())} keycodes"
        )

    # Former names that are also current names of something else never map away from it.
    former = {k: v for k, v in former.items() if k not in name_to_value and v is not None}
    for name in sorted(dropped):
        if name not in former and SUCCESSOR_OVERRIDES.get(name, "") is not None:
            report.append(f"dropped from the spec without successor: {name}")
    out_keycodes = []
    for entry in sorted(entries.values(), key=lambda e: e.value):
        names = list(entry.names)
        item: dict[str, object] = {
            "value": entry.value,
            "name": _display_name(names),
            "key": entry.key,
            "group": entry.group,
            "names": {n: _span(v, versions) for n, v in entry.names.items()},
        }
        if entry.label:
            item["label"] = entry.label
        if entry.legacy is not None:
            item["legacy"] = entry.legacy
        out_keycodes.append(item)
    key_to_display = {e["key"]: e["name"] for e in out_keycodes}
    out_former = {
        name: {
            "to": key_to_display[target],
            **({"spec": _span(dropped_versions[name], versions)} if name in dropped_versions else {}),
        }
        for name, target in sorted(former.items())
    }
    # US ANSI shifted symbols (KC_TILD = S(KC_GRAVE) ...), QMK's display aliases of mod combos.
    shifted = []
    us_text = tree.read("data/constants/keycodes/extras/keycodes_us_0.0.1.hjson")
    if us_text:
        for expr, item in hjson.loads(us_text).get("aliases", {}).items():
            shifted.append(
                {
                    "expr": expr,
                    "key": item["key"],
                    "aliases": item.get("aliases", []),
                    **({"label": item["label"]} if "label" in item else {}),
                }
            )
    for line in report:
        print(line, file=sys.stderr)
    return {
        "spec_versions": versions,
        "ranges": [[start, mask, define] for (start, mask), define in latest.ranges.items()],
        "keycodes": out_keycodes,
        "shifted": shifted,
        "former_names": out_former,
    }


def name_to_value_of(key: str, entries: dict[int, Entry]) -> int:
    for entry in entries.values():
        if entry.key == key:
            return entry.value
    raise KeyError(key)


def _span(known: list[str], versions: list[str]) -> list[str | None]:
    """[since, until): the first version knowing the name, the first later version that does not."""
    if not known:
        return [None, None]
    since = min(known, key=version_key)
    after = [v for v in versions if version_key(v) > version_key(max(known, key=version_key))]
    return [since, after[0] if after else None]


def dump(data: dict[str, object]) -> str:
    """JSON with one keycode (or former name) per line: small diffs when QMK adds keycodes."""
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    lines = ["{"]
    for index, (key, value) in enumerate(data.items()):
        end = "," if index < len(data) - 1 else ""
        if isinstance(value, list) and key in ("keycodes", "ranges", "shifted"):
            items = [json.dumps(item, **compact) for item in value]  # type: ignore[arg-type]
            lines.append(f' "{key}":[')
            lines += [f"  {item}," for item in items[:-1]] + [f"  {items[-1]}"]
            lines.append(f" ]{end}")
        elif isinstance(value, dict):
            lines.append(f' "{key}":{{')
            items = [f"  {json.dumps(k)}:{json.dumps(v, **compact)}" for k, v in value.items()]  # type: ignore[arg-type]
            lines += [item + "," for item in items[:-1]] + items[-1:]
            lines.append(f" }}{end}")
        else:
            lines.append(f" {json.dumps(key)}:{json.dumps(value, **compact)}{end}")  # type: ignore[arg-type]
    return "\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("qmk_home", type=Path)
    parser.add_argument("--extra-spec", type=Path, help="folder of extra keycodes_*.hjson files")
    parser.add_argument("--legacy-rev", help="git revision with the pre-renumbering headers")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data = build(Tree.open(args.qmk_home, args.extra_spec), args.legacy_rev)
    text = dump(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    keycodes, former, versions = data["keycodes"], data["former_names"], data["spec_versions"]
    assert isinstance(keycodes, list) and isinstance(former, dict) and isinstance(versions, list)
    span = f"{versions[0]}..{versions[-1]}"
    print(f"wrote {args.output}: {len(keycodes)} keycodes, {len(former)} former names, spec {span}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
