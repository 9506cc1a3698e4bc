"""The regular 1:1's agenda and offer, on the time-skipping server against the sandbox.

Real activities read Maya's calendar (a weekly 1:1 with Sam, expanded by the sandbox as
Exchange would), both people's mailbox settings and free/busy, and mail the sandbox; only the
commitments the agenda speaks about come from a stand-in (the time-skipping server has no
visibility queries). The module has its own server (tests/workflows/conftest.py), so months
can be skipped to reach a daylight-saving change.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.converter import DataConverter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.agenda.activities import AgendaActivities
from activities.agenda.contracts import LIST_AGENDA_MANAGERS, ManagerListing, Managers
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.models import CheckIn, CheckInAnswer, CommitmentStatus, Person
from domain.working_time import WEEKDAYS
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer
from sandbox.tenant import user_id_for
from tests.support.digests import a_view
from tests.support.people import AGENT, LUKAS, MANAGER, PRIYA, SAM
from tests.support.temporal import time_skipping_server
from workflows.agenda.contracts import (
    OFFER_QUERY,
    PLAN_WORKFLOW,
    SWEEP_WORKFLOW,
    AgendaOutcome,
    AgendaResult,
    OfferState,
    PlanOutcome,
    PlanRun,
    agenda_id_for,
    offer_id_for,
)
from workflows.agenda.workflow import (
    AgendaSweepWorkflow,
    AgendaWorkflow,
    OneOnOneOfferWorkflow,
    OneOnOnePlanWorkflow,
)
from workflows.commitment.contracts import CommitmentView
from workflows.person.client import TemporalPersonStore
from workflows.person.workflow import PersonWorkflow
from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MAYA = Person(email=MANAGER, display_name="Maya Chen")
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


class OneCommitment:
    """Stands in for Temporal's commitments: Sam has one, blocked."""

    def __init__(self) -> None:
        blocked = CheckIn(
            at=datetime.now(UTC), answer=CheckInAnswer.BLOCKED, note="Waiting for data access"
        )
        self.view = a_view(MAYA, SAM_PERSON, CommitmentStatus.ACTIVE, check_ins=[blocked])

    async def commitments_of(
        self, report: str, manager: str, since: datetime
    ) -> list[CommitmentView]:
        del since  # every stand-in commitment is recent
        return [self.view] if (report, manager) == (SAM, MANAGER) else []

    async def status_of(self, commitment_id: str) -> CommitmentStatus | None:
        del commitment_id
        return None


async def office_hours(graph: GraphServiceClient, address: str, zone: str) -> None:
    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            time_zone=zone,
            working_hours=WorkingHours(
                days_of_week=[DayOfWeek(day) for day in WEEKDAYS[:5]],
                start_time=time(9),
                end_time=time(17),
                time_zone=TimeZoneBase(name=zone),
            ),
        )
    )


def monday_after_summer_time(after: datetime) -> date:
    """The first Monday after London next moves its clocks forward."""
    day = after.date()
    while (
        datetime.combine(day + timedelta(days=1), time(12), LONDON).utcoffset() or timedelta()
    ) <= (datetime.combine(day, time(12), LONDON).utcoffset() or timedelta()):
        day += timedelta(days=1)
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def weekly_one_on_one(first_monday: date, *, organizer_is_report: bool = False) -> Event:
    start = datetime.combine(first_monday, time(10))
    other = MANAGER if organizer_is_report else SAM
    return Event(
        subject="Maya / Sam",
        start=DateTimeTimeZone(date_time=start.isoformat(), time_zone="Europe/London"),
        end=DateTimeTimeZone(
            date_time=(start + timedelta(minutes=30)).isoformat(), time_zone="Europe/London"
        ),
        attendees=[Attendee(email_address=EmailAddress(address=other), type=AttendeeType.Required)],
        recurrence=PatternedRecurrence(
            pattern=RecurrencePattern(
                type=RecurrencePatternType.Weekly, interval=1, days_of_week=[DayOfWeek.Monday]
            ),
            range=RecurrenceRange(type=RecurrenceRangeType.NoEnd, start_date=first_monday),
        ),
    )


def mail_to(sandbox: SandboxServer, address: str, subject_start: str) -> list[dict[str, Any]]:
    assert sandbox.state is not None
    user = user_id_for(address)
    return [
        message
        for message in sandbox.state.store.list("messages", user)
        if str(message.get("subject", "")).startswith(subject_start)
        and message["parentFolderId"] == folder_id_for(user, "inbox")
    ]


@asynccontextmanager
async def agenda_worker(
    env: WorkflowEnvironment,
    graph: GraphServiceClient,
    task_queue: str,
    *,
    sweep: Callable[..., Any] | None = None,
) -> AsyncIterator[None]:
    client = env.client
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=LinkKeyRing([b"k" * 32]), public_url="https://a.test"
    )
    agenda = AgendaActivities(
        client,
        graph,
        messaging,
        OneCommitment(),
        people=TemporalPersonStore(client, task_queue, id_scope=task_queue),
        task_queue=task_queue,
    )
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[
            OneOnOnePlanWorkflow,
            AgendaWorkflow,
            OneOnOneOfferWorkflow,
            PersonWorkflow,
            AgendaSweepWorkflow,
        ],
        activities=[
            DirectoryActivities(graph).get_person_schedule,
            CalendarActivities(graph).find_meeting_slot,
            agenda.plan_one_on_ones,
            agenda.check_one_on_one,
            agenda.read_agenda_copy,
            agenda.gather_agenda,
            agenda.send_agenda,
            agenda.send_one_on_one_offer,
            SendRouting(task_queue, [AGENT], enabled=False).send_queue,
            *([sweep] if sweep is not None else []),
        ],
    ):
        yield
        await end_offers(env)


async def end_offers(env: WorkflowEnvironment) -> None:
    """End the offers a test's planning started: a sent one waits two weeks for a press, and
    its timers, with no worker left to run them, would stall the next test's skips."""
    client, now = env.client, await env.get_current_time()
    for report in (SAM, PRIYA, LUKAS):
        local = now.astimezone(LONDON)
        quarter = f"{local.year}-Q{(local.month - 1) // 3 + 1}"
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(offer_id_for(MANAGER, report, quarter)).terminate(
                "the test is over"
            )


async def skip_to(env: WorkflowEnvironment, at: datetime) -> None:
    now = await env.get_current_time()
    if at > now:
        await env.sleep(at - now)


async def plan(env: WorkflowEnvironment, task_queue: str, label: str) -> PlanOutcome:
    result: PlanOutcome = await env.client.execute_workflow(
        PLAN_WORKFLOW,
        PlanRun(manager=MANAGER),
        id=f"plan-{task_queue}-{label}",
        task_queue=task_queue,
        result_type=PlanOutcome,
    )
    return result


async def agenda_of(env: WorkflowEnvironment, monday: date) -> AgendaOutcome:
    # Only the handles the test client starts skip time while awaited; skip past the 1:1.
    await skip_to(env, datetime.combine(monday, time(12), UTC))
    handle = env.client.get_workflow_handle(
        agenda_id_for(MANAGER, SAM, monday), result_type=AgendaOutcome
    )
    result: AgendaOutcome = await handle.result()
    return result


async def test_the_agenda_arrives_the_working_day_before_each_weekly_1_1_across_dst(
    temporal_env: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    await office_hours(graph, MANAGER, "Europe/London")
    await office_hours(graph, SAM, "America/New_York")
    after = monday_after_summer_time(await temporal_env.get_current_time())
    # The Mondays a week before and a week after the change (10:00 GMT, then 10:00 BST).
    mondays = [after - timedelta(weeks=1), after + timedelta(weeks=1)]
    created = await graph.users.by_user_id(MANAGER).events.post(
        weekly_one_on_one(mondays[0] - timedelta(weeks=1))
    )
    assert created is not None
    async with agenda_worker(temporal_env, graph, task_queue):
        await TemporalPersonStore(
            temporal_env.client, task_queue, id_scope=task_queue
        ).set_agenda_copy(SAM, True)
        for monday in mondays:
            # Planning runs (daily, in production) on the Wednesday before.
            await skip_to(temporal_env, datetime.combine(monday - timedelta(days=5), time(12), UTC))
            started = await plan(temporal_env, task_queue, monday.isoformat())
            assert started.agendas_started == 1
            outcome = await agenda_of(temporal_env, monday)
            friday = monday - timedelta(days=3)
            assert outcome.result is AgendaResult.SENT
            # Friday 09:00 in each reader's own zone, whatever the clocks did.
            expected = [
                (MANAGER, datetime.combine(friday, time(9), LONDON)),
                (SAM, datetime.combine(friday, time(9), NEW_YORK)),
            ]
            assert [d.reader for d in outcome.deliveries] == [who for who, _ in expected]
            for delivery, (_, at) in zip(outcome.deliveries, expected, strict=True):
                assert at <= delivery.at < at + timedelta(minutes=1)
    agendas = mail_to(sandbox, MANAGER, "Your 1:1 with Sam Okafor")
    assert len(agendas) == len(mondays)
    html = agendas[0]["body"]["content"]
    assert "Waiting for data access" in html
    assert "What got in the way on" in html and "What would help" in html
    assert len(mail_to(sandbox, SAM, "Your 1:1 with Maya Chen")) == len(mondays)


async def test_no_agenda_for_a_cancelled_occurrence(
    temporal_env: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    await office_hours(graph, MANAGER, "Europe/London")
    now = await temporal_env.get_current_time()
    monday = now.date() + timedelta(days=(7 - now.weekday()) % 7 or 7) + timedelta(weeks=1)
    # Sam organises this one; Maya's copy is what Accord reads.
    series = await graph.users.by_user_id(SAM).events.post(
        weekly_one_on_one(monday - timedelta(weeks=1), organizer_is_report=True)
    )
    assert series is not None and series.id is not None
    async with agenda_worker(temporal_env, graph, task_queue):
        await skip_to(temporal_env, datetime.combine(monday - timedelta(days=5), time(12), UTC))
        assert (await plan(temporal_env, task_queue, "cancelled")).agendas_started == 1
        # Sam cancels that Monday's occurrence while the agenda waits for Friday.
        instances = await graph.users.by_user_id(SAM).calendar_view.get(
            request_configuration=_window(monday)
        )
        assert instances is not None and instances.value
        (that_day,) = [i for i in instances.value if i.series_master_id == series.id]
        assert that_day.id is not None
        await graph.users.by_user_id(SAM).events.by_event_id(that_day.id).delete()
        outcome = await agenda_of(temporal_env, monday)
    assert outcome.result is AgendaResult.CANCELLED
    assert outcome.deliveries == []
    assert mail_to(sandbox, MANAGER, "Your 1:1 with Sam Okafor") == []


def _window(day: date) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
        CalendarViewRequestBuilder,
    )

    start = datetime.combine(day, time(0), UTC)
    return RequestConfiguration(
        query_parameters=CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
            start_date_time=start.isoformat(), end_date_time=(start + timedelta(days=1)).isoformat()
        )
    )


async def test_the_agenda_offer_of_a_1_1_where_none_exists_is_made_once(
    temporal_env: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    for person in (MANAGER, SAM, PRIYA, LUKAS):
        await office_hours(graph, person, "Europe/London")
    # A quarter of its own: the module's other tests made their offers in earlier ones.
    now = await temporal_env.get_current_time()
    this_quarter = date(now.year, (now.month - 1) // 3 * 3 + 1, 1)
    next_quarter = (this_quarter + timedelta(days=100)).replace(day=1)
    await skip_to(temporal_env, datetime.combine(next_quarter + timedelta(days=7), time(12), UTC))
    async with agenda_worker(temporal_env, graph, task_queue):
        first = await plan(temporal_env, task_queue, "first")
        assert (first.agendas_started, first.offers_started) == (0, 3)
        now = await temporal_env.get_current_time()
        quarter = f"{now.astimezone(LONDON).year}-Q{(now.astimezone(LONDON).month - 1) // 3 + 1}"
        await skip_to(temporal_env, now + timedelta(days=7))
        for report in (SAM, PRIYA, LUKAS):
            # Read, not awaited: a sent offer stays open two weeks for Maya's one click.
            handle = temporal_env.client.get_workflow_handle(offer_id_for(MANAGER, report, quarter))
            offer = await handle.query(OFFER_QUERY, result_type=OfferState)
            assert offer.open
            delivery = offer.delivery
            assert delivery is not None
            assert delivery.at.astimezone(LONDON).weekday() < 5
            assert time(9) <= delivery.at.astimezone(LONDON).time() < time(17)
        # Planning again the same quarter offers nothing more.
        again = await plan(temporal_env, task_queue, "again")
        assert again.offers_started == 0
    offers = mail_to(sandbox, MANAGER, "A regular 1:1 with")
    assert sorted(message["subject"] for message in offers) == [
        "A regular 1:1 with Lukas Weber?",
        "A regular 1:1 with Priya Raman?",
        "A regular 1:1 with Sam Okafor?",
    ]
    assert "Every week, same time" in offers[0]["body"]["content"]


async def test_an_agenda_waiting_for_its_day_starts_a_fresh_history_on_request(
    data_converter: DataConverter,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    # A server of its own: on the module's, the offers and agendas earlier tests left waiting
    # made the continue-as-new's long skip stall now and then under load (CI, 2 cores).
    async with time_skipping_server(data_converter) as temporal_env:
        await _refresh_then_send(temporal_env, sandbox, graph, task_queue)


async def _refresh_then_send(
    temporal_env: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    await office_hours(graph, MANAGER, "Europe/London")
    now = await temporal_env.get_current_time()
    monday = now.date() + timedelta(days=(7 - now.weekday()) % 7 or 7) + timedelta(weeks=1)
    await graph.users.by_user_id(MANAGER).events.post(weekly_one_on_one(monday))
    async with agenda_worker(temporal_env, graph, task_queue):
        await skip_to(temporal_env, datetime.combine(monday - timedelta(days=5), time(12), UTC))
        assert (await plan(temporal_env, task_queue, "refresh")).agendas_started == 1
        handle = temporal_env.client.get_workflow_handle(agenda_id_for(MANAGER, SAM, monday))
        first_run = (await handle.describe()).run_id
        await handle.signal(REFRESH_SIGNAL, RefreshRequest(reason="test"))
        outcome = await agenda_of(temporal_env, monday)
        assert (await handle.describe()).run_id != first_run
    assert outcome.result is AgendaResult.SENT
    assert len(mail_to(sandbox, MANAGER, "Your 1:1 with Sam Okafor")) == 1


@activity.defn(name=LIST_AGENDA_MANAGERS)
async def only_maya(listing: ManagerListing) -> Managers:
    """Stands in for visibility, which the time-skipping server lacks."""
    del listing
    return Managers(managers=[MANAGER, "nobody@northwind.example"])


async def test_the_daily_agenda_sweep_plans_each_manager_and_passes_over_one_it_cannot_read(
    temporal_env: WorkflowEnvironment, graph: GraphServiceClient, task_queue: str
) -> None:
    await office_hours(graph, MANAGER, "Europe/London")
    now = await temporal_env.get_current_time()
    await graph.users.by_user_id(MANAGER).events.post(weekly_one_on_one(now.date()))
    async with agenda_worker(temporal_env, graph, task_queue, sweep=only_maya):
        outcome = await temporal_env.client.execute_workflow(
            SWEEP_WORKFLOW,
            id=f"sweep-{task_queue}",
            task_queue=task_queue,
            result_type=PlanOutcome,
        )
    # Sam's 1:1 gets its agenda, and the mailbox that cannot be read is passed over. (Priya
    # and Lukas were offered a 1:1 this quarter by the module's earlier tests, or are now.)
    assert outcome.agendas_started == 1
    assert outcome.offers_started in {0, 2}
