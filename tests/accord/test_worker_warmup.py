"""The worker warms up before it reports ready: one commitment run on a queue of its own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring.worker_health import Readiness, WorkerHealth, WorkerPhase
from accord.wiring.worker_warmup import WARMUP_PREFIX, warm_up
from accord.wiring.workflow_runner import workflow_runner
from tests.support.polling import eventually
from worker import _run_until_stopped
from workflows.commitment.workflow import CommitmentWorkflow


async def test_the_warm_up_reads_a_commitments_view_then_removes_it(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client
    done = await warm_up(client)

    assert done.workflow_id.startswith(WARMUP_PREFIX)
    handle = client.get_workflow_handle(done.workflow_id)

    # Terminated at once, and deleted (Temporal deletes asynchronously, half a minute later
    # on the dev server, so that part is not waited for here).
    try:
        status = (await handle.describe()).status
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        status = None
    assert status in (WorkflowExecutionStatus.TERMINATED, None)


async def test_the_worker_reports_ready_only_after_its_warm_up(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client
    task_queue = f"warm-{uuid.uuid4()}"
    health = WorkerHealth(client, task_queue, max_poll_age=timedelta(minutes=2), cache_for=0)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[CommitmentWorkflow],
        workflow_runner=workflow_runner(),
    )
    entered, release, stop = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow_warm_up(_client: Client) -> None:
        entered.set()
        await release.wait()

    settings = AccordSettings(temporal_task_queue=task_queue)
    running = asyncio.create_task(
        _run_until_stopped(settings, [worker], health, stop, warm=slow_warm_up)
    )
    try:
        await asyncio.wait_for(entered.wait(), timeout=20)
        # Temporal sees the worker poll, yet it is not ready while it warms up.
        health.phase = WorkerPhase.RUNNING
        await eventually(lambda: health.readiness(), timeout=20)
        health.phase = WorkerPhase.STARTING
        assert await health.readiness() == Readiness(False, "starting")

        release.set()

        async def ready() -> bool:
            return (await health.readiness()).ready

        await eventually(ready, timeout=20)
        assert await health.readiness() == Readiness(True, "polling")
    finally:
        release.set()
        stop.set()
        await asyncio.wait_for(running, timeout=30)
    assert health.phase is WorkerPhase.STOPPING


@pytest.mark.parametrize(
    "failure",
    [
        RuntimeError("no Temporal"),
        RPCError("gone", RPCStatusCode.UNAVAILABLE, b""),
        ValueError("a mistake in the warm-up itself"),
    ],
)
async def test_a_failed_warm_up_still_lets_the_worker_become_ready(
    dev_server: WorkflowEnvironment, failure: Exception
) -> None:
    client = dev_server.client
    task_queue = f"warm-{uuid.uuid4()}"
    health = WorkerHealth(client, task_queue, max_poll_age=timedelta(minutes=2), cache_for=0)
    worker = Worker(client, task_queue=task_queue, workflows=[CommitmentWorkflow])
    stop = asyncio.Event()

    async def failing(_client: Client) -> None:
        raise failure

    running = asyncio.create_task(
        _run_until_stopped(AccordSettings(), [worker], health, stop, warm=failing)
    )
    try:

        async def ready() -> bool:
            return (await health.readiness()).ready

        await eventually(ready, timeout=20)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
