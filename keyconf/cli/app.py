"""Start the desktop application: `keyconf [FILE] [--screenshot OUT.png] [--layer NAME] [--size WxH]`.

Qt and the editor are imported only here, after the arguments are read, so `keyconf --paths`
and the subcommands never pay for them; the window shows before anything slow happens.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from keyconf.cli.command import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, CommandError
from keyconf.cli.demo_option import add_demo_argument

if TYPE_CHECKING:
    from keyconf.gui.main_window import MainWindow
    from keyconf.gui.settings import EditorSettings

DEFAULT_LAYOUT = "planck.yaml"
SHOW_WITHIN_MS = 400  # the window shows by then even when its layout is still opening


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyconf",
        description="Open the keyconf editor (on FILE, or the last file you had open).",
        epilog="Subcommands (keyconf validate, keyconf show, …): keyconf --help",
    )
    parser.add_argument("file", nargs="?", help="layout file to open (.yaml)")
    parser.add_argument(
        "--screenshot", metavar="OUT.png", help="render the main window to a picture (.png, .jpg, .bmp, .webp) and exit"
    )
    parser.add_argument(
        "--layer", metavar="NAME", help="with --screenshot: the layer to show (name or number)"
    )
    parser.add_argument("--size", metavar="WxH", default="1400x860", help="with --screenshot: window size")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--light", action="store_true", help="use a light palette")
    add_demo_argument(
        parser, help="connect a simulated keyboard (try live remapping); `--demo vial`: a locked Vial board"
    )
    parser.add_argument(
        "--compare",
        metavar="OTHER",
        help="open FILE compared with OTHER (any layout format): changed keys are outlined",
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


PNG_QUALITY = 60  # Qt's PNG "quality": higher is less compression
SCREENSHOT_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP", ".webp": "WEBP"}


def picture_format(path: Path) -> str:
    """The image format a screenshot's file name asks for; an unknown suffix is a usage error."""
    fmt = SCREENSHOT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CommandError(
            f"--screenshot {path}: keyconf cannot write {path.suffix or 'a file without a suffix'}",
            EXIT_USAGE,
            hint="name the picture .png, .jpg, .bmp or .webp",
        )
    return fmt


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


def run(args: Sequence[str], *, program: bool = False) -> int:
    """Start the editor, or take the picture. `program`: this call is the whole process (the
    `keyconf` command), which may then end without Python's teardown (see `_end_process`)."""
    ns = build_parser().parse_args(list(args))
    if ns.paths:
        return print_paths()
    size = parse_size(ns.size) if ns.screenshot else None
    if ns.screenshot:
        picture_format(Path(ns.screenshot))  # refused before any window is made
    file = Path(ns.file) if ns.file else None
    if file is not None and not file.exists():
        raise CommandError(
            f"{file}: no such file", EXIT_USAGE, hint="check the path, or run keyconf without FILE"
        )
    if ns.compare is not None and not Path(ns.compare).exists():
        raise CommandError(f"--compare {ns.compare}: no such file", EXIT_USAGE)
    if ns.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        from keyconf.gui.display_check import display_problem

        problem = display_problem()
        if problem is not None:
            raise CommandError(problem[0], EXIT_PROBLEMS, hint=problem[1])
    return _run_gui(ns, file, size, program=program)


def import_core_before_qt() -> None:
    """Import what opening and drawing a layout needs without Qt (the model, the layout reader,
    the board cache, the keycap scene, faces and colours, the picker's model) before Qt: once
    PySide6 is loaded it reads the source of every module an import statement reaches for the
    first time (looking for `from __feature__`), ~0.2 ms a module on an idle machine. Modules
    these import that the window's own do not name (math, functools …) are then never read."""
    import keyconf.app_dirs
    import keyconf.catalogue.board_cache
    import keyconf.catalogue.resolve
    import keyconf.formats.yaml_cache
    import keyconf.formats.yaml_layout
    import keyconf.gui.picker_model
    import keyconf.gui.rich_text
    import keyconf.model.layer_edits
    import keyconf.model.problems
    import keyconf.render.keycap_faces
    import keyconf.render.keycap_palette
    import keyconf.render.scene  # noqa: F401 - imported for the side effect above


def skip_pyside_source_reading() -> None:
    """Once PySide6 is loaded, it reads the source of each module an import statement names for the
    first time (typing.py, pathlib.py, dataclasses.py, the window's 25 modules …: ~45 files, ~1 MB)
    to learn whether the module uses PySide6, for its `__feature__` switches (snake_case,
    true_property). keyconf selects none: tell PySide6 up front that the modules loaded before Qt
    (the standard library's) do not use it (-1) and keyconf's own use it without a feature (0), the
    default for a module that uses PySide6. Without this, ~1 % of the start's instructions and 45 file
    reads before the first paint. Should PySide6 keep that table elsewhere, only the time changes."""
    table = getattr(sys.modules.get("__feature__"), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    for name in list(sys.modules):
        table.setdefault(name, 0 if name.partition(".")[0] == "keyconf" else -1)
    # and keyconf's modules not imported yet (keyconf.gui.*, keyconf.model.keycodes.languages …)
    folders = [(Path(__file__).resolve().parents[1], "keyconf")]
    for folder, package in folders:
        for entry in os.scandir(folder):
            if entry.name.endswith(".py"):
                module = entry.name[:-3]
                table.setdefault(package if module == "__init__" else f"{package}.{module}", 0)
            elif entry.is_dir() and not entry.name.startswith(("_", ".")) and entry.name != "data":
                folders.append((Path(entry.path), f"{package}.{entry.name}"))


def _run_gui(
    ns: argparse.Namespace, file: Path | None, size: tuple[int, int] | None, *, program: bool = False
) -> int:
    # The start makes ~50,000 objects the cycle collector tracks (the model, the keycode registry,
    # PySide6's types and enums, the widgets) and next to no garbage: the collector ran ~75 times
    # before the first paint (3 % of the start's instructions). It resumes once the keyboard is on screen.
    gc.disable()
    import_core_before_qt()
    from PySide6.QtWidgets import QApplication

    skip_pyside_source_reading()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    # The icon comes after the first paint (open_editor); a picture has no title bar to show it.
    set_app_identity(app, icon=False)
    if ns.dark or ns.light:
        from keyconf.gui.theme import apply_palette

        apply_palette(app, dark=bool(ns.dark))

    if ns.screenshot:
        import tempfile

        from keyconf.gui.main_window import MainWindow
        from keyconf.gui.settings import EditorSettings

        # A picture of the default window: the user's saved window state is neither used nor changed.
        # The keyboard features (and the device layer) only come with --demo: without a keyboard
        # the editor is the picture.
        with tempfile.TemporaryDirectory(prefix="keyconf-shot-") as scratch:
            window = MainWindow(EditorSettings(Path(scratch) / "settings.ini"))
            features = None
            if ns.demo:
                from keyconf.gui.device_features import install_device_features

                features = install_device_features(window)
            try:
                code = _screenshot(window, ns, file, size or (1400, 860))
            finally:
                gc.enable()
                if features is not None:
                    features.shutdown()
        if program:
            _end_process(code)
        return code
    window = open_editor(file, demo=ns.demo)
    from keyconf.gui.startup import after_first_paint

    after_first_paint(window.keyboard_view, gc.enable, ready=lambda: window.doc is not None)
    if ns.compare is not None:
        other = Path(ns.compare)

        def compare_once() -> None:
            window.documentChanged.disconnect(compare_once)
            window.compare_with(other)

        window.documentChanged.connect(compare_once)
    app.aboutToQuit.connect(_release_clipboard)
    return int(app.exec())


def open_editor(
    file: Path | None, *, demo: bool | str | None = False, settings: EditorSettings | None = None
) -> MainWindow:
    """The main window on `file`, the last file, or (the first time) an untitled copy of the
    bundled example; the device features follow once the keyboard has been painted."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from keyconf.gui.main_window import MainWindow

    window = MainWindow(settings)
    # The window appears with its layout (one paint instead of an empty window first); a slow
    # open (a keyboard found only by indexing a QMK tree) shows it, waiting, after SHOW_WITHIN_MS.
    show_once = window.show_once
    window.documentChanged.connect(show_once)
    window.fileOpenFailed.connect(show_once)
    QTimer.singleShot(SHOW_WITHIN_MS, show_once)
    target, untitled = file, False
    if target is None:
        last = window.settings.last_file()
        if last is not None and last.exists():
            target = last
        else:
            target, untitled = default_layout_path(), True
    if target is not None:
        if untitled:
            window.open_untitled_copy(target)
        else:
            window.open_path(target)

    def install(_module: object = None) -> None:
        from keyconf.gui.device_features import install_device_features

        features = install_device_features(window)
        if demo:
            features.connect_demo(demo if isinstance(demo, str) else "planck")

    def install_later() -> None:
        set_app_icon(QApplication.instance())
        # The device bar, its docks and the device layer come after the keyboard is on screen;
        # their modules (~90 ms of imports) load off the GUI thread, so the window answers
        # meanwhile. Should that fail, `install` imports them here and says why.
        import importlib

        from keyconf.gui.layout_files import run_file_job

        run_file_job(lambda: importlib.import_module("keyconf.gui.device_features"), install,
                     lambda _problem: install(), owner=window)

    from keyconf.gui.startup import after_first_paint

    after_first_paint(window.keyboard_view, install_later, ready=lambda: window.doc is not None)
    return window


def set_app_identity(app: object, *, icon: bool = True) -> None:
    """Names, the desktop entry (Wayland matches windows to it) and, with `icon`, the icon."""
    from PySide6.QtWidgets import QApplication

    from keyconf import APP_ID

    assert isinstance(app, QApplication)
    app.setApplicationName("keyconf")
    app.setOrganizationName("keyconf")
    app.setApplicationDisplayName("keyconf")
    app.setDesktopFileName(APP_ID)
    if icon:
        set_app_icon(app)


def set_app_icon(app: object) -> None:
    """The icon of the application's windows. The editor sets it once its keyboard is painted:
    loading it (QIcon's type with its 151 theme icons, Qt's SVG plugin, the file) took ~4 ms of
    CPU before the first paint; the window manager shows the icon when it arrives."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from keyconf import APP_ID
    from keyconf.resources import resource_path

    assert isinstance(app, QApplication)
    try:
        app.setWindowIcon(QIcon(str(resource_path(f"icons/{APP_ID}.svg"))))  # shown windows follow
    except FileNotFoundError:
        pass  # a broken install still starts; the desktop shows its generic icon


def _end_process(code: int) -> NoReturn:
    """End a `keyconf --screenshot` process once its picture is written and its scratch settings
    removed: nothing is left to save, and Python's teardown of the window, Qt and ~500 modules
    took ~80 ms of CPU, a sixth of the run (bench/gui_start.py)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _release_clipboard() -> None:
    """Keys copied in keyconf leave a QMimeData made by Python on the clipboard, which PySide6
    frees twice when the interpreter exits (a crash on quit). Empty it while Qt is alive."""
    from PySide6.QtGui import QClipboard, QGuiApplication

    clipboard = QGuiApplication.clipboard()
    if clipboard.ownsClipboard():
        clipboard.clear(QClipboard.Mode.Clipboard)


def _connect_demo_and_wait(window: object, board: str = "planck", timeout_s: float = 10.0) -> None:
    """Connect the simulated keyboard and let the connection settle before the picture."""
    import time

    from PySide6.QtWidgets import QApplication

    features = getattr(window, "device_features", None)
    assert features is not None
    features.connect_demo(board)
    deadline = time.monotonic() + timeout_s
    status = getattr(window, "statusBar", None)
    while time.monotonic() < deadline:
        QApplication.processEvents()
        message = status().currentMessage() if status is not None else ""
        if message.startswith("Connected"):
            break
        time.sleep(0.02)


def _compare_and_wait(window: MainWindow, other: Path, timeout_s: float = 15.0) -> None:
    """Compare with `other` and let the comparison arrive before the picture."""
    import time

    from PySide6.QtWidgets import QApplication

    window.compare_with(other)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if window.comparison is not None and window.comparison.diff is not None:
            return
        time.sleep(0.02)
    raise CommandError(f"--compare {other}: the comparison did not finish", EXIT_PROBLEMS)


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
    # Painted once, by grab(): shown and laid out with its updates off. Painting it on show and
    # again as it settled (a layout opening, docks sized, the picker filled) took ~60 ms of CPU.
    window.setUpdatesEnabled(False)
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
    if ns.demo:
        _connect_demo_and_wait(window, ns.demo)
    if ns.compare is not None:
        _compare_and_wait(window, Path(ns.compare))
    window.resize(*size)
    for _ in range(5):
        QApplication.processEvents()
    window.apply_default_dock_sizes()
    for _ in range(3):
        QApplication.processEvents()
    window.problems_panel.recheck()
    window.picker.fill()
    QApplication.processEvents()
    window.setUpdatesEnabled(True)
    image = window.grab()
    out = Path(ns.screenshot)
    if out.parent and not out.parent.exists():
        raise CommandError(f"{out.parent}: no such folder", EXIT_USAGE)
    fmt = picture_format(out)
    # PNG: a lighter zlib effort than Qt's default, a third less time for a file ~3 % larger.
    if not image.save(str(out), fmt, PNG_QUALITY if fmt == "PNG" else -1):
        raise CommandError(f"cannot write {out}", EXIT_PROBLEMS)
    print(f"{out} ({image.width()}x{image.height()})")
    window.doc.undo_stack.setClean()
    window.close()
    return EXIT_OK
