"""Calendar activities against the sandbox: slots, invitations, responses and cancellations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_message_request import EventMessageRequest
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import (
    AcceptPostRequestBody,
)
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.calendar.activities import CalendarActivities
from activities.calendar.contracts import (
    MeetingCancellation,
    MeetingCreated,
    MeetingLookup,
    MeetingRequest,
    MeetingResponse,
    SlotSearch,
)
from domain.messages.kinds import MessageKind
from domain.models import CommitmentSpec, Person, TimeSlot
from sandbox.faults import Fault
from sandbox.server import SandboxServer
from tests.support.mailboxes import folder
from tests.support.people import LUKAS, MANAGER, PRIYA, SAM
from tests.support.sandbox import fail_nth_request_after_acceptance, faults_off

# Far enough ahead that the demo tenant's absences never touch it. In January London is on
# UTC and New York on UTC-5, so 09:00-17:00 for both overlaps 14:00-17:00 UTC.
WINTER_MONDAY = datetime(2030, 1, 7, tzinfo=UTC)
# In July London is UTC+1 and New York UTC-4: the overlap is 13:00-16:00 UTC.
SUMMER_MONDAY = datetime(2030, 7, 8, tzinfo=UTC)
MAYA = Person(email=MANAGER, display_name="Maya Chen")
SAM_OKAFOR = Person(email=SAM, display_name="Sam Okafor")


def _slot(start: datetime, minutes: int = 30) -> TimeSlot:
    return TimeSlot(start=start, end=start + timedelta(minutes=minutes))


async def _busy(graph: GraphServiceClient, user: str, start: datetime, minutes: int) -> None:
    def when(at: datetime) -> DateTimeTimeZone:
        return DateTimeTimeZone(date_time=at.strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC")

    event = Event(
        subject="Busy",
        start=when(start),
        end=when(start + timedelta(minutes=minutes)),
        show_as=FreeBusyStatus.Busy,
    )
    await graph.users.by_user_id(user).events.post(event)


async def _find(calendar: CalendarActivities, search: SlotSearch) -> TimeSlot | None:
    return await ActivityEnvironment().run(calendar.find_meeting_slot, search)


def _search(not_before: datetime, **changes: object) -> SlotSearch:
    return SlotSearch.model_validate(
        {"organizer": MAYA, "attendee": SAM_OKAFOR, "not_before": not_before, **changes}
    )


async def test_the_first_slot_is_inside_both_peoples_hours(calendar: CalendarActivities) -> None:
    assert await _find(calendar, _search(WINTER_MONDAY)) == _slot(WINTER_MONDAY.replace(hour=14))
    assert await _find(calendar, _search(SUMMER_MONDAY)) == _slot(SUMMER_MONDAY.replace(hour=13))


async def test_busy_time_on_either_calendar_is_avoided(
    calendar: CalendarActivities, graph: GraphServiceClient
) -> None:
    await _busy(graph, MANAGER, WINTER_MONDAY.replace(hour=14), 60)
    await _busy(graph, SAM, WINTER_MONDAY.replace(hour=15), 30)
    found = await _find(calendar, _search(WINTER_MONDAY, duration=timedelta(hours=1)))
    assert found == _slot(WINTER_MONDAY.replace(hour=15, minute=30), 60)


async def test_declined_slots_and_a_late_start_are_respected(
    calendar: CalendarActivities,
) -> None:
    declined = _slot(WINTER_MONDAY.replace(hour=14))
    found = await _find(calendar, _search(WINTER_MONDAY, exclude=[declined]))
    assert found == _slot(WINTER_MONDAY.replace(hour=14, minute=30))
    # After 17:00 in London the day is over for Maya: the next slot is Tuesday.
    late = WINTER_MONDAY.replace(hour=16, minute=45)
    assert await _find(calendar, _search(late)) == _slot(late + timedelta(hours=21, minutes=15))


async def test_no_slot_when_the_window_is_full(
    calendar: CalendarActivities, graph: GraphServiceClient
) -> None:
    await _busy(graph, SAM, WINTER_MONDAY.replace(hour=14), 3 * 60)
    assert await _find(calendar, _search(WINTER_MONDAY, working_days=1)) is None


async def test_an_absence_pushes_the_slot_past_it(
    calendar: CalendarActivities, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    away = next(u.out_of_office for u in sandbox.state.tenant.users if u.upn == LUKAS)
    assert away is not None
    assert away.start is not None
    assert away.end is not None
    lukas = Person(email=LUKAS, display_name="Lukas Weber")
    search = SlotSearch(organizer=MAYA, attendee=lukas, not_before=away.start, working_days=10)
    found = await _find(calendar, search)
    assert found is not None
    assert found.start >= away.end


def _request(
    spec: CommitmentSpec, transaction_id: str = "commitment-1:meeting:1"
) -> MeetingRequest:
    return MeetingRequest(
        transaction_id=transaction_id,
        commitment_id="commitment-1",
        kind=MessageKind.CONVERSATION_AGENDA,
        spec=spec,
        slot=_slot(WINTER_MONDAY.replace(hour=14)),
        attendee_time_zone="America/New_York",
        details={"after_deadline": True},
    )


async def _schedule(calendar: CalendarActivities, request: MeetingRequest) -> MeetingCreated:
    return await ActivityEnvironment().run(calendar.schedule_meeting, request)


async def _invitations(graph: GraphServiceClient) -> list[EventMessageRequest]:
    return [m for m in await folder(graph, SAM, "inbox") if isinstance(m, EventMessageRequest)]


async def _events(graph: GraphServiceClient, user: str) -> list[Event]:
    listed = await graph.users.by_user_id(user).events.get()
    assert listed is not None
    assert listed.value is not None
    return listed.value


async def test_a_meeting_lands_on_both_calendars_once(
    calendar: CalendarActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    first = await _schedule(calendar, _request(spec))
    second = await _schedule(calendar, _request(spec))
    assert first == second
    [event] = await _events(graph, MANAGER)
    assert event.id == first.event_id
    assert event.transaction_id == "commitment-1:meeting:1"
    assert event.start is not None
    assert event.start.date_time is not None
    assert event.start.date_time.startswith("2030-01-07T14:00:00")
    assert event.subject
    assert spec.title in event.subject
    # The agenda speaks to the owner, in their zone.
    assert event.body is not None
    assert "America/New_York" in str(event.body.content)
    assert [a.email_address.address for a in event.attendees or [] if a.email_address] == [SAM]
    assert len(await _invitations(graph)) == 1
    assert len(await _events(graph, SAM)) == 1


async def test_a_retried_create_relies_on_the_transaction_id(
    calendar: CalendarActivities,
    graph: GraphServiceClient,
    spec: CommitmentSpec,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def cannot_filter(_organizer: str, _transaction_id: str) -> None:
        return None

    # As if Graph could not filter on transactionId: only the create itself deduplicates.
    monkeypatch.setattr(calendar, "_event_with_transaction", cannot_filter)
    first = await _schedule(calendar, _request(spec))
    second = await _schedule(calendar, _request(spec))
    assert first.event_id == second.event_id
    assert len(await _events(graph, MANAGER)) == 1
    assert len(await _invitations(graph)) == 1
    third = await _schedule(calendar, _request(spec, "commitment-1:meeting:2"))
    assert third.event_id != first.event_id


@pytest.mark.parametrize("failure", [Fault.GATEWAY_TIMEOUT, Fault.DROP_CONNECTION])
async def test_a_create_that_failed_after_acceptance_is_not_repeated(
    calendar: CalendarActivities,
    graph: GraphServiceClient,
    sandbox: SandboxServer,
    spec: CommitmentSpec,
    failure: Fault,
) -> None:
    # The first request looks for the transaction id; the second creates the event.
    fail_nth_request_after_acceptance(sandbox, 2, failure)
    with pytest.raises(ApplicationError) as caught:
        await _schedule(calendar, _request(spec))
    assert caught.value.non_retryable is False
    faults_off(sandbox)
    retried = await _schedule(calendar, _request(spec))
    [event] = await _events(graph, MANAGER)
    assert retried.event_id == event.id
    assert len(await _invitations(graph)) == 1


async def _response(calendar: CalendarActivities, event_id: str) -> MeetingResponse:
    lookup = MeetingLookup(organizer=MANAGER, event_id=event_id, attendee=SAM.upper())
    return await ActivityEnvironment().run(calendar.get_meeting_response, lookup)


async def _sams_copy(graph: GraphServiceClient) -> str:
    [copy] = await _events(graph, SAM)
    assert copy.id is not None
    return copy.id


async def test_the_owners_answer_is_read_from_the_organizers_event(
    calendar: CalendarActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    created = await _schedule(calendar, _request(spec))
    assert await _response(calendar, created.event_id) == MeetingResponse(response="none")

    sams = graph.users.by_user_id(SAM).events.by_event_id(await _sams_copy(graph))
    await sams.decline.post(DeclinePostRequestBody(comment="Clashes", send_response=True))
    assert await _response(calendar, created.event_id) == MeetingResponse(response="declined")

    await sams.accept.post(AcceptPostRequestBody(send_response=True))
    assert await _response(calendar, created.event_id) == MeetingResponse(response="accepted")


async def _cancel(calendar: CalendarActivities, organizer: str, event_id: str) -> None:
    cancellation = MeetingCancellation(organizer=organizer, event_id=event_id, comment="Sorted")
    await ActivityEnvironment().run(calendar.cancel_meeting, cancellation)


async def test_cancelling_twice_or_after_deletion_is_quiet(
    calendar: CalendarActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    created = await _schedule(calendar, _request(spec))
    await _cancel(calendar, MANAGER, created.event_id)
    [copy] = await _events(graph, SAM)
    assert copy.is_cancelled is True
    assert await _response(calendar, created.event_id) == MeetingResponse(
        response="none", cancelled=True
    )
    await _cancel(calendar, MANAGER, created.event_id)
    cancellations = [m for m in await folder(graph, SAM, "inbox") if "Canceled" in str(m.subject)]
    assert len(cancellations) == 1

    await graph.users.by_user_id(MANAGER).events.by_event_id(created.event_id).delete()
    await _cancel(calendar, MANAGER, created.event_id)
    assert await _response(calendar, created.event_id) == MeetingResponse(
        response="none", cancelled=True
    )


async def test_cancelling_as_an_attendee_is_a_400_that_fails_for_good(
    calendar: CalendarActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    await _schedule(calendar, _request(spec))
    with pytest.raises(ApplicationError) as caught:
        await _cancel(calendar, SAM, await _sams_copy(graph))
    assert caught.value.non_retryable is True
    assert caught.value.type == "GraphClientError"
    assert list(caught.value.details) == [400, "ErrorAccessDenied"]


async def test_a_clarification_invite_carries_the_owners_question(
    calendar: CalendarActivities, graph: GraphServiceClient, spec: CommitmentSpec
) -> None:
    request = _request(spec).model_copy(
        update={
            "kind": MessageKind.CLARIFICATION_INVITE,
            "details": {"owner_question": "Which quarters count?"},
        }
    )
    created = await _schedule(calendar, request)
    event = await graph.users.by_user_id(MANAGER).events.by_event_id(created.event_id).get()
    assert event is not None
    assert event.body is not None
    assert "Which quarters count?" in str(event.body.content)


async def test_kolkata_and_new_york_meet_at_the_edge_of_their_days(
    calendar: CalendarActivities, graph: GraphServiceClient
) -> None:
    priya = Person(email=PRIYA, display_name="Priya Raman")
    # Kolkata works 10:00-18:30 (04:30-13:00 UTC), New York 09:00-17:00 (14:00-22:00 UTC).
    search = SlotSearch(organizer=priya, attendee=SAM_OKAFOR, not_before=WINTER_MONDAY)
    assert await _find(calendar, search) is None
    edge = await _find(calendar, search.model_copy(update={"at_the_edge": True}))
    # The end of Priya's day, an hour and a half before Sam's starts.
    assert edge == _slot(WINTER_MONDAY.replace(hour=12, minute=30))
    # Busy then: the next edge, the start of Sam's day, 90 minutes after Priya's ends.
    await _busy(graph, PRIYA, WINTER_MONDAY.replace(hour=12, minute=30), 30)
    edge = await _find(calendar, search.model_copy(update={"at_the_edge": True}))
    assert edge == _slot(WINTER_MONDAY.replace(hour=14))
