"""What a qmk_firmware tree can build: read from its files, never written to.

Facts the compiler needs before it runs `make`: the tree's keycode spec version, which
keyboards and layout macros exist (with QMK's aliases), each board's processor, and the
C dialect of that QMK version (key override array shape, combo counting, tap dance type
names, the send-string key names). Everything is read lazily and cached per tree.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from keyconf.compiler.dialect import QmkDialect
from keyconf.formats.definition_source import KeyboardDefinitionError
from keyconf.formats.qmk_build_files import parse_rules_mk
from keyconf.formats.qmk_info import load_qmk_keyboard, merged_info_json, resolve_keyboard_name
from keyconf.model.keyboard import AVR_PROCESSORS, Keyboard

if TYPE_CHECKING:
    from keyconf.catalogue.bundle import BundleSource

_SPEC_FILE = re.compile(r"keycodes_(\d+)\.(\d+)\.(\d+)(?:_[a-z0-9_]+)?\.hjson")
_DFU_ARGS = re.compile(r"^[ \t]*DFU_ARGS[ \t]*[:?]?=([^\n#]*)", re.MULTILINE)
_LAYOUT_DEFINE = re.compile(r"^\s*#\s*define\s+(LAYOUT\w*)\s*\(([^)]*)\)", re.MULTILINE)
_SEND_STRING_NAME = re.compile(r"^\s*#\s*define\s+X_([A-Z0-9_]+)\b", re.MULTILINE)
_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(\S+)\s*$", re.MULTILINE)

RISCV_PROCESSORS = frozenset({"GD32VF103"})


class TreeError(Exception):
    """The tree lacks something the build needs; `message` says what, `hint` how to fix it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def is_qmk_tree(path: Path) -> bool:
    """The test QMK's own CLI applies to decide a folder is a qmk_firmware checkout."""
    return (
        (path / "quantum").is_dir()
        and (path / "requirements.txt").is_file()
        and (path / "lib" / "python" / "qmk" / "cli" / "__init__.py").is_file()
    )


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def compilers_for_processor(processor: str | None) -> tuple[str, ...]:
    """The C compilers QMK accepts for `processor`, preferred first (any one will do)."""
    if processor in AVR_PROCESSORS:
        return ("avr-gcc",)
    if processor in RISCV_PROCESSORS:
        return ("riscv32-unknown-elf-gcc", "riscv64-unknown-elf-gcc")
    return ("arm-none-eabi-gcc",)


@dataclass
class TreeKeyboard:
    """One buildable keyboard of a tree, as QMK resolves it."""

    requested: str
    folder: str  # after keyboard aliases and DEFAULT_FOLDER
    layouts: dict[str, int | None]  # macro name -> key count (None: a C macro we could not count)
    layout_aliases: dict[str, str] = field(default_factory=dict)
    processor: str | None = None
    bootloader: str | None = None
    pin_compatible: str | None = None  # the controller footprint the board names (promicro, elite_c)
    encoder_count: int | None = 0  # None: the board has encoders set up in C, count unknown
    has_via_keymap: bool = False
    geometry: Keyboard | None = None  # from the tree's info.json files, when it has them

    def resolve_layout(self, name: str) -> str | None:
        """The macro `name` refers to in this tree (following `layout_aliases`), or None."""
        seen: set[str] = set()
        while name not in self.layouts and name in self.layout_aliases and name not in seen:
            seen.add(name)
            name = self.layout_aliases[name]
        return name if name in self.layouts else None


class QmkTree:
    """A qmk_firmware checkout, inspected read-only."""

    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser().resolve()

    def __repr__(self) -> str:
        return f"QmkTree({str(self.root)!r})"

    # -- versions and dialect -------------------------------------------------------------

    @cached_property
    def keycode_spec_version(self) -> str | None:
        """The newest keycode spec in `data/constants/keycodes/` (e.g. "0.0.7"); None before QMK 0.19."""
        folder = self.root / "data" / "constants" / "keycodes"
        if not folder.is_dir():
            return None
        versions = []
        for entry in folder.iterdir():
            match = _SPEC_FILE.fullmatch(entry.name)
            if match:
                versions.append(tuple(int(g) for g in match.groups()))
        if not versions:
            return None
        return ".".join(str(n) for n in max(versions))

    @cached_property
    def supports_userspace(self) -> bool:
        """External userspace (QMK_USERSPACE) arrived with `lib/python/qmk/userspace.py` (QMK 0.23.x, 2024)."""
        userspace_py = self.root / "lib" / "python" / "qmk" / "userspace.py"
        rules = self.root / "builddefs" / "build_keyboard.mk"
        return userspace_py.is_file() and "QMK_USERSPACE" in _read_text(rules)

    @cached_property
    def supports_community_modules(self) -> bool:
        """Community modules (keymap.json's `"modules"`) arrived with `lib/python/qmk/community_modules.py`
        and QK_COMMUNITY_MODULE keycodes (QMK 0.28, 2025)."""
        return (self.root / "lib" / "python" / "qmk" / "community_modules.py").is_file() and \
            "QK_COMMUNITY_MODULE" in _read_text(self.root / "quantum" / "keycodes.h")

    @cached_property
    def dialect(self) -> QmkDialect:
        introspection = _read_text(self.root / "quantum" / "keymap_introspection.c")
        tap_dance_h = _read_text(self.root / "quantum" / "process_keycode" / "process_tap_dance.h")
        encoder_h = _read_text(self.root / "quantum" / "encoder.h")
        old_tap_dance = "qk_tap_dance_action_t" in tap_dance_h and not re.search(
            r"\}\s*tap_dance_action_t\s*;", tap_dance_h
        )
        return QmkDialect(
            keycode_spec_version=self.keycode_spec_version or "0.0.1",
            key_overrides_array="key_override_count_raw" in introspection,
            combo_count_from_array="combo_count_raw" in introspection,
            tap_dance_type_prefix="qk_" if old_tap_dance else "",
            send_string_names=self.send_string_names,
            encoder_ccw_cw="ENCODER_CCW_CW" in encoder_h,
        )

    @cached_property
    def send_string_names(self) -> frozenset[str]:
        """Key names usable as `X_<name>` in SEND_STRING, as this tree's header defines them."""
        for candidate in (
            self.root / "quantum" / "send_string" / "send_string_keycodes.h",
            self.root / "quantum" / "send_string_keycodes.h",
        ):
            text = _read_text(candidate)
            if text:
                return frozenset(_SEND_STRING_NAME.findall(text))
        return frozenset()

    def qmk_version(self) -> str | None:
        """`git describe` of the tree, as QMK's own version.h uses; None when git cannot tell."""
        result = self._git("describe", "--abbrev=6", "--dirty", "--always", "--tags")
        version = result.stdout.strip() if result is not None else ""
        return version if result is not None and result.returncode == 0 and version else None

    def is_git_work_tree(self) -> bool:
        """Whether git sees the tree as a checkout. QMK's top Makefile sets SKIP_GIT=yes when it
        does not (a downloaded archive, a copy without .git); `qmk compile` runs make past that
        Makefile, so the build has to be told, or version.h's `git describe` error text lands in
        make's input ("multiple target patterns")."""
        result = self._git("rev-parse", "--is-inside-work-tree")
        return result is not None and result.returncode == 0 and result.stdout.strip() == "true"

    def _git(self, *args: str) -> subprocess.CompletedProcess[str] | None:
        """git run in the tree; None when git is missing or hangs."""
        try:
            return subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None

    def empty_submodules(self) -> list[str]:
        """The git submodules of `.gitmodules` whose folder is missing or empty (a tree copied or
        downloaded without them; a clone whose submodule commit could not be fetched leaves only
        its `.git` file there), as paths relative to the root (`lib/chibios`)."""
        text = _read_text(self.root / ".gitmodules") or ""
        empty = []
        for path in _SUBMODULE_PATH.findall(text):
            folder = self.root / path.strip()
            try:
                if not folder.is_dir() or all(entry.name == ".git" for entry in folder.iterdir()):
                    empty.append(path.strip())
            except OSError:
                empty.append(path.strip())
        return empty

    # -- keyboards ------------------------------------------------------------------------

    def _is_keyboard_folder(self, folder: str) -> bool:
        path = self.root / "keyboards" / folder
        return (path / "rules.mk").is_file() or (path / "keyboard.json").is_file()

    def resolve_keyboard(self, name: str) -> str | None:
        """The folder QMK builds for `name` (keyboard aliases, then DEFAULT_FOLDER), or None."""
        if not name or Path(name).is_absolute() or ".." in Path(name).parts:
            return None
        for candidate in (name, *_bundled_other_names(name)):
            folder = resolve_keyboard_name(self.root, candidate)
            if Path(folder).is_absolute() or ".." in Path(folder).parts:
                continue
            if self._is_keyboard_folder(folder):
                return folder
        return None

    def keyboard(self, name: str) -> TreeKeyboard:
        """The keyboard `name` as this tree builds it; TreeError when the tree has no such keyboard."""
        folder = self.resolve_keyboard(name)
        if folder is None:
            fork = fork_of_board(name)
            if fork is not None and fork.is_newer_upstream:
                raise TreeError(
                    f"keyboard '{name}' is newer than the QMK tree at {self.root}: qmk_firmware's {fork.branch} "
                    f"has it since the tree was made (the catalogue's copy is of {fork.date})",
                    hint=fork_tree_hint(fork),
                )
            if fork is not None:
                raise TreeError(
                    f"keyboard '{name}' is a board of {fork.name} (branch {fork.branch}), which qmk_firmware "
                    f"does not have, and the QMK tree at {self.root} lacks it: only that fork builds it",
                    hint=fork_tree_hint(fork),
                )
            raise TreeError(
                f"keyboard '{name}' does not exist in the QMK tree at {self.root}",
                hint="check the keyboard name (it is the folder under keyboards/, e.g. crkbd/rev1), "
                "or update the tree with `git pull` if the keyboard is newer than it",
            )
        try:
            geometry: Keyboard | None = load_qmk_keyboard(self.root, folder)
        except (KeyboardDefinitionError, OSError, ValueError):
            geometry = None  # a board described only in C headers and rules.mk
        layouts: dict[str, int | None] = {}
        aliases: dict[str, str] = {}
        processor = bootloader = pin_compatible = None
        encoder_count: int | None = 0
        if geometry is not None:
            layouts = {macro: layout.key_count for macro, layout in geometry.layouts.items()}
            aliases = dict(geometry.layout_aliases)
            processor, bootloader, pin_compatible = geometry.processor, geometry.bootloader, geometry.pin_compatible
            encoder_count = len(geometry.encoders)
        else:
            try:
                info = merged_info_json(self.root, folder)
            except (KeyboardDefinitionError, OSError, ValueError):
                info = {}
            processor = _text_or_none(info.get("processor"))
            bootloader = _text_or_none(info.get("bootloader"))
            pin_compatible = _text_or_none(info.get("pin_compatible"))
        if bootloader == "custom":
            bootloader = self._custom_bootloader(folder) or bootloader
        for macro, count in self._c_layout_macros(folder).items():
            layouts.setdefault(macro, count)
        if encoder_count == 0 and self._encoders_in_c(folder):
            encoder_count = None
        return TreeKeyboard(
            requested=name,
            folder=folder,
            layouts=layouts,
            layout_aliases=aliases,
            processor=processor,
            bootloader=bootloader,
            pin_compatible=pin_compatible,
            encoder_count=encoder_count,
            has_via_keymap=self._has_keymap(folder, "via"),
            geometry=geometry,
        )

    def uses_lto(self, folder: str) -> bool | None:
        """Whether the board builds with link-time optimisation (None: it does not say)."""
        from keyconf.compiler.firmware_size import board_uses_lto

        try:
            info = merged_info_json(self.root, folder)
        except (KeyboardDefinitionError, OSError, ValueError):
            info = {}
        return board_uses_lto(info, [_read_text(path / "rules.mk") for path in reversed(self._folder_chain(folder))])

    def board_features(self, folder: str) -> frozenset[str]:
        """The feature switches the board turns on itself (`"features": {"pointing_device": true}` of its
        info.json/keyboard.json files, then `POINTING_DEVICE_ENABLE = yes` of its rules.mk files from the top
        folder down, which QMK's make reads over what it generates from the JSON)."""
        try:
            info = merged_info_json(self.root, folder)
        except (KeyboardDefinitionError, OSError, ValueError):
            info = {}
        switches: dict[str, bool] = {}
        declared = info.get("features")
        if isinstance(declared, dict):
            switches = {f"{name.upper()}_ENABLE": value for name, value in declared.items()
                        if isinstance(name, str) and isinstance(value, bool)}
        for level in self._folder_chain(folder):
            for operator, name, value in parse_rules_mk(_read_text(level / "rules.mk")):
                if operator == "?=" and name in switches:
                    continue
                if name.endswith("_ENABLE") and value.strip().lower() in ("yes", "no"):
                    switches[name] = value.strip().lower() == "yes"
        return frozenset(name for name, on in switches.items() if on)

    def _custom_bootloader(self, folder: str) -> str | None:
        """The bootloader of a board QMK calls `custom` whose rules.mk tells dfu-util where it is
        (ZSA's Voyager: `DFU_ARGS = -d 3297:0791 -a 0 -s 0x08002000:leave`), when keyconf knows it."""
        from keyconf.flash.bootloaders import for_dfu_args

        for level in reversed(self._folder_chain(folder)):
            found = _DFU_ARGS.search(_read_text(level / "rules.mk"))
            if found is not None:
                bootloader = for_dfu_args(found.group(1))
                return bootloader.name if bootloader is not None else None
        return None

    def _folder_chain(self, folder: str) -> list[Path]:
        path = self.root / "keyboards"
        chain = []
        for part in Path(folder).parts:
            path = path / part
            chain.append(path)
        return chain

    def _c_layout_macros(self, folder: str) -> dict[str, int | None]:
        """Layout macros defined in C headers (keyboards not yet moved to info.json layouts)."""
        found: dict[str, int | None] = {}
        for level in self._folder_chain(folder):
            for header in sorted(level.glob("*.h")):
                text = _read_text(header)
                for macro, params in _LAYOUT_DEFINE.findall(text):
                    names = [p.strip() for p in params.replace("\\", " ").split(",") if p.strip()]
                    found[macro] = None if any(p == "..." for p in names) else len(names)
        return found

    def _encoders_in_c(self, folder: str) -> bool:
        """Encoders configured the pre-info.json way (config.h pads, rules.mk ENCODER_ENABLE)."""
        for level in self._folder_chain(folder):
            config = _read_text(level / "config.h")
            rules = _read_text(level / "rules.mk")
            if "ENCODERS_PAD_A" in config or "ENCODER_A_PINS" in config:
                return True
            if re.search(r"^\s*ENCODER_ENABLE\s*[:?]?=\s*yes", rules, re.MULTILINE):
                return True
        return False

    def _has_keymap(self, folder: str, keymap: str) -> bool:
        return any((level / "keymaps" / keymap).is_dir() for level in self._folder_chain(folder))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def fork_of_board(name: str) -> BundleSource | None:
    """The QMK fork (Keychron's, vial-qmk, fingerpunch's ...) whose board `name` is, when the bundled
    catalogue knows it only from there (or upstream's newer master: `is_newer_upstream`); None for the
    boards of the catalogue's own upstream tree and for unknown names."""
    from keyconf.catalogue.bundle import open_bundle

    try:
        bundle = open_bundle()
    except ValueError:  # a damaged bundle says nothing about forks
        return None
    path = bundle.resolve(name) if bundle is not None else None
    return bundle.fork_of(path) if bundle is not None and path is not None else None


def fork_tree_hint(fork: BundleSource) -> str:
    if fork.is_newer_upstream:
        return (f"update the tree (`git pull` then `qmk git-submodule` in it), or clone a new one: "
                f"`git clone -b {fork.branch} {fork.url}`, and give it with --qmk-home PATH (or QMK_HOME)")
    return (f"build it with that fork as the QMK tree: `git clone -b {fork.branch} {fork.url}`, `qmk git-submodule` "
            "in it, then give it with --qmk-home PATH (or QMK_HOME)")


def _bundled_other_names(name: str) -> list[str]:
    """Where the bundled catalogue says an old name or a folder that is no keyboard leads
    (`planck` -> `planck/rev6`), for names the tree's own aliases no longer resolve."""
    from keyconf.catalogue.bundle import open_bundle

    try:
        bundle = open_bundle()
    except ValueError:  # a damaged bundle: the tree's own names still work
        return []
    if bundle is None:
        return []
    return [p for p in (bundle.aliases.get(name), bundle.folder_defaults.get(name)) if p]
