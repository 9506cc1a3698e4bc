"""Recurring events through the real Graph SDK against a live sandbox, as Exchange keeps them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_type import EventType
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
from msgraph.generated.models.response_type import ResponseType
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)
from msgraph.generated.users.item.events.item.instances.instances_request_builder import (
    InstancesRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient

from sandbox.server import SandboxServer
from tests.support.people import MANAGER, SAM
from tests.support.sandbox import raw_client

LONDON = "Europe/London"
# Mondays around the UK's change to summer time on Sunday 31 March 2030.
FIRST_MONDAY = date(2030, 3, 18)
WEEKS = 4


def _weekly_one_on_one(count: int | None = None) -> Event:
    start = datetime(2030, 3, 18, 10, 0)
    return Event(
        subject="Maya / Sam 1:1",
        start=DateTimeTimeZone(date_time=start.isoformat(), time_zone=LONDON),
        end=DateTimeTimeZone(
            date_time=(start + timedelta(minutes=30)).isoformat(), time_zone=LONDON
        ),
        attendees=[Attendee(email_address=EmailAddress(address=SAM), type=AttendeeType.Required)],
        recurrence=PatternedRecurrence(
            pattern=RecurrencePattern(
                type=RecurrencePatternType.Weekly,
                interval=1,
                days_of_week=[DayOfWeek.Monday],
                first_day_of_week=DayOfWeek.Monday,
            ),
            range=RecurrenceRange(
                type=RecurrenceRangeType.Numbered if count else RecurrenceRangeType.NoEnd,
                start_date=FIRST_MONDAY,
                number_of_occurrences=count or 0,
            ),
        ),
    )


async def _view(
    graph: GraphServiceClient, user: str, start: datetime, end: datetime
) -> list[Event]:
    parameters = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=start.isoformat(), end_date_time=end.isoformat(), top=100
    )
    page = await graph.users.by_user_id(user).calendar_view.get(
        RequestConfiguration(query_parameters=parameters)
    )
    assert page is not None
    return list(page.value or [])


def _utc(value: DateTimeTimeZone | None) -> datetime:
    assert value is not None and value.date_time is not None
    assert value.time_zone == "UTC"
    return datetime.fromisoformat(value.date_time[:19]).replace(tzinfo=UTC)


WINDOW = (datetime(2030, 3, 17, tzinfo=UTC), datetime(2030, 4, 14, tzinfo=UTC))


@pytest.mark.timeout(60)
async def test_a_weekly_series_keeps_its_local_time_across_daylight_saving(
    graph: GraphServiceClient,
) -> None:
    master = await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one())
    assert master is not None and master.id is not None
    assert master.type == EventType.SeriesMaster
    assert master.recurrence is not None and master.recurrence.range is not None
    assert master.recurrence.range.recurrence_time_zone == LONDON

    occurrences = await _view(graph, MANAGER, *WINDOW)
    starts = [_utc(item.start) for item in occurrences]
    # 10:00 in London is 10:00 UTC before 31 March and 09:00 UTC after it.
    assert starts == [
        datetime(2030, 3, 18, 10, tzinfo=UTC),
        datetime(2030, 3, 25, 10, tzinfo=UTC),
        datetime(2030, 4, 1, 9, tzinfo=UTC),
        datetime(2030, 4, 8, 9, tzinfo=UTC),
    ]
    assert {item.type for item in occurrences} == {EventType.Occurrence}
    assert {item.series_master_id for item in occurrences} == {master.id}
    assert len({item.id for item in occurrences}) == WEEKS
    assert [item.original_start for item in occurrences] == starts

    # The attendee's own copy expands the same way.
    theirs = await _view(graph, SAM, *WINDOW)
    assert [_utc(item.start) for item in theirs] == starts

    one = occurrences[2]
    assert one.id is not None
    fetched = await graph.users.by_user_id(MANAGER).events.by_event_id(one.id).get()
    assert fetched is not None and _utc(fetched.start) == starts[2]

    parameters = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time=WINDOW[0].isoformat(), end_date_time=WINDOW[1].isoformat()
    )
    instances = await (
        graph.users.by_user_id(MANAGER)
        .events.by_event_id(master.id)
        .instances.get(RequestConfiguration(query_parameters=parameters))
    )
    assert instances is not None
    assert [_utc(item.start) for item in instances.value or []] == starts

    # /events lists the series once, as its master.
    listed = await graph.users.by_user_id(MANAGER).events.get()
    assert listed is not None
    assert [item.id for item in listed.value or []] == [master.id]


@pytest.mark.timeout(60)
async def test_a_cancelled_occurrence_leaves_every_view_and_is_named_on_the_master(
    graph: GraphServiceClient,
) -> None:
    master = await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one())
    assert master is not None and master.id is not None
    second = (await _view(graph, MANAGER, *WINDOW))[1]
    assert second.id is not None

    await graph.users.by_user_id(MANAGER).events.by_event_id(second.id).delete()

    left = await _view(graph, MANAGER, *WINDOW)
    assert [_utc(item.start).date() for item in left] == [
        date(2030, 3, 18),
        date(2030, 4, 1),
        date(2030, 4, 8),
    ]
    assert [_utc(item.start).date() for item in await _view(graph, SAM, *WINDOW)] == [
        date(2030, 3, 18),
        date(2030, 4, 1),
        date(2030, 4, 8),
    ]
    stored = await graph.users.by_user_id(MANAGER).events.by_event_id(master.id).get()
    assert stored is not None
    assert stored.cancelled_occurrences == [f"OID.{master.id}.2030-03-25"]
    with pytest.raises(ODataError) as gone:
        await graph.users.by_user_id(MANAGER).events.by_event_id(second.id).get()
    assert gone.value.response_status_code == 404

    # Cancelling another one through the cancel action works the same way.
    third = left[1]
    assert third.id is not None
    from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
        CancelPostRequestBody,
    )

    await (
        graph.users.by_user_id(MANAGER)
        .events.by_event_id(third.id)
        .cancel.post(CancelPostRequestBody(comment="Away that day"))
    )
    assert len(await _view(graph, SAM, *WINDOW)) == 2


@pytest.mark.timeout(60)
async def test_a_moved_occurrence_becomes_an_exception_on_both_calendars(
    graph: GraphServiceClient,
) -> None:
    master = await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one(count=3))
    assert master is not None
    first = (await _view(graph, MANAGER, *WINDOW))[0]
    assert first.id is not None
    moved = datetime(2030, 3, 19, 14, tzinfo=UTC)
    await (
        graph.users.by_user_id(MANAGER)
        .events.by_event_id(first.id)
        .patch(
            Event(
                start=DateTimeTimeZone(
                    date_time=moved.strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
                ),
                end=DateTimeTimeZone(
                    date_time=(moved + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S"),
                    time_zone="UTC",
                ),
            )
        )
    )
    for user in (MANAGER, SAM):
        shown = await _view(graph, user, *WINDOW)
        # Three occurrences in all (a numbered range), the first one moved to Tuesday.
        assert [_utc(item.start) for item in shown] == [
            moved,
            datetime(2030, 3, 25, 10, tzinfo=UTC),
            datetime(2030, 4, 1, 9, tzinfo=UTC),
        ]
        assert shown[0].type == EventType.Exception
        assert shown[0].original_start == datetime(2030, 3, 18, 10, tzinfo=UTC)


@pytest.mark.timeout(60)
async def test_get_schedule_counts_each_occurrence(graph: GraphServiceClient) -> None:
    await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one())
    start = datetime(2030, 4, 1, 8, tzinfo=UTC)
    answer = await graph.users.by_user_id(MANAGER).calendar.get_schedule.post(
        GetSchedulePostRequestBody(
            schedules=[MANAGER],
            start_time=DateTimeTimeZone(date_time="2030-04-01T08:00:00", time_zone="UTC"),
            end_time=DateTimeTimeZone(date_time="2030-04-01T11:00:00", time_zone="UTC"),
            availability_view_interval=30,
        )
    )
    assert answer is not None and answer.value
    # The 09:00 UTC (10:00 London) occurrence fills the third half hour.
    assert answer.value[0].availability_view == "002000"
    items = answer.value[0].schedule_items or []
    assert [_utc(item.start) for item in items] == [start + timedelta(hours=1)]


BAD_RECURRENCES: list[dict[str, Any]] = [
    # A weekly pattern without its days.
    {
        "pattern": {"type": "weekly", "interval": 1},
        "range": {"type": "noEnd", "startDate": "2030-03-18"},
    },
    # A pattern type the metadata does not know.
    {
        "pattern": {"type": "fortnightly", "interval": 1},
        "range": {"type": "noEnd", "startDate": "2030-03-18"},
    },
    # An interval of zero.
    {
        "pattern": {"type": "daily", "interval": 0},
        "range": {"type": "noEnd", "startDate": "2030-03-18"},
    },
    # A range ending before it starts.
    {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "endDate", "startDate": "2030-03-18", "endDate": "2030-03-01"},
    },
    # A monthly pattern without its day.
    {
        "pattern": {"type": "absoluteMonthly", "interval": 1},
        "range": {"type": "numbered", "startDate": "2030-03-18", "numberOfOccurrences": 3},
    },
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("recurrence", BAD_RECURRENCES)
async def test_a_recurrence_graph_would_refuse_is_a_400_in_graphs_shape(
    sandbox: SandboxServer, recurrence: dict[str, Any]
) -> None:
    body = {
        "subject": "1:1",
        "start": {"dateTime": "2030-03-18T10:00:00", "timeZone": LONDON},
        "end": {"dateTime": "2030-03-18T10:30:00", "timeZone": LONDON},
        "recurrence": recurrence,
    }
    async with raw_client(sandbox) as client:
        response = await client.post(f"/users/{MANAGER}/events", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in {"RequestBodyRead", "ErrorPropertyValidationFailure"}
    assert error["message"]


@pytest.mark.timeout(60)
async def test_an_attendee_removing_an_occurrence_removes_it_from_their_calendar_only(
    graph: GraphServiceClient,
) -> None:
    await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one(count=2))
    theirs = await _view(graph, SAM, *WINDOW)
    assert theirs[0].id is not None
    # Only the organizer changes the meeting itself; the attendee may keep their own notes.
    with pytest.raises(ODataError) as refused:
        await (
            graph.users.by_user_id(SAM)
            .events.by_event_id(theirs[0].id)
            .patch(Event(subject="Renamed"))
        )
    assert refused.value.response_status_code == 400

    await graph.users.by_user_id(SAM).events.by_event_id(theirs[0].id).delete()

    assert len(await _view(graph, SAM, *WINDOW)) == 1
    assert len(await _view(graph, MANAGER, *WINDOW)) == 2


@pytest.mark.timeout(60)
async def test_an_attendee_declining_one_occurrence_makes_it_an_exception_the_organizer_sees(
    graph: GraphServiceClient,
) -> None:
    master = await graph.users.by_user_id(MANAGER).events.post(_weekly_one_on_one())
    assert master is not None and master.id is not None
    theirs = await _view(graph, SAM, *WINDOW)
    one = theirs[1].id
    assert one is not None
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(one)
        .decline.post(DeclinePostRequestBody(comment="Away that day", send_response=True))
    )
    after = await _view(graph, SAM, *WINDOW)
    assert [item.type for item in after] == [
        EventType.Occurrence,
        EventType.Exception,
        EventType.Occurrence,
        EventType.Occurrence,
    ]
    declined = after[1]
    assert declined.response_status is not None
    assert declined.response_status.response == ResponseType.Declined
    # The organizer's occurrence records the answer; the others are untouched.
    mine = await _view(graph, MANAGER, *WINDOW)
    assert [item.type for item in mine][1] == EventType.Exception
    (sam,) = mine[1].attendees or []
    assert sam.status is not None and sam.status.response == ResponseType.Declined
    (other,) = mine[0].attendees or []
    assert other.status is not None and other.status.response != ResponseType.Declined
