"""A time-skipping server of the lifecycle tests' own, and the lifecycle worker on it.

Time skipping is server-wide: on the session's shared server, workflows that other test
modules left waiting (stub workflows, abandoned runs) make every skip walk their timers too,
and a long skip can then time out. The lifecycle tests move time by weeks, so they get a
server to themselves, started once for the module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from sandbox.server import SandboxServer
from tests.support.lifecycle import Lifecycle, lifecycle_worker
from tests.support.temporal import time_skipping_server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server for this module's lifecycle tests."""
    async with time_skipping_server(data_converter) as env:
        yield env


@pytest_asyncio.fixture(loop_scope="session")
async def lifecycle(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> AsyncIterator[Lifecycle]:
    """The commitment workflow with real activities on the sandbox, on the test's task queue."""
    now = await temporal_env.get_current_time()
    async with lifecycle_worker(temporal_env.client, task_queue, sandbox, graph):
        yield Lifecycle(temporal_env, task_queue, now)
