"""The user's own C headers a keymap's keys come from, found where QMK's build finds them.

QMK compiles a keymap (a keymap.c, or the keymap.c it generates from a keymap.json) with the
keymap's folder, the keyboard's folders above it and the userspace `users/<USER_NAME>/` on the
include path (USER_NAME: a rules.mk's, else the keymap's name; for `qmk compile x.json`, the
file's `keymap`), and it force-includes the userspace's config.h and the keymap folder's
config.h into every C file (`-include`), so a wrapper macro a keymap uses may come from a
header one of those config.h files includes. This module finds those files and reads their
`#define`s and plain enums; what they declare stays theirs, and nothing in them is run. A file
is read only inside the user's repository (its .git's folder; else the QMK tree holding the keymap's
keyboards/, or the keymap's folder) or a userspace of the keymap: an include of a stranger's keymap
(`#include "/home/you/x.h"`, `../../../x.h`, a link out of the folder) reads nothing elsewhere.

A userspace repository is often the `users/<name>/` folder itself, checked out there by its
build (its CI clones it into `users/<name>`): a folder above the keymap that holds
`<name>.h` or `<name>.c` is taken as that userspace too."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from keyconf.formats.c_source import (
    Define,
    IntExpression,
    Token,
    find_matching,
    keyboard_macros,
    preprocess,
    split_top_level,
    tokenize,
)
from keyconf.formats.c_source_file import is_file_at, is_folder_at
from keyconf.formats.format_error import FormatError

_QUOTED_INCLUDE = re.compile(r'#?\s*include\s*"([^"]+)"')
_USER_NAME = re.compile(r"^[ \t]*USER_NAME[ \t]*:?=[ \t]*(\S+)", re.M)  # [ \t]: \s* of re.M is quadratic
_MAX_LEVELS = 8  # folders above the keymap that QMK's keyboard paths reach (keyboards/a/b/c/d/keymaps/x)


class UserHeaders:
    """The folders a keymap's quoted includes resolve in, in QMK's order, and the config.h
    files QMK force-includes; `tokens` is the include callback of `c_source.preprocess`."""

    MAX_HEADERS = 32
    MAX_BYTES = 512 * 1024

    def __init__(self, keymap: Path, user_names: Iterable[str] = (), includes: Iterable[str] = (),
                 keyboard: str = "") -> None:
        """`user_names`: the names QMK may take as USER_NAME (the keymap's; a rules.mk beside it
        adds its own). `includes`: the quoted includes of the keymap, for a repository that keeps
        its userspace in a folder its setup links in as users/<name> (`user/`, `shared/`).
        `keyboard`: the board built, whose `KEYBOARD_crkbd`, `KEYBOARD_crkbd_rev1` QMK defines
        for every file (a userspace's config.h picks its headers with them)."""
        self.board_flags = keyboard_macros(keyboard)
        folder = keymap.resolve().parent
        self.keymap_folder = folder
        names = {name for name in user_names if name}
        rules = folder / "rules.mk"
        if rules.is_file():
            found = _USER_NAME.search(rules.read_text(errors="replace"))
            if found:
                names.add(found.group(1))
        self.user_names = sorted(names)
        self.folders: list[Path] = [folder]
        # users/<name>/ folders, and folders that are such a userspace checked out on their own.
        self.userspaces: list[Path] = []
        self.root: Path | None = None  # the repository's top folder, when the walk finds its .git
        current = folder
        for level in range(_MAX_LEVELS + 1):
            if level:
                current = current.parent
                if current == current.parent:
                    break
                if current.name != "keymaps":
                    self.folders.append(current)
            self._add_users_folder(current / "users")
            if any(is_file_at(current / f"{name}.h") or is_file_at(current / f"{name}.c") for name in self.user_names):
                self.add_userspace(current)
            if (current / ".git").exists():  # the repository's root: QMK's build looks no higher
                self.root = current
                break
        # A QMK tree's top (the folder of keyboards/ above the keymap), for a repository without .git.
        self._tree = next((above.parent for above in list(folder.parents)[:_MAX_LEVELS] if above.name == "keyboards"),
                          None)
        repository = _RepositoryFiles(self.root) if self.root is not None else None  # walked once, if at all
        for name in list(dict.fromkeys(includes))[:_MAX_LINKED_LOOKUPS]:
            if repository is not None and not any(is_file_at(f / name) for f in self.folders):
                linked = _linked_userspace(repository, name)
                if linked is not None:
                    self.add_userspace(linked)
        self.read: dict[str, Path] = {}  # include name -> the file it was read from
        self._cache: dict[Path, list[Token]] = {}
        self._seen: set[Path] = set()  # files this pass has included: each once, as their guards make it
        self._forced: dict[str, Define] | None = None
        self.problems: list[str] = []  # headers of the force-included config.h keyconf could not read
        self._beside: set[str] = set()  # includes of headers resolved in their own folder, by full path
        self.budget = self.MAX_BYTES
        self.enums: dict[str, int] = {}  # members of the headers' plain enums (layers, tap dances)
        self.enum_groups: list[dict[str, int]] = []  # the same, enum by enum
        self.names: dict[str, set[str]] = {}  # include name -> the identifiers of the file read for it
        # Switches the keymap's or its userspace's rules.mk leave off (`GAMING_ENABLE ?= no`, passed as
        # -DGAMING_ENABLE only when yes): not taken as on, as other *_ENABLE names are.
        self.switched_off: frozenset[str] = frozenset()

    def _add_users_folder(self, users: Path) -> None:
        """users/<USER_NAME>/; a users/ holding one folder is that user's own repository's, the
        userspace of its keymaps whatever they are called (its build copies it as users/<name>)."""
        if not users.is_dir():
            return
        spaces = [users / name for name in self.user_names if is_folder_at(users / name)]
        if not spaces:
            inside = [entry for entry in users.iterdir() if entry.is_dir() and not entry.name.startswith(".")]
            spaces = inside if len(inside) == 1 else []
        for space in spaces:
            self.add_userspace(space)

    def holds(self, file: Path) -> bool:
        """Whether `file` (links followed) is inside the user's repository or a userspace of the keymap:
        the only files read. The repository is the folder of its .git, else the QMK tree holding the
        keymap (the folder of its keyboards/), else the keymap's own folder."""
        try:
            resolved = file.resolve()
            top = (self.root or self._tree or self.keymap_folder).resolve()
            return any(resolved.is_relative_to(b) for b in [top, *(s.resolve() for s in self.userspaces)])
        except (OSError, RuntimeError):  # a name too long, a loop of links
            return False

    def outside(self, name: str) -> Path | None:
        """The file an include of `name` would find outside the repository and userspaces (not read), if any."""
        return next((folder / name for folder in self.folders
                     if is_file_at(folder / name) and not self.holds(folder / name)), None)

    def add_userspace(self, space: Path) -> None:
        """`space` is a users/<name>/ of this keymap: its config.h is force-included, its headers found."""
        if space not in self.userspaces:
            self.userspaces.append(space)
        if space not in self.folders:
            self.folders.append(space)

    @property
    def forced(self) -> list[Path]:
        """The config.h files QMK force-includes, in its order: the userspace's, then the keymap's."""
        found: list[Path] = []
        for file in [*(space / "config.h" for space in self.userspaces), self.keymap_folder / "config.h"]:
            if is_file_at(file) and self.holds(file) and file.resolve() not in found:
                found.append(file.resolve())
        return found

    def forced_defines(self) -> dict[str, Define]:
        """The #defines the force-included config.h files (and the headers they include) make,
        as the compiler has them before the first line of the keymap."""
        if self._forced is None:
            defines: dict[str, Define] = {}
            for file in self.forced:
                tokens = self._read(file.name, file)
                if tokens is None:
                    continue
                try:
                    done = preprocess(tokens, file, self.is_defined_by_the_build, None, self.tokens, defines)
                except FormatError as error:  # a config.h this reader cannot follow adds nothing
                    self.problems.append(f"{file}: {error.message}; keyconf could not read its #defines")
                    continue
                defines = done.defines
                self.problems += [f"{file}: {problem}" for problem in done.warnings if "could not read" in problem]
            self._forced = defines
        return dict(self._forced)

    def is_defined_by_the_build(self, name: str) -> bool:
        return (is_feature_flag(name) and name not in self.switched_off) or name in self.board_flags

    def found(self, name: str) -> Path | None:
        """The file read for an include of `name` (wherever the include came from), or None."""
        if name in self.read:
            return self.read[name]
        if Path(name).name not in {path.name for path in self._cache}:  # no file of that name was read
            return None
        return next((folder / name for folder in self.folders if (folder / name).resolve() in self._cache), None)

    def declaring(self, name: str) -> str | None:
        """How a keymap would include the header read that declares `name` (an enum member or a
        #define): its path from the include folder that holds it. None: no header read does."""
        for path, tokens in self._cache.items():
            code = [t for t in tokens if t.kind != "directive"]
            declared = any(part[0].text == name for body in enum_bodies(code) for part in body) or any(
                re.match(rf"#?\s*define\s+{re.escape(name)}\b", t.text) for t in tokens if t.kind == "directive")
            if declared:
                for folder in self.folders:
                    if path.is_relative_to(folder.resolve()):
                        return path.relative_to(folder.resolve()).as_posix()
                return path.name
        return None

    def next_pass(self) -> None:
        """Before preprocessing the keymap again: its headers are included afresh."""
        self._seen.clear()

    def tokens(self, name: str) -> list[Token] | None:
        if name in self._beside:  # a header's include of a file beside it, resolved when it was read
            return self._read(name, Path(name))
        for folder in self.folders:
            file = folder / name
            if file.suffix in (".h", ".c", ".inc") and is_file_at(file) and self.holds(file):
                return self._read(name, file)
        return None

    def range_members(self, starts: dict[str, int]) -> dict[str, int]:
        """The read headers' enum members numbered from a keycode range, by their value."""
        return range_enums(list(self._cache.values()), starts)

    def _beside_includer(self, token: Token, file: Path) -> Token:
        """A header's `#include "x.h"` finds x.h beside that header first, as the compiler's does:
        such an include is rewritten to the file's full path."""
        if token.kind != "directive":
            return token
        found = _QUOTED_INCLUDE.match(token.text)
        if found is None or Path(found.group(1)).is_absolute():
            return token
        beside = file.parent / found.group(1)
        if not is_file_at(beside) or not self.holds(beside):
            return token
        full = str(beside.resolve())
        self._beside.add(full)
        return Token("directive", f'#include "{full}"', token.line, token.column)

    def _read(self, name: str, file: Path) -> list[Token] | None:
        resolved = file.resolve()
        if resolved in self._seen:
            return None
        tokens = self._cache.get(resolved)
        if tokens is None:
            size = file.stat().st_size
            if size > self.budget or len(self._cache) >= self.MAX_HEADERS:
                return None
            self.budget -= size
            try:
                tokens = [self._beside_includer(t, file) for t in
                          tokenize(file.read_text(encoding="utf-8", errors="replace"), file)]
            except FormatError:
                tokens = []
            self._cache[resolved] = tokens
            for group in plain_enums(without_switched_off(tokens, self.switched_off)):
                self.enums.update(group)
                self.enum_groups.append(group)
        self._seen.add(resolved)
        self.read.setdefault(name, file)
        self.names.setdefault(name, {token.text for token in tokens if token.kind == "ident"})
        return tokens or None


_MAX_SEARCHED = 20_000  # entries of a repository searched for a linked userspace's header
_MAX_LINKED_LOOKUPS = 64  # a keymap's includes looked up there (a real one has a dozen)


class _RepositoryFiles:
    """The files of a repository by name, walked once (at most _MAX_SEARCHED entries; None past that),
    outside any qmk_firmware tree it holds: a keymap's includes are each looked up here."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_name: dict[str, list[Path]] | None = None
        self._walked = False

    def by_name(self) -> dict[str, list[Path]] | None:
        if not self._walked:
            self._walked = True
            found: dict[str, list[Path]] = {}
            seen = 0
            for here, dirs, files in os.walk(self.root):
                seen += len(dirs) + len(files)
                if seen > _MAX_SEARCHED:
                    return None
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(here) / d / "quantum").is_dir())
                for name in files:
                    found.setdefault(name, []).append(Path(here) / name)
            self._by_name = found
        return self._by_name


def _linked_userspace(files: _RepositoryFiles, name: str) -> Path | None:
    """The folder of the one file `name` (`pket.h`, `features/swapper.h`) in the repository,
    outside any qmk_firmware tree it holds: the userspace its setup links in as users/<name>."""
    if Path(name).is_absolute() or ".." in Path(name).parts or not Path(name).parts:
        return None
    parts = Path(name).parts
    by_name = files.by_name()
    if by_name is None:
        return None
    found = [file.parents[len(parts) - 1] for file in by_name.get(parts[-1], [])
             if file.parts[-len(parts):] == parts]
    return found[0] if len(set(found)) == 1 else None


_SWITCH_TEST = re.compile(r"#?\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(?:(!?)\s*defined\s*\(?\s*)?(\w*)\s*\)?\s*$")


def without_switched_off(tokens: list[Token], off: frozenset[str]) -> list[Token]:
    """`tokens` without the code under `#ifdef X` / `#if defined(X)` for a switch X in `off` (and with only
    the code under `#ifndef X`'s), as the build reads them: a layer enum's `#ifdef GAMING_ENABLE _GAMING,
    #endif` numbers the layers after it. Other conditions are kept whole, as before."""
    if not off:
        return tokens
    kept: list[Token] = []
    stack: list[bool | None] = []  # per #if: whether its current branch is in the build (None: not decided here)
    taken: list[bool] = []  # per #if: whether a branch before this one was in the build (then no later one is)
    for token in tokens:
        test = _SWITCH_TEST.fullmatch(token.text) if token.kind == "directive" else None
        if test is not None:
            keyword, negated, name = test.groups()
            if keyword in ("ifdef", "ifndef", "if"):
                decided = name in off and (keyword != "if" or test.group(0).find("defined") >= 0)
                on = (keyword == "ifndef") != (negated == "!") if decided else None
                stack.append(on)
                taken.append(on is True)
            elif keyword in ("elif", "else") and stack:
                if taken[-1]:
                    stack[-1] = False
                elif keyword == "elif" or stack[-1] is None:
                    stack[-1] = None  # an #elif's own condition, or an #else after one, is not decided here
                else:
                    stack[-1] = True  # every branch before was decided out
                    taken[-1] = True
            elif keyword == "endif" and stack:
                stack.pop()
                taken.pop()
        elif token.kind == "directive" and re.match(r"#?\s*(ifdef|ifndef|if)\b", token.text):
            stack.append(None)
            taken.append(False)
        if all(state is not False for state in stack):
            kept.append(token)
    return kept


def is_feature_flag(name: str) -> bool:
    """`COMBO_ENABLE`, `ENCODER_MAP_ENABLE`: rules.mk switches; code they guard belongs to the layout.
    QMK_KEYBOARD_H: every QMK build defines it (`#ifndef QMK_KEYBOARD_H` guards an editor's stubs)."""
    return name.endswith("_ENABLE") or name == "QMK_KEYBOARD_H"


def enum_bodies(tokens: list[Token]) -> Iterator[list[list[Token]]]:
    """The members of each `enum [name] { ... }` in `tokens`, one token list a member (its name first)."""
    for i, t in enumerate(tokens):
        if not t.is_("enum"):
            continue
        brace = next((j for j in range(i + 1, min(i + 3, len(tokens))) if tokens[j].is_("{")), None)
        if brace is not None:
            parts = split_top_level(tokens[brace + 1 : find_matching(tokens, brace)])
            yield [part for part in parts if part and part[0].kind == "ident"]


def plain_enums(tokens: list[Token]) -> list[dict[str, int]]:
    """The members of each `enum { A, B = 3, C }` in a header, numbered as C numbers them; enums
    whose values are not plain numbers (custom keycodes from SAFE_RANGE) are left out."""
    groups: list[dict[str, int]] = []
    values: dict[str, int] = {}
    code = [t for t in tokens if t.kind != "directive"]
    for body in enum_bodies(code):
        members: dict[str, int] = {}
        following = 0
        for part in body:
            if len(part) > 2 and part[1].is_("="):
                try:
                    following = IntExpression(part[2:], {**values, **members}).evaluate()
                except (ValueError, FormatError):
                    members = {}
                    break
            members[part[0].text] = following
            following += 1
        values.update(members)
        if members:
            groups.append(members)
    return groups


def range_enums(headers: Iterable[list[Token]], starts: dict[str, int]) -> dict[str, int]:
    """The members of the headers' enums that count from a keycode range (`CKR_LANGUAGE =
    SAFE_RANGE, CKR_RLC = CKR_LANGUAGE + 60`, a userspace's ranges for its keycode groups), numbered
    as C numbers them from `starts` (SAFE_RANGE's value). A header may count from a range another
    one declares, read after it."""
    codes = [[t for t in tokens if t.kind != "directive"] for tokens in headers]
    found: dict[str, int] = {}
    for _ in range(len(codes)):
        before = len(found)
        for code in codes:
            for body in enum_bodies(code):
                following: int | None = None
                for part in body:
                    if len(part) > 2 and part[1].is_("="):
                        following = None
                        if any(t.kind == "ident" and (t.text in starts or t.text in found) for t in part[2:]):
                            try:
                                following = IntExpression(part[2:], {**starts, **found}).evaluate() & 0xFFFF
                            except (ValueError, FormatError):
                                following = None
                    if following is not None:
                        found.setdefault(part[0].text, following)
                        following += 1
        if len(found) == before:
            break
    return found
