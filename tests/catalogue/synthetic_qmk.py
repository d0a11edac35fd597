"""Generate a qmk_firmware-shaped tree for catalogue tests and benchmarks.

The generator first decides each keyboard's facts, then writes them out the ways real trees do
(a lone `keyboard.json`; a family `info.json` with `keyboard.json` revisions; old `info.json` +
`rules.mk` boards; `DEFAULT_FOLDER` parents; HJSON with comments; broken files), and returns
the facts it decided, so tests compare the index with what was written, not with the indexer's
own reading. File sizes and folder shapes follow the real tree (about 10 KB of JSON and 3.5
stamped paths per keyboard).
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY_COUNTS = (36, 42, 48, 58, 61, 66, 68, 75, 84, 87, 100, 104)
COMMUNITY = ("60_ansi", "65_ansi", "tkl_ansi", "ortho_4x12", "split_3x6_3", "split_3x5_3", "75_ansi")
PROCESSORS = (("atmega32u4", "caterina"), ("atmega32u4", "atmel-dfu"), ("RP2040", "rp2040"),
              ("STM32F072", "stm32-dfu"), ("STM32F401", "stm32-dfu"), ("atmega32a", "bootloadhid"))
DEV_BOARDS = {"promicro": ("atmega32u4", "caterina"), "elite_c": ("atmega32u4", "atmel-dfu"),
              "promicro_rp2040": ("RP2040", "rp2040"), "bluepill": ("STM32F103", "stm32duino")}
SYLLABLES = ("ka", "ze", "ro", "mi", "nu", "ta", "vo", "qu", "lix", "bor", "dan", "fel", "gri", "hon",
             "jup", "kor", "lum", "mar", "nex", "pol", "ryn", "sol", "tur", "vex", "wyn", "xel", "yor", "zim")
PAST = time.time() - 86_400  # every generated file looks a day old, as in a real checkout


@dataclass
class Expected:
    """The facts of one keyboard as the generator wrote them."""

    path: str
    name: str
    manufacturer: str
    layouts: dict[str, int]
    layout_aliases: dict[str, str] = field(default_factory=dict)
    matrix: tuple[int, int] = (0, 0)
    processor: str = "atmega32u4"
    bootloader: str | None = None
    usb: tuple[int, int | None] | None = None
    via: bool = False
    vial: bool = False
    community_layouts: tuple[str, ...] = ()
    aliases: set[str] = field(default_factory=set)
    broken: str | None = None  # a word the broken reason must contain


@dataclass
class SyntheticTree:
    root: Path
    keyboards: dict[str, Expected]

    @property
    def good(self) -> dict[str, Expected]:
        return {k: v for k, v in self.keyboards.items() if v.broken is None}

    @property
    def broken(self) -> dict[str, Expected]:
        return {k: v for k, v in self.keyboards.items() if v.broken is not None}


def qmk_json_text(data: Any, hjson_comments: bool = False) -> str:
    """Format like QMK's own files: nested objects indented, one key object per line."""
    lines: list[str] = []

    def emit(value: Any, indent: int, prefix: str, last: bool) -> None:
        pad = "    " * indent
        comma = "" if last else ","
        if hjson_comments and last and indent > 0:
            comma = ","  # HJSON allows the trailing comma JSON forbids
        if isinstance(value, dict) and not _is_key_object(value):
            lines.append(f"{pad}{prefix}{{")
            items = list(value.items())
            for i, (k, v) in enumerate(items):
                if hjson_comments and i == 0:
                    lines.append(f"{pad}    // {k} follows")
                emit(v, indent + 1, f"{json.dumps(k)}: ", i == len(items) - 1)
            lines.append(f"{pad}}}{comma}")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{pad}{prefix}[")
            for i, item in enumerate(value):
                emit(item, indent + 1, "", i == len(value) - 1)
            lines.append(f"{pad}]{comma}")
        else:
            lines.append(f"{pad}{prefix}{json.dumps(value)}{comma}")

    emit(data, 0, "", True)
    if hjson_comments:
        lines.insert(0, "/* generated with comments, as some QMK files are */")
    return "\n".join(lines) + "\n"


def _is_key_object(value: dict[str, Any]) -> bool:
    return "x" in value and "y" in value


LABELS = ("Esc", "Tab", "Caps Lock", "Shift", "Ctrl", "Alt", "GUI", "Space", "Enter", "Backspace")


def _layout(count: int, rows: int, cols: int, skip_matrix: bool = False, labels: bool = False) -> list[dict[str, Any]]:
    keys = []
    for i in range(count):
        row, col = divmod(i, cols)
        key: dict[str, Any] = {"matrix": [row, col], "x": col + 0.25 * (row % 2), "y": row}
        if labels:
            key["label"] = LABELS[i % len(LABELS)]
        if col == 0 and row > 0:
            key["w"] = 1.5
        if skip_matrix and i == count - 1:
            del key["matrix"]
        keys.append(key)
    return keys


def _leds(count: int, cols: int) -> list[dict[str, Any]]:
    """An rgb_matrix LED layout, as many real definitions carry (it makes files realistically big)."""
    return [{"matrix": [i // cols, i % cols], "x": 224 * (i % cols) // cols, "y": 16 * (i // cols), "flags": 4}
            for i in range(count)]


def _pins(n: int, start: int) -> list[str]:
    return [f"{'BCDF'[(start + i) // 8 % 4]}{(start + i) % 8}" for i in range(n)]


_made_folders: set[Path] = set()


def _write(path: Path, text: str) -> None:
    if path.parent not in _made_folders:  # thousands of files: skip the mkdir calls already done
        path.parent.mkdir(parents=True, exist_ok=True)
        _made_folders.add(path.parent)
    try:
        path.write_text(text, encoding="utf-8")
    except FileNotFoundError:  # the folder was removed since
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_skeleton(root: Path) -> None:
    """The files that make a folder a qmk_firmware checkout, and QMK's mapping files."""
    (root / "quantum").mkdir(parents=True, exist_ok=True)
    _write(root / "requirements.txt", "hjson\n")
    _write(root / "requirements-dev.txt", "pytest\n")
    _write(root / "lib/python/qmk/cli/__init__.py", "")
    defaults = {"development_board": {b: {"processor": p, "bootloader": bl} for b, (p, bl) in DEV_BOARDS.items()}}
    _write(root / "data/mappings/defaults.hjson", "// development board defaults\n" + json.dumps(defaults, indent=4))


def make_qmk_tree(root: Path, count: int = 3000, seed: int = 8) -> SyntheticTree:
    """Write about `count` keyboards under `root` (a new folder) and return what was written."""
    rng = random.Random(seed)
    make_skeleton(root)
    kb_root = root / "keyboards"
    expected: dict[str, Expected] = {}
    aliases: dict[str, str] = {}
    _write_famous(kb_root, expected, aliases)

    makers = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(count // 8)})
    serial = 0
    while len(expected) < count:
        serial += 1
        maker = rng.choice(makers)
        board = f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{serial}"
        path = f"{maker}/{board}"
        kind = rng.random()
        if kind < 0.60:
            _lone_board(kb_root, path, maker, rng, expected)
        elif kind < 0.85:
            _family(kb_root, path, maker, rng, expected, aliases)
        elif kind < 0.95:
            _old_style(kb_root, path, maker, rng, expected)
        else:
            _broken(kb_root, path, rng, expected, serial)

    # Keyboards moved over the years: old names lead to the new ones, some through a chain.
    targets = sorted(k for k, v in expected.items() if v.broken is None)
    for i, target in enumerate(rng.sample(targets, min(len(targets), count // 15))):
        old = f"old_{target.replace('/', '_')}"
        aliases[old] = target
        if i % 10 == 0:
            aliases[f"older_{i}"] = old  # a chain: older -> old -> target
    aliases["gone_board"] = "no/such/keyboard"  # an alias whose target no longer exists
    for alias, target in aliases.items():
        final = target
        while final in aliases:
            final = aliases[final]
        if final in expected:
            expected[final].aliases.add(alias)
    text = "{\n    // Format: \"<alias>\": {\"target\": \"<keyboard>\"}\n"
    text += ",\n".join(f'    {json.dumps(a)}: {{"target": {json.dumps(t)}}}' for a, t in sorted(aliases.items()))
    text += "\n}\n"
    _write(root / "data/mappings/keyboard_aliases.hjson", text)
    age_tree(root)
    return SyntheticTree(root, expected)


def age_tree(root: Path, when: float = PAST) -> None:
    """Give every file and folder an old time, as a checkout made a while ago has."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (when, when))
    for folder, _dirs, _files in os.walk(root, topdown=False):
        os.utime(folder, (when, when))


def _hardware(rng: random.Random) -> tuple[str, str]:
    return rng.choice(PROCESSORS)


def _keymaps(folder: Path, rng: random.Random, exp: Expected) -> None:
    _write(folder / "keymaps/default/keymap.c", "// default keymap\n")
    roll = rng.random()
    if roll < 0.10:
        _write(folder / "keymaps/via/keymap.c", "// via keymap\n")
        _write(folder / "keymaps/via/rules.mk", "VIA_ENABLE = yes\n")
        exp.via = True
    elif roll < 0.13:
        _write(folder / "keymaps/vial/keymap.json", "{}\n")
        exp.vial = True


def _layouts(rng: random.Random, rows: int, cols: int) -> dict[str, int]:
    capacity = rows * cols
    counts = sorted({c for c in KEY_COUNTS if c <= capacity}, reverse=True)
    chosen = [counts[0]] + rng.sample(counts[1:], min(len(counts) - 1, rng.randint(0, 3)))
    names = ["LAYOUT"] + [f"LAYOUT_v{i}" for i in range(1, len(chosen))]
    return dict(zip(names, chosen, strict=True))


def _shape(rng: random.Random) -> tuple[int, int]:
    count = rng.choice(KEY_COUNTS)
    rows = rng.choice((4, 5, 6))
    return rows, -(-count // rows)


def _lone_board(kb_root: Path, path: str, maker: str, rng: random.Random, expected: dict[str, Expected]) -> None:
    rows, cols = _shape(rng)
    split = rng.random() < 0.15
    layouts = _layouts(rng, rows, cols)
    processor, bootloader = _hardware(rng)
    vid, pid = rng.randrange(0x1000, 0xFFFF), rng.randrange(0, 0xFFFF)
    name = path.split("/")[-1].capitalize()
    data: dict[str, Any] = {
        "keyboard_name": name, "manufacturer": maker.capitalize(), "maintainer": "qmk",
        "url": f"https://example.invalid/{path}",
        "usb": {"vid": f"0x{vid:04X}", "pid": f"0x{pid:04X}", "device_version": "1.0.0"},
        "features": {"bootmagic": True, "extrakey": True, "mousekey": True, "nkro": rng.random() < 0.5},
        "matrix_pins": {"cols": _pins(cols, 0), "rows": _pins(rows, cols)}, "diode_direction": "COL2ROW",
    }
    exp = Expected(path, name, maker.capitalize(), layouts, matrix=(rows * (2 if split else 1), cols),
                   usb=(vid, pid))
    board = rng.random()
    if board < 0.1:
        dev = rng.choice(sorted(DEV_BOARDS))
        data["development_board"] = dev
        exp.processor, exp.bootloader = DEV_BOARDS[dev]
    else:
        data["processor"], data["bootloader"] = processor, bootloader
        exp.processor, exp.bootloader = processor, bootloader
    if split:
        data["split"] = {"enabled": True, "serial": {"pin": "D2"}}
    if rng.random() < 0.3:
        community = tuple(rng.sample(COMMUNITY, 2))
        data["community_layouts"] = list(community)
        exp.community_layouts = community
    if rng.random() < 0.2:
        data["layout_aliases"] = {"LAYOUT_all": "LAYOUT"}
        exp.layout_aliases = {"LAYOUT_all": "LAYOUT"}
    data["rgb_matrix"] = {"driver": "ws2812", "animations": {"breathing": True, "cycle_all": True}}
    if rng.random() < 0.6:
        data["rgb_matrix"]["layout"] = _leds(max(layouts.values()), cols)
    labels = rng.random() < 0.5
    data["layouts"] = {n: {"layout": _layout(c, rows, cols, labels=labels)} for n, c in layouts.items()}
    hjson_style = rng.random() < 0.03
    _write(kb_root / path / "keyboard.json", qmk_json_text(data, hjson_comments=hjson_style))
    _write(kb_root / path / f"{path.split('/')[-1]}.c", "// board code\n")
    _write(kb_root / path / "readme.md", f"# {name}\n")
    _keymaps(kb_root / path, rng, exp)
    expected[path] = exp


def _family(kb_root: Path, path: str, maker: str, rng: random.Random, expected: dict[str, Expected],
            aliases: dict[str, str]) -> None:
    """A parent info.json with the shared facts and layouts, and revisions with keyboard.json."""
    rows, cols = _shape(rng)
    layouts = _layouts(rng, rows, cols)
    vid = rng.randrange(0x1000, 0xFFFF)
    family = path.split("/")[-1].capitalize()
    parent: dict[str, Any] = {
        "manufacturer": maker.capitalize(), "maintainer": "qmk", "usb": {"vid": f"0x{vid:04X}"},
        "matrix_pins": {"cols": _pins(cols, 0), "rows": _pins(rows, cols)},
        "layout_aliases": {"LAYOUT_old": "LAYOUT"},
        "layouts": {n: {"layout": _layout(c, rows, cols, labels=True)} for n, c in layouts.items()},
    }
    if rng.random() < 0.6:
        parent["rgb_matrix"] = {"driver": "ws2812", "layout": _leds(max(layouts.values()), cols)}
    named_in_parent = rng.random() < 0.3
    if named_in_parent:
        parent["keyboard_name"] = family
    _write(kb_root / path / "info.json", qmk_json_text(parent))
    _write(kb_root / path / "readme.md", f"# {family}\n")
    _keymaps(kb_root / path, rng, exp_dummy := Expected(path, "", "", {}))
    revisions = rng.randint(1, 3)
    for r in range(1, revisions + 1):
        rev_path = f"{path}/rev{r}"
        processor, bootloader = _hardware(rng)
        pid = rng.randrange(0, 0xFFFF)
        child: dict[str, Any] = {
            "keyboard_name": f"{family} Rev{r}", "usb": {"pid": f"0x{pid:04X}", "device_version": f"{r}.0.0"},
            "processor": processor, "bootloader": bootloader, "diode_direction": "ROW2COL",
        }
        _write(kb_root / rev_path / "keyboard.json", qmk_json_text(child))
        # QMK merges the parent after the child, so a name in the parent wins (qmk.info.merge_info_jsons).
        name = family if named_in_parent else f"{family} Rev{r}"
        exp = Expected(rev_path, name, maker.capitalize(), layouts, {"LAYOUT_old": "LAYOUT"}, (rows, cols),
                       processor, bootloader, (vid, pid), via=exp_dummy.via, vial=exp_dummy.vial)
        expected[rev_path] = exp
    if rng.random() < 0.5:
        # `make <family>` builds a default revision; the family name leads to it.
        default = f"{path}/rev{revisions}"
        _write(kb_root / path / "rules.mk", f"# default revision\nDEFAULT_FOLDER = {default}\n")
        expected[default].aliases.add(path)


def _old_style(kb_root: Path, path: str, maker: str, rng: random.Random, expected: dict[str, Expected]) -> None:
    """info.json without keyboard.json; the MCU and bootloader come from rules.mk."""
    rows, cols = _shape(rng)
    layouts = _layouts(rng, rows, cols)
    processor, bootloader = _hardware(rng)
    name = path.split("/")[-1].upper()
    data = {
        "keyboard_name": name, "manufacturer": maker.capitalize(),
        "matrix_pins": {"direct": [[f"B{c % 8}" for c in range(cols)] for _ in range(rows)]},
        "layouts": {n: {"layout": _layout(c, rows, cols)} for n, c in layouts.items()},
    }
    _write(kb_root / path / "info.json", qmk_json_text(data))
    _write(kb_root / path / "rules.mk", f"# MCU name\nMCU = {processor}\nBOOTLOADER = {bootloader}  # flasher\n"
                                         "RGBLIGHT_ENABLE = no\n")
    _keymaps(kb_root / path, rng, exp := Expected(path, name, maker.capitalize(), layouts, matrix=(rows, cols),
                                                  processor=processor, bootloader=bootloader))
    expected[path] = exp


def _broken(kb_root: Path, path: str, rng: random.Random, expected: dict[str, Expected], serial: int) -> None:
    """Definitions QMK cannot use; the index must list them as broken, with a reason."""
    kind = serial % 5
    folder = kb_root / path
    if kind == 0:
        _write(folder / "keyboard.json", '{\n    "keyboard_name": "Half",\n    "layouts": {\n')
        expected[path] = Expected(path, path, "", {}, broken="JSON")
    elif kind == 1:
        _write(folder / "keyboard.json", "[1, 2, 3]\n")
        expected[path] = Expected(path, path, "", {}, broken="not an object")
    elif kind == 2:
        _write(folder / "keyboard.json", json.dumps({"keyboard_name": "Nolayout", "processor": "RP2040"}))
        expected[path] = Expected(path, path, "", {}, broken="no layouts")
    elif kind == 3:
        data = {"keyboard_name": "Nomatrix", "layouts": {"LAYOUT": {"layout": _layout(10, 2, 5, skip_matrix=True)}}}
        _write(folder / "keyboard.json", json.dumps(data))
        expected[path] = Expected(path, path, "", {}, broken="matrix")
    else:
        # HJSON proper (quoteless keys): QMK reads it, so it must not be broken.
        text = "{\n  keyboard_name: Quoteless\n  manufacturer: Hjson Inc\n  layouts: {\n    LAYOUT: {\n"
        text += "      layout: [\n" + "\n".join(f"        {{matrix: [0, {c}], x: {c}, y: 0}}" for c in range(12))
        text += "\n      ]\n    }\n  }\n}\n"
        _write(folder / "keyboard.json", text)
        expected[path] = Expected(path, "Quoteless", "Hjson Inc", {"LAYOUT": 12}, matrix=(1, 12))


def _write_famous(kb_root: Path, expected: dict[str, Expected], aliases: dict[str, str]) -> None:
    """A few boards with known facts that tests look up by name."""
    planck = {
        "manufacturer": "OLKB", "url": "https://olkb.com/planck", "community_layouts": ["ortho_4x12"],
        "layout_aliases": {"LAYOUT_planck_grid": "LAYOUT_ortho_4x12"},
        "layouts": {"LAYOUT_ortho_4x12": {"layout": _layout(48, 8, 6)},
                    "LAYOUT_planck_mit": {"layout": _layout(47, 8, 6)}},
    }
    _write(kb_root / "planck/info.json", qmk_json_text(planck))
    _write(kb_root / "planck/rules.mk", "DEFAULT_FOLDER = planck/rev6\n")
    for rev, (proc, boot, pid) in {"rev5": ("atmega32u4", "qmk-dfu", 0x0005),
                                   "rev6": ("STM32F303", "stm32-dfu", 0xA4F9)}.items():
        data = {"keyboard_name": "Planck", "usb": {"vid": "0x03A8", "pid": f"0x{pid:04X}"},
                "processor": proc, "bootloader": boot,
                "matrix_pins": {"cols": _pins(6, 0), "rows": _pins(8, 6)}}
        _write(kb_root / f"planck/{rev}/keyboard.json", qmk_json_text(data))
        expected[f"planck/{rev}"] = Expected(
            f"planck/{rev}", "Planck", "OLKB", {"LAYOUT_ortho_4x12": 48, "LAYOUT_planck_mit": 47},
            {"LAYOUT_planck_grid": "LAYOUT_ortho_4x12"}, (8, 6), proc, boot, (0x03A8, pid),
            community_layouts=("ortho_4x12",))
    expected["planck/rev6"].aliases.add("planck")
    crkbd = {
        "manufacturer": "foostan", "usb": {"vid": "0x4653"}, "split": {"enabled": True},
        "layout_aliases": {"LAYOUT": "LAYOUT_split_3x6_3"}, "community_layouts": ["split_3x5_3", "split_3x6_3"],
        "layouts": {"LAYOUT_split_3x5_3": {"layout": _layout(36, 8, 6)},
                    "LAYOUT_split_3x6_3": {"layout": _layout(42, 8, 6)}},
    }
    _write(kb_root / "crkbd/info.json", qmk_json_text(crkbd, hjson_comments=True))
    _write(kb_root / "crkbd/keymaps/via/keymap.c", "// via\n")
    corne = {"keyboard_name": "Corne", "usb": {"pid": "0x0001"}, "development_board": "promicro",
             "matrix_pins": {"cols": _pins(6, 0), "rows": _pins(4, 6)}}
    _write(kb_root / "crkbd/rev1/keyboard.json", qmk_json_text(corne))
    expected["crkbd/rev1"] = Expected(
        "crkbd/rev1", "Corne", "foostan", {"LAYOUT_split_3x5_3": 36, "LAYOUT_split_3x6_3": 42},
        {"LAYOUT": "LAYOUT_split_3x6_3"}, (8, 6), "atmega32u4", "caterina", (0x4653, 0x0001), via=True,
        community_layouts=("split_3x5_3", "split_3x6_3"))
    aliases["crkbd"] = "crkbd/rev1"


def make_userspace(root: Path, keymaps: dict[str, list[str]], targets: list[tuple[str, str]]) -> Path:
    """A QMK external userspace with keymaps for some boards and `qmk.json` build targets."""
    _write(root / "qmk.json", json.dumps({"userspace_version": "1.1", "build_targets": [list(t) for t in targets]}))
    for keyboard, names in keymaps.items():
        for name in names:
            _write(root / "keyboards" / keyboard / "keymaps" / name / "keymap.c", f"// {name}\n")
    age_tree(root)
    return root
