"""The other C files of a keymap's folder and of its userspace that QMK's build uses with its
keymap.c, for an import to carry into the layout (`c_files:`).

QMK builds a keymap folder's keymap.c together with what its rules.mk compiles
(`SRC += features/layer_lock.c oled.c`) and the files they `#include "..."`, the folder being on
the build's include path. A layout that left them behind would not build. They are found here as
make and the C preprocessor would find them, without running either: rules.mk is read line by
line, its `ifeq`/`ifdef` decided by what the file itself sets and by the board (a feature switch
it leaves to the board stays a condition of the layout, `when: OLED_ENABLE`), and includes are
followed from file to file inside the keymap's folder and its userspace (users/<name>/, whose
rules.mk make reads after the keymap's) only. Files elsewhere are not carried: what rules.mk
compiles from QMK's own tree (the keyboard's `lib/rgb_state_reader.c`, Keychron's
`keychron_common.c` in a folder it puts on VPATH) is named for the build to take from the tree
(`c_files: qmk`); the rest is named in a warning."""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.formats.c_source_file import (
    MAX_C_SOURCE_BYTES,
    QMK_ROOT_FOLDERS,
    CSourceFileError,
    c_file_path_problem,
    is_file_at,
    is_folder_at,
    qmk_file_path_problem,
    read_c_source_file,
)
from keyconf.formats.keymap_c_statements import is_qmk_header  # the one list of QMK's own header names
from keyconf.formats.qmk_config_h import REFUSED_OPTIONS, read_config_h
from keyconf.formats.user_headers import UserHeaders
from keyconf.formats.yaml_layout_schema import DRIVER_NAME_RE, DRIVER_RE, FEATURE_RE, RULES_OPTIONS
from keyconf.model.controllers import BOOTLOADER_NAME_RE
from keyconf.model.keyboard import AVR_PROCESSORS
from keyconf.model.keycodes.keyboard_keycodes import shared_header_path
from keyconf.model.layout import MAX_C_FILES, CFile

MAX_C_FILES_BYTES = 4 * MAX_C_SOURCE_BYTES  # all of a keymap folder's more C files together
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(["<])([^">\n]+)[">]', re.M)
_NAMED_FILE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*[ \t]+"([^"\n]+\.(?:c|h|inc))"', re.M)
_BLOCK_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)  # an unterminated one to the end: linear
_LINE_COMMENT = re.compile(r"//[^\n]*")
# QMK headers a keymap's config.h included that QMK has since removed, their contents now its
# defaults (config_common.h went in 2023): an #include of one stops today's build.
_REMOVED_CONFIG_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"](config_common\.h)[>"][^\n]*$', re.M)
_REFERENCE = re.compile(r"\$[({]([^$(){}]*)[)}]")  # $(NAME), ${NAME}, $(strip text): innermost first
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FEATURE = re.compile(r"^[A-Z][A-Z0-9_]*_ENABLE$")
_TRUE = ("yes", "on", "true", "1")
_MAX_MAKE_INCLUDES = 32
_MAX_SOURCES = 256  # files of one rules.mk's SRC looked for (a real one names a few dozen at most)
# A variable's value as keyconf expands it; longer is left unknown. A rules.mk of `V1 = $(V0)$(V0)`
# lines doubles it on each (fuzzing found 64 of them taking the memory of the machine).
_MAX_MAKE_VALUE = 16 * 1024
# The config headers an import may add after the files it takes (rules_mk_defines.h, the userspace's
# config.h and post_config.h, the keymap's config.h): room is kept for them under MAX_C_FILES.
_CONFIG_HEADERS = 4
_USER_PATH = re.compile(r"\$[({]USER_PATH[)}]/")  # a userspace's rules.mk names its files so
# rules.mk switches for which QMK's code includes a file of the keymap's by name.
_INCLUDED_BY_SWITCH = (("RGB_MATRIX_CUSTOM_USER", "rgb_matrix_user.inc"),
                       ("LED_MATRIX_CUSTOM_USER", "led_matrix_user.inc"))

# A condition as far as the import can tell: True, False, None (it cannot), or the feature switch
# (OLED_ENABLE) it stands for when the board decides it.
Condition = bool | str | None


@dataclass
class FolderCFiles:
    """The keymap folder's C files the layout carries (and its userspace's), and what the import
    could not carry."""

    files: list[CFile] = field(default_factory=list)
    qmk_files: list[str] = field(default_factory=list)  # QMK's own files the build compiles too
    qmk_files_when: dict[str, str] = field(default_factory=dict)  # the switch one compiles under, if any
    warnings: list[str] = field(default_factory=list)
    userspace: str | None = None  # the users/<name> folder whose files came along
    # What the userspace's rules.mk switches on and off, and the drivers it picks (the keymap's
    # own rules.mk is read by the importer): make reads it after the keymap's, so it wins.
    features: list[str] = field(default_factory=list)
    features_off: list[str] = field(default_factory=list)
    drivers: dict[str, str] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)  # the options it picks by name (DEBOUNCE_TYPE)
    # The BOOTLOADER it sets (`atmel-dfu`: an Elite-C), which QMK reads after it. A CONVERT_TO there
    # comes too late for QMK, which picks the chip before it reads a userspace: not kept.
    bootloader: str | None = None
    # The file a rules.mk names as INTROSPECTION_KEYMAP_C (`combos.c`, defining key_combos[]): QMK
    # includes it after the keymap, in the keymap's translation unit; it is among `files`.
    introspection: str | None = None


@dataclass
class _Source:
    """One `SRC +=` word of rules.mk and the condition it sits under."""

    word: str
    when: Condition


def keymap_folder_c_files(keymap: str | Path, keymap_text: str, keyboard: str = "",
                          processor: str | None = None) -> FolderCFiles:
    """The C files QMK's build of `keymap` (a keymap.c where it lives) takes from its folder and
    from its userspace (users/<name>/): rules.mk's compiled sources, and the local files the keymap
    and they include, transitively.

    A userspace's files come along at their paths inside it, beside the keymap's own: QMK puts both
    folders on the include path and on VPATH (the keymap's first), so in one folder `#include
    "brrr.h"` and `SRC += brrr.c` find the same files. A file of the same path in the keymap's
    folder wins, as it does in QMK's search; the userspace's config.h is kept as
    userspace_config.h, included before the keymap's own as QMK includes it."""
    folder = Path(keymap).resolve().parent
    space = keymap_userspace(Path(keymap), keymap_text)
    found = FolderCFiles(userspace=f"users/{space.name}" if space is not None else None)
    taken: dict[str, CFile] = {}  # by path, lower-cased: one file on every system
    sources: dict[str, Path] = {}  # where each file taken came from: the keymap's folder or the userspace
    budget = [MAX_C_FILES_BYTES]
    elsewhere: list[str] = []

    def where(root: Path) -> str:
        return "the keymap's folder" if root == folder else f"the userspace users/{root.name}"

    def take(root: Path, path: str, compile: bool, when: str | None = None) -> CFile | None:
        if path.lower() in taken:
            return None
        problem = c_file_path_problem(path)
        if problem is not None:
            found.warnings.append(f"{path} of {where(root)} is not carried: {problem.strip('`')}")
            return None
        if len(taken) >= MAX_C_FILES - _CONFIG_HEADERS:
            found.warnings.append(f"the keymap has more than {MAX_C_FILES - _CONFIG_HEADERS} C files to carry; {path} "
                                  "and those after it are not")
            return None
        try:
            text = read_c_source_file(root / "keymap.c", path)
        except (CSourceFileError, OSError) as problem_reading:
            found.warnings.append(f"{path} of {where(root)} is not carried: {problem_reading}")
            return None
        if text is None:
            return None
        budget[0] -= len(text.encode("utf-8"))
        if budget[0] < 0:
            found.warnings.append(f"the keymap's C files hold more than {MAX_C_FILES_BYTES // 2**20} MiB; "
                                  f"{path} is not carried")
            return None
        c_file = CFile(path, compile=compile, when=when, text=text)
        taken[path.lower()] = c_file
        sources[path.lower()] = root
        return c_file

    variables: dict[str, str] = {}  # make's variables as the rules.mk files leave them
    if keyboard:
        variables["KEYBOARD"] = keyboard
    platform = platform_key(processor)
    if platform is not None:
        variables["PLATFORM_KEY"] = platform
    roots = [(folder, "rules.mk")] + ([(space, "the userspace's rules.mk")] if space is not None else [])
    space_folders: list[Path] = [space] if space is not None else []  # the userspace and its VPATH folders
    opt_defs: list[_Source] = []
    config_headers: list[tuple[Path, _Source]] = []  # CONFIG_H += of a rules.mk, by the folder it names from
    read: list[tuple[Path, str, list[str], list[_Source]]] = []
    for root, named in roots:
        rules_text = _read_text(root / "rules.mk")
        if rules_text is None:
            continue
        vpath: list[str] = []
        before = dict(variables)
        if root != folder:
            # QMK reads the userspace's rules.mk after the keymap's, with USER_NAME and USER_PATH set;
            # what it compiles is found on VPATH, the userspace being on it.
            variables.setdefault("USER_NAME", root.name)
            rules_text = _USER_PATH.sub("", rules_text)
        reader = _make_file_reader(root) if root != folder else None
        lists: dict[str, list[_Source]] = {"OPT_DEFS": opt_defs, "CONFIG_H": []}
        read.append((root, named, vpath, _compiled_sources(rules_text, vpath, variables, reader, lists)))
        config_headers += [(root, header) for header in lists["CONFIG_H"]]
        if root != folder:
            # Its own folders it puts on VPATH (`VPATH += $(USER_PATH)/features`): their files are
            # found by name, so they come along at their paths inside that folder.
            space_folders += [root / v for v in dict.fromkeys(vpath) if v and _inside(root, v)]
            _userspace_switches(found, {k: v for k, v in variables.items() if before.get(k) != v})
    introspected = variables.get("INTROSPECTION_KEYMAP_C", "").strip()
    # What either rules.mk compiles is looked for on make's VPATH once both are read: the keymap's
    # folder, the userspace and its folders (a keymap's `SRC += features/swapper.c` of its userspace).
    for root, named, vpath, compiled in read:
        seen: set[tuple[str, str]] = set()  # each word once per condition: looking one up costs path lookups
        for source in compiled:
            word = source.word.removeprefix("./")
            if (word, repr(source.when)) in seen:
                continue
            if len(seen) == _MAX_SOURCES:
                found.warnings.append(f"{named} compiles more than {_MAX_SOURCES} files: keyconf looked for the "
                                      f"first {_MAX_SOURCES} only")
                break
            seen.add((word, repr(source.when)))
            if "$" in word:
                found.warnings.append(f"{named} compiles {source.word}, a path made by make; the layout cannot "
                                      "carry it")
                continue
            local: str | None = None
            owner = root
            for owner in [root, *(f for f in [folder, *space_folders] if f != root)]:
                local = _local_path(owner, "", word)
                if local is not None:
                    break
            if local is None:
                tree_folders = [f.removeprefix("./").rstrip("/") for f in vpath
                                if f.removeprefix("./").startswith(QMK_ROOT_FOLDERS)]
                # In a folder rules.mk put on VPATH (Keychron's common code), else in the keyboard's own.
                qmk_path = f"{tree_folders[0]}/{word}" if tree_folders and "/" not in word else word
                if source.when is None or source.when is False or qmk_file_path_problem(qmk_path) is not None \
                        or root != folder or len(found.qmk_files) >= MAX_C_FILES:  # past it: no layout holds them
                    elsewhere.append(word)
                elif qmk_path not in found.qmk_files:
                    found.qmk_files.append(qmk_path)
                    if isinstance(source.when, str):  # a switch the board decides: the layout keeps it
                        found.qmk_files_when[qmk_path] = source.when
                continue
            if source.when is True or isinstance(source.when, str):
                take(owner, local, True, source.when if isinstance(source.when, str) else None)
            elif source.when is None:
                if take(owner, local, False) is not None:
                    found.warnings.append(f"{named} compiles {local} under a condition keyconf cannot decide: the "
                                          "layout keeps the file but does not compile it (move it to `c_files: "
                                          "compile` if the build needs it)")
    if found.qmk_files:
        found.warnings.append(f"rules.mk compiles {listed(found.qmk_files)} of QMK's own tree (not in the keymap's "
                              "folder): the layout builds with them from the tree as the original did "
                              "(`c_files: qmk`)")
    if elsewhere:
        verb = "is" if len(elsewhere) == 1 else "are"
        found.warnings.append(f"rules.mk compiles {listed(elsewhere)}, which {verb} not in the keymap's folder "
                              "(the keyboard's or a userspace's, found by QMK's VPATH): the layout does not carry "
                              f"{'it' if len(elsewhere) == 1 else 'them'}")
    # The keymap, then each file carried, for the files they include: relative to the including
    # file's folder first, then to the keymap's folder and the userspace's (on the include path),
    # as the preprocessor looks.
    unseen: list[str] = []
    search = [folder, *space_folders]

    def resolve(root: Path, directory: str, name: str) -> tuple[Path, str] | None:
        for base, inside in [(root, directory), *((other, "") for other in search)]:
            local = _local_path(base, inside, name)
            if local is not None:
                return base, local
        # `users/mforman/oled/glcdfont.c` (a config.h's OLED_FONT_H): from the top of the userspace
        # repository, which is on QMK's include path; it comes along at that path, inside users/<name>/.
        named = posixpath.normpath(name)
        if space is not None and space.parent.name == "users" and named.startswith(f"users/{space.name}/"):
            local = _local_path(space.parent.parent, "", named)
            if local is not None and local.startswith(f"users/{space.name}/") and \
                    (space.parent.parent / local).resolve().is_relative_to(space):
                return space.parent.parent, local
        return None

    def follow(queue: list[tuple[Path, str, str]]) -> None:
        while queue:
            root, directory, text = queue.pop(0)
            for name, quoted in _includes(text):
                resolved = resolve(root, directory if quoted else "", name)
                if resolved is None:
                    shared = shared_header_path(name)  # keychron_common.h: its folder goes on the build's VPATH
                    if shared is not None and posixpath.dirname(shared) not in map(posixpath.dirname, found.qmk_files) \
                            and len(found.qmk_files) < MAX_C_FILES:
                        found.qmk_files.append(shared)
                    elif shared is None and quoted and not is_qmk_header(name) and name not in unseen:
                        unseen.append(name)
                    continue
                owner, local = resolved
                if local in (Path(keymap).name, "keymap.c", "config.h"):
                    continue  # the keymap itself, and the config.h QMK includes anyway: the build writes both
                c_file = take(owner, local, False)
                if c_file is not None:
                    queue.append((owner, posixpath.dirname(local), c_file.text or ""))

    configs: list[CFile] = []
    defines = _defines_header(opt_defs, found.warnings)
    if defines is not None and DEFINES_NAME.lower() not in taken:
        configs.append(defines)
    # Config headers a rules.mk adds (`CONFIG_H += $(USER_PATH)/pointing/config.h`): QMK includes
    # them before the userspace's config.h, which it adds after reading the userspace's rules.mk.
    # Taken before the includes are followed: they are few, and the build stops without them.
    for root, header in config_headers:
        local = _local_path(root, "", header.word.removeprefix("./"))
        if header.when is not True or local is None:
            found.warnings.append(f"rules.mk adds {header.word} to the config headers (CONFIG_H) "
                                  + ("under a condition keyconf cannot decide" if local is not None
                                     else "from outside its folder") + ": the layout does not keep it")
            continue
        header_file = take(root, local, False)
        if header_file is not None:
            header_file.config = True
            configs.append(header_file)
            follow([(root, posixpath.dirname(local), header_file.text or "")])
    if introspected:
        resolved = resolve(space or folder, "", introspected.removeprefix("./"))
        kept = take(*resolved, False) if resolved is not None else None
        if kept is not None or (resolved is not None and resolved[1].lower() in taken):
            found.introspection = resolved[1] if resolved is not None else None
        else:
            found.warnings.append(f"rules.mk names {introspected} as INTROSPECTION_KEYMAP_C (QMK includes it after the "
                                  "keymap), which keyconf cannot carry")
    # Files QMK's own code includes by name when a switch asks for them (rgb_matrix_user.inc, the
    # keymap's RGB matrix effects, under RGB_MATRIX_CUSTOM_USER): found on the include path as the
    # keymap's own headers are.
    for switch, name in _INCLUDED_BY_SWITCH:
        if variables.get(switch, "").strip().lower() in _TRUE:
            resolved = resolve(folder, "", name)
            if resolved is not None:
                take(*resolved, False)
            else:
                found.warnings.append(f"rules.mk switches {switch} on, for QMK to include {name}, which is not in "
                                      "the keymap's folder: the layout does not carry it")
    follow([(folder, "", keymap_text),
            *((sources[f.path.lower()], posixpath.dirname(f.path), f.text or "") for f in list(taken.values()))])
    if space is not None:
        user_config = _userspace_config(space, taken, found.warnings)
        if user_config is not None:
            configs.append(user_config)
            follow([(space, "", user_config.text or "")])
    config = _keymap_config(folder, taken, found.warnings)
    if config is not None:
        configs.append(config)
        follow([(folder, "", config.text or "")])
    if space is not None:
        # QMK includes the userspace's post_config.h after every config.h: its `#ifndef X` defaults
        # see what the keymap's config.h defined.
        post = _userspace_config(space, taken, found.warnings, "post_config.h", USERSPACE_POST_CONFIG_NAME)
        if post is not None:
            configs.append(post)
            follow([(space, "", post.text or "")])
    if unseen:
        found.warnings.append(f"the keymap includes {', '.join(unseen)}, not in its folder"
                              + (f" nor in its userspace users/{space.name}" if space is not None else "")
                              + " (a userspace's or QMK's own): the layout does not carry "
                              f"{'it' if len(unseen) == 1 else 'them'}; the build needs "
                              f"{'it' if len(unseen) == 1 else 'them'} where QMK finds "
                              f"{'it' if len(unseen) == 1 else 'them'}")
    if space is not None:
        carried = [f.path for f in taken.values() if sources[f.path.lower()] in space_folders]
        if carried or any(c.path == USERSPACE_CONFIG_NAME for c in configs):
            shown = ", ".join(carried[:6]) + (f" and {len(carried) - 6} more" if len(carried) > 6 else "")
            found.warnings.append(
                f"the keymap builds with its userspace users/{space.name}: the layout carries "
                + (f"{shown} beside the keymap's own files" if carried else "nothing of its C")
                + (f", its config.h as {USERSPACE_CONFIG_NAME}" if any(c.path == USERSPACE_CONFIG_NAME
                                                                          for c in configs) else "")
                + " (c_files), and what its rules.mk switches (features)")
    found.files = sorted((f for f in taken.values() if not f.config), key=lambda c_file: not c_file.compile) + configs
    return found


def keymap_userspace(keymap: Path, keymap_text: str) -> Path | None:
    """The users/<name>/ folder QMK's build of `keymap` reads, found as `UserHeaders` finds it: the
    one named as QMK names it (USER_NAME of the keymap's rules.mk, else the keymap's folder), or one
    the keymap's quoted includes need (a userspace checked out under another name, or linked in)."""
    if not keymap.is_file():
        return None
    includes = [name for name, quoted in _includes(keymap_text) if quoted and not is_qmk_header(name)]
    headers = UserHeaders(keymap, [keymap.resolve().parent.name], includes)
    for space in headers.userspaces:
        if space.name in headers.user_names or any(is_file_at(space / name) for name in includes):
            return space.resolve()
    return None


DEFINES_NAME = "rules_mk_defines.h"  # the -D options of the rules.mk files (OPT_DEFS), as the layout carries them
_OPT_DEF = re.compile(r"-D([A-Za-z_][A-Za-z0-9_]*)(?:=([A-Za-z0-9_.+-]*))?")


def rules_switched_off(
    keymap: Path, keymap_text: str, keyboard: str = "", processor: str | None = None
) -> frozenset[str]:
    """The names the keymap's and its userspace's rules.mk pass as `-DNAME` (OPT_DEFS) only under conditions
    they decide false (`GAMING_ENABLE ?= no`, then `ifeq ($(strip $(GAMING_ENABLE)), yes)`): the build leaves
    them undefined, though named like the feature switches a keymap's reader takes as on. Read as
    `keymap_folder_c_files` reads those files (the keymap's first, then the userspace's), without its C files."""
    folder = keymap.resolve().parent
    space = keymap_userspace(keymap, keymap_text)
    variables: dict[str, str] = {"KEYBOARD": keyboard} if keyboard else {}
    platform = platform_key(processor)
    if platform is not None:
        variables["PLATFORM_KEY"] = platform
    on: list[_Source] = []
    off: list[_Source] = []
    for root in [folder] + ([space] if space is not None else []):
        rules_text = _read_text(root / "rules.mk")
        if rules_text is None:
            continue
        if root != folder:
            variables.setdefault("USER_NAME", root.name)
            rules_text = _USER_PATH.sub("", rules_text)
        reader = _make_file_reader(root) if root != folder else None
        _compiled_sources(rules_text, [], variables, reader, {"OPT_DEFS": on, "OPT_DEFS off": off})

    def named(defines: list[_Source]) -> frozenset[str]:
        return frozenset(found.group(1) for define in defines if (found := _OPT_DEF.fullmatch(define.word)))

    return named(off) - named(on)


def _defines_header(opt_defs: list[_Source], warnings: list[str]) -> CFile | None:
    """The defines the rules.mk files pass to every C file (`OPT_DEFS += -DUSER_NUM_WORD_ENABLE`),
    as a config header the build's config.h includes first: QMK passes them on the command line,
    before any config.h. One under a feature switch the board decides is defined when QMK defines
    that switch (`#ifdef OLED_ENABLE`); one keyconf cannot read or decide is named, not kept."""
    lines: list[str] = []
    left: list[str] = []
    for define in opt_defs:
        found = _OPT_DEF.fullmatch(define.word)
        if found is None or define.when is None or define.when is False:
            if define.when is not False:
                left.append(define.word)
            continue
        name, value = found.group(1), found.group(2)
        text = f"#define {name} {'1' if value is None else value}".rstrip()  # -DX is X 1; -DX= is X empty
        lines += ([f"#ifdef {define.when}", f"#    undef {name}", f"#    {text[1:]}", "#endif"]
                  if isinstance(define.when, str) else [f"#undef {name}", text])
    if left:
        warnings.append(f"rules.mk passes {listed(list(dict.fromkeys(left)))} to the compiler (OPT_DEFS) in a form or "
                        "under a condition keyconf cannot read: the layout does not keep "
                        f"{'it' if len(left) == 1 else 'them'}")
    if not lines:
        return None
    header = ["// The -D options of the keymap's and its userspace's rules.mk (OPT_DEFS), which QMK passes",
              "// to every C file: kept by keyconf's import.", "#pragma once"]
    return CFile(DEFINES_NAME, config=True, text="\n".join(header + lines) + "\n")


def listed(names: list[str], separator: str = ", ", most: int = 12) -> str:
    """Names for a warning: the first `most` and how many more (a rules.mk may name thousands)."""
    return separator.join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _inside(root: Path, name: str) -> bool:
    """Whether `name` (a VPATH entry of root's rules.mk) is a folder inside `root`."""
    if name.startswith("/") or ".." in name.split("/"):
        return False
    target = (root / name).resolve()
    return is_folder_at(target) and target.is_relative_to(root.resolve()) and target != root.resolve()


def platform_key(processor: str | None) -> str | None:
    """QMK's PLATFORM_KEY (the platforms/ folder) for a board's processor: avr, arm_atsam or chibios."""
    if not processor:
        return None
    if processor.lower() in AVR_PROCESSORS:
        return "avr"
    return "arm_atsam" if processor.lower().startswith("atsam") else "chibios"


def _make_file_reader(space: Path) -> Callable[[str], str | None]:
    """The text of a make file inside the userspace `space`, by the path an `include` gives it
    (`$(USER_PATH)/` already taken off), with its own `$(USER_PATH)/` taken off; None elsewhere."""
    def read(name: str) -> str | None:
        if not name.endswith(".mk") or name.startswith("/") or c_file_path_problem(name.removesuffix(".mk") + ".h"):
            return None
        target = (space / name).resolve()
        if not target.is_relative_to(space.resolve()) or not is_file_at(target):
            return None
        if target.stat().st_size > MAX_C_SOURCE_BYTES:
            return None
        text = _read_text(target)
        return _USER_PATH.sub("", text) if text is not None else None
    return read


def _read_text(path: Path) -> str | None:
    if not is_file_at(path):
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _userspace_switches(found: FolderCFiles, assigned: dict[str, str]) -> None:
    """The feature switches and drivers the userspace's rules.mk set (`assigned`: make's variables
    it changed), for the layout's `features:`, `features_off:` and `drivers:`."""
    other: list[str] = []
    for name, value in assigned.items():
        value = value.strip().lower()
        if FEATURE_RE.fullmatch(name) and value in ("yes", "no"):
            (found.features if value == "yes" else found.features_off).append(name)
        elif FEATURE_RE.fullmatch(name) and value and "$" not in value:
            # make switches a feature on for `yes` only: `BOOTMAGIC_ENABLE = lite` leaves it off.
            found.features_off.append(name)
            other.append(f"{name} = {value}")
        elif name in ("EXTRAFLAGS", "CFLAGS") and re.search(r"(?:^|\s)-flto(?:=[a-z0-9]+)?(?:\s|$)", value):
            found.features.append("LTO_ENABLE")  # the same -flto on every file and the link
        elif DRIVER_RE.fullmatch(name) and DRIVER_NAME_RE.fullmatch(value):
            found.drivers[name] = value
        elif name in RULES_OPTIONS and DRIVER_NAME_RE.fullmatch(value):
            found.rules[name] = value
        elif name == "BOOTLOADER" and BOOTLOADER_NAME_RE.fullmatch(value):
            found.bootloader = value
            found.warnings.append(f"the userspace's rules.mk sets BOOTLOADER = {value}: the layout keeps it "
                                  "(`bootloader:`)")
        elif name == "CONVERT_TO" and value:
            found.warnings.append(f"the userspace's rules.mk sets CONVERT_TO = {value}, which QMK's build reads too "
                                  "late to change the chip (it picks the converter before it reads a userspace): "
                                  "left out; put `converter:` in the layout to build for it")
    if other:
        found.warnings.append(f"the userspace's rules.mk sets {listed(other)}, which QMK's make reads as off (it "
                              "switches a feature on for `yes` only): so does the layout (`features_off:`)")
    if found.features or found.features_off or found.drivers or found.rules:
        picked = {**found.drivers, **found.rules}
        said = [f"switches on {listed(found.features)}" if found.features else "",
                f"switches off {listed(found.features_off)}" if found.features_off else "",
                "picks " + listed([f"{k} = {v}" for k, v in picked.items()]) if picked else ""]
        found.warnings.append(f"the userspace's rules.mk {'; '.join(s for s in said if s)}: the layout keeps "
                              "that (`features:`, `features_off:`, `drivers:`, `rules:`)")


USERSPACE_CONFIG_NAME = "userspace_config.h"  # a userspace's config.h, as the layout carries it


USERSPACE_POST_CONFIG_NAME = "userspace_post_config.h"  # its post_config.h


def _userspace_config(space: Path, taken: dict[str, CFile], warnings: list[str], name: str = "config.h",
                      kept_as: str = USERSPACE_CONFIG_NAME) -> CFile | None:
    """The userspace's config.h (or post_config.h), whole: QMK includes it in every file, the
    config.h before the keymap's own."""
    try:
        text = read_c_source_file(space / "keymap.c", name)
    except (CSourceFileError, OSError) as problem:
        warnings.append(f"{name} of the userspace users/{space.name} is not carried: {problem}")
        return None
    if text is None or not text.strip() or kept_as.lower() in taken:
        return None
    return CFile(kept_as, config=True, text=_without_removed_includes(text, f"the userspace's {name}", kept_as,
                                                                      warnings))


CONFIG_NAME = "keymap_config.h"  # the keymap's own config.h, as the layout carries it (config.h is the build's)


def _keymap_config(folder: Path, taken: dict[str, CFile], warnings: list[str]) -> CFile | None:
    """The keymap folder's config.h, whole, when it defines what no layout setting holds
    (`#ifdef COMBOS`, LEADER_TIMEOUT, STENO_COMBINEDMAP, TAPPING_TERM_PER_KEY, a COMBO_TERM written
    as an expression): QMK's build applies every define of it to every file, so the layout's build
    includes it from its config.h. One that only holds settings (and options today's QMK refuses,
    which the build #undefs) is left: the layout has them."""
    try:
        text = read_c_source_file(folder / "keymap.c", "config.h")
    except (CSourceFileError, OSError) as problem:
        warnings.append(f"config.h of the keymap's folder is not carried: {problem}")
        return None
    if text is None or CONFIG_NAME.lower() in taken:
        return None
    read = read_config_h(text)
    if not (set(read.left) - set(REFUSED_OPTIONS) or read.macros or read.problems):
        return None
    return CFile(CONFIG_NAME, config=True, text=_without_removed_includes(text, "config.h", CONFIG_NAME, warnings))


def _without_removed_includes(text: str, named: str, kept_as: str, warnings: list[str]) -> str:
    """A config.h's text with its includes of headers QMK removed commented out."""
    removed = _REMOVED_CONFIG_INCLUDE.findall(text)
    if removed:
        text = _REMOVED_CONFIG_INCLUDE.sub(lambda found: f"// {found.group(0).strip()}  (removed from QMK)", text)
        warnings.append(f"{named} includes {', '.join(dict.fromkeys(removed))}, which QMK removed in 2023 (what it "
                        f"set is QMK's default now): the layout's copy, {kept_as}, leaves the #include out")
    return text


def _includes(text: str) -> list[tuple[str, bool]]:
    """The `#include "..."` and `#include <...>` names of C text, comments left out, and whether
    each was quoted (a <name> is looked for on the include path only: the keymap's folder); and
    the C files a `#define` names in quotes, for an `#include` of that name elsewhere."""
    text = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub(" ", text))
    found = [(name.strip(), opening == '"') for opening, name in _INCLUDE.findall(text)]
    # A file a define names for an include QMK makes with it (`#define OLED_FONT_H "navi_font.c"`).
    return found + [(name, False) for name in _NAMED_FILE.findall(text)]  # looked for as <name>: no warning


def _local_path(folder: Path, directory: str, name: str) -> str | None:
    """`name` as included from `directory` (a folder inside `folder`), as a path inside `folder`
    to a file that is there; None when it is not."""
    if name.startswith("/") or "\\" in name:
        return None
    for base in dict.fromkeys((directory, "")):
        path = posixpath.normpath(posixpath.join(base, name))
        if path.startswith("../") or path == "..":
            continue
        candidate = folder / path
        if is_file_at(candidate) and candidate.resolve().is_relative_to(folder):
            return path
    return None


def _compiled_sources(text: str, vpath: list[str], variables: dict[str, str] | None = None,
                      include: Callable[[str], str | None] | None = None,
                      lists: dict[str, list[_Source]] | None = None,
                      undecided: list[str] | None = None) -> list[_Source]:
    """The `SRC +=` words of a keymap's rules.mk, each with the condition it is under; the folders
    it adds to VPATH (`VPATH += keyboards/keychron/common`) go to `vpath`. `variables`: make's
    variables as files read before left them (the keymap's rules.mk before its userspace's),
    updated with what this one sets. `include`: the text of a make file the file includes, by the
    name it gives (None: not one keyconf reads). `lists`: gets the words `+=` adds to
    the variables it names (`OPT_DEFS += -DUSER_NUM_WORD_ENABLE`, `CONFIG_H += pointing/config.h`),
    each with its condition. `undecided`: when given, gets the names of the settings made under a
    condition keyconf cannot decide or of a value it cannot know (`$(shell ...)`), and a setting under a
    feature switch the board decides (`ifeq ($(strip $(OLED_ENABLE)), yes)`) is taken as set, the board
    most likely having the feature on (as the keymap's user built it)."""
    variables = {} if variables is None else variables
    unknown: set[str] = set()
    # Per nested if: (whether a branch before was taken, the current branch's condition), and
    # beside it the condition all the ifs around a line make together (kept as the stack grows,
    # not recomputed per line: a file of 20,000 nested ifdefs took 44 s).
    stack: list[tuple[Condition, Condition]] = []
    under: list[Condition] = []
    sources: list[_Source] = []
    lines = deque(_logical_lines(text))
    included = 0
    while lines:
        line = lines.popleft()
        directive = line.split(None, 1)
        keyword = directive[0] if directive else ""
        rest = directive[1] if len(directive) > 1 else ""
        if keyword in ("ifeq", "ifneq", "ifdef", "ifndef"):
            stack.append((False, _condition(keyword, rest, variables)))
            under.append(_both(under[-1] if under else True, stack[-1][1]))
            continue
        if keyword == "else" and stack:
            before, current = stack[-1]
            earlier = _either(before, current)
            follows: Condition = True
            inner = rest.split(None, 1)
            if inner and inner[0] in ("ifeq", "ifneq", "ifdef", "ifndef"):
                follows = _condition(inner[0], inner[1] if len(inner) > 1 else "", variables)
            stack[-1] = (earlier, _both(_negate(earlier), follows))
            under[-1] = _both(under[-2] if len(under) > 1 else True, stack[-1][1])
            continue
        if keyword == "endif" and stack:
            stack.pop()
            under.pop()
            continue
        state: Condition = under[-1] if under else True
        if keyword in ("include", "-include", "sinclude") and include is not None:
            # A make file of the userspace's own (`include $(USER_PATH)/features/features.mk`), read
            # in its place as make reads it; one elsewhere, or under a condition keyconf cannot
            # decide, is not.
            name = _expand(rest, variables) if state is True else None
            text_included = include(name.strip()) if name and included < _MAX_MAKE_INCLUDES else None
            if text_included is not None:
                included += 1
                lines.extendleft(reversed(_logical_lines(text_included)))
            continue
        assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|\?=|:=|::=|=)\s*(.*)$", line)
        if assignment is None:
            continue
        name, operator, value = assignment.groups()
        if name == "SRC" and operator == "+=":
            if state is not False:
                sources += [_Source(word, state) for word in value.split()]
            continue
        if lists is not None and name in lists and operator == "+=":
            words = [_Source(word, state) for word in (_expand(value, variables) or value).split()]
            if state is not False:
                lists[name] += words
            elif f"{name} off" in lists:  # what a branch decided false would add, for a caller that asks
                lists[f"{name} off"] += words
            continue
        if name == "VPATH" and operator == "+=":
            if state is True:
                vpath += (_expand(value, variables) or "").split()
            continue
        if state is not True and not (undecided is not None and isinstance(state, str)):
            if undecided is not None and state is None and name not in undecided:
                undecided.append(name)
            continue  # a setting under a condition keyconf cannot decide: left unknown
        expanded = _expand(value, variables)
        if expanded is None and undecided is not None and name not in undecided:
            undecided.append(name)
        if operator == "?=" and name in variables:
            continue
        if expanded is None or (operator == "+=" and name not in variables and name in unknown):
            variables.pop(name, None)  # made of what keyconf cannot know: unknown from here on
            unknown.add(name)
        elif operator == "+=" and name in variables:
            variables[name] = f"{variables[name]} {expanded}".strip()
        else:
            variables[name] = expanded
            unknown.discard(name)
    return sources


def rules_mk_settings(text: str, keyboard: str = "", processor: str | None = None) -> tuple[dict[str, str], list[str]]:
    """What a keymap's rules.mk sets, as make leaves it after reading it for `keyboard`: its `ifeq`/`ifneq`/
    `ifdef` decided by what it sets itself and by the board (`KEYBOARD`, `PLATFORM_KEY`, `$(findstring ...)`),
    `+=` appended; and the names it sets only under a condition keyconf cannot decide, or to a value made by
    make code (`$(shell git describe)`). SRC, VPATH, OPT_DEFS and CONFIG_H are the C files' reader's."""
    variables: dict[str, str] = {}
    if keyboard:
        variables["KEYBOARD"] = keyboard
    platform = platform_key(processor)
    if platform is not None:
        variables["PLATFORM_KEY"] = platform
    given = dict(variables)
    undecided: list[str] = []
    _compiled_sources(text, [], variables, None, {"OPT_DEFS": [], "CONFIG_H": []}, undecided)
    settings = {name: value for name, value in variables.items() if given.get(name) != value}
    return settings, [name for name in undecided if name not in settings]


def _logical_lines(text: str) -> list[str]:
    """rules.mk's lines as make reads them: a backslash-newline joins (in a comment too), `#` starts a comment."""
    joined = re.sub(r"\\\r?\n", " ", text)
    return [line.split("#", 1)[0].strip() for line in joined.splitlines()]


def _expand(text: str, variables: dict[str, str]) -> str | None:
    """`text` with its variable references replaced; None when one is not set in the file (the
    board's or QMK's) or is a make function other than `strip`."""
    for _ in range(32):
        match = _REFERENCE.search(text)
        if match is None:
            return text
        inner = match.group(1).strip()
        if inner.startswith("strip ") or inner == "strip":
            value = " ".join(inner[len("strip"):].split())
        elif inner.startswith("findstring ") and "," in inner:  # $(findstring lets_split,$(KEYBOARD))
            wanted, _, within = inner[len("findstring "):].partition(",")
            value = wanted if wanted in within else ""
        elif _NAME.match(inner) and inner in variables:
            value = variables[inner]
        else:
            return None
        if len(text) - (match.end() - match.start()) + len(value) > _MAX_MAKE_VALUE:
            return None
        text = text[: match.start()] + value + text[match.end():]
    return None


def _condition(keyword: str, arguments: str, variables: dict[str, str]) -> Condition:
    if keyword in ("ifdef", "ifndef"):
        name = arguments.strip()
        if not _NAME.match(name):
            return None
        if name not in variables:
            return (name if keyword == "ifdef" else None) if _FEATURE.match(name) else keyword == "ifndef"
        return bool(variables[name].strip()) == (keyword == "ifdef")
    pair = _arguments(arguments)
    if pair is None:
        return None
    left, right = (_expand(side, variables) for side in pair)
    if left is not None and right is not None:
        return (left.strip() == right.strip()) == (keyword == "ifeq")
    if keyword == "ifeq":  # ifeq ($(strip $(OLED_ENABLE)), yes) with the switch left to the board
        for unknown, known in ((pair[0], right), (pair[1], left)):
            switch = re.fullmatch(r"\s*\$[({](?:strip\s+)?\$?[({]?([A-Z][A-Z0-9_]*_ENABLE)[)}]?[)}]\s*", unknown)
            if switch and known is not None and known.strip().lower() in _TRUE:
                return switch.group(1)
    return None


def _arguments(text: str) -> tuple[str, str] | None:
    """The two sides of `ifeq (a,b)`, `ifeq "a" "b"` or `ifeq 'a' 'b'`."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        inner, depth = text[1:-1], 0
        for index, char in enumerate(inner):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth == 0:
                return inner[:index], inner[index + 1:]
        return None
    quoted = re.fullmatch(r"""(["'])(.*?)\1\s+(["'])(.*?)\3""", text)
    return (quoted.group(2), quoted.group(4)) if quoted else None


def _negate(condition: Condition) -> Condition:
    return (not condition) if isinstance(condition, bool) else None


def _both(first: Condition, second: Condition) -> Condition:
    """Two nested conditions at once (a feature switch under another is more than `when` says)."""
    if first is False or second is False:
        return False
    if first is True:
        return second
    if second is True:
        return first
    return first if first == second else None


def _either(first: Condition, second: Condition) -> Condition:
    if first is True or second is True:
        return True
    if first is False:
        return second if isinstance(second, bool) else None
    return None
