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
from keyconf.formats.keymap_c_statements import QUOTED_INCLUDE, own_includes, past_keymap_c_limits
from keyconf.formats.keymap_folder_c import keymap_folder_c_files
from keyconf.formats.user_headers import UserHeaders

# `[ \t]*`, not `\s*`: with re.M, `^\s*` retried at each of a run of blank lines is quadratic.
_ANY_QUOTED_INCLUDE = re.compile(r'#[ \t]*include[ \t]*"([^"\n]*)"')
_COMPILED = re.compile(r"^[ \t]*(?:SRC|INTROSPECTION_KEYMAP_C)[ \t]*[+:?]?=[ \t]*(.*?)[ \t]*$", re.M)
_MAX_BYTES = 512 * 1024  # a C file bigger than this is not read to look for keymaps[]
_MAX_READ = 4 * 1024 * 1024  # all the files one keymap's search reads together
_MAX_RULES_BYTES = 256 * 1024  # a rules.mk longer than this is read no further
_PRAGMA_ONCE = re.compile(r"^[ \t]*#[ \t]*pragma[ \t]+once\b.*$", re.M)


def defines_keymaps(tokens: list[Token]) -> bool:
    """Whether C tokens define a `keymaps[]` array (`keymaps[][MATRIX_ROWS][MATRIX_COLS] = {`), not only
    declare it (`extern const uint16_t keymaps[][...];`): an `=` after `keymaps[` before the next `;`.
    One pass (a file of many `keymaps[` without a `;` costs no more)."""
    after_keymaps = False
    for i, token in enumerate(tokens):
        if token.kind == "ident" and token.text == "keymaps" and i + 1 < len(tokens) and tokens[i + 1].is_("["):
            after_keymaps = True
        elif after_keymaps and token.is_(";"):
            after_keymaps = False
        elif after_keymaps and token.is_("="):
            return True
    return False


def _read_bounded(file: Path, limit: int) -> str | None:
    """The text of `file` when it is at most `limit` bytes and readable; else None."""
    try:
        if file.stat().st_size > limit:
            return None
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def keymaps_elsewhere(keymap: Path, text: str, keyboard: str = "") -> str | None:
    """The file holding the keymaps[] that `keymap` (a keymap.c where it lives, holding none) is built with:
    a header it includes, else a C file its folder's or its userspace's rules.mk compiles; named from the
    repository's top folder when that is known. None when no such file says so."""
    own = own_includes(text)
    headers = UserHeaders(keymap, [keymap.resolve().parent.name], own, keyboard)
    holder: Path | None = None
    for name in own:
        tokens = headers.tokens(name)
        if tokens and defines_keymaps(tokens):
            holder = headers.found(name)
            break
    looked: set[Path] = {keymap.resolve()}
    budget = _MAX_READ
    for folder in [headers.keymap_folder, *headers.userspaces]:
        rules = folder / "rules.mk"
        if holder is not None or not is_file_at(rules) or not headers.holds(rules):
            continue
        try:
            with rules.open(encoding="utf-8", errors="replace") as handle:
                rules_text = handle.read(_MAX_RULES_BYTES)
        except OSError:
            continue
        for words in _COMPILED.findall(rules_text):
            for word in dict.fromkeys(words.split()):
                file = folder / word
                if not word.endswith(".c") or "$" in word or not is_file_at(file) or not headers.holds(file):
                    continue  # a path make builds, or one leading out of the repository, is not followed
                if file.resolve() in looked:
                    continue
                looked.add(file.resolve())
                source = _read_bounded(file, min(_MAX_BYTES, budget))
                if source is None:
                    continue
                budget -= len(source)
                try:
                    tokens = tokenize(source, file)
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


def _holds_no_keymaps(text: str) -> bool:
    """Whether a keymap.c is one whose keymaps[] may be elsewhere: within the reader's limits (past them,
    the reader refuses it at the place the limit is passed), readable, and defining no keymaps[]."""
    if past_keymap_c_limits(text) is not None:
        return False
    try:
        return not defines_keymaps(tokenize(text))
    except FormatError:
        return False


def with_its_header_keymaps(keymap: Path, text: str, keyboard: str = "",
                            processor: str | None = None) -> tuple[str, str] | None:
    """The keymap.c `text` as the compiler reads it when it holds no keymaps[] and a header it includes does
    (`#include "sofle_keymap.h"` beside it, a generated `gen_keymap.h`, a userspace's `base.h` or `vandalt.c`):
    the header's text in place of the #include line (its `#pragma once` left out: the text is read once; a
    second #include of it dropped), and the include's name. Only where that reads as the original did: the
    header's own includes resolve the same from the keymap (it sits in a folder of the build's include path,
    or includes nothing beside it), and no C file the layout carries includes it again (its keymaps[] would
    be defined twice). None otherwise (keymaps_elsewhere names the file holding them)."""
    if not _holds_no_keymaps(text):
        return None
    own = own_includes(text)
    headers = UserHeaders(keymap, [keymap.resolve().parent.name], own, keyboard)
    on_path = {folder.resolve() for folder in [headers.keymap_folder, *headers.folders]}
    budget = _MAX_READ
    for name in own:
        # Where QMK's build finds it, inside the user's repository or userspace (not `/x.h`, `../../x.h`,
        # or a link out of the folder: its text would become the layout's).
        file = next((folder / name for folder in headers.folders
                     if is_file_at(folder / name) and headers.holds(folder / name)), None)
        header = _read_bounded(file, min(_MAX_BYTES, budget)) if file is not None else None
        if file is None or header is None:
            continue
        budget -= len(header)
        try:
            if not defines_keymaps(tokenize(header, file)):
                continue
        except FormatError:
            continue
        beside = [inc for inc in QUOTED_INCLUDE.findall(header) if is_file_at(file.parent / inc)]
        if beside and file.parent.resolve() not in on_path:
            return None  # its includes would resolve elsewhere from the keymap's folder
        match = next(m for m in QUOTED_INCLUDE.finditer(text) if m.group(1) == name)
        again = re.compile(rf'^[ \t]*#[ \t]*include[ \t]*"{re.escape(name)}"', re.M)
        spliced = text[: match.start()] + _PRAGMA_ONCE.sub("", header) + again.sub("", text[match.end():])
        carried = keymap_folder_c_files(keymap, spliced, keyboard, processor).files
        if any(c_file.text is not None and _includes_file(c_file.text, file.name) for c_file in carried):
            return None
        return spliced, name
    return None


def _includes_file(text: str, name: str) -> bool:
    """Whether C `text` has an `#include "…/name"` (a path ending in the file's name)."""
    return any(found.rsplit("/", 1)[-1] == name for found in _ANY_QUOTED_INCLUDE.findall(text))


def with_its_introspected_keymaps(keymap: Path, text: str, keyboard: str = "",
                                  processor: str | None = None) -> tuple[str, str] | None:
    """The keymap.c `text` as the compiler reads it when it holds no keymaps[] and the file a rules.mk of its
    folder or userspace names as INTROSPECTION_KEYMAP_C does (users/<name>/<name>.c; miryoku's
    manna-harbour_miryoku.c): QMK includes that file after the keymap, in its translation unit, so its text
    follows the keymap's; with that file's path as the layout would carry it (it is not carried then)."""
    if not _holds_no_keymaps(text):
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
