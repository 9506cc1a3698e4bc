"""The worker's mail pacing end to end: commitments past a mailbox's rate are sent later, once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from activities.messaging.activities import IDEMPOTENCY_HEADER
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MailboxPacer, PacingLimits
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.lifecycle import commitment_input
from tests.support.mailboxes import inbox_from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from worker import build_worker
from workflows.commitment.contracts import workflow_id_for
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
