"""`keyboards --update` against a local HTTP server on 127.0.0.1 serving a snapshot made here."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyconf.catalogue.bundle import bundle_folder, open_bundle
from keyconf.catalogue.update import (
    SNAPSHOT_FILES,
    UpdateError,
    downloaded_snapshot,
    manifest_for,
    update_catalogue,
)
from keyconf.cli.main import main


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files with Range support; `cut` makes the first request for a file stop half-way."""

    cut: set[str] = set()
    ranges: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = 0
        if "Range" in self.headers:
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
            self.ranges.append(path.name)
        body = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if path.name in self.cut:
            self.cut.discard(path.name)
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    for name in SNAPSHOT_FILES:
        shutil.copy(bundle_folder() / name, root / name)
    (root / "manifest.json").write_text(json.dumps(manifest_for(root, "2027-01-02")))
    _Handler.cut, _Handler.ranges = set(), []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()
    server.server_close()


def test_an_interrupted_download_resumes_and_the_snapshot_is_then_used(served, tmp_path: Path) -> None:
    url, _ = served
    cache = tmp_path / "cache"
    _Handler.cut = {"boards.bin"}
    with pytest.raises(UpdateError, match="stopped at"):
        update_catalogue(url, cache)
    assert downloaded_snapshot(cache) is None and (cache / "partial/boards.bin").stat().st_size > 0
    seen: list[tuple[str, int, int]] = []
    folder = update_catalogue(url, cache, lambda name, done, total: seen.append((name, done, total)))
    assert _Handler.ranges == ["boards.bin"]  # continued, not started again
    assert downloaded_snapshot(cache) == folder
    for name in SNAPSHOT_FILES:
        assert (folder / name).read_bytes() == (bundle_folder() / name).read_bytes()
    assert seen[-1][1] == seen[-1][2]
    assert open_bundle(folder).folder == folder


def test_a_wrong_checksum_is_refused_and_nothing_is_replaced(served, tmp_path: Path) -> None:
    url, root = served
    cache = tmp_path / "cache"
    update_catalogue(url, cache)
    before = (cache / "snapshot/manifest.json").read_bytes()
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["date"] = "2027-02-02"
    manifest["files"]["entries.json.gz"]["sha256"] = "0" * 64
    (root / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UpdateError, match="checksum"):
        update_catalogue(url, cache)
    assert (cache / "snapshot/manifest.json").read_bytes() == before


def test_a_server_that_is_down_is_a_clear_error(tmp_path: Path, capsys, monkeypatch) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "kc"))
    assert main(["keyboards", "--update", "--url", f"http://127.0.0.1:{port}/"]) == 1
    err = capsys.readouterr().err
    assert "cannot connect" in err and "unchanged" in err
    assert main(["keyboards", "--update"]) == 2
    assert "no official server" in capsys.readouterr().err


def test_the_cli_downloads_and_sources_says_which_catalogue_is_used(served, tmp_path: Path, capsys,
                                                                     monkeypatch) -> None:
    url, _ = served
    monkeypatch.setenv("KEYCONF_HOME", str(tmp_path / "kc"))
    monkeypatch.setenv("KEYCONF_CATALOGUE_URL", url)
    assert main(["keyboards", "--update"]) == 0
    captured = capsys.readouterr()
    assert "catalogue updated" in captured.out and "boards.bin" in captured.err and "(100%)" in captured.err
    assert main(["keyboards", "--sources"]) == 0
    assert "catalogue in use: downloaded 2027-01-02 snapshot" in capsys.readouterr().out
