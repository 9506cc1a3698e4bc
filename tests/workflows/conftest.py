"""A time-skipping server of the lifecycle tests' own, and the lifecycle worker on it.

Time skipping is server-wide: on the session's shared server, workflows that other test
modules left waiting (stub workflows, abandoned runs) make every skip walk their timers too,
and a long skip can then time out. The lifecycle tests move time by weeks, so they get a
server to themselves, started once for the module.

The server starts at the wall clock's time and every test moves it on, so each test starts at
a weekday and hour that depends on when and in what order the tests run. A test must pass at
any of them; the server's time at a test's start is reported with its failure, and
``ACCORD_LIFECYCLE_START`` (a weekday and a UTC time, say ``Fri 21:30``) starts every test
at the next such instant, to replay a failure or to try the tests at the edges of the day.
That skip can take up to a minute after a test that left a run behind mid-activity: the test
server holds its clock still until an unfinished activity's timeout.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from sandbox.server import SandboxServer
from tests.support.lifecycle import Lifecycle, lifecycle_worker, next_time_of_week
from tests.support.temporal import time_skipping_server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server for this module's lifecycle tests."""
    async with time_skipping_server(data_converter) as env:
        yield env


@pytest_asyncio.fixture(loop_scope="session")
async def lifecycle(
    request: pytest.FixtureRequest,
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> AsyncIterator[Lifecycle]:
    """The commitment workflow with real activities on the sandbox, on the test's task queue.

    Commitments the test left running are terminated afterwards, so that a failed test does
    not slow the module's later tests down.
    """
    now = await temporal_env.get_current_time()
    if start := os.environ.get("ACCORD_LIFECYCLE_START"):
        await temporal_env.sleep(next_time_of_week(now, start) - now)
        now = await temporal_env.get_current_time()
    request.node.add_report_section("setup", "server time", f"{now:%a %Y-%m-%d %H:%M:%S} UTC")
    lifecycle = Lifecycle(temporal_env, task_queue, now)
    try:
        async with lifecycle_worker(temporal_env.client, task_queue, sandbox, graph):
            yield lifecycle
    finally:
        await lifecycle.end_what_is_left()
