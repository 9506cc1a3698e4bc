"""Mail through the real Graph SDK against a live sandbox."""

from __future__ import annotations

import pytest
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from tests.conftest import MANAGER, SAM


def _message(to: str, subject: str) -> Message:
    return Message(
        subject=subject,
        body=ItemBody(content_type=BodyType.Html, content="<p>Hello <b>there</b></p>"),
        to_recipients=[Recipient(email_address=EmailAddress(address=to))],
        internet_message_headers=[
            InternetMessageHeader(name="x-accord-idempotency-key", value="k-1")
        ],
    )


async def test_sent_mail_arrives_in_the_recipients_inbox(graph: GraphServiceClient) -> None:
    await graph.users.by_user_id(MANAGER).send_mail.post(
        SendMailPostRequestBody(message=_message(SAM, "The budget"), save_to_sent_items=True)
    )
    inbox = await graph.users.by_user_id(SAM).mail_folders.by_mail_folder_id("inbox").messages.get()
    assert inbox is not None and inbox.value is not None
    assert [m.subject for m in inbox.value] == ["The budget"]
    received = inbox.value[0]
    assert received.is_read is False
    assert received.from_ is not None and received.from_.email_address is not None
    assert received.from_.email_address.address == MANAGER
    sent = (
        await graph.users.by_user_id(MANAGER)
        .mail_folders.by_mail_folder_id("sentitems")
        .messages.get()
    )
    assert sent is not None and sent.value is not None and len(sent.value) == 1


async def test_unknown_property_is_refused_in_graphs_shape(graph: GraphServiceClient) -> None:
    message = _message(SAM, "x")
    message.additional_data = {"colour": "blue"}
    with pytest.raises(APIError) as caught:
        await graph.users.by_user_id(MANAGER).send_mail.post(
            SendMailPostRequestBody(message=message)
        )
    assert caught.value.response_status_code == 400
