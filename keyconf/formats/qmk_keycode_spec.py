"""Read QMK's keycode spec (`data/constants/keycodes/keycodes_<version>[_<fragment>].hjson`).

QMK stores its keycodes as one delta per spec version. For a target version every file of that
version or older is read; files are grouped by fragment (the base file, `basic`, `quantum`, ...),
each group is merged in version order (later values win, `"!delete!"` removes a key, a dict holding
`"!reset!"` replaces instead of merging, a list starting with `"!reset!"` replaces the list), and
the groups are then deep-merged together. This module implements those rules so keyconf can
rebuild its own keycode table from any QMK tree (a checkout or a bare git repository).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import hjson

SPEC_DIR = "data/constants/keycodes"
_FILE_RE = re.compile(r"^keycodes_(\d+)\.(\d+)\.(\d+)(?:_([a-z0-9_]+))?\.hjson$")
_RESET = "!reset!"
_DELETE = "!delete!"


class SpecSource(Protocol):
    """Where spec files come from: a directory or a git revision."""

    def names(self) -> list[str]: ...

    def read(self, name: str) -> str: ...


@dataclass(frozen=True)
class DirectorySource:
    """Spec files in a directory (a QMK checkout's `data/constants/keycodes`, or any folder)."""

    path: Path

    @classmethod
    def for_tree(cls, qmk_home: str | Path) -> DirectorySource:
        return cls(Path(qmk_home) / SPEC_DIR)

    def names(self) -> list[str]:
        return sorted(p.name for p in self.path.glob("keycodes_*.hjson"))

    def read(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class GitSource:
    """Spec files at one revision of a git repository (bare or not), read with `git show`."""

    git_dir: Path
    rev: str = "HEAD"

    def _git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], check=True, capture_output=True, text=True
        )
        return result.stdout

    def names(self) -> list[str]:
        listing = self._git("ls-tree", "--name-only", f"{self.rev}:{SPEC_DIR}")
        return sorted(n for n in listing.split() if n.startswith("keycodes_") and n.endswith(".hjson"))

    def read(self, name: str) -> str:
        return self._git("show", f"{self.rev}:{SPEC_DIR}/{name}")


@dataclass(frozen=True)
class LayeredSource:
    """Several sources; a file in a later source replaces the same-named file in an earlier one."""

    sources: tuple[SpecSource, ...]

    def names(self) -> list[str]:
        return sorted({n for s in self.sources for n in s.names()})

    def read(self, name: str) -> str:
        for source in reversed(self.sources):
            if name in source.names():
                return source.read(name)
        raise FileNotFoundError(name)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def list_versions(source: SpecSource) -> list[str]:
    """Spec versions that have a base file, oldest first (multi-digit parts allowed)."""
    versions = set()
    for name in source.names():
        match = _FILE_RE.match(name)
        if match and match.group(4) is None:
            versions.add(".".join(match.group(1, 2, 3)))
    return sorted(versions, key=version_key)


def _merge_ordered(dicts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for d in dicts:
        for key, value in d.items():
            _add_entry(result, key, value)
    return result


def _add_entry(target: dict[str, Any], key: str, value: Any) -> None:
    if key in target and isinstance(value, Mapping):
        if _RESET in value:
            target[key] = dict(value)
        else:
            target[key] = _merge_ordered([target[key], value])
        target[key].pop(_RESET, None)
    elif key in target and isinstance(value, list):
        target[key] = list(value[1:]) if value and value[0] == _RESET else target[key] + list(value)
    elif value == _DELETE:
        target.pop(key, None)
    else:
        target[key] = _strip_markers(value)


def _strip_markers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_markers(v) for k, v in value.items() if k != _RESET and v != _DELETE}
    if isinstance(value, list):
        return [_strip_markers(v) for v in value if v != _RESET]
    return value


def _deep_update(orig: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in new.items():
        if isinstance(value, Mapping):
            orig[key] = _deep_update(dict(orig.get(key, {})), value)
        else:
            orig[key] = value
    return orig


@dataclass(frozen=True)
class SpecKeycode:
    value: int
    key: str
    aliases: tuple[str, ...]
    group: str | None
    label: str | None


@dataclass(frozen=True)
class Spec:
    version: str
    keycodes: dict[int, SpecKeycode]
    ranges: dict[tuple[int, int], str]  # (start, mask) -> define

    def names(self) -> dict[str, int]:
        """Every key and alias -> value."""
        out: dict[str, int] = {}
        for kc in self.keycodes.values():
            out[kc.key] = kc.value
            for alias in kc.aliases:
                out[alias] = kc.value
        return out


def load_spec(source: SpecSource, version: str) -> Spec:
    """Merge every spec file up to `version` with QMK's rules."""
    wanted = version_key(version)
    fragments: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for name in source.names():
        match = _FILE_RE.match(name)
        if not match:
            continue
        file_version = tuple(int(p) for p in match.group(1, 2, 3))
        if file_version > wanted:
            continue
        fragments.setdefault(match.group(4) or "_", []).append((file_version, name))
    merged: dict[str, Any] = {}
    for files in fragments.values():
        files.sort()
        parsed = [hjson.loads(source.read(name)) for _, name in files]
        _deep_update(merged, _merge_ordered(parsed))
    keycodes: dict[int, SpecKeycode] = {}
    for raw_value, entry in merged.get("keycodes", {}).items():
        if not isinstance(entry, Mapping) or "key" not in entry:
            continue
        value = int(raw_value, 16)
        keycodes[value] = SpecKeycode(
            value=value,
            key=entry["key"],
            aliases=tuple(a for a in entry.get("aliases", []) if a != _RESET),
            group=entry.get("group"),
            label=entry.get("label"),
        )
    ranges: dict[tuple[int, int], str] = {}
    for raw_range, entry in merged.get("ranges", {}).items():
        if not isinstance(entry, Mapping):
            continue
        start, mask = (int(part, 16) for part in raw_range.split("/"))
        ranges[(start, mask)] = entry.get("define", "")
    return Spec(version=version, keycodes=dict(sorted(keycodes.items())), ranges=dict(sorted(ranges.items())))
