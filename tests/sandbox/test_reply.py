"""``POST /users/{id}/messages/{id}/reply``: a reply in the same conversation, as in Graph."""

from __future__ import annotations

from typing import Any

import pytest
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from activities.messaging.activities import IDEMPOTENCY_PROPERTY
from sandbox.server import SandboxServer
from tests.support.mailboxes import mailbox, send_as
from tests.support.people import MANAGER, SAM


async def sent_to_sam(sandbox: SandboxServer, graph: GraphServiceClient) -> dict[str, Any]:
    await send_as(graph, MANAGER, to=[SAM], cc=[], subject="Q1 budget", body="Could you?")
    return mailbox(sandbox, SAM)[-1]


async def test_a_reply_goes_to_the_sender_in_the_same_conversation(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    original = await sent_to_sam(sandbox, graph)

    await (
        graph.users.by_user_id(SAM)
        .messages.by_message_id(original["id"])
        .reply.post(ReplyPostRequestBody(comment="Friday works."))
    )

    reply = mailbox(sandbox, MANAGER)[-1]
    assert reply["subject"] == "RE: Q1 budget"
    assert reply["conversationId"] == original["conversationId"]
    assert reply["from"]["emailAddress"]["address"] == SAM
    content = reply["body"]["content"]
    assert content.startswith("Friday works.")
    assert "From: " in content and "Could you?" in content  # the original, quoted below
    sent = mailbox(sandbox, SAM, "sentitems")[-1]
    assert sent["conversationId"] == original["conversationId"]


async def test_a_reply_carries_its_headers_and_keeps_its_property_in_sent_items(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    original = await sent_to_sam(sandbox, graph)
    message = Message(
        body=ItemBody(content_type=BodyType.Html, content="<p>Friday works.</p>"),
        internet_message_headers=[InternetMessageHeader(name="x-accord-key", value="k-1")],
        single_value_extended_properties=[
            SingleValueLegacyExtendedProperty(id=IDEMPOTENCY_PROPERTY, value="k-1")
        ],
    )

    await (
        graph.users.by_user_id(SAM)
        .messages.by_message_id(original["id"])
        .reply.post(ReplyPostRequestBody(message=message))
    )

    reply = mailbox(sandbox, MANAGER)[-1]
    names = {header["name"].lower() for header in reply["internetMessageHeaders"]}
    assert {"x-accord-key", "in-reply-to"} <= names
    assert reply["body"]["contentType"] == "html"
    assert 'id="divRplyFwdMsg"' in reply["body"]["content"]
    sent = mailbox(sandbox, SAM, "sentitems")[-1]
    assert "internetMessageHeaders" not in sent
    assert any(prop["value"] == "k-1" for prop in sent["singleValueExtendedProperties"])


async def test_a_comment_and_a_body_together_are_refused(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    original = await sent_to_sam(sandbox, graph)
    both = ReplyPostRequestBody(
        comment="Friday.", message=Message(body=ItemBody(content_type=BodyType.Text, content="x"))
    )

    with pytest.raises(APIError) as refused:
        await graph.users.by_user_id(SAM).messages.by_message_id(original["id"]).reply.post(both)

    assert refused.value.response_status_code == 400
    assert mailbox(sandbox, MANAGER) == []


async def test_a_reply_to_a_missing_message_is_404(graph: GraphServiceClient) -> None:
    with pytest.raises(APIError) as missing:
        await (
            graph.users.by_user_id(SAM)
            .messages.by_message_id("nope")
            .reply.post(ReplyPostRequestBody(comment="Hi"))
        )

    assert missing.value.response_status_code == 404
