"""Shared fixtures for device tests."""

from __future__ import annotations

import pytest
from device_doubles import ScriptedTransport

from keyconf.device.simulated import SimulatedKeyboard
from keyconf.device.via_client import ViaClient


@pytest.fixture
def scripted() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def sim() -> SimulatedKeyboard:
    return SimulatedKeyboard(rows=5, cols=15, layers=4, encoders=2)


@pytest.fixture
def sim_client(sim: SimulatedKeyboard) -> ViaClient:
    return ViaClient(sim, timeout_ms=50)
