"""keyconf's modules import each other without cycles and only inward, layer by layer
(docs/architecture.md) — counting imports inside functions and under TYPE_CHECKING, which
hide a cycle or an upward import until someone moves them."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "keyconf"


# The layers, inner first: a part imports its own modules and those of inner layers. The middle
# ring's parts may use each other (the cycle test keeps that acyclic); the faces are outermost.
LAYERS: list[set[str]] = [
    {"model"},
    {"formats"},
    {"catalogue", "compiler", "device", "flash", "render"},
    {"gui", "cli"},
]
# Modules outside the parts: package data and user folders (they import nothing of keyconf),
# the version, and `python -m keyconf`.
SUPPORT = {"keyconf", "keyconf.app_dirs", "keyconf.resources"}
ENTRY = {"keyconf.__main__"}
# What the pure model never imports: Qt, USB, files of users, processes, the network.
NOT_IN_MODEL = {"PySide6", "hid", "yaml", "os", "shutil", "tempfile", "subprocess", "socket", "urllib", "http",
                "threading"}


def imports() -> dict[str, set[str]]:
    """Every module of keyconf and every module name it imports (keyconf's or not)."""
    modules: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        package = parts[:-1]
        name = ".".join(package if parts[-1] == "__init__" else parts)
        modules[name] = imported_names(path.read_text(encoding="utf-8"), ".".join(package))
    return modules


def imported_names(source: str, package: str) -> set[str]:
    """The module names `source` (a module of `package`) imports: `import`, `from … import`
    (relative ones resolved) and `importlib.import_module("…")` with a literal name."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module:
                targets.add(module)
                targets.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            targets.add(node.args[0].value)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = imports()
    return {m: {t for t in targets if t in modules and t != m} for m, targets in modules.items()}


def layer_of(module: str) -> int | None:
    """The layer of a module in one of keyconf's parts; None for the support and entry modules."""
    parts = module.split(".")
    part = parts[1] if len(parts) > 1 else ""
    return next((index for index, layer in enumerate(LAYERS) if part in layer), None)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point outward (or from one face into the other), as "module -> module"."""
    found = []
    for module, targets in sorted(graph.items()):
        here = layer_of(module)
        for target in sorted(targets):
            there = layer_of(target)
            if module in ENTRY or target.split(".")[:2] == module.split(".")[:2]:
                continue
            if there is None:
                if target in ENTRY or here == 0:  # the model uses nothing outside itself
                    found.append(f"{module} -> {target}")
                continue
            if here is None:
                found.append(f"{module} -> {target}")  # support modules stay beneath everything
            elif there > here or (there == here == len(LAYERS) - 1 and module != "keyconf.cli.app"):
                found.append(f"{module} -> {target}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_relative_and_importlib_imports_count_too():
    source = ("from . import layers_panel\nfrom .main_window import MainWindow\nfrom .. import app_dirs\n"
              "import importlib\nimportlib.import_module('keyconf.gui.device_features')\n")
    assert imported_names(source, "keyconf.gui") >= {
        "keyconf.gui.layers_panel", "keyconf.gui.main_window", "keyconf.app_dirs", "keyconf.gui.device_features"}


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_keyconf_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_window_parts_do_not_import_the_window():
    graph = import_graph()
    importers = sorted(m for m, targets in graph.items() if "keyconf.gui.main_window" in targets)
    assert importers == ["keyconf.cli.app"]


def test_layer_rule_finds_an_upward_import():
    graph = {"keyconf.formats.x": {"keyconf.compiler.y"}, "keyconf.compiler.y": {"keyconf.formats.x"},
             "keyconf.model.a": {"keyconf.resources"}, "keyconf.gui.w": {"keyconf.cli.main"},
             "keyconf.device.d": {"keyconf.flash.f", "keyconf.model.a"}, "keyconf.cli.app": {"keyconf.gui.w"}}
    assert upward_imports(graph) == [
        "keyconf.formats.x -> keyconf.compiler.y",
        "keyconf.gui.w -> keyconf.cli.main",
        "keyconf.model.a -> keyconf.resources",
    ]


def test_every_import_points_inward():
    """model <- formats <- catalogue, compiler, device, flash, render <- gui, cli: the formats
    never reach up into the compiler, the core never imports a face, and the window is opened
    by the CLI's one module for it (cli.app), never the other way round."""
    assert upward_imports(import_graph()) == []


def test_every_part_has_a_layer():
    parts = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert parts == set().union(*LAYERS)


def test_the_model_uses_no_qt_usb_files_or_processes():
    found = sorted(
        f"{module} -> {target}"
        for module, targets in imports().items()
        if layer_of(module) == 0
        for target in targets
        if target.split(".")[0] in NOT_IN_MODEL
    )
    assert found == []


def test_qt_stays_in_the_faces_and_the_painter():
    found = sorted(
        module
        for module, targets in imports().items()
        if any(t.split(".")[0] == "PySide6" for t in targets)
        and layer_of(module) != 3
        and not module.startswith("keyconf.render")
    )
    assert found == []


def test_the_parts_import_each_other_without_cycles():
    """Within the middle ring too, one part leans on another and never back (compiler uses
    catalogue and flash; device uses catalogue and flash; none of those uses them)."""
    parts: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        here = module.split(".")[1] if module.count(".") else module
        parts.setdefault(here, set()).update(t.split(".")[1] if t.count(".") else t for t in targets)
    graph = {part: {t for t in targets if t != part and t in parts} for part, targets in parts.items()}
    assert cycles(graph) == []
