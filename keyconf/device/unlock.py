"""Unlocking a Vial keyboard: the one flow the command line and the window both run.

A locked Vial board refuses QK_BOOT, macro writes, the matrix tester and the bootloader jump.
Unlocking needs a person: the host starts it (`FE 06`), then polls (`FE 07`) while the user
holds the board's unlock keys; the firmware counts the polls with the keys held (vial-qmk:
50, so about 5 s at one poll per 100 ms) and unlocks. An unlock another program started is
joined, not restarted.

The firmware has no way to cancel: until the keys are held (or the board is replugged) it
answers nothing but identity, definition and unlock commands. So a timeout or a cancel says
exactly that, and how to get out of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from keyconf.device.errors import DeviceLocked
from keyconf.device.vial_client import VialClient
from keyconf.device.vial_protocol import UnlockProgress, UnlockStatus

POLL_INTERVAL_S = 0.1
DEFAULT_TIMEOUT_S = 30.0


class UnlockCancelled(DeviceLocked):
    """The user stopped waiting (the keyboard still waits for its keys)."""


@dataclass(frozen=True)
class UnlockState:
    """What an unlock shows the user while it runs."""

    keys: tuple[tuple[int, int], ...]  # (row, col) of the keys to hold
    unlocked: bool
    remaining: int | None  # polls left while the keys stay held (None: not polled yet)


def keys_text(keys: tuple[tuple[int, int], ...], names: Callable[[int, int], str] | None = None) -> str:
    """`Tab (row 0, col 0) and Q (row 0, col 1)`: the keys to hold, by legend where known."""
    parts = []
    for row, col in keys:
        label = names(row, col) if names is not None else ""
        parts.append(f"{label} (row {row}, col {col})" if label else f"row {row}, col {col}")
    if not parts:
        return "its unlock keys"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def unlock(
    vial: VialClient,
    *,
    on_update: Callable[[UnlockState], None] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    poll_s: float = POLL_INTERVAL_S,
    cancelled: Callable[[], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> UnlockStatus:
    """Unlock the keyboard (start, or join a running unlock, then poll until it is unlocked).
    Returns the final status; raises DeviceLocked on timeout, UnlockCancelled on cancel."""
    status = vial.unlock_status()
    keys = status.keys
    if status.unlocked:
        return status
    if not status.in_progress:
        vial.unlock_start()
    if on_update is not None:
        on_update(UnlockState(keys, False, None))
    deadline = clock() + timeout_s
    progress: UnlockProgress
    while True:
        progress = vial.unlock_poll()
        if on_update is not None:
            on_update(UnlockState(keys, progress.unlocked, progress.remaining))
        if progress.unlocked:
            return UnlockStatus(True, False, keys)
        hint = (
            f"the keyboard still waits: hold {keys_text(keys)} together for a few seconds, "
            "or unplug and replug it to cancel"
        )
        if cancelled is not None and cancelled():
            raise UnlockCancelled("the unlock was cancelled", hint=hint)
        if clock() >= deadline:
            raise DeviceLocked(f"the keyboard was not unlocked within {timeout_s:g} s", hint=hint)
        sleep(poll_s)
