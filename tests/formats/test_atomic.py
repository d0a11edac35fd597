"""write_atomic on real files: symlinks, hard links, modes, owners, failures and a killed writer."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from keyconf.formats import atomic
from keyconf.formats.atomic import BACKUP_SUFFIX, TEMP_MARK, write_atomic
from keyconf.formats.yaml_layout import load_layout, save_layout

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = "keyboard: crkbd/rev1\nlayout: LAYOUT_split_3x6_3\nlayers:\n  base: [[KC_A, KC_B]]\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name or BACKUP_SUFFIX in p.name)


def test_symlinked_layout_in_a_dotfile_repo_updates_the_real_file(tmp_path: Path):
    repo = tmp_path / "dotfiles" / "keyboards"
    repo.mkdir(parents=True)
    real = repo / "corne.yaml"
    real.write_text(LAYOUT)
    config = tmp_path / "config"
    config.mkdir()
    link = config / "corne.yaml"
    link.symlink_to(Path("..") / "dotfiles" / "keyboards" / "corne.yaml")

    loaded = load_layout(link)
    loaded.layout.layers[0].keys[0] = "KC_Q"
    save_layout(loaded.layout, link, loaded)

    assert link.is_symlink() and os.readlink(link) == "../dotfiles/keyboards/corne.yaml"
    assert "KC_Q" in real.read_text() and real.read_text() == link.read_text()
    assert leftovers(repo) == [] and leftovers(config) == []


def test_a_chain_of_symlinks_and_a_dangling_one(tmp_path: Path):
    real = tmp_path / "real.yaml"
    real.write_text("old")
    (tmp_path / "a.yaml").symlink_to("real.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    write_atomic(tmp_path / "b.yaml", "new")
    assert real.read_text() == "new" and (tmp_path / "b.yaml").is_symlink() and (tmp_path / "a.yaml").is_symlink()
    (tmp_path / "dangling.yaml").symlink_to("made.yaml")
    write_atomic(tmp_path / "dangling.yaml", "made")
    assert (tmp_path / "made.yaml").read_text() == "made" and (tmp_path / "dangling.yaml").is_symlink()


def test_mode_is_kept(tmp_path: Path):
    path = tmp_path / "layout.yaml"
    path.write_text("old")
    path.chmod(0o640)
    write_atomic(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_text() == "new"
    path.chmod(0o604)
    write_atomic(path, "newer")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="giving a file another owner needs root")
def test_owner_is_kept(tmp_path: Path):
    path = tmp_path / "layout.yaml"
    path.write_text("old")
    os.chown(path, 1234, 2345)
    write_atomic(path, "new")
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 2345) and path.read_text() == "new"


def test_when_the_owner_cannot_be_kept_the_file_is_written_in_place(tmp_path: Path, monkeypatch):
    path = tmp_path / "layout.yaml"
    path.write_text("old content")
    inode = path.stat().st_ino
    monkeypatch.setattr(atomic, "_give_owner", lambda fd, old: False)
    write_atomic(path, "new")
    assert path.read_text() == "new" and path.stat().st_ino == inode
    assert leftovers(tmp_path) == []


def test_hard_linked_file_is_written_in_place_and_stays_linked(tmp_path: Path):
    path = tmp_path / "layout.yaml"
    path.write_text("old content, longer than the new")
    other = tmp_path / "backup-copy.yaml"
    os.link(path, other)
    write_atomic(path, "new")
    assert path.read_text() == "new" and other.read_text() == "new"
    assert path.stat().st_ino == other.stat().st_ino and path.stat().st_nlink == 2
    assert leftovers(tmp_path) == []


def test_hard_linked_file_failing_mid_write_gets_its_old_content_back(tmp_path: Path, monkeypatch):
    path = tmp_path / "layout.yaml"
    path.write_text("precious")
    os.link(path, tmp_path / "link.yaml")
    real_fsync = os.fsync
    inode = path.stat().st_ino
    failures = []

    def failing_fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == inode and not failures:  # the in-place write fails, once
            failures.append(fd)
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_atomic(path, "new")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert path.read_text() == "precious" and (tmp_path / "link.yaml").read_text() == "precious"
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_no_temp_file_and_the_old_content(tmp_path: Path, monkeypatch):
    path = tmp_path / "layout.yaml"
    path.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, "new")
    assert path.read_text() == "old" and leftovers(tmp_path) == []


def test_a_folder_or_a_fifo_is_refused(tmp_path: Path):
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        write_atomic(fifo, "x")


KILLED_WRITER = """
import os, sys, time
sys.path.insert(0, {root!r})
from keyconf.formats import atomic

def stop_before_rename(src, dst):
    print("ready", flush=True)
    time.sleep(120)

os.replace = stop_before_rename
atomic.write_atomic({path!r}, "half-saved")
"""


def test_temp_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path: Path):
    path = tmp_path / "layout.yaml"
    path.write_text("old")
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER.format(root=str(ROOT), path=str(path))],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        stale = leftovers(tmp_path)
        assert len(stale) == 1 and stale[0].startswith(f".layout.yaml{TEMP_MARK}{child.pid}-")
        assert atomic.remove_stale_temps(path) == []  # its writer is still alive: left alone
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert path.read_text() == "old"
    write_atomic(path, "new")
    assert path.read_text() == "new" and leftovers(tmp_path) == []
