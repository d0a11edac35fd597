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


def with_its_header_keymaps(keymap: Path, text: str) -> tuple[str, str] | None:
    """The keymap.c `text` as the compiler reads it when it holds no keymaps[] and a header beside it that it
    includes does (`#include "sofle_keymap.h"`, a generated `gen_keymap.h`): the header's text in place of
    the #include line (its `#pragma once` left out: the text is read once; a second #include of it dropped),
    and the header's name. Only a header of the keymap's own folder that no other file there or in its
    userspace includes: its includes resolve as they did, and no file the layout carries includes the
    keymaps[] a second time. None otherwise (keymaps_elsewhere names the file holding them)."""
    try:
        if defines_keymaps(tokenize(text)):
            return None
    except FormatError:
        return None
    folder = keymap.resolve().parent
    for match in _QUOTED_INCLUDE.finditer(text):
        name = match.group(1)
        file = folder / name
        if "/" in name or "\\" in name or is_qmk_header(name) or not is_file_at(file):
            continue
        if file.stat().st_size > _MAX_BYTES:
            continue
        header = file.read_text(encoding="utf-8", errors="replace")
        try:
            if not defines_keymaps(tokenize(header, file)):
                continue
        except FormatError:
            continue
        again = re.compile(rf'^\s*#\s*include\s*"{re.escape(name)}"', re.M)
        if _included_elsewhere(keymap, file, again):
            return None
        rest = again.sub("", text[match.end():])
        return text[: match.start()] + _PRAGMA_ONCE.sub("", header) + rest, name
    return None


_MAX_LOOKED_AT = 400  # files of a keymap's folder and userspace looked through for another #include of a header


def _included_elsewhere(keymap: Path, header: Path, include: re.Pattern[str]) -> bool:
    """Whether a C file of the keymap's folder or of its userspace, other than the keymap.c and the header,
    includes the header (`#include "sofle_keymap.h"` in a feature's header); True when there are too many to
    look through."""
    headers = UserHeaders(keymap, [keymap.resolve().parent.name])
    mine = {keymap.resolve(), header.resolve()}
    looked = 0
    for folder in [headers.keymap_folder, *headers.userspaces]:
        for file in sorted(folder.rglob("*")):
            if file.suffix not in (".c", ".h", ".inc") or file.resolve() in mine or not is_file_at(file):
                continue
            looked += 1
            if looked > _MAX_LOOKED_AT:
                return True
            if file.stat().st_size <= _MAX_BYTES and include.search(file.read_text(encoding="utf-8", errors="replace")):
                return True
    return False


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
