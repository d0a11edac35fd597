"""Start the desktop application: `keyconf [FILE] [--screenshot OUT.png] [--layer NAME] [--size WxH]`.

Qt and the editor are imported only here, after the arguments are read, so `keyconf --paths`
and the subcommands never pay for them; the window shows before anything slow happens.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError

DEFAULT_LAYOUT = "planck.yaml"

# Set by the device part: called with the main window when `--demo` is given, to connect
# the simulated keyboard.
demo_hook: Callable[[object], None] | None = None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyconf",
        description="Open the keyconf editor (on FILE, or the last file you had open).",
        epilog="Subcommands (keyconf validate, keyconf show, …): keyconf --help",
    )
    parser.add_argument("file", nargs="?", help="layout file to open (.yaml)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the main window to a PNG and exit")
    parser.add_argument(
        "--layer", metavar="NAME", help="with --screenshot: the layer to show (name or number)"
    )
    parser.add_argument("--size", metavar="WxH", default="1400x860", help="with --screenshot: window size")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--light", action="store_true", help="use a light palette")
    parser.add_argument(
        "--demo", action="store_true", help="connect a simulated keyboard (try live remapping)"
    )
    parser.add_argument(
        "--paths", action="store_true", help="print the settings, data, backup and log folders"
    )
    return parser


def default_layout_path() -> Path | None:
    """The bundled default layout (layouts/ in a checkout or in the installed resources)."""
    candidates = []
    try:
        from keyconf.resources import resource_path

        candidates.append(resource_path("layouts") / DEFAULT_LAYOUT)
    except (ImportError, FileNotFoundError):
        pass
    candidates.append(Path(__file__).resolve().parents[2] / "layouts" / DEFAULT_LAYOUT)
    return next((c for c in candidates if c.is_file()), None)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise CommandError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 1400x860", EXIT_USAGE) from None
    if not (200 <= w <= 8000 and 150 <= h <= 8000):
        raise CommandError(
            f"--size {text}: width and height must be between 200x150 and 8000x8000", EXIT_USAGE
        )
    return w, h


def print_paths() -> int:
    from keyconf.app_dirs import app_dirs

    dirs = app_dirs()
    print(f"settings  {dirs.settings_file}")
    print(f"data      {dirs.data}")
    print(f"backups   {dirs.backups}")
    print(f"logs      {dirs.logs}")
    print(f"cache     {dirs.cache}")
    return EXIT_OK


def run(args: Sequence[str]) -> int:
    ns = build_parser().parse_args(list(args))
    if ns.paths:
        return print_paths()
    size = parse_size(ns.size) if ns.screenshot else None
    file = Path(ns.file) if ns.file else None
    if file is not None and not file.exists():
        raise CommandError(
            f"{file}: no such file", EXIT_USAGE, hint="check the path, or run keyconf without FILE"
        )
    if ns.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        from keyconf.gui.display_check import display_problem

        problem = display_problem()
        if problem is not None:
            raise CommandError(problem[0], EXIT_PROBLEMS, hint=problem[1])
    return _run_gui(ns, file, size)


def _run_gui(ns: argparse.Namespace, file: Path | None, size: tuple[int, int] | None) -> int:
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("keyconf")
    app.setOrganizationName("keyconf")
    app.setApplicationDisplayName("keyconf")
    if ns.dark or ns.light:
        from keyconf.gui.theme import apply_palette

        apply_palette(app, dark=bool(ns.dark))

    from keyconf.gui.device_features import install_device_features
    from keyconf.gui.main_window import MainWindow

    if ns.screenshot:
        import tempfile

        from keyconf.gui.settings import EditorSettings

        # A picture of the default window: the user's saved window state is neither used nor changed.
        with tempfile.TemporaryDirectory(prefix="keyconf-shot-") as scratch:
            window = MainWindow(EditorSettings(Path(scratch) / "settings.ini"))
            features = install_device_features(window)
            try:
                return _screenshot(window, ns, file, size or (1400, 860))
            finally:
                features.shutdown()
    window = MainWindow()
    install_device_features(window)
    app.aboutToQuit.connect(_release_clipboard)
    window.show()
    target = file
    if target is None:
        last = window.settings.last_file()
        target = last if last is not None and last.exists() else default_layout_path()
    if target is not None:
        window.open_path(target)
    if ns.demo and demo_hook is not None:
        demo_hook(window)
    return int(app.exec())


def _release_clipboard() -> None:
    """Keys copied in keyconf leave a QMimeData made by Python on the clipboard, which PySide6
    frees twice when the interpreter exits (a crash on quit). Empty it while Qt is alive."""
    from PySide6.QtGui import QClipboard, QGuiApplication

    clipboard = QGuiApplication.clipboard()
    if clipboard.ownsClipboard():
        clipboard.clear(QClipboard.Mode.Clipboard)


def _connect_demo_and_wait(window: object, timeout_s: float = 10.0) -> None:
    """Connect the simulated keyboard and let the connection settle before the picture."""
    import time

    from PySide6.QtWidgets import QApplication

    assert demo_hook is not None
    demo_hook(window)
    deadline = time.monotonic() + timeout_s
    status = getattr(window, "statusBar", None)
    while time.monotonic() < deadline:
        QApplication.processEvents()
        message = status().currentMessage() if status is not None else ""
        if message.startswith("Connected"):
            break
        time.sleep(0.02)


def _screenshot(window: object, ns: argparse.Namespace, file: Path | None, size: tuple[int, int]) -> int:
    from PySide6.QtWidgets import QApplication

    from keyconf.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    target = file or default_layout_path()
    if target is None:
        raise CommandError("no layout to show", EXIT_USAGE, hint="give a layout file")
    failures: list[object] = []
    window.fileOpenFailed.connect(failures.append)
    window.show_file_problem = lambda title, problem: None  # type: ignore[method-assign]
    from PySide6.QtWidgets import QLayout

    # The picture has exactly the asked size, even below the window's comfortable minimum.
    layout = window.layout()
    if layout is not None:
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    window.setMinimumSize(1, 1)
    window.resize(*size)
    window.show()
    window.open_path(target, wait=True)
    if failures or window.doc is None:
        raise CommandError(
            f"cannot open {target}: {failures[0] if failures else 'unknown error'}", EXIT_PROBLEMS
        )
    if ns.layer is not None:
        names = window.doc.layout.layer_names
        if ns.layer in names:
            window.selection.set_layer(names.index(ns.layer))
        elif ns.layer.isdigit() and int(ns.layer) < len(names):
            window.selection.set_layer(int(ns.layer))
        else:
            raise CommandError(
                f"--layer {ns.layer}: no such layer", EXIT_USAGE, hint=f"layers: {', '.join(names)}"
            )
    if ns.demo and demo_hook is not None:
        _connect_demo_and_wait(window)
    window.resize(*size)
    for _ in range(5):
        QApplication.processEvents()
    window.apply_default_dock_sizes()
    for _ in range(3):
        QApplication.processEvents()
    window.problems_panel.recheck()
    QApplication.processEvents()
    image = window.grab()
    out = Path(ns.screenshot)
    if out.parent and not out.parent.exists():
        raise CommandError(f"{out.parent}: no such folder", EXIT_USAGE)
    if not image.save(str(out), "PNG"):
        raise CommandError(f"cannot write {out}", EXIT_PROBLEMS)
    print(f"{out} ({image.width()}x{image.height()})")
    window.doc.undo_stack.setClean()
    window.close()
    return EXIT_OK
