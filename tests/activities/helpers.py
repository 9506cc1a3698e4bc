"""Helpers for activity tests: reading mailboxes and steering the sandbox's fault injection."""

from __future__ import annotations

import random

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.message import Message
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient

from activities.contracts import OutgoingMessage
from activities.messaging import IDEMPOTENCY_PROPERTY
from domain.action_links import LinkAction
from domain.messages import MessageKind
from domain.models import Actor, CommitmentSpec
from sandbox.config import FaultConfig
from sandbox.faults import Fault
from sandbox.server import SandboxServer

FAULT_RATE = 0.5
# The order FaultInjector.failure_after_acceptance chooses from.
_FAILURES = [Fault.SERVICE_UNAVAILABLE, Fault.GATEWAY_TIMEOUT, Fault.DROP_CONNECTION]


def expectation_message(
    spec: CommitmentSpec, key: str = "commitment-1:expectation:1"
) -> OutgoingMessage:
    """The expectation to the owner of ``spec``, with Accept and Let's talk links."""
    return OutgoingMessage(
        idempotency_key=key,
        commitment_id="commitment-1",
        kind=MessageKind.EXPECTATION,
        recipient_role=Actor.OWNER,
        spec=spec,
        recipient_time_zone="America/New_York",
        actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
    )


async def folder(graph: GraphServiceClient, user: str, name: str) -> list[Message]:
    """Every message in one of a user's folders, headers included."""
    parameters = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        select=["subject", "from", "replyTo", "toRecipients", "body", "internetMessageHeaders"],
        top=500,
    )
    listed = (
        await graph.users.by_user_id(user)
        .mail_folders.by_mail_folder_id(name)
        .messages.get(RequestConfiguration(query_parameters=parameters))
    )
    assert listed is not None
    assert listed.value is not None
    return listed.value


async def sent_keys(graph: GraphServiceClient, user: str) -> list[str | None]:
    """The idempotency property of each message in a user's Sent Items, as Graph expands it."""
    parameters = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        expand=[f"singleValueExtendedProperties($filter=id eq '{IDEMPOTENCY_PROPERTY}')"],
        top=500,
    )
    listed = (
        await graph.users.by_user_id(user)
        .mail_folders.by_mail_folder_id("sentitems")
        .messages.get(RequestConfiguration(query_parameters=parameters))
    )
    assert listed is not None
    assert listed.value is not None
    keys: list[str | None] = []
    for message in listed.value:
        properties = message.single_value_extended_properties or []
        keys.append(properties[0].value if properties else None)
    return keys


def header(message: Message, name: str) -> str | None:
    """The value of one internet message header."""
    for found in message.internet_message_headers or []:
        if (found.name or "").lower() == name:
            return found.value
    return None


def fail_nth_request_after_acceptance(sandbox: SandboxServer, nth: int, failure: Fault) -> None:
    """Make the ``nth`` Graph request from now take effect, then fail the way ``failure`` says.

    The sandbox draws one random number per request; a seed whose first ``nth - 1`` draws pass
    and whose ``nth`` hits the accepted-then-failed rate steers the fault onto one request.
    """
    assert sandbox.state is not None
    for seed in range(100_000):
        draws = random.Random(seed)
        rolls = [draws.random() for _ in range(nth)]
        if any(roll < FAULT_RATE for roll in rolls[:-1]) or rolls[-1] >= FAULT_RATE:
            continue
        if draws.choice(_FAILURES) is not failure:
            continue
        faults = FaultConfig(accepted_then_failed_rate=FAULT_RATE, seed=seed)
        sandbox.state.update_config(sandbox.state.config.model_copy(update={"faults": faults}))
        return
    raise AssertionError("no seed steers the fault onto that request")


def faults_off(sandbox: SandboxServer) -> None:
    """Stop injecting faults."""
    assert sandbox.state is not None
    sandbox.state.update_config(sandbox.state.config.model_copy(update={"faults": FaultConfig()}))
