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
from typing import Any

import hjson

from keyconf.compiler.dialect import QmkDialect

_SPEC_FILE = re.compile(r"keycodes_(\d+)\.(\d+)\.(\d+)(?:_[a-z0-9_]+)?\.hjson")
_LAYOUT_DEFINE = re.compile(r"^\s*#\s*define\s+(LAYOUT\w*)\s*\(([^)]*)\)", re.MULTILINE)
_SEND_STRING_NAME = re.compile(r"^\s*#\s*define\s+X_([A-Z0-9_]+)\b", re.MULTILINE)
_RULES_ASSIGN = re.compile(r"^\s*([A-Z_][A-Z0-9_]*)\s*[:?+]?=\s*(.*?)\s*(?:#.*)?$", re.MULTILINE)

AVR_PROCESSORS = frozenset(
    "atmega16u2 atmega32u2 atmega16u4 atmega32u4 at90usb162 at90usb646 at90usb647 at90usb1286 "
    "at90usb1287 atmega32a atmega328p atmega328 attiny85".split()
)
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
    encoder_count: int = 0
    has_via_keymap: bool = False
    info: dict[str, Any] = field(default_factory=dict)

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
        try:
            result = subprocess.run(
                ["git", "-C", str(self.root), "describe", "--abbrev=6", "--dirty", "--always", "--tags"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        version = result.stdout.strip()
        return version if result.returncode == 0 and version else None

    # -- keyboards ------------------------------------------------------------------------

    @cached_property
    def keyboard_aliases(self) -> dict[str, str]:
        path = self.root / "data" / "mappings" / "keyboard_aliases.hjson"
        data = _load_hjson(path) if path.is_file() else {}
        aliases: dict[str, str] = {}
        for alias, entry in data.items():
            if isinstance(entry, dict) and isinstance(entry.get("target"), str):
                aliases[alias] = entry["target"]
        return aliases

    def _is_keyboard_folder(self, folder: str) -> bool:
        path = self.root / "keyboards" / folder
        return (path / "rules.mk").is_file() or (path / "keyboard.json").is_file()

    def resolve_keyboard(self, name: str) -> str | None:
        """The folder QMK builds for `name` (aliases, then DEFAULT_FOLDER), or None."""
        if not name or Path(name).is_absolute() or ".." in Path(name).parts:
            return None
        seen: set[str] = set()
        while name in self.keyboard_aliases and name not in seen:
            seen.add(name)
            name = self.keyboard_aliases[name]
        for _ in range(8):
            rules = _parse_rules_mk(self.root / "keyboards" / name / "rules.mk")
            default = rules.get("DEFAULT_FOLDER")
            if not default or default == name:
                break
            name = default
        return name if self._is_keyboard_folder(name) else None

    def keyboard(self, name: str) -> TreeKeyboard:
        """The keyboard `name` as this tree builds it; TreeError when the tree has no such keyboard."""
        folder = self.resolve_keyboard(name)
        if folder is None:
            raise TreeError(
                f"keyboard '{name}' does not exist in the QMK tree at {self.root}",
                hint="check the keyboard name (it is the folder under keyboards/, e.g. crkbd/rev1), "
                "or update the tree with `git pull` if the keyboard is newer than it",
            )
        info = self._merged_info(folder)
        rules = self._merged_rules(folder)
        layouts: dict[str, int | None] = {}
        for macro, body in (info.get("layouts") or {}).items():
            if isinstance(body, dict) and isinstance(body.get("layout"), list):
                layouts[macro] = len(body["layout"])
        for macro, count in self._c_layout_macros(folder).items():
            layouts.setdefault(macro, count)
        aliases = {k: v for k, v in (info.get("layout_aliases") or {}).items() if isinstance(v, str)}
        processor, bootloader = self._processor_and_bootloader(info, rules)
        encoder = info.get("encoder") or {}
        rotary = encoder.get("rotary") if isinstance(encoder, dict) else None
        encoder_count = len(rotary) if isinstance(rotary, list) else 0
        split = info.get("split") or {}
        if encoder_count and isinstance(split, dict) and split.get("enabled"):
            right = ((split.get("encoder") or {}).get("right") or {}).get("rotary")
            encoder_count += len(right) if isinstance(right, list) else encoder_count
        return TreeKeyboard(
            requested=name,
            folder=folder,
            layouts=layouts,
            layout_aliases=aliases,
            processor=processor,
            bootloader=bootloader,
            encoder_count=encoder_count,
            has_via_keymap=self._has_keymap(folder, "via"),
            info=info,
        )

    def _folder_chain(self, folder: str) -> list[Path]:
        path = self.root / "keyboards"
        chain = []
        for part in Path(folder).parts:
            path = path / part
            chain.append(path)
        return chain

    def _merged_info(self, folder: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for level in self._folder_chain(folder):
            for name in ("info.json", "keyboard.json"):
                path = level / name
                if path.is_file():
                    data = _load_hjson(path)
                    if isinstance(data, dict):
                        _deep_update(merged, data)
        return merged

    def _merged_rules(self, folder: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for level in self._folder_chain(folder):
            merged.update(_parse_rules_mk(level / "rules.mk"))
        return merged

    def _c_layout_macros(self, folder: str) -> dict[str, int | None]:
        """Layout macros defined in C headers (keyboards not yet moved to info.json layouts)."""
        found: dict[str, int | None] = {}
        for level in self._folder_chain(folder):
            for header in sorted(level.glob("*.h")):
                text = _read_text(header)
                for macro, params in _LAYOUT_DEFINE.findall(text):
                    names = [p.strip() for p in params.split(",") if p.strip()]
                    found[macro] = None if any(p == "..." for p in names) else len(names)
        return found

    def _processor_and_bootloader(
        self, info: dict[str, Any], rules: dict[str, str]
    ) -> tuple[str | None, str | None]:
        processor = info.get("processor") or rules.get("MCU")
        bootloader = info.get("bootloader") or rules.get("BOOTLOADER")
        board = info.get("development_board") or rules.get("DEVELOPMENT_BOARD")
        if board and (processor is None or bootloader is None):
            defaults_path = self.root / "data" / "mappings" / "defaults.hjson"
            defaults = _load_hjson(defaults_path) if defaults_path.is_file() else {}
            entry = (defaults.get("development_board") or {}).get(board) or {}
            processor = processor or entry.get("processor")
            bootloader = bootloader or entry.get("bootloader")
        converter = rules.get("CONVERT_TO")
        del converter  # converters change the processor at build time; not handled here
        return (str(processor) if processor else None, str(bootloader) if bootloader else None)

    def _has_keymap(self, folder: str, keymap: str) -> bool:
        return any((level / "keymaps" / keymap).is_dir() for level in self._folder_chain(folder))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _load_hjson(path: Path) -> Any:
    try:
        return hjson.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, hjson.HjsonDecodeError):
        return {}


def _parse_rules_mk(path: Path) -> dict[str, str]:
    return {name: value for name, value in _RULES_ASSIGN.findall(_read_text(path))}


def _deep_update(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value
