"""Warming the worker before it reports ready: one commitment run through its own task queue.

A fresh worker process, and a Temporal that has just started, pay once for what every later
commitment finds done: the workflow sandbox's first run of the commitment workflow, the first
workflow task and query of this process, the server's first tasks. Without a warm-up the first
``POST /commitments`` after a start pays it behind the API's wait for the workflow's first view
(issue 16 measured 2.7 to 3.3 s; docs/performance.md, section 5c).

So before the worker says it is ready, :func:`warm_up` starts one commitment workflow on a task
queue of its own (so no other worker can pick it up and the real queue never sees it), served
by a worker with the same workflow runner and no activities, asks it for its view exactly as
the API does, then terminates and deletes it. Its people are at ``accord.invalid``, a domain
that cannot exist, and it never reaches an activity (none are registered on its queue), so
nothing is sent; deleting it takes it out of visibility too.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker

from accord.wiring.workflow_runner import workflow_runner
from domain.models import CommitmentSpec, Person
from workflows.commitment.client import initial_search_attributes
from workflows.commitment.contracts import VIEW_QUERY, CommitmentInput, CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow

log = structlog.get_logger("accord.worker.warmup")

WARMUP_PREFIX = "accord-warmup-"
"""Task queues and workflow ids of warm-ups start with this."""
WARMUP_TIMEOUT = timedelta(seconds=30)
_CALL_TIMEOUT = timedelta(seconds=10)


def warmup_input(now: datetime, commitment_id: str) -> CommitmentInput:
    """Return the warm-up's commitment: between two people who cannot exist.

    Args:
        now: the wall clock, for the creation time and due date.
        commitment_id: the warm-up's commitment id.

    Returns:
        The workflow's input.
    """
    spec = CommitmentSpec(
        title="Warm-up",
        success_criteria="The worker is ready.",
        owner=Person(email="owner@accord.invalid", display_name="Warm-up owner"),
        manager=Person(email="manager@accord.invalid", display_name="Warm-up manager"),
        due=now + timedelta(days=14),
    )
    return CommitmentInput(commitment_id=commitment_id, spec=spec, created_at=now)


@dataclass(frozen=True)
class WarmUp:
    """A warm-up done: the workflow it ran (deleted since) and how long it took."""

    workflow_id: str
    seconds: float


async def warm_up(client: Client, *, within: timedelta = WARMUP_TIMEOUT) -> WarmUp:
    """Run one commitment workflow to its first view on a private queue, then remove it.

    Args:
        client: the worker's Temporal client.
        within: how long the warm-up may take; the workflow also ends by itself after it.

    Returns:
        The workflow it ran and the seconds it took.

    Raises:
        RPCError: when Temporal does not answer (the worker could not be ready anyway).
        temporalio.client.WorkflowQueryFailedError: when the view cannot be read.
    """
    started = time.monotonic()
    suffix = uuid.uuid4().hex
    task_queue = f"{WARMUP_PREFIX}{suffix}"
    start = warmup_input(datetime.now(UTC), f"{WARMUP_PREFIX}{suffix}")
    workflow_id = start.commitment_id
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[CommitmentWorkflow],
        workflow_runner=workflow_runner(),
    )
    async with worker:
        handle = await client.start_workflow(
            CommitmentWorkflow.run,
            start,
            id=workflow_id,
            task_queue=task_queue,
            # Should this process die mid-way, the workflow still ends by itself.
            execution_timeout=within,
            search_attributes=initial_search_attributes(start),
        )
        try:
            await handle.query(
                VIEW_QUERY, result_type=CommitmentView, rpc_timeout=within - _CALL_TIMEOUT
            )
        finally:
            await handle.terminate("warm-up done", rpc_timeout=_CALL_TIMEOUT)
    await _delete(client, workflow_id)
    seconds = time.monotonic() - started
    log.info("worker_warmed_up", seconds=round(seconds, 3))
    return WarmUp(workflow_id, seconds)


async def _delete(client: Client, workflow_id: str) -> None:
    try:
        await client.workflow_service.delete_workflow_execution(
            DeleteWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(workflow_id=workflow_id),
            ),
            timeout=_CALL_TIMEOUT,
        )
    except RPCError as exc:
        # Terminated already; left for the namespace's retention to remove.
        log.warning("warmup_not_deleted", reason=exc.message)
