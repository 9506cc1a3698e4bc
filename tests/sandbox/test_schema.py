"""The Graph schema subset and the request validator built on it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.errors import GraphError
from sandbox.schema import SCHEMA_PATH, GraphSchema

REPO_ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_TAIL = (
    "Make sure to only use property names that are defined by the type or mark the type as "
    "open type."
)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_graph_schema", REPO_ROOT / "scripts" / "gen_graph_schema.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def schema() -> GraphSchema:
    return GraphSchema.load()


def graph_error(call: Any, *args: Any, **kwargs: Any) -> GraphError:
    with pytest.raises(GraphError) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 400
    return caught.value


def message_body() -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.message",
        "subject": "Your weekly commitments",
        "body": {"contentType": "HTML", "content": "<p>Hello</p>"},
        "toRecipients": [{"emailAddress": {"address": "ada@contoso.com", "name": "Ada"}}],
        "ccRecipients": [],
        "importance": "high",
        "categories": ["accord"],
        "isRead": False,
        "conversationIndex": "AQHZ0j3kq7G1xw==",
        "sentDateTime": "2024-03-01T09:30:00.1234567Z",
        "flag": {
            "flagStatus": "flagged",
            "startDateTime": {"dateTime": "2024-03-01T09:00:00", "timeZone": "UTC"},
            "dueDateTime": {"dateTime": "2024-03-04T17:00:00.0000000", "timeZone": "UTC"},
        },
        "internetMessageHeaders": [{"name": "x-accord-commitment", "value": "c-1"}],
        "toRecipients@odata.type": "#Collection(microsoft.graph.recipient)",
        "@odata.etag": 'W/"CQAAABYAAAA"',
    }


def event_body() -> dict[str, Any]:
    return {
        "subject": "Check-in",
        "start": {"dateTime": "2024-03-01T10:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2024-03-01T10:30:00", "timeZone": "W. Europe Standard Time"},
        "attendees": [
            {
                "emailAddress": {"address": "ada@contoso.com"},
                "type": "required",
                "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
            }
        ],
        "isOnlineMeeting": True,
        "onlineMeetingProvider": "teamsForBusiness",
        "reminderMinutesBeforeStart": 15,
        "showAs": "busy",
        "transactionId": "7E163156-7762-4BEB-A1C6-729EA81755A7",
        "location": {"displayName": "Room 1", "coordinates": {"latitude": 47.6, "longitude": -122}},
        "recurrence": {
            "pattern": {
                "type": "weekly",
                "interval": 1,
                "daysOfWeek": ["Monday", "thursday"],
                "firstDayOfWeek": "sunday",
            },
            "range": {"type": "endDate", "startDate": "2024-03-01", "endDate": "2024-06-30"},
        },
    }


# The subset


def test_checked_in_subset_matches_the_csdl() -> None:
    generator = load_generator()
    csdl: Path = generator.DEFAULT_CSDL
    assert csdl == REPO_ROOT.parent / "shared" / "graph" / "v1.0.csdl"
    regenerated = generator.render(generator.generate(csdl))
    assert regenerated == SCHEMA_PATH.read_text(encoding="utf-8"), (
        "sandbox/graph_schema.json is stale: run scripts/gen_graph_schema.py"
    )


def test_generator_writes_where_it_is_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generator = load_generator()
    output = tmp_path / "subset.json"
    assert generator.main([str(generator.DEFAULT_CSDL), str(output)]) == 0
    assert output.read_bytes() == SCHEMA_PATH.read_bytes()
    assert "subset.json" in capsys.readouterr().out


def test_subset_holds_the_roots_and_their_closure() -> None:
    raw = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    types = raw["types"]
    for name in (
        "message",
        "event",
        "mailFolder",
        "mailboxSettings",
        "user",
        "subscription",
        "followupFlag",
        "outlookItem",
        "attendee",
        "attendeeBase",
        "recipient",
        "teamworkActivityTopic",
        "timeSlot",
    ):
        assert f"microsoft.graph.{name}" in types
    assert types["microsoft.graph.attendee"]["base"] == "microsoft.graph.attendeeBase"
    assert types["microsoft.graph.importance"]["members"] == ["low", "normal", "high"]
    assert types["microsoft.graph.message"]["open"] is True
    assert types["microsoft.graph.outlookItem"]["abstract"] is True
    # Extended properties travel inline in message bodies, so their type is in the subset.
    assert types["microsoft.graph.singleValueLegacyExtendedProperty"]["outlook"] is True
    # user keeps its navigation properties' names but their targets are not followed.
    assert types["microsoft.graph.user"]["navigation"]["drive"] == "microsoft.graph.drive"
    assert "microsoft.graph.drive" not in types
    send_mail = raw["actions"]["sendMail"]
    assert send_mail == [
        {
            "binding": "microsoft.graph.user",
            "kind": "action",
            "outlook": True,
            "parameters": [
                {"name": "Message", "nullable": False, "type": "microsoft.graph.message"},
                {"name": "SaveToSentItems", "nullable": True, "type": "Edm.Boolean"},
            ],
        }
    ]
    assert sorted(raw["actions"]) == [
        "accept",
        "cancel",
        "decline",
        "delta",
        "forward",
        "getSchedule",
        "reply",
        "replyAll",
        "sendActivityNotification",
        "sendMail",
        "tentativelyAccept",
    ]


def test_load_is_cached() -> None:
    assert GraphSchema.load() is GraphSchema.load()


# Valid bodies


def test_valid_bodies_pass(schema: GraphSchema) -> None:
    schema.validate_entity("message", message_body())
    schema.validate_entity("microsoft.graph.event", event_body())
    schema.validate_entity(
        "subscription",
        {
            "changeType": "created,updated",
            "notificationUrl": "https://accord.example/notifications",
            "lifecycleNotificationUrl": "https://accord.example/lifecycle",
            "resource": "users/ada@contoso.com/mailFolders('inbox')/messages",
            "expirationDateTime": "2024-03-04T11:00:00.0000000Z",
            "clientState": "secret",
        },
    )
    schema.validate_entity(
        "mailboxSettings",
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/mailboxSettings",
            "timeZone": "Pacific Standard Time",
            "workingHours": {
                "daysOfWeek": ["monday", "tuesday"],
                "startTime": "08:00:00.0000000",
                "endTime": "17:00:00",
                "timeZone": {"name": "Pacific Standard Time"},
            },
            "automaticRepliesSetting": {
                "status": "scheduled",
                "externalAudience": "all",
                "scheduledStartDateTime": {"dateTime": "2024-03-01T00:00:00", "timeZone": "UTC"},
                "internalReplyMessage": "Away",
            },
        },
        for_update=True,
    )


def test_bodies_serialised_by_the_sdk_pass(schema: GraphSchema) -> None:
    from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter
    from msgraph.generated.models.attendee import Attendee
    from msgraph.generated.models.attendee_type import AttendeeType
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.day_of_week import DayOfWeek
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.importance import Importance
    from msgraph.generated.models.internet_message_header import InternetMessageHeader
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.mailbox_settings import MailboxSettings
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.recipient import Recipient
    from msgraph.generated.models.single_value_legacy_extended_property import (
        SingleValueLegacyExtendedProperty,
    )
    from msgraph.generated.models.subscription import Subscription
    from msgraph.generated.models.working_hours import WorkingHours
    from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
        GetSchedulePostRequestBody,
    )
    from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
        SendMailPostRequestBody,
    )

    def serialise(model: Any) -> Any:
        writer = JsonSerializationWriter()
        writer.write_object_value(None, model)
        return json.loads(writer.get_serialized_content())

    ada = EmailAddress(address="ada@contoso.com", name="Ada")
    message = Message(
        subject="Hi",
        body=ItemBody(content_type=BodyType.Html, content="<p>Hi</p>"),
        to_recipients=[Recipient(email_address=ada)],
        importance=Importance.High,
        internet_message_headers=[InternetMessageHeader(name="x-accord-id", value="1")],
        single_value_extended_properties=[
            SingleValueLegacyExtendedProperty(
                id="String {9a03eba4-b327-4cea-b748-28a68e4256c1} Name AccordIdempotencyKey",
                value="1",
            )
        ],
    )
    send_mail = serialise(SendMailPostRequestBody(message=message, save_to_sent_items=False))
    assert set(send_mail) == {"Message", "SaveToSentItems"}
    assert schema.validate_action("sendMail", send_mail) == send_mail

    slot = DateTimeTimeZone(date_time="2024-03-01T10:00:00", time_zone="UTC")
    event = Event(
        subject="Check-in",
        start=slot,
        end=slot,
        attendees=[Attendee(email_address=ada, type=AttendeeType.Required)],
        transaction_id="t-1",
    )
    schema.validate_entity("event", serialise(event))
    settings_body = MailboxSettings(
        working_hours=WorkingHours(
            days_of_week=[DayOfWeek.Monday], start_time=dt.time(8), end_time=dt.time(17)
        )
    )
    schema.validate_entity("mailboxSettings", serialise(settings_body), for_update=True)
    subscription = Subscription(
        change_type="created",
        notification_url="https://accord.example/n",
        resource="users/u/messages",
        expiration_date_time=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    schema.validate_entity("subscription", serialise(subscription))
    schedule = serialise(
        GetSchedulePostRequestBody(
            schedules=["ada@contoso.com"],
            start_time=slot,
            end_time=slot,
            availability_view_interval=30,
        )
    )
    assert set(schema.validate_action("getSchedule", schedule)) == {
        "Schedules",
        "StartTime",
        "EndTime",
        "AvailabilityViewInterval",
    }


# Unknown properties


def test_unknown_property_uses_graphs_exact_message(schema: GraphSchema) -> None:
    error = graph_error(schema.validate_entity, "message", {"subject": "x", "x": 1})
    assert error.code == "RequestBodyRead"
    assert error.message == (
        "The property 'x' does not exist on type 'Microsoft.OutlookServices.Message'. "
        + UNKNOWN_TAIL
    )


@pytest.mark.parametrize(
    ("type_name", "body", "type_in_message", "prop"),
    [
        ("event", {"colour": "red"}, "Microsoft.OutlookServices.Event", "colour"),
        ("mailFolder", {"unread": 1}, "Microsoft.OutlookServices.MailFolder", "unread"),
        ("mailboxSettings", {"tz": "UTC"}, "Microsoft.OutlookServices.MailboxSettings", "tz"),
        (
            "message",
            {"flag": {"flagStatus": "flagged", "due": "x"}},
            "Microsoft.OutlookServices.FollowupFlag",
            "due",
        ),
        (
            "message",
            {"toRecipients": [{"emailAddress": {"address": "a@b.c", "Address": "x"}}]},
            "Microsoft.OutlookServices.EmailAddress",
            "Address",
        ),
        (
            "message",
            {"singleValueExtendedProperties": [{"id": "String 0x0037", "val": "x"}]},
            "Microsoft.OutlookServices.SingleValueLegacyExtendedProperty",
            "val",
        ),
        ("subscription", {"secret": "x"}, "microsoft.graph.subscription", "secret"),
        ("user", {"favouriteColour": "red"}, "microsoft.graph.user", "favouriteColour"),
    ],
)
def test_unknown_properties_name_the_type(
    schema: GraphSchema, type_name: str, body: dict[str, Any], type_in_message: str, prop: str
) -> None:
    error = graph_error(schema.validate_entity, type_name, body)
    assert error.code == "RequestBodyRead"
    assert error.message == (
        f"The property '{prop}' does not exist on type '{type_in_message}'. " + UNKNOWN_TAIL
    )


def test_property_names_are_case_sensitive(schema: GraphSchema) -> None:
    error = graph_error(schema.validate_entity, "message", {"Subject": "x"})
    assert "'Subject'" in error.message


def test_dynamic_properties_of_open_directory_types(schema: GraphSchema) -> None:
    schema.validate_entity(
        "user", {"displayName": "Ada", "extension_0123456789abcdef0123456789abcdef_team": "x"}
    )
    schema.validate_entity(
        "user",
        {
            "customSecurityAttributes": {
                "Engineering": {
                    "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
                    "Level": 3,
                }
            }
        },
    )


# Wrong values


@pytest.mark.parametrize(
    ("type_name", "body", "expected"),
    [
        (
            "message",
            {"isRead": "abc"},
            "Cannot convert the literal 'abc' to the expected type 'Edm.Boolean'. "
            "Property path: 'message.isRead'.",
        ),
        (
            "message",
            {"subject": ["a"]},
            "An unexpected 'StartArray' node was found when reading from the JSON reader. "
            "A 'PrimitiveValue' node was expected. Property path: 'message.subject'.",
        ),
        (
            "message",
            {"flag": {"dueDateTime": "2024-03-01"}},
            "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. "
            "A 'StartObject' node was expected. Property path: 'message.flag.dueDateTime'.",
        ),
        (
            "message",
            {"toRecipients": {"emailAddress": {}}},
            "An unexpected 'StartObject' node was found when reading from the JSON reader. "
            "A 'StartArray' node was expected. Property path: 'message.toRecipients'.",
        ),
        (
            "message",
            {"toRecipients": [{"emailAddress": {"address": 7}}]},
            "Cannot convert the literal '7' to the expected type 'Edm.String'. "
            "Property path: 'message.toRecipients[0].emailAddress.address'.",
        ),
        (
            "message",
            {"subject": True},
            "Cannot convert the literal 'true' to the expected type 'Edm.String'. "
            "Property path: 'message.subject'.",
        ),
        (
            "event",
            {"reminderMinutesBeforeStart": True},
            "Cannot convert the literal 'true' to the expected type 'Edm.Int32'. "
            "Property path: 'event.reminderMinutesBeforeStart'.",
        ),
        (
            "event",
            {"reminderMinutesBeforeStart": 1.5},
            "Cannot convert the literal '1.5' to the expected type 'Edm.Int32'. "
            "Property path: 'event.reminderMinutesBeforeStart'.",
        ),
        (
            "event",
            {"reminderMinutesBeforeStart": 2**31},
            "Cannot convert the literal '2147483648' to the expected type 'Edm.Int32'. "
            "Property path: 'event.reminderMinutesBeforeStart'.",
        ),
        (
            "event",
            {"categories": [1]},
            "Cannot convert the literal '1' to the expected type 'Edm.String'. "
            "Property path: 'event.categories[0]'.",
        ),
        (
            "event",
            {"location": {"coordinates": {"latitude": "north"}}},
            "Cannot convert the literal 'north' to the expected type 'Edm.Double'. "
            "Property path: 'event.location.coordinates.latitude'.",
        ),
        (
            "message",
            [],
            "An unexpected 'StartArray' node was found when reading from the JSON reader. "
            "A 'StartObject' node was expected. Property path: 'message'.",
        ),
    ],
)
def test_wrong_types_are_refused(
    schema: GraphSchema, type_name: str, body: object, expected: str
) -> None:
    error = graph_error(schema.validate_entity, type_name, body)
    assert error.code == "RequestBodyRead"
    assert error.message == expected


@pytest.mark.parametrize(
    ("type_name", "prop", "good", "bad"),
    [
        (
            "message",
            "sentDateTime",
            [
                "2024-03-01T09:30:00Z",
                "2024-03-01T09:30:00.1234567Z",
                "2024-03-01T09:30:00+01:00",
                "2024-03-01T09:30:00",
                "2024-02-29T23:59:59.5-08:00",
            ],
            [
                "2024-03-01",
                "2024-03-01T09:30:00.12345678Z",
                "2023-02-29T09:30:00Z",
                "2024-03-01T24:00:00Z",
                "2024-03-01 09:30:00Z",
                "yesterday",
                20240301,
            ],
        ),
        (
            "message",
            "conversationIndex",
            ["AQHZ0j3kq7G1xw==", "AQHZ0j3kq7G1xw", "", "a-_b"],
            ["AQH*", "A", "AQHZ0j3kq7G1x==="],
        ),
        (
            "mailboxSettings",
            "workingHours/startTime",
            ["08:00:00", "08:00:00.0000000", "23:59:59.9999999"],
            ["8:00", "25:00:00", "08:00:00.12345678", "08:60:00"],
        ),
        (
            "event",
            "recurrence/range/startDate",
            ["2024-03-01", "2024-02-29"],
            ["2024-3-1", "2023-02-29", "2024-03-01T00:00:00Z"],
        ),
        (
            "user",
            "assignedLicenses/skuId",
            ["c7df2760-2c81-4ef7-b578-5b5392b571df"],
            ["c7df2760-2c81-4ef7-b578", "not-a-guid", 5],
        ),
        (
            "event",
            "location/coordinates/latitude",
            [47.6, -122, 0, "NaN", "INF"],
            [True, "47.6", [1]],
        ),
    ],
)
def test_edm_formats(
    schema: GraphSchema, type_name: str, prop: str, good: list[object], bad: list[object]
) -> None:
    def nest(value: object) -> dict[str, Any]:
        segments = prop.split("/")
        body: Any = value
        for depth in range(len(segments), 0, -1):
            declared = schema.property_type(type_name, "/".join(segments[:depth]))
            if depth < len(segments) and str(declared).startswith("Collection("):
                body = [body]
            body = {segments[depth - 1]: body}
        return dict(body)

    for value in good:
        schema.validate_entity(type_name, nest(value))
    for value in bad:
        error = graph_error(schema.validate_entity, type_name, nest(value))
        assert error.code == "RequestBodyRead"
        assert prop.split("/")[-1] in error.message


def test_int64_and_enum_collections_in_actions(schema: GraphSchema) -> None:
    body = {
        "topic": {"source": "text", "value": "Your commitments", "webUrl": "https://x"},
        "activityType": "commitmentDue",
        "chainId": 2**40,
        "previewText": {"content": "Due today"},
        "templateParameters": [{"name": "title", "value": "Report"}],
    }
    assert schema.validate_action("sendActivityNotification", body) == body
    error = graph_error(
        schema.validate_action, "sendActivityNotification", {**body, "chainId": "7"}
    )
    assert "'Edm.Int64'" in error.message
    assert "'chainId'" in error.message


# Enums


def test_enums_are_case_insensitive(schema: GraphSchema) -> None:
    schema.validate_entity(
        "message",
        {"importance": "HIGH", "body": {"contentType": "html"}, "flag": {"flagStatus": "Complete"}},
    )


def test_unknown_enum_member(schema: GraphSchema) -> None:
    error = graph_error(schema.validate_entity, "message", {"importance": "urgent"})
    assert error.code == "RequestBodyRead"
    assert (
        error.message
        == "Requested value 'urgent' was not found. Property path: 'message.importance'."
    )
    error = graph_error(
        schema.validate_entity,
        "mailboxSettings",
        {"workingHours": {"daysOfWeek": ["monday", "funday"]}},
    )
    assert error.message == (
        "Requested value 'funday' was not found. "
        "Property path: 'mailboxSettings.workingHours.daysOfWeek[1]'."
    )
    error = graph_error(schema.validate_entity, "message", {"importance": 1})
    assert "'microsoft.graph.importance'" in error.message


def test_flags_enums_take_comma_separated_members() -> None:
    # No flags enum is reachable from the sandbox's roots, so exercise one in a tiny schema.
    custom = GraphSchema(
        {
            "types": {
                "microsoft.graph.mode": {
                    "flags": True,
                    "kind": "enum",
                    "members": ["read", "write", "admin"],
                    "name": "mode",
                    "outlook": False,
                },
                "microsoft.graph.grant": {
                    "abstract": False,
                    "base": None,
                    "kind": "complex",
                    "name": "grant",
                    "navigation": {},
                    "open": False,
                    "outlook": False,
                    "properties": {
                        "mode": {"nullable": True, "type": "microsoft.graph.mode"},
                        "length": {"nullable": True, "type": "Edm.Duration"},
                    },
                },
            },
            "actions": {},
        }
    )
    custom.validate_entity("grant", {"mode": "read,write"})
    custom.validate_entity("grant", {"mode": "Read, ADMIN"})
    error = graph_error(custom.validate_entity, "grant", {"mode": "read,delete"})
    assert error.message.startswith("Requested value 'delete' was not found.")
    for duration in ("PT1H", "P1DT2H30M", "PT0.5S", "-P2W", "P1Y2M"):
        custom.validate_entity("grant", {"length": duration})
    for duration in ("P", "PT", "P1DT", "1H", "PT1.5M"):
        graph_error(custom.validate_entity, "grant", {"length": duration})


# Null


def test_null_only_where_nullable(schema: GraphSchema) -> None:
    schema.validate_entity("message", {"subject": None, "flag": None, "importance": None})
    error = graph_error(
        schema.validate_entity,
        "message",
        {"flag": {"dueDateTime": {"dateTime": None, "timeZone": "UTC"}}},
    )
    assert error.message == (
        "A null value was found for the property named 'message.flag.dueDateTime.dateTime', "
        "which has the expected type 'Edm.String[Nullable=False]'. "
        "The expected type 'Edm.String[Nullable=False]' does not allow null values."
    )
    error = graph_error(schema.validate_entity, "subscription", {"notificationUrl": None})
    assert "'subscription.notificationUrl'" in error.message
    # A collection itself is never null; Nullable applies to its items.
    error = graph_error(schema.validate_entity, "message", {"toRecipients": None})
    assert "'Collection(microsoft.graph.recipient)[Nullable=False]'" in error.message
    schema.validate_entity("message", {"categories": ["a", None]})
    error = graph_error(schema.validate_entity, "event", {"cancelledOccurrences": ["a", None]})
    assert "'event.cancelledOccurrences[1]'" in error.message


# Derived types


def test_derived_type_named_by_odata_type(schema: GraphSchema) -> None:
    attendee = {
        "@odata.type": "#microsoft.graph.attendee",
        "emailAddress": {"address": "ada@contoso.com"},
        "type": "optional",
    }
    schema.validate_entity("message", {"toRecipients": [attendee]})
    # Without the annotation the recipient has no 'type'.
    plain = {key: value for key, value in attendee.items() if key != "@odata.type"}
    error = graph_error(schema.validate_entity, "message", {"toRecipients": [plain]})
    assert error.message.startswith(
        "The property 'type' does not exist on type 'Microsoft.OutlookServices.Recipient'."
    )
    # A derived type's own properties are still checked.
    error = graph_error(
        schema.validate_entity, "message", {"toRecipients": [{**attendee, "type": "boss"}]}
    )
    assert error.message.endswith("Property path: 'message.toRecipients[0].type'.")


def test_odata_type_must_derive_from_the_expected_type(schema: GraphSchema) -> None:
    error = graph_error(
        schema.validate_entity, "message", {"@odata.type": "#microsoft.graph.event"}
    )
    assert "not assignable to the expected type 'microsoft.graph.message'" in error.message
    error = graph_error(
        schema.validate_entity, "message", {"@odata.type": "#microsoft.graph.nothing"}
    )
    assert "'microsoft.graph.nothing' could not be resolved by the model" in error.message
    error = graph_error(schema.validate_entity, "message", {"@odata.type": 5})
    assert "'message.@odata.type'" in error.message


def test_abstract_types_need_a_concrete_odata_type(schema: GraphSchema) -> None:
    graph_error(schema.validate_entity, "outlookItem", {"categories": []})
    schema.validate_entity(
        "outlookItem", {"@odata.type": "#microsoft.graph.message", "subject": "x"}
    )


def test_unknown_type_name_is_a_programming_error(schema: GraphSchema) -> None:
    with pytest.raises(KeyError):
        schema.validate_entity("calendar", {})


# Actions


def test_action_parameters_match_without_case(schema: GraphSchema) -> None:
    message = {"subject": "Hi", "toRecipients": []}
    for body in (
        {"Message": message, "SaveToSentItems": False},
        {"message": message, "saveToSentItems": False},
        {"MESSAGE": message, "savetosentitems": False, "@odata.context": "x"},
    ):
        assert schema.validate_action("sendMail", body) == {
            "Message": message,
            "SaveToSentItems": False,
        }
    assert schema.validate_action("sendMail", {"message": message}) == {"Message": message}
    assert schema.validate_action("cancel", {"comment": "Sorry"}) == {"Comment": "Sorry"}
    assert schema.validate_action("cancel", {}) == {}
    assert schema.validate_action("delta", {}) == {}


def test_action_errors(schema: GraphSchema) -> None:
    error = graph_error(schema.validate_action, "sendMail", {"Message": {}, "Urgent": True})
    assert error.code == "RequestBodyRead"
    assert error.message == (
        "The parameter 'Urgent' in the request payload is not a valid parameter for the "
        "operation 'sendMail'."
    )
    error = graph_error(schema.validate_action, "sendMail", {"saveToSentItems": True})
    assert error.message == (
        "One or more parameters of the operation 'sendMail' are missing from the request "
        "payload. The missing parameters are: Message."
    )
    error = graph_error(schema.validate_action, "sendMail", {"Message": None})
    assert "named 'Message'" in error.message
    error = graph_error(schema.validate_action, "sendMail", {"Message": {}, "message": {}})
    assert "Multiple parameters with the name 'Message'" in error.message
    error = graph_error(schema.validate_action, "sendMail", {"Message": {"isRead": "no"}})
    assert error.message.endswith("Property path: 'Message.isRead'.")
    error = graph_error(schema.validate_action, "sendMail", {"Message": {"foo": 1}})
    assert "'Microsoft.OutlookServices.Message'" in error.message
    error = graph_error(schema.validate_action, "getSchedule", {"Schedules": "ada@contoso.com"})
    assert "'StartArray' node was expected" in error.message
    error = graph_error(schema.validate_action, "decline", {"proposedNewTime": {"start": None}})
    assert "'ProposedNewTime.start'" in error.message
    graph_error(schema.validate_action, "sendMail", None)
    with pytest.raises(KeyError):
        schema.validate_action("sendMessage", {})


def test_teams_actions_use_graph_type_names(schema: GraphSchema) -> None:
    error = graph_error(
        schema.validate_action, "sendActivityNotification", {"previewText": {"text": "x"}}
    )
    assert "type 'microsoft.graph.itemBody'" in error.message


# Query options


def test_check_properties(schema: GraphSchema) -> None:
    schema.check_properties("message", ["id", "subject", "from", "receivedDateTime", " isRead "])
    schema.check_properties("message", ["from/emailAddress/address", "flag/flagStatus", "*"])
    schema.check_properties("microsoft.graph.event", ["start/dateTime", "attendees", "instances"])
    schema.check_properties("message", ["attachments/name"])  # outside the subset: unchecked
    schema.check_properties("user", ["mail", "userPrincipalName", "mailboxSettings/timeZone"])
    schema.check_properties("message", [])
    with pytest.raises(GraphError) as caught:
        schema.check_properties("message", ["subject", "x"])
    assert caught.value.status == 400
    assert caught.value.code == "RequestBroker--ParseUri"
    assert caught.value.message == (
        "Could not find a property named 'x' on type 'microsoft.graph.message'."
    )
    with pytest.raises(GraphError) as caught:
        schema.check_properties("message", ["from/emailAddress/street"])
    assert caught.value.message == (
        "Could not find a property named 'street' on type 'microsoft.graph.emailAddress'."
    )
    with pytest.raises(GraphError) as caught:
        schema.check_properties("message", ["subject/length"])
    assert caught.value.message == "Could not find a property named 'length' on type 'Edm.String'."


def test_expandable(schema: GraphSchema) -> None:
    assert schema.expandable("message", "singleValueExtendedProperties") == (
        "singleValueExtendedProperties"
    )
    assert schema.expandable("message", " SingleValueExtendedProperties") == (
        "singleValueExtendedProperties"
    )
    assert schema.expandable("message", "attachments") == "attachments"
    assert schema.expandable("message", "flag") == "flag"
    error = graph_error(schema.expandable, "message", "subject")
    assert error.code == "RequestBroker--ParseUri"
    assert error.message == (
        "Property 'subject' on type 'microsoft.graph.message' is not a navigation property or "
        "complex property. Only navigation properties can be expanded."
    )
    error = graph_error(schema.expandable, "message", "x")
    assert error.message == "Could not find a property named 'x' on type 'microsoft.graph.message'."


def test_property_type(schema: GraphSchema) -> None:
    assert schema.property_type("message", "subject") == "Edm.String"
    assert schema.property_type("message", "id") == "Edm.String"
    assert schema.property_type("message", "importance") == "microsoft.graph.importance"
    assert schema.property_type("message", "toRecipients") == (
        "Collection(microsoft.graph.recipient)"
    )
    assert schema.property_type("message", "flag/dueDateTime/dateTime") == "Edm.String"
    assert schema.property_type("event", "attachments") == "Collection(microsoft.graph.attachment)"
    assert schema.property_type("message", "nothing") is None
    assert schema.property_type("message", "subject/nothing") is None


# Speed and robustness


def test_message_validation_is_fast(schema: GraphSchema) -> None:
    body = message_body()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(100):
            schema.validate_entity("message", body)
        best = min(best, (time.perf_counter() - start) / 100)
    assert best < 0.001


def _json_values() -> st.SearchStrategy[Any]:
    raw = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    names = sorted(
        {prop for data in raw["types"].values() for prop in data.get("properties", {})}
        | {"@odata.type", "x@odata.type", "Message", "saveToSentItems"}
    )
    type_names = [f"#{name}" for name in raw["types"]]
    keys = st.sampled_from(names) | st.text(max_size=8)
    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text(max_size=20)
        | st.sampled_from([*type_names, "high", "HIGH", "2024-03-01T09:30:00Z", "08:00:00"])
    )
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6)
        ),
        max_leaves=30,
    )


JSON_VALUES = _json_values()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    type_name=st.sampled_from(["message", "event", "mailboxSettings", "subscription", "user"]),
    action=st.sampled_from(["sendMail", "getSchedule", "decline", "sendActivityNotification"]),
    body=JSON_VALUES,
)
def test_arbitrary_json_only_raises_graph_errors(type_name: str, action: str, body: Any) -> None:
    schema = GraphSchema.load()
    for call, name in ((schema.validate_entity, type_name), (schema.validate_action, action)):
        status = 0
        try:
            call(name, body)
        except GraphError as error:
            status = error.status
        assert status in (0, 400)


def test_deep_nesting_is_refused_not_crashing(schema: GraphSchema) -> None:
    body: dict[str, Any] = {"subject": "leaf"}
    for _ in range(400):
        body = {"instances": [body]}
    error = graph_error(schema.validate_entity, "event", body)
    assert "nesting depth" in error.message
