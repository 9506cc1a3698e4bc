"""Sending under Exchange's per-mailbox limits with the worker's pacer; several mailboxes."""

from __future__ import annotations

import asyncio
import dataclasses

from msgraph.graph_service_client import GraphServiceClient
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.messaging.activities import MessagingActivities
from activities.messaging.contracts import OutgoingMessage, SentMessage
from domain.action_links import LinkKeyRing
from domain.models import CommitmentSpec
from domain.sending import sender_for
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MAILBOX_BUSY, MailboxPacer, PacingLimits
from sandbox.config import LimitsConfig
from sandbox.server import SandboxServer
from tests.support.mailboxes import folder, sent_keys
from tests.support.messaging import PUBLIC_URL, expectation_message
from tests.support.people import AGENT, LUKAS, MANAGER, PRIYA, SAM

# Exchange's limits, their minute shrunk to 2 s so a burst past 30 messages takes seconds.
TIME_SCALE = 30.0


async def _send_until_done(messaging: MessagingActivities, message: OutgoingMessage) -> int:
    """Run the activity as Temporal would retry it on MailboxBusy; return the attempts."""
    environment = ActivityEnvironment()
    for attempt in range(1, 10):
        environment.info = dataclasses.replace(environment.info, attempt=attempt)
        try:
            await environment.run(messaging.send_message, message)
            return attempt
        except ApplicationError as error:
            if error.type != MAILBOX_BUSY or error.next_retry_delay is None:
                raise
            delay = error.next_retry_delay
        await asyncio.sleep(delay.total_seconds())
    raise AssertionError("never sent")


async def test_a_burst_past_the_message_rate_gets_no_429_and_arrives_once_each(
    sandbox: SandboxServer,
    graph_credential: SandboxClientCredential,
    graph: GraphServiceClient,
    key_ring: LinkKeyRing,
    spec: CommitmentSpec,
) -> None:
    state = sandbox.state
    assert state is not None
    state.update_config(
        state.config.model_copy(update={"limits": LimitsConfig(time_scale=TIME_SCALE)})
    )
    minute = 60.0 / TIME_SCALE
    # A short longest wait, so part of the burst is booked and handed back as Temporal would.
    pacer = MailboxPacer(PacingLimits(minute=minute, max_wait=minute / 4))
    paced = build_graph_client(GraphConnection(sandbox.graph_url, graph_credential, pacer=pacer))
    messaging = MessagingActivities(
        paced, sender_mailbox=AGENT, links=key_ring, public_url=PUBLIC_URL, pacer=pacer
    )
    keys = [f"commitment-1:burst:{n}" for n in range(45)]
    attempts = await asyncio.gather(
        *(_send_until_done(messaging, expectation_message(spec, key)) for key in keys)
    )
    assert state.limits.throttled_count == 0
    assert max(attempts) > 1  # some were booked for the next minute
    assert sorted(key or "" for key in await sent_keys(graph, AGENT)) == sorted(keys)
    assert len(await folder(graph, SAM, "inbox")) == 45


async def test_people_hear_from_their_own_sending_mailbox_exactly_once(
    graph: GraphServiceClient, key_ring: LinkKeyRing, spec: CommitmentSpec
) -> None:
    mailboxes = [AGENT, PRIYA, LUKAS]
    messaging = MessagingActivities(
        graph,
        sender_mailbox=AGENT,
        sending_mailboxes=mailboxes,
        links=key_ring,
        public_url=PUBLIC_URL,
    )
    message = expectation_message(spec, "commitment-1:expectation:1")
    environment = ActivityEnvironment()
    first: SentMessage = await environment.run(messaging.send_message, message)
    again: SentMessage = await environment.run(messaging.send_message, message)
    assert (first.already_sent, again.already_sent) == (False, True)
    chosen = sender_for(SAM, mailboxes)
    assert messaging.sender_for(SAM) == chosen
    assert await sent_keys(graph, chosen) == [message.idempotency_key]
    for other in set(mailboxes) - {chosen}:
        assert await sent_keys(graph, other) == []
    [received] = await folder(graph, SAM, "inbox")
    assert received.from_ is not None and received.from_.email_address is not None
    assert received.from_.email_address.address == chosen
    assert MANAGER not in mailboxes
