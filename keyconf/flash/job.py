"""Flash one firmware file, start to finish: check the file, find (or wait for) the board in
its bootloader, check the file against that board, run the flasher, report.

`flash_firmware()` is what the CLI (`keyconf flash`, `keyconf compile --flash`) and the GUI
dialog call. It reports as it goes through `on_event` (status lines, tool output, progress,
the device found, the countdown while waiting) and can be cancelled from another thread.
Nothing is written to a board before every check has passed; EEPROM only with `eeprom=`.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.flash import bootloaders, mcus
from keyconf.flash.bootloaders import Bootloader, Tool, UnknownBootloader, format_advice
from keyconf.flash.detect import (
    Detected,
    Detector,
    SerialPortFinder,
    WaitCancelled,
    WaitTimeout,
    choose,
    find_serial_port,
    wait_for_bootloader,
)
from keyconf.flash.entry import BootloaderJump, JumpOutcome, reset_instructions
from keyconf.flash.firmware_file import (
    FirmwareError,
    FirmwareFile,
    Target,
    check_eeprom_file,
    check_for_target,
    check_plausible,
    read_firmware,
)
from keyconf.flash.flashers import (
    FlashPlan,
    PlanError,
    PlanRequest,
    firmware_mcu_default,
    plan_flash,
    required_tool,
)
from keyconf.flash.metadata import FirmwareMetadata, MetadataError, compare, read_metadata, sha256_of
from keyconf.flash.runner import PlanRunner
from keyconf.flash.tools import ToolFinder, ToolMissing, find_tool, which
from keyconf.model.controllers import built_controller
from keyconf.model.keyboard import Keyboard
from keyconf.model.layout import Layout

# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class StatusEvent:
    message: str
    level: str = "info"  # info | warning


@dataclass(frozen=True)
class LogEvent:
    text: str  # raw tool output (may hold \r)


@dataclass(frozen=True)
class ProgressEvent:
    percent: int
    phase: str


@dataclass(frozen=True)
class DetectedEvent:
    device: Detected


@dataclass(frozen=True)
class WaitingEvent:
    seconds_left: float
    instructions: str


FlashEvent = StatusEvent | LogEvent | ProgressEvent | DetectedEvent | WaitingEvent
EventSink = Callable[[FlashEvent], None]


class FlashError(Exception):
    """Flashing did not start (or was stopped): the file, the board, a tool or the wait."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        stage: str = "check",
        exit_code: int = 1,
        log: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.stage = stage  # file | metadata | tool | wait | cancelled | plan | usage
        self.exit_code = exit_code
        self.log = log


@dataclass
class FlashEnvironment:
    """Everything flashing touches outside Python, injectable for tests and other platforms."""

    detector: Detector = field(default_factory=Detector)
    finder: ToolFinder = which
    serial_ports: SerialPortFinder = find_serial_port
    run_command: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
    use_pty: bool | None = None
    settle: float = 1.0  # seconds between seeing the bootloader and talking to it (it is still enumerating)
    poll_interval: float = 0.25
    serial_wait: float = 8.0  # Caterina gives up after 8 s
    mount_wait: float = 10.0  # a UF2 / LUFA drive is mounted by the desktop a moment after it appears
    reboot_grace: float = 3.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class FlashResult:
    ok: bool
    message: str
    device: Detected
    firmware: FirmwareFile
    plan: FlashPlan
    log: str
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False


# ---------------------------------------------------------------- the job


@dataclass
class _Expectation:
    bootloader: Bootloader | None
    mcu: str | None
    metadata: FirmwareMetadata | None


def flash_firmware(
    path: str | os.PathLike[str],
    *,
    bootloader: str | None = None,
    mcu: str | None = None,
    wait: float = 60.0,
    force: bool = False,
    eeprom: str | os.PathLike[str] | None = None,
    enter_bootloader: BootloaderJump | None = None,
    layout: Layout | None = None,
    keyboard: Keyboard | None = None,
    on_event: EventSink | None = None,
    cancelled: Callable[[], bool] | None = None,
    environment: FlashEnvironment | None = None,
) -> FlashResult:
    """Flash `path` onto the keyboard. Raises FlashError before anything is written when
    a check fails, the tool is missing, or no bootloader appears within `wait` seconds;
    returns a FlashResult (ok or not) once a tool has run."""
    env = environment or FlashEnvironment()
    emit: EventSink = on_event or (lambda event: None)
    is_cancelled = cancelled or (lambda: False)
    warnings: list[str] = []

    def warn(text: str) -> None:
        warnings.append(text)
        emit(StatusEvent(text, "warning"))

    firmware = _read_firmware(Path(path))
    emit(StatusEvent(f"{firmware.path.name}: {firmware.describe()}"))
    for note in firmware.warnings:
        warn(note)
    expected = _expectation(firmware, bootloader, mcu, keyboard, force, warn, layout)
    eeprom_path = Path(eeprom) if eeprom is not None else None
    if eeprom_path is not None:
        _check_eeprom(eeprom_path, expected)
    if expected.bootloader is not None:
        _precheck(firmware, expected, force, env, warn)

    device = _find_device(
        expected, wait, force, enter_bootloader, layout, keyboard, emit, warn, is_cancelled, env
    )
    if device.bootloader.mass_storage is not None and device.volume is None:
        device = _wait_for_drive(device, env, emit, is_cancelled)
    emit(DetectedEvent(device))
    emit(StatusEvent(f"found {device.describe()}"))

    board_mcu = _board_mcu(device, expected, firmware)
    _check_against_device(firmware, device, board_mcu, expected, force, warn)
    if eeprom_path is not None and not device.bootloader.eeprom:
        raise FlashError(
            f"the {device.bootloader.title} bootloader cannot write EEPROM",
            stage="check",
            hint="flash without --eeprom",
        )

    port = None
    if device.bootloader.serial and device.usb is not None:
        if device.bootloader.tool is Tool.AVRDUDE:
            port = _serial_port(device, env, is_cancelled)
        else:  # mdloader finds the port itself (--first) when we cannot
            port = env.serial_ports(device.usb.vid, device.usb.pid)
    request = PlanRequest(
        device=device,
        firmware=firmware,
        mcu=board_mcu.name if board_mcu else expected.mcu,
        eeprom=eeprom_path,
        serial_port=port,
        force=force,
    )
    try:
        plan = plan_flash(request, finder=env.finder, run=env.run_command)
    except ToolMissing as error:
        raise FlashError(str(error), hint=error.hint, stage="tool") from None
    except PlanError as error:
        raise FlashError(error.message, hint=error.hint, stage="plan") from None

    if env.settle > 0:
        env.sleep(env.settle)
    if is_cancelled():
        raise FlashError("cancelled before anything was written", stage="cancelled")
    emit(
        StatusEvent(
            f"flashing {firmware.path.name} with {device.bootloader.tool.value}; do not unplug the keyboard"
        )
    )
    runner = PlanRunner(
        on_output=lambda text: emit(LogEvent(text)),
        on_progress=lambda percent, phase: emit(ProgressEvent(percent, phase)),
        cancelled=is_cancelled,
        use_pty=env.use_pty,
        finder=env.finder,
        run_command=env.run_command,
        reboot_grace=env.reboot_grace,
    )
    outcome = runner.run(plan)
    for text in outcome.warnings:
        warn(text)
    emit(StatusEvent(outcome.message, "info" if outcome.ok else "warning"))
    return FlashResult(
        ok=outcome.ok,
        message=outcome.message,
        device=device,
        firmware=firmware,
        plan=plan,
        log=outcome.log,
        warnings=warnings,
        cancelled=outcome.cancelled,
    )


def _read_firmware(path: Path) -> FirmwareFile:
    if path.suffix.lower() == ".eep":
        raise FlashError(
            f"{path}: this is an EEPROM image (.eep), not firmware",
            hint="flash the .hex (or .bin/.uf2) QMK built; an EEPROM image goes with --eeprom, beside the firmware",
            stage="file",
        )
    try:
        return read_firmware(path)
    except FirmwareError as error:
        # Input that cannot be read at all is a usage error (exit 2), as in every keyconf command.
        raise FlashError(str(error), hint=error.hint, stage="file", exit_code=2 if error.unreadable else 1) from None


def _expectation(
    firmware: FirmwareFile,
    bootloader: str | None,
    mcu: str | None,
    keyboard: Keyboard | None,
    force: bool,
    warn: Callable[[str], None],
    layout: Layout | None = None,
) -> _Expectation:
    """What the firmware is for: --bootloader / --mcu first, then its metadata, then the layout's
    controller (`converter:`, `bootloader:`) on the keyboard, then the keyboard."""
    metadata: FirmwareMetadata | None = None
    try:
        metadata = read_metadata(firmware.path)
    except MetadataError as error:
        if not force:
            raise FlashError(
                str(error), hint=error.hint or "pass --force to flash without it", stage="metadata"
            ) from None
        warn(f"ignoring broken metadata: {error}")
    if metadata is not None and metadata.firmware_sha256.lower() != sha256_of(firmware.data):
        warn(
            f"{firmware.path.name}.keyconf.json describes another build of this file (its checksum differs); "
            "not using it"
        )
        metadata = None
    chosen: Bootloader | None = None
    built_mcu, built_bootloader = built_controller(keyboard, layout.converter if layout else None,
                                                   layout.bootloader if layout else None)
    name = (
        bootloader
        or (metadata.bootloader if metadata else None)
        or built_bootloader
    )
    if name:
        try:
            chosen = bootloaders.get(name)
        except UnknownBootloader as error:
            if bootloader:
                raise FlashError(str(error), stage="usage", exit_code=2) from None
            warn(f"the firmware names bootloader {name!r}, which keyconf does not know; detecting any")
    if bootloader and metadata and not bootloaders.same_family(bootloader, metadata.bootloader):
        message = f"--bootloader {bootloader} disagrees with the firmware, built for {metadata.bootloader}"
        if not force:
            raise FlashError(message, hint="pass --force if you are sure", stage="metadata")
        warn(message)
    wanted_mcu = mcu or (metadata.processor if metadata else None) or built_mcu
    return _Expectation(chosen, wanted_mcu, metadata)


def _check_eeprom(path: Path, expected: _Expectation) -> None:
    try:
        check_eeprom_file(path, mcus.find(expected.mcu))
    except FirmwareError as error:
        raise FlashError(str(error), hint=error.hint, stage="file") from None


def _precheck(
    firmware: FirmwareFile,
    expected: _Expectation,
    force: bool,
    env: FlashEnvironment,
    warn: Callable[[str], None],
) -> None:
    """Checks that need only the expected bootloader: before waiting for the board."""
    assert expected.bootloader is not None
    advice = format_advice(expected.bootloader, firmware.format)
    if advice is not None:
        raise FlashError(f"{firmware.path}: {advice.message}", hint=advice.hint, stage="file")
    mcu = mcus.find(expected.mcu)
    if mcu is not None:
        _target_check(firmware, Target(expected.bootloader, mcu), force, warn)
    else:
        _check_unknown_mcu(firmware, expected.bootloader, expected.mcu)
    tool = required_tool(expected.bootloader)
    if tool is not None:
        try:
            find_tool(tool, env.finder)
        except ToolMissing as error:
            raise FlashError(str(error), hint=error.hint, stage="tool") from None


def _check_unknown_mcu(firmware: FirmwareFile, bootloader: Bootloader, named: str | None) -> None:
    """With the MCU unknown: refuse an image no chip behind `bootloader` could run, and ask for
    --mcu where the bootloader is a chip's ROM DFU (dfu-util would write anything it is given)."""
    try:
        check_plausible(firmware, bootloader)
    except FirmwareError as error:
        raise FlashError(str(error), hint=error.hint, stage="file") from None
    args = bootloader.dfu_util
    if bootloader.tool is Tool.DFU_UTIL and args is not None and args.dfuse_address:
        raise FlashError(
            f"the board is in the {bootloader.title} bootloader, and the MCU it should get firmware for is "
            + (f"{named!r}, which keyconf does not know" if named else "not known"),
            hint="name the keyboard's processor (`keyconf flash --mcu STM32F303`, as in its keyboard.json; in the "
            "window, open the keyboard's layout first), or flash a firmware keyconf built (its .keyconf.json "
            "names the MCU)",
            stage="usage",
            exit_code=2,
        )


def _target_check(firmware: FirmwareFile, target: Target, force: bool, warn: Callable[[str], None]) -> None:
    try:
        for note in check_for_target(firmware, target):
            warn(note)
    except FirmwareError as error:
        if error.forcible and force:
            warn(f"forced: {error}")
            return
        hint = error.hint
        if error.forcible:
            hint = (hint + "; " if hint else "") + "pass --force to flash anyway"
        raise FlashError(str(error), hint=hint, stage="file") from None


def _find_device(
    expected: _Expectation,
    wait: float,
    force: bool,
    enter_bootloader: BootloaderJump | None,
    layout: Layout | None,
    keyboard: Keyboard | None,
    emit: EventSink,
    warn: Callable[[str], None],
    is_cancelled: Callable[[], bool],
    env: FlashEnvironment,
) -> Detected:
    detector = env.detector
    if expected.bootloader is not None and not expected.bootloader.auto_detect:
        detector = dataclasses.replace(
            detector, include_manual=(*detector.include_manual, expected.bootloader.name)
        )
    found = detector.scan()
    for error in detector.errors:
        warn(error)
    if found:
        return _pick(found, expected, force, warn)
    instructions = reset_instructions(expected.bootloader, layout, keyboard)
    if enter_bootloader is not None:
        jump = enter_bootloader()
        if jump.outcome is JumpOutcome.JUMPED:
            emit(StatusEvent("the keyboard is restarting into its bootloader"))
            instructions = "The keyboard was told to restart into its bootloader.\n" + instructions
        elif jump.outcome is JumpOutcome.UNSUPPORTED:
            emit(
                StatusEvent(
                    "the keyboard's firmware cannot jump to the bootloader on request "
                    "(upstream QMK answers VIA's bootloader-jump with 'unhandled')"
                )
            )
        elif jump.message:
            emit(StatusEvent(jump.message, "warning"))
    emit(StatusEvent("waiting for bootloader…"))
    emit(WaitingEvent(wait, instructions))
    last_tick = [wait]

    def tick(left: float) -> None:
        if int(left) != int(last_tick[0]):
            emit(WaitingEvent(left, instructions))
        last_tick[0] = left

    try:
        appeared = wait_for_bootloader(
            detector,
            timeout=wait,
            wanted=None,  # any bootloader: the wrong board is refused at once, not waited past
            cancelled=is_cancelled,
            on_tick=tick,
            interval=env.poll_interval,
            clock=env.clock,
            sleep=env.sleep,
        )
        return _pick([appeared], expected, force, warn)
    except WaitTimeout:
        hint = instructions
        if os.name == "posix" and not detector.errors:
            hint += (
                "\nIf the keyboard is in its bootloader but not seen, install keyconf's udev rule "
                "(`keyconf udev --install`) or check `lsusb`."
            )
        elif detector.errors:
            hint += "\n" + "; ".join(detector.errors)
        raise FlashError(
            f"no keyboard in bootloader mode appeared within {wait:g} second{'' if wait == 1 else 's'}; "
            "nothing was flashed",
            hint=hint,
            stage="wait",
        ) from None
    except WaitCancelled:
        raise FlashError(
            "cancelled while waiting for the bootloader; nothing was flashed", stage="cancelled"
        ) from None


def _pick(
    found: list[Detected], expected: _Expectation, force: bool, warn: Callable[[str], None]
) -> Detected:
    """The found device the firmware is for; a different bootloader is refused unless forced."""
    wanted = expected.bootloader.name if expected.bootloader else None
    device = choose(found, wanted)
    if device is not None:
        return device
    other = found[0]
    if expected.metadata is not None:
        mismatches = compare(expected.metadata, bootloader=other.bootloader.name, mcu=other.mcu_hint)
        text = "; ".join(m.message for m in mismatches)
    else:
        text = f"the keyboard is in the {other.bootloader.title} bootloader, not {wanted}"
    if force:
        warn(f"forced: {text}")
        return other
    raise FlashError(
        text,
        stage="metadata" if expected.metadata is not None else "check",
        hint="this firmware is for another keyboard: flash the right file, "
        "or pass --force if you are certain",
    )


def _wait_for_drive(
    device: Detected, env: FlashEnvironment, emit: EventSink, is_cancelled: Callable[[], bool]
) -> Detected:
    """The bootloader is on USB; its drive must be mounted before a file can be copied onto it."""
    emit(StatusEvent(f"found {device.describe()}; waiting for its drive to be mounted…"))
    deadline = env.clock() + env.mount_wait
    while env.clock() < deadline and not is_cancelled():
        for candidate in env.detector.scan():
            if candidate.volume is not None and bootloaders.same_family(
                candidate.bootloader.name, device.bootloader.name
            ):
                return candidate
        env.sleep(env.poll_interval)
    raise FlashError(
        f"the {device.bootloader.title} bootloader is connected, but its drive was not mounted",
        hint="open the drive in your file manager (or mount it: udisksctl mount -b /dev/sdX1), "
        "then flash again",
        stage="plan",
    )


def _board_mcu(device: Detected, expected: _Expectation, firmware: FirmwareFile) -> mcus.Mcu | None:
    for name in (expected.mcu, device.mcu_hint, firmware_mcu_default(device.bootloader, firmware)):
        found = mcus.find(name)
        if found is not None:
            return found
    return None


def _check_against_device(
    firmware: FirmwareFile,
    device: Detected,
    board_mcu: mcus.Mcu | None,
    expected: _Expectation,
    force: bool,
    warn: Callable[[str], None],
) -> None:
    advice = format_advice(device.bootloader, firmware.format)
    if advice is not None:
        raise FlashError(f"{firmware.path}: {advice.message}", hint=advice.hint, stage="file")
    if expected.metadata is not None:
        detected_mcu = device.mcu_hint
        mismatches = compare(expected.metadata, bootloader=device.bootloader.name, mcu=detected_mcu)
        if mismatches:
            text = "; ".join(m.message for m in mismatches)
            if not force:
                raise FlashError(
                    text,
                    stage="metadata",
                    hint="this firmware is for another keyboard; flash the right file, "
                    "or pass --force if you are certain",
                )
            warn(f"forced: {text}")
    families = device.uf2_info.families() if device.uf2_info is not None else ()
    if board_mcu is None:
        _check_unknown_mcu(firmware, device.bootloader, expected.mcu)
    _target_check(firmware, Target(device.bootloader, board_mcu, families), force, warn)


def _serial_port(device: Detected, env: FlashEnvironment, is_cancelled: Callable[[], bool]) -> str | None:
    """The bootloader's serial port, once it exists and is writable (Caterina: within 8 s)."""
    if device.usb is None:
        return None
    deadline = env.clock() + env.serial_wait
    port = None
    while env.clock() < deadline and not is_cancelled():
        port = env.serial_ports(device.usb.vid, device.usb.pid)
        if port and (os.name != "posix" or not os.path.exists(port) or os.access(port, os.W_OK)):
            return port
        env.sleep(0.25)
    if port and os.path.exists(port) and not os.access(port, os.W_OK):
        raise FlashError(
            f"{port} appeared but you may not write to it",
            hint="install keyconf's udev rule (`keyconf udev --install`) or add yourself to the "
            "'dialout' group, then log in again",
            stage="plan",
        )
    return port
