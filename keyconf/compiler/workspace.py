"""Where a build's files live, so the user's qmk_firmware tree is never changed.

Two ways, chosen by what the tree supports (see docs/compiler.md):

- **External userspace** (QMK with `lib/python/qmk/userspace.py`, 2024 on): the generated
  keymap goes into a QMK userspace folder keyconf owns, in its cache folder, and the build
  runs with `QMK_USERSPACE` pointing there. The tree is only read.
- **Temporary keymap folder** (older trees): the keymap goes into
  `keyboards/<kb>/keymaps/keyconf_<random>/` inside the tree, created for the build and
  removed after it, whatever happens.

Either way make's object files go to keyconf's cache (`BUILD_DIR`), not the tree's `.build`,
and the firmware copy QMK drops into the tree's root folder is removed again (or the file
that was there before restored), so the tree is left exactly as it was found.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from keyconf.formats.atomic import write_atomic

FIRMWARE_SUFFIXES = (".hex", ".bin", ".uf2")
USERSPACE_JSON = {"userspace_version": "1.0", "build_targets": []}


def cache_root() -> Path:
    """keyconf's build cache (under KEYCONF_HOME when set); KEYCONF_BUILD_CACHE overrides it
    (tests, CI, bench)."""
    from keyconf.app_dirs import app_dirs

    configured = os.environ.get("KEYCONF_BUILD_CACHE")
    return Path(configured) if configured else app_dirs().cache / "build"


def tree_key(tree: Path) -> str:
    """A short stable name for a tree, so two trees never share object files."""
    return hashlib.sha256(str(tree.resolve()).encode("utf-8")).hexdigest()[:12]


@dataclass
class Workspace:
    """The folders one build uses and the cleanup it owes the tree.

    Use as a context manager: entering writes the sources, leaving removes what the build
    put into the tree."""

    tree: Path
    keyboard_folder: str
    keymap: str
    keymap_dir: Path
    build_dir: Path
    userspace: Path | None  # None: the temporary in-tree keymap folder is used
    files: dict[str, str] = field(default_factory=dict)
    # Community module folders the tree lacks, by module path (`owner/name`): copied to the
    # userspace's `modules/`, where QMK looks for modules before the tree's.
    modules: dict[str, Path] = field(default_factory=dict)
    # The layout's converter (`rp2040_ce`): QMK before mid-2024 names the build `<target>_rp2040_ce`
    # (its converters.mk adds it to TARGET), later QMK only for a CONVERT_TO given to make.
    converter: str | None = None
    _saved_root_files: dict[Path, bytes | None] = field(default_factory=dict)
    _lock: int | None = None

    @property
    def target(self) -> str:
        """QMK's name for the build: `<keyboard with _>_<keymap>`."""
        return f"{self.keyboard_folder.replace('/', '_')}_{self.keymap}"

    @property
    def target_names(self) -> list[str]:
        """The names the firmware files may take: the target's, and with a converter's suffix."""
        return [self.target] + ([f"{self.target}_{self.converter}"] if self.converter else [])

    def elf(self) -> Path:
        """The linked program (the newest, under either of `target_names`)."""
        found = [self.build_dir / f"{name}.elf" for name in self.target_names
                 if (self.build_dir / f"{name}.elf").is_file()]
        return max(found, key=lambda p: p.stat().st_mtime) if found else self.build_dir / f"{self.target}.elf"

    @property
    def in_tree(self) -> bool:
        return self.userspace is None

    def environment(self) -> dict[str, str]:
        env = {"QMK_HOME": str(self.tree), "BUILD_DIR": str(self.build_dir)}
        if self.userspace is not None:
            env["QMK_USERSPACE"] = str(self.userspace)
        return env

    def __enter__(self) -> Workspace:
        self.build_dir.mkdir(parents=True, exist_ok=True)
        self._lock = _lock_folder(self.build_dir)
        try:
            for name in self.target_names:
                for suffix in FIRMWARE_SUFFIXES:
                    root_copy = self.tree / f"{name}{suffix}"
                    self._saved_root_files[root_copy] = root_copy.read_bytes() if root_copy.is_file() else None
            if self.userspace is not None:
                self.userspace.mkdir(parents=True, exist_ok=True)
                qmk_json = self.userspace / "qmk.json"
                if not qmk_json.is_file():
                    write_atomic(qmk_json, json.dumps(USERSPACE_JSON) + "\n")
                self.keymap_dir.mkdir(parents=True, exist_ok=True)
                _remove_stale(self.keymap_dir, set(self.files))
                _place_modules(self.userspace / "modules", self.modules)
            elif self.modules:
                raise OSError("community modules outside the QMK tree need a tree with external userspace")
            else:
                self.keymap_dir.mkdir(parents=True)  # unique name: fails rather than reuse a folder
            for name, text in self.files.items():
                _write_if_changed(self.keymap_dir / name, text)
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        """Leave the tree as it was: remove the in-tree keymap folder and QMK's root firmware copy."""
        try:
            if self.in_tree and self.keymap_dir.exists():
                shutil.rmtree(self.keymap_dir, ignore_errors=True)
                parent = self.keymap_dir.parent
                with contextlib.suppress(OSError):
                    if parent.name == "keymaps" and not any(parent.iterdir()):
                        parent.rmdir()
            for path, original in self._saved_root_files.items():
                if original is None:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                elif not path.is_file() or path.read_bytes() != original:
                    path.write_bytes(original)
            self._saved_root_files.clear()
        finally:
            if self._lock is not None:
                _unlock_folder(self._lock)
                self._lock = None

    def firmware(self, log: list[str]) -> Path | None:
        """The firmware file the build made, in the board's format.

        ChibiOS builds leave both a .hex and a .bin in the build folder; the one QMK copies
        out ("Copying <target>.bin to qmk_firmware folder") is the board's format."""
        for line in reversed(log):
            for name in self.target_names:
                for suffix in FIRMWARE_SUFFIXES:
                    if f"Copying {name}{suffix} " in line:
                        path = self.build_dir / f"{name}{suffix}"
                        return path if path.is_file() else None
        found = [
            self.build_dir / f"{name}{suffix}"
            for name in self.target_names
            for suffix in FIRMWARE_SUFFIXES
            if (self.build_dir / f"{name}{suffix}").is_file()
        ]
        return max(found, key=lambda p: p.stat().st_mtime) if found else None

    def object_dir(self) -> Path:
        return self.build_dir / f"obj_{self.target}"


def make_workspace(
    tree: Path,
    keyboard_folder: str,
    keymap: str,
    files: dict[str, str],
    use_userspace: bool,
    cache: Path | None = None,
) -> Workspace:
    """The workspace for building `keymap` of `keyboard_folder` from `tree`."""
    root = (cache or cache_root()) / tree_key(tree)
    if use_userspace:
        userspace = root / "userspace"
        keymap_dir = userspace / "keyboards" / keyboard_folder / "keymaps" / keymap
        return Workspace(tree, keyboard_folder, keymap, keymap_dir, root / "obj", userspace, dict(files))
    unique = f"{keymap}_{secrets.token_hex(4)}"
    keymap_dir = tree / "keyboards" / keyboard_folder / "keymaps" / unique
    return Workspace(tree, keyboard_folder, unique, keymap_dir, root / "obj", None, dict(files))


def _write_if_changed(path: Path, text: str) -> None:
    """Write only when different, so make rebuilds only what really changed."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)  # a layout's C file in a subfolder (features/x.c)
    write_atomic(path, data)


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Remove what an earlier build left in the reused keymap folder and this one does not write
    (a header an old layout had could otherwise be found by this one's `#include`)."""
    for entry in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        relative = entry.relative_to(folder).as_posix()
        if entry.is_dir() and not entry.is_symlink():
            if not any(name.startswith(relative + "/") for name in keep):
                shutil.rmtree(entry, ignore_errors=True)
        elif relative not in keep:
            entry.unlink()


MAX_MODULE_FILES = 200  # a community module is a handful of files; refuse to copy a whole repository
MAX_MODULE_BYTES = 4 * 1024 * 1024


def _place_modules(folder: Path, modules: dict[str, Path]) -> None:
    """`folder` holding exactly these module folders (what an earlier build copied goes), files
    only: links are not followed, so a module cannot bring in what lies outside it."""
    if folder.exists():
        shutil.rmtree(folder)
    for module, source in modules.items():
        files = [entry for entry in source.rglob("*") if entry.is_file() and not entry.is_symlink()
                 and ".git" not in entry.relative_to(source).parts]
        if len(files) > MAX_MODULE_FILES or sum(entry.stat().st_size for entry in files) > MAX_MODULE_BYTES:
            raise OSError(f"community module {module} at {source} is larger than a module "
                          f"({MAX_MODULE_FILES} files, {MAX_MODULE_BYTES // 2**20} MiB)")
        for entry in files:
            target = folder / module / entry.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry, target)


def _lock_folder(folder: Path) -> int | None:
    """An exclusive lock on `folder` so two builds never share object files at once."""
    try:
        import fcntl
    except ImportError:  # Windows: builds are not run concurrently by keyconf there
        return None
    fd = os.open(folder / ".keyconf-lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RuntimeError(
            "another keyconf build is using this QMK tree's build folder; wait for it to finish"
        ) from None
    return fd


def _unlock_folder(fd: int) -> None:
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
