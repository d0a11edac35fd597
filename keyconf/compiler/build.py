"""Building firmware: checks, sources into a workspace, `qmk compile`, the firmware out.

`FirmwareBuild` is what the CLI and the GUI's build dialog drive. It never touches Qt and
never prints: output lines and progress go to callbacks (called on the thread that runs
`run()`), and `cancel()` may be called from any thread.

    build = FirmwareBuild(BuildRequest(layout, qmk_home, output_dir), on_line=print)
    result = build.run()   # raises BuildRefused before make runs when the layout cannot build
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from keyconf import __version__
from keyconf.compiler.checks import BuildPlan, BuildRefused, plan_build
from keyconf.compiler.diagnostics import Diagnostic, parse_diagnostic
from keyconf.compiler.firmware_size import (
    SizeOverflow,
    describe_overflow,
    feature_costs,
    find_overflow,
    flash_symbols,
    size_hint,
)
from keyconf.compiler.progress import ObjectCountHistory, Progress, ProgressTracker, strip_ansi
from keyconf.compiler.qmk_tree import QmkTree, compilers_for_processor, is_qmk_tree
from keyconf.compiler.toolchain import build_path, find_program
from keyconf.compiler.workspace import Workspace, cache_root, make_workspace
from keyconf.flash.metadata import for_firmware, write_metadata
from keyconf.formats.atomic import write_atomic
from keyconf.formats.c_source_file import CSourceFileError, read_c_source_file
from keyconf.model.layout import CFile, CSource, Layout
from keyconf.model.problems import Problem, error

DEFAULT_KEYMAP = "keyconf"
# `qmk` runs with an empty configuration: the user's qmk.ini may point at another tree or
# userspace (user.qmk_home, user.overlay_dir); keyconf passes everything it means explicitly.
_EMPTY_QMK_CONFIG = "# keyconf runs `qmk` with this empty configuration\n"
_TERMINATE_GRACE = 5.0
_TAIL_LINES = 25


@dataclass
class BuildRequest:
    layout: Layout
    qmk_home: Path
    output_dir: Path
    keymap: str = DEFAULT_KEYMAP
    via: bool | None = None  # None: with VIA when the board's stock `via` keymap exists
    lto: bool = False  # add LTO_ENABLE = yes (smaller firmware, slower link)
    jobs: int | None = None  # None: one job per CPU
    source_name: str | None = None  # the layout file's name, for generated headers
    row_lengths: Mapping[str, list[int]] | None = None  # from the loaded file, to locate key counts
    # The layout file: its C file (`c_source: mine.c`) is read again for each build, so edits made
    # to it since the layout was opened are built.
    layout_path: Path | None = None
    # More folders holding a `modules/` folder of community modules (the user's QMK userspace),
    # looked in after the layout's repository and before the tree.
    module_roots: tuple[Path, ...] = ()
    # Before make: find a `qmk` whose Python has the tree's requirements, installing them into
    # keyconf's environment when none has (keyconf.compiler.qmk_python).
    prepare_python: bool = True


def _with_fresh_c_source(layout: Layout, layout_path: Path | None) -> Layout:
    """`layout` with its C files (`c_source`, `c_files`) as they are on disk now (the layout itself
    is not changed). A file missing from beside the layout refuses the build, naming it."""
    if layout_path is None:
        return layout
    source = layout.c_source
    if source is not None and source.file is not None:
        try:
            code = read_c_source_file(layout_path, source.file)
        except (CSourceFileError, OSError) as problem:
            raise BuildRefused([error(f"c_source: {problem}", ("c_source",), code="c-source")]) from None
        layout = replace(layout, c_source=CSource(file=source.file, code=code))
    if not layout.c_files:
        return layout
    fresh: list[CFile] = []
    for index, c_file in enumerate(layout.c_files):
        try:
            text = read_c_source_file(layout_path, c_file.path)
        except (CSourceFileError, OSError) as problem:
            raise BuildRefused([error(f"c_files: {problem}", ("c_files", index), code="c-source")]) from None
        if text is None:
            raise BuildRefused([error(f"the layout's C file {c_file.path} is not next to the layout",
                                      ("c_files", index), f"put it at {Path(layout_path).parent / c_file.path}, "
                                      "or remove it from `c_files:`", code="c-source")])
        fresh.append(replace(c_file, text=text))
    return replace(layout, c_files=fresh)


def _with_modules(layout: Layout, request: BuildRequest) -> Layout:
    """`layout` with its community modules read where this build finds them: a `modules/` folder
    around the layout file or of the user's userspace (copied into keyconf's userspace for the
    build), then the tree's."""
    if not layout.modules:
        return layout
    from keyconf.formats.qmk_modules import attach_modules, module_roots_near

    layout = replace(layout, module_definitions={})
    attach_modules(layout, [*module_roots_near(request.layout_path), *request.module_roots, request.qmk_home])
    return layout


@dataclass
class BuildResult:
    status: str  # "ok", "failed" or "cancelled"
    firmware: Path | None = None
    metadata: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    seconds: float = 0.0
    returncode: int | None = None
    command: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


LineSink = Callable[[str], None]
ProgressSink = Callable[[Progress], None]


def default_jobs() -> int:
    return max(os.cpu_count() or 1, 1)


def layout_hash(plan: BuildPlan) -> str:
    """A hash of exactly what was built (the generated sources), for the firmware metadata."""
    digest = hashlib.sha256()
    for name, text in sorted(plan.sources.files().items()):
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


class FirmwareBuild:
    """One build of one layout. `prepare()` checks (raising BuildRefused); `run()` builds."""

    def __init__(
        self,
        request: BuildRequest,
        on_line: LineSink | None = None,
        on_progress: ProgressSink | None = None,
    ):
        self.request = request
        self.on_line: LineSink = on_line or (lambda line: None)
        self.on_progress: ProgressSink = on_progress or (lambda progress: None)
        self.plan: BuildPlan | None = None
        self._cancel = threading.Event()
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._qmk: str | None = None  # the `qmk` chosen for the tree (None: the build PATH's)

    # -- before make -------------------------------------------------------------------------

    def prepare(self) -> BuildPlan:
        """Run every check and generate the sources; BuildRefused when the layout cannot build."""
        if self.plan is None:
            request = self.request
            if not is_qmk_tree(request.qmk_home):
                raise BuildRefused(
                    [
                        error(
                            f"{request.qmk_home} is not a qmk_firmware tree",
                            hint="point --qmk-home at a qmk_firmware checkout (get one with `qmk setup`)",
                            code="no-qmk-tree",
                        )
                    ]
                )
            if not _is_keymap_name(request.keymap):
                raise BuildRefused(
                    [
                        error(
                            f"keymap name {request.keymap!r} is not usable",
                            hint="use letters, digits, `_` and `-` (e.g. mine)",
                            code="keymap-name",
                        )
                    ]
                )
            self.plan = plan_build(
                _with_modules(_with_fresh_c_source(request.layout, request.layout_path), request),
                QmkTree(request.qmk_home),
                via=request.via,
                lto=request.lto,
                source_name=request.source_name,
                row_lengths=request.row_lengths,
            )
        return self.plan

    # -- make ----------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the build (from any thread). The process group is terminated, then killed."""
        self._cancel.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            _terminate(process)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> BuildResult:
        """Build. Raises BuildRefused (checks failed, nothing ran); otherwise returns the result."""
        started = time.monotonic()
        plan = self.prepare()
        request = self.request
        workspace = make_workspace(
            plan.tree.root,
            plan.board.folder,
            request.keymap,
            plan.sources.files(),
            use_userspace=plan.tree.supports_userspace,
        )
        workspace.modules = dict(plan.module_folders)
        workspace.converter = request.layout.converter
        result = BuildResult(status="failed")
        if self.cancelled:
            result.status = "cancelled"
            return result
        try:
            with workspace:
                refused = self._prepare_python(plan) if request.prepare_python else None
                if refused is not None:
                    refused.seconds = time.monotonic() - started
                    return refused
                result = self._run_make(plan, workspace)
                if result.status == "ok":
                    version = _built_qmk_version(workspace) or plan.tree.qmk_version() or ""
                    self._deliver(plan, workspace, result, version)
        except OSError as problem:
            result.status = "failed"
            result.problems.append(error(f"the build could not run: {problem}", code="build-io"))
        except RuntimeError as problem:  # the build folder is locked by another build
            result.status = "failed"
            result.problems.append(error(str(problem), code="build-busy"))
        result.seconds = time.monotonic() - started
        return result

    def _prepare_python(self, plan: BuildPlan) -> BuildResult | None:
        """Choose the `qmk` to run and install what the tree needs into keyconf's environment;
        a result (failed or cancelled) when the build cannot go on."""
        from keyconf.compiler.qmk_python import QmkPythonError, choose_qmk, install_requirements

        choice = choose_qmk(plan.tree.root)
        if choice is None:
            return None  # no qmk at all: the toolchain check reports it
        self._qmk = choice.program.path
        if not choice.missing:
            return None
        self.on_progress(Progress(0, 0, "installing", packages=tuple(choice.missing)))
        self.on_line(
            f"qmk's Python lacks what this qmk_firmware tree needs ({', '.join(choice.missing)}): installing…"
        )

        def track(process: subprocess.Popen[str] | None) -> None:
            with self._lock:
                self._process = process
            if process is not None and self.cancelled:
                _terminate(process)

        result = BuildResult(status="failed")
        try:
            install_requirements(choice.missing, self.on_line, track, python=choice.program.python)
        except QmkPythonError as problem:
            if self.cancelled:
                result.status = "cancelled"
                return result
            result.problems.append(error(problem.message, hint=problem.hint, code="qmk-python"))
            return result
        if self.cancelled:
            result.status = "cancelled"
            return result
        return None

    def command(self, plan: BuildPlan, workspace: Workspace) -> list[str]:
        qmk = self._qmk or find_program("qmk") or "qmk"
        config = cache_root() / "qmk-empty.ini"
        if not config.is_file():
            config.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(config, _EMPTY_QMK_CONFIG)
        jobs = self.request.jobs or default_jobs()
        return [
            qmk,
            "--no-color",
            "--config-file",
            str(config),
            "compile",
            "-kb",
            plan.board.folder,
            "-km",
            workspace.keymap,
            "-j",
            str(jobs),
            "-e",
            f"BUILD_DIR={workspace.build_dir}",
        ]

    def _environment(self, plan: BuildPlan, workspace: Workspace) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("QMK_USERSPACE", "QMK_HOME", "QMK_FIRMWARE", "BUILD_DIR", "MAKEFLAGS", "MFLAGS"):
            env.pop(name, None)
        env.update(workspace.environment())
        if not plan.tree.is_git_work_tree():
            env["SKIP_GIT"] = "yes"  # as QMK's own Makefile does for a tree that is not a checkout
        env["PATH"] = build_path()
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def _run_make(self, plan: BuildPlan, workspace: Workspace) -> BuildResult:
        command = self.command(plan, workspace)
        history = ObjectCountHistory(cache_root() / "object-counts.json")
        incremental = workspace.object_dir().is_dir()
        history_key = f"{plan.tree.root}|{workspace.target}"
        tracker = ProgressTracker(history.expected(history_key, incremental, plan.processor))
        self.on_progress(tracker.snapshot())
        result = BuildResult(status="failed", command=command)
        cwd = workspace.userspace if workspace.userspace is not None else plan.tree.root
        keymap_c = workspace.keymap_dir / "keymap.c"
        diagnostics: list[Diagnostic] = []
        self._emit(result, "$ " + " ".join(command))
        popen_extra: dict[str, object] = {}
        if os.name == "posix":
            popen_extra["start_new_session"] = True
        else:  # pragma: no cover - Windows
            popen_extra["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        try:
            process = subprocess.Popen(
                command,
                cwd=str(cwd),
                env=self._environment(plan, workspace),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                **popen_extra,  # type: ignore[call-overload]
            )
        except OSError as problem:
            result.problems.append(
                error(
                    f"could not start the QMK CLI: {problem}", hint="install it with `pip install qmk`", code="no-qmk"
                )
            )
            return result
        with self._lock:
            self._process = process
        if self.cancelled:
            _terminate(process)
        assert process.stdout is not None
        try:
            for raw in process.stdout:
                line = strip_ansi(raw.rstrip("\r\n"))
                self._emit(result, line)
                if tracker.feed(line):
                    self.on_progress(tracker.snapshot())
                diagnostic = parse_diagnostic(line, keymap_c, plan.sources.line_map, base=plan.tree.root)
                if diagnostic is not None:
                    diagnostics.append(diagnostic)
            returncode = process.wait()
        except BaseException:
            # Ctrl-C, or a callback failed: make runs in its own process group, so stop it here.
            self._cancel.set()
            _terminate(process, in_background=False)
            raise
        finally:
            with self._lock:
                self._process = None
        result.returncode = returncode
        if self.cancelled:
            result.status = "cancelled"
            return result
        if returncode == 0 and workspace.firmware(result.log) is not None:
            result.status = "ok"
            tracker.finish()
            self.on_progress(tracker.snapshot())
            history.record(history_key, incremental, tracker.compiled)
            return result
        problems = _problems_from(diagnostics, result.log, returncode)
        missing = _missing_submodule_problem(plan, result.log)
        if missing is not None:  # the cause, in words: replaces make's "No such file or directory"
            problems = [missing] + [p for p in problems if p.code != "qmk-failed"]
        eeprom = _eeprom_problem(plan, result.log)
        if eeprom is not None:
            problems = [eeprom] + [p for p in problems if p.code != "qmk-failed"]
        overflow = find_overflow(result.log)
        if overflow is not None:
            # The size is the failure: it replaces "the build failed" (the log is shown anyway).
            problems = [_size_problem(plan, workspace, overflow)] + [p for p in problems if p.code != "qmk-failed"]
        result.problems += problems
        return result

    def _emit(self, result: BuildResult, line: str) -> None:
        result.log.append(line)
        self.on_line(line)

    def _deliver(self, plan: BuildPlan, workspace: Workspace, result: BuildResult, qmk_version: str) -> None:
        """Copy the firmware to the output folder under the requested keymap's name, with metadata."""
        built = workspace.firmware(result.log)
        assert built is not None
        output_dir = self.request.output_dir
        output_dir.mkdir(parents=True, exist_ok=True)
        name = f"{plan.board.folder.replace('/', '_')}_{self.request.keymap}{built.suffix}"
        target = output_dir / name
        data = built.read_bytes()
        write_atomic(target, data)
        result.firmware = target
        # Flash metadata sidecar (format owned by keyconf.flash.metadata).
        metadata = for_firmware(
            target,
            data,
            keyboard=plan.board.folder,
            processor=plan.processor or "",  # a converter's chip, if any
            bootloader=plan.bootloader or "",
            keymap=self.request.keymap,
            layout_hash=layout_hash(plan),
            qmk_version=qmk_version,
            keyconf_version=__version__,
            built_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        )
        result.metadata = write_metadata(target, metadata)


_QMK_VERSION_DEFINE = re.compile(r'^#define QMK_VERSION "([^"\n]*)"', re.MULTILINE)


def _built_qmk_version(workspace: Workspace) -> str | None:
    """The QMK version the build stamped into its version.h (QMK runs `git describe` itself)."""
    try:
        text = (workspace.object_dir() / "src" / "version.h").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _QMK_VERSION_DEFINE.search(text)
    return match.group(1) if match and match.group(1) not in ("", "NA") else None  # NA: built with SKIP_GIT


def _size_problem(plan: BuildPlan, workspace: Workspace, overflow: SizeOverflow) -> Problem:
    """The build did not fit: by how much, which features of it take the room, what to turn off."""
    compiler = compilers_for_processor(plan.processor)[0]
    elf = workspace.elf()
    costs = feature_costs(flash_symbols(elf, compiler), plan.sources.switched_off)
    lto = True if "LTO_ENABLE" in plan.sources.features else plan.tree.uses_lto(plan.board.folder)
    layout_features = set(plan.sources.features) - {"VIA_ENABLE"}
    return error(
        describe_overflow(overflow, plan.processor),
        hint=size_hint(overflow, costs, lto=lto, layout_features=layout_features),
        code="firmware-too-large",
    )


# QMK's static assertions about VIA's live keymap: its DYNAMIC_KEYMAP_LAYER_COUNT layers leave under 100
# bytes of EEPROM for its macros (quantum/dynamic_keymap.c in 2024, quantum/nvm/eeprom/ in 2025), or
# keymaps[] has more layers than that count (quantum/keymap_introspection.c).
_EEPROM_FULL = "Dynamic keymaps are configured to use more EEPROM than is available"
_LAYERS_OVER_COUNT = "Number of keymap layers exceeds maximum set by DYNAMIC_KEYMAP_LAYER_COUNT"


def _eeprom_problem(plan: BuildPlan, log: list[str]) -> Problem | None:
    """A VIA build whose layers do not fit the keyboard's EEPROM says so in words, with what to change,
    instead of the compiler's static-assertion line."""
    found = re.search(r"^#\s*define\s+DYNAMIC_KEYMAP_LAYER_COUNT\s+(\d+)", plan.sources.config_h, re.M)
    layers = found.group(1) if found else "4"  # QMK's default
    if any(_EEPROM_FULL in line for line in log):
        return error(
            f"VIA keeps each layer in the keyboard's EEPROM, and {layers} layers of {plan.board.folder} do not "
            f"fit in its {plan.processor or 'chip'}'s EEPROM with the 100 bytes VIA's "
            "macros need",
            hint="build without VIA (--no-via: the keys are then the firmware's, changed by rebuilding), or "
            "remove layers; QMK builds no VIA firmware with fewer live layers than keymaps[] holds",
            code="eeprom-too-small",
        )
    if any(_LAYERS_OVER_COUNT in line for line in log):
        return error(
            f"with VIA, QMK keeps at most dynamic_keymap_layer_count layers ({layers}), and the layout has more",
            hint="raise `settings: dynamic_keymap_layer_count:` to the number of layers (or leave it out: "
            "keyconf then sets it), build without VIA (--no-via), or remove layers",
            code="eeprom-too-small",
        )
    return None


# make's words when a file of a submodule folder is not there: "lib/lufa/LUFA/makefile: No such
# file or directory", "No rule to make target 'lib/chibios/os/…'".
_MISSING_LIB_FILE = re.compile(r"(?:^|[\s'`])(lib/[A-Za-z0-9_.-]+)/[^\s:']*(?::\s*No such file or directory|')")


def _missing_submodule_problem(plan: BuildPlan, log: list[str]) -> Problem | None:
    """A failed build that looked for files of an empty git submodule (a tree copied or downloaded
    without them) says so, and how to get them, instead of make's last lines."""
    named = {
        match.group(1)
        for line in log
        if "No such file" in line or "No rule to make target" in line
        for match in _MISSING_LIB_FILE.finditer(line)
    }
    if not named:
        return None
    empty = [path for path in plan.tree.empty_submodules() if path in named]
    if not empty:
        return None
    root = plan.tree.root
    if plan.tree.is_git_work_tree():
        hint = f"run `git submodule update --init --recursive` in {root} (or `qmk git-submodule` there)"
    else:
        hint = (
            f"{root} has no git history to fetch them with: use Build Firmware → Download QMK… "
            "(or `qmk setup`) for a complete qmk_firmware folder"
        )
    what = "a git submodule" if len(empty) == 1 else "git submodules"
    return error(
        f"the qmk_firmware folder lacks {', '.join(empty)}, {what} QMK needs to build "
        f"{plan.board.folder} (the folder is empty)",
        hint=hint,
        code="qmk-submodule-missing",
    )


def _problems_from(diagnostics: list[Diagnostic], log: list[str], returncode: int) -> list[Problem]:
    """Compiler errors as problems: those about keymap.c at their layout location, others whole."""
    problems: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    for diagnostic in diagnostics:
        if not diagnostic.is_error:
            continue
        key = (diagnostic.file, diagnostic.line, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        if diagnostic.ref is not None:
            problems.append(
                error(
                    f"QMK could not build this: {diagnostic.message}",
                    diagnostic.ref.path,
                    f"generated keymap.c line {diagnostic.line}",
                    code="qmk-error",
                )
            )
        else:
            problems.append(error(diagnostic.text, code="qmk-error"))
    if not problems:
        tail = "\n".join(line for line in log[-_TAIL_LINES:] if line.strip())
        problems.append(
            error(
                f"the QMK build failed (exit status {returncode}); its last lines:\n{tail}",
                hint="the whole log is above (or in the build dialog's log)",
                code="qmk-failed",
            )
        )
    return problems


def _terminate(process: subprocess.Popen[str], in_background: bool = True) -> None:
    """Stop `process` and its children (make, gcc): TERM to the group, KILL if it lingers."""

    def stop() -> None:
        try:
            if os.name == "posix":
                os.killpg(process.pid, signal.SIGTERM)
            else:  # pragma: no cover - Windows
                process.terminate()
        except (ProcessLookupError, PermissionError):
            return
        try:
            process.wait(timeout=_TERMINATE_GRACE)
        except subprocess.TimeoutExpired:
            try:
                if os.name == "posix":
                    os.killpg(process.pid, signal.SIGKILL)
                else:  # pragma: no cover - Windows
                    process.kill()
            except (ProcessLookupError, PermissionError):
                pass

    if in_background:
        threading.Thread(target=stop, name="keyconf-build-cancel", daemon=True).start()
    else:
        stop()


def _is_keymap_name(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in name)


__all__ = [
    "DEFAULT_KEYMAP",
    "BuildPlan",
    "BuildRefused",
    "BuildRequest",
    "BuildResult",
    "FirmwareBuild",
    "default_jobs",
    "layout_hash",
]
