"""Safe file writes: a save never truncates or half-writes the file it replaces.

The new bytes go to a temporary file beside the target, are flushed to disk, and replace the
target by one rename, so a reader (or a crash) sees the old file or the new one. Around that:

- a symlink is followed: the file it points to is written and the link stays (dotfile
  repositories link layouts from elsewhere);
- the target's permission bits and owner are kept;
- temporary files are named `.NAME.keyconf-tmp-PID-…`: removed when a write fails, and those
  a killed keyconf left behind are removed by the next save of the same file;
- a file with several hard links cannot be replaced by a rename without breaking the links,
  nor can one whose owner we may not give a new file: it is written in place, after its old
  content is saved as `.NAME.keyconf-backup`, which is put back if the write fails and removed
  once the new content is on disk (a kill in between leaves the backup for the user).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

TEMP_MARK = ".keyconf-tmp-"
BACKUP_SUFFIX = ".keyconf-backup"
_STALE_AFTER_SECONDS = 24 * 3600  # a temp file this old is stale whoever made it (pids are reused)


def write_atomic(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> None:
    """Write `data` to `path` (see the module docstring). Raises OSError when it cannot."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    target = Path(os.path.realpath(path))  # through every symlink, to the file itself
    directory = target.parent
    remove_stale_temps(target)
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise IsADirectoryError(21, "not a regular file", str(path)) if stat.S_ISDIR(old.st_mode) else OSError(
            f"{path} is not a regular file; keyconf writes only regular files")
    if old is not None and old.st_nlink > 1:
        write_in_place(target, payload)
        return
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if old is None:
                os.chmod(tmp_name, 0o666 & ~_current_umask())
            else:
                os.chmod(tmp_name, stat.S_IMODE(old.st_mode))
                if not _give_owner(handle.fileno(), old):
                    raise _OwnerNotKept
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except _OwnerNotKept:
        _unlink(tmp_name)
        write_in_place(target, payload)
        return
    except BaseException:
        _unlink(tmp_name)
        raise
    _fsync_directory(directory)


def write_in_place(target: Path, payload: bytes) -> None:
    """Overwrite `target`'s content keeping its inode (links, owner, mode), with a backup of the
    old content beside it while the write is under way."""
    old_content = target.read_bytes()
    backup = target.with_name(f".{target.name}{BACKUP_SUFFIX}")
    write_atomic(backup, old_content)
    try:
        with open(target, "r+b") as handle:
            handle.write(payload)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError), open(target, "r+b") as handle:
            handle.write(old_content)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
            _unlink(str(backup))
        raise
    _unlink(str(backup))


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files an earlier, killed write of `target` left; the removed paths.

    A temp file belongs to the process whose id is in its name: it is stale when that process
    is gone, or when it is older than a day (process ids are reused)."""
    removed: list[Path] = []
    prefix = f".{target.name}{TEMP_MARK}"
    try:
        names = [entry.name for entry in os.scandir(target.parent) if entry.name.startswith(prefix)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        candidate = target.parent / name
        pid_text = name[len(prefix):].split("-", 1)[0]
        try:
            age = now - candidate.lstat().st_mtime
        except OSError:
            continue
        if age < _STALE_AFTER_SECONDS and pid_text.isdigit() and _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another write of ours may be under way in another thread
    if os.name != "posix":
        return True  # no safe probe: leave it to the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class _OwnerNotKept(Exception):
    """The new file cannot be given the old file's owner: write in place instead."""


def _give_owner(fd: int, old: os.stat_result) -> bool:
    """Give the temp file the old file's owner and group; False when that is not allowed."""
    if os.name != "posix" or (old.st_uid, old.st_gid) == (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
        return True
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except PermissionError:
        return False
    if stat.S_IMODE(old.st_mode) & (stat.S_ISUID | stat.S_ISGID):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))  # chown clears set-id bits
    return True


def _unlink(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows opening a directory."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
