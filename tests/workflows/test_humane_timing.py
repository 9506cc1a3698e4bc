"""Humane timing for every contact, on the time-skipping server against the sandbox.

People in London (Maya), New York (Sam), Kolkata (Priya), Berlin on a four-day week (Lukas)
and Sydney (Jun, moved there for these tests); the rules themselves are checked in
tests/domain/test_contact_timing.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.contact_timing import coaching_note_in_time, miss_not_before
from domain.models import CheckInAnswer, Person
from domain.working_time import PersonSchedule, add_working_time, is_reachable
from sandbox.server import SandboxServer
from tests.support.lifecycle import Lifecycle, act, spec_for
from tests.support.mailboxes import events_of, from_agent, mailbox, received_at
from tests.support.people import JUN, LUKAS, MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentView,
    LetsTalk,
    Release,
    ReviseExpectation,
)
from workflows.commitment.state import MeetingRecord
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
LUKAS_PERSON = Person(email=LUKAS, display_name="Lukas Weber")
JUN_PERSON = Person(email=JUN, display_name="Jun Park")
PRIYA_PERSON = Person(email=PRIYA, display_name="Priya Raman")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")

Handle = WorkflowHandle[CommitmentWorkflow, CommitmentView]


def _schedule(sandbox: SandboxServer, address: str) -> PersonSchedule:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))


def _next_local(after: datetime, zone: ZoneInfo, at: time, weekdays: range) -> datetime:
    """The first ``at`` local time on one of ``weekdays`` strictly after ``after``."""
    day = after.astimezone(zone).date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > after and candidate.weekday() in weekdays:
            return candidate
        day += timedelta(days=1)


async def _sleep_until(env: WorkflowEnvironment, when: datetime) -> None:
    now = await env.get_current_time()
    if when > now:
        await env.sleep(when - now)


async def _view(handle: Handle) -> CommitmentView:
    return await handle.query(CommitmentWorkflow.view)


async def _history_has(handle: Handle, kind: str, count: int = 1) -> CommitmentView | None:
    view = await _view(handle)
    return view if sum(entry.kind == kind for entry in view.history) >= count else None


async def _until_history(handle: Handle, kind: str, count: int = 1) -> CommitmentView:
    view = await eventually(lambda: _history_has(handle, kind, count))
    assert view is not None
    return view


async def _until_listed(find: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    found = await eventually(find)
    assert found
    return found


async def _until_meeting(handle: Handle, other_than: str | None = None) -> MeetingRecord:
    meeting = await eventually(lambda: _meeting_of(handle, other_than))
    assert meeting is not None
    return meeting


def _times(view: CommitmentView, kind: str) -> list[datetime]:
    return [entry.at for entry in view.history if entry.kind == kind]


async def _release(handle: Handle, manager: str = MANAGER) -> None:
    _ = await act(handle, CommitmentWorkflow.release, Release(actor=manager))
    await handle.result()


async def _work_in(
    graph: GraphServiceClient, address: str, zone: str, start: time, hours: int = 8
) -> None:
    """Move someone to a zone, working Monday to Friday from ``start`` for ``hours``."""
    end = time((start.hour + hours) % 24, start.minute)
    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            time_zone=zone,
            working_hours=WorkingHours(
                days_of_week=[
                    DayOfWeek.Monday,
                    DayOfWeek.Tuesday,
                    DayOfWeek.Wednesday,
                    DayOfWeek.Thursday,
                    DayOfWeek.Friday,
                ],
                start_time=start,
                end_time=end,
                time_zone=TimeZoneBase(name=zone),
            ),
        )
    )


async def test_check_ins_are_a_working_day_apart_and_after_an_answer(
    temporal_env: WorkflowEnvironment, lifecycle: Lifecycle, sandbox: SandboxServer
) -> None:
    sam = _schedule(sandbox, SAM)
    # Accepted on a Thursday afternoon with a two-day cadence: Saturday's check-in is held to
    # Monday morning, a little before Monday's own.
    thursday = _next_local(lifecycle.now + timedelta(days=1), NEW_YORK, time(10), range(3, 4))
    handle = await lifecycle.start(
        spec_for(SAM_PERSON, thursday + timedelta(days=8), cadence=timedelta(days=2))
    )
    await _sleep_until(temporal_env, thursday)
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    monday = _next_local(thursday, NEW_YORK, time(9, 5), range(0, 1))
    await _sleep_until(temporal_env, monday)
    await _until_history(handle, "sent:check_in")
    _ = await act(
        handle,
        CommitmentWorkflow.check_in,
        CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.ON_TRACK),
    )
    await temporal_env.sleep(timedelta(days=3))
    view = await _until_history(handle, "sent:check_in", 2)
    asked = _times(view, "sent:check_in")
    day = sam.working_hours.day_length
    for earlier, later in itertools.pairwise(asked):
        assert later >= add_working_time(earlier, day, sam), asked
    for answer in view.check_ins:
        quiet_until = add_working_time(answer.at, day, sam)
        assert not [at for at in asked if answer.at < at < quiet_until], (answer.at, asked)
    assert all(is_reachable(at, sam) for at in asked)
    await _release(handle)


async def _busy(graph: GraphServiceClient, address: str, start: datetime, end: datetime) -> None:
    def when(at: datetime) -> DateTimeTimeZone:
        return DateTimeTimeZone(
            date_time=at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
        )

    event = Event(subject="Busy", start=when(start), end=when(end), show_as=FreeBusyStatus.Busy)
    await graph.users.by_user_id(address).events.post(event)


def _meeting_messages(sandbox: SandboxServer, address: str, kind: str) -> list[dict[str, Any]]:
    return [m for m in mailbox(sandbox, address) if m.get("meetingMessageType") == kind]


async def test_invitations_and_cancellations_reach_people_in_their_hours_after_the_reason(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    sam, maya = _schedule(sandbox, SAM), _schedule(sandbox, MANAGER)
    handle = await lifecycle.start(spec_for(SAM_PERSON, lifecycle.now + timedelta(days=14)))
    # Monday to Wednesday, 22:30 in London, 17:30 in New York: both have finished for the day.
    evening = _next_local(lifecycle.now + timedelta(hours=1), LONDON, time(22, 30), range(0, 3))
    # Maya's calendar is full until 15:00 two days later, so the 1:1 is not the next day.
    two_days_on = datetime.combine(evening.date() + timedelta(days=2), time(15), tzinfo=LONDON)
    await _busy(graph, MANAGER, evening, two_days_on)
    await _sleep_until(temporal_env, evening)
    _ = await act(
        handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?")
    )
    await temporal_env.sleep(timedelta(hours=20))
    (invitation,) = await _until_listed(lambda: _meeting_messages(sandbox, SAM, "meetingRequest"))
    assert is_reachable(received_at(invitation), sam)
    assert is_reachable(received_at(invitation), maya)
    # The next evening Maya revises the expectation: the 1:1 is no longer needed.
    next_evening = evening + timedelta(days=1)
    await _sleep_until(temporal_env, next_evening)
    _ = await act(
        handle,
        CommitmentWorkflow.revise_expectation,
        ReviseExpectation(
            actor=MANAGER,
            due=lifecycle.now + timedelta(days=21),
            reason="Finance needs a week more.",
        ),
    )
    await temporal_env.sleep(timedelta(days=1, hours=2))
    (cancellation,) = await _until_listed(
        lambda: _meeting_messages(sandbox, SAM, "meetingCancelled")
    )
    await _until_history(handle, "sent:expectation_revised")
    (explanation,) = [m for m in from_agent(sandbox, SAM) if "updated" in m["subject"].lower()]
    assert received_at(cancellation) >= received_at(explanation)
    assert is_reachable(received_at(cancellation), sam)
    assert is_reachable(received_at(cancellation), maya)
    await _release(handle)


async def test_kolkata_and_new_york_meet_at_the_edge_and_each_hears_in_their_hours(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
) -> None:
    sam, priya = _schedule(sandbox, SAM), _schedule(sandbox, PRIYA)
    spec = spec_for(SAM_PERSON, lifecycle.now + timedelta(days=10), manager=PRIYA_PERSON)
    handle = await lifecycle.start(spec)
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    _ = await act(handle, CommitmentWorkflow.request_conversation, ActorAction(actor=PRIYA))
    # A week, whatever day it starts on: a weekend can stand between the two messages.
    await temporal_env.sleep(timedelta(days=7))
    view = await _until_history(handle, "sent:meeting_outside_hours", 2)
    assert view.meeting is not None
    slot = view.meeting.slot
    inside = [is_reachable(slot.start, person) for person in (sam, priya)]
    assert sorted(inside) == [False, True]
    assert not any(entry.kind == "no_free_slot" for entry in view.history)
    for address, schedule in ((SAM, sam), (PRIYA, priya)):
        told = [m for m in from_agent(sandbox, address) if "time of your 1:1" in m["subject"]]
        assert len(told) == 1 and is_reachable(received_at(told[0]), schedule)
    await _release(handle, PRIYA)


async def test_sydney_and_london_talk_in_writing_rather_than_in_silence(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await _work_in(graph, JUN, "AUS Eastern Standard Time", time(9))
    jun, maya = _schedule(sandbox, JUN), _schedule(sandbox, MANAGER)
    handle = await lifecycle.start(spec_for(JUN_PERSON, lifecycle.now + timedelta(days=4)))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=JUN))
    await temporal_env.sleep(timedelta(days=10))
    view = await _until_history(handle, "sent:written_conversation", 2)
    kinds = [entry.kind for entry in view.history]
    assert kinds.count("written_conversation") == 1
    assert "no_free_slot" not in kinds and view.meeting is None
    for address, schedule in ((JUN, jun), (MANAGER, maya)):
        (written,) = [m for m in from_agent(sandbox, address) if "in writing" in m["subject"]]
        assert is_reachable(received_at(written), schedule)
    await _release(handle)


async def test_the_1_1_after_a_miss_leaves_time_to_hear_and_to_prepare(
    temporal_env: WorkflowEnvironment, lifecycle: Lifecycle, sandbox: SandboxServer
) -> None:
    sam, maya = _schedule(sandbox, SAM), _schedule(sandbox, MANAGER)
    handle = await lifecycle.start(spec_for(SAM_PERSON, lifecycle.now + timedelta(days=3)))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await temporal_env.sleep(timedelta(days=7))
    view = await _until_history(handle, "sent:coaching_note")
    view = await _until_history(handle, "sent:deadline_passed_owner")
    assert view.meeting is not None
    start = view.meeting.slot.start
    (heard,) = _times(view, "sent:deadline_passed_owner")
    assert start >= add_working_time(heard, sam.working_hours.day_length / 2, sam)
    (coached,) = _times(view, "sent:coaching_note")
    assert coaching_note_in_time(coached, start, maya)
    await _release(handle)


async def test_after_an_absence_a_working_day_passes_before_the_miss(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # Lukas works Monday to Thursday in Berlin; he is away from Monday to Friday, and the
    # due date falls on the Wednesday.
    monday = _next_local(lifecycle.now + timedelta(days=1), BERLIN, time(0), range(0, 1))
    await _away(graph, LUKAS, monday, monday + timedelta(days=5))
    lukas = _schedule(sandbox, LUKAS)
    back = lukas.automatic_replies.scheduled_end
    assert back is not None
    handle = await lifecycle.start(spec_for(LUKAS_PERSON, monday + timedelta(days=2, hours=10)))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=LUKAS))
    await _sleep_until(temporal_env, back + timedelta(days=6))
    view = await _until_history(handle, "sent:deadline_passed_owner")
    kinds = [entry.kind for entry in view.history]
    assert kinds.index("deadline_in_absence") < kinds.index("owner_returned")
    # Back on Saturday: Monday, Tuesday and Wednesday are his; Thursday is the first day
    # a miss may be told (a working day after Monday's start, at the earliest).
    (returned,) = _times(view, "owner_returned")
    (told,) = _times(view, "sent:deadline_passed_owner")
    assert returned >= miss_not_before(back, lukas)
    assert told >= miss_not_before(back, lukas)
    await _release(handle)


async def _away(graph: GraphServiceClient, address: str, start: datetime, end: datetime) -> None:
    def when(at: datetime) -> DateTimeTimeZone:
        return DateTimeTimeZone(
            date_time=at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
        )

    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            automatic_replies_setting=AutomaticRepliesSetting(
                status=AutomaticRepliesStatus.Scheduled,
                scheduled_start_date_time=when(start),
                scheduled_end_date_time=when(end),
            )
        )
    )


async def test_a_declined_1_1_leaves_the_organizers_calendar_when_the_next_is_booked(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    handle = await lifecycle.start(spec_for(SAM_PERSON, lifecycle.now + timedelta(days=14)))
    morning = _next_local(lifecycle.now, NEW_YORK, time(10), range(0, 4))
    await _sleep_until(temporal_env, morning)
    _ = await act(
        handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?")
    )
    first = await _until_meeting(handle)
    (sam_copy,) = await _until_listed(
        lambda: [e for e in events_of(sandbox, SAM) if not e.get("isOrganizer")]
    )
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(sam_copy["id"])
        .decline.post(DeclinePostRequestBody(comment="At the dentist then.", send_response=True))
    )
    # Seen at the next look; the next invitation waits for both people's hours.
    await temporal_env.sleep(timedelta(days=1))
    second = await _until_meeting(handle, other_than=first.event_id)
    kept = [e["id"] for e in events_of(sandbox, MANAGER) if not e.get("isCancelled")]
    assert kept == [second.event_id]
    await _release(handle)


async def _meeting_of(handle: Handle, other_than: str | None = None) -> MeetingRecord | None:
    meeting = (await _view(handle)).meeting
    if meeting is None or meeting.event_id == other_than:
        return None
    return meeting
