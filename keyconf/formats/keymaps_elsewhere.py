"""Where the layers of a keymap.c that holds no `keymaps[]` are, for the import to say which file to read.

A userspace often keeps one keymap for several boards outside each board's keymap.c: in a header the
keymap.c includes (`#include "shared/layout.h"`, a generated `keymap.h`), or in a C file its rules.mk
compiles with it (users/<name>/<name>.c named as `INTROSPECTION_KEYMAP_C` or `SRC`), and the keymap.c
holds only its own hooks. QMK builds them together; keyconf imports the keymaps[] of the file it is given,
so the user is told which file holds it. Files are found as QMK's build finds them (`UserHeaders`); none
is run, and only what they define is looked at."""

from __future__ import annotations

import re
from pathlib import Path

from keyconf.formats.c_source import Token, tokenize
from keyconf.formats.c_source_file import is_file_at
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_statements import is_qmk_header
from keyconf.formats.user_headers import UserHeaders

_QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
_COMPILED = re.compile(r"^\s*(?:SRC|INTROSPECTION_KEYMAP_C)\s*[+:?]?=\s*(.*?)\s*$", re.M)
_MAX_BYTES = 512 * 1024  # a C file bigger than this is not read to look for keymaps[]


def defines_keymaps(tokens: list[Token]) -> bool:
    """Whether C tokens define a `keymaps[]` array (`keymaps[][MATRIX_ROWS][MATRIX_COLS] = {`), not only
    declare it (`extern const uint16_t keymaps[][...];`)."""
    for i, token in enumerate(tokens[:-1]):
        if token.kind == "ident" and token.text == "keymaps" and tokens[i + 1].is_("["):
            for following in tokens[i + 2 :]:
                if following.is_(";"):
                    break
                if following.is_("="):
                    return True
    return False


def keymaps_elsewhere(keymap: Path, text: str, keyboard: str = "") -> str | None:
    """The file holding the keymaps[] that `keymap` (a keymap.c where it lives, holding none) is built with:
    a header it includes, else a C file its folder's or its userspace's rules.mk compiles; named from the
    repository's top folder when that is known. None when no such file says so."""
    own = [name for name in _QUOTED_INCLUDE.findall(text) if not is_qmk_header(name) and name != "config.h"]
    headers = UserHeaders(keymap, [keymap.resolve().parent.name], own, keyboard)
    holder: Path | None = None
    for name in own:
        tokens = headers.tokens(name)
        if tokens and defines_keymaps(tokens):
            holder = headers.found(name)
            break
    for folder in [headers.keymap_folder, *headers.userspaces]:
        rules = folder / "rules.mk"
        if holder is not None or not is_file_at(rules):
            continue
        for words in _COMPILED.findall(rules.read_text(encoding="utf-8", errors="replace")):
            for word in words.split():
                file = folder / word
                if (word.endswith(".c") and "$" not in word and is_file_at(file)
                        and file.resolve() != keymap.resolve() and file.stat().st_size <= _MAX_BYTES):
                    try:
                        tokens = tokenize(file.read_text(encoding="utf-8", errors="replace"), file)
                    except FormatError:
                        continue
                    if defines_keymaps(tokens):
                        holder = file
                        break
            if holder is not None:
                break
    if holder is None:
        return None
    resolved = holder.resolve()
    if headers.root is not None and resolved.is_relative_to(headers.root.resolve()):
        return resolved.relative_to(headers.root.resolve()).as_posix()
    return str(resolved)
