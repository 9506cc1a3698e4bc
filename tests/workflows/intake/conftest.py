"""Fixtures of the intake workflow tests: real activities against the sandbox, on the
module's time-skipping server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from sandbox.server import SandboxServer
from tests.support.intake import intake_worker_on
from tests.support.sandbox import round_the_clock_tenant
from tests.support.temporal import add_search_attributes


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal(temporal_env: WorkflowEnvironment) -> Client:
    """The module's time-skipping server, knowing Accord's search attributes."""
    return await add_search_attributes(temporal_env.client)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox where everyone is reachable at any hour (no waiting for mornings)."""
    with SandboxServer(tmp_path / "sandbox", tenant=round_the_clock_tenant()) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def intake_worker(
    temporal: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[Worker]:
    """Commitment and intake workflows with every real activity, bound to the sandbox."""
    async with intake_worker_on(temporal, task_queue, sandbox, graph) as worker:
        yield worker
