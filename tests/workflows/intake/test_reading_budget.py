"""Mail whose reading runs past its time budget: the sender hears so, and nothing starts.

Issue 15, item 3: reading runs in a worker process with a time budget. Here every reading
of an email spins (a stand-in for a pattern that never ends) in a real pool; the budget stops
it, Maya gets a reply in her thread saying Accord could not read it, with "Track this", and
mail Accord never answers (from outside the organisation) stays unanswered.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.worker import Worker

from integrations.reading_pool import ReadingPool
from sandbox.server import SandboxServer
from tests.support.inbound_mail import deliver_from_internet
from tests.support.intake import (
    ASK,
    from_agent,
    in_agent_inbox,
    intake,
    intake_worker_on,
    thread_handle,
    view_of,
)
from tests.support.mailboxes import newest, send_as
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.slow_reading import SpinningReading, echo
from workflows.intake.contracts import IntakeStatus


@pytest_asyncio.fixture(loop_scope="session")
async def slow_worker(
    temporal: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[Worker]:
    """Every real activity, but reading an email spins until its budget stops it."""
    pool = ReadingPool(
        budget=timedelta(seconds=0.5), processes=1, preload=("tests.support.slow_reading",)
    )
    await pool.run(echo, "warm")
    reading = SpinningReading(pool, frozenset({"read_email"}))
    try:
        async with intake_worker_on(temporal, task_queue, sandbox, graph, reading=reading) as w:
            yield w
    finally:
        await pool.close()


async def test_mail_too_slow_to_read_gets_a_reply_saying_so_and_starts_nothing(
    temporal: Client,
    slow_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Q1 budget", body=ASK)
    email = newest(sandbox, AGENT)

    assert await intake(temporal, task_queue, in_agent_inbox(email["id"])) == "delivered"

    [answer] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert (await view_of(thread_handle(temporal, email))).status is IntakeStatus.NO_REQUEST
    assert answer["conversationId"] == email["conversationId"]
    text = html.unescape(re.sub(r"<[^>]+>", " ", answer["body"]["content"]))
    assert "couldn't read it" in text
    assert "haven't set anything up" in text
    assert "Track this" in text  # nothing is lost: the sender can still track it
    assert from_agent(sandbox, SAM) == []

    # Mail Accord never answers stays unanswered, however long it would take to read.
    await deliver_from_internet(
        sandbox, sender="partner@fabrikam.example", to=[AGENT], subject="Hello", body=ASK
    )
    outsider = newest(sandbox, AGENT)
    assert await intake(temporal, task_queue, in_agent_inbox(outsider["id"])) == "outside_tenant"
    assert len(from_agent(sandbox, MANAGER)) == 1


async def test_mail_too_long_to_read_gets_a_reply_saying_so_and_starts_nothing(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # Longer than the worker reads (the helper's 200,000 characters): never parsed, but the
    # sender hears so instead of silence.
    body = ASK + "\n\n" + "Background notes. " * 12_000
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Q1 budget", body=body)
    email = newest(sandbox, AGENT)

    assert await intake(temporal, task_queue, in_agent_inbox(email["id"])) == "delivered"

    [answer] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert (await view_of(thread_handle(temporal, email))).status is IntakeStatus.NO_REQUEST
    text = html.unescape(re.sub(r"<[^>]+>", " ", answer["body"]["content"]))
    assert "couldn't read it" in text
    assert "Track this" in text
    assert from_agent(sandbox, SAM) == []
