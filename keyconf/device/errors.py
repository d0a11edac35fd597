"""Everything that can go wrong talking to a keyboard, as exceptions a face can show as-is.

Each error carries a one-line `message` and an optional `hint` (what to do about it), so the
CLI turns it into a `CommandError` and the GUI into a status line without knowing the cause.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every device-layer failure."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class HidUnavailable(DeviceError):
    """The `hid` package or the system hidapi library it loads is missing."""


class DevicePermissionError(DeviceError):
    """The keyboard is there but the operating system does not let us open it."""


class DeviceNotFound(DeviceError):
    """No connected keyboard matches what was asked for."""


class DeviceDisconnected(DeviceError):
    """The keyboard went away (unplugged, rebooted) during a conversation."""


class DeviceTimeout(DeviceError):
    """The keyboard did not answer a report in time."""


class ProtocolError(DeviceError):
    """The keyboard answered something that is not a valid reply to what was asked."""


class UnsupportedCommand(DeviceError):
    """The firmware answered 0xFF: it does not implement this command (or value, or channel)."""

    def __init__(self, message: str, command: int, hint: str | None = None):
        super().__init__(message, hint)
        self.command = command


class DeviceLocked(DeviceError):
    """A Vial keyboard refuses this until it is unlocked with its unlock key combination."""


class DefinitionError(DeviceError):
    """A Vial keyboard's built-in definition is missing, oversized or unreadable."""


class VerifyError(DeviceError):
    """A write was acknowledged but reading back shows different values."""


class PushError(DeviceError):
    """A push stopped part-way. `written` lists what reached the keyboard (and was confirmed),
    `unconfirmed` the keys sent when the keyboard stopped answering (each old, new, or torn:
    QMK writes EEPROM a byte at a time), `torn` the keys read back holding neither their old
    nor their new keycode, with the value found, and `backup` the file holding the keymap from
    before the push, to restore from."""

    def __init__(
        self,
        message: str,
        *,
        written: list[tuple[int, int, int]],
        unconfirmed: list[tuple[int, int, int]],
        backup: str | None,
        torn: list[tuple[int, int, int, int]] | None = None,
        cause: BaseException | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, hint)
        self.written = written
        self.unconfirmed = unconfirmed
        self.torn = torn or []
        self.backup = backup
        self.cause = cause
