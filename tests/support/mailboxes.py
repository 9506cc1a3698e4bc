"""People's mail in the sandbox: read straight from its store, or through Graph, and sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from activities.messaging.activities import IDEMPOTENCY_PROPERTY
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer
from tests.support.people import AGENT

# --- Straight from the sandbox's store (it runs in the test's process) ---------------------


def mailbox(sandbox: SandboxServer, address: str, folder: str = "inbox") -> list[dict[str, Any]]:
    """Messages in one of a person's folders, oldest first."""
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    folder_id = folder_id_for(user_id, folder)
    messages = [
        message
        for message in sandbox.state.store.list("messages", user_id)
        if message["parentFolderId"] == folder_id
    ]
    return sorted(messages, key=lambda message: message["receivedDateTime"])


def from_agent(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """What Accord has sent to a person, oldest first."""
    return [
        message
        for message in mailbox(sandbox, address)
        if message["from"]["emailAddress"]["address"] == AGENT
        and message.get("@odata.type") == "#microsoft.graph.message"
    ]


def events_of(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """A person's calendar events."""
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return sandbox.state.store.list("events", user_id)


def received_at(message: dict[str, Any]) -> datetime:
    """When a message arrived."""
    return datetime.fromisoformat(str(message["receivedDateTime"]).replace("Z", "+00:00"))


def newest(sandbox: SandboxServer, address: str, folder: str = "inbox") -> dict[str, Any]:
    """The newest message in a folder."""
    return mailbox(sandbox, address, folder)[-1]


def inbox_from_agent(sandbox: SandboxServer, address: str) -> list[dict[str, object]]:
    """What Accord has sent to a person's inbox, in the store's order (any kind of item)."""
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    inbox = folder_id_for(user_id, "inbox")
    return [
        message
        for message in sandbox.state.store.list("messages", user_id)
        if message["parentFolderId"] == inbox
        and message["from"]["emailAddress"]["address"] == AGENT
    ]


# --- Through Graph -------------------------------------------------------------------------


def _to(*addresses: str) -> list[Recipient]:
    return [Recipient(email_address=EmailAddress(address=address)) for address in addresses]


async def send_as(
    graph: GraphServiceClient,
    sender: str,
    *,
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
) -> None:
    """Send a plain-text email through Graph as a person of the tenant."""
    message = Message(
        subject=subject,
        body=ItemBody(content_type=BodyType.Text, content=body),
        to_recipients=_to(*to),
        cc_recipients=_to(*cc),
    )
    await graph.users.by_user_id(sender).send_mail.post(
        SendMailPostRequestBody(message=message, save_to_sent_items=True)
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
