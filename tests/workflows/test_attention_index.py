"""The commitment indexes what it needs (``AccordAttention``) as its status and answers change.

On the real dev server, whose visibility knows Accord's search attributes: the time-skipping
test server refuses a start that sets them unless told of them, and cannot list by them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.attention import Attention
from domain.models import CheckInAnswer, Person
from sandbox.server import SandboxServer
from tests.support.lifecycle import (
    act,
    both_round_the_clock,
    lifecycle_worker,
    spec_for,
)
from tests.support.people import SAM
from tests.support.polling import eventually
from workflows.commitment.client import initial_search_attributes
from workflows.commitment.contracts import (
    ATTENTION_KEY,
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    workflow_id_for,
)
from workflows.commitment.workflow import CommitmentWorkflow


def _indexed_as(
    handle: WorkflowHandle[CommitmentWorkflow, CommitmentView], attention: Attention
) -> Callable[[], object]:
    async def check() -> bool:
        description = await handle.describe()
        return description.typed_search_attributes.get(ATTENTION_KEY) == attention.value

    return check


async def test_the_index_follows_the_status_and_the_latest_answer(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    now = await both_round_the_clock(dev_server, graph)
    client = dev_server.client
    start = CommitmentInput(
        commitment_id=uuid.uuid4().hex[:12],
        spec=spec_for(Person(email=SAM, display_name="Sam Okafor"), now + timedelta(days=20)),
        created_at=now,
        grace_period=timedelta(hours=4),
    )
    async with lifecycle_worker(client, task_queue, sandbox, graph):
        handle = await client.start_workflow(
            CommitmentWorkflow.run,
            start,
            id=workflow_id_for(start.commitment_id),
            task_queue=task_queue,
            search_attributes=initial_search_attributes(start),
        )
        await eventually(_indexed_as(handle, Attention.WAITING))

        await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
        await eventually(_indexed_as(handle, Attention.UNDER_WAY))

        blocked = CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.BLOCKED, note="Waiting on IT")
        await act(handle, CommitmentWorkflow.check_in, blocked)
        await eventually(_indexed_as(handle, Attention.NEEDS_A_HAND))

        await act(
            handle,
            CommitmentWorkflow.check_in,
            CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.ON_TRACK),
        )
        await eventually(_indexed_as(handle, Attention.UNDER_WAY))

        await act(handle, CommitmentWorkflow.complete, Complete(actor=SAM))
        await eventually(_indexed_as(handle, Attention.DONE))
        await handle.result()
