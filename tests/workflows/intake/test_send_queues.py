"""Intake's mail keeps to Exchange's rate with the rest: it goes out on its mailbox's send queue.

Only a worker on Accord's mailbox's send queue can submit mail here, as in production with
per-mailbox queues on (issue 19): an answer or confirmation the workflow scheduled on its own
queue would find no activity and never arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.worker import Worker

from sandbox.server import SandboxServer
from tests.support.intake import (
    ASK,
    from_agent,
    in_agent_inbox,
    intake,
    intake_worker_on,
    thread_handle,
    view_in_status,
)
from tests.support.mailboxes import newest, send_as
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from workflows.intake.contracts import IntakeStatus

FYI = "Hi Sam,\n\nFYI, no action needed: the slides from Monday are in the shared folder.\n\nMaya"


@pytest_asyncio.fixture(loop_scope="session")
async def queued_worker(
    temporal: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[Worker]:
    """The intake worker whose mail is submitted only from the send queue's worker."""
    async with intake_worker_on(temporal, task_queue, sandbox, graph, send_queues=True) as worker:
        yield worker


async def test_intake_answers_and_confirmations_go_out_on_the_agent_mailboxs_send_queue(
    temporal: Client,
    queued_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Slides", body=FYI)
    fyi = newest(sandbox, AGENT)
    assert await intake(temporal, task_queue, in_agent_inbox(fyi["id"])) == "delivered"
    [answer] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert answer["conversationId"] == fyi["conversationId"]

    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Q1 budget", body=ASK)
    ask = newest(sandbox, AGENT)
    assert await intake(temporal, task_queue, in_agent_inbox(ask["id"])) == "delivered"
    thread = thread_handle(temporal, ask)
    await eventually(lambda: view_in_status(thread, IntakeStatus.CONFIRMING), timeout=30)
    confirmations = await eventually(
        lambda: [m for m in from_agent(sandbox, MANAGER) if m["id"] != answer["id"]]
    )
    assert len(confirmations) == 1
    await thread.terminate("test over")
    await thread_handle(temporal, fyi).terminate("test over")
