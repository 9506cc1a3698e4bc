"""send_message against a live sandbox: rendering, action links, and exactly-once delivery."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.message import Message
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.messaging.activities import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PROPERTY,
    MessagingActivities,
    carries_key,
)
from activities.messaging.contracts import OutgoingMessage, SentMessage
from domain.action_links import LinkAction, LinkKeyRing
from domain.messages.kinds import MessageKind
from domain.models import Actor, CheckInAnswer, CommitmentSpec
from sandbox.config import LimitsConfig
from sandbox.faults import Fault
from sandbox.server import SandboxServer
from tests.support.mailboxes import folder, header, sent_keys
from tests.support.messaging import PUBLIC_URL, expectation_message
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.sandbox import fail_nth_request_after_acceptance, faults_off

_LINK = re.compile(rf'href="({re.escape(PUBLIC_URL)}/a/([^"]+))"')


async def _send(messaging: MessagingActivities, message: OutgoingMessage) -> SentMessage:
    return await ActivityEnvironment().run(messaging.send_message, message)


async def test_expectation_reaches_the_owner_with_working_links(
    messaging: MessagingActivities,
    graph: GraphServiceClient,
    key_ring: LinkKeyRing,
    spec: CommitmentSpec,
) -> None:
    message = expectation_message(spec)
    sent = await _send(messaging, message)
    assert sent == SentMessage(
        idempotency_key=message.idempotency_key, recipient=SAM, already_sent=False
    )

    inbox = await folder(graph, SAM, "inbox")
    assert len(inbox) == 1
    received = inbox[0]
    assert received.from_ is not None
    assert received.from_.email_address is not None
    assert received.from_.email_address.address == AGENT
    assert received.subject
    assert spec.title in received.subject
    assert [r.email_address.address for r in received.reply_to or [] if r.email_address] == [
        MANAGER
    ]
    assert header(received, IDEMPOTENCY_HEADER) == message.idempotency_key
    assert received.body is not None
    assert received.body.content is not None
    links = dict(_LINK.findall(received.body.content))
    assert len(links) == 2
    claims = [key_ring.verify(token, datetime.now(UTC)) for token in links.values()]
    assert {c.action for c in claims} == {LinkAction.ACCEPT, LinkAction.TALK}
    for claim in claims:
        assert claim.commitment_id == "commitment-1"
        assert claim.person == SAM
        field = "accept_url" if claim.action is LinkAction.ACCEPT else "talk_url"
        assert claim.link_id == f"{message.idempotency_key}:{field}"
        assert claim.expires_at > datetime.now(UTC) + timedelta(days=20)

    # As in Exchange Online, the Sent Items copy has no internet headers: the key is found
    # again through the extended property.
    sent_items = await folder(graph, AGENT, "sentitems")
    assert [header(m, IDEMPOTENCY_HEADER) for m in sent_items] == [None]
    assert [m.single_value_extended_properties for m in sent_items] == [None]
    assert await sent_keys(graph, AGENT) == [message.idempotency_key]


async def test_a_message_to_the_manager_renders_its_details(
    messaging: MessagingActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    # Details arrive as JSON through Temporal's payload converter; the context reads them back.
    message = OutgoingMessage(
        idempotency_key="commitment-1:heads-up:1",
        commitment_id="commitment-1",
        kind=MessageKind.MANAGER_HEADS_UP,
        recipient_role=Actor.MANAGER,
        spec=spec,
        recipient_time_zone="Europe/London",
        details={"answer": CheckInAnswer.BLOCKED.value, "owner_note": "Waiting on finance"},
        actions={"conversation_url": LinkAction.REQUEST_CONVERSATION},
    )
    sent = await _send(messaging, message)
    assert sent.recipient == MANAGER
    [received] = await folder(graph, MANAGER, "inbox")
    assert received.body is not None
    assert "Waiting on finance" in str(received.body.content)
    # Replies to the manager's own messages need no redirect to the manager.
    assert not received.reply_to
    assert await folder(graph, SAM, "inbox") == []


async def test_one_key_sends_once(
    messaging: MessagingActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    first = await _send(messaging, expectation_message(spec))
    second = await _send(messaging, expectation_message(spec))
    assert (first.already_sent, second.already_sent) == (False, True)
    assert len(await folder(graph, SAM, "inbox")) == 1
    third = await _send(messaging, expectation_message(spec, key="commitment-1:expectation:2"))
    assert third.already_sent is False
    assert len(await folder(graph, SAM, "inbox")) == 2


@pytest.mark.parametrize(
    ("failure", "error_type"),
    [
        (Fault.SERVICE_UNAVAILABLE, "GraphUnavailable"),
        (Fault.GATEWAY_TIMEOUT, "GraphUnavailable"),
        (Fault.DROP_CONNECTION, "GraphUnreachable"),
    ],
)
async def test_a_send_that_failed_after_acceptance_is_not_repeated(
    messaging: MessagingActivities,
    graph: GraphServiceClient,
    sandbox: SandboxServer,
    spec: CommitmentSpec,
    failure: Fault,
    error_type: str,
) -> None:
    # The activity's first request looks through Sent Items; its second is sendMail.
    fail_nth_request_after_acceptance(sandbox, 2, failure)
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, expectation_message(spec))
    assert caught.value.non_retryable is False
    assert caught.value.type == error_type
    faults_off(sandbox)
    assert len(await folder(graph, SAM, "inbox")) == 1
    # Only the extended property can tell the retry that the first attempt got through.
    [sent_copy] = await folder(graph, AGENT, "sentitems")
    assert sent_copy.internet_message_headers is None
    assert await sent_keys(graph, AGENT) == [expectation_message(spec).idempotency_key]

    retried = await _send(messaging, expectation_message(spec))
    assert retried.already_sent is True
    assert len(await folder(graph, SAM, "inbox")) == 1
    assert len(await folder(graph, AGENT, "sentitems")) == 1


async def test_an_unknown_sender_mailbox_fails_for_good(
    graph: GraphServiceClient, key_ring: LinkKeyRing, spec: CommitmentSpec
) -> None:
    messaging = MessagingActivities(
        graph, sender_mailbox="nobody@northwind.example", links=key_ring, public_url=PUBLIC_URL
    )
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, expectation_message(spec))
    assert caught.value.non_retryable is True
    assert caught.value.type == "GraphClientError"
    assert list(caught.value.details) == [404, "Request_ResourceNotFound"]


async def test_an_oversized_request_fails_for_good(
    messaging: MessagingActivities, sandbox: SandboxServer, spec: CommitmentSpec
) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(sandbox.state.config.model_copy(update={"max_body_bytes": 1024}))
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, expectation_message(spec))
    assert caught.value.non_retryable is True
    assert caught.value.details[0] == 413


@pytest.mark.parametrize(
    ("details", "actions", "field"),
    [
        ({}, {"accept_url": LinkAction.ACCEPT}, "talk_url"),
        (
            {"surprise": 1},
            {"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
            "surprise",
        ),
        ({"commitment": {}}, {}, "commitment"),
    ],
)
async def test_input_that_does_not_fit_the_kind_fails_for_good_without_content(
    messaging: MessagingActivities,
    graph: GraphServiceClient,
    spec: CommitmentSpec,
    details: dict[str, Any],
    actions: dict[str, LinkAction],
    field: str,
) -> None:
    message = expectation_message(spec).model_copy(update={"details": details, "actions": actions})
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, message)
    assert caught.value.non_retryable is True
    assert caught.value.type == "InvalidMessage"
    assert field in caught.value.message
    assert spec.title not in caught.value.message
    assert await folder(graph, AGENT, "sentitems") == []


async def test_the_31st_message_in_a_minute_is_throttled_with_retry_after(
    messaging: MessagingActivities,
    graph: GraphServiceClient,
    sandbox: SandboxServer,
    spec: CommitmentSpec,
) -> None:
    assert sandbox.state is not None
    assert sandbox.state.config.limits == LimitsConfig()
    for number in range(30):
        await _send(messaging, expectation_message(spec, key=f"commitment-1:bulk:{number}"))
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, expectation_message(spec, key="commitment-1:bulk:30"))
    error = caught.value
    assert error.type == "GraphThrottled"
    assert error.non_retryable is False
    assert list(error.details) == [429, "ErrorExceededMessageLimit"]
    assert error.next_retry_delay is not None
    # Retry-After (at most the minute) plus up to a fifth more, to spread the retries.
    assert timedelta(seconds=1) <= error.next_retry_delay <= timedelta(seconds=72)
    assert len(await folder(graph, SAM, "inbox")) == 30


async def test_a_message_to_the_system_fails_for_good(
    messaging: MessagingActivities, spec: CommitmentSpec
) -> None:
    message = expectation_message(spec).model_copy(update={"recipient_role": Actor.SYSTEM})
    with pytest.raises(ApplicationError) as caught:
        await _send(messaging, message)
    assert caught.value.non_retryable is True
    assert caught.value.type == "InvalidMessage"


def test_the_key_is_recognised_in_the_header_or_the_extended_property() -> None:
    # Exchange Online keeps no internet headers on Sent Items copies, but keeps the property;
    # a recipient's copy has the header.
    as_sent_items_keeps_it = Message(
        single_value_extended_properties=[
            SingleValueLegacyExtendedProperty(id=IDEMPOTENCY_PROPERTY.upper(), value="key-1")
        ]
    )
    as_a_recipient_gets_it = Message(
        internet_message_headers=[
            InternetMessageHeader(name="X-Accord-Idempotency-Key", value="key-1")
        ]
    )
    assert carries_key(as_sent_items_keeps_it, "key-1")
    assert carries_key(as_a_recipient_gets_it, "key-1")
    assert not carries_key(as_sent_items_keeps_it, "key-2")
    assert not carries_key(Message(), "key-1")


async def test_a_send_delayed_past_the_readers_working_window_is_deferred(
    messaging: MessagingActivities,
    graph: GraphServiceClient,
    sandbox: SandboxServer,
    spec: CommitmentSpec,
) -> None:
    assert sandbox.state is not None
    now = sandbox.state.clock.now()
    closed = expectation_message(spec).model_copy(update={"deliver_until": now})
    sent = await _send(messaging, closed)
    assert sent.deferred and not sent.already_sent
    assert await folder(graph, SAM, "inbox") == []
    # The next morning the same message, with the same key, goes out once.
    open_window = closed.model_copy(update={"deliver_until": now + timedelta(hours=1)})
    sent = await _send(messaging, open_window)
    assert not sent.deferred
    assert len(await folder(graph, SAM, "inbox")) == 1
