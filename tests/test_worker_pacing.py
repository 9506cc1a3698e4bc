"""The worker's mail pacing end to end: commitments past a mailbox's rate are sent later, once.

With per-mailbox send queues, Temporal's matching service holds a mailbox's rate whatever the
number of worker processes: three ``accord worker`` processes share one mailbox's sends, and
the sends are dispatched no faster than the rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from activities.messaging.activities import IDEMPOTENCY_HEADER
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MailboxPacer, PacingLimits
from sandbox.launcher.up import ONE_PARTITION_PER_QUEUE
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.lifecycle import commitment_input
from tests.support.mailboxes import inbox_from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from tests.support.temporal import venv_binary
from tests.support.worker_process import spawn_worker, worker_env
from worker import build_worker
from workflows.commitment.contracts import SEARCH_ATTRIBUTE_KEYS, workflow_id_for
from workflows.commitment.workflow import CommitmentWorkflow

# One message per (2-second) minute, and at most half a second of waiting inside an activity:
# the second and third expectations are booked and handed back to Temporal.
LIMITS = PacingLimits(messages_per_minute=1, minute=2.0, max_wait=0.5)


@pytest.fixture
async def credential(reachable_sandbox: SandboxServer) -> AsyncIterator[SandboxClientCredential]:
    assert reachable_sandbox.state is not None
    async with SandboxClientCredential(
        reachable_sandbox.url,
        reachable_sandbox.state.tenant.tenant_id,
        DEMO_CLIENT_ID,
        "test-only-client-secret",
    ) as found:
        yield found


@pytest.mark.e2e
async def test_commitments_past_the_mailbox_rate_are_sent_in_later_turns_once_each(
    dev_server: WorkflowEnvironment,
    reachable_sandbox: SandboxServer,
    credential: SandboxClientCredential,
    task_queue: str,
    tmp_path: Path,
) -> None:
    pacer = MailboxPacer(LIMITS)
    graph = build_graph_client(
        GraphConnection(reachable_sandbox.graph_url, credential, pacer=pacer)
    )
    settings = AccordSettings(data_dir=tmp_path, temporal_task_queue=task_queue)
    client = dev_server.client
    worker = await build_worker(settings, client, graph, pacer=pacer)
    ids = [uuid.uuid4().hex[:12] for _ in range(3)]
    async with worker:
        handles = [
            await client.start_workflow(
                CommitmentWorkflow.run,
                commitment_input(commitment_id),
                id=workflow_id_for(commitment_id),
                task_queue=task_queue,
            )
            for commitment_id in ids
        ]

        def all_three() -> list[dict[str, object]]:
            mail = inbox_from_agent(reachable_sandbox, SAM)
            return mail if len(mail) >= 3 else []

        received = await eventually(all_three, timeout=60)
        send_attempts = []
        for handle in handles:
            async for event in handle.fetch_history_events():
                if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                    send_attempts.append(event.activity_task_started_event_attributes.attempt)
        for handle in handles:
            await handle.terminate("test over")
    # Booked turns came back as later attempts of the same activity; nothing went twice.
    assert max(send_attempts) > 1
    assert len({_key(message) for message in received}) == len(received) == 3
    sent = sorted(datetime.fromisoformat(str(message["sentDateTime"])) for message in received)
    # One a (2-second) minute, each counted from its answer: at least two minutes in all.
    assert sent[-1] - sent[0] >= timedelta(seconds=3.5)


def _key(message: dict[str, object]) -> str:
    headers = message.get("internetMessageHeaders")
    assert isinstance(headers, list)
    return next(str(h["value"]) for h in headers if h["name"] == IDEMPOTENCY_HEADER)


# A message a second per mailbox across all the workers: fast enough for a test, slow enough
# that three workers unpaced would send the burst within a second or two.
RATE_PER_MINUTE = 60
BURST = 8


async def _send_dispatches(handle: WorkflowHandle[Any, Any]) -> list[tuple[float, str]]:
    """When Temporal dispatched each attempt of the run's send activities, and to whom."""
    sends: set[int] = set()
    found: list[tuple[float, str]] = []
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name == "send_message":
                sends.add(event.event_id)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            started = event.activity_task_started_event_attributes
            if started.scheduled_event_id in sends:
                found.append((event.event_time.ToDatetime().timestamp(), started.identity))
    return found


@pytest.fixture
async def one_partition_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        dev_server_extra_args=ONE_PARTITION_PER_QUEUE,
        search_attributes=list(SEARCH_ATTRIBUTE_KEYS),
        data_converter=data_converter,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.mark.e2e
async def test_three_workers_keep_one_mailbox_to_its_rate_through_its_send_queue(
    one_partition_server: WorkflowEnvironment,
    reachable_sandbox: SandboxServer,
    payload_key: bytes,
    task_queue: str,
    tmp_path: Path,
) -> None:
    client = one_partition_server.client
    env = {
        **worker_env(client, task_queue, payload_key, reachable_sandbox, tmp_path / "accord"),
        "ACCORD_MAIL_MESSAGES_PER_MINUTE": str(RATE_PER_MINUTE),
        "ACCORD_INTAKE_ENABLED": "false",
    }
    processes = [await spawn_worker(env, tmp_path / f"worker-{number}.log") for number in range(3)]
    handles = []
    try:
        for _ in range(BURST):
            commitment_id = uuid.uuid4().hex[:12]
            handles.append(
                await client.start_workflow(
                    CommitmentWorkflow.run,
                    commitment_input(commitment_id),
                    id=workflow_id_for(commitment_id),
                    task_queue=task_queue,
                )
            )

        async def all_sent() -> list[tuple[float, str]]:
            dispatches = [found for handle in handles for found in await _send_dispatches(handle)]
            return dispatches if len(dispatches) >= BURST else []

        dispatches = sorted(await eventually(all_sent, timeout=90, interval=0.5))
    finally:
        for handle in handles:
            with contextlib.suppress(Exception):
                await handle.terminate("test over")
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(process.wait() for process in processes))
    times = [at for at, _identity in dispatches]
    # More than one process took sends, so the limit held across processes, not in one.
    assert len({identity for _at, identity in dispatches}) >= 2
    # Temporal's token bucket lets the first go at once; after that one a second at most.
    interval = 60 / RATE_PER_MINUTE
    assert times[-1] - times[0] >= (len(times) - 2) * interval * 0.9
    for first, later in zip(times, times[2:], strict=False):
        assert later - first >= interval * 0.9
    assert reachable_sandbox.state is not None
    assert reachable_sandbox.state.limits.throttled_count == 0
