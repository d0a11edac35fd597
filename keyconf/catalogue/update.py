"""Downloading a newer catalogue snapshot (`keyconf keyboards --update`), standard library only.

A server holds the files `tools/build_catalogue.py` writes (the bundle format) and a
`manifest.json`: `{"format": 1, "date": "...", "files": {"lookup.json.gz": {"sha256": ..., "size": ...}, ...}}`.
Each file is downloaded into `<cache>/catalogue/partial/`, continued with an HTTP Range request
when an earlier run was interrupted, and checked against its size and sha256. Only when every
file is verified is the set moved into place, as one directory rename; a failed update leaves
the snapshot in use untouched. There is no official server: the URL is the user's setting.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

# Where a downloaded snapshot lives is the bundle's fact (it opens whichever catalogue is in use).
from keyconf.catalogue.bundle import (  # noqa: F401 (downloaded_snapshot: re-exported for the CLI and tests)
    MANIFEST,
    SNAPSHOT_FILES,
    catalogue_cache,
    downloaded_snapshot,
)

URL_VARIABLE = "KEYCONF_CATALOGUE_URL"
MAX_MANIFEST_BYTES = 1 << 20
MAX_FILE_BYTES = 200 << 20
_CHUNK = 1 << 16

Progress = Callable[[str, int, int], None]


class UpdateError(Exception):
    """A download that could not be done or verified; the snapshot in use is unchanged."""


def snapshot_date(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("date") or "") or None
    except (OSError, ValueError, AttributeError):
        return None


def manifest_for(folder: Path, date: str) -> dict[str, object]:
    """The manifest a server publishes next to the snapshot files of `folder`."""
    files = {}
    for name in SNAPSHOT_FILES:
        data = (folder / name).read_bytes()
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    from keyconf.catalogue.bundle import BUNDLE_FORMAT

    return {"format": BUNDLE_FORMAT, "date": date, "files": files}


def _open(url: str, offset: int = 0, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http/https only, checked)
    except urllib.error.HTTPError as error:
        raise UpdateError(f"{url}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise UpdateError(f"{url}: cannot connect ({reason})") from None


def _manifest(base: str) -> dict[str, dict[str, object]]:
    from keyconf.catalogue.bundle import BUNDLE_FORMAT

    with _open(base + MANIFEST) as response:
        raw = response.read(MAX_MANIFEST_BYTES + 1)
    if len(raw) > MAX_MANIFEST_BYTES:
        raise UpdateError(f"{base}{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(raw)
        if data.get("format") != BUNDLE_FORMAT:
            raise UpdateError(f"the server's catalogue is format {data.get('format')!r}; "
                              f"this keyconf reads {BUNDLE_FORMAT}")
        files = {name: data["files"][name] for name in SNAPSHOT_FILES}
        for entry in files.values():
            size = int(entry["size"])
            if not 0 <= size <= MAX_FILE_BYTES or len(str(entry["sha256"])) != 64:
                raise UpdateError(f"{base}{MANIFEST}: a file entry is out of bounds")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UpdateError(f"{base}{MANIFEST} is not a catalogue manifest: {error}") from None
    return {"raw": {"bytes": raw}, **files}  # type: ignore[dict-item]


def _download(url: str, target: Path, size: int, name: str, progress: Progress | None) -> None:
    have = target.stat().st_size if target.exists() else 0
    if have > size:
        target.unlink()
        have = 0
    if have == size:
        return
    with _open(url, have) as response:
        if have and response.status != 206:  # the server ignored the Range: start again
            have = 0
        with open(target, "ab" if have else "wb") as out:
            while have < size:
                chunk = response.read(min(_CHUNK, size - have))
                if not chunk:
                    break
                out.write(chunk)
                have += len(chunk)
                if progress:
                    progress(name, have, size)
            out.flush()
            os.fsync(out.fileno())
    if have != size:
        raise UpdateError(f"{url}: the transfer stopped at {have} of {size} bytes; run --update again to continue")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def update_catalogue(url: str, cache: Path | None = None, progress: Progress | None = None) -> Path:
    """Download, verify and install the snapshot at `url` (a folder URL); returns its folder."""
    if not url.startswith(("http://", "https://")):
        raise UpdateError(f"{url!r} is not an http(s) URL")
    base = url if url.endswith("/") else url + "/"
    cache = catalogue_cache() if cache is None else cache
    partial = cache / "partial"
    partial.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(base)
    raw = manifest.pop("raw")["bytes"]
    for name in SNAPSHOT_FILES:
        expected = manifest[name]
        _download(base + name, partial / name, int(expected["size"]), name, progress)  # type: ignore[call-overload]
        if _sha256(partial / name) != str(expected["sha256"]).lower():
            (partial / name).unlink()
            raise UpdateError(f"{base}{name}: the checksum does not match the manifest; nothing was replaced")
    from keyconf.formats.atomic import write_atomic

    write_atomic(partial / MANIFEST, raw)  # type: ignore[arg-type]
    from keyconf.catalogue.bundle import BUNDLE_FORMAT
    from keyconf.catalogue.bundle import _open as open_folder

    open_folder.cache_clear()
    try:
        open_folder(partial)  # a snapshot this keyconf cannot read is not installed
    except Exception as error:  # noqa: BLE001 (KeyboardDefinitionError and friends)
        raise UpdateError(f"the downloaded catalogue (format {BUNDLE_FORMAT}) is unreadable: {error}") from None
    finally:
        open_folder.cache_clear()
    snapshot, old = cache / "snapshot", cache / "snapshot.old"
    shutil.rmtree(old, ignore_errors=True)
    if snapshot.exists():
        os.replace(snapshot, old)
    os.replace(partial, snapshot)
    shutil.rmtree(old, ignore_errors=True)
    return snapshot
