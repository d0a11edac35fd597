"""Coverage: for every VIA definition of a the-via/keyboards tree, a VIA save in its matrix goes
through import → export → import unchanged; prints figures.

Run: .venv/bin/python bench/via_saves_round_trip.py PATH [COUNT]   (a checkout of the-via/keyboards
or a bare git repo of one; COUNT definitions sampled, default all).
     .venv/bin/python bench/via_saves_round_trip.py --saves DIR   users' files of a corpus (DIR/via/*,
DIR/vil/*, DIR/keymap.json/*, as bench/gather_corpus.py sorts them): each file whose keyboard keyconf
knows (by itself, or from bench/corpus/keyboards.tsv as a user's --keyboard: a QMK name, or `repo:PATH`, a
definition file of the user's repository) goes import → YAML →
export in its own format → import, and the two layouts must hold the same keys (by value: a keymap.json
export writes QMK's names), encoders, macros, tap dances, combos, key overrides and settings.
"""

from __future__ import annotations

import collections
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_corpus import definition_in_repository, keyboard_hints, manifest_origins  # noqa: E402

from keyconf.catalogue.resolve import CatalogueKeyboards  # noqa: E402
from keyconf.compiler.export import export_layout  # noqa: E402
from keyconf.formats.definition_source import DataSource  # noqa: E402
from keyconf.formats.format_error import FormatError  # noqa: E402
from keyconf.formats.interchange import import_layout, import_text  # noqa: E402
from keyconf.formats.matrix_order import matrix_size  # noqa: E402
from keyconf.formats.via_definition import via_definition_from_data  # noqa: E402
from keyconf.formats.via_save import ViaSave, layout_to_via, read_via_save, via_to_layout  # noqa: E402
from keyconf.formats.yaml_layout import LayoutFileError, dumps_layout, loads_layout  # noqa: E402
from keyconf.model.keycodes import REGISTRY, KeycodeError  # noqa: E402
from keyconf.model.layout import Layer, Layout, keycode_context  # noqa: E402

KEYCODES = ["KC_A", "KC_1", "KC_ENT", "MO(1)", "LT(1,KC_SPC)", "MT(MOD_LCTL,KC_ESC)", "RGB_TOG", "MACRO(2)",
            "CUSTOM(1)", "KC_TRNS", "LCTL(KC_C)"]  # fmt: skip


def definitions(tree: Path) -> Iterator[tuple[str, str]]:
    if (tree / "src").is_dir():
        for path in sorted((tree / "src").rglob("*.json")):
            yield str(path.relative_to(tree)), path.read_text(errors="replace")
        return
    names = subprocess.run(
        ["git", "--git-dir", str(tree), "ls-tree", "-r", "--name-only", "HEAD", "src"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in names:
        if name.endswith(".json"):
            text = subprocess.run(["git", "--git-dir", str(tree), "show", f"HEAD:{name}"], capture_output=True).stdout
            yield name, text.decode("utf-8", "replace")


SAME = ("layers", "macros", "tap_dances", "combos", "key_overrides", "settings", "layout_options")


def users_saves(corpus: Path) -> None:
    """Users' VIA saves, Vial saves and keymap.json files: import, YAML, export in the same format, import
    again; the same layout?"""
    finder = CatalogueKeyboards()
    hints = keyboard_hints()
    origins = manifest_origins()
    work = tempfile.TemporaryDirectory()
    for kind in ("via", "vil", "keymap.json"):
        stats: collections.Counter[str] = collections.Counter()
        failures: list[str] = []
        for path in sorted((corpus / kind).glob("*")):
            hint = hints.get(path.name, "")
            if hint.startswith("repo:"):  # the user's own definition file, as `--keyboard FILE` reads it
                hinted = definition_in_repository(path.name, hint[5:], origins, Path(work.name))
            else:
                hinted = finder.by_name(hint) if hint else None
            try:
                first = import_layout(path, keyboard=hinted, finder=finder, format=kind)
            except FormatError as error:
                stats["keyboard unknown" if "is known" in error.message else "import refused"] += 1
                continue
            keyboard = first.keyboard
            if keyboard is None:
                stats["keyboard unknown"] += 1
                continue
            try:
                layout = loads_layout(dumps_layout(first.layout, keyboard), str(path)).layout
                text = export_layout(layout, kind, keyboard, macro_count=len(layout.macros) or None)
                second = import_text(text, path, keyboard=keyboard, layout_macro=layout.layout_macro,
                                     format=kind).layout
            except (FormatError, LayoutFileError) as error:
                stats["export or re-import refused"] += 1
                failures.append(f"{path.name}: {getattr(error, 'message', error)}")
                continue
            differ = [what for what in SAME if _values(getattr(second, what), second)
                      != _values(getattr(first.layout, what), first.layout)]
            stats["round trip equal" if not differ else "round trip differs"] += 1
            if differ:
                failures.append(f"{path.name}: {', '.join(differ)} differ after YAML, export and import")
        print(f"{kind} files in {corpus}: " + ", ".join(f"{n} {k}" for k, n in sorted(stats.items())))
        for line in failures[:10]:
            print("  " + line)


def _values(part: object, layout: Layout) -> object:
    """Layers with each key as its 16-bit value where it has one (KC_PAUS and KC_BRK are one key), the
    rest as it is."""
    if not isinstance(part, list) or not part or not isinstance(part[0], Layer):
        return part
    ctx = keycode_context(layout)

    def value(text: str) -> object:
        try:
            return REGISTRY.encode(REGISTRY.parse(text, ctx), ctx)
        except KeycodeError:
            return text

    return [([value(k) for k in layer.keys], [(value(e.ccw), value(e.cw)) for e in layer.encoders])
            for layer in part]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--saves":
        users_saves(Path(sys.argv[2]))
        return
    if len(sys.argv) < 2:
        print("usage: bench/via_saves_round_trip.py THE_VIA_KEYBOARDS_TREE [COUNT]")
        return
    items = list(definitions(Path(sys.argv[1])))
    if len(sys.argv) > 2:
        items = random.Random(1).sample(items, min(len(items), int(sys.argv[2])))
    stats: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    rng = random.Random(2)
    seconds = 0.0
    for name, text in items:
        try:
            keyboard = via_definition_from_data(json.loads(text), DataSource.of(name, text)).keyboard
        except Exception:  # noqa: BLE001 - definitions keyconf cannot load are counted, not fatal
            stats["definition not loadable"] += 1
            continue
        if not keyboard.usb_vid or not keyboard.usb_pid:
            stats["definition without USB ids"] += 1
            continue
        size = matrix_size(keyboard)
        used = {k.matrix for k in next(iter(keyboard.layouts.values())).keys if k.matrix}
        layers = [
            [rng.choice(KEYCODES) if (i // size.cols, i % size.cols) in used else "KC_NO" for i in range(size.count)]
            for _ in range(3)
        ]
        save = ViaSave(keyboard.display_name, (keyboard.usb_vid << 16) | keyboard.usb_pid, layers)
        start = time.perf_counter()
        try:
            first = via_to_layout(save, keyboard).layout
            second = via_to_layout(read_via_save(layout_to_via(first, keyboard)), keyboard).layout
        except FormatError as error:
            stats["error"] += 1
            failures.append(f"{name}: {error}")
            continue
        finally:
            seconds += time.perf_counter() - start
        stats["round trip equal" if second == first else "round trip differs"] += 1
    print(f"definitions: {len(items)}")
    for key, count in sorted(stats.items()):
        print(f"  {count:5}  {key}")
    done = stats["round trip equal"] + stats["round trip differs"]
    print(f"time: {seconds * 1000 / max(1, done):.2f} ms per save (import, export, import)")
    for line in failures[:10]:
        print("  " + line)


if __name__ == "__main__":
    main()
