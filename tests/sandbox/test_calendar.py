"""The calendar through the real Graph SDK against a live sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_message import EventMessage
from msgraph.generated.models.event_message_request import EventMessageRequest
from msgraph.generated.models.event_message_response import EventMessageResponse
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.location import Location
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.meeting_message_type import MeetingMessageType
from msgraph.generated.models.message import Message
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.response_type import ResponseType
from msgraph.generated.models.schedule_information import ScheduleInformation
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import (
    AcceptPostRequestBody,
)
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody,
)
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)
from msgraph.generated.users.item.events.item.tentatively_accept import (
    tentatively_accept_post_request_body,
)
from msgraph.graph_service_client import GraphServiceClient

from sandbox.changes import ResourceChange
from sandbox.server import SandboxServer
from sandbox.tenant import user_id_for
from tests.support.people import LUKAS, MANAGER, PRIYA, SAM
from tests.support.sandbox import raw_client

# A Monday far enough ahead that the demo tenant's absences never touch it.
MONDAY = datetime(2030, 1, 7, tzinfo=UTC)


def _when(at: datetime, zone: str = "UTC") -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=at.strftime("%Y-%m-%dT%H:%M:%S"), time_zone=zone)


def _meeting(
    subject: str,
    start: datetime,
    minutes: int = 60,
    attendees: tuple[str, ...] = (SAM,),
    transaction_id: str | None = None,
) -> Event:
    return Event(
        subject=subject,
        body=ItemBody(content_type=BodyType.Html, content="<p>Let us <b>talk</b></p>"),
        start=_when(start),
        end=_when(start + timedelta(minutes=minutes)),
        location=Location(display_name="Room 4"),
        attendees=[
            Attendee(email_address=EmailAddress(address=address), type=AttendeeType.Required)
            for address in attendees
        ],
        transaction_id=transaction_id,
    )


async def _create(graph: GraphServiceClient, organizer: str, event: Event) -> Event:
    created = await graph.users.by_user_id(organizer).events.post(event)
    assert created is not None
    assert created.id is not None
    return created


async def _events(graph: GraphServiceClient, user: str) -> list[Event]:
    listed = await graph.users.by_user_id(user).events.get()
    assert listed is not None
    assert listed.value is not None
    return listed.value


async def _inbox(graph: GraphServiceClient, user: str) -> list[Message]:
    listed = (
        await graph.users.by_user_id(user).mail_folders.by_mail_folder_id("inbox").messages.get()
    )
    assert listed is not None
    assert listed.value is not None
    return listed.value


async def _meeting_message(
    graph: GraphServiceClient, user: str, kind: MeetingMessageType
) -> EventMessage:
    # Messages received within one second tie on receivedDateTime: pick by kind instead.
    found = [
        message
        for message in await _inbox(graph, user)
        if isinstance(message, EventMessage) and message.meeting_message_type == kind
    ]
    assert len(found) == 1
    return found[0]


async def _event(graph: GraphServiceClient, user: str, event_id: str) -> Event:
    found = await graph.users.by_user_id(user).events.by_event_id(event_id).get()
    assert found is not None
    return found


def _attendee_status(event: Event, address: str) -> ResponseType | None:
    for attendee in event.attendees or []:
        email = attendee.email_address
        if email is not None and str(email.address).lower() == address:
            return attendee.status.response if attendee.status else None
    raise AssertionError(f"{address} is not an attendee")


async def _schedule(
    graph: GraphServiceClient, addresses: list[str], start: datetime, end: datetime, interval: int
) -> list[ScheduleInformation]:
    answer = await graph.users.by_user_id(MANAGER).calendar.get_schedule.post(
        GetSchedulePostRequestBody(
            schedules=addresses,
            start_time=_when(start),
            end_time=_when(end),
            availability_view_interval=interval,
        )
    )
    assert answer is not None
    assert answer.value is not None
    return answer.value


async def test_create_invites_tenant_attendees(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Budget review", MONDAY.replace(hour=14)))
    assert created.is_organizer is True
    assert created.show_as == FreeBusyStatus.Busy
    assert created.response_status is not None
    assert created.response_status.response == ResponseType.Organizer
    assert created.start is not None
    assert created.start.time_zone == "UTC"
    assert created.start.date_time == "2030-01-07T14:00:00.0000000"
    assert created.body_preview == "Let us talk"
    assert created.i_cal_u_id
    assert created.change_key
    assert created.web_link
    assert created.location is not None
    assert created.location.display_name == "Room 4"
    assert _attendee_status(created, SAM) == ResponseType.None_

    invitations = await _inbox(graph, SAM)
    assert len(invitations) == 1
    invitation = invitations[0]
    assert isinstance(invitation, EventMessageRequest)
    assert invitation.meeting_message_type == MeetingMessageType.MeetingRequest
    assert invitation.subject == "Budget review"
    assert invitation.from_ is not None
    assert invitation.from_.email_address is not None
    assert invitation.from_.email_address.address == MANAGER
    assert invitation.start_date_time is not None
    assert invitation.start_date_time.date_time == "2030-01-07T14:00:00.0000000"

    copies = await _events(graph, SAM)
    assert len(copies) == 1
    mine = copies[0]
    assert mine.id != created.id
    assert mine.i_cal_u_id == created.i_cal_u_id
    assert mine.is_organizer is False
    assert mine.show_as == FreeBusyStatus.Tentative
    assert mine.response_status is not None
    assert mine.response_status.response == ResponseType.NotResponded
    link = invitation.additional_data.get("event@odata.navigationLink", "")
    assert str(link).endswith(f"/events/{mine.id}")


async def test_a_repeated_transaction_id_gives_one_event_and_one_invitation(
    graph: GraphServiceClient,
) -> None:
    meeting = _meeting("Retry me", MONDAY.replace(hour=10), transaction_id="tx-42")
    first = await _create(graph, MANAGER, meeting)
    second = await _create(graph, MANAGER, meeting)
    assert second.id == first.id
    assert len(await _events(graph, MANAGER)) == 1
    assert len(await _events(graph, SAM)) == 1
    assert len(await _inbox(graph, SAM)) == 1


async def test_accepting_is_visible_to_the_organizer(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Sync", MONDAY.replace(hour=9)))
    mine = (await _events(graph, SAM))[0]
    assert mine.id is not None
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(mine.id)
        .accept.post(AcceptPostRequestBody(comment="See you there", send_response=True))
    )
    mine = await _event(graph, SAM, mine.id)
    assert mine.show_as == FreeBusyStatus.Busy
    assert mine.response_status is not None
    assert mine.response_status.response == ResponseType.Accepted
    assert created.id is not None
    original = await _event(graph, MANAGER, created.id)
    assert _attendee_status(original, SAM) == ResponseType.Accepted
    responses = await _inbox(graph, MANAGER)
    assert len(responses) == 1
    response = responses[0]
    assert isinstance(response, EventMessageResponse)
    assert response.meeting_message_type == MeetingMessageType.MeetingAccepted
    assert response.subject == "Accepted: Sync"
    assert response.body is not None
    assert response.body.content == "See you there"


async def test_declining_frees_the_attendee(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Optional chat", MONDAY.replace(hour=11)))
    assert created.id is not None
    mine = (await _events(graph, SAM))[0]
    assert mine.id is not None
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(mine.id)
        .decline.post(DeclinePostRequestBody(comment="Can't make it", send_response=True))
    )
    mine = await _event(graph, SAM, mine.id)
    assert mine.show_as == FreeBusyStatus.Free
    assert mine.response_status is not None
    assert mine.response_status.response == ResponseType.Declined
    original = await _event(graph, MANAGER, created.id)
    assert _attendee_status(original, SAM) == ResponseType.Declined
    assert original.show_as == FreeBusyStatus.Busy
    [response] = await _inbox(graph, MANAGER)
    assert isinstance(response, EventMessageResponse)
    assert response.meeting_message_type == MeetingMessageType.MeetingDeclined


async def test_a_response_not_sent_leaves_the_organizer_uninformed(
    graph: GraphServiceClient,
) -> None:
    created = await _create(graph, MANAGER, _meeting("Quiet", MONDAY.replace(hour=12)))
    assert created.id is not None
    mine = (await _events(graph, SAM))[0]
    assert mine.id is not None
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(mine.id)
        .tentatively_accept.post(
            tentatively_accept_post_request_body.TentativelyAcceptPostRequestBody(
                send_response=False
            )
        )
    )
    mine = await _event(graph, SAM, mine.id)
    assert mine.response_status is not None
    assert mine.response_status.response == ResponseType.TentativelyAccepted
    original = await _event(graph, MANAGER, created.id)
    assert _attendee_status(original, SAM) == ResponseType.None_
    assert await _inbox(graph, MANAGER) == []


async def test_the_organizer_cannot_answer_their_own_meeting(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Mine", MONDAY.replace(hour=13)))
    assert created.id is not None
    with pytest.raises(ODataError) as caught:
        await (
            graph.users.by_user_id(MANAGER)
            .events.by_event_id(created.id)
            .accept.post(AcceptPostRequestBody())
        )
    assert caught.value.response_status_code == 400


async def test_only_the_organizer_can_cancel(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Offsite", MONDAY.replace(hour=15)))
    assert created.id is not None
    mine = (await _events(graph, SAM))[0]
    assert mine.id is not None
    with pytest.raises(ODataError) as caught:
        await (
            graph.users.by_user_id(SAM)
            .events.by_event_id(mine.id)
            .cancel.post(CancelPostRequestBody(comment="no"))
        )
    assert caught.value.response_status_code == 400
    assert caught.value.error is not None
    assert caught.value.error.code == "ErrorAccessDenied"
    assert "organizer to cancel" in str(caught.value.error.message)

    await (
        graph.users.by_user_id(MANAGER)
        .events.by_event_id(created.id)
        .cancel.post(CancelPostRequestBody(comment="Plans changed"))
    )
    assert (await _event(graph, MANAGER, created.id)).is_cancelled is True
    assert (await _event(graph, SAM, mine.id)).is_cancelled is True
    cancellation = await _meeting_message(graph, SAM, MeetingMessageType.MeetingCancelled)
    assert cancellation.body is not None
    assert cancellation.body.content == "Plans changed"


async def test_moving_a_meeting_updates_attendees(graph: GraphServiceClient) -> None:
    created = await _create(
        graph, MANAGER, _meeting("Planning", MONDAY.replace(hour=9), attendees=(SAM, PRIYA))
    )
    assert created.id is not None
    priya_copy = (await _events(graph, PRIYA))[0]
    assert priya_copy.id is not None
    await (
        graph.users.by_user_id(PRIYA)
        .events.by_event_id(priya_copy.id)
        .accept.post(AcceptPostRequestBody())
    )
    later = MONDAY.replace(hour=16)
    await (
        graph.users.by_user_id(MANAGER)
        .events.by_event_id(created.id)
        .patch(
            Event(
                start=_when(later),
                end=_when(later + timedelta(hours=1)),
                attendees=[Attendee(email_address=EmailAddress(address=PRIYA))],
            )
        )
    )
    moved = await _event(graph, PRIYA, priya_copy.id)
    assert moved.start is not None
    assert moved.start.date_time == "2030-01-07T16:00:00.0000000"
    assert moved.response_status is not None
    assert moved.response_status.response == ResponseType.NotResponded
    update = next(
        message
        for message in await _inbox(graph, PRIYA)
        if isinstance(message, EventMessageRequest) and message.previous_start_date_time
    )
    assert update.previous_start_date_time is not None
    assert update.previous_start_date_time.date_time == "2030-01-07T09:00:00.0000000"
    sam_copy = (await _events(graph, SAM))[0]
    assert sam_copy.is_cancelled is True
    cancellation = await _meeting_message(graph, SAM, MeetingMessageType.MeetingCancelled)
    assert cancellation.subject == "Canceled: Planning"


async def test_prefer_outlook_timezone_sets_the_zone_of_times(graph: GraphServiceClient) -> None:
    created = await _create(graph, MANAGER, _meeting("Zones", MONDAY.replace(hour=14)))
    assert created.id is not None
    config = RequestConfiguration[Any]()
    config.headers.add("Prefer", 'outlook.timezone="Eastern Standard Time"')
    shown = await graph.users.by_user_id(MANAGER).events.by_event_id(created.id).get(config)
    assert shown is not None
    assert shown.start is not None
    assert shown.end is not None
    assert shown.start.date_time == "2030-01-07T09:00:00.0000000"
    assert shown.start.time_zone == "Eastern Standard Time"
    assert shown.end.date_time == "2030-01-07T10:00:00.0000000"
    config = RequestConfiguration[Any]()
    config.headers.add("Prefer", 'outlook.timezone="Asia/Kolkata"')
    listed = await graph.users.by_user_id(MANAGER).events.get(config)
    assert listed is not None
    assert listed.value is not None
    assert listed.value[0].start is not None
    assert listed.value[0].start.date_time == "2030-01-07T19:30:00.0000000"


async def test_a_local_start_is_stored_as_the_instant_it_names(graph: GraphServiceClient) -> None:
    event = _meeting("Berlin", MONDAY, attendees=())
    event.start = DateTimeTimeZone(
        date_time="2030-01-07T09:00:00", time_zone="W. Europe Standard Time"
    )
    event.end = DateTimeTimeZone(date_time="2030-01-07T10:00:00", time_zone="Europe/Berlin")
    created = await _create(graph, MANAGER, event)
    assert created.start is not None
    assert created.start.date_time == "2030-01-07T08:00:00.0000000"
    assert created.original_start_time_zone == "W. Europe Standard Time"


async def test_calendar_view_needs_a_window_and_lists_what_overlaps(
    graph: GraphServiceClient,
) -> None:
    for hour in (9, 12, 15):
        await _create(
            graph, MANAGER, _meeting(f"At {hour}", MONDAY.replace(hour=hour), attendees=())
        )
    query = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time="2030-01-07T11:30:00Z", end_date_time="2030-01-07T23:00:00Z"
    )
    view = await graph.users.by_user_id(MANAGER).calendar_view.get(
        RequestConfiguration(query_parameters=query)
    )
    assert view is not None
    assert view.value is not None
    assert [event.subject for event in view.value] == ["At 12", "At 15"]
    with pytest.raises(ODataError) as caught:
        await graph.users.by_user_id(MANAGER).calendar_view.get()
    assert caught.value.response_status_code == 400
    assert caught.value.error is not None
    assert "StartDateTime" in str(caught.value.error.message)


async def test_events_filter_and_order_by_start(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    for hour in (15, 9, 12):
        await _create(
            graph, MANAGER, _meeting(f"At {hour}", MONDAY.replace(hour=hour), attendees=())
        )
    async with raw_client(sandbox) as client:
        answer = await client.get(
            f"/users/{MANAGER}/events",
            params={
                "$filter": "start/dateTime ge '2030-01-07T10:00:00'",
                "$orderby": "start/dateTime desc",
                "$select": "subject,start",
            },
        )
        assert answer.status_code == 200, answer.text
        assert [event["subject"] for event in answer.json()["value"]] == ["At 15", "At 12"]
        assert set(answer.json()["value"][0]) >= {"id", "subject", "start"}
        assert "end" not in answer.json()["value"][0]
        bad = await client.get(f"/users/{MANAGER}/events", params={"$select": "colour"})
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "RequestBroker--ParseUri"


async def test_invalid_bodies_are_refused_in_graphs_shape(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    unknown = _meeting("x", MONDAY)
    unknown.additional_data = {"colour": "blue"}
    with pytest.raises(ODataError) as caught:
        await graph.users.by_user_id(MANAGER).events.post(unknown)
    assert caught.value.response_status_code == 400
    assert caught.value.error is not None
    assert caught.value.error.code == "RequestBodyRead"

    backwards = _meeting("x", MONDAY)
    backwards.end = _when(MONDAY - timedelta(hours=1))
    with pytest.raises(ODataError) as caught:
        await graph.users.by_user_id(MANAGER).events.post(backwards)
    assert caught.value.response_status_code == 400
    assert caught.value.error is not None
    assert caught.value.error.code == "ErrorPropertyValidationFailure"

    async with raw_client(sandbox) as client:
        answer = await client.post(
            f"/users/{MANAGER}/events",
            json={
                "subject": "x",
                "start": {"dateTime": "2030-01-07T09:00:00", "timeZone": "Mars/Olympus"},
                "end": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
            },
        )
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["code"] == "TimeZoneNotSupportedException"
        assert "Mars/Olympus" in error["message"]
        assert "innerError" in error
        bad_attendee = await client.post(
            f"/users/{MANAGER}/events",
            json={
                "subject": "x",
                "start": {"dateTime": "2030-01-07T09:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
                "attendees": [{"emailAddress": {"address": "not-an-address"}}],
            },
        )
        assert bad_attendee.status_code == 400
    assert await _events(graph, MANAGER) == []


async def test_get_schedule_reflects_events_and_working_hours(graph: GraphServiceClient) -> None:
    created = await _create(
        graph, SAM, _meeting("Deep work", MONDAY.replace(hour=14), attendees=(PRIYA,))
    )
    assert created.id is not None
    start, end = MONDAY.replace(hour=13), MONDAY.replace(hour=16)
    sam, priya = await _schedule(graph, [SAM, PRIYA], start, end, 30)
    assert sam.schedule_id == SAM
    assert sam.availability_view == "002200"
    assert priya.availability_view == "001100"
    assert sam.schedule_items is not None
    assert len(sam.schedule_items) == 1
    item = sam.schedule_items[0]
    assert item.subject == "Deep work"
    assert item.status == FreeBusyStatus.Busy
    assert item.location == "Room 4"
    assert item.start is not None
    assert item.start.date_time == "2030-01-07T14:00:00.0000000"
    assert priya.working_hours is not None
    assert priya.working_hours.time_zone is not None
    assert priya.working_hours.time_zone.name == "India Standard Time"
    assert priya.working_hours.start_time is not None
    assert priya.working_hours.start_time.hour == 10

    priya_copy = (await _events(graph, PRIYA))[0]
    assert priya_copy.id is not None
    await (
        graph.users.by_user_id(PRIYA)
        .events.by_event_id(priya_copy.id)
        .accept.post(AcceptPostRequestBody())
    )
    [priya] = await _schedule(graph, [PRIYA], start, end, 60)
    assert priya.availability_view == "020"


async def test_get_schedule_shows_out_of_office_and_unknown_people(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    now = sandbox.state.clock.now()
    next_monday = (now + timedelta(days=7 - now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = next_monday.replace(hour=9)
    lukas, stranger = await _schedule(
        graph, [LUKAS, "nobody@elsewhere.example"], start, start + timedelta(hours=2), 30
    )
    assert lukas.availability_view == "3333"
    assert lukas.working_hours is not None
    assert lukas.working_hours.days_of_week is not None
    assert len(lukas.working_hours.days_of_week) == 4
    assert stranger.schedule_id == "nobody@elsewhere.example"
    assert stranger.error is not None
    assert stranger.error.message
    assert stranger.error.response_code

    async with raw_client(sandbox) as client:
        answer = await client.post(
            f"/users/{MANAGER}/calendar/getSchedule",
            json={
                "schedules": [SAM],
                "startTime": {"dateTime": "2030-01-07T09:00:00", "timeZone": "UTC"},
                "endTime": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
                "availabilityViewInterval": 4,
            },
        )
        assert answer.status_code == 400
        assert answer.json()["error"]["code"]


async def test_get_schedule_after_moving_the_clock(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    sandbox.state.clock.set(MONDAY)
    await graph.users.by_user_id(SAM).mailbox_settings.patch(_always_away())
    [sam] = await _schedule(graph, [SAM], MONDAY, MONDAY + timedelta(hours=1), 15)
    assert sam.availability_view == "3333"


def _always_away() -> MailboxSettings:
    return MailboxSettings(
        automatic_replies_setting=AutomaticRepliesSetting(
            status=AutomaticRepliesStatus.AlwaysEnabled
        )
    )


async def test_every_write_to_a_copy_is_published(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    seen: list[ResourceChange] = []
    sandbox.state.changes.listen(seen.append)
    created = await _create(graph, MANAGER, _meeting("Watched", MONDAY.replace(hour=8)))
    assert created.id is not None
    await graph.users.by_user_id(MANAGER).events.by_event_id(created.id).delete()
    events = [(c.user_id, c.change_type) for c in seen if c.collection == "events"]
    manager, sam = user_id_for(MANAGER), user_id_for(SAM)
    assert events == [
        (manager, "created"),
        (sam, "created"),
        (sam, "updated"),
        (manager, "deleted"),
    ]
