"""A connected keyboard: its transport, protocol clients, and what it said about itself.

Connecting asks the protocol version, the Vial identity (for Vial boards), and the layer
count. From those follow the choices every other part needs: which keycode numbering the
board uses, which macro encoding, whether lighting uses channels, how to read the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from keyconf.device.discovery import DeviceInfo
from keyconf.device.errors import DeviceError, DeviceLocked, ProtocolError, UnsupportedCommand
from keyconf.device.lighting import Lighting
from keyconf.device.macros import MacroFormat, macro_format
from keyconf.device.transport import Transport
from keyconf.device.via_client import DEFAULT_TIMEOUT_MS, ViaClient
from keyconf.device.vial_client import VialClient
from keyconf.device.vial_protocol import (
    VIAL_PROTOCOL_CURRENT_KEYCODES,
    VIAL_PROTOCOL_MATRIX_TESTER,
    VialCommand,
    VialIdentity,
    parse_unlock_status,
    vial_request,
)

OLDEST_VIA_PROTOCOL = 8  # layer count and bulk buffer commands arrived in protocol 8
NEWEST_VIA_PROTOCOL = 13


def _refuse_unlock_in_progress(client: ViaClient, info: DeviceInfo | None) -> None:
    """While a Vial unlock runs, the firmware answers only identity, definition and unlock
    commands and hands every other request back unchanged, so the protocol version reads as 0.
    Ask the unlock status (allowed then) and say what is going on."""
    if info is not None and not info.is_vial:
        return
    try:
        reply = client.exchange(vial_request(VialCommand.GET_UNLOCK_STATUS))
    except DeviceError:
        return
    if reply[0] not in (0, 1) or reply[1] != 1:
        return  # not Vial (0xFF: unhandled), or no unlock running
    status = parse_unlock_status(reply)
    name = info.name if info is not None else "the keyboard"
    keys = ", ".join(f"row {r} col {c}" for r, c in status.keys) or "its unlock keys"
    raise DeviceLocked(
        f"{name} is in the middle of a Vial unlock (started by another program, such as Vial): "
        "until it ends the keyboard answers nothing else",
        hint=f"finish it by holding {keys} for a few seconds, or close the other program and replug the keyboard",
    )


def uses_current_numbering(via_protocol: int, vial_protocol: int | None) -> bool:
    """QMK renumbered keycodes in 0.19 (VIA protocol 11). Vial boards always say VIA 9 and
    switched with Vial protocol 6."""
    if vial_protocol is not None:
        return vial_protocol >= VIAL_PROTOCOL_CURRENT_KEYCODES
    return via_protocol >= 11


@dataclass
class Board:
    """An open, identified keyboard. Every method talks to it: call them off the GUI thread."""

    client: ViaClient
    via_protocol: int
    layer_count: int
    info: DeviceInfo | None = None
    vial_identity: VialIdentity | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def connect(
        cls,
        transport: Transport,
        info: DeviceInfo | None = None,
        *,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> Board:
        client = ViaClient(transport, timeout_ms=timeout_ms)
        try:
            return cls.identify(client, info)
        except BaseException:
            client.close()
            raise

    @classmethod
    def identify(cls, client: ViaClient, info: DeviceInfo | None = None) -> Board:
        warnings: list[str] = []
        try:
            protocol = client.protocol_version()
        except UnsupportedCommand as error:
            raise DeviceError(
                "this device does not answer VIA commands", hint="flash VIA- or Vial-enabled QMK firmware"
            ) from error
        if protocol < OLDEST_VIA_PROTOCOL:
            _refuse_unlock_in_progress(client, info)
            raise ProtocolError(
                f"this keyboard speaks VIA protocol {protocol}; keyconf needs protocol {OLDEST_VIA_PROTOCOL} or newer",
                hint="flash newer QMK firmware with VIA enabled",
            )
        if protocol > NEWEST_VIA_PROTOCOL:
            warnings.append(
                f"this keyboard speaks VIA protocol {protocol}, newer than keyconf knows "
                f"({NEWEST_VIA_PROTOCOL}); it is treated as {NEWEST_VIA_PROTOCOL}"
            )
        vial: VialIdentity | None = None
        if info is None or info.is_vial:
            try:
                vial = VialClient(client).identity()
            except UnsupportedCommand:
                if info is not None and info.is_vial:
                    warnings.append("the keyboard's serial number says Vial, but it does not answer Vial commands")
        layers = client.layer_count()
        return cls(client, protocol, layers, info, vial, warnings)

    # --- what follows from the identity --------------------------------------------------

    @property
    def is_vial(self) -> bool:
        return self.vial_identity is not None

    @property
    def vial(self) -> VialClient:
        if self.vial_identity is None:
            raise UnsupportedCommand("this is not a Vial keyboard", 0xFE)
        return VialClient(self.client, self.name)

    @property
    def vial_protocol(self) -> int | None:
        return None if self.vial_identity is None else self.vial_identity.protocol

    @property
    def current_numbering(self) -> bool:
        return uses_current_numbering(self.via_protocol, self.vial_protocol)

    @property
    def macro_format(self) -> MacroFormat:
        return macro_format(self.via_protocol, self.vial_protocol)

    @property
    def lighting(self) -> Lighting:
        return Lighting(self.client, legacy=self.via_protocol < 12)

    @property
    def matrix_tester_needs_unlock(self) -> bool:
        return self.vial_protocol is not None and self.vial_protocol >= VIAL_PROTOCOL_MATRIX_TESTER

    @property
    def name(self) -> str:
        return self.info.name if self.info is not None else "keyboard"

    def describe(self) -> str:
        parts = [self.name, f"VIA protocol {self.via_protocol}"]
        if self.vial_identity is not None:
            parts.append(f"Vial protocol {self.vial_identity.protocol}")
        parts.append(f"{self.layer_count} layers")
        return ", ".join(parts)

    def matrix_state(self, rows: int, cols: int) -> list[int]:
        """Row bitmasks of the switches held now (see ViaClient.switch_matrix_state)."""
        protocol = min(self.via_protocol, NEWEST_VIA_PROTOCOL)
        return self.client.switch_matrix_state(rows, cols, protocol)

    def jump_to_bootloader(self) -> bool:
        """Reboot into the bootloader for flashing (see ViaClient.bootloader_jump). A locked Vial
        keyboard would ignore the command silently, so that is checked and said first."""
        if self.is_vial:
            self.vial.require_unlocked("enter its bootloader")
        return self.client.bootloader_jump()

    def close(self) -> None:
        self.client.close()
