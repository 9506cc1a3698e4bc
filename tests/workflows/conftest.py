"""A time-skipping server of the lifecycle tests' own.

Time skipping is server-wide: on the session's shared server, workflows that other test
modules left waiting (stub workflows, abandoned runs) make every skip walk their timers too,
and a long skip can then time out. The lifecycle tests move time by weeks, so they get a
server to themselves, started once for the module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from tests.conftest import time_skipping_server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server for this module's lifecycle tests."""
    async with time_skipping_server(data_converter) as env:
        yield env
