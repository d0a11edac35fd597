"""What to run to flash a detected bootloader: argument lists for the real tools, and the
file copy for UF2 and LUFA mass-storage drives, as a plan of steps with progress parsers.

Building a plan runs nothing except a version probe of dfu-programmer (whose `--force`
appeared in 0.7); `keyconf.flash.runner` executes plans.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyconf.flash import bootloaders, mcus
from keyconf.flash.bootloaders import FirmwareFormat, Tool
from keyconf.flash.detect import Detected, Volume
from keyconf.flash.firmware_file import FirmwareFile
from keyconf.flash.progress import (
    AvrdudeProgress,
    BootloadHidProgress,
    DfuProgrammerProgress,
    DfuUtilProgress,
    MdloaderProgress,
    ProgressParser,
    TeensyProgress,
    Wb32Progress,
)
from keyconf.flash.tools import ToolFinder, find_tool, which

# QMK's flashers.py maps these AVR names to avrdude part ids
AVRDUDE_PARTS = {"atmega32a": "m32", "atmega328p": "m328p", "atmega328": "m328"}
DEFAULT_STEP_TIMEOUT = 300.0


@dataclass
class CommandStep:
    title: str
    argv: list[str]
    parser: ProgressParser
    weight: float = 1.0
    # output proving the write succeeded even when the tool then exits non-zero (the board
    # resets as soon as it is written, and some tools report the vanished device as an error)
    success_markers: tuple[str, ...] = ()
    failure_ok: bool = False  # a failure here is a warning (a reset the board already did)
    timeout: float = DEFAULT_STEP_TIMEOUT


@dataclass
class CopyStep:
    title: str
    source: Path
    destination: Path
    volume: Volume
    delete_first: bool = False  # LUFA MS: delete FLASH.BIN before writing the new one
    eject: bool = False  # unmount/eject the drive afterwards
    reboots: bool = False  # UF2: the board reboots (and the drive vanishes) once the last block lands
    weight: float = 1.0
    parser: ProgressParser = field(default_factory=ProgressParser)


Step = CommandStep | CopyStep


@dataclass
class FlashPlan:
    bootloader: bootloaders.Bootloader
    steps: list[Step]
    notes: list[str] = field(default_factory=list)

    def commands(self) -> list[list[str]]:
        return [s.argv for s in self.steps if isinstance(s, CommandStep)]


class PlanError(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class PlanRequest:
    device: Detected
    firmware: FirmwareFile
    mcu: str | None = None  # QMK processor name (from metadata, the keyboard, or --mcu)
    eeprom: Path | None = None
    serial_port: str | None = None
    force: bool = False  # flash even when the firmware's MCU is not the bootloader's


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def dfu_programmer_has_force(executable: str, run: Runner = subprocess.run) -> bool:
    """dfu-programmer 0.7 added `--force` (needed by erase/flash there); 0.6 rejects it."""
    try:
        result = run([executable, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return True
    match = re.search(r"dfu-programmer\s+(\d+)\.(\d+)", (result.stdout or "") + (result.stderr or ""))
    if not match:
        return True
    return (int(match.group(1)), int(match.group(2))) >= (0, 7)


def plan_flash(
    request: PlanRequest, *, finder: ToolFinder = which, run: Runner = subprocess.run
) -> FlashPlan:
    """The steps that write `request.firmware` to `request.device`.

    Raises ToolMissing (with an install hint) when the tool is not installed, PlanError when
    something the tool needs is unknown (the MCU, the serial port) or EEPROM is asked of a
    bootloader that cannot write it."""
    bootloader = request.device.bootloader
    if request.eeprom is not None and not bootloader.eeprom:
        raise PlanError(
            f"the {bootloader.title} bootloader cannot write EEPROM",
            hint="flash without --eeprom; clear EEPROM from the firmware (QK_CLEAR_EEPROM) instead",
        )
    builder = _BUILDERS[bootloader.tool]
    return builder(request, finder, run)


def _mcu(request: PlanRequest, default: str | None = None) -> str:
    candidates = request.device.mcu_candidates
    if request.mcu:
        wanted = request.mcu.lower()
        if candidates and wanted not in candidates:
            if request.force:
                return candidates[0]
            raise PlanError(
                f"the bootloader is an {'/'.join(candidates)}, but the firmware is for {request.mcu}",
                hint="this firmware was built for another keyboard; pass --force only if you are sure",
            )
        return wanted
    if candidates:
        return candidates[0]
    if default:
        return default
    raise PlanError(
        f"the {request.device.bootloader.title} flasher must be told the MCU, and it is not known",
        hint="pass --mcu (e.g. --mcu atmega32u4), or flash a firmware keyconf built "
        "(its metadata names the MCU)",
    )


def _dfu_util(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.DFU_UTIL, finder)
    bootloader = request.device.bootloader
    args = bootloader.dfu_util or bootloaders.DfuUtilArgs()
    usb = request.device.usb
    ids = usb.ids if usb is not None else bootloader.usb_ids[0].text
    argv = [exe, "-a", str(args.alt), "-d", ids]
    if args.dfuse_address:
        argv += ["-s", args.dfuse_address]
    if args.reset:
        argv.append("-R")
    argv += ["-D", str(request.firmware.path)]
    step = CommandStep(
        title="Writing with dfu-util",
        argv=argv,
        parser=DfuUtilProgress(),
        success_markers=("File downloaded successfully", "Download done."),
    )
    return FlashPlan(bootloader, [step])


def _dfu_programmer(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.DFU_PROGRAMMER, finder)
    target = _mcu(request)
    force = ["--force"] if dfu_programmer_has_force(exe, run) else []
    firmware = str(request.firmware.path)
    steps: list[Step] = [
        CommandStep("Erasing", [exe, target, "erase", *force], DfuProgrammerProgress(), weight=0.15),
    ]
    notes = []
    if not force:
        notes.append("dfu-programmer is older than 0.7 (no --force); using its old command names")
    if request.eeprom is not None:
        eeprom_cmd = (
            [exe, target, "flash", *force, "--suppress-validation", "--eeprom", str(request.eeprom)]
            if force
            else [exe, target, "flash-eeprom", "--suppress-validation", str(request.eeprom)]
        )
        steps.append(CommandStep("Writing EEPROM", eeprom_cmd, DfuProgrammerProgress(), weight=0.15))
    steps.append(
        CommandStep(
            "Writing flash",
            [exe, target, "flash", *force, firmware],
            DfuProgrammerProgress(),
            weight=0.8,
            success_markers=("Validating...  Success",),
        )
    )
    steps.append(
        CommandStep(
            "Starting the firmware", [exe, target, "reset"], ProgressParser(), weight=0.05, failure_ok=True
        )
    )
    return FlashPlan(request.device.bootloader, steps, notes)


def _avrdude(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.AVRDUDE, finder)
    bootloader = request.device.bootloader
    default = "atmega32u4" if bootloader.name == "caterina" else None  # every Caterina board QMK knows
    mcu = _mcu(request, default)
    part = AVRDUDE_PARTS.get(mcu, mcu)
    argv = [exe, "-p", part, "-c", bootloader.avrdude_programmer or "avr109"]
    if bootloader.serial:
        if not request.serial_port:
            raise PlanError(
                f"the serial port of the {bootloader.title} bootloader was not found",
                hint="on Linux, check that ModemManager is not holding it (keyconf's udev rule tells it "
                "to leave it alone) and that you may open /dev/ttyACM*",
            )
        argv += ["-P", request.serial_port]
    argv += ["-U", f"flash:w:{request.firmware.path}:i"]
    memories = 1
    if request.eeprom is not None:
        argv += ["-U", f"eeprom:w:{request.eeprom}:i"]
        memories = 2
    step = CommandStep(
        title="Writing with avrdude",
        argv=argv,
        parser=AvrdudeProgress(memories=memories),
        success_markers=("bytes of flash verified",),
    )
    return FlashPlan(bootloader, [step])


def _teensy_like(tool: Tool) -> Callable[[PlanRequest, ToolFinder, Runner], FlashPlan]:
    def build(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
        exe = find_tool(tool, finder)
        mcu = _mcu(request)
        block = teensy_block_size(mcu)
        blocks = request.firmware.hex.blocks_used(block) if request.firmware.hex is not None else None
        step = CommandStep(
            title=f"Writing with {tool.value}",
            argv=[exe, f"-mmcu={mcu}", "-v", str(request.firmware.path)],
            parser=TeensyProgress(expected_blocks=blocks, block_size=block),
            success_markers=("Booting",),
        )
        return FlashPlan(request.device.bootloader, [step])

    return build


def teensy_block_size(mcu: str) -> int:
    """Bytes per block teensy_loader_cli / hid_bootloader_cli write for an MCU (one dot each)."""
    name = mcu.lower()
    if name.startswith(("at90usb64", "at90usb128")):
        return 256
    if name.startswith(("atmega", "at90usb")):
        return 128
    if name.startswith("mkl26"):
        return 512
    return 1024  # Teensy 3.x / 4.x


def _bootloadhid(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.BOOTLOADHID, finder)
    step = CommandStep(
        title="Writing with bootloadHID",
        argv=[exe, "-r", str(request.firmware.path)],
        parser=BootloadHidProgress(),
    )
    return FlashPlan(request.device.bootloader, [step])


def _mdloader(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.MDLOADER, finder)
    where = ["--port", request.serial_port] if request.serial_port else ["--first"]
    step = CommandStep(
        title="Writing with mdloader",
        argv=[exe, *where, "--download", str(request.firmware.path), "--restart"],
        parser=MdloaderProgress(),
    )
    return FlashPlan(request.device.bootloader, [step])


def _wb32(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    exe = find_tool(Tool.WB32_DFU_UPDATER, finder)
    steps: list[Step] = [
        CommandStep(
            "Writing with wb32-dfu-updater_cli",
            [exe, "-D", str(request.firmware.path)],
            Wb32Progress(),
            weight=0.95,
            success_markers=("Download done.",),
        ),
        CommandStep("Starting the firmware", [exe, "-R"], ProgressParser(), weight=0.05, failure_ok=True),
    ]
    return FlashPlan(request.device.bootloader, steps)


def _uf2_copy(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    volume = request.device.volume
    if volume is None:
        raise PlanError(
            "the UF2 drive is not mounted", hint="open it in your file manager so it mounts, then retry"
        )
    step = CopyStep(
        title=f"Copying to {volume.mount_point}",
        source=request.firmware.path,
        destination=volume.mount_point / "NEW.UF2",
        volume=volume,
        reboots=True,
    )
    return FlashPlan(request.device.bootloader, [step])


def _lufa_ms_copy(request: PlanRequest, finder: ToolFinder, run: Runner) -> FlashPlan:
    volume = request.device.volume
    if volume is None:
        raise PlanError(
            "the LUFA mass-storage drive is not mounted",
            hint="open it in your file manager so it mounts, then retry",
        )
    step = CopyStep(
        title=f"Replacing FLASH.BIN on {volume.mount_point}",
        source=request.firmware.path,
        destination=volume.mount_point / "FLASH.BIN",
        volume=volume,
        delete_first=True,
        eject=True,
    )
    notes = ["LUFA mass storage is prone to bricking: do not unplug until the drive is ejected"]
    return FlashPlan(request.device.bootloader, [step], notes)


_BUILDERS: dict[Tool, Callable[[PlanRequest, ToolFinder, Runner], FlashPlan]] = {
    Tool.DFU_UTIL: _dfu_util,
    Tool.DFU_PROGRAMMER: _dfu_programmer,
    Tool.AVRDUDE: _avrdude,
    Tool.TEENSY_LOADER: _teensy_like(Tool.TEENSY_LOADER),
    Tool.HID_BOOTLOADER_CLI: _teensy_like(Tool.HID_BOOTLOADER_CLI),
    Tool.BOOTLOADHID: _bootloadhid,
    Tool.MDLOADER: _mdloader,
    Tool.WB32_DFU_UPDATER: _wb32,
    Tool.UF2_COPY: _uf2_copy,
    Tool.LUFA_MS_COPY: _lufa_ms_copy,
}


def required_tool(bootloader: bootloaders.Bootloader) -> Tool | None:
    """The external program a bootloader needs (None for the built-in drive copies)."""
    if bootloader.tool in (Tool.UF2_COPY, Tool.LUFA_MS_COPY):
        return None
    return bootloader.tool


def firmware_mcu_default(bootloader: bootloaders.Bootloader, firmware: FirmwareFile) -> str | None:
    """An MCU implied by the bootloader alone (RP2040's boot ROM, Caterina's ATmega32U4)."""
    if bootloader.name == "rp2040":
        return "RP2040"
    if bootloader.name == "caterina":
        return "atmega32u4"  # every Caterina board QMK supports; QMK's own flasher assumes it too
    if firmware.format is FirmwareFormat.UF2 and firmware.uf2 and firmware.uf2.family_ids:
        if firmware.uf2.family_ids[0] == mcus.UF2_FAMILIES["RP2040"]:
            return "RP2040"
    return None
