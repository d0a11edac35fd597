#!/usr/bin/env python3
"""Regenerate the host languages' former alias names (keyconf/model/keycodes/data/former_language_aliases.json).

    python tools/gen_former_language_aliases.py QMK_GIT_DIR [--commit SHA] [-o OUT]

QMK_GIT_DIR is a git repository of qmk_firmware with its history (a bare mirror will do). In July
2021 QMK removed the deprecated names of its keymap_extras headers (commit 50d4dfd2e6, "keymap_extras:
Remove deprecated defines", #12949): `#define SE_AA SE_ARNG`, `#define SE_OSLH SE_ODIA` and some 900
more. Keymaps written before then, and ZSA's Oryx source downloads, still use them. This reads the
`#define OLD NEW` lines that commit deleted from each keymap_<language>.h, follows a chain of old
names to its end, and keeps the names whose end is an alias of the same language in keyconf's
languages.json (tools/gen_languages.py) or a KC_ keycode: the registry then reads SE_AA as SE_ARNG.
Headers QMK had renamed before (keymap_fr_ch.h is swiss_fr) count as today's language. Names that
stood for an expression (`S(SE_LCBR)`) are counted and left out. The output records its
source, the commit and the licence.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "keyconf/model/keycodes/data/former_language_aliases.json"
LANGUAGES = ROOT / "keyconf/model/keycodes/data/languages.json"
REMOVAL_COMMIT = "50d4dfd2e65904234d7ee138b57eccd4b6664e1f"
LICENSE = "GPL-2.0-or-later (QMK Firmware's keycode data)"
# Headers QMK renamed before it removed their old names: the language each is today.
RENAMED = {
    "fr_ch": "swiss_fr", "german_ch": "swiss_de", "german_osx": "german_mac_iso", "french_osx": "french_mac_iso",
    "italian_osx_ansi": "italian_mac_ansi", "italian_osx_iso": "italian_mac_iso", "br_abnt2": "brazilian_abnt2",
    "jp": "japanese",
}  # fmt: skip
KC_NAME = re.compile(r"^KC_[A-Z0-9_]+$")
FILE = re.compile(r"^diff --git a/quantum/keymap_extras/keymap_(?P<name>[a-z0-9_]+)\.h ")
DEFINE = re.compile(r"^-#\s*define\s+(?P<old>[A-Z][A-Z0-9_]*)\s+(?P<new>[A-Z][A-Z0-9_]*)\s*(?://.*)?$")


def removed_defines(git_dir: Path, commit: str) -> dict[str, dict[str, str]]:
    """Per language, the `#define OLD NEW` lines the commit deleted (NEW a plain name)."""
    diff = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", "--format=", commit, "--", "quantum/keymap_extras"],
        capture_output=True, text=True, check=True,
    ).stdout
    found: dict[str, dict[str, str]] = {}
    language = None
    for line in diff.splitlines():
        header = FILE.match(line)
        if header:
            language = header["name"]
            continue
        define = DEFINE.match(line)
        if define and language is not None:
            found.setdefault(language, {})[define["old"]] = define["new"]
    return found


def build(git_dir: Path, commit: str) -> tuple[dict[str, object], int]:
    current = json.loads(LANGUAGES.read_text("utf-8"))["languages"]
    languages: dict[str, dict[str, str]] = {}
    left_out = 0
    for header, defines in sorted(removed_defines(git_dir, commit).items()):
        language = RENAMED.get(header, header)
        if language not in current:
            left_out += len(defines)
            continue
        names = {row[0] for row in current[language]["aliases"]}
        names |= {other for row in current[language]["aliases"] for other in row[3]}
        kept: dict[str, str] = {}
        for old in defines:
            new, seen = defines[old], {old}
            while new in defines and new not in seen:  # an old name for another old name
                seen.add(new)
                new = defines[new]
            if (new in names or KC_NAME.match(new)) and old not in names:
                kept[old] = new  # today's alias, or a plain keycode (UK_ESC was KC_ESC)
            else:
                left_out += 1
        if kept:
            languages[language] = dict(sorted({**languages.get(language, {}), **kept}.items()))
    return {
        "source": "qmk/qmk_firmware quantum/keymap_extras/keymap_*.h: the deprecated names commit "
                  f"{REMOVAL_COMMIT[:10]} removed",
        "commit": commit,
        "license": LICENSE,
        "generated_by": "tools/gen_former_language_aliases.py",
        "languages": languages,
    }, left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path, help="a qmk_firmware git repository with its history")
    parser.add_argument("--commit", default=REMOVAL_COMMIT, help="the commit that removed the names")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data, left_out = build(args.git_dir, args.commit)
    args.output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    languages = data["languages"]
    assert isinstance(languages, dict)
    count = sum(len(names) for names in languages.values())
    print(f"{args.output}: {count} former names of {len(languages)} languages ({left_out} left out: an "
          "expression, a KC_ keycode, or a language keyconf lacks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
