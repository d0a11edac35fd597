"""Where the layers of a keymap.c that holds no `keymaps[]` are, for the import to say which file to read.

A userspace often keeps one keymap for several boards outside each board's keymap.c: in a header the
keymap.c includes (`#include "shared/layout.h"`, a generated `keymap.h`), or in a C file its rules.mk
compiles with it (users/<name>/<name>.c named as `INTROSPECTION_KEYMAP_C` or `SRC`), and the keymap.c
holds only its own hooks. QMK builds them together. A header beside the keymap.c is read as the compiler
reads it, in place of its #include (`with_its_header_keymaps`), and so is an INTROSPECTION_KEYMAP_C file,
which QMK includes after the keymap (`with_its_introspected_keymaps`); for the others the user is told which
file holds the keymaps[] (`keymaps_elsewhere`), keyconf importing the keymaps[] of the file it is given. Files are
found as QMK's build finds them (`UserHeaders`); none is run, and only what they define is looked at."""

from __future__ import annotations

import re
from pathlib import Path

from keyconf.formats.c_source import Token, tokenize
from keyconf.formats.c_source_file import is_file_at
from keyconf.formats.format_error import FormatError
from keyconf.formats.keymap_c_statements import is_qmk_header
from keyconf.formats.keymap_folder_c import keymap_folder_c_files
from keyconf.formats.user_headers import UserHeaders

_QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
_COMPILED = re.compile(r"^\s*(?:SRC|INTROSPECTION_KEYMAP_C)\s*[+:?]?=\s*(.*?)\s*$", re.M)
_MAX_BYTES = 512 * 1024  # a C file bigger than this is not read to look for keymaps[]
_PRAGMA_ONCE = re.compile(r"^[ \t]*#[ \t]*pragma[ \t]+once\b.*$", re.M)


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


def with_its_header_keymaps(keymap: Path, text: str, keyboard: str = "",
                            processor: str | None = None) -> tuple[str, str] | None:
    """The keymap.c `text` as the compiler reads it when it holds no keymaps[] and a header it includes does
    (`#include "sofle_keymap.h"` beside it, a generated `gen_keymap.h`, a userspace's `base.h` or `vandalt.c`):
    the header's text in place of the #include line (its `#pragma once` left out: the text is read once; a
    second #include of it dropped), and the include's name. Only where that reads as the original did: the
    header's own includes resolve the same from the keymap (it sits in a folder of the build's include path,
    or includes nothing beside it), and no C file the layout carries includes it again (its keymaps[] would
    be defined twice). None otherwise (keymaps_elsewhere names the file holding them)."""
    try:
        if defines_keymaps(tokenize(text)):
            return None
    except FormatError:
        return None
    own = [name for name in _QUOTED_INCLUDE.findall(text) if not is_qmk_header(name) and name != "config.h"]
    headers = UserHeaders(keymap, [keymap.resolve().parent.name], own, keyboard)
    on_path = {folder.resolve() for folder in [headers.keymap_folder, *headers.folders]}
    for match in _QUOTED_INCLUDE.finditer(text):
        name = match.group(1)
        if name not in own:
            continue
        file = next((folder / name for folder in headers.folders if is_file_at(folder / name)), None)
        if file is None or file.stat().st_size > _MAX_BYTES:
            continue
        header = file.read_text(encoding="utf-8", errors="replace")
        try:
            if not defines_keymaps(tokenize(header, file)):
                continue
        except FormatError:
            continue
        beside = [inc for inc in _QUOTED_INCLUDE.findall(header) if is_file_at(file.parent / inc)]
        if beside and file.parent.resolve() not in on_path:
            return None  # its includes would resolve elsewhere from the keymap's folder
        again = re.compile(rf'^\s*#\s*include\s*"{re.escape(name)}"', re.M)
        spliced = text[: match.start()] + _PRAGMA_ONCE.sub("", header) + again.sub("", text[match.end():])
        including = re.compile(rf'#\s*include\s*"(?:[^"]*/)?{re.escape(file.name)}"')
        carried = keymap_folder_c_files(keymap, spliced, keyboard, processor).files
        if any(c_file.text is not None and including.search(c_file.text) for c_file in carried):
            return None
        return spliced, name
    return None


def with_its_introspected_keymaps(keymap: Path, text: str, keyboard: str = "",
                                  processor: str | None = None) -> tuple[str, str] | None:
    """The keymap.c `text` as the compiler reads it when it holds no keymaps[] and the file a rules.mk of its
    folder or userspace names as INTROSPECTION_KEYMAP_C does (users/<name>/<name>.c; miryoku's
    manna-harbour_miryoku.c): QMK includes that file after the keymap, in its translation unit, so its text
    follows the keymap's; with that file's path as the layout would carry it (it is not carried then)."""
    try:
        if defines_keymaps(tokenize(text)):
            return None
    except FormatError:
        return None
    files = keymap_folder_c_files(keymap, text, keyboard, processor)
    introspected = next((f for f in files.files if f.path == files.introspection and f.text is not None), None)
    if introspected is None or introspected.text is None:
        return None
    try:
        if not defines_keymaps(tokenize(introspected.text)):
            return None
    except FormatError:
        return None
    return text.rstrip("\n") + "\n\n" + introspected.text, introspected.path
