#!/usr/bin/env python3
"""Regenerate keyconf's host-language table (keyconf/model/keycodes/data/languages.json) from a QMK tree.

    python tools/gen_languages.py QMK_HOME [--commit SHA] [-o OUT]

QMK_HOME is a qmk_firmware checkout. From it this reads data/constants/keycodes/extras/
keycodes_<language>_<version>.hjson (QMK's keycode spec of each host language of keymap_extras:
the alias each keycode has when the computer types in that language, and what it types), the
newest version of each, and which keymap_<language>.h and sendstring_<language>.h headers
quantum/keymap_extras holds. US English is left out: its shifted names (KC_EXLM ...) are part of
QMK's main keycode spec, which scripts/gen_keycodes.py reads.

An alias of QMK's data may be written in terms of the same language's aliases (`S(DE_1)`); the
table holds it in terms of KC_ keycodes (`S(KC_1)`), which keyconf's registry reads.
The output records its source, the tree's commit (--commit, as QMK_HOME has no .git) and the licence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import hjson

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "keyconf/model/keycodes/data/languages.json"
SPEC_DIR = "data/constants/keycodes/extras"
HEADER_DIR = "quantum/keymap_extras"
LICENSE = "GPL-2.0-or-later (QMK Firmware's keycode data)"
SPEC_FILE = re.compile(r"^keycodes_(?P<name>[a-z0-9_]+)_(?P<version>\d+\.\d+\.\d+)\.hjson$")
NAME = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
# Titles where QMK's file name does not spell the language as people do.
TITLES = {
    "uk": "UK English", "us_extended": "US English (extended)", "us_international": "US International",
    "us_international_linux": "US International (Linux)", "swiss_de": "Swiss German", "swiss_fr": "Swiss French",
    "brazilian_abnt2": "Brazilian (ABNT2)", "bepo": "BÉPO", "neo2": "Neo 2", "eurkey": "EurKEY",
    "turkish_f": "Turkish F", "turkish_q": "Turkish Q", "dvorak_fr": "Dvorak (French)",
    "lithuanian_azerty": "Lithuanian (AZERTY)", "lithuanian_qwerty": "Lithuanian (QWERTY)",
    "workman_zxcvm": "Workman (ZXCVM)", "plover_dvorak": "Plover (Dvorak)",
}  # fmt: skip


def title(name: str) -> str:
    if name in TITLES:
        return TITLES[name]
    words = name.split("_")
    mac = words[-2:] in (["mac", "iso"], ["mac", "ansi"])
    base = " ".join(w.capitalize() for w in (words[:-2] if mac else words))
    return f"{base} (Mac {words[-1].upper()})" if mac else base


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def newest_specs(tree: Path) -> dict[str, Path]:
    found: dict[str, tuple[tuple[int, ...], Path]] = {}
    for path in sorted((tree / SPEC_DIR).glob("keycodes_*.hjson")):
        match = SPEC_FILE.match(path.name)
        if not match:
            continue
        key = version_key(match["version"])
        if match["name"] not in found or key > found[match["name"]][0]:
            found[match["name"]] = (key, path)
    return {name: path for name, (_, path) in sorted(found.items())}


def language_entry(tree: Path, name: str, spec: Path) -> dict[str, object]:
    data = hjson.loads(spec.read_text("utf-8"))
    targets: dict[str, str] = {}
    aliases: list[list[object]] = []
    for expr, item in data["aliases"].items():

        def expand(match: re.Match[str]) -> str:
            return targets.get(match.group(0), match.group(0))

        target = NAME.sub(expand, expr)
        names = [item["key"], *item.get("aliases", [])]
        for alias in names:
            targets[alias] = target
        aliases.append([item["key"], target, item.get("label", ""), item.get("aliases", [])])
    header = tree / HEADER_DIR / f"keymap_{name}.h"
    sendstring = tree / HEADER_DIR / f"sendstring_{name}.h"
    return {
        "title": title(name),
        "spec": spec.name,
        "header": header.name if header.exists() else None,
        "sendstring": sendstring.name if sendstring.exists() else None,
        "aliases": aliases,
    }


def build(tree: Path, commit: str) -> dict[str, object]:
    languages = {
        name: language_entry(tree, name, spec) for name, spec in newest_specs(tree).items() if name != "us"
    }
    return {
        "source": f"qmk/qmk_firmware {SPEC_DIR}/keycodes_*.hjson and {HEADER_DIR}/*.h",
        "commit": commit,
        "license": LICENSE,
        "generated_by": "tools/gen_languages.py",
        "languages": languages,
    }


def dump(data: dict[str, object]) -> str:
    """One alias a line: the file diffs well when QMK changes a language."""
    head = {k: v for k, v in data.items() if k != "languages"}
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    lines.append('  "languages": {')
    languages = data["languages"]
    assert isinstance(languages, dict)
    for li, (name, entry) in enumerate(languages.items()):
        fields = {k: v for k, v in entry.items() if k != "aliases"}
        lines.append(f"    {json.dumps(name)}: {{")
        lines += [f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in fields.items()]
        lines.append('      "aliases": [')
        rows = [f"        {json.dumps(row, ensure_ascii=False)}" for row in entry["aliases"]]
        lines.append(",\n".join(rows))
        lines.append("      ]")
        lines.append("    }" + ("," if li < len(languages) - 1 else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qmk_home", type=Path)
    parser.add_argument("--commit", default="unknown", help="the tree's QMK commit, recorded in the output")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.qmk_home / SPEC_DIR).is_dir():
        print(f"{args.qmk_home} has no {SPEC_DIR}: is it a qmk_firmware tree?", file=sys.stderr)
        return 2
    data = build(args.qmk_home, args.commit)
    args.output.write_text(dump(data), "utf-8")
    json.loads(args.output.read_text("utf-8"))  # the hand-made layout stays valid JSON
    count = sum(len(e["aliases"]) for e in data["languages"].values())  # type: ignore[union-attr]
    print(f"{args.output}: {len(data['languages'])} languages, {count} aliases")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
