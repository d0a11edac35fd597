"""Benchmark and coverage: import every keymap.c and keymap.json of a QMK tree; prints figures.

Run: .venv/bin/python bench/import_qmk_keymaps.py PATH   (a qmk_firmware checkout, or a bare git
repo of one; default $KEYCONF_TEST_QMK_HOME). Reports how many files import, how long one takes,
the errors by kind, and keycodes the registry does not know (kept raw in the layout).
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from keyconf.formats import foreign_keycodes as fk  # noqa: E402
from keyconf.formats.format_error import FormatError  # noqa: E402
from keyconf.formats.keymap_c_import import read_keymap_c  # noqa: E402
from keyconf.formats.qmk_keymap_json import read_keymap_json  # noqa: E402
from keyconf.model.layout import Layout  # noqa: E402


def keymap_files(tree: Path) -> Iterator[tuple[str, str]]:
    """(path, text) of every keymap.c / keymap.json under keyboards/, from a folder or a bare repo."""
    if (tree / "keyboards").is_dir():
        for path in sorted((tree / "keyboards").rglob("keymaps/*/keymap.*")):
            if path.suffix in (".c", ".json"):
                yield str(path.relative_to(tree)), path.read_text(errors="replace")
        return
    names = subprocess.run(
        ["git", "--git-dir", str(tree), "ls-tree", "-r", "--name-only", "HEAD", "keyboards"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    wanted = [n for n in names if "/keymaps/" in n and n.rsplit("/", 1)[-1] in ("keymap.c", "keymap.json")]
    batch = subprocess.run(
        ["git", "--git-dir", str(tree), "cat-file", "--batch"],
        input="".join(f"HEAD:{n}\n" for n in wanted).encode(), capture_output=True, check=True,
    ).stdout  # fmt: skip
    offset = 0
    for name in wanted:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        yield name, batch[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        offset = header_end + 1 + size + 1


def unknown_keycodes(layout: Layout) -> list[str]:
    ctx = fk.context(layout)
    return [k for layer in layout.layers for k in layer.keys if not fk.is_known(k, ctx)]


def main() -> None:
    tree = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KEYCONF_TEST_QMK_HOME", ""))
    if not str(tree) or not tree.exists():
        print("usage: bench/import_qmk_keymaps.py QMK_TREE (a checkout or a bare git repo)")
        return
    counts: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    unknown: collections.Counter[str] = collections.Counter()
    seconds = 0.0
    for name, text in keymap_files(tree):
        kind = "keymap.c" if name.endswith(".c") else "keymap.json"
        counts[kind] += 1
        start = time.perf_counter()
        try:
            layout = read_keymap_c(text, name).layout if kind == "keymap.c" else read_keymap_json(text, name).layout
        except FormatError as error:
            errors[f"{kind}: {error.message[:60]}"] += 1
            continue
        finally:
            seconds += time.perf_counter() - start
        counts[f"{kind} ok"] += 1
        unknown.update(unknown_keycodes(layout))
    total = counts["keymap.c"] + counts["keymap.json"]
    print(f"keymap.c:    {counts['keymap.c ok']} of {counts['keymap.c']} imported")
    print(f"keymap.json: {counts['keymap.json ok']} of {counts['keymap.json']} imported")
    print(f"time: {seconds * 1000 / max(1, total):.2f} ms per file ({seconds:.1f} s in all)")
    print("errors by kind:")
    for message, count in errors.most_common(12):
        print(f"  {count:5}  {message}")
    print(f"keycodes kept raw (custom keycodes from C, mostly): {sum(unknown.values())}, most common:")
    for keycode, count in unknown.most_common(10):
        print(f"  {count:5}  {keycode}")


if __name__ == "__main__":
    main()
