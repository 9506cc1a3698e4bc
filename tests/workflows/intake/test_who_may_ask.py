"""Intake by email: a sender who is not above the owner starts nothing (issue 15, item 1).

Real activities against the sandbox on the time-skipping server, as in test_intake.py: Jun
(Omar's team) emails Sam, copying Accord. Jun gets one kind reply naming who can (Maya, Sam's
manager), nothing reaches Sam after the grace window, and the thread remembers it refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from sandbox.server import SandboxServer
from tests.support.intake import (
    ASK,
    INTAKE_GRACE,
    INTAKE_ID_KEY,
    from_agent,
    in_agent_inbox,
    intake,
    thread_handle,
    view_of,
)
from tests.support.mailboxes import newest, send_as
from tests.support.people import AGENT, JUN, SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import workflow_id_for
from workflows.intake.contracts import IntakeStatus, commitment_id_for, thread_key

GRACE = INTAKE_GRACE


@pytest.mark.usefixtures("intake_worker")
async def test_mail_from_someone_not_above_the_owner_starts_nothing(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await send_as(graph, JUN, to=[SAM], cc=[AGENT], subject="Q1 budget", body=ASK)
    email = newest(sandbox, AGENT)

    assert await intake(temporal, task_queue, in_agent_inbox(email["id"])) == "delivered"
    thread = thread_handle(temporal, email)

    async def refused() -> bool:
        return (await view_of(thread)).status is IntakeStatus.REFUSED

    await eventually(refused, timeout=30)
    view = await view_of(thread)
    assert view.proposals == []
    [reply] = await eventually(lambda: from_agent(sandbox, JUN))
    text = reply["body"]["content"]
    assert reply["subject"] == "RE: Q1 budget"
    assert "Maya Chen, Sam Okafor" in text and "manager, can set this one" in text
    assert "Confirm" not in text  # nothing to act on
    await temporal_env.sleep(GRACE + timedelta(minutes=1))
    assert from_agent(sandbox, SAM) == []
    assert len(from_agent(sandbox, JUN)) == 1  # the reply only, never a confirmation
    key = thread_key(AGENT, email["conversationId"], email["id"], key=INTAKE_ID_KEY)
    with pytest.raises(RPCError):
        await temporal.get_workflow_handle(workflow_id_for(commitment_id_for(key, 0))).describe()
    await thread.terminate("test over")
