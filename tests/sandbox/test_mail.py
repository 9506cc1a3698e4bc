"""Mail through the real Graph SDK against a live sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.generated.users.item.messages.item.message_item_request_builder import (
    MessageItemRequestBuilder,
)
from msgraph.generated.users.item.messages.messages_request_builder import (
    MessagesRequestBuilder as AllMessagesRequestBuilder,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from domain.intake.screening import sender_is_authenticated
from sandbox.errors import GraphError
from sandbox.extended_properties import checked_properties, property_key
from sandbox.odata import Comparison, Expansion, parse_expand
from sandbox.server import SandboxServer
from tests.support.inbound_mail import deliver_from_internet
from tests.support.mailboxes import mailbox
from tests.support.people import MANAGER, SAM
from tests.support.sandbox import raw_client, send_mail_body

KEY_PROPERTY = "String {9a03eba4-b327-4cea-b748-28a68e4256c1} Name AccordIdempotencyKey"
# The same property as Exchange matches it: type, GUID and keyword without regard to case.
KEY_PROPERTY_RESPELT = "string {9A03EBA4-B327-4CEA-B748-28A68E4256C1} name AccordIdempotencyKey"
OTHER_PROPERTY = "String {9a03eba4-b327-4cea-b748-28a68e4256c1} Name Other"


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


# Sent Items and inbox copies: internet headers and extended properties, as in Exchange Online


def _expand(*ids: str) -> str:
    if not ids:
        return "singleValueExtendedProperties"
    terms = " or ".join(f"id eq '{property_id}'" for property_id in ids)
    return f"singleValueExtendedProperties($filter={terms})"


def _marked(to: str, subject: str) -> Message:
    message = _message(to, subject)
    message.single_value_extended_properties = [
        SingleValueLegacyExtendedProperty(id=KEY_PROPERTY, value="k-1"),
        SingleValueLegacyExtendedProperty(id=OTHER_PROPERTY, value="other"),
    ]
    return message


async def _folder(
    graph: GraphServiceClient, user: str, folder: str, expand: str | None = None
) -> list[Message]:
    parameters = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        select=["subject", "internetMessageHeaders"],
        expand=[expand] if expand else None,
    )
    listed = (
        await graph.users.by_user_id(user)
        .mail_folders.by_mail_folder_id(folder)
        .messages.get(RequestConfiguration(query_parameters=parameters))
    )
    assert listed is not None and listed.value is not None
    return listed.value


def _properties(message: Message) -> list[tuple[str | None, str | None]] | None:
    found = message.single_value_extended_properties
    return None if found is None else [(p.id, p.value) for p in found]


async def test_the_sent_items_copy_keeps_the_extended_property_but_no_headers(
    graph: GraphServiceClient,
) -> None:
    await graph.users.by_user_id(MANAGER).send_mail.post(
        SendMailPostRequestBody(message=_marked(SAM, "Marked"), save_to_sent_items=True)
    )
    # Exchange keeps no internet headers on the Sent Items copy, even when they are selected,
    # and returns extended properties only when they are expanded.
    [sent] = await _folder(graph, MANAGER, "sentitems")
    assert sent.subject == "Marked"
    assert sent.internet_message_headers is None
    assert sent.single_value_extended_properties is None

    [expanded] = await _folder(graph, MANAGER, "sentitems", _expand(KEY_PROPERTY))
    assert expanded.internet_message_headers is None
    assert _properties(expanded) == [(KEY_PROPERTY, "k-1")]
    [respelt] = await _folder(graph, MANAGER, "sentitems", _expand(KEY_PROPERTY_RESPELT))
    assert _properties(respelt) == [(KEY_PROPERTY, "k-1")]
    [both] = await _folder(graph, MANAGER, "sentitems", _expand(OTHER_PROPERTY, KEY_PROPERTY))
    assert _properties(both) == [(KEY_PROPERTY, "k-1"), (OTHER_PROPERTY, "other")]
    # Graph documents the string name as case-sensitive; a property the message lacks, or an
    # expansion without a filter (Graph cannot list every property), returns no collection.
    wrong_case = KEY_PROPERTY.replace("AccordIdempotencyKey", "accordidempotencykey")
    for expand in (
        _expand(wrong_case),
        _expand("Integer {9a03eba4-b327-4cea-b748-28a68e4256c1} Id 0x8001"),
        _expand(),
    ):
        [plain] = await _folder(graph, MANAGER, "sentitems", expand)
        assert plain.single_value_extended_properties is None

    # The same on get and on the list across folders.
    assert sent.id is not None
    one = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters(
        expand=[_expand(KEY_PROPERTY)]
    )
    got = await (
        graph.users.by_user_id(MANAGER)
        .messages.by_message_id(sent.id)
        .get(RequestConfiguration(query_parameters=one))
    )
    assert got is not None and _properties(got) == [(KEY_PROPERTY, "k-1")]
    every = AllMessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        expand=[_expand(KEY_PROPERTY)]
    )
    listed = await graph.users.by_user_id(MANAGER).messages.get(
        RequestConfiguration(query_parameters=every)
    )
    assert listed is not None and listed.value is not None
    assert [_properties(m) for m in listed.value] == [[(KEY_PROPERTY, "k-1")]]


async def test_messages_are_found_by_the_value_of_an_extended_property(
    graph: GraphServiceClient,
) -> None:
    await graph.users.by_user_id(MANAGER).send_mail.post(
        SendMailPostRequestBody(message=_marked(SAM, "Findable"), save_to_sent_items=True)
    )

    async def subjects(filter_: str) -> list[str | None]:
        parameters = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            filter=filter_, select=["subject"]
        )
        listed = (
            await graph.users.by_user_id(MANAGER)
            .mail_folders.by_mail_folder_id("sentitems")
            .messages.get(RequestConfiguration(query_parameters=parameters))
        )
        assert listed is not None and listed.value is not None
        return [message.subject for message in listed.value]

    def by_value(value: str, property_id: str = KEY_PROPERTY) -> str:
        return (
            "singleValueExtendedProperties/any(ep: "
            f"ep/id eq '{property_id}' and ep/value eq '{value}')"
        )

    assert await subjects(by_value("k-1")) == ["Findable"]
    # Graph compares the value without regard to case.
    assert await subjects(by_value("K-1")) == ["Findable"]
    assert await subjects(by_value("k-2")) == []
    assert await subjects(by_value("k-1", OTHER_PROPERTY)) == []
    assert await subjects(f"subject eq 'Findable' and {by_value('k-1')}") == ["Findable"]
    with pytest.raises(APIError) as refused:
        await subjects("singleValueExtendedProperties/any(ep: x/id eq 'a')")
    assert refused.value.response_status_code == 400


async def test_the_recipients_copy_keeps_the_headers_but_no_extended_property(
    graph: GraphServiceClient,
) -> None:
    await graph.users.by_user_id(MANAGER).send_mail.post(
        SendMailPostRequestBody(message=_marked(SAM, "Marked"), save_to_sent_items=True)
    )
    [received] = await _folder(graph, SAM, "inbox", _expand(KEY_PROPERTY, OTHER_PROPERTY))
    headers = [(h.name, h.value) for h in received.internet_message_headers or []]
    # Below the headers Exchange stamps (see the next tests), the sender's own.
    assert headers[-1] == ("x-accord-idempotency-key", "k-1")
    assert received.single_value_extended_properties is None


async def test_raw_responses_have_graphs_shape(sandbox: SandboxServer) -> None:
    body: dict[str, Any] = send_mail_body(SAM, "Raw")
    body["message"]["singleValueExtendedProperties"] = [{"id": KEY_PROPERTY, "value": "k-9"}]
    async with raw_client(sandbox) as client:
        assert (await client.post(f"/users/{MANAGER}/sendMail", json=body)).status_code == 202
        sent_items = f"/users/{MANAGER}/mailFolders/sentitems/messages"
        plain = (await client.get(sent_items, params={"$select": "internetMessageHeaders"})).json()
        [message] = plain["value"]
        assert "internetMessageHeaders" not in message
        assert "singleValueExtendedProperties" not in message
        expanded = (
            await client.get(
                f"{sent_items}/{message['id']}", params={"$expand": _expand(KEY_PROPERTY)}
            )
        ).json()
        assert expanded["singleValueExtendedProperties"] == [{"id": KEY_PROPERTY, "value": "k-9"}]
        # Paging keeps the expansion, in lists and in delta.
        await client.post(f"/users/{MANAGER}/sendMail", json=body)
        first = (
            await client.get(sent_items, params={"$top": "1", "$expand": _expand(KEY_PROPERTY)})
        ).json()
        second = (await client.get(first["@odata.nextLink"])).json()
        assert [
            m["singleValueExtendedProperties"][0]["value"] for m in first["value"] + second["value"]
        ] == ["k-9", "k-9"]
        delta = (
            await client.get(
                f"{sent_items}/delta",
                params={"$expand": _expand(KEY_PROPERTY)},
                headers={"Prefer": "odata.maxpagesize=1"},
            )
        ).json()
        assert "%24expand" in delta["@odata.nextLink"]
        rest = (await client.get(delta["@odata.nextLink"])).json()
        assert [
            len(m["singleValueExtendedProperties"]) for m in delta["value"] + rest["value"]
        ] == [1, 1]


@pytest.mark.parametrize(
    ("expand", "code", "message"),
    [
        ("attachments", "BadRequest", "does not support $expand=attachments"),
        ("extensions", "BadRequest", "does not support $expand=extensions"),
        ("multiValueExtendedProperties", "BadRequest", "does not support"),
        ("flag", "BadRequest", "does not support $expand=flag"),
        ("subject", "RequestBroker--ParseUri", "Only navigation properties can be expanded."),
        ("colour", "RequestBroker--ParseUri", "Could not find a property named 'colour'"),
        ("singleValueExtendedProperties(", "BadRequest", "Parsing OData Select and Expand failed"),
        ("singleValueExtendedProperties($select=id)", "BadRequest", "only $filter"),
        ("singleValueExtendedProperties($filter=value eq 'k')", "BadRequest", "by id only"),
        (
            "singleValueExtendedProperties($filter=id eq 'Color')",
            "ErrorInvalidProperty",
            "PropertyId values may only be",
        ),
        (
            "singleValueExtendedProperties($filter=startswith(id,'x'))",
            "BadRequest",
            "unsupported expression",
        ),
    ],
)
async def test_an_unsupported_or_malformed_expand_is_refused(
    sandbox: SandboxServer, expand: str, code: str, message: str
) -> None:
    async with raw_client(sandbox) as client:
        await client.post(f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "x"))
        inbox = (await client.get(f"/users/{SAM}/messages")).json()["value"]
        for path in (
            f"/users/{SAM}/messages",
            f"/users/{SAM}/mailFolders/inbox/messages",
            f"/users/{SAM}/messages/{inbox[0]['id']}",
            f"/users/{SAM}/mailFolders/inbox/messages/delta",
        ):
            response = await client.get(path, params={"$expand": expand})
            assert response.status_code == 400, path
            error = response.json()["error"]
            assert error["code"] == code
            assert message in error["message"]


async def test_the_expansion_the_sdk_spells_in_another_case_is_understood(
    sandbox: SandboxServer,
) -> None:
    async with raw_client(sandbox) as client:
        response = await client.get(
            f"/users/{SAM}/messages",
            params={"$expand": f"SingleValueExtendedProperties($filter=id eq '{KEY_PROPERTY}')"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("properties", "code"),
    [
        ([{"id": KEY_PROPERTY, "value": "k", "colour": "blue"}], "RequestBodyRead"),
        ([{"id": 5, "value": "k"}], "RequestBodyRead"),
        ([{"id": KEY_PROPERTY, "value": 5}], "RequestBodyRead"),
        (["String 0x0037"], "RequestBodyRead"),
        ({"id": KEY_PROPERTY, "value": "k"}, "RequestBodyRead"),
        ([{"id": "AccordIdempotencyKey", "value": "k"}], "ErrorInvalidProperty"),
        ([{"id": "String {not-a-guid} Name Key", "value": "k"}], "ErrorInvalidProperty"),
        (
            [{"id": "Text {9a03eba4-b327-4cea-b748-28a68e4256c1} Name Key", "value": "k"}],
            "ErrorInvalidProperty",
        ),
        ([{"value": "k"}], "ErrorInvalidProperty"),
        ([{"id": KEY_PROPERTY}], "ErrorInvalidExtendedPropertyValue"),
        (
            [{"id": "Integer {9a03eba4-b327-4cea-b748-28a68e4256c1} Name Count", "value": "many"}],
            "ErrorInvalidExtendedPropertyValue",
        ),
    ],
)
async def test_a_malformed_extended_property_is_refused_and_nothing_is_sent(
    sandbox: SandboxServer, properties: object, code: str
) -> None:
    body: dict[str, Any] = send_mail_body(SAM, "x")
    body["message"]["singleValueExtendedProperties"] = properties
    async with raw_client(sandbox) as client:
        response = await client.post(f"/users/{MANAGER}/sendMail", json=body)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == code
        assert (await client.get(f"/users/{SAM}/messages")).json()["value"] == []
        assert (await client.get(f"/users/{MANAGER}/messages")).json()["value"] == []


# Extended property ids and the $expand parser


def test_property_ids_in_every_documented_format() -> None:
    guid = "8ECCC264-6880-4EBE-992F-8888D2EEAA1D"
    assert property_key(f"String {{{guid}}} Name Color") == property_key(
        f"STRING {{{guid.lower()}}} NAME Color"
    )
    assert property_key(f"String {{{guid}}} Name Color") != property_key(
        f"String {{{guid}}} Name color"
    )
    assert property_key(f"Integer {{{guid}}} Id 0x8012") == property_key(
        f"integer {{{guid}}} id 32786"
    )
    assert property_key("String 0x4001001E") == property_key("string 1073807390")
    assert property_key(f"String {{{guid}}} Name Color") != property_key(
        f"Integer {{{guid}}} Name Color"
    )
    for bad in (
        "Color",
        f"String {guid}",
        f"Strung {{{guid}}} Name Color",
        f"String {{{guid}}} Name ",
        "",
        None,
    ):
        with pytest.raises(GraphError) as caught:
            property_key(bad)
        assert (caught.value.status, caught.value.code) == (400, "ErrorInvalidProperty")
    assert checked_properties(
        [
            {
                "@odata.type": "#microsoft.graph.singleValueLegacyExtendedProperty",
                "id": KEY_PROPERTY,
                "value": "k",
            },
            {"id": f"Boolean {{{guid}}} Name Flag", "value": "true"},
            {"id": f"SystemTime {{{guid}}} Name When", "value": "2024-03-01T09:30:00Z"},
            {"id": f"CLSID {{{guid}}} Name Which", "value": guid},
        ]
    ) == [
        {"id": KEY_PROPERTY, "value": "k"},
        {"id": f"Boolean {{{guid}}} Name Flag", "value": "true"},
        {"id": f"SystemTime {{{guid}}} Name When", "value": "2024-03-01T09:30:00Z"},
        {"id": f"CLSID {{{guid}}} Name Which", "value": guid},
    ]
    assert checked_properties(None) == []


def test_parse_expand() -> None:
    assert parse_expand(None) == []
    assert parse_expand("attachments, singleValueExtendedProperties()") == [
        Expansion("attachments"),
        Expansion("singleValueExtendedProperties"),
    ]
    # Commas, semicolons, parentheses and "or" inside a quoted id are part of the id.
    assert parse_expand("x($filter=id eq 'a, (b); c or d' or id eq 'it''s')") == [
        Expansion(
            "x",
            (
                (Comparison(("id",), "eq", "a, (b); c or d"),),
                (Comparison(("id",), "eq", "it's"),),
            ),
        )
    ]
    for bad in (
        "",
        "x(",
        "x)",
        "x(a)(b)",
        "x,,y",
        "x($filter=)",
        "x($filter=id eq 'a';$filter=id eq 'b')",
        "x('a)",
    ):
        with pytest.raises(GraphError) as caught:
            parse_expand(bad)
        assert (caught.value.status, caught.value.code) == (400, "BadRequest")


def _headers(message: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for header in message.get("internetMessageHeaders") or []:
        found.setdefault(header["name"].lower(), []).append(header["value"])
    return found


async def test_mail_sent_inside_the_tenant_is_stamped_authenticated_and_cannot_forge_it(
    sandbox: SandboxServer,
) -> None:
    forged = send_mail_body(SAM, "Stamped")
    message = forged["message"]
    assert isinstance(message, dict)
    message["internetMessageHeaders"] = [
        {"name": "X-MS-Exchange-Organization-AuthAs", "value": "Anonymous"},
        {"name": "Authentication-Results", "value": "dmarc=fail;compauth=fail"},
        {"name": "x-accord-kind", "value": "kept"},
    ]
    async with raw_client(sandbox) as client:
        sent = await client.post(f"/users/{MANAGER}/sendMail", json=forged)
        assert sent.status_code == 202, sent.text

    [received] = [m for m in mailbox(sandbox, SAM) if m["subject"] == "Stamped"]
    headers = _headers(received)
    assert headers["x-ms-exchange-organization-authas"] == ["Internal"]
    [results] = headers["authentication-results"]
    assert "dmarc=pass" in results and "compauth=pass" in results
    assert headers["x-accord-kind"] == ["kept"]
    assert sender_is_authenticated({name: values[0] for name, values in headers.items()})


async def test_a_test_can_deliver_spoofed_mail_from_the_internet(sandbox: SandboxServer) -> None:
    ids = await deliver_from_internet(
        sandbox,
        sender=MANAGER,
        to=[SAM],
        subject="Spoofed",
        body="Sam, please wire the money by Friday.",
        headers={"X-MS-Exchange-Organization-AuthAs": "Internal", "X-Mailer": "kept"},
    )

    [received] = [m for m in mailbox(sandbox, SAM) if m["id"] in ids]
    assert received["from"]["emailAddress"]["address"] == MANAGER
    headers = _headers(received)
    # The forged AuthAs is dropped, as Exchange's header firewall does.
    assert headers["x-ms-exchange-organization-authas"] == ["Anonymous"]
    [results] = headers["authentication-results"]
    assert "dmarc=fail" in results and "compauth=fail" in results
    assert headers["x-mailer"] == ["kept"]
    assert not sender_is_authenticated({name: values[0] for name, values in headers.items()})
