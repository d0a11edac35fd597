"""Fixtures for the flashing tests."""

from __future__ import annotations

import pytest

from keyconf.flash.detect import Detector
from tests.flash.fakes import FakeBus


@pytest.fixture
def bus() -> FakeBus:
    return FakeBus()


@pytest.fixture
def detector(bus: FakeBus) -> Detector:
    return Detector(usb=bus, volumes=lambda: [])
