"""Fixtures of the fault drills: a round-the-clock sandbox and where figures go."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.config import LimitsConfig, SandboxConfig
from sandbox.server import SandboxServer
from tests.support.drills import report_dir
from tests.support.sandbox import round_the_clock_tenant


@pytest.fixture
def drill_sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox where everyone is always reachable, without Exchange's limits."""
    config = SandboxConfig(limits=LimitsConfig(enabled=False))
    with SandboxServer(
        tmp_path / "sandbox", tenant=round_the_clock_tenant(), config=config
    ) as server:
        yield server


@pytest.fixture
def payload_key_b64(payload_key: bytes) -> str:
    """The session's payload key as ``ACCORD_PAYLOAD_KEYS`` wants it."""
    return base64.b64encode(payload_key).decode()


@pytest.fixture
def figures_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the drills write their figures."""
    return report_dir(tmp_path_factory.getbasetemp() / "drills")
